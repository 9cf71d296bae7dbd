/*
 * smmuv3.h — public API of the Arm SMMUv3 model (IHI 0070 G.b).
 *
 * The SMMU is a device on the MMIO bus (a 128 KiB window: Page 0 and
 * Page 1) that reads its queues and tables from simulated memory and owns
 * the machine's single command engine (smmuv3-engine.h).  Its behaviour
 * is configured by parameters (smmu.*): ID registers, clock, latencies,
 * cache geometry.  Interrupts are reported to an observer: a wired line
 * pulse or an MSI (which is also a 32-bit write to memory at its time).
 */
#ifndef SMMUV3_H
#define SMMUV3_H

#include <glib.h>
#include "sim/bus.h"
#include "sim/mem.h"
#include "sim/params.h"
#include "sim/sched.h"
#include "sim/stats.h"
#include "models/smmuv3/smmuv3-engine.h"
#include "models/smmuv3/smmuv3-tlb.h"
#include "models/smmuv3/smmuv3-xlate.h"

#define SMMU_MMIO_SIZE 0x20000u

struct smmu;

enum smmu_irq_line {
    SMMU_IRQ_EVENTQ = 0,
    SMMU_IRQ_PRIQ = 1,
    SMMU_IRQ_CMD_SYNC = 2,
    SMMU_IRQ_GERROR = 3,
};

/* An interrupt happened at the current simulated time.  For an MSI,
 * `msi` is true and addr/data say what was written. */
typedef void (*smmu_irq_fn)(void *opaque, enum smmu_irq_line line, bool msi, uint64_t addr,
                            uint32_t data);

/* Declare the smmu.* parameters. */
gboolean smmu_declare_params(struct sim_params *p, GError **err);

/* Create from the effective parameters.  Errors are parameter
 * inconsistencies (e.g. an ID register value the model cannot honour). */
struct smmu *smmu_new(struct sim_sched *sched, struct sim_mem *mem, const struct sim_params *params,
                      struct sim_stats *stats, GError **err);
void smmu_free(struct smmu *smmu);
void smmu_reset(struct smmu *smmu);

extern const struct sim_mmio_ops smmu_mmio_ops;

void smmu_set_irq_observer(struct smmu *smmu, smmu_irq_fn fn, void *opaque);

struct sim_sched *smmu_sched(const struct smmu *smmu);
struct sim_mem *smmu_mem(const struct smmu *smmu);
struct sim_stats *smmu_stats(const struct smmu *smmu);
const struct sim_clock *smmu_clock(const struct smmu *smmu);

/* The SMMU's own CMDQ as an engine source (for statistics and tests). */
struct smmu_cmd_source *smmu_cmdq_source(struct smmu *smmu);

/* Register the model's trace points (idempotent). */
void smmu_register_tracepoints(void);

/* The translation caches, for the walker that fills them and for tests
 * (smmuv3-tlb.h, smmuv3-cfgcache.h). */
struct smmu_tlb *smmu_tlb(struct smmu *smmu);
struct smmu_cfgcache *smmu_cfgcache(struct smmu *smmu);

/*
 * ATS: an endpoint's ATC plugs in per StreamID.  For CMD_ATC_INV the engine
 * calls invalidate() when the command executes (`now`); the endpoint sets
 * *done_at (>= now) to when its invalidation completion message arrives and
 * returns true, or returns false if it will never answer (the SMMU's ATS
 * timeout then applies).  An answer later than now + atc_inv_timeout_cycles
 * is a timeout too.  addr is the byte address; size_log2 is 12 + Size (64
 * for Size 52, "everything").  With no ATC at a StreamID the command
 * completes after smmu.atc_inv_roundtrip_cycles.
 */
struct smmu_atc_ops {
    bool (*invalidate)(void *opaque, uint32_t ssid, bool ssv, uint64_t addr, unsigned size_log2, bool global,
                       sim_time_t now, sim_time_t *done_at);
};
/* ops == NULL detaches. */
void smmu_attach_atc(struct smmu *smmu, uint32_t sid, const struct smmu_atc_ops *ops, void *opaque);

