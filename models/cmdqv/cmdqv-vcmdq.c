/*
 * cmdqv-vcmdq.c — one Tegra241 VCMDQ: page0 (CONS, PROD, CONFIG/STATUS,
 * GERROR/GERRORN), page1 (BASE, CONS_INDX_BASE) [cmdqv.md §2.2, §3, §5],
 * and the queue's life as a source of the SMMU command engine.
 *
 * The engine does all command work (fetch, checks, execution, timing).  This
 * file decides when the queue may run (CMDQV, its VINTF, its allocation and
 * its own STATUS.ENABLED), which restrictions apply (guest-owned VINTF:
 * cmdqv.md §4), and turns an engine error into CONS.ERR, a GERROR toggle
 * (smmuv3.md §1.4 protocol) and the CMDQV interrupt.
 */
#include <string.h>
#include "models/cmdqv/cmdqv-internal.h"
#include "sim/mem.h"
#include "sim/stats.h"

#define VCMDQ_ENTRY_SHIFT 4     /* 16-byte commands [cmdqv.md §2.2] */

static const struct smmu_cmd_source_ops vcmdq_host_ops;
static const struct smmu_cmd_source_ops vcmdq_guest_ops;

bool cmdqv_vcmdq_allocated(const struct cmdqv_vcmdq *q)
{
    return SIM_FIELD_EX32(q->alloc, CMDQ_ALLOC, ALLOCATED);
}

unsigned cmdqv_vcmdq_vintf(const struct cmdqv_vcmdq *q)
{
    return SIM_FIELD_EX32(q->alloc, CMDQ_ALLOC, VINTF);
}

unsigned cmdqv_vcmdq_lvcmdq(const struct cmdqv_vcmdq *q)
{
    return SIM_FIELD_EX32(q->alloc, CMDQ_ALLOC, LVCMDQ);
}

bool cmdqv_vcmdq_error_active(const struct cmdqv_vcmdq *q)
{
    return (q->gerror ^ q->gerrorn) != 0;
}

static struct cmdqv_vintf *vcmdq_owner(const struct cmdqv_vcmdq *q)
{
    return cmdqv_vcmdq_allocated(q) ? &q->cmdqv->vintf[cmdqv_vcmdq_vintf(q)] : NULL;
}

/* Registers that describe the queue (CONS, BASE, CONS_INDX_BASE) may only be
 * written while the queue is fully disabled, as the SMMU guards CMDQ_BASE
 * and CMDQ_CONS by CMDQEN and CMDQEN-ack (smmuv3.md §1.1). */
static bool vcmdq_quiescent(const struct cmdqv_vcmdq *q)
{
    return !SIM_FIELD_EX32(q->config, VCMDQ_CONFIG, EN) && !q->enabled;
}

/* Restrictions of the owning VINTF (cmdqv.md §4; choices in docs/cmdqv.md). */
static void vcmdq_apply_owner(struct cmdqv_vcmdq *q)
{
    struct smmu_cmd_source *src = &q->src;
    const struct cmdqv_vintf *v = vcmdq_owner(q);
    bool guest = v && cmdqv_vintf_is_guest_owned(v);

    src->ops = guest ? &vcmdq_guest_ops : &vcmdq_host_ops;
    src->allowed = guest ? q->cmdqv->guest_opset : NULL;
    src->disallowed_cerror = SMMU_CERROR_ILL;
    /* Every CMDQV queue, host-owned ones included, completes CMD_SYNC by
     * CONS polling only: CS != SIG_NONE is refused [cmdqv.md §4]. */
    src->sync_cs_none_only = true;
    src->vmid_override = guest;
    src->vmid = guest ? (uint16_t)SIM_FIELD_EX32(v->config, VINTF_CONFIG, VMID) : 0;
    src->unmapped_sid_cerror = SMMU_CERROR_ILL_ACCESS;
}

void cmdqv_vcmdq_update(struct cmdqv_vcmdq *q)
{
    const struct cmdqv_vintf *v = vcmdq_owner(q);
    bool runnable = q->cmdqv->enabled && v && v->enabled && q->enabled;

    vcmdq_apply_owner(q);
    if (runnable != q->src.enabled)
        smmu_cmd_source_set_enabled(&q->src, runnable);
}

/* Activate one GERROR bit unless it is already active (smmuv3.md §1.4:
 * a second error of the same kind is not logged). */
