/*
 * check_exec.c — the executor without hardware: variables, arithmetic and
 * its errors, control flow, print, expectations that pass and fail.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "scn-test.h"

static uint64_t var_after(const char *text, const char *name)
{
    GError *err = NULL;
    struct scenario *s = scenario_parse_string("t.trace", text, &err);
    ck_assert_msg(s != NULL, "%s", err ? err->message : "");
    struct scenario_opts o = { .quiet = true };
    struct scenario_run *r = scenario_run_new(&o);
    int rc = scenario_run_exec(r, s, &err);
    ck_assert_msg(rc == SCENARIO_OK, "rc %d: %s", rc, err ? err->message : "");
    uint64_t v = 0;
    ck_assert_msg(scenario_run_var(r, name, &v), "variable %s not set", name);
    scenario_run_free(r);
    scenario_free(s);
    return v;
}

START_TEST(test_literals_and_arithmetic)
{
    ck_assert_uint_eq(var_after("let x = 4K\n", "x"), 4096);
    ck_assert_uint_eq(var_after("let x = 2M + 1G\n", "x"), 2097152ull + 1073741824ull);
    ck_assert_uint_eq(var_after("let x = 10ns\n", "x"), 10000);
    ck_assert_uint_eq(var_after("let x = 2us\n", "x"), 2000000);
    ck_assert_uint_eq(var_after("let x = 1ms\n", "x"), 1000000000ull);
    ck_assert_uint_eq(var_after("let x = 5ps\n", "x"), 5);
    ck_assert_uint_eq(var_after("let x = 1s\n", "x"), 1000000000000ull);
    ck_assert_uint_eq(var_after("let x = 0x10 + 0b101 + 1_000\n", "x"), 16 + 5 + 1000);
    ck_assert_uint_eq(var_after("let x = 2 + 3 * 4\n", "x"), 14);
    ck_assert_uint_eq(var_after("let x = (2 + 3) * 4\n", "x"), 20);
    ck_assert_uint_eq(var_after("let x = 17 / 5 * 10 + 17 % 5\n", "x"), 32);
    ck_assert_uint_eq(var_after("let x = 1 << 4 | 1\n", "x"), 17);
    ck_assert_uint_eq(var_after("let x = 0xf0 >> 4 & 0x3\n", "x"), 3);
    ck_assert_uint_eq(var_after("let x = 0xff ^ 0x0f\n", "x"), 0xf0);
    ck_assert_uint_eq(var_after("let x = ~0\n", "x"), UINT64_MAX);
    ck_assert_uint_eq(var_after("let x = !5 + !0\n", "x"), 1);
    ck_assert_uint_eq(var_after("let x = -0 + +3\n", "x"), 3);
    ck_assert_uint_eq(var_after("let x = (3 > 2) + (2 >= 2) + (1 < 2) + (2 <= 1) + (1 == 1) + (1 != 1)\n", "x"), 4);
    ck_assert_uint_eq(var_after("let x = 0 && (1 / 0)\n", "x"), 0);   /* short circuit */
    ck_assert_uint_eq(var_after("let x = 1 || (1 / 0)\n", "x"), 1);
    ck_assert_uint_eq(var_after("let x = \"a\" == \"a\"\n", "x"), 1);
    ck_assert_uint_eq(var_after("let x = \"a\" != \"b\"\n", "x"), 1);
    ck_assert_uint_eq(var_after("let x = bits(0xabcd, 15, 8)\n", "x"), 0xab);
    ck_assert_uint_eq(var_after("let x = bits(~0, 63, 0)\n", "x"), UINT64_MAX);
    ck_assert_uint_eq(var_after("let x = min(4, 9) * max(4, 9)\n", "x"), 36);
    ck_assert_uint_eq(var_after("let x = 18446744073709551615\n", "x"), UINT64_MAX);
    ck_assert_uint_eq(var_after("let x = 1 << 63\n", "x"), 1ull << 63);
    ck_assert_uint_eq(var_after("let a = 3\nlet x = $a * a\n", "x"), 9);
    ck_assert_uint_eq(var_after("let x = ((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))\n", "x"), 1);
}
END_TEST

struct err_case {
    const char *text;
    const char *message;
};

