/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_listfile.c - unit tests of listfile.c, fed from memory with
 * fmemopen(): comments, white space, line endings, bad lines and their
 * numbers, stopping early, read errors, lines of any length.
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

#include "../../userspace/listfile.h"
#include "check.h"

/* What the callbacks saw: entries as "a,b,c", bad lines as "N: why|". */
struct seen {
	char entries[1024];
	char bad[2048];
	int stop_after; /* on_entry returns 42 at this entry (1-based) */
	int nentries;
};

static void append(char *dst, size_t size, const char *s)
{
	size_t used = strlen(dst);

	snprintf(dst + used, size - used, "%s", s);
}

static int on_entry(const struct addr_cidr *cidr, void *ctx)
{
	struct seen *s = ctx;
	char buf[ADDR_CIDR_STRLEN];

	addr_format_cidr(cidr, buf, sizeof(buf));
	if (s->entries[0])
		append(s->entries, sizeof(s->entries), ",");
	append(s->entries, sizeof(s->entries), buf);
	s->nentries++;
	return s->nentries == s->stop_after ? 42 : 0;
}

static void on_bad(unsigned long lineno, const char *why, void *ctx)
{
	struct seen *s = ctx;
	char buf[512];

	snprintf(buf, sizeof(buf), "%lu: %s|", lineno, why);
	append(s->bad, sizeof(s->bad), buf);
}

/* Inputs are byte strings that may hold NUL: length from sizeof. */
#define IN(s) s, sizeof(s) - 1

static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *entries;
	const char *bad; /* part of what on_bad saw; "" = nothing bad */
	unsigned long lines, nbad;
} cases[] = {
	{ "empty stream", IN(""), "", "", 0, 0 },
	{ "one host", IN("192.0.2.1\n"), "192.0.2.1", "", 1, 0 },
	{ "no final newline", IN("192.0.2.1\n192.0.2.2"),
	  "192.0.2.1,192.0.2.2", "", 2, 0 },
	{ "crlf", IN("192.0.2.0/24\r\n10.0.0.0/8\r\n"),
	  "192.0.2.0/24,10.0.0.0/8", "", 2, 0 },
	{ "crlf no final newline", IN("192.0.2.0/24\r\n10.0.0.0/8\r"),
	  "192.0.2.0/24,10.0.0.0/8", "", 2, 0 },
	{ "spamhaus drop",
	  IN("; Spamhaus DROP List 2024/01/01 - (c) 2024 The Spamhaus Project\n"
	     "; Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\n"
	     "; Expires: Mon, 01 Jan 2024 01:00:00 GMT\n"
	     "1.10.16.0/20 ; SBL256894\n"
	     "1.19.0.0/16 ; SBL434604\n"),
	  "1.10.16.0/20,1.19.0.0/16", "", 5, 0 },
	{ "spamhaus drop v6",
	  IN("; Spamhaus DROPv6\n2001:db8::/32 ; SBL1\r\n"),
	  "2001:db8::/32", "", 2, 0 },
	{ "hash comments", IN("# list\n  192.0.2.1  # a host\n#192.0.2.2\n"),
	  "192.0.2.1", "", 3, 0 },
	{ "comment touching", IN("192.0.2.1#x\n192.0.2.2;y\n192.0.2.3;\n"),
	  "192.0.2.1,192.0.2.2,192.0.2.3", "", 3, 0 },
	{ "comment chars inside comment", IN("192.0.2.1 ; a # b ; c\n"),
	  "192.0.2.1", "", 1, 0 },
	{ "blank lines", IN("\n   \n\t\n\r\n\v\f\n192.0.2.1\n\n"), "192.0.2.1",
	  "", 7, 0 },
	{ "white space around", IN(" \t192.0.2.0/24 \t\r\n"), "192.0.2.0/24",
	  "", 1, 0 },
	{ "ipv6 and mapped",
	  IN("::ffff:192.0.2.1\n2001:db8::/32\n::ffff:198.51.100.0/120\n"),
	  "192.0.2.1,2001:db8::/32,198.51.100.0/24", "", 3, 0 },
	{ "duplicates are the caller's business", IN("192.0.2.1\n192.0.2.1\n"),
	  "192.0.2.1,192.0.2.1", "", 2, 0 },
	{ "utf-8 bom", IN("\xef\xbb\xbf" "192.0.2.1\n"), "192.0.2.1", "", 1,
	  0 },
	{ "utf-8 bom only", IN("\xef\xbb\xbf"), "", "", 1, 0 },
	/* bad lines: reported with their number, parsing goes on */
	{ "bad address", IN("nonsense\n192.0.2.1\n"), "192.0.2.1",
	  "1: bad prefix \"nonsense\": expected an IPv4 or IPv6 address", 2,
	  1 },
	{ "bad line number", IN("\n\n# c\n192.0.2.1\n300.0.0.1\n"),
	  "192.0.2.1", "5: bad prefix \"300.0.0.1\"", 5, 1 },
	{ "host bits", IN("192.0.2.1/24 ; SBL1\n"), "",
	  "1: 192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?|", 1,
	  1 },
	{ "two words", IN("192.0.2.1 192.0.2.2\n"), "",
	  "1: expected one address or prefix per line", 1, 1 },
	{ "two words before comment", IN("192.0.2.0/24 SBL1 ; comment\n"), "",
	  "more than one word", 1, 1 },
	{ "tab between words", IN("192.0.2.1\t192.0.2.2\r\n"), "",
	  "more than one word", 1, 1 },
	{ "nul byte", IN("192.0.2.1\0garbage\n192.0.2.2\n"), "192.0.2.2",
	  "1: line contains a NUL byte|", 2, 1 },
	{ "nul byte in comment", IN("192.0.2.1 # \0\n"), "",
	  "1: line contains a NUL byte|", 1, 1 },
	{ "bom not on line 2", IN("192.0.2.1\n\xef\xbb\xbf" "192.0.2.2\n"),
	  "192.0.2.1", "2: bad prefix \"???192.0.2.2\"", 2, 1 },
	{ "lone cr is not a line end", IN("192.0.2.1\r192.0.2.2\n"), "",
	  "1: expected one address or prefix per line", 1, 1 },
	{ "many bad", IN("a\nb\n192.0.2.1\nc\n"), "192.0.2.1",
	  "1: bad prefix \"a\"", 4, 3 },
	{ "empty prefix length", IN("192.0.2.0/ ; x\n"), "",
	  "missing prefix length", 1, 1 },
};

