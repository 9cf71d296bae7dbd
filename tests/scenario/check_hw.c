/*
 * check_hw.c — the scenario engine against the machine: time verbs, machine
 * configuration, MMIO/memory verbs, SMMU CMDQ bring-up with commands by
 * mnemonic, record -> replay, stats and the Perfetto timeline.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include "scn-test.h"

/* CMDQ bring-up (smmuv3.md §1.1: BASE, then CONS/PROD, then CR0.CMDQEN and
 * poll CR0ACK), a queue helper over it. */
#define BRINGUP                                                              \
    "mmio write smmu.CMDQ_BASE 0x100008\n"                                   \
    "mmio write smmu.CMDQ_PROD 0\n"                                          \
    "mmio write smmu.CMDQ_CONS 0\n"                                          \
    "mmio write smmu.CR0 8\n"                                                \
    "wait until reg(smmu.CR0ACK) == 8 timeout=10us\n"                        \
    "queue q0 base=0x100000 log2size=8 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\n"

static void run_ok(const char *text)
{
    char *out, *msg;
    int rc = scn_test_run(text, &out, &msg);
    ck_assert_msg(rc == SCENARIO_OK, "rc %d\nerror: %s\noutput:\n%s", rc, msg ? msg : "", out);
    g_free(msg);
    free(out);
}

static char *run_error(const char *text)
{
    char *out, *msg;
    int rc = scn_test_run(text, &out, &msg);
    ck_assert_msg(rc == SCENARIO_ERROR_EXIT, "rc %d, output:\n%s", rc, out);
    free(out);
    return msg;
}

START_TEST(test_time_verbs)
{
    run_ok("wait 10us\nexpect now() == 10us\nat 25us\nexpect now() == 25us\n"
           "mark m\nwait 3ns\nexpect elapsed(m) == 3ns\nwait 0ps\nexpect now() == 25003ns\n");
    char *msg = run_error("wait 10us\nat 5us\n");
    ck_assert_str_eq(msg, "t.trace:2:1: 'at 5.000000us' is in the past (now 10.000000us)");
    g_free(msg);
    msg = run_error("let x = elapsed(m)\nmark m\n");
    ck_assert_str_eq(msg, "t.trace:1:17: unknown mark 'm' (declare it first)");
    g_free(msg);
    msg = run_error("if 0 { mark m }\nlet x = elapsed(m)\n");
    ck_assert_str_eq(msg, "t.trace:2:9: mark 'm' has not been set yet");
    g_free(msg);
}
END_TEST

START_TEST(test_wait_until_errors)
{
    char *msg = run_error("machine\nwait until reg(smmu.CR0ACK) == 8 timeout=2us\n");
    ck_assert_str_eq(msg, "t.trace:2:1: wait: the machine went idle at 0.000000us and the condition is still false: "
                          "wait until reg(smmu.CR0ACK) == 8 timeout=2us");
    g_free(msg);
    run_ok("expect_error \"went idle\" { wait until 0 }\nwait until idle\nexpect idle()\n");
    /* a condition that becomes true as time advances */
    run_ok("mmio write smmu.CR0 8\nwait until reg(smmu.CR0ACK) == 8 timeout=10us\nexpect reg(smmu.CR0ACK) == 8\n");
}
END_TEST

