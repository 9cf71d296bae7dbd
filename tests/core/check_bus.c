/*
 * check_bus.c — the MMIO bus (sim/bus.h): dispatch by address, offsets,
 * RAZ/WI holes and bad accesses (counted, never reaching a device), region
 * overlap refusal and a large map.
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "core-check.h"
#include "sim/bus.h"

/* A device that answers tag | offset (kept within 32 bits, so every access
 * size sees it whole) and remembers the last access. */
struct dev {
    uint64_t tag;
    unsigned reads, writes;
    uint64_t last_offset, last_value;
    unsigned last_size;
};

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size)
{
    struct dev *d = opaque;
    d->reads++;
    d->last_offset = offset;
    d->last_size = size;
    return d->tag | offset;
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct dev *d = opaque;
    d->writes++;
    d->last_offset = offset;
    d->last_value = value;
    d->last_size = size;
}

static const struct sim_mmio_ops ops_default = { dev_read, dev_write, 0 };
static const struct sim_mmio_ops ops_bytes = { dev_read, dev_write, SIM_BUS_SIZE_8 | SIM_BUS_SIZE_16 };
static const struct sim_mmio_ops ops_all = {
    dev_read, dev_write, SIM_BUS_SIZE_8 | SIM_BUS_SIZE_16 | SIM_BUS_SIZE_32 | SIM_BUS_SIZE_64
};

static struct sim_bus *bus;

static void setup(void)
{
    bus = sim_bus_new();
}

static void teardown(void)
{
    sim_bus_free(bus);
}

START_TEST(test_dispatch_and_offsets)
{
    struct dev a = { .tag = 0xa0000000 }, b = { .tag = 0xb0000000 }, c = { .tag = 0xc0000000 };
    ck_assert(sim_bus_add_region(bus, "b", 0x20000, 0x10000, &ops_default, &b));
    ck_assert(sim_bus_add_region(bus, "a", 0x10000, 0x1000, &ops_default, &a));
    ck_assert(sim_bus_add_region(bus, "c", 0x100000000ULL, 0x20000, &ops_default, &c));
    uint64_t v = 0;
    ck_assert_int_eq(sim_bus_read(bus, 0x10010, 4, &v), SIM_BUS_OK);
    ck_assert_uint_eq(v, a.tag | 0x10);
    ck_assert_uint_eq(a.last_size, 4);
    ck_assert_int_eq(sim_bus_read(bus, 0x2fff8, 8, &v), SIM_BUS_OK);
    ck_assert_uint_eq(v, b.tag | 0xfff8);
    ck_assert_uint_eq(b.last_size, 8);
    ck_assert_int_eq(sim_bus_write(bus, 0x10001fff0ULL, 8, 0x1234), SIM_BUS_OK);
    ck_assert_uint_eq(c.last_offset, 0x1fff0);
    ck_assert_uint_eq(c.last_value, 0x1234);
    ck_assert_uint_eq(c.last_size, 8);
    ck_assert_int_eq(sim_bus_write(bus, 0x20000, 4, 0xfeed), SIM_BUS_OK);
    ck_assert_uint_eq(b.last_offset, 0);
    ck_assert_uint_eq(b.last_value, 0xfeed);
    ck_assert_uint_eq(a.reads + b.reads + c.reads, 2);
    ck_assert_uint_eq(a.writes + b.writes + c.writes, 2);

    /* convenience wrappers */
    ck_assert_uint_eq(sim_bus_read32(bus, 0x10ffc), (uint32_t)(a.tag | 0xffc));
    ck_assert_uint_eq(sim_bus_read64(bus, 0x10008), a.tag | 8);
    sim_bus_write32(bus, 0x10004, 0x55);
    ck_assert_uint_eq(a.last_value, 0x55);
    ck_assert_uint_eq(a.last_size, 4);
    sim_bus_write64(bus, 0x10018, 0x66);
    ck_assert_uint_eq(a.last_value, 0x66);
    ck_assert_uint_eq(a.last_size, 8);

    uint64_t base = 0;
    ck_assert_str_eq(sim_bus_region_at(bus, 0x2abcd, &base), "b");
    ck_assert_uint_eq(base, 0x20000);
    ck_assert_str_eq(sim_bus_region_at(bus, 0x10fff, &base), "a");
    ck_assert_uint_eq(base, 0x10000);
    ck_assert_ptr_null(sim_bus_region_at(bus, 0x11000, &base));
    ck_assert_ptr_null(sim_bus_region_at(bus, 0xffff, &base));
    ck_assert_uint_eq(sim_bus_hole_count(bus), 0);
    ck_assert_uint_eq(sim_bus_bad_access_count(bus), 0);
}
END_TEST

