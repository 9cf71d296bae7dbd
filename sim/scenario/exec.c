/*
 * exec.c — the executor: walks a parsed scenario, owns the machine it
 * drives, and reports the run.
 *
 * Statements run in order; loops re-walk their body without allocating.  The
 * machine is created at the first statement that needs it (or at `machine`),
 * from the defaults, then the profile, then the scenario's `set`s, then the
 * caller's --set overrides (DESIGN.md §5: every parameter settable by
 * profile, scenario or command line, in that precedence).
 *
 * Waiting: `wait until COND` steps the scheduler one due time at a time and
 * re-evaluates COND after each step, so the condition is seen as soon as it
 * becomes true in simulated time.  A wait ends in error, never a hang, when
 * the machine goes idle with COND still false or the timeout passes.
 */
#include <inttypes.h>
#include <string.h>
#include "sim/machine/machine.h"
#include "sim/trace.h"
#include "models/smmuv3/smmuv3.h"
#include "models/cmdqv/cmdqv.h"
#include "sim/scenario/record.h"
#include "sim/scenario/timeline.h"
#include "sim/scenario/scn-internal.h"
#include "sim/workload/workload.h"

struct scenario_run {
    struct scn_exec x;
};

/* ------------------------------------------------------------ machine */

static bool apply_overrides(struct scn_exec *x, GError **err)
{
    GError *e = NULL;
    const char *profile = x->opts.profile ? x->opts.profile : x->profile;
    if (profile && !sim_params_load_profile_by_name(x->params, profile, &e)) {
        const struct scn_pos *pos = x->opts.profile ? NULL : &x->profile_pos;
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos, "profile '%s': %s", profile, e->message);
        g_error_free(e);
        return false;
    }
    if (profile && x->rec)
        scn_rec_profile(x->rec, profile);
    for (unsigned i = 0; i < x->sets->len; i++) {
        const char *a = g_ptr_array_index(x->sets, i);
        const char *origin = g_ptr_array_index(x->set_origins, i);
        if (!sim_params_set_assignment(x->params, a, origin, &e)) {
            g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME, "%s: %s", origin + strlen("scenario "),
                        e->message);
            g_error_free(e);
            return false;
        }
        if (x->rec)
            scn_rec_set(x->rec, a);
    }
    for (const char *const *s = x->opts.sets; s && *s; s++) {
        if (!sim_params_set_assignment(x->params, *s, "--set", &e)) {
            g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME, "--set %s: %s", *s, e->message);
            g_error_free(e);
            return false;
        }
        if (x->rec)
            scn_rec_set(x->rec, *s);
    }
    return true;
}

static bool enable_traces(struct scn_exec *x, GError **err)
{
    /* Trace points were registered when the parameters were declared. */
    sim_trace_set_clock(&x->m->sched);
    if (!x->opts.trace_patterns || !*x->opts.trace_patterns)
        return true;
    GError *e = NULL;
    unsigned matched;
    if (!sim_trace_enable(x->opts.trace_patterns, &matched, &e)) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME, "trace patterns '%s': %s",
                    x->opts.trace_patterns, e->message);
        g_error_free(e);
        return false;
    }
    return true;
}

bool scn_need_machine(struct scn_exec *x, const struct scn_pos *pos, GError **err)
{
    if (x->m)
        return true;
    GError *e = NULL;
    if (x->params) {    /* an earlier attempt failed inside expect_error */
        sim_params_free(x->params);
        x->params = NULL;
    }
    x->params = sim_all_params_new(&e);
    if (!x->params) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos, "cannot declare the machine parameters: %s", e->message);
        g_error_free(e);
        return false;
    }
    if (!apply_overrides(x, err))
        return false;
    x->m = sim_machine_new(x->params, &e);
    if (!x->m) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos, "cannot create the machine: %s", e->message);
        g_error_free(e);
        return false;
    }
    if (pos)
        x->machine_pos = *pos;
    if (x->rec)
        scn_rec_machine(x->rec);
    if (x->tl)
        scn_timeline_attach(x->tl, x->m);
    return enable_traces(x, err) && scn_image_machine_created(x, pos, err);
}