static void vcmdq_activate_gerror(struct cmdqv_vcmdq *q, uint32_t bit)
{
    struct cmdqv_vintf *v = vcmdq_owner(q);

    if ((q->gerror ^ q->gerrorn) & bit)
        return;
    q->gerror ^= bit;
    if (v)
        v->stats.queue_errors++;
    SIM_TRACE(tp_cmdqv_vcmdq_error, "q=%u gerror=0x%x err=%u", q->idx, q->gerror, q->cons_err);
    cmdqv_raise_irq(q->cmdqv, q);
}

/* ---- engine callbacks ---- */

/* CONS_DRAM_EN: the CONS register is mirrored to CONS_INDX_BASE whenever it
 * becomes visible; a write abort is GERROR.CONS_DRAM_WR_ABT_ERR. */
static void vcmdq_engine_cons_visible(struct smmu_cmd_source *src, uint32_t cons)
{
    struct cmdqv_vcmdq *q = src->opaque;
    uint32_t value;

    if (!SIM_FIELD_EX32(q->cmdqv->config, CMDQV_CONFIG, CONS_DRAM_EN))
        return;
    value = SIM_FIELD_DP32(cons & R_VCMDQ_CONS_RD_MASK, VCMDQ_CONS, ERR, q->cons_err);
    if (sim_mem_write32(q->cmdqv->mem, q->cons_indx_base, value) != SIM_MEM_OK) {
        vcmdq_activate_gerror(q, R_VCMDQ_GERROR_CONS_DRAM_WR_ABT_ERR_MASK);
        return;
    }
    q->stats.cons_dram_writes++;
}

/* CONS.RD already designates the failing command; ERR joins it, and the
 * memory mirror (when enabled) shows both, as the register does. */
static void vcmdq_engine_error(struct smmu_cmd_source *src, enum smmu_cerror err, uint32_t cons)
{
    struct cmdqv_vcmdq *q = src->opaque;

    q->cons_err = (uint32_t)err;
    vcmdq_engine_cons_visible(src, cons);
    vcmdq_activate_gerror(q, R_VCMDQ_GERROR_CMDQ_ERR_MASK);
}

/* vSID -> pSID through the owner VINTF's SID_MATCH/SID_REPLACE pairs. */
static bool vcmdq_engine_translate_sid(struct smmu_cmd_source *src, uint32_t vsid, uint32_t *psid)
{
    struct cmdqv_vcmdq *q = src->opaque;
    struct cmdqv_vintf *v = vcmdq_owner(q);

    if (!v)
        return false;
    for (unsigned s = 0; s < q->cmdqv->num_sids; s++) {
        uint32_t match = v->sid_match[s];
        if (SIM_FIELD_EX32(match, SID_MATCH, ENABLE) &&
            SIM_FIELD_EX32(match, SID_MATCH, VIRT_SID) == vsid) {
            *psid = SIM_FIELD_EX32(v->sid_replace[s], SID_REPLACE, PHYS_SID);
            v->stats.sid_translations++;
            return true;
        }
    }
    v->stats.sid_misses++;
    SIM_TRACE(tp_cmdqv_sid_miss, "vintf=%u q=%u vsid=0x%x", v->idx, q->idx, vsid);
    return false;
}

static const struct smmu_cmd_source_ops vcmdq_host_ops = {
    .error = vcmdq_engine_error,
    .cons_visible = vcmdq_engine_cons_visible,
};

static const struct smmu_cmd_source_ops vcmdq_guest_ops = {
    .error = vcmdq_engine_error,
    .cons_visible = vcmdq_engine_cons_visible,
    .translate_sid = vcmdq_engine_translate_sid,
};

/* ---- CONFIG -> STATUS handshake ---- */

static void vcmdq_handshake_done(struct sim_event *ev, void *opaque)
{
    struct cmdqv_vcmdq *q = opaque;
    bool en = SIM_FIELD_EX32(q->config, VCMDQ_CONFIG, EN);

    (void)ev;
    if (en && !q->enabled)
        q->stats.enables++;
    q->enabled = en;
    SIM_TRACE(tp_cmdqv_vcmdq_enable, "q=%u enabled=%d", q->idx, (int)en);
    cmdqv_vcmdq_update(q);
}

