/*
 * expr.c — evaluation of expressions and the built-in functions.
 *
 * Values are unsigned 64-bit integers (times are picoseconds) or strings.
 * Arithmetic is checked: a result that does not fit, a subtraction below
 * zero, a shift of 64 or more or one that loses set bits, and division by
 * zero are errors at the operator's position, never a silent wrap.
 * Evaluation allocates nothing.
 *
 * Functions that look at the machine (reg, mem32, stat, drained...) observe
 * without acting: they charge no simulated time and are not recorded.
 */
#include <string.h>
#include "sim/machine/machine.h"
#include "sim/params.h"
#include "sim/stats.h"
#include "models/smmuv3/smmuv3.h"
#include "sim/scenario/scn-internal.h"

static const char *op_text(enum scn_tok op)
{
    switch (op) {
    case TK_PLUS: return "+";
    case TK_MINUS: return "-";
    case TK_STAR: return "*";
    case TK_SLASH: return "/";
    case TK_PERCENT: return "%";
    case TK_SHL: return "<<";
    case TK_SHR: return ">>";
    case TK_AMP: return "&";
    case TK_PIPE: return "|";
    case TK_CARET: return "^";
    case TK_TILDE: return "~";
    case TK_NOT: return "!";
    case TK_EQ: return "==";
    case TK_NE: return "!=";
    case TK_LT: return "<";
    case TK_LE: return "<=";
    case TK_GT: return ">";
    case TK_GE: return ">=";
    case TK_ANDAND: return "&&";
    case TK_OROR: return "||";
    default: return "?";
    }
}

bool scn_value_error(GError **err, const struct scn_pos *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    scn_set_error(err, SCENARIO_ERROR_VALUE, pos, "%s", msg);
    g_free(msg);
    return false;
}

static bool eval_arith(const struct scn_expr *e, uint64_t a, uint64_t b, uint64_t *r, GError **err)
{
    const struct scn_pos *pos = &e->pos;
    switch (e->u.op.op) {
    case TK_PLUS:
        if (a > UINT64_MAX - b)
            return scn_value_error(err, pos, "overflow: %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT
                               " does not fit in 64 bits", a, b);
        *r = a + b;
        return true;
    case TK_MINUS:
        if (b > a)
            return scn_value_error(err, pos, "negative result: %" G_GUINT64_FORMAT " - %" G_GUINT64_FORMAT
                               " (values are unsigned)", a, b);
        *r = a - b;
        return true;
    case TK_STAR:
        if (a && b > UINT64_MAX / a)
            return scn_value_error(err, pos, "overflow: %" G_GUINT64_FORMAT " * %" G_GUINT64_FORMAT
                               " does not fit in 64 bits", a, b);
        *r = a * b;
        return true;
    case TK_SLASH:
    case TK_PERCENT:
        if (!b)
            return scn_value_error(err, pos, "division by zero (%" G_GUINT64_FORMAT " %s 0)", a,
                               e->u.op.op == TK_SLASH ? "/" : "%");
        *r = e->u.op.op == TK_SLASH ? a / b : a % b;
        return true;
    case TK_SHL:
    case TK_SHR:
        if (b >= 64)
            return scn_value_error(err, pos, "shift count %" G_GUINT64_FORMAT " out of range 0..63", b);
        if (e->u.op.op == TK_SHR) {
            *r = a >> b;
            return true;
        }
        if (b && (a >> (64 - b)))
            return scn_value_error(err, pos, "overflow: %" G_GUINT64_FORMAT " << %" G_GUINT64_FORMAT
                               " loses bits", a, b);
        *r = a << b;
        return true;
    case TK_AMP: *r = a & b; return true;
    case TK_PIPE: *r = a | b; return true;
    case TK_CARET: *r = a ^ b; return true;
    case TK_EQ: *r = a == b; return true;
    case TK_NE: *r = a != b; return true;
    case TK_LT: *r = a < b; return true;
    case TK_LE: *r = a <= b; return true;
    case TK_GT: *r = a > b; return true;
    case TK_GE: *r = a >= b; return true;
    default:
        break;
    }
    scn_set_error(err, SCENARIO_ERROR_VALUE, pos, "operator '%s' is not binary", op_text(e->u.op.op));
    return false;
}

static bool need_int(const struct scn_expr *at, const struct scn_value *v, const char *what, GError **err)
{
    if (!v->s)
        return true;
    scn_set_error(err, SCENARIO_ERROR_VALUE, &at->pos, "%s needs a number, got the string \"%s\"", what, v->s);
    return false;
}

