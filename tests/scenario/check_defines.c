/*
 * check_defines.c — scenario variables from outside the file (--define)
 * and `let NAME ?= VALUE`: values and their syntax, precedence over
 * defaults, every error of a define and of a scenario that cannot take
 * it, includes, record mode, and the canonical text sweeps compare.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "scn-test.h"

/* Run `text` with `defines`; returns the output, or the error message in
 * *err_msg (rc 2). */
static int run_defs(const char *text, const char *const *defines, char **out, char **err_msg)
{
    struct scenario_opts o = { .defines = defines };
    return scn_test_run_opts(text, &o, out, err_msg);
}

/* The first line printed by a run that must succeed. */
static char *first_line(const char *text, const char *const *defines)
{
    char *out = NULL, *msg = NULL;
    int rc = run_defs(text, defines, &out, &msg);
    ck_assert_msg(rc == SCENARIO_OK, "rc %d: %s", rc, msg ? msg : "");
    char *nl = strchr(out, '\n');
    char *line = g_strndup(out, nl ? (size_t)(nl - out) : strlen(out));
    free(out);
    g_free(msg);
    return line;
}

static char *define_error(const char *text, const char *const *defines)
{
    char *msg = NULL;
    int rc = run_defs(text, defines, NULL, &msg);
    ck_assert_msg(rc == SCENARIO_ERROR_EXIT, "expected an error, got rc %d", rc);
    ck_assert_ptr_nonnull(msg);
    return msg;
}

#define DEFS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *const params_text =
    "let n ?= 4\nlet g ?= 4K\nlet mode ?= \"fast\"\nprint n g mode\n";

START_TEST(test_defaults_without_defines)
{
    char *l = first_line(params_text, NULL);
    ck_assert_str_eq(l, "4 4096 fast");
    g_free(l);
}
END_TEST

