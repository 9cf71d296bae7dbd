/*
 * json.h — a small streaming JSON writer.
 *
 * Writes syntactically valid JSON to a FILE: commas, nesting and string
 * escaping are handled here so callers only say what they mean.  Numbers are
 * written as integers; sim_json_double is for derived quantities (rates)
 * and prints the shortest of 15 or 17 significant digits that reads back
 * exactly, or null for non-finite values.
 * Output is deterministic for deterministic input.
 */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <stdio.h>
#include "sim/sim-types.h"

#define SIM_JSON_MAX_DEPTH 32

struct sim_json {
    FILE *out;
    int depth;
    bool need_comma[SIM_JSON_MAX_DEPTH];
    bool after_key;
    bool pretty;
};

void sim_json_init(struct sim_json *j, FILE *out, bool pretty);
void sim_json_begin_object(struct sim_json *j);
void sim_json_end_object(struct sim_json *j);
void sim_json_begin_array(struct sim_json *j);
void sim_json_end_array(struct sim_json *j);
void sim_json_key(struct sim_json *j, const char *key);
void sim_json_string(struct sim_json *j, const char *s);
void sim_json_u64(struct sim_json *j, uint64_t v);
void sim_json_i64(struct sim_json *j, int64_t v);
void sim_json_double(struct sim_json *j, double v);
void sim_json_bool(struct sim_json *j, bool v);
void sim_json_null(struct sim_json *j);
/* Ends the document with a newline. */
void sim_json_finish(struct sim_json *j);

/* key + value shorthands */
void sim_json_kv_string(struct sim_json *j, const char *key, const char *v);
void sim_json_kv_u64(struct sim_json *j, const char *key, uint64_t v);
void sim_json_kv_double(struct sim_json *j, const char *key, double v);
void sim_json_kv_bool(struct sim_json *j, const char *key, bool v);

/* Write s as a JSON string literal (with quotes) to out. */
void sim_json_write_escaped(FILE *out, const char *s);

#endif /* SIM_JSON_H */
