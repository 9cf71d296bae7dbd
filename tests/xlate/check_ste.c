/*
 * check_ste.c — stream table lookup and STE decode (smmuv3.md §3.1-3.2).
 */
#include "xlate-check.h"

static struct sim_mem *mem;
static struct ptb b;
static struct smmu_features ft;

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

static void ste_pattern(uint64_t ste[8], uint32_t sid)
{
    for (unsigned i = 0; i < 8; i++)
        ste[i] = ((uint64_t)sid << 32) | (0xA0 + i);
}

/* ---- features ---- */

START_TEST(test_features_from_idr)
{
    struct smmu_features f;
    /* QEMU's nested defaults (smmuv3.md §1.3), HTTU = 2, CD2L, SSIDSIZE 20. */
    smmu_features_from_idr(&f, 0x0D44101Bu | (2u << 6) | (1u << 19), 0x02730010u | (20u << 6), 0x74u, 0x2u);
    ck_assert(f.s1p && f.s2p && !f.ats && f.asid16 && f.vmid16 && f.cd2l && f.term_model && f.st_level_2);
    ck_assert_uint_eq(f.ttf, 2);
    ck_assert_uint_eq(f.httu, 2);
    ck_assert_uint_eq(f.ttendian, 2);
    ck_assert_uint_eq(f.stall_model, 1);
    ck_assert_uint_eq(f.sidsize, 16);
    ck_assert_uint_eq(f.ssidsize, 20);
    ck_assert_uint_eq(f.oas, 4);
    ck_assert(f.gran4k && f.gran16k && f.gran64k && f.recinvsid);
    ck_assert_uint_eq(smmu_oas_bits(&f), 44);
    ck_assert_uint_eq(smmu_ias_bits(&f), 44);
    f.ttf = 3;
    f.oas = 0;
    ck_assert_uint_eq(smmu_ias_bits(&f), 40);
    ck_assert_uint_eq(smmu_pa_bits(3), 42);
    ck_assert_uint_eq(smmu_pa_bits(6), 52);
    f.oas = 6;
    ck_assert_uint_eq(smmu_oas_bits(&f), 48);
}
END_TEST

/* ---- linear stream table ---- */

START_TEST(test_linear_fetch)
{
    struct ptb_strtab st;
    uint64_t ste[8], got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    ptb_strtab_linear(&st, &b, 8);
    ste_pattern(ste, 5);
    uint64_t pa = ptb_strtab_put(&st, 5, ste);
    ck_assert_uint_eq(pa, st.table + 5 * 64);
    smmu_fault_init(&f, 5, false, 0);
    ck_assert(smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, 5, &ft, got, &f, &acc));
    ck_assert_mem_eq(got, ste, 64);
    ck_assert_uint_eq(acc, 1);
}
END_TEST

START_TEST(test_linear_bad_streamid)
{
    struct ptb_strtab st;
    uint64_t got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    uint64_t rec[4];
    ptb_strtab_linear(&st, &b, 8);
    smmu_fault_init(&f, 256, false, 0);
    ck_assert(!smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, 256, &ft, got, &f, &acc));
    ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_STREAMID);
    ck_assert_uint_eq(acc, 0);
    smmu_event_encode(&f, rec);
    ck_assert_uint_eq(rec[0], (256ull << 32) | 0x02);
    /* LOG2SIZE is capped at SIDSIZE. */
    ft.sidsize = 4;
    ck_assert(!smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, 16, &ft, got, &f, &acc));
    ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_STREAMID);
    ck_assert(smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, 15, &ft, got, &f, &acc));
    /* SIDSIZE 32 accepts every SID of a 32-bit table without overflow. */
    ft.sidsize = 32;
    ck_assert(smmu_ste_fetch(mem, 0, 32, 0xFFFFFFFFu, &ft, got, &f, &acc));
}
END_TEST

START_TEST(test_linear_base_alignment)
{
    struct ptb_strtab st;
    uint64_t ste[8], got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    ptb_strtab_linear(&st, &b, 4);      /* 1 KiB table */
    ste_pattern(ste, 3);
    ptb_strtab_put(&st, 3, ste);
    /* ADDR[LOG2SIZE+5:6] is treated as zero. */
    ck_assert(smmu_ste_fetch(mem, st.base_reg | 0x3C0, st.cfg_reg, 3, &ft, got, &f, &acc));
    ck_assert_mem_eq(got, ste, 64);
}
END_TEST

