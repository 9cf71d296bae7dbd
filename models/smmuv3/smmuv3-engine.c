/*
 * smmuv3-engine.c — the timed command engine (IHI 0070 G.b §4.1, §4.7.3;
 * smmuv3.md §1.2, §2.3, §2.4; timing.md §5).
 *
 * One engine serves every command queue of the machine round-robin.  A
 * turn serves one source: it fetches commands in bursts (prefetching up to
 * `prefetch_depth` bursts ahead, each costing one memory latency), checks
 * each against the source's restrictions and the ILLEGAL rules, executes
 * it against the TLB / config cache / ATCs and computes its time by
 * arithmetic.  Events exist only where software can observe something:
 *   - the end of a turn (the engine moves to the next source),
 *   - CONS becoming visible `cons_writeback` after a turn or a SYNC,
 *   - a CMD_SYNC that must wait for earlier completions, or that signals.
 * An invalidation completes at execute end plus the TBU acknowledgement
 * (or the ATS round trip); a CMD_SYNC completes when every earlier command
 * of its source has completed, while other sources keep being served.
 */
#include <string.h>
#include "models/smmuv3/smmuv3-internal.h"

/* A CONS publication: what software will see at `when`. */
struct smmu_pub {
    sim_time_t when;
    uint32_t cons;
    uint8_t err;            /* enum smmu_cerror; non-zero stops the source */
};

struct smmu_src_ext {
    struct smmu_cmd_source *src;
    char *prefix;
    struct smmu_pub pub;        /* carried by src->eng.publish */
    struct smmu_pub next;       /* queued behind it */
    bool has_next;
    bool halted;                /* an error is decided; no more turns */
    struct sim_event sync_ev;   /* completion of a waiting / signalling SYNC */
    uint32_t sync_ptr;
    uint64_t sync_cmd[2];
    sim_time_t sync_prod_time, sync_exec_start;
    /* The queue's fetch buffer outlives an arbitration turn: commands left
     * in the current burst (fetched_left, arrived at fetched_at) and a burst
     * whose read was already under way (inflight_left, arriving at
     * inflight_at) are not read from memory again in the next turn. */
    uint32_t fetched_left, inflight_left;
    sim_time_t fetched_at, inflight_at;
};

static struct smmu_src_ext *ext_of(const struct smmu_cmd_source *src) { return src->eng.publish.opaque; }

/* ---- round-robin ring ------------------------------------------------------- */

static void ring_insert(struct smmu_engine *e, struct smmu_cmd_source *src)
{
    if (!e->ring) {
        src->eng.next_active = src->eng.prev_active = src;
        e->ring = src;
    } else {        /* at the tail: served after everyone already waiting */
        struct smmu_cmd_source *head = e->ring, *tail = head->eng.prev_active;
        src->eng.next_active = head;
        src->eng.prev_active = tail;
        tail->eng.next_active = src;
        head->eng.prev_active = src;
    }
    src->eng.active = true;
    e->active++;
}

static void ring_remove(struct smmu_engine *e, struct smmu_cmd_source *src)
{
    if (!src->eng.active)
        return;
    if (src->eng.next_active == src) {
        e->ring = NULL;
    } else {
        src->eng.prev_active->eng.next_active = src->eng.next_active;
        src->eng.next_active->eng.prev_active = src->eng.prev_active;
        if (e->ring == src)
            e->ring = src->eng.next_active;
    }
    src->eng.next_active = src->eng.prev_active = NULL;
    src->eng.active = false;
    e->active--;
}

static bool has_work(const struct smmu_cmd_source *src)
{
    return src->enabled && !src->stopped_on_error && !ext_of(src)->halted &&
           !smmu_q_empty(src->log2size, src->prod, src->eng.rd);
}

static void kick(struct smmu *s, sim_time_t when)
{
    sim_schedule_no_later(s->sched, &s->eng.turn, sim_time_max(when, s->eng.busy_until));
}

