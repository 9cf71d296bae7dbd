/*
 * smmuv3-engine.h — the command engine and its queue sources.
 *
 * An SMMU has exactly one command engine.  Every command queue in the
 * machine feeds it through a `struct smmu_cmd_source`: the SMMU's own CMDQ,
 * and with CMDQV every VCMDQ.  The engine fetches, checks and executes
 * commands of all sources in one code path; a source only supplies its queue
 * geometry and pointers, its restrictions and an error callback.
 *
 * Ownership.  The owner (the SMMU register file, or a VCMDQ) embeds the
 * source in its own state and owns the fields in the "owner" block.  The
 * engine owns everything in the `eng` block; owners must not touch it.
 *
 * Life of a command:
 *   1. Software writes PROD; the owner calls smmu_cmd_source_write_prod().
 *      The engine records the write time (for latency statistics) and, if
 *      the source may run, makes it active.
 *   2. Active sources are served round-robin.  A turn serves one source for
 *      at most `cmds_per_turn` commands or `cycles_per_turn` cycles.  Within
 *      a turn the engine computes each command's fetch and execution time
 *      arithmetically; it schedules an event only at the end of the turn,
 *      where the result becomes observable (CONS visible, SYNC complete).
 *   3. Invalidation side effects are applied when the command executes;
 *      their completion (TBU/ATC acknowledgements) is tracked per source.
 *      A CMD_SYNC completes when every earlier command of the same source
 *      has completed; while it waits, the engine serves other sources.
 *   4. CONS becomes visible to software `cons_writeback` after the turn.
 *
 * Errors.  On an illegal command (CERROR_ILL, or the source's
 * `disallowed_cerror` for an opcode outside its allowed set), a fetch abort
 * (CERROR_ABT) or an ATC invalidation timeout at a CMD_SYNC
 * (CERROR_ATC_INV_SYNC), the engine publishes CONS pointing at the failing
 * command, stops the source and calls ops->error() once.  The owner models
 * the rest (CONS.ERR, GERROR toggle, error maps, interrupts).  Consumption
 * resumes, re-fetching at CONS, when the owner calls
 * smmu_cmd_source_error_ack() (GERRORN acknowledged).
 */
#ifndef SMMUV3_ENGINE_H
#define SMMUV3_ENGINE_H

#include "sim/hist.h"
#include "sim/sched.h"
#include "models/smmuv3/smmuv3-queue.h"

struct smmu;
struct smmu_cmd_source;

/* CMDQ_CONS.ERR codes [smmuv3.md §1.2]; 4 is the Tegra241 VCMDQ extension. */
enum smmu_cerror {
    SMMU_CERROR_NONE = 0,
    SMMU_CERROR_ILL = 1,
    SMMU_CERROR_ABT = 2,
    SMMU_CERROR_ATC_INV_SYNC = 3,
    SMMU_CERROR_ILL_ACCESS = 4,
};
#define SMMU_CERROR_COUNT 5

struct smmu_cmd_source_ops {
    /* The source stopped on an error; `cons` designates the failing command. */
    void (*error)(struct smmu_cmd_source *src, enum smmu_cerror err, uint32_t cons);
    /* Optional: CONS became visible to software (after cons_writeback). */
    void (*cons_visible)(struct smmu_cmd_source *src, uint32_t cons);
    /* Optional: translate a guest StreamID for ATC_INV / CFGI; false = no
     * mapping (the command then fails with `unmapped_sid_cerror`). */
    bool (*translate_sid)(struct smmu_cmd_source *src, uint32_t vsid, uint32_t *psid);
};

/* Per-source statistics (registered under the source's stats prefix). */
struct smmu_cmd_source_stats {
    uint64_t cmds;                  /* commands consumed */
    uint64_t by_opcode[256];
    uint64_t errors[SMMU_CERROR_COUNT];
    uint64_t syncs;
    uint64_t turns;
    struct sim_hist cmd_latency;    /* PROD write covering the command -> consumed (ps) */
    struct sim_hist sync_latency;   /* PROD write covering the SYNC -> SYNC complete (ps) */
    struct sim_hist occupancy;      /* entries in the queue, sampled at each PROD write */
};

#define SMMU_PROD_MARKS 64

