/*
 * verbs-xlate.c — translation in the scenario language: building the
 * structures the SMMU walks (stream table, STEs, CDs, page tables carved
 * from arenas of simulated memory), DMA masters behind the SMMU, and
 * functions that translate and read event records back.
 *
 *   arena tables base=0x40000000 size=16M
 *   strtab base=0x100000 log2size=8
 *   pt s1 granule=4K stage=1 ias=48 -> ttb
 *   pt map s1 va=0x10000 pa=0x80000000 size=4K perm=rw
 *   cd 0x200000 asid=1 pt=s1
 *   ste 5 config=s1 s1ctx=0x200000
 *   endpoint dev sid=5
 *   dma read dev addr=0x10000 -> ok, pa, latency
 *   expect translate(5, 0x10000) == 0x80000000
 *   expect event(0, "name") == "F_TRANSLATION"
 *
 * Layouts are those of smmuv3-xlate.h (smmuv3.md §3.1-3.3, §4.1; Arm ARM
 * D8.3) written by sim/ptbuild.  Building structures is the CPU filling
 * memory and costs no simulated time; `strtab` programs STRTAB_BASE and
 * STRTAB_BASE_CFG through MMIO like a driver (each access costs the bus
 * round trip); `dma` runs the endpoint's timed path (micro-TLB or ATC,
 * TCU, walk, memory) to completion, so time advances to the completion.
 * `translate()` is functional: no time passes, but the caches fill and a
 * fault is recorded in the event queue, exactly as for a transaction.
 *
 * Named objects (arenas, page tables, endpoints) are variables holding a
 * handle, resolved when the scenario is parsed: nothing is looked up by
 * name while a loop runs.
 *
 * Record mode (record.h) writes each statement as itself with constant
 * arguments (objects by name) rather than the memory it writes: the
 * builders are deterministic, so a replay writes the same bytes.  A
 * statement that fails after it acted (a multi-page map stopping at a
 * conflict) is recorded inside `expect_error { }`.
 */
#include <inttypes.h>
#include <string.h>
#include "sim/machine/machine.h"
#include "sim/ptbuild/ptbuild.h"
#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-endpoint.h"
#include "models/smmuv3/smmuv3-queue.h"
#include "models/smmuv3/smmuv3-regs.h"
#include "sim/scenario/record.h"
#include "sim/scenario/scn-internal.h"

/* ------------------------------------------------------------- objects */

enum xl_kind { XL_ARENA = 1, XL_PT = 2, XL_ENDPOINT = 3 };
static const char *const kind_names[] = { "", "arena", "page table", "endpoint" };

/* A handle: the kind in bits [63:56] over a non-zero tag, then the index. */
#define XL_HANDLE(kind, i) (((uint64_t)(kind) << 56) | (0xA5ull << 48) | (uint64_t)(i))

struct xl_arena {
    const char *name;           /* the scenario's (interned) */
    struct ptb b;
};

struct xl_pt {
    const char *name;
    struct ptb_tt tt;
    unsigned arena;
};

struct xl_endpoint {
    const char *name;
    struct smmu_endpoint *ep;
};

struct scn_xlate {
    GPtrArray *arenas, *pts, *eps;  /* stable pointers: tables point at their arena */
    int last_arena;                 /* the default arena, or -1 */
    bool have_strtab;
    struct ptb_strtab st;
    struct ptb st_arena;            /* level-2 tables when no arena is declared */
    uint8_t dma_buf[SMMU_EP_MAX_LEN];
};

static struct scn_xlate *xl_state(struct scn_exec *x)
{
    if (!x->xlate) {
        x->xlate = g_new0(struct scn_xlate, 1);
        x->xlate->arenas = g_ptr_array_new_with_free_func(g_free);
        x->xlate->pts = g_ptr_array_new_with_free_func(g_free);
        x->xlate->eps = g_ptr_array_new();
        x->xlate->last_arena = -1;
    }
    return x->xlate;
}

void scn_xlate_free(struct scn_exec *x)
{
    struct scn_xlate *xl = x->xlate;
    if (!xl)
        return;
    for (unsigned i = 0; i < xl->eps->len; i++) {
        struct xl_endpoint *e = g_ptr_array_index(xl->eps, i);
        smmu_endpoint_free(e->ep);
        g_free(e);
    }
    g_ptr_array_free(xl->eps, TRUE);
    g_ptr_array_free(xl->arenas, TRUE);
    g_ptr_array_free(xl->pts, TRUE);
    g_free(xl);
    x->xlate = NULL;
}

static GPtrArray *objs_of(struct scn_xlate *xl, enum xl_kind k)
{
    return k == XL_ARENA ? xl->arenas : k == XL_PT ? xl->pts : xl->eps;
}

/* ---------------------------------------------------------- record mode */

static void rec_acting(struct scn_exec *x)
{
    if (x->rec)
        scn_rec_acting(x->rec);
}

static void rec_out(struct scn_exec *x, uint64_t v)
{
    if (x->rec)
        scn_rec_out(x->rec, v);
}

/* An argument of the verb's table, as evaluated (recorded when given). */
static bool xarg(struct scn_exec *x, const struct scn_stmt *st, unsigned idx, uint64_t def, uint64_t *out,
                 GError **err)
{
    if (!scn_arg_u64(x, st, idx, def, out, err))
        return false;
    if (x->rec && st->u.verb.args[idx].set)
        scn_rec_arg(x->rec, st->u.verb.verb->params[idx].name, *out);
    return true;
}

/* A word argument of the verb's table, when given. */
static void rec_word(struct scn_exec *x, const struct scn_stmt *st, unsigned idx)
{
    if (x->rec && st->u.verb.args[idx].set)
        scn_rec_arg_bare(x->rec, st->u.verb.verb->params[idx].name, st->u.verb.args[idx].word);
}

/* The object a declaration names, positionally. */
static void rec_decl(struct scn_exec *x, const struct scn_stmt *st)
{
    if (x->rec)
        scn_rec_arg_object(x->rec, NULL, st->u.verb.args[0].word, 0);
}

/* The object a handle value designates, of kind k. */
static void *obj_get(struct scn_exec *x, enum xl_kind k, uint64_t h, const struct scn_pos *pos, GError **err)
{
    struct scn_xlate *xl = xl_state(x);
    GPtrArray *a = objs_of(xl, k);
    uint64_t i = h & 0xFFFFFFFFFFFFull;
    if ((h >> 48) == (((uint64_t)k << 8) | 0xA5) && i < a->len)
        return g_ptr_array_index(a, i);
    const char *what = NULL;
    for (unsigned o = XL_ARENA; o <= XL_ENDPOINT; o++)
        if ((h >> 48) == ((o << 8) | 0xA5u) && i < objs_of(xl, o)->len)
            what = kind_names[o];
    if (what)
        scn_set_error(err, SCENARIO_ERROR_VALUE, pos, "this is %s %s, not %s %s",
                      what[0] == 'a' || what[0] == 'e' ? "an" : "a", what, k == XL_PT ? "a" : "an", kind_names[k]);
    else
        scn_set_error(err, SCENARIO_ERROR_VALUE, pos, "0x%" PRIx64 " is not %s %s (declare one with '%s')", h,
                      k == XL_PT ? "a" : "an", kind_names[k], k == XL_ARENA ? "arena" : k == XL_PT ? "pt" : "endpoint");
    return NULL;
}

