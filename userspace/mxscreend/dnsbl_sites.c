/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dnsbl_sites.c - see dnsbl_sites.h: postscreen_dnsbl_sites parsing and
 * the pure steps of a DNSBL lookup.
 *
 * Parsing is strict where postscreen is lenient, so that a typo is an
 * error at start-up rather than a list that silently never matches:
 *  - zone: letters, digits, hyphens and dots; labels of 1 to 63
 *    characters that neither start nor end with a hyphen; at most 189
 *    characters, so that every query name fits in a DNS name (253
 *    characters; an IPv6 address adds 64); one trailing dot allowed (and
 *    dropped); the last label not all digits (that is an address, not a
 *    zone).  Stored lower case.
 *  - filter: exactly four octet patterns; numbers are decimal 0..255
 *    without leading zeros (other tools read "010" as octal); no "[...]"
 *    around the whole pattern (postscreen allows that; it is never needed).
 *  - weight: an optional sign and decimal digits without leading zeros,
 *    -1000000..1000000.  Zero is accepted, as in postscreen: such a site
 *    scores nothing but its hits are still reported, which is how a new
 *    list is watched before it is trusted.
 * Separators (white space, commas) may repeat and may lead or trail, as
 * in postscreen.  The same site may be given twice; it then counts twice,
 * as in postscreen.
 *
 * Errors: -ERANGE for too many sites or a weight out of bounds, -EINVAL
 * for everything else; the message names the site and what was expected.
 * On error *out is left untouched, so a failed reload keeps the old sites.
 */
#include "dnsbl_sites.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DNSBL_WEIGHT_MAX 1000000
#define DNS_NAME_MAX 253  /* text form, no trailing dot */
#define DNS_LABEL_MAX 63
/* The longest zone every query name fits in: an IPv6 address adds 32
 * nibbles and 32 dots. */
#define ZONE_MAX (DNS_NAME_MAX - 64)

#define FILTER_HELP "four octet patterns separated by dots, e.g. 127.0.0.[2..11]"
#define OCTET_HELP "a number from 0 to 255 (no leading zeros) or a [...] list"
#define RANGE_HELP "[n..m] with n <= m <= 255"
#define LIST_HELP "numbers or n..m ranges separated by \";\" inside [...]"

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v' || c == ',';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ---- zone ---------------------------------------------------------------- */

/* Check the zone [s, s + len) and store it lower case without a trailing
 * dot.  Returns NULL or what was expected. */
static const char *parse_zone(const char *s, size_t len,
			      char zone[DNSBL_ZONE_LEN])
{
	size_t i, label = 0;
	bool numeric = true;

	if (len && s[len - 1] == '.')
		len--;
	if (!len)
		return "a domain name before \"=\" or \"*\"";
	if (len > ZONE_MAX)
		return "a domain name of at most 189 characters (a query name "
		       "for an IPv6 address adds 64, and DNS allows 253)";
	for (i = 0; i <= len; i++) {
		char c = i < len ? s[i] : '.';

		if (c == '.') {
			if (!label)
				return "a domain name without empty labels";
			if (s[i - 1] == '-')
				return "labels that do not end with \"-\"";
			if (i < len) {
				label = 0;
				numeric = true;
			}
			continue;
		}
		if (!is_digit(c) && c != '-' &&
		    !(to_lower(c) >= 'a' && to_lower(c) <= 'z'))
			return "a domain name of letters, digits, \"-\" and dots";
		if (c == '-' && !label)
			return "labels that do not start with \"-\"";
		if (++label > DNS_LABEL_MAX)
			return "labels of at most 63 characters";
		if (!is_digit(c))
			numeric = false;
	}
	/* numeric now describes the last label. */
	if (numeric)
		return "a domain name, not an address (the last label is all digits)";
	for (i = 0; i < len; i++)
		zone[i] = to_lower(s[i]);
	zone[len] = '\0';
	return NULL;
}

/* ---- filter -------------------------------------------------------------- */

/* A decimal 0..255 at *p, advancing *p.  false on syntax or range. */
static bool parse_octet(const char **p, const char *end, unsigned int *out)
{
	const char *s = *p;
	unsigned int v = 0;
	size_t n = 0;

	while (s + n < end && is_digit(s[n])) {
		v = v * 10 + (unsigned int)(s[n] - '0');
		if (++n > 3)
			return false;
	}
	if (!n || (n > 1 && s[0] == '0') || v > 255)
		return false;
	*p = s + n;
	*out = v;
	return true;
}

