/*
 * check_sweep_grid.c — --vary parsing (lists, additive and geometric
 * ranges, every malformed form), the cartesian grid and its point ids,
 * validation against the parameter registry, and the manifest round trip.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include "sim/cli/sweep.h"

/* Expand `text` and compare with the space-separated `want`. */
static void expect_values(const char *text, const char *want)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    ck_assert_msg(sweep_parse_values(text, out, &err), "'%s': %s", text, err ? err->message : "");
    g_ptr_array_add(out, NULL);
    char *got = g_strjoinv(" ", (char **)out->pdata);
    ck_assert_msg(!strcmp(got, want), "'%s' gave '%s', want '%s'", text, got, want);
    g_free(got);
    g_ptr_array_free(out, TRUE);
}

static void expect_values_error(const char *text, const char *want)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    ck_assert_msg(!sweep_parse_values(text, out, &err), "'%s' accepted", text);
    ck_assert_msg(strstr(err->message, want), "'%s': got '%s', want '%s'", text, err->message, want);
    g_error_free(err);
    g_ptr_array_free(out, TRUE);
}

START_TEST(lists_and_ranges)
{
    expect_values("8,16,4K", "8 16 4K");
    expect_values("1..4", "1 2 3 4");
    expect_values("0..10:4", "0 4 8");
    expect_values("16..4:-4", "16 12 8 4");
    expect_values("1..64*2", "1 2 4 8 16 32 64");
    expect_values("3..100*3", "3 9 27 81");
    expect_values("1K..4K:1K", "1024 2048 3072 4096");
    expect_values("5..5", "5");
    expect_values("7..7:-1", "7");
    expect_values("1, 2..3 ,0x10", "1 2 3 0x10");
    expect_values("0xFFFFFFFFFFFFFFFE..0xFFFFFFFFFFFFFFFF", "18446744073709551614 18446744073709551615");
    expect_values("1..0xFFFFFFFFFFFFFFFF*2",
                  "1 2 4 8 16 32 64 128 256 512 1024 2048 4096 8192 16384 32768 65536 131072 262144 "
                  "524288 1048576 2097152 4194304 8388608 16777216 33554432 67108864 134217728 "
                  "268435456 536870912 1073741824 2147483648 4294967296 8589934592 17179869184 "
                  "34359738368 68719476736 137438953472 274877906944 549755813888 1099511627776 "
                  "2199023255552 4398046511104 8796093022208 17592186044416 35184372088832 "
                  "70368744177664 140737488355328 281474976710656 562949953421312 1125899906842624 "
                  "2251799813685248 4503599627370496 9007199254740992 18014398509481984 "
                  "36028797018963968 72057594037927936 144115188075855872 288230376151711744 "
                  "576460752303423488 1152921504606846976 2305843009213693952 4611686018427387904 "
                  "9223372036854775808");
}
END_TEST

START_TEST(bad_values)
{
    expect_values_error("", "no values given");
    expect_values_error("1,,2", "value 2 of '1,,2' is empty");
    expect_values_error("1,", "is empty");
    expect_values_error("16..8", "descends: give a negative step (e.g. 16..8:-1)");
    expect_values_error("16..8:4", "descends");
    expect_values_error("8..16:-4", "ascends but its step is negative");
    expect_values_error("1..8:0", "the step must not be 0");
    expect_values_error("1..", "'(empty)' is not a number");
    expect_values_error("..4", "is not a number");
    expect_values_error("a..4", "'a' is not a number");
    expect_values_error("1..4:x", "'x' is not a number");
    expect_values_error("1..8*1", "factor must be an integer of at least 2");
    expect_values_error("0..8*2", "cannot start at 0");
    expect_values_error("8..1*2", "must ascend");
    expect_values_error("0..1G", "values (limit 100000)");
    expect_values_error("0..99999,0..1", "more than 100000 values");
    expect_values_error("1..99999999999999999999", "is not a number");
}
END_TEST

static struct sweep_grid *grid_of(const char *const *varies)
{
    struct sweep_grid *g = sweep_grid_new();
    for (; *varies; varies++) {
        GError *err = NULL;
        ck_assert_msg(sweep_grid_add_vary(g, *varies, &err), "%s: %s", *varies, err ? err->message : "");
    }
    return g;
}