struct smmu_cmd_source {
    /* ---- owner ---- */
    const char *name;               /* "cmdq", "vcmdq5" ... (static or owner-held) */
    const struct smmu_cmd_source_ops *ops;
    void *opaque;
    uint64_t base;                  /* effective base address of entry 0 */
    unsigned log2size;
    /* Restrictions (guest-owned VCMDQs).  `allowed` is a 256-bit bitmap of
     * opcodes (NULL = no restriction beyond the architecture). */
    const uint8_t *allowed;
    enum smmu_cerror disallowed_cerror;
    bool sync_cs_none_only;         /* CMD_SYNC with CS != NONE is disallowed */
    bool vmid_override;             /* replace the VMID field of TLBI_NH_* / S2 */
    uint16_t vmid;
    enum smmu_cerror unmapped_sid_cerror;

    /* ---- read-only for owners ---- */
    uint32_t prod;                  /* last PROD written */
    uint32_t cons;                  /* CONS.RD visible to software */
    bool enabled;                   /* consumption allowed by the owner */
    bool stopped_on_error;
    struct smmu_cmd_source_stats stats;

    /* ---- engine private ---- */
    struct {
        struct smmu *smmu;
        struct smmu_cmd_source *next_active; /* round-robin ring links */
        struct smmu_cmd_source *prev_active;
        bool active;
        bool attached;
        uint32_t rd;                /* next command to consume */
        sim_time_t ready_at;        /* not served before this time (SYNC wait) */
        sim_time_t pending_done;    /* completion of the latest outstanding command */
        bool atc_timed_out;         /* an ATC_INV since the last SYNC timed out */
        struct sim_event publish;   /* CONS write-back */
        uint32_t publish_cons;
        struct { uint32_t prod; sim_time_t t; } marks[SMMU_PROD_MARKS];
        unsigned mark_head, mark_count;
    } eng;
};

/* Attach a source to the SMMU's engine.  Counters and histograms are
 * registered in the SMMU's stats registry under `stats_prefix`
 * (e.g. "cmdqv.vcmdq5"). */
void smmu_engine_attach(struct smmu *smmu, struct smmu_cmd_source *src, const char *stats_prefix);
void smmu_engine_detach(struct smmu *smmu, struct smmu_cmd_source *src);

/* Owner events. */
void smmu_cmd_source_write_prod(struct smmu_cmd_source *src, uint32_t prod);
void smmu_cmd_source_set_enabled(struct smmu_cmd_source *src, bool enabled);
/* Software (re)initialised CONS while the source is disabled. */
void smmu_cmd_source_set_cons(struct smmu_cmd_source *src, uint32_t cons);
/* The owner's error was acknowledged: restart consumption at CONS. */
void smmu_cmd_source_error_ack(struct smmu_cmd_source *src);
/* The command at CONS was rewritten in memory (no-op for the engine; the
 * next fetch reads memory again).  Provided for symmetry in drivers. */

/* Arbitration limits (CMDQV CONFIG.MAX_CMD_BATCH / MAX_CLK_BATCH, or the
 * smmu.engine_* parameters without CMDQV).  0 means "no limit". */
void smmu_engine_set_turn_limits(struct smmu *smmu, uint32_t cmds_per_turn, uint32_t cycles_per_turn);

/*
 * Observer of command-level events, for timelines and record mode.  Called
 * only when set (one pointer test on the hot path).  Times may lie ahead of
 * the scheduler's current time: the engine computes a turn's commands
 * arithmetically when the turn starts.
 */
struct smmu_engine_observer {
    void (*consumed)(void *opaque, const struct smmu_cmd_source *src, uint32_t ptr, uint8_t opcode,
                     sim_time_t prod_time, sim_time_t exec_start, sim_time_t exec_end);
    void (*sync_done)(void *opaque, const struct smmu_cmd_source *src, uint32_t ptr,
                      sim_time_t prod_time, sim_time_t done);
    void (*error)(void *opaque, const struct smmu_cmd_source *src, uint32_t ptr,
                  enum smmu_cerror err, sim_time_t t);
};
void smmu_engine_set_observer(struct smmu *smmu, const struct smmu_engine_observer *obs, void *opaque);

/* True when no source has work and nothing is in flight. */
bool smmu_engine_idle(const struct smmu *smmu);

/* 256-bit opcode set helpers for `allowed`. */
static inline void smmu_opset_add(uint8_t set[32], uint8_t op) { set[op >> 3] |= (uint8_t)(1u << (op & 7)); }
static inline bool smmu_opset_has(const uint8_t set[32], uint8_t op) { return set[op >> 3] & (1u << (op & 7)); }

#endif /* SMMUV3_ENGINE_H */
