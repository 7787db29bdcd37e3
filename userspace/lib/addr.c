/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * addr.c - strict parsing and RFC 5952 printing of IP addresses and CIDR
 * prefixes.
 *
 * Accepted: what inet_pton() accepts (IPv4 dotted quad without leading
 * zeros, IPv6 without a zone index), optionally followed by "/LEN" where
 * LEN is plain decimal (no sign, no white space, no leading zeros, since
 * other tools read "010" as octal) and at most 32 or 128.  Nothing else:
 * no white space around the text, no host bits.  Text quoted back in an
 * error message may come from a downloaded list, so it is cut short and
 * stripped of unprintable bytes first.
 */
#include "errbuf.h"
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define V4_BITS 32
#define V6_BITS 128
/* ::ffff:0:0/96 - the IPv4-mapped block. */
#define MAPPED_BITS 96

/* Longest text quoted back in an error message. */
#define QUOTE_MAX 64

/* Copy text for an error message: at most QUOTE_MAX bytes, unprintable
 * bytes as '?', "..." when cut.  buf holds QUOTE_MAX + 4 bytes. */
static const char *quote(const char *text, char *buf)
{
	size_t i;

	for (i = 0; i < QUOTE_MAX && text[i]; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (text[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static unsigned int family_bits(uint8_t family)
{
	switch (family) {
	case MXS_FAMILY_V4:
		return V4_BITS;
	case MXS_FAMILY_V6:
		return V6_BITS;
	default:
		return 0;
	}
}

/* Clear every bit of addr after the first prefixlen. */
static void mask_addr(uint8_t addr[16], unsigned int prefixlen)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (prefixlen >= 8 * (i + 1))
			continue;
		if (prefixlen <= 8 * i)
			addr[i] = 0;
		else
			addr[i] &= (uint8_t)(0xff << (8 - (prefixlen - 8 * i)));
	}
}

static bool is_v4_mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/* "/LEN": decimal, 0..max, no sign, no leading zero. */
static int parse_prefixlen(const char *text, const char *s, unsigned int max,
			   unsigned int *out, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];
	unsigned int v = 0;
	const char *p;

	if (!*s) {
		errbuf_set(err, errlen,
			"bad prefix \"%s\": missing prefix length after \"/\"",
			quote(text, q));
		return -EINVAL;
	}
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || (p == s && *p == '0' && p[1])) {
			errbuf_set(err, errlen,
				"bad prefix \"%s\": prefix length must be a decimal number from 0 to %u without sign or leading zeros",
				quote(text, q), max);
			return -EINVAL;
		}
		if (v <= max) /* stop growing once too big: no overflow */
			v = v * 10 + (unsigned int)(*p - '0');
	}
	if (v > max) {
		errbuf_set(err, errlen,
			"bad prefix \"%s\": prefix length must be at most %u for IPv%u",
			quote(text, q), max, max == V4_BITS ? 4u : 6u);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse(const char *text, bool allow_len, struct addr_cidr *out,
		 char *err, size_t errlen)
{
	const char *what = allow_len ? "prefix" : "address";
	const char *expect =
		allow_len ?
			"expected an IPv4 or IPv6 address, optionally with /LEN (e.g. 192.0.2.0/24, 2001:db8::/32)" :
			"expected an IPv4 or IPv6 address (e.g. 192.0.2.1, 2001:db8::1)";
	char q[QUOTE_MAX + 4];
	char host[INET6_ADDRSTRLEN];
	struct addr_cidr c = { 0 };
	uint8_t bytes[16] = { 0 };
	unsigned int len, max;
	const char *slash;
	size_t hlen;
	int rc;

	if (!text || !*text) {
		errbuf_set(err, errlen, "empty %s: %s", what, expect);
		return -EINVAL;
	}
	slash = strchr(text, '/');
	if (slash && !allow_len) {
		errbuf_set(err, errlen,
			"bad address \"%s\": expected a single address, not a prefix",
			quote(text, q));
		return -EINVAL;
	}
	hlen = slash ? (size_t)(slash - text) : strlen(text);
	if (hlen == 0 || hlen >= sizeof(host))
		goto bad_addr;
	memcpy(host, text, hlen);
	host[hlen] = '\0';

	if (memchr(host, ':', hlen)) {
		if (inet_pton(AF_INET6, host, bytes) != 1)
			goto bad_addr;
		c.family = MXS_FAMILY_V6;
		max = V6_BITS;
	} else {
		if (inet_pton(AF_INET, host, bytes) != 1)
			goto bad_addr;
		c.family = MXS_FAMILY_V4;
		max = V4_BITS;
	}

	len = max;
	if (slash) {
		rc = parse_prefixlen(text, slash + 1, max, &len, err, errlen);
		if (rc)
			return rc;
	}

	if (c.family == MXS_FAMILY_V6 && is_v4_mapped(bytes)) {
		if (len < MAPPED_BITS) {
			errbuf_set(err, errlen,
				"bad prefix \"%s\": an IPv4-mapped prefix needs a length from 96 to 128",
				quote(text, q));
			return -EINVAL;
		}
		c.family = MXS_FAMILY_V4;
		len -= MAPPED_BITS;
		memmove(bytes, bytes + 12, 4);
		memset(bytes + 4, 0, 12);
	}

	c.prefixlen = (uint8_t)len;
	memcpy(c.addr, bytes, sizeof(c.addr));
	mask_addr(c.addr, len);
	if (memcmp(c.addr, bytes, sizeof(c.addr)) != 0) {
		char want[ADDR_CIDR_STRLEN];

		addr_format_cidr(&c, want, sizeof(want));
		errbuf_set(err, errlen, "%s has host bits set; did you mean %s?",
			quote(text, q), want);
		return -EINVAL;
	}
	*out = c;
	return 0;

bad_addr:
	errbuf_set(err, errlen, "bad %s \"%s\": %s", what, quote(text, q), expect);
	return -EINVAL;
}

int addr_parse_cidr(const char *text, struct addr_cidr *out, char *err,
		    size_t errlen)
{
	return parse(text, true, out, err, errlen);
}

int addr_parse_ip(const char *text, struct addr_cidr *out, char *err,
		  size_t errlen)
{
	return parse(text, false, out, err, errlen);
}

/* RFC 5952: lower case, no leading zeros, the longest run of two or more
 * zero groups (the first of equal runs) as "::", IPv4-mapped addresses in
 * mixed notation.  Not inet_ntop(), which also prints ::2:0 as ::0.2.0.0. */
static void format_v6(const uint8_t a[16], char *buf, size_t len)
{
	int best = -1, best_len = 0, run = -1, run_len = 0;
	size_t pos = 0;
	uint16_t g[8];
	int i;

	if (is_v4_mapped(a)) {
		snprintf(buf, len, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14],
			 a[15]);
		return;
	}
	for (i = 0; i < 8; i++) {
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
		if (g[i] == 0) {
			if (run < 0) {
				run = i;
				run_len = 0;
			}
			run_len++;
			if (run_len > best_len) {
				best = run;
				best_len = run_len;
			}
		} else {
			run = -1;
		}
	}
	if (best_len < 2) {
		best = -1;
		best_len = 0;
	}

	buf[0] = '\0';
	for (i = 0; i < 8 && pos < len; i++) {
		if (i == best) {
			pos += (size_t)snprintf(buf + pos, len - pos, "::");
			i += best_len - 1;
			continue;
		}
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%x",
					(i == 0 || i == best + best_len) ? "" :
									   ":",
					g[i]);
	}
}

