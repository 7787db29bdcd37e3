/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_json.c - unit tests of json.c, written into memory with
 * open_memstream(): commas, nesting, numbers at their limits, escaping,
 * and what becomes of bytes that are not UTF-8.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/json.h"
#include "check.h"

/* Each case writes through jw; want is the whole stream. */
struct doc_case {
	const char *name;
	void (*write)(struct json_writer *jw);
	const char *want;
};

static void w_empty_object(struct json_writer *jw)
{
	json_object_begin(jw);
	json_object_end(jw);
	json_end_document(jw);
}

static void w_empty_array(struct json_writer *jw)
{
	json_array_begin(jw);
	json_array_end(jw);
	json_end_document(jw);
}

static void w_scalars(struct json_writer *jw)
{
	json_array_begin(jw);
	json_uint(jw, 0);
	json_uint(jw, UINT64_MAX);
	json_int(jw, INT64_MIN);
	json_int(jw, INT64_MAX);
	json_int(jw, -1);
	json_bool(jw, true);
	json_bool(jw, false);
	json_null(jw);
	json_string(jw, "");
	json_string(jw, NULL);
	json_array_end(jw);
	json_end_document(jw);
}

static void w_object(struct json_writer *jw)
{
	json_object_begin(jw);
	json_key(jw, "a");
	json_uint(jw, 1);
	json_key(jw, "b");
	json_string(jw, "x");
	json_key(jw, "c");
	json_bool(jw, true);
	json_key(jw, "d");
	json_null(jw);
	json_object_end(jw);
	json_end_document(jw);
}

static void w_nested(struct json_writer *jw)
{
	json_object_begin(jw);
	json_key(jw, "a");
	json_array_begin(jw);
	json_uint(jw, 1);
	json_object_begin(jw);
	json_object_end(jw);
	json_array_begin(jw);
	json_array_end(jw);
	json_uint(jw, 2);
	json_array_end(jw);
	json_key(jw, "b");
	json_object_begin(jw);
	json_key(jw, "c");
	json_array_begin(jw);
	json_array_end(jw);
	json_key(jw, "d");
	json_int(jw, -3);
	json_object_end(jw);
	json_key(jw, "e");
	json_object_begin(jw);
	json_object_end(jw);
	json_object_end(jw);
	json_end_document(jw);
}

static void w_two_documents(struct json_writer *jw)
{
	json_object_begin(jw);
	json_key(jw, "n");
	json_uint(jw, 1);
	json_object_end(jw);
	json_end_document(jw);
	json_object_begin(jw);
	json_key(jw, "n");
	json_uint(jw, 2);
	json_object_end(jw);
	json_end_document(jw);
}

static void w_top_scalar(struct json_writer *jw)
{
	json_string(jw, "alone");
	json_end_document(jw);
	json_uint(jw, 7);
	json_end_document(jw);
}

static void w_key_escaped(struct json_writer *jw)
{
	json_object_begin(jw);
	json_key(jw, "a\"b\\c\n");
	json_uint(jw, 1);
	json_key(jw, NULL);
	json_uint(jw, 2);
	json_object_end(jw);
	json_end_document(jw);
}

/* Deepest allowed nesting: JSON_MAX_DEPTH - 1 containers. */
static void w_deepest(struct json_writer *jw)
{
	int i;

	for (i = 0; i < JSON_MAX_DEPTH - 1; i++) {
		json_array_begin(jw);
		json_uint(jw, (uint64_t)i);
	}
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++)
		json_array_end(jw);
	json_end_document(jw);
}

static const struct doc_case doc_cases[] = {
	{ "empty object", w_empty_object, "{}\n" },
	{ "empty array", w_empty_array, "[]\n" },
	{ "scalars", w_scalars,
	  "[0,18446744073709551615,-9223372036854775808,9223372036854775807,-1,true,false,null,\"\",null]\n" },
	{ "object", w_object, "{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null}\n" },
	{ "nested", w_nested,
	  "{\"a\":[1,{},[],2],\"b\":{\"c\":[],\"d\":-3},\"e\":{}}\n" },
	{ "two documents", w_two_documents, "{\"n\":1}\n{\"n\":2}\n" },
	{ "top-level scalars", w_top_scalar, "\"alone\"\n7\n" },
	{ "escaped key", w_key_escaped,
	  "{\"a\\\"b\\\\c\\u000a\":1,\"\":2}\n" },
	{ "deepest", w_deepest,
	  "[0,[1,[2,[3,[4,[5,[6,[7,[8,[9,[10,[11,[12,[13,[14]]]]]]]]]]]]]]]\n" },
};

