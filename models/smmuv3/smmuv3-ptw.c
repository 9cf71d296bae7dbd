/*
 * smmuv3-ptw.c — VMSAv8-64 translation table walks for the SMMU
 * (Arm ARM D8 "The AArch64 Virtual Memory System Architecture";
 * IHI 0070 G.b §3.4 stages, §5.4-5.5 fault configuration, §7.3 events;
 * smmuv3.md §4.2 priorities; timing.md §1.2-1.3 walk structure).
 *
 * One walker serves both stages: a `struct stage` gives the granule, the
 * start level (from TxSZ for stage 1, from S2SL0 for stage 2, where up to
 * 16 start tables may be concatenated), the output size and the
 * attributes.  Nested translation runs stage 2 on every stage-1 descriptor
 * address (CLASS = TT) and then on the output IPA (CLASS = IN).  Each
 * descriptor read or hardware update (HTTU) counts one memory access.
 * Nothing here allocates or logs; faults fill the caller's smmu_fault.
 */
#include <string.h>
#include "models/smmuv3/smmuv3-xlate.h"

#define PERM_ALL (SMMU_PERM_UR | SMMU_PERM_UW | SMMU_PERM_UX | SMMU_PERM_PR | SMMU_PERM_PW | SMMU_PERM_PX)

/* Table geometry of one stage. */
struct geom {
    unsigned g;             /* granule shift: 12, 14, 16 */
    unsigned stride;        /* index bits per level: g - 3 */
    int start;              /* start level */
    unsigned start_bits;    /* index bits at the start level (with concatenation) */
};

struct stage {
    bool s2;
    uint8_t cls;            /* stage 2: what is being translated (CD, TT, IN) */
    struct geom gm;
    uint64_t ttb;
    unsigned ia_bits, ps_bits;
    bool big_endian, had, affd, ha, hd;
};

/* A final descriptor and where it came from. */
struct leaf {
    uint64_t desc;
    uint64_t desc_pa, desc_ipa;
    uint8_t desc_s2_perm;   /* stage-2 permission of the descriptor's page (nested) */
    uint64_t table_attrs;   /* APTable/UXNTable/PXNTable gathered on the way */
    int level;
    unsigned size_log2;
    uint64_t oa;
};

struct walker {
    struct sim_mem *mem;
    const struct smmu_s2_cfg *s2;   /* NULL: no stage 2 */
    const struct smmu_cd_cfg *cd;   /* NULL: no stage 1 */
    struct smmu_fault *f;
    unsigned *acc;
};

#define TABLE_ATTR_MASK (R_DESC_PXNTABLE_MASK | R_DESC_UXNTABLE_MASK | R_DESC_APTABLE_MASK)

static bool beyond(uint64_t addr, unsigned bits)
{
    return bits < 64 && (addr >> bits) != 0;
}

static uint64_t low_mask(unsigned bits)
{
    return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

static uint64_t bswap64(uint64_t v)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 8; i++)
        r |= ((v >> (8 * i)) & 0xFF) << (56 - 8 * i);
    return r;
}

/* ---- geometry ---- */

static unsigned level_shift(const struct geom *gm, int level)
{
    return gm->g + (unsigned)(3 - level) * gm->stride;
}

static uint64_t level_index(const struct geom *gm, int level, uint64_t in)
{
    unsigned bits = level == gm->start ? gm->start_bits : gm->stride;
    return (in >> level_shift(gm, level)) & low_mask(bits);
}

/* Blocks: 4 KB granule at levels 1-2, 16 KB and 64 KB at level 2 only
 * (level-1 blocks of those need 52-bit addresses, not modelled). */
static bool block_allowed(unsigned g, int level)
{
    return g == 12 ? (level == 1 || level == 2) : level == 2;
}

/* Stage 1: as many levels as the input size needs. */
static void stage_s1(struct stage *st, const struct smmu_tt_cfg *tt, const struct smmu_cd_cfg *cd)
{
    unsigned g = tt->granule_shift, stride = g - 3;
    unsigned ia = 64u - tt->tsz;
    unsigned levels = (ia - g + stride - 1) / stride;
    memset(st, 0, sizeof(*st));
    st->gm.g = g;
    st->gm.stride = stride;
    st->gm.start = 4 - (int)levels;
    st->gm.start_bits = ia - g - (levels - 1) * stride;
    /* The TTB is aligned to the start table: low bits read as zero. */
    st->ttb = tt->ttb & ~low_mask(st->gm.start_bits + 3);
    st->ia_bits = ia;
    st->ps_bits = cd->ips_bits;
    st->big_endian = cd->big_endian;
    st->had = tt->had;
    st->affd = cd->affd;
    st->ha = cd->ha;
    st->hd = cd->hd;
}