/* ------------------------------------------------------- registers, bus */

bool scn_reg_resolve(const char *name, struct scn_regref *out, const char **why);

bool scn_reg_addr(struct scn_exec *x, const struct scn_regref *r, const struct scn_pos *pos, uint64_t *addr,
                  GError **err)
{
    if (!scn_need_machine(x, pos, err))
        return false;
    if (r->space == SCN_SPACE_CMDQV) {
        if (!x->m->cmdqv) {
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos,
                          "this machine has no CMDQV (set machine.cmdqv=true before the machine starts)");
            return false;
        }
        if (r->offset + r->size > cmdqv_mmio_size(x->m->cmdqv)) {
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos,
                          "CMDQV register at offset 0x%" PRIx64 " is beyond this CMDQV's window (%u VINTFs)",
                          r->offset, cmdqv_num_vintfs(x->m->cmdqv));
            return false;
        }
        *addr = x->m->cmdqv_base + r->offset;
    } else {
        *addr = x->m->smmu_base + r->offset;
    }
    return true;
}

bool scn_bus_peek(struct scn_exec *x, uint64_t addr, unsigned size, const struct scn_pos *pos, uint64_t *v,
                  GError **err)
{
    if (!scn_need_machine(x, pos, err))
        return false;
    *v = 0;
    enum sim_bus_result r = sim_bus_read(x->m->bus, addr, size, v);
    if (r == SIM_BUS_BAD_ACCESS) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, pos, "%u-byte read at 0x%" PRIx64 " is not a valid access "
                      "(size or alignment)", size, addr);
        return false;
    }
    return true;
}

bool scn_queue_drained(struct scn_exec *x, uint32_t q, const struct scn_pos *pos, bool *drained, GError **err)
{
    struct scn_queue *sq = &x->queues[q];
    if (!sq->declared) {
        scn_set_error(err, SCENARIO_ERROR_NAME, pos, "queue '%s' is used before its 'queue' statement ran",
                      (const char *)g_ptr_array_index(x->s->queue_names, q));
        return false;
    }
    uint64_t cons;
    if (!scn_bus_peek(x, sq->cons_addr, 4, pos, &cons, err))
        return false;
    sq->cons_seen = (uint32_t)cons;
    *drained = smmu_q_empty(sq->log2size, sq->submitted, (uint32_t)cons);
    return true;
}

void scn_set_var(struct scn_exec *x, int32_t slot, uint64_t v)
{
    if (slot < 0)
        return;
    x->vars[slot].s = NULL;
    x->vars[slot].i = v;
    x->var_set[slot] = true;
}

bool scn_arg_u64(struct scn_exec *x, const struct scn_stmt *st, unsigned idx, uint64_t def, uint64_t *out,
                 GError **err)
{
    const struct scn_arg *a = &st->u.verb.args[idx];
    if (!a->set || !a->e) {
        *out = def;
        return true;
    }
    return scn_eval_u64(x, a->e, out, err);
}

/* ---------------------------------------------------------------- wait */

static bool wait_done(struct scn_exec *x, const struct scn_expr *cond, int queue, const struct scn_pos *pos,
                      bool *done, GError **err)
{
    if (queue >= 0)
        return scn_queue_drained(x, (uint32_t)queue, pos, done, err);
    if (!cond) {
        *done = sim_sched_pending(&x->m->sched) == 0;
        return true;
    }
    uint64_t v;
    if (!scn_eval_u64(x, cond, &v, err))
        return false;
    *done = v != 0;
    return true;
}

