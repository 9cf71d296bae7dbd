/*
 * hist.h — latency histograms cheap enough for hot paths.
 *
 * Log-linear buckets (the HDR-histogram scheme): values below 2^SUB_BITS
 * get a bucket each; above, every power-of-two range is split into
 * 2^SUB_BITS equal buckets, so a bucket is never wider than 1/2^SUB_BITS
 * (about 1.6 %) of its values.  Recording is a few integer operations and no
 * allocation.  Count, sum, min and max are exact; percentiles are the upper
 * edge of the bucket holding the requested rank, clamped to [min, max], so
 * they are exact for distributions of few distinct values and within one
 * bucket width otherwise.
 *
 * Values are unsigned 64-bit; for latencies they are picoseconds.
 */
#ifndef SIM_HIST_H
#define SIM_HIST_H

#include "sim/sim-types.h"

#define SIM_HIST_SUB_BITS 6
#define SIM_HIST_SUB (1u << SIM_HIST_SUB_BITS)
#define SIM_HIST_BUCKETS ((64 - SIM_HIST_SUB_BITS + 1) * SIM_HIST_SUB)

struct sim_hist {
    uint64_t count;
    uint64_t sum;           /* saturates at UINT64_MAX */
    uint64_t min, max;
    uint64_t buckets[SIM_HIST_BUCKETS];
};

void sim_hist_init(struct sim_hist *h);
void sim_hist_reset(struct sim_hist *h);

static inline unsigned sim_hist_bucket(uint64_t v)
{
    if (v < SIM_HIST_SUB)
        return (unsigned)v;
    unsigned msb = sim_msb64(v);
    unsigned shift = msb - SIM_HIST_SUB_BITS;
    return (shift + 1) * SIM_HIST_SUB + (unsigned)((v >> shift) & (SIM_HIST_SUB - 1));
}

static inline void sim_hist_record(struct sim_hist *h, uint64_t v)
{
    h->count++;
    h->sum = (h->sum > UINT64_MAX - v) ? UINT64_MAX : h->sum + v;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    h->buckets[sim_hist_bucket(v)]++;
}

/* Lowest and highest value that fall into bucket i. */
uint64_t sim_hist_bucket_low(unsigned i);
uint64_t sim_hist_bucket_high(unsigned i);

/* p in per-mille *10: 500000 = p50, 999000 = p99.9 (parts per million). */
uint64_t sim_hist_percentile_ppm(const struct sim_hist *h, uint32_t ppm);
static inline uint64_t sim_hist_min(const struct sim_hist *h) { return h->count ? h->min : 0; }
/* Mean, rounded down; 0 when empty. */
uint64_t sim_hist_mean(const struct sim_hist *h);
void sim_hist_merge(struct sim_hist *into, const struct sim_hist *from);

#endif /* SIM_HIST_H */
