/*
 * smmuv3-state.c — the SMMUv3 model's state in a memory image: save it at a
 * quiescent point, restore it into a freshly built SMMU of the same
 * geometry, so that the run continues exactly as if never interrupted.
 *
 * Saved (format version SMMU_STATE_VERSION, layout below, the choices in
 * docs/memory-images.md):
 *   - every software-visible register (smmuv3.md §1): CR0/CR0ACK, CR1, CR2,
 *     GBPA, IRQ_CTRL/IRQ_CTRLACK, GERROR/GERRORN and the *_IRQ_CFG*, the
 *     stream table base, the CMDQ/EVENTQ/PRIQ bases and pointers with
 *     CONS.ERR;
 *   - the event-queue producer's unpublished records and the walkers' busy
 *     times (they decide when the next record and the next walk happen);
 *   - the CMDQ's engine source: pointers, error stop, latency marks and
 *     statistics (smmu_state_save_source, which the CMDQV uses too);
 *   - the TLB, configuration cache and walk caches, way by way with their
 *     LRU stamps, so a hit stays a hit and the same entry is evicted next;
 *   - the model's counters.
 * Not saved: pending events (a save is refused while any is pending),
 * endpoints' micro-TLBs and ATCs (a save is refused while any is attached:
 * they belong to the endpoints, which an image does not describe).
 */
#include <string.h>
#include "sim/image.h"
#include "models/smmuv3/smmuv3-internal.h"

/* 2: TLB entries carry the stage-1 leaf size of nested entries. */
#define SMMU_STATE_VERSION 2u

/* ---- histograms and engine sources -------------------------------------- */

/* Histograms are sparse: count, sum, min, max, then (bucket, value) pairs. */
static void put_hist(GByteArray *b, const struct sim_hist *h)
{
    uint32_t used = 0;
    for (unsigned i = 0; i < SIM_HIST_BUCKETS; i++)
        used += h->buckets[i] != 0;
    sim_state_put_u64(b, h->count);
    sim_state_put_u64(b, h->sum);
    sim_state_put_u64(b, h->min);
    sim_state_put_u64(b, h->max);
    sim_state_put_u32(b, used);
    for (unsigned i = 0; i < SIM_HIST_BUCKETS; i++) {
        if (!h->buckets[i])
            continue;
        sim_state_put_u32(b, i);
        sim_state_put_u64(b, h->buckets[i]);
    }
}

static void get_hist(struct sim_state_reader *r, const char *field, struct sim_hist *h)
{
    struct sim_hist tmp;
    sim_hist_init(&tmp);
    tmp.count = sim_state_get_u64(r, field);
    tmp.sum = sim_state_get_u64(r, field);
    tmp.min = sim_state_get_u64(r, field);
    tmp.max = sim_state_get_u64(r, field);
    uint32_t used = sim_state_get_u32(r, field);
    if (used > SIM_HIST_BUCKETS)
        sim_state_reject(r, field, "%u buckets, a histogram has %u", used, SIM_HIST_BUCKETS);
    for (uint32_t k = 0; k < used && sim_state_ok(r); k++) {
        uint32_t i = sim_state_get_u32(r, field);
        if (i >= SIM_HIST_BUCKETS) {
            sim_state_reject(r, field, "bucket %u out of range", i);
            break;
        }
        tmp.buckets[i] = sim_state_get_u64(r, field);
    }
    if (sim_state_ok(r))
        *h = tmp;
}

void smmu_state_save_source(const struct smmu_cmd_source *src, GByteArray *b)
{
    const struct smmu_cmd_source_stats *st = &src->stats;
    sim_state_put_u64(b, src->base);
    sim_state_put_u32(b, src->log2size);
    sim_state_put_u32(b, src->prod);
    sim_state_put_u32(b, src->cons);
    sim_state_put_u8(b, src->enabled);
    sim_state_put_u8(b, src->stopped_on_error);
    sim_state_put_u32(b, src->eng.rd);
    sim_state_put_u64(b, src->eng.ready_at);
    sim_state_put_u64(b, src->eng.pending_done);
    sim_state_put_u8(b, src->eng.atc_timed_out);
    sim_state_put_u32(b, src->eng.publish_cons);
    sim_state_put_u32(b, src->eng.mark_head);
    sim_state_put_u32(b, src->eng.mark_count);
    for (unsigned i = 0; i < SMMU_PROD_MARKS; i++) {
        sim_state_put_u32(b, src->eng.marks[i].prod);
        sim_state_put_u64(b, src->eng.marks[i].t);
    }
    sim_state_put_u64(b, st->cmds);
    sim_state_put_u64(b, st->syncs);
    sim_state_put_u64(b, st->turns);
    for (unsigned i = 0; i < 256; i++)
        sim_state_put_u64(b, st->by_opcode[i]);
    for (unsigned i = 0; i < SMMU_CERROR_COUNT; i++)
        sim_state_put_u64(b, st->errors[i]);
    put_hist(b, &st->cmd_latency);
    put_hist(b, &st->sync_latency);
    put_hist(b, &st->occupancy);
}

