/*
 * check_iommufd.c — the iommufd verbs: a VMM's vIOMMU + HW queue set-up
 * through the shim, errno expectations, argument errors.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "scn-test.h"

/* ioas + 64 KiB buffer at IOVA 0x100000, a device, a nest parent and a
 * Tegra241 vIOMMU (type 2) with its VINTF mmap window. */
#define STACK                                                                     \
    "iommufd probe\n"                                                             \
    "iommufd open -> fd\n"                                                        \
    "iommufd IOAS_ALLOC -> ioas\n"                                                \
    "iommufd buffer size=64K -> buf\n"                                            \
    "iommufd IOAS_MAP ioas_id=ioas user_va=buf length=64K iova=0x100000 flags=7\n" \
    "iommufd bind sid=0x42 -> dev\n"                                              \
    "iommufd HWPT_ALLOC flags=1 dev_id=dev pt_id=ioas -> hwpt\n"                  \
    "iommufd VIOMMU_ALLOC type=2 dev_id=dev hwpt_id=hwpt -> v, off, len\n"

static int run(const char *text, char **out, char **msg)
{
    struct scenario_opts o = { .quiet = false };
    return scn_test_run_opts(text, &o, out, msg);
}

START_TEST(test_hw_queue_flow)
{
    char *out, *msg;
    int rc = run(STACK
                 "expect len > 0\n"
                 "iommufd HW_QUEUE_ALLOC viommu_id=v type=1 index=0 nesting_parent_iova=0x100000 length=4K -> q\n"
                 "iommufd HW_QUEUE_ALLOC viommu_id=v type=1 index=0 nesting_parent_iova=0x101000 length=4K expect=EEXIST\n"
                 "iommufd mmap offset=off length=len -> map\n"
                 "iommufd read32 map 0 -> cons\n"
                 "expect cons == 0\n"
                 "iommufd munmap map\n"
                 "iommufd DESTROY id=q\n",
                 &out, &msg);
    ck_assert_msg(rc == SCENARIO_OK, "rc %d: %s\n%s", rc, msg ? msg : "", out);
    ck_assert_ptr_nonnull(strstr(out, "expectations: 3 checked, 0 failed"));
    free(out);
}
END_TEST

START_TEST(test_errno_expectations)
{
    char *out, *msg;
    /* expected an errno but it succeeded: a failed expectation, not an error */
    int rc = run("iommufd open\niommufd IOAS_ALLOC expect=EINVAL -> ioas\nexpect ioas > 0\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_FAILED);
    ck_assert_ptr_nonnull(strstr(out, "t.trace:2: expectation failed: iommufd IOAS_ALLOC expect=EINVAL -> ioas\n"
                                      "    expected: EINVAL\n    actual:   success\n"));
    free(out);
    /* wrong errno */
    rc = run("iommufd open\niommufd DESTROY id=77 expect=EBUSY\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_FAILED);
    ck_assert_ptr_nonnull(strstr(out, "    expected: EBUSY\n    actual:   ENOENT"));
    free(out);
    /* an errno nobody expected is an error */
    rc = run("iommufd open\niommufd DESTROY id=77\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_ERROR_EXIT);
    ck_assert_str_eq(msg, "t.trace:2:1: iommufd DESTROY id=77 failed: ENOENT (No such file or directory)");
    g_free(msg);
    free(out);
    /* size is filled in, and can be overridden to test the kernel's checks */
    rc = run("iommufd open\niommufd IOAS_ALLOC size=4 expect=EINVAL\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_OK);
    free(out);
    rc = run("iommufd DESTROY id=1\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_ERROR_EXIT);
    ck_assert_str_eq(msg, "t.trace:1:1: no iommufd is open (use 'iommufd open' first)");
    g_free(msg);
    free(out);
}
END_TEST

START_TEST(test_parse_errors)
{
    struct { const char *text, *msg; } cases[] = {
        { "iommufd IOAS_ALLOC flagz=1\n", "t.trace:1:20: unknown field 'flagz' for IOAS_ALLOC (did you mean 'flags'?)" },
        { "iommufd IOAS_ALLOC expect=EEXSIT\n", "t.trace:1:27: unknown errno 'EEXSIT' (did you mean 'EEXIST'?)" },
        { "iommufd IOAS_ALLOC -> a, b\n", "t.trace:1:1: IOAS_ALLOC returns 1 value" },
        { "iommufd IOAS_ALOC\n", "t.trace:1:9: unknown iommufd operation 'IOAS_ALOC' (did you mean 'IOAS_ALLOC'?)" },
        { "mmio read smmu.CR0 -> a, b\n", "t.trace:1:26: mmio read stores at most 1 value" },
        { "iommufd bind -> d\n", "t.trace:1:18: iommufd bind needs 'sid' (usage: iommufd bind sid=SID [fd=FD] [expect=ERRNO] -> dev)" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *m = scn_test_parse_error(cases[i].text);
        ck_assert_msg(m != NULL, "case %zu parsed", i);
        ck_assert_str_eq(m, cases[i].msg);
        g_free(m);
    }
}
END_TEST

START_TEST(test_buffer_and_map_errors)
{
    char *out, *msg;
    int rc = run("iommufd buffer size=100 -> b\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_ERROR_EXIT);
    ck_assert_str_eq(msg, "t.trace:1:1: buffer size must be a non-zero multiple of 4 KiB up to 1 GiB");
    g_free(msg);
    free(out);
    rc = run("iommufd read32 3 0 -> v\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_ERROR_EXIT);
    ck_assert_str_eq(msg, "t.trace:1:16: no mapping 3");
    g_free(msg);
    free(out);
    /* no region at that offset: EINVAL under the default (seed) mmap rules, ENXIO under v6.17 */
    rc = run("iommufd open\niommufd mmap offset=0x12345000 length=64K expect=EINVAL -> m\n", &out, &msg);
    ck_assert_msg(rc == SCENARIO_OK, "rc %d %s\n%s", rc, msg ? msg : "", out);
    free(out);
    rc = run("set shim.mmap_rules=v6.17\niommufd open\niommufd mmap offset=0x12345000 length=64K expect=ENXIO -> m\n",
             &out, &msg);
    ck_assert_msg(rc == SCENARIO_OK, "rc %d %s\n%s", rc, msg ? msg : "", out);
    free(out);
}
END_TEST

static Suite *iommufd_suite(void)
{
    Suite *s = suite_create("scenario_iommufd");
    TCase *tc = tcase_create("iommufd");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_hw_queue_flow);
    tcase_add_test(tc, test_errno_expectations);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_buffer_and_map_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(iommufd_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