static void *obj_arg(struct scn_exec *x, const struct scn_stmt *st, unsigned idx, enum xl_kind k, GError **err)
{
    uint64_t h;
    if (!scn_arg_u64(x, st, idx, 0, &h, err))
        return NULL;
    void *o = obj_get(x, k, h, &st->u.verb.args[idx].pos, err);
    if (o && x->rec)
        scn_rec_arg_object(x->rec, st->u.verb.verb->params[idx].name, *(const char *const *)o, h);
    return o;
}

/* Parse time: the object's name becomes a variable (its handle). */
static bool check_decl(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    const struct scn_arg *n = &st->u.verb.args[0];
    bool found;
    if (scn_is_reserved_word(n->word)) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &n->pos, "'%s' is a reserved word and cannot name an object", n->word);
        return false;
    }
    scn_slot(p->s->queue_index, p->s->queue_names, p->s, n->word, false, &found);
    if (found) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &n->pos, "'%s' is already a queue", n->word);
        return false;
    }
    st->u.verb.obj = scn_var_assign(p, n->word, &n->pos, "as the name of an object");
    return true;
}

/* Run time: register a new object under the statement's name. */
static bool obj_add(struct scn_exec *x, const struct scn_stmt *st, enum xl_kind k, void *obj, const char **name_field)
{
    GPtrArray *a = objs_of(xl_state(x), k);
    *name_field = st->u.verb.args[0].word;
    g_ptr_array_add(a, obj);
    scn_set_var(x, (int32_t)st->u.verb.obj, XL_HANDLE(k, a->len - 1));
    return true;
}

static bool name_taken(struct scn_exec *x, const struct scn_stmt *st, enum xl_kind k, GError **err)
{
    GPtrArray *a = objs_of(xl_state(x), k);
    const char *name = st->u.verb.args[0].word;
    for (unsigned i = 0; i < a->len; i++)
        if (!strcmp(*(const char *const *)g_ptr_array_index(a, i), name)) {
            scn_set_error(err, SCENARIO_ERROR_NAME, &st->u.verb.args[0].pos, "%s '%s' already exists", kind_names[k],
                          name);
            return true;
        }
    return false;
}

static bool ptb_fail(const struct scn_pos *pos, const char *what, GError *e, GError **err)
{
    scn_set_error(err, e->code == PTB_ERROR_FULL ? SCENARIO_ERROR_RUNTIME : SCENARIO_ERROR_VALUE, pos, "%s: %s", what,
                  e->message);
    g_error_free(e);
    return false;
}

/* The machine exists and the statement's record line is started. */
static bool setup(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    if (!scn_need_machine(x, &st->pos, err))
        return false;
    if (x->rec) {
        scn_rec_names(x->rec, x->s->var_index);
        scn_rec_begin(x->rec, sim_now(&x->m->sched), st->u.verb.verb->name, st->u.verb.verb->sub);
    }
    return true;
}

/* ------------------------------------------------------------- values */

/* A granule: 4K, 16K, 64K (as numbers, so `granule=4K` reads naturally). */
static bool granule_shift_of(uint64_t v, unsigned *shift)
{
    *shift = v == 4096 ? 12 : v == 16384 ? 14 : v == 65536 ? 16 : 0;
    return *shift != 0;
}

/* An argument that may be a bare word or an expression, as text or number. */
static bool word_or_u64(struct scn_exec *x, const struct scn_field *f, const char **word, uint64_t *v, GError **err)
{
    *word = f->word;
    if (f->word)
        return true;
    struct scn_value val;
    if (!scn_eval(x, f->e, &val, err))
        return false;
    *word = val.s;
    *v = val.i;
    return true;
}

static bool field_u64(struct scn_exec *x, const struct scn_field *f, uint64_t *v, GError **err)
{
    const char *w;
    if (!word_or_u64(x, f, &w, v, err))
        return false;
    if (w)
        return scn_value_error(err, &f->pos, "%s needs a number, not '%s'", f->name, w);
    return true;
}

/* ------------------------------------------------------------- arena */

static const struct scn_param arena_params[] = {
    { "name", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "name of the arena" },
    { "base", SCN_K_INT, SCN_P_REQ, "physical address of its first byte" },
    { "size", SCN_K_INT, SCN_P_REQ, "bytes" },
};

static bool run_arena(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t base, size;
    if (!setup(x, st, err))
        return false;
    rec_decl(x, st);
    if (!xarg(x, st, 1, 0, &base, err) || !xarg(x, st, 2, 0, &size, err))
        return false;
    if (!size || base + size < base || base + size > (1ull << 48))
        return scn_value_error(err, &st->pos, "arena [0x%" PRIx64 ", +0x%" PRIx64 ") must be non-empty and lie below 2^48",
                         base, size);
    if (name_taken(x, st, XL_ARENA, err))
        return false;
    struct xl_arena *a = g_new0(struct xl_arena, 1);
    rec_acting(x);
    ptb_init(&a->b, x->m->mem, base, size);
    obj_add(x, st, XL_ARENA, a, &a->name);
    xl_state(x)->last_arena = (int)xl_state(x)->arenas->len - 1;
    return true;
}

/* The arena= argument, or the last arena declared. */
static struct ptb *arena_for(struct scn_exec *x, const struct scn_stmt *st, int idx, unsigned *index, GError **err)
{
    struct scn_xlate *xl = xl_state(x);
    if (idx >= 0 && st->u.verb.args[idx].set) {
        struct xl_arena *a = obj_arg(x, st, (unsigned)idx, XL_ARENA, err);
        if (!a)
            return NULL;
        for (unsigned i = 0; i < xl->arenas->len; i++)
            if (g_ptr_array_index(xl->arenas, i) == a)
                *index = i;
        return &a->b;
    }
    if (xl->last_arena < 0) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "no arena to allocate tables from (declare one with "
                      "'arena NAME base=ADDR size=BYTES')");
        return NULL;
    }
    *index = (unsigned)xl->last_arena;
    return &((struct xl_arena *)g_ptr_array_index(xl->arenas, xl->last_arena))->b;
}

/* ------------------------------------------------------------- strtab */

static const struct scn_param strtab_params[] = {
    { "base", SCN_K_INT, 0, "physical address (default: from the arena)" },
    { "log2size", SCN_K_INT, SCN_P_REQ, "log2 of the number of STEs" },
    { "fmt", SCN_K_WORD, 0, "linear (default) or twolevel" },
    { "split", SCN_K_INT, 0, "2-level: StreamID bits per level-2 table, 6, 8 (default) or 10" },
    { "arena", SCN_K_INT, 0, "arena for the table and level-2 tables (default: the last declared)" },
};

static bool mmio_store(struct scn_exec *x, const struct scn_stmt *st, const char *reg, uint64_t v, GError **err)
{
    uint64_t off;
    unsigned size;
    if (!smmu_reg_lookup(reg, &off, &size))
        g_error("smmu register %s missing", reg);
    if (sim_bus_write(x->m->bus, x->m->smmu_base + off, size, v) != SIM_BUS_OK) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "the write of smmu.%s failed on the bus", reg);
        return false;
    }
    x->mmio_accesses++;
    sim_machine_run_for(x->m, sim_bus_latency(x->m->bus));
    return true;
}

