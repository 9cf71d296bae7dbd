/*
 * sweep-json.c — a strict recursive-descent JSON reader (RFC 8259) for the
 * files a merge reads: sweep manifests and `smmusim run --stats` output.
 *
 * Strict means: exactly one value with only whitespace around it; no
 * trailing commas, comments, single quotes, NaN/Infinity, leading zeros or
 * '+' signs; control characters inside strings must be escaped; \u escapes
 * must pair surrogates; input must be valid UTF-8 without NUL bytes;
 * duplicate object keys are rejected (a statistic appearing twice is a
 * broken file, not a choice to make silently).  Nesting is limited to
 * SWEEP_JSON_MAX_DEPTH so hostile input cannot exhaust the stack.
 */
#include <stdbool.h>
#include <string.h>
#include "sim/cli/sweep.h"

struct reader {
    const char *s, *end, *p;
    const char *name;
    GError **err;
};

static void fail_at(struct reader *r, const char *at, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Report at `at`, counting lines and UTF-8 characters from the start. */
static void fail_at(struct reader *r, const char *at, const char *fmt, ...)
{
    unsigned line = 1, col = 1;
    for (const char *c = r->s; c < at && c < r->end; c++) {
        if (*c == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*c & 0xC0) != 0x80) {
            col++;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(r->err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u:%u: %s", r->name, line, col, msg);
    g_free(msg);
}

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static const char *describe(struct reader *r)
{
    if (r->p >= r->end)
        return "end of input";
    return "unexpected character";
}

static struct sweep_json *node_new(enum sweep_json_kind kind)
{
    struct sweep_json *v = g_new0(struct sweep_json, 1);
    v->kind = kind;
    return v;
}

void sweep_json_free(struct sweep_json *v)
{
    if (!v)
        return;
    g_free(v->text);
    if (v->items)
        g_ptr_array_free(v->items, TRUE);
    if (v->keys)
        g_ptr_array_free(v->keys, TRUE);
    if (v->index)
        g_hash_table_destroy(v->index);
    g_free(v);
}

static struct sweep_json *parse_value(struct reader *r, int depth);

static bool literal(struct reader *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return false;
    r->p += n;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_hex4(struct reader *r, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = r->p + i < r->end ? hex_digit(r->p[i]) : -1;
        if (d < 0) {
            fail_at(r, r->p, "\\u must be followed by 4 hex digits");
            return false;
        }
        v = v << 4 | (unsigned)d;
    }
    r->p += 4;
    *out = v;
    return true;
}

/* After "\u": one code point, joining a surrogate pair. */
static bool read_unicode_escape(struct reader *r, GString *s, const char *esc)
{
    unsigned cp;
    if (!read_hex4(r, &cp))
        return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        fail_at(r, esc, "unpaired low surrogate \\u%04X", cp);
        return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned lo;
        if (!literal(r, "\\u")) {
            fail_at(r, esc, "high surrogate \\u%04X not followed by a low surrogate", cp);
            return false;
        }
        if (!read_hex4(r, &lo))
            return false;
        if (lo < 0xDC00 || lo > 0xDFFF) {
            fail_at(r, esc, "high surrogate \\u%04X not followed by a low surrogate", cp);
            return false;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0) {
        fail_at(r, esc, "\\u0000 is not allowed in a string here");
        return false;
    }
    g_string_append_unichar(s, (gunichar)cp);
    return true;
}

static bool read_escape(struct reader *r, GString *s)
{
    const char *esc = r->p - 1;
    if (r->p >= r->end) {
        fail_at(r, esc, "unterminated string");
        return false;
    }
    char c = *r->p++;
    switch (c) {
    case '"': g_string_append_c(s, '"'); return true;
    case '\\': g_string_append_c(s, '\\'); return true;
    case '/': g_string_append_c(s, '/'); return true;
    case 'b': g_string_append_c(s, '\b'); return true;
    case 'f': g_string_append_c(s, '\f'); return true;
    case 'n': g_string_append_c(s, '\n'); return true;
    case 'r': g_string_append_c(s, '\r'); return true;
    case 't': g_string_append_c(s, '\t'); return true;
    case 'u': return read_unicode_escape(r, s, esc);
    default:
        fail_at(r, esc, "invalid escape '\\%c' in string", g_ascii_isprint(c) ? c : '?');
        return false;
    }
}

/* At the opening quote; returns the decoded string or NULL. */
static char *read_string(struct reader *r)
{
    const char *open = r->p++;
    GString *s = g_string_new(NULL);
    for (;;) {
        if (r->p >= r->end) {
            fail_at(r, open, "unterminated string");
            break;
        }
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            return g_string_free(s, FALSE);
        }
        if (c < 0x20) {
            fail_at(r, r->p, "control character 0x%02X in string (must be escaped)", c);
            break;
        }
        r->p++;
        if (c == '\\') {
            if (!read_escape(r, s))
                break;
        } else {
            g_string_append_c(s, (char)c);
        }
    }
    g_string_free(s, TRUE);
    return NULL;
}

static const char *skip_digits(const char *p, const char *end)
{
    while (p < end && g_ascii_isdigit(*p))
        p++;
    return p;
}

static struct sweep_json *parse_number(struct reader *r)
{
    const char *start = r->p, *p = r->p, *end = r->end;
    if (p < end && *p == '-')
        p++;
    if (p >= end || !g_ascii_isdigit(*p)) {
        fail_at(r, start, "malformed number");
        return NULL;
    }
    if (*p == '0' && p + 1 < end && g_ascii_isdigit(p[1])) {
        fail_at(r, start, "number with a leading zero");
        return NULL;
    }
    p = skip_digits(p, end);
    if (p < end && *p == '.') {
        const char *frac = ++p;
        p = skip_digits(p, end);
        if (p == frac) {
            fail_at(r, start, "malformed number: digits must follow '.'");
            return NULL;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *exp = p;
        p = skip_digits(p, end);
        if (p == exp) {
            fail_at(r, start, "malformed number: digits must follow the exponent");
            return NULL;
        }
    }
    r->p = p;
    struct sweep_json *v = node_new(SWEEP_JSON_NUMBER);
    v->text = g_strndup(start, (gsize)(p - start));
    return v;
}

static struct sweep_json *parse_array(struct reader *r, int depth)
{
    struct sweep_json *v = node_new(SWEEP_JSON_ARRAY);
    v->items = g_ptr_array_new_with_free_func((GDestroyNotify)sweep_json_free);
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return v;
    }
    for (;;) {
        struct sweep_json *item = parse_value(r, depth + 1);
        if (!item)
            goto bad;
        g_ptr_array_add(v->items, item);
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            skip_ws(r);
            if (r->p < r->end && *r->p == ']') {
                fail_at(r, r->p, "trailing comma before ']'");
                goto bad;
            }
            continue;
        }
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return v;
        }
        fail_at(r, r->p, "expected ',' or ']' in array, found %s", describe(r));
        goto bad;
    }
bad:
    sweep_json_free(v);
    return NULL;
}

