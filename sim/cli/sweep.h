/*
 * sweep.h — parameter sweeps: a grid of parameter values, one `smmusim run`
 * per point (locally in parallel, or emitted as jobs for GNU parallel or
 * SLURM), and the merge of every point's statistics into one table and
 * plots.  docs/sweeps.md is the user reference.
 *
 * A sweep directory holds:
 *   sweep.json            the manifest: scenario, profile, fixed --set
 *                         assignments, the varied parameters and every point
 *                         (id -> canonical values).  It is the only input of
 *                         a merge besides the points' files.
 *   points/<id>.json      a point's statistics (`smmusim run --stats`),
 *                         renamed from <id>.part.json only after a clean exit,
 *                         so it exists only complete
 *   points/<id>.log       the point's stdout and stderr
 *   points/<id>.exit      the point's exit status (128+N for signal N)
 *   results.csv/.json     the merge, one row per point
 *   plots/<name>.gp/.dat/.png/.svg
 *
 * Every user error is a GError whose message names the option, file or
 * point it is about; functions returning gboolean set it on FALSE.
 */
#ifndef SMMUSIM_SWEEP_H
#define SMMUSIM_SWEEP_H

#include <stdio.h>
#include <glib.h>

/* At most this many points in a grid (and in one --vary). */
#define SWEEP_MAX_POINTS 100000u

/* ------------------------------------------------------------------ grid */

/* One axis of the grid and its values in grid order.  A name with a dot is
 * a parameter (each point runs with --set NAME=VALUE); a name without one is
 * a scenario variable (each point runs with --define NAME=VALUE, and the
 * scenario declares it with `let NAME ?= default`).  Values are text in
 * parameter or scenario syntax; sweep_grid_validate replaces them with their
 * canonical form ("4K" -> "4096"). */
struct sweep_axis {
    char *name;
    GPtrArray *values;      /* char * */
};

/* The cartesian product of the axes.  Point i takes, on axis a, value
 * (i / stride[a]) % n[a]: the first --vary changes slowest. */
struct sweep_grid {
    GPtrArray *axes;        /* struct sweep_axis * */
    size_t npoints;
};

struct sweep_grid *sweep_grid_new(void);
void sweep_grid_free(struct sweep_grid *g);

/* Expand one value list: items separated by ',', each a value or an
 * inclusive range lo..hi, lo..hi:step (step may be negative to descend) or
 * lo..hi*factor (geometric, integer factor >= 2).  Appends char * to out.
 * Errors: empty item, malformed number, zero step, a range that runs the
 * wrong way for its step, a geometric range from 0 or descending, more than
 * SWEEP_MAX_POINTS values. */
gboolean sweep_parse_values(const char *text, GPtrArray *out, GError **err);

/* Add "NAME=VALUES" (as given to --vary) as the next axis.  Errors also for
 * a missing '=', an empty name, a name varied twice, or a grid that would
 * exceed SWEEP_MAX_POINTS. */
gboolean sweep_grid_add_vary(struct sweep_grid *g, const char *spec, GError **err);

/* TRUE when an axis name is a scenario variable (it has no dot). */
gboolean sweep_axis_is_variable(const char *name);

/* Check every parameter name and value against the parameter registry
 * (after the profile and the fixed assignments), every variable value
 * against the scenario syntax, replace values by their canonical text, and
 * reject a value listed twice or a name both fixed and varied.  `profile`
 * and `sets` may be NULL. */
gboolean sweep_grid_validate(struct sweep_grid *g, const char *profile, char **sets,
                             GError **err);
/* With variable axes: parse `scenario` with every value of each variable
 * (the other variables at their first value), so a name the scenario does
 * not take, or a value it cannot parse, fails before any point runs with
 * the scenario's own error.  TRUE at once without variable axes. */
gboolean sweep_grid_check_scenario(const struct sweep_grid *g, const char *scenario, GError **err);

/* Value of point `point` on axis `axis`. */
const char *sweep_grid_value(const struct sweep_grid *g, size_t point, size_t axis);
/* Stable id of a point: "p" and its grid index, zero-padded to at least 4
 * digits and to the width of the last index ("p0003"). */
char *sweep_point_id(const struct sweep_grid *g, size_t point);

/* -------------------------------------------------------------- manifest */

/* What a sweep is: enough to rerun any point and to merge. */
struct sweep_manifest {
    char *scenario;         /* absolute path */
    char *profile;          /* as given, or NULL */
    char *profile_path;     /* resolved absolute .ini path, or NULL */
    GPtrArray *sets;        /* char *, "name=value" */
    GPtrArray *axes;        /* char *, varied parameter and variable names */
    GPtrArray *ids;         /* char *, one per point */
    GPtrArray *values;      /* char ** (axes->len strings), one per point */
};

/* Build the manifest of a validated grid.  `scenario` is made absolute;
 * `profile` is resolved to an absolute path when it names an existing file. */
gboolean sweep_manifest_from_grid(struct sweep_manifest *m, const struct sweep_grid *g,
                                  const char *scenario, const char *profile, char **sets,
                                  GError **err);
void sweep_manifest_clear(struct sweep_manifest *m);
/* Serialise (deterministic text) / write DIR/sweep.json.  Writing refuses to
 * replace a different manifest already in DIR: its points would be mixed
 * with another sweep's. */
char *sweep_manifest_to_json(const struct sweep_manifest *m);
gboolean sweep_manifest_write(const struct sweep_manifest *m, const char *dir, GError **err);
gboolean sweep_manifest_load(struct sweep_manifest *m, const char *dir, GError **err);

