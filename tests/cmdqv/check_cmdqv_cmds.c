/*
 * check_cmdqv_cmds.c — CMDQV command flow through the SMMU engine: when a
 * VCMDQ consumes, guest-owned restrictions and their error state, recovery
 * through GERRORN, VMID and SID substitution, independent CMD_SYNCs,
 * CONS_DRAM_EN, interrupt masking and arbitration fairness
 * (docs/cmdqv.md).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/log.h"
#include "sim/trace.h"
#include "models/smmuv3/smmuv3-tlb.h"
#include "cmdqv-tm.h"

static struct cqm M;

static void setup(void) { tm_init(&M, NULL); }
static void teardown(void) { tm_fini(&M); }

#define ERR_ILL 1u
#define ERR_ATC_INV_SYNC 3u
#define ERR_ILL_ACCESS 4u

static uint32_t cons_of(uint32_t err, uint32_t rd) { return (err << 24) | rd; }

/* VINTF v (guest unless hyp_own) with VCMDQ q as its logical queue l. */
static void bring_up(struct cqm *m, unsigned v, unsigned vmid, bool hyp_own, unsigned q, unsigned l,
                     unsigned log2size)
{
    if (!(tm_rd(m, "VINTF%u_STATUS", v) & 1))
        tm_vintf_up(m, v, vmid, hyp_own);
    tm_map(m, q, v, l);
    tm_queue_up(m, q, log2size);
}

static uint64_t maps_bit(struct cqm *m, unsigned q, unsigned v, unsigned l)
{
    uint64_t cmdq = (tm_rd(m, "CMDQ_ERR_MAP%u", q / 32) >> (q % 32)) & 1;
    uint64_t lv = (tm_rd(m, "VINTF%u_LVCMDQ_ERR_MAP%u", v, l / 64) >> (l % 64)) & 1;
    uint64_t vi = ((tm_rd(m, "VINTF_ERR_MAP_HI") << 32 | tm_rd(m, "VINTF_ERR_MAP")) >> v) & 1;
    return cmdq | lv << 1 | vi << 2;
}

/* ---- when a queue consumes ---- */

START_TEST(test_consume_basic)
{
    uint64_t cmd[2];

    bring_up(&M, 1, 9, false, 5, 0, 4);
    tm_cmd_tlbi_nh_va(cmd, 0, 1, 0x1000);
    tm_put(&M, 5, cmd);
    tm_cmd_sync(cmd, 0);
    tm_put(&M, 5, cmd);
    tm_wr(&M, M.prod[5], "VINTF1_LVCMDQ0_PROD");
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VINTF1_LVCMDQ0_CONS"), 2);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ5_CONS"), 2);
    ck_assert_uint_eq(cmdqv_vcmdq_source(M.cmdqv, 5)->stats.cmds, 2);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.vcmdq5.cmds"), 2);
    ck_assert_uint_eq(M.irqs, 0);
}
END_TEST

/* Each gate alone keeps the queue from consuming. */
START_TEST(test_consume_gates)
{
    static const struct {
        const char *reg;
        uint64_t off, on;
    } gates[] = {
        { "CONFIG", 0x00020082, 0x00020083 },
        { "VINTF1_CONFIG", 9 << 1, (9 << 1) | 1 },
        { "VCMDQ5_CONFIG", 0, 1 },
    };
    uint64_t cmd[2];
    uint32_t expect = 0;

    bring_up(&M, 1, 9, false, 5, 0, 6);
    tm_cmd_sync(cmd, 0);
    for (size_t g = 0; g < G_N_ELEMENTS(gates); g++) {
        tm_wr(&M, gates[g].off, "%s", gates[g].reg);
        tm_run_idle(&M);
        tm_put(&M, 5, cmd);
        tm_wr(&M, M.prod[5], "VCMDQ5_PROD");
        tm_run_idle(&M);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ5_CONS"), expect);
        tm_wr(&M, gates[g].on, "%s", gates[g].reg);
        tm_run_idle(&M);
        expect++;
        ck_assert_msg(tm_rd(&M, "VCMDQ5_CONS") == expect, "gate %s", gates[g].reg);
    }
    /* unallocated: unmap, kick, nothing; map again, it runs */
    tm_wr(&M, 1 << 15, "CMDQ_ALLOC5");
    tm_put(&M, 5, cmd);
    tm_wr(&M, M.prod[5], "VCMDQ5_PROD");
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ5_CONS"), expect);
    tm_map(&M, 5, 1, 0);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ5_CONS"), expect + 1);
}
END_TEST

