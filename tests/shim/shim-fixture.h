/*
 * shim-fixture.h — a simulated machine for the shim suites: scheduler,
 * memory, bus, SMMUv3 and CMDQV models on the bus, the shim attached and
 * the host driver probed; plus expect helpers in the style of the kernel
 * selftests (test_cmd_* / test_err_*).
 */
#ifndef SHIM_FIXTURE_H
#define SHIM_FIXTURE_H

#include <check.h>
#include <errno.h>
#include <sys/mman.h>
#include "kernel_shim/iommufd-shim.h"

#define FX_SMMU_BASE 0x09050000ull
#define FX_CMDQV_BASE 0x09100000ull

struct fx_machine;
extern struct fx_machine *fx;

/* Build the machine with extra "name=value" settings (NULL-terminated). */
void fx_setup_with(const char *const *sets);
void fx_teardown(void);
struct sim_sched *fx_sched(void);
struct sim_mem *fx_mem(void);
struct sim_bus *fx_bus(void);
/* The SMMU model itself, for translating through what the shim built. */
struct smmu;
struct smmu *fx_smmu(void);

/* iommufd helpers; each asserts success. */
int fx_open(void);
uint32_t fx_ioas(int fd);
void *fx_buffer(size_t len);   /* page-aligned, zeroed, freed at teardown */
uint64_t fx_map(int fd, uint32_t ioas, void *buf, uint64_t len, uint64_t iova);
uint32_t fx_bind(int fd, uint32_t sid);
uint32_t fx_nest_parent(int fd, uint32_t dev, uint32_t ioas);
uint32_t fx_viommu(int fd, uint32_t dev, uint32_t hwpt, uint32_t type, uint64_t *off, uint64_t *len);
int fx_destroy(int fd, uint32_t id);

#define EXPECT_ERRNO(expr, e)                                                   \
    do {                                                                        \
        errno = 0;                                                              \
        long rc_ = (long)(expr);                                                \
        ck_assert_msg(rc_ == -1 && errno == (e), "%s: rc %ld errno %d (%s), want %d (%s)", \
                      #expr, rc_, errno, g_strerror(errno), (e), g_strerror(e)); \
    } while (0)

#define EXPECT_OK(expr)                                                         \
    do {                                                                        \
        errno = 0;                                                              \
        long rc_ = (long)(expr);                                                \
        ck_assert_msg(rc_ == 0, "%s: rc %ld errno %d (%s)", #expr, rc_, errno,   \
                      g_strerror(errno));                                       \
    } while (0)

#endif /* SHIM_FIXTURE_H */
