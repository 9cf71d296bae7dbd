/*
 * shim-hwpt.c — HW page tables, device attachment and GET_HW_INFO.
 *
 * IOMMU_HWPT_ALLOC (iommufd.md §2.6):
 *   - on an IOAS with NEST_PARENT: an SMMUv3 stage-2 paging domain.  The
 *     shim writes a real VMSAv8-64 stage-2 table (4 KiB granule, start level
 *     from the IPA size) into simulated host memory, mapping every IOAS page
 *     to its pinned frame — with a level-2 block wherever 2 MiB of IOVA and
 *     of contiguous pinned frames line up, as iommu_map picks page sizes,
 *     unless IOMMU_OPTION_HUGE_PAGES is 0 — and keeps it in step with later
 *     IOAS_MAP/UNMAP (an unmap ends with TLBI_S12_VMALL + CMD_SYNC for the
 *     domain's VMID);
 *   - on a vIOMMU: a nested domain holding the 16-byte guest STE after
 *     arm_smmu_validate_vste (EIO rules).
 * Attaching a bound device programs its STE (smmuv3.md §3.2): S2-only for
 * a paging domain; for a nested domain abort, S2-only (vSTE bypass) or
 * nested (S1 fields from the vSTE, S2 from the parent), followed by
 * CFGI_STE + CMD_SYNC.
 *
 * IOMMU_GET_HW_INFO: the SMMUv3 IDR0-5/IIDR/AIDR read over MMIO, or the
 * Tegra241 CMDQV PARAM fields (log2vcmdqs per VINTF, as the driver does).
 */
#include <string.h>
#include "kernel_shim/shim-private.h"
#include "models/cmdqv/cmdqv-regs.h"
#include "models/smmuv3/smmuv3-regs.h"

/* STE fields (smmuv3.md §3.2), in dwords. */
#define STE0_V 1ull
#define STE0_CFG_SHIFT 1
#define STE_CFG_ABORT 0u
#define STE_CFG_BYPASS 4u
#define STE_CFG_S1_TRANS 5u
#define STE_CFG_S2_TRANS 6u
#define STE_CFG_NESTED 7u
#define STE0_NESTING_ALLOWED (STE0_V | (7ull << 1) | (3ull << 4) | (((1ull << 46) - 1) << 6) | \
                              (0x1full << 59))
#define STE1_NESTING_ALLOWED (3ull | (3ull << 2) | (3ull << 4) | (3ull << 6) | (1ull << 27) | \
                              (3ull << 28))
#define STE1_MEV (1ull << 19)
#define STE1_EATS_SHIFT 28
#define STE1_EATS_TRANS 1u
#define STE1_SHCFG_INCOMING (1ull << 44)
#define STE2_S2T0SZ_SHIFT 32
#define STE2_S2SL0_SHIFT 38
#define STE2_S2IR0_WB (1ull << 40)
#define STE2_S2OR0_WB (1ull << 42)
#define STE2_S2SH0_ISH (3ull << 44)
#define STE2_S2PS_SHIFT 48
#define STE2_S2AA64 (1ull << 51)
#define STE2_S2PTW (1ull << 54)
#define STE2_S2R (1ull << 58)
#define STE3_S2TTB_MASK 0x000FFFFFFFFFFFF0ull

#define CMDQ_OP_TLBI_S12_VMALL 0x28u

/* Stage-2 descriptors, 4 KiB granule (VMSAv8-64): level-2 blocks of 2 MiB,
 * level-3 pages of 4 KiB. */
#define S2_GRANULE 4096ull
#define S2_BLOCK (2ull << 20)          /* a level-2 block */
#define PTE_VALID_TABLE 3ull
#define PTE_TYPE_MASK 3ull
#define PTE_BLOCK 1ull                  /* levels 1-2 */
#define PTE_PAGE 3ull                   /* level 3 */
#define PTE_ADDR_MASK 0x0000FFFFFFFFF000ull
#define PTE_S2_MEMATTR_WB (0xfull << 2)
#define PTE_S2AP_R (1ull << 6)
#define PTE_S2AP_W (1ull << 7)
#define PTE_SH_ISH (3ull << 8)
#define PTE_AF (1ull << 10)

/* ------------------------------------------------------ stage-2 tables */

