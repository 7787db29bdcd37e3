/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * listfile.h - reading prefix lists in two formats:
 *   plain:   one address or CIDR prefix per line, with "#" and ";"
 *            comments (Spamhaus DROP/EDROP: "192.0.2.0/24 ; SBL123");
 *   rbldnsd: the data files of rbldnsd's ip4set, ip4trie, ip4tset,
 *            ip6trie and ip6tset datasets (see rbldnsd(8)): abbreviated
 *            IPv4 prefixes ("192.0.2" is a /24), IPv4 ranges, IPv6
 *            prefixes without "::" ("2001:db8:1:2" is a /64), a value
 *            after the address, "$" directives and ":A:TXT" default lines.
 *
 * Contract: a bad line is reported through the bad-line callback with its
 * number and the reason, and parsing goes on; only a read error stops it.
 * One line may stand for several prefixes (an IPv4 range is cut into the
 * fewest CIDR blocks that cover it exactly, at most
 * LISTFILE_MAX_LINE_PREFIXES).  The parser never allocates per entry, so
 * million-line files cost no memory beyond what the entry callback keeps.
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

/* The most prefixes one line stands for: any IPv4 range is covered
 * exactly by at most 2 * 32 - 2 CIDR blocks. */
#define LISTFILE_MAX_LINE_PREFIXES 62

/* Called for every good entry.  Returning non-zero stops parsing and makes
 * listfile_parse() return that value. */
typedef int (*listfile_entry_fn)(const struct addr_cidr *cidr, void *ctx);

/* Called for every bad line: line number (from 1) and why it is bad. */
typedef void (*listfile_bad_fn)(unsigned long lineno, const char *why,
				void *ctx);

struct listfile_report {
	unsigned long lines;   /* lines read */
	unsigned long entries; /* good prefixes passed to the callback */
	unsigned long bad;     /* lines reported bad */
};

/* Parse the stream.  Returns 0 when the whole stream was read (bad lines
 * do not make it fail), -EIO on a read error (-ENOMEM when a line does not
 * fit in memory), or the callback's non-zero return value.  Either
 * callback may be NULL; report (may be NULL) is filled in every case. */
int listfile_parse(FILE *in, listfile_entry_fn on_entry,
		   listfile_bad_fn on_bad, void *ctx,
		   struct listfile_report *report);

/* The same for a stream in the given format (listfile_parse() is
 * LISTFILE_PLAIN); -EINVAL for an unknown format.
 *
 * rbldnsd lines the screener cannot act on: an exclusion ("!ADDR") is a
 * bad line, since an LPM list cannot cut an address out of a listed range
 * (the range stays listed); values after the address (":127.0.0.2:text"
 * or "text") are ignored, so every entry of the file is listed. */
int listfile_parse_format(FILE *in, enum listfile_format format,
			  listfile_entry_fn on_entry, listfile_bad_fn on_bad,
			  void *ctx, struct listfile_report *report);

/* "plain" or "rbldnsd", for messages. */
const char *listfile_format_name(enum listfile_format format);

#endif /* MXS_LISTFILE_H */
