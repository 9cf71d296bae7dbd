/*
 * check_cmdqv_regs.c — CMDQV register behaviour: map and reset values,
 * register names, alias coherence, enable handshakes with exact timing,
 * CMDQ_ALLOC ordering rules, HYP_OWN masking, guarded registers, parameter
 * errors (docs/cmdqv.md).
 */
#include <check.h>
#include <stdlib.h>
#include "sim/log.h"
#include "cmdqv-tm.h"

static struct cqm M;

static void setup(void) { tm_init(&M, NULL); }
static void teardown(void) { tm_fini(&M); }

/* ---- reset values and geometry ---- */

START_TEST(test_reset_values)
{
    ck_assert_uint_eq(tm_rd(&M, "CONFIG"), 0x00020083);
    /* VER 1, 128 VCMDQs, 64 VINTFs, 16 SIDs */
    ck_assert_uint_eq(tm_rd(&M, "PARAM"), 0x4671);
    ck_assert_uint_eq(tm_rd(&M, "STATUS"), 1);
    ck_assert_uint_eq(tm_rd(&M, "VINTF_ERR_MAP"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VINTF_ERR_MAP_HI"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VINTF_INT_MASK"), 0);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_uint_eq(tm_rd(&M, "CMDQ_ERR_MAP%u", i), 0);
    for (unsigned q = 0; q < 128; q++) {
        ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC%u", q), 0);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_CONS", q), 0);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_PROD", q), 0);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_CONFIG", q), 0);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_STATUS", q), 0);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_GERROR", q), 0);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_BASE", q), 0);
    }
    for (unsigned v = 0; v < 64; v++) {
        ck_assert_uint_eq(tm_rd(&M, "VINTF%u_CONFIG", v), 0);
        ck_assert_uint_eq(tm_rd(&M, "VINTF%u_STATUS", v), 0);
        ck_assert_uint_eq(tm_rd(&M, "VINTF%u_SID_MATCH15", v), 0);
        ck_assert_uint_eq(tm_rd(&M, "VINTF%u_LVCMDQ_ERR_MAP1", v), 0);
    }
    ck_assert_uint_eq(cmdqv_mmio_size(M.cmdqv), 0x830000);
    ck_assert_uint_eq(cmdqv_num_vintfs(M.cmdqv), 64);
    ck_assert_uint_eq(cmdqv_num_vcmdqs(M.cmdqv), 128);
    ck_assert_uint_eq(cmdqv_num_sids_per_vintf(M.cmdqv), 16);
    ck_assert_ptr_null(cmdqv_vcmdq_source(M.cmdqv, 128));
}
END_TEST

START_TEST(test_param_from_parameters)
{
    static const char *const sets[] = { "cmdqv.num_vcmdq_log2=3", "cmdqv.num_vintf_log2=1",
                                        "cmdqv.num_sid_per_vm_log2=2", "cmdqv.version=2", NULL };
    struct cqm m;

    tm_init(&m, sets);
    ck_assert_uint_eq(tm_rd(&m, "PARAM"), 0x2132);
    ck_assert_uint_eq(cmdqv_mmio_size(m.cmdqv), 0x70000);
    /* SID pair 4 and VCMDQ 8 do not exist: RAZ/WI with a guest error. */
    uint64_t before = tm_counter(&m, "cmdqv.guest_errors");
    tm_wr(&m, 0x3, "VINTF0_SID_MATCH4");
    ck_assert_uint_eq(tm_rd(&m, "VINTF0_SID_MATCH4"), 0);
    tm_wr(&m, 0x3, "VCMDQ8_PROD");
    ck_assert_uint_eq(tm_rd(&m, "VCMDQ8_PROD"), 0);
    ck_assert_uint_eq(tm_counter(&m, "cmdqv.guest_errors"), before + 4);
    tm_fini(&m);
}
END_TEST

