/*
 * sweep-manifest.c — DIR/sweep.json, the record of what a sweep is (the
 * scenario, the profile, the fixed assignments, and every point's id and
 * values), and the per-point files and command line derived from it.
 *
 * The manifest is the single source of truth shared by the local runner,
 * the emitted jobs and the merge, so a sweep run on a cluster merges
 * exactly like a local one.  Its text is deterministic: a rerun compares it
 * byte for byte to refuse mixing two different sweeps in one directory.
 */
#include <errno.h>
#include <string.h>
#include "sim/cli/sweep.h"
#include "sim/json.h"
#include "sim/params.h"

#define MANIFEST_ERR G_FILE_ERROR, G_FILE_ERROR_INVAL

static char *resolve_profile(const char *profile)
{
    if (strchr(profile, '/') || g_str_has_suffix(profile, ".ini"))
        return g_canonicalize_filename(profile, NULL);
    char *file = g_strconcat(profile, ".ini", NULL);
    char *path = g_build_filename(sim_params_profile_dir(), file, NULL);
    char *abs = g_canonicalize_filename(path, NULL);
    g_free(file);
    g_free(path);
    return abs;
}

static void manifest_init(struct sweep_manifest *m)
{
    memset(m, 0, sizeof(*m));
    m->sets = g_ptr_array_new_with_free_func(g_free);
    m->axes = g_ptr_array_new_with_free_func(g_free);
    m->ids = g_ptr_array_new_with_free_func(g_free);
    m->values = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
}

void sweep_manifest_clear(struct sweep_manifest *m)
{
    g_free(m->scenario);
    g_free(m->profile);
    g_free(m->profile_path);
    if (m->sets) {
        g_ptr_array_free(m->sets, TRUE);
        g_ptr_array_free(m->axes, TRUE);
        g_ptr_array_free(m->ids, TRUE);
        g_ptr_array_free(m->values, TRUE);
    }
    memset(m, 0, sizeof(*m));
}

gboolean sweep_manifest_from_grid(struct sweep_manifest *m, const struct sweep_grid *g,
                                  const char *scenario, const char *profile, char **sets,
                                  GError **err)
{
    manifest_init(m);
    if (!g_file_test(scenario, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT, "cannot read scenario '%s'", scenario);
        return FALSE;
    }
    m->scenario = g_canonicalize_filename(scenario, NULL);
    if (profile) {
        m->profile = g_strdup(profile);
        m->profile_path = resolve_profile(profile);
    }
    for (char **s = sets; s && *s; s++)
        g_ptr_array_add(m->sets, g_strdup(*s));
    for (guint a = 0; a < g->axes->len; a++)
        g_ptr_array_add(m->axes, g_strdup(((struct sweep_axis *)g_ptr_array_index(g->axes, a))->name));
    for (size_t i = 0; i < g->npoints; i++) {
        g_ptr_array_add(m->ids, sweep_point_id(g, i));
        GStrv v = g_new0(char *, g->axes->len + 1);
        for (guint a = 0; a < g->axes->len; a++)
            v[a] = g_strdup(sweep_grid_value(g, i, a));
        g_ptr_array_add(m->values, v);
    }
    return TRUE;
}

static void write_string_array(struct sim_json *j, const char *key, const GPtrArray *a)
{
    sim_json_key(j, key);
    sim_json_begin_array(j);
    for (guint i = 0; i < a->len; i++)
        sim_json_string(j, g_ptr_array_index(a, i));
    sim_json_end_array(j);
}

char *sweep_manifest_to_json(const struct sweep_manifest *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        g_error("open_memstream: %s", g_strerror(errno));
    struct sim_json j;
    sim_json_init(&j, out, true);
    sim_json_begin_object(&j);
    sim_json_kv_string(&j, "tool", "smmusim " SMMUSIM_VERSION);
    sim_json_kv_string(&j, "scenario", m->scenario);
    sim_json_key(&j, "profile");
    m->profile ? sim_json_string(&j, m->profile) : sim_json_null(&j);
    sim_json_key(&j, "profile_path");
    m->profile_path ? sim_json_string(&j, m->profile_path) : sim_json_null(&j);
    write_string_array(&j, "sets", m->sets);
    write_string_array(&j, "vary", m->axes);
    sim_json_key(&j, "points");
    sim_json_begin_array(&j);
    for (guint i = 0; i < m->ids->len; i++) {
        char **v = g_ptr_array_index(m->values, i);
        sim_json_begin_object(&j);
        sim_json_kv_string(&j, "id", g_ptr_array_index(m->ids, i));
        sim_json_key(&j, "values");
        sim_json_begin_object(&j);
        for (guint a = 0; a < m->axes->len; a++)
            sim_json_kv_string(&j, g_ptr_array_index(m->axes, a), v[a]);
        sim_json_end_object(&j);
        sim_json_end_object(&j);
    }
    sim_json_end_array(&j);
    sim_json_end_object(&j);
    sim_json_finish(&j);
    fclose(out);
    return buf;
}

