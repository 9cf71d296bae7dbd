/*
 * check_smmuv3_cmd.c — command table, field access by name, and the
 * ILLEGAL rule set (smmuv3.md §2.4) against configured features.
 */
#include "testbed.h"
#include "models/smmuv3/smmuv3-cmd.h"

static const struct smmu_cmd_caps full = { true, true, true, true, true, true, true, false };

static enum smmu_cerror check(const struct smmu_cmd_caps *c, const char *mn, const char *fields)
{
    uint64_t cmd[2];
    tb_make(cmd, mn, fields);
    return smmu_cmd_check(c, cmd);
}

START_TEST(test_names)
{
    ck_assert_int_eq(smmu_cmd_opcode_by_name("TLBI_NH_VA"), 0x12);
    ck_assert_int_eq(smmu_cmd_opcode_by_name("cmd_tlbi_nh_va"), 0x12);
    ck_assert_int_eq(smmu_cmd_opcode_by_name("SYNC"), 0x46);
    ck_assert_int_eq(smmu_cmd_opcode_by_name("CMD_SYNC"), 0x46);
    ck_assert_int_eq(smmu_cmd_opcode_by_name("CFGI_ALL"), 0x04);
    ck_assert_int_eq(smmu_cmd_opcode_by_name("BOGUS"), -1);
    ck_assert_int_eq(smmu_cmd_opcode_by_name(NULL), -1);
    ck_assert_str_eq(smmu_cmd_name(0x30), "TLBI_NSNH_ALL");
    ck_assert_str_eq(smmu_cmd_name(0x07), "CFGI_VMS_PIDM");
    ck_assert_str_eq(smmu_cmd_name(0x00), "RESERVED");
    ck_assert_str_eq(smmu_cmd_name(0x99), "RESERVED");
    uint64_t cmd[2];
    tb_make(cmd, "CFGI_ALL", "");
    ck_assert_uint_eq(cmd[0], 0x04);
    ck_assert_uint_eq(cmd[1], 31);
}
END_TEST

START_TEST(test_fields)
{
    uint64_t cmd[2];
    tb_make(cmd, "TLBI_NH_VA", "asid=0xBEEF,vmid=0x1234,num=3,scale=5,tg=1,ttl=3,leaf=1,addr=0xFFFF800012345000");
    ck_assert_uint_eq(cmd[0], 0xBEEF123400503012ull);
    ck_assert_uint_eq(cmd[1], 0xFFFF800012345000ull | (1ull << 10) | (3ull << 8) | 1);
    tb_make(cmd, "SYNC", "cs=1,msidata=0xDEADBEEF,msiaddr=0x8000000004");
    ck_assert_uint_eq(cmd[0], 0xDEADBEEF00001046ull);
    ck_assert_uint_eq(cmd[1], 0x8000000004ull);
    tb_make(cmd, "TLBI_S2_IPA", "vmid=7,addr=0xFFFFFFFFF000");
    ck_assert_uint_eq(smmu_cmd_get(cmd, SMMU_F_IPA), 0xFFFFFFFFF000ull);
    tb_make(cmd, "ATC_INV", "sid=0x10,ssid=5,ssv=1,global=1,size=52,addr=0x2000");
    ck_assert_uint_eq(cmd[0], 0x0000001000005A40ull);
    ck_assert_uint_eq(cmd[1], 0x2000ull | 52);

    GError *err = NULL;
    ck_assert(!smmu_cmd_set_field(cmd, "asid", 1, &err));    /* ATC_INV has no ASID */
    ck_assert_ptr_nonnull(strstr(err->message, "ATC_INV has no field 'asid'"));
    g_clear_error(&err);
    ck_assert(!smmu_cmd_set_field(cmd, "size", 64, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "does not fit"));
    g_clear_error(&err);
    ck_assert(!smmu_cmd_set_field(cmd, "addr", 0x1001, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "aligned"));
    g_clear_error(&err);
    tb_make(cmd, "SYNC", "");
    ck_assert(!smmu_cmd_set_field(cmd, "msiaddr", 0x1002, &err));
    g_clear_error(&err);
    ck_assert(!smmu_cmd_set_field(cmd, "msiaddr", 1ull << 56, &err));
    g_clear_error(&err);
    cmd[0] = 0x99;
    ck_assert(!smmu_cmd_set_field(cmd, "sid", 1, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "reserved"));
    g_clear_error(&err);
    ck_assert(!smmu_cmd_build(cmd, "NOPE", &err));
    g_clear_error(&err);
}
END_TEST

START_TEST(test_reserved_opcodes)
{
    for (unsigned op = 0; op < 256; op++) {
        uint64_t cmd[2] = { op, 0 };
        bool legal = op == 0x01 || op == 0x02 || (op >= 0x03 && op <= 0x06) || (op >= 0x10 && op <= 0x13) ||
                     (op >= 0x20 && op <= 0x23) || op == 0x28 || op == 0x2A || op == 0x30 || op == 0x40 ||
                     op == 0x41 || op == 0x44 || op == 0x45 || op == 0x46;
        ck_assert_msg((smmu_cmd_check(&full, cmd) == SMMU_CERROR_NONE) == legal, "opcode 0x%02x", op);
    }
}
END_TEST

