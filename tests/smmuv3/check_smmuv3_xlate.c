/*
 * check_smmuv3_xlate.c — the translation front end end-to-end: smmu_translate
 * through registers, stream table, configuration cache, TLB and walk caches;
 * faults reaching the event queue; the event queue producer (OVFLG,
 * EVENTQ_ABT_ERR, IRQ/MSI); which cached entries survive each invalidation;
 * walk timing; endpoints with micro-TLBs and ATS; 16 KiB and 64 KiB block
 * mappings; nested (stage 1 + stage 2) translation with its stage-2 faults
 * and invalidations; micro-TLB LRU replacement and invalidation.
 */
#include <string.h>
#include "testbed.h"
#include "sim/ptbuild/ptbuild.h"
#include "models/smmuv3/smmuv3-endpoint.h"
#include "models/smmuv3/smmuv3-utlb.h"

#define POOL 0x10000000ull
#define EVQ 0x30000000ull
#define SID 5u
#define ASID 7u
#define VMID 3u

struct fx {
    struct tb *tb;
    struct ptb b;
    struct ptb_strtab st;
    struct ptb_tt s1, s2;
    struct ptb_cdtab ct;
};

static struct fx X;

static void fx_start(const char *const *sets, bool two_level, unsigned evq_log2)
{
    memset(&X, 0, sizeof(X));
    X.tb = tb_new(sets);
    ptb_init(&X.b, X.tb->mem, POOL, 0x10000000ull);
    if (two_level)
        ptb_strtab_2lvl(&X.st, &X.b, 16, 8);
    else
        ptb_strtab_linear(&X.st, &X.b, 8);
    tb_wr64(X.tb, "STRTAB_BASE", X.st.base_reg);
    tb_wr(X.tb, "STRTAB_BASE_CFG", X.st.cfg_reg);
    tb_wr64(X.tb, "EVENTQ_BASE", EVQ | evq_log2);
    tb_wr(X.tb, "EVENTQ_PROD", 0);
    tb_wr(X.tb, "EVENTQ_CONS", 0);
    tb_cmdq_enable(X.tb, 6);
    tb_wr(X.tb, "CR0", tb_rd(X.tb, "CR0") | 0x1 | 0x4);
    tb_idle(X.tb);
}

static void fx_stop(void) { tb_free(X.tb); }
static void setup(void) { fx_start(NULL, false, 4); }

/* A stage-1 stream: SID -> linear CD table (1 CD, or 2^cdmax) -> TTB0. */
static void s1_stream(unsigned granule, unsigned tsz, unsigned cdfmt, unsigned cdmax)
{
    uint64_t ste[8], cd[8];
    ptb_tt_s1(&X.s1, &X.b, granule, tsz);
    ptb_cd_init(cd, &X.s1, ASID, 5);
    ptb_cdtab_new(&X.ct, &X.b, cdfmt, cdmax, 0);
    ptb_cdtab_put(&X.ct, 0, cd);
    ptb_ste_init(ste, 5);
    ptb_ste_set_s1(ste, ptb_cdtab_ptr(&X.ct), cdmax, cdfmt, 0);
    ste[2] |= VMID;     /* S2VMID tags stage-1 entries too */
    ptb_strtab_put(&X.st, SID, ste);
}

static void s2_stream(void)
{
    uint64_t ste[8];
    ptb_tt_s2(&X.s2, &X.b, 12, 16, 2);
    ptb_ste_init(ste, 6);
    ptb_ste_set_s2(ste, &X.s2, VMID, 5);
    ptb_strtab_put(&X.st, SID, ste);
}

static bool xl(uint64_t iova, unsigned access, struct smmu_txn_result *r)
{
    struct smmu_txn t = { SID, false, 0, iova, access };
    return smmu_translate(X.tb->smmu, &t, r);
}

static struct ptb_event evt_at(unsigned idx)
{
    uint64_t rec[4];
    for (unsigned i = 0; i < 4; i++)
        sim_mem_read64(X.tb->mem, EVQ + idx * 32 + i * 8, &rec[i]);
    struct ptb_event e;
    ptb_event_decode(rec, &e);
    return e;
}

static uint64_t stat(const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(sim_stats_lookup_counter(X.tb->stats, name, &v), "no counter %s", name);
    return v;
}

/* ---- translation end to end ---------------------------------------------------- */