/* ---- guest restrictions and the error path ---- */

static bool guest_allowed(unsigned op)
{
    return op == OP_TLBI_NH_ASID || op == OP_TLBI_NH_VA || op == OP_ATC_INV || op == OP_CMD_SYNC;
}

START_TEST(test_guest_disallowed_opcodes)
{
    const unsigned q = 70, v = 3, l = 0;
    uint64_t cmd[2], sync[2];
    unsigned n = 0;

    bring_up(&M, v, 21, false, q, l, 10);
    tm_cmd_sync(sync, 0);
    for (unsigned op = 0; op < 256; op++) {
        uint32_t at, gerror;

        if (guest_allowed(op))
            continue;
        tm_cmd_raw(cmd, (uint8_t)op);
        at = tm_put(&M, q, cmd);
        tm_kick(&M, q);
        tm_run_idle(&M);
        n++;
        gerror = tm_rd(&M, "VCMDQ%u_GERROR", q);
        ck_assert_msg(tm_rd(&M, "VCMDQ%u_CONS", q) == cons_of(ERR_ILL, at), "op 0x%02x: CONS 0x%llx",
                      op, (unsigned long long)tm_rd(&M, "VCMDQ%u_CONS", q));
        ck_assert_uint_eq(gerror ^ tm_rd(&M, "VCMDQ%u_GERRORN", q), 1);
        ck_assert_uint_eq(maps_bit(&M, q, v, l), 7);
        ck_assert_uint_eq(M.irqs, n);
        /* the kernel's recovery: overwrite with CMD_SYNC, acknowledge */
        tm_put_at(&M, q, at, sync);
        tm_wr(&M, gerror, "VCMDQ%u_GERRORN", q);
        ck_assert_uint_eq(maps_bit(&M, q, v, l), 0);
        tm_run_idle(&M);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_CONS", q), M.prod[q]);
    }
    ck_assert_uint_eq(n, 252);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.vintf%u.queue_errors", v), 252);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.vcmdq%u.error_acks", q), 252);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.irqs"), 252);
}
END_TEST

START_TEST(test_sync_cs_must_be_none)
{
    uint64_t cmd[2];

    /* guest-owned and host-owned queues alike */
    bring_up(&M, 2, 4, false, 8, 0, 4);
    bring_up(&M, 0, 0, true, 9, 0, 4);
    for (unsigned cs = 1; cs < 4; cs++) {
        for (unsigned q = 8; q <= 9; q++) {
            uint32_t at, gerror;
            tm_cmd_sync(cmd, cs);
            at = tm_put(&M, q, cmd);
            tm_kick(&M, q);
            tm_run_idle(&M);
            ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_CONS", q), cons_of(ERR_ILL, at));
            gerror = tm_rd(&M, "VCMDQ%u_GERROR", q);
            tm_cmd_sync(cmd, 0);
            tm_put_at(&M, q, at, cmd);
            tm_wr(&M, gerror, "VCMDQ%u_GERRORN", q);
            tm_run_idle(&M);
            ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_CONS", q), at + 1);
        }
    }
}
END_TEST

