/*
 * bench-calibration.c — `smmusim bench calibration`: published versus
 * simulated, side by side.
 *
 * Every calib-NAME.trace in traces/perf is one published data point (timing.md
 * §2.4).  Each names its point in variables — granule, is_trapped,
 * published_ns — and leaves the simulated mean in the statistic
 * "workload.calib.latency", so the scenarios are the single source of the
 * published numbers.  The table pairs the trapped and the direct run of
 * each granule and adds their ratio.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sim/cli/bench.h"
#include "sim/cli/cli.h"
#include "sim/machine/machine.h"
#include "sim/scenario/scenario.h"

#define CALIB_POINTS_MAX 64
#define CALIB_TOLERANCE 0.15
#define CALIB_RATIO_TOLERANCE 0.10

struct calib_point {
    uint64_t granule;
    bool trapped;
    double published_us, simulated_us;
};

static const char *calib_dir(void)
{
    const char *env = g_getenv("SMMUSIM_PERF_DIR");
    return env && *env ? env : SMMUSIM_SOURCE_DIR "/traces/perf";
}

static gboolean run_point(const char *path, struct calib_point *pt, uint64_t *ops, GError **err)
{
    struct scenario_opts o = { .quiet = true };
    struct scenario *s = scenario_parse_file(path, err);
    if (!s)
        return FALSE;
    struct scenario_run *r = scenario_run_new(&o);
    int rc = scenario_run_exec(r, s, err);
    uint64_t granule = 0, trapped = 0, published = 0;
    const struct sim_machine *m = scenario_run_machine(r);
    const struct sim_hist *h = m ? sim_stats_lookup_hist(m->stats, "workload.calib.latency") : NULL;
    gboolean ok = rc != SCENARIO_ERROR_EXIT && scenario_run_var(r, "granule", &granule) &&
                  scenario_run_var(r, "is_trapped", &trapped) &&
                  scenario_run_var(r, "published_ns", &published) && h && h->count;
    if (ok) {
        pt->granule = granule;
        pt->trapped = trapped != 0;
        pt->published_us = (double)published / 1e3;
        pt->simulated_us = (double)sim_hist_mean(h) / 1e6;
        *ops = h->count;
    } else if (rc != SCENARIO_ERROR_EXIT) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: not a calibration scenario (needs granule, is_trapped, published_ns and "
                    "the workload statistic workload.calib.latency)", path);
    }
    scenario_run_free(r);
    scenario_free(s);
    return ok;
}

static const struct calib_point *find(const struct calib_point *p, int n, uint64_t granule, bool trapped)
{
    for (int i = 0; i < n; i++)
        if (p[i].granule == granule && p[i].trapped == trapped)
            return &p[i];
    return NULL;
}

static double rel(double sim, double pub) { return (sim - pub) / pub; }

static const char *verdict(double err, double tol) { return fabs(err) <= tol ? "" : " OUT"; }

static void print_table(const struct calib_point *p, int n)
{
    printf("%8s | %28s | %28s | %22s\n", "granule", "trapped vSMMU CMDQ (us)", "direct VCMDQ (us)",
           "trapped/direct");
    printf("%8s | %8s %8s %10s | %8s %8s %10s | %6s %6s %8s\n", "", "publ.", "sim.", "error",
           "publ.", "sim.", "error", "publ.", "sim.", "error");
    for (int i = 0; i < n; i++) {
        if (!p[i].trapped)
            continue;
        const struct calib_point *t = &p[i], *d = find(p, n, t->granule, false);
        if (!d)
            continue;
        double rp = t->published_us / d->published_us, rs = t->simulated_us / d->simulated_us;
        printf("%6" G_GUINT64_FORMAT "K | %8.1f %8.2f %+8.1f%%%s | %8.1f %8.2f %+8.1f%%%s | %6.2f %6.2f %+6.1f%%%s\n",
               t->granule / 1024, t->published_us, t->simulated_us, 100 * rel(t->simulated_us, t->published_us),
               verdict(rel(t->simulated_us, t->published_us), CALIB_TOLERANCE), d->published_us,
               d->simulated_us, 100 * rel(d->simulated_us, d->published_us),
               verdict(rel(d->simulated_us, d->published_us), CALIB_TOLERANCE), rp, rs, 100 * rel(rs, rp),
               verdict(rel(rs, rp), CALIB_RATIO_TOLERANCE));
    }
    printf("tolerance: 15 %% per point, 10 %% on the ratio (OUT marks a miss)\n");
}

static gint by_granule(gconstpointer a, gconstpointer b)
{
    const struct calib_point *x = a, *y = b;
    return x->granule < y->granule ? -1 : x->granule > y->granule;
}

int bench_calibration(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err)
{
    const char *dir = arg ? arg : calib_dir();
    GDir *d = g_dir_open(dir, 0, err);
    if (!d)
        return -1;
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_prefix(name, "calib-") && g_str_has_suffix(name, ".trace"))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    cli_sort_paths(files);
    struct calib_point points[CALIB_POINTS_MAX];
    int n = 0;
    uint64_t ops = 0;
    double t0 = bench_host_seconds();
    for (guint i = 0; i < files->len && n < CALIB_POINTS_MAX; i++) {
        uint64_t k = 0;
        if (!run_point(g_ptr_array_index(files, i), &points[n], &k, err)) {
            g_ptr_array_free(files, TRUE);
            return -1;
        }
        ops += k;
        n++;
    }
    g_ptr_array_free(files, TRUE);
    qsort(points, (size_t)n, sizeof(points[0]), (int (*)(const void *, const void *))by_granule);
    print_table(points, n);
    if (max < 1)
        return 0;
    g_strlcpy(out[0].label, "calibration (simulated unmaps)", sizeof(out[0].label));
    out[0].unit = "unmaps/s";
    out[0].ops = ops;
    out[0].host_seconds = bench_host_seconds() - t0;
    out[0].sim_time = 0;
    return 1;
}
