/*
 * check_regfields.c — register field helpers (sim/regfields.h): extract and
 * deposit at every width 1..64 and shift, the declaration macros, and
 * sim_bits128 across the boundary between the two 64-bit words.
 */
#include "core-check.h"
#include "sim/regfields.h"

SIM_REG32(CR0, 0x20)
    SIM_FIELD(CR0, SMMUEN, 0, 1)
    SIM_FIELD(CR0, CMDQEN, 3, 1)
SIM_REG64(STRTAB_BASE, 0x80)
    SIM_FIELD(STRTAB_BASE, ADDR, 6, 46)
    SIM_FIELD(STRTAB_BASE, RA, 62, 1)
    SIM_FIELD(STRTAB_BASE, ALL, 0, 64)

static const uint64_t patterns[] = { 0, ~0ULL, 0x0123456789abcdefULL, 0xfedcba9876543210ULL,
                                     0x8000000000000001ULL, 0x5555555555555555ULL };

/* Reference: one bit at a time. */
static uint64_t ref_extract(uint64_t v, unsigned shift, unsigned len)
{
    uint64_t r = 0;
    for (unsigned b = 0; b < len; b++)
        r |= ((v >> (shift + b)) & 1) << b;
    return r;
}

static uint64_t ref_deposit(uint64_t v, unsigned shift, unsigned len, uint64_t f)
{
    for (unsigned b = 0; b < len; b++) {
        uint64_t bit = 1ULL << (shift + b);
        v = (f >> b) & 1 ? v | bit : v & ~bit;
    }
    return v;
}

START_TEST(test_extract_deposit_64)
{
    for (unsigned len = 1; len <= 64; len++) {
        for (unsigned shift = 0; shift + len <= 64; shift++) {
            for (unsigned i = 0; i < SIM_ARRAY_SIZE(patterns); i++) {
                uint64_t v = patterns[i], f = patterns[(i + 2) % SIM_ARRAY_SIZE(patterns)];
                ck_assert_uint_eq(sim_extract64(v, shift, len), ref_extract(v, shift, len));
                uint64_t d = sim_deposit64(v, shift, len, f);
                ck_assert_uint_eq(d, ref_deposit(v, shift, len, f));
                /* the field reads back truncated to its width; the rest is kept */
                ck_assert_uint_eq(sim_extract64(d, shift, len), ref_extract(f, 0, len));
            }
        }
    }
}
END_TEST

START_TEST(test_extract_deposit_32)
{
    for (unsigned len = 1; len <= 32; len++) {
        for (unsigned shift = 0; shift + len <= 32; shift++) {
            for (unsigned i = 0; i < SIM_ARRAY_SIZE(patterns); i++) {
                uint32_t v = (uint32_t)patterns[i];
                uint32_t f = (uint32_t)(patterns[(i + 3) % SIM_ARRAY_SIZE(patterns)] >> 7);
                ck_assert_uint_eq(sim_extract32(v, shift, len), ref_extract(v, shift, len));
                ck_assert_uint_eq(sim_deposit32(v, shift, len, f),
                                  (uint32_t)ref_deposit(v, shift, len, f));
            }
        }
    }
}
END_TEST

START_TEST(test_field_macros)
{
    ck_assert_uint_eq(A_CR0, 0x20);
    ck_assert_uint_eq(A_STRTAB_BASE, 0x80);
    ck_assert_uint_eq(R_CR0_CMDQEN_SHIFT, 3);
    ck_assert_uint_eq(R_CR0_CMDQEN_LENGTH, 1);
    ck_assert_uint_eq(R_CR0_CMDQEN_MASK, 0x8);
    ck_assert_uint_eq(R_CR0_SMMUEN_MASK, 0x1);
    ck_assert_uint_eq(R_STRTAB_BASE_RA_MASK, 1ULL << 62);
    ck_assert_uint_eq(R_STRTAB_BASE_ADDR_MASK, 0x000fffffffffffc0ULL);
    ck_assert_uint_eq(R_STRTAB_BASE_ALL_MASK, ~0ULL);
    uint32_t cr0 = 0;
    cr0 = SIM_FIELD_DP32(cr0, CR0, CMDQEN, 1);
    ck_assert_uint_eq(cr0, 0x8);
    cr0 = SIM_FIELD_DP32(cr0, CR0, SMMUEN, 3);  /* wider value: truncated to the field */
    ck_assert_uint_eq(cr0, 0x9);
    ck_assert_uint_eq(SIM_FIELD_EX32(cr0, CR0, CMDQEN), 1);
    cr0 = SIM_FIELD_DP32(cr0, CR0, CMDQEN, 0);
    ck_assert_uint_eq(cr0, 0x1);
    uint64_t base = SIM_FIELD_DP64(0, STRTAB_BASE, ADDR, 0xabcdef12345ULL);
    base = SIM_FIELD_DP64(base, STRTAB_BASE, RA, 1);
    ck_assert_uint_eq(base, (0xabcdef12345ULL << 6) | (1ULL << 62));
    ck_assert_uint_eq(SIM_FIELD_EX64(base, STRTAB_BASE, ADDR), 0xabcdef12345ULL);
    ck_assert_uint_eq(SIM_FIELD_EX64(base, STRTAB_BASE, ALL), base);
    ck_assert_uint_eq(SIM_FIELD_DP64(base, STRTAB_BASE, ALL, 7), 7);
}
END_TEST

/* Reference for 128-bit: bit b of the pair. */
static uint64_t ref_bits128(const uint64_t d[2], unsigned hi, unsigned lo)
{
    uint64_t r = 0;
    for (unsigned b = lo; b <= hi; b++)
        r |= ((d[b / 64] >> (b % 64)) & 1) << (b - lo);
    return r;
}

START_TEST(test_bits128)
{
    static const uint64_t words[][2] = {
        { 0x0123456789abcdefULL, 0xfedcba9876543210ULL },
        { ~0ULL, 0 },
        { 0, ~0ULL },
        { 0x8000000000000000ULL, 0x1 },
    };
    for (unsigned w = 0; w < SIM_ARRAY_SIZE(words); w++) {
        for (unsigned lo = 0; lo < 128; lo++) {
            for (unsigned hi = lo; hi < 128 && hi - lo < 64; hi++) {
                ck_assert_msg(sim_bits128(words[w], hi, lo) == ref_bits128(words[w], hi, lo),
                              "words %u bits [%u:%u]", w, hi, lo);
            }
        }
    }
    /* a field straddling the boundary, as in command dword 1 bits [71:60] */
    const uint64_t d[2] = { 0xA000000000000000ULL, 0x00000000000000BCULL };
    ck_assert_uint_eq(sim_bits128(d, 71, 60), 0xBCA);
    ck_assert_uint_eq(sim_bits128(d, 127, 64), 0xBC);
    ck_assert_uint_eq(sim_bits128(d, 63, 0), 0xA000000000000000ULL);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("regfields");
    TCase *tc = tcase_create("regfields");
    tcase_add_test(tc, test_extract_deposit_64);
    tcase_add_test(tc, test_extract_deposit_32);
    tcase_add_test(tc, test_field_macros);
    tcase_add_test(tc, test_bits128);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
