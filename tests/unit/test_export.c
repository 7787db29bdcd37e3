/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_export.c - unit tests of export.c: the reasons list, host names,
 * the TTL bounds, what stays out (127.0.0.0/8), the A values, one line per
 * kind of entry, and whole files byte for byte (order, test points,
 * header), plus a stream that fails.
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

#include "lib/export.h"
#include "check.h"

#define R(x) ((uint8_t)(1u << MXS_REASON_##x))
#define MX ((uint8_t)MXS_CLASS_BIT(MXS_CLASS_MX))
#define SUB ((uint8_t)MXS_CLASS_BIT(MXS_CLASS_SUBMISSION))
#define ALL ((uint8_t)MXS_CLASSES_ALL)

/* 2026-11-22T10:00:00Z */
#define T0 1795341600ull

static struct addr_cidr cidr_of(const char *text)
{
	struct addr_cidr c;
	char err[128];

	if (addr_parse_cidr(text, &c, err, sizeof(err)))
		fail_msg("bad test prefix %s: %s", text, err);
	return c;
}

static void test_parse_reasons(void **unused)
{
	static const struct {
		const char *text;
		int rc;
		uint8_t want;      /* rc == 0 */
		const char *error; /* rc != 0: part of the message */
	} cases[] = {
		{ "manual", 0, R(MANUAL), NULL },
		{ "manual,rate", 0, R(MANUAL) | R(RATE), NULL },
		{ "rate, manual", 0, R(MANUAL) | R(RATE), NULL },
		{ "dnsbl,\tlist,file", 0, R(DNSBL) | R(LIST) | R(FILE), NULL },
		{ "rate,rate", 0, R(RATE), NULL },
		{ "all", 0, R(MANUAL) | R(LIST) | R(DNSBL) | R(RATE) | R(FILE) |
				    R(POSTFIX) | R(ACCOUNT),
		  NULL },
		{ "", -EINVAL, 0, "unknown reason \"\"" },
		{ "none", -EINVAL, 0, "unknown reason \"none\"" },
		{ "Manual", -EINVAL, 0, "unknown reason \"Manual\"" },
		{ "manual,", -EINVAL, 0, "unknown reason \"\"" },
		{ "manual,,rate", -EINVAL, 0, "unknown reason \"\"" },
		{ "manual rate", -EINVAL, 0, "unknown reason \"manual rate\"" },
		{ "all,rate", -EINVAL, 0, "unknown reason \"all\"" },
		{ "rate ,manual", -EINVAL, 0, "expected a list of manual, list" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		uint8_t mask = 0xee;
		char err[160] = "";
		int rc = export_parse_reasons(cases[i].text, &mask, err,
					      sizeof(err));

		CHECK_INT(cases[i].text, "rc", rc, cases[i].rc);
		if (cases[i].rc == 0) {
			CHECK_UINT(cases[i].text, "mask", mask, cases[i].want);
		} else {
			CHECK_UINT(cases[i].text, "mask untouched", mask, 0xee);
			CHECK_CONTAINS(cases[i].text, "err", err, cases[i].error);
		}
	}
	CHECK_DONE();
}

static void test_format_reasons(void **unused)
{
	static const struct {
		uint8_t mask;
		const char *want;
	} cases[] = {
		{ 0, "none" },
		{ R(NONE), "none" },
		{ EXPORT_DEFAULT_REASONS, "manual,rate,postfix,account" },
		{ R(DNSBL), "dnsbl" },
		{ R(LIST) | R(FILE), "list,file" },
		{ EXPORT_ALL_REASONS, "all" },
		{ 0xff, "all" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char buf[EXPORT_REASONS_STRLEN], name[16];

		snprintf(name, sizeof(name), "0x%02x", cases[i].mask);
		export_format_reasons(cases[i].mask, buf, sizeof(buf));
		CHECK_STR(name, "text", buf, cases[i].want);
	}
	CHECK_DONE();
}

static void test_names(void **unused)
{
	static const struct {
		const char *name;
		bool valid;
		const char *sanitized;
	} cases[] = {
		{ "mx1.example.org", true, "mx1.example.org" },
		{ "mx_1-a", true, "mx_1-a" },
		{ "", false, "localhost" },
		{ "mx 1", false, "mx-1" },
		{ "mx$1", false, "mx-1" },
		{ "mx:1", false, "mx-1" },
		{ "m\xc3\xa4il", false, "m--il" },
		/* 63 characters: the longest */
		{ "123456789012345678901234567890123456789012345678901234567890123",
		  true,
		  "123456789012345678901234567890123456789012345678901234567890123" },
		{ "1234567890123456789012345678901234567890123456789012345678901234",
		  false,
		  "123456789012345678901234567890123456789012345678901234567890123" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char buf[EXPORT_NAME_LEN];

		CHECK_INT(cases[i].name, "valid", export_name_valid(cases[i].name),
			  cases[i].valid);
		export_name_sanitize(cases[i].name, buf, sizeof(buf));
		CHECK_STR(cases[i].name, "sanitized", buf, cases[i].sanitized);
		CHECK_INT(cases[i].name, "sanitized is valid",
			  export_name_valid(buf), true);
	}
	CHECK_DONE();
}

static void test_ttl(void **unused)
{
	static const struct {
		uint64_t interval;
		uint32_t want;
	} cases[] = {
		{ 0, EXPORT_TTL_MIN }, { 1, EXPORT_TTL_MIN },
		{ 10, 10 },            { 60, 60 },
		{ 3600, 3600 },        { 3601, EXPORT_TTL_MAX },
		{ 86400, EXPORT_TTL_MAX },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char name[32];

		snprintf(name, sizeof(name), "%llus",
			 (unsigned long long)cases[i].interval);
		CHECK_UINT(name, "ttl", export_ttl_of_interval(cases[i].interval),
			   cases[i].want);
	}
	CHECK_DONE();
}

static void test_loopback(void **unused)
{
	static const struct {
		const char *prefix;
		bool want;
	} cases[] = {
		{ "127.0.0.1", true },      { "127.0.0.2", true },
		{ "127.255.255.254", true }, { "127.0.0.0/8", true },
		{ "127.1.0.0/16", true },   { "64.0.0.0/2", true },
		{ "0.0.0.0/0", true },      { "::/0", true },
		{ "::/64", true },          { "::ffff:0:0/96", true },
		{ "126.255.255.255", false }, { "128.0.0.0/1", false },
		{ "192.0.2.7", false },     { "198.51.100.0/24", false },
		{ "2001:db8::7", false },   { "2001:db8::/32", false },
		{ "::1", false },           { "8000::/1", false },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct addr_cidr c = cidr_of(cases[i].prefix);

		CHECK_INT(cases[i].prefix, "loopback", export_is_loopback(&c),
			  cases[i].want);
	}
	CHECK_DONE();
}

static void test_a_value(void **unused)
{
	static const struct {
		const char *name;
		uint8_t reason, classes;
		const char *want;
	} cases[] = {
		{ "manual mx", MXS_REASON_MANUAL, MX, "127.0.0.2" },
		{ "manual all", MXS_REASON_MANUAL, ALL, "127.0.0.2" },
		{ "rate mx", MXS_REASON_RATE, MX, "127.0.0.3" },
		{ "dnsbl mx", MXS_REASON_DNSBL, MX, "127.0.0.4" },
		{ "list all", MXS_REASON_LIST, ALL, "127.0.0.5" },
		{ "file all", MXS_REASON_FILE, ALL, "127.0.0.6" },
		{ "manual submission", MXS_REASON_MANUAL, SUB, "127.0.1.2" },
		{ "rate submission", MXS_REASON_RATE, SUB, "127.0.1.3" },
		{ "none", MXS_REASON_NONE, MX, "127.0.0.7" },
		{ "out of range", 200, MX, "127.0.0.7" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char buf[16];

		export_a_value(cases[i].reason, cases[i].classes, buf, sizeof(buf));
		CHECK_STR(cases[i].name, "A", buf, cases[i].want);
		CHECK(strcmp(buf, "127.0.0.1") != 0,
		      "case %s: A: got the RFC 5782 negative test point",
		      cases[i].name);
	}
	CHECK_DONE();
}

static void test_format_entry(void **unused)
{
	static const struct {
		const char *name, *prefix;
		uint8_t reason, classes;
		uint64_t expires;
		const char *want;
	} cases[] = {
		{ "rate ban", "192.0.2.7", MXS_REASON_RATE, MX, T0,
		  "192.0.2.7 :127.0.0.3:refused by mx1.example (rate, class mx) "
		  "until 2026-11-22T10:00:00Z" },
		{ "manual prefix forever", "198.51.100.0/24", MXS_REASON_MANUAL, ALL,
		  0, "198.51.100.0/24 :127.0.0.2:refused by mx1.example (manual, "
		     "class all)" },
		{ "submission only", "203.0.113.9", MXS_REASON_MANUAL, SUB, T0 + 59,
		  "203.0.113.9 :127.0.1.2:refused by mx1.example (manual, class "
		  "submission) until 2026-11-22T10:00:59Z" },
		{ "v6 rate prefix", "2001:db8:1:2::/64", MXS_REASON_RATE, MX, T0,
		  "2001:db8:1:2::/64 :127.0.0.3:refused by mx1.example (rate, class "
		  "mx) until 2026-11-22T10:00:00Z" },
		{ "v6 host", "2001:db8::7", MXS_REASON_DNSBL, MX, 1,
		  "2001:db8::7 :127.0.0.4:refused by mx1.example (dnsbl, class mx) "
		  "until 1970-01-01T00:00:01Z" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct export_entry e = {
			.cidr = cidr_of(cases[i].prefix),
			.reason = cases[i].reason,
			.classes = cases[i].classes,
			.expires_unix = cases[i].expires,
		};
		char buf[EXPORT_LINE_MAX];

		CHECK_INT(cases[i].name, "rc",
			  export_format_entry(&e, "mx1.example", buf, sizeof(buf)),
			  0);
		CHECK_STR(cases[i].name, "line", buf, cases[i].want);
		/* one byte short of the line and its NUL */
		CHECK_INT(cases[i].name, "rc short",
			  export_format_entry(&e, "mx1.example", buf,
					      strlen(cases[i].want)),
			  -ENOSPC);
		CHECK_STR(cases[i].name, "line short", buf, "");
	}
	CHECK_DONE();
}

/* export_write() into memory. */
static char *write_to_memory(const struct export_info *info,
			     const struct export_entry *v, size_t n, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	*rc = export_write(f, info, v, n);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void test_write(void **unused)
{
	/* unsorted, as a map walk gives them */
	struct export_entry v[] = {
		{ cidr_of("2001:db8:1:2::/64"), MXS_REASON_RATE, MX, T0 },
		{ cidr_of("203.0.113.9"), MXS_REASON_MANUAL, SUB, 0 },
		{ cidr_of("192.0.2.7"), MXS_REASON_RATE, MX, T0 + 600 },
		{ cidr_of("192.0.2.0/24"), MXS_REASON_MANUAL, ALL, 0 },
		{ cidr_of("2001:db8::7"), MXS_REASON_MANUAL, ALL, 0 },
	};
	const struct export_info info = {
		.name = "mx1.example", .ttl = 60,
		.reasons = EXPORT_DEFAULT_REASONS, .now_unix = T0 - 3600,
		.loopback = 1,
	};
	static const char want[] =
		"# mxscreen export of mx1.example at 2026-11-22T09:00:00Z: the block entries of reasons manual,rate,postfix,account,\n"
		"# 3 IPv4 and 2 IPv6 (1 in 127.0.0.0/8 left out).\n"
		"# An rbldnsd \"combined\" dataset: rbldnsd ... ZONE:combined:FILE\n"
		"# A values: 127.0.0.2 manual, .3 rate, .4 dnsbl, .5 list, .6 file,\n"
		"# .8 postfix, .9 account;\n"
		"# 127.0.1.X: the same, for the submission ports only.\n"
		"$TTL 60\n"
		"$DATASET ip4trie:mx1.example-ipv4 @\n"
		"127.0.0.2 :127.0.0.2:RFC 5782 test point\n"
		"192.0.2.0/24 :127.0.0.2:refused by mx1.example (manual, class all)\n"
		"192.0.2.7 :127.0.0.3:refused by mx1.example (rate, class mx) until 2026-11-22T10:10:00Z\n"
		"203.0.113.9 :127.0.1.2:refused by mx1.example (manual, class submission)\n"
		"$DATASET ip6trie:mx1.example-ipv6 @\n"
		"::ffff:7f00:2 :127.0.0.2:RFC 5782 test point\n"
		"2001:db8::7 :127.0.0.2:refused by mx1.example (manual, class all)\n"
		"2001:db8:1:2::/64 :127.0.0.3:refused by mx1.example (rate, class mx) until 2026-11-22T10:00:00Z\n";
	char *text;
	int rc;

	export_sort(v, ARRAY_LEN(v));
	text = write_to_memory(&info, v, ARRAY_LEN(v), &rc);
	CHECK_INT("five entries", "rc", rc, 0);
	CHECK_STR("five entries", "file", text, want);
	free(text);
	CHECK_DONE();
}

/* No entries: still both datasets and their test points, so that the
 * zone answers its RFC 5782 probe. */
static void test_write_empty(void **unused)
{
	const struct export_info info = {
		.name = "mx2", .ttl = 3600, .reasons = R(DNSBL),
		.now_unix = T0,
	};
	static const char want[] =
		"# mxscreen export of mx2 at 2026-11-22T10:00:00Z: the block entries of reasons dnsbl,\n"
		"# 0 IPv4 and 0 IPv6.\n"
		"# An rbldnsd \"combined\" dataset: rbldnsd ... ZONE:combined:FILE\n"
		"# A values: 127.0.0.2 manual, .3 rate, .4 dnsbl, .5 list, .6 file,\n"
		"# .8 postfix, .9 account;\n"
		"# 127.0.1.X: the same, for the submission ports only.\n"
		"$TTL 3600\n"
		"$DATASET ip4trie:mx2-ipv4 @\n"
		"127.0.0.2 :127.0.0.2:RFC 5782 test point\n"
		"$DATASET ip6trie:mx2-ipv6 @\n"
		"::ffff:7f00:2 :127.0.0.2:RFC 5782 test point\n";
	char *text;
	int rc;

	text = write_to_memory(&info, NULL, 0, &rc);
	CHECK_INT("empty", "rc", rc, 0);
	CHECK_STR("empty", "file", text, want);
	free(text);

	/* only IPv6 entries: the IPv4 dataset is empty */
	{
		struct export_entry v6 = { cidr_of("2001:db8::9"),
					   MXS_REASON_DNSBL, MX, 0 };

		text = write_to_memory(&info, &v6, 1, &rc);
		CHECK_INT("v6 only", "rc", rc, 0);
		CHECK_CONTAINS("v6 only", "file", text,
			       "127.0.0.2 :127.0.0.2:RFC 5782 test point\n"
			       "$DATASET ip6trie:mx2-ipv6 @\n"
			       "::ffff:7f00:2 :127.0.0.2:RFC 5782 test point\n"
			       "2001:db8::9 :127.0.0.4:refused by mx2 (dnsbl, class mx)\n");
		free(text);
	}
	CHECK_DONE();
}

/* A stream that fails (a full disk) is -EIO, not a short file. */
static void test_write_fails(void **unused)
{
	const struct export_info info = { .name = "mx1", .ttl = 60,
					  .reasons = EXPORT_DEFAULT_REASONS };
	struct export_entry e = { cidr_of("192.0.2.7"), MXS_REASON_RATE, MX, 0 };
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	CHECK_INT("/dev/full", "rc", export_write(f, &info, &e, 1), -EIO);
	fclose(f);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_reasons),
		cmocka_unit_test(test_format_reasons),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_a_value),
		cmocka_unit_test(test_format_entry),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_empty),
		cmocka_unit_test(test_write_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