static void activate(struct smmu *s, struct smmu_cmd_source *src, sim_time_t ready)
{
    src->eng.ready_at = sim_time_max(src->eng.ready_at, ready);
    if (!src->eng.active)
        ring_insert(&s->eng, src);
    kick(s, src->eng.ready_at);
}

/* ---- PROD marks (latency statistics) --------------------------------------- */

static void mark_push(struct smmu_cmd_source *src, uint32_t prod, sim_time_t t)
{
    unsigned n = src->eng.mark_count;
    if (n == SMMU_PROD_MARKS) {     /* full: fold into the newest mark */
        src->eng.marks[(src->eng.mark_head + n - 1) % SMMU_PROD_MARKS].prod = prod;
        return;
    }
    unsigned i = (src->eng.mark_head + n) % SMMU_PROD_MARKS;
    src->eng.marks[i].prod = prod;
    src->eng.marks[i].t = t;
    src->eng.mark_count++;
}

static void mark_reset(struct smmu_cmd_source *src, sim_time_t t)
{
    src->eng.mark_head = src->eng.mark_count = 0;
    mark_push(src, src->prod, t);
}

/* Time of the PROD write that made the command at `p` available. */
static sim_time_t mark_time(struct smmu_cmd_source *src, uint32_t p, sim_time_t fallback)
{
    while (src->eng.mark_count &&
           smmu_q_ptr(src->log2size, src->eng.marks[src->eng.mark_head].prod) == p) {
        src->eng.mark_head = (src->eng.mark_head + 1) % SMMU_PROD_MARKS;
        src->eng.mark_count--;
    }
    return src->eng.mark_count ? src->eng.marks[src->eng.mark_head].t : fallback;
}

/* ---- CONS publication ------------------------------------------------------ */

static void publish(struct smmu *s, struct smmu_cmd_source *src, const struct smmu_pub *p)
{
    struct smmu_src_ext *x = ext_of(src);
    if (!sim_event_pending(&src->eng.publish)) {
        x->pub = *p;
        src->eng.publish_cons = p->cons;
        sim_schedule(s->sched, &src->eng.publish, p->when);
        return;
    }
    /* Publications of one source are in time order; one that is already
     * scheduled is never postponed, a newer one waits behind it. */
    x->next = *p;
    x->has_next = true;
}

static void publish_cons(struct smmu *s, struct smmu_cmd_source *src, uint32_t cons, sim_time_t at)
{
    struct smmu_pub p = { .when = at + sim_cycles(&s->clock, s->cfg.cons_writeback), .cons = cons };
    publish(s, src, &p);
}

static void publish_fire(struct sim_event *ev, void *opaque)
{
    struct smmu_src_ext *x = opaque;
    struct smmu_cmd_source *src = x->src;
    struct smmu *s = src->eng.smmu;
    struct smmu_pub p = x->pub;
    (void)ev;
    src->cons = p.cons;
    SIM_TRACE(tp_smmuv3_cons_publish, "q=%s cons=0x%x err=%u", src->name, p.cons, p.err);
    if (x->has_next) {
        x->has_next = false;
        x->pub = x->next;
        src->eng.publish_cons = x->next.cons;
        sim_schedule(s->sched, &src->eng.publish, x->next.when);
    }
    if (src->ops && src->ops->cons_visible)
        src->ops->cons_visible(src, p.cons);
    if (p.err) {
        src->stopped_on_error = true;
        if (src->ops && src->ops->error)
            src->ops->error(src, (enum smmu_cerror)p.err, p.cons);
    }
}

/* ---- errors ------------------------------------------------------------------ */

