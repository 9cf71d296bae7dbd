/*
 * cmd-params.c — `smmusim params`: the effective parameter set, after an
 * optional profile and --set overrides, with units, origins and help.
 */
#include <stdio.h>
#include "sim/cli/cli.h"
#include "sim/machine/machine.h"
#include "sim/trace.h"
#include "sim/workload/workload.h"

int cli_params(int argc, char **argv)
{
    char *profile = NULL;
    char **sets = NULL;
    gboolean help = FALSE;
    GOptionEntry entries[] = {
        { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile, "load a hardware profile (name or .ini path)", "NAME" },
        { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "override a parameter", "NAME=VALUE" },
        { "describe", 'd', 0, G_OPTION_ARG_NONE, &help, "print each parameter's help, range and default", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("- list every parameter with its value, unit and origin");
    g_option_context_add_main_entries(ctx, entries, NULL);
    gboolean ok = cli_parse(ctx, "params", &argc, &argv);
    g_option_context_free(ctx);
    if (!ok)
        return CLI_USAGE;
    GError *err = NULL;
    struct sim_params *p = sim_all_params_new(&err);
    int rc = CLI_OK;
    if (!p || (profile && !sim_params_load_profile_by_name(p, profile, &err))) {
        rc = cli_fail("params", err);
        goto out;
    }
    for (char **s = sets; s && *s; s++) {
        if (!sim_params_set_assignment(p, *s, "--set", &err)) {
            rc = cli_fail("params", err);
            goto out;
        }
    }
    sim_params_dump(p, stdout, help);
out:
    sim_params_free(p);
    g_free(profile);
    g_strfreev(sets);
    return rc;
}

int cli_trace_list(int argc, char **argv)
{
    GOptionContext *ctx = g_option_context_new("- list every trace point (enable with run --trace)");
    gboolean ok = cli_parse(ctx, "trace-list", &argc, &argv);
    g_option_context_free(ctx);
    if (!ok)
        return CLI_USAGE;
    GError *err = NULL;
    struct sim_params *p = sim_all_params_new(&err);
    if (!p)
        return cli_fail("trace-list", err);
    sim_trace_list(stdout);
    sim_params_free(p);
    return CLI_OK;
}
