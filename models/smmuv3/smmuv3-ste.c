/*
 * smmuv3-ste.c — the stream table and Stream Table Entries
 * (IHI 0070 G.b §5.1-5.2, §6.3.24-25; smmuv3.md §3.1-3.2).
 *
 * A StreamID selects a 64-byte STE in a linear table, or through a level-1
 * descriptor (L1STD) in a 2-level table.  The STE decides what happens to
 * the stream's traffic: abort, bypass, stage 1, stage 2 or both.  Every
 * ILLEGAL combination of fields makes the STE unusable and the transaction
 * is terminated with C_BAD_STE.  Also here: the part's feature set and the
 * one memory-read helper all configuration fetches share.
 */
#include <string.h>
#include "models/smmuv3/smmuv3-regs.h"
#include "models/smmuv3/smmuv3-xlate.h"

/* ---- the part ---- */

void smmu_features_from_idr(struct smmu_features *ft, uint32_t idr0, uint32_t idr1, uint32_t idr5,
                            uint32_t cr2)
{
    /* Field positions: smmuv3.md §1.3. */
    memset(ft, 0, sizeof(*ft));
    ft->s2p = sim_extract32(idr0, 0, 1);
    ft->s1p = sim_extract32(idr0, 1, 1);
    ft->ttf = (uint8_t)sim_extract32(idr0, 2, 2);
    ft->httu = (uint8_t)sim_extract32(idr0, 6, 2);
    ft->ats = sim_extract32(idr0, 10, 1);
    ft->asid16 = sim_extract32(idr0, 12, 1);
    ft->vmid16 = sim_extract32(idr0, 18, 1);
    ft->cd2l = sim_extract32(idr0, 19, 1);
    ft->ttendian = (uint8_t)sim_extract32(idr0, 21, 2);
    ft->stall_model = (uint8_t)sim_extract32(idr0, 24, 2);
    ft->term_model = sim_extract32(idr0, 26, 1);
    ft->st_level_2 = sim_extract32(idr0, 27, 2) == 1;
    ft->sidsize = (uint8_t)sim_extract32(idr1, 0, 6);
    ft->ssidsize = (uint8_t)sim_extract32(idr1, 6, 5);
    ft->oas = (uint8_t)sim_extract32(idr5, 0, 3);
    ft->gran4k = sim_extract32(idr5, 4, 1);
    ft->gran16k = sim_extract32(idr5, 5, 1);
    ft->gran64k = sim_extract32(idr5, 6, 1);
    ft->recinvsid = sim_extract32(cr2, 1, 1);
}

unsigned smmu_pa_bits(unsigned enc)
{
    static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48, 52 };
    return enc < SIM_ARRAY_SIZE(bits) ? bits[enc] : 52;
}

unsigned smmu_oas_bits(const struct smmu_features *ft)
{
    unsigned b = smmu_pa_bits(ft->oas);
    return b > 48 ? 48 : b;
}

unsigned smmu_ias_bits(const struct smmu_features *ft)
{
    /* IAS = OAS, or at least 40 when AArch32 (LPAE) tables are supported. */
    unsigned oas = smmu_oas_bits(ft);
    return ((ft->ttf & 1u) && oas < 40) ? 40 : oas;
}

static bool beyond(uint64_t addr, unsigned bits)
{
    return bits < 64 && (addr >> bits) != 0;
}

bool smmu_xlate_read(struct sim_mem *mem, uint64_t pa, uint64_t *dw, unsigned n, unsigned oas_bits,
                     uint8_t fault_type, struct smmu_fault *f, unsigned *mem_accesses)
{
    uint8_t buf[64];
    uint64_t last = pa + (uint64_t)n * 8 - 1;
    (*mem_accesses)++;
    if (last < pa || beyond(last, oas_bits) || sim_mem_read(mem, pa, buf, (size_t)n * 8) != SIM_MEM_OK) {
        f->type = fault_type;
        f->fetch_addr = pa;
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = 0;
        for (unsigned b = 0; b < 8; b++)
            v |= (uint64_t)buf[i * 8 + b] << (8 * b);
        dw[i] = v;
    }
    return true;
}

