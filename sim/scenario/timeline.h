/*
 * timeline.h — a run as Chrome/Perfetto trace-event JSON (ui.perfetto.dev,
 * chrome://tracing).
 *
 * Layout: one process ("smmusim"); one track (tid) per command queue, named
 * after its engine source ("cmdq", "vcmdq5"), and one per software actor
 * ("scenario").  On a queue track every command is an async slice (ph b/e,
 * matched by id) from the PROD write that covered it to its consumption; a
 * CMD_SYNC adds a "sync" slice from its PROD write to its completion;
 * command errors are instants; queue occupancy (commands written but not yet
 * consumed) is a counter.  On the actor track MMIO accesses and marks are
 * instants.  Timestamps are microseconds written as exact decimal numbers
 * (picosecond resolution).
 *
 * Events are buffered (a few dozen bytes each) and written at the end, since
 * the command engine reports a turn's commands ahead of simulated time.
 */
#ifndef SCN_TIMELINE_H
#define SCN_TIMELINE_H

#include <glib.h>
#include "sim/sim-types.h"

struct sim_machine;
struct scn_timeline;

struct scn_timeline *scn_timeline_new(void);
void scn_timeline_free(struct scn_timeline *tl);
/* Observe the machine's command engine (takes its single observer slot). */
void scn_timeline_attach(struct scn_timeline *tl, struct sim_machine *m);
/* A software action on the actor track; `what` is copied. */
void scn_timeline_mmio(struct scn_timeline *tl, sim_time_t t, bool write, const char *reg,
                       uint64_t value);
void scn_timeline_mark(struct scn_timeline *tl, sim_time_t t, const char *name);
/* Number of events buffered (for tests). */
size_t scn_timeline_events(const struct scn_timeline *tl);
gboolean scn_timeline_write(struct scn_timeline *tl, const char *path, GError **err);

#endif /* SCN_TIMELINE_H */
