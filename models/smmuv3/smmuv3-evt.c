/*
 * smmuv3-evt.c — event records and the fate of a faulting transaction
 * (IHI 0070 G.b §3.5.5 A/R/S, §7.3; smmuv3.md §3.3, §4.1-4.2).
 *
 * A fault (struct smmu_fault) becomes a 32-byte record by one table that
 * says which fields each event type defines; fields a type does not define
 * stay zero, as the architecture has them RES0.  smmu_fault_action()
 * applies the fault configuration: CD.A/R/S for stage-1 translation-class
 * faults, STE.S2R/S2S for stage 2, CR2.RECINVSID for C_BAD_STREAMID.
 */
#include <string.h>
#include "models/smmuv3/smmuv3-evt.h"
#include "models/smmuv3/smmuv3-xlate.h"

#define F_ID (SMMU_EVTF_STREAM | SMMU_EVTF_SSID)
#define F_XLATE (F_ID | SMMU_EVTF_STALL | SMMU_EVTF_ACCESS | SMMU_EVTF_STAGE | SMMU_EVTF_INPUT | SMMU_EVTF_IPA)

struct evt_desc {
    const char *name;
    unsigned fields;
};

static const struct evt_desc evt_table[256] = {
    [SMMU_EVT_F_UUT] = { "F_UUT", F_ID | SMMU_EVTF_ACCESS | SMMU_EVTF_INPUT },
    [SMMU_EVT_C_BAD_STREAMID] = { "C_BAD_STREAMID", F_ID },
    [SMMU_EVT_F_STE_FETCH] = { "F_STE_FETCH", F_ID | SMMU_EVTF_FETCH },
    [SMMU_EVT_C_BAD_STE] = { "C_BAD_STE", F_ID },
    [SMMU_EVT_F_BAD_ATS_TREQ] = { "F_BAD_ATS_TREQ", F_ID | SMMU_EVTF_ACCESS | SMMU_EVTF_INPUT },
    [SMMU_EVT_F_STREAM_DISABLED] = { "F_STREAM_DISABLED", F_ID },
    [SMMU_EVT_F_TRANSL_FORBIDDEN] = { "F_TRANSL_FORBIDDEN", SMMU_EVTF_STREAM | SMMU_EVTF_RNW | SMMU_EVTF_INPUT },
    [SMMU_EVT_C_BAD_SUBSTREAMID] = { "C_BAD_SUBSTREAMID", F_ID },
    [SMMU_EVT_F_CD_FETCH] = { "F_CD_FETCH", F_ID | SMMU_EVTF_FETCH },
    [SMMU_EVT_C_BAD_CD] = { "C_BAD_CD", F_ID },
    [SMMU_EVT_F_WALK_EABT] = { "F_WALK_EABT", F_ID | SMMU_EVTF_STALL | SMMU_EVTF_ACCESS | SMMU_EVTF_STAGE |
                                                  SMMU_EVTF_INPUT | SMMU_EVTF_FETCH },
    [SMMU_EVT_F_TRANSLATION] = { "F_TRANSLATION", F_XLATE },
    [SMMU_EVT_F_ADDR_SIZE] = { "F_ADDR_SIZE", F_XLATE },
    [SMMU_EVT_F_ACCESS] = { "F_ACCESS", F_XLATE },
    [SMMU_EVT_F_PERMISSION] = { "F_PERMISSION", F_XLATE | SMMU_EVTF_TTRNW },
    [SMMU_EVT_F_TLB_CONFLICT] = { "F_TLB_CONFLICT", F_ID | SMMU_EVTF_ACCESS | SMMU_EVTF_INPUT },
    [SMMU_EVT_F_CFG_CONFLICT] = { "F_CFG_CONFLICT", F_ID | SMMU_EVTF_ACCESS | SMMU_EVTF_INPUT },
    [SMMU_EVT_E_PAGE_REQUEST] = { "E_PAGE_REQUEST", F_ID | SMMU_EVTF_ACCESS | SMMU_EVTF_INPUT },
    [SMMU_EVT_F_VMS_FETCH] = { "F_VMS_FETCH", SMMU_EVTF_STREAM | SMMU_EVTF_FETCH },
};

unsigned smmu_evt_field_mask(uint8_t type)
{
    return evt_table[type].fields;
}

const char *smmu_event_name(uint8_t type)
{
    return evt_table[type].name ? evt_table[type].name : "RESERVED";
}

void smmu_fault_init(struct smmu_fault *f, uint32_t sid, bool ssv, uint32_t ssid)
{
    memset(f, 0, sizeof(*f));
    f->sid = sid;
    f->ssv = ssv;
    f->ssid = ssv ? ssid : 0;
}

