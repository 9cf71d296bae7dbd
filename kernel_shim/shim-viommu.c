/*
 * shim-viommu.c — vIOMMU, vdevice, HW queue, vEVENTQ and the trapped
 * invalidation path.
 *
 * Core logic of Linux v6.17 drivers/iommu/iommufd/viommu.c with the
 * arm-smmu-v3-iommufd and tegra241-cmdqv driver ops folded in
 * (iommufd.md §2.3-§2.5, cmdqv.md §3-§5):
 *   - VIOMMU_ALLOC: ARM_SMMUV3 (plain vSMMU) or TEGRA241_CMDQV (a user
 *     VINTF with HYP_OWN = 0 and the parent's VMID, whose page0 becomes an
 *     mmap region reported through the driver data);
 *   - VDEVICE_ALLOC: vSID -> device, plus a SID_REPLACE/SID_MATCH pair on
 *     a Tegra VINTF;
 *   - HW_QUEUE_ALLOC: the core checks 1-16 then the Tegra checks a-h, in
 *     the kernel's order, pinning the guest queue through an internal access
 *     (IOAS_UNMAP over it is EBUSY) and requiring physical contiguity;
 *   - HWPT_INVALIDATE on a vIOMMU: guest commands converted (VMID forced,
 *     vSID translated, NSNH_ALL -> NH_ALL, anything else EIO) and issued on
 *     the host CMDQ in blocks of 63 + CMD_SYNC, blocking (the ioctl) or
 *     non-blocking (submit, then poll the ticket);
 *   - VEVENTQ_ALLOC and the Tegra error events built from LVCMDQ_ERR_MAP.
 */
#include <string.h>
#include "kernel_shim/shim-private.h"

#define CMDQ_BATCH_ENTRIES 64u
#define TEGRA_VINTF_PAGE0_SIZE 0x10000u

/* ---------------------------------------------------------------- vIOMMU */

static bool viommu_has_hw_queues(const struct iommufd_viommu *v) { return v->tegra; }

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_viommu_alloc *cmd = ucmd->cmd;
    if (cmd->flags || cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT)
        return -EOPNOTSUPP;
    if (!iommufd_get_object(ucmd->ictx, cmd->dev_id, IOMMUFD_OBJ_DEVICE))
        return -ENOENT;
    /* arm_smmu_get_viommu_size: nesting needs S1P and S2P; the impl only
     * takes its own type. */
    if (!shim.smmu.s1p || !shim.smmu.s2p)
        return -EOPNOTSUPP;
    bool tegra = cmd->type == IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;
    if (!(cmd->type == IOMMU_VIOMMU_TYPE_ARM_SMMUV3 || (tegra && shim.cmdqv.probed)))
        return -EOPNOTSUPP;
    struct iommufd_hwpt_paging *hwpt = (struct iommufd_hwpt_paging *)
        iommufd_get_object(ucmd->ictx, cmd->hwpt_id, IOMMUFD_OBJ_HWPT_PAGING);
    if (!hwpt)
        return -ENOENT;
    if (!hwpt->nest_parent)
        return -EINVAL;
    int rc;
    struct iommufd_viommu *v = iommufd_object_alloc_ucmd(ucmd, sizeof(*v), IOMMUFD_OBJ_VIOMMU, &rc);
    if (!v)
        return rc;
    v->type = cmd->type;
    v->hwpt = hwpt;
    hwpt->obj.users++;
    v->vmid = hwpt->vmid;
    v->vintf = -1;
    v->vdevs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    cmd->out_viommu_id = v->obj.id;
    if (!tegra)
        return 0;
    v->tegra = true;
    /* tegra241_cmdqv_init_vintf_user */
    if (!cmd->data_len)
        return -EINVAL;
    if (cmd->data_len < sizeof(struct iommu_viommu_tegra241_cmdqv))
        return -EINVAL;
    struct iommu_viommu_tegra241_cmdqv data;
    void *uptr = (void *)(uintptr_t)cmd->data_uptr;
    if ((rc = shim_copy_struct_from_user(&data, sizeof(data), uptr, cmd->data_len)))
        return rc;
    if ((rc = host_cmdqv_vintf_alloc(v->vmid, &v->vintf)))
        return rc;
    v->vintf_hw = true;
    rc = iommufd_alloc_mmap(ucmd->ictx, &v->obj, host_cmdqv_vintf_page0(v->vintf),
                            TEGRA_VINTF_PAGE0_SIZE, &v->mmap_offset);
    if (rc)
        return rc;
    v->has_mmap = true;
    data.out_vintf_mmap_offset = v->mmap_offset;
    data.out_vintf_mmap_length = TEGRA_VINTF_PAGE0_SIZE;
    memcpy(uptr, &data, MIN(sizeof(data), (size_t)cmd->data_len));
    return 0;
}

