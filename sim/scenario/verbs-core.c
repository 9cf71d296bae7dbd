/*
 * verbs-core.c — verbs about the run itself: configuration (profile, set,
 * machine), time (wait, at, mark), output (print) and assertions (expect,
 * expect_between).
 *
 * Configuration verbs act before the machine exists and are errors after
 * it: a parameter is read by a model once, when it is created, so a late
 * `set` could never take effect and must not pretend to.
 */
#include <inttypes.h>
#include <string.h>
#include "sim/machine/machine.h"
#include "sim/params.h"
#include "sim/scenario/timeline.h"
#include "sim/scenario/scn-internal.h"
#include "sim/workload/workload.h"

static bool too_late(struct scn_exec *x, const struct scn_stmt *st, const char *what, GError **err)
{
    if (!x->m)
        return false;
    if (x->machine_pos.file)
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "%s must come before the machine is created "
                      "(it was created at %s:%u)", what, x->machine_pos.file, x->machine_pos.line);
    else
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "%s must come before the machine is created", what);
    return true;
}

/* ---------------------------------------------------------------- profile */

static const struct scn_param profile_params[] = {
    { "name", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "profile name (models/profiles/NAME.ini) or path" },
};

static bool run_profile(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    if (too_late(x, st, "'profile'", err))
        return false;
    g_free(x->profile);
    x->profile = g_strdup(st->u.verb.args[0].word);
    x->profile_pos = st->pos;
    return true;
}

/* -------------------------------------------------------------------- set */

struct param_names {
    GPtrArray *names;
};

static void collect_name(const struct sim_param_def *def, const char *value, const char *origin, void *opaque)
{
    g_ptr_array_add(((struct param_names *)opaque)->names, (gpointer)def->name);
}

/* Validate one assignment now, against a registry of defaults, so a typo
 * is reported at its line rather than when the machine is built. */
static bool check_assignment(const struct scn_field *f, const char *value, GError **err)
{
    GError *e = NULL;
    struct sim_params *p = sim_all_params_new(&e);
    if (!p) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &f->pos, "cannot declare parameters: %s", e->message);
        g_error_free(e);
        return false;
    }
    bool ok = true;
    if (!sim_params_exists(p, f->name)) {
        struct param_names pn = { g_ptr_array_new() };
        sim_params_foreach(p, collect_name, &pn);
        const char *sug = scn_suggest(f->name, (const char *const *)pn.names->pdata, pn.names->len);
        scn_set_error(err, SCENARIO_ERROR_NAME, &f->pos, "unknown parameter '%s'%s%s%s (see 'smmusim params')",
                      f->name, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        g_ptr_array_free(pn.names, TRUE);
        ok = false;
    } else if (!sim_params_set(p, f->name, value, "scenario", &e)) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &f->pos, "%s", e->message);
        g_error_free(e);
        ok = false;
    }
    sim_params_free(p);
    return ok;
}

static bool run_set(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    if (too_late(x, st, "'set'", err))
        return false;
    for (unsigned i = 0; i < st->u.verb.nfields; i++) {
        const struct scn_field *f = &st->u.verb.fields[i];
        char *value;
        if (f->word) {
            value = g_strdup(f->word);
        } else {
            struct scn_value v;
            if (!scn_eval(x, f->e, &v, err))
                return false;
            value = v.s ? g_strdup(v.s) : g_strdup_printf("%" PRIu64, v.i);
        }
        if (!check_assignment(f, value, err)) {
            g_free(value);
            return false;
        }
        g_ptr_array_add(x->sets, g_strdup_printf("%s=%s", f->name, value));
        g_ptr_array_add(x->set_origins, g_strdup_printf("scenario %s:%u:%u", f->pos.file, f->pos.line, f->pos.col));
        g_free(value);
    }
    return true;
}

static bool check_set(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    if (st->u.verb.nfields)
        return true;
    scn_set_error(err, SCENARIO_ERROR_SYNTAX, &st->pos, "set needs at least one name=value");
    return false;
}

/* ---------------------------------------------------------------- machine */

static bool run_machine(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    if (too_late(x, st, "'machine'", err))
        return false;
    return scn_need_machine(x, &st->pos, err);
}

/* ------------------------------------------------------------ wait and at */

/* Default limit of `wait until`: long enough for any realistic drain,
 * short enough that a wrong condition ends the run quickly. */
