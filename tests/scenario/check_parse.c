/*
 * check_parse.c — the scenario parser: every construct parses, and every
 * syntax or name error is reported as "file:line:col: message".
 */
#include <check.h>
#include <string.h>
#include <glib/gstdio.h>
#include "scn-test.h"

/* One bad input and the exact message it must produce. */
struct bad_case {
    const char *text;
    const char *message;
};

static const struct bad_case bad_cases[] = {
    /* lexer */
    { "let x = \"abc\n", "t.trace:1:9: unterminated string literal" },
    { "let x = \"a\\q\"\n", "t.trace:1:11: unknown escape '\\q' in string (use \\n, \\t, \\\\ or \\\")" },
    { "let x = 10xs\n", "t.trace:1:9: invalid suffix 'xs' on number (expected K, M, G, ps, ns, us, ms or s)" },
    { "let x = 0x\n", "t.trace:1:9: number '0x' has no digits" },
    { "let x = 99999999999999999999\n", "t.trace:1:9: number '99999999999999999999' does not fit in 64 bits" },
    { "let x = 17179869184G\n", "t.trace:1:9: number '17179869184G' does not fit in 64 bits" },
    { "let x = 1 @ 2\n", "t.trace:1:11: unexpected character '@'" },
    { "let x = $\n", "t.trace:1:9: '$' must be followed by a variable name" },
    /* statements */
    { "mmoi write smmu.CR0 1\n", "t.trace:1:1: unknown statement 'mmoi' (did you mean 'mmio'?)" },
    { "frobnicate\n", "t.trace:1:1: unknown statement 'frobnicate'" },
    { "mmio wrte smmu.CR0 1\n", "t.trace:1:6: unknown mmio operation 'wrte' (did you mean 'write'?)" },
    { "let = 3\n", "t.trace:1:5: expected a variable name after 'let', found '='" },
    { "let x 3\n", "t.trace:1:7: expected '=' or '?=' after the variable name, found number 3" },
    { "let bits = 3\n", "t.trace:1:5: 'bits' is a function name and cannot be a variable" },
    { "repeat 3 {\nprint 1\n", "t.trace:3:1: missing '}' to close the block opened at 1:10" },
    { "}\n", "t.trace:1:1: unexpected '}' (no block is open)" },
    { "else { }\n", "t.trace:1:1: 'else' without 'if' (it must follow '}' on the same line)" },
    { "repeat 3 print 1\n", "t.trace:1:10: expected '{', found 'print'" },
    { "for i 0..3 { }\n", "t.trace:1:7: expected 'in', found number 0" },
    { "for i in 0...3 { }\n", "t.trace:1:13: unexpected character '.'" },
    { "for i in 0 3 { }\n", "t.trace:1:12: expected '..' in the loop range, found number 3" },
    { "include foo\n", "t.trace:1:9: expected a file name in quotes after 'include', found 'foo'" },
    { "print 1 }\n", "t.trace:1:9: unexpected '}' (no block is open)" },
    { "let x = 1 2\n", "t.trace:1:11: expected end of line, found number 2" },
    /* expressions */
    { "let x = y + 1\n", "t.trace:1:9: unknown variable 'y'" },
    { "let count = 1\nlet x = cuont\n", "t.trace:2:9: unknown variable 'cuont' (did you mean 'count'?)" },
    { "let x = $nope\n", "t.trace:1:9: unknown variable 'nope'" },
    { "let x = (1 + 2\n", "t.trace:1:15: expected ')', found end of line" },
    { "let x = 1 +\n", "t.trace:1:12: expected a value, found end of line" },
    { "let x = bitz(1, 2, 3)\n", "t.trace:1:9: unknown function 'bitz' (did you mean 'bits'?)" },
    { "let x = bits(1, 2)\n", "t.trace:1:9: bits() needs 3 arguments, got 2" },
    { "let x = min(1, 2, 3)\n", "t.trace:1:19: too many arguments to min() (at most 2)" },
    { "let x = elapsed(start)\n", "t.trace:1:17: unknown mark 'start' (declare it first)" },
    { "mark start\nlet x = elapsed(strat)\n", "t.trace:2:17: unknown mark 'strat' (did you mean 'start'?)" },
    { "let x = drained(q9)\n", "t.trace:1:17: unknown queue 'q9' (declare it first)" },
    { "let x = reg(smmu.CMDQ_PRDO)\n", "t.trace:1:13: unknown SMMU register 'CMDQ_PRDO' (did you mean 'smmu.CMDQ_PROD'?)" },
    { "let x = reg(foo.BAR)\n", "t.trace:1:13: unknown register 'foo.BAR' (registers are smmu.NAME or cmdqv.NAME)" },
    { "let x = now\n", "t.trace:1:9: function 'now' needs arguments: now(...)" },
    /* verb arguments */
    { "mmio write smmu.CR0 1 sise=4\n", "t.trace:1:23: unknown argument 'sise' for mmio write (did you mean 'size'?)" },
    { "mmio write smmu.CR0 1 size=4 size=8\n", "t.trace:1:30: argument 'size' given twice" },
    { "mmio write smmu.CR0\n", "t.trace:1:20: mmio write needs 'value' (usage: mmio write REG VALUE [size=4|8])" },
    { "mmio write smmu.CR0 1 2\n", "t.trace:1:23: unexpected number 2: mmio write takes no more positional arguments (usage: mmio write REG VALUE [size=4|8])" },
    { "mmio write smmu.CR0 1 -> v\n", "t.trace:1:23: mmio write produces no value to store with '->'" },
    { "mmio read smmu.NOPE\n", "t.trace:1:11: unknown SMMU register 'NOPE'" },
    { "mmio read cmdqv.VCMDQ999_PROD\n", "t.trace:1:11: unknown CMDQV register 'VCMDQ999_PROD' (names like CONFIG, VCMDQ3_PROD, VINTF1_LVCMDQ0_CONS, CMDQ_ALLOC5)" },
    { "at\n", "t.trace:1:3: at needs 'time' (usage: at TIME)" },
    { "set\n", "t.trace:1:1: set needs at least one name=value" },
    { "wait 1us timeout=5us\n", "t.trace:1:18: timeout= only applies to 'wait until ...'" },
    { "wait until q0 drained\n", "t.trace:1:12: unknown queue 'q0' (declare it with 'queue q0 ...')" },
    { "cmd 0x1000 TLBI_NH_VA asdi=1\n", "t.trace:1:23: unknown field 'asdi' for TLBI_NH_VA (did you mean 'asid'?)" },
    { "cmd 0x1000 TLBI_NH_VX asid=1\n", "t.trace:1:12: unknown command 'TLBI_NH_VX' (did you mean 'TLBI_NH_VA'?)" },
    { "cmd 0x1000 CMD_SYNC zzzzzzzz=1\n", "t.trace:1:21: unknown field 'zzzzzzzz' for SYNC (fields: cs, msh, msiattr, msidata, msiaddr)" },
    { "cmd 0x1000 TLBI_NSNH_ALL vmid=1\n", "t.trace:1:26: unknown field 'vmid' for TLBI_NSNH_ALL (it has no fields)" },
    { "cmd 0x1000 RAW dw2=1\n", "t.trace:1:16: unknown field 'dw2' for RAW (fields: dw0, dw1)" },
    { "cmd 0x1000 TLBI_NH_ALL vmid=1 vmid=2\n", "t.trace:1:31: field 'vmid' given twice" },
    { "queue mmio base=0 log2size=1 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\n", "t.trace:1:7: 'mmio' is a reserved word and cannot name a queue" },
    { "queue q base=0 log2size=1 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\nqueue q base=0 log2size=1 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\n",
      "t.trace:2:7: queue 'q' is already declared" },
    { "queue q base=0 log2size=1 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\nq pusj CMD_SYNC\n", "t.trace:2:3: unknown queue operation 'pusj' (did you mean 'push'?)" },
    { "queue q base=0 log2size=1 prod=smmu.CMDQ_PROD\n", "t.trace:1:46: queue needs 'cons' (usage: queue NAME base=ADDR log2size=N prod=REG cons=REG)" },
};