static uint64_t bit(bool v, unsigned pos)
{
    return (uint64_t)(v ? 1u : 0u) << pos;
}

static uint64_t encode_dword0(const struct smmu_fault *f, unsigned fields)
{
    uint64_t d = f->type;
    if (fields & SMMU_EVTF_SSID)
        d |= bit(f->ssv, SMMU_EVT_SSV_BIT) | ((uint64_t)(f->ssid & 0xFFFFFu) << SMMU_EVT_SSID_SHIFT);
    if (fields & SMMU_EVTF_STREAM)
        d |= (uint64_t)f->sid << SMMU_EVT_SID_SHIFT;
    return d;
}

static uint64_t encode_dword1(const struct smmu_fault *f, unsigned fields)
{
    uint64_t d = 0;
    if ((fields & SMMU_EVTF_STALL) && f->stall)
        d |= bit(true, SMMU_EVT_STALL_BIT) | ((uint64_t)f->stag << SMMU_EVT_STAG_SHIFT);
    if (fields & SMMU_EVTF_ACCESS)
        d |= bit(f->pnu, SMMU_EVT_PNU_BIT) | bit(f->ind, SMMU_EVT_IND_BIT);
    if (fields & (SMMU_EVTF_ACCESS | SMMU_EVTF_RNW))
        d |= bit(f->rnw, SMMU_EVT_RNW_BIT);
    if (fields & SMMU_EVTF_STAGE)
        d |= bit(f->s2, SMMU_EVT_S2_BIT) | ((uint64_t)(f->cls & 3u) << SMMU_EVT_CLASS_SHIFT);
    /* TTRnW is defined only for a permission fault on a table access. */
    if ((fields & SMMU_EVTF_TTRNW) && f->cls == SMMU_EVT_CLASS_TT)
        d |= bit(f->ttrnw, SMMU_EVT_TTRNW_BIT);
    return d;
}

static uint64_t encode_dword3(const struct smmu_fault *f, unsigned fields)
{
    if (fields & SMMU_EVTF_FETCH)
        return f->fetch_addr & SMMU_EVT_FETCH_MASK;
    /* The IPA is only meaningful for a stage-2 fault. */
    if ((fields & SMMU_EVTF_IPA) && f->s2)
        return f->ipa & SMMU_EVT_IPA_MASK;
    return 0;
}

void smmu_event_encode(const struct smmu_fault *f, uint64_t rec[4])
{
    unsigned fields = evt_table[f->type].fields;
    rec[0] = encode_dword0(f, fields);
    rec[1] = encode_dword1(f, fields);
    rec[2] = (fields & SMMU_EVTF_INPUT) ? f->input_addr : 0;
    rec[3] = encode_dword3(f, fields);
}

static bool is_translation_class(uint8_t type)
{
    return type == SMMU_EVT_F_TRANSLATION || type == SMMU_EVT_F_ADDR_SIZE || type == SMMU_EVT_F_ACCESS ||
           type == SMMU_EVT_F_PERMISSION;
}

/* A/R/S (smmuv3.md §3.3): S forces the record; R = 0 suppresses it. */
static struct smmu_fault_action ars_action(bool a, bool r, bool s)
{
    struct smmu_fault_action act;
    if (s) {
        act.response = SMMU_FAULT_STALL;
        act.record = true;
        return act;
    }
    act.response = a ? SMMU_FAULT_ABORT : SMMU_FAULT_RAZWI;
    act.record = r;
    return act;
}

struct smmu_fault_action smmu_fault_action(const struct smmu_fault *f, const struct smmu_features *ft,
                                           const struct smmu_ste_cfg *ste, const struct smmu_cd_cfg *cd)
{
    struct smmu_fault_action act = { SMMU_FAULT_ABORT, true };
    if (f->type == SMMU_EVT_C_BAD_STREAMID) {
        act.record = ft->recinvsid;
        return act;
    }
    if (!is_translation_class(f->type))
        return act;
    if (f->s2)
        return ste ? ars_action(true, ste->s2cfg.r, ste->s2cfg.s) : act;
    /* A stage-1 fault without a CD (input beyond the IAS with stage 1
     * bypassed) has no fault configuration: abort and record. */
    return cd ? ars_action(cd->a, cd->r, cd->s) : act;
}

void smmu_fault_set_input(struct smmu_fault *f, uint64_t input_addr, unsigned access)
{
    f->input_addr = input_addr;
    f->rnw = !(access & SMMU_ACCESS_WRITE);
    f->ind = (access & SMMU_ACCESS_INSN) != 0;
    f->pnu = (access & SMMU_ACCESS_PRIV) != 0;
}
