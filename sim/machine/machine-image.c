/*
 * machine-image.c — a whole machine in an ELF memory image: load memory
 * from an ELF file, save a quiescent machine (memory, model state,
 * simulated time, parameters, statistics) and restore it into a fresh
 * machine so that a run continues exactly as if it had never stopped.
 *
 * The image holds these state blobs (docs/memory-images.md):
 *   "machine"  simulated time, events dispatched, the scheduler's sequence
 *   "params"   every parameter's effective value, as text
 *   "smmu"     the SMMUv3 model (smmuv3-state.c)
 *   "cmdqv"    the CMDQV model (cmdqv-state.c), when the machine has one
 *   "stats"    every statistic's value (histograms: count, sum, min, max),
 *              checked against the restored models and restoring values
 *              no model owns (results computed at the end of a run)
 */
#include <string.h>
#include "sim/image.h"
#include "sim/machine/machine.h"
#include "models/smmuv3/smmuv3.h"
#include "models/cmdqv/cmdqv.h"

#define MACHINE_STATE_VERSION 1u

/* Parameters that may differ between the saved and the restoring run: they
 * cannot change what the run does, only when a broken run is stopped. */
static const char *const params_may_differ[] = { "sched.zero_time_limit" };

enum { STAT_COUNTER = 0, STAT_HIST = 1 };

/* ---- saving ------------------------------------------------------------- */

static void put_string(GByteArray *b, const char *s)
{
    sim_state_put_u32(b, (uint32_t)strlen(s));
    sim_state_put_bytes(b, s, strlen(s));
}

static void put_param(const struct sim_param_def *def, const char *value, const char *origin, void *opaque)
{
    (void)origin;
    put_string(opaque, def->name);
    put_string(opaque, value);
}

static void count_param(const struct sim_param_def *def, const char *value, const char *origin, void *opaque)
{
    (void)def, (void)value, (void)origin;
    (*(uint32_t *)opaque)++;
}

static GByteArray *params_blob(const struct sim_params *p)
{
    GByteArray *b = g_byte_array_new();
    uint32_t n = 0;
    sim_params_foreach(p, count_param, &n);
    sim_state_put_u32(b, MACHINE_STATE_VERSION);
    sim_state_put_u32(b, n);
    sim_params_foreach(p, put_param, b);
    return b;
}

struct stats_blob {
    GByteArray *b;
    uint32_t n;
};

static void put_counter(const char *name, uint64_t value, void *opaque)
{
    struct stats_blob *s = opaque;
    s->n++;
    put_string(s->b, name);
    sim_state_put_u8(s->b, STAT_COUNTER);
    sim_state_put_u64(s->b, value);
}

static void put_hist_summary(const char *name, const char *unit, const struct sim_hist *h, void *opaque)
{
    struct stats_blob *s = opaque;
    (void)unit;
    s->n++;
    put_string(s->b, name);
    sim_state_put_u8(s->b, STAT_HIST);
    sim_state_put_u64(s->b, h->count);
    sim_state_put_u64(s->b, h->sum);
    sim_state_put_u64(s->b, h->min);
    sim_state_put_u64(s->b, h->max);
}

static GByteArray *stats_blob(const struct sim_stats *st)
{
    struct stats_blob s = { g_byte_array_new(), 0 };
    sim_state_put_u32(s.b, MACHINE_STATE_VERSION);
    sim_state_put_u32(s.b, 0);  /* count, patched below */
    sim_stats_foreach(st, put_counter, put_hist_summary, &s);
    GByteArray *n = g_byte_array_new();
    sim_state_put_u32(n, s.n);
    memcpy(s.b->data + 4, n->data, 4);
    g_byte_array_unref(n);
    return s.b;
}

static GByteArray *machine_blob(const struct sim_machine *m)
{
    GByteArray *b = g_byte_array_new();
    sim_state_put_u32(b, MACHINE_STATE_VERSION);
    sim_state_put_u64(b, sim_now(&m->sched));
    sim_state_put_u64(b, m->sched.dispatched);
    sim_state_put_u64(b, m->sched.next_seq);
    return b;
}

static void add_blob(struct sim_image_writer *w, const char *name, GByteArray *b)
{
    sim_image_add_state(w, name, b->data, b->len);
    g_byte_array_unref(b);
}

static const char *first_pending(const struct sim_sched *s)
{
    if (!sim_sched_pending(s))
        return NULL;
    const struct sim_event *ev = s->heap[s->hole ? 1 : 0].ev;
    return ev->name ? ev->name : "(unnamed)";
}