void smmu_state_restore_source(struct smmu_cmd_source *src, struct sim_state_reader *r)
{
    struct smmu_cmd_source t = *src;   /* applied only when the whole record reads well */
    t.base = sim_state_get_u64(r, "source base");
    t.log2size = sim_state_get_u32(r, "source log2size");
    if (t.log2size > 19)
        sim_state_reject(r, "source log2size", "%u is larger than 19", t.log2size);
    t.prod = sim_state_get_u32(r, "source prod");
    t.cons = sim_state_get_u32(r, "source cons");
    t.enabled = sim_state_get_bool(r, "source enabled");
    t.stopped_on_error = sim_state_get_bool(r, "source stopped_on_error");
    t.eng.rd = sim_state_get_u32(r, "source rd");
    t.eng.ready_at = sim_state_get_u64(r, "source ready_at");
    t.eng.pending_done = sim_state_get_u64(r, "source pending_done");
    t.eng.atc_timed_out = sim_state_get_bool(r, "source atc_timed_out");
    t.eng.publish_cons = sim_state_get_u32(r, "source publish_cons");
    t.eng.mark_head = sim_state_get_u32(r, "source mark_head");
    t.eng.mark_count = sim_state_get_u32(r, "source mark_count");
    if (t.eng.mark_head >= SMMU_PROD_MARKS || t.eng.mark_count > SMMU_PROD_MARKS)
        sim_state_reject(r, "source marks", "head %u / count %u beyond %u", t.eng.mark_head,
                         t.eng.mark_count, SMMU_PROD_MARKS);
    for (unsigned i = 0; i < SMMU_PROD_MARKS; i++) {
        t.eng.marks[i].prod = sim_state_get_u32(r, "source marks");
        t.eng.marks[i].t = sim_state_get_u64(r, "source marks");
    }
    t.stats.cmds = sim_state_get_u64(r, "source cmds");
    t.stats.syncs = sim_state_get_u64(r, "source syncs");
    t.stats.turns = sim_state_get_u64(r, "source turns");
    for (unsigned i = 0; i < 256; i++)
        t.stats.by_opcode[i] = sim_state_get_u64(r, "source by_opcode");
    for (unsigned i = 0; i < SMMU_CERROR_COUNT; i++)
        t.stats.errors[i] = sim_state_get_u64(r, "source errors");
    get_hist(r, "source cmd_latency", &t.stats.cmd_latency);
    get_hist(r, "source sync_latency", &t.stats.sync_latency);
    get_hist(r, "source occupancy", &t.stats.occupancy);
    if (!sim_state_ok(r))
        return;
    src->base = t.base;
    src->log2size = t.log2size;
    src->prod = t.prod;
    src->cons = t.cons;
    src->enabled = t.enabled;
    /* A source stopped on an error is halted in the engine too; with no turn
     * pending, the stop alone keeps it from running until the error is
     * acknowledged, which clears both. */
    src->stopped_on_error = t.stopped_on_error;
    src->eng.rd = t.eng.rd;
    src->eng.ready_at = t.eng.ready_at;
    src->eng.pending_done = t.eng.pending_done;
    src->eng.atc_timed_out = t.eng.atc_timed_out;
    src->eng.publish_cons = t.eng.publish_cons;
    src->eng.mark_head = t.eng.mark_head;
    src->eng.mark_count = t.eng.mark_count;
    memcpy(src->eng.marks, t.eng.marks, sizeof(t.eng.marks));
    src->stats = t.stats;
}