gboolean sweep_manifest_write(const struct sweep_manifest *m, const char *dir, GError **err)
{
    char *path = g_build_filename(dir, "sweep.json", NULL);
    char *text = sweep_manifest_to_json(m);
    char *old = NULL;
    gboolean ok = TRUE;
    if (g_file_get_contents(path, &old, NULL, NULL) && strcmp(old, text) != 0) {
        g_set_error(err, MANIFEST_ERR,
                    "%s describes a different sweep: use another output directory "
                    "(or remove it to start over)", path);
        ok = FALSE;
    } else if (!old) {
        ok = g_file_set_contents(path, text, -1, err);
    }
    g_free(old);
    g_free(text);
    g_free(path);
    return ok;
}

/* ------------------------------------------------------------ loading */

static const char *need_string(const struct sweep_json *v, const char *key, const char *path,
                               gboolean nullable, GError **err)
{
    const struct sweep_json *x = sweep_json_get(v, key);
    if (x && x->kind == SWEEP_JSON_STRING)
        return x->text;
    if (nullable && x && x->kind == SWEEP_JSON_NULL)
        return NULL;
    g_set_error(err, MANIFEST_ERR, "%s: \"%s\" must be a string", path, key);
    return NULL;
}

static gboolean load_string_array(const struct sweep_json *v, const char *key, const char *path,
                                  GPtrArray *out, GError **err)
{
    const struct sweep_json *a = sweep_json_get(v, key);
    if (!a || a->kind != SWEEP_JSON_ARRAY) {
        g_set_error(err, MANIFEST_ERR, "%s: \"%s\" must be an array of strings", path, key);
        return FALSE;
    }
    for (guint i = 0; i < a->items->len; i++) {
        const struct sweep_json *s = g_ptr_array_index(a->items, i);
        if (s->kind != SWEEP_JSON_STRING) {
            g_set_error(err, MANIFEST_ERR, "%s: \"%s\"[%u] must be a string", path, key, i);
            return FALSE;
        }
        g_ptr_array_add(out, g_strdup(s->text));
    }
    return TRUE;
}

/* A point id names files: only "p" and digits, so it cannot leave DIR. */
static gboolean id_is_safe(const char *id)
{
    if (id[0] != 'p' || !id[1])
        return FALSE;
    for (const char *c = id + 1; *c; c++)
        if (!g_ascii_isdigit(*c))
            return FALSE;
    return TRUE;
}

static gboolean load_point(struct sweep_manifest *m, const struct sweep_json *pt, guint i,
                           const char *path, GHashTable *seen, GError **err)
{
    const struct sweep_json *id = sweep_json_get(pt, "id");
    const struct sweep_json *vals = sweep_json_get(pt, "values");
    if (!id || id->kind != SWEEP_JSON_STRING || !id_is_safe(id->text)) {
        g_set_error(err, MANIFEST_ERR, "%s: point %u needs an \"id\" of the form p0123", path, i);
        return FALSE;
    }
    if (g_hash_table_contains(seen, id->text)) {
        g_set_error(err, MANIFEST_ERR, "%s: point id %s appears twice", path, id->text);
        return FALSE;
    }
    g_hash_table_add(seen, id->text);
    GStrv v = g_new0(char *, m->axes->len + 1);
    g_ptr_array_add(m->ids, g_strdup(id->text));
    g_ptr_array_add(m->values, v);
    for (guint a = 0; a < m->axes->len; a++) {
        const char *name = g_ptr_array_index(m->axes, a);
        const struct sweep_json *x = sweep_json_get(vals, name);
        if (!x || x->kind != SWEEP_JSON_STRING) {
            g_set_error(err, MANIFEST_ERR, "%s: point %s has no string value for %s", path,
                        id->text, name);
            return FALSE;
        }
        v[a] = g_strdup(x->text);
    }
    return TRUE;
}

