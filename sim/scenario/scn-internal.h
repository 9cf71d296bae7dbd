/*
 * scn-internal.h — the scenario engine's private contract: tokens, the
 * syntax tree, values, the verb table and the execution state.
 *
 * Life of a scenario: the lexer turns a file into tokens with exact
 * file:line:col positions; the parser builds a tree in which every name that
 * can be resolved early is (variables and marks to slots, verbs to their
 * table entry, registers to offsets, command mnemonics to opcodes and
 * fields); the executor walks the tree.  Nothing is looked up by string
 * while a loop runs.
 *
 * All tree memory belongs to the `struct scenario` (freed in one go), so an
 * error at any point of parsing cannot leak.
 */
#ifndef SCN_INTERNAL_H
#define SCN_INTERNAL_H

#include <stdarg.h>
#include <glib.h>
#include "sim/sim-types.h"
#include "sim/scenario/scenario.h"

/* Limits that keep hostile input from exhausting the stack. */
#define SCN_MAX_EXPR_DEPTH 1000   /* parse levels: about 90 nested parentheses */
#define SCN_MAX_BLOCK_DEPTH 64
#define SCN_MAX_INCLUDE_DEPTH 16
#define SCN_MAX_CALL_ARGS 4
#define SCN_MAX_OUTS 4

struct scn_pos {
    const char *file;           /* owned by the scenario */
    uint32_t line, col;
};

/* ---------------------------------------------------------------- lexer */

enum scn_tok {
    TK_EOF, TK_NL, TK_IDENT, TK_DOLLAR_IDENT, TK_INT, TK_STRING,
    TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_COMMA,
    TK_ASSIGN, TK_ARROW, TK_DOTDOT,
    /* operators */
    TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT, TK_SHL, TK_SHR,
    TK_AMP, TK_PIPE, TK_CARET, TK_TILDE, TK_NOT,
    TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE, TK_ANDAND, TK_OROR,
    TK_QASSIGN,                 /* '?=' of `let NAME ?= VALUE` */
};

struct scn_token {
    enum scn_tok kind;
    struct scn_pos pos;
    const char *text;           /* identifier / string contents (interned) */
    uint64_t ival;              /* TK_INT */
    uint32_t src_off;           /* byte offset of the token in its source */
};

/* ---------------------------------------------------------------- values */

struct scn_value {
    const char *s;              /* non-NULL: a string (owned by the tree) */
    uint64_t i;
};

/* ---------------------------------------------------------- expressions */

enum scn_expr_kind {
    EX_INT, EX_STR, EX_VAR, EX_NAME, EX_UNARY, EX_BINARY, EX_CALL,
};

struct scn_exec;
struct scn_expr;
struct scn_func;

struct scn_regref {
    int space;                  /* SCN_SPACE_* */
    uint64_t offset;            /* inside the device window */
    unsigned size;              /* 4 or 8 */
};
enum { SCN_SPACE_NONE, SCN_SPACE_SMMU, SCN_SPACE_CMDQV };

struct scn_expr {
    enum scn_expr_kind kind;
    struct scn_pos pos;
    union {
        uint64_t ival;
        const char *str;
        struct { uint32_t slot; const char *name; } var;
        const char *name;       /* EX_NAME: a bare word (register, queue, mark...) */
        struct { enum scn_tok op; struct scn_expr *a, *b; } op;
        struct {
            const struct scn_func *fn;
            struct scn_expr *args[SCN_MAX_CALL_ARGS];
            unsigned nargs;
            struct scn_regref reg;  /* resolved register, for reg()/bits of reg */
            uint32_t obj;           /* resolved mark / queue index */
        } call;
    } u;
};

/* Built-in functions of expressions (expr.c). */
struct scn_func {
    const char *name;
    unsigned min_args, max_args;
    int arg0_kind;              /* SCN_FARG_*: how argument 0 is taken */
    bool (*eval)(struct scn_exec *x, const struct scn_expr *call, struct scn_value *out, GError **err);
};
enum { SCN_FARG_EXPR, SCN_FARG_REG, SCN_FARG_MARK, SCN_FARG_QUEUE, SCN_FARG_STRING };
const struct scn_func *scn_func_lookup(const char *name);
const char *scn_func_suggest(const char *name);

/* ------------------------------------------------------------ statements */

enum scn_stmt_kind {
    ST_LET, ST_REPEAT, ST_FOR, ST_IF, ST_BLOCK, ST_EXPECT_ERROR, ST_VERB,
};

struct scn_stmt;
struct scn_block {
    struct scn_stmt **stmts;
    unsigned n;
};

