/*
 * params.h — the parameter registry.
 *
 * Every tunable of the simulator is declared once, in a static table next to
 * the code that uses it: name ("smmu.tlbi_va_cycles"), type, default, unit,
 * help, and for numbers an inclusive range.  A run owns one `sim_params`
 * holding the effective values.  Values come, in increasing precedence,
 * from the defaults, a profile (.ini file), a scenario and the command line
 * (`--set name=value`).  Models read their values once, when they are
 * created, never on a hot path.
 *
 * Profiles are GKeyFile .ini files: a group name and a key join with a dot,
 *   [smmu]
 *   tlbi_va_cycles = 20
 * sets "smmu.tlbi_va_cycles".  A profile may name a parent profile with
 * `[profile] inherit = name`.
 *
 * Number syntax: decimal or 0x-prefixed hex, with an optional binary suffix
 * K, M or G (x1024^n); "4K" = 4096.  Booleans: true/false, yes/no, on/off,
 * 1/0.  Enumerations accept exactly one of their listed choices.
 *
 * Every error is a GError in SIM_PARAMS_ERROR naming the parameter and, for
 * profiles, the file (and group/key).  Unknown names are errors: a typo
 * never silently falls back to the default.
 */
#ifndef SIM_PARAMS_H
#define SIM_PARAMS_H

#include <stdio.h>
#include <glib.h>
#include "sim/sim-types.h"

enum sim_param_type {
    SIM_PARAM_U64,
    SIM_PARAM_BOOL,
    SIM_PARAM_ENUM,     /* value is one of `choices` ("a|b|c"); stored as its index */
    SIM_PARAM_STRING,
};

struct sim_param_def {
    const char *name;
    enum sim_param_type type;
    const char *def;        /* default, in the same syntax as a --set value */
    const char *unit;       /* "cycles", "ns", "MHz", "entries", "" ... */
    const char *help;
    uint64_t min, max;      /* inclusive range for SIM_PARAM_U64 (max 0 = no limit) */
    const char *choices;    /* for SIM_PARAM_ENUM */
};

#define SIM_PARAMS_ERROR (sim_params_error_quark())
GQuark sim_params_error_quark(void);
enum sim_params_error {
    SIM_PARAMS_ERROR_UNKNOWN,   /* no such parameter */
    SIM_PARAMS_ERROR_VALUE,     /* bad value / out of range */
    SIM_PARAMS_ERROR_PROFILE,   /* profile file unreadable or malformed */
    SIM_PARAMS_ERROR_DUPLICATE, /* a name declared twice */
};

struct sim_params;

struct sim_params *sim_params_new(void);
void sim_params_free(struct sim_params *p);

/* Declare a table of parameters.  Declaring a name twice is a programming
 * error reported through the GError. */
gboolean sim_params_declare(struct sim_params *p, const struct sim_param_def *defs, size_t n,
                            GError **err);

/* Set from text.  `origin` ("default", "profile grace.ini", "--set",
 * "scenario foo.trace:3") is remembered for the dump. */
gboolean sim_params_set(struct sim_params *p, const char *name, const char *value,
                        const char *origin, GError **err);
/* Parse "name=value" (as given to --set). */
gboolean sim_params_set_assignment(struct sim_params *p, const char *assignment,
                                   const char *origin, GError **err);
/* Load a profile file. */
gboolean sim_params_load_profile(struct sim_params *p, const char *path, GError **err);
/* Resolve a profile name ("grace") to a path in the profile search path
 * (SMMUSIM_PROFILE_DIR, then the installed models/profiles directory) and
 * load it; a name containing '/' or ending in .ini is taken as a path. */
gboolean sim_params_load_profile_by_name(struct sim_params *p, const char *name, GError **err);
const char *sim_params_profile_dir(void);

bool sim_params_exists(const struct sim_params *p, const char *name);
/* Getters abort (g_error) on an undeclared name or a type mismatch: that is
 * a programming error, not a user error. */
uint64_t sim_params_u64(const struct sim_params *p, const char *name);
bool sim_params_bool(const struct sim_params *p, const char *name);
unsigned sim_params_enum(const struct sim_params *p, const char *name);
const char *sim_params_string(const struct sim_params *p, const char *name);
/* The value as text in canonical form (decimal, or hex for unit "address",
 * or the choice name). */
char *sim_params_value_text(const struct sim_params *p, const char *name);

/* Iterate in name order. */
typedef void (*sim_params_fn)(const struct sim_param_def *def, const char *value_text,
                              const char *origin, void *opaque);
void sim_params_foreach(const struct sim_params *p, sim_params_fn fn, void *opaque);
/* Human-readable table (name, value, unit, origin, help). */
void sim_params_dump(const struct sim_params *p, FILE *out, bool with_help);

/* Parse a number in registry syntax; false on any junk or overflow. */
bool sim_parse_u64(const char *text, uint64_t *out);
bool sim_parse_bool(const char *text, bool *out);

#endif /* SIM_PARAMS_H */
