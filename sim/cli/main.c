/*
 * main.c — smmusim entry point: dispatch to a subcommand.
 */
#include <stdio.h>
#include <string.h>
#include "sim/cli/cli.h"
#include "sim/log.h"

static const struct cli_command commands[] = {
    { "run", "run a scenario file", cli_run },
    { "check", "run scenarios as a regression suite", cli_check },
    { "sweep", "run a scenario over a grid of parameter values", cli_sweep },
    { "merge", "merge a sweep's results into tables and plots", cli_merge },
    { "params", "list every parameter with its value, unit and origin", cli_params },
    { "bench", "measure the simulator's own speed", cli_bench },
    { "trace-list", "list every trace point", cli_trace_list },
    { "demo", "built-in self-demo: a guest invalidation end to end", cli_demo },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: smmusim COMMAND [OPTIONS]\n\n"
                 "A behavioural, cycle-approximate simulator of an Arm SMMUv3 with the\n"
                 "NVIDIA Tegra241 CMDQV extension.\n\ncommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'smmusim COMMAND --help' describes a command's options.\n");
}

gboolean cli_parse(GOptionContext *ctx, const char *name, int *argc, char ***argv)
{
    GError *err = NULL;
    if (!g_option_context_parse(ctx, argc, argv, &err)) {
        fprintf(stderr, "smmusim %s: %s\n", name, err->message);
        g_error_free(err);
        return FALSE;
    }
    return TRUE;
}

static int cmp_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cli_sort_paths(GPtrArray *paths)
{
    g_ptr_array_sort(paths, cmp_paths);
}

int cli_fail(const char *name, GError *err)
{
    fprintf(stderr, "smmusim %s: %s\n", name, err ? err->message : "failed");
    if (err)
        g_error_free(err);
    return CLI_USAGE;
}

/*
 * When SMMUSIM_PEAK_RSS_FILE names a file, write this process's peak
 * resident memory (KiB) there at exit.  bench perf runs scenarios as child
 * processes and needs their own peak: the kernel's per-process maximum
 * survives exec, so the child's rusage would report the parent's peak, but
 * /proc/self/status VmHWM belongs to the new image alone.
 */
static void report_peak_memory(void)
{
    const char *path = g_getenv("SMMUSIM_PEAK_RSS_FILE");
    char *status = NULL;
    if (!path || !*path || !g_file_get_contents("/proc/self/status", &status, NULL, NULL))
        return;
    const char *hwm = strstr(status, "VmHWM:");
    if (hwm) {
        char *line = g_strdup_printf("%" G_GUINT64_FORMAT "\n", g_ascii_strtoull(hwm + 6, NULL, 10));
        g_file_set_contents(path, line, -1, NULL);
        g_free(line);
    }
    g_free(status);
}

static int dispatch(int argc, char **argv)
{
    sim_log_init(SIM_LOG_GUEST_ERROR | SIM_LOG_UNIMP);
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("smmusim %s\n", SMMUSIM_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "smmusim: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}

int main(int argc, char **argv)
{
    int rc = dispatch(argc, argv);
    report_peak_memory();
    return rc;
}
