/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_stats.c - unit tests of stats.c: the field table against struct
 * mxs_stats, summing per-CPU records, exactly which fields each derived
 * total covers, and the text, JSON and rate output.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/stats.h"
#include "check.h"

static void set_field(struct mxs_stats *s, size_t i, uint64_t v)
{
	memcpy((char *)s + stats_fields[i].offset, &v, sizeof(v));
}

static size_t field_index(const char *name)
{
	size_t i;

	for (i = 0; i < stats_nr_fields; i++)
		if (strcmp(stats_fields[i].name, name) == 0)
			return i;
	fail_msg("no field %s in stats_fields", name);
	return 0;
}

static void test_table(void **state)
{
	size_t i, j;

	CHECK_UINT("table", "stats_nr_fields", stats_nr_fields,
		   MXS_STATS_NR_FIELDS);
	CHECK_UINT("table", "sizeof", sizeof(struct mxs_stats),
		   stats_nr_fields * 8);
	CHECK_STR("table", "first name", stats_fields[0].name, "packets");
	CHECK_UINT("table", "first offset", stats_fields[0].offset, 0);
	for (i = 1; i < stats_nr_fields; i++)
		CHECK_UINT(stats_fields[i].name, "offset",
			   stats_fields[i].offset,
			   stats_fields[i - 1].offset + 8);
	for (i = 0; i < stats_nr_fields; i++) {
		CHECK(stats_fields[i].help && stats_fields[i].help[0],
		      "case %s: got no help text, want one",
		      stats_fields[i].name);
		for (j = i + 1; j < stats_nr_fields; j++)
			CHECK(strcmp(stats_fields[i].name,
				     stats_fields[j].name) != 0,
			      "case %s: got the name at %zu and %zu, want unique",
			      stats_fields[i].name, i, j);
	}
	/* Spot checks that names and offsets belong together. */
	CHECK_UINT("drop_unparsed", "offset",
		   stats_fields[field_index("drop_unparsed")].offset,
		   offsetof(struct mxs_stats, drop_unparsed));
	CHECK_UINT("pass_clean", "offset",
		   stats_fields[field_index("pass_clean")].offset,
		   offsetof(struct mxs_stats, pass_clean));
	CHECK_DONE();
}

static void test_value(void **state)
{
	struct mxs_stats s;
	size_t i;

	for (i = 0; i < stats_nr_fields; i++)
		set_field(&s, i, 1000 + i);
	CHECK_UINT("packets", "value", stats_value(&s, 0), 1000);
	s.observe_unparsed = UINT64_MAX;
	CHECK_UINT("observe_unparsed", "value",
		   stats_value(&s, field_index("observe_unparsed")),
		   UINT64_MAX);
	for (i = 0; i + 1 < stats_nr_fields; i++)
		CHECK_UINT(stats_fields[i].name, "value", stats_value(&s, i),
			   1000 + i);
	CHECK_UINT("index nr_fields", "value",
		   stats_value(&s, stats_nr_fields), 0);
	CHECK_UINT("index SIZE_MAX", "value", stats_value(&s, SIZE_MAX), 0);
	CHECK_DONE();
}

static void test_sum(void **state)
{
	static const unsigned int cpu_counts[] = { 0, 1, 2, 7, 256 };
	size_t c, i;

	for (c = 0; c < ARRAY_LEN(cpu_counts); c++) {
		unsigned int n = cpu_counts[c], cpu;
		struct mxs_stats *per = calloc(n ? n : 1, sizeof(*per));
		struct mxs_stats total;
		char name[32];

		assert_non_null(per);
		for (cpu = 0; cpu < n; cpu++)
			for (i = 0; i < stats_nr_fields; i++)
				set_field(&per[cpu], i, (cpu + 1) * 100 + i);
		memset(&total, 0xa5, sizeof(total));
		stats_sum(per, n, &total);
		snprintf(name, sizeof(name), "%u cpus", n);
		for (i = 0; i < stats_nr_fields; i++) {
			/* sum over cpu of (cpu+1)*100 + i */
			uint64_t want = 100ull * n * (n + 1) / 2 + (uint64_t)n * i;

			CHECK_UINT(name, stats_fields[i].name,
				   stats_value(&total, i), want);
		}
		/* total may be the first record itself */
		if (n) {
			stats_sum(per, n, &per[0]);
			CHECK_UINT(name, "aliased packets", per[0].packets,
				   100ull * n * (n + 1) / 2);
		}
		free(per);
	}
	CHECK_DONE();
}

