/*
 * wl-internal.h — the actors behind workload.h.
 *
 * A vCPU (or host thread) runs operations; an operation is a list of
 * commands issued in chunks (issue_cmdlist): chunk boundaries every `batch`
 * commands, a CMD_SYNC after a chunk when it is the last one or ends on a
 * multiple of `sync_every`.  The VMM actor is one thread that serialises
 * every vCPU's traps on the emulated vSMMU CMDQ.
 */
#ifndef WL_INTERNAL_H
#define WL_INTERNAL_H

#include "sim/workload/workload.h"
#include "kernel_shim/guest/guest-smmu.h"

#define WL_HOST_LOCKS 130   /* the SMMU CMDQ + up to 128 LVCMDQs, and a spare */

enum wl_kind { WL_DMA_UNMAP, WL_INVAL_STORM, WL_DMA_TRAFFIC, WL_MIXED };
enum wl_path { WL_PATH_VCMDQ, WL_PATH_TRAPPED, WL_PATH_HOST_CMDQ, WL_PATH_HOST_VCMDQ };

/* Costs, in picoseconds, read once from the parameters. */
struct wl_costs {
    sim_time_t cmd_write, mmio_write, mmio_read, poll, sw_unmap, sw_page;
    sim_time_t vm_exit, trap_read, vmm_per_cmd, ioctl, host_submit, host_cmd_write,
        host_mmio_read, host_poll;
    sim_time_t timeout;
    unsigned cmds_per_ioctl;    /* commands the VMM relays per IOMMU_HWPT_INVALIDATE */
    sim_time_t guest_insert, host_insert;   /* holding a queue's insertion point */
};

/* Where time went (ps), summed over actors. */
struct wl_breakdown {
    uint64_t guest_sw, cmd_write, mmio, trap, vmm, host_queue, poll_wait, space_wait, queue_lock;
};

struct wl_counters {
    uint64_t ops, cmds, syncs, prod_writes, traps, polls, full_waits, errors_recovered,
        vmm_ioctls, vmm_eagain, tlbi_per_page, tlbi_range, tlbi_asid;
};

enum wl_state {
    WL_ST_START, WL_ST_ISSUE, WL_ST_TRAPPED, WL_ST_POLL, WL_ST_DONE,
};

struct workload;
struct wl_dma;

struct wl_vcpu {
    struct workload *w;
    unsigned id;
    struct sim_event ev;
    int st;                     /* enum wl_state or an actor-private state */
    struct guest_cmdq *q;       /* guest paths */
    int host_queue;             /* host paths: -1 SMMU CMDQ, else LVCMDQ */
    unsigned qidx;              /* LVCMDQ paths: the queue's index, for queue_cmds */
    uint64_t iter;
    sim_time_t op_start;
    uint64_t *cmds;             /* the operation's commands */
    unsigned cap, n, next;      /* capacity, count, next to issue */
    uint64_t issued;            /* commands issued over every operation */
    bool wait_sync;             /* the chunk just published ends in CMD_SYNC */
    uint32_t target;            /* guest paths: PROD after that CMD_SYNC */
    uint64_t ticket;            /* host paths */
    uint64_t iova;
};

struct wl_vmm {
    struct workload *w;
    struct sim_event ev;
    struct wl_vcpu **waiting;   /* FIFO of trapped vCPUs */
    unsigned head, count, size;
    struct wl_vcpu *cur;
    int cur_state;
    bool busy, pending_err;
    /* the emulated vSMMU CMDQ registers */
    uint32_t prod, cons, cons_err, gerror, gerrorn;
    struct guest_cmdq *q;
    uint64_t *relay;            /* converted-to-be commands, one queue's worth */
    uint32_t *relay_idx;        /* guest queue index of each */
    unsigned relay_n, relay_done;
    uint32_t relay_end;         /* guest PROD the relay covers */
    uint64_t ticket;
};

