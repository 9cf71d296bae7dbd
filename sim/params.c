/*
 * params.c — the parameter registry: declarations, typed values with their
 * origin, text parsing, profiles and the dump.
 */
#include <errno.h>
#include <string.h>
#include "sim/params.h"

struct param {
    const struct sim_param_def *def;
    uint64_t u;             /* U64 value, BOOL as 0/1, ENUM index */
    char *s;                /* STRING value */
    char *origin;
};

struct sim_params {
    GHashTable *by_name;    /* const char * -> struct param * */
};

G_DEFINE_QUARK(sim-params-error-quark, sim_params_error)

static void param_free(gpointer p)
{
    struct param *x = p;
    g_free(x->s);
    g_free(x->origin);
    g_free(x);
}

struct sim_params *sim_params_new(void)
{
    struct sim_params *p = g_new0(struct sim_params, 1);
    p->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, param_free);
    return p;
}

void sim_params_free(struct sim_params *p)
{
    if (!p)
        return;
    g_hash_table_destroy(p->by_name);
    g_free(p);
}

bool sim_parse_u64(const char *text, uint64_t *out)
{
    if (!text)
        return false;
    while (g_ascii_isspace(*text))
        text++;
    if (!*text || *text == '-' || *text == '+')
        return false;
    int base = 10;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text += 2;
        if (!g_ascii_isxdigit(*text))
            return false;
    }
    char *end;
    errno = 0;
    guint64 v = g_ascii_strtoull(text, &end, base);
    if (errno || end == text)
        return false;
    unsigned shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: break;
    }
    while (g_ascii_isspace(*end))
        end++;
    if (*end)
        return false;
    if (shift && v > (UINT64_MAX >> shift))
        return false;
    *out = v << shift;
    return true;
}

bool sim_parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };
    if (!text)
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (!g_ascii_strcasecmp(text, yes[i])) {
            *out = true;
            return true;
        }
        if (!g_ascii_strcasecmp(text, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Index of `text` among "a|b|c", or -1. */
static int choice_index(const char *choices, const char *text)
{
    int idx = 0;
    const char *c = choices;
    size_t n = strlen(text);
    while (c && *c) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && !strncmp(c, text, n))
            return idx;
        idx++;
        c = bar ? bar + 1 : NULL;
    }
    return -1;
}

static char *choice_name(const char *choices, unsigned index)
{
    const char *c = choices;
    for (unsigned i = 0; c && i < index; i++) {
        c = strchr(c, '|');
        if (c)
            c++;
    }
    if (!c)
        return g_strdup("?");
    const char *bar = strchr(c, '|');
    return bar ? g_strndup(c, (gsize)(bar - c)) : g_strdup(c);
}

static gboolean parse_value(const struct sim_param_def *d, const char *text, uint64_t *u,
                            GError **err)
{
    bool b;
    int idx;
    switch (d->type) {
    case SIM_PARAM_U64:
        if (!sim_parse_u64(text, u)) {
            g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                        "parameter '%s': '%s' is not a number (decimal, 0x hex, optional K/M/G)",
                        d->name, text);
            return FALSE;
        }
        if (*u < d->min || (d->max && *u > d->max)) {
            g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                        "parameter '%s': %s is out of range [%" G_GUINT64_FORMAT ", %"
                        G_GUINT64_FORMAT "]", d->name, text, d->min, d->max ? d->max : UINT64_MAX);
            return FALSE;
        }
        return TRUE;
    case SIM_PARAM_BOOL:
        if (!sim_parse_bool(text, &b)) {
            g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                        "parameter '%s': '%s' is not a boolean (true/false, yes/no, on/off, 1/0)",
                        d->name, text);
            return FALSE;
        }
        *u = b;
        return TRUE;
    case SIM_PARAM_ENUM:
        idx = choice_index(d->choices, text);
        if (idx < 0) {
            g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                        "parameter '%s': '%s' is not one of %s", d->name, text, d->choices);
            return FALSE;
        }
        *u = (uint64_t)idx;
        return TRUE;
    case SIM_PARAM_STRING:
        *u = 0;
        return TRUE;
    }
    return FALSE;
}

static gboolean assign(struct param *x, const char *text, const char *origin, GError **err)
{
    uint64_t u;
    if (!parse_value(x->def, text, &u, err))
        return FALSE;
    x->u = u;
    if (x->def->type == SIM_PARAM_STRING) {
        g_free(x->s);
        x->s = g_strdup(text);
    }
    g_free(x->origin);
    x->origin = g_strdup(origin ? origin : "?");
    return TRUE;
}

gboolean sim_params_declare(struct sim_params *p, const struct sim_param_def *defs, size_t n,
                            GError **err)
{
    for (size_t i = 0; i < n; i++) {
        if (g_hash_table_contains(p->by_name, defs[i].name)) {
            g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_DUPLICATE,
                        "parameter '%s' declared twice", defs[i].name);
            return FALSE;
        }
        struct param *x = g_new0(struct param, 1);
        x->def = &defs[i];
        if (!assign(x, defs[i].def ? defs[i].def : "", "default", err)) {
            g_prefix_error(err, "bad default: ");
            param_free(x);
            return FALSE;
        }
        g_hash_table_insert(p->by_name, (gpointer)defs[i].name, x);
    }
    return TRUE;
}

