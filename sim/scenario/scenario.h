/*
 * scenario.h — the scenario language: run a `.trace` file against a
 * simulated machine.
 *
 * A scenario is plain text (docs/scenario-format.md): one statement per line,
 * `key=value` arguments, blocks in braces, expressions over unsigned 64-bit
 * integers and picosecond times.  A file is parsed once into a tree; running
 * it walks the tree without re-parsing, so a loop of a million commands costs
 * no allocation per iteration.
 *
 * Errors come in two kinds and are never mixed:
 *   - user errors (syntax, unknown names, overflow, a wait that times out,
 *     a machine that cannot be built) are GErrors in SCENARIO_ERROR whose
 *     message starts with "file:line:col: ";
 *   - failed expectations (`expect ...`) are not errors: they are printed
 *     with file:line and expected/actual values, counted, and the run goes
 *     on, so one run reports every mismatch.
 *
 * Typical use (the CLI):
 *     struct scenario_opts o = { .profile = "grace", .out = stdout };
 *     int rc = scenario_run_file("traces/examples/tlbi.trace", &o, &err);
 *     // 0: all expectations met, 1: some failed, 2: error (err is set)
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <stdio.h>
#include <glib.h>
#include "sim/sim-types.h"

struct sim_machine;

#define SCENARIO_ERROR (scenario_error_quark())
GQuark scenario_error_quark(void);
enum scenario_error {
    SCENARIO_ERROR_IO,          /* a file could not be read or written */
    SCENARIO_ERROR_SYNTAX,      /* the text is not well formed */
    SCENARIO_ERROR_NAME,        /* unknown verb, argument, variable, register... */
    SCENARIO_ERROR_VALUE,       /* overflow, division by zero, out-of-range value */
    SCENARIO_ERROR_INCLUDE,     /* include cycle or nesting too deep */
    SCENARIO_ERROR_RUNTIME,     /* a wait timed out, the machine failed, ... */
};

/* Options of one run.  Every member may be zero/NULL. */
struct scenario_opts {
    const char *profile;            /* overrides the scenario's `profile` */
    const char *const *sets;        /* NULL-terminated "name=value", applied after the scenario's `set`s */
    const char *trace_patterns;     /* trace points to enable ("smmuv3_*,cmdqv_*") */
    const char *timeline_path;      /* Chrome/Perfetto trace-event JSON */
    const char *stats_path;         /* .json or .csv, through sim/stats.h */
    const char *record_path;        /* write what happened as a replayable scenario */
    bool quiet;                     /* no summary, no `print` output */
    FILE *out;                      /* summary, `print`, failed expectations (NULL = stdout) */
    /* Memory images (docs/memory-images.md). */
    const char *memory_image_path;  /* ELF loaded into memory when the machine is created */
    const char *save_image_path;    /* the machine saved here when the run ends (after idle) */
    const char *restore_path;       /* a saved run the machine is restored from when created */
    /* Scenario variables given from outside (`--define`): NULL-terminated
     * "NAME=VALUE", each set before the first statement.  VALUE is a
     * constant expression (4K, 10us, 1 << 20, "text") or a bare word taken
     * as a string.  The run functions below that parse the file use them;
     * scenario_run_exec() requires the scenario to have been parsed with the
     * same defines (scenario_parse_file_defines). */
    const char *const *defines;
};

/* Return codes of the run functions. */
enum {
    SCENARIO_OK = 0,                /* every expectation met */
    SCENARIO_FAILED = 1,            /* at least one expectation failed */
    SCENARIO_ERROR_EXIT = 2,        /* usage or input error; err is set */
};

/* Parse and run a file; outputs as asked in opts. */
int scenario_run_file(const char *path, const struct scenario_opts *opts, GError **err);
/* The same for text held in memory; `name` is used in messages and as the
 * base for relative includes (its directory). */
int scenario_run_string(const char *name, const char *text, const struct scenario_opts *opts,
                        GError **err);
/* Run `path` and write everything hardware-visible that happened, with its
 * simulated time and the values read, to `record_path` as a scenario that
 * replays to the same statistics. */
int scenario_record(const char *path, const char *record_path, const struct scenario_opts *opts,
                    GError **err);

/* ---- Lower level: parse once, run, inspect (tests, tools) ---- */

struct scenario;        /* a parsed file and everything it includes */
struct scenario_run;    /* the state of one execution */

struct scenario *scenario_parse_file(const char *path, GError **err);
struct scenario *scenario_parse_string(const char *name, const char *text, GError **err);
/* The same with defines ("NAME=VALUE", NULL-terminated, may be NULL).  A
 * define's errors read "--define NAME:LINE:COL: ..." for its value, and
 * "--define NAME: ..." when the scenario cannot take it: a name it never
 * uses, or one it assigns (with plain `let`, as a loop variable, as an
 * output) before any `let NAME ?= ...` would. */
struct scenario *scenario_parse_file_defines(const char *path, const char *const *defines, GError **err);
struct scenario *scenario_parse_string_defines(const char *name, const char *text,
                                               const char *const *defines, GError **err);
/* A define's value in canonical text, for comparing and passing on: an
 * integer in decimal ("4K" -> "4096"), a string as a bare word when it is
 * one, otherwise quoted.  NULL with err set when "NAME=VALUE" is malformed. */
char *scenario_define_canonical(const char *define, GError **err);
void scenario_free(struct scenario *s);
/* Number of statements in the tree (after includes), for tests. */
unsigned scenario_statement_count(const struct scenario *s);

struct scenario_run *scenario_run_new(const struct scenario_opts *opts);
/* Execute; returns SCENARIO_OK / SCENARIO_FAILED / SCENARIO_ERROR_EXIT.  Writes
 * the record, timeline and stats files named in the options when the run
 * ends without error. */
int scenario_run_exec(struct scenario_run *r, const struct scenario *s, GError **err);
/* Write the human summary to opts->out (done by scenario_run_file). */
void scenario_run_summary(struct scenario_run *r);
/* The machine (NULL if the scenario never needed one). */
struct sim_machine *scenario_run_machine(struct scenario_run *r);
uint64_t scenario_run_expectations(const struct scenario_run *r);
uint64_t scenario_run_failures(const struct scenario_run *r);
/* Value of a variable after the run; false if unknown or never set. */
bool scenario_run_var(const struct scenario_run *r, const char *name, uint64_t *value);
void scenario_run_free(struct scenario_run *r);

#endif /* SCENARIO_H */
