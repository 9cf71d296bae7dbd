/*
 * check_hist.c — log-linear histograms (sim/hist.h): exact count, sum, min,
 * max and mean; bucket edges that tile the whole 64-bit range; percentiles
 * checked against a sorted reference with the header's rule (upper edge of
 * the bucket holding the nearest rank, rounded up, clamped to [min, max]);
 * merge.
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "core-check.h"
#include "sim/hist.h"

static struct sim_hist h, h2, h3;

static void setup(void)
{
    sim_hist_init(&h);
    sim_hist_init(&h2);
    sim_hist_init(&h3);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The header's percentile rule, computed from the raw samples. */
static uint64_t reference_percentile(uint64_t *sorted, size_t n, uint32_t ppm)
{
    uint64_t rank = ((uint64_t)n * ppm + 999999) / 1000000;
    if (rank == 0)
        rank = 1;
    uint64_t v = sim_hist_bucket_high(sim_hist_bucket(sorted[rank - 1]));
    if (v > sorted[n - 1])
        v = sorted[n - 1];
    if (v < sorted[0])
        v = sorted[0];
    return v;
}

static const uint32_t ppms[] = { 1, 10000, 250000, 500000, 750000, 900000, 990000, 999000, 999999,
                                 1000000 };

static void check_against_reference(const struct sim_hist *hist, uint64_t *vals, size_t n)
{
    qsort(vals, n, sizeof(*vals), cmp_u64);
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(ppms); i++) {
        uint64_t want = reference_percentile(vals, n, ppms[i]);
        uint64_t got = sim_hist_percentile_ppm(hist, ppms[i]);
        ck_assert_msg(got == want, "ppm %u: got %llu want %llu", ppms[i], (unsigned long long)got,
                      (unsigned long long)want);
        /* and never more than one bucket (1/64) above the true sample */
        uint64_t truth = vals[((uint64_t)n * ppms[i] + 999999) / 1000000 - 1];
        ck_assert_uint_ge(got, truth);
        ck_assert_uint_le(got - truth, truth / SIM_HIST_SUB + 1);
    }
}

START_TEST(test_empty)
{
    ck_assert_uint_eq(h.count, 0);
    ck_assert_uint_eq(sim_hist_min(&h), 0);
    ck_assert_uint_eq(sim_hist_mean(&h), 0);
    ck_assert_uint_eq(h.sum, 0);
}
END_TEST

START_TEST(test_exact_moments)
{
    static const uint64_t v[] = { 17, 3, 1000000, 64, 65, 0, 999 };
    uint64_t sum = 0;
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(v); i++) {
        sim_hist_record(&h, v[i]);
        sum += v[i];
    }
    ck_assert_uint_eq(h.count, 7);
    ck_assert_uint_eq(h.sum, sum);
    ck_assert_uint_eq(sim_hist_min(&h), 0);
    ck_assert_uint_eq(h.max, 1000000);
    ck_assert_uint_eq(sim_hist_mean(&h), sum / 7);  /* rounded down */
    sim_hist_reset(&h);
    ck_assert_uint_eq(h.count, 0);
    ck_assert_uint_eq(sim_hist_min(&h), 0);
    sim_hist_record(&h, 5);
    sim_hist_record(&h, 6);
    ck_assert_uint_eq(sim_hist_mean(&h), 5);
    ck_assert_uint_eq(sim_hist_min(&h), 5);
}
END_TEST

START_TEST(test_sum_saturates)
{
    sim_hist_record(&h, UINT64_MAX);
    sim_hist_record(&h, UINT64_MAX);
    sim_hist_record(&h, 1);
    ck_assert_uint_eq(h.sum, UINT64_MAX);
    ck_assert_uint_eq(h.count, 3);
    ck_assert_uint_eq(h.max, UINT64_MAX);
    ck_assert_uint_eq(sim_hist_min(&h), 1);
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h, 1000000), UINT64_MAX);
}
END_TEST

START_TEST(test_constant)
{
    static const uint64_t consts[] = { 0, 1, 63, 64, 1000, 123456789, UINT64_MAX };
    for (unsigned c = 0; c < SIM_ARRAY_SIZE(consts); c++) {
        sim_hist_init(&h);
        for (int i = 0; i < 1000; i++)
            sim_hist_record(&h, consts[c]);
        for (unsigned i = 0; i < SIM_ARRAY_SIZE(ppms); i++)
            ck_assert_uint_eq(sim_hist_percentile_ppm(&h, ppms[i]), consts[c]);
        ck_assert_uint_eq(sim_hist_mean(&h), c == SIM_ARRAY_SIZE(consts) - 1 ? UINT64_MAX / 1000
                                                                            : consts[c]);
    }
}
END_TEST

START_TEST(test_uniform)
{
    enum { N = 100000 };
    static uint64_t vals[N];
    for (uint64_t i = 0; i < N; i++) {
        vals[i] = i + 1;
        sim_hist_record(&h, i + 1);
    }
    ck_assert_uint_eq(sim_hist_mean(&h), (N + 1) / 2);
    check_against_reference(&h, vals, N);
    /* below 64 every value has its own bucket: exact */
    sim_hist_init(&h2);
    for (uint64_t i = 1; i <= 50; i++)
        sim_hist_record(&h2, i);
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h2, 500000), 25);
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h2, 900000), 45);
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h2, 1000000), 50);
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h2, 1), 1);
}
END_TEST