static void fail(struct smmu *s, struct smmu_cmd_source *src, uint32_t ptr, enum smmu_cerror err, sim_time_t t)
{
    struct smmu_src_ext *x = ext_of(src);
    x->halted = true;
    src->eng.rd = ptr;
    src->stats.errors[err]++;
    ring_remove(&s->eng, src);
    SIM_TRACE(tp_smmuv3_cmd_error, "q=%s ptr=0x%x err=%u", src->name, ptr, (unsigned)err);
    if (s->eng.obs && s->eng.obs->error)
        s->eng.obs->error(s->eng.obs_opaque, src, ptr, err, t);
    struct smmu_pub p = { .when = t + sim_cycles(&s->clock, s->cfg.cons_writeback), .cons = ptr, .err = (uint8_t)err };
    publish(s, src, &p);
}

/* ---- per-command rules of the source ----------------------------------------- */

static bool op_has_vmid(uint8_t op)
{
    const struct smmu_cmd_desc *d = smmu_cmd_desc(op);
    return d && d->cls == SMMU_CLASS_TLBI && (d->fields & (1u << SMMU_F_VMID));
}

static bool op_uses_sid(const uint64_t cmd[2])
{
    const struct smmu_cmd_desc *d = smmu_cmd_desc(smmu_cmd_op(cmd));
    if (!d || !(d->fields & (1u << SMMU_F_SID)))
        return false;
    return !(smmu_cmd_op(cmd) == SMMU_CMD_CFGI_STE_RANGE && smmu_cmd_get(cmd, SMMU_F_RANGE) == 31);
}

/* Restrictions, legality, then VMID override and StreamID translation.
 * *drop is set for an untranslatable SID whose source asks for no error. */
static enum smmu_cerror vet(struct smmu *s, struct smmu_cmd_source *src, uint64_t cmd[2], bool *drop)
{
    uint8_t op = smmu_cmd_op(cmd);
    *drop = false;
    if (src->allowed && !smmu_opset_has(src->allowed, op))
        return src->disallowed_cerror ? src->disallowed_cerror : SMMU_CERROR_ILL;
    if (src->sync_cs_none_only && op == SMMU_CMD_SYNC && smmu_cmd_get(cmd, SMMU_F_CS) != SMMU_SYNC_CS_NONE)
        return src->disallowed_cerror ? src->disallowed_cerror : SMMU_CERROR_ILL;
    enum smmu_cerror err = smmu_cmd_check(&s->caps, cmd);
    if (err)
        return err;
    if (src->vmid_override && op_has_vmid(op))
        smmu_cmd_put(cmd, SMMU_F_VMID, src->vmid);
    if (src->ops && src->ops->translate_sid && op_uses_sid(cmd)) {
        uint32_t psid;
        if (!src->ops->translate_sid(src, (uint32_t)smmu_cmd_get(cmd, SMMU_F_SID), &psid)) {
            *drop = src->unmapped_sid_cerror == SMMU_CERROR_NONE;
            return src->unmapped_sid_cerror;
        }
        smmu_cmd_put(cmd, SMMU_F_SID, psid);
    }
    return SMMU_CERROR_NONE;
}

/* ---- execution ------------------------------------------------------------------ */

/* Executes a non-SYNC command starting at t; returns its end and sets
 * *done to its completion (what a later CMD_SYNC waits for). */
static sim_time_t execute(struct smmu *s, struct smmu_cmd_source *src, const uint64_t cmd[2], sim_time_t t,
                          sim_time_t *done)
{
    const struct smmu_cmd_desc *d = smmu_cmd_desc(smmu_cmd_op(cmd));
    sim_time_t end;
    bool broadcast = false;
    switch (d->cls) {
    case SMMU_CLASS_TLBI:
    case SMMU_CLASS_CFGI:
        end = t + sim_cycles(&s->clock, smmu_inval_exec(s, cmd, &broadcast));
        *done = end;
        if (broadcast && s->cfg.tbus) {
            s->counters.tbu_broadcasts++;
            *done = end + sim_cycles(&s->clock, s->cfg.tbu_ack);
        }
        return end;
    case SMMU_CLASS_ATC: {
        end = t + sim_cycles(&s->clock, s->cfg.atc_inv);
        bool timed_out = false;
        *done = smmu_atc_inv_exec(s, cmd, end, &timed_out);
        if (timed_out)
            src->eng.atc_timed_out = true;
        return end;
    }
    case SMMU_CLASS_PREFETCH:
        end = t + sim_cycles(&s->clock, s->cfg.prefetch);
        break;
    default:
        end = t + sim_cycles(&s->clock, s->cfg.other);
        break;
    }
    *done = end;
    return end;
}

