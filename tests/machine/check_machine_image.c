/*
 * check_machine_image.c — a whole machine in a memory image: a run split
 * by save/restore ends exactly like the uninterrupted run (registers,
 * translations, command latencies, statistics JSON byte for byte), and
 * every malformed or mismatched state is a clear error.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include "sim/image.h"
#include "sim/machine/machine.h"
#include "models/smmuv3/smmuv3.h"
#include "models/cmdqv/cmdqv.h"
#include "models/smmuv3/smmuv3-cfgcache.h"
#include "sim/ptbuild/ptbuild.h"

#define CMDQ_MEM 0x100000ull
#define VCMDQ_MEM 0x180000ull
#define POOL 0x200000ull
#define IOVA(i) (0x10000ull + (uint64_t)(i) * 0x1000)
#define PA(i) (0x40000000ull + (uint64_t)(i) * 0x1000)

static char *tmpdir;

static void setup(void)
{
    tmpdir = g_dir_make_tmp("machine-image-XXXXXX", NULL);
    ck_assert(tmpdir);
}

static void teardown(void)
{
    GDir *d = g_dir_open(tmpdir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d))) {
        char *p = g_build_filename(tmpdir, n, NULL);
        g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(tmpdir);
    g_free(tmpdir);
}

static char *tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

/* ---- a machine and its driver ------------------------------------------- */

struct rig {
    struct sim_params *params;
    struct sim_machine *m;
};

static void rig_new(struct rig *r, const char *const *sets)
{
    GError *err = NULL;
    r->params = sim_machine_params_new(&err);
    ck_assert_msg(r->params, "%s", err ? err->message : "");
    for (const char *const *s = sets; s && *s; s++)
        ck_assert_msg(sim_params_set_assignment(r->params, *s, "test", &err), "%s", err ? err->message : "");
    r->m = sim_machine_new(r->params, &err);
    ck_assert_msg(r->m, "%s", err ? err->message : "");
}

static void rig_free(struct rig *r)
{
    sim_machine_free(r->m);
    sim_params_free(r->params);
}

static uint64_t reg_addr(struct sim_machine *m, const char *name, unsigned *size)
{
    uint64_t off;
    if (g_str_has_prefix(name, "cmdqv.")) {
        ck_assert_msg(cmdqv_reg_lookup(name + 6, &off, size), "%s", name);
        return m->cmdqv_base + off;
    }
    ck_assert_msg(smmu_reg_lookup(name, &off, size), "%s", name);
    return m->smmu_base + off;
}

static void wr(struct sim_machine *m, const char *name, uint64_t v)
{
    unsigned size;
    uint64_t a = reg_addr(m, name, &size);
    ck_assert_int_eq(sim_bus_write(m->bus, a, size, v), SIM_BUS_OK);
}

static uint64_t rd(struct sim_machine *m, const char *name)
{
    unsigned size;
    uint64_t a = reg_addr(m, name, &size), v = 0;
    ck_assert_int_eq(sim_bus_read(m->bus, a, size, &v), SIM_BUS_OK);
    return v;
}

static void idle(struct sim_machine *m)
{
    ck_assert_int_eq(sim_machine_run_until_idle(m), SIM_RUN_DONE);
}

static void put_cmd(struct sim_machine *m, uint64_t q, uint32_t idx, uint64_t dw0, uint64_t dw1)
{
    ck_assert_int_eq(sim_mem_write64(m->mem, q + (idx & 0xff) * 16, dw0), SIM_MEM_OK);
    ck_assert_int_eq(sim_mem_write64(m->mem, q + (idx & 0xff) * 16 + 8, dw1), SIM_MEM_OK);
}

#define OP_TLBI_NH_ASID 0x11ull
#define OP_TLBI_NH_VA 0x12ull
#define OP_SYNC 0x46ull

/* Log of what the second half observed, compared between runs. */
struct observed {
    GString *log;
};

static void translate(struct sim_machine *m, struct observed *o, unsigned i)
{
    struct smmu_txn t = { .sid = 1, .iova = IOVA(i) + 0x10, .access = SMMU_ACCESS_READ };
    struct smmu_txn_result res;
    memset(&res, 0, sizeof(res));
    sim_time_t done = smmu_translate_timed(m->smmu, &t, &res, sim_now(&m->sched));
    g_string_append_printf(o->log, "xlate %u ok=%d oa=%#" G_GINT64_MODIFIER "x src=%d cost=%" G_GUINT64_FORMAT "\n",
                           i, res.ok, (guint64)res.oa, (int)res.source, done - sim_now(&m->sched));
}