START_TEST(test_two_point)
{
    for (int i = 0; i < 90; i++)
        sim_hist_record(&h, 100);
    for (int i = 0; i < 10; i++)
        sim_hist_record(&h, 1000000);
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h, 500000), 100);
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h, 900000), 100);   /* rank 90 */
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h, 900001), 1000000);  /* rank 91 */
    ck_assert_uint_eq(sim_hist_percentile_ppm(&h, 990000), 1000000);
    ck_assert_uint_eq(sim_hist_mean(&h), (90 * 100 + 10 * 1000000) / 100);
}
END_TEST

/* Geometric counts over widely spread values, like a latency tail. */
START_TEST(test_exponential_like)
{
    enum { N = 50000 };
    static uint64_t vals[N];
    GRand *r = g_rand_new_with_seed(99);
    for (int i = 0; i < N; i++) {
        /* -ln(u) by repeated halving: a value doubles with probability 1/2 */
        uint64_t v = 1000 + (uint64_t)g_rand_int_range(r, 0, 1000);
        while (g_rand_boolean(r) && v < (1ULL << 50))
            v = v * 2 + (uint64_t)g_rand_int_range(r, 0, 97);
        vals[i] = v;
        sim_hist_record(&h, v);
    }
    g_rand_free(r);
    check_against_reference(&h, vals, N);
}
END_TEST

START_TEST(test_bucket_edges_tile_the_range)
{
    ck_assert_uint_eq(sim_hist_bucket_low(0), 0);
    ck_assert_uint_eq(sim_hist_bucket_high(SIM_HIST_BUCKETS - 1), UINT64_MAX);
    for (unsigned i = 0; i < SIM_HIST_BUCKETS; i++) {
        uint64_t lo = sim_hist_bucket_low(i), hi = sim_hist_bucket_high(i);
        ck_assert_uint_le(lo, hi);
        ck_assert_uint_eq(sim_hist_bucket(lo), i);
        ck_assert_uint_eq(sim_hist_bucket(hi), i);
        if (i + 1 < SIM_HIST_BUCKETS)
            ck_assert_uint_eq(sim_hist_bucket_low(i + 1), hi + 1);
        if (i >= SIM_HIST_SUB)  /* width at most 1/64 of the values */
            ck_assert_uint_le((hi - lo + 1) * SIM_HIST_SUB, lo);
        else
            ck_assert_uint_eq(lo, hi);
    }
}
END_TEST

static void check_value_in_bucket(uint64_t v)
{
    unsigned b = sim_hist_bucket(v);
    ck_assert_uint_lt(b, SIM_HIST_BUCKETS);
    ck_assert_msg(sim_hist_bucket_low(b) <= v && v <= sim_hist_bucket_high(b), "value %llu bucket %u",
                  (unsigned long long)v, b);
}

START_TEST(test_bucket_sweep)
{
    static const uint64_t special[] = { 0, 1, 2, 63, 64, 65, 127, 128, 129, 1ULL << 32,
                                        (1ULL << 32) - 1, 1ULL << 63, (1ULL << 63) - 1,
                                        (1ULL << 63) + 1, UINT64_MAX, UINT64_MAX - 1 };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(special); i++)
        check_value_in_bucket(special[i]);
    for (unsigned k = 0; k < 64; k++) {
        uint64_t p = 1ULL << k;
        check_value_in_bucket(p - 1);
        check_value_in_bucket(p);
        check_value_in_bucket(p + 1);
    }
    for (uint64_t v = 0; v < 5000; v++)
        check_value_in_bucket(v);
    GRand *r = g_rand_new_with_seed(3);
    for (int i = 0; i < 100000; i++) {
        uint64_t v = ((uint64_t)g_rand_int(r) << 32 | g_rand_int(r)) >> g_rand_int_range(r, 0, 64);
        check_value_in_bucket(v);
    }
    g_rand_free(r);
    ck_assert_uint_eq(sim_hist_bucket(UINT64_MAX), SIM_HIST_BUCKETS - 1);
    ck_assert_uint_eq(sim_hist_bucket(63), 63);
    ck_assert_uint_eq(sim_hist_bucket(64), 64);
}
END_TEST

START_TEST(test_merge)
{
    GRand *r = g_rand_new_with_seed(11);
    for (int i = 0; i < 3000; i++) {
        uint64_t v = (uint64_t)g_rand_int_range(r, 0, 1 << 30) >> g_rand_int_range(r, 0, 30);
        sim_hist_record(i % 3 ? &h : &h2, v);
        sim_hist_record(&h3, v);
    }
    g_rand_free(r);
    sim_hist_merge(&h, &h2);
    ck_assert_mem_eq(&h, &h3, sizeof(h));

    /* merging an empty histogram changes nothing; into an empty one copies */
    struct sim_hist *empty = &h2;
    sim_hist_init(empty);
    sim_hist_merge(&h, empty);
    ck_assert_mem_eq(&h, &h3, sizeof(h));
    sim_hist_merge(empty, &h3);
    ck_assert_uint_eq(empty->count, h3.count);
    ck_assert_uint_eq(empty->min, h3.min);
    ck_assert_uint_eq(empty->max, h3.max);
    ck_assert_uint_eq(empty->sum, h3.sum);
    ck_assert_mem_eq(empty->buckets, h3.buckets, sizeof(h3.buckets));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("hist");
    TCase *tc = tcase_create("hist");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_exact_moments);
    tcase_add_test(tc, test_sum_saturates);
    tcase_add_test(tc, test_constant);
    tcase_add_test(tc, test_uniform);
    tcase_add_test(tc, test_two_point);
    tcase_add_test(tc, test_exponential_like);
    tcase_add_test(tc, test_bucket_edges_tile_the_range);
    tcase_add_test(tc, test_bucket_sweep);
    tcase_add_test(tc, test_merge);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