START_TEST(test_fmt_2lvl_without_support_is_linear)
{
    struct ptb_strtab st;
    uint64_t ste[8], got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    ptb_strtab_linear(&st, &b, 6);
    ste_pattern(ste, 9);
    ptb_strtab_put(&st, 9, ste);
    ft.st_level_2 = false;
    ck_assert(smmu_ste_fetch(mem, st.base_reg, st.cfg_reg | (1u << 16) | (8u << 6), 9, &ft, got, &f, &acc));
    ck_assert_mem_eq(got, ste, 64);
    ck_assert_uint_eq(acc, 1);
}
END_TEST

START_TEST(test_ste_fetch_abort)
{
    struct ptb_strtab st;
    uint64_t ste[8], got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    uint64_t rec[4];
    ptb_strtab_linear(&st, &b, 8);
    ste_pattern(ste, 7);
    uint64_t pa = ptb_strtab_put(&st, 7, ste);
    sim_mem_inject_abort(mem, pa + 32, 8, SIM_MEM_READ);
    smmu_fault_init(&f, 7, false, 0);
    ck_assert(!smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, 7, &ft, got, &f, &acc));
    ck_assert_uint_eq(f.type, SMMU_EVT_F_STE_FETCH);
    ck_assert_uint_eq(f.fetch_addr, pa);
    ck_assert_uint_eq(acc, 1);
    smmu_event_encode(&f, rec);
    ck_assert_uint_eq(rec[0], (7ull << 32) | 0x03);
    ck_assert_uint_eq(rec[3], pa);
    /* A table beyond the OAS is an out-of-range fetch. */
    acc = 0;
    ck_assert(!smmu_ste_fetch(mem, 1ull << 48, 8, 1, &ft, got, &f, &acc));
    ck_assert_uint_eq(f.type, SMMU_EVT_F_STE_FETCH);
    ck_assert_uint_eq(f.fetch_addr, (1ull << 48) + 64);
}
END_TEST

/* ---- 2-level stream table ---- */

static const unsigned splits[][2] = { { 6, 6 }, { 8, 8 }, { 10, 10 }, { 7, 6 }, { 0, 6 }, { 11, 6 } };

START_TEST(test_2lvl_fetch)
{
    unsigned reg_split = splits[_i][0], eff_split = splits[_i][1];
    struct ptb_strtab st;
    uint64_t ste[8], got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    uint32_t sid = 0xB2C5 & 0xFFFF;
    ptb_strtab_2lvl(&st, &b, 16, eff_split);
    st.cfg_reg = (st.cfg_reg & ~(0x1Fu << 6)) | (reg_split << 6);
    ste_pattern(ste, sid);
    ptb_strtab_put(&st, sid, ste);
    ck_assert(smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, sid, &ft, got, &f, &acc));
    ck_assert_mem_eq(got, ste, 64);
    ck_assert_uint_eq(acc, 2);
    /* A neighbour in an unpopulated group has Span 0. */
    uint32_t other = sid ^ (1u << eff_split);
    acc = 0;
    smmu_fault_init(&f, other, false, 0);
    ck_assert(!smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, other, &ft, got, &f, &acc));
    ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_STREAMID);
    ck_assert_uint_eq(f.sid, other);
    ck_assert_uint_eq(acc, 1);
}
END_TEST

static void put_l1std(const struct ptb_strtab *st, uint32_t sid, uint64_t l2, unsigned span)
{
    sim_mem_write64(mem, ptb_strtab_l1std_pa(st, sid), l2 | span);
}

