/*
 * smmuv3-translate.c — the translation front end (IHI 0070 G.b §3.3-3.9,
 * §7.2; smmuv3.md §3-§4) and the cache hierarchy that times it
 * (timing.md §1.2-1.3, §5).
 *
 * One transaction goes: SMMUEN = 0 -> GBPA; else the STE (configuration
 * cache, or a fetch through STRTAB_BASE), the CD (configuration cache, or
 * a fetch), then the main TLB, and on a miss the walk, which fills the TLB
 * and the walk caches.  The configuration cache keeps raw structures and
 * every use decodes them; a structure that fails to decode is not cached,
 * so its event repeats on every transaction, as the architecture expects.
 *
 * Walk caches hold table pointers (levels 0..2) per stage and level, tagged
 * like TLB entries (stage, ASID, VMID, input-address block), so a TLBI with
 * Leaf = 0 or by ASID/VMID removes them and a Leaf = 1 TLBI does not.  The
 * walk itself always reads the tables from memory (functional results never
 * come from a walk-cache entry); the walk cache decides what the walk
 * costs: a hit at level L saves the descriptor reads above it
 * (docs/translation.md, "Walk caches").
 *
 * Faults are disposed of per smmu_fault_action: recorded in the event
 * queue (smmuv3-evtq.c) or not, and the transaction aborted or RAZ/WI.
 * Stall configurations terminate the transaction (stalling is not
 * modelled).
 */
#include <string.h>
#include "models/smmuv3/smmuv3-internal.h"
#include "models/smmuv3/smmuv3-utlb.h"

/* Everything one translation decoded, for the fault disposition. */
struct xctx {
    struct smmu_features ft;
    struct smmu_ste_cfg ste;
    struct smmu_cd_cfg cd;
    bool have_ste, have_cd;
    struct smmu_fault f;
};

#define CD_KEY_NO_SSID SMMU_UTLB_NO_SSID

/* ---- life cycle ----------------------------------------------------------- */

void smmu_xlate_init(struct smmu *s)
{
    for (unsigned st = 0; st < 2; st++)
        for (unsigned l = 0; l < SMMU_WC_LEVELS; l++) {
            uint64_t n = s->cfg.wc_entries[st][l];
            s->wc[st][l] = n ? smmu_tlb_new((unsigned)n, (unsigned)(s->cfg.wc_assoc < n ? s->cfg.wc_assoc : n),
                                            s->caps.s2)
                             : NULL;
        }
    s->ptw_free = g_new0(sim_time_t, s->cfg.ptw_slots);
    s->utlbs = g_ptr_array_new();
}

void smmu_xlate_destroy(struct smmu *s)
{
    for (unsigned st = 0; st < 2; st++)
        for (unsigned l = 0; l < SMMU_WC_LEVELS; l++)
            smmu_tlb_free(s->wc[st][l]);
    g_free(s->ptw_free);
    g_ptr_array_free(s->utlbs, TRUE);
}

void smmu_xlate_flush(struct smmu *s)
{
    for (unsigned st = 0; st < 2; st++)
        for (unsigned l = 0; l < SMMU_WC_LEVELS; l++)
            if (s->wc[st][l])
                smmu_tlb_flush(s->wc[st][l]);
    for (guint i = 0; i < s->utlbs->len; i++)
        smmu_utlb_flush(g_ptr_array_index(s->utlbs, i));
    memset(s->ptw_free, 0, sizeof(*s->ptw_free) * s->cfg.ptw_slots);
    s->cfg_gen++;
}

void smmu_attach_utlb(struct smmu *s, struct smmu_utlb *u) { g_ptr_array_add(s->utlbs, u); }
void smmu_detach_utlb(struct smmu *s, struct smmu_utlb *u) { g_ptr_array_remove(s->utlbs, u); }

unsigned smmu_walk_cache_level_count(const struct smmu *s, unsigned stage, unsigned level)
{
    unsigned st = stage == SMMU_TLB_S2 ? 1 : 0;
    return level < SMMU_WC_LEVELS && s->wc[st][level] ? smmu_tlb_count(s->wc[st][level]) : 0;
}

unsigned smmu_walk_cache_count(const struct smmu *s)
{
    unsigned n = 0;
    for (unsigned l = 0; l < SMMU_WC_LEVELS; l++)
        n += smmu_walk_cache_level_count(s, SMMU_TLB_S1, l) + smmu_walk_cache_level_count(s, SMMU_TLB_S2, l);
    return n;
}

