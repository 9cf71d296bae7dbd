/*
 * smmuv3-tlb.c — set-associative translation cache with LRU replacement.
 *
 * Sets are chosen from the input address block only (never the ASID or
 * VMID), so an invalidation by address — for one ASID, every ASID, or an
 * IPA — can probe exactly the sets that could hold a matching entry.  Entry
 * sizes in use are tracked in a bitmask so a probe visits only sizes that
 * exist.  Invalidations that select by something other than an address,
 * or whose range would need more probes than the array has entries, scan
 * the array instead; the result is the same, only the cost differs
 * (smmuv3.md §2.3 for what each TLBI must remove).
 *
 * A nested entry whose stage-2 leaf is smaller than its stage-1 leaf is a
 * "split" piece: it sits in the set of its own address, but a stage-1 TLBI
 * by address anywhere in the stage-1 block must find it.  The array counts
 * split pieces and remembers their piece and stage-1 sizes, so such a TLBI
 * also probes every piece address of the stage-1 blocks it touches (or
 * scans the array when that is fewer sets); with no split piece cached the
 * invalidation costs exactly what it did without them.
 */
#include <string.h>
#include <glib.h>
#include "models/smmuv3/smmuv3-tlb.h"
#include "sim/stats.h"

struct way {
    struct smmu_tlb_entry e;
    uint64_t stamp;         /* LRU: larger = more recent */
    bool valid;
};

struct smmu_tlb {
    struct way *ways;
    unsigned nsets, assoc;
    unsigned valid;
    bool match_vmid;
    uint64_t sizes;         /* bit n set: some entry may have size_log2 n */
    unsigned nsplit;        /* valid split nested pieces */
    uint64_t split_sizes;   /* while nsplit: piece sizes that may be split */
    uint64_t split_spans;   /* while nsplit: their stage-1 sizes */
    uint64_t clock;
    struct smmu_tlb_stats stats;
};

struct smmu_tlb *smmu_tlb_new(unsigned entries, unsigned assoc, bool match_vmid)
{
    g_assert(assoc > 0 && entries >= assoc && entries % assoc == 0);
    struct smmu_tlb *t = g_new0(struct smmu_tlb, 1);
    t->ways = g_new0(struct way, entries);
    t->nsets = entries / assoc;
    t->assoc = assoc;
    t->match_vmid = match_vmid;
    return t;
}

void smmu_tlb_free(struct smmu_tlb *t)
{
    if (!t)
        return;
    g_free(t->ways);
    g_free(t);
}

void smmu_tlb_flush(struct smmu_tlb *t)
{
    memset(t->ways, 0, sizeof(*t->ways) * t->nsets * t->assoc);
    t->valid = 0;
    t->sizes = 0;
    t->nsplit = 0;
    t->split_sizes = t->split_spans = 0;
}

void smmu_tlb_register_stats(struct smmu_tlb *t, struct sim_stats *stats, const char *prefix)
{
    static const struct { const char *name; size_t off; } c[] = {
        { "lookups", offsetof(struct smmu_tlb_stats, lookups) },
        { "hits", offsetof(struct smmu_tlb_stats, hits) },
        { "inserts", offsetof(struct smmu_tlb_stats, inserts) },
        { "evictions", offsetof(struct smmu_tlb_stats, evictions) },
        { "invalidated", offsetof(struct smmu_tlb_stats, invalidated) },
    };
    for (size_t i = 0; i < SIM_ARRAY_SIZE(c); i++) {
        char *n = g_strdup_printf("%s.%s", prefix, c[i].name);
        sim_stats_add_counter(stats, n, (const uint64_t *)((const char *)&t->stats + c[i].off));
        g_free(n);
    }
}

const struct smmu_tlb_stats *smmu_tlb_stats(const struct smmu_tlb *t) { return &t->stats; }
unsigned smmu_tlb_count(const struct smmu_tlb *t) { return t->valid; }

static unsigned lowest_bit(uint64_t v) { return sim_msb64(v & (~v + 1)); }

static unsigned set_of(const struct smmu_tlb *t, uint64_t va, unsigned size_log2)
{
    uint64_t block = size_log2 >= 64 ? 0 : va >> size_log2;
    uint64_t h = (block + (uint64_t)size_log2 * 0x100000001B3ULL) * 0x9E3779B97F4A7C15ULL;
    return (unsigned)((h >> 32) % t->nsets);
}

unsigned smmu_tlb_inval_span_log2(const struct smmu_tlb_entry *e)
{
    if (e->stage != SMMU_TLB_NESTED || !e->leaf)
        return e->size_log2;
    /* Unknown stage-1 size: the largest leaf at `level`, 64 KiB granule. */
    unsigned span = e->s1_size_log2 ? e->s1_size_log2 : 16u + (3u - (e->level & 3u)) * 13u;
    if (span > 63)
        span = 63;
    return span > e->size_log2 ? span : e->size_log2;
}

