// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * kmap_pfscore.c - "postfix_scores": the Postfix event counts mxscreend
 * keeps per source and class (struct mxs_pf_score; the counting itself is
 * pfscore.c).  Part of kmap: the only code that touches the maps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "kmap.h"
#include "vec.h"

static void kmap_pfscore_key(const struct addr_cidr *cidr, unsigned int class_,
			     struct mxs_rate_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = cidr->family;
	key->class_ = (uint8_t)class_;
	key->prefixlen = cidr->prefixlen;
	memcpy(key->addr, cidr->addr, sizeof(key->addr));
}

int kmap_pfscore_get(struct kmap *km, const struct addr_cidr *cidr,
		     unsigned int class_, struct mxs_pf_score *out)
{
	struct mxs_rate_key key;

	kmap_pfscore_key(cidr, class_, &key);
	if (bpf_map_lookup_elem(km->pf_scores_fd, &key, out))
		return -errno;
	return 0;
}

int kmap_pfscore_put(struct kmap *km, const struct addr_cidr *cidr,
		     unsigned int class_, const struct mxs_pf_score *s)
{
	struct mxs_rate_key key;

	kmap_pfscore_key(cidr, class_, &key);
	if (bpf_map_update_elem(km->pf_scores_fd, &key, s, BPF_ANY))
		return errno == E2BIG ? -ENOSPC : -errno;
	return 0;
}

int kmap_pfscore_delete(struct kmap *km, const struct addr_cidr *cidr,
			unsigned int class_)
{
	struct mxs_rate_key key;

	kmap_pfscore_key(cidr, class_, &key);
	if (bpf_map_delete_elem(km->pf_scores_fd, &key))
		return -errno;
	return 0;
}

int kmap_pfscores_prune(struct kmap *km, uint64_t before_ns, size_t *removed)
{
	struct mxs_rate_key key, next, *prev = NULL, *doomed = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*removed = 0;
	/* collect first: deleting while walking restarts get_next_key */
	while (bpf_map_get_next_key(km->pf_scores_fd, prev, &next) == 0) {
		struct mxs_pf_score s;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(km->pf_scores_fd, &key, &s) ||
		    s.last_ns >= before_ns)
			continue;
		if (vec_reserve(&doomed, &cap, n, sizeof(*doomed))) {
			rc = -ENOMEM;
			break;
		}
		doomed[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(km->pf_scores_fd, &doomed[i]) == 0)
			(*removed)++;
	free(doomed);
	return rc;
}
