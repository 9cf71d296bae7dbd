/*
 * cmdqv-tm.c — the tiny test machine of cmdqv-tm.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cmdqv-tm.h"

/* SMMU parameters every test machine needs (features the guest commands use). */
static const char *const TM_SMMU_DEFAULTS[] = { NULL };

static void tm_irq(void *opaque)
{
    struct cqm *m = opaque;
    m->irqs++;
}

void tm_init(struct cqm *m, const char *const *sets)
{
    GError *err = NULL;

    memset(m, 0, sizeof(*m));
    sim_sched_init(&m->sched);
    m->mem = sim_mem_new();
    m->bus = sim_bus_new();
    m->stats = sim_stats_new();
    m->params = sim_params_new();
    ck_assert_msg(smmu_declare_params(m->params, &err), "%s", err ? err->message : "");
    ck_assert_msg(cmdqv_declare_params(m->params, &err), "%s", err ? err->message : "");
    for (const char *const *s = TM_SMMU_DEFAULTS; *s; s++)
        ck_assert_msg(sim_params_set_assignment(m->params, *s, "test", &err), "%s: %s", *s,
                      err ? err->message : "");
    for (const char *const *s = sets; s && *s; s++)
        ck_assert_msg(sim_params_set_assignment(m->params, *s, "test", &err), "%s: %s", *s,
                      err ? err->message : "");
    m->smmu = smmu_new(&m->sched, m->mem, m->params, m->stats, &err);
    ck_assert_msg(m->smmu, "smmu_new: %s", err ? err->message : "");
    m->cmdqv = cmdqv_new(m->smmu, m->params, &err);
    ck_assert_msg(m->cmdqv, "cmdqv_new: %s", err ? err->message : "");
    ck_assert(sim_bus_add_region(m->bus, "smmu", TM_SMMU_BASE, SMMU_MMIO_SIZE, &smmu_mmio_ops,
                                 m->smmu));
    ck_assert(sim_bus_add_region(m->bus, "cmdqv", TM_CMDQV_BASE, cmdqv_mmio_size(m->cmdqv),
                                 &cmdqv_mmio_ops, m->cmdqv));
    cmdqv_set_irq_observer(m->cmdqv, tm_irq, m);
}

void tm_fini(struct cqm *m)
{
    cmdqv_free(m->cmdqv);
    smmu_free(m->smmu);
    sim_params_free(m->params);
    sim_stats_free(m->stats);
    sim_bus_free(m->bus);
    sim_mem_free(m->mem);
    sim_sched_destroy(&m->sched);
}

static uint64_t vaddr(unsigned *size, const char *fmt, va_list ap)
{
    char name[96];
    uint64_t off;

    g_vsnprintf(name, sizeof(name), fmt, ap);
    ck_assert_msg(cmdqv_reg_lookup(name, &off, size), "unknown register %s", name);
    return TM_CMDQV_BASE + off;
}

uint64_t tm_addr(const char *fmt, ...)
{
    va_list ap;
    unsigned size;
    uint64_t a;

    va_start(ap, fmt);
    a = vaddr(&size, fmt, ap);
    va_end(ap);
    return a;
}

uint64_t tm_rd(struct cqm *m, const char *fmt, ...)
{
    va_list ap;
    unsigned size;
    uint64_t a, v = 0;

    va_start(ap, fmt);
    a = vaddr(&size, fmt, ap);
    va_end(ap);
    ck_assert_int_eq(sim_bus_read(m->bus, a, size, &v), SIM_BUS_OK);
    return v;
}

void tm_wr(struct cqm *m, uint64_t val, const char *fmt, ...)
{
    va_list ap;
    unsigned size;
    uint64_t a;

    va_start(ap, fmt);
    a = vaddr(&size, fmt, ap);
    va_end(ap);
    ck_assert_int_eq(sim_bus_write(m->bus, a, size, val), SIM_BUS_OK);
}

void tm_run(struct cqm *m, sim_time_t ps)
{
    ck_assert_int_eq(sim_run_until(&m->sched, sim_now(&m->sched) + ps, 0), SIM_RUN_DONE);
}

void tm_run_idle(struct cqm *m)
{
    ck_assert_int_eq(sim_run_until_idle(&m->sched, 0), SIM_RUN_DONE);
}

sim_time_t tm_period(const struct cqm *m)
{
    return smmu_clock(m->smmu)->period_ps;
}