/* For every field: which derived totals count it.  The table must name
 * every field, so a new counter forces a decision here. */
static const struct {
	const char *name;
	int attempts, refused, observed, outcome;
} coverage[] = {
	{ "packets", 0, 0, 0, 0 },
	{ "pass_not_ip", 0, 0, 0, 1 },
	{ "pass_not_tcp", 0, 0, 0, 1 },
	{ "pass_not_smtp", 0, 0, 0, 1 },
	{ "pass_established", 0, 0, 0, 1 },
	{ "pass_clean", 1, 0, 0, 1 },
	{ "pass_allowed", 1, 0, 0, 1 },
	{ "pass_expired", 1, 0, 0, 1 },
	{ "pass_other_class", 1, 0, 0, 1 },
	{ "drop_manual", 1, 1, 0, 1 },
	{ "drop_list", 1, 1, 0, 1 },
	{ "drop_dnsbl", 1, 1, 0, 1 },
	{ "drop_rate", 1, 1, 0, 1 },
	{ "drop_file", 1, 1, 0, 1 },
	{ "drop_postfix", 1, 1, 0, 1 },
	{ "drop_account", 1, 1, 0, 1 },
	{ "reset_manual", 1, 1, 0, 1 },
	{ "reset_list", 1, 1, 0, 1 },
	{ "reset_dnsbl", 1, 1, 0, 1 },
	{ "reset_rate", 1, 1, 0, 1 },
	{ "reset_file", 1, 1, 0, 1 },
	{ "reset_postfix", 1, 1, 0, 1 },
	{ "reset_account", 1, 1, 0, 1 },
	{ "observe_manual", 1, 0, 1, 1 },
	{ "observe_list", 1, 0, 1, 1 },
	{ "observe_dnsbl", 1, 0, 1, 1 },
	{ "observe_rate", 1, 0, 1, 1 },
	{ "observe_file", 1, 0, 1, 1 },
	{ "observe_postfix", 1, 0, 1, 1 },
	{ "observe_account", 1, 0, 1, 1 },
	{ "pass_unparsed", 0, 0, 0, 1 },
	{ "drop_unparsed", 0, 0, 0, 1 },
	{ "observe_unparsed", 0, 0, 0, 1 },
};

static void test_derived(void **state)
{
	size_t i;

	CHECK_UINT("coverage table", "entries", ARRAY_LEN(coverage),
		   stats_nr_fields);
	for (i = 0; i < ARRAY_LEN(coverage); i++) {
		const char *name = coverage[i].name;
		struct mxs_stats s = { 0 };

		/* 3, so that a field counted twice shows as 6 */
		set_field(&s, field_index(name), 3);
		CHECK_UINT(name, "smtp_attempts", stats_smtp_attempts(&s),
			   3 * coverage[i].attempts);
		CHECK_UINT(name, "refused", stats_refused(&s),
			   3 * coverage[i].refused);
		CHECK_UINT(name, "observed", stats_observed(&s),
			   3 * coverage[i].observed);
		CHECK_UINT(name, "outcomes", stats_outcomes(&s),
			   3 * coverage[i].outcome);
	}
	CHECK_DONE();
}

/* Field i holds i + 1: derived totals are 450, 231 and 189. */
static void fill_sequence(struct mxs_stats *s)
{
	size_t i;

	for (i = 0; i < stats_nr_fields; i++)
		set_field(s, i, i + 1);
}

