/*
 * check_shim_nested.c — the shim's work seen from the hardware side:
 * a guest-owned VCMDQ's error reaching user space as a TEGRA241_CMDQV
 * vEVENT (iommufd.md §2.2, cmdqv.md §5) with the vEVENTQ's overflow rule
 * (docs/iommufd-shim.md, VEVENTQ); the nested STE the host driver writes
 * for a vSTE of config S1_TRANS, read back through STRTAB_BASE and
 * translated through with smmu_translate (smmuv3.md §3.2, iommufd.md
 * §2.6); HW_QUEUE_ALLOC contiguity (EFAULT) and mmap offsets under
 * shim.pin_layout = huge2m and shim.page_size = 64K.
 */
#include <string.h>
#include "shim-fixture.h"
#include "models/smmuv3/smmuv3.h"
#include "models/smmuv3/smmuv3-regs.h"
#include "models/smmuv3/smmuv3-xlate.h"
#include "sim/ptbuild/ptbuild.h"

#define DEV_SID 0x42u

struct stack {
    int fd;
    uint32_t ioas, dev, hwpt, viommu;
    uint64_t off, len;
    uint8_t *buf;
};

/* ioas + `len` bytes of guest memory at `iova`, a device, a nest parent
 * and a Tegra vIOMMU. */
static struct stack make_stack(uint64_t len, uint64_t iova)
{
    struct stack s;
    s.fd = fx_open();
    s.ioas = fx_ioas(s.fd);
    s.buf = fx_buffer(len);
    fx_map(s.fd, s.ioas, s.buf, len, iova);
    s.dev = fx_bind(s.fd, DEV_SID);
    s.hwpt = fx_nest_parent(s.fd, s.dev, s.ioas);
    s.viommu = fx_viommu(s.fd, s.dev, s.hwpt, IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, &s.off, &s.len);
    return s;
}

static int hw_queue(struct stack *s, uint32_t index, uint64_t iova, uint64_t len, uint32_t *id)
{
    struct iommu_hw_queue_alloc q = { .size = sizeof(q), .viommu_id = s->viommu,
                                      .type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV, .index = index,
                                      .nesting_parent_iova = iova, .length = len };
    int rc = iommufd_shim_ioctl(s->fd, IOMMU_HW_QUEUE_ALLOC, &q);
    if (id)
        *id = q.out_hw_queue_id;
    return rc;
}

static void vdevice(struct stack *s, uint64_t virt_id)
{
    struct iommu_vdevice_alloc v = { .size = sizeof(v), .viommu_id = s->viommu, .dev_id = s->dev,
                                     .virt_id = virt_id };
    EXPECT_OK(iommufd_shim_ioctl(s->fd, IOMMU_VDEVICE_ALLOC, &v));
}

/* ------------------------------------------------------------ vEVENTQ */

/* Logical VCMDQ `l` of the mapped VINTF page0: CONS, PROD, CONFIG, STATUS. */
static volatile uint32_t *lvcmdq_reg(uint8_t *page0, unsigned l, unsigned off)
{
    return (volatile uint32_t *)(page0 + 0x80 * l + off);
}

static void lvcmdq_enable(uint8_t *page0, unsigned l)
{
    *lvcmdq_reg(page0, l, 0x08) = 1;
    for (int i = 0; i < 100000 && !(*lvcmdq_reg(page0, l, 0x0c) & 1); i++)
        EXPECT_OK(iommufd_shim_relax());
    ck_assert_uint_eq(*lvcmdq_reg(page0, l, 0x0c) & 1, 1);
}

/* The guest writes CFGI_STE, which a guest-owned VINTF does not accept,
 * at the head of queue `l` (memory `q`) and publishes it; returns CONS.ERR. */
