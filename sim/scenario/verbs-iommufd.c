/*
 * verbs-iommufd.c — verbs that act as a VMM on the iommufd shim
 * (kernel_shim/iommufd-shim.h, iommufd.md §2): open the device, probe the
 * host driver, bind and attach devices, allocate IOAS / HWPT / vIOMMU /
 * vdevice / HW queue / vEVENTQ objects with the real uAPI structures, and
 * mmap the VINTF page.
 *
 * ioctls are table-driven: one row per request with its struct size and the
 * fields a scenario may set (by the uAPI names) and the out_* fields it
 * stores with `-> var, ...`.  `size` is filled in unless given.
 *
 * Kernel-logic errors are errno values: `expect=EEXIST` makes a failure with
 * exactly that errno the expected result (an expectation, counted); an
 * errno nobody expected is a scenario error naming the call and the errno.
 *
 * Record mode (record.h) writes each call as itself with constant
 * arguments: a call that failed carries `expect=` its errno, a call that
 * succeeded its outputs and their `expect`s.  The shim's own register
 * accesses happen inside the call and are not recorded separately; host
 * buffer addresses, descriptors and mmap handles stay symbolic.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "kernel_shim/iommufd-shim.h"
#include "sim/machine/machine.h"
#include "sim/scenario/record.h"
#include "sim/scenario/scn-internal.h"

struct scn_mapping {
    void *ptr;
    size_t len;
};

struct scn_iommufd {
    bool attached;
    int default_fd;
    GArray *fds;                /* int: every descriptor opened */
    GPtrArray *buffers;         /* host memory handed to IOAS_MAP */
    GArray *maps;               /* struct scn_mapping; index + 1 is the handle */
};

/* ---------------------------------------------------------------- errno */