START_TEST(test_2lvl_span_rules)
{
    struct ptb_strtab st;
    uint64_t ste[8], got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    ptb_strtab_2lvl(&st, &b, 12, 6);
    uint64_t l2 = ptb_alloc(&b, 4096, 4096);
    uint32_t sid = (5u << 6) | 3;
    ste_pattern(ste, sid);
    ptb_write(mem, l2 + 3 * 64, ste, 8);
    /* Span 3: 4 STEs; SID[5:0] = 3 is inside, 4 is not. */
    put_l1std(&st, sid, l2, 3);
    ck_assert(smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, sid, &ft, got, &f, &acc));
    ck_assert_mem_eq(got, ste, 64);
    ck_assert(!smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, (5u << 6) | 4, &ft, got, &f, &acc));
    ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_STREAMID);
    /* L2Ptr bits below the level-2 table size are ignored. */
    put_l1std(&st, sid, l2 | 0xC0, 3);
    ck_assert(smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, sid, &ft, got, &f, &acc));
    ck_assert_mem_eq(got, ste, 64);
    /* Span 7 (= SPLIT + 1) is the largest legal value. */
    put_l1std(&st, sid, l2, 7);
    ck_assert(smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, sid, &ft, got, &f, &acc));
    static const unsigned bad_spans[] = { 0, 8, 11, 12, 31 };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(bad_spans); i++) {
        put_l1std(&st, sid, l2, bad_spans[i]);
        f.type = 0;
        ck_assert(!smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, sid, &ft, got, &f, &acc));
        ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_STREAMID);
    }
}
END_TEST

START_TEST(test_2lvl_l1_abort)
{
    struct ptb_strtab st;
    uint64_t got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    ptb_strtab_2lvl(&st, &b, 16, 8);
    uint64_t l1pa = ptb_strtab_l1std_pa(&st, 0x1234);
    sim_mem_inject_abort(mem, l1pa, 8, SIM_MEM_READ);
    smmu_fault_init(&f, 0x1234, false, 0);
    ck_assert(!smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, 0x1234, &ft, got, &f, &acc));
    ck_assert_uint_eq(f.type, SMMU_EVT_F_STE_FETCH);
    ck_assert_uint_eq(f.fetch_addr, l1pa);
    ck_assert_uint_eq(acc, 1);
}
END_TEST

START_TEST(test_2lvl_small_table)
{
    /* LOG2SIZE < SPLIT: a single L1STD covers every SID. */
    struct ptb_strtab st;
    uint64_t ste[8], got[8];
    struct smmu_fault f;
    unsigned acc = 0;
    ptb_strtab_2lvl(&st, &b, 4, 8);
    ste_pattern(ste, 15);
    ptb_strtab_put(&st, 15, ste);
    ck_assert(smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, 15, &ft, got, &f, &acc));
    ck_assert_mem_eq(got, ste, 64);
    ck_assert(!smmu_ste_fetch(mem, st.base_reg, st.cfg_reg, 16, &ft, got, &f, &acc));
    ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_STREAMID);
}
END_TEST

/* ---- STE decode ---- */

/* A legal nested STE: CD at 0x1000; stage 2 with 4 KB granule, S2T0SZ 24
 * (40-bit IPA), S2SL0 1 (start level 1, two concatenated tables). */
static void base_ste(uint64_t ste[8])
{
    ptb_ste_init(ste, 7);
    ptb_ste_set_s1(ste, 0x1000, 0, 0, 0);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2VMID, 0x42);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2T0SZ, 24);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2SL0, 1);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2PS, 5);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2AA64, 1);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2R, 1);
    ste[3] = SIM_FIELD_DP64(ste[3], STE3, S2TTB, 0x80000000ull >> 4);
}

enum ft_tweak {
    T_NONE, T_NO_S1P, T_NO_S2P, T_SSID4, T_NO_CD2L, T_STALL1, T_STALL2, T_NO_VMID16, T_OAS40, T_NO_16K,
    T_LE_ONLY, T_BE_ONLY, T_HTTU0, T_HTTU1, T_NO_ATS,
};

static void apply_tweak(enum ft_tweak t)
{
    switch (t) {
    case T_NONE: break;
    case T_NO_S1P: ft.s1p = false; break;
    case T_NO_S2P: ft.s2p = false; break;
    case T_SSID4: ft.ssidsize = 4; break;
    case T_NO_CD2L: ft.cd2l = false; break;
    case T_STALL1: ft.stall_model = 1; break;
    case T_STALL2: ft.stall_model = 2; break;
    case T_NO_VMID16: ft.vmid16 = false; break;
    case T_OAS40: ft.oas = 2; break;
    case T_NO_16K: ft.gran16k = false; break;
    case T_LE_ONLY: ft.ttendian = 2; break;
    case T_BE_ONLY: ft.ttendian = 3; break;
    case T_HTTU0: ft.httu = 0; break;
    case T_HTTU1: ft.httu = 1; break;
    case T_NO_ATS: ft.ats = false; break;
    }
}

#define FLD(dw, reg, name) dw, R_##reg##_##name##_SHIFT, R_##reg##_##name##_LENGTH

