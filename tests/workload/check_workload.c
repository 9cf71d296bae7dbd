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

static uint64_t stat_counter(const char *name)
{
    uint64_t v = UINT64_MAX;
    ck_assert_msg(sim_stats_lookup_counter(machine->stats, name, &v), "%s", name);
    return v;
}

START_TEST(test_queues_vcmdq)
{
    /* Four vCPUs on one LVCMDQ: every command lands on LVCMDQ 0. */
    const char *one[] = { "threads=4", "iterations=3", "queues=1", "path=vcmdq", "name=q1", NULL };
    struct workload *w = run("dma_unmap", one);
    ck_assert_uint_eq(workload_counter(w, "ops"), 12);
    ck_assert_uint_eq(workload_counter(w, "lvcmdq0.cmds"), 12);
    workload_free(w);
    /* The default: min(threads, LVCMDQs per VINTF) = 2 (profile default
     * 2^(7 - 6)); vCPU i on LVCMDQ i % 2, so three vCPUs give 2:1. */
    const char *dflt[] = { "threads=3", "iterations=2", "path=vcmdq", "name=qd", NULL };
    w = run("dma_unmap", dflt);
    ck_assert_uint_eq(workload_counter(w, "lvcmdq0.cmds"), 4);
    ck_assert_uint_eq(workload_counter(w, "lvcmdq1.cmds"), 2);
    workload_free(w);
    /* A VINTF with 8 LVCMDQs: queues=3 and five vCPUs map 0,1,2,0,1. */
    GError *err = NULL;
    sim_machine_free(machine);
    ck_assert(sim_params_set(params, "cmdqv.num_vintf_log2", "4", "test", &err));
    machine = sim_machine_new(params, &err);
    ck_assert_msg(machine, "%s", err ? err->message : "?");
    const char *three[] = { "threads=5", "iterations=1", "granule=8K", "queues=3", "path=vcmdq",
                            "name=q3", NULL };
    w = run("dma_unmap", three);
    ck_assert_uint_eq(stat_counter("workload.q3.lvcmdq0.cmds"), 4);
    ck_assert_uint_eq(stat_counter("workload.q3.lvcmdq1.cmds"), 4);
    ck_assert_uint_eq(stat_counter("workload.q3.lvcmdq2.cmds"), 2);
    ck_assert_uint_eq(workload_counter(w, "queues"), 3);
    workload_free(w);
    /* queues=9 exceeds the 8 a VINTF has: an argument error naming the limit. */
    const char *nine[] = { "queues=9", "path=vcmdq", NULL };
    ck_assert_ptr_null(workload_new(machine, "dma_unmap", nine, &err));
    ck_assert(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS));
    ck_assert_ptr_nonnull(strstr(err->message, "cmdqv.num_vcmdq_log2 - cmdqv.num_vintf_log2"));
    ck_assert_ptr_nonnull(strstr(err->message, "8 LVCMDQs"));
    g_clear_error(&err);
}
END_TEST

START_TEST(test_queues_host_vcmdq)
{
    const char *a[] = { "threads=4", "iterations=2", "queues=1", "path=host_vcmdq", "name=hq",
                        NULL };
    struct workload *w = run("dma_unmap", a);
    ck_assert_uint_eq(workload_counter(w, "lvcmdq0.cmds"), 8);
    ck_assert_uint_eq(workload_counter(w, "queues"), 1);
    workload_free(w);
    GError *err = NULL;
    const char *too_many[] = { "queues=3", "path=host_vcmdq", NULL };
    ck_assert_ptr_null(workload_new(machine, "dma_unmap", too_many, &err));
    ck_assert(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS));
    g_clear_error(&err);
    /* queues= means nothing on the paths without LVCMDQs. */
    const char *trapped[] = { "queues=1", "path=trapped", NULL };
    ck_assert_ptr_null(workload_new(machine, "dma_unmap", trapped, &err));
    ck_assert(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS));
    g_clear_error(&err);
    const char *zero[] = { "queues=0", "path=vcmdq", NULL };
    ck_assert_ptr_null(workload_new(machine, "dma_unmap", zero, &err));
    g_clear_error(&err);
}
END_TEST

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
    ck_assert_ptr_null(workload_new(machine, "dma_storm", NULL, &err));
    g_clear_error(&err);
}
END_TEST

/* ------------------------------------------------------- dma_traffic */

static struct workload *dma(const char *kind, const char *const *args, uint64_t *mean)
{
    struct workload *w = run(kind, args);
    *mean = sim_hist_mean(workload_latency(w));
    workload_print_summary(w, stderr);
    return w;
}

