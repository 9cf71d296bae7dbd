/*
 * workload.c — workload arguments, parameters, setup through the iommufd
 * shim, the run, and the results (workload.h, docs/workloads.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "sim/workload/wl-internal.h"
#include "kernel_shim/iommufd-shim.h"
#include "kernel_shim/guest/guest-cmdqv.h"
#include "models/smmuv3/smmuv3-queue.h"

G_DEFINE_QUARK(workload-error-quark, workload_error)

#define GUEST_IOVA_QUEUES 0x0ull            /* guest RAM: queues first */

static const struct sim_param_def workload_params[] = {
    { "guest.cmd_write_ns", SIM_PARAM_U64, "5", "ns",
      "guest driver: write one 16-byte command into the queue in guest RAM", 0, 1000000, NULL },
    { "guest.mmio_write_ns", SIM_PARAM_U64, "200", "ns",
      "guest: one posted MMIO write to the mapped VCMDQ page (PROD, GERRORN)", 0, 1000000, NULL },
    { "guest.mmio_read_ns", SIM_PARAM_U64, "700", "ns",
      "guest: one MMIO read round trip on the mapped VCMDQ page (CONS, GERROR)", 0, 1000000, NULL },
    { "guest.poll_ns", SIM_PARAM_U64, "100", "ns",
      "guest driver: back-off between two CONS reads in a poll loop", 0, 1000000, NULL },
    { "guest.sw_unmap_ns", SIM_PARAM_U64, "2000", "ns",
      "guest software per unmap (IOVA free, DMA API, driver entry)", 0, 100000000, NULL },
    { "guest.sw_page_ns", SIM_PARAM_U64, "30", "ns",
      "guest software per unmapped page (page-table clear)", 0, 1000000, NULL },
    { "guest.vcmdq_log2", SIM_PARAM_U64, "8", "log2 entries",
      "entries of each guest command queue (LVCMDQ or emulated vSMMU CMDQ)", 2, 19, NULL },
    { "guest.ril", SIM_PARAM_BOOL, "false", "",
      "the guest driver uses range invalidation (SMMU_IDR3.RIL reported)", 0, 0, NULL },
    { "vmm.vm_exit_ns", SIM_PARAM_U64, "15000", "ns",
      "VM exit + VMM dispatch + VM entry for one trapped MMIO write", 0, 100000000, NULL },
    { "vmm.mmio_read_trap_ns", SIM_PARAM_U64, "5000", "ns",
      "one trapped guest MMIO read of the emulated vSMMU (CONS, GERROR)", 0, 100000000, NULL },
    { "vmm.per_cmd_ns", SIM_PARAM_U64, "500", "ns",
      "VMM: read and decode one guest command from the emulated queue", 0, 100000000, NULL },
    { "vmm.ioctl_ns", SIM_PARAM_U64, "2000", "ns",
      "one IOMMU_HWPT_INVALIDATE call (syscall, copy, conversion) excluding the wait", 0,
      100000000, NULL },
    { "vmm.cmds_per_ioctl", SIM_PARAM_U64, "63", "commands",
      "commands the VMM relays per IOMMU_HWPT_INVALIDATE; each call waits for its host CMD_SYNC "
      "(1 = forwarding one command at a time, as QEMU's accelerated vSMMU does)", 1, 4096, NULL },
    { "guest.cmdq_insert_ns", SIM_PARAM_U64, "60", "ns",
      "holding a queue's insertion point per chunk (slot reservation + PROD ownership); vCPUs "
      "sharing a queue serialise on it", 0, 100000000, NULL },
    { "host.cmdq_insert_ns", SIM_PARAM_U64, "60", "ns",
      "holding a host queue's insertion point per chunk; threads sharing a queue serialise on it",
      0, 100000000, NULL },
    { "host.submit_ns", SIM_PARAM_U64, "300", "ns",
      "host driver: one command-list insertion (lock, PROD publish)", 0, 100000000, NULL },
    { "host.cmd_write_ns", SIM_PARAM_U64, "5", "ns",
      "host driver: write one command into a host queue", 0, 1000000, NULL },
    { "host.mmio_read_ns", SIM_PARAM_U64, "700", "ns",
      "host: one CONS read while waiting for a CMD_SYNC", 0, 1000000, NULL },
    { "host.poll_ns", SIM_PARAM_U64, "100", "ns",
      "host: back-off between two CONS reads", 0, 1000000, NULL },
    { "workload.op_timeout_us", SIM_PARAM_U64, "1000000", "us",
      "an operation not complete after this long stops the run (ARM_SMMU_POLL_TIMEOUT_US)", 1, 0,
      NULL },
};