START_TEST(test_bad_input)
{
    const struct bad_case *c = &bad_cases[_i];
    char *msg = scn_test_parse_error(c->text);
    ck_assert_msg(msg != NULL, "case %d parsed without error: %s", _i, c->text);
    ck_assert_str_eq(msg, c->message);
    g_free(msg);
}
END_TEST

/* Inputs that must parse. */
static const char *const good_cases[] = {
    "",
    "# only a comment\n\n   \n",
    "let x = 4K\nlet y = x * 2 + (3 << 4) - 1\n",
    "let t = 10ns + 2us + 1ms + 5ps + 1s\n",
    "let b = 0b1010 | 0xff & ~0x0f ^ 1\nlet c = 1_000_000\n",
    "let a = 1 == 1 && 2 != 3 || !0\nlet b = 1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3\n",
    "let s = \"text with \\\"quotes\\\" and \\\\ \\n\\t\"\n",
    "let x = 1; let y = $x + 1; print x y \"z\"\n",
    "repeat 3 { print 1 }\n",
    "for i in 0..10 { print i }\nfor j in 0..10 step 3 {\n  print j\n}\n",
    "let x = 1\nif x == 1 { print 1 } else if x == 2 { print 2 } else { print 3 }\n",
    "let x = 1 \\\n  + 2\n",
    "mark a\nlet e = elapsed(a)\n",
    "let v = bits(0xff00, 15, 8) + min(1, 2) + max(3, 4)\n",
    "mmio write smmu.CMDQ_PROD 5\nmmio read smmu.CMDQ_CONS -> c\nmmio write 0x09050098 5 size=4\n",
    "mmio write cmdqv.VINTF1_LVCMDQ0_PROD 1\nmmio read cmdqv.CONFIG -> c\n",
    "mem write 0x1000 5 size=8\nmem read 0x1000 size=4 -> v\nmem fill 0x2000 64 byte=0xaa\nmem abort 0x3000 16 kind=read\nmem clear_aborts\n",
    "cmd 0x1000 TLBI_NH_VA asid=1 vmid=2 addr=0x4000 tg=4K num=3\ncmd 0x1010 CMD_SYNC cs=0\ncmd 0x1020 CFGI_ALL\ncmd 0x1030 RAW dw0=0x99 dw1=0\n",
    "queue q0 base=0x100000 log2size=8 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\nq0 push TLBI_NH_ASID asid=1\nq0 submit\nwait until q0 drained timeout=1ms\nlet d = drained(q0)\n",
    "wait 10us\nwait until idle\nwait until idle timeout=5us\nwait until reg(smmu.CR0ACK) == 8 timeout=1us\nat 20us\n",
    "profile grace\nset smmu.tlbi_cycles=20 machine.cmdqv=true\nset smmu.clock_mhz=1500\nmachine\n",
    "expect 1\nexpect 1 == 1 msg=\"why\"\nexpect_between 5 1 10\nexpect_error \"timed out\" { wait until 0 timeout=1us }\n",
    "print \"x\" 1 2 hex=1\nlet s = stat(\"smmu.cmdq.cmds\") + param(\"smmu.clock_mhz\") + cycles(3) + now() + idle() + mem32(0)\n",
};

