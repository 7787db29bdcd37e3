/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_addr.c - unit tests of addr.c: what the parsers accept and refuse
 * (and say), RFC 5952 output, containment and ordering.
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

#include "lib/addr.h"
#include "check.h"

struct parse_case {
	const char *in;
	int rc;
	const char *want;  /* addr_format_cidr() of the result, rc == 0 */
	uint8_t family;    /* rc == 0 */
	uint8_t prefixlen; /* rc == 0 */
	const char *err;   /* part of the message, rc != 0 */
};

static const struct parse_case cidr_cases[] = {
	/* IPv4 */
	{ "192.0.2.1", 0, "192.0.2.1", 4, 32, NULL },
	{ "192.0.2.1/32", 0, "192.0.2.1", 4, 32, NULL },
	{ "192.0.2.0/24", 0, "192.0.2.0/24", 4, 24, NULL },
	{ "192.0.2.128/25", 0, "192.0.2.128/25", 4, 25, NULL },
	{ "10.0.0.0/8", 0, "10.0.0.0/8", 4, 8, NULL },
	{ "0.0.0.0/0", 0, "0.0.0.0/0", 4, 0, NULL },
	{ "0.0.0.0", 0, "0.0.0.0", 4, 32, NULL },
	{ "255.255.255.255", 0, "255.255.255.255", 4, 32, NULL },
	{ "255.255.255.254/31", 0, "255.255.255.254/31", 4, 31, NULL },
	{ "128.0.0.0/1", 0, "128.0.0.0/1", 4, 1, NULL },
	/* host bits */
	{ "192.0.2.1/24", -EINVAL, NULL, 0, 0,
	  "192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?" },
	{ "192.0.2.129/25", -EINVAL, NULL, 0, 0,
	  "192.0.2.129/25 has host bits set; did you mean 192.0.2.128/25?" },
	{ "1.0.0.0/0", -EINVAL, NULL, 0, 0,
	  "1.0.0.0/0 has host bits set; did you mean 0.0.0.0/0?" },
	{ "255.255.255.255/31", -EINVAL, NULL, 0, 0,
	  "did you mean 255.255.255.254/31?" },
	/* prefix length syntax and bounds */
	{ "192.0.2.1/33", -EINVAL, NULL, 0, 0, "at most 32 for IPv4" },
	{ "192.0.2.0/99999999999999999999999", -EINVAL, NULL, 0, 0,
	  "at most 32" },
	{ "192.0.2.1/", -EINVAL, NULL, 0, 0, "missing prefix length" },
	{ "192.0.2.0/+24", -EINVAL, NULL, 0, 0, "decimal number from 0 to 32" },
	{ "192.0.2.0/-24", -EINVAL, NULL, 0, 0, "without sign" },
	{ "192.0.2.0/024", -EINVAL, NULL, 0, 0, "leading zeros" },
	{ "192.0.2.0/00", -EINVAL, NULL, 0, 0, "leading zeros" },
	{ "192.0.2.0/ 24", -EINVAL, NULL, 0, 0, "decimal number" },
	{ "192.0.2.0/24 ", -EINVAL, NULL, 0, 0, "decimal number" },
	{ "192.0.2.0/0x18", -EINVAL, NULL, 0, 0, "decimal number" },
	{ "192.0.2.0/24/24", -EINVAL, NULL, 0, 0, "decimal number" },
	{ "192.0.2.0/2a", -EINVAL, NULL, 0, 0, "decimal number" },
	/* address syntax */
	{ "", -EINVAL, NULL, 0, 0, "empty prefix: expected an IPv4 or IPv6" },
	{ "/24", -EINVAL, NULL, 0, 0, "bad prefix \"/24\": expected" },
	{ "192.0.2.0 /24", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ " 192.0.2.1", -EINVAL, NULL, 0, 0, "bad prefix \" 192.0.2.1\"" },
	{ "192.0.2.1 ", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "192.0.2.1\n", -EINVAL, NULL, 0, 0, "bad prefix \"192.0.2.1?\"" },
	{ "256.0.0.1", -EINVAL, NULL, 0, 0, "optionally with /LEN" },
	{ "1.2.3", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "1.2.3.4.5", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "01.2.3.4", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "1.2.3.4x", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "0x1.2.3.4", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "16909060", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "example.org", -EINVAL, NULL, 0, 0, "bad prefix" },
	/* IPv6, printed as RFC 5952 says */
	{ "2001:db8::1", 0, "2001:db8::1", 6, 128, NULL },
	{ "2001:DB8::1", 0, "2001:db8::1", 6, 128, NULL },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", 0, "2001:db8::1", 6, 128,
	  NULL },
	{ "2001:db8::/32", 0, "2001:db8::/32", 6, 32, NULL },
	{ "2001:db8::/128", 0, "2001:db8::", 6, 128, NULL },
	{ "2001:db8:8000::/33", 0, "2001:db8:8000::/33", 6, 33, NULL },
	{ "::/0", 0, "::/0", 6, 0, NULL },
	{ "::", 0, "::", 6, 128, NULL },
	{ "::1", 0, "::1", 6, 128, NULL },
	{ "1::", 0, "1::", 6, 128, NULL },
	{ "2001:db8:0:0:1:0:0:1", 0, "2001:db8::1:0:0:1", 6, 128, NULL },
	{ "2001:0:0:1:0:0:0:1", 0, "2001:0:0:1::1", 6, 128, NULL },
	{ "2001:db8:0:1:1:1:1:1", 0, "2001:db8:0:1:1:1:1:1", 6, 128, NULL },
	{ "::2:0", 0, "::2:0", 6, 128, NULL },
	{ "::192.0.2.1", 0, "::c000:201", 6, 128, NULL },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 0,
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6, 128, NULL },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", 0,
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", 6, 127, NULL },
	{ "2001:db8::1/64", -EINVAL, NULL, 0, 0,
	  "2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?" },
	{ "2001:db8:ffff::/33", -EINVAL, NULL, 0, 0,
	  "did you mean 2001:db8:8000::/33?" },
	{ "2001:db8::/129", -EINVAL, NULL, 0, 0, "at most 128 for IPv6" },
	{ "2001:db8::/1000", -EINVAL, NULL, 0, 0, "at most 128 for IPv6" },
	{ "fe80::1%eth0", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "2001:db8:::1", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "2001:db8::1::2", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "1:2:3:4:5:6:7:8:9", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "12345::", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "[2001:db8::1]", -EINVAL, NULL, 0, 0, "bad prefix" },
	{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa", -EINVAL, NULL,
	  0, 0, "bad prefix" },
	/* IPv4-mapped IPv6 becomes IPv4 */
	{ "::ffff:192.0.2.1", 0, "192.0.2.1", 4, 32, NULL },
	{ "::FFFF:c000:0201", 0, "192.0.2.1", 4, 32, NULL },
	{ "::ffff:192.0.2.1/128", 0, "192.0.2.1", 4, 32, NULL },
	{ "::ffff:192.0.2.0/120", 0, "192.0.2.0/24", 4, 24, NULL },
	{ "::ffff:0.0.0.0/96", 0, "0.0.0.0/0", 4, 0, NULL },
	{ "::ffff:192.0.2.1/120", -EINVAL, NULL, 0, 0,
	  "::ffff:192.0.2.1/120 has host bits set; did you mean 192.0.2.0/24?" },
	{ "::ffff:0.0.0.0/95", -EINVAL, NULL, 0, 0,
	  "IPv4-mapped prefix needs a length from 96 to 128" },
	{ "::ffff:192.0.2.1/129", -EINVAL, NULL, 0, 0, "at most 128" },
};

