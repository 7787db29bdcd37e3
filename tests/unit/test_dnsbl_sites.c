/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_dnsbl_sites.c - unit tests of dnsbl_sites.c: the site grammar and
 * what its errors say, filters, query names, answer classes, scoring,
 * TTLs and the log form of a hit.  In the spirit of Postfix's
 * postscreen_dnsbl_test.c: one table per question, "got X, want Y".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mxscreend/dnsbl_sites.h"
#include "check.h"

/* ---- helpers ------------------------------------------------------------- */

/* An octet bitmap back in the filter syntax: "2", "[2..11]", "[1;3..5]". */
static void dump_octet(const uint8_t map[32], char *buf, size_t len)
{
	unsigned int v = 0, runs = 0;
	char tmp[1024] = "";
	size_t n = 0;

	while (v < 256) {
		unsigned int lo;

		if (!(map[v / 8] & (1u << (v % 8)))) {
			v++;
			continue;
		}
		lo = v;
		while (v < 256 && (map[v / 8] & (1u << (v % 8))))
			v++;
		n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "%s%u", runs ? ";" : "", lo);
		if (v - 1 > lo)
			n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "..%u", v - 1);
		runs++;
	}
	if (runs == 1 && !strstr(tmp, ".."))
		snprintf(buf, len, "%s", tmp);
	else
		snprintf(buf, len, "[%s]", tmp);
}

/* The parsed sites in one line: "zone#Z=filter*W" separated by spaces. */
static void dump_sites(const struct dnsbl_sites *s, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i, o;

	buf[0] = '\0';
	for (i = 0; i < s->nr_sites && n < len; i++) {
		const struct dnsbl_site *site = &s->site[i];

		n += (size_t)snprintf(buf + n, len - n, "%s%s#%u", i ? " " : "",
				      s->zone[site->zone], site->zone);
		for (o = 0; site->has_filter && o < 4 && n < len; o++) {
			char oct[1100];

			dump_octet(site->octet[o], oct, sizeof(oct));
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      o ? "." : "=", oct);
		}
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "*%d",
					      site->weight);
	}
}

static uint32_t ip4(const char *s)
{
	uint32_t a = 0;

	if (inet_pton(AF_INET, s, &a) != 1)
		fail_msg("test bug: bad address \"%s\"", s);
	return a;
}

/* "127.0.0.2 127.0.0.4" into a[]; returns the count. */
static unsigned int ip4_list(const char *s, uint32_t *a, unsigned int max)
{
	char copy[512], *tok, *save = NULL;
	unsigned int n = 0;

	snprintf(copy, sizeof(copy), "%s", s ? s : "");
	for (tok = strtok_r(copy, " ", &save); tok && n < max;
	     tok = strtok_r(NULL, " ", &save))
		a[n++] = ip4(tok);
	return n;
}

static void parse_ok(const char *name, const char *text, struct dnsbl_sites *s)
{
	char err[256] = "";
	int rc = dnsbl_sites_parse(text, s, err, sizeof(err));

	CHECK(rc == 0, "case %s: parse \"%s\": got %d (%s), want 0", name, text,
	      rc, err);
}

/* ---- grammar ------------------------------------------------------------- */

static const struct {
	const char *in;
	unsigned int nr_zones;
	const char *want; /* dump_sites() */
} parse_cases[] = {
	{ "", 0, "" },
	{ " \t, ,\n", 0, "" },
	{ "zen.example", 1, "zen.example#0*1" },
	{ "zen.example*3", 1, "zen.example#0*3" },
	{ "ZEN.Example.", 1, "zen.example#0*1" },
	{ "a.example b.example,c.example , d.example", 4,
	  "a.example#0*1 b.example#1*1 c.example#2*1 d.example#3*1" },
	{ ",a.example,,b.example,", 2, "a.example#0*1 b.example#1*1" },
	/* filters: numbers, ranges, sets, mixes, edge octets */
	{ "bl.example=127.0.0.2", 1, "bl.example#0=127.0.0.2*1" },
	{ "bl.example=127.0.0.[2..11]*2", 1,
	  "bl.example#0=127.0.0.[2..11]*2" },
	{ "wl.example=127.0.[0..255].[1;3]*-5", 1,
	  "wl.example#0=127.0.[0..255].[1;3]*-5" },
	{ "bl.example=127.0.0.[1;3..5]", 1, "bl.example#0=127.0.0.[1;3..5]*1" },
	{ "bl.example=127.0.0.[3..5;1]", 1, "bl.example#0=127.0.0.[1;3..5]*1" },
	{ "bl.example=127.0.0.[2;2;2..2]", 1, "bl.example#0=127.0.0.2*1" },
	{ "bl.example=127.0.0.[4..4]", 1, "bl.example#0=127.0.0.4*1" },
	{ "bl.example=0.0.0.0", 1, "bl.example#0=0.0.0.0*1" },
	{ "bl.example=255.255.255.255", 1,
	  "bl.example#0=255.255.255.255*1" },
	{ "bl.example=[0..255].[0;255].[0..0].[255..255]", 1,
	  "bl.example#0=[0..255].[0;255].0.255*1" },
	{ "bl.example=127.0.0.[0..1;254..255]", 1,
	  "bl.example#0=127.0.0.[0..1;254..255]*1" },
	{ "bl.example=127.0.0.2*0", 1, "bl.example#0=127.0.0.2*0" },
	/* weights */
	{ "a.example*+4", 1, "a.example#0*4" },
	{ "a.example*-1", 1, "a.example#0*-1" },
	{ "a.example*0", 1, "a.example#0*0" },
	{ "a.example*-0", 1, "a.example#0*0" },
	{ "a.example*1000000 b.example*-1000000", 2,
	  "a.example#0*1000000 b.example#1*-1000000" },
	/* one zone, several sites: the zone index is shared, first mention
	 * first */
	{ "zen.example=127.0.0.[2..3]*3 bl.example zen.example=127.0.0.[10;11]*2 ZEN.example.",
	  2,
	  "zen.example#0=127.0.0.[2..3]*3 bl.example#1*1 zen.example#0=127.0.0.[10..11]*2 zen.example#0*1" },
	{ "zen.example zen.example", 1, "zen.example#0*1 zen.example#0*1" },
	/* zone names at their limits */
	{ "x.example-1.a1-b", 1, "x.example-1.a1-b#0*1" },
	{ "localhost", 1, "localhost#0*1" },
	{ "0.example", 1, "0.example#0*1" },
	{ "123.example.4a", 1, "123.example.4a#0*1" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
	  1,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example#0*1" },
};

static void test_parse(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(parse_cases); i++) {
		const char *name = parse_cases[i].in;
		struct dnsbl_sites s;
		char err[256] = "", got[4096];
		int rc;

		memset(&s, 0xa5, sizeof(s));
		rc = dnsbl_sites_parse(parse_cases[i].in, &s, err, sizeof(err));
		CHECK_INT(name, "rc", rc, 0);
		if (rc) {
			print_error("case %s: err \"%s\"\n", name, err);
			continue;
		}
		CHECK_UINT(name, "nr_zones", s.nr_zones, parse_cases[i].nr_zones);
		dump_sites(&s, got, sizeof(got));
		CHECK_STR(name, "sites", got, parse_cases[i].want);
	}
	CHECK_DONE();
}