/* Stage 2: start level from S2SL0, checked consistent at STE decode. */
static void stage_s2(struct stage *st, const struct smmu_s2_cfg *s2, uint8_t cls)
{
    memset(st, 0, sizeof(*st));
    st->s2 = true;
    st->cls = cls;
    st->gm.g = s2->granule_shift;
    st->gm.stride = s2->granule_shift - 3u;
    st->gm.start = s2->start_level;
    st->ia_bits = 64u - s2->t0sz;
    st->gm.start_bits = st->ia_bits - level_shift(&st->gm, s2->start_level);
    st->ttb = s2->ttb;
    st->ps_bits = s2->ps_bits;
    st->big_endian = s2->big_endian;
    st->affd = s2->affd;
    st->ha = s2->ha;
    st->hd = s2->hd;
}

/* ---- faults ---- */

static bool stage_fault(struct walker *w, const struct stage *st, uint8_t type, int level, uint64_t in)
{
    struct smmu_fault *f = w->f;
    f->type = type;
    f->level = (uint8_t)level;
    f->s2 = st->s2;
    f->cls = st->s2 ? st->cls : SMMU_EVT_CLASS_IN;
    if (st->s2)
        f->ipa = in;
    return false;
}

static bool walk_eabt(struct walker *w, const struct stage *st, uint64_t pa, int level)
{
    struct smmu_fault *f = w->f;
    f->type = SMMU_EVT_F_WALK_EABT;
    f->level = (uint8_t)level;
    f->s2 = st->s2;
    f->cls = st->s2 ? st->cls : SMMU_EVT_CLASS_TT;
    f->fetch_addr = pa;
    return false;
}

/* ---- permissions ---- */

static uint8_t s1_perm(uint64_t d, uint64_t tattr, const struct smmu_cd_cfg *cd)
{
    unsigned ap = (unsigned)SIM_FIELD_EX64(d, DESC, AP);
    unsigned aptable = (unsigned)SIM_FIELD_EX64(tattr, DESC, APTABLE);
    bool user = (ap & 1) && !(aptable & 1);
    bool ro = (ap & 2) || (aptable & 2);
    uint8_t p = SMMU_PERM_PR | (ro ? 0 : SMMU_PERM_PW);
    if (user)
        p |= SMMU_PERM_UR | (ro ? 0 : SMMU_PERM_UW);
    if (!SIM_FIELD_EX64(d, DESC, XN) && !SIM_FIELD_EX64(tattr, DESC, UXNTABLE))
        p |= SMMU_PERM_UX;
    /* Memory writable at EL0 is never executable at EL1. */
    if (!SIM_FIELD_EX64(d, DESC, PXN) && !SIM_FIELD_EX64(tattr, DESC, PXNTABLE) && !(p & SMMU_PERM_UW))
        p |= SMMU_PERM_PX;
    if (cd->wxn && (p & (SMMU_PERM_PW | SMMU_PERM_UW)))
        p &= (uint8_t)~(SMMU_PERM_PX | SMMU_PERM_UX);
    if (cd->pan && user)
        p &= (uint8_t)~(SMMU_PERM_PR | SMMU_PERM_PW);
    return p;
}

static uint8_t s2_perm(uint64_t d)
{
    unsigned s2ap = (unsigned)SIM_FIELD_EX64(d, DESC, AP);
    uint8_t p = 0;
    if (s2ap & 1)
        p |= SMMU_PERM_UR | SMMU_PERM_PR;
    if (s2ap & 2)
        p |= SMMU_PERM_UW | SMMU_PERM_PW;
    if (!SIM_FIELD_EX64(d, DESC, XN))
        p |= SMMU_PERM_UX | SMMU_PERM_PX;
    return p;
}

bool smmu_perm_allows(uint8_t perm, unsigned access)
{
    bool priv = (access & SMMU_ACCESS_PRIV) != 0;
    if (access & SMMU_ACCESS_WRITE)     /* an instruction write is a data write */
        return perm & (priv ? SMMU_PERM_PW : SMMU_PERM_UW);
    if (access & SMMU_ACCESS_INSN)
        return perm & (priv ? SMMU_PERM_PX : SMMU_PERM_UX);
    return perm & (priv ? SMMU_PERM_PR : SMMU_PERM_UR);
}

