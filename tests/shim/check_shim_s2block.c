/*
 * check_shim_s2block.c — the NEST_PARENT domain's stage-2 table with 2 MiB
 * level-2 blocks (docs/iommufd-shim.md, HWPT_ALLOC; VMSAv8-64 4 KiB
 * granule): descriptors read back from simulated memory through the STE's
 * S2TTB, translations through them with smmu_translate, pages where IOVA or
 * pinned frames do not line up, whole-area unmap, and IOMMU_OPTION
 * HUGE_PAGES (errno order and its effect).
 */
#include <string.h>
#include "shim-fixture.h"
#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-xlate.h"
#include "sim/mem.h"
#include "sim/bus.h"

#define DEV_SID 0x42u
#define BLK (2ull << 20)
#define IOVA 0x40000000ull
#define ADDR_MASK 0x0000FFFFFFFFF000ull

static uint64_t smmu_reg64(uint64_t off)
{
    return sim_bus_read32(fx_bus(), FX_SMMU_BASE + off) |
           (uint64_t)sim_bus_read32(fx_bus(), FX_SMMU_BASE + off + 4) << 32;
}

static void read_ste(uint64_t ste[8])
{
    struct smmu_features ft;
    smmu_features_from_idr(&ft, (uint32_t)smmu_reg64(0x0), (uint32_t)smmu_reg64(0x4),
                           (uint32_t)smmu_reg64(0x14), 0);
    struct smmu_fault f;
    unsigned acc = 0;
    smmu_fault_init(&f, DEV_SID, false, 0);
    ck_assert(smmu_ste_fetch(fx_mem(), smmu_reg64(0x80), (uint32_t)smmu_reg64(0x88), DEV_SID, &ft,
                             ste, &f, &acc));
}

/* The stage-2 descriptor mapping ipa, walking from the STE's S2TTB as the
 * SMMU does; *level is where the walk stopped (0 = nothing mapped). */
static uint64_t s2_desc(uint64_t ipa, unsigned *level)
{
    uint64_t ste[8];
    read_ste(ste);
    unsigned ias = 64 - (unsigned)((ste[2] >> 32) & 63);
    unsigned lvl = 4 - (ias - 12 + 8) / 9;
    uint64_t table = ste[3] & 0x000FFFFFFFFFFFF0ull;
    for (;; lvl++) {
        uint64_t desc = 0;
        sim_mem_read64(fx_mem(), table + ((ipa >> (12 + 9 * (3 - lvl))) & 511) * 8, &desc);
        if (!(desc & 1)) {
            *level = 0;
            return 0;
        }
        if (lvl == 3 || (desc & 3) == 1) {
            *level = lvl;
            return desc;
        }
        table = desc & ADDR_MASK;
    }
}

static bool xlate(uint64_t iova, struct smmu_txn_result *r)
{
    struct smmu_txn t = { DEV_SID, false, 0, iova, SMMU_ACCESS_READ };
    return smmu_translate(fx_smmu(), &t, r);
}

static void huge_pages(int fd, uint32_t ioas, uint64_t val, int want_errno)
{
    struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
                              .op = IOMMU_OPTION_OP_SET, .object_id = ioas, .val64 = val };
    if (want_errno)
        EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o), want_errno);
    else
        EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o));
}

/* A device attached to a fresh nest parent of `ioas`. */
static void attach(int fd, uint32_t ioas)
{
    uint32_t dev = fx_bind(fd, DEV_SID);
    uint32_t hwpt = fx_nest_parent(fd, dev, ioas);
    EXPECT_OK(iommufd_shim_attach_device(fd, dev, hwpt));
}

/* The block at ipa: a valid level-2 block descriptor whose output address
 * is 2 MiB-aligned, with AF, S2AP RW, and what smmu_translate answers. */