static const struct { const char *name; int value; } errnos[] = {
    { "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO }, { "ENXIO", ENXIO }, { "E2BIG", E2BIG },
    { "EBADF", EBADF }, { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EFAULT", EFAULT }, { "EBUSY", EBUSY },
    { "EEXIST", EEXIST }, { "ENODEV", ENODEV }, { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC }, { "ERANGE", ERANGE },
    { "ENOTTY", ENOTTY }, { "EOPNOTSUPP", EOPNOTSUPP }, { "EOVERFLOW", EOVERFLOW }, { "ETIMEDOUT", ETIMEDOUT },
    { "EMFILE", EMFILE },
};

static const char *errno_cand(unsigned i, const void *ctx)
{
    return i < G_N_ELEMENTS(errnos) ? errnos[i].name : NULL;
}

static const char *errno_name(int e)
{
    for (size_t i = 0; i < G_N_ELEMENTS(errnos); i++)
        if (errnos[i].value == e)
            return errnos[i].name;
    return "errno";
}

/* --------------------------------------------------------------- ioctls */

struct ioc_field {
    const char *name;
    uint16_t off;
    uint8_t size;
};

struct ioc_desc {
    const char *name;
    unsigned long request;
    size_t size;
    const struct ioc_field *in;
    unsigned nin;
    const struct ioc_field *out;
    unsigned nout;
};

#define FLD(type, f) { #f, offsetof(struct type, f), sizeof(((struct type *)0)->f) }

static const struct ioc_field destroy_in[] = { FLD(iommu_destroy, size), FLD(iommu_destroy, id) };
static const struct ioc_field ioas_alloc_in[] = { FLD(iommu_ioas_alloc, size), FLD(iommu_ioas_alloc, flags) };
static const struct ioc_field ioas_alloc_out[] = { FLD(iommu_ioas_alloc, out_ioas_id) };
static const struct ioc_field ioas_map_in[] = {
    FLD(iommu_ioas_map, size), FLD(iommu_ioas_map, flags), FLD(iommu_ioas_map, ioas_id),
    FLD(iommu_ioas_map, user_va), FLD(iommu_ioas_map, length), FLD(iommu_ioas_map, iova),
};
static const struct ioc_field ioas_map_out[] = { FLD(iommu_ioas_map, iova) };
static const struct ioc_field ioas_unmap_in[] = {
    FLD(iommu_ioas_unmap, size), FLD(iommu_ioas_unmap, ioas_id), FLD(iommu_ioas_unmap, iova),
    FLD(iommu_ioas_unmap, length),
};
static const struct ioc_field ioas_unmap_out[] = { FLD(iommu_ioas_unmap, length) };
static const struct ioc_field hwpt_alloc_in[] = {
    FLD(iommu_hwpt_alloc, size), FLD(iommu_hwpt_alloc, flags), FLD(iommu_hwpt_alloc, dev_id),
    FLD(iommu_hwpt_alloc, pt_id), FLD(iommu_hwpt_alloc, data_type), FLD(iommu_hwpt_alloc, data_len),
    FLD(iommu_hwpt_alloc, data_uptr), FLD(iommu_hwpt_alloc, fault_id),
};
static const struct ioc_field hwpt_alloc_out[] = { FLD(iommu_hwpt_alloc, out_hwpt_id) };
static const struct ioc_field viommu_alloc_in[] = {
    FLD(iommu_viommu_alloc, size), FLD(iommu_viommu_alloc, flags), FLD(iommu_viommu_alloc, type),
    FLD(iommu_viommu_alloc, dev_id), FLD(iommu_viommu_alloc, hwpt_id), FLD(iommu_viommu_alloc, data_len),
    FLD(iommu_viommu_alloc, data_uptr),
};
static const struct ioc_field viommu_alloc_out[] = { FLD(iommu_viommu_alloc, out_viommu_id) };
static const struct ioc_field vdevice_alloc_in[] = {
    FLD(iommu_vdevice_alloc, size), FLD(iommu_vdevice_alloc, viommu_id), FLD(iommu_vdevice_alloc, dev_id),
    FLD(iommu_vdevice_alloc, virt_id),
};
static const struct ioc_field vdevice_alloc_out[] = { FLD(iommu_vdevice_alloc, out_vdevice_id) };
static const struct ioc_field hw_queue_alloc_in[] = {
    FLD(iommu_hw_queue_alloc, size), FLD(iommu_hw_queue_alloc, flags), FLD(iommu_hw_queue_alloc, viommu_id),
    FLD(iommu_hw_queue_alloc, type), FLD(iommu_hw_queue_alloc, index),
    FLD(iommu_hw_queue_alloc, nesting_parent_iova), FLD(iommu_hw_queue_alloc, length),
};
static const struct ioc_field hw_queue_alloc_out[] = { FLD(iommu_hw_queue_alloc, out_hw_queue_id) };
static const struct ioc_field veventq_alloc_in[] = {
    FLD(iommu_veventq_alloc, size), FLD(iommu_veventq_alloc, flags), FLD(iommu_veventq_alloc, viommu_id),
    FLD(iommu_veventq_alloc, type), FLD(iommu_veventq_alloc, veventq_depth),
};
static const struct ioc_field veventq_alloc_out[] = {
    FLD(iommu_veventq_alloc, out_veventq_id), FLD(iommu_veventq_alloc, out_veventq_fd),
};

#define IN_OUT(i, o) i, G_N_ELEMENTS(i), o, G_N_ELEMENTS(o)

static const struct ioc_desc ioctls[] = {
    { "DESTROY", IOMMU_DESTROY, sizeof(struct iommu_destroy), destroy_in, G_N_ELEMENTS(destroy_in), NULL, 0 },
    { "IOAS_ALLOC", IOMMU_IOAS_ALLOC, sizeof(struct iommu_ioas_alloc), IN_OUT(ioas_alloc_in, ioas_alloc_out) },
    { "IOAS_MAP", IOMMU_IOAS_MAP, sizeof(struct iommu_ioas_map), IN_OUT(ioas_map_in, ioas_map_out) },
    { "IOAS_UNMAP", IOMMU_IOAS_UNMAP, sizeof(struct iommu_ioas_unmap), IN_OUT(ioas_unmap_in, ioas_unmap_out) },
    { "HWPT_ALLOC", IOMMU_HWPT_ALLOC, sizeof(struct iommu_hwpt_alloc), IN_OUT(hwpt_alloc_in, hwpt_alloc_out) },
    { "VIOMMU_ALLOC", IOMMU_VIOMMU_ALLOC, sizeof(struct iommu_viommu_alloc),
      IN_OUT(viommu_alloc_in, viommu_alloc_out) },
    { "VDEVICE_ALLOC", IOMMU_VDEVICE_ALLOC, sizeof(struct iommu_vdevice_alloc),
      IN_OUT(vdevice_alloc_in, vdevice_alloc_out) },
    { "HW_QUEUE_ALLOC", IOMMU_HW_QUEUE_ALLOC, sizeof(struct iommu_hw_queue_alloc),
      IN_OUT(hw_queue_alloc_in, hw_queue_alloc_out) },
    { "VEVENTQ_ALLOC", IOMMU_VEVENTQ_ALLOC, sizeof(struct iommu_veventq_alloc),
      IN_OUT(veventq_alloc_in, veventq_alloc_out) },
};

/* ---------------------------------------------------------------- state */

static struct scn_iommufd *state(struct scn_exec *x)
{
    if (!x->ifd) {
        x->ifd = g_new0(struct scn_iommufd, 1);
        x->ifd->default_fd = -1;
        x->ifd->fds = g_array_new(FALSE, FALSE, sizeof(int));
        x->ifd->buffers = g_ptr_array_new_with_free_func(free);
        x->ifd->maps = g_array_new(FALSE, TRUE, sizeof(struct scn_mapping));
    }
    return x->ifd;
}

void scn_iommufd_free(struct scn_exec *x)
{
    struct scn_iommufd *f = x->ifd;
    if (!f)
        return;
    for (guint i = 0; i < f->maps->len; i++) {
        struct scn_mapping *m = &g_array_index(f->maps, struct scn_mapping, i);
        if (m->ptr)
            iommufd_shim_munmap(m->ptr, m->len);
    }
    for (guint i = 0; i < f->fds->len; i++)
        iommufd_shim_close(g_array_index(f->fds, int, i));
    if (f->attached)
        iommufd_shim_set_hw(NULL);
    g_array_free(f->maps, TRUE);
    g_array_free(f->fds, TRUE);
    g_ptr_array_free(f->buffers, TRUE);
    g_free(f);
    x->ifd = NULL;
}

/* The shim drives this run's machine. */
static bool attach(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_iommufd *f = state(x);
    if (f->attached)
        return true;
    if (!scn_need_machine(x, &st->pos, err))
        return false;
    struct sim_machine *m = x->m;
    struct iommufd_shim_hw hw = { &m->sched, m->mem, m->bus, x->params, m->smmu_base, m->cmdqv ? m->cmdqv_base : 0 };
    if (iommufd_shim_set_hw(&hw) < 0) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "the iommufd shim cannot use this machine: %s",
                      errno_name(errno));
        return false;
    }
    f->attached = true;
    return true;
}

