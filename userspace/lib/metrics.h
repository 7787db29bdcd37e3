/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * metrics.h - everything the pinned maps know, in the Prometheus text
 * exposition format: the XDP program's outcomes, the lists' fill levels
 * and their live entries, and mxscreend's lookups, verdicts, zones and
 * handshakes.  `mxscreen stats --prometheus` prints it and mxscreend
 * writes it to prometheus_file; both call metrics_write(), so the two are
 * the same by construction.
 *
 * Contract: counters are named mxscreen_..._total, gauges without the
 * suffix; labels say verdict, reason, class, list, family, kind, outcome,
 * zone and site (a zone's index in dnsbl_sites), never an address: the
 * number of series is fixed by the configuration, not by the traffic.
 * Every metric family is one block (# HELP, # TYPE, its samples), as the
 * text format requires.  Functions return 0 or a negative errno and log
 * nothing; the daemon's file is metrics_file.h's.
 */
#ifndef MXS_METRICS_H
#define MXS_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kmap.h"

/* A block entry applies to mx, submission or both ("all"): index
 * MXS_CLASS_BIT mask - 1. */
#define METRICS_CLASS_MASKS 3

/* One reading of the maps. */
struct metrics_sample {
	struct mxs_stats xdp; /* summed over CPUs */
	/* entries and capacity per map: [list - 1][v4 = 0, v6 = 1][kind] */
	struct {
		uint32_t used, capacity;
	} fill[2][2][2];
	/* unexpired entries: [list - 1][family][reason][class mask - 1];
	 * allow entries apply to every class and are all counted under
	 * "all" */
	uint64_t live[2][2][MXS_NR_REASONS][METRICS_CLASS_MASKS];
	struct mxs_daemon_status daemon; /* the daemon's last heartbeat */
	bool daemon_up;                  /* it is fresh and not "stopped" */
	struct mxs_hs_stats hs;          /* summed over CPUs */
	uint32_t cache_used, cache_capacity; /* dnsbl_cache */
};

/* A heartbeat older than this means the daemon is not running. */
#define METRICS_HEARTBEAT_STALE_S 5

/* Whether a daemon status record says the daemon runs at now_ns: a
 * heartbeat was written, not the last one of a clean stop (pid 0), and
 * less than METRICS_HEARTBEAT_STALE_S ago. */
bool metrics_daemon_up(const struct mxs_daemon_status *st, uint64_t now_ns);

/* Read every map the exposition needs.  Walks each list once (batched,
 * as mxscreen list does) for both the fill and the live entries, so its
 * cost grows with the lists: about 0.3 s of system time at a million
 * IPv4 host entries (docs/performance.md). */
int metrics_collect(struct kmap *km, struct metrics_sample *s);

/* The exposition of a sample. */
void metrics_print(FILE *out, const struct metrics_sample *s);

/* metrics_collect() then metrics_print(); nothing is printed when the
 * maps cannot be read. */
int metrics_write(struct kmap *km, FILE *out);

#endif /* MXS_METRICS_H */
