/*
 * check_shim.c — the iommufd shim, rule by rule (iommufd.md §1-§2):
 * generic ioctl rules, IOAS, HWPT, vIOMMU, vdevice, HW queue, trapped
 * invalidation, vEVENTQ, both mmap rule sets, lifetimes, failure injection
 * and an end-to-end guest invalidation through a mapped VCMDQ.
 */
#include <stdlib.h>
#include <string.h>
#include "shim-fixture.h"
#include "models/cmdqv/cmdqv-regs.h"

static void setup_seed(void) { fx_setup_with(NULL); }
static void setup_v617(void)
{
    static const char *const s[] = { "shim.mmap_rules=v6.17", NULL };
    fx_setup_with(s);
}
static void setup_scattered(void)
{
    static const char *const s[] = { "shim.pin_layout=scattered", NULL };
    fx_setup_with(s);
}

/* A Tegra vIOMMU stack: ioas + 64 KiB buffer at IOVA 0x100000, a device,
 * a nest parent and the vIOMMU. */
struct stack {
    int fd;
    uint32_t ioas, dev, hwpt, viommu;
    uint64_t off, len;
    uint8_t *buf;
};

static struct stack make_stack(void)
{
    struct stack s;
    s.fd = fx_open();
    s.ioas = fx_ioas(s.fd);
    s.buf = fx_buffer(0x10000);
    fx_map(s.fd, s.ioas, s.buf, 0x10000, 0x100000);
    s.dev = fx_bind(s.fd, 0x42);
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

/* ------------------------------------------------------------ generic */

START_TEST(test_open_and_dispatch)
{
    EXPECT_ERRNO(iommufd_shim_open("/dev/null", 0), ENOENT);
    int fd = fx_open();
    struct iommu_ioas_alloc a = { .size = sizeof(a) };
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMUFD_IO(0x7f), &a), ENOTTY);
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMUFD_IO(0x95), &a), ENOTTY);
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, 0x3C81, &a), ENOTTY);            /* wrong type byte */
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_ALLOC, NULL), EFAULT);
    a.size = 8;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_ALLOC, &a), EINVAL);  /* < min size 12 */
    struct { struct iommu_ioas_alloc a; uint32_t tail; } big = { { sizeof(big), 0, 0 }, 1 };
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_ALLOC, &big), E2BIG);
    big.tail = 0;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_ALLOC, &big));
    ck_assert_uint_eq(big.a.out_ioas_id, 1);
    EXPECT_ERRNO(iommufd_shim_ioctl(fd + 100, IOMMU_IOAS_ALLOC, &a), EBADF);
    a = (struct iommu_ioas_alloc){ .size = sizeof(a), .flags = 1 };
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_ALLOC, &a), EOPNOTSUPP);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_ids_and_destroy)
{
    int fd = fx_open();
    uint32_t a = fx_ioas(fd), b = fx_ioas(fd), c = fx_ioas(fd);
    ck_assert_uint_eq(a, 1);
    ck_assert_uint_eq(b, 2);
    ck_assert_uint_eq(c, 3);
    EXPECT_OK(fx_destroy(fd, b));
    EXPECT_ERRNO(fx_destroy(fd, b), ENOENT);
    ck_assert_uint_eq(fx_ioas(fd), 2);      /* lowest free id, as xa_alloc */
    uint32_t dev = fx_bind(fd, 7);
    EXPECT_ERRNO(fx_destroy(fd, dev), EBUSY);   /* held by the device side */
    EXPECT_OK(iommufd_shim_unbind_device(fd, dev));
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

/* ---------------------------------------------------------------- IOAS */

START_TEST(test_ioas_map_rules)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    void *buf = fx_buffer(0x4000);
    struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas, .user_va = (uintptr_t)buf,
                                .length = 0x2000, .iova = 0x10000,
                                .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE };
    m.flags |= 1u << 5;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m), EOPNOTSUPP);
    m.flags &= ~(1u << 5);
    m.__reserved = 1;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m), EOPNOTSUPP);
    m.__reserved = 0;
    m.length = UINT64_MAX;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m), EOVERFLOW);
    m.length = 0x2000;
    m.flags = IOMMU_IOAS_MAP_FIXED_IOVA;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m), EINVAL);
    m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE;
    m.ioas_id = 99;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m), ENOENT);
    m.ioas_id = ioas;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m));
    m.iova = 0x11000;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m), EEXIST);
    m.flags = IOMMU_IOAS_MAP_READABLE;      /* kernel-chosen, lowest fit */
    m.user_va = (uintptr_t)buf + 0x2000;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m));
    ck_assert_uint_eq(m.iova, 0);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_ioas_enospc)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    /* Nothing is pinned without a domain, so huge ranges are fine. */
    struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas, .user_va = 0x100000,
                                .length = 1ull << 63, .iova = 0,
                                .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m));
    m.iova = 1ull << 63;
    m.length = (1ull << 63) - 0x1000;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m));
    m.flags = IOMMU_IOAS_MAP_READABLE;
    m.length = 0x2000;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m), ENOSPC);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_ioas_unmap_rules)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd);
    struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = 0, .length = UINT64_MAX };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u));       /* empty: 0 */
    ck_assert_uint_eq(u.length, 0);
    void *buf = fx_buffer(0x8000);
    fx_map(fd, ioas, buf, 0x4000, 0x10000);
    fx_map(fd, ioas, (uint8_t *)buf + 0x4000, 0x4000, 0x20000);
    u = (struct iommu_ioas_unmap){ .size = sizeof(u), .ioas_id = ioas, .iova = 0x30000, .length = 0x1000 };
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u), ENOENT);    /* nothing there */
    u.iova = 0x10000;
    u.length = 0x1000;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u), ENOENT);    /* partial */
    u.length = 0;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u), EINVAL);
    u.iova = UINT64_MAX;
    u.length = 1;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u), EOVERFLOW);
    u.ioas_id = 77;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u), ENOENT);
    u = (struct iommu_ioas_unmap){ .size = sizeof(u), .ioas_id = ioas, .iova = 0x10000, .length = 0x4000 };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u));
    ck_assert_uint_eq(u.length, 0x4000);
    u = (struct iommu_ioas_unmap){ .size = sizeof(u), .ioas_id = ioas, .iova = 0, .length = UINT64_MAX };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u));
    ck_assert_uint_eq(u.length, 0x4000);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

