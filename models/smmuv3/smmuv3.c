/*
 * smmuv3.c — the SMMUv3 programming interface (IHI 0070 G.b §6, §7.5).
 *
 * Models the register file of Page 0 and Page 1 (smmuv3.md §1.1): ID
 * registers composed from parameters, CR0/CR0ACK, IRQ_CTRL/IRQ_CTRLACK and
 * the GBPA Update handshake each completing after a parameter delay (so a
 * driver that does not poll sees the old value), the write guards of
 * §1.1, the GERROR/GERRORN toggle protocol of §1.4, and interrupts as wired
 * pulses or MSIs (a timed 32-bit memory write; an abort toggles the
 * matching GERROR.MSI_*_ABT_ERR).  The SMMU's CMDQ is one source of the
 * command engine (smmuv3-engine.c): it consumes while CR0ACK.CMDQEN is set
 * and no CMDQ_ERR is active.
 */
#include <string.h>
#include "models/smmuv3/smmuv3-internal.h"
#include "sim/log.h"

#define SIM_TP(n) SIM_TP_DEFINE(n)
#include "models/smmuv3/trace-events.def"
#undef SIM_TP

void smmu_register_tracepoints(void)
{
#define SIM_TP(n) SIM_TP_ADDR(n)
    static struct sim_tracepoint *const points[] = {
#include "models/smmuv3/trace-events.def"
    };
#undef SIM_TP
    sim_trace_register(points, SIM_ARRAY_SIZE(points));
}

static const uint64_t IRQ_CFG0_MASK = 0x00FFFFFFFFFFFFFCull;      /* ADDR [55:2] */
static const uint64_t Q_BASE_MASK = 0x40FFFFFFFFFFFFFFull;        /* RA [62], ADDR [55:5], LOG2SIZE */
static const uint64_t STRTAB_BASE_MASK = 0x40FFFFFFFFFFFFC0ull;   /* RA [62], ADDR [55:6] */
static const uint32_t STRTAB_CFG_MASK = 0x000307FFu;             /* FMT, SPLIT, LOG2SIZE */
static const uint32_t GBPA_MASK = 0x001F3F1Fu;                    /* all fields but Update */
static const uint32_t Q_PTR_MASK = 0x000FFFFFu;
static const uint32_t OVF_MASK = 0x80000000u;

/* ---- interrupts ---------------------------------------------------------- */

void smmu_pulse_wire(struct smmu *s, enum smmu_irq_line line)
{
    s->counters.irq_pulses[line]++;
    SIM_TRACE(tp_smmuv3_irq, "wire=%d", (int)line);
    if (s->irq_fn)
        s->irq_fn(s->irq_opaque, line, false, 0, 0);
}

static void msi_land(struct sim_event *ev, void *opaque)
{
    struct smmu_msi *m = opaque;
    struct smmu *s = m->smmu;
    (void)ev;
    m->next_free = s->msi_free;
    s->msi_free = m;
    if (m->wire) {
        smmu_pulse_wire(s, m->line);
        return;
    }
    if (sim_mem_write32(s->mem, m->addr, m->data) != SIM_MEM_OK) {
        s->counters.msi_aborts++;
        smmu_gerror_activate(s, m->abort_bit);
        return;
    }
    s->counters.msis++;
    SIM_TRACE(tp_smmuv3_irq, "msi line=%d addr=0x%" G_GINT64_MODIFIER "x data=0x%x", (int)m->line, m->addr,
              m->data);
    if (s->irq_fn)
        s->irq_fn(s->irq_opaque, m->line, true, m->addr, m->data);
}

static void deferred_irq(struct smmu *s, enum smmu_irq_line line, bool wire, uint64_t addr, uint32_t data,
                         uint32_t abort_bit, sim_time_t when)
{
    struct smmu_msi *m = s->msi_free;
    if (!m) {
        m = g_new0(struct smmu_msi, 1);
        m->smmu = s;
        sim_event_init(&m->ev, "smmu.msi", msi_land, m);
        g_ptr_array_add(s->msi_all, m);
    } else {
        s->msi_free = m->next_free;
    }
    m->addr = addr;
    m->data = data;
    m->abort_bit = abort_bit;
    m->line = line;
    m->wire = wire;
    sim_schedule(s->sched, &m->ev, when);
}