static bool parse_member(struct reader *r, struct sweep_json *obj, int depth)
{
    if (r->p >= r->end || *r->p != '"') {
        fail_at(r, r->p, "expected a string key, found %s", describe(r));
        return false;
    }
    const char *at = r->p;
    char *key = read_string(r);
    if (!key)
        return false;
    if (g_hash_table_contains(obj->index, key)) {
        fail_at(r, at, "duplicate key \"%s\"", key);
        g_free(key);
        return false;
    }
    skip_ws(r);
    if (r->p >= r->end || *r->p != ':') {
        fail_at(r, r->p, "expected ':' after key \"%s\", found %s", key, describe(r));
        g_free(key);
        return false;
    }
    r->p++;
    struct sweep_json *val = parse_value(r, depth + 1);
    if (!val) {
        g_free(key);
        return false;
    }
    g_ptr_array_add(obj->keys, key);
    g_ptr_array_add(obj->items, val);
    g_hash_table_insert(obj->index, key, val);
    return true;
}

static struct sweep_json *parse_object(struct reader *r, int depth)
{
    struct sweep_json *v = node_new(SWEEP_JSON_OBJECT);
    v->items = g_ptr_array_new_with_free_func((GDestroyNotify)sweep_json_free);
    v->keys = g_ptr_array_new_with_free_func(g_free);
    v->index = g_hash_table_new(g_str_hash, g_str_equal);
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return v;
    }
    for (;;) {
        if (!parse_member(r, v, depth))
            goto bad;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            skip_ws(r);
            if (r->p < r->end && *r->p == '}') {
                fail_at(r, r->p, "trailing comma before '}'");
                goto bad;
            }
            continue;
        }
        if (r->p < r->end && *r->p == '}') {
            r->p++;
            return v;
        }
        fail_at(r, r->p, "expected ',' or '}' in object, found %s", describe(r));
        goto bad;
    }