static uint8_t stage_perm(const struct walker *w, const struct stage *st, uint64_t d, uint64_t tattr)
{
    return st->s2 ? s2_perm(d) : s1_perm(d, tattr, w->cd);
}

/* ---- descriptor access ---- */

static bool s2_translate(struct walker *w, uint64_t ipa, uint8_t cls, unsigned access, struct leaf *lf,
                         uint8_t *perm);

/* Where a descriptor of `st` at `addr` lives: nested stage-1 tables are
 * at IPAs that stage 2 translates first. */
static bool desc_locate(struct walker *w, const struct stage *st, uint64_t addr, struct leaf *lf)
{
    lf->desc_ipa = addr;
    lf->desc_pa = addr;
    lf->desc_s2_perm = PERM_ALL;
    if (st->s2 || !w->s2)
        return true;
    struct leaf s2lf;
    if (!s2_translate(w, addr, SMMU_EVT_CLASS_TT, SMMU_ACCESS_READ, &s2lf, &lf->desc_s2_perm))
        return false;
    lf->desc_pa = s2lf.oa;
    return true;
}

static bool desc_read(struct walker *w, const struct stage *st, uint64_t pa, int level, uint64_t *d)
{
    (*w->acc)++;
    if (sim_mem_read64(w->mem, pa, d) != SIM_MEM_OK)
        return walk_eabt(w, st, pa, level);
    if (st->big_endian)
        *d = bswap64(*d);
    return true;
}

/* A hardware update of a descriptor (Access flag, dirty state). */
static bool desc_update(struct walker *w, const struct stage *st, const struct leaf *lf, uint64_t d)
{
    if (!st->s2 && w->s2 && !(lf->desc_s2_perm & SMMU_PERM_PW)) {
        struct stage s2st;
        stage_s2(&s2st, w->s2, SMMU_EVT_CLASS_TT);
        w->f->ttrnw = false;
        return stage_fault(w, &s2st, SMMU_EVT_F_PERMISSION, lf->level, lf->desc_ipa);
    }
    (*w->acc)++;
    if (sim_mem_write64(w->mem, lf->desc_pa, st->big_endian ? bswap64(d) : d) != SIM_MEM_OK)
        return walk_eabt(w, st, lf->desc_pa, lf->level);
    return true;
}

/* ---- one stage ---- */

static bool leaf_out(struct walker *w, const struct stage *st, uint64_t in, uint64_t d, int level,
                     struct leaf *lf)
{
    unsigned size = level_shift(&st->gm, level);
    uint64_t base = d & SMMU_DESC_OA_MASK & ~low_mask(size);
    if (beyond(base, st->ps_bits))
        return stage_fault(w, st, SMMU_EVT_F_ADDR_SIZE, level, in);
    lf->desc = d;
    lf->level = level;
    lf->size_log2 = size;
    lf->oa = base | (in & low_mask(size));
    return true;
}

/* Walk the tables of one stage down to a leaf: per level, descriptor
 * fetch (F_WALK_EABT), validity (F_TRANSLATION), output size (F_ADDR_SIZE). */
static bool walk_tables(struct walker *w, const struct stage *st, uint64_t in, struct leaf *lf)
{
    uint64_t table = st->ttb;
    lf->table_attrs = 0;
    for (int level = st->gm.start; level <= 3; level++) {
        uint64_t d;
        if (!desc_locate(w, st, table + level_index(&st->gm, level, in) * 8, lf) ||
            !desc_read(w, st, lf->desc_pa, level, &d))
            return false;
        unsigned type = (unsigned)SIM_FIELD_EX64(d, DESC, TYPE);
        if (!(type & 1) || (type == 1 && (level == 3 || !block_allowed(st->gm.g, level))))
            return stage_fault(w, st, SMMU_EVT_F_TRANSLATION, level, in);
        if (type == 1 || level == 3)
            return leaf_out(w, st, in, d, level, lf);
        table = d & SMMU_DESC_OA_MASK & ~low_mask(st->gm.g);
        if (beyond(table, st->ps_bits))
            return stage_fault(w, st, SMMU_EVT_F_ADDR_SIZE, level, in);
        if (!st->s2 && !st->had)
            lf->table_attrs |= d & TABLE_ATTR_MASK;
    }
    return stage_fault(w, st, SMMU_EVT_F_TRANSLATION, 3, in);   /* not reached: level 3 is a leaf */
}