struct workload {
    struct sim_machine *m;
    enum wl_kind kind;
    enum wl_path path;
    char *name;
    unsigned threads;
    unsigned queues_arg;        /* queues=N: LVCMDQs used (0 = the default) */
    uint64_t iterations, granule, think, inject_bad, batch, sync_every;
    unsigned page_shift, vcmdq_log2;
    bool ril;
    struct wl_costs c;
    /* run state */
    int fd;
    void *ram;
    size_t ram_size;
    void *page0;
    size_t page0_len;
    uint32_t vmm_viommu_id;
    unsigned nqueues;
    struct guest_cmdq *queues;
    struct wl_vcpu *vcpus;
    struct wl_vmm vmm;
    unsigned running;
    bool failed;
    char *fail_msg;
    sim_time_t t_start, t_end;
    /* results */
    struct sim_hist latency;
    struct wl_breakdown bd;
    struct wl_counters ct;
    /* When each queue's insertion point is free: [0..] guest LVCMDQs (or the
     * emulated queue), [WL_HOST_LOCKS..] the SMMU CMDQ then VINTF0's LVCMDQs. */
    sim_time_t qlock[2 * WL_HOST_LOCKS];
    uint64_t *queue_cmds;       /* LVCMDQ paths: commands per LVCMDQ (nqueues) */
    /* dma_traffic and mixed: the DMA side (dma.c); mixed: the invalidating
     * side runs as `sub`, a dma_unmap or inval_storm workload */
    struct wl_dma *dma;
    struct workload *sub;
    /* Host paths inside mixed: invalidate the DMA domain's stage-2 entries
     * (TLBI_S2_IPA of s2_vmid) over [s2_base, s2_base + s2_size). */
    bool s2_inval;
    uint16_t s2_vmid;
    uint64_t s2_base, s2_size;
    bool stats_registered;
};

/* actors.c */
void wl_vcpu_init(struct wl_vcpu *v, struct workload *w, unsigned id);
void wl_vcpu_start(struct wl_vcpu *v);
void wl_vcpu_destroy(struct wl_vcpu *v);
void wl_vmm_init(struct wl_vmm *vmm, struct workload *w, struct guest_cmdq *q);
void wl_vmm_destroy(struct wl_vmm *vmm);
extern const struct guest_cmdq_ops wl_vsmmu_ops;
/* dma.c: dma_traffic.  Parse one argument (key without any "dma."
 * prefix); set up the buffer, the paging domain and the endpoints (the
 * shim is attached and probed); start; tear down; results. */
struct wl_dma *wl_dma_new(struct workload *w);
void wl_dma_free(struct wl_dma *d);
gboolean wl_dma_parse(struct wl_dma *d, const char *kv, const char *key, const char *val,
                      GError **err);
gboolean wl_dma_check(struct wl_dma *d, GError **err);
gboolean wl_dma_setup(struct wl_dma *d, GError **err);
void wl_dma_start(struct wl_dma *d);
bool wl_dma_running(const struct wl_dma *d);
void wl_dma_finish(struct wl_dma *d);
void wl_dma_teardown(struct wl_dma *d);
void wl_dma_register_stats(struct wl_dma *d, const char *prefix);
void wl_dma_print_summary(const struct wl_dma *d, FILE *out);
const struct sim_hist *wl_dma_latency(const struct wl_dma *d);
/* The domain's VMID and IOVA range, for invalidating its pages. */
void wl_dma_domain(const struct wl_dma *d, uint16_t *vmid, uint64_t *base, uint64_t *size);

/* workload.c helpers shared with dma.c */
gboolean wl_arg_error(GError **err, const char *kv, const char *why);
gboolean wl_parse_u64_arg(const char *kv, const char *val, uint64_t min, uint64_t max,
                          uint64_t *out, GError **err);
gboolean wl_shim_fail(GError **err, const char *what);

/* Stop the run with a message (first failure wins). */
void wl_fail(struct workload *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif /* WL_INTERNAL_H */
