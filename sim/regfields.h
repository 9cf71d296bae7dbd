/*
 * regfields.h — register and field declarations.
 *
 * A register map is declared once, symbolically:
 *     SIM_REG32(CR0, 0x20)
 *         SIM_FIELD(CR0, SMMUEN, 0, 1)
 *         SIM_FIELD(CR0, CMDQEN, 3, 1)
 * which defines A_CR0 (the offset) and R_CR0_SMMUEN_SHIFT / _LENGTH / _MASK.
 * Logic then reads and writes fields by name:
 *     if (SIM_FIELD_EX32(s->cr0, CR0, CMDQEN)) ...
 *     v = SIM_FIELD_DP32(v, CR0, CMDQEN, 1);
 * so no raw mask appears in model code.  Plain C11: enums and inline
 * functions, no statement expressions.
 */
#ifndef SIM_REGFIELDS_H
#define SIM_REGFIELDS_H

#include "sim/sim-types.h"

#if defined(__GNUC__)
#define SIM_MAYBE_UNUSED __attribute__((unused))
#else
#define SIM_MAYBE_UNUSED
#endif

#define SIM_REG32(reg, off) enum { A_##reg = (off) };
#define SIM_REG64(reg, off) enum { A_##reg = (off) };
#define SIM_FIELD(reg, field, shift, length)                                  \
    enum { R_##reg##_##field##_SHIFT = (shift), R_##reg##_##field##_LENGTH = (length) }; \
    static const uint64_t SIM_MAYBE_UNUSED R_##reg##_##field##_MASK =                        \
        (((length) >= 64 ? ~0ULL : ((1ULL << (length)) - 1)) << (shift));

static inline uint64_t sim_extract64(uint64_t v, unsigned shift, unsigned len)
{
    return (v >> shift) & (len >= 64 ? ~0ULL : ((1ULL << len) - 1));
}
static inline uint32_t sim_extract32(uint32_t v, unsigned shift, unsigned len)
{
    return (uint32_t)sim_extract64(v, shift, len);
}
static inline uint64_t sim_deposit64(uint64_t v, unsigned shift, unsigned len, uint64_t f)
{
    uint64_t m = (len >= 64 ? ~0ULL : ((1ULL << len) - 1)) << shift;
    return (v & ~m) | ((f << shift) & m);
}
static inline uint32_t sim_deposit32(uint32_t v, unsigned shift, unsigned len, uint32_t f)
{
    return (uint32_t)sim_deposit64(v, shift, len, f);
}

#define SIM_FIELD_EX32(v, reg, field) \
    sim_extract32((v), R_##reg##_##field##_SHIFT, R_##reg##_##field##_LENGTH)
#define SIM_FIELD_EX64(v, reg, field) \
    sim_extract64((v), R_##reg##_##field##_SHIFT, R_##reg##_##field##_LENGTH)
#define SIM_FIELD_DP32(v, reg, field, f) \
    sim_deposit32((v), R_##reg##_##field##_SHIFT, R_##reg##_##field##_LENGTH, (f))
#define SIM_FIELD_DP64(v, reg, field, f) \
    sim_deposit64((v), R_##reg##_##field##_SHIFT, R_##reg##_##field##_LENGTH, (f))

/* Bits [hi:lo] of a 128-bit little-endian command/record held as two u64. */
static inline uint64_t sim_bits128(const uint64_t d[2], unsigned hi, unsigned lo)
{
    unsigned len = hi - lo + 1;
    if (lo >= 64)
        return sim_extract64(d[1], lo - 64, len);
    if (hi < 64)
        return sim_extract64(d[0], lo, len);
    return sim_extract64(d[0], lo, 64 - lo) | (sim_extract64(d[1], 0, hi - 63) << (64 - lo));
}

#endif /* SIM_REGFIELDS_H */
