/*
 * smmuv3-xlate.h — the SMMUv3 translation core: stream table, STE and CD
 * decode, VMSAv8-64 table walks, faults and event records
 * (IHI 0070 G.b §3.3-3.9, §5.1-5.5, §7.3; smmuv3.md §3-§4).
 *
 * Everything here is a pure function of simulated memory, the features of
 * the part (struct smmu_features) and its inputs: no allocation, no
 * logging, no time.  Each function that reads memory adds the number of
 * memory accesses it made to a caller-supplied counter, so the caller
 * charges time as accesses x memory latency (timing.md §1.3).
 *
 * Failure protocol.  A function that can fault returns true on success.
 * On false it has filled `*f` with the fault: type (an SMMU_EVT_* code),
 * stream identity, addresses and the S2/CLASS/RnW/InD/PnU fields, exactly
 * as the event record needs them; smmu_event_encode() turns it into the
 * 32-byte record and smmu_fault_action() says whether it is recorded and
 * whether the transaction is aborted, RAZ/WI or stalled.  A configuration
 * that aborts without an event (STE.Config = 0b0xx, GBPA.ABORT) is not a
 * fault: it decodes to SMMU_STE_ABORT.
 *
 * Typical translation of one transaction (no caches):
 *   smmu_ste_fetch -> smmu_ste_decode -> smmu_cd_fetch -> smmu_cd_decode
 *   -> smmu_walk_cfg_init -> smmu_walk.
 * Decisions where the architecture leaves a choice are in
 * docs/translation.md.
 */
#ifndef SMMUV3_XLATE_H
#define SMMUV3_XLATE_H

#include "sim/mem.h"
#include "sim/regfields.h"
#include "sim/sim-types.h"

/* ------------------------------------------------------------------ */
/* The part                                                            */
/* ------------------------------------------------------------------ */

/* The ID-register facts the translation core depends on (smmuv3.md §1.3),
 * plus CR2.RECINVSID, which decides whether C_BAD_STREAMID is recorded. */
struct smmu_features {
    bool s1p, s2p;          /* IDR0.S1P / S2P */
    bool ats;               /* IDR0.ATS */
    uint8_t ttf;            /* IDR0.TTF: 2 = AArch64 tables only, 3 = both */
    uint8_t oas;            /* IDR5.OAS encoding 0..6 (32..52 bits) */
    bool gran4k, gran16k, gran64k;  /* IDR5.GRANxx */
    uint8_t sidsize;        /* IDR1.SIDSIZE, 0..32 */
    uint8_t ssidsize;       /* IDR1.SSIDSIZE, 0..20 */
    bool st_level_2;        /* IDR0.ST_LEVEL == 1: 2-level stream tables */
    bool cd2l;              /* IDR0.CD2L: 2-level CD tables */
    uint8_t stall_model;    /* IDR0.STALL_MODEL: 0 stall+terminate, 1 terminate, 2 stall forced */
    bool term_model;        /* IDR0.TERM_MODEL: 1 = CD.A must be 1 */
    uint8_t httu;           /* IDR0.HTTU: 0 none, 1 Access flag, 2 Access flag + dirty state */
    bool asid16, vmid16;    /* IDR0.ASID16 / VMID16 */
    uint8_t ttendian;       /* IDR0.TTENDIAN: 0 mixed, 2 little only, 3 big only */
    bool recinvsid;         /* CR2.RECINVSID */
};

/* Fill from raw ID register values (IDR0, IDR1, IDR5) and CR2. */
void smmu_features_from_idr(struct smmu_features *ft, uint32_t idr0, uint32_t idr1, uint32_t idr5,
                            uint32_t cr2);
/* Address-size encoding 0..6 (OAS, IPS, S2PS) to bits: 32 36 40 42 44 48 52.
 * Encodings 7.. read as 52. */
unsigned smmu_pa_bits(unsigned enc);
/* The output address size the walker honours: MIN(OAS, 48) — 52-bit
 * descriptor formats (FEAT_LPA/LPA2) are not modelled. */
