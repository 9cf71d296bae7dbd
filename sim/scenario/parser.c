/*
 * parser.c — tokens to a syntax tree (docs/scenario-format.md).
 *
 *   file      := { statement (NL | ';') }
 *   statement := 'let' NAME ('=' | '?=') expr
 *              | 'repeat' expr block
 *              | 'for' NAME 'in' expr '..' expr ['step' expr] block
 *              | 'if' expr block ['else' (block | if-statement)]
 *              | 'include' STRING
 *              | 'expect_error' [STRING] block
 *              | VERB [SUB] { positional | NAME '=' value } ['->' NAME]
 *              | QUEUE SUB ...
 *   block     := '{' { statement } '}'
 *
 * Expressions are C-like (precedence from || up to unary), over unsigned
 * 64-bit integers, with function calls.  Names are resolved here: variables
 * and marks to slots, verbs to table entries, registers to offsets, command
 * mnemonics and fields to their encodings, so execution never looks up a
 * string.  Includes are parsed in place, relative to the including file,
 * with cycles reported as the chain of files.
 */
#include <string.h>
#include "sim/scenario/scn-internal.h"

static bool parse_stmt_list(struct scn_parser *p, struct scn_block *out, bool in_block, GError **err);

/* ------------------------------------------------------------- tokens */

static const struct scn_token *tok(const struct scn_parser *p) { return &p->toks[p->i]; }
static const struct scn_token *tok_at(const struct scn_parser *p, unsigned k)
{
    unsigned j = p->i + k;
    return &p->toks[j < p->ntoks ? j : p->ntoks - 1];
}
static void next(struct scn_parser *p)
{
    if (p->i + 1 < p->ntoks)
        p->i++;
}
static bool is_kw(const struct scn_token *t, const char *kw)
{
    return t->kind == TK_IDENT && !strcmp(t->text, kw);
}
static bool at_stmt_end(const struct scn_parser *p)
{
    enum scn_tok k = tok(p)->kind;
    return k == TK_NL || k == TK_EOF || k == TK_RBRACE;
}

static bool unexpected(struct scn_parser *p, const char *wanted, GError **err)
{
    char buf[96];
    scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "expected %s, found %s", wanted,
                  scn_tok_describe(tok(p), buf, sizeof buf));
    return false;
}

static bool expect_tok(struct scn_parser *p, enum scn_tok kind, const char *what, GError **err)
{
    if (tok(p)->kind != kind)
        return unexpected(p, what, err);
    next(p);
    return true;
}

static bool var_known(const struct scn_parser *p, const char *name)
{
    return g_hash_table_contains(p->s->var_index, name);
}

/* Defines take the first variable slots, so a slot below ndefines is one. */
static struct scn_define *define_of_slot(const struct scn_parser *p, uint32_t slot)
{
    return slot < p->s->ndefines ? &p->s->defines[slot] : NULL;
}

uint32_t scn_var_assign(struct scn_parser *p, const char *name, const struct scn_pos *pos, const char *how)
{
    uint32_t slot = scn_slot(p->s->var_index, p->s->var_names, p->s, name, true, NULL);
    struct scn_define *d = define_of_slot(p, slot);
    if (d && !d->declared && !d->overwritten_how) {
        d->overwritten_how = how;
        d->overwritten_at = *pos;
    }
    return slot;
}

/* --------------------------------------------------------- expressions */

static struct scn_expr *new_expr(struct scn_parser *p, enum scn_expr_kind kind, struct scn_pos pos)
{
    struct scn_expr *e = scn_alloc(p->s, sizeof *e);
    e->kind = kind;
    e->pos = pos;
    return e;
}

static const char *var_or_func_cand(unsigned i, const void *ctx)
{
    const struct scn_parser *p = ctx;
    return i < p->s->var_names->len ? g_ptr_array_index(p->s->var_names, i) : NULL;
}

/* An unresolved bare word used where a value is needed. */
static bool reject_name(struct scn_parser *p, const struct scn_expr *e, GError **err)
{
    if (e->kind != EX_NAME)
        return true;
    const char *sug = scn_suggest_fn(e->u.name, var_or_func_cand, p);
    if (!sug && scn_func_lookup(e->u.name))
        scn_set_error(err, SCENARIO_ERROR_NAME, &e->pos, "function '%s' needs arguments: %s(...)",
                      e->u.name, e->u.name);
    else if (sug)
        scn_set_error(err, SCENARIO_ERROR_NAME, &e->pos, "unknown variable '%s' (did you mean '%s'?)",
                      e->u.name, sug);
    else
        scn_set_error(err, SCENARIO_ERROR_NAME, &e->pos, "unknown variable '%s'", e->u.name);
    return false;
}

static struct scn_expr *parse_binary(struct scn_parser *p, int level, GError **err);

static bool parse_register_name(struct scn_parser *p, const struct scn_token *t, struct scn_regref *r,
                                GError **err)
{
    const char *why = NULL;
    if (!scn_reg_resolve(t->text, r, &why)) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &t->pos, "%s", why);
        g_free((char *)why);
        return false;
    }
    return true;
}

/* A name followed by '(' calls a function.  Function names have no dot, so
 * a register name (smmu.CR0) before a parenthesised value is not a call. */
