/*
 * smmuv3-tlb.h — the SMMU's translation cache (TLB and walk cache in one).
 *
 * A set-associative array with LRU replacement (size and associativity from
 * smmu.tlb_entries / smmu.tlb_assoc).  Each entry caches one translation
 * (leaf) or one table pointer (non-leaf, a walk-cache entry) and carries
 * every tag an invalidation may select on, so that each TLBI removes
 * exactly the entries IHI 0070 G.b §4.4 requires (smmuv3.md §2.3):
 *
 *   stage     S1-only, S2-only or nested (combined S1+S2)
 *   el2       EL2 (StreamWorld EL2/E2H) regime instead of NS-EL1
 *   asid      stage-1 ASID; `global` marks nG = 0 entries (any ASID)
 *   vmid      compared only when the part implements stage 2
 *   va        input address (the VA, or the IPA for a stage-2-only entry)
 *             of the first byte the entry maps, aligned to 2^size_log2
 *   level     lookup level 0..3 the descriptor came from; `leaf` says
 *             whether it is a final translation
 *   s1_size_log2  nested entries only: the size of the stage-1 leaf the
 *             entry was derived from.  When stage 2 maps less than that
 *             leaf, the entry (`va`, `size_log2`) is only the piece around
 *             the translated address, yet a stage-1 TLBI by address must
 *             remove every piece of the stage-1 mapping it names
 *             (smmuv3.md §2.3): invalidation matches the stage-1 range,
 *             lookup the piece.
 *
 * Contract for the translation walker that fills it:
 *   - insert after a successful walk step; an entry with identical tags
 *     replaces the old one; a full set evicts its least recently used way;
 *   - lookup returns a pointer valid until the next insert or invalidate;
 *   - all calls are O(associativity) except invalidations, whose cost the
 *     caller gets back in `struct smmu_tlb_cost` to charge as time.
 * The StreamID/SubstreamID are kept for diagnostics only: TLB entries are
 * shared by every stream with the same ASID/VMID, as in the architecture.
 */
#ifndef SMMUV3_TLB_H
#define SMMUV3_TLB_H

#include "sim/sim-types.h"

struct sim_stats;

enum smmu_tlb_stage {
    SMMU_TLB_S1 = 1,        /* stage 1 only (STE.Config = 0b101) */
    SMMU_TLB_S2 = 2,        /* stage 2 only (0b110) */
    SMMU_TLB_NESTED = 3,    /* combined S1+S2 (0b111) */
};
#define SMMU_TLB_STAGE_BIT(s) (1u << (s))
#define SMMU_TLB_STAGE1_INFO (SMMU_TLB_STAGE_BIT(SMMU_TLB_S1) | SMMU_TLB_STAGE_BIT(SMMU_TLB_NESTED))
#define SMMU_TLB_ALL_STAGES (SMMU_TLB_STAGE1_INFO | SMMU_TLB_STAGE_BIT(SMMU_TLB_S2))

struct smmu_tlb_entry {
    uint64_t va;            /* input address, aligned to 2^size_log2 */
    uint64_t pa;            /* output address of va */
    uint32_t sid, ssid;     /* the stream that filled it (diagnostics) */
    uint16_t asid, vmid;
    uint8_t stage;          /* enum smmu_tlb_stage */
    uint8_t granule_log2;   /* 12, 14 or 16 */
    uint8_t level;          /* 0..3 */
    uint8_t size_log2;      /* bytes mapped: 12 .. 63 */
    uint8_t perm;           /* opaque to the TLB (walker's R/W/X bits) */
    bool global;            /* nG = 0 */
    bool leaf;
    bool el2;
    /* Nested: log2 bytes of the stage-1 leaf (>= size_log2); the stage-1
     * range is va aligned down to it.  0 = not known: taken as the largest
     * leaf of `level` (64 KiB granule), an over-invalidation the
     * architecture permits.  Ignored for other stages. */
    uint8_t s1_size_log2;
};

struct smmu_tlb_key {
    uint64_t va;
    uint16_t asid, vmid;
    uint8_t stage;
    bool el2;
    bool leaf;              /* true: a translation; false: a table pointer */
    uint8_t level;          /* for non-leaf lookups: the level wanted */
};

/* What an invalidation selects (built by the command engine). */
enum smmu_tlbi_asid_match {
    SMMU_TLBI_ANY_ASID,         /* every ASID, global or not */
    SMMU_TLBI_ASID_NONGLOBAL,   /* entries of `asid` with nG = 1 only */
    SMMU_TLBI_ASID_OR_GLOBAL,   /* entries of `asid`, and global entries */
};

