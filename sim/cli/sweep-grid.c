/*
 * sweep-grid.c — the grid of a parameter sweep: parsing `--vary` value
 * lists and ranges, the cartesian product, stable point ids, and checking
 * every name and value before any point runs: parameters against the
 * parameter registry, scenario variables against the scenario itself
 * (parsed with the defines each point will get).
 *
 * Ranges are integer arithmetic on the registry's number syntax (K/M/G
 * suffixes), counted before they are expanded so that a typo such as
 * 1..1G cannot allocate a billion strings.
 */
#include <string.h>
#include "sim/cli/sweep.h"
#include "sim/machine/machine.h"
#include "sim/workload/workload.h"
#include "sim/scenario/scenario.h"

#define SWEEP_ERR G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE

struct sweep_grid *sweep_grid_new(void)
{
    struct sweep_grid *g = g_new0(struct sweep_grid, 1);
    g->axes = g_ptr_array_new();
    g->npoints = 1;
    return g;
}

static void axis_free(struct sweep_axis *a)
{
    g_free(a->name);
    g_ptr_array_free(a->values, TRUE);
    g_free(a);
}

void sweep_grid_free(struct sweep_grid *g)
{
    if (!g)
        return;
    for (guint i = 0; i < g->axes->len; i++)
        axis_free(g_ptr_array_index(g->axes, i));
    g_ptr_array_free(g->axes, TRUE);
    g_free(g);
}

static gboolean parse_number(const char *text, const char *range, guint64 *out, GError **err)
{
    if (!sim_parse_u64(text, out)) {
        g_set_error(err, SWEEP_ERR, "range '%s': '%s' is not a number", range,
                    text[0] ? text : "(empty)");
        return FALSE;
    }
    return TRUE;
}

/* The values of lo..hi by an additive step (negative: descending). */
static gboolean expand_linear(const char *range, guint64 lo, guint64 hi, guint64 step,
                              gboolean down, GPtrArray *out, GError **err)
{
    if (step == 0) {
        g_set_error(err, SWEEP_ERR, "range '%s': the step must not be 0", range);
        return FALSE;
    }
    if (!down && lo > hi) {
        g_set_error(err, SWEEP_ERR,
                    "range '%s' descends: give a negative step (e.g. %s:-1)", range, range);
        return FALSE;
    }
    if (down && lo < hi) {
        g_set_error(err, SWEEP_ERR, "range '%s' ascends but its step is negative", range);
        return FALSE;
    }
    guint64 span = down ? lo - hi : hi - lo;
    guint64 count = span / step + 1;
    if (count > SWEEP_MAX_POINTS) {
        g_set_error(err, SWEEP_ERR, "range '%s' has %" G_GUINT64_FORMAT " values (limit %u)",
                    range, count, SWEEP_MAX_POINTS);
        return FALSE;
    }
    for (guint64 i = 0; i < count; i++)
        g_ptr_array_add(out, g_strdup_printf("%" G_GUINT64_FORMAT, down ? lo - i * step : lo + i * step));
    return TRUE;
}

/* The values lo, lo*f, lo*f^2, ... <= hi (at most 64 of them). */
static gboolean expand_geometric(const char *range, guint64 lo, guint64 hi, guint64 factor,
                                 GPtrArray *out, GError **err)
{
    if (factor < 2) {
        g_set_error(err, SWEEP_ERR, "range '%s': the factor must be an integer of at least 2", range);
        return FALSE;
    }
    if (lo == 0) {
        g_set_error(err, SWEEP_ERR, "range '%s': a geometric range cannot start at 0", range);
        return FALSE;
    }
    if (lo > hi) {
        g_set_error(err, SWEEP_ERR, "range '%s': a geometric range must ascend", range);
        return FALSE;
    }
    for (guint64 v = lo;; v *= factor) {
        g_ptr_array_add(out, g_strdup_printf("%" G_GUINT64_FORMAT, v));
        if (v > hi / factor)
            break;
    }
    return TRUE;
}

