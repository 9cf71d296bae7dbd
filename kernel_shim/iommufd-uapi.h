/*
 * iommufd-uapi.h — the iommufd user API, as of Linux v6.17.
 *
 * Same struct names, field order, sizes and constants as Linux v6.17
 * include/uapi/linux/iommufd.h for the subset the shim implements, written
 * from the facts in iommufd.md §2.1-§2.2.  A client written for the real
 * uAPI compiles against this header unchanged and runs with its
 * open/ioctl/mmap/munmap/close calls redirected to iommufd-shim.h.
 *
 * Every command is _IO(';', nr): direction NONE and a zero size field, so
 * the value is 0x3B00 | nr; the size of a request travels in its first u32
 * (iommufd.md §2.1).  Every size and field offset listed in iommufd.md
 * §2.2 is checked below with _Static_assert.
 */
#ifndef IOMMUFD_UAPI_H
#define IOMMUFD_UAPI_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef uint64_t __aligned_u64;
typedef uint64_t __aligned_le64;

#define IOMMUFD_TYPE (';')
#define IOMMUFD_IO(nr) ((unsigned long)((IOMMUFD_TYPE << 8) | (nr)))

enum {
    IOMMUFD_CMD_BASE = 0x80,
    IOMMUFD_CMD_DESTROY = IOMMUFD_CMD_BASE,
    IOMMUFD_CMD_IOAS_ALLOC = 0x81,
    IOMMUFD_CMD_IOAS_ALLOW_IOVAS = 0x82,
    IOMMUFD_CMD_IOAS_COPY = 0x83,
    IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
    IOMMUFD_CMD_IOAS_MAP = 0x85,
    IOMMUFD_CMD_IOAS_UNMAP = 0x86,
    IOMMUFD_CMD_OPTION = 0x87,
    IOMMUFD_CMD_VFIO_IOAS = 0x88,
    IOMMUFD_CMD_HWPT_ALLOC = 0x89,
    IOMMUFD_CMD_GET_HW_INFO = 0x8a,
    IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,
    IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,
    IOMMUFD_CMD_HWPT_INVALIDATE = 0x8d,
    IOMMUFD_CMD_FAULT_QUEUE_ALLOC = 0x8e,
    IOMMUFD_CMD_IOAS_MAP_FILE = 0x8f,
    IOMMUFD_CMD_VIOMMU_ALLOC = 0x90,
    IOMMUFD_CMD_VDEVICE_ALLOC = 0x91,
    IOMMUFD_CMD_IOAS_CHANGE_PROCESS = 0x92,
    IOMMUFD_CMD_VEVENTQ_ALLOC = 0x93,
    IOMMUFD_CMD_HW_QUEUE_ALLOC = 0x94,
};

#define IOMMU_DESTROY             IOMMUFD_IO(IOMMUFD_CMD_DESTROY)
#define IOMMU_IOAS_ALLOC          IOMMUFD_IO(IOMMUFD_CMD_IOAS_ALLOC)
#define IOMMU_IOAS_ALLOW_IOVAS    IOMMUFD_IO(IOMMUFD_CMD_IOAS_ALLOW_IOVAS)
#define IOMMU_IOAS_COPY           IOMMUFD_IO(IOMMUFD_CMD_IOAS_COPY)
#define IOMMU_IOAS_IOVA_RANGES    IOMMUFD_IO(IOMMUFD_CMD_IOAS_IOVA_RANGES)
#define IOMMU_IOAS_MAP            IOMMUFD_IO(IOMMUFD_CMD_IOAS_MAP)
#define IOMMU_IOAS_UNMAP          IOMMUFD_IO(IOMMUFD_CMD_IOAS_UNMAP)
#define IOMMU_OPTION              IOMMUFD_IO(IOMMUFD_CMD_OPTION)
#define IOMMU_VFIO_IOAS           IOMMUFD_IO(IOMMUFD_CMD_VFIO_IOAS)
#define IOMMU_HWPT_ALLOC          IOMMUFD_IO(IOMMUFD_CMD_HWPT_ALLOC)
#define IOMMU_GET_HW_INFO         IOMMUFD_IO(IOMMUFD_CMD_GET_HW_INFO)
#define IOMMU_HWPT_SET_DIRTY_TRACKING IOMMUFD_IO(IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING)
#define IOMMU_HWPT_GET_DIRTY_BITMAP   IOMMUFD_IO(IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP)
#define IOMMU_HWPT_INVALIDATE     IOMMUFD_IO(IOMMUFD_CMD_HWPT_INVALIDATE)
#define IOMMU_FAULT_QUEUE_ALLOC   IOMMUFD_IO(IOMMUFD_CMD_FAULT_QUEUE_ALLOC)
#define IOMMU_IOAS_MAP_FILE       IOMMUFD_IO(IOMMUFD_CMD_IOAS_MAP_FILE)
#define IOMMU_VIOMMU_ALLOC        IOMMUFD_IO(IOMMUFD_CMD_VIOMMU_ALLOC)
#define IOMMU_VDEVICE_ALLOC       IOMMUFD_IO(IOMMUFD_CMD_VDEVICE_ALLOC)
#define IOMMU_IOAS_CHANGE_PROCESS IOMMUFD_IO(IOMMUFD_CMD_IOAS_CHANGE_PROCESS)
#define IOMMU_VEVENTQ_ALLOC       IOMMUFD_IO(IOMMUFD_CMD_VEVENTQ_ALLOC)
#define IOMMU_HW_QUEUE_ALLOC      IOMMUFD_IO(IOMMUFD_CMD_HW_QUEUE_ALLOC)