void smmu_msi_send(struct smmu *s, enum smmu_irq_line line, uint64_t addr, uint32_t data, uint32_t abort_bit,
                   sim_time_t when)
{
    deferred_irq(s, line, false, addr, data, abort_bit, when);
}

void smmu_wire_at(struct smmu *s, enum smmu_irq_line line, sim_time_t when)
{
    deferred_irq(s, line, true, 0, 0, 0, when);
}

void smmu_signal_irq(struct smmu *s, enum smmu_irq_line line, uint64_t msi_cfg0, uint32_t msi_data,
                     uint32_t abort_bit)
{
    uint64_t addr = msi_cfg0 & IRQ_CFG0_MASK;
    if (smmu_has_msi(&s->cfg) && addr)
        smmu_msi_send(s, line, addr, msi_data, abort_bit, sim_now(s->sched) + sim_cycles(&s->clock, s->cfg.msi_write));
    else
        smmu_pulse_wire(s, line);
}

/* §1.4: toggle GERROR[bit] unless that error is already active. */
void smmu_gerror_activate(struct smmu *s, uint32_t bit)
{
    bit &= s->gerror_impl;
    if (!bit || ((s->gerror ^ s->gerrorn) & bit))
        return;
    s->gerror ^= bit;
    s->counters.gerror_activations++;
    SIM_TRACE(tp_smmuv3_gerror, "activate=0x%x gerror=0x%x", bit, s->gerror);
    if (bit == R_GERROR_MSI_GERROR_ABT_ERR_MASK || !SIM_FIELD_EX32(s->irq_ctrlack, IRQ_CTRL, GERROR_IRQEN))
        return;
    smmu_signal_irq(s, SMMU_IRQ_GERROR, s->gerror_irq_cfg0, s->gerror_irq_cfg1,
                    (uint32_t)R_GERROR_MSI_GERROR_ABT_ERR_MASK);
}

/* ---- the CMDQ as an engine source ---------------------------------------- */

static void cmdq_error(struct smmu_cmd_source *src, enum smmu_cerror err, uint32_t cons)
{
    struct smmu *s = src->opaque;
    (void)cons;
    /* CONS.ERR is written before GERROR.CMDQ_ERR becomes visible (§1.2). */
    s->cmdq_cons_err = (uint32_t)err;
    smmu_gerror_activate(s, (uint32_t)R_GERROR_CMDQ_ERR_MASK);
}

static const struct smmu_cmd_source_ops cmdq_ops = { .error = cmdq_error };

static void cmdq_apply_base(struct smmu *s)
{
    unsigned log2 = (unsigned)SIM_FIELD_EX64(s->cmdq_base, Q_BASE, LOG2SIZE);
    unsigned cap = SIM_FIELD_EX32(s->cfg.idr[1], IDR1, CMDQS);
    if (log2 > cap)
        log2 = cap;
    s->cmdq.log2size = log2;
    s->cmdq.base = smmu_q_effective_base(s->cmdq_base & (R_Q_BASE_ADDR_MASK), log2, 4);
}

/* ---- handshakes ------------------------------------------------------------ */

static bool cr0_or_ack(const struct smmu *s, uint64_t mask) { return ((s->cr0 | s->cr0ack) & mask) != 0; }

static void cr0ack_update(struct sim_event *ev, void *opaque)
{
    struct smmu *s = opaque;
    uint32_t old = s->cr0ack;
    (void)ev;
    s->cr0ack = s->cr0;
    SIM_TRACE(tp_smmuv3_cr0ack, "cr0ack=0x%x", s->cr0ack);
    if ((old ^ s->cr0ack) & R_CR0_CMDQEN_MASK)
        smmu_cmd_source_set_enabled(&s->cmdq, SIM_FIELD_EX32(s->cr0ack, CR0, CMDQEN));
}

static void gbpa_update(struct sim_event *ev, void *opaque)
{
    struct smmu *s = opaque;
    (void)ev;
    s->gbpa = s->gbpa_pending;          /* Update reads 0 again */
}

static void irq_ctrlack_update(struct sim_event *ev, void *opaque)
{
    struct smmu *s = opaque;
    (void)ev;
    s->irq_ctrlack = s->irq_ctrl;
}

static void schedule_in_cycles(struct smmu *s, struct sim_event *ev, uint64_t cycles)
{
    sim_reschedule(s->sched, ev, sim_now(s->sched) + sim_cycles(&s->clock, cycles));
}

