/*
 * ptbuild.c — builders of translation tables, STEs, CDs and their tables
 * in simulated memory, for tests (see ptbuild.h).
 */
#include <glib.h>
#include <string.h>
#include "ptbuild.h"

void ptb_init(struct ptb *b, struct sim_mem *mem, uint64_t pool_base, uint64_t pool_size)
{
    b->mem = mem;
    b->next = pool_base;
    b->end = pool_base + pool_size;
}

uint64_t ptb_alloc(struct ptb *b, uint64_t size, uint64_t align)
{
    uint64_t at = (b->next + align - 1) & ~(align - 1);
    if (at + size > b->end || at + size < at)
        g_error("ptbuild: pool exhausted (%" G_GUINT64_FORMAT " bytes)", size);
    b->next = at + size;
    sim_mem_fill(b->mem, at, 0, (size_t)size);
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

static void tt_alloc_root(struct ptb_tt *t)
{
    uint64_t size = 8ull << t->start_bits;
    t->root = ptb_alloc(t->b, size, size < 64 ? 64 : size);
}

void ptb_tt_s1(struct ptb_tt *t, struct ptb *b, unsigned granule_shift, unsigned tsz)
{
    unsigned stride = granule_shift - 3, ia = 64 - tsz;
    unsigned levels = (ia - granule_shift + stride - 1) / stride;
    memset(t, 0, sizeof(*t));
    t->b = b;
    t->granule_shift = granule_shift;
    t->tsz = tsz;
    t->start_level = 4 - (int)levels;
    t->start_bits = ia - granule_shift - (levels - 1) * stride;
    tt_alloc_root(t);
}

void ptb_tt_s2(struct ptb_tt *t, struct ptb *b, unsigned granule_shift, unsigned t0sz, unsigned sl0)
{
    memset(t, 0, sizeof(*t));
    t->b = b;
    t->s2 = true;
    t->granule_shift = granule_shift;
    t->tsz = t0sz;
    t->sl0 = sl0;
    t->start_level = granule_shift == 12 ? 2 - (int)sl0 : 3 - (int)sl0;
    unsigned below = ptb_level_shift(t, t->start_level);
    if (64 - t0sz <= below || 64 - t0sz > below + granule_shift - 3 + 4)
        g_error("ptbuild: S2T0SZ %u inconsistent with S2SL0 %u", t0sz, sl0);
    t->start_bits = 64 - t0sz - below;
    tt_alloc_root(t);
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

/* ---- CDs ---- */

static unsigned tg0_of(unsigned g) { return g == 12 ? 0 : g == 16 ? 1 : 2; }
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
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, TG0, tg0_of(tt0->granule_shift));
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