/* A domain name of exactly n characters: labels of 63 and the rest. */
static void long_name(char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (i % 64 == 63) ? '.' : 'a';
	buf[n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = 'b';
}

static const char *const zone_help = "bad DNSBL zone";

static const struct {
	const char *in;
	int rc;
	const char *err; /* part of the message */
} error_cases[] = {
	/* zone */
	{ "=127.0.0.2", -EINVAL,
	  "bad DNSBL zone \"\" in \"=127.0.0.2\": expected a domain name before \"=\" or \"*\"" },
	{ "*3", -EINVAL, "bad DNSBL zone \"\" in \"*3\"" },
	{ ".", -EINVAL, "bad DNSBL zone \".\": expected a domain name" },
	{ "a..example", -EINVAL,
	  "bad DNSBL zone \"a..example\": expected a domain name without empty labels" },
	{ ".a.example", -EINVAL, "without empty labels" },
	{ "a.example..", -EINVAL, "without empty labels" },
	{ "bl_x.example", -EINVAL,
	  "bad DNSBL zone \"bl_x.example\": expected a domain name of letters, digits, \"-\" and dots" },
	{ "bl.exa/mple", -EINVAL, "letters, digits" },
	{ "bl.ex\xc3\xa4mple", -EINVAL, "letters, digits" },
	{ "-bl.example", -EINVAL, "labels that do not start with \"-\"" },
	{ "bl-.example", -EINVAL, "labels that do not end with \"-\"" },
	{ "bl.example-", -EINVAL, "labels that do not end with \"-\"" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
	  -EINVAL, "labels of at most 63 characters" },
	{ "127.0.0.1", -EINVAL, "not an address" },
	{ "bl.example.123", -EINVAL, "not an address" },
	{ "a.example b..example", -EINVAL, "bad DNSBL zone \"b..example\"" },
	{ "b..example=127.0.0.2*3", -EINVAL,
	  "bad DNSBL zone \"b..example\" in \"b..example=127.0.0.2*3\": expected a domain name without empty labels" },
	{ "bl_x*3", -EINVAL, "bad DNSBL zone \"bl_x\" in \"bl_x*3\"" },
	/* filter shape */
	{ "bl.example=", -EINVAL,
	  "bad filter in \"bl.example=\": expected four octet patterns separated by dots, e.g. 127.0.0.[2..11]" },
	{ "bl.example=*2", -EINVAL, "bad filter in \"bl.example=*2\": expected four" },
	{ "bl.example=127.0.0", -EINVAL, "expected four octet patterns" },
	{ "bl.example=127.0.0.2.1", -EINVAL, "expected four octet patterns" },
	{ "bl.example=127.0.0.", -EINVAL, "expected four octet patterns" },
	{ "bl.example=.127.0.0", -EINVAL, "expected four octet patterns" },
	{ "bl.example=127..0.2", -EINVAL, "expected four octet patterns" },
	{ "bl.example=[127.0.0.2]", -EINVAL, "bad filter in \"bl.example=[127.0.0.2]\"" },
	/* filter numbers */
	{ "bl.example=127.0.0.256", -EINVAL,
	  "bad filter in \"bl.example=127.0.0.256\": expected a number from 0 to 255 (no leading zeros) or a [...] list (octet 4 \"256\")" },
	{ "bl.example=1270.0.0.2", -EINVAL, "(octet 1 \"1270\")" },
	{ "bl.example=127.0.00.2", -EINVAL, "(octet 3 \"00\")" },
	{ "bl.example=127.0.0.02", -EINVAL, "(octet 4 \"02\")" },
	{ "bl.example=127.0.0.x", -EINVAL, "(octet 4 \"x\")" },
	{ "bl.example=127.0.0.-1", -EINVAL, "(octet 4 \"-1\")" },
	{ "bl.example=127.0.0.+2", -EINVAL, "(octet 4 \"+2\")" },
	{ "bl.example=127.0.0.2[3]", -EINVAL, "(octet 4 \"2[3]\")" },
	{ "bl.example=127.0.0.2]", -EINVAL, "(octet 4 \"2]\")" },
	{ "bl.example=127.0.0.99999999999", -EINVAL, "(octet 4 \"99999999999\")" },
	/* filter lists and ranges */
	{ "bl.example=127.0.0.[2..]", -EINVAL,
	  "bad filter in \"bl.example=127.0.0.[2..]\": expected [n..m] with n <= m <= 255" },
	{ "bl.example=127.0.0.[11..2]", -EINVAL, "expected [n..m] with n <= m <= 255 (octet 4 \"[11..2]\")" },
	{ "bl.example=127.0.0.[2..256]", -EINVAL, "expected [n..m] with n <= m <= 255" },
	{ "bl.example=127.0.0.[2..x]", -EINVAL, "expected [n..m]" },
	{ "bl.example=127.0.[0..255.1", -EINVAL,
	  "expected numbers or n..m ranges separated by \";\" inside [...] (octet 3 \"[0..255.1\")" },
	{ "bl.example=127.0.0.[]", -EINVAL, "inside [...] (octet 4 \"[]\")" },
	{ "bl.example=127.0.0.[", -EINVAL, "inside [...] (octet 4 \"[\")" },
	{ "bl.example=127.0.0.[..2]", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[1;]", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[;1]", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[1,2]", -EINVAL, "(octet 4 \"[1\")" }, /* "," splits */
	{ "bl.example=127.0.0.[1:2]", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[1...2]", -EINVAL, "expected [n..m]" },
	{ "bl.example=127.0.0.[1..2..3]", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[1.2]", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[01]", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[[1]]", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[1]x", -EINVAL, "inside [...]" },
	{ "bl.example=127.0.0.[1;2", -EINVAL, "inside [...] (octet 4 \"[1;2\")" },
	{ "bl.example=127.0.0.2=3", -EINVAL, "(octet 4 \"2=3\")" },
	/* weight */
	{ "bl.example*", -EINVAL,
	  "bad weight \"\" in \"bl.example*\": expected a whole number from -1000000 to 1000000" },
	{ "bl.example*-", -EINVAL, "bad weight \"-\"" },
	{ "bl.example*+", -EINVAL, "bad weight \"+\"" },
	{ "bl.example*x", -EINVAL, "bad weight \"x\"" },
	{ "bl.example*3x", -EINVAL, "bad weight \"3x\"" },
	{ "bl.example*03", -EINVAL, "bad weight \"03\"" },
	{ "bl.example*1.5", -EINVAL, "bad weight \"1.5\"" },
	{ "bl.example*--1", -EINVAL, "bad weight \"--1\"" },
	{ "bl.example*3*4", -EINVAL, "bad weight \"3*4\"" },
	{ "bl.example*3=127.0.0.2", -EINVAL, "bad weight \"3=127.0.0.2\"" },
	{ "bl.example*1000001", -ERANGE, "bad weight \"1000001\"" },
	{ "bl.example*-1000001", -ERANGE, "bad weight \"-1000001\"" },
	{ "bl.example*99999999999999999999999", -ERANGE, "from -1000000 to 1000000" },
	/* the first bad site is the one named */
	{ "a.example b.example=127.0.0.[2..] c.example*x", -EINVAL,
	  "bad filter in \"b.example=127.0.0.[2..]\"" },
};

static void test_parse_errors(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(error_cases); i++) {
		const char *name = error_cases[i].in;
		struct dnsbl_sites s;
		char err[512] = "";
		int rc;

		memset(&s, 0xa5, sizeof(s));
		rc = dnsbl_sites_parse(error_cases[i].in, &s, err, sizeof(err));
		CHECK_INT(name, "rc", rc, error_cases[i].rc);
		CHECK(err[0] != '\0', "case %s: err: got \"\", want a message",
		      name);
		CHECK_CONTAINS(name, "err", err, error_cases[i].err);
		CHECK_UINT(name, "nr_sites untouched", s.nr_sites, 0xa5a5a5a5u);
	}
	CHECK_DONE();
}

/* Leaves junk where the parser's locals will be. */
static void __attribute__((noinline)) dirty_stack(void)
{
	volatile char junk[8192];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 'J';
}

/*
 * The table is the same for the same text, byte for byte: the daemon
 * compares the old and the new sites with memcmp() on reload, and drops
 * its whole cache when they differ.  (fuzz_config found stack bytes after
 * a zone's NUL: an unchanged dnsbl_sites setting looked changed.)
 */
static void test_parse_deterministic(void **state)
{
	static struct dnsbl_sites a, b;
	const char *text = "zen.example=127.0.0.[2..11]*3, bl.example";
	char err[256];
	size_t i, len;

	memset(&a, 0xa5, sizeof(a));
	memset(&b, 0x5a, sizeof(b));
	dirty_stack();
	CHECK_INT("deterministic", "rc a", dnsbl_sites_parse(text, &a, err,
							      sizeof(err)), 0);
	dirty_stack();
	CHECK_INT("deterministic", "rc b", dnsbl_sites_parse(text, &b, err,
							      sizeof(err)), 0);
	CHECK(!memcmp(&a, &b, sizeof(a)), "case deterministic: two parses of "
	      "the same text differ");
	len = strlen(a.zone[0]);
	for (i = len; i < DNSBL_ZONE_LEN; i++)
		if (a.zone[0][i]) {
			CHECK(0, "case deterministic: zone[0][%zu] is %#x after "
			      "the NUL, want 0", i, (unsigned char)a.zone[0][i]);
			break;
		}
	CHECK_DONE();
}

/* dnsbl_sites_equal(): the daemon's "did the sites change" on SIGHUP. */
static void test_equal(void **state)
{
	static const struct {
		const char *a, *b;
		bool want;
	} cases[] = {
		{ "", "", true },
		{ "zen.example*2, bl.example", "zen.example*2 bl.example", true },
		{ "zen.example", "ZEN.example", false }, /* the text differs */
		{ "zen.example*2", "zen.example*3", false },
		{ "zen.example=127.0.0.2", "zen.example=127.0.0.3", false },
		{ "zen.example=127.0.0.2", "zen.example", false },
		{ "a.example b.example", "b.example a.example", false },
		{ "a.example", "a.example a.example*2", false },
		{ "a.example", "", false },
	};
	static struct dnsbl_sites a, b;
	char err[256], name[128];

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		/* different garbage beneath: only members may count */
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0x5a, sizeof(b));
		assert_int_equal(dnsbl_sites_parse(cases[i].a, &a, err, sizeof(err)), 0);
		assert_int_equal(dnsbl_sites_parse(cases[i].b, &b, err, sizeof(err)), 0);
		snprintf(name, sizeof(name), "\"%s\" vs \"%s\"", cases[i].a,
			 cases[i].b);
		CHECK_INT(name, "equal", dnsbl_sites_equal(&a, &b), cases[i].want);
		CHECK_INT(name, "equal, swapped", dnsbl_sites_equal(&b, &a),
			  cases[i].want);
	}
	CHECK_DONE();
}

