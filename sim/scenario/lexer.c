/*
 * lexer.c — scenario text to tokens, with exact file:line:col positions.
 *
 * Lines end statements (so does ';'); a backslash at the end of a line
 * continues it.  '#' starts a comment.  Identifiers may contain dots between
 * word characters ("smmu.CMDQ_PROD", "smmu.tlbi_va_cycles") but never two
 * dots in a row, so "0..n" is a range.  Numbers are decimal, 0x hex or 0b
 * binary with optional '_' separators, and an optional suffix: K/M/G
 * (binary multiples) or ps/ns/us/ms/s (a time, converted to picoseconds).
 * Every malformed input is a positioned error; the lexer never reads past
 * `len`, whatever the bytes are (NUL included).
 */
#include <string.h>
#include "sim/scenario/scn-internal.h"

struct lexer {
    struct scenario *s;
    const char *file;
    const char *src;
    size_t len, i;
    uint32_t line, col;
    GArray *toks;
    GString *buf;
};

static bool at_end(const struct lexer *l, size_t ahead) { return l->i + ahead >= l->len; }
static char peek(const struct lexer *l, size_t ahead) { return at_end(l, ahead) ? '\0' : l->src[l->i + ahead]; }

static void advance(struct lexer *l, size_t n)
{
    while (n-- && l->i < l->len) {
        if (l->src[l->i] == '\n') {
            l->line++;
            l->col = 1;
        } else {
            l->col++;
        }
        l->i++;
    }
}

static struct scn_pos here(const struct lexer *l)
{
    struct scn_pos p = { l->file, l->line, l->col };
    return p;
}

static bool is_word_start(char c) { return g_ascii_isalpha(c) || c == '_'; }
static bool is_word_char(char c) { return g_ascii_isalnum(c) || c == '_'; }

static void push(struct lexer *l, enum scn_tok kind, struct scn_pos pos, size_t off)
{
    struct scn_token t = { kind, pos, NULL, 0, (uint32_t)off };
    g_array_append_val(l->toks, t);
}

static bool lex_ident(struct lexer *l, enum scn_tok kind)
{
    struct scn_pos pos = here(l);
    size_t off = l->i;
    if (kind == TK_DOLLAR_IDENT) {
        advance(l, 1);
        if (!is_word_start(peek(l, 0)))
            return false;
    }
    size_t start = l->i;
    while (!at_end(l, 0)) {
        char c = peek(l, 0);
        if (is_word_char(c))
            advance(l, 1);
        else if (c == '.' && is_word_char(peek(l, 1)))
            advance(l, 1);
        else
            break;
    }
    struct scn_token t = { kind, pos, scn_intern(l->s, l->src + start, l->i - start), 0, (uint32_t)off };
    g_array_append_val(l->toks, t);
    return true;
}

/* Multipliers of number suffixes. */
static const struct { const char *name; uint64_t mul; } suffixes[] = {
    { "K", 1024ull }, { "M", 1024ull * 1024 }, { "G", 1024ull * 1024 * 1024 },
    { "ps", SIM_PS }, { "ns", SIM_NS }, { "us", SIM_US }, { "ms", SIM_MS }, { "s", SIM_S },
};

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

static bool lex_number(struct lexer *l, GError **err)
{
    struct scn_pos pos = here(l);
    size_t off = l->i;
    unsigned base = 10;
    if (peek(l, 0) == '0' && (peek(l, 1) == 'x' || peek(l, 1) == 'X')) {
        base = 16;
        advance(l, 2);
    } else if (peek(l, 0) == '0' && (peek(l, 1) == 'b' || peek(l, 1) == 'B') &&
               (peek(l, 2) == '0' || peek(l, 2) == '1')) {
        base = 2;
        advance(l, 2);
    }
    uint64_t v = 0;
    unsigned ndigits = 0;
    bool overflow = false;
    for (;;) {
        char c = peek(l, 0);
        if (c == '_' && ndigits) {
            advance(l, 1);
            continue;
        }
        int d = digit_value(c);
        if (d >= (int)base)
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            overflow = true;
        v = v * base + (uint64_t)d;
        ndigits++;
        advance(l, 1);
    }
    if (!ndigits) {
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &pos, "number '%.*s' has no digits",
                      (int)(l->i - off), l->src + off);
        return false;
    }
    if (overflow) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &pos, "number '%.*s' does not fit in 64 bits",
                      (int)(l->i - off), l->src + off);
        return false;
    }
    size_t sfx = l->i;
    while (is_word_char(peek(l, 0)))
        advance(l, 1);
    if (l->i > sfx) {
        size_t n = l->i - sfx;
        const char *text = l->src + sfx;
        size_t k;
        for (k = 0; k < G_N_ELEMENTS(suffixes); k++)
            if (strlen(suffixes[k].name) == n && !memcmp(suffixes[k].name, text, n))
                break;
        if (k == G_N_ELEMENTS(suffixes)) {
            scn_set_error(err, SCENARIO_ERROR_SYNTAX, &pos,
                          "invalid suffix '%.*s' on number (expected K, M, G, ps, ns, us, ms or s)",
                          (int)n, text);
            return false;
        }
        if (v && suffixes[k].mul > UINT64_MAX / v) {
            scn_set_error(err, SCENARIO_ERROR_VALUE, &pos, "number '%.*s' does not fit in 64 bits",
                          (int)(l->i - off), l->src + off);
            return false;
        }
        v *= suffixes[k].mul;
    }
    struct scn_token t = { TK_INT, pos, NULL, v, (uint32_t)off };
    g_array_append_val(l->toks, t);
    return true;
}