bad:
    sweep_json_free(v);
    return NULL;
}

static struct sweep_json *parse_value(struct reader *r, int depth)
{
    skip_ws(r);
    if (depth > SWEEP_JSON_MAX_DEPTH) {
        fail_at(r, r->p, "nested deeper than %d levels", SWEEP_JSON_MAX_DEPTH);
        return NULL;
    }
    if (r->p >= r->end) {
        fail_at(r, r->p, "expected a value, found end of input");
        return NULL;
    }
    char c = *r->p;
    if (c == '{')
        return parse_object(r, depth);
    if (c == '[')
        return parse_array(r, depth);
    if (c == '"') {
        char *s = read_string(r);
        if (!s)
            return NULL;
        struct sweep_json *v = node_new(SWEEP_JSON_STRING);
        v->text = s;
        return v;
    }
    if (c == '-' || g_ascii_isdigit(c))
        return parse_number(r);
    gboolean is_true = literal(r, "true");
    if (is_true || literal(r, "false")) {
        struct sweep_json *v = node_new(SWEEP_JSON_BOOL);
        v->boolean = is_true;
        return v;
    }
    if (literal(r, "null"))
        return node_new(SWEEP_JSON_NULL);
    fail_at(r, r->p, "expected a value, found %s '%c'", g_ascii_isprint(c) ? "character" : "byte",
            g_ascii_isprint(c) ? c : '?');
    return NULL;
}

struct sweep_json *sweep_json_parse(const char *text, size_t len, const char *name, GError **err)
{
    struct reader r = { .s = text, .end = text + len, .p = text, .name = name, .err = err };
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        fail_at(&r, nul, "NUL byte in input");
        return NULL;
    }
    const char *bad_utf8;
    if (!g_utf8_validate(text, (gssize)len, &bad_utf8)) {
        fail_at(&r, bad_utf8, "invalid UTF-8");
        return NULL;
    }
    struct sweep_json *v = parse_value(&r, 0);
    if (!v)
        return NULL;
    skip_ws(&r);
    if (r.p != r.end) {
        fail_at(&r, r.p, "unexpected text after the JSON value");
        sweep_json_free(v);
        return NULL;
    }
    return v;
}

struct sweep_json *sweep_json_load(const char *path, GError **err)
{
    char *text;
    gsize len;
    if (!g_file_get_contents(path, &text, &len, err))
        return NULL;
    struct sweep_json *v = sweep_json_parse(text, len, path, err);
    g_free(text);
    return v;
}

const struct sweep_json *sweep_json_get(const struct sweep_json *v, const char *key)
{
    if (!v || v->kind != SWEEP_JSON_OBJECT)
        return NULL;
    return g_hash_table_lookup(v->index, key);
}

gboolean sweep_json_u64(const struct sweep_json *v, guint64 *out)
{
    if (!v || v->kind != SWEEP_JSON_NUMBER || !g_ascii_isdigit(v->text[0]))
        return FALSE;
    for (const char *c = v->text; *c; c++)
        if (!g_ascii_isdigit(*c))
            return FALSE;
    GError *e = NULL;
    guint64 n;
    if (!g_ascii_string_to_unsigned(v->text, 10, 0, G_MAXUINT64, &n, &e)) {
        g_error_free(e);
        return FALSE;
    }
    *out = n;
    return TRUE;
}