static bool run_status_ok(struct scn_exec *x, enum sim_run_status st, const struct scn_pos *pos, GError **err)
{
    if (st == SIM_RUN_DONE || st == SIM_RUN_EVENT_LIMIT)
        return true;
    const struct sim_event *c = sim_sched_culprit(&x->m->sched);
    char tbuf[32];
    sim_time_format(sim_now(&x->m->sched), tbuf, sizeof tbuf);
    if (st == SIM_RUN_RUNAWAY)
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos, "the machine stopped at %s: runaway zero-time loop in event '%s'",
                      tbuf, c && c->name ? c->name : "?");
    else
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos, "the machine stopped at %s", tbuf);
    return false;
}

bool scn_wait_until(struct scn_exec *x, const struct scn_stmt *st, const struct scn_expr *cond, int queue,
                    sim_time_t timeout, GError **err)
{
    if (!scn_need_machine(x, &st->pos, err))
        return false;
    struct sim_sched *s = &x->m->sched;
    sim_time_t deadline = sim_time_add(sim_now(s), timeout);
    char tbuf[32], dbuf[32];
    for (;;) {
        bool done;
        if (!wait_done(x, cond, queue, &st->pos, &done, err))
            return false;
        if (done)
            return true;
        sim_time_t next_t = sim_sched_next_time(s);
        if (next_t == SIM_TIME_MAX) {
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos,
                          "wait: the machine went idle at %s and the condition is still false: %s",
                          sim_time_format(sim_now(s), tbuf, sizeof tbuf), st->text);
            return false;
        }
        if (next_t > deadline) {
            sim_run_until(s, deadline, 0);
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "wait: timed out after %s (at %s): %s",
                          sim_time_format(timeout, dbuf, sizeof dbuf), sim_time_format(deadline, tbuf, sizeof tbuf),
                          st->text);
            return false;
        }
        if (!run_status_ok(x, sim_machine_run_until(x->m, next_t), &st->pos, err))
            return false;
        scn_progress_tick(x);
    }
}

/* ------------------------------------------------------------ statements */

static bool exec_stmt(struct scn_exec *x, const struct scn_stmt *st, GError **err);

static bool exec_for(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t from, to, step = 1;
    if (!scn_eval_u64(x, st->u.loop.from, &from, err) || !scn_eval_u64(x, st->u.loop.to, &to, err))
        return false;
    if (st->u.loop.step && !scn_eval_u64(x, st->u.loop.step, &step, err))
        return false;
    if (!step) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->u.loop.step->pos, "loop step must not be 0");
        return false;
    }
    for (uint64_t i = from; i < to; ) {
        scn_set_var(x, (int32_t)st->u.loop.slot, i);
        if (!scn_exec_block(x, &st->u.loop.body, err))
            return false;
        if (i > UINT64_MAX - step)
            break;
        i += step;
    }
    return true;
}

static bool exec_expect_error(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    GError *e = NULL;
    x->expectations++;
    if (scn_exec_block(x, &st->u.expect_error.body, &e)) {
        x->failures++;
        fprintf(x->out, "%s:%u: expectation failed: the block raised no error%s%s%s\n", st->pos.file,
                st->pos.line, st->u.expect_error.substr ? " (expected one containing \"" : "",
                st->u.expect_error.substr ? st->u.expect_error.substr : "",
                st->u.expect_error.substr ? "\")" : "");
        return true;
    }
    const char *want = st->u.expect_error.substr;
    if (want && !strstr(e->message, want)) {
        x->failures++;
        fprintf(x->out, "%s:%u: expectation failed: expected an error containing \"%s\", got: %s\n",
                st->pos.file, st->pos.line, want, e->message);
    }
    g_error_free(e);
    return true;
}

