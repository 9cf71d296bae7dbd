/*
 * verbs-workload.c — the `workload` verb: run a software workload (guest
 * vCPUs, a VMM, host threads) on the scenario's machine.
 *
 *   workload dma_unmap granule=64K threads=1 iterations=1000 path=vcmdq name=u64k
 *
 * Arguments are passed to the workload library (sim/workload/workload.h)
 * as "key=value" text: bare words as written, expressions as their value
 * (times as picoseconds, which the library accepts with a "ps" suffix).
 * Results land in the machine's statistics under "workload.NAME.*", where
 * stat() and expect can read them.
 */
#include <inttypes.h>
#include <string.h>
#include "sim/scenario/record.h"
#include "sim/scenario/scn-internal.h"
#include "sim/workload/workload.h"

static const struct scn_param workload_params[] = {
    { "kind", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "dma_unmap | inval_storm | dma_traffic | mixed" },
};

/* Arguments the library reads as times: `think`, also namespaced as in
 * a mixed workload's `unmap.think`. */
static bool is_time_key(const char *key)
{
    const char *dot = strrchr(key, '.');
    return !strcmp(dot ? dot + 1 : key, "think");
}

/* One argument as "key=value" text for the library, and in the record. */
static bool field_text(struct scn_exec *x, const struct scn_field *f, GPtrArray *kv, GError **err)
{
    if (!f->e) {
        g_ptr_array_add(kv, g_strdup_printf("%s=%s", f->name, f->word));
        if (x->rec)
            scn_rec_arg_bare(x->rec, f->name, f->word);
        return true;
    }
    struct scn_value v;
    if (!scn_eval(x, f->e, &v, err))
        return false;
    if (v.s) {
        g_ptr_array_add(kv, g_strdup_printf("%s=%s", f->name, v.s));
        if (x->rec)
            scn_rec_arg_word(x->rec, f->name, v.s);
    } else {
        g_ptr_array_add(kv, g_strdup_printf("%s=%" PRIu64 "%s", f->name, v.i,
                                            is_time_key(f->name) ? "ps" : ""));
        if (x->rec)
            scn_rec_arg(x->rec, f->name, v.i);
    }
    return true;
}

static bool run_workload(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    if (!scn_need_machine(x, &st->pos, err))
        return false;
    GPtrArray *kv = g_ptr_array_new_with_free_func(g_free);
    bool ok = true;
    if (x->rec) {           /* deterministic: replayed as the same verb */
        scn_rec_names(x->rec, x->s->var_index);
        scn_rec_begin(x->rec, sim_now(&x->m->sched), "workload", NULL);
        scn_rec_arg_bare(x->rec, NULL, st->u.verb.args[0].word);
    }
    for (unsigned i = 0; ok && i < st->u.verb.nfields; i++)
        ok = field_text(x, &st->u.verb.fields[i], kv, err);
    g_ptr_array_add(kv, NULL);
    GError *e = NULL;
    struct workload *w = ok ? workload_new(x->m, st->u.verb.args[0].word,
                                           (const char *const *)kv->pdata, &e) : NULL;
    if (w && x->rec)
        scn_rec_acting(x->rec);
    if (w && workload_run(w, &e) && !x->opts.quiet)
        workload_print_summary(w, x->out);
    if (e) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "workload: %s", e->message);
        g_error_free(e);
        ok = false;
    }
    if (x->rec) {
        if (ok)
            scn_rec_end(x->rec);
        else
            scn_rec_failed(x->rec);
    }
    workload_free(w);
    g_ptr_array_free(kv, TRUE);
    return ok;
}

const struct scn_verb scn_workload_verbs[] = {
    { "workload", NULL, "workload KIND key=value ...", workload_params, G_N_ELEMENTS(workload_params),
      SCN_V_FIELDS | SCN_V_WORDS, NULL, run_workload },
};
const unsigned scn_workload_verbs_count = G_N_ELEMENTS(scn_workload_verbs);