/* ---------------------------------------------------------------- HWPT */

START_TEST(test_hwpt_alloc_rules)
{
    struct stack s = make_stack();
    struct iommu_hwpt_alloc h = { .size = sizeof(h), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
                                  .dev_id = s.dev, .pt_id = s.ioas, .__reserved = 1 };
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EOPNOTSUPP);
    h.__reserved = 0;
    h.data_len = 4;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EINVAL);
    h.data_len = 0;
    h.dev_id = 99;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), ENOENT);
    h.dev_id = s.dev;
    h.flags = 0;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EOPNOTSUPP);
    /* nested on the vIOMMU: vSTE validation */
    struct iommu_hwpt_arm_smmuv3 ste = { { 1 | (5u << 1), 0 } };
    h = (struct iommu_hwpt_alloc){ .size = sizeof(h), .dev_id = s.dev, .pt_id = s.viommu,
                                   .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3, .data_len = sizeof(ste),
                                   .data_uptr = (uintptr_t)&ste };
    h.data_len = 8;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EINVAL);
    h.data_len = sizeof(ste);
    h.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EOPNOTSUPP);
    h.flags = 0;
    ste.ste[0] = 1 | (6u << 1);            /* S2_TRANS: not allowed */
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EIO);
    ste.ste[0] = 1 | (5u << 1) | (1ull << 55);  /* bit 55: outside S1CTXPTR[51:6] */
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EIO);
    ste.ste[0] = 1 | (5u << 1) | (1ull << 40) | (3ull << 59);   /* S1CTXPTR, S1CDMAX */
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h));
    uint32_t nested = h.out_hwpt_id;
    ste.ste[1] = 2u << 28;                 /* EATS split-stage */
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EIO);
    ste.ste[1] = 1ull << 40;               /* outside the allowed dword1 bits */
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h), EIO);
    ste.ste[0] = 0;                        /* V = 0: becomes abort, accepted */
    ste.ste[1] = 0xffff;
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_ALLOC, &h));
    uint32_t abort_hwpt = h.out_hwpt_id;
    /* S1_TRANS needs a vdevice to attach; abort attaches without one */
    EXPECT_ERRNO(iommufd_shim_attach_device(s.fd, s.dev, nested), ENOENT);
    EXPECT_OK(iommufd_shim_attach_device(s.fd, s.dev, abort_hwpt));
    EXPECT_ERRNO(fx_destroy(s.fd, s.hwpt), EBUSY);     /* the vIOMMU holds it */
    EXPECT_ERRNO(fx_destroy(s.fd, s.ioas), EBUSY);     /* the HWPT holds it */
    EXPECT_OK(fx_destroy(s.fd, nested));
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

START_TEST(test_hw_info)
{
    int fd = fx_open();
    uint32_t dev = fx_bind(fd, 3);
    struct iommu_hw_info_arm_smmuv3 smmu;
    struct iommu_hw_info h = { .size = sizeof(h), .dev_id = dev, .data_len = sizeof(smmu),
                               .data_uptr = (uintptr_t)&smmu };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_GET_HW_INFO, &h));
    ck_assert_uint_eq(h.out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
    ck_assert_uint_eq(h.data_len, sizeof(smmu));
    ck_assert_uint_eq(smmu.idr[0], sim_bus_read32(fx_bus(), FX_SMMU_BASE));
    ck_assert_uint_eq(smmu.idr[1], sim_bus_read32(fx_bus(), FX_SMMU_BASE + 4));
    struct iommu_hw_info_tegra241_cmdqv t;
    h = (struct iommu_hw_info){ .size = sizeof(h), .flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE, .dev_id = dev,
                                .data_len = sizeof(t), .data_uptr = (uintptr_t)&t,
                                .in_data_type = IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_GET_HW_INFO, &h));
    ck_assert_uint_eq(t.version, 1);
    ck_assert_uint_eq(t.log2vcmdqs, 1);     /* 8 VCMDQs / 4 VINTFs: per VINTF, as the driver */
    ck_assert_uint_eq(t.log2vsids, 4);
    h.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_GET_HW_INFO, &h), EOPNOTSUPP);
    h.flags = 2;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_GET_HW_INFO, &h), EOPNOTSUPP);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

