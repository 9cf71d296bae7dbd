/*
 * smmuv3-cfgcache.h — the configuration cache (STEs, CDs and the level-1
 * descriptors of two-level tables).
 *
 * Set-associative with LRU replacement (smmu.cfg_entries / smmu.cfg_assoc).
 * An entry caches the raw 64-byte structure as it was read from memory
 * (data[0..7]; level-1 descriptors use data[0]); decoding is the walker's
 * business.  Keys:
 *
 *   STE    sid
 *   CD     sid, ssid (UINT32_MAX for traffic without a SubstreamID; a
 *          CFGI_CD of SSID 0 removes it too, as it caches CD 0)
 *   L1STD  sid with its low `span_log2` bits clear; covers 2^span_log2 SIDs
 *          (span_log2 = STRTAB_BASE_CFG.SPLIT)
 *   L1CD   sid, ssid with its low `span_log2` bits clear; covers
 *          2^span_log2 SubstreamIDs of that stream
 *
 * CFGI commands remove entries as IHI 0070 G.b §4.3 requires (smmuv3.md
 * §2.3): CFGI_STE drops the STE and every CD/L1CD cached through the SID
 * (Leaf = 0: also the covering L1STD); CFGI_STE_RANGE drops all of that
 * for an aligned SID range (Range 31 = everything); CFGI_CD drops one CD
 * (Leaf = 0: also its L1CD); CFGI_CD_ALL drops every CD and L1CD of a SID.
 * Invalidation scans the array and reports the entries it examined, which
 * the engine charges as time.
 */
#ifndef SMMUV3_CFGCACHE_H
#define SMMUV3_CFGCACHE_H

#include "sim/sim-types.h"

struct sim_stats;

enum smmu_cfg_kind {
    SMMU_CFG_STE = 0,
    SMMU_CFG_CD = 1,
    SMMU_CFG_L1STD = 2,
    SMMU_CFG_L1CD = 3,
};
#define SMMU_CFG_KIND_BIT(k) (1u << (k))

struct smmu_cfg_entry {
    uint8_t kind;           /* enum smmu_cfg_kind */
    uint8_t span_log2;      /* level-1 descriptors only */
    uint32_t sid, ssid;
    uint64_t data[8];
};

/* What a CFGI selects: entries of `kinds` whose SIDs overlap
 * [sid_first, sid_last]; with by_ssid, only CDs / L1CDs covering `ssid`. */
struct smmu_cfg_inval {
    uint8_t kinds;
    uint32_t sid_first, sid_last;
    bool by_ssid;
    uint32_t ssid;
};

struct smmu_cfg_stats {
    uint64_t lookups, hits, inserts, evictions, invalidated;
};

struct smmu_cfgcache;

struct smmu_cfgcache *smmu_cfg_new(unsigned entries, unsigned assoc);
void smmu_cfg_free(struct smmu_cfgcache *c);
void smmu_cfg_flush(struct smmu_cfgcache *c);
void smmu_cfg_register_stats(struct smmu_cfgcache *c, struct sim_stats *stats, const char *prefix);
const struct smmu_cfg_stats *smmu_cfg_stats(const struct smmu_cfgcache *c);

void smmu_cfg_insert(struct smmu_cfgcache *c, const struct smmu_cfg_entry *e);
/* Exact-key lookup (for level-1 kinds pass the aligned key); NULL on miss.
 * The pointer is valid until the next insert or invalidate. */
const struct smmu_cfg_entry *smmu_cfg_lookup(struct smmu_cfgcache *c, enum smmu_cfg_kind kind, uint32_t sid,
                                             uint32_t ssid);
/* Returns the number removed; *examined gets the valid entries visited. */
uint64_t smmu_cfg_invalidate(struct smmu_cfgcache *c, const struct smmu_cfg_inval *f, uint64_t *examined);
unsigned smmu_cfg_count(const struct smmu_cfgcache *c);

/* Saving and restoring with a memory image (smmuv3-state.c): the ways in
 * array order with their LRU stamps, the LRU clock and the statistics. */
struct smmu_cfg_way {
    struct smmu_cfg_entry e;
    uint64_t stamp;
    bool valid;
};
unsigned smmu_cfg_capacity(const struct smmu_cfgcache *c);
void smmu_cfg_export(const struct smmu_cfgcache *c, struct smmu_cfg_way *ways, uint64_t *clock,
                     struct smmu_cfg_stats *stats);
/* False (and the cache unchanged) if a valid way is not in the set its key
 * hashes to, or has an unknown kind. */
bool smmu_cfg_import(struct smmu_cfgcache *c, const struct smmu_cfg_way *ways, uint64_t clock,
                     const struct smmu_cfg_stats *stats);

#endif /* SMMUV3_CFGCACHE_H */
