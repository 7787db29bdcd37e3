/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_settings.c - unit tests of settings.c: port lists, class masks,
 * names both ways, bounded numbers, rate limits and their GCRA
 * parameters, IPv6 rate prefixes, and what the errors say.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/settings.h"
#include "check.h"

#define PORTS_HELP "expected PORT or PORT=CLASS separated by commas"

static const struct {
	const char *in;
	int rc;
	const char *want; /* settings_format_ports() of the result, rc == 0 */
	const char *err;  /* part of the message, rc != 0 */
} ports_cases[] = {
	{ "25", 0, "25=mx", NULL },
	{ "465", 0, "465=submission", NULL },
	{ "25,465,587", 0, "25=mx,465=submission,587=submission", NULL },
	{ "587,25,465", 0, "25=mx,465=submission,587=submission", NULL },
	{ "25=mx,2525=mx,587=submission", 0,
	  "25=mx,587=submission,2525=mx", NULL },
	{ "2525", 0, "2525=mx", NULL },
	{ "2525=submission", 0, "2525=submission", NULL },
	{ "465=mx", 0, "465=mx", NULL },
	{ "25, 465,\t587", 0, "25=mx,465=submission,587=submission", NULL },
	{ "25,  465", 0, "25=mx,465=submission", NULL },
	{ "1", 0, "1=mx", NULL },
	{ "65535", 0, "65535=mx", NULL },
	{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32",
	  0,
	  "1=mx,2=mx,3=mx,4=mx,5=mx,6=mx,7=mx,8=mx,9=mx,10=mx,11=mx,12=mx,13=mx,14=mx,15=mx,16=mx,17=mx,18=mx,19=mx,20=mx,21=mx,22=mx,23=mx,24=mx,25=mx,26=mx,27=mx,28=mx,29=mx,30=mx,31=mx,32=mx",
	  NULL },
	{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33",
	  -ERANGE, NULL, "at most 32 ports" },
	{ "", -EINVAL, NULL, "empty port list: " PORTS_HELP },
	{ "0", -ERANGE, NULL,
	  "bad port \"0\" in \"0\": expected a decimal port number from 1 to 65535" },
	{ "65536", -ERANGE, NULL, "bad port \"65536\"" },
	{ "99999999999999999999999", -ERANGE, NULL, "from 1 to 65535" },
	{ "025", -EINVAL, NULL, "bad port \"025\"" },
	{ "+25", -EINVAL, NULL, "bad port \"+25\"" },
	{ "-25", -EINVAL, NULL, "bad port" },
	{ "25x", -EINVAL, NULL, "bad port \"25x\"" },
	{ "smtp", -EINVAL, NULL, "bad port \"smtp\"" },
	{ " 25", -EINVAL, NULL, "bad port" },
	{ "25 ", -EINVAL, NULL, "bad port \"25 \"" },
	{ "25 ,465", -EINVAL, NULL, "bad port \"25 \"" },
	{ "25,", -EINVAL, NULL, "empty item" },
	{ "25, ", -EINVAL, NULL, "empty item" },
	{ ",25", -EINVAL, NULL, "empty item" },
	{ "25,,465", -EINVAL, NULL, "empty item" },
	{ "25=", -EINVAL, NULL,
	  "bad port class \"\" in \"25=\": expected mx or submission" },
	{ "25=MX", -EINVAL, NULL, "bad port class \"MX\"" },
	{ "25=all", -EINVAL, NULL, "bad port class \"all\"" },
	{ "25=mx=mx", -EINVAL, NULL, "bad port class \"mx=mx\"" },
	{ "25= mx", -EINVAL, NULL, "bad port class \" mx\"" },
	{ "=mx", -EINVAL, NULL, "bad port \"\"" },
	{ "25,25", -EINVAL, NULL, "port 25 is listed twice" },
	{ "25=mx,465,25=submission", -EINVAL, NULL, "port 25 is listed twice" },
};