START_TEST(test_host_owned_accepts_all)
{
    uint64_t cmd[2];

    bring_up(&M, 0, 0, true, 0, 0, 4);
    tm_cmd_raw(cmd, OP_TLBI_NH_ALL);
    tm_put(&M, 0, cmd);
    tm_cmd_raw(cmd, 0x30);      /* TLBI_NSNH_ALL */
    tm_put(&M, 0, cmd);
    tm_cmd_raw(cmd, 0x03);      /* CFGI_STE */
    tm_put(&M, 0, cmd);
    tm_cmd_sync(cmd, 0);
    tm_put(&M, 0, cmd);
    tm_kick(&M, 0);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_CONS"), 4);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_GERROR"), 0);
    /* a reserved opcode is still CERROR_ILL there */
    tm_cmd_raw(cmd, 0x08);
    tm_put(&M, 0, cmd);
    tm_kick(&M, 0);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_CONS"), cons_of(ERR_ILL, 4));
}
END_TEST

START_TEST(test_ack_without_rewrite_faults_again)
{
    uint64_t cmd[2];
    uint32_t gerror;

    bring_up(&M, 1, 3, false, 2, 0, 4);
    tm_cmd_raw(cmd, OP_TLBI_NH_ALL);
    tm_put(&M, 2, cmd);
    tm_kick(&M, 2);
    tm_run_idle(&M);
    gerror = tm_rd(&M, "VCMDQ2_GERROR");
    ck_assert_uint_eq(gerror, 1);
    /* a second error while one is active is not logged again */
    tm_kick(&M, 2);
    tm_run_idle(&M);
    ck_assert_uint_eq(M.irqs, 1);
    /* acknowledging re-fetches the same command: a new error */
    tm_wr(&M, gerror, "VCMDQ2_GERRORN");
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_GERROR"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_GERRORN"), 1);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_CONS"), cons_of(ERR_ILL, 0));
    ck_assert_uint_eq(M.irqs, 2);
    /* a GERRORN write with the wrong value acknowledges nothing */
    tm_wr(&M, 1, "VCMDQ2_GERRORN");
    ck_assert_uint_eq(maps_bit(&M, 2, 1, 0), 7);
    /* toggling an inactive bit is ignored and counted */
    uint64_t ge = tm_counter(&M, "cmdqv.guest_errors");
    tm_wr(&M, 1 | 4, "VCMDQ2_GERRORN");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_GERRORN"), 1);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.guest_errors"), ge + 1);
    /* PROD may move back over the bad command while the error is active */
    tm_wr(&M, 0, "VCMDQ2_PROD");
    tm_wr(&M, 0, "VCMDQ2_GERRORN");
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_CONS"), 0);
    ck_assert_uint_eq(maps_bit(&M, 2, 1, 0), 0);
    ck_assert_uint_eq(M.irqs, 2);
}
END_TEST

/* ---- VMID substitution ---- */

struct tlb_census {
    unsigned by_vmid[16];
};

static void census_fn(const struct smmu_tlb_entry *e, void *opaque)
{
    struct tlb_census *c = opaque;
    if (e->vmid < 16)
        c->by_vmid[e->vmid]++;
}

static void tlb_fill(struct cqm *m, unsigned vmid, unsigned asid, uint64_t va)
{
    struct smmu_tlb_entry e = {
        .va = va, .pa = 0x40000000 + va, .asid = (uint16_t)asid, .vmid = (uint16_t)vmid,
        .stage = SMMU_TLB_NESTED, .granule_log2 = 12, .level = 3, .size_log2 = 12, .leaf = true,
    };
    smmu_tlb_insert(smmu_tlb(m->smmu), &e);
}

static struct tlb_census tlb_count(struct cqm *m)
{
    struct tlb_census c = { { 0 } };
    smmu_tlb_foreach(smmu_tlb(m->smmu), census_fn, &c);
    return c;
}