/* --------------------------------------------------------- record mode */

/* Start recording the statement (after attach(): the machine exists). */
static void rec_begin(struct scn_exec *x, const struct scn_stmt *st)
{
    if (!x->rec)
        return;
    scn_rec_names(x->rec, x->s->var_index);
    scn_rec_begin(x->rec, x->m ? sim_now(&x->m->sched) : 0, st->u.verb.verb->name, st->u.verb.verb->sub);
}

static void rec_end(struct scn_exec *x)
{
    if (x->rec)
        scn_rec_end(x->rec);
}

static void rec_out(struct scn_exec *x, uint64_t v)
{
    if (x->rec)
        scn_rec_out(x->rec, v);
}

/* An argument of the verb's table, as evaluated. */
static bool arg_u64(struct scn_exec *x, const struct scn_stmt *st, unsigned idx, uint64_t *out, GError **err)
{
    if (!scn_arg_u64(x, st, idx, 0, out, err))
        return false;
    if (x->rec && st->u.verb.args[idx].set)
        scn_rec_arg(x->rec, st->u.verb.verb->params[idx].name, *out);
    return true;
}

/* ------------------------------------------------------------- results */

enum { ARG_FD, ARG_EXPECT, ARG_FIRST };

static const char *expected_errno(const struct scn_stmt *st)
{
    const struct scn_arg *a = &st->u.verb.args[ARG_EXPECT];
    return a->set ? a->word : NULL;
}

/* Judge a call's result against `expect=`: true to go on (store outputs
 * only when *stored is set), false with err for an unexpected errno. */
