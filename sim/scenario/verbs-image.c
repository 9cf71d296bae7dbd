/*
 * verbs-image.c — memory images in scenarios (docs/scenario-format.md §4.7,
 * docs/memory-images.md): `image load`, `image save`, `image restore`, the
 * expression function sym(), and the run options --memory-image,
 * --save-image and --restore that do the same from the command line.
 *
 * Paths in a scenario are relative to the scenario file that names them;
 * paths from the command line are taken as given.
 */
#include <string.h>
#include "sim/image.h"
#include "sim/machine/machine.h"
#include "sim/scenario/scn-internal.h"

/* The symbols of the last image loaded or restored (sym()). */
struct scn_image_state {
    struct sim_image *img;
    char *path;
};

static struct scn_image_state *state_of(struct scn_exec *x)
{
    if (!x->image)
        x->image = g_new0(struct scn_image_state, 1);
    return x->image;
}

static void keep_image(struct scn_exec *x, struct sim_image *img, const char *path)
{
    struct scn_image_state *s = state_of(x);
    sim_image_free(s->img);
    g_free(s->path);
    s->img = img;
    s->path = g_strdup(path);
}

void scn_image_free(struct scn_exec *x)
{
    if (!x->image)
        return;
    sim_image_free(x->image->img);
    g_free(x->image->path);
    g_free(x->image);
    x->image = NULL;
}

/* A scenario's path argument, relative to the file of the statement. */
static char *scenario_path(const struct scn_stmt *st)
{
    const char *p = st->u.verb.args[0].word;
    if (g_path_is_absolute(p))
        return g_strdup(p);
    char *dir = g_path_get_dirname(st->pos.file);
    char *full = g_build_filename(dir, p, NULL);
    g_free(dir);
    return full;
}

/* ---- the three operations (shared by verbs and command-line options) ---- */

static bool load_image(struct scn_exec *x, const char *path, const struct scn_pos *pos, GError **err)
{
    GError *e = NULL;
    if (!scn_need_machine(x, pos, err))
        return false;
    struct sim_image *img = sim_machine_load_image(x->m, path, &e);
    if (!img) {
        scn_set_error(err, SCENARIO_ERROR_IO, pos, "image load: %s", e->message);
        g_error_free(e);
        return false;
    }
    keep_image(x, img, path);
    return true;
}

static bool save_image(struct scn_exec *x, const char *path, const struct scn_pos *pos, GError **err)
{
    GError *e = NULL;
    if (!scn_need_machine(x, pos, err))
        return false;
    if (!sim_machine_save_image(x->m, path, &e)) {
        scn_set_error(err, e->code == SIM_IMAGE_ERROR_IO ? SCENARIO_ERROR_IO : SCENARIO_ERROR_RUNTIME, pos,
                      "image save: %s", e->message);
        g_error_free(e);
        return false;
    }
    return true;
}

/* Build the machine from the gathered parameters and restore into it; a
 * failed restore discards the machine, so nothing half-restored runs on. */
static bool restore_image(struct scn_exec *x, const char *path, const struct scn_pos *pos, GError **err)
{
    GError *e = NULL;
    struct sim_image *img = NULL;
    if (x->m) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos,
                      "'image restore' must come before the machine is created (it was created at %s:%u)",
                      x->machine_pos.file ? x->machine_pos.file : "(start)", x->machine_pos.line);
        return false;
    }
    if (x->rec) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos, "'image restore' cannot be recorded: a record "
                      "replays from a fresh machine");
        return false;
    }
    if (!scn_need_machine(x, pos, err))
        return false;
    if (!sim_machine_restore_image(x->m, path, &img, &e)) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos, "image restore: %s", e->message);
        g_error_free(e);
        sim_machine_free(x->m);
        x->m = NULL;
        return false;
    }
    keep_image(x, img, path);
    return true;
}

/* ---- verbs ------------------------------------------------------------- */