static bool at_call(struct scn_parser *p, const struct scn_token *t)
{
    return t->kind == TK_IDENT && tok_at(p, 1)->kind == TK_LPAREN && !strchr(t->text, '.');
}

static bool parse_call_arg0(struct scn_parser *p, struct scn_expr *call, GError **err)
{
    const struct scn_token *t = tok(p);
    const struct scn_func *fn = call->u.call.fn;
    switch (fn->arg0_kind) {
    case SCN_FARG_REG:
        if (t->kind == TK_IDENT && !var_known(p, t->text) && !at_call(p, t)) {
            if (!parse_register_name(p, t, &call->u.call.reg, err))
                return false;
            call->u.call.args[0] = NULL;
            next(p);
            return true;
        }
        break;
    case SCN_FARG_MARK:
    case SCN_FARG_QUEUE: {
        bool mark = fn->arg0_kind == SCN_FARG_MARK;
        if (t->kind != TK_IDENT)
            return unexpected(p, mark ? "a mark name" : "a queue name", err);
        bool found;
        uint32_t slot = mark ? scn_slot(p->s->mark_index, p->s->mark_names, p->s, t->text, false, &found)
                             : scn_slot(p->s->queue_index, p->s->queue_names, p->s, t->text, false, &found);
        if (!found) {
            GPtrArray *names = mark ? p->s->mark_names : p->s->queue_names;
            const char *sug = scn_suggest(t->text, (const char *const *)names->pdata, names->len);
            scn_set_error(err, SCENARIO_ERROR_NAME, &t->pos, "unknown %s '%s'%s%s%s",
                          mark ? "mark" : "queue", t->text, sug ? " (did you mean '" : "",
                          sug ? sug : "", sug ? "'?)" : " (declare it first)");
            return false;
        }
        call->u.call.obj = slot;
        next(p);
        return true;
    }
    default:
        break;
    }
    struct scn_expr *a = parse_binary(p, 0, err);
    if (!a || !reject_name(p, a, err))
        return false;
    call->u.call.args[0] = a;
    return true;
}

static struct scn_expr *parse_call(struct scn_parser *p, const struct scn_token *name, GError **err)
{
    const struct scn_func *fn = scn_func_lookup(name->text);
    if (!fn) {
        const char *sug = scn_func_suggest(name->text);
        scn_set_error(err, SCENARIO_ERROR_NAME, &name->pos, "unknown function '%s'%s%s%s", name->text,
                      sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        return NULL;
    }
    struct scn_expr *call = new_expr(p, EX_CALL, name->pos);
    call->u.call.fn = fn;
    next(p); /* the name */
    next(p); /* ( */
    if (tok(p)->kind != TK_RPAREN) {
        for (;;) {
            if (call->u.call.nargs == fn->max_args) {
                scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos,
                              "too many arguments to %s() (at most %u)", fn->name, fn->max_args);
                return NULL;
            }
            if (call->u.call.nargs == 0) {
                if (!parse_call_arg0(p, call, err))
                    return NULL;
            } else {
                struct scn_expr *a = parse_binary(p, 0, err);
                if (!a || !reject_name(p, a, err))
                    return NULL;
                call->u.call.args[call->u.call.nargs] = a;
            }
            call->u.call.nargs++;
            if (tok(p)->kind != TK_COMMA)
                break;
            next(p);
        }
    }
    if (!expect_tok(p, TK_RPAREN, "',' or ')'", err))
        return NULL;
    if (call->u.call.nargs < fn->min_args) {
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &name->pos, "%s() needs %u argument%s, got %u",
                      fn->name, fn->min_args, fn->min_args == 1 ? "" : "s", call->u.call.nargs);
        return NULL;
    }
    return call;
}

static struct scn_expr *parse_primary(struct scn_parser *p, GError **err)
{
    const struct scn_token *t = tok(p);
    struct scn_expr *e;
    switch (t->kind) {
    case TK_INT:
        e = new_expr(p, EX_INT, t->pos);
        e->u.ival = t->ival;
        next(p);
        return e;
    case TK_STRING:
        e = new_expr(p, EX_STR, t->pos);
        e->u.str = t->text;
        next(p);
        return e;
    case TK_DOLLAR_IDENT:
    case TK_IDENT: {
        if (at_call(p, t))
            return parse_call(p, t, err);
        bool found;
        uint32_t slot = scn_slot(p->s->var_index, p->s->var_names, p->s, t->text, false, &found);
        if (found) {
            struct scn_define *d = define_of_slot(p, slot);
            if (d)
                d->used = true;
            e = new_expr(p, EX_VAR, t->pos);
            e->u.var.slot = slot;
            e->u.var.name = t->text;
        } else {
            e = new_expr(p, EX_NAME, t->pos);
            e->u.name = t->text;
            if (t->kind == TK_DOLLAR_IDENT) {
                next(p);
                reject_name(p, e, err);
                return NULL;
            }
        }
        next(p);
        return e;
    }
    case TK_LPAREN: {
        next(p);
        e = parse_binary(p, 0, err);
        if (!e || !reject_name(p, e, err))
            return NULL;
        if (!expect_tok(p, TK_RPAREN, "')'", err))
            return NULL;
        return e;
    }
    default:
        unexpected(p, "a value", err);
        return NULL;
    }
}

