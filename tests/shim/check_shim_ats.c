/*
 * check_shim_ats.c — ATS-enabled masters (docs/iommufd-shim.md, ATS):
 * iommufd_shim_bind_device_ats and the STEs the host driver composes for
 * them, read back through STRTAB_BASE as the SMMU finds them.  An S2-only
 * paging domain's STE has EATS = TRANS for an ATS master and EATS = ABT
 * otherwise (Linux arm_smmu_make_s2_domain_ste); a nested STE carries the
 * vSTE's EATS (iommufd.md §2.6); an SMMU without IDR0.ATS leaves ATS off.
 */
#include <string.h>
#include "shim-fixture.h"
#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-xlate.h"

#define SID_ATS 0x21u
#define SID_PLAIN 0x22u

static void setup(void) { fx_setup_with(NULL); }
static void setup_no_ats(void)
{
    static const char *const s[] = { "smmu.ats=false", NULL };
    fx_setup_with(s);
}

static uint64_t smmu_reg64(uint64_t off)
{
    return sim_bus_read32(fx_bus(), FX_SMMU_BASE + off) |
           (uint64_t)sim_bus_read32(fx_bus(), FX_SMMU_BASE + off + 4) << 32;
}

/* STE.EATS of `sid` as the SMMU reads it. */
static unsigned ste_eats(uint32_t sid, unsigned *config)
{
    struct smmu_features ft;
    smmu_features_from_idr(&ft, (uint32_t)smmu_reg64(0x0), (uint32_t)smmu_reg64(0x4),
                           (uint32_t)smmu_reg64(0x14), 0);
    struct smmu_fault f;
    uint64_t ste[8];
    unsigned acc = 0;
    smmu_fault_init(&f, sid, false, 0);
    ck_assert(smmu_ste_fetch(fx_mem(), smmu_reg64(0x80), (uint32_t)smmu_reg64(0x88), sid, &ft, ste, &f, &acc));
    if (config)
        *config = (unsigned)(ste[0] >> 1) & 7;
    return (unsigned)(ste[1] >> 28) & 3;
}

static uint32_t bind_ats(int fd, uint32_t sid, bool ats)
{
    uint32_t id = 0;
    EXPECT_OK(iommufd_shim_bind_device_ats(fd, sid, ats, &id));
    return id;
}

