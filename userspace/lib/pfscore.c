// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pfscore.c - sliding-window event counts of one source (pfscore.h).
 */
#include <string.h>

#include "pfscore.h"

/* The eighth of time now_ns falls in (an eighth is at least 1 ns). */
static uint64_t pfscore_eighth(uint64_t now_ns, uint64_t window_ns)
{
	uint64_t len = window_ns / MXS_PF_BUCKETS;

	return now_ns / (len ? len : 1);
}

/* Whether bucket b still lies within the window ending in eighth e. */
static int pfscore_live(const struct mxs_pf_score *s, unsigned int b,
			uint64_t e)
{
	return s->epoch[b] && s->epoch[b] <= e &&
	       e - s->epoch[b] < MXS_PF_BUCKETS;
}

void pfscore_add(struct mxs_pf_score *s, unsigned int kind, uint64_t now_ns,
		 uint64_t window_ns)
{
	/* epoch 0 marks an empty bucket: eighths count from 1 */
	uint64_t e = pfscore_eighth(now_ns, window_ns) + 1;
	unsigned int b = (unsigned int)(e % MXS_PF_BUCKETS);

	if (kind >= MXS_PF_KINDS)
		return;
	if (s->epoch[b] != e) {
		s->epoch[b] = e;
		memset(s->count[b], 0, sizeof(s->count[b]));
	}
	if (s->count[b][kind] < UINT16_MAX)
		s->count[b][kind]++;
	s->window_ns = window_ns;
	s->last_ns = now_ns;
}

void pfscore_counts(const struct mxs_pf_score *s, uint64_t now_ns,
		    uint64_t window_ns, uint32_t counts[MXS_PF_KINDS])
{
	uint64_t e = pfscore_eighth(now_ns, window_ns) + 1;

	memset(counts, 0, sizeof(uint32_t) * MXS_PF_KINDS);
	for (unsigned int b = 0; b < MXS_PF_BUCKETS; b++) {
		if (!pfscore_live(s, b, e))
			continue;
		for (unsigned int k = 0; k < MXS_PF_KINDS; k++)
			counts[k] += s->count[b][k];
	}
}

uint32_t pfscore_total(const uint32_t counts[MXS_PF_KINDS],
		       const uint32_t weights[MXS_PF_KINDS])
{
	uint64_t sum = 0;

	for (unsigned int k = 0; k < MXS_PF_KINDS; k++) {
		sum += (uint64_t)counts[k] * weights[k];
		if (sum > UINT32_MAX)
			return UINT32_MAX;
	}
	return (uint32_t)sum;
}