START_TEST(test_machine_config)
{
    run_ok("set bus.mmio_latency_ns=0 smmu.clock_mhz=500\nmachine\nexpect param(\"smmu.clock_mhz\") == 500\n"
           "expect cycles(3) == 6ns\nexpect param(\"machine.cmdqv\") == 1\n");
    char *msg = run_error("machine\nset smmu.clock_mhz=500\n");
    ck_assert_str_eq(msg, "t.trace:2:1: 'set' must come before the machine is created (it was created at t.trace:1)");
    g_free(msg);
    msg = run_error("wait 1us\nprofile grace\n");
    ck_assert_str_eq(msg, "t.trace:2:1: 'profile' must come before the machine is created (it was created at t.trace:1)");
    g_free(msg);
    msg = run_error("set smmu.clock_mhx=5\n");
    ck_assert_str_eq(msg, "t.trace:1:5: unknown parameter 'smmu.clock_mhx' (did you mean 'smmu.clock_mhz'?) "
                          "(see 'smmusim params')");
    g_free(msg);
    msg = run_error("set smmu.clock_mhz=0\n");
    ck_assert_msg(g_str_has_prefix(msg, "t.trace:1:5: "), "%s", msg);
    g_free(msg);
    msg = run_error("machine\nmachine\n");
    ck_assert_str_eq(msg, "t.trace:2:1: 'machine' must come before the machine is created (it was created at t.trace:1)");
    g_free(msg);
    msg = run_error("profile no_such_profile_xyz\nmachine\n");
    ck_assert_msg(g_str_has_prefix(msg, "t.trace:1:1: profile 'no_such_profile_xyz': "), "%s", msg);
    g_free(msg);
    /* command-line sets win over the scenario's */
    const char *sets[] = { "smmu.clock_mhz=250", NULL };
    struct scenario_opts o = { .sets = sets, .quiet = true };
    char *out, *err;
    int rc = scn_test_run_opts("set smmu.clock_mhz=500\nexpect param(\"smmu.clock_mhz\") == 250\n", &o, &out, &err);
    ck_assert_int_eq(rc, SCENARIO_OK);
    free(out);
}
END_TEST

START_TEST(test_mmio_costs_bus_latency)
{
    run_ok("set bus.mmio_latency_ns=150\nmmio write smmu.CMDQ_PROD 0\nexpect now() == 150ns\n"
           "mmio read smmu.CMDQ_CONS -> c\nexpect now() == 300ns\nexpect now() == 2 * param(\"bus.mmio_latency_ns\") * 1ns\n"
           "let r = reg(smmu.CMDQ_CONS)\nexpect now() == 300ns\n");
    run_ok("mmio write 0x09050020 8 size=4\nwait until reg(smmu.CR0ACK) == 8 timeout=1us\n"
           "mmio read 0x09050024 -> v\nexpect v == 8\n");
    char *msg = run_error("mmio write smmu.CR0 0x100000000\n");
    ck_assert_str_eq(msg, "t.trace:1:21: value 0x100000000 does not fit in a 4-byte access");
    g_free(msg);
    msg = run_error("mmio write 0x09050021 1\n");
    ck_assert_str_eq(msg, "t.trace:1:1: 4-byte MMIO write at 0x9050021 is not a valid access (size or alignment)");
    g_free(msg);
    msg = run_error("mmio write smmu.CR0 1 size=2\n");
    ck_assert_str_eq(msg, "t.trace:1:28: MMIO size must be 4 or 8 bytes, not 2");
    g_free(msg);
    /* cmdqv registers resolve against the CMDQV window */
    run_ok("mmio read cmdqv.CONFIG -> c\nexpect c == reg(cmdqv.CONFIG)\nexpect c != 0\n");
    msg = run_error("set machine.cmdqv=false\nmmio read cmdqv.CONFIG -> c\n");
    ck_assert_str_eq(msg, "t.trace:2:11: this machine has no CMDQV (set machine.cmdqv=true before the machine starts)");
    g_free(msg);
}
END_TEST

