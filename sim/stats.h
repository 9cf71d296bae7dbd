/*
 * stats.h — named statistics of a run.
 *
 * Models keep their counters (plain uint64_t) and histograms (struct
 * sim_hist) in their own state, where incrementing them costs nothing more
 * than an add; they register each one here once by name, and the registry
 * reads them when a report is written.  Names are dotted paths
 * ("smmu.cmdq.cmds.TLBI_NH_VA", "cmdqv.vcmdq3.sync_latency"); reports list
 * them in name order, so output is deterministic.
 *
 * Writers: JSON (an object with "params" — the effective parameter set, so
 * a result can be reproduced — and "stats"), CSV (one row per counter and
 * per histogram statistic), and a human summary.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdio.h>
#include <glib.h>
#include "sim/hist.h"
#include "sim/json.h"

struct sim_params;
struct sim_stats;

struct sim_stats *sim_stats_new(void);
void sim_stats_free(struct sim_stats *s);

/* Register storage owned by the caller; it must outlive the registry or be
 * removed with sim_stats_remove_prefix.  Re-registering a name replaces it. */
void sim_stats_add_counter(struct sim_stats *s, const char *name, const uint64_t *counter);
void sim_stats_add_hist(struct sim_stats *s, const char *name, const char *unit,
                        const struct sim_hist *h);
/* A value owned by the registry (results computed at the end of a run). */
void sim_stats_set_value(struct sim_stats *s, const char *name, uint64_t value);
void sim_stats_remove_prefix(struct sim_stats *s, const char *prefix);
/* The storage behind every entry under `prefix` is going away: keep the
 * current values (counters become values, histograms are copied). */
void sim_stats_freeze_prefix(struct sim_stats *s, const char *prefix);

bool sim_stats_lookup_counter(const struct sim_stats *s, const char *name, uint64_t *value);
const struct sim_hist *sim_stats_lookup_hist(const struct sim_stats *s, const char *name);

typedef void (*sim_stats_counter_fn)(const char *name, uint64_t value, void *opaque);
typedef void (*sim_stats_hist_fn)(const char *name, const char *unit, const struct sim_hist *h,
                                  void *opaque);
void sim_stats_foreach(const struct sim_stats *s, sim_stats_counter_fn cfn, sim_stats_hist_fn hfn,
                       void *opaque);

/* Emit {"count","min","mean","p50","p90","p99","p999","max","unit"} for h. */
void sim_stats_json_hist(struct sim_json *j, const struct sim_hist *h, const char *unit);

/* Whole-report writers.  `params` may be NULL.  `extra` (may be NULL) is
 * called inside the top-level object to add more members. */
typedef void (*sim_stats_json_extra_fn)(struct sim_json *j, void *opaque);
void sim_stats_write_json(const struct sim_stats *s, const struct sim_params *params, FILE *out,
                          sim_stats_json_extra_fn extra, void *opaque);
void sim_stats_write_csv(const struct sim_stats *s, const struct sim_params *params, FILE *out);
/* Write to a path, choosing the format by extension (.json or .csv). */
gboolean sim_stats_write_file(const struct sim_stats *s, const struct sim_params *params,
                              const char *path, GError **err);

#endif /* SIM_STATS_H */
