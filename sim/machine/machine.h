/*
 * machine.h — a simulated machine: the scheduler, physical memory, the
 * MMIO bus, and the hardware models placed on it, built from parameters.
 *
 * Memory map (fixed; parameters may move the windows):
 *   machine.smmu_base  (default 0x09050000)  SMMUv3, 128 KiB (Page 0 + Page 1)
 *   machine.cmdqv_base (default 0x09100000)  Tegra241 CMDQV window, when
 *                                            machine.cmdqv is true
 * Everything else in the 64-bit physical space is RAM (sparse).
 *
 * The machine owns its parameters' effective values once created; callers
 * finish every --set / profile / scenario override before sim_machine_new.
 */
#ifndef SIM_MACHINE_H
#define SIM_MACHINE_H

#include <glib.h>
#include "sim/bus.h"
#include "sim/mem.h"
#include "sim/params.h"
#include "sim/sched.h"
#include "sim/stats.h"

struct smmu;
struct cmdqv;

struct sim_machine {
    struct sim_params *params;  /* not owned */
    struct sim_sched sched;
    struct sim_mem *mem;
    struct sim_bus *bus;
    struct sim_stats *stats;
    struct smmu *smmu;
    struct cmdqv *cmdqv;        /* NULL when machine.cmdqv is false */
    uint64_t smmu_base;
    uint64_t cmdqv_base;
};

/* Declare every parameter of every module (machine.*, mem.*, bus.*,
 * sched.*, smmu.*, cmdqv.*, shim.*) in a fresh registry, and register every
 * module's trace points. */
gboolean sim_machine_declare_params(struct sim_params *p, GError **err);
/* A registry with everything declared, or NULL with err set. */
struct sim_params *sim_machine_params_new(GError **err);

struct sim_machine *sim_machine_new(struct sim_params *params, GError **err);
void sim_machine_free(struct sim_machine *m);

enum sim_run_status sim_machine_run_until(struct sim_machine *m, sim_time_t t);
enum sim_run_status sim_machine_run_for(struct sim_machine *m, sim_time_t d);
enum sim_run_status sim_machine_run_until_idle(struct sim_machine *m);

/* ---- memory images (machine-image.c; docs/memory-images.md) ---------- */

struct sim_image;

/* Place an ELF file's PT_LOAD segments in the machine's memory (see
 * sim_image_load); the returned image holds the file's symbols. */
struct sim_image *sim_machine_load_image(struct sim_machine *m, const char *path, GError **err);

/* Save memory and state (time, parameters, SMMU, CMDQV, statistics) as an
 * ELF core.  Only at a quiescent point: with an event pending the save is
 * refused, naming the event. */
gboolean sim_machine_save_image(struct sim_machine *m, const char *path, GError **err);

/* Restore a saved run into a machine built from the same parameters
 * (those listed as free to differ in docs/memory-images.md aside) that has
 * not run yet.  On success *out (if out is non-NULL) receives the image
 * for its symbols.  On error the machine may be partly restored and must
 * be freed. */
gboolean sim_machine_restore_image(struct sim_machine *m, const char *path, struct sim_image **out,
                                   GError **err);

#endif /* SIM_MACHINE_H */
