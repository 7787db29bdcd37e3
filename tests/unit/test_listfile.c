/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_listfile.c - unit tests of listfile.c, fed from memory with
 * fmemopen(): comments, white space, line endings, bad lines and their
 * numbers, stopping early, read errors, lines of any length; the rbldnsd
 * format's abbreviations, ranges, values, directives and exclusions (the
 * expected results are what `rbldnsd -d` makes of the same lines).
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

#include "lib/listfile.h"
#include "check.h"

/* What the callbacks saw: entries as "a,b,c", bad lines as "N: why|". */
struct seen {
	char entries[4096];
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
		/* the plain format through the other entry point: the same */
		f = open_mem(cases[i].in, cases[i].len);
		{
			struct seen s2 = { .stop_after = -1 };

			rc = listfile_parse_format(f, LISTFILE_PLAIN, on_entry,
						   on_bad, &s2, NULL);
			CHECK_INT(cases[i].name, "rc (plain format)", rc, 0);
			CHECK_STR(cases[i].name, "entries (plain format)",
				  s2.entries, s.entries);
			CHECK_STR(cases[i].name, "bad (plain format)", s2.bad,
				  s.bad);
		}
		fclose(f);
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


/* The rbldnsd format: what rbldnsd's ip4set/ip4trie/ip6trie/ip6tset
 * parsers accept, checked against `rbldnsd -d` on the same lines. */
static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *entries;
	const char *bad; /* part of what on_bad saw; "" = nothing bad */
	unsigned long lines, nbad;
} rbl_cases[] = {
	{ "empty", IN(""), "", "", 0, 0 },
	{ "hosts and prefixes", IN("192.0.2.1\n198.51.100.0/24\n"),
	  "192.0.2.1,198.51.100.0/24", "", 2, 0 },
	{ "abbreviated prefixes", IN("192.0.2\n198.51\n"),
	  "192.0.2.0/24,198.51.0.0/16", "", 2, 0 },
	{ "abbreviated with length", IN("10/8\n172.16/12\n203.0.113/25\n"),
	  "10.0.0.0/8,172.16.0.0/12,203.0.113.0/25", "", 3, 0 },
	{ "bare number", IN("10\n"), "",
	  "1: bad prefix \"10\": a bare number is not an address (rbldnsd refuses it too); write 10/8|",
	  1, 1 },
	{ "range of hosts", IN("192.0.2.4-192.0.2.10\n"),
	  "192.0.2.4/30,192.0.2.8/31,192.0.2.10", "", 1, 0 },
	{ "range, last octet only", IN("192.0.2.4-10\n"),
	  "192.0.2.4/30,192.0.2.8/31,192.0.2.10", "", 1, 0 },
	{ "range of one", IN("192.0.2.7-7\n"), "192.0.2.7", "", 1, 0 },
	{ "range of prefixes", IN("192.0.2-192.0.3\n"), "192.0.2.0/23", "",
	  1, 0 },
	{ "range, suffix octet of a prefix", IN("127.16-31\n"),
	  "127.16.0.0/12", "", 1, 0 },
	{ "range, whole last octet", IN("192.0.2.0-255\n"), "192.0.2.0/24",
	  "", 1, 0 },
	{ "range from .1", IN("192.0.2.1-255\n"),
	  "192.0.2.1,192.0.2.2/31,192.0.2.4/30,192.0.2.8/29,192.0.2.16/28,"
	  "192.0.2.32/27,192.0.2.64/26,192.0.2.128/25",
	  "", 1, 0 },
	{ "range of everything", IN("0.0.0.0-255.255.255.255\n"), "0.0.0.0/0",
	  "", 1, 0 },
	{ "range backwards", IN("192.0.2.10-192.0.2.4\n"), "",
	  "1: bad range \"192.0.2.10-192.0.2.4\": it ends before it starts|",
	  1, 1 },
	{ "range ends of different length", IN("192.0.2.1-192.0.3\n"), "",
	  "both ends need the same number of octets", 1, 1 },
	{ "range with a length", IN("192.0.2.0/24-192.0.3.0\n"), "",
	  "1: bad prefix \"192.0.2.0/24-192.0.3.0\": the length after /",
	  1, 1 },
	{ "values after the address",
	  IN("192.0.2.1 :127.0.0.3:listed for spam\n"
	     "192.0.2.2 see http://example.test/$\n"
	     "192.0.2.3:127.0.0.4:no space before the value\n"
	     "2001:db8:7:8 :127.0.0.3:text\n"),
	  "192.0.2.1,192.0.2.2,192.0.2.3,2001:db8:7:8::/64", "", 4, 0 },
	{ "comments and directives",
	  IN("$TTL 300\n"
	     "$SOA 0 ns.example.test. hostmaster.example.test. 0 1h 1h 1d 1h\n"
	     "#$NS 0 ns.example.test.\n"
	     ":$TTL 60\n"
	     "$MAXRANGE4 /16\n"
	     ":127.0.0.2:Listed, see http://example.test/?$\n"
	     "; semicolon comment\n"
	     "# hash comment\n"
	     "  192.0.2.1 # a host\n"
	     "192.0.2.2;x\n"
	     "192.0.2.3#x\n"),
	  "192.0.2.1,192.0.2.2,192.0.2.3", "", 11, 0 },
	/* found by fuzz_listfile: the "::" check of ':' lines was applied
	 * to '#' and ';' lines too */
	{ "comments that start like an address",
	  IN(";:x\n#:y\n#::1\n;::1 x\n$:z\n192.0.2.1\n"), "192.0.2.1", "", 6,
	  0 },
	{ "exclusion", IN("192.0.2.0/24\n!192.0.2.5 ; not this one\n"),
	  "192.0.2.0/24",
	  "2: exclusion \"!192.0.2.5\" is not supported: mxscreen lists whole ranges",
	  2, 1 },
	{ "ipv6 exclusion", IN("2001:db8:1:2\n!2001:db8:1:2::5\n"),
	  "2001:db8:1:2::/64", "2: exclusion \"!2001:db8:1:2::5\"", 2, 1 },
	{ "host bits", IN("192.0.2.1/24 ; SBL1\n"), "",
	  "1: 192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?|", 1,
	  1 },
	{ "host bits, abbreviated", IN("10.1/8\n"), "",
	  "1: 10.1.0.0/8 has host bits set; did you mean 10.0.0.0/8?|", 1, 1 },
	{ "length too long", IN("192.0.2.0/33\n"), "",
	  "1: bad prefix \"192.0.2.0/33\": the length after / must be a number from 0 to 32|",
	  1, 1 },
	{ "length with leading zero", IN("192.0.2.0/024\n"), "",
	  "the length after / must be", 1, 1 },
	{ "octet too big", IN("192.0.2.256\n"), "",
	  "1: bad address \"192.0.2.256\": expected an IPv4 address", 1, 1 },
	{ "five octets", IN("192.0.2.1.5\n"), "", "1: bad address", 1, 1 },
	{ "ipv6 forms",
	  IN("2001:db8::/32\n"
	     "2001:db8:1:2\n"
	     "2001:db8:3::1\n"
	     "::1  # localhost\n"
	     "2001:db8:5/48\n"
	     "2001:db8\n"
	     "2001:db8:0:0:0:0:0:1\n"
	     "2001:DB8:A::/48\n"),
	  "2001:db8::/32,2001:db8:1:2::/64,2001:db8:3::1,::1,2001:db8:5::/48,"
	  "2001:db8::/32,2001:db8::1,2001:db8:a::/48",
	  "", 8, 0 },
	{ "ipv4-mapped", IN("::ffff:192.0.2.1\n"), "192.0.2.1", "", 1, 0 },
	{ "ipv6 host bits", IN("2001:db8::1/64\n"), "",
	  "1: 2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?|",
	  1, 1 },
	{ "ipv6 abbreviated host bits", IN("2001:db8:1/32\n"), "",
	  "has host bits set; did you mean 2001:db8::/32?", 1, 1 },
	{ "ipv6 bad word", IN("2001:zz\n"), "",
	  "1: bad address \"2001:zz\": expected an IPv6 address", 1, 1 },
	{ "ipv6 word too long", IN("2001:db8:12345:1\n"), "",
	  "1: bad address \"2001:db8:12345:1\"", 1, 1 },
	{ "ipv6 empty word", IN("2001::db8::1\n"), "",
	  "1: bad prefix \"2001::db8::1\"", 1, 1 },
	{ "ipv6 value without space", IN("2001:db8::1:127.0.0.2:x\n"), "",
	  "1: bad prefix", 1, 1 },
	{ "crlf and bom", IN("\xef\xbb\xbf" "192.0.2\r\n2001:db8:1:2\r\n"),
	  "192.0.2.0/24,2001:db8:1:2::/64", "", 2, 0 },
	{ "nul byte", IN("192.0.2.1\0garbage\n192.0.2.2\n"), "192.0.2.2",
	  "1: line contains a NUL byte|", 2, 1 },
	{ "binary garbage", IN("\x01\x02\xff" "binary\n192.0.2.9\n"),
	  "192.0.2.9", "1: bad address \"???binary\"", 2, 1 },
	{ "bad then good", IN("nonsense\n192.0.2.1\n"), "192.0.2.1",
	  "1: bad address \"nonsense\"", 2, 1 },
};

