/*
 * check_workload.c — the guest driver logic, the vCPU / VMM / host actors
 * and the workloads, on a full simulated machine.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "sim/workload/workload.h"
#include "kernel_shim/guest/guest-smmu.h"
#include "kernel_shim/guest/guest-cmdqv.h"

static struct sim_params *params;
static struct sim_machine *machine;

static void setup(void)
{
    GError *err = NULL;
    params = sim_all_params_new(&err);
    ck_assert_msg(params, "%s", err ? err->message : "?");
    machine = sim_machine_new(params, &err);
    ck_assert_msg(machine, "%s", err ? err->message : "?");
}

static void teardown(void)
{
    sim_machine_free(machine);
    sim_params_free(params);
}

/* Run a workload; returns it (freed by the caller) after asserting success. */
static struct workload *run(const char *kind, const char *const *args)
{
    GError *err = NULL;
    struct workload *w = workload_new(machine, kind, args, &err);
    ck_assert_msg(w, "%s", err ? err->message : "?");
    ck_assert_msg(workload_run(w, &err), "%s", err ? err->message : "?");
    return w;
}

/* ------------------------------------------------------ guest logic */

START_TEST(test_tlbi_choice)
{
    uint64_t cmds[2 * 600];
    enum guest_tlbi_kind kind;
    ck_assert_uint_eq(guest_smmu_build_tlbi(false, 7, 0x10000, 4 * 4096, 12, cmds, 600, &kind), 4);
    ck_assert_int_eq(kind, GUEST_TLBI_PER_PAGE);
    ck_assert_uint_eq(cmds[0] & 0xff, GUEST_OP_TLBI_NH_VA);
    ck_assert_uint_eq(cmds[0] >> 48, 7);
    ck_assert_uint_eq(cmds[2 * 3 + 1] & ~0xfffull, 0x13000);
    /* RIL: 64 pages = one command, NUM - 1 = 0 at SCALE 6; 62 pages =
     * 31 x 2 pages (NUM - 1 = 30, SCALE 1). */
    ck_assert_uint_eq(guest_smmu_build_tlbi(true, 7, 0x100000, 64 * 4096, 12, cmds, 600, &kind), 1);
    ck_assert_int_eq(kind, GUEST_TLBI_RANGE);
    ck_assert_uint_eq((cmds[0] >> 12) & 0x1f, 0);
    ck_assert_uint_eq((cmds[0] >> 20) & 0x1f, 6);
    ck_assert_uint_eq(guest_smmu_build_tlbi(true, 7, 0x100000, 62 * 4096, 12, cmds, 600, &kind), 1);
    ck_assert_uint_eq((cmds[0] >> 12) & 0x1f, 30);
    ck_assert_uint_eq((cmds[0] >> 20) & 0x1f, 1);
    ck_assert_uint_eq((cmds[1] >> 10) & 3, 1);      /* TG 4K */
    /* RIL: 33 pages = 1 page at scale 0 + 32 pages at scale 5, in order. */
    ck_assert_uint_eq(guest_smmu_build_tlbi(true, 7, 0, 33 * 4096, 12, cmds, 600, &kind), 2);
    ck_assert_uint_eq((cmds[0] >> 12) & 0x1f, 0);
    ck_assert_uint_eq((cmds[2] >> 20) & 0x1f, 5);
    ck_assert_uint_eq(cmds[3] & ~0xfffull, 0x1000);
    /* 512 pages is still per page; 513 is one TLBI_NH_ASID. */
    ck_assert_uint_eq(guest_smmu_build_tlbi(false, 7, 0, 512 * 4096, 12, cmds, 600, &kind), 512);
    ck_assert_uint_eq(guest_smmu_build_tlbi(false, 7, 0, 513 * 4096, 12, cmds, 600, &kind), 1);
    ck_assert_int_eq(kind, GUEST_TLBI_ASID);
    ck_assert_uint_eq(cmds[0] & 0xff, GUEST_OP_TLBI_NH_ASID);
    /* Too little room: the count needed, nothing past max written. */
    ck_assert_uint_eq(guest_smmu_build_tlbi(false, 7, 0, 8 * 4096, 12, cmds, 2, &kind), 8);
    /* Bad input. */
    ck_assert_uint_eq(guest_smmu_build_tlbi(false, 7, 0, 4096, 13, cmds, 600, &kind), 0);
    ck_assert_uint_eq(guest_smmu_build_tlbi(false, 7, 0x800, 4096, 12, cmds, 600, &kind), 0);
    ck_assert_uint_eq(guest_smmu_build_tlbi(false, 7, 0, 0, 12, cmds, 600, &kind), 0);
}
END_TEST

