/*
 * verbs-hw.c — verbs that act on the hardware the way software does:
 * register accesses over the MMIO bus (mmio), stores to physical memory
 * (mem), SMMUv3 commands written into memory by mnemonic (cmd), and a
 * software command queue (queue / push / submit) that a driver would keep.
 *
 * Registers are named "smmu.NAME" (smmuv3-regs.h, smmuv3.md §1.1) or
 * "cmdqv.NAME" (cmdqv.h, cmdqv.md §2) and resolved to offsets when the
 * scenario is parsed; the machine's window bases are added when it runs.
 * Commands are encoded from the one field table of the SMMUv3 model
 * (smmuv3-cmd.h, smmuv3.md §2.2), so the scenario and the command engine
 * can never disagree about a layout.
 *
 * Cost: each MMIO access advances simulated time by the bus round trip
 * (bus.mmio_latency_ns), the cost the software actor pays; memory stores
 * are setup and cost nothing.  Expressions (reg(), mem32()) only observe.
 */
#include <inttypes.h>
#include <string.h>
#include "sim/machine/machine.h"
#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-cmd.h"
#include "models/smmuv3/smmuv3-regs.h"
#include "models/cmdqv/cmdqv.h"
#include "sim/scenario/record.h"
#include "sim/scenario/timeline.h"
#include "sim/scenario/scn-internal.h"

/* ------------------------------------------------------------- registers */

static const char *smmu_reg_cand(unsigned i, const void *ctx)
{
    return i < SMMU_REG_COUNT ? smmu_regs[i].name : NULL;
}

bool scn_reg_resolve(const char *name, struct scn_regref *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (!strncmp(name, "smmu.", 5)) {
        const char *r = name + 5;
        uint64_t off;
        unsigned size;
        if (smmu_reg_lookup(r, &off, &size)) {
            out->space = SCN_SPACE_SMMU;
            out->offset = off;
            out->size = size;
            return true;
        }
        const char *sug = scn_suggest_fn(r, smmu_reg_cand, NULL);
        *why = sug ? g_strdup_printf("unknown SMMU register '%s' (did you mean 'smmu.%s'?)", r, sug)
                   : g_strdup_printf("unknown SMMU register '%s'", r);
        return false;
    }
    if (!strncmp(name, "cmdqv.", 6)) {
        uint64_t off;
        unsigned size;
        if (cmdqv_reg_lookup(name + 6, &off, &size)) {
            out->space = SCN_SPACE_CMDQV;
            out->offset = off;
            out->size = size;
            return true;
        }
        *why = g_strdup_printf("unknown CMDQV register '%s' (names like CONFIG, VCMDQ3_PROD, "
                               "VINTF1_LVCMDQ0_CONS, CMDQ_ALLOC5)", name + 6);
        return false;
    }
    *why = strchr(name, '.') ? g_strdup_printf("unknown register '%s' (registers are smmu.NAME or cmdqv.NAME)", name)
                             : g_strdup_printf("unknown variable or register '%s'", name);
    return false;
}

/* The address and size a SCN_K_REG argument designates. */
static bool reg_arg(struct scn_exec *x, const struct scn_stmt *st, unsigned idx, unsigned size_idx,
                    uint64_t *addr, unsigned *size, GError **err)
{
    const struct scn_arg *a = &st->u.verb.args[idx];
    uint64_t sz;
    if (a->e) {
        if (!scn_eval_u64(x, a->e, addr, err) || !scn_arg_u64(x, st, size_idx, 4, &sz, err))
            return false;
    } else {
        if (!scn_reg_addr(x, &a->reg, &a->pos, addr, err) || !scn_arg_u64(x, st, size_idx, a->reg.size, &sz, err))
            return false;
    }
    if (sz != 4 && sz != 8) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->u.verb.args[size_idx].pos,
                      "MMIO size must be 4 or 8 bytes, not %" PRIu64, sz);
        return false;
    }
    *size = (unsigned)sz;
    return true;
}

static bool fits(uint64_t v, unsigned size) { return size >= 8 || v < (1ULL << (8 * size)); }

