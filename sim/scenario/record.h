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
 *
 * Verbs that act through software models (iommufd, translation) are
 * deterministic given the machine's state, so they are recorded as
 * themselves: the same verb with every argument evaluated to a constant,
 * written when the statement completes.  Their results become outputs
 * followed by `expect` of the value produced.  Values that differ from run
 * to run stay symbolic: host buffers (`iommufd buffer ... -> buf1`, later
 * arguments inside one as `(buf1 + k)`), iommufd descriptors and mmap
 * handles (`-> fd1`, `-> map1`, later arguments as those names).
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

/* ------------------------------------------------ statements of verbs */

/* Names of a record's own variables (outputs, buffers, handles) must not
 * shadow an object name the record carries: pass the scenario's variable
 * index once before the first statement is recorded. */
void scn_rec_names(struct scn_recorder *r, GHashTable *scenario_vars);

/* What a recorded handle is: an iommufd descriptor or an mmap handle. */
enum scn_rec_handle { SCN_REC_FD, SCN_REC_MAP };

/* Start the line of a statement that began at time t (`verb sub`).  Only
 * one statement is open at a time; a new begin drops an unfinished one. */
void scn_rec_begin(struct scn_recorder *r, sim_time_t t, const char *verb, const char *sub);
/* Arguments, in the order they were evaluated.  `name` NULL writes the
 * value positionally. */
void scn_rec_arg(struct scn_recorder *r, const char *name, uint64_t v);
/* A host address: inside a recorded buffer it is written as `(bufN + k)`. */
void scn_rec_arg_host(struct scn_recorder *r, const char *name, uint64_t v);
/* A bare word or text, written as a string literal. */
void scn_rec_arg_word(struct scn_recorder *r, const char *name, const char *word);
/* A word argument of a verb's own table (`expect=EEXIST`, `perm=rw`),
 * which reads an identifier as text: written bare when it is one. */
void scn_rec_arg_bare(struct scn_recorder *r, const char *name, const char *word);
/* A named object (arena, page table, endpoint): its name when the name is
 * a plain identifier, else its handle value. */
void scn_rec_arg_object(struct scn_recorder *r, const char *name, const char *object, uint64_t handle);
/* A descriptor or mmap handle: the record's variable holding it, or the
 * constant when the run never produced it (a deliberately bad handle). */
void scn_rec_arg_handle(struct scn_recorder *r, const char *name, enum scn_rec_handle kind, uint64_t v);
/* Outputs: a value (checked by `expect` after the line), or a new handle
 * (a fresh variable, never checked: its value may differ in a replay). */
void scn_rec_out(struct scn_recorder *r, uint64_t v);
void scn_rec_out_handle(struct scn_recorder *r, enum scn_rec_handle kind, uint64_t v);
/* The statement acted on the machine: from here on a failure is part of
 * the run and is recorded inside `expect_error { }`. */
void scn_rec_acting(struct scn_recorder *r);
/* Write the statement: `at` its start time, the line, `-> outputs`, then
 * an `expect` per value output. */
void scn_rec_end(struct scn_recorder *r);
/* The statement failed: recorded inside `expect_error { }` if it had acted,
 * dropped otherwise (nothing happened that a replay must repeat). */
void scn_rec_failed(struct scn_recorder *r);
/* A function with effects called in an expression (translate() fills the
 * caches and may record a fault), as `let r = NAME(args)` and an `expect`
 * of its value, at time t. */
void scn_rec_call(struct scn_recorder *r, sim_time_t t, const char *name, const uint64_t *args, unsigned nargs,
                  uint64_t result);
/* `iommufd buffer size=N -> bufK`: host memory whose address is symbolic. */
void scn_rec_buffer(struct scn_recorder *r, sim_time_t t, uint64_t size, uint64_t base);

#endif /* SCN_RECORD_H */
