/*
 * sweep-merge.c — `smmusim merge DIR`: every point's statistics into one
 * table (results.csv, results.json) and plots.
 *
 * Two passes over the points' files keep memory bounded by one statistics
 * file, whatever the number of points: the first finds the union of the
 * statistic names (points with different parameters may register different
 * statistics) and which plot families have data; the second writes one row
 * per point.  Columns: id, status, the varied parameters in --vary order,
 * then every statistic in name order, a histogram expanded into its
 * count/min/mean/p50/p90/p99/p999/max.  Numbers are copied as written, so
 * the table is exact.  Both result files are written to a temporary name
 * and renamed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sim/cli/sweep.h"
#include "sim/json.h"

#define MERGE_ERR G_FILE_ERROR, G_FILE_ERROR_INVAL

static const char *const hist_fields[] = { "count", "min", "mean", "p50", "p90", "p99", "p999", "max" };

struct stat_info {
    gboolean hist;
    char *unit;             /* histograms */
    gboolean nonzero;       /* count (histogram) or value (counter) > 0 in some point */
};

struct merge {
    const char *dir;
    struct sweep_manifest m;
    GHashTable *stats;      /* name -> struct stat_info */
    GPtrArray *names;       /* sorted statistic names */
    GPtrArray *columns;     /* expanded column names (no id/status/axes) */
    GPtrArray *plots;       /* struct sweep_plot * */
};

static void stat_info_free(struct stat_info *s)
{
    g_free(s->unit);
    g_free(s);
}

static void plot_free(struct sweep_plot *p)
{
    g_free(p->stat);
    g_free(p->unit);
    g_ptr_array_free(p->cells, TRUE);
    g_free(p);
}

/* Load a point's statistics; on failure return NULL and its status. */
static struct sweep_json *load_point(const char *dir, const char *id, char **status)
{
    char *path = sweep_point_path(dir, id, ".json");
    char *exitf = sweep_point_path(dir, id, ".exit");
    struct sweep_json *doc = NULL;
    char *code = NULL;
    *status = NULL;
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        GError *e = NULL;
        doc = sweep_json_load(path, &e);
        const struct sweep_json *st = sweep_json_get(doc, "stats");
        if (e) {
            *status = g_strdup_printf("bad statistics: %s", e->message);
            g_error_free(e);
        } else if (!st || st->kind != SWEEP_JSON_OBJECT) {
            *status = g_strdup_printf("bad statistics: %s has no \"stats\" object", path);
        }
        if (*status) {
            sweep_json_free(doc);
            doc = NULL;
        }
    } else if (g_file_get_contents(exitf, &code, NULL, NULL)) {
        int c = atoi(g_strstrip(code));
        *status = c == 0     ? g_strdup("failed: no statistics")
                  : c > 128  ? g_strdup_printf("failed: signal %d", c - 128)
                             : g_strdup_printf("failed: exit %d", c);
    } else {
        *status = g_strdup("not run");
    }
    g_free(code);
    g_free(path);
    g_free(exitf);
    return doc;
}

static gboolean number_nonzero(const struct sweep_json *v)
{
    if (!v || v->kind != SWEEP_JSON_NUMBER)
        return FALSE;
    guint64 n;
    return sweep_json_u64(v, &n) ? n > 0 : g_ascii_strtod(v->text, NULL) > 0;
}

