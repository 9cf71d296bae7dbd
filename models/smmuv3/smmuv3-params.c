/*
 * smmuv3-params.c — the smmu.* parameters and the ID registers they
 * compose (IHI 0070 G.b §6.3.1–6.3.6, smmuv3.md §1.3).
 *
 * Defaults describe a plausible SMMUv3.2 part: stage 1 and 2, ATS, MSI,
 * SEV, RIL, two-level stream and CD tables, 16-bit ASID/VMID, 2^19-entry
 * queues, 16-bit StreamIDs, at 1000 MHz.  Every latency is in cycles of
 * smmu.clock_mhz.  docs/smmuv3.md explains each one.
 */
#include "models/smmuv3/smmuv3-internal.h"
#include "models/smmuv3/smmuv3-endpoint.h"

static const struct sim_param_def smmu_params[] = {
    { "smmu.clock_mhz", SIM_PARAM_U64, "1000", "MHz", "SMMU clock (TCU and command engine)", 1, 1000000, NULL },
    { "smmu.cr0ack_delay_cycles", SIM_PARAM_U64, "32", "cycles", "CR0 write to CR0ACK update", 0, 0, NULL },
    { "smmu.gbpa_update_cycles", SIM_PARAM_U64, "32", "cycles", "GBPA write with Update=1 until Update clears", 0,
      0, NULL },
    { "smmu.irq_ctrlack_cycles", SIM_PARAM_U64, "16", "cycles", "IRQ_CTRL write to IRQ_CTRLACK update", 0, 0,
      NULL },
    { "smmu.prod_to_engine_cycles", SIM_PARAM_U64, "4", "cycles",
      "PROD write until the engine may start on the queue", 0, 0, NULL },
    { "smmu.fetch_burst", SIM_PARAM_U64, "4", "commands", "commands read from memory per fetch", 1, 256, NULL },
    { "smmu.prefetch_depth", SIM_PARAM_U64, "2", "bursts", "command fetches in flight per queue", 1, 64, NULL },
    { "smmu.tlbi_cycles", SIM_PARAM_U64, "8", "cycles", "base execution cost of a TLBI", 0, 0, NULL },
    { "smmu.tlbi_range_page_cycles", SIM_PARAM_U64, "2", "cycles",
      "per page of a TLBI by address (per TG granule of a range)", 0, 0, NULL },
    { "smmu.tlbi_entry_cycles", SIM_PARAM_U64, "1", "cycles",
      "per valid TLB entry visited by a scanning TLBI", 0, 0, NULL },
    { "smmu.cfgi_cycles", SIM_PARAM_U64, "8", "cycles", "base execution cost of a CFGI", 0, 0, NULL },
    { "smmu.cfgi_entry_cycles", SIM_PARAM_U64, "1", "cycles", "per valid config-cache entry visited by a CFGI", 0,
      0, NULL },
    { "smmu.sync_cycles", SIM_PARAM_U64, "4", "cycles", "execution cost of CMD_SYNC", 0, 0, NULL },
    { "smmu.atc_inv_cycles", SIM_PARAM_U64, "8", "cycles", "execution cost of ATC_INV (sending the request)", 0,
      0, NULL },
    { "smmu.prefetch_cycles", SIM_PARAM_U64, "2", "cycles", "execution cost of PREFETCH_*", 0, 0, NULL },
    { "smmu.other_cycles", SIM_PARAM_U64, "2", "cycles", "execution cost of any other command", 0, 0, NULL },
    { "smmu.tbus", SIM_PARAM_U64, "4", "TBUs", "TBUs every invalidation is broadcast to (0 = none)", 0, 1024,
      NULL },
    { "smmu.tbu_ack_cycles", SIM_PARAM_U64, "20", "cycles", "invalidation broadcast to TBU acknowledgement", 0,
      0, NULL },
    { "smmu.atc_inv_roundtrip_cycles", SIM_PARAM_U64, "1000", "cycles",
      "ATS invalidation request to completion when no ATC model is attached", 0, 0, NULL },
    { "smmu.atc_inv_timeout_cycles", SIM_PARAM_U64, "1000000", "cycles",
      "ATS invalidation completion timeout", 1, 0, NULL },
    { "smmu.cons_writeback_cycles", SIM_PARAM_U64, "4", "cycles", "end of a turn until CONS is visible", 0, 0,
      NULL },
    { "smmu.msi_write_cycles", SIM_PARAM_U64, "10", "cycles", "MSI issue until the write lands in memory", 0, 0,
      NULL },
    { "smmu.engine_cmds_per_turn", SIM_PARAM_U64, "0", "commands",
      "commands served per queue per arbitration turn (0 = no limit)", 0, 0xFFFFFFFF, NULL },
    { "smmu.engine_cycles_per_turn", SIM_PARAM_U64, "0", "cycles",
      "cycles per queue per arbitration turn (0 = no limit)", 0, 0xFFFFFFFF, NULL },
    { "smmu.check_res0", SIM_PARAM_BOOL, "false", "", "non-zero RES0 command fields are CERROR_ILL", 0, 0, NULL },
    { "smmu.tlb_entries", SIM_PARAM_U64, "2048", "entries", "TLB (incl. walk cache) entries", 1, 1u << 24, NULL },
    { "smmu.tlb_assoc", SIM_PARAM_U64, "4", "ways", "TLB associativity", 1, 1024, NULL },
    { "smmu.tlb_over_invalidate", SIM_PARAM_BOOL, "false", "",
      "a TLBI range larger than the TLB drops its whole ASID/VMID scope", 0, 0, NULL },
    { "smmu.cfg_entries", SIM_PARAM_U64, "64", "entries", "configuration cache entries", 1, 1u << 20, NULL },
    { "smmu.cfg_assoc", SIM_PARAM_U64, "4", "ways", "configuration cache associativity", 1, 1024, NULL },
    /* Translation: the cache hierarchy as the timing structure (timing.md §1.2-1.3). */
    { "smmu.evtq_write_cycles", SIM_PARAM_U64, "8", "cycles",
      "event detected until its record is written and EVENTQ_PROD covers it", 0, 0, NULL },
    { "smmu.utlb_entries", SIM_PARAM_U64, "32", "entries", "TBU micro-TLB entries (fully associative)", 1, 4096,
      NULL },
    { "smmu.utlb_cycles", SIM_PARAM_U64, "1", "cycles", "TBU micro-TLB lookup", 0, 0, NULL },
    { "smmu.tbu_tcu_link_cycles", SIM_PARAM_U64, "8", "cycles", "TBU to TCU link, each direction", 0, 0, NULL },
    { "smmu.tlb_cycles", SIM_PARAM_U64, "3", "cycles", "TCU main TLB lookup", 0, 0, NULL },
    { "smmu.cfg_cycles", SIM_PARAM_U64, "3", "cycles", "configuration cache lookup (per TLB miss)", 0, 0, NULL },
    { "smmu.wc_cycles", SIM_PARAM_U64, "4", "cycles", "walk cache lookup, per level probed", 0, 0, NULL },
    { "smmu.ptw_slots", SIM_PARAM_U64, "16", "walks", "concurrent table walks (the timed path queues beyond)", 1,
      1024, NULL },
    { "smmu.wc_assoc", SIM_PARAM_U64, "4", "ways", "walk cache associativity", 1, 1024, NULL },
    { "smmu.wc_s1l0_entries", SIM_PARAM_U64, "4", "entries", "stage-1 walk cache, level-0 table pointers", 0,
      1u << 20, NULL },
    { "smmu.wc_s1l1_entries", SIM_PARAM_U64, "28", "entries", "stage-1 walk cache, level-1 table pointers", 0,
      1u << 20, NULL },
    { "smmu.wc_s1l2_entries", SIM_PARAM_U64, "348", "entries", "stage-1 walk cache, level-2 table pointers", 0,
      1u << 20, NULL },
    { "smmu.wc_s2l0_entries", SIM_PARAM_U64, "4", "entries", "stage-2 walk cache, level-0 table pointers", 0,
      1u << 20, NULL },
    { "smmu.wc_s2l1_entries", SIM_PARAM_U64, "28", "entries", "stage-2 walk cache, level-1 table pointers", 0,
      1u << 20, NULL },
    { "smmu.wc_s2l2_entries", SIM_PARAM_U64, "92", "entries", "stage-2 walk cache, level-2 table pointers", 0,
      1u << 20, NULL },
    /* ID registers */
    { "smmu.s1", SIM_PARAM_BOOL, "true", "", "stage 1 implemented (IDR0.S1P)", 0, 0, NULL },
    { "smmu.s2", SIM_PARAM_BOOL, "true", "", "stage 2 implemented (IDR0.S2P)", 0, 0, NULL },
    { "smmu.ats", SIM_PARAM_BOOL, "true", "", "ATS supported (IDR0.ATS)", 0, 0, NULL },
    { "smmu.pri", SIM_PARAM_BOOL, "false", "", "PRI supported (IDR0.PRI; needs ATS)", 0, 0, NULL },
    { "smmu.hyp", SIM_PARAM_BOOL, "true", "", "EL2 StreamWorld and EL2 TLBIs (IDR0.HYP; needs S1)", 0, 0, NULL },
    { "smmu.msi", SIM_PARAM_BOOL, "true", "", "MSIs supported (IDR0.MSI)", 0, 0, NULL },
    { "smmu.sev", SIM_PARAM_BOOL, "true", "", "WFE wake-up events (IDR0.SEV)", 0, 0, NULL },
    { "smmu.ril", SIM_PARAM_BOOL, "true", "", "range invalidation (IDR3.RIL)", 0, 0, NULL },
    { "smmu.st_2lvl", SIM_PARAM_BOOL, "true", "", "two-level stream table (IDR0.ST_LEVEL)", 0, 0, NULL },
    { "smmu.cd_2lvl", SIM_PARAM_BOOL, "true", "", "two-level CD tables (IDR0.CD2L)", 0, 0, NULL },
    { "smmu.asid16", SIM_PARAM_BOOL, "true", "", "16-bit ASIDs (IDR0.ASID16)", 0, 0, NULL },
    { "smmu.vmid16", SIM_PARAM_BOOL, "true", "", "16-bit VMIDs (IDR0.VMID16)", 0, 0, NULL },
    { "smmu.sidsize", SIM_PARAM_U64, "16", "bits", "StreamID bits (IDR1.SIDSIZE)", 0, 32, NULL },
    { "smmu.ssidsize", SIM_PARAM_U64, "20", "bits", "SubstreamID bits (IDR1.SSIDSIZE)", 0, 20, NULL },
    { "smmu.cmdqs", SIM_PARAM_U64, "19", "log2 entries", "max command queue size (IDR1.CMDQS)", 0, 19, NULL },
    { "smmu.eventqs", SIM_PARAM_U64, "19", "log2 entries", "max event queue size (IDR1.EVENTQS)", 0, 19, NULL },
    { "smmu.priqs", SIM_PARAM_U64, "19", "log2 entries", "max PRI queue size (IDR1.PRIQS)", 0, 19, NULL },
    { "smmu.oas", SIM_PARAM_ENUM, "48", "bits", "output address size (IDR5.OAS)", 0, 0, "32|36|40|42|44|48|52" },
    { "smmu.gran4k", SIM_PARAM_BOOL, "true", "", "4 KiB translation granule (IDR5.GRAN4K)", 0, 0, NULL },
    { "smmu.gran16k", SIM_PARAM_BOOL, "true", "", "16 KiB translation granule (IDR5.GRAN16K)", 0, 0, NULL },
    { "smmu.gran64k", SIM_PARAM_BOOL, "true", "", "64 KiB translation granule (IDR5.GRAN64K)", 0, 0, NULL },
    { "smmu.stall_model", SIM_PARAM_ENUM, "stall_and_terminate", "", "IDR0.STALL_MODEL", 0, 0,
      "stall_and_terminate|terminate_only|stall_forced" },
    { "smmu.term_model", SIM_PARAM_BOOL, "false", "", "IDR0.TERM_MODEL (1: faults always abort)", 0, 0, NULL },
    { "smmu.aidr", SIM_PARAM_U64, "0x02", "", "AIDR: ArchMajorRev [7:4], ArchMinorRev [3:0] (0x02 = v3.2)", 0,
      0xFF, NULL },
    { "smmu.iidr", SIM_PARAM_U64, "0x0000043B", "", "IIDR: ProductID, Variant, Revision, Implementer", 0,
      0xFFFFFFFF, NULL },
};

