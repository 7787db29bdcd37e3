/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * listfile.c - reading prefix lists line by line.
 *
 * Plain: a line is optional white space, one address or prefix, optional
 * white space, optional comment starting with '#' or ';'.
 *
 * rbldnsd: what rbldnsd 1.0 itself accepts in ip4set/ip4trie/ip4tset and
 * ip6trie/ip6tset data (checked against its parser and `rbldnsd -d`):
 *   - lines starting with '#' or ';' are comments, '$' (and "#$", ":$")
 *     directives such as $TTL, $SOA, $NS, and ':' (but not "::") the
 *     default A/TXT value: all skipped;
 *   - IPv4: "a.b.c.d", the prefixes "a.b.c" (/24) and "a.b" (/16),
 *     "PREFIX/LEN" with an abbreviated or full address, ranges
 *     "FROM-TO" where both ends have the same number of octets and the
 *     end is completed with all-ones ("192.0.2-192.0.3" is 192.0.2.0 to
 *     192.0.3.255), or TO is one octet that replaces the last octet of
 *     FROM ("192.0.2.10-20"); a bare number ("10") is refused, as rbldnsd
 *     does ("10/8" is the way to write it);
 *   - IPv6: "::" notation with an optional /LEN (default /128), or 2 to 8
 *     colon-separated words without "::" whose count gives the length
 *     ("2001:db8" /32, "2001:db8:1:2" /64, ip6tset's form), or with /LEN;
 *   - after the address: white space, '#', ';' or (IPv4) ':' and then a
 *     value or comment, which is ignored.
 * Host bits set are refused in both formats, as rbldnsd does.
 *
 * Lines may end in LF or CRLF, the last one may lack its newline, and a
 * UTF-8 byte order mark before the first line is skipped (lists saved by
 * Windows editors).  Lines of any length are read with getline(); one
 * buffer is reused for all of them.  A line with a NUL byte is bad: C
 * string handling would silently ignore what follows it.
 */
#include "listfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest piece of a line quoted back in a message. */
#define QUOTE_MAX 64

static const char utf8_bom[] = "\xef\xbb\xbf";

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* Cut comment and surrounding white space off line (len bytes, no NUL
 * inside); returns the token, or NULL when nothing is left.  Sets *words
 * when more than one word remains. */
static char *line_token(char *line, size_t len, int *words)
{
	char *start, *end, *p;

	p = memchr(line, '#', len);
	if (p)
		len = (size_t)(p - line);
	p = memchr(line, ';', len);
	if (p)
		len = (size_t)(p - line);
	start = line;
	end = line + len;
	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	if (start == end)
		return NULL;
	*end = '\0';
	*words = 1;
	for (p = start; p < end; p++)
		if (is_space(*p)) {
			*words = 2;
			break;
		}
	return start;
}

enum line_kind { LINE_EMPTY, LINE_ENTRY, LINE_BAD };

/* What one line stands for. */
struct line_out {
	unsigned int n;
	struct addr_cidr cidr[LISTFILE_MAX_LINE_PREFIXES];
};

/* Copy at most QUOTE_MAX bytes of text (len bytes) for a message, with
 * unprintable bytes as '?' and "..." when cut; buf holds QUOTE_MAX + 4. */
static const char *quote(const char *text, size_t len, char *buf)
{
	size_t i;

	for (i = 0; i < len && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < len) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* Classify one plain line (len bytes, not NUL-terminated, may be
 * modified); fills out for an entry and why for a bad line. */
static enum line_kind parse_plain_line(char *text, size_t len,
				       struct line_out *out, char *why,
				       size_t whylen)
{
	char *tok;
	int words = 0;

	tok = line_token(text, len, &words);
	if (!tok)
		return LINE_EMPTY;
	if (words > 1) {
		snprintf(why, whylen,
			 "expected one address or prefix per line (comments start with # or ;), found more than one word");
		return LINE_BAD;
	}
	if (addr_parse_cidr(tok, &out->cidr[0], why, whylen) < 0)
		return LINE_BAD;
	out->n = 1;
	return LINE_ENTRY;
}

/* ---- rbldnsd ------------------------------------------------------------ */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* What may follow an address: the end, white space, a comment or, after
 * an IPv4 address, a ":A:TXT" value. */
static int is_address_end(char c, int v4)
{
	return c == '\0' || is_space(c) || c == '#' || c == ';' ||
	       (v4 && c == ':');
}

/* rbldnsd's ip4prefix(): 1 to 4 decimal octets (0..255) from *s into *a
 * (missing octets zero); returns the bits given (8, 16, 24, 32) or -1. */
static int rbl4_prefix(const char **s, uint32_t *a)
{
	const char *p = *s;
	int octets = 0;

	*a = 0;
	for (;;) {
		unsigned int v = 0;

		if (!is_digit(*p))
			return -1;
		while (is_digit(*p)) {
			v = v * 10 + (unsigned int)(*p++ - '0');
			if (v > 255)
				return -1;
		}
		*a |= (uint32_t)v << (24 - 8 * octets);
		octets++;
		if (octets == 4 || *p != '.')
			break;
		p++;
	}
	*s = p;
	return octets * 8;
}

static uint32_t mask4(int bits)
{
	return bits <= 0 ? 0 : bits >= 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
}

static void cidr4(struct addr_cidr *c, uint32_t a, int bits)
{
	memset(c, 0, sizeof(*c));
	c->family = MXS_FAMILY_V4;
	c->prefixlen = (uint8_t)bits;
	c->addr[0] = (uint8_t)(a >> 24);
	c->addr[1] = (uint8_t)(a >> 16);
	c->addr[2] = (uint8_t)(a >> 8);
	c->addr[3] = (uint8_t)a;
}

/* The fewest CIDR blocks that cover [lo, hi] exactly: at each step the
 * largest block that starts at lo and ends at or before hi.  At most
 * 2 * 32 - 2 blocks, which out->cidr holds. */
static void range4_cover(uint32_t lo32, uint32_t hi32, struct line_out *out)
{
	uint64_t lo = lo32, hi = hi32;

	out->n = 0;
	while (lo <= hi && out->n < LISTFILE_MAX_LINE_PREFIXES) {
		int size = lo ? __builtin_ctz((uint32_t)lo) : 32;

		while (lo + (1ull << size) - 1 > hi)
			size--;
		cidr4(&out->cidr[out->n++], (uint32_t)lo, 32 - size);
		lo += 1ull << size;
	}
}

/* One IPv4 address, prefix or range at tok (NUL-terminated at the end of
 * the address). */
static enum line_kind parse_rbl4(const char *tok, size_t toklen,
				 struct line_out *out, char *why,
				 size_t whylen)
{
	char q[QUOTE_MAX + 4], text[ADDR_CIDR_STRLEN];
	const char *s = tok;
	uint32_t a, b;
	int bits, bbits;

	bits = rbl4_prefix(&s, &a);
	if (bits < 0)
		goto bad;
	if (*s == '-') {
		s++;
		bbits = rbl4_prefix(&s, &b);
		if (bbits < 0 || *s)
			goto bad;
		if (bbits == 8 && bits != 8) {
			/* "192.0.2.10-20": the last octet of FROM */
			b = (b >> (bits - 8)) | (a & mask4(bits - 8));
			bbits = bits;
		} else if (bbits != bits) {
			snprintf(why, whylen,
				 "bad range \"%s\": both ends need the same number of octets, or the end one octet",
				 quote(tok, toklen, q));
			return LINE_BAD;
		}
		b |= ~mask4(bbits);
		if (a > b) {
			snprintf(why, whylen,
				 "bad range \"%s\": it ends before it starts",
				 quote(tok, toklen, q));
			return LINE_BAD;
		}
		range4_cover(a, b, out);
		return LINE_ENTRY;
	}
	if (*s == '/') {
		const char *len = ++s;

		bits = 0;
		while (is_digit(*s) && bits <= 32)
			bits = bits * 10 + (*s++ - '0');
		if (s == len || *s || bits > 32 || (len[0] == '0' && s - len > 1)) {
			snprintf(why, whylen,
				 "bad prefix \"%s\": the length after / must be a number from 0 to 32",
				 quote(tok, toklen, q));
			return LINE_BAD;
		}
	} else if (*s) {
		goto bad;
	} else if (bits == 8) {
		snprintf(why, whylen,
			 "bad prefix \"%s\": a bare number is not an address (rbldnsd refuses it too); write %s/8",
			 quote(tok, toklen, q), quote(tok, toklen, q));
		return LINE_BAD;
	}
	/* through the common parser: one message for host bits */
	snprintf(text, sizeof(text), "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255,
		 (a >> 8) & 255, a & 255, bits);
	if (addr_parse_cidr(text, &out->cidr[0], why, whylen) < 0)
		return LINE_BAD;
	out->n = 1;
	return LINE_ENTRY;
bad:
	snprintf(why, whylen,
		 "bad address \"%s\": expected an IPv4 address, prefix (192.0.2, 192.0.2.0/24) or range (192.0.2.1-192.0.2.9)",
		 quote(tok, toklen, q));
	return LINE_BAD;
}

/* One IPv6 address or prefix at tok (NUL-terminated). */
static enum line_kind parse_rbl6(char *tok, size_t toklen,
				 struct line_out *out, char *why,
				 size_t whylen)
{
	char q[QUOTE_MAX + 4], text[ADDR_CIDR_STRLEN + 8];
	char *slash = strchr(tok, '/');
	size_t hlen = slash ? (size_t)(slash - tok) : toklen;
	unsigned int words = 1, digits = 0;

	if (memmem(tok, hlen, "::", 2) || memchr(tok, '.', hlen))
		goto full; /* inet_pton() notation */
	for (size_t i = 0; i < hlen; i++) {
		if (tok[i] == ':') {
			if (!digits)
				goto bad;
			words++;
			digits = 0;
		} else if (is_hex(tok[i]) && digits < 4) {
			digits++;
		} else {
			goto bad;
		}
	}
	if (!digits)
		goto bad;
	if (words == 8)
		goto full;
	/* "2001:db8:1:2": four words, a /64 */
	if (toklen + 8 > sizeof(text))
		goto bad;
	if (slash)
		snprintf(text, sizeof(text), "%.*s::%s", (int)hlen, tok, slash);
	else
		snprintf(text, sizeof(text), "%.*s::/%u", (int)hlen, tok,
			 words * 16);
	if (addr_parse_cidr(text, &out->cidr[0], why, whylen) < 0)
		return LINE_BAD;
	out->n = 1;
	return LINE_ENTRY;
full:
	if (addr_parse_cidr(tok, &out->cidr[0], why, whylen) < 0)
		return LINE_BAD;
	out->n = 1;
	return LINE_ENTRY;
bad:
	snprintf(why, whylen,
		 "bad address \"%s\": expected an IPv6 address or prefix (2001:db8::/32, 2001:db8:1:2)",
		 quote(tok, toklen, q));
	return LINE_BAD;
}

static enum line_kind parse_rbldnsd_line(char *text, size_t len,
					 struct line_out *out, char *why,
					 size_t whylen)
{
	char q[QUOTE_MAX + 4];
	char *start = text, *end = text + len, *p;
	int v6;

	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	if (start == end)
		return LINE_EMPTY;
	*end = '\0';
	switch (*start) {
	case '#': /* comments, "#$" directives, whatever follows */
	case ';':
	case '$': /* $TTL, $SOA, $NS, $MAXRANGE4, $n, ... */
		return LINE_EMPTY;
	case ':': /* the default A and TXT value of what follows ... */
		if (start[1] != ':') /* ... but "::1" is an address */
			return LINE_EMPTY;
		break;
	case '!':
		for (p = start + 1; *p && !is_space(*p) && *p != '#' && *p != ';';
		     p++)
			;
		snprintf(why, whylen,
			 "exclusion \"%s\" is not supported: mxscreen lists whole ranges, so an address excluded here stays listed if a range of the file covers it",
			 quote(start, (size_t)(p - start), q));
		return LINE_BAD;
	}
	/* IPv6 when the first character that is not a hex digit is ':' */
	for (p = start; is_hex(*p); p++)
		;
	v6 = *p == ':';
	for (p = start; *p && !is_address_end(*p, !v6); p++)
		;
	if (p == start) {
		snprintf(why, whylen, "bad address \"%s\": expected an address, prefix or range",
			 quote(start, (size_t)(end - start), q));
		return LINE_BAD;
	}
	*p = '\0';
	return v6 ? parse_rbl6(start, (size_t)(p - start), out, why, whylen)
		  : parse_rbl4(start, (size_t)(p - start), out, why, whylen);
}

/* Classify one line (len bytes, not NUL-terminated, may be modified). */
static enum line_kind parse_line(enum listfile_format format, char *text,
				 size_t len, struct line_out *out, char *why,
				 size_t whylen)
{
	out->n = 0;
	if (memchr(text, '\0', len)) {
		snprintf(why, whylen, "line contains a NUL byte");
		return LINE_BAD;
	}
	if (format == LISTFILE_RBLDNSD)
		return parse_rbldnsd_line(text, len, out, why, whylen);
	return parse_plain_line(text, len, out, why, whylen);
}

const char *listfile_format_name(enum listfile_format format)
{
	switch (format) {
	case LISTFILE_PLAIN:
		return "plain";
	case LISTFILE_RBLDNSD:
		return "rbldnsd";
	}
	return "unknown";
}

int listfile_parse_format(FILE *in, enum listfile_format format,
			  listfile_entry_fn on_entry, listfile_bad_fn on_bad,
			  void *ctx, struct listfile_report *report)
{
	struct listfile_report r = { 0 };
	struct line_out *out;
	char *line = NULL, *text;
	char why[256];
	size_t cap = 0, len;
	ssize_t n;
	int rc = 0;

	if (!in || (format != LISTFILE_PLAIN && format != LISTFILE_RBLDNSD))
		return -EINVAL;
	out = malloc(sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (;;) {
		errno = 0;
		n = getline(&line, &cap, in);
		if (n < 0)
			break;
		r.lines++;
		text = line;
		len = (size_t)n;
		if (r.lines == 1 && len >= 3 && memcmp(text, utf8_bom, 3) == 0) {
			text += 3;
			len -= 3;
		}
		switch (parse_line(format, text, len, out, why, sizeof(why))) {
		case LINE_EMPTY:
			break;
		case LINE_BAD:
			r.bad++;
			if (on_bad)
				on_bad(r.lines, why, ctx);
			break;
		case LINE_ENTRY:
			for (unsigned int i = 0; i < out->n; i++) {
				r.entries++;
				if (on_entry)
					rc = on_entry(&out->cidr[i], ctx);
				if (rc)
					goto out;
			}
			break;
		}
	}
	/* getline() returns -1 at the end and on errors alike. */
	if (ferror(in))
		rc = -EIO;
	else if (!feof(in))
		rc = errno ? -errno : -EIO; /* ENOMEM: a line too long to hold */
out:
	free(line);
	free(out);
	if (report)
		*report = r;
	return rc;
}

int listfile_parse(FILE *in, listfile_entry_fn on_entry,
		   listfile_bad_fn on_bad, void *ctx,
		   struct listfile_report *report)
{
	return listfile_parse_format(in, LISTFILE_PLAIN, on_entry, on_bad, ctx,
				     report);
}