static void test_parse_ports(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(ports_cases); i++) {
		const char *name = ports_cases[i].in;
		struct settings_ports p;
		char err[256] = "", got[512];
		int rc;

		memset(&p, 0xa5, sizeof(p));
		rc = settings_parse_ports(ports_cases[i].in, &p, err,
					  sizeof(err));
		CHECK_INT(name, "rc", rc, ports_cases[i].rc);
		if (rc) {
			CHECK_CONTAINS(name, "err", err, ports_cases[i].err);
			CHECK_UINT(name, "count untouched", p.count,
				   0xa5a5a5a5u);
			continue;
		}
		settings_format_ports(&p, got, sizeof(got));
		CHECK_STR(name, "format", got, ports_cases[i].want);
	}
	CHECK_DONE();
}

/* The parser keeps the order it was given; only the output is sorted. */
static void test_parse_ports_order(void **state)
{
	struct settings_ports p;
	int rc = settings_parse_ports("587,25=submission", &p, NULL, 0);

	CHECK_INT("order", "rc", rc, 0);
	CHECK_UINT("order", "count", p.count, 2);
	CHECK_UINT("order", "port[0]", p.port[0].port, 587);
	CHECK_UINT("order", "class[0]", p.port[0].class_, MXS_CLASS_SUBMISSION);
	CHECK_UINT("order", "port[1]", p.port[1].port, 25);
	CHECK_UINT("order", "class[1]", p.port[1].class_, MXS_CLASS_SUBMISSION);
	CHECK_INT("NULL text", "rc", settings_parse_ports(NULL, &p, NULL, 0),
		  -EINVAL);
	CHECK_DONE();
}

static void test_ports_default(void **state)
{
	struct settings_ports p;
	struct settings_ports parsed;
	char got[128];

	memset(&p, 0xa5, sizeof(p));
	settings_ports_default(&p);
	settings_format_ports(&p, got, sizeof(got));
	CHECK_STR("default", "format", got,
		  "25=mx,465=submission,587=submission");
	CHECK_UINT("default", "count", p.count, 3);
	/* The default is what a bare "25,465,587" means. */
	settings_parse_ports("25,465,587", &parsed, NULL, 0);
	CHECK(memcmp(&p.port[0], &parsed.port[0], 3 * sizeof(p.port[0])) == 0,
	      "case default: got a default unlike \"25,465,587\", want equal");
	CHECK_DONE();
}

