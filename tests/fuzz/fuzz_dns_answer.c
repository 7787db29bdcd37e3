// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_dns_answer.c - DNS answers as c-ares delivers them to mxscreend,
 * and the query names the daemon builds.
 *
 * The input is a raw DNS message, as c-ares hands it to a query callback
 * with status ARES_SUCCESS.  It goes the way dnsbl_query_done() takes it:
 * dnsbl_answer_parse(), then (records found) dnsbl_answer_classify(); a
 * zone counts as listed only when that says LISTED; then dnsbl_score()
 * over a fixed site table.  (mxscreend asks only for A records: no TXT.)
 * Then the same bytes are read as a query-name request: byte 0 the family
 * (4, 6, or anything else), bytes 1..16 the address, byte 17 the buffer
 * length, from byte 18 the zone (cut at the first NUL).
 *
 * Invariants:
 *  - dnsbl_answer_parse() returns -2, -1 or 0..DNSBL_MAX_ANSWERS; at or
 *    below 0 it leaves the answer untouched; above, ans.nr is the count,
 *    ans.ttl fits in 31 bits, ans.listed is untouched; a second parse of
 *    the same bytes gives the same result;
 *  - the class of the records is exactly: REFUSED if one is in
 *    127.255.255.0/24, else BOGUS if one is outside 127.0.0.0/8, else
 *    LISTED (checked byte by byte here, not by calling the code again);
 *    so no record outside 127/8 and no refusal ever makes a listing;
 *  - an answer that is no listing scores 0 with no hits; a listing scores
 *    the weights of the sites whose filter one of its records passes;
 *  - dnsbl_query_name() returns 0, -EINVAL (family) or -ENAMETOOLONG,
 *    exactly when the name would not fit in 253 characters or in the
 *    buffer; it writes only within the buffer; on error it leaves an
 *    empty string (a non-empty buffer); on success the name is
 *    NUL-terminated, at most 253 characters, and is the reversed octets
 *    ("7.100.51.198.") or nibbles of the address followed by the zone.
 */
#include <errno.h>

#include "mxscreend/dnsbl.h"
#include "fuzz.h"

#define SENTINEL 0xa5
#define DNS_NAME_MAX 253

static const char sites_text[] =
	"zen.example=127.0.0.[2..11]*3 bl.example*2 "
	"wl.example=127.0.[0..255].[1..3]*-5 zero.example=127.0.0.2*0";

static struct dnsbl_sites sites;

/*
 * c-ares is a library without libFuzzer's instrumentation: what it made
 * of the input is fed back as extra features instead (the parse's result
 * and the class of the records), in the section libFuzzer reads as extra
 * coverage counters (an ordinary array without libFuzzer).
 */
#define NR_FEATURES ((DNSBL_MAX_ANSWERS + 3) * 4 * 2)
__attribute__((section("__libfuzzer_extra_counters"), used)) static uint8_t
	features[NR_FEATURES];

static enum dnsbl_answer_kind expected_kind(const struct dnsbl_zone_answer *a)
{
	enum dnsbl_answer_kind k = DNSBL_ANSWER_LISTED;
	unsigned int i;

	for (i = 0; i < a->nr; i++) {
		const uint8_t *b = (const uint8_t *)&a->a[i];

		if (b[0] == 127 && b[1] == 255 && b[2] == 255)
			return DNSBL_ANSWER_REFUSED;
		if (b[0] != 127)
			k = DNSBL_ANSWER_BOGUS;
	}
	return k;
}