/* Kinds of verb arguments. */
enum scn_kind {
    SCN_K_INT,      /* integer expression */
    SCN_K_VALUE,    /* integer or string expression */
    SCN_K_WORD,     /* a bare word or a string literal, taken as text */
    SCN_K_REG,      /* a register name (smmu.X / cmdqv.X) or an address expression */
};

enum {
    SCN_P_POS = 1u << 0,        /* may be given positionally (in table order) */
    SCN_P_REQ = 1u << 1,        /* must be given */
};

struct scn_param {
    const char *name;
    enum scn_kind kind;
    unsigned flags;
    const char *help;
};

struct scn_arg {
    bool set;
    struct scn_pos pos;
    struct scn_expr *e;         /* SCN_K_INT / VALUE / REG (address form) */
    const char *word;           /* SCN_K_WORD, and the name of a register */
    struct scn_regref reg;      /* SCN_K_REG by name */
};

/* A `key=value` argument outside the verb's table (command fields). */
struct scn_field {
    const char *name;
    struct scn_pos pos;
    struct scn_expr *e;         /* NULL when given as a bare word */
    const char *word;
    int id;                     /* resolved by the verb's check */
};

struct scn_parser;
struct scn_verb;

struct scn_stmt {
    enum scn_stmt_kind kind;
    struct scn_pos pos;
    const char *text;           /* the statement's source line, for messages */
    union {
        struct { uint32_t slot; struct scn_expr *e; bool only_if_unset; } let;  /* `?=` */
        struct { struct scn_expr *count; struct scn_block body; } repeat;
        struct { uint32_t slot; struct scn_expr *from, *to, *step; struct scn_block body; } loop;
        struct { struct scn_expr *cond; struct scn_block then_b, else_b; } cond;
        struct { struct scn_block body; } block;
        struct { const char *substr; struct scn_block body; } expect_error;
        struct {
            const struct scn_verb *verb;
            struct scn_arg *args;           /* one per verb->params entry */
            struct scn_expr **rest;         /* extra positional values (print) */
            unsigned nrest;
            struct scn_field *fields;       /* free key=value (command fields) */
            unsigned nfields;
            int32_t out_slot;               /* `-> var`, or -1 (= outs[0]) */
            int32_t outs[SCN_MAX_OUTS];     /* `-> a, b, c` */
            unsigned nouts;
            uint32_t obj;                   /* queue / mark index, resolved */
            uint64_t aux;                   /* verb-private resolved data (opcode...) */
        } verb;
    } u;
};

/* A verb: `name [sub] args...`.  `check` runs at parse time (resolve names,
 * validate fields); `run` at execution. */
struct scn_verb {
    const char *name;
    const char *sub;            /* NULL for a verb without sub-verbs */
    const char *usage;
    const struct scn_param *params;
    unsigned nparams;
    unsigned flags;             /* SCN_V_* */
    bool (*check)(struct scn_parser *p, struct scn_stmt *st, GError **err);
    bool (*run)(struct scn_exec *x, const struct scn_stmt *st, GError **err);
};
enum {
    SCN_V_OUTPUT = 1u << 0,     /* accepts `-> var` */
    SCN_V_FIELDS = 1u << 1,     /* accepts key=value outside its table */
    SCN_V_REST = 1u << 2,       /* accepts any number of extra positional values */
    SCN_V_QUEUE = 1u << 3,      /* `<queue> sub ...`: the first word is a queue */
    SCN_V_WAIT = 1u << 4,       /* `wait DURATION | until (idle | QUEUE drained | EXPR)` */
    SCN_V_WORDS = 1u << 5,      /* free key=value may take bare words (set) */
    SCN_V_OUTPUTS = 1u << 6,    /* accepts `-> a, b, ...` (up to SCN_MAX_OUTS) */
};
/* What a `wait` waits for (st->u.verb.aux); the value is in args[0]. */
enum { SCN_WAIT_FOR, SCN_WAIT_IDLE, SCN_WAIT_QUEUE, SCN_WAIT_COND };

/* Verb tables (verbs-core.c, verbs-hw.c, verbs-iommufd.c). */
extern const struct scn_verb scn_core_verbs[];
extern const unsigned scn_core_verbs_count;
extern const struct scn_verb scn_hw_verbs[];
extern const unsigned scn_hw_verbs_count;
extern const struct scn_verb scn_iommufd_verbs[];
extern const unsigned scn_iommufd_verbs_count;
extern const struct scn_verb scn_workload_verbs[];
extern const unsigned scn_workload_verbs_count;
extern const struct scn_verb scn_xlate_verbs[];
extern const unsigned scn_xlate_verbs_count;
/* Functions of the translation verbs (verbs-xlate.c): translate, evtq_count, event. */
extern const struct scn_func scn_xlate_funcs[];
extern const unsigned scn_xlate_funcs_count;
struct scn_xlate;
/* Free the endpoints, page tables and arenas (before the machine). */
void scn_xlate_free(struct scn_exec *x);
extern const struct scn_verb scn_image_verbs[];
extern const unsigned scn_image_verbs_count;
struct scn_iommufd;
/* Close every descriptor and mapping, detach the shim from the machine. */
void scn_iommufd_free(struct scn_exec *x);
/* A failed expectation of a statement: counted and printed. */
void scn_expect_fail(struct scn_exec *x, const struct scn_stmt *st, const char *detail);

