/*
 * check_trace_log.c — trace points (sim/trace.h) and masked guest-error
 * logging (sim/log.h).
 *
 * Both are process-global; every test runs in its own forked process
 * (Check's default), so each starts from a clean state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "core-check.h"
#include "sim/log.h"
#include "sim/sched.h"
#include "sim/trace.h"

SIM_TP_DEFINE(test_cmdq_exec)
SIM_TP_DEFINE(test_cmdq_sync)
SIM_TP_DEFINE(test_evtq_write)
SIM_TP_DEFINE(other_point)

static struct sim_tracepoint *const points[] = {
    SIM_TP_ADDR(test_cmdq_exec) SIM_TP_ADDR(test_cmdq_sync) SIM_TP_ADDR(test_evtq_write)
    SIM_TP_ADDR(other_point)
};

static void trace_setup(void)
{
    sim_trace_register(points, SIM_ARRAY_SIZE(points));
    sim_trace_disable_all();
}

static unsigned enabled_mask(void)
{
    unsigned m = 0;
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(points); i++)
        m |= (unsigned)points[i]->enabled << i;
    return m;
}

/* ---- capturing stderr ------------------------------------------------- */

static int saved_stderr = -1;
static FILE *capture_file;

static void capture_begin(void)
{
    fflush(stderr);
    capture_file = tmpfile();
    ck_assert_ptr_nonnull(capture_file);
    saved_stderr = dup(STDERR_FILENO);
    ck_assert_int_ge(saved_stderr, 0);
    ck_assert_int_ge(dup2(fileno(capture_file), STDERR_FILENO), 0);
}

static char *capture_end(void)
{
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    long len = ftell(capture_file);
    ck_assert_int_ge(len, 0);
    char *buf = g_malloc0((gsize)len + 1);
    rewind(capture_file);
    ck_assert_uint_eq(fread(buf, 1, (size_t)len, capture_file), (size_t)len);
    fclose(capture_file);
    return buf;
}

/* ---- trace patterns --------------------------------------------------- */

START_TEST(test_enable_glob)
{
    GError *err = NULL;
    unsigned matched = 0;
    ck_assert(!sim_trace_any_enabled());
    ck_assert(sim_trace_enable("test_cmdq_*", &matched, &err));
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(matched, 2);
    ck_assert_uint_eq(enabled_mask(), 0x3);
    ck_assert(sim_trace_any_enabled());
    ck_assert(sim_trace_enable("*_write", &matched, &err));
    ck_assert_uint_eq(matched, 1);
    ck_assert_uint_eq(enabled_mask(), 0x7);
    ck_assert(sim_trace_enable("other_point", &matched, &err));
    ck_assert_uint_eq(enabled_mask(), 0xf);
    sim_trace_disable_all();
    ck_assert_uint_eq(enabled_mask(), 0);
    ck_assert(!sim_trace_any_enabled());
    ck_assert(sim_trace_enable("*", &matched, &err));
    ck_assert_uint_eq(matched, 4);
    ck_assert_uint_eq(enabled_mask(), 0xf);
}
END_TEST

START_TEST(test_enable_lists_and_minus)
{
    GError *err = NULL;
    unsigned matched = 0;
    ck_assert(sim_trace_enable("test_evtq_write,other_point", &matched, &err));
    ck_assert_uint_eq(matched, 2);
    ck_assert_uint_eq(enabled_mask(), 0xc);
    sim_trace_disable_all();
    ck_assert(sim_trace_enable("test_*,-test_cmdq_sync", &matched, &err));
    ck_assert_uint_eq(enabled_mask(), 0x5);
    ck_assert(sim_trace_enable("-test_*", &matched, &err));
    ck_assert_uint_eq(matched, 3);
    ck_assert_uint_eq(enabled_mask(), 0);
    ck_assert(sim_trace_enable("-other_point", NULL, &err));  /* matched may be NULL */
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_enable_unknown)
{
    GError *err = NULL;
    unsigned matched = 0;
    ck_assert(!sim_trace_enable("nomatch_*", &matched, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, "nomatch_*"), "%s", err->message);
    g_clear_error(&err);
    ck_assert(!sim_trace_enable("test_cmdq_exec,bogus", &matched, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, "bogus"), "%s", err->message);
    g_clear_error(&err);
    ck_assert(!sim_trace_enable("-bogus", &matched, &err));
    ck_assert_ptr_nonnull(err);
    g_clear_error(&err);
}
END_TEST

