/*
 * record.c — write a run's hardware-visible actions as a flat scenario
 * (record.h).  Lines are streamed to the file as they happen, so recording
 * a long run costs no memory beyond the host buffers and handles it names;
 * times are exact picoseconds.
 *
 * Statements of the iommufd and translation verbs are built up while the
 * verb evaluates its arguments and written when it completes, so a line
 * holds exactly the values the run used (an argument is never evaluated
 * twice: expressions such as translate() have effects).  The record's own
 * variables (outputs `r`, buffers `buf1`, descriptors `fd1`, mappings
 * `map1`) avoid every name of the scenario, whose object names the record
 * keeps (docs/scenario-format.md §6).
 */
#include <inttypes.h>
#include <errno.h>
#include <string.h>
#include "sim/scenario/record.h"
#include "sim/scenario/scn-internal.h"

struct rec_buffer {
    uint64_t base, size;
    char *name;
};

struct rec_handle {
    enum scn_rec_handle kind;
    uint64_t v;
    char *name;
};

struct rec_out {
    bool handle;
    uint64_t v;
    const char *name;
};

struct scn_recorder {
    FILE *f;
    char *path;
    sim_time_t last;
    uint64_t reads;
    GHashTable *vars;           /* the scenario's variables (not owned) */
    char *out_names[SCN_MAX_OUTS];
    GArray *buffers;            /* struct rec_buffer */
    GArray *handles;            /* struct rec_handle; the latest of a value wins */
    unsigned nbuffers, nhandles[2];
    /* The statement being recorded. */
    bool open, acting;
    sim_time_t t;
    GString *line;
    struct rec_out outs[SCN_MAX_OUTS];
    unsigned nouts;
};

static bool name_taken(const struct scn_recorder *r, const char *name)
{
    return r->vars && g_hash_table_contains(r->vars, name);
}

/* `base`, or `_base`, `__base`... : the first the scenario does not use. */
static char *fresh_name(const struct scn_recorder *r, const char *base)
{
    char *name = g_strdup(base);
    while (name_taken(r, name)) {
        char *longer = g_strconcat("_", name, NULL);
        g_free(name);
        name = longer;
    }
    return name;
}

static void set_out_names(struct scn_recorder *r)
{
    for (unsigned i = 0; i < SCN_MAX_OUTS; i++) {
        char base[8];
        snprintf(base, sizeof base, i ? "r%u" : "r", i);
        g_free(r->out_names[i]);
        r->out_names[i] = fresh_name(r, base);
    }
}

struct scn_recorder *scn_rec_open(const char *path, const char *source, GError **err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "cannot write record '%s': %s", path, g_strerror(errno));
        return NULL;
    }
    struct scn_recorder *r = g_new0(struct scn_recorder, 1);
    r->f = f;
    r->path = g_strdup(path);
    r->buffers = g_array_new(FALSE, FALSE, sizeof(struct rec_buffer));
    r->handles = g_array_new(FALSE, FALSE, sizeof(struct rec_handle));
    r->line = g_string_new(NULL);
    set_out_names(r);
    fprintf(f, "# Recorded by smmusim from %s: replays to the same results.\n", source && *source ? source : "a scenario");
    return r;
}

static void at(struct scn_recorder *r, sim_time_t t)
{
    if (t != r->last) {
        fprintf(r->f, "at %" PRIu64 "ps\n", t);
        r->last = t;
    }
}

void scn_rec_define(struct scn_recorder *r, const char *define)
{
    fprintf(r->f, "# with --define %s\n", define);
}

void scn_rec_profile(struct scn_recorder *r, const char *profile)
{
    fprintf(r->f, "profile \"%s\"\n", profile);
}

void scn_rec_set(struct scn_recorder *r, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return;
    fprintf(r->f, "set %.*s=\"%s\"\n", (int)(eq - assignment), assignment, eq + 1);
}

void scn_rec_machine(struct scn_recorder *r)
{
    fprintf(r->f, "machine\n");
}

void scn_rec_mmio_write(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v)
{
    at(r, t);
    fprintf(r->f, "mmio write 0x%" PRIx64 " 0x%" PRIx64 " size=%u\n", addr, v, size);
}

void scn_rec_mmio_read(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v)
{
    at(r, t);
    fprintf(r->f, "mmio read 0x%" PRIx64 " size=%u -> %s\nexpect %s == 0x%" PRIx64 "\n", addr, size,
            r->out_names[0], r->out_names[0], v);
    r->reads++;
}