static bool run_image_load(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    char *path = scenario_path(st);
    bool ok = load_image(x, path, &st->pos, err);
    g_free(path);
    return ok;
}

static bool run_image_save(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    char *path = scenario_path(st);
    bool ok = save_image(x, path, &st->pos, err);
    g_free(path);
    return ok;
}

static bool run_image_restore(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    char *path = scenario_path(st);
    bool ok = restore_image(x, path, &st->pos, err);
    g_free(path);
    return ok;
}

static const struct scn_param path_params[] = {
    { "file", SCN_K_WORD, SCN_P_POS | SCN_P_REQ, "ELF file, relative to the scenario file" },
};

const struct scn_verb scn_image_verbs[] = {
    { "image", "load", "image load \"FILE\"", path_params, 1, 0, NULL, run_image_load },
    { "image", "save", "image save \"FILE\"", path_params, 1, 0, NULL, run_image_save },
    { "image", "restore", "image restore \"FILE\"", path_params, 1, 0, NULL, run_image_restore },
};
const unsigned scn_image_verbs_count = G_N_ELEMENTS(scn_image_verbs);

/* ---- sym("name") -------------------------------------------------------- */

bool scn_image_fn_sym(struct scn_exec *x, const struct scn_expr *c, struct scn_value *out, GError **err)
{
    struct scn_value name;
    if (!scn_eval(x, c->u.call.args[0], &name, err))
        return false;
    if (!name.s) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &c->pos, "sym() needs a symbol name in quotes");
        return false;
    }
    /* --memory-image is applied when the machine is created, which a
     * scenario may not have needed yet. */
    if (!x->m && !scn_need_machine(x, &c->pos, err))
        return false;
    const struct scn_image_state *s = x->image;
    if (!s || !s->img) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &c->pos,
                      "sym(\"%s\"): no image is loaded (use 'image load' or --memory-image)", name.s);
        return false;
    }
    out->s = NULL;
    if (sim_image_symbol(s->img, name.s, &out->i))
        return true;
    size_t n = 0;
    const char **names = sim_image_symbol_names(s->img, &n);
    const char *close = scn_suggest(name.s, names, n);
    if (close)
        scn_set_error(err, SCENARIO_ERROR_NAME, &c->pos, "unknown symbol '%s' in %s (did you mean '%s'?)",
                      name.s, s->path, close);
    else
        scn_set_error(err, SCENARIO_ERROR_NAME, &c->pos, "unknown symbol '%s' in %s (it has %zu symbols)",
                      name.s, s->path, n);
    g_free(names);
    return false;
}

/* ---- command-line options ---------------------------------------------- */

bool scn_image_machine_created(struct scn_exec *x, const struct scn_pos *pos, GError **err)
{
    if (x->opts.restore_path && !x->image) {
        GError *e = NULL;
        struct sim_image *img = NULL;
        if (!sim_machine_restore_image(x->m, x->opts.restore_path, &img, &e)) {
            scn_set_error(err, SCENARIO_ERROR_RUNTIME, pos, "--restore: %s", e->message);
            g_error_free(e);
            return false;
        }
        keep_image(x, img, x->opts.restore_path);
    }
    if (x->opts.memory_image_path && !(x->image && x->image->img && x->image->path &&
                                       strcmp(x->image->path, x->opts.memory_image_path) == 0))
        return load_image(x, x->opts.memory_image_path, pos, err);
    return true;
}

bool scn_image_run_end(struct scn_exec *x, GError **err)
{
    if (!x->opts.save_image_path)
        return true;
    if (!scn_need_machine(x, NULL, err))
        return false;
    GError *e = NULL;
    if (sim_sched_pending(&x->m->sched) && sim_machine_run_until_idle(x->m) != SIM_RUN_DONE) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_RUNTIME, "--save-image: the machine does not go idle");
        return false;
    }
    if (!sim_machine_save_image(x->m, x->opts.save_image_path, &e)) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "--save-image: %s", e->message);
        g_error_free(e);
        return false;
    }
    return true;
}