static void expect_new_fails(const char *a, const char *b, const char *needle)
{
    struct sim_sched s;
    struct sim_mem *mem = sim_mem_new();
    struct sim_stats *st = sim_stats_new();
    struct sim_params *p = sim_params_new();
    GError *err = NULL;
    struct smmu *smmu;

    sim_sched_init(&s);
    ck_assert(smmu_declare_params(p, &err));
    ck_assert(cmdqv_declare_params(p, &err));
    ck_assert(sim_params_set_assignment(p, a, "test", &err));
    ck_assert(sim_params_set_assignment(p, b, "test", &err));
    smmu = smmu_new(&s, mem, p, st, &err);
    ck_assert_ptr_nonnull(smmu);
    ck_assert_ptr_null(cmdqv_new(smmu, p, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, needle), "message: %s", err->message);
    g_error_free(err);
    smmu_free(smmu);
    sim_params_free(p);
    sim_stats_free(st);
    sim_mem_free(mem);
    sim_sched_destroy(&s);
}

START_TEST(test_param_errors)
{
    expect_new_fails("cmdqv.num_vcmdq_log2=2", "cmdqv.num_vintf_log2=3", "cmdqv.num_vintf_log2");
    expect_new_fails("cmdqv.num_vintf_log2=1", "cmdqv.host_owned_vintfs=3",
                     "cmdqv.host_owned_vintfs");
}
END_TEST

START_TEST(test_config_fields)
{
    /* every field reads back; bits above CONS_DRAM_EN are RES0 */
    tm_wr(&M, 0xFFFFFFFF, "CONFIG");
    ck_assert_uint_eq(tm_rd(&M, "CONFIG"), 0x001FFFFF);
    tm_wr(&M, 0x00020083 | (5u << 1), "CONFIG");     /* PER_CMD_OFFSET 5: stored only */
    ck_assert_uint_eq(tm_rd(&M, "CONFIG"), 0x0002008B);
    ck_assert_uint_eq(tm_rd(&M, "STATUS"), 1);
}
END_TEST

/* ---- names ---- */

