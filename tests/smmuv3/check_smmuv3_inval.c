/*
 * check_smmuv3_inval.c — every TLBI and CFGI variant, issued through the
 * CMDQ, removes exactly the entries smmuv3.md §2.3 says; TLB/config-cache
 * insert, lookup and LRU replacement.
 */
#include "testbed.h"

/* Fixture TLB entries; pa = id << 12 identifies survivors. */
#define E(id_, st, as, vm, va_, sz, lvl, lf, gl, e2) \
    { .va = (va_), .pa = (uint64_t)(id_) << 12, .asid = (as), .vmid = (vm), .stage = (st), .granule_log2 = 12, \
      .level = (lvl), .size_log2 = (sz), .leaf = (lf), .global = (gl), .el2 = (e2) }
static const struct smmu_tlb_entry fixture[] = {
    E(0, SMMU_TLB_S1, 1, 1, 0x1000, 12, 3, true, false, false),
    E(1, SMMU_TLB_S1, 2, 1, 0x1000, 12, 3, true, false, false),
    E(2, SMMU_TLB_S1, 0, 1, 0x1000, 12, 3, true, true, false),      /* global */
    E(3, SMMU_TLB_S1, 1, 2, 0x1000, 12, 3, true, false, false),     /* other VMID */
    E(4, SMMU_TLB_S1, 1, 1, 0x0, 21, 2, false, false, false),       /* walk entry over 0..2M */
    E(5, SMMU_TLB_S2, 0, 1, 0x1000, 12, 3, true, false, false),     /* stage 2 only */
    E(6, SMMU_TLB_NESTED, 1, 1, 0x1000, 12, 3, true, false, false),
    E(7, SMMU_TLB_S1, 1, 0, 0x1000, 12, 3, true, false, true),      /* EL2 */
    E(8, SMMU_TLB_S1, 0, 0, 0x1000, 12, 3, true, true, true),       /* EL2 global */
    E(9, SMMU_TLB_S1, 1, 1, 0x5000, 12, 3, true, false, false),
    E(10, SMMU_TLB_S1, 1, 1, 0x200000, 21, 2, true, false, false),  /* 2 MiB block */
    E(11, SMMU_TLB_S2, 0, 2, 0x1000, 12, 3, true, false, false),
};
#define ALL ((1u << SIM_ARRAY_SIZE(fixture)) - 1)
#define B(n) (1u << (n))

static void collect(const struct smmu_tlb_entry *e, void *opaque) { *(uint32_t *)opaque |= 1u << (e->pa >> 12); }

/* Same-address entries share a set: give the fixture enough ways. */
static const char *const wide[] = { "smmu.tlb_assoc=16", NULL };

static uint32_t survivors_after(const char *extra, const char *mn, const char *fields)
{
    const char *sets[] = { "smmu.tlb_assoc=16", extra, NULL };
    struct tb *tb = tb_new(sets);
    tb_cmdq_enable(tb, 4);
    for (size_t i = 0; i < SIM_ARRAY_SIZE(fixture); i++)
        smmu_tlb_insert(smmu_tlb(tb->smmu), &fixture[i]);
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(tb->smmu)), SIM_ARRAY_SIZE(fixture));
    ck_assert_uint_eq(tb_exec(tb, mn, fields), 0);
    uint32_t mask = 0;
    smmu_tlb_foreach(smmu_tlb(tb->smmu), collect, &mask);
    tb_free(tb);
    return mask;
}

#define EXPECT_REMOVED(mn, fields, removed) \
    ck_assert_uint_eq(survivors_after(NULL, mn, fields), ALL & ~(uint32_t)(removed))

START_TEST(test_tlbi_scopes)
{
    EXPECT_REMOVED("TLBI_NH_ALL", "vmid=1", B(0) | B(1) | B(2) | B(4) | B(6) | B(9) | B(10));
    EXPECT_REMOVED("TLBI_NH_ASID", "asid=1,vmid=1", B(0) | B(4) | B(6) | B(9) | B(10));
    EXPECT_REMOVED("TLBI_NH_VA", "asid=1,vmid=1,addr=0x1000", B(0) | B(2) | B(4) | B(6));
    EXPECT_REMOVED("TLBI_NH_VA", "asid=1,vmid=1,addr=0x1000,leaf=1", B(0) | B(2) | B(6));
    EXPECT_REMOVED("TLBI_NH_VAA", "vmid=1,addr=0x1000", B(0) | B(1) | B(2) | B(4) | B(6));
    EXPECT_REMOVED("TLBI_EL2_ALL", "", B(7) | B(8));
    EXPECT_REMOVED("TLBI_EL2_ASID", "asid=1", B(7));
    EXPECT_REMOVED("TLBI_EL2_VA", "asid=2,addr=0x1000", B(8));
    EXPECT_REMOVED("TLBI_EL2_VAA", "addr=0x1000", B(7) | B(8));
    EXPECT_REMOVED("TLBI_S12_VMALL", "vmid=1", B(0) | B(1) | B(2) | B(4) | B(5) | B(6) | B(9) | B(10));
    EXPECT_REMOVED("TLBI_S2_IPA", "vmid=1,addr=0x1000", B(5));
    EXPECT_REMOVED("TLBI_S2_IPA", "vmid=2,addr=0x1000", B(11));
    EXPECT_REMOVED("TLBI_NSNH_ALL", "", ALL & ~(B(7) | B(8)));
}
END_TEST

