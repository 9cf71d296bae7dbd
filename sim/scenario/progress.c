/*
 * progress.c — a progress line on stderr during long runs.
 *
 * Only when stderr is a terminal and the run is not quiet: once a second
 * the line is rewritten in place with the simulated time, the host time and
 * the commands the queues consumed per host second; it is erased when the
 * run ends, so logs and results stay clean.  The hot paths pay one
 * predictable branch and a counter (scn_progress_tick).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "sim/machine/machine.h"
#include "sim/scenario/scn-internal.h"

#define PROGRESS_INTERVAL_US 1000000

void scn_progress_init(struct scn_exec *x)
{
    memset(&x->progress, 0, sizeof(x->progress));
    x->progress.enabled = !x->opts.quiet && isatty(STDERR_FILENO) && !g_getenv("SMMUSIM_NO_PROGRESS");
    x->progress.last_us = g_get_monotonic_time();
}

struct cmd_sum {
    uint64_t cmds;
};

/* Commands consumed by every queue: the SMMU CMDQ and each VCMDQ. */
static void add_queue_cmds(const char *name, uint64_t value, void *opaque)
{
    struct cmd_sum *sum = opaque;
    if (!g_str_has_suffix(name, ".cmds"))
        return;
    if (!strcmp(name, "smmu.cmdq.cmds") ||
        (g_str_has_prefix(name, "cmdqv.vcmdq") && strchr(name + 11, '.') == strrchr(name, '.')))
        sum->cmds += value;
}

void scn_progress_check(struct scn_exec *x)
{
    x->progress.ticks = 0;
    gint64 now = g_get_monotonic_time();
    if (now - x->progress.last_us < PROGRESS_INTERVAL_US || !x->m)
        return;
    struct cmd_sum sum = { 0 };
    sim_stats_foreach(x->m->stats, add_queue_cmds, NULL, &sum);
    double interval_s = (double)(now - x->progress.last_us) / 1e6;
    double rate = (double)(sum.cmds - x->progress.last_cmds) / interval_s / 1e6;
    char sim[32];
    fprintf(stderr, "\r[sim %s] host %.1f s, %.2f M commands/s   ",
            sim_time_format(sim_now(&x->m->sched), sim, sizeof(sim)),
            (double)(now - x->host_start_us) / 1e6, rate);
    fflush(stderr);
    x->progress.last_us = now;
    x->progress.last_cmds = sum.cmds;
    x->progress.shown = true;
}

void scn_progress_done(struct scn_exec *x)
{
    if (!x->progress.shown)
        return;
    fprintf(stderr, "\r%*s\r", 72, "");
    fflush(stderr);
    x->progress.shown = false;
}