/* ---- register file --------------------------------------------------------- */

static uint64_t reg_value(struct smmu *s, enum smmu_reg_id id)
{
    switch (id) {
    case SMMU_R_IDR0: return s->cfg.idr[0];
    case SMMU_R_IDR1: return s->cfg.idr[1];
    case SMMU_R_IDR2: return s->cfg.idr[2];
    case SMMU_R_IDR3: return s->cfg.idr[3];
    case SMMU_R_IDR4: return s->cfg.idr[4];
    case SMMU_R_IDR5: return s->cfg.idr[5];
    case SMMU_R_IIDR: return s->cfg.iidr;
    case SMMU_R_AIDR: return s->cfg.aidr;
    case SMMU_R_CR0: return s->cr0;
    case SMMU_R_CR0ACK: return s->cr0ack;
    case SMMU_R_CR1: return s->cr1;
    case SMMU_R_CR2: return s->cr2;
    case SMMU_R_GBPA: return s->gbpa;
    case SMMU_R_IRQ_CTRL: return s->irq_ctrl;
    case SMMU_R_IRQ_CTRLACK: return s->irq_ctrlack;
    case SMMU_R_GERROR: return s->gerror;
    case SMMU_R_GERRORN: return s->gerrorn;
    case SMMU_R_GERROR_IRQ_CFG0: return s->gerror_irq_cfg0;
    case SMMU_R_GERROR_IRQ_CFG1: return s->gerror_irq_cfg1;
    case SMMU_R_GERROR_IRQ_CFG2: return s->gerror_irq_cfg2;
    case SMMU_R_STRTAB_BASE: return s->strtab_base;
    case SMMU_R_STRTAB_BASE_CFG: return s->strtab_base_cfg;
    case SMMU_R_CMDQ_BASE: return s->cmdq_base;
    case SMMU_R_CMDQ_PROD: return s->cmdq_prod;
    case SMMU_R_CMDQ_CONS:
        return smmu_q_ptr(s->cmdq.log2size, s->cmdq.cons) |
               ((uint64_t)s->cmdq_cons_err << R_CMDQ_CONS_ERR_SHIFT);
    case SMMU_R_EVENTQ_BASE: return s->eventq_base;
    case SMMU_R_EVENTQ_IRQ_CFG0: return s->eventq_irq_cfg0;
    case SMMU_R_EVENTQ_IRQ_CFG1: return s->eventq_irq_cfg1;
    case SMMU_R_EVENTQ_IRQ_CFG2: return s->eventq_irq_cfg2;
    case SMMU_R_EVENTQ_PROD: return s->eventq_prod;
    case SMMU_R_EVENTQ_CONS: return s->eventq_cons;
    default: break;
    }
    if (!smmu_has_pri(&s->cfg))
        return 0;       /* PRIQ registers are RES0 without PRI */
    switch (id) {
    case SMMU_R_PRIQ_BASE: return s->priq_base;
    case SMMU_R_PRIQ_IRQ_CFG0: return s->priq_irq_cfg0;
    case SMMU_R_PRIQ_IRQ_CFG1: return s->priq_irq_cfg1;
    case SMMU_R_PRIQ_IRQ_CFG2: return s->priq_irq_cfg2;
    case SMMU_R_PRIQ_PROD: return s->priq_prod;
    case SMMU_R_PRIQ_CONS: return s->priq_cons;
    default: return 0;  /* STATUSR, AGBPA: 0 */
    }
}

static bool guard_ignored(const char *reg, bool guarded)
{
    if (guarded)
        sim_guest_error("smmuv3: write to %s ignored while its enable (or enable ACK) is set", reg);
    return guarded;
}

static void write_cr0(struct smmu *s, uint32_t v)
{
    s->cr0 = v & s->cr0_wmask;
    schedule_in_cycles(s, &s->cr0ack_ev, s->cfg.cr0ack_delay);
}

static void write_gbpa(struct smmu *s, uint32_t v)
{
    /* Only a write with Update = 1 changes GBPA; one made while an update
     * is still in progress is ignored (docs/smmuv3.md). */
    if (!SIM_FIELD_EX32(v, GBPA, UPDATE) || SIM_FIELD_EX32(s->gbpa, GBPA, UPDATE)) {
        sim_guest_error("smmuv3: GBPA write 0x%08x ignored (Update clear, or update in progress)", v);
        return;
    }
    s->gbpa_pending = v & GBPA_MASK;
    s->gbpa = SIM_FIELD_DP32(s->gbpa, GBPA, UPDATE, 1);
    schedule_in_cycles(s, &s->gbpa_ev, s->cfg.gbpa_update);
}