START_TEST(test_tlbi_ranges)
{
    /* TG 4K, NUM 4: [0x1000, 0x5FFF]. */
    EXPECT_REMOVED("TLBI_NH_VA", "asid=1,vmid=1,addr=0x1000,tg=1,num=4", B(0) | B(2) | B(4) | B(6) | B(9));
    /* One 2 MiB range (SCALE 9) at 0x200000: TTL 3 spares the level-2 block, TTL 2 hits it. */
    EXPECT_REMOVED("TLBI_NH_VA", "asid=1,vmid=1,addr=0x200000,tg=1,scale=9,ttl=3", 0);
    EXPECT_REMOVED("TLBI_NH_VA", "asid=1,vmid=1,addr=0x200000,tg=1,scale=9,ttl=2", B(10));
    /* 64 KiB granule, NUM 0, TTL 3: one 64 KiB page from 0 (TTL spares no table entry). */
    EXPECT_REMOVED("TLBI_NH_VAA", "vmid=1,addr=0x0,tg=3,ttl=3", B(0) | B(1) | B(2) | B(4) | B(6) | B(9));
    /* Without RIL the range fields are RES0: a single address. */
    ck_assert_uint_eq(survivors_after("smmu.ril=false", "TLBI_NH_VA", "asid=1,vmid=1,addr=0x1000,tg=1,num=4"),
                      ALL & ~(B(0) | B(2) | B(4) | B(6)));
    /* A huge range nowhere near the entries removes nothing ... */
    EXPECT_REMOVED("TLBI_NH_VA", "asid=1,vmid=1,addr=0x100000000,tg=1,num=31,scale=20", 0);
    /* ... unless over-invalidation is allowed: then the whole (ASID, VMID) scope goes. */
    ck_assert_uint_eq(survivors_after("smmu.tlb_over_invalidate=true", "TLBI_NH_VA", "asid=1,vmid=1,addr=0x100000000,tg=1,num=31,scale=20"),
                      ALL & ~(B(0) | B(2) | B(4) | B(6) | B(9) | B(10)));
    /* A range reaching the top of the address space does not wrap. */
    EXPECT_REMOVED("TLBI_NH_VAA", "vmid=1,addr=0xFFFFFFFFFFFF0000,tg=1,num=31,scale=30", 0);
}
END_TEST

START_TEST(test_vmid_without_s2)
{
    const char *sets[] = { "smmu.s2=false", NULL };
    struct tb *tb = tb_new(sets);
    tb_cmdq_enable(tb, 2);
    smmu_tlb_insert(smmu_tlb(tb->smmu), &fixture[0]);
    smmu_tlb_insert(smmu_tlb(tb->smmu), &fixture[3]);
    ck_assert_uint_eq(tb_exec(tb, "TLBI_NH_ASID", "asid=1"), 0);
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(tb->smmu)), 0);
    tb_free(tb);
}
END_TEST

/* Fixture config entries; data[0] = id identifies survivors. */
static const struct smmu_cfg_entry cfix[] = {
    { .kind = SMMU_CFG_STE, .sid = 5, .data = { 0 } },
    { .kind = SMMU_CFG_STE, .sid = 6, .data = { 1 } },
    { .kind = SMMU_CFG_CD, .sid = 5, .ssid = 0, .data = { 2 } },
    { .kind = SMMU_CFG_CD, .sid = 5, .ssid = 3, .data = { 3 } },
    { .kind = SMMU_CFG_CD, .sid = 6, .ssid = 3, .data = { 4 } },
    { .kind = SMMU_CFG_L1STD, .sid = 0, .span_log2 = 8, .data = { 5 } },
    { .kind = SMMU_CFG_L1STD, .sid = 256, .span_log2 = 8, .data = { 6 } },
    { .kind = SMMU_CFG_L1CD, .sid = 5, .ssid = 0, .span_log2 = 6, .data = { 7 } },
    { .kind = SMMU_CFG_L1CD, .sid = 6, .ssid = 0, .span_log2 = 6, .data = { 8 } },
};
#define CALL ((1u << SIM_ARRAY_SIZE(cfix)) - 1)

