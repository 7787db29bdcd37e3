// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * kmap_account.c - "accounts": the policy service's counts and holds per
 * SASL login (struct account_state; the counting itself is account.c).
 * Part of kmap: the only code that touches the maps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "account.h"
#include "kmap.h"
#include "vec.h"

_Static_assert(sizeof(struct account_state) == MXS_ACCOUNT_STATE_SIZE,
	       "the accounts map is sized for struct account_state");

/* The key: the login NUL-padded (hash keys compare every byte). */
static int kmap_account_key(const char *login, char key[MXS_ACCOUNT_NAME_LEN])
{
	size_t len = strlen(login);

	if (len == 0 || len >= MXS_ACCOUNT_NAME_LEN)
		return -ENAMETOOLONG;
	memset(key, 0, MXS_ACCOUNT_NAME_LEN);
	/* the rest of the key stays zero: the NUL and the padding */
	memcpy(key, login, len + 1);
	return 0;
}

int kmap_account_get(struct kmap *km, const char *login,
		     struct account_state *out)
{
	char key[MXS_ACCOUNT_NAME_LEN];
	int err = kmap_account_key(login, key);

	if (err)
		return err;
	return bpf_map_lookup_elem(km->accounts_fd, key, out) ? -errno : 0;
}

int kmap_account_put(struct kmap *km, const char *login,
		     const struct account_state *st)
{
	char key[MXS_ACCOUNT_NAME_LEN];
	int err = kmap_account_key(login, key);

	if (err)
		return err;
	if (bpf_map_update_elem(km->accounts_fd, key, st, BPF_ANY))
		return errno == E2BIG ? -ENOSPC : -errno;
	return 0;
}

int kmap_account_delete(struct kmap *km, const char *login)
{
	char key[MXS_ACCOUNT_NAME_LEN];
	int err = kmap_account_key(login, key);

	if (err)
		return err;
	return bpf_map_delete_elem(km->accounts_fd, key) ? -errno : 0;
}

int kmap_accounts_walk(struct kmap *km, kmap_account_fn fn, void *ctx)
{
	char key[MXS_ACCOUNT_NAME_LEN], next[MXS_ACCOUNT_NAME_LEN];
	char *prev = NULL;
	struct account_state st;
	int rc;

	while (bpf_map_get_next_key(km->accounts_fd, prev, next) == 0) {
		memcpy(key, next, sizeof(key));
		prev = key;
		if (bpf_map_lookup_elem(km->accounts_fd, key, &st))
			continue; /* deleted meanwhile */
		key[MXS_ACCOUNT_NAME_LEN - 1] = '\0';
		rc = fn(key, &st, ctx);
		if (rc)
			return rc;
	}
	return errno == ENOENT ? 0 : -errno;
}

int kmap_accounts_prune(struct kmap *km,
			bool (*idle)(const struct account_state *, void *),
			void *ctx, size_t *removed)
{
	char key[MXS_ACCOUNT_NAME_LEN], next[MXS_ACCOUNT_NAME_LEN];
	char *prev = NULL, (*doomed)[MXS_ACCOUNT_NAME_LEN] = NULL;
	struct account_state st;
	size_t n = 0, cap = 0;
	int rc = 0;

	*removed = 0;
	/* collect first: deleting while walking restarts get_next_key */
	while (bpf_map_get_next_key(km->accounts_fd, prev, next) == 0) {
		memcpy(key, next, sizeof(key));
		prev = key;
		if (bpf_map_lookup_elem(km->accounts_fd, key, &st) ||
		    !idle(&st, ctx))
			continue;
		if (vec_reserve(&doomed, &cap, n, sizeof(*doomed))) {
			rc = -ENOMEM;
			break;
		}
		memcpy(doomed[n++], key, sizeof(key));
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(km->accounts_fd, doomed[i]) == 0)
			(*removed)++;
	free(doomed);
	return rc;
}
