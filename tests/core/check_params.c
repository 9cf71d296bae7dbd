/*
 * check_params.c — the parameter registry (sim/params.h): number, boolean,
 * enumeration and string syntax, ranges, errors naming the parameter and
 * file, profiles with inheritance, origins, iteration order and the dump.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "core-check.h"
#include "sim/params.h"

static const struct sim_param_def defs[] = {
    { "t.cycles", SIM_PARAM_U64, "10", "cycles", "cycles per thing", 1, 100, NULL },
    { "t.size", SIM_PARAM_U64, "4K", "bytes", "size of a thing", 0, 0, NULL },
    { "t.flag", SIM_PARAM_BOOL, "true", "", "a switch", 0, 0, NULL },
    { "t.mode", SIM_PARAM_ENUM, "slow", "", "how to go", 0, 0, "fast|slow|auto" },
    { "t.name", SIM_PARAM_STRING, "grace", "", "a label", 0, 0, NULL },
    { "a.first", SIM_PARAM_U64, "0x20", "ns", "sorted first", 0, 0, NULL },
    { "t.sub.depth", SIM_PARAM_U64, "1", "levels", "nested group", 0, 8, NULL },
};

static struct sim_params *p;
static char *dir;

static void setup(void)
{
    GError *err = NULL;
    p = sim_params_new();
    ck_assert(sim_params_declare(p, defs, SIM_ARRAY_SIZE(defs), &err));
    ck_assert_ptr_null(err);
    dir = g_dir_make_tmp("smmusim-params-XXXXXX", NULL);
    ck_assert_ptr_nonnull(dir);
}

static void rm_rf(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        char *f = g_build_filename(path, name, NULL);
        g_unlink(f);
        g_free(f);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(path);
}

static void teardown(void)
{
    sim_params_free(p);
    rm_rf(dir);
    g_free(dir);
}

static char *write_file(const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* Expect a failure in SIM_PARAMS_ERROR with `code` whose message holds each
 * of the given fragments; the error is freed. */
static void expect_error(GError *err, int code, const char *frag1, const char *frag2)
{
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(err->domain == SIM_PARAMS_ERROR, "wrong domain for: %s", err->message);
    ck_assert_msg(err->code == code, "code %d, wanted %d: %s", err->code, code, err->message);
    if (frag1)
        ck_assert_msg(strstr(err->message, frag1), "'%s' missing from: %s", frag1, err->message);
    if (frag2)
        ck_assert_msg(strstr(err->message, frag2), "'%s' missing from: %s", frag2, err->message);
    g_error_free(err);
}

/* ---- syntax ----------------------------------------------------------- */

START_TEST(test_parse_u64)
{
    static const struct {
        const char *text;
        uint64_t value;
    } good[] = {
        { "0", 0 }, { "42", 42 }, { "0x1F", 31 }, { "0xff", 255 }, { "4K", 4096 },
        { "2M", 2097152 }, { "1G", 1073741824 }, { "0x10K", 16384 },
        { "18446744073709551615", UINT64_MAX }, { "0xFFFFFFFFFFFFFFFF", UINT64_MAX },
        { "16777215G", 16777215ULL << 30 },
    };
    static const char *const bad[] = {
        "", "abc", "12abc", "-1", "0x", "K", "4KK", "4k5", "1.5", "0xg",
        "18446744073709551616", "0x10000000000000000", "17179869184G", "18014398509481984K",
        "99999999999999999999999",
    };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(good); i++) {
        uint64_t v = 12345;
        ck_assert_msg(sim_parse_u64(good[i].text, &v), "rejected %s", good[i].text);
        ck_assert_msg(v == good[i].value, "%s -> %llu", good[i].text, (unsigned long long)v);
    }
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(bad); i++) {
        uint64_t v;
        ck_assert_msg(!sim_parse_u64(bad[i], &v), "accepted %s", bad[i]);
    }
}
END_TEST

START_TEST(test_parse_bool)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };
    static const char *const bad[] = { "", "maybe", "2", "tru", "yess", "10" };
    for (unsigned i = 0; i < 4; i++) {
        bool v = false;
        ck_assert_msg(sim_parse_bool(yes[i], &v) && v, "%s", yes[i]);
        v = true;
        ck_assert_msg(sim_parse_bool(no[i], &v) && !v, "%s", no[i]);
    }
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(bad); i++) {
        bool v;
        ck_assert_msg(!sim_parse_bool(bad[i], &v), "accepted %s", bad[i]);
    }
}
END_TEST

