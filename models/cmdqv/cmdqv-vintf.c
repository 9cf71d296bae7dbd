/*
 * cmdqv-vintf.c — Tegra241 CMDQV virtual interfaces and the CMDQ_ALLOC map
 * [cmdqv.md §2.1, §3, §4].
 *
 * A VINTF groups logical VCMDQs for one owner.  Its CONFIG carries EN (with
 * a STATUS.ENABLED handshake), the VMID that replaces the VMID of a guest's
 * TLBIs, and HYP_OWN, which is wired to 0 for VINTFs that can only be
 * guest-owned (parameter cmdqv.host_owned_vintfs).  SID_MATCH/SID_REPLACE
 * pairs translate vSIDs of guest ATC_INVs.
 *
 * CMDQ_ALLOC(q) maps global VCMDQ q to logical slot (VINTF, LVCMDQ).  The
 * hardware requires mapping in ascending and unmapping in descending
 * logical order [cmdqv.md §3]; this model refuses any write that breaks the
 * rule, so the logical slots of a VINTF are always 0 .. num_allocated-1.
 */
#include <stddef.h>
#include <string.h>
#include "models/cmdqv/cmdqv-internal.h"
#include "sim/stats.h"

bool cmdqv_vintf_is_guest_owned(const struct cmdqv_vintf *v)
{
    return !SIM_FIELD_EX32(v->config, VINTF_CONFIG, HYP_OWN);
}

int cmdqv_vintf_lookup(const struct cmdqv_vintf *v, unsigned lidx)
{
    return lidx < v->num_allocated ? v->lvcmdq[lidx] : CMDQV_NO_VCMDQ;
}

static void vintf_update_queues(struct cmdqv_vintf *v)
{
    for (unsigned l = 0; l < v->num_allocated; l++)
        cmdqv_vcmdq_update(&v->cmdqv->vcmdq[v->lvcmdq[l]]);
}

static void vintf_handshake_done(struct sim_event *ev, void *opaque)
{
    struct cmdqv_vintf *v = opaque;
    bool en = SIM_FIELD_EX32(v->config, VINTF_CONFIG, EN);

    (void)ev;
    if (en && !v->enabled)
        v->stats.enables++;
    v->enabled = en;
    SIM_TRACE(tp_cmdqv_vintf_enable, "vintf=%u enabled=%d", v->idx, (int)en);
    vintf_update_queues(v);
}

static void vintf_write_config(struct cmdqv_vintf *v, uint32_t val)
{
    struct cmdqv *c = v->cmdqv;

    val &= VINTF_CONFIG_WRITABLE;
    if (!v->hyp_own_capable)
        val = SIM_FIELD_DP32(val, VINTF_CONFIG, HYP_OWN, 0);   /* wired to 0 */
    v->config = val;
    if ((bool)SIM_FIELD_EX32(val, VINTF_CONFIG, EN) == v->enabled)
        sim_cancel(c->sched, &v->handshake);
    else
        sim_reschedule(c->sched, &v->handshake, sim_time_add(sim_now(c->sched), c->vintf_enable_delay));
    /* VMID and ownership take effect on the next command fetched. */
    vintf_update_queues(v);
}

uint64_t cmdqv_vintf_lvcmdq_err_map(const struct cmdqv_vintf *v, unsigned word)
{
    uint64_t map = 0;
    unsigned first = word * 64;

    for (unsigned l = first; l < v->num_allocated && l < first + 64; l++)
        if (cmdqv_vcmdq_error_active(&v->cmdqv->vcmdq[v->lvcmdq[l]]))
            map |= 1ULL << (l - first);
    return map;
}

static bool in_array(uint32_t reg, uint32_t first, unsigned count, unsigned *idx)
{
    if (reg < first || reg >= first + 4 * count)
        return false;
    *idx = (reg - first) / 4;
    return true;
}

static void vintf_guest_error(struct cmdqv_vintf *v, const char *what, uint32_t reg)
{
    v->cmdqv->counters.guest_errors++;
    sim_guest_error("cmdqv: VINTF%u %s at offset 0x%x", v->idx, what, reg);
}

uint32_t cmdqv_vintf_read(struct cmdqv_vintf *v, uint32_t reg)
{
    unsigned i;

    if (reg == A_VINTF_CONFIG)
        return v->config;
    if (reg == A_VINTF_STATUS)
        return SIM_FIELD_DP32(v->enabled ? R_VINTF_STATUS_ENABLED_MASK : 0, VINTF_STATUS,
                              VI_NUM_LVCMDQ, v->num_allocated);
    if (in_array(reg, A_VINTF_SID_MATCH0, v->cmdqv->num_sids, &i))
        return v->sid_match[i];
    if (in_array(reg, A_VINTF_SID_REPLACE0, v->cmdqv->num_sids, &i))
        return v->sid_replace[i];
    if (in_array(reg, A_VINTF_LVCMDQ_ERR_MAP0, 4, &i))
        return (uint32_t)(cmdqv_vintf_lvcmdq_err_map(v, i / 2) >> (32 * (i % 2)));
    vintf_guest_error(v, "read of a reserved register", reg);
    return 0;
}

void cmdqv_vintf_write(struct cmdqv_vintf *v, uint32_t reg, uint32_t val)
{
    unsigned i;

    if (reg == A_VINTF_CONFIG) {
        vintf_write_config(v, val);
    } else if (in_array(reg, A_VINTF_SID_MATCH0, v->cmdqv->num_sids, &i)) {
        v->sid_match[i] = val & SID_MATCH_WRITABLE;
    } else if (in_array(reg, A_VINTF_SID_REPLACE0, v->cmdqv->num_sids, &i)) {
        v->sid_replace[i] = val & SID_REPLACE_WRITABLE;
    } else {
        vintf_guest_error(v, "write to a read-only or reserved register", reg);
    }
}

