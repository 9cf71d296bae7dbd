/*
 * cmd-sweep.c — `smmusim sweep FILE --vary ... --out DIR` (run a grid of
 * parameter and scenario-variable values, then merge) and `smmusim merge DIR`.  The work is in
 * sweep-*.c (sweep.h); this file is options, messages and exit codes:
 * 0 every point ran and merged, 1 some point failed, 2 a usage or input
 * error (including a missing gnuplot when plots were wanted).
 */
#include <stdio.h>
#include <errno.h>
#include "sim/cli/cli.h"
#include "sim/cli/sweep.h"

/* Report a merge; returns its exit code. */
static int report_merge(const char *cmd, const char *dir, const struct sweep_merge_result *r)
{
    printf("merged %u points (%u ok, %u failed) into %s/results.csv and results.json; %u plots in %s/plots\n",
           r->points, r->ok, r->failed, dir, r->plots, dir);
    if (r->gnuplot_missing) {
        fprintf(stderr, "smmusim %s: gnuplot not found in PATH: the plot scripts are in %s/plots/*.gp "
                        "but no images were made (install gnuplot-nox, or pass --no-plots)\n", cmd, dir);
        return CLI_USAGE;
    }
    return r->failed ? CLI_FAILED : CLI_OK;
}

static int do_merge(const char *cmd, const char *dir, char **plots, gboolean no_plots)
{
    struct sweep_merge_opts opts = { .plots = plots, .no_plots = no_plots };
    struct sweep_merge_result res;
    GError *err = NULL;
    if (!sweep_merge(dir, &opts, &res, &err))
        return cli_fail(cmd, err);
    return report_merge(cmd, dir, &res);
}

struct sweep_opts {
    char **vary, **sets, **plots;
    char *profile, *out, *emit, *sshloginfile;
    gint jobs;
    gboolean no_plots;
};

static void sweep_opts_free(struct sweep_opts *o)
{
    g_strfreev(o->vary);
    g_strfreev(o->sets);
    g_strfreev(o->plots);
    g_free(o->profile);
    g_free(o->out);
    g_free(o->emit);
    g_free(o->sshloginfile);
}

static gboolean check_opts(const struct sweep_opts *o, int argc, GError **err)
{
    if (argc != 2)
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "expected exactly one scenario file (see --help)");
    else if (!o->out == !o->emit)
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "give either --out DIR (run here) or --emit-jobs DIR");
    else if (o->jobs < 0)
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--jobs must be at least 1");
    else if (o->sshloginfile && !o->emit)
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--sshloginfile goes with --emit-jobs");
    else
        return TRUE;
    return FALSE;
}

/* Everything that can be wrong with the request is found here, before any
 * point runs. */
static gboolean prepare(const struct sweep_opts *o, const char *scenario, const char *dir,
                        struct sweep_manifest *m, GError **err)
{
    struct sweep_grid *g = sweep_grid_new();
    gboolean ok = TRUE;
    for (char **v = o->vary; ok && v && *v; v++)
        ok = sweep_grid_add_vary(g, *v, err);
    ok = ok && sweep_grid_validate(g, o->profile, o->sets, err) &&
         sweep_manifest_from_grid(m, g, scenario, o->profile, o->sets, err) &&
         sweep_grid_check_scenario(g, m->scenario, err);
    sweep_grid_free(g);
    if (ok && g_mkdir_with_parents(dir, 0755) != 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s", dir,
                    g_strerror(errno));
        ok = FALSE;
    }
    return ok && sweep_manifest_write(m, dir, err);
}

