/*
 * testbed.c — the SMMUv3 tests' tiny machine (see testbed.h).
 */
#include <string.h>
#include "testbed.h"
#include "sim/log.h"

static void on_irq(void *opaque, enum smmu_irq_line line, bool msi, uint64_t addr, uint32_t data)
{
    struct tb *tb = opaque;
    if (tb->nirq < 64)
        tb->irqs[tb->nirq++] = (struct tb_irq){ line, msi, addr, data, sim_now(&tb->sched) };
}

struct tb *tb_new(const char *const *sets)
{
    struct tb *tb = g_new0(struct tb, 1);
    GError *err = NULL;
    sim_log_set_mask(0);
    sim_sched_init(&tb->sched);
    tb->mem = sim_mem_new();
    sim_mem_set_latency(tb->mem, TB_MEM_LATENCY_PS);
    tb->bus = sim_bus_new();
    tb->params = sim_params_new();
    tb->stats = sim_stats_new();
    ck_assert(smmu_declare_params(tb->params, &err));
    for (const char *const *s = sets; s && *s; s++) {
        if (!sim_params_set_assignment(tb->params, *s, "test", &err))
            ck_abort_msg("%s", err->message);
    }
    tb->smmu = smmu_new(&tb->sched, tb->mem, tb->params, tb->stats, &err);
    if (!tb->smmu)
        ck_abort_msg("smmu_new: %s", err->message);
    ck_assert(sim_bus_add_region(tb->bus, "smmu", TB_BASE, SMMU_MMIO_SIZE, &smmu_mmio_ops, tb->smmu));
    smmu_set_irq_observer(tb->smmu, on_irq, tb);
    return tb;
}

void tb_free(struct tb *tb)
{
    smmu_free(tb->smmu);
    sim_stats_free(tb->stats);
    sim_params_free(tb->params);
    sim_bus_free(tb->bus);
    sim_mem_free(tb->mem);
    sim_sched_destroy(&tb->sched);
    g_free(tb);
}

uint64_t tb_reg(const char *name)
{
    uint64_t off;
    unsigned size;
    if (!smmu_reg_lookup(name, &off, &size))
        ck_abort_msg("no register %s", name);
    return off;
}

uint32_t tb_rd(struct tb *tb, const char *reg) { return sim_bus_read32(tb->bus, TB_BASE + tb_reg(reg)); }
void tb_wr(struct tb *tb, const char *reg, uint32_t v) { sim_bus_write32(tb->bus, TB_BASE + tb_reg(reg), v); }
uint64_t tb_rd64(struct tb *tb, const char *reg) { return sim_bus_read64(tb->bus, TB_BASE + tb_reg(reg)); }
void tb_wr64(struct tb *tb, const char *reg, uint64_t v) { sim_bus_write64(tb->bus, TB_BASE + tb_reg(reg), v); }
uint64_t tb_param(struct tb *tb, const char *name) { return sim_params_u64(tb->params, name); }

sim_time_t tb_cycle(struct tb *tb, uint64_t n)
{
    return sim_cycles(smmu_clock(tb->smmu), n);
}

sim_time_t tb_now(struct tb *tb) { return sim_now(&tb->sched); }
void tb_run_to(struct tb *tb, sim_time_t t) { ck_assert_int_eq(sim_run_until(&tb->sched, t, 0), SIM_RUN_DONE); }
void tb_idle(struct tb *tb) { ck_assert_int_eq(sim_run_until_idle(&tb->sched, 10000000), SIM_RUN_DONE); }

void tb_cmdq_enable(struct tb *tb, unsigned log2)
{
    tb->log2 = log2;
    tb->prod = 0;
    tb_wr64(tb, "CMDQ_BASE", TB_QBASE | log2);
    tb_wr(tb, "CMDQ_CONS", 0);
    tb_wr(tb, "CMDQ_PROD", 0);
    tb_wr(tb, "CR0", tb_rd(tb, "CR0") | 0x8);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CR0ACK") & 0x8, 0x8);
}

void tb_make(uint64_t cmd[2], const char *mnemonic, const char *fields)
{
    GError *err = NULL;
    if (!smmu_cmd_build(cmd, mnemonic, &err))
        ck_abort_msg("%s", err->message);
    char **kv = g_strsplit(fields ? fields : "", ",", -1);
    for (char **p = kv; *p; p++) {
        if (!**p)
            continue;
        char **pair = g_strsplit(*p, "=", 2);
        uint64_t v;
        ck_assert_msg(pair[1] && sim_parse_u64(pair[1], &v), "bad field text %s", *p);
        if (!smmu_cmd_set_field(cmd, pair[0], v, &err))
            ck_abort_msg("%s", err->message);
        g_strfreev(pair);
    }
    g_strfreev(kv);
}

void tb_put(struct tb *tb, uint32_t ptr, const uint64_t cmd[2])
{
    uint64_t a = smmu_q_entry_addr(TB_QBASE, tb->log2, ptr, 4);
    sim_mem_write64(tb->mem, a, cmd[0]);
    sim_mem_write64(tb->mem, a + 8, cmd[1]);
}

void tb_push(struct tb *tb, const char *mnemonic, const char *fields)
{
    uint64_t cmd[2];
    tb_make(cmd, mnemonic, fields);
    tb_put(tb, tb->prod, cmd);
    tb->prod = smmu_q_inc(tb->log2, tb->prod);
}

void tb_write_prod(struct tb *tb) { tb_wr(tb, "CMDQ_PROD", tb->prod); }

unsigned tb_exec(struct tb *tb, const char *mnemonic, const char *fields)
{
    tb_push(tb, mnemonic, fields);
    tb_write_prod(tb);
    tb_idle(tb);
    return (tb_rd(tb, "CMDQ_CONS") >> 24) & 0x7F;
}
