/*
 * check_xlate.c — the translation verbs of the scenario language
 * (verbs-xlate.c, docs/scenario-format.md §4.7): arenas, stream table
 * programming, STEs, CDs, page tables with map/unmap, endpoints and DMA
 * in simulated time, translate(), evtq_count() and event(), and every
 * user error they report, with its position.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "scn-test.h"

/* Tables in an arena, a linear stream table, a 64-entry event queue,
 * SMMUEN; SID 5 translates through stage 1 (ASID 1). */
#define SETUP                                                                \
    "arena tables base=0x40000000 size=4M\n"                                 \
    "strtab base=0x100000 log2size=8\n"                                      \
    "mmio write smmu.EVENTQ_BASE 0x200000 | 6\n"                             \
    "mmio write smmu.CR0 5\n"                                                \
    "wait until reg(smmu.CR0ACK) == 5 timeout=10us\n"
#define S1_SID5                                                              \
    "pt s1 granule=4K stage=1 ias=48\n"                                      \
    "pt map s1 va=0x10000 pa=0x80000000\n"                                   \
    "cd 0x300000 asid=1 pt=s1\n"                                             \
    "ste 5 config=s1 s1ctx=0x300000\n"

static void run_ok(const char *text)
{
    char *out, *msg;
    int rc = scn_test_run(text, &out, &msg);
    ck_assert_msg(rc == SCENARIO_OK, "rc %d\nerror: %s\noutput:\n%s", rc, msg ? msg : "", out);
    g_free(msg);
    free(out);
}

/* Run, expecting an error whose message is exactly `want`. */
static void run_err(const char *text, const char *want)
{
    char *out, *msg;
    int rc = scn_test_run(text, &out, &msg);
    ck_assert_msg(rc == SCENARIO_ERROR_EXIT, "rc %d, output:\n%s", rc, out);
    ck_assert_str_eq(msg, want);
    g_free(msg);
    free(out);
}

static void parse_err(const char *text, const char *want)
{
    char *msg = scn_test_parse_error(text);
    ck_assert_msg(msg != NULL, "parsed: %s", text);
    ck_assert_str_eq(msg, want);
    g_free(msg);
}

START_TEST(test_strtab_programs_registers)
{
    run_ok("strtab base=0x100000 log2size=8\n"
           "expect reg(smmu.STRTAB_BASE, 8) == 0x100000\n"
           "expect reg(smmu.STRTAB_BASE_CFG) == 8\n"
           "expect now() == 2 * param(\"bus.mmio_latency_ns\") * 1ns\n");
    run_ok("arena a base=0x40000000 size=1M\n"
           "strtab log2size=16 fmt=twolevel split=10\n"
           "expect reg(smmu.STRTAB_BASE, 8) == 0x40000000\n"
           "expect reg(smmu.STRTAB_BASE_CFG) == (1 << 16) | (10 << 6) | 16\n"
           "ste 0x1234 config=bypass -> pa\n"
           "expect mem64(0x40000000 + 4 * 8) == 0x40010000 | 11\n"   /* L1STD 4: L2Ptr (64K-aligned), Span 11 */
           "expect pa == 0x40010000 + 0x234 * 64\n"
           "expect translate(0x1234, 0x5000) == 0x5000\n");
}
END_TEST

