/*
 * mem.h — simulated physical memory.
 *
 * A sparse 64-bit physical address space made of 4 KiB frames that are
 * allocated, zero-filled, on first touch.  Every multi-byte accessor is
 * little-endian, whatever the host.
 *
 * A range may instead be backed by caller-provided host memory
 * (sim_mem_map_host): the simulated frames and the host buffer are then the
 * same bytes, which is how a VMM buffer pinned by the iommufd shim becomes
 * the memory the SMMU reads commands from.
 *
 * Fault injection: sim_mem_inject_abort makes a range answer every access of
 * the given kind with SIM_MEM_ABORT, the way a bus would return an external
 * abort.  Models turn that into CERROR_ABT, F_WALK_EABT and the like.
 *
 * Accessors return 0 or SIM_MEM_ABORT.  A read that aborts fills the buffer
 * with zeros; a write that aborts changes nothing.  No accessor touches a
 * frame it does not need, so reads of never-written memory return zeros
 * without allocating.
 *
 * Timing is not applied here: `latency` is the per-access cost the models
 * charge (parameter mem.latency_ns), exposed so they all agree on it.
 */
#ifndef SIM_MEM_H
#define SIM_MEM_H

#include "sim/sim-types.h"

#define SIM_PAGE_SHIFT 12
#define SIM_PAGE_SIZE ((uint64_t)1 << SIM_PAGE_SHIFT)
#define SIM_PAGE_MASK (~(SIM_PAGE_SIZE - 1))

#define SIM_MEM_OK 0
#define SIM_MEM_ABORT (-1)

enum sim_mem_access {
    SIM_MEM_READ = 1,
    SIM_MEM_WRITE = 2,
    SIM_MEM_RW = 3,
};

struct sim_mem;

struct sim_mem *sim_mem_new(void);
void sim_mem_free(struct sim_mem *m);

/* Per-access latency charged by models (default 0 until set). */
void sim_mem_set_latency(struct sim_mem *m, sim_time_t latency);
sim_time_t sim_mem_latency(const struct sim_mem *m);

int sim_mem_read(struct sim_mem *m, uint64_t addr, void *buf, size_t len);
int sim_mem_write(struct sim_mem *m, uint64_t addr, const void *buf, size_t len);
int sim_mem_fill(struct sim_mem *m, uint64_t addr, uint8_t byte, size_t len);

int sim_mem_read8(struct sim_mem *m, uint64_t addr, uint8_t *v);
int sim_mem_read16(struct sim_mem *m, uint64_t addr, uint16_t *v);
int sim_mem_read32(struct sim_mem *m, uint64_t addr, uint32_t *v);
int sim_mem_read64(struct sim_mem *m, uint64_t addr, uint64_t *v);
int sim_mem_write8(struct sim_mem *m, uint64_t addr, uint8_t v);
int sim_mem_write16(struct sim_mem *m, uint64_t addr, uint16_t v);
int sim_mem_write32(struct sim_mem *m, uint64_t addr, uint32_t v);
int sim_mem_write64(struct sim_mem *m, uint64_t addr, uint64_t v);

/*
 * Back [addr, addr + len) with host memory at `host`.  addr and len must be
 * page-aligned and len non-zero; `host` needs no alignment.  Existing owned
 * frames in the range are copied into the host buffer first, so nothing
 * already written is lost.  Fails (returns false) on misalignment, overflow
 * or overlap with another host-backed range.
 */
bool sim_mem_map_host(struct sim_mem *m, uint64_t addr, void *host, uint64_t len);
/* Detach a host-backed range; its current bytes are copied into fresh owned
 * frames so the simulated memory keeps its contents. */
bool sim_mem_unmap_host(struct sim_mem *m, uint64_t addr, uint64_t len);

/* Make accesses of kind `what` to [addr, addr + len) abort.  Returns an id
 * for sim_mem_clear_abort.  Ranges may overlap. */
unsigned sim_mem_inject_abort(struct sim_mem *m, uint64_t addr, uint64_t len, enum sim_mem_access what);
void sim_mem_clear_abort(struct sim_mem *m, unsigned id);
void sim_mem_clear_all_aborts(struct sim_mem *m);

/* Direct pointer to the frame holding addr, allocating it if `alloc`; NULL
 * if absent (and !alloc) or the frame is under an injected abort. */
uint8_t *sim_mem_frame(struct sim_mem *m, uint64_t addr, bool alloc);

/* Visit every present frame in ascending address order. */
typedef void (*sim_mem_frame_fn)(uint64_t addr, const uint8_t *data, void *opaque);
void sim_mem_foreach_frame(struct sim_mem *m, sim_mem_frame_fn fn, void *opaque);
uint64_t sim_mem_frame_count(const struct sim_mem *m);

#endif /* SIM_MEM_H */