START_TEST(test_defaults)
{
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 10);
    ck_assert_uint_eq(sim_params_u64(p, "t.size"), 4096);
    ck_assert(sim_params_bool(p, "t.flag"));
    ck_assert_uint_eq(sim_params_enum(p, "t.mode"), 1);
    ck_assert_str_eq(sim_params_string(p, "t.name"), "grace");
    ck_assert_uint_eq(sim_params_u64(p, "a.first"), 32);
    ck_assert(sim_params_exists(p, "t.cycles"));
    ck_assert(!sim_params_exists(p, "t.cycle"));
    ck_assert(!sim_params_exists(p, "t"));
    char *s = sim_params_value_text(p, "t.size");
    ck_assert_str_eq(s, "4096");
    g_free(s);
    s = sim_params_value_text(p, "t.mode");
    ck_assert_str_eq(s, "slow");
    g_free(s);
    s = sim_params_value_text(p, "a.first");
    ck_assert_str_eq(s, "32");
    g_free(s);
}
END_TEST

START_TEST(test_set_every_type)
{
    GError *err = NULL;
    ck_assert(sim_params_set(p, "t.cycles", "0x40", "--set", &err));
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 64);
    ck_assert(sim_params_set(p, "t.size", "3M", "--set", &err));
    ck_assert_uint_eq(sim_params_u64(p, "t.size"), 3 << 20);
    ck_assert(sim_params_set(p, "t.size", "18446744073709551615", "--set", &err));
    ck_assert_uint_eq(sim_params_u64(p, "t.size"), UINT64_MAX);  /* max 0: no limit */
    ck_assert(sim_params_set(p, "t.flag", "off", "--set", &err));
    ck_assert(!sim_params_bool(p, "t.flag"));
    ck_assert(sim_params_set(p, "t.flag", "yes", "--set", &err));
    ck_assert(sim_params_bool(p, "t.flag"));
    ck_assert(sim_params_set(p, "t.mode", "auto", "--set", &err));
    ck_assert_uint_eq(sim_params_enum(p, "t.mode"), 2);
    ck_assert(sim_params_set(p, "t.mode", "fast", "--set", &err));
    ck_assert_uint_eq(sim_params_enum(p, "t.mode"), 0);
    ck_assert(sim_params_set(p, "t.name", "vera rubin", "--set", &err));
    ck_assert_str_eq(sim_params_string(p, "t.name"), "vera rubin");
    ck_assert(sim_params_set(p, "t.name", "", "--set", &err));
    ck_assert_str_eq(sim_params_string(p, "t.name"), "");
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_ranges_inclusive)
{
    GError *err = NULL;
    ck_assert(sim_params_set(p, "t.cycles", "1", "--set", &err));
    ck_assert(sim_params_set(p, "t.cycles", "100", "--set", &err));
    ck_assert(sim_params_set(p, "t.cycles", "0x64", "--set", &err));
    ck_assert(!sim_params_set(p, "t.cycles", "0", "--set", &err));
    expect_error(err, SIM_PARAMS_ERROR_VALUE, "t.cycles", NULL);
    err = NULL;
    ck_assert(!sim_params_set(p, "t.cycles", "101", "--set", &err));
    expect_error(err, SIM_PARAMS_ERROR_VALUE, "t.cycles", "101");
    err = NULL;
    ck_assert(!sim_params_set(p, "t.sub.depth", "9", "--set", &err));
    expect_error(err, SIM_PARAMS_ERROR_VALUE, "t.sub.depth", NULL);
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 100);  /* failures change nothing */
    ck_assert_uint_eq(sim_params_u64(p, "t.sub.depth"), 1);
}
END_TEST

START_TEST(test_bad_values)
{
    static const struct {
        const char *name, *value;
    } bad[] = {
        { "t.size", "junk" }, { "t.size", "4KB" }, { "t.size", "18446744073709551616" },
        { "t.size", "-5" }, { "t.size", "" }, { "t.flag", "maybe" }, { "t.flag", "" },
        { "t.mode", "medium" }, { "t.mode", "" }, { "t.mode", "fast|slow" }, { "t.mode", "fas" },
    };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(bad); i++) {
        GError *err = NULL;
        ck_assert_msg(!sim_params_set(p, bad[i].name, bad[i].value, "--set", &err), "%s=%s accepted",
                      bad[i].name, bad[i].value);
        expect_error(err, SIM_PARAMS_ERROR_VALUE, bad[i].name, NULL);
    }
    ck_assert_uint_eq(sim_params_u64(p, "t.size"), 4096);
    ck_assert(sim_params_bool(p, "t.flag"));
    ck_assert_uint_eq(sim_params_enum(p, "t.mode"), 1);
}
END_TEST