gboolean smmu_declare_params(struct sim_params *p, GError **err)
{
    return sim_params_declare(p, smmu_params, SIM_ARRAY_SIZE(smmu_params), err) &&
           smmu_endpoint_declare_params(p, err);
}

static uint64_t u(const struct sim_params *p, const char *n) { return sim_params_u64(p, n); }
static bool b(const struct sim_params *p, const char *n) { return sim_params_bool(p, n); }

static uint32_t compose_idr0(const struct sim_params *p)
{
    uint32_t v = 0;
    v = SIM_FIELD_DP32(v, IDR0, S2P, b(p, "smmu.s2"));
    v = SIM_FIELD_DP32(v, IDR0, S1P, b(p, "smmu.s1"));
    v = SIM_FIELD_DP32(v, IDR0, TTF, 2);            /* AArch64 tables */
    v = SIM_FIELD_DP32(v, IDR0, COHACC, 1);
    v = SIM_FIELD_DP32(v, IDR0, HYP, b(p, "smmu.hyp"));
    v = SIM_FIELD_DP32(v, IDR0, ATS, b(p, "smmu.ats"));
    v = SIM_FIELD_DP32(v, IDR0, ASID16, b(p, "smmu.asid16"));
    v = SIM_FIELD_DP32(v, IDR0, MSI, b(p, "smmu.msi"));
    v = SIM_FIELD_DP32(v, IDR0, SEV, b(p, "smmu.sev"));
    v = SIM_FIELD_DP32(v, IDR0, PRI, b(p, "smmu.pri"));
    v = SIM_FIELD_DP32(v, IDR0, VMID16, b(p, "smmu.vmid16") && b(p, "smmu.s2"));
    v = SIM_FIELD_DP32(v, IDR0, CD2L, b(p, "smmu.cd_2lvl"));
    v = SIM_FIELD_DP32(v, IDR0, TTENDIAN, 2);       /* little-endian walks */
    v = SIM_FIELD_DP32(v, IDR0, STALL_MODEL, sim_params_enum(p, "smmu.stall_model"));
    v = SIM_FIELD_DP32(v, IDR0, TERM_MODEL, b(p, "smmu.term_model"));
    v = SIM_FIELD_DP32(v, IDR0, ST_LEVEL, b(p, "smmu.st_2lvl") ? 1 : 0);
    return v;
}

