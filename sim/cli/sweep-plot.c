/*
 * sweep-plot.c — gnuplot scripts and images for a merged sweep.
 *
 * A plot puts the first varied parameter on the x axis and draws, per value
 * of the second varied parameter, the p50/p90/p99 of a histogram (solid,
 * dashed, dotted) or a counter's rate per simulated microsecond.  Each
 * combination of the third and later varied parameters gets its own plot.
 * The data goes to <stem>.dat (exact integers as recorded; the script does
 * the unit conversion), the script to <stem>.gp, which writes <stem>.png and
 * <stem>.svg when run in the plots directory, so a user can edit and rerun
 * it.  An axis whose values span more than two decades is logarithmic.
 * Non-numeric x values (booleans, enumerations) become labelled positions.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include "sim/cli/sweep.h"
#include "sim/params.h"

struct plot_ctx {
    const struct sweep_plot *p;
    const struct sweep_manifest *m;
    GHashTable **index;     /* per axis: value -> 1 + position of first appearance */
    guint *naxis_values;
    gboolean numeric_x;
};

static guint value_pos(const struct plot_ctx *c, guint axis, guint point)
{
    char **v = g_ptr_array_index(c->m->values, point);
    return GPOINTER_TO_UINT(g_hash_table_lookup(c->index[axis], v[axis])) - 1;
}

static const char *value_of(const struct plot_ctx *c, guint axis, guint point)
{
    return ((char **)g_ptr_array_index(c->m->values, point))[axis];
}

static int compare_on(const struct plot_ctx *c, guint axis, guint pa, guint pb)
{
    guint va = value_pos(c, axis, pa), vb = value_pos(c, axis, pb);
    return va < vb ? -1 : va > vb;
}

/* Order points by (third and later axes, series, x). */
static gint compare_points(gconstpointer a, gconstpointer b, gpointer data)
{
    const struct plot_ctx *c = data;
    guint pa = *(const guint *)a, pb = *(const guint *)b;
    guint n = c->m->axes->len;
    int r = 0;
    for (guint axis = 2; !r && axis < n; axis++)
        r = compare_on(c, axis, pa, pb);
    if (!r && n > 1)
        r = compare_on(c, 1, pa, pb);
    if (!r)
        r = compare_on(c, 0, pa, pb);
    return r ? r : (pa < pb ? -1 : pa > pb);
}

static char *sanitise_stem(const char *s)
{
    char *out = g_strdup(s);
    for (char *c = out; *c; c++)
        if (!g_ascii_isalnum(*c) && !strchr("._=,@+-", *c))
            *c = '_';
    return out;
}

/* A gnuplot double-quoted string. */
static char *gp_string(const char *s)
{
    GString *g = g_string_new("\"");
    for (const char *c = s; *c; c++) {
        if (*c == '"' || *c == '\\')
            g_string_append_c(g, '\\');
        g_string_append_c(g, *c);
    }
    g_string_append_c(g, '"');
    return g_string_free(g, FALSE);
}

/* Label text safe inside a .dat double-quoted field. */
static char *dat_label(const char *s)
{
    char *out = g_strdup(s);
    for (char *c = out; *c; c++)
        if (*c == '"' || *c == '\n')
            *c = '\'';
    return out;
}

static double cell_y(const struct sweep_plot *p, GStrv cell, int k, double scale)
{
    if (p->kind == SWEEP_PLOT_THROUGHPUT) {
        double t = g_ascii_strtod(cell[1], NULL);
        return t > 0 ? g_ascii_strtod(cell[0], NULL) * 1e6 / t : 0;
    }
    return g_ascii_strtod(cell[k], NULL) / scale;
}

static gboolean usable(const struct sweep_plot *p, GStrv cell)
{
    return cell && (p->kind != SWEEP_PLOT_THROUGHPUT || g_ascii_strtod(cell[1], NULL) > 0);
}

struct range {
    double lo, hi;          /* over positive values only */
};

static void range_add(struct range *r, double v)
{
    if (v <= 0)
        return;
    if (r->lo == 0 || v < r->lo)
        r->lo = v;
    if (v > r->hi)
        r->hi = v;
}

