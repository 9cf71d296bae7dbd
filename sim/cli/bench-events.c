/*
 * bench-events.c — scheduler throughput: schedule + dispatch pairs per host
 * second, with a realistic heap depth (many pending events, each handler
 * rescheduling itself a pseudo-random distance ahead).
 */
#include <time.h>
#include "sim/cli/bench.h"
#include "sim/params.h"
#include "sim/sched.h"

#define BENCH_EVENTS_PENDING_DEFAULT 256
#define BENCH_EVENTS_PENDING_MAX 1000000

struct ticker {
    struct sim_event ev;
    struct sim_sched *sched;
    uint64_t lcg;
    uint64_t *remaining;
};

static void tick(struct sim_event *ev, void *opaque)
{
    struct ticker *t = opaque;
    if (*t->remaining == 0)
        return;
    (*t->remaining)--;
    t->lcg = t->lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    sim_schedule(t->sched, ev, sim_now(t->sched) + 1 + ((t->lcg >> 33) & 1023));
}

double bench_host_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_events(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err)
{
    uint64_t pending = BENCH_EVENTS_PENDING_DEFAULT;
    if (arg && (!sim_parse_u64(arg, &pending) || pending == 0 || pending > BENCH_EVENTS_PENDING_MAX)) {
        g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "events: pending count '%s' must be 1..%d", arg, BENCH_EVENTS_PENDING_MAX);
        return -1;
    }
    struct sim_sched s;
    struct ticker *t = g_new(struct ticker, pending);
    uint64_t remaining = scale ? scale : 20000000;
    uint64_t total = remaining;
    sim_sched_init(&s);
    for (unsigned i = 0; i < pending; i++) {
        t[i].sched = &s;
        t[i].lcg = i + 1;
        t[i].remaining = &remaining;
        sim_event_init(&t[i].ev, "bench_tick", tick, &t[i]);
        sim_schedule(&s, &t[i].ev, i);
    }
    double t0 = bench_host_seconds();
    sim_run_until_idle(&s, 0);
    double t1 = bench_host_seconds();
    g_snprintf(out[0].label, sizeof(out[0].label), "events (%" G_GUINT64_FORMAT " pending)", pending);
    out[0].unit = "events/s";
    out[0].ops = total;
    out[0].host_seconds = t1 - t0;
    out[0].sim_time = sim_now(&s);
    sim_sched_destroy(&s);
    g_free(t);
    return max > 0 ? 1 : 0;
}
