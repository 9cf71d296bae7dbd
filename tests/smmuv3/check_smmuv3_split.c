/*
 * check_smmuv3_split.c — nested translations whose stage-2 leaf is smaller
 * than the stage-1 leaf ("split" TLB entries; docs/translation.md).  A guest
 * 2 MiB stage-1 block over 4 KiB stage-2 pages is cached as one 4 KiB piece
 * per translated page, each in the set of its own address; a guest stage-1
 * TLBI by VA of any address of the block must remove all of them (smmuv3.md
 * §2.3), with TTL naming the stage-1 leaf level, in the TLB and in the
 * endpoints' micro-TLBs.  Also the TLB on its own: what the piece probes
 * cost, the fast path without split pieces, export/import, and the
 * pieces' stage-1 size through a saved state.
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
/* The guest's CD and stage-1 tables in GPA..+GSIZE, seen at IPA GIPA... */
#define GPA 0x20000000ull
#define GIPA 0x01000000ull
#define GSIZE 0x200000ull
/* The 2 MiB stage-1 block: VA BLK -> IPA B_IPA, stage 2 page by page to B_PA. */
#define BLK 0x22000000ull
#define B_IPA 0x40000000ull
#define B_PA 0x50000000ull
#define MIB2 0x200000ull

static struct tb *TB;
static struct ptb B, G;
static struct ptb_strtab ST;
static struct ptb_tt S1, S2;
static struct ptb_cdtab CT;
static struct smmu_endpoint *EP;

static void nested_block_stream(void)
{
    uint64_t ste[8], cd[8];
    ptb_tt_s2(&S2, &B, 12, 16, 2);
    for (uint64_t off = 0; off < GSIZE; off += 0x1000)
        ptb_map(&S2, GIPA + off, GPA + off, 3, PTB_S2_RW);
    for (uint64_t off = 0; off < MIB2; off += 0x1000)
        ptb_map(&S2, B_IPA + off, B_PA + off, 3, PTB_S2_RW);
    ptb_init(&G, TB->mem, GPA, GSIZE);
    ptb_tt_s1(&S1, &G, 12, 16);
    S1.table_offset = GPA - GIPA;
    ptb_cd_init(cd, &S1, ASID, 5);
    ptb_cdtab_new(&CT, &G, 0, 0, GPA - GIPA);
    ptb_cdtab_put(&CT, 0, cd);
    ptb_ste_init(ste, 7);
    ptb_ste_set_s1(ste, ptb_cdtab_ptr(&CT), 0, 0, 0);
    ptb_ste_set_s2(ste, &S2, VMID, 5);
    ptb_strtab_put(&ST, SID, ste);
    ptb_map(&S1, BLK, B_IPA, 2, PTB_S1_RW_ALL | PTB_NG);                  /* level-2 block */
}

static void setup(void)
{
    TB = tb_new(NULL);
    ptb_init(&B, TB->mem, POOL, 0x10000000ull);
    ptb_strtab_linear(&ST, &B, 8);
    tb_wr64(TB, "STRTAB_BASE", ST.base_reg);
    tb_wr(TB, "STRTAB_BASE_CFG", ST.cfg_reg);
    tb_wr64(TB, "EVENTQ_BASE", EVQ | 4);
    tb_wr(TB, "EVENTQ_PROD", 0);
    tb_wr(TB, "EVENTQ_CONS", 0);
    tb_cmdq_enable(TB, 6);
    tb_wr(TB, "CR0", tb_rd(TB, "CR0") | 0x1 | 0x4);
    tb_idle(TB);
    nested_block_stream();
}

static void teardown(void)
{
    smmu_endpoint_free(EP);
    EP = NULL;
    tb_free(TB);
}

/* Pieces of the block translated by the tests: far apart, so they land in
 * different sets. */
static const uint64_t OFFS[] = { 0x0, 0x1000, 0x7000, 0x100000, 0x1FF000 };
#define NOFFS (sizeof(OFFS) / sizeof(OFFS[0]))

static struct smmu_txn_result xl(uint64_t iova)
{
    struct smmu_txn t = { SID, false, 0, iova, SMMU_ACCESS_READ };
    struct smmu_txn_result r;
    ck_assert(smmu_translate(TB->smmu, &t, &r));
    return r;
}

static void translate_pieces(void)
{
    for (size_t i = 0; i < NOFFS; i++) {
        struct smmu_txn_result r = xl(BLK + OFFS[i] + 0x18);
        ck_assert_uint_eq(r.oa, B_PA + OFFS[i] + 0x18);
        ck_assert_uint_eq(r.size_log2, 12);
        ck_assert_uint_eq(r.level, 2);
    }
}

