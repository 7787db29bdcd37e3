// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_dnsbl_sites.c - dnsbl_sites_parse() on arbitrary text (the input,
 * cut at its first NUL byte: a dnsbl_sites value), then the lookup steps
 * on what it accepted.
 *
 * Invariants:
 *  - it returns 0, -EINVAL or -ERANGE; on error *out is untouched (a
 *    failed reload keeps the old sites) and there is a message;
 *  - the table is consistent: at most DNSBL_MAX_SITES sites, every site's
 *    zone index below nr_zones, nr_zones <= nr_sites, zones distinct,
 *    NUL-terminated, lower case, 1..253 characters of letters, digits,
 *    '-' and '.', no trailing dot; spec NUL-terminated; weight within
 *    +-1000000;
 *  - every accepted zone can be queried: dnsbl_query_name() gives a name
 *    for an IPv4 and an IPv6 address in it (a zone the daemon accepts but
 *    can never query would be silently useless), ending in ".ZONE";
 *  - a site without a filter matches every answer; the score of answers
 *    that are not listed is 0 with no hits; of listed ones, the sum of
 *    the weights of the matching sites, hits within MXS_DNSBL_MAX_HITS;
 *  - the specs joined by spaces (when none was cut to fit spec[]) parse
 *    to the same table again.
 */
#include <errno.h>

#include "mxscreend/dnsbl_sites.h"
#include "fuzz.h"

#define SENTINEL 0xa5

static const uint8_t addr4[4] = {198, 51, 100, 7};
static const uint8_t addr6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x51, 0, 0,
				  0,    0,    0,    0,    0, 0,    0, 7};

static void check_zone(const struct dnsbl_sites *s, unsigned int z)
{
	const char *zone = s->zone[z];
	char name[DNSBL_QNAME_LEN];
	size_t len, nlen, i;
	int rc;

	FUZZ_CHECK(fuzz_terminated(zone, DNSBL_ZONE_LEN), "zone %u: not terminated",
		   z);
	len = strlen(zone);
	FUZZ_CHECK(len >= 1 && len <= 253 && zone[len - 1] != '.',
		   "zone \"%s\": length %zu", zone, len);
	for (i = 0; i < len; i++)
		FUZZ_CHECK((zone[i] >= 'a' && zone[i] <= 'z') ||
			       (zone[i] >= '0' && zone[i] <= '9') ||
			       zone[i] == '-' || zone[i] == '.',
			   "zone \"%s\": byte %#x", zone, (unsigned char)zone[i]);
	for (i = 0; i < z; i++)
		FUZZ_CHECK(strcmp(s->zone[i], zone) != 0, "zone \"%s\" twice",
			   zone);

	rc = dnsbl_query_name(MXS_FAMILY_V4, addr4, zone, name, sizeof(name));
	FUZZ_CHECK(rc == 0, "zone \"%s\" (%zu characters) accepted, but no IPv4 "
		   "query name fits in it: %d", zone, len, rc);
	nlen = strlen(name);
	FUZZ_CHECK(nlen > len && !strcmp(name + nlen - len, zone) &&
			   name[nlen - len - 1] == '.',
		   "zone \"%s\": query name \"%s\"", zone, name);
	rc = dnsbl_query_name(MXS_FAMILY_V6, addr6, zone, name, sizeof(name));
	FUZZ_CHECK(rc == 0, "zone \"%s\" (%zu characters) accepted, but no IPv6 "
		   "query name fits in it: %d", zone, len, rc);
	nlen = strlen(name);
	FUZZ_CHECK(nlen == 64 + len && !strcmp(name + 64, zone),
		   "zone \"%s\": query name \"%s\"", zone, name);
}