static struct scn_expr *parse_unary(struct scn_parser *p, GError **err)
{
    enum scn_tok k = tok(p)->kind;
    if (k == TK_MINUS || k == TK_TILDE || k == TK_NOT || k == TK_PLUS) {
        struct scn_pos pos = tok(p)->pos;
        if (++p->expr_depth > SCN_MAX_EXPR_DEPTH) {
            scn_set_error(err, SCENARIO_ERROR_SYNTAX, &pos, "expression nested too deeply");
            return NULL;
        }
        next(p);
        struct scn_expr *a = parse_unary(p, err);
        p->expr_depth--;
        if (!a || !reject_name(p, a, err))
            return NULL;
        if (k == TK_PLUS)
            return a;
        struct scn_expr *e = new_expr(p, EX_UNARY, pos);
        e->u.op.op = k;
        e->u.op.a = a;
        return e;
    }
    return parse_primary(p, err);
}

/* Binary precedence levels, loosest first. */
static const enum scn_tok levels[][4] = {
    { TK_OROR }, { TK_ANDAND }, { TK_PIPE }, { TK_CARET }, { TK_AMP },
    { TK_EQ, TK_NE }, { TK_LT, TK_LE, TK_GT, TK_GE }, { TK_SHL, TK_SHR },
    { TK_PLUS, TK_MINUS }, { TK_STAR, TK_SLASH, TK_PERCENT },
};
#define NLEVELS ((int)G_N_ELEMENTS(levels))

static bool op_at_level(enum scn_tok k, int level)
{
    for (int j = 0; j < 4 && levels[level][j]; j++)
        if (levels[level][j] == k)
            return true;
    return false;
}

static struct scn_expr *parse_binary(struct scn_parser *p, int level, GError **err)
{
    if (level == NLEVELS)
        return parse_unary(p, err);
    if (++p->expr_depth > SCN_MAX_EXPR_DEPTH) {
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "expression nested too deeply");
        return NULL;
    }
    struct scn_expr *lhs = parse_binary(p, level + 1, err);
    while (lhs && op_at_level(tok(p)->kind, level)) {
        const struct scn_token *op = tok(p);
        if (!reject_name(p, lhs, err))
            return NULL;
        next(p);
        struct scn_expr *rhs = parse_binary(p, level + 1, err);
        if (!rhs || !reject_name(p, rhs, err))
            return NULL;
        struct scn_expr *e = new_expr(p, EX_BINARY, op->pos);
        e->u.op.op = op->kind;
        e->u.op.a = lhs;
        e->u.op.b = rhs;
        lhs = e;
    }
    p->expr_depth--;
    return lhs;
}

struct scn_expr *scn_parse_expr(struct scn_parser *p, GError **err)
{
    return parse_binary(p, 0, err);
}

/* A value expression: bare words must be known variables. */
static struct scn_expr *parse_value(struct scn_parser *p, GError **err)
{
    struct scn_expr *e = scn_parse_expr(p, err);
    if (e && !reject_name(p, e, err))
        return NULL;
    return e;
}

/* ---------------------------------------------------------- statements */

static struct scn_stmt *new_stmt(struct scn_parser *p, enum scn_stmt_kind kind, const struct scn_token *t)
{
    struct scn_stmt *st = scn_alloc(p->s, sizeof *st);
    st->kind = kind;
    st->pos = t->pos;
    /* The statement's line, for messages and the record. */
    const char *ls = p->src + t->src_off, *le = ls;
    while (ls > p->src && ls[-1] != '\n')
        ls--;
    while (*le && *le != '\n')
        le++;
    while (le > ls && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
        le--;
    while (ls < le && (*ls == ' ' || *ls == '\t'))
        ls++;
    st->text = scn_intern(p->s, ls, (size_t)(le - ls));
    p->s->nstmts++;
    return st;
}

static bool parse_block(struct scn_parser *p, struct scn_block *b, GError **err)
{
    if (tok(p)->kind != TK_LBRACE)
        return unexpected(p, "'{'", err);
    if (++p->block_depth > SCN_MAX_BLOCK_DEPTH) {
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "blocks nested too deeply (limit %d)",
                      SCN_MAX_BLOCK_DEPTH);
        return false;
    }
    struct scn_pos open = tok(p)->pos;
    next(p);
    if (!parse_stmt_list(p, b, true, err))
        return false;
    if (tok(p)->kind != TK_RBRACE) {
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "missing '}' to close the block opened at %u:%u",
                      open.line, open.col);
        return false;
    }
    next(p);
    p->block_depth--;
    return true;
}

static struct scn_stmt *parse_let(struct scn_parser *p, GError **err)
{
    struct scn_stmt *st = new_stmt(p, ST_LET, tok(p));
    next(p);
    const struct scn_token *name = tok(p);
    if (name->kind != TK_IDENT && name->kind != TK_DOLLAR_IDENT) {
        unexpected(p, "a variable name after 'let'", err);
        return NULL;
    }
    if (scn_func_lookup(name->text)) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &name->pos, "'%s' is a function name and cannot be a variable",
                      name->text);
        return NULL;
    }
    next(p);
    if (tok(p)->kind == TK_QASSIGN) {
        st->u.let.only_if_unset = true;
        next(p);
    } else if (!expect_tok(p, TK_ASSIGN, "'=' or '?=' after the variable name", err)) {
        return NULL;
    }
    if (!(st->u.let.e = parse_value(p, err)))
        return NULL;
    if (!st->u.let.only_if_unset) {
        st->u.let.slot = scn_var_assign(p, name->text, &name->pos, "with let");
        return st;
    }
    /* `?=` declares a parameter of the scenario: a define of this name is
     * taken here, unless an earlier statement already overwrote it. */
    st->u.let.slot = scn_slot(p->s->var_index, p->s->var_names, p->s, name->text, true, NULL);
    struct scn_define *d = define_of_slot(p, st->u.let.slot);
    if (d && !d->overwritten_how)
        d->declared = d->used = true;
    return st;
}