/* Lengths, counts and the spec text: built, not written out. */
static void test_parse_limits(void **state)
{
	char zone[300], text[1024], err[512], want[300];
	struct dnsbl_sites s;
	unsigned int i;
	size_t n;
	int rc;

	/* 189 characters: the longest zone, whose IPv6 query names still fit
	 * in 253; 190 with the trailing dot too.  (fuzz_dnsbl_sites found
	 * that zones of 190 to 253 were accepted and never queried.) */
	long_name(zone, 189);
	rc = dnsbl_sites_parse(zone, &s, err, sizeof(err));
	CHECK_INT("zone 189", "rc", rc, 0);
	if (rc == 0)
		CHECK_STR("zone 189", "zone", s.zone[0], zone);
	snprintf(text, sizeof(text), "%s.", zone);
	rc = dnsbl_sites_parse(text, &s, err, sizeof(err));
	CHECK_INT("zone 189 + dot", "rc", rc, 0);
	if (rc == 0)
		CHECK_STR("zone 189 + dot", "zone", s.zone[0], zone);
	if (rc == 0) {
		uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
		char qname[DNSBL_QNAME_LEN];

		rc = dnsbl_query_name(MXS_FAMILY_V6, v6, s.zone[0], qname,
				      sizeof(qname));
		CHECK_INT("zone 189", "v6 query name", rc, 0);
	}
	long_name(zone, 190);
	rc = dnsbl_sites_parse(zone, &s, err, sizeof(err));
	CHECK_INT("zone 190", "rc", rc, -EINVAL);
	CHECK_CONTAINS("zone 190", "err", err, "at most 189 characters");
	CHECK_CONTAINS("zone 190", "err", err, zone_help);
	long_name(zone, 253);
	rc = dnsbl_sites_parse(zone, &s, err, sizeof(err));
	CHECK_INT("zone 253", "rc", rc, -EINVAL);

	/* DNSBL_MAX_SITES fit, one more does not */
	for (i = 0, n = 0; i < DNSBL_MAX_SITES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "z%u.example ", i);
	rc = dnsbl_sites_parse(text, &s, err, sizeof(err));
	CHECK_INT("max sites", "rc", rc, 0);
	CHECK_UINT("max sites", "nr_sites", s.nr_sites, DNSBL_MAX_SITES);
	CHECK_UINT("max sites", "nr_zones", s.nr_zones, DNSBL_MAX_SITES);
	CHECK_STR("max sites", "last zone", s.zone[DNSBL_MAX_SITES - 1],
		  "z31.example");
	snprintf(text + n, sizeof(text) - n, "one.more.example");
	memset(&s, 0xa5, sizeof(s));
	rc = dnsbl_sites_parse(text, &s, err, sizeof(err));
	CHECK_INT("max sites + 1", "rc", rc, -ERANGE);
	CHECK_CONTAINS("max sites + 1", "err", err,
		       "too many DNSBL sites at \"one.more.example\": at most 32");
	CHECK_UINT("max sites + 1", "untouched", s.nr_sites, 0xa5a5a5a5u);
	/* 32 sites of one zone are fine too */
	for (i = 0, n = 0; i < DNSBL_MAX_SITES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "z.example=127.0.0.%u ", i);
	rc = dnsbl_sites_parse(text, &s, err, sizeof(err));
	CHECK_INT("max sites one zone", "rc", rc, 0);
	CHECK_UINT("max sites one zone", "nr_zones", s.nr_zones, 1);

	/* spec: the text as configured, case kept, cut to fit */
	parse_ok("spec", " Zen.Example=127.0.0.[2..11]*3 ,wl.example*-2", &s);
	CHECK_STR("spec", "spec[0]", s.site[0].spec,
		  "Zen.Example=127.0.0.[2..11]*3");
	CHECK_STR("spec", "spec[1]", s.site[1].spec, "wl.example*-2");
	CHECK_STR("spec", "zone[0]", s.zone[0], "zen.example");
	long_name(zone, 180);
	snprintf(text, sizeof(text), "%s=127.0.[0..255].[1;3..5]*-1000", zone);
	parse_ok("long spec", text, &s);
	CHECK_UINT("long spec", "strlen", strlen(s.site[0].spec),
		   MXS_SITE_SPEC_LEN - 1);
	memcpy(want, text, MXS_SITE_SPEC_LEN - 1);
	want[MXS_SITE_SPEC_LEN - 1] = '\0';
	CHECK_STR("long spec", "spec", s.site[0].spec, want);
	CHECK_INT("long spec", "weight", s.site[0].weight, -1000);

	/* no text, no error buffer */
	CHECK_INT("NULL text", "rc", dnsbl_sites_parse(NULL, &s, NULL, 0),
		  -EINVAL);
	CHECK_INT("NULL err", "rc", dnsbl_sites_parse("a..b", &s, NULL, 0),
		  -EINVAL);
	CHECK_DONE();
}