void addr_format_cidr(const struct addr_cidr *cidr, char *buf, size_t len)
{
	char host[ADDR_CIDR_STRLEN];

	if (!buf || !len)
		return;
	switch (cidr->family) {
	case MXS_FAMILY_V4:
		snprintf(host, sizeof(host), "%u.%u.%u.%u", cidr->addr[0],
			 cidr->addr[1], cidr->addr[2], cidr->addr[3]);
		break;
	case MXS_FAMILY_V6:
		format_v6(cidr->addr, host, sizeof(host));
		break;
	default:
		snprintf(buf, len, "(bad address family %u)", cidr->family);
		return;
	}
	if (addr_is_host(cidr))
		snprintf(buf, len, "%s", host);
	else
		snprintf(buf, len, "%s/%u", host, cidr->prefixlen);
}

bool addr_is_host(const struct addr_cidr *cidr)
{
	unsigned int bits = family_bits(cidr->family);

	return bits && cidr->prefixlen == bits;
}

bool addr_contains(const struct addr_cidr *net, const struct addr_cidr *ip)
{
	unsigned int bits = family_bits(net->family);
	unsigned int n = net->prefixlen, full = n / 8, rest = n % 8;
	uint8_t mask;

	if (!bits || net->family != ip->family || n > bits ||
	    ip->prefixlen > bits || ip->prefixlen < n)
		return false;
	if (memcmp(net->addr, ip->addr, full) != 0)
		return false;
	if (!rest)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (ip->addr[full] & mask);
}

int addr_compare(const struct addr_cidr *a, const struct addr_cidr *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c < 0 ? -1 : 1;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen < b->prefixlen ? -1 : 1;
	return 0;
}
