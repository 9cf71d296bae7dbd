/*
 * check_smmuv3_regs.c — register file: reset values, IDs from parameters,
 * guards, CR0/CR0ACK, GBPA and IRQ_CTRL handshakes with exact delays, the
 * GERROR/GERRORN protocol, access sizes, and name lookup.
 */
#include "testbed.h"

START_TEST(test_reset_values)
{
    struct tb *tb = tb_new(NULL);
    ck_assert_uint_eq(tb_rd(tb, "CR0"), 0);
    ck_assert_uint_eq(tb_rd(tb, "CR0ACK"), 0);
    ck_assert_uint_eq(tb_rd(tb, "GBPA"), 0x1000);
    ck_assert_uint_eq(tb_rd(tb, "GERROR"), 0);
    ck_assert_uint_eq(tb_rd(tb, "GERRORN"), 0);
    ck_assert_uint_eq(tb_rd(tb, "IRQ_CTRL"), 0);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0);
    ck_assert_uint_eq(tb_rd(tb, "AIDR"), 0x02);
    ck_assert_uint_eq(tb_rd(tb, "IIDR"), 0x43B);
    uint32_t idr0 = tb_rd(tb, "IDR0"), idr1 = tb_rd(tb, "IDR1");
    ck_assert_uint_eq(idr0 & 3, 3);                     /* S1P, S2P */
    ck_assert_uint_eq((idr0 >> 10) & 1, 1);             /* ATS */
    ck_assert_uint_eq((idr0 >> 13) & 1, 1);             /* MSI */
    ck_assert_uint_eq((idr0 >> 27) & 3, 1);             /* 2-level STs */
    ck_assert_uint_eq(idr1 & 0x3F, 16);                 /* SIDSIZE */
    ck_assert_uint_eq((idr1 >> 21) & 0x1F, 19);         /* CMDQS */
    ck_assert_uint_eq((idr1 >> 16) & 0x1F, 19);         /* EVENTQS */
    ck_assert_uint_eq((tb_rd(tb, "IDR3") >> 10) & 1, 1); /* RIL */
    ck_assert_uint_eq(tb_rd(tb, "IDR5") & 7, 5);         /* OAS 48 */
    /* Undefined locations are RES0 on both pages. */
    ck_assert_uint_eq(sim_bus_read32(tb->bus, TB_BASE + 0x30C), 0);
    ck_assert_uint_eq(sim_bus_read32(tb->bus, TB_BASE + 0x10000), 0);
    tb_free(tb);
}
END_TEST

START_TEST(test_profile_ids)
{
    const char *sets[] = { "smmu.s2=false", "smmu.ats=false", "smmu.ril=false", "smmu.cmdqs=8",
                           "smmu.msi=false", "smmu.stall_model=terminate_only", NULL };
    struct tb *tb = tb_new(sets);
    uint32_t idr0 = tb_rd(tb, "IDR0");
    ck_assert_uint_eq(idr0 & 3, 2);
    ck_assert_uint_eq((idr0 >> 10) & 1, 0);
    ck_assert_uint_eq((idr0 >> 13) & 1, 0);
    ck_assert_uint_eq((idr0 >> 24) & 3, 1);
    ck_assert_uint_eq((tb_rd(tb, "IDR1") >> 21) & 0x1F, 8);
    ck_assert_uint_eq((tb_rd(tb, "IDR3") >> 10) & 1, 0);
    /* CMDQ LOG2SIZE is capped at CMDQS. */
    tb_wr64(tb, "CMDQ_BASE", TB_QBASE | 19);
    ck_assert_uint_eq(smmu_cmdq_source(tb->smmu)->log2size, 8);
    tb_free(tb);
}
END_TEST