unsigned smmu_oas_bits(const struct smmu_features *ft);
/* IAS: the input (IPA) range; equals the OAS for an AArch64-only part. */
unsigned smmu_ias_bits(const struct smmu_features *ft);
/* Whether tables of this endianness may be walked (IDR0.TTENDIAN). */
bool smmu_endian_supported(const struct smmu_features *ft, bool big_endian);

/* ------------------------------------------------------------------ */
/* Faults and event records (smmuv3.md §4.1-4.2)                       */
/* ------------------------------------------------------------------ */

enum smmu_event_type {
    SMMU_EVT_NONE = 0x00,
    SMMU_EVT_F_UUT = 0x01,
    SMMU_EVT_C_BAD_STREAMID = 0x02,
    SMMU_EVT_F_STE_FETCH = 0x03,
    SMMU_EVT_C_BAD_STE = 0x04,
    SMMU_EVT_F_BAD_ATS_TREQ = 0x05,
    SMMU_EVT_F_STREAM_DISABLED = 0x06,
    SMMU_EVT_F_TRANSL_FORBIDDEN = 0x07,
    SMMU_EVT_C_BAD_SUBSTREAMID = 0x08,
    SMMU_EVT_F_CD_FETCH = 0x09,
    SMMU_EVT_C_BAD_CD = 0x0A,
    SMMU_EVT_F_WALK_EABT = 0x0B,
    SMMU_EVT_F_TRANSLATION = 0x10,
    SMMU_EVT_F_ADDR_SIZE = 0x11,
    SMMU_EVT_F_ACCESS = 0x12,
    SMMU_EVT_F_PERMISSION = 0x13,
    SMMU_EVT_F_TLB_CONFLICT = 0x20,
    SMMU_EVT_F_CFG_CONFLICT = 0x21,
    SMMU_EVT_E_PAGE_REQUEST = 0x24,
    SMMU_EVT_F_VMS_FETCH = 0x25,
};

/* Event CLASS: what the SMMU was doing when the fault happened. */
enum smmu_evt_class {
    SMMU_EVT_CLASS_CD = 0,  /* fetching a CD (through stage 2) */
    SMMU_EVT_CLASS_TT = 1,  /* fetching a stage-1 table descriptor */
    SMMU_EVT_CLASS_IN = 2,  /* translating the input address itself */
};

/* A fault, with every field an event record can carry.  Fields a type does
 * not define are ignored by smmu_event_encode(). */
struct smmu_fault {
    uint8_t type;           /* enum smmu_event_type; SMMU_EVT_NONE = no fault */
    bool ssv;
    uint32_t ssid;
    uint32_t sid;
    bool stall;             /* Stall (only with a stall configuration) */
    uint16_t stag;
    bool pnu, ind, rnw;     /* the transaction: privileged, instruction, read */
    bool s2;                /* the fault is a stage-2 fault */
    uint8_t cls;            /* enum smmu_evt_class */
    bool ttrnw;             /* F_PERMISSION, CLASS = TT: the table access was a read */
    uint8_t level;          /* lookup level (not in the record; diagnostics and tests) */
    uint64_t input_addr;
    uint64_t ipa;           /* stage-2 faults: the IPA being translated */
    uint64_t fetch_addr;    /* F_STE_FETCH, F_CD_FETCH, F_WALK_EABT: PA of the access */
};

/* Clear `f` and stamp the stream identity every record carries. */
void smmu_fault_init(struct smmu_fault *f, uint32_t sid, bool ssv, uint32_t ssid);
/* Stamp the transaction (InputAddr, RnW, InD, PnU from an smmu_access
 * set).  Faults raised before the walk (a stage-2 fault on a CD fetch)
 * keep these, so stamp them before smmu_cd_fetch(). */
void smmu_fault_set_input(struct smmu_fault *f, uint64_t input_addr, unsigned access);

/* The 32-byte record, little-endian dwords (bit positions smmuv3.md §4.1). */
void smmu_event_encode(const struct smmu_fault *f, uint64_t rec[4]);
/* "F_TRANSLATION", ... ; "RESERVED" for an undefined code. */
const char *smmu_event_name(uint8_t type);

/* ------------------------------------------------------------------ */
/* Stream table (smmuv3.md §3.1)                                       */
/* ------------------------------------------------------------------ */

