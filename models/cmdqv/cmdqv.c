/*
 * cmdqv.c — the Tegra241 CMDQV device: parameters, life cycle, MMIO decode
 * with alias normalisation, and the global config page [cmdqv.md §1, §2.1,
 * §3, §5].
 *
 * Every access is decoded to (block, index, register) first.  The direct
 * VCMDQ apertures name a global VCMDQ; the VINTF logical apertures name a
 * logical slot, which the CMDQ_ALLOC map resolves to the same global VCMDQ,
 * so both views share one register set.  A logical slot with no VCMDQ
 * behind it reads as zero and ignores writes; the access is counted as a
 * guest error of that VINTF (docs/cmdqv.md).
 *
 * CONFIG carries CMDQV_EN (STATUS follows after cmdqv.enable_delay_cycles)
 * and the arbitration knobs MAX_CMD_BATCH / MAX_CLK_BATCH, which become the
 * engine's turn limits whenever CONFIG is written.
 */
#include <string.h>
#include "models/cmdqv/cmdqv-internal.h"
#include "sim/stats.h"

#define SIM_TP(n) SIM_TP_DEFINE(n)
#include "models/cmdqv/trace-events.def"
#undef SIM_TP

static struct sim_tracepoint *const cmdqv_tracepoints[] = {
#define SIM_TP(n) SIM_TP_ADDR(n)
#include "models/cmdqv/trace-events.def"
#undef SIM_TP
};

/* SMMU IDR1.CMDQS [smmuv3.md §1.3], the cap on a VCMDQ's LOG2SIZE. */
#define SMMU_IDR1_OFFSET 0x004u
#define SMMU_IDR1_CMDQS_SHIFT 21u
#define SMMU_IDR1_CMDQS_LENGTH 5u

static const struct sim_param_def cmdqv_param_defs[] = {
    { "cmdqv.num_vcmdq_log2", SIM_PARAM_U64, "7", "log2",
      "PARAM.NUM_VCMDQ_LOG2: log2 of the number of global VCMDQs", 0, 7, NULL },
    { "cmdqv.num_vintf_log2", SIM_PARAM_U64, "6", "log2",
      "PARAM.NUM_VINTF_LOG2: log2 of the number of VINTFs (<= num_vcmdq_log2)", 0, 6, NULL },
    { "cmdqv.num_sid_per_vm_log2", SIM_PARAM_U64, "4", "log2",
      "PARAM.NUM_SID_PER_VM_LOG2: log2 of the SID_MATCH/SID_REPLACE pairs per VINTF", 0, 4, NULL },
    { "cmdqv.version", SIM_PARAM_U64, "1", "", "PARAM.VER", 0, 15, NULL },
    { "cmdqv.host_owned_vintfs", SIM_PARAM_U64, "1", "VINTFs",
      "VINTFs 0..N-1 have a writable CONFIG.HYP_OWN; the others read it as 0 (guest-owned)", 0, 64,
      NULL },
    { "cmdqv.enable_delay_cycles", SIM_PARAM_U64, "64", "cycles",
      "CONFIG.CMDQV_EN to STATUS.CMDQV_ENABLED (both directions), SMMU clock", 0, 1000000000,
      NULL },
    { "cmdqv.vintf_enable_delay_cycles", SIM_PARAM_U64, "32", "cycles",
      "VINTF CONFIG.EN to STATUS.ENABLED (both directions), SMMU clock", 0, 1000000000, NULL },
    { "cmdqv.vcmdq_enable_delay_cycles", SIM_PARAM_U64, "16", "cycles",
      "VCMDQ CONFIG.EN to STATUS.ENABLED (both directions), SMMU clock", 0, 1000000000, NULL },
    { "cmdqv.clk_batch_unit_cycles", SIM_PARAM_U64, "32", "cycles",
      "SMMU cycles per unit of CONFIG.MAX_CLK_BATCH (an arbitration turn's cycle budget)", 1,
      65536, NULL },
};

gboolean cmdqv_declare_params(struct sim_params *p, GError **err)
{
    static gsize registered;

    if (g_once_init_enter(&registered)) {
        sim_trace_register(cmdqv_tracepoints, SIM_ARRAY_SIZE(cmdqv_tracepoints));
        g_once_init_leave(&registered, 1);
    }
    return sim_params_declare(p, cmdqv_param_defs, SIM_ARRAY_SIZE(cmdqv_param_defs), err);
}

