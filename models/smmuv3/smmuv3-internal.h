/*
 * smmuv3-internal.h — private state of the SMMUv3 model, shared by its
 * source files only (registers, engine, invalidation, interrupts).
 */
#ifndef SMMUV3_INTERNAL_H
#define SMMUV3_INTERNAL_H

#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-cmd.h"
#include "models/smmuv3/smmuv3-cfgcache.h"
#include "models/smmuv3/smmuv3-regs.h"
#include "models/smmuv3/smmuv3-tlb.h"
#include "sim/trace.h"

#define SIM_TP(n) SIM_TP_DECLARE(n)
#include "models/smmuv3/trace-events.def"
#undef SIM_TP

/* Walk caches hold table pointers of levels 0..2 (a level-3 descriptor is
 * always a leaf). */
#define SMMU_WC_LEVELS 3

/* Effective parameter values, read once by smmu_new (smmuv3-params.c). */
struct smmu_config {
    uint64_t clock_mhz;
    uint64_t cr0ack_delay, gbpa_update, irq_ctrlack;        /* cycles */
    uint64_t prod_to_engine, cons_writeback, msi_write;     /* cycles */
    uint64_t fetch_burst, prefetch_depth;                   /* commands, bursts */
    uint64_t tlbi, tlbi_page, tlbi_entry;                   /* cycles */
    uint64_t cfgi, cfgi_entry, sync, atc_inv, prefetch, other;
    uint64_t tbus, tbu_ack, atc_roundtrip, atc_timeout;
    uint64_t cmds_per_turn, cycles_per_turn;
    uint64_t tlb_entries, tlb_assoc, cfg_entries, cfg_assoc;
    bool check_res0, tlb_over_invalidate;
    /* Translation timing (cycles) and the cache hierarchy. */
    uint64_t evtq_write;                                    /* record write until PROD is visible */
    uint64_t utlb_entries, utlb_lookup, link, tlb_lookup, cfg_lookup, wc_lookup;
    uint64_t ptw_slots, wc_assoc;
    uint64_t wc_entries[2][SMMU_WC_LEVELS];                 /* [stage-1, stage-2][level] */
    /* ID registers as composed from the feature parameters. */
    uint32_t idr[6], iidr, aidr;
};

gboolean smmu_config_read(struct smmu_config *c, const struct sim_params *p, GError **err);

/* Features the model keys its behaviour on, decoded from the IDRs. */
static inline bool smmu_has_s1(const struct smmu_config *c) { return SIM_FIELD_EX32(c->idr[0], IDR0, S1P); }
static inline bool smmu_has_s2(const struct smmu_config *c) { return SIM_FIELD_EX32(c->idr[0], IDR0, S2P); }
static inline bool smmu_has_msi(const struct smmu_config *c) { return SIM_FIELD_EX32(c->idr[0], IDR0, MSI); }
static inline bool smmu_has_pri(const struct smmu_config *c) { return SIM_FIELD_EX32(c->idr[0], IDR0, PRI); }

/* Per-source engine extension (reached through eng.publish.opaque). */
struct smmu_src_ext;

#define SMMU_MSI_POOL 8

struct smmu_msi {
    struct sim_event ev;
    struct smmu *smmu;
    struct smmu_msi *next_free;
    uint64_t addr;
    uint32_t data;
    uint32_t abort_bit;     /* GERROR bit toggled when the write aborts */
    enum smmu_irq_line line;
    bool wire;              /* a deferred wired pulse rather than a write */
};

struct smmu_engine {
    struct smmu_cmd_source *ring;   /* next active source to serve */
    unsigned active;
    struct sim_event turn;
    sim_time_t busy_until;
    uint32_t cmds_per_turn, cycles_per_turn;
    const struct smmu_engine_observer *obs;
    void *obs_opaque;
    GPtrArray *sources;             /* struct smmu_src_ext of attached sources */
};

struct smmu_atc {
    const struct smmu_atc_ops *ops;
    void *opaque;
};

struct smmu {
    struct sim_sched *sched;
    struct sim_mem *mem;
    struct sim_stats *stats;
    struct smmu_config cfg;
    struct sim_clock clock;
    struct smmu_cmd_caps caps;

    /* Registers (reset values in smmu_reset). */
    uint32_t cr0, cr0ack, cr1, cr2, gbpa, gbpa_pending, irq_ctrl, irq_ctrlack;
    uint32_t gerror, gerrorn;
    uint64_t gerror_irq_cfg0;
    uint32_t gerror_irq_cfg1, gerror_irq_cfg2;
    uint64_t strtab_base;
    uint32_t strtab_base_cfg;
    uint64_t cmdq_base;
    uint32_t cmdq_prod, cmdq_cons_err;
    uint64_t eventq_base;
    uint32_t eventq_prod, eventq_cons;
    uint64_t eventq_irq_cfg0;
    uint32_t eventq_irq_cfg1, eventq_irq_cfg2;
    uint64_t priq_base;
    uint32_t priq_prod, priq_cons;
    uint64_t priq_irq_cfg0;
    uint32_t priq_irq_cfg1, priq_irq_cfg2;
    uint32_t cr0_wmask, gerror_impl, irq_ctrl_wmask, cr2_wmask;

