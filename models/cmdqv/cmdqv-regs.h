/*
 * cmdqv-regs.h — the Tegra241 CMDQV register map [cmdqv.md §1, §2].
 *
 * Layout of the MMIO window (offsets from the CMDQV base):
 *
 *   OFFSET                       SIZE      DESCRIPTION
 *   0x00000                      64 KiB    global config page
 *     0x000 .. 0x0FF                         global registers (CONFIG, PARAM, ...)
 *     0x200 + 4q                             CMDQ_ALLOC(q), q < NUM_VCMDQ
 *     0x1000 + 0x100 v                       VINTF(v) block, v < NUM_VINTF
 *   0x10000 + 0x80 q             0x80      VCMDQ(q) page0, "direct" aperture
 *   0x20000 + 0x80 q             0x80      VCMDQ(q) page1 (BASE, CONS_INDX_BASE)
 *   0x30000 + 0x20000 i + 0x80 l 0x80      VINTF(i) logical page0, LVCMDQ(l)
 *   0x40000 + 0x20000 i + 0x80 l 0x80      VINTF(i) logical page1, LVCMDQ(l)
 *
 * The window is 0x30000 + 0x20000 * NUM_VINTF bytes.  The direct and the
 * logical apertures are aliases of one register set per global VCMDQ: the
 * logical slot (i, l) names the VCMDQ whose CMDQ_ALLOC entry is (i, l) with
 * ALLOCATED set.  The decoder normalises every alias to the global queue.
 *
 * All registers are 32 bits; the 64-bit ones (VINTF_ERR_MAP, VINTF_INT_MASK,
 * LVCMDQ_ERR_MAP_64, BASE, CONS_INDX_BASE) are two 32-bit halves, low half
 * first.
 */
#ifndef CMDQV_REGS_H
#define CMDQV_REGS_H

#include "sim/regfields.h"

/* ---- geometry ---- */
#define CMDQV_VCMDQ_P0_BASE      0x10000u
#define CMDQV_VCMDQ_P1_BASE      0x20000u
#define CMDQV_VINTF_PAGES_BASE   0x30000u
#define CMDQV_VINTF_PAGES_STRIDE 0x20000u
#define CMDQV_PAGE_SIZE          0x10000u
#define CMDQV_VCMDQ_STRIDE       0x80u
#define CMDQV_VINTF_BLOCK_BASE   0x1000u
#define CMDQV_VINTF_BLOCK_STRIDE 0x100u

/* Architectural maxima implied by the field widths [cmdqv.md §2.1]. */
#define CMDQV_MAX_VINTFS      64u
#define CMDQV_MAX_VCMDQS      128u
#define CMDQV_MAX_SIDS        16u
#define CMDQV_ERR_MAP_WORDS   4u    /* CMDQ_ERR_MAP(0..3): 128 bits */

/* ---- global config page ---- */
SIM_REG32(CMDQV_CONFIG, 0x000)
    SIM_FIELD(CMDQV_CONFIG, CMDQV_EN, 0, 1)
    SIM_FIELD(CMDQV_CONFIG, PER_CMD_OFFSET, 1, 3)
    SIM_FIELD(CMDQV_CONFIG, MAX_CLK_BATCH, 4, 8)
    SIM_FIELD(CMDQV_CONFIG, MAX_CMD_BATCH, 12, 8)
    SIM_FIELD(CMDQV_CONFIG, CONS_DRAM_EN, 20, 1)
#define CMDQV_CONFIG_RESET    0x00020083u
#define CMDQV_CONFIG_WRITABLE 0x001FFFFFu
SIM_REG32(CMDQV_PARAM, 0x004)
    SIM_FIELD(CMDQV_PARAM, VER, 0, 4)
    SIM_FIELD(CMDQV_PARAM, NUM_VCMDQ_LOG2, 4, 4)
    SIM_FIELD(CMDQV_PARAM, NUM_VINTF_LOG2, 8, 4)
    SIM_FIELD(CMDQV_PARAM, NUM_SID_PER_VM_LOG2, 12, 4)
SIM_REG32(CMDQV_STATUS, 0x008)
    SIM_FIELD(CMDQV_STATUS, CMDQV_ENABLED, 0, 1)
