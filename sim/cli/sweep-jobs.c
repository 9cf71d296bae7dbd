/*
 * sweep-jobs.c — a sweep as jobs for other machines: jobs.txt (one
 * self-contained shell command per point), run-parallel.sh (GNU parallel,
 * locally or over ssh), slurm.sbatch (a SLURM job array) and a README.
 *
 * A job line does what the local runner does (sweep-run.c): statistics to
 * points/<id>.part.json renamed on a clean exit, output to points/<id>.log,
 * exit status to points/<id>.exit, and nothing at all when the point is
 * already complete, so relaunching the same jobs redoes only what is missing.
 * Every path is absolute and every word shell-quoted: a line runs from any
 * working directory, on any host that sees the same filesystem.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include "sim/cli/sweep.h"

char *sweep_job_line(const struct sweep_manifest *m, const char *dir, size_t point, const char *exe)
{
    const char *id = g_ptr_array_index(m->ids, point);
    char *part = sweep_point_path(dir, id, ".part.json");
    char *files[] = { sweep_point_path(dir, id, ".json"), sweep_point_path(dir, id, ".log"),
                      sweep_point_path(dir, id, ".exit"), part };
    char *q[G_N_ELEMENTS(files)];
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        q[i] = g_shell_quote(files[i]);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "if [ -f %s ]; then exit 0; fi; ", q[0]);
    GStrv argv = sweep_point_argv(m, point, exe, part);
    for (char **a = argv; *a; a++) {
        char *w = g_shell_quote(*a);
        g_string_append_printf(s, "%s ", w);
        g_free(w);
    }
    g_string_append_printf(s, ">%s 2>&1 </dev/null; rc=$?; echo $rc >%s; "
                              "if [ $rc -eq 0 ]; then mv -f %s %s || rc=1; else rm -f %s; fi; exit $rc",
                           q[1], q[2], q[3], q[0], q[3]);
    g_strfreev(argv);
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_free(files[i]);
        g_free(q[i]);
    }
    return g_string_free(s, FALSE);
}

static gboolean write_file(const char *dir, const char *name, const char *text, gboolean exec,
                           GError **err)
{
    char *path = g_build_filename(dir, name, NULL);
    gboolean ok = g_file_set_contents(path, text, -1, err);
    if (ok && exec && g_chmod(path, 0755) != 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot chmod %s: %s", path,
                    g_strerror(errno));
        ok = FALSE;
    }
    g_free(path);
    return ok;
}

static char *jobs_text(const struct sweep_manifest *m, const char *dir, const char *exe)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < m->ids->len; i++) {
        char *line = sweep_job_line(m, dir, i, exe);
        g_string_append_printf(s, "%s\n", line);
        g_free(line);
    }
    return g_string_free(s, FALSE);
}

static char *parallel_script(const char *qdir, unsigned jobs, const char *sshloginfile)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s,
        "#!/bin/sh\n"
        "# Run every point of this sweep with GNU parallel.\n"
        "#   ./run-parallel.sh                            on this machine\n"
        "#   ./run-parallel.sh --sshloginfile nodes.txt   over ssh (hosts must see this directory)\n"
        "# Arguments are passed to parallel.  Points already complete are skipped, so\n"
        "# running it again finishes an interrupted sweep.  Then: smmusim merge DIR.\n"
        "set -u\n"
        "DIR=%s\n"
        "PARALLEL_SHELL=/bin/sh\n"
        "export PARALLEL_SHELL\n"
        "exec parallel", qdir);
    if (jobs)
        g_string_append_printf(s, " --jobs %u", jobs);
    if (sshloginfile) {
        char *abs = g_canonicalize_filename(sshloginfile, NULL);
        char *q = g_shell_quote(abs);
        g_string_append_printf(s, " --sshloginfile %s", q);
        g_free(q);
        g_free(abs);
    }
    g_string_append(s, " --joblog \"$DIR/parallel.log\" \"$@\" <\"$DIR/jobs.txt\"\n");
    return g_string_free(s, FALSE);
}

static char *slurm_script(const char *qdir, size_t npoints, unsigned jobs)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s,
        "#!/bin/sh\n"
        "# A SLURM job array with one task per point: task i runs line i+1 of jobs.txt.\n"
        "#   sbatch slurm.sbatch          (then, when every task is done: smmusim merge DIR)\n"
        "#SBATCH --job-name=smmusim-sweep\n"
        "#SBATCH --array=0-%zu", npoints - 1);
    if (jobs)
        g_string_append_printf(s, "%%%u", jobs);
    g_string_append_printf(s,
        "\n#SBATCH --ntasks=1\n"
        "#SBATCH --output=slurm/%%A_%%a.out\n"
        "set -u\n"
        "DIR=%s\n"
        ": \"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}\"\n"
        "line=$((SLURM_ARRAY_TASK_ID + 1))\n"
        "cmd=$(sed -n \"${line}p\" \"$DIR/jobs.txt\")\n"
        "if [ -z \"$cmd\" ]; then echo \"jobs.txt has no line $line\" >&2; exit 2; fi\n"
        "exec /bin/sh -c \"$cmd\"\n", qdir);
    return g_string_free(s, FALSE);
}

static char *readme_text(const struct sweep_manifest *m, const char *dir, const char *exe)
{
    char *qexe = g_shell_quote(exe), *qdir = g_shell_quote(dir);
    char *text = g_strdup_printf(
        "smmusim sweep: %u points of %s\n"
        "\n"
        "Each line of jobs.txt runs one point and is self-contained (absolute\n"
        "paths, any working directory).  Launch them one of these ways:\n"
        "\n"
        "  GNU parallel on this machine:   %s/run-parallel.sh\n"
        "  GNU parallel over ssh:          %s/run-parallel.sh --sshloginfile nodes.txt\n"
        "  SLURM job array:                cd %s && sbatch slurm.sbatch\n"
        "  anything else:                  run each line of jobs.txt with /bin/sh -c\n"
        "\n"
        "Remote hosts must see this directory, the scenario and the smmusim\n"
        "executable at the same paths (a shared filesystem).  A point writes\n"
        "points/ID.json only when it succeeds; its output is in points/ID.log and\n"
        "its exit status in points/ID.exit.  Launching again reruns only the points\n"
        "without results.  sweep.json lists every point's parameter values.\n"
        "\n"
        "When the jobs are done, merge the results into results.csv, results.json\n"
        "and plots/:\n"
        "\n"
        "  %s merge %s\n",
        m->ids->len, m->scenario, qdir, qdir, qdir, qexe, qdir);
    g_free(qexe);
    g_free(qdir);
    return text;
}

gboolean sweep_emit_jobs(const struct sweep_manifest *m, const char *dir, const char *exe,
                         unsigned jobs, const char *sshloginfile, GError **err)
{
    char *absdir = g_canonicalize_filename(dir, NULL);
    char *qdir = g_shell_quote(absdir);
    char *points = g_build_filename(absdir, "points", NULL);
    char *slurm = g_build_filename(absdir, "slurm", NULL);
    char *texts[4] = { jobs_text(m, absdir, exe), parallel_script(qdir, jobs, sshloginfile),
                       slurm_script(qdir, m->ids->len, jobs), readme_text(m, absdir, exe) };
    static const char *const names[4] = { "jobs.txt", "run-parallel.sh", "slurm.sbatch", "README" };
    gboolean ok = TRUE;
    if (g_mkdir_with_parents(points, 0755) != 0 || g_mkdir_with_parents(slurm, 0755) != 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s",
                    points, g_strerror(errno));
        ok = FALSE;
    }
    for (int i = 0; ok && i < 4; i++)
        ok = write_file(absdir, names[i], texts[i], i == 1 || i == 2, err);
    for (int i = 0; i < 4; i++)
        g_free(texts[i]);
    g_free(points);
    g_free(slurm);
    g_free(qdir);
    g_free(absdir);
    return ok;
}
