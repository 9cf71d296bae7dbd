/*
 * smmuv3-cmd.h — SMMUv3 commands: opcodes, field layouts, legality.
 *
 * A command is 16 bytes held as two little-endian dwords (cmd[0] = bits
 * [63:0], cmd[1] = bits [127:64]).  Each architected opcode has one entry in
 * a table giving its mnemonic, the fields it defines (positions per
 * smmuv3.md §2.2) and the feature it needs; every bit outside its fields is
 * RES0.  smmu_cmd_check() applies the whole ILLEGAL rule set of smmuv3.md
 * §2.4 against the features of the configured part.
 */
#ifndef SMMUV3_CMD_H
#define SMMUV3_CMD_H

#include <glib.h>
#include "sim/regfields.h"
#include "models/smmuv3/smmuv3-engine.h"

enum smmu_cmd_op {
    SMMU_CMD_PREFETCH_CONFIG = 0x01,
    SMMU_CMD_PREFETCH_ADDR = 0x02,
    SMMU_CMD_CFGI_STE = 0x03,
    SMMU_CMD_CFGI_STE_RANGE = 0x04,
    SMMU_CMD_CFGI_CD = 0x05,
    SMMU_CMD_CFGI_CD_ALL = 0x06,
    SMMU_CMD_CFGI_VMS_PIDM = 0x07,
    SMMU_CMD_TLBI_NH_ALL = 0x10,
    SMMU_CMD_TLBI_NH_ASID = 0x11,
    SMMU_CMD_TLBI_NH_VA = 0x12,
    SMMU_CMD_TLBI_NH_VAA = 0x13,
    SMMU_CMD_TLBI_EL3_ALL = 0x18,
    SMMU_CMD_TLBI_EL3_VA = 0x1A,
    SMMU_CMD_TLBI_EL2_ALL = 0x20,
    SMMU_CMD_TLBI_EL2_ASID = 0x21,
    SMMU_CMD_TLBI_EL2_VA = 0x22,
    SMMU_CMD_TLBI_EL2_VAA = 0x23,
    SMMU_CMD_TLBI_S12_VMALL = 0x28,
    SMMU_CMD_TLBI_S2_IPA = 0x2A,
    SMMU_CMD_TLBI_NSNH_ALL = 0x30,
    SMMU_CMD_ATC_INV = 0x40,
    SMMU_CMD_PRI_RESP = 0x41,
    SMMU_CMD_RESUME = 0x44,
    SMMU_CMD_STALL_TERM = 0x45,
    SMMU_CMD_SYNC = 0x46,
};

/* Field identifiers; bit i of a descriptor's `fields` says field i exists. */
enum smmu_cmd_field {
    SMMU_F_SSEC, SMMU_F_SSV, SMMU_F_SSID, SMMU_F_SID, SMMU_F_VMID, SMMU_F_ASID,
    SMMU_F_NUM, SMMU_F_SCALE, SMMU_F_LEAF, SMMU_F_TTL, SMMU_F_TG,
    SMMU_F_VA,          /* "addr": VA[63:12] at [127:76] */
    SMMU_F_IPA,         /* "addr": IPA[55:12] at [119:76] */
    SMMU_F_RANGE, SMMU_F_GLOBAL,
    SMMU_F_ATC_SIZE,    /* "size" of ATC_INV [69:64] */
    SMMU_F_PF_SIZE,     /* "size" of PREFETCH_ADDR [68:64] */
    SMMU_F_PRGINDEX, SMMU_F_RESP, SMMU_F_AC, SMMU_F_AB, SMMU_F_STAG,
    SMMU_F_CS, SMMU_F_MSH, SMMU_F_MSIATTR, SMMU_F_MSIDATA, SMMU_F_MSIADDR,
    SMMU_F_COUNT
};

struct smmu_cmd_field_desc {
    const char *name;
    uint8_t hi, lo;         /* bit positions in the 128-bit command */
    uint8_t shift;          /* value = field << shift (addresses) */
};
extern const struct smmu_cmd_field_desc smmu_cmd_fields[SMMU_F_COUNT];

/* The feature an opcode needs to be legal on the configured part. */
enum smmu_cmd_need {
    SMMU_NEED_NONE, SMMU_NEED_S1, SMMU_NEED_S2, SMMU_NEED_HYP, SMMU_NEED_ATS,
    SMMU_NEED_PRI, SMMU_NEED_STALL, SMMU_NEED_NEVER,
};

enum smmu_cmd_class {
    SMMU_CLASS_PREFETCH, SMMU_CLASS_CFGI, SMMU_CLASS_TLBI, SMMU_CLASS_ATC,
    SMMU_CLASS_SYNC, SMMU_CLASS_OTHER,
};

struct smmu_cmd_desc {
    const char *name;       /* mnemonic without the CMD_ prefix ("TLBI_NH_VA") */
    uint32_t fields;        /* bitmask of enum smmu_cmd_field */
    uint8_t need;           /* enum smmu_cmd_need */
    uint8_t cls;            /* enum smmu_cmd_class */
};

/* Descriptor of an opcode, NULL for a reserved one. */
const struct smmu_cmd_desc *smmu_cmd_desc(uint8_t op);

static inline uint8_t smmu_cmd_op(const uint64_t cmd[2]) { return (uint8_t)cmd[0]; }
static inline uint64_t smmu_cmd_get(const uint64_t cmd[2], enum smmu_cmd_field f)
{
    const struct smmu_cmd_field_desc *d = &smmu_cmd_fields[f];
    return sim_bits128(cmd, d->hi, d->lo) << d->shift;
}
void smmu_cmd_put(uint64_t cmd[2], enum smmu_cmd_field f, uint64_t value);

/* Features of the part and the queue, as the legality rules need them. */
struct smmu_cmd_caps {
    bool s1, s2, hyp, ats, pri, stall, ril;
    bool check_res0;        /* non-zero RES0 bits are CERROR_ILL */
};

/* SMMU_CERROR_NONE or SMMU_CERROR_ILL (smmuv3.md §2.4). */
enum smmu_cerror smmu_cmd_check(const struct smmu_cmd_caps *caps, const uint64_t cmd[2]);

/* CMD_SYNC completion signal (CS). */
enum { SMMU_SYNC_CS_NONE = 0, SMMU_SYNC_CS_IRQ = 1, SMMU_SYNC_CS_SEV = 2 };

#endif /* SMMUV3_CMD_H */
