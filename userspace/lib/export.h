/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * export.h - this host's block entries as an rbldnsd data file, so that a
 * fleet of MX hosts can share what each of them refuses through one DNSBL
 * zone (docs/fleet.md).  Pure: text only, no maps, no files; the maps are
 * walked and the file written by export_file.h.
 *
 * The file is one rbldnsd "combined" dataset: a $TTL line, then an
 * ip4trie dataset and an ip6trie dataset, both attached to the base zone
 * ("@").  Each entry answers an A value that says why it exists, so that
 * consumers can weight the reasons differently in dnsbl_sites:
 *
 *   127.0.0.2 manual   127.0.0.3 rate   127.0.0.4 dnsbl
 *   127.0.0.5 list     127.0.0.6 file   127.0.0.8 postfix
 *   127.0.0.9 account
 *
 * and 127.0.1.X for the same reason X when the entry applies to the
 * submission ports only (a consumer filtering on 127.0.0.X never refuses
 * port 25 for what was a submission-only decision).  127.0.0.1 is never
 * answered: it is RFC 5782's "must not be listed" test point, and an
 * entry covering it (or anything else in 127.0.0.0/8) is not exported,
 * since mxscreend, like other DNSBL clients, stops using a zone that
 * lists 127.0.0.1.  The file lists the positive test points 127.0.0.2 and
 * ::ffff:127.0.0.2 itself, as RFC 5782 asks of a DNSBL.
 *
 * Contract: entries are written in the order given (export_sort() puts
 * IPv4 before IPv6, which the two datasets need); times are UTC; nothing
 * here logs.
 */
#ifndef MXS_EXPORT_H
#define MXS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

/* What is exported unless told otherwise: decisions this host took.
 * dnsbl verdicts are left out on purpose: every host can ask the DNSBLs
 * itself, and re-exporting them (among them those learned from the fleet
 * zone) would let the fleet zone keep an address listed from its own
 * answers long after every real list dropped it. */
#define EXPORT_DEFAULT_REASONS                                                 \
	((uint8_t)((1u << MXS_REASON_MANUAL) | (1u << MXS_REASON_RATE) |       \
		   (1u << MXS_REASON_POSTFIX) | (1u << MXS_REASON_ACCOUNT)))
/* Every reason an entry can have. */
#define EXPORT_ALL_REASONS                                                     \
	((uint8_t)(((1u << MXS_NR_REASONS) - 1) & ~(1u << MXS_REASON_NONE)))

/* The $TTL of the file: the daemon's export_interval within these bounds
 * (a TTL shorter than the interval would buy nothing but queries; one
 * longer than an hour keeps a lifted ban in caches for too long). */
#define EXPORT_TTL_MIN 10
#define EXPORT_TTL_MAX 3600
/* mxscreen export without --ttl, and the largest --ttl */
#define EXPORT_TTL_DEFAULT 60
#define EXPORT_TTL_CLI_MAX 86400

/* Longest host name in the TXT records, NUL included. */
#define EXPORT_NAME_LEN 64
/* Longest line export_format_entry() writes, NUL included. */
#define EXPORT_LINE_MAX 256
/* Longest export_format_reasons() text, NUL included. */
#define EXPORT_REASONS_STRLEN 48

/* One exported block entry. */
struct export_entry {
	struct addr_cidr cidr;
	uint8_t reason;        /* enum mxs_reason */
	uint8_t classes;       /* MXS_CLASS_BIT mask, not 0 */
	uint64_t expires_unix; /* wall clock, seconds; 0 = never */
};

/* What the header and the TXT records say. */
struct export_info {
	const char *name;  /* who refuses: export_name_valid() */
	uint32_t ttl;      /* $TTL, seconds, at least 1 */
	uint8_t reasons;   /* bit (1 << enum mxs_reason) that were exported */
	uint64_t now_unix; /* when the file was made */
	size_t loopback;   /* entries left out by export_is_loopback() */
};

/* "manual,rate" or "manual, rate" (any blanks after commas), or "all";
 * names as settings_reason_name() spells them.  Returns 0 or -EINVAL
 * with a message in err (*mask untouched). */
int export_parse_reasons(const char *text, uint8_t *mask, char *err,
			 size_t errlen);
/* "manual,rate", "all" when every reason, "none" when mask has none. */
void export_format_reasons(uint8_t mask, char *buf, size_t len);

/* A host name the TXT records can carry as it is: 1 to
 * EXPORT_NAME_LEN - 1 characters, letters, digits, '.', '-' and '_'
 * (rbldnsd would replace a '$' with the address looked up). */
bool export_name_valid(const char *name);
/* name made valid: other characters become '-', too long is cut, empty
 * becomes "localhost".  buf holds EXPORT_NAME_LEN. */
void export_name_sanitize(const char *name, char *buf, size_t len);

/* The file's TTL for an export interval (seconds). */
uint32_t export_ttl_of_interval(uint64_t interval_s);

/* Whether the prefix must stay out of a DNSBL: it covers 127.0.0.1 (or
 * ::ffff:127.0.0.1), or lies in 127.0.0.0/8. */
bool export_is_loopback(const struct addr_cidr *cidr);

/* The A value of an entry: "127.0.0.3", "127.0.1.2".  buf holds 16. */
void export_a_value(uint8_t reason, uint8_t classes, char *buf, size_t len);

/* IPv4 first, then IPv6, each by address then prefix length. */
void export_sort(struct export_entry *v, size_t n);

/* One data line, without newline:
 *   192.0.2.7 :127.0.0.3:refused by mx1.example (rate, class mx) until 2026-11-22T10:00:00Z
 * Returns 0, or -ENOSPC when it does not fit in len (buf then holds "").
 */
int export_format_entry(const struct export_entry *e, const char *name,
			char *buf, size_t len);

/* The whole file: header comment, $TTL, both datasets with their test
 * points, then v's entries (sorted by export_sort()).  Returns 0 or -EIO
 * when out fails. */
int export_write(FILE *out, const struct export_info *info,
		 const struct export_entry *v, size_t n);

#endif /* MXS_EXPORT_H */