START_TEST(cartesian_order_and_ids)
{
    const char *v[] = { "smmu.tlbi_cycles=8,16", "smmu.clock_mhz=1000,2000,3000", NULL };
    struct sweep_grid *g = grid_of(v);
    ck_assert_uint_eq(g->npoints, 6);
    /* the first --vary changes slowest */
    ck_assert_str_eq(sweep_grid_value(g, 0, 0), "8");
    ck_assert_str_eq(sweep_grid_value(g, 0, 1), "1000");
    ck_assert_str_eq(sweep_grid_value(g, 2, 1), "3000");
    ck_assert_str_eq(sweep_grid_value(g, 3, 0), "16");
    ck_assert_str_eq(sweep_grid_value(g, 3, 1), "1000");
    ck_assert_str_eq(sweep_grid_value(g, 5, 0), "16");
    ck_assert_str_eq(sweep_grid_value(g, 5, 1), "3000");
    char *id = sweep_point_id(g, 3);
    ck_assert_str_eq(id, "p0003");
    g_free(id);
    sweep_grid_free(g);

    const char *big[] = { "smmu.tlbi_cycles=0..99999", NULL };
    g = grid_of(big);
    id = sweep_point_id(g, 7);
    ck_assert_str_eq(id, "p00007");              /* width of the last index */
    g_free(id);
    sweep_grid_free(g);
}
END_TEST

START_TEST(bad_vary)
{
    struct sweep_grid *g = sweep_grid_new();
    GError *err = NULL;
    ck_assert(!sweep_grid_add_vary(g, "smmu.tlbi_cycles", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "expected NAME=VALUES"));
    g_clear_error(&err);
    ck_assert(!sweep_grid_add_vary(g, "=1,2", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "missing parameter name"));
    g_clear_error(&err);
    ck_assert(!sweep_grid_add_vary(g, "smmu.tlbi_cycles=", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "--vary smmu.tlbi_cycles: no values given"));
    g_clear_error(&err);
    ck_assert(sweep_grid_add_vary(g, "smmu.tlbi_cycles=1..1000", &err));
    ck_assert(!sweep_grid_add_vary(g, "smmu.tlbi_cycles=1", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "varied twice"));
    g_clear_error(&err);
    ck_assert(!sweep_grid_add_vary(g, "smmu.clock_mhz=1..101", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "the grid would have 101000 points (limit 100000)"));
    g_clear_error(&err);
    ck_assert_uint_eq(g->npoints, 1000);         /* a rejected axis leaves the grid alone */
    ck_assert(sweep_grid_add_vary(g, "smmu.clock_mhz=1..100", &err));
    ck_assert_uint_eq(g->npoints, 100000);
    sweep_grid_free(g);
}
END_TEST

static void expect_validate_error(const char *const *varies, char **sets, const char *want)
{
    struct sweep_grid *g = grid_of(varies);
    GError *err = NULL;
    ck_assert(!sweep_grid_validate(g, NULL, sets, &err));
    ck_assert_msg(strstr(err->message, want), "got '%s', want '%s'", err->message, want);
    g_error_free(err);
    sweep_grid_free(g);
}

START_TEST(validate_against_registry)
{
    const char *ok[] = { "smmu.tlbi_cycles=4K,8", "smmu.s2=yes,off", NULL };
    struct sweep_grid *g = grid_of(ok);
    GError *err = NULL;
    ck_assert_msg(sweep_grid_validate(g, NULL, NULL, &err), "%s", err ? err->message : "");
    ck_assert_str_eq(sweep_grid_value(g, 0, 0), "4096");  /* canonical text */
    ck_assert_str_eq(sweep_grid_value(g, 0, 1), "true");
    ck_assert_str_eq(sweep_grid_value(g, 1, 1), "false");
    sweep_grid_free(g);

    const char *typo[] = { "smmu.clock_mhx=1000", NULL };
    expect_validate_error(typo, NULL, "did you mean 'smmu.clock_mhz'");
    const char *range[] = { "smmu.clock_mhz=1000,0", NULL };
    expect_validate_error(range, NULL, "--vary smmu.clock_mhz:");
    const char *word[] = { "smmu.clock_mhz=fast", NULL };
    expect_validate_error(word, NULL, "not a number");
    const char *dup[] = { "smmu.tlbi_cycles=4K,4096", NULL };
    expect_validate_error(dup, NULL, "value 4096 is listed twice");
    const char *clash[] = { "smmu.tlbi_cycles=8,16", NULL };
    char *sets[] = { "smmu.tlbi_cycles=4", NULL };
    expect_validate_error(clash, sets, "given both by --set and by --vary");
    char *badset[] = { "smmu.nope=4", NULL };
    expect_validate_error(clash, badset, "unknown parameter 'smmu.nope'");
    const char *none[] = { NULL };
    expect_validate_error(none, NULL, "nothing to sweep");
}
END_TEST