START_TEST(test_mem_verbs)
{
    run_ok("mem write 0x1000 0x1122334455667788\nexpect mem64(0x1000) == 0x1122334455667788\n"
           "mem write 0x1000 0xab size=1\nexpect mem8(0x1000) == 0xab\nexpect mem16(0x1000) == 0x77ab\n"
           "mem read 0x1004 size=4 -> v\nexpect v == 0x11223344\n"
           "mem fill 0x2000 16 byte=0x5a\nexpect mem32(0x200c) == 0x5a5a5a5a\nexpect mem8(0x2010) == 0\n"
           "mem abort 0x3000 16 kind=write\nexpect_error \"aborted\" { mem write 0x3008 1 }\n"
           "mem read 0x3000 -> r\nmem clear_aborts\nmem write 0x3008 1\n");
    char *msg = run_error("mem write 0x1000 0x100 size=1\n");
    ck_assert_str_eq(msg, "t.trace:1:18: value 0x100 does not fit in 1 bytes");
    g_free(msg);
    msg = run_error("mem write 0x1000 1 size=3\n");
    ck_assert_str_eq(msg, "t.trace:1:25: memory access size must be 1, 2, 4 or 8, not 3");
    g_free(msg);
    msg = run_error("mem abort 0x1000 0\n");
    ck_assert_str_eq(msg, "t.trace:1:1: abort range must be non-empty and not wrap");
    g_free(msg);
    msg = run_error("mem abort 0x1000 8 kind=exec\n");
    ck_assert_str_eq(msg, "t.trace:1:25: kind must be read, write or rw, not 'exec'");
    g_free(msg);
    msg = run_error("mem write 0xfffffffffffffffc 1\n");
    ck_assert_str_eq(msg, "t.trace:1:1: mem write at 0xfffffffffffffffc aborted (an injected fault covers it, or the range wraps)");
    g_free(msg);
}
END_TEST

START_TEST(test_cmd_encoding)
{
    /* TLBI_NH_VA: ASID [63:48], VMID [47:32], NUM [16:12], TG [75:74], addr VA[63:12] at [127:76] (smmuv3.md §2.2) */
    run_ok("cmd 0x1000 TLBI_NH_VA asid=1 vmid=2 addr=0x4000 tg=4K num=3\n"
           "expect mem64(0x1000) == 0x12 | (3 << 12) | (2 << 32) | (1 << 48)\n"
           "expect mem64(0x1008) == (1 << 10) | (4 << 12)\n"
           "cmd 0x1010 TLBI_NH_VA tg=64K\nexpect bits(mem64(0x1018), 11, 10) == 3\n"
           "cmd 0x1020 CFGI_ALL\nexpect mem64(0x1020) == 4\nexpect bits(mem64(0x1028), 4, 0) == 31\n"
           "cmd 0x1030 RAW dw0=0x99 dw1=7\nexpect mem64(0x1030) == 0x99\nexpect mem64(0x1038) == 7\n"
           "cmd 0x1040 CMD_SYNC cs=1 msidata=0xabcd\nexpect mem64(0x1040) == 0x46 | (1 << 12) | (0xabcd << 32)\n");
    char *msg = run_error("cmd 0x1000 TLBI_NH_VA tg=8K\n");
    ck_assert_str_eq(msg, "t.trace:1:23: tg must be 0..3 or 4K, 16K, 64K, not 8192");
    g_free(msg);
    msg = run_error("cmd 0x1000 TLBI_NH_VA asid=0x10000\n");
    ck_assert_msg(g_str_has_prefix(msg, "t.trace:1:23: "), "%s", msg);
    ck_assert_ptr_nonnull(strstr(msg, "asid"));
    g_free(msg);
    msg = run_error("cmd 0x1000 TLBI_NH_VA addr=0x1234\n");
    ck_assert_msg(g_str_has_prefix(msg, "t.trace:1:23: "), "%s", msg);
    g_free(msg);
}
END_TEST

START_TEST(test_cmdq_bringup_tlbi_sync)
{
    run_ok(BRINGUP
           "mark start\n"
           "q0 push TLBI_NH_VA asid=1 vmid=2 addr=0x4000 tg=4K num=3\n"
           "q0 push CMD_SYNC\n"
           "q0 submit\n"
           "wait until q0 drained timeout=100us\n"
           "expect drained(q0)\n"
           "expect stat(\"smmu.cmdq.cmds\") == 2\n"
           "expect stat(\"smmu.cmdq.syncs\") == 1\n"
           "expect stat(\"smmu.cmdq.sync_latency.count\") == 1\n"
           "expect bits(reg(smmu.CMDQ_CONS), 19, 0) == 2\n"
           "expect bits(reg(smmu.CMDQ_CONS), 30, 24) == 0\n"
           "expect elapsed(start) > 0\n");
}
END_TEST

