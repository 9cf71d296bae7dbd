/*
 * machine.c — build a simulated machine from parameters: scheduler, memory,
 * bus, the SMMUv3 and (optionally) the CMDQV, wired together.
 */
#include "sim/log.h"
#include "sim/trace.h"
#include "sim/machine/machine.h"
#include "models/smmuv3/smmuv3.h"
#include "models/cmdqv/cmdqv.h"
#include "kernel_shim/iommufd-shim.h"

static const struct sim_param_def machine_params[] = {
    { "machine.smmu_base", SIM_PARAM_U64, "0x09050000", "address",
      "physical base of the SMMUv3 register window (64 KiB aligned)", 0, 0, NULL },
    { "machine.cmdqv", SIM_PARAM_BOOL, "true", "",
      "place a Tegra241 CMDQV next to the SMMU", 0, 0, NULL },
    { "machine.cmdqv_base", SIM_PARAM_U64, "0x09100000", "address",
      "physical base of the CMDQV window (64 KiB aligned)", 0, 0, NULL },
    { "machine.seed", SIM_PARAM_U64, "1", "",
      "seed of every pseudo-random choice in a run (same seed, same results)", 0, 0, NULL },
    { "mem.latency_ns", SIM_PARAM_U64, "100", "ns",
      "latency of one memory access made by a hardware model (queue fetch, table walk)", 0, 1000000, NULL },
    { "bus.mmio_latency_ns", SIM_PARAM_U64, "200", "ns",
      "round trip of one MMIO register access charged to software actors", 0, 1000000, NULL },
    { "sched.zero_time_limit", SIM_PARAM_U64, "10000000", "events",
      "events allowed without simulated time advancing before a run is stopped as runaway (0 = off)",
      0, 0, NULL },
};

gboolean sim_machine_declare_params(struct sim_params *p, GError **err)
{
    smmu_register_tracepoints();
    return sim_params_declare(p, machine_params, G_N_ELEMENTS(machine_params), err) &&
           smmu_declare_params(p, err) && cmdqv_declare_params(p, err) &&
           iommufd_shim_declare_params(p, err);
}

struct sim_params *sim_machine_params_new(GError **err)
{
    struct sim_params *p = sim_params_new();
    if (!sim_machine_declare_params(p, err)) {
        sim_params_free(p);
        return NULL;
    }
    return p;
}

static gboolean check_window(uint64_t base, uint64_t size, const char *name, GError **err)
{
    if ((base & 0xffff) || base + size < base) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                    "parameter '%s': 0x%" G_GINT64_MODIFIER "x is not a 64 KiB aligned window base",
                    name, base);
        return FALSE;
    }
    return TRUE;
}

static gboolean place_devices(struct sim_machine *m, GError **err)
{
    if (!sim_bus_add_region(m->bus, "smmu", m->smmu_base, SMMU_MMIO_SIZE, &smmu_mmio_ops, m->smmu)) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE, "SMMU window does not fit");
        return FALSE;
    }
    if (m->cmdqv && !sim_bus_add_region(m->bus, "cmdqv", m->cmdqv_base, cmdqv_mmio_size(m->cmdqv),
                                        &cmdqv_mmio_ops, m->cmdqv)) {
        g_set_error(err, SIM_PARAMS_ERROR, SIM_PARAMS_ERROR_VALUE,
                    "CMDQV window at 0x%" G_GINT64_MODIFIER "x overlaps the SMMU window", m->cmdqv_base);
        return FALSE;
    }
    return TRUE;
}

struct sim_machine *sim_machine_new(struct sim_params *params, GError **err)
{
    struct sim_machine *m = g_new0(struct sim_machine, 1);
    m->params = params;
    sim_sched_init(&m->sched);
    m->sched.zero_time_limit = sim_params_u64(params, "sched.zero_time_limit");
    m->mem = sim_mem_new();
    sim_mem_set_latency(m->mem, sim_ns(sim_params_u64(params, "mem.latency_ns")));
    m->bus = sim_bus_new();
    sim_bus_set_latency(m->bus, sim_ns(sim_params_u64(params, "bus.mmio_latency_ns")));
    m->stats = sim_stats_new();
    m->smmu_base = sim_params_u64(params, "machine.smmu_base");
    m->cmdqv_base = sim_params_u64(params, "machine.cmdqv_base");
    sim_trace_set_clock(&m->sched);
    if (!check_window(m->smmu_base, SMMU_MMIO_SIZE, "machine.smmu_base", err) ||
        !check_window(m->cmdqv_base, 0x10000, "machine.cmdqv_base", err))
        goto fail;
    m->smmu = smmu_new(&m->sched, m->mem, params, m->stats, err);
    if (!m->smmu)
        goto fail;
    if (sim_params_bool(params, "machine.cmdqv")) {
        m->cmdqv = cmdqv_new(m->smmu, params, err);
        if (!m->cmdqv)
            goto fail;
    } else {
        m->cmdqv_base = 0;
    }
    if (!place_devices(m, err))
        goto fail;
    return m;
fail:
    sim_machine_free(m);
    return NULL;
}

void sim_machine_free(struct sim_machine *m)
{
    if (!m)
        return;
    if (m->cmdqv)
        cmdqv_free(m->cmdqv);
    if (m->smmu)
        smmu_free(m->smmu);
    sim_sched_destroy(&m->sched);
    sim_bus_free(m->bus);
    sim_mem_free(m->mem);
    sim_stats_free(m->stats);
    g_free(m);
}

enum sim_run_status sim_machine_run_until(struct sim_machine *m, sim_time_t t)
{
    return sim_run_until(&m->sched, t, 0);
}

enum sim_run_status sim_machine_run_for(struct sim_machine *m, sim_time_t d)
{
    return sim_run_until(&m->sched, sim_time_add(sim_now(&m->sched), d), 0);
}

enum sim_run_status sim_machine_run_until_idle(struct sim_machine *m)
{
    return sim_run_until_idle(&m->sched, 0);
}
