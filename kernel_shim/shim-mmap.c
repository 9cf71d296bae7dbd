/*
 * shim-mmap.c — mmap of MMIO regions and the register mirror.
 *
 * Two rule sets, chosen by shim.mmap_rules (iommufd.md §1):
 *   seed  — the first posting (v1, Apr 2025): a region is named by an
 *           index, user offset = index << PAGE_SHIFT (index 0 first);
 *           unaligned length EINVAL, MAP_PRIVATE EINVAL, PROT_EXEC EPERM,
 *           unknown index EINVAL, length above the region EINVAL, a shorter
 *           length maps the start of the region; no owner reference, so a
 *           region can be destroyed under a live mapping.
 *   v6.17 — as merged: byte offsets allocated lowest-fit from PAGE_SIZE up
 *           (the maple tree of _iommufd_alloc_mmap); the same first three
 *           checks, then ENXIO unless (offset, length) match an entry
 *           exactly; every mapping holds a `users` reference on the owner
 *           (the vIOMMU), so IOMMU_DESTROY is EBUSY until munmap.
 * Both: each mapping also holds the file (the context stays alive after
 * close until the last munmap).
 *
 * A mapping is a host buffer mirroring the MMIO page.  At every shim entry
 * and at relax, words that differ from the last synchronised copy are
 * written to the device (32-bit MMIO, address order, at the current
 * simulated time, no latency charged), then the register words are
 * refreshed from MMIO reads.  Words past the registers of the page (the
 * LVCMDQ blocks of a VINTF page0) are RES0 and only re-read after a store.
 */
#include <string.h>
#include <sys/mman.h>
#include "kernel_shim/shim-private.h"
#include "models/cmdqv/cmdqv-regs.h"

struct shim_vma {
    uint8_t *buf;           /* what the caller sees */
    uint8_t *shadow;        /* the buffer as last synchronised */
    size_t len;
    uint64_t mmio;
    size_t live;            /* bytes holding registers */
    struct iommufd_ctx *ictx;
    struct iommufd_object *owner;   /* v6.17: reference held */
};

static GPtrArray *vmas;

unsigned shim_live_mappings(void) { return vmas ? vmas->len : 0; }

/* ----------------------------------------------------------- regions */

static uint64_t region_end(const struct iommufd_mmap *m)
{
    return shim.mmap_rules == SHIM_MMAP_V617 ? m->start + m->length : m->start + 1;
}

static void mmap_insert(struct iommufd_ctx *ictx, struct iommufd_mmap *m)
{
    guint i = 0;
    while (i < ictx->mmaps->len &&
           ((struct iommufd_mmap *)g_ptr_array_index(ictx->mmaps, i))->start < m->start)
        i++;
    g_ptr_array_insert(ictx->mmaps, (gint)i, m);
}

/* Lowest fit at or above `floor` for `size` units (bytes or indexes). */
static bool mmap_lowest_fit(struct iommufd_ctx *ictx, uint64_t floor, uint64_t size, uint64_t *start)
{
    uint64_t cur = floor;
    for (guint i = 0; i < ictx->mmaps->len; i++) {
        struct iommufd_mmap *m = g_ptr_array_index(ictx->mmaps, i);
        if (m->start >= cur && m->start - cur >= size)
            break;
        if (region_end(m) > cur)
            cur = region_end(m);
    }
    if (cur + size < cur)
        return false;
    *start = cur;
    return true;
}

int iommufd_alloc_mmap(struct iommufd_ctx *ictx, struct iommufd_object *owner,
                       uint64_t mmio_addr, uint64_t length, uint64_t *offset)
{
    if (mmio_addr & (shim.page_size - 1))
        return -EINVAL;
    if (!length || (length & (shim.page_size - 1)))
        return -EINVAL;
    if (shim_should_fail())
        return -ENOMEM;
    struct iommufd_mmap *m = g_new0(struct iommufd_mmap, 1);
    m->owner = owner;
    m->mmio_addr = mmio_addr;
    m->length = length;
    bool v617 = shim.mmap_rules == SHIM_MMAP_V617;
    if (!mmap_lowest_fit(ictx, v617 ? shim.page_size : 0, v617 ? length : 1, &m->start)) {
        g_free(m);
        return -ENOSPC;
    }
    mmap_insert(ictx, m);
    *offset = v617 ? m->start : m->start << shim.page_shift;
    return 0;
}

