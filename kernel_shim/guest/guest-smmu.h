/*
 * guest-smmu.h — the guest's SMMUv3 and CMDQV driver logic.
 *
 * What a guest arm-smmu-v3 driver (with the tegra241-cmdqv extension) does
 * to invalidate: build TLBI commands for an unmapped range (per page, range
 * when SMMU_IDR3.RIL, or one TLBI_NH_ASID above CMDQ_MAX_TLBI_OPS pages;
 * timing.md §2.6a), insert them into a command queue in guest RAM in
 * batches of CMDQ_BATCH_ENTRIES with a CMD_SYNC (CS = NONE) at the end,
 * publish PROD, poll CONS, and recover from a command error through
 * GERROR/GERRORN by overwriting the bad entry with a CMD_SYNC (cmdqv.md §5,
 * smmuv3.md §1.2, §2.2).
 *
 * The logic is pure: no time passes here.  Register accesses go through a
 * small table of callbacks (the queue's "hardware": an LVCMDQ reached
 * through the mmapped VINTF page, or the VMM's emulated vSMMU CMDQ) and are
 * counted, so the actor driving the logic charges each one its cost.
 */
#ifndef GUEST_SMMU_H
#define GUEST_SMMU_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_CMDQ_BATCH_ENTRIES 64u    /* CMDQ_BATCH_ENTRIES (BITS_PER_LONG) */
#define GUEST_CMDQ_MAX_TLBI_OPS 512u    /* CMDQ_MAX_TLBI_OPS */

#define GUEST_OP_TLBI_NH_ASID 0x11u
#define GUEST_OP_TLBI_NH_VA 0x12u
#define GUEST_OP_SYNC 0x46u

/* ---------------------------------------------------------- commands */

void guest_cmd_tlbi_nh_asid(uint64_t cmd[2], uint16_t asid);
/* tg: 0 none, 1 4K, 2 16K, 3 64K; num/scale: the range fields (0 = one
 * page when tg = 0). */
void guest_cmd_tlbi_nh_va(uint64_t cmd[2], uint16_t asid, uint64_t va, unsigned tg, unsigned num,
                          unsigned scale, bool leaf);
/* CMD_SYNC, CS = NONE, MSH = inner shareable. */
void guest_cmd_sync(uint64_t cmd[2]);

enum guest_tlbi_kind { GUEST_TLBI_PER_PAGE, GUEST_TLBI_RANGE, GUEST_TLBI_ASID };

/* Commands invalidating [iova, iova + size) mapped with pages of
 * 1 << pg_shift (12, 14 or 16): over GUEST_CMDQ_MAX_TLBI_OPS pages one
 * TLBI_NH_ASID; else with `ril` range TLBIs (NUM/SCALE/TG as Linux encodes
 * them, each covering up to 32 << scale pages); else one TLBI_NH_VA per
 * page.  Writes at most `max` commands to cmds (2 dwords each) and returns
 * how many were needed (may exceed max: then call again with more room);
 * 0 for a bad pg_shift or an empty or unaligned range. */
unsigned guest_smmu_build_tlbi(bool ril, uint16_t asid, uint64_t iova, uint64_t size,
                               unsigned pg_shift, uint64_t *cmds, unsigned max,
                               enum guest_tlbi_kind *kind);

/* ------------------------------------------------------- command queue */

struct guest_cmdq_ops {
    void (*write_prod)(void *hw, uint32_t prod);
    uint32_t (*read_cons)(void *hw);
    uint32_t (*read_gerror)(void *hw);
    uint32_t (*read_gerrorn)(void *hw);
    void (*write_gerrorn)(void *hw, uint32_t v);
};

/* A command queue as the guest driver sees it.  `entries` is guest RAM
 * (host memory the hardware or the VMM reads). */
struct guest_cmdq {
    uint8_t *entries;
    unsigned log2;
    uint32_t prod;              /* the driver's PROD (with wrap bit) */
    uint32_t cons;              /* CONS.RD as last read */
    const struct guest_cmdq_ops *ops;
    void *hw;
    /* what the logic did, for the actor's cost accounting and the stats */
    uint64_t mmio_reads, mmio_writes, cmds_written, syncs, errors_recovered;
};

void guest_cmdq_init(struct guest_cmdq *q, uint8_t *entries, unsigned log2,
                     const struct guest_cmdq_ops *ops, void *hw);
/* Free entries judged from the last CONS read. */
uint32_t guest_cmdq_space(const struct guest_cmdq *q);
/* Write one command at PROD (the caller checked the space). */
void guest_cmdq_write(struct guest_cmdq *q, const uint64_t cmd[2]);
/* Publish the driver's PROD (one MMIO write). */
void guest_cmdq_publish(struct guest_cmdq *q);
/* One read of CONS; true if the queue reports a command error (CONS.ERR). */
bool guest_cmdq_read_cons(struct guest_cmdq *q);
/* Has CONS passed `target` (a PROD value published earlier)? */
bool guest_cmdq_passed(const struct guest_cmdq *q, uint32_t target);
/* skip_err: if GERROR.CMDQ_ERR is active, overwrite an illegal command at
 * CONS with a CMD_SYNC (CS = NONE; a fetch abort or an ATC timeout is
 * retried unchanged) and acknowledge through GERRORN.  True if an error
 * was handled. */
bool guest_cmdq_recover(struct guest_cmdq *q);

#endif /* GUEST_SMMU_H */
