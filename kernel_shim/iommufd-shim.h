/*
 * iommufd-shim.h — POSIX-like entry points of the iommufd shim.
 *
 * The shim re-implements, in user space, the Linux v6.17 iommufd core
 * (objects, IOAS, vIOMMU, vdevice, HW queue, vEVENTQ, mmap) and the host
 * driver logic below it (arm-smmu-v3 and tegra241-cmdqv), driving the
 * simulated SMMUv3 and CMDQV only through MMIO on the bus and through
 * simulated physical memory, as a kernel would.  Requests use the real uAPI
 * layouts (iommufd-uapi.h).  The reference is iommufd.md; choices the
 * reference leaves open are listed in docs/iommufd-shim.md.
 *
 * Errors follow the C library convention: -1 (or MAP_FAILED) with errno set
 * exactly as the kernel would set it.
 *
 * Simulated time.  The shim is the host CPU: each MMIO access it makes
 * costs the bus latency (bus.mmio_latency_ns), and every poll loop advances
 * the scheduler by shim.poll_interval_ns between reads, up to
 * shim.poll_timeout_us.  The shim therefore runs the scheduler itself and
 * must not be called from inside an event handler.
 *
 * mmap.  A mapping returns a host buffer that mirrors the registers of the
 * mapped MMIO page.  Plain loads and stores work on it; the shim pushes
 * changed words to the device (as 32-bit MMIO writes in address order, at
 * the current simulated time) and refreshes the buffer from MMIO reads at
 * every shim call and at iommufd_shim_relax().  The accessors
 * iommufd_shim_mmio_read32/write32 do one access at the exact current time.
 *
 * Thread safety: none; the shim is single-threaded like the simulation.
 */
#ifndef IOMMUFD_SHIM_H
#define IOMMUFD_SHIM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "kernel_shim/iommufd-uapi.h"
#include "sim/bus.h"
#include "sim/mem.h"
#include "sim/params.h"
#include "sim/sched.h"

/* The simulated machine the shim's file descriptors belong to. */
struct iommufd_shim_hw {
    struct sim_sched *sched;
    struct sim_mem *mem;
    struct sim_bus *bus;
    const struct sim_params *params;   /* must hold the shim.* parameters */
    uint64_t smmu_base;
    uint64_t cmdqv_base;               /* 0 = no CMDQV */
};

/* Declare the shim.* parameters (mmap rules, page size, host memory
 * layout, pin layout, poll timing). */
gboolean iommufd_shim_declare_params(struct sim_params *p, GError **err);

/*
 * Select the machine (NULL detaches).  Reads the shim.* parameters.  Every
 * descriptor of the previous machine must be closed first; the host driver
 * state of the previous machine is dropped.  Returns 0, or -1 with errno
 * EBUSY (descriptors still open) or EINVAL (bad parameters).
 */
int iommufd_shim_set_hw(const struct iommufd_shim_hw *hw);

/*
 * Host driver bring-up (arm-smmu-v3 probe + tegra241-cmdqv probe): reads the
 * ID registers, builds the stream table, CMDQ and EVENTQ in simulated
 * memory, enables the SMMU with CR0/CR0ACK handshakes, then enables the
 * CMDQV, pre-assigns the VCMDQs and brings up VINTF0 for the host (cmdqv.md
 * §3).  Takes simulated time.  0, or -1 with errno (ENODEV no machine,
 * ETIMEDOUT a handshake did not complete, ENOMEM host memory, EOPNOTSUPP a
 * feature the driver needs is missing).
 */
int iommufd_shim_host_probe(void);

/* open("/dev/iommu", flags): a new iommufd, else -1/ENOENT. */
int iommufd_shim_open(const char *path, int flags);
int iommufd_shim_close(int fd);
int iommufd_shim_ioctl(int fd, unsigned long request, void *arg);
void *iommufd_shim_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int iommufd_shim_munmap(void *addr, size_t len);
/* read() on a vEVENTQ descriptor: whole records (header + payload), 0 when
 * empty or when the next record does not fit; -1/EBADF, EFAULT. */
ssize_t iommufd_shim_read(int fd, void *buf, size_t len);

/*
 * Stand-ins for the VFIO side: bind a device (one StreamID) to an iommufd,
 * giving its device object id; unbind it; attach it to a HWPT (paging or
 * nested) as VFIO_DEVICE_ATTACH_IOMMUFD_PT does.  0 or -1/errno.
 */
