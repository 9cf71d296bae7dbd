/*
 * cmdqv-internal.h — private state of the CMDQV model, shared by cmdqv.c
 * (global registers, decode), cmdqv-vintf.c (VINTFs, allocation map) and
 * cmdqv-vcmdq.c (queues and their engine sources).
 *
 * One `struct cmdqv_vcmdq` exists per global VCMDQ; the direct and the
 * logical apertures both reach it (cmdqv-regs.h).  Error maps are not
 * stored: they are derived on read from each queue's GERROR/GERRORN, so
 * they can never disagree with the queues (docs/cmdqv.md, "error maps").
 */
#ifndef CMDQV_INTERNAL_H
#define CMDQV_INTERNAL_H

#include "sim/log.h"
#include "sim/trace.h"
#include "models/cmdqv/cmdqv.h"
#include "models/cmdqv/cmdqv-regs.h"

#define SIM_TP(n) SIM_TP_DECLARE(n)
#include "models/cmdqv/trace-events.def"
#undef SIM_TP

#define CMDQV_NO_VCMDQ (-1)

struct cmdqv;

struct cmdqv_vintf_stats {
    uint64_t queue_errors;          /* errors raised by its queues */
    uint64_t unallocated_accesses;  /* logical-aperture accesses to empty slots */
    uint64_t sid_translations;      /* vSID -> pSID hits */
    uint64_t sid_misses;            /* ATC_INV naming an unmatched vSID */
    uint64_t enables;               /* STATUS.ENABLED 0 -> 1 */
};

struct cmdqv_vintf {
    struct cmdqv *cmdqv;
    unsigned idx;
    uint32_t config;                /* VINTF_CONFIG as stored (HYP_OWN masked) */
    bool enabled;                   /* STATUS.ENABLED */
    bool hyp_own_capable;           /* HYP_OWN writable (else wired to 0) */
    struct sim_event handshake;
    uint32_t sid_match[CMDQV_MAX_SIDS];
    uint32_t sid_replace[CMDQV_MAX_SIDS];
    int16_t *lvcmdq;                /* logical index -> global VCMDQ or NO_VCMDQ */
    unsigned num_allocated;         /* allocated LVCMDQs (contiguous from 0) */
    struct cmdqv_vintf_stats stats;
};

struct cmdqv_vcmdq_stats {
    uint64_t enables;               /* STATUS.ENABLED 0 -> 1 */
    uint64_t error_acks;            /* CMDQ_ERR acknowledged through GERRORN */
    uint64_t cons_dram_writes;      /* CONS mirrored to CONS_INDX_BASE */
};

struct cmdqv_vcmdq {
    struct smmu_cmd_source src;     /* engine source; src.opaque = this */
    struct cmdqv *cmdqv;
    unsigned idx;
    char name[16];                  /* "vcmdq5" */
    uint32_t alloc;                 /* CMDQ_ALLOC(idx) */
    uint32_t config;                /* CONFIG.EN */
    bool enabled;                   /* STATUS.ENABLED */
    struct sim_event handshake;
    uint32_t cons_err;              /* CONS.ERR */
    uint32_t gerror, gerrorn;
    uint64_t base;                  /* page1 BASE as written */
    uint64_t cons_indx_base;
    struct cmdqv_vcmdq_stats stats;
};

struct cmdqv {
    struct smmu *smmu;
    struct sim_sched *sched;
    struct sim_mem *mem;
    struct sim_stats *stats;
    const struct sim_clock *clock;

    /* Geometry and timing, from parameters (read once). */
    unsigned num_vintfs, num_vcmdqs, num_sids;
    uint32_t param;                 /* the PARAM register */
    unsigned max_log2size;          /* SMMU IDR1.CMDQS */
    sim_time_t enable_delay, vintf_enable_delay, vcmdq_enable_delay;
    uint32_t clk_batch_unit;        /* SMMU cycles per MAX_CLK_BATCH unit */
    unsigned host_owned_vintfs;     /* VINTFs whose HYP_OWN is writable */

    uint32_t config;
    bool enabled;                   /* STATUS.CMDQV_ENABLED */
    struct sim_event handshake;
    uint64_t vintf_int_mask;

