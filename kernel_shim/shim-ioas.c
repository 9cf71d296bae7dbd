/*
 * shim-ioas.c — I/O address spaces: IOAS_ALLOC/MAP/UNMAP and pinning.
 *
 * Re-expresses drivers/iommu/iommufd/ioas.c and io_pagetable.c
 * (iommufd.md §2.6): an IOAS is a sorted set of areas, each mapping
 * [iova, iova + length) to the caller's memory at user_va.  Areas are not
 * split: an unmap that covers part of an area is ENOENT, and an area
 * locked by an internal access (a HW queue) is EBUSY, checked first.
 *
 * Pinning gives each page of an area a simulated host-physical frame that
 * IS the caller's memory (sim_mem_map_host), so the SMMU and CMDQV read
 * exactly the bytes the caller writes.  Frames are laid out according to
 * shim.pin_layout so the contiguity rule of HW_QUEUE_ALLOC (EFAULT) can be
 * exercised.  The caller's memory is checked with msync() before it is
 * pinned, so an unmapped user range is EFAULT, as pin_user_pages would say.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kernel_shim/shim-private.h"

#define HUGE_2M ((uint64_t)2 << 20)
#define IOVA_LAST UINT64_MAX    /* ULONG_MAX on LP64 */

static uint64_t page_mask(void) { return shim.page_size - 1; }

/* ---------------------------------------------------------------- areas */

struct iopt_area *iopt_find_area(struct iommufd_ioas *ioas, uint64_t iova)
{
    for (guint i = 0; i < ioas->areas->len; i++) {
        struct iopt_area *a = g_ptr_array_index(ioas->areas, i);
        if (iova >= a->iova && iova - a->iova < a->length)
            return a;
    }
    return NULL;
}

static bool iopt_overlaps(struct iommufd_ioas *ioas, uint64_t iova, uint64_t last)
{
    for (guint i = 0; i < ioas->areas->len; i++) {
        struct iopt_area *a = g_ptr_array_index(ioas->areas, i);
        if (a->iova <= last && iova <= a->iova + (a->length - 1))
            return true;
    }
    return false;
}

static void iopt_insert_area(struct iommufd_ioas *ioas, struct iopt_area *area)
{
    guint i = 0;
    while (i < ioas->areas->len &&
           ((struct iopt_area *)g_ptr_array_index(ioas->areas, i))->iova < area->iova)
        i++;
    g_ptr_array_insert(ioas->areas, (gint)i, area);
}

/* The lowest hole of `length` bytes aligned like the user address, as
 * iopt_alloc_iova does to keep huge-page alignment. */
static bool iopt_try_hole(uint64_t start, uint64_t hole_last, uint64_t length, uint64_t align,
                          uint64_t *iova)
{
    uint64_t cand = (start + align - 1) & ~(align - 1);
    if (cand < start || cand > hole_last || hole_last - cand < length - 1)
        return false;
    *iova = cand;
    return true;
}

static int iopt_alloc_iova(struct iommufd_ioas *ioas, uint64_t uptr, uint64_t length,
                           uint64_t *iova)
{
    unsigned lg = sim_msb64(length);
    uint64_t align = ((uint64_t)1 << lg) < length && lg < 63 ? (uint64_t)1 << (lg + 1)
                                                              : (uint64_t)1 << lg;
    if (uptr)
        align = MIN(align, uptr & (~uptr + 1));
    align = MAX(align, shim.page_size);
    uint64_t start = 0;
    for (guint i = 0; i < ioas->areas->len; i++) {
        struct iopt_area *a = g_ptr_array_index(ioas->areas, i);
        if (a->iova > start && iopt_try_hole(start, a->iova - 1, length, align, iova))
            return 0;
        start = a->iova + a->length;
        if (start == 0)
            return -ENOSPC;     /* this area ends at the top of the space */
    }
    return iopt_try_hole(start, IOVA_LAST, length, align, iova) ? 0 : -ENOSPC;
}

/* -------------------------------------------------------------- pinning */

/* pin_user_pages would fault on memory that is not mapped. */
static bool user_range_mapped(const void *p, uint64_t len)
{
    uint64_t hps = (uint64_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)p & ~(uintptr_t)(hps - 1);
    uintptr_t end = (uintptr_t)p + len;
    if (!p || end < (uintptr_t)p)
        return false;
    return msync((void *)start, end - start, MS_ASYNC) == 0;
}

