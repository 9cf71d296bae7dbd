/*
 * ptbuild.c — builders of translation tables, STEs, CDs and their tables
 * in simulated memory (ptbuild.h).  Descriptor formats are the VMSAv8-64
 * ones of the Arm ARM (D8.3) as the SMMU walks them (smmuv3.md §3.4);
 * STE / CD / L1STD / L1CD layouts are the field tables of smmuv3-xlate.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "sim/ptbuild/ptbuild.h"

G_DEFINE_QUARK(ptb-error-quark, ptb_error)

/* Output addresses the builders write: 48 bits (docs/translation.md:
 * 52-bit descriptor formats are not modelled). */
#define PTB_PA_BITS 48

static void fail(GError **err, enum ptb_error code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void fail(GError **err, enum ptb_error code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(err, PTB_ERROR, code, msg);
    g_free(msg);
}

/* "4K", "2M", "1G" or the byte count, for messages. */
static const char *size_text(uint64_t size, char buf[32])
{
    static const char units[] = "KMGT";
    for (int u = 3; u >= 0; u--) {
        uint64_t unit = 1ull << (10 * (u + 1));
        if (size >= unit && size % unit == 0) {
            snprintf(buf, 32, "%" PRIu64 "%c", size / unit, units[u]);
            return buf;
        }
    }
    snprintf(buf, 32, "%" PRIu64, size);
    return buf;
}

void ptb_init(struct ptb *b, struct sim_mem *mem, uint64_t pool_base, uint64_t pool_size)
{
    b->mem = mem;
    b->next = pool_base;
    b->end = pool_base + pool_size;
}

gboolean ptb_alloc_checked(struct ptb *b, uint64_t size, uint64_t align, const char *what, uint64_t *pa,
                           GError **err)
{
    uint64_t at = (b->next + align - 1) & ~(align - 1);
    char sz[32];
    if (at < b->next || at + size < at || at + size > b->end) {
        fail(err, PTB_ERROR_FULL, "the arena is full: %s needs %s bytes aligned to 0x%" PRIx64
             " and 0x%" PRIx64 " of 0x%" PRIx64 " bytes are left", what, size_text(size, sz), align,
             b->end > b->next ? b->end - b->next : 0, b->end);
        return FALSE;
    }
    if (sim_mem_fill(b->mem, at, 0, (size_t)size) != SIM_MEM_OK) {
        fail(err, PTB_ERROR_RANGE, "cannot zero %s at 0x%" PRIx64 ": the memory write aborted", what, at);
        return FALSE;
    }
    b->next = at + size;
    *pa = at;
    return TRUE;
}

uint64_t ptb_alloc(struct ptb *b, uint64_t size, uint64_t align)
{
    GError *e = NULL;
    uint64_t at = 0;
    if (!ptb_alloc_checked(b, size, align, "a table", &at, &e))
        g_error("ptbuild: %s", e->message);
    return at;
}

void ptb_write(struct sim_mem *mem, uint64_t pa, const uint64_t *dw, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        sim_mem_write64(mem, pa + 8ull * i, dw[i]);
}

/* ---- translation tables ---- */

unsigned ptb_level_shift(const struct ptb_tt *t, int level)
{
    return t->granule_shift + (unsigned)(3 - level) * (t->granule_shift - 3);
}

uint64_t ptb_tt_root_size(const struct ptb_tt *t)
{
    return 8ull << t->start_bits;
}

static uint64_t root_align(const struct ptb_tt *t)
{
    uint64_t size = ptb_tt_root_size(t);
    return size < 64 ? 64 : size;
}

gboolean ptb_tt_root_alloc(struct ptb_tt *t, GError **err)
{
    return ptb_alloc_checked(t->b, ptb_tt_root_size(t), root_align(t), "the root table", &t->root, err);
}

gboolean ptb_tt_root_at(struct ptb_tt *t, uint64_t pa, GError **err)
{
    uint64_t size = ptb_tt_root_size(t);
    if (pa & (root_align(t) - 1)) {
        fail(err, PTB_ERROR_ALIGN, "root 0x%" PRIx64 " is not aligned to the root table's size (0x%" PRIx64 ")",
             pa, root_align(t));
        return FALSE;
    }
    if (pa + size < pa || pa + size > (1ull << PTB_PA_BITS)) {
        fail(err, PTB_ERROR_RANGE, "root 0x%" PRIx64 " is beyond the %u-bit physical address space", pa,
             PTB_PA_BITS);
        return FALSE;
    }
    if (sim_mem_fill(t->b->mem, pa, 0, (size_t)size) != SIM_MEM_OK) {
        fail(err, PTB_ERROR_RANGE, "cannot zero the root table at 0x%" PRIx64 ": the memory write aborted", pa);
        return FALSE;
    }
    t->root = pa;
    return TRUE;
}

/* Input bits resolved below the start level's index. */
static unsigned below_start(const struct ptb_tt *t)
{
    return ptb_level_shift(t, t->start_level);
}

/* A stage-2 start level is usable when the input needs 1..stride+4 index
 * bits there (at most 16 concatenated tables; docs/translation.md). */
static bool s2_start_fits(const struct ptb_tt *t, unsigned ia)
{
    unsigned below = below_start(t);
    return ia > below && ia <= below + t->granule_shift - 3 + 4;
}

unsigned ptb_tt_sl0(const struct ptb_tt *t)
{
    return (unsigned)((t->granule_shift == 12 ? 2 : 3) - t->start_level);
}

static gboolean tt_layout_s2(struct ptb_tt *t, unsigned ia, int sl0, GError **err)
{
    int top = t->granule_shift == 12 ? 2 : 3;
    if (sl0 >= 0) {
        if (sl0 > 2) {
            fail(err, PTB_ERROR_GEOMETRY, "S2SL0 %d is out of range 0..2", sl0);
            return FALSE;
        }
        t->start_level = top - sl0;
        if (!s2_start_fits(t, ia)) {
            fail(err, PTB_ERROR_GEOMETRY, "S2SL0 %d (start level %d) cannot translate a %u-bit input with "
                 "this granule (at most 16 concatenated tables)", sl0, t->start_level, ia);
            return FALSE;
        }
    } else {
        for (t->start_level = top; t->start_level >= top - 2; t->start_level--)
            if (s2_start_fits(t, ia))
                break;
        if (t->start_level < top - 2) {
            fail(err, PTB_ERROR_GEOMETRY, "no stage-2 start level translates a %u-bit input", ia);
            return FALSE;
        }
    }
    t->sl0 = ptb_tt_sl0(t);
    t->start_bits = ia - below_start(t);
    return TRUE;
}

/* `strict` applies the user-input limits (TxSZ 16..39); tests may build
 * tables of any size the walker can be asked about. */
static gboolean tt_layout(struct ptb_tt *t, struct ptb *b, bool s2, unsigned granule_shift, unsigned tsz, int sl0,
                          bool strict, GError **err)
{
    memset(t, 0, sizeof(*t));
    t->b = b;
    t->s2 = s2;
    t->granule_shift = granule_shift;
    t->tsz = tsz;
    if (granule_shift != 12 && granule_shift != 14 && granule_shift != 16) {
        fail(err, PTB_ERROR_GEOMETRY, "granule must be 4K, 16K or 64K");
        return FALSE;
    }
    if (strict ? (tsz < 16 || tsz > 39) : (tsz < 8 || 64 - tsz <= granule_shift)) {
        fail(err, PTB_ERROR_GEOMETRY, "input size %u bits is out of range 25..48 (TxSZ %u not in 16..39)",
             64 - tsz, tsz);
        return FALSE;
    }
    unsigned stride = granule_shift - 3, ia = 64 - tsz;
    if (s2)
        return tt_layout_s2(t, ia, sl0, err);
    unsigned levels = (ia - granule_shift + stride - 1) / stride;
    t->start_level = 4 - (int)levels;
    t->start_bits = ia - granule_shift - (levels - 1) * stride;
    return TRUE;
}

gboolean ptb_tt_layout(struct ptb_tt *t, struct ptb *b, bool s2, unsigned granule_shift, unsigned tsz, int sl0,
                       GError **err)
{
    return tt_layout(t, b, s2, granule_shift, tsz, sl0, true, err);
}

void ptb_tt_s1(struct ptb_tt *t, struct ptb *b, unsigned granule_shift, unsigned tsz)
{
    GError *e = NULL;
    if (!tt_layout(t, b, false, granule_shift, tsz, -1, false, &e) || !ptb_tt_root_alloc(t, &e))
        g_error("ptbuild: %s", e->message);
}

void ptb_tt_s2(struct ptb_tt *t, struct ptb *b, unsigned granule_shift, unsigned t0sz, unsigned sl0)
{
    GError *e = NULL;
    if (!tt_layout(t, b, true, granule_shift, t0sz, (int)sl0, false, &e) || !ptb_tt_root_alloc(t, &e))
        g_error("ptbuild: %s", e->message);
}

uint64_t ptb_tt_base(const struct ptb_tt *t)
{
    return t->root - t->table_offset;
}

static uint64_t tt_index(const struct ptb_tt *t, uint64_t va, int level)
{
    unsigned bits = level == t->start_level ? t->start_bits : t->granule_shift - 3;
    return (va >> ptb_level_shift(t, level)) & ((1ull << bits) - 1);
}

static uint64_t desc_load(const struct ptb_tt *t, uint64_t pa)
{
    uint64_t d = 0;
    sim_mem_read64(t->b->mem, pa, &d);
    return t->big_endian ? GUINT64_SWAP_LE_BE(d) : d;
}

static void desc_store(const struct ptb_tt *t, uint64_t pa, uint64_t d)
{
    sim_mem_write64(t->b->mem, pa, t->big_endian ? GUINT64_SWAP_LE_BE(d) : d);
}

uint64_t ptb_desc_pa(struct ptb_tt *t, uint64_t va, int level)
{
    if (level < t->start_level || level > 3)
        g_error("ptbuild: level %d outside %d..3", level, t->start_level);
    uint64_t table = t->root;
    for (int l = t->start_level; l < level; l++) {
        uint64_t pa = table + tt_index(t, va, l) * 8;
        uint64_t d = desc_load(t, pa);
        if ((d & 3) != 3) {
            uint64_t gsize = 1ull << t->granule_shift;
            uint64_t next = ptb_alloc(t->b, gsize, gsize);
            d = ((next - t->table_offset) & SMMU_DESC_OA_MASK) | 3;
            desc_store(t, pa, d);
        }
        table = (d & SMMU_DESC_OA_MASK & ~((1ull << t->granule_shift) - 1)) + t->table_offset;
    }
    return table + tt_index(t, va, level) * 8;
}

void ptb_set_desc(struct ptb_tt *t, uint64_t va, int level, uint64_t desc)
{
    desc_store(t, ptb_desc_pa(t, va, level), desc);
}

uint64_t ptb_get_desc(struct ptb_tt *t, uint64_t va, int level)
{
    return desc_load(t, ptb_desc_pa(t, va, level));
}

void ptb_map(struct ptb_tt *t, uint64_t va, uint64_t pa, int level, uint64_t attrs)
{
    uint64_t mask = ~((1ull << ptb_level_shift(t, level)) - 1);
    uint64_t type = level == 3 ? 3 : 1;
    ptb_set_desc(t, va, level, (pa & mask & SMMU_DESC_OA_MASK) | attrs | type);
}

/* ---- checked mapping ---- */

static uint64_t next_table(const struct ptb_tt *t, uint64_t d)
{
    return (d & SMMU_DESC_OA_MASK & ~((1ull << t->granule_shift) - 1)) + t->table_offset;
}

/* Walk towards `level` without allocating: stops at `level`, or above it at
 * the first descriptor that is not a table.  Returns the level reached. */
static int tt_walk(const struct ptb_tt *t, uint64_t va, int level, uint64_t *desc, uint64_t *desc_pa)
{
    uint64_t table = t->root;
    for (int l = t->start_level;; l++) {
        uint64_t pa = table + tt_index(t, va, l) * 8;
        uint64_t d = desc_load(t, pa);
        *desc = d;
        *desc_pa = pa;
        if (l == level || l == 3 || (d & 3) != 3)
            return l;
        table = next_table(t, d);
    }
}

bool ptb_tt_lookup(const struct ptb_tt *t, uint64_t va, int *level, uint64_t *desc)
{
    uint64_t pa;
    int l = tt_walk(t, va, 3, desc, &pa);
    *level = l;
    return l == 3 ? (*desc & 3) == 3 : (*desc & 3) == 1;
}

/* Leaves the builder writes: pages, and the blocks of the Arm ARM for a
 * 48-bit output (4K: levels 1-2; 16K, 64K: level 2). */
static bool leaf_level_allowed(const struct ptb_tt *t, int level)
{
    if (level < t->start_level || level > 3)
        return false;
    return level >= (t->granule_shift == 12 ? 1 : 2);
}

/* Table descriptors down to `level` for va, allocating from the arena. */
static gboolean desc_pa_checked(struct ptb_tt *t, uint64_t va, int level, uint64_t *out, GError **err)
{
    uint64_t table = t->root;
    for (int l = t->start_level; l < level; l++) {
        uint64_t pa = table + tt_index(t, va, l) * 8;
        uint64_t d = desc_load(t, pa);
        if ((d & 3) != 3) {
            uint64_t gsize = 1ull << t->granule_shift, next;
            char what[32];
            snprintf(what, sizeof what, "a level-%d table", l + 1);
            if (!ptb_alloc_checked(t->b, gsize, gsize, what, &next, err))
                return FALSE;
            d = ((next - t->table_offset) & SMMU_DESC_OA_MASK) | 3;
            desc_store(t, pa, d);
        }
        table = next_table(t, d);
    }
    *out = table + tt_index(t, va, level) * 8;
    return TRUE;
}

/* Whether va can take a new leaf at `level`. */
static gboolean leaf_free(const struct ptb_tt *t, uint64_t va, int level, GError **err)
{
    uint64_t d, pa;
    char sz[32];
    int l = tt_walk(t, va, level, &d, &pa);
    if (!(d & 1))
        return TRUE;
    if (l < level || (l < 3 && (d & 3) == 1) || l == 3) {
        fail(err, PTB_ERROR_OVERLAP, "0x%" PRIx64 " is already mapped (by a %s %s at level %d)", va,
             size_text(1ull << ptb_level_shift(t, l), sz), l == 3 ? "page" : "block", l);
        return FALSE;
    }
    fail(err, PTB_ERROR_OVERLAP, "0x%" PRIx64 " is already mapped by smaller pages or blocks (its level-%d "
         "descriptor points to a table)", va, l);
    return FALSE;
}

/* The leaf level of a mapping of `size` bytes, and how many leaves. */
static gboolean map_shape(const struct ptb_tt *t, uint64_t size, int *level, uint64_t *count, GError **err)
{
    for (int l = 1; l <= 3; l++)
        if (size == 1ull << ptb_level_shift(t, l) && leaf_level_allowed(t, l)) {
            *level = l;
            *count = 1;
            return TRUE;
        }
    uint64_t page = 1ull << t->granule_shift;
    char g[32];
    if (!size || size % page) {
        fail(err, PTB_ERROR_ALIGN, "size 0x%" PRIx64 " is not a multiple of the %s page", size,
             size_text(page, g));
        return FALSE;
    }
    *level = 3;
    *count = size / page;
    return TRUE;
}

static gboolean range_ok(const struct ptb_tt *t, uint64_t va, uint64_t size, GError **err)
{
    unsigned ia = 64 - t->tsz;
    if (va + size < va || va + size > (1ull << ia)) {
        fail(err, PTB_ERROR_RANGE, "[0x%" PRIx64 ", +0x%" PRIx64 ") is beyond the table's %u-bit input range", va,
             size, ia);
        return FALSE;
    }
    return TRUE;
}

gboolean ptb_tt_map_checked(struct ptb_tt *t, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
                            GError **err)
{
    int level;
    uint64_t count;
    if (!map_shape(t, size, &level, &count, err) || !range_ok(t, va, size, err))
        return FALSE;
    uint64_t leaf = 1ull << ptb_level_shift(t, level);
    char sz[32];
    if ((va | pa) & (leaf - 1)) {
        fail(err, PTB_ERROR_ALIGN, "%s 0x%" PRIx64 " is not aligned to the %s %s", va & (leaf - 1) ? "va" : "pa",
             va & (leaf - 1) ? va : pa, size_text(leaf, sz), level == 3 ? "page" : "block");
        return FALSE;
    }
    if (pa + size < pa || pa + size > (1ull << PTB_PA_BITS)) {
        fail(err, PTB_ERROR_RANGE, "pa 0x%" PRIx64 " + 0x%" PRIx64 " is beyond the %u-bit output range", pa, size,
             PTB_PA_BITS);
        return FALSE;
    }
    for (uint64_t i = 0; i < count; i++)
        if (!leaf_free(t, va + i * leaf, level, err))
            return FALSE;
    uint64_t type = level == 3 ? 3 : 1;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t dpa;
        if (!desc_pa_checked(t, va + i * leaf, level, &dpa, err))
            return FALSE;
        desc_store(t, dpa, ((pa + i * leaf) & SMMU_DESC_OA_MASK) | attrs | type);
    }
    return TRUE;
}