/* -------------------------------------------------------------- vIOMMU */

START_TEST(test_viommu_rules)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd), dev = fx_bind(fd, 5);
    uint32_t hwpt = fx_nest_parent(fd, dev, ioas);
    struct iommu_viommu_alloc v = { .size = 24, .type = IOMMU_VIOMMU_TYPE_DEFAULT, .dev_id = dev,
                                    .hwpt_id = hwpt };
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v), EOPNOTSUPP);
    v.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
    v.flags = 1;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v), EOPNOTSUPP);
    v.flags = 0;
    v.dev_id = 77;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v), ENOENT);
    v.dev_id = dev;
    v.hwpt_id = ioas;
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v), ENOENT);
    v.hwpt_id = hwpt;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v));   /* 24-byte request */
    v.type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;                    /* no driver data */
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v), EINVAL);
    uint64_t off[3];
    for (int i = 0; i < 3; i++)     /* 4 VINTFs, VINTF0 is the host's */
        fx_viommu(fd, dev, hwpt, IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, &off[i], NULL);
    ck_assert_uint_eq(off[0], 0);           /* seed: region index 0, 1, 2 */
    ck_assert_uint_eq(off[1], 0x1000);
    ck_assert_uint_eq(off[2], 0x2000);
    struct iommu_viommu_tegra241_cmdqv data = { 0 };
    v = (struct iommu_viommu_alloc){ .size = sizeof(v), .type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
                                     .dev_id = dev, .hwpt_id = hwpt, .data_len = sizeof(data),
                                     .data_uptr = (uintptr_t)&data };
    EXPECT_ERRNO(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v), ENOSPC);
    /* VINTF1: HYP_OWN = 0, VMID = the parent's, enabled */
    uint32_t cfg = sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x1100);
    ck_assert_uint_eq(cfg & 1, 1);
    ck_assert_uint_eq((cfg >> 17) & 1, 0);
    ck_assert_uint_ne((cfg >> 1) & 0xffff, 0);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

START_TEST(test_viommu_offsets_v617)
{
    int fd = fx_open();
    uint32_t ioas = fx_ioas(fd), dev = fx_bind(fd, 5);
    uint32_t hwpt = fx_nest_parent(fd, dev, ioas);
    uint64_t off[2], len;
    fx_viommu(fd, dev, hwpt, IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, &off[0], &len);
    fx_viommu(fd, dev, hwpt, IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, &off[1], NULL);
    ck_assert_uint_eq(len, 0x10000);
    ck_assert_uint_eq(off[0], 0x1000);              /* PAGE_SIZE: the first page is skipped */
    ck_assert_uint_eq(off[1], 0x1000 + 0x10000);
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

/* -------------------------------------------------------------- vdevice */

START_TEST(test_vdevice_rules)
{
    struct stack s = make_stack();
    uint32_t dev2 = fx_bind(s.fd, 0x43);
    struct iommu_vdevice_alloc v = { .size = sizeof(v), .viommu_id = 99, .dev_id = s.dev, .virt_id = 9 };
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v), ENOENT);
    v.viommu_id = s.viommu;
    v.dev_id = 99;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v), ENOENT);
    v.dev_id = s.dev;
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v));
    uint32_t vdev = v.out_vdevice_id;
    /* SID pair 0 of VINTF1: REPLACE = pSID, MATCH = vSID << 1 | 1 */
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x1100 + 0x80), 0x42);
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x1100 + 0x40), (9u << 1) | 1);
    v.virt_id = 10;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v), EEXIST);   /* same device */
    v.dev_id = dev2;
    v.virt_id = 9;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v), EEXIST);   /* same vSID */
    v.virt_id = 1ull << 32;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v), EINVAL);
    EXPECT_ERRNO(fx_destroy(s.fd, s.viommu), EBUSY);
    /* tombstone: the device goes first */
    EXPECT_OK(iommufd_shim_unbind_device(s.fd, s.dev));
    EXPECT_ERRNO(fx_destroy(s.fd, vdev), ENOENT);
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x1100 + 0x40), 0);
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

