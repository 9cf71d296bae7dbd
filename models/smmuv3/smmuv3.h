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

/* Register the model's trace points (idempotent). */
void smmu_register_tracepoints(void);

/* The translation caches, for the walker that fills them and for tests
 * (smmuv3-tlb.h, smmuv3-cfgcache.h). */
struct smmu_tlb *smmu_tlb(struct smmu *smmu);
struct smmu_cfgcache *smmu_cfgcache(struct smmu *smmu);

/*
 * ATS: an endpoint's ATC plugs in per StreamID.  For CMD_ATC_INV the engine
 * calls invalidate() when the command executes (`now`); the endpoint sets
 * *done_at (>= now) to when its invalidation completion message arrives and
 * returns true, or returns false if it will never answer (the SMMU's ATS
 * timeout then applies).  An answer later than now + atc_inv_timeout_cycles
 * is a timeout too.  addr is the byte address; size_log2 is 12 + Size (64
 * for Size 52, "everything").  With no ATC at a StreamID the command
 * completes after smmu.atc_inv_roundtrip_cycles.
 */
struct smmu_atc_ops {
    bool (*invalidate)(void *opaque, uint32_t ssid, bool ssv, uint64_t addr, unsigned size_log2, bool global,
                       sim_time_t now, sim_time_t *done_at);
};
/* ops == NULL detaches. */
void smmu_attach_atc(struct smmu *smmu, uint32_t sid, const struct smmu_atc_ops *ops, void *opaque);

/* Registers by name ("CMDQ_PROD", case-insensitive) and by offset. */
bool smmu_reg_lookup(const char *name, uint64_t *offset, unsigned *size);
/* Name of the register at `offset` (either half of a 64-bit one), or NULL. */
const char *smmu_reg_name(uint64_t offset);

/* Commands by mnemonic ("TLBI_NH_VA", "CMD_TLBI_NH_VA", "SYNC", "CMD_SYNC",
 * "CFGI_ALL" = CFGI_STE_RANGE); -1 if unknown. */
int smmu_cmd_opcode_by_name(const char *mnemonic);
/* Mnemonic of an opcode ("RESERVED" for an unarchitected one). */
const char *smmu_cmd_name(uint8_t op);
/* Zero cmd and set its opcode from a mnemonic (CFGI_ALL also sets Range 31). */
gboolean smmu_cmd_build(uint64_t cmd[2], const char *mnemonic, GError **err);
/* Set a field of the command whose opcode is already in cmd[0][7:0].
 * Names: ssec ssv ssid sid vmid asid num scale leaf ttl tg addr range global
 * size prgindex resp ac ab stag cs msh msiattr msidata msiaddr.  `addr` is a
 * byte address (stored as [63:12] or IPA [55:12]; must be 4 KiB aligned),
 * `msiaddr` a byte address (4-byte aligned).  Errors name the field. */
gboolean smmu_cmd_set_field(uint64_t cmd[2], const char *field, uint64_t value, GError **err);

#endif /* SMMUV3_H */