START_TEST(test_dma_tlb_reach)
{
    /* 16 pages fit the 32-entry micro-TLB; 8192 pages overflow the
     * 2048-entry TLB, so random accesses mostly walk. */
    uint64_t small, large;
    const char *a[] = { "working_set=64K", "pattern=random", "transactions=2000", "name=small", NULL };
    struct workload *w = dma("dma_traffic", a, &small);
    ck_assert_uint_eq(workload_counter(w, "transactions"), 2000);
    ck_assert_uint_eq(workload_counter(w, "faults"), 0);
    ck_assert_uint_gt(workload_counter(w, "utlb.hit_ppm"), 900000);
    ck_assert_uint_le(workload_counter(w, "walks"), 16);
    uint64_t small_walks = workload_counter(w, "walks");
    workload_free(w);
    const char *b[] = { "working_set=32M", "pattern=random", "transactions=2000", "name=large", NULL };
    w = dma("dma_traffic", b, &large);
    ck_assert_uint_lt(workload_counter(w, "utlb.hit_ppm"), 100000);
    ck_assert_uint_lt(workload_counter(w, "tlb.hit_ppm"), 500000);
    ck_assert_uint_gt(workload_counter(w, "walks"), 10 * small_walks + 1000);
    ck_assert_uint_gt(workload_counter(w, "throughput_bytes_per_s"), 0);
    workload_free(w);
    ck_assert_uint_gt(large, 2 * small);
}
END_TEST

START_TEST(test_dma_patterns)
{
    /* seq over 64 KiB with 4 KiB transactions: one micro-TLB miss per page
     * and reads + writes split by access=mixed. */
    const char *a[] = { "working_set=64K", "size=4K", "pattern=seq", "transactions=64",
                        "access=mixed", "outstanding=4", "endpoints=2", NULL };
    uint64_t m;
    struct workload *w = dma("dma_traffic", a, &m);
    ck_assert_uint_eq(workload_counter(w, "transactions"), 128);
    ck_assert_uint_eq(workload_counter(w, "reads") + workload_counter(w, "writes"), 128);
    ck_assert_uint_gt(workload_counter(w, "reads"), 0);
    ck_assert_uint_gt(workload_counter(w, "writes"), 0);
    ck_assert_uint_eq(workload_counter(w, "bytes"), 128 * 4096);
    ck_assert_uint_eq(workload_counter(w, "utlb.misses"), 2 * 16);
    workload_free(w);
    /* stride 8 KiB touches every other page only. */
    const char *b[] = { "working_set=64K", "size=64", "pattern=stride", "stride=8K",
                        "transactions=64", "name=st", NULL };
    w = dma("dma_traffic", b, &m);
    ck_assert_uint_eq(workload_counter(w, "utlb.misses"), 8);
    workload_free(w);
}
END_TEST

START_TEST(test_dma_ats)
{
    uint64_t on, off;
    const char *a[] = { "working_set=8M", "pattern=random", "transactions=1000", "ats=on",
                        "name=on", NULL };
    struct workload *w = dma("dma_traffic", a, &on);
    ck_assert_uint_gt(workload_counter(w, "atc.misses"), 0);
    /* Bound as ATS functions, the endpoints' STEs permit ATS (EATS = TRANS):
     * every translation request is answered, none is F_BAD_ATS_TREQ. */
    ck_assert_uint_eq(workload_counter(w, "faults"), 0);
    ck_assert_uint_eq(workload_counter(w, "utlb.hits") + workload_counter(w, "utlb.misses"), 0);
    workload_free(w);
    const char *b[] = { "working_set=8M", "pattern=random", "transactions=1000", "ats=off",
                        "name=off", NULL };
    w = dma("dma_traffic", b, &off);
    ck_assert_uint_eq(workload_counter(w, "atc.hits") + workload_counter(w, "atc.misses"), 0);
    workload_free(w);
    /* An ATC miss costs the translation request's round trip on top of the
     * TCU's work. */
    ck_assert_uint_gt(on, off);
    /* Inside the ATC's reach, ATS answers from the ATC. */
    const char *c[] = { "working_set=64K", "pattern=random", "transactions=1000", "ats=on",
                        "name=near", NULL };
    w = dma("dma_traffic", c, &on);
    ck_assert_uint_gt(workload_counter(w, "atc.hit_ppm"), 900000);
    ck_assert_uint_eq(workload_counter(w, "faults"), 0);
    workload_free(w);
}
END_TEST

/* page=2M: the shim maps the buffer with 2 MiB stage-2 blocks, so a
 * working set four times the TLB's 4 KiB reach (2048 x 4 KiB) fits even the
 * micro-TLB; page=4K (IOMMU_OPTION_HUGE_PAGES = 0) walks for most accesses. */