START_TEST(test_list)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sim_trace_list(f);
    fclose(f);
    gchar **lines = g_strsplit(buf, "\n", -1);
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(points); i++) {
        bool found = false;
        for (int k = 0; lines[k]; k++)
            found |= strstr(lines[k], points[i]->name) != NULL;
        ck_assert_msg(found, "%s not listed in:\n%s", points[i]->name, buf);
    }
    g_strfreev(lines);
    free(buf);
}
END_TEST

/* ---- trace output ----------------------------------------------------- */

START_TEST(test_output_stamped_with_sim_time)
{
    struct sim_sched s;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sim_sched_init(&s);
    sim_trace_set_clock(&s);
    sim_trace_set_output(f);
    ck_assert(sim_trace_enable("test_cmdq_exec", NULL, NULL));

    sim_run_until(&s, 12345678, 0);
    SIM_TRACE(tp_test_cmdq_exec, "q=%s op=%s", "cmdq", "TLBI_NH_VA");
    SIM_TRACE(tp_test_cmdq_sync, "disabled %d", 1);  /* formats nothing */
    fflush(f);
    size_t after_first = len;
    sim_run_until(&s, 20 * SIM_US, 0);
    SIM_TRACE(tp_test_cmdq_exec, "n=%d", 42);
    sim_trace_set_output(NULL);
    fclose(f);

    gchar **lines = g_strsplit(buf, "\n", -1);
    ck_assert_uint_eq(g_strv_length(lines), 3);  /* two lines and the empty tail */
    ck_assert_msg(strstr(lines[0], "12.345678us"), "%s", lines[0]);
    ck_assert_msg(strstr(lines[0], "test_cmdq_exec q=cmdq op=TLBI_NH_VA"), "%s", lines[0]);
    ck_assert_msg(g_str_has_suffix(lines[0], "test_cmdq_exec q=cmdq op=TLBI_NH_VA"), "%s", lines[0]);
    ck_assert_msg(strstr(lines[1], "20.000000us"), "%s", lines[1]);
    ck_assert_msg(g_str_has_suffix(lines[1], "test_cmdq_exec n=42"), "%s", lines[1]);
    ck_assert_str_eq(lines[2], "");
    ck_assert(strstr(buf, "disabled") == NULL);
    ck_assert_uint_gt(after_first, 0);
    g_strfreev(lines);
    free(buf);
    sim_trace_set_clock(NULL);
    sim_sched_destroy(&s);
}
END_TEST

START_TEST(test_disabled_points_write_nothing)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sim_trace_set_output(f);
    SIM_TRACE(tp_test_cmdq_exec, "x=%d", 1);
    SIM_TRACE(tp_other_point, "y");
    ck_assert(sim_trace_enable("other_point", NULL, NULL));
    ck_assert(sim_trace_enable("-other_point", NULL, NULL));
    SIM_TRACE(tp_other_point, "z");
    fflush(f);
    ck_assert_uint_eq(len, 0);
    sim_trace_set_output(NULL);
    fclose(f);
    free(buf);
}
END_TEST

START_TEST(test_output_defaults_to_stderr)
{
    ck_assert(sim_trace_enable("test_evtq_write", NULL, NULL));
    capture_begin();
    sim_trace_set_output(NULL);
    SIM_TRACE(tp_test_evtq_write, "to=%s", "stderr");
    char *text = capture_end();
    ck_assert_msg(strstr(text, "test_evtq_write to=stderr"), "captured: %s", text);
    g_free(text);
}
END_TEST

/* ---- logging ---------------------------------------------------------- */

