/*
 * json.c — streaming JSON writer.
 */
#include <math.h>
#include <inttypes.h>
#include <glib.h>
#include "sim/json.h"

void sim_json_init(struct sim_json *j, FILE *out, bool pretty)
{
    j->out = out;
    j->depth = 0;
    j->need_comma[0] = false;
    j->after_key = false;
    j->pretty = pretty;
}

static void indent(struct sim_json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->out);
}

/* Separator before a value (or key) at the current level. */
static void before_value(struct sim_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->need_comma[j->depth])
        fputc(',', j->out);
    if (j->depth > 0)
        indent(j);
    j->need_comma[j->depth] = true;
}

static void open_(struct sim_json *j, char c)
{
    before_value(j);
    fputc(c, j->out);
    g_assert(j->depth + 1 < SIM_JSON_MAX_DEPTH);
    j->depth++;
    j->need_comma[j->depth] = false;
}

static void close_(struct sim_json *j, char c)
{
    bool had = j->need_comma[j->depth];
    j->depth--;
    if (had)
        indent(j);
    fputc(c, j->out);
}

void sim_json_begin_object(struct sim_json *j) { open_(j, '{'); }
void sim_json_end_object(struct sim_json *j) { close_(j, '}'); }
void sim_json_begin_array(struct sim_json *j) { open_(j, '['); }
void sim_json_end_array(struct sim_json *j) { close_(j, ']'); }

void sim_json_write_escaped(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void sim_json_key(struct sim_json *j, const char *key)
{
    before_value(j);
    sim_json_write_escaped(j->out, key);
    fputs(j->pretty ? ": " : ":", j->out);
    j->after_key = true;
}

void sim_json_string(struct sim_json *j, const char *s)
{
    before_value(j);
    sim_json_write_escaped(j->out, s);
}

void sim_json_u64(struct sim_json *j, uint64_t v)
{
    before_value(j);
    fprintf(j->out, "%" PRIu64, v);
}

void sim_json_i64(struct sim_json *j, int64_t v)
{
    before_value(j);
    fprintf(j->out, "%" PRId64, v);
}

void sim_json_double(struct sim_json *j, double v)
{
    before_value(j);
    if (!isfinite(v)) {
        fputs("null", j->out);
        return;
    }
    /* The shortest of 15 or 17 significant digits that reads back exactly. */
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(buf, sizeof(buf), "%.15g", v);
    if (g_ascii_strtod(buf, NULL) != v)
        g_ascii_formatd(buf, sizeof(buf), "%.17g", v);
    fputs(buf, j->out);
}

void sim_json_bool(struct sim_json *j, bool v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->out);
}

void sim_json_null(struct sim_json *j)
{
    before_value(j);
    fputs("null", j->out);
}

void sim_json_finish(struct sim_json *j) { fputc('\n', j->out); }

void sim_json_kv_string(struct sim_json *j, const char *k, const char *v) { sim_json_key(j, k); sim_json_string(j, v); }
void sim_json_kv_u64(struct sim_json *j, const char *k, uint64_t v) { sim_json_key(j, k); sim_json_u64(j, v); }
void sim_json_kv_double(struct sim_json *j, const char *k, double v) { sim_json_key(j, k); sim_json_double(j, v); }
void sim_json_kv_bool(struct sim_json *j, const char *k, bool v) { sim_json_key(j, k); sim_json_bool(j, v); }