/* One software register access: applied now, then the bus round trip. */
static bool mmio_access(struct scn_exec *x, const struct scn_stmt *st, uint64_t addr, unsigned size, bool write,
                        uint64_t *v, GError **err)
{
    if (!scn_need_machine(x, &st->pos, err))
        return false;
    sim_time_t now = sim_now(&x->m->sched);
    enum sim_bus_result r = write ? sim_bus_write(x->m->bus, addr, size, *v) : sim_bus_read(x->m->bus, addr, size, v);
    if (r == SIM_BUS_BAD_ACCESS) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "%u-byte MMIO %s at 0x%" PRIx64 " is not a valid access "
                      "(size or alignment)", size, write ? "write" : "read", addr);
        return false;
    }
    x->mmio_accesses++;
    if (x->rec) {
        if (write)
            scn_rec_mmio_write(x->rec, now, addr, size, *v);
        else
            scn_rec_mmio_read(x->rec, now, addr, size, *v);
    }
    if (x->tl) {
        const char *name = st->u.verb.args[0].word;
        char buf[32];
        if (!name) {
            snprintf(buf, sizeof buf, "0x%" PRIx64, addr);
            name = buf;
        }
        scn_timeline_mmio(x->tl, now, write, name, *v);
    }
    sim_machine_run_for(x->m, sim_bus_latency(x->m->bus));
    return true;
}

/* ------------------------------------------------------------------ mmio */

static const struct scn_param mmio_write_params[] = {
    { "reg", SCN_K_REG, SCN_P_POS | SCN_P_REQ, "register name or address" },
    { "value", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "value to write" },
    { "size", SCN_K_INT, 0, "4 or 8 (default: the register's size, 4 for an address)" },
};

static bool run_mmio_write(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t addr, v;
    unsigned size;
    if (!reg_arg(x, st, 0, 2, &addr, &size, err) || !scn_arg_u64(x, st, 1, 0, &v, err))
        return false;
    if (!fits(v, size)) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->u.verb.args[1].pos, "value 0x%" PRIx64
                      " does not fit in a %u-byte access", v, size);
        return false;
    }
    return mmio_access(x, st, addr, size, true, &v, err);
}

static const struct scn_param mmio_read_params[] = {
    { "reg", SCN_K_REG, SCN_P_POS | SCN_P_REQ, "register name or address" },
    { "size", SCN_K_INT, 0, "4 or 8" },
};

static bool run_mmio_read(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t addr, v = 0;
    unsigned size;
    if (!reg_arg(x, st, 0, 1, &addr, &size, err) || !mmio_access(x, st, addr, size, false, &v, err))
        return false;
    scn_set_var(x, st->u.verb.out_slot, v);
    return true;
}

/* ------------------------------------------------------------------- mem */

static bool mem_size(const struct scn_stmt *st, unsigned idx, uint64_t sz, GError **err)
{
    if (sz == 1 || sz == 2 || sz == 4 || sz == 8)
        return true;
    scn_set_error(err, SCENARIO_ERROR_VALUE, &st->u.verb.args[idx].pos, "memory access size must be 1, 2, 4 or 8, "
                  "not %" PRIu64, sz);
    return false;
}

static bool mem_aborted(const struct scn_stmt *st, const char *what, uint64_t addr, GError **err)
{
    scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "mem %s at 0x%" PRIx64 " aborted (an injected fault "
                  "covers it, or the range wraps)", what, addr);
    return false;
}

static bool store(struct scn_exec *x, const struct scn_stmt *st, uint64_t addr, unsigned size, uint64_t v,
                  GError **err)
{
    uint8_t buf[8];
    for (unsigned i = 0; i < size; i++)
        buf[i] = (uint8_t)(v >> (8 * i));
    if (addr > UINT64_MAX - (size - 1) || sim_mem_write(x->m->mem, addr, buf, size) != SIM_MEM_OK)
        return mem_aborted(st, "write", addr, err);
    if (x->rec)
        scn_rec_mem_write(x->rec, sim_now(&x->m->sched), addr, size, v);
    return true;
}

static const struct scn_param mem_write_params[] = {
    { "addr", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "physical address" },
    { "value", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "value (little-endian)" },
    { "size", SCN_K_INT, 0, "1, 2, 4 or 8 bytes (default 8)" },
};

static bool run_mem_write(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t addr, v, sz;
    if (!scn_arg_u64(x, st, 0, 0, &addr, err) || !scn_arg_u64(x, st, 1, 0, &v, err) ||
        !scn_arg_u64(x, st, 2, 8, &sz, err) || !mem_size(st, 2, sz, err) || !scn_need_machine(x, &st->pos, err))
        return false;
    if (!fits(v, (unsigned)sz)) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->u.verb.args[1].pos, "value 0x%" PRIx64
                      " does not fit in %" PRIu64 " bytes", v, sz);
        return false;
    }
    return store(x, st, addr, (unsigned)sz, v, err);
}

