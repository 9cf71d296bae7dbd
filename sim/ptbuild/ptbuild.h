/*
 * ptbuild.h — builders of SMMU translation structures in simulated memory:
 * VMSAv8-64 stage-1/stage-2 tables, STEs and stream tables, CDs and CD
 * tables (layouts from models/smmuv3/smmuv3-xlate.h; smmuv3.md §3.1-3.3,
 * Arm ARM D8.3).
 *
 * Tables and structures are carved from a pool of simulated physical
 * memory (an "arena") by a bump allocator (zero-filled, aligned).  Two
 * families of functions:
 *   - the plain builders (ptb_alloc, ptb_tt_s1, ptb_map, ...) serve unit
 *     tests: a misuse (pool exhausted, a level the granule cannot map) is a
 *     broken test and aborts with g_error;
 *   - the checked builders (*_checked, ptb_tt_layout, ...) serve user input
 *     (the scenario language): every problem is a GError in PTB_ERROR
 *     naming the value at fault, and nothing is written on a refused call
 *     (except a ptb_tt_map_checked of several pages that runs out of arena
 *     part-way, which keeps the pages before the failure).
 *
 * Nested translation: a stage-1 table built with `table_offset` = k holds
 * next-level pointers PA - k, i.e. the tables are referenced by IPA and
 * the test maps IPA -> IPA + k in stage 2.  The same applies to CD tables.
 */
#ifndef PTBUILD_H
#define PTBUILD_H

#include <glib.h>
#include "sim/mem.h"
#include "models/smmuv3/smmuv3-xlate.h"

#define PTB_ERROR (ptb_error_quark())
GQuark ptb_error_quark(void);
enum ptb_error {
    PTB_ERROR_FULL,         /* the arena has no room left */
    PTB_ERROR_GEOMETRY,     /* granule, input size, start level, table size */
    PTB_ERROR_ALIGN,        /* an address not aligned to what it maps */
    PTB_ERROR_RANGE,        /* an address or index outside its table */
    PTB_ERROR_OVERLAP,      /* a mapping over an existing one */
    PTB_ERROR_UNMAPPED,     /* unmap of something not mapped as asked */
};

/* Largest single structure the checked builders place (a linear stream
 * table of 2^18 STEs), so a typo cannot claim the host's memory. */
#define PTB_MAX_STRUCT (16ull << 20)

struct ptb {
    struct sim_mem *mem;
    uint64_t next, end;
};

void ptb_init(struct ptb *b, struct sim_mem *mem, uint64_t pool_base, uint64_t pool_size);
/* Zeroed block of `size` bytes aligned to `align` (a power of two). */
uint64_t ptb_alloc(struct ptb *b, uint64_t size, uint64_t align);
/* The same, failing with PTB_ERROR_FULL (and `what` in the message)
 * instead of aborting; nothing is allocated on failure. */
gboolean ptb_alloc_checked(struct ptb *b, uint64_t size, uint64_t align, const char *what, uint64_t *pa,
                           GError **err);
/* Write n dwords little-endian at pa. */
void ptb_write(struct sim_mem *mem, uint64_t pa, const uint64_t *dw, unsigned n);

/* ---- translation tables ---- */

struct ptb_tt {
    struct ptb *b;
    bool s2;
    unsigned granule_shift; /* 12, 14, 16 */
    unsigned tsz;           /* TxSZ / S2T0SZ */
    unsigned sl0;           /* stage 2: S2SL0 */
    int start_level;
    unsigned start_bits;    /* index bits of the start level (with concatenation) */
    uint64_t root;          /* PA of the start table(s) */
    uint64_t table_offset;  /* pointers written as PA - table_offset */
    bool big_endian;
};

/* Stage 1 with TxSZ = tsz; start level from the input size. */
void ptb_tt_s1(struct ptb_tt *t, struct ptb *b, unsigned granule_shift, unsigned tsz);
/* Stage 2 with S2T0SZ/S2SL0; the start level from SL0 (4 KB: 2 - sl0,
 * 16/64 KB: 3 - sl0), concatenating start tables as the size requires. */
