/*
 * stats.c — the statistics registry and its JSON / CSV writers.
 */
#include <errno.h>
#include <string.h>
#include "sim/params.h"
#include "sim/stats.h"

enum entry_kind { ENTRY_COUNTER, ENTRY_HIST, ENTRY_VALUE };

struct entry {
    enum entry_kind kind;
    const uint64_t *counter;
    const struct sim_hist *hist;
    uint64_t value;
    char *unit;
    struct sim_hist *owned;     /* a frozen histogram's copy */
};

struct sim_stats {
    GTree *entries;     /* name -> struct entry, ordered by name */
};

static void entry_free(gpointer p)
{
    struct entry *e = p;
    g_free(e->unit);
    g_free(e->owned);
    g_free(e);
}

static gint cmp_names(gconstpointer a, gconstpointer b, gpointer unused)
{
    return strcmp(a, b);
}

struct sim_stats *sim_stats_new(void)
{
    struct sim_stats *s = g_new0(struct sim_stats, 1);
    s->entries = g_tree_new_full(cmp_names, NULL, g_free, entry_free);
    return s;
}

void sim_stats_free(struct sim_stats *s)
{
    if (!s)
        return;
    g_tree_destroy(s->entries);
    g_free(s);
}

static void put(struct sim_stats *s, const char *name, struct entry *e)
{
    g_tree_replace(s->entries, g_strdup(name), e);
}

void sim_stats_add_counter(struct sim_stats *s, const char *name, const uint64_t *counter)
{
    struct entry *e = g_new0(struct entry, 1);
    e->kind = ENTRY_COUNTER;
    e->counter = counter;
    put(s, name, e);
}

void sim_stats_add_hist(struct sim_stats *s, const char *name, const char *unit,
                        const struct sim_hist *h)
{
    struct entry *e = g_new0(struct entry, 1);
    e->kind = ENTRY_HIST;
    e->hist = h;
    e->unit = g_strdup(unit ? unit : "");
    put(s, name, e);
}

void sim_stats_set_value(struct sim_stats *s, const char *name, uint64_t value)
{
    struct entry *e = g_new0(struct entry, 1);
    e->kind = ENTRY_VALUE;
    e->value = value;
    put(s, name, e);
}

struct prefix_ctx {
    const char *prefix;
    GPtrArray *doomed;
};

static gboolean collect_prefix(gpointer key, gpointer value, gpointer opaque)
{
    struct prefix_ctx *c = opaque;
    if (g_str_has_prefix(key, c->prefix))
        g_ptr_array_add(c->doomed, g_strdup(key));
    return FALSE;
}

void sim_stats_remove_prefix(struct sim_stats *s, const char *prefix)
{
    struct prefix_ctx c = { prefix, g_ptr_array_new_with_free_func(g_free) };
    g_tree_foreach(s->entries, collect_prefix, &c);
    for (guint i = 0; i < c.doomed->len; i++)
        g_tree_remove(s->entries, g_ptr_array_index(c.doomed, i));
    g_ptr_array_free(c.doomed, TRUE);
}

static gboolean freeze_one(gpointer key, gpointer value, gpointer opaque)
{
    struct entry *e = value;
    if (!g_str_has_prefix(key, opaque))
        return FALSE;
    if (e->kind == ENTRY_COUNTER) {
        e->value = *e->counter;
        e->counter = NULL;
        e->kind = ENTRY_VALUE;
    } else if (e->kind == ENTRY_HIST && !e->owned) {
        e->owned = g_memdup2(e->hist, sizeof(*e->hist));
        e->hist = e->owned;
    }
    return FALSE;
}

void sim_stats_freeze_prefix(struct sim_stats *s, const char *prefix)
{
    g_tree_foreach(s->entries, freeze_one, (gpointer)prefix);
}

static uint64_t entry_value(const struct entry *e)
{
    return e->kind == ENTRY_COUNTER ? *e->counter : e->value;
}

bool sim_stats_lookup_counter(const struct sim_stats *s, const char *name, uint64_t *value)
{
    const struct entry *e = g_tree_lookup(s->entries, name);
    if (!e || e->kind == ENTRY_HIST)
        return false;
    *value = entry_value(e);
    return true;
}

const struct sim_hist *sim_stats_lookup_hist(const struct sim_stats *s, const char *name)
{
    const struct entry *e = g_tree_lookup(s->entries, name);
    return e && e->kind == ENTRY_HIST ? e->hist : NULL;
}

struct foreach_ctx {
    sim_stats_counter_fn cfn;
    sim_stats_hist_fn hfn;
    void *opaque;
};

static gboolean visit(gpointer key, gpointer value, gpointer opaque)
{
    struct foreach_ctx *c = opaque;
    const struct entry *e = value;
    if (e->kind == ENTRY_HIST) {
        if (c->hfn)
            c->hfn(key, e->unit, e->hist, c->opaque);
    } else if (c->cfn) {
        c->cfn(key, entry_value(e), c->opaque);
    }
    return FALSE;
}