/* ---- invalidation reaching the walk caches and the TBUs -------------------- */

void smmu_xlate_inval_tlbi(struct smmu *s, const struct smmu_tlb_inval *f)
{
    /* Walk-cache invalidation costs no command time (it runs beside the
     * TLB's), so caches no walk has filled, or an empty level, need no
     * visit: a stream of TLBIs with no walks in between stays cheap. */
    for (unsigned st = 0; s->wc_used && st < 2; st++)
        for (unsigned l = 0; l < SMMU_WC_LEVELS; l++)
            if (s->wc[st][l] && smmu_tlb_count(s->wc[st][l]))
                s->counters.wc_invalidated += smmu_tlb_invalidate(s->wc[st][l], f, NULL);
    for (guint i = 0; i < s->utlbs->len; i++)
        s->counters.utlb_invalidated += smmu_utlb_invalidate_tlbi(g_ptr_array_index(s->utlbs, i), f);
}

void smmu_xlate_inval_cfgi(struct smmu *s, const struct smmu_cfg_inval *f)
{
    for (guint i = 0; i < s->utlbs->len; i++)
        s->counters.utlb_invalidated += smmu_utlb_invalidate_cfgi(g_ptr_array_index(s->utlbs, i), f);
    s->cfg_gen++;
}

/* ---- configuration ------------------------------------------------------------ */

static bool fetch_ste(struct smmu *s, const struct smmu_txn *t, struct xctx *x, struct smmu_txn_result *r)
{
    const struct smmu_cfg_entry *ce = smmu_cfg_lookup(s->cfgc, SMMU_CFG_STE, t->sid, 0);
    struct smmu_cfg_entry fill;
    const uint64_t *raw;
    if (ce) {
        raw = ce->data;
    } else {
        s->counters.cfg_misses++;
        if (!smmu_ste_fetch(s->mem, s->strtab_base, s->strtab_base_cfg, t->sid, &x->ft, fill.data, &x->f,
                            &r->cfg_accesses))
            return false;
        raw = fill.data;
    }
    if (!smmu_ste_decode(raw, &x->ft, &x->ste, &x->f))
        return false;       /* not cached: the next transaction fetches and faults again */
    x->have_ste = true;
    if (!ce) {
        fill.kind = SMMU_CFG_STE;
        fill.span_log2 = 0;
        fill.sid = t->sid;
        fill.ssid = 0;
        smmu_cfg_insert(s->cfgc, &fill);
        s->cfg_gen++;
    }
    return true;
}

/* The CD for the transaction; *bypass when stage 1 is skipped (S1DSS). */
static bool fetch_cd(struct smmu *s, const struct smmu_txn *t, struct xctx *x, struct smmu_txn_result *r,
                     bool *bypass)
{
    uint32_t key = t->ssv ? t->ssid : CD_KEY_NO_SSID;
    const struct smmu_cfg_entry *ce = smmu_cfg_lookup(s->cfgc, SMMU_CFG_CD, t->sid, key);
    struct smmu_cfg_entry fill;
    const uint64_t *raw;
    *bypass = false;
    if (ce) {
        raw = ce->data;
    } else {
        s->counters.cfg_misses++;
        switch (smmu_cd_fetch(s->mem, &x->ste, t->ssv, t->ssid, &x->ft, fill.data, &x->f, &r->cfg_accesses)) {
        case SMMU_CD_S1_BYPASS:
            *bypass = true;
            return true;
        case SMMU_CD_FAULT:
            return false;
        default:
            break;
        }
        raw = fill.data;
    }
    if (!smmu_cd_decode(raw, &x->ste, &x->ft, &x->cd, &x->f))
        return false;
    x->have_cd = true;
    if (!ce) {
        fill.kind = SMMU_CFG_CD;
        fill.span_log2 = 0;
        fill.sid = t->sid;
        fill.ssid = key;
        smmu_cfg_insert(s->cfgc, &fill);
        s->cfg_gen++;
    }
    return true;
}

/* ---- walk caches ------------------------------------------------------------- */

static unsigned lvl_shift(unsigned g, unsigned level) { return g + (3 - level) * (g - 3); }

/* Start level of a stage-1 walk of `iova` (TTB0 or TTB1 by VA[55]). */
static int s1_start_level(const struct smmu_cd_cfg *cd, uint64_t iova)
{
    const struct smmu_tt_cfg *tt = &cd->tt[(iova >> 55) & 1];
    unsigned g = tt->granule_shift, stride = g - 3, ia = 64 - tt->tsz;
    unsigned levels = (ia - g + stride - 1) / stride;
    return 4 - (int)levels;
}