/* Run write() into a memory stream; returns the malloc'ed text. */
static char *capture(void (*write)(struct json_writer *jw, const void *arg),
		     const void *arg)
{
	struct json_writer jw;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		fail_msg("open_memstream: %s", strerror(errno));
	json_init(&jw, f);
	write(&jw, arg);
	if (fclose(f) != 0)
		fail_msg("fclose: %s", strerror(errno));
	return text;
}

static void run_doc(struct json_writer *jw, const void *arg)
{
	((const struct doc_case *)arg)->write(jw);
}

static void test_documents(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(doc_cases); i++) {
		char *got = capture(run_doc, &doc_cases[i]);

		CHECK_STR(doc_cases[i].name, "output", got, doc_cases[i].want);
		free(got);
	}
	CHECK_DONE();
}

static void run_string(struct json_writer *jw, const void *arg)
{
	json_string(jw, arg);
	json_end_document(jw);
}

static void test_strings(void **state)
{
	static const struct {
		const char *name, *in, *want;
	} cases[] = {
		{ "plain", "hello", "\"hello\"" },
		{ "quote", "a\"b", "\"a\\\"b\"" },
		{ "backslash", "a\\b", "\"a\\\\b\"" },
		{ "slash kept", "a/b", "\"a/b\"" },
		{ "newline", "a\nb", "\"a\\u000ab\"" },
		{ "tab cr", "\t\r", "\"\\u0009\\u000d\"" },
		{ "0x01", "\x01", "\"\\u0001\"" },
		{ "0x1f", "\x1f", "\"\\u001f\"" },
		{ "space", " ", "\" \"" },
		{ "tilde", "~", "\"~\"" },
		{ "del", "\x7f", "\"\\u007f\"" },
		{ "2-byte", "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "3-byte", "\xe2\x82\xac", "\"\xe2\x82\xac\"" },
		{ "4-byte", "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
		{ "U+0080", "\xc2\x80", "\"\xc2\x80\"" },
		{ "U+07FF", "\xdf\xbf", "\"\xdf\xbf\"" },
		{ "U+0800", "\xe0\xa0\x80", "\"\xe0\xa0\x80\"" },
		{ "U+D7FF", "\xed\x9f\xbf", "\"\xed\x9f\xbf\"" },
		{ "U+E000", "\xee\x80\x80", "\"\xee\x80\x80\"" },
		{ "U+FFFF", "\xef\xbf\xbf", "\"\xef\xbf\xbf\"" },
		{ "U+10000", "\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\"" },
		{ "U+10FFFF", "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },
		{ "lone continuation", "a\x80z", "\"a\\ufffdz\"" },
		{ "lone lead at end", "a\xc3", "\"a\\ufffd\"" },
		{ "lead then ascii", "\xc3z", "\"\\ufffdz\"" },
		{ "cut 3-byte", "\xe2\x82", "\"\\ufffd\\ufffd\"" },
		{ "cut 4-byte", "\xf0\x9f\x98z", "\"\\ufffd\\ufffd\\ufffdz\"" },
		{ "overlong c0", "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
		{ "overlong c1", "\xc1\xbf", "\"\\ufffd\\ufffd\"" },
		{ "overlong e0", "\xe0\x9f\xbf", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "overlong f0", "\xf0\x8f\xbf\xbf",
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "surrogate", "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "over U+10FFFF", "\xf4\x90\x80\x80",
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "f5", "\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "ff", "\xff", "\"\\ufffd\"" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = capture(run_string, cases[i].in);
		char want[128];

		snprintf(want, sizeof(want), "%s\n", cases[i].want);
		CHECK_STR(cases[i].name, "output", got, want);
		free(got);
	}
	CHECK_DONE();
}

/* The writer's state after json_init() and after a document. */
static void test_state(void **state)
{
	struct json_writer jw;
	FILE *f = fopen("/dev/null", "w");

	assert_non_null(f);
	memset(&jw, 0xa5, sizeof(jw));
	json_init(&jw, f);
	CHECK(jw.out == f, "case init: out: got %p, want %p", (void *)jw.out,
	      (void *)f);
	CHECK_INT("init", "depth", jw.depth, 0);
	CHECK_INT("init", "first[0]", jw.first[0], true);
	CHECK_INT("init", "after_key", jw.after_key, false);
	json_object_begin(&jw);
	CHECK_INT("in object", "depth", jw.depth, 1);
	json_key(&jw, "k");
	CHECK_INT("after key", "after_key", jw.after_key, true);
	json_uint(&jw, 1);
	CHECK_INT("after value", "after_key", jw.after_key, false);
	json_object_end(&jw);
	json_end_document(&jw);
	CHECK_INT("after document", "depth", jw.depth, 0);
	CHECK_INT("after document", "first[0]", jw.first[0], true);
	fclose(f);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
