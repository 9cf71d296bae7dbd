/*
 * log.h — logging.
 *
 * All logging goes through GLib to stderr, under a log domain per module
 * (set by the build as G_LOG_DOMAIN: "smmusim", "smmuv3", "cmdqv", "shim",
 * ...).  Results go to stdout or files, never logs.
 *
 * Guest errors (a wild register write, an access to a hole) and accesses
 * to features the model does not implement are logged at "message" level
 * under a mask, like QEMU's -d guest_errors,unimp, and always counted, so a
 * scenario can assert on them even when they are not printed.
 */
#ifndef SIM_LOG_H
#define SIM_LOG_H

#include <glib.h>
#include "sim/sim-types.h"

#ifndef G_LOG_DOMAIN
#define G_LOG_DOMAIN "smmusim"
#endif

enum {
    SIM_LOG_GUEST_ERROR = 1u << 0,
    SIM_LOG_UNIMP = 1u << 1,
};

/* Route GLib's default writer to stderr and set the initial mask. */
void sim_log_init(unsigned mask);
void sim_log_set_mask(unsigned mask);
unsigned sim_log_mask(void);
/* Parse "guest_errors,unimp" / "none" / "all". */
gboolean sim_log_parse_mask(const char *text, unsigned *mask, GError **err);

void sim_log_masked(unsigned kind, const char *domain, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
uint64_t sim_log_count(unsigned kind);
void sim_log_reset_counts(void);

#define sim_guest_error(...) sim_log_masked(SIM_LOG_GUEST_ERROR, G_LOG_DOMAIN, __VA_ARGS__)
#define sim_unimp(...) sim_log_masked(SIM_LOG_UNIMP, G_LOG_DOMAIN, __VA_ARGS__)

#endif /* SIM_LOG_H */