static struct smmu_tlb *tlb(void) { return smmu_tlb(TB->smmu); }

static bool tlb_has(uint64_t va)
{
    struct smmu_tlb_key k = { .va = va, .asid = ASID, .vmid = VMID, .stage = SMMU_TLB_NESTED, .leaf = true };
    return smmu_tlb_lookup(tlb(), &k) != NULL;
}

static unsigned pieces_in_tlb(void)
{
    unsigned n = 0;
    for (size_t i = 0; i < NOFFS; i++)
        n += tlb_has(BLK + OFFS[i]);
    return n;
}

START_TEST(pieces_carry_the_stage1_block)
{
    translate_pieces();
    ck_assert_uint_eq(smmu_tlb_count(tlb()), NOFFS);
    unsigned cap = smmu_tlb_capacity(tlb());
    struct smmu_tlb_way *ways = g_new0(struct smmu_tlb_way, cap);
    uint64_t clock;
    struct smmu_tlb_stats st;
    smmu_tlb_export(tlb(), ways, &clock, &st);
    unsigned assoc = (unsigned)tb_param(TB, "smmu.tlb_assoc");
    int first_set = -1;
    bool other_set = false;
    for (unsigned i = 0; i < cap; i++) {
        if (!ways[i].valid)
            continue;
        ck_assert_uint_eq(ways[i].e.stage, SMMU_TLB_NESTED);
        ck_assert_uint_eq(ways[i].e.size_log2, 12);
        ck_assert_uint_eq(ways[i].e.s1_size_log2, 21);
        ck_assert_uint_eq(ways[i].e.level, 2);
        ck_assert_uint_eq(smmu_tlb_inval_span_log2(&ways[i].e), 21);
        if (first_set < 0)
            first_set = (int)(i / assoc);
        else if ((int)(i / assoc) != first_set)
            other_set = true;
    }
    ck_assert(other_set);
    g_free(ways);
    /* Lookups still use the piece: the next page of the block walks. */
    ck_assert_int_eq(xl(BLK + 0x2000).source, SMMU_XLATE_WALK);
    ck_assert_int_eq(xl(BLK + 0x1010).source, SMMU_XLATE_TLB);
}
END_TEST

START_TEST(nh_va_removes_every_piece)
{
    translate_pieces();
    /* Outside the block (the next 2 MiB, and just below it): nothing. */
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22200000"), 0);
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x21fff000"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), NOFFS);
    /* Another ASID, or stage 2 by the block's IPA: nothing. */
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=8,vmid=3,addr=0x22005000"), 0);
    ck_assert_uint_eq(tb_exec(TB, "TLBI_S2_IPA", "vmid=3,addr=0x40005000"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), NOFFS);
    /* An uncached page of the block: every piece goes. */
    uint64_t before = smmu_tlb_stats(tlb())->invalidated;
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22005000,leaf=1"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), 0);
    ck_assert_uint_eq(smmu_tlb_stats(tlb())->invalidated - before, NOFFS);
    ck_assert_int_eq(xl(BLK + 0x1FF000).source, SMMU_XLATE_WALK);
}
END_TEST

START_TEST(nh_vaa_and_range_remove_every_piece)
{
    translate_pieces();
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VAA", "vmid=3,addr=0x221ff000"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), 0);
    translate_pieces();
    /* A range of two pages in the middle of the block (TG = 4 KiB, NUM = 1). */
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22080000,tg=1,num=1"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), 0);
}
END_TEST

/* TTL names the level of the guest's stage-1 leaf: 2 for the block. */
START_TEST(ttl_is_the_stage1_block_level)
{
    translate_pieces();
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22000000,leaf=1,tg=1,ttl=3"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), NOFFS);
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22000000,leaf=1,tg=1,ttl=2"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), 0);
}
END_TEST

/* ---- micro-TLB parity ------------------------------------------------------------ */

static void dma_done(void *opaque, const struct smmu_dma_result *r) { *(struct smmu_dma_result *)opaque = *r; }

static void dma(uint64_t iova)
{
    static uint8_t buf[8];
    struct smmu_dma_result res;
    memset(&res, 0, sizeof(res));
    struct smmu_dma_req q = { false, 0, iova, 8, SMMU_ACCESS_READ, buf };
    ck_assert(smmu_endpoint_dma(EP, &q, dma_done, &res, NULL));
    tb_idle(TB);
    ck_assert(res.ok);
    ck_assert_uint_eq(res.pa, B_PA + (iova - BLK));
}

