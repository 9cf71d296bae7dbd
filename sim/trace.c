/*
 * trace.c — trace point registry, glob enabling and the time-stamped sink.
 */
#include <stdarg.h>
#include <string.h>
#include "sim/sched.h"
#include "sim/trace.h"

static GPtrArray *registry;             /* struct sim_tracepoint * */
static const struct sim_sched *trace_clock;
static FILE *trace_out;

void sim_trace_register(struct sim_tracepoint *const *points, size_t n)
{
    if (!registry)
        registry = g_ptr_array_new();
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        for (guint k = 0; k < registry->len && !known; k++)
            known = g_ptr_array_index(registry, k) == points[i];
        if (!known)
            g_ptr_array_add(registry, points[i]);
    }
}

static unsigned apply(const char *pattern, bool on)
{
    unsigned n = 0;
    GPatternSpec *spec = g_pattern_spec_new(pattern);
    for (guint i = 0; registry && i < registry->len; i++) {
        struct sim_tracepoint *tp = g_ptr_array_index(registry, i);
        if (g_pattern_spec_match_string(spec, tp->name)) {
            tp->enabled = on;
            n++;
        }
    }
    g_pattern_spec_free(spec);
    return n;
}

gboolean sim_trace_enable(const char *patterns, unsigned *matched, GError **err)
{
    char **parts = g_strsplit(patterns ? patterns : "", ",", -1);
    unsigned total = 0;
    gboolean ok = TRUE;
    for (char **p = parts; ok && *p; p++) {
        char *pat = g_strstrip(*p);
        if (!*pat)
            continue;
        bool on = *pat != '-';
        if (!on)
            pat++;
        unsigned n = apply(pat, on);
        if (!n) {
            g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "trace pattern '%s' matches no trace point (see 'smmusim trace-list')", pat);
            ok = FALSE;
        }
        total += n;
    }
    g_strfreev(parts);
    if (matched)
        *matched = total;
    return ok;
}

void sim_trace_disable_all(void)
{
    apply("*", false);
}

void sim_trace_set_clock(const struct sim_sched *s) { trace_clock = s; }
void sim_trace_set_output(FILE *out) { trace_out = out; }

static gint cmp_tp(gconstpointer a, gconstpointer b)
{
    const struct sim_tracepoint *x = *(const struct sim_tracepoint *const *)a;
    const struct sim_tracepoint *y = *(const struct sim_tracepoint *const *)b;
    return strcmp(x->name, y->name);
}

void sim_trace_list(FILE *out)
{
    if (!registry)
        return;
    GPtrArray *sorted = g_ptr_array_copy(registry, NULL, NULL);
    g_ptr_array_sort(sorted, cmp_tp);
    for (guint i = 0; i < sorted->len; i++) {
        const struct sim_tracepoint *tp = g_ptr_array_index(sorted, i);
        fprintf(out, "%s%s\n", tp->name, tp->enabled ? " (enabled)" : "");
    }
    g_ptr_array_free(sorted, TRUE);
}

bool sim_trace_any_enabled(void)
{
    for (guint i = 0; registry && i < registry->len; i++)
        if (((struct sim_tracepoint *)g_ptr_array_index(registry, i))->enabled)
            return true;
    return false;
}

void sim_trace_emit(const struct sim_tracepoint *tp, const char *fmt, ...)
{
    FILE *out = trace_out ? trace_out : stderr;
    char ts[32];
    sim_time_format(trace_clock ? sim_now(trace_clock) : 0, ts, sizeof(ts));
    fprintf(out, "[%16s] %s ", ts, tp->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}