static FILE *open_mem(const char *data, size_t len)
{
	FILE *f;

	/* fmemopen() refuses size 0 on older glibc: use /dev/null then. */
	f = len ? fmemopen((void *)data, len, "r") : fopen("/dev/null", "r");
	if (!f)
		fail_msg("fmemopen: %s", strerror(errno));
	return f;
}

static void test_parse(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct seen s = { .stop_after = -1 };
		struct listfile_report r;
		FILE *f = open_mem(cases[i].in, cases[i].len);
		int rc;

		memset(&r, 0xa5, sizeof(r));
		rc = listfile_parse(f, on_entry, on_bad, &s, &r);
		fclose(f);
		CHECK_INT(cases[i].name, "rc", rc, 0);
		CHECK_STR(cases[i].name, "entries", s.entries,
			  cases[i].entries);
		if (cases[i].bad[0])
			CHECK_CONTAINS(cases[i].name, "bad", s.bad,
				       cases[i].bad);
		else
			CHECK_STR(cases[i].name, "bad", s.bad, "");
		CHECK_UINT(cases[i].name, "report.lines", r.lines,
			   cases[i].lines);
		CHECK_UINT(cases[i].name, "report.entries", r.entries,
			   (unsigned long)s.nentries);
		CHECK_UINT(cases[i].name, "report.bad", r.bad, cases[i].nbad);
	}
	CHECK_DONE();
}