static unsigned lvcmdq_illegal(uint8_t *page0, unsigned l, uint8_t *q)
{
    uint64_t cmd[2] = { 0x03 | ((uint64_t)DEV_SID << 32), 0 };
    memcpy(q, cmd, sizeof(cmd));
    *lvcmdq_reg(page0, l, 0x04) = 1;
    for (int i = 0; i < 100000 && !((*lvcmdq_reg(page0, l, 0x00) >> 24) & 0x7f); i++)
        EXPECT_OK(iommufd_shim_relax());
    return (*lvcmdq_reg(page0, l, 0x00) >> 24) & 0x7f;
}

struct vevent {
    struct iommufd_vevent_header hdr;
    struct iommu_vevent_tegra241_cmdqv ev;
};

START_TEST(test_vevent_from_vcmdq_error)
{
    struct stack s = make_stack(0x10000, 0x100000);
    vdevice(&s, 3);
    EXPECT_OK(hw_queue(&s, 0, 0x100000, 0x1000, NULL));
    EXPECT_OK(hw_queue(&s, 1, 0x104000, 0x1000, NULL));
    struct iommu_veventq_alloc e = { .size = sizeof(e), .viommu_id = s.viommu,
                                     .type = IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, .veventq_depth = 1 };
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_VEVENTQ_ALLOC, &e));
    int efd = (int)e.out_veventq_fd;
    uint8_t *page0 = iommufd_shim_mmap(NULL, s.len, PROT_READ | PROT_WRITE, MAP_SHARED, s.fd, (off_t)s.off);
    ck_assert(page0 != MAP_FAILED);
    lvcmdq_enable(page0, 0);
    lvcmdq_enable(page0, 1);
    uint8_t raw[64];
    ck_assert_int_eq(iommufd_shim_read(efd, raw, sizeof(raw)), 0);     /* no error yet */

    ck_assert_uint_eq(lvcmdq_illegal(page0, 0, s.buf), 1);              /* CERROR_ILL */
    /* One record: header + the VINTF's LVCMDQ_ERR_MAP with queue 0's bit.
     * A buffer one byte short of it reads nothing. */
    struct vevent v;
    memset(&v, 0xAA, sizeof(v));
    ck_assert_int_eq(sizeof(v), 24);
    ck_assert_int_eq(iommufd_shim_read(efd, &v, sizeof(v) - 1), 0);
    /* The queue (depth 1) is full: queue 1's error is a LOST_EVENTS header. */
    ck_assert_uint_eq(lvcmdq_illegal(page0, 1, s.buf + 0x4000), 1);
    ck_assert_int_eq(iommufd_shim_read(efd, &v, sizeof(v)), (ssize_t)sizeof(v));
    ck_assert_uint_eq(v.hdr.flags, 0);
    ck_assert_uint_eq(v.hdr.sequence, 0);
    ck_assert_uint_eq(v.ev.lvcmdq_err_map[0], 1);
    ck_assert_uint_eq(v.ev.lvcmdq_err_map[1], 0);
    struct iommufd_vevent_header lost;
    ck_assert_int_eq(iommufd_shim_read(efd, raw, sizeof(raw)), (ssize_t)sizeof(lost));
    memcpy(&lost, raw, sizeof(lost));
    ck_assert_uint_eq(lost.flags, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
    ck_assert_uint_eq(lost.sequence, 1);
    /* Drained; an unchanged map reports nothing more. */
    ck_assert_int_eq(iommufd_shim_read(efd, raw, sizeof(raw)), 0);
    EXPECT_OK(iommufd_shim_relax());
    ck_assert_int_eq(iommufd_shim_read(efd, raw, sizeof(raw)), 0);
    EXPECT_ERRNO(iommufd_shim_read(efd, NULL, 8), EFAULT);

    EXPECT_OK(iommufd_shim_munmap(page0, s.len));
    EXPECT_OK(iommufd_shim_close(efd));
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

/* ------------------------------------------------------ the nested STE */

static uint64_t smmu_reg64(uint64_t off)
{
    return sim_bus_read32(fx_bus(), FX_SMMU_BASE + off) |
           (uint64_t)sim_bus_read32(fx_bus(), FX_SMMU_BASE + off + 4) << 32;
}

/* The STE of DEV_SID as the SMMU finds it: through STRTAB_BASE(_CFG). */
static void read_ste(uint64_t ste[8])
{
    struct smmu_features ft;
    smmu_features_from_idr(&ft, (uint32_t)smmu_reg64(0x0), (uint32_t)smmu_reg64(0x4),
                           (uint32_t)smmu_reg64(0x14), 0);
    struct smmu_fault f;
    unsigned acc = 0;
    smmu_fault_init(&f, DEV_SID, false, 0);
    ck_assert(smmu_ste_fetch(fx_mem(), smmu_reg64(0x80), (uint32_t)smmu_reg64(0x88), DEV_SID, &ft, ste, &f,
                             &acc));
}

static uint64_t field(uint64_t dw, unsigned shift, unsigned len)
{
    return (dw >> shift) & ((1ull << len) - 1);
}

static bool xlate(uint64_t iova, unsigned access, struct smmu_txn_result *r)
{
    struct smmu_txn t = { DEV_SID, false, 0, iova, access };
    return smmu_translate(fx_smmu(), &t, r);
}

#define G_IOVA 0x100000ull      /* guest RAM = IPA */
#define G_LEN 0x20000ull
#define G_VA 0x12345000ull
#define G_DATA_IPA (G_IOVA + 0x18000)
#define G_ASID 9u

START_TEST(test_nested_ste_contents_and_translation)
{
    struct stack s = make_stack(G_LEN, G_IOVA);
    vdevice(&s, 5);
    /* Attached to the nest parent: a stage-2 STE; translate an IPA to find
     * where the pinned guest RAM lives. */
    EXPECT_OK(iommufd_shim_attach_device(s.fd, s.dev, s.hwpt));
    uint64_t s2ste[8];
    read_ste(s2ste);
    ck_assert_uint_eq(field(s2ste[0], 1, 3), 6);
    struct smmu_txn_result r;
    ck_assert(xlate(G_IOVA, SMMU_ACCESS_READ, &r));
    uint64_t gpa = r.oa;
    ck_assert_uint_eq(r.stage, SMMU_TLB_S2);

    /* The guest's stage 1, built in its RAM and referenced by IPA. */
    struct ptb b;
    struct ptb_tt s1;
    struct ptb_cdtab ct;
    uint64_t cd[8];
    ptb_init(&b, fx_mem(), gpa, 0x10000);
    ptb_tt_s1(&s1, &b, 12, 16);
    s1.table_offset = gpa - G_IOVA;
    ptb_cd_init(cd, &s1, G_ASID, 5);
    ptb_cdtab_new(&ct, &b, 0, 0, gpa - G_IOVA);
    ptb_cdtab_put(&ct, 0, cd);
    ptb_map(&s1, G_VA, G_DATA_IPA, 3, PTB_S1_RW_ALL | PTB_NG);
    uint64_t ctx = ptb_cdtab_ptr(&ct);
    ck_assert_uint_ge(ctx, G_IOVA);
    ck_assert_uint_lt(ctx, G_IOVA + 0x10000);

    /* vSTE: V, Config S1_TRANS, S1Fmt 0, S1ContextPtr, S1CDMax 0;
     * S1DSS = 1, S1CIR = 1, S1COR = 1, S1CSH = 3, S1STALLD, EATS = 0. */
    struct iommu_hwpt_arm_smmuv3 vste = { { 1 | (5ull << 1) | ctx,
                                            1 | (1ull << 2) | (1ull << 4) | (3ull << 6) | (1ull << 27) } };
    struct iommu_hwpt_alloc h = { .size = sizeof(h), .dev_id = s.dev, .pt_id = s.viommu,
                                  .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3, .data_len = sizeof(vste),
                                  .data_uptr = (uintptr_t)&vste };
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h));
    EXPECT_OK(iommufd_shim_attach_device(s.fd, s.dev, h.out_hwpt_id));
    uint64_t ste[8];
    read_ste(ste);
    /* dword 0: V, Config nested, S1Fmt, S1ContextPtr, S1CDMax from the vSTE. */
    ck_assert_uint_eq(field(ste[0], 0, 1), 1);
    ck_assert_uint_eq(field(ste[0], 1, 3), 7);
    ck_assert_uint_eq(field(ste[0], 4, 2), 0);
    ck_assert_uint_eq(ste[0] & 0x000FFFFFFFFFFFC0ull, ctx);
    ck_assert_uint_eq(field(ste[0], 59, 5), 0);
    /* dword 1: the vSTE's stage-1 fields, SHCFG = incoming, MEV = 1. */
    ck_assert_uint_eq(field(ste[1], 0, 2), 1);          /* S1DSS */
    ck_assert_uint_eq(field(ste[1], 2, 2), 1);          /* S1CIR */
    ck_assert_uint_eq(field(ste[1], 4, 2), 1);          /* S1COR */
    ck_assert_uint_eq(field(ste[1], 6, 2), 3);          /* S1CSH */
    ck_assert_uint_eq(field(ste[1], 27, 1), 1);         /* S1STALLD */
    ck_assert_uint_eq(field(ste[1], 28, 2), 0);         /* EATS */
    ck_assert_uint_eq(field(ste[1], 19, 1), 1);         /* MEV */
    ck_assert_uint_eq(field(ste[1], 44, 2), 1);         /* SHCFG */
    ck_assert_uint_eq(field(ste[1], 30, 2), 0);         /* STRW: NS-EL1 */
    /* dwords 2-3: the parent domain's stage 2, identical to its S2 STE. */
    ck_assert_uint_eq(ste[2], s2ste[2]);
    ck_assert_uint_eq(ste[3], s2ste[3]);
    uint16_t vmid = (uint16_t)field(ste[2], 0, 16);
    ck_assert_uint_ne(vmid, 0);
    unsigned ias = smmu_pa_bits((unsigned)field((uint32_t)smmu_reg64(0x14), 0, 3));
    ias = ias > 48 ? 48 : ias;
    ck_assert_uint_eq(field(ste[2], 32, 6), 64 - ias);  /* S2T0SZ */
    ck_assert_uint_eq(field(ste[2], 46, 2), 0);         /* S2TG: 4 KiB */
    ck_assert_uint_eq(field(ste[2], 51, 1), 1);         /* S2AA64 */
    ck_assert_uint_eq(field(ste[2], 54, 1), 1);         /* S2PTW */
    ck_assert_uint_eq(field(ste[2], 58, 1), 1);         /* S2R */
    ck_assert_uint_ne(ste[3] & 0x000FFFFFFFFFFFF0ull, 0);

    /* Translate through it: VA -> (guest stage 1) IPA -> (stage 2) PA. */
    static const uint64_t magic = 0x0123456789abcdefull;
    memcpy(s.buf + (G_DATA_IPA - G_IOVA) + 0x10, &magic, sizeof(magic));
    ck_assert(xlate(G_VA + 0x10, SMMU_ACCESS_WRITE, &r));
    ck_assert_uint_eq(r.oa, gpa + (G_DATA_IPA - G_IOVA) + 0x10);
    ck_assert_uint_eq(r.stage, SMMU_TLB_NESTED);
    ck_assert_uint_eq(r.asid, G_ASID);
    ck_assert_uint_eq(r.vmid, vmid);
    uint64_t got = 0;
    ck_assert_int_eq(sim_mem_read64(fx_mem(), r.oa, &got), 0);
    ck_assert_uint_eq(got, magic);
    /* An IPA beyond guest RAM is a stage-2 fault; a VA the guest did not
     * map is a stage-1 one. */
    ptb_map(&s1, 0x7000, 0x40000000ull, 3, PTB_S1_RW_ALL);
    ck_assert(!xlate(0x7000, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_F_TRANSLATION);
    ck_assert(!xlate(0x9000, SMMU_ACCESS_READ, &r));
    ck_assert_uint_eq(r.event, SMMU_EVT_F_TRANSLATION);

    /* Detach (unbind) makes the STE abort again. */
    EXPECT_OK(iommufd_shim_close(s.fd));
    read_ste(ste);
    ck_assert_uint_eq(field(ste[0], 1, 3), 0);
}
END_TEST