void iommufd_viommu_destroy(struct iommufd_object *obj)
{
    struct iommufd_viommu *v = (struct iommufd_viommu *)obj;
    if (v->has_mmap)
        iommufd_destroy_mmap(obj->ictx, obj, v->mmap_offset);
    if (v->vintf_hw)
        host_cmdqv_vintf_free(v->vintf);
    if (v->vdevs)
        g_hash_table_destroy(v->vdevs);
    if (v->hwpt)
        v->hwpt->obj.users--;
}

/* --------------------------------------------------------------- vdevice */

int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_vdevice_alloc *cmd = ucmd->cmd;
    /* virt_id > ULONG_MAX cannot happen on LP64 */
    struct iommufd_viommu *v = (struct iommufd_viommu *)
        iommufd_get_object(ucmd->ictx, cmd->viommu_id, IOMMUFD_OBJ_VIOMMU);
    if (!v)
        return -ENOENT;
    struct iommufd_device *idev = (struct iommufd_device *)
        iommufd_get_object(ucmd->ictx, cmd->dev_id, IOMMUFD_OBJ_DEVICE);
    if (!idev)
        return -ENOENT;
    /* One physical SMMU: never "behind a different IOMMU" (EINVAL). */
    if (idev->vdev)
        return -EEXIST;
    int rc;
    struct iommufd_vdevice *vd = iommufd_object_alloc_ucmd(ucmd, sizeof(*vd), IOMMUFD_OBJ_VDEVICE, &rc);
    if (!vd)
        return rc;
    vd->sid_slot = -1;
    vd->virt_id = cmd->virt_id;
    vd->viommu = v;
    v->obj.users++;
    if (g_hash_table_contains(v->vdevs, &cmd->virt_id))
        return -EEXIST;
    uint64_t *key = g_new(uint64_t, 1);
    *key = cmd->virt_id;
    g_hash_table_insert(v->vdevs, key, vd);
    vd->in_xarray = true;
    vd->idev = idev;
    idev->vdev = vd;
    if (v->tegra) {
        /* tegra241_vintf_init_vsid */
        if (cmd->virt_id > UINT32_MAX)
            return -EINVAL;
        int slot = -1;
        for (unsigned s = 0; s < shim.cmdqv.sids_per_vintf; s++)
            if (!(v->sid_slots & (1u << s))) {
                slot = (int)s;
                break;
            }
        if (slot < 0)
            return -ENOSPC;
        if ((rc = host_cmdqv_sid_attach(v->vintf, slot, idev->sid, (uint32_t)cmd->virt_id)))
            return rc;
        v->sid_slots |= 1u << slot;
        vd->sid_slot = slot;
    }
    cmd->out_vdevice_id = vd->obj.id;
    return 0;
}

void iommufd_vdevice_destroy(struct iommufd_object *obj)
{
    struct iommufd_vdevice *vd = (struct iommufd_vdevice *)obj;
    if (vd->sid_slot >= 0) {
        host_cmdqv_sid_detach(vd->viommu->vintf, vd->sid_slot);
        vd->viommu->sid_slots &= ~(1u << vd->sid_slot);
    }
    if (vd->idev)
        vd->idev->vdev = NULL;
    if (vd->in_xarray)
        g_hash_table_remove(vd->viommu->vdevs, &vd->virt_id);
    if (vd->viommu)
        vd->viommu->obj.users--;
}

void iommufd_vdevice_tombstone(struct iommufd_vdevice *vd)
{
    struct iommufd_ctx *ictx = vd->obj.ictx;
    uint32_t id = vd->obj.id;
    iommufd_vdevice_destroy(&vd->obj);
    g_free(vd);
    g_hash_table_insert(ictx->objects, GUINT_TO_POINTER(id), &iommufd_tombstone);
}

int iommufd_viommu_vsid_to_sid(struct iommufd_viommu *v, uint64_t vsid, uint32_t *sid)
{
    struct iommufd_vdevice *vd = g_hash_table_lookup(v->vdevs, &vsid);
    if (!vd || !vd->idev)
        return -EIO;
    *sid = vd->idev->sid;
    return 0;
}

/* -------------------------------------------------------------- HW queue */

