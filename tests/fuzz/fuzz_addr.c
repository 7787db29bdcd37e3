// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_addr.c - addr_parse_cidr(), addr_parse_ip() and addr_format_cidr()
 * on arbitrary text (the input, cut at its first NUL byte).
 *
 * Invariants:
 *  - a parse returns 0 or -EINVAL; on -EINVAL the output is untouched and
 *    the message is non-empty printable ASCII (list files are downloaded:
 *    their text must not reach a terminal raw);
 *  - a parsed prefix is canonical: family V4 or V6, prefixlen at most 32
 *    or 128, no host bits, IPv4 with addr[4..15] zero, no IPv6 prefix in
 *    the IPv4-mapped block (those become IPv4);
 *  - it formats (NUL-terminated, shorter than ADDR_CIDR_STRLEN) to text
 *    that parses back to exactly the same prefix, and formats the same
 *    again;
 *  - addr_parse_ip() accepts exactly the texts addr_parse_cidr() accepts
 *    as hosts without "/", with the same result;
 *  - a prefix contains itself and compares equal to itself;
 *  - addr_format_cidr(), addr_contains() and addr_compare() on raw bytes
 *    (any family and prefix length: the struct as read from a map) stay
 *    within their buffers and always NUL-terminate.
 */
#include <errno.h>

#include "lib/addr.h"
#include "fuzz.h"

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static void check_canonical(const struct addr_cidr *c, const char *text)
{
	unsigned int bits = c->family == MXS_FAMILY_V4 ? 32 : 128, i;

	FUZZ_CHECK(c->family == MXS_FAMILY_V4 || c->family == MXS_FAMILY_V6,
		   "\"%s\": family %u", text, c->family);
	FUZZ_CHECK(c->prefixlen <= bits, "\"%s\": prefixlen %u", text,
		   c->prefixlen);
	for (i = 0; i < 128; i++) {
		int bit = c->addr[i / 8] >> (7 - i % 8) & 1;

		FUZZ_CHECK(!bit || i < c->prefixlen,
			   "\"%s\": bit %u set beyond /%u", text, i,
			   c->prefixlen);
	}
	if (c->family == MXS_FAMILY_V6)
		FUZZ_CHECK(memcmp(c->addr, v4_mapped, sizeof(v4_mapped)) != 0 ||
			       c->prefixlen < 96,
			   "\"%s\": an IPv4-mapped prefix stayed IPv6", text);
}

/* Format, re-parse, compare; format again, compare. */
static void check_round_trip(const struct addr_cidr *c, const char *text)
{
	char buf[ADDR_CIDR_STRLEN + 8], again[ADDR_CIDR_STRLEN], err[256];
	struct addr_cidr back;
	int rc;

	memset(buf, 'x', sizeof(buf));
	addr_format_cidr(c, buf, ADDR_CIDR_STRLEN);
	FUZZ_CHECK(memchr(buf, '\0', ADDR_CIDR_STRLEN) != NULL,
		   "\"%s\": formatted text not terminated", text);
	FUZZ_CHECK(buf[ADDR_CIDR_STRLEN] == 'x', "\"%s\": wrote past the buffer",
		   text);
	rc = addr_parse_cidr(buf, &back, err, sizeof(err));
	FUZZ_CHECK(rc == 0, "\"%s\" formats as \"%s\", which does not parse: %s",
		   text, buf, err);
	FUZZ_CHECK(memcmp(&back, c, sizeof(back)) == 0,
		   "\"%s\" formats as \"%s\", which parses to something else",
		   text, buf);
	addr_format_cidr(&back, again, sizeof(again));
	FUZZ_CHECK(strcmp(buf, again) == 0, "\"%s\": \"%s\" then \"%s\"", text,
		   buf, again);
	FUZZ_CHECK(addr_contains(c, c), "\"%s\" does not contain itself", text);
	FUZZ_CHECK(addr_compare(c, &back) == 0, "\"%s\" differs from itself",
		   text);
}

static void check_parse(const char *text)
{
	struct addr_cidr c, ip, sentinel;
	char err[256];
	int rc, rc_ip;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	c = sentinel;
	err[0] = '\0';
	rc = addr_parse_cidr(text, &c, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "\"%s\": rc %d", text, rc);
	if (rc) {
		FUZZ_CHECK(!memcmp(&c, &sentinel, sizeof(c)),
			   "\"%s\": output written on error", text);
		FUZZ_CHECK(err[0] && fuzz_printable(err, sizeof(err)),
			   "\"%s\": message \"%s\" empty or not printable", text,
			   err);
	} else {
		check_canonical(&c, text);
		check_round_trip(&c, text);
	}

	ip = sentinel;
	err[0] = '\0';
	rc_ip = addr_parse_ip(text, &ip, err, sizeof(err));
	FUZZ_CHECK(rc_ip == 0 || rc_ip == -EINVAL, "\"%s\": rc %d", text, rc_ip);
	if (rc_ip) {
		FUZZ_CHECK(!memcmp(&ip, &sentinel, sizeof(ip)),
			   "\"%s\": output written on error", text);
		FUZZ_CHECK(err[0] && fuzz_printable(err, sizeof(err)),
			   "\"%s\": message \"%s\" empty or not printable", text,
			   err);
		FUZZ_CHECK(rc || strchr(text, '/') || !addr_is_host(&c),
			   "\"%s\": a host for one parser, refused by the other",
			   text);
	} else {
		FUZZ_CHECK(rc == 0 && !strchr(text, '/') && addr_is_host(&ip) &&
			       !memcmp(&ip, &c, sizeof(ip)),
			   "\"%s\": addr_parse_ip and addr_parse_cidr disagree",
			   text);
	}
}

/* The struct as any bytes: printing and comparing never overrun. */
static void check_raw(const uint8_t *data, size_t size)
{
	struct addr_cidr a, b;
	char buf[ADDR_CIDR_STRLEN + 8];
	size_t len;

	if (size < 2 * sizeof(a) + 1)
		return;
	memcpy(&a, data, sizeof(a));
	memcpy(&b, data + sizeof(a), sizeof(b));
	len = 1 + data[2 * sizeof(a)] % ADDR_CIDR_STRLEN;
	memset(buf, 'x', sizeof(buf));
	addr_format_cidr(&a, buf, len);
	FUZZ_CHECK(memchr(buf, '\0', len) != NULL,
		   "raw family %u /%u: not terminated within %zu", a.family,
		   a.prefixlen, len);
	FUZZ_CHECK(buf[len] == 'x', "raw: wrote past %zu bytes", len);
	(void)addr_contains(&a, &b);
	FUZZ_CHECK(addr_compare(&a, &b) == -addr_compare(&b, &a),
		   "raw: compare is not antisymmetric");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);

	check_parse(text);
	free(text);
	check_raw(data, size);
	return 0;
}