START_TEST(test_dma_page_2m)
{
    uint64_t small_pages, huge;
    const char *a[] = { "working_set=32M", "pattern=random", "transactions=2000", "page=4K",
                        "name=p4k", NULL };
    struct workload *w = dma("dma_traffic", a, &small_pages);
    uint64_t walks_4k = workload_counter(w, "walks");
    ck_assert_uint_eq(workload_counter(w, "faults"), 0);
    ck_assert_uint_gt(walks_4k, 1000);
    workload_free(w);
    const char *b[] = { "working_set=32M", "pattern=random", "transactions=2000", "page=2M",
                        "name=p2m", NULL };
    w = dma("dma_traffic", b, &huge);
    ck_assert_uint_eq(workload_counter(w, "faults"), 0);
    ck_assert_uint_le(workload_counter(w, "walks"), 16);   /* one per 2 MiB block at most */
    ck_assert_uint_gt(workload_counter(w, "utlb.hit_ppm"), 900000);   /* 16 blocks fit it */
    workload_free(w);
    ck_assert_uint_lt(huge, small_pages);
}
END_TEST

/* page=2M where the pinned frames cannot form blocks is a setup error
 * naming the fix; with huge2m pinning it runs on blocks. */
static void machine_with_layout(const char *layout)
{
    GError *err = NULL;
    sim_machine_free(machine);
    ck_assert(sim_params_set(params, "shim.pin_layout", layout, "test", &err));
    machine = sim_machine_new(params, &err);
    ck_assert_msg(machine, "%s", err ? err->message : "?");
}

START_TEST(test_dma_page_2m_needs_blocks)
{
    machine_with_layout("scattered");
    GError *err = NULL;
    const char *a[] = { "working_set=4M", "page=2M", "transactions=10", NULL };
    struct workload *w = workload_new(machine, "dma_traffic", a, &err);
    ck_assert_msg(w, "%s", err ? err->message : "?");
    ck_assert(!workload_run(w, &err));
    ck_assert(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_SETUP));
    ck_assert_ptr_nonnull(strstr(err->message, "shim.pin_layout=huge2m"));
    g_clear_error(&err);
    workload_free(w);
    machine_with_layout("huge2m");
    uint64_t mean;
    w = dma("dma_traffic", a, &mean);
    ck_assert_uint_eq(workload_counter(w, "faults"), 0);
    ck_assert_uint_le(workload_counter(w, "walks"), 2);
    workload_free(w);
}
END_TEST

static char *dma_json(const char *seed)
{
    setup();
    GError *err = NULL;
    sim_machine_free(machine);
    ck_assert(sim_params_set(params, "machine.seed", seed, "test", &err));
    machine = sim_machine_new(params, &err);
    const char *args[] = { "working_set=4M", "pattern=random", "access=mixed", "transactions=500",
                           "outstanding=8", "endpoints=2", NULL };
    struct workload *w = run("dma_traffic", args);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sim_stats_write_json(machine->stats, params, f, NULL, NULL);
    fclose(f);
    workload_free(w);
    teardown();
    return buf;
}

START_TEST(test_dma_determinism)
{
    teardown();
    char *a = dma_json("7");
    char *b = dma_json("7");
    char *c = dma_json("8");
    ck_assert_ptr_nonnull(strstr(a, "workload.dma_traffic.latency"));
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    free(a);
    free(b);
    free(c);
    setup();
}
END_TEST

START_TEST(test_mixed)
{
    /* The same DMA alone and beside a host unmap loop invalidating its
     * pages: the invalidations cost TLB hits and raise DMA latency. */
    uint64_t alone, mixed;
    const char *a[] = { "working_set=256K", "pattern=random", "transactions=3000", "name=alone",
                        NULL };
    struct workload *w = dma("dma_traffic", a, &alone);
    uint64_t alone_walks = workload_counter(w, "walks");
    workload_free(w);
    const char *b[] = { "dma.working_set=256K", "dma.pattern=random", "dma.transactions=3000",
                        "unmap.iterations=200", "unmap.granule=16K", NULL };
    w = dma("mixed", b, &mixed);
    ck_assert_uint_eq(stat_counter("workload.mixed.dma.transactions"), 3000);
    ck_assert_uint_eq(stat_counter("workload.mixed.unmap.ops"), 200);
    ck_assert_uint_eq(stat_counter("workload.mixed.unmap.cmds"), 200 * 4);
    ck_assert_uint_gt(stat_counter("workload.mixed.dma.walks"), alone_walks);
    ck_assert_uint_eq(stat_counter("workload.mixed.dma.faults"), 0);
    workload_free(w);
    ck_assert_uint_gt(mixed, alone);
    /* inval_storm on LVCMDQs of VINTF0 as the invalidating side. */
    const char *c[] = { "name=mx", "dma.transactions=200", "unmap.kind=inval_storm",
                        "unmap.path=host_vcmdq", "unmap.iterations=10", "unmap.batch=8", NULL };
    w = run("mixed", c);
    ck_assert_uint_eq(stat_counter("workload.mx.unmap.cmds"), 80);
    ck_assert_uint_eq(stat_counter("workload.mx.dma.transactions"), 200);
    workload_free(w);
    /* A guest on its VCMDQ beside the DMA: its TLBI_NH_VAs cannot reach
     * the stage-2-only entries, so the DMA never walks again. */
    const char *d[] = { "name=mg", "dma.working_set=64K", "dma.transactions=500",
                        "unmap.path=vcmdq", "unmap.iterations=20", NULL };
    w = run("mixed", d);
    ck_assert_uint_eq(stat_counter("workload.mg.unmap.ops"), 20);
    ck_assert_uint_le(stat_counter("workload.mg.dma.walks"), 16);
    workload_free(w);
}
END_TEST

