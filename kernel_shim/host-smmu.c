/*
 * host-smmu.c — the host arm-smmu-v3 driver logic.
 *
 * What Linux's arm-smmu-v3 does at probe and for iommufd, re-expressed on
 * the simulated machine: read the ID registers, build the stream table
 * (linear, or 2-level with SPLIT = 8 and L2 tables allocated when a stream
 * is first bound), the CMDQ and the EVENTQ in simulated memory, and enable
 * the SMMU with CR0/CR0ACK handshakes (smmuv3.md §1.1, §1.2, §3.1; required
 * init order of §6.3.26 of the spec).  Commands are issued on the CMDQ by
 * writing entries to memory and then CMDQ_PROD, and a CMD_SYNC (CS = NONE)
 * is awaited by polling CMDQ_CONS in simulated time.  A command error
 * (GERROR.CMDQ_ERR) is handled like the driver's skip_err: an illegal
 * command is replaced by a CMD_SYNC and the error acknowledged.
 *
 * All register accesses go over the bus (each costing the MMIO latency);
 * all table writes go to simulated memory.
 */
#include <string.h>
#include "kernel_shim/shim-private.h"
#include "models/smmuv3/smmuv3-regs.h"
#include "models/smmuv3/smmuv3-queue.h"

#define STRTAB_SPLIT 8u
#define STE_SIZE 64u
#define CMD_SIZE 16u
#define EVT_SIZE 32u

#define CMDQ_OP_CFGI_STE 0x03u
#define CMDQ_OP_CFGI_ALL 0x04u
#define CMDQ_OP_TLBI_NSNH_ALL 0x30u
#define CMDQ_OP_TLBI_EL2_ALL 0x20u

/* ------------------------------------------------------------ CPU side */

void host_delay(sim_time_t dt)
{
    if (dt == 0)
        return;
    struct sim_sched *s = shim.hw.sched;
    sim_run_until(s, sim_time_add(sim_now(s), dt), 0);
}

uint32_t host_read32(uint64_t addr)
{
    uint32_t v = sim_bus_read32(shim.hw.bus, addr);
    host_delay(sim_bus_latency(shim.hw.bus));
    return v;
}

void host_write32(uint64_t addr, uint32_t v)
{
    sim_bus_write32(shim.hw.bus, addr, v);
    host_delay(sim_bus_latency(shim.hw.bus));
}

/* 64-bit registers as two 32-bit halves, low first (smmuv3.md §1.1). */
void host_write64(uint64_t addr, uint64_t v)
{
    host_write32(addr, (uint32_t)v);
    host_write32(addr + 4, (uint32_t)(v >> 32));
}

int host_poll32(uint64_t addr, uint32_t mask, uint32_t want)
{
    sim_time_t start = sim_now(shim.hw.sched);
    for (;;) {
        uint32_t v = host_read32(addr);
        if ((v & mask) == want)
            return 0;
        if (sim_now(shim.hw.sched) - start >= shim.poll_timeout) {
            g_warning("poll of 0x%" G_GINT64_MODIFIER "x timed out: 0x%x & 0x%x != 0x%x",
                      addr, v, mask, want);
            return -ETIMEDOUT;
        }
        host_delay(shim.poll_interval);
    }
}

static uint64_t smmu_reg(uint32_t off) { return shim.hw.smmu_base + off; }

/* CR0 write then CR0ACK handshake (arm_smmu_write_reg_sync). */
static int smmu_write_cr0(uint32_t v)
{
    host_write32(smmu_reg(A_CR0), v);
    return host_poll32(smmu_reg(A_CR0ACK), 0xffffffffu, v);
}

/* ------------------------------------------------------------------ CMDQ */

int host_smmu_issue(const uint64_t *cmds, unsigned n, bool sync)
{
    if (!shim.smmu.probed)
        return -ENODEV;
    return host_cmdq_issue(&shim.smmu.q, cmds, n, sync);
}

int host_smmu_sync(void)
{
    return host_smmu_issue(NULL, 0, true);
}