static void check_score(const struct dnsbl_sites *s, const uint8_t *data,
			size_t size)
{
	static struct dnsbl_zone_answer answers[DNSBL_MAX_SITES];
	struct mxs_dnsbl_hit hits[MXS_DNSBL_MAX_HITS];
	uint32_t a, ttl;
	uint8_t nr_hits;
	int score, want = 0;
	unsigned int i, z, matched = 0;

	/* one answer, from the input's first bytes, for every zone */
	a = 0x0200007fu; /* 127.0.0.2 */
	if (size >= 4)
		memcpy(&a, data, 4);
	memset(answers, 0, sizeof(answers));
	for (z = 0; z < s->nr_zones; z++) {
		answers[z].nr = 1;
		answers[z].a[0] = a;
		answers[z].ttl = 300 + z;
	}
	score = dnsbl_score(s, answers, hits, &nr_hits, &ttl);
	FUZZ_CHECK(score == 0 && nr_hits == 0 && ttl == 0,
		   "nothing listed, but score %d, %u hits", score, nr_hits);

	for (z = 0; z < s->nr_zones; z++)
		answers[z].listed = true;
	for (i = 0; i < s->nr_sites; i++) {
		if (!s->site[i].has_filter)
			FUZZ_CHECK(dnsbl_site_match(&s->site[i], a),
				   "site %u: no filter, no match", i);
		if (dnsbl_site_match(&s->site[i], a)) {
			want += s->site[i].weight;
			matched++;
		}
	}
	score = dnsbl_score(s, answers, hits, &nr_hits, &ttl);
	FUZZ_CHECK(score == want, "score %d, want %d", score, want);
	FUZZ_CHECK(nr_hits == (matched < MXS_DNSBL_MAX_HITS ? matched
							    : MXS_DNSBL_MAX_HITS),
		   "%u hits of %u matches", nr_hits, matched);
	for (i = 0; i < nr_hits; i++) {
		char buf[DNSBL_ZONE_LEN + 64];

		FUZZ_CHECK(hits[i].site < s->nr_sites && hits[i].answer == a,
			   "hit %u: site %u", i, hits[i].site);
		dnsbl_format_hit(s, &hits[i], buf, sizeof(buf));
		FUZZ_CHECK(fuzz_printable(buf, sizeof(buf)), "hit %u: bad text",
			   i);
	}
}

/* The specs joined again parse to the same table. */
static void check_reparse(const struct dnsbl_sites *s)
{
	static struct dnsbl_sites back;
	char text[DNSBL_MAX_SITES * MXS_SITE_SPEC_LEN + 1], err[512];
	size_t pos = 0;
	unsigned int i;
	int rc;

	text[0] = '\0';
	for (i = 0; i < s->nr_sites; i++) {
		size_t len = strlen(s->site[i].spec);

		if (len >= MXS_SITE_SPEC_LEN - 1)
			return; /* may have been cut */
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%s",
					i ? " " : "", s->site[i].spec);
	}
	rc = dnsbl_sites_parse(text, &back, err, sizeof(err));
	FUZZ_CHECK(rc == 0, "specs \"%s\" do not parse again: %s", text, err);
	FUZZ_CHECK(back.nr_sites == s->nr_sites && back.nr_zones == s->nr_zones,
		   "specs \"%s\": %u sites, %u zones", text, back.nr_sites,
		   back.nr_zones);
	for (i = 0; i < s->nr_sites; i++)
		FUZZ_CHECK(!memcmp(&back.site[i], &s->site[i],
				   sizeof(back.site[i])),
			   "specs \"%s\": site %u differs", text, i);
	for (i = 0; i < s->nr_zones; i++)
		FUZZ_CHECK(!strcmp(back.zone[i], s->zone[i]),
			   "specs \"%s\": zone %u differs", text, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dnsbl_sites s, sentinel;
	char *text = fuzz_strdup(data, size), err[512];
	unsigned int i;
	int rc;

	memset(&sentinel, SENTINEL, sizeof(sentinel));
	s = sentinel;
	err[0] = '\0';
	rc = dnsbl_sites_parse(text, &s, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE, "rc %d", rc);
	if (rc) {
		FUZZ_CHECK(!memcmp(&s, &sentinel, sizeof(s)),
			   "output written on error");
		FUZZ_CHECK(err[0] && fuzz_terminated(err, sizeof(err)),
			   "no message");
		free(text);
		return 0;
	}
	FUZZ_CHECK(s.nr_sites <= DNSBL_MAX_SITES && s.nr_zones <= s.nr_sites,
		   "%u sites, %u zones", s.nr_sites, s.nr_zones);
	for (i = 0; i < s.nr_sites; i++) {
		const struct dnsbl_site *site = &s.site[i];

		FUZZ_CHECK(site->zone < s.nr_zones, "site %u: zone %u", i,
			   site->zone);
		FUZZ_CHECK(fuzz_terminated(site->spec, sizeof(site->spec)),
			   "site %u: spec not terminated", i);
		FUZZ_CHECK(site->weight >= -1000000 && site->weight <= 1000000,
			   "site %u: weight %d", i, site->weight);
	}
	for (i = 0; i < s.nr_zones; i++)
		check_zone(&s, i);
	check_score(&s, data, size);
	check_reparse(&s);
	free(text);
	return 0;
}
