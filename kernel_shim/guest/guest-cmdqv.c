/*
 * guest-cmdqv.c — the guest CMDQV driver's LVCMDQ accessors through the
 * mmapped VINTF page0 (cmdqv.md §2.2: PROD, CONS, CONFIG, STATUS, GERROR,
 * GERRORN at the same offsets in every 0x80-byte LVCMDQ block).
 */
#include "kernel_shim/guest/guest-cmdqv.h"
#include "kernel_shim/iommufd-shim.h"
#include "models/cmdqv/cmdqv-regs.h"

void *guest_cmdqv_lvcmdq_regs(void *page0, unsigned lidx)
{
    return (uint8_t *)page0 + (size_t)lidx * CMDQV_VCMDQ_STRIDE;
}

static uint32_t rd(void *regs, uint32_t off)
{
    return iommufd_shim_mmio_read32((uint8_t *)regs + off);
}

static void wr(void *regs, uint32_t off, uint32_t v)
{
    iommufd_shim_mmio_write32((uint8_t *)regs + off, v);
}

static void lv_write_prod(void *hw, uint32_t prod) { wr(hw, A_VCMDQ_PROD, prod); }
static uint32_t lv_read_cons(void *hw) { return rd(hw, A_VCMDQ_CONS); }
static uint32_t lv_read_gerror(void *hw) { return rd(hw, A_VCMDQ_GERROR); }
static uint32_t lv_read_gerrorn(void *hw) { return rd(hw, A_VCMDQ_GERRORN); }
static void lv_write_gerrorn(void *hw, uint32_t v) { wr(hw, A_VCMDQ_GERRORN, v); }

const struct guest_cmdq_ops guest_cmdqv_lvcmdq_ops = {
    lv_write_prod, lv_read_cons, lv_read_gerror, lv_read_gerrorn, lv_write_gerrorn,
};

int guest_cmdqv_lvcmdq_enable(void *regs)
{
    return iommufd_shim_mmio_write32((uint8_t *)regs + A_VCMDQ_CONFIG, R_VCMDQ_CONFIG_EN_MASK);
}

bool guest_cmdqv_lvcmdq_enabled(void *regs)
{
    return rd(regs, A_VCMDQ_STATUS) & R_VCMDQ_STATUS_ENABLED_MASK;
}
