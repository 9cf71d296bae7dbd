/*
 * check_evt.c — event records (smmuv3.md §4.1-4.2) and the fate of a
 * faulting transaction (A/R/S, S2R/S2S, RECINVSID; smmuv3.md §3.3).
 */
#include "xlate-check.h"
#include "models/smmuv3/smmuv3-evt.h"

static void setup(void) {}
static void teardown(void) {}

/* A fault with every field set to a distinct non-zero value. */
static void full_fault(struct smmu_fault *f, uint8_t type)
{
    smmu_fault_init(f, 0xCAFEF00Du, true, 0xABCDEu);
    f->type = type;
    f->stall = true;
    f->stag = 0x1234;
    f->pnu = f->ind = f->rnw = true;
    f->s2 = true;
    f->cls = SMMU_EVT_CLASS_TT;
    f->ttrnw = true;
    f->input_addr = 0xFEDCBA9876543210ull;
    f->ipa = 0x0000ABCDEF012345ull;
    f->fetch_addr = 0x00123456789ABCDFull;
}

/* Expected presence of each field group per type, written from
 * smmuv3.md §4.2 independently of the encoder's table. */
static const struct {
    uint8_t type;
    const char *name;
    bool ssid, access, stage, input, ipa, fetch, stall, ttrnw;
} rows[] = {
    { 0x01, "F_UUT", true, true, false, true, false, false, false, false },
    { 0x02, "C_BAD_STREAMID", true, false, false, false, false, false, false, false },
    { 0x03, "F_STE_FETCH", true, false, false, false, false, true, false, false },
    { 0x04, "C_BAD_STE", true, false, false, false, false, false, false, false },
    { 0x05, "F_BAD_ATS_TREQ", true, true, false, true, false, false, false, false },
    { 0x06, "F_STREAM_DISABLED", true, false, false, false, false, false, false, false },
    { 0x07, "F_TRANSL_FORBIDDEN", false, false, false, true, false, false, false, false },
    { 0x08, "C_BAD_SUBSTREAMID", true, false, false, false, false, false, false, false },
    { 0x09, "F_CD_FETCH", true, false, false, false, false, true, false, false },
    { 0x0A, "C_BAD_CD", true, false, false, false, false, false, false, false },
    { 0x0B, "F_WALK_EABT", true, true, true, true, false, true, true, false },
    { 0x10, "F_TRANSLATION", true, true, true, true, true, false, true, false },
    { 0x11, "F_ADDR_SIZE", true, true, true, true, true, false, true, false },
    { 0x12, "F_ACCESS", true, true, true, true, true, false, true, false },
    { 0x13, "F_PERMISSION", true, true, true, true, true, false, true, true },
};

START_TEST(test_encode_every_type)
{
    struct smmu_fault f;
    uint64_t rec[4];
    struct ptb_event e;
    full_fault(&f, rows[_i].type);
    smmu_event_encode(&f, rec);
    ptb_event_decode(rec, &e);
    ck_assert_uint_eq(e.type, rows[_i].type);
    ck_assert_str_eq(smmu_event_name(rows[_i].type), rows[_i].name);
    ck_assert_uint_eq(e.sid, 0xCAFEF00Du);
    ck_assert_uint_eq(e.ssv, rows[_i].ssid);
    ck_assert_uint_eq(e.ssid, rows[_i].ssid ? 0xABCDEu : 0);
    ck_assert_uint_eq(e.pnu, rows[_i].access);
    ck_assert_uint_eq(e.ind, rows[_i].access);
    /* F_TRANSL_FORBIDDEN carries RnW alone. */
    ck_assert_uint_eq(e.rnw, rows[_i].access || rows[_i].type == 0x07);
    ck_assert_uint_eq(e.s2, rows[_i].stage);
    ck_assert_uint_eq(e.cls, rows[_i].stage ? 1 : 0);
    ck_assert_uint_eq(e.stall, rows[_i].stall);
    ck_assert_uint_eq(e.stag, rows[_i].stall ? 0x1234 : 0);
    ck_assert_uint_eq(e.ttrnw, rows[_i].ttrnw);
    ck_assert_uint_eq(e.input_addr, rows[_i].input ? 0xFEDCBA9876543210ull : 0);
    uint64_t d3 = rows[_i].fetch ? 0x00123456789ABCD8ull : rows[_i].ipa ? 0x0000ABCDEF012000ull : 0;
    ck_assert_uint_eq(e.dword3, d3);
    /* Reserved bits of dword 1 stay zero. */
    ck_assert_uint_eq(rec[1] & ~0x0000138E8000FFFFull, 0);
}
END_TEST