/* First half: stream table with one stage-2 stream, translations that fill
 * the caches, the SMMU CMDQ and a VCMDQ each run a TLBI and a SYNC. */
static void first_half(struct sim_machine *m)
{
    struct ptb b;
    struct ptb_tt s2;
    struct ptb_strtab st;
    uint64_t ste[8];
    struct observed o = { g_string_new(NULL) };
    ptb_init(&b, m->mem, POOL, 16u << 20);
    ptb_strtab_linear(&st, &b, 4);
    ptb_tt_s2(&s2, &b, 12, 32, 1);
    ptb_ste_init(ste, 6);
    ptb_ste_set_s2(ste, &s2, 1, 5);
    for (unsigned i = 0; i < 8; i++)
        ptb_map(&s2, IOVA(i), PA(i), 3, PTB_S2_RW);
    ptb_strtab_put(&st, 1, ste);
    wr(m, "STRTAB_BASE", st.base_reg);
    wr(m, "STRTAB_BASE_CFG", st.cfg_reg);
    wr(m, "CMDQ_BASE", CMDQ_MEM | 8);
    wr(m, "CMDQ_PROD", 0);
    wr(m, "CMDQ_CONS", 0);
    wr(m, "CR0", 1 | 8);
    idle(m);
    for (unsigned i = 0; i < 4; i++)
        translate(m, &o, i);
    put_cmd(m, CMDQ_MEM, 0, OP_TLBI_NH_ASID | 1ull << 32 | 3ull << 48, 0);
    put_cmd(m, CMDQ_MEM, 1, OP_SYNC, 0);
    wr(m, "CMDQ_PROD", 2);
    idle(m);
    wr(m, "cmdqv.VINTF0_CONFIG", 1u << 17 | 1u << 1);
    wr(m, "cmdqv.VINTF0_CONFIG", 1u << 17 | 1u << 1 | 1);
    wr(m, "cmdqv.CMDQ_ALLOC0", 1);
    wr(m, "cmdqv.VCMDQ0_BASE", VCMDQ_MEM | 8);
    wr(m, "cmdqv.VCMDQ0_CONFIG", 1);
    idle(m);
    put_cmd(m, VCMDQ_MEM, 0, OP_TLBI_NH_VA | 1ull << 32 | 3ull << 48, IOVA(7));
    put_cmd(m, VCMDQ_MEM, 1, OP_SYNC, 0);
    wr(m, "cmdqv.VCMDQ0_PROD", 2);
    idle(m);
    ck_assert_uint_eq(rd(m, "cmdqv.VCMDQ0_CONS") & 0xfffff, 2);
    g_string_free(o.log, TRUE);
}

/* Second half: hits and walks, more commands on both queues, and an
 * illegal command that stops the VCMDQ with CERROR_ILL. */
static void second_half(struct sim_machine *m, struct observed *o)
{
    for (unsigned i = 0; i < 6; i++)
        translate(m, o, i);
    put_cmd(m, CMDQ_MEM, 2, OP_TLBI_NH_VA | 1ull << 32 | 3ull << 48, IOVA(5));
    put_cmd(m, CMDQ_MEM, 3, OP_SYNC, 0);
    wr(m, "CMDQ_PROD", 4);
    put_cmd(m, VCMDQ_MEM, 2, 0x7f, 0);
    put_cmd(m, VCMDQ_MEM, 3, OP_SYNC, 0);
    wr(m, "cmdqv.VCMDQ0_PROD", 4);
    idle(m);
    for (unsigned i = 0; i < 2; i++)
        translate(m, o, i);
    static const char *const regs[] = {
        "CR0", "CR0ACK", "CR1", "CR2", "GBPA", "IRQ_CTRL", "IRQ_CTRLACK", "GERROR", "GERRORN",
        "STRTAB_BASE", "STRTAB_BASE_CFG", "CMDQ_BASE", "CMDQ_PROD", "CMDQ_CONS", "EVENTQ_BASE",
        "EVENTQ_PROD", "EVENTQ_CONS", "cmdqv.CONFIG", "cmdqv.STATUS", "cmdqv.VINTF0_CONFIG",
        "cmdqv.VINTF0_STATUS", "cmdqv.CMDQ_ALLOC0", "cmdqv.VCMDQ0_CONS", "cmdqv.VCMDQ0_PROD",
        "cmdqv.VCMDQ0_STATUS", "cmdqv.VCMDQ0_GERROR", "cmdqv.VCMDQ0_GERRORN", "cmdqv.VCMDQ0_BASE",
        "cmdqv.CMDQ_ERR_MAP0", "cmdqv.VINTF0_LVCMDQ_ERR_MAP0",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++)
        g_string_append_printf(o->log, "%s=%#" G_GINT64_MODIFIER "x\n", regs[i], (guint64)rd(m, regs[i]));
    g_string_append_printf(o->log, "now=%" G_GUINT64_FORMAT " events=%" G_GUINT64_FORMAT " tlb=%u cfg=%u wc=%u\n",
                           sim_now(&m->sched), m->sched.dispatched, smmu_tlb_count(smmu_tlb(m->smmu)),
                           smmu_cfg_count(smmu_cfgcache(m->smmu)), smmu_walk_cache_count(m->smmu));
}

