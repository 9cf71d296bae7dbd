/*
 * dma.c — dma_traffic: DMA masters reading and writing a buffer through
 * the SMMU (docs/workloads.md; timing.md §1.2, §5: TLB reach and walk
 * costs showing in DMA latency).
 *
 * Setup is what a VMM does for an assigned device: the buffer is
 * IOMMU_IOAS_MAPped, a NEST_PARENT paging domain is allocated on the IOAS
 * (the shim writes its stage-2 table from the IOAS mappings), and each
 * endpoint's StreamID is bound and attached to it (S2-only STE;
 * docs/iommufd-shim.md).  Each endpoint (smmu_endpoint_new) then keeps
 * `outstanding` transactions in flight: a completion issues the next one at
 * the completion time, so no event is scheduled here at all — the endpoint
 * model times every block (micro-TLB or ATC, TCU TLB, walk, memory).
 *
 * Addresses: seq walks the working set in `size` steps, stride in
 * `stride` steps, random draws uniformly; each endpoint starts at its own
 * slice and has its own generator seeded from machine.seed, so a run is
 * reproducible bit for bit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sim/workload/wl-internal.h"
#include "kernel_shim/iommufd-shim.h"
#include "models/smmuv3/smmuv3-endpoint.h"

#define DMA_IOVA_BASE 0x40000000ull     /* 1 GiB: clear of the guest-queue IOVAs */
#define DMA_SID_BASE 16u                /* endpoint i has StreamID 16 + i */
#define DMA_MAX_WORKING_SET (1ull << 30)
#define DMA_MAX_ENDPOINTS 64u
#define DMA_MAX_OUTSTANDING 256u

enum dma_pattern { DMA_SEQ, DMA_RANDOM, DMA_STRIDE };
enum dma_access { DMA_READ, DMA_WRITE, DMA_MIXED };

struct wl_dma;

/* One transaction slot: its buffer and the endpoint it belongs to. */
struct dma_slot {
    struct dma_ep *ep;
    uint8_t *buf;
};

struct dma_ep {
    struct wl_dma *d;
    struct smmu_endpoint *ep;
    uint32_t dev_id;
    uint64_t rng;
    uint64_t cursor;            /* seq/stride: next step */
    uint64_t issued, completed;
    struct dma_slot *slots;
};

/* SMMU and endpoint statistics sampled before and after the run. */
struct dma_sample {
    uint64_t translations, walks, walk_accesses, tlb_lookups, tlb_hits, utlb_hits, utlb_misses,
        atc_hits, atc_misses, faults_recorded;
};

struct wl_dma {
    struct workload *w;
    /* arguments */
    unsigned endpoints, outstanding;
    uint64_t working_set, stride, size, transactions;
    enum dma_pattern pattern;
    enum dma_access access;
    unsigned page_shift;
    int ats;                    /* -1: endpoint.ats; else the argument */
    /* run state */
    int fd;
    void *buf;
    uint32_t ioas_id, hwpt_id;
    uint16_t vmid;
    struct dma_ep *eps;
    unsigned running;
    sim_time_t t_start, t_end;
    struct dma_sample before, delta;
    /* results */
    struct sim_hist latency;
    uint64_t n_transactions, n_reads, n_writes, n_bytes, n_faults, n_aborts;
    char *prefix;               /* statistics prefix, "workload.<name>." */
};

struct wl_dma *wl_dma_new(struct workload *w)
{
    struct wl_dma *d = g_new0(struct wl_dma, 1);
    d->w = w;
    d->fd = -1;
    d->endpoints = 1;
    d->outstanding = 1;
    d->working_set = 1ull << 20;
    d->size = 64;
    d->transactions = 1000;
    d->page_shift = 12;
    d->ats = -1;
    sim_hist_init(&d->latency);
    return d;
}

void wl_dma_free(struct wl_dma *d)
{
    if (!d)
        return;
    wl_dma_teardown(d);
    g_free(d->prefix);
    g_free(d);
}

/* ------------------------------------------------------------ arguments */

