/*
 * smmuv3-endpoint.c — DMA masters with a TBU micro-TLB and optional ATS
 * with an ATC (see smmuv3-endpoint.h; IHI 0070 G.b §3.9, timing.md §1.2).
 *
 * A transaction is timed in one step when it is issued (the caches are
 * looked up and filled then); one event per transaction delivers the data
 * and the completion at the computed time.  Request records come from a
 * free list, so the steady state allocates nothing.
 */
#include <string.h>
#include "models/smmuv3/smmuv3-endpoint.h"
#include "models/smmuv3/smmuv3-internal.h"
#include "models/smmuv3/smmuv3-utlb.h"
#include "sim/hist.h"
#include "sim/log.h"

#define EP_MAX_BLOCKS 17u
#define ATC_PAGE_LOG2 12u

static const struct sim_param_def endpoint_params[] = {
    { "endpoint.clock_mhz", SIM_PARAM_U64, "1000", "MHz", "endpoint clock (ATC and ATS transport)", 1, 1000000,
      NULL },
    { "endpoint.ats", SIM_PARAM_BOOL, "false", "", "endpoints use ATS with an ATC", 0, 0, NULL },
    { "endpoint.atc_entries", SIM_PARAM_U64, "64", "entries", "ATC entries (fully associative, 4 KiB pages)", 1,
      65536, NULL },
    { "endpoint.atc_cycles", SIM_PARAM_U64, "2", "cycles", "ATC lookup", 0, 0, NULL },
    { "endpoint.ats_req_cycles", SIM_PARAM_U64, "400", "cycles",
      "ATS translation request and completion transport (on top of the TCU's work)", 0, 0, NULL },
    { "endpoint.atc_inv_cycles", SIM_PARAM_U64, "500", "cycles",
      "ATS invalidation request until the endpoint's completion message", 0, 0, NULL },
    { "endpoint.atc_inv_respond", SIM_PARAM_BOOL, "true", "",
      "the endpoint answers ATS invalidations (false: never; the SMMU times out)", 0, 0, NULL },
};

gboolean smmu_endpoint_declare_params(struct sim_params *p, GError **err)
{
    return sim_params_declare(p, endpoint_params, SIM_ARRAY_SIZE(endpoint_params), err);
}

void smmu_endpoint_cfg_from_params(struct smmu_endpoint_cfg *c, const struct sim_params *p)
{
    c->clock_mhz = sim_params_u64(p, "endpoint.clock_mhz");
    c->ats = sim_params_bool(p, "endpoint.ats");
    c->atc_entries = (unsigned)sim_params_u64(p, "endpoint.atc_entries");
    c->atc_cycles = sim_params_u64(p, "endpoint.atc_cycles");
    c->ats_req_cycles = sim_params_u64(p, "endpoint.ats_req_cycles");
    c->atc_inv_cycles = sim_params_u64(p, "endpoint.atc_inv_cycles");
    c->atc_inv_respond = sim_params_bool(p, "endpoint.atc_inv_respond");
}

struct block {
    uint64_t pa;
    uint32_t off, len;          /* within the request buffer */
    uint8_t response;           /* 0xFF: translated; else enum smmu_fault_response */
};

struct ep_req {
    struct sim_event ev;
    struct smmu_endpoint *ep;
    struct ep_req *next_free;
    struct smmu_dma_req req;
    struct smmu_dma_result res;
    struct block blocks[EP_MAX_BLOCKS];
    unsigned nblocks;
    smmu_dma_done_fn done;
    void *opaque;
};

struct smmu_endpoint {
    struct smmu *smmu;
    char *name;
    uint32_t sid;
    struct smmu_endpoint_cfg cfg;
    struct sim_clock clock;
    struct smmu_utlb *utlb;
    struct smmu_utlb *atc;      /* NULL without ATS */
    struct ep_req *free;
    GPtrArray *all;
    struct {
        uint64_t transactions, faults, utlb_hits, utlb_misses, atc_hits, atc_misses, atc_invalidations;
    } n;
    struct sim_hist latency;
};

#define BLOCK_OK 0xFFu

/* ---- ATS invalidation (the ATC side of CMD_ATC_INV) ------------------------- */