/* ---- interrupt ---- */

void cmdqv_set_irq_observer(struct cmdqv *c, cmdqv_irq_fn fn, void *opaque)
{
    c->irq_fn = fn;
    c->irq_opaque = opaque;
}

/* A queue activated an error.  VINTF_INT_MASK bit v set suppresses the
 * interrupt for VINTF v's queues (the error maps still show them). */
void cmdqv_raise_irq(struct cmdqv *c, const struct cmdqv_vcmdq *q)
{
    if (cmdqv_vcmdq_allocated(q) && (c->vintf_int_mask >> cmdqv_vcmdq_vintf(q)) & 1) {
        c->counters.irqs_masked++;
        return;
    }
    c->counters.irqs++;
    SIM_TRACE(tp_cmdqv_irq, "q=%u", q->idx);
    if (c->irq_fn)
        c->irq_fn(c->irq_opaque);
}

/* ---- global registers ---- */

static void cmdqv_apply_turn_limits(struct cmdqv *c)
{
    uint32_t cmds = SIM_FIELD_EX32(c->config, CMDQV_CONFIG, MAX_CMD_BATCH);
    uint32_t cycles = SIM_FIELD_EX32(c->config, CMDQV_CONFIG, MAX_CLK_BATCH) * c->clk_batch_unit;

    SIM_TRACE(tp_cmdqv_arbitration, "cmds_per_turn=%u cycles_per_turn=%u", cmds, cycles);
    smmu_engine_set_turn_limits(c->smmu, cmds, cycles);
}

static void cmdqv_update_all_queues(struct cmdqv *c)
{
    for (unsigned q = 0; q < c->num_vcmdqs; q++)
        cmdqv_vcmdq_update(&c->vcmdq[q]);
}

static void cmdqv_handshake_done(struct sim_event *ev, void *opaque)
{
    struct cmdqv *c = opaque;

    (void)ev;
    c->enabled = SIM_FIELD_EX32(c->config, CMDQV_CONFIG, CMDQV_EN);
    SIM_TRACE(tp_cmdqv_enable, "enabled=%d", (int)c->enabled);
    cmdqv_update_all_queues(c);
}

static void cmdqv_write_config(struct cmdqv *c, uint32_t val)
{
    c->config = val & CMDQV_CONFIG_WRITABLE;
    cmdqv_apply_turn_limits(c);
    if ((bool)SIM_FIELD_EX32(c->config, CMDQV_CONFIG, CMDQV_EN) == c->enabled)
        sim_cancel(c->sched, &c->handshake);
    else
        sim_reschedule(c->sched, &c->handshake, sim_time_add(sim_now(c->sched), c->enable_delay));
}

static uint64_t cmdqv_vintf_err_map(const struct cmdqv *c)
{
    uint64_t map = 0;

    for (unsigned v = 0; v < c->num_vintfs; v++)
        if (cmdqv_vintf_lvcmdq_err_map(&c->vintf[v], 0) | cmdqv_vintf_lvcmdq_err_map(&c->vintf[v], 1))
            map |= 1ULL << v;
    return map;
}

static uint32_t cmdqv_cmdq_err_map(const struct cmdqv *c, unsigned word)
{
    uint32_t map = 0;

    for (unsigned b = 0; b < 32 && word * 32 + b < c->num_vcmdqs; b++)
        if (cmdqv_vcmdq_error_active(&c->vcmdq[word * 32 + b]))
            map |= 1u << b;
    return map;
}

static bool reg_in(uint32_t reg, uint32_t first, unsigned count, unsigned *idx)
{
    if (reg < first || reg >= first + 4 * count)
        return false;
    *idx = (reg - first) / 4;
    return true;
}

static void cmdqv_guest_error(struct cmdqv *c, const char *what, uint64_t offset)
{
    c->counters.guest_errors++;
    sim_guest_error("cmdqv: %s at offset 0x%" G_GINT64_MODIFIER "x", what, offset);
}