static uint32_t compose_idr1(const struct sim_params *p)
{
    uint32_t v = 0;
    v = SIM_FIELD_DP32(v, IDR1, SIDSIZE, (uint32_t)u(p, "smmu.sidsize"));
    v = SIM_FIELD_DP32(v, IDR1, SSIDSIZE, (uint32_t)u(p, "smmu.ssidsize"));
    v = SIM_FIELD_DP32(v, IDR1, PRIQS, b(p, "smmu.pri") ? (uint32_t)u(p, "smmu.priqs") : 0);
    v = SIM_FIELD_DP32(v, IDR1, EVENTQS, (uint32_t)u(p, "smmu.eventqs"));
    v = SIM_FIELD_DP32(v, IDR1, CMDQS, (uint32_t)u(p, "smmu.cmdqs"));
    return v;
}

static uint32_t compose_idr5(const struct sim_params *p)
{
    uint32_t v = 0;
    v = SIM_FIELD_DP32(v, IDR5, OAS, sim_params_enum(p, "smmu.oas"));
    v = SIM_FIELD_DP32(v, IDR5, GRAN4K, b(p, "smmu.gran4k"));
    v = SIM_FIELD_DP32(v, IDR5, GRAN16K, b(p, "smmu.gran16k"));
    v = SIM_FIELD_DP32(v, IDR5, GRAN64K, b(p, "smmu.gran64k"));
    return v;
}