static bool judge(struct scn_exec *x, const struct scn_stmt *st, int rc, int e, bool *store, GError **err)
{
    const char *want = expected_errno(st);
    *store = false;
    if (x->rec && rc < 0) {     /* what happened: the call failed with e */
        scn_rec_arg_bare(x->rec, "expect", errno_name(e));
        scn_rec_end(x->rec);
    }
    if (want) {
        x->expectations++;
        if (rc < 0 && !strcmp(errno_name(e), want))
            return true;
        char detail[160];
        if (rc < 0)
            snprintf(detail, sizeof detail, "expected: %s\n    actual:   %s (%s)", want, errno_name(e), g_strerror(e));
        else
            snprintf(detail, sizeof detail, "expected: %s\n    actual:   success", want);
        scn_expect_fail(x, st, detail);
        *store = rc >= 0;
        return true;
    }
    if (rc < 0) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "%s failed: %s (%s)", st->text, errno_name(e),
                      g_strerror(e));
        return false;
    }
    *store = true;
    return true;
}

static bool fd_of(struct scn_exec *x, const struct scn_stmt *st, int *fd, GError **err)
{
    uint64_t v;
    struct scn_iommufd *f = state(x);
    if (!scn_arg_u64(x, st, ARG_FD, (uint64_t)(int64_t)f->default_fd, &v, err))
        return false;
    if (!st->u.verb.args[ARG_FD].set && f->default_fd < 0) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "no iommufd is open (use 'iommufd open' first)");
        return false;
    }
    *fd = (int)v;
    if (x->rec && st->u.verb.args[ARG_FD].set)
        scn_rec_arg_handle(x->rec, "fd", SCN_REC_FD, v);
    return true;
}

/* --------------------------------------------------------------- ioctl */

static const struct scn_param ioctl_params[] = {
    { "fd", SCN_K_INT, 0, "iommufd (default: the last opened)" },
    { "expect", SCN_K_WORD, 0, "errno the call must fail with (EEXIST, EINVAL...)" },
};

static const struct ioc_desc *ioctl_of(const struct scn_stmt *st) { return &ioctls[st->u.verb.aux]; }

static const char *field_cand(unsigned i, const void *ctx)
{
    const struct ioc_desc *d = ctx;
    return i < d->nin ? d->in[i].name : NULL;
}

static bool check_expect(const struct scn_stmt *st, GError **err)
{
    const struct scn_arg *a = &st->u.verb.args[ARG_EXPECT];
    if (!a->set)
        return true;
    for (size_t i = 0; i < G_N_ELEMENTS(errnos); i++)
        if (!strcmp(errnos[i].name, a->word))
            return true;
    const char *sug = scn_suggest_fn(a->word, errno_cand, NULL);
    scn_set_error(err, SCENARIO_ERROR_NAME, &a->pos, "unknown errno '%s'%s%s%s", a->word, sug ? " (did you mean '" : "",
                  sug ? sug : "", sug ? "'?)" : "");
    return false;
}