gboolean workload_declare_params(struct sim_params *p, GError **err)
{
    return sim_params_declare(p, workload_params, G_N_ELEMENTS(workload_params), err);
}

struct sim_params *sim_all_params_new(GError **err)
{
    struct sim_params *p = sim_machine_params_new(err);
    if (p && !workload_declare_params(p, err)) {
        sim_params_free(p);
        return NULL;
    }
    return p;
}

/* ---------------------------------------------------------------- args */

static gboolean parse_time(const char *s, uint64_t *ps)
{
    char *end;
    errno = 0;
    uint64_t v = g_ascii_strtoull(s, &end, 10);
    if (errno || end == s)
        return FALSE;
    uint64_t mul = !*end || !strcmp(end, "ns") ? 1000ull : !strcmp(end, "us") ? 1000000ull
                   : !strcmp(end, "ms") ? 1000000000ull : !strcmp(end, "ps") ? 1ull : 0;
    if (!mul || v > UINT64_MAX / mul)
        return FALSE;
    *ps = v * mul;
    return TRUE;
}

gboolean wl_arg_error(GError **err, const char *kv, const char *why)
{
    g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS, "workload argument '%s': %s", kv, why);
    return FALSE;
}

gboolean wl_parse_u64_arg(const char *kv, const char *val, uint64_t min, uint64_t max,
                          uint64_t *out, GError **err)
{
    if (!sim_parse_u64(val, out) || *out < min || *out > max)
        return wl_arg_error(err, kv, "not a number in range");
    return TRUE;
}

static gboolean parse_arg(struct workload *w, const char *kv, GError **err)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return wl_arg_error(err, kv, "expected key=value");
    g_autofree char *key = g_strndup(kv, (gsize)(eq - kv));
    const char *val = eq + 1;
    uint64_t v;
    if (w->kind == WL_DMA_TRAFFIC && strcmp(key, "name"))
        return wl_dma_parse(w->dma, kv, key, val, err);
    if (!strcmp(key, "path")) {
        static const char *const names[] = { "vcmdq", "trapped", "host_cmdq", "host_vcmdq" };
        for (unsigned i = 0; i < G_N_ELEMENTS(names); i++)
            if (!strcmp(val, names[i])) {
                w->path = (enum wl_path)i;
                return TRUE;
            }
        return wl_arg_error(err, kv, "path is vcmdq, trapped, host_cmdq or host_vcmdq");
    }
    if (!strcmp(key, "name")) {
        if (!*val || strchr(val, '.'))
            return wl_arg_error(err, kv, "a name is non-empty and has no '.'");
        g_free(w->name);
        w->name = g_strdup(val);
        return TRUE;
    }
    if (!strcmp(key, "think"))
        return parse_time(val, &w->think) || wl_arg_error(err, kv, "not a time (ns, us, ms)");
    if (!strcmp(key, "threads")) {
        if (!wl_parse_u64_arg(kv, val, 1, 1024, &v, err))
            return FALSE;
        w->threads = (unsigned)v;
        return TRUE;
    }
    if (!strcmp(key, "queues")) {
        if (!wl_parse_u64_arg(kv, val, 1, 1024, &v, err))
            return FALSE;
        w->queues_arg = (unsigned)v;
        return TRUE;
    }
    if (!strcmp(key, "iterations"))
        return wl_parse_u64_arg(kv, val, 1, UINT32_MAX, &w->iterations, err);
    if (!strcmp(key, "granule"))
        return wl_parse_u64_arg(kv, val, 1, 1ull << 32, &w->granule, err);
    if (!strcmp(key, "page")) {
        if (!wl_parse_u64_arg(kv, val, 4096, 65536, &v, err))
            return FALSE;
        if (v != 4096 && v != 16384 && v != 65536)
            return wl_arg_error(err, kv, "page is 4K, 16K or 64K");
        w->page_shift = sim_msb64(v);
        return TRUE;
    }
    if (!strcmp(key, "batch"))
        return wl_parse_u64_arg(kv, val, 1, 4096, &w->batch, err);
    if (!strcmp(key, "sync_every"))
        return wl_parse_u64_arg(kv, val, 0, UINT32_MAX, &w->sync_every, err);
    if (!strcmp(key, "inject_bad"))
        return wl_parse_u64_arg(kv, val, 0, UINT32_MAX, &w->inject_bad, err);
    return wl_arg_error(err, kv, "unknown key");
}

static sim_time_t ns_param(const struct sim_params *p, const char *name)
{
    return sim_ns(sim_params_u64(p, name));
}