/* Edit distance, for "did you mean" hints on unknown names. */
static unsigned distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned *row = g_new(unsigned, lb + 1);
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = MIN(row[j] + 1, row[j - 1] + 1);
            row[j] = MIN(best, diag + (a[i - 1] != b[j - 1]));
            diag = up;
        }
    }
    unsigned d = row[lb];
    g_free(row);
    return d;
}

static const char *closest_name(const struct sim_params *p, const char *name)
{
    GHashTableIter it;
    gpointer key;
    const char *best = NULL;
    unsigned best_d = 4; /* only suggest near misses */
    g_hash_table_iter_init(&it, p->by_name);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        unsigned d = distance(name, key);
        if (d < best_d || (d == best_d && best && strcmp(key, best) < 0)) {
            best_d = d;
            best = key;
        }
    }
    return best;
}

static struct param *lookup_or_error(const struct sim_params *p, const char *name, GError **err)
{
    struct param *x = g_hash_table_lookup(p->by_name, name);
    if (!x) {
        const char *hint = closest_name(p, name);
        if (hint)
            g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_UNKNOWN,
                        "unknown parameter '%s' (did you mean '%s'?)", name, hint);
        else
            g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_UNKNOWN,
                        "unknown parameter '%s' (see 'smmusim params')", name);
    }
    return x;
}

gboolean sim_params_set(struct sim_params *p, const char *name, const char *value,
                        const char *origin, GError **err)
{
    struct param *x = lookup_or_error(p, name, err);
    return x && assign(x, value, origin, err);
}

gboolean sim_params_set_assignment(struct sim_params *p, const char *assignment,
                                   const char *origin, GError **err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                    "'%s' is not of the form name=value", assignment);
        return FALSE;
    }
    char *name = g_strstrip(g_strndup(assignment, (gsize)(eq - assignment)));
    char *value = g_strstrip(g_strdup(eq + 1));
    gboolean ok = sim_params_set(p, name, value, origin, err);
    g_free(name);
    g_free(value);
    return ok;
}

#define PROFILE_DEPTH_MAX 8

static gboolean load_profile(struct sim_params *p, const char *path, unsigned depth, GError **err);

static char *resolve_profile(const char *name, const char *relative_to)
{
    if (strchr(name, '/') || g_str_has_suffix(name, ".ini")) {
        if (g_path_is_absolute(name) || !relative_to)
            return g_strdup(name);
        char *dir = g_path_get_dirname(relative_to);
        char *path = g_build_filename(dir, name, NULL);
        g_free(dir);
        return path;
    }
    char *file = g_strconcat(name, ".ini", NULL);
    char *path = NULL;
    if (relative_to) {
        char *dir = g_path_get_dirname(relative_to);
        path = g_build_filename(dir, file, NULL);
        g_free(dir);
        if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
            g_free(path);
            path = NULL;
        }
    }
    if (!path)
        path = g_build_filename(sim_params_profile_dir(), file, NULL);
    g_free(file);
    return path;
}

static gboolean load_group(struct sim_params *p, GKeyFile *kf, const char *path, const char *group,
                           GError **err)
{
    gsize n;
    char **keys = g_key_file_get_keys(kf, group, &n, NULL);
    gboolean ok = TRUE;
    for (gsize i = 0; ok && i < n; i++) {
        char *value = g_key_file_get_value(kf, group, keys[i], NULL);
        char *name = g_strconcat(group, ".", keys[i], NULL);
        char *origin = g_strdup_printf("profile %s", path);
        ok = sim_params_set(p, name, value, origin, err);
        if (!ok)
            g_prefix_error(err, "%s: [%s] %s: ", path, group, keys[i]);
        g_free(origin);
        g_free(name);
        g_free(value);
    }
    g_strfreev(keys);
    return ok;
}