static void test_json(void **state)
{
	static const char want[] =
		"{\"packets\":1,\"pass_not_ip\":2,\"pass_not_tcp\":3,"
		"\"pass_not_smtp\":4,\"pass_established\":5,\"pass_clean\":6,"
		"\"pass_allowed\":7,\"pass_expired\":8,"
		"\"pass_other_class\":9,\"drop_manual\":10,\"drop_list\":11,"
		"\"drop_dnsbl\":12,\"drop_rate\":13,\"drop_file\":14,"
		"\"drop_postfix\":15,\"drop_account\":16,\"reset_manual\":17,"
		"\"reset_list\":18,\"reset_dnsbl\":19,\"reset_rate\":20,"
		"\"reset_file\":21,\"reset_postfix\":22,\"reset_account\":23,"
		"\"observe_manual\":24,\"observe_list\":25,"
		"\"observe_dnsbl\":26,\"observe_rate\":27,"
		"\"observe_file\":28,\"observe_postfix\":29,"
		"\"observe_account\":30,\"pass_unparsed\":31,"
		"\"drop_unparsed\":32,\"observe_unparsed\":33,"
		"\"smtp_attempts\":450,"
		"\"refused\":231,\"observed\":189}\n";
	struct mxs_stats s;
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fill_sequence(&s);
	stats_print_json(f, &s);
	fclose(f);
	CHECK_STR("sequence", "json", text, want);
	free(text);

	/* the largest value prints in full */
	memset(&s, 0xff, sizeof(s));
	f = open_memstream(&text, &len);
	assert_non_null(f);
	stats_print_json(f, &s);
	fclose(f);
	CHECK_CONTAINS("max", "json", text,
		       "{\"packets\":18446744073709551615,");
	free(text);
	CHECK_DONE();
}

/* Prometheus: the samples a scraper gets, with labels split from the
 * field names, and nothing per address. */
static void test_prometheus(void **state)
{
	static const struct {
		const char *line;
	} want[] = {
		{ "# TYPE mxscreen_packets_total counter\n" },
		{ "\nmxscreen_packets_total 1\n" },
		{ "# TYPE mxscreen_outcomes_total counter\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"pass\",reason=\"not_ip\"} 2\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"pass\",reason=\"other_class\"} 9\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"drop\",reason=\"manual\"} 10\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"reset\",reason=\"rate\"} 20\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"drop\",reason=\"file\"} 14\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"drop\",reason=\"postfix\"} 15\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"drop\",reason=\"account\"} 16\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"observe\",reason=\"account\"} 30\n" },
		{ "\nmxscreen_outcomes_total{verdict=\"observe\",reason=\"unparsed\"} 33\n" },
	};
	struct mxs_stats s;
	char *text = NULL, *p;
	size_t len, samples = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fill_sequence(&s);
	stats_print_prometheus(f, &s);
	fclose(f);
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		CHECK_CONTAINS("sequence", "prometheus", text, want[i].line);
	/* one sample per outcome field, and the packets sample */
	for (p = text; (p = strstr(p, "\nmxscreen_")); p++)
		samples++;
	CHECK_UINT("sequence", "samples", samples, MXS_STATS_NR_FIELDS);
	CHECK(strstr(text, "addr") == NULL && strstr(text, "src") == NULL,
	      "case sequence: a per-address label in %s", text);
	free(text);
	CHECK_DONE();
}

/* Every line "name<spaces>value", all of the same length (values right
 * aligned), fields in table order, then "" and the derived totals. */