START_TEST(test_reg_names)
{
    static const struct {
        const char *name;
        uint64_t off;
        unsigned size;
    } ok[] = {
        { "CONFIG", 0x0, 4 }, { "PARAM", 0x4, 4 }, { "STATUS", 0x8, 4 },
        { "VINTF_ERR_MAP", 0x14, 4 }, { "VINTF_ERR_MAP_HI", 0x18, 4 },
        { "VINTF_INT_MASK", 0x1C, 4 }, { "CMDQ_ERR_MAP2", 0x2C, 4 },
        { "CMDQ_ALLOC5", 0x214, 4 }, { "CMDQ_ALLOC127", 0x3FC, 4 },
        { "VINTF1_CONFIG", 0x1100, 4 }, { "VINTF1_STATUS", 0x1104, 4 },
        { "VINTF1_SID_MATCH3", 0x114C, 4 }, { "VINTF1_SID_REPLACE3", 0x118C, 4 },
        { "VINTF1_LVCMDQ_ERR_MAP0", 0x11C0, 8 }, { "VINTF1_LVCMDQ_ERR_MAP1", 0x11C8, 8 },
        { "VINTF63_CONFIG", 0x4F00, 4 },
        { "VCMDQ5_CONS", 0x10280, 4 }, { "VCMDQ5_PROD", 0x10284, 4 },
        { "VCMDQ5_CONFIG", 0x10288, 4 }, { "VCMDQ5_STATUS", 0x1028C, 4 },
        { "VCMDQ5_GERROR", 0x10290, 4 }, { "VCMDQ5_GERRORN", 0x10294, 4 },
        { "VCMDQ5_BASE", 0x20280, 8 }, { "VCMDQ5_CONS_INDX_BASE", 0x20288, 8 },
        { "VINTF1_LVCMDQ0_PROD", 0x50004, 4 }, { "VINTF1_LVCMDQ2_BASE", 0x60100, 8 },
        { "VINTF0_LVCMDQ127_GERRORN", 0x33F94, 4 },
    };
    static const char *const bad[] = {
        "", "FOO", "config", "VINTF64_CONFIG", "VCMDQ128_PROD", "CMDQ_ALLOC128", "CMDQ_ERR_MAP4",
        "VCMDQ5_", "VCMDQ5_PROD1", "SID_MATCH3", "VINTF1_SID_MATCH16", "VINTF1_LVCMDQ128_PROD",
        "VINTF1_LVCMDQ0_SID_MATCH0", "VCMDQ_PROD", "VCMDQx_PROD", "CMDQ_ALLOC", "CMDQ_ALLOC-1",
        "VINTF1_CONFIG0", "VCMDQ99999999999999999999_PROD", "CONFIGX",
    };
    char buf[64];
    uint64_t off;
    unsigned size;

    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        ck_assert_msg(cmdqv_reg_lookup(ok[i].name, &off, &size), "%s", ok[i].name);
        ck_assert_msg(off == ok[i].off, "%s: 0x%llx", ok[i].name, (unsigned long long)off);
        ck_assert_uint_eq(size, ok[i].size);
        ck_assert_str_eq(cmdqv_reg_name(off, buf, sizeof(buf)), ok[i].name);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        ck_assert_msg(!cmdqv_reg_lookup(bad[i], &off, &size), "accepted %s", bad[i]);
    ck_assert(!cmdqv_reg_lookup(NULL, &off, &size));
    ck_assert_str_eq(cmdqv_reg_name(0x20284, buf, sizeof(buf)), "VCMDQ5_BASE+4");
    ck_assert_str_eq(cmdqv_reg_name(0x11C4, buf, sizeof(buf)), "VINTF1_LVCMDQ_ERR_MAP0+4");
    ck_assert_str_eq(cmdqv_reg_name(0x0F0, buf, sizeof(buf)), "0xf0");
    ck_assert_str_eq(cmdqv_reg_name(0x10298, buf, sizeof(buf)), "0x10298");
    ck_assert_str_eq(cmdqv_reg_name(0x900000, buf, sizeof(buf)), "0x900000");
}
END_TEST

/* ---- aliases ---- */

START_TEST(test_alias_coherence)
{
    tm_map(&M, 5, 1, 0);
    tm_map(&M, 9, 1, 1);
    /* page0 through the logical aperture, read through the direct one */
    tm_wr(&M, 0x3, "VINTF1_LVCMDQ0_PROD");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ5_PROD"), 0x3);
    tm_wr(&M, 0x7, "VCMDQ9_PROD");
    ck_assert_uint_eq(tm_rd(&M, "VINTF1_LVCMDQ1_PROD"), 0x7);
    /* page1: 64-bit BASE through direct, read back through logical */
    tm_wr(&M, 0x0000123456789AE7ull, "VCMDQ5_BASE");
    ck_assert_uint_eq(tm_rd(&M, "VINTF1_LVCMDQ0_BASE"), 0x0000123456789AE7ull);
    tm_wr(&M, 0x0000ABCDEF012344ull, "VINTF1_LVCMDQ1_CONS_INDX_BASE");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ9_CONS_INDX_BASE"), 0x0000ABCDEF012344ull);
    /* RES0 bits are dropped: BASE keeps [47:0], CONS_INDX_BASE [47:2] */
    tm_wr(&M, 0xFFFFFFFFFFFFFFFFull, "VCMDQ9_BASE");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ9_BASE"), 0x0000FFFFFFFFFFFFull);
    tm_wr(&M, 0xFFFFFFFFFFFFFFFFull, "VCMDQ9_CONS_INDX_BASE");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ9_CONS_INDX_BASE"), 0x0000FFFFFFFFFFFCull);
    /* 32-bit halves reach the same register */
    ck_assert_uint_eq(sim_bus_read32(M.bus, tm_addr("VCMDQ5_BASE") + 4), 0x1234);
    sim_bus_write32(M.bus, tm_addr("VINTF1_LVCMDQ0_BASE") + 4, 0x55);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ5_BASE") >> 32, 0x55);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ5_BASE") & 0xFFFFFFFF, 0x56789AE7);
    /* the same VCMDQ's CONFIG via either view */
    tm_wr(&M, 1, "VINTF1_LVCMDQ0_CONFIG");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ5_CONFIG"), 1);
}
END_TEST