static const struct scn_param mem_read_params[] = {
    { "addr", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "physical address" },
    { "size", SCN_K_INT, 0, "1, 2, 4 or 8 bytes (default 8)" },
};

static bool run_mem_read(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t addr, sz, v = 0;
    uint8_t buf[8];
    if (!scn_arg_u64(x, st, 0, 0, &addr, err) || !scn_arg_u64(x, st, 1, 8, &sz, err) || !mem_size(st, 1, sz, err) ||
        !scn_need_machine(x, &st->pos, err))
        return false;
    if (addr > UINT64_MAX - (sz - 1) || sim_mem_read(x->m->mem, addr, buf, (size_t)sz) != SIM_MEM_OK)
        return mem_aborted(st, "read", addr, err);
    for (unsigned i = 0; i < sz; i++)
        v |= (uint64_t)buf[i] << (8 * i);
    scn_set_var(x, st->u.verb.out_slot, v);
    return true;
}

static const struct scn_param mem_fill_params[] = {
    { "addr", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "physical address" },
    { "len", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "bytes" },
    { "byte", SCN_K_INT, 0, "fill value (default 0)" },
};

/* Largest single fill, so a typo cannot allocate the host's memory away. */
#define SCN_MEM_FILL_MAX (1ULL << 30)

static bool run_mem_fill(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t addr, len, byte;
    if (!scn_arg_u64(x, st, 0, 0, &addr, err) || !scn_arg_u64(x, st, 1, 0, &len, err) ||
        !scn_arg_u64(x, st, 2, 0, &byte, err) || !scn_need_machine(x, &st->pos, err))
        return false;
    if (byte > 0xff || len > SCN_MEM_FILL_MAX) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, byte > 0xff ? "fill byte 0x%" PRIx64 " is not a byte"
                      : "fill of %" PRIu64 " bytes is larger than the 1 GiB limit", byte > 0xff ? byte : len);
        return false;
    }
    if ((len && addr > UINT64_MAX - (len - 1)) || sim_mem_fill(x->m->mem, addr, (uint8_t)byte, (size_t)len) != SIM_MEM_OK)
        return mem_aborted(st, "fill", addr, err);
    if (x->rec)
        scn_rec_mem_fill(x->rec, sim_now(&x->m->sched), addr, len, (uint8_t)byte);
    return true;
}

static const struct scn_param mem_abort_params[] = {
    { "addr", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "physical address" },
    { "len", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "bytes" },
    { "kind", SCN_K_WORD, 0, "read, write or rw (default rw)" },
};

static bool run_mem_abort(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t addr, len;
    const struct scn_arg *k = &st->u.verb.args[2];
    const char *kind = k->set ? k->word : "rw";
    enum sim_mem_access what;
    if (!strcmp(kind, "read"))
        what = SIM_MEM_READ;
    else if (!strcmp(kind, "write"))
        what = SIM_MEM_WRITE;
    else if (!strcmp(kind, "rw"))
        what = SIM_MEM_RW;
    else {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &k->pos, "kind must be read, write or rw, not '%s'", kind);
        return false;
    }
    if (!scn_arg_u64(x, st, 0, 0, &addr, err) || !scn_arg_u64(x, st, 1, 0, &len, err) ||
        !scn_need_machine(x, &st->pos, err))
        return false;
    if (!len || addr > UINT64_MAX - (len - 1)) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "abort range must be non-empty and not wrap");
        return false;
    }
    sim_mem_inject_abort(x->m->mem, addr, len, what);
    if (x->rec)
        scn_rec_mem_abort(x->rec, sim_now(&x->m->sched), addr, len, kind);
    return true;
}

static bool run_mem_clear(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    if (!scn_need_machine(x, &st->pos, err))
        return false;
    sim_mem_clear_all_aborts(x->m->mem);
    if (x->rec)
        scn_rec_mem_clear(x->rec, sim_now(&x->m->sched));
    return true;
}

/* -------------------------------------------------------------- commands */

/* Pseudo-mnemonic for arbitrary bits: `cmd ADDR RAW dw0=... dw1=...`.
 * CFGI_ALL is CFGI_STE_RANGE with Range 31 (smmuv3.md §2.2). */
