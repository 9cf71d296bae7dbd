/*
 * check_smmuv3_engine.c — the timed command engine: exact times derived
 * from parameters, CMD_SYNC completion and signalling, every CERROR path
 * and its recovery, ATC invalidation, two sources with independent SYNCs,
 * source restrictions, statistics.
 */
#include "testbed.h"

/* Defaults at 1000 MHz: p2e 4, tlbi 8 + 2/page, sync 4, tbu ack 20, wb 4, msi 10. */

START_TEST(test_tlbi_sync_timing)
{
    struct tb *tb = tb_new(NULL);
    tb_cmdq_enable(tb, 4);
    sim_time_t c = tb_cycle(tb, 1);
    ck_assert_uint_eq(c, 1000);
    sim_time_t t0 = tb_now(tb) + 1000000;
    tb_run_to(tb, t0);
    tb_push(tb, "TLBI_NH_VA", "asid=1,vmid=1,addr=0x1000");
    tb_push(tb, "SYNC", "");
    tb_write_prod(tb);
    sim_time_t T = t0 + 4 * c;                          /* prod_to_engine */
    sim_time_t tlbi_end = T + TB_MEM_LATENCY_PS + 10 * c;
    sim_time_t sync_end = tlbi_end + 4 * c;
    sim_time_t sync_done = tlbi_end + 20 * c;           /* waits for the TBU ack */
    tb_run_to(tb, sync_end + 4 * c - 1);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0);
    tb_run_to(tb, sync_end + 4 * c);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 1);       /* CONS stops at the waiting SYNC */
    tb_run_to(tb, sync_done + 4 * c - 1);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 1);
    tb_run_to(tb, sync_done + 4 * c);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 2);
    ck_assert(smmu_engine_idle(tb->smmu));
    const struct smmu_cmd_source *q = smmu_cmdq_source(tb->smmu);
    ck_assert_uint_eq(q->stats.cmds, 2);
    ck_assert_uint_eq(q->stats.syncs, 1);
    ck_assert_uint_eq(q->stats.sync_latency.max, sync_done - t0);
    uint64_t v;
    ck_assert(sim_stats_lookup_counter(tb->stats, "smmu.cmdq.by_opcode.TLBI_NH_VA", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert(sim_stats_lookup_counter(tb->stats, "smmu.tbu.broadcasts", &v));
    ck_assert_uint_eq(v, 1);
    ck_assert_uint_eq(tb->nirq, 0);
    tb_free(tb);
}
END_TEST

START_TEST(test_fetch_bursts)
{
    const char *sets[] = { "smmu.fetch_burst=2", "smmu.prefetch_depth=1", "smmu.tbus=0", NULL };
    struct tb *tb = tb_new(sets);
    tb_cmdq_enable(tb, 4);
    sim_time_t c = tb_cycle(tb, 1), L = TB_MEM_LATENCY_PS, t0 = tb_now(tb);
    for (int i = 0; i < 5; i++)
        tb_push(tb, "PREFETCH_CONFIG", "sid=1");
    tb_write_prod(tb);
    tb_idle(tb);
    /* Bursts of 2, one outstanding: each burst waits for the previous to drain. */
    sim_time_t T = t0 + 4 * c;
    sim_time_t end = T + L + 2 * 2 * c;                 /* burst 0 */
    end = end + L + 2 * 2 * c;                          /* burst 1 issued when burst 0 drained */
    end = end + L + 2 * c;                              /* burst 2 */
    ck_assert_uint_eq(tb_now(tb), end + 4 * c);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 5);
    tb_free(tb);
}
END_TEST