START_TEST(test_unallocated_logical_slot)
{
    uint64_t ge = tm_counter(&M, "cmdqv.guest_errors");

    /* nothing mapped: RAZ/WI, counted per VINTF */
    tm_wr(&M, 0x5, "VINTF2_LVCMDQ0_PROD");
    ck_assert_uint_eq(tm_rd(&M, "VINTF2_LVCMDQ0_PROD"), 0);
    tm_wr(&M, 0x1000, "VINTF2_LVCMDQ0_BASE");
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.vintf2.unallocated_accesses"), 4);  /* BASE: 2 halves */
    for (unsigned q = 0; q < 128; q++) {
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_PROD", q), 0);
        ck_assert_uint_eq(tm_rd(&M, "VCMDQ%u_BASE", q), 0);
    }
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.guest_errors"), ge + 4);
    /* the slot becomes live once mapped, and dead again once unmapped */
    tm_map(&M, 3, 2, 0);
    tm_wr(&M, 0x5, "VINTF2_LVCMDQ0_PROD");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_PROD"), 0x5);
    tm_wr(&M, (2 << 15) | 0, "CMDQ_ALLOC3");
    ck_assert_uint_eq(tm_rd(&M, "VINTF2_LVCMDQ0_PROD"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_PROD"), 0x5);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.vintf2.unallocated_accesses"), 5);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.vintf1.unallocated_accesses"), 0);
}
END_TEST

START_TEST(test_access_sizes)
{
    uint64_t v;

    /* VINTF_ERR_MAP is 64-bit at 0x14: a 64-bit access is misaligned. */
    ck_assert_int_eq(sim_bus_read(M.bus, TM_CMDQV_BASE + 0x14, 8, &v), SIM_BUS_BAD_ACCESS);
    ck_assert_int_eq(sim_bus_read(M.bus, TM_CMDQV_BASE + 0x14, 4, &v), SIM_BUS_OK);
    ck_assert_int_eq(sim_bus_read(M.bus, TM_CMDQV_BASE + 0x18, 4, &v), SIM_BUS_OK);
    /* 8- and 16-bit accesses are refused by the bus */
    ck_assert_int_eq(sim_bus_read(M.bus, TM_CMDQV_BASE, 1, &v), SIM_BUS_BAD_ACCESS);
    ck_assert_int_eq(sim_bus_write(M.bus, TM_CMDQV_BASE, 2, 0), SIM_BUS_BAD_ACCESS);
    ck_assert_uint_eq(tm_rd(&M, "CONFIG"), 0x00020083);
    /* 64-bit read of CONFIG+PARAM returns both registers */
    ck_assert_int_eq(sim_bus_read(M.bus, TM_CMDQV_BASE, 8, &v), SIM_BUS_OK);
    ck_assert_uint_eq(v, 0x0000467100020083ull);
    /* reserved offsets: RAZ/WI with a guest error, never a crash */
    uint64_t ge = tm_counter(&M, "cmdqv.guest_errors");
    sim_bus_write32(M.bus, TM_CMDQV_BASE + 0x0F0, 1);
    ck_assert_uint_eq(sim_bus_read32(M.bus, TM_CMDQV_BASE + 0x0F0), 0);
    sim_bus_write32(M.bus, TM_CMDQV_BASE + 0x10018, 1);          /* VCMDQ0 page0 +0x18 */
    ck_assert_uint_eq(sim_bus_read32(M.bus, TM_CMDQV_BASE + 0x10018), 0);
    sim_bus_write32(M.bus, TM_CMDQV_BASE + 0x20010, 1);          /* VCMDQ0 page1 +0x10 */
    ck_assert_uint_eq(sim_bus_read32(M.bus, TM_CMDQV_BASE + 0x20010), 0);
    sim_bus_write32(M.bus, TM_CMDQV_BASE + 0x1010, 1);           /* VINTF0 +0x10 */
    ck_assert_uint_eq(sim_bus_read32(M.bus, TM_CMDQV_BASE + 0x1010), 0);
    sim_bus_write32(M.bus, TM_CMDQV_BASE + 0x34000, 1);          /* VINTF0 LVCMDQ 128 */
    ck_assert_uint_eq(sim_bus_read32(M.bus, TM_CMDQV_BASE + 0x34000), 0);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.guest_errors"), ge + 10);
    /* read-only registers ignore writes */
    tm_wr(&M, 0, "PARAM");
    tm_wr(&M, 0, "STATUS");
    tm_wr(&M, 0xFFFFFFFF, "CMDQ_ERR_MAP0");
    tm_wr(&M, 1, "VCMDQ0_STATUS");
    tm_wr(&M, 1, "VCMDQ0_GERROR");
    tm_wr(&M, 1, "VINTF0_STATUS");
    ck_assert_uint_eq(tm_rd(&M, "PARAM"), 0x4671);
    ck_assert_uint_eq(tm_rd(&M, "STATUS"), 1);
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ERR_MAP0"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_STATUS"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ0_GERROR"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VINTF0_STATUS"), 0);
}
END_TEST