static uint32_t cmdqv_global_read(struct cmdqv *c, uint32_t reg)
{
    unsigned i;

    switch (reg) {
    case A_CMDQV_CONFIG:
        return c->config;
    case A_CMDQV_PARAM:
        return c->param;
    case A_CMDQV_STATUS:
        return c->enabled ? R_CMDQV_STATUS_CMDQV_ENABLED_MASK : 0;
    case A_CMDQV_FILTER0:
    case A_CMDQV_FILTER1:
        sim_unimp("cmdqv: global filter register 0x%x (RAZ/WI)", reg);
        return 0;
    case A_CMDQV_VINTF_ERR_MAP:
    case A_CMDQV_VINTF_ERR_MAP + 4:
        return (uint32_t)(cmdqv_vintf_err_map(c) >> (reg == A_CMDQV_VINTF_ERR_MAP ? 0 : 32));
    case A_CMDQV_VINTF_INT_MASK:
    case A_CMDQV_VINTF_INT_MASK + 4:
        return (uint32_t)(c->vintf_int_mask >> (reg == A_CMDQV_VINTF_INT_MASK ? 0 : 32));
    default:
        break;
    }
    if (reg_in(reg, A_CMDQV_CMDQ_ERR_MAP0, CMDQV_ERR_MAP_WORDS, &i))
        return cmdqv_cmdq_err_map(c, i);
    if (reg_in(reg, A_CMDQV_CMDQ_ALLOC0, c->num_vcmdqs, &i))
        return c->vcmdq[i].alloc;
    cmdqv_guest_error(c, "read of a reserved register", reg);
    return 0;
}

static void cmdqv_global_write(struct cmdqv *c, uint32_t reg, uint32_t val)
{
    unsigned i;

    switch (reg) {
    case A_CMDQV_CONFIG:
        cmdqv_write_config(c, val);
        return;
    case A_CMDQV_FILTER0:
    case A_CMDQV_FILTER1:
        sim_unimp("cmdqv: global filter register 0x%x (RAZ/WI)", reg);
        return;
    case A_CMDQV_VINTF_INT_MASK:
    case A_CMDQV_VINTF_INT_MASK + 4: {
        bool high = reg != A_CMDQV_VINTF_INT_MASK;
        uint64_t valid = c->num_vintfs == 64 ? ~0ULL : (1ULL << c->num_vintfs) - 1;
        c->vintf_int_mask = sim_deposit64(c->vintf_int_mask, high ? 32 : 0, 32, val) & valid;
        return;
    }
    default:
        break;
    }
    if (reg_in(reg, A_CMDQV_CMDQ_ALLOC0, c->num_vcmdqs, &i)) {
        cmdqv_alloc_write(c, i, val);
        return;
    }
    cmdqv_guest_error(c, "write to a read-only or reserved register", reg);
}

/* ---- decode ---- */

void cmdqv_decode(uint64_t off, unsigned num_vintfs, unsigned num_vcmdqs, struct cmdqv_loc *loc)
{
    memset(loc, 0, sizeof(*loc));
    loc->kind = CMDQV_LOC_NONE;
    if (off < CMDQV_VINTF_BLOCK_BASE) {
        loc->kind = CMDQV_LOC_GLOBAL;
        loc->reg = (uint32_t)off;
    } else if (off < CMDQV_VCMDQ_P0_BASE) {
        uint64_t v = (off - CMDQV_VINTF_BLOCK_BASE) / CMDQV_VINTF_BLOCK_STRIDE;
        if (v < num_vintfs) {
            loc->kind = CMDQV_LOC_VINTF;
            loc->vintf = (unsigned)v;
            loc->reg = (uint32_t)(off % CMDQV_VINTF_BLOCK_STRIDE);
        }
    } else if (off < CMDQV_VINTF_PAGES_BASE) {
        bool page1 = off >= CMDQV_VCMDQ_P1_BASE;
        uint64_t q = (off % CMDQV_PAGE_SIZE) / CMDQV_VCMDQ_STRIDE;
        if (q < num_vcmdqs) {
            loc->kind = page1 ? CMDQV_LOC_VCMDQ_P1 : CMDQV_LOC_VCMDQ_P0;
            loc->index = (unsigned)q;
            loc->reg = (uint32_t)(off % CMDQV_VCMDQ_STRIDE);
        }
    } else {
        uint64_t rel = off - CMDQV_VINTF_PAGES_BASE;
        uint64_t v = rel / CMDQV_VINTF_PAGES_STRIDE;
        bool page1 = (rel % CMDQV_VINTF_PAGES_STRIDE) >= CMDQV_PAGE_SIZE;
        uint64_t l = (rel % CMDQV_PAGE_SIZE) / CMDQV_VCMDQ_STRIDE;
        if (v < num_vintfs && l < num_vcmdqs) {
            loc->kind = page1 ? CMDQV_LOC_LOGICAL_P1 : CMDQV_LOC_LOGICAL_P0;
            loc->vintf = (unsigned)v;
            loc->index = (unsigned)l;
            loc->reg = (uint32_t)(off % CMDQV_VCMDQ_STRIDE);
        }
    }
}