static struct scn_stmt *parse_repeat(struct scn_parser *p, GError **err)
{
    struct scn_stmt *st = new_stmt(p, ST_REPEAT, tok(p));
    next(p);
    if (!(st->u.repeat.count = parse_value(p, err)) || !parse_block(p, &st->u.repeat.body, err))
        return NULL;
    return st;
}

static struct scn_stmt *parse_for(struct scn_parser *p, GError **err)
{
    struct scn_stmt *st = new_stmt(p, ST_FOR, tok(p));
    next(p);
    const struct scn_token *name = tok(p);
    if (name->kind != TK_IDENT) {
        unexpected(p, "a loop variable after 'for'", err);
        return NULL;
    }
    next(p);
    if (!is_kw(tok(p), "in")) {
        unexpected(p, "'in'", err);
        return NULL;
    }
    next(p);
    if (!(st->u.loop.from = parse_value(p, err)))
        return NULL;
    if (!expect_tok(p, TK_DOTDOT, "'..' in the loop range", err))
        return NULL;
    if (!(st->u.loop.to = parse_value(p, err)))
        return NULL;
    if (is_kw(tok(p), "step")) {
        next(p);
        if (!(st->u.loop.step = parse_value(p, err)))
            return NULL;
    }
    st->u.loop.slot = scn_var_assign(p, name->text, &name->pos, "as a loop variable");
    if (!parse_block(p, &st->u.loop.body, err))
        return NULL;
    return st;
}

static struct scn_stmt *parse_if(struct scn_parser *p, GError **err)
{
    struct scn_stmt *st = new_stmt(p, ST_IF, tok(p));
    next(p);
    if (!(st->u.cond.cond = parse_value(p, err)) || !parse_block(p, &st->u.cond.then_b, err))
        return NULL;
    if (!is_kw(tok(p), "else"))
        return st;
    next(p);
    if (is_kw(tok(p), "if")) {
        struct scn_stmt *nested = parse_if(p, err);
        if (!nested)
            return NULL;
        st->u.cond.else_b.stmts = scn_alloc(p->s, sizeof(struct scn_stmt *));
        st->u.cond.else_b.stmts[0] = nested;
        st->u.cond.else_b.n = 1;
        return st;
    }
    if (!parse_block(p, &st->u.cond.else_b, err))
        return NULL;
    return st;
}

static struct scn_stmt *parse_expect_error(struct scn_parser *p, GError **err)
{
    struct scn_stmt *st = new_stmt(p, ST_EXPECT_ERROR, tok(p));
    next(p);
    if (tok(p)->kind == TK_STRING) {
        st->u.expect_error.substr = tok(p)->text;
        next(p);
    }
    if (!parse_block(p, &st->u.expect_error.body, err))
        return NULL;
    return st;
}

/* ------------------------------------------------------------- include */

static bool parse_tokens(struct scn_parser *p, const char *file, const char *text, size_t len,
                         struct scn_block *out, GError **err);

static char *include_chain(const struct scn_parser *p, const char *last)
{
    GString *chain = g_string_new(NULL);
    for (unsigned i = 0; i < p->include_stack->len; i++) {
        g_string_append(chain, g_ptr_array_index(p->include_stack, i));
        g_string_append(chain, " -> ");
    }
    g_string_append(chain, last);
    return g_string_free(chain, FALSE);
}

static bool read_source(struct scn_parser *p, const char *path, const struct scn_pos *pos,
                        char **text, size_t *len, GError **err)
{
    GError *e = NULL;
    if (!g_file_get_contents(path, text, len, &e)) {
        scn_set_error(err, SCENARIO_ERROR_IO, pos, "cannot read '%s': %s", path, e->message);
        g_error_free(e);
        return false;
    }
    g_ptr_array_add(p->s->sources, *text);
    return true;
}

static bool parse_file_into(struct scn_parser *p, const char *path, const struct scn_pos *from,
                            struct scn_block *out, GError **err)
{
    char *canon = g_canonicalize_filename(path, NULL);
    const char *key = canon;
    for (unsigned i = 0; i < p->include_stack->len; i++) {
        if (!strcmp(g_ptr_array_index(p->include_stack, i), key)) {
            char *chain = include_chain(p, key);
            scn_set_error(err, SCENARIO_ERROR_INCLUDE, from, "include cycle: %s", chain);
            g_free(chain);
            g_free(canon);
            return false;
        }
    }
    if (p->include_stack->len >= SCN_MAX_INCLUDE_DEPTH) {
        scn_set_error(err, SCENARIO_ERROR_INCLUDE, from, "includes nested too deeply (limit %d)",
                      SCN_MAX_INCLUDE_DEPTH);
        g_free(canon);
        return false;
    }
    char *text;
    size_t len;
    if (!read_source(p, path, from, &text, &len, err)) {
        g_free(canon);
        return false;
    }
    g_ptr_array_add(p->include_stack, canon);
    const char *file = scn_intern(p->s, path, strlen(path));
    bool ok = parse_tokens(p, file, text, len, out, err);
    g_ptr_array_remove_index(p->include_stack, p->include_stack->len - 1);
    return ok;
}

