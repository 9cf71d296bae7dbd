/*
 * shim-core.c — the iommufd core: descriptors, objects, ioctl dispatch.
 *
 * Re-expresses Linux v6.17 drivers/iommu/iommufd/main.c (iommufd.md §2.1):
 * the size-first, table-driven ioctl dispatcher with min sizes and
 * copy_struct_from_user semantics, typed refcounted objects with two-phase
 * creation, IOMMU_DESTROY (ENOENT / EBUSY), and release of a context that
 * tears the object graph down leaf-first.  Also holds the shim parameters,
 * failure injection and the simulated physical range allocator.
 */
#include <string.h>
#include <sys/mman.h>
#include "kernel_shim/shim-private.h"

struct shim_state shim;

/* ------------------------------------------------------------ parameters */

static const struct sim_param_def shim_params[] = {
    { "shim.mmap_rules", SIM_PARAM_ENUM, "seed", "",
      "mmap rule set: seed (first posting: region index offsets, partial maps) or v6.17 (merged)",
      0, 0, "seed|v6.17" },
    { "shim.page_size", SIM_PARAM_U64, "4K", "bytes",
      "host PAGE_SIZE seen by iommufd (4K, 16K or 64K)", 4096, 65536, NULL },
    { "shim.host_mem_base", SIM_PARAM_U64, "0x80000000", "address",
      "simulated physical memory the host driver allocates its tables from", 4096, 0, NULL },
    { "shim.host_mem_size", SIM_PARAM_U64, "256M", "bytes",
      "size of the host driver table region", 65536, 0, NULL },
    { "shim.pin_base", SIM_PARAM_U64, "0x100000000", "address",
      "simulated physical frames given to pinned user pages", 4096, 0, NULL },
    { "shim.pin_size", SIM_PARAM_U64, "64G", "bytes",
      "size of the pinned-frame region", 65536, 0, NULL },
    { "shim.pin_layout", SIM_PARAM_ENUM, "contiguous", "",
      "physical layout of pinned pages: contiguous, scattered (never adjacent) or huge2m "
      "(contiguous inside each 2 MiB of IOVA)", 0, 0, "contiguous|scattered|huge2m" },
    { "shim.poll_interval_ns", SIM_PARAM_U64, "1000", "ns",
      "delay between reads of a register handshake poll (udelay(1) in the driver)", 1, 0, NULL },
    { "shim.cmdq_poll_ns", SIM_PARAM_U64, "100", "ns",
      "delay between reads of CMDQ_CONS while waiting for space or a CMD_SYNC", 1, 0, NULL },
    { "shim.poll_timeout_us", SIM_PARAM_U64, "1000000", "us",
      "give up a poll after this long (ARM_SMMU_POLL_TIMEOUT_US)", 1, 0, NULL },
    { "shim.relax_ns", SIM_PARAM_U64, "10", "ns",
      "simulated time iommufd_shim_relax() lets pass (cpu_relax in a poll loop)", 0, 0, NULL },
    { "shim.cmdq_log2size", SIM_PARAM_U64, "8", "log2 entries",
      "host CMDQ and VINTF0 LVCMDQ size, capped at IDR1.CMDQS", 1, 19, NULL },
    { "shim.evtq_log2size", SIM_PARAM_U64, "7", "log2 entries",
      "host EVENTQ size, capped at IDR1.EVENTQS", 1, 19, NULL },
};

gboolean iommufd_shim_declare_params(struct sim_params *p, GError **err)
{
    return sim_params_declare(p, shim_params, SIM_ARRAY_SIZE(shim_params), err);
}