static uint32_t cfg_survivors(const char *mn, const char *fields)
{
    struct tb *tb = tb_new(NULL);
    struct smmu_cfgcache *c = smmu_cfgcache(tb->smmu);
    tb_cmdq_enable(tb, 4);
    for (size_t i = 0; i < SIM_ARRAY_SIZE(cfix); i++)
        smmu_cfg_insert(c, &cfix[i]);
    ck_assert_uint_eq(tb_exec(tb, mn, fields), 0);
    uint32_t mask = 0;
    for (size_t i = 0; i < SIM_ARRAY_SIZE(cfix); i++)
        if (smmu_cfg_lookup(c, cfix[i].kind, cfix[i].sid, cfix[i].ssid))
            mask |= 1u << i;
    tb_free(tb);
    return mask;
}

#define CFG_REMOVED(mn, fields, removed) ck_assert_uint_eq(cfg_survivors(mn, fields), CALL & ~(uint32_t)(removed))

START_TEST(test_cfgi_variants)
{
    CFG_REMOVED("CFGI_STE", "sid=5,leaf=1", B(0) | B(2) | B(3) | B(7));
    CFG_REMOVED("CFGI_STE", "sid=5", B(0) | B(2) | B(3) | B(7) | B(5));
    CFG_REMOVED("CFGI_STE_RANGE", "sid=5,range=0", B(0) | B(2) | B(3) | B(7) | B(5));
    CFG_REMOVED("CFGI_STE_RANGE", "sid=4,range=1", B(0) | B(1) | B(2) | B(3) | B(4) | B(7) | B(8) | B(5));
    CFG_REMOVED("CFGI_STE_RANGE", "sid=300,range=7", B(6));
    CFG_REMOVED("CFGI_ALL", "", CALL);
    CFG_REMOVED("CFGI_STE_RANGE", "sid=0x12345,range=31", CALL);
    CFG_REMOVED("CFGI_CD", "sid=5,ssid=3,leaf=1", B(3));
    CFG_REMOVED("CFGI_CD", "sid=5,ssid=3", B(3) | B(7));
    CFG_REMOVED("CFGI_CD", "sid=5,ssid=0,leaf=1", B(2));
    CFG_REMOVED("CFGI_CD_ALL", "sid=5", B(2) | B(3) | B(7));
    CFG_REMOVED("CFGI_CD_ALL", "sid=7", 0);
}
END_TEST

START_TEST(test_tlb_lookup_lru)
{
    struct smmu_tlb *t = smmu_tlb_new(4, 2, true);     /* 2 sets of 2 ways */
    struct smmu_tlb_entry e = fixture[0];
    smmu_tlb_insert(t, &e);
    struct smmu_tlb_key k = { .va = 0x1ABC, .asid = 1, .vmid = 1, .stage = SMMU_TLB_S1, .leaf = true };
    const struct smmu_tlb_entry *hit = smmu_tlb_lookup(t, &k);
    ck_assert_ptr_nonnull(hit);
    ck_assert_uint_eq(hit->pa, 0);
    k.asid = 2;
    ck_assert_ptr_null(smmu_tlb_lookup(t, &k));        /* non-global: ASID must match */
    k.asid = 1;
    k.vmid = 2;
    ck_assert_ptr_null(smmu_tlb_lookup(t, &k));
    /* A block entry hits any address inside it. */
    smmu_tlb_insert(t, &fixture[10]);
    k = (struct smmu_tlb_key){ .va = 0x3FFFFF, .asid = 1, .vmid = 1, .stage = SMMU_TLB_S1, .leaf = true };
    ck_assert_ptr_nonnull(smmu_tlb_lookup(t, &k));
    /* Re-inserting identical tags replaces, not duplicates. */
    smmu_tlb_insert(t, &fixture[10]);
    ck_assert_uint_eq(smmu_tlb_count(t), 2);
    /* Fill well past capacity: at most 4 valid, evictions counted. */
    for (unsigned i = 0; i < 16; i++) {
        struct smmu_tlb_entry x = fixture[0];
        x.va = 0x100000ull + ((uint64_t)i << 12);
        smmu_tlb_insert(t, &x);
    }
    ck_assert_uint_eq(smmu_tlb_count(t), 4);
    ck_assert_uint_ge(smmu_tlb_stats(t)->evictions, 12);
    smmu_tlb_free(t);

    /* LRU: in one set, the least recently used way is the victim. */
    t = smmu_tlb_new(2, 2, true);                       /* one set */
    struct smmu_tlb_entry a = fixture[0], b2 = fixture[0], c = fixture[0];
    b2.va = 0x2000;
    c.va = 0x3000;
    smmu_tlb_insert(t, &a);
    smmu_tlb_insert(t, &b2);
    k = (struct smmu_tlb_key){ .va = 0x1000, .asid = 1, .vmid = 1, .stage = SMMU_TLB_S1, .leaf = true };
    ck_assert_ptr_nonnull(smmu_tlb_lookup(t, &k));      /* a is now most recent */
    smmu_tlb_insert(t, &c);
    ck_assert_ptr_nonnull(smmu_tlb_lookup(t, &k));
    k.va = 0x2000;
    ck_assert_ptr_null(smmu_tlb_lookup(t, &k));
    smmu_tlb_free(t);

    struct smmu_cfgcache *cc = smmu_cfg_new(2, 2);
    smmu_cfg_insert(cc, &cfix[0]);
    smmu_cfg_insert(cc, &cfix[1]);
    ck_assert_ptr_nonnull(smmu_cfg_lookup(cc, SMMU_CFG_STE, 5, 0));
    smmu_cfg_insert(cc, &cfix[2]);
    ck_assert_ptr_null(smmu_cfg_lookup(cc, SMMU_CFG_STE, 6, 0));
    ck_assert_ptr_nonnull(smmu_cfg_lookup(cc, SMMU_CFG_STE, 5, 0));
    ck_assert_uint_eq(smmu_cfg_stats(cc)->evictions, 1);
    smmu_cfg_free(cc);
}
END_TEST

