/*
 * check_sched.c — the discrete-event scheduler (sim/sched.h) and the time
 * helpers of sim/sim-types.h.
 *
 * Ordering is (time, sequence): equal times run first-in first-out, and a
 * reschedule takes a fresh sequence number.  The randomised test drives the
 * heap with a fixed seed against a plain reference list ordered the same way.
 */
#include <signal.h>
#include <string.h>
#include <glib.h>

#include "core-check.h"
#include "sim/sched.h"

/* A record of which events ran, in order, and when. */
#define LOG_MAX 4096
struct run_log {
    struct sim_sched *s;
    unsigned n;
    int ids[LOG_MAX];
    sim_time_t times[LOG_MAX];
};

struct tev {
    struct sim_event ev;
    struct run_log *log;
    int id;
    /* optional behaviour */
    unsigned resched_left;      /* reschedule self this many more times */
    sim_time_t resched_delay;
    bool stop;                  /* call sim_sched_stop */
    bool quiet;                 /* do not log (long bursts) */
    bool saw_pending;           /* sim_event_pending() inside the handler */
    struct tev *cancel_other;   /* cancel this one from the handler */
    struct tev *schedule_other; /* schedule this one at now from the handler */
};

static void tev_fn(struct sim_event *ev, void *opaque)
{
    struct tev *t = opaque;
    struct run_log *log = t->log;
    ck_assert_ptr_eq(ev, &t->ev);
    if (!t->quiet) {
        ck_assert_uint_lt(log->n, LOG_MAX);
        log->ids[log->n] = t->id;
        log->times[log->n] = sim_now(log->s);
        log->n++;
    }
    t->saw_pending = sim_event_pending(ev);
    if (t->cancel_other)
        sim_cancel(log->s, &t->cancel_other->ev);
    if (t->schedule_other)
        sim_schedule(log->s, &t->schedule_other->ev, sim_now(log->s));
    if (t->stop)
        sim_sched_stop(log->s);
    if (t->resched_left) {
        t->resched_left--;
        sim_schedule_in(log->s, ev, t->resched_delay);
    }
}

static void tev_init(struct tev *t, struct run_log *log, int id, const char *name)
{
    memset(t, 0, sizeof(*t));
    t->log = log;
    t->id = id;
    sim_event_init(&t->ev, name, tev_fn, t);
}

static struct sim_sched sched;
static struct run_log rlog;

static void setup(void)
{
    sim_sched_init(&sched);
    memset(&rlog, 0, sizeof(rlog));
    rlog.s = &sched;
}

static void teardown(void)
{
    sim_sched_destroy(&sched);
}

/* ---- basics ----------------------------------------------------------- */

START_TEST(test_init_idle)
{
    struct tev a;
    tev_init(&a, &rlog, 1, "a");
    ck_assert(!sim_event_pending(&a.ev));
    ck_assert_uint_eq(a.ev.heap_index, SIM_EVENT_IDLE);
    ck_assert_str_eq(a.ev.name, "a");
    ck_assert_uint_eq(sim_now(&sched), 0);
    ck_assert_uint_eq(sim_sched_pending(&sched), 0);
    ck_assert_uint_eq(sim_sched_next_time(&sched), SIM_TIME_MAX);
    ck_assert(!sim_run_one(&sched));
    ck_assert_int_eq(sim_run_until_idle(&sched, 0), SIM_RUN_DONE);
    ck_assert_ptr_null(sim_sched_culprit(&sched));
    ck_assert_uint_eq(sched.dispatched, 0);
}
END_TEST

