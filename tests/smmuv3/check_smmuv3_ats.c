/*
 * check_smmuv3_ats.c — ATS admission by STE.EATS and CR0.ATSCHK
 * (smmuv3.md §3.2, §4.2; docs/translation.md "ATS"): translation requests
 * allowed with EATS = 1, refused with F_BAD_ATS_TREQ for EATS = 0, with
 * C_BAD_STE for split stage (EATS = 2, not modelled) and silently with
 * SMMUEN = 0; ATS-translated transactions checked only with ATSCHK = 1,
 * F_TRANSL_FORBIDDEN when the stream no longer permits ATS.  Latencies are
 * exact, from the parameters.
 */
#include <string.h>
#include "testbed.h"
#include "sim/ptbuild/ptbuild.h"
#include "models/smmuv3/smmuv3-endpoint.h"
#include "models/smmuv3/smmuv3-utlb.h"

#define POOL 0x10000000ull
#define EVQ 0x30000000ull
#define SID 5u
#define ASID 7u
#define VMID 3u
#define EATS_SHIFT 28
#define CR0_SMMUEN 0x1u
#define CR0_ATSCHK 0x10u

static struct {
    struct tb *tb;
    struct ptb b;
    struct ptb_strtab st;
    struct ptb_tt s1, s2;
    struct ptb_cdtab ct;
    struct smmu_endpoint *ep;
} X;

static void setup(void)
{
    memset(&X, 0, sizeof(X));
    X.tb = tb_new(NULL);
    ptb_init(&X.b, X.tb->mem, POOL, 0x10000000ull);
    ptb_strtab_linear(&X.st, &X.b, 8);
    tb_wr64(X.tb, "STRTAB_BASE", X.st.base_reg);
    tb_wr(X.tb, "STRTAB_BASE_CFG", X.st.cfg_reg);
    tb_wr64(X.tb, "EVENTQ_BASE", EVQ | 4);
    tb_wr(X.tb, "EVENTQ_PROD", 0);
    tb_wr(X.tb, "EVENTQ_CONS", 0);
    tb_cmdq_enable(X.tb, 6);
    tb_wr(X.tb, "CR0", tb_rd(X.tb, "CR0") | CR0_SMMUEN | 0x4);
    tb_idle(X.tb);
    ptb_tt_s1(&X.s1, &X.b, 12, 16);
    ptb_map(&X.s1, 0x1000, 0x2000, 3, PTB_S1_RW_ALL);
    ptb_map(&X.s1, 0x3000, 0x4000, 3, PTB_S1_RW_ALL);
    uint64_t cd[8];
    ptb_cd_init(cd, &X.s1, ASID, 5);
    ptb_cdtab_new(&X.ct, &X.b, 0, 0, 0);
    ptb_cdtab_put(&X.ct, 0, cd);
    struct smmu_endpoint_cfg c;
    smmu_endpoint_cfg_from_params(&c, X.tb->params);
    c.ats = true;
    GError *err = NULL;
    X.ep = smmu_endpoint_new(X.tb->smmu, "ep0", SID, &c, &err);
    ck_assert_msg(X.ep, "%s", err ? err->message : "");
}

static void teardown(void)
{
    smmu_endpoint_free(X.ep);
    tb_free(X.tb);
}

/* A stage-1 stream with the given EATS. */
static void s1_stream(unsigned eats)
{
    uint64_t ste[8];
    ptb_ste_init(ste, 5);
    ptb_ste_set_s1(ste, ptb_cdtab_ptr(&X.ct), 0, 0, 0);
    ste[1] |= (uint64_t)eats << EATS_SHIFT;
    ste[2] |= VMID;
    ptb_strtab_put(&X.st, SID, ste);
}

static void dma_done(void *opaque, const struct smmu_dma_result *r)
{
    *(struct smmu_dma_result *)opaque = *r;
}

static struct smmu_dma_result dma(uint64_t iova)
{
    static uint8_t buf[8];
    struct smmu_dma_result res;
    memset(&res, 0, sizeof(res));
    struct smmu_dma_req q = { false, 0, iova, 8, SMMU_ACCESS_READ, buf };
    ck_assert(smmu_endpoint_dma(X.ep, &q, dma_done, &res, NULL));
    tb_idle(X.tb);
    return res;
}

static uint64_t stat(const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(sim_stats_lookup_counter(X.tb->stats, name, &v), "%s", name);
    return v;
}

static struct ptb_event evt_at(unsigned idx)
{
    uint64_t rec[4];
    for (unsigned i = 0; i < 4; i++)
        sim_mem_read64(X.tb->mem, EVQ + idx * 32 + i * 8, &rec[i]);
    struct ptb_event e;
    ptb_event_decode(rec, &e);
    return e;
}

static unsigned events(void) { return tb_rd(X.tb, "EVENTQ_PROD") & 0xFFFFF; }

