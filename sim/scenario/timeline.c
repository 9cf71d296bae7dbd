/*
 * timeline.c — Chrome/Perfetto trace-event JSON of a run (timeline.h).
 *
 * The command engine's observer (smmuv3-engine.h) reports each consumed
 * command with the time of the PROD write that covered it and its
 * execution window, each completed CMD_SYNC, and each command error.  They
 * are buffered as small fixed records and written once at the end: async
 * slices (b/e pairs sharing an id) per command, counters for occupancy
 * (+1 at a command's PROD write, -1 at its consumption, folded in time
 * order), instants for MMIO accesses, marks and errors.
 */
#include <inttypes.h>
#include <errno.h>
#include <string.h>
#include "sim/json.h"
#include "sim/machine/machine.h"
#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-cmd.h"
#include "sim/scenario/timeline.h"
#include "sim/scenario/scn-internal.h"

enum tl_kind { TL_CMD, TL_SYNC, TL_ERROR, TL_MMIO_R, TL_MMIO_W, TL_MARK };

struct tl_event {
    uint8_t kind;
    uint8_t opcode;
    uint16_t track;         /* index into tracks (queues); actor events use 0 */
    uint32_t label;         /* index into labels (actor events) */
    sim_time_t start, end;
    uint64_t value;
};

struct scn_timeline {
    GArray *events;
    GPtrArray *tracks;      /* queue names; tid = index + 2 (1 is the actor) */
    GPtrArray *labels;      /* owned strings for actor events */
    GHashTable *label_index;
};

struct scn_timeline *scn_timeline_new(void)
{
    struct scn_timeline *tl = g_new0(struct scn_timeline, 1);
    tl->events = g_array_new(FALSE, FALSE, sizeof(struct tl_event));
    tl->tracks = g_ptr_array_new_with_free_func(g_free);
    tl->labels = g_ptr_array_new_with_free_func(g_free);
    tl->label_index = g_hash_table_new(g_str_hash, g_str_equal);
    return tl;
}

void scn_timeline_free(struct scn_timeline *tl)
{
    if (!tl)
        return;
    g_array_free(tl->events, TRUE);
    g_ptr_array_free(tl->tracks, TRUE);
    g_hash_table_destroy(tl->label_index);
    g_ptr_array_free(tl->labels, TRUE);
    g_free(tl);
}

size_t scn_timeline_events(const struct scn_timeline *tl) { return tl->events->len; }

static uint16_t track_of(struct scn_timeline *tl, const struct smmu_cmd_source *src)
{
    const char *name = src->name ? src->name : "queue";
    for (unsigned i = 0; i < tl->tracks->len; i++)
        if (!strcmp(g_ptr_array_index(tl->tracks, i), name))
            return (uint16_t)i;
    g_ptr_array_add(tl->tracks, g_strdup(name));
    return (uint16_t)(tl->tracks->len - 1);
}

static uint32_t label_of(struct scn_timeline *tl, const char *text)
{
    gpointer v = g_hash_table_lookup(tl->label_index, text);
    if (v)
        return GPOINTER_TO_UINT(v) - 1;
    char *copy = g_strdup(text);
    g_ptr_array_add(tl->labels, copy);
    g_hash_table_insert(tl->label_index, copy, GUINT_TO_POINTER(tl->labels->len));
    return tl->labels->len - 1;
}

static void add(struct scn_timeline *tl, struct tl_event ev) { g_array_append_val(tl->events, ev); }

static void obs_consumed(void *opaque, const struct smmu_cmd_source *src, uint32_t ptr, uint8_t opcode,
                         sim_time_t prod_time, sim_time_t exec_start, sim_time_t exec_end)
{
    struct scn_timeline *tl = opaque;
    add(tl, (struct tl_event){ TL_CMD, opcode, track_of(tl, src), ptr, prod_time, exec_end, exec_start });
}

static void obs_sync_done(void *opaque, const struct smmu_cmd_source *src, uint32_t ptr, sim_time_t prod_time,
                          sim_time_t done)
{
    struct scn_timeline *tl = opaque;
    add(tl, (struct tl_event){ TL_SYNC, SMMU_CMD_SYNC, track_of(tl, src), ptr, prod_time, done, 0 });
}

static void obs_error(void *opaque, const struct smmu_cmd_source *src, uint32_t ptr, enum smmu_cerror err,
                      sim_time_t t)
{
    struct scn_timeline *tl = opaque;
    add(tl, (struct tl_event){ TL_ERROR, 0, track_of(tl, src), ptr, t, t, (uint64_t)err });
}

static const struct smmu_engine_observer observer = { obs_consumed, obs_sync_done, obs_error };

void scn_timeline_attach(struct scn_timeline *tl, struct sim_machine *m)
{
    smmu_engine_set_observer(m->smmu, &observer, tl);
}

void scn_timeline_mmio(struct scn_timeline *tl, sim_time_t t, bool write, const char *reg, uint64_t value)
{
    add(tl, (struct tl_event){ write ? TL_MMIO_W : TL_MMIO_R, 0, 0, label_of(tl, reg), t, t, value });
}

void scn_timeline_mark(struct scn_timeline *tl, sim_time_t t, const char *name)
{
    add(tl, (struct tl_event){ TL_MARK, 0, 0, label_of(tl, name), t, t, 0 });
}

/* ------------------------------------------------------------------ write */

#define TL_PID 1
#define TL_ACTOR_TID 1

static void ts(FILE *f, sim_time_t t)
{
    fprintf(f, "%" PRIu64 ".%06" PRIu64, t / SIM_US, t % SIM_US);
}

