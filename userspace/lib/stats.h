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

#include "../../bpf/mxscreen.h"

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

/*
 * Derived totals, each a plain sum of fields:
 *
 * smtp_attempts - connection attempts (SYN without ACK) to a screened port
 *   whose source was looked up: pass_clean + pass_allowed + pass_expired +
 *   pass_other_class + drop_R + reset_R + observe_R for every reason R
 *   (manual, list, dnsbl, rate).  The *_unparsed counters are not in it:
 *   those packets were never known to be SYNs to a screened port.
 * refused - attempts an entry refused: drop_R + reset_R for every reason R.
 *   Not drop_unparsed (fragments and the like, not attempts).
 * observed - attempts observe mode passed but would have refused:
 *   observe_R for every reason R (not observe_unparsed); in observe mode it
 *   is what refused would have been.
 * outcomes - every field but packets; equals packets when the per-CPU
 *   records were read while no packet was being counted.
 */
uint64_t stats_smtp_attempts(const struct mxs_stats *s);
uint64_t stats_refused(const struct mxs_stats *s);
uint64_t stats_observed(const struct mxs_stats *s);
uint64_t stats_outcomes(const struct mxs_stats *s);

/* Human table: one "name  value" line per field (names left-aligned,
 * values right-aligned), then a blank line and the derived totals
 * smtp_attempts, refused and observed. */
void stats_print_text(FILE *out, const struct mxs_stats *s);
/* One JSON object, one line: every field, then "smtp_attempts", "refused"
 * and "observed". */
void stats_print_json(FILE *out, const struct mxs_stats *s);
/* Prometheus text exposition format: mxscreen_packets_total and
 * mxscreen_outcomes_total{verdict="pass|drop|reset|observe",reason="..."},
 * one sample per outcome field ("pass_clean" -> verdict pass, reason
 * clean).  No per-address labels, ever. */
void stats_print_prometheus(FILE *out, const struct mxs_stats *s);

/* Per-second rates between two samples taken `seconds` apart, as
 * "name  12.5/s" lines laid out like stats_print_text() (fields, then the
 * derived totals after a blank line); fields that did not change are left
 * out to keep --watch readable, and nothing is printed when nothing
 * changed or seconds is not positive.  A counter that went down (the maps
 * were re-created) counts from zero again. */
void stats_print_rates(FILE *out, const struct mxs_stats *prev,
		       const struct mxs_stats *cur, double seconds);

#endif /* MXS_STATS_H */
