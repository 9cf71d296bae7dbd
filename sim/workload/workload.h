/*
 * workload.h — software actors and the workloads they run.
 *
 * A workload drives a simulated machine the way software would: guest
 * vCPUs unmapping and invalidating through a directly mapped VCMDQ or a
 * trapped, VMM-emulated vSMMU CMDQ, or host kernel threads issuing on the
 * SMMU CMDQ or on VINTF0's LVCMDQs.  Every actor is an event-driven state
 * machine on the machine's scheduler whose operations cost simulated time
 * (guest.*, vmm.*, host.* parameters, in ns).  docs/workloads.md describes
 * the actors, the cost model and the statistics.
 *
 * Kinds and arguments ("key=value"; sizes take K/M/G, times ns/us/ms):
 *   dma_unmap   path=vcmdq|trapped|host_cmdq|host_vcmdq threads=1
 *               iterations=1000 granule=4K (bytes unmapped per op)
 *               page=4K (leaf page size) think=0 inject_bad=0 (1-based
 *               iteration whose first command is made illegal) name=...
 *   inval_storm the same paths; threads, iterations (batches per thread),
 *               batch=64 (commands per PROD write), sync_every=64
 *               (commands between CMD_SYNCs; 0 = one per batch)
 *   both:       queues=N (vcmdq, host_vcmdq: LVCMDQs used; vCPU i on i % N)
 *   dma_traffic endpoints=1 working_set=1M pattern=seq|random|stride
 *               stride=BYTES size=64 access=read|write|mixed page=4K
 *               outstanding=1 transactions=1000 (per endpoint) ats=on|off
 *               (default endpoint.ats) name=...
 *   mixed       name=mixed, dma.<dma_traffic key>=..., unmap.kind=
 *               dma_unmap|inval_storm, unmap.<its key>=... (path
 *               defaults to host_cmdq)
 * Results go to the machine's statistics as "workload.<name>.*" (mixed:
 * "workload.<name>.dma.*" and "workload.<name>.unmap.*").
 */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#include <stdio.h>
#include <glib.h>
#include "sim/hist.h"
#include "sim/machine/machine.h"

struct workload;

#define WORKLOAD_ERROR (workload_error_quark())
GQuark workload_error_quark(void);
enum workload_error {
    WORKLOAD_ERROR_ARGS,    /* unknown kind, key or bad value */
    WORKLOAD_ERROR_SETUP,   /* the shim refused a setup step (errno in message) */
    WORKLOAD_ERROR_RUN,     /* the run stopped early (runaway, timeout) */
};

/* Declare the guest.*, vmm.*, host.* and workload.* parameters. */
gboolean workload_declare_params(struct sim_params *p, GError **err);
/* Every parameter of the simulator: the machine's (hardware, shim) and the
 * software actors'.  NULL with err set on a declaration error. */
struct sim_params *sim_all_params_new(GError **err);

/* Parse the arguments (NULL-terminated "key=value" strings) and read the
 * parameters of m; nothing is set up yet. */
struct workload *workload_new(struct sim_machine *m, const char *kind,
                              const char *const *kv_args, GError **err);
/* Attach the shim to the machine, probe the host driver, build the
 * iommufd objects the path needs, run the actors until every one finished,
 * tear the objects down and detach.  Call at top level, never from an
 * event handler. */
gboolean workload_run(struct workload *w, GError **err);
/* Human summary of the results. */
void workload_print_summary(const struct workload *w, FILE *out);
void workload_free(struct workload *w);

/* Results, for programs and tests.  workload_latency: per operation, or
 * per DMA transaction for dma_traffic and mixed. */
const char *workload_name(const struct workload *w);
const struct sim_hist *workload_latency(const struct workload *w);
uint64_t workload_counter(const struct workload *w, const char *name);

#endif /* WORKLOAD_H */