START_TEST(test_holes_raz_wi)
{
    struct dev a = { .tag = 0x100000 };
    ck_assert(sim_bus_add_region(bus, "a", 0x10000, 0x1000, &ops_default, &a));
    uint64_t v = 0x5555;
    ck_assert_int_eq(sim_bus_read(bus, 0x11000, 4, &v), SIM_BUS_HOLE);  /* just past the end */
    ck_assert_uint_eq(v, 0);
    v = 0x5555;
    ck_assert_int_eq(sim_bus_read(bus, 0xfff8, 8, &v), SIM_BUS_HOLE);  /* just below */
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(sim_bus_write(bus, 0, 4, 1), SIM_BUS_HOLE);
    ck_assert_int_eq(sim_bus_write(bus, UINT64_MAX - 7, 8, 1), SIM_BUS_HOLE);
    ck_assert_uint_eq(sim_bus_read32(bus, 0x90000), 0);
    ck_assert_uint_eq(sim_bus_read64(bus, 0x90000), 0);
    sim_bus_write32(bus, 0x90000, 1);
    sim_bus_write64(bus, 0x90000, 1);
    ck_assert_uint_eq(sim_bus_hole_count(bus), 8);
    ck_assert_uint_eq(sim_bus_bad_access_count(bus), 0);
    ck_assert_uint_eq(a.reads + a.writes, 0);
}
END_TEST

START_TEST(test_bad_access_raz_wi)
{
    struct dev a = { .tag = 0x100000 }, b = { .tag = 0x200000 };
    ck_assert(sim_bus_add_region(bus, "a", 0x10000, 0x1000, &ops_default, &a));
    ck_assert(sim_bus_add_region(bus, "b", 0x20000, 0x1000, &ops_bytes, &b));
    uint64_t v = 0x77;
    /* default accepts 32 and 64 only */
    ck_assert_int_eq(sim_bus_read(bus, 0x10000, 1, &v), SIM_BUS_BAD_ACCESS);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(sim_bus_write(bus, 0x10000, 2, 1), SIM_BUS_BAD_ACCESS);
    /* sizes that are no size at all */
    ck_assert_int_eq(sim_bus_read(bus, 0x10000, 0, &v), SIM_BUS_BAD_ACCESS);
    ck_assert_int_eq(sim_bus_read(bus, 0x10000, 3, &v), SIM_BUS_BAD_ACCESS);
    ck_assert_int_eq(sim_bus_write(bus, 0x10000, 16, 1), SIM_BUS_BAD_ACCESS);
    ck_assert_int_eq(sim_bus_write(bus, 0x10000, 5, 1), SIM_BUS_BAD_ACCESS);
    /* misaligned */
    v = 0x77;
    ck_assert_int_eq(sim_bus_read(bus, 0x10002, 4, &v), SIM_BUS_BAD_ACCESS);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(sim_bus_write(bus, 0x10004, 8, 1), SIM_BUS_BAD_ACCESS);
    /* the byte region refuses words but takes bytes anywhere, halves aligned */
    ck_assert_int_eq(sim_bus_read(bus, 0x20000, 4, &v), SIM_BUS_BAD_ACCESS);
    ck_assert_int_eq(sim_bus_read(bus, 0x20003, 1, &v), SIM_BUS_OK);
    ck_assert_uint_eq(v, 3);  /* a byte of b.tag | 3 */
    ck_assert_int_eq(sim_bus_write(bus, 0x20006, 2, 0xbeef), SIM_BUS_OK);
    ck_assert_uint_eq(b.last_value, 0xbeef);
    ck_assert_int_eq(sim_bus_write(bus, 0x20007, 2, 0xbeef), SIM_BUS_BAD_ACCESS);
    ck_assert_uint_eq(sim_bus_bad_access_count(bus), 10);
    ck_assert_uint_eq(sim_bus_hole_count(bus), 0);
    ck_assert_uint_eq(a.reads + a.writes, 0);
    ck_assert_uint_eq(b.reads + b.writes, 2);
}
END_TEST

START_TEST(test_all_sizes)
{
    struct dev a = { .tag = 0 };
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    ck_assert(sim_bus_add_region(bus, "a", 0x1000, 0x100, &ops_all, &a));
    for (unsigned i = 0; i < 4; i++) {
        uint64_t v;
        ck_assert_int_eq(sim_bus_read(bus, 0x1000 + 8 * sizes[i], sizes[i], &v), SIM_BUS_OK);
        ck_assert_uint_eq(a.last_size, sizes[i]);
        ck_assert_uint_eq(v, 8 * sizes[i]);
    }
    ck_assert_uint_eq(sim_bus_bad_access_count(bus), 0);
}
END_TEST