START_TEST(variable_axes)
{
    /* a name without a dot is a scenario variable: values in scenario syntax */
    const char *v[] = { "pages=4K,1 << 4", "path=vcmdq,\"two words\"", "smmu.tlbi_cycles=8", NULL };
    struct sweep_grid *g = grid_of(v);
    GError *err = NULL;
    ck_assert(sweep_axis_is_variable("pages"));
    ck_assert(!sweep_axis_is_variable("smmu.tlbi_cycles"));
    ck_assert_msg(sweep_grid_validate(g, NULL, NULL, &err), "%s", err ? err->message : "");
    ck_assert_str_eq(sweep_grid_value(g, 0, 0), "4096");
    ck_assert_str_eq(sweep_grid_value(g, 2, 0), "16");
    ck_assert_str_eq(sweep_grid_value(g, 0, 1), "vcmdq");
    ck_assert_str_eq(sweep_grid_value(g, 1, 1), "\"two words\"");

    /* the scenario is parsed with each value: it must take every variable */
    char *dir = g_dir_make_tmp("sweep-XXXXXX", &err);
    char *scn = g_build_filename(dir, "s.trace", NULL);
    g_file_set_contents(scn, "let pages ?= 1\nlet path ?= \"x\"\nprint pages path\n", -1, &err);
    ck_assert_msg(sweep_grid_check_scenario(g, scn, &err), "%s", err ? err->message : "");
    g_file_set_contents(scn, "let pages ?= 1\nprint pages\n", -1, &err);
    ck_assert(!sweep_grid_check_scenario(g, scn, &err));
    ck_assert_str_eq(err->message, "--define path: the scenario has no variable 'path'");
    g_clear_error(&err);
    g_file_set_contents(scn, "let pages = 1\nlet path ?= 1\n", -1, &err);
    ck_assert(!sweep_grid_check_scenario(g, scn, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "--define pages: the scenario assigns 'pages' with let at"));
    g_clear_error(&err);

    /* each point runs with --define for variables, --set for parameters */
    g_file_set_contents(scn, "let pages ?= 1\nlet path ?= \"x\"\n", -1, &err);
    struct sweep_manifest m;
    ck_assert(sweep_manifest_from_grid(&m, g, scn, NULL, NULL, &err));
    GStrv argv = sweep_point_argv(&m, 3, "/bin/smmusim", "/o/p.json");
    char *joined = g_strjoinv(" ", argv);
    char *want = g_strdup_printf("/bin/smmusim run %s --quiet --define pages=16 --define path=\"two words\" "
                                 "--set smmu.tlbi_cycles=8 --stats /o/p.json", scn);
    ck_assert_str_eq(joined, want);
    g_free(want);
    g_free(joined);
    g_strfreev(argv);
    sweep_manifest_clear(&m);
    g_unlink(scn);
    g_rmdir(dir);
    g_free(scn);
    g_free(dir);
    sweep_grid_free(g);

    const char *bad[] = { "pages=4,1 +", NULL };
    expect_validate_error(bad, NULL, "--vary pages: --define pages:1:4: expected a value, found end of line");
    const char *dup[] = { "pages=4K,4096", NULL };
    expect_validate_error(dup, NULL, "--vary pages: value 4096 is listed twice");
    const char *call[] = { "pages=now()", NULL };
    expect_validate_error(call, NULL, "the function now() cannot be used in it");
}
END_TEST