static bool exec_stmt(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t v;
    scn_progress_tick(x);
    switch (st->kind) {
    case ST_LET: {
        struct scn_value val;
        if (st->u.let.only_if_unset && x->var_set[st->u.let.slot])
            return true;    /* `?=`: a define or an earlier statement set it */
        if (!scn_eval(x, st->u.let.e, &val, err))
            return false;
        x->vars[st->u.let.slot] = val;
        x->var_set[st->u.let.slot] = true;
        return true;
    }
    case ST_REPEAT:
        if (!scn_eval_u64(x, st->u.repeat.count, &v, err))
            return false;
        for (uint64_t i = 0; i < v; i++)
            if (!scn_exec_block(x, &st->u.repeat.body, err))
                return false;
        return true;
    case ST_FOR:
        return exec_for(x, st, err);
    case ST_IF:
        if (!scn_eval_u64(x, st->u.cond.cond, &v, err))
            return false;
        return scn_exec_block(x, v ? &st->u.cond.then_b : &st->u.cond.else_b, err);
    case ST_BLOCK:
        return scn_exec_block(x, &st->u.block.body, err);
    case ST_EXPECT_ERROR:
        return exec_expect_error(x, st, err);
    case ST_VERB:
        return st->u.verb.verb->run(x, st, err);
    }
    return false;
}

bool scn_exec_block(struct scn_exec *x, const struct scn_block *b, GError **err)
{
    for (unsigned i = 0; i < b->n; i++)
        if (!exec_stmt(x, b->stmts[i], err))
            return false;
    return true;
}

/* ------------------------------------------------------------ public API */

struct scenario_run *scenario_run_new(const struct scenario_opts *opts)
{
    struct scenario_run *r = g_new0(struct scenario_run, 1);
    struct scn_exec *x = &r->x;
    if (opts)
        x->opts = *opts;
    x->out = x->opts.out ? x->opts.out : stdout;
    x->sets = g_ptr_array_new_with_free_func(g_free);
    x->set_origins = g_ptr_array_new_with_free_func(g_free);
    return r;
}

static void size_state(struct scn_exec *x, const struct scenario *s)
{
    x->s = s;
    x->nvars = s->var_names->len;
    x->nmarks = s->mark_names->len;
    x->nqueues = s->queue_names->len;
    x->vars = g_new0(struct scn_value, x->nvars + 1);
    x->var_set = g_new0(bool, x->nvars + 1);
    x->marks = g_new0(sim_time_t, x->nmarks + 1);
    x->mark_set = g_new0(bool, x->nmarks + 1);
    x->queues = g_new0(struct scn_queue, x->nqueues + 1);
}

/* The defines of the run options must be those the scenario was parsed
 * with: they are bound at parse time (a define may be read as a variable
 * only if the parser knew it). */
static bool same_defines(const char *const *a, const char *const *b)
{
    for (; a && *a; a++, b++)
        if (!b || !*b || strcmp(*a, *b))
            return false;
    return !b || !*b;
}

static bool set_defines(struct scn_exec *x, const struct scenario *s, GError **err)
{
    if (x->opts.defines && !same_defines(x->opts.defines, s->define_texts)) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME,
                    "the run's defines differ from those the scenario was parsed with "
                    "(parse it with scenario_parse_file_defines)");
        return false;
    }
    for (unsigned i = 0; i < s->ndefines; i++) {
        x->vars[s->defines[i].slot] = s->defines[i].value;
        x->var_set[s->defines[i].slot] = true;
        if (x->rec)
            scn_rec_define(x->rec, s->define_texts[i]);
    }
    return true;
}

static bool write_outputs(struct scn_exec *x, GError **err)
{
    if (x->rec) {
        struct scn_recorder *rec = x->rec;
        x->rec = NULL;
        if (!scn_rec_close(rec, x->m ? sim_now(&x->m->sched) : 0, err))
            return false;
    }
    if (x->opts.timeline_path && x->tl && !scn_timeline_write(x->tl, x->opts.timeline_path, err))
        return false;
    if (!scn_image_run_end(x, err))
        return false;
    if (x->opts.stats_path) {
        GError *e = NULL;
        if (!scn_need_machine(x, NULL, err))
            return false;
        /* Run-level facts, so a result file alone gives rates per simulated
         * second.  Host time is left out: results must be reproducible. */
        sim_stats_set_value(x->m->stats, "run.sim_time_ps", sim_now(&x->m->sched));
        sim_stats_set_value(x->m->stats, "run.events", x->m->sched.dispatched);
        if (!sim_stats_write_file(x->m->stats, x->params, x->opts.stats_path, &e)) {
            g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "%s", e->message);
            g_error_free(e);
            return false;
        }
    }
    return true;
}

