/*
 * guest-smmu.c — the guest SMMUv3 driver's invalidation and command-queue
 * logic (see guest-smmu.h).  Command layouts: smmuv3.md §2.2; queue
 * pointers and errors: smmuv3.md §1.2, §1.4; the skip_err recovery and
 * CS = NONE on CMDQV queues: cmdqv.md §4, §5; driver constants: timing.md
 * §2.6a.
 */
#include <string.h>
#include "kernel_shim/guest/guest-smmu.h"
#include "models/smmuv3/smmuv3-queue.h"

#define CMD_SYNC_MSH_ISH (3ull << 22)
#define CONS_RD_MASK 0xfffffu
#define CONS_ERR(v) (((v) >> 24) & 0x7fu)
#define CERROR_ABT 2u
#define CERROR_ATC_INV_SYNC 3u
#define GERROR_CMDQ_ERR 1u
#define TLBI_RANGE_NUM_MAX 31u

/* ---------------------------------------------------------- commands */

void guest_cmd_tlbi_nh_asid(uint64_t cmd[2], uint16_t asid)
{
    cmd[0] = GUEST_OP_TLBI_NH_ASID | ((uint64_t)asid << 48);
    cmd[1] = 0;
}

void guest_cmd_tlbi_nh_va(uint64_t cmd[2], uint16_t asid, uint64_t va, unsigned tg, unsigned num,
                          unsigned scale, bool leaf)
{
    cmd[0] = GUEST_OP_TLBI_NH_VA | ((uint64_t)(num & 0x1f) << 12) | ((uint64_t)(scale & 0x1f) << 20) |
             ((uint64_t)asid << 48);
    /* A range TLBI of leaf pages names the last level (TTL 3), as Linux
     * derives it from the granule. */
    unsigned ttl = tg && leaf ? 3u : 0u;
    cmd[1] = (leaf ? 1u : 0u) | ((uint64_t)ttl << 8) | ((uint64_t)(tg & 3) << 10) |
             (va & ~0xfffull);
}

void guest_cmd_sync(uint64_t cmd[2])
{
    cmd[0] = GUEST_OP_SYNC | CMD_SYNC_MSH_ISH;  /* CS = NONE: CMDQV queues poll CONS */
    cmd[1] = 0;
}

static void put_cmd(uint64_t *cmds, unsigned max, unsigned i, const uint64_t cmd[2])
{
    if (i < max)
        memcpy(cmds + 2 * i, cmd, 16);
}

unsigned guest_smmu_build_tlbi(bool ril, uint16_t asid, uint64_t iova, uint64_t size,
                               unsigned pg_shift, uint64_t *cmds, unsigned max,
                               enum guest_tlbi_kind *kind)
{
    if ((pg_shift != 12 && pg_shift != 14 && pg_shift != 16) || size == 0 ||
        ((iova | size) & ((1ull << pg_shift) - 1)) || iova + size < iova)
        return 0;
    uint64_t cmd[2];
    uint64_t num_pages = size >> pg_shift;
    if (num_pages > GUEST_CMDQ_MAX_TLBI_OPS) {
        *kind = GUEST_TLBI_ASID;
        guest_cmd_tlbi_nh_asid(cmd, asid);
        put_cmd(cmds, max, 0, cmd);
        return 1;
    }
    unsigned n = 0;
    if (!ril) {
        *kind = GUEST_TLBI_PER_PAGE;
        for (uint64_t p = 0; p < num_pages; p++, n++) {
            guest_cmd_tlbi_nh_va(cmd, asid, iova + (p << pg_shift), 0, 0, 0, true);
            put_cmd(cmds, max, n, cmd);
        }
        return n;
    }
    /* Each command covers the lowest set bits of the remaining page count:
     * 5 bits of it (NUM - 1) at the scale of its lowest set bit. */
    *kind = GUEST_TLBI_RANGE;
    unsigned tg = (pg_shift - 10) / 2;
    uint64_t end = iova + size;
    while (iova < end) {
        unsigned scale = (unsigned)__builtin_ctzll(num_pages);
        uint64_t num = (num_pages >> scale) & TLBI_RANGE_NUM_MAX;
        guest_cmd_tlbi_nh_va(cmd, asid, iova, tg, (unsigned)num - 1, scale, true);
        put_cmd(cmds, max, n++, cmd);
        num_pages -= num << scale;
        iova += num << (scale + pg_shift);
    }
    return n;
}

/* ------------------------------------------------------- command queue */

void guest_cmdq_init(struct guest_cmdq *q, uint8_t *entries, unsigned log2,
                     const struct guest_cmdq_ops *ops, void *hw)
{
    memset(q, 0, sizeof(*q));
    q->entries = entries;
    q->log2 = log2;
    q->ops = ops;
    q->hw = hw;
}

uint32_t guest_cmdq_space(const struct guest_cmdq *q)
{
    return smmu_q_entries(q->log2) - smmu_q_used(q->log2, q->prod, q->cons);
}

static void write_entry(struct guest_cmdq *q, uint32_t p, const uint64_t cmd[2])
{
    uint8_t *e = q->entries + ((size_t)smmu_q_idx(q->log2, p) << 4);
    for (unsigned i = 0; i < 16; i++)      /* little-endian, as the queue is */
        e[i] = (uint8_t)(cmd[i / 8] >> (8 * (i % 8)));
}

void guest_cmdq_write(struct guest_cmdq *q, const uint64_t cmd[2])
{
    write_entry(q, q->prod, cmd);
    q->prod = smmu_q_inc(q->log2, q->prod);
    q->cmds_written++;
    if ((cmd[0] & 0xff) == GUEST_OP_SYNC)
        q->syncs++;
}

void guest_cmdq_publish(struct guest_cmdq *q)
{
    q->mmio_writes++;
    q->ops->write_prod(q->hw, q->prod);
}

bool guest_cmdq_read_cons(struct guest_cmdq *q)
{
    q->mmio_reads++;
    uint32_t v = q->ops->read_cons(q->hw);
    q->cons = smmu_q_ptr(q->log2, v & CONS_RD_MASK);
    return CONS_ERR(v) != 0;
}

bool guest_cmdq_passed(const struct guest_cmdq *q, uint32_t target)
{
    /* Everything up to target is consumed when no entry of [cons, target)
     * remains: the distance cons -> target does not exceed prod -> target's
     * complement (i.e. cons lies in [target, prod]). */
    uint32_t outstanding = smmu_q_used(q->log2, q->prod, q->cons);
    uint32_t after_target = smmu_q_used(q->log2, q->prod, target);
    return outstanding <= after_target;
}

bool guest_cmdq_recover(struct guest_cmdq *q)
{
    q->mmio_reads += 3;
    uint32_t gerror = q->ops->read_gerror(q->hw);
    uint32_t gerrorn = q->ops->read_gerrorn(q->hw);
    if (!((gerror ^ gerrorn) & GERROR_CMDQ_ERR))
        return false;
    uint32_t cons = q->ops->read_cons(q->hw);
    unsigned err = CONS_ERR(cons);
    if (err != CERROR_ABT && err != CERROR_ATC_INV_SYNC) {
        uint64_t sync[2];
        guest_cmd_sync(sync);
        write_entry(q, cons & CONS_RD_MASK, sync);
    }
    q->mmio_writes++;
    q->ops->write_gerrorn(q->hw, (gerrorn & ~GERROR_CMDQ_ERR) | (gerror & GERROR_CMDQ_ERR));
    q->errors_recovered++;
    return true;
}