/* A keyword, verb or function name (not usable as a queue name). */
bool scn_is_reserved_word(const char *name);

/* ---------------------------------------------------------- the scenario */

/* A variable given from outside the file (`--define NAME=VALUE`): a constant
 * evaluated when the scenario is parsed and set before the first statement.
 * The scenario must take it: read it, or declare it with `let NAME ?= ...`
 * before anything else assigns it; otherwise the define would be lost. */
struct scn_define {
    const char *name;           /* interned */
    uint32_t slot;              /* its variable (defines take the first slots) */
    struct scn_value value;
    bool declared;              /* a `let NAME ?=` came before any other assignment */
    bool used;                  /* declared, or read somewhere */
    const char *overwritten_how;    /* the first other assignment: "with let", ... */
    struct scn_pos overwritten_at;
};

struct scenario {
    GStringChunk *strings;      /* interned names, file names, string literals */
    GPtrArray *allocs;          /* every tree node */
    GPtrArray *sources;         /* file contents, kept for statement text */
    struct scn_block top;
    GHashTable *var_index;      /* name -> slot + 1 */
    GPtrArray *var_names;
    GHashTable *mark_index;
    GPtrArray *mark_names;
    GHashTable *queue_index;
    GPtrArray *queue_names;
    unsigned nstmts;
    struct scn_define *defines;
    unsigned ndefines;
    const char *const *define_texts;    /* as given ("NAME=VALUE"), NULL-terminated */
};

void *scn_alloc(struct scenario *s, size_t size);
const char *scn_intern(struct scenario *s, const char *text, size_t len);
uint32_t scn_slot(GHashTable *index, GPtrArray *names, struct scenario *s, const char *name,
                  bool create, bool *found);

/* --------------------------------------------------------------- parser */

struct scn_parser {
    struct scenario *s;
    const struct scn_token *toks;
    unsigned ntoks, i;
    const char *src;            /* current file's text */
    GPtrArray *include_stack;   /* canonical paths being parsed */
    unsigned block_depth;
    unsigned expr_depth;
};

/* Lex `src` (length len) of `file` into toks (a GArray of struct scn_token). */
bool scn_lex(struct scenario *s, const char *file, const char *src, size_t len, GArray *toks,
             GError **err);
struct scn_expr *scn_parse_expr(struct scn_parser *p, GError **err);
/* The slot of a variable a statement assigns (`let`, `for`, `->`, an object
 * name); `how` ("with let", "as a loop variable", ...) explains to a define
 * of the same name why it would be overwritten. */
uint32_t scn_var_assign(struct scn_parser *p, const char *name, const struct scn_pos *pos, const char *how);
/* Parse every "NAME=VALUE" of `defines` into s->defines (parser.c). */
bool scn_defines_parse(struct scenario *s, const char *const *defines, GError **err);
/* After the whole file is parsed: every define is taken by the scenario. */
bool scn_defines_check(const struct scenario *s, GError **err);
const char *scn_tok_describe(const struct scn_token *t, char *buf, size_t len);

/* ---------------------------------------------------------------- errors */