static uint64_t pin_frame(struct iopt_area *area, uint64_t base, uint64_t i, uint64_t npages)
{
    uint64_t ps = shim.page_size;
    switch (shim.pin_layout) {
    case SHIM_PIN_SCATTERED:    /* descending: never PFN[i-1] + 1 */
        return base + (npages - 1 - i) * ps;
    case SHIM_PIN_HUGE2M: {     /* contiguous inside each 2 MiB of IOVA, chunks descending */
        uint64_t iova = area->iova + i * ps;
        uint64_t first = area->iova / HUGE_2M, last = (area->iova + area->length - 1) / HUGE_2M;
        uint64_t chunk = iova / HUGE_2M - first;
        return base + (last - first - chunk) * HUGE_2M + (iova % HUGE_2M);
    }
    default:
        return base + i * ps;
    }
}

static void area_unmap_frames(struct iopt_area *area, uint64_t upto)
{
    for (uint64_t i = 0; i < upto; i++)
        sim_mem_unmap_host(shim.hw.mem, area->pa[i], shim.page_size);
}

int iopt_area_pin(struct iopt_area *area)
{
    if (area->pin_users) {
        area->pin_users++;
        return 0;
    }
    if (!shim.have_hw)
        return -ENODEV;
    if (!user_range_mapped(area->uptr, area->length))
        return -EFAULT;
    if (shim_should_fail())
        return -ENOMEM;
    uint64_t npages = area->length >> shim.page_shift;
    uint64_t span = area->length, align = shim.page_size;
    if (shim.pin_layout == SHIM_PIN_HUGE2M) {
        uint64_t first = area->iova / HUGE_2M, last = (area->iova + area->length - 1) / HUGE_2M;
        span = (last - first + 1) * HUGE_2M;
        align = HUGE_2M;
    }
    /* Pinned frames are never handed out twice: re-attaching host memory
     * at a PA would copy that PA's old contents over the caller's buffer. */
    uint64_t base = shim_pa_alloc(&shim.pin_mem, span, align);
    if (!base)
        return -ENOMEM;
    area->pa = g_new(uint64_t, npages);
    for (uint64_t i = 0; i < npages; i++) {
        area->pa[i] = pin_frame(area, base, i, npages);
        if (!sim_mem_map_host(shim.hw.mem, area->pa[i], area->uptr + i * shim.page_size,
                              shim.page_size)) {
            area_unmap_frames(area, i);
            g_clear_pointer(&area->pa, g_free);
            return -EFAULT;
        }
    }
    area->pin_users = 1;
    return 0;
}

void iopt_area_unpin(struct iopt_area *area)
{
    g_assert(area->pin_users > 0);
    if (--area->pin_users)
        return;
    area_unmap_frames(area, area->length >> shim.page_shift);
    g_clear_pointer(&area->pa, g_free);
}

uint64_t iopt_iova_to_pa(struct iommufd_ioas *ioas, uint64_t iova)
{
    struct iopt_area *a = iopt_find_area(ioas, iova);
    if (!a || !a->pa)
        return 0;
    uint64_t off = iova - a->iova;
    return a->pa[off >> shim.page_shift] + (off & page_mask());
}

/* The areas covering [iova, last], or false when some byte is unmapped. */
static bool iopt_range_areas(struct iommufd_ioas *ioas, uint64_t iova, uint64_t last,
                             GPtrArray *out)
{
    uint64_t cur = iova;
    for (;;) {
        struct iopt_area *a = iopt_find_area(ioas, cur);
        if (!a)
            return false;
        g_ptr_array_add(out, a);
        uint64_t a_last = a->iova + (a->length - 1);
        if (a_last >= last)
            return true;
        cur = a_last + 1;
    }
}