/* Each leaf met in [va, va + size) lies inside it; `clear` removes them. */
static gboolean unmap_pass(struct ptb_tt *t, uint64_t va, uint64_t size, bool clear, GError **err)
{
    char sz[32];
    for (uint64_t at = va; at - va < size;) {
        uint64_t d, pa;
        int l = tt_walk(t, at, 3, &d, &pa);
        if (!(l == 3 ? (d & 3) == 3 : (d & 3) == 1)) {
            fail(err, PTB_ERROR_UNMAPPED, "0x%" PRIx64 " is not mapped", at);
            return FALSE;
        }
        uint64_t leaf = 1ull << ptb_level_shift(t, l), base = at & ~(leaf - 1);
        if (base < va || base + leaf - va > size) {
            fail(err, PTB_ERROR_UNMAPPED, "0x%" PRIx64 " is mapped by a %s %s at 0x%" PRIx64
                 " that reaches outside the range", at, size_text(leaf, sz), l == 3 ? "page" : "block", base);
            return FALSE;
        }
        if (clear)
            desc_store(t, pa, 0);
        at = base + leaf;
        if (!at)
            break;
    }
    return TRUE;
}

gboolean ptb_tt_unmap_checked(struct ptb_tt *t, uint64_t va, uint64_t size, GError **err)
{
    char g[32];
    uint64_t page = 1ull << t->granule_shift;
    if (!size || (size | va) & (page - 1)) {
        fail(err, PTB_ERROR_ALIGN, "unmap of [0x%" PRIx64 ", +0x%" PRIx64 ") is not aligned to the %s page", va,
             size, size_text(page, g));
        return FALSE;
    }
    return range_ok(t, va, size, err) && unmap_pass(t, va, size, false, err) && unmap_pass(t, va, size, true, err);
}

