/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * listfile.h - reading prefix lists: one address or CIDR prefix per line,
 * with "#" and ";" comments (Spamhaus DROP/EDROP: "192.0.2.0/24 ; SBL123").
 *
 * Contract: a bad line is reported through the bad-line callback with its
 * number and the reason, and parsing goes on; only a read error stops it.
 * The parser never allocates per entry, so million-line files cost no
 * memory beyond what the entry callback keeps.
 */
#ifndef MXS_LISTFILE_H
#define MXS_LISTFILE_H

#include <stdio.h>

#include "addr.h"

/* What a list file holds. */
enum listfile_format {
	LISTFILE_PLAIN = 0,   /* one address or prefix per line; DROP/EDROP */
	LISTFILE_RBLDNSD = 1, /* rbldnsd ip4set/ip4trie/ip6trie/ip6tset data */
};

/* Called for every good entry.  Returning non-zero stops parsing and makes
 * listfile_parse() return that value. */
typedef int (*listfile_entry_fn)(const struct addr_cidr *cidr, void *ctx);

/* Called for every bad line: line number (from 1) and why it is bad. */
typedef void (*listfile_bad_fn)(unsigned long lineno, const char *why,
				void *ctx);

struct listfile_report {
	unsigned long lines;   /* lines read */
	unsigned long entries; /* good entries passed to the callback */
	unsigned long bad;     /* lines reported bad */
};

/* Parse the stream.  Returns 0 when the whole stream was read (bad lines
 * do not make it fail), -EIO on a read error (-ENOMEM when a line does not
 * fit in memory), or the callback's non-zero return value.  Either
 * callback may be NULL; report (may be NULL) is filled in every case. */
int listfile_parse(FILE *in, listfile_entry_fn on_entry,
		   listfile_bad_fn on_bad, void *ctx,
		   struct listfile_report *report);

#endif /* MXS_LISTFILE_H */