static void test_parse_cidr(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(cidr_cases); i++) {
		const struct parse_case *tc = &cidr_cases[i];
		struct addr_cidr c, before;
		char err[256] = "", got[ADDR_CIDR_STRLEN];
		int rc;

		memset(&c, 0xa5, sizeof(c));
		before = c;
		rc = addr_parse_cidr(tc->in, &c, err, sizeof(err));
		CHECK_INT(tc->in, "rc", rc, tc->rc);
		if (rc != tc->rc)
			continue;
		if (rc) {
			CHECK_CONTAINS(tc->in, "err", err, tc->err);
			CHECK(memcmp(&c, &before, sizeof(c)) == 0,
			      "case %s: got output written on error, want it untouched",
			      tc->in);
			continue;
		}
		CHECK_STR(tc->in, "err", err, "");
		CHECK_UINT(tc->in, "family", c.family, tc->family);
		CHECK_UINT(tc->in, "prefixlen", c.prefixlen, tc->prefixlen);
		addr_format_cidr(&c, got, sizeof(got));
		CHECK_STR(tc->in, "format", got, tc->want);
		if (c.family == MXS_FAMILY_V4) {
			static const uint8_t zero[12];

			CHECK(memcmp(c.addr + 4, zero, sizeof(zero)) == 0,
			      "case %s: got IPv4 with non-zero addr[4..15], want zeros",
			      tc->in);
		}
	}
	CHECK_DONE();
}

