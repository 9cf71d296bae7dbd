/*
 * util.c — positioned errors, "did you mean" suggestions, and the memory
 * of a parsed scenario (one owner for every node and string).
 */
#include <string.h>
#include "sim/scenario/scn-internal.h"

G_DEFINE_QUARK(scenario-error-quark, scenario_error)

void scn_set_error(GError **err, int code, const struct scn_pos *pos, const char *fmt, ...)
{
    if (!err || *err)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (pos && pos->file)
        g_set_error(err, SCENARIO_ERROR, code, "%s:%u:%u: %s", pos->file, pos->line, pos->col, msg);
    else
        g_set_error_literal(err, SCENARIO_ERROR, code, msg);
    g_free(msg);
}

/* Case-insensitive edit distance counting an adjacent transposition as one
 * edit ("asdi" -> "asid"), bounded: words are short. */
static unsigned edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 1000;
    unsigned d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            char ca = g_ascii_tolower(a[i - 1]), cb = g_ascii_tolower(b[j - 1]);
            unsigned best = d[i - 1][j - 1] + (ca != cb);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == g_ascii_tolower(b[j - 2]) && g_ascii_tolower(a[i - 2]) == cb &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

static bool close_enough(const char *word, unsigned d)
{
    size_t len = strlen(word);
    unsigned limit = len <= 3 ? 1 : (unsigned)(len / 3 + 1);
    return d <= limit;
}

const char *scn_suggest_fn(const char *word, const char *(*cand)(unsigned i, const void *ctx),
                           const void *ctx)
{
    const char *best = NULL;
    unsigned best_d = 1000;
    for (unsigned i = 0;; i++) {
        const char *c = cand(i, ctx);
        if (!c)
            break;
        unsigned d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best && close_enough(word, best_d) ? best : NULL;
}

struct array_ctx {
    const char *const *cands;
    size_t n;
};

static const char *array_cand(unsigned i, const void *ctx)
{
    const struct array_ctx *a = ctx;
    return i < a->n ? a->cands[i] : NULL;
}

const char *scn_suggest(const char *word, const char *const *cands, size_t n)
{
    struct array_ctx a = { cands, n };
    return scn_suggest_fn(word, array_cand, &a);
}

void *scn_alloc(struct scenario *s, size_t size)
{
    void *p = g_malloc0(size);
    g_ptr_array_add(s->allocs, p);
    return p;
}

const char *scn_intern(struct scenario *s, const char *text, size_t len)
{
    return g_string_chunk_insert_len(s->strings, text, (gssize)len);
}

uint32_t scn_slot(GHashTable *index, GPtrArray *names, struct scenario *s, const char *name,
                  bool create, bool *found)
{
    gpointer v = g_hash_table_lookup(index, name);
    if (v) {
        if (found)
            *found = true;
        return GPOINTER_TO_UINT(v) - 1;
    }
    if (found)
        *found = false;
    if (!create)
        return UINT32_MAX;
    const char *interned = scn_intern(s, name, strlen(name));
    g_ptr_array_add(names, (gpointer)interned);
    g_hash_table_insert(index, (gpointer)interned, GUINT_TO_POINTER(names->len));
    return names->len - 1;
}
