/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * export_file.h - the fleet export (export.h) from the maps to a stream
 * or a file: mxscreen export and mxscreend's export_file.
 *
 * Contract: functions return 0 or a negative errno and log nothing; a
 * failure is described in err, for the caller to word (the CLI prints it,
 * the daemon logs it once per distinct failure).
 */
#ifndef MXS_EXPORT_FILE_H
#define MXS_EXPORT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "kmap.h"

/* The entries to export, sorted (export_sort()). */
struct export_set {
	struct export_entry *v;
	size_t n, cap;
	size_t loopback; /* left out: export_is_loopback() */
};

/* Collect the block entries that are live now, of a reason in reasons
 * (bit 1 << enum mxs_reason) and for some class, with their expiry on
 * the wall clock.  On failure *set is empty. */
int export_collect(struct kmap *km, uint8_t reasons, struct export_set *set);
void export_set_free(struct export_set *set);

/* This host's name for the TXT records: gethostname(), made valid
 * (export_name_sanitize()).  buf holds EXPORT_NAME_LEN. */
void export_host_name(char *buf, size_t len);

/* The paths export_save() is sized for, NUL included: the daemon's
 * export_file is at most this long (daemon_export.c checks); a longer
 * one, from mxscreen export --output, fails with -ENAMETOOLONG once it
 * and the temporary file's suffix no longer fit. */
#define EXPORT_PATH_LEN 256

/* Write the file atomically and readable by all (rbldnsd runs as its own
 * user, and the data is published in DNS anyway): a temporary file in
 * path's directory, fsync, rename over path, fsync the directory.
 * Returns 0, or -errno with what failed in err. */
int export_save(const char *path, const struct export_info *info,
		const struct export_set *set, char *err, size_t errlen);

#endif /* MXS_EXPORT_FILE_H */