START_TEST(test_good_input)
{
    GError *err = NULL;
    struct scenario *s = scenario_parse_string("t.trace", good_cases[_i], &err);
    ck_assert_msg(s != NULL, "case %d: %s", _i, err ? err->message : "");
    scenario_free(s);
}
END_TEST

START_TEST(test_statement_count)
{
    GError *err = NULL;
    struct scenario *s = scenario_parse_string("t.trace",
        "let x = 1\nrepeat 2 {\n  print x\n  if x { print 1 } else { print 2 }\n}\n", &err);
    ck_assert_ptr_nonnull(s);
    /* let, repeat, print, if, print, print */
    ck_assert_uint_eq(scenario_statement_count(s), 6);
    scenario_free(s);
}
END_TEST

START_TEST(test_include_relative_and_cycle)
{
    char *dir = scn_test_tmpdir();
    char *sub = g_build_filename(dir, "sub", NULL);
    g_mkdir(sub, 0700);
    scn_test_write(dir, "main.trace", "let a = 1\ninclude \"sub/b.trace\"\nlet c = b + 1\n");
    scn_test_write(sub, "b.trace", "let b = a + 1\n");
    char *main_path = g_build_filename(dir, "main.trace", NULL);
    GError *err = NULL;
    struct scenario *s = scenario_parse_file(main_path, &err);
    ck_assert_msg(s != NULL, "%s", err ? err->message : "");
    ck_assert_uint_eq(scenario_statement_count(s), 4);
    scenario_free(s);

    /* a -> b -> a */
    scn_test_write(dir, "a.trace", "include \"c.trace\"\n");
    scn_test_write(dir, "c.trace", "\n  include \"a.trace\"\n");
    char *a_path = g_build_filename(dir, "a.trace", NULL);
    s = scenario_parse_file(a_path, &err);
    ck_assert_ptr_null(s);
    char *c_path = g_build_filename(dir, "c.trace", NULL);
    char *want = g_strdup_printf("%s:2:11: include cycle: %s -> %s -> %s", c_path, a_path, c_path, a_path);
    ck_assert_str_eq(err->message, want);
    ck_assert(g_error_matches(err, SCENARIO_ERROR, SCENARIO_ERROR_INCLUDE));
    g_clear_error(&err);

    /* self include */
    scn_test_write(dir, "self.trace", "include \"self.trace\"\n");
    char *self_path = g_build_filename(dir, "self.trace", NULL);
    s = scenario_parse_file(self_path, &err);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err->message, "include cycle"));
    g_clear_error(&err);

    /* missing file */
    scn_test_write(dir, "m.trace", "include \"nope.trace\"\n");
    char *m_path = g_build_filename(dir, "m.trace", NULL);
    s = scenario_parse_file(m_path, &err);
    ck_assert_ptr_null(s);
    char *prefix = g_strdup_printf("%s:1:9: cannot read '%s/nope.trace'", m_path, dir);
    ck_assert_msg(g_str_has_prefix(err->message, prefix), "%s", err->message);
    ck_assert(g_error_matches(err, SCENARIO_ERROR, SCENARIO_ERROR_IO));
    g_clear_error(&err);

    /* error inside an included file is positioned in that file */
    scn_test_write(dir, "e.trace", "include \"f.trace\"\n");
    scn_test_write(dir, "f.trace", "let x = 1\nlet y = zz\n");
    char *e_path = g_build_filename(dir, "e.trace", NULL);
    char *f_path = g_build_filename(dir, "f.trace", NULL);
    s = scenario_parse_file(e_path, &err);
    ck_assert_ptr_null(s);
    char *want2 = g_strdup_printf("%s:2:9: unknown variable 'zz'", f_path);
    ck_assert_str_eq(err->message, want2);
    g_clear_error(&err);

    g_free(want);
    g_free(want2);
    g_free(prefix);
    g_free(main_path);
    g_free(a_path);
    g_free(c_path);
    g_free(self_path);
    g_free(m_path);
    g_free(e_path);
    g_free(f_path);
    /* remove sub/ first */
    char *subf = g_build_filename(sub, "b.trace", NULL);
    g_remove(subf);
    g_rmdir(sub);
    g_free(subf);
    g_free(sub);
    scn_test_rmdir(dir);
}
END_TEST