int iommufd_access_pin(struct iommufd_access *acc, struct iommufd_ioas *ioas, uint64_t iova,
                       uint64_t length)
{
    if (length == 0)
        return -EINVAL;
    if (iova + (length - 1) < iova)
        return -EOVERFLOW;
    GPtrArray *areas = g_ptr_array_new();
    int rc = 0;
    if (!iopt_range_areas(ioas, iova, iova + (length - 1), areas)) {
        rc = -ENOENT;
    } else {
        for (guint i = 0; i < areas->len; i++) {
            rc = iopt_area_pin(g_ptr_array_index(areas, i));
            if (rc) {
                while (i-- > 0)
                    iopt_area_unpin(g_ptr_array_index(areas, i));
                break;
            }
        }
    }
    if (rc == 0) {
        for (guint i = 0; i < areas->len; i++)
            ((struct iopt_area *)g_ptr_array_index(areas, i))->num_locks++;
        acc->ioas = ioas;
        acc->iova = iova;
        acc->length = length;
        acc->pinned = true;
    }
    g_ptr_array_free(areas, TRUE);
    return rc;
}

void iommufd_access_unpin(struct iommufd_access *acc)
{
    if (!acc->pinned)
        return;
    GPtrArray *areas = g_ptr_array_new();
    bool ok = iopt_range_areas(acc->ioas, acc->iova, acc->iova + (acc->length - 1), areas);
    g_assert(ok);   /* locked areas cannot have been unmapped */
    for (guint i = 0; i < areas->len; i++) {
        struct iopt_area *a = g_ptr_array_index(areas, i);
        a->num_locks--;
        iopt_area_unpin(a);
    }
    g_ptr_array_free(areas, TRUE);
    acc->pinned = false;
}

/* ------------------------------------------------------------------ map */

static void iopt_area_free(struct iommufd_ioas *ioas, struct iopt_area *area)
{
    for (guint d = 0; d < ioas->domains->len; d++)
        hwpt_paging_unmap_area(g_ptr_array_index(ioas->domains, d), area);
    g_ptr_array_remove(ioas->areas, area);
    g_assert(area->pin_users == 0);
    g_free(area);
}

static int iopt_map_user_pages(struct iommufd_ioas *ioas, uint64_t *iova, uint64_t uptr,
                               uint64_t length, int prot, bool fixed)
{
    if (length == 0)
        return -EINVAL;
    if (uptr + length < uptr)
        return -EOVERFLOW;
    /* The shim maps whole pages of page-aligned user memory. */
    if ((uptr | length) & page_mask())
        return -EINVAL;
    if (fixed) {
        if (*iova & page_mask())
            return -EINVAL;
        if (*iova + (length - 1) < *iova)
            return -EOVERFLOW;
        if (iopt_overlaps(ioas, *iova, *iova + (length - 1)))
            return -EEXIST;
    } else {
        int rc = iopt_alloc_iova(ioas, uptr, length, iova);
        if (rc)
            return rc;
    }
    if (shim_should_fail())
        return -ENOMEM;
    struct iopt_area *area = g_new0(struct iopt_area, 1);
    area->iova = *iova;
    area->length = length;
    area->uptr = (uint8_t *)(uintptr_t)uptr;
    area->prot = prot;
    iopt_insert_area(ioas, area);
    for (guint d = 0; d < ioas->domains->len; d++) {
        int rc = hwpt_paging_map_area(g_ptr_array_index(ioas->domains, d), area);
        if (rc) {
            /* unwind the domains already filled (unmap skips unmapped ones) */
            for (guint e = 0; e < d; e++)
                hwpt_paging_unmap_area(g_ptr_array_index(ioas->domains, e), area);
            g_ptr_array_remove(ioas->areas, area);
            g_free(area);
            return rc;
        }
    }
    return 0;
}

static struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ictx, uint32_t id)
{
    return (struct iommufd_ioas *)iommufd_get_object(ictx, id, IOMMUFD_OBJ_IOAS);
}

int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_ioas_alloc *cmd = ucmd->cmd;
    if (cmd->flags)
        return -EOPNOTSUPP;
    int rc;
    struct iommufd_ioas *ioas = iommufd_object_alloc_ucmd(ucmd, sizeof(*ioas), IOMMUFD_OBJ_IOAS, &rc);
    if (!ioas)
        return rc;
    ioas->areas = g_ptr_array_new();
    ioas->domains = g_ptr_array_new();
    cmd->out_ioas_id = ioas->obj.id;
    return 0;
}