/* -------------------------------------- pin layouts and PAGE_SIZE 64K */

static uint64_t lvcmdq_base_reg(unsigned vintf, unsigned l)
{
    uint64_t p1 = FX_CMDQV_BASE + 0x30000 + 0x20000 * vintf + 0x10000 + 0x80 * l;
    return sim_bus_read32(fx_bus(), p1) | (uint64_t)sim_bus_read32(fx_bus(), p1 + 4) << 32;
}

/* huge2m: frames are contiguous inside each 2 MiB of IOVA only. */
START_TEST(test_huge2m_contiguity)
{
    struct stack s = make_stack(0x800000, 0x400000);
    EXPECT_ERRNO(hw_queue(&s, 0, 0x400000, 0x400000, NULL), EFAULT);    /* crosses 2 MiB */
    EXPECT_OK(hw_queue(&s, 0, 0x400000, 0x200000, NULL));                /* one 2 MiB chunk */
    uint64_t base0 = lvcmdq_base_reg(1, 0);
    ck_assert_uint_eq(base0 & 0x1f, 17);                                  /* 2^17 entries */
    ck_assert_uint_eq(base0 & 0x1fffe0ull, 0);                            /* a 2 MiB-aligned chunk */
    EXPECT_OK(hw_queue(&s, 1, 0x600000, 0x1000, NULL));
    uint64_t base1 = lvcmdq_base_reg(1, 1) & ~0x1full;
    /* The next 2 MiB of IOVA is the chunk below (descending chunks). */
    ck_assert_uint_eq(base1, (base0 & ~0x1full) - 0x200000);
    /* mmap offsets do not depend on the pin layout (seed: index 0). */
    ck_assert_uint_eq(s.off, 0);
    ck_assert_uint_eq(s.len, 0x10000);
    void *p = iommufd_shim_mmap(NULL, s.len, PROT_READ | PROT_WRITE, MAP_SHARED, s.fd, (off_t)s.off);
    ck_assert(p != MAP_FAILED);
    EXPECT_OK(iommufd_shim_munmap(p, s.len));
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

START_TEST(test_contiguous_large_queue)
{
    struct stack s = make_stack(0x800000, 0x400000);
    EXPECT_OK(hw_queue(&s, 0, 0x400000, 0x400000, NULL));                /* 4 MiB, contiguous pins */
    ck_assert_uint_eq(lvcmdq_base_reg(1, 0) & 0x1f, 18);
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

/* PAGE_SIZE 64K: IOAS granularity, the pinning window and mmap offsets. */
static void check_64k_stack(uint64_t first_off, uint64_t second_off)
{
    struct stack s = make_stack(0x40000, 0x100000);
    struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = s.ioas, .user_va = (uintptr_t)fx_buffer(0x10000),
                                .length = 0x1000, .iova = 0x800000,
                                .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE };
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_IOAS_MAP, &m), EINVAL);   /* 4 KiB is not a page */
    m.length = 0x10000;
    m.iova = 0x808000;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_IOAS_MAP, &m), EINVAL);   /* IOVA not page-aligned */
    /* A 4 KiB queue pins its whole 64 KiB page; a 128 KiB one two pages. */
    EXPECT_OK(hw_queue(&s, 0, 0x101000, 0x1000, NULL));
    EXPECT_OK(hw_queue(&s, 1, 0x120000, 0x20000, NULL));
    struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = s.ioas, .iova = 0x100000, .length = 0x40000 };
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_IOAS_UNMAP, &u), EBUSY);
    ck_assert_uint_eq(s.off, first_off);
    ck_assert_uint_eq(s.len, 0x10000);
    uint64_t off2, len2;
    fx_viommu(s.fd, s.dev, s.hwpt, IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, &off2, &len2);
    ck_assert_uint_eq(off2, second_off);
    ck_assert_uint_eq(len2, 0x10000);
    errno = 0;
    ck_assert(iommufd_shim_mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, s.fd, (off_t)off2) == MAP_FAILED);
    ck_assert_int_eq(errno, EINVAL);                                      /* not a multiple of PAGE_SIZE */
    void *p2 = iommufd_shim_mmap(NULL, len2, PROT_READ | PROT_WRITE, MAP_SHARED, s.fd, (off_t)off2);
    ck_assert(p2 != MAP_FAILED);
    /* The first mapping is VINTF1's page0: a store to LVCMDQ0 CONFIG
     * reaches that VINTF's register. */
    void *p = iommufd_shim_mmap(NULL, s.len, PROT_READ | PROT_WRITE, MAP_SHARED, s.fd, (off_t)s.off);
    ck_assert(p != MAP_FAILED);
    EXPECT_OK(iommufd_shim_mmio_write32((uint8_t *)p + 0x08, 1));
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x30000 + 0x20000 * 1 + 0x08), 1);
    EXPECT_OK(iommufd_shim_munmap(p, s.len));
    EXPECT_OK(iommufd_shim_munmap(p2, len2));
    EXPECT_OK(iommufd_shim_close(s.fd));
}