int scenario_run_exec(struct scenario_run *r, const struct scenario *s, GError **err)
{
    struct scn_exec *x = &r->x;
    g_return_val_if_fail(!x->s, SCENARIO_ERROR_EXIT);
    size_state(x, s);
    x->host_start_us = g_get_monotonic_time();
    scn_progress_init(x);
    if (x->opts.record_path) {
        x->rec = scn_rec_open(x->opts.record_path, s->top.n ? s->top.stmts[0]->pos.file : "", err);
        if (!x->rec)
            return SCENARIO_ERROR_EXIT;
    }
    if (x->opts.timeline_path)
        x->tl = scn_timeline_new();
    bool ok = set_defines(x, s, err) && scn_exec_block(x, &s->top, err);
    scn_progress_done(x);
    if (!ok || !write_outputs(x, err)) {
        if (x->rec) {
            scn_rec_discard(x->rec);
            x->rec = NULL;
        }
        return SCENARIO_ERROR_EXIT;
    }
    return x->failures ? SCENARIO_FAILED : SCENARIO_OK;
}

struct sim_machine *scenario_run_machine(struct scenario_run *r) { return r->x.m; }
uint64_t scenario_run_expectations(const struct scenario_run *r) { return r->x.expectations; }
uint64_t scenario_run_failures(const struct scenario_run *r) { return r->x.failures; }

bool scenario_run_var(const struct scenario_run *r, const char *name, uint64_t *value)
{
    const struct scn_exec *x = &r->x;
    if (!x->s)
        return false;
    gpointer v = g_hash_table_lookup(x->s->var_index, name);
    if (!v || !x->var_set[GPOINTER_TO_UINT(v) - 1])
        return false;
    *value = x->vars[GPOINTER_TO_UINT(v) - 1].i;
    return true;
}

void scenario_run_free(struct scenario_run *r)
{
    if (!r)
        return;
    struct scn_exec *x = &r->x;
    if (x->rec)
        scn_rec_discard(x->rec);
    scn_iommufd_free(x);
    scn_image_free(x);
    scn_xlate_free(x);
    if (x->m)
        sim_machine_free(x->m);
    if (x->params)
        sim_params_free(x->params);
    scn_timeline_free(x->tl);
    g_ptr_array_free(x->sets, TRUE);
    g_ptr_array_free(x->set_origins, TRUE);
    g_free(x->profile);
    g_free(x->vars);
    g_free(x->var_set);
    g_free(x->marks);
    g_free(x->mark_set);
    g_free(x->queues);
    g_free(r);
}

static int run_parsed(struct scenario *s, const struct scenario_opts *opts, GError **err)
{
    if (!s)
        return SCENARIO_ERROR_EXIT;
    struct scenario_run *r = scenario_run_new(opts);
    int rc = scenario_run_exec(r, s, err);
    if (rc != SCENARIO_ERROR_EXIT && !(opts && opts->quiet))
        scenario_run_summary(r);
    scenario_run_free(r);
    scenario_free(s);
    return rc;
}

int scenario_run_file(const char *path, const struct scenario_opts *opts, GError **err)
{
    return run_parsed(scenario_parse_file_defines(path, opts ? opts->defines : NULL, err), opts, err);
}

int scenario_run_string(const char *name, const char *text, const struct scenario_opts *opts, GError **err)
{
    return run_parsed(scenario_parse_string_defines(name, text, opts ? opts->defines : NULL, err), opts, err);
}

int scenario_record(const char *path, const char *record_path, const struct scenario_opts *opts, GError **err)
{
    struct scenario_opts o = { 0 };
    if (opts)
        o = *opts;
    o.record_path = record_path;
    return scenario_run_file(path, &o, err);
}