    struct sim_event cr0ack_ev, gbpa_ev, irq_ctrlack_ev;

    struct smmu_cmd_source cmdq;
    struct smmu_engine eng;
    struct smmu_tlb *tlb;
    struct smmu_cfgcache *cfgc;
    GHashTable *atcs;               /* StreamID -> struct smmu_atc */

    smmu_irq_fn irq_fn;
    void *irq_opaque;
    struct smmu_msi *msi_free;
    GPtrArray *msi_all;

    /* Walk caches, [0] stage 1 (and nested stage 1), [1] stage 2; NULL for
     * a level configured with 0 entries. */
    struct smmu_tlb *wc[2][SMMU_WC_LEVELS];
    bool wc_used;               /* a walk has ever filled a walk cache */
    sim_time_t *ptw_free;           /* when each walker slot is next free */
    GPtrArray *utlbs;               /* attached struct smmu_utlb */
    uint64_t cfg_gen;               /* bumped whenever a cached STE/CD may change */

    /* Event queue producer (smmuv3-evtq.c). */
    uint32_t evtq_unpublished;      /* records written beyond EVENTQ_PROD */
    uint32_t evtq_batch;            /* of which the pending PROD update covers */
    sim_time_t evtq_last_write;
    struct sim_event evtq_ev;

    struct {
        uint64_t irq_pulses[4], msis, msi_aborts, sev, gerror_activations;
        uint64_t atc_inv_timeouts, tbu_broadcasts;
        uint64_t xlate, xlate_faults, xlate_bypass, walks, walk_accesses, cfg_misses;
        uint64_t ptw_waits, ptw_wait_ps;
        uint64_t evt_written, evt_discard_full, evt_discard_off, evt_discard_abt, evt_overflows,
            evt_write_aborts;
        uint64_t utlb_invalidated, wc_invalidated;
    } counters;
};

/* smmuv3.c */
void smmu_gerror_activate(struct smmu *s, uint32_t bit);
/* Signal `line`: an MSI if the part has MSIs and cfg0's address is
 * non-zero, else the wired line; at now + delay. */
void smmu_signal_irq(struct smmu *s, enum smmu_irq_line line, uint64_t msi_cfg0, uint32_t msi_data,
                     uint32_t abort_bit);
void smmu_pulse_wire(struct smmu *s, enum smmu_irq_line line);
void smmu_msi_send(struct smmu *s, enum smmu_irq_line line, uint64_t addr, uint32_t data, uint32_t abort_bit,
                   sim_time_t when);
/* Pulse a wired line at a future time. */
void smmu_wire_at(struct smmu *s, enum smmu_irq_line line, sim_time_t when);

/* smmuv3-engine.c */
void smmu_engine_init(struct smmu *s);
void smmu_engine_destroy(struct smmu *s);

/* smmuv3-inval.c: apply an invalidation command; returns its execution
 * cycles.  *broadcast is set when the TBUs must acknowledge it. */
uint64_t smmu_inval_exec(struct smmu *s, const uint64_t cmd[2], bool *broadcast);
/* ATC_INV executed up to `sent`: returns its completion time; sets
 * *timed_out when the ATS invalidation will never complete in time. */
sim_time_t smmu_atc_inv_exec(struct smmu *s, const uint64_t cmd[2], sim_time_t sent, bool *timed_out);

/* smmuv3-evtq.c: record a fault as an event at time `when` (>= now): the
 * record is written at once and EVENTQ_PROD covers it after
 * smmu.evtq_write_cycles.  Discards follow smmuv3.md §4.3. */
void smmu_evtq_record(struct smmu *s, const struct smmu_fault *f, sim_time_t when);
void smmu_evtq_init(struct smmu *s);
void smmu_evtq_reset(struct smmu *s);

/* smmuv3-translate.c */
void smmu_xlate_init(struct smmu *s);
void smmu_xlate_destroy(struct smmu *s);
void smmu_xlate_flush(struct smmu *s);
/* Apply a TLBI selection / CFGI selection to the walk caches and every
 * attached micro-TLB. */
void smmu_xlate_inval_tlbi(struct smmu *s, const struct smmu_tlb_inval *f);
void smmu_xlate_inval_cfgi(struct smmu *s, const struct smmu_cfg_inval *f);

#endif /* SMMUV3_INTERNAL_H */