static bool shim_read_params(const struct sim_params *p)
{
    uint64_t ps = sim_params_u64(p, "shim.page_size");
    if (ps != 4096 && ps != 16384 && ps != 65536) {
        g_warning("shim.page_size %" G_GUINT64_FORMAT " is not 4K, 16K or 64K", ps);
        return false;
    }
    shim.page_size = ps;
    shim.page_shift = sim_msb64(ps);
    shim.mmap_rules = (enum shim_mmap_rules)sim_params_enum(p, "shim.mmap_rules");
    shim.pin_layout = (enum shim_pin_layout)sim_params_enum(p, "shim.pin_layout");
    shim.poll_interval = sim_ns(sim_params_u64(p, "shim.poll_interval_ns"));
    shim.cmdq_poll_interval = sim_ns(sim_params_u64(p, "shim.cmdq_poll_ns"));
    shim.poll_timeout = sim_params_u64(p, "shim.poll_timeout_us") * SIM_US;
    shim.relax = sim_ns(sim_params_u64(p, "shim.relax_ns"));
    shim.cmdq_log2_param = (unsigned)sim_params_u64(p, "shim.cmdq_log2size");
    shim.evtq_log2_param = (unsigned)sim_params_u64(p, "shim.evtq_log2size");
    uint64_t hb = sim_params_u64(p, "shim.host_mem_base"), hs = sim_params_u64(p, "shim.host_mem_size");
    uint64_t pb = sim_params_u64(p, "shim.pin_base"), pz = sim_params_u64(p, "shim.pin_size");
    if ((hb | hs | pb | pz) & (SIM_PAGE_SIZE - 1) || hb + hs < hb || pb + pz < pb ||
        (hb < pb + pz && pb < hb + hs)) {
        g_warning("shim host memory regions are unaligned, wrap or overlap");
        return false;
    }
    shim_pa_range_init(&shim.host_mem, hb, hs);
    shim_pa_range_init(&shim.pin_mem, pb, pz);
    return true;
}

/* ------------------------------------------------------ failure injection */

bool shim_should_fail(void)
{
    shim.fail_hits++;
    return shim.fail_nth != 0 && shim.fail_hits == shim.fail_nth;
}

void iommufd_shim_fail_nth(unsigned n)
{
    shim.fail_nth = n;
    shim.fail_hits = 0;
}

unsigned iommufd_shim_fail_hits(void) { return shim.fail_hits; }

/* ------------------------------------------------- physical range allocator */

void shim_pa_range_init(struct shim_pa_range *r, uint64_t base, uint64_t size)
{
    r->base = base;
    r->size = size;
    r->free = g_array_new(FALSE, FALSE, sizeof(struct shim_pa_extent));
    struct shim_pa_extent all = { base, base + size };
    g_array_append_val(r->free, all);
}

void shim_pa_range_destroy(struct shim_pa_range *r)
{
    if (r->free)
        g_array_free(r->free, TRUE);
    r->free = NULL;
}

uint64_t shim_pa_alloc(struct shim_pa_range *r, uint64_t size, uint64_t align)
{
    if (!r->free || size == 0)
        return 0;
    for (guint i = 0; i < r->free->len; i++) {
        struct shim_pa_extent *e = &g_array_index(r->free, struct shim_pa_extent, i);
        uint64_t start = (e->start + align - 1) & ~(align - 1);
        if (start < e->start || start > e->end || e->end - start < size)
            continue;
        struct shim_pa_extent head = { e->start, start }, tail = { start + size, e->end };
        g_array_remove_index(r->free, i);
        if (tail.start < tail.end)
            g_array_insert_val(r->free, i, tail);
        if (head.start < head.end)
            g_array_insert_val(r->free, i, head);
        return start;
    }
    return 0;
}

void shim_pa_free(struct shim_pa_range *r, uint64_t pa, uint64_t size)
{
    if (!r->free || size == 0)
        return;
    guint i = 0;
    while (i < r->free->len && g_array_index(r->free, struct shim_pa_extent, i).start < pa)
        i++;
    struct shim_pa_extent e = { pa, pa + size };
    g_array_insert_val(r->free, i, e);
    /* merge with the neighbours */
    if (i + 1 < r->free->len) {
        struct shim_pa_extent *n = &g_array_index(r->free, struct shim_pa_extent, i + 1);
        struct shim_pa_extent *c = &g_array_index(r->free, struct shim_pa_extent, i);
        if (c->end == n->start) {
            c->end = n->end;
            g_array_remove_index(r->free, i + 1);
        }
    }
    if (i > 0) {
        struct shim_pa_extent *p = &g_array_index(r->free, struct shim_pa_extent, i - 1);
        struct shim_pa_extent *c = &g_array_index(r->free, struct shim_pa_extent, i);
        if (p->end == c->start) {
            p->end = c->end;
            g_array_remove_index(r->free, i);
        }
    }
}

