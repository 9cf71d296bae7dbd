/*
 * check_stats_json.c — the JSON writer (sim/json.h) and the statistics
 * registry with its JSON and CSV reports (sim/stats.h).
 *
 * GLib has no JSON parser, so the output is checked by a small validating
 * recursive-descent parser below (RFC 8259 grammar; it also decodes strings
 * so escaping can be compared with the input).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "core-check.h"
#include "sim/json.h"
#include "sim/params.h"
#include "sim/stats.h"

/* ---- a validating JSON parser ---------------------------------------- */

struct jp {
    const char *p;
    int depth;
    GString *last_string;   /* decoded value of the last string parsed */
};

static bool jp_value(struct jp *j);

static void jp_ws(struct jp *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
        j->p++;
}

static int hexval(char c)
{
    return g_ascii_xdigit_value(c);
}

static bool jp_string(struct jp *j)
{
    if (*j->p != '"')
        return false;
    j->p++;
    g_string_truncate(j->last_string, 0);
    for (;;) {
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            return g_utf8_validate(j->last_string->str, (gssize)j->last_string->len, NULL);
        }
        if (c < 0x20)
            return false;  /* raw control characters (and NUL: end of text) are invalid */
        if (c != '\\') {
            g_string_append_c(j->last_string, (char)c);
            j->p++;
            continue;
        }
        j->p++;
        char e = *j->p++;
        switch (e) {
        case '"': g_string_append_c(j->last_string, '"'); break;
        case '\\': g_string_append_c(j->last_string, '\\'); break;
        case '/': g_string_append_c(j->last_string, '/'); break;
        case 'b': g_string_append_c(j->last_string, '\b'); break;
        case 'f': g_string_append_c(j->last_string, '\f'); break;
        case 'n': g_string_append_c(j->last_string, '\n'); break;
        case 'r': g_string_append_c(j->last_string, '\r'); break;
        case 't': g_string_append_c(j->last_string, '\t'); break;
        case 'u': {
            gunichar u = 0;
            for (int k = 0; k < 4; k++) {
                int v = hexval(j->p[k]);
                if (v < 0)
                    return false;
                u = u * 16 + (gunichar)v;
            }
            j->p += 4;
            if (u >= 0xd800 && u < 0xe000)
                return false;  /* surrogates: the writer has no reason to emit them */
            g_string_append_unichar(j->last_string, u);
            break;
        }
        default:
            return false;
        }
    }
}