static bool check_ioctl(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    const struct ioc_desc *d = NULL;
    for (unsigned i = 0; i < G_N_ELEMENTS(ioctls); i++)
        if (!strcmp(ioctls[i].name, st->u.verb.verb->sub)) {
            d = &ioctls[i];
            st->u.verb.aux = i;
        }
    for (unsigned i = 0; d && i < st->u.verb.nfields; i++) {
        struct scn_field *f = &st->u.verb.fields[i];
        for (unsigned k = 0; k < d->nin; k++)
            if (!strcmp(d->in[k].name, f->name))
                f->id = (int)k;
        if (f->id >= 0)
            continue;
        const char *sug = scn_suggest_fn(f->name, field_cand, d);
        scn_set_error(err, SCENARIO_ERROR_NAME, &f->pos, "unknown field '%s' for %s%s%s%s", f->name, d->name,
                      sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        return false;
    }
    unsigned nout = d ? d->nout + (d->request == IOMMU_VIOMMU_ALLOC ? 2 : 0) : 0;
    if (d && st->u.verb.nouts > nout) {
        scn_set_error(err, SCENARIO_ERROR_SYNTAX, &st->pos, "%s returns %u value%s", d->name, nout,
                      nout == 1 ? "" : "s");
        return false;
    }
    return check_expect(st, err);
}

static void put_field(uint8_t *buf, const struct ioc_field *f, uint64_t v)
{
    for (unsigned i = 0; i < f->size; i++)
        buf[f->off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_field(const uint8_t *buf, const struct ioc_field *f)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < f->size; i++)
        v |= (uint64_t)buf[f->off + i] << (8 * i);
    return v;
}

/* Every output of a successful ioctl, whether the scenario stores it or
 * not: a replay checks them all.  A vEVENTQ's descriptor is a handle. */
static void rec_ioctl_outputs(struct scn_exec *x, const struct ioc_desc *d, const uint8_t *buf,
                              const struct iommu_viommu_tegra241_cmdqv *vdata)
{
    if (!x->rec)
        return;
    for (unsigned k = 0; k < d->nout; k++) {
        uint64_t v = get_field(buf, &d->out[k]);
        if (!strcmp(d->out[k].name, "out_veventq_fd"))
            scn_rec_out_handle(x->rec, SCN_REC_FD, v);
        else
            scn_rec_out(x->rec, v);
    }
    if (vdata) {
        scn_rec_out(x->rec, vdata->out_vintf_mmap_offset);
        scn_rec_out(x->rec, vdata->out_vintf_mmap_length);
    }
    scn_rec_end(x->rec);
}

/* VIOMMU_ALLOC of the Tegra241 type without data gets a data buffer, whose
 * mmap offset and length are stored as extra outputs. */
static bool run_ioctl(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    const struct ioc_desc *d = ioctl_of(st);
    int fd;
    if (!attach(x, st, err))
        return false;
    rec_begin(x, st);
    if (!fd_of(x, st, &fd, err))
        return false;
    uint64_t buf64[16] = { 0 };
    uint8_t *buf = (uint8_t *)buf64;
    put_field(buf, &d->in[0], d->size);
    bool has_data = false;
    for (unsigned i = 0; i < st->u.verb.nfields; i++) {
        const struct scn_field *f = &st->u.verb.fields[i];
        uint64_t v;
        if (!scn_eval_u64(x, f->e, &v, err))
            return false;
        const struct ioc_field *fd_desc = &d->in[f->id];
        if (fd_desc->size < 8 && v >> (8 * fd_desc->size)) {
            scn_set_error(err, SCENARIO_ERROR_VALUE, &f->pos, "%s=0x%" PRIx64 " does not fit the %u-byte field",
                          f->name, v, fd_desc->size);
            return false;
        }
        put_field(buf, fd_desc, v);
        has_data |= !strcmp(f->name, "data_len");
        if (x->rec)
            scn_rec_arg_host(x->rec, f->name, v);
    }
    struct iommu_viommu_tegra241_cmdqv vdata = { 0 };
    bool cmdqv_data = d->request == IOMMU_VIOMMU_ALLOC && !has_data &&
                      ((struct iommu_viommu_alloc *)buf)->type == IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;
    if (cmdqv_data) {
        ((struct iommu_viommu_alloc *)buf)->data_len = sizeof vdata;
        ((struct iommu_viommu_alloc *)buf)->data_uptr = (uintptr_t)&vdata;
    }
    errno = 0;
    int rc = iommufd_shim_ioctl(fd, d->request, buf);
    int e = errno;
    bool store;
    if (!judge(x, st, rc, e, &store, err))
        return false;
    if (rc < 0)
        return true;
    rec_ioctl_outputs(x, d, buf, cmdqv_data ? &vdata : NULL);
    if (d->request == IOMMU_VEVENTQ_ALLOC)
        g_array_append_val(state(x)->fds, ((struct iommu_veventq_alloc *)buf)->out_veventq_fd);
    if (!store)
        return true;
    unsigned k = 0;
    for (; k < st->u.verb.nouts && k < d->nout; k++)
        scn_set_var(x, st->u.verb.outs[k], get_field(buf, &d->out[k]));
    if (cmdqv_data) {
        if (k < st->u.verb.nouts)
            scn_set_var(x, st->u.verb.outs[k++], vdata.out_vintf_mmap_offset);
        if (k < st->u.verb.nouts)
            scn_set_var(x, st->u.verb.outs[k++], vdata.out_vintf_mmap_length);
    }
    return true;
}

/* -------------------------------------------------------- other verbs */

static bool run_probe(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    bool store;
    if (!attach(x, st, err))
        return false;
    rec_begin(x, st);
    errno = 0;
    int rc = iommufd_shim_host_probe();
    if (!judge(x, st, rc, errno, &store, err))
        return false;
    rec_end(x);
    return true;
}

static bool run_open(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    bool store;
    if (!attach(x, st, err))
        return false;
    rec_begin(x, st);
    errno = 0;
    int fd = iommufd_shim_open("/dev/iommu", 0);
    if (!judge(x, st, fd, errno, &store, err))
        return false;
    if (fd >= 0) {
        g_array_append_val(state(x)->fds, fd);
        state(x)->default_fd = fd;
        if (x->rec) {
            scn_rec_out_handle(x->rec, SCN_REC_FD, (uint64_t)fd);
            scn_rec_end(x->rec);
        }
    }
    if (store)
        scn_set_var(x, st->u.verb.out_slot, (uint64_t)fd);
    return true;
}

static bool run_close(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    int fd;
    bool store;
    rec_begin(x, st);
    if (!fd_of(x, st, &fd, err))
        return false;
    errno = 0;
    int rc = iommufd_shim_close(fd);
    if (!judge(x, st, rc, errno, &store, err))
        return false;
    rec_end(x);
    struct scn_iommufd *f = state(x);
    for (guint i = 0; rc == 0 && i < f->fds->len; i++)
        if (g_array_index(f->fds, int, i) == fd)
            g_array_remove_index(f->fds, i--);
    if (rc == 0 && f->default_fd == fd)
        f->default_fd = -1;
    return true;
}

static const struct scn_param bind_params[] = {
    { "fd", SCN_K_INT, 0, "iommufd" }, { "expect", SCN_K_WORD, 0, "errno" },
    { "sid", SCN_K_INT, SCN_P_REQ, "StreamID of the device" },
};

static bool run_bind(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    int fd;
    uint64_t sid;
    uint32_t dev = 0;
    bool store;
    if (!attach(x, st, err))
        return false;
    rec_begin(x, st);
    if (!fd_of(x, st, &fd, err) || !arg_u64(x, st, ARG_FIRST, &sid, err))
        return false;
    errno = 0;
    int rc = iommufd_shim_bind_device(fd, (uint32_t)sid, &dev);
    if (!judge(x, st, rc, errno, &store, err))
        return false;
    if (rc >= 0) {
        rec_out(x, dev);
        rec_end(x);
    }
    if (store)
        scn_set_var(x, st->u.verb.out_slot, dev);
    return true;
}

static const struct scn_param attach_params[] = {
    { "fd", SCN_K_INT, 0, "iommufd" }, { "expect", SCN_K_WORD, 0, "errno" },
    { "dev", SCN_K_INT, SCN_P_REQ, "device object id" }, { "pt", SCN_K_INT, SCN_P_REQ, "HWPT id" },
};

static bool run_attach(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    int fd;
    uint64_t dev, pt;
    bool store;
    if (!attach(x, st, err))
        return false;
    rec_begin(x, st);
    if (!fd_of(x, st, &fd, err) || !arg_u64(x, st, ARG_FIRST, &dev, err) || !arg_u64(x, st, ARG_FIRST + 1, &pt, err))
        return false;
    errno = 0;
    int rc = iommufd_shim_attach_device(fd, (uint32_t)dev, (uint32_t)pt);
    if (!judge(x, st, rc, errno, &store, err))
        return false;
    rec_end(x);
    return true;
}

static const struct scn_param buffer_params[] = {
    { "fd", SCN_K_INT, 0, "unused" }, { "expect", SCN_K_WORD, 0, "unused" },
    { "size", SCN_K_INT, SCN_P_REQ, "bytes (a multiple of 4 KiB, at most 1 GiB)" },
};

/* Host memory a VMM would map into an IOAS (user_va of IOAS_MAP). */
static bool run_buffer(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t size;
    void *p = NULL;
    if (!scn_arg_u64(x, st, ARG_FIRST, 0, &size, err))
        return false;
    if (!size || size % 4096 || size > (1ULL << 30)) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "buffer size must be a non-zero multiple of 4 KiB up to 1 GiB");
        return false;
    }
    if (posix_memalign(&p, 2u << 20, (size_t)size)) {
        scn_set_error(err, SCENARIO_ERROR_RUNTIME, &st->pos, "out of host memory for a %" PRIu64 "-byte buffer", size);
        return false;
    }
    memset(p, 0, (size_t)size);
    g_ptr_array_add(state(x)->buffers, p);
    if (x->rec) {
        scn_rec_names(x->rec, x->s->var_index);
        scn_rec_buffer(x->rec, x->m ? sim_now(&x->m->sched) : 0, size, (uint64_t)(uintptr_t)p);
    }
    scn_set_var(x, st->u.verb.out_slot, (uint64_t)(uintptr_t)p);
    return true;
}