/* ---------------------------------------------------------------- VMIDs */

int host_smmu_vmid_alloc(uint16_t *vmid)
{
    if (shim_should_fail())
        return -ENOSPC;
    unsigned max = shim.smmu.vmid16 ? 65535u : 255u;
    for (unsigned v = 1; v <= max; v++) {
        if (!(shim.smmu.vmid_used[v / 8] & (1u << (v % 8)))) {
            shim.smmu.vmid_used[v / 8] |= (uint8_t)(1u << (v % 8));
            *vmid = (uint16_t)v;
            return 0;
        }
    }
    return -ENOSPC;
}

void host_smmu_vmid_free(uint16_t vmid)
{
    shim.smmu.vmid_used[vmid / 8] &= (uint8_t)~(1u << (vmid % 8));
}

/* ------------------------------------------------------------ stream table */

bool host_smmu_sid_valid(uint32_t sid)
{
    return shim.smmu.sid_bits >= 32 || sid < (1u << shim.smmu.sid_bits);
}

/* Every STE starts as abort (V = 1, Config = 0): the driver's default when
 * bypass is disabled. */
static void strtab_init_abort(uint64_t pa, unsigned n)
{
    sim_mem_fill(shim.hw.mem, pa, 0, (size_t)n * STE_SIZE);
    for (unsigned i = 0; i < n; i++)
        sim_mem_write64(shim.hw.mem, pa + (uint64_t)i * STE_SIZE, 1);
}

static uint64_t ste_addr(uint32_t sid)
{
    struct host_smmu *s = &shim.smmu;
    if (!s->two_level)
        return s->strtab + (uint64_t)sid * STE_SIZE;
    uint64_t l2 = s->l2[sid >> STRTAB_SPLIT];
    return l2 ? l2 + (uint64_t)(sid & ((1u << STRTAB_SPLIT) - 1)) * STE_SIZE : 0;
}

int host_smmu_prepare_sid(uint32_t sid)
{
    struct host_smmu *s = &shim.smmu;
    if (!s->two_level || s->l2[sid >> STRTAB_SPLIT])
        return 0;
    uint64_t bytes = (1u << STRTAB_SPLIT) * STE_SIZE;
    uint64_t pa = shim_should_fail() ? 0 : shim_pa_alloc(&shim.host_mem, bytes, bytes);
    if (!pa)
        return -ENOMEM;
    strtab_init_abort(pa, 1u << STRTAB_SPLIT);
    /* L1STD: Span = SPLIT + 1, L2Ptr [55:6] (smmuv3.md §3.1). */
    sim_mem_write64(shim.hw.mem, s->strtab + (uint64_t)(sid >> STRTAB_SPLIT) * 8,
                    pa | (STRTAB_SPLIT + 1));
    s->l2[sid >> STRTAB_SPLIT] = pa;
    return 0;
}

static int smmu_cfgi_ste(uint32_t sid)
{
    uint64_t cmd[2] = { CMDQ_OP_CFGI_STE | ((uint64_t)sid << 32), 1 /* Leaf */ };
    return host_smmu_issue(cmd, 1, true);
}

/* Not hitless: a live STE is first made abort, then rewritten with V and
 * Config last, each step followed by CFGI_STE + CMD_SYNC. */
int host_smmu_write_ste(uint32_t sid, const uint64_t ste[8])
{
    uint64_t a = ste_addr(sid);
    if (!a)
        return -ENOENT;
    uint64_t cur;
    sim_mem_read64(shim.hw.mem, a, &cur);
    if ((cur & 1) && ((cur >> 1) & 7)) {
        sim_mem_write64(shim.hw.mem, a, 1);
        int rc = smmu_cfgi_ste(sid);
        if (rc)
            return rc;
    }
    for (unsigned i = 1; i < 8; i++)
        sim_mem_write64(shim.hw.mem, a + i * 8, ste[i]);
    sim_mem_write64(shim.hw.mem, a, ste[0]);
    return smmu_cfgi_ste(sid);
}

