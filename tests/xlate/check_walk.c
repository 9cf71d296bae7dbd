/*
 * check_walk.c — VMSAv8-64 walks: granules, levels, stage 2 concatenation,
 * nested translation, faults and their records, permissions, Access flag,
 * HTTU, address sizes, walk aborts and exact memory-access counts.
 */
#include "xlate-check.h"

static struct sim_mem *mem;
static struct ptb b;
static struct smmu_features ft;
static uint64_t cd[8];
static struct smmu_walk_cfg w;
static struct smmu_walk_result r;
static struct smmu_fault f;

static void setup(void)
{
    mem = sim_mem_new();
    ptb_init(&b, mem, XT_POOL, XT_POOL_SIZE);
    xt_features(&ft);
}

static void teardown(void)
{
    sim_mem_free(mem);
}

/* Decode cd (and ste, if given) into the walk configuration. */
static void commit(const uint64_t *ste_raw)
{
    struct smmu_ste_cfg ste;
    struct smmu_cd_cfg c;
    struct smmu_fault df;
    uint64_t s1only[8];
    if (!ste_raw) {
        ptb_ste_init(s1only, 5);
        ste_raw = s1only;
    }
    ck_assert(smmu_ste_decode(ste_raw, &ft, &ste, &df));
    if (ste.s1) {
        ck_assert(smmu_cd_decode(cd, &ste, &ft, &c, &df));
        smmu_walk_cfg_init(&w, &ft, &ste, &c, XT_SID, true, 3);
    } else {
        smmu_walk_cfg_init(&w, &ft, &ste, NULL, XT_SID, false, 0);
    }
}

static bool walk(uint64_t iova, unsigned access)
{
    return smmu_walk(mem, &w, iova, access, &r, &f);
}

static void expect_fault(uint8_t type, bool s2, uint8_t cls, int level)
{
    ck_assert_msg(f.type == type, "fault %s, expected %s", smmu_event_name(f.type), smmu_event_name(type));
    ck_assert_int_eq(f.s2, s2);
    ck_assert_uint_eq(f.cls, cls);
    if (level >= 0)
        ck_assert_int_eq(f.level, level);
}

/* ---- granules and levels ---- */

static const struct { unsigned g; int level; int start; } maps[] = {
    { 12, 1, 0 }, { 12, 2, 0 }, { 12, 3, 0 },
    { 14, 2, 0 }, { 14, 3, 0 },
    { 16, 2, 1 }, { 16, 3, 1 },
};

START_TEST(test_granule_level_map)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, maps[_i].g, 16);
    ck_assert_int_eq(tt.start_level, maps[_i].start);
    unsigned shift = ptb_level_shift(&tt, maps[_i].level);
    uint64_t va = 0x0000123456789ABCull, pa_base = 0x0000008000000000ull;
    uint64_t off = va & ((1ull << shift) - 1);
    ptb_map(&tt, va, pa_base, maps[_i].level, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &tt, 7, 5);
    commit(NULL);
    ck_assert(walk(va, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, pa_base + off);
    ck_assert_uint_eq(r.ipa, r.oa);
    ck_assert_uint_eq(r.size_log2, shift);
    ck_assert_uint_eq(r.level, maps[_i].level);
    ck_assert_uint_eq(r.mem_accesses, (unsigned)(maps[_i].level - maps[_i].start + 1));
    ck_assert_uint_eq(r.asid, 7);
    ck_assert(r.global);
}
END_TEST

static const struct { unsigned g, tsz; int start; } starts[] = {
    { 12, 16, 0 }, { 12, 25, 1 }, { 12, 33, 1 }, { 12, 34, 2 }, { 12, 39, 2 },
    { 14, 16, 0 }, { 14, 17, 1 }, { 14, 27, 1 }, { 14, 28, 2 }, { 14, 38, 2 }, { 14, 39, 3 },
    { 16, 16, 1 }, { 16, 21, 1 }, { 16, 22, 2 }, { 16, 34, 2 }, { 16, 35, 3 }, { 16, 39, 3 },
};

