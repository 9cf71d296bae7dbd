/*
 * scn-test.h — helpers shared by the scenario suites: run text in memory
 * and capture what it prints, write temporary scenario files.
 */
#ifndef SCN_TEST_H
#define SCN_TEST_H

#include <glib.h>
#include "sim/scenario/scenario.h"

/* Parse `text` (named "t.trace"); returns the error message or NULL. */
char *scn_test_parse_error(const char *text);
/* Run `text`; *out receives everything printed; returns the run's code.
 * *err_msg (may be NULL) receives the error message of a code-2 run. */
int scn_test_run(const char *text, char **out, char **err_msg);
/* Same, with options (opts->out is replaced). */
int scn_test_run_opts(const char *text, struct scenario_opts *opts, char **out, char **err_msg);
/* A fresh temporary directory (removed by scn_test_rmdir). */
char *scn_test_tmpdir(void);
void scn_test_write(const char *dir, const char *name, const char *text);
void scn_test_rmdir(char *dir);

#endif