static bool jp_number(struct jp *j)
{
    const char *s = j->p;
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (g_ascii_isdigit(*s))
            s++;
    else
        return false;
    if (*s == '.') {
        s++;
        if (!g_ascii_isdigit(*s))
            return false;
        while (g_ascii_isdigit(*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!g_ascii_isdigit(*s))
            return false;
        while (g_ascii_isdigit(*s))
            s++;
    }
    j->p = s;
    return true;
}

static bool jp_literal(struct jp *j, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(j->p, lit, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool jp_members(struct jp *j, char close, bool keyed)
{
    j->p++;
    if (++j->depth > 64)
        return false;
    jp_ws(j);
    if (*j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        jp_ws(j);
        if (keyed) {
            if (!jp_string(j))
                return false;
            jp_ws(j);
            if (*j->p++ != ':')
                return false;
        }
        if (!jp_value(j))
            return false;
        jp_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != close)
            return false;
        j->depth--;
        return true;
    }
}

static bool jp_value(struct jp *j)
{
    jp_ws(j);
    switch (*j->p) {
    case '{': return jp_members(j, '}', true);
    case '[': return jp_members(j, ']', false);
    case '"': return jp_string(j);
    case 't': return jp_literal(j, "true");
    case 'f': return jp_literal(j, "false");
    case 'n': return jp_literal(j, "null");
    default: return jp_number(j);
    }
}

/* True if text is exactly one JSON value (plus whitespace). */
static bool json_valid(const char *text)
{
    struct jp j = { text, 0, g_string_new(NULL) };
    bool ok = jp_value(&j);
    jp_ws(&j);
    ok = ok && *j.p == '\0';
    g_string_free(j.last_string, TRUE);
    return ok;
}

/* Decode a JSON string literal (text must be exactly one). */
static char *json_decode_string(const char *text)
{
    struct jp j = { text, 0, g_string_new(NULL) };
    jp_ws(&j);
    bool ok = jp_string(&j);
    jp_ws(&j);
    ck_assert_msg(ok && *j.p == '\0', "not one JSON string: %s", text);
    return g_string_free(j.last_string, FALSE);
}

START_TEST(test_validator_itself)
{
    ck_assert(json_valid("{\"a\":[1,2.5,-3e+2,true,false,null,{}],\"b\":\"x\\u0001\"}"));
    ck_assert(json_valid(" [ ] \n"));
    ck_assert(!json_valid("{\"a\":1,}"));
    ck_assert(!json_valid("[1 2]"));
    ck_assert(!json_valid("[1,]"));
    ck_assert(!json_valid("\"tab\there\""));
    ck_assert(!json_valid("{\"a\" 1}"));
    ck_assert(!json_valid("nan"));
    ck_assert(!json_valid("01"));
    ck_assert(!json_valid("[1]]"));
    ck_assert(!json_valid(""));
}
END_TEST

/* ---- JSON writer ------------------------------------------------------ */

struct memout {
    char *buf;
    size_t len;
    FILE *f;
};

static FILE *mem_open(struct memout *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    ck_assert_ptr_nonnull(m->f);
    return m->f;
}

static char *mem_close(struct memout *m)
{
    fclose(m->f);
    return m->buf;
}

/* Remove whitespace outside strings, to compare layouts. */
static char *squeeze(const char *s)
{
    GString *o = g_string_new(NULL);
    bool in = false;
    for (; *s; s++) {
        if (in) {
            g_string_append_c(o, *s);
            if (*s == '\\' && s[1])
                g_string_append_c(o, *++s);
            else if (*s == '"')
                in = false;
        } else if (*s == '"') {
            in = true;
            g_string_append_c(o, *s);
        } else if (!g_ascii_isspace(*s)) {
            g_string_append_c(o, *s);
        }
    }
    return g_string_free(o, FALSE);
}

static char *escaped(const char *s)
{
    struct memout m;
    sim_json_write_escaped(mem_open(&m), s);
    return mem_close(&m);
}

START_TEST(test_escaping)
{
    char all[40];
    for (int i = 1; i < 32; i++)
        all[i - 1] = (char)i;
    strcpy(all + 31, "\"\\/x");
    static const char *const cases[] = {
        "", "plain", "quote\"inside", "back\\slash", "new\nline\ttab\rcr", "\x7f del",
        "h\xc3\xa9llo \xe2\x86\x92 \xf0\x9f\x99\x82 UTF-8",
    };
    char *out = escaped(all);
    char *back = json_decode_string(out);
    ck_assert_str_eq(back, all);
    for (const char *c = out; *c; c++)
        ck_assert_uint_ge((unsigned char)*c, 0x20);
    g_free(back);
    free(out);
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(cases); i++) {
        out = escaped(cases[i]);
        back = json_decode_string(out);
        ck_assert_str_eq(back, cases[i]);
        g_free(back);
        free(out);
    }
    /* UTF-8 passes through as bytes, not \u escapes */
    out = escaped("h\xc3\xa9llo");
    ck_assert_str_eq(out, "\"h\xc3\xa9llo\"");
    free(out);
}
END_TEST

static void write_sample(struct sim_json *j)
{
    sim_json_begin_object(j);
    sim_json_kv_u64(j, "a", 1);
    sim_json_key(j, "b");
    sim_json_begin_array(j);
    sim_json_u64(j, 1);
    sim_json_i64(j, -2);
    sim_json_begin_object(j);
    sim_json_key(j, "c");
    sim_json_null(j);
    sim_json_kv_bool(j, "t", true);
    sim_json_end_object(j);
    sim_json_begin_array(j);
    sim_json_end_array(j);
    sim_json_begin_object(j);
    sim_json_end_object(j);
    sim_json_string(j, "s");
    sim_json_bool(j, false);
    sim_json_end_array(j);
    sim_json_kv_string(j, "d", "e\"f");
    sim_json_key(j, "deep");
    for (int i = 0; i < 12; i++)
        sim_json_begin_array(j);
    for (int i = 0; i < 12; i++)
        sim_json_end_array(j);
    sim_json_end_object(j);
    sim_json_finish(j);
}

START_TEST(test_nesting_and_commas)
{
    static const char *const expect =
        "{\"a\":1,\"b\":[1,-2,{\"c\":null,\"t\":true},[],{},\"s\",false],\"d\":\"e\\\"f\","
        "\"deep\":[[[[[[[[[[[[]]]]]]]]]]]]}";
    for (int pretty = 0; pretty < 2; pretty++) {
        struct memout m;
        struct sim_json j;
        sim_json_init(&j, mem_open(&m), pretty);
        write_sample(&j);
        char *out = mem_close(&m);
        ck_assert_msg(json_valid(out), "invalid JSON:\n%s", out);
        ck_assert_uint_gt(strlen(out), 0);
        ck_assert_int_eq(out[strlen(out) - 1], '\n');
        char *sq = squeeze(out);
        ck_assert_str_eq(sq, expect);
        g_free(sq);
        free(out);
    }
}
END_TEST

START_TEST(test_numbers)
{
    static const double finite[] = { 0.0, 0.1, -2.5, 1e300, 5e-324, 123456789.125, -0.0,
                                      1.0 / 3.0, 2.2250738585072014e-308 };
    struct memout m;
    struct sim_json j;
    sim_json_init(&j, mem_open(&m), false);
    sim_json_begin_array(&j);
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(finite); i++)
        sim_json_double(&j, finite[i]);
    sim_json_double(&j, NAN);
    sim_json_double(&j, INFINITY);
    sim_json_double(&j, -INFINITY);
    sim_json_u64(&j, UINT64_MAX);
    sim_json_i64(&j, INT64_MIN);
    sim_json_i64(&j, INT64_MAX);
    sim_json_end_array(&j);
    sim_json_finish(&j);
    char *out = mem_close(&m);
    ck_assert_msg(json_valid(out), "invalid JSON: %s", out);
    char *sq = squeeze(out);
    ck_assert_int_eq(sq[0], '[');
    gchar **items = g_strsplit(sq + 1, ",", -1);
    unsigned n = g_strv_length(items);
    ck_assert_uint_eq(n, SIM_ARRAY_SIZE(finite) + 6);
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(finite); i++) {
        double back = g_ascii_strtod(items[i], NULL);
        ck_assert_msg(back == finite[i], "%s does not round-trip %.17g", items[i], finite[i]);
    }
    unsigned k = SIM_ARRAY_SIZE(finite);
    ck_assert_str_eq(items[k], "null");
    ck_assert_str_eq(items[k + 1], "null");
    ck_assert_str_eq(items[k + 2], "null");
    ck_assert_str_eq(items[k + 3], "18446744073709551615");
    ck_assert_str_eq(items[k + 4], "-9223372036854775808");
    ck_assert_str_eq(items[k + 5], "9223372036854775807]");
    g_strfreev(items);
    g_free(sq);
    free(out);
}
END_TEST