static gboolean pick(const char *kv, const char *val, const char *const *names, unsigned n,
                     unsigned *out, const char *why, GError **err)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(val, names[i])) {
            *out = i;
            return TRUE;
        }
    return wl_arg_error(err, kv, why);
}

gboolean wl_dma_parse(struct wl_dma *d, const char *kv, const char *key, const char *val,
                      GError **err)
{
    uint64_t v;
    unsigned e = 0;
    if (!strcmp(key, "endpoints")) {
        if (!wl_parse_u64_arg(kv, val, 1, DMA_MAX_ENDPOINTS, &v, err))
            return FALSE;
        d->endpoints = (unsigned)v;
        return TRUE;
    }
    if (!strcmp(key, "outstanding")) {
        if (!wl_parse_u64_arg(kv, val, 1, DMA_MAX_OUTSTANDING, &v, err))
            return FALSE;
        d->outstanding = (unsigned)v;
        return TRUE;
    }
    if (!strcmp(key, "working_set"))
        return wl_parse_u64_arg(kv, val, 4096, DMA_MAX_WORKING_SET, &d->working_set, err);
    if (!strcmp(key, "size"))
        return wl_parse_u64_arg(kv, val, 1, SMMU_EP_MAX_LEN, &d->size, err);
    if (!strcmp(key, "stride"))
        return wl_parse_u64_arg(kv, val, 1, DMA_MAX_WORKING_SET, &d->stride, err);
    if (!strcmp(key, "transactions"))
        return wl_parse_u64_arg(kv, val, 1, UINT32_MAX, &d->transactions, err);
    if (!strcmp(key, "pattern")) {
        static const char *const n[] = { "seq", "random", "stride" };
        if (!pick(kv, val, n, 3, &e, "pattern is seq, random or stride", err))
            return FALSE;
        d->pattern = (enum dma_pattern)e;
        return TRUE;
    }
    if (!strcmp(key, "access")) {
        static const char *const n[] = { "read", "write", "mixed" };
        if (!pick(kv, val, n, 3, &e, "access is read, write or mixed", err))
            return FALSE;
        d->access = (enum dma_access)e;
        return TRUE;
    }
    if (!strcmp(key, "ats")) {
        static const char *const n[] = { "off", "on" };
        if (!pick(kv, val, n, 2, &e, "ats is on or off", err))
            return FALSE;
        d->ats = (int)e;
        return TRUE;
    }
    if (!strcmp(key, "page")) {
        if (!wl_parse_u64_arg(kv, val, 4096, 2u << 20, &v, err))
            return FALSE;
        if (v != 4096 && v != (2u << 20))
            return wl_arg_error(err, kv, "page is 4K or 2M");
        d->page_shift = sim_msb64(v);
        return TRUE;
    }
    return wl_arg_error(err, kv, "unknown key");
}

gboolean wl_dma_check(struct wl_dma *d, GError **err)
{
    const char *why = NULL;
    if (d->working_set % d->size)
        why = "working_set must be a multiple of size";
    else if (d->working_set & ((1ull << d->page_shift) - 1))
        why = "working_set must be a multiple of the page size";
    else if (d->pattern == DMA_STRIDE && !d->stride)
        why = "pattern=stride needs stride=BYTES";
    else if (d->pattern != DMA_STRIDE && d->stride)
        why = "stride=BYTES applies to pattern=stride only";
    if (why) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_ARGS, "dma_traffic: %s", why);
        return FALSE;
    }
    return TRUE;
}

/* ---------------------------------------------------------- addresses */

/* splitmix64: a small, well-mixed, reproducible generator. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Offset of an endpoint's next transaction inside the working set; always
 * a multiple of `size`, so a transaction never runs past the end. */
static uint64_t next_offset(struct dma_ep *e)
{
    const struct wl_dma *d = e->d;
    uint64_t slots = d->working_set / d->size;
    uint64_t k = e->cursor++;
    switch (d->pattern) {
    case DMA_RANDOM:
        return rng_next(&e->rng) % slots * d->size;
    case DMA_STRIDE: {
        uint64_t off = (k % slots) * (d->stride % d->working_set) % d->working_set;
        return off / d->size * d->size;
    }
    case DMA_SEQ:
    default:
        return k % slots * d->size;
    }
}