static bool is_split(const struct smmu_tlb_entry *e) { return smmu_tlb_inval_span_log2(e) > e->size_log2; }

static void note_split(struct smmu_tlb *t, const struct smmu_tlb_entry *e)
{
    if (!is_split(e))
        return;
    t->nsplit++;
    t->split_sizes |= 1ULL << e->size_log2;
    t->split_spans |= 1ULL << smmu_tlb_inval_span_log2(e);
}

static void forget_split(struct smmu_tlb *t, const struct smmu_tlb_entry *e)
{
    if (!is_split(e))
        return;
    if (--t->nsplit == 0)
        t->split_sizes = t->split_spans = 0;
}

static struct way *set_ways(struct smmu_tlb *t, unsigned set) { return &t->ways[(size_t)set * t->assoc]; }

static bool same_tags(const struct smmu_tlb_entry *a, const struct smmu_tlb_entry *b)
{
    return a->va == b->va && a->size_log2 == b->size_log2 && a->stage == b->stage && a->el2 == b->el2 &&
           a->leaf == b->leaf && a->level == b->level && a->asid == b->asid && a->vmid == b->vmid &&
           a->global == b->global;
}

/* The way to fill: one with identical tags, else a free one, else the LRU. */
static struct way *pick_way(const struct smmu_tlb *t, struct way *w, const struct smmu_tlb_entry *n)
{
    struct way *free_way = NULL, *lru = &w[0];
    for (unsigned i = 0; i < t->assoc; i++) {
        if (w[i].valid && same_tags(&w[i].e, n))
            return &w[i];
        if (!w[i].valid && !free_way)
            free_way = &w[i];
        if (w[i].valid && (!lru->valid || w[i].stamp < lru->stamp))
            lru = &w[i];
    }
    return free_way ? free_way : lru;
}

void smmu_tlb_insert(struct smmu_tlb *t, const struct smmu_tlb_entry *e)
{
    unsigned size = e->size_log2 > 63 ? 63 : e->size_log2;
    struct smmu_tlb_entry n = *e;
    n.size_log2 = (uint8_t)size;
    n.va &= ~((1ULL << size) - 1);
    struct way *w = set_ways(t, set_of(t, n.va, size));
    struct way *victim = pick_way(t, w, &n);
    if (!victim->valid)
        t->valid++;
    else if (!same_tags(&victim->e, &n))
        t->stats.evictions++;
    if (victim->valid)
        forget_split(t, &victim->e);
    note_split(t, &n);
    victim->e = n;
    victim->valid = true;
    victim->stamp = ++t->clock;
    t->sizes |= 1ULL << size;
    t->stats.inserts++;
}

static bool key_matches(const struct smmu_tlb *t, const struct smmu_tlb_entry *e, const struct smmu_tlb_key *k)
{
    if (e->stage != k->stage || e->el2 != k->el2 || e->leaf != k->leaf)
        return false;
    if (!k->leaf && e->level != k->level)
        return false;
    if (((k->va ^ e->va) >> e->size_log2) != 0)
        return false;
    if (t->match_vmid && !k->el2 && e->vmid != k->vmid)
        return false;
    if (e->stage != SMMU_TLB_S2 && !e->global && e->asid != k->asid)
        return false;
    return true;
}

const struct smmu_tlb_entry *smmu_tlb_lookup(struct smmu_tlb *t, const struct smmu_tlb_key *k)
{
    t->stats.lookups++;
    for (uint64_t sizes = t->sizes; sizes; sizes &= sizes - 1) {
        unsigned size = lowest_bit(sizes);
        struct way *w = set_ways(t, set_of(t, k->va, size));
        for (unsigned i = 0; i < t->assoc; i++) {
            if (w[i].valid && w[i].e.size_log2 == size && key_matches(t, &w[i].e, k)) {
                w[i].stamp = ++t->clock;
                t->stats.hits++;
                return &w[i].e;
            }
        }
    }
    return NULL;
}

/* ---- invalidation ------------------------------------------------------ */