/* ---- handshakes ---- */

/* STATUS (bit 0 of `status`) follows CONFIG after exactly `cycles`. */
static void check_handshake(struct cqm *m, const char *config, const char *status, uint64_t on,
                            uint64_t off, uint64_t cycles)
{
    sim_time_t delay = cycles * tm_period(m);

    tm_wr(m, on, "%s", config);
    ck_assert_uint_eq(tm_rd(m, "%s", status) & 1, 0);
    tm_run(m, delay - 1);
    ck_assert_uint_eq(tm_rd(m, "%s", status) & 1, 0);
    tm_run(m, 1);
    ck_assert_uint_eq(tm_rd(m, "%s", status) & 1, 1);
    tm_wr(m, off, "%s", config);
    tm_run(m, delay - 1);
    ck_assert_uint_eq(tm_rd(m, "%s", status) & 1, 1);
    tm_run(m, 1);
    ck_assert_uint_eq(tm_rd(m, "%s", status) & 1, 0);
    /* a change undone before STATUS follows leaves STATUS untouched */
    tm_wr(m, on, "%s", config);
    tm_run(m, delay / 2);
    tm_wr(m, off, "%s", config);
    tm_run(m, delay * 2);
    ck_assert_uint_eq(tm_rd(m, "%s", status) & 1, 0);
}

START_TEST(test_handshake_timing)
{
    static const char *const sets[] = { "cmdqv.enable_delay_cycles=100",
                                        "cmdqv.vintf_enable_delay_cycles=40",
                                        "cmdqv.vcmdq_enable_delay_cycles=7", NULL };
    struct cqm m;

    tm_init(&m, sets);
    /* CMDQV: enabled at reset, so disable first */
    tm_wr(&m, 0x00020082, "CONFIG");
    tm_run(&m, 100 * tm_period(&m) - 1);
    ck_assert_uint_eq(tm_rd(&m, "STATUS"), 1);
    tm_run(&m, 1);
    ck_assert_uint_eq(tm_rd(&m, "STATUS"), 0);
    check_handshake(&m, "CONFIG", "STATUS", 0x00020083, 0x00020082, 100);
    check_handshake(&m, "VINTF3_CONFIG", "VINTF3_STATUS", 1, 0, 40);
    check_handshake(&m, "VCMDQ7_CONFIG", "VCMDQ7_STATUS", 1, 0, 7);
    ck_assert_uint_eq(tm_counter(&m, "cmdqv.vintf3.enables"), 1);
    ck_assert_uint_eq(tm_counter(&m, "cmdqv.vcmdq7.enables"), 1);
    tm_fini(&m);
}
END_TEST

