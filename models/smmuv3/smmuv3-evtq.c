/*
 * smmuv3-evtq.c — the event queue producer (IHI 0070 G.b §3.5.3-3.5.5,
 * §7.2, §7.4; smmuv3.md §1.2, §4.3).
 *
 * The queue is writable iff CR0ACK.EVENTQEN = 1, it is not full, and no
 * GERROR.EVENTQ_ABT_ERR is unacknowledged.  Otherwise a record is
 * discarded: when the queue is full the SMMU toggles EVENTQ_PROD.OVFLG,
 * but only if no overflow is pending (OVFLG == EVENTQ_CONS.OVACKFLG) —
 * the spec rule, not QEMU's (which raises EVENTQ_ABT_ERR, smmuv3.md §5.6).
 * A record write that aborts raises GERROR.EVENTQ_ABT_ERR and the queue
 * stays unwritable until software acknowledges it in GERRORN.
 *
 * A record is written to memory when the fault is detected and becomes
 * visible (PROD covers it) smmu.evtq_write_cycles later: entries are in
 * memory before the PROD update, PROD before the IRQ (smmuv3.md §1.2).
 * Records detected while a PROD update is pending join the next update,
 * made when the last of them is due.
 * The EVENTQ interrupt (wired or MSI per EVENTQ_IRQ_CFG0-2; an MSI abort
 * is GERROR.MSI_EVENTQ_ABT_ERR) fires when an update makes an empty queue
 * non-empty.  Stall events never wait here: stalling is not modelled and
 * stall-configured faults are terminated (docs/translation.md).  Identical
 * events are never merged.
 */
#include "models/smmuv3/smmuv3-internal.h"
#include "models/smmuv3/smmuv3-queue.h"

#define EVT_SHIFT 5             /* 32-byte records */
#define OVFLG_BIT 0x80000000u

static unsigned evtq_log2(const struct smmu *s)
{
    unsigned log2 = (unsigned)SIM_FIELD_EX64(s->eventq_base, Q_BASE, LOG2SIZE);
    unsigned cap = SIM_FIELD_EX32(s->cfg.idr[1], IDR1, EVENTQS);
    return log2 > cap ? cap : log2;
}

static uint64_t evtq_base(const struct smmu *s, unsigned log2)
{
    return smmu_q_effective_base(s->eventq_base & R_Q_BASE_ADDR_MASK, log2, EVT_SHIFT);
}

/* The next free slot: PROD plus the records not yet published. */
static uint32_t evtq_write_ptr(const struct smmu *s, unsigned log2)
{
    return smmu_q_add(log2, s->eventq_prod, s->evtq_unpublished);
}

static void evtq_publish(struct sim_event *ev, void *opaque)
{
    struct smmu *s = opaque;
    unsigned log2 = evtq_log2(s);
    (void)ev;
    bool was_empty = smmu_q_empty(log2, s->eventq_prod, s->eventq_cons);
    s->eventq_prod = (s->eventq_prod & OVFLG_BIT) | smmu_q_add(log2, s->eventq_prod, s->evtq_batch);
    s->evtq_unpublished -= s->evtq_batch;
    s->evtq_batch = s->evtq_unpublished;
    if (s->evtq_batch)
        sim_schedule(s->sched, &s->evtq_ev, s->evtq_last_write);
    SIM_TRACE(tp_smmuv3_evtq, "publish prod=0x%x cons=0x%x", s->eventq_prod, s->eventq_cons);
    if (was_empty && !smmu_q_empty(log2, s->eventq_prod, s->eventq_cons) &&
        SIM_FIELD_EX32(s->irq_ctrlack, IRQ_CTRL, EVENTQ_IRQEN))
        smmu_signal_irq(s, SMMU_IRQ_EVENTQ, s->eventq_irq_cfg0, s->eventq_irq_cfg1,
                        (uint32_t)R_GERROR_MSI_EVENTQ_ABT_ERR_MASK);
}

static void overflow(struct smmu *s)
{
    s->counters.evt_discard_full++;
    if ((s->eventq_prod & OVFLG_BIT) != (s->eventq_cons & OVFLG_BIT))
        return;             /* an overflow is already pending */
    s->eventq_prod ^= OVFLG_BIT;
    s->counters.evt_overflows++;
    SIM_TRACE(tp_smmuv3_evtq, "overflow prod=0x%x", s->eventq_prod);
}

void smmu_evtq_record(struct smmu *s, const struct smmu_fault *f, sim_time_t when)
{
    if (!SIM_FIELD_EX32(s->cr0ack, CR0, EVENTQEN)) {
        s->counters.evt_discard_off++;
        return;
    }
    if ((s->gerror ^ s->gerrorn) & R_GERROR_EVENTQ_ABT_ERR_MASK) {
        s->counters.evt_discard_abt++;
        return;
    }
    unsigned log2 = evtq_log2(s);
    uint32_t wr = evtq_write_ptr(s, log2);
    if (smmu_q_full(log2, wr, s->eventq_cons)) {
        overflow(s);
        return;
    }
    uint64_t rec[4];
    uint8_t bytes[32];
    smmu_event_encode(f, rec);
    for (unsigned i = 0; i < 32; i++)
        bytes[i] = (uint8_t)(rec[i / 8] >> (8 * (i % 8)));
    uint64_t addr = smmu_q_entry_addr(evtq_base(s, log2), log2, wr, EVT_SHIFT);
    if (sim_mem_write(s->mem, addr, bytes, sizeof(bytes)) != SIM_MEM_OK) {
        s->counters.evt_write_aborts++;
        SIM_TRACE(tp_smmuv3_evtq, "write abort addr=0x%" G_GINT64_MODIFIER "x", addr);
        smmu_gerror_activate(s, (uint32_t)R_GERROR_EVENTQ_ABT_ERR_MASK);
        return;
    }
    s->counters.evt_written++;
    s->evtq_unpublished++;
    SIM_TRACE(tp_smmuv3_evtq, "record %s sid=0x%x at=0x%" G_GINT64_MODIFIER "x", smmu_event_name(f->type),
              f->sid, addr);
    sim_time_t visible = sim_time_max(when, sim_now(s->sched)) + sim_cycles(&s->clock, s->cfg.evtq_write);
    s->evtq_last_write = sim_time_max(s->evtq_last_write, visible);
    if (!sim_event_pending(&s->evtq_ev)) {
        s->evtq_batch = s->evtq_unpublished;
        sim_schedule(s->sched, &s->evtq_ev, s->evtq_last_write);
    }
}

void smmu_evtq_init(struct smmu *s)
{
    sim_event_init(&s->evtq_ev, "smmu.evtq", evtq_publish, s);
}

void smmu_evtq_reset(struct smmu *s)
{
    sim_cancel(s->sched, &s->evtq_ev);
    s->evtq_unpublished = s->evtq_batch = 0;
    s->evtq_last_write = 0;
}
