/*
 * check_record.c — record mode for the verbs that act through software
 * models: iommufd calls (through the shim) and the translation verbs
 * (tables, endpoints, DMA).  Each scenario is recorded, the record is
 * replayed, and both runs must write byte-identical statistics; the record's
 * text is checked for the forms docs/scenario-format.md §6 promises.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "scn-test.h"

static char *slurp(const char *path)
{
    char *text = NULL;
    ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "cannot read %s", path);
    return text;
}

static unsigned count(const char *text, const char *what)
{
    unsigned n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* Record `text` (its run must end with `want_rc`), replay the record (which
 * must pass), compare the statistics; returns the record's text. */
static char *record_replay(const char *text, int want_rc)
{
    char *dir = scn_test_tmpdir();
    scn_test_write(dir, "orig.trace", text);
    char *orig = g_build_filename(dir, "orig.trace", NULL);
    char *rec = g_build_filename(dir, "rec.trace", NULL);
    char *st1 = g_build_filename(dir, "s1.json", NULL);
    char *st2 = g_build_filename(dir, "s2.json", NULL);
    GError *err = NULL;
    struct scenario_opts o = { .quiet = true, .stats_path = st1 };
    int rc = scenario_record(orig, rec, &o, &err);
    ck_assert_msg(rc == want_rc, "record: rc %d: %s", rc, err ? err->message : "");
    char *r = slurp(rec);
    o.stats_path = st2;
    rc = scenario_run_file(rec, &o, &err);
    ck_assert_msg(rc == SCENARIO_OK, "replay: rc %d: %s\n%s", rc, err ? err->message : "", r);
    char *a = slurp(st1), *b = slurp(st2);
    ck_assert_msg(!strcmp(a, b), "statistics differ after replaying\n%s", r);
    g_free(a);
    g_free(b);
    g_free(orig);
    g_free(rec);
    g_free(st1);
    g_free(st2);
    scn_test_rmdir(dir);
    return r;
}

#define ASSERT_HAS(rec, s) ck_assert_msg(strstr(rec, s) != NULL, "record lacks \"%s\":\n%s", s, rec)

/* ------------------------------------------------------------- iommufd */

START_TEST(test_iommufd_end_to_end)
{
    char *r = record_replay(
        "mmio read smmu.IDR0 -> idr0\n"
        "iommufd probe\n"
        "iommufd open -> fd\n"
        "iommufd IOAS_ALLOC -> ioas\n"
        "iommufd buffer size=64K -> buf\n"
        "for i in 0..2 {\n"
        "  iommufd IOAS_MAP ioas_id=ioas user_va=buf + i * 32K length=32K iova=0x100000 + i * 32K flags=7\n"
        "}\n"
        "iommufd bind sid=0x42 -> dev\n"
        "iommufd HWPT_ALLOC flags=1 dev_id=dev pt_id=ioas -> hwpt\n"
        "iommufd VIOMMU_ALLOC type=2 dev_id=dev hwpt_id=hwpt -> v, off, len\n"
        "iommufd VDEVICE_ALLOC viommu_id=v dev_id=dev virt_id=0x42 -> vdev\n"
        "iommufd HW_QUEUE_ALLOC viommu_id=v type=1 index=0 nesting_parent_iova=0x100000 length=4K -> q\n"
        "wait 1us\n"
        "iommufd mmap offset=off length=len -> page\n"
        "iommufd write32 page 4 0\n"
        "iommufd read32 page 0 -> cons\n"
        "expect cons == 0\n"
        "iommufd relax\n"
        "iommufd munmap page\n"
        "iommufd DESTROY id=q\n"
        "iommufd DESTROY id=vdev\n"
        "iommufd IOAS_UNMAP ioas_id=ioas iova=0x100000 length=64K -> unmapped\n"
        "iommufd close fd=fd\n"
        "wait 2us\n",
        SCENARIO_OK);
    /* the host buffer is symbolic, and so is every address inside it */
    ASSERT_HAS(r, "iommufd buffer size=0x10000 -> buf1\n");
    ASSERT_HAS(r, " user_va=buf1 ");
    ASSERT_HAS(r, " user_va=(buf1 + 0x8000) ");
    ck_assert_msg(!strstr(r, "user_va=0x"), "a host address was recorded as a constant:\n%s", r);
    /* descriptors and mappings are variables of the record */
    ASSERT_HAS(r, "iommufd open -> fd1\n");
    ASSERT_HAS(r, "iommufd close fd=fd1\n");
    ASSERT_HAS(r, " -> map1\n");
    ASSERT_HAS(r, "iommufd write32 map=map1 offset=0x4 value=0x0\n");
    ASSERT_HAS(r, "iommufd read32 map=map1 offset=0x0 -> r\nexpect r == 0x0\n");
    ASSERT_HAS(r, "iommufd munmap map=map1\n");
    /* the loop is unrolled; outputs are checked, the Tegra241 ones included */
    ck_assert_uint_eq(count(r, "iommufd IOAS_MAP "), 2);
    ASSERT_HAS(r, "iommufd VIOMMU_ALLOC type=0x2 ");
    ASSERT_HAS(r, " -> r, r1, r2\nexpect r == 0x");
    ASSERT_HAS(r, "iommufd IOAS_UNMAP ioas_id=0x1 iova=0x100000 length=0x10000 -> r\nexpect r == 0x10000\n");
    ASSERT_HAS(r, "iommufd relax\n");
    /* the scenario's own register read is recorded; the shim's are not */
    ck_assert_uint_eq(count(r, "mmio "), 1);
    g_free(r);
}
END_TEST