START_TEST(test_strtab_errors)
{
    run_err("strtab log2size=8\n", "t.trace:1:1: strtab needs base=ADDR or an arena to allocate from");
    run_err("strtab base=0x100040 log2size=8\n",
            "t.trace:1:1: strtab: stream table base 0x100040 must be aligned to its size (0x4000) and lie below 2^48");
    run_err("strtab base=0x100000 log2size=8 fmt=three\n", "t.trace:1:37: fmt must be linear or twolevel, not 'three'");
    run_err("strtab base=0x100000 log2size=8 split=8\n", "t.trace:1:39: split applies to fmt=twolevel only");
    run_err("strtab base=0x100000 log2size=8 fmt=twolevel split=7\n", "t.trace:1:1: strtab: split must be 6, 8 or 10, not 7");
    run_err("strtab base=0 log2size=24\n", "t.trace:1:1: strtab: a linear stream table of 2^24 STEs takes 1G bytes, "
            "more than the 16M limit (use a 2-level table)");
    run_err("mmio write smmu.CR0 1\nwait 1us\nstrtab base=0x100000 log2size=8\n",
            "t.trace:3:1: strtab: SMMUEN is 1, so STRTAB_BASE writes would be ignored (clear CR0.SMMUEN first)");
    run_err("strtab base=0x100000 log2size=4 fmt=twolevel split=6\nste 3 config=bypass\n",
            "t.trace:2:1: ste: the arena is full: a level-2 stream table needs 4K bytes aligned to 0x1000 and 0x0 of "
            "0x0 bytes are left");
}
END_TEST

START_TEST(test_ste_fields_and_errors)
{
    run_ok("strtab base=0x100000 log2size=8\n"
           "ste 2 config=s2 s2vmid=7 s2t0sz=24 s2sl0=1 s2tg=4K s2ttb=0x500000\n"
           "expect mem64(0x100080) == 0b1101\n"                       /* V, Config 0b110 */
           "expect bits(mem64(0x100090), 15, 0) == 7\n"
           "expect bits(mem64(0x100090), 37, 32) == 24\n"
           "expect bits(mem64(0x100090), 39, 38) == 1\n"
           "expect bits(mem64(0x100090), 50, 48) == 5\n"              /* S2PS default: 48 bits */
           "expect bits(mem64(0x100090), 51, 51) == 1\n"              /* S2AA64 */
           "expect bits(mem64(0x100090), 58, 58) == 1\n"              /* S2R */
           "expect mem64(0x100098) == 0x500000\n"
           "ste 3 dw0=0x3 dw1=0x1234\n"
           "expect mem64(0x1000C0) == 3 && mem64(0x1000C8) == 0x1234\n"
           "ste 4 config=abort v=0\n"
           "expect mem64(0x100100) == 0\n");
    parse_err("ste 1 config=s1 s1ctz=0\n", "t.trace:1:17: unknown STE field 's1ctz' (did you mean 's1ctx'?)");
    run_err("ste 1 config=bypass\n", "t.trace:1:1: ste: no stream table (declare one with 'strtab')");
    run_err("strtab base=0x100000 log2size=8\nste 1 s2vmid=1\n",
            "t.trace:2:1: ste needs config=abort|bypass|s1|s2|nested (or raw dw0=...)");
    run_err("strtab base=0x100000 log2size=8\nste 1 config=s3\n",
            "t.trace:2:7: config must be abort, bypass, s1, s2, nested or 0..7, not 's3' (did you mean 's1'?)");
    run_err("strtab base=0x100000 log2size=8\nste 1 config=s1 s1ctx=0x1020\n",
            "t.trace:2:17: s1ctx 0x1020 must be aligned to 64 bytes");
    run_err("strtab base=0x100000 log2size=8\nste 1 config=s2 s2vmid=0x10000\n",
            "t.trace:2:17: s2vmid 0x10000 does not fit in the 16-bit s2vmid field");
    run_err("strtab base=0x100000 log2size=8\nste 1 config=s2 s2tg=8K\n",
            "t.trace:2:17: s2tg must be 4K, 16K, 64K or an encoding 0..3, not 8192");
    run_err("strtab base=0x100000 log2size=8\nste 256 config=bypass\n",
            "t.trace:2:1: ste: StreamID 0x100 is outside the stream table (2^8 STEs)");
    run_err("arena a base=0x40000000 size=1M\nstrtab base=0x100000 log2size=8\npt t granule=4K stage=1\n"
            "ste 1 config=s2 s2=t\n", "t.trace:4:17: s2=t needs a stage-2 table, and 't' is stage 1");
    run_err("arena a base=0x40000000 size=1M\nstrtab base=0x100000 log2size=8\n"
            "ste 1 config=s2 s2=a\n", "t.trace:3:17: this is an arena, not a page table");
}
END_TEST