/* Endpoint-side cost of an ATC lookup plus the request transport. */
static sim_time_t ep_cycles(uint64_t n) { return (sim_time_t)n * 1000000 / tb_param(X.tb, "endpoint.clock_mhz"); }
static sim_time_t atc_and_transport(void)
{
    return ep_cycles(tb_param(X.tb, "endpoint.atc_cycles") + tb_param(X.tb, "endpoint.ats_req_cycles"));
}

START_TEST(eats_trans_allows_requests)
{
    s1_stream(1);
    struct smmu_dma_result r = dma(0x1000);
    ck_assert(r.ok && !r.atc_hit);
    ck_assert_uint_eq(r.pa, 0x2000);
    ck_assert(dma(0x1000).atc_hit);
    ck_assert_uint_eq(smmu_utlb_count(smmu_endpoint_atc(X.ep)), 1);
    ck_assert_uint_eq(events(), 0);
}
END_TEST

START_TEST(eats_abort_is_bad_ats_treq)
{
    s1_stream(0);
    struct smmu_dma_result r = dma(0x1008);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.response, SMMU_FAULT_ABORT);
    ck_assert_uint_eq(r.event, SMMU_EVT_F_BAD_ATS_TREQ);
    ck_assert_uint_eq(smmu_utlb_count(smmu_endpoint_atc(X.ep)), 0);
    /* The TCU reads the STE (one access on a configuration miss). */
    sim_time_t tcu = tb_cycle(X.tb, tb_param(X.tb, "smmu.cfg_cycles") +
                                        2 * tb_param(X.tb, "smmu.tbu_tcu_link_cycles")) + TB_MEM_LATENCY_PS;
    ck_assert_uint_eq(r.completed - r.issued, atc_and_transport() + tcu);
    ck_assert_uint_eq(events(), 1);
    struct ptb_event e = evt_at(0);
    ck_assert_uint_eq(e.type, SMMU_EVT_F_BAD_ATS_TREQ);
    ck_assert_uint_eq(e.sid, SID);
    ck_assert_uint_eq(e.input_addr, 0x1008);
    ck_assert(e.rnw);
    ck_assert_uint_eq(stat("endpoint.ep0.faults"), 1);
    /* Refused every time: nothing was cached. */
    ck_assert_uint_eq(dma(0x1008).event, SMMU_EVT_F_BAD_ATS_TREQ);
    ck_assert_uint_eq(events(), 2);
}
END_TEST

START_TEST(eats_split_stage_is_illegal_for_ats)
{
    uint64_t ste[8];
    ptb_tt_s2(&X.s2, &X.b, 12, 16, 2);
    ptb_ste_init(ste, 7);
    ptb_ste_set_s1(ste, ptb_cdtab_ptr(&X.ct), 0, 0, 0);
    ptb_ste_set_s2(ste, &X.s2, VMID, 5);
    ste[1] |= 2ull << EATS_SHIFT;
    ptb_strtab_put(&X.st, SID, ste);
    struct smmu_dma_result r = dma(0x1000);
    ck_assert(!r.ok);
    ck_assert_uint_eq(r.event, SMMU_EVT_C_BAD_STE);
    ck_assert_uint_eq(events(), 1);
    ck_assert_uint_eq(evt_at(0).type, SMMU_EVT_C_BAD_STE);
}
END_TEST

START_TEST(eats_split_stage_without_stage2_is_bad_ste)
{
    s1_stream(2);   /* ILLEGAL outside the nested configuration: the decode says so */
    struct smmu_dma_result r = dma(0x1000);
    ck_assert(!r.ok);
    ck_assert_uint_eq(r.event, SMMU_EVT_C_BAD_STE);
    ck_assert_uint_eq(events(), 1);
}
END_TEST

START_TEST(s2_stream_with_eats_trans)
{
    uint64_t ste[8];
    ptb_tt_s2(&X.s2, &X.b, 12, 16, 2);
    ptb_map(&X.s2, 0x1000, 0x6000, 3, PTB_S2_RW);
    ptb_ste_init(ste, 6);
    ptb_ste_set_s2(ste, &X.s2, VMID, 5);
    ste[1] |= 1ull << EATS_SHIFT;
    ptb_strtab_put(&X.st, SID, ste);
    struct smmu_dma_result r = dma(0x1000);
    ck_assert(r.ok);
    ck_assert_uint_eq(r.pa, 0x6000);
    ck_assert(dma(0x1000).atc_hit);
}
END_TEST