static void test_rbldnsd(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(rbl_cases); i++) {
		struct seen s = { .stop_after = -1 };
		struct listfile_report r;
		FILE *f = open_mem(rbl_cases[i].in, rbl_cases[i].len);
		int rc;

		memset(&r, 0xa5, sizeof(r));
		rc = listfile_parse_format(f, LISTFILE_RBLDNSD, on_entry, on_bad,
					   &s, &r);
		fclose(f);
		CHECK_INT(rbl_cases[i].name, "rc", rc, 0);
		CHECK_STR(rbl_cases[i].name, "entries", s.entries,
			  rbl_cases[i].entries);
		if (rbl_cases[i].bad[0])
			CHECK_CONTAINS(rbl_cases[i].name, "bad", s.bad,
				       rbl_cases[i].bad);
		else
			CHECK_STR(rbl_cases[i].name, "bad", s.bad, "");
		CHECK_UINT(rbl_cases[i].name, "report.lines", r.lines,
			   rbl_cases[i].lines);
		CHECK_UINT(rbl_cases[i].name, "report.entries", r.entries,
			   (unsigned long)s.nentries);
		CHECK_UINT(rbl_cases[i].name, "report.bad", r.bad,
			   rbl_cases[i].nbad);
	}
	CHECK_DONE();
}

