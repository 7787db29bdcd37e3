/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stats.h - naming, summing and printing the XDP program's counters
 * (struct mxs_stats).  The table of fields here is the only place userspace
 * spells a counter's name, so text, JSON and (later) Prometheus output agree.
 */
#ifndef MXS_STATS_H
#define MXS_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../bpf/mxscreen.h"

struct stats_field {
	const char *name;   /* exactly the struct field name (as bpftool shows) */
	size_t offset;      /* offsetof(struct mxs_stats, name) */
	const char *help;   /* one line for humans */
};

/* Every field of struct mxs_stats, in declaration order. */
extern const struct stats_field stats_fields[];
extern const size_t stats_nr_fields;

/* Value of field i of s. */
uint64_t stats_value(const struct mxs_stats *s, size_t i);

/* total = sum of ncpus per-CPU records (the layout the kernel returns for a
 * per-CPU array: records back to back, each sizeof(struct mxs_stats),
 * which is a multiple of 8 as the kernel requires). */
void stats_sum(const struct mxs_stats *percpu, unsigned int ncpus,
	       struct mxs_stats *total);

/* Derived totals. */
uint64_t stats_smtp_attempts(const struct mxs_stats *s); /* SYNs to screened ports */
uint64_t stats_refused(const struct mxs_stats *s);       /* drop_* + reset_* */
uint64_t stats_observed(const struct mxs_stats *s);      /* observe_* */
uint64_t stats_outcomes(const struct mxs_stats *s); /* sum of all but packets */

/* Human table: one "name value" line per field plus the derived totals. */
void stats_print_text(FILE *out, const struct mxs_stats *s);
/* One JSON object with every field and the derived totals. */
void stats_print_json(FILE *out, const struct mxs_stats *s);
/* Per-second rates between two samples taken `seconds` apart; fields
 * that did not change are left out to keep --watch readable. */
void stats_print_rates(FILE *out, const struct mxs_stats *prev,
		       const struct mxs_stats *cur, double seconds);

#endif /* MXS_STATS_H */