static gboolean spans_two_decades(const struct range *r)
{
    return r->lo > 0 && r->hi > 100 * r->lo;
}

struct group {
    guint *points;          /* sorted, one combination of the later axes */
    guint n;
};

/* One .dat block per series with data; returns the number of blocks and
 * fills `titles` with each block's series label. */
static guint write_dat(const struct plot_ctx *c, const struct group *g, FILE *dat,
                       GPtrArray *titles, struct range *xr, struct range *yr, double scale)
{
    const struct sweep_plot *p = c->p;
    gboolean series = c->m->axes->len > 1;
    guint blocks = 0;
    for (guint i = 0; i < g->n;) {
        guint s = series ? value_pos(c, 1, g->points[i]) : 0;
        guint rows = 0;
        for (; i < g->n && (!series || value_pos(c, 1, g->points[i]) == s); i++) {
            guint pt = g->points[i];
            GStrv cell = g_ptr_array_index(p->cells, pt);
            if (!usable(p, cell))
                continue;
            if (rows++ == 0) {
                if (blocks++)
                    fputs("\n\n", dat);
                const char *title = series ? value_of(c, 1, pt) : "";
                fprintf(dat, "# %s%s%s\n", series ? (char *)g_ptr_array_index(c->m->axes, 1) : "",
                        series ? "=" : "", title);
                g_ptr_array_add(titles, series ? g_strdup_printf("%s=%s",
                                (char *)g_ptr_array_index(c->m->axes, 1), title) : g_strdup(""));
            }
            const char *x = value_of(c, 0, pt);
            char *label = dat_label(x);
            guint64 xnum = 0;
            if (c->numeric_x)
                sim_parse_u64(x, &xnum);
            fprintf(dat, "%" G_GUINT64_FORMAT " \"%s\"", c->numeric_x ? xnum : (guint64)value_pos(c, 0, pt), label);
            for (int k = 0; k < (p->kind == SWEEP_PLOT_THROUGHPUT ? 2 : 3); k++)
                fprintf(dat, " %s", cell[k]);
            fputc('\n', dat);
            g_free(label);
            range_add(xr, (double)xnum);
            for (int k = 0; k < 3; k++)
                range_add(yr, cell_y(p, cell, k, scale));
        }
    }
    return blocks;
}

static void write_gp_head(const struct plot_ctx *c, FILE *gp, const char *stem, const char *fixed,
                          const struct range *xr, const struct range *yr, const char *ylabel)
{
    const struct sweep_plot *p = c->p;
    const char *xname = g_ptr_array_index(c->m->axes, 0);
    char *title = g_strdup_printf("%s%s versus %s%s%s", p->stat,
                                  p->kind == SWEEP_PLOT_THROUGHPUT ? " rate" : " p50/p90/p99",
                                  xname, *fixed ? ", " : "", fixed);
    char *qt = gp_string(title), *qx = gp_string(xname), *qy = gp_string(ylabel);
    fprintf(gp, "# %s\n# Written by smmusim merge; run `gnuplot %s.gp` in this directory.\n", title, stem);
    fprintf(gp, "set title %s noenhanced\nset xlabel %s noenhanced\nset ylabel %s noenhanced\n", qt, qx, qy);
    fputs("set key outside right top noenhanced\nset grid\nset offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n", gp);
    if (c->numeric_x && spans_two_decades(xr))
        fputs("set logscale x\n", gp);
    if (spans_two_decades(yr))
        fputs("set logscale y\n", gp);
    fputs("if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n"
          "    set terminal pngcairo size 1000,600\n} else {\n    set terminal png size 1000,600\n}\n", gp);
    fprintf(gp, "set output '%s.png'\n", stem);
    g_free(title);
    g_free(qt);
    g_free(qx);
    g_free(qy);
}