START_TEST(test_order_by_time)
{
    static const sim_time_t when[] = { 30, 10, 20, 5, 25, 15 };
    struct tev t[SIM_ARRAY_SIZE(when)];
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(when); i++) {
        tev_init(&t[i], &rlog, (int)when[i], "t");
        sim_schedule(&sched, &t[i].ev, when[i]);
        ck_assert(sim_event_pending(&t[i].ev));
    }
    ck_assert_uint_eq(sim_sched_pending(&sched), 6);
    ck_assert_uint_eq(sim_sched_next_time(&sched), 5);
    ck_assert_int_eq(sim_run_until_idle(&sched, 0), SIM_RUN_DONE);
    static const int expect[] = { 5, 10, 15, 20, 25, 30 };
    ck_assert_uint_eq(rlog.n, 6);
    for (unsigned i = 0; i < 6; i++) {
        ck_assert_int_eq(rlog.ids[i], expect[i]);
        ck_assert_uint_eq(rlog.times[i], (sim_time_t)expect[i]);
    }
    ck_assert_uint_eq(sim_now(&sched), 30);
    ck_assert_uint_eq(sched.dispatched, 6);
    for (unsigned i = 0; i < 6; i++) {
        ck_assert(!sim_event_pending(&t[i].ev));
        ck_assert(!t[i].saw_pending);
    }
}
END_TEST

START_TEST(test_fifo_many_ties)
{
    enum { N = 1000 };
    static struct tev t[N];
    for (int i = 0; i < N; i++) {
        tev_init(&t[i], &rlog, i, "tie");
        sim_schedule(&sched, &t[i].ev, 777);
    }
    sim_run_until_idle(&sched, 0);
    ck_assert_uint_eq(rlog.n, N);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(rlog.ids[i], i);
}
END_TEST

/* Interleaved schedule and cancel at one time: survivors keep their order,
 * rescheduled ones move to the back. */
START_TEST(test_fifo_interleaved_cancel)
{
    enum { N = 60 };
    static struct tev t[N];
    for (int i = 0; i < N; i++) {
        tev_init(&t[i], &rlog, i, "tie");
        sim_schedule(&sched, &t[i].ev, 50);
        if (i % 3 == 2)
            sim_cancel(&sched, &t[i - 1].ev);
    }
    /* 10 and 20 get fresh sequence numbers at the same time: now last. */
    sim_reschedule(&sched, &t[10].ev, 50);
    sim_reschedule(&sched, &t[20].ev, 50);
    /* a cancelled one scheduled again also goes last */
    sim_schedule(&sched, &t[1].ev, 50);
    sim_run_until_idle(&sched, 0);

    int expect[N], n = 0;
    for (int i = 0; i < N; i++)
        if (i % 3 != 1 && i != 10 && i != 20)
            expect[n++] = i;
    expect[n++] = 10;
    expect[n++] = 20;
    expect[n++] = 1;
    ck_assert_uint_eq(rlog.n, (unsigned)n);
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(rlog.ids[i], expect[i]);
}
END_TEST

/* An event scheduled at the current time from a handler runs after every
 * event already due at that time. */
START_TEST(test_schedule_now_from_handler)
{
    struct tev a, b, c, late;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    tev_init(&c, &rlog, 3, "c");
    tev_init(&late, &rlog, 4, "late");
    a.schedule_other = &late;
    sim_schedule(&sched, &a.ev, 100);
    sim_schedule(&sched, &b.ev, 100);
    sim_schedule(&sched, &c.ev, 100);
    sim_run_until_idle(&sched, 0);
    static const int expect[] = { 1, 2, 3, 4 };
    ck_assert_uint_eq(rlog.n, 4);
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_int_eq(rlog.ids[i], expect[i]);
        ck_assert_uint_eq(rlog.times[i], 100);
    }
}
END_TEST

START_TEST(test_schedule_in_past_asserts)
{
    struct tev a, b;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    sim_schedule(&sched, &a.ev, 100);
    sim_run_until_idle(&sched, 0);
    sim_schedule(&sched, &b.ev, 99);
}
END_TEST

START_TEST(test_schedule_in_relative)
{
    struct tev a;
    tev_init(&a, &rlog, 1, "a");
    sim_run_until(&sched, 1000, 0);
    sim_schedule_in(&sched, &a.ev, 234);
    ck_assert_uint_eq(sim_sched_next_time(&sched), 1234);
    /* saturating: "never" stays never */
    sim_cancel(&sched, &a.ev);
    sim_schedule_in(&sched, &a.ev, SIM_TIME_MAX);
    ck_assert_uint_eq(sim_sched_next_time(&sched), SIM_TIME_MAX);
    ck_assert_uint_eq(sim_sched_pending(&sched), 1);
}
END_TEST