/* Callbacks and report are optional; counting still works. */
static void test_no_callbacks(void **state)
{
	static const char data[] = "192.0.2.1\nbad\n2001:db8::/32\n";
	struct listfile_report r;
	FILE *f = open_mem(data, sizeof(data) - 1);
	int rc;

	rc = listfile_parse(f, NULL, NULL, NULL, &r);
	CHECK_INT("no callbacks", "rc", rc, 0);
	CHECK_UINT("no callbacks", "lines", r.lines, 3);
	CHECK_UINT("no callbacks", "entries", r.entries, 2);
	CHECK_UINT("no callbacks", "bad", r.bad, 1);
	rewind(f);
	rc = listfile_parse(f, NULL, NULL, NULL, NULL);
	CHECK_INT("no report", "rc", rc, 0);
	fclose(f);
	CHECK_INT("NULL stream", "rc",
		  listfile_parse(NULL, on_entry, on_bad, NULL, NULL), -EINVAL);
	CHECK_DONE();
}

/* A non-zero callback return stops at once and is passed through. */
static void test_stop(void **state)
{
	static const char data[] = "192.0.2.1\n192.0.2.2\nbad\n192.0.2.3\n";
	static const struct {
		const char *name;
		int stop_after;
		int rc;
		const char *entries;
		unsigned long lines, entries_n, bad;
	} stops[] = {
		{ "stop at 1", 1, 42, "192.0.2.1", 1, 1, 0 },
		{ "stop at 2", 2, 42, "192.0.2.1,192.0.2.2", 2, 2, 0 },
		{ "stop at 3", 3, 42, "192.0.2.1,192.0.2.2,192.0.2.3", 4, 3, 1 },
		{ "no stop", 4, 0, "192.0.2.1,192.0.2.2,192.0.2.3", 4, 3, 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(stops); i++) {
		struct seen s = { .stop_after = stops[i].stop_after };
		struct listfile_report r;
		FILE *f = open_mem(data, sizeof(data) - 1);
		int rc = listfile_parse(f, on_entry, on_bad, &s, &r);

		fclose(f);
		CHECK_INT(stops[i].name, "rc", rc, stops[i].rc);
		CHECK_STR(stops[i].name, "entries", s.entries,
			  stops[i].entries);
		CHECK_UINT(stops[i].name, "lines", r.lines, stops[i].lines);
		CHECK_UINT(stops[i].name, "entries", r.entries,
			   stops[i].entries_n);
		CHECK_UINT(stops[i].name, "bad", r.bad, stops[i].bad);
	}
	CHECK_DONE();
}

/* Reading a stream opened for writing fails: -EIO, not a silent 0. */
static void test_read_error(void **state)
{
	char buf[64] = "192.0.2.1\n";
	struct listfile_report r;
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	int rc;

	assert_non_null(f);
	rc = listfile_parse(f, on_entry, on_bad, NULL, &r);
	fclose(f);
	CHECK_INT("write-only stream", "rc", rc, -EIO);
	CHECK_UINT("write-only stream", "lines", r.lines, 0);
	CHECK_DONE();
}

/* Lines far longer than any buffer: a 1 MiB bad word is reported with a
 * short message, 1 MiB of white space around an entry is fine. */
static void test_long_lines(void **state)
{
	const size_t big = 1u << 20;
	size_t len = 3 * big + 64, pos = 0;
	char *data = malloc(len);
	struct seen s = { .stop_after = -1 };
	struct listfile_report r;
	FILE *f;
	int rc;

	assert_non_null(data);
	memset(data + pos, 'a', big);
	pos += big;
	data[pos++] = '\n';
	memset(data + pos, ' ', big);
	pos += big;
	pos += (size_t)sprintf(data + pos, "192.0.2.1");
	memset(data + pos, '\t', big);
	pos += big;
	pos += (size_t)sprintf(data + pos, "# end\n198.51.100.0/24");

	f = open_mem(data, pos);
	rc = listfile_parse(f, on_entry, on_bad, &s, &r);
	fclose(f);
	free(data);
	CHECK_INT("long lines", "rc", rc, 0);
	CHECK_STR("long lines", "entries", s.entries,
		  "192.0.2.1,198.51.100.0/24");
	CHECK_CONTAINS("long lines", "bad", s.bad, "1: bad prefix \"aaaa");
	CHECK(strlen(s.bad) < 300,
	      "case long lines: got a %zu-byte message, want < 300",
	      strlen(s.bad));
	CHECK_UINT("long lines", "lines", r.lines, 3);
	CHECK_UINT("long lines", "bad", r.bad, 1);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_no_callbacks),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_long_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