void scn_rec_mem_write(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v)
{
    at(r, t);
    fprintf(r->f, "mem write 0x%" PRIx64 " 0x%" PRIx64 " size=%u\n", addr, v, size);
}

void scn_rec_mem_fill(struct scn_recorder *r, sim_time_t t, uint64_t addr, uint64_t len, uint8_t byte)
{
    at(r, t);
    fprintf(r->f, "mem fill 0x%" PRIx64 " %" PRIu64 " byte=0x%02x\n", addr, len, byte);
}

void scn_rec_mem_abort(struct scn_recorder *r, sim_time_t t, uint64_t addr, uint64_t len, const char *kind)
{
    at(r, t);
    fprintf(r->f, "mem abort 0x%" PRIx64 " %" PRIu64 " kind=%s\n", addr, len, kind);
}

void scn_rec_mem_clear(struct scn_recorder *r, sim_time_t t)
{
    at(r, t);
    fprintf(r->f, "mem clear_aborts\n");
}

/* ------------------------------------------------ statements of verbs */

void scn_rec_names(struct scn_recorder *r, GHashTable *scenario_vars)
{
    if (r->vars == scenario_vars)
        return;
    r->vars = scenario_vars;
    set_out_names(r);
}

void scn_rec_begin(struct scn_recorder *r, sim_time_t t, const char *verb, const char *sub)
{
    r->open = true;
    r->acting = false;
    r->t = t;
    r->nouts = 0;
    g_string_assign(r->line, verb);
    if (sub)
        g_string_append_printf(r->line, " %s", sub);
}

static void arg_prefix(struct scn_recorder *r, const char *name)
{
    g_string_append_c(r->line, ' ');
    if (name)
        g_string_append_printf(r->line, "%s=", name);
}

void scn_rec_arg(struct scn_recorder *r, const char *name, uint64_t v)
{
    arg_prefix(r, name);
    g_string_append_printf(r->line, "0x%" PRIx64, v);
}

void scn_rec_arg_host(struct scn_recorder *r, const char *name, uint64_t v)
{
    for (guint i = r->buffers->len; i-- > 0;) {
        const struct rec_buffer *b = &g_array_index(r->buffers, struct rec_buffer, i);
        if (v < b->base || v - b->base > b->size)
            continue;
        arg_prefix(r, name);
        if (v == b->base)
            g_string_append(r->line, b->name);
        else
            g_string_append_printf(r->line, "(%s + 0x%" PRIx64 ")", b->name, v - b->base);
        return;
    }
    scn_rec_arg(r, name, v);
}

static void append_string(GString *s, const char *text)
{
    g_string_append_c(s, '"');
    for (const char *c = text; *c; c++) {
        switch (*c) {
        case '"': g_string_append(s, "\\\""); break;
        case '\\': g_string_append(s, "\\\\"); break;
        case '\n': g_string_append(s, "\\n"); break;
        case '\t': g_string_append(s, "\\t"); break;
        default: g_string_append_c(s, *c);
        }
    }
    g_string_append_c(s, '"');
}

void scn_rec_arg_word(struct scn_recorder *r, const char *name, const char *word)
{
    arg_prefix(r, name);
    append_string(r->line, word);
}

/* A name the lexer reads back as one identifier (§1: single dots between
 * word characters). */
static bool is_identifier(const char *s)
{
    if (!g_ascii_isalpha(*s) && *s != '_')
        return false;
    for (const char *c = s + 1; *c; c++) {
        bool word = g_ascii_isalnum(*c) || *c == '_';
        bool dot = *c == '.' && (g_ascii_isalnum(c[-1]) || c[-1] == '_') && (g_ascii_isalnum(c[1]) || c[1] == '_');
        if (!word && !dot)
            return false;
    }
    return true;
}

void scn_rec_arg_bare(struct scn_recorder *r, const char *name, const char *word)
{
    arg_prefix(r, name);
    if (is_identifier(word))
        g_string_append(r->line, word);
    else
        append_string(r->line, word);
}

void scn_rec_arg_object(struct scn_recorder *r, const char *name, const char *object, uint64_t handle)
{
    arg_prefix(r, name);
    if (is_identifier(object))
        g_string_append(r->line, object);
    else if (!name)
        append_string(r->line, object);     /* a declaration: the name as text */
    else
        g_string_append_printf(r->line, "0x%" PRIx64, handle);
}

