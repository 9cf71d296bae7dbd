/*
 * host-cmdq.c — the host driver's command-queue producer.
 *
 * One implementation serves every queue the host kernel produces into: the
 * SMMU CMDQ (smmuv3.md §1.2) and the LVCMDQs of VINTF0 (cmdqv.md §2.2, §5),
 * whose PROD/CONS/GERROR/GERRORN registers have the same layout.  Entries
 * are written to simulated memory, then PROD is published; completion is
 * CONS passing an index.  An error (CONS.ERR with GERROR.CMDQ_ERR active)
 * is handled like arm_smmu_cmdq_skip_err: an illegal command is overwritten
 * in place by a CMD_SYNC (CS = NONE), a fetch abort or an ATC timeout is
 * retried, then GERRORN acknowledges it.
 *
 * Two ways to use a queue:
 *   - blocking (host_cmdq_issue): the shim is the host CPU, every register
 *     access costs the bus latency and waits advance the scheduler;
 *   - non-blocking (host_cmdq_submit / host_cmdq_poll): for actors running
 *     inside event handlers, which charge their own costs.  The accesses are
 *     made at the current simulated time and never run the scheduler.
 *
 * Completion is tracked with sequence numbers: `submitted` counts every
 * entry ever written, so the entries consumed so far are
 * submitted - used(PROD, CONS), and a ticket (the value of `submitted`
 * after a CMD_SYNC) is complete once that many entries were consumed.
 */
#include "kernel_shim/shim-private.h"
#include "models/smmuv3/smmuv3-regs.h"
#include "models/smmuv3/smmuv3-queue.h"

#define CMDQ_OP_SYNC 0x46u
#define CMDQ_SYNC_MSH_ISH (3ull << 22)
#define CERROR_ABT 2u             /* CMDQ_CONS.ERR codes, smmuv3.md §1.2 */
#define CERROR_ATC_INV_SYNC 3u
#define GERROR_CMDQ_ERR 1u        /* bit 0 in SMMU GERROR and VCMDQ_GERROR */

void host_cmdq_init(struct host_cmdq *q, uint64_t base, unsigned log2, uint64_t prod_reg,
                    uint64_t cons_reg, uint64_t gerror_reg)
{
    /* GERRORN follows GERROR in both register maps. */
    *q = (struct host_cmdq){
        .base = base, .log2 = log2, .prod_reg = prod_reg, .cons_reg = cons_reg,
        .gerror_reg = gerror_reg, .gerrorn_reg = gerror_reg + 4,
    };
}

static uint32_t q_read(uint64_t addr, bool timed)
{
    return timed ? host_read32(addr) : sim_bus_read32(shim.hw.bus, addr);
}

static void q_write(uint64_t addr, uint32_t v, bool timed)
{
    if (timed)
        host_write32(addr, v);
    else
        sim_bus_write32(shim.hw.bus, addr, v);
}

static void q_write_entry(struct host_cmdq *q, uint32_t idx, const uint64_t cmd[2])
{
    uint64_t a = smmu_q_entry_addr(q->base, q->log2, idx, 4);
    sim_mem_write64(shim.hw.mem, a, cmd[0]);
    sim_mem_write64(shim.hw.mem, a + 8, cmd[1]);
}

static void q_skip_err(struct host_cmdq *q, bool timed)
{
    uint32_t gerror = q_read(q->gerror_reg, timed);
    uint32_t gerrorn = q_read(q->gerrorn_reg, timed);
    if (!((gerror ^ gerrorn) & GERROR_CMDQ_ERR))
        return;
    uint32_t cons = q_read(q->cons_reg, timed);
    unsigned err = SIM_FIELD_EX32(cons, CMDQ_CONS, ERR);
    if (err != CERROR_ABT && err != CERROR_ATC_INV_SYNC) {
        uint64_t sync[2] = { CMDQ_OP_SYNC | CMDQ_SYNC_MSH_ISH, 0 };
        g_message("host CMDQ error %u at 0x%x: replacing the command with CMD_SYNC", err, cons);
        q_write_entry(q, SIM_FIELD_EX32(cons, CMDQ_CONS, RD), sync);
    }
    q_write(q->gerrorn_reg, (gerrorn & ~GERROR_CMDQ_ERR) | (gerror & GERROR_CMDQ_ERR), timed);
}