static void write_gerrorn(struct smmu *s, uint32_t v)
{
    uint32_t was_active = s->gerror ^ s->gerrorn;
    s->gerrorn = v & s->gerror_impl;
    uint32_t acked = was_active & ~(s->gerror ^ s->gerrorn);
    if (acked & R_GERROR_CMDQ_ERR_MASK) {
        s->cmdq_cons_err = SMMU_CERROR_NONE;
        smmu_cmd_source_error_ack(&s->cmdq);
    }
}

static bool irq_cfg_guarded(const struct smmu *s, uint64_t irqen_mask)
{
    return ((s->irq_ctrl | s->irq_ctrlack) & irqen_mask) != 0;
}

static void write_cmdq_reg(struct smmu *s, enum smmu_reg_id id, uint64_t v)
{
    bool guarded = cr0_or_ack(s, R_CR0_CMDQEN_MASK);
    switch (id) {
    case SMMU_R_CMDQ_BASE:
        if (!guard_ignored("CMDQ_BASE", guarded)) {
            s->cmdq_base = v & Q_BASE_MASK;
            cmdq_apply_base(s);
        }
        break;
    case SMMU_R_CMDQ_CONS:
        if (!guard_ignored("CMDQ_CONS", guarded))
            smmu_cmd_source_set_cons(&s->cmdq, smmu_q_ptr(s->cmdq.log2size, (uint32_t)v));
        break;
    default: /* CMDQ_PROD: RES0 bits above the wrap may be stored, no effect */
        s->cmdq_prod = (uint32_t)v & Q_PTR_MASK;
        smmu_cmd_source_write_prod(&s->cmdq, smmu_q_ptr(s->cmdq.log2size, s->cmdq_prod));
        break;
    }
}

static void write_queue_reg(struct smmu *s, enum smmu_reg_id id, uint64_t v)
{
    bool evq = cr0_or_ack(s, R_CR0_EVENTQEN_MASK);
    bool priq = cr0_or_ack(s, R_CR0_PRIQEN_MASK);
    bool pri = smmu_has_pri(&s->cfg);
    switch (id) {
    case SMMU_R_EVENTQ_BASE:
        if (!guard_ignored("EVENTQ_BASE", evq))
            s->eventq_base = v & Q_BASE_MASK;
        break;
    case SMMU_R_EVENTQ_PROD:
        if (!guard_ignored("EVENTQ_PROD", evq))
            s->eventq_prod = (uint32_t)v & (Q_PTR_MASK | OVF_MASK);
        break;
    case SMMU_R_EVENTQ_CONS: s->eventq_cons = (uint32_t)v & (Q_PTR_MASK | OVF_MASK); break;
    case SMMU_R_PRIQ_BASE:
        if (pri && !guard_ignored("PRIQ_BASE", priq))
            s->priq_base = v & Q_BASE_MASK;
        break;
    case SMMU_R_PRIQ_PROD:
        if (pri && !guard_ignored("PRIQ_PROD", priq))
            s->priq_prod = (uint32_t)v & (Q_PTR_MASK | OVF_MASK);
        break;
    case SMMU_R_PRIQ_CONS:
        if (pri)
            s->priq_cons = (uint32_t)v & (Q_PTR_MASK | OVF_MASK);
        break;
    default: break;
    }
}