static gboolean check_consistency(const struct sim_params *p, const struct smmu_config *c, GError **err)
{
    const char *why = NULL;
    if (!b(p, "smmu.s1") && !b(p, "smmu.s2"))
        why = "smmu.s1 and smmu.s2 are both false: an SMMU implements at least one stage";
    else if (b(p, "smmu.hyp") && !b(p, "smmu.s1"))
        why = "smmu.hyp needs stage 1 (smmu.s1)";
    else if (b(p, "smmu.pri") && !b(p, "smmu.ats"))
        why = "smmu.pri needs smmu.ats";
    else if (!b(p, "smmu.gran4k") && !b(p, "smmu.gran16k") && !b(p, "smmu.gran64k"))
        why = "no translation granule enabled (smmu.gran4k/16k/64k)";
    else if (c->tlb_entries % c->tlb_assoc || c->tlb_assoc > c->tlb_entries)
        why = "smmu.tlb_entries must be a multiple of smmu.tlb_assoc";
    else if (c->cfg_entries % c->cfg_assoc || c->cfg_assoc > c->cfg_entries)
        why = "smmu.cfg_entries must be a multiple of smmu.cfg_assoc";
    for (unsigned st = 0; st < 2 && !why; st++)
        for (unsigned l = 0; l < SMMU_WC_LEVELS && !why; l++)
            if (c->wc_entries[st][l] % c->wc_assoc)
                why = "every smmu.wc_s*l*_entries must be a multiple of smmu.wc_assoc";
    if (why) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE, "SMMUv3 parameters: %s", why);
        return FALSE;
    }
    return TRUE;
}