bool smmu_tlb_inval_selects(const struct smmu_tlb_inval *f, const struct smmu_tlb_entry *e, bool match_vmid,
                            bool ignore_addr)
{
    if (!(f->stages & SMMU_TLB_STAGE_BIT(e->stage)) || e->el2 != f->el2)
        return false;
    if (f->by_vmid && match_vmid && e->vmid != f->vmid)
        return false;
    switch (f->asid_match) {
    case SMMU_TLBI_ASID_NONGLOBAL:
        if (e->global || e->asid != f->asid)
            return false;
        break;
    case SMMU_TLBI_ASID_OR_GLOBAL:
        if (!e->global && e->asid != f->asid)
            return false;
        break;
    default:
        break;
    }
    if (f->leaf_only && !e->leaf)
        return false;
    if (!f->by_addr || ignore_addr)
        return true;
    if (e->leaf && f->ttl && e->level != f->ttl)
        return false;
    uint64_t mask = (1ULL << smmu_tlb_inval_span_log2(e)) - 1;
    uint64_t first = e->va & ~mask;
    return first <= f->addr_last && (first | mask) >= f->addr_first;
}

static bool inval_matches(const struct smmu_tlb *t, const struct smmu_tlb_entry *e, const struct smmu_tlb_inval *f,
                          bool ignore_addr)
{
    return smmu_tlb_inval_selects(f, e, t->match_vmid, ignore_addr);
}

static void remove_way(struct smmu_tlb *t, struct way *w, struct smmu_tlb_cost *c)
{
    w->valid = false;
    t->valid--;
    forget_split(t, &w->e);
    t->stats.invalidated++;
    c->removed++;
}

static void scan(struct smmu_tlb *t, const struct smmu_tlb_inval *f, bool ignore_addr, struct smmu_tlb_cost *c)
{
    size_t n = (size_t)t->nsets * t->assoc;
    for (size_t i = 0; i < n; i++) {
        struct way *w = &t->ways[i];
        if (!w->valid)
            continue;
        c->entries++;
        if (inval_matches(t, &w->e, f, ignore_addr))
            remove_way(t, w, c);
    }
}

/* Address blocks a probe of [first, last] would visit over the sizes in use. */
static uint64_t probe_count(const struct smmu_tlb *t, uint64_t first, uint64_t last, uint64_t limit)
{
    uint64_t total = 0;
    for (uint64_t sizes = t->sizes; sizes; sizes &= sizes - 1) {
        unsigned size = lowest_bit(sizes);
        total += ((last >> size) - (first >> size)) + 1;
        if (total > limit)
            break;
    }
    return total;
}

static void probe(struct smmu_tlb *t, const struct smmu_tlb_inval *f, struct smmu_tlb_cost *c)
{
    for (uint64_t sizes = t->sizes; sizes; sizes &= sizes - 1) {
        unsigned size = lowest_bit(sizes);
        for (uint64_t b = f->addr_first >> size; b <= (f->addr_last >> size); b++) {
            struct way *w = set_ways(t, set_of(t, b << size, size));
            for (unsigned i = 0; i < t->assoc; i++)
                if (w[i].valid && w[i].e.size_log2 == size && inval_matches(t, &w[i].e, f, false))
                    remove_way(t, &w[i], c);
            if (b == UINT64_MAX >> size)
                break;
        }
    }
}

/* Block indexes of size `piece` in the stage-1 blocks of size `span` that
 * [first, last] touches, outside [first, last] itself: [lo[0], hi[0]) below
 * and [lo[1], hi[1]) above, half-open (empty when lo >= hi). */
static void piece_ranges(uint64_t first, uint64_t last, unsigned piece, unsigned span, uint64_t lo[2],
                         uint64_t hi[2])
{
    uint64_t mask = (1ULL << span) - 1;
    lo[0] = (first & ~mask) >> piece;
    hi[0] = first >> piece;             /* exclusive: probed already */
    lo[1] = (last >> piece) + 1;        /* 0 after a wrap: then empty */
    hi[1] = ((last | mask) >> piece) + 1;
    if (lo[1] == 0)
        hi[1] = 0;
}

/* Piece addresses a split probe would visit beyond the range's own probe. */
static uint64_t split_probe_count(const struct smmu_tlb *t, const struct smmu_tlb_inval *f, uint64_t limit)
{
    uint64_t total = 0;
    for (uint64_t spans = t->split_spans; spans; spans &= spans - 1) {
        unsigned span = lowest_bit(spans);
        for (uint64_t sizes = t->split_sizes & ((1ULL << span) - 1); sizes; sizes &= sizes - 1) {
            uint64_t lo[2], hi[2];
            piece_ranges(f->addr_first, f->addr_last, lowest_bit(sizes), span, lo, hi);
            total += (hi[0] - lo[0]) + (hi[1] > lo[1] ? hi[1] - lo[1] : 0);
            if (total > limit)
                return total;
        }
    }
    return total;
}