START_TEST(smmu_disabled_refuses_silently)
{
    s1_stream(1);
    tb_wr(X.tb, "CR0", tb_rd(X.tb, "CR0") & ~CR0_SMMUEN);
    tb_idle(X.tb);
    struct smmu_dma_result r = dma(0x1000);
    ck_assert(!r.ok);
    ck_assert_uint_eq(r.event, SMMU_EVT_NONE);
    ck_assert_int_eq(r.response, SMMU_FAULT_ABORT);
    sim_time_t tcu = tb_cycle(X.tb, tb_param(X.tb, "smmu.cfg_cycles") +
                                        2 * tb_param(X.tb, "smmu.tbu_tcu_link_cycles"));
    ck_assert_uint_eq(r.completed - r.issued, atc_and_transport() + tcu);
    ck_assert_uint_eq(smmu_utlb_count(smmu_endpoint_atc(X.ep)), 0);
    ck_assert_uint_eq(events(), 0);
}
END_TEST

START_TEST(config_abort_left_to_translation)
{
    uint64_t ste[8];
    ptb_ste_init(ste, 0);       /* V = 1, Config = abort */
    ste[1] |= 1ull << EATS_SHIFT;
    ptb_strtab_put(&X.st, SID, ste);
    struct smmu_dma_result r = dma(0x1000);
    ck_assert(!r.ok);
    ck_assert_uint_eq(r.event, SMMU_EVT_NONE);
    ck_assert_uint_eq(events(), 0);
}
END_TEST

/* Fill the ATC with EATS = 1, then take ATS away without an ATC_INV. */
static void stale_atc(void)
{
    s1_stream(1);
    ck_assert(dma(0x1000).ok);
    s1_stream(0);
    ck_assert_uint_eq(tb_exec(X.tb, "CFGI_STE", "sid=5"), 0);
}

START_TEST(translated_unchecked_without_atschk)
{
    stale_atc();
    struct smmu_dma_result r = dma(0x1000);
    ck_assert(r.ok && r.atc_hit);
    ck_assert_uint_eq(r.completed - r.issued,
                      ep_cycles(tb_param(X.tb, "endpoint.atc_cycles")) + TB_MEM_LATENCY_PS);
    ck_assert_uint_eq(events(), 0);
    /* A new page still needs a request, which the stream refuses. */
    ck_assert_uint_eq(dma(0x3000).event, SMMU_EVT_F_BAD_ATS_TREQ);
}
END_TEST

START_TEST(translated_forbidden_with_atschk)
{
    stale_atc();
    tb_wr(X.tb, "CR0", tb_rd(X.tb, "CR0") | CR0_ATSCHK);
    tb_idle(X.tb);
    ck_assert(tb_rd(X.tb, "CR0ACK") & CR0_ATSCHK);
    struct smmu_dma_result r = dma(0x1008);
    ck_assert(!r.ok && r.atc_hit);
    ck_assert_uint_eq(r.event, SMMU_EVT_F_TRANSL_FORBIDDEN);
    ck_assert_int_eq(r.response, SMMU_FAULT_ABORT);
    /* ATC lookup, then the STE check (a configuration miss: one read). */
    ck_assert_uint_eq(r.completed - r.issued, ep_cycles(tb_param(X.tb, "endpoint.atc_cycles")) +
                                                  tb_cycle(X.tb, tb_param(X.tb, "smmu.cfg_cycles")) +
                                                  TB_MEM_LATENCY_PS);
    ck_assert_uint_eq(events(), 1);
    struct ptb_event e = evt_at(0);
    ck_assert_uint_eq(e.type, SMMU_EVT_F_TRANSL_FORBIDDEN);
    ck_assert_uint_eq(e.sid, SID);
    ck_assert_uint_eq(e.input_addr, 0x1008);
    ck_assert(e.rnw);
}
END_TEST

START_TEST(translated_checked_and_allowed)
{
    s1_stream(1);
    tb_wr(X.tb, "CR0", tb_rd(X.tb, "CR0") | CR0_ATSCHK);
    tb_idle(X.tb);
    ck_assert(dma(0x1000).ok);
    struct smmu_dma_result r = dma(0x1000);
    ck_assert(r.ok && r.atc_hit);
    /* The STE is in the configuration cache: the lookup only. */
    ck_assert_uint_eq(r.completed - r.issued, ep_cycles(tb_param(X.tb, "endpoint.atc_cycles")) +
                                                  tb_cycle(X.tb, tb_param(X.tb, "smmu.cfg_cycles")) +
                                                  TB_MEM_LATENCY_PS);
    ck_assert_uint_eq(events(), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("smmuv3_ats");
    TCase *tc = tcase_create("ats");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, eats_trans_allows_requests);
    tcase_add_test(tc, eats_abort_is_bad_ats_treq);
    tcase_add_test(tc, eats_split_stage_is_illegal_for_ats);
    tcase_add_test(tc, eats_split_stage_without_stage2_is_bad_ste);
    tcase_add_test(tc, s2_stream_with_eats_trans);
    tcase_add_test(tc, smmu_disabled_refuses_silently);
    tcase_add_test(tc, config_abort_left_to_translation);
    tcase_add_test(tc, translated_unchecked_without_atschk);
    tcase_add_test(tc, translated_forbidden_with_atschk);
    tcase_add_test(tc, translated_checked_and_allowed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