START_TEST(s1_4k_page_and_blocks)
{
    s1_stream(12, 16, 0, 0);
    ptb_map(&X.s1, 0x12345000, 0x80001000, 3, PTB_S1_RW_ALL);
    ptb_map(&X.s1, 0x40200000, 0x90000000, 2, PTB_S1_RW_ALL);
    ptb_map(&X.s1, 0x80000000, 0xC0000000, 1, PTB_S1_RW_ALL);
    struct smmu_txn_result r;
    ck_assert(xl(0x12345678, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.oa, 0x80001678);
    ck_assert_uint_eq(r.size_log2, 12);
    ck_assert_int_eq(r.source, SMMU_XLATE_WALK);
    ck_assert_uint_eq(r.cfg_accesses, 2);       /* STE, CD */
    ck_assert_uint_eq(r.walk_accesses, 4);      /* L0..L3, cold walk cache */
    ck_assert_uint_eq(r.wc_lookups, 3);
    ck_assert(xl(0x12345abc, SMMU_ACCESS_WRITE, &r));
    ck_assert_int_eq(r.source, SMMU_XLATE_TLB);
    ck_assert_uint_eq(r.oa, 0x80001abc);
    ck_assert(xl(0x40212345, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.oa, 0x90012345);
    ck_assert_uint_eq(r.size_log2, 21);
    ck_assert_uint_eq(r.level, 2);
    /* The L0 pointer was cached by the first walk (same 512 GiB); the L1
     * pointer covers another 1 GiB: L1 and L2 are read. */
    ck_assert_uint_eq(r.walk_accesses, 2);
    ck_assert_uint_eq(r.wc_lookups, 2);
    ck_assert(xl(0x80000010, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.oa, 0xC0000010);
    ck_assert_uint_eq(r.size_log2, 30);
    ck_assert_uint_eq(r.level, 1);
}
END_TEST

START_TEST(s1_granules)
{
    static const unsigned gran[2] = { 14, 16 };
    for (unsigned i = 0; i < 2; i++) {
        fx_stop();
        setup();
        s1_stream(gran[i], 16, 0, 0);
        uint64_t va = 0x7F0000000ull, pa = 0x123400000ull;
        ptb_map(&X.s1, va, pa, 3, PTB_S1_RW_ALL);
        struct smmu_txn_result r;
        ck_assert(xl(va + 0x88, SMMU_ACCESS_READ, &r));
        ck_assert_uint_eq(r.oa, pa + 0x88);
        ck_assert_uint_eq(r.size_log2, gran[i]);
        ck_assert(xl(va + 0x90, SMMU_ACCESS_READ, &r));
        ck_assert_int_eq(r.source, SMMU_XLATE_TLB);
    }
}
END_TEST

START_TEST(s2_only)
{
    s2_stream();
    ptb_map(&X.s2, 0x5000, 0x77000, 3, PTB_S2_RW);
    struct smmu_txn_result r;
    ck_assert(xl(0x5004, SMMU_ACCESS_WRITE, &r));
    ck_assert_uint_eq(r.oa, 0x77004);
    ck_assert_uint_eq(r.stage, SMMU_TLB_S2);
    ck_assert_uint_eq(r.vmid, VMID);
}
END_TEST

START_TEST(two_level_tables)
{
    fx_stop();
    fx_start(NULL, true, 4);
    s1_stream(12, 16, 1, 4);    /* 2-level CD table, 16 CDs */
    uint64_t cd[8];
    ptb_cd_init(cd, &X.s1, ASID + 1, 5);
    ptb_cdtab_put(&X.ct, 9, cd);
    ptb_map(&X.s1, 0x1000, 0x2000, 3, PTB_S1_RW_ALL);
    struct smmu_txn t = { SID, true, 9, 0x1008, SMMU_ACCESS_READ };
    struct smmu_txn_result r;
    ck_assert(smmu_translate(X.tb->smmu, &t, &r));
    ck_assert_uint_eq(r.oa, 0x2008);
    ck_assert_uint_eq(r.asid, ASID + 1);
    ck_assert_uint_eq(r.cfg_accesses, 4);       /* L1STD, STE, L1CD, CD */
}
END_TEST

START_TEST(gbpa_abort_and_bypass)
{
    tb_wr(X.tb, "CR0", tb_rd(X.tb, "CR0") & ~1u);
    tb_idle(X.tb);
    struct smmu_txn_result r;
    ck_assert(xl(0x1234, SMMU_ACCESS_READ, &r));        /* GBPA reset: bypass */
    ck_assert_uint_eq(r.oa, 0x1234);
    tb_wr(X.tb, "GBPA", 0x80000000u | (1u << 20));      /* Update, ABORT */
    tb_idle(X.tb);
    ck_assert(!xl(0x1234, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_NONE);
    ck_assert(!r.recorded);
}
END_TEST

/* ---- faults reach the event queue ------------------------------------------------ */

START_TEST(translation_fault_recorded)
{
    s1_stream(12, 16, 0, 0);
    struct smmu_txn_result r;
    ck_assert(!xl(0xdead000, SMMU_ACCESS_WRITE, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_F_TRANSLATION);
    ck_assert_int_eq(r.response, SMMU_FAULT_ABORT);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 0);   /* not yet visible */
    tb_run_to(X.tb, tb_now(X.tb) + tb_cycle(X.tb, tb_param(X.tb, "smmu.evtq_write_cycles")));
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 1);
    struct ptb_event e = evt_at(0);
    ck_assert_uint_eq(e.type, SMMU_EVT_F_TRANSLATION);
    ck_assert_uint_eq(e.sid, SID);
    ck_assert_uint_eq(e.input_addr, 0xdead000);
    ck_assert(!e.rnw);
    ck_assert(!e.s2);
    ck_assert_uint_eq(e.cls, SMMU_EVT_CLASS_IN);
}
END_TEST

START_TEST(bad_ste_not_cached)
{
    uint64_t ste[8] = { 0 };
    ptb_strtab_put(&X.st, SID, ste);    /* V = 0 */
    struct smmu_txn_result r;
    ck_assert(!xl(0x1000, SMMU_ACCESS_READ, &r));
    ck_assert(!xl(0x1000, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_C_BAD_STE);
    ck_assert_uint_eq(smmu_cfg_count(smmu_cfgcache(X.tb->smmu)), 0);
    tb_idle(X.tb);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 2);
    ck_assert_uint_eq(evt_at(1).type, SMMU_EVT_C_BAD_STE);
}
END_TEST

START_TEST(fault_types)
{
    s1_stream(12, 16, 0, 0);
    ptb_map(&X.s1, 0x3000, 0x4000, 3, PTB_AF | PTB_AP(3));     /* read-only */
    ptb_map(&X.s1, 0x5000, 0x6000, 3, PTB_AP(1));              /* AF = 0 */
    struct smmu_txn_result r;
    ck_assert(!xl(0x3000, SMMU_ACCESS_WRITE, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_F_PERMISSION);
    ck_assert(!xl(0x5000, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_F_ACCESS);
    sim_mem_inject_abort(X.tb->mem, ptb_desc_pa(&X.s1, 0x9000, 3) & ~0xFFFull, 0x1000, SIM_MEM_READ);
    ck_assert(!xl(0x9000, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_F_WALK_EABT);
    struct smmu_txn t = { 0x1000, false, 0, 0, SMMU_ACCESS_READ };  /* beyond LOG2SIZE 8 */
    ck_assert(!smmu_translate(X.tb->smmu, &t, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_C_BAD_STREAMID);
    tb_idle(X.tb);
    ck_assert_uint_eq(evt_at(0).type, SMMU_EVT_F_PERMISSION);
    ck_assert_uint_eq(evt_at(1).type, SMMU_EVT_F_ACCESS);
    ck_assert_uint_eq(evt_at(2).type, SMMU_EVT_F_WALK_EABT);
    /* CR2.RECINVSID = 0 at reset: C_BAD_STREAMID is not recorded. */
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 3);
}
END_TEST

START_TEST(razwi_unrecorded)
{
    uint64_t cd[8];
    s1_stream(12, 16, 0, 0);
    ptb_cd_init(cd, &X.s1, ASID, 5);
    cd[0] &= ~((1ULL << 46) | (1ULL << 45));    /* A = 0, R = 0 */
    ptb_cdtab_put(&X.ct, 0, cd);
    struct smmu_txn_result r;
    ck_assert(!xl(0x1000, SMMU_ACCESS_READ, &r));
    ck_assert_int_eq(r.response, SMMU_FAULT_RAZWI);
    ck_assert(!r.recorded);
    tb_idle(X.tb);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 0);
}
END_TEST

/* ---- event queue producer ---------------------------------------------------------- */

static void bad_ste_faults(unsigned n)
{
    uint64_t ste[8] = { 0 };
    ptb_strtab_put(&X.st, SID, ste);
    struct smmu_txn_result r;
    for (unsigned i = 0; i < n; i++)
        xl(0x1000, SMMU_ACCESS_READ, &r);
    tb_idle(X.tb);
}

START_TEST(overflow_protocol)
{
    fx_stop();
    fx_start(NULL, false, 1);                  /* 2 entries */
    bad_ste_faults(4);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 0x80000000u | 2);   /* full, OVFLG toggled once */
    ck_assert_uint_eq(stat("smmu.evtq.discarded_full"), 2);
    ck_assert_uint_eq(stat("smmu.evtq.overflows"), 1);
    /* Consume one and acknowledge the overflow. */
    tb_wr(X.tb, "EVENTQ_CONS", 0x80000000u | 1);
    bad_ste_faults(2);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD") & 0x7, 3);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD") >> 31, 0);   /* a new overflow toggles again */
    ck_assert_uint_eq(stat("smmu.evtq.overflows"), 2);
}
END_TEST

START_TEST(eventq_disabled_discards)
{
    tb_wr(X.tb, "CR0", tb_rd(X.tb, "CR0") & ~0x4u);
    tb_idle(X.tb);
    bad_ste_faults(2);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 0);
    ck_assert_uint_eq(stat("smmu.evtq.discarded_disabled"), 2);
    ck_assert_uint_eq(stat("smmu.evtq.overflows"), 0);
}
END_TEST

START_TEST(eventq_abort)
{
    unsigned id = sim_mem_inject_abort(X.tb->mem, EVQ, 0x1000, SIM_MEM_WRITE);
    bad_ste_faults(1);
    ck_assert_uint_eq(tb_rd(X.tb, "GERROR") & 0x4, 0x4);
    sim_mem_clear_abort(X.tb->mem, id);
    bad_ste_faults(1);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 0);    /* stopped until acknowledged */
    ck_assert_uint_eq(stat("smmu.evtq.discarded_abort"), 1);
    tb_wr(X.tb, "GERRORN", tb_rd(X.tb, "GERROR"));
    bad_ste_faults(1);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 1);
}
END_TEST