static void q_read_cons(struct host_cmdq *q, bool timed)
{
    uint32_t v = q_read(q->cons_reg, timed);
    if (SIM_FIELD_EX32(v, CMDQ_CONS, ERR)) {
        q_skip_err(q, timed);
        v = q_read(q->cons_reg, timed);
    }
    q->cons = SIM_FIELD_EX32(v, CMDQ_CONS, RD);
}

static uint32_t q_used(const struct host_cmdq *q)
{
    return smmu_q_used(q->log2, q->prod, q->cons);
}

/* Write entries [from, total) of cmds (+ the trailing CMD_SYNC) while the
 * queue, judged from the last CONS seen, has room; returns the next one. */
static unsigned q_fill(struct host_cmdq *q, const uint64_t *cmds, unsigned n, bool sync,
                       unsigned from)
{
    unsigned total = n + (sync ? 1u : 0u);
    uint64_t sync_cmd[2] = { CMDQ_OP_SYNC | CMDQ_SYNC_MSH_ISH, 0 };
    unsigned i = from;
    for (; i < total && !smmu_q_full(q->log2, q->prod, q->cons); i++) {
        q_write_entry(q, q->prod, i < n ? cmds + 2 * i : sync_cmd);
        q->prod = smmu_q_inc(q->log2, q->prod);
        q->submitted++;
        q->cmds++;
    }
    return i;
}

/* Blocking wait until at most `used_max` entries are outstanding. */
static int q_wait_used(struct host_cmdq *q, uint32_t used_max)
{
    sim_time_t start = sim_now(shim.hw.sched);
    for (;;) {
        q_read_cons(q, true);
        if (q_used(q) <= used_max)
            return 0;
        if (sim_now(shim.hw.sched) - start >= shim.poll_timeout) {
            g_warning("host CMDQ timeout: PROD 0x%x CONS 0x%x", q->prod, q->cons);
            return -ETIMEDOUT;
        }
        host_delay(shim.cmdq_poll_interval);
    }
}

int host_cmdq_issue(struct host_cmdq *q, const uint64_t *cmds, unsigned n, bool sync)
{
    unsigned total = n + (sync ? 1u : 0u);
    unsigned i = q_fill(q, cmds, n, sync, 0);
    while (i < total) {
        /* Only a full queue costs a publish of PROD and a wait for room. */
        q_write(q->prod_reg, q->prod, true);
        int rc = q_wait_used(q, smmu_q_entries(q->log2) - 1);
        if (rc)
            return rc;
        i = q_fill(q, cmds, n, sync, i);
    }
    q_write(q->prod_reg, q->prod, true);
    if (!sync)
        return 0;
    q->syncs++;
    return q_wait_used(q, 0);
}

int host_cmdq_submit(struct host_cmdq *q, const uint64_t *cmds, unsigned n, bool sync,
                     uint64_t *seq)
{
    uint32_t need = n + (sync ? 1u : 0u);
    if (need == 0 || need > smmu_q_entries(q->log2))
        return -EINVAL;
    if (smmu_q_entries(q->log2) - q_used(q) < need) {
        q_read_cons(q, false);
        if (smmu_q_entries(q->log2) - q_used(q) < need)
            return -EAGAIN;
    }
    q_fill(q, cmds, n, sync, 0);
    q_write(q->prod_reg, q->prod, false);
    if (sync)
        q->syncs++;
    *seq = q->submitted;
    return 0;
}

uint32_t host_cmdq_space(struct host_cmdq *q)
{
    q_read_cons(q, false);
    return smmu_q_entries(q->log2) - q_used(q);
}

int host_cmdq_poll(struct host_cmdq *q, uint64_t seq, bool *done)
{
    if (seq > q->submitted)
        return -EINVAL;
    q_read_cons(q, false);
    *done = q->submitted - q_used(q) >= seq;
    return 0;
}
