/*
 * bench-vcmdq.c — CMDQV throughput: N VCMDQs of a host-owned VINTF fed in
 * parallel with TLBI_NH_VA + CMD_SYNC pairs through MMIO PROD writes, the
 * SMMU command engine arbitrating between them.  Reports simulated commands
 * per host second for one queue and for N queues (`bench vcmdq N`, default
 * 128), so the cost of arbitration over many queues is visible directly.
 */
#include <string.h>
#include "sim/cli/bench.h"
#include "sim/bus.h"
#include "sim/mem.h"
#include "sim/params.h"
#include "sim/sched.h"
#include "sim/stats.h"
#include "models/smmuv3/smmuv3.h"
#include "models/cmdqv/cmdqv.h"

#define BV_CMDQV_BASE   0x40000000ull
#define BV_QMEM_BASE    0x80000000ull
#define BV_LOG2SIZE     12u             /* 4096 commands per queue */
#define BV_BATCH        2048u           /* commands published per queue per round */
#define BV_DEFAULT_CMDS 4000000ull
#define BV_ERROR g_quark_from_static_string("bench-vcmdq")

struct bench_vcmdq {
    struct sim_sched sched;
    struct sim_mem *mem;
    struct sim_bus *bus;
    struct sim_params *params;
    struct sim_stats *stats;
    struct smmu *smmu;
    struct cmdqv *cmdqv;
};

static uint64_t bv_reg(const char *fmt, unsigned idx)
{
    char name[64];
    uint64_t off = 0;
    unsigned size;

    g_snprintf(name, sizeof(name), fmt, idx);
    if (!cmdqv_reg_lookup(name, &off, &size))
        g_error("bench vcmdq: no register %s", name);
    return BV_CMDQV_BASE + off;
}

static void bv_free(struct bench_vcmdq *b)
{
    cmdqv_free(b->cmdqv);
    if (b->smmu)
        smmu_free(b->smmu);
    sim_params_free(b->params);
    sim_stats_free(b->stats);
    sim_bus_free(b->bus);
    sim_mem_free(b->mem);
    sim_sched_destroy(&b->sched);
}

static gboolean bv_init(struct bench_vcmdq *b, GError **err)
{
    memset(b, 0, sizeof(*b));
    sim_sched_init(&b->sched);
    b->mem = sim_mem_new();
    b->bus = sim_bus_new();
    b->stats = sim_stats_new();
    b->params = sim_params_new();
    if (!smmu_declare_params(b->params, err) || !cmdqv_declare_params(b->params, err))
        return FALSE;
    b->smmu = smmu_new(&b->sched, b->mem, b->params, b->stats, err);
    if (!b->smmu)
        return FALSE;
    b->cmdqv = cmdqv_new(b->smmu, b->params, err);
    if (!b->cmdqv)
        return FALSE;
    if (!sim_bus_add_region(b->bus, "cmdqv", BV_CMDQV_BASE, cmdqv_mmio_size(b->cmdqv), &cmdqv_mmio_ops,
                            b->cmdqv)) {
        g_set_error(err, BV_ERROR, 0, "bench vcmdq: cannot map the CMDQV");
        return FALSE;
    }
    return TRUE;
}

/* Fill queue q's ring with TLBI_NH_VA + CMD_SYNC pairs (reused every lap). */
static void bv_fill_ring(struct bench_vcmdq *b, unsigned q)
{
    uint64_t base = BV_QMEM_BASE + ((uint64_t)q << (BV_LOG2SIZE + 4));

    for (uint32_t i = 0; i < (1u << BV_LOG2SIZE); i += 2) {
        uint64_t tlbi0 = 0x12 | ((uint64_t)(q + 1) << 48);     /* TLBI_NH_VA, ASID q+1 */
        uint64_t tlbi1 = (uint64_t)i << 12;                    /* VA */
        sim_mem_write64(b->mem, base + 16ull * i, tlbi0);
        sim_mem_write64(b->mem, base + 16ull * i + 8, tlbi1);
        sim_mem_write64(b->mem, base + 16ull * (i + 1), 0x46);  /* CMD_SYNC, CS = NONE */
        sim_mem_write64(b->mem, base + 16ull * (i + 1) + 8, 0);
    }
}