START_TEST(eventq_wired_and_msi)
{
    tb_wr(X.tb, "IRQ_CTRL", 0x4);
    tb_idle(X.tb);
    bad_ste_faults(2);
    ck_assert_uint_eq(X.tb->nirq, 1);          /* only the empty -> non-empty update */
    ck_assert_int_eq(X.tb->irqs[0].line, SMMU_IRQ_EVENTQ);
    ck_assert(!X.tb->irqs[0].msi);
    tb_wr(X.tb, "EVENTQ_CONS", 2);             /* drained */
    tb_wr(X.tb, "IRQ_CTRL", 0);
    tb_idle(X.tb);
    tb_wr64(X.tb, "EVENTQ_IRQ_CFG0", 0x50000000ull);
    tb_wr(X.tb, "EVENTQ_IRQ_CFG1", 0xABCD);
    tb_wr(X.tb, "IRQ_CTRL", 0x4);
    tb_idle(X.tb);
    bad_ste_faults(1);
    ck_assert_uint_eq(X.tb->nirq, 2);
    ck_assert(X.tb->irqs[1].msi);
    uint32_t v = 0;
    sim_mem_read32(X.tb->mem, 0x50000000ull, &v);
    ck_assert_uint_eq(v, 0xABCD);
    /* An aborting MSI write is GERROR.MSI_EVENTQ_ABT_ERR. */
    tb_wr(X.tb, "EVENTQ_CONS", 3);
    sim_mem_inject_abort(X.tb->mem, 0x50000000ull, 4, SIM_MEM_WRITE);
    bad_ste_faults(1);
    ck_assert_uint_eq(tb_rd(X.tb, "GERROR") & 0x20, 0x20);
}
END_TEST

/* ---- what each invalidation leaves ------------------------------------------------- */

struct occ {
    unsigned tlb, wc_s1, wc_s2, cfg, utlb;
};

static struct smmu_endpoint *EP;

static struct occ occupancy(void)
{
    struct smmu *s = X.tb->smmu;
    struct occ o = { smmu_tlb_count(smmu_tlb(s)), 0, 0, smmu_cfg_count(smmu_cfgcache(s)),
                     EP ? smmu_utlb_count(smmu_endpoint_utlb(EP)) : 0 };
    for (unsigned l = 0; l < 3; l++) {
        o.wc_s1 += smmu_walk_cache_level_count(s, SMMU_TLB_S1, l);
        o.wc_s2 += smmu_walk_cache_level_count(s, SMMU_TLB_S2, l);
    }
    return o;
}

static void dma_done(void *opaque, const struct smmu_dma_result *r)
{
    *(struct smmu_dma_result *)opaque = *r;
}

static struct smmu_dma_result dma(uint64_t iova, unsigned access)
{
    static uint8_t buf[64];
    struct smmu_dma_result res;
    memset(&res, 0, sizeof(res));
    struct smmu_dma_req q = { false, 0, iova, 8, access, buf };
    ck_assert(smmu_endpoint_dma(EP, &q, dma_done, &res, NULL));
    tb_idle(X.tb);
    return res;
}

static void new_endpoint(bool ats, bool respond, uint64_t inv_cycles)
{
    struct smmu_endpoint_cfg c;
    smmu_endpoint_cfg_from_params(&c, X.tb->params);
    c.ats = ats;
    c.atc_inv_respond = respond;
    c.atc_inv_cycles = inv_cycles;
    GError *err = NULL;
    EP = smmu_endpoint_new(X.tb->smmu, "ep0", SID, &c, &err);
    ck_assert_msg(EP, "%s", err ? err->message : "");
}

static void inval_setup(void)
{
    setup();
    s1_stream(12, 16, 0, 0);
    ptb_map(&X.s1, 0x12345000, 0x80001000, 3, PTB_S1_RW_ALL | PTB_NG);    /* ASID-tagged */
    new_endpoint(false, true, 0);
    ck_assert(dma(0x12345000, SMMU_ACCESS_READ).ok);
    struct occ o = occupancy();
    ck_assert_uint_eq(o.tlb, 1);
    ck_assert_uint_eq(o.wc_s1, 3);
    ck_assert_uint_eq(o.cfg, 2);
    ck_assert_uint_eq(o.utlb, 1);
}

static void inval_teardown(void)
{
    smmu_endpoint_free(EP);
    EP = NULL;
    fx_stop();
}

#define OCC(o, t, w1, c, u)                 \
    do {                                    \
        struct occ _o = (o);                \
        ck_assert_uint_eq(_o.tlb, t);       \
        ck_assert_uint_eq(_o.wc_s1, w1);    \
        ck_assert_uint_eq(_o.cfg, c);       \
        ck_assert_uint_eq(_o.utlb, u);      \
    } while (0)

START_TEST(inv_nh_va_leaf)
{
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x12345000,leaf=1"), 0);
    OCC(occupancy(), 0, 3, 2, 0);          /* table pointers survive Leaf = 1 */
}
END_TEST

START_TEST(inv_nh_va_nonleaf)
{
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x12345000"), 0);
    OCC(occupancy(), 0, 0, 2, 0);
}
END_TEST