START_TEST(test_start_level_from_txsz)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, starts[_i].g, starts[_i].tsz);
    ck_assert_int_eq(tt.start_level, starts[_i].start);
    /* The last page of the input range. */
    uint64_t va = ((1ull << (64 - starts[_i].tsz)) - 1) & ~((1ull << starts[_i].g) - 1);
    ptb_map(&tt, va, 0x40000000ull, 3, PTB_S1_RW_ALL | PTB_NG);
    ptb_cd_init(cd, &tt, 1, 5);
    commit(NULL);
    ck_assert(walk(va + 0x10, SMMU_ACCESS_WRITE));
    ck_assert_uint_eq(r.oa, 0x40000010ull);
    ck_assert_uint_eq(r.mem_accesses, (unsigned)(4 - starts[_i].start));
    ck_assert(!r.global);
    /* One page beyond the input range is a translation fault. */
    ck_assert(!walk(va + (1ull << starts[_i].g), SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, -1);
    ck_assert_uint_eq(r.mem_accesses, 0);
}
END_TEST

/* ---- stage 2 ---- */

static void s2_ste(uint64_t ste[8], unsigned config, const struct ptb_tt *s2)
{
    ptb_ste_init(ste, config);
    ptb_ste_set_s2(ste, s2, 9, 5);
}

static const struct { unsigned g, t0sz, sl0; int start; unsigned concat; } s2geo[] = {
    { 12, 30, 0, 2, 4 },    /* 34-bit IPA from level 2: 16 tables */
    { 12, 24, 1, 1, 1 },    /* 40-bit IPA from level 1: 2 tables */
    { 12, 16, 2, 0, 0 },
    { 12, 33, 1, 1, 0 },
    { 14, 16, 2, 1, 1 },
    { 14, 25, 1, 2, 3 },
    { 16, 19, 1, 2, 3 },
    { 16, 33, 0, 3, 2 },
};