static uint64_t smmu_peek(struct scn_exec *x, const char *reg)
{
    uint64_t off, v = 0;
    unsigned size;
    if (!smmu_reg_lookup(reg, &off, &size))
        g_error("smmu register %s missing", reg);
    sim_bus_read(x->m->bus, x->m->smmu_base + off, size, &v);
    return v;
}

static bool run_strtab(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_xlate *xl = xl_state(x);
    uint64_t base = 0, log2size, split;
    const struct scn_arg *fmt = &st->u.verb.args[2];
    bool two = false;
    if (fmt->set && !(two = !strcmp(fmt->word, "twolevel")) && strcmp(fmt->word, "linear"))
        return scn_value_error(err, &fmt->pos, "fmt must be linear or twolevel, not '%s'", fmt->word);
    if (!setup(x, st, err))
        return false;
    rec_word(x, st, 2);
    if (!xarg(x, st, 0, 0, &base, err) || !xarg(x, st, 1, 0, &log2size, err) || !xarg(x, st, 3, 8, &split, err))
        return false;
    if (st->u.verb.args[3].set && !two)
        return scn_value_error(err, &st->u.verb.args[3].pos, "split applies to fmt=twolevel only");
    if (smmu_peek(x, "CR0ACK") & R_CR0_SMMUEN_MASK)
        return scn_value_error(err, &st->pos, "strtab: SMMUEN is 1, so STRTAB_BASE writes would be ignored (clear CR0.SMMUEN "
                         "first)");
    unsigned ai = 0;
    struct ptb *b;
    if (st->u.verb.args[4].set || xl->last_arena >= 0) {
        if (!(b = arena_for(x, st, 4, &ai, err)))
            return false;
    } else if (st->u.verb.args[0].set) {
        /* No arena: the table is where the user put it, and a 2-level
         * table has no room for level-2 tables (put reports it). */
        ptb_init(&xl->st_arena, x->m->mem, 0, 0);
        b = &xl->st_arena;
    } else {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "strtab needs base=ADDR or an arena to allocate from");
        return false;
    }
    GError *e = NULL;
    rec_acting(x);
    if (!ptb_strtab_new_checked(&xl->st, b, two, (unsigned)MIN(log2size, 64), (unsigned)split,
                                st->u.verb.args[0].set ? &base : NULL, &e))
        return ptb_fail(&st->pos, "strtab", e, err);
    xl->have_strtab = true;
    return mmio_store(x, st, "STRTAB_BASE", xl->st.base_reg, err) &&
           mmio_store(x, st, "STRTAB_BASE_CFG", xl->st.cfg_reg, err);
}

/* ---------------------------------------------------- structure fields */

/* A field of a 64-byte structure, by dword and bit position. */
struct xl_field {
    const char *name;
    uint8_t dw, shift, len;
    uint8_t scale;              /* the value is a byte address stored >> scale (0: a plain value) */
};
#define XF(n, reg, dw, f) { n, dw, R_##reg##_##f##_SHIFT, R_##reg##_##f##_LENGTH, 0 }
#define XA(n, reg, dw, f, sc) { n, dw, R_##reg##_##f##_SHIFT, R_##reg##_##f##_LENGTH, sc }

static const struct xl_field ste_fields[] = {
    XF("v", STE0, 0, V), XF("config", STE0, 0, CONFIG), XF("s1fmt", STE0, 0, S1FMT),
    XA("s1ctx", STE0, 0, S1CTXPTR, 6), XF("s1cdmax", STE0, 0, S1CDMAX), XF("s1dss", STE1, 1, S1DSS),
    XF("mev", STE1, 1, MEV), XF("s1stalld", STE1, 1, S1STALLD), XF("eats", STE1, 1, EATS), XF("strw", STE1, 1, STRW),
    XF("s2vmid", STE2, 2, S2VMID), XF("s2t0sz", STE2, 2, S2T0SZ), XF("s2sl0", STE2, 2, S2SL0), XF("s2tg", STE2, 2, S2TG),
    XF("s2ps", STE2, 2, S2PS), XF("s2aa64", STE2, 2, S2AA64), XF("s2endi", STE2, 2, S2ENDI),
    XF("s2affd", STE2, 2, S2AFFD), XF("s2ptw", STE2, 2, S2PTW), XF("s2hd", STE2, 2, S2HD), XF("s2ha", STE2, 2, S2HA),
    XF("s2s", STE2, 2, S2S), XF("s2r", STE2, 2, S2R), XA("s2ttb", STE3, 3, S2TTB, 4),
};

static const struct xl_field cd_fields[] = {
    XF("t0sz", CD0, 0, T0SZ), XF("tg0", CD0, 0, TG0), XF("epd0", CD0, 0, EPD0), XF("endi", CD0, 0, ENDI),
    XF("t1sz", CD0, 0, T1SZ), XF("tg1", CD0, 0, TG1), XF("epd1", CD0, 0, EPD1), XF("v", CD0, 0, V),
    XF("ips", CD0, 0, IPS), XF("affd", CD0, 0, AFFD), XF("wxn", CD0, 0, WXN), XF("uwxn", CD0, 0, UWXN),
    XF("tbi0", CD0, 0, TBI0), XF("tbi1", CD0, 0, TBI1), XF("pan", CD0, 0, PAN), XF("aa64", CD0, 0, AA64),
    XF("hd", CD0, 0, HD), XF("ha", CD0, 0, HA), XF("s", CD0, 0, S), XF("r", CD0, 0, R), XF("a", CD0, 0, A),
    XF("aset", CD0, 0, ASET), XF("asid", CD0, 0, ASID), XF("had0", CD1, 1, HAD0), XA("ttb0", CD1, 1, TTB0, 4),
    XF("had1", CD2, 2, HAD1), XA("ttb1", CD2, 2, TTB1, 4),
};

/* Field ids beyond a table: dw0..dw7 (whole dwords) and the table shortcuts. */
enum { XF_DW = 1000, XF_PT = 2000, XF_PT1 = 2001, XF_S2 = 2002 };

struct xl_struct {
    const char *what;           /* "STE", "CD" */
    const struct xl_field *fields;
    unsigned n;
    const char *const *extra;   /* table shortcuts, NULL-terminated */
    const int *extra_ids;
};

static const char *const ste_extra[] = { "s2", NULL };
static const int ste_extra_ids[] = { XF_S2 };
static const char *const cd_extra[] = { "pt", "pt1", NULL };
static const int cd_extra_ids[] = { XF_PT, XF_PT1 };
static const struct xl_struct ste_struct = { "STE", ste_fields, G_N_ELEMENTS(ste_fields), ste_extra, ste_extra_ids };
static const struct xl_struct cd_struct = { "CD", cd_fields, G_N_ELEMENTS(cd_fields), cd_extra, cd_extra_ids };

struct cand_ctx {
    const struct xl_struct *s;
};

static const char *struct_cand(unsigned i, const void *ctx)
{
    static const char *const dws[] = { "dw0", "dw1", "dw2", "dw3", "dw4", "dw5", "dw6", "dw7" };
    const struct xl_struct *s = ((const struct cand_ctx *)ctx)->s;
    if (i < s->n)
        return s->fields[i].name;
    i -= s->n;
    for (unsigned k = 0; s->extra[k]; k++, i--)
        if (i == 0)
            return s->extra[k];
    return i < 8 ? dws[i] : NULL;
}