START_TEST(test_bad_profile)
{
    struct sim_params *p = sim_params_new();
    struct sim_stats *st = sim_stats_new();
    struct sim_sched s;
    struct sim_mem *m = sim_mem_new();
    GError *err = NULL;
    sim_sched_init(&s);
    ck_assert(smmu_declare_params(p, &err));
    ck_assert(sim_params_set(p, "smmu.s1", "false", "t", &err));
    ck_assert(sim_params_set(p, "smmu.s2", "false", "t", &err));
    ck_assert_ptr_null(smmu_new(&s, m, p, st, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "smmu.s1"));
    g_clear_error(&err);
    ck_assert(sim_params_set(p, "smmu.s1", "true", "t", &err));
    ck_assert(sim_params_set(p, "smmu.tlb_entries", "100", "t", &err));
    ck_assert(sim_params_set(p, "smmu.tlb_assoc", "8", "t", &err));
    ck_assert_ptr_null(smmu_new(&s, m, p, st, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "tlb_assoc"));
    g_clear_error(&err);
    sim_mem_free(m);
    sim_stats_free(st);
    sim_params_free(p);
    sim_sched_destroy(&s);
}
END_TEST

START_TEST(test_cr0ack_delay)
{
    struct tb *tb = tb_new(NULL);
    sim_time_t d = tb_cycle(tb, tb_param(tb, "smmu.cr0ack_delay_cycles"));
    ck_assert_uint_eq(d, 32000);
    tb_run_to(tb, 5000);
    tb_wr(tb, "CR0", 0xFFFFFFFF);
    ck_assert_uint_eq(tb_rd(tb, "CR0"), 0x1D);          /* SMMUEN EVENTQEN CMDQEN ATSCHK; PRIQEN RES0 */
    tb_run_to(tb, 5000 + d - 1);
    ck_assert_uint_eq(tb_rd(tb, "CR0ACK"), 0);          /* a driver that does not poll sees the old value */
    tb_run_to(tb, 5000 + d);
    ck_assert_uint_eq(tb_rd(tb, "CR0ACK"), 0x1D);
    tb_wr(tb, "CR0", 0);
    tb_run_to(tb, 5000 + 2 * d - 1);
    ck_assert_uint_eq(tb_rd(tb, "CR0ACK"), 0x1D);
    tb_run_to(tb, 5000 + 2 * d);
    ck_assert_uint_eq(tb_rd(tb, "CR0ACK"), 0);
    tb_free(tb);
}
END_TEST

START_TEST(test_gbpa_handshake)
{
    struct tb *tb = tb_new(NULL);
    sim_time_t d = tb_cycle(tb, tb_param(tb, "smmu.gbpa_update_cycles"));
    tb_wr(tb, "GBPA", 0x00100000);                      /* ABORT without Update: ignored */
    ck_assert_uint_eq(tb_rd(tb, "GBPA"), 0x1000);
    tb_wr(tb, "GBPA", 0x80100000);
    ck_assert_uint_eq(tb_rd(tb, "GBPA"), 0x80001000);   /* Update visible, old fields */
    tb_wr(tb, "GBPA", 0x80000000);                      /* during an update: ignored */
    tb_run_to(tb, d - 1);
    ck_assert_uint_eq(tb_rd(tb, "GBPA") >> 31, 1);
    tb_run_to(tb, d);
    ck_assert_uint_eq(tb_rd(tb, "GBPA"), 0x00100000);
    tb_free(tb);
}
END_TEST

START_TEST(test_irq_ctrlack)
{
    struct tb *tb = tb_new(NULL);
    sim_time_t d = tb_cycle(tb, tb_param(tb, "smmu.irq_ctrlack_cycles"));
    tb_wr(tb, "IRQ_CTRL", 0xFF);
    ck_assert_uint_eq(tb_rd(tb, "IRQ_CTRL"), 0x5);      /* PRIQ_IRQEN RES0 without PRI */
    tb_run_to(tb, d - 1);
    ck_assert_uint_eq(tb_rd(tb, "IRQ_CTRLACK"), 0);
    tb_run_to(tb, d);
    ck_assert_uint_eq(tb_rd(tb, "IRQ_CTRLACK"), 0x5);
    /* IRQ_CFG registers are guarded by their IRQEN. */
    tb_wr(tb, "GERROR_IRQ_CFG1", 0x1234);
    ck_assert_uint_eq(tb_rd(tb, "GERROR_IRQ_CFG1"), 0);
    tb_wr(tb, "IRQ_CTRL", 0);
    tb_run_to(tb, 2 * d - 1);
    tb_wr(tb, "GERROR_IRQ_CFG1", 0x1234);               /* IRQ_CTRLACK still set */
    ck_assert_uint_eq(tb_rd(tb, "GERROR_IRQ_CFG1"), 0);
    tb_run_to(tb, 2 * d);
    tb_wr(tb, "GERROR_IRQ_CFG1", 0x1234);
    tb_wr64(tb, "GERROR_IRQ_CFG0", 0xFF00000000001007ull);
    ck_assert_uint_eq(tb_rd(tb, "GERROR_IRQ_CFG1"), 0x1234);
    ck_assert_uint_eq(tb_rd64(tb, "GERROR_IRQ_CFG0"), 0x0000000000001004ull);
    tb_free(tb);
}
END_TEST