SIM_REG32(CMDQV_FILTER0, 0x00C)     /* global filters: fields unknown, RAZ/WI */
SIM_REG32(CMDQV_FILTER1, 0x010)
SIM_REG32(CMDQV_VINTF_ERR_MAP, 0x014)    /* 64-bit, halves at 0x14 / 0x18 */
SIM_REG32(CMDQV_VINTF_INT_MASK, 0x01C)   /* 64-bit, halves at 0x1C / 0x20 */
SIM_REG32(CMDQV_CMDQ_ERR_MAP0, 0x024)    /* + 4m, m = 0..3 */
SIM_REG32(CMDQV_CMDQ_ALLOC0, 0x200)      /* + 4q */
    SIM_FIELD(CMDQ_ALLOC, ALLOCATED, 0, 1)
    SIM_FIELD(CMDQ_ALLOC, LVCMDQ, 1, 7)
    SIM_FIELD(CMDQ_ALLOC, VINTF, 15, 6)
#define CMDQ_ALLOC_WRITABLE 0x001F80FFu

/* ---- per-VINTF block (offsets inside VINTF(v)) ---- */
SIM_REG32(VINTF_CONFIG, 0x00)
    SIM_FIELD(VINTF_CONFIG, EN, 0, 1)
    SIM_FIELD(VINTF_CONFIG, VMID, 1, 16)
    SIM_FIELD(VINTF_CONFIG, HYP_OWN, 17, 1)
#define VINTF_CONFIG_WRITABLE 0x0003FFFFu
SIM_REG32(VINTF_STATUS, 0x04)
    SIM_FIELD(VINTF_STATUS, ENABLED, 0, 1)
    SIM_FIELD(VINTF_STATUS, STATUS, 1, 3)
    SIM_FIELD(VINTF_STATUS, VI_NUM_LVCMDQ, 16, 8)
SIM_REG32(VINTF_SID_MATCH0, 0x40)        /* + 4s */
    SIM_FIELD(SID_MATCH, ENABLE, 0, 1)
    SIM_FIELD(SID_MATCH, VIRT_SID, 1, 20)
#define SID_MATCH_WRITABLE 0x001FFFFFu
SIM_REG32(VINTF_SID_REPLACE0, 0x80)      /* + 4s */
    SIM_FIELD(SID_REPLACE, PHYS_SID, 0, 20)
#define SID_REPLACE_WRITABLE 0x000FFFFFu
SIM_REG32(VINTF_LVCMDQ_ERR_MAP0, 0xC0)   /* 64-bit, + 8m, m = 0..1 */

/* ---- VCMDQ page0 (direct and logical) ---- */
SIM_REG32(VCMDQ_CONS, 0x00)
    SIM_FIELD(VCMDQ_CONS, RD, 0, 20)
    SIM_FIELD(VCMDQ_CONS, ERR, 24, 7)
SIM_REG32(VCMDQ_PROD, 0x04)
    SIM_FIELD(VCMDQ_PROD, WR, 0, 20)
SIM_REG32(VCMDQ_CONFIG, 0x08)
    SIM_FIELD(VCMDQ_CONFIG, EN, 0, 1)
SIM_REG32(VCMDQ_STATUS, 0x0C)
    SIM_FIELD(VCMDQ_STATUS, ENABLED, 0, 1)
SIM_REG32(VCMDQ_GERROR, 0x10)
    SIM_FIELD(VCMDQ_GERROR, CMDQ_ERR, 0, 1)
    SIM_FIELD(VCMDQ_GERROR, CONS_DRAM_WR_ABT_ERR, 1, 1)
    SIM_FIELD(VCMDQ_GERROR, CMDQ_INIT_ERR, 2, 1)
#define VCMDQ_GERROR_BITS 0x7u
SIM_REG32(VCMDQ_GERRORN, 0x14)

/* ---- VCMDQ page1 ---- */
SIM_REG64(VCMDQ_BASE, 0x00)
    SIM_FIELD(VCMDQ_BASE, LOG2SIZE, 0, 5)
    SIM_FIELD(VCMDQ_BASE, ADDR, 5, 43)
#define VCMDQ_BASE_WRITABLE 0x0000FFFFFFFFFFFFull          /* ADDR[47:5] | LOG2SIZE */
#define VCMDQ_BASE_ADDR_MASK 0x0000FFFFFFFFFFE0ull
SIM_REG64(VCMDQ_CONS_INDX_BASE, 0x08)
#define VCMDQ_CONS_INDX_BASE_WRITABLE 0x0000FFFFFFFFFFFCull /* ADDR[47:2] */

