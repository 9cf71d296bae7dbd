/*
 * testbed.h — a tiny machine for the SMMUv3 tests: scheduler, memory, bus,
 * parameters, statistics and one SMMU at TB_BASE, plus helpers to program
 * it through MMIO and to write commands by mnemonic.
 */
#ifndef SMMUV3_TESTBED_H
#define SMMUV3_TESTBED_H

#include <check.h>
#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-queue.h"
#include "models/smmuv3/smmuv3-tlb.h"
#include "models/smmuv3/smmuv3-cfgcache.h"

#define TB_BASE 0x09050000ull
#define TB_QBASE 0x40000000ull
#define TB_MEM_LATENCY_PS 100000ull     /* 100 ns per memory access */

struct tb_irq {
    enum smmu_irq_line line;
    bool msi;
    uint64_t addr;
    uint32_t data;
    sim_time_t t;
};

struct tb {
    struct sim_sched sched;
    struct sim_mem *mem;
    struct sim_bus *bus;
    struct sim_params *params;
    struct sim_stats *stats;
    struct smmu *smmu;
    unsigned log2;          /* CMDQ size used by tb_cmdq_enable */
    uint32_t prod;
    unsigned nirq;
    struct tb_irq irqs[64];
};

/* `sets`: NULL-terminated "name=value" overrides of smmu.* parameters. */
struct tb *tb_new(const char *const *sets);
void tb_free(struct tb *tb);

uint64_t tb_reg(const char *name);
uint32_t tb_rd(struct tb *tb, const char *reg);
void tb_wr(struct tb *tb, const char *reg, uint32_t v);
uint64_t tb_rd64(struct tb *tb, const char *reg);
void tb_wr64(struct tb *tb, const char *reg, uint64_t v);
uint64_t tb_param(struct tb *tb, const char *name);
/* One cycle of the SMMU clock in ps. */
sim_time_t tb_cycle(struct tb *tb, uint64_t n);

sim_time_t tb_now(struct tb *tb);
void tb_run_to(struct tb *tb, sim_time_t t);
void tb_idle(struct tb *tb);

/* Program CMDQ_BASE (TB_QBASE, 2^log2 entries), CONS = PROD = 0, CMDQEN. */
void tb_cmdq_enable(struct tb *tb, unsigned log2);
/* Build a command: "TLBI_NH_VA", "asid=1,addr=0x1000". */
void tb_make(uint64_t cmd[2], const char *mnemonic, const char *fields);
void tb_put(struct tb *tb, uint32_t ptr, const uint64_t cmd[2]);
/* Append at PROD (no PROD write). */
void tb_push(struct tb *tb, const char *mnemonic, const char *fields);
void tb_write_prod(struct tb *tb);
/* Push one command, write PROD, run to idle; returns CONS.ERR. */
unsigned tb_exec(struct tb *tb, const char *mnemonic, const char *fields);

#endif /* SMMUV3_TESTBED_H */