START_TEST(test_missing_features)
{
    struct smmu_cmd_caps c = full;
    c.s1 = false;
    c.hyp = false;
    ck_assert_int_eq(check(&c, "TLBI_NH_VA", ""), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&c, "TLBI_NH_ALL", ""), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&c, "CFGI_CD", ""), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&c, "CFGI_CD_ALL", ""), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&c, "TLBI_S12_VMALL", ""), SMMU_CERROR_NONE);
    ck_assert_int_eq(check(&c, "TLBI_NSNH_ALL", ""), SMMU_CERROR_NONE);
    c = full;
    c.s2 = false;
    ck_assert_int_eq(check(&c, "TLBI_S12_VMALL", ""), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&c, "TLBI_S2_IPA", ""), SMMU_CERROR_ILL);
    c = full;
    c.hyp = false;
    ck_assert_int_eq(check(&c, "TLBI_EL2_ALL", ""), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&c, "TLBI_EL2_VA", ""), SMMU_CERROR_ILL);
    c = full;
    c.ats = false;
    ck_assert_int_eq(check(&c, "ATC_INV", ""), SMMU_CERROR_ILL);
    c = full;
    c.pri = false;
    ck_assert_int_eq(check(&c, "PRI_RESP", ""), SMMU_CERROR_ILL);
    c = full;
    c.stall = false;
    ck_assert_int_eq(check(&c, "RESUME", ""), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&c, "STALL_TERM", ""), SMMU_CERROR_ILL);
}
END_TEST

START_TEST(test_bad_parameters)
{
    ck_assert_int_eq(check(&full, "CFGI_STE", "ssec=1"), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&full, "PREFETCH_CONFIG", "ssec=1"), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&full, "SYNC", "cs=3"), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&full, "SYNC", "cs=2"), SMMU_CERROR_NONE);
    ck_assert_int_eq(check(&full, "PRI_RESP", "resp=3"), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&full, "PRI_RESP", "resp=2"), SMMU_CERROR_NONE);
    ck_assert_int_eq(check(&full, "TLBI_NH_VA", "tg=1"), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&full, "TLBI_NH_VA", "tg=1,ttl=3"), SMMU_CERROR_NONE);
    ck_assert_int_eq(check(&full, "TLBI_S2_IPA", "tg=3"), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&full, "TLBI_NH_VAA", "tg=2,num=1"), SMMU_CERROR_NONE);
    ck_assert_int_eq(check(&full, "ATC_INV", "size=53"), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&full, "ATC_INV", "size=52"), SMMU_CERROR_NONE);
    /* Without RIL, TG is RES0: TG != 0 with NUM = SCALE = TTL = 0 is not checked. */
    struct smmu_cmd_caps c = full;
    c.ril = false;
    ck_assert_int_eq(check(&c, "TLBI_NH_VA", "tg=1"), SMMU_CERROR_NONE);
    /* RES0 fields only with check_res0. */
    uint64_t cmd[2];
    tb_make(cmd, "TLBI_NSNH_ALL", "");
    cmd[1] = 1;
    ck_assert_int_eq(smmu_cmd_check(&full, cmd), SMMU_CERROR_NONE);
    c = full;
    c.check_res0 = true;
    ck_assert_int_eq(smmu_cmd_check(&c, cmd), SMMU_CERROR_ILL);
    tb_make(cmd, "TLBI_NH_VA", "asid=1,vmid=2,num=31,scale=31,tg=3,ttl=3,leaf=1,addr=0xFFFFFFFFFFFFF000");
    ck_assert_int_eq(smmu_cmd_check(&c, cmd), SMMU_CERROR_NONE);
    cmd[0] |= 1ull << 8;                                /* RES0 bit 8 */
    ck_assert_int_eq(smmu_cmd_check(&c, cmd), SMMU_CERROR_ILL);
    c.ril = false;                                      /* NUM/SCALE/TG/TTL become RES0 */
    tb_make(cmd, "TLBI_NH_VA", "tg=1,ttl=1");
    ck_assert_int_eq(smmu_cmd_check(&c, cmd), SMMU_CERROR_ILL);
    c = full;
    c.check_res0 = true;
    c.s2 = false;                                       /* VMID becomes RES0 */
    ck_assert_int_eq(check(&c, "TLBI_NH_ASID", "vmid=1"), SMMU_CERROR_ILL);
    ck_assert_int_eq(check(&c, "TLBI_NH_ASID", "asid=1"), SMMU_CERROR_NONE);
}
END_TEST

/* Through the SMMU: the part's features decide legality. */
START_TEST(test_part_features_via_cmdq)
{
    const char *sets[] = { "smmu.s1=false", "smmu.hyp=false", "smmu.ats=false", NULL };
    struct tb *tb = tb_new(sets);
    tb_cmdq_enable(tb, 3);
    ck_assert_uint_eq(tb_exec(tb, "TLBI_S12_VMALL", "vmid=1"), 0);
    ck_assert_uint_eq(tb_exec(tb, "ATC_INV", ""), 1);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS") & 0xF, 1);
    tb_free(tb);
    const char *sets2[] = { "smmu.check_res0=true", NULL };
    tb = tb_new(sets2);
    tb_cmdq_enable(tb, 3);
    uint64_t cmd[2] = { 0x30 | (1ull << 20), 0 };
    tb_put(tb, 0, cmd);
    tb->prod = 1;
    tb_write_prod(tb);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0x01000000);
    tb_free(tb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smmuv3_cmd");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_fields);
    suite_add_tcase(s, tc);
    TCase *ill = tcase_create("illegal");
    tcase_add_test(ill, test_reserved_opcodes);
    tcase_add_test(ill, test_missing_features);
    tcase_add_test(ill, test_bad_parameters);
    tcase_add_test(ill, test_part_features_via_cmdq);
    suite_add_tcase(s, ill);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
