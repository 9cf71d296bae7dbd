/*
 * actors.c — the vCPU / host-thread actor and the VMM actor.
 *
 * vCPU (guest paths, kernel_shim/guest logic): THINK -> BUILD (guest
 * software: page-table clear, IOVA free; the TLBI commands) -> ISSUE (wait
 * for room, write a chunk and its CMD_SYNC into the queue in guest RAM) ->
 * PUBLISH (PROD: a posted MMIO write on the VCMDQ, a trap on the emulated
 * vSMMU) -> POLL (read CONS every guest.poll_ns; an error is recovered
 * through GERROR/GERRORN) -> next chunk or DONE.  Host threads take the same
 * states with the shim's non-blocking host queue calls instead.
 *
 * VMM: one thread.  A trapped PROD (or GERRORN) write costs vmm.vm_exit_ns;
 * the VMM reads the guest's commands from CONS to PROD (vmm.per_cmd_ns
 * each; guest CMD_SYNCs are consumed, not relayed), relays them with
 * IOMMU_HWPT_INVALIDATE semantics (vmm.ioctl_ns per call; the host driver
 * appends its own CMD_SYNC per 63 commands), waits for the host CMDQ, then
 * moves the emulated CONS and resumes the vCPU.  A command the kernel
 * refuses (EIO) becomes CONS.ERR = ILL at that entry with GERROR.CMDQ_ERR,
 * as the SMMU would report it (smmuv3.md §1.2).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "sim/workload/wl-internal.h"
#include "kernel_shim/iommufd-shim.h"
#include "kernel_shim/guest/guest-cmdqv.h"
#include "models/smmuv3/smmuv3-queue.h"

#define CERROR_ILL 1u
#define OP_TLBI_S12_VMALL 0x28u     /* never allowed to a guest: the injected bad command */
#define OP_TLBI_S2_IPA 0x2au

enum { VCPU_THINK = WL_ST_DONE + 1, VCPU_BUILD, VCPU_PUBLISH };
enum { VMM_HANDLE, VMM_SUBMIT, VMM_POLL, VMM_POLLED, VMM_FINISH };

static struct sim_sched *sched_of(const struct workload *w) { return &w->m->sched; }