START_TEST(test_iommufd_errno)
{
    char *r = record_replay(
        "iommufd probe\n"
        "iommufd open\n"
        "iommufd IOAS_ALLOC -> ioas\n"
        "iommufd buffer size=64K -> buf\n"
        "iommufd IOAS_MAP ioas_id=ioas user_va=buf length=64K iova=0x100000 flags=7\n"
        "iommufd IOAS_MAP ioas_id=ioas user_va=buf length=64K iova=0x100000 flags=7 expect=EEXIST\n"
        "iommufd bind sid=0x42 -> dev\n"
        "iommufd HWPT_ALLOC flags=1 dev_id=dev pt_id=ioas -> hwpt\n"
        "iommufd VIOMMU_ALLOC type=2 dev_id=dev hwpt_id=hwpt -> v, off, len\n"
        "iommufd HW_QUEUE_ALLOC viommu_id=v type=1 index=0 nesting_parent_iova=0x100000 length=4K -> q\n"
        "iommufd HW_QUEUE_ALLOC viommu_id=v type=1 index=0 nesting_parent_iova=0x101000 length=4K expect=EEXIST\n"
        "iommufd DESTROY id=77 expect=ENOENT\n"
        "expect_error \"ENOENT\" { iommufd DESTROY id=78 }\n"
        "iommufd close fd=999 expect=EBADF\n"
        "iommufd IOAS_ALLOC expect=EINVAL -> ioas2\n",     /* succeeds: a failed expectation */
        SCENARIO_FAILED);
    ASSERT_HAS(r, "user_va=buf1 length=0x10000 iova=0x100000 flags=0x7 expect=EEXIST\n");
    ASSERT_HAS(r, "nesting_parent_iova=0x101000 length=0x1000 expect=EEXIST\n");
    ASSERT_HAS(r, "iommufd DESTROY id=0x4d expect=ENOENT\n");
    /* an errno the scenario did not expect, caught by expect_error: what happened */
    ASSERT_HAS(r, "iommufd DESTROY id=0x4e expect=ENOENT\n");
    /* a descriptor the run never produced stays a constant */
    ASSERT_HAS(r, "iommufd close fd=0x3e7 expect=EBADF\n");
    /* the call succeeded: recorded as a success with its output */
    ASSERT_HAS(r, "iommufd IOAS_ALLOC -> r\nexpect r == 0x");
    g_free(r);
}
END_TEST

/* The record's own names step aside for the scenario's object names. */
START_TEST(test_record_names_avoid_objects)
{
    char *r = record_replay(
        "arena r base=0x40000000 size=1M\n"
        "pt buf1 arena=r -> ttb\n"
        "mmio read smmu.IDR0\n"
        "iommufd open\n"
        "iommufd buffer size=4K -> b\n"
        "iommufd IOAS_ALLOC -> ioas\n"
        "iommufd IOAS_MAP ioas_id=ioas user_va=b length=4K iova=0x1000 flags=7\n"
        "pt map buf1 va=0x1000 pa=0x80000000\n",
        SCENARIO_OK);
    ASSERT_HAS(r, "iommufd buffer size=0x1000 -> _buf1\n");
    ASSERT_HAS(r, "user_va=_buf1 ");
    ASSERT_HAS(r, "-> _r\nexpect _r == 0x");
    ASSERT_HAS(r, "pt buf1 arena=r -> _r\n");
    ASSERT_HAS(r, "pt map table=buf1 va=0x1000 pa=0x80000000\n");
    g_free(r);
}
END_TEST

/* ------------------------------------------------------------ translation */

#define XSETUP                                                               \
    "arena tables base=0x40000000 size=4M\n"                                 \
    "strtab base=0x100000 log2size=8\n"                                      \
    "mmio write smmu.EVENTQ_BASE 0x200000 | 6\n"                             \
    "mmio write smmu.CR0 5\n"                                                \
    "wait until reg(smmu.CR0ACK) == 5 timeout=10us\n"

