/*
 * cmdqv-tm.h — a tiny machine for the CMDQV tests: scheduler, memory, bus,
 * parameters, statistics, one SMMU and its CMDQV, with register access by
 * name and helpers to bring queues up and feed them commands.
 */
#ifndef CMDQV_TM_H
#define CMDQV_TM_H

#include <check.h>
#include "sim/bus.h"
#include "sim/mem.h"
#include "sim/params.h"
#include "sim/sched.h"
#include "sim/stats.h"
#include "models/smmuv3/smmuv3.h"
#include "models/cmdqv/cmdqv.h"

#define TM_SMMU_BASE  0x09000000ull
#define TM_CMDQV_BASE 0x40000000ull
#define TM_QMEM_BASE  0x80000000ull     /* queue q at TM_QMEM_BASE + q * TM_QMEM_STRIDE */
#define TM_QMEM_STRIDE 0x100000ull

/* Opcodes used by the tests (smmuv3.md §2.1). */
#define OP_TLBI_NH_ALL  0x10
#define OP_TLBI_NH_ASID 0x11
#define OP_TLBI_NH_VA   0x12
#define OP_ATC_INV      0x40
#define OP_CMD_SYNC     0x46

struct cqm {
    struct sim_sched sched;
    struct sim_mem *mem;
    struct sim_bus *bus;
    struct sim_params *params;
    struct sim_stats *stats;
    struct smmu *smmu;
    struct cmdqv *cmdqv;
    unsigned irqs;
    uint32_t prod[128];         /* next producer pointer per VCMDQ */
    unsigned log2size[128];
};

/* Build the machine; `sets` is a NULL-terminated list of "name=value"
 * (may be NULL).  Fails the test on any error. */
void tm_init(struct cqm *m, const char *const *sets);
void tm_fini(struct cqm *m);

/* Register access by name (printf-style); fails the test on unknown names. */
uint64_t tm_rd(struct cqm *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void tm_wr(struct cqm *m, uint64_t val, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
uint64_t tm_addr(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Run the scheduler for `ps` picoseconds of simulated time. */
void tm_run(struct cqm *m, sim_time_t ps);
/* Run until nothing is pending. */
void tm_run_idle(struct cqm *m);
sim_time_t tm_period(const struct cqm *m);

/* Bring-up: VINTF v enabled with vmid/hyp_own; VCMDQ q mapped as (v, l),
 * BASE programmed with log2size entries, CONFIG.EN set and STATUS waited. */
void tm_vintf_up(struct cqm *m, unsigned v, unsigned vmid, bool hyp_own);
void tm_map(struct cqm *m, unsigned q, unsigned v, unsigned l);
void tm_queue_up(struct cqm *m, unsigned q, unsigned log2size);

/* Set SMMU CR0.SMMUEN and wait for CR0ACK (ATC_INV is IGNORED without it). */
void tm_smmu_enable(struct cqm *m);

/* Commands. */
void tm_cmd_sync(uint64_t cmd[2], unsigned cs);
void tm_cmd_tlbi_nh_va(uint64_t cmd[2], unsigned vmid, unsigned asid, uint64_t va);
void tm_cmd_tlbi_nh_asid(uint64_t cmd[2], unsigned vmid, unsigned asid);
void tm_cmd_atc_inv(uint64_t cmd[2], uint32_t sid);
void tm_cmd_raw(uint64_t cmd[2], uint8_t op);

/* Write a command at the queue's producer pointer (no PROD write). */
uint32_t tm_put(struct cqm *m, unsigned q, const uint64_t cmd[2]);
/* Overwrite the entry a pointer designates. */
void tm_put_at(struct cqm *m, unsigned q, uint32_t ptr, const uint64_t cmd[2]);
/* Publish the queue's producer pointer through the direct aperture. */
void tm_kick(struct cqm *m, unsigned q);

uint64_t tm_counter(struct cqm *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif /* CMDQV_TM_H */