static const struct ste_case {
    const char *what;
    unsigned dw, shift, len;
    uint64_t value;
    unsigned dw2, shift2, len2;     /* optional second field (len2 = 0: none) */
    uint64_t value2;
    enum ft_tweak tweak;
    bool legal;
} ste_cases[] = {
    { "V=0", FLD(0, STE0, V), 0, 0, 0, 0, 0, T_NONE, false },
    { "S1 without S1P", FLD(0, STE0, CONFIG), 5, 0, 0, 0, 0, T_NO_S1P, false },
    { "S2 without S2P", FLD(0, STE0, CONFIG), 6, 0, 0, 0, 0, T_NO_S2P, false },
    { "nested without S2P", FLD(0, STE0, CONFIG), 7, 0, 0, 0, 0, T_NO_S2P, false },
    { "S1CDMax > SSIDSIZE", FLD(0, STE0, S1CDMAX), 5, 0, 0, 0, 0, T_SSID4, false },
    { "S1CDMax = SSIDSIZE", FLD(0, STE0, S1CDMAX), 4, 0, 0, 0, 0, T_SSID4, true },
    { "S1Fmt 3", FLD(0, STE0, S1CDMAX), 4, FLD(0, STE0, S1FMT), 3, T_NONE, false },
    { "S1Fmt 3 ignored with one CD", FLD(0, STE0, S1FMT), 3, 0, 0, 0, 0, T_NONE, true },
    { "S1Fmt 1 without CD2L", FLD(0, STE0, S1CDMAX), 4, FLD(0, STE0, S1FMT), 1, T_NO_CD2L, false },
    { "S1Fmt 2 with CD2L", FLD(0, STE0, S1CDMAX), 4, FLD(0, STE0, S1FMT), 2, T_NONE, true },
    { "S1DSS 3", FLD(0, STE0, S1CDMAX), 4, FLD(1, STE1, S1DSS), 3, T_NONE, false },
    { "S1STALLD with STALL_MODEL 1", FLD(1, STE1, S1STALLD), 1, 0, 0, 0, 0, T_STALL1, false },
    { "S1STALLD with STALL_MODEL 0", FLD(1, STE1, S1STALLD), 1, 0, 0, 0, 0, T_NONE, true },
    { "S1ContextPtr beyond IAS", FLD(0, STE0, S1CTXPTR), 1ull << (48 - 6), 0, 0, 0, 0, T_NONE, false },
    { "EATS 3", FLD(1, STE1, EATS), 3, 0, 0, 0, 0, T_NONE, false },
    { "EATS 3 without ATS", FLD(1, STE1, EATS), 3, 0, 0, 0, 0, T_NO_ATS, true },
    { "EATS 2 not nested", FLD(1, STE1, EATS), 2, FLD(0, STE0, CONFIG), 5, T_NONE, false },
    { "EATS 2 nested", FLD(1, STE1, EATS), 2, 0, 0, 0, 0, T_NONE, true },
    { "STRW EL2", FLD(1, STE1, STRW), 2, 0, 0, 0, 0, T_NONE, false },
    { "STRW 1", FLD(1, STE1, STRW), 1, 0, 0, 0, 0, T_NONE, false },
    { "S2VMID[15:8] without VMID16", FLD(2, STE2, S2VMID), 0x100, 0, 0, 0, 0, T_NO_VMID16, false },
    { "S2AA64 0", FLD(2, STE2, S2AA64), 0, 0, 0, 0, 0, T_NONE, false },
    { "S2TG 3", FLD(2, STE2, S2TG), 3, 0, 0, 0, 0, T_NONE, false },
    { "S2TG 16K unsupported", FLD(2, STE2, S2TG), 2, FLD(2, STE2, S2SL0), 2, T_NO_16K, false },
    { "S2TG 16K", FLD(2, STE2, S2TG), 2, FLD(2, STE2, S2SL0), 1, T_NONE, true },
    { "S2PS 7", FLD(2, STE2, S2PS), 7, 0, 0, 0, 0, T_NONE, false },
    { "S2T0SZ 15", FLD(2, STE2, S2T0SZ), 15, FLD(2, STE2, S2SL0), 2, T_NONE, false },
    { "S2T0SZ 40", FLD(2, STE2, S2T0SZ), 40, FLD(2, STE2, S2SL0), 0, T_NONE, false },
    { "S2T0SZ 39", FLD(2, STE2, S2T0SZ), 39, FLD(2, STE2, S2SL0), 0, T_NONE, true },
    { "S2T0SZ below 64-IAS", FLD(2, STE2, S2T0SZ), 23, 0, 0, 0, 0, T_OAS40, false },
    { "S2T0SZ = 64-IAS", FLD(2, STE2, S2T0SZ), 24, 0, 0, 0, 0, T_OAS40, true },
    { "S2SL0 3", FLD(2, STE2, S2SL0), 3, 0, 0, 0, 0, T_NONE, false },
    { "S2SL0 level 2 input too big", FLD(2, STE2, S2SL0), 0, 0, 0, 0, 0, T_NONE, false },
    { "S2SL0 level 0 input too small", FLD(2, STE2, S2SL0), 2, FLD(2, STE2, S2T0SZ), 30, T_NONE, false },
    { "S2SL0 level 0 with 40-bit OAS", FLD(2, STE2, S2SL0), 2, FLD(2, STE2, S2T0SZ), 24, T_OAS40, false },
    { "S2SL0 64K level 1", FLD(2, STE2, S2TG), 1, FLD(2, STE2, S2SL0), 2, T_NONE, false },
    { "S2TTB beyond S2PS", FLD(2, STE2, S2PS), 0, FLD(3, STE3, S2TTB), 0x100000000ull >> 4, T_NONE, false },
    { "S2TTB beyond OAS", FLD(3, STE3, S2TTB), 1ull << (48 - 4), 0, 0, 0, 0, T_NONE, false },
    { "S2TTB misaligned", FLD(3, STE3, S2TTB), 0x80001000ull >> 4, 0, 0, 0, 0, T_NONE, false },
    { "S2ENDI BE on LE-only", FLD(2, STE2, S2ENDI), 1, 0, 0, 0, 0, T_LE_ONLY, false },
    { "S2ENDI LE on BE-only", FLD(2, STE2, S2ENDI), 0, 0, 0, 0, 0, T_BE_ONLY, false },
    { "S2ENDI BE on BE-only", FLD(2, STE2, S2ENDI), 1, 0, 0, 0, 0, T_BE_ONLY, true },
    { "S2HA without HTTU", FLD(2, STE2, S2HA), 1, 0, 0, 0, 0, T_HTTU0, false },
    { "S2HD with HTTU AF only", FLD(2, STE2, S2HD), 1, 0, 0, 0, 0, T_HTTU1, false },
    { "S2HA with HTTU AF only", FLD(2, STE2, S2HA), 1, 0, 0, 0, 0, T_HTTU1, true },
    { "S2S with STALL_MODEL 1", FLD(2, STE2, S2S), 1, 0, 0, 0, 0, T_STALL1, false },
    { "S2S 0 with STALL_MODEL 2", FLD(2, STE2, S2S), 0, 0, 0, 0, 0, T_STALL2, false },
    { "S2S 1 with STALL_MODEL 2", FLD(2, STE2, S2S), 1, 0, 0, 0, 0, T_STALL2, true },
    { "S2 fields ignored for S1 only", FLD(0, STE0, CONFIG), 5, FLD(2, STE2, S2TG), 3, T_NONE, true },
    { "S1 fields ignored for S2 only", FLD(0, STE0, CONFIG), 6, FLD(0, STE0, S1CDMAX), 31, T_NONE, true },
    { "bypass ignores stage fields", FLD(0, STE0, CONFIG), 4, FLD(2, STE2, S2AA64), 0, T_NONE, true },
};