static void opname(uint8_t op, char *buf, size_t len)
{
    if (smmu_cmd_desc(op))
        snprintf(buf, len, "%s", smmu_cmd_name(op));
    else
        snprintf(buf, len, "op 0x%02x", op);
}

static void begin_event(FILE *f, bool *first, const char *ph, const char *name, uint32_t tid, sim_time_t t)
{
    fprintf(f, "%s\n{\"ph\":\"%s\",\"pid\":%d,\"tid\":%" PRIu32 ",\"ts\":", *first ? "" : ",", ph, TL_PID, tid);
    ts(f, t);
    fprintf(f, ",\"name\":");
    sim_json_write_escaped(f, name);
    *first = false;
}

static void write_metadata(struct scn_timeline *tl, FILE *f, bool *first)
{
    fprintf(f, "\n{\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"ts\":0,\"name\":\"process_name\",\"args\":{\"name\":\"smmusim\"}}",
            TL_PID);
    fprintf(f, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"ts\":0,\"name\":\"thread_name\",\"args\":{\"name\":\"scenario\"}}",
            TL_PID, TL_ACTOR_TID);
    for (unsigned i = 0; i < tl->tracks->len; i++) {
        fprintf(f, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%u,\"ts\":0,\"name\":\"thread_name\",\"args\":{\"name\":",
                TL_PID, i + 2);
        sim_json_write_escaped(f, g_ptr_array_index(tl->tracks, i));
        fprintf(f, "}}");
    }
    *first = false;
}

static void write_slices(struct scn_timeline *tl, FILE *f, bool *first)
{
    char name[48];
    for (guint i = 0; i < tl->events->len; i++) {
        const struct tl_event *e = &g_array_index(tl->events, struct tl_event, i);
        uint32_t qtid = e->track + 2u;
        switch (e->kind) {
        case TL_CMD:
        case TL_SYNC: {
            const char *cat = e->kind == TL_CMD ? "cmd" : "sync";
            if (e->kind == TL_CMD)
                opname(e->opcode, name, sizeof name);
            else
                snprintf(name, sizeof name, "CMD_SYNC complete");
            begin_event(f, first, "b", name, qtid, e->start);
            fprintf(f, ",\"cat\":\"%s\",\"id\":%u,\"args\":{\"ptr\":%" PRIu32 "}}", cat, i + 1, e->label);
            begin_event(f, first, "e", name, qtid, e->end);
            fprintf(f, ",\"cat\":\"%s\",\"id\":%u}", cat, i + 1);
            break;
        }
        case TL_ERROR:
            snprintf(name, sizeof name, "CERROR %" PRIu64, e->value);
            begin_event(f, first, "i", name, qtid, e->start);
            fprintf(f, ",\"s\":\"t\",\"args\":{\"ptr\":%" PRIu32 "}}", e->label);
            break;
        default: {
            const char *label = g_ptr_array_index(tl->labels, e->label);
            char *text = e->kind == TL_MARK ? g_strdup_printf("mark %s", label)
                         : g_strdup_printf("%s %s", e->kind == TL_MMIO_W ? "write" : "read", label);
            begin_event(f, first, "i", text, TL_ACTOR_TID, e->start);
            if (e->kind == TL_MARK)
                fprintf(f, ",\"s\":\"t\"}");
            else
                fprintf(f, ",\"s\":\"t\",\"args\":{\"value\":%" PRIu64 "}}", e->value);
            g_free(text);
            break;
        }
        }
    }
}

struct occ_step {
    sim_time_t t;
    int delta;
    uint16_t track;
};

static gint occ_cmp(gconstpointer a, gconstpointer b)
{
    const struct occ_step *x = a, *y = b;
    if (x->track != y->track)
        return x->track < y->track ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->delta > y->delta ? -1 : (x->delta < y->delta);   /* arrivals first */
}

static void write_occupancy(struct scn_timeline *tl, FILE *f, bool *first)
{
    GArray *steps = g_array_new(FALSE, FALSE, sizeof(struct occ_step));
    for (guint i = 0; i < tl->events->len; i++) {
        const struct tl_event *e = &g_array_index(tl->events, struct tl_event, i);
        if (e->kind != TL_CMD)
            continue;
        struct occ_step in = { e->start, +1, e->track }, out = { e->end, -1, e->track };
        g_array_append_val(steps, in);
        g_array_append_val(steps, out);
    }
    g_array_sort(steps, occ_cmp);
    int64_t level = 0;
    for (guint i = 0; i < steps->len; i++) {
        const struct occ_step *s = &g_array_index(steps, struct occ_step, i);
        if (i == 0 || s->track != g_array_index(steps, struct occ_step, i - 1).track)
            level = 0;
        level += s->delta;
        bool last_at_t = i + 1 == steps->len || g_array_index(steps, struct occ_step, i + 1).t != s->t ||
                         g_array_index(steps, struct occ_step, i + 1).track != s->track;
        if (!last_at_t)
            continue;
        char *name = g_strdup_printf("%s occupancy", (const char *)g_ptr_array_index(tl->tracks, s->track));
        begin_event(f, first, "C", name, s->track + 2u, s->t);
        fprintf(f, ",\"args\":{\"entries\":%" PRId64 "}}", level);
        g_free(name);
    }
    g_array_free(steps, TRUE);
}

gboolean scn_timeline_write(struct scn_timeline *tl, const char *path, GError **err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "cannot write timeline '%s': %s", path, g_strerror(errno));
        return FALSE;
    }
    bool first = true;
    fprintf(f, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    write_metadata(tl, f, &first);
    write_slices(tl, f, &first);
    write_occupancy(tl, f, &first);
    fprintf(f, "\n]}\n");
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "writing timeline '%s' failed", path);
    return ok;
}