START_TEST(test_s2_concatenated)
{
    struct ptb_tt s2;
    uint64_t ste[8];
    ptb_tt_s2(&s2, &b, s2geo[_i].g, s2geo[_i].t0sz, s2geo[_i].sl0);
    s2_ste(ste, 6, &s2);
    commit(ste);
    ck_assert_int_eq(w.s2cfg.start_level, s2geo[_i].start);
    ck_assert_uint_eq(w.s2cfg.concat_log2, s2geo[_i].concat);
    uint64_t top = ((1ull << (64 - s2geo[_i].t0sz)) - 1) & ~0xFFFFull;
    ptb_map(&s2, top, 0x7000000000ull, 3, PTB_S2_RW);
    ptb_map(&s2, 0x10000, 0x7100000000ull, 3, PTB_S2_RW);
    ck_assert(walk(top + 0x24, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, 0x7000000024ull);
    ck_assert_uint_eq(r.mem_accesses, (unsigned)(4 - s2geo[_i].start));
    ck_assert_uint_eq(r.vmid, 9);
    ck_assert_uint_eq(r.level, 3);
    ck_assert(walk(0x10000, SMMU_ACCESS_WRITE));
    ck_assert_uint_eq(r.oa, 0x7100000000ull);
    /* Beyond the stage-2 input size: stage-2 translation fault. */
    if (s2geo[_i].t0sz > 16) {
        ck_assert(!walk(1ull << (64 - s2geo[_i].t0sz), SMMU_ACCESS_READ));
        expect_fault(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_IN, -1);
        ck_assert_uint_eq(f.ipa, 1ull << (64 - s2geo[_i].t0sz));
    }
}
END_TEST

START_TEST(test_s2_block_levels)
{
    struct ptb_tt s2;
    uint64_t ste[8];
    ptb_tt_s2(&s2, &b, 12, 16, 2);
    s2_ste(ste, 6, &s2);
    commit(ste);
    ptb_map(&s2, 0x40000000ull, 0x80000000ull, 1, PTB_S2_RW);
    ptb_map(&s2, 0x80200000ull, 0xC0400000ull, 2, PTB_S2_RW);
    ck_assert(walk(0x40012345ull, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, 0x80012345ull);
    ck_assert_uint_eq(r.size_log2, 30);
    ck_assert_uint_eq(r.mem_accesses, 2);
    ck_assert(walk(0x80212345ull, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, 0xC0412345ull);
    ck_assert_uint_eq(r.size_log2, 21);
    ck_assert_uint_eq(r.mem_accesses, 3);
}
END_TEST

/* ---- nested ---- */

#define S1_IPA_BASE 0x20000000ull   /* stage-1 tables seen at this IPA ... */
#define S1_PA_BASE 0x30000000ull    /* ... live at this PA */

struct nested {
    struct ptb s1pool;
    struct ptb_tt s1, s2;
    uint64_t ste[8];
};

/* Stage 2: 4 KB, 40-bit IPA from level 1 (2 tables); the stage-1 table
 * region is a 2 MB block.  Stage 1: 4 KB, 48-bit VA, four levels. */
static void nested_setup(struct nested *n)
{
    ptb_init(&n->s1pool, mem, S1_PA_BASE, 0x200000);
    ptb_tt_s2(&n->s2, &b, 12, 24, 1);
    ptb_map(&n->s2, S1_IPA_BASE, S1_PA_BASE, 2, PTB_S2_RW);
    ptb_tt_s1(&n->s1, &n->s1pool, 12, 16);
    n->s1.table_offset = S1_PA_BASE - S1_IPA_BASE;
    ptb_ste_init(n->ste, 7);
    ptb_ste_set_s1(n->ste, 0x1000, 0, 0, 0);
    ptb_ste_set_s2(n->ste, &n->s2, 5, 5);
}

START_TEST(test_nested_walk)
{
    struct nested n;
    nested_setup(&n);
    uint64_t va = 0x00007F1234567000ull, ipa = 0x5600000000ull & ((1ull << 40) - 1);
    ptb_map(&n.s1, va, ipa, 3, PTB_S1_RW_ALL | PTB_NG);
    ptb_map(&n.s2, ipa, 0x9876543000ull, 3, PTB_S2_RW);
    ptb_cd_init(cd, &n.s1, 3, 5);
    commit(n.ste);
    ck_assert(walk(va + 0x321, SMMU_ACCESS_WRITE | SMMU_ACCESS_PRIV));
    ck_assert_uint_eq(r.ipa, ipa + 0x321);
    ck_assert_uint_eq(r.oa, 0x9876543321ull);
    /* 4 stage-1 levels x (2 stage-2 accesses + 1) + 3 for the output IPA. */
    ck_assert_uint_eq(r.mem_accesses, 15);
    ck_assert_uint_eq(r.asid, 3);
    ck_assert_uint_eq(r.vmid, 5);
    ck_assert(!r.global);
    ck_assert_uint_eq(r.size_log2, 12);
    ck_assert_uint_eq(r.s1_level, 3);
    ck_assert_uint_eq(r.s2_level, 3);
}
END_TEST

START_TEST(test_nested_s2_fault_on_table)
{
    struct nested n;
    uint64_t rec[4];
    struct ptb_event e;
    nested_setup(&n);
    uint64_t va = 0x1000;
    ptb_map(&n.s1, va, 0x5000, 3, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &n.s1, 3, 5);
    /* Unmap the whole stage-1 table region at stage 2. */
    ptb_set_desc(&n.s2, S1_IPA_BASE, 2, 0);             /* invalid */
    commit(n.ste);
    ck_assert(!walk(va, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_TT, 2);
    ck_assert_uint_eq(f.ipa, ptb_tt_base(&n.s1));       /* the first table already faults */
    smmu_event_encode(&f, rec);
    ptb_event_decode(rec, &e);
    ck_assert_uint_eq(e.type, 0x10);
    ck_assert(e.s2 && e.ssv && e.rnw && !e.pnu && !e.ind);
    ck_assert_uint_eq(e.cls, 1);
    ck_assert_uint_eq(e.sid, XT_SID);
    ck_assert_uint_eq(e.ssid, 3);
    ck_assert_uint_eq(e.input_addr, va);
    ck_assert_uint_eq(e.dword3, ptb_tt_base(&n.s1) & ~0xFFFull);
}
END_TEST

START_TEST(test_nested_s2_fault_on_output)
{
    struct nested n;
    nested_setup(&n);
    ptb_map(&n.s1, 0x2000, 0x123456000ull, 3, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &n.s1, 3, 5);
    commit(n.ste);
    ck_assert(!walk(0x2010, SMMU_ACCESS_INSN));
    expect_fault(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_IN, -1);
    ck_assert_uint_eq(f.ipa, 0x123456010ull);
    ck_assert(f.ind && f.rnw);
    /* Read-only at stage 2: a write is a stage-2 permission fault. */
    ptb_map(&n.s2, 0x123456000ull, 0x5000, 3, PTB_AF | PTB_AP(1) | PTB_S2_NORMAL);
    ck_assert(walk(0x2010, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, 0x5010);
    ck_assert(!walk(0x2010, SMMU_ACCESS_WRITE));
    expect_fault(SMMU_EVT_F_PERMISSION, true, SMMU_EVT_CLASS_IN, 3);
    ck_assert(!f.rnw);
}
END_TEST

START_TEST(test_nested_s2_permission_and_ptw_on_table)
{
    struct nested n;
    uint64_t rec[4];
    nested_setup(&n);
    ptb_map(&n.s1, 0x2000, 0x3000, 3, PTB_S1_RW_ALL);
    ptb_map(&n.s2, 0x3000, 0x3000, 3, PTB_S2_RW);
    ptb_cd_init(cd, &n.s1, 3, 5);
    /* No stage-2 read permission on the table region. */
    ptb_map(&n.s2, S1_IPA_BASE, S1_PA_BASE, 2, PTB_AF | PTB_AP(2) | PTB_S2_NORMAL);
    commit(n.ste);
    ck_assert(!walk(0x2000, SMMU_ACCESS_WRITE));
    expect_fault(SMMU_EVT_F_PERMISSION, true, SMMU_EVT_CLASS_TT, 2);
    smmu_event_encode(&f, rec);
    ck_assert_uint_eq((rec[1] >> 44) & 1, 1);      /* TTRnW: a table read */
    ck_assert_uint_eq((rec[1] >> 35) & 1, 0);      /* RnW: the transaction writes */
    /* Device memory at stage 2 with S2PTW. */
    ptb_map(&n.s2, S1_IPA_BASE, S1_PA_BASE, 2, PTB_AF | PTB_AP(3) | PTB_S2_DEVICE);
    commit(n.ste);
    ck_assert(walk(0x2000, SMMU_ACCESS_WRITE));
    n.ste[2] = SIM_FIELD_DP64(n.ste[2], STE2, S2PTW, 1);
    commit(n.ste);
    ck_assert(!walk(0x2000, SMMU_ACCESS_WRITE));
    expect_fault(SMMU_EVT_F_PERMISSION, true, SMMU_EVT_CLASS_TT, 2);
}
END_TEST

START_TEST(test_nested_s2_walk_abort)
{
    struct nested n;
    nested_setup(&n);
    ptb_map(&n.s1, 0x2000, 0x3000, 3, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &n.s1, 3, 5);
    commit(n.ste);
    uint64_t s2l1 = ptb_desc_pa(&n.s2, S1_IPA_BASE, 1);
    sim_mem_inject_abort(mem, s2l1, 8, SIM_MEM_READ);
    ck_assert(!walk(0x2000, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_WALK_EABT, true, SMMU_EVT_CLASS_TT, 1);
    ck_assert_uint_eq(f.fetch_addr, s2l1);
    ck_assert_uint_eq(r.mem_accesses, 1);
}
END_TEST

/* ---- stage-1 faults ---- */

START_TEST(test_invalid_descriptor_each_level)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 16);
    uint64_t va = 0x0000555555555000ull;
    ptb_map(&tt, va, 0x1000, 3, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &tt, 1, 5);
    commit(NULL);
    for (int level = 3; level >= 0; level--) {
        uint64_t saved = ptb_get_desc(&tt, va, level);
        ptb_set_desc(&tt, va, level, saved & ~1ull);
        ck_assert(!walk(va, SMMU_ACCESS_READ));
        expect_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, level);
        ck_assert_uint_eq(r.mem_accesses, (unsigned)level + 1);
        ck_assert_uint_eq(f.input_addr, va);
        ptb_set_desc(&tt, va, level, saved);
    }
    ck_assert(walk(va, SMMU_ACCESS_READ));
}
END_TEST

START_TEST(test_illegal_blocks)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 16);
    ptb_cd_init(cd, &tt, 1, 5);
    commit(NULL);
    /* 4 KB level-0 block, level-3 "block" (reserved). */
    ptb_set_desc(&tt, 0, 0, 0x1 | PTB_S1_RW_ALL);
    ck_assert(!walk(0, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, 0);
    ptb_set_desc(&tt, 1ull << 40, 3, 0x5000 | 0x1 | PTB_S1_RW_ALL);
    ck_assert(!walk(1ull << 40, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, 3);
    /* 64 KB level-1 block needs 52-bit addresses. */
    struct ptb_tt t64;
    ptb_tt_s1(&t64, &b, 16, 16);
    ptb_set_desc(&t64, 0, 1, 0x1 | PTB_S1_RW_ALL);
    ptb_cd_init(cd, &t64, 1, 5);
    commit(NULL);
    ck_assert(!walk(0, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, 1);
}
END_TEST

START_TEST(test_ttb1_tbi_epd)
{
    struct ptb_tt t0, t1;
    ptb_tt_s1(&t0, &b, 12, 25);
    ptb_tt_s1(&t1, &b, 16, 25);
    ptb_map(&t0, 0x1000, 0xA000, 3, PTB_S1_RW_ALL);
    ptb_map(&t1, 0xFFFFFFFFFFFF0000ull, 0xB0000, 3, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &t0, 1, 5);
    commit(NULL);
    /* EPD1: the upper range faults. */
    ck_assert(!walk(0xFFFFFFFFFFFF0010ull, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, -1);
    ck_assert_uint_eq(r.mem_accesses, 0);
    ptb_cd_set_tt1(cd, &t1);
    commit(NULL);
    ck_assert(walk(0xFFFFFFFFFFFF0010ull, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, 0xB0010);
    ck_assert(walk(0x1010, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, 0xA010);
    /* Neither all zeros nor all ones above the input size. */
    ck_assert(!walk(0x0000010000001000ull, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, -1);
    /* Top byte: a fault without TBI0, ignored with it. */
    ck_assert(!walk(0x5A00000000001010ull, SMMU_ACCESS_READ));
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, TBI0, 1);
    commit(NULL);
    ck_assert(walk(0x5A00000000001010ull, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, 0xA010);
    /* EPD0. */
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, EPD0, 1);
    commit(NULL);
    ck_assert(!walk(0x1010, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, -1);
}
END_TEST

START_TEST(test_address_size)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 32);
    ptb_map(&tt, 0x1000, 0x100000000ull, 3, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &tt, 1, 0);         /* IPS 32 bits */
    commit(NULL);
    ck_assert(!walk(0x1000, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_ADDR_SIZE, false, SMMU_EVT_CLASS_IN, 3);
    /* A table pointer beyond the IPS faults at its level. */
    ptb_set_desc(&tt, 0x40000000ull, 1, 0x200000000ull | 3);
    ck_assert(!walk(0x40000000ull, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_ADDR_SIZE, false, SMMU_EVT_CLASS_IN, 1);
    ck_assert_uint_eq(r.mem_accesses, 1);
    /* Stage-2 output beyond the effective S2PS. */
    struct ptb_tt s2;
    uint64_t ste[8];
    ptb_tt_s2(&s2, &b, 12, 32, 1);
    ptb_ste_init(ste, 6);
    ptb_ste_set_s2(ste, &s2, 1, 0);
    ptb_map(&s2, 0x3000, 0x100003000ull, 3, PTB_S2_RW);
    commit(ste);
    ck_assert(!walk(0x3000, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_ADDR_SIZE, true, SMMU_EVT_CLASS_IN, 3);
    ck_assert_uint_eq(f.ipa, 0x3000);
    /* Stage 1 bypassed: input beyond the IAS. */
    ck_assert(!walk(1ull << 48, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_ADDR_SIZE, false, SMMU_EVT_CLASS_IN, -1);
    /* Both stages bypassed: input beyond the OAS; otherwise identity. */
    ptb_ste_init(ste, 4);
    commit(ste);
    ck_assert(walk(0xFFFFFFFFFFFFull, SMMU_ACCESS_WRITE));
    ck_assert_uint_eq(r.oa, 0xFFFFFFFFFFFFull);
    ck_assert_uint_eq(r.mem_accesses, 0);
    ck_assert(!walk(1ull << 48, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_ADDR_SIZE, false, SMMU_EVT_CLASS_IN, -1);
}
END_TEST

START_TEST(test_walk_abort)
{
    struct ptb_tt tt;
    uint64_t rec[4];
    struct ptb_event e;
    ptb_tt_s1(&tt, &b, 12, 16);
    ptb_map(&tt, 0x7000, 0x8000, 3, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &tt, 1, 5);
    commit(NULL);
    uint64_t l2pa = ptb_desc_pa(&tt, 0x7000, 2);
    sim_mem_inject_abort(mem, l2pa & ~0xFFFull, 4096, SIM_MEM_READ);
    ck_assert(!walk(0x7000, SMMU_ACCESS_WRITE | SMMU_ACCESS_PRIV));
    expect_fault(SMMU_EVT_F_WALK_EABT, false, SMMU_EVT_CLASS_TT, 2);
    ck_assert_uint_eq(r.mem_accesses, 3);
    smmu_event_encode(&f, rec);
    ptb_event_decode(rec, &e);
    ck_assert_uint_eq(e.type, 0x0B);
    ck_assert_uint_eq(e.dword3, l2pa);
    ck_assert_uint_eq(e.input_addr, 0x7000);
    ck_assert(!e.rnw && e.pnu && !e.s2);
    ck_assert_uint_eq(e.cls, 1);
}
END_TEST

/* ---- permissions ---- */

/* Arm ARM stage-1 EL1&0 permissions, written as the expected set of
 * allowed accesses "PR PW PX UR UW UX" per AP/UXN/PXN. */
static const struct { unsigned ap; bool uxn, pxn; const char *allowed; } s1perm[] = {
    { 0, 0, 0, "PR PW PX UX" }, { 1, 0, 0, "PR PW UR UW UX" }, { 2, 0, 0, "PR PX UX" }, { 3, 0, 0, "PR PX UR UX" },
    { 0, 1, 0, "PR PW PX" }, { 1, 1, 0, "PR PW UR UW" }, { 2, 1, 0, "PR PX" }, { 3, 1, 0, "PR PX UR" },
    { 0, 0, 1, "PR PW UX" }, { 1, 0, 1, "PR PW UR UW UX" }, { 2, 0, 1, "PR UX" }, { 3, 0, 1, "PR UR UX" },
    { 3, 1, 1, "PR UR" },
};

static const struct { const char *name; unsigned access; } accesses[] = {
    { "PR", SMMU_ACCESS_PRIV }, { "PW", SMMU_ACCESS_PRIV | SMMU_ACCESS_WRITE },
    { "PX", SMMU_ACCESS_PRIV | SMMU_ACCESS_INSN }, { "UR", SMMU_ACCESS_READ },
    { "UW", SMMU_ACCESS_WRITE }, { "UX", SMMU_ACCESS_INSN },
};

START_TEST(test_s1_permission_matrix)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 16);
    uint64_t attrs = PTB_AF | PTB_AP(s1perm[_i].ap) | (s1perm[_i].uxn ? PTB_UXN : 0) | (s1perm[_i].pxn ? PTB_PXN : 0);
    ptb_map(&tt, 0x4000, 0x9000, 3, attrs);
    ptb_cd_init(cd, &tt, 1, 5);
    commit(NULL);
    for (unsigned a = 0; a < SIM_ARRAY_SIZE(accesses); a++) {
        bool expect = strstr(s1perm[_i].allowed, accesses[a].name) != NULL;
        bool ok = walk(0x4000, accesses[a].access);
        ck_assert_msg(ok == expect, "AP %u UXN %d PXN %d %s: %s", s1perm[_i].ap, s1perm[_i].uxn, s1perm[_i].pxn,
                      accesses[a].name, ok ? "allowed" : "faulted");
        if (!ok) {
            expect_fault(SMMU_EVT_F_PERMISSION, false, SMMU_EVT_CLASS_IN, 3);
            ck_assert_int_eq(f.rnw, !(accesses[a].access & SMMU_ACCESS_WRITE));
        }
    }
}
END_TEST

START_TEST(test_s2_permission_matrix)
{
    struct ptb_tt s2;
    uint64_t ste[8];
    ptb_tt_s2(&s2, &b, 12, 32, 1);
    ptb_ste_init(ste, 6);
    ptb_ste_set_s2(ste, &s2, 1, 5);
    commit(ste);
    for (unsigned s2ap = 0; s2ap < 4; s2ap++) {
        for (unsigned xn = 0; xn < 2; xn++) {
            ptb_map(&s2, 0x4000, 0x9000, 3, PTB_AF | PTB_AP(s2ap) | PTB_S2_NORMAL | (xn ? PTB_UXN : 0));
            for (unsigned a = 0; a < SIM_ARRAY_SIZE(accesses); a++) {
                unsigned acc = accesses[a].access;
                bool expect = (acc & SMMU_ACCESS_WRITE) ? (s2ap & 2) : (acc & SMMU_ACCESS_INSN) ? !xn : (s2ap & 1);
                ck_assert_int_eq(walk(0x4000, acc), expect);
                if (!expect)
                    expect_fault(SMMU_EVT_F_PERMISSION, true, SMMU_EVT_CLASS_IN, 3);
            }
        }
    }
}
END_TEST

START_TEST(test_wxn_pan_hierarchical)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 16);
    ptb_map(&tt, 0x4000, 0x9000, 3, PTB_AF | PTB_AP(1));
    ptb_cd_init(cd, &tt, 1, 5);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, WXN, 1);
    commit(NULL);
    ck_assert(walk(0x4000, SMMU_ACCESS_WRITE));
    ck_assert(!walk(0x4000, SMMU_ACCESS_INSN));
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, WXN, 0);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, PAN, 1);
    commit(NULL);
    ck_assert(!walk(0x4000, SMMU_ACCESS_PRIV));
    ck_assert(walk(0x4000, SMMU_ACCESS_READ));
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, PAN, 0);
    commit(NULL);
    /* APTable[1] (read-only) and UXNTable on the level-2 table pointer. */
    uint64_t l1 = ptb_desc_pa(&tt, 0x4000, 1);
    uint64_t d;
    sim_mem_read64(mem, l1, &d);
    sim_mem_write64(mem, l1, d | PTB_TABLE_APTABLE(2) | PTB_TABLE_UXN);
    ck_assert(!walk(0x4000, SMMU_ACCESS_WRITE));
    ck_assert(!walk(0x4000, SMMU_ACCESS_INSN));
    ck_assert(walk(0x4000, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.perm & (SMMU_PERM_UW | SMMU_PERM_PW | SMMU_PERM_UX), 0);
    /* HAD0 disables the hierarchical attributes. */
    cd[1] = SIM_FIELD_DP64(cd[1], CD1, HAD0, 1);
    commit(NULL);
    ck_assert(walk(0x4000, SMMU_ACCESS_WRITE));
    /* APTable[0]: no EL0 access below. */
    cd[1] = SIM_FIELD_DP64(cd[1], CD1, HAD0, 0);
    commit(NULL);
    sim_mem_write64(mem, l1, d | PTB_TABLE_APTABLE(1));
    ck_assert(!walk(0x4000, SMMU_ACCESS_READ));
    ck_assert(walk(0x4000, SMMU_ACCESS_PRIV | SMMU_ACCESS_WRITE));
}
END_TEST

/* ---- Access flag and HTTU ---- */

START_TEST(test_access_flag)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 16);
    ptb_map(&tt, 0x4000, 0x9000, 3, PTB_AP(1));
    ptb_cd_init(cd, &tt, 1, 5);
    commit(NULL);
    ck_assert(!walk(0x4000, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_ACCESS, false, SMMU_EVT_CLASS_IN, 3);
    /* AF faults come before permission faults. */
    ck_assert(!walk(0x4000, SMMU_ACCESS_PRIV | SMMU_ACCESS_INSN));
    ck_assert_uint_eq(f.type, SMMU_EVT_F_ACCESS);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, AFFD, 1);
    commit(NULL);
    ck_assert(walk(0x4000, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.mem_accesses, 4);
    ck_assert_uint_eq(ptb_get_desc(&tt, 0x4000, 3) & PTB_AF, 0);
    /* HA: the SMMU sets the flag (one more access). */
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, AFFD, 0);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, HA, 1);
    commit(NULL);
    ck_assert(walk(0x4000, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.mem_accesses, 5);
    ck_assert_uint_ne(ptb_get_desc(&tt, 0x4000, 3) & PTB_AF, 0);
    ck_assert(walk(0x4000, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.mem_accesses, 4);
}
END_TEST

START_TEST(test_s2_access_flag)
{
    struct ptb_tt s2;
    uint64_t ste[8];
    ptb_tt_s2(&s2, &b, 12, 32, 1);
    ptb_ste_init(ste, 6);
    ptb_ste_set_s2(ste, &s2, 1, 5);
    ptb_map(&s2, 0x4000, 0x9000, 3, PTB_AP(3) | PTB_S2_NORMAL);
    commit(ste);
    ck_assert(!walk(0x4000, SMMU_ACCESS_READ));
    expect_fault(SMMU_EVT_F_ACCESS, true, SMMU_EVT_CLASS_IN, 3);
    ck_assert_uint_eq(f.ipa, 0x4000);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2AFFD, 1);
    commit(ste);
    ck_assert(walk(0x4000, SMMU_ACCESS_READ));
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2AFFD, 0);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2HA, 1);
    commit(ste);
    ck_assert(walk(0x4000, SMMU_ACCESS_READ));
    ck_assert_uint_ne(ptb_get_desc(&s2, 0x4000, 3) & PTB_AF, 0);
}
END_TEST