/* tegra241_vintf_alloc_lvcmdq_user: checks a-h. */
static int tegra_hw_queue_init_phys(struct iommufd_hw_queue *q, uint32_t index, uint64_t base_pa)
{
    struct iommufd_viommu *v = q->viommu;
    if (q->type != IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV)
        return -EOPNOTSUPP;
    if (index >= shim.cmdqv.lvcmdqs_per_vintf)
        return -EINVAL;
    if (v->lvcmdq[index])
        return -EEXIST;
    if (index > 0 && !v->lvcmdq[index - 1])
        return -EIO;
    uint64_t max = (uint64_t)1 << (((shim.smmu.idr[1] >> 21) & 0x1f) + 4);
    if (q->length & (q->length - 1) || q->length < 32 || q->length > max)
        return -EINVAL;
    if ((base_pa & ~0x0000FFFFFFFFFFE0ull) || (base_pa & (q->length - 1)))
        return -EINVAL;
    if (index > 0) {
        q->prev = v->lvcmdq[index - 1];
        q->prev->obj.users++;
    }
    host_cmdqv_lvcmdq_map(v->vintf, index, base_pa, q->length);
    q->hw_mapped = true;
    v->lvcmdq[index] = q;
    return 0;
}

int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_hw_queue_alloc *cmd = ucmd->cmd;
    if (cmd->flags || cmd->type == IOMMU_HW_QUEUE_TYPE_DEFAULT)
        return -EOPNOTSUPP;
    if (!cmd->length)
        return -EINVAL;
    if (cmd->nesting_parent_iova + (cmd->length - 1) < cmd->nesting_parent_iova)
        return -EOVERFLOW;
    struct iommufd_viommu *v = (struct iommufd_viommu *)
        iommufd_get_object(ucmd->ictx, cmd->viommu_id, IOMMUFD_OBJ_VIOMMU);
    if (!v)
        return -ENOENT;
    if (!viommu_has_hw_queues(v))                           /* no ops */
        return -EOPNOTSUPP;
    if (cmd->type != IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV)    /* size 0 */
        return -EOPNOTSUPP;
    int rc;
    struct iommufd_hw_queue *q = iommufd_object_alloc_ucmd(ucmd, sizeof(*q), IOMMUFD_OBJ_HW_QUEUE, &rc);
    if (!q)
        return rc;
    /* hw_queue_alloc_phys: page-aligned window around the queue. */
    uint64_t aligned = cmd->nesting_parent_iova & ~(shim.page_size - 1);
    uint64_t offset = cmd->nesting_parent_iova - aligned;
    uint64_t span;
    if (__builtin_add_overflow(offset, cmd->length, &span))
        return -ERANGE;
    uint64_t npages = (span + shim.page_size - 1) >> shim.page_shift;
    if (npages == 0 || npages > SIZE_MAX / sizeof(void *))
        return -ERANGE;
    if (shim_should_fail())                                 /* page array */
        return -ENOMEM;
    if (shim_should_fail())                                 /* internal access */
        return -ENOMEM;
    rc = iommufd_access_pin(&q->access, v->hwpt->ioas, aligned, npages << shim.page_shift);
    if (rc)
        return rc;
    for (uint64_t i = 1; i < npages; i++) {
        uint64_t prev = iopt_iova_to_pa(v->hwpt->ioas, aligned + ((i - 1) << shim.page_shift));
        uint64_t cur = iopt_iova_to_pa(v->hwpt->ioas, aligned + (i << shim.page_shift));
        if (cur != prev + shim.page_size)
            return -EFAULT;
    }
    uint64_t base_pa = iopt_iova_to_pa(v->hwpt->ioas, aligned) + offset;
    q->viommu = v;
    v->obj.users++;
    q->type = cmd->type;
    q->index = cmd->index;
    q->length = cmd->length;
    q->base_addr = cmd->nesting_parent_iova;
    q->base_pa = base_pa;
    if ((rc = tegra_hw_queue_init_phys(q, cmd->index, base_pa)))
        return rc;
    cmd->out_hw_queue_id = q->obj.id;
    return 0;
}

void iommufd_hw_queue_destroy(struct iommufd_object *obj)
{
    struct iommufd_hw_queue *q = (struct iommufd_hw_queue *)obj;
    if (q->hw_mapped) {
        host_cmdqv_lvcmdq_unmap(q->viommu->vintf, q->index);
        q->viommu->lvcmdq[q->index] = NULL;
    }
    if (q->prev)
        q->prev->obj.users--;
    iommufd_access_unpin(&q->access);
    if (q->viommu)
        q->viommu->obj.users--;
}