static void sync_complete_now(struct smmu *s, struct smmu_cmd_source *src, uint32_t ptr, sim_time_t prod_time,
                              sim_time_t done)
{
    src->stats.syncs++;
    sim_hist_record(&src->stats.sync_latency, done - prod_time);
    if (s->eng.obs && s->eng.obs->sync_done)
        s->eng.obs->sync_done(s->eng.obs_opaque, src, ptr, prod_time, done);
    SIM_TRACE(tp_smmuv3_cmd_complete, "q=%s ptr=0x%x SYNC", src->name, ptr);
}

static void count_consumed(struct smmu *s, struct smmu_cmd_source *src, uint32_t ptr, uint8_t op,
                           sim_time_t prod_time, sim_time_t start, sim_time_t end)
{
    src->stats.cmds++;
    src->stats.by_opcode[op]++;
    sim_hist_record(&src->stats.cmd_latency, end - prod_time);
    if (s->eng.obs && s->eng.obs->consumed)
        s->eng.obs->consumed(s->eng.obs_opaque, src, ptr, op, prod_time, start, end);
}

/* SYNC completion at its time: the result becomes observable. */
static void sync_fire(struct sim_event *ev, void *opaque)
{
    struct smmu_src_ext *x = opaque;
    struct smmu_cmd_source *src = x->src;
    struct smmu *s = src->eng.smmu;
    sim_time_t now = sim_now(s->sched);
    (void)ev;
    sync_complete_now(s, src, x->sync_ptr, x->sync_prod_time, now);
    count_consumed(s, src, x->sync_ptr, SMMU_CMD_SYNC, x->sync_prod_time, x->sync_exec_start, now);
    sim_time_t visible = now + sim_cycles(&s->clock, s->cfg.cons_writeback);
    struct smmu_pub p = { .when = visible, .cons = smmu_q_inc(src->log2size, x->sync_ptr) };
    unsigned cs = (unsigned)smmu_cmd_get(x->sync_cmd, SMMU_F_CS);
    if (cs == SMMU_SYNC_CS_IRQ) {
        /* Not gated by IRQ_CTRL (§2.3).  Signalled once CONS has passed
         * the SYNC, so software woken by it also sees CONS (docs). */
        smmu_wire_at(s, SMMU_IRQ_CMD_SYNC, visible);
        uint64_t addr = smmu_cmd_get(x->sync_cmd, SMMU_F_MSIADDR);
        if (smmu_has_msi(&s->cfg) && addr)
            smmu_msi_send(s, SMMU_IRQ_CMD_SYNC, addr, (uint32_t)smmu_cmd_get(x->sync_cmd, SMMU_F_MSIDATA),
                          (uint32_t)R_GERROR_MSI_CMDQ_ABT_ERR_MASK,
                          visible + sim_cycles(&s->clock, s->cfg.msi_write));
    } else if (cs == SMMU_SYNC_CS_SEV && SIM_FIELD_EX32(s->cfg.idr[0], IDR0, SEV)) {
        s->counters.sev++;
    }
    publish(s, src, &p);
}

enum step { STEP_NEXT, STEP_END_TURN };

/* CMD_SYNC at `ptr`, issued at t.  Completes inline when nothing is
 * outstanding and nothing must be signalled; otherwise the source waits
 * (other sources are served) and sync_fire completes it. */
