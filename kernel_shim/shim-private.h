/*
 * shim-private.h — internal contract of the iommufd shim.
 *
 * The object model follows Linux iommufd (iommufd.md, style.md §4):
 *   - every object embeds struct iommufd_object as its first member
 *     {type, id, users}; ids come from 1, lowest free first (the xarray
 *     analogue), reserved at allocation and published at finalisation;
 *   - a child holds a `users` reference on each parent it depends on, and
 *     IOMMU_DESTROY succeeds only when users == 1 (else EBUSY);
 *   - per-type behaviour is the const table iommufd_object_ops[];
 *   - objects created by an ioctl are allocated through the ucmd, and the
 *     dispatcher finalises them when the handler returns 0 and destroys
 *     them otherwise, so a handler has no unwind code for its own object;
 *     destroy functions therefore accept partially initialised objects.
 *
 * Kernel-logic errors are negative errno values inside the shim; the public
 * entry points turn them into -1 + errno.
 */
#ifndef SHIM_PRIVATE_H
#define SHIM_PRIVATE_H

#include <errno.h>
#include <glib.h>
#include "kernel_shim/iommufd-shim.h"
#include "sim/trace.h"

/* ---------------------------------------------------------------- state */

enum shim_mmap_rules { SHIM_MMAP_SEED = 0, SHIM_MMAP_V617 = 1 };
enum shim_pin_layout { SHIM_PIN_CONTIGUOUS = 0, SHIM_PIN_SCATTERED = 1, SHIM_PIN_HUGE2M = 2 };

/* A first-fit allocator over one simulated physical range. */
struct shim_pa_range {
    uint64_t base, size;
    GArray *free;           /* struct shim_pa_extent, sorted, merged */
};
struct shim_pa_extent { uint64_t start, end; };   /* [start, end) */

void shim_pa_range_init(struct shim_pa_range *r, uint64_t base, uint64_t size);
void shim_pa_range_destroy(struct shim_pa_range *r);
/* 0 on failure (0 is never a valid allocation: ranges never start at 0). */
uint64_t shim_pa_alloc(struct shim_pa_range *r, uint64_t size, uint64_t align);
void shim_pa_free(struct shim_pa_range *r, uint64_t pa, uint64_t size);

/* A command queue the host driver produces into: the SMMU CMDQ or an
 * LVCMDQ of VINTF0 (host-cmdq.c). */
struct host_cmdq {
    uint64_t base;              /* PA of the entries */
    unsigned log2;
    uint64_t prod_reg, cons_reg, gerror_reg, gerrorn_reg;
    uint32_t prod;              /* the driver's copy of PROD */
    uint32_t cons;              /* CONS.RD as last read */
    uint64_t submitted;         /* entries ever written (ticket sequence) */
    uint64_t cmds, syncs;       /* entries written, CMD_SYNCs awaited or submitted */
};

/* Host SMMU driver state (arm-smmu-v3 analogue). */
struct host_smmu {
    bool probed;
    uint32_t idr[6], iidr, aidr;
    unsigned sid_bits, ssid_bits, oas_bits, ias_bits;
    unsigned cmdq_log2, evtq_log2;
    bool s1p, s2p, two_level, ats, vmid16, ril;
    uint64_t strtab;            /* linear table or L1 table */
    unsigned strtab_log2;       /* LOG2SIZE programmed */
    unsigned l1_entries;        /* 2-level only */
    uint64_t *l2;               /* PA of each L2 table, 0 = none */
    uint64_t cmdq, evtq;
    struct host_cmdq q;         /* the SMMU CMDQ */
    uint8_t vmid_used[65536 / 8];
};

#define CMDQV_MAX_VINTFS_SHIM 64

/* Host CMDQV driver state (tegra241-cmdqv analogue). */
struct host_cmdqv {
    bool present, probed;
    uint32_t param;
    unsigned num_vintfs, num_vcmdqs, lvcmdqs_per_vintf, sids_per_vintf;
    uint64_t vintf_used;        /* bit i: VINTF i allocated (0 = host) */
    uint64_t *host_q;           /* VINTF0 LVCMDQ memory */
    struct host_cmdq *host_lvcmdq;  /* VINTF0 LVCMDQs, lvcmdqs_per_vintf of them */
    uint64_t lvcmdq_mapped[CMDQV_MAX_VINTFS_SHIM][2];  /* bit l: LVCMDQ l mapped */
};