START_TEST(test_unknown_name)
{
    GError *err = NULL;
    ck_assert(!sim_params_set(p, "t.cylces", "5", "--set", &err));
    expect_error(err, SIM_PARAMS_ERROR_UNKNOWN, "t.cylces", NULL);
    err = NULL;
    ck_assert(!sim_params_set_assignment(p, "nope.x=1", "--set", &err));
    expect_error(err, SIM_PARAMS_ERROR_UNKNOWN, "nope.x", NULL);
}
END_TEST

START_TEST(test_duplicate_declaration)
{
    GError *err = NULL;
    static const struct sim_param_def again[] = {
        { "z.new", SIM_PARAM_U64, "1", "", "new", 0, 0, NULL },
        { "t.cycles", SIM_PARAM_U64, "5", "", "twice", 0, 0, NULL },
    };
    ck_assert(!sim_params_declare(p, again, SIM_ARRAY_SIZE(again), &err));
    expect_error(err, SIM_PARAMS_ERROR_DUPLICATE, "t.cycles", NULL);
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 10);

    struct sim_params *q = sim_params_new();
    static const struct sim_param_def self_dup[] = {
        { "d.x", SIM_PARAM_U64, "1", "", "", 0, 0, NULL },
        { "d.x", SIM_PARAM_BOOL, "true", "", "", 0, 0, NULL },
    };
    err = NULL;
    ck_assert(!sim_params_declare(q, self_dup, 2, &err));
    expect_error(err, SIM_PARAMS_ERROR_DUPLICATE, "d.x", NULL);
    sim_params_free(q);
}
END_TEST

START_TEST(test_set_assignment)
{
    GError *err = NULL;
    ck_assert(sim_params_set_assignment(p, "t.cycles=20", "--set", &err));
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 20);
    ck_assert(sim_params_set_assignment(p, "t.name=a=b", "--set", &err));
    ck_assert_str_eq(sim_params_string(p, "t.name"), "a=b");
    static const char *const bad[] = { "t.cycles", "=5", "", "t.cycles=", "t.cycles=2x" };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(bad); i++) {
        err = NULL;
        ck_assert_msg(!sim_params_set_assignment(p, bad[i], "--set", &err), "accepted '%s'", bad[i]);
        ck_assert_ptr_nonnull(err);
        ck_assert(err->domain == SIM_PARAMS_ERROR);
        ck_assert_uint_gt(strlen(err->message), 0);
        g_error_free(err);
    }
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 20);
}
END_TEST

/* ---- origins, order, dump -------------------------------------------- */

struct seen {
    unsigned n;
    char *names[16];
    char *origins[16];
    char *values[16];
};

static void collect(const struct sim_param_def *def, const char *value_text, const char *origin,
                    void *opaque)
{
    struct seen *s = opaque;
    ck_assert_uint_lt(s->n, 16);
    s->names[s->n] = g_strdup(def->name);
    s->values[s->n] = g_strdup(value_text);
    s->origins[s->n] = g_strdup(origin);
    s->n++;
}