START_TEST(test_kv_double)
{
    struct memout m;
    struct sim_json j;
    sim_json_init(&j, mem_open(&m), true);
    sim_json_begin_object(&j);
    sim_json_kv_double(&j, "rate", 0.5);
    sim_json_kv_double(&j, "bad", NAN);
    sim_json_kv_string(&j, "ctl", "\x01\x1f");
    sim_json_end_object(&j);
    sim_json_finish(&j);
    char *out = mem_close(&m);
    ck_assert_msg(json_valid(out), "%s", out);
    char *sq = squeeze(out);
    ck_assert_str_eq(sq, "{\"rate\":0.5,\"bad\":null,\"ctl\":\"\\u0001\\u001f\"}");
    g_free(sq);
    free(out);
}
END_TEST

/* ---- statistics ------------------------------------------------------- */

static struct sim_stats *st;
static struct sim_params *params;
static uint64_t c_zeta = 7, c_alpha = 3, c_mid = 11, c_smmu1 = 1, c_smmu2 = 2, c_smmux = 9;
static struct sim_hist lat;

static const struct sim_param_def pdefs[] = {
    { "smmu.tlbi_cycles", SIM_PARAM_U64, "20", "cycles", "TLBI cost", 0, 0, NULL },
    { "run.label", SIM_PARAM_STRING, "a,b \"q\"", "", "label", 0, 0, NULL },
};