static void bitmap_set_range(uint8_t map[32], unsigned int lo,
			     unsigned int hi)
{
	unsigned int v;

	for (v = lo; v <= hi; v++)
		map[v / 8] |= (uint8_t)(1u << (v % 8));
}

/* One octet pattern: the field [s, end).  Returns NULL or what was
 * expected. */
static const char *parse_field(const char *s, const char *end,
			       uint8_t map[32])
{
	const char *p = s;
	unsigned int lo, hi;

	if (p == end)
		return FILTER_HELP;
	if (*p != '[') {
		if (!parse_octet(&p, end, &lo) || p != end)
			return OCTET_HELP;
		bitmap_set_range(map, lo, lo);
		return NULL;
	}
	if (end[-1] != ']' || end - s < 2)
		return LIST_HELP;
	p++;
	end--;
	for (;;) {
		if (!parse_octet(&p, end, &lo))
			return LIST_HELP;
		hi = lo;
		if (end - p >= 2 && p[0] == '.' && p[1] == '.') {
			p += 2;
			if (!parse_octet(&p, end, &hi) || hi < lo)
				return RANGE_HELP;
		}
		bitmap_set_range(map, lo, hi);
		if (p == end)
			return NULL;
		if (*p != ';')
			return LIST_HELP;
		p++;
	}
}

/* The filter [s, s + len): four fields separated by the dots outside
 * brackets.  Returns NULL or what was expected; *field says which octet
 * (1..4, at [*fs, *fs + *flen)) was wrong, 0 when it was the shape. */
static const char *parse_filter(const char *s, size_t len,
				uint8_t octet[4][32], unsigned int *field,
				const char **fs, size_t *flen)
{
	const char *end = s + len, *start = s, *p, *f[4];
	size_t fl[4];
	bool inside = false;
	unsigned int n = 0, i;

	*field = 0;
	for (p = s; p <= end; p++) {
		if (p == end || (*p == '.' && !inside)) {
			if (n == 4)
				return FILTER_HELP;
			f[n] = start;
			fl[n++] = (size_t)(p - start);
			start = p + 1;
		} else if (*p == '[') {
			inside = true;
		} else if (*p == ']') {
			inside = false;
		}
	}
	if (inside) {
		/* "[" never closed: the rest is one field, blame it */
		*field = n;
		*fs = f[n - 1];
		*flen = fl[n - 1];
		return LIST_HELP;
	}
	if (n != 4)
		return FILTER_HELP;
	for (i = 0; i < 4; i++) {
		const char *why;

		if (!fl[i])
			return FILTER_HELP;
		why = parse_field(f[i], f[i] + fl[i], octet[i]);
		if (why) {
			*field = i + 1;
			*fs = f[i];
			*flen = fl[i];
			return why;
		}
	}
	return NULL;
}

/* ---- weight -------------------------------------------------------------- */

/* The weight [s, s + len): 0, -EINVAL or -ERANGE. */
static int parse_weight(const char *s, size_t len, int *out)
{
	bool neg = false;
	long v = 0;
	size_t i = 0;

	if (len && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len || (s[i] == '0' && len - i > 1))
		return -EINVAL;
	for (; i < len; i++) {
		if (!is_digit(s[i]))
			return -EINVAL;
		if (v <= DNSBL_WEIGHT_MAX)
			v = v * 10 + (s[i] - '0');
	}
	if (v > DNSBL_WEIGHT_MAX)
		return -ERANGE;
	*out = (int)(neg ? -v : v);
	return 0;
}

/* ---- sites --------------------------------------------------------------- */