#define SCN_WAIT_DEFAULT_TIMEOUT SIM_S

static const struct scn_param wait_params[] = {
    { "what", SCN_K_INT, 0, "a duration, or the condition after 'until'" },
    { "timeout", SCN_K_INT, 0, "limit of a 'wait until' (default 1s)" },
};

static bool run_wait(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    if (!scn_need_machine(x, &st->pos, err))
        return false;
    uint64_t timeout;
    if (!scn_arg_u64(x, st, 1, SCN_WAIT_DEFAULT_TIMEOUT, &timeout, err))
        return false;
    switch (st->u.verb.aux) {
    case SCN_WAIT_FOR: {
        uint64_t d;
        if (!scn_arg_u64(x, st, 0, 0, &d, err))
            return false;
        enum sim_run_status rs = sim_machine_run_for(x->m, d);
        if (rs == SIM_RUN_RUNAWAY) {
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "the machine stopped: runaway zero-time loop");
            return false;
        }
        return true;
    }
    case SCN_WAIT_IDLE:
        return scn_wait_until(x, st, NULL, -1, timeout, err);
    case SCN_WAIT_QUEUE:
        return scn_wait_until(x, st, NULL, (int)st->u.verb.obj, timeout, err);
    default:
        return scn_wait_until(x, st, st->u.verb.args[0].e, -1, timeout, err);
    }
}

static bool check_wait(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    if (st->u.verb.aux == SCN_WAIT_FOR && st->u.verb.args[1].set) {
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &st->u.verb.args[1].pos,
                      "timeout= only applies to 'wait until ...'");
        return false;
    }
    return true;
}

static const struct scn_param at_params[] = {
    { "time", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "absolute simulated time" },
};

static bool run_at(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t t;
    if (!scn_arg_u64(x, st, 0, 0, &t, err) || !scn_need_machine(x, &st->pos, err))
        return false;
    sim_time_t now = sim_now(&x->m->sched);
    if (t < now) {
        char a[32], b[32];
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "'at %s' is in the past (now %s)",
                      sim_time_format(t, a, sizeof a), sim_time_format(now, b, sizeof b));
        return false;
    }
    if (sim_machine_run_until(x->m, t) == SIM_RUN_RUNAWAY) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "the machine stopped: runaway zero-time loop");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------- mark, print */

static const struct scn_param mark_params[] = {
    { "name", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "name used by elapsed(NAME)" },
};

static bool check_mark(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    st->u.verb.obj = scn_slot(p->s->mark_index, p->s->mark_names, p->s, st->u.verb.args[0].word, true, NULL);
    return true;
}

static bool run_mark(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    if (!scn_need_machine(x, &st->pos, err))
        return false;
    x->marks[st->u.verb.obj] = sim_now(&x->m->sched);
    x->mark_set[st->u.verb.obj] = true;
    if (x->tl)
        scn_timeline_mark(x->tl, sim_now(&x->m->sched), st->u.verb.args[0].word);
    return true;
}

static const struct scn_param print_params[] = {
    { "hex", SCN_K_INT, 0, "non-zero: print numbers in hexadecimal" },
};

static bool run_print(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t hex;
    if (!scn_arg_u64(x, st, 0, 0, &hex, err))
        return false;
    GString *line = g_string_new(NULL);
    bool ok = true;
    for (unsigned i = 0; ok && i < st->u.verb.nrest; i++) {
        struct scn_value v;
        if (!(ok = scn_eval(x, st->u.verb.rest[i], &v, err)))
            break;
        if (i)
            g_string_append_c(line, ' ');
        if (v.s)
            g_string_append(line, v.s);
        else
            g_string_append_printf(line, hex ? "0x%" PRIx64 : "%" PRIu64, v.i);
    }
    if (ok && !x->opts.quiet)
        fprintf(x->out, "%s\n", line->str);
    g_string_free(line, TRUE);
    return ok;
}

/* ---------------------------------------------------------------- expect */

static const struct scn_param expect_params[] = {
    { "cond", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "condition that must be non-zero" },
    { "msg", SCN_K_VALUE, 0, "text added to the failure message" },
};