void iommufd_destroy_mmap(struct iommufd_ctx *ictx, struct iommufd_object *owner, uint64_t offset)
{
    uint64_t key = shim.mmap_rules == SHIM_MMAP_V617 ? offset : offset >> shim.page_shift;
    for (guint i = 0; i < ictx->mmaps->len; i++) {
        struct iommufd_mmap *m = g_ptr_array_index(ictx->mmaps, i);
        if (m->start != key)
            continue;
        if (m->owner != owner)
            g_critical("mmap region at 0x%" G_GINT64_MODIFIER "x has another owner", offset);
        g_ptr_array_remove_index(ictx->mmaps, i);
        g_free(m);
        return;
    }
    g_critical("no mmap region at 0x%" G_GINT64_MODIFIER "x", offset);
}

static struct iommufd_mmap *mmap_load(struct iommufd_ctx *ictx, uint64_t key)
{
    for (guint i = 0; i < ictx->mmaps->len; i++) {
        struct iommufd_mmap *m = g_ptr_array_index(ictx->mmaps, i);
        if (key >= m->start && key < region_end(m))
            return m;
    }
    return NULL;
}

/* ------------------------------------------------------------- mmap */

/* Register bytes of a mapping: the LVCMDQ blocks of a VINTF page0. */
static size_t vma_live_bytes(size_t len)
{
    size_t regs = (size_t)shim.cmdqv.lvcmdqs_per_vintf * CMDQV_VCMDQ_STRIDE;
    return MIN(len, regs);
}

static void vma_refresh(struct shim_vma *vma, size_t from, size_t to);

/* Only the six registers of each mapped LVCMDQ are read back: the rest of
 * a block is reserved and an unmapped slot is RAZ/WI. */
static void vma_refresh_regs(struct shim_vma *vma)
{
    for (size_t off = 0; off < vma->live; off += CMDQV_VCMDQ_STRIDE) {
        unsigned lidx = (unsigned)(off / CMDQV_VCMDQ_STRIDE);
        size_t end = MIN(off + A_VCMDQ_GERRORN + 4, vma->live);
        if (host_cmdqv_lvcmdq_live(vma->mmio, lidx))
            vma_refresh(vma, off, end);
        else {
            memset(vma->buf + off, 0, end - off);
            memset(vma->shadow + off, 0, end - off);
        }
    }
}

static void vma_refresh(struct shim_vma *vma, size_t from, size_t to)
{
    for (size_t off = from; off < to; off += 4) {
        uint32_t v = sim_bus_read32(shim.hw.bus, vma->mmio + off);
        memcpy(vma->buf + off, &v, 4);
        memcpy(vma->shadow + off, &v, 4);
    }
}

void *shim_mmap(struct iommufd_ctx *ictx, size_t len, int prot, int flags, off_t offset, int *err)
{
    uint64_t ps = shim.page_size;
    if (!shim.have_hw) {
        *err = -ENODEV;
        return NULL;
    }
    /* The mm core rejects these before the driver runs. */
    if (len == 0 || offset < 0 || ((uint64_t)offset & (ps - 1))) {
        *err = -EINVAL;
        return NULL;
    }
    /* iommufd_fops_mmap checks, in order (iommufd.md §1.4, §1.7). */
    if (len & (ps - 1) || !(flags & MAP_SHARED)) {
        *err = -EINVAL;
        return NULL;
    }
    if (prot & PROT_EXEC) {
        *err = -EPERM;
        return NULL;
    }
    struct iommufd_mmap *m;
    if (shim.mmap_rules == SHIM_MMAP_V617) {
        m = mmap_load(ictx, (uint64_t)offset);
        if (!m || m->start != (uint64_t)offset || m->length != len || !m->owner->users) {
            *err = -ENXIO;
            return NULL;
        }
    } else {
        m = mmap_load(ictx, (uint64_t)offset >> shim.page_shift);
        if (!m || len > m->length) {
            *err = -EINVAL;
            return NULL;
        }
    }
    void *buf = NULL;
    if (shim_should_fail() || posix_memalign(&buf, 4096, len)) {
        *err = -ENOMEM;
        return NULL;
    }
    struct shim_vma *vma = g_new0(struct shim_vma, 1);
    vma->buf = buf;
    vma->shadow = g_malloc0(len);
    memset(vma->buf, 0, len);
    vma->len = len;
    vma->mmio = m->mmio_addr;
    vma->live = vma_live_bytes(len);
    vma->ictx = ictx;
    ictx->refs++;
    if (shim.mmap_rules == SHIM_MMAP_V617) {
        vma->owner = m->owner;
        m->owner->users++;
    }
    vma_refresh_regs(vma);
    if (!vmas)
        vmas = g_ptr_array_new();
    g_ptr_array_add(vmas, vma);
    return buf;
}