START_TEST(test_vmid_substitution)
{
    uint64_t cmd[2];
    struct tlb_census c;

    /* guest VINTF1 has VMID 5; the guest believes it is VMID 7 */
    bring_up(&M, 1, 5, false, 4, 0, 4);
    tlb_fill(&M, 5, 1, 0x1000);
    tlb_fill(&M, 7, 1, 0x1000);
    tlb_fill(&M, 5, 2, 0x2000);
    tlb_fill(&M, 7, 2, 0x2000);
    tm_cmd_tlbi_nh_va(cmd, 7, 1, 0x1000);
    tm_put(&M, 4, cmd);
    tm_cmd_sync(cmd, 0);
    tm_put(&M, 4, cmd);
    tm_kick(&M, 4);
    tm_run_idle(&M);
    c = tlb_count(&M);
    ck_assert_uint_eq(c.by_vmid[5], 1);     /* VMID 5's (1, 0x1000) removed */
    ck_assert_uint_eq(c.by_vmid[7], 2);     /* the guest's VMID field is ignored */
    tm_cmd_tlbi_nh_asid(cmd, 7, 2);
    tm_put(&M, 4, cmd);
    tm_kick(&M, 4);
    tm_run_idle(&M);
    c = tlb_count(&M);
    ck_assert_uint_eq(c.by_vmid[5], 0);
    ck_assert_uint_eq(c.by_vmid[7], 2);
    /* a host-owned queue passes the VMID field through */
    bring_up(&M, 0, 0, true, 6, 0, 4);
    tm_cmd_tlbi_nh_va(cmd, 7, 1, 0x1000);
    tm_put(&M, 6, cmd);
    tm_kick(&M, 6);
    tm_run_idle(&M);
    c = tlb_count(&M);
    ck_assert_uint_eq(c.by_vmid[7], 1);
    /* a VMID change applies from the next command */
    tlb_fill(&M, 9, 3, 0x3000);
    tm_wr(&M, (9 << 1) | 1, "VINTF1_CONFIG");
    tm_cmd_tlbi_nh_asid(cmd, 0, 3);
    tm_put(&M, 4, cmd);
    tm_kick(&M, 4);
    tm_run_idle(&M);
    c = tlb_count(&M);
    ck_assert_uint_eq(c.by_vmid[9], 0);
}
END_TEST

/* ---- SID replacement ---- */

struct atc_probe {
    unsigned calls;
    bool answer;
};

static bool atc_invalidate(void *opaque, uint32_t ssid, bool ssv, uint64_t addr, unsigned size_log2,
                           bool global, sim_time_t now, sim_time_t *done_at)
{
    struct atc_probe *p = opaque;
    p->calls++;
    *done_at = now;
    return p->answer;
}

static const struct smmu_atc_ops atc_ops = { .invalidate = atc_invalidate };

START_TEST(test_sid_replacement)
{
    struct atc_probe phys = { 0, true }, virt = { 0, true };
    uint64_t cmd[2];
    uint32_t at;

    tm_smmu_enable(&M);
    smmu_attach_atc(M.smmu, 0x99, &atc_ops, &phys);
    smmu_attach_atc(M.smmu, 0x12, &atc_ops, &virt);
    bring_up(&M, 1, 5, false, 4, 0, 4);
    tm_wr(&M, 0x99, "VINTF1_SID_REPLACE3");
    tm_wr(&M, (0x12 << 1) | 1, "VINTF1_SID_MATCH3");
    tm_wr(&M, 0x12, "VINTF1_SID_REPLACE4");
    tm_wr(&M, 0x13 << 1, "VINTF1_SID_MATCH4");     /* not enabled */
    tm_cmd_atc_inv(cmd, 0x12);
    tm_put(&M, 4, cmd);
    tm_cmd_sync(cmd, 0);
    tm_put(&M, 4, cmd);
    tm_kick(&M, 4);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ4_CONS"), 2);
    ck_assert_uint_eq(phys.calls, 1);
    ck_assert_uint_eq(virt.calls, 0);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.vintf1.sid_translations"), 1);
    /* an unmatched vSID (including a disabled pair) is CERROR_ILL_ACCESS */
    tm_cmd_atc_inv(cmd, 0x13);
    at = tm_put(&M, 4, cmd);
    tm_kick(&M, 4);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ4_CONS"), cons_of(ERR_ILL_ACCESS, at));
    ck_assert_uint_eq(maps_bit(&M, 4, 1, 0), 7);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.vintf1.sid_misses"), 1);
    ck_assert_uint_eq(virt.calls + phys.calls, 1);
    /* enabling the pair and acknowledging lets the command through */
    tm_wr(&M, (0x13 << 1) | 1, "VINTF1_SID_MATCH4");
    tm_wr(&M, tm_rd(&M, "VCMDQ4_GERROR"), "VCMDQ4_GERRORN");
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ4_CONS"), at + 1);
    ck_assert_uint_eq(virt.calls, 1);
    /* a host-owned queue sends the StreamID unchanged */
    bring_up(&M, 0, 0, true, 7, 0, 4);
    tm_cmd_atc_inv(cmd, 0x12);
    tm_put(&M, 7, cmd);
    tm_kick(&M, 7);
    tm_run_idle(&M);
    ck_assert_uint_eq(virt.calls, 2);
    ck_assert_uint_eq(phys.calls, 1);
}
END_TEST

