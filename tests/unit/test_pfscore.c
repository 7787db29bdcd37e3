// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_pfscore.c - the sliding window of Postfix events (pfscore.c):
 * events are summed over the window, forgotten once older than it,
 * counted per kind, weighted when read, saturating.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/pfscore.h"
#include "check.h"

#define S 1000000000ull
#define HOUR (3600 * S)

struct step {
	uint64_t at;	    /* seconds after the start */
	int kind;	    /* -1: read only */
	uint32_t want_k0;   /* counts of kind 0 and 1 in the window then */
	uint32_t want_k1;
};

struct window_case {
	const char *name;
	uint64_t window;    /* ns */
	struct step steps[12];
	int nr;
};

/* Starts at a large boot time, as a real uptime would be. */
#define T0 (1000000 * S)

static const struct window_case cases[] = {
	{ "five within the hour", HOUR,
	  { { 0, 0, 1, 0 }, { 60, 0, 2, 0 }, { 600, 0, 3, 0 },
	    { 1800, 1, 3, 1 }, { 3000, 0, 4, 1 }, { 3100, 0, 5, 1 } }, 6 },
	{ "old events leave", HOUR,
	  { { 0, 0, 1, 0 }, { 3 * 3600, -1, 0, 0 }, { 3 * 3600 + 1, 1, 0, 1 } },
	  3 },
	/* an event 7/8 of the window old is still in; a whole window old
	 * is not */
	{ "edges in eighths", 800 * S,
	  { { 0, 0, 1, 0 }, { 700, -1, 1, 0 }, { 800, -1, 0, 0 } }, 3 },
	{ "a bucket reused after a full turn", 800 * S,
	  { { 0, 0, 1, 0 }, { 800, 0, 1, 0 }, { 1600, 0, 1, 0 },
	    { 1650, 1, 1, 1 } }, 4 },
	{ "a shorter window forgets", 60 * S,
	  { { 0, 1, 0, 1 }, { 30, 1, 0, 2 }, { 100, -1, 0, 0 } }, 3 },
};

static void test_window(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct window_case *c = &cases[i];
		struct mxs_pf_score s;

		memset(&s, 0, sizeof(s));
		for (int j = 0; j < c->nr; j++) {
			const struct step *st = &c->steps[j];
			uint32_t counts[MXS_PF_KINDS];
			char name[96];

			snprintf(name, sizeof(name), "%s, step %d", c->name, j);
			if (st->kind >= 0)
				pfscore_add(&s, (unsigned int)st->kind,
					    T0 + st->at * S, c->window);
			pfscore_counts(&s, T0 + st->at * S, c->window, counts);
			CHECK_UINT(name, "kind 0", counts[0], st->want_k0);
			CHECK_UINT(name, "kind 1", counts[1], st->want_k1);
		}
	}
	CHECK_DONE();
}

static void test_total(void **state)
{
	uint32_t counts[MXS_PF_KINDS] = { 0 }, w[MXS_PF_KINDS] = { 0 };

	(void)state;
	counts[0] = 1;
	counts[3] = 5;
	w[0] = 5;
	w[3] = 1;
	assert_int_equal(pfscore_total(counts, w), 10);
	w[3] = 0; /* weight 0: the event is off */
	assert_int_equal(pfscore_total(counts, w), 5);
	counts[1] = UINT32_MAX;
	w[1] = 1000;
	assert_int_equal(pfscore_total(counts, w), UINT32_MAX);
}

static void test_saturation_and_range(void **state)
{
	struct mxs_pf_score s;
	uint32_t counts[MXS_PF_KINDS];

	(void)state;
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 70000; i++)
		pfscore_add(&s, 2, T0, HOUR);
	pfscore_add(&s, MXS_PF_KINDS, T0, HOUR); /* out of range: ignored */
	pfscore_counts(&s, T0, HOUR, counts);
	assert_int_equal(counts[2], UINT16_MAX);
	for (unsigned int k = 0; k < MXS_PF_KINDS; k++)
		if (k != 2)
			assert_int_equal(counts[k], 0);
	assert_int_equal(s.last_ns, T0);
	assert_int_equal(s.window_ns, HOUR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_saturation_and_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