START_TEST(test_page64k_seed)
{
    check_64k_stack(0, 0x10000);        /* index << PAGE_SHIFT */
}
END_TEST

START_TEST(test_page64k_v617)
{
    check_64k_stack(0x10000, 0x20000);  /* lowest byte range from PAGE_SIZE */
}
END_TEST

START_TEST(test_page64k_scattered)
{
    struct stack s = make_stack(0x40000, 0x100000);
    EXPECT_OK(hw_queue(&s, 0, 0x100000, 0x10000, NULL));                 /* one 64 KiB page */
    EXPECT_ERRNO(hw_queue(&s, 1, 0x120000, 0x20000, NULL), EFAULT);      /* two scattered pages */
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

static void setup_seed(void) { fx_setup_with(NULL); }
static void setup_huge2m(void)
{
    static const char *const s[] = { "shim.pin_layout=huge2m", NULL };
    fx_setup_with(s);
}
static void setup_64k(void)
{
    static const char *const s[] = { "shim.page_size=64K", NULL };
    fx_setup_with(s);
}
static void setup_64k_v617(void)
{
    static const char *const s[] = { "shim.page_size=64K", "shim.mmap_rules=v6.17", NULL };
    fx_setup_with(s);
}
static void setup_64k_scattered(void)
{
    static const char *const s[] = { "shim.page_size=64K", "shim.pin_layout=scattered", NULL };
    fx_setup_with(s);
}

static void add_case(Suite *s, const char *name, void (*setup)(void), const TTest *const *tests)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    for (; *tests; tests++)
        tcase_add_test(tc, *tests);
    suite_add_tcase(s, tc);
}

int main(void)
{
    Suite *s = suite_create("shim_nested");
    add_case(s, "Seed", setup_seed,
             (const TTest *const[]){ test_vevent_from_vcmdq_error, test_nested_ste_contents_and_translation,
                                     test_contiguous_large_queue, NULL });
    add_case(s, "Huge2M", setup_huge2m, (const TTest *const[]){ test_huge2m_contiguity, NULL });
    add_case(s, "Page64K", setup_64k, (const TTest *const[]){ test_page64k_seed, NULL });
    add_case(s, "Page64K-v617", setup_64k_v617, (const TTest *const[]){ test_page64k_v617, NULL });
    add_case(s, "Page64K-scattered", setup_64k_scattered, (const TTest *const[]){ test_page64k_scattered, NULL });
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
