/*
 * host-cmdqv.c — the host tegra241-cmdqv driver logic.
 *
 * Probe (cmdqv.md §3): read PARAM for the geometry, cycle CMDQV_EN with the
 * CONFIG/STATUS handshake, pre-assign every global VCMDQ to its (VINTF,
 * LVCMDQ) slot in CMDQ_ALLOC with ALLOCATED clear (v6.17: "Do not statically
 * map LVCMDQs"), and bring up VINTF0 for the host kernel with HYP_OWN = 1
 * and all its LVCMDQs (mapped in ascending order, BASE programmed, enabled).
 *
 * For iommufd (iommufd.md §2.3-§2.5): user VINTFs with HYP_OWN = 0 and the
 * vIOMMU's VMID, SID_REPLACE/SID_MATCH pairs for vdevices, LVCMDQ mapping
 * with only page1 BASE programmed for HW queues (the guest enables them
 * through its mmapped page0), and the teardown order: VCMDQ deinit
 * (disable, CMD_SYNC on the main SMMU CMDQ, clear pointers and BASE,
 * acknowledge a pending error), unmap, VINTF disable, SID pairs cleared.
 *
 * Every register access is MMIO on the bus, costing the bus latency, except
 * the error-map polling that stands in for the CMDQV interrupt.
 */
#include <string.h>
#include "kernel_shim/shim-private.h"
#include "models/cmdqv/cmdqv-regs.h"

static uint64_t cmdqv_reg(uint32_t off) { return shim.hw.cmdqv_base + off; }

static uint64_t vintf_reg(int idx, uint32_t off)
{
    return cmdqv_reg(CMDQV_VINTF_BLOCK_BASE + (uint32_t)idx * CMDQV_VINTF_BLOCK_STRIDE + off);
}

uint64_t host_cmdqv_vintf_page0(int idx)
{
    return cmdqv_reg(CMDQV_VINTF_PAGES_BASE + (uint32_t)idx * CMDQV_VINTF_PAGES_STRIDE);
}

static uint64_t lvcmdq_p0(int idx, unsigned lidx, uint32_t off)
{
    return host_cmdqv_vintf_page0(idx) + lidx * CMDQV_VCMDQ_STRIDE + off;
}

static uint64_t lvcmdq_p1(int idx, unsigned lidx, uint32_t off)
{
    return lvcmdq_p0(idx, lidx, off) + CMDQV_PAGE_SIZE;
}

static uint32_t cmdq_alloc_value(int idx, unsigned lidx, bool allocated)
{
    uint32_t v = SIM_FIELD_DP32(0, CMDQ_ALLOC, VINTF, (uint32_t)idx);
    v = SIM_FIELD_DP32(v, CMDQ_ALLOC, LVCMDQ, lidx);
    return SIM_FIELD_DP32(v, CMDQ_ALLOC, ALLOCATED, allocated ? 1 : 0);
}

static uint64_t cmdq_alloc_reg(int idx, unsigned lidx)
{
    unsigned qidx = (unsigned)idx * shim.cmdqv.lvcmdqs_per_vintf + lidx;
    return cmdqv_reg(A_CMDQV_CMDQ_ALLOC0 + 4 * qidx);
}

/* The generic en/disable helper: write CONFIG, poll STATUS[0] == CONFIG[0]. */
static int write_config(uint64_t config, uint64_t status, uint32_t v)
{
    host_write32(config, v);
    return host_poll32(status, 1u, v & 1u);
}

/* ---------------------------------------------------------------- VCMDQ */

static int vcmdq_hw_deinit(int idx, unsigned lidx)
{
    int rc = write_config(lvcmdq_p0(idx, lidx, A_VCMDQ_CONFIG), lvcmdq_p0(idx, lidx, A_VCMDQ_STATUS), 0);
    /* Flush a possible ATC_INV timeout so the next owner does not inherit
     * it (cmdqv.md §3). */
    int src = host_smmu_sync();
    host_write32(lvcmdq_p0(idx, lidx, A_VCMDQ_PROD), 0);
    host_write32(lvcmdq_p0(idx, lidx, A_VCMDQ_CONS), 0);
    host_write64(lvcmdq_p1(idx, lidx, A_VCMDQ_BASE), 0);
    host_write64(lvcmdq_p1(idx, lidx, A_VCMDQ_CONS_INDX_BASE), 0);
    uint32_t gerror = host_read32(lvcmdq_p0(idx, lidx, A_VCMDQ_GERROR));
    uint32_t gerrorn = host_read32(lvcmdq_p0(idx, lidx, A_VCMDQ_GERRORN));
    if (gerror != gerrorn) {
        g_message("VINTF%d LVCMDQ%u: uncleared error detected, resetting", idx, lidx);
        host_write32(lvcmdq_p0(idx, lidx, A_VCMDQ_GERRORN), gerror);
    }
    return rc ? rc : src;
}