void tm_vintf_up(struct cqm *m, unsigned v, unsigned vmid, bool hyp_own)
{
    uint64_t cfg = ((uint64_t)hyp_own << 17) | ((uint64_t)vmid << 1);

    tm_wr(m, cfg, "VINTF%u_CONFIG", v);
    tm_wr(m, cfg | 1, "VINTF%u_CONFIG", v);
    tm_run_idle(m);
    ck_assert_uint_eq(tm_rd(m, "VINTF%u_STATUS", v) & 1, 1);
}

void tm_map(struct cqm *m, unsigned q, unsigned v, unsigned l)
{
    tm_wr(m, (v << 15) | (l << 1) | 1, "CMDQ_ALLOC%u", q);
    ck_assert_uint_eq(tm_rd(m, "CMDQ_ALLOC%u", q), (v << 15) | (l << 1) | 1);
}

void tm_queue_up(struct cqm *m, unsigned q, unsigned log2size)
{
    tm_wr(m, (TM_QMEM_BASE + q * TM_QMEM_STRIDE) | log2size, "VCMDQ%u_BASE", q);
    m->log2size[q] = log2size;
    m->prod[q] = 0;
    tm_wr(m, 1, "VCMDQ%u_CONFIG", q);
    tm_run_idle(m);
    ck_assert_uint_eq(tm_rd(m, "VCMDQ%u_STATUS", q), 1);
}

void tm_smmu_enable(struct cqm *m)
{
    sim_bus_write32(m->bus, TM_SMMU_BASE + 0x20, 1);     /* CR0.SMMUEN */
    tm_run_idle(m);
    ck_assert_uint_eq(sim_bus_read32(m->bus, TM_SMMU_BASE + 0x24) & 1, 1);
}

void tm_cmd_raw(uint64_t cmd[2], uint8_t op)
{
    cmd[0] = op;
    cmd[1] = 0;
}

void tm_cmd_sync(uint64_t cmd[2], unsigned cs)
{
    tm_cmd_raw(cmd, OP_CMD_SYNC);
    cmd[0] |= (uint64_t)(cs & 3) << 12;
}

void tm_cmd_tlbi_nh_va(uint64_t cmd[2], unsigned vmid, unsigned asid, uint64_t va)
{
    tm_cmd_raw(cmd, OP_TLBI_NH_VA);
    cmd[0] |= ((uint64_t)vmid << 32) | ((uint64_t)asid << 48);
    cmd[1] = va & ~0xfffull;    /* Address [127:76] = VA[63:12] */
}

void tm_cmd_tlbi_nh_asid(uint64_t cmd[2], unsigned vmid, unsigned asid)
{
    tm_cmd_raw(cmd, OP_TLBI_NH_ASID);
    cmd[0] |= ((uint64_t)vmid << 32) | ((uint64_t)asid << 48);
}

void tm_cmd_atc_inv(uint64_t cmd[2], uint32_t sid)
{
    tm_cmd_raw(cmd, OP_ATC_INV);
    cmd[0] |= (uint64_t)sid << 32;
}

void tm_put_at(struct cqm *m, unsigned q, uint32_t ptr, const uint64_t cmd[2])
{
    uint64_t idx = ptr & ((1u << m->log2size[q]) - 1);
    uint64_t a = TM_QMEM_BASE + q * TM_QMEM_STRIDE + idx * 16;

    ck_assert_int_eq(sim_mem_write64(m->mem, a, cmd[0]), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_write64(m->mem, a + 8, cmd[1]), SIM_MEM_OK);
}

uint32_t tm_put(struct cqm *m, unsigned q, const uint64_t cmd[2])
{
    uint32_t at = m->prod[q];
    uint32_t mask = (2u << m->log2size[q]) - 1;

    tm_put_at(m, q, at, cmd);
    m->prod[q] = (at + 1) & mask;
    return at;
}

void tm_kick(struct cqm *m, unsigned q)
{
    tm_wr(m, m->prod[q], "VCMDQ%u_PROD", q);
}

uint64_t tm_counter(struct cqm *m, const char *fmt, ...)
{
    char name[128];
    va_list ap;
    uint64_t v = 0;

    va_start(ap, fmt);
    g_vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    ck_assert_msg(sim_stats_lookup_counter(m->stats, name, &v), "no counter %s", name);
    return v;
}