static void write_gp_plot(const struct plot_ctx *c, FILE *gp, const char *stem, GPtrArray *titles,
                          double scale)
{
    static const char *const pct[3] = { "p50", "p90", "p99" };
    gboolean thr = c->p->kind == SWEEP_PLOT_THROUGHPUT;
    int lines = thr ? 1 : 3;
    const char *xtic = c->numeric_x ? "" : ":xtic(2)";
    fputs("plot", gp);
    for (guint b = 0; b < titles->len; b++) {
        const char *series = g_ptr_array_index(titles, b);
        for (int k = 0; k < lines; k++) {
            char *t = g_strdup_printf("%s%s%s", thr ? "" : pct[k], *series && !thr ? " " : "", series);
            char *qt = gp_string(*t ? t : c->p->stat);
            char *y = thr ? g_strdup("($3*1000000.0/$4)") : g_strdup_printf("($%d/%.1f)", 3 + k, scale);
            int color = titles->len > 1 ? (int)b + 1 : k + 1;
            fprintf(gp, "%s \\\n    '%s.dat' index %u using 1:%s%s with linespoints lc %d dt %d pt 7 title %s",
                    b || k ? "," : "", stem, b, y, xtic, color, k + 1, qt);
            g_free(t);
            g_free(qt);
            g_free(y);
        }
    }
    fprintf(gp, "\nset terminal svg size 1000,600\nset output '%s.svg'\nreplot\nunset output\n", stem);
}

static const char *ylabel_of(const struct sweep_plot *p, double *scale)
{
    *scale = 1;
    if (p->kind == SWEEP_PLOT_THROUGHPUT)
        return "per simulated microsecond (millions per second)";
    if (!strcmp(p->unit, "ps")) {
        *scale = 1000;
        return "ns";
    }
    return p->unit;
}

/* The fixed values of the third and later axes, "a=1,b=2". */
static char *fixed_label(const struct plot_ctx *c, guint point)
{
    GString *s = g_string_new(NULL);
    for (guint a = 2; a < c->m->axes->len; a++)
        g_string_append_printf(s, "%s%s=%s", a > 2 ? "," : "", (char *)g_ptr_array_index(c->m->axes, a),
                               value_of(c, a, point));
    return g_string_free(s, FALSE);
}

static gboolean write_group(const struct plot_ctx *c, const struct group *g, const char *plots_dir,
                            GPtrArray *stems, GError **err)
{
    char *fixed = fixed_label(c, g->points[0]);
    char *raw = g_strdup_printf("%s%s%s%s", c->p->stat,
                                c->p->kind == SWEEP_PLOT_THROUGHPUT ? ".throughput" : "",
                                *fixed ? "@" : "", fixed);
    char *stem = sanitise_stem(raw);
    char *dat_path = g_strdup_printf("%s/%s.dat", plots_dir, stem);
    char *gp_path = g_strdup_printf("%s/%s.gp", plots_dir, stem);
    FILE *dat = fopen(dat_path, "w");
    FILE *gp = dat ? fopen(gp_path, "w") : NULL;
    gboolean ok = dat && gp;
    if (!ok)
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s",
                    dat ? gp_path : dat_path, g_strerror(errno));
    if (ok) {
        GPtrArray *titles = g_ptr_array_new_with_free_func(g_free);
        struct range xr = { 0, 0 }, yr = { 0, 0 };
        double scale;
        const char *ylabel = ylabel_of(c->p, &scale);
        guint blocks = write_dat(c, g, dat, titles, &xr, &yr, scale);
        write_gp_head(c, gp, stem, fixed, &xr, &yr, ylabel);
        write_gp_plot(c, gp, stem, titles, scale);
        if (blocks)
            g_ptr_array_add(stems, g_strdup(stem));
        else
            fprintf(stderr, "smmusim merge: no data to plot for %s (every point failed)\n", raw);
        g_ptr_array_free(titles, TRUE);
    }
    if (dat && fclose(dat) != 0 && ok) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s", dat_path);
        ok = FALSE;
    }
    if (gp && fclose(gp) != 0 && ok) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s", gp_path);
        ok = FALSE;
    }
    g_free(fixed);
    g_free(raw);
    g_free(stem);
    g_free(dat_path);
    g_free(gp_path);
    return ok;
}