/* ---- caches ------------------------------------------------------------- */

static void put_tlb_entry(GByteArray *b, const struct smmu_tlb_entry *e)
{
    sim_state_put_u64(b, e->va);
    sim_state_put_u64(b, e->pa);
    sim_state_put_u32(b, e->sid);
    sim_state_put_u32(b, e->ssid);
    sim_state_put_u32(b, e->asid);
    sim_state_put_u32(b, e->vmid);
    uint8_t bytes[] = { e->stage, e->granule_log2, e->level, e->size_log2, e->perm, e->global, e->leaf, e->el2,
                        e->s1_size_log2 };
    sim_state_put_bytes(b, bytes, sizeof(bytes));
}

static void get_tlb_entry(struct sim_state_reader *r, struct smmu_tlb_entry *e)
{
    e->va = sim_state_get_u64(r, "tlb entry va");
    e->pa = sim_state_get_u64(r, "tlb entry pa");
    e->sid = sim_state_get_u32(r, "tlb entry sid");
    e->ssid = sim_state_get_u32(r, "tlb entry ssid");
    e->asid = (uint16_t)sim_state_get_u32(r, "tlb entry asid");
    e->vmid = (uint16_t)sim_state_get_u32(r, "tlb entry vmid");
    e->stage = sim_state_get_u8(r, "tlb entry stage");
    e->granule_log2 = sim_state_get_u8(r, "tlb entry granule");
    e->level = sim_state_get_u8(r, "tlb entry level");
    e->size_log2 = sim_state_get_u8(r, "tlb entry size");
    e->perm = sim_state_get_u8(r, "tlb entry perm");
    e->global = sim_state_get_bool(r, "tlb entry global");
    e->leaf = sim_state_get_bool(r, "tlb entry leaf");
    e->el2 = sim_state_get_bool(r, "tlb entry el2");
    e->s1_size_log2 = sim_state_get_u8(r, "tlb entry stage-1 size");
    if (e->stage < SMMU_TLB_S1 || e->stage > SMMU_TLB_NESTED || e->level > 3)
        sim_state_reject(r, "tlb entry", "stage %u level %u is not a cache entry", e->stage, e->level);
    /* Only a nested entry has a stage-1 leaf, never smaller than the entry. */
    else if (e->s1_size_log2 &&
             (e->stage != SMMU_TLB_NESTED || e->s1_size_log2 < e->size_log2 || e->s1_size_log2 > 63))
        sim_state_reject(r, "tlb entry", "stage-1 size 2^%u does not fit a stage %u entry of 2^%u bytes",
                         e->s1_size_log2, e->stage, e->size_log2);
}

static void put_stats5(GByteArray *b, const uint64_t v[5])
{
    for (unsigned i = 0; i < 5; i++)
        sim_state_put_u64(b, v[i]);
}

static void get_stats5(struct sim_state_reader *r, const char *field, uint64_t v[5])
{
    for (unsigned i = 0; i < 5; i++)
        v[i] = sim_state_get_u64(r, field);
}

/* Capacity, LRU clock, statistics, then the valid ways as (index, stamp, entry). */
static void put_tlb(GByteArray *b, const struct smmu_tlb *t)
{
    unsigned n = smmu_tlb_capacity(t);
    struct smmu_tlb_way *ways = g_new(struct smmu_tlb_way, n);
    struct smmu_tlb_stats st;
    uint64_t clock;
    smmu_tlb_export(t, ways, &clock, &st);
    sim_state_put_u32(b, n);
    sim_state_put_u64(b, clock);
    put_stats5(b, (const uint64_t[5]){ st.lookups, st.hits, st.inserts, st.evictions, st.invalidated });
    sim_state_put_u32(b, smmu_tlb_count(t));
    for (unsigned i = 0; i < n; i++) {
        if (!ways[i].valid)
            continue;
        sim_state_put_u32(b, i);
        sim_state_put_u64(b, ways[i].stamp);
        put_tlb_entry(b, &ways[i].e);
    }
    g_free(ways);
}

/* The header every saved cache starts with: capacity (must match this
 * machine), LRU clock, statistics, number of valid entries.  Returns the
 * number of entries that follow. */