struct shim_state {
    bool have_hw;
    struct iommufd_shim_hw hw;
    /* parameters */
    enum shim_mmap_rules mmap_rules;
    enum shim_pin_layout pin_layout;
    unsigned page_shift;
    uint64_t page_size;
    sim_time_t poll_interval, cmdq_poll_interval, poll_timeout, relax;
    unsigned cmdq_log2_param, evtq_log2_param;
    /* host physical memory */
    struct shim_pa_range host_mem;
    struct shim_pa_range pin_mem;
    struct host_smmu smmu;
    struct host_cmdqv cmdqv;
    /* failure injection */
    unsigned fail_nth, fail_hits;
};

extern struct shim_state shim;

/* The n-th fallible step fails (iommufd_should_fail analogue). */
bool shim_should_fail(void);

/* -------------------------------------------------------------- objects */

enum iommufd_object_type {
    IOMMUFD_OBJ_NONE,
    IOMMUFD_OBJ_ANY,
    IOMMUFD_OBJ_DEVICE,
    IOMMUFD_OBJ_IOAS,
    IOMMUFD_OBJ_HWPT_PAGING,
    IOMMUFD_OBJ_HWPT_NESTED,
    IOMMUFD_OBJ_VIOMMU,
    IOMMUFD_OBJ_VDEVICE,
    IOMMUFD_OBJ_HW_QUEUE,
    IOMMUFD_OBJ_VEVENTQ,
    IOMMUFD_OBJ_MAX,
};

struct iommufd_ctx;

struct iommufd_object {
    enum iommufd_object_type type;
    uint32_t id;
    unsigned users;
    bool finalized;
    struct iommufd_ctx *ictx;
};

struct iommufd_object_ops {
    const char *name;
    void (*destroy)(struct iommufd_object *obj);
};
extern const struct iommufd_object_ops iommufd_object_ops[IOMMUFD_OBJ_MAX];

/* An mmap region (iommufd.md §1.1): the maple-tree entry analogue. */
struct iommufd_mmap {
    struct iommufd_object *owner;
    uint64_t start;         /* v6.17: byte offset; seed: region index */
    uint64_t mmio_addr;
    uint64_t length;
};

struct iommufd_ctx {
    GHashTable *objects;    /* id -> struct iommufd_object * (or the tombstone) */
    GPtrArray *mmaps;       /* struct iommufd_mmap *, sorted by start */
    unsigned refs;          /* the descriptor + every live mapping */
    bool fd_open;
};

/* Placeholder left at a vdevice's id when its device went away first
 * (iommufd.md §2.5): lookups and DESTROY see ENOENT until close. */
extern struct iommufd_object iommufd_tombstone;

void *iommufd_object_alloc(struct iommufd_ctx *ictx, size_t size, enum iommufd_object_type type,
                           int *err);
void iommufd_object_finalize(struct iommufd_object *obj);
void iommufd_object_abort_and_destroy(struct iommufd_object *obj);
/* Lookup of a published object; type IOMMUFD_OBJ_ANY matches every type.
 * Takes no reference (the shim is single-threaded). NULL = ENOENT. */
struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, uint32_t id,
                                          enum iommufd_object_type type);
void iommufd_ctx_put(struct iommufd_ctx *ictx);

/* ---------------------------------------------------------------- ucmd */

struct iommufd_ucmd {
    struct iommufd_ctx *ictx;
    void *cmd;                      /* kernel copy of the request */
    struct iommufd_object *new_obj; /* finalised on success, destroyed on error */
    bool respond_always;            /* copy the request back even on error */
};
void *iommufd_object_alloc_ucmd(struct iommufd_ucmd *ucmd, size_t size,
                                enum iommufd_object_type type, int *err);

