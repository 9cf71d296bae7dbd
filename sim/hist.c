/*
 * hist.c — log-linear histogram: bucket edges, percentiles, merge.
 */
#include <string.h>
#include "sim/hist.h"

void sim_hist_init(struct sim_hist *h)
{
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

void sim_hist_reset(struct sim_hist *h) { sim_hist_init(h); }

uint64_t sim_hist_bucket_low(unsigned i)
{
    if (i < SIM_HIST_SUB)
        return i;
    unsigned shift = i / SIM_HIST_SUB - 1;
    uint64_t sub = i % SIM_HIST_SUB;
    return ((uint64_t)SIM_HIST_SUB + sub) << shift;
}

uint64_t sim_hist_bucket_high(unsigned i)
{
    if (i < SIM_HIST_SUB)
        return i;
    unsigned shift = i / SIM_HIST_SUB - 1;
    uint64_t low = sim_hist_bucket_low(i);
    return low + ((1ULL << shift) - 1);
}

uint64_t sim_hist_percentile_ppm(const struct sim_hist *h, uint32_t ppm)
{
    if (!h->count)
        return 0;
    if (ppm > 1000000)
        ppm = 1000000;
    /* Rank of the requested sample, 1-based, rounded up (nearest-rank). */
    uint64_t rank = (h->count / 1000000) * ppm + ((h->count % 1000000) * ppm + 999999) / 1000000;
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < SIM_HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            uint64_t v = sim_hist_bucket_high(i);
            if (v > h->max)
                v = h->max;
            if (v < h->min)
                v = h->min;
            return v;
        }
    }
    return h->max;
}

uint64_t sim_hist_mean(const struct sim_hist *h)
{
    return h->count ? h->sum / h->count : 0;
}

void sim_hist_merge(struct sim_hist *into, const struct sim_hist *from)
{
    if (!from->count)
        return;
    into->count += from->count;
    into->sum = (into->sum > UINT64_MAX - from->sum) ? UINT64_MAX : into->sum + from->sum;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
    for (unsigned i = 0; i < SIM_HIST_BUCKETS; i++)
        into->buckets[i] += from->buckets[i];
}