    struct cmdqv_vintf *vintf;
    struct cmdqv_vcmdq *vcmdq;
    uint8_t guest_opset[32];        /* opcodes a guest-owned queue may issue */

    cmdqv_irq_fn irq_fn;
    void *irq_opaque;

    struct {
        uint64_t irqs;
        uint64_t irqs_masked;
        uint64_t alloc_rejected;
        uint64_t guest_errors;      /* every access the model refused */
    } counters;
};

/* ---- cmdqv.c ---- */
void cmdqv_raise_irq(struct cmdqv *c, const struct cmdqv_vcmdq *q);

/* Where an MMIO offset lands, aliases not yet resolved: `index` is the
 * global VCMDQ (direct apertures) or the logical slot (VINTF apertures);
 * `reg` is the offset inside the block. */
enum cmdqv_loc_kind {
    CMDQV_LOC_NONE,
    CMDQV_LOC_GLOBAL,
    CMDQV_LOC_VINTF,
    CMDQV_LOC_VCMDQ_P0,
    CMDQV_LOC_VCMDQ_P1,
    CMDQV_LOC_LOGICAL_P0,
    CMDQV_LOC_LOGICAL_P1,
};
struct cmdqv_loc {
    enum cmdqv_loc_kind kind;
    unsigned vintf;
    unsigned index;
    uint32_t reg;
};
/* Decode for a CMDQV with the given geometry. */
void cmdqv_decode(uint64_t offset, unsigned num_vintfs, unsigned num_vcmdqs, struct cmdqv_loc *loc);

/* ---- cmdqv-vintf.c ---- */
void cmdqv_vintf_init(struct cmdqv *c, struct cmdqv_vintf *v, unsigned idx);
void cmdqv_vintf_reset(struct cmdqv_vintf *v);
void cmdqv_vintf_register_stats(struct cmdqv_vintf *v);
uint32_t cmdqv_vintf_read(struct cmdqv_vintf *v, uint32_t reg);
void cmdqv_vintf_write(struct cmdqv_vintf *v, uint32_t reg, uint32_t val);
bool cmdqv_vintf_is_guest_owned(const struct cmdqv_vintf *v);
uint64_t cmdqv_vintf_lvcmdq_err_map(const struct cmdqv_vintf *v, unsigned word);
/* Global VCMDQ index behind logical slot `lidx`, or CMDQV_NO_VCMDQ. */
int cmdqv_vintf_lookup(const struct cmdqv_vintf *v, unsigned lidx);
/* CMDQ_ALLOC(q) write with the ordering rules; false = refused. */
bool cmdqv_alloc_write(struct cmdqv *c, unsigned q, uint32_t val);

/* ---- cmdqv-vcmdq.c ---- */
void cmdqv_vcmdq_init(struct cmdqv *c, struct cmdqv_vcmdq *q, unsigned idx);
void cmdqv_vcmdq_reset(struct cmdqv_vcmdq *q);
void cmdqv_vcmdq_register_stats(struct cmdqv_vcmdq *q);
uint32_t cmdqv_vcmdq_read_page0(struct cmdqv_vcmdq *q, uint32_t reg);
void cmdqv_vcmdq_write_page0(struct cmdqv_vcmdq *q, uint32_t reg, uint32_t val);
uint32_t cmdqv_vcmdq_read_page1(struct cmdqv_vcmdq *q, uint32_t reg);
void cmdqv_vcmdq_write_page1(struct cmdqv_vcmdq *q, uint32_t reg, uint32_t val);
bool cmdqv_vcmdq_error_active(const struct cmdqv_vcmdq *q);
/* Recompute whether the engine may consume from q (CMDQV, VINTF, allocation
 * and queue enables) and apply the owner VINTF's restrictions. */
void cmdqv_vcmdq_update(struct cmdqv_vcmdq *q);
bool cmdqv_vcmdq_allocated(const struct cmdqv_vcmdq *q);
unsigned cmdqv_vcmdq_vintf(const struct cmdqv_vcmdq *q);
unsigned cmdqv_vcmdq_lvcmdq(const struct cmdqv_vcmdq *q);

#endif /* CMDQV_INTERNAL_H */