gboolean sim_machine_save_image(struct sim_machine *m, const char *path, GError **err)
{
    const char *pending = first_pending(&m->sched);
    if (pending) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE,
                    "%s: cannot save at %" G_GUINT64_FORMAT " ps: %u events are pending (the next is '%s'); "
                    "run until idle first", path, sim_now(&m->sched), sim_sched_pending(&m->sched), pending);
        return FALSE;
    }
    struct sim_image_writer *w = sim_image_writer_new(m->mem);
    GByteArray *smmu = g_byte_array_new(), *cmdqv = g_byte_array_new();
    gboolean ok = smmu_state_save(m->smmu, smmu, err) && (!m->cmdqv || cmdqv_state_save(m->cmdqv, cmdqv, err));
    if (ok) {
        add_blob(w, "machine", machine_blob(m));
        add_blob(w, "params", params_blob(m->params));
        sim_image_add_state(w, SMMU_STATE_NAME, smmu->data, smmu->len);
        if (m->cmdqv)
            sim_image_add_state(w, CMDQV_STATE_NAME, cmdqv->data, cmdqv->len);
        add_blob(w, "stats", stats_blob(m->stats));
        ok = sim_image_writer_save(w, path, err);
    }
    g_byte_array_unref(smmu);
    g_byte_array_unref(cmdqv);
    sim_image_writer_free(w);
    return ok;
}

/* ---- loading ------------------------------------------------------------ */

struct sim_image *sim_machine_load_image(struct sim_machine *m, const char *path, GError **err)
{
    return sim_image_load(m->mem, path, err);
}

/* ---- restoring ---------------------------------------------------------- */

static const void *need_blob(const struct sim_image *img, const char *path, const char *name, size_t *len,
                             GError **err)
{
    const void *data = sim_image_state(img, name, len);
    if (!data)
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE,
                    "%s: no \"%s\" state: the file is a memory image, not a saved run", path, name);
    return data;
}

/* A length-prefixed string, copied out (NULL once the reader failed). */
static char *get_string(struct sim_state_reader *r, const char *field)
{
    uint32_t n = sim_state_get_u32(r, field);
    if (!sim_state_ok(r) || n > r->len - r->off) {
        sim_state_reject(r, field, "truncated: a string of %u bytes runs past the end", n);
        return NULL;
    }
    char *s = g_malloc(n + 1);
    sim_state_get_bytes(r, field, s, n);
    s[n] = '\0';
    if (strlen(s) != n) {
        sim_state_reject(r, field, "a string holds a NUL byte");
        g_free(s);
        return NULL;
    }
    return s;
}

static bool may_differ(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(params_may_differ); i++)
        if (strcmp(params_may_differ[i], name) == 0)
            return true;
    return false;
}

struct param_check {
    GHashTable *saved;      /* name -> value text */
    const char *differs;    /* first parameter of this run that differs */
    char *why;
};

static void check_param(const struct sim_param_def *def, const char *value, const char *origin, void *opaque)
{
    struct param_check *c = opaque;
    (void)origin;
    if (c->why)
        return;
    const char *saved = g_hash_table_lookup(c->saved, def->name);
    if (!saved)
        c->why = g_strdup_printf("parameter '%s' (%s here) is not in the image", def->name, value);
    else if (strcmp(saved, value) != 0 && !may_differ(def->name))
        c->why = g_strdup_printf("parameter '%s' is %s in the image but %s here", def->name, saved, value);
    g_hash_table_remove(c->saved, def->name);
}

static gboolean restore_params(const struct sim_params *p, const void *data, size_t len, const char *path,
                               GError **err)
{
    struct sim_state_reader r;
    sim_state_reader_init(&r, "params", data, len, MACHINE_STATE_VERSION);
    uint32_t n = sim_state_get_u32(&r, "count");
    struct param_check c = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free), NULL, NULL };
    for (uint32_t i = 0; i < n && sim_state_ok(&r); i++) {
        char *name = get_string(&r, "parameter name");
        char *value = get_string(&r, "parameter value");
        if (name && value && !g_hash_table_insert(c.saved, name, value))
            sim_state_reject(&r, "parameter name", "'%s' appears twice", name);
        else if (!name || !value)
            g_free(name), g_free(value);
    }
    gboolean ok = sim_state_reader_finish(&r, err);
    if (ok)
        sim_params_foreach(p, check_param, &c);
    if (ok && !c.why && g_hash_table_size(c.saved)) {
        GHashTableIter it;
        gpointer name;
        g_hash_table_iter_init(&it, c.saved);
        g_hash_table_iter_next(&it, &name, NULL);
        c.why = g_strdup_printf("parameter '%s' of the image does not exist here", (const char *)name);
    }
    if (ok && c.why) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE,
                    "%s: the image was taken with different parameters: %s", path, c.why);
        ok = FALSE;
    }
    g_free(c.why);
    g_hash_table_destroy(c.saved);
    return ok;
}