/* Registers by name ("CMDQ_PROD", case-insensitive) and by offset. */
bool smmu_reg_lookup(const char *name, uint64_t *offset, unsigned *size);
/* Name of the register at `offset` (either half of a 64-bit one), or NULL. */
const char *smmu_reg_name(uint64_t offset);

/* Commands by mnemonic ("TLBI_NH_VA", "CMD_TLBI_NH_VA", "SYNC", "CMD_SYNC",
 * "CFGI_ALL" = CFGI_STE_RANGE); -1 if unknown. */
int smmu_cmd_opcode_by_name(const char *mnemonic);
/* Mnemonic of an opcode ("RESERVED" for an unarchitected one). */
const char *smmu_cmd_name(uint8_t op);
/* Zero cmd and set its opcode from a mnemonic (CFGI_ALL also sets Range 31). */
gboolean smmu_cmd_build(uint64_t cmd[2], const char *mnemonic, GError **err);
/* Set a field of the command whose opcode is already in cmd[0][7:0].
 * Names: ssec ssv ssid sid vmid asid num scale leaf ttl tg addr range global
 * size prgindex resp ac ab stag cs msh msiattr msidata msiaddr.  `addr` is a
 * byte address (stored as [63:12] or IPA [55:12]; must be 4 KiB aligned),
 * `msiaddr` a byte address (4-byte aligned).  Errors name the field. */
gboolean smmu_cmd_set_field(uint64_t cmd[2], const char *field, uint64_t value, GError **err);

/* ------------------------------------------------------------------ */
/* Translation (IHI 0070 G.b §3.3-3.9; smmuv3.md §3-§4)                */
/* ------------------------------------------------------------------ */

/* One incoming transaction.  access is a set of SMMU_ACCESS_* (read
 * unless WRITE, data unless INSN, unprivileged unless PRIV). */
struct smmu_txn {
    uint32_t sid;
    bool ssv;
    uint32_t ssid;
    uint64_t iova;
    unsigned access;
};

/* Where a translation was answered (the timing structure it reached). */
enum smmu_xlate_source {
    SMMU_XLATE_BYPASS,      /* SMMUEN = 0 (GBPA) or STE bypass: no lookup */
    SMMU_XLATE_UTLB,        /* a TBU micro-TLB (timed path only) */
    SMMU_XLATE_TLB,         /* the TCU's main TLB */
    SMMU_XLATE_WALK,        /* a table walk */
    SMMU_XLATE_CONFIG,      /* ended in configuration (abort or fault) */
};

struct smmu_txn_result {
    bool ok;                /* translated: oa, perm, size_log2 valid */
    uint64_t oa;            /* output address of iova */
    uint8_t perm;           /* SMMU_PERM_* */
    uint8_t size_log2;      /* bytes around iova with the same mapping */
    /* Not ok: the transaction's fate and the fault (SMMU_EVT_NONE for a
     * configuration abort, which records nothing). */
    enum smmu_fault_response response;
    uint8_t event;          /* enum smmu_event_type */
    bool recorded;          /* an event record was produced (maybe discarded by the queue) */
    /* What it cost, for the timed path. */
    enum smmu_xlate_source source;
    uint16_t asid, vmid;    /* tags of the translation (for micro-TLB fills) */
    uint8_t stage;          /* enum smmu_tlb_stage; 0 for a bypass */
    uint8_t level;
    bool global;
    unsigned cfg_accesses;  /* STE/CD (and level-1 descriptor) reads on config-cache misses */
    unsigned walk_accesses; /* descriptor accesses the walk made after walk-cache hits */
    unsigned wc_lookups;    /* walk-cache levels probed */
};

/*
 * Translate one transaction now, functionally: SMMUEN/GBPA, stream table,
 * configuration cache, TLB, walk caches and the walk, with faults recorded
 * in the event queue per smmu_fault_action (records become visible after
 * smmu.evtq_write_cycles).  Returns res->ok.
 */
bool smmu_translate(struct smmu *smmu, const struct smmu_txn *txn, struct smmu_txn_result *res);