static bool eval_binary(struct scn_exec *x, const struct scn_expr *e, struct scn_value *out, GError **err)
{
    struct scn_value a, b;
    enum scn_tok op = e->u.op.op;
    if (!scn_eval(x, e->u.op.a, &a, err))
        return false;
    if (op == TK_ANDAND || op == TK_OROR) {
        if (!need_int(e, &a, op == TK_ANDAND ? "'&&'" : "'||'", err))
            return false;
        out->s = NULL;
        if ((op == TK_ANDAND) == !a.i) {
            out->i = op == TK_OROR;
            return true;
        }
        if (!scn_eval(x, e->u.op.b, &b, err) || !need_int(e, &b, op == TK_ANDAND ? "'&&'" : "'||'", err))
            return false;
        out->i = b.i != 0;
        return true;
    }
    return scn_eval(x, e->u.op.b, &b, err) && scn_apply_binary(e, &a, &b, out, err);
}

bool scn_apply_binary(const struct scn_expr *e, const struct scn_value *av, const struct scn_value *bv,
                      struct scn_value *out, GError **err)
{
    struct scn_value a = *av, b = *bv;
    enum scn_tok op = e->u.op.op;
    out->s = NULL;
    if (a.s || b.s) {
        if ((op == TK_EQ || op == TK_NE) && a.s && b.s) {
            out->i = (strcmp(a.s, b.s) == 0) == (op == TK_EQ);
            return true;
        }
        char what[32];
        snprintf(what, sizeof what, "operator '%s'", op_text(op));
        return need_int(e, a.s ? &a : &b, what, err);
    }
    return eval_arith(e, a.i, b.i, &out->i, err);
}

static bool eval_unary(struct scn_exec *x, const struct scn_expr *e, struct scn_value *out, GError **err)
{
    struct scn_value a;
    char what[32];
    snprintf(what, sizeof what, "operator '%s'", op_text(e->u.op.op));
    if (!scn_eval(x, e->u.op.a, &a, err) || !need_int(e, &a, what, err))
        return false;
    out->s = NULL;
    switch (e->u.op.op) {
    case TK_MINUS:
        if (a.i)
            return scn_value_error(err, &e->pos, "negative value -%" G_GUINT64_FORMAT
                               " (values are unsigned; use ~ for masks)", a.i);
        out->i = 0;
        return true;
    case TK_TILDE: out->i = ~a.i; return true;
    case TK_NOT: out->i = !a.i; return true;
    default: break;
    }
    scn_set_error(err, SCENARIO_ERROR_VALUE, &e->pos, "operator '%s' is not unary", op_text(e->u.op.op));
    return false;
}

bool scn_eval(struct scn_exec *x, const struct scn_expr *e, struct scn_value *out, GError **err)
{
    switch (e->kind) {
    case EX_INT:
        out->s = NULL;
        out->i = e->u.ival;
        return true;
    case EX_STR:
        out->s = e->u.str;
        out->i = 0;
        return true;
    case EX_VAR:
        if (!x->var_set[e->u.var.slot]) {
            scn_set_error(err, SCENARIO_ERROR_NAME, &e->pos, "variable '%s' is used before it is set",
                          e->u.var.name);
            return false;
        }
        *out = x->vars[e->u.var.slot];
        return true;
    case EX_NAME:
        scn_set_error(err, SCENARIO_ERROR_NAME, &e->pos, "unknown variable '%s'", e->u.name);
        return false;
    case EX_UNARY:
        return eval_unary(x, e, out, err);
    case EX_BINARY:
        return eval_binary(x, e, out, err);
    case EX_CALL:
        return e->u.call.fn->eval(x, e, out, err);
    }
    return false;
}

bool scn_eval_u64(struct scn_exec *x, const struct scn_expr *e, uint64_t *out, GError **err)
{
    struct scn_value v;
    if (!scn_eval(x, e, &v, err) || !need_int(e, &v, "this value", err))
        return false;
    *out = v.i;
    return true;
}

/* ------------------------------------------------------------ functions */

static bool arg_u64(struct scn_exec *x, const struct scn_expr *call, unsigned i, uint64_t *v, GError **err)
{
    return scn_eval_u64(x, call->u.call.args[i], v, err);
}

static bool ret(struct scn_value *out, uint64_t v)
{
    out->s = NULL;
    out->i = v;
    return true;
}