/* ---- independence of queues ---- */

START_TEST(test_independent_syncs)
{
    struct atc_probe dead = { 0, false };
    uint64_t cmd[2];
    uint32_t at_sync;

    tm_smmu_enable(&M);
    smmu_attach_atc(M.smmu, 0x40, &atc_ops, &dead);
    bring_up(&M, 0, 0, true, 0, 0, 4);
    bring_up(&M, 0, 0, true, 1, 1, 4);
    /* queue 0: an ATC_INV that never completes, then CMD_SYNC */
    tm_cmd_atc_inv(cmd, 0x40);
    tm_put(&M, 0, cmd);
    tm_cmd_sync(cmd, 0);
    at_sync = tm_put(&M, 0, cmd);
    tm_kick(&M, 0);
    /* queue 1: TLBI + CMD_SYNC completes while queue 0's SYNC waits */
    tm_cmd_tlbi_nh_va(cmd, 0, 1, 0x5000);
    tm_put(&M, 1, cmd);
    tm_cmd_sync(cmd, 0);
    tm_put(&M, 1, cmd);
    tm_kick(&M, 1);
    tm_run(&M, 100 * SIM_US);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ1_CONS"), 2);
    ck_assert_uint_le(tm_rd(&M, "VCMDQ0_CONS"), at_sync);      /* no ERR, SYNC not passed */
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_GERROR"), 0);
    /* the timeout ends queue 0's SYNC with CERROR_ATC_INV_SYNC, RD on it */
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_CONS"), cons_of(ERR_ATC_INV_SYNC, at_sync));
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_GERROR"), 1);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ1_GERROR"), 0);
    ck_assert_uint_eq(maps_bit(&M, 0, 0, 0), 7);
    ck_assert_uint_eq(maps_bit(&M, 1, 0, 1), 4);      /* only the VINTF bit they share */
    /* the other queue keeps working while queue 0 is stopped */
    tm_cmd_sync(cmd, 0);
    tm_put(&M, 1, cmd);
    tm_kick(&M, 1);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ1_CONS"), 3);
    /* acknowledging retries the SYNC, which now completes */
    tm_wr(&M, 1, "VCMDQ0_GERRORN");
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_CONS"), at_sync + 1);
}
END_TEST

/* ---- CONS_DRAM_EN ---- */