static bool atc_invalidate(void *opaque, uint32_t ssid, bool ssv, uint64_t addr, unsigned size_log2, bool global,
                           sim_time_t now, sim_time_t *done_at)
{
    struct smmu_endpoint *ep = opaque;
    uint64_t last = size_log2 >= 64 ? UINT64_MAX : addr + ((1ULL << size_log2) - 1);
    /* Without a PASID, or with Global, the request covers every context of
     * the function: a legal over-invalidation (docs/translation.md). */
    bool by_ssid = ssv && !global;
    ep->n.atc_invalidations++;
    smmu_utlb_invalidate_range(ep->atc, ep->sid, by_ssid, ssid, addr, last);
    SIM_TRACE(tp_smmuv3_endpoint, "%s atc_inv ssid=%u ssv=%d addr=0x%" G_GINT64_MODIFIER "x size=2^%u respond=%d",
              ep->name, ssid, ssv, addr, size_log2, ep->cfg.atc_inv_respond);
    if (!ep->cfg.atc_inv_respond)
        return false;
    *done_at = now + sim_cycles(&ep->clock, ep->cfg.atc_inv_cycles);
    return true;
}

static const struct smmu_atc_ops atc_ops = { .invalidate = atc_invalidate };

/* ---- life cycle ----------------------------------------------------------------- */

static void register_stats(struct smmu_endpoint *ep)
{
    struct sim_stats *st = smmu_stats(ep->smmu);
    static const struct { const char *name; size_t off; } c[] = {
#define C(f) { #f, offsetof(struct smmu_endpoint, n.f) }
        C(transactions), C(faults), C(utlb_hits), C(utlb_misses), C(atc_hits), C(atc_misses),
        C(atc_invalidations),
#undef C
    };
    for (size_t i = 0; i < SIM_ARRAY_SIZE(c); i++) {
        char *n = g_strdup_printf("endpoint.%s.%s", ep->name, c[i].name);
        sim_stats_add_counter(st, n, (const uint64_t *)((const char *)ep + c[i].off));
        g_free(n);
    }
    char *n = g_strdup_printf("endpoint.%s.latency", ep->name);
    sim_stats_add_hist(st, n, "ps", &ep->latency);
    g_free(n);
}

struct smmu_endpoint *smmu_endpoint_new(struct smmu *smmu, const char *name, uint32_t sid,
                                        const struct smmu_endpoint_cfg *cfg, GError **err)
{
    if (cfg->clock_mhz == 0 || (cfg->ats && cfg->atc_entries == 0)) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                    "endpoint %s: clock_mhz and atc_entries must be non-zero", name);
        return NULL;
    }
    if (cfg->ats && !smmu->caps.ats) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                    "endpoint %s: ATS requested but the SMMU does not implement ATS (smmu.ats)", name);
        return NULL;
    }
    struct smmu_endpoint *ep = g_new0(struct smmu_endpoint, 1);
    ep->smmu = smmu;
    ep->name = g_strdup(name);
    ep->sid = sid;
    ep->cfg = *cfg;
    ep->clock = sim_clock_mhz(cfg->clock_mhz);
    ep->utlb = smmu_utlb_new((unsigned)smmu->cfg.utlb_entries, smmu->caps.s2);
    ep->all = g_ptr_array_new_with_free_func(g_free);
    sim_hist_init(&ep->latency);
    smmu_attach_utlb(smmu, ep->utlb);
    if (cfg->ats) {
        ep->atc = smmu_utlb_new(cfg->atc_entries, smmu->caps.s2);
        smmu_attach_atc(smmu, sid, &atc_ops, ep);
    }
    register_stats(ep);
    return ep;
}

void smmu_endpoint_free(struct smmu_endpoint *ep)
{
    if (!ep)
        return;
    for (guint i = 0; i < ep->all->len; i++)
        sim_cancel(smmu_sched(ep->smmu), &((struct ep_req *)g_ptr_array_index(ep->all, i))->ev);
    char *prefix = g_strdup_printf("endpoint.%s.", ep->name);
    sim_stats_remove_prefix(smmu_stats(ep->smmu), prefix);
    g_free(prefix);
    smmu_detach_utlb(ep->smmu, ep->utlb);
    if (ep->atc)
        smmu_attach_atc(ep->smmu, ep->sid, NULL, NULL);
    smmu_utlb_free(ep->utlb);
    smmu_utlb_free(ep->atc);
    g_ptr_array_free(ep->all, TRUE);
    g_free(ep->name);
    g_free(ep);
}