/*
 * Find and read the 64-byte STE of `sid`.  strtab_base and strtab_cfg are
 * the raw STRTAB_BASE and STRTAB_BASE_CFG register values.  Faults:
 *   C_BAD_STREAMID  SID >= 2^MIN(LOG2SIZE, SIDSIZE), L1STD Span 0, 12..31
 *                   or > SPLIT + 1, or SID[SPLIT-1:0] >= 2^(Span-1)
 *   F_STE_FETCH     the L1STD or STE read aborted, or lies beyond the OAS
 *                   (fetch_addr = the address read)
 * One access for a linear table; two (L1STD, STE) for a 2-level one.
 */
bool smmu_ste_fetch(struct sim_mem *mem, uint64_t strtab_base, uint32_t strtab_cfg, uint32_t sid,
                    const struct smmu_features *ft, uint64_t ste[8], struct smmu_fault *f,
                    unsigned *mem_accesses);

enum smmu_ste_mode {
    SMMU_STE_ABORT,         /* Config 0b0xx or GBPA.ABORT: abort, no event */
    SMMU_STE_BYPASS,        /* 0b100 */
    SMMU_STE_S1,            /* 0b101 */
    SMMU_STE_S2,            /* 0b110 */
    SMMU_STE_NESTED,        /* 0b111 */
};

/* Decoded stage-2 configuration of an STE. */
struct smmu_s2_cfg {
    uint64_t ttb;           /* S2TTB, aligned to the start table(s) */
    uint16_t vmid;
    uint8_t t0sz;
    uint8_t granule_shift;  /* 12, 14 or 16 */
    int8_t start_level;     /* from S2SL0 */
    uint8_t concat_log2;    /* log2 of concatenated start tables (0..4) */
    uint8_t ps_bits;        /* MIN(S2PS, OAS) */
    bool big_endian;        /* S2ENDI */
    bool affd;              /* no Access flag faults */
    bool ptw;               /* S2PTW: table walks to Device memory fault */
    bool ha, hd;            /* HTTU */
    bool s, r;              /* stall, record */
};

struct smmu_ste_cfg {
    enum smmu_ste_mode mode;
    bool s1, s2;            /* stages enabled */
    /* stage 1 */
    uint8_t s1fmt;          /* 0 linear, 1 2-level 4 KB leaves, 2 2-level 64 KB leaves */
    uint64_t s1_ctx_ptr;    /* S1ContextPtr (an IPA when s2) */
    uint8_t s1cdmax;
    uint8_t s1dss;          /* 0 terminate, 1 bypass, 2 use CD 0 */
    bool s1stalld;
    uint8_t eats;
    uint8_t strw;
    bool mev;
    struct smmu_s2_cfg s2cfg;   /* valid when s2 */
};

/* Decode an STE; false with C_BAD_STE (f->type) on V = 0 or any ILLEGAL
 * field combination (smmuv3.md §3.2).  The stream identity of `f` is left
 * as the caller stamped it. */
bool smmu_ste_decode(const uint64_t ste[8], const struct smmu_features *ft, struct smmu_ste_cfg *cfg,
                     struct smmu_fault *f);

/* SMMUEN = 0: the GBPA register decides abort or bypass for every stream. */
void smmu_gbpa_cfg(uint32_t gbpa, struct smmu_ste_cfg *cfg);

/* ------------------------------------------------------------------ */
/* Context descriptors (smmuv3.md §3.3)                                */
/* ------------------------------------------------------------------ */

enum smmu_cd_result {
    SMMU_CD_OK,             /* cd[] holds the CD to decode */
    SMMU_CD_S1_BYPASS,      /* no-SSID traffic with S1DSS = 1: stage 1 bypassed */
    SMMU_CD_FAULT,          /* *f filled */
};

/*
 * Select and read the CD for a transaction (ssv, ssid) under `ste`
 * (mode S1 or NESTED).  Checks in priority order: C_BAD_SUBSTREAMID,
 * F_STREAM_DISABLED, stage-2 faults on the CD/L1CD fetch (nested:
 * S2 = 1, CLASS = CD), F_CD_FETCH.  An invalid L1CD is C_BAD_SUBSTREAMID.
 * Each L1CD or CD read counts one access, plus the stage-2 walk accesses.
 */