static int smmu_init_strtab(void)
{
    struct host_smmu *s = &shim.smmu;
    uint64_t cfg;
    if (s->two_level) {
        s->strtab_log2 = MIN(s->sid_bits, STRTAB_SPLIT + 17u);
        s->l1_entries = 1u << (s->strtab_log2 - STRTAB_SPLIT);
        uint64_t bytes = (uint64_t)s->l1_entries * 8;
        s->strtab = shim_pa_alloc(&shim.host_mem, bytes, MAX(bytes, 64));
        if (!s->strtab)
            return -ENOMEM;
        sim_mem_fill(shim.hw.mem, s->strtab, 0, bytes);
        s->l2 = g_new0(uint64_t, s->l1_entries);
        cfg = SIM_FIELD_DP32(0, STRTAB_BASE_CFG, FMT, 1);
        cfg = SIM_FIELD_DP32(cfg, STRTAB_BASE_CFG, SPLIT, STRTAB_SPLIT);
    } else {
        s->strtab_log2 = s->sid_bits;
        uint64_t bytes = ((uint64_t)1 << s->sid_bits) * STE_SIZE;
        s->strtab = shim_pa_alloc(&shim.host_mem, bytes, bytes);
        if (!s->strtab)
            return -ENOMEM;
        strtab_init_abort(s->strtab, 1u << s->sid_bits);
        cfg = 0;
    }
    cfg = SIM_FIELD_DP32(cfg, STRTAB_BASE_CFG, LOG2SIZE, s->strtab_log2);
    host_write64(smmu_reg(A_STRTAB_BASE), s->strtab | R_STRTAB_BASE_RA_MASK);
    host_write32(smmu_reg(A_STRTAB_BASE_CFG), (uint32_t)cfg);
    return 0;
}

static int smmu_init_queues(void)
{
    struct host_smmu *s = &shim.smmu;
    uint64_t cbytes = (uint64_t)CMD_SIZE << s->cmdq_log2;
    uint64_t ebytes = (uint64_t)EVT_SIZE << s->evtq_log2;
    s->cmdq = shim_pa_alloc(&shim.host_mem, cbytes, MAX(cbytes, 32));
    s->evtq = shim_pa_alloc(&shim.host_mem, ebytes, MAX(ebytes, 32));
    if (!s->cmdq || !s->evtq)
        return -ENOMEM;
    sim_mem_fill(shim.hw.mem, s->cmdq, 0, cbytes);
    sim_mem_fill(shim.hw.mem, s->evtq, 0, ebytes);
    host_write64(smmu_reg(A_CMDQ_BASE), s->cmdq | R_Q_BASE_RA_MASK | s->cmdq_log2);
    host_write32(smmu_reg(A_CMDQ_PROD), 0);
    host_write32(smmu_reg(A_CMDQ_CONS), 0);
    host_cmdq_init(&s->q, s->cmdq, s->cmdq_log2, smmu_reg(A_CMDQ_PROD), smmu_reg(A_CMDQ_CONS),
                   smmu_reg(A_GERROR));
    host_write64(smmu_reg(A_EVENTQ_BASE), s->evtq | R_Q_BASE_RA_MASK | s->evtq_log2);
    host_write32(smmu_reg(A_EVENTQ_PROD), 0);
    host_write32(smmu_reg(A_EVENTQ_CONS), 0);
    return 0;
}

static const unsigned oas_bits_of[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };

