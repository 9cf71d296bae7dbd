/*
 * smmuv3-ats.c — the SMMU's side of PCIe ATS: whether a stream may send
 * ATS translation requests and ATS-translated transactions, per STE.EATS
 * and CR0.ATSCHK (IHI 0070 G.b §3.9; smmuv3.md §3.2 EATS, §4.2
 * F_BAD_ATS_TREQ / F_TRANSL_FORBIDDEN; docs/translation.md "ATS").
 *
 * Both checks read the stream's STE the way the translation path does (the
 * configuration cache, else the stream table) but never fill the cache:
 * a request that passes goes on to smmu_translate_timed, which does.  A
 * stream whose STE cannot be read or decoded is left to the translation
 * path for requests, so the configuration fault is reported once, by it.
 *
 * Split-stage ATS (EATS = 2) is not modelled: a request or translated
 * transaction on such a stream is treated as an ILLEGAL configuration for
 * ATS (C_BAD_STE).
 */
#include <string.h>
#include "models/smmuv3/smmuv3-internal.h"

enum { EATS_ABORT = 0, EATS_TRANS = 1, EATS_SPLIT = 2 };

/* The decoded STE of `sid`; false with the fetch/decode fault in *f. */
static bool load_ste(struct smmu *s, uint32_t sid, const struct smmu_features *ft, struct smmu_ste_cfg *ste,
                     struct smmu_fault *f, unsigned *accesses)
{
    const struct smmu_cfg_entry *ce = smmu_cfg_lookup(s->cfgc, SMMU_CFG_STE, sid, 0);
    uint64_t raw[8];
    if (ce) {
        memcpy(raw, ce->data, sizeof(raw));
    } else if (!smmu_ste_fetch(s->mem, s->strtab_base, s->strtab_base_cfg, sid, ft, raw, f, accesses)) {
        return false;
    }
    return smmu_ste_decode(raw, ft, ste, f);
}

/* Time at the endpoint side when the TCU's verdict is back. */
static sim_time_t verdict_time(struct smmu *s, sim_time_t at, unsigned accesses, unsigned links)
{
    return at + sim_cycles(&s->clock, s->cfg.cfg_lookup + links * s->cfg.link) +
           (sim_time_t)accesses * sim_mem_latency(s->mem);
}

/* Refuse the transaction with fault *f (type NONE: abort silently). */
static void refuse(struct smmu *s, const struct smmu_fault *f, const struct smmu_features *ft,
                   const struct smmu_ste_cfg *ste, struct smmu_txn_result *r, sim_time_t when)
{
    memset(r, 0, sizeof(*r));
    r->source = SMMU_XLATE_CONFIG;
    r->response = SMMU_FAULT_ABORT;
    r->event = f->type;
    if (f->type == SMMU_EVT_NONE)
        return;
    s->counters.xlate_faults++;
    struct smmu_fault_action act = smmu_fault_action(f, ft, ste, NULL);
    r->recorded = act.record;
    SIM_TRACE(tp_smmuv3_fault, "%s sid=0x%x ssid=0x%x iova=0x%" G_GINT64_MODIFIER "x s2=%d record=%d resp=%d",
              smmu_event_name(f->type), f->sid, f->ssid, f->input_addr, f->s2, act.record, (int)r->response);
    if (act.record)
        smmu_evtq_record(s, f, when);
}

static void start_fault(struct smmu *s, const struct smmu_txn *t, struct smmu_features *ft, struct smmu_fault *f)
{
    smmu_features_from_idr(ft, s->cfg.idr[0], s->cfg.idr[1], s->cfg.idr[5], s->cr2);
    smmu_fault_init(f, t->sid, t->ssv, t->ssid);
    smmu_fault_set_input(f, t->iova, t->access);
}

bool smmu_ats_request_check(struct smmu *s, const struct smmu_txn *t, struct smmu_txn_result *r, sim_time_t at,
                            sim_time_t *done)
{
    struct smmu_features ft;
    struct smmu_fault f;
    struct smmu_ste_cfg ste;
    unsigned accesses = 0;
    start_fault(s, t, &ft, &f);
    if (!SIM_FIELD_EX32(s->cr0ack, CR0, SMMUEN)) {
        /* ATS is off with the SMMU: the request gets Unsupported Request. */
        f.type = SMMU_EVT_NONE;
        *done = verdict_time(s, at, 0, 2);
        refuse(s, &f, &ft, NULL, r, *done);
        return false;
    }
    if (!load_ste(s, t->sid, &ft, &ste, &f, &accesses) || ste.mode == SMMU_STE_ABORT ||
        ste.eats == EATS_TRANS)
        return true;    /* allowed, or the translation reports the configuration */
    f.type = ste.eats == EATS_ABORT ? SMMU_EVT_F_BAD_ATS_TREQ : SMMU_EVT_C_BAD_STE;
    sim_time_t tcu = verdict_time(s, at, accesses, 1);
    refuse(s, &f, &ft, &ste, r, tcu);
    *done = tcu + sim_cycles(&s->clock, s->cfg.link);
    return false;
}

bool smmu_ats_translated_check(struct smmu *s, const struct smmu_txn *t, struct smmu_txn_result *r,
                               sim_time_t at, sim_time_t *done)
{
    *done = at;
    if (!SIM_FIELD_EX32(s->cr0ack, CR0, SMMUEN) || !SIM_FIELD_EX32(s->cr0ack, CR0, ATSCHK))
        return true;    /* no check: translated traffic goes straight to memory */
    struct smmu_features ft;
    struct smmu_fault f;
    struct smmu_ste_cfg ste;
    unsigned accesses = 0;
    start_fault(s, t, &ft, &f);
    bool have_ste = load_ste(s, t->sid, &ft, &ste, &f, &accesses);
    *done = verdict_time(s, at, accesses, 0);
    if (have_ste && ste.mode != SMMU_STE_ABORT && ste.eats == EATS_TRANS)
        return true;
    if (have_ste)
        f.type = ste.mode == SMMU_STE_ABORT ? SMMU_EVT_NONE
                 : ste.eats == EATS_ABORT   ? SMMU_EVT_F_TRANSL_FORBIDDEN
                                            : SMMU_EVT_C_BAD_STE;
    refuse(s, &f, &ft, have_ste ? &ste : NULL, r, *done);
    return false;
}