static void note_stat(struct merge *x, const char *name, const struct sweep_json *v)
{
    if (v->kind != SWEEP_JSON_NUMBER && v->kind != SWEEP_JSON_OBJECT)
        return;
    struct stat_info *s = g_hash_table_lookup(x->stats, name);
    if (!s) {
        s = g_new0(struct stat_info, 1);
        s->hist = v->kind == SWEEP_JSON_OBJECT;
        g_hash_table_insert(x->stats, g_strdup(name), s);
    }
    if (s->hist != (v->kind == SWEEP_JSON_OBJECT))
        return;
    if (s->hist && !s->unit) {
        const struct sweep_json *u = sweep_json_get(v, "unit");
        s->unit = g_strdup(u && u->kind == SWEEP_JSON_STRING ? u->text : "");
    }
    if (number_nonzero(s->hist ? sweep_json_get(v, "count") : v))
        s->nonzero = TRUE;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Pass 1: the union of statistic names over every complete point. */
static void scan_points(struct merge *x)
{
    for (guint i = 0; i < x->m.ids->len; i++) {
        char *status;
        struct sweep_json *doc = load_point(x->dir, g_ptr_array_index(x->m.ids, i), &status);
        if (doc) {
            const struct sweep_json *st = sweep_json_get(doc, "stats");
            for (guint k = 0; k < st->keys->len; k++)
                note_stat(x, g_ptr_array_index(st->keys, k), g_ptr_array_index(st->items, k));
        }
        sweep_json_free(doc);
        g_free(status);
    }
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, x->stats);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(x->names, key);
    g_ptr_array_sort(x->names, compare_names);
    for (guint i = 0; i < x->names->len; i++) {
        const char *name = g_ptr_array_index(x->names, i);
        struct stat_info *s = g_hash_table_lookup(x->stats, name);
        if (!s->hist) {
            g_ptr_array_add(x->columns, g_strdup(name));
            continue;
        }
        for (size_t f = 0; f < G_N_ELEMENTS(hist_fields); f++)
            g_ptr_array_add(x->columns, g_strdup_printf("%s.%s", name, hist_fields[f]));
    }
}

static gboolean has_time(const struct merge *x)
{
    const struct stat_info *t = g_hash_table_lookup(x->stats, "run.sim_time_ps");
    return t && !t->hist;
}

static void add_plot(struct merge *x, const char *name, const struct stat_info *s)
{
    struct sweep_plot *p = g_new0(struct sweep_plot, 1);
    p->stat = g_strdup(name);
    p->kind = s->hist ? SWEEP_PLOT_PERCENTILES : SWEEP_PLOT_THROUGHPUT;
    p->unit = g_strdup(s->hist ? s->unit : "");
    p->cells = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_ptr_array_add(x->plots, p);
}

/* The families to plot: those named, or every histogram ending in
 * "latency" and every counter ending in ".cmds" that is non-zero somewhere. */
static gboolean choose_plots(struct merge *x, char **named, GError **err)
{
    for (char **n = named; n && *n; n++) {
        const struct stat_info *s = g_hash_table_lookup(x->stats, *n);
        if (!s) {
            g_set_error(err, MERGE_ERR, "--plot %s: no statistic of that name in %s/points", *n, x->dir);
            return FALSE;
        }
        if (!s->hist && !has_time(x)) {
            g_set_error(err, MERGE_ERR,
                        "--plot %s: a counter is plotted per simulated time, and the statistics "
                        "have no run.sim_time_ps", *n);
            return FALSE;
        }
        add_plot(x, *n, s);
    }
    if (named)
        return TRUE;
    gboolean cmds_without_time = FALSE;
    for (guint i = 0; i < x->names->len; i++) {
        const char *name = g_ptr_array_index(x->names, i);
        const struct stat_info *s = g_hash_table_lookup(x->stats, name);
        if (!s->nonzero)
            continue;
        if (s->hist && g_str_has_suffix(name, "latency"))
            add_plot(x, name, s);
        else if (!s->hist && g_str_has_suffix(name, ".cmds") && has_time(x))
            add_plot(x, name, s);
        else if (!s->hist && g_str_has_suffix(name, ".cmds"))
            cmds_without_time = TRUE;
    }
    if (cmds_without_time)
        fprintf(stderr, "smmusim merge: no throughput plots: the statistics have no run.sim_time_ps\n");
    return TRUE;
}

static const char *field_text(const struct sweep_json *obj, const char *key)
{
    const struct sweep_json *v = sweep_json_get(obj, key);
    return v && v->kind == SWEEP_JSON_NUMBER ? v->text : NULL;
}

static void collect_cells(struct merge *x, const struct sweep_json *stats)
{
    for (guint i = 0; i < x->plots->len; i++) {
        struct sweep_plot *p = g_ptr_array_index(x->plots, i);
        const struct sweep_json *v = sweep_json_get(stats, p->stat);
        const char *a[3] = { NULL, NULL, NULL };
        if (p->kind == SWEEP_PLOT_PERCENTILES) {
            a[0] = field_text(v, "p50");
            a[1] = field_text(v, "p90");
            a[2] = field_text(v, "p99");
        } else if (v && v->kind == SWEEP_JSON_NUMBER) {
            a[0] = v->text;
            a[1] = field_text(stats, "run.sim_time_ps");
            a[2] = "";
        }
        gboolean have = a[0] && a[1] && a[2];
        GStrv cell = NULL;
        if (have) {
            cell = g_new0(char *, 4);
            for (int k = 0; k < 3; k++)
                cell[k] = g_strdup(a[k]);
        }
        g_ptr_array_add(p->cells, cell);
    }
}