static const struct parse_case ip_cases[] = {
	{ "192.0.2.1", 0, "192.0.2.1", 4, 32, NULL },
	{ "2001:db8::1", 0, "2001:db8::1", 6, 128, NULL },
	{ "::ffff:198.51.100.7", 0, "198.51.100.7", 4, 32, NULL },
	{ "192.0.2.0/24", -EINVAL, NULL, 0, 0,
	  "bad address \"192.0.2.0/24\": expected a single address, not a prefix" },
	{ "192.0.2.1/32", -EINVAL, NULL, 0, 0, "not a prefix" },
	{ "2001:db8::/32", -EINVAL, NULL, 0, 0, "not a prefix" },
	{ "", -EINVAL, NULL, 0, 0, "empty address: expected an IPv4 or IPv6 address (e.g." },
	{ "bogus", -EINVAL, NULL, 0, 0,
	  "bad address \"bogus\": expected an IPv4 or IPv6 address (e.g. 192.0.2.1, 2001:db8::1)" },
	{ " 192.0.2.1", -EINVAL, NULL, 0, 0, "bad address" },
};

static void test_parse_ip(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(ip_cases); i++) {
		const struct parse_case *tc = &ip_cases[i];
		struct addr_cidr c;
		char err[256] = "", got[ADDR_CIDR_STRLEN];
		int rc;

		rc = addr_parse_ip(tc->in, &c, err, sizeof(err));
		CHECK_INT(tc->in, "rc", rc, tc->rc);
		if (rc != tc->rc)
			continue;
		if (rc) {
			CHECK_CONTAINS(tc->in, "err", err, tc->err);
			continue;
		}
		CHECK_UINT(tc->in, "family", c.family, tc->family);
		CHECK_UINT(tc->in, "prefixlen", c.prefixlen, tc->prefixlen);
		addr_format_cidr(&c, got, sizeof(got));
		CHECK_STR(tc->in, "format", got, tc->want);
	}
	CHECK_DONE();
}

/* Bytes land in network order, IPv4 in addr[0..3]. */
static void test_parse_bytes(void **state)
{
	static const struct {
		const char *in;
		uint8_t addr[16];
	} cases[] = {
		{ "192.0.2.1", { 192, 0, 2, 1 } },
		{ "::ffff:192.0.2.1", { 192, 0, 2, 1 } },
		{ "2001:db8::102:304",
		  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3,
		    4 } },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct addr_cidr c = { 0 };
		int rc = addr_parse_cidr(cases[i].in, &c, NULL, 0);

		CHECK_INT(cases[i].in, "rc", rc, 0);
		CHECK(memcmp(c.addr, cases[i].addr, 16) == 0,
		      "case %s: got bytes %02x%02x%02x%02x..%02x%02x, want %02x%02x%02x%02x..%02x%02x",
		      cases[i].in, c.addr[0], c.addr[1], c.addr[2], c.addr[3],
		      c.addr[14], c.addr[15], cases[i].addr[0],
		      cases[i].addr[1], cases[i].addr[2], cases[i].addr[3],
		      cases[i].addr[14], cases[i].addr[15]);
	}
	CHECK_DONE();
}

/* Error buffers: NULL or zero-sized is fine, small ones are cut and
 * terminated, untrusted text is cut short and made printable. */