enum smmu_cd_result smmu_cd_fetch(struct sim_mem *mem, const struct smmu_ste_cfg *ste, bool ssv,
                                  uint32_t ssid, const struct smmu_features *ft, uint64_t cd[8],
                                  struct smmu_fault *f, unsigned *mem_accesses);

/*
 * A transaction with a SubstreamID to a stream whose stage 1 is not
 * enabled (bypass, S2-only) is C_BAD_SUBSTREAMID; this checks that case
 * for every mode.  True if the transaction may proceed.
 */
bool smmu_ssid_allowed(const struct smmu_ste_cfg *ste, const struct smmu_features *ft, bool ssv,
                       struct smmu_fault *f);

/* One translation table of stage 1 (TTB0 or TTB1). */
struct smmu_tt_cfg {
    uint64_t ttb;
    uint8_t tsz;            /* TxSZ */
    uint8_t granule_shift;  /* 12, 14 or 16 */
    bool disabled;          /* EPDx */
    bool had;               /* hierarchical attributes disabled */
    bool tbi;               /* top byte ignored */
};

struct smmu_cd_cfg {
    struct smmu_tt_cfg tt[2];
    uint8_t ips_bits;       /* MIN(IPS, OAS) */
    uint16_t asid;
    bool big_endian;        /* ENDI */
    bool affd, wxn, pan;
    bool ha, hd;
    bool s, r, a;           /* fault configuration */
};

/* Decode a CD; false with C_BAD_CD on V = 0 or any ILLEGAL field. */
bool smmu_cd_decode(const uint64_t cd[8], const struct smmu_ste_cfg *ste,
                    const struct smmu_features *ft, struct smmu_cd_cfg *cfg, struct smmu_fault *f);

/* ------------------------------------------------------------------ */
/* Table walks                                                         */
/* ------------------------------------------------------------------ */

/* The transaction: a read unless WRITE; data unless INSN; unprivileged
 * unless PRIV (the incoming InD / PnU / RnW after STE overrides). */
enum smmu_access {
    SMMU_ACCESS_READ = 0,
    SMMU_ACCESS_WRITE = 1u << 0,
    SMMU_ACCESS_INSN = 1u << 1,
    SMMU_ACCESS_PRIV = 1u << 2,
};

/* Permission bits of a result (smmu_walk_result.perm). */
enum {
    SMMU_PERM_UR = 1u << 0, SMMU_PERM_UW = 1u << 1, SMMU_PERM_UX = 1u << 2,
    SMMU_PERM_PR = 1u << 3, SMMU_PERM_PW = 1u << 4, SMMU_PERM_PX = 1u << 5,
};

struct smmu_walk_cfg {
    bool s1, s2;            /* stages to apply; neither = bypass */
    struct smmu_cd_cfg s1cfg;
    struct smmu_s2_cfg s2cfg;
    uint8_t oas_bits;       /* bypass: input beyond it is F_ADDR_SIZE */
    uint8_t ias_bits;       /* stage-1 bypass: input beyond it is F_ADDR_SIZE */
    uint32_t sid, ssid;     /* for the fault record */
    bool ssv;
};

/* Build a walk configuration from decoded STE/CD (cd may be NULL when
 * stage 1 is bypassed, by the STE or by S1DSS). */
void smmu_walk_cfg_init(struct smmu_walk_cfg *w, const struct smmu_features *ft,
                        const struct smmu_ste_cfg *ste, const struct smmu_cd_cfg *cd, uint32_t sid,
                        bool ssv, uint32_t ssid);

struct smmu_walk_result {
    uint64_t oa;            /* output (physical) address of iova */
    uint64_t ipa;           /* stage-1 output (= iova without stage 1) */
    uint8_t size_log2;      /* bytes the combined mapping covers (for a TLB entry) */
    uint8_t level;          /* leaf level of the last stage applied */
    uint8_t s1_level, s2_level;
    uint8_t s1_size_log2, s2_size_log2;
    uint8_t perm;           /* SMMU_PERM_* allowed by both stages */
    uint8_t s1_perm, s2_perm;
    uint16_t asid, vmid;
    bool global;            /* stage-1 nG = 0 (or no stage 1) */
    unsigned mem_accesses;  /* descriptor reads/writes, including nested stage 2 */
};

