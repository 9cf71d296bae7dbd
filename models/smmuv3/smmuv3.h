/*
 * smmuv3.h — public API of the Arm SMMUv3 model (IHI 0070 G.b).
 *
 * The SMMU is a device on the MMIO bus (a 128 KiB window: Page 0 and
 * Page 1) that reads its queues and tables from simulated memory and owns
 * the machine's single command engine (smmuv3-engine.h).  Its behaviour
 * is configured by parameters (smmu.*): ID registers, clock, latencies,
 * cache geometry.  Interrupts are reported to an observer: a wired line
 * pulse or an MSI (which is also a 32-bit write to memory at its time).
 */
#ifndef SMMUV3_H
#define SMMUV3_H

#include <glib.h>
#include "sim/bus.h"
#include "sim/mem.h"
#include "sim/params.h"
#include "sim/sched.h"
#include "sim/stats.h"
#include "models/smmuv3/smmuv3-engine.h"

#define SMMU_MMIO_SIZE 0x20000u

struct smmu;

enum smmu_irq_line {
    SMMU_IRQ_EVENTQ = 0,
    SMMU_IRQ_PRIQ = 1,
    SMMU_IRQ_CMD_SYNC = 2,
    SMMU_IRQ_GERROR = 3,
};

/* An interrupt happened at the current simulated time.  For an MSI,
 * `msi` is true and addr/data say what was written. */
typedef void (*smmu_irq_fn)(void *opaque, enum smmu_irq_line line, bool msi, uint64_t addr,
                            uint32_t data);

/* Declare the smmu.* parameters. */
gboolean smmu_declare_params(struct sim_params *p, GError **err);

/* Create from the effective parameters.  Errors are parameter
 * inconsistencies (e.g. an ID register value the model cannot honour). */
struct smmu *smmu_new(struct sim_sched *sched, struct sim_mem *mem, const struct sim_params *params,
                      struct sim_stats *stats, GError **err);
void smmu_free(struct smmu *smmu);
void smmu_reset(struct smmu *smmu);

extern const struct sim_mmio_ops smmu_mmio_ops;

void smmu_set_irq_observer(struct smmu *smmu, smmu_irq_fn fn, void *opaque);

struct sim_sched *smmu_sched(const struct smmu *smmu);
struct sim_mem *smmu_mem(const struct smmu *smmu);
struct sim_stats *smmu_stats(const struct smmu *smmu);
const struct sim_clock *smmu_clock(const struct smmu *smmu);

/* The SMMU's own CMDQ as an engine source (for statistics and tests). */
struct smmu_cmd_source *smmu_cmdq_source(struct smmu *smmu);

#endif /* SMMUV3_H */