static void test_format_ports(void **state)
{
	static const struct {
		const char *name;
		struct settings_ports p;
		size_t len;
		const char *want;
	} cases[] = {
		{ "none", { .count = 0 }, 64, "" },
		{ "sorted", { 3, { { 587, 1 }, { 25, 0 }, { 465, 1 } } }, 64,
		  "25=mx,465=submission,587=submission" },
		{ "bad class", { 1, { { 25, 7 } } }, 64, "25=unknown" },
		{ "cut", { 2, { { 25, 0 }, { 465, 1 } } }, 10, "25=mx,465" },
		{ "cut at comma", { 2, { { 25, 0 }, { 465, 1 } } }, 7,
		  "25=mx," },
		{ "len 1", { 1, { { 25, 0 } } }, 1, "" },
		{ "count too big", { 1000, { { 25, 0 } } }, 1024, NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char buf[1024];

		memset(buf, 'Z', sizeof(buf));
		settings_format_ports(&cases[i].p, buf, cases[i].len);
		if (cases[i].want)
			CHECK_STR(cases[i].name, "format", buf, cases[i].want);
		else
			CHECK(strlen(buf) < cases[i].len,
			      "case %s: got %zu bytes, want < %zu",
			      cases[i].name, strlen(buf), cases[i].len);
	}
	{
		struct settings_ports p = { 1, { { 25, 0 } } };
		char buf[4] = "ZZZ";

		settings_format_ports(&p, buf, 0);
		CHECK_STR("len 0", "buf", buf, "ZZZ");
	}
	CHECK_DONE();
}

static void test_parse_classes(void **state)
{
	static const struct {
		const char *in;
		int rc;
		uint8_t want;
		const char *err;
	} cases[] = {
		{ "mx", 0, 1, NULL },
		{ "submission", 0, 2, NULL },
		{ "all", 0, 3, NULL },
		{ "mx,submission", 0, 3, NULL },
		{ "submission,mx", 0, 3, NULL },
		{ "mx, submission", 0, 3, NULL },
		{ "", -EINVAL, 0, "empty class: expected mx, submission or all" },
		{ "none", -EINVAL, 0,
		  "bad class \"none\" in \"none\": expected mx, submission or all" },
		{ "MX", -EINVAL, 0, "bad class \"MX\"" },
		{ "m", -EINVAL, 0, "bad class \"m\"" },
		{ "mxx", -EINVAL, 0, "bad class \"mxx\"" },
		{ " mx", -EINVAL, 0, "bad class \" mx\"" },
		{ "mx ", -EINVAL, 0, "bad class \"mx \"" },
		{ "mx ,submission", -EINVAL, 0, "bad class \"mx \"" },
		{ "mx,", -EINVAL, 0, "bad class \"\"" },
		{ ",mx", -EINVAL, 0, "bad class \"\"" },
		{ "mx,mx", -EINVAL, 0, "\"mx\" repeats a class" },
		{ "all,mx", -EINVAL, 0, "\"mx\" repeats a class" },
		{ "mx,all", -EINVAL, 0, "\"all\" repeats a class" },
		{ "mx,submission,all", -EINVAL, 0, "repeats a class" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		uint8_t mask = 0xa5;
		char err[256] = "";
		int rc = settings_parse_classes(cases[i].in, &mask, err,
						sizeof(err));

		CHECK_INT(cases[i].in, "rc", rc, cases[i].rc);
		if (rc) {
			CHECK_CONTAINS(cases[i].in, "err", err, cases[i].err);
			CHECK_UINT(cases[i].in, "mask untouched", mask, 0xa5);
		} else {
			CHECK_UINT(cases[i].in, "mask", mask, cases[i].want);
		}
	}
	CHECK_INT("NULL", "rc", settings_parse_classes(NULL, NULL, NULL, 0),
		  -EINVAL);
	CHECK_DONE();
}

static void test_class_names(void **state)
{
	static const struct {
		uint8_t mask;
		const char *want;
	} masks[] = {
		{ 0, "none" },    { 1, "mx" },       { 2, "submission" },
		{ 3, "all" },     { 4, "unknown" },  { 5, "unknown" },
		{ 0xff, "unknown" },
	};
	static const struct {
		int c;
		const char *want;
	} classes[] = {
		{ MXS_CLASS_MX, "mx" },
		{ MXS_CLASS_SUBMISSION, "submission" },
		{ MXS_NR_CLASSES, "unknown" },
		{ 255, "unknown" },
		{ -1, "unknown" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(masks); i++) {
		char name[16];
		uint8_t back;

		snprintf(name, sizeof(name), "mask %u", masks[i].mask);
		CHECK_STR(name, "name", settings_classes_name(masks[i].mask),
			  masks[i].want);
		/* Names of non-empty masks parse back to the mask. */
		if (masks[i].mask >= 1 && masks[i].mask <= 3) {
			CHECK_INT(name, "reparse rc",
				  settings_parse_classes(masks[i].want, &back,
							 NULL, 0),
				  0);
			CHECK_UINT(name, "reparse", back, masks[i].mask);
		}
	}
	for (i = 0; i < ARRAY_LEN(classes); i++) {
		char name[16];

		snprintf(name, sizeof(name), "class %d", classes[i].c);
		CHECK_STR(name, "name",
			  settings_class_name((enum mxs_class)classes[i].c),
			  classes[i].want);
	}
	CHECK_DONE();
}

static void test_action(void **state)
{
	static const struct {
		const char *in;
		int rc;
		enum mxs_action want;
	} cases[] = {
		{ "drop", 0, MXS_ACTION_DROP },
		{ "reset", 0, MXS_ACTION_RESET },
		{ "DROP", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "drop ", -EINVAL, 0 },
		{ "rst", -EINVAL, 0 },
		{ "dro", -EINVAL, 0 },
		{ "unknown", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		enum mxs_action a = (enum mxs_action)99;
		char err[128] = "";
		int rc = settings_parse_action(cases[i].in, &a, err,
					       sizeof(err));

		CHECK_INT(cases[i].in, "rc", rc, cases[i].rc);
		if (rc) {
			char want[128];

			snprintf(want, sizeof(want),
				 "bad action \"%s\": expected drop or reset",
				 cases[i].in);
			CHECK_STR(cases[i].in, "err", err, want);
			CHECK_INT(cases[i].in, "untouched", a, 99);
		} else {
			CHECK_INT(cases[i].in, "action", a, cases[i].want);
			CHECK_STR(cases[i].in, "name back",
				  settings_action_name(a), cases[i].in);
		}
	}
	CHECK_STR("action 2", "name", settings_action_name((enum mxs_action)2),
		  "unknown");
	CHECK_STR("action -1", "name",
		  settings_action_name((enum mxs_action)-1), "unknown");
	CHECK_INT("NULL", "rc", settings_parse_action(NULL, NULL, NULL, 0),
		  -EINVAL);
	CHECK_DONE();
}

static void test_mode(void **state)
{
	static const struct {
		const char *in;
		int rc;
		enum settings_mode want;
	} cases[] = {
		{ "auto", 0, SETTINGS_MODE_AUTO },
		{ "native", 0, SETTINGS_MODE_NATIVE },
		{ "skb", 0, SETTINGS_MODE_SKB },
		{ "generic", -EINVAL, 0 },
		{ "drv", -EINVAL, 0 },
		{ "Native", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "skb\n", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		enum settings_mode m = (enum settings_mode)99;
		char err[128] = "";
		int rc = settings_parse_mode(cases[i].in, &m, err, sizeof(err));

		CHECK_INT(cases[i].in, "rc", rc, cases[i].rc);
		if (rc) {
			CHECK_CONTAINS(cases[i].in, "err", err,
				       "expected auto, native or skb");
			CHECK_INT(cases[i].in, "untouched", m, 99);
		} else {
			CHECK_INT(cases[i].in, "mode", m, cases[i].want);
			CHECK_STR(cases[i].in, "name back",
				  settings_mode_name(m), cases[i].in);
		}
	}
	CHECK_STR("mode 3", "name", settings_mode_name((enum settings_mode)3),
		  "unknown");
	CHECK_DONE();
}

static void test_reason_names(void **state)
{
	static const struct {
		unsigned int reason;
		const char *want;
	} cases[] = {
		{ MXS_REASON_NONE, "none" },   { MXS_REASON_MANUAL, "manual" },
		{ MXS_REASON_LIST, "list" },   { MXS_REASON_DNSBL, "dnsbl" },
		{ MXS_REASON_RATE, "rate" },   { MXS_REASON_FILE, "file" },
		{ MXS_NR_REASONS, "unknown" },
		{ UINT_MAX, "unknown" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char name[16];

		snprintf(name, sizeof(name), "reason %u", cases[i].reason);
		CHECK_STR(name, "name", settings_reason_name(cases[i].reason),
			  cases[i].want);
	}
	CHECK_DONE();
}

static void test_parse_uint(void **state)
{
	static const struct {
		const char *in;
		uint64_t min, max;
		int rc;
		uint64_t want;
		const char *err;
	} cases[] = {
		{ "0", 0, 10, 0, 0, NULL },
		{ "10", 0, 10, 0, 10, NULL },
		{ "5", 5, 5, 0, 5, NULL },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX, NULL },
		{ "18446744073709551614", 0, UINT64_MAX, 0, UINT64_MAX - 1,
		  NULL },
		{ "11", 0, 10, -ERANGE, 0,
		  "number 11 is out of range: expected 0 to 10" },
		{ "1", 2, 10, -ERANGE, 0, "out of range: expected 2 to 10" },
		{ "0", 1, 10, -ERANGE, 0, "out of range" },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0,
		  "out of range" },
		{ "99999999999999999999999999", 0, UINT64_MAX, -ERANGE, 0,
		  "out of range" },
		{ "", 0, 10, -EINVAL, 0,
		  "bad number \"\": expected a decimal number from 0 to 10" },
		{ "-1", 0, 10, -EINVAL, 0, "bad number \"-1\"" },
		{ "+1", 0, 10, -EINVAL, 0, "bad number \"+1\"" },
		{ " 1", 0, 10, -EINVAL, 0, "bad number" },
		{ "1 ", 0, 10, -EINVAL, 0, "bad number" },
		{ "01", 0, 10, -EINVAL, 0, "no leading zeros" },
		{ "00", 0, 10, -EINVAL, 0, "bad number" },
		{ "0x10", 0, 100, -EINVAL, 0, "bad number" },
		{ "1e3", 0, 10000, -EINVAL, 0, "bad number" },
		{ "12abc", 0, 100, -EINVAL, 0, "bad number" },
		{ "1.0", 0, 100, -EINVAL, 0, "bad number" },
		{ "99999999999999999999999x", 0, 10, -EINVAL, 0, "bad number" },
		{ "5", 10, 1, -EINVAL, 0, "minimum 10 over maximum 1" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		uint64_t v = 777;
		char err[256] = "";
		int rc = settings_parse_uint(cases[i].in, cases[i].min,
					     cases[i].max, &v, err,
					     sizeof(err));

		CHECK_INT(cases[i].in, "rc", rc, cases[i].rc);
		if (rc) {
			CHECK_CONTAINS(cases[i].in, "err", err, cases[i].err);
			CHECK_UINT(cases[i].in, "untouched", v, 777);
		} else {
			CHECK_UINT(cases[i].in, "value", v, cases[i].want);
		}
	}
	CHECK_INT("NULL", "rc", settings_parse_uint(NULL, 0, 1, NULL, NULL, 0),
		  -EINVAL);
	CHECK_DONE();
}

#define RATE_HELP "expected N/DURATION such as 20/60s, or 0 for off"

static void test_parse_rate(void **state)
{
	static const struct {
		const char *in;
		int rc;
		uint32_t burst, period_s;
		uint64_t emission_ns, tau_ns;
		const char *back; /* settings_format_rate(), rc == 0 */
		const char *err;  /* part of the message, rc != 0 */
	} cases[] = {
		{ "0", 0, 0, 0, 0, 0, "0", NULL },
		{ "20/60s", 0, 20, 60, 3000000000ull, 57000000000ull, "20/1m",
		  NULL },
		{ "100/1m", 0, 100, 60, 600000000ull, 59400000000ull, "100/1m",
		  NULL },
		{ "5/1h", 0, 5, 3600, 720000000000ull, 2880000000000ull, "5/1h",
		  NULL },
		{ "60/60", 0, 60, 60, 1000000000ull, 59000000000ull, "60/1m",
		  NULL },
		{ "1/1h30m", 0, 1, 5400, 5400000000000ull, 0, "1/1h30m", NULL },
		{ "7/3661s", 0, 7, 3661, 523000000000ull, 3138000000000ull,
		  "7/3661s", NULL },
		/* integer division rounds the emission down, tau follows */
		{ "3/10s", 0, 3, 10, 3333333333ull, 6666666666ull, "3/10s",
		  NULL },
		{ "7/1s", 0, 7, 1, 142857142ull, 857142852ull, "7/1s", NULL },
		/* bounds */
		{ "1/1s", 0, 1, 1, 1000000000ull, 0, "1/1s", NULL },
		{ "1000000/1s", 0, 1000000, 1, 1000ull, 999999000ull,
		  "1000000/1s", NULL },
		{ "1/1d", 0, 1, 86400, 86400000000000ull, 0, "1/1d", NULL },
		{ "1000000/86400s", 0, 1000000, 86400, 86400000ull,
		  86399913600000ull, "1000000/1d", NULL },
		{ "3/23h59m59s", 0, 3, 86399, 28799666666666ull,
		  57599333333332ull, "3/86399s", NULL },
		{ "1000001/1s", -ERANGE, 0, 0, 0, 0, NULL,
		  "rate \"1000001/1s\" is out of range: expected N from 1 to 1000000 (or 0 alone for off)" },
		{ "99999999999999999999999/1s", -ERANGE, 0, 0, 0, 0, NULL,
		  "expected N from 1 to 1000000" },
		{ "0/60s", -ERANGE, 0, 0, 0, 0, NULL,
		  "expected N from 1 to 1000000 (or 0 alone for off)" },
		{ "1/1d1s", -ERANGE, 0, 0, 0, 0, NULL,
		  "rate \"1/1d1s\" is out of range: expected a period from 1s to 1d" },
		{ "1/2d", -ERANGE, 0, 0, 0, 0, NULL, "period from 1s to 1d" },
		{ "1/99999999999w", -ERANGE, 0, 0, 0, 0, NULL,
		  "period from 1s to 1d" },
		{ "1/0s", -ERANGE, 0, 0, 0, 0, NULL, "period from 1s to 1d" },
		{ "1/0", -ERANGE, 0, 0, 0, 0, NULL, "period from 1s to 1d" },
		/* junk: syntax errors win over range errors */
		{ "", -EINVAL, 0, 0, 0, 0, NULL, "empty rate: " RATE_HELP },
		{ "20", -EINVAL, 0, 0, 0, 0, NULL,
		  "bad rate \"20\": " RATE_HELP },
		{ "00", -EINVAL, 0, 0, 0, 0, NULL, "bad rate \"00\": " RATE_HELP },
		{ " 0", -EINVAL, 0, 0, 0, 0, NULL, "bad rate" },
		{ "0 ", -EINVAL, 0, 0, 0, 0, NULL, "bad rate" },
		{ "off", -EINVAL, 0, 0, 0, 0, NULL, "bad rate \"off\": " RATE_HELP },
		{ "20:60s", -EINVAL, 0, 0, 0, 0, NULL, RATE_HELP },
		{ "/60s", -EINVAL, 0, 0, 0, 0, NULL,
		  "bad rate \"/60s\": \"\" is not a decimal number" },
		{ "020/60s", -EINVAL, 0, 0, 0, 0, NULL,
		  "\"020\" is not a decimal number (no sign, no leading zeros); " RATE_HELP },
		{ "+20/60s", -EINVAL, 0, 0, 0, 0, NULL, "\"+20\" is not" },
		{ "-1/60s", -EINVAL, 0, 0, 0, 0, NULL, "\"-1\" is not" },
		{ "2e1/60s", -EINVAL, 0, 0, 0, 0, NULL, "\"2e1\" is not" },
		{ "20 /60s", -EINVAL, 0, 0, 0, 0, NULL, "\"20 \" is not" },
		{ "20/", -EINVAL, 0, 0, 0, 0, NULL,
		  "bad rate \"20/\": empty duration" },
		{ "20/ 60s", -EINVAL, 0, 0, 0, 0, NULL,
		  "bad rate \"20/ 60s\": bad duration \" 60s\"" },
		{ "20/60x", -EINVAL, 0, 0, 0, 0, NULL, "bad duration \"60x\"" },
		{ "20/60s/2", -EINVAL, 0, 0, 0, 0, NULL,
		  "bad duration \"60s/2\"" },
		{ "20//60s", -EINVAL, 0, 0, 0, 0, NULL, "bad duration \"/60s\"" },
		{ "2000000/x", -EINVAL, 0, 0, 0, 0, NULL, "bad duration \"x\"" },
		{ "x/99d", -EINVAL, 0, 0, 0, 0, NULL, "\"x\" is not" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const char *name = cases[i].in;
		struct mxs_rate r;
		char err[256] = "", back[SETTINGS_RATE_STRLEN];
		int rc;

		memset(&r, 0xa5, sizeof(r));
		rc = settings_parse_rate(cases[i].in, &r, err, sizeof(err));
		CHECK_INT(name, "rc", rc, cases[i].rc);
		if (rc) {
			CHECK_CONTAINS(name, "err", err, cases[i].err);
			CHECK_UINT(name, "untouched", r.emission_ns,
				   0xa5a5a5a5a5a5a5a5ull);
			continue;
		}
		CHECK_UINT(name, "burst", r.burst, cases[i].burst);
		CHECK_UINT(name, "period_s", r.period_s, cases[i].period_s);
		CHECK_UINT(name, "emission_ns", r.emission_ns,
			   cases[i].emission_ns);
		CHECK_UINT(name, "tau_ns", r.tau_ns, cases[i].tau_ns);
		/* the kernel's overflow argument: within one period */
		CHECK(r.emission_ns * r.burst <= r.period_s * 1000000000ull &&
			      r.tau_ns < r.period_s * 1000000000ull + 1,
		      "case %s: emission * burst over the period", name);
		settings_format_rate(&r, back, sizeof(back));
		CHECK_STR(name, "format", back, cases[i].back);
		/* what is printed parses back to the same limit */
		{
			struct mxs_rate again;

			CHECK_INT(name, "reparse rc",
				  settings_parse_rate(back, &again, NULL, 0), 0);
			CHECK(memcmp(&again, &r, sizeof(r)) == 0,
			      "case %s: reparse of \"%s\" differs", name, back);
		}
	}
	{
		struct mxs_rate r;

		CHECK_INT("NULL", "rc", settings_parse_rate(NULL, &r, NULL, 0),
			  -EINVAL);
	}
	CHECK_DONE();
}

static void test_rate_from(void **state)
{
	static const struct {
		const char *name;
		uint32_t burst;
		uint64_t period_s;
		int rc;
		uint64_t emission_ns, tau_ns;
	} cases[] = {
		{ "off", 0, 60, 0, 0, 0 },
		{ "off, any period", 0, 0, 0, 0, 0 },
		{ "off, period too long", 0, UINT64_MAX, 0, 0, 0 },
		{ "60 per minute", 60, 60, 0, 1000000000ull, 59000000000ull },
		{ "3 per 10s", 3, 10, 0, 3333333333ull, 6666666666ull },
		{ "largest", SETTINGS_RATE_MAX_BURST, SETTINGS_RATE_MAX_PERIOD,
		  0, 86400000ull, 86399913600000ull },
		{ "burst over", SETTINGS_RATE_MAX_BURST + 1, 60, -ERANGE, 0, 0 },
		{ "burst max u32", UINT32_MAX, 60, -ERANGE, 0, 0 },
		{ "period 0", 1, 0, -ERANGE, 0, 0 },
		{ "period over", 1, SETTINGS_RATE_MAX_PERIOD + 1, -ERANGE, 0,
		  0 },
		{ "period huge", 1, UINT64_MAX, -ERANGE, 0, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct mxs_rate r;
		int rc;

		memset(&r, 0xa5, sizeof(r));
		rc = settings_rate_from(cases[i].burst, cases[i].period_s, &r);
		CHECK_INT(cases[i].name, "rc", rc, cases[i].rc);
		if (rc) {
			CHECK_UINT(cases[i].name, "untouched", r.tau_ns,
				   0xa5a5a5a5a5a5a5a5ull);
			continue;
		}
		CHECK_UINT(cases[i].name, "emission_ns", r.emission_ns,
			   cases[i].emission_ns);
		CHECK_UINT(cases[i].name, "tau_ns", r.tau_ns, cases[i].tau_ns);
		CHECK_UINT(cases[i].name, "burst", r.burst, cases[i].burst);
		CHECK_UINT(cases[i].name, "period_s", r.period_s,
			   cases[i].burst ? cases[i].period_s : 0);
	}
	CHECK_DONE();
}

static void test_format_rate(void **state)
{
	static const struct {
		const char *name;
		struct mxs_rate r;
		size_t len;
		const char *want;
	} cases[] = {
		{ "off", { 0, 0, 0, 0 }, 16, "0" },
		{ "off with leftovers", { 0, 5, 20, 60 }, 16, "0" },
		{ "minute", { 3000000000ull, 57000000000ull, 20, 60 }, 16,
		  "20/1m" },
		{ "two units", { 1, 0, 1, 90061 }, 16, "1/90061s" },
		{ "cut", { 3000000000ull, 57000000000ull, 20, 60 }, 4, "20/" },
		{ "len 1", { 3000000000ull, 57000000000ull, 20, 60 }, 1, "" },
		{ "widest", { 1, 0, UINT32_MAX, UINT32_MAX },
		  SETTINGS_RATE_STRLEN, "4294967295/4294967295s" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char buf[64];

		memset(buf, 'Z', sizeof(buf));
		settings_format_rate(&cases[i].r, buf, cases[i].len);
		CHECK_STR(cases[i].name, "format", buf, cases[i].want);
	}
	{
		struct mxs_rate r = { 0, 0, 0, 0 };
		char buf[4] = "ZZZ";

		settings_format_rate(&r, buf, 0);
		CHECK_STR("len 0", "buf", buf, "ZZZ");
	}
	CHECK_DONE();
}

static void test_parse_prefix_v6(void **state)
{
	static const struct {
		const char *in;
		int rc;
		uint32_t want;
		const char *err;
	} cases[] = {
		{ "48", 0, 48, NULL },
		{ "56", 0, 56, NULL },
		{ "64", 0, 64, NULL },
		{ "128", 0, 128, NULL },
		{ "47", -ERANGE, 0,
		  "IPv6 prefix length 47 is out of range: expected 48 to 128" },
		{ "0", -ERANGE, 0, "expected 48 to 128" },
		{ "129", -ERANGE, 0, "expected 48 to 128" },
		{ "4294967360", -ERANGE, 0, "expected 48 to 128" },
		{ "99999999999999999999999", -ERANGE, 0, "expected 48 to 128" },
		{ "", -EINVAL, 0,
		  "bad IPv6 prefix length \"\": expected a decimal number from 48 to 128 (e.g. 64)" },
		{ "/64", -EINVAL, 0, "bad IPv6 prefix length \"/64\"" },
		{ "064", -EINVAL, 0, "bad IPv6 prefix length \"064\"" },
		{ "+64", -EINVAL, 0, "bad IPv6 prefix length" },
		{ "64 ", -EINVAL, 0, "bad IPv6 prefix length" },
		{ "6x", -EINVAL, 0, "bad IPv6 prefix length" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		uint32_t v = 777;
		char err[256] = "";
		int rc = settings_parse_prefix_v6(cases[i].in, &v, err,
						  sizeof(err));

		CHECK_INT(cases[i].in, "rc", rc, cases[i].rc);
		if (rc) {
			CHECK_CONTAINS(cases[i].in, "err", err, cases[i].err);
			CHECK_UINT(cases[i].in, "untouched", v, 777);
		} else {
			CHECK_UINT(cases[i].in, "value", v, cases[i].want);
		}
	}
	CHECK_INT("NULL", "rc", settings_parse_prefix_v6(NULL, NULL, NULL, 0),
		  -EINVAL);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ports),
		cmocka_unit_test(test_parse_ports_order),
		cmocka_unit_test(test_ports_default),
		cmocka_unit_test(test_format_ports),
		cmocka_unit_test(test_parse_classes),
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_action),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_rate_from),
		cmocka_unit_test(test_format_rate),
		cmocka_unit_test(test_parse_prefix_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