START_TEST(test_xlate_record_replay)
{
    char *r = record_replay(
        XSETUP
        "pt s1 granule=4K stage=1 ias=48 -> ttb\n"
        "for i in 0..4 { pt map s1 va=0x10000 + i * 4K pa=0x80000000 + i * 4K perm=rw }\n"
        "pt map s1 va=0x200000 pa=0x90000000 size=2M\n"
        "cd 0x300000 asid=1 pt=s1\n"
        "ste 5 config=s1 s1ctx=0x300000 -> ste_pa\n"
        "endpoint dev sid=5\n"
        "mem write 0x80000000 0x1122334455667788\n"
        "dma read dev 0x10000 -> ok, pa, lat, data\n"
        "expect data == 0x1122334455667788\n"
        "dma write dev 0x11000 size=16 value=0xAB\n"
        "wait 1us\n"
        "expect translate(5, 0x12000) == 0x80002000\n"
        "pt unmap s1 va=0x12000\n"
        "expect translate(5, 0x800000) == ~0\n"     /* faults: an event record follows */
        "wait until evtq_count() == 1 timeout=10us\n"
        "expect_error \"already mapped\" { pt map s1 va=0x12000 pa=0x0 size=8K }\n"
        "dma read dev 0x12000 -> ok2\n"
        "expect ok2 == 1\n"
        "wait 3us\n",
        SCENARIO_OK);
    ASSERT_HAS(r, "arena tables base=0x40000000 size=0x400000\n");
    ASSERT_HAS(r, "strtab base=0x100000 log2size=0x8\n");
    ASSERT_HAS(r, "pt s1 granule=0x1000 stage=0x1 ias=0x30 -> r\nexpect r == 0x");
    ck_assert_uint_eq(count(r, " perm=rw\n"), 4);
    ASSERT_HAS(r, "pt map table=s1 va=0x10000 pa=0x80000000 perm=rw\n");
    ASSERT_HAS(r, "cd addr=0x300000 pt=s1 asid=0x1\n");
    ASSERT_HAS(r, "ste sid=0x5 config=\"s1\" s1ctx=0x300000 -> r\nexpect r == 0x");
    ASSERT_HAS(r, "endpoint dev sid=0x5\n");
    ASSERT_HAS(r, "dma read endpoint=dev addr=0x10000 -> r, r1, r2, r3\nexpect r == 0x1\n");
    ASSERT_HAS(r, "dma write endpoint=dev addr=0x11000 size=0x10 value=0xab -> r, r1, r2\n");
    ASSERT_HAS(r, "let r = translate(0x5, 0x12000)\nexpect r == 0x80002000\n");
    ASSERT_HAS(r, "let r = translate(0x5, 0x800000)\nexpect r == 0xffffffffffffffff\n");
    ASSERT_HAS(r, "pt unmap table=s1 va=0x12000\n");
    /* the map failed after mapping its first page: kept, inside expect_error */
    ASSERT_HAS(r, "expect_error {\npt map table=s1 va=0x12000 pa=0x0 size=0x2000\n}\n");
    /* the builders' memory writes are not recorded, only the verbs */
    ck_assert_uint_eq(count(r, "mem write "), 1);
    g_free(r);
}
END_TEST

START_TEST(test_xlate_errors_before_acting_are_dropped)
{
    char *r = record_replay(
        XSETUP
        "pt s1 -> ttb\n"
        "expect_error \"division by zero\" { pt map s1 va=1 / 0 pa=0 }\n"
        "expect_error \"not aligned\" { pt map s1 va=0x1800 pa=0 }\n"
        "expect_error \"already exists\" { pt s1 }\n",
        SCENARIO_OK);
    /* an argument that failed to evaluate: nothing happened, nothing kept */
    ck_assert_uint_eq(count(r, "pt map "), 1);
    ASSERT_HAS(r, "expect_error {\npt map table=s1 va=0x1800 pa=0x0\n}\n");
    ck_assert_uint_eq(count(r, "pt s1"), 1);
    g_free(r);
}
END_TEST

/* ------------------------------------------------------------ workload */

START_TEST(test_workload_record_replay)
{
    char *r = record_replay("let n = 4\n"
                            "workload dma_unmap granule=16K threads=2 iterations=n path=vcmdq name=w think=1us\n"
                            "workload inval_storm threads=1 iterations=3 batch=8 path=host_cmdq name=s\n"
                            "expect stat(\"workload.w.ops\") == 8\n", SCENARIO_OK);
    ASSERT_HAS(r, "workload dma_unmap");
    ASSERT_HAS(r, "path=vcmdq");
    ASSERT_HAS(r, "iterations=0x4");
    ASSERT_HAS(r, "think=0xf4240");             /* 1 us in ps */
    ASSERT_HAS(r, "workload inval_storm");
    g_free(r);
}
END_TEST

static Suite *record_suite(void)
{
    Suite *s = suite_create("scenario_record");
    TCase *tc = tcase_create("record");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_iommufd_end_to_end);
    tcase_add_test(tc, test_iommufd_errno);
    tcase_add_test(tc, test_record_names_avoid_objects);
    tcase_add_test(tc, test_xlate_record_replay);
    tcase_add_test(tc, test_xlate_errors_before_acting_are_dropped);
    tcase_add_test(tc, test_workload_record_replay);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(record_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