START_TEST(test_vdevice_sid_slots_enospc)
{
    struct stack s = make_stack();
    for (uint32_t i = 0; i < 16; i++) {
        struct iommu_vdevice_alloc v = { .size = sizeof(v), .viommu_id = s.viommu,
                                         .dev_id = i ? fx_bind(s.fd, 0x100 + i) : s.dev, .virt_id = i };
        EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v));
    }
    struct iommu_vdevice_alloc v = { .size = sizeof(v), .viommu_id = s.viommu,
                                     .dev_id = fx_bind(s.fd, 0x200), .virt_id = 99 };
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v), ENOSPC);
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

/* ------------------------------------------------------------- HW queue */

START_TEST(test_hw_queue_core_rules)
{
    struct stack s = make_stack();
    struct iommu_hw_queue_alloc q = { .size = sizeof(q), .viommu_id = s.viommu, .flags = 1,
                                      .type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,
                                      .nesting_parent_iova = 0x100000, .length = 0x1000 };
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HW_QUEUE_ALLOC, &q), EOPNOTSUPP);
    q.flags = 0;
    q.type = IOMMU_HW_QUEUE_TYPE_DEFAULT;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HW_QUEUE_ALLOC, &q), EOPNOTSUPP);
    q.type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV;
    q.length = 0;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HW_QUEUE_ALLOC, &q), EINVAL);
    q.length = 0x1000;
    q.nesting_parent_iova = UINT64_MAX - 0x10;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HW_QUEUE_ALLOC, &q), EOVERFLOW);
    q.nesting_parent_iova = 0x100000;
    q.viommu_id = s.ioas;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HW_QUEUE_ALLOC, &q), ENOENT);
    uint32_t plain = fx_viommu(s.fd, s.dev, s.hwpt, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL, NULL);
    q.viommu_id = plain;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HW_QUEUE_ALLOC, &q), EOPNOTSUPP);
    q.viommu_id = s.viommu;
    q.type = 7;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HW_QUEUE_ALLOC, &q), EOPNOTSUPP);
    EXPECT_ERRNO(hw_queue(&s, 0, 0x200000, 0x1000, NULL), ENOENT);      /* not mapped */
    EXPECT_ERRNO(hw_queue(&s, 0, 0x10f000, 0x2000, NULL), ENOENT);      /* runs off the end */
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

START_TEST(test_hw_queue_tegra_rules)
{
    struct stack s = make_stack();
    uint32_t q0, q1;
    EXPECT_ERRNO(hw_queue(&s, 2, 0x100000, 0x1000, NULL), EINVAL);      /* 2 LVCMDQs per VINTF */
    EXPECT_ERRNO(hw_queue(&s, 1, 0x100000, 0x1000, NULL), EIO);         /* ascending order */
    EXPECT_ERRNO(hw_queue(&s, 0, 0x100000, 0x1800, NULL), EINVAL);      /* not a power of 2 */
    EXPECT_ERRNO(hw_queue(&s, 0, 0x100000, 16, NULL), EINVAL);          /* < 32 */
    EXPECT_ERRNO(hw_queue(&s, 0, 0x100800, 0x1000, NULL), EINVAL);      /* not aligned to length */
    EXPECT_OK(hw_queue(&s, 0, 0x100000, 0x1000, &q0));
    EXPECT_ERRNO(hw_queue(&s, 0, 0x102000, 0x1000, NULL), EEXIST);
    EXPECT_OK(hw_queue(&s, 1, 0x104000, 0x1000, &q1));
    /* BASE of VINTF1 LVCMDQ0 (page1) holds the pinned PA and log2(entries) */
    uint64_t p1 = FX_CMDQV_BASE + 0x30000 + 0x20000 + 0x10000;
    uint64_t base = sim_bus_read32(fx_bus(), p1) | (uint64_t)sim_bus_read32(fx_bus(), p1 + 4) << 32;
    ck_assert_uint_eq(base & 0x1f, 8);
    ck_assert_uint_ge(base & ~0x1full, 0x100000000ull);     /* a pinned frame (shim.pin_base) */
    /* CMDQ_ALLOC of global VCMDQ 2 = (VINTF1, LVCMDQ0, ALLOCATED) */
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x200 + 4 * 2), (1u << 15) | 1);
    /* pinned: IOAS_UNMAP over the queue is EBUSY, even a partial one */
    struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = s.ioas, .iova = 0x100000, .length = 0x1000 };
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_IOAS_UNMAP, &u), EBUSY);
    /* destroy order: queue 0 is busy while queue 1 exists; the vIOMMU while either does */
    EXPECT_ERRNO(fx_destroy(s.fd, q0), EBUSY);
    EXPECT_ERRNO(fx_destroy(s.fd, s.viommu), EBUSY);
    EXPECT_OK(fx_destroy(s.fd, q1));
    EXPECT_OK(fx_destroy(s.fd, q0));
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x200 + 4 * 2), 1u << 15);
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), p1), 0);
    EXPECT_OK(fx_destroy(s.fd, s.viommu));
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x1100) & 1, 0);
    u.length = 0x10000;
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_IOAS_UNMAP, &u));     /* unpinned again */
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