static enum step do_sync(struct smmu *s, struct smmu_cmd_source *src, const uint64_t cmd[2], uint32_t ptr,
                         sim_time_t prod_time, sim_time_t t, sim_time_t *engine_t)
{
    struct smmu_src_ext *x = ext_of(src);
    sim_time_t end = t + sim_cycles(&s->clock, s->cfg.sync);
    sim_time_t done = sim_time_max(end, src->eng.pending_done);
    *engine_t = end;
    if (src->eng.atc_timed_out) {
        /* CERROR_ATC_INV_SYNC: the SYNC is not consumed, nothing is signalled. */
        src->eng.atc_timed_out = false;
        fail(s, src, ptr, SMMU_CERROR_ATC_INV_SYNC, done);
        return STEP_END_TURN;
    }
    unsigned cs = (unsigned)smmu_cmd_get(cmd, SMMU_F_CS);
    if (done == end && cs != SMMU_SYNC_CS_IRQ) {
        if (cs == SMMU_SYNC_CS_SEV && SIM_FIELD_EX32(s->cfg.idr[0], IDR0, SEV))
            s->counters.sev++;
        sync_complete_now(s, src, ptr, prod_time, done);
        count_consumed(s, src, ptr, SMMU_CMD_SYNC, prod_time, t, end);
        src->eng.rd = smmu_q_inc(src->log2size, ptr);
        return STEP_NEXT;
    }
    x->sync_ptr = ptr;
    x->sync_cmd[0] = cmd[0];
    x->sync_cmd[1] = cmd[1];
    x->sync_prod_time = prod_time;
    x->sync_exec_start = t;
    src->eng.ready_at = done;       /* later commands wait for the SYNC */
    src->eng.rd = smmu_q_inc(src->log2size, ptr);
    sim_schedule(s->sched, &x->sync_ev, done);
    return STEP_END_TURN;
}

static void read_cmd(const uint8_t raw[16], uint64_t cmd[2])
{
    uint64_t lo, hi;
    memcpy(&lo, raw, 8);
    memcpy(&hi, raw + 8, 8);
    cmd[0] = GUINT64_FROM_LE(lo);
    cmd[1] = GUINT64_FROM_LE(hi);
}

/* State of the fetch pipeline during one turn. */
struct fetch {
    sim_time_t slot_free[64];   /* when each prefetch buffer slot frees */
    unsigned burst, depth, left, slot, k;
    sim_time_t avail, turn_start, latency;
    unsigned pre_left;          /* a burst carried in flight from the last turn */
    sim_time_t pre_avail;
};

static sim_time_t fetch_next(struct fetch *f)
{
    if (f->left == 0) {         /* the next burst: carried over, or a new read */
        f->slot = f->k % f->depth;
        if (f->pre_left) {
            f->avail = f->pre_avail;
            f->left = f->pre_left;
            f->pre_left = 0;
        } else {
            f->avail = sim_time_max(f->turn_start, f->slot_free[f->slot]) + f->latency;
            f->left = f->burst;
        }
        f->k++;
    }
    f->left--;
    return f->avail;
}

/* At the end of a turn that leaves `remaining` commands: what the fetch
 * buffer already holds or has in flight, kept for the source's next turn. */
static void fetch_carry(const struct fetch *f, struct smmu_src_ext *x, uint32_t remaining,
                        sim_time_t engine_t)
{
    x->fetched_left = MIN(f->left, remaining);
    x->fetched_at = f->avail;
    x->inflight_left = 0;
    remaining -= x->fetched_left;
    sim_time_t start = sim_time_max(f->turn_start, f->slot_free[f->k % f->depth]);
    if (remaining && f->depth > 1 && start <= engine_t) {
        x->inflight_left = MIN(f->burst, remaining);
        x->inflight_at = start + f->latency;
    }
}

static void fetch_consumed(struct fetch *f, sim_time_t t)
{
    if (f->left == 0)
        f->slot_free[f->slot] = t;
}