/* The worst IPv4 range needs 62 blocks: exactly the bound, in order,
 * adjacent and covering the range exactly. */
static void test_rbldnsd_worst_range(void **state)
{
	static const char data[] = "0.0.0.1-255.255.255.254\n";
	struct seen s = { .stop_after = -1 };
	struct listfile_report r;
	FILE *f = open_mem(data, sizeof(data) - 1);
	int rc;

	rc = listfile_parse_format(f, LISTFILE_RBLDNSD, on_entry, on_bad, &s,
				   &r);
	fclose(f);
	CHECK_INT("worst range", "rc", rc, 0);
	CHECK_UINT("worst range", "entries", r.entries,
		   LISTFILE_MAX_LINE_PREFIXES);
	CHECK_STR("worst range", "bad", s.bad, "");
	CHECK(strncmp(s.entries, "0.0.0.1,0.0.0.2/31,0.0.0.4/30,", 30) == 0,
	      "case worst range: got \"%.40s...\", want it to start with 0.0.0.1,0.0.0.2/31,0.0.0.4/30,",
	      s.entries);
	CHECK(strstr(s.entries, ",1.0.0.0/8,2.0.0.0/7,4.0.0.0/6,") != NULL,
	      "case worst range: got \"%s\", want the /8, /7, /6 blocks in order",
	      s.entries);
	{
		static const char tail[] = ",255.255.255.252/31,255.255.255.254";
		size_t len = strlen(s.entries), tlen = sizeof(tail) - 1;
		const char *end = len > tlen ? s.entries + len - tlen : s.entries;

		CHECK_STR("worst range", "last blocks", end, tail);
	}
	CHECK_DONE();
}

/* An unknown format is refused before anything is read. */
static void test_bad_format(void **state)
{
	static const char data[] = "192.0.2.1\n";
	struct seen s = { .stop_after = -1 };
	FILE *f = open_mem(data, sizeof(data) - 1);

	CHECK_INT("format 7", "rc",
		  listfile_parse_format(f, (enum listfile_format)7, on_entry,
					on_bad, &s, NULL),
		  -EINVAL);
	CHECK_STR("format 7", "entries", s.entries, "");
	fclose(f);
	CHECK_STR("names", "plain", listfile_format_name(LISTFILE_PLAIN),
		  "plain");
	CHECK_STR("names", "rbldnsd", listfile_format_name(LISTFILE_RBLDNSD),
		  "rbldnsd");
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
		cmocka_unit_test(test_rbldnsd),
		cmocka_unit_test(test_rbldnsd_worst_range),
		cmocka_unit_test(test_bad_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