/* ---- IOMMU_DESTROY ---- */
struct iommu_destroy {
    __u32 size;
    __u32 id;
};

/* ---- IOMMU_IOAS_ALLOC ---- */
struct iommu_ioas_alloc {
    __u32 size;
    __u32 flags;
    __u32 out_ioas_id;
};

/* ---- IOMMU_IOAS_MAP ---- */
enum iommufd_ioas_map_flags {
    IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
    IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
    IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

struct iommu_ioas_map {
    __u32 size;
    __u32 flags;
    __u32 ioas_id;
    __u32 __reserved;
    __aligned_u64 user_va;
    __aligned_u64 length;
    __aligned_u64 iova;
};

/* ---- IOMMU_IOAS_UNMAP ---- */
struct iommu_ioas_unmap {
    __u32 size;
    __u32 ioas_id;
    __aligned_u64 iova;
    __aligned_u64 length;
};

/* ---- IOMMU_OPTION ---- */
enum iommufd_option {
    IOMMU_OPTION_RLIMIT_MODE = 0,
    IOMMU_OPTION_HUGE_PAGES = 1,
};

enum iommufd_option_ops {
    IOMMU_OPTION_OP_SET = 0,
    IOMMU_OPTION_OP_GET = 1,
};

struct iommu_option {
    __u32 size;
    __u32 option_id;
    __u16 op;
    __u16 __reserved;
    __u32 object_id;
    __aligned_u64 val64;
};

/* ---- IOMMU_HWPT_ALLOC ---- */
enum iommufd_hwpt_alloc_flags {
    IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
    IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
    IOMMU_HWPT_FAULT_ID_VALID = 1 << 2,
    IOMMU_HWPT_ALLOC_PASID = 1 << 3,
};

enum iommu_hwpt_data_type {
    IOMMU_HWPT_DATA_NONE = 0,
    IOMMU_HWPT_DATA_VTD_S1 = 1,
    IOMMU_HWPT_DATA_ARM_SMMUV3 = 2,
};

/* The first two dwords of a guest STE (iommufd.md §2.2, §2.6). */
struct iommu_hwpt_arm_smmuv3 {
    __aligned_le64 ste[2];
};

struct iommu_hwpt_alloc {
    __u32 size;
    __u32 flags;
    __u32 dev_id;
    __u32 pt_id;
    __u32 out_hwpt_id;
    __u32 __reserved;
    __u32 data_type;
    __u32 data_len;
    __aligned_u64 data_uptr;
    __u32 fault_id;
    __u32 __reserved2;
};

/* ---- IOMMU_GET_HW_INFO ---- */
struct iommu_hw_info_arm_smmuv3 {
    __u32 flags;
    __u32 __reserved;
    __u32 idr[6];
    __u32 iidr;
    __u32 aidr;
};

/* log2vcmdqs: the uAPI text says the total VCMDQ count (PARAM[7:4]); the
 * v6.17 driver reports ilog2 of the per-VINTF count, and so does the shim
 * (iommufd.md §2.2). */
struct iommu_hw_info_tegra241_cmdqv {
    __u32 flags;
    __u8 version;
    __u8 log2vcmdqs;
    __u8 log2vsids;
    __u8 __reserved;
};

enum iommu_hw_info_type {
    IOMMU_HW_INFO_TYPE_NONE = 0,
    IOMMU_HW_INFO_TYPE_DEFAULT = 0,
    IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
    IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
    IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,
};

enum iommufd_hw_capabilities {
    IOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,
    IOMMU_HW_CAP_PCI_PASID_EXEC = 1 << 1,
    IOMMU_HW_CAP_PCI_PASID_PRIV = 1 << 2,
};

enum iommufd_hw_info_flags {
    IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0,
};

struct iommu_hw_info {
    __u32 size;
    __u32 flags;
    __u32 dev_id;
    __u32 data_len;
    __aligned_u64 data_uptr;
    union {
        __u32 in_data_type;
        __u32 out_data_type;
    };
    __u8 out_max_pasid_log2;
    __u8 __reserved[3];
    __aligned_u64 out_capabilities;
};

/* ---- IOMMU_HWPT_INVALIDATE ---- */
enum iommu_hwpt_invalidate_data_type {
    IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0,
    IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1,
};

struct iommu_viommu_arm_smmuv3_invalidate {
    __aligned_le64 cmd[2];
};

struct iommu_hwpt_invalidate {
    __u32 size;
    __u32 hwpt_id;
    __aligned_u64 data_uptr;
    __u32 data_type;
    __u32 entry_len;
    __u32 entry_num;
    __u32 __reserved;
};

/* ---- IOMMU_VIOMMU_ALLOC ---- */
enum iommu_viommu_type {
    IOMMU_VIOMMU_TYPE_DEFAULT = 0,
    IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1,
    IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV = 2,
};

struct iommu_viommu_tegra241_cmdqv {
    __aligned_u64 out_vintf_mmap_offset;
    __aligned_u64 out_vintf_mmap_length;
};

struct iommu_viommu_alloc {
    __u32 size;
    __u32 flags;
    __u32 type;
    __u32 dev_id;
    __u32 hwpt_id;
    __u32 out_viommu_id;
    __u32 data_len;
    __u32 __reserved;
    __aligned_u64 data_uptr;
};

/* ---- IOMMU_VDEVICE_ALLOC ---- */
struct iommu_vdevice_alloc {
    __u32 size;
    __u32 viommu_id;
    __u32 dev_id;
    __u32 out_vdevice_id;
    __aligned_u64 virt_id;
};

/* ---- IOMMU_VEVENTQ_ALLOC ---- */
enum iommu_veventq_flag {
    IOMMU_VEVENTQ_FLAG_LOST_EVENTS = 1U << 0,
};

struct iommufd_vevent_header {
    __u32 flags;
    __u32 sequence;
};

enum iommu_veventq_type {
    IOMMU_VEVENTQ_TYPE_DEFAULT = 0,
    IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1,
    IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2,
};

/* A raw copy of the VINTF's 128-bit LVCMDQ_ERR_MAP (cmdqv.md §5). */
struct iommu_vevent_tegra241_cmdqv {
    __aligned_le64 lvcmdq_err_map[2];
};

struct iommu_veventq_alloc {
    __u32 size;
    __u32 flags;
    __u32 viommu_id;
    __u32 type;
    __u32 veventq_depth;
    __u32 out_veventq_id;
    __u32 out_veventq_fd;
    __u32 __reserved;
};

/* ---- IOMMU_HW_QUEUE_ALLOC ---- */
enum iommu_hw_queue_type {
    IOMMU_HW_QUEUE_TYPE_DEFAULT = 0,
    IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV = 1,
};

struct iommu_hw_queue_alloc {
    __u32 size;
    __u32 flags;
    __u32 viommu_id;
    __u32 type;
    __u32 index;
    __u32 out_hw_queue_id;
    __aligned_u64 nesting_parent_iova;
    __aligned_u64 length;
};

/* ---- layout checks (iommufd.md §2.1, §2.2) ---- */
#define IOMMUFD_UAPI_AT(s, f, off) _Static_assert(offsetof(struct s, f) == (off), #s "." #f)
#define IOMMUFD_UAPI_SIZE(s, n) _Static_assert(sizeof(struct s) == (n), "sizeof " #s)

_Static_assert(IOMMU_DESTROY == 0x3B80, "IOMMU_DESTROY");
_Static_assert(IOMMU_IOAS_ALLOC == 0x3B81, "IOMMU_IOAS_ALLOC");
_Static_assert(IOMMU_IOAS_MAP == 0x3B85, "IOMMU_IOAS_MAP");
_Static_assert(IOMMU_IOAS_UNMAP == 0x3B86, "IOMMU_IOAS_UNMAP");
_Static_assert(IOMMU_HWPT_ALLOC == 0x3B89, "IOMMU_HWPT_ALLOC");
_Static_assert(IOMMU_GET_HW_INFO == 0x3B8A, "IOMMU_GET_HW_INFO");
_Static_assert(IOMMU_HWPT_INVALIDATE == 0x3B8D, "IOMMU_HWPT_INVALIDATE");
_Static_assert(IOMMU_VIOMMU_ALLOC == 0x3B90, "IOMMU_VIOMMU_ALLOC");
_Static_assert(IOMMU_VDEVICE_ALLOC == 0x3B91, "IOMMU_VDEVICE_ALLOC");
_Static_assert(IOMMU_VEVENTQ_ALLOC == 0x3B93, "IOMMU_VEVENTQ_ALLOC");
_Static_assert(IOMMU_HW_QUEUE_ALLOC == 0x3B94, "IOMMU_HW_QUEUE_ALLOC");

IOMMUFD_UAPI_SIZE(iommu_destroy, 8);
IOMMUFD_UAPI_AT(iommu_destroy, id, 4);

IOMMUFD_UAPI_SIZE(iommu_ioas_alloc, 12);
IOMMUFD_UAPI_AT(iommu_ioas_alloc, out_ioas_id, 8);

IOMMUFD_UAPI_SIZE(iommu_ioas_map, 40);
IOMMUFD_UAPI_AT(iommu_ioas_map, flags, 4);
IOMMUFD_UAPI_AT(iommu_ioas_map, ioas_id, 8);
IOMMUFD_UAPI_AT(iommu_ioas_map, __reserved, 12);
IOMMUFD_UAPI_AT(iommu_ioas_map, user_va, 16);
IOMMUFD_UAPI_AT(iommu_ioas_map, length, 24);
IOMMUFD_UAPI_AT(iommu_ioas_map, iova, 32);

IOMMUFD_UAPI_SIZE(iommu_ioas_unmap, 24);
IOMMUFD_UAPI_AT(iommu_ioas_unmap, ioas_id, 4);
IOMMUFD_UAPI_AT(iommu_ioas_unmap, iova, 8);
IOMMUFD_UAPI_AT(iommu_ioas_unmap, length, 16);

IOMMUFD_UAPI_SIZE(iommu_hwpt_alloc, 48);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, flags, 4);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, dev_id, 8);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, pt_id, 12);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, out_hwpt_id, 16);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, __reserved, 20);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, data_type, 24);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, data_len, 28);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, data_uptr, 32);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, fault_id, 40);
IOMMUFD_UAPI_AT(iommu_hwpt_alloc, __reserved2, 44);
IOMMUFD_UAPI_SIZE(iommu_hwpt_arm_smmuv3, 16);

