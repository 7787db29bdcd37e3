/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * json.c - a small streaming JSON writer for the CLI's --json output.
 *
 * The output is always valid UTF-8 JSON whatever bytes the strings hold:
 * '"' and '\' are escaped, control characters and DEL become \u00XX, and
 * bytes that are not well-formed UTF-8 (stray continuation bytes, overlong
 * forms, surrogates, code points over U+10FFFF, cut-off sequences) become
 * \ufffd, one per byte.  Nesting deeper than JSON_MAX_DEPTH - 1 containers,
 * or an end without a begin, is a programming error and trips an assert.
 * Write errors are not reported here: the stream's error flag keeps them
 * for the caller's ferror()/fclose().
 */
#include "json.h"

#include <assert.h>
#include <inttypes.h>
#include <stddef.h>

void json_init(struct json_writer *jw, FILE *out)
{
	jw->out = out;
	jw->depth = 0;
	jw->first[0] = true;
	jw->after_key = false;
}

/* Before any value or key: a comma unless it is the first at this level
 * or the value of a key. */
static void before_value(struct json_writer *jw)
{
	if (jw->after_key) {
		jw->after_key = false;
		return;
	}
	if (!jw->first[jw->depth])
		fputc(',', jw->out);
	jw->first[jw->depth] = false;
}

static void open_container(struct json_writer *jw, char c)
{
	before_value(jw);
	assert(jw->depth < JSON_MAX_DEPTH - 1);
	fputc(c, jw->out);
	jw->depth++;
	jw->first[jw->depth] = true;
}

static void close_container(struct json_writer *jw, char c)
{
	assert(jw->depth > 0);
	fputc(c, jw->out);
	jw->depth--;
}

void json_object_begin(struct json_writer *jw)
{
	open_container(jw, '{');
}

void json_object_end(struct json_writer *jw)
{
	close_container(jw, '}');
}

void json_array_begin(struct json_writer *jw)
{
	open_container(jw, '[');
}

void json_array_end(struct json_writer *jw)
{
	close_container(jw, ']');
}

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0; /* continuation byte, C0/C1 overlong lead, > F4 */
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* over U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0; /* also stops at the NUL terminator */
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void write_string(struct json_writer *jw, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', jw->out);
	while (*s) {
		size_t n;

		if (*s == '"' || *s == '\\') {
			fputc('\\', jw->out);
			fputc(*s++, jw->out);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(jw->out, "\\u%04x", *s++);
		} else if (*s < 0x80) {
			fputc(*s++, jw->out);
		} else if ((n = utf8_len(s)) != 0) {
			fwrite(s, 1, n, jw->out);
			s += n;
		} else {
			fputs("\\ufffd", jw->out);
			s++;
		}
	}
	fputc('"', jw->out);
}

void json_key(struct json_writer *jw, const char *key)
{
	before_value(jw);
	write_string(jw, key ? key : "");
	fputc(':', jw->out);
	jw->after_key = true;
}

void json_string(struct json_writer *jw, const char *s)
{
	if (!s) {
		json_null(jw);
		return;
	}
	before_value(jw);
	write_string(jw, s);
}

void json_uint(struct json_writer *jw, uint64_t v)
{
	before_value(jw);
	fprintf(jw->out, "%" PRIu64, v);
}

void json_int(struct json_writer *jw, int64_t v)
{
	before_value(jw);
	fprintf(jw->out, "%" PRId64, v);
}

void json_bool(struct json_writer *jw, bool v)
{
	before_value(jw);
	fputs(v ? "true" : "false", jw->out);
}

void json_null(struct json_writer *jw)
{
	before_value(jw);
	fputs("null", jw->out);
}

void json_end_document(struct json_writer *jw)
{
	assert(jw->depth == 0);
	fputc('\n', jw->out);
	json_init(jw, jw->out);
}