/* Copy helpers with the copy_struct_from_user contract (NULL -> EFAULT). */
int shim_copy_struct_from_user(void *dst, size_t ksize, const void *src, size_t usize);

/* ----------------------------------------------------------------- IOAS */

struct iopt_area {
    uint64_t iova, length;
    uint8_t *uptr;
    int prot;
    unsigned num_locks;     /* internal accesses pinning it: unmap -> EBUSY */
    unsigned pin_users;     /* domains + accesses holding its frames */
    uint64_t *pa;           /* host PA of each page while pinned */
};

struct iommufd_ioas {
    struct iommufd_object obj;
    GPtrArray *areas;       /* struct iopt_area *, sorted by iova */
    GPtrArray *domains;     /* struct iommufd_hwpt_paging * filled from it */
    bool disable_large_pages;   /* IOMMU_OPTION_HUGE_PAGES = 0: PAGE_SIZE mappings only */
};

/* An internal access (iommufd_access analogue): pins [iova, iova+len). */
struct iommufd_access {
    struct iommufd_ioas *ioas;
    uint64_t iova, length;
    bool pinned;
};

struct iopt_area *iopt_find_area(struct iommufd_ioas *ioas, uint64_t iova);
int iopt_area_pin(struct iopt_area *area);
void iopt_area_unpin(struct iopt_area *area);
/* Pin [iova, iova + length) for an access; -ENOENT if not fully mapped;
 * on success every page's PA is available through iopt_iova_to_pa. */
int iommufd_access_pin(struct iommufd_access *acc, struct iommufd_ioas *ioas, uint64_t iova,
                       uint64_t length);
void iommufd_access_unpin(struct iommufd_access *acc);
/* PA of a pinned IOVA, 0 if not pinned. */
uint64_t iopt_iova_to_pa(struct iommufd_ioas *ioas, uint64_t iova);

int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_ioas_unmap_ioctl(struct iommufd_ucmd *ucmd);
/* IOMMU_OPTION: HUGE_PAGES per IOAS; RLIMIT_MODE is not modelled (EOPNOTSUPP). */
int iommufd_option_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_ioas_destroy(struct iommufd_object *obj);

/* ----------------------------------------------------------------- HWPT */

struct iommufd_device {
    struct iommufd_object obj;
    uint32_t sid;
    struct iommufd_object *attached;    /* a HWPT, users held */
    struct iommufd_vdevice *vdev;
    bool ste_written;
    bool ats;       /* ATS enabled at the function and implemented by the SMMU */
};

struct iommufd_hwpt_paging {
    struct iommufd_object obj;
    struct iommufd_ioas *ioas;
    bool nest_parent;
    uint16_t vmid;
    bool vmid_valid;
    uint64_t s2_root;       /* PA of the start-level table, 0 = none */
    GArray *s2_tables;      /* uint64_t PAs of every table page */
    bool filled;            /* pinned and mapped every IOAS area */
};

struct iommufd_hwpt_nested {
    struct iommufd_object obj;
    struct iommufd_viommu *viommu;
    uint64_t ste[2];
};

int iommufd_hwpt_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_get_hw_info_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_hwpt_paging_destroy(struct iommufd_object *obj);
void iommufd_hwpt_nested_destroy(struct iommufd_object *obj);
void iommufd_device_destroy(struct iommufd_object *obj);
/* IOAS changes reaching the stage-2 tables of its domains. */
int hwpt_paging_map_area(struct iommufd_hwpt_paging *hwpt, struct iopt_area *area);
void hwpt_paging_unmap_area(struct iommufd_hwpt_paging *hwpt, struct iopt_area *area);
int iommufd_device_attach(struct iommufd_device *idev, struct iommufd_object *pt);
void iommufd_device_detach(struct iommufd_device *idev);

/* -------------------------------------------------------------- vIOMMU */

#define SHIM_MAX_LVCMDQS 128u