static int find(const struct seen *s, const char *name)
{
    for (unsigned i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return (int)i;
    return -1;
}

static void seen_free(struct seen *s)
{
    for (unsigned i = 0; i < s->n; i++) {
        g_free(s->names[i]);
        g_free(s->values[i]);
        g_free(s->origins[i]);
    }
}

START_TEST(test_foreach_order_and_origin)
{
    GError *err = NULL;
    ck_assert(sim_params_set(p, "t.cycles", "33", "scenario foo.trace:3", &err));
    ck_assert(sim_params_set_assignment(p, "t.mode=auto", "--set", &err));
    struct seen s = { 0 };
    sim_params_foreach(p, collect, &s);
    ck_assert_uint_eq(s.n, SIM_ARRAY_SIZE(defs));
    for (unsigned i = 1; i < s.n; i++)
        ck_assert_msg(strcmp(s.names[i - 1], s.names[i]) < 0, "%s before %s", s.names[i - 1], s.names[i]);
    ck_assert_str_eq(s.names[0], "a.first");
    int c = find(&s, "t.cycles"), m = find(&s, "t.mode"), n = find(&s, "t.name");
    ck_assert_str_eq(s.values[c], "33");
    ck_assert_str_eq(s.origins[c], "scenario foo.trace:3");
    ck_assert_str_eq(s.values[m], "auto");
    ck_assert_str_eq(s.origins[m], "--set");
    ck_assert_str_eq(s.values[n], "grace");
    ck_assert_str_eq(s.origins[n], "default");
    seen_free(&s);
}
END_TEST

static char *dump_text(bool with_help)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    sim_params_dump(p, f, with_help);
    fclose(f);
    return buf;
}

START_TEST(test_dump)
{
    GError *err = NULL;
    ck_assert(sim_params_set(p, "t.cycles", "77", "--set", &err));
    char *plain = dump_text(false), *help = dump_text(true);
    static const char *const must[] = { "t.cycles", "77", "--set", "t.size", "4096", "default",
                                        "t.mode", "slow", "cycles" };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(must); i++) {
        ck_assert_msg(strstr(plain, must[i]), "'%s' missing from dump:\n%s", must[i], plain);
        ck_assert_msg(strstr(help, must[i]), "'%s' missing from dump:\n%s", must[i], help);
    }
    ck_assert(strstr(help, "cycles per thing"));
    ck_assert(strstr(plain, "cycles per thing") == NULL);
    /* name order in the dump too */
    ck_assert(strstr(plain, "a.first") < strstr(plain, "t.cycles"));
    ck_assert(strstr(plain, "t.cycles") < strstr(plain, "t.sub.depth"));
    free(plain);
    free(help);
}
END_TEST

/* ---- profiles --------------------------------------------------------- */

static const char *origin_of(const char *name, char *buf, size_t len)
{
    struct seen s = { 0 };
    sim_params_foreach(p, collect, &s);
    int i = find(&s, name);
    ck_assert_int_ge(i, 0);
    g_strlcpy(buf, s.origins[i], len);
    seen_free(&s);
    return buf;
}