START_TEST(test_ipa_only_for_stage2)
{
    struct smmu_fault f;
    uint64_t rec[4];
    full_fault(&f, SMMU_EVT_F_TRANSLATION);
    f.s2 = false;
    f.cls = SMMU_EVT_CLASS_IN;
    smmu_event_encode(&f, rec);
    ck_assert_uint_eq(rec[3], 0);
    ck_assert_uint_eq((rec[1] >> 40) & 3, 2);
}
END_TEST

START_TEST(test_ttrnw_only_for_class_tt)
{
    struct smmu_fault f;
    uint64_t rec[4];
    full_fault(&f, SMMU_EVT_F_PERMISSION);
    f.cls = SMMU_EVT_CLASS_IN;
    smmu_event_encode(&f, rec);
    ck_assert_uint_eq((rec[1] >> 44) & 1, 0);
}
END_TEST

START_TEST(test_no_ssid_without_ssv)
{
    struct smmu_fault f;
    uint64_t rec[4];
    smmu_fault_init(&f, 7, false, 0x55);
    f.type = SMMU_EVT_C_BAD_STE;
    smmu_event_encode(&f, rec);
    ck_assert_uint_eq(rec[0], (7ull << 32) | 0x04);
    ck_assert_uint_eq(rec[1] | rec[2] | rec[3], 0);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(smmu_event_name(0x00), "RESERVED");
    ck_assert_str_eq(smmu_event_name(0x0C), "RESERVED");
    ck_assert_str_eq(smmu_event_name(0xFF), "RESERVED");
    ck_assert_str_eq(smmu_event_name(0x20), "F_TLB_CONFLICT");
    ck_assert_str_eq(smmu_event_name(0x25), "F_VMS_FETCH");
    ck_assert_uint_eq(smmu_evt_field_mask(0x0C), 0);
}
END_TEST

START_TEST(test_set_input)
{
    struct smmu_fault f;
    smmu_fault_init(&f, 1, false, 0);
    smmu_fault_set_input(&f, 0x1000, SMMU_ACCESS_WRITE | SMMU_ACCESS_PRIV);
    ck_assert(!f.rnw && f.pnu && !f.ind);
    smmu_fault_set_input(&f, 0x1000, SMMU_ACCESS_INSN);
    ck_assert(f.rnw && !f.pnu && f.ind);
}
END_TEST

/* A/R/S encodings of smmuv3.md §3.3: 000 RAZ/WI silent, 010 RAZ/WI +
 * record, xx1 stall + record, 100 abort silent, 110 abort + record. */
