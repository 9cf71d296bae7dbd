/*
 * smmuv3-regs.h — the SMMUv3 register map (IHI 0070 G.b §6.2, smmuv3.md §1.1).
 *
 * One table: SMMU_REG_LIST names every register the model decodes with its
 * offset from the SMMU base and its width in bytes; the field declarations
 * below it give the bit layout (smmuv3.md §1.1, §1.3, §4.4).  Page 1 sits
 * at +0x10000 and holds only the event- and PRI-queue pointers that the
 * producer/consumer split puts there (§6.2.2).  Everything not listed is
 * RES0 (reads as zero, writes ignored).
 */
#ifndef SMMUV3_REGS_H
#define SMMUV3_REGS_H

#include "sim/regfields.h"

#define SMMU_PAGE1 0x10000u

/* X(name, offset, bytes) */
#define SMMU_REG_LIST(X)                              \
    X(IDR0, 0x000, 4)                                 \
    X(IDR1, 0x004, 4)                                 \
    X(IDR2, 0x008, 4)                                 \
    X(IDR3, 0x00C, 4)                                 \
    X(IDR4, 0x010, 4)                                 \
    X(IDR5, 0x014, 4)                                 \
    X(IIDR, 0x018, 4)                                 \
    X(AIDR, 0x01C, 4)                                 \
    X(CR0, 0x020, 4)                                  \
    X(CR0ACK, 0x024, 4)                               \
    X(CR1, 0x028, 4)                                  \
    X(CR2, 0x02C, 4)                                  \
    X(STATUSR, 0x040, 4)                              \
    X(GBPA, 0x044, 4)                                 \
    X(AGBPA, 0x048, 4)                                \
    X(IRQ_CTRL, 0x050, 4)                             \
    X(IRQ_CTRLACK, 0x054, 4)                          \
    X(GERROR, 0x060, 4)                               \
    X(GERRORN, 0x064, 4)                              \
    X(GERROR_IRQ_CFG0, 0x068, 8)                      \
    X(GERROR_IRQ_CFG1, 0x070, 4)                      \
    X(GERROR_IRQ_CFG2, 0x074, 4)                      \
    X(STRTAB_BASE, 0x080, 8)                          \
    X(STRTAB_BASE_CFG, 0x088, 4)                      \
    X(CMDQ_BASE, 0x090, 8)                            \
    X(CMDQ_PROD, 0x098, 4)                            \
    X(CMDQ_CONS, 0x09C, 4)                            \
    X(EVENTQ_BASE, 0x0A0, 8)                          \
    X(EVENTQ_IRQ_CFG0, 0x0B0, 8)                      \
    X(EVENTQ_IRQ_CFG1, 0x0B8, 4)                      \
    X(EVENTQ_IRQ_CFG2, 0x0BC, 4)                      \
    X(PRIQ_BASE, 0x0C0, 8)                            \
    X(PRIQ_IRQ_CFG0, 0x0D0, 8)                        \
    X(PRIQ_IRQ_CFG1, 0x0D8, 4)                        \
    X(PRIQ_IRQ_CFG2, 0x0DC, 4)                        \
    X(EVENTQ_PROD, SMMU_PAGE1 + 0x0A8, 4)             \
    X(EVENTQ_CONS, SMMU_PAGE1 + 0x0AC, 4)             \
    X(PRIQ_PROD, SMMU_PAGE1 + 0x0C8, 4)               \
    X(PRIQ_CONS, SMMU_PAGE1 + 0x0CC, 4)

#define SMMU_REG_ENUM_(name, off, bytes) SIM_REG32(name, off)
SMMU_REG_LIST(SMMU_REG_ENUM_)
#undef SMMU_REG_ENUM_

/* Register identifiers, in table order. */
#define SMMU_REG_ID_(name, off, bytes) SMMU_R_##name,
enum smmu_reg_id { SMMU_REG_LIST(SMMU_REG_ID_) SMMU_REG_COUNT };
#undef SMMU_REG_ID_

SIM_FIELD(IDR0, S2P, 0, 1)
SIM_FIELD(IDR0, S1P, 1, 1)
SIM_FIELD(IDR0, TTF, 2, 2)
SIM_FIELD(IDR0, COHACC, 4, 1)
SIM_FIELD(IDR0, HYP, 9, 1)
SIM_FIELD(IDR0, ATS, 10, 1)
SIM_FIELD(IDR0, ASID16, 12, 1)
SIM_FIELD(IDR0, MSI, 13, 1)
SIM_FIELD(IDR0, SEV, 14, 1)
SIM_FIELD(IDR0, PRI, 16, 1)
SIM_FIELD(IDR0, VMID16, 18, 1)
SIM_FIELD(IDR0, CD2L, 19, 1)
SIM_FIELD(IDR0, TTENDIAN, 21, 2)
SIM_FIELD(IDR0, STALL_MODEL, 24, 2)
SIM_FIELD(IDR0, TERM_MODEL, 26, 1)
SIM_FIELD(IDR0, ST_LEVEL, 27, 2)