START_TEST(test_dirty_state)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 16);
    ptb_map(&tt, 0x4000, 0x9000, 3, PTB_AF | PTB_AP(3) | PTB_DBM);
    ptb_cd_init(cd, &tt, 1, 5);
    commit(NULL);
    ck_assert(!walk(0x4000, SMMU_ACCESS_WRITE));
    expect_fault(SMMU_EVT_F_PERMISSION, false, SMMU_EVT_CLASS_IN, 3);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, HA, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, HD, 1);
    commit(NULL);
    ck_assert(walk(0x4000, SMMU_ACCESS_READ));
    ck_assert_uint_eq(ptb_get_desc(&tt, 0x4000, 3) & PTB_AP(2), PTB_AP(2));  /* reads keep it clean */
    ck_assert(walk(0x4000, SMMU_ACCESS_WRITE));
    ck_assert_uint_eq(r.mem_accesses, 5);
    ck_assert_uint_eq(ptb_get_desc(&tt, 0x4000, 3) & PTB_AP(2), 0);
    /* The update write aborting is a walk external abort. */
    ptb_map(&tt, 0x5000, 0xA000, 3, PTB_AF | PTB_AP(3) | PTB_DBM);
    uint64_t pa = ptb_desc_pa(&tt, 0x5000, 3);
    sim_mem_inject_abort(mem, pa, 8, SIM_MEM_WRITE);
    ck_assert(!walk(0x5000, SMMU_ACCESS_WRITE));
    expect_fault(SMMU_EVT_F_WALK_EABT, false, SMMU_EVT_CLASS_TT, 3);
    ck_assert_uint_eq(f.fetch_addr, pa);
}
END_TEST