START_TEST(test_cons_dram)
{
    const uint64_t mirror = 0x90000040;
    uint64_t cmd[2];
    uint32_t v = 0;
    unsigned abort_id;

    bring_up(&M, 0, 0, true, 3, 0, 4);
    tm_wr(&M, 0, "VCMDQ3_CONFIG");
    tm_run_idle(&M);
    tm_wr(&M, mirror, "VCMDQ3_CONS_INDX_BASE");
    tm_wr(&M, 1, "VCMDQ3_CONFIG");
    tm_run_idle(&M);
    /* off: nothing written */
    tm_cmd_sync(cmd, 0);
    tm_put(&M, 3, cmd);
    tm_kick(&M, 3);
    tm_run_idle(&M);
    ck_assert_int_eq(sim_mem_read32(M.mem, mirror, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 0);
    /* on: CONS mirrored */
    tm_wr(&M, 0x00020083 | (1u << 20), "CONFIG");
    tm_put(&M, 3, cmd);
    tm_put(&M, 3, cmd);
    tm_kick(&M, 3);
    tm_run_idle(&M);
    ck_assert_int_eq(sim_mem_read32(M.mem, mirror, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 3);
    ck_assert_uint_ge(tm_counter(&M, "cmdqv.vcmdq3.cons_dram_writes"), 1);
    /* an abort on the mirror write: CONS_DRAM_WR_ABT_ERR, queue keeps going */
    abort_id = sim_mem_inject_abort(M.mem, mirror, 4, SIM_MEM_WRITE);
    tm_put(&M, 3, cmd);
    tm_kick(&M, 3);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_GERROR"), 2);
    ck_assert_uint_eq(maps_bit(&M, 3, 0, 0), 7);
    ck_assert_uint_eq(M.irqs, 1);
    tm_put(&M, 3, cmd);
    tm_kick(&M, 3);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_CONS"), 5);
    ck_assert_uint_eq(M.irqs, 1);
    sim_mem_clear_abort(M.mem, abort_id);
    tm_wr(&M, 2, "VCMDQ3_GERRORN");
    ck_assert_uint_eq(maps_bit(&M, 3, 0, 0), 0);
}
END_TEST

/* ---- interrupt masking ---- */

START_TEST(test_int_mask_suppresses_irq)
{
    uint64_t cmd[2];

    bring_up(&M, 33, 2, false, 10, 0, 4);
    tm_wr(&M, 1u << 1, "VINTF_INT_MASK_HI");       /* VINTF33 */
    tm_cmd_raw(cmd, OP_TLBI_NH_ALL);
    tm_put(&M, 10, cmd);
    tm_kick(&M, 10);
    tm_run_idle(&M);
    ck_assert_uint_eq(M.irqs, 0);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.irqs_masked"), 1);
    ck_assert_uint_eq(maps_bit(&M, 10, 33, 0), 7);
    ck_assert_uint_eq(tm_rd(&M, "VINTF_ERR_MAP_HI"), 2);
    ck_assert_uint_eq(tm_rd(&M, "VINTF_ERR_MAP"), 0);
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ERR_MAP0"), 1u << 10);
}
END_TEST

/* ---- reset ---- */

START_TEST(test_reset_clears_state)
{
    uint64_t cmd[2];

    bring_up(&M, 1, 3, false, 2, 0, 4);
    tm_cmd_raw(cmd, OP_TLBI_NH_ALL);
    tm_put(&M, 2, cmd);
    tm_kick(&M, 2);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_GERROR"), 1);
    cmdqv_reset(M.cmdqv);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_GERROR"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_CONS"), 0);
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC2"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VINTF1_CONFIG"), 0);
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ERR_MAP0"), 0);
    ck_assert_uint_eq(tm_rd(&M, "CONFIG"), 0x00020083);
    /* and the queue works again once brought up */
    bring_up(&M, 1, 3, false, 2, 0, 4);
    tm_cmd_sync(cmd, 0);
    tm_put(&M, 2, cmd);
    tm_kick(&M, 2);
    tm_run_idle(&M);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ2_CONS"), 1);
}
END_TEST

/* ---- trace points ---- */