START_TEST(test_sync_msi)
{
    struct tb *tb = tb_new(NULL);
    tb_cmdq_enable(tb, 4);
    sim_time_t c = tb_cycle(tb, 1), t0 = tb_now(tb);
    tb_push(tb, "SYNC", "cs=1,msidata=0x5A5A,msiaddr=0x9000");
    tb_write_prod(tb);
    sim_time_t done = t0 + 4 * c + TB_MEM_LATENCY_PS + 4 * c;
    tb_idle(tb);
    ck_assert_uint_eq(tb->nirq, 2);
    /* The wired cmdq-sync line pulses when CONS passes the SYNC; the MSI lands after. */
    ck_assert_int_eq(tb->irqs[0].line, SMMU_IRQ_CMD_SYNC);
    ck_assert(!tb->irqs[0].msi);
    ck_assert_uint_eq(tb->irqs[0].t, done + 4 * c);
    ck_assert(tb->irqs[1].msi);
    ck_assert_uint_eq(tb->irqs[1].addr, 0x9000);
    ck_assert_uint_eq(tb->irqs[1].data, 0x5A5A);
    ck_assert_uint_eq(tb->irqs[1].t, done + 4 * c + 10 * c);
    uint32_t v;
    sim_mem_read32(tb->mem, 0x9000, &v);
    ck_assert_uint_eq(v, 0x5A5A);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 1);
    /* Not gated by IRQ_CTRL (which is 0 here); MSIAddress 0: wire only. */
    tb->nirq = 0;
    ck_assert_uint_eq(tb_exec(tb, "SYNC", "cs=1"), 0);
    ck_assert_uint_eq(tb->nirq, 1);
    /* An aborted MSI: GERROR.MSI_CMDQ_ABT_ERR. */
    sim_mem_inject_abort(tb->mem, 0xA000, 4, SIM_MEM_WRITE);
    ck_assert_uint_eq(tb_exec(tb, "SYNC", "cs=1,msiaddr=0xA000"), 0);
    ck_assert_uint_eq(tb_rd(tb, "GERROR"), 0x10);
    /* SEV: counted when the part has SEV; CS = SEV never interrupts. */
    tb->nirq = 0;
    ck_assert_uint_eq(tb_exec(tb, "SYNC", "cs=2"), 0);
    ck_assert_uint_eq(tb->nirq, 0);
    uint64_t sev;
    ck_assert(sim_stats_lookup_counter(tb->stats, "smmu.sev", &sev));
    ck_assert_uint_eq(sev, 1);
    tb_free(tb);
}
END_TEST

START_TEST(test_sync_without_msi_or_sev)
{
    const char *sets[] = { "smmu.msi=false", "smmu.sev=false", NULL };
    struct tb *tb = tb_new(sets);
    tb_cmdq_enable(tb, 4);
    ck_assert_uint_eq(tb_exec(tb, "SYNC", "cs=1,msiaddr=0x9000,msidata=7"), 0);
    ck_assert_uint_eq(tb->nirq, 1);                     /* MSIAddress ignored: wire only */
    ck_assert(!tb->irqs[0].msi);
    uint32_t v;
    sim_mem_read32(tb->mem, 0x9000, &v);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(tb_exec(tb, "SYNC", "cs=2"), 0);
    uint64_t sev;
    ck_assert(sim_stats_lookup_counter(tb->stats, "smmu.sev", &sev));
    ck_assert_uint_eq(sev, 0);
    tb_free(tb);
}
END_TEST

START_TEST(test_cerror_ill_recovery)
{
    struct tb *tb = tb_new(NULL);
    tb_cmdq_enable(tb, 3);
    tb_push(tb, "TLBI_NSNH_ALL", "");
    tb_push(tb, "SYNC", "cs=3");                        /* reserved CS */
    tb_push(tb, "TLBI_NSNH_ALL", "");
    tb_write_prod(tb);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0x01000001);
    ck_assert_uint_eq(tb_rd(tb, "GERROR") & 1, 1);
    /* Further PROD writes do nothing while CMDQ_ERR is active. */
    tb_push(tb, "TLBI_NSNH_ALL", "");
    tb_write_prod(tb);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0x01000001);
    /* Rewrite the bad command as a CMD_SYNC and acknowledge: restarts at CONS. */
    uint64_t cmd[2];
    tb_make(cmd, "SYNC", "");
    tb_put(tb, 1, cmd);
    tb_wr(tb, "GERRORN", tb_rd(tb, "GERROR"));
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 4);
    ck_assert_uint_eq(smmu_cmdq_source(tb->smmu)->stats.errors[SMMU_CERROR_ILL], 1);
    tb_free(tb);
}
END_TEST