/* Resolve a logical slot to its VCMDQ, or count the access and return NULL. */
static struct cmdqv_vcmdq *cmdqv_resolve_logical(struct cmdqv *c, const struct cmdqv_loc *loc,
                                                 uint64_t off)
{
    struct cmdqv_vintf *v = &c->vintf[loc->vintf];
    int q = cmdqv_vintf_lookup(v, loc->index);

    if (q != CMDQV_NO_VCMDQ)
        return &c->vcmdq[q];
    v->stats.unallocated_accesses++;
    SIM_TRACE(tp_cmdqv_unallocated_access, "vintf=%u lvcmdq=%u reg=0x%x", loc->vintf, loc->index,
              loc->reg);
    cmdqv_guest_error(c, "access to a logical VCMDQ slot with no VCMDQ allocated (RAZ/WI)", off);
    return NULL;
}

static uint32_t cmdqv_read32(struct cmdqv *c, uint64_t off)
{
    struct cmdqv_loc loc;
    struct cmdqv_vcmdq *q;

    cmdqv_decode(off, c->num_vintfs, c->num_vcmdqs, &loc);
    switch (loc.kind) {
    case CMDQV_LOC_GLOBAL:
        return cmdqv_global_read(c, loc.reg);
    case CMDQV_LOC_VINTF:
        return cmdqv_vintf_read(&c->vintf[loc.vintf], loc.reg);
    case CMDQV_LOC_VCMDQ_P0:
        return cmdqv_vcmdq_read_page0(&c->vcmdq[loc.index], loc.reg);
    case CMDQV_LOC_VCMDQ_P1:
        return cmdqv_vcmdq_read_page1(&c->vcmdq[loc.index], loc.reg);
    case CMDQV_LOC_LOGICAL_P0:
    case CMDQV_LOC_LOGICAL_P1:
        q = cmdqv_resolve_logical(c, &loc, off);
        if (!q)
            return 0;
        return loc.kind == CMDQV_LOC_LOGICAL_P0 ? cmdqv_vcmdq_read_page0(q, loc.reg)
                                                : cmdqv_vcmdq_read_page1(q, loc.reg);
    case CMDQV_LOC_NONE:
    default:
        cmdqv_guest_error(c, "read of an undecoded offset", off);
        return 0;
    }
}

static void cmdqv_write32(struct cmdqv *c, uint64_t off, uint32_t val)
{
    struct cmdqv_loc loc;
    struct cmdqv_vcmdq *q;

    cmdqv_decode(off, c->num_vintfs, c->num_vcmdqs, &loc);
    switch (loc.kind) {
    case CMDQV_LOC_GLOBAL:
        cmdqv_global_write(c, loc.reg, val);
        return;
    case CMDQV_LOC_VINTF:
        cmdqv_vintf_write(&c->vintf[loc.vintf], loc.reg, val);
        return;
    case CMDQV_LOC_VCMDQ_P0:
        cmdqv_vcmdq_write_page0(&c->vcmdq[loc.index], loc.reg, val);
        return;
    case CMDQV_LOC_VCMDQ_P1:
        cmdqv_vcmdq_write_page1(&c->vcmdq[loc.index], loc.reg, val);
        return;
    case CMDQV_LOC_LOGICAL_P0:
    case CMDQV_LOC_LOGICAL_P1:
        q = cmdqv_resolve_logical(c, &loc, off);
        if (!q)
            return;
        if (loc.kind == CMDQV_LOC_LOGICAL_P0)
            cmdqv_vcmdq_write_page0(q, loc.reg, val);
        else
            cmdqv_vcmdq_write_page1(q, loc.reg, val);
        return;
    case CMDQV_LOC_NONE:
    default:
        cmdqv_guest_error(c, "write to an undecoded offset", off);
        return;
    }
}

/* A 64-bit access is two 32-bit accesses, low half first: exact for the
 * 64-bit registers; for two 32-bit registers (CONS then PROD, say) it is
 * the "access both" choice of smmuv3.md §1.1's CONSTRAINED UNPREDICTABLE. */