static void read_costs(struct workload *w)
{
    const struct sim_params *p = w->m->params;
    struct wl_costs *c = &w->c;
    c->cmd_write = ns_param(p, "guest.cmd_write_ns");
    c->mmio_write = ns_param(p, "guest.mmio_write_ns");
    c->mmio_read = ns_param(p, "guest.mmio_read_ns");
    c->poll = ns_param(p, "guest.poll_ns");
    c->sw_unmap = ns_param(p, "guest.sw_unmap_ns");
    c->sw_page = ns_param(p, "guest.sw_page_ns");
    c->vm_exit = ns_param(p, "vmm.vm_exit_ns");
    c->trap_read = ns_param(p, "vmm.mmio_read_trap_ns");
    c->vmm_per_cmd = ns_param(p, "vmm.per_cmd_ns");
    c->ioctl = ns_param(p, "vmm.ioctl_ns");
    c->cmds_per_ioctl = (unsigned)sim_params_u64(p, "vmm.cmds_per_ioctl");
    c->guest_insert = ns_param(p, "guest.cmdq_insert_ns");
    c->host_insert = ns_param(p, "host.cmdq_insert_ns");
    c->host_submit = ns_param(p, "host.submit_ns");
    c->host_cmd_write = ns_param(p, "host.cmd_write_ns");
    c->host_mmio_read = ns_param(p, "host.mmio_read_ns");
    c->host_poll = ns_param(p, "host.poll_ns");
    c->timeout = sim_ns(sim_params_u64(p, "workload.op_timeout_us") * 1000);
    w->vcmdq_log2 = (unsigned)sim_params_u64(p, "guest.vcmdq_log2");
    w->ril = sim_params_bool(p, "guest.ril");
}

/* LVCMDQs per VINTF as the CMDQV is configured: 2^(NUM_VCMDQ_LOG2 -
 * NUM_VINTF_LOG2) (cmdqv.md §2.1); 0 without the cmdqv.* parameters. */
static unsigned lvcmdqs_per_vintf(const struct sim_params *p)
{
    if (!sim_params_exists(p, "cmdqv.num_vcmdq_log2") || !sim_params_exists(p, "cmdqv.num_vintf_log2"))
        return 0;
    uint64_t q = sim_params_u64(p, "cmdqv.num_vcmdq_log2"), v = sim_params_u64(p, "cmdqv.num_vintf_log2");
    return q >= v && q - v < 16 ? 1u << (q - v) : 0;
}

/* queues=N picks how many LVCMDQs of the VINTF the run uses: only on the
 * two LVCMDQ paths, and never more than a VINTF has. */
static gboolean check_queues(struct workload *w, GError **err)
{
    if (!w->queues_arg)
        return TRUE;
    if (w->path != WL_PATH_VCMDQ && w->path != WL_PATH_HOST_VCMDQ) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS,
                    "workload argument 'queues=%u': only the vcmdq and host_vcmdq paths use LVCMDQs",
                    w->queues_arg);
        return FALSE;
    }
    unsigned limit = lvcmdqs_per_vintf(w->m->params);
    if (w->queues_arg > limit) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS,
                    "workload argument 'queues=%u': a VINTF has %u LVCMDQs "
                    "(2^(cmdqv.num_vcmdq_log2 - cmdqv.num_vintf_log2))", w->queues_arg, limit);
        return FALSE;
    }
    return TRUE;
}

/*
 * mixed: "name=", "dma.<key>=" (dma_traffic's keys) and "unmap.<key>="
 * (the invalidating workload's keys, plus unmap.kind=dma_unmap|inval_storm;
 * its path defaults to host_cmdq, whose invalidations reach the DMA
 * domain's stage-2 entries).
 */
