/*
 * bench-translate.c — translation throughput of the SMMUv3 model: calls of
 * smmu_translate per host second on a stage-2-only stream (4 KiB granule,
 * 39-bit IPA, walks of levels 1..3), first with a working set that stays
 * in the TLB ("translate hot"), then with one eight times larger than the
 * TLB, so most translations walk the tables ("translate cold").
 */
#include "sim/cli/bench.h"
#include "models/smmuv3/smmuv3.h"

#define BT_STRTAB 0x10000000ull
#define BT_TABLES 0x11000000ull     /* L1, L2 and L3 tables, 4 KiB each */
#define BT_OUT 0x200000000ull
#define BT_HOT_PAGES 64u

struct bt {
    struct sim_sched sched;
    struct sim_mem *mem;
    struct sim_params *params;
    struct sim_stats *stats;
    struct smmu *smmu;
    uint64_t next_table;
    uint64_t l1;
};

static void reg_write(struct bt *b, const char *name, uint64_t v)
{
    uint64_t off;
    unsigned size;
    if (smmu_reg_lookup(name, &off, &size))
        smmu_mmio_ops.write(b->smmu, off, v, size);
}

static uint64_t table_alloc(struct bt *b)
{
    uint64_t t = b->next_table;
    b->next_table += 0x1000;
    sim_mem_fill(b->mem, t, 0, 0x1000);
    return t;
}

/* The next-level table behind descriptor slot `pa`, created on first use. */
static uint64_t table_at(struct bt *b, uint64_t pa)
{
    uint64_t d = 0;
    sim_mem_read64(b->mem, pa, &d);
    if (d & 1)
        return d & SMMU_DESC_OA_MASK;
    uint64_t t = table_alloc(b);
    sim_mem_write64(b->mem, pa, t | 3);
    return t;
}

static void map_page(struct bt *b, uint64_t ipa, uint64_t pa)
{
    uint64_t l2 = table_at(b, b->l1 + ((ipa >> 30) & 511) * 8);
    uint64_t l3 = table_at(b, l2 + ((ipa >> 21) & 511) * 8);
    /* Page: AF, S2AP = RW, MemAttr Normal write-back. */
    sim_mem_write64(b->mem, l3 + ((ipa >> 12) & 511) * 8, pa | (1ull << 10) | (3ull << 6) | (0xFull << 2) | 3);
}

static gboolean bt_init(struct bt *b, uint64_t pages, GError **err)
{
    sim_sched_init(&b->sched);
    b->mem = sim_mem_new();
    b->params = sim_params_new();
    b->stats = sim_stats_new();
    if (!smmu_declare_params(b->params, err))
        return FALSE;
    b->smmu = smmu_new(&b->sched, b->mem, b->params, b->stats, err);
    if (!b->smmu)
        return FALSE;
    b->next_table = BT_TABLES;
    b->l1 = table_alloc(b);
    uint64_t ste[8] = { 0 };
    ste[0] = SIM_FIELD_DP64(SIM_FIELD_DP64(0, STE0, V, 1), STE0, CONFIG, 6);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2VMID, 1);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2T0SZ, 25);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2SL0, 1);      /* start at level 1 */
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2PS, 5);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2AA64, 1);
    ste[2] = SIM_FIELD_DP64(ste[2], STE2, S2R, 1);
    ste[3] = SIM_FIELD_DP64(0, STE3, S2TTB, b->l1 >> 4);
    for (unsigned i = 0; i < 8; i++)
        sim_mem_write64(b->mem, BT_STRTAB + i * 8, ste[i]);
    for (uint64_t p = 0; p < pages; p++)
        map_page(b, p << 12, BT_OUT + (p << 12));
    reg_write(b, "STRTAB_BASE", BT_STRTAB);
    reg_write(b, "STRTAB_BASE_CFG", 0);            /* linear, one STE */
    reg_write(b, "CR0", 1);                        /* SMMUEN */
    sim_run_until_idle(&b->sched, 0);
    return TRUE;
}

static void bt_fini(struct bt *b)
{
    smmu_free(b->smmu);
    sim_stats_free(b->stats);
    sim_params_free(b->params);
    sim_mem_free(b->mem);
    sim_sched_destroy(&b->sched);
}

/* Translate `n` times over `pages` pages; false if any failed. */
static bool bt_run(struct bt *b, uint64_t n, uint64_t pages, struct bench_result *out, const char *label)
{
    struct smmu_txn t = { 0, false, 0, 0, SMMU_ACCESS_READ };
    struct smmu_txn_result r;
    uint64_t failed = 0, lcg = 1;
    for (uint64_t i = 0; i < pages && i < n; i++) {     /* warm-up */
        t.iova = i << 12;
        failed += !smmu_translate(b->smmu, &t, &r);
    }
    double t0 = bench_host_seconds();
    for (uint64_t i = 0; i < n; i++) {
        lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
        t.iova = ((lcg >> 20) % pages) << 12 | (i & 0xFF8);
        failed += !smmu_translate(b->smmu, &t, &r);
    }
    double t1 = bench_host_seconds();
    g_snprintf(out->label, sizeof(out->label), "%s", label);
    out->unit = "translations/s";
    out->ops = n;
    out->host_seconds = t1 - t0;
    out->sim_time = 0;
    return failed == 0;
}

int bench_translate(uint64_t scale, const char *arg, struct bench_result *out, int max, GError **err)
{
    (void)arg;
    if (max < 2) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE, "bench translate: needs room for 2 results");
        return -1;
    }
    struct bt b;
    uint64_t n = scale ? scale : 10000000;
    if (!bt_init(&b, 8 * 2048, err))
        return -1;
    bool ok = bt_run(&b, n, BT_HOT_PAGES, &out[0], "translate hot") &&
              bt_run(&b, n / 10 ? n / 10 : 1, 8 * 2048, &out[1], "translate cold (8x TLB)");
    bt_fini(&b);
    if (!ok) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE, "bench translate: a translation faulted");
        return -1;
    }
    return 2;
}
