/*
 * check_cd.c — CD tables, SubstreamIDs and CD decode (smmuv3.md §3.2-3.3).
 */
#include "xlate-check.h"

static struct sim_mem *mem;
static struct ptb b;
static struct smmu_features ft;
static struct smmu_ste_cfg ste;
static struct smmu_fault f;
static unsigned acc;

static void setup(void)
{
    mem = sim_mem_new();
    ptb_init(&b, mem, XT_POOL, XT_POOL_SIZE);
    xt_features(&ft);
    memset(&ste, 0, sizeof(ste));
    ste.mode = SMMU_STE_S1;
    ste.s1 = true;
    acc = 0;
}

static void teardown(void)
{
    sim_mem_free(mem);
}

static void cd_pattern(uint64_t cd[8], uint32_t ssid)
{
    for (unsigned i = 0; i < 8; i++)
        cd[i] = ((uint64_t)ssid << 20) | (0xC0 + i);
}

static void use_table(const struct ptb_cdtab *ct, unsigned s1dss)
{
    ste.s1_ctx_ptr = ptb_cdtab_ptr(ct);
    ste.s1cdmax = (uint8_t)ct->cdmax;
    ste.s1fmt = (uint8_t)(ct->cdmax ? ct->fmt : 0);
    ste.s1dss = (uint8_t)s1dss;
}

static enum smmu_cd_result fetch(bool ssv, uint32_t ssid, uint64_t got[8])
{
    smmu_fault_init(&f, XT_SID, ssv, ssid);
    return smmu_cd_fetch(mem, &ste, ssv, ssid, &ft, got, &f, &acc);
}

static const struct { unsigned fmt, cdmax; uint32_t ssid; unsigned accesses; } tables[] = {
    { 0, 0, 0, 1 }, { 0, 8, 0xA5, 1 }, { 1, 10, 0x3C5, 2 }, { 2, 16, 0xBEEF, 2 }, { 1, 6, 63, 2 },
};

START_TEST(test_cd_tables)
{
    struct ptb_cdtab ct;
    uint64_t cd[8], got[8];
    bool ssv = tables[_i].cdmax != 0;
    ptb_cdtab_new(&ct, &b, tables[_i].fmt, tables[_i].cdmax, 0);
    use_table(&ct, 0);
    cd_pattern(cd, tables[_i].ssid);
    ptb_cdtab_put(&ct, tables[_i].ssid, cd);
    ck_assert_int_eq(fetch(ssv, tables[_i].ssid, got), SMMU_CD_OK);
    ck_assert_mem_eq(got, cd, 64);
    ck_assert_uint_eq(acc, tables[_i].accesses);
    if (tables[_i].fmt != 0 && tables[_i].cdmax > (tables[_i].fmt == 1 ? 6u : 10u)) {
        /* An SSID in a leaf never installed: invalid L1CD. */
        uint32_t other = tables[_i].ssid ^ (1u << (tables[_i].cdmax - 1));
        ck_assert_int_eq(fetch(true, other, got), SMMU_CD_FAULT);
        ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_SUBSTREAMID);
        ck_assert_uint_eq(f.ssid, other);
    }
}
END_TEST

START_TEST(test_substream_rules)
{
    struct ptb_cdtab ct;
    uint64_t cd[8], got[8];
    ptb_cdtab_new(&ct, &b, 0, 4, 0);
    cd_pattern(cd, 0);
    ptb_cdtab_put(&ct, 0, cd);
    /* S1DSS 0: no-SSID traffic is terminated. */
    use_table(&ct, 0);
    ck_assert_int_eq(fetch(false, 0, got), SMMU_CD_FAULT);
    ck_assert_uint_eq(f.type, SMMU_EVT_F_STREAM_DISABLED);
    ck_assert_uint_eq(acc, 0);
    ck_assert_int_eq(fetch(true, 0, got), SMMU_CD_OK);
    /* S1DSS 1: no-SSID traffic bypasses stage 1. */
    use_table(&ct, 1);
    ck_assert_int_eq(fetch(false, 0, got), SMMU_CD_S1_BYPASS);
    /* S1DSS 2: no-SSID traffic uses CD 0; SSID 0 is disabled. */
    use_table(&ct, 2);
    ck_assert_int_eq(fetch(false, 0, got), SMMU_CD_OK);
    ck_assert_mem_eq(got, cd, 64);
    ck_assert_int_eq(fetch(true, 0, got), SMMU_CD_FAULT);
    ck_assert_uint_eq(f.type, SMMU_EVT_F_STREAM_DISABLED);
    /* SSID beyond S1CDMax. */
    ck_assert_int_eq(fetch(true, 16, got), SMMU_CD_FAULT);
    ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_SUBSTREAMID);
    /* A single-CD stream takes no SSID. */
    ptb_cdtab_new(&ct, &b, 0, 0, 0);
    use_table(&ct, 0);
    ck_assert_int_eq(fetch(true, 0, got), SMMU_CD_FAULT);
    ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_SUBSTREAMID);
    /* Nor does a part without substreams. */
    ft.ssidsize = 0;
    ste.s1cdmax = 4;
    ck_assert_int_eq(fetch(true, 1, got), SMMU_CD_FAULT);
    ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_SUBSTREAMID);
}
END_TEST