static char *stats_json(struct sim_machine *m)
{
    FILE *f = tmpfile();
    ck_assert(f);
    sim_stats_write_json(m->stats, m->params, f, NULL, NULL);
    long n = ftell(f);
    char *s = g_malloc0((size_t)n + 1);
    rewind(f);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return s;
}

static char *saved_first_half(const char *name, const char *const *sets)
{
    struct rig r;
    GError *err = NULL;
    char *path = tmp(name);
    rig_new(&r, sets);
    first_half(r.m);
    ck_assert_msg(sim_machine_save_image(r.m, path, &err), "%s", err ? err->message : "");
    rig_free(&r);
    return path;
}

START_TEST(test_split_equals_whole)
{
    struct rig whole, resumed;
    struct observed ow = { g_string_new(NULL) }, orr = { g_string_new(NULL) };
    GError *err = NULL;

    rig_new(&whole, NULL);
    first_half(whole.m);
    second_half(whole.m, &ow);
    char *json_whole = stats_json(whole.m);

    char *path = saved_first_half("half.core", NULL);
    rig_new(&resumed, NULL);
    ck_assert_msg(sim_machine_restore_image(resumed.m, path, NULL, &err), "%s", err ? err->message : "");
    second_half(resumed.m, &orr);
    char *json_resumed = stats_json(resumed.m);

    ck_assert_str_eq(orr.log->str, ow.log->str);
    ck_assert_str_eq(json_resumed, json_whole);
    /* The run did what it should: hits stayed hits, the VCMDQ stopped. */
    ck_assert(strstr(ow.log->str, "xlate 0 ok=1 oa=0x40000010"));
    ck_assert_uint_eq(rd(resumed.m, "cmdqv.VCMDQ0_CONS") >> 24 & 0x7f, 1);
    const struct sim_hist *h = sim_stats_lookup_hist(resumed.m->stats, "cmdqv.vcmdq0.cmd_latency");
    ck_assert(h && h->count == 2);     /* the illegal command is never consumed */
    uint64_t ill = 0;
    ck_assert(sim_stats_lookup_counter(resumed.m->stats, "cmdqv.vcmdq0.errors.ILL", &ill));
    ck_assert_uint_eq(ill, 1);
    ck_assert(sim_stats_lookup_counter(resumed.m->stats, "smmu.tlb.hits", &ill) && ill >= 4);

    g_free(json_whole);
    g_free(json_resumed);
    g_free(path);
    g_string_free(ow.log, TRUE);
    g_string_free(orr.log, TRUE);
    rig_free(&whole);
    rig_free(&resumed);
}
END_TEST