/* ------------------------------------------------- trapped invalidation */

#define CMDQ_OP_TLBI_NH_ALL 0x10u
#define CMDQ_OP_TLBI_NH_ASID 0x11u
#define CMDQ_OP_TLBI_NH_VA 0x12u
#define CMDQ_OP_TLBI_NH_VAA 0x13u
#define CMDQ_OP_TLBI_NSNH_ALL 0x30u
#define CMDQ_OP_ATC_INV 0x40u
#define CMDQ_OP_CFGI_CD 0x05u
#define CMDQ_OP_CFGI_CD_ALL 0x06u
#define CMDQ_TLBI_0_VMID_MASK (0xffffull << 32)
#define CMDQ_0_SID_MASK (0xffffffffull << 32)

/* arm_vsmmu_convert_user_cmd */
static int vsmmu_convert_cmd(struct iommufd_viommu *v, uint64_t cmd[2])
{
    switch (cmd[0] & 0xff) {
    case CMDQ_OP_TLBI_NSNH_ALL:
        cmd[0] = (cmd[0] & ~0xffull) | CMDQ_OP_TLBI_NH_ALL;
        /* fall through */
    case CMDQ_OP_TLBI_NH_VA:
    case CMDQ_OP_TLBI_NH_VAA:
    case CMDQ_OP_TLBI_NH_ALL:
    case CMDQ_OP_TLBI_NH_ASID:
        cmd[0] = (cmd[0] & ~CMDQ_TLBI_0_VMID_MASK) | ((uint64_t)v->vmid << 32);
        return 0;
    case CMDQ_OP_ATC_INV:
    case CMDQ_OP_CFGI_CD:
    case CMDQ_OP_CFGI_CD_ALL: {
        uint32_t sid;
        if (iommufd_viommu_vsid_to_sid(v, cmd[0] >> 32, &sid))
            return -EIO;
        cmd[0] = (cmd[0] & ~CMDQ_0_SID_MASK) | ((uint64_t)sid << 32);
        return 0;
    }
    default:
        return -EIO;
    }
}

/* The checking and conversion half of IOMMU_HWPT_INVALIDATE: the request
 * rules in the kernel's order, the copy of the entries, and their
 * conversion (arm_vsmmu_convert_user_cmd) in order until the first one that
 * fails.  On success *v and *cmds (g_free'd by the caller) hold the vIOMMU
 * and the entries, *nconv how many converted; *conv_rc is the conversion
 * error (-EIO) or 0.  entry_num 0 is a successful no-op (*cmds NULL). */
static int hwpt_invalidate_prepare(struct iommufd_ucmd *ucmd, struct iommufd_viommu **v,
                                   uint64_t **cmds, uint32_t *nconv, int *conv_rc)
{
    struct iommu_hwpt_invalidate *cmd = ucmd->cmd;
    ucmd->respond_always = true;
    *cmds = NULL;
    *nconv = 0;
    *conv_rc = 0;
    if (cmd->__reserved)
        return -EOPNOTSUPP;
    if (cmd->entry_num && (!cmd->data_uptr || !cmd->entry_len))
        return -EINVAL;
    struct iommufd_object *pt = iommufd_get_object(ucmd->ictx, cmd->hwpt_id, IOMMUFD_OBJ_ANY);
    if (!pt)
        return -ENOENT;
    if (pt->type == IOMMUFD_OBJ_HWPT_NESTED)
        return -EOPNOTSUPP;   /* SMMUv3 nested domains invalidate through the vIOMMU */
    if (pt->type != IOMMUFD_OBJ_VIOMMU)
        return -EINVAL;
    if (cmd->data_type != IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 ||
        cmd->entry_len < sizeof(struct iommu_viommu_arm_smmuv3_invalidate))
        return -EINVAL;
    *v = (struct iommufd_viommu *)pt;
    if (cmd->entry_num == 0)
        return 0;
    if (shim_should_fail())
        return -ENOMEM;
    uint64_t *c = g_new0(uint64_t, 2 * (size_t)cmd->entry_num);
    const uint8_t *src = (const uint8_t *)(uintptr_t)cmd->data_uptr;
    for (uint32_t i = 0; i < cmd->entry_num; i++) {
        int rc = shim_copy_struct_from_user(c + 2 * i, 16, src + (size_t)i * cmd->entry_len,
                                            cmd->entry_len);
        if (rc) {
            g_free(c);
            return rc;
        }
    }
    uint32_t i = 0;
    while (i < cmd->entry_num && !(*conv_rc = vsmmu_convert_cmd(*v, c + 2 * i)))
        i++;
    *nconv = i;
    *cmds = c;
    return 0;
}

