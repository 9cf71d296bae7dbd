/*
 * bench-perf.c — the perf scenarios (the .trace files of traces/perf) as
 * benchmarks.
 *
 * Each scenario runs in a child process of this same executable, so its
 * peak resident memory is its own (the child reports it: main.c), and
 * reports simulated
 * commands per host second.  Commands are read back from the child's
 * statistics (CSV): the SMMU CMDQ's and every VCMDQ's "cmds" counters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "sim/cli/bench.h"
#include "sim/cli/cli.h"

static char *self_exe(void)
{
    char *path = g_file_read_link("/proc/self/exe", NULL);
    return path ? path : g_strdup("smmusim");
}

static const char *perf_dir(void)
{
    const char *env = g_getenv("SMMUSIM_PERF_DIR");
    return env && *env ? env : SMMUSIM_SOURCE_DIR "/traces/perf";
}

/* Is this statistics name one queue's consumed-commands counter? */
static bool is_queue_cmds(const char *name)
{
    if (!g_str_has_suffix(name, ".cmds"))
        return false;
    return !strcmp(name, "smmu.cmdq.cmds") ||
           (g_str_has_prefix(name, "cmdqv.vcmdq") && strchr(name + 11, '.') == strrchr(name, '.'));
}

static gboolean sum_cmds(const char *csv_path, uint64_t *cmds, GError **err)
{
    char *text = NULL;
    if (!g_file_get_contents(csv_path, &text, NULL, err))
        return FALSE;
    *cmds = 0;
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char **f = g_strsplit(*l, ",", 4);
        uint64_t v;
        if (g_strv_length(f) == 4 && !strcmp(f[0], "counter") && is_queue_cmds(f[1]) &&
            g_ascii_string_to_unsigned(f[3], 10, 0, UINT64_MAX, &v, NULL))
            *cmds += v;
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(text);
    return TRUE;
}

/* The child's own peak memory, which it writes at exit (main.c). */
static long read_peak(const char *path)
{
    char *text = NULL;
    long kib = 0;
    if (g_file_get_contents(path, &text, NULL, NULL))
        kib = (long)g_ascii_strtoull(text, NULL, 10);
    g_free(text);
    return kib;
}

/* Run one scenario in a child; fills host seconds and peak RSS (KiB). */
static gboolean run_child(const char *trace, const char *csv, double *secs, long *rss_kib, GError **err)
{
    char *exe = self_exe();
    char *argv[] = { exe, "run", "--quiet", "--stats", (char *)csv, (char *)trace, NULL };
    char *peak = g_strconcat(csv, ".peak", NULL);
    gboolean ok = FALSE;
    double t0 = bench_host_seconds();
    pid_t pid = fork();
    if (pid == 0) {
        g_setenv("SMMUSIM_PEAK_RSS_FILE", peak, TRUE);
        execv(exe, argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0) {
        g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FORK, "fork: %s", g_strerror(errno));
        goto out;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "wait: %s", g_strerror(errno));
            goto out;
        }
    }
    *secs = bench_host_seconds() - t0;
    *rss_kib = read_peak(peak);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s: the run failed (status %d)",
                    trace, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        goto out;
    }
    ok = TRUE;
out:
    g_unlink(peak);
    g_free(peak);
    g_free(exe);
    return ok;
}

static GPtrArray *list_scenarios(const char *dir, GError **err)
{
    GDir *d = g_dir_open(dir, 0, err);
    if (!d)
        return NULL;
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".trace"))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    cli_sort_paths(files);
    return files;
}

int bench_perf(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err)
{
    GPtrArray *files = list_scenarios(arg ? arg : perf_dir(), err);
    if (!files)
        return -1;
    char *tmpdir = g_dir_make_tmp("smmusim-bench-XXXXXX", err);
    int n = 0;
    for (guint i = 0; tmpdir && i < files->len && n < max; i++) {
        const char *trace = g_ptr_array_index(files, i);
        char *csv = g_build_filename(tmpdir, "stats.csv", NULL);
        double secs;
        long rss;
        uint64_t cmds = 0;
        gboolean ok = run_child(trace, csv, &secs, &rss, err) && sum_cmds(csv, &cmds, err);
        g_unlink(csv);
        g_free(csv);
        if (!ok) {
            n = -1;
            break;
        }
        char *base = g_path_get_basename(trace);
        g_snprintf(out[n].label, sizeof(out[n].label), "perf %s (peak %ld KiB)", base, rss);
        g_free(base);
        out[n].unit = "commands/s";
        out[n].ops = cmds;
        out[n].host_seconds = secs;
        out[n].sim_time = 0;
        n++;
    }
    if (tmpdir)
        g_rmdir(tmpdir);
    else
        n = -1;
    g_free(tmpdir);
    g_ptr_array_free(files, TRUE);
    return n;
}