START_TEST(test_missing_file)
{
    GError *err = NULL;
    struct scenario *s = scenario_parse_file("/nonexistent/x.trace", &err);
    ck_assert_ptr_null(s);
    ck_assert(g_str_has_prefix(err->message, "cannot read '/nonexistent/x.trace'"));
    g_clear_error(&err);
}
END_TEST

START_TEST(test_deep_nesting_is_an_error)
{
    GString *t = g_string_new("let x = ");
    for (int i = 0; i < 1000; i++)
        g_string_append_c(t, '(');
    g_string_append(t, "1\n");
    char *msg = scn_test_parse_error(t->str);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "expression nested too deeply"));
    g_free(msg);
    g_string_assign(t, "");
    for (int i = 0; i < 100; i++)
        g_string_append(t, "repeat 1 {\n");
    msg = scn_test_parse_error(t->str);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "blocks nested too deeply (limit 64)"));
    g_free(msg);
    g_string_assign(t, "let x = ");
    for (int i = 0; i < 1000; i++)
        g_string_append(t, "-~");
    g_string_append(t, "1\n");
    msg = scn_test_parse_error(t->str);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "expression nested too deeply"));
    g_free(msg);
    g_string_free(t, TRUE);
}
END_TEST

static Suite *parse_suite(void)
{
    Suite *s = suite_create("scenario_parse");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_bad_input, 0, (int)G_N_ELEMENTS(bad_cases));
    tcase_add_loop_test(tc, test_good_input, 0, (int)G_N_ELEMENTS(good_cases));
    tcase_add_test(tc, test_statement_count);
    tcase_add_test(tc, test_include_relative_and_cycle);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_deep_nesting_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(parse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