static void write_irq_cfg(struct smmu *s, enum smmu_reg_id id, uint64_t v)
{
    bool g = irq_cfg_guarded(s, R_IRQ_CTRL_GERROR_IRQEN_MASK);
    bool e = irq_cfg_guarded(s, R_IRQ_CTRL_EVENTQ_IRQEN_MASK);
    bool p = irq_cfg_guarded(s, R_IRQ_CTRL_PRIQ_IRQEN_MASK) || !smmu_has_pri(&s->cfg);
    const char *name = smmu_regs[id].name;
    switch (id) {
    case SMMU_R_GERROR_IRQ_CFG0: if (!guard_ignored(name, g)) s->gerror_irq_cfg0 = v & IRQ_CFG0_MASK; break;
    case SMMU_R_GERROR_IRQ_CFG1: if (!guard_ignored(name, g)) s->gerror_irq_cfg1 = (uint32_t)v; break;
    case SMMU_R_GERROR_IRQ_CFG2: if (!guard_ignored(name, g)) s->gerror_irq_cfg2 = (uint32_t)v & SMMU_IRQ_CFG2_MASK; break;
    case SMMU_R_EVENTQ_IRQ_CFG0: if (!guard_ignored(name, e)) s->eventq_irq_cfg0 = v & IRQ_CFG0_MASK; break;
    case SMMU_R_EVENTQ_IRQ_CFG1: if (!guard_ignored(name, e)) s->eventq_irq_cfg1 = (uint32_t)v; break;
    case SMMU_R_EVENTQ_IRQ_CFG2: if (!guard_ignored(name, e)) s->eventq_irq_cfg2 = (uint32_t)v & SMMU_IRQ_CFG2_MASK; break;
    case SMMU_R_PRIQ_IRQ_CFG0: if (!p) s->priq_irq_cfg0 = v & IRQ_CFG0_MASK; break;
    case SMMU_R_PRIQ_IRQ_CFG1: if (!p) s->priq_irq_cfg1 = (uint32_t)v; break;
    case SMMU_R_PRIQ_IRQ_CFG2: if (!p) s->priq_irq_cfg2 = (uint32_t)v & SMMU_IRQ_CFG2_MASK; break;
    default: break;
    }
}

static void reg_store(struct smmu *s, enum smmu_reg_id id, uint64_t v)
{
    switch (id) {
    case SMMU_R_CR0: write_cr0(s, (uint32_t)v); break;
    case SMMU_R_CR1: s->cr1 = (uint32_t)v & 0xFFFu; break;
    case SMMU_R_CR2: s->cr2 = (uint32_t)v & s->cr2_wmask; break;
    case SMMU_R_GBPA: write_gbpa(s, (uint32_t)v); break;
    case SMMU_R_IRQ_CTRL:
        s->irq_ctrl = (uint32_t)v & s->irq_ctrl_wmask;
        schedule_in_cycles(s, &s->irq_ctrlack_ev, s->cfg.irq_ctrlack);
        break;
    case SMMU_R_GERRORN: write_gerrorn(s, (uint32_t)v); break;
    case SMMU_R_STRTAB_BASE:
        if (!guard_ignored("STRTAB_BASE", cr0_or_ack(s, R_CR0_SMMUEN_MASK)))
            s->strtab_base = v & STRTAB_BASE_MASK;
        break;
    case SMMU_R_STRTAB_BASE_CFG:
        if (!guard_ignored("STRTAB_BASE_CFG", cr0_or_ack(s, R_CR0_SMMUEN_MASK)))
            s->strtab_base_cfg = (uint32_t)v & STRTAB_CFG_MASK;
        break;
    case SMMU_R_CMDQ_BASE: case SMMU_R_CMDQ_PROD: case SMMU_R_CMDQ_CONS:
        write_cmdq_reg(s, id, v);
        break;
    case SMMU_R_EVENTQ_BASE: case SMMU_R_EVENTQ_PROD: case SMMU_R_EVENTQ_CONS:
    case SMMU_R_PRIQ_BASE: case SMMU_R_PRIQ_PROD: case SMMU_R_PRIQ_CONS:
        write_queue_reg(s, id, v);
        break;
    case SMMU_R_GERROR_IRQ_CFG0: case SMMU_R_GERROR_IRQ_CFG1: case SMMU_R_GERROR_IRQ_CFG2:
    case SMMU_R_EVENTQ_IRQ_CFG0: case SMMU_R_EVENTQ_IRQ_CFG1: case SMMU_R_EVENTQ_IRQ_CFG2:
    case SMMU_R_PRIQ_IRQ_CFG0: case SMMU_R_PRIQ_IRQ_CFG1: case SMMU_R_PRIQ_IRQ_CFG2:
        write_irq_cfg(s, id, v);
        break;
    case SMMU_R_AGBPA: case SMMU_R_STATUSR:
        break;          /* AGBPA: no IMPLEMENTATION DEFINED attributes (RAZ/WI) */
    default:
        sim_guest_error("smmuv3: write to read-only register %s ignored", smmu_regs[id].name);
        break;
    }
}