void scn_set_error(GError **err, int code, const struct scn_pos *pos, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
/* The candidate closest to `word` (edit distance), or NULL if none is close. */
const char *scn_suggest(const char *word, const char *const *cands, size_t n);
/* Same over a NULL-terminated getter: cand(i) returns NULL at the end. */
const char *scn_suggest_fn(const char *word, const char *(*cand)(unsigned i, const void *ctx),
                           const void *ctx);

/* ------------------------------------------------------------- execution */

struct sim_machine;
struct sim_params;
struct scn_recorder;
struct scn_timeline;

/* A queue declared with `queue NAME ...`: software's view of a command queue. */
struct scn_queue {
    bool declared;
    struct scn_pos decl_pos;
    uint64_t base;
    unsigned log2size;
    struct scn_regref prod_reg, cons_reg;
    uint64_t prod_addr, cons_addr;      /* absolute, once the machine exists */
    uint32_t prod;                      /* software's producer index */
    uint32_t submitted;                 /* last value written to PROD */
    uint32_t cons_seen;                 /* last CONS read */
    uint64_t pushed;
};

struct scn_exec {
    const struct scenario *s;
    struct scenario_opts opts;
    FILE *out;
    struct scn_value *vars;
    bool *var_set;
    sim_time_t *marks;
    bool *mark_set;
    struct scn_queue *queues;
    unsigned nvars, nmarks, nqueues;

    /* Machine configuration gathered before the machine exists. */
    char *profile;
    struct scn_pos profile_pos;
    GPtrArray *sets;            /* "name=value" */
    GPtrArray *set_origins;
    struct sim_params *params;
    struct sim_machine *m;
    struct scn_pos machine_pos;

    uint64_t expectations, failures;
    uint64_t mmio_accesses;
    struct scn_recorder *rec;
    struct scn_timeline *tl;
    struct scn_iommufd *ifd;    /* iommufd shim state (verbs-iommufd.c) */
    struct scn_xlate *xlate;    /* arenas, page tables, endpoints (verbs-xlate.c) */
    gint64 host_start_us;
    struct {                        /* progress line (progress.c) */
        bool enabled, shown;
        unsigned ticks;
        gint64 last_us;
        uint64_t last_cmds;
    } progress;
    unsigned block_depth;
    struct scn_image_state *image;  /* the last image loaded (verbs-image.c) */
};

bool scn_eval(struct scn_exec *x, const struct scn_expr *e, struct scn_value *out, GError **err);
bool scn_eval_u64(struct scn_exec *x, const struct scn_expr *e, uint64_t *out, GError **err);
/* Progress line on stderr for long runs (only on a terminal, not quiet). */
void scn_progress_init(struct scn_exec *x);
void scn_progress_check(struct scn_exec *x);
void scn_progress_done(struct scn_exec *x);
static inline void scn_progress_tick(struct scn_exec *x)
{
    if (SIM_UNLIKELY(x->progress.enabled) && ++x->progress.ticks >= 4096)
        scn_progress_check(x);
}

/* Set a SCENARIO_ERROR_VALUE error at pos; returns false. */
bool scn_value_error(GError **err, const struct scn_pos *pos, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* A binary (not && / ||) expression applied to operands already evaluated,
 * so a caller that shows the operands evaluates each exactly once. */
bool scn_apply_binary(const struct scn_expr *e, const struct scn_value *a, const struct scn_value *b,
                      struct scn_value *out, GError **err);
/* Evaluate a verb argument; `present` false means "use the default". */
bool scn_arg_u64(struct scn_exec *x, const struct scn_stmt *st, unsigned idx, uint64_t def,
                 uint64_t *out, GError **err);
bool scn_exec_block(struct scn_exec *x, const struct scn_block *b, GError **err);
/* Create the machine now if it does not exist (lazily, at first need). */
bool scn_need_machine(struct scn_exec *x, const struct scn_pos *pos, GError **err);
void scn_set_var(struct scn_exec *x, int32_t slot, uint64_t v);

/* Register access for expressions (observation, no time charged). */
bool scn_reg_addr(struct scn_exec *x, const struct scn_regref *r, const struct scn_pos *pos,
                  uint64_t *addr, GError **err);
bool scn_reg_resolve(const char *name, struct scn_regref *out, const char **why);
bool scn_bus_peek(struct scn_exec *x, uint64_t addr, unsigned size, const struct scn_pos *pos,
                  uint64_t *v, GError **err);
/* A queue's drained state (hardware CONS == software PROD). */
bool scn_queue_drained(struct scn_exec *x, uint32_t q, const struct scn_pos *pos, bool *drained,
                       GError **err);
/* Run the machine until `cond` (or idle, when cond is NULL) with a limit. */
bool scn_wait_until(struct scn_exec *x, const struct scn_stmt *st, const struct scn_expr *cond,
                    int queue, sim_time_t timeout, GError **err);

/* Memory images (verbs-image.c): sym(); the --restore / --memory-image
 * options, applied when the machine is created; --save-image at the end of
 * the run; freeing the loaded image. */
bool scn_image_fn_sym(struct scn_exec *x, const struct scn_expr *call, struct scn_value *out, GError **err);
bool scn_image_machine_created(struct scn_exec *x, const struct scn_pos *pos, GError **err);
bool scn_image_run_end(struct scn_exec *x, GError **err);
void scn_image_free(struct scn_exec *x);

/* Parse-time helpers used by verb checks. */
bool scn_check_cmd_fields(struct scn_parser *p, struct scn_stmt *st, const char *mnemonic,
                          const struct scn_pos *mpos, GError **err);

#endif /* SCN_INTERNAL_H */