static const struct scn_param mmap_params[] = {
    { "fd", SCN_K_INT, 0, "iommufd" }, { "expect", SCN_K_WORD, 0, "errno" },
    { "offset", SCN_K_INT, SCN_P_REQ, "mmap offset (out_vintf_mmap_offset)" },
    { "length", SCN_K_INT, SCN_P_REQ, "bytes" },
};

static bool run_mmap(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    int fd;
    uint64_t off, len;
    bool store;
    if (!attach(x, st, err))
        return false;
    rec_begin(x, st);
    if (!fd_of(x, st, &fd, err) || !arg_u64(x, st, ARG_FIRST, &off, err) || !arg_u64(x, st, ARG_FIRST + 1, &len, err))
        return false;
    if ((off >> 62) || len > (1ULL << 40)) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "mmap offset or length out of range");
        return false;
    }
    errno = 0;
    void *p = iommufd_shim_mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
    int rc = p == MAP_FAILED ? -1 : 0;
    if (!judge(x, st, rc, errno, &store, err))
        return false;
    if (rc == 0) {
        struct scn_mapping m = { p, (size_t)len };
        g_array_append_val(state(x)->maps, m);
        if (x->rec) {
            scn_rec_out_handle(x->rec, SCN_REC_MAP, state(x)->maps->len);
            scn_rec_end(x->rec);
        }
        if (store)
            scn_set_var(x, st->u.verb.out_slot, state(x)->maps->len);
    }
    return true;
}