START_TEST(test_lvcmdq_by_cpu)
{
    ck_assert_uint_eq(guest_cmdqv_lvcmdq_for_cpu(0, 2), 0);
    ck_assert_uint_eq(guest_cmdqv_lvcmdq_for_cpu(5, 2), 1);
    ck_assert_uint_eq(guest_cmdqv_lvcmdq_for_cpu(6, 4), 2);
    ck_assert_uint_eq(guest_cmdqv_lvcmdq_for_cpu(3, 0), 0);
}
END_TEST

/* ------------------------------------------------------------ actors */

static void check_batching(const char *path, unsigned pages, uint64_t prod_writes)
{
    char g[64];
    snprintf(g, sizeof(g), "granule=%u", pages * 4096);
    const char *args[] = { "iterations=1", g, path, NULL };
    struct workload *w = run("dma_unmap", args);
    ck_assert_uint_eq(workload_counter(w, "cmds"), pages);
    ck_assert_uint_eq(workload_counter(w, "syncs"), 1);
    ck_assert_uint_eq(workload_counter(w, "prod_writes"), prod_writes);
    ck_assert_uint_eq(workload_counter(w, "ops"), 1);
    workload_free(w);
}

START_TEST(test_batching_boundaries)
{
    check_batching("path=vcmdq", 63, 1);
    check_batching("path=vcmdq", 64, 1);
    check_batching("path=vcmdq", 65, 2);
    check_batching("path=trapped", 65, 2);
    check_batching("path=host_cmdq", 65, 2);
}
END_TEST

START_TEST(test_queue_full_waits)
{
    /* An 8-entry queue and batches of 7 + CMD_SYNC every 28 commands:
     * the producer must wait for room. */
    GError *err = NULL;
    sim_machine_free(machine);
    ck_assert(sim_params_set(params, "guest.vcmdq_log2", "3", "test", &err));
    machine = sim_machine_new(params, &err);
    const char *args[] = { "iterations=4", "batch=7", "sync_every=28", "path=vcmdq", NULL };
    struct workload *w = run("inval_storm", args);
    ck_assert_uint_gt(workload_counter(w, "queue_full_waits"), 0);
    ck_assert_uint_eq(workload_counter(w, "ops"), 4);
    ck_assert_uint_eq(workload_counter(w, "cmds"), 28);
    workload_free(w);
    const char *big[] = { "batch=8", NULL };
    ck_assert_ptr_null(workload_new(machine, "inval_storm", big, &err));    /* 8 + SYNC > 8 */
    ck_assert(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS));
    g_clear_error(&err);
}
END_TEST

START_TEST(test_error_recovery_vcmdq)
{
    const char *args[] = { "iterations=3", "inject_bad=2", "path=vcmdq", NULL };
    struct workload *w = run("dma_unmap", args);
    ck_assert_uint_eq(workload_counter(w, "errors_recovered"), 1);
    ck_assert_uint_eq(workload_counter(w, "ops"), 3);
    workload_free(w);
}
END_TEST

START_TEST(test_error_recovery_trapped)
{
    const char *args[] = { "iterations=3", "inject_bad=1", "path=trapped", NULL };
    struct workload *w = run("dma_unmap", args);
    ck_assert_uint_eq(workload_counter(w, "errors_recovered"), 1);
    ck_assert_uint_eq(workload_counter(w, "ops"), 3);
    workload_free(w);
}
END_TEST