#define SCN_CMD_RAW 0x100
#define SCN_CMD_CFGI_ALL 0x200
enum { SCN_F_DW0 = 100, SCN_F_DW1 = 101 };

static const char *mnemonic_cand(unsigned i, const void *ctx)
{
    for (unsigned o = 0; o < 256; o++) {
        const struct smmu_cmd_desc *d = smmu_cmd_desc((uint8_t)o);
        if (d && i-- == 0)
            return d->name;
    }
    return i == 0 ? "RAW" : NULL;
}

struct field_ctx {
    uint32_t mask;
    unsigned i;
};

static const char *field_cand(unsigned i, const void *ctx)
{
    const struct field_ctx *c = ctx;
    for (unsigned f = 0; f < SMMU_F_COUNT; f++)
        if ((c->mask >> f) & 1 && i-- == 0)
            return smmu_cmd_fields[f].name;
    return NULL;
}

static bool field_by_name(uint32_t mask, const char *name, int *id)
{
    for (unsigned f = 0; f < SMMU_F_COUNT; f++)
        if ((mask >> f) & 1 && !g_ascii_strcasecmp(smmu_cmd_fields[f].name, name)) {
            *id = (int)f;
            return true;
        }
    return false;
}

bool scn_check_cmd_fields(struct scn_parser *p, struct scn_stmt *st, const char *mnemonic,
                          const struct scn_pos *mpos, GError **err)
{
    unsigned op;
    const struct smmu_cmd_desc *d = NULL;
    int code = smmu_cmd_opcode_by_name(mnemonic);
    if (!g_ascii_strcasecmp(mnemonic, "RAW")) {
        op = SCN_CMD_RAW;
    } else if (code < 0 || !(d = smmu_cmd_desc((uint8_t)code))) {
        const char *sug = scn_suggest_fn(mnemonic, mnemonic_cand, NULL);
        scn_set_error(err, SCENARIO_ERROR_NAME, mpos, "unknown command '%s'%s%s%s", mnemonic,
                      sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        return false;
    }
    if (d) {
        op = (unsigned)code;
        const char *m = g_ascii_strncasecmp(mnemonic, "CMD_", 4) ? mnemonic : mnemonic + 4;
        if (!g_ascii_strcasecmp(m, "CFGI_ALL"))
            op |= SCN_CMD_CFGI_ALL;
    }
    st->u.verb.aux = op;
    for (unsigned i = 0; i < st->u.verb.nfields; i++) {
        struct scn_field *f = &st->u.verb.fields[i];
        if (op == SCN_CMD_RAW) {
            if (!strcmp(f->name, "dw0") || !strcmp(f->name, "dw1")) {
                f->id = f->name[2] == '0' ? SCN_F_DW0 : SCN_F_DW1;
                continue;
            }
            scn_set_error(err, SCENARIO_ERROR_NAME, &f->pos, "unknown field '%s' for RAW (fields: dw0, dw1)", f->name);
            return false;
        }
        if (field_by_name(d->fields, f->name, &f->id))
            continue;
        struct field_ctx c = { d->fields, 0 };
        const char *sug = scn_suggest_fn(f->name, field_cand, &c);
        if (sug)
            scn_set_error(err, SCENARIO_ERROR_NAME, &f->pos, "unknown field '%s' for %s (did you mean '%s'?)",
                          f->name, d->name, sug);
        else if (!d->fields)
            scn_set_error(err, SCENARIO_ERROR_NAME, &f->pos, "unknown field '%s' for %s (it has no fields)",
                          f->name, d->name);
        else {
            GString *all = g_string_new(NULL);
            for (unsigned k = 0; field_cand(k, &c); k++)
                g_string_append_printf(all, "%s%s", k ? ", " : "", field_cand(k, &c));
            scn_set_error(err, SCENARIO_ERROR_NAME, &f->pos, "unknown field '%s' for %s (fields: %s)", f->name,
                          d->name, all->str);
            g_string_free(all, TRUE);
        }
        return false;
    }
    return true;
}

/* tg accepts the granule itself (4K/16K/64K) as well as the encoding. */
static bool tg_encode(uint64_t v, uint64_t *enc)
{
    switch (v) {
    case 0: case 1: case 2: case 3: *enc = v; return true;
    case 4096: *enc = 1; return true;
    case 16384: *enc = 2; return true;
    case 65536: *enc = 3; return true;
    default: return false;
    }
}

static bool encode_cmd(struct scn_exec *x, const struct scn_stmt *st, uint64_t cmd[2], GError **err)
{
    unsigned op = (unsigned)st->u.verb.aux;
    GError *e = NULL;
    cmd[0] = op & SCN_CMD_RAW ? 0 : (op & 0xff);
    cmd[1] = 0;
    if ((op & SCN_CMD_CFGI_ALL) && !smmu_cmd_set_field(cmd, "range", 31, &e)) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "%s", e->message);
        g_error_free(e);
        return false;
    }
    for (unsigned i = 0; i < st->u.verb.nfields; i++) {
        const struct scn_field *f = &st->u.verb.fields[i];
        uint64_t v;
        if (!scn_eval_u64(x, f->e, &v, err))
            return false;
        if (f->id == SCN_F_DW0 || f->id == SCN_F_DW1) {
            cmd[f->id - SCN_F_DW0] = v;
            continue;
        }
        if (f->id == SMMU_F_TG && !tg_encode(v, &v)) {
            scn_set_error(err, SCENARIO_ERROR_VALUE, &f->pos, "tg must be 0..3 or 4K, 16K, 64K, not %" PRIu64, v);
            return false;
        }
        if (!smmu_cmd_set_field(cmd, f->name, v, &e)) {
            scn_set_error(err, SCENARIO_ERROR_VALUE, &f->pos, "%s", e->message);
            g_error_free(e);
            return false;
        }
    }
    return true;
}