START_TEST(test_ssid_without_stage1)
{
    static const enum smmu_ste_mode modes[] = { SMMU_STE_BYPASS, SMMU_STE_S2 };
    for (unsigned i = 0; i < 2; i++) {
        memset(&ste, 0, sizeof(ste));
        ste.mode = modes[i];
        ste.s2 = modes[i] == SMMU_STE_S2;
        smmu_fault_init(&f, 1, true, 5);
        ck_assert(!smmu_ssid_allowed(&ste, &ft, true, &f));
        ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_SUBSTREAMID);
        ck_assert(smmu_ssid_allowed(&ste, &ft, false, &f));
    }
    ste.mode = SMMU_STE_NESTED;
    ste.s1 = true;
    ck_assert(smmu_ssid_allowed(&ste, &ft, true, &f));
}
END_TEST

START_TEST(test_cd_fetch_abort)
{
    struct ptb_cdtab ct;
    uint64_t cd[8], got[8], rec[4];
    ptb_cdtab_new(&ct, &b, 1, 8, 0);
    use_table(&ct, 0);
    cd_pattern(cd, 0x47);
    uint64_t pa = ptb_cdtab_put(&ct, 0x47, cd);
    sim_mem_inject_abort(mem, pa, 64, SIM_MEM_READ);
    ck_assert_int_eq(fetch(true, 0x47, got), SMMU_CD_FAULT);
    ck_assert_uint_eq(f.type, SMMU_EVT_F_CD_FETCH);
    ck_assert_uint_eq(f.fetch_addr, pa);
    ck_assert_uint_eq(acc, 2);
    smmu_event_encode(&f, rec);
    ck_assert_uint_eq(rec[0], ((uint64_t)XT_SID << 32) | (0x47ull << 12) | (1u << 11) | 0x09);
    ck_assert_uint_eq(rec[3], pa);
    /* The L1CD read aborting. */
    sim_mem_inject_abort(mem, ptb_cdtab_l1cd_pa(&ct, 0x47), 8, SIM_MEM_READ);
    acc = 0;
    ck_assert_int_eq(fetch(true, 0x47, got), SMMU_CD_FAULT);
    ck_assert_uint_eq(f.type, SMMU_EVT_F_CD_FETCH);
    ck_assert_uint_eq(f.fetch_addr, ptb_cdtab_l1cd_pa(&ct, 0x47));
    ck_assert_uint_eq(acc, 1);
}
END_TEST