/* --------------------------------------------------------- descriptors */

#define SHIM_FD_BASE 1000
#define SHIM_MAX_FILES 256

enum shim_file_kind { SHIM_FILE_FREE, SHIM_FILE_IOMMUFD, SHIM_FILE_VEVENTQ };

struct shim_file {
    enum shim_file_kind kind;
    struct iommufd_ctx *ictx;
    struct iommufd_veventq *veventq;
};

static struct shim_file files[SHIM_MAX_FILES];
static unsigned live_ctxs;

static int shim_file_alloc(void)
{
    for (int i = 0; i < SHIM_MAX_FILES; i++)
        if (files[i].kind == SHIM_FILE_FREE)
            return i;
    return -EMFILE;
}

static struct shim_file *shim_file_get(int fd)
{
    if (fd < SHIM_FD_BASE || fd >= SHIM_FD_BASE + SHIM_MAX_FILES)
        return NULL;
    struct shim_file *f = &files[fd - SHIM_FD_BASE];
    return f->kind == SHIM_FILE_FREE ? NULL : f;
}

static struct iommufd_ctx *shim_ctx_of(int fd)
{
    struct shim_file *f = shim_file_get(fd);
    return f && f->kind == SHIM_FILE_IOMMUFD ? f->ictx : NULL;
}

int shim_file_new_veventq(struct iommufd_veventq *q)
{
    if (shim_should_fail())
        return -ENOMEM;
    int slot = shim_file_alloc();
    if (slot < 0)
        return slot;
    files[slot].kind = SHIM_FILE_VEVENTQ;
    files[slot].veventq = q;
    return SHIM_FD_BASE + slot;
}

static int shim_errno(int rc)
{
    if (rc < 0) {
        errno = -rc;
        return -1;
    }
    return rc;
}

/* ------------------------------------------------------------- objects */

struct iommufd_object iommufd_tombstone = { IOMMUFD_OBJ_NONE, 0, 1, true, NULL };

const struct iommufd_object_ops iommufd_object_ops[IOMMUFD_OBJ_MAX] = {
    [IOMMUFD_OBJ_DEVICE] = { "device", iommufd_device_destroy },
    [IOMMUFD_OBJ_IOAS] = { "ioas", iommufd_ioas_destroy },
    [IOMMUFD_OBJ_HWPT_PAGING] = { "hwpt_paging", iommufd_hwpt_paging_destroy },
    [IOMMUFD_OBJ_HWPT_NESTED] = { "hwpt_nested", iommufd_hwpt_nested_destroy },
    [IOMMUFD_OBJ_VIOMMU] = { "viommu", iommufd_viommu_destroy },
    [IOMMUFD_OBJ_VDEVICE] = { "vdevice", iommufd_vdevice_destroy },
    [IOMMUFD_OBJ_HW_QUEUE] = { "hw_queue", iommufd_hw_queue_destroy },
    [IOMMUFD_OBJ_VEVENTQ] = { "veventq", iommufd_veventq_destroy },
};

/* xa_alloc over [1, INT_MAX]: the lowest free id. */
static uint32_t iommufd_id_alloc(struct iommufd_ctx *ictx)
{
    uint32_t id = 1;
    while (g_hash_table_contains(ictx->objects, GUINT_TO_POINTER(id)))
        id++;
    return id;
}

void *iommufd_object_alloc(struct iommufd_ctx *ictx, size_t size, enum iommufd_object_type type,
                           int *err)
{
    if (shim_should_fail()) {
        *err = -ENOMEM;
        return NULL;
    }
    struct iommufd_object *obj = g_malloc0(size);
    obj->type = type;
    obj->users = 1;
    obj->ictx = ictx;
    obj->id = iommufd_id_alloc(ictx);
    /* Reserved, not yet visible to lookups (XA_ZERO_ENTRY). */
    g_hash_table_insert(ictx->objects, GUINT_TO_POINTER(obj->id), obj);
    return obj;
}

void iommufd_object_finalize(struct iommufd_object *obj)
{
    obj->finalized = true;
}

static void iommufd_object_free(struct iommufd_object *obj)
{
    g_hash_table_remove(obj->ictx->objects, GUINT_TO_POINTER(obj->id));
    g_free(obj);
}