/* ---- STEs and stream tables ---- */

void ptb_ste_init(uint64_t ste[8], unsigned config)
{
    memset(ste, 0, 64);
    ste[0] = SIM_FIELD_DP64(ste[0], STE0, V, 1);
    ste[0] = SIM_FIELD_DP64(ste[0], STE0, CONFIG, config);
}

void ptb_ste_set_s1(uint64_t ste[8], uint64_t ctx_ptr, unsigned s1cdmax, unsigned s1fmt, unsigned s1dss)
{
    ste[0] = SIM_FIELD_DP64(ste[0], STE0, S1CTXPTR, ctx_ptr >> 6);
    ste[0] = SIM_FIELD_DP64(ste[0], STE0, S1CDMAX, s1cdmax);
    ste[0] = SIM_FIELD_DP64(ste[0], STE0, S1FMT, s1fmt);
    ste[1] = SIM_FIELD_DP64(ste[1], STE1, S1DSS, s1dss);
}

static unsigned s2tg_of(unsigned granule_shift)
{
    return granule_shift == 12 ? 0 : granule_shift == 16 ? 1 : 2;
}

void ptb_ste_set_s2(uint64_t ste[8], const struct ptb_tt *s2, uint16_t vmid, unsigned s2ps)
{
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2VMID, vmid);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2T0SZ, s2->tsz);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2SL0, s2->sl0);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2TG, s2tg_of(s2->granule_shift));
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2PS, s2ps);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2AA64, 1);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2ENDI, s2->big_endian);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2R, 1);
    ste[3] = SIM_FIELD_DP64(ste[3], STE3, S2TTB, ptb_tt_base(s2) >> 4);
}

