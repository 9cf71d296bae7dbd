/*
 * shim-fixture.c — the machine the shim suites run on (see shim-fixture.h).
 */
#include <stdlib.h>
#include <string.h>
#include "shim-fixture.h"
#include "models/cmdqv/cmdqv.h"
#include "models/smmuv3/smmuv3.h"

struct fx_machine {
    struct sim_params *params;
    struct sim_sched sched;
    struct sim_mem *mem;
    struct sim_bus *bus;
    struct sim_stats *stats;
    struct smmu *smmu;
    struct cmdqv *cmdqv;
    GPtrArray *buffers;
};

struct fx_machine *fx;

struct sim_sched *fx_sched(void) { return &fx->sched; }
struct sim_mem *fx_mem(void) { return fx->mem; }
struct sim_bus *fx_bus(void) { return fx->bus; }
struct smmu *fx_smmu(void) { return fx->smmu; }

static void fx_set(const char *assignment)
{
    GError *err = NULL;
    ck_assert_msg(sim_params_set_assignment(fx->params, assignment, "test", &err), "%s: %s",
                  assignment, err ? err->message : "?");
}

void fx_setup_with(const char *const *sets)
{
    GError *err = NULL;
    fx = g_new0(struct fx_machine, 1);
    fx->params = sim_params_new();
    ck_assert(smmu_declare_params(fx->params, &err));
    ck_assert(cmdqv_declare_params(fx->params, &err));
    ck_assert(iommufd_shim_declare_params(fx->params, &err));
    fx_set("cmdqv.num_vcmdq_log2=3");
    fx_set("cmdqv.num_vintf_log2=2");
    for (; sets && *sets; sets++)
        fx_set(*sets);
    sim_sched_init(&fx->sched);
    fx->mem = sim_mem_new();
    fx->bus = sim_bus_new();
    fx->stats = sim_stats_new();
    fx->smmu = smmu_new(&fx->sched, fx->mem, fx->params, fx->stats, &err);
    ck_assert_msg(fx->smmu, "smmu_new: %s", err ? err->message : "?");
    ck_assert(sim_bus_add_region(fx->bus, "smmu", FX_SMMU_BASE, SMMU_MMIO_SIZE, &smmu_mmio_ops, fx->smmu));
    fx->cmdqv = cmdqv_new(fx->smmu, fx->params, &err);
    ck_assert_msg(fx->cmdqv, "cmdqv_new: %s", err ? err->message : "?");
    ck_assert(sim_bus_add_region(fx->bus, "cmdqv", FX_CMDQV_BASE, cmdqv_mmio_size(fx->cmdqv),
                                 &cmdqv_mmio_ops, fx->cmdqv));
    fx->buffers = g_ptr_array_new_with_free_func(free);
    struct iommufd_shim_hw hw = { &fx->sched, fx->mem, fx->bus, fx->params, FX_SMMU_BASE, FX_CMDQV_BASE };
    EXPECT_OK(iommufd_shim_set_hw(&hw));
    EXPECT_OK(iommufd_shim_host_probe());
}

void fx_teardown(void)
{
    iommufd_shim_fail_nth(0);
    ck_assert_int_eq(iommufd_shim_live_objects(), 0);
    EXPECT_OK(iommufd_shim_set_hw(NULL));
    cmdqv_free(fx->cmdqv);
    smmu_free(fx->smmu);
    sim_stats_free(fx->stats);
    sim_bus_free(fx->bus);
    sim_mem_free(fx->mem);
    sim_sched_destroy(&fx->sched);
    sim_params_free(fx->params);
    g_ptr_array_free(fx->buffers, TRUE);
    g_free(fx);
    fx = NULL;
}

int fx_open(void)
{
    int fd = iommufd_shim_open("/dev/iommu", 0);
    ck_assert_int_ge(fd, 0);
    return fd;
}

uint32_t fx_ioas(int fd)
{
    struct iommu_ioas_alloc a = { .size = sizeof(a) };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_ALLOC, &a));
    return a.out_ioas_id;
}

void *fx_buffer(size_t len)
{
    void *p = NULL;
    ck_assert_int_eq(posix_memalign(&p, 2u << 20, len), 0);
    memset(p, 0, len);
    g_ptr_array_add(fx->buffers, p);
    return p;
}

uint64_t fx_map(int fd, uint32_t ioas, void *buf, uint64_t len, uint64_t iova)
{
    struct iommu_ioas_map m = {
        .size = sizeof(m), .ioas_id = ioas, .user_va = (uintptr_t)buf, .length = len, .iova = iova,
        .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
    };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_IOAS_MAP, &m));
    return m.iova;
}

uint32_t fx_bind(int fd, uint32_t sid)
{
    uint32_t id = 0;
    EXPECT_OK(iommufd_shim_bind_device(fd, sid, &id));
    return id;
}

uint32_t fx_nest_parent(int fd, uint32_t dev, uint32_t ioas)
{
    struct iommu_hwpt_alloc h = { .size = sizeof(h), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
                                  .dev_id = dev, .pt_id = ioas };
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_HWPT_ALLOC, &h));
    return h.out_hwpt_id;
}

uint32_t fx_viommu(int fd, uint32_t dev, uint32_t hwpt, uint32_t type, uint64_t *off, uint64_t *len)
{
    struct iommu_viommu_tegra241_cmdqv data = { 0 };
    struct iommu_viommu_alloc v = { .size = sizeof(v), .type = type, .dev_id = dev, .hwpt_id = hwpt };
    if (type == IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV) {
        v.data_len = sizeof(data);
        v.data_uptr = (uintptr_t)&data;
    }
    EXPECT_OK(iommufd_shim_ioctl(fd, IOMMU_VIOMMU_ALLOC, &v));
    if (off)
        *off = data.out_vintf_mmap_offset;
    if (len)
        *len = data.out_vintf_mmap_length;
    return v.out_viommu_id;
}

int fx_destroy(int fd, uint32_t id)
{
    struct iommu_destroy d = { .size = sizeof(d), .id = id };
    return iommufd_shim_ioctl(fd, IOMMU_DESTROY, &d);
}