static void ctx_init(struct plot_ctx *c, const struct sweep_plot *p, const struct sweep_manifest *m)
{
    c->p = p;
    c->m = m;
    guint n = m->axes->len;
    c->index = g_new0(GHashTable *, n);
    c->naxis_values = g_new0(guint, n);
    c->numeric_x = TRUE;
    for (guint a = 0; a < n; a++) {
        c->index[a] = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < m->ids->len; i++) {
            char *v = ((char **)g_ptr_array_index(m->values, i))[a];
            if (!g_hash_table_contains(c->index[a], v))
                g_hash_table_insert(c->index[a], v, GUINT_TO_POINTER(++c->naxis_values[a]));
            guint64 num;
            if (a == 0 && !sim_parse_u64(v, &num))
                c->numeric_x = FALSE;
        }
    }
}

static void ctx_clear(struct plot_ctx *c)
{
    for (guint a = 0; a < c->m->axes->len; a++)
        g_hash_table_destroy(c->index[a]);
    g_free(c->index);
    g_free(c->naxis_values);
}

/* TRUE when two points agree on every axis from the third on. */
static gboolean same_group(const struct plot_ctx *c, guint a, guint b)
{
    for (guint axis = 2; axis < c->m->axes->len; axis++)
        if (value_pos(c, axis, a) != value_pos(c, axis, b))
            return FALSE;
    return TRUE;
}

gboolean sweep_plot_write(const struct sweep_plot *p, const struct sweep_manifest *m,
                          const char *plots_dir, GPtrArray *stems, GError **err)
{
    if (m->ids->len == 0 || m->axes->len == 0)
        return TRUE;
    struct plot_ctx c;
    ctx_init(&c, p, m);
    guint n = m->ids->len;
    guint *order = g_new(guint, n);
    for (guint i = 0; i < n; i++)
        order[i] = i;
    g_qsort_with_data(order, (gint)n, sizeof(guint), compare_points, &c);
    gboolean ok = TRUE;
    for (guint start = 0; ok && start < n;) {
        guint end = start + 1;
        while (end < n && same_group(&c, order[start], order[end]))
            end++;
        struct group g = { order + start, end - start };
        ok = write_group(&c, &g, plots_dir, stems, err);
        start = end;
    }
    g_free(order);
    ctx_clear(&c);
    return ok;
}

static gboolean image_written(const char *plots_dir, const char *stem, const char *ext)
{
    char *path = g_strdup_printf("%s/%s.%s", plots_dir, stem, ext);
    GStatBuf st;
    gboolean ok = g_stat(path, &st) == 0 && st.st_size > 0;
    g_free(path);
    return ok;
}

static gboolean run_gnuplot(const char *gnuplot, const char *plots_dir, const char *stem, GError **err)
{
    char *script = g_strconcat(stem, ".gp", NULL);
    char *argv[] = { (char *)gnuplot, script, NULL };
    char *out = NULL, *errout = NULL;
    int status = 0;
    gboolean ok = g_spawn_sync(plots_dir, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &errout,
                               &status, err);
    if (ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "gnuplot failed on %s/%s:\n%s",
                    plots_dir, script, errout ? errout : "");
        ok = FALSE;
    } else if (ok && (!image_written(plots_dir, stem, "png") || !image_written(plots_dir, stem, "svg"))) {
        g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                    "gnuplot ran %s/%s but wrote no %s.png/%s.svg:\n%s", plots_dir, script, stem,
                    stem, errout ? errout : "");
        ok = FALSE;
    }
    g_free(out);
    g_free(errout);
    g_free(script);
    return ok;
}

gboolean sweep_plot_render(const char *plots_dir, GPtrArray *stems, gboolean *missing, GError **err)
{
    *missing = FALSE;
    if (stems->len == 0)
        return TRUE;
    char *gnuplot = g_find_program_in_path("gnuplot");
    if (!gnuplot) {
        *missing = TRUE;
        return TRUE;
    }
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < stems->len; i++)
        ok = run_gnuplot(gnuplot, plots_dir, g_ptr_array_index(stems, i), err);
    g_free(gnuplot);
    return ok;
}