static bool write_cmd(struct scn_exec *x, const struct scn_stmt *st, uint64_t addr, GError **err)
{
    uint64_t cmd[2];
    return encode_cmd(x, st, cmd, err) && store(x, st, addr, 8, cmd[0], err) &&
           store(x, st, addr + 8, 8, cmd[1], err);
}

static const struct scn_param cmd_params[] = {
    { "entry", SCN_K_INT, SCN_P_POS | SCN_P_REQ, "physical address of the 16-byte entry" },
    { "op", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "mnemonic (TLBI_NH_VA, CMD_SYNC...) or RAW" },
};

static bool check_cmd(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    return scn_check_cmd_fields(p, st, st->u.verb.args[1].word, &st->u.verb.args[1].pos, err);
}

static bool run_cmd(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t addr;
    if (!scn_arg_u64(x, st, 0, 0, &addr, err) || !scn_need_machine(x, &st->pos, err))
        return false;
    if (addr > UINT64_MAX - 15) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->u.verb.args[0].pos, "command address wraps");
        return false;
    }
    return write_cmd(x, st, addr, err);
}

/* ---------------------------------------------------------------- queues */

static const struct scn_param queue_params[] = {
    { "name", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "name of the queue" },
    { "base", SCN_K_INT, SCN_P_REQ, "address of entry 0" },
    { "log2size", SCN_K_INT, SCN_P_REQ, "log2 of the number of entries (0..19)" },
    { "prod", SCN_K_REG, SCN_P_REQ, "its PROD register" },
    { "cons", SCN_K_REG, SCN_P_REQ, "its CONS register" },
};

static bool check_queue(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    const struct scn_arg *n = &st->u.verb.args[0];
    bool found;
    if (scn_is_reserved_word(n->word)) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &n->pos, "'%s' is a reserved word and cannot name a queue", n->word);
        return false;
    }
    st->u.verb.obj = scn_slot(p->s->queue_index, p->s->queue_names, p->s, n->word, true, &found);
    if (found) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &n->pos, "queue '%s' is already declared", n->word);
        return false;
    }
    if (g_hash_table_contains(p->s->var_index, n->word)) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &n->pos, "'%s' is already a variable", n->word);
        return false;
    }
    return true;
}

static bool queue_reg(struct scn_exec *x, const struct scn_stmt *st, unsigned idx, uint64_t *addr, GError **err)
{
    const struct scn_arg *a = &st->u.verb.args[idx];
    if (a->e)
        return scn_eval_u64(x, a->e, addr, err);
    return scn_reg_addr(x, &a->reg, &a->pos, addr, err);
}

