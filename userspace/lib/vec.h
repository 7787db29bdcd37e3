/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vec.h - growing an array by doubling, for the walks that collect map
 * entries before acting on them.
 */
#ifndef MXS_VEC_H
#define MXS_VEC_H

#include <errno.h>
#include <stdlib.h>

/* Make room for one more item in *items (n used of *cap, each size bytes).
 * Returns 0 or -ENOMEM (then *items is unchanged and still owned by the
 * caller). */
static inline int vec_reserve(void *items, size_t *cap, size_t n, size_t size)
{
	void **p = items;
	size_t want;
	void *grown;

	if (n < *cap)
		return 0;
	want = *cap ? *cap * 2 : 256;
	if (want > (size_t)-1 / size)
		return -ENOMEM;
	grown = realloc(*p, want * size);
	if (!grown)
		return -ENOMEM;
	*p = grown;
	*cap = want;
	return 0;
}

#endif /* MXS_VEC_H */
