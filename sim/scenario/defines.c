/*
 * defines.c — scenario variables given from outside the file
 * (`smmusim run --define NAME=VALUE`, docs/scenario-format.md §3.1).
 *
 * A define is parsed and evaluated with the scenario, before its first
 * statement: VALUE is a constant expression in the scenario's own syntax
 * (so 4K, 10us and 1 << 20 mean what they mean in a file), or a single bare
 * word, taken as a string.  Its tokens are positioned in a pseudo-file
 * named "--define NAME", so an error reads "--define granule:1:5: ...".
 *
 * A define must change the run.  After the file is parsed, each define is
 * checked: a name the scenario never reads or declares is an error (a typo
 * must not pass silently), and so is one the scenario overwrites (plain
 * `let`, a loop variable, an output) before any `let NAME ?= ...` declares
 * it a parameter.
 */
#include <string.h>
#include "sim/scenario/scn-internal.h"

static bool is_variable_name(const char *name, size_t len)
{
    if (!len || !(g_ascii_isalpha(name[0]) || name[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!g_ascii_isalnum(name[i]) && name[i] != '_')
            return false;
    return true;
}

static bool split_define(struct scenario *s, const char *text, const char **name, const char **value,
                         GError **err)
{
    const char *eq = strchr(text, '=');
    if (!eq) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_SYNTAX, "--define '%s': expected NAME=VALUE", text);
        return false;
    }
    size_t len = (size_t)(eq - text);
    if (memchr(text, '.', len) && len) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME,
                    "--define %.*s: '%.*s' is a parameter name (it has a dot); use --set %s", (int)len, text,
                    (int)len, text, text);
        return false;
    }
    if (!is_variable_name(text, len)) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME,
                    "--define '%s': '%.*s' is not a variable name (letters, digits and '_', not starting "
                    "with a digit)", text, (int)len, text);
        return false;
    }
    *name = scn_intern(s, text, len);
    if (scn_func_lookup(*name)) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME,
                    "--define %s: '%s' is a function name and cannot be a variable", *name, *name);
        return false;
    }
    *value = eq + 1;
    return true;
}

/* Only constants: a define is evaluated before the machine exists and
 * before any other variable is set. */
static bool constant_expr(const struct scn_expr *e, GError **err)
{
    switch (e->kind) {
    case EX_INT:
    case EX_STR:
        return true;
    case EX_UNARY:
        return constant_expr(e->u.op.a, err);
    case EX_BINARY:
        return constant_expr(e->u.op.a, err) && constant_expr(e->u.op.b, err);
    case EX_VAR:
    case EX_NAME:
        scn_set_error(err, SCENARIO_ERROR_VALUE, &e->pos,
                      "a define's value is a constant: '%s' cannot be used in it",
                      e->kind == EX_VAR ? e->u.var.name : e->u.name);
        return false;
    case EX_CALL:
        scn_set_error(err, SCENARIO_ERROR_VALUE, &e->pos,
                      "a define's value is a constant: the function %s() cannot be used in it",
                      e->u.call.fn->name);
        return false;
    }
    return false;
}

/* VALUE of "NAME=VALUE" to a value, positioned in "--define NAME". */
static bool eval_define_value(struct scenario *s, const char *name, const char *value, struct scn_value *out,
                              GError **err)
{
    char *file_name = g_strdup_printf("--define %s", name);
    const char *file = scn_intern(s, file_name, strlen(file_name));
    g_free(file_name);
    char *src = g_strdup(value);
    g_ptr_array_add(s->sources, src);
    GArray *toks = g_array_new(FALSE, FALSE, sizeof(struct scn_token));
    bool ok = scn_lex(s, file, src, strlen(src), toks, err);
    if (ok) {
        const struct scn_token *t = (const struct scn_token *)(void *)toks->data;
        if (t[0].kind == TK_IDENT && t[1].kind == TK_NL && t[2].kind == TK_EOF) {
            *out = (struct scn_value){ t[0].text, 0 };  /* a bare word is a string */
        } else {
            struct scn_parser p = { .s = s, .toks = t, .ntoks = toks->len, .src = src };
            struct scn_expr *e = scn_parse_expr(&p, err);
            struct scn_exec x = { 0 };
            char buf[96];
            /* One value: a ';' or newline would smuggle in a statement. */
            if (e && (p.toks[p.i].kind != TK_NL || p.toks[p.i + 1].kind != TK_EOF)) {
                if (p.toks[p.i].kind == TK_NL)
                    p.i++;
                scn_set_error(err, SCENARIO_ERROR_SYNTAX, &p.toks[p.i].pos, "expected the end of the value, found %s",
                              scn_tok_describe(&p.toks[p.i], buf, sizeof buf));
                e = NULL;
            }
            ok = e && constant_expr(e, err) && scn_eval(&x, e, out, err);
        }
    }
    g_array_free(toks, TRUE);
    return ok;
}