static void json_number(struct sim_json *j, const char *text)
{
    guint64 u;
    gint64 s;
    if (g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &u, NULL))
        sim_json_u64(j, u);
    else if (g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &s, NULL))
        sim_json_i64(j, s);
    else
        sim_json_double(j, g_ascii_strtod(text, NULL));
}

/* The value of each column for one point, in column order (NULL = none). */
static GPtrArray *row_values(const struct merge *x, const struct sweep_json *stats)
{
    GPtrArray *vals = g_ptr_array_new();
    for (guint i = 0; i < x->names->len; i++) {
        const char *name = g_ptr_array_index(x->names, i);
        const struct stat_info *s = g_hash_table_lookup(x->stats, name);
        const struct sweep_json *v = sweep_json_get(stats, name);
        if (!s->hist) {
            g_ptr_array_add(vals, (gpointer)(v && v->kind == SWEEP_JSON_NUMBER ? v->text : NULL));
            continue;
        }
        for (size_t f = 0; f < G_N_ELEMENTS(hist_fields); f++)
            g_ptr_array_add(vals, (gpointer)field_text(v, hist_fields[f]));
    }
    return vals;
}

static void write_csv_header(const struct merge *x, FILE *csv)
{
    GPtrArray *h = g_ptr_array_new();
    g_ptr_array_add(h, "id");
    g_ptr_array_add(h, "status");
    for (guint a = 0; a < x->m.axes->len; a++)
        g_ptr_array_add(h, g_ptr_array_index(x->m.axes, a));
    for (guint c = 0; c < x->columns->len; c++)
        g_ptr_array_add(h, g_ptr_array_index(x->columns, c));
    sweep_csv_write_row(csv, (const char *const *)h->pdata, h->len);
    g_ptr_array_free(h, TRUE);
}

static void write_json_head(const struct merge *x, struct sim_json *j)
{
    sim_json_begin_object(j);
    sim_json_kv_string(j, "tool", "smmusim " SMMUSIM_VERSION);
    sim_json_kv_string(j, "scenario", x->m.scenario);
    sim_json_key(j, "vary");
    sim_json_begin_array(j);
    for (guint a = 0; a < x->m.axes->len; a++)
        sim_json_string(j, g_ptr_array_index(x->m.axes, a));
    sim_json_end_array(j);
    sim_json_key(j, "columns");
    sim_json_begin_array(j);
    for (guint c = 0; c < x->columns->len; c++)
        sim_json_string(j, g_ptr_array_index(x->columns, c));
    sim_json_end_array(j);
    sim_json_key(j, "points");
    sim_json_begin_array(j);
}

static void write_row(const struct merge *x, guint i, const char *status,
                      const struct sweep_json *stats, FILE *csv, struct sim_json *j)
{
    char **values = g_ptr_array_index(x->m.values, i);
    const char *id = g_ptr_array_index(x->m.ids, i);
    GPtrArray *cols = stats ? row_values(x, stats) : NULL;
    GPtrArray *row = g_ptr_array_new();
    g_ptr_array_add(row, (gpointer)id);
    g_ptr_array_add(row, (gpointer)status);
    for (guint a = 0; a < x->m.axes->len; a++)
        g_ptr_array_add(row, values[a]);
    for (guint c = 0; c < x->columns->len; c++)
        g_ptr_array_add(row, cols ? g_ptr_array_index(cols, c) : NULL);
    sweep_csv_write_row(csv, (const char *const *)row->pdata, row->len);

    sim_json_begin_object(j);
    sim_json_kv_string(j, "id", id);
    sim_json_kv_string(j, "status", status);
    sim_json_key(j, "values");
    sim_json_begin_object(j);
    for (guint a = 0; a < x->m.axes->len; a++)
        sim_json_kv_string(j, g_ptr_array_index(x->m.axes, a), values[a]);
    sim_json_end_object(j);
    if (cols) {
        sim_json_key(j, "stats");
        sim_json_begin_object(j);
        for (guint c = 0; c < x->columns->len; c++) {
            const char *v = g_ptr_array_index(cols, c);
            if (v) {
                sim_json_key(j, g_ptr_array_index(x->columns, c));
                json_number(j, v);
            }
        }
        sim_json_end_object(j);
    }
    sim_json_end_object(j);
    g_ptr_array_free(row, TRUE);
    if (cols)
        g_ptr_array_free(cols, TRUE);
}