void ptb_strtab_linear(struct ptb_strtab *st, struct ptb *b, unsigned log2size)
{
    uint64_t size = 64ull << log2size;
    memset(st, 0, sizeof(*st));
    st->b = b;
    st->log2size = log2size;
    st->table = ptb_alloc(b, size, size);
    st->base_reg = st->table;
    st->cfg_reg = log2size;
}

void ptb_strtab_2lvl(struct ptb_strtab *st, struct ptb *b, unsigned log2size, unsigned split)
{
    unsigned l1_log2 = log2size > split ? log2size - split : 0;
    uint64_t size = 8ull << l1_log2;
    memset(st, 0, sizeof(*st));
    st->b = b;
    st->log2size = log2size;
    st->split = split;
    st->two_level = true;
    st->table = ptb_alloc(b, size, size < 64 ? 64 : size);
    st->base_reg = st->table;
    st->cfg_reg = (1u << 16) | (split << 6) | log2size;
}

uint64_t ptb_strtab_l1std_pa(const struct ptb_strtab *st, uint32_t sid)
{
    return st->table + (uint64_t)(sid >> st->split) * 8;
}

uint64_t ptb_strtab_put(struct ptb_strtab *st, uint32_t sid, const uint64_t ste[8])
{
    uint64_t pa;
    if (!st->two_level) {
        pa = st->table + (uint64_t)sid * 64;
    } else {
        uint64_t l1pa = ptb_strtab_l1std_pa(st, sid), l1std = 0;
        sim_mem_read64(st->b->mem, l1pa, &l1std);
        if ((l1std & 0x1F) == 0) {
            uint64_t size = 64ull << st->split;
            uint64_t l2 = ptb_alloc(st->b, size, size);
            l1std = l2 | (st->split + 1);
            sim_mem_write64(st->b->mem, l1pa, l1std);
        }
        pa = (l1std & 0x00FFFFFFFFFFFFC0ull) + (uint64_t)(sid & ((1u << st->split) - 1)) * 64;
    }
    ptb_write(st->b->mem, pa, ste, 8);
    return pa;
}