START_TEST(test_big_endian_tables)
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 16);
    tt.big_endian = true;
    ptb_map(&tt, 0x4000, 0x9000, 3, PTB_S1_RW_ALL);
    ptb_cd_init(cd, &tt, 1, 5);
    commit(NULL);
    ck_assert(walk(0x4008, SMMU_ACCESS_READ));
    ck_assert_uint_eq(r.oa, 0x9008);
    /* Read as little-endian, the same tables fault. */
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, ENDI, 0);
    commit(NULL);
    ck_assert(!walk(0x4008, SMMU_ACCESS_READ));
}
END_TEST

START_TEST(test_perm_allows)
{
    ck_assert(smmu_perm_allows(SMMU_PERM_UR, SMMU_ACCESS_READ));
    ck_assert(!smmu_perm_allows(SMMU_PERM_UR, SMMU_ACCESS_PRIV));
    ck_assert(smmu_perm_allows(SMMU_PERM_PW, SMMU_ACCESS_PRIV | SMMU_ACCESS_WRITE | SMMU_ACCESS_INSN));
    ck_assert(!smmu_perm_allows(SMMU_PERM_PX, SMMU_ACCESS_PRIV | SMMU_ACCESS_WRITE | SMMU_ACCESS_INSN));
    ck_assert(smmu_perm_allows(SMMU_PERM_UX, SMMU_ACCESS_INSN));
}
END_TEST