static uint32_t get_cache_header(struct sim_state_reader *r, const char *field, unsigned n,
                                 uint64_t *clock, uint64_t s[5])
{
    sim_state_expect_u32(r, field, n);
    *clock = sim_state_get_u64(r, field);
    get_stats5(r, field, s);
    uint32_t valid = sim_state_get_u32(r, field);
    if (valid > n)
        sim_state_reject(r, field, "%u valid entries in %u ways", valid, n);
    return valid;
}

static void get_tlb(struct sim_state_reader *r, const char *field, struct smmu_tlb *t)
{
    unsigned n = smmu_tlb_capacity(t);
    uint64_t clock, s[5];
    uint32_t valid = get_cache_header(r, field, n, &clock, s);
    struct smmu_tlb_way *ways = g_new0(struct smmu_tlb_way, n);
    for (uint32_t k = 0; k < valid && sim_state_ok(r); k++) {
        uint32_t i = sim_state_get_u32(r, field);
        if (i >= n || ways[i].valid) {
            sim_state_reject(r, field, "way %u is out of range or listed twice", i);
            break;
        }
        ways[i].stamp = sim_state_get_u64(r, field);
        get_tlb_entry(r, &ways[i].e);
        ways[i].valid = true;
    }
    struct smmu_tlb_stats st = { s[0], s[1], s[2], s[3], s[4] };
    if (sim_state_ok(r) && !smmu_tlb_import(t, ways, clock, &st))
        sim_state_reject(r, field, "an entry is not in the set its address selects");
    g_free(ways);
}

static void put_cfgcache(GByteArray *b, const struct smmu_cfgcache *c)
{
    unsigned n = smmu_cfg_capacity(c);
    struct smmu_cfg_way *ways = g_new(struct smmu_cfg_way, n);
    struct smmu_cfg_stats st;
    uint64_t clock;
    smmu_cfg_export(c, ways, &clock, &st);
    sim_state_put_u32(b, n);
    sim_state_put_u64(b, clock);
    put_stats5(b, (const uint64_t[5]){ st.lookups, st.hits, st.inserts, st.evictions, st.invalidated });
    sim_state_put_u32(b, smmu_cfg_count(c));
    for (unsigned i = 0; i < n; i++) {
        const struct smmu_cfg_entry *e = &ways[i].e;
        if (!ways[i].valid)
            continue;
        sim_state_put_u32(b, i);
        sim_state_put_u64(b, ways[i].stamp);
        sim_state_put_u8(b, e->kind);
        sim_state_put_u8(b, e->span_log2);
        sim_state_put_u32(b, e->sid);
        sim_state_put_u32(b, e->ssid);
        for (unsigned d = 0; d < 8; d++)
            sim_state_put_u64(b, e->data[d]);
    }
    g_free(ways);
}

static void get_cfgcache(struct sim_state_reader *r, struct smmu_cfgcache *c)
{
    const char *field = "configuration cache";
    unsigned n = smmu_cfg_capacity(c);
    uint64_t clock, s[5];
    uint32_t valid = get_cache_header(r, field, n, &clock, s);
    struct smmu_cfg_way *ways = g_new0(struct smmu_cfg_way, n);
    for (uint32_t k = 0; k < valid && sim_state_ok(r); k++) {
        uint32_t i = sim_state_get_u32(r, field);
        if (i >= n || ways[i].valid) {
            sim_state_reject(r, field, "way %u is out of range or listed twice", i);
            break;
        }
        struct smmu_cfg_entry *e = &ways[i].e;
        ways[i].stamp = sim_state_get_u64(r, field);
        e->kind = sim_state_get_u8(r, field);
        e->span_log2 = sim_state_get_u8(r, field);
        e->sid = sim_state_get_u32(r, field);
        e->ssid = sim_state_get_u32(r, field);
        for (unsigned d = 0; d < 8; d++)
            e->data[d] = sim_state_get_u64(r, field);
        ways[i].valid = true;
    }
    struct smmu_cfg_stats st = { s[0], s[1], s[2], s[3], s[4] };
    if (sim_state_ok(r) && !smmu_cfg_import(c, ways, clock, &st))
        sim_state_reject(r, field, "an entry has an unknown kind or is not in the set its key selects");
    g_free(ways);
}

/* ---- registers ---------------------------------------------------------- */

