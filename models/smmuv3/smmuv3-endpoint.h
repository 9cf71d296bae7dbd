/*
 * smmuv3-endpoint.h — a DMA master behind the SMMU: one StreamID, any
 * SubstreamIDs, issuing translated reads and writes through the timed
 * path, optionally with PCIe ATS and its own ATC (IHI 0070 G.b §3.9;
 * timing.md §1.2).
 *
 * A transaction of N bytes at an IOVA is translated per translation block
 * it crosses.  Without ATS each block goes to the endpoint's TBU micro-TLB
 * (smmu.utlb_* parameters, SMMU clock), and on a miss to the TCU
 * (smmu_translate_timed: link, TLB, walk).  With ATS the endpoint looks in
 * its ATC first and on a miss sends a translation request (its round trip
 * in endpoint cycles plus the TCU's work), caching the answer per 4 KiB
 * page.  The SMMU admits requests and ATC hits (ATS-translated
 * transactions) per STE.EATS and CR0.ATSCHK (smmu_ats_request_check,
 * smmu_ats_translated_check; docs/translation.md, ATS): a refused one
 * faults like a failed translation.
 * Then the memory access itself costs sim_mem_latency.  The
 * completion callback runs at the completion time with the latency or the
 * fault: an aborted transaction moves no data; a RAZ/WI one reads zeros
 * and drops writes (per the fault's smmu_fault_action).
 *
 * With ATS the endpoint answers CMD_ATC_INV (smmu_attach_atc): matching
 * ATC entries are dropped at once and the completion message arrives
 * endpoint.atc_inv_cycles later — or never, with endpoint.atc_inv_respond
 * = false; an answer beyond smmu.atc_inv_timeout_cycles makes the next
 * CMD_SYNC fail with CERROR_ATC_INV_SYNC.
 *
 * Statistics under "endpoint.<name>.": transactions, faults, latency (ps
 * histogram), utlb_hits/misses, atc_hits/misses, atc_invalidations.
 */
#ifndef SMMUV3_ENDPOINT_H
#define SMMUV3_ENDPOINT_H

#include "models/smmuv3/smmuv3.h"

/* Largest transaction: 64 KiB (at most 17 translation blocks of 4 KiB). */
#define SMMU_EP_MAX_LEN 0x10000u

struct smmu_endpoint_cfg {
    uint64_t clock_mhz;         /* endpoint clock, for the cycles below */
    bool ats;                   /* use ATS and an ATC */
    unsigned atc_entries;       /* fully associative, LRU */
    uint64_t atc_cycles;        /* ATC lookup */
    uint64_t ats_req_cycles;    /* translation request + completion transport */
    uint64_t atc_inv_cycles;    /* invalidation request to completion message */
    bool atc_inv_respond;       /* false: never answers an invalidation */
};

/* Declare the endpoint.* parameters (smmu_declare_params does it too). */
gboolean smmu_endpoint_declare_params(struct sim_params *p, GError **err);
void smmu_endpoint_cfg_from_params(struct smmu_endpoint_cfg *c, const struct sim_params *p);

struct smmu_endpoint;

/* Errors: a bad configuration (zero clock or ATC size, ATS on a part
 * without ATS).  `name` keys the statistics. */
struct smmu_endpoint *smmu_endpoint_new(struct smmu *smmu, const char *name, uint32_t sid,
                                        const struct smmu_endpoint_cfg *cfg, GError **err);
void smmu_endpoint_free(struct smmu_endpoint *ep);

struct smmu_dma_req {
    bool ssv;
    uint32_t ssid;
    uint64_t iova;
    uint32_t len;               /* 1 .. SMMU_EP_MAX_LEN */
    unsigned access;            /* SMMU_ACCESS_* (WRITE: buf is the source) */
    void *buf;                  /* len bytes; read data lands here at completion */
};

struct smmu_dma_result {
    bool ok;                    /* every block translated */
    enum smmu_fault_response response;  /* !ok: ABORT or RAZWI (of the first faulting block) */
    uint8_t event;              /* !ok: SMMU_EVT_* of the first fault */
    uint64_t pa;                /* output address of the first byte (ok) */
    bool atc_hit, utlb_hit;     /* of the first block */
    sim_time_t issued, completed;
};

typedef void (*smmu_dma_done_fn)(void *opaque, const struct smmu_dma_result *r);

/* Issue now; `done` runs at the completion time.  False (GError) for a
 * malformed request; nothing is issued then. */
gboolean smmu_endpoint_dma(struct smmu_endpoint *ep, const struct smmu_dma_req *req, smmu_dma_done_fn done,
                           void *opaque, GError **err);

uint32_t smmu_endpoint_sid(const struct smmu_endpoint *ep);
/* The endpoint's caches, for tests. */
struct smmu_utlb *smmu_endpoint_utlb(struct smmu_endpoint *ep);
struct smmu_utlb *smmu_endpoint_atc(struct smmu_endpoint *ep);

#endif /* SMMUV3_ENDPOINT_H */
