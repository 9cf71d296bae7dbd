/*
 * cmd-run.c — `smmusim run FILE` and `smmusim check DIR|FILE...`.
 */
#include <stdio.h>
#include <string.h>
#include "sim/cli/cli.h"
#include "sim/scenario/scenario.h"

int cli_run(int argc, char **argv)
{
    char *profile = NULL, *trace = NULL, *timeline = NULL, *stats = NULL, *record = NULL;
    char *memory_image = NULL, *save_image = NULL, *restore = NULL;
    char **sets = NULL, **defines = NULL;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "override a parameter (repeatable)", "NAME=VALUE" },
        { "define", 'D', 0, G_OPTION_ARG_STRING_ARRAY, &defines,
          "set a scenario variable before the first statement (repeatable)", "NAME=VALUE" },
        { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile, "hardware profile (name or .ini path)", "NAME" },
        { "trace", 't', 0, G_OPTION_ARG_STRING, &trace, "enable trace points by glob (comma list)", "PATTERN" },
        { "timeline", 0, 0, G_OPTION_ARG_FILENAME, &timeline, "write a Perfetto/Chrome trace-event timeline", "FILE.json" },
        { "stats", 0, 0, G_OPTION_ARG_FILENAME, &stats, "write statistics (.json or .csv)", "FILE" },
        { "record", 0, 0, G_OPTION_ARG_FILENAME, &record, "write what happened as a replayable scenario", "FILE" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no summary, only failures", NULL },
        { "memory-image", 0, 0, G_OPTION_ARG_FILENAME, &memory_image,
          "load an ELF file's segments into memory when the machine is created", "FILE.elf" },
        { "save-image", 0, 0, G_OPTION_ARG_FILENAME, &save_image,
          "at the end, run until idle and save memory and state as an ELF core", "FILE" },
        { "restore", 0, 0, G_OPTION_ARG_FILENAME, &restore,
          "resume a run saved with --save-image or 'image save' (same parameters)", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("FILE - run a scenario");
    g_option_context_add_main_entries(ctx, entries, NULL);
    int rc = CLI_USAGE;
    if (!cli_parse(ctx, "run", &argc, &argv))
        goto out;
    if (argc != 2) {
        fprintf(stderr, "smmusim run: expected exactly one scenario file (see --help)\n");
        goto out;
    }
    struct scenario_opts opts = {
        .profile = profile, .sets = (const char *const *)sets, .trace_patterns = trace,
        .timeline_path = timeline, .stats_path = stats, .record_path = record,
        .quiet = quiet, .out = stdout,
        .memory_image_path = memory_image, .save_image_path = save_image, .restore_path = restore,
        .defines = (const char *const *)defines,
    };
    GError *err = NULL;
    rc = scenario_run_file(argv[1], &opts, &err);
    if (rc == CLI_USAGE)
        cli_fail("run", err);
    else if (err)
        g_error_free(err);
out:
    g_option_context_free(ctx);
    g_free(profile);
    g_free(trace);
    g_free(timeline);
    g_free(stats);
    g_free(record);
    g_free(memory_image);
    g_free(save_image);
    g_free(restore);
    g_strfreev(sets);
    g_strfreev(defines);
    return rc;
}

static void collect(const char *path, GPtrArray *files, GError **err)
{
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_ptr_array_add(files, g_strdup(path));
        return;
    }
    GDir *dir = g_dir_open(path, 0, err);
    if (!dir)
        return;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    cli_sort_paths(names);
    for (guint i = 0; i < names->len; i++) {
        const char *p = g_ptr_array_index(names, i);
        char *base = g_path_get_basename(p);
        /* lib/ holds fragments for `include`, not scenarios of their own. */
        bool fragments = g_file_test(p, G_FILE_TEST_IS_DIR) && !strcmp(base, "lib");
        if (!fragments && (g_file_test(p, G_FILE_TEST_IS_DIR) || g_str_has_suffix(p, ".trace")))
            collect(p, files, err);
        g_free(base);
    }
    g_ptr_array_free(names, TRUE);
}

int cli_check(int argc, char **argv)
{
    char **sets = NULL;
    char *profile = NULL;
    GOptionEntry entries[] = {
        { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "override a parameter in every scenario", "NAME=VALUE" },
        { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile, "hardware profile for every scenario", "NAME" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("DIR|FILE... - run scenarios as a suite");
    g_option_context_add_main_entries(ctx, entries, NULL);
    int rc = CLI_USAGE;
    if (!cli_parse(ctx, "check", &argc, &argv))
        goto out;
    if (argc < 2) {
        fprintf(stderr, "smmusim check: expected scenario files or directories (see --help)\n");
        goto out;
    }
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    for (int i = 1; i < argc && !err; i++)
        collect(argv[i], files, &err);
    if (err) {
        g_ptr_array_free(files, TRUE);
        rc = cli_fail("check", err);
        goto out;
    }
    cli_sort_paths(files);
    unsigned passed = 0, failed = 0;
    for (guint i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        struct scenario_opts opts = { .profile = profile, .sets = (const char *const *)sets,
                                      .quiet = TRUE, .out = stdout };
        GError *e = NULL;
        int r = scenario_run_file(f, &opts, &e);
        printf("%s %s%s%s\n", r == 0 ? "PASS" : "FAIL", f, e ? ": " : "", e ? e->message : "");
        if (e)
            g_error_free(e);
        if (r == 0)
            passed++;
        else
            failed++;
    }
    printf("%u passed, %u failed\n", passed, failed);
    g_ptr_array_free(files, TRUE);
    rc = failed ? CLI_FAILED : CLI_OK;
out:
    g_option_context_free(ctx);
    g_strfreev(sets);
    g_free(profile);
    return rc;
}