static unsigned s2_start_level(void)
{
    unsigned ias = shim.smmu.ias_bits;
    unsigned levels = (ias - 12 + 8) / 9;
    return 4 - levels;
}

static uint64_t s2_table_alloc(struct iommufd_hwpt_paging *hwpt)
{
    uint64_t pa = shim_should_fail() ? 0 : shim_pa_alloc(&shim.host_mem, S2_GRANULE, S2_GRANULE);
    if (!pa)
        return 0;
    sim_mem_fill(shim.hw.mem, pa, 0, S2_GRANULE);
    g_array_append_val(hwpt->s2_tables, pa);
    return pa;
}

/* The descriptor slot for ipa at `leaf_level` (2: a 2 MiB block, 3: a
 * 4 KiB page), creating tables if asked; 0 when a table is missing (or, on
 * the way to level 3, a block covers ipa: the IOAS never lets a block and a
 * page share 2 MiB, so that is -EEXIST). */
static uint64_t s2_slot(struct iommufd_hwpt_paging *hwpt, uint64_t ipa, unsigned leaf_level,
                        bool create, int *err)
{
    uint64_t table = hwpt->s2_root;
    for (unsigned level = s2_start_level(); level < leaf_level; level++) {
        uint64_t slot = table + ((ipa >> (12 + 9 * (3 - level))) & 511) * 8;
        uint64_t desc;
        sim_mem_read64(shim.hw.mem, slot, &desc);
        if ((desc & PTE_TYPE_MASK) == PTE_BLOCK) {
            *err = -EEXIST;
            return 0;
        }
        if (!(desc & 1)) {
            if (!create)
                return 0;
            uint64_t next = s2_table_alloc(hwpt);
            if (!next) {
                *err = -ENOMEM;
                return 0;
            }
            desc = next | PTE_VALID_TABLE;
            sim_mem_write64(shim.hw.mem, slot, desc);
        }
        table = desc & PTE_ADDR_MASK;
    }
    return table + ((ipa >> (12 + 9 * (3 - leaf_level))) & 511) * 8;
}

/* Clears a 2 MiB block at ipa; false when ipa's level-2 slot is no block. */
static bool s2_clear_block(struct iommufd_hwpt_paging *hwpt, uint64_t ipa)
{
    int err = 0;
    uint64_t slot = s2_slot(hwpt, ipa, 2, false, &err), desc = 0;
    if (slot)
        sim_mem_read64(shim.hw.mem, slot, &desc);
    if (!slot || (desc & PTE_TYPE_MASK) != PTE_BLOCK)
        return false;
    sim_mem_write64(shim.hw.mem, slot, 0);
    return true;
}

/* Areas are never split (shim-ioas.c), so a block lies wholly inside the
 * range being unmapped: it goes as one descriptor. */
static void s2_unmap_range(struct iommufd_hwpt_paging *hwpt, uint64_t ipa, uint64_t len)
{
    uint64_t off = 0;
    while (off < len) {
        if (!((ipa + off) & (S2_BLOCK - 1)) && s2_clear_block(hwpt, ipa + off)) {
            off += S2_BLOCK;
            continue;
        }
        int err = 0;
        uint64_t slot = s2_slot(hwpt, ipa + off, 3, false, &err);
        if (slot)
            sim_mem_write64(shim.hw.mem, slot, 0);
        off += S2_GRANULE;
    }
}

static int s2_tlbi_vmid(uint16_t vmid)
{
    if (!shim.smmu.probed)
        return 0;
    uint64_t cmd[2] = { CMDQ_OP_TLBI_S12_VMALL | ((uint64_t)vmid << 32), 0 };
    return host_smmu_issue(cmd, 1, true);
}

static uint64_t area_pa(const struct iopt_area *area, uint64_t off)
{
    return area->pa[off >> shim.page_shift] + (off & (shim.page_size - 1));
}

/* iommu_map's page-size choice: a 2 MiB block where IOVA and PA are both
 * 2 MiB-aligned, the area covers the whole 2 MiB and its pinned frames
 * are contiguous across it — unless the IOAS disabled large pages. */
