/*
 * record.c — write a run's hardware-visible actions as a flat scenario
 * (record.h).  Lines are streamed to the file as they happen, so recording
 * a long run costs no memory; times are exact picoseconds.
 */
#include <inttypes.h>
#include <errno.h>
#include <string.h>
#include "sim/scenario/record.h"
#include "sim/scenario/scn-internal.h"

struct scn_recorder {
    FILE *f;
    char *path;
    sim_time_t last;
    uint64_t reads;
};

struct scn_recorder *scn_rec_open(const char *path, const char *source, GError **err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "cannot write record '%s': %s", path, g_strerror(errno));
        return NULL;
    }
    struct scn_recorder *r = g_new0(struct scn_recorder, 1);
    r->f = f;
    r->path = g_strdup(path);
    fprintf(f, "# Recorded by smmusim from %s: replays to the same results.\n", source && *source ? source : "a scenario");
    return r;
}

static void at(struct scn_recorder *r, sim_time_t t)
{
    if (t != r->last) {
        fprintf(r->f, "at %" PRIu64 "ps\n", t);
        r->last = t;
    }
}

void scn_rec_define(struct scn_recorder *r, const char *define)
{
    fprintf(r->f, "# with --define %s\n", define);
}

void scn_rec_profile(struct scn_recorder *r, const char *profile)
{
    fprintf(r->f, "profile \"%s\"\n", profile);
}

void scn_rec_set(struct scn_recorder *r, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return;
    fprintf(r->f, "set %.*s=\"%s\"\n", (int)(eq - assignment), assignment, eq + 1);
}

void scn_rec_machine(struct scn_recorder *r)
{
    fprintf(r->f, "machine\n");
}

void scn_rec_mmio_write(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v)
{
    at(r, t);
    fprintf(r->f, "mmio write 0x%" PRIx64 " 0x%" PRIx64 " size=%u\n", addr, v, size);
}

void scn_rec_mmio_read(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v)
{
    at(r, t);
    fprintf(r->f, "mmio read 0x%" PRIx64 " size=%u -> r\nexpect r == 0x%" PRIx64 "\n", addr, size, v);
    r->reads++;
}

void scn_rec_mem_write(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v)
{
    at(r, t);
    fprintf(r->f, "mem write 0x%" PRIx64 " 0x%" PRIx64 " size=%u\n", addr, v, size);
}

void scn_rec_mem_fill(struct scn_recorder *r, sim_time_t t, uint64_t addr, uint64_t len, uint8_t byte)
{
    at(r, t);
    fprintf(r->f, "mem fill 0x%" PRIx64 " %" PRIu64 " byte=0x%02x\n", addr, len, byte);
}

void scn_rec_mem_abort(struct scn_recorder *r, sim_time_t t, uint64_t addr, uint64_t len, const char *kind)
{
    at(r, t);
    fprintf(r->f, "mem abort 0x%" PRIx64 " %" PRIu64 " kind=%s\n", addr, len, kind);
}

void scn_rec_mem_clear(struct scn_recorder *r, sim_time_t t)
{
    at(r, t);
    fprintf(r->f, "mem clear_aborts\n");
}

gboolean scn_rec_close(struct scn_recorder *r, sim_time_t end, GError **err)
{
    at(r, end);
    bool ok = !ferror(r->f);
    ok = fclose(r->f) == 0 && ok;
    if (!ok)
        g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "writing record '%s' failed", r->path);
    g_free(r->path);
    g_free(r);
    return ok;
}

void scn_rec_discard(struct scn_recorder *r)
{
    fclose(r->f);
    g_free(r->path);
    g_free(r);
}
