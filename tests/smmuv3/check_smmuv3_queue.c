/*
 * check_smmuv3_queue.c — queue pointer arithmetic (smmuv3-queue.h) at
 * every LOG2SIZE 0..19: wrap, full, empty, used, base alignment.
 */
#include <check.h>
#include "models/smmuv3/smmuv3-queue.h"

START_TEST(test_every_size)
{
    for (unsigned n = 0; n <= SMMU_Q_LOG2SIZE_MAX; n++) {
        uint32_t size = smmu_q_entries(n);
        ck_assert_uint_eq(smmu_q_ptr_mask(n), (2u << n) - 1);
        ck_assert(smmu_q_empty(n, 0, 0));
        ck_assert(!smmu_q_full(n, 0, 0));
        /* Fill from empty to full one entry at a time. */
        uint32_t p = 0;
        for (uint32_t i = 0; i < size && i < 4096; i++)
            p = smmu_q_inc(n, p);
        if (size <= 4096) {
            ck_assert_uint_eq(p, size);                 /* index 0, wrap 1 */
            ck_assert(smmu_q_full(n, p, 0));
            ck_assert(!smmu_q_empty(n, p, 0));
            ck_assert_uint_eq(smmu_q_used(n, p, 0), size);
            ck_assert_uint_eq(smmu_q_idx(n, p), 0);
            ck_assert_uint_eq(smmu_q_wrap(n, p), 1);
        }
        /* Wrapping twice returns to the start. */
        ck_assert_uint_eq(smmu_q_add(n, 0, 2 * size), 0);
        ck_assert_uint_eq(smmu_q_add(n, 0, size), size);
        /* The last index increments into the other wrap. */
        uint32_t last = size - 1;
        ck_assert_uint_eq(smmu_q_inc(n, last), size);
        ck_assert_uint_eq(smmu_q_inc(n, size | last), 0);
        /* Partially full across the wrap: prod wrapped, cons not. */
        if (size >= 2) {
            uint32_t cons = size - 1, prod = size | 0;
            ck_assert_uint_eq(smmu_q_used(n, prod, cons), 1);
            ck_assert(!smmu_q_full(n, prod, cons) && !smmu_q_empty(n, prod, cons));
        }
        /* RES0 bits above the wrap flag are ignored. */
        ck_assert(smmu_q_empty(n, 0xFFF00000u | 0, 0));
        ck_assert_uint_eq(smmu_q_ptr(n, 0xFFFFFFFFu), smmu_q_ptr_mask(n));
        /* Entry addresses and base alignment (max(queue bytes, 32)). */
        ck_assert_uint_eq(smmu_q_entry_addr(0x10000, n, size | last, 4), 0x10000 + ((uint64_t)last << 4));
        uint64_t align = (uint64_t)size * 16 < 32 ? 32 : (uint64_t)size * 16;
        ck_assert_uint_eq(smmu_q_effective_base(0x123456789ull, n, 4), 0x123456789ull & ~(align - 1));
    }
}
END_TEST

START_TEST(test_one_entry_queue)
{
    /* log2size 0: the increment is just a wrap toggle. */
    ck_assert_uint_eq(smmu_q_inc(0, 0), 1);
    ck_assert_uint_eq(smmu_q_inc(0, 1), 0);
    ck_assert(smmu_q_full(0, 1, 0));
    ck_assert(smmu_q_empty(0, 1, 1));
    ck_assert_uint_eq(smmu_q_used(0, 1, 0), 1);
    ck_assert_uint_eq(smmu_q_effective_base(0x1010, 0, 4), 0x1000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smmuv3_queue");
    TCase *tc = tcase_create("arith");
    tcase_add_test(tc, test_every_size);
    tcase_add_test(tc, test_one_entry_queue);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