void iommufd_object_abort_and_destroy(struct iommufd_object *obj)
{
    iommufd_object_ops[obj->type].destroy(obj);
    iommufd_object_free(obj);
}

struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, uint32_t id,
                                          enum iommufd_object_type type)
{
    if (shim_should_fail())
        return NULL;
    struct iommufd_object *obj = g_hash_table_lookup(ictx->objects, GUINT_TO_POINTER(id));
    if (!obj || obj == &iommufd_tombstone || !obj->finalized)
        return NULL;
    if (type != IOMMUFD_OBJ_ANY && obj->type != type)
        return NULL;
    return obj;
}

void *iommufd_object_alloc_ucmd(struct iommufd_ucmd *ucmd, size_t size,
                                enum iommufd_object_type type, int *err)
{
    g_assert(!ucmd->new_obj);
    struct iommufd_object *obj = iommufd_object_alloc(ucmd->ictx, size, type, err);
    ucmd->new_obj = obj;
    return obj;
}

/* iommufd_object_remove: ENOENT for a missing id, EBUSY unless users == 1. */
static int iommufd_object_remove(struct iommufd_ctx *ictx, uint32_t id)
{
    struct iommufd_object *obj = g_hash_table_lookup(ictx->objects, GUINT_TO_POINTER(id));
    if (!obj || obj == &iommufd_tombstone || !obj->finalized)
        return -ENOENT;
    if (obj->users != 1)
        return -EBUSY;
    obj->users = 0;
    iommufd_object_abort_and_destroy(obj);
    return 0;
}

static int iommufd_destroy_ioctl(struct iommufd_ucmd *ucmd)
{
    const struct iommu_destroy *cmd = ucmd->cmd;
    return iommufd_object_remove(ucmd->ictx, cmd->id);
}

static gint shim_id_cmp(gconstpointer a, gconstpointer b)
{
    guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);
    return x < y ? -1 : x > y;
}

/* Release: destroy every object whose users == 1, repeatedly, leaf-first. */
static void iommufd_ctx_release(struct iommufd_ctx *ictx)
{
    /* The device side lets go of its bound devices first, as VFIO unbinds
     * before the last iommufd reference goes. */
    GHashTableIter it;
    gpointer val;
    g_hash_table_iter_init(&it, ictx->objects);
    while (g_hash_table_iter_next(&it, NULL, &val)) {
        struct iommufd_object *o = val;
        if (o != &iommufd_tombstone && o->type == IOMMUFD_OBJ_DEVICE)
            o->users--;
    }
    for (;;) {
        GList *ids = g_list_sort(g_hash_table_get_keys(ictx->objects), shim_id_cmp);
        bool progress = false;
        unsigned left = 0;
        for (GList *l = ids; l; l = l->next) {
            struct iommufd_object *obj = g_hash_table_lookup(ictx->objects, l->data);
            if (!obj)
                continue;
            if (obj == &iommufd_tombstone) {
                g_hash_table_remove(ictx->objects, l->data);
                progress = true;
                continue;
            }
            left++;
            if (obj->users == 1) {
                obj->users = 0;
                iommufd_object_abort_and_destroy(obj);
                progress = true;
            }
        }
        g_list_free(ids);
        if (g_hash_table_size(ictx->objects) == 0)
            break;
        if (!progress) {
            /* A reference cycle or a leaked user: a shim bug.  Free the
             * memory anyway so the process stays clean. */
            g_critical("iommufd release made no progress with %u objects left", left);
            GList *objs = g_hash_table_get_values(ictx->objects);
            for (GList *l = objs; l; l = l->next)
                if (l->data != &iommufd_tombstone)
                    g_free(l->data);
            g_list_free(objs);
            g_hash_table_remove_all(ictx->objects);
            break;
        }
    }
    g_hash_table_destroy(ictx->objects);
    for (guint i = 0; i < ictx->mmaps->len; i++)
        g_free(g_ptr_array_index(ictx->mmaps, i));
    g_ptr_array_free(ictx->mmaps, TRUE);
    g_free(ictx);
    live_ctxs--;
}

void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
    g_assert(ictx->refs > 0);
    if (--ictx->refs == 0)
        iommufd_ctx_release(ictx);
}