static struct workload *mixed_new(struct workload *w, const char *const *kv_args, GError **err)
{
    g_autoptr(GPtrArray) sub_args = g_ptr_array_new_with_free_func(g_free);
    const char *sub_kind = "dma_unmap";
    g_ptr_array_add(sub_args, g_strdup("path=host_cmdq"));
    w->name = g_strdup("mixed");
    w->dma = wl_dma_new(w);
    for (; kv_args && *kv_args; kv_args++) {
        const char *kv = *kv_args, *eq = strchr(kv, '=');
        if (g_str_has_prefix(kv, "name=")) {
            if (!parse_arg(w, kv, err))
                goto fail;
        } else if (g_str_has_prefix(kv, "dma.") && eq && eq > kv + 4) {
            g_autofree char *key = g_strndup(kv + 4, (gsize)(eq - kv - 4));
            if (!wl_dma_parse(w->dma, kv, key, eq + 1, err))
                goto fail;
        } else if (g_str_has_prefix(kv, "unmap.kind=")) {
            sub_kind = kv + strlen("unmap.kind=");
            if (strcmp(sub_kind, "dma_unmap") && strcmp(sub_kind, "inval_storm")) {
                wl_arg_error(err, kv, "unmap.kind is dma_unmap or inval_storm");
                goto fail;
            }
        } else if (g_str_has_prefix(kv, "unmap.name=")) {
            wl_arg_error(err, kv, "the invalidating side is named <name>.unmap");
            goto fail;
        } else if (g_str_has_prefix(kv, "unmap.")) {
            g_ptr_array_add(sub_args, g_strdup(kv + strlen("unmap.")));
        } else {
            wl_arg_error(err, kv, "mixed takes name=, dma.<key>= and unmap.<key>=");
            goto fail;
        }
    }
    if (!wl_dma_check(w->dma, err))
        goto fail;
    g_ptr_array_add(sub_args, NULL);
    w->sub = workload_new(w->m, sub_kind, (const char *const *)sub_args->pdata, err);
    if (!w->sub) {
        g_prefix_error(err, "mixed, unmap side: ");
        goto fail;
    }
    g_free(w->sub->name);
    w->sub->name = g_strdup_printf("%s.unmap", w->name);
    return w;
fail:
    workload_free(w);
    return NULL;
}

struct workload *workload_new(struct sim_machine *m, const char *kind,
                              const char *const *kv_args, GError **err)
{
    if (!m || !kind) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS, "workload: no machine or kind");
        return NULL;
    }
    if (!sim_params_exists(m->params, "guest.cmd_write_ns")) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS,
                    "workload: the machine's parameters lack guest.*/vmm.*/host.* "
                    "(workload_declare_params was not called)");
        return NULL;
    }
    struct workload *w = g_new0(struct workload, 1);
    w->m = m;
    w->fd = -1;
    static const char *const kinds[] = { "dma_unmap", "inval_storm", "dma_traffic", "mixed" };
    unsigned k = 0;
    while (k < G_N_ELEMENTS(kinds) && strcmp(kind, kinds[k]))
        k++;
    if (k == G_N_ELEMENTS(kinds)) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS,
                    "unknown workload kind '%s' (dma_unmap, inval_storm, dma_traffic, mixed)", kind);
        g_free(w);
        return NULL;
    }
    w->kind = (enum wl_kind)k;
    if (w->kind == WL_MIXED)
        return mixed_new(w, kv_args, err);
    if (w->kind == WL_DMA_TRAFFIC)
        w->dma = wl_dma_new(w);
    w->name = g_strdup(kind);
    w->threads = 1;
    w->iterations = 1000;
    w->granule = 4096;
    w->page_shift = 12;
    w->batch = GUEST_CMDQ_BATCH_ENTRIES;
    w->sync_every = w->kind == WL_INVAL_STORM ? GUEST_CMDQ_BATCH_ENTRIES : 0;
    read_costs(w);
    sim_hist_init(&w->latency);
    for (; kv_args && *kv_args; kv_args++)
        if (!parse_arg(w, *kv_args, err)) {
            workload_free(w);
            return NULL;
        }
    if (w->dma && !wl_dma_check(w->dma, err)) {
        workload_free(w);
        return NULL;
    }
    if (w->granule & ((1ull << w->page_shift) - 1)) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS,
                    "workload granule %" G_GUINT64_FORMAT " is not a multiple of the page size",
                    w->granule);
        workload_free(w);
        return NULL;
    }
    if (!check_queues(w, err)) {
        workload_free(w);
        return NULL;
    }
    if (w->batch + 1 > smmu_q_entries(w->vcmdq_log2)) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS,
                    "workload batch %" G_GUINT64_FORMAT " + CMD_SYNC does not fit a %u-entry queue",
                    w->batch, smmu_q_entries(w->vcmdq_log2));
        workload_free(w);
        return NULL;
    }
    return w;
}

/* --------------------------------------------------------------- setup */

gboolean wl_shim_fail(GError **err, const char *what)
{
    g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_SETUP, "workload setup: %s: %s", what,
                g_strerror(errno));
    return FALSE;
}