/* --------------------------------------------------------------- traffic */

static void dma_done(void *opaque, const struct smmu_dma_result *r);

static void issue(struct dma_slot *s)
{
    struct dma_ep *e = s->ep;
    struct wl_dma *d = e->d;
    bool write = d->access == DMA_WRITE || (d->access == DMA_MIXED && (rng_next(&e->rng) & 1));
    struct smmu_dma_req req = {
        .iova = DMA_IOVA_BASE + next_offset(e), .len = (uint32_t)d->size,
        .access = write ? SMMU_ACCESS_WRITE : 0, .buf = s->buf,
    };
    GError *err = NULL;
    e->issued++;
    write ? d->n_writes++ : d->n_reads++;
    if (!smmu_endpoint_dma(e->ep, &req, dma_done, s, &err)) {
        wl_fail(d->w, "%s", err->message);
        g_error_free(err);
    }
}

static void ep_finished(struct wl_dma *d)
{
    if (--d->running)
        return;
    d->t_end = sim_now(&d->w->m->sched);
    sim_sched_stop(&d->w->m->sched);
}

static void dma_done(void *opaque, const struct smmu_dma_result *r)
{
    struct dma_slot *s = opaque;
    struct dma_ep *e = s->ep;
    struct wl_dma *d = e->d;
    sim_hist_record(&d->latency, r->completed - r->issued);
    d->n_transactions++;
    d->n_bytes += d->size;
    if (!r->ok) {
        d->n_faults++;
        d->n_aborts += r->response == SMMU_FAULT_ABORT;
    }
    e->completed++;
    if (e->issued < d->transactions && !d->w->failed)
        issue(s);
    else if (e->completed == d->transactions)
        ep_finished(d);
}

/* ---------------------------------------------------------------- setup */

static uint64_t counter(const struct wl_dma *d, const char *name)
{
    uint64_t v = 0;
    sim_stats_lookup_counter(d->w->m->stats, name, &v);
    return v;
}

static void sample(const struct wl_dma *d, struct dma_sample *s)
{
    memset(s, 0, sizeof(*s));
    s->translations = counter(d, "smmu.xlate.translations");
    s->walks = counter(d, "smmu.xlate.walks");
    s->walk_accesses = counter(d, "smmu.xlate.walk_accesses");
    s->tlb_lookups = counter(d, "smmu.tlb.lookups");
    s->tlb_hits = counter(d, "smmu.tlb.hits");
    s->faults_recorded = counter(d, "smmu.xlate.faults");
    for (unsigned i = 0; d->eps && i < d->endpoints; i++) {
        if (!d->eps[i].ep)
            continue;
        static const char *const f[] = { "utlb_hits", "utlb_misses", "atc_hits", "atc_misses" };
        uint64_t *dst[] = { &s->utlb_hits, &s->utlb_misses, &s->atc_hits, &s->atc_misses };
        for (unsigned k = 0; k < G_N_ELEMENTS(f); k++) {
            g_autofree char *n = g_strdup_printf("endpoint.%s.ep%u.%s", d->w->name, i, f[k]);
            *dst[k] += counter(d, n);
        }
    }
}

/* page=4K: IOMMU_OPTION_HUGE_PAGES = 0 keeps every stage-2 mapping at
 * PAGE_SIZE whatever the pinned layout; page=2M leaves large pages on, so
 * the shim writes 2 MiB blocks where the pinned frames allow (checked
 * after setup by check_granule). */
static gboolean set_huge_pages(struct wl_dma *d, GError **err)
{
    struct iommu_option opt = { .size = sizeof(opt), .option_id = IOMMU_OPTION_HUGE_PAGES,
                                .op = IOMMU_OPTION_OP_SET, .object_id = d->ioas_id,
                                .val64 = d->page_shift > 12 };
    if (iommufd_shim_ioctl(d->fd, IOMMU_OPTION, &opt))
        return wl_shim_fail(err, "IOMMU_OPTION HUGE_PAGES (DMA)");
    return TRUE;
}