static const struct err_case runtime_errors[] = {
    { "set machine.cmdqv=2\n",
      "t.trace:1:5: parameter 'machine.cmdqv': '2' is not a boolean (true/false, yes/no, on/off, 1/0)" },
    { "let x = 18446744073709551615 + 1\n", "t.trace:1:30: overflow: 18446744073709551615 + 1 does not fit in 64 bits" },
    { "let x = 1 - 2\n", "t.trace:1:11: negative result: 1 - 2 (values are unsigned)" },
    { "let x = 1ms * 1ms * 1ms\n", "t.trace:1:19: overflow: 1000000000000000000 * 1000000000 does not fit in 64 bits" },
    { "let z = 0\nlet x = 5 / z\n", "t.trace:2:11: division by zero (5 / 0)" },
    { "let x = 5 % 0\n", "t.trace:1:11: division by zero (5 % 0)" },
    { "let x = 1 << 64\n", "t.trace:1:11: shift count 64 out of range 0..63" },
    { "let x = 3 << 63\n", "t.trace:1:11: overflow: 3 << 63 loses bits" },
    { "let x = 1 >> 70\n", "t.trace:1:11: shift count 70 out of range 0..63" },
    { "let x = -1\n", "t.trace:1:9: negative value -1 (values are unsigned; use ~ for masks)" },
    { "let x = \"a\" + 1\n", "t.trace:1:13: operator '+' needs a number, got the string \"a\"" },
    { "let x = ~\"a\"\n", "t.trace:1:9: operator '~' needs a number, got the string \"a\"" },
    { "repeat \"a\" { }\n", "t.trace:1:8: this value needs a number, got the string \"a\"" },
    { "let x = bits(1, 2, 3)\n", "t.trace:1:9: bits(x, hi, lo) needs 63 >= hi >= lo, got hi=2 lo=3" },
    { "let x = bits(1, 64, 0)\n", "t.trace:1:9: bits(x, hi, lo) needs 63 >= hi >= lo, got hi=64 lo=0" },
    { "if 0 { let y = 1 }\nlet x = y\n", "t.trace:2:9: variable 'y' is used before it is set" },
    { "for i in 0..3 step 0 { }\n", "t.trace:1:20: loop step must not be 0" },
    { "repeat 3 {\n  let x = 1 / 0\n}\n", "t.trace:2:13: division by zero (1 / 0)" },
};

START_TEST(test_runtime_errors)
{
    const struct err_case *c = &runtime_errors[_i];
    char *out, *msg;
    int rc = scn_test_run(c->text, &out, &msg);
    ck_assert_msg(rc == SCENARIO_ERROR_EXIT, "case %d rc %d", _i, rc);
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_eq(msg, c->message);
    g_free(msg);
    free(out);
}
END_TEST

START_TEST(test_control_flow)
{
    ck_assert_uint_eq(var_after("let s = 0\nfor i in 0..10 { let s = s + i }\n", "s"), 45);
    ck_assert_uint_eq(var_after("let s = 0\nfor i in 2..11 step 3 { let s = s + i }\n", "s"), 2 + 5 + 8);
    ck_assert_uint_eq(var_after("let s = 0\nfor i in 5..5 { let s = 1 }\n", "s"), 0);
    ck_assert_uint_eq(var_after("let s = 0\nrepeat 7 { let s = s + 2 }\n", "s"), 14);
    ck_assert_uint_eq(var_after("let s = 0\nrepeat 0 { let s = 1 }\n", "s"), 0);
    ck_assert_uint_eq(var_after("let s = 0\nrepeat 3 { repeat 4 { let s = s + 1 } }\n", "s"), 12);
    ck_assert_uint_eq(var_after("let x = 2\nif x == 1 { let r = 10 } else if x == 2 { let r = 20 } else { let r = 30 }\n",
                                "r"), 20);
    ck_assert_uint_eq(var_after("let x = 9\nif x == 1 { let r = 10 } else if x == 2 { let r = 20 } else { let r = 30 }\n",
                                "r"), 30);
    ck_assert_uint_eq(var_after("let r = 0\nif 1 {\n  let r = 5\n}\n", "r"), 5);
    ck_assert_uint_eq(var_after("let a = 1; let b = a + 1; let c = b * 10\n", "c"), 20);
    /* the loop variable keeps its last value */
    ck_assert_uint_eq(var_after("for i in 0..4 { }\n", "i"), 3);
}
END_TEST

START_TEST(test_million_iterations_are_cheap)
{
    /* A million-statement loop body runs from one parse. */
    ck_assert_uint_eq(var_after("let s = 0\nrepeat 1000000 { let s = s + 3 }\n", "s"), 3000000);
}
END_TEST