START_TEST(test_hw_queue_contiguity)
{
    struct stack s = make_stack();
    EXPECT_OK(hw_queue(&s, 0, 0x100000, 0x1000, NULL));              /* one page: fine */
    EXPECT_ERRNO(hw_queue(&s, 1, 0x104000, 0x2000, NULL), EFAULT);     /* two scattered pages */
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

/* ------------------------------------------------------ invalidation */

START_TEST(test_invalidate_trapped)
{
    struct stack s = make_stack();
    struct iommu_vdevice_alloc v = { .size = sizeof(v), .viommu_id = s.viommu, .dev_id = s.dev, .virt_id = 5 };
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v));
    uint64_t cmds[100][2];
    for (int i = 0; i < 100; i++) {
        cmds[i][0] = 0x12 | ((uint64_t)0x1234 << 32);  /* TLBI_NH_VA with a guest VMID */
        cmds[i][1] = (uint64_t)i << 12;
    }
    cmds[99][0] = 0x40 | (5ull << 32);                 /* ATC_INV on vSID 5 */
    struct iommu_hwpt_invalidate inv = { .size = sizeof(inv), .hwpt_id = s.viommu,
                                         .data_uptr = (uintptr_t)cmds,
                                         .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
                                         .entry_len = 16, .entry_num = 100 };
    sim_time_t t0 = sim_now(fx_sched());
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_INVALIDATE, &inv));
    ck_assert_uint_eq(inv.entry_num, 100);
    ck_assert_uint_gt(sim_now(fx_sched()), t0);       /* completion awaited in simulated time */
    /* disallowed opcode: EIO, entry_num = the failing index */
    cmds[3][0] = 0x03;                                /* CFGI_STE */
    inv.entry_num = 10;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_INVALIDATE, &inv), EIO);
    ck_assert_uint_eq(inv.entry_num, 3);
    cmds[3][0] = 0x40 | (6ull << 32);                 /* unknown vSID */
    inv.entry_num = 10;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_INVALIDATE, &inv), EIO);
    inv.entry_num = 1;
    inv.data_type = 0;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_INVALIDATE, &inv), EINVAL);
    ck_assert_uint_eq(inv.entry_num, 0);             /* rewritten even on error */
    inv.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
    inv.data_uptr = 0;
    inv.entry_num = 1;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_INVALIDATE, &inv), EINVAL);
    inv.hwpt_id = 99;
    inv.entry_num = 1;
    inv.data_uptr = (uintptr_t)cmds;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_HWPT_INVALIDATE, &inv), ENOENT);
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

/* ---------------------------------------------------------------- mmap */

START_TEST(test_mmap_seed_rules)
{
    struct stack s = make_stack();
    ck_assert_uint_eq(s.off, 0);
    EXPECT_ERRNO((intptr_t)iommufd_shim_mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED, s.fd, 0x1000) == -1 ? -1 : 0, EINVAL);
    void *p;
    p = iommufd_shim_mmap(NULL, 0x1800, PROT_READ, MAP_SHARED, s.fd, 0);
    ck_assert(p == MAP_FAILED && errno == EINVAL);          /* unaligned length */
    p = iommufd_shim_mmap(NULL, 0x10000, PROT_READ, MAP_PRIVATE, s.fd, 0);
    ck_assert(p == MAP_FAILED && errno == EINVAL);          /* not shared */
    p = iommufd_shim_mmap(NULL, 0x10000, PROT_READ | PROT_EXEC, MAP_SHARED, s.fd, 0);
    ck_assert(p == MAP_FAILED && errno == EPERM);
    p = iommufd_shim_mmap(NULL, 0x20000, PROT_READ, MAP_SHARED, s.fd, 0);
    ck_assert(p == MAP_FAILED && errno == EINVAL);          /* larger than the region */
    p = iommufd_shim_mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, s.fd, 0x5000);
    ck_assert(p == MAP_FAILED && errno == EINVAL);          /* unknown index */
    p = iommufd_shim_mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED, s.fd, 0);
    ck_assert(p != MAP_FAILED);                             /* partial: start of the region */
    EXPECT_ERRNO(iommufd_shim_mmio_read32((uint8_t *)p + 0x1000) == UINT32_MAX ? -1 : 0, EFAULT);
    EXPECT_ERRNO(iommufd_shim_mmio_write32((uint8_t *)p + 0x2000, 1), EFAULT);
    /* seed: no owner reference, the vIOMMU goes away under the mapping */
    EXPECT_OK(fx_destroy(s.fd, s.viommu));
    EXPECT_OK(iommufd_shim_munmap(p, 0x1000));
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