START_TEST(test_memory_round_trip)
{
    struct rig a, b;
    GError *err = NULL;
    char *path = saved_first_half("mem.core", NULL);
    rig_new(&a, NULL);
    first_half(a.m);
    rig_new(&b, NULL);
    ck_assert_msg(sim_machine_restore_image(b.m, path, NULL, &err), "%s", err ? err->message : "");
    ck_assert_uint_eq(sim_mem_frame_count(b.m->mem), sim_mem_frame_count(a.m->mem));
    for (uint64_t addr = 0; addr < POOL + (1u << 20); addr += SIM_PAGE_SIZE) {
        uint8_t x[SIM_PAGE_SIZE], y[SIM_PAGE_SIZE];
        sim_mem_read(a.m->mem, addr, x, sizeof(x));
        sim_mem_read(b.m->mem, addr, y, sizeof(y));
        ck_assert_msg(memcmp(x, y, sizeof(x)) == 0, "page 0x%" G_GINT64_MODIFIER "x", (guint64)addr);
    }
    ck_assert_uint_eq(sim_now(&b.m->sched), sim_now(&a.m->sched));
    g_free(path);
    rig_free(&a);
    rig_free(&b);
}
END_TEST

START_TEST(test_save_refused_while_pending)
{
    struct rig r;
    GError *err = NULL;
    char *path = tmp("busy.core");
    rig_new(&r, NULL);
    wr(r.m, "CR0", 8);      /* the CR0ACK handshake is now pending */
    ck_assert(!sim_machine_save_image(r.m, path, &err));
    ck_assert_msg(strstr(err->message, "pending") && strstr(err->message, "run until idle"), "%s", err->message);
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    g_clear_error(&err);
    g_free(path);
    rig_free(&r);
}
END_TEST

static void expect_restore_error2(const char *path, const char *const *sets, const char *want, const char *want2)
{
    struct rig r;
    GError *err = NULL;
    rig_new(&r, sets);
    ck_assert(!sim_machine_restore_image(r.m, path, NULL, &err));
    ck_assert_msg(err && strstr(err->message, want), "wanted '%s', got '%s'", want, err ? err->message : "");
    ck_assert_msg(!want2 || strstr(err->message, want2), "wanted '%s', got '%s'", want2, err->message);
    ck_assert_msg(strstr(err->message, path), "%s", err->message);
    g_clear_error(&err);
    rig_free(&r);
}

static void expect_restore_error(const char *path, const char *const *sets, const char *want)
{
    expect_restore_error2(path, sets, want, NULL);
}

START_TEST(test_restore_checks_parameters)
{
    static const char *const other[] = { "mem.latency_ns=50", NULL };
    static const char *const allowed[] = { "sched.zero_time_limit=5", NULL };
    char *path = saved_first_half("p.core", NULL);
    expect_restore_error(path, other, "parameter 'mem.latency_ns' is 100 in the image but 50 here");
    struct rig r;
    GError *err = NULL;
    rig_new(&r, allowed);
    ck_assert_msg(sim_machine_restore_image(r.m, path, NULL, &err), "%s", err ? err->message : "");
    rig_free(&r);
    g_free(path);
}
END_TEST

START_TEST(test_restore_needs_fresh_machine_and_state)
{
    struct rig r;
    GError *err = NULL;
    char *path = saved_first_half("f.core", NULL);
    rig_new(&r, NULL);
    wr(r.m, "CR0", 8);
    idle(r.m);
    ck_assert(!sim_machine_restore_image(r.m, path, NULL, &err));
    ck_assert_msg(strstr(err->message, "has not run yet"), "%s", err->message);
    g_clear_error(&err);
    rig_free(&r);
    /* A plain memory image is not a saved run. */
    char *plain = tmp("plain.core");
    struct sim_mem *mem = sim_mem_new();
    sim_mem_write64(mem, 0x1000, 42);
    ck_assert(sim_image_save(mem, plain, NULL));
    sim_mem_free(mem);
    expect_restore_error(plain, NULL, "no \"params\" state");
    g_free(plain);
    g_free(path);
}
END_TEST