START_TEST(test_log_parse_mask)
{
    GError *err = NULL;
    unsigned m = 99;
    ck_assert(sim_log_parse_mask("guest_errors", &m, &err));
    ck_assert_uint_eq(m, SIM_LOG_GUEST_ERROR);
    ck_assert(sim_log_parse_mask("unimp", &m, &err));
    ck_assert_uint_eq(m, SIM_LOG_UNIMP);
    ck_assert(sim_log_parse_mask("guest_errors,unimp", &m, &err));
    ck_assert_uint_eq(m, SIM_LOG_GUEST_ERROR | SIM_LOG_UNIMP);
    ck_assert(sim_log_parse_mask("unimp,guest_errors", &m, &err));
    ck_assert_uint_eq(m, SIM_LOG_GUEST_ERROR | SIM_LOG_UNIMP);
    ck_assert(sim_log_parse_mask("none", &m, &err));
    ck_assert_uint_eq(m, 0);
    ck_assert(sim_log_parse_mask("all", &m, &err));
    ck_assert_uint_eq(m, SIM_LOG_GUEST_ERROR | SIM_LOG_UNIMP);
    ck_assert_ptr_null(err);
    m = 5;
    ck_assert(!sim_log_parse_mask("bogus", &m, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, "bogus"), "%s", err->message);
    g_clear_error(&err);
    ck_assert(!sim_log_parse_mask("guest_errors,nope", &m, &err));
    ck_assert_msg(err && strstr(err->message, "nope"), "%s", err ? err->message : "");
    g_clear_error(&err);
}
END_TEST

START_TEST(test_log_counts_and_mask)
{
    sim_log_init(0);
    ck_assert_uint_eq(sim_log_mask(), 0);
    sim_log_reset_counts();
    capture_begin();
    sim_guest_error("hidden guest error %d", 1);
    sim_guest_error("hidden guest error %d", 2);
    sim_unimp("hidden unimp");
    char *text = capture_end();
    ck_assert_uint_eq(sim_log_count(SIM_LOG_GUEST_ERROR), 2);  /* counted even when hidden */
    ck_assert_uint_eq(sim_log_count(SIM_LOG_UNIMP), 1);
    ck_assert_msg(strstr(text, "hidden") == NULL, "printed while masked: %s", text);
    g_free(text);

    sim_log_set_mask(SIM_LOG_GUEST_ERROR);
    ck_assert_uint_eq(sim_log_mask(), SIM_LOG_GUEST_ERROR);
    capture_begin();
    sim_guest_error("shown guest error at 0x%x", 0x40);
    sim_unimp("still hidden unimp");
    text = capture_end();
    ck_assert_msg(strstr(text, "shown guest error at 0x40"), "captured: %s", text);
    ck_assert(strstr(text, "still hidden") == NULL);
    g_free(text);
    ck_assert_uint_eq(sim_log_count(SIM_LOG_GUEST_ERROR), 3);
    ck_assert_uint_eq(sim_log_count(SIM_LOG_UNIMP), 2);
    sim_log_reset_counts();
    ck_assert_uint_eq(sim_log_count(SIM_LOG_GUEST_ERROR), 0);
    ck_assert_uint_eq(sim_log_count(SIM_LOG_UNIMP), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("trace_log");
    TCase *tc = tcase_create("trace");
    tcase_add_checked_fixture(tc, trace_setup, NULL);
    tcase_add_test(tc, test_enable_glob);
    tcase_add_test(tc, test_enable_lists_and_minus);
    tcase_add_test(tc, test_enable_unknown);
    tcase_add_test(tc, test_list);
    tcase_add_test(tc, test_output_stamped_with_sim_time);
    tcase_add_test(tc, test_disabled_points_write_nothing);
    tcase_add_test(tc, test_output_defaults_to_stderr);
    suite_add_tcase(s, tc);

    tc = tcase_create("log");
    tcase_add_test(tc, test_log_parse_mask);
    tcase_add_test(tc, test_log_counts_and_mask);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