void sim_stats_foreach(const struct sim_stats *s, sim_stats_counter_fn cfn, sim_stats_hist_fn hfn,
                       void *opaque)
{
    struct foreach_ctx c = { cfn, hfn, opaque };
    g_tree_foreach(s->entries, visit, &c);
}

static const struct { const char *name; uint32_t ppm; } percentiles[] = {
    { "p50", 500000 }, { "p90", 900000 }, { "p99", 990000 }, { "p999", 999000 },
};

void sim_stats_json_hist(struct sim_json *j, const struct sim_hist *h, const char *unit)
{
    sim_json_begin_object(j);
    sim_json_kv_u64(j, "count", h->count);
    sim_json_kv_u64(j, "min", sim_hist_min(h));
    sim_json_kv_u64(j, "mean", sim_hist_mean(h));
    for (size_t i = 0; i < G_N_ELEMENTS(percentiles); i++)
        sim_json_kv_u64(j, percentiles[i].name, sim_hist_percentile_ppm(h, percentiles[i].ppm));
    sim_json_kv_u64(j, "max", h->max);
    sim_json_kv_string(j, "unit", unit ? unit : "");
    sim_json_end_object(j);
}

static void json_param(const struct sim_param_def *d, const char *value, const char *origin,
                       void *opaque)
{
    sim_json_kv_string(opaque, d->name, value);
}

static void json_counter(const char *name, uint64_t value, void *opaque)
{
    sim_json_kv_u64(opaque, name, value);
}

static void json_hist(const char *name, const char *unit, const struct sim_hist *h, void *opaque)
{
    sim_json_key(opaque, name);
    sim_stats_json_hist(opaque, h, unit);
}

void sim_stats_write_json(const struct sim_stats *s, const struct sim_params *params, FILE *out,
                          sim_stats_json_extra_fn extra, void *opaque)
{
    struct sim_json j;
    sim_json_init(&j, out, true);
    sim_json_begin_object(&j);
    sim_json_kv_string(&j, "tool", "smmusim " SMMUSIM_VERSION);
    if (params) {
        sim_json_key(&j, "params");
        sim_json_begin_object(&j);
        sim_params_foreach(params, json_param, &j);
        sim_json_end_object(&j);
    }
    sim_json_key(&j, "stats");
    sim_json_begin_object(&j);
    sim_stats_foreach(s, json_counter, json_hist, &j);
    sim_json_end_object(&j);
    if (extra)
        extra(&j, opaque);
    sim_json_end_object(&j);
    sim_json_finish(&j);
}

/* CSV: kind,name,field,value — one row per counter and per histogram
 * statistic; parameters first, so a row set is self-describing. */
static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_param(const struct sim_param_def *d, const char *value, const char *origin,
                      void *opaque)
{
    FILE *out = opaque;
    fputs("param,", out);
    csv_field(out, d->name);
    fputs(",value,", out);
    csv_field(out, value);
    fputc('\n', out);
}

static void csv_counter(const char *name, uint64_t value, void *opaque)
{
    FILE *out = opaque;
    fputs("counter,", out);
    csv_field(out, name);
    fprintf(out, ",value,%" G_GUINT64_FORMAT "\n", value);
}

static void csv_hist(const char *name, const char *unit, const struct sim_hist *h, void *opaque)
{
    FILE *out = opaque;
    const struct { const char *f; uint64_t v; } rows[] = {
        { "count", h->count }, { "min", sim_hist_min(h) }, { "mean", sim_hist_mean(h) },
        { "p50", sim_hist_percentile_ppm(h, 500000) }, { "p90", sim_hist_percentile_ppm(h, 900000) },
        { "p99", sim_hist_percentile_ppm(h, 990000) }, { "p999", sim_hist_percentile_ppm(h, 999000) },
        { "max", h->max },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        fputs("hist,", out);
        csv_field(out, name);
        fprintf(out, ",%s,%" G_GUINT64_FORMAT "\n", rows[i].f, rows[i].v);
    }
}

void sim_stats_write_csv(const struct sim_stats *s, const struct sim_params *params, FILE *out)
{
    fputs("kind,name,field,value\n", out);
    if (params)
        sim_params_foreach(params, csv_param, out);
    sim_stats_foreach(s, csv_counter, csv_hist, out);
}

gboolean sim_stats_write_file(const struct sim_stats *s, const struct sim_params *params,
                              const char *path, GError **err)
{
    bool json = g_str_has_suffix(path, ".json");
    if (!json && !g_str_has_suffix(path, ".csv")) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: statistics file must end in .json or .csv", path);
        return FALSE;
    }
    FILE *out = fopen(path, "w");
    if (!out) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", path,
                    g_strerror(errno));
        return FALSE;
    }
    if (json)
        sim_stats_write_json(s, params, out, NULL, NULL);
    else
        sim_stats_write_csv(s, params, out);
    if (fclose(out) != 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", path,
                    g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}