/* A 64-bit access must be to a 64-bit register; anything else the spec
 * leaves CONSTRAINED UNPREDICTABLE and this model makes RAZ/WI. */
static const struct smmu_reg_desc *decode(uint64_t offset, unsigned size)
{
    const struct smmu_reg_desc *d = smmu_reg_at(offset);
    if (d && size == 8 && (d->bytes != 8 || d->offset != offset)) {
        sim_guest_error("smmuv3: 64-bit access at 0x%05" G_GINT64_MODIFIER "x (%s) is RAZ/WI", offset, d->name);
        return NULL;
    }
    return d;
}

static uint64_t smmu_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    struct smmu *s = opaque;
    const struct smmu_reg_desc *d = decode(offset, size);
    if (!d)
        return 0;
    uint64_t v = reg_value(s, (enum smmu_reg_id)(d - smmu_regs));
    if (size == 4)
        v = (v >> ((offset - d->offset) * 8)) & 0xFFFFFFFFu;
    SIM_TRACE(tp_smmuv3_reg_read, "%s+%u -> 0x%" G_GINT64_MODIFIER "x", d->name, (unsigned)(offset - d->offset), v);
    return v;
}

static void smmu_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct smmu *s = opaque;
    const struct smmu_reg_desc *d = decode(offset, size);
    if (!d)
        return;
    enum smmu_reg_id id = (enum smmu_reg_id)(d - smmu_regs);
    SIM_TRACE(tp_smmuv3_reg_write, "%s+%u <- 0x%" G_GINT64_MODIFIER "x", d->name, (unsigned)(offset - d->offset),
              value);
    if (size == 4 && d->bytes == 8) {
        unsigned shift = (unsigned)(offset - d->offset) * 8;
        uint64_t old = reg_value(s, id);
        value = (old & ~(0xFFFFFFFFull << shift)) | ((value & 0xFFFFFFFFull) << shift);
    }
    reg_store(s, id, value);
}

const struct sim_mmio_ops smmu_mmio_ops = {
    .read = smmu_mmio_read,
    .write = smmu_mmio_write,
    .sizes = SIM_BUS_SIZE_32 | SIM_BUS_SIZE_64,
};

/* ---- life cycle ------------------------------------------------------------- */

static void compute_masks(struct smmu *s)
{
    bool pri = smmu_has_pri(&s->cfg), msi = smmu_has_msi(&s->cfg);
    s->cr0_wmask = (uint32_t)(R_CR0_SMMUEN_MASK | R_CR0_EVENTQEN_MASK | R_CR0_CMDQEN_MASK);
    if (pri)
        s->cr0_wmask |= (uint32_t)R_CR0_PRIQEN_MASK;
    if (SIM_FIELD_EX32(s->cfg.idr[0], IDR0, ATS))
        s->cr0_wmask |= (uint32_t)R_CR0_ATSCHK_MASK;
    s->irq_ctrl_wmask = (uint32_t)(R_IRQ_CTRL_GERROR_IRQEN_MASK | R_IRQ_CTRL_EVENTQ_IRQEN_MASK);
    if (pri)
        s->irq_ctrl_wmask |= (uint32_t)R_IRQ_CTRL_PRIQ_IRQEN_MASK;
    s->cr2_wmask = (uint32_t)(R_CR2_RECINVSID_MASK | (SIM_FIELD_EX32(s->cfg.idr[0], IDR0, HYP) ? R_CR2_E2H_MASK : 0));
    s->gerror_impl = (uint32_t)(R_GERROR_CMDQ_ERR_MASK | R_GERROR_EVENTQ_ABT_ERR_MASK | R_GERROR_SFM_ERR_MASK);
    if (pri)
        s->gerror_impl |= (uint32_t)R_GERROR_PRIQ_ABT_ERR_MASK;
    if (msi)
        s->gerror_impl |= (uint32_t)(R_GERROR_MSI_CMDQ_ABT_ERR_MASK | R_GERROR_MSI_EVENTQ_ABT_ERR_MASK |
                                     R_GERROR_MSI_GERROR_ABT_ERR_MASK);
    if (pri && msi)
        s->gerror_impl |= (uint32_t)R_GERROR_MSI_PRIQ_ABT_ERR_MASK;
}