START_TEST(test_cd_fields_and_errors)
{
    run_ok("arena a base=0x40000000 size=1M\n"
           "pt t granule=16K stage=1 ias=40 -> ttb\n"
           "cd 0x300000 asid=0x55 pt=t tbi0=1\n"
           "expect bits(mem64(0x300000), 5, 0) == 24\n"               /* T0SZ */
           "expect bits(mem64(0x300000), 7, 6) == 2\n"                /* TG0 16K */
           "expect bits(mem64(0x300000), 30, 30) == 1\n"              /* EPD1 */
           "expect bits(mem64(0x300000), 31, 31) == 1\n"              /* V */
           "expect bits(mem64(0x300000), 34, 32) == 5\n"              /* IPS */
           "expect bits(mem64(0x300000), 38, 38) == 1\n"              /* TBI0 */
           "expect bits(mem64(0x300000), 46, 41) == 0b110001\n"       /* A, R, S = 0, AA64 */
           "expect bits(mem64(0x300000), 63, 48) == 0x55\n"
           "expect mem64(0x300008) == ttb\n"
           "cd 0x300040 tg1=4K ttb1=0x8000 epd1=0\n"
           "expect bits(mem64(0x300040), 23, 22) == 2 && mem64(0x300050) == 0x8000\n");
    parse_err("cd 0x300000 asdi=1\n", "t.trace:1:13: unknown CD field 'asdi' (did you mean 'asid'?)");
    run_err("cd 0x300010 asid=1\n", "t.trace:1:4: CD address 0x300010 must be 64-byte aligned");
    run_err("cd 0x300000 ttb0=0x1008\n", "t.trace:1:13: ttb0 0x1008 must be aligned to 16 bytes");
    run_err("cd 0x300000 ips=8\n", "t.trace:1:13: ips 0x8 does not fit in the 3-bit ips field");
    run_err("cd 0x300000 a=maybe\n", "t.trace:1:13: CD field a needs a number, not 'maybe'");
}
END_TEST

START_TEST(test_pt_layouts)
{
    /* Root sizes: 4K/48 bits: level 0, 512 entries; S2 4K/40 bits: level 1,
     * two concatenated tables (8 KiB); 64K/42 bits: level 2 with 2^13 entries. */
    run_ok("arena a base=0x40000000 size=1M\n"
           "pt x granule=4K stage=1 ias=48 -> r1\n"
           "pt y granule=4K stage=2 ias=40 -> r2\n"
           "pt z granule=64K stage=1 ias=42 -> r3\n"
           "expect r1 == 0x40000000 && r2 == 0x40002000 && r3 == 0x40010000\n"
           "pt w granule=4K stage=2 ias=40 sl0=2 root=0x50000000 -> r4\n"
           "expect r4 == 0x50000000\n"
           "pt v granule=4K stage=1 ias=48 offset=0x40000000 -> r5\n"
           "expect r5 == 0x20000\n");
    run_err("pt x\n", "t.trace:1:1: no arena to allocate tables from (declare one with 'arena NAME base=ADDR size=BYTES')");
    run_err("arena a base=0x40000000 size=1M\npt x granule=8K\n", "t.trace:2:14: granule must be 4K, 16K or 64K, not 8192");
    run_err("arena a base=0x40000000 size=1M\npt x stage=3\n", "t.trace:2:12: stage must be 1 or 2, not 3");
    run_err("arena a base=0x40000000 size=1M\npt x ias=52\n", "t.trace:2:10: ias must be 25..48 bits, not 52");
    run_err("arena a base=0x40000000 size=1M\npt x sl0=1\n", "t.trace:2:10: sl0 applies to stage-2 tables only");
    run_err("arena a base=0x40000000 size=1M\npt x stage=2 ias=48 sl0=0\n",
            "t.trace:2:1: pt: S2SL0 0 (start level 2) cannot translate a 48-bit input with this granule (at most 16 "
            "concatenated tables)");
    run_err("arena a base=0x40000000 size=1M\npt x root=0x1100\n",
            "t.trace:2:1: pt: root 0x1100 is not aligned to the root table's size (0x1000)");
    run_err("arena a base=0x40000000 size=1M\npt x\npt x\n", "t.trace:3:4: page table 'x' already exists");
    run_err("arena a base=0x40000000 size=4K\npt x\npt y\n",
            "t.trace:3:1: pt: the arena is full: the root table needs 4K bytes aligned to 0x1000 and 0x0 of "
            "0x40001000 bytes are left");
    parse_err("pt let\n", "t.trace:1:4: 'let' is a reserved word and cannot name an object");
    parse_err("queue q base=0 log2size=1 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\npt q\n",
              "t.trace:2:4: 'q' is already a queue");
}
END_TEST