static uint64_t strtab_bytes(bool two_level, unsigned log2size, unsigned split)
{
    if (!two_level)
        return 64ull << log2size;
    return 8ull << (log2size > split ? log2size - split : 0);
}

gboolean ptb_strtab_new_checked(struct ptb_strtab *st, struct ptb *b, bool two_level, unsigned log2size,
                                unsigned split, const uint64_t *base, GError **err)
{
    char sz[32];
    if (log2size > 32) {
        fail(err, PTB_ERROR_GEOMETRY, "log2size %u is larger than 32", log2size);
        return FALSE;
    }
    if (two_level && split != 6 && split != 8 && split != 10) {
        fail(err, PTB_ERROR_GEOMETRY, "split must be 6, 8 or 10, not %u", split);
        return FALSE;
    }
    uint64_t size = strtab_bytes(two_level, log2size, split), align = size < 64 ? 64 : size, at;
    if (size > PTB_MAX_STRUCT) {
        fail(err, PTB_ERROR_GEOMETRY, "a %s stream table of 2^%u STEs takes %s bytes, more than the %s limit%s",
             two_level ? "2-level" : "linear", log2size, size_text(size, sz), "16M",
             two_level ? " (use a larger split)" : " (use a 2-level table)");
        return FALSE;
    }
    if (base) {
        at = *base;
        if (at & (align - 1) || at + size < at || at + size > (1ull << PTB_PA_BITS)) {
            fail(err, PTB_ERROR_ALIGN, "stream table base 0x%" PRIx64 " must be aligned to its size (0x%" PRIx64
                 ") and lie below 2^%u", at, align, PTB_PA_BITS);
            return FALSE;
        }
        if (sim_mem_fill(b->mem, at, 0, (size_t)size) != SIM_MEM_OK) {
            fail(err, PTB_ERROR_RANGE, "cannot zero the stream table at 0x%" PRIx64 ": the memory write aborted", at);
            return FALSE;
        }
    } else if (!ptb_alloc_checked(b, size, align, "the stream table", &at, err)) {
        return FALSE;
    }
    memset(st, 0, sizeof(*st));
    st->b = b;
    st->log2size = log2size;
    st->split = two_level ? split : 0;
    st->two_level = two_level;
    st->table = st->base_reg = at;
    st->cfg_reg = (two_level ? 1u << 16 : 0) | (st->split << 6) | log2size;
    return TRUE;
}