int iommufd_shim_bind_device(int fd, uint32_t stream_id, uint32_t *dev_id);
/*
 * The same for a PCIe function with ATS enabled (`ats`).  As on Linux,
 * ATS takes effect only when the SMMU implements it (IDR0.ATS); then an
 * S2-only paging domain's STE gets EATS = TRANS, while a nested domain's
 * STE carries the vSTE's EATS (docs/iommufd-shim.md).  Errors as
 * iommufd_shim_bind_device.
 */
int iommufd_shim_bind_device_ats(int fd, uint32_t stream_id, bool ats, uint32_t *dev_id);
/* Whether a bound device uses ATS (false for an unknown id). */
bool iommufd_shim_device_ats(int fd, uint32_t dev_id);
int iommufd_shim_unbind_device(int fd, uint32_t dev_id);
int iommufd_shim_attach_device(int fd, uint32_t dev_id, uint32_t pt_id);

/*
 * Non-blocking invalidation, for actors that run inside event handlers
 * (the VMM relaying a trapped guest CMDQ, host kernel threads).  None of
 * these runs the scheduler or charges time: every register access happens
 * at the current simulated time and the caller accounts for its cost.
 *
 * iommufd_shim_viommu_invalidate_submit: IOMMU_HWPT_INVALIDATE on a vIOMMU
 * with the ioctl's checks and errno order (EBADF, ENOTTY, EFAULT, EINVAL
 * size, EOPNOTSUPP, EINVAL, ENOENT, ...; conversion failure EIO with
 * entry_num = the bad entry's index), but the converted commands are only
 * written to the host CMDQ (blocks of 63 + CMD_SYNC) and PROD published.
 * As many whole blocks as fit now are accepted: entry_num returns their
 * entry count (short count = resubmit the rest), -1/EAGAIN when none fits.
 * *ticket completes when the last accepted block's CMD_SYNC is consumed.
 *
 * iommufd_shim_host_submit: the host kernel issuing n commands (plus a
 * CMD_SYNC with CS = NONE when `sync`) on queue -1 (the SMMU CMDQ) or on
 * LVCMDQ `queue` of VINTF0 (0 .. iommufd_shim_host_num_lvcmdqs() - 1);
 * all or nothing: -1/EAGAIN when they do not fit now, EINVAL for an unknown
 * queue or more entries than the queue holds, ENODEV without a probed host.
 *
 * iommufd_shim_invalidate_poll: reads the queue's CONS once (an error is
 * handled as the host driver's skip_err does) and sets *done when every
 * entry up to the ticket was consumed.  -1/EINVAL for a ticket of no live
 * queue or one never given out.
 */
int iommufd_shim_viommu_invalidate_submit(int fd, struct iommu_hwpt_invalidate *cmd,
                                          uint64_t *ticket);
int iommufd_shim_host_submit(int queue, const uint64_t *cmds, unsigned n, bool sync,
                             uint64_t *ticket);
unsigned iommufd_shim_host_num_lvcmdqs(void);
int iommufd_shim_invalidate_poll(uint64_t ticket, bool *done);

/* cpu_relax() in a polling loop: sync every mapping, advance simulated time
 * by shim.relax_ns, sync again.  0, or -1/ENODEV without a machine. */
int iommufd_shim_relax(void);

/* One 32-bit MMIO access through a mapping at the current simulated time.
 * Outside any mapping (or misaligned): read returns UINT32_MAX, write
 * returns -1; both set errno = EFAULT. */
uint32_t iommufd_shim_mmio_read32(const void *mapped_ptr_plus_offset);
int iommufd_shim_mmio_write32(void *mapped_ptr_plus_offset, uint32_t value);

/*
 * Deterministic failure injection (iommufd_fail_nth analogue): the n-th
 * fallible step from now fails (n = 1 is the next one); 0 disables.  Every
 * allocation and every lookup or hardware step that can fail is a point.
 * iommufd_shim_fail_hits() counts the points passed since the last call to
 * iommufd_shim_fail_nth().
 */
void iommufd_shim_fail_nth(unsigned n);
unsigned iommufd_shim_fail_hits(void);

/* Number of live objects in all iommufd contexts plus live mappings (for
 * leak checks in tests). */
unsigned iommufd_shim_live_objects(void);

#endif /* IOMMUFD_SHIM_H */