/* ---- CMDQ_ALLOC ordering ---- */

START_TEST(test_alloc_ordering)
{
    /* kernel-style pre-assignment with ALLOCATED clear is just stored */
    tm_wr(&M, (1 << 15) | (1 << 1), "CMDQ_ALLOC4");
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC4"), (1 << 15) | (1 << 1));
    /* mapping LVCMDQ1 before LVCMDQ0 is refused */
    tm_wr(&M, (1 << 15) | (1 << 1) | 1, "CMDQ_ALLOC4");
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC4"), (1 << 15) | (1 << 1));
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.alloc_rejected"), 1);
    /* ascending order works */
    tm_map(&M, 2, 1, 0);
    tm_map(&M, 4, 1, 1);
    tm_map(&M, 0, 1, 2);
    ck_assert_uint_eq(tm_rd(&M, "VINTF1_STATUS") >> 16, 3);
    /* a second queue for a mapped slot is refused */
    tm_wr(&M, (1 << 15) | (1 << 1) | 1, "CMDQ_ALLOC7");
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC7"), 0);
    /* remapping an allocated queue without unmapping it is refused */
    tm_wr(&M, (2 << 15) | 1, "CMDQ_ALLOC2");
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC2"), (1 << 15) | 1);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.alloc_rejected"), 3);
    /* unmapping out of descending order is refused */
    tm_wr(&M, (1 << 15), "CMDQ_ALLOC2");
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC2"), (1 << 15) | 1);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.alloc_rejected"), 4);
    /* descending order works */
    tm_wr(&M, (1 << 15) | (2 << 1), "CMDQ_ALLOC0");
    tm_wr(&M, (1 << 15) | (1 << 1), "CMDQ_ALLOC4");
    tm_wr(&M, (1 << 15), "CMDQ_ALLOC2");
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC2"), 1 << 15);
    ck_assert_uint_eq(tm_rd(&M, "VINTF1_STATUS") >> 16, 0);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.alloc_rejected"), 4);
    /* rewriting an allocated entry with the same value is harmless */
    tm_map(&M, 6, 0, 0);
    tm_map(&M, 6, 0, 0);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.alloc_rejected"), 4);
    /* RES0 bits are dropped */
    tm_wr(&M, 0xFFE07F00, "CMDQ_ALLOC9");
    ck_assert_uint_eq(tm_rd(&M, "CMDQ_ALLOC9"), 0);
}
END_TEST

START_TEST(test_alloc_range)
{
    static const char *const sets[] = { "cmdqv.num_vcmdq_log2=2", "cmdqv.num_vintf_log2=1", NULL };
    struct cqm m;

    tm_init(&m, sets);
    tm_wr(&m, (2 << 15) | 1, "CMDQ_ALLOC0");        /* VINTF2 of 2 */
    ck_assert_uint_eq(tm_rd(&m, "CMDQ_ALLOC0"), 0);
    tm_map(&m, 0, 1, 0);
    tm_map(&m, 1, 1, 1);
    tm_map(&m, 2, 1, 2);
    tm_map(&m, 3, 1, 3);                             /* all four in one VINTF */
    ck_assert_uint_eq(tm_rd(&m, "VINTF1_STATUS") >> 16, 4);
    tm_wr(&m, (1 << 15) | (3 << 1), "CMDQ_ALLOC3");
    tm_wr(&m, (1 << 15) | (4 << 1) | 1, "CMDQ_ALLOC3");   /* LVCMDQ 4 of 4 */
    ck_assert_uint_eq(tm_rd(&m, "CMDQ_ALLOC3"), (1 << 15) | (3 << 1));
    ck_assert_uint_eq(tm_counter(&m, "cmdqv.alloc_rejected"), 2);
    tm_fini(&m);
}
END_TEST