START_TEST(inv_nh_va_other_asid_or_addr)
{
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=8,vmid=3,addr=0x12345000"), 0);
    OCC(occupancy(), 1, 3, 2, 1);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x18000000000"), 0);
    OCC(occupancy(), 1, 3, 2, 1);          /* another L0 region */
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x12000000"), 0);
    /* Another 2 MiB of the same 1 GiB: the L0 and L1 pointers used for it
     * go, the L2 pointer (and the leaf) of 0x12345000 stay. */
    OCC(occupancy(), 1, 1, 2, 1);
}
END_TEST

START_TEST(inv_nh_vaa_asid_all)
{
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_ASID", "asid=9,vmid=3"), 0);
    OCC(occupancy(), 1, 3, 2, 1);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_ASID", "asid=7,vmid=3"), 0);
    OCC(occupancy(), 0, 0, 2, 0);
    ck_assert(dma(0x12345000, SMMU_ACCESS_READ).ok);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VAA", "vmid=3,addr=0x12345000,leaf=1"), 0);
    OCC(occupancy(), 0, 3, 2, 0);
    ck_assert(dma(0x12345000, SMMU_ACCESS_READ).ok);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_ALL", "vmid=4"), 0);
    OCC(occupancy(), 1, 3, 2, 1);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_ALL", "vmid=3"), 0);
    OCC(occupancy(), 0, 0, 2, 0);
}
END_TEST

START_TEST(inv_s2_and_vmall)
{
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S2_IPA", "vmid=3,addr=0x12345000"), 0);
    OCC(occupancy(), 1, 3, 2, 1);          /* stage-1 entries are not stage-2 entries */
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S12_VMALL", "vmid=4"), 0);
    OCC(occupancy(), 1, 3, 2, 1);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S12_VMALL", "vmid=3"), 0);
    OCC(occupancy(), 0, 0, 2, 0);
    ck_assert(dma(0x12345000, SMMU_ACCESS_READ).ok);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NSNH_ALL", ""), 0);
    OCC(occupancy(), 0, 0, 2, 0);
}
END_TEST

START_TEST(inv_cfgi)
{
    ck_assert_uint_eq(tb_exec(X.tb, "CFGI_CD", "sid=5,ssid=1"), 0);
    OCC(occupancy(), 1, 3, 2, 1);
    ck_assert_uint_eq(tb_exec(X.tb, "CFGI_CD", "sid=5,ssid=0"), 0);
    OCC(occupancy(), 1, 3, 1, 0);          /* the CD (no-SSID traffic uses CD 0) and the TBU's entry */
    ck_assert(dma(0x12345000, SMMU_ACCESS_READ).ok);
    ck_assert_uint_eq(tb_exec(X.tb, "CFGI_STE", "sid=6"), 0);
    OCC(occupancy(), 1, 3, 2, 1);
    ck_assert_uint_eq(tb_exec(X.tb, "CFGI_STE", "sid=5"), 0);
    OCC(occupancy(), 1, 3, 0, 0);          /* TLB entries are not tagged by StreamID */
    ck_assert(dma(0x12345000, SMMU_ACCESS_READ).ok);
    ck_assert_uint_eq(tb_exec(X.tb, "CFGI_ALL", ""), 0);
    OCC(occupancy(), 1, 3, 0, 0);
}
END_TEST