static struct smmu_tlb_key wc_key(uint64_t va, uint8_t stage, uint16_t asid, uint16_t vmid, unsigned level)
{
    struct smmu_tlb_key k = { .va = va, .asid = asid, .vmid = vmid, .stage = stage, .leaf = false,
                              .level = (uint8_t)level };
    return k;
}

/*
 * Probe stage st's walk cache from the deepest table level above the leaf
 * upwards; returns the number of table levels whose descriptor reads a hit
 * saves (0 on a miss), adding the levels probed to *lookups.
 */
static unsigned wc_probe(struct smmu *s, unsigned st, uint8_t stage, uint64_t va, uint16_t asid, uint16_t vmid,
                         int start, int leaf, unsigned *lookups)
{
    for (int l = leaf - 1; l >= start && l >= 0; l--) {
        if (l >= SMMU_WC_LEVELS || !s->wc[st][l])
            continue;
        (*lookups)++;
        struct smmu_tlb_key k = wc_key(va, stage, asid, vmid, (unsigned)l);
        if (smmu_tlb_lookup(s->wc[st][l], &k))
            return (unsigned)(l - start + 1);
    }
    return 0;
}

static void wc_fill(struct smmu *s, unsigned st, uint8_t stage, uint64_t va, uint16_t asid, uint16_t vmid,
                    unsigned g, int start, int leaf)
{
    for (int l = start < 0 ? 0 : start; l < leaf && l < SMMU_WC_LEVELS; l++) {
        if (!s->wc[st][l])
            continue;
        struct smmu_tlb_entry e = { .va = va, .asid = asid, .vmid = vmid, .stage = stage,
                                    .granule_log2 = (uint8_t)g, .level = (uint8_t)l,
                                    .size_log2 = (uint8_t)lvl_shift(g, (unsigned)l), .leaf = false };
        smmu_tlb_insert(s->wc[st][l], &e);
        s->wc_used = true;
    }
}

/*
 * Charge the walk: probe the walk caches of the stages walked, reduce the
 * accesses by what the hits save, and fill them with this walk's table
 * pointers.  Only levels the walk actually passed are probed and filled.
 */
static void walk_caches(struct smmu *s, const struct smmu_walk_cfg *w, uint8_t stage, uint64_t iova,
                        const struct smmu_walk_result *wr, bool ok, struct smmu_txn_result *r)
{
    unsigned saved = 0;
    unsigned s2_len = 0;
    if (w->s2) {
        int st2 = w->s2cfg.start_level;
        int leaf2 = ok ? wr->s2_level : 3;
        s2_len = (unsigned)(leaf2 - st2 + 1);
        saved += wc_probe(s, 1, SMMU_TLB_S2, wr->ipa, 0, w->s2cfg.vmid, st2, leaf2, &r->wc_lookups);
        if (ok)
            wc_fill(s, 1, SMMU_TLB_S2, wr->ipa, 0, w->s2cfg.vmid, w->s2cfg.granule_shift, st2, leaf2);
    }
    if (w->s1) {
        int st1 = s1_start_level(&w->s1cfg, iova);
        int leaf1 = ok ? wr->s1_level : 3;
        unsigned g = w->s1cfg.tt[(iova >> 55) & 1].granule_shift;
        /* Nested: each stage-1 descriptor read also costs its stage-2 walk. */
        unsigned per_level = 1 + (w->s2 ? s2_len : 0);
        saved += per_level * wc_probe(s, 0, stage, iova, w->s1cfg.asid, w->s2cfg.vmid, st1, leaf1,
                                      &r->wc_lookups);
        if (ok)
            wc_fill(s, 0, stage, iova, w->s1cfg.asid, w->s2cfg.vmid, g, st1, leaf1);
    }
    unsigned acc = wr->mem_accesses;
    r->walk_accesses = saved >= acc ? (acc ? 1 : 0) : acc - saved;
}

/* ---- translation ---------------------------------------------------------------- */

static uint8_t tlb_stage(const struct smmu_walk_cfg *w)
{
    if (w->s1 && w->s2)
        return SMMU_TLB_NESTED;
    return w->s1 ? SMMU_TLB_S1 : w->s2 ? SMMU_TLB_S2 : 0;
}

