/*
 * smmuv3-cfgcache.c — set-associative configuration cache with LRU
 * replacement; what each CFGI removes is described in smmuv3-cfgcache.h
 * (IHI 0070 G.b §4.3, smmuv3.md §2.3).
 */
#include <string.h>
#include <glib.h>
#include "models/smmuv3/smmuv3-cfgcache.h"
#include "sim/stats.h"

struct cway {
    struct smmu_cfg_entry e;
    uint64_t stamp;
    bool valid;
};

struct smmu_cfgcache {
    struct cway *ways;
    unsigned nsets, assoc, valid;
    uint64_t clock;
    struct smmu_cfg_stats stats;
};

struct smmu_cfgcache *smmu_cfg_new(unsigned entries, unsigned assoc)
{
    g_assert(assoc > 0 && entries >= assoc && entries % assoc == 0);
    struct smmu_cfgcache *c = g_new0(struct smmu_cfgcache, 1);
    c->ways = g_new0(struct cway, entries);
    c->nsets = entries / assoc;
    c->assoc = assoc;
    return c;
}

void smmu_cfg_free(struct smmu_cfgcache *c)
{
    if (!c)
        return;
    g_free(c->ways);
    g_free(c);
}

void smmu_cfg_flush(struct smmu_cfgcache *c)
{
    memset(c->ways, 0, sizeof(*c->ways) * c->nsets * c->assoc);
    c->valid = 0;
}

void smmu_cfg_register_stats(struct smmu_cfgcache *c, struct sim_stats *stats, const char *prefix)
{
    static const struct { const char *name; size_t off; } f[] = {
        { "lookups", offsetof(struct smmu_cfg_stats, lookups) },
        { "hits", offsetof(struct smmu_cfg_stats, hits) },
        { "inserts", offsetof(struct smmu_cfg_stats, inserts) },
        { "evictions", offsetof(struct smmu_cfg_stats, evictions) },
        { "invalidated", offsetof(struct smmu_cfg_stats, invalidated) },
    };
    for (size_t i = 0; i < SIM_ARRAY_SIZE(f); i++) {
        char *n = g_strdup_printf("%s.%s", prefix, f[i].name);
        sim_stats_add_counter(stats, n, (const uint64_t *)((const char *)&c->stats + f[i].off));
        g_free(n);
    }
}

const struct smmu_cfg_stats *smmu_cfg_stats(const struct smmu_cfgcache *c) { return &c->stats; }
unsigned smmu_cfg_count(const struct smmu_cfgcache *c) { return c->valid; }

static struct cway *set_for(struct smmu_cfgcache *c, unsigned kind, uint32_t sid, uint32_t ssid)
{
    uint64_t h = ((uint64_t)sid << 32 | ssid) * 0x9E3779B97F4A7C15ULL + kind * 0xC2B2AE3D27D4EB4FULL;
    h *= 0x9E3779B97F4A7C15ULL;
    return &c->ways[(size_t)((h >> 32) % c->nsets) * c->assoc];
}

static bool same_key(const struct smmu_cfg_entry *e, unsigned kind, uint32_t sid, uint32_t ssid)
{
    return e->kind == kind && e->sid == sid && e->ssid == ssid;
}

void smmu_cfg_insert(struct smmu_cfgcache *c, const struct smmu_cfg_entry *e)
{
    struct cway *w = set_for(c, e->kind, e->sid, e->ssid);
    struct cway *free_way = NULL, *lru = &w[0], *victim = NULL;
    for (unsigned i = 0; i < c->assoc && !victim; i++) {
        if (w[i].valid && same_key(&w[i].e, e->kind, e->sid, e->ssid))
            victim = &w[i];
        else if (!w[i].valid && !free_way)
            free_way = &w[i];
        else if (w[i].valid && (!lru->valid || w[i].stamp < lru->stamp))
            lru = &w[i];
    }
    if (!victim)
        victim = free_way ? free_way : lru;
    if (!victim->valid)
        c->valid++;
    else if (!same_key(&victim->e, e->kind, e->sid, e->ssid))
        c->stats.evictions++;
    victim->e = *e;
    victim->valid = true;
    victim->stamp = ++c->clock;
    c->stats.inserts++;
}