/* The register file in one table, so save and restore cannot disagree. */
#define REG32(f) { #f, offsetof(struct smmu, f), 4 }
#define REG64(f) { #f, offsetof(struct smmu, f), 8 }
static const struct { const char *name; size_t off; unsigned size; } regs[] = {
    REG32(cr0), REG32(cr0ack), REG32(cr1), REG32(cr2), REG32(gbpa), REG32(gbpa_pending),
    REG32(irq_ctrl), REG32(irq_ctrlack), REG32(gerror), REG32(gerrorn),
    REG64(gerror_irq_cfg0), REG32(gerror_irq_cfg1), REG32(gerror_irq_cfg2),
    REG64(strtab_base), REG32(strtab_base_cfg),
    REG64(cmdq_base), REG32(cmdq_prod), REG32(cmdq_cons_err),
    REG64(eventq_base), REG32(eventq_prod), REG32(eventq_cons),
    REG64(eventq_irq_cfg0), REG32(eventq_irq_cfg1), REG32(eventq_irq_cfg2),
    REG64(priq_base), REG32(priq_prod), REG32(priq_cons),
    REG64(priq_irq_cfg0), REG32(priq_irq_cfg1), REG32(priq_irq_cfg2),
    REG32(evtq_unpublished), REG32(evtq_batch),
};

/* The counters block holds nothing but uint64_t, so it is saved as an array. */
#define SMMU_NCOUNTERS (sizeof(((struct smmu *)0)->counters) / sizeof(uint64_t))
G_STATIC_ASSERT(sizeof(((struct smmu *)0)->counters) % sizeof(uint64_t) == 0);

static void put_regs(GByteArray *b, const struct smmu *s)
{
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
        const char *p = (const char *)s + regs[i].off;
        if (regs[i].size == 4)
            sim_state_put_u32(b, *(const uint32_t *)(const void *)p);
        else
            sim_state_put_u64(b, *(const uint64_t *)(const void *)p);
    }
}

static void get_regs(struct sim_state_reader *r, struct smmu *s)
{
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
        char *p = (char *)s + regs[i].off;
        if (regs[i].size == 4)
            *(uint32_t *)(void *)p = sim_state_get_u32(r, regs[i].name);
        else
            *(uint64_t *)(void *)p = sim_state_get_u64(r, regs[i].name);
    }
}

static void copy_regs(struct smmu *dst, const struct smmu *src)
{
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++)
        memcpy((char *)dst + regs[i].off, (const char *)src + regs[i].off, regs[i].size);
}

/* ---- the whole model ---------------------------------------------------- */

static const char *pending_event(const struct smmu *s)
{
    const struct sim_event *evs[] = { &s->cr0ack_ev, &s->gbpa_ev, &s->irq_ctrlack_ev, &s->evtq_ev };
    for (size_t i = 0; i < G_N_ELEMENTS(evs); i++)
        if (sim_event_pending(evs[i]))
            return evs[i]->name;
    for (guint i = 0; i < s->msi_all->len; i++) {
        const struct smmu_msi *m = g_ptr_array_index(s->msi_all, i);
        if (sim_event_pending(&m->ev))
            return m->ev.name;
    }
    return smmu_engine_idle(s) ? NULL : "the command engine";
}

gboolean smmu_state_save(const struct smmu *s, GByteArray *b, GError **err)
{
    const char *busy = pending_event(s);
    if (busy) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE,
                    "the SMMU is not quiescent (%s is pending): run until idle before saving", busy);
        return FALSE;
    }
    if (s->utlbs->len || g_hash_table_size(s->atcs)) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE,
                    "%u micro-TLBs and %u ATCs of endpoints are attached to the SMMU: an image does not hold "
                    "endpoints; detach them before saving", s->utlbs->len, g_hash_table_size(s->atcs));
        return FALSE;
    }
    sim_state_put_u32(b, SMMU_STATE_VERSION);
    put_regs(b, s);
    sim_state_put_u64(b, s->evtq_last_write);
    sim_state_put_u64(b, s->cfg_gen);
    sim_state_put_u64(b, s->eng.busy_until);
    sim_state_put_u32(b, s->eng.cmds_per_turn);
    sim_state_put_u32(b, s->eng.cycles_per_turn);
    sim_state_put_u32(b, (uint32_t)s->cfg.ptw_slots);
    for (uint64_t i = 0; i < s->cfg.ptw_slots; i++)
        sim_state_put_u64(b, s->ptw_free[i]);
    smmu_state_save_source(&s->cmdq, b);
    put_tlb(b, s->tlb);
    put_cfgcache(b, s->cfgc);
    for (unsigned st = 0; st < 2; st++)
        for (unsigned l = 0; l < SMMU_WC_LEVELS; l++) {
            sim_state_put_u8(b, s->wc[st][l] != NULL);
            if (s->wc[st][l])
                put_tlb(b, s->wc[st][l]);
        }
    sim_state_put_u32(b, (uint32_t)SMMU_NCOUNTERS);
    const uint64_t *c = (const uint64_t *)(const void *)&s->counters;
    for (size_t i = 0; i < SMMU_NCOUNTERS; i++)
        sim_state_put_u64(b, c[i]);
    return TRUE;
}