IOMMUFD_UAPI_SIZE(iommu_hw_info, 40);
IOMMUFD_UAPI_AT(iommu_hw_info, flags, 4);
IOMMUFD_UAPI_AT(iommu_hw_info, dev_id, 8);
IOMMUFD_UAPI_AT(iommu_hw_info, data_len, 12);
IOMMUFD_UAPI_AT(iommu_hw_info, data_uptr, 16);
IOMMUFD_UAPI_AT(iommu_hw_info, in_data_type, 24);
IOMMUFD_UAPI_AT(iommu_hw_info, out_max_pasid_log2, 28);
IOMMUFD_UAPI_AT(iommu_hw_info, __reserved, 29);
IOMMUFD_UAPI_AT(iommu_hw_info, out_capabilities, 32);
IOMMUFD_UAPI_SIZE(iommu_hw_info_arm_smmuv3, 40);
IOMMUFD_UAPI_AT(iommu_hw_info_arm_smmuv3, idr, 8);
IOMMUFD_UAPI_AT(iommu_hw_info_arm_smmuv3, iidr, 32);
IOMMUFD_UAPI_AT(iommu_hw_info_arm_smmuv3, aidr, 36);
IOMMUFD_UAPI_SIZE(iommu_hw_info_tegra241_cmdqv, 8);
IOMMUFD_UAPI_AT(iommu_hw_info_tegra241_cmdqv, version, 4);
IOMMUFD_UAPI_AT(iommu_hw_info_tegra241_cmdqv, log2vcmdqs, 5);
IOMMUFD_UAPI_AT(iommu_hw_info_tegra241_cmdqv, log2vsids, 6);
IOMMUFD_UAPI_AT(iommu_hw_info_tegra241_cmdqv, __reserved, 7);

