/*
 * check_mem.c — simulated physical memory (sim/mem.h): sparse frames,
 * little-endian accessors, host-backed ranges, injected aborts and the top
 * of the 64-bit address space.
 */
#include <string.h>
#include <glib.h>

#include "core-check.h"
#include "sim/mem.h"

#define TOP_PAGE (UINT64_MAX & SIM_PAGE_MASK)

static struct sim_mem *mem;

static void setup(void)
{
    mem = sim_mem_new();
}

static void teardown(void)
{
    sim_mem_free(mem);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* ---- sparse frames ---------------------------------------------------- */

START_TEST(test_sparse_far_apart)
{
    static const uint64_t addrs[] = { 0, 0x1000, 1ULL << 40, 0x8000000000000000ULL, TOP_PAGE + 0xff8 };
    ck_assert_uint_eq(sim_mem_frame_count(mem), 0);
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(addrs); i++)
        ck_assert_int_eq(sim_mem_write64(mem, addrs[i], 0x0101010101010101ULL * (i + 1)), SIM_MEM_OK);
    ck_assert_uint_eq(sim_mem_frame_count(mem), SIM_ARRAY_SIZE(addrs));
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(addrs); i++) {
        uint64_t v = 0;
        ck_assert_int_eq(sim_mem_read64(mem, addrs[i], &v), SIM_MEM_OK);
        ck_assert_uint_eq(v, 0x0101010101010101ULL * (i + 1));
    }
}
END_TEST

START_TEST(test_untouched_reads_zero_without_allocating)
{
    uint8_t v8 = 1;
    uint16_t v16 = 1;
    uint32_t v32 = 1;
    uint64_t v64 = 1;
    static uint8_t buf[3 * 4096 + 17];
    memset(buf, 0xee, sizeof(buf));
    ck_assert_int_eq(sim_mem_read8(mem, 0x5000, &v8), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read16(mem, 0x123456, &v16), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read32(mem, 1ULL << 50, &v32), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read64(mem, TOP_PAGE, &v64), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read(mem, 0x7ff0, buf, sizeof(buf)), SIM_MEM_OK);
    ck_assert_uint_eq(v8, 0);
    ck_assert_uint_eq(v16, 0);
    ck_assert_uint_eq(v32, 0);
    ck_assert_uint_eq(v64, 0);
    ck_assert(all_bytes(buf, sizeof(buf), 0));
    ck_assert_uint_eq(sim_mem_frame_count(mem), 0);
    ck_assert_ptr_null(sim_mem_frame(mem, 0x5000, false));
    ck_assert_uint_eq(sim_mem_frame_count(mem), 0);
    /* a read next to a present frame allocates nothing either */
    sim_mem_write8(mem, 0x1000, 0x5a);
    ck_assert_int_eq(sim_mem_read(mem, 0x0, buf, 3 * 4096), SIM_MEM_OK);
    ck_assert_uint_eq(buf[0x1000], 0x5a);
    ck_assert_uint_eq(sim_mem_frame_count(mem), 1);
}
END_TEST

START_TEST(test_frame_pointer)
{
    uint8_t *f = sim_mem_frame(mem, 0x3123, true);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(sim_mem_frame_count(mem), 1);
    ck_assert(all_bytes(f, SIM_PAGE_SIZE, 0));  /* zero-filled on first touch */
    f[0x123] = 0x77;
    uint8_t v;
    sim_mem_read8(mem, 0x3123, &v);
    ck_assert_uint_eq(v, 0x77);
    ck_assert_ptr_eq(sim_mem_frame(mem, 0x3fff, false), f);
    sim_mem_write8(mem, 0x3000, 0x66);
    ck_assert_uint_eq(f[0], 0x66);
}
END_TEST