START_TEST(test_cerror_abt)
{
    struct tb *tb = tb_new(NULL);
    tb_cmdq_enable(tb, 3);
    sim_time_t c = tb_cycle(tb, 1), t0 = tb_now(tb);
    tb_push(tb, "TLBI_NSNH_ALL", "");
    tb_push(tb, "TLBI_NSNH_ALL", "");
    tb_write_prod(tb);
    unsigned id = sim_mem_inject_abort(tb->mem, TB_QBASE + 16, 16, SIM_MEM_READ);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0x02000001);     /* CONS not advanced past the abort */
    /* The error is visible at the fetch time of command 1 plus write-back. */
    sim_time_t err_t = t0 + 4 * c + TB_MEM_LATENCY_PS + 8 * c + 20 * c * 0;
    ck_assert_uint_eq(tb_now(tb), err_t + 4 * c);
    sim_mem_clear_abort(tb->mem, id);
    tb_wr(tb, "GERRORN", tb_rd(tb, "GERROR"));
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 2);
    tb_free(tb);
}
END_TEST

struct atc_stub {
    bool answer;
    sim_time_t delay;
    unsigned calls;
    uint32_t ssid;
    uint64_t addr;
    unsigned size_log2;
};

static bool atc_invalidate(void *opaque, uint32_t ssid, bool ssv, uint64_t addr, unsigned size_log2, bool global,
                           sim_time_t now, sim_time_t *done_at)
{
    struct atc_stub *a = opaque;
    a->calls++;
    a->ssid = ssid;
    a->addr = addr;
    a->size_log2 = size_log2;
    *done_at = now + a->delay;
    return a->answer;
}

static const struct smmu_atc_ops atc_ops = { atc_invalidate };

START_TEST(test_atc_inv)
{
    struct tb *tb = tb_new(NULL);
    sim_time_t c = tb_cycle(tb, 1);
    tb_wr(tb, "CR0", 0x1);                              /* SMMUEN: ATC_INV is not ignored */
    tb_idle(tb);
    tb_cmdq_enable(tb, 3);
    /* No ATC at the SID: the ATS round trip. */
    sim_time_t t0 = tb_now(tb);
    tb_push(tb, "ATC_INV", "sid=3,size=0,addr=0x5000");
    tb_push(tb, "SYNC", "");
    tb_write_prod(tb);
    tb_idle(tb);
    sim_time_t sent = t0 + 4 * c + TB_MEM_LATENCY_PS + 8 * c;
    ck_assert_uint_eq(tb_now(tb), sent + 1000 * c + 4 * c);
    /* An attached ATC answering after 77 cycles. */
    struct atc_stub a = { true, 77 * c, 0, 0, 0, 0 };
    smmu_attach_atc(tb->smmu, 3, &atc_ops, &a);
    t0 = tb_now(tb);
    tb_push(tb, "ATC_INV", "sid=3,ssid=9,ssv=1,size=4,addr=0x12345000");
    tb_push(tb, "SYNC", "");
    tb_write_prod(tb);
    tb_idle(tb);
    sent = t0 + 4 * c + TB_MEM_LATENCY_PS + 8 * c;
    ck_assert_uint_eq(tb_now(tb), sent + 77 * c + 4 * c);
    ck_assert_uint_eq(a.calls, 1);
    ck_assert_uint_eq(a.ssid, 9);
    ck_assert_uint_eq(a.size_log2, 16);
    ck_assert_uint_eq(a.addr, 0x12340000);
    /* A timeout: the SYNC fails with CERROR_ATC_INV_SYNC and is not consumed. */
    a.answer = false;
    t0 = tb_now(tb);
    tb_push(tb, "ATC_INV", "sid=3");
    tb_push(tb, "SYNC", "cs=1");
    tb_write_prod(tb);
    unsigned before = tb->nirq;
    tb_idle(tb);
    sent = t0 + 4 * c + TB_MEM_LATENCY_PS + 8 * c;
    ck_assert_uint_eq(tb_now(tb), sent + 1000000 * c + 4 * c);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0x03000005);
    ck_assert_uint_eq(tb->nirq, before);                /* no completion signal */
    tb_wr(tb, "GERRORN", tb_rd(tb, "GERROR"));
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 6);       /* the SYNC completes on retry */
    ck_assert_uint_eq(tb->nirq, before + 1);
    /* With SMMUEN = 0, ATC_INV is ignored. */
    smmu_attach_atc(tb->smmu, 3, NULL, NULL);
    tb_wr(tb, "CR0", 0x8);
    tb_idle(tb);
    t0 = tb_now(tb);
    ck_assert_uint_eq(tb_exec(tb, "ATC_INV", "sid=3"), 0);
    ck_assert_uint_eq(tb_now(tb), t0 + 4 * c + TB_MEM_LATENCY_PS + 8 * c + 4 * c);
    tb_free(tb);
}
END_TEST