START_TEST(test_cmdq_guards)
{
    struct tb *tb = tb_new(NULL);
    tb_wr64(tb, "CMDQ_BASE", TB_QBASE | 4);
    tb_wr(tb, "CMDQ_CONS", 3);
    tb_wr(tb, "CMDQ_PROD", 3);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 3);
    tb_wr(tb, "CR0", 0x8);
    /* CR0.CMDQEN set, CR0ACK not yet: already guarded. */
    tb_wr64(tb, "CMDQ_BASE", TB_QBASE + 0x1000);
    tb_wr(tb, "CMDQ_CONS", 7);
    ck_assert_uint_eq(tb_rd64(tb, "CMDQ_BASE"), TB_QBASE | 4);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 3);
    tb_idle(tb);
    tb_wr(tb, "CR0", 0);
    /* CR0.CMDQEN clear, CR0ACK still set: still guarded. */
    tb_wr(tb, "CMDQ_CONS", 7);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 3);
    tb_idle(tb);
    tb_wr(tb, "CMDQ_CONS", 7);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 7);
    /* The upper half of a 64-bit register is writable on its own. */
    tb_wr(tb, "CMDQ_BASE", 0);
    sim_bus_write32(tb->bus, TB_BASE + tb_reg("CMDQ_BASE") + 4, 0x1);
    ck_assert_uint_eq(tb_rd64(tb, "CMDQ_BASE"), 0x100000000ull);
    /* RES0 bits of PROD are stored; CONS RES0 bits read as zero. */
    tb_wr64(tb, "CMDQ_BASE", TB_QBASE | 2);
    tb_wr(tb, "CMDQ_PROD", 0xFFFFFFFF);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_PROD"), 0xFFFFF);
    tb_wr(tb, "CMDQ_CONS", 0xFF);
    ck_assert_uint_eq(tb_rd(tb, "CMDQ_CONS"), 0x7);
    tb_free(tb);
}
END_TEST

START_TEST(test_other_guards)
{
    struct tb *tb = tb_new(NULL);
    tb_wr64(tb, "STRTAB_BASE", 0xFFFFFFFFFFFFFFFFull);
    ck_assert_uint_eq(tb_rd64(tb, "STRTAB_BASE"), 0x40FFFFFFFFFFFFC0ull);
    tb_wr(tb, "STRTAB_BASE_CFG", 0xFFFFFFFF);
    ck_assert_uint_eq(tb_rd(tb, "STRTAB_BASE_CFG"), 0x307FF);
    tb_wr64(tb, "EVENTQ_BASE", 0x50000000ull | 5);
    tb_wr(tb, "EVENTQ_PROD", 0x80000003);
    ck_assert_uint_eq(tb_rd(tb, "EVENTQ_PROD"), 0x80000003);
    tb_wr(tb, "CR0", 0x5);                              /* SMMUEN + EVENTQEN */
    tb_idle(tb);
    tb_wr64(tb, "STRTAB_BASE", 0x1000);
    tb_wr(tb, "STRTAB_BASE_CFG", 0);
    tb_wr64(tb, "EVENTQ_BASE", 0);
    tb_wr(tb, "EVENTQ_PROD", 0);
    ck_assert_uint_eq(tb_rd64(tb, "STRTAB_BASE"), 0x40FFFFFFFFFFFFC0ull);
    ck_assert_uint_eq(tb_rd(tb, "STRTAB_BASE_CFG"), 0x307FF);
    ck_assert_uint_eq(tb_rd64(tb, "EVENTQ_BASE"), 0x50000005ull);
    ck_assert_uint_eq(tb_rd(tb, "EVENTQ_PROD"), 0x80000003);
    tb_wr(tb, "EVENTQ_CONS", 0x80000002);               /* CONS is never guarded */
    ck_assert_uint_eq(tb_rd(tb, "EVENTQ_CONS"), 0x80000002);
    /* Page 1 holds the event queue pointers; the Page 0 aliases are RAZ/WI. */
    ck_assert_uint_eq(sim_bus_read32(tb->bus, TB_BASE + 0x100AC), 0x80000002);
    ck_assert_uint_eq(sim_bus_read32(tb->bus, TB_BASE + 0xAC), 0);
    /* PRIQ registers are RES0 without PRI. */
    tb_wr64(tb, "PRIQ_BASE", 0x1000);
    ck_assert_uint_eq(tb_rd64(tb, "PRIQ_BASE"), 0);
    /* RO registers ignore writes. */
    tb_wr(tb, "IDR0", 0);
    ck_assert_uint_ne(tb_rd(tb, "IDR0"), 0);
    tb_free(tb);
}
END_TEST

