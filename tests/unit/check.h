/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * check.h - non-fatal expectations for the table-driven unit tests.
 *
 * A failed CHECK() prints "case NAME: got X, want Y" and counts; the test
 * ends with CHECK_DONE(), which fails it when anything was counted.  So a
 * broken table reports every bad case at once, not just the first one.
 * Include after <cmocka.h>.
 */
#ifndef MXS_TEST_CHECK_H
#define MXS_TEST_CHECK_H

#include <string.h>

static int check_failures;

#define CHECK(cond, fmt, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			print_error("%s:%d: " fmt "\n", __FILE__, __LINE__,    \
				    ##__VA_ARGS__);                            \
			check_failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_INT(name, what, got, want)                                       \
	CHECK((long long)(got) == (long long)(want),                           \
	      "case %s: %s: got %lld, want %lld", (name), (what),              \
	      (long long)(got), (long long)(want))

#define CHECK_UINT(name, what, got, want)                                      \
	CHECK((unsigned long long)(got) == (unsigned long long)(want),         \
	      "case %s: %s: got %llu, want %llu", (name), (what),              \
	      (unsigned long long)(got), (unsigned long long)(want))

#define CHECK_STR(name, what, got, want)                                       \
	CHECK(strcmp((got), (want)) == 0,                                      \
	      "case %s: %s: got \"%s\", want \"%s\"", (name), (what), (got),   \
	      (want))

/* want is a part of got (used for error messages). */
#define CHECK_CONTAINS(name, what, got, want)                                  \
	CHECK(strstr((got), (want)) != NULL,                                   \
	      "case %s: %s: got \"%s\", want it to contain \"%s\"", (name),    \
	      (what), (got), (want))

#define CHECK_DONE()                                                           \
	do {                                                                   \
		int n_ = check_failures;                                       \
		check_failures = 0;                                            \
		if (n_)                                                        \
			fail_msg("%d check(s) failed", n_);                    \
	} while (0)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif /* MXS_TEST_CHECK_H */