/* Paths of a point's files: DIR/points/<id><suffix>. */
char *sweep_point_path(const char *dir, const char *id, const char *suffix);
/* The argv of one point's run (NULL-terminated), `exe` first. */
GStrv sweep_point_argv(const struct sweep_manifest *m, size_t point, const char *exe,
                       const char *stats_path);
/* TRUE when DIR/points/<id>.json exists and is a complete statistics file. */
gboolean sweep_point_complete(const char *dir, const char *id);

/* ---------------------------------------------------------------- running */

struct sweep_run_result {
    unsigned ran, skipped, failed;
};

/* The absolute path of the running smmusim executable. */
char *sweep_self_exe(GError **err);
/* Run every incomplete point, at most `jobs` at a time.  A failing point is
 * reported on stderr and counted; the others go on. */
gboolean sweep_run_points(const struct sweep_manifest *m, const char *dir, const char *exe,
                          unsigned jobs, struct sweep_run_result *res, GError **err);

/* Write DIR/jobs.txt, run-parallel.sh, slurm.sbatch and README (and the
 * points/ directory).  `jobs` 0 leaves parallelism to GNU parallel / SLURM;
 * `sshloginfile` (may be NULL) is passed to parallel. */
gboolean sweep_emit_jobs(const struct sweep_manifest *m, const char *dir, const char *exe,
                         unsigned jobs, const char *sshloginfile, GError **err);
/* One point as a self-contained shell command (absolute paths). */
char *sweep_job_line(const struct sweep_manifest *m, const char *dir, size_t point,
                     const char *exe);

/* ----------------------------------------------------------------- merge */

struct sweep_merge_opts {
    char **plots;           /* statistic names to plot; NULL = the defaults */
    gboolean no_plots;
};

struct sweep_merge_result {
    unsigned points, ok, failed;
    unsigned plots;         /* plot scripts written */
    gboolean gnuplot_missing;
};

/* Merge DIR's points into results.csv, results.json and plots/.  Returns
 * FALSE on a user error (bad manifest, unknown --plot name, unwritable
 * files, gnuplot failing); failed points and a missing gnuplot are reported
 * in `res`, not as errors. */
gboolean sweep_merge(const char *dir, const struct sweep_merge_opts *opts,
                     struct sweep_merge_result *res, GError **err);

/* ------------------------------------------------------------------- CSV */

/* Write one row with RFC 4180 quoting, ended by '\n': fields joined by ',',
 * a field quoted (with '"' doubled) when it holds ',', '"', CR or LF; NULL is
 * an empty field. */
void sweep_csv_write_row(FILE *out, const char *const *fields, size_t n);

/* ------------------------------------------------------------------ plots */

enum sweep_plot_kind {
    SWEEP_PLOT_PERCENTILES,     /* a histogram's p50/p90/p99 */
    SWEEP_PLOT_THROUGHPUT,      /* a counter per simulated microsecond */
};

/* One plot family and its data: per point, the histogram's p50, p90, p99
 * (PERCENTILES) or the counter and run.sim_time_ps (THROUGHPUT), as
 * number text; NULL for a point without data (failed). */
struct sweep_plot {
    char *stat;                 /* statistic name */
    enum sweep_plot_kind kind;
    char *unit;                 /* histogram unit ("ps", "entries") */
    GPtrArray *cells;           /* char ** (3 or 2 strings) or NULL, per point */
};

/* Write plots/<stem>.dat and .gp for a family (one file pair per
 * combination of the third and later varied parameters) and append each
 * script's stem to `stems`. */
gboolean sweep_plot_write(const struct sweep_plot *p, const struct sweep_manifest *m,
                          const char *plots_dir, GPtrArray *stems, GError **err);
/* Run gnuplot on plots/<stem>.gp for every stem, producing .png and .svg.
 * Sets *missing (and returns TRUE) when gnuplot is not in PATH. */
gboolean sweep_plot_render(const char *plots_dir, GPtrArray *stems, gboolean *missing,
                           GError **err);

/* ------------------------------------------------------------ JSON reader */

/* A strict RFC 8259 reader for statistics and manifests.  Numbers keep
 * their literal text (exact integers, no rounding); strings are decoded
 * UTF-8; objects keep member order and reject duplicate keys. */
enum sweep_json_kind {
    SWEEP_JSON_NULL, SWEEP_JSON_BOOL, SWEEP_JSON_NUMBER, SWEEP_JSON_STRING,
    SWEEP_JSON_ARRAY, SWEEP_JSON_OBJECT,
};

struct sweep_json {
    enum sweep_json_kind kind;
    gboolean boolean;
    char *text;             /* NUMBER literal or decoded STRING */
    GPtrArray *items;       /* ARRAY values; OBJECT values in member order */
    GPtrArray *keys;        /* OBJECT keys, parallel to items */
    GHashTable *index;      /* OBJECT key -> value */
};

#define SWEEP_JSON_MAX_DEPTH 256

/* Parse `len` bytes; errors read "NAME:LINE:COL: message" (1-based). */
struct sweep_json *sweep_json_parse(const char *text, size_t len, const char *name,
                                    GError **err);
struct sweep_json *sweep_json_load(const char *path, GError **err);
void sweep_json_free(struct sweep_json *v);
/* Member of an object (NULL if v is not an object or has no such key). */
const struct sweep_json *sweep_json_get(const struct sweep_json *v, const char *key);
/* A NUMBER that is a non-negative integer fitting in 64 bits. */
gboolean sweep_json_u64(const struct sweep_json *v, guint64 *out);

#endif /* SMMUSIM_SWEEP_H */