IOMMUFD_UAPI_SIZE(iommu_hwpt_invalidate, 32);
IOMMUFD_UAPI_AT(iommu_hwpt_invalidate, data_uptr, 8);
IOMMUFD_UAPI_AT(iommu_hwpt_invalidate, data_type, 16);
IOMMUFD_UAPI_AT(iommu_hwpt_invalidate, entry_len, 20);
IOMMUFD_UAPI_AT(iommu_hwpt_invalidate, entry_num, 24);
IOMMUFD_UAPI_SIZE(iommu_viommu_arm_smmuv3_invalidate, 16);

IOMMUFD_UAPI_SIZE(iommu_viommu_alloc, 40);
IOMMUFD_UAPI_AT(iommu_viommu_alloc, flags, 4);
IOMMUFD_UAPI_AT(iommu_viommu_alloc, type, 8);
IOMMUFD_UAPI_AT(iommu_viommu_alloc, dev_id, 12);
IOMMUFD_UAPI_AT(iommu_viommu_alloc, hwpt_id, 16);
IOMMUFD_UAPI_AT(iommu_viommu_alloc, out_viommu_id, 20);
IOMMUFD_UAPI_AT(iommu_viommu_alloc, data_len, 24);
IOMMUFD_UAPI_AT(iommu_viommu_alloc, __reserved, 28);
IOMMUFD_UAPI_AT(iommu_viommu_alloc, data_uptr, 32);
IOMMUFD_UAPI_SIZE(iommu_viommu_tegra241_cmdqv, 16);
IOMMUFD_UAPI_AT(iommu_viommu_tegra241_cmdqv, out_vintf_mmap_length, 8);

