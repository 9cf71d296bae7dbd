/*
 * cmd-bench.c — `smmusim bench [NAME [ARG]]`: run micro-benchmarks and print
 * one line per result ending in "<rate> M <unit>", optionally as JSON.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include "sim/cli/bench.h"
#include "sim/cli/cli.h"
#include "sim/json.h"

struct bench_entry {
    const char *name;
    bench_fn fn;
    const char *default_arg;
    uint64_t smoke_scale;       /* --smoke: small sizes for CI */
};

static const struct bench_entry benches[] = {
    { "events", bench_events, NULL, 200000 },
    { "cmdq", bench_cmdq, NULL, 200000 },
    { "translate", bench_translate, NULL, 200000 },
    { "vcmdq", bench_vcmdq, "128", 200000 },
    { "perf", bench_perf, NULL, 0 },
    { "calibration", bench_calibration, NULL, 0 },
};

#define RESULTS_MAX 32

static long peak_rss_kib(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

static void print_result(const struct bench_result *r)
{
    printf("%-28s %12" G_GUINT64_FORMAT " ops %9.3f s host  %8.2f M %s\n", r->label, r->ops,
           r->host_seconds, bench_rate_m(r), r->unit);
}

static void json_result(struct sim_json *j, const struct bench_result *r)
{
    sim_json_begin_object(j);
    sim_json_kv_string(j, "name", r->label);
    sim_json_kv_string(j, "unit", r->unit);
    sim_json_kv_u64(j, "ops", r->ops);
    sim_json_kv_double(j, "host_seconds", r->host_seconds);
    sim_json_kv_double(j, "rate_millions", bench_rate_m(r));
    sim_json_kv_u64(j, "sim_time_ps", r->sim_time);
    sim_json_end_object(j);
}

int cli_bench(int argc, char **argv)
{
    gint64 scale = 0;
    gboolean smoke = FALSE;
    char *json_path = NULL;
    GOptionEntry entries[] = {
        { "scale", 'n', 0, G_OPTION_ARG_INT64, &scale, "operations per benchmark", "N" },
        { "smoke", 0, 0, G_OPTION_ARG_NONE, &smoke, "small sizes (a quick check that it runs)", NULL },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "also write results as JSON", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("[NAME [ARG]] - measure the simulator's speed");
    GString *names = g_string_new("benchmarks:");
    for (size_t i = 0; i < G_N_ELEMENTS(benches); i++)
        g_string_append_printf(names, " %s", benches[i].name);
    g_option_context_set_description(ctx, names->str);
    g_option_context_add_main_entries(ctx, entries, NULL);
    gboolean ok = cli_parse(ctx, "bench", &argc, &argv);
    g_option_context_free(ctx);
    g_string_free(names, TRUE);
    if (!ok)
        return CLI_USAGE;
    if (scale < 0) {
        fprintf(stderr, "smmusim bench: --scale must be positive\n");
        return CLI_USAGE;
    }
    const char *only = argc > 1 ? argv[1] : NULL;
    const char *arg = argc > 2 ? argv[2] : NULL;
    bool found = false;
    struct bench_result all[RESULTS_MAX * G_N_ELEMENTS(benches)];
    int nall = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(benches); i++) {
        const struct bench_entry *b = &benches[i];
        if (only && strcmp(only, b->name))
            continue;
        found = true;
        uint64_t n = scale ? (uint64_t)scale : (smoke ? b->smoke_scale : 0);
        GError *err = NULL;
        int got = b->fn(n, arg ? arg : b->default_arg, &all[nall], RESULTS_MAX, &err);
        if (got < 0) {
            g_free(json_path);
            return cli_fail("bench", err);
        }
        for (int k = 0; k < got; k++)
            print_result(&all[nall + k]);
        nall += got;
        fflush(stdout);
    }
    if (!found) {
        fprintf(stderr, "smmusim bench: unknown benchmark '%s'\n", only);
        g_free(json_path);
        return CLI_USAGE;
    }
    printf("peak memory %ld KiB\n", peak_rss_kib());
    if (json_path) {
        FILE *f = fopen(json_path, "w");
        if (!f) {
            fprintf(stderr, "smmusim bench: cannot write %s\n", json_path);
            g_free(json_path);
            return CLI_USAGE;
        }
        struct sim_json j;
        sim_json_init(&j, f, true);
        sim_json_begin_object(&j);
        sim_json_kv_u64(&j, "peak_rss_kib", (uint64_t)peak_rss_kib());
        sim_json_key(&j, "results");
        sim_json_begin_array(&j);
        for (int k = 0; k < nall; k++)
            json_result(&j, &all[k]);
        sim_json_end_array(&j);
        sim_json_end_object(&j);
        sim_json_finish(&j);
        fclose(f);
    }
    g_free(json_path);
    return CLI_OK;
}
