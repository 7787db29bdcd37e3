/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * inflight.h - the sources being looked up right now, and the admission
 * rules in front of them: a second event for a source already in flight is
 * merged into the first; new lookups are refused beyond a maximum in
 * flight and beyond a maximum per second.  Refusals never block anyone:
 * the source simply is not looked up this time (fail open).
 *
 * Contract: no I/O, no logging.  Entries are the caller's memory: an
 * entry embeds struct inflight_node and stays in the table until
 * inflight_remove().
 */
#ifndef MXS_INFLIGHT_H
#define MXS_INFLIGHT_H

#include <stdbool.h>
#include <stdint.h>

#include "../../bpf/mxscreen.h"

#define INFLIGHT_BUCKETS 8192u

struct inflight_node {
	struct inflight_node *next;
	struct mxs_source src;
};

struct inflight {
	struct inflight_node *bucket[INFLIGHT_BUCKETS];
	uint32_t count;
	uint32_t max_count;      /* max_lookups_in_flight */
	uint32_t max_per_second; /* max_lookups_per_second */
	uint64_t window_start_ns;
	uint32_t window_count;
};

enum inflight_admit {
	INFLIGHT_NEW = 0,   /* not in flight, admitted: add it */
	INFLIGHT_MERGED,    /* already in flight */
	INFLIGHT_BUSY,      /* max_count reached */
	INFLIGHT_RATE,      /* over max_per_second in this second */
};

void inflight_init(struct inflight *t, uint32_t max_count,
		   uint32_t max_per_second);

/* Decide about src at time now_ns (any monotonic clock, ns).  Only an
 * INFLIGHT_NEW answer uses up one of this second's lookups. */
enum inflight_admit inflight_admit(struct inflight *t,
				   const struct mxs_source *src,
				   uint64_t now_ns);

/* Add (after INFLIGHT_NEW) and remove an entry. */
void inflight_add(struct inflight *t, struct inflight_node *n);
void inflight_remove(struct inflight *t, struct inflight_node *n);

/* The entry for src, or NULL. */
struct inflight_node *inflight_find(struct inflight *t,
				    const struct mxs_source *src);

/* Two sources are the same sender: family and the address bytes that
 * family uses. */
bool inflight_same(const struct mxs_source *a, const struct mxs_source *b);

#endif /* MXS_INFLIGHT_H */