/* ---- filters ------------------------------------------------------------- */

static const struct {
	const char *site;
	const char *answer;
	bool want;
} match_cases[] = {
	{ "a.example", "127.0.0.2", true },
	{ "a.example", "10.0.0.1", true }, /* no filter: anything */
	{ "a.example=127.0.0.2", "127.0.0.2", true },
	{ "a.example=127.0.0.2", "127.0.0.3", false },
	{ "a.example=127.0.0.2", "2.0.0.127", false }, /* byte order */
	{ "a.example=127.0.0.2", "127.0.1.2", false },
	{ "a.example=127.0.0.[2..11]", "127.0.0.1", false },
	{ "a.example=127.0.0.[2..11]", "127.0.0.2", true },
	{ "a.example=127.0.0.[2..11]", "127.0.0.11", true },
	{ "a.example=127.0.0.[2..11]", "127.0.0.12", false },
	{ "a.example=127.0.[0..255].[1;3]", "127.0.0.1", true },
	{ "a.example=127.0.[0..255].[1;3]", "127.0.255.3", true },
	{ "a.example=127.0.[0..255].[1;3]", "127.0.17.2", false },
	{ "a.example=127.0.0.[1;3..5]", "127.0.0.1", true },
	{ "a.example=127.0.0.[1;3..5]", "127.0.0.2", false },
	{ "a.example=127.0.0.[1;3..5]", "127.0.0.4", true },
	{ "a.example=127.0.0.[1;3..5]", "127.0.0.6", false },
	{ "a.example=0.0.0.0", "0.0.0.0", true },
	{ "a.example=0.0.0.0", "0.0.0.1", false },
	{ "a.example=255.255.255.255", "255.255.255.255", true },
	{ "a.example=255.255.255.255", "255.255.255.254", false },
	{ "a.example=[0..255].[0..255].[0..255].[0..255]", "0.0.0.0", true },
	{ "a.example=[0..255].[0..255].[0..255].[0..255]", "255.255.255.255", true },
	{ "a.example=127.0.0.[0;255]", "127.0.0.0", true },
	{ "a.example=127.0.0.[0;255]", "127.0.0.255", true },
	{ "a.example=127.0.0.[0;255]", "127.0.0.128", false },
	{ "a.example=[126..128].0.0.[7;8;15..16]", "128.0.0.16", true },
	{ "a.example=[126..128].0.0.[7;8;15..16]", "125.0.0.16", false },
	{ "a.example=[126..128].0.0.[7;8;15..16]", "126.0.0.9", false },
};