static gboolean map_buffer(struct wl_dma *d, GError **err)
{
    /* 2 MiB alignment keeps the buffer huge-page friendly for the pinning
     * layouts (shim.pin_layout). */
    size_t len = (size_t)d->working_set;
    if (posix_memalign(&d->buf, 2u << 20, len))
        return wl_shim_fail(err, "DMA buffer");
    memset(d->buf, 0, len);
    d->fd = iommufd_shim_open("/dev/iommu", 0);
    if (d->fd < 0)
        return wl_shim_fail(err, "open /dev/iommu");
    struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
    if (iommufd_shim_ioctl(d->fd, IOMMU_IOAS_ALLOC, &ioas))
        return wl_shim_fail(err, "IOMMU_IOAS_ALLOC (DMA)");
    d->ioas_id = ioas.out_ioas_id;
    if (!set_huge_pages(d, err))
        return FALSE;
    struct iommu_ioas_map map = {
        .size = sizeof(map), .ioas_id = d->ioas_id, .user_va = (uintptr_t)d->buf,
        .length = len, .iova = DMA_IOVA_BASE,
        .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
    };
    if (iommufd_shim_ioctl(d->fd, IOMMU_IOAS_MAP, &map))
        return wl_shim_fail(err, "IOMMU_IOAS_MAP of the DMA buffer");
    return TRUE;
}

static gboolean attach_endpoints(struct wl_dma *d, GError **err)
{
    struct sim_machine *m = d->w->m;
    struct smmu_endpoint_cfg cfg;
    smmu_endpoint_cfg_from_params(&cfg, m->params);
    if (d->ats >= 0)
        cfg.ats = d->ats;
    d->eps = g_new0(struct dma_ep, d->endpoints);
    for (unsigned i = 0; i < d->endpoints; i++) {
        struct dma_ep *e = &d->eps[i];
        e->d = d;
        /* An endpoint with an ATC is an ATS-enabled function: bound so, its
         * stream's STE permits ATS translation requests (EATS = TRANS). */
        if (iommufd_shim_bind_device_ats(d->fd, DMA_SID_BASE + i, cfg.ats, &e->dev_id))
            return wl_shim_fail(err, "bind DMA device");
        if (i == 0) {
            struct iommu_hwpt_alloc hwpt = { .size = sizeof(hwpt),
                                             .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
                                             .dev_id = e->dev_id, .pt_id = d->ioas_id };
            if (iommufd_shim_ioctl(d->fd, IOMMU_HWPT_ALLOC, &hwpt))
                return wl_shim_fail(err, "IOMMU_HWPT_ALLOC (DMA paging domain)");
            d->hwpt_id = hwpt.out_hwpt_id;
        }
        if (iommufd_shim_attach_device(d->fd, e->dev_id, d->hwpt_id))
            return wl_shim_fail(err, "attach DMA device");
        g_autofree char *name = g_strdup_printf("%s.ep%u", d->w->name, i);
        e->ep = smmu_endpoint_new(m->smmu, name, DMA_SID_BASE + i, &cfg, err);
        if (!e->ep) {
            g_prefix_error(err, "workload setup: ");
            return FALSE;
        }
        e->rng = sim_params_u64(m->params, "machine.seed") ^ ((uint64_t)(i + 1) << 32);
        e->cursor = (uint64_t)i * (d->working_set / d->size) / d->endpoints;
        e->slots = g_new0(struct dma_slot, d->outstanding);
        for (unsigned k = 0; k < d->outstanding; k++) {
            e->slots[k].ep = e;
            e->slots[k].buf = g_malloc0(d->size);
        }
    }
    return TRUE;
}

/* The mapping granule the SMMU walked must be the one asked for: with
 * page=2M the pinned frames have to be 2 MiB-contiguous and aligned. */
