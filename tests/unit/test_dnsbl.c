// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_dnsbl.c - dnsbl_answer_parse(): DNS replies as c-ares hands them to
 * the daemon's query callbacks, built byte by byte (dnsmsg.h), and what
 * the parser makes of them: the records, their smallest TTL, or "no
 * data", "malformed", "CNAME chain without an address".  One table,
 * "got X, want Y".  (The engine around it needs sockets and a resolver:
 * tests/e2e/test_dnsbl.sh and test_dns_faults.sh.)
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mxscreend/dnsbl.h"
#include "check.h"
#include "dnsmsg.h"

#define Q "7.100.51.198.zen.example"
#define A(addr, ttl) { NULL, DNSMSG_T_A, (ttl), (addr) }
#define CNAME(from, to) { (from), DNSMSG_T_CNAME, 300, (to) }

/* How a built reply is damaged before it is parsed. */
enum damage {
	WHOLE = 0,
	CUT_LAST, /* the last byte missing */
	CUT_HALF, /* half of it */
	EMPTY,	  /* no bytes at all */
};

static const struct {
	const char *name;
	uint16_t qtype;
	unsigned int rcode;
	struct dnsmsg_rr rrs[24]; /* ended by type 0 */
	int compress;
	enum damage damage;
	int want;	   /* return value */
	const char *addrs; /* "a,b": the records kept, in order */
	uint32_t ttl;
} cases[] = {
	{ "one record", DNSMSG_T_A, 0, { A("127.0.0.2", 300) }, 1, WHOLE, 1,
	  "127.0.0.2", 300 },
	{ "one record, name in full", DNSMSG_T_A, 0, { A("127.0.0.4", 60) }, 0,
	  WHOLE, 1, "127.0.0.4", 60 },
	{ "three records, smallest ttl", DNSMSG_T_A, 0,
	  { A("127.0.0.2", 900), A("127.0.0.10", 30), A("127.0.0.4", 3600) },
	  1, WHOLE, 3, "127.0.0.2,127.0.0.10,127.0.0.4", 30 },
	{ "ttl 0", DNSMSG_T_A, 0, { A("127.0.0.2", 0) }, 1, WHOLE, 1,
	  "127.0.0.2", 0 },
	{ "ttl with the top bit set counts as 0", DNSMSG_T_A, 0,
	  { A("127.0.0.2", 0x80000000u), A("127.0.0.3", 600) }, 1, WHOLE, 2,
	  "127.0.0.2,127.0.0.3", 0 },
	{ "records outside 127/8 are records", DNSMSG_T_A, 0,
	  { A("192.0.2.1", 300) }, 1, WHOLE, 1, "192.0.2.1", 300 },
	{ "twenty records: the first sixteen", DNSMSG_T_A, 0,
	  { A("127.0.0.1", 9), A("127.0.0.2", 9), A("127.0.0.3", 9),
	    A("127.0.0.4", 9), A("127.0.0.5", 9), A("127.0.0.6", 9),
	    A("127.0.0.7", 9), A("127.0.0.8", 9), A("127.0.0.9", 9),
	    A("127.0.0.10", 9), A("127.0.0.11", 9), A("127.0.0.12", 9),
	    A("127.0.0.13", 9), A("127.0.0.14", 9), A("127.0.0.15", 9),
	    A("127.0.0.16", 8), A("127.0.0.17", 1), A("127.0.0.18", 1),
	    A("127.0.0.19", 1), A("127.0.0.20", 1) },
	  1, WHOLE, DNSBL_MAX_ANSWERS,
	  "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,"
	  "127.0.0.7,127.0.0.8,127.0.0.9,127.0.0.10,127.0.0.11,127.0.0.12,"
	  "127.0.0.13,127.0.0.14,127.0.0.15,127.0.0.16",
	  8 },
	{ "no records: NODATA", DNSMSG_T_A, 0, { { 0 } }, 1, WHOLE, 0, "", 0 },
	{ "a TXT record only", DNSMSG_T_A, 0,
	  { { NULL, DNSMSG_T_TXT, 300, "listed" } }, 1, WHOLE, 0, "", 0 },
	{ "an AAAA record only", DNSMSG_T_A, 0,
	  { { NULL, DNSMSG_T_AAAA, 300, "::1" } }, 1, WHOLE, 0, "", 0 },
	{ "a record of another name", DNSMSG_T_A, 0,
	  { { "other.example", DNSMSG_T_A, 300, "127.0.0.2" } }, 1, WHOLE, 0,
	  "", 0 },
	{ "CNAME to an address", DNSMSG_T_A, 0,
	  { CNAME(Q, "t.zen.example"),
	    { "t.zen.example", DNSMSG_T_A, 120, "127.0.0.3" } },
	  1, WHOLE, 1, "127.0.0.3", 120 },
	{ "CNAME without an address", DNSMSG_T_A, 0,
	  { CNAME(Q, "t.zen.example") }, 1, WHOLE, -2, "", 0 },
	{ "CNAME loop", DNSMSG_T_A, 0,
	  { CNAME(Q, "t.zen.example"), CNAME("t.zen.example", Q) }, 1, WHOLE,
	  -2, "", 0 },
	{ "cut by one byte", DNSMSG_T_A, 0, { A("127.0.0.2", 300) }, 1,
	  CUT_LAST, -1, "", 0 },
	{ "cut in half", DNSMSG_T_A, 0, { A("127.0.0.2", 300) }, 1, CUT_HALF,
	  -1, "", 0 },
	{ "no bytes", DNSMSG_T_A, 0, { A("127.0.0.2", 300) }, 1, EMPTY, -1, "",
	  0 },
};

static void format_answers(const struct dnsbl_zone_answer *a, char *buf,
			   size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < a->nr && i < DNSBL_MAX_ANSWERS && pos < len;
	     i++) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &a->a[i], ip, sizeof(ip));
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
					i ? "," : "", ip);
	}
}

static void test_answer_parse(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct dnsbl_zone_answer ans, untouched;
		struct dnsmsg m;
		char got[512];
		size_t len;
		int n;

		len = dnsmsg_build(&m, Q, cases[i].qtype, cases[i].rcode,
				   cases[i].rrs, cases[i].compress);
		if (cases[i].damage == CUT_LAST)
			len--;
		else if (cases[i].damage == CUT_HALF)
			len /= 2;
		else if (cases[i].damage == EMPTY)
			len = 0;
		memset(&ans, 0xa5, sizeof(ans));
		untouched = ans;
		n = dnsbl_answer_parse(m.b, (int)len, &ans);
		CHECK_INT(cases[i].name, "n", n, cases[i].want);
		if (n <= 0) {
			CHECK(!memcmp(&ans, &untouched, sizeof(ans)),
			      "case %s: answer written", cases[i].name);
			continue;
		}
		CHECK_UINT(cases[i].name, "nr", ans.nr, n);
		format_answers(&ans, got, sizeof(got));
		CHECK_STR(cases[i].name, "records", got, cases[i].addrs);
		CHECK_UINT(cases[i].name, "ttl", ans.ttl, cases[i].ttl);
		CHECK(!memcmp(&ans.listed, &untouched.listed, sizeof(ans.listed)),
		      "case %s: listed written", cases[i].name);
	}
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_parse),
	};

	return cmocka_run_group_tests_name("dnsbl", tests, NULL, NULL);
}
