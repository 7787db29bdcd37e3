/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stats.c - the table of the XDP program's counters and their output as
 * text, JSON and per-second rates.
 *
 * The table is built with offsetof() from the field names themselves, so
 * a renamed field fails to compile here, and a size check makes adding a
 * field to struct mxs_stats without adding it here fail too.
 */
#include "stats.h"

#include <stdbool.h>
#include <string.h>

#include "json.h"

#define FIELD(f, h) { #f, offsetof(struct mxs_stats, f), h }

const struct stats_field stats_fields[] = {
	FIELD(packets, "every packet the program saw"),
	FIELD(pass_not_ip, "passed: not IPv4 or IPv6"),
	FIELD(pass_not_tcp, "passed: IP, but not TCP"),
	FIELD(pass_not_smtp, "passed: TCP to a port that is not screened"),
	FIELD(pass_established, "passed: TCP to a screened port, not a bare SYN"),
	FIELD(pass_clean, "attempt passed: no entry covers the source"),
	FIELD(pass_allowed, "attempt passed: allowlist hit"),
	FIELD(pass_expired, "attempt passed: only expired entries cover the source"),
	FIELD(pass_other_class, "attempt passed: blocked, but not for this port's class"),
	FIELD(drop_manual, "attempt dropped: manual block"),
	FIELD(drop_list, "attempt dropped: mxscreen load"),
	FIELD(drop_dnsbl, "attempt dropped: DNSBL verdict"),
	FIELD(drop_rate, "attempt dropped: rate limit"),
	FIELD(drop_file, "attempt dropped: mxscreend list file"),
	FIELD(drop_postfix, "attempt dropped: Postfix's verdict (its log)"),
	FIELD(drop_account, "attempt dropped: client of a held login"),
	FIELD(reset_manual, "attempt answered with RST: manual block"),
	FIELD(reset_list, "attempt answered with RST: mxscreen load"),
	FIELD(reset_dnsbl, "attempt answered with RST: DNSBL verdict"),
	FIELD(reset_rate, "attempt answered with RST: rate limit"),
	FIELD(reset_file, "attempt answered with RST: mxscreend list file"),
	FIELD(reset_postfix, "attempt answered with RST: Postfix's verdict"),
	FIELD(reset_account, "attempt answered with RST: client of a held login"),
	FIELD(observe_manual, "observe mode, would refuse: manual block"),
	FIELD(observe_list, "observe mode, would refuse: mxscreen load"),
	FIELD(observe_dnsbl, "observe mode, would refuse: DNSBL verdict"),
	FIELD(observe_rate, "observe mode, would refuse: rate limit"),
	FIELD(observe_file, "observe mode, would refuse: mxscreend list file"),
	FIELD(observe_postfix, "observe mode, would refuse: Postfix's verdict"),
	FIELD(observe_account, "observe mode, would refuse: client of a held login"),
	FIELD(pass_unparsed, "unparsable past IP, source not blocked: passed"),
	FIELD(drop_unparsed, "unparsable past IP, source blocked: dropped"),
	FIELD(observe_unparsed, "unparsable past IP, source blocked: observed"),
};

#define NR_FIELDS (sizeof(stats_fields) / sizeof(stats_fields[0]))
_Static_assert(NR_FIELDS == MXS_STATS_NR_FIELDS,
	       "stats_fields[] must list every field of struct mxs_stats");

const size_t stats_nr_fields = NR_FIELDS;

uint64_t stats_value(const struct mxs_stats *s, size_t i)
{
	uint64_t v;

	if (i >= NR_FIELDS)
		return 0;
	memcpy(&v, (const char *)s + stats_fields[i].offset, sizeof(v));
	return v;
}

void stats_sum(const struct mxs_stats *percpu, unsigned int ncpus,
	       struct mxs_stats *total)
{
	uint64_t sum[NR_FIELDS] = { 0 };
	unsigned int cpu;
	size_t i;

	for (cpu = 0; cpu < ncpus; cpu++)
		for (i = 0; i < NR_FIELDS; i++)
			sum[i] += stats_value(&percpu[cpu], i);
	/* Written last, so total may alias percpu[0]. */
	memset(total, 0, sizeof(*total));
	for (i = 0; i < NR_FIELDS; i++)
		memcpy((char *)total + stats_fields[i].offset, &sum[i],
		       sizeof(sum[i]));
}

uint64_t stats_refused(const struct mxs_stats *s)
{
	return s->drop_manual + s->drop_list + s->drop_dnsbl + s->drop_rate +
	       s->drop_file + s->drop_postfix + s->drop_account +
	       s->reset_manual + s->reset_list + s->reset_dnsbl + s->reset_rate +
	       s->reset_file + s->reset_postfix + s->reset_account;
}

uint64_t stats_observed(const struct mxs_stats *s)
{
	return s->observe_manual + s->observe_list + s->observe_dnsbl +
	       s->observe_rate + s->observe_file + s->observe_postfix +
	       s->observe_account;
}

uint64_t stats_smtp_attempts(const struct mxs_stats *s)
{
	return s->pass_clean + s->pass_allowed + s->pass_expired +
	       s->pass_other_class + stats_refused(s) + stats_observed(s);
}

uint64_t stats_outcomes(const struct mxs_stats *s)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < NR_FIELDS; i++)
		if (stats_fields[i].offset != offsetof(struct mxs_stats, packets))
			sum += stats_value(s, i);
	return sum;
}

