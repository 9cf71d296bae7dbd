/*
 * cmdqv.h — public API of the NVIDIA Tegra241 CMDQV model [cmdqv.md].
 *
 * The CMDQV extends one SMMU with virtual command queues.  It is a device on
 * the MMIO bus (cmdqv_mmio_ops, cmdqv_mmio_size() bytes, layout in
 * cmdqv-regs.h) holding:
 *   - global configuration: CONFIG/STATUS handshake, PARAM, error maps, the
 *     CMDQ_ALLOC table that maps global VCMDQs to (VINTF, logical index);
 *   - VINTFs: virtual interfaces, one per VM (VINTF0 usually the host
 *     kernel's), with an owner (HYP_OWN), a VMID and vSID->pSID pairs;
 *   - VCMDQs: command queues, each a source of the SMMU's single command
 *     engine (smmuv3-engine.h).  The engine fetches and executes; this model
 *     decides when a queue may run, which commands it may issue, and turns
 *     engine errors into CONS.ERR, GERROR, error maps and an interrupt.
 *
 * Timing: the CONFIG->STATUS handshakes of CMDQV, VINTFs and VCMDQs take
 * cmdqv.*_enable_delay_cycles of the SMMU clock.  Choices the hardware
 * documentation leaves open are listed in docs/cmdqv.md.
 *
 * Errors: guest misprogramming is modelled in registers (or RAZ/WI with a
 * guest-error count); construction problems are GErrors.
 */
#ifndef CMDQV_H
#define CMDQV_H

#include <glib.h>
#include "sim/bus.h"
#include "sim/params.h"
#include "models/smmuv3/smmuv3.h"

struct cmdqv;

/* Declare the cmdqv.* parameters (and register the trace points once). */
gboolean cmdqv_declare_params(struct sim_params *p, GError **err);

/* Create a CMDQV attached to `smmu`: its VCMDQs become sources of the
 * SMMU's command engine; sched, memory, clock and statistics come from the
 * SMMU.  Errors: inconsistent parameters (e.g. more VINTFs than VCMDQs). */
struct cmdqv *cmdqv_new(struct smmu *smmu, const struct sim_params *p, GError **err);
/* Detach every VCMDQ from the engine, unregister statistics and free. */
void cmdqv_free(struct cmdqv *c);
/* Hardware reset: CONFIG = 0x00020083 (enabled), everything else cleared. */
void cmdqv_reset(struct cmdqv *c);

extern const struct sim_mmio_ops cmdqv_mmio_ops;
/* Bytes of MMIO window: 0x30000 + 0x20000 * number of VINTFs. */
uint64_t cmdqv_mmio_size(const struct cmdqv *c);

/* The CMDQV interrupt (an error was activated on some VCMDQ), reported at
 * the current simulated time. */
typedef void (*cmdqv_irq_fn)(void *opaque);
void cmdqv_set_irq_observer(struct cmdqv *c, cmdqv_irq_fn fn, void *opaque);

/* Geometry from PARAM. */
unsigned cmdqv_num_vintfs(const struct cmdqv *c);
unsigned cmdqv_num_vcmdqs(const struct cmdqv *c);
unsigned cmdqv_num_sids_per_vintf(const struct cmdqv *c);

/* A VCMDQ as an engine source (statistics, observers, tests). */
struct smmu_cmd_source *cmdqv_vcmdq_source(struct cmdqv *c, unsigned vcmdq);

/*
 * Register names, for scenarios and logs.  Names:
 *   global:  CONFIG PARAM STATUS FILTER<0..1> VINTF_ERR_MAP VINTF_ERR_MAP_HI
 *            VINTF_INT_MASK VINTF_INT_MASK_HI CMDQ_ERR_MAP<0..3> CMDQ_ALLOC<q>
 *   VINTF:   VINTF<v>_{CONFIG,STATUS,SID_MATCH<s>,SID_REPLACE<s>,LVCMDQ_ERR_MAP<0..1>}
 *   direct:  VCMDQ<q>_{CONS,PROD,CONFIG,STATUS,GERROR,GERRORN,BASE,CONS_INDX_BASE}
 *   logical: VINTF<v>_LVCMDQ<l>_{same as direct}
 * Indexes are decimal and checked against the architectural maxima
 * (64 VINTFs, 128 VCMDQs/LVCMDQs, 16 SID pairs).  `size` is 4 or 8 bytes.
 */
bool cmdqv_reg_lookup(const char *name, uint64_t *offset, unsigned *size);
/* Name of the register at `offset` ("VCMDQ5_PROD", "VCMDQ5_BASE+4"), or a
 * hex offset when nothing is decoded there.  Writes into buf, returns buf. */
const char *cmdqv_reg_name(uint64_t offset, char *buf, size_t len);

/* Memory images (cmdqv-state.c; docs/memory-images.md): the global, VINTF
 * and VCMDQ registers, the queues' engine progress and the counters, as the
 * blob CMDQV_STATE_NAME.  Saving is refused while a CONFIG->STATUS
 * handshake is pending; restoring needs a CMDQV freshly built from the same
 * parameters (restore the SMMU first) and refuses another geometry. */
#define CMDQV_STATE_NAME "cmdqv"
gboolean cmdqv_state_save(const struct cmdqv *c, GByteArray *out, GError **err);
gboolean cmdqv_state_restore(struct cmdqv *c, const void *data, size_t len, GError **err);

#endif /* CMDQV_H */