static unsigned pieces_in_utlb(void)
{
    unsigned n = 0;
    for (size_t i = 0; i < NOFFS; i++)
        n += smmu_utlb_lookup(smmu_endpoint_utlb(EP), SID, false, 0, BLK + OFFS[i]) != NULL;
    return n;
}

static void endpoint_pieces(void)
{
    struct smmu_endpoint_cfg c;
    smmu_endpoint_cfg_from_params(&c, TB->params);
    GError *err = NULL;
    if (!EP)
        EP = smmu_endpoint_new(TB->smmu, "ep0", SID, &c, &err);
    ck_assert_msg(EP, "%s", err ? err->message : "");
    for (size_t i = 0; i < NOFFS; i++)
        dma(BLK + OFFS[i]);
    ck_assert_uint_eq(pieces_in_utlb(), NOFFS);
    ck_assert_uint_eq(pieces_in_tlb(), NOFFS);
}

START_TEST(utlb_parity)
{
    endpoint_pieces();
    /* Outside the largest leaf a level-2 descriptor can map (512 MiB with
     * a 64 KiB granule): both keep every piece. */
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x40000000"), 0);
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22005000,tg=1,ttl=3"), 0);
    ck_assert_uint_eq(pieces_in_utlb(), NOFFS);
    ck_assert_uint_eq(pieces_in_tlb(), NOFFS);
    /* One page of the block: every piece leaves both. */
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22005000,leaf=1"), 0);
    ck_assert_uint_eq(pieces_in_utlb(), 0);
    ck_assert_uint_eq(pieces_in_tlb(), 0);
    endpoint_pieces();
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22000000,tg=1,ttl=2"), 0);
    ck_assert_uint_eq(pieces_in_utlb(), 0);
    ck_assert_uint_eq(pieces_in_tlb(), 0);
}
END_TEST

/* The micro-TLB is filled from the transaction's result, which does not
 * carry the stage-1 leaf size: a by-VA TLBI of the same 512 MiB then also
 * removes its pieces (permitted over-invalidation), where the TLB keeps them. */
START_TEST(utlb_unknown_stage1_size_over_invalidates)
{
    endpoint_pieces();
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22200000"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), NOFFS);
    ck_assert_uint_eq(pieces_in_utlb(), 0);
}
END_TEST

/* ---- saved state ---------------------------------------------------------------- */

/* Offset of the stage-1 size byte of the saved TLB entry of `va` (it
 * follows va, pa, sid, ssid, asid, vmid and eight bytes of tags). */
static size_t s1_size_offset(const GByteArray *b, uint64_t va, uint64_t pa)
{
    uint8_t key[16];
    for (unsigned i = 0; i < 8; i++) {
        key[i] = (uint8_t)(va >> (8 * i));
        key[8 + i] = (uint8_t)(pa >> (8 * i));
    }
    for (size_t off = 0; off + 41 <= b->len; off++)
        if (!memcmp(b->data + off, key, sizeof(key)))
            return off + 16 + 16 + 8;
    ck_abort_msg("entry 0x%" G_GINT64_MODIFIER "x not saved", va);
    return 0;
}

