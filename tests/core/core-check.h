/*
 * core-check.h — the common main() of the simulation-kernel Check suites.
 *
 * Each suite file defines `static Suite *make_suite(void)` and ends with
 * CORE_CHECK_MAIN(make_suite).  Tests fork (Check's default), so a test that
 * expects an abort can say so with tcase_add_test_raise_signal.
 */
#ifndef TESTS_CORE_CHECK_H
#define TESTS_CORE_CHECK_H

#include <check.h>
#include <stdlib.h>

#define CORE_CHECK_MAIN(suite_fn)                                   \
    int main(void)                                                  \
    {                                                               \
        SRunner *sr = srunner_create(suite_fn());                   \
        srunner_run_all(sr, CK_NORMAL);                             \
        int failed = srunner_ntests_failed(sr);                     \
        srunner_free(sr);                                           \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;                \
    }

#endif /* TESTS_CORE_CHECK_H */