static const struct rec_handle *handle_find(const struct scn_recorder *r, enum scn_rec_handle kind, uint64_t v)
{
    for (guint i = r->handles->len; i-- > 0;) {
        const struct rec_handle *h = &g_array_index(r->handles, struct rec_handle, i);
        if (h->kind == kind && h->v == v)
            return h;
    }
    return NULL;
}

void scn_rec_arg_handle(struct scn_recorder *r, const char *name, enum scn_rec_handle kind, uint64_t v)
{
    const struct rec_handle *h = handle_find(r, kind, v);
    if (!h) {
        scn_rec_arg(r, name, v);
        return;
    }
    arg_prefix(r, name);
    g_string_append(r->line, h->name);
}

void scn_rec_out(struct scn_recorder *r, uint64_t v)
{
    g_return_if_fail(r->nouts < SCN_MAX_OUTS);
    r->outs[r->nouts] = (struct rec_out){ false, v, r->out_names[r->nouts] };
    r->nouts++;
}

void scn_rec_out_handle(struct scn_recorder *r, enum scn_rec_handle kind, uint64_t v)
{
    g_return_if_fail(r->nouts < SCN_MAX_OUTS);
    char base[24];
    snprintf(base, sizeof base, "%s%u", kind == SCN_REC_FD ? "fd" : "map", ++r->nhandles[kind]);
    struct rec_handle h = { kind, v, fresh_name(r, base) };
    g_array_append_val(r->handles, h);
    r->outs[r->nouts] = (struct rec_out){ true, v, h.name };
    r->nouts++;
}

void scn_rec_acting(struct scn_recorder *r)
{
    r->acting = true;
}

void scn_rec_end(struct scn_recorder *r)
{
    if (!r->open)
        return;
    r->open = false;
    at(r, r->t);
    fputs(r->line->str, r->f);
    for (unsigned i = 0; i < r->nouts; i++)
        fprintf(r->f, "%s%s", i ? ", " : " -> ", r->outs[i].name);
    fputc('\n', r->f);
    for (unsigned i = 0; i < r->nouts; i++)
        if (!r->outs[i].handle)
            fprintf(r->f, "expect %s == 0x%" PRIx64 "\n", r->outs[i].name, r->outs[i].v);
}

void scn_rec_failed(struct scn_recorder *r)
{
    if (!r->open)
        return;
    r->open = false;
    if (!r->acting)
        return;
    at(r, r->t);
    fprintf(r->f, "expect_error {\n%s\n}\n", r->line->str);
}

void scn_rec_call(struct scn_recorder *r, sim_time_t t, const char *name, const uint64_t *args, unsigned nargs,
                  uint64_t result)
{
    at(r, t);
    fprintf(r->f, "let %s = %s(", r->out_names[0], name);
    for (unsigned i = 0; i < nargs; i++)
        fprintf(r->f, "%s0x%" PRIx64, i ? ", " : "", args[i]);
    fprintf(r->f, ")\nexpect %s == 0x%" PRIx64 "\n", r->out_names[0], result);
}

void scn_rec_buffer(struct scn_recorder *r, sim_time_t t, uint64_t size, uint64_t base)
{
    (void)t;    /* host memory: no simulated time, no `at` */
    char name[24];
    snprintf(name, sizeof name, "buf%u", ++r->nbuffers);
    struct rec_buffer b = { base, size, fresh_name(r, name) };
    g_array_append_val(r->buffers, b);
    fprintf(r->f, "iommufd buffer size=0x%" PRIx64 " -> %s\n", size, b.name);
}

/* ------------------------------------------------------------- closing */

static void rec_free(struct scn_recorder *r)
{
    for (guint i = 0; i < r->buffers->len; i++)
        g_free(g_array_index(r->buffers, struct rec_buffer, i).name);
    for (guint i = 0; i < r->handles->len; i++)
        g_free(g_array_index(r->handles, struct rec_handle, i).name);
    for (unsigned i = 0; i < SCN_MAX_OUTS; i++)
        g_free(r->out_names[i]);
    g_array_free(r->buffers, TRUE);
    g_array_free(r->handles, TRUE);
    g_string_free(r->line, TRUE);
    g_free(r->path);
    g_free(r);
}

gboolean scn_rec_close(struct scn_recorder *r, sim_time_t end, GError **err)
{
    at(r, end);
    bool ok = !ferror(r->f);
    ok = fclose(r->f) == 0 && ok;
    if (!ok)
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "writing record '%s' failed", r->path);
    rec_free(r);
    return ok;
}

void scn_rec_discard(struct scn_recorder *r)
{
    fclose(r->f);
    rec_free(r);
}
