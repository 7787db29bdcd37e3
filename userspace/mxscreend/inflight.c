// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* inflight.c - see inflight.h.  A chained hash table (FNV-1a over the
 * address) and a fixed one-second admission window. */
#include <string.h>

#include "inflight.h"

#define NS_PER_S 1000000000ull

static size_t inflight_addr_len(uint8_t family)
{
	return family == MXS_FAMILY_V6 ? 16 : 4;
}

bool inflight_same(const struct mxs_source *a, const struct mxs_source *b)
{
	return a->family == b->family &&
	       memcmp(a->addr, b->addr, inflight_addr_len(a->family)) == 0;
}

static unsigned int inflight_hash(const struct mxs_source *src)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < inflight_addr_len(src->family); i++)
		h = (h ^ src->addr[i]) * 16777619u;
	return (h ^ src->family) % INFLIGHT_BUCKETS;
}

void inflight_init(struct inflight *t, uint32_t max_count,
		   uint32_t max_per_second)
{
	memset(t, 0, sizeof(*t));
	t->max_count = max_count;
	t->max_per_second = max_per_second;
}

struct inflight_node *inflight_find(struct inflight *t,
				    const struct mxs_source *src)
{
	struct inflight_node *n = t->bucket[inflight_hash(src)];

	while (n && !inflight_same(&n->src, src))
		n = n->next;
	return n;
}

enum inflight_admit inflight_admit(struct inflight *t,
				   const struct mxs_source *src,
				   uint64_t now_ns)
{
	if (inflight_find(t, src))
		return INFLIGHT_MERGED;
	if (t->count >= t->max_count)
		return INFLIGHT_BUSY;
	if (now_ns - t->window_start_ns >= NS_PER_S) {
		t->window_start_ns = now_ns;
		t->window_count = 0;
	}
	if (t->window_count >= t->max_per_second)
		return INFLIGHT_RATE;
	t->window_count++;
	return INFLIGHT_NEW;
}

void inflight_add(struct inflight *t, struct inflight_node *n)
{
	struct inflight_node **head = &t->bucket[inflight_hash(&n->src)];

	n->next = *head;
	*head = n;
	t->count++;
}

void inflight_remove(struct inflight *t, struct inflight_node *n)
{
	struct inflight_node **p = &t->bucket[inflight_hash(&n->src)];

	while (*p && *p != n)
		p = &(*p)->next;
	if (*p) {
		*p = n->next;
		t->count--;
	}
}