static void probe_piece_set(struct smmu_tlb *t, const struct smmu_tlb_inval *f, uint64_t block, unsigned size,
                            struct smmu_tlb_cost *c)
{
    struct way *w = set_ways(t, set_of(t, block << size, size));
    for (unsigned i = 0; i < t->assoc; i++) {
        if (!w[i].valid)
            continue;
        c->entries++;
        if (w[i].e.size_log2 == size && inval_matches(t, &w[i].e, f, false))
            remove_way(t, &w[i], c);
    }
}

/* The other pieces of the stage-1 blocks [first, last] touches. */
static void probe_split(struct smmu_tlb *t, const struct smmu_tlb_inval *f, struct smmu_tlb_cost *c)
{
    uint64_t spans = t->split_spans, sizes_all = t->split_sizes;    /* removals may clear them */
    for (; spans; spans &= spans - 1) {
        unsigned span = lowest_bit(spans);
        for (uint64_t sizes = sizes_all & ((1ULL << span) - 1); sizes; sizes &= sizes - 1) {
            unsigned size = lowest_bit(sizes);
            uint64_t lo[2], hi[2];
            piece_ranges(f->addr_first, f->addr_last, size, span, lo, hi);
            for (unsigned r = 0; r < 2; r++)
                for (uint64_t b = lo[r]; b < hi[r]; b++)
                    probe_piece_set(t, f, b, size, c);
        }
    }
}

uint64_t smmu_tlb_invalidate(struct smmu_tlb *t, const struct smmu_tlb_inval *f, struct smmu_tlb_cost *cost)
{
    struct smmu_tlb_cost local = { 0, 0, 0 };
    struct smmu_tlb_cost *c = cost ? cost : &local;
    if (!f->by_addr) {
        scan(t, f, false, c);
        return c->removed;
    }
    uint64_t capacity = (uint64_t)t->nsets * t->assoc;
    unsigned g = f->page_log2 ? f->page_log2 : 12;
    uint64_t range_pages = (f->addr_last >> g) - (f->addr_first >> g) + 1;
    bool split = t->nsplit && (f->stages & SMMU_TLB_STAGE_BIT(SMMU_TLB_NESTED));
    /* Piece probes cost entries, so beyond one probe per set a scan is cheaper. */
    bool split_fits = !split || split_probe_count(t, f, t->nsets) <= t->nsets;
    if (range_pages <= capacity && probe_count(t, f->addr_first, f->addr_last, capacity) <= capacity &&
        split_fits) {
        probe(t, f, c);
        c->pages = range_pages;
        if (split)
            probe_split(t, f, c);
    } else {
        /* Cheaper to visit every entry; optionally drop the whole scope. */
        scan(t, f, f->over_invalidate, c);
    }
    return c->removed;
}

void smmu_tlb_foreach(const struct smmu_tlb *t, smmu_tlb_fn fn, void *opaque)
{
    size_t n = (size_t)t->nsets * t->assoc;
    for (size_t i = 0; i < n; i++)
        if (t->ways[i].valid)
            fn(&t->ways[i].e, opaque);
}

/* ---- image support ------------------------------------------------------ */

unsigned smmu_tlb_capacity(const struct smmu_tlb *t) { return t->nsets * t->assoc; }

void smmu_tlb_export(const struct smmu_tlb *t, struct smmu_tlb_way *ways, uint64_t *clock,
                     struct smmu_tlb_stats *stats)
{
    for (size_t i = 0; i < (size_t)t->nsets * t->assoc; i++)
        ways[i] = (struct smmu_tlb_way){ t->ways[i].e, t->ways[i].stamp, t->ways[i].valid };
    *clock = t->clock;
    *stats = t->stats;
}

static bool way_in_place(const struct smmu_tlb *t, size_t i, const struct smmu_tlb_entry *e)
{
    if (e->size_log2 > 63 || (e->va & ((1ULL << e->size_log2) - 1)))
        return false;
    return set_of(t, e->va, e->size_log2) == i / t->assoc;
}

bool smmu_tlb_import(struct smmu_tlb *t, const struct smmu_tlb_way *ways, uint64_t clock,
                     const struct smmu_tlb_stats *stats)
{
    size_t n = (size_t)t->nsets * t->assoc;
    for (size_t i = 0; i < n; i++)
        if (ways[i].valid && !way_in_place(t, i, &ways[i].e))
            return false;
    t->valid = 0;
    t->sizes = 0;
    t->nsplit = 0;
    t->split_sizes = t->split_spans = 0;
    for (size_t i = 0; i < n; i++) {
        t->ways[i] = (struct way){ ways[i].e, ways[i].stamp, ways[i].valid };
        if (!ways[i].valid)
            continue;
        t->valid++;
        t->sizes |= 1ULL << ways[i].e.size_log2;
        note_split(t, &ways[i].e);
    }
    t->clock = clock;
    t->stats = *stats;
    return true;
}