START_TEST(test_dma_bad_args)
{
    GError *err = NULL;
    const char *const bad[][2] = {
        { "pattern=zigzag", NULL }, { "size=0", NULL }, { "size=65537", NULL },
        { "working_set=4097", NULL }, { "pattern=stride", NULL }, { "stride=4K", NULL },
        { "endpoints=0", NULL }, { "outstanding=0", NULL }, { "ats=maybe", NULL },
        { "access=exec", NULL }, { "page=8K", NULL }, { "page=2M", NULL }, { "path=vcmdq", NULL },
        { "working_set=2G", NULL }, { "transactions=0", NULL },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert_ptr_null(workload_new(machine, "dma_traffic", bad[i], &err));
        ck_assert_msg(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS), "%s", bad[i][0]);
        g_clear_error(&err);
    }
    const char *const mbad[][2] = {
        { "working_set=1M", NULL }, { "dma.pattern=zigzag", NULL }, { "unmap.path=nowhere", NULL },
        { "unmap.kind=dma_traffic", NULL }, { "unmap.name=x", NULL }, { "dma.=1", NULL },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(mbad); i++) {
        ck_assert_ptr_null(workload_new(machine, "mixed", mbad[i], &err));
        ck_assert_msg(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS), "%s", mbad[i][0]);
        g_clear_error(&err);
    }
    /* A guest unmap side on a 4 KiB domain with 16 KiB pages: refused at setup. */
    const char *pg[] = { "unmap.page=16K", "unmap.granule=16K", NULL };
    struct workload *w = workload_new(machine, "mixed", pg, &err);
    ck_assert_ptr_nonnull(w);
    ck_assert(!workload_run(w, &err));
    ck_assert(g_error_matches(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS));
    g_clear_error(&err);
    workload_free(w);
    /* ATS on an SMMU without ATS: a setup error from the endpoint. */
    sim_machine_free(machine);
    ck_assert(sim_params_set(params, "smmu.ats", "false", "test", &err));
    ck_assert(sim_params_set(params, "smmu.pri", "false", "test", &err));
    machine = sim_machine_new(params, &err);
    ck_assert_msg(machine, "%s", err ? err->message : "?");
    const char *ats[] = { "ats=on", "transactions=1", NULL };
    w = workload_new(machine, "dma_traffic", ats, &err);
    ck_assert_ptr_nonnull(w);
    ck_assert(!workload_run(w, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "ATS"));
    g_clear_error(&err);
    workload_free(w);
}
END_TEST

static Suite *workload_suite(void)
{
    Suite *s = suite_create("workload");
    TCase *t = tcase_create("workload");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_tlbi_choice);
    tcase_add_test(t, test_lvcmdq_by_cpu);
    tcase_add_test(t, test_queues_vcmdq);
    tcase_add_test(t, test_queues_host_vcmdq);
    tcase_add_test(t, test_batching_boundaries);
    tcase_add_test(t, test_queue_full_waits);
    tcase_add_test(t, test_error_recovery_vcmdq);
    tcase_add_test(t, test_error_recovery_trapped);
    tcase_add_test(t, test_trapped_relay);
    tcase_add_test(t, test_host_paths);
    tcase_add_test(t, test_latency_order);
    tcase_add_test(t, test_determinism);
    tcase_add_test(t, test_bad_args);
    tcase_add_test(t, test_dma_tlb_reach);
    tcase_add_test(t, test_dma_patterns);
    tcase_add_test(t, test_dma_ats);
    tcase_add_test(t, test_dma_page_2m);
    tcase_add_test(t, test_dma_page_2m_needs_blocks);
    tcase_add_test(t, test_dma_determinism);
    tcase_add_test(t, test_mixed);
    tcase_add_test(t, test_dma_bad_args);
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