static void test_parse_err_buffer(void **state)
{
	char err[8], big[4096], longin[2000];
	struct addr_cidr c;
	size_t i;
	int rc;

	CHECK_INT("NULL err", "rc", addr_parse_cidr("x", &c, NULL, 0), -EINVAL);
	CHECK_INT("NULL text", "rc", addr_parse_cidr(NULL, &c, NULL, 0),
		  -EINVAL);
	CHECK_INT("NULL ip text", "rc", addr_parse_ip(NULL, &c, NULL, 0),
		  -EINVAL);

	memset(err, 'Z', sizeof(err));
	rc = addr_parse_cidr("bogus", &c, err, 0);
	CHECK_INT("errlen 0", "rc", rc, -EINVAL);
	CHECK_INT("errlen 0", "err[0] untouched", err[0], 'Z');

	rc = addr_parse_cidr("bogus", &c, err, sizeof(err));
	CHECK_INT("errlen 8", "rc", rc, -EINVAL);
	CHECK_STR("errlen 8", "err", err, "bad pre");

	memset(longin, 'a', sizeof(longin) - 1);
	longin[sizeof(longin) - 1] = '\0';
	longin[10] = '\x1b';
	rc = addr_parse_cidr(longin, &c, big, sizeof(big));
	CHECK_INT("long input", "rc", rc, -EINVAL);
	CHECK(strlen(big) < 250, "case long input: got message of %zu bytes, want < 250",
	      strlen(big));
	CHECK_CONTAINS("long input", "err", big, "\"aaaaaaaaaa?aaa");
	CHECK_CONTAINS("long input", "err", big, "aaa...\"");
	for (i = 0; big[i]; i++)
		CHECK(big[i] >= 0x20 && big[i] < 0x7f,
		      "case long input: got byte 0x%02x at %zu, want printable",
		      (unsigned char)big[i], i);
	CHECK_DONE();
}

static void test_format(void **state)
{
	static const struct {
		const char *name;
		struct addr_cidr c;
		size_t len;
		const char *want;
	} cases[] = {
		{ "v4 host", { 4, 32, { 192, 0, 2, 1 } }, 50, "192.0.2.1" },
		{ "v4 net", { 4, 24, { 192, 0, 2, 0 } }, 50, "192.0.2.0/24" },
		{ "v4 cut", { 4, 24, { 192, 0, 2, 0 } }, 5, "192." },
		{ "len 1", { 4, 24, { 192, 0, 2, 0 } }, 1, "" },
		{ "v6 longest", { 6, 128, { 0x20, 1, 0xd, 0xb8 } }, 50,
		  "2001:db8::" },
		{ "v6 max", { 6, 128, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					0xff, 0xff, 0xff, 0xff } },
		  ADDR_CIDR_STRLEN, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ "v6 net max", { 6, 127, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff, 0xfe } },
		  ADDR_CIDR_STRLEN,
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127" },
		{ "v6 mapped kept", { 6, 128, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
						0xff, 0xff, 192, 0, 2, 1 } },
		  50, "::ffff:192.0.2.1" },
		{ "v6 leading zeros", { 6, 128, { 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
						  0, 0, 0, 1, 0, 0x10 } },
		  50, "1:0:1:0:1:0:1:10" },
		{ "v6 tail run", { 6, 64, { 0x20, 1, 0xd, 0xb8, 0, 0, 0, 1 } },
		  50, "2001:db8:0:1::/64" },
		{ "bad family", { 9, 0, { 0 } }, 50, "(bad address family 9)" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char buf[64];

		memset(buf, 'Z', sizeof(buf));
		addr_format_cidr(&cases[i].c, buf, cases[i].len);
		CHECK_STR(cases[i].name, "format", buf, cases[i].want);
	}

	/* len 0 writes nothing; NULL is ignored */
	{
		struct addr_cidr c = { 4, 32, { 1, 2, 3, 4 } };
		char buf[4] = "ZZZ";

		addr_format_cidr(&c, buf, 0);
		CHECK_STR("len 0", "buf", buf, "ZZZ");
		addr_format_cidr(&c, NULL, 10);
	}
	CHECK_DONE();
}

/* Every text the parser accepts prints back as something it accepts and
 * that parses to the same value. */
static void test_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(cidr_cases); i++) {
		struct addr_cidr a, b;
		char text[ADDR_CIDR_STRLEN];

		if (cidr_cases[i].rc)
			continue;
		addr_parse_cidr(cidr_cases[i].in, &a, NULL, 0);
		addr_format_cidr(&a, text, sizeof(text));
		CHECK_INT(cidr_cases[i].in, "reparse rc",
			  addr_parse_cidr(text, &b, NULL, 0), 0);
		CHECK_INT(cidr_cases[i].in, "reparse compare",
			  addr_compare(&a, &b), 0);
	}
	CHECK_DONE();
}

static struct addr_cidr cidr_of(const char *text)
{
	struct addr_cidr c;
	char err[128];

	if (addr_parse_cidr(text, &c, err, sizeof(err)))
		fail_msg("test table: %s", err);
	return c;
}