static void vma_free(struct shim_vma *vma)
{
    if (vma->owner)
        vma->owner->users--;
    struct iommufd_ctx *ictx = vma->ictx;
    free(vma->buf);
    g_free(vma->shadow);
    g_free(vma);
    iommufd_ctx_put(ictx);
}

/* Only whole mappings can be unmapped (no VMA splitting). */
int shim_munmap(void *addr, size_t len)
{
    for (guint i = 0; vmas && i < vmas->len; i++) {
        struct shim_vma *vma = g_ptr_array_index(vmas, i);
        if (vma->buf != addr)
            continue;
        size_t rounded = (len + shim.page_size - 1) & ~(size_t)(shim.page_size - 1);
        if (rounded != vma->len)
            return -EINVAL;
        g_ptr_array_remove_index(vmas, i);
        vma_free(vma);
        return 0;
    }
    return -EINVAL;
}

void shim_mappings_drop_all(void)
{
    while (vmas && vmas->len) {
        struct shim_vma *vma = g_ptr_array_index(vmas, vmas->len - 1);
        g_ptr_array_remove_index(vmas, vmas->len - 1);
        vma_free(vma);
    }
}

/* ------------------------------------------------------------- mirror */

static void vma_sync(struct shim_vma *vma)
{
    for (size_t off = 0; off + 4 <= vma->len; off += 4) {
        if (memcmp(vma->buf + off, vma->shadow + off, 4) == 0)
            continue;
        uint32_t v;
        memcpy(&v, vma->buf + off, 4);
        sim_bus_write32(shim.hw.bus, vma->mmio + off, v);
        memcpy(vma->shadow + off, &v, 4);
    }
    vma_refresh_regs(vma);
}

void shim_sync_mappings(void)
{
    if (!shim.have_hw)
        return;
    for (guint i = 0; vmas && i < vmas->len; i++)
        vma_sync(g_ptr_array_index(vmas, i));
    shim_poll_events();
}

static struct shim_vma *vma_of(const void *p, size_t *off)
{
    for (guint i = 0; vmas && i < vmas->len; i++) {
        struct shim_vma *vma = g_ptr_array_index(vmas, i);
        uintptr_t a = (uintptr_t)p, b = (uintptr_t)vma->buf;
        if (a >= b && a - b + 4 <= vma->len && ((a - b) & 3) == 0) {
            *off = a - b;
            return vma;
        }
    }
    return NULL;
}

uint32_t iommufd_shim_mmio_read32(const void *p)
{
    shim_sync_mappings();
    size_t off;
    struct shim_vma *vma = vma_of(p, &off);
    if (!vma || !shim.have_hw) {
        errno = EFAULT;
        return UINT32_MAX;
    }
    vma_refresh(vma, off, off + 4);
    uint32_t v;
    memcpy(&v, vma->buf + off, 4);
    return v;
}

int iommufd_shim_mmio_write32(void *p, uint32_t value)
{
    shim_sync_mappings();
    size_t off;
    struct shim_vma *vma = vma_of(p, &off);
    if (!vma || !shim.have_hw) {
        errno = EFAULT;
        return -1;
    }
    sim_bus_write32(shim.hw.bus, vma->mmio + off, value);
    vma_refresh(vma, off, off + 4);
    return 0;
}