static void test_match(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(match_cases); i++) {
		char name[128];
		struct dnsbl_sites s;

		snprintf(name, sizeof(name), "%s ? %s", match_cases[i].site,
			 match_cases[i].answer);
		parse_ok(name, match_cases[i].site, &s);
		CHECK_INT(name, "match",
			  dnsbl_site_match(&s.site[0],
					   ip4(match_cases[i].answer)),
			  match_cases[i].want);
	}
	CHECK_DONE();
}

/* ---- query names --------------------------------------------------------- */

#define V6_1 "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"

static const struct {
	const char *name;
	const char *addr; /* IPv4 or IPv6 text */
	const char *zone;
	size_t len;       /* 0: DNSBL_QNAME_LEN */
	int rc;
	const char *want;
} qname_cases[] = {
	{ "v4", "198.51.100.7", "zen.example", 0, 0,
	  "7.100.51.198.zen.example" },
	{ "v4 zeros", "0.0.0.0", "z.example", 0, 0, "0.0.0.0.z.example" },
	{ "v4 255", "255.255.255.255", "z.example", 0, 0,
	  "255.255.255.255.z.example" },
	{ "v4 testpoint", "127.0.0.2", "z.example", 0, 0,
	  "2.0.0.127.z.example" },
	{ "v6", "2001:db8::1", "zone", 0, 0, V6_1 ".zone" },
	{ "v6 hex lower case", "2001:DB8:ABCD:EF01:2345:6789:AbCd:eF0f",
	  "z.example", 0, 0,
	  "f.0.f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.0.f.e.d.c.b.a.8.b.d.0.1.0.0.2.z.example" },
	{ "v6 ::", "::", "z", 0, 0,
	  "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.z" },
	{ "v4 exact fit", "1.2.3.4", "z.example", sizeof("4.3.2.1.z.example"),
	  0, "4.3.2.1.z.example" },
	{ "v4 one short", "1.2.3.4", "z.example",
	  sizeof("4.3.2.1.z.example") - 1, -ENAMETOOLONG, "" },
	{ "v6 exact fit", "2001:db8::1", "zone", sizeof(V6_1 ".zone"), 0,
	  V6_1 ".zone" },
	{ "v6 one short", "2001:db8::1", "zone", sizeof(V6_1 ".zone") - 1,
	  -ENAMETOOLONG, "" },
	{ "v4 len 1", "1.2.3.4", "z.example", 1, -ENAMETOOLONG, "" },
};

static void test_query_name(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(qname_cases); i++) {
		const char *name = qname_cases[i].name;
		char buf[DNSBL_QNAME_LEN];
		uint8_t addr[16] = { 0 };
		uint8_t family = MXS_FAMILY_V4;
		size_t len = qname_cases[i].len ? qname_cases[i].len
						: sizeof(buf);
		int rc;

		if (strchr(qname_cases[i].addr, ':')) {
			family = MXS_FAMILY_V6;
			CHECK(inet_pton(AF_INET6, qname_cases[i].addr, addr) == 1,
			      "case %s: test bug", name);
		} else {
			CHECK(inet_pton(AF_INET, qname_cases[i].addr, addr) == 1,
			      "case %s: test bug", name);
		}
		memset(buf, 'X', sizeof(buf));
		rc = dnsbl_query_name(family, addr, qname_cases[i].zone, buf,
				      len);
		CHECK_INT(name, "rc", rc, qname_cases[i].rc);
		CHECK_STR(name, "name", buf, qname_cases[i].want);
		CHECK(buf[len - 1] == '\0' || strlen(buf) < len,
		      "case %s: got a name that overruns %zu bytes", name, len);
	}
	CHECK_DONE();
}

