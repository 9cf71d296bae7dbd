/*
 * log.c — GLib logging to stderr, and the guest-error / unimplemented
 * masks with their counters.
 */
#include <stdarg.h>
#include <string.h>
#include "sim/log.h"

static unsigned log_mask = SIM_LOG_GUEST_ERROR | SIM_LOG_UNIMP;
static uint64_t counts[2];

void sim_log_init(unsigned mask)
{
    g_log_writer_default_set_use_stderr(TRUE);
    log_mask = mask;
}

void sim_log_set_mask(unsigned mask) { log_mask = mask; }
unsigned sim_log_mask(void) { return log_mask; }

gboolean sim_log_parse_mask(const char *text, unsigned *mask, GError **err)
{
    unsigned m = 0;
    char **parts = g_strsplit(text ? text : "", ",", -1);
    gboolean ok = TRUE;
    for (char **p = parts; ok && *p; p++) {
        const char *w = g_strstrip(*p);
        if (!strcmp(w, "guest_errors"))
            m |= SIM_LOG_GUEST_ERROR;
        else if (!strcmp(w, "unimp"))
            m |= SIM_LOG_UNIMP;
        else if (!strcmp(w, "all"))
            m |= SIM_LOG_GUEST_ERROR | SIM_LOG_UNIMP;
        else if (strcmp(w, "none") && *w) {
            g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "unknown log item '%s' (guest_errors, unimp, all, none)", w);
            ok = FALSE;
        }
    }
    g_strfreev(parts);
    if (ok)
        *mask = m;
    return ok;
}

void sim_log_masked(unsigned kind, const char *domain, const char *fmt, ...)
{
    counts[kind == SIM_LOG_UNIMP]++;
    if (!(log_mask & kind))
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_log(domain, G_LOG_LEVEL_MESSAGE, "%s: %s", kind == SIM_LOG_UNIMP ? "unimplemented" : "guest error",
          msg);
    g_free(msg);
}

uint64_t sim_log_count(unsigned kind) { return counts[kind == SIM_LOG_UNIMP]; }
void sim_log_reset_counts(void) { counts[0] = counts[1] = 0; }