static void result_from_entry(struct smmu_txn_result *r, const struct smmu_tlb_entry *e, uint64_t iova)
{
    r->ok = true;
    r->oa = e->pa + (iova & ((1ULL << e->size_log2) - 1));
    r->perm = e->perm;
    r->size_log2 = e->size_log2;
    r->asid = e->asid;
    r->vmid = e->vmid;
    r->stage = e->stage;
    r->level = e->level;
    r->global = e->global;
}

/* The level a TLBI's TTL names for the entry: a combined S1+S2 entry is
 * invalidated by the guest's stage-1 TLBIs (TLBI_S2_IPA leaves it), whose
 * TTL is the level of the stage-1 leaf. */
static uint8_t leaf_level(uint8_t stage, const struct smmu_walk_result *wr)
{
    return stage == SMMU_TLB_NESTED ? wr->s1_level : wr->level;
}

static bool translate_walk(struct smmu *s, const struct smmu_txn *t, struct xctx *x, const struct smmu_walk_cfg *w,
                           struct smmu_txn_result *r)
{
    uint8_t stage = tlb_stage(w);
    if (stage) {
        struct smmu_tlb_key k = { .va = t->iova, .asid = w->s1 ? w->s1cfg.asid : 0, .vmid = w->s2cfg.vmid,
                                  .stage = stage, .leaf = true };
        const struct smmu_tlb_entry *e = smmu_tlb_lookup(s->tlb, &k);
        /* A hit that does not allow the access walks again, so that the
         * fault is reported with every field the walk knows. */
        if (e && smmu_perm_allows(e->perm, t->access)) {
            result_from_entry(r, e, t->iova);
            r->source = SMMU_XLATE_TLB;
            return true;
        }
    }
    struct smmu_walk_result wr;
    bool ok = smmu_walk(s->mem, w, t->iova, t->access, &wr, &x->f);
    r->source = stage ? SMMU_XLATE_WALK : SMMU_XLATE_BYPASS;
    if (stage) {
        s->counters.walks++;
        walk_caches(s, w, stage, t->iova, &wr, ok, r);
        s->counters.walk_accesses += r->walk_accesses;
    }
    SIM_TRACE(tp_smmuv3_walk, "sid=0x%x iova=0x%" G_GINT64_MODIFIER "x ok=%d accesses=%u charged=%u wc=%u", t->sid,
              t->iova, ok, wr.mem_accesses, r->walk_accesses, r->wc_lookups);
    if (!ok)
        return false;
    struct smmu_tlb_entry e = {
        .va = t->iova & ~((1ULL << wr.size_log2) - 1), .sid = t->sid, .ssid = t->ssv ? t->ssid : 0,
        .asid = w->s1 ? w->s1cfg.asid : 0, .vmid = w->s2cfg.vmid, .stage = stage,
        .granule_log2 = w->s2 ? w->s2cfg.granule_shift : w->s1cfg.tt[(t->iova >> 55) & 1].granule_shift,
        .level = leaf_level(stage, &wr), .size_log2 = wr.size_log2, .perm = wr.perm,
        .global = !w->s1 || wr.global, .leaf = true,
        .s1_size_log2 = stage == SMMU_TLB_NESTED ? wr.s1_size_log2 : 0,
    };
    e.pa = wr.oa - (t->iova - e.va);
    if (stage)
        smmu_tlb_insert(s->tlb, &e);
    result_from_entry(r, &e, t->iova);
    return true;
}

/* Translate without recording: true = translated; false with x->f.type set
 * for a fault, SMMU_EVT_NONE for a configuration abort. */
static bool translate_core(struct smmu *s, const struct smmu_txn *t, struct xctx *x, struct smmu_txn_result *r)
{
    memset(r, 0, sizeof(*r));
    r->source = SMMU_XLATE_CONFIG;
    smmu_features_from_idr(&x->ft, s->cfg.idr[0], s->cfg.idr[1], s->cfg.idr[5], s->cr2);
    smmu_fault_init(&x->f, t->sid, t->ssv, t->ssid);
    smmu_fault_set_input(&x->f, t->iova, t->access);
    if (!SIM_FIELD_EX32(s->cr0ack, CR0, SMMUEN))
        smmu_gbpa_cfg(s->gbpa, &x->ste);
    else if (!fetch_ste(s, t, x, r))
        return false;
    if (x->ste.mode == SMMU_STE_ABORT) {
        x->f.type = SMMU_EVT_NONE;
        return false;
    }
    if (!smmu_ssid_allowed(&x->ste, &x->ft, t->ssv, &x->f))
        return false;
    bool s1_bypass = !x->ste.s1;
    if (x->ste.s1 && !fetch_cd(s, t, x, r, &s1_bypass))
        return false;
    struct smmu_walk_cfg w;
    smmu_walk_cfg_init(&w, &x->ft, &x->ste, s1_bypass ? NULL : &x->cd, t->sid, t->ssv, t->ssid);
    return translate_walk(s, t, x, &w, r);
}