/* ---- stream table ---- */

static bool bad_streamid(struct smmu_fault *f, uint32_t sid)
{
    f->type = SMMU_EVT_C_BAD_STREAMID;
    f->sid = sid;
    return false;
}

static uint64_t align_down(uint64_t addr, unsigned log2)
{
    return log2 >= 64 ? 0 : addr & ~((1ULL << log2) - 1);
}

/* SPLIT 6, 8 or 10; reserved values behave as 6 (smmuv3.md §3.1). */
static unsigned strtab_split(uint32_t cfg)
{
    unsigned split = SIM_FIELD_EX32(cfg, STRTAB_BASE_CFG, SPLIT);
    return (split == 8 || split == 10) ? split : 6;
}

/* Address of the STE of sid in a 2-level table, through its L1STD. */
static bool strtab_2lvl_locate(struct sim_mem *mem, uint64_t base, uint32_t cfg, unsigned log2size,
                               uint32_t sid, const struct smmu_features *ft, uint64_t *ste_addr,
                               struct smmu_fault *f, unsigned *acc)
{
    unsigned split = strtab_split(cfg);
    unsigned l1_log2 = log2size > split ? log2size - split : 0;
    uint64_t l1base = align_down(base, l1_log2 + 3 > 6 ? l1_log2 + 3 : 6);
    uint64_t l1std;
    if (!smmu_xlate_read(mem, l1base + (uint64_t)(sid >> split) * 8, &l1std, 1, smmu_oas_bits(ft),
                         SMMU_EVT_F_STE_FETCH, f, acc))
        return false;
    unsigned span = (unsigned)SIM_FIELD_EX64(l1std, L1STD, SPAN);
    if (span == 0 || span >= 12 || span > split + 1)
        return bad_streamid(f, sid);
    uint32_t l2idx = sid & ((1u << split) - 1);
    if (l2idx >= (1u << (span - 1)))
        return bad_streamid(f, sid);
    uint64_t l2ptr = SIM_FIELD_EX64(l1std, L1STD, L2PTR) << 6;
    *ste_addr = align_down(l2ptr, span - 1 + 6) + (uint64_t)l2idx * 64;
    return true;
}

bool smmu_ste_fetch(struct sim_mem *mem, uint64_t strtab_base, uint32_t strtab_cfg, uint32_t sid,
                    const struct smmu_features *ft, uint64_t ste[8], struct smmu_fault *f,
                    unsigned *mem_accesses)
{
    unsigned log2size = SIM_FIELD_EX32(strtab_cfg, STRTAB_BASE_CFG, LOG2SIZE);
    if (log2size > ft->sidsize)
        log2size = ft->sidsize;
    f->sid = sid;
    if (log2size < 32 && (sid >> log2size) != 0)
        return bad_streamid(f, sid);
    uint64_t base = SIM_FIELD_EX64(strtab_base, STRTAB_BASE, ADDR) << 6;
    uint64_t ste_addr;
    /* FMT 2-level without ST_LEVEL support, and reserved FMTs, read as
     * linear (docs/translation.md). */
    if (SIM_FIELD_EX32(strtab_cfg, STRTAB_BASE_CFG, FMT) == 1 && ft->st_level_2) {
        if (!strtab_2lvl_locate(mem, base, strtab_cfg, log2size, sid, ft, &ste_addr, f, mem_accesses))
            return false;
    } else {
        ste_addr = align_down(base, log2size + 6) + (uint64_t)sid * 64;
    }
    return smmu_xlate_read(mem, ste_addr, ste, 8, smmu_oas_bits(ft), SMMU_EVT_F_STE_FETCH, f,
                           mem_accesses);
}

/* ---- STE decode ---- */

static bool bad_ste(struct smmu_fault *f)
{
    f->type = SMMU_EVT_C_BAD_STE;
    return false;
}

