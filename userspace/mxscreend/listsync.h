/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * listsync.h - mxscreend's static lists: mynetworks and allowlist_files
 * (allow), blocklist_files (block), kept in the kernel's lists as entries
 * of reason "file" that never expire and apply to every class.
 *
 * Contract:
 *   - Entries of reason file are this module's and only these: an exact
 *     entry of reason manual or list (the administrator's) is never
 *     overwritten or removed (it is counted), while a dnsbl or rate entry
 *     on a listed prefix is replaced by the permanent file entry.
 *   - A sync never opens a gap: additions first (allow, then block), then
 *     removals (block, then allow).  A prefix that stays listed is never
 *     touched, and one that replaces another is written before the other
 *     goes; an allowed prefix is removed last.
 *   - Fail open: when allow additions fail (a full map), no allow entry is
 *     removed in that sync; block removals always go ahead.
 *   - A file that cannot be read keeps the entries of its last good read;
 *     a file of a list that has not been read once since the daemon
 *     started keeps every file entry of that list in place (the maps may
 *     hold what it listed before a restart).
 *   - Messages: bad lines as "FILE:LINE: why (line skipped)", at most
 *     LISTSYNC_MAX_BAD_LINES per file and read, then a count; one summary
 *     line per sync.
 */
#ifndef MXS_LISTSYNC_H
#define MXS_LISTSYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "lib/kmap.h"

#define LISTSYNC_MAX_BAD_LINES 20

struct listsync;

/* What one sync did (or, without writing, would have done). */
struct listsync_result {
	size_t block, allow;     /* entries the files and mynetworks list */
	size_t added, removed;   /* entries written, deleted */
	size_t kept_admin;       /* listed, but a manual or list entry is
				  * there: left alone */
	unsigned int files;      /* files configured */
	unsigned int unreadable; /* of them, the last read failed */
	unsigned int map_errors; /* writes and deletes the kernel refused */
};

int listsync_new(struct listsync **out);
void listsync_free(struct listsync *ls);

/* Take the static lists of cfg (at start and on every reload).  A file
 * that stays configured with the same path, list and format keeps what
 * its last good read listed; every file is read again at the next
 * listsync_run().  Returns 0 or -ENOMEM. */
int listsync_configure(struct listsync *ls, const struct config *cfg);

/* stat() every file: true when one is due to be read.  A file is due when
 * it appeared, disappeared or became readable, or was replaced (another
 * inode: an updater's rename), at once; when it was written in place
 * (same inode, new size or times), once it has not changed between two
 * polls, so a file is not read half-written. */
bool listsync_poll(struct listsync *ls);

/* Read the files that are due and bring the kernel's file entries in
 * line with what they all list.  With write false (observe mode) the
 * files are read, checked and reported, and the maps are left alone.
 * Logs what it did; returns 0, or -errno when the maps cannot be read
 * (nothing written then).  res (may be NULL) is filled. */
int listsync_run(struct listsync *ls, struct kmap *km, bool write,
		 struct listsync_result *res);

#endif /* MXS_LISTSYNC_H */