static void fail(struct scn_exec *x, const struct scn_stmt *st, const char *detail, const struct scn_arg *msg_arg)
{
    struct scn_value msg = { NULL, 0 };
    GError *e = NULL;
    if (msg_arg && msg_arg->set && msg_arg->e && !scn_eval(x, msg_arg->e, &msg, &e))
        g_clear_error(&e);
    x->failures++;
    if (msg.s)
        fprintf(x->out, "%s:%u: expectation failed: %s\n    %s\n    %s\n", st->pos.file, st->pos.line, st->text,
                detail, msg.s);
    else
        fprintf(x->out, "%s:%u: expectation failed: %s\n    %s\n", st->pos.file, st->pos.line, st->text, detail);
}

void scn_expect_fail(struct scn_exec *x, const struct scn_stmt *st, const char *detail)
{
    fail(x, st, detail, NULL);
}

static bool is_comparison(const struct scn_expr *e)
{
    if (e->kind != EX_BINARY)
        return false;
    switch (e->u.op.op) {
    case TK_EQ: case TK_NE: case TK_LT: case TK_LE: case TK_GT: case TK_GE:
        return true;
    default:
        return false;
    }
}

static void describe(const struct scn_value *v, char *buf, size_t len)
{
    if (v->s)
        snprintf(buf, len, "\"%s\"", v->s);
    else
        snprintf(buf, len, "%" PRIu64 " (0x%" PRIx64 ")", v->i, v->i);
}

static bool run_expect(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    const struct scn_expr *c = st->u.verb.args[0].e;
    x->expectations++;
    if (is_comparison(c)) {
        struct scn_value a, b, r;
        /* Each side once: reads with side effects must happen once. */
        if (!scn_eval(x, c->u.op.a, &a, err) || !scn_eval(x, c->u.op.b, &b, err) ||
            !scn_apply_binary(c, &a, &b, &r, err))
            return false;
        if (!r.i) {
            char as[64], bs[64], detail[200];
            describe(&a, as, sizeof as);
            describe(&b, bs, sizeof bs);
            snprintf(detail, sizeof detail, "expected: %s\n    actual:   %s", bs, as);
            fail(x, st, detail, &st->u.verb.args[1]);
        }
        return true;
    }
    uint64_t v;
    if (!scn_eval_u64(x, c, &v, err))
        return false;
    if (!v)
        fail(x, st, "the condition is 0 (false)", &st->u.verb.args[1]);
    return true;
}

static const struct scn_param between_params[] = {
    { "value", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "value to check" },
    { "lo", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "lowest accepted value" },
    { "hi", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "highest accepted value" },
};

static bool run_expect_between(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t v, lo, hi;
    if (!scn_arg_u64(x, st, 0, 0, &v, err) || !scn_arg_u64(x, st, 1, 0, &lo, err) ||
        !scn_arg_u64(x, st, 2, 0, &hi, err))
        return false;
    x->expectations++;
    if (v < lo || v > hi) {
        char detail[200];
        snprintf(detail, sizeof detail, "expected: %" PRIu64 " .. %" PRIu64 "\n    actual:   %" PRIu64, lo, hi, v);
        fail(x, st, detail, NULL);
    }
    return true;
}

#define P(t) t, G_N_ELEMENTS(t)

const struct scn_verb scn_core_verbs[] = {
    { "profile", NULL, "profile NAME", P(profile_params), 0, NULL, run_profile },
    { "set", NULL, "set name=value ...", NULL, 0, SCN_V_FIELDS | SCN_V_WORDS, check_set, run_set },
    { "machine", NULL, "machine", NULL, 0, 0, NULL, run_machine },
    { "wait", NULL, "wait DURATION | wait until (idle | QUEUE drained | EXPR) [timeout=T]", P(wait_params),
      SCN_V_WAIT, check_wait, run_wait },
    { "at", NULL, "at TIME", P(at_params), 0, NULL, run_at },
    { "mark", NULL, "mark NAME", P(mark_params), 0, check_mark, run_mark },
    { "print", NULL, "print VALUE... [hex=1]", P(print_params), SCN_V_REST, NULL, run_print },
    { "expect", NULL, "expect EXPR [msg=\"...\"]", P(expect_params), 0, NULL, run_expect },
    { "expect_between", NULL, "expect_between VALUE LO HI", P(between_params), 0, NULL, run_expect_between },
};
const unsigned scn_core_verbs_count = G_N_ELEMENTS(scn_core_verbs);