START_TEST(test_illegal_command_sets_cons_err)
{
    /* An unarchitected opcode: CERROR_ILL in CONS.ERR, CONS stays on it, GERROR.CMDQ_ERR toggles. */
    run_ok(BRINGUP
           "q0 push TLBI_NH_ALL vmid=1\n"
           "q0 push RAW dw0=0x99\n"
           "q0 push CMD_SYNC\n"
           "q0 submit\n"
           "wait until bits(reg(smmu.CMDQ_CONS), 30, 24) != 0 timeout=100us\n"
           "expect bits(reg(smmu.CMDQ_CONS), 30, 24) == 1\n"
           "expect bits(reg(smmu.CMDQ_CONS), 19, 0) == 1\n"
           "expect (reg(smmu.GERROR) & 1) == 1\n"
           "expect !drained(q0)\n"
           "expect_error \"timed out\" { wait until q0 drained timeout=5us }\n");
}
END_TEST

START_TEST(test_queue_full)
{
    char *msg = run_error(BRINGUP "repeat 257 { q0 push CMD_SYNC }\n");
    ck_assert_str_eq(msg, "t.trace:7:14: queue 'q0' is full (256 entries): submit and wait until it has room");
    g_free(msg);
    msg = run_error("q9 push CMD_SYNC\n");
    ck_assert_str_eq(msg, "t.trace:1:1: unknown statement 'q9'");
    g_free(msg);
    msg = run_error("if 0 { queue q base=0 log2size=2 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS }\nq submit\n");
    ck_assert_str_eq(msg, "t.trace:2:1: queue 'q' is used before its 'queue' statement ran");
    g_free(msg);
    msg = run_error("queue q base=0 log2size=20 prod=smmu.CMDQ_PROD cons=smmu.CMDQ_CONS\n");
    ck_assert_str_eq(msg, "t.trace:1:25: log2size 20 is larger than 19");
    g_free(msg);
}
END_TEST

START_TEST(test_perf_loop)
{
    /* 1000 batches of 100 TLBIs + SYNC through the CMDQ: a few lines. */
    run_ok("set bus.mmio_latency_ns=0\n" BRINGUP
           "repeat 1000 {\n"
           "  repeat 100 { q0 push TLBI_NH_ASID asid=1 vmid=1 }\n"
           "  q0 push CMD_SYNC\n"
           "  q0 submit\n"
           "  wait until q0 drained timeout=1ms\n"
           "}\n"
           "expect stat(\"smmu.cmdq.cmds\") == 101000\n");
}
END_TEST

/* --------------------------------------------------------- record/replay */

static char *slurp(const char *path)
{
    char *text = NULL;
    ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "cannot read %s", path);
    return text;
}