START_TEST(test_map_unmap_and_errors)
{
    run_ok(SETUP S1_SID5
           "pt map s1 va=0x200000 pa=0x90000000 size=2M\n"
           "pt map s1 va=0x40000000 pa=0xC0000000 size=1G\n"
           "pt map s1 va=0x800000 pa=0xA0000000 size=16K\n"           /* four pages */
           "expect translate(5, 0x10123) == 0x80000123\n"
           "expect translate(5, 0x3FFFFF) == 0x901FFFFF\n"
           "expect translate(5, 0x40000010) == 0xC0000010\n"
           "expect translate(5, 0x803004) == 0xA0003004\n"
           "pt unmap s1 va=0x800000 size=16K\n"
           "pt unmap s1 va=0x200000 size=2M\n"
           "cmd 0x110000 CFGI_ALL\n"                                  /* nothing invalidated: TLB hits still */
           "expect translate(5, 0x803004) == 0xA0003004\n"
           "pt map s1 va=0x200000 pa=0x91000000 size=4K\n");
    /* Unmapped pages fault once their TLB entries are gone: use fresh ones. */
    run_ok(SETUP S1_SID5 "pt unmap s1 va=0x10000\nexpect translate(5, 0x10000) == ~0\n"
           "wait until evtq_count() == 1 timeout=1us\nexpect event(0, \"name\") == \"F_TRANSLATION\"\n");
    const char *pre = "arena a base=0x40000000 size=64K\npt t granule=4K stage=1 ias=39\n";
    char *text;
#define MAP_ERR(line, want)                                                    \
    text = g_strconcat(pre, line, NULL);                                       \
    run_err(text, want);                                                       \
    g_free(text)
    MAP_ERR("pt map t va=0x1000 pa=0x2000 size=3K\n", "t.trace:3:1: t: size 0xc00 is not a multiple of the 4K page");
    MAP_ERR("pt map t va=0x1800 pa=0x2000\n", "t.trace:3:1: t: va 0x1800 is not aligned to the 4K page");
    MAP_ERR("pt map t va=0x200000 pa=0x201000 size=2M\n", "t.trace:3:1: t: pa 0x201000 is not aligned to the 2M block");
    MAP_ERR("pt map t va=0x8000000000 pa=0\n",
            "t.trace:3:1: t: [0x8000000000, +0x1000) is beyond the table's 39-bit input range");
    MAP_ERR("pt map t va=0 pa=0x1000000000000\n",
            "t.trace:3:1: t: pa 0x1000000000000 + 0x1000 is beyond the 48-bit output range");
    MAP_ERR("pt map t va=0x200000 pa=0 size=2M\npt map t va=0x201000 pa=0\n",
            "t.trace:4:1: t: 0x201000 is already mapped (by a 2M block at level 2)");
    MAP_ERR("pt map t va=0x201000 pa=0\npt map t va=0x200000 pa=0 size=2M\n",
            "t.trace:4:1: t: 0x200000 is already mapped by smaller pages or blocks (its level-2 descriptor points to a table)");
    MAP_ERR("pt map t va=0x1000 pa=0\npt map t va=0 pa=0 size=8K\n",
            "t.trace:4:1: t: 0x1000 is already mapped (by a 4K page at level 3)");
    MAP_ERR("pt map t va=0 pa=0 perm=wx\n", "t.trace:3:25: a stage-1 page is always readable: perm needs r");
    MAP_ERR("pt map t va=0 pa=0 perm=rq\n", "t.trace:3:25: perm must be letters r, w, x (each once) or none, not 'rq'");
    MAP_ERR("pt map t va=0 pa=0 device=1\n", "t.trace:3:27: device applies to stage-2 tables");
    MAP_ERR("pt map t va=0 pa=0\npt map t va=0x40000000 pa=0\npt map t va=0x80000000 pa=0\n"
            "pt map t va=0xC0000000 pa=0\npt map t va=0x100000000 pa=0\npt map t va=0x140000000 pa=0\n"
            "pt map t va=0x180000000 pa=0\npt map t va=0x1C0000000 pa=0\npt map t va=0x200000000 pa=0\n",
            "t.trace:10:1: t: the arena is full: a level-3 table needs 4K bytes aligned to 0x1000 and 0x0 of "
            "0x40010000 bytes are left");
    MAP_ERR("pt unmap t va=0x5000\n", "t.trace:3:1: t: 0x5000 is not mapped");
    MAP_ERR("pt map t va=0x200000 pa=0 size=2M\npt unmap t va=0x200000\n",
            "t.trace:4:1: t: 0x200000 is mapped by a 2M block at 0x200000 that reaches outside the range");
    MAP_ERR("pt unmap t va=0x5800\n", "t.trace:3:1: t: unmap of [0x5800, +0x1000) is not aligned to the 4K page");
    MAP_ERR("endpoint e sid=1\npt map e va=0 pa=0\n", "t.trace:4:8: this is an endpoint, not a page table");
    MAP_ERR("pt map 12345 va=0 pa=0\n", "t.trace:3:8: 0x3039 is not a page table (declare one with 'pt')");
#undef MAP_ERR
}
END_TEST

