/*
 * sweep-run.c — running a sweep's points on this machine: each point is a
 * separate process of this same executable (`smmusim run ... --stats`),
 * at most N at a time, spawned with posix_spawn and reaped with waitpid.
 *
 * A point writes its statistics to points/<id>.part.json; only a clean exit
 * renames that to points/<id>.json, so an interrupted or failed run never
 * leaves a file that looks complete and a rerun redoes exactly the points
 * without one.  The exit status goes to points/<id>.exit (128+N for signal
 * N, as a shell reports it) for the merge to show.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sim/cli/sweep.h"

extern char **environ;

char *sweep_self_exe(GError **err)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (!exe)
        exe = g_find_program_in_path("smmusim");
    if (!exe)
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "cannot find the smmusim executable (/proc/self/exe unreadable, not in PATH)");
    return exe;
}

struct running {
    pid_t pid;
    size_t point;
};

static gboolean spawn_point(const struct sweep_manifest *m, const char *dir, const char *exe,
                            size_t point, pid_t *pid, GError **err)
{
    const char *id = g_ptr_array_index(m->ids, point);
    char *part = sweep_point_path(dir, id, ".part.json");
    char *log = sweep_point_path(dir, id, ".log");
    GStrv argv = sweep_point_argv(m, point, exe, part);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    int rc = posix_spawn(pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "point %s: cannot start %s: %s", id,
                    exe, g_strerror(rc));
    g_strfreev(argv);
    g_free(part);
    g_free(log);
    return rc == 0;
}

static int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

/* Record the outcome; returns TRUE when the point succeeded. */
static gboolean finish_point(const struct sweep_manifest *m, const char *dir, size_t point, int code)
{
    const char *id = g_ptr_array_index(m->ids, point);
    char *part = sweep_point_path(dir, id, ".part.json");
    char *final = sweep_point_path(dir, id, ".json");
    char *exitf = sweep_point_path(dir, id, ".exit");
    char *log = sweep_point_path(dir, id, ".log");
    char *text = g_strdup_printf("%d\n", code);
    GError *e = NULL;
    if (!g_file_set_contents(exitf, text, -1, &e)) {
        fprintf(stderr, "smmusim sweep: %s\n", e->message);
        g_clear_error(&e);
    }
    gboolean ok = code == 0;
    if (ok && rename(part, final) != 0) {
        fprintf(stderr, "smmusim sweep: point %s: exit 0 but no statistics (%s: %s), see %s\n", id,
                part, g_strerror(errno), log);
        ok = FALSE;
    } else if (!ok) {
        if (code > 128)
            fprintf(stderr, "smmusim sweep: point %s killed by signal %d, see %s\n", id, code - 128, log);
        else
            fprintf(stderr, "smmusim sweep: point %s failed (exit %d), see %s\n", id, code, log);
        unlink(part);
    }
    g_free(text);
    g_free(part);
    g_free(final);
    g_free(exitf);
    g_free(log);
    return ok;
}

/* Wait for one of our children; returns its slot or -1 when none is left. */
static int reap_one(struct running *slots, unsigned nslots, int *code)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (unsigned s = 0; s < nslots; s++) {
            if (slots[s].pid == pid) {
                *code = exit_code(status);
                return (int)s;
            }
        }
    }
}

static gboolean make_points_dir(const char *dir, GError **err)
{
    char *points = g_build_filename(dir, "points", NULL);
    gboolean ok = g_mkdir_with_parents(points, 0755) == 0;
    if (!ok)
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s",
                    points, g_strerror(errno));
    g_free(points);
    return ok;
}

gboolean sweep_run_points(const struct sweep_manifest *m, const char *dir, const char *exe,
                          unsigned jobs, struct sweep_run_result *res, GError **err)
{
    memset(res, 0, sizeof(*res));
    if (!make_points_dir(dir, err))
        return FALSE;
    if (jobs == 0)
        jobs = 1;
    struct running *slots = g_new0(struct running, jobs);
    unsigned busy = 0;
    gboolean ok = TRUE;
    for (size_t next = 0; next < m->ids->len || busy > 0;) {
        if (ok && next < m->ids->len && busy < jobs) {
            size_t point = next++;
            if (sweep_point_complete(dir, g_ptr_array_index(m->ids, point))) {
                res->skipped++;
                continue;
            }
            unsigned s = 0;
            while (slots[s].pid != 0)
                s++;
            pid_t pid;
            ok = spawn_point(m, dir, exe, point, &pid, err);
            if (ok) {
                slots[s] = (struct running){ .pid = pid, .point = point };
                busy++;
            }
            continue;
        }
        if (busy == 0)
            break;
        int code;
        int s = reap_one(slots, jobs, &code);
        if (s < 0)
            break;
        res->ran++;
        if (!finish_point(m, dir, slots[s].point, code))
            res->failed++;
        slots[s].pid = 0;
        busy--;
    }
    g_free(slots);
    return ok;
}
