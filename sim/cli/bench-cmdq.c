/*
 * bench-cmdq.c — command-engine throughput: simulated commands per host
 * second through the SMMU's own CMDQ, driven over MMIO like a driver.
 *
 * The queue (2^12 entries) is filled once with TLBI_NH_VA commands and a
 * CMD_SYNC every 64th entry (the Linux batch size, timing.md §2.6a); the
 * TLB holds entries so the invalidations do real work.  Each round then
 * advances PROD by a whole queue and runs the machine until it is idle.
 */
#include "sim/cli/bench.h"
#include "sim/machine/machine.h"
#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-queue.h"
#include "models/smmuv3/smmuv3-tlb.h"

#define BENCH_CMDQ_LOG2 12u
#define BENCH_CMDQ_BASE 0x80000000ull
#define BENCH_CMDQ_SYNC_EVERY 64u
#define BENCH_CMDQ_TLB_FILL 1024u

static uint64_t reg(const char *name)
{
    uint64_t off = 0;
    unsigned size;
    if (!smmu_reg_lookup(name, &off, &size))
        g_error("bench-cmdq: register %s unknown", name);
    return off;
}

static gboolean fill_queue(struct sim_mem *mem, GError **err)
{
    for (uint32_t i = 0; i < smmu_q_entries(BENCH_CMDQ_LOG2); i++) {
        uint64_t cmd[2];
        bool sync = (i + 1) % BENCH_CMDQ_SYNC_EVERY == 0;
        if (!smmu_cmd_build(cmd, sync ? "CMD_SYNC" : "TLBI_NH_VA", err))
            return FALSE;
        if (!sync && !(smmu_cmd_set_field(cmd, "asid", i % 16, err) && smmu_cmd_set_field(cmd, "vmid", 1, err) &&
                       smmu_cmd_set_field(cmd, "addr", (uint64_t)i << 12, err)))
            return FALSE;
        uint64_t a = BENCH_CMDQ_BASE + (uint64_t)i * 16;
        sim_mem_write64(mem, a, cmd[0]);
        sim_mem_write64(mem, a + 8, cmd[1]);
    }
    return TRUE;
}

static void fill_tlb(struct smmu *smmu)
{
    for (uint32_t i = 0; i < BENCH_CMDQ_TLB_FILL; i++) {
        struct smmu_tlb_entry e = {
            .va = (uint64_t)i << 12, .pa = 0x100000000ull + ((uint64_t)i << 12), .asid = (uint16_t)(i % 16),
            .vmid = 1, .stage = SMMU_TLB_S1, .granule_log2 = 12, .level = 3, .size_log2 = 12, .leaf = true,
        };
        smmu_tlb_insert(smmu_tlb(smmu), &e);
    }
}

static gboolean enable_cmdq(struct sim_machine *m, GError **err)
{
    uint64_t b = m->smmu_base;
    sim_bus_write64(m->bus, b + reg("CMDQ_BASE"), BENCH_CMDQ_BASE | BENCH_CMDQ_LOG2);
    sim_bus_write32(m->bus, b + reg("CMDQ_CONS"), 0);
    sim_bus_write32(m->bus, b + reg("CMDQ_PROD"), 0);
    sim_bus_write32(m->bus, b + reg("CR0"), 1u << 3);          /* CMDQEN */
    sim_machine_run_until_idle(m);
    if (!(sim_bus_read32(m->bus, b + reg("CR0ACK")) & (1u << 3))) {
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "bench cmdq: CR0ACK.CMDQEN never set");
        return FALSE;
    }
    return TRUE;
}

int bench_cmdq(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err)
{
    (void)arg;
    struct sim_params *params = sim_machine_params_new(err);
    if (!params)
        return -1;
    struct sim_machine *m = sim_machine_new(params, err);
    if (!m) {
        sim_params_free(params);
        return -1;
    }
    int n = -1;
    uint64_t target = scale ? scale : 20000000, done = 0;
    uint32_t prod = 0, entries = smmu_q_entries(BENCH_CMDQ_LOG2);
    if (!fill_queue(m->mem, err) || !enable_cmdq(m, err))
        goto out;
    fill_tlb(m->smmu);
    double t0 = bench_host_seconds();
    while (done < target) {
        prod = smmu_q_add(BENCH_CMDQ_LOG2, prod, entries);
        sim_bus_write32(m->bus, m->smmu_base + reg("CMDQ_PROD"), prod);
        sim_machine_run_until_idle(m);
        done += entries;
    }
    double t1 = bench_host_seconds();
    uint32_t cons = sim_bus_read32(m->bus, m->smmu_base + reg("CMDQ_CONS"));
    if (cons != prod) {
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "bench cmdq: CONS 0x%x did not reach PROD 0x%x (GERROR 0x%x)", cons, prod,
                    sim_bus_read32(m->bus, m->smmu_base + reg("GERROR")));
        goto out;
    }
    n = 0;
    if (max > 0) {
        g_snprintf(out[0].label, sizeof(out[0].label), "cmdq (TLBI_NH_VA, SYNC every %u)", BENCH_CMDQ_SYNC_EVERY);
        out[0].unit = "commands/s";
        out[0].ops = done;
        out[0].host_seconds = t1 - t0;
        out[0].sim_time = sim_now(&m->sched);
        n = 1;
    }
out:
    sim_machine_free(m);
    sim_params_free(params);
    return n;
}