/* Nested: the CD table lives at IPA 0x40000000 = PA 0x50000000. */
START_TEST(test_cd_fetch_through_stage2)
{
    struct ptb_tt s2;
    struct ptb_cdtab ct;
    uint64_t cd[8], got[8], rec[4];
    struct ptb pool;
    ptb_init(&pool, mem, 0x50000000ull, 0x200000);
    ptb_tt_s2(&s2, &b, 12, 24, 1);
    ptb_map(&s2, 0x40000000ull, 0x50000000ull, 2, PTB_S2_RW);
    ptb_cdtab_new(&ct, &pool, 1, 8, 0x10000000ull);
    ste.mode = SMMU_STE_NESTED;
    ste.s2 = true;
    uint64_t raw[8];
    ptb_ste_init(raw, 7);
    ptb_ste_set_s2(raw, &s2, 1, 5);
    struct smmu_ste_cfg dec;
    ck_assert(smmu_ste_decode(raw, &ft, &dec, &f));
    ste.s2cfg = dec.s2cfg;
    use_table(&ct, 0);
    cd_pattern(cd, 0x81);
    ptb_cdtab_put(&ct, 0x81, cd);
    ck_assert_int_eq(fetch(true, 0x81, got), SMMU_CD_OK);
    ck_assert_mem_eq(got, cd, 64);
    ck_assert_uint_eq(acc, 2 + 1 + 2 + 1);     /* S2 walk + L1CD, S2 walk + CD */
    /* A stage-2 fault on the CD fetch: S2 = 1, CLASS = CD, IPA of the L1CD. */
    ptb_set_desc(&s2, 0x40000000ull, 2, 0);
    smmu_fault_init(&f, XT_SID, true, 0x81);
    smmu_fault_set_input(&f, 0xABC000, SMMU_ACCESS_WRITE);
    ck_assert_int_eq(smmu_cd_fetch(mem, &ste, true, 0x81, &ft, got, &f, &acc), SMMU_CD_FAULT);
    ck_assert_uint_eq(f.type, SMMU_EVT_F_TRANSLATION);
    ck_assert(f.s2);
    ck_assert_uint_eq(f.cls, SMMU_EVT_CLASS_CD);
    ck_assert_uint_eq(f.ipa, ptb_cdtab_l1cd_pa(&ct, 0x81) - 0x10000000ull);
    smmu_event_encode(&f, rec);
    ck_assert_uint_eq(rec[2], 0xABC000);
    ck_assert_uint_eq((rec[1] >> 40) & 3, 0);
    ck_assert_uint_eq((rec[1] >> 39) & 1, 1);
    ck_assert_uint_eq(rec[3], (ptb_cdtab_l1cd_pa(&ct, 0x81) - 0x10000000ull) & ~0xFFFull);
}
END_TEST

/* ---- CD decode ---- */

static void base_cd(uint64_t cd[8])
{
    struct ptb_tt tt;
    ptb_tt_s1(&tt, &b, 12, 16);
    ptb_cd_init(cd, &tt, 0x12, 5);
    /* TTB1 half legal but disabled (EPD1 = 1), for cases that enable it. */
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, T1SZ, 16);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, TG1, 2);
}

enum cd_tweak { C_NONE, C_STALL0_S1STALLD, C_STALL1, C_STALL2, C_TERM, C_HTTU0, C_HTTU1, C_NO_ASID16, C_LE, C_BE,
                C_NO_64K, C_OAS40 };

static void apply(enum cd_tweak t)
{
    switch (t) {
    case C_NONE: break;
    case C_STALL0_S1STALLD: ste.s1stalld = true; break;
    case C_STALL1: ft.stall_model = 1; break;
    case C_STALL2: ft.stall_model = 2; break;
    case C_TERM: ft.term_model = true; break;
    case C_HTTU0: ft.httu = 0; break;
    case C_HTTU1: ft.httu = 1; break;
    case C_NO_ASID16: ft.asid16 = false; break;
    case C_LE: ft.ttendian = 2; break;
    case C_BE: ft.ttendian = 3; break;
    case C_NO_64K: ft.gran64k = false; break;
    case C_OAS40: ft.oas = 2; break;
    }
}

#define CF(dw, name) dw, R_CD##dw##_##name##_SHIFT, R_CD##dw##_##name##_LENGTH