/*
 * Translate `iova` for `access`.  Faults, in the priority of smmuv3.md §4.2:
 * F_TRANSLATION (input range, EPD), then per level F_WALK_EABT,
 * F_TRANSLATION, F_ADDR_SIZE, then F_ACCESS, then F_PERMISSION.  Nested:
 * every stage-1 descriptor address is translated by stage 2 first
 * (stage-2 faults with CLASS = TT), then the output IPA (CLASS = IN).
 * r->mem_accesses is valid on failure too.
 */
bool smmu_walk(struct sim_mem *mem, const struct smmu_walk_cfg *cfg, uint64_t iova,
               unsigned access, struct smmu_walk_result *r, struct smmu_fault *f);

/*
 * Stage-2 translation of an IPA the SMMU itself reads (a CD, L1CD or
 * stage-1 descriptor): read permission and S2PTW apply; a fault is a
 * stage-2 fault of class `cls` (IPA = ipa, TTRnW = 1) that keeps the
 * transaction fields already stamped in *f.
 */
bool smmu_s2_translate_fetch(struct sim_mem *mem, const struct smmu_s2_cfg *s2, uint64_t ipa,
                             enum smmu_evt_class cls, uint64_t *pa, struct smmu_fault *f,
                             unsigned *mem_accesses);

/*
 * Shared by the translation core: read n little-endian dwords at pa as one
 * memory access.  An abort, or an address beyond 2^oas_bits, fills *f with
 * `fault_type` (F_STE_FETCH, F_CD_FETCH) and FetchAddr = pa.
 */
bool smmu_xlate_read(struct sim_mem *mem, uint64_t pa, uint64_t *dw, unsigned n, unsigned oas_bits,
                     uint8_t fault_type, struct smmu_fault *f, unsigned *mem_accesses);

/* Whether `perm` (SMMU_PERM_*) allows `access`. */
bool smmu_perm_allows(uint8_t perm, unsigned access);

/* ------------------------------------------------------------------ */
/* Fault handling (smmuv3.md §3.3 A/R/S)                               */
/* ------------------------------------------------------------------ */

enum smmu_fault_response {
    SMMU_FAULT_ABORT,       /* the transaction gets an abort */
    SMMU_FAULT_RAZWI,       /* reads return zero, writes are ignored */
    SMMU_FAULT_STALL,       /* held until CMD_RESUME / CMD_STALL_TERM */
};

struct smmu_fault_action {
    enum smmu_fault_response response;
    bool record;            /* write an event record */
};

/* What happens to a faulting transaction.  F_TRANSLATION, F_ADDR_SIZE,
 * F_ACCESS and F_PERMISSION follow CD.A/R/S (stage 1) or STE.S2R/S2S
 * (stage 2, A = 1); C_BAD_STREAMID is recorded only with RECINVSID; every
 * other fault aborts and is recorded.  cd may be NULL (no stage 1). */
struct smmu_fault_action smmu_fault_action(const struct smmu_fault *f, const struct smmu_features *ft,
                                           const struct smmu_ste_cfg *ste, const struct smmu_cd_cfg *cd);

/* ------------------------------------------------------------------ */
/* Structure layouts, for builders and decoders (smmuv3.md §3.1-3.3)   */
/* ------------------------------------------------------------------ */

SIM_FIELD(L1STD, SPAN, 0, 5)
SIM_FIELD(L1STD, L2PTR, 6, 50)