static gboolean expand_range(const char *item, GPtrArray *out, GError **err)
{
    const char *dots = strstr(item, "..");
    char *lo_text = g_strndup(item, (gsize)(dots - item));
    const char *rest = dots + 2;
    const char *mod = strpbrk(rest, ":*");
    char *hi_text = mod ? g_strndup(rest, (gsize)(mod - rest)) : g_strdup(rest);
    guint64 lo, hi, by = 1;
    gboolean down = FALSE, ok = FALSE;
    if (!parse_number(lo_text, item, &lo, err) || !parse_number(hi_text, item, &hi, err))
        goto out;
    if (mod) {
        const char *by_text = mod + 1;
        if (*mod == ':' && *by_text == '-') {
            down = TRUE;
            by_text++;
        }
        if (!parse_number(by_text, item, &by, err))
            goto out;
    }
    if (mod && *mod == '*')
        ok = expand_geometric(item, lo, hi, by, out, err);
    else
        ok = expand_linear(item, lo, hi, by, down, out, err);
out:
    g_free(lo_text);
    g_free(hi_text);
    return ok;
}

gboolean sweep_parse_values(const char *text, GPtrArray *out, GError **err)
{
    if (!text || !*text) {
        g_set_error(err, SWEEP_ERR, "no values given");
        return FALSE;
    }
    char **items = g_strsplit(text, ",", -1);
    gboolean ok = TRUE;
    for (guint i = 0; ok && items[i]; i++) {
        char *item = g_strstrip(items[i]);
        if (!*item) {
            g_set_error(err, SWEEP_ERR, "value %u of '%s' is empty", i + 1, text);
            ok = FALSE;
        } else if (strstr(item, "..")) {
            ok = expand_range(item, out, err);
        } else {
            g_ptr_array_add(out, g_strdup(item));
        }
        if (ok && out->len > SWEEP_MAX_POINTS) {
            g_set_error(err, SWEEP_ERR, "'%s' has more than %u values", text, SWEEP_MAX_POINTS);
            ok = FALSE;
        }
    }
    g_strfreev(items);
    return ok;
}

static struct sweep_axis *find_axis(const struct sweep_grid *g, const char *name)
{
    for (guint i = 0; i < g->axes->len; i++) {
        struct sweep_axis *a = g_ptr_array_index(g->axes, i);
        if (!strcmp(a->name, name))
            return a;
    }
    return NULL;
}

gboolean sweep_grid_add_vary(struct sweep_grid *g, const char *spec, GError **err)
{
    const char *eq = strchr(spec, '=');
    if (!eq) {
        g_set_error(err, SWEEP_ERR, "--vary '%s': expected NAME=VALUES", spec);
        return FALSE;
    }
    char *name = g_strstrip(g_strndup(spec, (gsize)(eq - spec)));
    struct sweep_axis *a = NULL;
    GError *e = NULL;
    if (!*name) {
        g_set_error(err, SWEEP_ERR, "--vary '%s': missing parameter name", spec);
        goto bad;
    }
    if (find_axis(g, name)) {
        g_set_error(err, SWEEP_ERR, "--vary: parameter '%s' is varied twice", name);
        goto bad;
    }
    a = g_new0(struct sweep_axis, 1);
    a->name = name;
    a->values = g_ptr_array_new_with_free_func(g_free);
    if (!sweep_parse_values(eq + 1, a->values, &e)) {
        g_set_error(err, SWEEP_ERR, "--vary %s: %s", name, e->message);
        g_error_free(e);
        axis_free(a);
        return FALSE;
    }
    if (g->npoints * a->values->len > SWEEP_MAX_POINTS) {
        g_set_error(err, SWEEP_ERR, "the grid would have %zu points (limit %u)",
                    g->npoints * a->values->len, SWEEP_MAX_POINTS);
        axis_free(a);
        return FALSE;
    }
    g->npoints *= a->values->len;
    g_ptr_array_add(g->axes, a);
    return TRUE;
bad:
    g_free(name);
    return FALSE;
}

static gboolean fixed_name_conflicts(const struct sweep_grid *g, char **sets, GError **err)
{
    for (char **s = sets; s && *s; s++) {
        const char *eq = strchr(*s, '=');
        char *name = g_strstrip(eq ? g_strndup(*s, (gsize)(eq - *s)) : g_strdup(*s));
        gboolean clash = find_axis(g, name) != NULL;
        if (clash)
            g_set_error(err, SWEEP_ERR, "parameter '%s' is given both by --set and by --vary", name);
        g_free(name);
        if (clash)
            return FALSE;
    }
    return TRUE;
}

gboolean sweep_axis_is_variable(const char *name)
{
    return strchr(name, '.') == NULL;
}

/* The canonical text of one value: the registry's for a parameter, the
 * scenario language's for a variable. */
