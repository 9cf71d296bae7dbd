/*
 * xlate-check.h — shared fixture of the translation-core suites: a part
 * with every feature, and simulated memory with a table pool.
 */
#ifndef XLATE_CHECK_H
#define XLATE_CHECK_H

#include <check.h>
#include <string.h>
#include "sim/ptbuild/ptbuild.h"

#define XT_POOL 0x10000000ull       /* table pool: 256 MiB at 256 MiB */
#define XT_POOL_SIZE 0x10000000ull
#define XT_SID 0x25u

/* Every feature; 48-bit OAS; mixed endianness; RECINVSID set. */
static inline void xt_features(struct smmu_features *ft)
{
    memset(ft, 0, sizeof(*ft));
    ft->s1p = ft->s2p = ft->ats = true;
    ft->ttf = 2;
    ft->oas = 5;
    ft->gran4k = ft->gran16k = ft->gran64k = true;
    ft->sidsize = 16;
    ft->ssidsize = 20;
    ft->st_level_2 = ft->cd2l = true;
    ft->httu = 2;
    ft->asid16 = ft->vmid16 = true;
    ft->recinvsid = true;
}

static inline Suite *xt_suite(const char *name, TCase **tc, void (*setup)(void), void (*teardown)(void))
{
    Suite *s = suite_create(name);
    *tc = tcase_create("all");
    tcase_add_checked_fixture(*tc, setup, teardown);
    suite_add_tcase(s, *tc);
    return s;
}

static inline int xt_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

#endif /* XLATE_CHECK_H */