static uint64_t vcmdq_base_value(uint64_t pa, uint64_t length)
{
    return (pa & VCMDQ_BASE_ADDR_MASK) | (uint64_t)(sim_msb64(length) - 4);
}

static void lvcmdq_mark(int idx, unsigned lidx, bool mapped)
{
    uint64_t *m = &shim.cmdqv.lvcmdq_mapped[idx][lidx / 64];
    *m = mapped ? *m | (1ull << (lidx % 64)) : *m & ~(1ull << (lidx % 64));
}

bool host_cmdqv_lvcmdq_live(uint64_t page0_mmio, unsigned lidx)
{
    struct host_cmdqv *c = &shim.cmdqv;
    uint64_t first = host_cmdqv_vintf_page0(0);
    if (!c->probed || page0_mmio < first || lidx >= c->lvcmdqs_per_vintf)
        return false;
    uint64_t idx = (page0_mmio - first) / CMDQV_VINTF_PAGES_STRIDE;
    if (idx >= c->num_vintfs)
        return false;
    return (c->lvcmdq_mapped[idx][lidx / 64] >> (lidx % 64)) & 1;
}

void host_cmdqv_lvcmdq_map(int idx, unsigned lidx, uint64_t base_pa, uint64_t length)
{
    lvcmdq_mark(idx, lidx, true);
    host_write32(cmdq_alloc_reg(idx, lidx), cmdq_alloc_value(idx, lidx, true));
    /* "Configure the vcmdq only; User space does the enabling." */
    host_write64(lvcmdq_p1(idx, lidx, A_VCMDQ_BASE), vcmdq_base_value(base_pa, length));
}

void host_cmdqv_lvcmdq_unmap(int idx, unsigned lidx)
{
    vcmdq_hw_deinit(idx, lidx);
    host_write32(cmdq_alloc_reg(idx, lidx), cmdq_alloc_value(idx, lidx, false));
    lvcmdq_mark(idx, lidx, false);
}

/* ---------------------------------------------------------------- VINTF */

static int vintf_write_config(int idx, uint32_t v)
{
    return write_config(vintf_reg(idx, A_VINTF_CONFIG), vintf_reg(idx, A_VINTF_STATUS), v);
}

static void vintf_hw_deinit(int idx)
{
    vintf_write_config(idx, 0);
    for (unsigned s = 0; s < shim.cmdqv.sids_per_vintf; s++) {
        host_write32(vintf_reg(idx, A_VINTF_SID_MATCH0 + 4 * s), 0);
        host_write32(vintf_reg(idx, A_VINTF_SID_REPLACE0 + 4 * s), 0);
    }
}

static int vintf_hw_init(int idx, bool hyp_own, uint16_t vmid)
{
    vintf_hw_deinit(idx);
    uint32_t cfg = SIM_FIELD_DP32(0, VINTF_CONFIG, HYP_OWN, hyp_own ? 1 : 0);
    cfg = SIM_FIELD_DP32(cfg, VINTF_CONFIG, VMID, vmid);
    host_write32(vintf_reg(idx, A_VINTF_CONFIG), cfg);
    int rc = vintf_write_config(idx, cfg | (uint32_t)R_VINTF_CONFIG_EN_MASK);
    if (rc)
        return rc;
    uint32_t back = host_read32(vintf_reg(idx, A_VINTF_CONFIG));
    if (hyp_own && !SIM_FIELD_EX32(back, VINTF_CONFIG, HYP_OWN))
        g_message("VINTF%d: HYP_OWN reads back 0 (guest kernel)", idx);
    return 0;
}

