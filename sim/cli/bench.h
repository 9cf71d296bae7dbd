/*
 * bench.h — micro-benchmarks of the simulator's own speed.
 *
 * A benchmark drives a real code path (events, the command engine through
 * MMIO, translations) for `scale` operations and reports simulated
 * operations per host second.  `smmusim bench NAME` prints one line per
 * result ending in "<rate> M <unit>" (e.g. "12.3 M commands/s").
 * Host time is measured around the measured loop only; the simulation itself
 * never reads the host clock.
 */
#ifndef SMMUSIM_BENCH_H
#define SMMUSIM_BENCH_H

#include <glib.h>
#include "sim/sim-types.h"

struct bench_result {
    char label[96];         /* "events", "cmdq", "translate hot", "vcmdq 128" */
    const char *unit;       /* "events/s", "commands/s", "translations/s" */
    uint64_t ops;           /* simulated operations performed */
    double host_seconds;
    sim_time_t sim_time;    /* simulated time covered (0 if not meaningful) */
};

/* Host monotonic time in seconds (benchmarks only). */
double bench_host_seconds(void);
static inline double bench_rate_m(const struct bench_result *r)
{
    return r->host_seconds > 0 ? (double)r->ops / r->host_seconds / 1e6 : 0.0;
}

/* Each returns the number of results written to out[] (<= max), or -1 with
 * err set.  `arg` is the optional argument after the name ("vcmdq 128"). */
typedef int (*bench_fn)(uint64_t scale, const char *arg, struct bench_result *out, int max,
                        GError **err);

int bench_events(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err);
int bench_cmdq(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err);
int bench_translate(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err);
int bench_vcmdq(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err);
/* The perf scenarios (traces/perf/, or the directory in arg), each in a
 * child process: commands per host second and peak memory.  `scale` is
 * unused: a scenario's size is written in the scenario. */
int bench_perf(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err);
/* The calibration scenarios (calib-NAME.trace in traces/perf): prints published
 * versus simulated latencies as a table; one result line for its speed. */
int bench_calibration(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err);

#endif /* SMMUSIM_BENCH_H */
