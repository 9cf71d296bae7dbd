/*
 * smmuv3-inval.c — what TLBI, CFGI and ATC_INV commands do, and what they
 * cost (IHI 0070 G.b §4.3–§4.5; smmuv3.md §2.3).
 *
 * Each command is turned into a selection over the TLB or the config cache
 * (struct smmu_tlb_inval / smmu_cfg_inval) that removes exactly what the
 * architecture requires; the cost is the opcode's base cycles plus the
 * work the cache reports (range pages walked or entries visited).
 */
#include "models/smmuv3/smmuv3-internal.h"

/* Input-address range of a TLBI by address (§4.4.1.1 range invalidation). */
static void tlbi_range(const struct smmu *s, const uint64_t cmd[2], bool ipa, struct smmu_tlb_inval *f)
{
    uint64_t addr = smmu_cmd_get(cmd, ipa ? SMMU_F_IPA : SMMU_F_VA);
    unsigned tg = s->caps.ril ? (unsigned)smmu_cmd_get(cmd, SMMU_F_TG) : 0;
    f->by_addr = true;
    f->leaf_only = smmu_cmd_get(cmd, SMMU_F_LEAF) != 0;
    f->addr_first = f->addr_last = addr;
    f->page_log2 = 12;
    if (tg == 0)
        return;                         /* a single address; TTL unused */
    static const uint8_t granule_log2[4] = { 0, 12, 14, 16 };
    unsigned g = granule_log2[tg];
    unsigned scale = (unsigned)smmu_cmd_get(cmd, SMMU_F_SCALE);
    if (scale > 39)
        scale = 39;
    uint64_t pages = smmu_cmd_get(cmd, SMMU_F_NUM) + 1;
    uint64_t bytes_m1 = (pages << (scale + g)) - 1;
    f->addr_last = addr > UINT64_MAX - bytes_m1 ? UINT64_MAX : addr + bytes_m1;   /* no wrap to TTB0 */
    f->page_log2 = (uint8_t)g;
    unsigned ttl = (unsigned)smmu_cmd_get(cmd, SMMU_F_TTL);
    f->ttl = (uint8_t)((ttl == 1 && g == 14) ? 0 : ttl);  /* TTL 1 with 16 KiB is reserved: as 0 */
}

static void tlbi_select(const struct smmu *s, const uint64_t cmd[2], struct smmu_tlb_inval *f)
{
    uint8_t op = smmu_cmd_op(cmd);
    f->vmid = (uint16_t)smmu_cmd_get(cmd, SMMU_F_VMID);
    f->asid = (uint16_t)smmu_cmd_get(cmd, SMMU_F_ASID);
    f->over_invalidate = s->cfg.tlb_over_invalidate;
    switch (op) {
    case SMMU_CMD_TLBI_NH_ALL:
        f->stages = SMMU_TLB_STAGE1_INFO;
        f->by_vmid = true;
        break;
    case SMMU_CMD_TLBI_NH_ASID:
        f->stages = SMMU_TLB_STAGE1_INFO;
        f->by_vmid = true;
        f->asid_match = SMMU_TLBI_ASID_NONGLOBAL;
        break;
    case SMMU_CMD_TLBI_NH_VA:
    case SMMU_CMD_TLBI_NH_VAA:
        f->stages = SMMU_TLB_STAGE1_INFO;
        f->by_vmid = true;
        f->asid_match = op == SMMU_CMD_TLBI_NH_VA ? SMMU_TLBI_ASID_OR_GLOBAL : SMMU_TLBI_ANY_ASID;
        tlbi_range(s, cmd, false, f);
        break;
    case SMMU_CMD_TLBI_EL2_ALL:
    case SMMU_CMD_TLBI_EL2_ASID:
        f->stages = SMMU_TLB_STAGE1_INFO;
        f->el2 = true;
        f->asid_match = op == SMMU_CMD_TLBI_EL2_ASID ? SMMU_TLBI_ASID_NONGLOBAL : SMMU_TLBI_ANY_ASID;
        break;
    case SMMU_CMD_TLBI_EL2_VA:
    case SMMU_CMD_TLBI_EL2_VAA:
        f->stages = SMMU_TLB_STAGE1_INFO;
        f->el2 = true;
        f->asid_match = op == SMMU_CMD_TLBI_EL2_VA ? SMMU_TLBI_ASID_OR_GLOBAL : SMMU_TLBI_ANY_ASID;
        tlbi_range(s, cmd, false, f);
        break;
    case SMMU_CMD_TLBI_S12_VMALL:
        f->stages = SMMU_TLB_ALL_STAGES;
        f->by_vmid = true;
        break;
    case SMMU_CMD_TLBI_S2_IPA:
        /* Stage-2-only entries; combined S1+S2 entries need not be hit. */
        f->stages = SMMU_TLB_STAGE_BIT(SMMU_TLB_S2);
        f->by_vmid = true;
        tlbi_range(s, cmd, true, f);
        break;
    default:    /* TLBI_NSNH_ALL: every Non-secure non-EL2 entry */
        f->stages = SMMU_TLB_ALL_STAGES;
        break;
    }
}