static void expect_block(uint64_t ipa, const uint8_t *buf)
{
    unsigned level;
    uint64_t d = s2_desc(ipa, &level);
    ck_assert_uint_eq(level, 2);
    ck_assert_uint_eq(d & 3, 1);
    ck_assert_uint_eq((d >> 6) & 3, 3);                     /* S2AP: read + write */
    ck_assert_uint_eq((d >> 10) & 1, 1);                    /* AF */
    uint64_t oa = d & ADDR_MASK;
    ck_assert_uint_eq(oa & (BLK - 1), 0);
    struct smmu_txn_result r;
    ck_assert(xlate(ipa + 0x12345, &r));
    ck_assert_uint_eq(r.oa, oa + 0x12345);
    ck_assert_uint_eq(r.size_log2, 21);
    ck_assert_uint_eq(r.level, 2);
    uint8_t b = 0;
    sim_mem_read(fx_mem(), r.oa, &b, 1);
    ck_assert_uint_eq(b, buf[0x12345]);                     /* the pinned buffer itself */
}

static void expect_page(uint64_t ipa)
{
    unsigned level;
    uint64_t d = s2_desc(ipa, &level);
    ck_assert_uint_eq(level, 3);
    ck_assert_uint_eq(d & 3, 3);
    struct smmu_txn_result r;
    ck_assert(xlate(ipa + 0x10, &r));
    ck_assert_uint_eq(r.oa, (d & ADDR_MASK) + 0x10);
    ck_assert_uint_eq(r.size_log2, 12);
}