static bool ste_decode_s1(const uint64_t ste[8], const struct smmu_features *ft, struct smmu_ste_cfg *c)
{
    c->s1fmt = (uint8_t)SIM_FIELD_EX64(ste[0], STE0, S1FMT);
    c->s1_ctx_ptr = SIM_FIELD_EX64(ste[0], STE0, S1CTXPTR) << 6;
    c->s1cdmax = (uint8_t)SIM_FIELD_EX64(ste[0], STE0, S1CDMAX);
    c->s1dss = (uint8_t)SIM_FIELD_EX64(ste[1], STE1, S1DSS);
    c->s1stalld = SIM_FIELD_EX64(ste[1], STE1, S1STALLD);
    if (c->s1cdmax > ft->ssidsize)
        return false;
    if (c->s1cdmax == 0) {
        c->s1fmt = 0;           /* S1Fmt and S1DSS are ignored for one CD */
        c->s1dss = 0;
    } else if (c->s1fmt == 3 || (c->s1fmt != 0 && !ft->cd2l) || c->s1dss == 3) {
        return false;
    }
    if (c->s1stalld && ft->stall_model != 0)
        return false;
    return !beyond(c->s1_ctx_ptr, smmu_ias_bits(ft));
}

/* Start level from S2SL0 (Arm ARM AArch64.S2InvalidSL); -1 if invalid. */
static int s2_start_level(unsigned sl0, unsigned g, const struct smmu_features *ft)
{
    if (sl0 == 3)
        return -1;
    if (g == 12)
        return (sl0 == 2 && smmu_oas_bits(ft) < 44) ? -1 : 2 - (int)sl0;
    /* 16 KB and 64 KB: SL0 0/1/2 = level 3/2/1; 64 KB level 1 needs 52-bit PAs. */
    if (g == 16 && sl0 == 2)
        return -1;
    return 3 - (int)sl0;
}

/* S2T0SZ consistent with the start level: the input must need the start
 * level and fit in at most 16 concatenated start tables. */
static bool s2_geometry(struct smmu_s2_cfg *s2, unsigned sl0, const struct smmu_features *ft)
{
    unsigned g = s2->granule_shift, stride = g - 3;
    unsigned ias = smmu_ias_bits(ft);
    unsigned min_t0sz = 64 - ias > 16 ? 64 - ias : 16;
    if (s2->t0sz < min_t0sz || s2->t0sz > 39)
        return false;
    int sl = s2_start_level(sl0, g, ft);
    if (sl < 0)
        return false;
    unsigned ia = 64 - s2->t0sz;
    unsigned below = (unsigned)(3 - sl) * stride + g;   /* bits resolved below the start level */
    if (ia < below + 1 || ia > below + stride + 4)
        return false;
    s2->start_level = (int8_t)sl;
    s2->concat_log2 = (uint8_t)(ia - below > stride ? ia - below - stride : 0);
    return true;
}

static unsigned s2_granule(unsigned tg, const struct smmu_features *ft)
{
    switch (tg) {
    case 0: return ft->gran4k ? 12 : 0;
    case 1: return ft->gran64k ? 16 : 0;
    case 2: return ft->gran16k ? 14 : 0;
    default: return 0;
    }
}

bool smmu_endian_supported(const struct smmu_features *ft, bool big_endian)
{
    return !((big_endian && ft->ttendian == 2) || (!big_endian && ft->ttendian == 3));
}