bool scn_defines_parse(struct scenario *s, const char *const *defines, GError **err)
{
    unsigned n = 0;
    while (defines && defines[n])
        n++;
    if (!n)
        return true;
    s->defines = scn_alloc(s, sizeof *s->defines * n);
    const char **texts = scn_alloc(s, sizeof *texts * (n + 1));
    for (unsigned i = 0; i < n; i++) {
        const char *name, *value;
        if (!split_define(s, defines[i], &name, &value, err))
            return false;
        if (g_hash_table_contains(s->var_index, name)) {
            g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME, "--define %s is given twice", name);
            return false;
        }
        struct scn_define *d = &s->defines[i];
        d->name = name;
        if (!eval_define_value(s, name, value, &d->value, err))
            return false;
        d->slot = scn_slot(s->var_index, s->var_names, s, name, true, NULL);
        texts[i] = scn_intern(s, defines[i], strlen(defines[i]));
        s->ndefines = i + 1;
    }
    s->define_texts = texts;
    return true;
}

/* Variables of the file itself, for "did you mean". */
static const char *file_var_cand(unsigned i, const void *ctx)
{
    const struct scenario *s = ctx;
    unsigned k = s->ndefines + i;
    return k < s->var_names->len ? g_ptr_array_index(s->var_names, k) : NULL;
}

bool scn_defines_check(const struct scenario *s, GError **err)
{
    for (unsigned i = 0; i < s->ndefines; i++) {
        const struct scn_define *d = &s->defines[i];
        const struct scn_pos *at = &d->overwritten_at;
        if (d->overwritten_how && !strcmp(d->overwritten_how, "with let")) {
            g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME,
                        "--define %s: the scenario assigns '%s' with let at %s:%u; use 'let %s ?= ...' to make "
                        "it a parameter of the scenario", d->name, d->name, at->file, at->line, d->name);
            return false;
        }
        if (d->overwritten_how) {
            g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME,
                        "--define %s: the scenario assigns '%s' %s at %s:%u, so the define would be lost",
                        d->name, d->name, d->overwritten_how, at->file, at->line);
            return false;
        }
        if (!d->used) {
            const char *sug = scn_suggest_fn(d->name, file_var_cand, s);
            g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_NAME,
                        "--define %s: the scenario has no variable '%s'%s%s%s", d->name, d->name,
                        sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
            return false;
        }
    }
    return true;
}

/* A string that the lexer would read back as the same single bare word. */
static bool is_bare_word(const char *w)
{
    if (!*w || !(g_ascii_isalpha(*w) || *w == '_'))
        return false;
    for (const char *c = w + 1; *c; c++) {
        bool word = g_ascii_isalnum(*c) || *c == '_';
        if (!word && !(*c == '.' && c[-1] != '.' && (g_ascii_isalnum(c[1]) || c[1] == '_')))
            return false;
    }
    return true;
}

static char *quote_string(const char *str)
{
    GString *q = g_string_new("\"");
    for (const char *c = str; *c; c++) {
        switch (*c) {
        case '"': g_string_append(q, "\\\""); break;
        case '\\': g_string_append(q, "\\\\"); break;
        case '\n': g_string_append(q, "\\n"); break;
        case '\t': g_string_append(q, "\\t"); break;
        default: g_string_append_c(q, *c); break;
        }
    }
    g_string_append_c(q, '"');
    return g_string_free(q, FALSE);
}

char *scenario_define_canonical(const char *define, GError **err)
{
    struct scenario *s = scenario_parse_string("<define>", "", err);
    if (!s)
        return NULL;
    const char *const one[] = { define, NULL };
    char *text = NULL;
    if (scn_defines_parse(s, one, err)) {
        const struct scn_value *v = &s->defines[0].value;
        if (!v->s)
            text = g_strdup_printf("%" G_GUINT64_FORMAT, v->i);
        else
            text = is_bare_word(v->s) ? g_strdup(v->s) : quote_string(v->s);
    }
    scenario_free(s);
    return text;
}