/* ---- HYP_OWN ---- */

START_TEST(test_hyp_own)
{
    tm_wr(&M, (1 << 17) | (5 << 1), "VINTF0_CONFIG");
    ck_assert_uint_eq(tm_rd(&M, "VINTF0_CONFIG"), (1 << 17) | (5 << 1));
    tm_wr(&M, (1 << 17) | (6 << 1), "VINTF1_CONFIG");
    ck_assert_uint_eq(tm_rd(&M, "VINTF1_CONFIG"), 6 << 1);
    tm_wr(&M, 0xFFFFFFFF, "VINTF63_CONFIG");
    ck_assert_uint_eq(tm_rd(&M, "VINTF63_CONFIG"), 0x1FFFF);
    tm_wr(&M, 0xFFFFFFFF, "VINTF0_CONFIG");
    ck_assert_uint_eq(tm_rd(&M, "VINTF0_CONFIG"), 0x3FFFF);
}
END_TEST

START_TEST(test_hyp_own_parameter)
{
    static const char *const sets[] = { "cmdqv.host_owned_vintfs=2", NULL };
    struct cqm m;

    tm_init(&m, sets);
    tm_wr(&m, 1 << 17, "VINTF1_CONFIG");
    ck_assert_uint_eq(tm_rd(&m, "VINTF1_CONFIG"), 1 << 17);
    tm_wr(&m, 1 << 17, "VINTF2_CONFIG");
    ck_assert_uint_eq(tm_rd(&m, "VINTF2_CONFIG"), 0);
    tm_fini(&m);
    {
        static const char *const none[] = { "cmdqv.host_owned_vintfs=0", NULL };
        tm_init(&m, none);
        tm_wr(&m, 1 << 17, "VINTF0_CONFIG");
        ck_assert_uint_eq(tm_rd(&m, "VINTF0_CONFIG"), 0);
        tm_fini(&m);
    }
}
END_TEST

/* ---- SID pairs, INT_MASK, guarded page1/CONS ---- */