static gboolean restore_time(struct sim_machine *m, const void *data, size_t len, GError **err)
{
    struct sim_state_reader r;
    sim_state_reader_init(&r, "machine", data, len, MACHINE_STATE_VERSION);
    sim_time_t now = sim_state_get_u64(&r, "time");
    uint64_t dispatched = sim_state_get_u64(&r, "events dispatched");
    uint64_t next_seq = sim_state_get_u64(&r, "event sequence");
    if (!sim_state_reader_finish(&r, err))
        return FALSE;
    /* The heap is empty: moving the clock cannot reorder anything. */
    m->sched.now = now;
    m->sched.zero_time_at = now;
    m->sched.dispatched = dispatched;
    m->sched.next_seq = next_seq;
    return TRUE;
}

/* One saved statistic against this machine's registry. */
static void check_stat(struct sim_machine *m, struct sim_state_reader *r, const char *name, uint8_t kind)
{
    if (kind == STAT_COUNTER) {
        uint64_t v = sim_state_get_u64(r, "counter"), now;
        if (!sim_state_ok(r))
            return;
        if (!sim_stats_lookup_counter(m->stats, name, &now) && !sim_stats_lookup_hist(m->stats, name))
            sim_stats_set_value(m->stats, name, v);      /* a result no model owns */
        else if (!sim_stats_lookup_counter(m->stats, name, &now) || now != v)
            sim_state_reject(r, name, "is %" G_GUINT64_FORMAT " in the image but %" G_GUINT64_FORMAT
                             " after restoring the models", v, now);
        return;
    }
    if (kind != STAT_HIST) {
        sim_state_reject(r, name, "unknown kind %u", kind);
        return;
    }
    uint64_t count = sim_state_get_u64(r, "histogram"), sum = sim_state_get_u64(r, "histogram");
    uint64_t min = sim_state_get_u64(r, "histogram"), max = sim_state_get_u64(r, "histogram");
    const struct sim_hist *h = sim_stats_lookup_hist(m->stats, name);
    if (sim_state_ok(r) && (!h || h->count != count || h->sum != sum || h->min != min || h->max != max))
        sim_state_reject(r, name, "histogram of %" G_GUINT64_FORMAT " samples in the image %s", count,
                         h ? "differs after restoring the models" : "does not exist here");
}

static gboolean restore_stats(struct sim_machine *m, const void *data, size_t len, GError **err)
{
    struct sim_state_reader r;
    sim_state_reader_init(&r, "stats", data, len, MACHINE_STATE_VERSION);
    uint32_t n = sim_state_get_u32(&r, "count");
    for (uint32_t i = 0; i < n && sim_state_ok(&r); i++) {
        char *name = get_string(&r, "statistic name");
        uint8_t kind = sim_state_get_u8(&r, "statistic kind");
        if (name)
            check_stat(m, &r, name, kind);
        g_free(name);
    }
    return sim_state_reader_finish(&r, err);
}

static gboolean machine_is_fresh(const struct sim_machine *m, const char *path, GError **err)
{
    if (sim_now(&m->sched) || m->sched.dispatched || sim_sched_pending(&m->sched) || sim_mem_frame_count(m->mem)) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE,
                    "%s: a saved run can only be restored into a machine that has not run yet", path);
        return FALSE;
    }
    return TRUE;
}

gboolean sim_machine_restore_image(struct sim_machine *m, const char *path, struct sim_image **out,
                                   GError **err)
{
    if (!machine_is_fresh(m, path, err))
        return FALSE;
    struct sim_image *img = sim_image_load(m->mem, path, err);
    if (!img)
        return FALSE;
    size_t len[5] = { 0 };
    const void *params = need_blob(img, path, "params", &len[0], err), *time = NULL, *smmu = NULL;
    const void *cmdqv = NULL, *stats = NULL;
    gboolean ok = params && restore_params(m->params, params, len[0], path, err) &&
                  (time = need_blob(img, path, "machine", &len[1], err)) &&
                  (smmu = need_blob(img, path, SMMU_STATE_NAME, &len[2], err)) &&
                  (!m->cmdqv || (cmdqv = need_blob(img, path, CMDQV_STATE_NAME, &len[3], err))) &&
                  (stats = need_blob(img, path, "stats", &len[4], err)) &&
                  smmu_state_restore(m->smmu, smmu, len[2], err) &&
                  (!m->cmdqv || cmdqv_state_restore(m->cmdqv, cmdqv, len[3], err)) &&
                  restore_time(m, time, len[1], err) && restore_stats(m, stats, len[4], err);
    if (ok && !m->cmdqv && sim_image_state(img, CMDQV_STATE_NAME, NULL)) {
        g_set_error(err, SIM_IMAGE_ERROR, SIM_IMAGE_ERROR_NOTE, "%s: the image has CMDQV state but this machine "
                    "has no CMDQV", path);
        ok = FALSE;
    }
    if (ok && out)
        *out = img;
    else
        sim_image_free(img);
    if (!ok && err && *err && !strstr((*err)->message, path))
        g_prefix_error(err, "%s: ", path);
    return ok;
}