/* ---- cancel / reschedule ---------------------------------------------- */

START_TEST(test_cancel)
{
    struct tev a, b, c;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    tev_init(&c, &rlog, 3, "c");
    sim_cancel(&sched, &a.ev); /* idle: no-op */
    ck_assert(!sim_event_pending(&a.ev));
    sim_schedule(&sched, &a.ev, 10);
    sim_schedule(&sched, &b.ev, 20);
    sim_schedule(&sched, &c.ev, 30);
    sim_cancel(&sched, &b.ev);
    ck_assert(!sim_event_pending(&b.ev));
    ck_assert_uint_eq(b.ev.heap_index, SIM_EVENT_IDLE);
    sim_cancel(&sched, &b.ev); /* twice: still a no-op */
    ck_assert_uint_eq(sim_sched_pending(&sched), 2);
    sim_cancel(&sched, &a.ev); /* the heap root */
    ck_assert_uint_eq(sim_sched_next_time(&sched), 30);
    sim_run_until_idle(&sched, 0);
    ck_assert_uint_eq(rlog.n, 1);
    ck_assert_int_eq(rlog.ids[0], 3);
    ck_assert_uint_eq(sim_now(&sched), 30);
}
END_TEST

START_TEST(test_cancel_from_handler)
{
    struct tev a, b, c;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    tev_init(&c, &rlog, 3, "c");
    a.cancel_other = &b; /* b is due at the same time, after a */
    sim_schedule(&sched, &a.ev, 10);
    sim_schedule(&sched, &b.ev, 10);
    sim_schedule(&sched, &c.ev, 11);
    sim_run_until_idle(&sched, 0);
    ck_assert_uint_eq(rlog.n, 2);
    ck_assert_int_eq(rlog.ids[0], 1);
    ck_assert_int_eq(rlog.ids[1], 3);
}
END_TEST

START_TEST(test_reschedule)
{
    struct tev a, b, c;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    tev_init(&c, &rlog, 3, "c");
    /* not pending: reschedule schedules */
    sim_reschedule(&sched, &a.ev, 50);
    ck_assert(sim_event_pending(&a.ev));
    sim_schedule(&sched, &b.ev, 40);
    sim_schedule(&sched, &c.ev, 60);
    sim_reschedule(&sched, &a.ev, 70);  /* later */
    sim_reschedule(&sched, &c.ev, 10);  /* earlier */
    ck_assert_uint_eq(sim_sched_pending(&sched), 3);
    ck_assert_uint_eq(sim_sched_next_time(&sched), 10);
    sim_run_until_idle(&sched, 0);
    static const int ids[] = { 3, 2, 1 };
    static const sim_time_t at[] = { 10, 40, 70 };
    ck_assert_uint_eq(rlog.n, 3);
    for (unsigned i = 0; i < 3; i++) {
        ck_assert_int_eq(rlog.ids[i], ids[i]);
        ck_assert_uint_eq(rlog.times[i], at[i]);
    }
}
END_TEST

START_TEST(test_schedule_no_later)
{
    struct tev a, b, c;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    tev_init(&c, &rlog, 3, "c");
    sim_schedule_no_later(&sched, &a.ev, 100);  /* idle: schedules */
    ck_assert_uint_eq(a.ev.time, 100);
    sim_schedule_no_later(&sched, &a.ev, 200);  /* later: unchanged */
    ck_assert_uint_eq(a.ev.time, 100);
    sim_schedule_no_later(&sched, &a.ev, 50);   /* earlier: moves */
    ck_assert_uint_eq(a.ev.time, 50);
    ck_assert_uint_eq(sim_sched_pending(&sched), 1);

    /* Equal time: unchanged, so a keeps its place ahead of b. */
    sim_schedule(&sched, &b.ev, 50);
    sim_schedule_no_later(&sched, &a.ev, 50);
    sim_schedule(&sched, &c.ev, 50);
    sim_run_until_idle(&sched, 0);
    ck_assert_uint_eq(rlog.n, 3);
    ck_assert_int_eq(rlog.ids[0], 1);
    ck_assert_int_eq(rlog.ids[1], 2);
    ck_assert_int_eq(rlog.ids[2], 3);
    ck_assert_uint_eq(rlog.times[0], 50);
}
END_TEST

