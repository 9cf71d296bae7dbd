/*
 * scn-test.c — helpers shared by the scenario suites (scn-test.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include "scn-test.h"

char *scn_test_parse_error(const char *text)
{
    GError *err = NULL;
    struct scenario *s = scenario_parse_string("t.trace", text, &err);
    if (s) {
        scenario_free(s);
        return NULL;
    }
    char *msg = g_strdup(err->message);
    g_error_free(err);
    return msg;
}

int scn_test_run_opts(const char *text, struct scenario_opts *opts, char **out, char **err_msg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    opts->out = f;
    GError *err = NULL;
    int rc = scenario_run_string("t.trace", text, opts, &err);
    fclose(f);
    if (out)
        *out = buf;
    else
        free(buf);
    if (err_msg)
        *err_msg = err ? g_strdup(err->message) : NULL;
    g_clear_error(&err);
    return rc;
}

int scn_test_run(const char *text, char **out, char **err_msg)
{
    struct scenario_opts o = { 0 };
    o.quiet = false;
    return scn_test_run_opts(text, &o, out, err_msg);
}

char *scn_test_tmpdir(void)
{
    return g_dir_make_tmp("scn-XXXXXX", NULL);
}

void scn_test_write(const char *dir, const char *name, const char *text)
{
    char *p = g_build_filename(dir, name, NULL);
    g_file_set_contents(p, text, -1, NULL);
    g_free(p);
}

void scn_test_rmdir(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, n, NULL);
        g_remove(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
    g_free(dir);
}