int main(void)
{
    TCase *tc;
    Suite *s = xt_suite("xlate_walk", &tc, setup, teardown);
    tcase_add_loop_test(tc, test_granule_level_map, 0, (int)SIM_ARRAY_SIZE(maps));
    tcase_add_loop_test(tc, test_start_level_from_txsz, 0, (int)SIM_ARRAY_SIZE(starts));
    tcase_add_loop_test(tc, test_s2_concatenated, 0, (int)SIM_ARRAY_SIZE(s2geo));
    tcase_add_test(tc, test_s2_block_levels);
    tcase_add_test(tc, test_nested_walk);
    tcase_add_test(tc, test_nested_s2_fault_on_table);
    tcase_add_test(tc, test_nested_s2_fault_on_output);
    tcase_add_test(tc, test_nested_s2_permission_and_ptw_on_table);
    tcase_add_test(tc, test_nested_s2_walk_abort);
    tcase_add_test(tc, test_invalid_descriptor_each_level);
    tcase_add_test(tc, test_illegal_blocks);
    tcase_add_test(tc, test_ttb1_tbi_epd);
    tcase_add_test(tc, test_address_size);
    tcase_add_test(tc, test_walk_abort);
    tcase_add_loop_test(tc, test_s1_permission_matrix, 0, (int)SIM_ARRAY_SIZE(s1perm));
    tcase_add_test(tc, test_s2_permission_matrix);
    tcase_add_test(tc, test_wxn_pan_hierarchical);
    tcase_add_test(tc, test_access_flag);
    tcase_add_test(tc, test_s2_access_flag);
    tcase_add_test(tc, test_dirty_state);
    tcase_add_test(tc, test_big_endian_tables);
    tcase_add_test(tc, test_perm_allows);
    return xt_run(s);
}