START_TEST(test_profile_groups)
{
    GError *err = NULL;
    char *path = write_file("one.ini", "# a profile\n[t]\ncycles = 20\nmode = fast\nsize = 0x2K\n"
                                       "[t.sub]\ndepth = 3\n[a]\nfirst=7\n");
    ck_assert_msg(sim_params_load_profile(p, path, &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 20);
    ck_assert_uint_eq(sim_params_enum(p, "t.mode"), 0);
    ck_assert_uint_eq(sim_params_u64(p, "t.size"), 2048);
    ck_assert_uint_eq(sim_params_u64(p, "t.sub.depth"), 3);
    ck_assert_uint_eq(sim_params_u64(p, "a.first"), 7);
    ck_assert_str_eq(sim_params_string(p, "t.name"), "grace");
    char o[256];
    ck_assert_msg(strstr(origin_of("t.cycles", o, sizeof(o)), "one.ini"), "origin %s", o);
    ck_assert_msg(strstr(o, "profile"), "origin %s", o);
    ck_assert_str_eq(origin_of("t.name", o, sizeof(o)), "default");
    g_free(path);
}
END_TEST

START_TEST(test_profile_inherit)
{
    GError *err = NULL;
    g_setenv("SMMUSIM_PROFILE_DIR", dir, TRUE);
    g_free(write_file("base.ini", "[t]\ncycles = 30\nname = base-name\nflag = no\n"));
    g_free(write_file("mid.ini", "[profile]\ninherit = base\n[t]\ncycles = 40\n"));
    char *path = write_file("top.ini", "[profile]\ninherit = mid\n[t]\nmode = auto\n");
    ck_assert_msg(sim_params_load_profile(p, path, &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 40);  /* the child wins */
    ck_assert_str_eq(sim_params_string(p, "t.name"), "base-name");
    ck_assert(!sim_params_bool(p, "t.flag"));
    ck_assert_uint_eq(sim_params_enum(p, "t.mode"), 2);
    char o[256];
    ck_assert_msg(strstr(origin_of("t.cycles", o, sizeof(o)), "mid"), "origin %s", o);
    ck_assert_msg(strstr(origin_of("t.name", o, sizeof(o)), "base"), "origin %s", o);
    g_free(path);

    /* by name, through the search path */
    struct sim_params *q = sim_params_new();
    ck_assert(sim_params_declare(q, defs, SIM_ARRAY_SIZE(defs), &err));
    ck_assert_msg(sim_params_load_profile_by_name(q, "mid", &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_params_u64(q, "t.cycles"), 40);
    ck_assert_str_eq(sim_params_string(q, "t.name"), "base-name");
    ck_assert(!sim_params_load_profile_by_name(q, "no-such-profile", &err));
    expect_error(err, SIM_PARAMS_ERROR_PROFILE, "no-such-profile", NULL);
    sim_params_free(q);
}
END_TEST

START_TEST(test_profile_inherit_loop)
{
    GError *err = NULL;
    g_setenv("SMMUSIM_PROFILE_DIR", dir, TRUE);
    g_free(write_file("x.ini", "[profile]\ninherit = y\n[t]\ncycles = 2\n"));
    char *path = write_file("y.ini", "[profile]\ninherit = x\n[t]\ncycles = 3\n");
    ck_assert(!sim_params_load_profile(p, path, &err));
    expect_error(err, SIM_PARAMS_ERROR_PROFILE, NULL, NULL);
    g_free(path);
    path = write_file("orphan.ini", "[profile]\ninherit = missing-parent\n");
    err = NULL;
    ck_assert(!sim_params_load_profile(p, path, &err));
    expect_error(err, SIM_PARAMS_ERROR_PROFILE, "missing-parent", NULL);
    g_free(path);
}
END_TEST

START_TEST(test_profile_errors)
{
    GError *err = NULL;
    char *missing = g_build_filename(dir, "absent.ini", NULL);
    ck_assert(!sim_params_load_profile(p, missing, &err));
    expect_error(err, SIM_PARAMS_ERROR_PROFILE, "absent.ini", NULL);
    g_free(missing);

    char *path = write_file("broken.ini", "[t\ncycles = 5\n");
    err = NULL;
    ck_assert(!sim_params_load_profile(p, path, &err));
    expect_error(err, SIM_PARAMS_ERROR_PROFILE, "broken.ini", NULL);
    g_free(path);

    path = write_file("typo.ini", "[t]\ncycels = 5\n");
    err = NULL;
    ck_assert(!sim_params_load_profile(p, path, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert(err->domain == SIM_PARAMS_ERROR);
    ck_assert_msg(strstr(err->message, "typo.ini") && strstr(err->message, "t.cycels"), "%s",
                  err->message);
    g_error_free(err);
    g_free(path);

    path = write_file("range.ini", "[t]\ncycles = 500\n");
    err = NULL;
    ck_assert(!sim_params_load_profile(p, path, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, "range.ini") && strstr(err->message, "cycles"), "%s",
                  err->message);
    g_error_free(err);
    g_free(path);
    ck_assert_uint_eq(sim_params_u64(p, "t.cycles"), 10);
}
END_TEST

/* ---- programming errors abort ---------------------------------------- */

START_TEST(test_getter_wrong_type_aborts)
{
    (void)sim_params_u64(p, "t.flag");
}
END_TEST

START_TEST(test_getter_undeclared_aborts)
{
    (void)sim_params_string(p, "t.nothing");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("params");
    TCase *tc = tcase_create("syntax");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_parse_u64);
    tcase_add_test(tc, test_parse_bool);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_set_every_type);
    tcase_add_test(tc, test_ranges_inclusive);
    tcase_add_test(tc, test_bad_values);
    tcase_add_test(tc, test_unknown_name);
    tcase_add_test(tc, test_duplicate_declaration);
    tcase_add_test(tc, test_set_assignment);
    tcase_add_test(tc, test_foreach_order_and_origin);
    tcase_add_test(tc, test_dump);
    tcase_add_test_raise_signal(tc, test_getter_wrong_type_aborts, SIGTRAP);
    tcase_add_test_raise_signal(tc, test_getter_undeclared_aborts, SIGTRAP);
    suite_add_tcase(s, tc);

    tc = tcase_create("profiles");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_profile_groups);
    tcase_add_test(tc, test_profile_inherit);
    tcase_add_test(tc, test_profile_inherit_loop);
    tcase_add_test(tc, test_profile_errors);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