gboolean ptb_strtab_put_checked(struct ptb_strtab *st, uint32_t sid, const uint64_t ste[8], uint64_t *pa,
                                GError **err)
{
    if (st->log2size < 32 && sid >> st->log2size) {
        fail(err, PTB_ERROR_RANGE, "StreamID 0x%x is outside the stream table (2^%u STEs)", sid, st->log2size);
        return FALSE;
    }
    if (st->two_level) {
        uint64_t l1pa = ptb_strtab_l1std_pa(st, sid), l1std = 0;
        sim_mem_read64(st->b->mem, l1pa, &l1std);
        if ((l1std & 0x1F) == 0) {
            uint64_t size = 64ull << st->split, l2;
            if (!ptb_alloc_checked(st->b, size, size, "a level-2 stream table", &l2, err))
                return FALSE;
            sim_mem_write64(st->b->mem, l1pa, l2 | (st->split + 1));
        }
    }
    *pa = ptb_strtab_put(st, sid, ste);
    return TRUE;
}

/* ---- CDs ---- */

unsigned ptb_tg0_of(unsigned g) { return g == 12 ? 0 : g == 16 ? 1 : 2; }
static unsigned tg1_of(unsigned g) { return g == 14 ? 1 : g == 12 ? 2 : 3; }

void ptb_cd_init(uint64_t cd[8], const struct ptb_tt *tt0, uint16_t asid, unsigned ips)
{
    memset(cd, 0, 64);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, V, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, AA64, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, A, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, R, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, IPS, ips);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, ASID, asid);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, EPD1, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, T0SZ, tt0->tsz);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, TG0, ptb_tg0_of(tt0->granule_shift));
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, ENDI, tt0->big_endian);
    cd[1] = SIM_FIELD_DP64(cd[1], CD1, TTB0, ptb_tt_base(tt0) >> 4);
}