static bool ste_decode_s2(const uint64_t ste[8], const struct smmu_features *ft, struct smmu_s2_cfg *s2)
{
    unsigned ps = (unsigned)SIM_FIELD_EX64(ste[2], STE2, S2PS);
    s2->t0sz = (uint8_t)SIM_FIELD_EX64(ste[2], STE2, S2T0SZ);
    s2->granule_shift = (uint8_t)s2_granule((unsigned)SIM_FIELD_EX64(ste[2], STE2, S2TG), ft);
    s2->big_endian = SIM_FIELD_EX64(ste[2], STE2, S2ENDI);
    s2->affd = SIM_FIELD_EX64(ste[2], STE2, S2AFFD);
    s2->ptw = SIM_FIELD_EX64(ste[2], STE2, S2PTW);
    s2->hd = SIM_FIELD_EX64(ste[2], STE2, S2HD);
    s2->ha = SIM_FIELD_EX64(ste[2], STE2, S2HA);
    s2->s = SIM_FIELD_EX64(ste[2], STE2, S2S);
    s2->r = SIM_FIELD_EX64(ste[2], STE2, S2R);
    s2->ttb = SIM_FIELD_EX64(ste[3], STE3, S2TTB) << 4;
    if (!ft->vmid16 && (s2->vmid >> 8) != 0)
        return false;
    if (!SIM_FIELD_EX64(ste[2], STE2, S2AA64) || s2->granule_shift == 0 || ps > 6)
        return false;
    s2->ps_bits = (uint8_t)(smmu_pa_bits(ps) < smmu_oas_bits(ft) ? smmu_pa_bits(ps) : smmu_oas_bits(ft));
    if (!s2_geometry(s2, (unsigned)SIM_FIELD_EX64(ste[2], STE2, S2SL0), ft))
        return false;
    if (!smmu_endian_supported(ft, s2->big_endian) || (s2->ha && ft->httu < 1) || (s2->hd && ft->httu < 2))
        return false;
    if ((s2->s && ft->stall_model == 1) || (!s2->s && ft->stall_model == 2))
        return false;
    /* The start table(s) must lie within the PA size, aligned to their size. */
    unsigned ia = 64u - s2->t0sz;
    unsigned below = (unsigned)(3 - s2->start_level) * (s2->granule_shift - 3u) + s2->granule_shift;
    unsigned table_log2 = ia - below + 3;
    return !beyond(s2->ttb, s2->ps_bits) && (s2->ttb & ((1ULL << table_log2) - 1)) == 0;
}

/* Fields every translating configuration shares: StreamWorld and ATS. */
static bool ste_common_ok(const uint64_t ste[8], const struct smmu_features *ft, struct smmu_ste_cfg *c)
{
    c->strw = (uint8_t)SIM_FIELD_EX64(ste[1], STE1, STRW);
    c->eats = ft->ats ? (uint8_t)SIM_FIELD_EX64(ste[1], STE1, EATS) : 0;
    c->mev = SIM_FIELD_EX64(ste[1], STE1, MEV);
    /* Only the NS-EL1 StreamWorld exists on a part without HYP/Secure. */
    if (c->strw != 0)
        return false;
    return c->eats != 3 && !(c->eats == 2 && c->mode != SMMU_STE_NESTED);
}

bool smmu_ste_decode(const uint64_t ste[8], const struct smmu_features *ft, struct smmu_ste_cfg *cfg,
                     struct smmu_fault *f)
{
    static const enum smmu_ste_mode modes[4] = { SMMU_STE_BYPASS, SMMU_STE_S1, SMMU_STE_S2, SMMU_STE_NESTED };
    memset(cfg, 0, sizeof(*cfg));
    if (!SIM_FIELD_EX64(ste[0], STE0, V))
        return bad_ste(f);
    unsigned config = (unsigned)SIM_FIELD_EX64(ste[0], STE0, CONFIG);
    if (!(config & 4)) {
        cfg->mode = SMMU_STE_ABORT;     /* 0b0xx: abort, no event */
        return true;
    }
    cfg->mode = modes[config & 3];
    cfg->s1 = config & 1;
    cfg->s2 = (config & 2) != 0;
    if ((cfg->s1 && !ft->s1p) || (cfg->s2 && !ft->s2p) || !ste_common_ok(ste, ft, cfg))
        return bad_ste(f);
    /* The VMID tags stage-1-only TLB entries too when stage 2 exists. */
    cfg->s2cfg.vmid = ft->s2p ? (uint16_t)SIM_FIELD_EX64(ste[2], STE2, S2VMID) : 0;
    if (cfg->s1 && !ste_decode_s1(ste, ft, cfg))
        return bad_ste(f);
    if (cfg->s2 && !ste_decode_s2(ste, ft, &cfg->s2cfg))
        return bad_ste(f);
    return true;
}

void smmu_gbpa_cfg(uint32_t gbpa, struct smmu_ste_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    /* GBPA.ABORT is bit 20 (smmuv3.md §1.1). */
    cfg->mode = sim_extract32(gbpa, 20, 1) ? SMMU_STE_ABORT : SMMU_STE_BYPASS;
}