START_TEST(test_ste_decode_table)
{
    const struct ste_case *c = &ste_cases[_i];
    uint64_t ste[8];
    struct smmu_ste_cfg cfg;
    struct smmu_fault f;
    base_ste(ste);
    ste[c->dw] = sim_deposit64(ste[c->dw], c->shift, c->len, c->value);
    if (c->len2)
        ste[c->dw2] = sim_deposit64(ste[c->dw2], c->shift2, c->len2, c->value2);
    apply_tweak(c->tweak);
    smmu_fault_init(&f, XT_SID, false, 0);
    bool ok = smmu_ste_decode(ste, &ft, &cfg, &f);
    if (ok != c->legal)
        ck_abort_msg("%s: decode %s", c->what, ok ? "accepted" : "rejected");
    if (!ok) {
        ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_STE);
        ck_assert_uint_eq(f.sid, XT_SID);
    }
}
END_TEST

START_TEST(test_ste_decode_nested_fields)
{
    uint64_t ste[8];
    struct smmu_ste_cfg cfg;
    struct smmu_fault f;
    base_ste(ste);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2AFFD, 1);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2PTW, 1);
    ck_assert(smmu_ste_decode(ste, &ft, &cfg, &f));
    ck_assert_int_eq(cfg.mode, SMMU_STE_NESTED);
    ck_assert(cfg.s1 && cfg.s2);
    ck_assert_uint_eq(cfg.s1_ctx_ptr, 0x1000);
    ck_assert_uint_eq(cfg.s2cfg.vmid, 0x42);
    ck_assert_uint_eq(cfg.s2cfg.granule_shift, 12);
    ck_assert_int_eq(cfg.s2cfg.start_level, 1);
    ck_assert_uint_eq(cfg.s2cfg.concat_log2, 1);
    ck_assert_uint_eq(cfg.s2cfg.ps_bits, 48);
    ck_assert_uint_eq(cfg.s2cfg.ttb, 0x80000000ull);
    ck_assert(cfg.s2cfg.affd && cfg.s2cfg.ptw && cfg.s2cfg.r && !cfg.s2cfg.s);
    /* S2PS 52 is capped by the OAS. */
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2PS, 6);
    ft.oas = 4;
    ck_assert(smmu_ste_decode(ste, &ft, &cfg, &f));
    ck_assert_uint_eq(cfg.s2cfg.ps_bits, 44);
}
END_TEST