START_TEST(manifest_round_trip)
{
    const char *v[] = { "smmu.tlbi_cycles=8,16", "smmu.clock_mhz=1000,2000", NULL };
    struct sweep_grid *g = grid_of(v);
    char *sets[] = { "smmu.sync_cycles=4", NULL };
    GError *err = NULL;
    ck_assert(sweep_grid_validate(g, NULL, sets, &err));
    char *dir = g_dir_make_tmp("sweep-XXXXXX", &err);
    char *scn = g_build_filename(dir, "s.trace", NULL);
    g_file_set_contents(scn, "# empty\n", -1, &err);
    struct sweep_manifest m, back;
    ck_assert(sweep_manifest_from_grid(&m, g, scn, NULL, sets, &err));
    ck_assert(sweep_manifest_write(&m, dir, &err));
    ck_assert(sweep_manifest_write(&m, dir, &err));    /* same sweep: fine */
    ck_assert(sweep_manifest_load(&back, dir, &err));
    char *a = sweep_manifest_to_json(&m), *b = sweep_manifest_to_json(&back);
    ck_assert_str_eq(a, b);
    ck_assert_uint_eq(back.ids->len, 4);
    ck_assert_str_eq(((char **)g_ptr_array_index(back.values, 2))[0], "16");

    GStrv argv = sweep_point_argv(&back, 2, "/bin/smmusim", "/o/p0002.part.json");
    char *joined = g_strjoinv(" ", argv);
    char *want = g_strdup_printf("/bin/smmusim run %s --quiet --set smmu.sync_cycles=4 --set "
                                 "smmu.tlbi_cycles=16 --set smmu.clock_mhz=1000 --stats /o/p0002.part.json", scn);
    ck_assert_str_eq(joined, want);

    /* a different sweep in the same directory is refused */
    struct sweep_manifest other;
    char *sets2[] = { "smmu.sync_cycles=5", NULL };
    ck_assert(sweep_manifest_from_grid(&other, g, scn, NULL, sets2, &err));
    ck_assert(!sweep_manifest_write(&other, dir, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "describes a different sweep"));
    g_clear_error(&err);

    /* a point is complete only with a parseable "stats" object */
    ck_assert(!sweep_point_complete(dir, "p0000"));
    char *points = g_build_filename(dir, "points", NULL);
    g_mkdir(points, 0755);
    char *p0 = sweep_point_path(dir, "p0000", ".json");
    g_file_set_contents(p0, "{\"stats\": {\"x\": 1", -1, &err);
    ck_assert(!sweep_point_complete(dir, "p0000"));
    g_file_set_contents(p0, "{\"stats\": {\"x\": 1}}", -1, &err);
    ck_assert(sweep_point_complete(dir, "p0000"));

    /* hostile manifests: ids that would escape the directory, missing values */
    char *mpath = g_build_filename(dir, "sweep.json", NULL);
    g_file_set_contents(mpath, "{\"scenario\":\"/s\",\"profile\":null,\"profile_path\":null,\"sets\":[],"
                        "\"vary\":[\"a\"],\"points\":[{\"id\":\"../x\",\"values\":{\"a\":\"1\"}}]}", -1, &err);
    struct sweep_manifest bad;
    ck_assert(!sweep_manifest_load(&bad, dir, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "needs an \"id\""));
    g_clear_error(&err);
    sweep_manifest_clear(&bad);
    g_file_set_contents(mpath, "{\"scenario\":\"/s\",\"profile\":null,\"profile_path\":null,\"sets\":[],"
                        "\"vary\":[\"a\"],\"points\":[{\"id\":\"p1\",\"values\":{}}]}", -1, &err);
    ck_assert(!sweep_manifest_load(&bad, dir, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "point p1 has no string value for a"));
    g_clear_error(&err);
    sweep_manifest_clear(&bad);
    g_file_set_contents(mpath, "[]", -1, &err);
    ck_assert(!sweep_manifest_load(&bad, dir, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "must be a JSON object"));
    g_clear_error(&err);
    sweep_manifest_clear(&bad);

    g_unlink(p0);
    g_unlink(mpath);
    g_unlink(scn);
    g_rmdir(points);
    g_rmdir(dir);
    g_free(p0);
    g_free(mpath);
    g_free(points);
    g_strfreev(argv);
    g_free(joined);
    g_free(want);
    g_free(a);
    g_free(b);
    sweep_manifest_clear(&m);
    sweep_manifest_clear(&back);
    sweep_manifest_clear(&other);
    sweep_grid_free(g);
    g_free(scn);
    g_free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sweep_grid");
    TCase *tc = tcase_create("grid");
    tcase_add_test(tc, lists_and_ranges);
    tcase_add_test(tc, bad_values);
    tcase_add_test(tc, cartesian_order_and_ids);
    tcase_add_test(tc, bad_vary);
    tcase_add_test(tc, validate_against_registry);
    tcase_add_test(tc, variable_axes);
    tcase_add_test(tc, manifest_round_trip);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