static gboolean check_granule(const struct wl_dma *d, const struct smmu_txn_result *r,
                              GError **err)
{
    if (r->size_log2 == d->page_shift)
        return TRUE;
    g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_SETUP,
                "workload setup: page=%s but the DMA buffer is mapped with %llu KiB pages: its "
                "pinned frames are not 2 MiB-contiguous and aligned (use shim.pin_layout=huge2m)",
                d->page_shift > 12 ? "2M" : "4K", (1ull << r->size_log2) >> 10);
    return FALSE;
}

/* The kernel keeps the domain's VMID in its domain; the uAPI does not
 * return it.  It is learnt from the SMMU's answer to one functional
 * translation of the first page (before the statistics are sampled). */
static gboolean learn_vmid(struct wl_dma *d, GError **err)
{
    struct smmu_txn t = { .sid = DMA_SID_BASE, .iova = DMA_IOVA_BASE };
    struct smmu_txn_result r;
    if (!smmu_translate(d->w->m->smmu, &t, &r)) {
        g_set_error(err, WORKLOAD_ERROR, WORKLOAD_ERROR_SETUP,
                    "workload setup: the DMA domain does not translate IOVA 0x%llx (event 0x%x)",
                    (unsigned long long)DMA_IOVA_BASE, r.event);
        return FALSE;
    }
    d->vmid = r.vmid;
    return check_granule(d, &r, err);
}

gboolean wl_dma_setup(struct wl_dma *d, GError **err)
{
    return map_buffer(d, err) && attach_endpoints(d, err) && learn_vmid(d, err);
}

void wl_dma_start(struct wl_dma *d)
{
    sample(d, &d->before);
    d->t_start = d->t_end = sim_now(&d->w->m->sched);
    d->running = d->endpoints;
    for (unsigned i = 0; i < d->endpoints; i++)
        for (unsigned k = 0; k < d->outstanding && k < d->transactions; k++)
            issue(&d->eps[i].slots[k]);
}

bool wl_dma_running(const struct wl_dma *d) { return d->running != 0; }

void wl_dma_domain(const struct wl_dma *d, uint16_t *vmid, uint64_t *base, uint64_t *size)
{
    *vmid = d->vmid;
    *base = DMA_IOVA_BASE;
    *size = d->working_set;
}

/* ------------------------------------------------------------- results */

static uint64_t ppm(uint64_t part, uint64_t whole)
{
    return whole ? part * 1000000u / whole : 0;
}

void wl_dma_finish(struct wl_dma *d)
{
    struct dma_sample after;
    sample(d, &after);
    const uint64_t *a = &after.translations, *b = &d->before.translations;
    uint64_t *o = &d->delta.translations;
    for (unsigned i = 0; i < sizeof(after) / sizeof(uint64_t); i++)
        o[i] = a[i] - b[i];
    if (!d->prefix)
        return;
    struct sim_stats *s = d->w->m->stats;
    uint64_t elapsed = d->t_end - d->t_start;
    const struct dma_sample *x = &d->delta;
    const struct { const char *name; uint64_t v; } vals[] = {
        { "translations", x->translations }, { "walks", x->walks },
        { "walk_accesses", x->walk_accesses }, { "tlb.lookups", x->tlb_lookups },
        { "tlb.hits", x->tlb_hits }, { "tlb.hit_ppm", ppm(x->tlb_hits, x->tlb_lookups) },
        { "utlb.hits", x->utlb_hits }, { "utlb.misses", x->utlb_misses },
        { "utlb.hit_ppm", ppm(x->utlb_hits, x->utlb_hits + x->utlb_misses) },
        { "atc.hits", x->atc_hits }, { "atc.misses", x->atc_misses },
        { "atc.hit_ppm", ppm(x->atc_hits, x->atc_hits + x->atc_misses) },
        { "events_recorded", x->faults_recorded }, { "elapsed_ps", elapsed },
        { "throughput_bytes_per_s", elapsed ? d->n_bytes * 1000000000000ull / elapsed : 0 },
        { "throughput_transactions_per_s",
          elapsed ? d->n_transactions * 1000000000000ull / elapsed : 0 },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(vals); i++) {
        g_autofree char *n = g_strconcat(d->prefix, vals[i].name, NULL);
        sim_stats_set_value(s, n, vals[i].v);
    }
}