START_TEST(test_print)
{
    char *out, *msg;
    int rc = scn_test_run("let x = 255\nprint \"x is\" x\nprint x hex=1\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_OK);
    ck_assert_ptr_nonnull(strstr(out, "x is 255\n0xff\n"));
    free(out);
    struct scenario_opts o = { .quiet = true };
    rc = scn_test_run_opts("print \"hidden\"\n", &o, &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_OK);
    ck_assert_str_eq(out, "");
    free(out);
}
END_TEST

START_TEST(test_expect_pass_and_fail)
{
    char *out, *msg;
    int rc = scn_test_run("expect 1\nexpect 2 + 2 == 4\nexpect_between 5 1 10\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_OK);
    ck_assert_ptr_nonnull(strstr(out, "expectations: 3 checked, 0 failed"));
    free(out);

    rc = scn_test_run("let x = 3\nexpect x == 5 msg=\"x must be five\"\nexpect 0\nexpect_between x 4 10\nexpect x < 1\n",
                      &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_FAILED);
    ck_assert_ptr_null(msg);
    ck_assert_ptr_nonnull(strstr(out, "t.trace:2: expectation failed: expect x == 5 msg=\"x must be five\"\n"
                                      "    expected: 5 (0x5)\n    actual:   3 (0x3)\n    x must be five\n"));
    ck_assert_ptr_nonnull(strstr(out, "t.trace:3: expectation failed: expect 0\n    the condition is 0 (false)\n"));
    ck_assert_ptr_nonnull(strstr(out, "t.trace:4: expectation failed: expect_between x 4 10\n"
                                      "    expected: 4 .. 10\n    actual:   3\n"));
    ck_assert_ptr_nonnull(strstr(out, "t.trace:5: expectation failed: expect x < 1\n"));
    ck_assert_ptr_nonnull(strstr(out, "expectations: 4 checked, 4 failed"));
    free(out);
}
END_TEST

START_TEST(test_expect_error)
{
    char *out, *msg;
    int rc = scn_test_run("expect_error \"division by zero\" { let x = 1 / 0 }\nexpect_error { let y = 1 - 2 }\n",
                          &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_OK);
    free(out);
    rc = scn_test_run("expect_error { let x = 1 }\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_FAILED);
    ck_assert_ptr_nonnull(strstr(out, "t.trace:1: expectation failed: the block raised no error\n"));
    free(out);
    rc = scn_test_run("expect_error \"overflow\" { let x = 1 / 0 }\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_FAILED);
    ck_assert_ptr_nonnull(strstr(out, "expected an error containing \"overflow\", got: t.trace:1:37: division by zero"));
    free(out);
}
END_TEST

START_TEST(test_machine_failure_is_an_error)
{
    char *out, *msg;
    /* the window is not 64 KiB aligned: creation fails, every time it is tried */
    int rc = scn_test_run("set machine.smmu_base=0x1234\n"
                          "expect_error \"cannot create the machine\" { machine }\n"
                          "expect_error \"cannot create the machine\" { wait 1us }\n"
                          "wait 1us\n", &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_ERROR_EXIT);
    ck_assert_msg(g_str_has_prefix(msg, "t.trace:4:1: cannot create the machine: "), "%s", msg);
    g_free(msg);
    free(out);
}
END_TEST

START_TEST(test_run_file_missing)
{
    GError *err = NULL;
    struct scenario_opts o = { .quiet = true };
    ck_assert_int_eq(scenario_run_file("/nonexistent.trace", &o, &err), SCENARIO_ERROR_EXIT);
    ck_assert_ptr_nonnull(err);
    g_clear_error(&err);
}
END_TEST

static Suite *exec_suite(void)
{
    Suite *s = suite_create("scenario_exec");
    TCase *tc = tcase_create("exec");
    tcase_add_test(tc, test_literals_and_arithmetic);
    tcase_add_loop_test(tc, test_runtime_errors, 0, (int)G_N_ELEMENTS(runtime_errors));
    tcase_add_test(tc, test_control_flow);
    tcase_add_test(tc, test_million_iterations_are_cheap);
    tcase_add_test(tc, test_print);
    tcase_add_test(tc, test_expect_pass_and_fail);
    tcase_add_test(tc, test_expect_error);
    tcase_add_test(tc, test_machine_failure_is_an_error);
    tcase_add_test(tc, test_run_file_missing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(exec_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