IOMMUFD_UAPI_SIZE(iommu_vdevice_alloc, 24);
IOMMUFD_UAPI_AT(iommu_vdevice_alloc, viommu_id, 4);
IOMMUFD_UAPI_AT(iommu_vdevice_alloc, dev_id, 8);
IOMMUFD_UAPI_AT(iommu_vdevice_alloc, out_vdevice_id, 12);
IOMMUFD_UAPI_AT(iommu_vdevice_alloc, virt_id, 16);

IOMMUFD_UAPI_SIZE(iommu_veventq_alloc, 32);
IOMMUFD_UAPI_AT(iommu_veventq_alloc, viommu_id, 8);
IOMMUFD_UAPI_AT(iommu_veventq_alloc, type, 12);
IOMMUFD_UAPI_AT(iommu_veventq_alloc, veventq_depth, 16);
IOMMUFD_UAPI_AT(iommu_veventq_alloc, out_veventq_id, 20);
IOMMUFD_UAPI_AT(iommu_veventq_alloc, out_veventq_fd, 24);
IOMMUFD_UAPI_SIZE(iommufd_vevent_header, 8);
IOMMUFD_UAPI_SIZE(iommu_vevent_tegra241_cmdqv, 16);

IOMMUFD_UAPI_SIZE(iommu_hw_queue_alloc, 40);
IOMMUFD_UAPI_AT(iommu_hw_queue_alloc, flags, 4);
IOMMUFD_UAPI_AT(iommu_hw_queue_alloc, viommu_id, 8);
IOMMUFD_UAPI_AT(iommu_hw_queue_alloc, type, 12);
IOMMUFD_UAPI_AT(iommu_hw_queue_alloc, index, 16);
IOMMUFD_UAPI_AT(iommu_hw_queue_alloc, out_hw_queue_id, 20);
IOMMUFD_UAPI_AT(iommu_hw_queue_alloc, nesting_parent_iova, 24);
IOMMUFD_UAPI_AT(iommu_hw_queue_alloc, length, 32);

#undef IOMMUFD_UAPI_AT
#undef IOMMUFD_UAPI_SIZE

#endif /* IOMMUFD_UAPI_H */