START_TEST(inv_s2_walk_cache)
{
    smmu_endpoint_free(EP);
    EP = NULL;
    s2_stream();
    ck_assert_uint_eq(tb_exec(X.tb, "CFGI_STE", "sid=5"), 0);
    ptb_map(&X.s2, 0x5000, 0x77000, 3, PTB_S2_RW);
    struct smmu_txn_result r;
    ck_assert(xl(0x5000, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(occupancy().wc_s2, 3);   /* S2SL0 = 2, 4 KiB: start level 0; L0..L2 pointers */
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_ALL", "vmid=3"), 0);
    ck_assert_uint_eq(occupancy().wc_s2, 3);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S2_IPA", "vmid=3,addr=0x5000,leaf=1"), 0);
    ck_assert_uint_eq(occupancy().wc_s2, 3);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S2_IPA", "vmid=3,addr=0x5000"), 0);
    ck_assert_uint_eq(occupancy().wc_s2, 0);
}
END_TEST

/* ---- timing ------------------------------------------------------------------------ */

START_TEST(walk_timing_exact)
{
    s1_stream(12, 16, 0, 0);
    ptb_map(&X.s1, 0x12345000, 0x80001000, 3, PTB_S1_RW_ALL);
    struct smmu_txn t = { SID, false, 0, 0x12345000, SMMU_ACCESS_READ };
    struct smmu_txn_result r;
    sim_time_t at = tb_now(X.tb);
    sim_time_t done = smmu_translate_timed(X.tb->smmu, &t, &r, at);
    uint64_t link = tb_param(X.tb, "smmu.tbu_tcu_link_cycles");
    uint64_t cyc = 2 * link + tb_param(X.tb, "smmu.tlb_cycles") + tb_param(X.tb, "smmu.cfg_cycles") +
                   3 * tb_param(X.tb, "smmu.wc_cycles");
    ck_assert_uint_eq(done - at, tb_cycle(X.tb, cyc) + 6 * TB_MEM_LATENCY_PS);  /* STE, CD, 4 levels */
    done = smmu_translate_timed(X.tb->smmu, &t, &r, at);
    ck_assert_uint_eq(done - at, tb_cycle(X.tb, 2 * link + tb_param(X.tb, "smmu.tlb_cycles")));
}
END_TEST

START_TEST(ptw_slot_limit)
{
    fx_stop();
    static const char *const sets[] = { "smmu.ptw_slots=1", NULL };
    fx_start(sets, false, 4);
    s1_stream(12, 16, 0, 0);
    ptb_map(&X.s1, 0x1000, 0x2000, 3, PTB_S1_RW_ALL);
    ptb_map(&X.s1, 0x18000000000ull, 0x3000, 3, PTB_S1_RW_ALL);     /* another L0 entry */
    struct smmu_txn a = { SID, false, 0, 0x1000, SMMU_ACCESS_READ };
    struct smmu_txn b = { SID, false, 0, 0x18000000000ull, SMMU_ACCESS_READ };
    struct smmu_txn_result r;
    sim_time_t at = tb_now(X.tb);
    sim_time_t da = smmu_translate_timed(X.tb->smmu, &a, &r, at);
    sim_time_t db = smmu_translate_timed(X.tb->smmu, &b, &r, at);
    /* b's configuration is cached; its walk (4 reads, 3 probes) waits for a's. */
    sim_time_t walk = tb_cycle(X.tb, 3 * tb_param(X.tb, "smmu.wc_cycles")) + 4 * TB_MEM_LATENCY_PS;
    ck_assert_uint_eq(db, da + walk);
    ck_assert_uint_eq(stat("smmu.ptw.waits"), 1);
}
END_TEST

/* ---- endpoints and ATS ------------------------------------------------------------------ */

START_TEST(endpoint_utlb_latency)
{
    s1_stream(12, 16, 0, 0);
    ptb_map(&X.s1, 0x1000, 0x2000, 3, PTB_S1_RW_ALL);
    sim_mem_write64(X.tb->mem, 0x2008, 0x1122334455667788ull);
    new_endpoint(false, true, 0);
    struct smmu_dma_result r1 = dma(0x1008, SMMU_ACCESS_READ);
    ck_assert(r1.ok && !r1.utlb_hit);
    struct smmu_dma_result r2 = dma(0x1008, SMMU_ACCESS_READ);
    ck_assert(r2.ok && r2.utlb_hit);
    ck_assert_uint_eq(r2.completed - r2.issued,
                      tb_cycle(X.tb, tb_param(X.tb, "smmu.utlb_cycles")) + TB_MEM_LATENCY_PS);
    struct smmu_dma_result r3 = dma(0x9000, SMMU_ACCESS_READ);
    ck_assert(!r3.ok);
    ck_assert_int_eq(r3.response, SMMU_FAULT_ABORT);
    ck_assert_uint_eq(stat("endpoint.ep0.faults"), 1);
    ck_assert_uint_eq(stat("endpoint.ep0.utlb_hits"), 1);
    GError *err = NULL;
    struct smmu_dma_req bad = { false, 0, 0, 0, 0, NULL };
    ck_assert(!smmu_endpoint_dma(EP, &bad, dma_done, NULL, &err));
    ck_assert(err);
    g_error_free(err);
    smmu_endpoint_free(EP);
    EP = NULL;
}
END_TEST

static void ats_setup(bool respond, uint64_t inv_cycles)
{
    s1_stream(12, 16, 0, 0);
    /* STE.EATS = 1: the stream accepts ATS translation requests. */
    uint64_t ste[8];
    ptb_ste_init(ste, 5);
    ptb_ste_set_s1(ste, ptb_cdtab_ptr(&X.ct), 0, 0, 0);
    ste[1] |= 1ull << 28;
    ste[2] |= VMID;
    ptb_strtab_put(&X.st, SID, ste);
    ptb_map(&X.s1, 0x1000, 0x2000, 3, PTB_S1_RW_ALL);
    new_endpoint(true, respond, inv_cycles);
    ck_assert(dma(0x1000, SMMU_ACCESS_READ).ok);
    ck_assert(dma(0x1000, SMMU_ACCESS_READ).atc_hit);
    ck_assert_uint_eq(smmu_utlb_count(smmu_endpoint_atc(EP)), 1);
}

START_TEST(ats_inv_completes)
{
    ats_setup(true, 500);
    ck_assert_uint_eq(tb_exec(X.tb, "ATC_INV", "sid=5,addr=0x8000,size=0"), 0);
    ck_assert_uint_eq(smmu_utlb_count(smmu_endpoint_atc(EP)), 1);      /* other page survives */
    tb_push(X.tb, "ATC_INV", "sid=5,addr=0x1000,size=0");
    tb_push(X.tb, "CMD_SYNC", "");
    sim_time_t t0 = tb_now(X.tb);
    tb_write_prod(X.tb);
    tb_idle(X.tb);
    ck_assert_uint_eq((tb_rd(X.tb, "CMDQ_CONS") >> 24) & 0x7F, 0);
    ck_assert_uint_eq(smmu_utlb_count(smmu_endpoint_atc(EP)), 0);
    ck_assert(tb_now(X.tb) - t0 >= 500000);     /* the endpoint's completion, 500 cycles at 1 GHz */
    ck_assert(!dma(0x1000, SMMU_ACCESS_READ).atc_hit);
    smmu_endpoint_free(EP);
    EP = NULL;
}
END_TEST

START_TEST(ats_inv_timeout)
{
    ats_setup(false, 0);
    tb_push(X.tb, "ATC_INV", "sid=5,addr=0x1000,size=0");
    tb_push(X.tb, "CMD_SYNC", "");
    tb_write_prod(X.tb);
    tb_idle(X.tb);
    ck_assert_uint_eq((tb_rd(X.tb, "CMDQ_CONS") >> 24) & 0x7F, 3);      /* CERROR_ATC_INV_SYNC */
    ck_assert_uint_eq(tb_rd(X.tb, "GERROR") & 1, 1);
    smmu_endpoint_free(EP);
    EP = NULL;
}
END_TEST

/* ---- block mappings of the 16 KiB and 64 KiB granules --------------------------- */

/* The one leaf entry the TLB holds (the tests fill exactly one). */
static void tlb_entry_copy(const struct smmu_tlb_entry *e, void *opaque)
{
    if (e->leaf)
        *(struct smmu_tlb_entry *)opaque = *e;
}

static struct smmu_tlb_entry tlb_only_entry(void)
{
    struct smmu_tlb_entry e;
    memset(&e, 0, sizeof(e));
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(X.tb->smmu)), 1);
    smmu_tlb_foreach(smmu_tlb(X.tb->smmu), tlb_entry_copy, &e);
    return e;
}

/* A stage-1 block: translated, cached as one entry of the block's size and
 * level, and a second address of the block hits it. */
static void check_s1_block(unsigned granule, uint64_t va, uint64_t pa, unsigned size_log2)
{
    struct smmu_txn_result r;
    uint64_t off = (1ull << size_log2) - 0x40;      /* near the block's end */
    ck_assert(xl(va + 0x123, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.oa, pa + 0x123);
    ck_assert_uint_eq(r.size_log2, size_log2);
    ck_assert_uint_eq(r.level, 2);
    ck_assert_int_eq(r.source, SMMU_XLATE_WALK);
    struct smmu_tlb_entry e = tlb_only_entry();
    ck_assert_uint_eq(e.va, va);
    ck_assert_uint_eq(e.pa, pa);
    ck_assert_uint_eq(e.size_log2, size_log2);
    ck_assert_uint_eq(e.level, 2);
    ck_assert_uint_eq(e.granule_log2, granule);
    ck_assert_uint_eq(e.stage, SMMU_TLB_S1);
    ck_assert(xl(va + off, SMMU_ACCESS_WRITE, &r));
    ck_assert_int_eq(r.source, SMMU_XLATE_TLB);
    ck_assert_uint_eq(r.oa, pa + off);
    ck_assert(!xl(va + (1ull << size_log2), SMMU_ACCESS_READ, &r));   /* the next block is not mapped */
    ck_assert_uint_eq(r.event, SMMU_EVT_F_TRANSLATION);
}

/* A level-1 block descriptor the granule cannot have (16 KiB and 64 KiB
 * level-1 blocks need 52-bit descriptors, not modelled): F_TRANSLATION,
 * recorded with the input address, nothing cached. */
static void check_s1_illegal_l1_block(uint64_t va)
{
    ptb_set_desc(&X.s1, va, 1, (va & SMMU_DESC_OA_MASK) | PTB_S1_RW_ALL | 1);
    struct smmu_txn_result r;
    tb_idle(X.tb);                      /* earlier records visible */
    unsigned prod = tb_rd(X.tb, "EVENTQ_PROD");
    ck_assert(!xl(va + 0x10, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_F_TRANSLATION);
    ck_assert(r.recorded);
    tb_idle(X.tb);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), prod + 1);
    struct ptb_event ev = evt_at(prod);
    ck_assert_uint_eq(ev.type, SMMU_EVT_F_TRANSLATION);
    ck_assert_uint_eq(ev.input_addr, va + 0x10);
    ck_assert(!ev.s2);
    ck_assert_uint_eq(ev.cls, SMMU_EVT_CLASS_IN);
}