static void stats_setup(void)
{
    st = sim_stats_new();
    params = sim_params_new();
    ck_assert(sim_params_declare(params, pdefs, SIM_ARRAY_SIZE(pdefs), NULL));
    sim_hist_init(&lat);
    for (uint64_t v = 1; v <= 100; v++)
        sim_hist_record(&lat, v * 1000);
    sim_stats_add_counter(st, "zeta.count", &c_zeta);
    sim_stats_add_counter(st, "alpha.count", &c_alpha);
    sim_stats_add_counter(st, "mid.count", &c_mid);
    sim_stats_add_counter(st, "smmu.cmdq.a", &c_smmu1);
    sim_stats_add_counter(st, "smmu.b", &c_smmu2);
    sim_stats_add_counter(st, "smmux.c", &c_smmux);
    sim_stats_add_hist(st, "mid.latency", "ps", &lat);
    sim_stats_set_value(st, "beta.result", 42);
}

static void stats_teardown(void)
{
    sim_stats_free(st);
    sim_params_free(params);
}

struct names {
    GPtrArray *all;
};

static void name_counter(const char *name, uint64_t value, void *opaque)
{
    struct names *n = opaque;
    (void)value;
    g_ptr_array_add(n->all, g_strdup(name));
}

static void name_hist(const char *name, const char *unit, const struct sim_hist *hh, void *opaque)
{
    struct names *n = opaque;
    (void)unit;
    (void)hh;
    g_ptr_array_add(n->all, g_strdup(name));
}

START_TEST(test_stats_lookup_and_order)
{
    uint64_t v;
    ck_assert(sim_stats_lookup_counter(st, "alpha.count", &v));
    ck_assert_uint_eq(v, 3);
    c_alpha = 5;  /* read at report time, not at registration */
    ck_assert(sim_stats_lookup_counter(st, "alpha.count", &v));
    ck_assert_uint_eq(v, 5);
    c_alpha = 3;
    ck_assert(sim_stats_lookup_counter(st, "beta.result", &v));
    ck_assert_uint_eq(v, 42);
    ck_assert(!sim_stats_lookup_counter(st, "nothing", &v));
    ck_assert_ptr_eq(sim_stats_lookup_hist(st, "mid.latency"), &lat);
    ck_assert_ptr_null(sim_stats_lookup_hist(st, "alpha.count"));

    struct names n = { g_ptr_array_new_with_free_func(g_free) };
    sim_stats_foreach(st, name_counter, name_hist, &n);
    static const char *const order[] = { "alpha.count", "beta.result", "mid.count", "mid.latency",
                                         "smmu.b", "smmu.cmdq.a", "smmux.c", "zeta.count" };
    ck_assert_uint_eq(n.all->len, SIM_ARRAY_SIZE(order));
    for (unsigned i = 0; i < n.all->len; i++)
        ck_assert_str_eq(g_ptr_array_index(n.all, i), order[i]);
    g_ptr_array_free(n.all, TRUE);

    /* re-registering replaces */
    static uint64_t other = 99;
    sim_stats_add_counter(st, "alpha.count", &other);
    ck_assert(sim_stats_lookup_counter(st, "alpha.count", &v));
    ck_assert_uint_eq(v, 99);
    sim_stats_set_value(st, "beta.result", 43);
    ck_assert(sim_stats_lookup_counter(st, "beta.result", &v));
    ck_assert_uint_eq(v, 43);
}
END_TEST