void wl_fail(struct workload *w, const char *fmt, ...)
{
    if (w->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    w->fail_msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    w->failed = true;
    sim_sched_stop(sched_of(w));
}

static bool guest_path(const struct workload *w)
{
    return w->path == WL_PATH_VCMDQ || w->path == WL_PATH_TRAPPED;
}

static sim_time_t guest_read_cost(const struct workload *w)
{
    return w->path == WL_PATH_TRAPPED ? w->c.trap_read : w->c.mmio_read;
}

static void vcpu_after(struct wl_vcpu *v, int st, sim_time_t dt)
{
    v->st = st;
    sim_schedule_in(sched_of(v->w), &v->ev, dt);
}

/* ------------------------------------------------------------ building */

static void vcpu_grow(struct wl_vcpu *v, unsigned n)
{
    if (n <= v->cap)
        return;
    v->cap = n;
    v->cmds = g_renew(uint64_t, v->cmds, 2 * (size_t)n);
}

/* TLBI_S2_IPA of one page, leaf only, no range (smmuv3.md §2.3: VMID
 * [47:32], Leaf [64], IPA[51:12] at [115:76]). */
static void cmd_tlbi_s2_ipa(uint64_t cmd[2], uint16_t vmid, uint64_t ipa)
{
    cmd[0] = OP_TLBI_S2_IPA | ((uint64_t)vmid << 32);
    cmd[1] = (ipa & 0x000ffffffffff000ull) | 1u;
}

/* The host kernel invalidating `pages` pages of the DMA domain from the
 * actor's cursor: one TLBI_S2_IPA per page, or over CMDQ_MAX_TLBI_OPS pages
 * one TLBI_S12_VMALL for the VMID (as arm_smmu_tlb_inv_range_domain falls
 * back to the whole context).  Wraps inside the domain's range. */
static void vcpu_build_s2(struct wl_vcpu *v, uint64_t pages)
{
    struct workload *w = v->w;
    if (pages > GUEST_CMDQ_MAX_TLBI_OPS) {
        v->cmds[0] = OP_TLBI_S12_VMALL | ((uint64_t)w->s2_vmid << 32);
        v->cmds[1] = 0;
        v->n = 1;
        w->ct.tlbi_asid++;
        return;
    }
    vcpu_grow(v, (unsigned)pages);
    for (uint64_t i = 0; i < pages; i++)
        cmd_tlbi_s2_ipa(v->cmds + 2 * i, w->s2_vmid,
                        w->s2_base + (v->iova + (i << w->page_shift)) % w->s2_size);
    v->n = (unsigned)pages;
    w->ct.tlbi_per_page++;
}

/* The commands of one operation; returns the guest software cost. */
static sim_time_t vcpu_build(struct wl_vcpu *v)
{
    struct workload *w = v->w;
    uint16_t asid = (uint16_t)(1 + v->id);
    if (w->s2_inval) {
        bool storm = w->kind == WL_INVAL_STORM;
        vcpu_build_s2(v, storm ? w->batch : w->granule >> w->page_shift);
        return storm ? 0 : w->c.sw_unmap + (w->granule >> w->page_shift) * w->c.sw_page;
    }
    if (w->kind == WL_INVAL_STORM) {
        vcpu_grow(v, (unsigned)w->batch);
        for (unsigned i = 0; i < w->batch; i++)
            guest_cmd_tlbi_nh_va(v->cmds + 2 * i, asid, v->iova + ((uint64_t)i << w->page_shift), 0,
                                 0, 0, true);
        v->n = (unsigned)w->batch;
        return 0;
    }
    enum guest_tlbi_kind kind = GUEST_TLBI_PER_PAGE;
    unsigned n = guest_smmu_build_tlbi(w->ril, asid, v->iova, w->granule, w->page_shift, v->cmds,
                                       v->cap, &kind);
    if (n > v->cap) {
        vcpu_grow(v, n);
        guest_smmu_build_tlbi(w->ril, asid, v->iova, w->granule, w->page_shift, v->cmds, v->cap,
                              &kind);
    }
    v->n = n;
    uint64_t *kc = kind == GUEST_TLBI_ASID ? &w->ct.tlbi_asid
                   : kind == GUEST_TLBI_RANGE ? &w->ct.tlbi_range : &w->ct.tlbi_per_page;
    (*kc)++;
    if (w->inject_bad && v->iter + 1 == w->inject_bad && v->id == 0)
        v->cmds[0] = OP_TLBI_S12_VMALL | ((uint64_t)1 << 32);
    return w->c.sw_unmap + (w->granule >> w->page_shift) * w->c.sw_page;
}

/* Chunk [next, next + k) and whether a CMD_SYNC follows it. */
static unsigned chunk_len(const struct wl_vcpu *v, bool *sync)
{
    const struct workload *w = v->w;
    unsigned k = (unsigned)MIN((uint64_t)(v->n - v->next), w->batch);
    unsigned end = v->next + k;
    if (w->kind == WL_INVAL_STORM) {
        /* A storm counts commands across operations; the last one drains. */
        uint64_t total = v->issued + k;
        *sync = !w->sync_every || total % w->sync_every == 0 ||
                (end == v->n && v->iter + 1 == w->iterations);
    } else {
        *sync = end == v->n || (w->sync_every && end % w->sync_every == 0);
    }
    return k;
}

/* ------------------------------------------------------- guest queues */

/* After a chunk is published: wait for its CMD_SYNC, write the next chunk,
 * or (no CMD_SYNC, nothing left) finish the operation. */
static int vcpu_next_state(const struct wl_vcpu *v)
{
    if (v->wait_sync)
        return WL_ST_POLL;
    return v->next == v->n ? WL_ST_DONE : WL_ST_ISSUE;
}

static void vcpu_trap(struct wl_vcpu *v);

/*
 * A queue's insertion point — Linux's command-queue producer, where CPUs
 * reserve slots with a compare-and-swap on the shared producer word and the
 * owner writes PROD — serialises every CPU issuing on the same queue.  This
 * is what several queues buy: CPUs on different queues never wait here.
 * Returns true when `lock` is free (and takes it for `hold`); otherwise the
 * caller retries in `state` once it frees.
 */
static bool queue_acquire(struct wl_vcpu *v, unsigned lock, sim_time_t hold, int state)
{
    struct workload *w = v->w;
    sim_time_t now = sim_now(sched_of(w));
    if (w->qlock[lock] > now) {
        w->bd.queue_lock += w->qlock[lock] - now;
        vcpu_after(v, state, w->qlock[lock] - now);
        return false;
    }
    w->qlock[lock] = now + hold;
    return true;
}

static void vcpu_issue_guest(struct wl_vcpu *v)
{
    struct workload *w = v->w;
    bool sync;
    unsigned k = chunk_len(v, &sync);
    uint32_t need = k + (sync ? 1u : 0u);
    sim_time_t hold = w->c.guest_insert + need * w->c.cmd_write;
    if (guest_cmdq_space(v->q) < need) {
        /* arm_smmu_cmdq_poll_until_not_full: refresh CONS, back off. */
        bool err = guest_cmdq_read_cons(v->q);
        w->ct.full_waits++;
        if (err || guest_cmdq_space(v->q) < need) {
            w->bd.space_wait += guest_read_cost(w) + w->c.poll;
            vcpu_after(v, WL_ST_ISSUE, guest_read_cost(w) + w->c.poll);
            return;
        }
        w->bd.mmio += guest_read_cost(w);
    }
    if (!queue_acquire(v, v->qidx, hold, WL_ST_ISSUE))
        return;
    for (unsigned i = 0; i < k; i++)
        guest_cmdq_write(v->q, v->cmds + 2 * (v->next + i));
    if (sync) {
        uint64_t s[2];
        guest_cmd_sync(s);
        guest_cmdq_write(v->q, s);
        w->ct.syncs++;
    }
    w->ct.cmds += k;
    if (w->queue_cmds)
        w->queue_cmds[v->qidx] += k;
    v->next += k;
    v->issued += k;
    v->wait_sync = sync;
    v->target = v->q->prod;
    w->bd.cmd_write += need * w->c.cmd_write;
    w->bd.queue_lock += w->c.guest_insert;
    vcpu_after(v, VCPU_PUBLISH, hold);
}

static void vcpu_publish(struct wl_vcpu *v)
{
    struct workload *w = v->w;
    guest_cmdq_publish(v->q);
    w->ct.prod_writes++;
    if (w->path == WL_PATH_TRAPPED) {
        vcpu_trap(v);
        return;
    }
    w->bd.mmio += w->c.mmio_write;
    vcpu_after(v, vcpu_next_state(v), w->c.mmio_write);
}

static void vcpu_poll_guest(struct wl_vcpu *v)
{
    struct workload *w = v->w;
    sim_time_t rd = guest_read_cost(w);
    w->ct.polls++;
    if (guest_cmdq_read_cons(v->q)) {
        uint64_t r0 = v->q->mmio_reads, w0 = v->q->mmio_writes;
        if (guest_cmdq_recover(v->q)) {
            w->ct.errors_recovered++;
            if (w->path == WL_PATH_TRAPPED) {       /* the GERRORN write traps */
                vcpu_trap(v);
                return;
            }
        }
        sim_time_t cost = rd + (v->q->mmio_reads - r0) * rd + (v->q->mmio_writes - w0) * w->c.mmio_write;
        w->bd.mmio += cost;
        vcpu_after(v, WL_ST_POLL, cost);
        return;
    }
    if (guest_cmdq_passed(v->q, v->target)) {
        w->bd.mmio += rd;
        vcpu_after(v, v->next == v->n ? WL_ST_DONE : WL_ST_ISSUE, rd);
        return;
    }
    w->bd.poll_wait += rd + w->c.poll;
    vcpu_after(v, WL_ST_POLL, rd + w->c.poll);
}

/* -------------------------------------------------------- host queues */

static void vcpu_issue_host(struct wl_vcpu *v)
{
    struct workload *w = v->w;
    bool sync;
    unsigned k = chunk_len(v, &sync);
    uint64_t ticket;
    sim_time_t cost = w->c.host_submit + (k + (sync ? 1u : 0u)) * w->c.host_cmd_write;
    if (!queue_acquire(v, WL_HOST_LOCKS + (unsigned)(v->host_queue + 1), w->c.host_insert + cost, WL_ST_ISSUE))
        return;
    if (iommufd_shim_host_submit(v->host_queue, v->cmds + 2 * v->next, k, sync, &ticket)) {
        if (errno != EAGAIN) {
            wl_fail(w, "host queue %d submit: %s", v->host_queue, g_strerror(errno));
            return;
        }
        /* Nothing was inserted: the insertion point is free again while
         * this thread backs off waiting for space. */
        w->qlock[WL_HOST_LOCKS + (unsigned)(v->host_queue + 1)] = sim_now(sched_of(w));
        w->ct.full_waits++;
        w->bd.space_wait += w->c.host_mmio_read + w->c.host_poll;
        vcpu_after(v, WL_ST_ISSUE, w->c.host_mmio_read + w->c.host_poll);
        return;
    }
    w->bd.queue_lock += w->c.host_insert;
    cost += w->c.host_insert;
    w->ct.cmds += k;
    if (w->queue_cmds)
        w->queue_cmds[v->qidx] += k;
    w->ct.syncs += sync;
    w->ct.prod_writes++;
    v->next += k;
    v->issued += k;
    v->ticket = ticket;
    v->wait_sync = sync;
    w->bd.host_queue += cost;
    vcpu_after(v, vcpu_next_state(v), cost);
}

static void vcpu_poll_host(struct wl_vcpu *v)
{
    struct workload *w = v->w;
    bool done = false;
    w->ct.polls++;
    if (iommufd_shim_invalidate_poll(v->ticket, &done)) {
        wl_fail(w, "host queue %d poll: %s", v->host_queue, g_strerror(errno));
        return;
    }
    if (done) {
        w->bd.host_queue += w->c.host_mmio_read;
        vcpu_after(v, v->next == v->n ? WL_ST_DONE : WL_ST_ISSUE, w->c.host_mmio_read);
        return;
    }
    w->bd.poll_wait += w->c.host_mmio_read + w->c.host_poll;
    vcpu_after(v, WL_ST_POLL, w->c.host_mmio_read + w->c.host_poll);
}

/* -------------------------------------------------------------- vCPU */

static void vcpu_finish_op(struct wl_vcpu *v)
{
    struct workload *w = v->w;
    sim_hist_record(&w->latency, sim_now(sched_of(w)) - v->op_start);
    w->ct.ops++;
    v->iter++;
    v->iova += w->kind == WL_INVAL_STORM ? w->batch << w->page_shift : w->granule;
    v->iova &= (1ull << 40) - 1;
    if (v->iter == w->iterations) {
        v->st = WL_ST_DONE;
        if (--w->running == 0) {
            w->t_end = sim_now(sched_of(w));
            sim_sched_stop(sched_of(w));
        }
        return;
    }
    vcpu_after(v, VCPU_THINK, w->think);
}

static void vcpu_step(struct sim_event *ev, void *opaque)
{
    (void)ev;
    struct wl_vcpu *v = opaque;
    struct workload *w = v->w;
    if (v->st != VCPU_THINK && v->st != WL_ST_START &&
        sim_now(sched_of(w)) - v->op_start > w->c.timeout) {
        wl_fail(w, "vcpu %u: operation %" G_GUINT64_FORMAT " not complete after %" G_GUINT64_FORMAT
                " ps", v->id, v->iter, (uint64_t)w->c.timeout);
        return;
    }
    switch ((int)v->st) {
    case WL_ST_START:
    case VCPU_THINK: {
        v->op_start = sim_now(sched_of(w));
        v->next = 0;
        sim_time_t sw = vcpu_build(v);
        w->bd.guest_sw += sw;
        vcpu_after(v, WL_ST_ISSUE, sw);
        break;
    }
    case WL_ST_ISSUE:
        if (guest_path(w))
            vcpu_issue_guest(v);
        else
            vcpu_issue_host(v);
        break;
    case VCPU_PUBLISH:
        vcpu_publish(v);
        break;
    case WL_ST_POLL:
        if (guest_path(w))
            vcpu_poll_guest(v);
        else
            vcpu_poll_host(v);
        break;
    case WL_ST_DONE:
        vcpu_finish_op(v);
        break;
    default:
        wl_fail(w, "vcpu %u in unexpected state %d", v->id, (int)v->st);
    }
}

void wl_vcpu_init(struct wl_vcpu *v, struct workload *w, unsigned id)
{
    memset(v, 0, sizeof(*v));
    v->w = w;
    v->id = id;
    v->host_queue = -1;
    v->iova = (uint64_t)id << 32;
    sim_event_init(&v->ev, "workload.vcpu", vcpu_step, v);
    vcpu_grow(v, GUEST_CMDQ_BATCH_ENTRIES);
}

void wl_vcpu_start(struct wl_vcpu *v)
{
    v->st = WL_ST_START;
    sim_schedule_in(sched_of(v->w), &v->ev, 0);
}

void wl_vcpu_destroy(struct wl_vcpu *v)
{
    sim_cancel(sched_of(v->w), &v->ev);
    g_free(v->cmds);
    v->cmds = NULL;
}

static void vcpu_resume(struct wl_vcpu *v)
{
    /* After a GERRORN trap the vCPU goes back to polling; after PROD it
     * polls its CMD_SYNC or writes the next chunk. */
    vcpu_after(v, v->st == WL_ST_POLL ? WL_ST_POLL : vcpu_next_state(v), 0);
}

/* ------------------------------------------------------ the emulated vSMMU */

static uint32_t vs_read_cons(void *hw)
{
    struct wl_vmm *m = hw;
    return m->cons | (m->cons_err << 24);
}
static uint32_t vs_read_gerror(void *hw) { return ((struct wl_vmm *)hw)->gerror; }
static uint32_t vs_read_gerrorn(void *hw) { return ((struct wl_vmm *)hw)->gerrorn; }
static void vs_write_prod(void *hw, uint32_t prod) { ((struct wl_vmm *)hw)->prod = prod; }
static void vs_write_gerrorn(void *hw, uint32_t v)
{
    struct wl_vmm *m = hw;
    m->gerrorn = v & 1u;
    if (!((m->gerror ^ m->gerrorn) & 1u))
        m->cons_err = 0;
}

const struct guest_cmdq_ops wl_vsmmu_ops = {
    vs_write_prod, vs_read_cons, vs_read_gerror, vs_read_gerrorn, vs_write_gerrorn,
};

static void vmm_start_next(struct wl_vmm *m)
{
    if (m->busy || m->count == 0)
        return;
    m->cur = m->waiting[m->head];
    m->head = (m->head + 1) % m->size;
    m->count--;
    m->busy = true;
    m->w->bd.trap += m->w->c.vm_exit;
    m->relay_n = m->relay_done = 0;
    m->cur_state = VMM_HANDLE;
    sim_schedule_in(sched_of(m->w), &m->ev, m->w->c.vm_exit);
}

static void vcpu_trap(struct wl_vcpu *v)
{
    struct wl_vmm *m = &v->w->vmm;
    v->w->ct.traps++;
    if (v->st != WL_ST_POLL)
        v->st = WL_ST_TRAPPED;
    m->waiting[(m->head + m->count) % m->size] = v;
    m->count++;
    vmm_start_next(m);
}

static void vmm_complete(struct wl_vmm *m)
{
    struct wl_vcpu *v = m->cur;
    m->busy = false;
    m->cur = NULL;
    vcpu_resume(v);
    vmm_start_next(m);
}

/* Read the guest's entries from CONS to PROD; guest CMD_SYNCs are consumed
 * here (the relay ends with the host's own CMD_SYNC). */
static unsigned vmm_gather(struct wl_vmm *m)
{
    struct guest_cmdq *q = m->q;
    unsigned n = 0, seen = 0;
    for (uint32_t p = m->cons; !smmu_q_empty(q->log2, m->prod, p); p = smmu_q_inc(q->log2, p)) {
        const uint8_t *e = q->entries + ((size_t)smmu_q_idx(q->log2, p) << 4);
        uint64_t cmd[2] = { 0, 0 };
        for (unsigned i = 0; i < 16; i++)
            cmd[i / 8] |= (uint64_t)e[i] << (8 * (i % 8));
        seen++;
        if ((cmd[0] & 0xff) == GUEST_OP_SYNC)
            continue;
        memcpy(m->relay + 2 * n, cmd, 16);
        m->relay_idx[n++] = p;
    }
    m->relay_n = n;
    m->relay_end = m->prod;
    return seen;
}

static void vmm_step(struct sim_event *ev, void *opaque)
{
    (void)ev;
    struct wl_vmm *m = opaque;
    struct workload *w = m->w;
    switch (m->cur_state) {
    case VMM_HANDLE: {
        if (m->cons_err) {          /* stalled until the guest acknowledges */
            vmm_complete(m);
            return;
        }
        unsigned seen = vmm_gather(m);
        sim_time_t cost = seen * w->c.vmm_per_cmd;
        w->bd.vmm += cost;
        m->cur_state = m->relay_n ? VMM_SUBMIT : VMM_FINISH;
        sim_schedule_in(sched_of(w), &m->ev, cost);
        return;
    }
    case VMM_FINISH:
        m->cons = m->relay_end;     /* only CMD_SYNCs: nothing to relay */
        vmm_complete(m);
        return;
    case VMM_SUBMIT: {
        struct iommu_hwpt_invalidate inv = {
            .size = sizeof(inv), .hwpt_id = w->vmm_viommu_id,
            .data_uptr = (uintptr_t)(m->relay + 2 * m->relay_done),
            .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
            .entry_len = 16, .entry_num = MIN(m->relay_n - m->relay_done, w->c.cmds_per_ioctl),
        };
        uint64_t ticket = 0;
        w->ct.vmm_ioctls++;
        w->bd.vmm += w->c.ioctl;
        int rc = iommufd_shim_viommu_invalidate_submit(w->fd, &inv, &ticket) ? errno : 0;
        if (rc == EAGAIN) {
            w->ct.vmm_eagain++;
            w->bd.host_queue += w->c.host_poll;
            sim_schedule_in(sched_of(w), &m->ev, w->c.ioctl + w->c.host_poll);
            return;
        }
        if (rc && rc != EIO) {
            wl_fail(w, "VMM: IOMMU_HWPT_INVALIDATE: %s", g_strerror(rc));
            return;
        }
        m->ticket = ticket;
        m->relay_done += inv.entry_num;
        if (rc == EIO) {
            /* The refused entry stops the queue there, as ILL would. */
            m->relay_end = m->relay_idx[m->relay_done];
            m->pending_err = true;
            m->relay_n = m->relay_done;
        }
        /* The call returns once the host's CMD_SYNC for it has completed. */
        m->cur_state = VMM_POLL;
        sim_schedule_in(sched_of(w), &m->ev, w->c.ioctl);
        return;
    }
    case VMM_POLL: {
        bool done = false;
        if (iommufd_shim_invalidate_poll(m->ticket, &done)) {
            wl_fail(w, "VMM: poll: %s", g_strerror(errno));
            return;
        }
        w->bd.host_queue += w->c.host_mmio_read;
        if (!done) {
            w->bd.host_queue += w->c.host_poll;
            sim_schedule_in(sched_of(w), &m->ev, w->c.host_mmio_read + w->c.host_poll);
            return;
        }
        /* The read that saw completion costs its round trip too. */
        m->cur_state = VMM_POLLED;
        sim_schedule_in(sched_of(w), &m->ev, w->c.host_mmio_read);
        return;
    }
    case VMM_POLLED: {
        if (m->relay_done < m->relay_n) {   /* the next call */
            m->cur_state = VMM_SUBMIT;
            sim_schedule_in(sched_of(w), &m->ev, 0);
            return;
        }
        m->cons = m->relay_end;
        if (m->pending_err) {
            m->pending_err = false;
            m->cons_err = CERROR_ILL;
            m->gerror ^= 1u;
        }
        vmm_complete(m);
        return;
    }
    }
}

void wl_vmm_init(struct wl_vmm *m, struct workload *w, struct guest_cmdq *q)
{
    memset(m, 0, sizeof(*m));
    m->w = w;
    m->q = q;
    m->size = w->threads;
    m->waiting = g_new0(struct wl_vcpu *, m->size);
    m->relay = g_new0(uint64_t, 2 * (size_t)smmu_q_entries(q->log2));
    m->relay_idx = g_new0(uint32_t, smmu_q_entries(q->log2));
    sim_event_init(&m->ev, "workload.vmm", vmm_step, m);
}

void wl_vmm_destroy(struct wl_vmm *m)
{
    if (m->w)
        sim_cancel(sched_of(m->w), &m->ev);
    g_free(m->waiting);
    g_free(m->relay);
    g_free(m->relay_idx);
    memset(m, 0, sizeof(*m));
}