START_TEST(test_cross_frame)
{
    uint8_t in[64], out[64];
    for (unsigned i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(i * 7 + 1);
    ck_assert_int_eq(sim_mem_write(mem, 0x1fe0, in, sizeof(in)), SIM_MEM_OK);
    ck_assert_uint_eq(sim_mem_frame_count(mem), 2);
    ck_assert_int_eq(sim_mem_read(mem, 0x1fe0, out, sizeof(out)), SIM_MEM_OK);
    ck_assert_mem_eq(in, out, sizeof(in));
    /* unaligned multi-byte accessors across the boundary */
    ck_assert_int_eq(sim_mem_write64(mem, 0x4ffc, 0x8877665544332211ULL), SIM_MEM_OK);
    uint64_t v64;
    uint32_t lo, hi;
    sim_mem_read64(mem, 0x4ffc, &v64);
    ck_assert_uint_eq(v64, 0x8877665544332211ULL);
    sim_mem_read32(mem, 0x4ffc, &lo);
    sim_mem_read32(mem, 0x5000, &hi);
    ck_assert_uint_eq(lo, 0x44332211u);
    ck_assert_uint_eq(hi, 0x88776655u);
    /* a large buffer across several frames */
    static uint8_t big[5 * 4096], back[5 * 4096];
    for (unsigned i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i ^ (i >> 8));
    ck_assert_int_eq(sim_mem_write(mem, 0x10080, big, sizeof(big)), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read(mem, 0x10080, back, sizeof(back)), SIM_MEM_OK);
    ck_assert_mem_eq(big, back, sizeof(big));
}
END_TEST

START_TEST(test_little_endian_layout)
{
    uint8_t b[8];
    sim_mem_write16(mem, 0x100, 0xa1b2);
    sim_mem_read(mem, 0x100, b, 2);
    ck_assert_uint_eq(b[0], 0xb2);
    ck_assert_uint_eq(b[1], 0xa1);
    sim_mem_write32(mem, 0x200, 0x11223344u);
    sim_mem_read(mem, 0x200, b, 4);
    ck_assert_uint_eq(b[0], 0x44);
    ck_assert_uint_eq(b[3], 0x11);
    sim_mem_write64(mem, 0x300, 0x0102030405060708ULL);
    sim_mem_read(mem, 0x300, b, 8);
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(b[i], 8 - i);
    static const uint8_t raw[8] = { 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01 };
    sim_mem_write(mem, 0x400, raw, 8);
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    uint8_t v8;
    sim_mem_read8(mem, 0x401, &v8);
    sim_mem_read16(mem, 0x400, &v16);
    sim_mem_read32(mem, 0x400, &v32);
    sim_mem_read64(mem, 0x400, &v64);
    ck_assert_uint_eq(v8, 0xcd);
    ck_assert_uint_eq(v16, 0xcdef);
    ck_assert_uint_eq(v32, 0x89abcdefu);
    ck_assert_uint_eq(v64, 0x0123456789abcdefULL);
    sim_mem_write8(mem, 0x403, 0x00);
    sim_mem_read32(mem, 0x400, &v32);
    ck_assert_uint_eq(v32, 0x00abcdefu);
}
END_TEST

START_TEST(test_fill)
{
    static uint8_t buf[3 * 4096];
    ck_assert_int_eq(sim_mem_fill(mem, 0x2800, 0xab, 2 * 4096), SIM_MEM_OK);
    sim_mem_read(mem, 0x2000, buf, sizeof(buf));
    ck_assert(all_bytes(buf, 0x800, 0));
    ck_assert(all_bytes(buf + 0x800, 2 * 4096, 0xab));
    ck_assert(all_bytes(buf + 0x800 + 2 * 4096, 0x800, 0));
    ck_assert_int_eq(sim_mem_fill(mem, 0x9000, 0, 0), SIM_MEM_OK);
}
END_TEST

struct frames_seen {
    unsigned n;
    uint64_t addr[8];
    uint8_t byte[8];
};

static void record_frame(uint64_t addr, const uint8_t *data, void *opaque)
{
    struct frames_seen *seen = opaque;
    ck_assert_uint_lt(seen->n, 8);
    seen->addr[seen->n] = addr;
    seen->byte[seen->n] = data[5];
    seen->n++;
}

START_TEST(test_foreach_ascending)
{
    static const uint64_t addrs[] = { 1ULL << 44, 0x3000, TOP_PAGE, 0x1000, 0x2000 };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(addrs); i++)
        sim_mem_write8(mem, addrs[i] + 5, (uint8_t)(i + 1));
    struct frames_seen seen = { 0 };
    sim_mem_foreach_frame(mem, record_frame, &seen);
    ck_assert_uint_eq(seen.n, 5);
    static const uint64_t sorted[] = { 0x1000, 0x2000, 0x3000, 1ULL << 44, TOP_PAGE };
    static const uint8_t bytes[] = { 4, 5, 2, 1, 3 };
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_uint_eq(seen.addr[i], sorted[i]);
        ck_assert_uint_eq(seen.byte[i], bytes[i]);
    }
}
END_TEST

START_TEST(test_latency)
{
    ck_assert_uint_eq(sim_mem_latency(mem), 0);
    sim_mem_set_latency(mem, 80 * SIM_NS);
    ck_assert_uint_eq(sim_mem_latency(mem), 80000);
}
END_TEST

/* ---- top of the address space ---------------------------------------- */