START_TEST(test_record_replay)
{
    char *dir = scn_test_tmpdir();
    scn_test_write(dir, "orig.trace",
                   "set smmu.tlbi_cycles=12\n" BRINGUP
                   "for i in 0..20 {\n  q0 push TLBI_NH_VA asid=i vmid=1 addr=i * 4K\n"
                   "  if i % 5 == 4 { q0 push CMD_SYNC; q0 submit; wait until q0 drained }\n}\n"
                   "mem fill 0x200000 64 byte=1\nmem abort 0x300000 32 kind=read\n"
                   "mmio read smmu.CMDQ_CONS -> c\nwait 2us\n");
    char *orig = g_build_filename(dir, "orig.trace", NULL);
    char *rec = g_build_filename(dir, "rec.trace", NULL);
    char *st1 = g_build_filename(dir, "s1.json", NULL);
    char *st2 = g_build_filename(dir, "s2.json", NULL);
    GError *err = NULL;
    struct scenario_opts o = { .quiet = true, .stats_path = st1 };
    int rc = scenario_record(orig, rec, &o, &err);
    ck_assert_msg(rc == SCENARIO_OK, "%s", err ? err->message : "");
    o.stats_path = st2;
    rc = scenario_run_file(rec, &o, &err);
    ck_assert_msg(rc == SCENARIO_OK, "replay: %s", err ? err->message : "");
    char *a = slurp(st1), *b = slurp(st2), *r = slurp(rec);
    ck_assert_ptr_nonnull(strstr(a, "\"smmu.cmdq.cmds\""));
    ck_assert_str_eq(a, b);
    ck_assert_ptr_nonnull(strstr(r, "set smmu.tlbi_cycles=\"12\"\n"));
    ck_assert_ptr_nonnull(strstr(r, "mem abort 0x300000 32 kind=read\n"));
    ck_assert_ptr_nonnull(strstr(r, "expect r == 0x"));
    g_free(a);
    g_free(b);
    g_free(r);
    /* a record that cannot be written is an error before anything runs */
    rc = scenario_record(orig, "/nonexistent/dir/rec.trace", &o, &err);
    ck_assert_int_eq(rc, SCENARIO_ERROR_EXIT);
    ck_assert_ptr_nonnull(strstr(err->message, "cannot write record"));
    g_clear_error(&err);
    g_free(orig);
    g_free(rec);
    g_free(st1);
    g_free(st2);
    scn_test_rmdir(dir);
}
END_TEST

/* ------------------------------------------------------ timeline (JSON) */

/* A minimal JSON reader, enough to check the trace-event shape. */
enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct jv {
    enum jt t;
    double num;
    bool num_is_number;
    char *str;
    GPtrArray *items;   /* J_ARR: jv*, J_OBJ: alternating key (jv str), value */
};

static void jv_free(gpointer p)
{
    struct jv *v = p;
    if (!v)
        return;
    g_free(v->str);
    if (v->items)
        g_ptr_array_free(v->items, TRUE);
    g_free(v);
}

static void skip_ws(const char **s)
{
    while (**s == ' ' || **s == '\n' || **s == '\t' || **s == '\r')
        (*s)++;
}

static struct jv *jparse(const char **s);

static char *jstring(const char **s)
{
    GString *g = g_string_new(NULL);
    (*s)++;
    while (**s && **s != '"') {
        if (**s == '\\') {
            (*s)++;
            if (**s == 'u') {
                *s += 4;
                g_string_append_c(g, '?');
            } else {
                g_string_append_c(g, **s == 'n' ? '\n' : **s);
            }
        } else {
            g_string_append_c(g, **s);
        }
        (*s)++;
    }
    if (**s != '"') {
        g_string_free(g, TRUE);
        return NULL;
    }
    (*s)++;
    return g_string_free(g, FALSE);
}

static struct jv *jparse(const char **s)
{
    skip_ws(s);
    struct jv *v = g_new0(struct jv, 1);
    if (**s == '{' || **s == '[') {
        bool obj = **s == '{';
        v->t = obj ? J_OBJ : J_ARR;
        v->items = g_ptr_array_new_with_free_func(jv_free);
        (*s)++;
        skip_ws(s);
        if (**s == (obj ? '}' : ']')) {
            (*s)++;
            return v;
        }
        for (;;) {
            skip_ws(s);
            if (obj) {
                if (**s != '"')
                    goto bad;
                struct jv *k = g_new0(struct jv, 1);
                k->t = J_STR;
                k->str = jstring(s);
                g_ptr_array_add(v->items, k);
                if (!k->str)
                    goto bad;
                skip_ws(s);
                if (**s != ':')
                    goto bad;
                (*s)++;
            }
            struct jv *item = jparse(s);
            if (!item)
                goto bad;
            g_ptr_array_add(v->items, item);
            skip_ws(s);
            if (**s == ',') {
                (*s)++;
                continue;
            }
            if (**s == (obj ? '}' : ']')) {
                (*s)++;
                return v;
            }
            goto bad;
        }
    }
    if (**s == '"') {
        v->t = J_STR;
        if (!(v->str = jstring(s)))
            goto bad;
        return v;
    }
    if (**s == '-' || g_ascii_isdigit(**s)) {
        char *end;
        v->t = J_NUM;
        v->num = g_ascii_strtod(*s, &end);
        if (end == *s)
            goto bad;
        *s = end;
        return v;
    }
    if (!strncmp(*s, "true", 4) || !strncmp(*s, "null", 4)) {
        v->t = **s == 't' ? J_BOOL : J_NULL;
        *s += 4;
        return v;
    }
    if (!strncmp(*s, "false", 5)) {
        v->t = J_BOOL;
        *s += 5;
        return v;
    }
bad:
    jv_free(v);
    return NULL;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
    if (!o || o->t != J_OBJ)
        return NULL;
    for (guint i = 0; i + 1 < o->items->len; i += 2)
        if (!strcmp(((struct jv *)g_ptr_array_index(o->items, i))->str, key))
            return g_ptr_array_index(o->items, i + 1);
    return NULL;
}