START_TEST(test_stats_remove_prefix)
{
    uint64_t v;
    sim_stats_remove_prefix(st, "smmu.");
    ck_assert(!sim_stats_lookup_counter(st, "smmu.cmdq.a", &v));
    ck_assert(!sim_stats_lookup_counter(st, "smmu.b", &v));
    ck_assert(sim_stats_lookup_counter(st, "smmux.c", &v));
    ck_assert(sim_stats_lookup_counter(st, "mid.count", &v));
    sim_stats_remove_prefix(st, "mid.");
    ck_assert_ptr_null(sim_stats_lookup_hist(st, "mid.latency"));
    ck_assert(!sim_stats_lookup_counter(st, "mid.count", &v));
    sim_stats_remove_prefix(st, "nothing.");
    struct names n = { g_ptr_array_new_with_free_func(g_free) };
    sim_stats_foreach(st, name_counter, name_hist, &n);
    ck_assert_uint_eq(n.all->len, 4);
    g_ptr_array_free(n.all, TRUE);
}
END_TEST

/* Freezing keeps the values a prefix's storage had when it went away. */
START_TEST(test_stats_freeze_prefix)
{
    uint64_t *counter = g_new(uint64_t, 1);
    struct sim_hist *h = g_new(struct sim_hist, 1);
    uint64_t v;
    *counter = 41;
    sim_hist_init(h);
    sim_hist_record(h, 7);
    sim_stats_add_counter(st, "gone.count", counter);
    sim_stats_add_hist(st, "gone.latency", "ps", h);
    (*counter)++;
    sim_stats_freeze_prefix(st, "gone.");
    *counter = 0;
    sim_hist_record(h, 1000);
    g_free(counter);
    g_free(h);
    ck_assert(sim_stats_lookup_counter(st, "gone.count", &v));
    ck_assert_uint_eq(v, 42);
    const struct sim_hist *kept = sim_stats_lookup_hist(st, "gone.latency");
    ck_assert_ptr_nonnull(kept);
    ck_assert_uint_eq(kept->count, 1);
    ck_assert_uint_eq(kept->max, 7);
    sim_stats_freeze_prefix(st, "gone.");     /* twice is harmless */
    ck_assert_uint_eq(sim_stats_lookup_hist(st, "gone.latency")->max, 7);
}
END_TEST

static void extra_member(struct sim_json *j, void *opaque)
{
    sim_json_kv_string(j, "extra", opaque);
}

static const char *after(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    ck_assert_msg(p != NULL, "'%s' missing from:\n%s", needle, hay);
    return p;
}

START_TEST(test_stats_json_report)
{
    struct memout m;
    sim_stats_write_json(st, params, mem_open(&m), extra_member, "here");
    char *out = mem_close(&m);
    ck_assert_msg(json_valid(out), "invalid JSON:\n%s", out);
    char *sq = squeeze(out);
    after(sq, "\"params\":{");
    after(sq, "\"smmu.tlbi_cycles\":");
    after(sq, "\"extra\":\"here\"");
    const char *stats = after(sq, "\"stats\":{");
    /* name order inside "stats" */
    const char *a = after(stats, "\"alpha.count\":3"), *b = after(stats, "\"beta.result\":42"),
               *c = after(stats, "\"mid.count\":11"), *d = after(stats, "\"mid.latency\":{"),
               *z = after(stats, "\"zeta.count\":7");
    ck_assert(a < b && b < c && c < d && d < z);
    static const char *const keys[] = { "\"count\":100", "\"min\":1000", "\"mean\":50500",
                                        "\"p50\":", "\"p90\":", "\"p99\":", "\"p999\":",
                                        "\"max\":100000", "\"unit\":\"ps\"" };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(keys); i++)
        after(d, keys[i]);
    g_free(sq);
    free(out);

    /* without params */
    sim_stats_write_json(st, NULL, mem_open(&m), NULL, NULL);
    out = mem_close(&m);
    ck_assert_msg(json_valid(out), "invalid JSON:\n%s", out);
    free(out);
}
END_TEST

START_TEST(test_stats_json_hist)
{
    struct memout m;
    struct sim_json j;
    struct sim_hist one;
    sim_hist_init(&one);
    sim_hist_record(&one, 5);
    sim_json_init(&j, mem_open(&m), false);
    sim_stats_json_hist(&j, &one, "ns");
    sim_json_finish(&j);
    char *out = mem_close(&m);
    ck_assert_msg(json_valid(out), "%s", out);
    char *sq = squeeze(out);
    static const char *const keys[] = { "\"count\":1", "\"min\":5", "\"mean\":5", "\"p50\":5",
                                        "\"p99\":5", "\"max\":5", "\"unit\":\"ns\"" };
    for (unsigned i = 0; i < SIM_ARRAY_SIZE(keys); i++)
        after(sq, keys[i]);
    g_free(sq);
    free(out);
}
END_TEST

