/*
 * smmuv3-utlb.c — TBU micro-TLB (see smmuv3-utlb.h): a fully associative
 * array searched linearly, which is what a 32-entry CAM costs in software.
 */
#include <glib.h>
#include "models/smmuv3/smmuv3-utlb.h"

struct slot {
    struct smmu_tlb_entry e;
    uint64_t stamp;         /* LRU: larger = more recent */
    bool valid;
};

struct smmu_utlb {
    struct slot *slots;
    unsigned n, valid;
    uint64_t clock;
    bool match_vmid;
};

struct smmu_utlb *smmu_utlb_new(unsigned entries, bool match_vmid)
{
    g_assert(entries > 0);
    struct smmu_utlb *u = g_new0(struct smmu_utlb, 1);
    u->slots = g_new0(struct slot, entries);
    u->n = entries;
    u->match_vmid = match_vmid;
    return u;
}

void smmu_utlb_free(struct smmu_utlb *u)
{
    if (!u)
        return;
    g_free(u->slots);
    g_free(u);
}

void smmu_utlb_flush(struct smmu_utlb *u)
{
    for (unsigned i = 0; i < u->n; i++)
        u->slots[i].valid = false;
    u->valid = 0;
}

unsigned smmu_utlb_count(const struct smmu_utlb *u) { return u->valid; }
unsigned smmu_utlb_capacity(const struct smmu_utlb *u) { return u->n; }

static bool covers(const struct smmu_tlb_entry *e, uint64_t va)
{
    return e->size_log2 >= 64 || ((va ^ e->va) >> e->size_log2) == 0;
}

const struct smmu_tlb_entry *smmu_utlb_lookup(struct smmu_utlb *u, uint32_t sid, bool ssv, uint32_t ssid,
                                              uint64_t va)
{
    uint32_t key = ssv ? ssid : SMMU_UTLB_NO_SSID;
    for (unsigned i = 0; i < u->n; i++) {
        struct slot *s = &u->slots[i];
        if (s->valid && s->e.sid == sid && s->e.ssid == key && covers(&s->e, va)) {
            s->stamp = ++u->clock;
            return &s->e;
        }
    }
    return NULL;
}

void smmu_utlb_insert(struct smmu_utlb *u, const struct smmu_tlb_entry *e)
{
    struct slot *victim = NULL;
    struct smmu_tlb_entry n = *e;
    if (n.size_log2 > 63)
        n.size_log2 = 63;
    n.va &= ~((1ULL << n.size_log2) - 1);
    for (unsigned i = 0; i < u->n; i++) {
        struct slot *s = &u->slots[i];
        if (s->valid && s->e.sid == n.sid && s->e.ssid == n.ssid && s->e.va == n.va &&
            s->e.size_log2 == n.size_log2) {
            victim = s;         /* same block: replace */
            break;
        }
        if (!victim || (victim->valid && (!s->valid || s->stamp < victim->stamp)))
            victim = s;
    }
    if (!victim->valid)
        u->valid++;
    victim->e = n;
    victim->valid = true;
    victim->stamp = ++u->clock;
}

static void drop(struct smmu_utlb *u, struct slot *s, uint64_t *removed)
{
    s->valid = false;
    u->valid--;
    (*removed)++;
}

uint64_t smmu_utlb_invalidate_tlbi(struct smmu_utlb *u, const struct smmu_tlb_inval *f)
{
    uint64_t removed = 0;
    for (unsigned i = 0; i < u->n; i++)
        if (u->slots[i].valid && u->slots[i].e.stage &&
            smmu_tlb_inval_selects(f, &u->slots[i].e, u->match_vmid, false))
            drop(u, &u->slots[i], &removed);
    return removed;
}

uint64_t smmu_utlb_invalidate_cfgi(struct smmu_utlb *u, const struct smmu_cfg_inval *f)
{
    uint64_t removed = 0;
    for (unsigned i = 0; i < u->n; i++) {
        const struct smmu_tlb_entry *e = &u->slots[i].e;
        if (!u->slots[i].valid || e->sid < f->sid_first || e->sid > f->sid_last)
            continue;
        /* A CFGI_CD names a CD: entries through other CDs of the stream
         * survive.  No-SSID traffic may use CD 0 (S1DSS = 2). */
        if (f->by_ssid && !(e->ssid == f->ssid || (f->ssid == 0 && e->ssid == SMMU_UTLB_NO_SSID)))
            continue;
        drop(u, &u->slots[i], &removed);
    }
    return removed;
}

uint64_t smmu_utlb_invalidate_range(struct smmu_utlb *u, uint32_t sid, bool by_ssid, uint32_t ssid, uint64_t first,
                                    uint64_t last)
{
    uint64_t removed = 0;
    for (unsigned i = 0; i < u->n; i++) {
        const struct smmu_tlb_entry *e = &u->slots[i].e;
        if (!u->slots[i].valid || e->sid != sid || (by_ssid && e->ssid != ssid))
            continue;
        uint64_t e_last = e->va + ((1ULL << e->size_log2) - 1);
        if (e->va <= last && e_last >= first)
            drop(u, &u->slots[i], &removed);
    }
    return removed;
}