struct smmu_tlb_inval {
    uint8_t stages;         /* mask of SMMU_TLB_STAGE_BIT() */
    bool el2;               /* regime */
    uint8_t asid_match;     /* enum smmu_tlbi_asid_match */
    uint16_t asid;
    bool by_vmid;
    uint16_t vmid;
    bool by_addr;
    uint64_t addr_first, addr_last; /* inclusive input-address range */
    uint8_t page_log2;      /* granule the range is counted in (0 = 4 KiB) */
    bool leaf_only;         /* Leaf = 1: table pointers survive */
    uint8_t ttl;            /* 1..3: leaf entries of other levels survive; 0 = any */
    bool over_invalidate;   /* a large address range may drop the whole scope */
};

/* Work an invalidation did: pages of the range walked by lookup, or valid
 * entries visited by a scan when that is cheaper (more pages than entries).
 * A stage-1 invalidation by address while split nested entries are cached
 * also probes the sets that can hold the other pieces of the stage-1
 * blocks it names, and counts the valid entries those probes examine. */
struct smmu_tlb_cost {
    uint64_t pages;
    uint64_t entries;       /* valid entries examined by a scan or a piece probe */
    uint64_t removed;
};

struct smmu_tlb_stats {
    uint64_t lookups, hits, inserts, evictions, invalidated;
};

struct smmu_tlb;

/* entries must be a non-zero multiple of assoc. */
struct smmu_tlb *smmu_tlb_new(unsigned entries, unsigned assoc, bool match_vmid);
void smmu_tlb_free(struct smmu_tlb *t);
void smmu_tlb_flush(struct smmu_tlb *t);
void smmu_tlb_register_stats(struct smmu_tlb *t, struct sim_stats *stats, const char *prefix);
const struct smmu_tlb_stats *smmu_tlb_stats(const struct smmu_tlb *t);

void smmu_tlb_insert(struct smmu_tlb *t, const struct smmu_tlb_entry *e);
const struct smmu_tlb_entry *smmu_tlb_lookup(struct smmu_tlb *t, const struct smmu_tlb_key *k);
/* Remove what `f` selects; returns the number of entries removed. */
uint64_t smmu_tlb_invalidate(struct smmu_tlb *t, const struct smmu_tlb_inval *f, struct smmu_tlb_cost *cost);
/* Whether invalidation `f` selects entry `e` (the rule every cache that
 * holds TLB-tagged entries applies: main TLB, walk caches, micro-TLBs).
 * match_vmid: the part implements stage 2; ignore_addr: treat a by-address
 * invalidation as covering every address (legal over-invalidation). */
bool smmu_tlb_inval_selects(const struct smmu_tlb_inval *f, const struct smmu_tlb_entry *e, bool match_vmid,
                            bool ignore_addr);
/* log2 of the input range a by-address invalidation matches `e` against:
 * the stage-1 leaf's for a nested entry, else the entry's own size. */
unsigned smmu_tlb_inval_span_log2(const struct smmu_tlb_entry *e);
/* Valid entries (for tests and statistics). */
unsigned smmu_tlb_count(const struct smmu_tlb *t);
/* Visit every valid entry. */
typedef void (*smmu_tlb_fn)(const struct smmu_tlb_entry *e, void *opaque);
void smmu_tlb_foreach(const struct smmu_tlb *t, smmu_tlb_fn fn, void *opaque);

/* Saving and restoring with a memory image (smmuv3-state.c): every way in
 * array order with its LRU stamp, plus the LRU clock and the statistics, so
 * a restored cache hits and evicts exactly as the saved one would have. */
struct smmu_tlb_way {
    struct smmu_tlb_entry e;
    uint64_t stamp;
    bool valid;
};
unsigned smmu_tlb_capacity(const struct smmu_tlb *t);
void smmu_tlb_export(const struct smmu_tlb *t, struct smmu_tlb_way *ways, uint64_t *clock,
                     struct smmu_tlb_stats *stats);
/* False (and the cache unchanged) if a valid way is not where an insert
 * would have put it: bad size, unaligned address or wrong set. */
bool smmu_tlb_import(struct smmu_tlb *t, const struct smmu_tlb_way *ways, uint64_t clock,
                     const struct smmu_tlb_stats *stats);

#endif /* SMMUV3_TLB_H */
