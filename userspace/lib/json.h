/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * json.h - a small streaming JSON writer for the CLI's --json output.
 *
 * Contract: the writer inserts commas and escapes strings (RFC 8259,
 * control characters as \u00XX); the caller is responsible for pairing
 * begin/end calls and for calling json_key() before each value inside an
 * object.  Output is compact, one document per json_end_document() line.
 */
#ifndef MXS_JSON_H
#define MXS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no value written yet at this level */
	bool after_key;             /* next value follows a key: no comma */
};

void json_init(struct json_writer *jw, FILE *out);
void json_object_begin(struct json_writer *jw);
void json_object_end(struct json_writer *jw);
void json_array_begin(struct json_writer *jw);
void json_array_end(struct json_writer *jw);
void json_key(struct json_writer *jw, const char *key);
void json_string(struct json_writer *jw, const char *s);
void json_uint(struct json_writer *jw, uint64_t v);
void json_int(struct json_writer *jw, int64_t v);
void json_bool(struct json_writer *jw, bool v);
void json_null(struct json_writer *jw);
/* Writes the final newline. */
void json_end_document(struct json_writer *jw);

#endif /* MXS_JSON_H */
