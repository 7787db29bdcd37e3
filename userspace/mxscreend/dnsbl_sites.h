/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dnsbl_sites.h - DNSBL sites in Postfix postscreen's own syntax, and the
 * pure parts of a DNSBL lookup: reverse query names, answer validation,
 * filters and scoring.
 *
 * Syntax (postscreen_dnsbl_sites): a list separated by white space and/or
 * commas of zone[=filter][*weight], e.g.
 *   zen.example*3  bl.example=127.0.0.[2..11]*2  wl.example=127.0.[0..255].[1;3]*-5
 * A filter is four dot-separated octet patterns; each is a number, "[n..m]"
 * (a range), "[a;b;c]" (a set), or a bracketed mix "[1;3..5]".  Weight is a
 * signed integer, default 1; negative weights are for allowlists (DNSWL).
 * Several sites may name the same zone with different filters; the zone
 * is queried once.
 *
 * Contract: nothing here does I/O, allocates, or logs.  Addresses are in
 * network byte order as in bpf/mxscreen.h; DNS answers (A records) are
 * passed as uint32_t in network byte order too.
 */
#ifndef MXS_DNSBL_SITES_H
#define MXS_DNSBL_SITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../bpf/mxscreen.h"

#define DNSBL_MAX_SITES MXS_DNSBL_MAX_SITES
#define DNSBL_ZONE_LEN 254       /* a domain name, NUL included */
#define DNSBL_MAX_ANSWERS 16     /* A records kept per zone answer */
/* "f.e.d.c. ... .zone": 64 nibble labels + the zone + NUL */
#define DNSBL_QNAME_LEN (64 + DNSBL_ZONE_LEN + 1)

struct dnsbl_site {
	char spec[MXS_SITE_SPEC_LEN]; /* the text as configured (truncated) */
	unsigned int zone;            /* index into dnsbl_sites.zone[] */
	bool has_filter;
	uint8_t octet[4][32];         /* filter: allowed values, a bitmap per octet */
	int weight;
};

struct dnsbl_sites {
	unsigned int nr_sites;
	struct dnsbl_site site[DNSBL_MAX_SITES];
	unsigned int nr_zones; /* distinct zones, in order of first mention */
	char zone[DNSBL_MAX_SITES][DNSBL_ZONE_LEN]; /* lower case, no trailing dot */
};

/* Parse the whole setting.  Empty text is valid (no sites).  Returns 0 or
 * -EINVAL/-ERANGE with a message naming the bad site and what was
 * expected, e.g. "bad filter in \"bl.example=127.0.0.[2..]\": expected
 * [n..m] with n <= m <= 255". */
int dnsbl_sites_parse(const char *text, struct dnsbl_sites *out, char *err,
		      size_t errlen);

/* Whether two tables say the same: the same sites (text, zone, filter,
 * weight) in the same order.  Compares members, not bytes, so padding
 * and whatever follows a NUL never count. */
bool dnsbl_sites_equal(const struct dnsbl_sites *a,
		       const struct dnsbl_sites *b);

/* Whether the A record answer (network order) passes the site's filter
 * (a site without a filter accepts every answer). */
bool dnsbl_site_match(const struct dnsbl_site *site, uint32_t answer);

/* The query name for an address in a zone: reversed octets for IPv4
 * ("7.100.51.198.zone"), reversed nibbles for IPv6.  family is
 * MXS_FAMILY_V4/V6.  Returns 0 or -ENAMETOOLONG. */
int dnsbl_query_name(uint8_t family, const uint8_t *addr, const char *zone,
		     char *buf, size_t len);

/* What one zone's answer means. */
enum dnsbl_answer_kind {
	DNSBL_ANSWER_LISTED = 0,  /* every record in 127.0.0.0/8, none refused */
	DNSBL_ANSWER_REFUSED = 1, /* a record in 127.255.255.0/24: the list
				   * refuses us (public resolver, rate limit) */
	DNSBL_ANSWER_BOGUS = 2,   /* a record outside 127/8: never a listing */
};
/* Classify a zone's A records (n >= 1).  REFUSED wins over BOGUS. */
enum dnsbl_answer_kind dnsbl_answer_classify(const uint32_t *answers,
					     unsigned int n);

/* One zone's answer as the lookup engine collected it. */
struct dnsbl_zone_answer {
	bool listed;          /* a valid (DNSBL_ANSWER_LISTED) answer */
	unsigned int nr;      /* records in a[] */
	uint32_t a[DNSBL_MAX_ANSWERS];
	uint32_t ttl;         /* the smallest TTL of the records, seconds */
};

/* The score of one address.  answers[z] belongs to zone z (nr_zones of
 * them); zones not listed (or failed, or disabled) have listed == false.
 * Each site whose zone is listed and has a record passing the site's
 * filter adds its weight once.  Up to MXS_DNSBL_MAX_HITS matches are
 * written to hits (site index and the first matching record) and counted
 * in *nr_hits.  *ttl is the smallest TTL of the zones that contributed a
 * non-zero weight (0 if none). */
int dnsbl_score(const struct dnsbl_sites *sites,
		const struct dnsbl_zone_answer *answers,
		struct mxs_dnsbl_hit *hits, uint8_t *nr_hits, uint32_t *ttl);

/* ttl clamped to [min, max]. */
uint64_t dnsbl_clamp_ttl(uint64_t ttl, uint64_t min, uint64_t max);

/* "zen.example=127.0.0.4*3" for a hit: the site's zone, the record, the
 * weight; as in the daemon's log lines. */
void dnsbl_format_hit(const struct dnsbl_sites *sites,
		      const struct mxs_dnsbl_hit *hit, char *buf, size_t len);

#endif /* MXS_DNSBL_SITES_H */