gboolean smmu_config_read(struct smmu_config *c, const struct sim_params *p, GError **err)
{
    *c = (struct smmu_config){
        .clock_mhz = u(p, "smmu.clock_mhz"),
        .cr0ack_delay = u(p, "smmu.cr0ack_delay_cycles"),
        .gbpa_update = u(p, "smmu.gbpa_update_cycles"),
        .irq_ctrlack = u(p, "smmu.irq_ctrlack_cycles"),
        .prod_to_engine = u(p, "smmu.prod_to_engine_cycles"),
        .cons_writeback = u(p, "smmu.cons_writeback_cycles"),
        .msi_write = u(p, "smmu.msi_write_cycles"),
        .fetch_burst = u(p, "smmu.fetch_burst"),
        .prefetch_depth = u(p, "smmu.prefetch_depth"),
        .tlbi = u(p, "smmu.tlbi_cycles"),
        .tlbi_page = u(p, "smmu.tlbi_range_page_cycles"),
        .tlbi_entry = u(p, "smmu.tlbi_entry_cycles"),
        .cfgi = u(p, "smmu.cfgi_cycles"),
        .cfgi_entry = u(p, "smmu.cfgi_entry_cycles"),
        .sync = u(p, "smmu.sync_cycles"),
        .atc_inv = u(p, "smmu.atc_inv_cycles"),
        .prefetch = u(p, "smmu.prefetch_cycles"),
        .other = u(p, "smmu.other_cycles"),
        .tbus = u(p, "smmu.tbus"),
        .tbu_ack = u(p, "smmu.tbu_ack_cycles"),
        .atc_roundtrip = u(p, "smmu.atc_inv_roundtrip_cycles"),
        .atc_timeout = u(p, "smmu.atc_inv_timeout_cycles"),
        .cmds_per_turn = u(p, "smmu.engine_cmds_per_turn"),
        .cycles_per_turn = u(p, "smmu.engine_cycles_per_turn"),
        .tlb_entries = u(p, "smmu.tlb_entries"),
        .tlb_assoc = u(p, "smmu.tlb_assoc"),
        .cfg_entries = u(p, "smmu.cfg_entries"),
        .cfg_assoc = u(p, "smmu.cfg_assoc"),
        .check_res0 = b(p, "smmu.check_res0"),
        .tlb_over_invalidate = b(p, "smmu.tlb_over_invalidate"),
        .evtq_write = u(p, "smmu.evtq_write_cycles"),
        .utlb_entries = u(p, "smmu.utlb_entries"),
        .utlb_lookup = u(p, "smmu.utlb_cycles"),
        .link = u(p, "smmu.tbu_tcu_link_cycles"),
        .tlb_lookup = u(p, "smmu.tlb_cycles"),
        .cfg_lookup = u(p, "smmu.cfg_cycles"),
        .wc_lookup = u(p, "smmu.wc_cycles"),
        .ptw_slots = u(p, "smmu.ptw_slots"),
        .wc_assoc = u(p, "smmu.wc_assoc"),
        .wc_entries = {
            { u(p, "smmu.wc_s1l0_entries"), u(p, "smmu.wc_s1l1_entries"), u(p, "smmu.wc_s1l2_entries") },
            { u(p, "smmu.wc_s2l0_entries"), u(p, "smmu.wc_s2l1_entries"), u(p, "smmu.wc_s2l2_entries") },
        },
        .iidr = (uint32_t)u(p, "smmu.iidr"),
        .aidr = (uint32_t)u(p, "smmu.aidr"),
    };
    if (!check_consistency(p, c, err))
        return FALSE;
    c->idr[0] = compose_idr0(p);
    c->idr[1] = compose_idr1(p);
    c->idr[3] = SIM_FIELD_DP32(SIM_FIELD_DP32(0, IDR3, HAD, 1), IDR3, RIL, b(p, "smmu.ril"));
    c->idr[5] = compose_idr5(p);
    return TRUE;
}