START_TEST(test_trapped_relay)
{
    const char *args[] = { "iterations=5", "granule=8K", "path=trapped", NULL };
    struct workload *w = run("dma_unmap", args);
    ck_assert_uint_eq(workload_counter(w, "ops"), 5);
    ck_assert_uint_eq(workload_counter(w, "traps"), 5);
    ck_assert_uint_eq(workload_counter(w, "vmm_ioctls"), 5);
    /* The host CMDQ executed the relayed TLBI_NH_VAs (converted: VMID
     * forced) plus its own CMD_SYNCs. */
    uint64_t va = 0;
    ck_assert(sim_stats_lookup_counter(machine->stats, "smmu.cmdq.by_opcode.TLBI_NH_VA", &va));
    ck_assert_uint_eq(va, 10);
    workload_free(w);
}
END_TEST

START_TEST(test_host_paths)
{
    const char *a1[] = { "iterations=10", "threads=4", "path=host_cmdq", "name=h1", NULL };
    struct workload *w = run("dma_unmap", a1);
    ck_assert_uint_eq(workload_counter(w, "ops"), 40);
    workload_free(w);
    const char *a2[] = { "iterations=10", "threads=4", "path=host_vcmdq", "name=h2", NULL };
    w = run("dma_unmap", a2);
    ck_assert_uint_eq(workload_counter(w, "ops"), 40);
    workload_free(w);
}
END_TEST

static uint64_t mean_latency(const char *path, const char *granule)
{
    const char *args[] = { "iterations=20", path, granule, NULL };
    struct workload *w = run("dma_unmap", args);
    uint64_t m = sim_hist_mean(workload_latency(w));
    workload_print_summary(w, stderr);
    workload_free(w);
    return m;
}

START_TEST(test_latency_order)
{
    uint64_t d4 = mean_latency("path=vcmdq", "granule=4K");
    uint64_t t4 = mean_latency("path=trapped", "granule=4K");
    uint64_t d256 = mean_latency("path=vcmdq", "granule=256K");
    uint64_t t256 = mean_latency("path=trapped", "granule=256K");
    ck_assert_uint_gt(d4, 0);
    ck_assert_uint_gt(t4, d4);
    ck_assert_uint_gt(t256, d256);
    ck_assert_uint_gt(d256, d4);
    ck_assert_uint_gt(t256, t4);
}
END_TEST

static char *storm_json(void)
{
    setup();
    const char *args[] = { "threads=4", "iterations=20", "batch=16", "sync_every=32",
                           "path=vcmdq", NULL };
    struct workload *w = run("inval_storm", args);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sim_stats_write_json(machine->stats, params, f, NULL, NULL);
    fclose(f);
    workload_free(w);
    teardown();
    return buf;
}

START_TEST(test_determinism)
{
    teardown();
    char *a = storm_json();
    char *b = storm_json();
    ck_assert_ptr_nonnull(strstr(a, "workload.inval_storm.latency"));
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    setup();
}
END_TEST

START_TEST(test_bad_args)
{
    GError *err = NULL;
    const char *const bad[][2] = {
        { "path=nowhere", NULL }, { "threads=0", NULL }, { "granule=6K", NULL },
        { "page=8K", NULL }, { "bogus=1", NULL }, { "think=3parsecs", NULL }, { "noequals", NULL },
        { "name=a.b", NULL },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert_ptr_null(workload_new(machine, "dma_unmap", bad[i], &err));
        ck_assert_msg(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS), "%s", bad[i][0]);
        g_clear_error(&err);
    }
    ck_assert_ptr_null(workload_new(machine, "dma_traffic", NULL, &err));
    g_clear_error(&err);
}
END_TEST

static Suite *workload_suite(void)
{
    Suite *s = suite_create("workload");
    TCase *t = tcase_create("workload");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_tlbi_choice);
    tcase_add_test(t, test_lvcmdq_by_cpu);
    tcase_add_test(t, test_batching_boundaries);
    tcase_add_test(t, test_queue_full_waits);
    tcase_add_test(t, test_error_recovery_vcmdq);
    tcase_add_test(t, test_error_recovery_trapped);
    tcase_add_test(t, test_trapped_relay);
    tcase_add_test(t, test_host_paths);
    tcase_add_test(t, test_latency_order);
    tcase_add_test(t, test_determinism);
    tcase_add_test(t, test_bad_args);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(workload_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