START_TEST(test_top_of_address_space)
{
    uint64_t v = 0;
    uint8_t b = 0;
    ck_assert_int_eq(sim_mem_write64(mem, UINT64_MAX - 7, 0x1122334455667788ULL), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read64(mem, UINT64_MAX - 7, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 0x1122334455667788ULL);
    ck_assert_int_eq(sim_mem_write8(mem, UINT64_MAX, 0x99), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read8(mem, UINT64_MAX, &b), SIM_MEM_OK);
    ck_assert_uint_eq(b, 0x99);

    /* Accesses that would wrap past 2^64 abort and never touch address 0. */
    uint64_t before = sim_mem_frame_count(mem);
    ck_assert_int_eq(sim_mem_write64(mem, UINT64_MAX - 3, ~0ULL), SIM_MEM_ABORT);
    ck_assert_int_eq(sim_mem_write32(mem, UINT64_MAX, ~0u), SIM_MEM_ABORT);
    static const uint8_t junk[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    ck_assert_int_eq(sim_mem_write(mem, UINT64_MAX - 7, junk, sizeof(junk)), SIM_MEM_ABORT);
    ck_assert_int_eq(sim_mem_fill(mem, UINT64_MAX - 1, 0xff, 4), SIM_MEM_ABORT);
    ck_assert_uint_eq(sim_mem_frame_count(mem), before);
    ck_assert_ptr_null(sim_mem_frame(mem, 0, false));
    v = 5;
    ck_assert_int_eq(sim_mem_read64(mem, UINT64_MAX - 3, &v), SIM_MEM_ABORT);
    ck_assert_uint_eq(v, 0);
    uint8_t buf[16];
    memset(buf, 0xcc, sizeof(buf));
    ck_assert_int_eq(sim_mem_read(mem, UINT64_MAX - 7, buf, sizeof(buf)), SIM_MEM_ABORT);
    ck_assert(all_bytes(buf, sizeof(buf), 0));
    /* the failed write changed nothing at the top either */
    sim_mem_read64(mem, UINT64_MAX - 7, &v);
    ck_assert_uint_eq(v, 0x9922334455667788ULL);
}
END_TEST

/* ---- host-backed ranges ----------------------------------------------- */

START_TEST(test_host_backed_same_bytes)
{
    /* deliberately misaligned host pointer: the contract needs none */
    uint8_t *raw = g_malloc0(3 * 4096 + 1);
    uint8_t *host = raw + 1;
    ck_assert(sim_mem_map_host(mem, 0x40000, host, 3 * 4096));
    sim_mem_write32(mem, 0x40ffe, 0xdeadbeefu);  /* across two host pages */
    ck_assert_uint_eq(host[0xffe], 0xef);
    ck_assert_uint_eq(host[0x1001], 0xde);
    host[0x2abc] = 0x42;
    uint8_t v;
    sim_mem_read8(mem, 0x42abc, &v);
    ck_assert_uint_eq(v, 0x42);
    uint8_t *f = sim_mem_frame(mem, 0x41000, false);
    ck_assert_ptr_nonnull(f);
    f[7] = 0x24;
    ck_assert_uint_eq(host[0x1007], 0x24);
    ck_assert(sim_mem_unmap_host(mem, 0x40000, 3 * 4096));
    g_free(raw);
}
END_TEST

START_TEST(test_host_backed_copy_in_and_out)
{
    uint8_t *host = g_malloc(2 * 4096);
    memset(host, 0x11, 2 * 4096);
    sim_mem_write64(mem, 0x81008, 0xa5a5a5a5a5a5a5a5ULL);  /* written before mapping */
    ck_assert(sim_mem_map_host(mem, 0x80000, host, 2 * 4096));
    uint64_t v;
    memcpy(&v, host + 0x1008, 8);
    ck_assert_uint_eq(v, 0xa5a5a5a5a5a5a5a5ULL);  /* copied into the host buffer */
    sim_mem_write8(mem, 0x80010, 0x77);
    ck_assert(sim_mem_unmap_host(mem, 0x80000, 2 * 4096));
    memset(host, 0xee, 2 * 4096);  /* the host buffer is no longer the memory */
    uint8_t b;
    sim_mem_read8(mem, 0x80010, &b);
    ck_assert_uint_eq(b, 0x77);
    sim_mem_read64(mem, 0x81008, &v);
    ck_assert_uint_eq(v, 0xa5a5a5a5a5a5a5a5ULL);
    sim_mem_read8(mem, 0x80011, &b);  /* untouched parts keep the mapped contents */
    ck_assert_uint_eq(b, 0x11);
    g_free(host);
}
END_TEST

START_TEST(test_host_backed_refusals)
{
    uint8_t *host = g_malloc0(4 * 4096);
    ck_assert(!sim_mem_map_host(mem, 0x10001, host, 4096));       /* addr misaligned */
    ck_assert(!sim_mem_map_host(mem, 0x10000, host, 4095));       /* len misaligned */
    ck_assert(!sim_mem_map_host(mem, 0x10000, host, 0));          /* empty */
    ck_assert(!sim_mem_map_host(mem, TOP_PAGE, host, 2 * 4096));  /* wraps */
    ck_assert(sim_mem_map_host(mem, 0x10000, host, 2 * 4096));
    ck_assert(!sim_mem_map_host(mem, 0x11000, host + 2 * 4096, 2 * 4096)); /* partial overlap */
    ck_assert(!sim_mem_map_host(mem, 0xf000, host + 2 * 4096, 2 * 4096));  /* overlap below */
    ck_assert(!sim_mem_map_host(mem, 0x10000, host + 2 * 4096, 4096));     /* inside */
    ck_assert(sim_mem_map_host(mem, 0x12000, host + 2 * 4096, 2 * 4096));  /* adjacent is fine */
    ck_assert(sim_mem_map_host(mem, TOP_PAGE, host + 3 * 4096, 4096));     /* last page is fine */
    sim_mem_write8(mem, UINT64_MAX, 0x3c);
    ck_assert_uint_eq(host[4 * 4096 - 1], 0x3c);
    ck_assert(!sim_mem_unmap_host(mem, 0x20000, 4096));  /* not mapped */
    ck_assert(sim_mem_unmap_host(mem, TOP_PAGE, 4096));
    ck_assert(sim_mem_unmap_host(mem, 0x12000, 2 * 4096));
    ck_assert(sim_mem_unmap_host(mem, 0x10000, 2 * 4096));
    g_free(host);
}
END_TEST

/* ---- injected aborts -------------------------------------------------- */

START_TEST(test_abort_read_only)
{
    sim_mem_write32(mem, 0x1000, 0x12345678u);
    unsigned id = sim_mem_inject_abort(mem, 0x1000, 0x1000, SIM_MEM_READ);
    uint32_t v = 7;
    ck_assert_int_eq(sim_mem_read32(mem, 0x1000, &v), SIM_MEM_ABORT);
    ck_assert_uint_eq(v, 0);  /* an aborted read fills zeros */
    ck_assert_int_eq(sim_mem_write32(mem, 0x1004, 0xcafe), SIM_MEM_OK);
    ck_assert_ptr_null(sim_mem_frame(mem, 0x1000, false));
    ck_assert_int_eq(sim_mem_read32(mem, 0x2000, &v), SIM_MEM_OK);  /* outside */
    /* a read that only partly covers the range still aborts, wholly */
    uint8_t buf[16];
    memset(buf, 0xcc, sizeof(buf));
    ck_assert_int_eq(sim_mem_read(mem, 0xff8, buf, sizeof(buf)), SIM_MEM_ABORT);
    ck_assert(all_bytes(buf, sizeof(buf), 0));
    sim_mem_clear_abort(mem, id);
    ck_assert_int_eq(sim_mem_read32(mem, 0x1000, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 0x12345678u);
    ck_assert_int_eq(sim_mem_read32(mem, 0x1004, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 0xcafe);
}
END_TEST

START_TEST(test_abort_write_only_changes_nothing)
{
    static const uint8_t pattern[32] = { 0x55, 0x55, 0x55, 0x55 };
    sim_mem_write32(mem, 0x2ff0, 0xaabbccddu);
    sim_mem_write32(mem, 0x3000, 0x11223344u);
    uint64_t frames = sim_mem_frame_count(mem);
    sim_mem_inject_abort(mem, 0x3000, 0x1000, SIM_MEM_WRITE);
    ck_assert_int_eq(sim_mem_write32(mem, 0x3000, 0), SIM_MEM_ABORT);
    /* spanning a writable and a faulting frame: nothing at all is written */
    ck_assert_int_eq(sim_mem_write(mem, 0x2ff0, pattern, sizeof(pattern)), SIM_MEM_ABORT);
    ck_assert_int_eq(sim_mem_fill(mem, 0x2ff0, 0xff, 64), SIM_MEM_ABORT);
    uint32_t v;
    ck_assert_int_eq(sim_mem_read32(mem, 0x2ff0, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 0xaabbccddu);
    ck_assert_int_eq(sim_mem_read32(mem, 0x3000, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 0x11223344u);
    /* untouched frame under a write abort is not allocated by the failure */
    ck_assert_int_eq(sim_mem_write8(mem, 0x3800, 1), SIM_MEM_ABORT);
    ck_assert_uint_eq(sim_mem_frame_count(mem), frames);
}
END_TEST

START_TEST(test_abort_rw_overlapping_and_clear)
{
    uint32_t v;
    unsigned a = sim_mem_inject_abort(mem, 0x10000, 0x2000, SIM_MEM_READ);
    unsigned b = sim_mem_inject_abort(mem, 0x11000, 0x2000, SIM_MEM_WRITE);
    unsigned c = sim_mem_inject_abort(mem, 0x20000, 0x1000, SIM_MEM_RW);
    ck_assert_uint_ne(a, b);
    ck_assert_uint_ne(b, c);
    /* 0x11000 is under both: reads and writes abort */
    ck_assert_int_eq(sim_mem_read32(mem, 0x11000, &v), SIM_MEM_ABORT);
    ck_assert_int_eq(sim_mem_write32(mem, 0x11000, 1), SIM_MEM_ABORT);
    ck_assert_int_eq(sim_mem_write32(mem, 0x10000, 1), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read32(mem, 0x12000, &v), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read32(mem, 0x20ffc, &v), SIM_MEM_ABORT);
    ck_assert_int_eq(sim_mem_write32(mem, 0x20000, 1), SIM_MEM_ABORT);
    sim_mem_clear_abort(mem, a);
    ck_assert_int_eq(sim_mem_read32(mem, 0x11000, &v), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_write32(mem, 0x11000, 1), SIM_MEM_ABORT);
    ck_assert_int_eq(sim_mem_read32(mem, 0x10000, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 1);
    sim_mem_clear_all_aborts(mem);
    ck_assert_int_eq(sim_mem_write32(mem, 0x11000, 2), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_write32(mem, 0x20000, 3), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_read32(mem, 0x20000, &v), SIM_MEM_OK);
    ck_assert_uint_eq(v, 3);
}
END_TEST

START_TEST(test_abort_same_range_twice)
{
    uint32_t v;
    unsigned a = sim_mem_inject_abort(mem, 0x5000, 0x1000, SIM_MEM_RW);
    unsigned b = sim_mem_inject_abort(mem, 0x5000, 0x1000, SIM_MEM_RW);
    sim_mem_clear_abort(mem, a);
    ck_assert_int_eq(sim_mem_read32(mem, 0x5000, &v), SIM_MEM_ABORT);  /* b still there */
    sim_mem_clear_abort(mem, b);
    ck_assert_int_eq(sim_mem_read32(mem, 0x5000, &v), SIM_MEM_OK);
    sim_mem_clear_abort(mem, b);  /* clearing twice is harmless */
}
END_TEST

START_TEST(test_abort_on_host_backed)
{
    uint8_t *host = g_malloc0(4096);
    ck_assert(sim_mem_map_host(mem, 0x90000, host, 4096));
    sim_mem_inject_abort(mem, 0x90000, 4096, SIM_MEM_WRITE);
    ck_assert_int_eq(sim_mem_write8(mem, 0x90000, 9), SIM_MEM_ABORT);
    ck_assert_uint_eq(host[0], 0);
    sim_mem_clear_all_aborts(mem);
    ck_assert(sim_mem_unmap_host(mem, 0x90000, 4096));
    g_free(host);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mem");
    TCase *tc = tcase_create("frames");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sparse_far_apart);
    tcase_add_test(tc, test_untouched_reads_zero_without_allocating);
    tcase_add_test(tc, test_frame_pointer);
    tcase_add_test(tc, test_cross_frame);
    tcase_add_test(tc, test_little_endian_layout);
    tcase_add_test(tc, test_fill);
    tcase_add_test(tc, test_foreach_ascending);
    tcase_add_test(tc, test_latency);
    tcase_add_test(tc, test_top_of_address_space);
    suite_add_tcase(s, tc);

    tc = tcase_create("host");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_host_backed_same_bytes);
    tcase_add_test(tc, test_host_backed_copy_in_and_out);
    tcase_add_test(tc, test_host_backed_refusals);
    suite_add_tcase(s, tc);

    tc = tcase_create("abort");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_abort_read_only);
    tcase_add_test(tc, test_abort_write_only_changes_nothing);
    tcase_add_test(tc, test_abort_rw_overlapping_and_clear);
    tcase_add_test(tc, test_abort_same_range_twice);
    tcase_add_test(tc, test_abort_on_host_backed);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