START_TEST(test_ars_stage1)
{
    static const struct { bool a, r, s; enum smmu_fault_response resp; bool rec; } ars[] = {
        { 0, 0, 0, SMMU_FAULT_RAZWI, false }, { 0, 1, 0, SMMU_FAULT_RAZWI, true },
        { 0, 0, 1, SMMU_FAULT_STALL, true }, { 1, 0, 1, SMMU_FAULT_STALL, true },
        { 1, 0, 0, SMMU_FAULT_ABORT, false }, { 1, 1, 0, SMMU_FAULT_ABORT, true },
    };
    static const uint8_t types[] = { 0x10, 0x11, 0x12, 0x13 };
    struct smmu_features ft;
    struct smmu_ste_cfg ste = { 0 };
    struct smmu_cd_cfg cd = { 0 };
    struct smmu_fault f;
    xt_features(&ft);
    for (unsigned t = 0; t < SIM_ARRAY_SIZE(types); t++) {
        for (unsigned i = 0; i < SIM_ARRAY_SIZE(ars); i++) {
            smmu_fault_init(&f, 1, false, 0);
            f.type = types[t];
            cd.a = ars[i].a;
            cd.r = ars[i].r;
            cd.s = ars[i].s;
            struct smmu_fault_action act = smmu_fault_action(&f, &ft, &ste, &cd);
            ck_assert_int_eq(act.response, ars[i].resp);
            ck_assert_int_eq(act.record, ars[i].rec);
        }
    }
}
END_TEST

START_TEST(test_ars_stage2_and_others)
{
    struct smmu_features ft;
    struct smmu_ste_cfg ste = { 0 };
    struct smmu_cd_cfg cd = { 0 };     /* A = R = S = 0 must not matter */
    struct smmu_fault f;
    struct smmu_fault_action act;
    xt_features(&ft);
    smmu_fault_init(&f, 1, false, 0);
    f.type = SMMU_EVT_F_PERMISSION;
    f.s2 = true;
    act = smmu_fault_action(&f, &ft, &ste, &cd);
    ck_assert(act.response == SMMU_FAULT_ABORT && !act.record);
    ste.s2cfg.r = true;
    act = smmu_fault_action(&f, &ft, &ste, &cd);
    ck_assert(act.response == SMMU_FAULT_ABORT && act.record);
    ste.s2cfg.s = true;
    ste.s2cfg.r = false;
    act = smmu_fault_action(&f, &ft, &ste, &cd);
    ck_assert(act.response == SMMU_FAULT_STALL && act.record);
    /* Configuration and fetch faults always abort and record. */
    static const uint8_t always[] = { 0x03, 0x04, 0x06, 0x08, 0x09, 0x0A, 0x0B };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(always); i++) {
        f.type = always[i];
        act = smmu_fault_action(&f, &ft, &ste, &cd);
        ck_assert(act.response == SMMU_FAULT_ABORT && act.record);
    }
    /* Stage 1 without a CD (S1 bypass, input beyond the IAS). */
    f.type = SMMU_EVT_F_ADDR_SIZE;
    f.s2 = false;
    act = smmu_fault_action(&f, &ft, &ste, NULL);
    ck_assert(act.response == SMMU_FAULT_ABORT && act.record);
}
END_TEST

START_TEST(test_recinvsid)
{
    struct smmu_features ft;
    struct smmu_fault f;
    xt_features(&ft);
    smmu_fault_init(&f, 1, false, 0);
    f.type = SMMU_EVT_C_BAD_STREAMID;
    ck_assert(smmu_fault_action(&f, &ft, NULL, NULL).record);
    ft.recinvsid = false;
    struct smmu_fault_action act = smmu_fault_action(&f, &ft, NULL, NULL);
    ck_assert(!act.record && act.response == SMMU_FAULT_ABORT);
}
END_TEST

int main(void)
{
    TCase *tc;
    Suite *s = xt_suite("xlate_evt", &tc, setup, teardown);
    tcase_add_loop_test(tc, test_encode_every_type, 0, (int)SIM_ARRAY_SIZE(rows));
    tcase_add_test(tc, test_ipa_only_for_stage2);
    tcase_add_test(tc, test_ttrnw_only_for_class_tt);
    tcase_add_test(tc, test_no_ssid_without_ssv);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_set_input);
    tcase_add_test(tc, test_ars_stage1);
    tcase_add_test(tc, test_ars_stage2_and_others);
    tcase_add_test(tc, test_recinvsid);
    return xt_run(s);
}