static struct scn_stmt *parse_include(struct scn_parser *p, GError **err)
{
    struct scn_stmt *st = new_stmt(p, ST_BLOCK, tok(p));
    next(p);
    const struct scn_token *name = tok(p);
    if (name->kind != TK_STRING) {
        unexpected(p, "a file name in quotes after 'include'", err);
        return NULL;
    }
    next(p);
    char *path;
    if (g_path_is_absolute(name->text)) {
        path = g_strdup(name->text);
    } else {
        char *dir = g_path_get_dirname(st->pos.file);
        path = g_build_filename(dir, name->text, NULL);
        g_free(dir);
    }
    bool ok = parse_file_into(p, path, &name->pos, &st->u.block.body, err);
    g_free(path);
    return ok ? st : NULL;
}

/* ---------------------------------------------------------------- verbs */

static const struct scn_verb *const verb_tables[] = { scn_core_verbs, scn_hw_verbs, scn_iommufd_verbs,
                                                      scn_workload_verbs, scn_image_verbs, scn_xlate_verbs };
static const unsigned *const verb_counts[] = { &scn_core_verbs_count, &scn_hw_verbs_count,
                                               &scn_iommufd_verbs_count, &scn_workload_verbs_count,
                                               &scn_image_verbs_count, &scn_xlate_verbs_count };

static const char *const keywords[] = { "let", "repeat", "for", "if", "include", "expect_error" };

static const struct scn_verb *verb_find(const char *name, const char *sub, bool *name_known)
{
    *name_known = false;
    for (unsigned t = 0; t < G_N_ELEMENTS(verb_tables); t++)
        for (unsigned i = 0; i < *verb_counts[t]; i++) {
            const struct scn_verb *v = &verb_tables[t][i];
            if (v->flags & SCN_V_QUEUE || strcmp(v->name, name))
                continue;
            *name_known = true;
            if (!v->sub || (sub && !strcmp(v->sub, sub)))
                return v;
        }
    return NULL;
}

bool scn_is_reserved_word(const char *name)
{
    bool known;
    for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++)
        if (!strcmp(keywords[i], name))
            return true;
    verb_find(name, NULL, &known);
    return known || !strcmp(name, "else") || scn_func_lookup(name) != NULL;
}

static const struct scn_verb *queue_verb_find(const char *sub)
{
    for (unsigned t = 0; t < G_N_ELEMENTS(verb_tables); t++)
        for (unsigned i = 0; i < *verb_counts[t]; i++) {
            const struct scn_verb *v = &verb_tables[t][i];
            if ((v->flags & SCN_V_QUEUE) && !strcmp(v->sub, sub))
                return v;
        }
    return NULL;
}

struct sub_ctx {
    const char *name;
    bool queue;
};

/* Candidate statement words (keywords, verbs, queues) or sub-verbs of a verb. */
static const char *word_cand(unsigned i, const void *ctx)
{
    const struct sub_ctx *c = ctx;
    if (!c->name && i < G_N_ELEMENTS(keywords))
        return keywords[i];
    if (!c->name)
        i -= G_N_ELEMENTS(keywords);
    for (unsigned t = 0; t < G_N_ELEMENTS(verb_tables); t++) {
        for (unsigned k = 0; k < *verb_counts[t]; k++) {
            const struct scn_verb *v = &verb_tables[t][k];
            bool want;
            if (c->queue)
                want = (v->flags & SCN_V_QUEUE) != 0;
            else if (c->name)
                want = !(v->flags & SCN_V_QUEUE) && !strcmp(v->name, c->name) && v->sub;
            else
                want = !(v->flags & SCN_V_QUEUE) && (k == 0 || strcmp(verb_tables[t][k - 1].name, v->name));
            if (!want)
                continue;
            if (i-- == 0)
                return (c->name || c->queue) ? v->sub : v->name;
        }
    }
    return NULL;
}

static const struct scn_param *param_find(const struct scn_verb *v, const char *name, unsigned *idx)
{
    for (unsigned i = 0; i < v->nparams; i++)
        if (!strcmp(v->params[i].name, name)) {
            *idx = i;
            return &v->params[i];
        }
    return NULL;
}

static const char *param_cand(unsigned i, const void *ctx)
{
    const struct scn_verb *v = ctx;
    return i < v->nparams ? v->params[i].name : NULL;
}

static void verb_title(const struct scn_verb *v, char *buf, size_t len)
{
    if (v->flags & SCN_V_QUEUE)
        snprintf(buf, len, "queue %s", v->sub);
    else
        snprintf(buf, len, "%s%s%s", v->name, v->sub ? " " : "", v->sub ? v->sub : "");
}