SIM_FIELD(STE0, V, 0, 1)
SIM_FIELD(STE0, CONFIG, 1, 3)
SIM_FIELD(STE0, S1FMT, 4, 2)
SIM_FIELD(STE0, S1CTXPTR, 6, 50)
SIM_FIELD(STE0, S1CDMAX, 59, 5)
SIM_FIELD(STE1, S1DSS, 0, 2)
SIM_FIELD(STE1, MEV, 19, 1)
SIM_FIELD(STE1, S1STALLD, 27, 1)
SIM_FIELD(STE1, EATS, 28, 2)
SIM_FIELD(STE1, STRW, 30, 2)
SIM_FIELD(STE2, S2VMID, 0, 16)
SIM_FIELD(STE2, S2T0SZ, 32, 6)
SIM_FIELD(STE2, S2SL0, 38, 2)
SIM_FIELD(STE2, S2TG, 46, 2)
SIM_FIELD(STE2, S2PS, 48, 3)
SIM_FIELD(STE2, S2AA64, 51, 1)
SIM_FIELD(STE2, S2ENDI, 52, 1)
SIM_FIELD(STE2, S2AFFD, 53, 1)
SIM_FIELD(STE2, S2PTW, 54, 1)
SIM_FIELD(STE2, S2HD, 55, 1)
SIM_FIELD(STE2, S2HA, 56, 1)
SIM_FIELD(STE2, S2S, 57, 1)
SIM_FIELD(STE2, S2R, 58, 1)
SIM_FIELD(STE3, S2TTB, 4, 52)

SIM_FIELD(CD0, T0SZ, 0, 6)
SIM_FIELD(CD0, TG0, 6, 2)
SIM_FIELD(CD0, EPD0, 14, 1)
SIM_FIELD(CD0, ENDI, 15, 1)
SIM_FIELD(CD0, T1SZ, 16, 6)
SIM_FIELD(CD0, TG1, 22, 2)
SIM_FIELD(CD0, EPD1, 30, 1)
SIM_FIELD(CD0, V, 31, 1)
SIM_FIELD(CD0, IPS, 32, 3)
SIM_FIELD(CD0, AFFD, 35, 1)
SIM_FIELD(CD0, WXN, 36, 1)
SIM_FIELD(CD0, UWXN, 37, 1)
SIM_FIELD(CD0, TBI0, 38, 1)
SIM_FIELD(CD0, TBI1, 39, 1)
SIM_FIELD(CD0, PAN, 40, 1)
SIM_FIELD(CD0, AA64, 41, 1)
SIM_FIELD(CD0, HD, 42, 1)
SIM_FIELD(CD0, HA, 43, 1)
SIM_FIELD(CD0, S, 44, 1)
SIM_FIELD(CD0, R, 45, 1)
SIM_FIELD(CD0, A, 46, 1)
SIM_FIELD(CD0, ASET, 47, 1)
SIM_FIELD(CD0, ASID, 48, 16)
SIM_FIELD(CD1, HAD0, 1, 1)
SIM_FIELD(CD1, TTB0, 4, 52)
SIM_FIELD(CD2, HAD1, 1, 1)
SIM_FIELD(CD2, TTB1, 4, 52)

SIM_FIELD(L1CD, V, 0, 1)
SIM_FIELD(L1CD, L2PTR, 12, 40)

/* VMSAv8-64 descriptors (Arm ARM D8.3). */
SIM_FIELD(DESC, TYPE, 0, 2)         /* 0b01 block, 0b11 table/page */
SIM_FIELD(DESC, ATTR, 2, 4)         /* S1 AttrIndx[2:0] + NS / S2 MemAttr[3:0] */
SIM_FIELD(DESC, AP, 6, 2)           /* S1 AP[2:1] / S2 S2AP[1:0] */
SIM_FIELD(DESC, SH, 8, 2)
SIM_FIELD(DESC, AF, 10, 1)
SIM_FIELD(DESC, NG, 11, 1)
SIM_FIELD(DESC, DBM, 51, 1)
SIM_FIELD(DESC, PXN, 53, 1)
SIM_FIELD(DESC, XN, 54, 1)          /* S1 UXN / S2 XN */
SIM_FIELD(DESC, PXNTABLE, 59, 1)
SIM_FIELD(DESC, UXNTABLE, 60, 1)
SIM_FIELD(DESC, APTABLE, 61, 2)
#define SMMU_DESC_OA_MASK 0x0000FFFFFFFFF000ULL   /* OA[47:12] */

#endif /* SMMUV3_XLATE_H */