static uint64_t tlbi_exec(struct smmu *s, const uint64_t cmd[2])
{
    struct smmu_tlb_inval f = { 0 };
    struct smmu_tlb_cost c = { 0, 0, 0 };
    tlbi_select(s, cmd, &f);
    smmu_tlb_invalidate(s->tlb, &f, &c);
    smmu_xlate_inval_tlbi(s, &f);       /* walk caches and TBUs, in parallel */
    return s->cfg.tlbi + c.pages * s->cfg.tlbi_page + c.entries * s->cfg.tlbi_entry;
}

static void cfgi_select(const uint64_t cmd[2], struct smmu_cfg_inval *f)
{
    const uint8_t stream_kinds = SMMU_CFG_KIND_BIT(SMMU_CFG_STE) | SMMU_CFG_KIND_BIT(SMMU_CFG_CD) |
                                 SMMU_CFG_KIND_BIT(SMMU_CFG_L1CD);
    uint32_t sid = (uint32_t)smmu_cmd_get(cmd, SMMU_F_SID);
    bool leaf = smmu_cmd_get(cmd, SMMU_F_LEAF) != 0;
    f->sid_first = f->sid_last = sid;
    switch (smmu_cmd_op(cmd)) {
    case SMMU_CMD_CFGI_STE:
        f->kinds = stream_kinds | (leaf ? 0 : SMMU_CFG_KIND_BIT(SMMU_CFG_L1STD));
        break;
    case SMMU_CMD_CFGI_STE_RANGE: {
        unsigned range = (unsigned)smmu_cmd_get(cmd, SMMU_F_RANGE);
        uint64_t span = 1ULL << (range + 1);        /* Range 31: all 2^32 StreamIDs */
        f->kinds = stream_kinds | SMMU_CFG_KIND_BIT(SMMU_CFG_L1STD);
        f->sid_first = (uint32_t)(sid & ~(span - 1));
        f->sid_last = (uint32_t)(f->sid_first + (span - 1));
        break;
    }
    case SMMU_CMD_CFGI_CD:
        f->kinds = SMMU_CFG_KIND_BIT(SMMU_CFG_CD) | (leaf ? 0 : SMMU_CFG_KIND_BIT(SMMU_CFG_L1CD));
        f->by_ssid = true;
        f->ssid = (uint32_t)smmu_cmd_get(cmd, SMMU_F_SSID);
        break;
    default:    /* CFGI_CD_ALL */
        f->kinds = SMMU_CFG_KIND_BIT(SMMU_CFG_CD) | SMMU_CFG_KIND_BIT(SMMU_CFG_L1CD);
        break;
    }
}

static uint64_t cfgi_exec(struct smmu *s, const uint64_t cmd[2])
{
    struct smmu_cfg_inval f = { 0 };
    uint64_t examined = 0;
    cfgi_select(cmd, &f);
    smmu_cfg_invalidate(s->cfgc, &f, &examined);
    smmu_xlate_inval_cfgi(s, &f);
    return s->cfg.cfgi + examined * s->cfg.cfgi_entry;
}

uint64_t smmu_inval_exec(struct smmu *s, const uint64_t cmd[2], bool *broadcast)
{
    const struct smmu_cmd_desc *d = smmu_cmd_desc(smmu_cmd_op(cmd));
    *broadcast = true;
    if (d->cls == SMMU_CLASS_CFGI)
        return cfgi_exec(s, cmd);
    return tlbi_exec(s, cmd);
}

sim_time_t smmu_atc_inv_exec(struct smmu *s, const uint64_t cmd[2], sim_time_t sent, bool *timed_out)
{
    *timed_out = false;
    if (!SIM_FIELD_EX32(s->cr0ack, CR0, SMMUEN))
        return sent;                    /* IGNORED while SMMUEN = 0 (§2.3) */
    uint32_t sid = (uint32_t)smmu_cmd_get(cmd, SMMU_F_SID);
    const struct smmu_atc *atc = g_hash_table_lookup(s->atcs, GUINT_TO_POINTER(sid));
    sim_time_t deadline = sent + sim_cycles(&s->clock, s->cfg.atc_timeout);
    sim_time_t done = sent + sim_cycles(&s->clock, s->cfg.atc_roundtrip);
    bool answered = true;
    /* Without an ATC model the endpoint answers after the round trip; both
     * kinds of answer are held to the same completion timeout. */
    if (atc) {
        unsigned size = (unsigned)smmu_cmd_get(cmd, SMMU_F_ATC_SIZE);
        unsigned size_log2 = size >= 52 ? 64 : 12 + size;
        uint64_t addr = size_log2 >= 64 ? 0 : smmu_cmd_get(cmd, SMMU_F_VA) & ~((1ULL << size_log2) - 1);
        answered = atc->ops->invalidate(atc->opaque, (uint32_t)smmu_cmd_get(cmd, SMMU_F_SSID),
                                        smmu_cmd_get(cmd, SMMU_F_SSV) != 0, addr, size_log2,
                                        smmu_cmd_get(cmd, SMMU_F_GLOBAL) != 0, sent, &done);
    }
    if (!answered || done > deadline) {
        *timed_out = true;
        s->counters.atc_inv_timeouts++;
        return deadline;
    }
    return sim_time_max(done, sent);
}