START_TEST(test_trace_points)
{
    static const char *const expect[] = {
        "cmdqv_alloc ", "cmdqv_alloc_reject", "cmdqv_vintf_enable", "cmdqv_vcmdq_enable",
        "cmdqv_vcmdq_error ", "cmdqv_vcmdq_error_ack", "cmdqv_arbitration", "cmdqv_irq",
        "cmdqv_unallocated_access", "cmdqv_enable",
    };
    FILE *f = tmpfile();
    GError *err = NULL;
    unsigned matched = 0;
    char text[8192];
    size_t len;
    uint64_t cmd[2];

    ck_assert_ptr_nonnull(f);
    sim_trace_set_output(f);
    sim_trace_set_clock(&M.sched);
    ck_assert_msg(sim_trace_enable("cmdqv_*", &matched, &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(matched, 11);
    bring_up(&M, 1, 3, false, 2, 0, 4);
    tm_wr(&M, (1 << 15) | (5 << 1) | 1, "CMDQ_ALLOC9");     /* refused */
    tm_rd(&M, "VINTF1_LVCMDQ3_PROD");                        /* unallocated */
    tm_cmd_raw(cmd, OP_TLBI_NH_ALL);
    tm_put(&M, 2, cmd);
    tm_kick(&M, 2);
    tm_run_idle(&M);
    tm_wr(&M, 1, "VCMDQ2_GERRORN");
    tm_wr(&M, 0x00020082, "CONFIG");
    tm_run_idle(&M);
    sim_trace_disable_all();
    sim_trace_set_output(NULL);
    rewind(f);
    len = fread(text, 1, sizeof(text) - 1, f);
    text[len] = '\0';
    fclose(f);
    for (size_t i = 0; i < G_N_ELEMENTS(expect); i++)
        ck_assert_msg(strstr(text, expect[i]), "no %s in:\n%s", expect[i], text);
}
END_TEST

/* ---- arbitration ---- */

struct order_log {
    unsigned n;
    int8_t q[64];
};

static void order_consumed(void *opaque, const struct smmu_cmd_source *src, uint32_t ptr, uint8_t op,
                           sim_time_t prod_time, sim_time_t exec_start, sim_time_t exec_end)
{
    struct order_log *log = opaque;
    if (log->n < G_N_ELEMENTS(log->q))
        log->q[log->n++] = (int8_t)(src->name[5] - '0');
}

START_TEST(test_turn_limit_from_config)
{
    static const struct smmu_engine_observer obs = { .consumed = order_consumed };
    struct order_log log = { 0, { 0 } };
    uint64_t cmd[2];

    bring_up(&M, 0, 0, true, 0, 0, 5);
    bring_up(&M, 0, 0, true, 1, 1, 5);
    /* MAX_CMD_BATCH 3, no cycle budget */
    tm_wr(&M, (3u << 12) | 1, "CONFIG");
    smmu_engine_set_observer(M.smmu, &obs, &log);
    for (unsigned i = 0; i < 12; i++) {
        tm_cmd_tlbi_nh_va(cmd, 0, 1, 0x1000 * i);
        tm_put(&M, 0, cmd);
        tm_put(&M, 1, cmd);
    }
    tm_kick(&M, 0);
    tm_kick(&M, 1);
    tm_run_idle(&M);
    smmu_engine_set_observer(M.smmu, NULL, NULL);
    ck_assert_uint_eq(log.n, 24);
    for (unsigned i = 0; i < 24; i++)
        ck_assert_msg(log.q[i] == (int)((i / 3) % 2), "command %u from queue %d", i, log.q[i]);
}
END_TEST

/* Length of the first run of commands from one queue in the log. */
static unsigned first_run(const struct order_log *log)
{
    unsigned k = 1;
    while (k < log->n && log->q[k] == log->q[0])
        k++;
    return k;
}

static void run_two_queues(struct cqm *m, uint32_t config, struct order_log *log)
{
    static const struct smmu_engine_observer obs = { .consumed = order_consumed };
    uint64_t cmd[2];

    tm_wr(m, config, "CONFIG");
    smmu_engine_set_observer(m->smmu, &obs, log);
    for (unsigned i = 0; i < 12; i++) {
        tm_cmd_tlbi_nh_va(cmd, 0, 1, 0x1000 * i);
        tm_put(m, 0, cmd);
        tm_put(m, 1, cmd);
    }
    tm_kick(m, 0);
    tm_kick(m, 1);
    tm_run_idle(m);
    smmu_engine_set_observer(m->smmu, NULL, NULL);
    ck_assert_uint_eq(log->n, 24);
}

START_TEST(test_turn_limit_cycles)
{
    struct order_log unlimited = { 0, { 0 } }, clk = { 0, { 0 } };

    bring_up(&M, 0, 0, true, 0, 0, 5);
    bring_up(&M, 0, 0, true, 1, 1, 5);
    /* MAX_CMD_BATCH = MAX_CLK_BATCH = 0: no limit, queue 0 drains first */
    run_two_queues(&M, 1, &unlimited);
    ck_assert_uint_eq(first_run(&unlimited), 12);
    /* MAX_CLK_BATCH = 1 (32 cycles): turns end on the cycle budget */
    run_two_queues(&M, (1u << 4) | 1, &clk);
    ck_assert_uint_ge(first_run(&clk), 1);
    ck_assert_uint_lt(first_run(&clk), 12);
    ck_assert_int_ne(clk.q[first_run(&clk)], clk.q[0]);
}
END_TEST

static void fairness_run(unsigned nq)
{
    const unsigned log2size = 8, per_queue = 254;   /* 127 TLBI_NH_VA + CMD_SYNC pairs */
    const uint64_t batch = 32;                        /* MAX_CMD_BATCH at reset */
    struct cqm m;
    uint64_t cmd[2], total = 0, lo, hi;

    tm_init(&m, NULL);
    tm_vintf_up(&m, 0, 0, true);
    for (unsigned q = 0; q < nq; q++) {
        tm_map(&m, q, 0, q);
        tm_queue_up(&m, q, log2size);
        for (unsigned i = 0; i < per_queue / 2; i++) {
            tm_cmd_tlbi_nh_va(cmd, 0, q, 0x1000ull * i);
            tm_put(&m, q, cmd);
            tm_cmd_sync(cmd, 0);
            tm_put(&m, q, cmd);
        }
    }
    for (unsigned q = 0; q < nq; q++)
        tm_kick(&m, q);
    /* run until about half of all commands are consumed */
    while (total < (uint64_t)nq * per_queue / 2) {
        tm_run(&m, 50 * SIM_NS);
        total = 0;
        for (unsigned q = 0; q < nq; q++)
            total += cmdqv_vcmdq_source(m.cmdqv, q)->stats.cmds;
    }
    lo = UINT64_MAX;
    hi = 0;
    for (unsigned q = 0; q < nq; q++) {
        uint64_t c = cmdqv_vcmdq_source(m.cmdqv, q)->stats.cmds;
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
    }
    ck_assert_msg(hi - lo <= batch, "%u queues: consumed between %llu and %llu", nq,
                  (unsigned long long)lo, (unsigned long long)hi);
    ck_assert_uint_gt(lo, 0);
    tm_run_idle(&m);
    for (unsigned q = 0; q < nq; q++)
        ck_assert_uint_eq(tm_rd(&m, "VCMDQ%u_CONS", q), per_queue);
    tm_fini(&m);
}

START_TEST(test_fairness)
{
    static const unsigned counts[] = { 1, 2, 8, 128 };
    fairness_run(counts[_i]);
}
END_TEST

static Suite *cmdqv_cmds_suite(void)
{
    Suite *s = suite_create("cmdqv_cmds");
    TCase *tc = tcase_create("Commands");
    TCase *arb = tcase_create("Arbitration");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_consume_basic);
    tcase_add_test(tc, test_consume_gates);
    tcase_add_test(tc, test_guest_disallowed_opcodes);
    tcase_add_test(tc, test_sync_cs_must_be_none);
    tcase_add_test(tc, test_host_owned_accepts_all);
    tcase_add_test(tc, test_ack_without_rewrite_faults_again);
    tcase_add_test(tc, test_vmid_substitution);
    tcase_add_test(tc, test_sid_replacement);
    tcase_add_test(tc, test_independent_syncs);
    tcase_add_test(tc, test_cons_dram);
    tcase_add_test(tc, test_int_mask_suppresses_irq);
    tcase_add_test(tc, test_reset_clears_state);
    tcase_add_test(tc, test_trace_points);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(arb, setup, teardown);
    tcase_add_test(arb, test_turn_limit_from_config);
    tcase_add_test(arb, test_turn_limit_cycles);
    tcase_add_loop_test(arb, test_fairness, 0, 4);
    suite_add_tcase(s, arb);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cmdqv_cmds_suite());
    int failed;

    sim_log_init(0);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