struct iommufd_viommu {
    struct iommufd_object obj;
    uint32_t type;
    struct iommufd_hwpt_paging *hwpt;
    uint16_t vmid;
    GHashTable *vdevs;                  /* virt_id (uint64 key) -> vdevice */
    struct iommufd_veventq *veventq[3]; /* by iommu_veventq_type */
    /* TEGRA241_CMDQV */
    bool tegra;
    int vintf;                          /* -1 until allocated */
    bool vintf_hw;                      /* hardware initialised */
    bool has_mmap;
    uint64_t mmap_offset;
    uint32_t sid_slots;                 /* bit s: SID pair s in use */
    struct iommufd_hw_queue *lvcmdq[SHIM_MAX_LVCMDQS];
    uint64_t reported_err_map[2];
};

struct iommufd_vdevice {
    struct iommufd_object obj;
    struct iommufd_viommu *viommu;
    struct iommufd_device *idev;
    uint64_t virt_id;
    bool in_xarray;
    int sid_slot;                       /* Tegra SID pair, -1 none */
};

struct iommufd_hw_queue {
    struct iommufd_object obj;
    struct iommufd_viommu *viommu;
    struct iommufd_access access;
    uint32_t type, index;
    uint64_t base_addr, length, base_pa;
    bool hw_mapped;
    struct iommufd_hw_queue *prev;      /* dependency (users held) */
};

struct shim_vevent {
    struct iommufd_vevent_header hdr;
    uint32_t data_len;
    uint8_t data[16];
};

struct iommufd_veventq {
    struct iommufd_object obj;
    struct iommufd_viommu *viommu;
    uint32_t type, depth;
    GQueue deliver;                     /* struct shim_vevent * */
    unsigned num_events;
    uint32_t sequence;
    struct shim_vevent lost;            /* the LOST_EVENTS header */
    bool lost_queued;
    int fd;                             /* -1 once closed */
};

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_invalidate_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_veventq_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_viommu_destroy(struct iommufd_object *obj);
void iommufd_vdevice_destroy(struct iommufd_object *obj);
void iommufd_hw_queue_destroy(struct iommufd_object *obj);
void iommufd_veventq_destroy(struct iommufd_object *obj);
/* vSID -> physical SID through the vIOMMU's vdevices. */
int iommufd_viommu_vsid_to_sid(struct iommufd_viommu *viommu, uint64_t vsid, uint32_t *sid);
/* Device removal: destroy its vdevice and leave a tombstone at its id. */
void iommufd_vdevice_tombstone(struct iommufd_vdevice *vdev);
/* Post error events of every Tegra vIOMMU of ictx (called at each sync). */
void iommufd_viommu_poll_errors(struct iommufd_ctx *ictx);
/* ... for every open iommufd. */
void shim_poll_events(void);
/* Queue one vEVENT (or the LOST_EVENTS header when full). */
void iommufd_veventq_report(struct iommufd_veventq *q, const void *data, uint32_t len);
ssize_t iommufd_veventq_read(struct iommufd_veventq *q, void *buf, size_t len);
void iommufd_veventq_fd_closed(struct iommufd_veventq *q);
int shim_file_new_veventq(struct iommufd_veventq *q);

/* ---------------------------------------------------------------- mmap */

/* _iommufd_alloc_mmap / _iommufd_destroy_mmap (iommufd.md §1.2). */
int iommufd_alloc_mmap(struct iommufd_ctx *ictx, struct iommufd_object *owner,
                       uint64_t mmio_addr, uint64_t length, uint64_t *offset);
void iommufd_destroy_mmap(struct iommufd_ctx *ictx, struct iommufd_object *owner,
                          uint64_t offset);
void *shim_mmap(struct iommufd_ctx *ictx, size_t len, int prot, int flags, off_t offset, int *err);
int shim_munmap(void *addr, size_t len);
/* Push user stores to the device and refresh every mapping. */
void shim_sync_mappings(void);
unsigned shim_live_mappings(void);
void shim_mappings_drop_all(void);

/* ---------------------------------------------------------- host driver */

/* MMIO as the host CPU does it: each access costs the bus latency. */
uint32_t host_read32(uint64_t addr);
void host_write32(uint64_t addr, uint32_t v);
void host_write64(uint64_t addr, uint64_t v);
/* Advance simulated time by dt (runs the scheduler). */
void host_delay(sim_time_t dt);
/* Poll (reg & mask) == want every shim.poll_interval_ns; -ETIMEDOUT. */
int host_poll32(uint64_t addr, uint32_t mask, uint32_t want);