/* The site [item, item + len) appended to *sites. */
static int parse_site(const char *item, size_t len, struct dnsbl_sites *sites,
		      char *err, size_t errlen)
{
	const char *star = memchr(item, '*', len);
	size_t head = star ? (size_t)(star - item) : len;
	const char *eq = memchr(item, '=', head);
	size_t zlen = eq ? (size_t)(eq - item) : head;
	struct dnsbl_site *site;
	/* NUL-padded: the table holds nothing that depends on the stack */
	char zone[DNSBL_ZONE_LEN] = "";
	const char *why;
	unsigned int z;
	int rc;

	if (sites->nr_sites >= DNSBL_MAX_SITES) {
		errbuf_set(err, errlen,
			"too many DNSBL sites at \"%.*s\": at most %d", (int)len,
			item, DNSBL_MAX_SITES);
		return -ERANGE;
	}
	site = &sites->site[sites->nr_sites];
	memset(site, 0, sizeof(*site));
	site->weight = 1;

	why = parse_zone(item, zlen, zone);
	if (why && zlen == len) {
		/* the site is just the zone: name it once (it may be long) */
		errbuf_set(err, errlen, "bad DNSBL zone \"%.*s\": expected %s",
			(int)zlen, item, why);
		return -EINVAL;
	}
	if (why) {
		errbuf_set(err, errlen,
			"bad DNSBL zone \"%.*s\" in \"%.*s\": expected %s",
			(int)zlen, item, (int)len, item, why);
		return -EINVAL;
	}
	if (eq) {
		const char *fs = NULL;
		unsigned int field;
		size_t flen = 0;

		why = parse_filter(eq + 1, head - zlen - 1, site->octet,
				   &field, &fs, &flen);
		if (why && field) {
			errbuf_set(err, errlen,
				"bad filter in \"%.*s\": expected %s (octet %u \"%.*s\")",
				(int)len, item, why, field, (int)flen, fs);
			return -EINVAL;
		}
		if (why) {
			errbuf_set(err, errlen,
				"bad filter in \"%.*s\": expected %s", (int)len,
				item, why);
			return -EINVAL;
		}
		site->has_filter = true;
	}
	if (star) {
		rc = parse_weight(star + 1, len - head - 1, &site->weight);
		if (rc) {
			errbuf_set(err, errlen,
				"bad weight \"%.*s\" in \"%.*s\": expected a whole number from -%d to %d",
				(int)(len - head - 1), star + 1, (int)len, item,
				DNSBL_WEIGHT_MAX, DNSBL_WEIGHT_MAX);
			return rc;
		}
	}

	for (z = 0; z < sites->nr_zones; z++)
		if (strcmp(sites->zone[z], zone) == 0)
			break;
	if (z == sites->nr_zones) {
		memcpy(sites->zone[z], zone, sizeof(zone));
		sites->nr_zones++;
	}
	site->zone = z;
	if (len > sizeof(site->spec) - 1)
		len = sizeof(site->spec) - 1;
	memcpy(site->spec, item, len);
	site->spec[len] = '\0';
	sites->nr_sites++;
	return 0;
}

int dnsbl_sites_parse(const char *text, struct dnsbl_sites *out, char *err,
		      size_t errlen)
{
	struct dnsbl_sites sites;
	const char *p = text;
	int rc;

	if (!text) {
		errbuf_set(err, errlen, "missing DNSBL site list");
		return -EINVAL;
	}
	memset(&sites, 0, sizeof(sites));
	for (;;) {
		const char *item;

		while (*p && is_sep(*p))
			p++;
		if (!*p)
			break;
		item = p;
		while (*p && !is_sep(*p))
			p++;
		rc = parse_site(item, (size_t)(p - item), &sites, err, errlen);
		if (rc)
			return rc;
	}
	memcpy(out, &sites, sizeof(sites));
	return 0;
}

/* ---- lookups ------------------------------------------------------------- */

bool dnsbl_site_match(const struct dnsbl_site *site, uint32_t answer)
{
	uint8_t b[4];
	unsigned int i;

	if (!site->has_filter)
		return true;
	memcpy(b, &answer, sizeof(b));
	for (i = 0; i < 4; i++)
		if (!(site->octet[i][b[i] / 8] & (1u << (b[i] % 8))))
			return false;
	return true;
}

int dnsbl_query_name(uint8_t family, const uint8_t *addr, const char *zone,
		     char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char name[DNSBL_QNAME_LEN + 64];
	size_t n = 0, zlen;
	int i;

	if (len)
		buf[0] = '\0';
	if (family != MXS_FAMILY_V4 && family != MXS_FAMILY_V6)
		return -EINVAL;
	zlen = strlen(zone);
	/* Longer than DNS allows: no resolver would send it. */
	if (zlen > DNS_NAME_MAX)
		return -ENAMETOOLONG;
	if (family == MXS_FAMILY_V4) {
		for (i = 3; i >= 0; i--)
			n += (size_t)snprintf(name + n, sizeof(name) - n,
					      "%u.", addr[i]);
	} else {
		for (i = 15; i >= 0; i--) {
			name[n++] = hex[addr[i] & 0xf];
			name[n++] = '.';
			name[n++] = hex[addr[i] >> 4];
			name[n++] = '.';
		}
	}
	memcpy(name + n, zone, zlen + 1);
	n += zlen;
	if (n > DNS_NAME_MAX || n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, name, n + 1);
	return 0;
}