unsigned iommufd_shim_live_objects(void)
{
    unsigned n = shim_live_mappings() + live_ctxs;
    for (int i = 0; i < SHIM_MAX_FILES; i++)
        if (files[i].kind == SHIM_FILE_IOMMUFD)
            n += g_hash_table_size(files[i].ictx->objects);
    return n;
}

/* ------------------------------------------------------- copy helpers */

int shim_copy_struct_from_user(void *dst, size_t ksize, const void *src, size_t usize)
{
    if (!src)
        return -EFAULT;
    size_t n = MIN(ksize, usize);
    memset(dst, 0, ksize);
    memcpy(dst, src, n);
    for (size_t i = ksize; i < usize; i++)
        if (((const uint8_t *)src)[i])
            return -E2BIG;
    return 0;
}

/* --------------------------------------------------------- dispatch */

struct iommufd_ioctl_op {
    unsigned size;
    unsigned min_size;
    unsigned long ioctl_num;
    int (*execute)(struct iommufd_ucmd *ucmd);
};

#define IOCTL_OP(num, fn, type, last)                                            \
    [(num) - IOMMU_DESTROY] = { sizeof(struct type),                           \
                                offsetof(struct type, last) + sizeof(((struct type *)0)->last), \
                                num, fn }

static const struct iommufd_ioctl_op iommufd_ioctl_ops[] = {
    IOCTL_OP(IOMMU_DESTROY, iommufd_destroy_ioctl, iommu_destroy, id),
    IOCTL_OP(IOMMU_IOAS_ALLOC, iommufd_ioas_alloc_ioctl, iommu_ioas_alloc, out_ioas_id),
    IOCTL_OP(IOMMU_IOAS_MAP, iommufd_ioas_map_ioctl, iommu_ioas_map, iova),
    IOCTL_OP(IOMMU_IOAS_UNMAP, iommufd_ioas_unmap_ioctl, iommu_ioas_unmap, length),
    IOCTL_OP(IOMMU_OPTION, iommufd_option_ioctl, iommu_option, val64),
    IOCTL_OP(IOMMU_HWPT_ALLOC, iommufd_hwpt_alloc_ioctl, iommu_hwpt_alloc, __reserved),
    IOCTL_OP(IOMMU_GET_HW_INFO, iommufd_get_hw_info_ioctl, iommu_hw_info, __reserved),
    IOCTL_OP(IOMMU_HWPT_INVALIDATE, iommufd_hwpt_invalidate_ioctl, iommu_hwpt_invalidate,
             __reserved),
    IOCTL_OP(IOMMU_VIOMMU_ALLOC, iommufd_viommu_alloc_ioctl, iommu_viommu_alloc, out_viommu_id),
    IOCTL_OP(IOMMU_VDEVICE_ALLOC, iommufd_vdevice_alloc_ioctl, iommu_vdevice_alloc, virt_id),
    IOCTL_OP(IOMMU_VEVENTQ_ALLOC, iommufd_veventq_alloc_ioctl, iommu_veventq_alloc,
             out_veventq_fd),
    IOCTL_OP(IOMMU_HW_QUEUE_ALLOC, iommufd_hw_queue_alloc_ioctl, iommu_hw_queue_alloc, length),
};

static int iommufd_fops_ioctl(struct iommufd_ctx *ictx, unsigned long request, void *arg)
{
    unsigned nr = (unsigned)(request & 0xff);
    if (nr < IOMMUFD_CMD_BASE || nr - IOMMUFD_CMD_BASE >= SIM_ARRAY_SIZE(iommufd_ioctl_ops))
        return -ENOTTY;     /* the VFIO compat path knows nothing else */
    if (!arg)
        return -EFAULT;
    uint32_t user_size;
    memcpy(&user_size, arg, sizeof(user_size));
    const struct iommufd_ioctl_op *op = &iommufd_ioctl_ops[nr - IOMMUFD_CMD_BASE];
    if (op->ioctl_num != request || !op->execute)
        return -ENOTTY;     /* wrong type byte/size bits, or not modelled */
    if (user_size < op->min_size)
        return -EINVAL;
    struct iommufd_ucmd ucmd = { .ictx = ictx, .cmd = g_malloc0(op->size) };
    int rc = shim_copy_struct_from_user(ucmd.cmd, op->size, arg, user_size);
    if (rc == 0)
        rc = op->execute(&ucmd);
    if (rc == 0 || ucmd.respond_always)
        memcpy(arg, ucmd.cmd, MIN(user_size, op->size));   /* iommufd_ucmd_respond */
    if (rc == 0) {
        if (ucmd.new_obj)
            iommufd_object_finalize(ucmd.new_obj);
    } else if (ucmd.new_obj) {
        iommufd_object_abort_and_destroy(ucmd.new_obj);
    }
    g_free(ucmd.cmd);
    return rc;
}