static bool fn_reg(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    uint64_t addr, v;
    unsigned size = 4;
    if (c->u.call.args[0]) {
        if (!arg_u64(x, c, 0, &addr, err))
            return false;
    } else {
        if (!scn_reg_addr(x, &c->u.call.reg, &c->pos, &addr, err))
            return false;
        size = c->u.call.reg.size;
    }
    if (c->u.call.nargs > 1) {
        uint64_t sz;
        if (!arg_u64(x, c, 1, &sz, err))
            return false;
        if (sz != 4 && sz != 8) {
            scn_set_error(err, SCENARIO_ERROR_VALUE, &c->pos, "reg() size must be 4 or 8, not %" G_GUINT64_FORMAT, sz);
            return false;
        }
        size = (unsigned)sz;
    }
    return scn_bus_peek(x, addr, size, &c->pos, &v, err) && ret(out, v);
}

static bool fn_bits(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    uint64_t v, hi, lo;
    if (!arg_u64(x, c, 0, &v, err) || !arg_u64(x, c, 1, &hi, err) || !arg_u64(x, c, 2, &lo, err))
        return false;
    if (hi > 63 || lo > hi) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &c->pos,
                      "bits(x, hi, lo) needs 63 >= hi >= lo, got hi=%" G_GUINT64_FORMAT " lo=%" G_GUINT64_FORMAT,
                      hi, lo);
        return false;
    }
    unsigned len = (unsigned)(hi - lo + 1);
    return ret(out, (v >> lo) & (len >= 64 ? ~0ULL : ((1ULL << len) - 1)));
}

static bool fn_minmax(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    uint64_t a, b;
    if (!arg_u64(x, c, 0, &a, err) || !arg_u64(x, c, 1, &b, err))
        return false;
    bool is_min = c->u.call.fn->name[1] == 'i';
    return ret(out, is_min ? (a < b ? a : b) : (a > b ? a : b));
}

static bool fn_now(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    if (!scn_need_machine(x, &c->pos, err))
        return false;
    return ret(out, sim_now(&x->m->sched));
}

static bool fn_elapsed(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    uint32_t m = c->u.call.obj;
    if (!x->mark_set[m]) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &c->pos, "mark '%s' has not been set yet",
                      (const char *)g_ptr_array_index(x->s->mark_names, m));
        return false;
    }
    if (!scn_need_machine(x, &c->pos, err))
        return false;
    return ret(out, sim_now(&x->m->sched) - x->marks[m]);
}

static bool fn_idle(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    if (!scn_need_machine(x, &c->pos, err))
        return false;
    return ret(out, sim_sched_pending(&x->m->sched) == 0);
}

static bool fn_drained(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    bool d;
    return scn_queue_drained(x, c->u.call.obj, &c->pos, &d, err) && ret(out, d);
}

static bool fn_mem(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    uint64_t addr;
    if (!arg_u64(x, c, 0, &addr, err) || !scn_need_machine(x, &c->pos, err))
        return false;
    unsigned size = (unsigned)(g_ascii_strtoull(c->u.call.fn->name + 3, NULL, 10) / 8);
    uint8_t buf[8] = { 0 };
    if (addr > UINT64_MAX - size + 1 || sim_mem_read(x->m->mem, addr, buf, size) != SIM_MEM_OK) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &c->pos, "%s(0x%" G_GINT64_MODIFIER "x): memory access aborted",
                      c->u.call.fn->name, addr);
        return false;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)buf[i] << (8 * i);
    return ret(out, v);
}

/* A counter, or a statistic of a histogram: "name.count|min|max|mean|p50|p90|p99|p999". */
static bool stat_value(const struct sim_stats *st, const char *name, uint64_t *v)
{
    if (sim_stats_lookup_counter(st, name, v))
        return true;
    const char *dot = strrchr(name, '.');
    if (!dot)
        return false;
    char *base = g_strndup(name, (gsize)(dot - name));
    const struct sim_hist *h = sim_stats_lookup_hist(st, base);
    g_free(base);
    if (!h)
        return false;
    static const struct { const char *name; uint32_t ppm; } pct[] = {
        { "p50", 500000 }, { "p90", 900000 }, { "p99", 990000 }, { "p999", 999000 },
    };
    const char *what = dot + 1;
    if (!strcmp(what, "count"))
        *v = h->count;
    else if (!strcmp(what, "min"))
        *v = sim_hist_min(h);
    else if (!strcmp(what, "max"))
        *v = h->max;
    else if (!strcmp(what, "mean"))
        *v = sim_hist_mean(h);
    else if (!strcmp(what, "sum"))
        *v = h->sum;
    else {
        size_t k;
        for (k = 0; k < G_N_ELEMENTS(pct); k++)
            if (!strcmp(what, pct[k].name))
                break;
        if (k == G_N_ELEMENTS(pct))
            return false;
        *v = sim_hist_percentile_ppm(h, pct[k].ppm);
    }
    return true;
}