/* One turn of `src` starting at T; returns when the engine is free. */
static sim_time_t serve(struct smmu *s, struct smmu_cmd_source *src, sim_time_t T)
{
    struct fetch f;
    f.burst = (unsigned)s->cfg.fetch_burst;
    f.depth = (unsigned)s->cfg.prefetch_depth;
    f.k = f.slot = 0;
    f.turn_start = T;
    f.latency = sim_mem_latency(s->mem);
    memset(f.slot_free, 0, sizeof(f.slot_free[0]) * f.depth);
    struct smmu_src_ext *x = ext_of(src);
    f.left = x->fetched_left;   /* the rest of the last turn's burst */
    f.avail = x->fetched_at;
    f.pre_left = x->inflight_left;
    f.pre_avail = x->inflight_at;
    x->fetched_left = x->inflight_left = 0;

    sim_time_t budget = s->eng.cycles_per_turn ? sim_cycles(&s->clock, s->eng.cycles_per_turn) : SIM_TIME_MAX;
    uint32_t max_cmds = s->eng.cmds_per_turn;
    sim_time_t engine_t = T;
    uint32_t n = 0;
    bool ended = false;
    src->stats.turns++;

    while (!ended && !smmu_q_empty(src->log2size, src->prod, src->eng.rd)) {
        if ((max_cmds && n >= max_cmds) || (n && engine_t - T >= budget))
            break;
        uint32_t p = src->eng.rd;
        sim_time_t avail = fetch_next(&f);
        sim_time_t start = sim_time_max(engine_t, avail);
        uint8_t raw[16];
        uint64_t cmd[2];
        n++;
        if (sim_mem_read(s->mem, smmu_q_entry_addr(src->base, src->log2size, p, 4), raw, 16) != SIM_MEM_OK) {
            fail(s, src, p, SMMU_CERROR_ABT, start);   /* CONS not advanced */
            engine_t = start;
            ended = true;
            break;
        }
        read_cmd(raw, cmd);
        sim_time_t prod_time = mark_time(src, p, T);
        uint8_t op = smmu_cmd_op(cmd);
        SIM_TRACE(tp_smmuv3_cmd_fetch, "q=%s ptr=0x%x op=%s", src->name, p, smmu_cmd_name(op));
        bool drop;
        enum smmu_cerror err = vet(s, src, cmd, &drop);
        if (err) {
            fail(s, src, p, err, start);
            engine_t = start;
            ended = true;
            break;
        }
        if (op == SMMU_CMD_SYNC && !drop) {
            ended = do_sync(s, src, cmd, p, prod_time, start, &engine_t) == STEP_END_TURN;
            fetch_consumed(&f, engine_t);
            if (ended && !ext_of(src)->halted)
                publish_cons(s, src, p, engine_t);
            continue;
        }
        sim_time_t done = start, end = start + sim_cycles(&s->clock, s->cfg.other);
        if (!drop)
            end = execute(s, src, cmd, start, &done);
        SIM_TRACE(tp_smmuv3_cmd_exec, "q=%s ptr=0x%x op=%s", src->name, p, smmu_cmd_name(op));
        src->eng.pending_done = sim_time_max(src->eng.pending_done, done);
        count_consumed(s, src, p, op, prod_time, start, end);
        engine_t = end;
        fetch_consumed(&f, engine_t);
        src->eng.rd = smmu_q_inc(src->log2size, p);
    }
    if (!ended) {
        publish_cons(s, src, src->eng.rd, engine_t);
        fetch_carry(&f, x, smmu_q_used(src->log2size, src->prod, src->eng.rd), engine_t);
    }
    return engine_t;
}

/* The next active source whose ready time has come, in ring order;
 * otherwise NULL and *next gets the earliest ready time. */
static struct smmu_cmd_source *pick(struct smmu *s, sim_time_t now, sim_time_t *next)
{
    struct smmu_cmd_source *src = s->eng.ring;
    *next = SIM_TIME_MAX;
    for (unsigned i = 0; i < s->eng.active; i++, src = src->eng.next_active) {
        if (src->eng.ready_at <= now)
            return src;
        *next = sim_time_min(*next, src->eng.ready_at);
    }
    return NULL;
}

