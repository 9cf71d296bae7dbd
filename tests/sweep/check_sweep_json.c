/*
 * check_sweep_json.c — the strict JSON reader used by `smmusim merge`
 * (well-formed documents, every class of malformed input with its
 * file:line:column) and the CSV row writer.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "sim/cli/sweep.h"

static struct sweep_json *parse(const char *text, GError **err)
{
    return sweep_json_parse(text, strlen(text), "t.json", err);
}

/* Parsing must fail with a message containing `want`. */
static void expect_error(const char *text, const char *want)
{
    GError *err = NULL;
    struct sweep_json *v = parse(text, &err);
    ck_assert_msg(v == NULL, "accepted: %s", text);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, want), "'%s': got '%s', want '%s'", text, err->message, want);
    g_error_free(err);
}

START_TEST(stats_document)
{
    GError *err = NULL;
    struct sweep_json *v = parse("{\"params\": {\"smmu.clock_mhz\": \"1000\"},\n"
                                 " \"stats\": {\"a.cmds\": 18446744073709551615,\n"
                                 "  \"h\": {\"count\": 2, \"p50\": 120831, \"unit\": \"ps\"},\n"
                                 "  \"neg\": -1.5e3, \"t\": true, \"f\": false, \"n\": null, \"arr\": [1, [], {}]}}",
                                 &err);
    ck_assert_ptr_nonnull(v);
    const struct sweep_json *stats = sweep_json_get(v, "stats");
    ck_assert_int_eq(stats->kind, SWEEP_JSON_OBJECT);
    ck_assert_str_eq(g_ptr_array_index(stats->keys, 0), "a.cmds");     /* member order kept */
    guint64 n;
    ck_assert(sweep_json_u64(sweep_json_get(stats, "a.cmds"), &n));
    ck_assert(n == G_MAXUINT64);
    ck_assert_str_eq(sweep_json_get(sweep_json_get(stats, "h"), "unit")->text, "ps");
    ck_assert_str_eq(sweep_json_get(stats, "neg")->text, "-1.5e3");     /* literal kept exactly */
    ck_assert(!sweep_json_u64(sweep_json_get(stats, "neg"), &n));
    ck_assert(sweep_json_get(stats, "t")->boolean);
    ck_assert(!sweep_json_get(stats, "f")->boolean);
    ck_assert_int_eq(sweep_json_get(stats, "n")->kind, SWEEP_JSON_NULL);
    ck_assert_uint_eq(sweep_json_get(stats, "arr")->items->len, 3);
    ck_assert_ptr_null(sweep_json_get(stats, "missing"));
    ck_assert_ptr_null(sweep_json_get(sweep_json_get(stats, "arr"), "x"));
    sweep_json_free(v);
}
END_TEST

START_TEST(u64_overflow_is_not_u64)
{
    struct sweep_json *v = parse("18446744073709551616", NULL);
    guint64 n;
    ck_assert_ptr_nonnull(v);
    ck_assert(!sweep_json_u64(v, &n));
    sweep_json_free(v);
}
END_TEST

START_TEST(string_escapes)
{
    struct sweep_json *v = parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\"", NULL);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v->text, "a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\x98\x80");
    sweep_json_free(v);
}
END_TEST

START_TEST(malformed_inputs)
{
    expect_error("", "t.json:1:1: expected a value, found end of input");
    expect_error("   \n  ", "t.json:2:3:");
    expect_error("{\"a\": 1,}", "t.json:1:9: trailing comma before '}'");
    expect_error("[1, 2,]", "trailing comma before ']'");
    expect_error("{\"a\" 1}", "expected ':' after key \"a\"");
    expect_error("{\"a\": 1 \"b\": 2}", "expected ',' or '}' in object");
    expect_error("[1 2]", "expected ',' or ']' in array");
    expect_error("{a: 1}", "expected a string key");
    expect_error("{\"a\": 1, \"a\": 2}", "duplicate key \"a\"");
    expect_error("01", "leading zero");
    expect_error("-", "malformed number");
    expect_error("1.", "digits must follow '.'");
    expect_error("1e", "digits must follow the exponent");
    expect_error("+1", "expected a value");
    expect_error("NaN", "expected a value");
    expect_error("tru", "expected a value");
    expect_error("'a'", "expected a value");
    expect_error("\"abc", "unterminated string");
    expect_error("\"a\nb\"", "control character 0x0A");
    expect_error("\"\\x\"", "invalid escape '\\x'");
    expect_error("\"\\u12\"", "4 hex digits");
    expect_error("\"\\ud800\"", "not followed by a low surrogate");
    expect_error("\"\\udc00\"", "unpaired low surrogate");
    expect_error("\"\\u0000\"", "\\u0000");
    expect_error("{} {}", "t.json:1:4: unexpected text after the JSON value");
    expect_error("{}\n\n  x", "t.json:3:3:");
    expect_error("\"\xff\"", "invalid UTF-8");
    expect_error("[\n  1,\n  @\n]", "t.json:3:3: expected a value, found character '@'");
}
END_TEST

START_TEST(nul_byte)
{
    GError *err = NULL;
    ck_assert_ptr_null(sweep_json_parse("[1,\0 2]", 7, "n.json", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "n.json:1:4: NUL byte"));
    g_error_free(err);
}
END_TEST

START_TEST(depth_limit)
{
    GString *deep = g_string_new(NULL);
    for (int i = 0; i < 100000; i++)
        g_string_append_c(deep, '[');
    expect_error(deep->str, "nested deeper than");
    g_string_truncate(deep, 0);
    for (int i = 0; i < SWEEP_JSON_MAX_DEPTH; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < SWEEP_JSON_MAX_DEPTH; i++)
        g_string_append_c(deep, ']');
    struct sweep_json *v = parse(deep->str, NULL);
    ck_assert_ptr_nonnull(v);                     /* exactly at the limit is fine */
    sweep_json_free(v);
    g_string_free(deep, TRUE);
}
END_TEST

START_TEST(load_missing_file)
{
    GError *err = NULL;
    ck_assert_ptr_null(sweep_json_load("/nonexistent/x.json", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "/nonexistent/x.json"));
    g_error_free(err);
}
END_TEST

static char *csv_row(const char *const *fields, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sweep_csv_write_row(f, fields, n);
    fclose(f);
    return buf;
}

START_TEST(csv_quoting)
{
    const char *plain[] = { "p0000", "ok", "4096", "120831" };
    char *s = csv_row(plain, 4);
    ck_assert_str_eq(s, "p0000,ok,4096,120831\n");
    free(s);
    const char *odd[] = { "a,b", "say \"hi\"", NULL, "two\nlines", "cr\r", "" };
    s = csv_row(odd, 6);
    ck_assert_str_eq(s, "\"a,b\",\"say \"\"hi\"\"\",,\"two\nlines\",\"cr\r\",\n");
    free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sweep_json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, stats_document);
    tcase_add_test(tc, u64_overflow_is_not_u64);
    tcase_add_test(tc, string_escapes);
    tcase_add_test(tc, malformed_inputs);
    tcase_add_test(tc, nul_byte);
    tcase_add_test(tc, depth_limit);
    tcase_add_test(tc, load_missing_file);
    tcase_add_test(tc, csv_quoting);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