SIM_FIELD(IDR1, SIDSIZE, 0, 6)
SIM_FIELD(IDR1, SSIDSIZE, 6, 5)
SIM_FIELD(IDR1, PRIQS, 11, 5)
SIM_FIELD(IDR1, EVENTQS, 16, 5)
SIM_FIELD(IDR1, CMDQS, 21, 5)

SIM_FIELD(IDR3, HAD, 2, 1)
SIM_FIELD(IDR3, RIL, 10, 1)

SIM_FIELD(IDR5, OAS, 0, 3)
SIM_FIELD(IDR5, GRAN4K, 4, 1)
SIM_FIELD(IDR5, GRAN16K, 5, 1)
SIM_FIELD(IDR5, GRAN64K, 6, 1)

SIM_FIELD(CR0, SMMUEN, 0, 1)
SIM_FIELD(CR0, PRIQEN, 1, 1)
SIM_FIELD(CR0, EVENTQEN, 2, 1)
SIM_FIELD(CR0, CMDQEN, 3, 1)
SIM_FIELD(CR0, ATSCHK, 4, 1)

SIM_FIELD(CR2, E2H, 0, 1)
SIM_FIELD(CR2, RECINVSID, 1, 1)
SIM_FIELD(CR2, PTM, 2, 1)

SIM_FIELD(GBPA, MEMATTR, 0, 4)
SIM_FIELD(GBPA, MTCFG, 4, 1)
SIM_FIELD(GBPA, ALLOCCFG, 8, 4)
SIM_FIELD(GBPA, SHCFG, 12, 2)
SIM_FIELD(GBPA, PRIVCFG, 16, 2)
SIM_FIELD(GBPA, INSTCFG, 18, 2)
SIM_FIELD(GBPA, ABORT, 20, 1)
SIM_FIELD(GBPA, UPDATE, 31, 1)

SIM_FIELD(IRQ_CTRL, GERROR_IRQEN, 0, 1)
SIM_FIELD(IRQ_CTRL, PRIQ_IRQEN, 1, 1)
SIM_FIELD(IRQ_CTRL, EVENTQ_IRQEN, 2, 1)

SIM_FIELD(GERROR, CMDQ_ERR, 0, 1)
SIM_FIELD(GERROR, EVENTQ_ABT_ERR, 2, 1)
SIM_FIELD(GERROR, PRIQ_ABT_ERR, 3, 1)
SIM_FIELD(GERROR, MSI_CMDQ_ABT_ERR, 4, 1)
SIM_FIELD(GERROR, MSI_EVENTQ_ABT_ERR, 5, 1)
SIM_FIELD(GERROR, MSI_PRIQ_ABT_ERR, 6, 1)
SIM_FIELD(GERROR, MSI_GERROR_ABT_ERR, 7, 1)
SIM_FIELD(GERROR, SFM_ERR, 8, 1)

/* *_IRQ_CFG0: MSI address [55:2]; *_IRQ_CFG2: SH [5:4], MemAttr [3:0]. */
SIM_FIELD(IRQ_CFG0, ADDR, 2, 54)
#define SMMU_IRQ_CFG2_MASK 0x3Fu

SIM_FIELD(STRTAB_BASE, ADDR, 6, 50)
SIM_FIELD(STRTAB_BASE, RA, 62, 1)
SIM_FIELD(STRTAB_BASE_CFG, LOG2SIZE, 0, 6)
SIM_FIELD(STRTAB_BASE_CFG, SPLIT, 6, 5)
SIM_FIELD(STRTAB_BASE_CFG, FMT, 16, 2)

/* CMDQ_BASE, EVENTQ_BASE and PRIQ_BASE share one layout (RA/WA [62]). */
SIM_FIELD(Q_BASE, LOG2SIZE, 0, 5)
SIM_FIELD(Q_BASE, ADDR, 5, 51)
SIM_FIELD(Q_BASE, RA, 62, 1)

SIM_FIELD(Q_PTR, WR, 0, 20)
SIM_FIELD(CMDQ_CONS, RD, 0, 20)
SIM_FIELD(CMDQ_CONS, ERR, 24, 7)
SIM_FIELD(EVENTQ_PROD, OVFLG, 31, 1)
SIM_FIELD(EVENTQ_CONS, OVACKFLG, 31, 1)

/* Register name <-> offset (case-insensitive names, e.g. "CMDQ_PROD"). */
struct smmu_reg_desc {
    const char *name;
    uint32_t offset;
    uint8_t bytes;
};
extern const struct smmu_reg_desc smmu_regs[SMMU_REG_COUNT];

/* The register whose bytes include `offset` (NULL for RES0 space). */
const struct smmu_reg_desc *smmu_reg_at(uint64_t offset);

#endif /* SMMUV3_REGS_H */