START_TEST(test_region_refusals)
{
    struct dev d = { 0 };
    ck_assert(sim_bus_add_region(bus, "x", 0x10000, 0x1000, &ops_default, &d));
    ck_assert(!sim_bus_add_region(bus, "same", 0x10000, 0x1000, &ops_default, &d));
    ck_assert(!sim_bus_add_region(bus, "low", 0xf000, 0x1001, &ops_default, &d));
    ck_assert(!sim_bus_add_region(bus, "high", 0x10fff, 0x10, &ops_default, &d));
    ck_assert(!sim_bus_add_region(bus, "inside", 0x10100, 0x10, &ops_default, &d));
    ck_assert(!sim_bus_add_region(bus, "around", 0x8000, 0x10000, &ops_default, &d));
    ck_assert(!sim_bus_add_region(bus, "empty", 0x50000, 0, &ops_default, &d));
    ck_assert(!sim_bus_add_region(bus, "wraps", UINT64_MAX - 0xfff, 0x2000, &ops_default, &d));
    ck_assert(sim_bus_add_region(bus, "below", 0xf000, 0x1000, &ops_default, &d));   /* adjacent */
    ck_assert(sim_bus_add_region(bus, "above", 0x11000, 0x1000, &ops_default, &d));  /* adjacent */
    ck_assert(sim_bus_add_region(bus, "top", UINT64_MAX - 0xfff, 0x1000, &ops_default, &d));
    uint64_t base;
    ck_assert_str_eq(sim_bus_region_at(bus, UINT64_MAX, &base), "top");
    ck_assert_uint_eq(base, UINT64_MAX - 0xfff);
    ck_assert_str_eq(sim_bus_region_at(bus, 0x10fff, &base), "x");
    ck_assert_str_eq(sim_bus_region_at(bus, 0x11000, &base), "above");
    uint64_t v;
    ck_assert_int_eq(sim_bus_read(bus, UINT64_MAX - 7, 8, &v), SIM_BUS_OK);
    ck_assert_uint_eq(d.last_offset, 0xff8);
}
END_TEST

START_TEST(test_thousand_regions)
{
    enum { N = 1000 };
    static struct dev devs[N];
    static char names[N][16];  /* outlive the bus whether or not it copies them */
    int order[N];
    for (int i = 0; i < N; i++)
        order[i] = i;
    GRand *r = g_rand_new_with_seed(7);
    for (int i = N - 1; i > 0; i--) {
        int j = g_rand_int_range(r, 0, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    g_rand_free(r);
    for (int k = 0; k < N; k++) {
        int i = order[k];
        devs[i].tag = (uint64_t)i << 16;
        snprintf(names[i], sizeof(names[i]), "r%d", i);
        ck_assert(sim_bus_add_region(bus, names[i], 0x1000000 + (uint64_t)i * 0x1000, 0x100,
                                     &ops_default, &devs[i]));
    }
    for (int i = 0; i < N; i++) {
        uint64_t off = (uint64_t)(i % 0x40) * 4, v = 0;
        uint64_t addr = 0x1000000 + (uint64_t)i * 0x1000 + off;
        ck_assert_int_eq(sim_bus_read(bus, addr, 4, &v), SIM_BUS_OK);
        ck_assert_uint_eq(v, ((uint64_t)i << 16) | off);
        ck_assert_int_eq(sim_bus_write(bus, addr, 8 >> (i & 1), (uint64_t)i), i & 1 ? SIM_BUS_OK
                         : (off % 8 ? SIM_BUS_BAD_ACCESS : SIM_BUS_OK));
        /* the gap after each region is a hole */
        ck_assert_int_eq(sim_bus_read(bus, addr - off + 0x100, 4, &v), SIM_BUS_HOLE);
        uint64_t base;
        char expect[16];
        snprintf(expect, sizeof(expect), "r%d", i);
        ck_assert_str_eq(sim_bus_region_at(bus, addr, &base), expect);
        ck_assert_uint_eq(base, addr - off);
    }
    for (int i = 0; i < N; i++) {
        ck_assert_uint_eq(devs[i].reads, 1);
        ck_assert_uint_eq(devs[i].writes, (i & 1) || ((i % 0x40) * 4) % 8 == 0);
    }
    ck_assert_uint_eq(sim_bus_hole_count(bus), N);
}
END_TEST

START_TEST(test_latency)
{
    ck_assert_uint_eq(sim_bus_latency(bus), 0);
    sim_bus_set_latency(bus, 150 * SIM_NS);
    ck_assert_uint_eq(sim_bus_latency(bus), 150000);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("bus");
    TCase *tc = tcase_create("bus");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_dispatch_and_offsets);
    tcase_add_test(tc, test_holes_raz_wi);
    tcase_add_test(tc, test_bad_access_raz_wi);
    tcase_add_test(tc, test_all_sizes);
    tcase_add_test(tc, test_region_refusals);
    tcase_add_test(tc, test_thousand_regions);
    tcase_add_test(tc, test_latency);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