START_TEST(test_mmap_v617_rules)
{
    struct stack s = make_stack();
    ck_assert_uint_eq(s.off, 0x1000);
    void *p;
    p = iommufd_shim_mmap(NULL, 0x10000, PROT_READ, MAP_PRIVATE, s.fd, (off_t)s.off);
    ck_assert(p == MAP_FAILED && errno == EINVAL);
    p = iommufd_shim_mmap(NULL, 0x10000, PROT_EXEC, MAP_SHARED, s.fd, (off_t)s.off);
    ck_assert(p == MAP_FAILED && errno == EPERM);
    p = iommufd_shim_mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, s.fd, (off_t)s.off + 0x1000);
    ck_assert(p == MAP_FAILED && errno == ENXIO);           /* inside, not at the start */
    p = iommufd_shim_mmap(NULL, 0x8000, PROT_READ, MAP_SHARED, s.fd, (off_t)s.off);
    ck_assert(p == MAP_FAILED && errno == ENXIO);           /* half */
    p = iommufd_shim_mmap(NULL, 0x20000, PROT_READ, MAP_SHARED, s.fd, (off_t)s.off);
    ck_assert(p == MAP_FAILED && errno == ENXIO);           /* double */
    p = iommufd_shim_mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, s.fd, 0);
    ck_assert(p == MAP_FAILED && errno == ENXIO);           /* nothing at 0 */
    p = iommufd_shim_mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED, s.fd, (off_t)s.off);
    ck_assert(p != MAP_FAILED);
    void *p2 = iommufd_shim_mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, s.fd, (off_t)s.off);
    ck_assert(p2 != MAP_FAILED);
    EXPECT_ERRNO(fx_destroy(s.fd, s.viommu), EBUSY);        /* mapped twice */
    EXPECT_OK(iommufd_shim_munmap(p, 0x10000));
    EXPECT_ERRNO(fx_destroy(s.fd, s.viommu), EBUSY);
    EXPECT_ERRNO(iommufd_shim_munmap(p2, 0x1000), EINVAL);  /* no VMA splitting */
    /* close with a live mapping: the context outlives the descriptor */
    EXPECT_OK(iommufd_shim_close(s.fd));
    ck_assert_uint_gt(iommufd_shim_live_objects(), 0);
    EXPECT_OK(iommufd_shim_munmap(p2, 0x10000));
    ck_assert_uint_eq(iommufd_shim_live_objects(), 0);
}
END_TEST

/* ---------------------------------------------------------- vEVENTQ */

START_TEST(test_veventq)
{
    struct stack s = make_stack();
    struct iommu_veventq_alloc e = { .size = sizeof(e), .viommu_id = s.viommu,
                                     .type = IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, .veventq_depth = 0 };
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VEVENTQ_ALLOC, &e), EINVAL);
    e.veventq_depth = 4;
    e.type = IOMMU_VEVENTQ_TYPE_DEFAULT;
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VEVENTQ_ALLOC, &e), EOPNOTSUPP);
    e.type = IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV;
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_VEVENTQ_ALLOC, &e));
    EXPECT_ERRNO(iommufd_shim_ioctl(s.fd, IOMMU_VEVENTQ_ALLOC, &e), EEXIST);
    int efd = (int)e.out_veventq_fd;
    uint8_t rec[64];
    ck_assert_int_eq(iommufd_shim_read(efd, rec, sizeof(rec)), 0);   /* empty */
    EXPECT_ERRNO(fx_destroy(s.fd, e.out_veventq_id), EBUSY);         /* fd open */
    EXPECT_OK(iommufd_shim_close(efd));
    EXPECT_OK(fx_destroy(s.fd, e.out_veventq_id));
    EXPECT_OK(iommufd_shim_close(s.fd));
}
END_TEST

/* ---------------------------------------------------------- lifetime */

START_TEST(test_close_tears_down)
{
    struct stack s = make_stack();
    struct iommu_vdevice_alloc v = { .size = sizeof(v), .viommu_id = s.viommu, .dev_id = s.dev, .virt_id = 5 };
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_VDEVICE_ALLOC, &v));
    EXPECT_OK(hw_queue(&s, 0, 0x100000, 0x1000, NULL));
    EXPECT_OK(hw_queue(&s, 1, 0x101000, 0x1000, NULL));
    struct iommu_veventq_alloc e = { .size = sizeof(e), .viommu_id = s.viommu,
                                     .type = IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, .veventq_depth = 2 };
    EXPECT_OK(iommufd_shim_ioctl(s.fd, IOMMU_VEVENTQ_ALLOC, &e));
    EXPECT_OK(iommufd_shim_close((int)e.out_veventq_fd));
    EXPECT_OK(iommufd_shim_close(s.fd));
    ck_assert_uint_eq(iommufd_shim_live_objects(), 0);
    /* hardware released: VINTF1 disabled, SIDs and allocations cleared */
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x1100) & 1, 0);
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x1100 + 0x40), 0);
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x200 + 8) & 1, 0);
    ck_assert_uint_eq(sim_bus_read32(fx_bus(), FX_CMDQV_BASE + 0x200 + 12) & 1, 0);
}
END_TEST

/* --------------------------------------------------- failure injection */