/* Read everything into a scratch copy of the register file first, so a bad
 * blob leaves the registers untouched.  The caches are written as they are
 * read (the caller discards a machine whose restore failed). */
gboolean smmu_state_restore(struct smmu *s, const void *data, size_t len, GError **err)
{
    struct sim_state_reader r;
    struct smmu regs_copy;
    copy_regs(&regs_copy, s);
    sim_state_reader_init(&r, SMMU_STATE_NAME, data, len, SMMU_STATE_VERSION);
    get_regs(&r, &regs_copy);
    sim_time_t evtq_last_write = sim_state_get_u64(&r, "evtq_last_write");
    uint64_t cfg_gen = sim_state_get_u64(&r, "cfg_gen");
    sim_time_t busy_until = sim_state_get_u64(&r, "engine busy_until");
    uint32_t cmds_per_turn = sim_state_get_u32(&r, "engine cmds_per_turn");
    uint32_t cycles_per_turn = sim_state_get_u32(&r, "engine cycles_per_turn");
    sim_state_expect_u32(&r, "walker slots", (uint32_t)s->cfg.ptw_slots);
    sim_time_t *ptw = g_new0(sim_time_t, s->cfg.ptw_slots);
    for (uint64_t i = 0; i < s->cfg.ptw_slots && sim_state_ok(&r); i++)
        ptw[i] = sim_state_get_u64(&r, "walker slots");
    smmu_state_restore_source(&s->cmdq, &r);
    get_tlb(&r, "TLB", s->tlb);
    get_cfgcache(&r, s->cfgc);
    static const char *const wc_names[2][SMMU_WC_LEVELS] = {
        { "stage-1 walk cache level 0", "stage-1 walk cache level 1", "stage-1 walk cache level 2" },
        { "stage-2 walk cache level 0", "stage-2 walk cache level 1", "stage-2 walk cache level 2" },
    };
    for (unsigned st = 0; st < 2; st++)
        for (unsigned l = 0; l < SMMU_WC_LEVELS; l++) {
            bool present = sim_state_get_bool(&r, wc_names[st][l]);
            if (sim_state_ok(&r) && present != (s->wc[st][l] != NULL))
                sim_state_reject(&r, wc_names[st][l], "%s in the image but %s in this machine",
                                 present ? "present" : "absent", s->wc[st][l] ? "present" : "absent");
            if (sim_state_ok(&r) && present) {
                get_tlb(&r, wc_names[st][l], s->wc[st][l]);
                s->wc_used = true;  /* invalidations must visit restored entries */
            }
        }
    sim_state_expect_u32(&r, "counters", (uint32_t)SMMU_NCOUNTERS);
    uint64_t counters[SMMU_NCOUNTERS];
    for (size_t i = 0; i < SMMU_NCOUNTERS; i++)
        counters[i] = sim_state_get_u64(&r, "counters");
    if (!sim_state_reader_finish(&r, err)) {
        g_free(ptw);
        return FALSE;
    }
    copy_regs(s, &regs_copy);
    s->evtq_last_write = evtq_last_write;
    s->cfg_gen = cfg_gen;
    s->eng.busy_until = busy_until;
    s->eng.cmds_per_turn = cmds_per_turn;
    s->eng.cycles_per_turn = cycles_per_turn;
    memcpy(s->ptw_free, ptw, sizeof(*ptw) * s->cfg.ptw_slots);
    memcpy(&s->counters, counters, sizeof(counters));
    g_free(ptw);
    return TRUE;
}