static uint64_t cmdqv_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    struct cmdqv *c = opaque;
    uint64_t lo = cmdqv_read32(c, offset);

    if (size != 8)
        return lo;
    return lo | ((uint64_t)cmdqv_read32(c, offset + 4) << 32);
}

static void cmdqv_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct cmdqv *c = opaque;

    cmdqv_write32(c, offset, (uint32_t)value);
    if (size == 8)
        cmdqv_write32(c, offset + 4, (uint32_t)(value >> 32));
}

const struct sim_mmio_ops cmdqv_mmio_ops = {
    .read = cmdqv_mmio_read,
    .write = cmdqv_mmio_write,
    .sizes = SIM_BUS_SIZE_32 | SIM_BUS_SIZE_64,
};

uint64_t cmdqv_mmio_size(const struct cmdqv *c)
{
    return CMDQV_VINTF_PAGES_BASE + (uint64_t)CMDQV_VINTF_PAGES_STRIDE * c->num_vintfs;
}

unsigned cmdqv_num_vintfs(const struct cmdqv *c) { return c->num_vintfs; }
unsigned cmdqv_num_vcmdqs(const struct cmdqv *c) { return c->num_vcmdqs; }
unsigned cmdqv_num_sids_per_vintf(const struct cmdqv *c) { return c->num_sids; }

struct smmu_cmd_source *cmdqv_vcmdq_source(struct cmdqv *c, unsigned vcmdq)
{
    return vcmdq < c->num_vcmdqs ? &c->vcmdq[vcmdq].src : NULL;
}

/* ---- life cycle ---- */

static gboolean cmdqv_read_params(struct cmdqv *c, const struct sim_params *p, GError **err)
{
    unsigned vcmdq_log2 = (unsigned)sim_params_u64(p, "cmdqv.num_vcmdq_log2");
    unsigned vintf_log2 = (unsigned)sim_params_u64(p, "cmdqv.num_vintf_log2");
    unsigned sid_log2 = (unsigned)sim_params_u64(p, "cmdqv.num_sid_per_vm_log2");
    uint64_t host_owned = sim_params_u64(p, "cmdqv.host_owned_vintfs");
    uint32_t idr1;

    if (vintf_log2 > vcmdq_log2) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                    "cmdqv.num_vintf_log2 (%u) must not exceed cmdqv.num_vcmdq_log2 (%u): "
                    "every VINTF needs at least one VCMDQ", vintf_log2, vcmdq_log2);
        return FALSE;
    }
    c->num_vcmdqs = 1u << vcmdq_log2;
    c->num_vintfs = 1u << vintf_log2;
    c->num_sids = 1u << sid_log2;
    if (host_owned > c->num_vintfs) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                    "cmdqv.host_owned_vintfs (%" G_GUINT64_FORMAT ") exceeds the number of VINTFs (%u)",
                    host_owned, c->num_vintfs);
        return FALSE;
    }
    c->param = SIM_FIELD_DP32(0, CMDQV_PARAM, VER, (uint32_t)sim_params_u64(p, "cmdqv.version"));
    c->param = SIM_FIELD_DP32(c->param, CMDQV_PARAM, NUM_VCMDQ_LOG2, vcmdq_log2);
    c->param = SIM_FIELD_DP32(c->param, CMDQV_PARAM, NUM_VINTF_LOG2, vintf_log2);
    c->param = SIM_FIELD_DP32(c->param, CMDQV_PARAM, NUM_SID_PER_VM_LOG2, sid_log2);
    c->enable_delay = sim_cycles(c->clock, sim_params_u64(p, "cmdqv.enable_delay_cycles"));
    c->vintf_enable_delay = sim_cycles(c->clock, sim_params_u64(p, "cmdqv.vintf_enable_delay_cycles"));
    c->vcmdq_enable_delay = sim_cycles(c->clock, sim_params_u64(p, "cmdqv.vcmdq_enable_delay_cycles"));
    c->clk_batch_unit = (uint32_t)sim_params_u64(p, "cmdqv.clk_batch_unit_cycles");
    /* The VCMDQ size cap is the SMMU's own IDR1.CMDQS, read the way the
     * driver reads it [iommufd.md §2.3 e]. */
    idr1 = (uint32_t)smmu_mmio_ops.read(c->smmu, SMMU_IDR1_OFFSET, 4);
    c->max_log2size = sim_extract32(idr1, SMMU_IDR1_CMDQS_SHIFT, SMMU_IDR1_CMDQS_LENGTH);
    if (c->max_log2size > SMMU_Q_LOG2SIZE_MAX)
        c->max_log2size = SMMU_Q_LOG2SIZE_MAX;
    c->host_owned_vintfs = (unsigned)host_owned;
    return TRUE;
}