/* Entries [0, limit) go to the host CMDQ in blocks of 63 + CMD_SYNC
 * (arm_vsmmu_cache_invalidate).  A conversion error keeps the partial
 * block holding the bad entry from being issued, as the driver does. */
static uint32_t hwpt_invalidate_issuable(uint32_t nconv, int conv_rc)
{
    uint32_t block = CMDQ_BATCH_ENTRIES - 1;
    return conv_rc ? nconv / block * block : nconv;
}

int iommufd_hwpt_invalidate_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_hwpt_invalidate *cmd = ucmd->cmd;
    struct iommufd_viommu *v;
    uint64_t *cmds;
    uint32_t nconv;
    int conv_rc;
    int rc = hwpt_invalidate_prepare(ucmd, &v, &cmds, &nconv, &conv_rc);
    uint32_t done = 0;
    if (!rc && cmds) {
        uint32_t limit = hwpt_invalidate_issuable(nconv, conv_rc);
        for (uint32_t last = 0; last < limit && !rc; last = done) {
            uint32_t k = MIN(limit - last, CMDQ_BATCH_ENTRIES - 1);
            rc = host_smmu_issue(cmds + 2 * last, k, true);
            done = rc ? last + k - 1 : last + k;
        }
        if (!rc) {
            done = nconv;
            rc = conv_rc;
        }
    }
    g_free(cmds);
    cmd->entry_num = done;
    return rc;
}

/* Non-blocking: as many whole blocks as the host CMDQ has room for now.
 * entry_num returns the entries accepted; the ticket completes when the
 * CMD_SYNC of the last accepted block is consumed.  -EAGAIN when not even
 * the first block fits; a conversion error is reported (entry_num = index
 * of the bad entry) only once every block before it was accepted. */
int iommufd_hwpt_invalidate_submit(struct iommufd_ucmd *ucmd, uint64_t *ticket)
{
    struct iommu_hwpt_invalidate *cmd = ucmd->cmd;
    struct iommufd_viommu *v;
    uint64_t *cmds;
    uint32_t nconv;
    int conv_rc;
    int rc = hwpt_invalidate_prepare(ucmd, &v, &cmds, &nconv, &conv_rc);
    uint32_t done = 0;
    if (!rc && !shim.smmu.probed)
        rc = -ENODEV;
    *ticket = host_cmdq_ticket(-1, shim.smmu.q.submitted);
    if (!rc && cmds) {
        uint32_t limit = hwpt_invalidate_issuable(nconv, conv_rc);
        while (done < limit) {
            uint32_t k = MIN(limit - done, CMDQ_BATCH_ENTRIES - 1);
            uint64_t seq;
            rc = host_cmdq_submit(&shim.smmu.q, cmds + 2 * done, k, true, &seq);
            if (rc)
                break;
            *ticket = host_cmdq_ticket(-1, seq);
            done += k;
        }
        if (rc == -EAGAIN && done > 0)
            rc = 0;                     /* a short count: resubmit the rest */
        else if (!rc && done == limit) {
            done = nconv;
            rc = conv_rc;
        }
    }
    g_free(cmds);
    cmd->entry_num = done;
    return rc;
}

/* --------------------------------------------------------------- vEVENTQ */

int iommufd_veventq_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_veventq_alloc *cmd = ucmd->cmd;
    if (cmd->flags || cmd->__reserved || cmd->type == IOMMU_VEVENTQ_TYPE_DEFAULT)
        return -EOPNOTSUPP;
    if (!cmd->veventq_depth)
        return -EINVAL;
    struct iommufd_viommu *v = (struct iommufd_viommu *)
        iommufd_get_object(ucmd->ictx, cmd->viommu_id, IOMMUFD_OBJ_VIOMMU);
    if (!v)
        return -ENOENT;
    if (cmd->type >= SIM_ARRAY_SIZE(v->veventq))
        return -EOPNOTSUPP;     /* no driver reports that type */
    if (v->veventq[cmd->type])
        return -EEXIST;
    int rc;
    struct iommufd_veventq *q = iommufd_object_alloc_ucmd(ucmd, sizeof(*q), IOMMUFD_OBJ_VEVENTQ, &rc);
    if (!q)
        return rc;
    q->fd = -1;
    g_queue_init(&q->deliver);
    q->lost.hdr.flags = IOMMU_VEVENTQ_FLAG_LOST_EVENTS;
    q->viommu = v;
    v->obj.users++;
    q->type = cmd->type;
    q->depth = cmd->veventq_depth;
    int fd = shim_file_new_veventq(q);
    if (fd < 0)
        return fd;
    q->fd = fd;
    q->obj.users++;         /* the descriptor holds the object ... */
    ucmd->ictx->refs++;     /* ... and the context, as the file does */
    v->veventq[cmd->type] = q;
    cmd->out_veventq_id = q->obj.id;
    cmd->out_veventq_fd = (uint32_t)fd;
    return 0;
}