START_TEST(test_disabled_queue)
{
    struct tb *tb = tb_new(NULL);
    tb->log2 = 3;
    tb_wr64(tb, "CMDQ_BASE", TB_QBASE | 3);
    tb_push(tb, "TLBI_NSNH_ALL", "");
    tb_write_prod(tb);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0);
    tb_wr(tb, "CR0", 0x8);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 1);
    /* Wrap: a 2-entry queue taking 7 commands over several PROD writes. */
    tb_wr(tb, "CR0", 0);
    tb_idle(tb);
    tb_cmdq_enable(tb, 1);
    for (int i = 0; i < 7; i++)
        ck_assert_uint_eq(tb_exec(tb, "TLBI_NSNH_ALL", ""), 0);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), smmu_q_add(1, 0, 7));
    tb_free(tb);
}
END_TEST

/* A second source with its own queue in memory. */
struct src2 {
    struct smmu_cmd_source src;
    unsigned errors;
    enum smmu_cerror last;
    uint32_t last_cons;
};

static void src2_error(struct smmu_cmd_source *s, enum smmu_cerror e, uint32_t cons)
{
    struct src2 *x = (struct src2 *)s;
    x->errors++;
    x->last = e;
    x->last_cons = cons;
}

static bool src2_translate(struct smmu_cmd_source *s, uint32_t vsid, uint32_t *psid)
{
    if (vsid != 7)
        return false;
    *psid = 0x107;
    return true;
}

static const struct smmu_cmd_source_ops src2_ops = { src2_error, NULL, src2_translate };

struct obs_log {
    unsigned n, nsync;
    const struct smmu_cmd_source *who[64];
    sim_time_t sync_done[8];
    const struct smmu_cmd_source *sync_who[8];
};

static void obs_consumed(void *o, const struct smmu_cmd_source *src, uint32_t ptr, uint8_t op, sim_time_t p,
                         sim_time_t s, sim_time_t e)
{
    struct obs_log *l = o;
    if (l->n < 64)
        l->who[l->n++] = src;
}

static void obs_sync(void *o, const struct smmu_cmd_source *src, uint32_t ptr, sim_time_t p, sim_time_t d)
{
    struct obs_log *l = o;
    if (l->nsync < 8) {
        l->sync_who[l->nsync] = src;
        l->sync_done[l->nsync++] = d;
    }
}

static const struct smmu_engine_observer obs = { obs_consumed, obs_sync, NULL };

static void put2(struct tb *tb, uint64_t base, uint32_t idx, const char *mn, const char *fields)
{
    uint64_t cmd[2];
    tb_make(cmd, mn, fields);
    sim_mem_write64(tb->mem, base + idx * 16, cmd[0]);
    sim_mem_write64(tb->mem, base + idx * 16 + 8, cmd[1]);
}

