/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_duration.c - unit tests of duration.c: the grammar, the bound, the
 * messages, and the compact output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/duration.h"
#include "check.h"

#define MAX DURATION_MAX_SECONDS
#define W 604800ull
#define D 86400ull
#define H 3600ull

static const struct {
	const char *in;
	int rc;
	uint64_t want;   /* rc == 0 */
	const char *err; /* part of the message, rc != 0 */
} parse_cases[] = {
	{ "0", 0, 0, NULL },
	{ "0s", 0, 0, NULL },
	{ "1", 0, 1, NULL },
	{ "90", 0, 90, NULL },
	{ "60s", 0, 60, NULL },
	{ "10m", 0, 600, NULL },
	{ "1h", 0, H, NULL },
	{ "7d", 0, 7 * D, NULL },
	{ "1w", 0, W, NULL },
	{ "3w", 0, 3 * W, NULL },
	{ "1h30m", 0, 5400, NULL },
	{ "1h05m", 0, 3900, NULL },
	{ "007s", 0, 7, NULL },
	{ "2d3h", 0, 2 * D + 3 * H, NULL },
	{ "1w2d3h4m5s", 0, W + 2 * D + 3 * H + 4 * 60 + 5, NULL },
	{ "1w0d0h0m0s", 0, W, NULL },
	{ "90m", 0, 5400, NULL },
	{ "1000000s", 0, 1000000, NULL },
	/* the bound, reached every way */
	{ "315360000", 0, MAX, NULL },
	{ "315360000s", 0, MAX, NULL },
	{ "3650d", 0, MAX, NULL },
	{ "87600h", 0, MAX, NULL },
	{ "521w3d", 0, MAX, NULL },
	{ "521w2d23h59m60s", 0, MAX, NULL },
	{ "315360001", -ERANGE, 0, "duration \"315360001\" is too long: the limit is 3650d" },
	{ "3651d", -ERANGE, 0, "too long" },
	{ "522w", -ERANGE, 0, "too long" },
	{ "521w3d1s", -ERANGE, 0, "too long" },
	{ "5256001m", -ERANGE, 0, "too long" },
	{ "18446744073709551615", -ERANGE, 0, "too long" },
	{ "18446744073709551616", -ERANGE, 0, "too long" },
	{ "99999999999999999999999999999999s", -ERANGE, 0, "too long" },
	{ "30500568904944w", -ERANGE, 0, "too long" },
	{ "3650d3650h", -ERANGE, 0, "too long" },
	/* syntax */
	{ "", -EINVAL, 0,
	  "empty duration: expected a number with unit s, m, h, d or w" },
	{ "10x", -EINVAL, 0,
	  "bad duration \"10x\": expected a number with unit s, m, h, d or w (e.g. 60s, 10m, 1h, 7d)" },
	{ "x", -EINVAL, 0, "bad duration \"x\": expected" },
	{ "s", -EINVAL, 0, "expected a number with unit" },
	{ "-1", -EINVAL, 0, "expected a number" },
	{ "+1", -EINVAL, 0, "expected a number" },
	{ "-1s", -EINVAL, 0, "expected a number" },
	{ " 1s", -EINVAL, 0, "expected a number" },
	{ "1s ", -EINVAL, 0, "expected a number" },
	{ "1 s", -EINVAL, 0, "expected a number" },
	{ "1h 30m", -EINVAL, 0, "expected a number" },
	{ "1h,30m", -EINVAL, 0, "expected a number" },
	{ "1H", -EINVAL, 0, "expected a number" },
	{ "1.5h", -EINVAL, 0, "expected a number" },
	{ "1e3", -EINVAL, 0, "expected a number" },
	{ "0x10", -EINVAL, 0, "expected a number" },
	{ "1hh", -EINVAL, 0, "expected a number" },
	{ "1sec", -EINVAL, 0, "expected a number" },
	{ "1\n", -EINVAL, 0, "expected a number" },
	{ "99999999999999999999999x", -EINVAL, 0, "expected a number" },
	{ "1h30", -EINVAL, 0,
	  "bad duration \"1h30\": every part of a sum needs a unit (e.g. 1h30m)" },
	{ "1m1h", -EINVAL, 0,
	  "bad duration \"1m1h\": units must go from largest to smallest, each at most once" },
	{ "1h1h", -EINVAL, 0, "each at most once" },
	{ "1s1s", -EINVAL, 0, "each at most once" },
	{ "1d1w", -EINVAL, 0, "from largest to smallest" },
};

static void test_parse(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(parse_cases); i++) {
		const char *name = parse_cases[i].in;
		uint64_t got = 12345;
		char err[256] = "";
		int rc;

		rc = duration_parse(parse_cases[i].in, &got, err, sizeof(err));
		CHECK_INT(name, "rc", rc, parse_cases[i].rc);
		if (rc) {
			CHECK_UINT(name, "value untouched", got, 12345);
			CHECK_CONTAINS(name, "err", err, parse_cases[i].err);
		} else {
			CHECK_UINT(name, "seconds", got, parse_cases[i].want);
			CHECK_STR(name, "err", err, "");
		}
	}
	CHECK_DONE();
}