static void turn_fire(struct sim_event *ev, void *opaque)
{
    struct smmu *s = opaque;
    sim_time_t now = sim_now(s->sched), next;
    (void)ev;
    struct smmu_cmd_source *src = pick(s, now, &next);
    if (!src) {
        if (next != SIM_TIME_MAX)
            sim_schedule(s->sched, &s->eng.turn, next);
        return;
    }
    sim_time_t end = serve(s, src, now);
    s->eng.busy_until = end;
    if (src->eng.active) {
        if (has_work(src))
            s->eng.ring = src->eng.next_active;
        else
            ring_remove(&s->eng, src);
    }
    if (s->eng.active)
        sim_schedule(s->sched, &s->eng.turn, end);
}

/* ---- public API ------------------------------------------------------------------- */

void smmu_engine_init(struct smmu *s)
{
    memset(&s->eng, 0, sizeof(s->eng));
    sim_event_init(&s->eng.turn, "smmu.engine.turn", turn_fire, s);
    s->eng.cmds_per_turn = (uint32_t)s->cfg.cmds_per_turn;
    s->eng.cycles_per_turn = (uint32_t)s->cfg.cycles_per_turn;
    s->eng.sources = g_ptr_array_new();
}

void smmu_engine_destroy(struct smmu *s)
{
    sim_cancel(s->sched, &s->eng.turn);
    g_ptr_array_free(s->eng.sources, TRUE);
}

static void register_source_stats(struct smmu *s, struct smmu_cmd_source *src, const char *prefix)
{
    static const char *const errs[SMMU_CERROR_COUNT] = { "NONE", "ILL", "ABT", "ATC_INV_SYNC", "ILL_ACCESS" };
    struct sim_stats *st = s->stats;
    char *n;
#define ADD(fmt, arg, ptr) (n = g_strdup_printf(fmt, prefix, arg), sim_stats_add_counter(st, n, ptr), g_free(n))
    ADD("%s.cmds%s", "", &src->stats.cmds);
    ADD("%s.syncs%s", "", &src->stats.syncs);
    ADD("%s.turns%s", "", &src->stats.turns);
    for (unsigned e = 1; e < SMMU_CERROR_COUNT; e++)
        ADD("%s.errors.%s", errs[e], &src->stats.errors[e]);
    for (unsigned op = 0; op < 256; op++)
        if (smmu_cmd_desc((uint8_t)op))
            ADD("%s.by_opcode.%s", smmu_cmd_name((uint8_t)op), &src->stats.by_opcode[op]);
#undef ADD
    n = g_strdup_printf("%s.cmd_latency", prefix);
    sim_stats_add_hist(st, n, "ps", &src->stats.cmd_latency);
    g_free(n);
    n = g_strdup_printf("%s.sync_latency", prefix);
    sim_stats_add_hist(st, n, "ps", &src->stats.sync_latency);
    g_free(n);
    n = g_strdup_printf("%s.occupancy", prefix);
    sim_stats_add_hist(st, n, "entries", &src->stats.occupancy);
    g_free(n);
}

void smmu_engine_attach(struct smmu *s, struct smmu_cmd_source *src, const char *stats_prefix)
{
    g_return_if_fail(!src->eng.attached);
    struct smmu_src_ext *x = g_new0(struct smmu_src_ext, 1);
    x->src = src;
    x->prefix = g_strdup(stats_prefix);
    memset(&src->eng, 0, sizeof(src->eng));
    memset(&src->stats, 0, sizeof(src->stats));
    sim_hist_init(&src->stats.cmd_latency);
    sim_hist_init(&src->stats.sync_latency);
    sim_hist_init(&src->stats.occupancy);
    src->eng.smmu = s;
    src->eng.attached = true;
    src->eng.rd = src->cons;
    src->eng.publish_cons = src->cons;
    src->stopped_on_error = false;
    sim_event_init(&src->eng.publish, "smmu.engine.cons", publish_fire, x);
    sim_event_init(&x->sync_ev, "smmu.engine.sync", sync_fire, x);
    g_ptr_array_add(s->eng.sources, x);
    register_source_stats(s, src, stats_prefix);
    if (has_work(src))
        activate(s, src, sim_now(s->sched) + sim_cycles(&s->clock, s->cfg.prod_to_engine));
}