/* Names over DNS's 253 characters are refused even when the buffer is
 * big enough; the longest zones that fit are accepted. */
static void test_query_name_limits(void **state)
{
	uint8_t v4[16] = { 198, 51, 100, 7 }, v6[16] = { 0x20, 0x01 };
	char zone[300], buf[DNSBL_QNAME_LEN], want[DNSBL_QNAME_LEN];
	int rc;

	long_name(zone, 253 - 16);
	rc = dnsbl_query_name(MXS_FAMILY_V4, v4, zone, buf, sizeof(buf));
	CHECK_INT("v4 long zone", "rc", rc, 0);
	snprintf(want, sizeof(want), "7.100.51.198.%s", zone);
	CHECK_STR("v4 long zone", "name", buf, want);
	long_name(zone, 253 - 13); /* "7.100.51.198." is 13 */
	rc = dnsbl_query_name(MXS_FAMILY_V4, v4, zone, buf, sizeof(buf));
	CHECK_INT("v4 zone to 253", "rc", rc, 0);
	CHECK_UINT("v4 zone to 253", "strlen", strlen(buf), 253);
	long_name(zone, 253 - 12);
	rc = dnsbl_query_name(MXS_FAMILY_V4, v4, zone, buf, sizeof(buf));
	CHECK_INT("v4 zone to 254", "rc", rc, -ENAMETOOLONG);
	CHECK_STR("v4 zone to 254", "name", buf, "");

	long_name(zone, 253 - 64);
	rc = dnsbl_query_name(MXS_FAMILY_V6, v6, zone, buf, sizeof(buf));
	CHECK_INT("v6 zone to 253", "rc", rc, 0);
	CHECK_UINT("v6 zone to 253", "strlen", strlen(buf), 253);
	long_name(zone, 253 - 63);
	rc = dnsbl_query_name(MXS_FAMILY_V6, v6, zone, buf, sizeof(buf));
	CHECK_INT("v6 zone to 254", "rc", rc, -ENAMETOOLONG);
	long_name(zone, 253);
	rc = dnsbl_query_name(MXS_FAMILY_V6, v6, zone, buf, sizeof(buf));
	CHECK_INT("v6 zone 253", "rc", rc, -ENAMETOOLONG);

	rc = dnsbl_query_name(5, v4, "z.example", buf, sizeof(buf));
	CHECK_INT("bad family", "rc", rc, -EINVAL);
	CHECK_STR("bad family", "name", buf, "");
	rc = dnsbl_query_name(MXS_FAMILY_V4, v4, "z.example", buf, 0);
	CHECK_INT("len 0", "rc", rc, -ENAMETOOLONG);
	CHECK_DONE();
}

/* ---- answers ------------------------------------------------------------- */

static const struct {
	const char *answers;
	enum dnsbl_answer_kind want;
} classify_cases[] = {
	{ "127.0.0.2", DNSBL_ANSWER_LISTED },
	{ "127.0.0.0", DNSBL_ANSWER_LISTED },
	{ "127.255.254.255", DNSBL_ANSWER_LISTED },
	{ "127.0.0.2 127.0.0.4 127.0.0.10", DNSBL_ANSWER_LISTED },
	{ "127.255.255.254", DNSBL_ANSWER_REFUSED },
	{ "127.255.255.0", DNSBL_ANSWER_REFUSED },
	{ "127.255.255.255", DNSBL_ANSWER_REFUSED },
	{ "127.0.0.2 127.255.255.252", DNSBL_ANSWER_REFUSED },
	{ "10.0.0.1", DNSBL_ANSWER_BOGUS },
	{ "126.255.255.254", DNSBL_ANSWER_BOGUS },
	{ "128.0.0.2", DNSBL_ANSWER_BOGUS },
	{ "0.0.0.0", DNSBL_ANSWER_BOGUS },
	{ "2.0.0.127", DNSBL_ANSWER_BOGUS }, /* byte order */
	{ "127.0.0.2 10.0.0.1", DNSBL_ANSWER_BOGUS },
	{ "10.0.0.1 127.0.0.2", DNSBL_ANSWER_BOGUS },
	{ "10.0.0.1 127.255.255.254", DNSBL_ANSWER_REFUSED }, /* wins */
	{ "127.255.255.254 10.0.0.1", DNSBL_ANSWER_REFUSED },
	{ "", DNSBL_ANSWER_BOGUS }, /* no records: never a listing */
};

static void test_classify(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(classify_cases); i++) {
		const char *name = classify_cases[i].answers;
		uint32_t a[DNSBL_MAX_ANSWERS];
		unsigned int n = ip4_list(name, a, DNSBL_MAX_ANSWERS);

		CHECK_INT(name, "kind", dnsbl_answer_classify(a, n),
			  classify_cases[i].want);
	}
	CHECK_DONE();
}

/* ---- scoring ------------------------------------------------------------- */

#define MAX_TEST_ZONES 4

