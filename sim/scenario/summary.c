/*
 * summary.c — the human summary at the end of a run: expectations, simulated
 * time and host speed, then every command queue's counters and latency
 * percentiles as the command engine registered them (smmuv3-engine.h:
 * per-source cmds, errors, cmd_latency, sync_latency).
 */
#include <inttypes.h>
#include <string.h>
#include "sim/machine/machine.h"
#include "sim/stats.h"
#include "sim/scenario/scn-internal.h"

struct scenario_run {
    struct scn_exec x;
};

struct summary_ctx {
    FILE *out;
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static void summary_counter(const char *name, uint64_t value, void *opaque)
{
    struct summary_ctx *c = opaque;
    if (!value)
        return;
    if (ends_with(name, ".cmds") || ends_with(name, ".syncs") || strstr(name, ".errors"))
        fprintf(c->out, "  %-40s %" PRIu64 "\n", name, value);
}

static void summary_hist(const char *name, const char *unit, const struct sim_hist *h, void *opaque)
{
    struct summary_ctx *c = opaque;
    if (!h->count || !ends_with(name, "latency"))
        return;
    char p50[32], p99[32], max[32];
    fprintf(c->out, "  %-40s n=%" PRIu64 " p50=%s p99=%s max=%s\n", name, h->count,
            sim_time_format(sim_hist_percentile_ppm(h, 500000), p50, sizeof p50),
            sim_time_format(sim_hist_percentile_ppm(h, 990000), p99, sizeof p99),
            sim_time_format(h->max, max, sizeof max));
}

void scenario_run_summary(struct scenario_run *r)
{
    struct scn_exec *x = &r->x;
    FILE *out = x->out;
    double host_s = (double)(g_get_monotonic_time() - x->host_start_us) / 1e6;
    fprintf(out, "-- summary --\n");
    fprintf(out, "expectations: %" PRIu64 " checked, %" PRIu64 " failed\n", x->expectations, x->failures);
    if (!x->m) {
        fprintf(out, "no machine was created\n");
        return;
    }
    char tbuf[32];
    uint64_t events = x->m->sched.dispatched;
    fprintf(out, "simulated time: %s, %" PRIu64 " events, %" PRIu64 " MMIO accesses by the scenario\n",
            sim_time_format(sim_now(&x->m->sched), tbuf, sizeof tbuf), events, x->mmio_accesses);
    if (host_s > 0)
        fprintf(out, "host: %.3f s, %.2f M events/s\n", host_s, (double)events / host_s / 1e6);
    struct summary_ctx c = { out };
    fprintf(out, "queues:\n");
    sim_stats_foreach(x->m->stats, summary_counter, summary_hist, &c);
}
