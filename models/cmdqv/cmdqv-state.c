/*
 * cmdqv-state.c — the CMDQV model's state in a memory image [cmdqv.md].
 *
 * Saved (format version CMDQV_STATE_VERSION): the geometry it was taken
 * with (VINTFs, VCMDQs, SID pairs per VINTF — a restore into another
 * geometry is refused), the global CONFIG/STATUS and VINTF_INT_MASK; per
 * VINTF its CONFIG, STATUS.ENABLED, SID_MATCH/SID_REPLACE pairs and its
 * logical-to-global VCMDQ map; per VCMDQ its CMDQ_ALLOC, CONFIG,
 * STATUS.ENABLED, CONS.ERR, GERROR/GERRORN, BASE, CONS_INDX_BASE and its
 * engine source (smmu_state_save_source); and every counter.  The error
 * maps are not stored by the model (they are derived from the queues), so
 * they come back by themselves.  A save is refused while a CONFIG->STATUS
 * handshake is pending.
 */
#include <string.h>
#include "sim/image.h"
#include "models/cmdqv/cmdqv-internal.h"

#define CMDQV_STATE_VERSION 1u

static const char *pending_handshake(const struct cmdqv *c)
{
    if (sim_event_pending(&c->handshake))
        return c->handshake.name;
    for (unsigned v = 0; v < c->num_vintfs; v++)
        if (sim_event_pending(&c->vintf[v].handshake))
            return c->vintf[v].handshake.name;
    for (unsigned q = 0; q < c->num_vcmdqs; q++)
        if (sim_event_pending(&c->vcmdq[q].handshake))
            return c->vcmdq[q].handshake.name;
    return NULL;
}

static void put_vintf(GByteArray *b, const struct cmdqv_vintf *v, const struct cmdqv *c)
{
    sim_state_put_u32(b, v->config);
    sim_state_put_u8(b, v->enabled);
    for (unsigned i = 0; i < c->num_sids; i++) {
        sim_state_put_u32(b, v->sid_match[i]);
        sim_state_put_u32(b, v->sid_replace[i]);
    }
    sim_state_put_u32(b, v->num_allocated);
    for (unsigned l = 0; l < v->num_allocated; l++)
        sim_state_put_u32(b, (uint32_t)v->lvcmdq[l]);
    sim_state_put_u64(b, v->stats.queue_errors);
    sim_state_put_u64(b, v->stats.unallocated_accesses);
    sim_state_put_u64(b, v->stats.sid_translations);
    sim_state_put_u64(b, v->stats.sid_misses);
    sim_state_put_u64(b, v->stats.enables);
}

static void get_vintf(struct sim_state_reader *r, struct cmdqv_vintf *v, const struct cmdqv *c)
{
    v->config = sim_state_get_u32(r, "VINTF_CONFIG");
    v->enabled = sim_state_get_bool(r, "VINTF_STATUS.ENABLED");
    for (unsigned i = 0; i < c->num_sids; i++) {
        v->sid_match[i] = sim_state_get_u32(r, "VINTF_SID_MATCH");
        v->sid_replace[i] = sim_state_get_u32(r, "VINTF_SID_REPLACE");
    }
    uint32_t n = sim_state_get_u32(r, "VINTF LVCMDQ count");
    if (n > c->num_vcmdqs) {
        sim_state_reject(r, "VINTF LVCMDQ count", "%u LVCMDQs, this CMDQV has %u VCMDQs", n, c->num_vcmdqs);
        return;
    }
    for (unsigned l = 0; l < c->num_vcmdqs; l++)
        v->lvcmdq[l] = CMDQV_NO_VCMDQ;
    for (unsigned l = 0; l < n && sim_state_ok(r); l++) {
        uint32_t q = sim_state_get_u32(r, "VINTF LVCMDQ map");
        if (q >= c->num_vcmdqs)
            sim_state_reject(r, "VINTF LVCMDQ map", "VCMDQ %u does not exist", q);
        v->lvcmdq[l] = (int16_t)q;
    }
    v->num_allocated = n;
    v->stats.queue_errors = sim_state_get_u64(r, "VINTF counters");
    v->stats.unallocated_accesses = sim_state_get_u64(r, "VINTF counters");
    v->stats.sid_translations = sim_state_get_u64(r, "VINTF counters");
    v->stats.sid_misses = sim_state_get_u64(r, "VINTF counters");
    v->stats.enables = sim_state_get_u64(r, "VINTF counters");
}