static bool area_block_fits(const struct iommufd_hwpt_paging *hwpt, const struct iopt_area *area,
                            uint64_t off)
{
    if (hwpt->ioas->disable_large_pages || ((area->iova + off) & (S2_BLOCK - 1)) ||
        area->length - off < S2_BLOCK)
        return false;
    uint64_t pa = area_pa(area, off);
    if (pa & (S2_BLOCK - 1))
        return false;
    for (uint64_t p = shim.page_size; p < S2_BLOCK; p += shim.page_size)
        if (area_pa(area, off + p) != pa + p)
            return false;
    return true;
}

static uint64_t area_s2_attr(const struct iopt_area *area)
{
    uint64_t attr = PTE_S2_MEMATTR_WB | PTE_SH_ISH | PTE_AF;
    if (area->prot & IOMMU_IOAS_MAP_READABLE)
        attr |= PTE_S2AP_R;
    if (area->prot & IOMMU_IOAS_MAP_WRITEABLE)
        attr |= PTE_S2AP_W;
    return attr;
}

int hwpt_paging_map_area(struct iommufd_hwpt_paging *hwpt, struct iopt_area *area)
{
    int rc = iopt_area_pin(area);
    if (rc)
        return rc;
    uint64_t attr = area_s2_attr(area);
    for (uint64_t off = 0; off < area->length;) {
        bool block = area_block_fits(hwpt, area, off);
        uint64_t slot = s2_slot(hwpt, area->iova + off, block ? 2 : 3, true, &rc);
        if (!slot) {
            s2_unmap_range(hwpt, area->iova, off);
            iopt_area_unpin(area);
            return rc;
        }
        sim_mem_write64(shim.hw.mem, slot, area_pa(area, off) | attr | (block ? PTE_BLOCK : PTE_PAGE));
        off += block ? S2_BLOCK : S2_GRANULE;
    }
    return 0;
}

void hwpt_paging_unmap_area(struct iommufd_hwpt_paging *hwpt, struct iopt_area *area)
{
    s2_unmap_range(hwpt, area->iova, area->length);
    s2_tlbi_vmid(hwpt->vmid);
    iopt_area_unpin(area);
}

/* ------------------------------------------------------ paging domains */

static int hwpt_paging_fill(struct iommufd_hwpt_paging *hwpt)
{
    struct iommufd_ioas *ioas = hwpt->ioas;
    for (guint i = 0; i < ioas->areas->len; i++) {
        int rc = hwpt_paging_map_area(hwpt, g_ptr_array_index(ioas->areas, i));
        if (rc) {
            while (i-- > 0)
                hwpt_paging_unmap_area(hwpt, g_ptr_array_index(ioas->areas, i));
            return rc;
        }
    }
    g_ptr_array_add(ioas->domains, hwpt);
    hwpt->filled = true;
    return 0;
}