static int run_sweep(const struct sweep_opts *o, const char *scenario)
{
    const char *dir = o->out ? o->out : o->emit;
    struct sweep_manifest m = { 0 };
    GError *err = NULL;
    char *exe = NULL;
    int rc;
    if (!prepare(o, scenario, dir, &m, &err) || !(exe = sweep_self_exe(&err))) {
        rc = cli_fail("sweep", err);
        goto out;
    }
    if (o->emit) {
        if (!sweep_emit_jobs(&m, dir, exe, (unsigned)o->jobs, o->sshloginfile, &err)) {
            rc = cli_fail("sweep", err);
            goto out;
        }
        printf("wrote %u jobs to %s/jobs.txt; see %s/README, then: smmusim merge %s\n", m.ids->len, dir,
               dir, dir);
        rc = CLI_OK;
        goto out;
    }
    unsigned jobs = o->jobs ? (unsigned)o->jobs : g_get_num_processors();
    struct sweep_run_result r;
    if (!sweep_run_points(&m, dir, exe, jobs, &r, &err)) {
        rc = cli_fail("sweep", err);
        goto out;
    }
    printf("%u points: %u ran, %u already complete, %u failed\n", m.ids->len, r.ran, r.skipped, r.failed);
    rc = do_merge("sweep", dir, o->plots, o->no_plots);
out:
    sweep_manifest_clear(&m);
    g_free(exe);
    return rc;
}

int cli_sweep(int argc, char **argv)
{
    struct sweep_opts o = { 0 };
    GOptionEntry entries[] = {
        { "vary", 'v', 0, G_OPTION_ARG_STRING_ARRAY, &o.vary,
          "vary a parameter (name with a dot) or a scenario variable (without): a,b,c or lo..hi[:step|*factor] "
          "(repeatable; grid = every combination)", "NAME=VALUES" },
        { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.sets, "fix a parameter in every point", "NAME=VALUE" },
        { "profile", 'p', 0, G_OPTION_ARG_STRING, &o.profile, "hardware profile for every point", "NAME" },
        { "jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs, "points run in parallel (default: CPUs)", "N" },
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out, "run here, results in DIR", "DIR" },
        { "emit-jobs", 0, 0, G_OPTION_ARG_FILENAME, &o.emit,
          "do not run: write jobs for GNU parallel / SLURM into DIR", "DIR" },
        { "sshloginfile", 0, 0, G_OPTION_ARG_FILENAME, &o.sshloginfile,
          "with --emit-jobs: hosts for GNU parallel over ssh", "FILE" },
        { "plot", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.plots, "statistic to plot (repeatable)", "NAME" },
        { "no-plots", 0, 0, G_OPTION_ARG_NONE, &o.no_plots, "write plot scripts but do not run gnuplot", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("FILE - run a scenario over a grid of parameter values");
    g_option_context_add_main_entries(ctx, entries, NULL);
    int rc = CLI_USAGE;
    GError *err = NULL;
    if (!cli_parse(ctx, "sweep", &argc, &argv))
        goto out;
    if (!check_opts(&o, argc, &err)) {
        rc = cli_fail("sweep", err);
        goto out;
    }
    rc = run_sweep(&o, argv[1]);
out:
    g_option_context_free(ctx);
    sweep_opts_free(&o);
    return rc;
}

int cli_merge(int argc, char **argv)
{
    char **plots = NULL;
    gboolean no_plots = FALSE;
    GOptionEntry entries[] = {
        { "plot", 0, 0, G_OPTION_ARG_STRING_ARRAY, &plots, "statistic to plot (repeatable)", "NAME" },
        { "no-plots", 0, 0, G_OPTION_ARG_NONE, &no_plots, "write plot scripts but do not run gnuplot", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("DIR - merge a sweep's points into results and plots");
    g_option_context_add_main_entries(ctx, entries, NULL);
    int rc = CLI_USAGE;
    if (!cli_parse(ctx, "merge", &argc, &argv))
        goto out;
    if (argc != 2) {
        fprintf(stderr, "smmusim merge: expected exactly one sweep directory (see --help)\n");
        goto out;
    }
    rc = do_merge("merge", argv[1], plots, no_plots);
out:
    g_option_context_free(ctx);
    g_strfreev(plots);
    return rc;
}