void ptb_cd_set_tt1(uint64_t cd[8], const struct ptb_tt *tt1)
{
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, EPD1, 0);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, T1SZ, tt1->tsz);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, TG1, tg1_of(tt1->granule_shift));
    cd[2] = SIM_FIELD_DP64(cd[2], CD2, TTB1, ptb_tt_base(tt1) >> 4);
}

static unsigned cd_leaf_log2(unsigned fmt)
{
    return fmt == 1 ? 6 : 10;
}

void ptb_cdtab_new(struct ptb_cdtab *ct, struct ptb *b, unsigned fmt, unsigned cdmax, uint64_t offset)
{
    memset(ct, 0, sizeof(*ct));
    ct->b = b;
    ct->fmt = fmt;
    ct->cdmax = cdmax;
    ct->offset = offset;
    uint64_t size;
    if (fmt == 0 || cdmax == 0)
        size = 64ull << cdmax;
    else
        size = 8ull << (cdmax > cd_leaf_log2(fmt) ? cdmax - cd_leaf_log2(fmt) : 0);
    ct->table = ptb_alloc(b, size, size < 64 ? 64 : size);
}

uint64_t ptb_cdtab_ptr(const struct ptb_cdtab *ct)
{
    return ct->table - ct->offset;
}

uint64_t ptb_cdtab_l1cd_pa(const struct ptb_cdtab *ct, uint32_t ssid)
{
    return ct->table + (uint64_t)(ssid >> cd_leaf_log2(ct->fmt)) * 8;
}