static bool check_struct_fields(struct scn_stmt *st, const struct xl_struct *s, GError **err)
{
    for (unsigned i = 0; i < st->u.verb.nfields; i++) {
        struct scn_field *f = &st->u.verb.fields[i];
        f->id = -1;
        for (unsigned k = 0; k < s->n; k++)
            if (!strcmp(f->name, s->fields[k].name))
                f->id = (int)k;
        for (unsigned k = 0; s->extra[k]; k++)
            if (!strcmp(f->name, s->extra[k]))
                f->id = s->extra_ids[k];
        if (strlen(f->name) == 3 && !strncmp(f->name, "dw", 2) && f->name[2] >= '0' && f->name[2] <= '7')
            f->id = XF_DW + (f->name[2] - '0');
        if (f->id >= 0)
            continue;
        struct cand_ctx c = { s };
        const char *sug = scn_suggest_fn(f->name, struct_cand, &c);
        scn_set_error(err, SCENARIO_ERROR_NAME, &f->pos, "unknown %s field '%s'%s%s%s", s->what, f->name,
                      sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        return false;
    }
    return true;
}

static bool field_given(const struct scn_stmt *st, const char *name)
{
    for (unsigned i = 0; i < st->u.verb.nfields; i++)
        if (!strcmp(st->u.verb.fields[i].name, name))
            return true;
    return false;
}

/* Words a field accepts: granules for the TG fields, enable words. */
static bool field_word(const struct xl_struct *s, const struct xl_field *xf, const char *w, uint64_t *v)
{
    if (!strcmp(w, "on") || !strcmp(w, "true"))
        return (*v = 1), true;
    if (!strcmp(w, "off") || !strcmp(w, "false"))
        return (*v = 0), true;
    return false;
}

/* The TG encodings: TG0 / S2TG 0 4K, 1 64K, 2 16K; TG1 1 16K, 2 4K, 3 64K. */
static bool tg_value(const char *name, uint64_t v, uint64_t *enc)
{
    unsigned g;
    if (v <= 3) {
        *enc = v;
        return true;
    }
    if (!granule_shift_of(v, &g))
        return false;
    if (!strcmp(name, "tg1"))
        *enc = g == 14 ? 1 : g == 12 ? 2 : 3;
    else
        *enc = ptb_tg0_of(g);
    return true;
}

/* A field of an STE or CD as evaluated: a word as text, else the number
 * before any encoding (the replay encodes it again). */
static void rec_field(struct scn_exec *x, const struct scn_field *f, const char *w, uint64_t v)
{
    if (!x->rec)
        return;
    if (w)
        scn_rec_arg_word(x->rec, f->name, w);
    else
        scn_rec_arg(x->rec, f->name, v);
}

static bool set_struct_field(struct scn_exec *x, const struct xl_struct *s, const struct scn_field *f,
                             uint64_t dw[8], GError **err)
{
    const struct xl_field *xf = &s->fields[f->id];
    uint64_t v = 0;
    const char *w;
    if (!word_or_u64(x, f, &w, &v, err))
        return false;
    rec_field(x, f, w, v);
    if (w && !field_word(s, xf, w, &v))
        return scn_value_error(err, &f->pos, "%s field %s needs a number, not '%s'", s->what, f->name, w);
    if (!strcmp(f->name, "tg0") || !strcmp(f->name, "tg1") || !strcmp(f->name, "s2tg")) {
        if (!tg_value(f->name, v, &v))
            return scn_value_error(err, &f->pos, "%s must be 4K, 16K, 64K or an encoding 0..3, not %" PRIu64, f->name, v);
    }
    if (xf->scale) {
        if (v & ((1ull << xf->scale) - 1))
            return scn_value_error(err, &f->pos, "%s 0x%" PRIx64 " must be aligned to %u bytes", f->name, v,
                             1u << xf->scale);
        v >>= xf->scale;
    }
    if (xf->len < 64 && v >> xf->len)
        return scn_value_error(err, &f->pos, "%s 0x%" PRIx64 " does not fit in the %u-bit %s field", f->name,
                         xf->scale ? v << xf->scale : v, xf->len, f->name);
    dw[xf->dw] = sim_deposit64(dw[xf->dw], xf->shift, xf->len, v);
    return true;
}

/* Apply every field of the statement: shortcuts first (a page table fills
 * several fields), then the named fields, then whole dwords. */
static bool apply_fields(struct scn_exec *x, const struct scn_stmt *st, const struct xl_struct *s, uint64_t dw[8],
                         GError **err)
{
    for (int pass = 0; pass < 3; pass++)
        for (unsigned i = 0; i < st->u.verb.nfields; i++) {
            const struct scn_field *f = &st->u.verb.fields[i];
            int kind = f->id >= XF_PT ? 0 : f->id >= XF_DW ? 2 : 1;
            if (kind != pass)
                continue;
            if (pass == 1) {
                if (s == &ste_struct && !strcmp(f->name, "config"))
                    continue;   /* ste_defaults() took it */
                if (!set_struct_field(x, s, f, dw, err))
                    return false;
                continue;
            }
            uint64_t v = 0;
            if (!field_u64(x, f, &v, err))
                return false;
            if (pass == 2) {
                rec_field(x, f, NULL, v);
                dw[f->id - XF_DW] = v;
                continue;
            }
            struct xl_pt *t = obj_get(x, XL_PT, v, &f->pos, err);
            if (!t)
                return false;
            if (x->rec)
                scn_rec_arg_object(x->rec, f->name, t->name, v);
            if ((f->id == XF_S2) != t->tt.s2)
                return scn_value_error(err, &f->pos, "%s=%s needs a stage-%d table, and '%s' is stage %d", f->name,
                                 t->name, f->id == XF_S2 ? 2 : 1, t->name, t->tt.s2 ? 2 : 1);
            if (f->id == XF_S2) {
                unsigned ps = (unsigned)SIM_FIELD_EX64(dw[2], STE2, S2PS);
                uint16_t vmid = (uint16_t)SIM_FIELD_EX64(dw[2], STE2, S2VMID);
                ptb_ste_set_s2(dw, &t->tt, vmid, ps);
            } else if (f->id == XF_PT) {
                dw[0] = SIM_FIELD_DP64(dw[0], CD0, T0SZ, t->tt.tsz);
                dw[0] = SIM_FIELD_DP64(dw[0], CD0, TG0, ptb_tg0_of(t->tt.granule_shift));
                dw[0] = SIM_FIELD_DP64(dw[0], CD0, EPD0, 0);
                dw[1] = SIM_FIELD_DP64(dw[1], CD1, TTB0, ptb_tt_base(&t->tt) >> 4);
            } else {
                ptb_cd_set_tt1(dw, &t->tt);
            }
        }
    return true;
}

/* --------------------------------------------------------------- ste */

static const struct scn_param ste_params[] = {
    { "sid", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "StreamID" },
};

static const char *const config_words[] = { "abort", "bypass", "s1", "s2", "nested" };
static const unsigned config_codes[] = { 0, 4, 5, 6, 7 };

/* `config=s1` means the word even where a variable s1 exists. */
static bool check_ste(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    for (unsigned i = 0; i < st->u.verb.nfields; i++) {
        struct scn_field *f = &st->u.verb.fields[i];
        if (strcmp(f->name, "config") || !f->e || f->e->kind != EX_VAR)
            continue;
        for (size_t k = 0; k < G_N_ELEMENTS(config_words); k++)
            if (!strcmp(f->e->u.var.name, config_words[k])) {
                f->word = config_words[k];
                f->e = NULL;
                break;
            }
    }
    return check_struct_fields(st, &ste_struct, err);
}

/* The STE's Config and the defaults that go with it: V = 1; stage 2 in
 * AArch64 format, recording faults (S2AA64 = S2R = 1) with S2PS = 48 bits. */
static bool ste_defaults(struct scn_exec *x, const struct scn_stmt *st, uint64_t ste[8], GError **err)
{
    memset(ste, 0, 64);
    const struct scn_field *cf = NULL;
    for (unsigned i = 0; i < st->u.verb.nfields; i++)
        if (!strcmp(st->u.verb.fields[i].name, "config"))
            cf = &st->u.verb.fields[i];
    if (!cf) {
        if (field_given(st, "dw0"))
            return true;
        return scn_value_error(err, &st->pos, "ste needs config=abort|bypass|s1|s2|nested (or raw dw0=...)");
    }
    uint64_t code = 0;
    const char *w;
    if (!word_or_u64(x, cf, &w, &code, err))
        return false;
    rec_field(x, cf, w, code);
    if (w) {
        size_t k;
        for (k = 0; k < G_N_ELEMENTS(config_words) && strcmp(w, config_words[k]); k++)
            ;
        if (k == G_N_ELEMENTS(config_words)) {
            const char *sug = scn_suggest(w, config_words, G_N_ELEMENTS(config_words));
            return scn_value_error(err, &cf->pos, "config must be abort, bypass, s1, s2, nested or 0..7, not '%s'%s%s%s", w,
                             sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        }
        code = config_codes[k];
    } else if (code > 7) {
        return scn_value_error(err, &cf->pos, "config must be abort, bypass, s1, s2, nested or 0..7, not %" PRIu64, code);
    }
    ptb_ste_init(ste, (unsigned)code);
    if (code & 2) {
        ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2AA64, 1);
        ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2R, 1);
        ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2PS, 5);
    }
    return true;
}

