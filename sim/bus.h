/*
 * bus.h — the MMIO bus.
 *
 * A device joins the bus with one call giving {base, size, ops, opaque};
 * accesses are dispatched by address in O(log n) over a sorted region array.
 * The callbacks receive the offset inside the region.
 *
 * The bus enforces the access rules before a device sees anything: the size
 * must be one the region accepts (`sizes`, a mask of SIM_BUS_SIZE_*, default
 * 32- and 64-bit) and the address naturally aligned.  A bad access, or one to
 * an address no device decodes (a hole), reads as zero and ignores writes,
 * logs one guest-error line and is counted — never a crash.
 *
 * The bus applies no time.  `latency` (parameter bus.mmio_latency_ns) is the
 * cost that software actors charge for one MMIO access.
 */
#ifndef SIM_BUS_H
#define SIM_BUS_H

#include "sim/sim-types.h"

#define SIM_BUS_SIZE_8  (1u << 0)
#define SIM_BUS_SIZE_16 (1u << 1)
#define SIM_BUS_SIZE_32 (1u << 2)
#define SIM_BUS_SIZE_64 (1u << 3)

struct sim_mmio_ops {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
    unsigned sizes;     /* accepted sizes; 0 means 32 and 64 */
};

enum sim_bus_result {
    SIM_BUS_OK = 0,
    SIM_BUS_HOLE,       /* no device at that address: RAZ/WI */
    SIM_BUS_BAD_ACCESS, /* unsupported size or misaligned: RAZ/WI */
};

struct sim_bus;

struct sim_bus *sim_bus_new(void);
void sim_bus_free(struct sim_bus *b);

/* Add a region; false if it overlaps another, wraps, or has size 0. */
bool sim_bus_add_region(struct sim_bus *b, const char *name, uint64_t base, uint64_t size,
                        const struct sim_mmio_ops *ops, void *opaque);

enum sim_bus_result sim_bus_read(struct sim_bus *b, uint64_t addr, unsigned size, uint64_t *value);
enum sim_bus_result sim_bus_write(struct sim_bus *b, uint64_t addr, unsigned size, uint64_t value);

/* Convenience wrappers that drop the result (holes still logged). */
uint32_t sim_bus_read32(struct sim_bus *b, uint64_t addr);
uint64_t sim_bus_read64(struct sim_bus *b, uint64_t addr);
void sim_bus_write32(struct sim_bus *b, uint64_t addr, uint32_t value);
void sim_bus_write64(struct sim_bus *b, uint64_t addr, uint64_t value);

/* Name and base of the region decoding addr, or NULL for a hole. */
const char *sim_bus_region_at(const struct sim_bus *b, uint64_t addr, uint64_t *base);

void sim_bus_set_latency(struct sim_bus *b, sim_time_t latency);
sim_time_t sim_bus_latency(const struct sim_bus *b);

/* Counters of holes and bad accesses seen (for tests and statistics). */
uint64_t sim_bus_hole_count(const struct sim_bus *b);
uint64_t sim_bus_bad_access_count(const struct sim_bus *b);

#endif /* SIM_BUS_H */
