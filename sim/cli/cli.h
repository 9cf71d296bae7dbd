/*
 * cli.h — the smmusim command line: subcommands and their shared helpers.
 *
 * Exit codes (every subcommand): 0 success, 1 an expectation or benchmark
 * target failed, 2 usage or input error.
 */
#ifndef SMMUSIM_CLI_H
#define SMMUSIM_CLI_H

#include <glib.h>

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

int cli_params(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_trace_list(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_merge(int argc, char **argv);

/* Parse argv with a GOptionContext whose summary names the subcommand;
 * on error prints "smmusim NAME: message" and returns false. */
gboolean cli_parse(GOptionContext *ctx, const char *name, int *argc, char ***argv);
/* Sort an array of path strings (char *) in byte order. */
void cli_sort_paths(GPtrArray *paths);
/* Report a user error and return CLI_USAGE. */
int cli_fail(const char *name, GError *err);

#endif /* SMMUSIM_CLI_H */
