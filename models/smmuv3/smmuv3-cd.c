/*
 * smmuv3-cd.c — Context Descriptors and CD tables
 * (IHI 0070 G.b §5.3-5.5, §3.9 SubstreamIDs; smmuv3.md §3.2-3.3).
 *
 * A stream with stage 1 owns a table of 2^S1CDMax CDs at S1ContextPtr,
 * linear or 2-level (L1CDs pointing at leaves of 64 or 1024 CDs).  The
 * SubstreamID selects the CD; traffic without one uses CD 0 or is handled
 * per STE.S1DSS.  With stage 2 enabled the table addresses are IPAs, so
 * every L1CD and CD fetch goes through a stage-2 translation whose faults
 * are reported with CLASS = CD.  A CD with an ILLEGAL field is C_BAD_CD.
 */
#include <string.h>
#include "models/smmuv3/smmuv3-xlate.h"

static enum smmu_cd_result cd_fault(struct smmu_fault *f, uint8_t type)
{
    f->type = type;
    return SMMU_CD_FAULT;
}

bool smmu_ssid_allowed(const struct smmu_ste_cfg *ste, const struct smmu_features *ft, bool ssv,
                       struct smmu_fault *f)
{
    (void)ft;
    if (!ssv || ste->mode == SMMU_STE_ABORT || ste->s1)
        return true;
    f->type = SMMU_EVT_C_BAD_SUBSTREAMID;
    return false;
}

/* Which CD a transaction uses (smmuv3.md §3.2 S1CDMax/S1DSS, §4.2). */
static enum smmu_cd_result cd_index(const struct smmu_ste_cfg *ste, bool ssv, uint32_t ssid,
                                    const struct smmu_features *ft, uint32_t *idx, struct smmu_fault *f)
{
    *idx = 0;
    if (!ssv) {
        if (ste->s1cdmax == 0 || ste->s1dss == 2)
            return SMMU_CD_OK;
        return ste->s1dss == 1 ? SMMU_CD_S1_BYPASS : cd_fault(f, SMMU_EVT_F_STREAM_DISABLED);
    }
    if (ft->ssidsize == 0 || ste->s1cdmax == 0 || (ssid >> ste->s1cdmax) != 0)
        return cd_fault(f, SMMU_EVT_C_BAD_SUBSTREAMID);
    if (ssid == 0 && ste->s1dss == 2)
        return cd_fault(f, SMMU_EVT_F_STREAM_DISABLED);
    *idx = ssid;
    return SMMU_CD_OK;
}

/* Read n dwords of a CD-table structure at an address that is an IPA when
 * stage 2 is enabled. */
static bool cd_read(struct sim_mem *mem, const struct smmu_ste_cfg *ste, uint64_t addr, uint64_t *dw,
                    unsigned n, const struct smmu_features *ft, struct smmu_fault *f, unsigned *acc)
{
    uint64_t pa = addr;
    if (ste->s2 && !smmu_s2_translate_fetch(mem, &ste->s2cfg, addr, SMMU_EVT_CLASS_CD, &pa, f, acc))
        return false;
    return smmu_xlate_read(mem, pa, dw, n, smmu_oas_bits(ft), SMMU_EVT_F_CD_FETCH, f, acc);
}

/* Address of CD idx in a 2-level table: L1CD, then a leaf of 64 (S1Fmt 1,
 * 4 KB) or 1024 (S1Fmt 2, 64 KB) CDs aligned to its size. */
static enum smmu_cd_result cd_2lvl_locate(struct sim_mem *mem, const struct smmu_ste_cfg *ste, uint32_t idx,
                                          const struct smmu_features *ft, uint64_t *cd_addr,
                                          struct smmu_fault *f, unsigned *acc)
{
    unsigned leaf_log2 = ste->s1fmt == 1 ? 6 : 10;
    uint64_t l1cd;
    if (!cd_read(mem, ste, ste->s1_ctx_ptr + (uint64_t)(idx >> leaf_log2) * 8, &l1cd, 1, ft, f, acc))
        return SMMU_CD_FAULT;
    if (!SIM_FIELD_EX64(l1cd, L1CD, V))
        return cd_fault(f, SMMU_EVT_C_BAD_SUBSTREAMID);
    uint64_t leaf = (SIM_FIELD_EX64(l1cd, L1CD, L2PTR) << 12) & ~((1ULL << (leaf_log2 + 6)) - 1);
    *cd_addr = leaf + (uint64_t)(idx & ((1u << leaf_log2) - 1)) * 64;
    return SMMU_CD_OK;
}

enum smmu_cd_result smmu_cd_fetch(struct sim_mem *mem, const struct smmu_ste_cfg *ste, bool ssv,
                                  uint32_t ssid, const struct smmu_features *ft, uint64_t cd[8],
                                  struct smmu_fault *f, unsigned *mem_accesses)
{
    uint32_t idx;
    enum smmu_cd_result res = cd_index(ste, ssv, ssid, ft, &idx, f);
    if (res != SMMU_CD_OK)
        return res;
    uint64_t addr = ste->s1_ctx_ptr + (uint64_t)idx * 64;
    if (ste->s1fmt != 0) {
        res = cd_2lvl_locate(mem, ste, idx, ft, &addr, f, mem_accesses);
        if (res != SMMU_CD_OK)
            return res;
    }
    return cd_read(mem, ste, addr, cd, 8, ft, f, mem_accesses) ? SMMU_CD_OK : SMMU_CD_FAULT;
}