static bool fn_stat(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    struct scn_value name;
    if (!scn_eval(x, c->u.call.args[0], &name, err))
        return false;
    if (!name.s) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &c->pos, "stat() needs a statistic name in quotes");
        return false;
    }
    if (!scn_need_machine(x, &c->pos, err))
        return false;
    uint64_t v;
    if (!stat_value(x->m->stats, name.s, &v)) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &c->pos,
                      "no statistic named '%s' (counters by name; histograms as NAME.count/min/max/mean/p50/p90/p99/p999)",
                      name.s);
        return false;
    }
    return ret(out, v);
}

static bool fn_param(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    struct scn_value name;
    if (!scn_eval(x, c->u.call.args[0], &name, err))
        return false;
    if (!name.s) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &c->pos, "param() needs a parameter name in quotes");
        return false;
    }
    if (!scn_need_machine(x, &c->pos, err))
        return false;
    if (!sim_params_exists(x->params, name.s)) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &c->pos, "no parameter named '%s'", name.s);
        return false;
    }
    char *text = sim_params_value_text(x->params, name.s);
    uint64_t v;
    bool b, ok = sim_parse_u64(text, &v);
    if (!ok && sim_parse_bool(text, &b)) {
        v = b;
        ok = true;
    }
    if (!ok)
        scn_set_error(err, SCENARIO_ERROR_VALUE, &c->pos, "parameter '%s' is not a number ('%s')", name.s, text);
    g_free(text);
    return ok && ret(out, v);
}

static bool fn_cycles(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    uint64_t n;
    if (!arg_u64(x, c, 0, &n, err) || !scn_need_machine(x, &c->pos, err))
        return false;
    const struct sim_clock *clk = smmu_clock(x->m->smmu);
    if (n && clk->period_ps > UINT64_MAX / n)
        return scn_value_error(err, &c->pos, "overflow: %" G_GUINT64_FORMAT " cycles of %" G_GUINT64_FORMAT
                           " ps", n, clk->period_ps);
    return ret(out, sim_cycles(clk, n));
}

static const struct scn_func funcs[] = {
    { "reg", 1, 2, SCN_FARG_REG, fn_reg },
    { "bits", 3, 3, SCN_FARG_EXPR, fn_bits },
    { "min", 2, 2, SCN_FARG_EXPR, fn_minmax },
    { "max", 2, 2, SCN_FARG_EXPR, fn_minmax },
    { "now", 0, 0, SCN_FARG_EXPR, fn_now },
    { "elapsed", 1, 1, SCN_FARG_MARK, fn_elapsed },
    { "idle", 0, 0, SCN_FARG_EXPR, fn_idle },
    { "drained", 1, 1, SCN_FARG_QUEUE, fn_drained },
    { "mem8", 1, 1, SCN_FARG_EXPR, fn_mem },
    { "mem16", 1, 1, SCN_FARG_EXPR, fn_mem },
    { "mem32", 1, 1, SCN_FARG_EXPR, fn_mem },
    { "mem64", 1, 1, SCN_FARG_EXPR, fn_mem },
    { "stat", 1, 1, SCN_FARG_STRING, fn_stat },
    { "param", 1, 1, SCN_FARG_STRING, fn_param },
    { "sym", 1, 1, SCN_FARG_STRING, scn_image_fn_sym },
    { "cycles", 1, 1, SCN_FARG_EXPR, fn_cycles },
};

const struct scn_func *scn_func_lookup(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(funcs); i++)
        if (!strcmp(funcs[i].name, name))
            return &funcs[i];
    for (size_t i = 0; i < scn_xlate_funcs_count; i++)
        if (!strcmp(scn_xlate_funcs[i].name, name))
            return &scn_xlate_funcs[i];
    return NULL;
}

static const char *func_cand(unsigned i, const void *ctx)
{
    if (i < G_N_ELEMENTS(funcs))
        return funcs[i].name;
    i -= G_N_ELEMENTS(funcs);
    return i < scn_xlate_funcs_count ? scn_xlate_funcs[i].name : NULL;
}

const char *scn_func_suggest(const char *name)
{
    return scn_suggest_fn(name, func_cand, NULL);
}
