/*
 * smmuv3-cmd.c — the opcode table, field access by name, and the ILLEGAL
 * rule set of IHI 0070 G.b §4.1.3/§4.1.5/§7.1 (smmuv3.md §2.1, §2.2, §2.4).
 *
 * The table is the single description of the command formats: the engine,
 * the legality check, the RES0 check and the scenario language's
 * "write a command by mnemonic" all read it.
 */
#include <string.h>
#include "models/smmuv3/smmuv3-cmd.h"
#include "models/smmuv3/smmuv3.h"

#define F(x) (1u << SMMU_F_##x)

const struct smmu_cmd_field_desc smmu_cmd_fields[SMMU_F_COUNT] = {
    [SMMU_F_SSEC] = { "ssec", 10, 10, 0 },
    [SMMU_F_SSV] = { "ssv", 11, 11, 0 },
    [SMMU_F_SSID] = { "ssid", 31, 12, 0 },
    [SMMU_F_SID] = { "sid", 63, 32, 0 },
    [SMMU_F_VMID] = { "vmid", 47, 32, 0 },
    [SMMU_F_ASID] = { "asid", 63, 48, 0 },
    [SMMU_F_NUM] = { "num", 16, 12, 0 },
    [SMMU_F_SCALE] = { "scale", 24, 20, 0 },
    [SMMU_F_LEAF] = { "leaf", 64, 64, 0 },
    [SMMU_F_TTL] = { "ttl", 73, 72, 0 },
    [SMMU_F_TG] = { "tg", 75, 74, 0 },
    [SMMU_F_VA] = { "addr", 127, 76, 12 },
    [SMMU_F_IPA] = { "addr", 119, 76, 12 },
    [SMMU_F_RANGE] = { "range", 68, 64, 0 },
    [SMMU_F_GLOBAL] = { "global", 9, 9, 0 },
    [SMMU_F_ATC_SIZE] = { "size", 69, 64, 0 },
    [SMMU_F_PF_SIZE] = { "size", 68, 64, 0 },
    [SMMU_F_PRGINDEX] = { "prgindex", 72, 64, 0 },
    [SMMU_F_RESP] = { "resp", 77, 76, 0 },
    [SMMU_F_AC] = { "ac", 12, 12, 0 },
    [SMMU_F_AB] = { "ab", 13, 13, 0 },
    [SMMU_F_STAG] = { "stag", 79, 64, 0 },
    [SMMU_F_CS] = { "cs", 13, 12, 0 },
    [SMMU_F_MSH] = { "msh", 23, 22, 0 },
    [SMMU_F_MSIATTR] = { "msiattr", 27, 24, 0 },
    [SMMU_F_MSIDATA] = { "msidata", 63, 32, 0 },
    [SMMU_F_MSIADDR] = { "msiaddr", 119, 66, 2 },
};

#define TLBI_RANGE (F(NUM) | F(SCALE) | F(LEAF) | F(TTL) | F(TG))