/* ------------------------------------------------------ entry points */

int iommufd_shim_set_hw(const struct iommufd_shim_hw *hw)
{
    for (int i = 0; i < SHIM_MAX_FILES; i++)
        if (files[i].kind != SHIM_FILE_FREE)
            return shim_errno(-EBUSY);
    if (live_ctxs || shim_live_mappings())
        return shim_errno(-EBUSY);
    if (shim.have_hw) {
        host_cmdqv_remove();
        host_smmu_remove();
        shim_pa_range_destroy(&shim.host_mem);
        shim_pa_range_destroy(&shim.pin_mem);
    }
    unsigned nth = shim.fail_nth, hits = shim.fail_hits;
    memset(&shim, 0, sizeof(shim));
    shim.fail_nth = nth;
    shim.fail_hits = hits;
    if (!hw)
        return 0;
    if (!hw->sched || !hw->mem || !hw->bus || !hw->params || !shim_read_params(hw->params)) {
        shim_pa_range_destroy(&shim.host_mem);
        shim_pa_range_destroy(&shim.pin_mem);
        memset(&shim, 0, sizeof(shim));
        return shim_errno(-EINVAL);
    }
    shim.hw = *hw;
    shim.have_hw = true;
    shim.cmdqv.present = hw->cmdqv_base != 0;
    return 0;
}

int iommufd_shim_host_probe(void)
{
    if (!shim.have_hw)
        return shim_errno(-ENODEV);
    int rc = host_smmu_probe();
    if (rc == 0 && shim.cmdqv.present)
        rc = host_cmdqv_probe();
    return shim_errno(rc);
}

int iommufd_shim_open(const char *path, int flags)
{
    (void)flags;
    if (!path || strcmp(path, "/dev/iommu") != 0)
        return shim_errno(-ENOENT);
    int slot = shim_file_alloc();
    if (slot < 0)
        return shim_errno(slot);
    struct iommufd_ctx *ictx = g_new0(struct iommufd_ctx, 1);
    ictx->objects = g_hash_table_new(g_direct_hash, g_direct_equal);
    ictx->mmaps = g_ptr_array_new();
    ictx->refs = 1;
    ictx->fd_open = true;
    live_ctxs++;
    files[slot].kind = SHIM_FILE_IOMMUFD;
    files[slot].ictx = ictx;
    return SHIM_FD_BASE + slot;
}

int iommufd_shim_close(int fd)
{
    shim_sync_mappings();
    struct shim_file *f = shim_file_get(fd);
    if (!f)
        return shim_errno(-EBADF);
    struct shim_file copy = *f;
    memset(f, 0, sizeof(*f));
    if (copy.kind == SHIM_FILE_VEVENTQ) {
        iommufd_veventq_fd_closed(copy.veventq);
    } else {
        copy.ictx->fd_open = false;
        iommufd_ctx_put(copy.ictx);
    }
    return 0;
}

int iommufd_shim_ioctl(int fd, unsigned long request, void *arg)
{
    shim_sync_mappings();
    struct shim_file *f = shim_file_get(fd);
    if (!f)
        return shim_errno(-EBADF);
    if (f->kind != SHIM_FILE_IOMMUFD)
        return shim_errno(-ENOTTY);
    int rc = iommufd_fops_ioctl(f->ictx, request, arg);
    shim_sync_mappings();
    return shim_errno(rc);
}

/* ------------------------------------------ non-blocking invalidation */

