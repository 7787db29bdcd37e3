// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_inflight.c - event deduplication and admission in front of the
 * DNSBL lookups: a script of steps (admit, add, remove) against one table,
 * each with the answer it must get.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "mxscreend/inflight.h"
#include "check.h"

#define S 1000000000ull

enum op { ADMIT, ADD, REMOVE, COUNT };

struct step {
	const char *name;
	enum op op;
	int src;           /* index into sources[] */
	uint64_t now_ns;
	int want;          /* ADMIT: enum inflight_admit; COUNT: entries */
};

/* Sources: the same bytes under two families, and an IPv4 address whose
 * unused bytes differ (they must not make it another sender). */
static struct inflight_node sources[] = {
	{ .src = { .family = MXS_FAMILY_V4, .addr = { 192, 0, 2, 1 } } },
	{ .src = { .family = MXS_FAMILY_V6, .addr = { 192, 0, 2, 1 } } },
	{ .src = { .family = MXS_FAMILY_V4, .addr = { 192, 0, 2, 1, 9, 9 } } },
	{ .src = { .family = MXS_FAMILY_V4, .addr = { 192, 0, 2, 2 } } },
	{ .src = { .family = MXS_FAMILY_V6,
		   .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } },
	{ .src = { .family = MXS_FAMILY_V4, .addr = { 192, 0, 2, 3 } } },
};

static const char *const admit_names[] = { "new", "merged", "busy", "rate" };

static void run_steps(const char *table, uint32_t max_count, uint32_t max_rate,
		      const struct step *steps, size_t n)
{
	struct inflight t;
	char name[128];

	inflight_init(&t, max_count, max_rate);
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		struct inflight_node *node = &sources[s->src];

		snprintf(name, sizeof(name), "%s/%s", table, s->name);
		switch (s->op) {
		case ADMIT: {
			enum inflight_admit got =
				inflight_admit(&t, &node->src, s->now_ns);

			CHECK(got == (enum inflight_admit)s->want,
			      "case %s: got %s, want %s", name,
			      admit_names[got], admit_names[s->want]);
			break;
		}
		case ADD:
			inflight_add(&t, node);
			break;
		case REMOVE:
			inflight_remove(&t, node);
			break;
		case COUNT:
			CHECK_UINT(name, "count", t.count, s->want);
			break;
		}
	}
}

static void test_dedup(void **state)
{
	static const struct step steps[] = {
		{ "first event", ADMIT, 0, 1 * S, INFLIGHT_NEW },
		{ "looked up", ADD, 0, 0, 0 },
		{ "second event, same source", ADMIT, 0, 1 * S, INFLIGHT_MERGED },
		{ "unused bytes differ", ADMIT, 2, 1 * S, INFLIGHT_MERGED },
		{ "same bytes, IPv6", ADMIT, 1, 1 * S, INFLIGHT_NEW },
		{ "other IPv4", ADMIT, 3, 1 * S, INFLIGHT_NEW },
		{ "one entry", COUNT, 0, 0, 1 },
		{ "lookup ends", REMOVE, 0, 0, 0 },
		{ "none left", COUNT, 0, 0, 0 },
		{ "next event is new again", ADMIT, 0, 1 * S, INFLIGHT_NEW },
		{ "removing twice is harmless", REMOVE, 0, 0, 0 },
		{ "still none", COUNT, 0, 0, 0 },
	};

	run_steps("dedup", 100, 100, steps, ARRAY_LEN(steps));
	CHECK_DONE();
}

static void test_caps(void **state)
{
	static const struct step busy[] = {
		{ "a", ADMIT, 0, 1 * S, INFLIGHT_NEW },
		{ "add a", ADD, 0, 0, 0 },
		{ "b", ADMIT, 3, 1 * S, INFLIGHT_NEW },
		{ "add b", ADD, 3, 0, 0 },
		{ "c over max in flight", ADMIT, 5, 1 * S, INFLIGHT_BUSY },
		{ "a in flight still merges", ADMIT, 0, 1 * S, INFLIGHT_MERGED },
		{ "a ends", REMOVE, 0, 0, 0 },
		{ "c fits now", ADMIT, 5, 1 * S, INFLIGHT_NEW },
	};
	/* rate 2 per second: merged events use no budget, the window
	 * restarts a full second after it began */
	static const struct step rate[] = {
		{ "1st", ADMIT, 0, 10 * S, INFLIGHT_NEW },
		{ "add 1st", ADD, 0, 0, 0 },
		{ "merged", ADMIT, 0, 10 * S + 1, INFLIGHT_MERGED },
		{ "2nd", ADMIT, 3, 10 * S + 2, INFLIGHT_NEW },
		{ "3rd in the same second", ADMIT, 5, 10 * S + S - 1, INFLIGHT_RATE },
		{ "3rd a second later", ADMIT, 5, 11 * S, INFLIGHT_NEW },
		{ "4th in that second", ADMIT, 4, 11 * S + 5, INFLIGHT_NEW },
		{ "5th in that second", ADMIT, 1, 11 * S + 6, INFLIGHT_RATE },
	};

	run_steps("busy", 2, 100, busy, ARRAY_LEN(busy));
	run_steps("rate", 100, 2, rate, ARRAY_LEN(rate));
	CHECK_DONE();
}

/* Many sources in one bucket chain: find and remove the right ones. */
static void test_many(void **state)
{
	static struct inflight_node nodes[20000];
	static struct inflight t;
	char name[64];

	inflight_init(&t, 1000000, 1000000);
	for (uint32_t i = 0; i < ARRAY_LEN(nodes); i++) {
		nodes[i].src.family = MXS_FAMILY_V4;
		nodes[i].src.addr[0] = 198;
		nodes[i].src.addr[1] = 18;
		nodes[i].src.addr[2] = (uint8_t)(i >> 8);
		nodes[i].src.addr[3] = (uint8_t)i;
		inflight_add(&t, &nodes[i]);
	}
	CHECK_UINT("many", "count", t.count, ARRAY_LEN(nodes));
	for (uint32_t i = 0; i < ARRAY_LEN(nodes); i += 2)
		inflight_remove(&t, &nodes[i]);
	for (uint32_t i = 0; i < ARRAY_LEN(nodes); i++) {
		snprintf(name, sizeof(name), "many #%u", i);
		CHECK(!!inflight_find(&t, &nodes[i].src) == (i % 2),
		      "case %s: found %d, want %d", name,
		      !!inflight_find(&t, &nodes[i].src), i % 2);
	}
	CHECK_UINT("many", "count after removing half", t.count,
		   ARRAY_LEN(nodes) / 2);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