static bool run_ste(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_xlate *xl = xl_state(x);
    uint64_t sid, ste[8], pa;
    if (!setup(x, st, err) || !xarg(x, st, 0, 0, &sid, err))
        return false;
    if (!xl->have_strtab) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "ste: no stream table (declare one with 'strtab')");
        return false;
    }
    if (sid > UINT32_MAX)
        return scn_value_error(err, &st->u.verb.args[0].pos, "StreamID 0x%" PRIx64 " does not fit in 32 bits", sid);
    if (!ste_defaults(x, st, ste, err) || !apply_fields(x, st, &ste_struct, ste, err))
        return false;
    GError *e = NULL;
    rec_acting(x);
    if (!ptb_strtab_put_checked(&xl->st, (uint32_t)sid, ste, &pa, &e))
        return ptb_fail(&st->pos, "ste", e, err);
    rec_out(x, pa);
    scn_set_var(x, st->u.verb.out_slot, pa);
    return true;
}

/* ---------------------------------------------------------------- cd */

static const struct scn_param cd_params[] = {
    { "addr", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "physical address of the 64-byte CD" },
};

static bool check_cd(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    return check_struct_fields(st, &cd_struct, err);
}

/* A valid AArch64 CD recording faults (A = R = 1), TTB1 disabled, IPS 48 bits. */
static void cd_defaults(uint64_t cd[8])
{
    memset(cd, 0, 64);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, V, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, AA64, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, A, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, R, 1);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, IPS, 5);
    cd[0] = SIM_FIELD_DP64(cd[0], CD0, EPD1, 1);
}

static bool run_cd(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t addr, cd[8];
    if (!setup(x, st, err) || !xarg(x, st, 0, 0, &addr, err))
        return false;
    if (addr & 63)
        return scn_value_error(err, &st->u.verb.args[0].pos, "CD address 0x%" PRIx64 " must be 64-byte aligned", addr);
    cd_defaults(cd);
    if (!apply_fields(x, st, &cd_struct, cd, err))
        return false;
    rec_acting(x);
    for (unsigned i = 0; i < 8; i++)
        if (addr > UINT64_MAX - 63 || sim_mem_write64(x->m->mem, addr + 8 * i, cd[i]) != SIM_MEM_OK) {
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "cd: the write at 0x%" PRIx64 " aborted", addr);
            return false;
        }
    return true;
}

/* ---------------------------------------------------------------- pt */

static const struct scn_param pt_params[] = {
    { "name", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "name of the table" },
    { "granule", SCN_K_INT, 0, "4K (default), 16K or 64K" },
    { "stage", SCN_K_INT, 0, "1 (default) or 2" },
    { "ias", SCN_K_INT, 0, "input address bits, 25..48 (default 48; TxSZ = 64 - ias)" },
    { "sl0", SCN_K_INT, 0, "stage 2: S2SL0 (default: the deepest start level, concatenating tables)" },
    { "root", SCN_K_INT, 0, "physical address of the root (default: from the arena)" },
    { "arena", SCN_K_INT, 0, "arena for the tables (default: the last declared)" },
    { "offset", SCN_K_INT, 0, "nested stage 1: tables are at IPA = PA - offset" },
};

static bool run_pt(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t granule, stage, ias, sl0, root, offset;
    unsigned gshift, ai = 0;
    if (!setup(x, st, err))
        return false;
    rec_decl(x, st);
    if (!xarg(x, st, 1, 4096, &granule, err) || !xarg(x, st, 2, 1, &stage, err) ||
        !xarg(x, st, 3, 48, &ias, err) || !xarg(x, st, 4, 0, &sl0, err) ||
        !xarg(x, st, 5, 0, &root, err) || !xarg(x, st, 7, 0, &offset, err))
        return false;
    if (!granule_shift_of(granule, &gshift))
        return scn_value_error(err, &st->u.verb.args[1].pos, "granule must be 4K, 16K or 64K, not %" PRIu64, granule);
    if (stage != 1 && stage != 2)
        return scn_value_error(err, &st->u.verb.args[2].pos, "stage must be 1 or 2, not %" PRIu64, stage);
    if (ias < 25 || ias > 48)
        return scn_value_error(err, &st->u.verb.args[3].pos, "ias must be 25..48 bits, not %" PRIu64, ias);
    if (st->u.verb.args[4].set && (stage != 2 || sl0 > 2))
        return scn_value_error(err, &st->u.verb.args[4].pos, stage != 2 ? "sl0 applies to stage-2 tables only"
                         : "sl0 must be 0..2, not %" PRIu64, sl0);
    if (name_taken(x, st, XL_PT, err))
        return false;
    struct ptb *b = arena_for(x, st, 6, &ai, err);
    if (!b)
        return false;
    struct xl_pt *t = g_new0(struct xl_pt, 1);
    GError *e = NULL;
    rec_acting(x);
    bool ok = ptb_tt_layout(&t->tt, b, stage == 2, gshift, (unsigned)(64 - ias),
                            st->u.verb.args[4].set ? (int)sl0 : -1, &e) &&
              (st->u.verb.args[5].set ? ptb_tt_root_at(&t->tt, root, &e) : ptb_tt_root_alloc(&t->tt, &e));
    if (!ok) {
        g_free(t);
        return ptb_fail(&st->pos, "pt", e, err);
    }
    if (offset > t->tt.root) {
        scn_value_error(err, &st->u.verb.args[7].pos, "offset 0x%" PRIx64 " is above the root 0x%" PRIx64, offset,
                  t->tt.root);
        g_free(t);
        return false;
    }
    t->tt.table_offset = offset;
    t->arena = ai;
    obj_add(x, st, XL_PT, t, &t->name);
    rec_out(x, ptb_tt_base(&t->tt));
    scn_set_var(x, st->u.verb.out_slot, ptb_tt_base(&t->tt));
    return true;
}