static bool parse_arg_value(struct scn_parser *p, const struct scn_param *prm, struct scn_arg *a,
                            GError **err)
{
    const struct scn_token *t = tok(p);
    a->set = true;
    a->pos = t->pos;
    switch (prm->kind) {
    case SCN_K_WORD:
        if (t->kind != TK_IDENT && t->kind != TK_STRING)
            return unexpected(p, "a name", err);
        a->word = t->text;
        next(p);
        return true;
    case SCN_K_REG:
        if (t->kind == TK_IDENT && !var_known(p, t->text) && !at_call(p, t)) {
            if (!parse_register_name(p, t, &a->reg, err))
                return false;
            a->word = t->text;
            next(p);
            return true;
        }
        break;  /* an address expression */
    case SCN_K_INT:
    case SCN_K_VALUE:
        break;
    }
    a->e = parse_value(p, err);
    return a->e != NULL;
}

static bool parse_named(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    const struct scn_verb *v = st->u.verb.verb;
    const struct scn_token *name = tok(p);
    char title[64];
    next(p); /* name */
    next(p); /* = */
    unsigned idx;
    const struct scn_param *prm = param_find(v, name->text, &idx);
    if (prm) {
        if (st->u.verb.args[idx].set) {
            scn_set_error(err, SCENARIO_ERROR_SYNTAX, &name->pos, "argument '%s' given twice", name->text);
            return false;
        }
        return parse_arg_value(p, prm, &st->u.verb.args[idx], err);
    }
    if (v->flags & SCN_V_FIELDS) {
        for (unsigned i = 0; i < st->u.verb.nfields; i++)
            if (!strcmp(st->u.verb.fields[i].name, name->text)) {
                scn_set_error(err, SCENARIO_ERROR_SYNTAX, &name->pos, "field '%s' given twice", name->text);
                return false;
            }
        struct scn_expr *e = NULL;
        const char *word = NULL;
        const struct scn_token *vt = tok(p);
        if ((v->flags & SCN_V_WORDS) && (vt->kind == TK_STRING ||
            (vt->kind == TK_IDENT && !var_known(p, vt->text) && !at_call(p, vt)))) {
            word = vt->text;
            next(p);
        } else if (!(e = parse_value(p, err))) {
            return false;
        }
        struct scn_field *nf = scn_alloc(p->s, sizeof *nf * (st->u.verb.nfields + 1));
        if (st->u.verb.nfields)
            memcpy(nf, st->u.verb.fields, sizeof *nf * st->u.verb.nfields);
        nf[st->u.verb.nfields++] = (struct scn_field){ name->text, name->pos, e, word, -1 };
        st->u.verb.fields = nf;
        return true;
    }
    verb_title(v, title, sizeof title);
    const char *sug = scn_suggest_fn(name->text, param_cand, v);
    scn_set_error(err, SCENARIO_ERROR_NAME, &name->pos, "unknown argument '%s' for %s%s%s%s", name->text,
                  title, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
    return false;
}

static bool parse_positional(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    const struct scn_verb *v = st->u.verb.verb;
    for (unsigned i = 0; i < v->nparams; i++)
        if ((v->params[i].flags & SCN_P_POS) && !st->u.verb.args[i].set)
            return parse_arg_value(p, &v->params[i], &st->u.verb.args[i], err);
    if (v->flags & SCN_V_REST) {
        struct scn_expr *e = parse_value(p, err);
        if (!e)
            return false;
        struct scn_expr **nr = scn_alloc(p->s, sizeof *nr * (st->u.verb.nrest + 1));
        if (st->u.verb.nrest)
            memcpy(nr, st->u.verb.rest, sizeof *nr * st->u.verb.nrest);
        nr[st->u.verb.nrest++] = e;
        st->u.verb.rest = nr;
        return true;
    }
    char buf[96], title[64];
    verb_title(v, title, sizeof title);
    scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "unexpected %s: %s takes no more positional "
                  "arguments (usage: %s)", scn_tok_describe(tok(p), buf, sizeof buf), title, v->usage);
    return false;
}

static bool parse_verb_args(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    const struct scn_verb *v = st->u.verb.verb;
    char title[64];
    while (!at_stmt_end(p) && tok(p)->kind != TK_LBRACE) {
        const struct scn_token *t = tok(p);
        bool ok;
        if (t->kind == TK_IDENT && tok_at(p, 1)->kind == TK_ASSIGN) {
            ok = parse_named(p, st, err);
        } else if (t->kind == TK_ARROW) {
            next(p);
            verb_title(v, title, sizeof title);
            if (!(v->flags & (SCN_V_OUTPUT | SCN_V_OUTPUTS))) {
                scn_set_error(err, SCENARIO_ERROR_SYNTAX, &t->pos, "%s produces no value to store with '->'", title);
                return false;
            }
            if (st->u.verb.nouts) {
                scn_set_error(err, SCENARIO_ERROR_SYNTAX, &t->pos, "'->' given twice");
                return false;
            }
            for (;;) {
                if (tok(p)->kind != TK_IDENT && tok(p)->kind != TK_DOLLAR_IDENT)
                    return unexpected(p, "a variable name after '->'", err);
                unsigned limit = (v->flags & SCN_V_OUTPUTS) ? SCN_MAX_OUTS : 1;
                if (st->u.verb.nouts == limit) {
                    scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "%s stores at most %u value%s", title,
                                  limit, limit == 1 ? "" : "s");
                    return false;
                }
                st->u.verb.outs[st->u.verb.nouts++] =
                    (int32_t)scn_var_assign(p, tok(p)->text, &tok(p)->pos, "as the output of a statement");
                next(p);
                if (tok(p)->kind != TK_COMMA)
                    break;
                next(p);
            }
            st->u.verb.out_slot = st->u.verb.outs[0];
            ok = true;
        } else {
            ok = parse_positional(p, st, err);
        }
        if (!ok)
            return false;
    }
    for (unsigned i = 0; i < v->nparams; i++)
        if ((v->params[i].flags & SCN_P_REQ) && !st->u.verb.args[i].set) {
            verb_title(v, title, sizeof title);
            scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "%s needs '%s' (usage: %s)", title,
                          v->params[i].name, v->usage);
            return false;
        }
    return true;
}

