/*
 * check_robust.c — the parser on hostile input: random bytes, mutations and
 * truncations of valid scenarios, NUL bytes in files.  Every input must
 * either parse or fail with a positioned error; nothing may crash, hang or
 * leak (run under the sanitizer build).  Deterministic: a fixed seed.
 */
#include <check.h>
#include <string.h>
#include "scn-test.h"

static const char *const corpus[] = {
    "let x = 4K\nlet y = (x << 2) + 0x10 * 3 - 1\nprint \"y\" y hex=1\n",
    "for i in 0..10 step 2 {\n  if i % 4 == 0 { print i } else { print \"odd\" }\n}\n",
    "repeat 3 { mark t; wait 1us; expect elapsed(t) == 1us }\n",
    "queue q0 base=0x100000 log2size=8 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\n"
    "q0 push TLBI_NH_VA asid=1 vmid=2 addr=0x4000 tg=4K num=3\nq0 push CMD_SYNC\nq0 submit\n"
    "wait until q0 drained timeout=10us\n",
    "mmio write smmu.CMDQ_BASE 0x100008\nmmio read smmu.CMDQ_CONS -> c\nexpect bits(c, 30, 24) == 0\n",
    "set smmu.tlbi_cycles=20\nprofile grace\nmem write 0x1000 5 size=4\nmem abort 0x2000 16 kind=read\n",
    "expect_error \"timed out\" {\n  wait until reg(smmu.CR0ACK) == 8 timeout=1us\n}\n# end\n",
};

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz_.0123456789 \t\n{}()=<>!&|^~+-*/%#\"\\$;,xKMGnsup";

static void parse_one(const char *text)
{
    GError *err = NULL;
    struct scenario *s = scenario_parse_string("fuzz.trace", text, &err);
    if (s) {
        ck_assert_ptr_null(err);
        scenario_free(s);
        return;
    }
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(g_str_has_prefix(err->message, "fuzz.trace:") || g_str_has_prefix(err->message, "cannot read"),
                  "unpositioned error: %s", err->message);
    g_error_free(err);
}

START_TEST(test_corpus_parses)
{
    for (size_t i = 0; i < G_N_ELEMENTS(corpus); i++) {
        GError *err = NULL;
        struct scenario *s = scenario_parse_string("c.trace", corpus[i], &err);
        ck_assert_msg(s != NULL, "corpus %zu: %s", i, err ? err->message : "");
        scenario_free(s);
    }
}
END_TEST

START_TEST(test_truncations)
{
    for (size_t i = 0; i < G_N_ELEMENTS(corpus); i++) {
        size_t len = strlen(corpus[i]);
        for (size_t n = 0; n <= len; n++) {
            char *t = g_strndup(corpus[i], n);
            parse_one(t);
            g_free(t);
        }
    }
}
END_TEST

START_TEST(test_mutations)
{
    GRand *rng = g_rand_new_with_seed(12345);
    for (int iter = 0; iter < 20000; iter++) {
        const char *base = corpus[g_rand_int_range(rng, 0, (gint32)G_N_ELEMENTS(corpus))];
        GString *t = g_string_new(base);
        int edits = g_rand_int_range(rng, 1, 6);
        for (int e = 0; e < edits && t->len; e++) {
            gsize pos = (gsize)g_rand_int_range(rng, 0, (gint32)t->len);
            switch (g_rand_int_range(rng, 0, 4)) {
            case 0: /* replace */
                t->str[pos] = alphabet[g_rand_int_range(rng, 0, (gint32)sizeof alphabet - 1)];
                break;
            case 1: { /* delete a run */
                gsize n = (gsize)g_rand_int_range(rng, 1, 8);
                g_string_erase(t, (gssize)pos, (gssize)MIN(n, t->len - pos));
                break;
            }
            case 2: /* insert */
                g_string_insert_c(t, (gssize)pos, alphabet[g_rand_int_range(rng, 0, (gint32)sizeof alphabet - 1)]);
                break;
            default: { /* duplicate a slice elsewhere */
                gsize from = (gsize)g_rand_int_range(rng, 0, (gint32)t->len);
                gsize want = (gsize)g_rand_int_range(rng, 1, 20);
                gsize n = MIN(want, t->len - from);
                char *slice = g_strndup(t->str + from, n);
                g_string_insert(t, (gssize)pos, slice);
                g_free(slice);
                break;
            }
            }
        }
        parse_one(t->str);
        g_string_free(t, TRUE);
    }
    g_rand_free(rng);
}
END_TEST

START_TEST(test_random_bytes)
{
    GRand *rng = g_rand_new_with_seed(777);
    for (int iter = 0; iter < 5000; iter++) {
        int len = g_rand_int_range(rng, 0, 200);
        char *t = g_malloc((gsize)len + 1);
        for (int i = 0; i < len; i++) {
            /* mostly printable, sometimes any byte except NUL */
            t[i] = g_rand_int_range(rng, 0, 4) ? alphabet[g_rand_int_range(rng, 0, (gint32)sizeof alphabet - 1)]
                                               : (char)g_rand_int_range(rng, 1, 256);
        }
        t[len] = '\0';
        parse_one(t);
        g_free(t);
    }
    g_rand_free(rng);
}
END_TEST

START_TEST(test_nul_bytes_in_file)
{
    char *dir = scn_test_tmpdir();
    char *path = g_build_filename(dir, "nul.trace", NULL);
    static const char data[] = "let x = 1\n\0let y = 2\n";
    g_file_set_contents(path, data, sizeof data - 1, NULL);
    GError *err = NULL;
    struct scenario *s = scenario_parse_file(path, &err);
    ck_assert_ptr_null(s);
    char *want = g_strdup_printf("%s:2:1: unexpected byte 0x00", path);
    ck_assert_str_eq(err->message, want);
    g_free(want);
    g_clear_error(&err);
    static const char data2[] = "let s = \"a\0b\"\n";
    g_file_set_contents(path, data2, sizeof data2 - 1, NULL);
    s = scenario_parse_file(path, &err);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err->message, "NUL byte inside string literal"));
    g_clear_error(&err);
    g_free(path);
    scn_test_rmdir(dir);
}
END_TEST

static Suite *robust_suite(void)
{
    Suite *s = suite_create("scenario_robust");
    TCase *tc = tcase_create("robust");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_corpus_parses);
    tcase_add_test(tc, test_truncations);
    tcase_add_test(tc, test_mutations);
    tcase_add_test(tc, test_random_bytes);
    tcase_add_test(tc, test_nul_bytes_in_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(robust_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