static gboolean load_profile(struct sim_params *p, const char *path, unsigned depth, GError **err)
{
    if (depth > PROFILE_DEPTH_MAX) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_PROFILE,
                    "%s: profiles inherit more than %d deep (a cycle?)", path, PROFILE_DEPTH_MAX);
        return FALSE;
    }
    GKeyFile *kf = g_key_file_new();
    GError *local = NULL;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_PROFILE, "cannot load profile %s: %s",
                    path, local->message);
        g_error_free(local);
        g_key_file_free(kf);
        return FALSE;
    }
    gboolean ok = TRUE;
    char *parent = g_key_file_get_value(kf, "profile", "inherit", NULL);
    if (parent) {
        char *ppath = resolve_profile(g_strstrip(parent), path);
        ok = load_profile(p, ppath, depth + 1, err);
        g_free(ppath);
        g_free(parent);
    }
    gsize ngroups;
    char **groups = g_key_file_get_groups(kf, &ngroups);
    for (gsize i = 0; ok && i < ngroups; i++) {
        if (!strcmp(groups[i], "profile")) {
            gsize nk;
            char **keys = g_key_file_get_keys(kf, "profile", &nk, NULL);
            for (gsize k = 0; ok && k < nk; k++) {
                if (strcmp(keys[k], "inherit") && strcmp(keys[k], "description")) {
                    g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_PROFILE,
                                "%s: [profile] knows only 'inherit' and 'description', not '%s'",
                                path, keys[k]);
                    ok = FALSE;
                }
            }
            g_strfreev(keys);
            continue;
        }
        ok = load_group(p, kf, path, groups[i], err);
    }
    g_strfreev(groups);
    g_key_file_free(kf);
    return ok;
}

gboolean sim_params_load_profile(struct sim_params *p, const char *path, GError **err)
{
    return load_profile(p, path, 0, err);
}

gboolean sim_params_load_profile_by_name(struct sim_params *p, const char *name, GError **err)
{
    char *path = resolve_profile(name, NULL);
    gboolean ok = load_profile(p, path, 0, err);
    g_free(path);
    return ok;
}

const char *sim_params_profile_dir(void)
{
    const char *env = g_getenv("SMMUSIM_PROFILE_DIR");
    return env && *env ? env : SMMUSIM_SOURCE_DIR "/models/profiles";
}

bool sim_params_exists(const struct sim_params *p, const char *name)
{
    return g_hash_table_contains(p->by_name, name);
}

static const struct param *get(const struct sim_params *p, const char *name, enum sim_param_type t)
{
    const struct param *x = g_hash_table_lookup(p->by_name, name);
    if (!x)
        g_error("parameter '%s' was never declared", name);
    if (x->def->type != t)
        g_error("parameter '%s' read with the wrong type", name);
    return x;
}

uint64_t sim_params_u64(const struct sim_params *p, const char *name) { return get(p, name, SIM_PARAM_U64)->u; }
bool sim_params_bool(const struct sim_params *p, const char *name) { return get(p, name, SIM_PARAM_BOOL)->u != 0; }
unsigned sim_params_enum(const struct sim_params *p, const char *name) { return (unsigned)get(p, name, SIM_PARAM_ENUM)->u; }
const char *sim_params_string(const struct sim_params *p, const char *name) { return get(p, name, SIM_PARAM_STRING)->s; }

static char *value_text(const struct param *x)
{
    switch (x->def->type) {
    case SIM_PARAM_U64:
        /* Addresses read best in hex, as they are written in profiles. */
        if (x->def->unit && !strcmp(x->def->unit, "address"))
            return g_strdup_printf("0x%" G_GINT64_MODIFIER "x", x->u);
        return g_strdup_printf("%" G_GUINT64_FORMAT, x->u);
    case SIM_PARAM_BOOL: return g_strdup(x->u ? "true" : "false");
    case SIM_PARAM_ENUM: return choice_name(x->def->choices, (unsigned)x->u);
    case SIM_PARAM_STRING: return g_strdup(x->s ? x->s : "");
    }
    return g_strdup("?");
}

char *sim_params_value_text(const struct sim_params *p, const char *name)
{
    const struct param *x = g_hash_table_lookup(p->by_name, name);
    return x ? value_text(x) : NULL;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sim_params_foreach(const struct sim_params *p, sim_params_fn fn, void *opaque)
{
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, p->by_name);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, cmp_str);
    for (guint i = 0; i < names->len; i++) {
        const struct param *x = g_hash_table_lookup(p->by_name, g_ptr_array_index(names, i));
        char *v = value_text(x);
        fn(x->def, v, x->origin, opaque);
        g_free(v);
    }
    g_ptr_array_free(names, TRUE);
}

struct dump_ctx {
    FILE *out;
    bool help;
};

static void dump_one(const struct sim_param_def *d, const char *value, const char *origin, void *opaque)
{
    struct dump_ctx *c = opaque;
    fprintf(c->out, "%-40s %-14s %-10s %s\n", d->name, value, d->unit ? d->unit : "", origin);
    if (c->help && d->help) {
        fprintf(c->out, "    %s", d->help);
        if (d->type == SIM_PARAM_ENUM)
            fprintf(c->out, " [%s]", d->choices);
        else if (d->type == SIM_PARAM_U64 && (d->min || d->max))
            fprintf(c->out, " [%" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT "]", d->min,
                    d->max ? d->max : UINT64_MAX);
        fprintf(c->out, " (default %s)\n", d->def);
    }
}

void sim_params_dump(const struct sim_params *p, FILE *out, bool with_help)
{
    struct dump_ctx c = { out, with_help };
    fprintf(out, "%-40s %-14s %-10s %s\n", "# name", "value", "unit", "origin");
    sim_params_foreach(p, dump_one, &c);
}