static void cmdqv_register_stats(struct cmdqv *c)
{
    sim_stats_add_counter(c->stats, "cmdqv.irqs", &c->counters.irqs);
    sim_stats_add_counter(c->stats, "cmdqv.irqs_masked", &c->counters.irqs_masked);
    sim_stats_add_counter(c->stats, "cmdqv.alloc_rejected", &c->counters.alloc_rejected);
    sim_stats_add_counter(c->stats, "cmdqv.guest_errors", &c->counters.guest_errors);
    for (unsigned v = 0; v < c->num_vintfs; v++)
        cmdqv_vintf_register_stats(&c->vintf[v]);
    for (unsigned q = 0; q < c->num_vcmdqs; q++)
        cmdqv_vcmdq_register_stats(&c->vcmdq[q]);
}

struct cmdqv *cmdqv_new(struct smmu *smmu, const struct sim_params *p, GError **err)
{
    struct cmdqv *c = g_new0(struct cmdqv, 1);
    char prefix[32];

    c->smmu = smmu;
    c->sched = smmu_sched(smmu);
    c->mem = smmu_mem(smmu);
    c->stats = smmu_stats(smmu);
    c->clock = smmu_clock(smmu);
    if (!cmdqv_read_params(c, p, err)) {
        g_free(c);
        return NULL;
    }
    /* Opcodes of a guest-owned VINTF's queues [cmdqv.md §4]. */
    smmu_opset_add(c->guest_opset, 0x11);   /* TLBI_NH_ASID */
    smmu_opset_add(c->guest_opset, 0x12);   /* TLBI_NH_VA */
    smmu_opset_add(c->guest_opset, 0x40);   /* ATC_INV */
    smmu_opset_add(c->guest_opset, 0x46);   /* CMD_SYNC */
    sim_event_init(&c->handshake, "cmdqv.handshake", cmdqv_handshake_done, c);
    c->vintf = g_new(struct cmdqv_vintf, c->num_vintfs);
    for (unsigned v = 0; v < c->num_vintfs; v++) {
        cmdqv_vintf_init(c, &c->vintf[v], v);
        c->vintf[v].hyp_own_capable = v < c->host_owned_vintfs;
    }
    c->vcmdq = g_new(struct cmdqv_vcmdq, c->num_vcmdqs);
    for (unsigned q = 0; q < c->num_vcmdqs; q++) {
        cmdqv_vcmdq_init(c, &c->vcmdq[q], q);
        g_snprintf(prefix, sizeof(prefix), "cmdqv.%s", c->vcmdq[q].name);
        smmu_engine_attach(smmu, &c->vcmdq[q].src, prefix);
    }
    cmdqv_register_stats(c);
    cmdqv_reset(c);
    return c;
}

void cmdqv_free(struct cmdqv *c)
{
    if (!c)
        return;
    sim_cancel(c->sched, &c->handshake);
    for (unsigned q = 0; q < c->num_vcmdqs; q++) {
        sim_cancel(c->sched, &c->vcmdq[q].handshake);
        smmu_engine_detach(c->smmu, &c->vcmdq[q].src);
    }
    for (unsigned v = 0; v < c->num_vintfs; v++) {
        sim_cancel(c->sched, &c->vintf[v].handshake);
        g_free(c->vintf[v].lvcmdq);
    }
    sim_stats_remove_prefix(c->stats, "cmdqv.");
    g_free(c->vcmdq);
    g_free(c->vintf);
    g_free(c);
}

void cmdqv_reset(struct cmdqv *c)
{
    sim_cancel(c->sched, &c->handshake);
    c->config = CMDQV_CONFIG_RESET;
    c->enabled = SIM_FIELD_EX32(c->config, CMDQV_CONFIG, CMDQV_EN);
    c->vintf_int_mask = 0;
    for (unsigned v = 0; v < c->num_vintfs; v++)
        cmdqv_vintf_reset(&c->vintf[v]);
    for (unsigned q = 0; q < c->num_vcmdqs; q++)
        cmdqv_vcmdq_reset(&c->vcmdq[q]);
    cmdqv_apply_turn_limits(c);
}