/* wait DURATION | wait until idle | wait until QUEUE drained | wait until EXPR */
static bool parse_wait_head(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    struct scn_arg *a = &st->u.verb.args[0];
    a->set = true;
    a->pos = tok(p)->pos;
    if (!is_kw(tok(p), "until")) {
        st->u.verb.aux = SCN_WAIT_FOR;
        return (a->e = parse_value(p, err)) != NULL;
    }
    next(p);
    const struct scn_token *t = tok(p), *t1 = tok_at(p, 1);
    bool after_end = t1->kind == TK_NL || t1->kind == TK_EOF || t1->kind == TK_RBRACE ||
                     (t1->kind == TK_IDENT && tok_at(p, 2)->kind == TK_ASSIGN);
    if (is_kw(t, "idle") && !var_known(p, "idle") && after_end) {
        st->u.verb.aux = SCN_WAIT_IDLE;
        next(p);
        return true;
    }
    if (t->kind == TK_IDENT && is_kw(t1, "drained")) {
        bool found;
        uint32_t q = scn_slot(p->s->queue_index, p->s->queue_names, p->s, t->text, false, &found);
        if (!found) {
            scn_set_error(err, SCENARIO_ERROR_NAME, &t->pos, "unknown queue '%s' (declare it with 'queue %s ...')",
                          t->text, t->text);
            return false;
        }
        st->u.verb.aux = SCN_WAIT_QUEUE;
        st->u.verb.obj = q;
        next(p);
        next(p);
        return true;
    }
    st->u.verb.aux = SCN_WAIT_COND;
    return (a->e = parse_value(p, err)) != NULL;
}

static struct scn_stmt *parse_verb_stmt(struct scn_parser *p, GError **err)
{
    const struct scn_token *word = tok(p);
    struct scn_stmt *st = new_stmt(p, ST_VERB, word);
    st->u.verb.out_slot = -1;
    bool name_known;
    const struct scn_verb *v = NULL;
    struct sub_ctx ctx = { NULL, false };
    bool found_queue;
    uint32_t q = scn_slot(p->s->queue_index, p->s->queue_names, p->s, word->text, false, &found_queue);
    const struct scn_token *sub = tok_at(p, 1);

    if (found_queue) {
        ctx.queue = true;
        if (sub->kind != TK_IDENT) {
            next(p);
            unexpected(p, "a queue operation (push, submit)", err);
            return NULL;
        }
        v = queue_verb_find(sub->text);
        st->u.verb.obj = q;
        ctx.name = word->text;
    } else {
        v = verb_find(word->text, sub->kind == TK_IDENT ? sub->text : NULL, &name_known);
        if (!name_known) {
            const char *sug = scn_suggest_fn(word->text, word_cand, &ctx);
            scn_set_error(err, SCENARIO_ERROR_NAME, &word->pos, "unknown statement '%s'%s%s%s", word->text,
                          sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
            return NULL;
        }
        ctx.name = word->text;
    }
    if (!v) {
        const char *sug = sub->kind == TK_IDENT ? scn_suggest_fn(sub->text, word_cand, &ctx) : NULL;
        char buf[96];
        scn_set_error(err, SCENARIO_ERROR_NAME, &sub->pos, "unknown %s operation %s%s%s%s",
                      ctx.queue ? "queue" : word->text, scn_tok_describe(sub, buf, sizeof buf),
                      sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        return NULL;
    }
    next(p);
    if (v->sub)
        next(p);
    st->u.verb.verb = v;
    st->u.verb.args = scn_alloc(p->s, sizeof(struct scn_arg) * (v->nparams ? v->nparams : 1));
    if ((v->flags & SCN_V_WAIT) && !parse_wait_head(p, st, err))
        return NULL;
    if (!parse_verb_args(p, st, err))
        return NULL;
    if (v->check && !v->check(p, st, err))
        return NULL;
    return st;
}

static struct scn_stmt *parse_stmt(struct scn_parser *p, GError **err)
{
    const struct scn_token *t = tok(p);
    if (t->kind != TK_IDENT) {
        unexpected(p, "a statement", err);
        return NULL;
    }
    if (is_kw(t, "let"))
        return parse_let(p, err);
    if (is_kw(t, "repeat"))
        return parse_repeat(p, err);
    if (is_kw(t, "for"))
        return parse_for(p, err);
    if (is_kw(t, "if"))
        return parse_if(p, err);
    if (is_kw(t, "include"))
        return parse_include(p, err);
    if (is_kw(t, "expect_error"))
        return parse_expect_error(p, err);
    if (is_kw(t, "else")) {
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &t->pos, "'else' without 'if' (it must follow '}' on the same line)");
        return NULL;
    }
    return parse_verb_stmt(p, err);
}

static bool parse_stmt_list(struct scn_parser *p, struct scn_block *out, bool in_block, GError **err)
{
    GPtrArray *list = g_ptr_array_new();
    bool ok = true;
    for (;;) {
        while (tok(p)->kind == TK_NL)
            next(p);
        if (tok(p)->kind == TK_EOF || (in_block && tok(p)->kind == TK_RBRACE))
            break;
        if (tok(p)->kind == TK_RBRACE) {
            scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "unexpected '}' (no block is open)");
            ok = false;
            break;
        }
        struct scn_stmt *st = parse_stmt(p, err);
        if (!st) {
            ok = false;
            break;
        }
        g_ptr_array_add(list, st);
        if (!at_stmt_end(p)) {
            char buf[96];
            scn_set_error(err, SCENARIO_ERROR_SYNTAX, &tok(p)->pos, "expected end of line, found %s",
                          scn_tok_describe(tok(p), buf, sizeof buf));
            ok = false;
            break;
        }
    }
    if (ok) {
        out->n = list->len;
        out->stmts = scn_alloc(p->s, sizeof(struct scn_stmt *) * (list->len ? list->len : 1));
        if (list->len)
            memcpy(out->stmts, list->pdata, sizeof(struct scn_stmt *) * list->len);
    }
    g_ptr_array_free(list, TRUE);
    return ok;
}