START_TEST(test_two_sources)
{
    struct tb *tb = tb_new(NULL);
    struct obs_log log = { 0 };
    sim_time_t c = tb_cycle(tb, 1);
    smmu_engine_set_observer(tb->smmu, &obs, &log);
    tb_wr(tb, "CR0", 0x1);
    tb_idle(tb);
    tb_cmdq_enable(tb, 4);
    struct src2 b = { .src = { .name = "b", .ops = &src2_ops, .base = 0x50000000, .log2size = 4 } };
    smmu_engine_attach(tb->smmu, &b.src, "test.b");
    smmu_cmd_source_set_enabled(&b.src, true);
    /* Source b: a slow ATC_INV then SYNC; the CMDQ: TLBI then SYNC. */
    put2(tb, 0x50000000, 0, "ATC_INV", "sid=7");
    put2(tb, 0x50000000, 1, "SYNC", "");
    tb_push(tb, "TLBI_NSNH_ALL", "");
    tb_push(tb, "SYNC", "");
    sim_time_t t0 = tb_now(tb);
    smmu_cmd_source_write_prod(&b.src, 2);
    tb_write_prod(tb);
    tb_idle(tb);
    ck_assert_uint_eq(log.nsync, 2);
    /* The CMDQ's SYNC completes first although b was served first. */
    ck_assert_ptr_eq(log.sync_who[0], smmu_cmdq_source(tb->smmu));
    ck_assert_ptr_eq(log.sync_who[1], &b.src);
    sim_time_t T = t0 + 4 * c + TB_MEM_LATENCY_PS;
    sim_time_t b_sent = T + 8 * c;                      /* ATC_INV issue */
    sim_time_t b_sync_end = b_sent + 4 * c;
    ck_assert_uint_eq(log.sync_done[1], b_sent + 1000 * c);
    /* The CMDQ's turn starts when b's turn ends (b waits for its SYNC). */
    sim_time_t q_tlbi_end = b_sync_end + TB_MEM_LATENCY_PS + 8 * c;
    ck_assert_uint_eq(log.sync_done[0], q_tlbi_end + 20 * c);
    ck_assert_uint_eq(b.src.cons, 2);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 2);
    smmu_engine_detach(tb->smmu, &b.src);
    ck_assert(!sim_stats_lookup_counter(tb->stats, "test.b.cmds", NULL));
    tb_free(tb);
}
END_TEST

START_TEST(test_turn_limits)
{
    struct tb *tb = tb_new(NULL);
    struct obs_log log = { 0 };
    smmu_engine_set_observer(tb->smmu, &obs, &log);
    smmu_engine_set_turn_limits(tb->smmu, 1, 0);
    tb_cmdq_enable(tb, 4);
    struct src2 b = { .src = { .name = "b", .ops = &src2_ops, .base = 0x50000000, .log2size = 4 } };
    smmu_engine_attach(tb->smmu, &b.src, "test.b");
    smmu_cmd_source_set_enabled(&b.src, true);
    for (uint32_t i = 0; i < 3; i++) {
        put2(tb, 0x50000000, i, "PREFETCH_CONFIG", "sid=7");
        tb_push(tb, "PREFETCH_CONFIG", "sid=1");
    }
    tb_write_prod(tb);
    smmu_cmd_source_write_prod(&b.src, 3);
    tb_idle(tb);
    ck_assert_uint_eq(log.n, 6);
    for (unsigned i = 0; i < 6; i++)
        ck_assert_ptr_eq(log.who[i], (i % 2) ? (const struct smmu_cmd_source *)&b.src : smmu_cmdq_source(tb->smmu));
    ck_assert_uint_eq(b.src.stats.turns, 3);
    smmu_engine_detach(tb->smmu, &b.src);
    tb_free(tb);
}
END_TEST

