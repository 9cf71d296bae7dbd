/*
 * smmuv3-regs.c — register names and offsets, from the one table in
 * smmuv3-regs.h (IHI 0070 G.b §6.2).
 */
#include <glib.h>
#include "models/smmuv3/smmuv3-regs.h"
#include "models/smmuv3/smmuv3.h"

#define SMMU_REG_DESC_(name, off, bytes) [SMMU_R_##name] = { #name, off, bytes },
const struct smmu_reg_desc smmu_regs[SMMU_REG_COUNT] = { SMMU_REG_LIST(SMMU_REG_DESC_) };
#undef SMMU_REG_DESC_

const struct smmu_reg_desc *smmu_reg_at(uint64_t offset)
{
    for (unsigned i = 0; i < SMMU_REG_COUNT; i++)
        if (offset >= smmu_regs[i].offset && offset < smmu_regs[i].offset + smmu_regs[i].bytes)
            return &smmu_regs[i];
    return NULL;
}

bool smmu_reg_lookup(const char *name, uint64_t *offset, unsigned *size)
{
    if (!name)
        return false;
    if (g_ascii_strncasecmp(name, "SMMU_", 5) == 0)
        name += 5;
    for (unsigned i = 0; i < SMMU_REG_COUNT; i++) {
        if (g_ascii_strcasecmp(smmu_regs[i].name, name) == 0) {
            if (offset)
                *offset = smmu_regs[i].offset;
            if (size)
                *size = smmu_regs[i].bytes;
            return true;
        }
    }
    return false;
}

const char *smmu_reg_name(uint64_t offset)
{
    const struct smmu_reg_desc *d = smmu_reg_at(offset);
    return d ? d->name : NULL;
}