static void check_answer(const uint8_t *data, size_t size)
{
	static struct dnsbl_zone_answer answers[DNSBL_MAX_SITES];
	struct dnsbl_zone_answer ans, again, sentinel;
	struct mxs_dnsbl_hit hits[MXS_DNSBL_MAX_HITS];
	uint8_t nr_hits;
	uint32_t ttl;
	bool listed = false;
	int n, n2, score, want = 0;
	unsigned int i, z;

	memset(&sentinel, SENTINEL, sizeof(sentinel));
	ans = sentinel;
	n = dnsbl_answer_parse(data, (int)size, &ans);
	FUZZ_CHECK(n >= -2 && n <= DNSBL_MAX_ANSWERS, "parse: %d", n);
	if (n <= 0) {
		FUZZ_CHECK(!memcmp(&ans, &sentinel, sizeof(ans)),
			   "parse: %d, but the answer was written", n);
	} else {
		FUZZ_CHECK(ans.nr == (unsigned int)n, "parse: %d, nr %u", n,
			   ans.nr);
		FUZZ_CHECK(ans.ttl <= INT32_MAX, "parse: ttl %u", ans.ttl);
		FUZZ_CHECK(!memcmp(&ans.listed, &sentinel.listed,
				   sizeof(ans.listed)),
			   "parse: listed was written");
	}
	again = sentinel;
	n2 = dnsbl_answer_parse(data, (int)size, &again);
	FUZZ_CHECK(n2 == n && !memcmp(&again, &ans, sizeof(ans)),
		   "a second parse differs: %d then %d", n, n2);

	if (n > 0) {
		enum dnsbl_answer_kind k = dnsbl_answer_classify(ans.a, ans.nr);

		FUZZ_CHECK(k == expected_kind(&ans), "class %d, want %d", k,
			   expected_kind(&ans));
		listed = k == DNSBL_ANSWER_LISTED;
		features[((n + 2) * 4 + k) * 2 + (ans.ttl != 0)]++;
	} else {
		features[(n + 2) * 4 * 2 + 3 * 2]++;
	}

	/* every zone got this answer */
	memset(answers, 0, sizeof(answers));
	for (z = 0; z < sites.nr_zones; z++) {
		answers[z].listed = listed;
		if (n > 0) {
			answers[z].nr = ans.nr;
			memcpy(answers[z].a, ans.a, sizeof(ans.a));
			answers[z].ttl = ans.ttl;
		}
	}
	score = dnsbl_score(&sites, answers, hits, &nr_hits, &ttl);
	if (!listed) {
		FUZZ_CHECK(score == 0 && nr_hits == 0,
			   "no listing, but score %d with %u hits", score,
			   nr_hits);
		return;
	}
	for (i = 0; i < sites.nr_sites; i++) {
		unsigned int r;

		for (r = 0; r < ans.nr; r++)
			if (dnsbl_site_match(&sites.site[i], ans.a[r]))
				break;
		if (r < ans.nr)
			want += sites.site[i].weight;
	}
	FUZZ_CHECK(score == want, "score %d, want %d", score, want);
	FUZZ_CHECK(nr_hits <= MXS_DNSBL_MAX_HITS, "%u hits", nr_hits);
	for (i = 0; i < nr_hits; i++) {
		const uint8_t *b = (const uint8_t *)&hits[i].answer;

		FUZZ_CHECK(hits[i].site < sites.nr_sites && b[0] == 127,
			   "hit %u: site %u, answer %u.%u.%u.%u", i,
			   hits[i].site, b[0], b[1], b[2], b[3]);
	}
}

static void check_query_name(const uint8_t *data, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char want[DNS_NAME_MAX + 600], *zone, *buf;
	uint8_t family, addr[16];
	size_t len, plen = 0, zlen;
	int rc, i;

	if (size < 18)
		return;
	family = data[0];
	memcpy(addr, data + 1, 16);
	len = (size_t)data[17] * 2; /* 0..510: small, exact and roomy */
	zone = fuzz_strdup(data + 18, size - 18);
	zlen = strlen(zone);

	buf = malloc(len ? len : 1); /* exactly len: ASan sees an overrun */
	if (!buf)
		abort();
	if (len)
		memset(buf, 'x', len);
	rc = dnsbl_query_name(family, addr, zone, buf, len);
	if (family != MXS_FAMILY_V4 && family != MXS_FAMILY_V6) {
		FUZZ_CHECK(rc == -EINVAL, "family %u: rc %d", family, rc);
		goto out;
	}
	if (family == MXS_FAMILY_V4) {
		for (i = 3; i >= 0; i--)
			plen += (size_t)snprintf(want + plen, sizeof(want) - plen,
						 "%u.", addr[i]);
	} else {
		for (i = 15; i >= 0; i--) {
			want[plen++] = hex[addr[i] & 0xf];
			want[plen++] = '.';
			want[plen++] = hex[addr[i] >> 4];
			want[plen++] = '.';
		}
	}
	if (plen + zlen > DNS_NAME_MAX || plen + zlen + 1 > len) {
		FUZZ_CHECK(rc == -ENAMETOOLONG,
			   "family %u, zone of %zu, buffer %zu: rc %d", family,
			   zlen, len, rc);
		FUZZ_CHECK(!len || buf[0] == '\0', "error, but \"%.*s\"",
			   (int)len, buf);
		goto out;
	}
	memcpy(want + plen, zone, zlen + 1);
	FUZZ_CHECK(rc == 0, "family %u, zone of %zu, buffer %zu: rc %d", family,
		   zlen, len, rc);
	FUZZ_CHECK(memchr(buf, '\0', len) && strcmp(buf, want) == 0,
		   "got \"%.*s\", want \"%s\"", (int)len, buf, want);
out:
	free(buf);
	free(zone);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sites.nr_sites) {
		char err[256];

		if (dnsbl_sites_parse(sites_text, &sites, err, sizeof(err))) {
			fprintf(stderr, "fuzz_dns_answer: %s\n", err);
			abort();
		}
	}
	check_answer(data, size);
	check_query_name(data, size);
	return 0;
}