static const struct {
	const char *name;
	const char *sites;
	struct {
		bool listed;
		const char *a;
		uint32_t ttl;
	} zone[MAX_TEST_ZONES]; /* by zone index */
	int score;
	const char *hits; /* dnsbl_format_hit() of each, space separated */
	uint32_t ttl;
} score_cases[] = {
	{ "nothing configured", "", { { 0 } }, 0, "", 0 },
	{ "single site listed", "zen.example",
	  { { true, "127.0.0.2 127.0.0.4 127.0.0.10", 60 } }, 1,
	  "zen.example=127.0.0.2*1", 60 },
	{ "not listed", "zen.example", { { false, NULL, 60 } }, 0, "", 0 },
	{ "listed flag off wins over records", "zen.example",
	  { { false, "127.0.0.2", 60 } }, 0, "", 0 },
	{ "repeated site counts twice", "zen.example, zen.example",
	  { { true, "127.0.0.2", 60 } }, 2,
	  "zen.example=127.0.0.2*1 zen.example=127.0.0.2*1", 60 },
	{ "weight first", "zen.example*3, zen.example",
	  { { true, "127.0.0.2 127.0.0.4 127.0.0.10", 60 } }, 4,
	  "zen.example=127.0.0.2*3 zen.example=127.0.0.2*1", 60 },
	{ "filter picks its record", "zen.example=127.0.0.10*3, zen.example",
	  { { true, "127.0.0.2 127.0.0.4 127.0.0.10", 60 } }, 4,
	  "zen.example=127.0.0.10*3 zen.example=127.0.0.2*1", 60 },
	{ "filter no match", "zen.example=127.0.0.[10..11]*3",
	  { { true, "127.0.0.2 127.0.0.4", 60 } }, 0, "", 0 },
	{ "add and subtract",
	  "zen.example=127.0.0.[1..255]*3, zen.example=127.0.0.3*-1",
	  { { true, "127.0.0.3 127.0.0.10", 60 } }, 2,
	  "zen.example=127.0.0.3*3 zen.example=127.0.0.3*-1", 60 },
	{ "add, not subtract",
	  "zen.example=127.0.0.[1..255]*3, zen.example=127.0.0.3*-1",
	  { { true, "127.0.0.10", 60 } }, 3, "zen.example=127.0.0.10*3", 60 },
	{ "listed by both", "zen.example, foo.example",
	  { { true, "127.0.0.10", 60 }, { true, "127.0.0.10", 60 } }, 2,
	  "zen.example=127.0.0.10*1 foo.example=127.0.0.10*1", 60 },
	{ "listed by first", "zen.example, foo.example",
	  { { true, "127.0.0.10", 61 }, { false, NULL, 62 } }, 1,
	  "zen.example=127.0.0.10*1", 61 },
	{ "listed by last", "zen.example, foo.example",
	  { { false, NULL, 61 }, { true, "127.0.0.10", 62 } }, 1,
	  "foo.example=127.0.0.10*1", 62 },
	{ "dnswl beats a blocklist",
	  "wl.example=127.0.[0..255].[1..3]*-2, foo.example",
	  { { true, "127.0.5.2", 61 }, { true, "127.0.0.10", 62 } }, -1,
	  "wl.example=127.0.5.2*-2 foo.example=127.0.0.10*1", 61 },
	{ "dnswl filter misses",
	  "wl.example=127.0.[0..255].[1..3]*-2, foo.example",
	  { { true, "127.0.5.0", 61 }, { true, "127.0.0.10", 62 } }, 1,
	  "foo.example=127.0.0.10*1", 62 },
	{ "same zone, several filters, and other zones",
	  "zen.example=127.0.0.[2..3]*3 bl.example zen.example=127.0.0.[10;11]*2 zen.example=127.0.0.4*5",
	  { { true, "127.0.0.11 127.0.0.3", 300 }, { true, "127.0.0.2", 30 } },
	  6, "zen.example=127.0.0.3*3 bl.example=127.0.0.2*1 zen.example=127.0.0.11*2",
	  30 },
	{ "site without filter takes the first record",
	  "zen.example zen.example=127.0.0.4",
	  { { true, "127.0.0.9 127.0.0.4", 60 } }, 2,
	  "zen.example=127.0.0.9*1 zen.example=127.0.0.4*1", 60 },
	{ "weight 0: a hit, no score, no ttl",
	  "watch.example*0 zen.example",
	  { { true, "127.0.0.2", 10 }, { true, "127.0.0.2", 600 } }, 1,
	  "watch.example=127.0.0.2*0 zen.example=127.0.0.2*1", 600 },
	{ "only weight 0: ttl 0", "watch.example*0",
	  { { true, "127.0.0.2", 10 } }, 0, "watch.example=127.0.0.2*0", 0 },
	{ "ttl: smallest contributing zone",
	  "a.example b.example*-1 c.example d.example=127.0.0.9",
	  { { true, "127.0.0.2", 900 }, { true, "127.0.0.2", 500 },
	    { false, NULL, 5 }, { true, "127.0.0.2", 1 } },
	  0, "a.example=127.0.0.2*1 b.example=127.0.0.2*-1", 500 },
	{ "ttl 0 of a contributing zone", "a.example b.example",
	  { { true, "127.0.0.2", 0 }, { true, "127.0.0.2", 50 } }, 2,
	  "a.example=127.0.0.2*1 b.example=127.0.0.2*1", 0 },
	{ "hits stop at 8, the score does not",
	  "z.example z.example*2 z.example*3 z.example*4 z.example*5 z.example*6 z.example*7 z.example*8 z.example*9 z.example*10",
	  { { true, "127.0.0.2", 60 } }, 55,
	  "z.example=127.0.0.2*1 z.example=127.0.0.2*2 z.example=127.0.0.2*3 z.example=127.0.0.2*4 z.example=127.0.0.2*5 z.example=127.0.0.2*6 z.example=127.0.0.2*7 z.example=127.0.0.2*8",
	  60 },
	{ "big weights", "a.example*1000000 b.example*-1000000 c.example*1000000",
	  { { true, "127.0.0.2", 1 }, { true, "127.0.0.2", 2 },
	    { true, "127.0.0.2", 3 } },
	  1000000,
	  "a.example=127.0.0.2*1000000 b.example=127.0.0.2*-1000000 c.example=127.0.0.2*1000000",
	  1 },
	{ "listed with no records", "a.example", { { true, "", 60 } }, 0, "",
	  0 },
};