static bool run_queue(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_queue *q = &x->queues[st->u.verb.obj];
    uint64_t base, log2size, prod, cons;
    if (!scn_arg_u64(x, st, 1, 0, &base, err) || !scn_arg_u64(x, st, 2, 0, &log2size, err))
        return false;
    if (log2size > SMMU_Q_LOG2SIZE_MAX) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->u.verb.args[2].pos, "log2size %" PRIu64 " is larger than %u",
                      log2size, SMMU_Q_LOG2SIZE_MAX);
        return false;
    }
    if (!queue_reg(x, st, 3, &q->prod_addr, err) || !queue_reg(x, st, 4, &q->cons_addr, err) ||
        !scn_bus_peek(x, q->prod_addr, 4, &st->pos, &prod, err) || !scn_bus_peek(x, q->cons_addr, 4, &st->pos, &cons, err))
        return false;
    q->declared = true;
    q->decl_pos = st->pos;
    q->base = base;
    q->log2size = (unsigned)log2size;
    q->prod = q->submitted = smmu_q_ptr(q->log2size, (uint32_t)prod);
    q->cons_seen = (uint32_t)cons;
    return true;
}

static struct scn_queue *queue_of(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_queue *q = &x->queues[st->u.verb.obj];
    if (q->declared)
        return q;
    scn_set_error(err, SCENARIO_ERROR_NAME, &st->pos, "queue '%s' is used before its 'queue' statement ran",
                  (const char *)g_ptr_array_index(x->s->queue_names, st->u.verb.obj));
    return NULL;
}

static const struct scn_param push_params[] = {
    { "op", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "mnemonic (TLBI_NH_VA, CMD_SYNC...) or RAW" },
};

static bool check_push(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    return scn_check_cmd_fields(p, st, st->u.verb.args[0].word, &st->u.verb.args[0].pos, err);
}

static bool run_push(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_queue *q = queue_of(x, st, err);
    if (!q)
        return false;
    if (smmu_q_full(q->log2size, q->prod, q->cons_seen)) {
        uint64_t cons;
        if (!scn_bus_peek(x, q->cons_addr, 4, &st->pos, &cons, err))
            return false;
        q->cons_seen = (uint32_t)cons;
        if (smmu_q_full(q->log2size, q->prod, q->cons_seen)) {
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "queue '%s' is full (%u entries): submit and wait "
                          "until it has room", (const char *)g_ptr_array_index(x->s->queue_names, st->u.verb.obj),
                          smmu_q_entries(q->log2size));
            return false;
        }
    }
    if (!write_cmd(x, st, smmu_q_entry_addr(q->base, q->log2size, q->prod, 4), err))
        return false;
    q->prod = smmu_q_inc(q->log2size, q->prod);
    q->pushed++;
    return true;
}

static bool run_submit(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_queue *q = queue_of(x, st, err);
    if (!q)
        return false;
    uint64_t v = q->prod;
    if (!mmio_access(x, st, q->prod_addr, 4, true, &v, err))
        return false;
    q->submitted = q->prod;
    return true;
}

#define P(t) t, G_N_ELEMENTS(t)

const struct scn_verb scn_hw_verbs[] = {
    { "mmio", "write", "mmio write REG VALUE [size=4|8]", P(mmio_write_params), 0, NULL, run_mmio_write },
    { "mmio", "read", "mmio read REG [size=4|8] [-> var]", P(mmio_read_params), SCN_V_OUTPUT, NULL, run_mmio_read },
    { "mem", "write", "mem write ADDR VALUE [size=1|2|4|8]", P(mem_write_params), 0, NULL, run_mem_write },
    { "mem", "read", "mem read ADDR [size=1|2|4|8] -> var", P(mem_read_params), SCN_V_OUTPUT, NULL, run_mem_read },
    { "mem", "fill", "mem fill ADDR LEN [byte=B]", P(mem_fill_params), 0, NULL, run_mem_fill },
    { "mem", "abort", "mem abort ADDR LEN [kind=read|write|rw]", P(mem_abort_params), 0, NULL, run_mem_abort },
    { "mem", "clear_aborts", "mem clear_aborts", NULL, 0, 0, NULL, run_mem_clear },
    { "cmd", NULL, "cmd ADDR MNEMONIC field=value...", P(cmd_params), SCN_V_FIELDS, check_cmd, run_cmd },
    { "queue", NULL, "queue NAME base=ADDR log2size=N prod=REG cons=REG", P(queue_params), 0, check_queue,
      run_queue },
    { "queue", "push", "QUEUE push MNEMONIC field=value...", P(push_params), SCN_V_QUEUE | SCN_V_FIELDS, check_push,
      run_push },
    { "queue", "submit", "QUEUE submit", NULL, 0, SCN_V_QUEUE, NULL, run_submit },
};
const unsigned scn_hw_verbs_count = G_N_ELEMENTS(scn_hw_verbs);
