/*
 * sched.c — discrete-event scheduler: a binary min-heap of (time, seq,
 * event) slots.  Each event records its heap index, so cancel and
 * reschedule are O(log n) without searching.
 *
 * The event being dispatched leaves a hole at the root instead of being
 * removed at once: most handlers schedule an event (often themselves), and
 * filling the hole with it costs one sift-down instead of a remove plus an
 * insert.  Any other heap operation first settles the hole.
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
    s->hole = false;
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
    for (uint32_t i = s->hole; i < s->len; i++)
        s->heap[i].ev->heap_index = SIM_EVENT_IDLE;
    g_free(s->heap);
    s->hole = false;
    s->heap = NULL;
    s->len = s->cap = 0;
}

static inline bool earlier(const struct sim_heap_slot *a, const struct sim_heap_slot *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void heap_place(struct sim_sched *s, uint32_t i, struct sim_heap_slot slot)
{
    s->heap[i] = slot;
    slot.ev->heap_index = i;
}

static void sift_up(struct sim_sched *s, uint32_t i, struct sim_heap_slot slot)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!earlier(&slot, &s->heap[parent]))
            break;
        heap_place(s, i, s->heap[parent]);
        i = parent;
    }
    heap_place(s, i, slot);
}

static void sift_down(struct sim_sched *s, uint32_t i, struct sim_heap_slot slot)
{
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= s->len)
            break;
        if (child + 1 < s->len && earlier(&s->heap[child + 1], &s->heap[child]))
            child++;
        if (!earlier(&s->heap[child], &slot))
            break;
        heap_place(s, i, s->heap[child]);
        i = child;
    }
    heap_place(s, i, slot);
}

/* Close the hole left by a dispatched event that nothing filled. */
static void settle(struct sim_sched *s)
{
    if (!s->hole)
        return;
    s->hole = false;
    struct sim_heap_slot last = s->heap[--s->len];
    if (s->len > 0)
        sift_down(s, 0, last);
}

static void heap_remove_at(struct sim_sched *s, uint32_t i)
{
    struct sim_event *ev = s->heap[i].ev;
    struct sim_heap_slot last = s->heap[--s->len];
    ev->heap_index = SIM_EVENT_IDLE;
    if (i == s->len)
        return;
    if (i > 0 && earlier(&last, &s->heap[(i - 1) / 2]))
        sift_up(s, i, last);
    else
        sift_down(s, i, last);
}

void sim_schedule(struct sim_sched *s, struct sim_event *ev, sim_time_t when)
{
    g_assert(ev->heap_index == SIM_EVENT_IDLE);
    g_assert(when >= s->now);
    if (!s->hole && s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->heap = g_renew(struct sim_heap_slot, s->heap, s->cap);
    }
    ev->time = when;
    ev->seq = s->next_seq++;
    struct sim_heap_slot slot = { when, ev->seq, ev };
    if (s->hole) {
        s->hole = false;
        sift_down(s, 0, slot);
        return;
    }
    sift_up(s, s->len++, slot);
}

void sim_cancel(struct sim_sched *s, struct sim_event *ev)
{
    if (ev->heap_index == SIM_EVENT_IDLE)
        return;
    settle(s);
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
    if (!s->hole)
        return s->len ? s->heap[0].time : SIM_TIME_MAX;
    if (s->len == 1)
        return SIM_TIME_MAX;
    if (s->len == 2 || earlier(&s->heap[1], &s->heap[2]))
        return s->heap[1].time;
    return s->heap[2].time;
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
    struct sim_event *ev = s->heap[0].ev;
    ev->heap_index = SIM_EVENT_IDLE;
    s->hole = true;
    s->now = ev->time;
    s->dispatched++;
    ev->fn(ev, ev->opaque);
}

bool sim_run_one(struct sim_sched *s)
{
    settle(s);
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
    for (;;) {
        settle(s);
        if (!s->len || s->heap[0].time > until)
            break;
        if (max_events && budget-- == 0)
            return SIM_RUN_EVENT_LIMIT;
        struct sim_event *next = s->heap[0].ev;
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
