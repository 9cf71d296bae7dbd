/*
 * smmuv3-utlb.h — a TBU micro-TLB: the small, fully associative cache in
 * front of one master (timing.md §1.2, gem5's utlb; LRU replacement).
 *
 * It caches final translations per (SubstreamID, address block), so unlike
 * the TCU's TLB its lookups need no configuration: the TBU serves a hit
 * without asking the TCU.  Each entry keeps the TLB tags of the translation
 * it copies (stage, ASID, VMID, global, level), so the invalidations the
 * SMMU broadcasts to TBUs remove exactly the entries a TLBI selects in the
 * main TLB (smmu_tlb_inval_selects), plus — because the entries also depend
 * on the STE and CD they were derived through — every entry of a StreamID
 * (and SubstreamID) a CFGI names.  A nested piece is matched against its
 * stage-1 range (smmu_tlb_inval_span_log2), which is the largest leaf of
 * its level when the filler did not record the stage-1 size, so a
 * stage-1 TLBI never leaves a piece the TLB drops.  Translations of a stream in bypass
 * (stage 0) are dropped by CFGI only.  The SMMU reaches every attached
 * micro-TLB (smmu_attach_utlb).
 */
#ifndef SMMUV3_UTLB_H
#define SMMUV3_UTLB_H

#include "models/smmuv3/smmuv3-tlb.h"
#include "models/smmuv3/smmuv3-cfgcache.h"

/* ssid value of an entry filled by a transaction without a SubstreamID. */
#define SMMU_UTLB_NO_SSID UINT32_MAX

struct smmu_utlb;

/* `entries` >= 1. */
struct smmu_utlb *smmu_utlb_new(unsigned entries, bool match_vmid);
void smmu_utlb_free(struct smmu_utlb *u);
void smmu_utlb_flush(struct smmu_utlb *u);

/* The entry of (sid, ssv/ssid) covering va, or NULL; a hit becomes most
 * recently used.  Valid until the next insert or invalidation. */
const struct smmu_tlb_entry *smmu_utlb_lookup(struct smmu_utlb *u, uint32_t sid, bool ssv, uint32_t ssid,
                                              uint64_t va);
/* e->ssid must be SMMU_UTLB_NO_SSID for no-SubstreamID traffic; va is
 * aligned down to 2^size_log2 here.  A full array evicts its LRU entry. */
void smmu_utlb_insert(struct smmu_utlb *u, const struct smmu_tlb_entry *e);

/* Broadcast invalidations; each returns the number of entries removed. */
uint64_t smmu_utlb_invalidate_tlbi(struct smmu_utlb *u, const struct smmu_tlb_inval *f);
uint64_t smmu_utlb_invalidate_cfgi(struct smmu_utlb *u, const struct smmu_cfg_inval *f);

/* Entries of `sid` overlapping [first, last]: of SubstreamID `ssid` when
 * by_ssid, else of every SubstreamID (and none).  For ATCs. */
uint64_t smmu_utlb_invalidate_range(struct smmu_utlb *u, uint32_t sid, bool by_ssid, uint32_t ssid, uint64_t first,
                                    uint64_t last);

unsigned smmu_utlb_count(const struct smmu_utlb *u);
unsigned smmu_utlb_capacity(const struct smmu_utlb *u);

#endif /* SMMUV3_UTLB_H */