void iommufd_veventq_destroy(struct iommufd_object *obj)
{
    struct iommufd_veventq *q = (struct iommufd_veventq *)obj;
    g_assert(q->fd < 0);    /* an open descriptor holds a user */
    struct shim_vevent *e;
    while ((e = g_queue_pop_head(&q->deliver)))
        if (e != &q->lost)
            g_free(e);
    if (q->viommu) {
        if (q->viommu->veventq[q->type] == q)
            q->viommu->veventq[q->type] = NULL;
        q->viommu->obj.users--;
    }
}

void iommufd_veventq_fd_closed(struct iommufd_veventq *q)
{
    struct iommufd_ctx *ictx = q->obj.ictx;
    q->fd = -1;
    q->obj.users--;
    iommufd_ctx_put(ictx);
}

void iommufd_veventq_report(struct iommufd_veventq *q, const void *data, uint32_t len)
{
    struct shim_vevent *e;
    if (q->num_events >= q->depth) {
        e = &q->lost;
        if (!q->lost_queued)
            g_queue_push_tail(&q->deliver, e);
        q->lost_queued = true;
    } else {
        e = g_new0(struct shim_vevent, 1);
        e->data_len = MIN(len, (uint32_t)sizeof(e->data));
        memcpy(e->data, data, e->data_len);
        q->num_events++;
        g_queue_push_tail(&q->deliver, e);
    }
    e->hdr.sequence = q->sequence;
    q->sequence = (q->sequence + 1) & INT32_MAX;
}

ssize_t iommufd_veventq_read(struct iommufd_veventq *q, void *buf, size_t len)
{
    size_t done = 0;
    if (!buf && len)
        return -EFAULT;
    struct shim_vevent *e;
    while ((e = g_queue_peek_head(&q->deliver))) {
        size_t need = sizeof(e->hdr) + (e == &q->lost ? 0 : e->data_len);
        if (done >= len || need > len - done)
            break;
        g_queue_pop_head(&q->deliver);
        memcpy((uint8_t *)buf + done, &e->hdr, sizeof(e->hdr));
        done += sizeof(e->hdr);
        if (e == &q->lost) {
            q->lost_queued = false;
            continue;
        }
        memcpy((uint8_t *)buf + done, e->data, e->data_len);
        done += e->data_len;
        q->num_events--;
        g_free(e);
    }
    return (ssize_t)done;
}

/* Stand-in for the CMDQV interrupt: a changed, non-zero LVCMDQ_ERR_MAP of
 * a user VINTF becomes one TEGRA241_CMDQV vEVENT carrying the raw map. */
void iommufd_viommu_poll_errors(struct iommufd_ctx *ictx)
{
    if (!shim.cmdqv.probed)
        return;
    GHashTableIter it;
    gpointer val;
    g_hash_table_iter_init(&it, ictx->objects);
    while (g_hash_table_iter_next(&it, NULL, &val)) {
        struct iommufd_object *o = val;
        if (o == &iommufd_tombstone || o->type != IOMMUFD_OBJ_VIOMMU || !o->finalized)
            continue;
        struct iommufd_viommu *v = (struct iommufd_viommu *)o;
        if (!v->vintf_hw)
            continue;
        uint64_t map[2];
        host_cmdqv_read_err_map(v->vintf, map);
        if (map[0] == v->reported_err_map[0] && map[1] == v->reported_err_map[1])
            continue;
        v->reported_err_map[0] = map[0];
        v->reported_err_map[1] = map[1];
        struct iommufd_veventq *q = v->veventq[IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV];
        if ((map[0] | map[1]) && q) {
            struct iommu_vevent_tegra241_cmdqv ev = { { map[0], map[1] } };
            iommufd_veventq_report(q, &ev, sizeof(ev));
        }
    }
}