START_TEST(test_stats_csv_report)
{
    struct memout m;
    sim_stats_write_csv(st, params, mem_open(&m));
    char *out = mem_close(&m);
    gchar **lines = g_strsplit(out, "\n", -1);
    int alpha = -1, zeta = -1, param = -1, hist_p50 = -1;
    for (int i = 0; lines[i]; i++) {
        if (strstr(lines[i], "alpha.count")) {
            alpha = i;
            ck_assert_msg(g_str_has_suffix(lines[i], ",3"), "%s", lines[i]);
        }
        if (strstr(lines[i], "zeta.count"))
            zeta = i;
        if (strstr(lines[i], "smmu.tlbi_cycles")) {
            param = i;
            ck_assert_msg(strstr(lines[i], "20"), "%s", lines[i]);
        }
        if (strstr(lines[i], "mid.latency") && strstr(lines[i], "p50"))
            hist_p50 = i;
        ck_assert_msg(lines[i][0] == '\0' || strchr(lines[i], ','), "not CSV: %s", lines[i]);
    }
    ck_assert_int_ge(alpha, 0);
    ck_assert_int_gt(zeta, alpha);
    ck_assert_int_ge(param, 0);
    ck_assert_int_ge(hist_p50, 0);
    /* the string parameter with a comma and quotes stays one quoted field */
    const char *lbl = strstr(out, "run.label");
    ck_assert_ptr_nonnull(lbl);
    ck_assert_msg(strstr(lbl, "\"a,b \"\"q\"\"\""), "CSV quoting of: %s", lbl);
    g_strfreev(lines);
    free(out);
}
END_TEST

START_TEST(test_stats_write_file)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("smmusim-stats-XXXXXX", NULL);
    char *json = g_build_filename(dir, "out.json", NULL);
    char *csv = g_build_filename(dir, "out.csv", NULL);
    char *txt = g_build_filename(dir, "out.txt", NULL);
    char *nodir = g_build_filename(dir, "missing", "out.json", NULL);
    char *text = NULL;

    ck_assert_msg(sim_stats_write_file(st, params, json, &err), "%s", err ? err->message : "");
    ck_assert(g_file_get_contents(json, &text, NULL, NULL));
    ck_assert_msg(json_valid(text), "%s", text);
    g_free(text);

    ck_assert_msg(sim_stats_write_file(st, params, csv, &err), "%s", err ? err->message : "");
    ck_assert(g_file_get_contents(csv, &text, NULL, NULL));
    ck_assert(strstr(text, "alpha.count") && !json_valid(text));
    g_free(text);

    ck_assert(!sim_stats_write_file(st, params, txt, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, "out.txt"), "%s", err->message);
    g_clear_error(&err);
    ck_assert(!g_file_test(txt, G_FILE_TEST_EXISTS));

    ck_assert(!sim_stats_write_file(st, params, nodir, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err->message, "missing"), "%s", err->message);
    g_clear_error(&err);

    g_unlink(json);
    g_unlink(csv);
    g_rmdir(dir);
    g_free(json);
    g_free(csv);
    g_free(txt);
    g_free(nodir);
    g_free(dir);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("stats_json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, test_validator_itself);
    tcase_add_test(tc, test_escaping);
    tcase_add_test(tc, test_nesting_and_commas);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_kv_double);
    suite_add_tcase(s, tc);

    tc = tcase_create("stats");
    tcase_add_checked_fixture(tc, stats_setup, stats_teardown);
    tcase_add_test(tc, test_stats_lookup_and_order);
    tcase_add_test(tc, test_stats_remove_prefix);
    tcase_add_test(tc, test_stats_freeze_prefix);
    tcase_add_test(tc, test_stats_json_report);
    tcase_add_test(tc, test_stats_json_hist);
    tcase_add_test(tc, test_stats_csv_report);
    tcase_add_test(tc, test_stats_write_file);
    suite_add_tcase(s, tc);
    return s;
}

CORE_CHECK_MAIN(make_suite)