/* ------------------------------------------------------------ map/unmap */

static const struct scn_param map_params[] = {
    { "table", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "a page table (pt)" },
    { "va", SCN_K_INT, SCN_P_REQ, "input address (stage 2: IPA)" },
    { "pa", SCN_K_INT, SCN_P_REQ, "output address" },
    { "size", SCN_K_INT, 0, "a page or block size, or a multiple of the page (default: one page)" },
    { "perm", SCN_K_WORD, 0, "r, w, x in any combination, or none (default rw)" },
    { "af", SCN_K_INT, 0, "Access flag (default 1)" },
    { "ng", SCN_K_INT, 0, "stage 1: not global (default 0)" },
    { "priv", SCN_K_INT, 0, "stage 1: privileged access only (default 0)" },
    { "device", SCN_K_INT, 0, "stage 2: Device memory (default 0: Normal)" },
    { "dbm", SCN_K_INT, 0, "dirty bit modifier (default 0)" },
    { "attr", SCN_K_INT, 0, "raw descriptor bits ORed in" },
};

static bool perm_bits(const struct scn_stmt *st, const char *w, unsigned *perm, GError **err)
{
    *perm = 0;
    if (!strcmp(w, "none"))
        return true;
    for (const char *c = w; *c; c++) {
        unsigned bit = *c == 'r' ? 1 : *c == 'w' ? 2 : *c == 'x' ? 4 : 0;
        if (!bit || (*perm & bit))
            return scn_value_error(err, &st->u.verb.args[4].pos, "perm must be letters r, w, x (each once) or none, not '%s'", w);
        *perm |= bit;
    }
    return true;
}

/* Leaf attributes (Arm ARM D8.3: stage 1 AP[2:1], UXN/PXN, nG; stage 2
 * S2AP, XN, MemAttr). */
static bool map_attrs(struct scn_exec *x, const struct scn_stmt *st, const struct xl_pt *t, uint64_t *attrs,
                      GError **err)
{
    uint64_t af, ng, priv, device, dbm, raw;
    unsigned perm = 3;
    rec_word(x, st, 4);
    if ((st->u.verb.args[4].set && !perm_bits(st, st->u.verb.args[4].word, &perm, err)) ||
        !xarg(x, st, 5, 1, &af, err) || !xarg(x, st, 6, 0, &ng, err) ||
        !xarg(x, st, 7, 0, &priv, err) || !xarg(x, st, 8, 0, &device, err) ||
        !xarg(x, st, 9, 0, &dbm, err) || !xarg(x, st, 10, 0, &raw, err))
        return false;
    uint64_t a = (af ? PTB_AF : 0) | (dbm ? PTB_DBM : 0) | raw;
    if (!t->tt.s2) {
        if (device)
            return scn_value_error(err, &st->u.verb.args[8].pos, "device applies to stage-2 tables");
        if (!(perm & 1))
            return scn_value_error(err, &st->u.verb.args[4].pos, "a stage-1 page is always readable: perm needs r");
        a |= PTB_AP((perm & 2 ? 0 : 2) | (priv ? 0 : 1));
        a |= perm & 4 ? 0 : PTB_UXN | PTB_PXN;
        a |= ng ? PTB_NG : 0;
    } else {
        if (st->u.verb.args[6].set || st->u.verb.args[7].set)
            return scn_value_error(err, &st->pos, "ng and priv apply to stage-1 tables");
        a |= PTB_AP(perm & 3) | (perm & 4 ? 0 : PTB_UXN) | (device ? PTB_S2_DEVICE : PTB_S2_NORMAL);
    }
    *attrs = a;
    return true;
}

static bool run_map(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t va, pa, size, attrs = 0;
    struct xl_pt *t;
    if (!setup(x, st, err) || !(t = obj_arg(x, st, 0, XL_PT, err)) || !xarg(x, st, 1, 0, &va, err) ||
        !xarg(x, st, 2, 0, &pa, err) || !xarg(x, st, 3, 1ull << t->tt.granule_shift, &size, err) ||
        !map_attrs(x, st, t, &attrs, err))
        return false;
    GError *e = NULL;
    rec_acting(x);
    if (!ptb_tt_map_checked(&t->tt, va, pa, size, attrs, &e))
        return ptb_fail(&st->pos, t->name, e, err);
    return true;
}

static const struct scn_param unmap_params[] = {
    { "table", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "a page table (pt)" },
    { "va", SCN_K_INT, SCN_P_REQ, "input address" },
    { "size", SCN_K_INT, 0, "bytes (default: one page)" },
};

static bool run_unmap(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t va, size;
    struct xl_pt *t;
    if (!setup(x, st, err) || !(t = obj_arg(x, st, 0, XL_PT, err)) || !xarg(x, st, 1, 0, &va, err) ||
        !xarg(x, st, 2, 1ull << t->tt.granule_shift, &size, err))
        return false;
    GError *e = NULL;
    rec_acting(x);
    if (!ptb_tt_unmap_checked(&t->tt, va, size, &e))
        return ptb_fail(&st->pos, t->name, e, err);
    return true;
}

/* ------------------------------------------------------------ endpoint */

static const struct scn_param endpoint_params[] = {
    { "name", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "name (statistics endpoint.NAME.*)" },
    { "sid", SCN_K_INT, SCN_P_REQ, "StreamID" },
    { "ats", SCN_K_WORD, 0, "on or off (default: endpoint.ats)" },
};

static bool run_endpoint(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t sid;
    const struct scn_arg *ats = &st->u.verb.args[2];
    if (!setup(x, st, err))
        return false;
    rec_decl(x, st);
    rec_word(x, st, 2);
    if (!xarg(x, st, 1, 0, &sid, err) || name_taken(x, st, XL_ENDPOINT, err))
        return false;
    if (sid > UINT32_MAX)
        return scn_value_error(err, &st->u.verb.args[1].pos, "StreamID 0x%" PRIx64 " does not fit in 32 bits", sid);
    struct smmu_endpoint_cfg cfg;
    smmu_endpoint_cfg_from_params(&cfg, x->params);
    if (ats->set) {
        if (strcmp(ats->word, "on") && strcmp(ats->word, "off"))
            return scn_value_error(err, &ats->pos, "ats must be on or off, not '%s'", ats->word);
        cfg.ats = !strcmp(ats->word, "on");
    }
    GError *e = NULL;
    rec_acting(x);
    struct smmu_endpoint *ep = smmu_endpoint_new(x->m->smmu, st->u.verb.args[0].word, (uint32_t)sid, &cfg, &e);
    if (!ep) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "endpoint: %s", e->message);
        g_error_free(e);
        return false;
    }
    struct xl_endpoint *o = g_new0(struct xl_endpoint, 1);
    o->ep = ep;
    return obj_add(x, st, XL_ENDPOINT, o, &o->name);
}

