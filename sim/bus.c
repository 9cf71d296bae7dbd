/*
 * bus.c — MMIO dispatch: regions in an array sorted by base, found by binary
 * search.  Size and alignment are checked here so devices only ever see
 * accesses they declared.
 */
#include <inttypes.h>
#include <glib.h>
#include "sim/bus.h"
#include "sim/log.h"

struct region {
    char *name;
    uint64_t base, last;        /* inclusive */
    const struct sim_mmio_ops *ops;
    void *opaque;
};

struct sim_bus {
    GArray *regions;            /* struct region, sorted by base */
    sim_time_t latency;
    uint64_t holes, bad;
};

struct sim_bus *sim_bus_new(void)
{
    struct sim_bus *b = g_new0(struct sim_bus, 1);
    b->regions = g_array_new(FALSE, FALSE, sizeof(struct region));
    return b;
}

void sim_bus_free(struct sim_bus *b)
{
    if (!b)
        return;
    for (guint i = 0; i < b->regions->len; i++)
        g_free(g_array_index(b->regions, struct region, i).name);
    g_array_free(b->regions, TRUE);
    g_free(b);
}

/* Index of the first region with base > addr. */
static guint upper_bound(const struct sim_bus *b, uint64_t addr)
{
    guint lo = 0, hi = b->regions->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(b->regions, struct region, mid).base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct region *find(const struct sim_bus *b, uint64_t addr)
{
    guint i = upper_bound(b, addr);
    if (i == 0)
        return NULL;
    const struct region *r = &g_array_index(b->regions, struct region, i - 1);
    return addr <= r->last ? r : NULL;
}

bool sim_bus_add_region(struct sim_bus *b, const char *name, uint64_t base, uint64_t size,
                        const struct sim_mmio_ops *ops, void *opaque)
{
    if (!size || !ops || base + (size - 1) < base)
        return false;
    struct region r = { g_strdup(name ? name : "device"), base, base + (size - 1), ops, opaque };
    guint i = upper_bound(b, base);
    bool clash_prev = i > 0 && g_array_index(b->regions, struct region, i - 1).last >= base;
    bool clash_next = i < b->regions->len && g_array_index(b->regions, struct region, i).base <= r.last;
    if (clash_prev || clash_next) {
        g_free(r.name);
        return false;
    }
    g_array_insert_val(b->regions, i, r);
    return true;
}

static unsigned size_bit(unsigned size)
{
    switch (size) {
    case 1: return SIM_BUS_SIZE_8;
    case 2: return SIM_BUS_SIZE_16;
    case 4: return SIM_BUS_SIZE_32;
    case 8: return SIM_BUS_SIZE_64;
    default: return 0;
    }
}

static enum sim_bus_result check(struct sim_bus *b, const struct region *r, uint64_t addr,
                                 unsigned size, bool write)
{
    if (!r) {
        b->holes++;
        sim_guest_error("%s of %u bytes at 0x%" PRIx64 ": no device (RAZ/WI)",
                        write ? "write" : "read", size, addr);
        return SIM_BUS_HOLE;
    }
    unsigned sizes = r->ops->sizes ? r->ops->sizes : (SIM_BUS_SIZE_32 | SIM_BUS_SIZE_64);
    if (!(size_bit(size) & sizes) || (addr & (size - 1)) || addr + (size - 1) > r->last) {
        b->bad++;
        sim_guest_error("%s: bad %u-byte %s at 0x%" PRIx64 " (RAZ/WI)", r->name, size,
                        write ? "write" : "read", addr);
        return SIM_BUS_BAD_ACCESS;
    }
    return SIM_BUS_OK;
}

enum sim_bus_result sim_bus_read(struct sim_bus *b, uint64_t addr, unsigned size, uint64_t *value)
{
    const struct region *r = find(b, addr);
    enum sim_bus_result res = check(b, r, addr, size, false);
    *value = 0;
    if (res == SIM_BUS_OK && r->ops->read) {
        *value = r->ops->read(r->opaque, addr - r->base, size);
        if (size < 8)
            *value &= (1ULL << (8 * size)) - 1;
    }
    return res;
}

enum sim_bus_result sim_bus_write(struct sim_bus *b, uint64_t addr, unsigned size, uint64_t value)
{
    const struct region *r = find(b, addr);
    enum sim_bus_result res = check(b, r, addr, size, true);
    if (res == SIM_BUS_OK && r->ops->write) {
        if (size < 8)
            value &= (1ULL << (8 * size)) - 1;
        r->ops->write(r->opaque, addr - r->base, value, size);
    }
    return res;
}

uint32_t sim_bus_read32(struct sim_bus *b, uint64_t addr)
{
    uint64_t v;
    sim_bus_read(b, addr, 4, &v);
    return (uint32_t)v;
}

uint64_t sim_bus_read64(struct sim_bus *b, uint64_t addr)
{
    uint64_t v;
    sim_bus_read(b, addr, 8, &v);
    return v;
}

void sim_bus_write32(struct sim_bus *b, uint64_t addr, uint32_t value) { sim_bus_write(b, addr, 4, value); }
void sim_bus_write64(struct sim_bus *b, uint64_t addr, uint64_t value) { sim_bus_write(b, addr, 8, value); }

const char *sim_bus_region_at(const struct sim_bus *b, uint64_t addr, uint64_t *base)
{
    const struct region *r = find(b, addr);
    if (r && base)
        *base = r->base;
    return r ? r->name : NULL;
}

void sim_bus_set_latency(struct sim_bus *b, sim_time_t latency) { b->latency = latency; }
sim_time_t sim_bus_latency(const struct sim_bus *b) { return b->latency; }
uint64_t sim_bus_hole_count(const struct sim_bus *b) { return b->holes; }
uint64_t sim_bus_bad_access_count(const struct sim_bus *b) { return b->bad; }