START_TEST(test_sid_registers)
{
    tm_wr(&M, 0xFFFFFFFF, "VINTF4_SID_MATCH15");
    tm_wr(&M, 0xFFFFFFFF, "VINTF4_SID_REPLACE15");
    ck_assert_uint_eq(tm_rd(&M, "VINTF4_SID_MATCH15"), 0x1FFFFF);
    ck_assert_uint_eq(tm_rd(&M, "VINTF4_SID_REPLACE15"), 0xFFFFF);
    ck_assert_uint_eq(tm_rd(&M, "VINTF4_SID_MATCH14"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VINTF5_SID_MATCH15"), 0);
}
END_TEST

START_TEST(test_int_mask)
{
    tm_wr(&M, 0xFFFFFFFF, "VINTF_INT_MASK");
    tm_wr(&M, 0x80000001, "VINTF_INT_MASK_HI");
    ck_assert_uint_eq(tm_rd(&M, "VINTF_INT_MASK"), 0xFFFFFFFF);
    ck_assert_uint_eq(tm_rd(&M, "VINTF_INT_MASK_HI"), 0x80000001);
    {
        static const char *const sets[] = { "cmdqv.num_vintf_log2=2", NULL };
        struct cqm m;
        tm_init(&m, sets);
        tm_wr(&m, 0xFFFFFFFF, "VINTF_INT_MASK");
        tm_wr(&m, 0xFFFFFFFF, "VINTF_INT_MASK_HI");
        ck_assert_uint_eq(tm_rd(&m, "VINTF_INT_MASK"), 0xF);
        ck_assert_uint_eq(tm_rd(&m, "VINTF_INT_MASK_HI"), 0);
        tm_fini(&m);
    }
}
END_TEST

START_TEST(test_guarded_while_enabled)
{
    struct smmu_cmd_source *src = cmdqv_vcmdq_source(M.cmdqv, 3);

    tm_wr(&M, (TM_QMEM_BASE + 0x1000) | 8, "VCMDQ3_BASE");
    tm_wr(&M, 0x5, "VCMDQ3_CONS");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_CONS"), 0x5);
    tm_wr(&M, 1, "VCMDQ3_CONFIG");
    /* refused as soon as CONFIG.EN is set, before STATUS follows */
    uint64_t ge = tm_counter(&M, "cmdqv.guest_errors");
    tm_wr(&M, TM_QMEM_BASE | 4, "VCMDQ3_BASE");
    tm_wr(&M, 0x40, "VCMDQ3_CONS_INDX_BASE");
    tm_wr(&M, 0x9, "VCMDQ3_CONS");
    tm_run_idle(&M);
    tm_wr(&M, TM_QMEM_BASE | 4, "VCMDQ3_BASE");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_BASE"), (TM_QMEM_BASE + 0x1000) | 8);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_CONS_INDX_BASE"), 0);
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_CONS"), 0x5);
    ck_assert_uint_eq(tm_counter(&M, "cmdqv.guest_errors"), ge + 7);   /* 64-bit = 2 halves */
    ck_assert_uint_eq(src->log2size, 8);
    ck_assert_uint_eq(src->base, TM_QMEM_BASE + 0x1000);
    /* after disabling, BASE is writable again */
    tm_wr(&M, 0, "VCMDQ3_CONFIG");
    tm_run_idle(&M);
    tm_wr(&M, (TM_QMEM_BASE + 0x1040) | 31, "VCMDQ3_BASE");
    ck_assert_uint_eq(tm_rd(&M, "VCMDQ3_BASE"), (TM_QMEM_BASE + 0x1040) | 31);
    /* LOG2SIZE capped at the SMMU's IDR1.CMDQS; base aligned to the size */
    uint32_t cmdqs = (sim_bus_read32(M.bus, TM_SMMU_BASE + 0x4) >> 21) & 0x1F;
    ck_assert_uint_eq(src->log2size, cmdqs);
    ck_assert_uint_eq(src->base, (TM_QMEM_BASE + 0x1040) & ~((16ull << cmdqs) - 1));
    tm_wr(&M, (TM_QMEM_BASE + 0x1040) | 1, "VCMDQ3_BASE");
    ck_assert_uint_eq(src->base, TM_QMEM_BASE + 0x1040);      /* 32-byte minimum alignment */
}
END_TEST

static Suite *cmdqv_regs_suite(void)
{
    Suite *s = suite_create("cmdqv_regs");
    TCase *tc = tcase_create("Registers");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reset_values);
    tcase_add_test(tc, test_param_from_parameters);
    tcase_add_test(tc, test_param_errors);
    tcase_add_test(tc, test_config_fields);
    tcase_add_test(tc, test_reg_names);
    tcase_add_test(tc, test_alias_coherence);
    tcase_add_test(tc, test_unallocated_logical_slot);
    tcase_add_test(tc, test_access_sizes);
    tcase_add_test(tc, test_handshake_timing);
    tcase_add_test(tc, test_alloc_ordering);
    tcase_add_test(tc, test_alloc_range);
    tcase_add_test(tc, test_hyp_own);
    tcase_add_test(tc, test_hyp_own_parameter);
    tcase_add_test(tc, test_sid_registers);
    tcase_add_test(tc, test_int_mask);
    tcase_add_test(tc, test_guarded_while_enabled);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cmdqv_regs_suite());
    int failed;

    sim_log_init(0);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