static int full_sequence(void)
{
    int fd = iommufd_shim_open("/dev/iommu", 0);
    uint8_t *buf = fx_buffer(0x10000);
    struct iommu_ioas_alloc a = { .size = sizeof(a) };
    uint32_t dev = 0;
    int rc = iommufd_shim_ioctl(fd, IOMMU_IOAS_ALLOC, &a);
    struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = a.out_ioas_id, .user_va = (uintptr_t)buf,
                                .length = 0x10000, .iova = 0x100000,
                                .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
                                         IOMMU_IOAS_MAP_WRITEABLE };
    if (!rc) rc = iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m);
    if (!rc) rc = iommufd_shim_bind_device(fd, 0x42, &dev);
    struct iommu_hwpt_alloc h = { .size = sizeof(h), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
                                  .dev_id = dev, .pt_id = a.out_ioas_id };
    if (!rc) rc = iommufd_shim_ioctl(fd, IOMMU_HWPT_ALLOC, &h);
    struct iommu_viommu_tegra241_cmdqv data = { 0 };
    struct iommu_viommu_alloc v = { .size = sizeof(v), .type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
                                    .dev_id = dev, .hwpt_id = h.out_hwpt_id, .data_len = sizeof(data),
                                    .data_uptr = (uintptr_t)&data };
    if (!rc) rc = iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v);
    struct iommu_vdevice_alloc vd = { .size = sizeof(vd), .viommu_id = v.out_viommu_id, .dev_id = dev,
                                      .virt_id = 3 };
    if (!rc) rc = iommufd_shim_ioctl(fd, IOMMU_VDEVICE_ALLOC, &vd);
    struct iommu_hw_queue_alloc q = { .size = sizeof(q), .viommu_id = v.out_viommu_id,
                                      .type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,
                                      .nesting_parent_iova = 0x100000, .length = 0x1000 };
    if (!rc) rc = iommufd_shim_ioctl(fd, IOMMU_HW_QUEUE_ALLOC, &q);
    struct iommu_veventq_alloc e = { .size = sizeof(e), .viommu_id = v.out_viommu_id,
                                     .type = IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, .veventq_depth = 2 };
    if (!rc) rc = iommufd_shim_ioctl(fd, IOMMU_VEVENTQ_ALLOC, &e);
    if (!rc) iommufd_shim_close((int)e.out_veventq_fd);
    void *p = MAP_FAILED;
    if (!rc) {
        p = iommufd_shim_mmap(NULL, data.out_vintf_mmap_length, PROT_READ | PROT_WRITE, MAP_SHARED,
                              fd, (off_t)data.out_vintf_mmap_offset);
        rc = p == MAP_FAILED ? -1 : 0;
    }
    int err = errno;
    iommufd_shim_fail_nth(0);
    if (p != MAP_FAILED)
        iommufd_shim_munmap(p, data.out_vintf_mmap_length);
    iommufd_shim_close(fd);
    errno = err;
    return rc;
}

START_TEST(test_fail_nth_sweep)
{
    unsigned n;
    for (n = 1; n < 500; n++) {
        iommufd_shim_fail_nth(n);
        int rc = full_sequence();
        ck_assert_uint_eq(iommufd_shim_live_objects(), 0);
        if (rc == 0)
            break;
        ck_assert_msg(errno == ENOMEM || errno == ENOENT || errno == ENOSPC,
                      "n=%u: errno %d", n, errno);
    }
    ck_assert_uint_gt(n, 10);
    ck_assert_uint_lt(n, 500);
}
END_TEST

/* ----------------------------------------------------------- end to end */