/* Invalidation cost: base + per page (lookup) or per entry (scan). */
START_TEST(test_inval_cost)
{
    struct tb *tb = tb_new(wide);
    tb_cmdq_enable(tb, 4);
    for (size_t i = 0; i < SIM_ARRAY_SIZE(fixture); i++)
        smmu_tlb_insert(smmu_tlb(tb->smmu), &fixture[i]);
    sim_time_t c = tb_cycle(tb, 1);
    /* NH_ASID scans all 12 valid entries: 8 + 12 * 1 cycles, then the TBU ack. */
    sim_time_t t0 = tb_now(tb);
    tb_push(tb, "TLBI_NH_ASID", "asid=1,vmid=1");
    tb_push(tb, "SYNC", "");
    tb_write_prod(tb);
    tb_idle(tb);
    sim_time_t T = t0 + 4 * c + TB_MEM_LATENCY_PS;
    sim_time_t done = T + (8 + 12) * c + 20 * c;        /* TLBI end + TBU ack */
    ck_assert_uint_eq(tb_now(tb), done + 4 * c);         /* CONS visible after write-back */
    /* Range of 5 pages: 8 + 5 * 2 cycles. */
    t0 = tb_now(tb);
    tb_push(tb, "TLBI_NH_VA", "asid=1,vmid=1,addr=0x10000000,tg=1,num=4");
    tb_push(tb, "SYNC", "");
    tb_write_prod(tb);
    tb_idle(tb);
    T = t0 + 4 * c + TB_MEM_LATENCY_PS;
    ck_assert_uint_eq(tb_now(tb), T + (8 + 10) * c + 20 * c + 4 * c);
    /* CFGI scans the config cache: 8 + entries visited. */
    for (size_t i = 0; i < SIM_ARRAY_SIZE(cfix); i++)
        smmu_cfg_insert(smmu_cfgcache(tb->smmu), &cfix[i]);
    t0 = tb_now(tb);
    tb_push(tb, "CFGI_STE", "sid=5");
    tb_push(tb, "SYNC", "");
    tb_write_prod(tb);
    tb_idle(tb);
    T = t0 + 4 * c + TB_MEM_LATENCY_PS;
    ck_assert_uint_eq(tb_now(tb), T + (8 + 9) * c + 20 * c + 4 * c);
    tb_free(tb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smmuv3_inval");
    TCase *t = tcase_create("tlbi");
    tcase_add_test(t, test_tlbi_scopes);
    tcase_add_test(t, test_tlbi_ranges);
    tcase_add_test(t, test_vmid_without_s2);
    suite_add_tcase(s, t);
    TCase *c = tcase_create("cfgi");
    tcase_add_test(c, test_cfgi_variants);
    suite_add_tcase(s, c);
    TCase *k = tcase_create("caches");
    tcase_add_test(k, test_tlb_lookup_lru);
    tcase_add_test(k, test_inval_cost);
    suite_add_tcase(s, k);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