static void vcmdq_write_config(struct cmdqv_vcmdq *q, uint32_t val)
{
    q->config = val & R_VCMDQ_CONFIG_EN_MASK;
    if ((bool)SIM_FIELD_EX32(q->config, VCMDQ_CONFIG, EN) == q->enabled)
        sim_cancel(q->cmdqv->sched, &q->handshake);
    else
        sim_reschedule(q->cmdqv->sched, &q->handshake,
                       sim_time_add(sim_now(q->cmdqv->sched), q->cmdqv->vcmdq_enable_delay));
}

/* GERRORN: acknowledge active errors.  Toggling the bit of an inactive
 * error is CONSTRAINED UNPREDICTABLE (smmuv3.md §1.4); the model ignores
 * such bits (GERRORN keeps them) and counts a guest error. */
static void vcmdq_write_gerrorn(struct cmdqv_vcmdq *q, uint32_t val)
{
    uint32_t active = q->gerror ^ q->gerrorn;
    uint32_t acked;

    val &= VCMDQ_GERROR_BITS;
    if ((val ^ q->gerrorn) & ~active) {
        q->cmdqv->counters.guest_errors++;
        sim_guest_error("cmdqv: vcmdq%u GERRORN 0x%x toggles inactive errors (GERROR 0x%x)",
                        q->idx, val, q->gerror);
    }
    q->gerrorn = (q->gerrorn & ~active) | (val & active);
    acked = active & ~(q->gerror ^ q->gerrorn);
    if (!(acked & R_VCMDQ_GERROR_CMDQ_ERR_MASK))
        return;
    q->cons_err = SMMU_CERROR_NONE;
    q->stats.error_acks++;
    SIM_TRACE(tp_cmdqv_vcmdq_error_ack, "q=%u cons=0x%x", q->idx, q->src.cons);
    smmu_cmd_source_error_ack(&q->src);
}

static void vcmdq_refused(struct cmdqv_vcmdq *q, const char *what, uint32_t val)
{
    q->cmdqv->counters.guest_errors++;
    sim_guest_error("cmdqv: vcmdq%u %s write 0x%x refused", q->idx, what, val);
}

uint32_t cmdqv_vcmdq_read_page0(struct cmdqv_vcmdq *q, uint32_t reg)
{
    switch (reg) {
    case A_VCMDQ_CONS:
        return SIM_FIELD_DP32(q->src.cons & R_VCMDQ_CONS_RD_MASK, VCMDQ_CONS, ERR, q->cons_err);
    case A_VCMDQ_PROD:
        return q->src.prod & R_VCMDQ_PROD_WR_MASK;
    case A_VCMDQ_CONFIG:
        return q->config;
    case A_VCMDQ_STATUS:
        return q->enabled ? R_VCMDQ_STATUS_ENABLED_MASK : 0;
    case A_VCMDQ_GERROR:
        return q->gerror;
    case A_VCMDQ_GERRORN:
        return q->gerrorn;
    default:
        q->cmdqv->counters.guest_errors++;
        sim_guest_error("cmdqv: vcmdq%u page0 read of reserved offset 0x%x", q->idx, reg);
        return 0;
    }
}

void cmdqv_vcmdq_write_page0(struct cmdqv_vcmdq *q, uint32_t reg, uint32_t val)
{
    switch (reg) {
    case A_VCMDQ_CONS:
        if (!vcmdq_quiescent(q)) {
            vcmdq_refused(q, "CONS (queue enabled)", val);
            return;
        }
        smmu_cmd_source_set_cons(&q->src, val & R_VCMDQ_CONS_RD_MASK);
        return;
    case A_VCMDQ_PROD:
        smmu_cmd_source_write_prod(&q->src, val & R_VCMDQ_PROD_WR_MASK);
        return;
    case A_VCMDQ_CONFIG:
        vcmdq_write_config(q, val);
        return;
    case A_VCMDQ_GERRORN:
        vcmdq_write_gerrorn(q, val);
        return;
    default:
        vcmdq_refused(q, "read-only or reserved page0 register", val);
        return;
    }
}

static void vcmdq_apply_base(struct cmdqv_vcmdq *q)
{
    unsigned log2size = (unsigned)SIM_FIELD_EX64(q->base, VCMDQ_BASE, LOG2SIZE);

    /* LOG2SIZE above the SMMU's IDR1.CMDQS is capped [cmdqv.md §2.2]. */
    if (log2size > q->cmdqv->max_log2size)
        log2size = q->cmdqv->max_log2size;
    q->src.log2size = log2size;
    q->src.base = smmu_q_effective_base(q->base & VCMDQ_BASE_ADDR_MASK, log2size, VCMDQ_ENTRY_SHIFT);
}