enum dnsbl_answer_kind dnsbl_answer_classify(const uint32_t *answers,
					     unsigned int n)
{
	enum dnsbl_answer_kind kind = DNSBL_ANSWER_LISTED;
	unsigned int i;

	/* No records is not a listing; the caller should not ask. */
	if (!n)
		return DNSBL_ANSWER_BOGUS;
	for (i = 0; i < n; i++) {
		uint8_t b[4];

		memcpy(b, &answers[i], sizeof(b));
		if (b[0] == 127 && b[1] == 255 && b[2] == 255)
			return DNSBL_ANSWER_REFUSED;
		if (b[0] != 127)
			kind = DNSBL_ANSWER_BOGUS;
	}
	return kind;
}

int dnsbl_score(const struct dnsbl_sites *sites,
		const struct dnsbl_zone_answer *answers,
		struct mxs_dnsbl_hit *hits, uint8_t *nr_hits, uint32_t *ttl)
{
	bool have_ttl = false;
	uint32_t min_ttl = 0;
	unsigned int i, nh = 0;
	int score = 0;

	for (i = 0; i < sites->nr_sites && i < DNSBL_MAX_SITES; i++) {
		const struct dnsbl_site *site = &sites->site[i];
		const struct dnsbl_zone_answer *za;
		unsigned int r, nr;

		if (site->zone >= sites->nr_zones)
			continue;
		za = &answers[site->zone];
		if (!za->listed)
			continue;
		nr = za->nr < DNSBL_MAX_ANSWERS ? za->nr : DNSBL_MAX_ANSWERS;
		for (r = 0; r < nr; r++)
			if (dnsbl_site_match(site, za->a[r]))
				break;
		if (r == nr)
			continue;
		score += site->weight;
		if (site->weight && (!have_ttl || za->ttl < min_ttl)) {
			min_ttl = za->ttl;
			have_ttl = true;
		}
		if (hits && nh < MXS_DNSBL_MAX_HITS) {
			memset(&hits[nh], 0, sizeof(hits[nh]));
			hits[nh].site = (uint8_t)i;
			hits[nh].answer = za->a[r];
			nh++;
		}
	}
	if (nr_hits)
		*nr_hits = (uint8_t)nh;
	if (ttl)
		*ttl = min_ttl;
	return score;
}

uint64_t dnsbl_clamp_ttl(uint64_t ttl, uint64_t min, uint64_t max)
{
	/* max wins over min: it is the bound that keeps stale verdicts out. */
	if (ttl < min)
		ttl = min;
	if (ttl > max)
		ttl = max;
	return ttl;
}

void dnsbl_format_hit(const struct dnsbl_sites *sites,
		      const struct mxs_dnsbl_hit *hit, char *buf, size_t len)
{
	const char *zone = "?";
	uint8_t b[4];
	int weight = 0;

	if (!len)
		return;
	if (hit->site < sites->nr_sites && hit->site < DNSBL_MAX_SITES) {
		const struct dnsbl_site *site = &sites->site[hit->site];

		weight = site->weight;
		if (site->zone < sites->nr_zones)
			zone = sites->zone[site->zone];
	}
	memcpy(b, &hit->answer, sizeof(b));
	snprintf(buf, len, "%s=%u.%u.%u.%u*%d", zone, b[0], b[1], b[2], b[3],
		 weight);
}

bool dnsbl_sites_equal(const struct dnsbl_sites *a,
		       const struct dnsbl_sites *b)
{
	if (a->nr_sites != b->nr_sites || a->nr_zones != b->nr_zones ||
	    a->nr_sites > DNSBL_MAX_SITES || a->nr_zones > DNSBL_MAX_SITES)
		return false;
	for (unsigned int i = 0; i < a->nr_sites; i++) {
		const struct dnsbl_site *x = &a->site[i], *y = &b->site[i];

		if (strncmp(x->spec, y->spec, sizeof(x->spec)) != 0 ||
		    x->zone != y->zone || x->has_filter != y->has_filter ||
		    x->weight != y->weight ||
		    (x->has_filter &&
		     memcmp(x->octet, y->octet, sizeof(x->octet)) != 0))
			return false;
	}
	for (unsigned int i = 0; i < a->nr_zones; i++)
		if (strncmp(a->zone[i], b->zone[i], sizeof(a->zone[i])) != 0)
			return false;
	return true;
}