static void test_text(void **state)
{
	struct mxs_stats s;
	char *text = NULL, *line, *save = NULL;
	size_t len, n = 0, width = 0;
	FILE *f = open_memstream(&text, &len);
	static const char *const derived_names[] = { "smtp_attempts",
						     "refused", "observed" };
	static const uint64_t derived_values[] = { 450, 231, 189 };

	assert_non_null(f);
	fill_sequence(&s);
	s.pass_not_smtp = 1234567; /* widest value */
	stats_print_text(f, &s);
	fclose(f);

	CHECK_CONTAINS("text", "packets line", text,
		       "packets                 1\n");
	CHECK_CONTAINS("text", "widest line", text,
		       "pass_not_smtp     1234567\n");
	CHECK_CONTAINS("text", "blank then totals", text,
		       "\n\nsmtp_attempts         450\n"
		       "refused               231\n"
		       "observed              189\n");
	CHECK(text[strlen(text) - 1] == '\n',
	      "case text: got no final newline, want one");

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		char name[64];
		unsigned long long v;
		uint64_t want;
		const char *want_name;

		if (!width)
			width = strlen(line);
		CHECK_UINT(line, "line length", strlen(line), width);
		if (sscanf(line, "%63s %llu", name, &v) != 2) {
			CHECK(0, "case %s: got an unparsable line, want \"name value\"",
			      line);
			continue;
		}
		if (n < stats_nr_fields) {
			want_name = stats_fields[n].name;
			want = stats_value(&s, n);
		} else if (n - stats_nr_fields < 3) {
			want_name = derived_names[n - stats_nr_fields];
			want = derived_values[n - stats_nr_fields];
		} else {
			CHECK(0, "case %s: got an extra line, want none", line);
			continue;
		}
		CHECK_STR(line, "name", name, want_name);
		CHECK_UINT(line, "value", v, want);
	}
	CHECK_UINT("text", "lines (strtok skips the blank one)", n,
		   stats_nr_fields + 3);
	free(text);
	CHECK_DONE();
}

static void test_rates(void **state)
{
	static const struct {
		const char *name;
		uint64_t prev_packets, cur_packets;
		uint64_t prev_drop_list, cur_drop_list;
		double seconds;
		const char *want;
	} cases[] = {
		{ "nothing changed", 5, 5, 7, 7, 1.0, "" },
		{ "packets only", 0, 10, 0, 0, 2.0,
		  "packets           5.0/s\n" },
		{ "packets and a drop", 100, 130, 4, 7, 3.0,
		  "packets           10.0/s\n"
		  "drop_list          1.0/s\n"
		  "\n"
		  "smtp_attempts      1.0/s\n"
		  "refused            1.0/s\n" },
		{ "one decimal", 0, 1, 0, 0, 3.0, "packets           0.3/s\n" },
		{ "fraction of a second", 0, 1, 0, 0, 0.25,
		  "packets           4.0/s\n" },
		{ "counter reset", 1000, 40, 0, 0, 4.0,
		  "packets           10.0/s\n" },
		{ "wide values", 0, UINT64_MAX, 0, 1, 1.0,
		  "packets           18446744073709551616.0/s\n"
		  "drop_list                            1.0/s\n"
		  "\n"
		  "smtp_attempts                        1.0/s\n"
		  "refused                              1.0/s\n" },
		{ "zero seconds", 0, 10, 0, 0, 0.0, "" },
		{ "negative seconds", 0, 10, 0, 0, -1.0, "" },
		{ "nan seconds", 0, 10, 0, 0, NAN, "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct mxs_stats prev = { 0 }, cur = { 0 };
		char *text = NULL;
		size_t len;
		FILE *f = open_memstream(&text, &len);

		assert_non_null(f);
		prev.packets = cases[i].prev_packets;
		cur.packets = cases[i].cur_packets;
		prev.drop_list = cases[i].prev_drop_list;
		cur.drop_list = cases[i].cur_drop_list;
		prev.pass_not_ip = cur.pass_not_ip = 99; /* unchanged: absent */
		stats_print_rates(f, &prev, &cur, cases[i].seconds);
		fclose(f);
		CHECK_STR(cases[i].name, "rates", text, cases[i].want);
		free(text);
	}
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_value),
		cmocka_unit_test(test_sum),
		cmocka_unit_test(test_derived),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_prometheus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