/* ------------------------------------------------------------------ dma */

static const struct scn_param dma_params[] = {
    { "endpoint", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "an endpoint" },
    { "addr", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "IOVA" },
    { "size", SCN_K_INT, 0, "bytes, 1..64K (default 8)" },
    { "ssid", SCN_K_INT, 0, "SubstreamID (default: none)" },
    { "priv", SCN_K_INT, 0, "privileged (default 0)" },
    { "insn", SCN_K_INT, 0, "instruction fetch (default 0)" },
    { "value", SCN_K_INT, 0, "write: the data, little-endian, repeated every 8 bytes (default 0)" },
};

struct dma_wait {
    bool done;
    struct smmu_dma_result r;
};

static void dma_done(void *opaque, const struct smmu_dma_result *r)
{
    struct dma_wait *w = opaque;
    w->done = true;
    w->r = *r;
}

static bool run_dma(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_xlate *xl = xl_state(x);
    struct xl_endpoint *o;
    uint64_t addr, size, ssid, priv, insn, value;
    bool write = !strcmp(st->u.verb.verb->sub, "write");
    if (!setup(x, st, err) || !(o = obj_arg(x, st, 0, XL_ENDPOINT, err)) || !xarg(x, st, 1, 0, &addr, err) ||
        !xarg(x, st, 2, 8, &size, err) || !xarg(x, st, 3, 0, &ssid, err) ||
        !xarg(x, st, 4, 0, &priv, err) || !xarg(x, st, 5, 0, &insn, err) ||
        !xarg(x, st, 6, 0, &value, err))
        return false;
    if (!size || size > SMMU_EP_MAX_LEN)
        return scn_value_error(err, &st->u.verb.args[2].pos, "size must be 1..%u bytes, not %" PRIu64, SMMU_EP_MAX_LEN, size);
    if (st->u.verb.args[6].set && !write)
        return scn_value_error(err, &st->u.verb.args[6].pos, "value applies to dma write");
    if (ssid >= 1u << 20)
        return scn_value_error(err, &st->u.verb.args[3].pos, "ssid 0x%" PRIx64 " does not fit in 20 bits", ssid);
    for (uint64_t i = 0; i < size; i++)
        xl->dma_buf[i] = write ? (uint8_t)(value >> (8 * (i % 8))) : 0;
    struct smmu_dma_req req = {
        .ssv = st->u.verb.args[3].set, .ssid = (uint32_t)ssid, .iova = addr, .len = (uint32_t)size,
        .access = (write ? SMMU_ACCESS_WRITE : 0) | (priv ? SMMU_ACCESS_PRIV : 0) | (insn ? SMMU_ACCESS_INSN : 0),
        .buf = xl->dma_buf,
    };
    struct dma_wait w = { 0 };
    GError *e = NULL;
    rec_acting(x);
    if (!smmu_endpoint_dma(o->ep, &req, dma_done, &w, &e)) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "dma: %s", e->message);
        g_error_free(e);
        return false;
    }
    while (!w.done) {
        sim_time_t t = sim_sched_next_time(&x->m->sched);
        enum sim_run_status rs = t == SIM_TIME_MAX ? SIM_RUN_STOPPED : sim_machine_run_until(x->m, t);
        if (rs != SIM_RUN_DONE && rs != SIM_RUN_EVENT_LIMIT) {
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "dma: the machine stopped before the transaction "
                          "completed");
            return false;
        }
    }
    uint64_t data = 0;
    for (uint64_t i = 0; !write && i < MIN(size, 8); i++)
        data |= (uint64_t)xl->dma_buf[i] << (8 * i);
    int32_t *outs = (int32_t *)st->u.verb.outs;
    uint64_t vals[SCN_MAX_OUTS] = { w.r.ok, w.r.ok ? w.r.pa : 0, w.r.completed - w.r.issued, data };
    for (unsigned i = 0; i < (write ? 3u : 4u); i++)
        rec_out(x, vals[i]);
    for (unsigned i = 0; i < st->u.verb.nouts; i++)
        scn_set_var(x, outs[i], vals[i]);
    return true;
}

/* ------------------------------------------------------------ functions */

static bool ret(struct scn_value *out, uint64_t v)
{
    out->s = NULL;
    out->i = v;
    return true;
}

static bool arg(struct scn_exec *x, const struct scn_expr *c, unsigned i, uint64_t *v, GError **err)
{
    return scn_eval_u64(x, c->u.call.args[i], v, err);
}

/* translate(sid, iova [, access [, ssid]]): the output address, or
 * 0xFFFFFFFFFFFFFFFF when the transaction faults or aborts. */
static bool fn_translate(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    uint64_t sid, iova, access = 0, ssid = 0;
    if (!arg(x, c, 0, &sid, err) || !arg(x, c, 1, &iova, err) ||
        (c->u.call.nargs > 2 && !arg(x, c, 2, &access, err)) || (c->u.call.nargs > 3 && !arg(x, c, 3, &ssid, err)) ||
        !scn_need_machine(x, &c->pos, err))
        return false;
    if (sid > UINT32_MAX || access > 7 || ssid >= 1u << 20)
        return scn_value_error(err, &c->pos, sid > UINT32_MAX ? "translate: sid 0x%" PRIx64 " does not fit in 32 bits"
                         : access > 7 ? "translate: access %" PRIu64 " is not a set of 1 write, 2 insn, 4 priv"
                         : "translate: ssid 0x%" PRIx64 " does not fit in 20 bits",
                         sid > UINT32_MAX ? sid : access > 7 ? access : ssid);
    struct smmu_txn txn = { (uint32_t)sid, c->u.call.nargs > 3, (uint32_t)ssid, iova, (unsigned)access };
    struct smmu_txn_result r;
    uint64_t oa = smmu_translate(x->m->smmu, &txn, &r) ? r.oa : UINT64_MAX;
    if (x->rec) {   /* it filled caches and may have recorded a fault: a replay must repeat it */
        const uint64_t args[] = { sid, iova, access, ssid };
        scn_rec_names(x->rec, x->s->var_index);
        scn_rec_call(x->rec, sim_now(&x->m->sched), "translate", args, c->u.call.nargs, oa);
    }
    return ret(out, oa);
}

/* The event queue as software sees it: base, size, CONS and PROD. */
struct evtq_view {
    uint64_t base;
    unsigned log2size;
    uint32_t prod, cons;
};

static void evtq_read(struct scn_exec *x, struct evtq_view *q)
{
    uint64_t b = smmu_peek(x, "EVENTQ_BASE");
    uint64_t cap = SIM_FIELD_EX64(smmu_peek(x, "IDR1"), IDR1, EVENTQS);
    q->log2size = (unsigned)MIN(SIM_FIELD_EX64(b, Q_BASE, LOG2SIZE), cap);
    q->base = smmu_q_effective_base(SIM_FIELD_EX64(b, Q_BASE, ADDR) << 5, q->log2size, 5);
    q->prod = smmu_q_ptr(q->log2size, (uint32_t)smmu_peek(x, "EVENTQ_PROD"));
    q->cons = smmu_q_ptr(q->log2size, (uint32_t)smmu_peek(x, "EVENTQ_CONS"));
}