int host_cmdqv_vintf_alloc(uint16_t vmid, int *idx)
{
    struct host_cmdqv *c = &shim.cmdqv;
    if (!c->probed)
        return -ENODEV;
    for (unsigned i = 1; i < c->num_vintfs; i++) {
        if (c->vintf_used & (1ull << i))
            continue;
        if (shim_should_fail())
            return -ENOMEM;
        int rc = vintf_hw_init((int)i, false, vmid);
        if (rc) {
            vintf_hw_deinit((int)i);
            return rc;
        }
        c->vintf_used |= 1ull << i;
        *idx = (int)i;
        return 0;
    }
    g_message("no more available vintf");
    return -ENOSPC;
}

void host_cmdqv_vintf_free(int idx)
{
    vintf_hw_deinit(idx);
    shim.cmdqv.vintf_used &= ~(1ull << idx);
}

int host_cmdqv_sid_attach(int vintf, int slot, uint32_t psid, uint32_t vsid)
{
    if (shim_should_fail())
        return -ENOMEM;
    host_write32(vintf_reg(vintf, A_VINTF_SID_REPLACE0 + 4u * (unsigned)slot), psid);
    host_write32(vintf_reg(vintf, A_VINTF_SID_MATCH0 + 4u * (unsigned)slot), (vsid << 1) | 1u);
    return 0;
}

void host_cmdqv_sid_detach(int vintf, int slot)
{
    host_write32(vintf_reg(vintf, A_VINTF_SID_REPLACE0 + 4u * (unsigned)slot), 0);
    host_write32(vintf_reg(vintf, A_VINTF_SID_MATCH0 + 4u * (unsigned)slot), 0);
}

/* Untimed: this stands in for the CMDQV interrupt handler. */
void host_cmdqv_read_err_map(int vintf, uint64_t map[2])
{
    uint32_t vmap[2] = {
        sim_bus_read32(shim.hw.bus, cmdqv_reg(A_CMDQV_VINTF_ERR_MAP)),
        sim_bus_read32(shim.hw.bus, cmdqv_reg(A_CMDQV_VINTF_ERR_MAP + 4)),
    };
    map[0] = map[1] = 0;
    if (!(vmap[vintf / 32] & (1u << (vintf % 32))))
        return;
    for (unsigned m = 0; m < 2; m++) {
        uint64_t a = vintf_reg(vintf, A_VINTF_LVCMDQ_ERR_MAP0 + 8 * m);
        map[m] = sim_bus_read32(shim.hw.bus, a) | ((uint64_t)sim_bus_read32(shim.hw.bus, a + 4) << 32);
    }
}

/* ---------------------------------------------------------------- probe */

static int cmdqv_hw_reset(void)
{
    struct host_cmdqv *c = &shim.cmdqv;
    uint32_t cfg = host_read32(cmdqv_reg(A_CMDQV_CONFIG));
    int rc = write_config(cmdqv_reg(A_CMDQV_CONFIG), cmdqv_reg(A_CMDQV_STATUS),
                          cfg & ~(uint32_t)R_CMDQV_CONFIG_CMDQV_EN_MASK);
    if (!rc)
        rc = write_config(cmdqv_reg(A_CMDQV_CONFIG), cmdqv_reg(A_CMDQV_STATUS),
                          cfg | (uint32_t)R_CMDQV_CONFIG_CMDQV_EN_MASK);
    if (rc)
        return rc;
    for (unsigned v = 0; v < c->num_vintfs; v++)
        for (unsigned l = 0; l < c->lvcmdqs_per_vintf; l++)
            host_write32(cmdq_alloc_reg((int)v, l), cmdq_alloc_value((int)v, l, false));
    return 0;
}