/* The handler runs with its event already out of the heap and may put it back. */
START_TEST(test_self_reschedule)
{
    struct tev a;
    tev_init(&a, &rlog, 1, "tick");
    a.resched_left = 4;
    a.resched_delay = 250;
    sim_schedule(&sched, &a.ev, 1000);
    sim_run_until_idle(&sched, 0);
    ck_assert_uint_eq(rlog.n, 5);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_uint_eq(rlog.times[i], 1000 + 250 * i);
    ck_assert(!a.saw_pending);
    ck_assert_uint_eq(sim_now(&sched), 2000);
}
END_TEST

/* ---- run loops -------------------------------------------------------- */

START_TEST(test_run_until_bound)
{
    struct tev t[4];
    static const sim_time_t at[] = { 10, 20, 20, 30 };
    for (int i = 0; i < 4; i++) {
        tev_init(&t[i], &rlog, i, "t");
        sim_schedule(&sched, &t[i].ev, at[i]);
    }
    ck_assert_int_eq(sim_run_until(&sched, 20, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(rlog.n, 3);  /* both events exactly at the bound ran */
    ck_assert_uint_eq(sim_now(&sched), 20);
    ck_assert_int_eq(sim_run_until(&sched, 25, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(rlog.n, 3);
    ck_assert_uint_eq(sim_now(&sched), 25);  /* now == bound even with nothing to run */
    ck_assert(sim_event_pending(&t[3].ev));
    ck_assert_int_eq(sim_run_until(&sched, 1000, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(rlog.n, 4);
    ck_assert_uint_eq(rlog.times[3], 30);
    ck_assert_uint_eq(sim_now(&sched), 1000);
    /* idle scheduler: time still moves to the bound */
    ck_assert_int_eq(sim_run_until(&sched, 5000, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(sim_now(&sched), 5000);
}
END_TEST

START_TEST(test_run_until_event_limit)
{
    struct tev t[10];
    for (int i = 0; i < 10; i++) {
        tev_init(&t[i], &rlog, i, "t");
        sim_schedule(&sched, &t[i].ev, 10 * (sim_time_t)(i + 1));
    }
    ck_assert_int_eq(sim_run_until(&sched, 1000, 3), SIM_RUN_EVENT_LIMIT);
    ck_assert_uint_eq(rlog.n, 3);
    ck_assert_uint_eq(sim_sched_pending(&sched), 7);
    ck_assert_uint_le(sim_now(&sched), 40);  /* did not jump to the bound */
    ck_assert_int_eq(sim_run_until_idle(&sched, 4), SIM_RUN_EVENT_LIMIT);
    ck_assert_uint_eq(rlog.n, 7);
    ck_assert_int_eq(sim_run_until_idle(&sched, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(rlog.n, 10);
    ck_assert_uint_eq(sched.dispatched, 10);
}
END_TEST

START_TEST(test_run_until_idle_time)
{
    struct tev a, b;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    sim_schedule(&sched, &a.ev, 123456);
    sim_schedule(&sched, &b.ev, 7);
    ck_assert_int_eq(sim_run_until_idle(&sched, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(sim_now(&sched), 123456);
    ck_assert_uint_eq(sim_sched_pending(&sched), 0);
}
END_TEST

START_TEST(test_run_one)
{
    struct tev a, b;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    sim_schedule(&sched, &a.ev, 30);
    sim_schedule(&sched, &b.ev, 20);
    ck_assert(sim_run_one(&sched));
    ck_assert_uint_eq(rlog.n, 1);
    ck_assert_int_eq(rlog.ids[0], 2);
    ck_assert_uint_eq(sim_now(&sched), 20);
    ck_assert(sim_run_one(&sched));
    ck_assert_uint_eq(sim_now(&sched), 30);
    ck_assert(!sim_run_one(&sched));
    ck_assert_uint_eq(rlog.n, 2);
    ck_assert_uint_eq(sim_now(&sched), 30);
}
END_TEST

START_TEST(test_stop)
{
    struct tev a, b, c;
    tev_init(&a, &rlog, 1, "a");
    tev_init(&b, &rlog, 2, "b");
    tev_init(&c, &rlog, 3, "c");
    b.stop = true;
    sim_schedule(&sched, &a.ev, 10);
    sim_schedule(&sched, &b.ev, 20);
    sim_schedule(&sched, &c.ev, 20);
    ck_assert_int_eq(sim_run_until(&sched, 100, 0), SIM_RUN_STOPPED);
    ck_assert_uint_eq(rlog.n, 2);
    ck_assert_uint_eq(sim_now(&sched), 20);  /* stopped early: not moved to the bound */
    ck_assert(sim_event_pending(&c.ev));
    /* the stop request is consumed: the next run carries on */
    ck_assert_int_eq(sim_run_until(&sched, 100, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(rlog.n, 3);
    ck_assert_uint_eq(sim_now(&sched), 100);
    /* also from run_until_idle */
    b.stop = true;
    sim_schedule(&sched, &b.ev, 200);
    sim_schedule(&sched, &c.ev, 300);
    ck_assert_int_eq(sim_run_until_idle(&sched, 0), SIM_RUN_STOPPED);
    ck_assert_uint_eq(sim_now(&sched), 200);
    ck_assert_uint_eq(sim_sched_pending(&sched), 1);
}
END_TEST

/* ---- runaway guard ---------------------------------------------------- */

START_TEST(test_runaway_names_culprit)
{
    struct tev benign[5], echo, spin;
    sched.zero_time_limit = 1000;
    for (int i = 0; i < 5; i++) {
        tev_init(&benign[i], &rlog, 10 + i, "benign");
        sim_schedule(&sched, &benign[i].ev, 500);
    }
    /* a benign event that re-fires at zero delay a few times */
    tev_init(&echo, &rlog, 20, "echo");
    echo.resched_left = 50;
    sim_schedule(&sched, &echo.ev, 500);
    tev_init(&spin, &rlog, 30, "spinner");
    spin.resched_left = UINT32_MAX;
    sim_schedule(&sched, &spin.ev, 500);

    ck_assert_int_eq(sim_run_until(&sched, SIM_TIME_MAX, 0), SIM_RUN_RUNAWAY);
    const struct sim_event *culprit = sim_sched_culprit(&sched);
    ck_assert_ptr_eq(culprit, &spin.ev);
    ck_assert_str_eq(culprit->name, "spinner");
    ck_assert_uint_eq(sim_now(&sched), 500);
    ck_assert_uint_le(rlog.n, 1001 + 1);
    ck_assert_uint_ge(rlog.n, 1000);
}
END_TEST

/* Many dispatches in total, but time advances between bursts: no runaway. */
START_TEST(test_runaway_resets_when_time_advances)
{
    enum { BURSTS = 10, PER_BURST = 800 };
    static struct tev t[BURSTS];
    sched.zero_time_limit = 1000;
    for (int i = 0; i < BURSTS; i++) {
        tev_init(&t[i], &rlog, i, "burst");
        t[i].resched_left = PER_BURST - 1;
        t[i].quiet = true;
        sim_schedule(&sched, &t[i].ev, 100 * (sim_time_t)(i + 1));
    }
    ck_assert_int_eq(sim_run_until(&sched, 10000, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(sched.dispatched, BURSTS * PER_BURST);
    ck_assert_ptr_null(sim_sched_culprit(&sched));
}
END_TEST

START_TEST(test_runaway_guard_disabled)
{
    struct tev spin;
    sched.zero_time_limit = 0;
    tev_init(&spin, &rlog, 1, "spinner");
    spin.resched_left = 3000;
    sim_schedule(&sched, &spin.ev, 1);
    ck_assert_int_eq(sim_run_until_idle(&sched, 0), SIM_RUN_DONE);
    ck_assert_uint_eq(rlog.n, 3001);
}
END_TEST

/* ---- randomised heap property ---------------------------------------- */

enum { RND_EVENTS = 64, RND_STEPS = 20000 };

struct rnd_event {
    struct sim_event ev;
    int id;
    bool pending;           /* reference state */
    sim_time_t time;
    uint64_t seq;
};

static struct rnd_event rnd[RND_EVENTS];
static int rnd_last_run;

static void rnd_fn(struct sim_event *ev, void *opaque)
{
    struct rnd_event *r = opaque;
    ck_assert_ptr_eq(ev, &r->ev);
    rnd_last_run = r->id;
}

/* The reference: the pending entry with the least (time, seq), or -1. */
static int rnd_reference_min(void)
{
    int best = -1;
    for (int i = 0; i < RND_EVENTS; i++) {
        if (!rnd[i].pending)
            continue;
        if (best < 0 || rnd[i].time < rnd[best].time ||
            (rnd[i].time == rnd[best].time && rnd[i].seq < rnd[best].seq))
            best = i;
    }
    return best;
}

START_TEST(test_random_against_reference)
{
    GRand *rand = g_rand_new_with_seed(20240601);
    uint64_t seq = 0;
    unsigned pending = 0, ran = 0;
    for (int i = 0; i < RND_EVENTS; i++) {
        rnd[i].id = i;
        rnd[i].pending = false;
        sim_event_init(&rnd[i].ev, "rnd", rnd_fn, &rnd[i]);
    }
    for (int step = 0; step < RND_STEPS; step++) {
        int i = g_rand_int_range(rand, 0, RND_EVENTS);
        struct rnd_event *r = &rnd[i];
        /* few distinct times, so ties are frequent */
        sim_time_t when = sim_now(&sched) + (sim_time_t)g_rand_int_range(rand, 0, 8) * 10;
        switch (g_rand_int_range(rand, 0, 5)) {
        case 0:
            if (!r->pending) {
                sim_schedule(&sched, &r->ev, when);
                r->pending = true;
                r->time = when;
                r->seq = seq++;
                pending++;
            }
            break;
        case 1:
            sim_cancel(&sched, &r->ev);
            pending -= r->pending;
            r->pending = false;
            break;
        case 2:
            sim_reschedule(&sched, &r->ev, when);
            pending += !r->pending;
            r->pending = true;
            r->time = when;
            r->seq = seq++;
            break;
        case 3:
            sim_schedule_no_later(&sched, &r->ev, when);
            if (!r->pending || when < r->time) {
                pending += !r->pending;
                r->pending = true;
                r->time = when;
                r->seq = seq++;
            }
            break;
        default: {
            int expect = rnd_reference_min();
            rnd_last_run = -1;
            ck_assert_int_eq(sim_run_one(&sched), expect >= 0);
            ck_assert_int_eq(rnd_last_run, expect);
            if (expect >= 0) {
                ck_assert_uint_eq(sim_now(&sched), rnd[expect].time);
                rnd[expect].pending = false;
                pending--;
                ran++;
            }
            break;
        }
        }
        ck_assert_uint_eq(sim_sched_pending(&sched), pending);
        int m = rnd_reference_min();
        ck_assert_uint_eq(sim_sched_next_time(&sched), m < 0 ? SIM_TIME_MAX : rnd[m].time);
        ck_assert_int_eq(sim_event_pending(&r->ev), r->pending);
    }
    /* drain in reference order */
    for (int m; (m = rnd_reference_min()) >= 0;) {
        ck_assert(sim_run_one(&sched));
        ck_assert_int_eq(rnd_last_run, m);
        rnd[m].pending = false;
        ran++;
    }
    ck_assert(!sim_run_one(&sched));
    ck_assert_uint_eq(sched.dispatched, ran);
    ck_assert_uint_gt(ran, RND_STEPS / 10);
    g_rand_free(rand);
}
END_TEST

/* ---- time helpers (sim-types.h) -------------------------------------- */

START_TEST(test_clock_and_cycles)
{
    struct sim_clock c1 = sim_clock_mhz(1000), c15 = sim_clock_mhz(1500), c0 = sim_clock_mhz(0);
    struct sim_clock cmax = sim_clock_mhz(1000000), c3 = sim_clock_mhz(3);
    ck_assert_uint_eq(c1.period_ps, 1000);
    ck_assert_uint_eq(c15.period_ps, 667);
    ck_assert_uint_eq(c0.period_ps, 1);
    ck_assert_uint_eq(cmax.period_ps, 1);
    ck_assert_uint_eq(c3.period_ps, 333333);
    ck_assert_uint_eq(sim_cycles(&c15, 3), 2001);
    ck_assert_uint_eq(sim_time_to_cycles(&c1, 0), 0);
    ck_assert_uint_eq(sim_time_to_cycles(&c1, 1), 1);
    ck_assert_uint_eq(sim_time_to_cycles(&c1, 1000), 1);
    ck_assert_uint_eq(sim_time_to_cycles(&c1, 1001), 2);
    ck_assert_uint_eq(sim_ns(5), 5000);
    ck_assert_uint_eq(SIM_S, 1000 * SIM_MS);
    ck_assert_uint_eq(sim_time_add(SIM_TIME_MAX - 1, 5), SIM_TIME_MAX);
    ck_assert_uint_eq(sim_time_add(3, 4), 7);
    ck_assert_uint_eq(sim_time_max(3, 4), 4);
    ck_assert_uint_eq(sim_time_min(3, 4), 3);
    ck_assert_uint_eq(sim_msb64(1), 0);
    ck_assert_uint_eq(sim_msb64(UINT64_MAX), 63);
    ck_assert_uint_eq(sim_msb64(0x1000), 12);
}
END_TEST

START_TEST(test_time_format)
{
    char buf[32];
    ck_assert_ptr_eq(sim_time_format(12345678, buf, sizeof(buf)), buf);
    ck_assert_str_eq(buf, "12.345678us");
    sim_time_format(SIM_TIME_MAX, buf, sizeof(buf));
    ck_assert_uint_gt(strlen(buf), 0);
    ck_assert_uint_lt(strlen(buf), sizeof(buf));
    sim_time_format(0, buf, sizeof(buf));
    ck_assert_uint_gt(strlen(buf), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("order");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_init_idle);
    tcase_add_test(tc, test_order_by_time);
    tcase_add_test(tc, test_fifo_many_ties);
    tcase_add_test(tc, test_fifo_interleaved_cancel);
    tcase_add_test(tc, test_schedule_now_from_handler);
    tcase_add_test_raise_signal(tc, test_schedule_in_past_asserts, SIGABRT);
    tcase_add_test(tc, test_schedule_in_relative);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_cancel);
    tcase_add_test(tc, test_cancel_from_handler);
    tcase_add_test(tc, test_reschedule);
    tcase_add_test(tc, test_schedule_no_later);
    tcase_add_test(tc, test_self_reschedule);
    suite_add_tcase(s, tc);

    tc = tcase_create("run");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_run_until_bound);
    tcase_add_test(tc, test_run_until_event_limit);
    tcase_add_test(tc, test_run_until_idle_time);
    tcase_add_test(tc, test_run_one);
    tcase_add_test(tc, test_stop);
    tcase_add_test(tc, test_runaway_names_culprit);
    tcase_add_test(tc, test_runaway_resets_when_time_advances);
    tcase_add_test(tc, test_runaway_guard_disabled);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_random_against_reference);
    suite_add_tcase(s, tc);

    tc = tcase_create("time");
    tcase_add_test(tc, test_clock_and_cycles);
    tcase_add_test(tc, test_time_format);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
