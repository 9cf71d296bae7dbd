/*
 * sched.h — the discrete-event scheduler.
 *
 * One scheduler orders everything that happens in a simulated machine.
 * Events are owned by their callers: a model embeds a `struct sim_event` in
 * its own state, initialises it once with sim_event_init(), and then
 * schedules, cancels and reschedules it as often as it likes.  Scheduling
 * never allocates once the heap array has grown to the largest number of
 * simultaneously pending events, so the hot path is allocation-free.
 *
 * Ordering: a binary min-heap on (time, sequence).  The sequence number is
 * taken at the moment of (re)scheduling, so events due at the same time run
 * first-in first-out, and every run is reproducible bit for bit.
 *
 * Contract:
 *   - An event may be scheduled at the current time or later, never earlier
 *     (asserted).  A handler may schedule further events, including itself;
 *     an event scheduled at the current time from a handler runs after every
 *     event already due at that time.
 *   - The event is removed from the heap before its handler runs, so the
 *     handler may reschedule or free it.
 *   - cancel on an unscheduled event is a no-op; reschedule works whether or
 *     not the event is pending.  Both are O(log n).
 *   - Runaway guard: more than `zero_time_limit` dispatches without simulated
 *     time advancing stops the run with SIM_RUN_RUNAWAY and names the event
 *     dispatched most often during the stall (`sim_sched_culprit`).
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include "sim/sim-types.h"

struct sim_event;
typedef void (*sim_event_fn)(struct sim_event *ev, void *opaque);

struct sim_event {
    sim_time_t time;        /* due time while scheduled */
    uint64_t seq;           /* FIFO tie-break */
    uint32_t heap_index;    /* SIM_EVENT_IDLE when not scheduled */
    uint32_t stall_hits;    /* dispatches during the current zero-time run */
    uint32_t stall_epoch;   /* which zero-time run stall_hits belongs to */
    sim_event_fn fn;
    void *opaque;
    const char *name;       /* static string, for diagnostics and traces */
};

#define SIM_EVENT_IDLE UINT32_MAX

enum sim_run_status {
    SIM_RUN_DONE = 0,       /* reached the requested time / went idle */
    SIM_RUN_RUNAWAY,        /* zero-time loop detected */
    SIM_RUN_STOPPED,        /* sim_sched_stop() was called by a handler */
    SIM_RUN_EVENT_LIMIT,    /* the dispatch budget given to run_* ran out */
};

/* Heap slot: the ordering key is copied next to the pointer so comparisons
 * never touch the events themselves. */
struct sim_heap_slot {
    sim_time_t time;
    uint64_t seq;
    struct sim_event *ev;
};

struct sim_sched {
    struct sim_heap_slot *heap;
    uint32_t len;
    uint32_t cap;
    bool hole;                  /* slot 0 holds the event being dispatched */
    sim_time_t now;
    uint64_t next_seq;
    uint64_t dispatched;        /* total events run */
    uint64_t zero_time_limit;   /* 0 disables the guard */
    uint64_t zero_time_run;     /* consecutive dispatches at `now` */
    sim_time_t zero_time_at;
    uint32_t stall_epoch;       /* bumped whenever simulated time advances */
    uint32_t culprit_hits;
    const struct sim_event *stall_leader; /* most dispatched in the current zero-time run */
    const struct sim_event *culprit;
    bool stop_requested;
};

void sim_event_init(struct sim_event *ev, const char *name, sim_event_fn fn, void *opaque);
static inline bool sim_event_pending(const struct sim_event *ev)
{
    return ev->heap_index != SIM_EVENT_IDLE;
}

void sim_sched_init(struct sim_sched *s);
void sim_sched_destroy(struct sim_sched *s);
static inline sim_time_t sim_now(const struct sim_sched *s) { return s->now; }

/* Schedule an idle event at absolute time `when` (>= now). */
void sim_schedule(struct sim_sched *s, struct sim_event *ev, sim_time_t when);
/* Schedule `delay` after now. */
static inline void sim_schedule_in(struct sim_sched *s, struct sim_event *ev, sim_time_t delay)
{
    sim_schedule(s, ev, sim_time_add(s->now, delay));
}
/* Move an event (pending or not) to `when`; takes a fresh sequence number. */
void sim_reschedule(struct sim_sched *s, struct sim_event *ev, sim_time_t when);
/* Schedule at `when` unless already pending at an earlier or equal time. */
void sim_schedule_no_later(struct sim_sched *s, struct sim_event *ev, sim_time_t when);
void sim_cancel(struct sim_sched *s, struct sim_event *ev);

/* Time of the earliest pending event, or SIM_TIME_MAX when idle. */
sim_time_t sim_sched_next_time(const struct sim_sched *s);
static inline uint32_t sim_sched_pending(const struct sim_sched *s) { return s->len - s->hole; }

/* Run every event due at or before `until`, then set now = until (unless
 * stopped early).  `max_events` bounds the dispatches (0 = unbounded). */
enum sim_run_status sim_run_until(struct sim_sched *s, sim_time_t until, uint64_t max_events);
/* Run until no event is pending; now stays at the last event's time. */
enum sim_run_status sim_run_until_idle(struct sim_sched *s, uint64_t max_events);
/* Run exactly one event if any is pending; returns false when idle. */
bool sim_run_one(struct sim_sched *s);
/* Ask the running loop to return SIM_RUN_STOPPED after the current handler. */
void sim_sched_stop(struct sim_sched *s);

/* The event blamed for the last SIM_RUN_RUNAWAY (NULL otherwise). */
static inline const struct sim_event *sim_sched_culprit(const struct sim_sched *s)
{
    return s->culprit;
}

#endif /* SIM_SCHED_H */