static void test_is_host(void **state)
{
	static const struct {
		const char *name;
		uint8_t family, prefixlen;
		bool want;
	} cases[] = {
		{ "v4/32", 4, 32, true },    { "v4/31", 4, 31, false },
		{ "v4/128", 4, 128, false }, { "v6/128", 6, 128, true },
		{ "v6/32", 6, 32, false },   { "v6/0", 6, 0, false },
		{ "family 0", 0, 32, false }, { "family 0 /128", 0, 128, false },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct addr_cidr c = { .family = cases[i].family,
				       .prefixlen = cases[i].prefixlen };

		CHECK_INT(cases[i].name, "is_host", addr_is_host(&c),
			  cases[i].want);
	}
	CHECK_DONE();
}

static void test_contains(void **state)
{
	static const struct {
		const char *net, *ip;
		bool want;
	} cases[] = {
		{ "192.0.2.0/24", "192.0.2.0", true },
		{ "192.0.2.0/24", "192.0.2.255", true },
		{ "192.0.2.0/24", "192.0.3.0", false },
		{ "192.0.2.0/24", "192.0.1.255", false },
		{ "192.0.2.0/24", "192.0.2.128/25", true },
		{ "192.0.2.0/24", "192.0.2.0/24", true },
		{ "192.0.2.0/25", "192.0.2.0/24", false },
		{ "192.0.2.0/25", "192.0.2.127", true },
		{ "192.0.2.0/25", "192.0.2.128", false },
		{ "192.0.2.1", "192.0.2.1", true },
		{ "192.0.2.1", "192.0.2.2", false },
		{ "0.0.0.0/0", "255.255.255.255", true },
		{ "0.0.0.0/0", "::", false },
		{ "::/0", "192.0.2.1", false },
		{ "::/0", "2001:db8::1", true },
		{ "2001:db8::/32", "2001:db8:ffff::1", true },
		{ "2001:db8::/32", "2001:db9::", false },
		{ "2001:db8:8000::/33", "2001:db8:8000::1", true },
		{ "2001:db8:8000::/33", "2001:db8:7fff::1", false },
		{ "2001:db8::1", "2001:db8::1", true },
		{ "2001:db8::1", "2001:db8::/64", false },
		{ "::ffff:192.0.2.0/120", "192.0.2.7", true },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct addr_cidr net = cidr_of(cases[i].net), ip = cidr_of(cases[i].ip);
		char name[128];

		snprintf(name, sizeof(name), "%s in %s", cases[i].ip,
			 cases[i].net);
		CHECK_INT(name, "contains", addr_contains(&net, &ip),
			  cases[i].want);
	}

	/* Malformed structs never match. */
	{
		struct addr_cidr net = { .family = 4, .prefixlen = 33 };
		struct addr_cidr ip = { .family = 4, .prefixlen = 32 };

		CHECK_INT("net /33", "contains", addr_contains(&net, &ip), 0);
		net.prefixlen = 0;
		ip.prefixlen = 40;
		CHECK_INT("ip /40", "contains", addr_contains(&net, &ip), 0);
		net.family = ip.family = 0;
		ip.prefixlen = 0;
		CHECK_INT("family 0", "contains", addr_contains(&net, &ip), 0);
	}
	CHECK_DONE();
}

static void test_compare(void **state)
{
	static const struct {
		const char *a, *b;
		int want;
	} cases[] = {
		{ "192.0.2.1", "192.0.2.1", 0 },
		{ "192.0.2.1", "192.0.2.2", -1 },
		{ "192.0.2.2", "192.0.2.1", 1 },
		{ "192.0.2.0/24", "192.0.2.0", -1 },
		{ "192.0.2.0", "192.0.2.0/24", 1 },
		{ "10.0.0.0/8", "9.255.255.255", 1 },
		{ "255.255.255.255", "::", -1 },
		{ "::", "0.0.0.0/0", 1 },
		{ "2001:db8::/32", "2001:db8::/48", -1 },
		{ "2001:db8::1", "2001:db8::", 1 },
		{ "::ffff:192.0.2.1", "192.0.2.1", 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct addr_cidr a = cidr_of(cases[i].a), b = cidr_of(cases[i].b);
		char name[128];

		snprintf(name, sizeof(name), "%s vs %s", cases[i].a,
			 cases[i].b);
		CHECK_INT(name, "compare", addr_compare(&a, &b), cases[i].want);
		CHECK_INT(name, "reverse compare", addr_compare(&b, &a),
			  -cases[i].want);
	}
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cidr),
		cmocka_unit_test(test_parse_ip),
		cmocka_unit_test(test_parse_bytes),
		cmocka_unit_test(test_parse_err_buffer),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_is_host),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