static const struct cd_case {
    const char *what;
    unsigned dw, shift, len;
    uint64_t value;
    unsigned dw2, shift2, len2;
    uint64_t value2;
    enum cd_tweak tweak;
    bool legal;
} cd_cases[] = {
    { "V=0", CF(0, V), 0, 0, 0, 0, 0, C_NONE, false },
    { "AA64=0", CF(0, AA64), 0, 0, 0, 0, 0, C_NONE, false },
    { "T0SZ 15", CF(0, T0SZ), 15, 0, 0, 0, 0, C_NONE, false },
    { "T0SZ 40", CF(0, T0SZ), 40, 0, 0, 0, 0, C_NONE, false },
    { "T0SZ 39", CF(0, T0SZ), 39, 0, 0, 0, 0, C_NONE, true },
    { "T0SZ out of range with EPD0", CF(0, T0SZ), 63, CF(0, EPD0), 1, C_NONE, true },
    { "TG0 reserved", CF(0, TG0), 3, 0, 0, 0, 0, C_NONE, false },
    { "TG0 64K unsupported", CF(0, TG0), 1, 0, 0, 0, 0, C_NO_64K, false },
    { "TG1 reserved", CF(0, EPD1), 0, CF(0, TG1), 0, C_NONE, false },
    { "T1SZ 12", CF(0, EPD1), 0, CF(0, T1SZ), 12, C_NONE, false },
    { "IPS 7", CF(0, IPS), 7, 0, 0, 0, 0, C_NONE, false },
    { "TTB0 beyond IPS", CF(0, IPS), 0, CF(1, TTB0), 0x100000000ull >> 4, C_NONE, false },
    { "TTB0 beyond OAS", CF(1, TTB0), 0x10000000000ull >> 4, 0, 0, 0, 0, C_OAS40, false },
    { "TTB1 beyond IPS", CF(0, EPD1), 0, CF(2, TTB1), 1ull << (48 - 4), C_NONE, false },
    { "TTB1 legal", CF(0, EPD1), 0, CF(2, TTB1), 0x4000ull >> 4, C_NONE, true },
    { "ENDI BE on LE-only", CF(0, ENDI), 1, 0, 0, 0, 0, C_LE, false },
    { "ENDI LE on BE-only", CF(0, ENDI), 0, 0, 0, 0, 0, C_BE, false },
    { "HA without HTTU", CF(0, HA), 1, 0, 0, 0, 0, C_HTTU0, false },
    { "HD with AF-only HTTU", CF(0, HD), 1, 0, 0, 0, 0, C_HTTU1, false },
    { "S with STALL_MODEL 1", CF(0, S), 1, 0, 0, 0, 0, C_STALL1, false },
    { "S with S1STALLD", CF(0, S), 1, 0, 0, 0, 0, C_STALL0_S1STALLD, false },
    { "S without stall", CF(0, S), 1, 0, 0, 0, 0, C_NONE, true },
    { "S=0 with STALL_MODEL 2", CF(0, S), 0, 0, 0, 0, 0, C_STALL2, false },
    { "A=0 with TERM_MODEL", CF(0, A), 0, 0, 0, 0, 0, C_TERM, false },
    { "A=0 without TERM_MODEL", CF(0, A), 0, 0, 0, 0, 0, C_NONE, true },
    { "ASID[15:8] without ASID16", CF(0, ASID), 0x100, 0, 0, 0, 0, C_NO_ASID16, false },
    { "ASID[7:0] without ASID16", CF(0, ASID), 0xFF, 0, 0, 0, 0, C_NO_ASID16, true },
};

START_TEST(test_cd_decode_table)
{
    const struct cd_case *c = &cd_cases[_i];
    uint64_t cd[8];
    struct smmu_cd_cfg cfg;
    base_cd(cd);
    cd[c->dw] = sim_deposit64(cd[c->dw], c->shift, c->len, c->value);
    if (c->len2)
        cd[c->dw2] = sim_deposit64(cd[c->dw2], c->shift2, c->len2, c->value2);
    apply(c->tweak);
    smmu_fault_init(&f, XT_SID, true, 9);
    bool ok = smmu_cd_decode(cd, &ste, &ft, &cfg, &f);
    if (ok != c->legal)
        ck_abort_msg("%s: decode %s", c->what, ok ? "accepted" : "rejected");
    if (!ok) {
        ck_assert_uint_eq(f.type, SMMU_EVT_C_BAD_CD);
        ck_assert_uint_eq(f.ssid, 9);
    }
}
END_TEST

START_TEST(test_cd_decode_fields)
{
    uint64_t cd[8];
    struct smmu_cd_cfg cfg;
    base_cd(cd);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, IPS, 6);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, WXN, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, TBI0, 1);
    ck_assert(smmu_cd_decode(cd, &ste, &ft, &cfg, &f));
    ck_assert_uint_eq(cfg.ips_bits, 48);
    ck_assert_uint_eq(cfg.asid, 0x12);
    ck_assert_uint_eq(cfg.tt[0].granule_shift, 12);
    ck_assert_uint_eq(cfg.tt[0].tsz, 16);
    ck_assert(cfg.tt[0].tbi && !cfg.tt[0].disabled && cfg.tt[1].disabled);
    ck_assert(cfg.wxn && cfg.a && cfg.r && !cfg.s);
}
END_TEST

int main(void)
{
    TCase *tc;
    Suite *s = xt_suite("xlate_cd", &tc, setup, teardown);
    tcase_add_loop_test(tc, test_cd_tables, 0, (int)SIM_ARRAY_SIZE(tables));
    tcase_add_test(tc, test_substream_rules);
    tcase_add_test(tc, test_ssid_without_stage1);
    tcase_add_test(tc, test_cd_fetch_abort);
    tcase_add_test(tc, test_cd_fetch_through_stage2);
    tcase_add_loop_test(tc, test_cd_decode_table, 0, (int)SIM_ARRAY_SIZE(cd_cases));
    tcase_add_test(tc, test_cd_decode_fields);
    return xt_run(s);
}