/* With dirty-state management a write to a clean, DBM page makes it
 * writable: stage 1 clears AP[2], stage 2 sets S2AP[1]. */
static uint64_t mark_dirty(const struct stage *st, uint64_t d)
{
    return st->s2 ? d | (2ULL << R_DESC_AP_SHIFT) : d & ~(2ULL << R_DESC_AP_SHIFT);
}

/* Access flag, then permission; then any hardware update of the leaf. */
static bool leaf_check(struct walker *w, const struct stage *st, uint64_t in, struct leaf *lf,
                       unsigned access, uint8_t *perm)
{
    uint64_t d = lf->desc;
    if (!SIM_FIELD_EX64(d, DESC, AF)) {
        if (!st->ha && !st->affd)
            return stage_fault(w, st, SMMU_EVT_F_ACCESS, lf->level, in);
        if (st->ha)
            d |= R_DESC_AF_MASK;
    }
    *perm = stage_perm(w, st, d, lf->table_attrs);
    if (st->hd && SIM_FIELD_EX64(d, DESC, DBM) && (access & SMMU_ACCESS_WRITE) &&
        !smmu_perm_allows(*perm, access)) {
        uint8_t dirty_perm = stage_perm(w, st, mark_dirty(st, d), lf->table_attrs);
        if (smmu_perm_allows(dirty_perm, access)) {
            d = mark_dirty(st, d);
            *perm = dirty_perm;
        }
    }
    if (!smmu_perm_allows(*perm, access))
        return stage_fault(w, st, SMMU_EVT_F_PERMISSION, lf->level, in);
    if (d != lf->desc && !desc_update(w, st, lf, d))
        return false;
    lf->desc = d;
    return true;
}

/* ---- stage 2 ---- */

/* S2 MemAttr[3:2] = 0b00 is Device memory. */
static bool s2_is_device(uint64_t d)
{
    return (SIM_FIELD_EX64(d, DESC, ATTR) & 0xC) == 0;
}

static bool s2_translate(struct walker *w, uint64_t ipa, uint8_t cls, unsigned access, struct leaf *lf,
                         uint8_t *perm)
{
    struct stage st;
    stage_s2(&st, w->s2, cls);
    if (beyond(ipa, st.ia_bits))
        return stage_fault(w, &st, SMMU_EVT_F_TRANSLATION, st.gm.start, ipa);
    if (!walk_tables(w, &st, ipa, lf))
        return false;
    /* The SMMU's own reads (CD, tables) are permission-checked as reads;
     * TTRnW says so in the record. */
    bool own_fetch = cls != SMMU_EVT_CLASS_IN;
    if (own_fetch)
        w->f->ttrnw = true;
    if (!leaf_check(w, &st, ipa, lf, access, perm))
        return false;
    if (own_fetch && w->s2->ptw && s2_is_device(lf->desc))
        return stage_fault(w, &st, SMMU_EVT_F_PERMISSION, lf->level, ipa);
    return true;
}

bool smmu_s2_translate_fetch(struct sim_mem *mem, const struct smmu_s2_cfg *s2, uint64_t ipa,
                             enum smmu_evt_class cls, uint64_t *pa, struct smmu_fault *f,
                             unsigned *mem_accesses)
{
    struct walker w = { mem, s2, NULL, f, mem_accesses };
    struct leaf lf;
    uint8_t perm;
    if (!s2_translate(&w, ipa, (uint8_t)cls, SMMU_ACCESS_READ, &lf, &perm))
        return false;
    *pa = lf.oa;
    return true;
}

/* ---- stage 1 ---- */

/* VA[top:IA] must be all zeros (TTB0) or all ones (TTB1); TBI moves top
 * from bit 63 to bit 55. */
static bool va_in_range(uint64_t va, const struct smmu_tt_cfg *tt, bool upper)
{
    unsigned top = tt->tbi ? 55 : 63;
    uint64_t mask = low_mask(top + 1) & ~low_mask(64u - tt->tsz);
    return (va & mask) == (upper ? mask : 0);
}