int iommufd_ioas_map_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_ioas_map *cmd = ucmd->cmd;
    const uint32_t known = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |
                           IOMMU_IOAS_MAP_READABLE;
    if ((cmd->flags & ~known) || cmd->__reserved)
        return -EOPNOTSUPP;
    if (cmd->iova >= IOVA_LAST || cmd->length >= IOVA_LAST)
        return -EOVERFLOW;
    if (!(cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
        return -EINVAL;
    struct iommufd_ioas *ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
    if (!ioas)
        return -ENOENT;
    uint64_t iova = cmd->iova;
    int rc = iopt_map_user_pages(ioas, &iova, cmd->user_va, cmd->length, (int)cmd->flags,
                                 cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA);
    if (rc)
        return rc;
    cmd->iova = iova;
    return 0;
}

/* iopt_unmap_iova_range: areas in ascending order; a locked area is EBUSY
 * before a partial one is ENOENT; areas unmapped before a failure stay
 * unmapped; nothing unmapped at all is ENOENT. */
static int iopt_unmap_range(struct iommufd_ioas *ioas, uint64_t start, uint64_t last,
                            uint64_t *unmapped)
{
    int rc = -ENOENT;
    uint64_t bytes = 0;
    guint i = 0;
    while (i < ioas->areas->len) {
        struct iopt_area *a = g_ptr_array_index(ioas->areas, i);
        uint64_t a_last = a->iova + (a->length - 1);
        if (a_last < start) {
            i++;
            continue;
        }
        if (a->iova > last)
            break;
        if (a->num_locks)
            return -EBUSY;
        if (a->iova < start || a_last > last)
            return -ENOENT;
        bytes += a->length;
        iopt_area_free(ioas, a);
        rc = 0;
    }
    if (rc == 0)
        *unmapped = bytes;
    return rc;
}

int iommufd_ioas_unmap_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_ioas_unmap *cmd = ucmd->cmd;
    struct iommufd_ioas *ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
    if (!ioas)
        return -ENOENT;
    uint64_t unmapped = 0;
    int rc;
    if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
        rc = iopt_unmap_range(ioas, 0, IOVA_LAST, &unmapped);
        if (rc == -ENOENT)
            rc = 0;
    } else {
        if (cmd->iova >= IOVA_LAST || cmd->length >= IOVA_LAST)
            return -EOVERFLOW;
        if (cmd->length == 0)
            return -EINVAL;
        if (cmd->iova + (cmd->length - 1) < cmd->iova)
            return -EOVERFLOW;
        rc = iopt_unmap_range(ioas, cmd->iova, cmd->iova + (cmd->length - 1), &unmapped);
    }
    if (rc)
        return rc;
    cmd->length = unmapped;
    return 0;
}

void iommufd_ioas_destroy(struct iommufd_object *obj)
{
    struct iommufd_ioas *ioas = (struct iommufd_ioas *)obj;
    if (ioas->areas) {
        while (ioas->areas->len)
            iopt_area_free(ioas, g_ptr_array_index(ioas->areas, 0));
        g_ptr_array_free(ioas->areas, TRUE);
    }
    if (ioas->domains) {
        g_assert(ioas->domains->len == 0);
        g_ptr_array_free(ioas->domains, TRUE);
    }
}

/* --------------------------------------------------------------- option */

/* iopt_disable_large_pages: refused once a domain already holds mappings,
 * since its block descriptors would stay. */
static int ioas_set_huge_pages(struct iommufd_ioas *ioas, uint64_t val)
{
    if (val > 1)
        return -EINVAL;
    if (val == 0 && !ioas->disable_large_pages && ioas->domains->len && ioas->areas->len)
        return -EINVAL;
    ioas->disable_large_pages = val == 0;
    return 0;
}

/* iommufd_option (iommufd.md §2.1 table, 0x87): reserved bits first, then
 * the option, then the object, then the operation. */
int iommufd_option_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_option *cmd = ucmd->cmd;
    if (cmd->__reserved || cmd->option_id != IOMMU_OPTION_HUGE_PAGES)
        return -EOPNOTSUPP;
    struct iommufd_ioas *ioas = iommufd_get_ioas(ucmd->ictx, cmd->object_id);
    if (!ioas)
        return -ENOENT;
    if (cmd->op == IOMMU_OPTION_OP_GET) {
        cmd->val64 = !ioas->disable_large_pages;
        return 0;
    }
    if (cmd->op == IOMMU_OPTION_OP_SET)
        return ioas_set_huge_pages(ioas, cmd->val64);
    return -EOPNOTSUPP;
}