/* Write one 32-bit half of a 64-bit page1 register. */
static uint64_t write_half(uint64_t reg, bool high, uint32_t val)
{
    return high ? sim_deposit64(reg, 32, 32, val) : sim_deposit64(reg, 0, 32, val);
}

uint32_t cmdqv_vcmdq_read_page1(struct cmdqv_vcmdq *q, uint32_t reg)
{
    switch (reg) {
    case A_VCMDQ_BASE:
    case A_VCMDQ_BASE + 4:
        return (uint32_t)(q->base >> (reg == A_VCMDQ_BASE ? 0 : 32));
    case A_VCMDQ_CONS_INDX_BASE:
    case A_VCMDQ_CONS_INDX_BASE + 4:
        return (uint32_t)(q->cons_indx_base >> (reg == A_VCMDQ_CONS_INDX_BASE ? 0 : 32));
    default:
        q->cmdqv->counters.guest_errors++;
        sim_guest_error("cmdqv: vcmdq%u page1 read of reserved offset 0x%x", q->idx, reg);
        return 0;
    }
}

void cmdqv_vcmdq_write_page1(struct cmdqv_vcmdq *q, uint32_t reg, uint32_t val)
{
    bool is_base = reg == A_VCMDQ_BASE || reg == A_VCMDQ_BASE + 4;
    bool is_cib = reg == A_VCMDQ_CONS_INDX_BASE || reg == A_VCMDQ_CONS_INDX_BASE + 4;

    if (!is_base && !is_cib) {
        vcmdq_refused(q, "reserved page1 register", val);
        return;
    }
    /* Ignored while the queue is enabled (QEMU and SMMU CMDQ_BASE alike). */
    if (!vcmdq_quiescent(q)) {
        vcmdq_refused(q, is_base ? "BASE (queue enabled)" : "CONS_INDX_BASE (queue enabled)", val);
        return;
    }
    if (is_base) {
        q->base = write_half(q->base, reg != A_VCMDQ_BASE, val) & VCMDQ_BASE_WRITABLE;
        vcmdq_apply_base(q);
    } else {
        q->cons_indx_base = write_half(q->cons_indx_base, reg != A_VCMDQ_CONS_INDX_BASE, val) &
                            VCMDQ_CONS_INDX_BASE_WRITABLE;
    }
}

void cmdqv_vcmdq_init(struct cmdqv *c, struct cmdqv_vcmdq *q, unsigned idx)
{
    memset(q, 0, sizeof(*q));
    q->cmdqv = c;
    q->idx = idx;
    g_snprintf(q->name, sizeof(q->name), "vcmdq%u", idx);
    q->src.name = q->name;
    q->src.opaque = q;
    q->src.ops = &vcmdq_host_ops;
    sim_event_init(&q->handshake, "cmdqv.vcmdq_handshake", vcmdq_handshake_done, q);
}

void cmdqv_vcmdq_register_stats(struct cmdqv_vcmdq *q)
{
    struct sim_stats *st = q->cmdqv->stats;
    char name[64];

    g_snprintf(name, sizeof(name), "cmdqv.%s.enables", q->name);
    sim_stats_add_counter(st, name, &q->stats.enables);
    g_snprintf(name, sizeof(name), "cmdqv.%s.error_acks", q->name);
    sim_stats_add_counter(st, name, &q->stats.error_acks);
    g_snprintf(name, sizeof(name), "cmdqv.%s.cons_dram_writes", q->name);
    sim_stats_add_counter(st, name, &q->stats.cons_dram_writes);
}

void cmdqv_vcmdq_reset(struct cmdqv_vcmdq *q)
{
    sim_cancel(q->cmdqv->sched, &q->handshake);
    q->alloc = 0;
    q->config = 0;
    q->enabled = false;
    q->cons_err = SMMU_CERROR_NONE;
    q->gerror = q->gerrorn = 0;
    q->base = 0;
    q->cons_indx_base = 0;
    cmdqv_vcmdq_update(q);
    /* A pending error is acknowledged (the queue is now disabled) so the
     * engine forgets it too. */
    if (q->src.stopped_on_error)
        smmu_cmd_source_error_ack(&q->src);
    vcmdq_apply_base(q);
    smmu_cmd_source_set_cons(&q->src, 0);
    if (q->src.prod != 0)
        smmu_cmd_source_write_prod(&q->src, 0);
}