START_TEST(state_keeps_stage1_size)
{
    translate_pieces();
    tb_idle(TB);
    GByteArray *b = g_byte_array_new();
    GError *err = NULL;
    ck_assert_msg(smmu_state_save(TB->smmu, b, &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(b->data[0], 2);      /* format version */
    ck_assert_uint_eq(b->data[s1_size_offset(b, BLK + 0x7000, B_PA + 0x7000)], 21);
    struct tb *fresh = tb_new(NULL);
    ck_assert_msg(smmu_state_restore(fresh->smmu, b->data, b->len, &err), "%s", err ? err->message : "");
    tb_free(TB);
    TB = fresh;
    ck_assert_uint_eq(pieces_in_tlb(), NOFFS);
    ck_assert_uint_eq(tb_exec(TB, "TLBI_NH_VA", "asid=7,vmid=3,addr=0x22005000"), 0);
    ck_assert_uint_eq(pieces_in_tlb(), 0);
    g_byte_array_free(b, TRUE);
}
END_TEST

static void expect_refused(GByteArray *b, const char *what)
{
    struct tb *fresh = tb_new(NULL);
    GError *err = NULL;
    ck_assert(!smmu_state_restore(fresh->smmu, b->data, b->len, &err));
    ck_assert_msg(err && strstr(err->message, what), "%s", err ? err->message : "no error");
    g_error_free(err);
    tb_free(fresh);
}

/* A stage-1 size smaller than the piece, or on an entry that is not nested,
 * is refused; so is the previous format. */
START_TEST(state_refuses_bad_stage1_size)
{
    translate_pieces();
    struct smmu_tlb_entry s1 = { .va = 0x90000000ull, .pa = 0x91000000ull, .asid = ASID, .vmid = VMID,
                                 .stage = SMMU_TLB_S1, .granule_log2 = 12, .level = 3, .size_log2 = 12,
                                 .leaf = true };
    smmu_tlb_insert(tlb(), &s1);
    tb_idle(TB);
    GByteArray *b = g_byte_array_new();
    ck_assert(smmu_state_save(TB->smmu, b, NULL));
    size_t nested = s1_size_offset(b, BLK + 0x1000, B_PA + 0x1000), plain = s1_size_offset(b, s1.va, s1.pa);
    b->data[nested] = 11;
    expect_refused(b, "stage-1 size 2^11 does not fit a stage 3 entry of 2^12 bytes");
    b->data[nested] = 64;
    expect_refused(b, "stage-1 size 2^64");
    b->data[nested] = 21;
    b->data[plain] = 21;
    expect_refused(b, "stage-1 size 2^21 does not fit a stage 1 entry");
    b->data[plain] = 0;
    b->data[0] = 1;
    expect_refused(b, "format version 1, this simulator reads version 2");
    g_byte_array_free(b, TRUE);
}
END_TEST

/* ---- the TLB on its own -------------------------------------------------------------- */

static struct smmu_tlb_entry piece(uint64_t va, unsigned s1_size_log2)
{
    return (struct smmu_tlb_entry){ .va = va, .pa = va + 0x100000000ull, .asid = 1, .vmid = 2,
                                    .stage = SMMU_TLB_NESTED, .granule_log2 = 12, .level = 2, .size_log2 = 12,
                                    .leaf = true, .s1_size_log2 = (uint8_t)s1_size_log2 };
}

static struct smmu_tlb_inval nh_va(uint64_t addr)
{
    return (struct smmu_tlb_inval){ .stages = SMMU_TLB_STAGE1_INFO, .asid_match = SMMU_TLBI_ASID_OR_GLOBAL,
                                    .asid = 1, .by_vmid = true, .vmid = 2, .by_addr = true, .addr_first = addr,
                                    .addr_last = addr, .page_log2 = 12 };
}

/* Big array (1024 sets): the 511 other pages of the block are probed, each
 * charged the valid entries its set holds. */
START_TEST(tlb_piece_probe_cost)
{
    struct smmu_tlb *t = smmu_tlb_new(4096, 4, true);
    for (size_t i = 0; i < NOFFS; i++) {
        struct smmu_tlb_entry e = piece(BLK + OFFS[i], 21);
        smmu_tlb_insert(t, &e);
    }
    struct smmu_tlb_entry far = piece(0x80000000ull, 21);
    smmu_tlb_insert(t, &far);
    struct smmu_tlb_cost c = { 0, 0, 0 };
    struct smmu_tlb_inval f = nh_va(BLK + 0x5000);
    ck_assert_uint_eq(smmu_tlb_invalidate(t, &f, &c), NOFFS);
    ck_assert_uint_eq(c.pages, 1);
    /* The other pieces were each seen in their own set; nothing beyond the
     * sets of the block's 511 other pages. */
    ck_assert_uint_ge(c.entries, NOFFS);
    ck_assert_uint_le(c.entries, 511u * 4u);
    ck_assert_uint_eq(smmu_tlb_count(t), 1);
    /* A TLBI of the far block: its piece. */
    memset(&c, 0, sizeof(c));
    f = nh_va(0x80100000ull);
    ck_assert_uint_eq(smmu_tlb_invalidate(t, &f, &c), 1);
    ck_assert_uint_eq(smmu_tlb_count(t), 0);
    /* No split piece left: back to the plain probe, no entry charged. */
    struct smmu_tlb_entry s1 = { .va = BLK, .asid = 1, .vmid = 2, .stage = SMMU_TLB_S1, .level = 3,
                                 .size_log2 = 12, .leaf = true };
    smmu_tlb_insert(t, &s1);
    memset(&c, 0, sizeof(c));
    f = nh_va(BLK);
    ck_assert_uint_eq(smmu_tlb_invalidate(t, &f, &c), 1);
    ck_assert_uint_eq(c.pages, 1);
    ck_assert_uint_eq(c.entries, 0);
    smmu_tlb_free(t);
}
END_TEST

/* Small array (16 sets): probing 511 pages costs more than visiting every
 * entry once, so the invalidation scans and is charged each valid entry. */
START_TEST(tlb_piece_scan_when_cheaper)
{
    struct smmu_tlb *t = smmu_tlb_new(64, 4, true);
    for (size_t i = 0; i < NOFFS; i++) {
        struct smmu_tlb_entry e = piece(BLK + OFFS[i], 21);
        smmu_tlb_insert(t, &e);
    }
    struct smmu_tlb_entry other = { .va = 0x90000000ull, .asid = 1, .vmid = 2, .stage = SMMU_TLB_S1,
                                    .level = 3, .size_log2 = 12, .leaf = true };
    smmu_tlb_insert(t, &other);
    unsigned valid = smmu_tlb_count(t);
    ck_assert_uint_eq(valid, NOFFS + 1);
    struct smmu_tlb_cost c = { 0, 0, 0 };
    struct smmu_tlb_inval f = nh_va(BLK + 0x5000);
    ck_assert_uint_eq(smmu_tlb_invalidate(t, &f, &c), NOFFS);
    ck_assert_uint_eq(c.pages, 0);
    ck_assert_uint_eq(c.entries, valid);
    ck_assert_uint_eq(smmu_tlb_count(t), 1);
    /* Stage 2 by address never selects nested pieces. */
    struct smmu_tlb_entry e = piece(BLK, 21);
    smmu_tlb_insert(t, &e);
    f = nh_va(BLK + 0x5000);
    f.stages = SMMU_TLB_STAGE_BIT(SMMU_TLB_S2);
    f.asid_match = SMMU_TLBI_ANY_ASID;
    ck_assert_uint_eq(smmu_tlb_invalidate(t, &f, NULL), 0);
    smmu_tlb_free(t);
}
END_TEST

/* Export/import keeps the stage-1 size, so a restored cache invalidates
 * exactly as the saved one. */
START_TEST(tlb_import_keeps_stage1_size)
{
    struct smmu_tlb *a = smmu_tlb_new(256, 4, true), *b = smmu_tlb_new(256, 4, true);
    for (size_t i = 0; i < NOFFS; i++) {
        struct smmu_tlb_entry e = piece(BLK + OFFS[i], 21);
        smmu_tlb_insert(a, &e);
    }
    struct smmu_tlb_way ways[256];
    uint64_t clock;
    struct smmu_tlb_stats st;
    smmu_tlb_export(a, ways, &clock, &st);
    ck_assert(smmu_tlb_import(b, ways, clock, &st));
    struct smmu_tlb_inval f = nh_va(BLK + 0x5000);
    ck_assert_uint_eq(smmu_tlb_invalidate(b, &f, NULL), NOFFS);
    ck_assert_uint_eq(smmu_tlb_invalidate(a, &f, NULL), NOFFS);
    smmu_tlb_free(a);
    smmu_tlb_free(b);
}
END_TEST

/* An entry that does not know its stage-1 size is taken as the largest
 * leaf its level can map. */
START_TEST(tlb_unknown_stage1_size)
{
    struct smmu_tlb_entry e = piece(BLK, 0);
    ck_assert_uint_eq(smmu_tlb_inval_span_log2(&e), 29);
    e.level = 3;
    ck_assert_uint_eq(smmu_tlb_inval_span_log2(&e), 16);
    e.level = 0;
    ck_assert_uint_eq(smmu_tlb_inval_span_log2(&e), 55);
    e.stage = SMMU_TLB_S1;
    ck_assert_uint_eq(smmu_tlb_inval_span_log2(&e), 12);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smmuv3_split");
    TCase *tc = tcase_create("nested");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pieces_carry_the_stage1_block);
    tcase_add_test(tc, nh_va_removes_every_piece);
    tcase_add_test(tc, nh_vaa_and_range_remove_every_piece);
    tcase_add_test(tc, ttl_is_the_stage1_block_level);
    tcase_add_test(tc, utlb_parity);
    tcase_add_test(tc, utlb_unknown_stage1_size_over_invalidates);
    tcase_add_test(tc, state_keeps_stage1_size);
    tcase_add_test(tc, state_refuses_bad_stage1_size);
    suite_add_tcase(s, tc);
    TCase *unit = tcase_create("tlb");
    tcase_add_test(unit, tlb_piece_probe_cost);
    tcase_add_test(unit, tlb_piece_scan_when_cheaper);
    tcase_add_test(unit, tlb_import_keeps_stage1_size);
    tcase_add_test(unit, tlb_unknown_stage1_size);
    suite_add_tcase(s, unit);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