/* The derived totals that are printed, in order. */
static const struct {
	const char *name;
	uint64_t (*fn)(const struct mxs_stats *s);
} derived[] = {
	{ "smtp_attempts", stats_smtp_attempts },
	{ "refused", stats_refused },
	{ "observed", stats_observed },
};
#define NR_DERIVED (sizeof(derived) / sizeof(derived[0]))

/* One printed line: name and value text. */
struct line {
	const char *name;
	char value[32];
	bool derived;
};

/* Name column as wide as the longest name of all that could be printed,
 * so that the layout does not shift between --watch samples. */
static int name_width(void)
{
	size_t i, w = 0;

	for (i = 0; i < NR_FIELDS; i++)
		if (strlen(stats_fields[i].name) > w)
			w = strlen(stats_fields[i].name);
	for (i = 0; i < NR_DERIVED; i++)
		if (strlen(derived[i].name) > w)
			w = strlen(derived[i].name);
	return (int)w;
}

/* Values right-aligned to the widest; derived lines after a blank line. */
static void print_lines(FILE *out, const struct line *lines, size_t n,
			const char *suffix)
{
	int nw = name_width(), vw = 0;
	bool blank_done = false;
	size_t i;

	for (i = 0; i < n; i++)
		if ((int)strlen(lines[i].value) > vw)
			vw = (int)strlen(lines[i].value);
	for (i = 0; i < n; i++) {
		if (lines[i].derived && !blank_done) {
			if (i > 0)
				fputc('\n', out);
			blank_done = true;
		}
		fprintf(out, "%-*s  %*s%s\n", nw, lines[i].name, vw,
			lines[i].value, suffix);
	}
}

void stats_print_text(FILE *out, const struct mxs_stats *s)
{
	struct line lines[NR_FIELDS + NR_DERIVED];
	size_t i, n = 0;

	for (i = 0; i < NR_FIELDS; i++, n++) {
		lines[n].name = stats_fields[i].name;
		lines[n].derived = false;
		snprintf(lines[n].value, sizeof(lines[n].value), "%llu",
			 (unsigned long long)stats_value(s, i));
	}
	for (i = 0; i < NR_DERIVED; i++, n++) {
		lines[n].name = derived[i].name;
		lines[n].derived = true;
		snprintf(lines[n].value, sizeof(lines[n].value), "%llu",
			 (unsigned long long)derived[i].fn(s));
	}
	print_lines(out, lines, n, "");
}

void stats_print_json(FILE *out, const struct mxs_stats *s)
{
	struct json_writer jw;
	size_t i;

	json_init(&jw, out);
	json_object_begin(&jw);
	for (i = 0; i < NR_FIELDS; i++) {
		json_key(&jw, stats_fields[i].name);
		json_uint(&jw, stats_value(s, i));
	}
	for (i = 0; i < NR_DERIVED; i++) {
		json_key(&jw, derived[i].name);
		json_uint(&jw, derived[i].fn(s));
	}
	json_object_end(&jw);
	json_end_document(&jw);
}

/* Increase of a counter; one that went down was reset and counts from 0. */
static uint64_t delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

/* Adds a rate line when the counter moved. */
static void add_rate(struct line *l, size_t *n, const char *name,
		     bool is_derived, uint64_t prev, uint64_t cur,
		     double seconds)
{
	if (cur == prev)
		return;
	l[*n].name = name;
	l[*n].derived = is_derived;
	snprintf(l[*n].value, sizeof(l[*n].value), "%.1f",
		 (double)delta(prev, cur) / seconds);
	(*n)++;
}

void stats_print_rates(FILE *out, const struct mxs_stats *prev,
		       const struct mxs_stats *cur, double seconds)
{
	struct line lines[NR_FIELDS + NR_DERIVED];
	size_t i, n = 0;

	if (!(seconds > 0)) /* also NaN */
		return;
	for (i = 0; i < NR_FIELDS; i++)
		add_rate(lines, &n, stats_fields[i].name, false,
			 stats_value(prev, i), stats_value(cur, i), seconds);
	for (i = 0; i < NR_DERIVED; i++)
		add_rate(lines, &n, derived[i].name, true, derived[i].fn(prev),
			 derived[i].fn(cur), seconds);
	print_lines(out, lines, n, "/s");
}

void stats_print_prometheus(FILE *out, const struct mxs_stats *s)
{
	fprintf(out,
		"# HELP mxscreen_packets_total Packets the XDP program saw.\n"
		"# TYPE mxscreen_packets_total counter\n"
		"mxscreen_packets_total %llu\n",
		(unsigned long long)s->packets);
	fprintf(out,
		"# HELP mxscreen_outcomes_total Packets by what became of them; "
		"they add up to mxscreen_packets_total.\n"
		"# TYPE mxscreen_outcomes_total counter\n");
	/* every field after packets is VERDICT_REASON */
	for (size_t i = 1; i < NR_FIELDS; i++) {
		const char *name = stats_fields[i].name;
		const char *us = strchr(name, '_');

		if (!us)
			continue;
		fprintf(out,
			"mxscreen_outcomes_total{verdict=\"%.*s\",reason=\"%s\"} %llu\n",
			(int)(us - name), name, us + 1,
			(unsigned long long)stats_value(s, i));
	}
}