static const struct smmu_cmd_desc cmd_table[256] = {
    [SMMU_CMD_PREFETCH_CONFIG] = { "PREFETCH_CONFIG", F(SSEC) | F(SSV) | F(SSID) | F(SID),
                                   SMMU_NEED_NONE, SMMU_CLASS_PREFETCH },
    [SMMU_CMD_PREFETCH_ADDR] = { "PREFETCH_ADDR", F(SSEC) | F(SSV) | F(SSID) | F(SID) | F(PF_SIZE) | F(VA),
                                 SMMU_NEED_NONE, SMMU_CLASS_PREFETCH },
    [SMMU_CMD_CFGI_STE] = { "CFGI_STE", F(SSEC) | F(SID) | F(LEAF), SMMU_NEED_NONE, SMMU_CLASS_CFGI },
    [SMMU_CMD_CFGI_STE_RANGE] = { "CFGI_STE_RANGE", F(SSEC) | F(SID) | F(RANGE), SMMU_NEED_NONE,
                                  SMMU_CLASS_CFGI },
    [SMMU_CMD_CFGI_CD] = { "CFGI_CD", F(SSEC) | F(SSID) | F(SID) | F(LEAF), SMMU_NEED_S1, SMMU_CLASS_CFGI },
    [SMMU_CMD_CFGI_CD_ALL] = { "CFGI_CD_ALL", F(SSEC) | F(SID), SMMU_NEED_S1, SMMU_CLASS_CFGI },
    [SMMU_CMD_CFGI_VMS_PIDM] = { "CFGI_VMS_PIDM", 0, SMMU_NEED_NEVER, SMMU_CLASS_CFGI },
    [SMMU_CMD_TLBI_NH_ALL] = { "TLBI_NH_ALL", F(VMID), SMMU_NEED_S1, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_NH_ASID] = { "TLBI_NH_ASID", F(VMID) | F(ASID), SMMU_NEED_S1, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_NH_VA] = { "TLBI_NH_VA", F(VMID) | F(ASID) | TLBI_RANGE | F(VA), SMMU_NEED_S1,
                              SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_NH_VAA] = { "TLBI_NH_VAA", F(VMID) | TLBI_RANGE | F(VA), SMMU_NEED_S1, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_EL3_ALL] = { "TLBI_EL3_ALL", 0, SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_EL3_VA] = { "TLBI_EL3_VA", TLBI_RANGE | F(VA), SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_EL2_ALL] = { "TLBI_EL2_ALL", 0, SMMU_NEED_HYP, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_EL2_ASID] = { "TLBI_EL2_ASID", F(ASID), SMMU_NEED_HYP, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_EL2_VA] = { "TLBI_EL2_VA", F(ASID) | TLBI_RANGE | F(VA), SMMU_NEED_HYP, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_EL2_VAA] = { "TLBI_EL2_VAA", TLBI_RANGE | F(VA), SMMU_NEED_HYP, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_S12_VMALL] = { "TLBI_S12_VMALL", F(VMID), SMMU_NEED_S2, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_S2_IPA] = { "TLBI_S2_IPA", F(VMID) | TLBI_RANGE | F(IPA), SMMU_NEED_S2, SMMU_CLASS_TLBI },
    [SMMU_CMD_TLBI_NSNH_ALL] = { "TLBI_NSNH_ALL", 0, SMMU_NEED_NONE, SMMU_CLASS_TLBI },
    [SMMU_CMD_ATC_INV] = { "ATC_INV", F(GLOBAL) | F(SSV) | F(SSID) | F(SID) | F(ATC_SIZE) | F(VA),
                           SMMU_NEED_ATS, SMMU_CLASS_ATC },
    [SMMU_CMD_PRI_RESP] = { "PRI_RESP", F(SSV) | F(SSID) | F(SID) | F(PRGINDEX) | F(RESP), SMMU_NEED_PRI,
                            SMMU_CLASS_OTHER },
    [SMMU_CMD_RESUME] = { "RESUME", F(SSEC) | F(AC) | F(AB) | F(SID) | F(STAG), SMMU_NEED_STALL,
                          SMMU_CLASS_OTHER },
    [SMMU_CMD_STALL_TERM] = { "STALL_TERM", F(SSEC) | F(SID), SMMU_NEED_STALL, SMMU_CLASS_OTHER },
    [SMMU_CMD_SYNC] = { "SYNC", F(CS) | F(MSH) | F(MSIATTR) | F(MSIDATA) | F(MSIADDR), SMMU_NEED_NONE,
                        SMMU_CLASS_SYNC },
    /* Architected but only legal on a Secure queue or with DPT: the
     * Non-secure queue of this part treats them as reserved. */
    [0x50] = { "TLBI_S_EL2_ALL", 0, SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [0x51] = { "TLBI_S_EL2_ASID", 0, SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [0x52] = { "TLBI_S_EL2_VA", 0, SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [0x53] = { "TLBI_S_EL2_VAA", 0, SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [0x58] = { "TLBI_S_S12_VMALL", 0, SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [0x5A] = { "TLBI_S_S2_IPA", 0, SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [0x60] = { "TLBI_SNH_ALL", 0, SMMU_NEED_NEVER, SMMU_CLASS_TLBI },
    [0x70] = { "DPTI_ALL", 0, SMMU_NEED_NEVER, SMMU_CLASS_OTHER },
    [0x73] = { "DPTI_PA", 0, SMMU_NEED_NEVER, SMMU_CLASS_OTHER },
};

const struct smmu_cmd_desc *smmu_cmd_desc(uint8_t op)
{
    return cmd_table[op].name ? &cmd_table[op] : NULL;
}

const char *smmu_cmd_name(uint8_t op)
{
    const struct smmu_cmd_desc *d = smmu_cmd_desc(op);
    return d ? d->name : "RESERVED";
}

int smmu_cmd_opcode_by_name(const char *mnemonic)
{
    if (!mnemonic)
        return -1;
    if (g_ascii_strncasecmp(mnemonic, "CMD_", 4) == 0)
        mnemonic += 4;
    if (g_ascii_strcasecmp(mnemonic, "CFGI_ALL") == 0)
        return SMMU_CMD_CFGI_STE_RANGE;
    if (g_ascii_strcasecmp(mnemonic, "CMD_SYNC") == 0)
        return SMMU_CMD_SYNC;
    for (unsigned op = 0; op < 256; op++)
        if (cmd_table[op].name && g_ascii_strcasecmp(cmd_table[op].name, mnemonic) == 0)
            return (int)op;
    return -1;
}

gboolean smmu_cmd_build(uint64_t cmd[2], const char *mnemonic, GError **err)
{
    int op = smmu_cmd_opcode_by_name(mnemonic);
    if (op < 0) {
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown SMMUv3 command '%s'",
                    mnemonic ? mnemonic : "(null)");
        return FALSE;
    }
    cmd[0] = (uint64_t)op;
    cmd[1] = 0;
    if (g_ascii_strcasecmp(mnemonic + (g_ascii_strncasecmp(mnemonic, "CMD_", 4) ? 0 : 4), "CFGI_ALL") == 0)
        smmu_cmd_put(cmd, SMMU_F_RANGE, 31);
    return TRUE;
}

void smmu_cmd_put(uint64_t cmd[2], enum smmu_cmd_field f, uint64_t value)
{
    const struct smmu_cmd_field_desc *d = &smmu_cmd_fields[f];
    uint64_t v = value >> d->shift;
    for (unsigned bit = d->lo; bit <= d->hi; bit++, v >>= 1) {
        uint64_t *w = &cmd[bit >> 6];
        uint64_t m = 1ULL << (bit & 63);
        *w = (v & 1) ? (*w | m) : (*w & ~m);
    }
}

gboolean smmu_cmd_set_field(uint64_t cmd[2], const char *field, uint64_t value, GError **err)
{
    uint8_t op = smmu_cmd_op(cmd);
    const struct smmu_cmd_desc *d = smmu_cmd_desc(op);
    if (!d) {
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "opcode 0x%02x is reserved: it has no field '%s'", op, field);
        return FALSE;
    }
    for (unsigned f = 0; f < SMMU_F_COUNT; f++) {
        const struct smmu_cmd_field_desc *fd = &smmu_cmd_fields[f];
        if (!(d->fields & (1u << f)) || g_ascii_strcasecmp(fd->name, field) != 0)
            continue;
        unsigned width = fd->hi - fd->lo + 1u;
        uint64_t low_mask = (1ULL << fd->shift) - 1;
        uint64_t limit = width + fd->shift >= 64 ? UINT64_MAX : ((1ULL << (width + fd->shift)) - 1);
        if ((value & low_mask) || value > limit) {
            g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "%s: value 0x%" G_GINT64_MODIFIER "x does not fit field '%s' (%u bits%s)", d->name,
                        value, fd->name, width,
                        fd->shift ? (fd->shift == 12 ? ", 4 KiB aligned" : ", 4-byte aligned") : "");
            return FALSE;
        }
        smmu_cmd_put(cmd, (enum smmu_cmd_field)f, value);
        return TRUE;
    }
    GString *known = g_string_new(NULL);
    for (unsigned f = 0; f < SMMU_F_COUNT; f++)
        if (d->fields & (1u << f))
            g_string_append_printf(known, "%s%s", known->len ? ", " : "", smmu_cmd_fields[f].name);
    g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s has no field '%s' (fields: %s)", d->name,
                field, known->len ? known->str : "none");
    g_string_free(known, TRUE);
    return FALSE;
}

/* ---- legality ---------------------------------------------------------- */

static bool feature_present(const struct smmu_cmd_caps *c, unsigned need)
{
    switch (need) {
    case SMMU_NEED_S1: return c->s1;
    case SMMU_NEED_S2: return c->s2;
    case SMMU_NEED_HYP: return c->hyp && c->s1;
    case SMMU_NEED_ATS: return c->ats;
    case SMMU_NEED_PRI: return c->pri;
    case SMMU_NEED_STALL: return c->stall;
    case SMMU_NEED_NEVER: return false;
    default: return true;
    }
}

/* Bits of the command that belong to a field the part gives meaning to. */
static void defined_bits(const struct smmu_cmd_caps *c, const struct smmu_cmd_desc *d, uint64_t m[2])
{
    uint32_t fields = d->fields;
    if (!c->ril)        /* §2.3: NUM/SCALE/TG/TTL are RES0 without RIL */
        fields &= ~(F(NUM) | F(SCALE) | F(TG) | F(TTL));
    if (!c->s2)         /* §2.3: VMID is RES0 without stage 2 */
        fields &= ~F(VMID);
    m[0] = 0xFF;        /* opcode */
    m[1] = 0;
    for (unsigned f = 0; f < SMMU_F_COUNT; f++)
        if (fields & (1u << f))
            smmu_cmd_put(m, (enum smmu_cmd_field)f, UINT64_MAX << smmu_cmd_fields[f].shift);
}

static bool tlbi_range_reserved(const struct smmu_cmd_caps *c, const struct smmu_cmd_desc *d,
                                const uint64_t cmd[2])
{
    if (!c->ril || !(d->fields & F(TG)))
        return false;
    return smmu_cmd_get(cmd, SMMU_F_TG) != 0 && smmu_cmd_get(cmd, SMMU_F_NUM) == 0 &&
           smmu_cmd_get(cmd, SMMU_F_SCALE) == 0 && smmu_cmd_get(cmd, SMMU_F_TTL) == 0;
}

enum smmu_cerror smmu_cmd_check(const struct smmu_cmd_caps *caps, const uint64_t cmd[2])
{
    const struct smmu_cmd_desc *d = smmu_cmd_desc(smmu_cmd_op(cmd));
    if (!d || !feature_present(caps, d->need))
        return SMMU_CERROR_ILL;                                 /* §2.4 rule 1 */
    if ((d->fields & F(SSEC)) && smmu_cmd_get(cmd, SMMU_F_SSEC))
        return SMMU_CERROR_ILL;                                 /* rule 2: Non-secure queue */
    if ((d->fields & F(CS)) && smmu_cmd_get(cmd, SMMU_F_CS) == 3)
        return SMMU_CERROR_ILL;
    if ((d->fields & F(RESP)) && smmu_cmd_get(cmd, SMMU_F_RESP) == 3)
        return SMMU_CERROR_ILL;
    if ((d->fields & F(ATC_SIZE)) && smmu_cmd_get(cmd, SMMU_F_ATC_SIZE) > 52)
        return SMMU_CERROR_ILL;                                 /* permitted; chosen (docs) */
    if (tlbi_range_reserved(caps, d, cmd))
        return SMMU_CERROR_ILL;
    if (caps->check_res0) {                                     /* rule 3 */
        uint64_t m[2];
        defined_bits(caps, d, m);
        if ((cmd[0] & ~m[0]) || (cmd[1] & ~m[1]))
            return SMMU_CERROR_ILL;
    }
    return SMMU_CERROR_NONE;
}
