/*
 * record.h — record mode: write what a run did to the hardware as a
 * scenario that replays to the same results.
 *
 * The record holds the machine configuration (profile and every `set`),
 * then each hardware-visible action at its simulated time: MMIO writes,
 * MMIO reads with the value read (replayed as a read plus an `expect`),
 * memory writes and fills, fault injection.  Time moves with `at`, so a
 * replay reproduces the same event order and therefore the same statistics.
 * Control flow, variables and expressions are gone: a record is flat.
 */
#ifndef SCN_RECORD_H
#define SCN_RECORD_H

#include <stdio.h>
#include <glib.h>
#include "sim/sim-types.h"

struct scn_recorder;

struct scn_recorder *scn_rec_open(const char *path, const char *source, GError **err);
/* Flush and close; false (err set) if writing failed at any point. */
gboolean scn_rec_close(struct scn_recorder *r, sim_time_t end, GError **err);
void scn_rec_discard(struct scn_recorder *r);

/* A define the run was given, as a comment: the record is flat and holds
 * its effect, not the variable. */
void scn_rec_define(struct scn_recorder *r, const char *define);
void scn_rec_profile(struct scn_recorder *r, const char *profile);
void scn_rec_set(struct scn_recorder *r, const char *assignment);
void scn_rec_machine(struct scn_recorder *r);
void scn_rec_mmio_write(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v);
void scn_rec_mmio_read(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v);
void scn_rec_mem_write(struct scn_recorder *r, sim_time_t t, uint64_t addr, unsigned size, uint64_t v);
void scn_rec_mem_fill(struct scn_recorder *r, sim_time_t t, uint64_t addr, uint64_t len, uint8_t byte);
void scn_rec_mem_abort(struct scn_recorder *r, sim_time_t t, uint64_t addr, uint64_t len, const char *kind);
void scn_rec_mem_clear(struct scn_recorder *r, sim_time_t t);

#endif /* SCN_RECORD_H */
