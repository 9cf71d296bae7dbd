/*
 * sim-types.c — formatting of simulated time.
 */
#include <inttypes.h>
#include <stdio.h>
#include "sim/sim-types.h"

const char *sim_time_format(sim_time_t t, char *buf, size_t len)
{
    /* Microseconds with picosecond resolution: exact, and the unit users
     * think in for invalidation latencies. */
    snprintf(buf, len, "%" PRIu64 ".%06" PRIu64 "us", t / SIM_US, t % SIM_US);
    return buf;
}