START_TEST(test_ste_config_modes)
{
    static const enum smmu_ste_mode modes[8] = {
        SMMU_STE_ABORT, SMMU_STE_ABORT, SMMU_STE_ABORT, SMMU_STE_ABORT,
        SMMU_STE_BYPASS, SMMU_STE_S1, SMMU_STE_S2, SMMU_STE_NESTED,
    };
    uint64_t ste[8];
    struct smmu_ste_cfg cfg;
    struct smmu_fault f;
    for (unsigned c = 0; c < 8; c++) {
        base_ste(ste);
        ste[0] = SIM_FIELD_DP64(ste[0], STE0, CONFIG, c);
        if (c < 4)      /* abort configs ignore every other field */
            ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2TG, 3);
        f.type = 0;
        ck_assert(smmu_ste_decode(ste, &ft, &cfg, &f));
        ck_assert_int_eq(cfg.mode, modes[c]);
        ck_assert_uint_eq(f.type, 0);
        ck_assert_int_eq(cfg.s1, c == 5 || c == 7);
        ck_assert_int_eq(cfg.s2, c == 6 || c == 7);
    }
}
END_TEST

START_TEST(test_gbpa)
{
    struct smmu_ste_cfg cfg;
    smmu_gbpa_cfg(1u << 20, &cfg);
    ck_assert_int_eq(cfg.mode, SMMU_STE_ABORT);
    smmu_gbpa_cfg(0x1000, &cfg);
    ck_assert_int_eq(cfg.mode, SMMU_STE_BYPASS);
    ck_assert(!cfg.s1 && !cfg.s2);
}
END_TEST

int main(void)
{
    TCase *tc;
    Suite *s = xt_suite("xlate_ste", &tc, setup, teardown);
    tcase_add_test(tc, test_features_from_idr);
    tcase_add_test(tc, test_linear_fetch);
    tcase_add_test(tc, test_linear_bad_streamid);
    tcase_add_test(tc, test_linear_base_alignment);
    tcase_add_test(tc, test_fmt_2lvl_without_support_is_linear);
    tcase_add_test(tc, test_ste_fetch_abort);
    tcase_add_loop_test(tc, test_2lvl_fetch, 0, (int)SIM_ARRAY_SIZE(splits));
    tcase_add_test(tc, test_2lvl_span_rules);
    tcase_add_test(tc, test_2lvl_l1_abort);
    tcase_add_test(tc, test_2lvl_small_table);
    tcase_add_loop_test(tc, test_ste_decode_table, 0, (int)SIM_ARRAY_SIZE(ste_cases));
    tcase_add_test(tc, test_ste_decode_nested_fields);
    tcase_add_test(tc, test_ste_config_modes);
    tcase_add_test(tc, test_gbpa);
    return xt_run(s);
}