START_TEST(test_timeline_shape)
{
    char *dir = scn_test_tmpdir();
    char *tl = g_build_filename(dir, "tl.json", NULL);
    struct scenario_opts o = { .quiet = true, .timeline_path = tl };
    char *out, *msg;
    int rc = scn_test_run_opts(BRINGUP "mark go\nrepeat 3 {\n  q0 push TLBI_NH_ASID asid=1\n  q0 push CMD_SYNC\n"
                               "  q0 submit\n  wait until q0 drained\n}\n", &o, &out, &msg);
    ck_assert_msg(rc == SCENARIO_OK, "%s", msg ? msg : "");
    free(out);
    char *text = slurp(tl);
    const char *p = text;
    struct jv *root = jparse(&p);
    ck_assert_msg(root != NULL, "timeline is not JSON");
    skip_ws(&p);
    ck_assert_int_eq(*p, '\0');
    const struct jv *evs = jget(root, "traceEvents");
    ck_assert_ptr_nonnull(evs);
    ck_assert_int_eq(evs->t, J_ARR);
    unsigned begins = 0, ends = 0, counters = 0, instants = 0, meta = 0;
    GHashTable *open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (guint i = 0; i < evs->items->len; i++) {
        const struct jv *e = g_ptr_array_index(evs->items, i);
        const struct jv *ph = jget(e, "ph"), *ts = jget(e, "ts"), *pid = jget(e, "pid"), *tid = jget(e, "tid"),
                        *name = jget(e, "name");
        ck_assert_msg(ph && ph->t == J_STR, "event %u without ph", i);
        ck_assert_msg(ts && ts->t == J_NUM, "event %u without numeric ts", i);
        ck_assert_msg(pid && pid->t == J_NUM && tid && tid->t == J_NUM, "event %u without pid/tid", i);
        ck_assert_msg(name && name->t == J_STR, "event %u without name", i);
        if (!strcmp(ph->str, "b") || !strcmp(ph->str, "e")) {
            const struct jv *id = jget(e, "id"), *cat = jget(e, "cat");
            ck_assert_ptr_nonnull(id);
            ck_assert_ptr_nonnull(cat);
            char *key = g_strdup_printf("%s/%.0f", cat->str, id->num);
            if (ph->str[0] == 'b') {
                ck_assert(!g_hash_table_contains(open, key));
                double *t = g_new(double, 1);
                *t = ts->num;
                g_hash_table_insert(open, key, t);
                begins++;
            } else {
                double *t = g_hash_table_lookup(open, key);
                ck_assert_msg(t != NULL, "end without begin: %s", key);
                ck_assert(ts->num >= *t);
                g_hash_table_remove(open, key);
                g_free(key);
                ends++;
            }
        } else if (!strcmp(ph->str, "C")) {
            ck_assert_ptr_nonnull(jget(jget(e, "args"), "entries"));
            counters++;
        } else if (!strcmp(ph->str, "i")) {
            instants++;
        } else if (!strcmp(ph->str, "M")) {
            meta++;
        }
    }
    ck_assert_uint_eq(g_hash_table_size(open), 0);
    /* 6 commands + 3 syncs as async slices */
    ck_assert_uint_eq(begins, 9);
    ck_assert_uint_eq(ends, 9);
    ck_assert_uint_gt(counters, 0);
    ck_assert_uint_ge(instants, 4 + 3 + 1);   /* bring-up writes, submits, the mark */
    ck_assert_uint_ge(meta, 3);
    g_hash_table_destroy(open);
    jv_free(root);
    g_free(text);
    g_free(tl);
    scn_test_rmdir(dir);
}
END_TEST