/* VINTF0 belongs to the host kernel: HYP_OWN = 1, every LVCMDQ set up. */
static int cmdqv_init_vintf0(void)
{
    struct host_cmdqv *c = &shim.cmdqv;
    int rc = vintf_hw_init(0, true, 0);
    if (rc)
        return rc;
    c->vintf_used |= 1;
    unsigned log2 = shim.smmu.cmdq_log2;
    uint64_t bytes = (uint64_t)16 << log2;
    c->host_q = g_new0(uint64_t, c->lvcmdqs_per_vintf);
    c->host_lvcmdq = g_new0(struct host_cmdq, c->lvcmdqs_per_vintf);
    for (unsigned l = 0; l < c->lvcmdqs_per_vintf; l++) {
        uint64_t pa = shim_pa_alloc(&shim.host_mem, bytes, MAX(bytes, 32));
        if (!pa)
            return -ENOMEM;
        sim_mem_fill(shim.hw.mem, pa, 0, bytes);
        c->host_q[l] = pa;
        host_write32(cmdq_alloc_reg(0, l), cmdq_alloc_value(0, l, true));
        lvcmdq_mark(0, l, true);
        if ((rc = vcmdq_hw_deinit(0, l)))
            return rc;
        host_write64(lvcmdq_p1(0, l, A_VCMDQ_BASE), vcmdq_base_value(pa, bytes));
        rc = write_config(lvcmdq_p0(0, l, A_VCMDQ_CONFIG), lvcmdq_p0(0, l, A_VCMDQ_STATUS), 1);
        if (rc)
            return rc;
        host_cmdq_init(&c->host_lvcmdq[l], pa, log2, lvcmdq_p0(0, l, A_VCMDQ_PROD),
                       lvcmdq_p0(0, l, A_VCMDQ_CONS), lvcmdq_p0(0, l, A_VCMDQ_GERROR));
    }
    return 0;
}

/* queue -1 is the SMMU CMDQ; 0.. are the LVCMDQs of VINTF0. */
struct host_cmdq *host_cmdq_by_queue(int queue)
{
    if (queue == -1)
        return shim.smmu.probed ? &shim.smmu.q : NULL;
    if (queue < 0 || !shim.cmdqv.probed || (unsigned)queue >= shim.cmdqv.lvcmdqs_per_vintf)
        return NULL;
    return &shim.cmdqv.host_lvcmdq[queue];
}

struct host_cmdq *host_cmdq_by_ticket(uint64_t ticket)
{
    return host_cmdq_by_queue((int)(ticket >> HOST_TICKET_SEQ_BITS) - 1);
}

int host_cmdqv_probe(void)
{
    struct host_cmdqv *c = &shim.cmdqv;
    if (!c->present || !shim.smmu.probed)
        return -ENODEV;
    if (c->probed)
        return -EBUSY;
    c->param = host_read32(cmdqv_reg(A_CMDQV_PARAM));
    c->num_vintfs = 1u << SIM_FIELD_EX32(c->param, CMDQV_PARAM, NUM_VINTF_LOG2);
    c->num_vcmdqs = 1u << SIM_FIELD_EX32(c->param, CMDQV_PARAM, NUM_VCMDQ_LOG2);
    c->sids_per_vintf = 1u << SIM_FIELD_EX32(c->param, CMDQV_PARAM, NUM_SID_PER_VM_LOG2);
    c->lvcmdqs_per_vintf = c->num_vcmdqs / c->num_vintfs;
    if (c->num_vintfs > CMDQV_MAX_VINTFS || c->num_vcmdqs > CMDQV_MAX_VCMDQS ||
        c->sids_per_vintf > CMDQV_MAX_SIDS || c->lvcmdqs_per_vintf == 0) {
        g_warning("unsupported CMDQV PARAM 0x%x", c->param);
        return -ENODEV;
    }
    int rc = cmdqv_hw_reset();
    if (!rc)
        rc = cmdqv_init_vintf0();
    if (rc) {
        host_cmdqv_remove();
        c->present = true;
        return rc;
    }
    c->probed = true;
    return 0;
}

/* Driver unload: VINTF0's LVCMDQs unmapped in descending order, VINTF0 and
 * the CMDQV disabled, so a later probe finds the hardware as after reset. */
static void cmdqv_hw_teardown(void)
{
    struct host_cmdqv *c = &shim.cmdqv;
    for (unsigned l = c->lvcmdqs_per_vintf; l-- > 0;)
        host_cmdqv_lvcmdq_unmap(0, l);
    vintf_hw_deinit(0);
    uint32_t cfg = host_read32(cmdqv_reg(A_CMDQV_CONFIG));
    write_config(cmdqv_reg(A_CMDQV_CONFIG), cmdqv_reg(A_CMDQV_STATUS),
                 cfg & ~(uint32_t)R_CMDQV_CONFIG_CMDQV_EN_MASK);
}

void host_cmdqv_remove(void)
{
    struct host_cmdqv *c = &shim.cmdqv;
    if (c->probed)
        cmdqv_hw_teardown();
    g_free(c->host_q);
    g_free(c->host_lvcmdq);
    bool present = c->present;
    memset(c, 0, sizeof(*c));
    c->present = present;
}