START_TEST(test_access_sizes)
{
    struct tb *tb = tb_new(NULL);
    uint64_t v;
    /* 64-bit access to a 32-bit register: RAZ/WI. */
    ck_assert_int_eq(sim_bus_read(tb->bus, TB_BASE + tb_reg("IDR0"), 8, &v), SIM_BUS_OK);
    ck_assert_uint_eq(v, 0);
    sim_bus_write64(tb->bus, TB_BASE + tb_reg("CR0"), 0x8);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "CR0"), 0);
    /* 64-bit access to the upper half of a 64-bit register: RAZ/WI. */
    tb_wr64(tb, "STRTAB_BASE", 0x1000);
    ck_assert_int_eq(sim_bus_read(tb->bus, TB_BASE + tb_reg("STRTAB_BASE") + 4, 8, &v), SIM_BUS_BAD_ACCESS);
    /* 8- and 16-bit accesses are refused by the bus. */
    ck_assert_int_eq(sim_bus_read(tb->bus, TB_BASE, 1, &v), SIM_BUS_BAD_ACCESS);
    ck_assert_int_eq(sim_bus_write(tb->bus, TB_BASE + 0x20, 2, 0x8), SIM_BUS_BAD_ACCESS);
    tb_free(tb);
}
END_TEST

START_TEST(test_gerror_protocol)
{
    struct tb *tb = tb_new(NULL);
    tb_wr(tb, "IRQ_CTRL", 1);
    tb_idle(tb);
    tb_cmdq_enable(tb, 4);
    /* A reserved opcode activates CMDQ_ERR: GERROR toggles, IRQ pulses. */
    ck_assert_uint_eq(tb_exec(tb, "TLBI_NSNH_ALL", "") , 0);
    uint64_t bad[2] = { 0x00, 0 };
    tb_put(tb, tb->prod, bad);
    tb->prod = smmu_q_inc(4, tb->prod);
    tb_write_prod(tb);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "GERROR"), 1);
    ck_assert_uint_eq(tb_rd(tb, "GERRORN"), 0);
    ck_assert_uint_eq(tb->nirq, 1);
    ck_assert_int_eq(tb->irqs[0].line, SMMU_IRQ_GERROR);
    ck_assert(!tb->irqs[0].msi);
    /* Toggling an inactive bit is accepted and stored; the SMMU never alters GERRORN. */
    tb_wr(tb, "GERRORN", 0x4);
    ck_assert_uint_eq(tb_rd(tb, "GERRORN"), 0x4);
    tb_wr(tb, "GERRORN", 0x0);
    /* Ack: GERRORN = GERROR. */
    tb_wr(tb, "GERRORN", 0x1);
    ck_assert_uint_eq(tb_rd(tb, "GERROR") ^ tb_rd(tb, "GERRORN"), 0);
    tb_idle(tb);
    /* The bad command is re-fetched and fails again: GERROR toggles back to 0. */
    ck_assert_uint_eq(tb_rd(tb, "GERROR"), 0);
    ck_assert_uint_eq(tb_rd(tb, "GERRORN"), 1);
    ck_assert_uint_eq(tb->nirq, 2);
    /* Unimplemented GERROR bits are not stored in GERRORN. */
    tb_wr(tb, "GERRORN", 0xFFFFFFFF);
    ck_assert_uint_eq(tb_rd(tb, "GERRORN"), 0x1B5);
    tb_free(tb);
}
END_TEST