const struct smmu_cfg_entry *smmu_cfg_lookup(struct smmu_cfgcache *c, enum smmu_cfg_kind kind, uint32_t sid,
                                             uint32_t ssid)
{
    struct cway *w = set_for(c, kind, sid, ssid);
    c->stats.lookups++;
    for (unsigned i = 0; i < c->assoc; i++) {
        if (w[i].valid && same_key(&w[i].e, kind, sid, ssid)) {
            w[i].stamp = ++c->clock;
            c->stats.hits++;
            return &w[i].e;
        }
    }
    return NULL;
}

static uint32_t span_last(uint32_t first, unsigned span_log2)
{
    uint64_t last = (uint64_t)first + ((span_log2 >= 32 ? 0xFFFFFFFFull : (1ull << span_log2)) - 1);
    return last > UINT32_MAX ? UINT32_MAX : (uint32_t)last;
}

static bool selects(const struct smmu_cfg_inval *f, const struct smmu_cfg_entry *e)
{
    if (!(f->kinds & SMMU_CFG_KIND_BIT(e->kind)))
        return false;
    uint32_t sid_last = e->kind == SMMU_CFG_L1STD ? span_last(e->sid, e->span_log2) : e->sid;
    if (sid_last < f->sid_first || e->sid > f->sid_last)
        return false;
    if (!f->by_ssid)
        return true;
    /* A CD cached for traffic without a SubstreamID (key UINT32_MAX) is
     * CD 0 of the stream. */
    if (e->kind == SMMU_CFG_CD)
        return e->ssid == f->ssid || (f->ssid == 0 && e->ssid == UINT32_MAX);
    if (e->kind == SMMU_CFG_L1CD)
        return f->ssid >= e->ssid && f->ssid <= span_last(e->ssid, e->span_log2);
    return true;
}

uint64_t smmu_cfg_invalidate(struct smmu_cfgcache *c, const struct smmu_cfg_inval *f, uint64_t *examined)
{
    uint64_t removed = 0, seen = 0;
    size_t n = (size_t)c->nsets * c->assoc;
    for (size_t i = 0; i < n; i++) {
        if (!c->ways[i].valid)
            continue;
        seen++;
        if (selects(f, &c->ways[i].e)) {
            c->ways[i].valid = false;
            c->valid--;
            removed++;
        }
    }
    c->stats.invalidated += removed;
    if (examined)
        *examined = seen;
    return removed;
}

/* ---- image support ------------------------------------------------------ */

unsigned smmu_cfg_capacity(const struct smmu_cfgcache *c) { return c->nsets * c->assoc; }

void smmu_cfg_export(const struct smmu_cfgcache *c, struct smmu_cfg_way *ways, uint64_t *clock,
                     struct smmu_cfg_stats *stats)
{
    for (size_t i = 0; i < (size_t)c->nsets * c->assoc; i++)
        ways[i] = (struct smmu_cfg_way){ c->ways[i].e, c->ways[i].stamp, c->ways[i].valid };
    *clock = c->clock;
    *stats = c->stats;
}

bool smmu_cfg_import(struct smmu_cfgcache *c, const struct smmu_cfg_way *ways, uint64_t clock,
                     const struct smmu_cfg_stats *stats)
{
    size_t n = (size_t)c->nsets * c->assoc;
    for (size_t i = 0; i < n; i++) {
        const struct smmu_cfg_entry *e = &ways[i].e;
        if (ways[i].valid && (e->kind > SMMU_CFG_L1CD ||
                              set_for(c, e->kind, e->sid, e->ssid) != &c->ways[i - i % c->assoc]))
            return false;
    }
    c->valid = 0;
    for (size_t i = 0; i < n; i++) {
        c->ways[i] = (struct cway){ ways[i].e, ways[i].stamp, ways[i].valid };
        c->valid += ways[i].valid;
    }
    c->clock = clock;
    c->stats = *stats;
    return true;
}