START_TEST(test_define_values)
{
    struct { const char *def; const char *printed; } cases[] = {
        { "n=7", "7 4096 fast" },
        { "n=2M", "2097152 4096 fast" },
        { "n=10us", "10000000 4096 fast" },
        { "n=1 << 20", "1048576 4096 fast" },
        { "n=(3 + 4) * 2", "14 4096 fast" },
        { "n=0x10", "16 4096 fast" },
        { "mode=slow", "4 4096 slow" },             /* a bare word is a string */
        { "mode=\"two words\"", "4 4096 two words" },
        { "mode=", NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (!cases[i].printed)
            continue;
        char *l = first_line(params_text, DEFS(cases[i].def));
        ck_assert_msg(!strcmp(l, cases[i].printed), "%s: printed '%s'", cases[i].def, l);
        g_free(l);
    }
    char *l = first_line(params_text, DEFS("g=64K", "n=1", "mode=x"));
    ck_assert_str_eq(l, "1 65536 x");
    g_free(l);
}
END_TEST

START_TEST(test_qassign_semantics)
{
    /* ?= does not evaluate its value when the variable is set: 1/0 is fine */
    char *l = first_line("let n ?= 1 / 0\nprint n\n", DEFS("n=3"));
    ck_assert_str_eq(l, "3");
    g_free(l);
    /* an earlier statement also counts as set */
    l = first_line("let n = 5\nlet n ?= 9\nprint n\n", NULL);
    ck_assert_str_eq(l, "5");
    g_free(l);
    /* a parameter may be modified after its declaration */
    l = first_line("let n ?= 1\nlet n = n * 10\nprint n\n", DEFS("n=7"));
    ck_assert_str_eq(l, "70");
    g_free(l);
    /* a define may simply be read (a required parameter) */
    l = first_line("print k + 1\n", DEFS("k=41"));
    ck_assert_str_eq(l, "42");
    g_free(l);
    /* a define used in a condition and a loop bound */
    l = first_line("let big ?= 0\nlet s = 0\nif big { for i in 0..big { let s = s + i } }\nprint s\n",
                   DEFS("big=5"));
    ck_assert_str_eq(l, "10");
    g_free(l);
    /* without the define the parameter keeps its default */
    char *msg = define_error("print k\n", NULL);
    ck_assert_str_eq(msg, "t.trace:1:7: unknown variable 'k'");
    g_free(msg);
}
END_TEST

START_TEST(test_qassign_parse_errors)
{
    char *m = scn_test_parse_error("let n ?=\n");
    ck_assert_str_eq(m, "t.trace:1:9: expected a value, found end of line");
    g_free(m);
    m = scn_test_parse_error("let n : 3\n");
    ck_assert_str_eq(m, "t.trace:1:7: unexpected character ':'");
    g_free(m);
    m = scn_test_parse_error("let n == 3\n");
    ck_assert_str_eq(m, "t.trace:1:7: expected '=' or '?=' after the variable name, found '=='");
    g_free(m);
    m = scn_test_parse_error("let min ?= 3\n");
    ck_assert_str_eq(m, "t.trace:1:5: 'min' is a function name and cannot be a variable");
    g_free(m);
    m = scn_test_parse_error("print 1 ?= 2\n");
    ck_assert_ptr_nonnull(m);
    g_free(m);
}
END_TEST

struct derr { const char *text; const char *define; const char *message; };

static const struct derr define_errors[] = {
    /* the value, positioned in "--define NAME" */
    { "let g ?= 1\n", "g=1 +", "--define g:1:4: expected a value, found end of line" },
    { "let g ?= 1\n", "g=", "--define g:1:1: expected a value, found end of line" },
    { "let g ?= 1\n", "g=3 - 5", "--define g:1:3: negative result: 3 - 5 (values are unsigned)" },
    { "let g ?= 1\n", "g=1 / 0", "--define g:1:3: division by zero (1 / 0)" },
    { "let g ?= 1\n", "g=4Q", "--define g:1:1: invalid suffix 'Q' on number (expected K, M, G, ps, ns, us, ms or s)" },
    { "let g ?= 1\n", "g=\"open", "--define g:1:1: unterminated string literal" },
    { "let g ?= 1\n", "g=4;print 1", "--define g:1:3: expected the end of the value, found 'print'" },
    { "let g ?= 1\n", "g=4\nmmio write 0 0", "--define g:2:1: expected the end of the value, found 'mmio'" },
    { "let g ?= 1\n", "g=x + 1", "--define g:1:1: unknown variable 'x'" },
    { "let g ?= 1\n", "g=(x)", "--define g:1:2: unknown variable 'x'" },
    { "let g ?= 1\n", "g=now()", "--define g:1:1: a define's value is a constant: the function now() cannot be used in it" },
    { "let g ?= 1\n", "g=reg(smmu.CR0)",
      "--define g:1:1: a define's value is a constant: the function reg() cannot be used in it" },
    { "let g ?= 1\n", "g=@", "--define g:1:1: unexpected character '@'" },
    /* the name */
    { "let g ?= 1\n", "g", "--define 'g': expected NAME=VALUE" },
    { "let g ?= 1\n", "=3", "--define '=3': '' is not a variable name (letters, digits and '_', not starting with a digit)" },
    { "let g ?= 1\n", "3g=1", "--define '3g=1': '3g' is not a variable name (letters, digits and '_', not starting with a digit)" },
    { "let g ?= 1\n", "a b=1", "--define 'a b=1': 'a b' is not a variable name (letters, digits and '_', not starting with a digit)" },
    { "let g ?= 1\n", "smmu.tlbi_cycles=3", "--define smmu.tlbi_cycles: 'smmu.tlbi_cycles' is a parameter name (it has a dot); use --set smmu.tlbi_cycles=3" },
    { "let g ?= 1\n", "min=3", "--define min: 'min' is a function name and cannot be a variable" },
    /* the scenario cannot take it */
    { "let granule ?= 4K\n", "granul=64K", "--define granul: the scenario has no variable 'granul' (did you mean 'granule'?)" },
    { "print 1\n", "zzz=1", "--define zzz: the scenario has no variable 'zzz'" },
    { "let granule = 4K\nprint granule\n", "granule=64K",
      "--define granule: the scenario assigns 'granule' with let at t.trace:1; use 'let granule ?= ...' to make it a parameter of the scenario" },
    { "print 1\nlet n = 2\nlet n ?= 3\n", "n=1",
      "--define n: the scenario assigns 'n' with let at t.trace:2; use 'let n ?= ...' to make it a parameter of the scenario" },
    { "for i in 0..3 { print i }\n", "i=1",
      "--define i: the scenario assigns 'i' as a loop variable at t.trace:1, so the define would be lost" },
    { "mmio read smmu.CR0 -> v\nprint v\n", "v=1",
      "--define v: the scenario assigns 'v' as the output of a statement at t.trace:1, so the define would be lost" },
    { "arena a base=0x40000000 size=1M\n", "a=1",
      "--define a: the scenario assigns 'a' as the name of an object at t.trace:1, so the define would be lost" },
};

START_TEST(test_define_errors)
{
    const struct derr *c = &define_errors[_i];
    char *msg = define_error(c->text, DEFS(c->define));
    ck_assert_msg(!strcmp(msg, c->message), "define '%s':\n got  %s\n want %s", c->define, msg, c->message);
    g_free(msg);
}
END_TEST

START_TEST(test_define_given_twice)
{
    char *msg = define_error("let n ?= 1\n", DEFS("n=1", "n=2"));
    ck_assert_str_eq(msg, "--define n is given twice");
    g_free(msg);
    /* the first error of the scenario itself comes before define checks */
    msg = define_error("let n ?= 1\nprint nn\n", DEFS("x=1"));
    ck_assert_str_eq(msg, "t.trace:2:7: unknown variable 'nn' (did you mean 'n'?)");
    g_free(msg);
}
END_TEST

START_TEST(test_low_level_api)
{
    GError *err = NULL;
    const char *const defs[] = { "n=6", NULL };
    struct scenario *s = scenario_parse_string_defines("t.trace", "let n ?= 1\nlet m = n * 2\n", defs, &err);
    ck_assert_msg(s != NULL, "%s", err ? err->message : "");
    struct scenario_opts o = { .quiet = true, .defines = defs };
    struct scenario_run *r = scenario_run_new(&o);
    ck_assert_int_eq(scenario_run_exec(r, s, &err), SCENARIO_OK);
    uint64_t v = 0;
    ck_assert(scenario_run_var(r, "m", &v));
    ck_assert_uint_eq(v, 12);
    scenario_run_free(r);
    /* options naming other defines than the parse's are refused, not ignored */
    const char *const other[] = { "n=7", NULL };
    o.defines = other;
    r = scenario_run_new(&o);
    ck_assert_int_eq(scenario_run_exec(r, s, &err), SCENARIO_ERROR_EXIT);
    ck_assert_ptr_nonnull(strstr(err->message, "the run's defines differ"));
    g_clear_error(&err);
    scenario_run_free(r);
    scenario_free(s);
    /* a scenario parsed without defines and run without them */
    s = scenario_parse_string("t.trace", "let n ?= 1\n", &err);
    ck_assert_ptr_nonnull(s);
    o.defines = NULL;
    r = scenario_run_new(&o);
    ck_assert_int_eq(scenario_run_exec(r, s, &err), SCENARIO_OK);
    ck_assert(scenario_run_var(r, "n", &v));
    ck_assert_uint_eq(v, 1);
    scenario_run_free(r);
    scenario_free(s);
}
END_TEST

START_TEST(test_includes_see_defines)
{
    char *dir = scn_test_tmpdir();
    scn_test_write(dir, "lib.trace", "let depth ?= 2\nlet twice = depth * 2\n");
    scn_test_write(dir, "main.trace", "include \"lib.trace\"\nprint depth twice\n");
    char *path = g_build_filename(dir, "main.trace", NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *const defs[] = { "depth=8", NULL };
    struct scenario_opts o = { .out = f, .defines = defs };
    GError *err = NULL;
    int rc = scenario_run_file(path, &o, &err);
    fclose(f);
    ck_assert_msg(rc == SCENARIO_OK, "%s", err ? err->message : "");
    ck_assert(g_str_has_prefix(buf, "8 16\n"));
    free(buf);
    /* an included plain let is reported at its own file */
    scn_test_write(dir, "lib.trace", "let depth = 2\nlet twice = depth * 2\n");
    rc = scenario_run_file(path, &o, &err);
    ck_assert_int_eq(rc, SCENARIO_ERROR_EXIT);
    char *want = g_strdup_printf("--define depth: the scenario assigns 'depth' with let at %s/lib.trace:1;", dir);
    ck_assert_msg(g_str_has_prefix(err->message, want), "%s", err->message);
    g_free(want);
    g_clear_error(&err);
    g_free(path);
    scn_test_rmdir(dir);
}
END_TEST

START_TEST(test_record_with_defines)
{
    char *dir = scn_test_tmpdir();
    scn_test_write(dir, "orig.trace", "let v ?= 1\nmem write 0x1000 v\nwait 1us\n");
    char *orig = g_build_filename(dir, "orig.trace", NULL);
    char *rec = g_build_filename(dir, "rec.trace", NULL);
    const char *const defs[] = { "v=0xabcd", NULL };
    struct scenario_opts o = { .quiet = true, .defines = defs };
    GError *err = NULL;
    int rc = scenario_record(orig, rec, &o, &err);
    ck_assert_msg(rc == SCENARIO_OK, "%s", err ? err->message : "");
    char *r = NULL;
    ck_assert(g_file_get_contents(rec, &r, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(r, "# with --define v=0xabcd\n"));
    ck_assert_ptr_nonnull(strstr(r, "0xabcd"));
    g_free(r);
    /* the record replays without the define: it holds the effect */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct scenario_opts ro = { .out = f };
    scn_test_write(dir, "check.trace", "include \"rec.trace\"\nexpect mem64(0x1000) == 0xabcd\n");
    char *check = g_build_filename(dir, "check.trace", NULL);
    rc = scenario_run_file(check, &ro, &err);
    fclose(f);
    ck_assert_msg(rc == SCENARIO_OK, "%s\n%s", err ? err->message : "", buf);
    free(buf);
    g_free(check);
    g_free(orig);
    g_free(rec);
    scn_test_rmdir(dir);
}
END_TEST

START_TEST(test_canonical_text)
{
    struct { const char *def, *canon; } cases[] = {
        { "n=4K", "4096" }, { "n=0x10", "16" }, { "n=1 << 3", "8" }, { "n=10ns", "10000" },
        { "p=vcmdq", "vcmdq" }, { "p=\"vcmdq\"", "vcmdq" }, { "p=\"a b\"", "\"a b\"" },
        { "p=\"q\\\"x\"", "\"q\\\"x\"" }, { "p=\"\"", "\"\"" }, { "p=\"4K\"", "\"4K\"" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        char *c = scenario_define_canonical(cases[i].def, &err);
        ck_assert_msg(c && !strcmp(c, cases[i].canon), "%s -> %s", cases[i].def, c ? c : err->message);
        /* canonical text reads back as the same value */
        char *again = g_strdup_printf("x=%s", c);
        char *c2 = scenario_define_canonical(again, &err);
        ck_assert_str_eq(c2, c);
        g_free(again);
        g_free(c2);
        g_free(c);
    }
    GError *err = NULL;
    ck_assert_ptr_null(scenario_define_canonical("n=1 +", &err));
    ck_assert_str_eq(err->message, "--define n:1:4: expected a value, found end of line");
    g_clear_error(&err);
}
END_TEST

static Suite *defines_suite(void)
{
    Suite *s = suite_create("scenario_defines");
    TCase *tc = tcase_create("defines");
    tcase_add_test(tc, test_defaults_without_defines);
    tcase_add_test(tc, test_define_values);
    tcase_add_test(tc, test_qassign_semantics);
    tcase_add_test(tc, test_qassign_parse_errors);
    tcase_add_loop_test(tc, test_define_errors, 0, (int)G_N_ELEMENTS(define_errors));
    tcase_add_test(tc, test_define_given_twice);
    tcase_add_test(tc, test_low_level_api);
    tcase_add_test(tc, test_includes_see_defines);
    tcase_add_test(tc, test_record_with_defines);
    tcase_add_test(tc, test_canonical_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(defines_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
