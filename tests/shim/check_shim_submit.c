/*
 * check_shim_submit.c — the non-blocking invalidation entry points:
 * iommufd_shim_viommu_invalidate_submit (the ioctl's errno rules, blocks of
 * 63 + CMD_SYNC, EIO at the bad entry), iommufd_shim_host_submit on the
 * SMMU CMDQ and VINTF0 LVCMDQs, and iommufd_shim_invalidate_poll.
 */
#include <string.h>
#include "shim-fixture.h"

static void setup(void) { fx_setup_with(NULL); }

struct stack { int fd; uint32_t dev, hwpt, viommu; };

static struct stack stack_new(void)
{
    struct stack s;
    s.fd = fx_open();
    uint32_t ioas = fx_ioas(s.fd);
    fx_map(s.fd, ioas, fx_buffer(0x200000), 0x200000, 0x100000);
    s.dev = fx_bind(s.fd, 1);
    s.hwpt = fx_nest_parent(s.fd, s.dev, ioas);
    s.viommu = fx_viommu(s.fd, s.dev, s.hwpt, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, NULL);
    return s;
}

static void wait_done(uint64_t ticket)
{
    bool done = false;
    for (unsigned i = 0; i < 100000 && !done; i++) {
        EXPECT_OK(iommufd_shim_invalidate_poll(ticket, &done));
        if (!done)
            sim_run_until(fx_sched(), sim_now(fx_sched()) + sim_ns(100), 0);
    }
    ck_assert(done);
}

START_TEST(test_invalidate_submit_rules)
{
    struct stack s = stack_new();
    uint64_t cmds[2 * 130];
    for (unsigned i = 0; i < 130; i++) {
        cmds[2 * i] = 0x12 | (1ull << 48);          /* TLBI_NH_VA, ASID 1 */
        cmds[2 * i + 1] = (uint64_t)i << 12;
    }
    struct iommu_hwpt_invalidate inv = {
        .size = sizeof(inv), .hwpt_id = s.viommu, .data_uptr = (uintptr_t)cmds,
        .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, .entry_len = 16, .entry_num = 130,
    };
    uint64_t t;
    sim_time_t t0 = sim_now(fx_sched());
    EXPECT_OK(iommufd_shim_viommu_invalidate_submit(s.fd, &inv, &t));
    ck_assert_uint_eq(sim_now(fx_sched()), t0);     /* no simulated time passes */
    ck_assert_uint_eq(inv.entry_num, 130);
    wait_done(t);
    /* Errno rules in the ioctl's order. */
    EXPECT_ERRNO(iommufd_shim_viommu_invalidate_submit(99, &inv, &t), EBADF);
    EXPECT_ERRNO(iommufd_shim_viommu_invalidate_submit(s.fd, NULL, &t), EFAULT);
    inv.size = 8;
    EXPECT_ERRNO(iommufd_shim_viommu_invalidate_submit(s.fd, &inv, &t), EINVAL);
    inv.size = sizeof(inv);
    inv.__reserved = 1;
    EXPECT_ERRNO(iommufd_shim_viommu_invalidate_submit(s.fd, &inv, &t), EOPNOTSUPP);
    inv.__reserved = 0;
    inv.hwpt_id = 999;
    EXPECT_ERRNO(iommufd_shim_viommu_invalidate_submit(s.fd, &inv, &t), ENOENT);
    inv.hwpt_id = s.hwpt;
    EXPECT_ERRNO(iommufd_shim_viommu_invalidate_submit(s.fd, &inv, &t), EINVAL);
    inv.hwpt_id = s.viommu;
    /* A refused opcode: EIO, entry_num = its index. */
    cmds[2 * 70] = 0x28;                                /* TLBI_S12_VMALL */
    inv.entry_num = 130;
    EXPECT_ERRNO(iommufd_shim_viommu_invalidate_submit(s.fd, &inv, &t), EIO);
    ck_assert_uint_eq(inv.entry_num, 70);
    wait_done(t);
    /* Poll rules. */
    bool done;
    EXPECT_ERRNO(iommufd_shim_invalidate_poll(t + 1000, &done), EINVAL);
    EXPECT_ERRNO(iommufd_shim_invalidate_poll(t, NULL), EFAULT);
    EXPECT_ERRNO(iommufd_shim_invalidate_poll(((uint64_t)200 << 56) | 1, &done), EINVAL);
    iommufd_shim_close(s.fd);
}
END_TEST

START_TEST(test_host_submit_queues)
{
    uint64_t cmd[2] = { 0x11 | (1ull << 48), 0 };      /* TLBI_NH_ASID */
    uint64_t t;
    ck_assert_uint_gt(iommufd_shim_host_num_lvcmdqs(), 0);
    for (int q = -1; q < (int)iommufd_shim_host_num_lvcmdqs(); q++) {
        EXPECT_OK(iommufd_shim_host_submit(q, cmd, 1, true, &t));
        wait_done(t);
    }
    EXPECT_ERRNO(iommufd_shim_host_submit((int)iommufd_shim_host_num_lvcmdqs(), cmd, 1, true, &t), EINVAL);
    EXPECT_ERRNO(iommufd_shim_host_submit(-1, NULL, 1, true, &t), EFAULT);
    EXPECT_ERRNO(iommufd_shim_host_submit(-1, cmd, 0, false, &t), EINVAL);
    /* Fill the SMMU CMDQ without letting time pass: EAGAIN once full. */
    int rc = 0;
    unsigned n = 0;
    while ((rc = iommufd_shim_host_submit(-1, cmd, 1, false, &t)) == 0)
        n++;
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_uint_gt(n, 0);
    EXPECT_OK(iommufd_shim_host_submit(-1, NULL, 0, true, &t) == -1 && errno == EAGAIN ? 0 : -1);
    sim_run_until_idle(fx_sched(), 0);
    EXPECT_OK(iommufd_shim_host_submit(-1, NULL, 0, true, &t));
    wait_done(t);
}
END_TEST

static Suite *submit_suite(void)
{
    Suite *s = suite_create("shim_submit");
    TCase *t = tcase_create("submit");
    tcase_add_checked_fixture(t, setup, fx_teardown);
    tcase_add_test(t, test_invalidate_submit_rules);
    tcase_add_test(t, test_host_submit_queues);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(submit_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
