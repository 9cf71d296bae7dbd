/*
 * trace.h — trace points.
 *
 * A trace point is a named static flag.  Code traces with
 *     SIM_TRACE(tp_smmuv3_cmd_exec, "q=%s op=%s", name, opname);
 * which costs one predictable branch on a byte when the point is disabled
 * and formats nothing.  Enabled points write one line to the trace sink,
 * stamped with the simulated time of the registered clock:
 *     [   12.345678us] smmuv3_cmd_exec q=cmdq op=TLBI_NH_VA
 *
 * Each module lists its points once in an X-macro file (trace-events.def,
 * lines of SIM_TP(name)).  A header expands the list with SIM_TP_DECLARE,
 * one .c file with SIM_TP_DEFINE, and a table of their addresses with
 * SIM_TP_ADDR that the module hands to sim_trace_register() once (when its
 * parameters are declared).  Points are then enabled by glob pattern
 * ("smmuv3_cmdq_*", comma-separated lists, a leading '-' disables).
 *
 * The sink defaults to stderr.  The trace state is process-global, like
 * logging, because it is a diagnostic channel and not simulation state.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdio.h>
#include <glib.h>
#include "sim/sim-types.h"

struct sim_sched;

struct sim_tracepoint {
    const char *name;
    bool enabled;
};

#define SIM_TRACE(tp, ...)                                   \
    do {                                                     \
        if (SIM_UNLIKELY((tp).enabled))                      \
            sim_trace_emit(&(tp), __VA_ARGS__);              \
    } while (0)

/* In a module header:   #define SIM_TP(n) extern struct sim_tracepoint tp_##n;
 *                       #include "trace-events.def"  #undef SIM_TP
 * Shorthand for the above: */
#define SIM_TP_DECLARE(n) extern struct sim_tracepoint tp_##n;
#define SIM_TP_DEFINE(n) struct sim_tracepoint tp_##n = { #n, false };
#define SIM_TP_ADDR(n) &tp_##n,

void sim_trace_register(struct sim_tracepoint *const *points, size_t n);
/* Apply a pattern list; returns the number of points whose state it set.
 * An unknown pattern (matching nothing) is reported through err. */
gboolean sim_trace_enable(const char *patterns, unsigned *matched, GError **err);
void sim_trace_disable_all(void);
void sim_trace_set_clock(const struct sim_sched *s);
void sim_trace_set_output(FILE *out);   /* NULL = stderr */
void sim_trace_list(FILE *out);         /* every registered point, one per line */
bool sim_trace_any_enabled(void);

void sim_trace_emit(const struct sim_tracepoint *tp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif /* SIM_TRACE_H */
