/*
 * sim-types.h — basic types of the simulation: time, clocks, addresses.
 *
 * Simulated time is an unsigned 64-bit count of picoseconds (about 213 days
 * of simulated time before it wraps).  It is never taken from the host clock
 * and never held in floating point, so every run is reproducible bit for bit.
 *
 * A hardware block runs on a clock given by its frequency in MHz; its
 * latencies are stated in cycles of that clock.  The period is rounded to a
 * whole picosecond once, when the clock is created, so cycle arithmetic is
 * exact integer multiplication from then on (1000 MHz -> 1000 ps,
 * 1500 MHz -> 667 ps).
 */
#ifndef SIM_TYPES_H
#define SIM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t sim_time_t;

#define SIM_PS ((sim_time_t)1)
#define SIM_NS ((sim_time_t)1000)
#define SIM_US ((sim_time_t)1000000)
#define SIM_MS ((sim_time_t)1000000000)
#define SIM_S  ((sim_time_t)1000000000000ULL)
#define SIM_TIME_MAX UINT64_MAX

/* A clock: a period in whole picoseconds, derived from a frequency. */
struct sim_clock {
    uint64_t mhz;
    sim_time_t period_ps;
};

/* Build a clock from a frequency in MHz (1 .. 1000000).  0 MHz is invalid
 * and yields a 1 ps period so arithmetic stays defined; parameter checks
 * reject it before it gets here. */
static inline struct sim_clock sim_clock_mhz(uint64_t mhz)
{
    struct sim_clock c;
    c.mhz = mhz;
    c.period_ps = mhz ? (1000000 + mhz / 2) / mhz : 1;
    if (c.period_ps == 0)
        c.period_ps = 1;
    return c;
}

static inline sim_time_t sim_cycles(const struct sim_clock *c, uint64_t cycles)
{
    return c->period_ps * cycles;
}

/* Whole cycles elapsed in a duration, rounded up (a partial cycle costs one). */
static inline uint64_t sim_time_to_cycles(const struct sim_clock *c, sim_time_t t)
{
    return (t + c->period_ps - 1) / c->period_ps;
}

static inline sim_time_t sim_ns(uint64_t ns) { return ns * SIM_NS; }

/* Saturating add, so "never" (SIM_TIME_MAX) stays never. */
static inline sim_time_t sim_time_add(sim_time_t a, sim_time_t b)
{
    return (a > SIM_TIME_MAX - b) ? SIM_TIME_MAX : a + b;
}

static inline sim_time_t sim_time_max(sim_time_t a, sim_time_t b) { return a > b ? a : b; }
static inline sim_time_t sim_time_min(sim_time_t a, sim_time_t b) { return a < b ? a : b; }

/* Format a time as "12.345678us" style text into buf (>= 32 bytes). */
const char *sim_time_format(sim_time_t t, char *buf, size_t len);

#define SIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Index of the most significant set bit of a non-zero value. */
static inline unsigned sim_msb64(uint64_t v)
{
#if defined(__GNUC__)
    return 63u - (unsigned)__builtin_clzll(v);
#else
    unsigned n = 0;
    while (v >>= 1)
        n++;
    return n;
#endif
}

#if defined(__GNUC__)
#define SIM_LIKELY(x) __builtin_expect(!!(x), 1)
#define SIM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SIM_LIKELY(x) (x)
#define SIM_UNLIKELY(x) (x)
#endif

#endif /* SIM_TYPES_H */
