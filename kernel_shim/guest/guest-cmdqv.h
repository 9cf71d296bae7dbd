/*
 * guest-cmdqv.h — the guest tegra241-cmdqv driver: its LVCMDQs reached
 * through the mmapped VINTF page0 (cmdqv.md §2.2, §3, §5).
 *
 * Every access is one iommufd_shim_mmio_read32/write32 at the current
 * simulated time (no time passes here; the caller charges the cost).
 */
#ifndef GUEST_CMDQV_H
#define GUEST_CMDQV_H

#include "kernel_shim/guest/guest-smmu.h"

/* The LVCMDQ a vCPU issues on: cpu % number of LVCMDQs, as the kernel's
 * raw_smp_processor_id() % num_lvcmdqs_per_vintf. */
static inline unsigned guest_cmdqv_lvcmdq_for_cpu(unsigned cpu, unsigned num_lvcmdqs)
{
    return num_lvcmdqs ? cpu % num_lvcmdqs : 0;
}

/* Register block of LVCMDQ `lidx` in the mapped page0. */
void *guest_cmdqv_lvcmdq_regs(void *page0, unsigned lidx);
/* Callbacks for struct guest_cmdq; hw = guest_cmdqv_lvcmdq_regs(...). */
extern const struct guest_cmdq_ops guest_cmdqv_lvcmdq_ops;
/* Start enabling: write VCMDQ_CONFIG.EN = 1.  0, or -1 if not mapped. */
int guest_cmdqv_lvcmdq_enable(void *regs);
/* VCMDQ_STATUS.ENABLED as read now. */
bool guest_cmdqv_lvcmdq_enabled(void *regs);

#endif /* GUEST_CMDQV_H */