static bool walk_s1(struct walker *w, uint64_t va, unsigned access, struct smmu_walk_result *r)
{
    bool upper = (va >> 55) & 1;
    const struct smmu_tt_cfg *tt = &w->cd->tt[upper];
    struct stage st;
    struct leaf lf;
    if (tt->disabled || !va_in_range(va, tt, upper)) {
        memset(&st, 0, sizeof(st));
        return stage_fault(w, &st, SMMU_EVT_F_TRANSLATION, 0, va);
    }
    stage_s1(&st, tt, w->cd);
    if (!walk_tables(w, &st, va, &lf) || !leaf_check(w, &st, va, &lf, access, &r->s1_perm))
        return false;
    r->ipa = lf.oa;
    r->s1_level = (uint8_t)lf.level;
    r->s1_size_log2 = (uint8_t)lf.size_log2;
    r->global = !SIM_FIELD_EX64(lf.desc, DESC, NG);
    return true;
}

/* ---- the transaction ---- */

void smmu_walk_cfg_init(struct smmu_walk_cfg *w, const struct smmu_features *ft,
                        const struct smmu_ste_cfg *ste, const struct smmu_cd_cfg *cd, uint32_t sid,
                        bool ssv, uint32_t ssid)
{
    memset(w, 0, sizeof(*w));
    w->s1 = ste->s1 && cd != NULL;
    w->s2 = ste->s2;
    if (cd)
        w->s1cfg = *cd;
    w->s2cfg = ste->s2cfg;
    w->oas_bits = (uint8_t)smmu_oas_bits(ft);
    w->ias_bits = (uint8_t)smmu_ias_bits(ft);
    w->sid = sid;
    w->ssv = ssv;
    w->ssid = ssv ? ssid : 0;
}

/* Without stage 1 the input is an IPA (or a PA without stage 2) and must
 * fit the IAS (OAS): F_ADDR_SIZE, stage 1, CLASS = IN otherwise. */
static bool bypass_s1(struct walker *w, const struct smmu_walk_cfg *cfg, uint64_t iova)
{
    struct stage st;
    memset(&st, 0, sizeof(st));
    if (beyond(iova, cfg->s2 ? cfg->ias_bits : cfg->oas_bits))
        return stage_fault(w, &st, SMMU_EVT_F_ADDR_SIZE, 0, iova);
    return true;
}

static void result_combine(const struct smmu_walk_cfg *cfg, struct smmu_walk_result *r)
{
    r->perm = r->s1_perm & r->s2_perm;
    if (cfg->s1 && cfg->s2) {
        r->size_log2 = r->s1_size_log2 < r->s2_size_log2 ? r->s1_size_log2 : r->s2_size_log2;
        r->level = r->s2_level;
    } else if (cfg->s1) {
        r->size_log2 = r->s1_size_log2;
        r->level = r->s1_level;
    } else if (cfg->s2) {
        r->size_log2 = r->s2_size_log2;
        r->level = r->s2_level;
    } else {
        r->size_log2 = 12;
    }
}

bool smmu_walk(struct sim_mem *mem, const struct smmu_walk_cfg *cfg, uint64_t iova, unsigned access,
               struct smmu_walk_result *r, struct smmu_fault *f)
{
    struct walker w = { mem, cfg->s2 ? &cfg->s2cfg : NULL, cfg->s1 ? &cfg->s1cfg : NULL, f,
                        &r->mem_accesses };
    memset(r, 0, sizeof(*r));
    smmu_fault_init(f, cfg->sid, cfg->ssv, cfg->ssid);
    smmu_fault_set_input(f, iova, access);
    r->s1_perm = r->s2_perm = PERM_ALL;
    r->asid = cfg->s1 ? cfg->s1cfg.asid : 0;
    r->vmid = cfg->s2cfg.vmid;
    r->global = true;
    r->ipa = iova;
    if (cfg->s1 ? !walk_s1(&w, iova, access, r) : !bypass_s1(&w, cfg, iova))
        return false;
    r->oa = r->ipa;
    if (cfg->s2) {
        struct leaf lf;
        if (!s2_translate(&w, r->ipa, SMMU_EVT_CLASS_IN, access, &lf, &r->s2_perm))
            return false;
        r->oa = lf.oa;
        r->s2_level = (uint8_t)lf.level;
        r->s2_size_log2 = (uint8_t)lf.size_log2;
    }
    result_combine(cfg, r);
    return true;
}