void ptb_tt_s2(struct ptb_tt *t, struct ptb *b, unsigned granule_shift, unsigned t0sz, unsigned sl0);
/*
 * Checked construction of a table, in two steps: the layout (granule_shift
 * 12/14/16, tsz = TxSZ / S2T0SZ in 16..39, sl0 = S2SL0 or -1 to choose the
 * deepest start level with at most 16 concatenated tables), then the root:
 * from the arena or at a given PA (aligned to the root's size; zeroed).
 */
gboolean ptb_tt_layout(struct ptb_tt *t, struct ptb *b, bool s2, unsigned granule_shift, unsigned tsz, int sl0,
                       GError **err);
uint64_t ptb_tt_root_size(const struct ptb_tt *t);
gboolean ptb_tt_root_alloc(struct ptb_tt *t, GError **err);
gboolean ptb_tt_root_at(struct ptb_tt *t, uint64_t pa, GError **err);
/* S2SL0 of a stage-2 table (from its start level). */
unsigned ptb_tt_sl0(const struct ptb_tt *t);
/* TG0 / S2TG encoding of the granule (0 4K, 1 64K, 2 16K). */
unsigned ptb_tg0_of(unsigned granule_shift);

/* The TTB value to program (root - table_offset). */
uint64_t ptb_tt_base(const struct ptb_tt *t);
/* log2 of the bytes a leaf at `level` maps. */
unsigned ptb_level_shift(const struct ptb_tt *t, int level);

/* PA of the descriptor that maps `va` at `level`, creating the tables
 * above it (table descriptors carry no attributes). */
uint64_t ptb_desc_pa(struct ptb_tt *t, uint64_t va, int level);
void ptb_set_desc(struct ptb_tt *t, uint64_t va, int level, uint64_t desc);
uint64_t ptb_get_desc(struct ptb_tt *t, uint64_t va, int level);
/* Map va -> pa with a block (level < 3) or page (level 3) descriptor;
 * `attrs` are the attribute bits (PTB_* below). */
void ptb_map(struct ptb_tt *t, uint64_t va, uint64_t pa, int level, uint64_t attrs);

/*
 * Checked mapping of [va, va + size) to pa.  A size that is a leaf size of
 * the granule at a level the table reaches (a page, or a block: 4K granule
 * levels 1-2, 16K and 64K level 2) is one descriptor; any other multiple
 * of the page size is that many pages.  Refused: sizes that are neither,
 * va or pa not aligned to the leaf, va beyond the input range, pa beyond
 * 48 bits, any part already mapped (by a leaf, or a table below a block),
 * and an arena that runs out.
 */
gboolean ptb_tt_map_checked(struct ptb_tt *t, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
                            GError **err);
/* Remove leaves: each descriptor in [va, va + size) must be a leaf of the
 * size that covers it and lie wholly inside the range.  Tables are kept. */
gboolean ptb_tt_unmap_checked(struct ptb_tt *t, uint64_t va, uint64_t size, GError **err);
/* The leaf that maps va: its level and descriptor; false if none (the
 * walk meets an invalid descriptor). */
bool ptb_tt_lookup(const struct ptb_tt *t, uint64_t va, int *level, uint64_t *desc);

#define PTB_AF (1ULL << 10)
#define PTB_NG (1ULL << 11)
#define PTB_DBM (1ULL << 51)
#define PTB_PXN (1ULL << 53)
#define PTB_UXN (1ULL << 54)            /* stage 2: XN */
#define PTB_AP(ap) ((uint64_t)(ap) << 6)    /* S1 AP[2:1] / S2 S2AP[1:0] */
#define PTB_S2_NORMAL (0xFULL << 2)     /* MemAttr: Normal write-back */
#define PTB_S2_DEVICE (0x1ULL << 2)     /* MemAttr: Device-nGnRE */
#define PTB_S1_RW_ALL (PTB_AF | PTB_AP(1))
#define PTB_S2_RW (PTB_AF | PTB_AP(3) | PTB_S2_NORMAL)
#define PTB_TABLE_APTABLE(v) ((uint64_t)(v) << 61)
#define PTB_TABLE_UXN (1ULL << 60)
#define PTB_TABLE_PXN (1ULL << 59)