static void put_vcmdq(GByteArray *b, const struct cmdqv_vcmdq *q)
{
    sim_state_put_u32(b, q->alloc);
    sim_state_put_u32(b, q->config);
    sim_state_put_u8(b, q->enabled);
    sim_state_put_u32(b, q->cons_err);
    sim_state_put_u32(b, q->gerror);
    sim_state_put_u32(b, q->gerrorn);
    sim_state_put_u64(b, q->base);
    sim_state_put_u64(b, q->cons_indx_base);
    sim_state_put_u64(b, q->stats.enables);
    sim_state_put_u64(b, q->stats.error_acks);
    sim_state_put_u64(b, q->stats.cons_dram_writes);
    smmu_state_save_source(&q->src, b);
}

static void get_vcmdq(struct sim_state_reader *r, struct cmdqv_vcmdq *q)
{
    q->alloc = sim_state_get_u32(r, "CMDQ_ALLOC");
    q->config = sim_state_get_u32(r, "VCMDQ_CONFIG");
    q->enabled = sim_state_get_bool(r, "VCMDQ_STATUS.ENABLED");
    q->cons_err = sim_state_get_u32(r, "VCMDQ_CONS.ERR");
    q->gerror = sim_state_get_u32(r, "VCMDQ_GERROR");
    q->gerrorn = sim_state_get_u32(r, "VCMDQ_GERRORN");
    q->base = sim_state_get_u64(r, "VCMDQ_BASE");
    q->cons_indx_base = sim_state_get_u64(r, "VCMDQ_CONS_INDX_BASE");
    q->stats.enables = sim_state_get_u64(r, "VCMDQ counters");
    q->stats.error_acks = sim_state_get_u64(r, "VCMDQ counters");
    q->stats.cons_dram_writes = sim_state_get_u64(r, "VCMDQ counters");
    smmu_state_restore_source(&q->src, r);
}

gboolean cmdqv_state_save(const struct cmdqv *c, GByteArray *b, GError **err)
{
    const char *busy = pending_handshake(c);
    if (busy) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE,
                    "the CMDQV is not quiescent (%s is pending): run until idle before saving", busy);
        return FALSE;
    }
    sim_state_put_u32(b, CMDQV_STATE_VERSION);
    sim_state_put_u32(b, c->num_vintfs);
    sim_state_put_u32(b, c->num_vcmdqs);
    sim_state_put_u32(b, c->num_sids);
    sim_state_put_u32(b, c->config);
    sim_state_put_u8(b, c->enabled);
    sim_state_put_u64(b, c->vintf_int_mask);
    sim_state_put_u64(b, c->counters.irqs);
    sim_state_put_u64(b, c->counters.irqs_masked);
    sim_state_put_u64(b, c->counters.alloc_rejected);
    sim_state_put_u64(b, c->counters.guest_errors);
    for (unsigned v = 0; v < c->num_vintfs; v++)
        put_vintf(b, &c->vintf[v], c);
    for (unsigned q = 0; q < c->num_vcmdqs; q++)
        put_vcmdq(b, &c->vcmdq[q]);
    return TRUE;
}

/* The geometry is checked before anything is written; after that, a bad
 * blob may leave the model partly restored (the caller discards it). */
gboolean cmdqv_state_restore(struct cmdqv *c, const void *data, size_t len, GError **err)
{
    struct sim_state_reader r;
    sim_state_reader_init(&r, CMDQV_STATE_NAME, data, len, CMDQV_STATE_VERSION);
    sim_state_expect_u32(&r, "number of VINTFs", c->num_vintfs);
    sim_state_expect_u32(&r, "number of VCMDQs", c->num_vcmdqs);
    sim_state_expect_u32(&r, "SID pairs per VINTF", c->num_sids);
    if (!sim_state_ok(&r))
        return sim_state_reader_finish(&r, err);
    c->config = sim_state_get_u32(&r, "CONFIG");
    c->enabled = sim_state_get_bool(&r, "STATUS.CMDQV_ENABLED");
    c->vintf_int_mask = sim_state_get_u64(&r, "VINTF_INT_MASK");
    c->counters.irqs = sim_state_get_u64(&r, "counters");
    c->counters.irqs_masked = sim_state_get_u64(&r, "counters");
    c->counters.alloc_rejected = sim_state_get_u64(&r, "counters");
    c->counters.guest_errors = sim_state_get_u64(&r, "counters");
    for (unsigned v = 0; v < c->num_vintfs && sim_state_ok(&r); v++)
        get_vintf(&r, &c->vintf[v], c);
    for (unsigned q = 0; q < c->num_vcmdqs && sim_state_ok(&r); q++)
        get_vcmdq(&r, &c->vcmdq[q]);
    if (!sim_state_reader_finish(&r, err))
        return FALSE;
    /* Owner restrictions (allowed opcodes, VMID) follow from the restored
     * VINTFs; enables already match the restored sources. */
    for (unsigned q = 0; q < c->num_vcmdqs; q++)
        cmdqv_vcmdq_update(&c->vcmdq[q]);
    return TRUE;
}