static void test_parse_err_buffer(void **state)
{
	uint64_t v;
	char err[10];

	CHECK_INT("NULL text", "rc", duration_parse(NULL, &v, NULL, 0),
		  -EINVAL);
	CHECK_INT("NULL err", "rc", duration_parse("1y", &v, NULL, 0),
		  -EINVAL);
	CHECK_INT("NULL err range", "rc", duration_parse("9999d", &v, NULL, 0),
		  -ERANGE);
	memset(err, 'Z', sizeof(err));
	CHECK_INT("errlen 0", "rc", duration_parse("1y", &v, err, 0), -EINVAL);
	CHECK_INT("errlen 0", "err[0]", err[0], 'Z');
	CHECK_INT("errlen 10", "rc", duration_parse("1y", &v, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR("errlen 10", "err", err, "bad durat");
	CHECK_DONE();
}

static const struct {
	uint64_t in;
	const char *want;
} format_cases[] = {
	{ 0, "0s" },
	{ 1, "1s" },
	{ 59, "59s" },
	{ 60, "1m" },
	{ 61, "1m1s" },
	{ 600, "10m" },
	{ 3599, "59m59s" },
	{ H, "1h" },
	{ H + 1, "1h" }, /* cut: two units only */
	{ H + 59, "1h" },
	{ H + 60, "1h1m" },
	{ 5400, "1h30m" },
	{ D - 1, "23h59m" },
	{ D, "1d" },
	{ 2 * D + 3 * H, "2d3h" },
	{ 2 * D + 3 * H + 59 * 60 + 59, "2d3h" },
	{ W - 1, "6d23h" },
	{ W, "1w" },
	{ W + 5 * H, "1w" },
	{ W + 6 * D + 23 * H, "1w6d" },
	{ 3 * W, "3w" },
	{ MAX, "521w3d" },
	{ MAX + 1, "521w3d" },
	{ UINT64_MAX, "30500568904943w" },
	{ UINT64_MAX - 5 * W, "30500568904938w" },
};

static void test_format(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(format_cases); i++) {
		char name[32], buf[DURATION_STRLEN];

		snprintf(name, sizeof(name), "%llu",
			 (unsigned long long)format_cases[i].in);
		memset(buf, 'Z', sizeof(buf));
		duration_format(format_cases[i].in, buf, sizeof(buf));
		CHECK_STR(name, "format", buf, format_cases[i].want);
	}
	CHECK_DONE();
}

/* Whatever duration_format() prints (within the bound) parses back, and
 * exact values come back unchanged. */
static void test_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(format_cases); i++) {
		uint64_t in = format_cases[i].in, back;
		char buf[DURATION_STRLEN];
		int rc;

		if (in > MAX)
			continue;
		duration_format(in, buf, sizeof(buf));
		rc = duration_parse(buf, &back, NULL, 0);
		CHECK_INT(buf, "reparse rc", rc, 0);
		CHECK(back <= in,
		      "case %s: got %llu back, want at most %llu", buf,
		      (unsigned long long)back, (unsigned long long)in);
	}
	for (i = 0; i < ARRAY_LEN(parse_cases); i++) {
		uint64_t v, back;
		char buf[DURATION_STRLEN];
		const char *in = parse_cases[i].in;

		/* All but these have at most two adjacent units. */
		if (parse_cases[i].rc || strcmp(in, "1w2d3h4m5s") == 0 ||
		    strcmp(in, "1000000s") == 0)
			continue;
		duration_parse(in, &v, NULL, 0);
		duration_format(v, buf, sizeof(buf));
		CHECK_INT(in, "reparse rc", duration_parse(buf, &back, NULL, 0),
			  0);
		CHECK_UINT(in, "round trip via format", back, v);
	}
	CHECK_DONE();
}

static void test_format_small_buffer(void **state)
{
	static const struct {
		size_t len;
		const char *want;
	} cases[] = {
		{ 1, "" }, { 2, "1" }, { 3, "1h" }, { 5, "1h30" }, { 6, "1h30m" },
	};
	size_t i;
	char buf[8];

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char name[16];

		snprintf(name, sizeof(name), "len %zu", cases[i].len);
		memset(buf, 'Z', sizeof(buf));
		duration_format(5400, buf, cases[i].len);
		CHECK_STR(name, "format", buf, cases[i].want);
	}
	memcpy(buf, "ZZZ", 4);
	duration_format(5400, buf, 0);
	CHECK_STR("len 0", "buf", buf, "ZZZ");
	duration_format(5400, NULL, 8);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_err_buffer),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