START_TEST(test_stage2_and_nested)
{
    run_ok(SETUP
           "pt t2 granule=64K stage=2 ias=42\n"
           "pt map t2 va=0x20000000 pa=0x80000000 size=512M perm=rw\n"
           "pt map t2 va=0x10000 pa=0x70010000 size=64K perm=r\n"
           "ste 7 config=s2 s2=t2 s2vmid=2\n"
           "expect translate(7, 0x20001234) == 0x80001234\n"
           "expect translate(7, 0x10010, 1) == ~0\n"                   /* write to a read-only IPA */
           "wait until evtq_count() == 1 timeout=1us\n"
           "expect event(0, \"name\") == \"F_PERMISSION\"\n"
           "expect event(0, \"s2\") == 1\n"
           "expect event(0, \"ipa\") == 0x10000\n"
           "expect event(0, \"rnw\") == 0\n");
}
END_TEST

START_TEST(test_dma_time_and_data)
{
    run_ok(SETUP S1_SID5
           "mem write 0x80000008 0x1122334455667788\n"
           "endpoint dev sid=5\n"
           "mark t0\n"
           "dma read dev 0x10008 -> ok, pa, lat, data\n"
           "expect ok == 1 && pa == 0x80000008 && data == 0x1122334455667788\n"
           "expect elapsed(t0) == lat\n"
           "dma write dev 0x10010 size=4 value=0xAABBCCDD -> ok, pa, lat\n"
           "expect ok == 1 && mem64(0x80000010) == 0xAABBCCDD\n"
           "expect lat == cycles(param(\"smmu.utlb_cycles\")) + param(\"mem.latency_ns\") * 1ns\n"
           "dma read dev 0x20000 -> ok, pa, lat, data\n"
           "expect ok == 0 && pa == 0 && data == 0\n"
           "expect stat(\"endpoint.dev.faults\") == 1\n"
           "expect evtq_count() == 1 && event(0, \"input_addr\") == 0x20000 && event(0, \"rnw\") == 1\n");
    run_err(SETUP "endpoint e sid=1\ndma read e 0 size=0\n", "t.trace:7:19: size must be 1..65536 bytes, not 0");
    run_err(SETUP "endpoint e sid=1\ndma read e 0 value=1\n", "t.trace:7:20: value applies to dma write");
    run_err(SETUP "endpoint e sid=1\ndma read e 0 ssid=0x100000\n",
            "t.trace:7:19: ssid 0x100000 does not fit in 20 bits");
    run_err(SETUP "endpoint e sid=1\nendpoint e sid=2\n", "t.trace:7:10: endpoint 'e' already exists");
    run_err(SETUP "endpoint e sid=1 ats=maybe\n", "t.trace:6:22: ats must be on or off, not 'maybe'");
    parse_err("dma read nope 0\n", "t.trace:1:10: unknown variable 'nope'");
}
END_TEST

