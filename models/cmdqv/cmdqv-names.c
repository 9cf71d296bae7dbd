/*
 * cmdqv-names.c — register names <-> MMIO offsets, from the one register
 * table of cmdqv-regs.h.  Names are resolved against the architectural
 * maxima (64 VINTFs, 128 VCMDQs, 16 SID pairs), independent of any
 * instance, so scenarios and logs can use them before a machine exists.
 */
#include <stdio.h>
#include <string.h>
#include "models/cmdqv/cmdqv-internal.h"

/* Parse a decimal index (digits only) below `limit`; *end gets the rest. */
static bool parse_index(const char *s, unsigned limit, unsigned *out, const char **end)
{
    unsigned v = 0;
    const char *p = s;

    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned)(*p - '0');
        if (v >= limit)
            return false;
    }
    *out = v;
    *end = p;
    return true;
}

/* Find `name` among the registers of one block kind. */
static bool lookup_in_block(enum cmdqv_block_kind kind, const char *name, uint32_t *reg,
                            unsigned *size)
{
    for (size_t i = 0; i < SIM_ARRAY_SIZE(cmdqv_reg_table); i++) {
        const struct cmdqv_reg_desc *d = &cmdqv_reg_table[i];
        size_t n = strlen(d->name);
        unsigned idx = 0;
        const char *end;

        if (d->kind != kind || strncmp(name, d->name, n) != 0)
            continue;
        if (d->count == 1 && name[n] != '\0')
            continue;
        if (d->count > 1 && (!parse_index(name + n, d->count, &idx, &end) || *end != '\0'))
            continue;
        *reg = d->offset + idx * d->stride;
        *size = d->size;
        return true;
    }
    return false;
}

/* "<prefix><index>_" at the start of s; *rest gets what follows. */
static bool match_prefix(const char *s, const char *prefix, unsigned limit, unsigned *idx,
                         const char **rest)
{
    size_t n = strlen(prefix);
    const char *end;

    if (strncmp(s, prefix, n) != 0 || !parse_index(s + n, limit, idx, &end) || *end != '_')
        return false;
    *rest = end + 1;
    return true;
}

/* A page0 or page1 queue register; *page1 says which page. */
static bool lookup_queue_reg(const char *name, uint32_t *reg, unsigned *size, bool *page1)
{
    *page1 = false;
    if (lookup_in_block(CMDQV_KIND_VCMDQ_P0, name, reg, size))
        return true;
    *page1 = true;
    return lookup_in_block(CMDQV_KIND_VCMDQ_P1, name, reg, size);
}

bool cmdqv_reg_lookup(const char *name, uint64_t *offset, unsigned *size)
{
    const char *rest, *rest2;
    unsigned v, q, sz;
    uint32_t reg;
    bool page1;

    if (!name)
        return false;
    if (match_prefix(name, "VINTF", CMDQV_MAX_VINTFS, &v, &rest)) {
        uint64_t pages = CMDQV_VINTF_PAGES_BASE + (uint64_t)CMDQV_VINTF_PAGES_STRIDE * v;
        if (match_prefix(rest, "LVCMDQ", CMDQV_MAX_VCMDQS, &q, &rest2)) {
            if (!lookup_queue_reg(rest2, &reg, &sz, &page1))
                return false;
            *offset = pages + (page1 ? CMDQV_PAGE_SIZE : 0) + CMDQV_VCMDQ_STRIDE * q + reg;
        } else {
            if (!lookup_in_block(CMDQV_KIND_VINTF, rest, &reg, &sz))
                return false;
            *offset = CMDQV_VINTF_BLOCK_BASE + CMDQV_VINTF_BLOCK_STRIDE * v + reg;
        }
    } else if (match_prefix(name, "VCMDQ", CMDQV_MAX_VCMDQS, &q, &rest)) {
        if (!lookup_queue_reg(rest, &reg, &sz, &page1))
            return false;
        *offset = (page1 ? CMDQV_VCMDQ_P1_BASE : CMDQV_VCMDQ_P0_BASE) + CMDQV_VCMDQ_STRIDE * q + reg;
    } else {
        if (!lookup_in_block(CMDQV_KIND_GLOBAL, name, &reg, &sz))
            return false;
        *offset = reg;
    }
    *size = sz;
    return true;
}

/* Name of the register covering `reg` in a block kind, or false. */
static bool name_in_block(enum cmdqv_block_kind kind, uint32_t reg, char *buf, size_t len)
{
    for (size_t i = 0; i < SIM_ARRAY_SIZE(cmdqv_reg_table); i++) {
        const struct cmdqv_reg_desc *d = &cmdqv_reg_table[i];
        for (unsigned idx = 0; d->kind == kind && idx < d->count; idx++) {
            uint32_t start = d->offset + idx * d->stride;
            char index[8] = "";
            if (reg < start || reg >= start + d->size)
                continue;
            if (d->count > 1)
                g_snprintf(index, sizeof(index), "%u", idx);
            if (reg == start)
                g_snprintf(buf, len, "%s%s", d->name, index);
            else
                g_snprintf(buf, len, "%s%s+%u", d->name, index, reg - start);
            return true;
        }
    }
    return false;
}

const char *cmdqv_reg_name(uint64_t offset, char *buf, size_t len)
{
    struct cmdqv_loc loc;
    char prefix[32] = "";
    char reg[48];
    enum cmdqv_block_kind kind = CMDQV_KIND_GLOBAL;

    cmdqv_decode(offset, CMDQV_MAX_VINTFS, CMDQV_MAX_VCMDQS, &loc);
    switch (loc.kind) {
    case CMDQV_LOC_GLOBAL:
        break;
    case CMDQV_LOC_VINTF:
        kind = CMDQV_KIND_VINTF;
        g_snprintf(prefix, sizeof(prefix), "VINTF%u_", loc.vintf);
        break;
    case CMDQV_LOC_VCMDQ_P0:
    case CMDQV_LOC_VCMDQ_P1:
        kind = loc.kind == CMDQV_LOC_VCMDQ_P0 ? CMDQV_KIND_VCMDQ_P0 : CMDQV_KIND_VCMDQ_P1;
        g_snprintf(prefix, sizeof(prefix), "VCMDQ%u_", loc.index);
        break;
    case CMDQV_LOC_LOGICAL_P0:
    case CMDQV_LOC_LOGICAL_P1:
        kind = loc.kind == CMDQV_LOC_LOGICAL_P0 ? CMDQV_KIND_VCMDQ_P0 : CMDQV_KIND_VCMDQ_P1;
        g_snprintf(prefix, sizeof(prefix), "VINTF%u_LVCMDQ%u_", loc.vintf, loc.index);
        break;
    case CMDQV_LOC_NONE:
    default:
        g_snprintf(buf, len, "0x%" G_GINT64_MODIFIER "x", offset);
        return buf;
    }
    if (!name_in_block(kind, loc.reg, reg, sizeof(reg))) {
        g_snprintf(buf, len, "0x%" G_GINT64_MODIFIER "x", offset);
        return buf;
    }
    g_snprintf(buf, len, "%s%s", prefix, reg);
    return buf;
}