static gboolean bv_bring_up(struct bench_vcmdq *b, unsigned nq, GError **err)
{
    sim_bus_write32(b->bus, bv_reg("VINTF%u_CONFIG", 0), 1u << 17);
    sim_bus_write32(b->bus, bv_reg("VINTF%u_CONFIG", 0), (1u << 17) | 1);
    for (unsigned q = 0; q < nq; q++) {
        sim_bus_write32(b->bus, bv_reg("CMDQ_ALLOC%u", q), (q << 1) | 1);
        sim_bus_write64(b->bus, bv_reg("VCMDQ%u_BASE", q),
                        (BV_QMEM_BASE + ((uint64_t)q << (BV_LOG2SIZE + 4))) | BV_LOG2SIZE);
        sim_bus_write32(b->bus, bv_reg("VCMDQ%u_CONFIG", q), 1);
        bv_fill_ring(b, q);
    }
    sim_run_until_idle(&b->sched, 0);
    for (unsigned q = 0; q < nq; q++) {
        if (sim_bus_read32(b->bus, bv_reg("VCMDQ%u_STATUS", q)) != 1) {
            g_set_error(err, BV_ERROR, 0, "bench vcmdq: VCMDQ%u did not enable", q);
            return FALSE;
        }
    }
    return TRUE;
}

/* Feed nq queues until `cmds` commands are consumed; fill *r. */
static gboolean bv_measure(unsigned nq, uint64_t cmds, struct bench_result *r, GError **err)
{
    struct bench_vcmdq b;
    uint64_t done = 0;
    uint32_t prod = 0, mask = (2u << BV_LOG2SIZE) - 1;
    uint64_t *prod_addr = g_new(uint64_t, nq), *cons_addr = g_new(uint64_t, nq);
    gboolean ok = bv_init(&b, err) && bv_bring_up(&b, nq, err);
    double t0, t1;

    for (unsigned q = 0; ok && q < nq; q++) {
        prod_addr[q] = bv_reg("VCMDQ%u_PROD", q);
        cons_addr[q] = bv_reg("VCMDQ%u_CONS", q);
    }
    t0 = bench_host_seconds();
    while (ok && done < cmds) {
        prod = (prod + BV_BATCH) & mask;
        for (unsigned q = 0; q < nq; q++)
            sim_bus_write32(b.bus, prod_addr[q], prod);
        if (sim_run_until_idle(&b.sched, 0) != SIM_RUN_DONE) {
            g_set_error(err, BV_ERROR, 0, "bench vcmdq: the simulation did not settle");
            ok = FALSE;
        }
        done += (uint64_t)nq * BV_BATCH;
    }
    t1 = bench_host_seconds();
    for (unsigned q = 0; ok && q < nq; q++) {
        uint32_t cons = sim_bus_read32(b.bus, cons_addr[q]);
        if (cons != prod) {
            g_set_error(err, BV_ERROR, 0,
                        "bench vcmdq: VCMDQ%u stopped at CONS 0x%x (PROD 0x%x)", q, cons, prod);
            ok = FALSE;
        }
    }
    if (ok) {
        g_snprintf(r->label, sizeof(r->label), "vcmdq %u", nq);
        r->unit = "commands/s";
        r->ops = done;
        r->host_seconds = t1 - t0;
        r->sim_time = sim_now(&b.sched);
    }
    bv_free(&b);
    g_free(prod_addr);
    g_free(cons_addr);
    return ok;
}

int bench_vcmdq(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err)
{
    uint64_t nq = 128;
    uint64_t cmds = scale ? scale : BV_DEFAULT_CMDS;
    int n = 0;

    if (arg && *arg && (!sim_parse_u64(arg, &nq) || nq < 1 || nq > 128)) {
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "bench vcmdq: queue count '%s' is not a number between 1 and 128", arg);
        return -1;
    }
    if (nq != 1 && n < max) {
        if (!bv_measure(1, cmds, &out[n], err))
            return -1;
        n++;
    }
    if (n < max) {
        if (!bv_measure((unsigned)nq, cmds, &out[n], err))
            return -1;
        n++;
    }
    return n;
}