START_TEST(s1_16k_blocks)
{
    s1_stream(14, 16, 0, 0);            /* 48-bit VA, 16 KiB: levels 0..3 */
    ptb_map(&X.s1, 0x42000000ull, 0x86000000ull, 2, PTB_S1_RW_ALL);   /* 32 MiB */
    check_s1_block(14, 0x42000000ull, 0x86000000ull, 25);
    check_s1_illegal_l1_block(0x1000000000ull);                      /* 64 GiB */
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(X.tb->smmu)), 1);
}
END_TEST

START_TEST(s1_64k_blocks)
{
    s1_stream(16, 16, 0, 0);            /* 48-bit VA, 64 KiB: levels 1..3 */
    ck_assert_int_eq(X.s1.start_level, 1);
    ptb_map(&X.s1, 0x7E0000000ull, 0x140000000ull, 2, PTB_S1_RW_ALL);   /* 512 MiB */
    check_s1_block(16, 0x7E0000000ull, 0x140000000ull, 29);
    check_s1_illegal_l1_block(0x40000000000ull);                      /* 4 TiB */
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(X.tb->smmu)), 1);
}
END_TEST

/* ---- nested translation ------------------------------------------------------------ */

/* The guest's structures (CD table, stage-1 tables) live in GPA..+GSIZE and
 * are referenced by IPA GIPA..; stage 2 maps that window page by page. */
#define GPA 0x20000000ull
#define GIPA 0x01000000ull
#define GSIZE 0x200000ull
#define N_VA 0x12345000ull
#define N_IPA 0x40000000ull
#define N_PA 0x50000000ull

static struct ptb G;

static void nested_stream(void)
{
    uint64_t ste[8], cd[8];
    ptb_tt_s2(&X.s2, &X.b, 12, 16, 2);  /* 4 KiB, start level 0 */
    for (uint64_t off = 0; off < GSIZE; off += 0x1000)
        ptb_map(&X.s2, GIPA + off, GPA + off, 3, PTB_S2_RW);
    ptb_init(&G, X.tb->mem, GPA, GSIZE);
    ptb_tt_s1(&X.s1, &G, 12, 16);
    X.s1.table_offset = GPA - GIPA;
    ptb_cd_init(cd, &X.s1, ASID, 5);
    ptb_cdtab_new(&X.ct, &G, 0, 0, GPA - GIPA);
    ptb_cdtab_put(&X.ct, 0, cd);
    ptb_ste_init(ste, 7);
    ptb_ste_set_s1(ste, ptb_cdtab_ptr(&X.ct), 0, 0, 0);
    ptb_ste_set_s2(ste, &X.s2, VMID, 5);
    ptb_strtab_put(&X.st, SID, ste);
    ptb_map(&X.s1, N_VA, N_IPA, 3, PTB_S1_RW_ALL | PTB_NG);
    ptb_map(&X.s2, N_IPA, N_PA, 3, PTB_S2_RW);
}

START_TEST(nested_end_to_end)
{
    nested_stream();
    struct smmu_txn_result r;
    ck_assert(xl(N_VA + 0x678, SMMU_ACCESS_WRITE, &r));
    ck_assert_uint_eq(r.oa, N_PA + 0x678);
    ck_assert_uint_eq(r.stage, SMMU_TLB_NESTED);
    ck_assert_uint_eq(r.asid, ASID);
    ck_assert_uint_eq(r.vmid, VMID);
    ck_assert_uint_eq(r.size_log2, 12);
    ck_assert_uint_eq(r.level, 3);
    ck_assert_int_eq(r.source, SMMU_XLATE_WALK);
    /* STE; the CD through a 4-level stage-2 walk of its IPA. */
    ck_assert_uint_eq(r.cfg_accesses, 1 + 4 + 1);
    /* Four stage-1 levels, each a stage-2 walk plus the read, then the
     * stage-2 walk of the output IPA; cold walk caches. */
    ck_assert_uint_eq(r.walk_accesses, 4 * (4 + 1) + 4);
    struct smmu_tlb_entry e = tlb_only_entry();
    ck_assert_uint_eq(e.stage, SMMU_TLB_NESTED);
    ck_assert_uint_eq(e.va, N_VA);
    ck_assert_uint_eq(e.pa, N_PA);
    ck_assert_uint_eq(e.asid, ASID);
    ck_assert_uint_eq(e.vmid, VMID);
    ck_assert(!e.global);
    ck_assert(xl(N_VA + 0x10, SMMU_ACCESS_READ, &r));
    ck_assert_int_eq(r.source, SMMU_XLATE_TLB);
    ck_assert_uint_eq(r.oa, N_PA + 0x10);
    tb_idle(X.tb);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), 0);
}
END_TEST