START_TEST(test_gerror_msi)
{
    struct tb *tb = tb_new(NULL);
    tb_wr64(tb, "GERROR_IRQ_CFG0", 0x7000);
    tb_wr(tb, "GERROR_IRQ_CFG1", 0xCAFE);
    tb_wr(tb, "IRQ_CTRL", 1);
    tb_idle(tb);
    tb_cmdq_enable(tb, 4);
    uint64_t bad[2] = { 0x09, 0 };
    tb_put(tb, 0, bad);
    tb->prod = 1;
    tb_write_prod(tb);
    tb_idle(tb);
    ck_assert_uint_eq(tb->nirq, 1);
    ck_assert(tb->irqs[0].msi);
    ck_assert_uint_eq(tb->irqs[0].addr, 0x7000);
    uint32_t v;
    sim_mem_read32(tb->mem, 0x7000, &v);
    ck_assert_uint_eq(v, 0xCAFE);
    /* GERROR MSI abort: MSI_GERROR_ABT_ERR, without a further GERROR IRQ. */
    tb_wr(tb, "GERRORN", 1);
    sim_mem_inject_abort(tb->mem, 0x7000, 4, SIM_MEM_WRITE);
    tb_idle(tb);
    ck_assert_uint_eq(tb_rd(tb, "GERROR"), 0x80);
    ck_assert_uint_eq(tb->nirq, 1);
    tb_free(tb);
}
END_TEST

START_TEST(test_reg_names)
{
    uint64_t off;
    unsigned size;
    ck_assert(smmu_reg_lookup("cmdq_prod", &off, &size));
    ck_assert_uint_eq(off, 0x98);
    ck_assert_uint_eq(size, 4);
    ck_assert(smmu_reg_lookup("EVENTQ_PROD", &off, &size));
    ck_assert_uint_eq(off, 0x100A8);
    ck_assert(smmu_reg_lookup("EVENTQ_CONS", &off, &size));
    ck_assert_uint_eq(off, 0x100AC);
    ck_assert(smmu_reg_lookup("SMMU_STRTAB_BASE", &off, &size));
    ck_assert_uint_eq(off, 0x80);
    ck_assert_uint_eq(size, 8);
    ck_assert(!smmu_reg_lookup("NOPE", &off, &size));
    ck_assert(!smmu_reg_lookup(NULL, &off, &size));
    ck_assert_str_eq(smmu_reg_name(0x9C), "CMDQ_CONS");
    ck_assert_str_eq(smmu_reg_name(0x94), "CMDQ_BASE");
    ck_assert_ptr_null(smmu_reg_name(0x300));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smmuv3_regs");
    TCase *reset = tcase_create("reset");
    tcase_add_test(reset, test_reset_values);
    tcase_add_test(reset, test_profile_ids);
    tcase_add_test(reset, test_bad_profile);
    suite_add_tcase(s, reset);
    TCase *hs = tcase_create("handshakes");
    tcase_add_test(hs, test_cr0ack_delay);
    tcase_add_test(hs, test_gbpa_handshake);
    tcase_add_test(hs, test_irq_ctrlack);
    suite_add_tcase(s, hs);
    TCase *g = tcase_create("guards");
    tcase_add_test(g, test_cmdq_guards);
    tcase_add_test(g, test_other_guards);
    tcase_add_test(g, test_access_sizes);
    tcase_add_test(g, test_reg_names);
    suite_add_tcase(s, g);
    TCase *ge = tcase_create("gerror");
    tcase_add_test(ge, test_gerror_protocol);
    tcase_add_test(ge, test_gerror_msi);
    suite_add_tcase(s, ge);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