static bool parse_tokens(struct scn_parser *outer, const char *file, const char *text, size_t len,
                         struct scn_block *out, GError **err)
{
    GArray *toks = g_array_new(FALSE, FALSE, sizeof(struct scn_token));
    bool ok = scn_lex(outer->s, file, text, len, toks, err);
    if (ok) {
        struct scn_parser p = *outer;
        p.toks = (const struct scn_token *)(void *)toks->data;
        p.ntoks = toks->len;
        p.i = 0;
        p.src = text;
        ok = parse_stmt_list(&p, out, false, err);
    }
    g_array_free(toks, TRUE);
    return ok;
}

/* ------------------------------------------------------------ scenario */

static struct scenario *scenario_new(void)
{
    struct scenario *s = g_new0(struct scenario, 1);
    s->strings = g_string_chunk_new(4096);
    s->allocs = g_ptr_array_new_with_free_func(g_free);
    s->sources = g_ptr_array_new_with_free_func(g_free);
    s->var_index = g_hash_table_new(g_str_hash, g_str_equal);
    s->var_names = g_ptr_array_new();
    s->mark_index = g_hash_table_new(g_str_hash, g_str_equal);
    s->mark_names = g_ptr_array_new();
    s->queue_index = g_hash_table_new(g_str_hash, g_str_equal);
    s->queue_names = g_ptr_array_new();
    return s;
}

void scenario_free(struct scenario *s)
{
    if (!s)
        return;
    g_hash_table_destroy(s->var_index);
    g_ptr_array_free(s->var_names, TRUE);
    g_hash_table_destroy(s->mark_index);
    g_ptr_array_free(s->mark_names, TRUE);
    g_hash_table_destroy(s->queue_index);
    g_ptr_array_free(s->queue_names, TRUE);
    g_ptr_array_free(s->allocs, TRUE);
    g_ptr_array_free(s->sources, TRUE);
    g_string_chunk_free(s->strings);
    g_free(s);
}

unsigned scenario_statement_count(const struct scenario *s) { return s->nstmts; }

static struct scenario *parse_top(const char *path, const char *text, const char *const *defines,
                                  GError **err)
{
    struct scenario *s = scenario_new();
    struct scn_parser p = { 0 };
    p.s = s;
    p.include_stack = g_ptr_array_new_with_free_func(g_free);
    bool ok = scn_defines_parse(s, defines, err);
    if (ok && text) {
        char *copy = g_strdup(text);
        g_ptr_array_add(s->sources, copy);
        g_ptr_array_add(p.include_stack, g_canonicalize_filename(path, NULL));
        ok = parse_tokens(&p, scn_intern(s, path, strlen(path)), copy, strlen(copy), &s->top, err);
    } else if (ok) {
        struct scn_pos none = { NULL, 0, 0 };
        ok = parse_file_into(&p, path, &none, &s->top, err);
    }
    g_ptr_array_free(p.include_stack, TRUE);
    if (!ok || !scn_defines_check(s, err)) {
        scenario_free(s);
        return NULL;
    }
    return s;
}

struct scenario *scenario_parse_file(const char *path, GError **err)
{
    return parse_top(path, NULL, NULL, err);
}

struct scenario *scenario_parse_string(const char *name, const char *text, GError **err)
{
    return parse_top(name ? name : "<string>", text ? text : "", NULL, err);
}

struct scenario *scenario_parse_file_defines(const char *path, const char *const *defines, GError **err)
{
    return parse_top(path, NULL, defines, err);
}

struct scenario *scenario_parse_string_defines(const char *name, const char *text, const char *const *defines,
                                               GError **err)
{
    return parse_top(name ? name : "<string>", text ? text : "", defines, err);
}