static FILE *open_temp(const char *path, GError **err)
{
    char *tmp = g_strconcat(path, ".tmp", NULL);
    FILE *f = fopen(tmp, "w");
    if (!f)
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s", tmp,
                    g_strerror(errno));
    g_free(tmp);
    return f;
}

static gboolean close_temp(FILE *f, const char *path, GError **err)
{
    char *tmp = g_strconcat(path, ".tmp", NULL);
    gboolean ok = fclose(f) == 0 && rename(tmp, path) == 0;
    if (!ok)
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s", path,
                    g_strerror(errno));
    g_free(tmp);
    return ok;
}

/* Pass 2: one row per point, and the plot cells. */
static gboolean write_results(struct merge *x, struct sweep_merge_result *res, GError **err)
{
    char *csv_path = g_build_filename(x->dir, "results.csv", NULL);
    char *json_path = g_build_filename(x->dir, "results.json", NULL);
    FILE *csv = open_temp(csv_path, err);
    FILE *js = csv ? open_temp(json_path, err) : NULL;
    gboolean ok = csv && js;
    if (ok) {
        struct sim_json j;
        sim_json_init(&j, js, true);
        write_csv_header(x, csv);
        write_json_head(x, &j);
        for (guint i = 0; i < x->m.ids->len; i++) {
            char *status;
            struct sweep_json *doc = load_point(x->dir, g_ptr_array_index(x->m.ids, i), &status);
            const struct sweep_json *stats = sweep_json_get(doc, "stats");
            write_row(x, i, doc ? "ok" : status, stats, csv, &j);
            collect_cells(x, stats);
            if (doc)
                res->ok++;
            else
                res->failed++;
            sweep_json_free(doc);
            g_free(status);
        }
        sim_json_end_array(&j);
        sim_json_end_object(&j);
        sim_json_finish(&j);
    }
    if (csv)
        ok = close_temp(csv, csv_path, ok ? err : NULL) && ok;
    if (js)
        ok = close_temp(js, json_path, ok ? err : NULL) && ok;
    g_free(csv_path);
    g_free(json_path);
    return ok;
}

static gboolean write_plots(struct merge *x, const struct sweep_merge_opts *opts,
                            struct sweep_merge_result *res, GError **err)
{
    char *plots_dir = g_build_filename(x->dir, "plots", NULL);
    GPtrArray *stems = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = g_mkdir_with_parents(plots_dir, 0755) == 0;
    if (!ok)
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s",
                    plots_dir, g_strerror(errno));
    for (guint i = 0; ok && i < x->plots->len; i++)
        ok = sweep_plot_write(g_ptr_array_index(x->plots, i), &x->m, plots_dir, stems, err);
    res->plots = stems->len;
    if (ok && !opts->no_plots)
        ok = sweep_plot_render(plots_dir, stems, &res->gnuplot_missing, err);
    g_ptr_array_free(stems, TRUE);
    g_free(plots_dir);
    return ok;
}

gboolean sweep_merge(const char *dir, const struct sweep_merge_opts *opts,
                     struct sweep_merge_result *res, GError **err)
{
    memset(res, 0, sizeof(*res));
    struct merge x = {
        .dir = dir,
        .stats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)stat_info_free),
        .names = g_ptr_array_new(),
        .columns = g_ptr_array_new_with_free_func(g_free),
        .plots = g_ptr_array_new_with_free_func((GDestroyNotify)plot_free),
    };
    gboolean ok = sweep_manifest_load(&x.m, dir, err);
    if (ok) {
        res->points = x.m.ids->len;
        scan_points(&x);
        ok = choose_plots(&x, opts->plots, err) && write_results(&x, res, err) &&
             write_plots(&x, opts, res, err);
    }
    sweep_manifest_clear(&x.m);
    g_ptr_array_free(x.plots, TRUE);
    g_ptr_array_free(x.columns, TRUE);
    g_ptr_array_free(x.names, TRUE);
    g_hash_table_destroy(x.stats);
    return ok;
}