uint32_t smmu_endpoint_sid(const struct smmu_endpoint *ep) { return ep->sid; }
struct smmu_utlb *smmu_endpoint_utlb(struct smmu_endpoint *ep) { return ep->utlb; }
struct smmu_utlb *smmu_endpoint_atc(struct smmu_endpoint *ep) { return ep->atc; }

/* ---- one translation block --------------------------------------------------------- */

static struct smmu_tlb_entry entry_of(const struct smmu_endpoint *ep, const struct smmu_txn *t,
                                      const struct smmu_txn_result *r, unsigned size_log2)
{
    struct smmu_tlb_entry e = {
        .va = t->iova, .sid = ep->sid, .ssid = t->ssv ? t->ssid : SMMU_UTLB_NO_SSID, .asid = r->asid,
        .vmid = r->vmid, .stage = r->stage, .level = r->level, .size_log2 = (uint8_t)size_log2,
        .perm = r->perm, .global = r->global, .leaf = true,
    };
    uint64_t mask = size_log2 >= 64 ? UINT64_MAX : (1ULL << size_log2) - 1;
    e.va = t->iova & ~mask;
    e.pa = r->oa - (t->iova & mask);
    return e;
}

/* Translate through the ATC (ATS) or the micro-TLB; returns when the
 * output address is known at the endpoint; *size_log2 the block size. */
static sim_time_t translate_block(struct smmu_endpoint *ep, const struct smmu_txn *t, struct smmu_txn_result *r,
                                  sim_time_t at, bool *atc_hit, bool *utlb_hit)
{
    struct smmu *s = ep->smmu;
    struct smmu_utlb *cache = ep->atc ? ep->atc : ep->utlb;
    sim_time_t lookup = ep->atc ? sim_cycles(&ep->clock, ep->cfg.atc_cycles)
                                : sim_cycles(&s->clock, s->cfg.utlb_lookup);
    const struct smmu_tlb_entry *e = smmu_utlb_lookup(cache, ep->sid, t->ssv, t->ssid, t->iova);
    sim_time_t when = at + lookup;
    if (e && smmu_perm_allows(e->perm, t->access)) {
        *(ep->atc ? atc_hit : utlb_hit) = true;
        ep->atc ? ep->n.atc_hits++ : ep->n.utlb_hits++;
        /* An ATC hit is an ATS-translated transaction: CR0.ATSCHK may make
         * the SMMU check the stream still permits ATS. */
        if (ep->atc && !smmu_ats_translated_check(s, t, r, when, &when))
            return when;
        memset(r, 0, sizeof(*r));
        r->ok = true;
        r->oa = e->pa + (t->iova - e->va);
        r->perm = e->perm;
        r->size_log2 = e->size_log2;
        r->source = SMMU_XLATE_UTLB;
        return when;
    }
    ep->atc ? ep->n.atc_misses++ : ep->n.utlb_misses++;
    if (ep->atc) {
        sim_time_t transport = sim_cycles(&ep->clock, ep->cfg.ats_req_cycles);
        sim_time_t at_tcu = when + transport / 2, back;
        if (smmu_ats_request_check(s, t, r, at_tcu, &back))
            back = smmu_translate_timed(s, t, r, at_tcu);
        when = back + (transport - transport / 2);
    } else {
        when = smmu_translate_timed(s, t, r, when);
    }
    /* GBPA bypass is never cached: it changes with SMMUEN, which no
     * invalidation announces. */
    if (r->ok && SIM_FIELD_EX32(s->cr0ack, CR0, SMMUEN)) {
        unsigned size = ep->atc ? ATC_PAGE_LOG2 : r->size_log2;
        struct smmu_tlb_entry ne = entry_of(ep, t, r, size);
        smmu_utlb_insert(cache, &ne);
    }
    return when;
}

/* ---- transactions ------------------------------------------------------------------ */