/* ---- CD decode ---- */

/* TG0 and TG1 encode the granule differently (smmuv3.md §3.3). */
static unsigned tg_granule(unsigned tg, bool tt1, const struct smmu_features *ft)
{
    static const uint8_t tg0[4] = { 12, 16, 14, 0 };
    static const uint8_t tg1[4] = { 0, 14, 12, 16 };
    unsigned g = tt1 ? tg1[tg] : tg0[tg];
    if ((g == 12 && !ft->gran4k) || (g == 14 && !ft->gran16k) || (g == 16 && !ft->gran64k))
        return 0;
    return g;
}

/* One translation table half; an enabled half must be fully legal. */
static bool cd_decode_tt(struct smmu_tt_cfg *tt, unsigned tsz, unsigned tg, bool tt1, uint64_t ttb,
                         unsigned ips_bits, const struct smmu_features *ft)
{
    tt->tsz = (uint8_t)tsz;
    tt->ttb = ttb;
    tt->granule_shift = (uint8_t)tg_granule(tg, tt1, ft);
    if (tt->disabled)
        return true;
    if (tsz < 16 || tsz > 39 || tt->granule_shift == 0)
        return false;
    return ips_bits >= 64 || (ttb >> ips_bits) == 0;
}

static bool cd_fault_model_ok(const struct smmu_cd_cfg *c, const struct smmu_ste_cfg *ste,
                              const struct smmu_features *ft)
{
    bool stall_forbidden = ft->stall_model == 1 || (ft->stall_model == 0 && ste->s1stalld);
    if ((c->s && stall_forbidden) || (!c->s && ft->stall_model == 2))
        return false;
    return !(ft->term_model && !c->a);
}

static void cd_decode_flags(const uint64_t cd[8], struct smmu_cd_cfg *c)
{
    c->asid = (uint16_t)SIM_FIELD_EX64(cd[0], CD0, ASID);
    c->big_endian = SIM_FIELD_EX64(cd[0], CD0, ENDI);
    c->affd = SIM_FIELD_EX64(cd[0], CD0, AFFD);
    c->wxn = SIM_FIELD_EX64(cd[0], CD0, WXN);
    c->pan = SIM_FIELD_EX64(cd[0], CD0, PAN);
    c->ha = SIM_FIELD_EX64(cd[0], CD0, HA);
    c->hd = SIM_FIELD_EX64(cd[0], CD0, HD);
    c->s = SIM_FIELD_EX64(cd[0], CD0, S);
    c->r = SIM_FIELD_EX64(cd[0], CD0, R);
    c->a = SIM_FIELD_EX64(cd[0], CD0, A);
    c->tt[0].disabled = SIM_FIELD_EX64(cd[0], CD0, EPD0);
    c->tt[1].disabled = SIM_FIELD_EX64(cd[0], CD0, EPD1);
    c->tt[0].tbi = SIM_FIELD_EX64(cd[0], CD0, TBI0);
    c->tt[1].tbi = SIM_FIELD_EX64(cd[0], CD0, TBI1);
    c->tt[0].had = SIM_FIELD_EX64(cd[1], CD1, HAD0);
    c->tt[1].had = SIM_FIELD_EX64(cd[2], CD2, HAD1);
}

static bool cd_decode_checked(const uint64_t cd[8], const struct smmu_ste_cfg *ste,
                              const struct smmu_features *ft, struct smmu_cd_cfg *c)
{
    if (!SIM_FIELD_EX64(cd[0], CD0, V) || !SIM_FIELD_EX64(cd[0], CD0, AA64))
        return false;
    unsigned ips = (unsigned)SIM_FIELD_EX64(cd[0], CD0, IPS);
    if (ips > 6)
        return false;
    c->ips_bits = (uint8_t)(smmu_pa_bits(ips) < smmu_oas_bits(ft) ? smmu_pa_bits(ips) : smmu_oas_bits(ft));
    cd_decode_flags(cd, c);
    if (!cd_decode_tt(&c->tt[0], (unsigned)SIM_FIELD_EX64(cd[0], CD0, T0SZ),
                      (unsigned)SIM_FIELD_EX64(cd[0], CD0, TG0), false, SIM_FIELD_EX64(cd[1], CD1, TTB0) << 4,
                      c->ips_bits, ft))
        return false;
    if (!cd_decode_tt(&c->tt[1], (unsigned)SIM_FIELD_EX64(cd[0], CD0, T1SZ),
                      (unsigned)SIM_FIELD_EX64(cd[0], CD0, TG1), true, SIM_FIELD_EX64(cd[2], CD2, TTB1) << 4,
                      c->ips_bits, ft))
        return false;
    if (!smmu_endian_supported(ft, c->big_endian))
        return false;
    if ((c->ha && ft->httu < 1) || (c->hd && ft->httu < 2) || (!ft->asid16 && (c->asid >> 8) != 0))
        return false;
    return cd_fault_model_ok(c, ste, ft);
}

bool smmu_cd_decode(const uint64_t cd[8], const struct smmu_ste_cfg *ste,
                    const struct smmu_features *ft, struct smmu_cd_cfg *cfg, struct smmu_fault *f)
{
    memset(cfg, 0, sizeof(*cfg));
    if (cd_decode_checked(cd, ste, ft, cfg))
        return true;
    f->type = SMMU_EVT_C_BAD_CD;
    return false;
}