static bool fn_evtq_count(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    struct evtq_view q;
    if (!scn_need_machine(x, &c->pos, err))
        return false;
    evtq_read(x, &q);
    return ret(out, smmu_q_used(q.log2size, q.prod, q.cons));
}

/* Fields of a record, decoded independently of the model's encoder
 * (ptb_event_decode; smmuv3.md §4.1). */
static bool event_field(const uint64_t rec[4], const char *name, struct scn_value *out)
{
    struct ptb_event e;
    ptb_event_decode(rec, &e);
    const struct { const char *name; uint64_t v; } f[] = {
        { "type", e.type }, { "sid", e.sid }, { "ssid", e.ssid }, { "ssv", e.ssv }, { "stag", e.stag },
        { "stall", e.stall }, { "pnu", e.pnu }, { "ind", e.ind }, { "rnw", e.rnw }, { "s2", e.s2 },
        { "class", e.cls }, { "ttrnw", e.ttrnw }, { "input_addr", e.input_addr },
        { "ipa", e.dword3 & 0x00FFFFFFFFFFF000ull }, { "fetch_addr", e.dword3 & 0x00FFFFFFFFFFFFF8ull },
        { "dw0", rec[0] }, { "dw1", rec[1] }, { "dw2", rec[2] }, { "dw3", rec[3] },
    };
    if (!strcmp(name, "name")) {
        out->s = smmu_event_name(e.type);
        out->i = 0;
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(f); i++)
        if (!strcmp(f[i].name, name))
            return ret(out, f[i].v);
    return false;
}

static const char *const event_field_names[] = { "name", "type", "sid", "ssid", "ssv", "stag", "stall", "pnu", "ind",
                                                  "rnw", "s2", "class", "ttrnw", "input_addr", "ipa", "fetch_addr",
                                                  "dw0", "dw1", "dw2", "dw3" };

/* event(i, "field"): a field of the i-th record after CONS. */
static bool fn_event(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    uint64_t i;
    struct scn_value name;
    struct evtq_view q;
    if (!arg(x, c, 0, &i, err) || !scn_eval(x, c->u.call.args[1], &name, err) || !scn_need_machine(x, &c->pos, err))
        return false;
    if (!name.s)
        return scn_value_error(err, &c->pos, "event() needs a field name in quotes, e.g. event(0, \"type\")");
    evtq_read(x, &q);
    uint32_t n = smmu_q_used(q.log2size, q.prod, q.cons);
    if (i >= n)
        return scn_value_error(err, &c->pos, "event(%" PRIu64 "): the event queue holds %u record%s", i, n, n == 1 ? "" : "s");
    uint64_t addr = smmu_q_entry_addr(q.base, q.log2size, smmu_q_add(q.log2size, q.cons, (uint32_t)i), 5), rec[4];
    for (unsigned k = 0; k < 4; k++)
        if (sim_mem_read64(x->m->mem, addr + 8 * k, &rec[k]) != SIM_MEM_OK)
            return scn_value_error(err, &c->pos, "event(%" PRIu64 "): the read of the record at 0x%" PRIx64 " aborted", i,
                             addr);
    if (event_field(rec, name.s, out))
        return true;
    const char *sug = scn_suggest(name.s, event_field_names, G_N_ELEMENTS(event_field_names));
    scn_set_error(err, SCENARIO_ERROR_NAME, &c->pos, "unknown event field '%s'%s%s%s", name.s,
                  sug ? " (did you mean '" : "", sug ? sug : " (fields: name, type, sid, ssid, ssv, input_addr, ipa, "
                  "fetch_addr, rnw, ind, pnu, s2, class, ttrnw, stall, stag, dw0..dw3)", sug ? "'?)" : "");
    return false;
}

const struct scn_func scn_xlate_funcs[] = {
    { "translate", 2, 4, SCN_FARG_EXPR, fn_translate },
    { "evtq_count", 0, 0, SCN_FARG_EXPR, fn_evtq_count },
    { "event", 2, 2, SCN_FARG_EXPR, fn_event },
};
const unsigned scn_xlate_funcs_count = G_N_ELEMENTS(scn_xlate_funcs);

/* ---------------------------------------------------------------- table */

/* Each verb's record line ends with the statement: written when it
 * succeeded, kept inside `expect_error { }` when it failed after acting. */
static bool rec_finish(struct scn_exec *x, bool ok)
{
    if (x->rec) {
        if (ok)
            scn_rec_end(x->rec);
        else
            scn_rec_failed(x->rec);
    }
    return ok;
}

#define RECORDED(fn)                                                                  \
    static bool fn##_recorded(struct scn_exec *x, const struct scn_stmt *st, GError **err) \
    {                                                                                 \
        return rec_finish(x, fn(x, st, err));                                         \
    }
RECORDED(run_arena)
RECORDED(run_strtab)
RECORDED(run_ste)
RECORDED(run_cd)
RECORDED(run_map)
RECORDED(run_unmap)
RECORDED(run_pt)
RECORDED(run_endpoint)
RECORDED(run_dma)

#define P(t) t, G_N_ELEMENTS(t)

const struct scn_verb scn_xlate_verbs[] = {
    { "arena", NULL, "arena NAME base=ADDR size=BYTES", P(arena_params), 0, check_decl, run_arena_recorded },
    { "strtab", NULL, "strtab [base=ADDR] log2size=N [fmt=linear|twolevel] [split=6|8|10] [arena=A]", P(strtab_params), 0,
      NULL, run_strtab_recorded },
    { "ste", NULL, "ste SID config=abort|bypass|s1|s2|nested [field=value ...] [s2=PT] [dw0..dw7=...] [-> pa]",
      P(ste_params), SCN_V_FIELDS | SCN_V_WORDS | SCN_V_OUTPUT, check_ste, run_ste_recorded },
    { "cd", NULL, "cd ADDR [pt=PT] [asid=N] [field=value ...] [dw0..dw7=...]", P(cd_params), SCN_V_FIELDS | SCN_V_WORDS,
      check_cd, run_cd_recorded },
    { "pt", "map", "pt map PT va=ADDR pa=ADDR [size=BYTES] [perm=rwx] [af=1] [ng=0] [priv=0] [device=0] [dbm=0] "
      "[attr=BITS]", P(map_params), 0, NULL, run_map_recorded },
    { "pt", "unmap", "pt unmap PT va=ADDR [size=BYTES]", P(unmap_params), 0, NULL, run_unmap_recorded },
    { "pt", NULL, "pt NAME [granule=4K|16K|64K] [stage=1|2] [ias=N] [sl0=N] [root=ADDR] [arena=A] [offset=K] "
      "[-> ttb]", P(pt_params), SCN_V_OUTPUT, check_decl, run_pt_recorded },
    { "endpoint", NULL, "endpoint NAME sid=SID [ats=on|off]", P(endpoint_params), 0, check_decl, run_endpoint_recorded },
    { "dma", "read", "dma read EP ADDR [size=N] [ssid=N] [priv=1] [insn=1] [-> ok, pa, latency, data]", P(dma_params),
      SCN_V_OUTPUTS, NULL, run_dma_recorded },
    { "dma", "write", "dma write EP ADDR [size=N] [ssid=N] [priv=1] [value=V] [-> ok, pa, latency]", P(dma_params),
      SCN_V_OUTPUTS, NULL, run_dma_recorded },
};
const unsigned scn_xlate_verbs_count = G_N_ELEMENTS(scn_xlate_verbs);