/* ---- CMDQ_ALLOC ---- */

static bool alloc_refuse(struct cmdqv *c, unsigned q, uint32_t val, const char *why)
{
    c->counters.alloc_rejected++;
    c->counters.guest_errors++;
    SIM_TRACE(tp_cmdqv_alloc_reject, "q=%u val=0x%x: %s", q, val, why);
    sim_guest_error("cmdqv: CMDQ_ALLOC%u = 0x%x refused: %s", q, val, why);
    return false;
}

static bool alloc_map(struct cmdqv *c, struct cmdqv_vcmdq *q, uint32_t val)
{
    unsigned vi = SIM_FIELD_EX32(val, CMDQ_ALLOC, VINTF);
    unsigned l = SIM_FIELD_EX32(val, CMDQ_ALLOC, LVCMDQ);
    struct cmdqv_vintf *v;

    if (vi >= c->num_vintfs)
        return alloc_refuse(c, q->idx, val, "no such VINTF");
    if (l >= c->num_vcmdqs)
        return alloc_refuse(c, q->idx, val, "LVCMDQ index beyond the number of VCMDQs");
    v = &c->vintf[vi];
    if (l != v->num_allocated)
        return alloc_refuse(c, q->idx, val,
                            l < v->num_allocated ? "logical slot already mapped"
                                                 : "LVCMDQs must be mapped in ascending order");
    v->lvcmdq[l] = (int16_t)q->idx;
    v->num_allocated++;
    q->alloc = val;
    SIM_TRACE(tp_cmdqv_alloc, "q=%u -> vintf=%u lvcmdq=%u", q->idx, vi, l);
    cmdqv_vcmdq_update(q);
    return true;
}

static bool alloc_unmap(struct cmdqv *c, struct cmdqv_vcmdq *q, uint32_t val)
{
    struct cmdqv_vintf *v = &c->vintf[cmdqv_vcmdq_vintf(q)];
    unsigned l = cmdqv_vcmdq_lvcmdq(q);

    if (l + 1 != v->num_allocated)
        return alloc_refuse(c, q->idx, val, "LVCMDQs must be unmapped in descending order");
    v->lvcmdq[l] = CMDQV_NO_VCMDQ;
    v->num_allocated--;
    q->alloc = val;
    SIM_TRACE(tp_cmdqv_alloc, "q=%u unmapped from vintf=%u lvcmdq=%u", q->idx, v->idx, l);
    cmdqv_vcmdq_update(q);
    return true;
}

bool cmdqv_alloc_write(struct cmdqv *c, unsigned qidx, uint32_t val)
{
    struct cmdqv_vcmdq *q = &c->vcmdq[qidx];
    bool was = cmdqv_vcmdq_allocated(q);
    bool now;

    val &= CMDQ_ALLOC_WRITABLE;
    now = SIM_FIELD_EX32(val, CMDQ_ALLOC, ALLOCATED);
    if (!was && !now) {
        q->alloc = val;     /* pre-assignment without mapping (kernel reset) */
        return true;
    }
    if (was && now) {
        if (val == q->alloc)
            return true;
        return alloc_refuse(c, qidx, val, "remapping an allocated VCMDQ without unmapping it");
    }
    return now ? alloc_map(c, q, val) : alloc_unmap(c, q, val);
}

/* ---- life cycle ---- */

void cmdqv_vintf_init(struct cmdqv *c, struct cmdqv_vintf *v, unsigned idx)
{
    memset(v, 0, sizeof(*v));
    v->cmdqv = c;
    v->idx = idx;
    v->lvcmdq = g_new(int16_t, c->num_vcmdqs);
    for (unsigned l = 0; l < c->num_vcmdqs; l++)
        v->lvcmdq[l] = CMDQV_NO_VCMDQ;
    sim_event_init(&v->handshake, "cmdqv.vintf_handshake", vintf_handshake_done, v);
}

void cmdqv_vintf_register_stats(struct cmdqv_vintf *v)
{
    static const struct {
        const char *name;
        size_t off;
    } counters[] = {
        { "queue_errors", offsetof(struct cmdqv_vintf_stats, queue_errors) },
        { "unallocated_accesses", offsetof(struct cmdqv_vintf_stats, unallocated_accesses) },
        { "sid_translations", offsetof(struct cmdqv_vintf_stats, sid_translations) },
        { "sid_misses", offsetof(struct cmdqv_vintf_stats, sid_misses) },
        { "enables", offsetof(struct cmdqv_vintf_stats, enables) },
    };
    char name[64];

    for (size_t i = 0; i < SIM_ARRAY_SIZE(counters); i++) {
        g_snprintf(name, sizeof(name), "cmdqv.vintf%u.%s", v->idx, counters[i].name);
        sim_stats_add_counter(v->cmdqv->stats, name,
                              (const uint64_t *)((const char *)&v->stats + counters[i].off));
    }
}

void cmdqv_vintf_reset(struct cmdqv_vintf *v)
{
    sim_cancel(v->cmdqv->sched, &v->handshake);
    v->config = 0;
    v->enabled = false;
    memset(v->sid_match, 0, sizeof(v->sid_match));
    memset(v->sid_replace, 0, sizeof(v->sid_replace));
    for (unsigned l = 0; l < v->num_allocated; l++)
        v->lvcmdq[l] = CMDQV_NO_VCMDQ;
    v->num_allocated = 0;
}