static void complete(struct sim_event *ev, void *opaque)
{
    struct ep_req *q = opaque;
    struct smmu_endpoint *ep = q->ep;
    struct sim_mem *mem = smmu_mem(ep->smmu);
    (void)ev;
    bool abort = !q->res.ok && q->res.response == SMMU_FAULT_ABORT;
    bool write = (q->req.access & SMMU_ACCESS_WRITE) != 0;
    for (unsigned i = 0; i < q->nblocks && !abort; i++) {
        struct block *b = &q->blocks[i];
        uint8_t *p = (uint8_t *)q->req.buf + b->off;
        if (b->response != BLOCK_OK) {
            if (!write)
                memset(p, 0, b->len);       /* RAZ/WI */
            continue;
        }
        int rc = write ? sim_mem_write(mem, b->pa, p, b->len) : sim_mem_read(mem, b->pa, p, b->len);
        (void)rc;       /* an aborting memory read returns zeros, as the bus would */
    }
    q->next_free = ep->free;
    ep->free = q;
    sim_hist_record(&ep->latency, q->res.completed - q->res.issued);
    SIM_TRACE(tp_smmuv3_endpoint, "%s done iova=0x%" G_GINT64_MODIFIER "x ok=%d lat=%" G_GUINT64_FORMAT "ps",
              ep->name, q->req.iova, q->res.ok, q->res.completed - q->res.issued);
    q->done(q->opaque, &q->res);
}

static struct ep_req *req_get(struct smmu_endpoint *ep)
{
    struct ep_req *q = ep->free;
    if (q) {
        ep->free = q->next_free;
        return q;
    }
    q = g_new0(struct ep_req, 1);
    q->ep = ep;
    sim_event_init(&q->ev, "endpoint.dma", complete, q);
    g_ptr_array_add(ep->all, q);
    return q;
}

static void note_fault(struct smmu_dma_result *res, const struct smmu_txn_result *r)
{
    if (!res->ok)
        return;             /* report the first fault */
    res->ok = false;
    res->response = r->response;
    res->event = r->event;
}

gboolean smmu_endpoint_dma(struct smmu_endpoint *ep, const struct smmu_dma_req *req, smmu_dma_done_fn done,
                           void *opaque, GError **err)
{
    if (req->len == 0 || req->len > SMMU_EP_MAX_LEN || !req->buf || !done ||
        req->iova > UINT64_MAX - (req->len - 1)) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                    "endpoint %s: DMA of %u bytes at 0x%" G_GINT64_MODIFIER "x: length must be 1..%u within the "
                    "address space, with a buffer and a completion callback", ep->name, req->len, req->iova,
                    SMMU_EP_MAX_LEN);
        return FALSE;
    }
    sim_time_t now = sim_now(smmu_sched(ep->smmu));
    struct ep_req *q = req_get(ep);
    q->req = *req;
    q->done = done;
    q->opaque = opaque;
    q->nblocks = 0;
    memset(&q->res, 0, sizeof(q->res));
    q->res.ok = true;
    q->res.issued = now;
    sim_time_t end = now;
    uint32_t off = 0;
    ep->n.transactions++;
    while (off < req->len) {
        struct smmu_txn t = { ep->sid, req->ssv, req->ssid, req->iova + off, req->access };
        struct smmu_txn_result r;
        bool atc_hit = false, utlb_hit = false;
        sim_time_t when = translate_block(ep, &t, &r, now, &atc_hit, &utlb_hit);
        /* Bytes to the end of the block (4 KiB when it faulted). */
        unsigned size = r.ok ? r.size_log2 : 12;
        uint64_t room = size >= 64 ? UINT64_MAX : (1ULL << size) - (t.iova & ((1ULL << size) - 1));
        uint32_t len = room < req->len - off ? (uint32_t)room : req->len - off;
        struct block *b = &q->blocks[q->nblocks++];
        b->pa = r.oa;
        b->off = off;
        b->len = len;
        b->response = r.ok ? BLOCK_OK : (uint8_t)r.response;
        if (off == 0) {
            q->res.pa = r.oa;
            q->res.atc_hit = atc_hit;
            q->res.utlb_hit = utlb_hit;
        }
        if (!r.ok)
            note_fault(&q->res, &r);
        else
            when += sim_mem_latency(smmu_mem(ep->smmu));
        end = sim_time_max(end, when);
        off += len;
    }
    if (!q->res.ok)
        ep->n.faults++;
    q->res.completed = end;
    sim_schedule(smmu_sched(ep->smmu), &q->ev, end);
    return TRUE;
}