static int smmu_read_idrs(void)
{
    struct host_smmu *s = &shim.smmu;
    for (unsigned i = 0; i < 6; i++)
        s->idr[i] = host_read32(smmu_reg(A_IDR0 + 4 * i));
    s->iidr = host_read32(smmu_reg(A_IIDR));
    s->aidr = host_read32(smmu_reg(A_AIDR));
    uint32_t idr0 = s->idr[0], idr1 = s->idr[1];
    if (!(SIM_FIELD_EX32(idr0, IDR0, TTF) & 2)) {
        g_warning("SMMU lacks the AArch64 table format");
        return -ENXIO;
    }
    s->s1p = SIM_FIELD_EX32(idr0, IDR0, S1P);
    s->s2p = SIM_FIELD_EX32(idr0, IDR0, S2P);
    s->ats = SIM_FIELD_EX32(idr0, IDR0, ATS);
    s->vmid16 = SIM_FIELD_EX32(idr0, IDR0, VMID16);
    s->ril = SIM_FIELD_EX32(s->idr[3], IDR3, RIL);
    s->sid_bits = SIM_FIELD_EX32(idr1, IDR1, SIDSIZE);
    s->ssid_bits = SIM_FIELD_EX32(idr1, IDR1, SSIDSIZE);
    s->two_level = SIM_FIELD_EX32(idr0, IDR0, ST_LEVEL) == 1 && s->sid_bits > STRTAB_SPLIT;
    s->cmdq_log2 = MIN(shim.cmdq_log2_param, SIM_FIELD_EX32(idr1, IDR1, CMDQS));
    s->evtq_log2 = MIN(shim.evtq_log2_param, SIM_FIELD_EX32(idr1, IDR1, EVENTQS));
    s->oas_bits = oas_bits_of[SIM_FIELD_EX32(s->idr[5], IDR5, OAS)];
    s->ias_bits = MIN(s->oas_bits, 48u);
    if (!s->two_level && s->sid_bits > 20) {
        g_warning("SMMU has %u StreamID bits and no 2-level stream table", s->sid_bits);
        return -EOPNOTSUPP;
    }
    return 0;
}

int host_smmu_probe(void)
{
    struct host_smmu *s = &shim.smmu;
    if (s->probed)
        return -EBUSY;
    int rc = smmu_read_idrs();
    if (rc)
        return rc;
    /* Disable first if firmware left it on. */
    if (host_read32(smmu_reg(A_CR0)) && (rc = smmu_write_cr0(0)))
        return rc;
    /* CR1: table and queue walks inner-shareable write-back. */
    host_write32(smmu_reg(A_CR1), (3u << 10) | (1u << 8) | (1u << 6) | (3u << 4) | (1u << 2) | 1u);
    host_write32(smmu_reg(A_CR2), (uint32_t)(R_CR2_PTM_MASK | R_CR2_RECINVSID_MASK));
    if ((rc = smmu_init_strtab()) || (rc = smmu_init_queues()))
        goto fail;
    uint32_t cr0 = (uint32_t)R_CR0_CMDQEN_MASK;
    if ((rc = smmu_write_cr0(cr0)))
        goto fail;
    s->probed = true;
    /* Invalidate any cached configuration and TLB entries. */
    uint64_t inv[4] = { CMDQ_OP_CFGI_ALL, 31, CMDQ_OP_TLBI_NSNH_ALL, 0 };
    if ((rc = host_smmu_issue(inv, 2, true)))
        goto fail;
    if (SIM_FIELD_EX32(s->idr[0], IDR0, HYP)) {
        uint64_t el2[2] = { CMDQ_OP_TLBI_EL2_ALL, 0 };
        if ((rc = host_smmu_issue(el2, 1, true)))
            goto fail;
    }
    cr0 |= (uint32_t)R_CR0_EVENTQEN_MASK;
    if ((rc = smmu_write_cr0(cr0)))
        goto fail;
    cr0 |= (uint32_t)R_CR0_SMMUEN_MASK;
    if ((rc = smmu_write_cr0(cr0)))
        goto fail;
    return 0;
fail:
    s->probed = false;
    host_smmu_remove();
    return rc;
}

void host_smmu_remove(void)
{
    struct host_smmu *s = &shim.smmu;
    /* Driver unload disables the SMMU (every CR0 enable off, acknowledged),
     * so a later probe starts from the state the architecture resets to. */
    if (s->probed)
        smmu_write_cr0(0);
    g_free(s->l2);
    memset(s, 0, sizeof(*s));
}