static char *canonical_value(const struct sweep_axis *a, const char *given, struct sim_params *p,
                             GError **err)
{
    GError *e = NULL;
    char *canon = NULL;
    if (sweep_axis_is_variable(a->name)) {
        char *define = g_strdup_printf("%s=%s", a->name, given);
        canon = scenario_define_canonical(define, &e);
        g_free(define);
    } else if (sim_params_set(p, a->name, given, "--vary", &e)) {
        canon = sim_params_value_text(p, a->name);
    }
    if (!canon) {
        g_set_error(err, SWEEP_ERR, "--vary %s: %s", a->name, e->message);
        g_error_free(e);
    }
    return canon;
}

/* Canonicalise every value of one axis, rejecting duplicates. */
static gboolean canonicalise_axis(struct sweep_axis *a, struct sim_params *p, GError **err)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < a->values->len; i++) {
        const char *given = g_ptr_array_index(a->values, i);
        char *canon = canonical_value(a, given, p, err);
        if (!canon) {
            ok = FALSE;
            break;
        }
        if (g_hash_table_contains(seen, canon)) {
            g_set_error(err, SWEEP_ERR, "--vary %s: value %s is listed twice", a->name, canon);
            g_free(canon);
            ok = FALSE;
            break;
        }
        g_ptr_array_index(a->values, i) = canon;
        g_hash_table_add(seen, canon);
        g_free((char *)given);
    }
    g_hash_table_destroy(seen);
    return ok;
}

gboolean sweep_grid_validate(struct sweep_grid *g, const char *profile, char **sets, GError **err)
{
    if (g->axes->len == 0) {
        g_set_error(err, SWEEP_ERR, "nothing to sweep: give at least one --vary NAME=VALUES");
        return FALSE;
    }
    if (!fixed_name_conflicts(g, sets, err))
        return FALSE;
    struct sim_params *p = sim_all_params_new(err);
    if (!p)
        return FALSE;
    gboolean ok = !profile || sim_params_load_profile_by_name(p, profile, err);
    for (char **s = sets; ok && s && *s; s++)
        ok = sim_params_set_assignment(p, *s, "--set", err);
    for (guint i = 0; ok && i < g->axes->len; i++)
        ok = canonicalise_axis(g_ptr_array_index(g->axes, i), p, err);
    sim_params_free(p);
    return ok;
}

/* The defines of a grid's first point, with axis `axis` at value `v`. */
static GStrv variable_defines(const struct sweep_grid *g, guint axis, guint v)
{
    GPtrArray *d = g_ptr_array_new();
    for (guint a = 0; a < g->axes->len; a++) {
        const struct sweep_axis *ax = g_ptr_array_index(g->axes, a);
        if (sweep_axis_is_variable(ax->name))
            g_ptr_array_add(d, g_strdup_printf("%s=%s", ax->name,
                                               (char *)g_ptr_array_index(ax->values, a == axis ? v : 0)));
    }
    g_ptr_array_add(d, NULL);
    return (GStrv)g_ptr_array_free(d, FALSE);
}

gboolean sweep_grid_check_scenario(const struct sweep_grid *g, const char *scenario, GError **err)
{
    for (guint a = 0; a < g->axes->len; a++) {
        const struct sweep_axis *ax = g_ptr_array_index(g->axes, a);
        if (!sweep_axis_is_variable(ax->name))
            continue;
        for (guint v = 0; v < ax->values->len; v++) {
            GStrv defines = variable_defines(g, a, v);
            struct scenario *s = scenario_parse_file_defines(scenario, (const char *const *)defines, err);
            g_strfreev(defines);
            if (!s)
                return FALSE;
            scenario_free(s);
        }
    }
    return TRUE;
}

const char *sweep_grid_value(const struct sweep_grid *g, size_t point, size_t axis)
{
    size_t stride = 1;
    for (size_t a = g->axes->len; a-- > axis + 1;)
        stride *= ((struct sweep_axis *)g_ptr_array_index(g->axes, a))->values->len;
    const struct sweep_axis *ax = g_ptr_array_index(g->axes, axis);
    return g_ptr_array_index(ax->values, (point / stride) % ax->values->len);
}

char *sweep_point_id(const struct sweep_grid *g, size_t point)
{
    int width = 4;
    for (size_t last = g->npoints ? g->npoints - 1 : 0, digits = 1; (last /= 10) > 0;)
        if (++digits > (size_t)width)
            width = (int)digits;
    return g_strdup_printf("p%0*zu", width, point);
}