START_TEST(test_event_functions)
{
    run_ok(SETUP
           "expect evtq_count() == 0\n"
           "expect translate(0x100, 0x1000, 7, 3) == ~0\n"             /* C_BAD_STREAMID; not recorded */
           "wait 1us\n"
           "expect evtq_count() == 0\n"
           "mmio write smmu.CR0 0\nwait until reg(smmu.CR0ACK) == 0 timeout=10us\n"
           "mmio write smmu.CR2 2\nmmio write smmu.CR0 5\nwait until reg(smmu.CR0ACK) == 5 timeout=10us\n"
           "expect translate(0x100, 0x1000, 7, 3) == ~0\n"
           "wait until evtq_count() == 1 timeout=1us\n"
           "expect event(0, \"type\") == 2 && event(0, \"name\") == \"C_BAD_STREAMID\"\n"
           "expect event(0, \"ssv\") == 1 && event(0, \"ssid\") == 3 && event(0, \"sid\") == 0x100\n"
           "expect bits(event(0, \"dw0\"), 7, 0) == 2\n"
           "mmio write smmu.EVENTQ_CONS 1\n"
           "expect evtq_count() == 0\n");
    run_err(SETUP "let x = event(0, \"type\")\n", "t.trace:6:9: event(0): the event queue holds 0 records");
    run_err(SETUP "expect translate(0x100, 0) == ~0\nmmio write smmu.CR0 0\nwait 1us\nmmio write smmu.CR2 2\n"
            "mmio write smmu.CR0 5\nwait 1us\nexpect translate(0x100, 0) == ~0\nwait 1us\nlet x = event(0, \"nmae\")\n",
            "t.trace:14:9: unknown event field 'nmae' (did you mean 'name'?)");
    run_err(SETUP "let x = event(0, 1)\n", "t.trace:6:9: event() needs a field name in quotes, e.g. event(0, \"type\")");
    run_err("let x = translate(1, 0, 8)\n",
            "t.trace:1:9: translate: access 8 is not a set of 1 write, 2 insn, 4 priv");
    parse_err("let x = translat(1, 0)\n", "t.trace:1:9: unknown function 'translat' (did you mean 'translate'?)");
    parse_err("let x = evtq_count(1)\n", "t.trace:1:20: too many arguments to evtq_count() (at most 0)");
}
END_TEST

START_TEST(test_gbpa_and_bypass)
{
    run_ok("mmio write smmu.GBPA (1 << 31) | (1 << 20)\nwait 1us\n"
           "expect translate(1, 0x1000) == ~0\n"
           "mmio write smmu.GBPA 1 << 31\nwait 1us\n"
           "expect translate(1, 0x1000) == 0x1000\n");
}
END_TEST

static Suite *xlate_suite(void)
{
    Suite *s = suite_create("scenario_xlate");
    TCase *tc = tcase_create("xlate");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_strtab_programs_registers);
    tcase_add_test(tc, test_strtab_errors);
    tcase_add_test(tc, test_ste_fields_and_errors);
    tcase_add_test(tc, test_cd_fields_and_errors);
    tcase_add_test(tc, test_pt_layouts);
    tcase_add_test(tc, test_map_unmap_and_errors);
    tcase_add_test(tc, test_stage2_and_nested);
    tcase_add_test(tc, test_dma_time_and_data);
    tcase_add_test(tc, test_event_functions);
    tcase_add_test(tc, test_gbpa_and_bypass);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xlate_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