void smmu_engine_detach(struct smmu *s, struct smmu_cmd_source *src)
{
    if (!src->eng.attached)
        return;
    struct smmu_src_ext *x = ext_of(src);
    ring_remove(&s->eng, src);
    sim_cancel(s->sched, &src->eng.publish);
    sim_cancel(s->sched, &x->sync_ev);
    char *prefix = g_strdup_printf("%s.", x->prefix);
    sim_stats_remove_prefix(s->stats, prefix);
    g_free(prefix);
    g_ptr_array_remove(s->eng.sources, x);
    g_free(x->prefix);
    g_free(x);
    src->eng.attached = false;
    src->eng.publish.opaque = NULL;
}

void smmu_cmd_source_write_prod(struct smmu_cmd_source *src, uint32_t prod)
{
    struct smmu *s = src->eng.smmu;
    src->prod = prod;
    if (!s)
        return;
    sim_time_t now = sim_now(s->sched);
    mark_push(src, prod, now);
    sim_hist_record(&src->stats.occupancy, smmu_q_used(src->log2size, prod, src->cons));
    if (has_work(src))
        activate(s, src, now + sim_cycles(&s->clock, s->cfg.prod_to_engine));
}

void smmu_cmd_source_set_enabled(struct smmu_cmd_source *src, bool enabled)
{
    struct smmu *s = src->eng.smmu;
    src->enabled = enabled;
    if (!s)
        return;
    if (!enabled) {
        ring_remove(&s->eng, src);
        ext_of(src)->fetched_left = ext_of(src)->inflight_left = 0; /* nothing kept */
    }
    else if (has_work(src))
        activate(s, src, sim_now(s->sched) + sim_cycles(&s->clock, s->cfg.prod_to_engine));
}

void smmu_cmd_source_set_cons(struct smmu_cmd_source *src, uint32_t cons)
{
    src->cons = cons;
    if (!src->eng.attached)
        return;
    src->eng.rd = cons;
    ext_of(src)->fetched_left = ext_of(src)->inflight_left = 0;
    src->eng.publish_cons = cons;
    mark_reset(src, sim_now(src->eng.smmu->sched));
}

void smmu_cmd_source_error_ack(struct smmu_cmd_source *src)
{
    struct smmu *s = src->eng.smmu;
    if (!s || !src->stopped_on_error)
        return;
    src->stopped_on_error = false;
    ext_of(src)->halted = false;
    src->eng.rd = src->cons;        /* re-fetch the command at CONS */
    ext_of(src)->fetched_left = ext_of(src)->inflight_left = 0;
    mark_reset(src, sim_now(s->sched));
    if (has_work(src))
        activate(s, src, sim_now(s->sched) + sim_cycles(&s->clock, s->cfg.prod_to_engine));
}

void smmu_engine_set_turn_limits(struct smmu *s, uint32_t cmds_per_turn, uint32_t cycles_per_turn)
{
    s->eng.cmds_per_turn = cmds_per_turn;
    s->eng.cycles_per_turn = cycles_per_turn;
}

void smmu_engine_set_observer(struct smmu *s, const struct smmu_engine_observer *obs, void *opaque)
{
    s->eng.obs = obs;
    s->eng.obs_opaque = opaque;
}

bool smmu_engine_idle(const struct smmu *s)
{
    if (s->eng.active || sim_event_pending(&s->eng.turn))
        return false;
    for (guint i = 0; i < s->eng.sources->len; i++) {
        const struct smmu_src_ext *x = g_ptr_array_index(s->eng.sources, i);
        if (sim_event_pending(&x->src->eng.publish) || sim_event_pending(&x->sync_ev))
            return false;
    }
    return true;
}