/* Fill the fault part of the result; true when an event is to be recorded. */
static bool dispose_fault(struct smmu *s, const struct xctx *x, struct smmu_txn_result *r)
{
    r->ok = false;
    r->event = x->f.type;
    r->response = SMMU_FAULT_ABORT;
    if (x->f.type == SMMU_EVT_NONE)
        return false;
    s->counters.xlate_faults++;
    struct smmu_fault_action act = smmu_fault_action(&x->f, &x->ft, x->have_ste ? &x->ste : NULL,
                                                     x->have_cd ? &x->cd : NULL);
    /* Stalling is not modelled: a stall configuration terminates. */
    r->response = act.response == SMMU_FAULT_STALL ? SMMU_FAULT_ABORT : act.response;
    r->recorded = act.record;
    SIM_TRACE(tp_smmuv3_fault, "%s sid=0x%x ssid=0x%x iova=0x%" G_GINT64_MODIFIER "x s2=%d record=%d resp=%d",
              smmu_event_name(x->f.type), x->f.sid, x->f.ssid, x->f.input_addr, x->f.s2, act.record,
              (int)r->response);
    return act.record;
}

static bool translate_and_record(struct smmu *s, const struct smmu_txn *t, struct smmu_txn_result *r,
                                 struct xctx *x)
{
    s->counters.xlate++;
    if (translate_core(s, t, x, r)) {
        if (r->source == SMMU_XLATE_BYPASS)
            s->counters.xlate_bypass++;
        SIM_TRACE(tp_smmuv3_translate, "sid=0x%x iova=0x%" G_GINT64_MODIFIER "x -> 0x%" G_GINT64_MODIFIER
                  "x src=%d", t->sid, t->iova, r->oa, (int)r->source);
        return true;
    }
    return false;
}

bool smmu_translate(struct smmu *s, const struct smmu_txn *t, struct smmu_txn_result *r)
{
    struct xctx x;
    x.have_ste = x.have_cd = false;
    if (translate_and_record(s, t, r, &x))
        return true;
    if (dispose_fault(s, &x, r))
        smmu_evtq_record(s, &x.f, sim_now(s->sched));
    return false;
}

/* The earliest-free walker: a walk ready at `ready` starts when it is free. */
static sim_time_t ptw_claim(struct smmu *s, sim_time_t ready, sim_time_t duration)
{
    unsigned best = 0;
    for (unsigned i = 1; i < s->cfg.ptw_slots; i++)
        if (s->ptw_free[i] < s->ptw_free[best])
            best = i;
    sim_time_t start = sim_time_max(ready, s->ptw_free[best]);
    if (start > ready) {
        s->counters.ptw_waits++;
        s->counters.ptw_wait_ps += start - ready;
    }
    s->ptw_free[best] = start + duration;
    return start;
}

sim_time_t smmu_translate_timed(struct smmu *s, const struct smmu_txn *t, struct smmu_txn_result *r, sim_time_t at)
{
    struct xctx x;
    x.have_ste = x.have_cd = false;
    bool ok = translate_and_record(s, t, r, &x);
    sim_time_t m = sim_mem_latency(s->mem);
    sim_time_t tcu = at + sim_cycles(&s->clock, s->cfg.link + s->cfg.tlb_lookup);
    if (r->source != SMMU_XLATE_TLB) {
        tcu += sim_cycles(&s->clock, s->cfg.cfg_lookup) + (sim_time_t)r->cfg_accesses * m;
        if (r->source == SMMU_XLATE_WALK || r->walk_accesses) {
            sim_time_t walk = sim_cycles(&s->clock, s->cfg.wc_lookup * r->wc_lookups) +
                              (sim_time_t)r->walk_accesses * m;
            tcu = ptw_claim(s, tcu, walk) + walk;
        }
    }
    if (!ok && dispose_fault(s, &x, r))
        smmu_evtq_record(s, &x.f, tcu);
    return tcu + sim_cycles(&s->clock, s->cfg.link);
}
