// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_pflog_event.c - the names of the Postfix events (pflog_event.c):
 * every event has one and is found by it, PFLOG_NONE and out of range
 * have none, a name is matched whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/pflog_event.h"

static void test_names(void **state)
{
	(void)state;
	assert_null(pflog_event_name(PFLOG_NONE));
	assert_null(pflog_event_name(PFLOG_NR_EVENTS));
	for (int e = PFLOG_NONE + 1; e < PFLOG_NR_EVENTS; e++) {
		const char *n = pflog_event_name((enum pflog_event)e);

		assert_non_null(n);
		assert_int_equal(pflog_event_by_name(n, strlen(n)), e);
	}
	assert_int_equal(pflog_event_by_name("pregreet*5", 8), PFLOG_PREGREET);
	assert_int_equal(pflog_event_by_name("pregree", 7), PFLOG_NONE);
	assert_int_equal(pflog_event_by_name("", 0), PFLOG_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
