/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_boottime.c - unit tests of boottime.c: boot-time instants to unix
 * seconds and back, rounding, instants before 1970 and before this boot,
 * the far future clamped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "lib/boottime.h"
#include "lib/duration.h"
#include "check.h"

#define NS 1000000000ull
/* 9999-12-31T23:59:59Z, the state file's latest time (STATE_UNIX_MAX) */
#define FAR_FUTURE 253402300799ull

static void test_clocks(void **unused)
{
	/* t is ns (boot) for to_unix, seconds (unix) for to_boot; the
	 * wall clock is in ns: 1000 s and a bit. */
	static const struct {
		const char *name;
		uint64_t t, now_ns, now_unix_ns, want;
	} to_unix[] = {
		{ "future", 100 * NS, 40 * NS, 1000 * NS, 1060 },
		{ "now", 40 * NS, 40 * NS, 1000 * NS, 1000 },
		{ "rounds up", 41 * NS + NS / 2, 40 * NS, 1000 * NS, 1002 },
		{ "rounds down", 41 * NS + NS / 2 - 1, 40 * NS, 1000 * NS, 1001 },
		{ "wall ns count", 41 * NS, 40 * NS, 1000 * NS + NS / 2, 1002 },
		{ "past", 10 * NS, 40 * NS, 1000 * NS, 970 },
		{ "before 1970", 10 * NS, 4000 * NS, 1000 * NS, 1 },
	}, to_boot[] = {
		{ "future", 1060, 40 * NS, 1000 * NS, 100 * NS },
		{ "future, wall ns", 1060, 40 * NS, 1000 * NS + NS / 4,
		  100 * NS - NS / 4 },
		{ "now", 1000, 40 * NS, 1000 * NS, 40 * NS },
		{ "past", 970, 40 * NS, 1000 * NS, 10 * NS },
		{ "before boot", 900, 40 * NS, 1000 * NS, 1 },
		{ "at boot", 960, 40 * NS, 1000 * NS, 1 },
		{ "far future", FAR_FUTURE, 40 * NS, 1000 * NS,
		  40 * NS + DURATION_MAX_SECONDS * NS },
	};

	for (size_t i = 0; i < ARRAY_LEN(to_unix); i++)
		CHECK_UINT(to_unix[i].name, "unix",
			   boottime_to_unix(to_unix[i].t, to_unix[i].now_ns,
					    to_unix[i].now_unix_ns),
			   to_unix[i].want);
	for (size_t i = 0; i < ARRAY_LEN(to_boot); i++)
		CHECK_UINT(to_boot[i].name, "boot",
			   boottime_from_unix(to_boot[i].t, to_boot[i].now_ns,
					      to_boot[i].now_unix_ns),
			   to_boot[i].want);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