static void test_score(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(score_cases); i++) {
		const char *name = score_cases[i].name;
		struct dnsbl_zone_answer ans[DNSBL_MAX_SITES];
		struct mxs_dnsbl_hit hits[MXS_DNSBL_MAX_HITS + 1];
		char got[1024] = "", one[300];
		struct dnsbl_sites s;
		uint8_t nr_hits = 0xff;
		uint32_t ttl = 0xdeadbeef;
		unsigned int z, h;
		size_t n = 0;
		int score;

		parse_ok(name, score_cases[i].sites, &s);
		memset(ans, 0, sizeof(ans));
		for (z = 0; z < MAX_TEST_ZONES; z++) {
			ans[z].listed = score_cases[i].zone[z].listed;
			ans[z].nr = ip4_list(score_cases[i].zone[z].a, ans[z].a,
					     DNSBL_MAX_ANSWERS);
			ans[z].ttl = score_cases[i].zone[z].ttl;
		}
		memset(hits, 0xa5, sizeof(hits));
		score = dnsbl_score(&s, ans, hits, &nr_hits, &ttl);
		CHECK_INT(name, "score", score, score_cases[i].score);
		CHECK_UINT(name, "ttl", ttl, score_cases[i].ttl);
		CHECK(nr_hits <= MXS_DNSBL_MAX_HITS,
		      "case %s: nr_hits: got %u, want at most %u", name,
		      nr_hits, MXS_DNSBL_MAX_HITS);
		for (h = 0; h < nr_hits && h < MXS_DNSBL_MAX_HITS; h++) {
			dnsbl_format_hit(&s, &hits[h], one, sizeof(one));
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
					      h ? " " : "", one);
			CHECK(hits[h].pad[0] == 0 && hits[h].pad[1] == 0 &&
				      hits[h].pad[2] == 0,
			      "case %s: hit %u pad: got non-zero, want 0",
			      name, h);
		}
		CHECK_STR(name, "hits", got, score_cases[i].hits);
		CHECK_UINT(name, "hits[8] untouched", hits[MXS_DNSBL_MAX_HITS].site,
			   0xa5);
	}
	CHECK_DONE();
}

/* The site index of a hit, and optional outputs. */
static void test_score_details(void **state)
{
	struct dnsbl_zone_answer ans[2] = {
		{ .listed = false },
		{ .listed = true, .nr = 1, .ttl = 42 },
	};
	struct mxs_dnsbl_hit hits[MXS_DNSBL_MAX_HITS];
	struct dnsbl_sites s;
	uint8_t nr = 0;
	uint32_t ttl = 0;

	ans[1].a[0] = ip4("127.0.0.4");
	parse_ok("details", "a.example b.example=127.0.0.[3..4]*7", &s);
	CHECK_INT("details", "score", dnsbl_score(&s, ans, hits, &nr, &ttl), 7);
	CHECK_UINT("details", "nr_hits", nr, 1);
	CHECK_UINT("details", "site", hits[0].site, 1);
	CHECK_UINT("details", "answer", hits[0].answer, ip4("127.0.0.4"));
	CHECK_UINT("details", "ttl", ttl, 42);
	CHECK_INT("no outputs", "score", dnsbl_score(&s, ans, NULL, NULL, NULL),
		  7);
	CHECK_DONE();
}

/* ---- ttl and log form ---------------------------------------------------- */

static void test_clamp_ttl(void **state)
{
	static const struct {
		const char *name;
		uint64_t ttl, min, max, want;
	} cases[] = {
		{ "inside", 300, 60, 3600, 300 },
		{ "below", 5, 60, 3600, 60 },
		{ "zero", 0, 60, 3600, 60 },
		{ "above", 86400, 60, 3600, 3600 },
		{ "at min", 60, 60, 3600, 60 },
		{ "at max", 3600, 60, 3600, 3600 },
		{ "huge", UINT64_MAX, 60, 3600, 3600 },
		{ "min == max", 7, 100, 100, 100 },
		{ "no bounds", 12345, 0, UINT64_MAX, 12345 },
		{ "min over max: max wins", 5, 100, 50, 50 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++)
		CHECK_UINT(cases[i].name, "ttl",
			   dnsbl_clamp_ttl(cases[i].ttl, cases[i].min,
					   cases[i].max),
			   cases[i].want);
	CHECK_DONE();
}

static void test_format_hit(void **state)
{
	static const struct {
		const char *name;
		unsigned int site;
		const char *answer;
		size_t len;
		const char *want;
	} cases[] = {
		{ "weight", 0, "127.0.0.4", 64, "zen.example=127.0.0.4*3" },
		{ "default weight", 1, "127.0.0.2", 64, "bl.example=127.0.0.2*1" },
		{ "negative", 2, "127.0.5.2", 64, "wl.example=127.0.5.2*-5" },
		{ "same zone", 3, "127.0.0.255", 64,
		  "zen.example=127.0.0.255*0" },
		{ "unknown site", 4, "127.0.0.2", 64, "?=127.0.0.2*0" },
		{ "cut", 0, "127.0.0.4", 12, "zen.example" },
		{ "len 1", 0, "127.0.0.4", 1, "" },
	};
	struct dnsbl_sites s;
	size_t i;

	parse_ok("format", "ZEN.example*3 bl.example wl.example=127.0.[0..255].2*-5 zen.example*0",
		 &s);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct mxs_dnsbl_hit hit = { .site = (uint8_t)cases[i].site };
		char buf[64];

		hit.answer = ip4(cases[i].answer);
		memset(buf, 'X', sizeof(buf));
		dnsbl_format_hit(&s, &hit, buf, cases[i].len);
		CHECK_STR(cases[i].name, "text", buf, cases[i].want);
	}
	/* len 0 writes nothing */
	{
		struct mxs_dnsbl_hit hit = { .site = 0 };
		char buf[4] = "abc";

		dnsbl_format_hit(&s, &hit, buf, 0);
		CHECK_STR("len 0", "text", buf, "abc");
	}
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_deterministic),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_query_name),
		cmocka_unit_test(test_query_name_limits),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_score_details),
		cmocka_unit_test(test_clamp_ttl),
		cmocka_unit_test(test_format_hit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