START_TEST(test_end_to_end_vcmdq)
{
    int fd = iommufd_shim_open("/dev/iommu", 0);
    ck_assert_int_ge(fd, 0);
    uint8_t *guest = fx_buffer(0x10000);
    struct iommu_ioas_alloc a = { .size = sizeof(a) };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_ALLOC, &a));
    struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = a.out_ioas_id, .user_va = (uintptr_t)guest,
                                .length = 0x10000, .iova = 0x80000000,
                                .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
                                         IOMMU_IOAS_MAP_WRITEABLE };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m));
    uint32_t dev;
    EXPECT_OK(iommufd_shim_bind_device(fd, 0x42, &dev));
    struct iommu_hwpt_alloc h = { .size = sizeof(h), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
                                  .dev_id = dev, .pt_id = a.out_ioas_id };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_HWPT_ALLOC, &h));
    struct iommu_viommu_tegra241_cmdqv data = { 0 };
    struct iommu_viommu_alloc v = { .size = sizeof(v), .type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
                                    .dev_id = dev, .hwpt_id = h.out_hwpt_id, .data_len = sizeof(data),
                                    .data_uptr = (uintptr_t)&data };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v));
    struct iommu_vdevice_alloc vd = { .size = sizeof(vd), .viommu_id = v.out_viommu_id, .dev_id = dev,
                                      .virt_id = 3 };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_VDEVICE_ALLOC, &vd));
    struct iommu_hw_queue_alloc q = { .size = sizeof(q), .viommu_id = v.out_viommu_id,
                                      .type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV, .index = 0,
                                      .nesting_parent_iova = 0x80000000, .length = 0x1000 };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_HW_QUEUE_ALLOC, &q));
    uint8_t *page0 = iommufd_shim_mmap(NULL, data.out_vintf_mmap_length, PROT_READ | PROT_WRITE,
                                       MAP_SHARED, fd, (off_t)data.out_vintf_mmap_offset);
    ck_assert(page0 != MAP_FAILED);
    volatile uint32_t *cons = (uint32_t *)(page0 + 0x00), *prod = (uint32_t *)(page0 + 0x04);
    volatile uint32_t *config = (uint32_t *)(page0 + 0x08), *status = (uint32_t *)(page0 + 0x0c);
    /* enable the VCMDQ through the mapped page */
    *config = 1;
    for (int i = 0; i < 100000 && !(*status & 1); i++)
        EXPECT_OK(iommufd_shim_relax());
    ck_assert_uint_eq(*status & 1, 1);
    /* TLBI_NH_VA + CMD_SYNC (CS = NONE) into the guest queue */
    uint64_t cmds[4] = { 0x12 | (7ull << 48), 0x1000ull << 0, 0x46, 0 };
    memcpy(guest, cmds, sizeof(cmds));
    sim_time_t t0 = sim_now(fx_sched());
    *prod = 2;
    int polls = 0;
    while ((*cons & 0xfffff) != 2 && polls < 100000) {
        EXPECT_OK(iommufd_shim_relax());
        polls++;
    }
    ck_assert_uint_eq(*cons & 0xfffff, 2);
    ck_assert_uint_eq((*cons >> 24) & 0x7f, 0);
    sim_time_t latency = sim_now(fx_sched()) - t0;
    ck_assert_uint_gt(latency, 0);
    fprintf(stderr, "end-to-end: TLBI_NH_VA + CMD_SYNC through VCMDQ: %" G_GUINT64_FORMAT
            " ps of simulated time, %d polls\n", latency, polls);
    /* tear down in order */
    EXPECT_OK(iommufd_shim_munmap(page0, data.out_vintf_mmap_length));
    struct iommu_destroy d = { .size = sizeof(d), .id = q.out_hw_queue_id };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_DESTROY, &d));
    d.id = vd.out_vdevice_id;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_DESTROY, &d));
    d.id = v.out_viommu_id;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_DESTROY, &d));
    d.id = h.out_hwpt_id;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_DESTROY, &d));
    struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = a.out_ioas_id, .iova = 0, .length = UINT64_MAX };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_UNMAP, &u));
    ck_assert_uint_eq(u.length, 0x10000);
    d.id = a.out_ioas_id;
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_DESTROY, &d));
    EXPECT_OK(iommufd_shim_unbind_device(fd, dev));
    EXPECT_OK(iommufd_shim_close(fd));
}
END_TEST

static Suite *shim_suite(void)
{
    Suite *s = suite_create("shim");
    TCase *t = tcase_create("Seed");
    tcase_add_checked_fixture(t, setup_seed, fx_teardown);
    tcase_add_test(t, test_open_and_dispatch);
    tcase_add_test(t, test_ids_and_destroy);
    tcase_add_test(t, test_ioas_map_rules);
    tcase_add_test(t, test_ioas_enospc);
    tcase_add_test(t, test_ioas_unmap_rules);
    tcase_add_test(t, test_hwpt_alloc_rules);
    tcase_add_test(t, test_hw_info);
    tcase_add_test(t, test_viommu_rules);
    tcase_add_test(t, test_vdevice_rules);
    tcase_add_test(t, test_vdevice_sid_slots_enospc);
    tcase_add_test(t, test_hw_queue_core_rules);
    tcase_add_test(t, test_hw_queue_tegra_rules);
    tcase_add_test(t, test_invalidate_trapped);
    tcase_add_test(t, test_mmap_seed_rules);
    tcase_add_test(t, test_veventq);
    tcase_add_test(t, test_close_tears_down);
    tcase_add_test(t, test_fail_nth_sweep);
    tcase_add_test(t, test_end_to_end_vcmdq);
    suite_add_tcase(s, t);
    TCase *v = tcase_create("V617");
    tcase_add_checked_fixture(v, setup_v617, fx_teardown);
    tcase_add_test(v, test_viommu_offsets_v617);
    tcase_add_test(v, test_mmap_v617_rules);
    tcase_add_test(v, test_fail_nth_sweep);
    tcase_add_test(v, test_end_to_end_vcmdq);
    suite_add_tcase(s, v);
    TCase *c = tcase_create("Scattered");
    tcase_add_checked_fixture(c, setup_scattered, fx_teardown);
    tcase_add_test(c, test_hw_queue_contiguity);
    suite_add_tcase(s, c);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(shim_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