/*
 * The same translation as seen by a TBU at time `at` that missed its
 * micro-TLB: returns when the answer is back at the TBU (link both ways,
 * TLB lookup, and on a miss the configuration lookups, walk-cache probes
 * and memory accesses, waiting for one of smmu.ptw_slots walkers).
 */
sim_time_t smmu_translate_timed(struct smmu *smmu, const struct smmu_txn *txn, struct smmu_txn_result *res,
                                sim_time_t at);

/*
 * PCIe ATS admission (smmuv3-ats.c; docs/translation.md "ATS").
 *
 * smmu_ats_request_check: an ATS translation request from the endpoint of
 * txn->sid reaching the TCU at `at`.  True: the stream permits it
 * (STE.EATS = 1) or its configuration is for the translation itself to
 * report; go on with smmu_translate_timed.  False: refused, *res filled as
 * a failed translation (SMMUEN = 0: no event; EATS = 0: F_BAD_ATS_TREQ;
 * EATS = 2, split stage, not modelled: C_BAD_STE) and *done = when the
 * refusal is back at the endpoint.
 *
 * smmu_ats_translated_check: an ATS-translated transaction (an ATC hit)
 * arriving at `at`.  With SMMUEN = 1 and CR0.ATSCHK = 1 the STE must
 * permit ATS, else F_TRANSL_FORBIDDEN (EATS = 0), C_BAD_STE (EATS = 2 or
 * an STE that does not decode), a silent abort (Config abort) or the STE
 * fetch fault.  True: *done = when it may go to memory; false: *res
 * filled, *done = when the abort is known.
 */
bool smmu_ats_request_check(struct smmu *smmu, const struct smmu_txn *txn, struct smmu_txn_result *res,
                            sim_time_t at, sim_time_t *done);
bool smmu_ats_translated_check(struct smmu *smmu, const struct smmu_txn *txn, struct smmu_txn_result *res,
                               sim_time_t at, sim_time_t *done);

/* Walk-cache occupancy (non-leaf table pointers of every stage and level). */
unsigned smmu_walk_cache_count(const struct smmu *smmu);
/* Entries of one stage (SMMU_TLB_S1 for stage 1 and nested, SMMU_TLB_S2)
 * and level (0..2). */
unsigned smmu_walk_cache_level_count(const struct smmu *smmu, unsigned stage, unsigned level);

/* Micro-TLBs (smmuv3-utlb.h) are reached by every invalidation once
 * attached; endpoints attach theirs. */
struct smmu_utlb;
void smmu_attach_utlb(struct smmu *smmu, struct smmu_utlb *utlb);
void smmu_detach_utlb(struct smmu *smmu, struct smmu_utlb *utlb);

/* ------------------------------------------------------------------ */
/* Memory images (smmuv3-state.c; docs/memory-images.md)               */
/* ------------------------------------------------------------------ */

/* Name of the model's state blob in an image. */
#define SMMU_STATE_NAME "smmu"
struct sim_state_reader;

/* Append the model's state (registers, queue pointers, the CMDQ's engine
 * progress and statistics, TLB / configuration / walk caches, counters) to
 * `out`.  Refused (err set, nothing appended) while an event of the model
 * is pending or endpoints' micro-TLBs / ATCs are attached. */
gboolean smmu_state_save(const struct smmu *smmu, GByteArray *out, GError **err);
/* Restore into an SMMU freshly built from the same parameters, with no
 * event pending.  A malformed blob (truncated, wrong version, sizes that
 * are not this machine's, entries that cannot be) is an error; the model
 * must then be discarded, as its caches may be partly restored. */
gboolean smmu_state_restore(struct smmu *smmu, const void *data, size_t len, GError **err);
/* One engine source's pointers, error stop, latency marks and statistics,
 * for every owner of a source (the SMMU's CMDQ, the CMDQV's VCMDQs).  A
 * problem is left in the reader (sim/image.h) and the source unchanged. */
void smmu_state_save_source(const struct smmu_cmd_source *src, GByteArray *out);
void smmu_state_restore_source(struct smmu_cmd_source *src, struct sim_state_reader *r);

#endif /* SMMUV3_H */