int iommufd_shim_viommu_invalidate_submit(int fd, struct iommu_hwpt_invalidate *cmd,
                                          uint64_t *ticket)
{
    shim_sync_mappings();
    struct shim_file *f = shim_file_get(fd);
    if (!f)
        return shim_errno(-EBADF);
    if (f->kind != SHIM_FILE_IOMMUFD)
        return shim_errno(-ENOTTY);
    if (!cmd || !ticket)
        return shim_errno(-EFAULT);
    const size_t min_size = offsetof(struct iommu_hwpt_invalidate, __reserved) +
                            sizeof(cmd->__reserved);
    if (cmd->size < min_size)
        return shim_errno(-EINVAL);
    struct iommu_hwpt_invalidate k;
    struct iommufd_ucmd ucmd = { .ictx = f->ictx, .cmd = &k };
    int rc = shim_copy_struct_from_user(&k, sizeof(k), cmd, cmd->size);
    if (rc == 0)
        rc = iommufd_hwpt_invalidate_submit(&ucmd, ticket);
    if (rc == 0 || ucmd.respond_always)
        memcpy(cmd, &k, MIN((size_t)cmd->size, sizeof(k)));
    shim_sync_mappings();
    return shim_errno(rc);
}

int iommufd_shim_host_submit(int queue, const uint64_t *cmds, unsigned n, bool sync,
                             uint64_t *ticket)
{
    if (!shim.have_hw)
        return shim_errno(-ENODEV);
    if ((n && !cmds) || !ticket)
        return shim_errno(-EFAULT);
    struct host_cmdq *q = host_cmdq_by_queue(queue);
    if (!q)
        return shim_errno(queue == -1 ? -ENODEV : -EINVAL);
    uint64_t seq;
    int rc = host_cmdq_submit(q, cmds, n, sync, &seq);
    if (rc == 0)
        *ticket = host_cmdq_ticket(queue, seq);
    return shim_errno(rc);
}

unsigned iommufd_shim_host_num_lvcmdqs(void)
{
    return shim.have_hw && shim.cmdqv.probed ? shim.cmdqv.lvcmdqs_per_vintf : 0;
}

int iommufd_shim_invalidate_poll(uint64_t ticket, bool *done)
{
    if (!shim.have_hw)
        return shim_errno(-ENODEV);
    if (!done)
        return shim_errno(-EFAULT);
    struct host_cmdq *q = host_cmdq_by_ticket(ticket);
    if (!q)
        return shim_errno(-EINVAL);
    return shim_errno(host_cmdq_poll(q, ticket & ((1ull << HOST_TICKET_SEQ_BITS) - 1), done));
}

void *iommufd_shim_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    (void)addr;     /* a hint only; the shim always chooses the address */
    shim_sync_mappings();
    struct shim_file *f = shim_file_get(fd);
    if (!f) {
        errno = EBADF;
        return MAP_FAILED;
    }
    if (f->kind != SHIM_FILE_IOMMUFD) {
        errno = ENODEV;
        return MAP_FAILED;
    }
    int err = 0;
    void *p = shim_mmap(f->ictx, len, prot, flags, offset, &err);
    if (!p) {
        errno = -err;
        return MAP_FAILED;
    }
    return p;
}

int iommufd_shim_munmap(void *addr, size_t len)
{
    shim_sync_mappings();
    return shim_errno(shim_munmap(addr, len));
}

ssize_t iommufd_shim_read(int fd, void *buf, size_t len)
{
    shim_sync_mappings();
    struct shim_file *f = shim_file_get(fd);
    if (!f)
        return shim_errno(-EBADF);
    if (f->kind != SHIM_FILE_VEVENTQ)
        return shim_errno(-EINVAL);
    ssize_t n = iommufd_veventq_read(f->veventq, buf, len);
    return n < 0 ? shim_errno((int)n) : n;
}

/* VFIO's bind: a device object for one StreamID, held by "VFIO" (users 2)
 * so IOMMU_DESTROY on it is EBUSY, as for a real bound device. */