static const struct scn_param map_params[] = {
    { "fd", SCN_K_INT, 0, "unused" }, { "expect", SCN_K_WORD, 0, "errno" },
    { "map", SCN_K_INT, SCN_P_REQ | SCN_P_POS, "handle from iommufd mmap" },
    { "offset", SCN_K_INT, SCN_P_POS, "byte offset in the mapping" },
    { "value", SCN_K_INT, SCN_P_POS, "value (write32)" },
};

static struct scn_mapping *mapping(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    uint64_t h;
    if (!scn_arg_u64(x, st, ARG_FIRST, 0, &h, err))
        return NULL;
    struct scn_iommufd *f = state(x);
    if (h == 0 || h > f->maps->len || !g_array_index(f->maps, struct scn_mapping, h - 1).ptr) {
        scn_set_error(err, SCENARIO_ERROR_NAME, &st->u.verb.args[ARG_FIRST].pos, "no mapping %" PRIu64, h);
        return NULL;
    }
    rec_begin(x, st);
    if (x->rec)
        scn_rec_arg_handle(x->rec, "map", SCN_REC_MAP, h);
    return &g_array_index(f->maps, struct scn_mapping, h - 1);
}

static bool map_offset(struct scn_exec *x, const struct scn_stmt *st, const struct scn_mapping *m, uint64_t *off,
                       GError **err)
{
    if (!arg_u64(x, st, ARG_FIRST + 1, off, err))
        return false;
    if (*off % 4 || *off + 4 > m->len) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->pos, "offset 0x%" PRIx64 " is not a 32-bit register of the "
                      "%zu-byte mapping", *off, m->len);
        return false;
    }
    return true;
}

static bool run_munmap(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_mapping *m = mapping(x, st, err);
    bool store;
    if (!m)
        return false;
    errno = 0;
    int rc = iommufd_shim_munmap(m->ptr, m->len);
    if (!judge(x, st, rc, errno, &store, err))
        return false;
    rec_end(x);
    if (rc == 0)
        m->ptr = NULL;
    return true;
}