static gboolean setup_guest(struct workload *w, GError **err)
{
    size_t qbytes = (size_t)16 << w->vcmdq_log2;
    w->ram_size = MAX((size_t)w->threads * qbytes, (size_t)2 << 20);
    w->ram_size = (w->ram_size + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
    if (posix_memalign(&w->ram, 2u << 20, w->ram_size))
        return wl_shim_fail(err, "guest RAM");
    memset(w->ram, 0, w->ram_size);
    w->fd = iommufd_shim_open("/dev/iommu", 0);
    if (w->fd < 0)
        return wl_shim_fail(err, "open /dev/iommu");
    struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
    if (iommufd_shim_ioctl(w->fd, IOMMU_IOAS_ALLOC, &ioas))
        return wl_shim_fail(err, "IOMMU_IOAS_ALLOC");
    struct iommu_ioas_map map = {
        .size = sizeof(map), .ioas_id = ioas.out_ioas_id, .user_va = (uintptr_t)w->ram,
        .length = w->ram_size, .iova = GUEST_IOVA_QUEUES,
        .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
    };
    if (iommufd_shim_ioctl(w->fd, IOMMU_IOAS_MAP, &map))
        return wl_shim_fail(err, "IOMMU_IOAS_MAP of guest RAM");
    uint32_t dev;
    if (iommufd_shim_bind_device(w->fd, 1, &dev))
        return wl_shim_fail(err, "bind device");
    struct iommu_hwpt_alloc hwpt = { .size = sizeof(hwpt), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
                                     .dev_id = dev, .pt_id = ioas.out_ioas_id };
    if (iommufd_shim_ioctl(w->fd, IOMMU_HWPT_ALLOC, &hwpt))
        return wl_shim_fail(err, "IOMMU_HWPT_ALLOC (nest parent)");
    bool tegra = w->path == WL_PATH_VCMDQ;
    struct iommu_viommu_tegra241_cmdqv data = { 0 };
    struct iommu_viommu_alloc va = {
        .size = sizeof(va), .dev_id = dev, .hwpt_id = hwpt.out_hwpt_id,
        .type = tegra ? IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV : IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
        .data_len = tegra ? sizeof(data) : 0, .data_uptr = tegra ? (uintptr_t)&data : 0,
    };
    if (iommufd_shim_ioctl(w->fd, IOMMU_VIOMMU_ALLOC, &va))
        return wl_shim_fail(err, "IOMMU_VIOMMU_ALLOC");
    w->vmm_viommu_id = va.out_viommu_id;
    struct iommu_vdevice_alloc vd = { .size = sizeof(vd), .viommu_id = va.out_viommu_id,
                                      .dev_id = dev, .virt_id = 1 };
    if (iommufd_shim_ioctl(w->fd, IOMMU_VDEVICE_ALLOC, &vd))
        return wl_shim_fail(err, "IOMMU_VDEVICE_ALLOC");
    if (!tegra) {
        w->nqueues = 1;
        w->queues = g_new0(struct guest_cmdq, 1);
        guest_cmdq_init(&w->queues[0], w->ram, w->vcmdq_log2, &wl_vsmmu_ops, &w->vmm);
        wl_vmm_init(&w->vmm, w, &w->queues[0]);
        return TRUE;
    }
    /* queues=N LVCMDQs (HW_QUEUE_ALLOC indexes 0..N-1), by default one per
     * vCPU up to what the VINTF has (the index beyond it: EINVAL). */
    unsigned limit = lvcmdqs_per_vintf(w->m->params);
    unsigned want = w->queues_arg ? w->queues_arg : limit ? MIN(w->threads, limit) : w->threads;
    w->queues = g_new0(struct guest_cmdq, want);
    for (unsigned l = 0; l < want; l++) {
        struct iommu_hw_queue_alloc hq = {
            .size = sizeof(hq), .viommu_id = va.out_viommu_id,
            .type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV, .index = l,
            .nesting_parent_iova = GUEST_IOVA_QUEUES + l * qbytes, .length = qbytes,
        };
        if (iommufd_shim_ioctl(w->fd, IOMMU_HW_QUEUE_ALLOC, &hq)) {
            if (errno == EINVAL && l > 0 && !w->queues_arg)
                break;
            return wl_shim_fail(err, "IOMMU_HW_QUEUE_ALLOC");
        }
        w->nqueues++;
    }
    w->page0_len = data.out_vintf_mmap_length;
    w->page0 = iommufd_shim_mmap(NULL, w->page0_len, PROT_READ | PROT_WRITE, MAP_SHARED, w->fd,
                                 (off_t)data.out_vintf_mmap_offset);
    if (w->page0 == MAP_FAILED) {
        w->page0 = NULL;
        return wl_shim_fail(err, "mmap of the VINTF page");
    }
    for (unsigned l = 0; l < w->nqueues; l++) {
        void *regs = guest_cmdqv_lvcmdq_regs(w->page0, l);
        guest_cmdq_init(&w->queues[l], (uint8_t *)w->ram + l * qbytes, w->vcmdq_log2,
                        &guest_cmdqv_lvcmdq_ops, regs);
        guest_cmdqv_lvcmdq_enable(regs);
        for (unsigned tries = 0; !guest_cmdqv_lvcmdq_enabled(regs); tries++) {
            if (tries == 1000000) {
                g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_SETUP,
                            "workload setup: LVCMDQ %u never reported ENABLED", l);
                return FALSE;
            }
            iommufd_shim_relax();
        }
    }
    return TRUE;
}