static void register_stats(struct smmu *s)
{
    static const char *lines[4] = { "eventq", "priq", "cmd_sync", "gerror" };
    for (unsigned i = 0; i < 4; i++) {
        char *n = g_strdup_printf("smmu.irq.%s", lines[i]);
        sim_stats_add_counter(s->stats, n, &s->counters.irq_pulses[i]);
        g_free(n);
    }
    sim_stats_add_counter(s->stats, "smmu.msi.writes", &s->counters.msis);
    sim_stats_add_counter(s->stats, "smmu.msi.aborts", &s->counters.msi_aborts);
    sim_stats_add_counter(s->stats, "smmu.sev", &s->counters.sev);
    sim_stats_add_counter(s->stats, "smmu.gerror.activations", &s->counters.gerror_activations);
    sim_stats_add_counter(s->stats, "smmu.atc_inv.timeouts", &s->counters.atc_inv_timeouts);
    sim_stats_add_counter(s->stats, "smmu.tbu.broadcasts", &s->counters.tbu_broadcasts);
    static const struct { const char *name; size_t off; } xc[] = {
#define XC(n, f) { "smmu." n, offsetof(struct smmu, counters.f) }
        XC("xlate.translations", xlate), XC("xlate.faults", xlate_faults), XC("xlate.bypass", xlate_bypass),
        XC("xlate.walks", walks), XC("xlate.walk_accesses", walk_accesses), XC("xlate.cfg_misses", cfg_misses),
        XC("ptw.waits", ptw_waits), XC("ptw.wait_ps", ptw_wait_ps),
        XC("evtq.written", evt_written), XC("evtq.discarded_full", evt_discard_full),
        XC("evtq.discarded_disabled", evt_discard_off), XC("evtq.discarded_abort", evt_discard_abt),
        XC("evtq.overflows", evt_overflows), XC("evtq.write_aborts", evt_write_aborts),
        XC("utlb.invalidated", utlb_invalidated), XC("walk_cache.invalidated", wc_invalidated),
#undef XC
    };
    for (size_t i = 0; i < SIM_ARRAY_SIZE(xc); i++)
        sim_stats_add_counter(s->stats, xc[i].name, (const uint64_t *)((const char *)s + xc[i].off));
    smmu_tlb_register_stats(s->tlb, s->stats, "smmu.tlb");
    smmu_cfg_register_stats(s->cfgc, s->stats, "smmu.cfgcache");
}

struct smmu *smmu_new(struct sim_sched *sched, struct sim_mem *mem, const struct sim_params *params,
                      struct sim_stats *stats, GError **err)
{
    struct smmu_config cfg;
    if (!smmu_config_read(&cfg, params, err))
        return NULL;
    struct smmu *s = g_new0(struct smmu, 1);
    s->sched = sched;
    s->mem = mem;
    s->stats = stats;
    s->cfg = cfg;
    s->clock = sim_clock_mhz(cfg.clock_mhz);
    s->caps = (struct smmu_cmd_caps){
        .s1 = smmu_has_s1(&cfg), .s2 = smmu_has_s2(&cfg),
        .hyp = SIM_FIELD_EX32(cfg.idr[0], IDR0, HYP), .ats = SIM_FIELD_EX32(cfg.idr[0], IDR0, ATS),
        .pri = smmu_has_pri(&cfg), .stall = SIM_FIELD_EX32(cfg.idr[0], IDR0, STALL_MODEL) != 1,
        .ril = SIM_FIELD_EX32(cfg.idr[3], IDR3, RIL), .check_res0 = cfg.check_res0,
    };
    compute_masks(s);
    s->tlb = smmu_tlb_new((unsigned)cfg.tlb_entries, (unsigned)cfg.tlb_assoc, s->caps.s2);
    s->cfgc = smmu_cfg_new((unsigned)cfg.cfg_entries, (unsigned)cfg.cfg_assoc);
    s->atcs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    s->msi_all = g_ptr_array_new_with_free_func(g_free);
    sim_event_init(&s->cr0ack_ev, "smmu.cr0ack", cr0ack_update, s);
    sim_event_init(&s->gbpa_ev, "smmu.gbpa", gbpa_update, s);
    sim_event_init(&s->irq_ctrlack_ev, "smmu.irq_ctrlack", irq_ctrlack_update, s);
    smmu_engine_init(s);
    smmu_xlate_init(s);
    smmu_evtq_init(s);
    s->cmdq.name = "cmdq";
    s->cmdq.ops = &cmdq_ops;
    s->cmdq.opaque = s;
    smmu_engine_attach(s, &s->cmdq, "smmu.cmdq");
    register_stats(s);
    smmu_register_tracepoints();
    smmu_reset(s);
    return s;
}