/*
 * The register table: every named register of the four block kinds.  An
 * entry with count > 1 is an array (name followed by a decimal index).
 * Used for name <-> offset conversion (cmdqv_reg_lookup / cmdqv_reg_name).
 */
enum cmdqv_block_kind {
    CMDQV_KIND_GLOBAL,
    CMDQV_KIND_VINTF,
    CMDQV_KIND_VCMDQ_P0,
    CMDQV_KIND_VCMDQ_P1,
};

struct cmdqv_reg_desc {
    enum cmdqv_block_kind kind;
    const char *name;
    uint32_t offset;    /* inside the block */
    uint8_t size;       /* bytes of one element: 4 or 8 */
    uint8_t count;      /* array length (1 = scalar) */
    uint8_t stride;
};

static const struct cmdqv_reg_desc cmdqv_reg_table[] = {
    { CMDQV_KIND_GLOBAL, "CONFIG", A_CMDQV_CONFIG, 4, 1, 0 },
    { CMDQV_KIND_GLOBAL, "PARAM", A_CMDQV_PARAM, 4, 1, 0 },
    { CMDQV_KIND_GLOBAL, "STATUS", A_CMDQV_STATUS, 4, 1, 0 },
    { CMDQV_KIND_GLOBAL, "FILTER", A_CMDQV_FILTER0, 4, 2, 4 },
    { CMDQV_KIND_GLOBAL, "VINTF_ERR_MAP", A_CMDQV_VINTF_ERR_MAP, 4, 1, 0 },
    { CMDQV_KIND_GLOBAL, "VINTF_ERR_MAP_HI", A_CMDQV_VINTF_ERR_MAP + 4, 4, 1, 0 },
    { CMDQV_KIND_GLOBAL, "VINTF_INT_MASK", A_CMDQV_VINTF_INT_MASK, 4, 1, 0 },
    { CMDQV_KIND_GLOBAL, "VINTF_INT_MASK_HI", A_CMDQV_VINTF_INT_MASK + 4, 4, 1, 0 },
    { CMDQV_KIND_GLOBAL, "CMDQ_ERR_MAP", A_CMDQV_CMDQ_ERR_MAP0, 4, CMDQV_ERR_MAP_WORDS, 4 },
    { CMDQV_KIND_GLOBAL, "CMDQ_ALLOC", A_CMDQV_CMDQ_ALLOC0, 4, CMDQV_MAX_VCMDQS, 4 },
    { CMDQV_KIND_VINTF, "CONFIG", A_VINTF_CONFIG, 4, 1, 0 },
    { CMDQV_KIND_VINTF, "STATUS", A_VINTF_STATUS, 4, 1, 0 },
    { CMDQV_KIND_VINTF, "SID_MATCH", A_VINTF_SID_MATCH0, 4, CMDQV_MAX_SIDS, 4 },
    { CMDQV_KIND_VINTF, "SID_REPLACE", A_VINTF_SID_REPLACE0, 4, CMDQV_MAX_SIDS, 4 },
    { CMDQV_KIND_VINTF, "LVCMDQ_ERR_MAP", A_VINTF_LVCMDQ_ERR_MAP0, 8, 2, 8 },
    { CMDQV_KIND_VCMDQ_P0, "CONS", A_VCMDQ_CONS, 4, 1, 0 },
    { CMDQV_KIND_VCMDQ_P0, "PROD", A_VCMDQ_PROD, 4, 1, 0 },
    { CMDQV_KIND_VCMDQ_P0, "CONFIG", A_VCMDQ_CONFIG, 4, 1, 0 },
    { CMDQV_KIND_VCMDQ_P0, "STATUS", A_VCMDQ_STATUS, 4, 1, 0 },
    { CMDQV_KIND_VCMDQ_P0, "GERROR", A_VCMDQ_GERROR, 4, 1, 0 },
    { CMDQV_KIND_VCMDQ_P0, "GERRORN", A_VCMDQ_GERRORN, 4, 1, 0 },
    { CMDQV_KIND_VCMDQ_P1, "BASE", A_VCMDQ_BASE, 8, 1, 0 },
    { CMDQV_KIND_VCMDQ_P1, "CONS_INDX_BASE", A_VCMDQ_CONS_INDX_BASE, 8, 1, 0 },
};

#endif /* CMDQV_REGS_H */