static gboolean load_from(struct sweep_manifest *m, const struct sweep_json *doc, const char *path,
                          GError **err)
{
    if (doc->kind != SWEEP_JSON_OBJECT) {
        g_set_error(err, MANIFEST_ERR, "%s: the manifest must be a JSON object", path);
        return FALSE;
    }
    GError *e = NULL;
    const char *scenario = need_string(doc, "scenario", path, FALSE, err);
    if (!scenario)
        return FALSE;
    m->scenario = g_strdup(scenario);
    m->profile = g_strdup(need_string(doc, "profile", path, TRUE, &e));
    if (!e)
        m->profile_path = g_strdup(need_string(doc, "profile_path", path, TRUE, &e));
    if (e) {
        g_propagate_error(err, e);
        return FALSE;
    }
    if (!load_string_array(doc, "sets", path, m->sets, err) ||
        !load_string_array(doc, "vary", path, m->axes, err))
        return FALSE;
    const struct sweep_json *pts = sweep_json_get(doc, "points");
    if (!pts || pts->kind != SWEEP_JSON_ARRAY) {
        g_set_error(err, MANIFEST_ERR, "%s: \"points\" must be an array", path);
        return FALSE;
    }
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < pts->items->len; i++)
        ok = load_point(m, g_ptr_array_index(pts->items, i), i, path, seen, err);
    g_hash_table_destroy(seen);
    return ok;
}

gboolean sweep_manifest_load(struct sweep_manifest *m, const char *dir, GError **err)
{
    manifest_init(m);
    char *path = g_build_filename(dir, "sweep.json", NULL);
    struct sweep_json *doc = sweep_json_load(path, err);
    gboolean ok = doc && load_from(m, doc, path, err);
    sweep_json_free(doc);
    g_free(path);
    return ok;
}

/* ------------------------------------------------------------- points */

char *sweep_point_path(const char *dir, const char *id, const char *suffix)
{
    char *file = g_strconcat(id, suffix, NULL);
    char *path = g_build_filename(dir, "points", file, NULL);
    g_free(file);
    return path;
}

GStrv sweep_point_argv(const struct sweep_manifest *m, size_t point, const char *exe,
                       const char *stats_path)
{
    GPtrArray *argv = g_ptr_array_new();
    char **values = g_ptr_array_index(m->values, point);
    g_ptr_array_add(argv, g_strdup(exe));
    g_ptr_array_add(argv, g_strdup("run"));
    g_ptr_array_add(argv, g_strdup(m->scenario));
    g_ptr_array_add(argv, g_strdup("--quiet"));
    if (m->profile_path) {
        g_ptr_array_add(argv, g_strdup("--profile"));
        g_ptr_array_add(argv, g_strdup(m->profile_path));
    }
    for (guint i = 0; i < m->sets->len; i++) {
        g_ptr_array_add(argv, g_strdup("--set"));
        g_ptr_array_add(argv, g_strdup(g_ptr_array_index(m->sets, i)));
    }
    for (guint a = 0; a < m->axes->len; a++) {
        const char *name = g_ptr_array_index(m->axes, a);
        g_ptr_array_add(argv, g_strdup(sweep_axis_is_variable(name) ? "--define" : "--set"));
        g_ptr_array_add(argv, g_strdup_printf("%s=%s", name, values[a]));
    }
    g_ptr_array_add(argv, g_strdup("--stats"));
    g_ptr_array_add(argv, g_strdup(stats_path));
    g_ptr_array_add(argv, NULL);
    return (GStrv)g_ptr_array_free(argv, FALSE);
}

gboolean sweep_point_complete(const char *dir, const char *id)
{
    char *path = sweep_point_path(dir, id, ".json");
    struct sweep_json *doc = g_file_test(path, G_FILE_TEST_IS_REGULAR) ? sweep_json_load(path, NULL) : NULL;
    const struct sweep_json *stats = sweep_json_get(doc, "stats");
    gboolean ok = stats && stats->kind == SWEEP_JSON_OBJECT;
    sweep_json_free(doc);
    g_free(path);
    return ok;
}