static struct ptb_event nested_fault(uint64_t iova, unsigned idx, uint8_t type)
{
    struct smmu_txn_result r;
    ck_assert(!xl(iova, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.event, type);
    ck_assert_int_eq(r.response, SMMU_FAULT_ABORT);     /* stage-2 faults abort */
    ck_assert(r.recorded);
    tb_idle(X.tb);
    ck_assert_uint_eq(tb_rd(X.tb, "EVENTQ_PROD"), idx + 1);
    struct ptb_event ev = evt_at(idx);
    ck_assert_uint_eq(ev.type, type);
    ck_assert_uint_eq(ev.sid, SID);
    ck_assert_uint_eq(ev.input_addr, iova);
    ck_assert(ev.rnw);
    ck_assert(ev.s2);
    return ev;
}

#define EVT_IPA(ev) ((ev).dword3 & 0x00FFFFFFFFFFF000ull)

START_TEST(nested_s2_faults)
{
    nested_stream();
    /* Stage 2 loses the CD's page: CLASS = CD, IPA = the CD's IPA. */
    uint64_t cd_ipa = ptb_cdtab_ptr(&X.ct);
    uint64_t cd_s2 = ptb_get_desc(&X.s2, cd_ipa, 3);
    ptb_set_desc(&X.s2, cd_ipa, 3, 0);
    struct ptb_event ev = nested_fault(N_VA, 0, SMMU_EVT_F_TRANSLATION);
    ck_assert_uint_eq(ev.cls, SMMU_EVT_CLASS_CD);
    ck_assert_uint_eq(EVT_IPA(ev), cd_ipa & ~0xFFFull);
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(X.tb->smmu)), 0);
    /* The CD back; stage 2 loses the stage-1 root table instead: CLASS =
     * TT, IPA = the descriptor's IPA (TTRnW is defined for F_PERMISSION
     * only and reads 0). */
    ptb_set_desc(&X.s2, cd_ipa, 3, cd_s2);
    uint64_t root_ipa = ptb_tt_base(&X.s1);
    ptb_set_desc(&X.s2, root_ipa, 3, 0);
    ev = nested_fault(N_VA, 1, SMMU_EVT_F_TRANSLATION);
    ck_assert_uint_eq(ev.cls, SMMU_EVT_CLASS_TT);
    ck_assert_uint_eq(EVT_IPA(ev), root_ipa & ~0xFFFull);
    ck_assert(!ev.ttrnw);
    /* The root table write-only in stage 2: the table read is a stage-2
     * F_PERMISSION with TTRnW = 1. */
    ptb_map(&X.s2, root_ipa, root_ipa + (GPA - GIPA), 3, PTB_AF | PTB_AP(2) | PTB_S2_NORMAL);
    ev = nested_fault(N_VA, 2, SMMU_EVT_F_PERMISSION);
    ck_assert_uint_eq(ev.cls, SMMU_EVT_CLASS_TT);
    ck_assert_uint_eq(EVT_IPA(ev), root_ipa & ~0xFFFull);
    ck_assert(ev.ttrnw);
    /* Root back; the output IPA unmapped in stage 2: CLASS = IN. */
    ptb_map(&X.s2, root_ipa, root_ipa + (GPA - GIPA), 3, PTB_S2_RW);
    ptb_map(&X.s1, 0x7000, 0x60000000ull, 3, PTB_S1_RW_ALL);
    ev = nested_fault(0x7008, 3, SMMU_EVT_F_TRANSLATION);
    ck_assert_uint_eq(ev.cls, SMMU_EVT_CLASS_IN);
    ck_assert_uint_eq(EVT_IPA(ev), 0x60000000ull);
    struct smmu_txn_result r;
    ck_assert(xl(N_VA, SMMU_ACCESS_READ, &r));          /* everything else still translates */
    ck_assert_uint_eq(r.oa, N_PA);
}
END_TEST

START_TEST(nested_tlbi)
{
    nested_stream();
    struct smmu_txn_result r;
    ck_assert(xl(N_VA, SMMU_ACCESS_READ, &r));
    struct occ o = occupancy();
    ck_assert_uint_eq(o.tlb, 1);
    ck_assert_uint_eq(o.wc_s1, 3);      /* stage-1 pointers of the nested walk, L0..L2 */
    ck_assert_uint_eq(o.wc_s2, 3);      /* stage-2 pointers of the output IPA */
    /* TLBI_S2_IPA is not required to hit combined S1+S2 entries and the
     * model leaves them (smmuv3.md, TLBI table); its Leaf = 0 removes the
     * stage-2 table pointers of that IPA. */
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S2_IPA", "vmid=3,addr=0x40000000"), 0);
    o = occupancy();
    ck_assert_uint_eq(o.tlb, 1);
    ck_assert_uint_eq(o.wc_s1, 3);
    ck_assert_uint_eq(o.wc_s2, 0);
    ck_assert(xl(N_VA, SMMU_ACCESS_READ, &r));
    ck_assert_int_eq(r.source, SMMU_XLATE_TLB);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S12_VMALL", "vmid=4"), 0);
    ck_assert_uint_eq(occupancy().tlb, 1);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S12_VMALL", "vmid=3"), 0);
    o = occupancy();
    ck_assert_uint_eq(o.tlb, 0);
    ck_assert_uint_eq(o.wc_s1, 0);
    ck_assert_uint_eq(o.wc_s2, 0);
    ck_assert(xl(N_VA, SMMU_ACCESS_READ, &r));
    ck_assert_int_eq(r.source, SMMU_XLATE_WALK);
    /* A stage-1 TLBI selects nested entries too (stage-1 information). */
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x12345000,leaf=1"), 0);
    ck_assert_uint_eq(occupancy().tlb, 0);
}
END_TEST

/* A stage-1 page over a stage-2 block: the combined entry carries the
 * stage-1 leaf level, so the guest's TLBI_NH_VA with TTL = 3 (the level of
 * its own leaf) removes it, and TTL = 2 does not. */
START_TEST(nested_ttl_is_stage1_level)
{
    nested_stream();
    ptb_map(&X.s2, 0x40200000ull, 0x60200000ull, 2, PTB_S2_RW);          /* 2 MiB block */
    ptb_map(&X.s1, 0x22000000ull, 0x40234000ull, 3, PTB_S1_RW_ALL | PTB_NG);
    struct smmu_txn_result r;
    ck_assert(xl(0x22000010ull, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.oa, 0x60234010ull);
    ck_assert_uint_eq(r.size_log2, 12);
    struct smmu_tlb_entry e = tlb_only_entry();
    ck_assert_uint_eq(e.level, 3);
    ck_assert_uint_eq(e.size_log2, 12);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22000000,leaf=1,tg=1,ttl=2"), 0);
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(X.tb->smmu)), 1);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22000000,leaf=1,tg=1,ttl=3"), 0);
    ck_assert_uint_eq(smmu_tlb_count(smmu_tlb(X.tb->smmu)), 0);
}
END_TEST

/* ---- micro-TLB replacement and invalidation --------------------------------------- */

static void utlb_setup(void)
{
    static const char *const sets[] = { "smmu.utlb_entries=4", NULL };
    fx_start(sets, false, 4);
    s1_stream(12, 16, 0, 0);
    for (uint64_t p = 0; p < 6; p++)
        ptb_map(&X.s1, 0x100000 + p * 0x1000, 0x800000 + p * 0x1000, 3, PTB_S1_RW_ALL | PTB_NG);
    ptb_map(&X.s1, 0x200000, 0x900000, 3, PTB_S1_RW_ALL);                 /* global */
    new_endpoint(false, true, 0);
}

static bool utlb_has(uint64_t va)
{
    return smmu_utlb_lookup(smmu_endpoint_utlb(EP), SID, false, 0, va) != NULL;
}