START_TEST(test_source_restrictions)
{
    struct tb *tb = tb_new(NULL);
    static uint8_t allowed[32];
    smmu_opset_add(allowed, 0x11);
    smmu_opset_add(allowed, 0x40);
    smmu_opset_add(allowed, 0x46);
    tb_wr(tb, "CR0", 0x1);
    tb_idle(tb);
    struct atc_stub a = { true, 5000, 0, 0, 0, 0 };
    smmu_attach_atc(tb->smmu, 0x107, &atc_ops, &a);
    struct src2 b = { .src = { .name = "b", .ops = &src2_ops, .base = 0x50000000, .log2size = 4,
                               .allowed = allowed, .disallowed_cerror = SMMU_CERROR_ILL_ACCESS,
                               .sync_cs_none_only = true, .vmid_override = true, .vmid = 9,
                               .unmapped_sid_cerror = SMMU_CERROR_ILL } };
    smmu_engine_attach(tb->smmu, &b.src, "test.b");
    smmu_cmd_source_set_enabled(&b.src, true);
    struct smmu_tlb_entry e = { .va = 0x1000, .asid = 1, .vmid = 9, .stage = SMMU_TLB_S1, .size_log2 = 12,
                                .level = 3, .leaf = true };
    smmu_tlb_insert(smmu_tlb(tb->smmu), &e);
    /* VMID override: the guest's VMID 0 becomes 9; vSID 7 becomes pSID 0x107. */
    put2(tb, 0x50000000, 0, "TLBI_NH_ASID", "asid=1,vmid=0");
    put2(tb, 0x50000000, 1, "ATC_INV", "sid=7");
    put2(tb, 0x50000000, 2, "SYNC", "");
    put2(tb, 0x50000000, 3, "TLBI_NSNH_ALL", "");      /* not allowed */
    smmu_cmd_source_write_prod(&b.src, 4);
    tb_idle(tb);
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(tb->smmu)), 0);
    ck_assert_uint_eq(a.calls, 1);
    ck_assert_uint_eq(b.errors, 1);
    ck_assert_int_eq(b.last, SMMU_CERROR_ILL_ACCESS);
    ck_assert_uint_eq(b.last_cons, 3);
    ck_assert(b.src.stopped_on_error);
    /* Fix it, acknowledge: a SYNC with CS = IRQ is disallowed too. */
    put2(tb, 0x50000000, 3, "SYNC", "cs=1");
    smmu_cmd_source_error_ack(&b.src);
    tb_idle(tb);
    ck_assert_uint_eq(b.errors, 2);
    ck_assert_uint_eq(b.last_cons, 3);
    /* An unmapped vSID. */
    put2(tb, 0x50000000, 3, "ATC_INV", "sid=8");
    smmu_cmd_source_error_ack(&b.src);
    tb_idle(tb);
    ck_assert_uint_eq(b.errors, 3);
    ck_assert_int_eq(b.last, SMMU_CERROR_ILL);
    put2(tb, 0x50000000, 3, "SYNC", "");
    smmu_cmd_source_error_ack(&b.src);
    tb_idle(tb);
    ck_assert_uint_eq(b.src.cons, 4);
    ck_assert_uint_eq(b.src.stats.errors[SMMU_CERROR_ILL_ACCESS], 2);
    smmu_engine_detach(tb->smmu, &b.src);
    tb_free(tb);
}
END_TEST

START_TEST(test_reset_clears)
{
    struct tb *tb = tb_new(NULL);
    tb_cmdq_enable(tb, 3);
    tb_push(tb, "TLBI_NSNH_ALL", "");
    tb_write_prod(tb);
    smmu_reset(tb->smmu);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0);
    ck_assert_uint_eq(tb_rd(tb, "CR0ACK"), 0);
    ck_assert(smmu_engine_idle(tb->smmu));
    tb_free(tb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smmuv3_engine");
    TCase *t = tcase_create("timing");
    tcase_add_test(t, test_tlbi_sync_timing);
    tcase_add_test(t, test_fetch_bursts);
    tcase_add_test(t, test_disabled_queue);
    tcase_add_test(t, test_reset_clears);
    suite_add_tcase(s, t);
    TCase *y = tcase_create("sync");
    tcase_add_test(y, test_sync_msi);
    tcase_add_test(y, test_sync_without_msi_or_sev);
    tcase_add_test(y, test_atc_inv);
    suite_add_tcase(s, y);
    TCase *e = tcase_create("errors");
    tcase_add_test(e, test_cerror_ill_recovery);
    tcase_add_test(e, test_cerror_abt);
    suite_add_tcase(s, e);
    TCase *m = tcase_create("sources");
    tcase_add_test(m, test_two_sources);
    tcase_add_test(m, test_turn_limits);
    tcase_add_test(m, test_source_restrictions);
    suite_add_tcase(s, m);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