uint64_t ptb_cdtab_put(struct ptb_cdtab *ct, uint32_t ssid, const uint64_t cd[8])
{
    uint64_t pa;
    if (ct->fmt == 0 || ct->cdmax == 0) {
        pa = ct->table + (uint64_t)ssid * 64;
    } else {
        unsigned leaf = cd_leaf_log2(ct->fmt);
        uint64_t l1pa = ptb_cdtab_l1cd_pa(ct, ssid), l1cd = 0;
        sim_mem_read64(ct->b->mem, l1pa, &l1cd);
        if (!(l1cd & 1)) {
            uint64_t size = 64ull << leaf;
            l1cd = ((ptb_alloc(ct->b, size, size) - ct->offset) & 0x000FFFFFFFFFF000ull) | 1;
            sim_mem_write64(ct->b->mem, l1pa, l1cd);
        }
        pa = (l1cd & 0x000FFFFFFFFFF000ull) + ct->offset + (uint64_t)(ssid & ((1u << leaf) - 1)) * 64;
    }
    ptb_write(ct->b->mem, pa, cd, 8);
    return pa;
}

/* Bit positions from smmuv3.md §4.1, written out independently of the
 * encoder so that tests check it. */
void ptb_event_decode(const uint64_t rec[4], struct ptb_event *e)
{
    e->type = (uint8_t)(rec[0] & 0xFF);
    e->ssv = (rec[0] >> 11) & 1;
    e->ssid = (uint32_t)((rec[0] >> 12) & 0xFFFFF);
    e->sid = (uint32_t)(rec[0] >> 32);
    e->stag = (uint16_t)(rec[1] & 0xFFFF);
    e->stall = (rec[1] >> (95 - 64)) & 1;
    e->pnu = (rec[1] >> (97 - 64)) & 1;
    e->ind = (rec[1] >> (98 - 64)) & 1;
    e->rnw = (rec[1] >> (99 - 64)) & 1;
    e->s2 = (rec[1] >> (103 - 64)) & 1;
    e->cls = (uint8_t)((rec[1] >> (104 - 64)) & 3);
    e->ttrnw = (rec[1] >> (108 - 64)) & 1;
    e->input_addr = rec[2];
    e->dword3 = rec[3];
}
