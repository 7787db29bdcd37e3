/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * kmap_dir.h - keeping the directories "dir4" and "dir6" (see bpf/mxscreen.h)
 * in step with the list maps.  Used by kmap.c only: every list write goes
 * through kmap, which calls these around its map updates.
 *
 * The rules that keep the XDP program from ever seeing a gap:
 *   - kmap_dir_flag() before an entry is written: host and long-prefix
 *     flags, IPv6 hints.  Flags are never cleared (a stale one costs the
 *     program a lookup).
 *   - kmap_dir_raise() after an IPv4 prefix of /24 or shorter is in its
 *     hash: the slots it covers name its length where it is the longest.
 *   - kmap_dir_lower() before such a prefix is deleted: the slots naming
 *     its length name the next shorter prefix of the list instead.
 *   - Prefix words in "host4" (copies of the deciding prefix's entry) are
 *     written before a slot names their prefix and replaced or erased
 *     before it stops naming it.
 * Raising and lowering need the exclusive prefix lock (kmap_dir_lock()),
 * held from before the hash is written until after the slots are, so that
 * two writers never interleave a raise and a lower of the same slots.
 *
 * Every function returns 0 or a negative errno and logs nothing.
 */
#ifndef MXS_KMAP_DIR_H
#define MXS_KMAP_DIR_H

#include <stdint.h>

#include "addr.h"

#include "../../bpf/mxscreen.h"

struct kmap;

/* Map both directories of the pinned maps (km's fds are open). */
int kmap_dir_open(struct kmap *km);
void kmap_dir_close(struct kmap *km);

/* The exclusive lock of prefix writers on the pin directory: waits up to
 * a few seconds, then -EBUSY. */
int kmap_dir_lock(struct kmap *km);
void kmap_dir_unlock(struct kmap *km);

/* Whether writing cidr to list needs the prefix lock and a raise/lower
 * (an IPv4 prefix of /24 or shorter). */
int kmap_dir_resolves(const struct addr_cidr *cidr);

/* Whether cidr is an IPv4 host, mirrored in "host4" (under the lock). */
int kmap_dir_host4(const struct addr_cidr *cidr);
/* Whether a write of cidr needs the lock. */
int kmap_dir_needs_lock(const struct addr_cidr *cidr);

/* After the IPv4 host cidr was written to list's hash with entry e: its
 * compact word (or, when its line is full, the /24's spill flag). */
void kmap_dir_host4_put(struct kmap *km, int list, const struct addr_cidr *cidr,
			const struct mxs_entry *e);
/* Before the IPv4 host cidr is deleted from list's hash. */
void kmap_dir_host4_erase(struct kmap *km, int list,
			  const struct addr_cidr *cidr);
/* Before every IPv4 host of list is deleted. */
void kmap_dir_host4_forget(struct kmap *km, int list);

/* Set the flags (or IPv6 hints) announcing cidr in list. */
int kmap_dir_flag(struct kmap *km, int list, const struct addr_cidr *cidr);

/* After cidr (resolved by the directory) was written to list with entry
 * e: its prefix words in "host4" and its length in the slots where it is
 * the longest (also when only e changed). */
void kmap_dir_raise(struct kmap *km, int list, const struct addr_cidr *cidr,
		    const struct mxs_entry *e);

/* Before cidr (resolved by the directory, present in list) is deleted:
 * looks up the next shorter prefix of the list covering it (net_fd is
 * the list's IPv4 prefix hash). */
int kmap_dir_lower(struct kmap *km, int list, int net_fd,
		   const struct addr_cidr *cidr);

/* Before every IPv4 prefix of list is deleted: no word, no slot names
 * any. */
void kmap_dir_forget_lengths(struct kmap *km, int list);

#endif /* MXS_KMAP_DIR_H */