START_TEST(test_blocks_where_frames_line_up)
{
    /* Two whole 2 MiB stretches and 8 KiB more: two blocks, then pages. */
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    uint64_t len = 2 * BLK + 0x2000;
    uint8_t *buf = fx_buffer(len);
    for (uint64_t i = 0; i < len; i += 0x1000)
        buf[i + 0x345] = (uint8_t)(i >> 12 | 1);
    fx_map(fd, ioas, buf, len, IOVA);
    attach(fd, ioas);
    expect_block(IOVA, buf);
    expect_block(IOVA + BLK, buf + BLK);
    expect_page(IOVA + 2 * BLK);
    expect_page(IOVA + 2 * BLK + 0x1000);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_unaligned_iova_gets_pages)
{
    /* 4 MiB at an IOVA 4 KiB past 2 MiB: only the middle 2 MiB of IOVA is
     * whole, so it alone is a block; both ends are pages. */
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    uint8_t *buf = fx_buffer(2 * BLK);
    fx_map(fd, ioas, buf, 2 * BLK, IOVA + 0x1000);
    attach(fd, ioas);
    expect_page(IOVA + 0x1000);
    expect_page(IOVA + BLK - 0x1000);
    expect_block(IOVA + BLK, buf + BLK - 0x1000);
    expect_page(IOVA + 2 * BLK);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_unmap_clears_blocks)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    uint8_t *buf = fx_buffer(BLK);
    fx_map(fd, ioas, buf, BLK, IOVA);
    attach(fd, ioas);
    expect_block(IOVA, buf);
    /* A partial unmap is refused (areas are not split): the block stays. */
    struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = IOVA,
                                  .length = 0x1000 };
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u), ENOENT);
    expect_block(IOVA, buf);
    u.length = BLK;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u));
    ck_assert_uint_eq(u.length, BLK);
    unsigned level;
    s2_desc(IOVA, &level);
    ck_assert_uint_eq(level, 0);
    struct smmu_txn_result r;
    ck_assert(!xlate(IOVA, &r));                            /* the TLB was invalidated too */
    /* Mapped again later, through the live domain: a block again. */
    fx_map(fd, ioas, buf, BLK, IOVA);
    expect_block(IOVA, buf);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_huge_pages_off_gives_pages)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
                              .op = IOMMU_OPTION_OP_GET, .object_id = ioas };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o));
    ck_assert_uint_eq(o.val64, 1);                          /* on by default */
    huge_pages(fd, ioas, 0, 0);
    o.val64 = 7;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o));
    ck_assert_uint_eq(o.val64, 0);
    uint8_t *buf = fx_buffer(BLK);
    fx_map(fd, ioas, buf, BLK, IOVA);
    attach(fd, ioas);
    expect_page(IOVA);
    expect_page(IOVA + BLK - 0x1000);
    /* Off again while mapped is a no-op; on again is always allowed and
     * applies to later maps. */
    huge_pages(fd, ioas, 0, 0);
    huge_pages(fd, ioas, 1, 0);
    uint8_t *buf2 = fx_buffer(BLK);
    fx_map(fd, ioas, buf2, BLK, IOVA + BLK);
    expect_page(IOVA);
    expect_block(IOVA + BLK, buf2);
    /* Now a domain holds mappings: turning large pages off is EINVAL. */
    huge_pages(fd, ioas, 0, EINVAL);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_option_errors)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
                              .op = IOMMU_OPTION_OP_SET, .object_id = ioas, .val64 = 2 };
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o), EINVAL);     /* not 0 or 1 */
    o.op = 2;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o), EOPNOTSUPP); /* unknown op */
    o.op = IOMMU_OPTION_OP_GET;
    o.object_id = ioas + 100;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o), ENOENT);     /* no such IOAS */
    o.__reserved = 1;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o), EOPNOTSUPP); /* reserved first */
    o.__reserved = 0;
    o.option_id = IOMMU_OPTION_RLIMIT_MODE;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o), EOPNOTSUPP); /* not modelled */
    o.option_id = 9;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o), EOPNOTSUPP);
    o.option_id = IOMMU_OPTION_HUGE_PAGES;
    o.object_id = ioas;
    o.size = 16;                                                        /* short of val64 */
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_OPTION, &o), EINVAL);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_contiguous_misaligned_frames_get_pages)
{
    /* Contiguous pinning: a 4 KiB area pinned first pushes the next area's
     * frames 4 KiB off 2 MiB, so its aligned IOVA still gets pages. */
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    uint8_t *small = fx_buffer(0x1000), *buf = fx_buffer(BLK);
    fx_map(fd, ioas, small, 0x1000, 0x1000);
    fx_map(fd, ioas, buf, BLK, IOVA);
    attach(fd, ioas);
    expect_page(IOVA);
    struct smmu_txn_result r;
    ck_assert(xlate(IOVA, &r));
    ck_assert_uint_ne(r.oa & (BLK - 1), 0);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_contiguous_aligned_frames_get_blocks)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    uint8_t *buf = fx_buffer(BLK);
    fx_map(fd, ioas, buf, BLK, IOVA);
    attach(fd, ioas);
    expect_block(IOVA, buf);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_scattered_frames_get_pages)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    uint8_t *buf = fx_buffer(BLK);
    fx_map(fd, ioas, buf, BLK, IOVA);
    attach(fd, ioas);
    expect_page(IOVA);
    expect_page(IOVA + 0x1000);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

static void setup_huge2m(void)
{
    static const char *const s[] = { "shim.pin_layout=huge2m", NULL };
    fx_setup_with(s);
}
static void setup_contiguous(void) { fx_setup_with(NULL); }
static void setup_scattered(void)
{
    static const char *const s[] = { "shim.pin_layout=scattered", NULL };
    fx_setup_with(s);
}

static void add_case(Suite *s, const char *name, void (*setup)(void), const TTest *const *tests)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    for (; *tests; tests++)
        tcase_add_test(tc, *tests);
    suite_add_tcase(s, tc);
}

int main(void)
{
    Suite *s = suite_create("shim_s2block");
    add_case(s, "Huge2M", setup_huge2m,
             (const TTest *const[]){ test_blocks_where_frames_line_up, test_unaligned_iova_gets_pages,
                                     test_unmap_clears_blocks, test_huge_pages_off_gives_pages,
                                     test_option_errors, NULL });
    add_case(s, "Contiguous", setup_contiguous,
             (const TTest *const[]){ test_contiguous_misaligned_frames_get_pages,
                                     test_contiguous_aligned_frames_get_blocks, NULL });
    add_case(s, "Scattered", setup_scattered,
             (const TTest *const[]){ test_scattered_frames_get_pages, NULL });
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