static int hwpt_paging_alloc(struct iommufd_ucmd *ucmd, struct iommufd_ioas *ioas, uint32_t flags,
                             bool has_data, struct iommufd_hwpt_paging **out)
{
    const uint32_t valid = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
                           IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID;
    if (flags & ~valid)
        return -EOPNOTSUPP;
    /* arm_smmu_domain_alloc_paging_flags: no driver data; dirty tracking
     * needs HTTU; only stage-2 nest parents are modelled. */
    if (has_data || (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
        return -EOPNOTSUPP;
    if (!(flags & IOMMU_HWPT_ALLOC_NEST_PARENT) || !shim.smmu.s2p)
        return -EOPNOTSUPP;
    int rc;
    struct iommufd_hwpt_paging *hwpt =
        iommufd_object_alloc_ucmd(ucmd, sizeof(*hwpt), IOMMUFD_OBJ_HWPT_PAGING, &rc);
    if (!hwpt)
        return rc;
    hwpt->ioas = ioas;
    ioas->obj.users++;
    hwpt->nest_parent = true;
    hwpt->s2_tables = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    if ((rc = host_smmu_vmid_alloc(&hwpt->vmid)))
        return rc;
    hwpt->vmid_valid = true;
    if (!(hwpt->s2_root = s2_table_alloc(hwpt)))
        return -ENOMEM;
    if ((rc = hwpt_paging_fill(hwpt)))
        return rc;
    *out = hwpt;
    return 0;
}

void iommufd_hwpt_paging_destroy(struct iommufd_object *obj)
{
    struct iommufd_hwpt_paging *hwpt = (struct iommufd_hwpt_paging *)obj;
    if (hwpt->filled) {
        struct iommufd_ioas *ioas = hwpt->ioas;
        g_ptr_array_remove(ioas->domains, hwpt);
        for (guint i = 0; i < ioas->areas->len; i++) {
            struct iopt_area *a = g_ptr_array_index(ioas->areas, i);
            s2_unmap_range(hwpt, a->iova, a->length);
            iopt_area_unpin(a);
        }
    }
    if (hwpt->vmid_valid) {
        s2_tlbi_vmid(hwpt->vmid);
        host_smmu_vmid_free(hwpt->vmid);
    }
    if (hwpt->s2_tables) {
        for (guint i = 0; i < hwpt->s2_tables->len; i++)
            shim_pa_free(&shim.host_mem, g_array_index(hwpt->s2_tables, uint64_t, i), S2_GRANULE);
        g_array_free(hwpt->s2_tables, TRUE);
    }
    if (hwpt->ioas)
        hwpt->ioas->obj.users--;
}

/* ------------------------------------------------------ nested domains */

/* arm_smmu_validate_vste (iommufd.md §2.6). */
static int validate_vste(uint64_t ste[2])
{
    if (!(ste[0] & STE0_V)) {
        ste[0] = ste[1] = 0;
        return 0;
    }
    if ((ste[0] & ~STE0_NESTING_ALLOWED) || (ste[1] & ~STE1_NESTING_ALLOWED))
        return -EIO;
    unsigned cfg = (unsigned)(ste[0] >> STE0_CFG_SHIFT) & 7;
    if (cfg != STE_CFG_ABORT && cfg != STE_CFG_BYPASS && cfg != STE_CFG_S1_TRANS)
        return -EIO;
    unsigned eats = (unsigned)(ste[1] >> STE1_EATS_SHIFT) & 3;
    if (eats != 0 && eats != 1)
        return -EIO;
    return 0;
}

static int hwpt_nested_alloc(struct iommufd_ucmd *ucmd, struct iommufd_viommu *viommu,
                             const struct iommu_hwpt_alloc *cmd)
{
    if (cmd->flags & ~(uint32_t)IOMMU_HWPT_FAULT_ID_VALID)
        return -EOPNOTSUPP;
    int rc;
    struct iommufd_hwpt_nested *n =
        iommufd_object_alloc_ucmd(ucmd, sizeof(*n), IOMMUFD_OBJ_HWPT_NESTED, &rc);
    if (!n)
        return rc;
    n->viommu = viommu;
    viommu->obj.users++;
    /* arm_vsmmu_alloc_domain_nested: iommu_copy_struct_from_user(ste) */
    if (cmd->data_type != IOMMU_HWPT_DATA_ARM_SMMUV3 ||
        cmd->data_len < sizeof(struct iommu_hwpt_arm_smmuv3))
        return -EINVAL;
    struct iommu_hwpt_arm_smmuv3 arg;
    rc = shim_copy_struct_from_user(&arg, sizeof(arg), (const void *)(uintptr_t)cmd->data_uptr,
                                    cmd->data_len);
    if (rc)
        return rc;
    if ((rc = validate_vste(arg.ste)))
        return rc;
    if (shim_should_fail())
        return -ENOMEM;
    n->ste[0] = arg.ste[0];
    n->ste[1] = arg.ste[1];
    return 0;
}

void iommufd_hwpt_nested_destroy(struct iommufd_object *obj)
{
    struct iommufd_hwpt_nested *n = (struct iommufd_hwpt_nested *)obj;
    if (n->viommu)
        n->viommu->obj.users--;
}

int iommufd_hwpt_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_hwpt_alloc *cmd = ucmd->cmd;
    if (cmd->__reserved)
        return -EOPNOTSUPP;
    if ((cmd->data_type == IOMMU_HWPT_DATA_NONE && cmd->data_len) ||
        (cmd->data_type != IOMMU_HWPT_DATA_NONE && !cmd->data_len))
        return -EINVAL;
    if (!iommufd_get_object(ucmd->ictx, cmd->dev_id, IOMMUFD_OBJ_DEVICE))
        return -ENOENT;
    struct iommufd_object *pt = iommufd_get_object(ucmd->ictx, cmd->pt_id, IOMMUFD_OBJ_ANY);
    if (!pt)
        return -ENOENT;
    int rc;
    switch (pt->type) {
    case IOMMUFD_OBJ_IOAS: {
        struct iommufd_hwpt_paging *hwpt;
        rc = hwpt_paging_alloc(ucmd, (struct iommufd_ioas *)pt, cmd->flags, cmd->data_len != 0, &hwpt);
        break;
    }
    case IOMMUFD_OBJ_VIOMMU:
        rc = hwpt_nested_alloc(ucmd, (struct iommufd_viommu *)pt, cmd);
        break;
    case IOMMUFD_OBJ_HWPT_PAGING:
        rc = -EOPNOTSUPP;   /* SMMUv3 nests only through a vIOMMU */
        break;
    default:
        rc = -EINVAL;
        break;
    }
    if (rc)
        return rc;
    /* No fault queues are modelled, so a fault_id never resolves. */
    if (cmd->flags & IOMMU_HWPT_FAULT_ID_VALID)
        return -ENOENT;
    cmd->out_hwpt_id = ucmd->new_obj->id;
    return 0;
}

/* ------------------------------------------------------------- attach */

static void ste_s2_part(const struct iommufd_hwpt_paging *hwpt, uint64_t ste[8])
{
    unsigned sl = s2_start_level();
    uint64_t sl0 = sl == 0 ? 2 : sl == 1 ? 1 : 0;
    ste[2] = hwpt->vmid | ((uint64_t)(64 - shim.smmu.ias_bits) << STE2_S2T0SZ_SHIFT) |
             (sl0 << STE2_S2SL0_SHIFT) | STE2_S2IR0_WB | STE2_S2OR0_WB | STE2_S2SH0_ISH |
             ((uint64_t)SIM_FIELD_EX32(shim.smmu.idr[5], IDR5, OAS) << STE2_S2PS_SHIFT) |
             STE2_S2AA64 | STE2_S2PTW | STE2_S2R;
    ste[3] = hwpt->s2_root & STE3_S2TTB_MASK;
}

static int device_build_ste(struct iommufd_device *idev, struct iommufd_object *pt, uint64_t ste[8])
{
    memset(ste, 0, 8 * sizeof(uint64_t));
    if (pt->type == IOMMUFD_OBJ_HWPT_PAGING) {
        ste[0] = STE0_V | ((uint64_t)STE_CFG_S2_TRANS << STE0_CFG_SHIFT);
        /* arm_smmu_make_s2_domain_ste: EATS = TRANS for an ATS-enabled master. */
        ste[1] = STE1_SHCFG_INCOMING | (idev->ats ? (uint64_t)STE1_EATS_TRANS << STE1_EATS_SHIFT : 0);
        ste_s2_part((struct iommufd_hwpt_paging *)pt, ste);
        return 0;
    }
    if (pt->type != IOMMUFD_OBJ_HWPT_NESTED)
        return pt->type == IOMMUFD_OBJ_IOAS ? -EOPNOTSUPP : -EINVAL;
    struct iommufd_hwpt_nested *n = (struct iommufd_hwpt_nested *)pt;
    unsigned cfg = (unsigned)(n->ste[0] >> STE0_CFG_SHIFT) & 7;
    if (!(n->ste[0] & STE0_V) || cfg == STE_CFG_ABORT) {
        ste[0] = STE0_V;    /* abort */
        return 0;
    }
    if (cfg == STE_CFG_S1_TRANS &&
        !(idev->vdev && idev->vdev->viommu == n->viommu))
        return -ENOENT;     /* the vSID lookup fails without a vdevice */
    ste[1] = STE1_SHCFG_INCOMING;
    ste_s2_part(n->viommu->hwpt, ste);
    if (cfg == STE_CFG_BYPASS) {
        ste[0] = STE0_V | ((uint64_t)STE_CFG_S2_TRANS << STE0_CFG_SHIFT);
        return 0;
    }
    ste[0] = (n->ste[0] & ~(7ull << STE0_CFG_SHIFT)) | ((uint64_t)STE_CFG_NESTED << STE0_CFG_SHIFT);
    /* MEV: the driver lets the SMMU merge a guest's repeated faults, so a
     * guest cannot flood the host event queue (arm_smmu_make_nested_cd_table_ste). */
    ste[1] |= n->ste[1] | STE1_MEV;
    return 0;
}

int iommufd_device_attach(struct iommufd_device *idev, struct iommufd_object *pt)
{
    uint64_t ste[8];
    int rc = device_build_ste(idev, pt, ste);
    if (rc)
        return rc;
    if ((rc = host_smmu_write_ste(idev->sid, ste)))
        return rc;
    pt->users++;
    if (idev->attached)
        idev->attached->users--;
    idev->attached = pt;
    idev->ste_written = true;
    return 0;
}

void iommufd_device_detach(struct iommufd_device *idev)
{
    if (idev->ste_written && shim.smmu.probed) {
        uint64_t ste[8] = { STE0_V };   /* blocked: abort */
        host_smmu_write_ste(idev->sid, ste);
    }
    idev->ste_written = false;
    if (idev->attached)
        idev->attached->users--;
    idev->attached = NULL;
}

void iommufd_device_destroy(struct iommufd_object *obj)
{
    struct iommufd_device *idev = (struct iommufd_device *)obj;
    if (idev->vdev)
        iommufd_vdevice_tombstone(idev->vdev);
    iommufd_device_detach(idev);
}

/* ------------------------------------------------------------ hw info */

static int hw_info_smmu(struct iommu_hw_info_arm_smmuv3 *info)
{
    memset(info, 0, sizeof(*info));
    for (unsigned i = 0; i < 6; i++)
        info->idr[i] = host_read32(shim.hw.smmu_base + A_IDR0 + 4 * i);
    info->iidr = host_read32(shim.hw.smmu_base + A_IIDR);
    info->aidr = host_read32(shim.hw.smmu_base + A_AIDR);
    return 0;
}

static int hw_info_cmdqv(struct iommu_hw_info_tegra241_cmdqv *info)
{
    if (!shim.cmdqv.probed)
        return -EOPNOTSUPP;
    uint32_t param = host_read32(shim.hw.cmdqv_base + A_CMDQV_PARAM);
    memset(info, 0, sizeof(*info));
    info->version = (uint8_t)SIM_FIELD_EX32(param, CMDQV_PARAM, VER);
    info->log2vcmdqs = (uint8_t)sim_msb64(shim.cmdqv.lvcmdqs_per_vintf);
    info->log2vsids = (uint8_t)sim_msb64(shim.cmdqv.sids_per_vintf);
    return 0;
}

int iommufd_get_hw_info_ioctl(struct iommufd_ucmd *ucmd)
{
    struct iommu_hw_info *cmd = ucmd->cmd;
    if (cmd->flags & ~(uint32_t)IOMMU_HW_INFO_FLAG_INPUT_TYPE)
        return -EOPNOTSUPP;
    if (!(cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE))
        cmd->in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;
    if (cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
        return -EOPNOTSUPP;
    if (!iommufd_get_object(ucmd->ictx, cmd->dev_id, IOMMUFD_OBJ_DEVICE))
        return -ENOENT;
    union {
        struct iommu_hw_info_arm_smmuv3 smmu;
        struct iommu_hw_info_tegra241_cmdqv cmdqv;
    } data;
    uint32_t data_len;
    int rc;
    if (cmd->in_data_type == IOMMU_HW_INFO_TYPE_DEFAULT ||
        cmd->in_data_type == IOMMU_HW_INFO_TYPE_ARM_SMMUV3) {
        rc = hw_info_smmu(&data.smmu);
        data_len = sizeof(data.smmu);
        cmd->out_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
    } else if (cmd->in_data_type == IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV) {
        rc = hw_info_cmdqv(&data.cmdqv);
        data_len = sizeof(data.cmdqv);
        cmd->out_data_type = IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV;
    } else {
        rc = -EOPNOTSUPP;
        data_len = 0;
    }
    if (rc)
        return rc;
    if (cmd->data_len && !cmd->data_uptr)
        return -EFAULT;
    uint8_t *user = (uint8_t *)(uintptr_t)cmd->data_uptr;
    uint32_t copy = MIN(cmd->data_len, data_len);
    if (copy)
        memcpy(user, &data, copy);
    if (copy < cmd->data_len)
        memset(user + copy, 0, cmd->data_len - copy);
    cmd->data_len = data_len;
    cmd->out_capabilities = 0;  /* no HTTU dirty tracking, no PASID */
    cmd->out_max_pasid_log2 = 0;
    return 0;
}