void smmu_free(struct smmu *s)
{
    if (!s)
        return;
    for (guint i = 0; i < s->msi_all->len; i++)
        sim_cancel(s->sched, &((struct smmu_msi *)g_ptr_array_index(s->msi_all, i))->ev);
    sim_cancel(s->sched, &s->cr0ack_ev);
    sim_cancel(s->sched, &s->gbpa_ev);
    sim_cancel(s->sched, &s->irq_ctrlack_ev);
    sim_cancel(s->sched, &s->evtq_ev);
    smmu_engine_detach(s, &s->cmdq);
    smmu_engine_destroy(s);
    smmu_xlate_destroy(s);
    sim_stats_remove_prefix(s->stats, "smmu.");
    smmu_tlb_free(s->tlb);
    smmu_cfg_free(s->cfgc);
    g_hash_table_destroy(s->atcs);
    g_ptr_array_free(s->msi_all, TRUE);
    g_free(s);
}

void smmu_reset(struct smmu *s)
{
    sim_cancel(s->sched, &s->cr0ack_ev);
    sim_cancel(s->sched, &s->gbpa_ev);
    sim_cancel(s->sched, &s->irq_ctrlack_ev);
    s->cr0 = s->cr0ack = s->cr1 = s->cr2 = 0;
    s->gbpa = s->gbpa_pending = SIM_FIELD_DP32(0, GBPA, SHCFG, 1);   /* use incoming shareability */
    s->irq_ctrl = s->irq_ctrlack = 0;
    s->gerror = s->gerrorn = 0;
    s->gerror_irq_cfg0 = s->eventq_irq_cfg0 = s->priq_irq_cfg0 = 0;
    s->gerror_irq_cfg1 = s->gerror_irq_cfg2 = s->eventq_irq_cfg1 = s->eventq_irq_cfg2 = 0;
    s->priq_irq_cfg1 = s->priq_irq_cfg2 = 0;
    s->strtab_base = 0;
    s->strtab_base_cfg = 0;
    s->cmdq_base = 0;
    s->cmdq_prod = s->cmdq_cons_err = 0;
    s->eventq_base = s->priq_base = 0;
    s->eventq_prod = s->eventq_cons = s->priq_prod = s->priq_cons = 0;
    /* The CMDQ restarts from an empty, disabled, error-free state. */
    smmu_engine_detach(s, &s->cmdq);
    cmdq_apply_base(s);
    s->cmdq.prod = s->cmdq.cons = 0;
    s->cmdq.enabled = s->cmdq.stopped_on_error = false;
    smmu_engine_attach(s, &s->cmdq, "smmu.cmdq");
    smmu_tlb_flush(s->tlb);
    smmu_cfg_flush(s->cfgc);
    smmu_xlate_flush(s);
    smmu_evtq_reset(s);
}

void smmu_set_irq_observer(struct smmu *s, smmu_irq_fn fn, void *opaque)
{
    s->irq_fn = fn;
    s->irq_opaque = opaque;
}

struct sim_sched *smmu_sched(const struct smmu *s) { return s->sched; }
struct sim_mem *smmu_mem(const struct smmu *s) { return s->mem; }
struct sim_stats *smmu_stats(const struct smmu *s) { return s->stats; }
const struct sim_clock *smmu_clock(const struct smmu *s) { return &s->clock; }
struct smmu_cmd_source *smmu_cmdq_source(struct smmu *s) { return &s->cmdq; }
struct smmu_tlb *smmu_tlb(struct smmu *s) { return s->tlb; }
struct smmu_cfgcache *smmu_cfgcache(struct smmu *s) { return s->cfgc; }

void smmu_attach_atc(struct smmu *s, uint32_t sid, const struct smmu_atc_ops *ops, void *opaque)
{
    if (!ops) {
        g_hash_table_remove(s->atcs, GUINT_TO_POINTER(sid));
        return;
    }
    struct smmu_atc *a = g_new0(struct smmu_atc, 1);
    a->ops = ops;
    a->opaque = opaque;
    g_hash_table_replace(s->atcs, GUINT_TO_POINTER(sid), a);
}