static void teardown(struct workload *w)
{
    if (w->vcpus)
        for (unsigned i = 0; i < w->threads; i++)
            wl_vcpu_destroy(&w->vcpus[i]);
    g_free(w->vcpus);
    w->vcpus = NULL;
    wl_vmm_destroy(&w->vmm);
    if (w->page0)
        iommufd_shim_munmap(w->page0, w->page0_len);
    w->page0 = NULL;
    if (w->fd >= 0)
        iommufd_shim_close(w->fd);
    w->fd = -1;
    g_free(w->queues);
    w->queues = NULL;
    free(w->ram);
    w->ram = NULL;
}

/* ---------------------------------------------------------------- stats */

static void register_stats(struct workload *w)
{
    struct sim_stats *s = w->m->stats;
    char *pre = g_strdup_printf("workload.%s.", w->name);
    sim_stats_remove_prefix(s, pre);
#define C(field, key) { g_autofree char *n = g_strconcat(pre, key, NULL); sim_stats_add_counter(s, n, &w->field); }
    C(ct.ops, "ops") C(ct.cmds, "cmds") C(ct.syncs, "syncs") C(ct.prod_writes, "prod_writes")
    C(ct.traps, "traps") C(ct.polls, "polls") C(ct.full_waits, "queue_full_waits")
    C(ct.errors_recovered, "errors_recovered") C(ct.vmm_ioctls, "vmm_ioctls")
    C(ct.vmm_eagain, "vmm_eagain") C(ct.tlbi_per_page, "tlbi.per_page")
    C(ct.tlbi_range, "tlbi.range") C(ct.tlbi_asid, "tlbi.asid")
    C(bd.guest_sw, "time.guest_sw_ps") C(bd.cmd_write, "time.cmd_write_ps")
    C(bd.mmio, "time.mmio_ps") C(bd.trap, "time.trap_ps") C(bd.vmm, "time.vmm_ps")
    C(bd.host_queue, "time.host_queue_ps") C(bd.poll_wait, "time.sync_wait_ps")
    C(bd.space_wait, "time.queue_full_ps") C(bd.queue_lock, "time.queue_lock_ps")
#undef C
    g_autofree char *h = g_strconcat(pre, "latency", NULL);
    sim_stats_add_hist(s, h, "ps", &w->latency);
    if (w->path == WL_PATH_VCMDQ || w->path == WL_PATH_HOST_VCMDQ) {
        g_autofree char *nq = g_strconcat(pre, "queues", NULL);
        sim_stats_set_value(s, nq, w->nqueues);
        g_free(w->queue_cmds);
        w->queue_cmds = g_new0(uint64_t, w->nqueues);
        for (unsigned l = 0; l < w->nqueues; l++) {
            g_autofree char *n = g_strdup_printf("%slvcmdq%u.cmds", pre, l);
            sim_stats_add_counter(s, n, &w->queue_cmds[l]);
        }
    }
    w->stats_registered = true;
    g_free(pre);
}

static void set_results(struct workload *w)
{
    g_autofree char *pre = g_strdup_printf("workload.%s.", w->name);
    uint64_t elapsed = w->t_end - w->t_start;
    g_autofree char *e = g_strconcat(pre, "elapsed_ps", NULL);
    g_autofree char *t = g_strconcat(pre, "throughput_ops_per_s", NULL);
    sim_stats_set_value(w->m->stats, e, elapsed);
    sim_stats_set_value(w->m->stats, t, elapsed ? (uint64_t)(w->ct.ops * 1000000000000ull / elapsed) : 0);
}

/* ------------------------------------------------------------------ run */

/* The actors of dma_unmap / inval_storm: the path's objects, one actor per
 * thread with its queue, the statistics. */