static bool tlb_has(uint64_t va)
{
    struct smmu_tlb_key k = { .va = va, .asid = ASID, .vmid = VMID, .stage = SMMU_TLB_S1, .leaf = true };
    return smmu_tlb_lookup(smmu_tlb(X.tb->smmu), &k) != NULL;
}

#define PG(n) (0x100000ull + (n) * 0x1000ull)

START_TEST(utlb_lru_replacement)
{
    struct smmu_utlb *u = smmu_endpoint_utlb(EP);
    ck_assert_uint_eq(smmu_utlb_capacity(u), 4);
    for (unsigned p = 0; p < 4; p++)
        ck_assert(!dma(PG(p), SMMU_ACCESS_READ).utlb_hit);
    ck_assert_uint_eq(smmu_utlb_count(u), 4);
    ck_assert(dma(PG(0), SMMU_ACCESS_READ).utlb_hit);   /* 0 becomes most recent: 1 is LRU */
    struct smmu_dma_result d = dma(PG(4), SMMU_ACCESS_READ);
    ck_assert(d.ok && !d.utlb_hit);
    ck_assert_uint_eq(d.pa, 0x804000);
    ck_assert_uint_eq(smmu_utlb_count(u), 4);
    ck_assert(!utlb_has(PG(1)));                        /* evicted */
    /* Recency now (old -> new): 2 3 0 4.  The miss on 1 evicts 2. */
    ck_assert(!dma(PG(1), SMMU_ACCESS_READ).utlb_hit);
    ck_assert(!utlb_has(PG(2)));
    ck_assert(dma(PG(3), SMMU_ACCESS_READ).utlb_hit);
    ck_assert(dma(PG(0), SMMU_ACCESS_READ).utlb_hit);
    ck_assert(dma(PG(4), SMMU_ACCESS_READ).utlb_hit);
    ck_assert(dma(PG(1), SMMU_ACCESS_READ).utlb_hit);
    ck_assert_uint_eq(stat("endpoint.ep0.utlb_hits"), 5);
    ck_assert_uint_eq(stat("endpoint.ep0.utlb_misses"), 6);
    /* The TCU's TLB is far larger: every page is still there. */
    for (unsigned p = 0; p < 5; p++)
        ck_assert(tlb_has(PG(p)));
}
END_TEST

/* Every page is in the micro-TLB exactly when it is in the TLB. */
static void same_in_both(const uint64_t *vas, unsigned n, const bool *want)
{
    for (unsigned i = 0; i < n; i++) {
        ck_assert_msg(tlb_has(vas[i]) == want[i], "TLB 0x%" G_GINT64_MODIFIER "x", vas[i]);
        ck_assert_msg(utlb_has(vas[i]) == want[i], "micro-TLB 0x%" G_GINT64_MODIFIER "x", vas[i]);
    }
}

START_TEST(utlb_invalidation_matches_tlb)
{
    const uint64_t vas[4] = { PG(0), PG(1), PG(2), 0x200000 };
    for (unsigned i = 0; i < 4; i++)
        ck_assert(dma(vas[i], SMMU_ACCESS_READ).ok);
    same_in_both(vas, 4, (const bool[]){ true, true, true, true });
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x101000,leaf=1"), 0);
    same_in_both(vas, 4, (const bool[]){ true, false, true, true });
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=8,vmid=3,addr=0x100000"), 0);   /* other ASID */
    same_in_both(vas, 4, (const bool[]){ true, false, true, true });
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_VA", "asid=8,vmid=3,addr=0x200000"), 0);   /* global: any ASID */
    same_in_both(vas, 4, (const bool[]){ true, false, true, false });
    ck_assert(dma(0x200000, SMMU_ACCESS_READ).ok);
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_ASID", "asid=7,vmid=3"), 0);                /* nG only */
    same_in_both(vas, 4, (const bool[]){ false, false, false, true });
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_S2_IPA", "vmid=3,addr=0x200000"), 0);         /* stage 2 only */
    same_in_both(vas, 4, (const bool[]){ false, false, false, true });
    ck_assert_uint_eq(tb_exec(X.tb, "TLBI_NH_ALL", "vmid=3"), 0);
    same_in_both(vas, 4, (const bool[]){ false, false, false, false });
    ck_assert_uint_eq(stat("smmu.utlb.invalidated"), 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smmuv3_xlate");
    TCase *tc = tcase_create("translate");
    tcase_add_checked_fixture(tc, setup, fx_stop);
    tcase_add_test(tc, s1_4k_page_and_blocks);
    tcase_add_test(tc, s1_granules);
    tcase_add_test(tc, s2_only);
    tcase_add_test(tc, two_level_tables);
    tcase_add_test(tc, gbpa_abort_and_bypass);
    tcase_add_test(tc, translation_fault_recorded);
    tcase_add_test(tc, bad_ste_not_cached);
    tcase_add_test(tc, fault_types);
    tcase_add_test(tc, razwi_unrecorded);
    tcase_add_test(tc, overflow_protocol);
    tcase_add_test(tc, eventq_disabled_discards);
    tcase_add_test(tc, eventq_abort);
    tcase_add_test(tc, eventq_wired_and_msi);
    tcase_add_test(tc, walk_timing_exact);
    tcase_add_test(tc, ptw_slot_limit);
    tcase_add_test(tc, endpoint_utlb_latency);
    tcase_add_test(tc, ats_inv_completes);
    tcase_add_test(tc, ats_inv_timeout);
    tcase_add_test(tc, s1_16k_blocks);
    tcase_add_test(tc, s1_64k_blocks);
    tcase_add_test(tc, nested_end_to_end);
    tcase_add_test(tc, nested_s2_faults);
    tcase_add_test(tc, nested_tlbi);
    tcase_add_test(tc, nested_ttl_is_stage1_level);
    suite_add_tcase(s, tc);
    TCase *inv = tcase_create("invalidation");
    tcase_add_checked_fixture(inv, inval_setup, inval_teardown);
    tcase_add_test(inv, inv_nh_va_leaf);
    tcase_add_test(inv, inv_nh_va_nonleaf);
    tcase_add_test(inv, inv_nh_va_other_asid_or_addr);
    tcase_add_test(inv, inv_nh_vaa_asid_all);
    tcase_add_test(inv, inv_s2_and_vmall);
    tcase_add_test(inv, inv_cfgi);
    tcase_add_test(inv, inv_s2_walk_cache);
    suite_add_tcase(s, inv);
    TCase *utlb = tcase_create("micro-TLB");
    tcase_add_checked_fixture(utlb, utlb_setup, inval_teardown);
    tcase_add_test(utlb, utlb_lru_replacement);
    tcase_add_test(utlb, utlb_invalidation_matches_tlb);
    suite_add_tcase(s, utlb);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