START_TEST(test_stats_and_summary)
{
    char *dir = scn_test_tmpdir();
    char *js = g_build_filename(dir, "s.json", NULL), *csv = g_build_filename(dir, "s.csv", NULL);
    struct scenario_opts o = { .stats_path = js };
    char *out, *msg;
    const char *text = BRINGUP "q0 push CMD_SYNC\nq0 submit\nwait until q0 drained\n";
    int rc = scn_test_run_opts(text, &o, &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_OK);
    ck_assert_ptr_nonnull(strstr(out, "-- summary --"));
    ck_assert_ptr_nonnull(strstr(out, "smmu.cmdq.cmds"));
    ck_assert_ptr_nonnull(strstr(out, "smmu.cmdq.sync_latency"));
    free(out);
    char *j = slurp(js);
    ck_assert_ptr_nonnull(strstr(j, "\"params\""));
    ck_assert_ptr_nonnull(strstr(j, "\"smmu.clock_mhz\""));
    g_free(j);
    o.stats_path = csv;
    rc = scn_test_run_opts(text, &o, &out, &msg);
    ck_assert_int_eq(rc, SCENARIO_OK);
    free(out);
    char *c = slurp(csv);
    ck_assert_ptr_nonnull(strstr(c, "smmu.cmdq.cmds"));
    g_free(c);
    g_free(js);
    g_free(csv);
    scn_test_rmdir(dir);
}
END_TEST

/* Every example scenario runs and meets its expectations. */
START_TEST(test_examples)
{
    char *dir = g_build_filename(SMMUSIM_SOURCE_DIR, "traces", "examples", NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    ck_assert_ptr_nonnull(d);
    const char *name;
    unsigned n = 0;
    while ((name = g_dir_read_name(d))) {
        if (!g_str_has_suffix(name, ".trace"))
            continue;
        char *path = g_build_filename(dir, name, NULL);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct scenario_opts o = { .out = f };
        GError *err = NULL;
        int rc = scenario_run_file(path, &o, &err);
        fclose(f);
        ck_assert_msg(rc == SCENARIO_OK, "%s: rc %d %s\n%s", name, rc, err ? err->message : "", buf);
        g_clear_error(&err);
        free(buf);
        g_free(path);
        n++;
    }
    g_dir_close(d);
    g_free(dir);
    ck_assert_uint_ge(n, 3);
}
END_TEST

static Suite *hw_suite(void)
{
    Suite *s = suite_create("scenario_hw");
    TCase *tc = tcase_create("hw");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_time_verbs);
    tcase_add_test(tc, test_wait_until_errors);
    tcase_add_test(tc, test_machine_config);
    tcase_add_test(tc, test_mmio_costs_bus_latency);
    tcase_add_test(tc, test_mem_verbs);
    tcase_add_test(tc, test_cmd_encoding);
    tcase_add_test(tc, test_cmdq_bringup_tlbi_sync);
    tcase_add_test(tc, test_illegal_command_sets_cons_err);
    tcase_add_test(tc, test_queue_full);
    tcase_add_test(tc, test_perf_loop);
    tcase_add_test(tc, test_record_replay);
    tcase_add_test(tc, test_timeline_shape);
    tcase_add_test(tc, test_stats_and_summary);
    tcase_add_test(tc, test_examples);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hw_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