static gboolean actors_setup(struct workload *w, GError **err)
{
    struct sim_machine *m = w->m;
    if (w->path == WL_PATH_VCMDQ && !m->cmdqv) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_SETUP,
                    "workload path vcmdq needs a CMDQV (machine.cmdqv=true)");
        return FALSE;
    }
    if (w->path == WL_PATH_HOST_VCMDQ && !iommufd_shim_host_num_lvcmdqs()) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_SETUP,
                    "workload path host_vcmdq needs a CMDQV with VINTF0 LVCMDQs");
        return FALSE;
    }
    if ((w->path == WL_PATH_VCMDQ || w->path == WL_PATH_TRAPPED) && !setup_guest(w, err))
        return FALSE;
    if (w->path == WL_PATH_HOST_VCMDQ) {
        unsigned nlv = iommufd_shim_host_num_lvcmdqs();
        if (w->queues_arg > nlv) {
            g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS,
                        "workload argument 'queues=%u': the host's VINTF0 has %u LVCMDQs",
                        w->queues_arg, nlv);
            return FALSE;
        }
        w->nqueues = w->queues_arg ? w->queues_arg : nlv;
    }
    w->vcpus = g_new0(struct wl_vcpu, w->threads);
    for (unsigned i = 0; i < w->threads; i++) {
        struct wl_vcpu *v = &w->vcpus[i];
        wl_vcpu_init(v, w, i);
        v->qidx = guest_cmdqv_lvcmdq_for_cpu(i, w->nqueues);
        if (w->path == WL_PATH_VCMDQ)
            v->q = &w->queues[v->qidx];
        else if (w->path == WL_PATH_TRAPPED)
            v->q = &w->queues[0];
        else if (w->path == WL_PATH_HOST_VCMDQ)
            v->host_queue = (int)v->qidx;
    }
    register_stats(w);
    return TRUE;
}

/* mixed: the DMA domain first, then the invalidating actors; on a host
 * path they invalidate the DMA domain's stage-2 entries (a guest's
 * TLBI_NH_VA cannot reach stage-2-only entries: smmuv3.md §2.3). */
static gboolean setup(struct workload *w, GError **err)
{
    if (w->dma && !wl_dma_setup(w->dma, err))
        return FALSE;
    if (w->dma) {
        g_autofree char *pre = g_strdup_printf("workload.%s.%s", w->name, w->sub ? "dma." : "");
        wl_dma_register_stats(w->dma, pre);
        w->stats_registered = true;
    }
    struct workload *a = w->sub ? w->sub : w->dma ? NULL : w;
    if (!a)
        return TRUE;
    if (w->sub && (a->path == WL_PATH_HOST_CMDQ || a->path == WL_PATH_HOST_VCMDQ)) {
        a->s2_inval = true;
        wl_dma_domain(w->dma, &a->s2_vmid, &a->s2_base, &a->s2_size);
        if (a->page_shift != 12 || a->granule > a->s2_size) {
            g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS,
                        "mixed: the unmap side invalidates the DMA domain's 4 KiB pages: "
                        "unmap.page must be 4K and unmap.granule at most dma.working_set");
            return FALSE;
        }
    }
    return actors_setup(a, err);
}

static void start_actors(struct workload *w)
{
    w->running = w->threads;
    w->t_start = sim_now(&w->m->sched);
    for (unsigned i = 0; i < w->threads; i++)
        wl_vcpu_start(&w->vcpus[i]);
}

static bool still_running(const struct workload *w)
{
    return (w->dma ? wl_dma_running(w->dma) : w->running != 0) ||
           (w->sub && w->sub->running);
}

static struct workload *failed_part(struct workload *w)
{
    return w->failed ? w : w->sub && w->sub->failed ? w->sub : NULL;
}

static gboolean run_loop(struct workload *w, GError **err)
{
    struct sim_sched *sched = &w->m->sched;
    if (w->dma)
        wl_dma_start(w->dma);
    if (!w->dma || w->sub)
        start_actors(w->sub ? w->sub : w);
    enum sim_run_status st = SIM_RUN_DONE;
    while (still_running(w) && !failed_part(w)) {
        st = sim_run_until_idle(sched, 0);
        if (st == SIM_RUN_RUNAWAY || (st == SIM_RUN_DONE && still_running(w)))
            break;
    }
    if (still_running(w) && !failed_part(w))
        wl_fail(w, st == SIM_RUN_RUNAWAY ? "runaway: no simulated time passes"
                                         : "the actors stalled with nothing scheduled");
    struct workload *f = failed_part(w);
    if (f) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_RUN, "workload '%s': %s", f->name,
                    f->fail_msg);
        return FALSE;
    }
    return TRUE;
}