static bool run_write32(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_mapping *m = mapping(x, st, err);
    uint64_t off, v;
    bool store;
    if (!m || !map_offset(x, st, m, &off, err) || !arg_u64(x, st, ARG_FIRST + 2, &v, err))
        return false;
    if (v > UINT32_MAX) {
        scn_set_error(err, SCENARIO_ERROR_VALUE, &st->u.verb.args[ARG_FIRST + 2].pos, "value 0x%" PRIx64
                      " does not fit in 32 bits", v);
        return false;
    }
    errno = 0;
    int rc = iommufd_shim_mmio_write32((uint8_t *)m->ptr + off, (uint32_t)v);
    if (!judge(x, st, rc, errno, &store, err))
        return false;
    rec_end(x);
    return true;
}

static bool run_read32(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    struct scn_mapping *m = mapping(x, st, err);
    uint64_t off;
    if (!m || !map_offset(x, st, m, &off, err))
        return false;
    uint32_t v = iommufd_shim_mmio_read32((uint8_t *)m->ptr + off);
    rec_out(x, v);
    rec_end(x);
    scn_set_var(x, st->u.verb.out_slot, v);
    return true;
}

static bool run_relax(struct scn_exec *x, const struct scn_stmt *st, GError **err)
{
    bool store;
    if (!attach(x, st, err))
        return false;
    rec_begin(x, st);
    errno = 0;
    int rc = iommufd_shim_relax();
    if (!judge(x, st, rc, errno, &store, err))
        return false;
    rec_end(x);
    return true;
}

static bool check_plain(struct scn_parser *p, struct scn_stmt *st, GError **err)
{
    return check_expect(st, err);
}

#define P(t) t, G_N_ELEMENTS(t)
#define IOCTL_VERB(n, outs)                                                                          \
    { "iommufd", n, "iommufd " n " field=value... [fd=FD] [expect=ERRNO] [-> " outs "]", P(ioctl_params), \
      SCN_V_FIELDS | SCN_V_OUTPUTS, check_ioctl, run_ioctl }

const struct scn_verb scn_iommufd_verbs[] = {
    { "iommufd", "probe", "iommufd probe [expect=ERRNO]", P(ioctl_params), 0, check_plain, run_probe },
    { "iommufd", "open", "iommufd open [expect=ERRNO] [-> fd]", P(ioctl_params), SCN_V_OUTPUT, check_plain, run_open },
    { "iommufd", "close", "iommufd close [fd=FD] [expect=ERRNO]", P(ioctl_params), 0, check_plain, run_close },
    { "iommufd", "bind", "iommufd bind sid=SID [fd=FD] [expect=ERRNO] -> dev", P(bind_params), SCN_V_OUTPUT,
      check_plain, run_bind },
    { "iommufd", "attach", "iommufd attach dev=ID pt=ID [fd=FD] [expect=ERRNO]", P(attach_params), 0, check_plain,
      run_attach },
    { "iommufd", "buffer", "iommufd buffer size=BYTES -> va", P(buffer_params), SCN_V_OUTPUT, check_plain,
      run_buffer },
    { "iommufd", "mmap", "iommufd mmap offset=OFF length=LEN [fd=FD] [expect=ERRNO] -> map", P(mmap_params),
      SCN_V_OUTPUT, check_plain, run_mmap },
    { "iommufd", "munmap", "iommufd munmap MAP [expect=ERRNO]", P(map_params), 0, check_plain, run_munmap },
    { "iommufd", "write32", "iommufd write32 MAP OFFSET VALUE", P(map_params), 0, check_plain, run_write32 },
    { "iommufd", "read32", "iommufd read32 MAP OFFSET -> var", P(map_params), SCN_V_OUTPUT, check_plain, run_read32 },
    { "iommufd", "relax", "iommufd relax", P(ioctl_params), 0, check_plain, run_relax },
    IOCTL_VERB("DESTROY", "nothing"),
    IOCTL_VERB("IOAS_ALLOC", "ioas"),
    IOCTL_VERB("IOAS_MAP", "iova"),
    IOCTL_VERB("IOAS_UNMAP", "length"),
    IOCTL_VERB("HWPT_ALLOC", "hwpt"),
    IOCTL_VERB("VIOMMU_ALLOC", "viommu, mmap_offset, mmap_length"),
    IOCTL_VERB("VDEVICE_ALLOC", "vdevice"),
    IOCTL_VERB("HW_QUEUE_ALLOC", "hw_queue"),
    IOCTL_VERB("VEVENTQ_ALLOC", "veventq, fd"),
};
const unsigned scn_iommufd_verbs_count = G_N_ELEMENTS(scn_iommufd_verbs);