static int shim_bind(struct iommufd_ctx *ictx, uint32_t sid, bool ats, uint32_t *dev_id)
{
    if (!dev_id)
        return -EFAULT;
    if (!shim.smmu.probed)
        return -ENODEV;
    if (!host_smmu_sid_valid(sid))
        return -EINVAL;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, ictx->objects);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        struct iommufd_object *o = v;
        if (o->type == IOMMUFD_OBJ_DEVICE && ((struct iommufd_device *)o)->sid == sid)
            return -EBUSY;
    }
    int rc = host_smmu_prepare_sid(sid);
    if (rc)
        return rc;
    struct iommufd_device *idev = iommufd_object_alloc(ictx, sizeof(*idev), IOMMUFD_OBJ_DEVICE, &rc);
    if (!idev)
        return rc;
    idev->sid = sid;
    /* arm_smmu_ats_supported: ATS needs the SMMU's IDR0.ATS too; without it
     * the function simply works untranslated, as on Linux. */
    idev->ats = ats && shim.smmu.ats;
    idev->obj.users++;
    iommufd_object_finalize(&idev->obj);
    *dev_id = idev->obj.id;
    return 0;
}

int iommufd_shim_bind_device(int fd, uint32_t stream_id, uint32_t *dev_id)
{
    shim_sync_mappings();
    struct iommufd_ctx *ictx = shim_ctx_of(fd);
    return shim_errno(ictx ? shim_bind(ictx, stream_id, false, dev_id) : -EBADF);
}

int iommufd_shim_bind_device_ats(int fd, uint32_t stream_id, bool ats, uint32_t *dev_id)
{
    shim_sync_mappings();
    struct iommufd_ctx *ictx = shim_ctx_of(fd);
    return shim_errno(ictx ? shim_bind(ictx, stream_id, ats, dev_id) : -EBADF);
}

bool iommufd_shim_device_ats(int fd, uint32_t dev_id)
{
    struct iommufd_ctx *ictx = shim_ctx_of(fd);
    struct iommufd_object *obj = ictx ? g_hash_table_lookup(ictx->objects, GUINT_TO_POINTER(dev_id)) : NULL;
    if (!obj || obj == &iommufd_tombstone || obj->type != IOMMUFD_OBJ_DEVICE || !obj->finalized)
        return false;
    return ((struct iommufd_device *)obj)->ats;
}

static int shim_unbind(struct iommufd_ctx *ictx, uint32_t dev_id)
{
    struct iommufd_object *obj = g_hash_table_lookup(ictx->objects, GUINT_TO_POINTER(dev_id));
    if (!obj || obj == &iommufd_tombstone || obj->type != IOMMUFD_OBJ_DEVICE || !obj->finalized)
        return -ENOENT;
    struct iommufd_device *idev = (struct iommufd_device *)obj;
    if (idev->vdev)
        iommufd_vdevice_tombstone(idev->vdev);
    iommufd_device_detach(idev);
    idev->obj.users--;
    if (idev->obj.users != 1) {
        idev->obj.users++;
        return -EBUSY;
    }
    idev->obj.users = 0;
    iommufd_object_abort_and_destroy(obj);
    return 0;
}

int iommufd_shim_unbind_device(int fd, uint32_t dev_id)
{
    shim_sync_mappings();
    struct iommufd_ctx *ictx = shim_ctx_of(fd);
    int rc = ictx ? shim_unbind(ictx, dev_id) : -EBADF;
    shim_sync_mappings();
    return shim_errno(rc);
}

int iommufd_shim_attach_device(int fd, uint32_t dev_id, uint32_t pt_id)
{
    shim_sync_mappings();
    struct iommufd_ctx *ictx = shim_ctx_of(fd);
    if (!ictx)
        return shim_errno(-EBADF);
    struct iommufd_object *d = iommufd_get_object(ictx, dev_id, IOMMUFD_OBJ_DEVICE);
    if (!d)
        return shim_errno(-ENOENT);
    struct iommufd_object *pt = iommufd_get_object(ictx, pt_id, IOMMUFD_OBJ_ANY);
    if (!pt)
        return shim_errno(-ENOENT);
    int rc = iommufd_device_attach((struct iommufd_device *)d, pt);
    shim_sync_mappings();
    return shim_errno(rc);
}

void shim_poll_events(void)
{
    for (int i = 0; i < SHIM_MAX_FILES; i++)
        if (files[i].kind == SHIM_FILE_IOMMUFD)
            iommufd_viommu_poll_errors(files[i].ictx);
}

int iommufd_shim_relax(void)
{
    if (!shim.have_hw)
        return shim_errno(-ENODEV);
    shim_sync_mappings();
    host_delay(shim.relax);
    shim_sync_mappings();
    return 0;
}
