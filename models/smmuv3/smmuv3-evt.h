/*
 * smmuv3-evt.h — event records: which fields each event type carries
 * (IHI 0070 G.b §7.3, smmuv3.md §4.1-4.2).
 *
 * The encoder itself (smmu_event_encode, smmu_event_name) and the fault
 * disposition (smmu_fault_action) are declared in smmuv3-xlate.h with the
 * fault description they consume; this header exposes the per-type field
 * table so that decoders (tests, trace readers) agree with the encoder.
 */
#ifndef SMMUV3_EVT_H
#define SMMUV3_EVT_H

#include <stdint.h>

/* Fields an event type defines (bit set of smmu_evt_field_mask()). */
enum smmu_evt_field {
    SMMU_EVTF_STREAM = 1u << 0,     /* StreamID */
    SMMU_EVTF_SSID = 1u << 1,       /* SSV + SubstreamID */
    SMMU_EVTF_STALL = 1u << 2,      /* Stall + STAG */
    SMMU_EVTF_ACCESS = 1u << 3,     /* PnU, InD, RnW */
    SMMU_EVTF_STAGE = 1u << 4,      /* S2, CLASS */
    SMMU_EVTF_TTRNW = 1u << 5,      /* TTRnW */
    SMMU_EVTF_INPUT = 1u << 6,      /* InputAddr[63:0] */
    SMMU_EVTF_IPA = 1u << 7,        /* IPA[55:12] in dword 3 (when S2 = 1) */
    SMMU_EVTF_FETCH = 1u << 8,      /* FetchAddr[55:3] in dword 3 */
    SMMU_EVTF_RNW = 1u << 9,        /* RnW alone (F_TRANSL_FORBIDDEN) */
};

/* Record bit positions (dword, shift) of the common fields. */
enum {
    SMMU_EVT_SSV_BIT = 11,          /* dword 0 */
    SMMU_EVT_SSID_SHIFT = 12,       /* dword 0, 20 bits */
    SMMU_EVT_SID_SHIFT = 32,        /* dword 0, 32 bits */
    SMMU_EVT_STAG_SHIFT = 0,        /* dword 1, 16 bits */
    SMMU_EVT_STALL_BIT = 31,        /* dword 1 (bit 95) */
    SMMU_EVT_PNU_BIT = 33,          /* bit 97 */
    SMMU_EVT_IND_BIT = 34,          /* bit 98 */
    SMMU_EVT_RNW_BIT = 35,          /* bit 99 */
    SMMU_EVT_S2_BIT = 39,           /* bit 103 */
    SMMU_EVT_CLASS_SHIFT = 40,      /* bits 105:104 */
    SMMU_EVT_TTRNW_BIT = 44,        /* bit 108 */
};
#define SMMU_EVT_IPA_MASK 0x00FFFFFFFFFFF000ULL     /* dword 3: IPA[55:12] */
#define SMMU_EVT_FETCH_MASK 0x00FFFFFFFFFFFFF8ULL   /* dword 3: FetchAddr[55:3] */

/* The fields `type` defines; 0 for an undefined type. */
unsigned smmu_evt_field_mask(uint8_t type);

#endif /* SMMUV3_EVT_H */