static bool lex_string(struct lexer *l, GError **err)
{
    struct scn_pos pos = here(l);
    size_t off = l->i;
    g_string_truncate(l->buf, 0);
    advance(l, 1);
    for (;;) {
        if (at_end(l, 0) || peek(l, 0) == '\n') {
            scn_set_error(err, SCENARIO_ERROR_SYNTAX, &pos, "unterminated string literal");
            return false;
        }
        char c = peek(l, 0);
        if (c == '"') {
            advance(l, 1);
            break;
        }
        if (c == '\\') {
            struct scn_pos epos = here(l);
            char e = peek(l, 1);
            char out;
            switch (e) {
            case 'n': out = '\n'; break;
            case 't': out = '\t'; break;
            case '\\': out = '\\'; break;
            case '"': out = '"'; break;
            default:
                scn_set_error(err, SCENARIO_ERROR_SYNTAX, &epos,
                              "unknown escape '\\%c' in string (use \\n, \\t, \\\\ or \\\")",
                              g_ascii_isprint(e) ? e : '?');
                return false;
            }
            g_string_append_c(l->buf, out);
            advance(l, 2);
            continue;
        }
        if (c == '\0') {
            scn_set_error(err, SCENARIO_ERROR_SYNTAX, &pos, "NUL byte inside string literal");
            return false;
        }
        g_string_append_c(l->buf, c);
        advance(l, 1);
    }
    struct scn_token t = { TK_STRING, pos, scn_intern(l->s, l->buf->str, l->buf->len), 0, (uint32_t)off };
    g_array_append_val(l->toks, t);
    return true;
}

/* Operators, longest first. */
static const struct { const char *text; enum scn_tok kind; } operators[] = {
    { "->", TK_ARROW }, { "..", TK_DOTDOT }, { "<<", TK_SHL }, { ">>", TK_SHR },
    { "==", TK_EQ }, { "!=", TK_NE }, { "<=", TK_LE }, { ">=", TK_GE },
    { "&&", TK_ANDAND }, { "||", TK_OROR }, { "?=", TK_QASSIGN },
    { "{", TK_LBRACE }, { "}", TK_RBRACE }, { "(", TK_LPAREN }, { ")", TK_RPAREN },
    { ",", TK_COMMA }, { "=", TK_ASSIGN }, { "+", TK_PLUS }, { "-", TK_MINUS },
    { "*", TK_STAR }, { "/", TK_SLASH }, { "%", TK_PERCENT }, { "&", TK_AMP },
    { "|", TK_PIPE }, { "^", TK_CARET }, { "~", TK_TILDE }, { "!", TK_NOT },
    { "<", TK_LT }, { ">", TK_GT },
};

static bool lex_operator(struct lexer *l)
{
    for (size_t k = 0; k < G_N_ELEMENTS(operators); k++) {
        size_t n = strlen(operators[k].text);
        if (l->i + n <= l->len && !memcmp(l->src + l->i, operators[k].text, n)) {
            push(l, operators[k].kind, here(l), l->i);
            advance(l, n);
            return true;
        }
    }
    return false;
}

static bool lex_one(struct lexer *l, GError **err)
{
    char c = peek(l, 0);
    if (c == ' ' || c == '\t' || c == '\r') {
        advance(l, 1);
        return true;
    }
    if (c == '#') {
        while (!at_end(l, 0) && peek(l, 0) != '\n')
            advance(l, 1);
        return true;
    }
    if (c == '\\' && (peek(l, 1) == '\n' || (peek(l, 1) == '\r' && peek(l, 2) == '\n'))) {
        advance(l, peek(l, 1) == '\n' ? 2 : 3);
        return true;
    }
    if (c == '\n' || c == ';') {
        push(l, TK_NL, here(l), l->i);
        advance(l, 1);
        return true;
    }
    if (is_word_start(c))
        return lex_ident(l, TK_IDENT);
    if (c == '$') {
        struct scn_pos pos = here(l);
        if (lex_ident(l, TK_DOLLAR_IDENT))
            return true;
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &pos, "'$' must be followed by a variable name");
        return false;
    }
    if (g_ascii_isdigit(c))
        return lex_number(l, err);
    if (c == '"')
        return lex_string(l, err);
    if (lex_operator(l))
        return true;
    struct scn_pos pos = here(l);
    if (g_ascii_isprint(c))
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &pos, "unexpected character '%c'", c);
    else
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &pos, "unexpected byte 0x%02x", (unsigned)(uint8_t)c);
    return false;
}

bool scn_lex(struct scenario *s, const char *file, const char *src, size_t len, GArray *toks,
             GError **err)
{
    struct lexer l = { s, file, src, len, 0, 1, 1, toks, g_string_new(NULL) };
    bool ok = true;
    while (ok && !at_end(&l, 0))
        ok = lex_one(&l, err);
    g_string_free(l.buf, TRUE);
    if (!ok)
        return false;
    push(&l, TK_NL, here(&l), l.i);
    push(&l, TK_EOF, here(&l), l.i);
    return true;
}

const char *scn_tok_describe(const struct scn_token *t, char *buf, size_t len)
{
    switch (t->kind) {
    case TK_EOF: return "end of file";
    case TK_NL: return "end of line";
    case TK_IDENT: snprintf(buf, len, "'%s'", t->text); return buf;
    case TK_DOLLAR_IDENT: snprintf(buf, len, "'$%s'", t->text); return buf;
    case TK_INT: snprintf(buf, len, "number %" G_GUINT64_FORMAT, t->ival); return buf;
    case TK_STRING: return "string literal";
    default:
        break;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(operators); k++)
        if (operators[k].kind == t->kind) {
            snprintf(buf, len, "'%s'", operators[k].text);
            return buf;
        }
    return "token";
}
