/*
 * sched.c — discrete-event scheduler: an intrusive binary min-heap of event
 * pointers ordered by (time, seq).  Each event records its heap index, so
 * cancel and reschedule are O(log n) without searching.
 */
#include <glib.h>
#include "sim/sched.h"

#define ZERO_TIME_LIMIT_DEFAULT 10000000u

void sim_event_init(struct sim_event *ev, const char *name, sim_event_fn fn, void *opaque)
{
    ev->time = 0;
    ev->seq = 0;
    ev->heap_index = SIM_EVENT_IDLE;
    ev->stall_hits = 0;
    ev->stall_epoch = 0;
    ev->fn = fn;
    ev->opaque = opaque;
    ev->name = name ? name : "event";
}

void sim_sched_init(struct sim_sched *s)
{
    s->heap = NULL;
    s->len = 0;
    s->cap = 0;
    s->now = 0;
    s->next_seq = 0;
    s->dispatched = 0;
    s->zero_time_limit = ZERO_TIME_LIMIT_DEFAULT;
    s->zero_time_run = 0;
    s->zero_time_at = 0;
    s->stall_epoch = 1;
    s->culprit_hits = 0;
    s->culprit = NULL;
    s->stall_leader = NULL;
    s->stop_requested = false;
}

void sim_sched_destroy(struct sim_sched *s)
{
    for (uint32_t i = 0; i < s->len; i++)
        s->heap[i]->heap_index = SIM_EVENT_IDLE;
    g_free(s->heap);
    s->heap = NULL;
    s->len = s->cap = 0;
}

static inline bool earlier(const struct sim_event *a, const struct sim_event *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void heap_place(struct sim_sched *s, uint32_t i, struct sim_event *ev)
{
    s->heap[i] = ev;
    ev->heap_index = i;
}

static void sift_up(struct sim_sched *s, uint32_t i)
{
    struct sim_event *ev = s->heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!earlier(ev, s->heap[parent]))
            break;
        heap_place(s, i, s->heap[parent]);
        i = parent;
    }
    heap_place(s, i, ev);
}

static void sift_down(struct sim_sched *s, uint32_t i)
{
    struct sim_event *ev = s->heap[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= s->len)
            break;
        if (child + 1 < s->len && earlier(s->heap[child + 1], s->heap[child]))
            child++;
        if (!earlier(s->heap[child], ev))
            break;
        heap_place(s, i, s->heap[child]);
        i = child;
    }
    heap_place(s, i, ev);
}

static void heap_remove_at(struct sim_sched *s, uint32_t i)
{
    struct sim_event *ev = s->heap[i];
    struct sim_event *last = s->heap[--s->len];
    ev->heap_index = SIM_EVENT_IDLE;
    if (i == s->len)
        return;
    heap_place(s, i, last);
    if (i > 0 && earlier(last, s->heap[(i - 1) / 2]))
        sift_up(s, i);
    else
        sift_down(s, i);
}

void sim_schedule(struct sim_sched *s, struct sim_event *ev, sim_time_t when)
{
    g_assert(ev->heap_index == SIM_EVENT_IDLE);
    g_assert(when >= s->now);
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->heap = g_renew(struct sim_event *, s->heap, s->cap);
    }
    ev->time = when;
    ev->seq = s->next_seq++;
    heap_place(s, s->len++, ev);
    sift_up(s, ev->heap_index);
}

void sim_cancel(struct sim_sched *s, struct sim_event *ev)
{
    if (ev->heap_index != SIM_EVENT_IDLE)
        heap_remove_at(s, ev->heap_index);
}

void sim_reschedule(struct sim_sched *s, struct sim_event *ev, sim_time_t when)
{
    sim_cancel(s, ev);
    sim_schedule(s, ev, when);
}

void sim_schedule_no_later(struct sim_sched *s, struct sim_event *ev, sim_time_t when)
{
    if (ev->heap_index != SIM_EVENT_IDLE && ev->time <= when)
        return;
    sim_reschedule(s, ev, when);
}

sim_time_t sim_sched_next_time(const struct sim_sched *s)
{
    return s->len ? s->heap[0]->time : SIM_TIME_MAX;
}

void sim_sched_stop(struct sim_sched *s)
{
    s->stop_requested = true;
}

/* Track dispatches that do not advance time; true when the guard trips. */
static bool zero_time_guard(struct sim_sched *s, struct sim_event *ev)
{
    if (s->now != s->zero_time_at) {
        s->zero_time_at = s->now;
        s->zero_time_run = 0;
        s->stall_epoch++;
        s->culprit_hits = 0;
        s->stall_leader = NULL;
    }
    if (ev->stall_epoch != s->stall_epoch) {
        ev->stall_epoch = s->stall_epoch;
        ev->stall_hits = 0;
    }
    ev->stall_hits++;
    if (ev->stall_hits > s->culprit_hits) {
        s->culprit_hits = ev->stall_hits;
        s->stall_leader = ev;
    }
    return s->zero_time_limit && ++s->zero_time_run > s->zero_time_limit;
}

static void dispatch(struct sim_sched *s)
{
    struct sim_event *ev = s->heap[0];
    heap_remove_at(s, 0);
    s->now = ev->time;
    s->dispatched++;
    ev->fn(ev, ev->opaque);
}

bool sim_run_one(struct sim_sched *s)
{
    if (!s->len)
        return false;
    dispatch(s);
    return true;
}

static enum sim_run_status run_loop(struct sim_sched *s, sim_time_t until, uint64_t max_events)
{
    uint64_t budget = max_events;
    s->stop_requested = false;
    s->culprit = NULL;
    while (s->len && s->heap[0]->time <= until) {
        if (max_events && budget-- == 0)
            return SIM_RUN_EVENT_LIMIT;
        struct sim_event *next = s->heap[0];
        /* The caller reports the culprit; the kernel only stops. */
        if (next->time == s->now && zero_time_guard(s, next)) {
            s->culprit = s->stall_leader;
            return SIM_RUN_RUNAWAY;
        }
        dispatch(s);
        if (s->stop_requested)
            return SIM_RUN_STOPPED;
    }
    return SIM_RUN_DONE;
}

enum sim_run_status sim_run_until(struct sim_sched *s, sim_time_t until, uint64_t max_events)
{
    enum sim_run_status st = run_loop(s, until, max_events);
    if (st == SIM_RUN_DONE && until != SIM_TIME_MAX && until > s->now)
        s->now = until;
    return st;
}

enum sim_run_status sim_run_until_idle(struct sim_sched *s, uint64_t max_events)
{
    return run_loop(s, SIM_TIME_MAX, max_events);
}