/* Rewrite a saved image with blob `name` replaced by `data`. */
static char *patched(const char *src, const char *out, const char *name, const void *data, size_t len)
{
    struct sim_mem *mem = sim_mem_new();
    GError *err = NULL;
    struct sim_image *img = sim_image_load(mem, src, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    struct sim_image_writer *w = sim_image_writer_new(mem);
    static const char *const names[] = { "machine", "params", SMMU_STATE_NAME, CMDQV_STATE_NAME, "stats" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        size_t n = 0;
        const void *d = sim_image_state(img, names[i], &n);
        ck_assert(d);
        if (strcmp(names[i], name) == 0)
            sim_image_add_state(w, names[i], data, len);
        else
            sim_image_add_state(w, names[i], d, n);
    }
    char *path = tmp(out);
    ck_assert(sim_image_writer_save(w, path, NULL));
    sim_image_writer_free(w);
    sim_image_free(img);
    sim_mem_free(mem);
    return path;
}

static GBytes *blob_of(const char *path, const char *name)
{
    struct sim_mem *mem = sim_mem_new();
    struct sim_image *img = sim_image_load(mem, path, NULL);
    ck_assert(img);
    size_t n = 0;
    const void *d = sim_image_state(img, name, &n);
    ck_assert(d);
    GBytes *b = g_bytes_new(d, n);
    sim_image_free(img);
    sim_mem_free(mem);
    return b;
}

START_TEST(test_malformed_state)
{
    static const char *const blobs[] = { "machine", "params", SMMU_STATE_NAME, CMDQV_STATE_NAME, "stats" };
    static const unsigned versions[] = { 1, 1, 2, 1, 1 };   /* the SMMU's TLB entries grew in version 2 */
    char *good = saved_first_half("good.core", NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(blobs); i++) {
        GBytes *b = blob_of(good, blobs[i]);
        size_t n;
        const uint8_t *d = g_bytes_get_data(b, &n);
        uint8_t *copy = g_malloc(n + 1);
        memcpy(copy, d, n);
        char want[128], trunc[128];
        g_snprintf(trunc, sizeof(trunc), "state \"%s\":", blobs[i]);
        /* truncated */
        char *p = patched(good, "t.core", blobs[i], copy, n - 1);
        expect_restore_error2(p, NULL, trunc, "truncated");
        g_free(p);
        /* empty */
        p = patched(good, "e.core", blobs[i], copy, 0);
        expect_restore_error2(p, NULL, trunc, "truncated");
        g_free(p);
        /* trailing bytes */
        copy[n] = 0;
        p = patched(good, "x.core", blobs[i], copy, n + 1);
        g_snprintf(want, sizeof(want), "state \"%s\": 1 unexpected bytes", blobs[i]);
        expect_restore_error(p, NULL, want);
        g_free(p);
        /* wrong version */
        copy[0] = 9;
        p = patched(good, "v.core", blobs[i], copy, n);
        g_snprintf(want, sizeof(want), "state \"%s\": format version 9, this simulator reads version %u", blobs[i],
                   versions[i]);
        expect_restore_error(p, NULL, want);
        g_free(p);
        g_free(copy);
        g_bytes_unref(b);
    }
    g_free(good);
}
END_TEST

START_TEST(test_wrong_sizes)
{
    static const char *const small_tlb[] = { "smmu.tlb_entries=64", NULL };
    static const char *const fewer_vintfs[] = { "cmdqv.num_vintf_log2=1", NULL };
    char *good = saved_first_half("sizes.core", NULL);
    GBytes *smmu = blob_of(good, SMMU_STATE_NAME), *cmdqv = blob_of(good, CMDQV_STATE_NAME);
    struct rig r;
    GError *err = NULL;
    size_t n;
    const void *d;

    /* Sizes are checked by the models themselves, parameters aside. */
    rig_new(&r, small_tlb);
    d = g_bytes_get_data(smmu, &n);
    ck_assert(!smmu_state_restore(r.m->smmu, d, n, &err));
    ck_assert_msg(strstr(err->message, "wrong size: TLB is"), "%s", err->message);
    g_clear_error(&err);
    rig_free(&r);
    rig_new(&r, fewer_vintfs);
    d = g_bytes_get_data(cmdqv, &n);
    ck_assert(!cmdqv_state_restore(r.m->cmdqv, d, n, &err));
    ck_assert_msg(strstr(err->message, "wrong size: number of VINTFs"), "%s", err->message);
    g_clear_error(&err);
    rig_free(&r);
    /* ...and through the machine, the parameter is named first. */
    expect_restore_error(good, small_tlb, "parameter 'smmu.tlb_entries'");
    g_bytes_unref(smmu);
    g_bytes_unref(cmdqv);
    g_free(good);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("machine_image");
    TCase *tc = tcase_create("image");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_split_equals_whole);
    tcase_add_test(tc, test_memory_round_trip);
    tcase_add_test(tc, test_save_refused_while_pending);
    tcase_add_test(tc, test_restore_checks_parameters);
    tcase_add_test(tc, test_restore_needs_fresh_machine_and_state);
    tcase_add_test(tc, test_malformed_state);
    tcase_add_test(tc, test_wrong_sizes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