void host_cmdq_init(struct host_cmdq *q, uint64_t base, unsigned log2, uint64_t prod_reg,
                    uint64_t cons_reg, uint64_t gerror_reg);
/* Blocking issue (timed accesses, runs the scheduler); with `sync`, append
 * CMD_SYNC (CS_NONE) and wait until CONS passes it.  0 or -ETIMEDOUT. */
int host_cmdq_issue(struct host_cmdq *q, const uint64_t *cmds, unsigned n, bool sync);
/* Non-blocking: write n commands (+ CMD_SYNC) and publish PROD at the
 * current time, or -EAGAIN when they do not all fit now (-EINVAL when they
 * never could).  *seq is the ticket to poll for. */
int host_cmdq_submit(struct host_cmdq *q, const uint64_t *cmds, unsigned n, bool sync,
                     uint64_t *seq);
/* Non-blocking: read CONS (handling an error) and tell whether every entry
 * up to the ticket was consumed.  -EINVAL for a ticket never given out. */
int host_cmdq_poll(struct host_cmdq *q, uint64_t seq, bool *done);
/* Free entries after a fresh (untimed) CONS read. */
uint32_t host_cmdq_space(struct host_cmdq *q);
/* Public tickets name their queue: bits 63:56 hold 0 for the SMMU CMDQ
 * (queue -1) or 1 + the VINTF0 LVCMDQ index; bits 55:0 the sequence. */
#define HOST_TICKET_SEQ_BITS 56
static inline uint64_t host_cmdq_ticket(int queue, uint64_t seq)
{
    return ((uint64_t)(queue + 1) << HOST_TICKET_SEQ_BITS) |
           (seq & ((1ull << HOST_TICKET_SEQ_BITS) - 1));
}
/* The queue a ticket or queue number names, NULL if none. */
struct host_cmdq *host_cmdq_by_ticket(uint64_t ticket);
struct host_cmdq *host_cmdq_by_queue(int queue);
int iommufd_hwpt_invalidate_submit(struct iommufd_ucmd *ucmd, uint64_t *ticket);

int host_smmu_probe(void);
void host_smmu_remove(void);
/* Issue commands on the SMMU CMDQ; with `sync`, append CMD_SYNC (CS_NONE)
 * and wait in simulated time until CONS passes it.  cmds holds n commands
 * as 2n little-endian dwords. */
int host_smmu_issue(const uint64_t *cmds, unsigned n, bool sync);
int host_smmu_sync(void);
int host_smmu_vmid_alloc(uint16_t *vmid);
void host_smmu_vmid_free(uint16_t vmid);
/* Make the STE of `sid` exist (2-level: its L2 table) and hold `ste`;
 * issues CFGI_STE + CMD_SYNC. */
int host_smmu_write_ste(uint32_t sid, const uint64_t ste[8]);
int host_smmu_prepare_sid(uint32_t sid);
bool host_smmu_sid_valid(uint32_t sid);

int host_cmdqv_probe(void);
void host_cmdqv_remove(void);
int host_cmdqv_vintf_alloc(uint16_t vmid, int *idx);
void host_cmdqv_vintf_free(int idx);
uint64_t host_cmdqv_vintf_page0(int idx);
int host_cmdqv_sid_attach(int vintf, int slot, uint32_t psid, uint32_t vsid);
void host_cmdqv_sid_detach(int vintf, int slot);
void host_cmdqv_lvcmdq_map(int vintf, unsigned lidx, uint64_t base_pa, uint64_t length);
void host_cmdqv_lvcmdq_unmap(int vintf, unsigned lidx);
void host_cmdqv_read_err_map(int vintf, uint64_t map[2]);
/* Is LVCMDQ lidx of the VINTF whose page0 holds `mmio` mapped? */
bool host_cmdqv_lvcmdq_live(uint64_t page0_mmio, unsigned lidx);

#endif /* SHIM_PRIVATE_H */