START_TEST(test_s2_domain_eats_follows_the_master)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    void *buf = fx_buffer(0x10000);
    fx_map(fd, ioas, buf, 0x10000, 0x100000);
    uint32_t ats = bind_ats(fd, SID_ATS, true);
    uint32_t plain = bind_ats(fd, SID_PLAIN, false);
    uint32_t legacy = fx_bind(fd, 0x23);
    ck_assert(iommufd_shim_device_ats(fd, ats));
    ck_assert(!iommufd_shim_device_ats(fd, plain));
    ck_assert(!iommufd_shim_device_ats(fd, legacy));
    uint32_t hwpt = fx_nest_parent(fd, ats, ioas);
    EXPECT_OK(iommufd_shim_attach_device(fd, ats, hwpt));
    EXPECT_OK(iommufd_shim_attach_device(fd, plain, hwpt));
    EXPECT_OK(iommufd_shim_attach_device(fd, legacy, hwpt));
    unsigned cfg = 0;
    ck_assert_uint_eq(ste_eats(SID_ATS, &cfg), 1);
    ck_assert_uint_eq(cfg, 6);
    ck_assert_uint_eq(ste_eats(SID_PLAIN, &cfg), 0);
    ck_assert_uint_eq(cfg, 6);
    ck_assert_uint_eq(ste_eats(0x23, NULL), 0);
    /* The SMMU answers the ATS master's translation request. */
    struct smmu_txn t = { SID_ATS, false, 0, 0x100000, SMMU_ACCESS_READ };
    struct smmu_txn_result r, rr;
    sim_time_t done;
    ck_assert(smmu_ats_request_check(fx_smmu(), &t, &r, sim_now(fx_sched()), &done));
    t.sid = SID_PLAIN;
    ck_assert(!smmu_ats_request_check(fx_smmu(), &t, &rr, sim_now(fx_sched()), &done));
    ck_assert_uint_eq(rr.event, SMMU_EVT_F_BAD_ATS_TREQ);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_no_ats_in_the_smmu)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    void *buf = fx_buffer(0x10000);
    fx_map(fd, ioas, buf, 0x10000, 0x100000);
    uint32_t dev = bind_ats(fd, SID_ATS, true);
    ck_assert(!iommufd_shim_device_ats(fd, dev));
    uint32_t hwpt = fx_nest_parent(fd, dev, ioas);
    EXPECT_OK(iommufd_shim_attach_device(fd, dev, hwpt));
    ck_assert_uint_eq(ste_eats(SID_ATS, NULL), 0);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_bind_ats_errors)
{
    uint32_t id = 0;
    EXPECT_ERRNO(iommufd_shim_bind_device_ats(12345, SID_ATS, true, &id), EBADF);
    int fd = fx_open();
    EXPECT_ERRNO(iommufd_shim_bind_device_ats(fd, SID_ATS, true, NULL), EFAULT);
    EXPECT_ERRNO(iommufd_shim_bind_device_ats(fd, 0xFFFFFFFFu, true, &id), EINVAL);
    bind_ats(fd, SID_ATS, true);
    EXPECT_ERRNO(iommufd_shim_bind_device_ats(fd, SID_ATS, false, &id), EBUSY);
    ck_assert(!iommufd_shim_device_ats(fd, 999));
    ck_assert(!iommufd_shim_device_ats(12345, 1));
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

/* A nested domain: the vSTE's EATS, whatever the master. */
static unsigned nested_eats(bool master_ats, unsigned vste_eats, int *rc)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    void *buf = fx_buffer(0x10000);
    fx_map(fd, ioas, buf, 0x10000, 0x100000);
    uint32_t dev = bind_ats(fd, SID_ATS, master_ats);
    uint32_t parent = fx_nest_parent(fd, dev, ioas);
    uint64_t off, len;
    uint32_t viommu = fx_viommu(fd, dev, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &off, &len);
    struct iommu_vdevice_alloc v = { .size = sizeof(v), .viommu_id = viommu, .dev_id = dev, .virt_id = 3 };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_VDEVICE_ALLOC, &v));
    struct iommu_hwpt_arm_smmuv3 vste = { { 1 | (5ull << 1) | 0x100000ull,
                                            1 | ((uint64_t)vste_eats << 28) } };
    struct iommu_hwpt_alloc h = { .size = sizeof(h), .dev_id = dev, .pt_id = viommu,
                                  .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3, .data_len = sizeof(vste),
                                  .data_uptr = (uintptr_t)&vste };
    errno = 0;
    *rc = iommufd_shim_ioctl(fd, IOMMU_HWPT_ALLOC, &h) ? errno : 0;
    unsigned eats = 0;
    if (!*rc) {
        EXPECT_OK(iommufd_shim_attach_device(fd, dev, h.out_hwpt_id));
        unsigned cfg = 0;
        eats = ste_eats(SID_ATS, &cfg);
        ck_assert_uint_eq(cfg, 7);
    }
    EXPECT_OK(iommufd_shim_close(fd));
    return eats;
}

START_TEST(test_nested_takes_vste_eats)
{
    int rc;
    ck_assert_uint_eq(nested_eats(true, 1, &rc), 1);
    ck_assert_int_eq(rc, 0);
}
END_TEST

START_TEST(test_nested_vste_eats_abort)
{
    int rc;
    ck_assert_uint_eq(nested_eats(true, 0, &rc), 0);
    ck_assert_int_eq(rc, 0);
}
END_TEST

START_TEST(test_nested_vste_split_stage_rejected)
{
    int rc;
    nested_eats(true, 2, &rc);
    ck_assert_int_eq(rc, EIO);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shim_ats");
    TCase *tc = tcase_create("ats");
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    tcase_add_test(tc, test_s2_domain_eats_follows_the_master);
    tcase_add_test(tc, test_bind_ats_errors);
    tcase_add_test(tc, test_nested_takes_vste_eats);
    tcase_add_test(tc, test_nested_vste_eats_abort);
    tcase_add_test(tc, test_nested_vste_split_stage_rejected);
    suite_add_tcase(s, tc);
    TCase *no = tcase_create("no-ats");
    tcase_add_checked_fixture(no, setup_no_ats, fx_teardown);
    tcase_add_test(no, test_no_ats_in_the_smmu);
    suite_add_tcase(s, no);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