void wl_dma_register_stats(struct wl_dma *d, const char *prefix)
{
    struct sim_stats *s = d->w->m->stats;
    g_free(d->prefix);
    d->prefix = g_strdup(prefix);
    sim_stats_remove_prefix(s, prefix);
    const struct { const char *name; const uint64_t *p; } c[] = {
        { "transactions", &d->n_transactions }, { "reads", &d->n_reads },
        { "writes", &d->n_writes }, { "bytes", &d->n_bytes }, { "faults", &d->n_faults },
        { "aborts", &d->n_aborts },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(c); i++) {
        g_autofree char *n = g_strconcat(prefix, c[i].name, NULL);
        sim_stats_add_counter(s, n, c[i].p);
    }
    g_autofree char *h = g_strconcat(prefix, "latency", NULL);
    sim_stats_add_hist(s, h, "ps", &d->latency);
}

void wl_dma_teardown(struct wl_dma *d)
{
    if (d->eps)
        for (unsigned i = 0; i < d->endpoints; i++) {
            struct dma_ep *e = &d->eps[i];
            /* Its counters leave the registry with it; the run's deltas
             * were taken by wl_dma_finish. */
            smmu_endpoint_free(e->ep);
            if (e->slots)
                for (unsigned k = 0; k < d->outstanding; k++)
                    g_free(e->slots[k].buf);
            g_free(e->slots);
        }
    g_free(d->eps);
    d->eps = NULL;
    if (d->fd >= 0)
        iommufd_shim_close(d->fd);
    d->fd = -1;
    free(d->buf);
    d->buf = NULL;
}

void wl_dma_print_summary(const struct wl_dma *d, FILE *out)
{
    static const char *const pat[] = { "seq", "random", "stride" };
    static const char *const acc[] = { "read", "write", "mixed" };
    const struct sim_hist *h = &d->latency;
    const struct dma_sample *x = &d->delta;
    uint64_t elapsed = d->t_end - d->t_start;
    fprintf(out, "  dma: %u endpoint%s, working set %" G_GUINT64_FORMAT " B, %s %s of %"
            G_GUINT64_FORMAT " B, %u outstanding, ats %s\n", d->endpoints,
            d->endpoints == 1 ? "" : "s", d->working_set, pat[d->pattern], acc[d->access], d->size,
            d->outstanding, d->ats > 0 ? "on" : d->ats == 0 ? "off" : "per endpoint.ats");
    fprintf(out, "  transactions %" G_GUINT64_FORMAT " (faults %" G_GUINT64_FORMAT "), elapsed %"
            G_GUINT64_FORMAT " ns, %" G_GUINT64_FORMAT " MB/s\n", d->n_transactions, d->n_faults,
            elapsed / 1000, elapsed ? d->n_bytes * 1000000u / elapsed : 0);
    fprintf(out, "  latency ns: min %" G_GUINT64_FORMAT " mean %" G_GUINT64_FORMAT " p50 %"
            G_GUINT64_FORMAT " p99 %" G_GUINT64_FORMAT " max %" G_GUINT64_FORMAT "\n",
            sim_hist_min(h) / 1000, sim_hist_mean(h) / 1000,
            sim_hist_percentile_ppm(h, 500000) / 1000, sim_hist_percentile_ppm(h, 990000) / 1000,
            h->max / 1000);
    fprintf(out, "  translations %" G_GUINT64_FORMAT ", walks %" G_GUINT64_FORMAT
            ", TLB hits %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ", utlb hits %" G_GUINT64_FORMAT
            "/%" G_GUINT64_FORMAT ", ATC hits %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\n",
            x->translations, x->walks, x->tlb_hits, x->tlb_lookups, x->utlb_hits,
            x->utlb_hits + x->utlb_misses, x->atc_hits, x->atc_hits + x->atc_misses);
}

const struct sim_hist *wl_dma_latency(const struct wl_dma *d) { return &d->latency; }