gboolean workload_run(struct workload *w, GError **err)
{
    struct sim_machine *m = w->m;
    struct iommufd_shim_hw hw = { &m->sched, m->mem, m->bus, m->params, m->smmu_base, m->cmdqv_base };
    if (iommufd_shim_set_hw(&hw))
        return wl_shim_fail(err, "attach the shim to the machine");
    if (iommufd_shim_host_probe()) {
        wl_shim_fail(err, "host driver probe");
        iommufd_shim_set_hw(NULL);
        return FALSE;
    }
    gboolean ok = setup(w, err);
    if (ok) {
        ok = run_loop(w, err);
        if (w->dma)
            wl_dma_finish(w->dma);
        if (!w->dma)
            set_results(w);
        if (w->sub)
            set_results(w->sub);
    }
    if (w->sub)
        teardown(w->sub);
    if (w->dma)
        wl_dma_teardown(w->dma);
    teardown(w);
    iommufd_shim_set_hw(NULL);
    return ok;
}

/* -------------------------------------------------------------- results */

void workload_print_summary(const struct workload *w, FILE *out)
{
    if (w->dma) {
        fprintf(out, "workload %s (%s)\n", w->name, w->sub ? "mixed" : "dma_traffic");
        wl_dma_print_summary(w->dma, out);
        if (w->sub)
            workload_print_summary(w->sub, out);
        return;
    }
    static const char *const paths[] = { "vcmdq", "trapped", "host_cmdq", "host_vcmdq" };
    const struct sim_hist *h = &w->latency;
    uint64_t elapsed = w->t_end - w->t_start;
    fprintf(out, "workload %s (%s, path %s, %u thread%s, %u queue%s)\n", w->name,
            w->kind == WL_DMA_UNMAP ? "dma_unmap" : "inval_storm", paths[w->path], w->threads,
            w->threads == 1 ? "" : "s", MAX(w->nqueues, 1u), w->nqueues > 1 ? "s" : "");
    fprintf(out, "  ops %" G_GUINT64_FORMAT ", commands %" G_GUINT64_FORMAT ", syncs %" G_GUINT64_FORMAT
            ", elapsed %" G_GUINT64_FORMAT " ns, throughput %" G_GUINT64_FORMAT " ops/s\n",
            w->ct.ops, w->ct.cmds, w->ct.syncs, elapsed / 1000,
            elapsed ? (uint64_t)(w->ct.ops * 1000000000000ull / elapsed) : 0);
    fprintf(out, "  latency ns: min %" G_GUINT64_FORMAT " mean %" G_GUINT64_FORMAT " p50 %"
            G_GUINT64_FORMAT " p99 %" G_GUINT64_FORMAT " max %" G_GUINT64_FORMAT "\n",
            sim_hist_min(h) / 1000, sim_hist_mean(h) / 1000,
            sim_hist_percentile_ppm(h, 500000) / 1000, sim_hist_percentile_ppm(h, 990000) / 1000,
            h->max / 1000);
    const struct wl_breakdown *b = &w->bd;
    fprintf(out, "  time ns: guest_sw %" G_GUINT64_FORMAT " cmd_write %" G_GUINT64_FORMAT
            " mmio %" G_GUINT64_FORMAT " trap %" G_GUINT64_FORMAT " vmm %" G_GUINT64_FORMAT
            " host_queue %" G_GUINT64_FORMAT " sync_wait %" G_GUINT64_FORMAT " queue_full %"
            G_GUINT64_FORMAT " queue_lock %" G_GUINT64_FORMAT "\n", b->guest_sw / 1000,
            b->cmd_write / 1000, b->mmio / 1000, b->trap / 1000, b->vmm / 1000, b->host_queue / 1000,
            b->poll_wait / 1000, b->space_wait / 1000, b->queue_lock / 1000);
}

void workload_free(struct workload *w)
{
    if (!w)
        return;
    workload_free(w->sub);
    if (w->dma) {
        g_autofree char *pre = g_strdup_printf("workload.%s.", w->name);
        if (w->stats_registered)
            sim_stats_freeze_prefix(w->m->stats, pre);
        wl_dma_free(w->dma);
        w->stats_registered = false;
    }
    if (w->stats_registered) {
        g_autofree char *pre = g_strdup_printf("workload.%s.", w->name);
        /* Counters point into w: keep their values, drop the pointers. */
        sim_stats_freeze_prefix(w->m->stats, pre);
    }
    g_free(w->queue_cmds);
    g_free(w->name);
    g_free(w->fail_msg);
    g_free(w);
}

const char *workload_name(const struct workload *w) { return w->name; }
const struct sim_hist *workload_latency(const struct workload *w)
{
    return w->dma ? wl_dma_latency(w->dma) : &w->latency;
}

uint64_t workload_counter(const struct workload *w, const char *name)
{
    g_autofree char *full = g_strdup_printf("workload.%s.%s", w->name, name);
    uint64_t v = 0;
    sim_stats_lookup_counter(w->m->stats, full, &v);
    return v;
}