/* ---- STEs and stream tables ---- */

/* A valid STE with Config (4 bypass, 5 S1, 6 S2, 7 nested). */
void ptb_ste_init(uint64_t ste[8], unsigned config);
void ptb_ste_set_s1(uint64_t ste[8], uint64_t ctx_ptr, unsigned s1cdmax, unsigned s1fmt, unsigned s1dss);
/* Stage 2 from a table: S2T0SZ, S2SL0, S2TG, S2TTB, S2AA64 = 1, S2R = 1. */
void ptb_ste_set_s2(uint64_t ste[8], const struct ptb_tt *s2, uint16_t vmid, unsigned s2ps);

struct ptb_strtab {
    struct ptb *b;
    uint64_t base_reg;      /* STRTAB_BASE value */
    uint32_t cfg_reg;       /* STRTAB_BASE_CFG value */
    uint64_t table;         /* PA: the linear table or the L1 table */
    unsigned log2size, split;
    bool two_level;
};
void ptb_strtab_linear(struct ptb_strtab *st, struct ptb *b, unsigned log2size);
void ptb_strtab_2lvl(struct ptb_strtab *st, struct ptb *b, unsigned log2size, unsigned split);
/* PA of the L1STD covering sid (2-level). */
uint64_t ptb_strtab_l1std_pa(const struct ptb_strtab *st, uint32_t sid);
/* Write the STE of sid; a 2-level table gets a full level-2 table
 * (Span = SPLIT + 1) on first use.  Returns the STE's PA. */
uint64_t ptb_strtab_put(struct ptb_strtab *st, uint32_t sid, const uint64_t ste[8]);
/* Checked: a linear or 2-level table (split 6, 8 or 10) of 2^log2size
 * STEs (log2size 0..32), at *base (aligned, zeroed) or from the arena. */
gboolean ptb_strtab_new_checked(struct ptb_strtab *st, struct ptb *b, bool two_level, unsigned log2size,
                                unsigned split, const uint64_t *base, GError **err);
/* Checked put: sid < 2^log2size; a level-2 table from the arena. */
gboolean ptb_strtab_put_checked(struct ptb_strtab *st, uint32_t sid, const uint64_t ste[8], uint64_t *pa,
                                GError **err);

/* ---- CDs and CD tables ---- */

/* A valid CD: AA64, A = R = 1, TTB0 from tt0 (T0SZ, TG0), EPD1 = 1. */
void ptb_cd_init(uint64_t cd[8], const struct ptb_tt *tt0, uint16_t asid, unsigned ips);
/* Enable TTB1 from tt1 (T1SZ, TG1, EPD1 = 0). */
void ptb_cd_set_tt1(uint64_t cd[8], const struct ptb_tt *tt1);

struct ptb_cdtab {
    struct ptb *b;
    uint64_t table;         /* PA of the linear or L1 table */
    uint64_t offset;        /* pointers written as PA - offset (nested) */
    unsigned fmt;           /* S1Fmt */
    unsigned cdmax;         /* S1CDMax */
};
void ptb_cdtab_new(struct ptb_cdtab *ct, struct ptb *b, unsigned fmt, unsigned cdmax, uint64_t offset);
/* S1ContextPtr to program. */
uint64_t ptb_cdtab_ptr(const struct ptb_cdtab *ct);
/* Write CD ssid (a 2-level table gets its leaf on first use); returns its PA. */
uint64_t ptb_cdtab_put(struct ptb_cdtab *ct, uint32_t ssid, const uint64_t cd[8]);
uint64_t ptb_cdtab_l1cd_pa(const struct ptb_cdtab *ct, uint32_t ssid);

/* Decode a 32-byte event record back into its fields (for assertions). */
struct ptb_event {
    uint8_t type;
    bool ssv;
    uint32_t ssid, sid;
    uint16_t stag;
    bool stall, pnu, ind, rnw, s2, ttrnw;
    uint8_t cls;
    uint64_t input_addr;
    uint64_t dword3;
};
void ptb_event_decode(const uint64_t rec[4], struct ptb_event *e);

#endif /* PTBUILD_H */
