// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * state.c - writing and reading state file lines (see state.h).
 *
 * Pure text: no kernel maps, no clock reads (the caller passes the
 * clocks in), so every rule is unit tested.  File text quoted back in a
 * message is cut to QUOTE_MAX bytes and every unprintable byte becomes
 * '?': a corrupt file ends up in logs and terminals.
 */
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errbuf.h"
#include "lib/settings.h"

#define QUOTE_MAX 40
/* An entry line has 5 fields, an offence line 4; one more is caught. */
#define MAX_FIELDS 6

void state_format_header(char *buf, size_t len)
{
	snprintf(buf, len, "%s %d", STATE_MAGIC, STATE_VERSION);
}

static const char *list_name(uint8_t list)
{
	return list == MXS_LIST_ALLOW ? "allow" : "block";
}

/* Append text (n bytes) percent-encoded, so that it is one field of
 * printable ASCII whatever bytes it has: every byte outside '!'..'~',
 * and '%', as %HH. */
static int encode_field(const char *text, size_t n, char *buf, size_t len,
			size_t *used)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (*used + 4 > len)
			return -ENOSPC;
		if (c > ' ' && c < 0x7f && c != '%') {
			buf[(*used)++] = (char)c;
		} else {
			buf[(*used)++] = '%';
			buf[(*used)++] = hex[c >> 4];
			buf[(*used)++] = hex[c & 15];
		}
	}
	buf[*used] = '\0';
	return 0;
}

/* "hold LOGIN UNTIL" */
static int format_hold(const struct state_record *r, char *buf, size_t len)
{
	size_t n = strnlen(r->login, STATE_LOGIN_MAX + 1), used;
	int w;

	if (n == 0 || n > STATE_LOGIN_MAX || r->unix_s == 0 ||
	    r->unix_s > STATE_UNIX_MAX)
		return -EINVAL;
	w = snprintf(buf, len, "hold ");
	if (w < 0 || (size_t)w >= len)
		return -ENOSPC;
	used = (size_t)w;
	if (encode_field(r->login, n, buf, len, &used))
		return -ENOSPC;
	w = snprintf(buf + used, len - used, " %llu",
		     (unsigned long long)r->unix_s);
	if (w < 0 || (size_t)w >= len - used)
		return -ENOSPC;
	return 0;
}

/* "instance PIN_PATH": an absolute path */
static int format_instance(const struct state_record *r, char *buf, size_t len)
{
	size_t n = strnlen(r->pin_path, STATE_PIN_PATH_MAX + 1), used;
	int w;

	if (n == 0 || n > STATE_PIN_PATH_MAX || r->pin_path[0] != '/')
		return -EINVAL;
	w = snprintf(buf, len, "instance ");
	if (w < 0 || (size_t)w >= len)
		return -ENOSPC;
	used = (size_t)w;
	return encode_field(r->pin_path, n, buf, len, &used);
}

int state_format_record(const struct state_record *r, char *buf, size_t len)
{
	char text[ADDR_CIDR_STRLEN];
	struct addr_cidr host;
	int w;

	/* always with /LEN, so that a reader sees hosts and nets alike */
	host = r->cidr;
	host.prefixlen = r->cidr.family == MXS_FAMILY_V6 ? 128 : 32;
	addr_format_cidr(&host, text, sizeof(text));
	if (r->kind == STATE_HOLD)
		return format_hold(r, buf, len);
	if (r->kind == STATE_INSTANCE)
		return format_instance(r, buf, len);
	if (r->kind == STATE_OFFENCE) {
		if (r->count == 0 || r->unix_s == 0 ||
		    r->unix_s > STATE_UNIX_MAX)
			return -EINVAL;
		w = snprintf(buf, len, "offence %s/%u %u %llu", text,
			     r->cidr.prefixlen, r->count,
			     (unsigned long long)r->unix_s);
	} else {
		if ((r->list != MXS_LIST_ALLOW && r->list != MXS_LIST_BLOCK) ||
		    (r->reason != MXS_REASON_DNSBL &&
		     r->reason != MXS_REASON_RATE &&
		     r->reason != MXS_REASON_POSTFIX &&
		     r->reason != MXS_REASON_ACCOUNT) ||
		    r->classes == 0 || (r->classes & ~MXS_CLASSES_ALL) ||
		    r->unix_s > STATE_UNIX_MAX)
			return -EINVAL;
		w = snprintf(buf, len, "%s %s/%u %s %s %llu",
			     list_name(r->list), text, r->cidr.prefixlen,
			     settings_reason_name(r->reason),
			     settings_classes_name(r->classes),
			     (unsigned long long)r->unix_s);
	}
	if (w < 0 || (size_t)w >= len)
		return -ENOSPC;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* text cut to QUOTE_MAX bytes ("..." when cut), unprintables as '?';
 * buf holds QUOTE_MAX + 4. */
static const char *quote(const char *text, char *buf)
{
	size_t n = strnlen(text, QUOTE_MAX + 1), i;

	if (n > QUOTE_MAX)
		n = QUOTE_MAX;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	if (text[n]) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* Split copy (mutable) at blanks into at most MAX_FIELDS fields. */
static size_t split(char *copy, char **field)
{
	size_t n = 0;
	char *p = copy;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p || n == MAX_FIELDS)
			return n;
		field[n++] = p;
		while (*p && !is_blank(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static int parse_time(const char *text, const char *what, uint64_t min,
		      uint64_t *out, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];

	if (settings_parse_uint(text, min, STATE_UNIX_MAX, out, NULL, 0) == 0)
		return 0;
	errbuf_set(err, errlen,
		   "bad %s \"%s\": expected unix seconds from %llu to %llu",
		   what, quote(text, q), (unsigned long long)min,
		   STATE_UNIX_MAX);
	return -EINVAL;
}

static int parse_prefix(const char *text, struct addr_cidr *cidr, char *err,
			size_t errlen)
{
	char why[256], q[QUOTE_MAX + 4];

	if (!strchr(text, '/')) {
		errbuf_set(err, errlen,
			   "bad prefix \"%s\": expected ADDRESS/LENGTH",
			   quote(text, q));
		return -EINVAL;
	}
	if (addr_parse_cidr(text, cidr, why, sizeof(why)) == 0)
		return 0;
	errbuf_set(err, errlen, "bad prefix: %s", why);
	return -EINVAL;
}

static int parse_entry(char **f, size_t n, struct state_record *r, char *err,
		       size_t errlen)
{
	char q[QUOTE_MAX + 4];

	if (n != 5) {
		errbuf_set(
		    err, errlen,
		    "%s fields: expected LIST PREFIX REASON CLASSES EXPIRES",
		    n < 5 ? "missing" : "too many");
		return -EINVAL;
	}
	r->kind = STATE_ENTRY;
	r->list = strcmp(f[0], "allow") == 0 ? MXS_LIST_ALLOW : MXS_LIST_BLOCK;
	if (parse_prefix(f[1], &r->cidr, err, errlen))
		return -EINVAL;
	if (strcmp(f[2], "dnsbl") == 0) {
		r->reason = MXS_REASON_DNSBL;
	} else if (strcmp(f[2], "rate") == 0) {
		r->reason = MXS_REASON_RATE;
	} else if (strcmp(f[2], "postfix") == 0) {
		r->reason = MXS_REASON_POSTFIX;
	} else if (strcmp(f[2], "account") == 0) {
		r->reason = MXS_REASON_ACCOUNT;
	} else {
		errbuf_set(err, errlen,
			   "bad reason \"%s\": expected dnsbl, rate, postfix "
			   "or account",
			   quote(f[2], q));
		return -EINVAL;
	}
	/* settings' message quotes the text raw: say it here, quoted */
	if (settings_parse_classes(f[3], &r->classes, NULL, 0)) {
		errbuf_set(err, errlen,
			   "bad classes \"%s\": expected mx, submission or all",
			   quote(f[3], q));
		return -EINVAL;
	}
	return parse_time(f[4], "expiry", 0, &r->unix_s, err, errlen);
}

static int parse_offence(char **f, size_t n, struct state_record *r, char *err,
			 size_t errlen)
{
	char q[QUOTE_MAX + 4];
	uint64_t count;

	if (n != 4) {
		errbuf_set(err, errlen,
			   "%s fields: expected offence PREFIX COUNT LAST",
			   n < 4 ? "missing" : "too many");
		return -EINVAL;
	}
	r->kind = STATE_OFFENCE;
	r->list = MXS_LIST_BLOCK;
	if (parse_prefix(f[1], &r->cidr, err, errlen))
		return -EINVAL;
	if (settings_parse_uint(f[2], 1, STATE_COUNT_MAX, &count, NULL, 0)) {
		errbuf_set(err, errlen,
			   "bad offence count \"%s\": expected 1 to %u",
			   quote(f[2], q), STATE_COUNT_MAX);
		return -EINVAL;
	}
	r->count = (uint32_t)count;
	return parse_time(f[3], "last offence time", 1, &r->unix_s, err,
			  errlen);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode a percent-encoded field into out (1..max bytes, NUL added);
 * -EINVAL for a bad escape, %00, or too many bytes. */
static int decode_field(const char *text, char *out, size_t max)
{
	size_t n = 0;

	for (const char *p = text; *p; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			int hi = hex_digit(p[1]),
			    lo = hi < 0 ? -1 : hex_digit(p[2]);

			if (lo < 0 || (hi == 0 && lo == 0))
				return -EINVAL;
			c = hi * 16 + lo;
			p += 2;
		}
		if (n == max)
			return -EINVAL;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n ? 0 : -EINVAL;
}

static int parse_hold(char **f, size_t n, struct state_record *r, char *err,
		      size_t errlen)
{
	char q[QUOTE_MAX + 4];

	if (n != 3) {
		errbuf_set(err, errlen, "%s fields: expected hold LOGIN UNTIL",
			   n < 3 ? "missing" : "too many");
		return -EINVAL;
	}
	r->kind = STATE_HOLD;
	if (decode_field(f[1], r->login, STATE_LOGIN_MAX)) {
		errbuf_set(err, errlen,
			   "bad login \"%s\": expected 1 to %d bytes, "
			   "percent-encoded (%%HH, never %%00)",
			   quote(f[1], q), STATE_LOGIN_MAX);
		return -EINVAL;
	}
	return parse_time(f[2], "hold end", 1, &r->unix_s, err, errlen);
}

static int parse_instance(char **f, size_t n, struct state_record *r, char *err,
			  size_t errlen)
{
	char q[QUOTE_MAX + 4];

	if (n != 2) {
		errbuf_set(err, errlen, "%s fields: expected instance PIN_PATH",
			   n < 2 ? "missing" : "too many");
		return -EINVAL;
	}
	r->kind = STATE_INSTANCE;
	if (decode_field(f[1], r->pin_path, STATE_PIN_PATH_MAX) ||
	    r->pin_path[0] != '/') {
		errbuf_set(err, errlen,
			   "bad pin path \"%s\": expected an absolute path of "
			   "at most %d bytes, percent-encoded",
			   quote(f[1], q), STATE_PIN_PATH_MAX);
		return -EINVAL;
	}
	return 0;
}

int state_parse_line(const char *line, struct state_record *r, char *err,
		     size_t errlen)
{
	char copy[STATE_LINE_MAX + 1], q[QUOTE_MAX + 4];
	char *f[MAX_FIELDS];
	size_t len = strlen(line), n;

	if (len > STATE_LINE_MAX) {
		errbuf_set(err, errlen,
			   "line too long (%zu bytes): expected at most %d",
			   len, STATE_LINE_MAX);
		return -EINVAL;
	}
	memcpy(copy, line, len + 1);
	n = split(copy, f);
	if (n == 0 || f[0][0] == '#')
		return 0;
	memset(r, 0, sizeof(*r));
	if (strcmp(f[0], "block") == 0 || strcmp(f[0], "allow") == 0) {
		if (parse_entry(f, n, r, err, errlen))
			return -EINVAL;
	} else if (strcmp(f[0], "offence") == 0) {
		if (parse_offence(f, n, r, err, errlen))
			return -EINVAL;
	} else if (strcmp(f[0], "hold") == 0) {
		if (parse_hold(f, n, r, err, errlen))
			return -EINVAL;
	} else if (strcmp(f[0], "instance") == 0) {
		if (parse_instance(f, n, r, err, errlen))
			return -EINVAL;
	} else {
		errbuf_set(err, errlen,
			   "unknown record \"%s\": expected block, allow, "
			   "offence, hold or instance",
			   quote(f[0], q));
		return -EINVAL;
	}
	return 1;
}

/* The header line: 1 when it is ours, 0 when it is not a header at all,
 * -EPROTO for another version (with the reason in err). */
static int parse_header(const char *line, char *err, size_t errlen)
{
	size_t m = strlen(STATE_MAGIC);
	char q[QUOTE_MAX + 4], want[32];

	state_format_header(want, sizeof(want));
	if (strcmp(line, want) == 0)
		return 1;
	if (strncmp(line, STATE_MAGIC, m) == 0 && is_blank(line[m])) {
		errbuf_set(
		    err, errlen,
		    "unsupported version \"%s\": expected \"%s\"; file ignored",
		    quote(line, q), want);
		return -EPROTO;
	}
	errbuf_set(err, errlen,
		   "missing header: expected \"%s\" as the first line; reading "
		   "on as version %d",
		   want, STATE_VERSION);
	return 0;
}

int state_read(FILE *in, state_record_fn on_record, state_bad_fn on_bad,
	       void *ctx, struct state_report *report)
{
	struct state_report rep = {0};
	struct state_record r;
	char *line = NULL, why[512];
	size_t cap = 0, len;
	ssize_t n;
	int rc = 0, got;

	if (!in)
		return -EINVAL;
	for (;;) {
		errno = 0;
		n = getline(&line, &cap, in);
		if (n < 0)
			break;
		rep.lines++;
		len = (size_t)n;
		why[0] = '\0';
		if (len == 0 || line[len - 1] != '\n') {
			/* the writer ends every line: this one was cut */
			errbuf_set(why, sizeof(why),
				   "truncated line (no newline at the end)");
			got = -EINVAL;
		} else if (memchr(line, '\0', len)) {
			errbuf_set(why, sizeof(why),
				   "line contains a NUL byte");
			got = -EINVAL;
		} else {
			line[--len] = '\0';
			if (len && line[len - 1] == '\r')
				line[--len] = '\0';
			if (rep.lines == 1) {
				got = parse_header(line, why, sizeof(why));
				if (got == 1)
					continue;
				rep.bad++;
				if (on_bad)
					on_bad(rep.lines, why, ctx);
				if (got < 0) {
					rc = got;
					goto out;
				}
			}
			got = state_parse_line(line, &r, why, sizeof(why));
		}
		if (got < 0) {
			rep.bad++;
			if (on_bad)
				on_bad(rep.lines, why, ctx);
		} else if (got == 1) {
			rep.records++;
			if (on_record)
				rc = on_record(&r, ctx);
			if (rc)
				goto out;
		}
	}
	/* getline() returns -1 at the end and on errors alike. */
	if (ferror(in))
		rc = -EIO;
	else if (!feof(in))
		rc = errno ? -errno : -EIO;
out:
	free(line);
	if (report)
		*report = rep;
	return rc;
}
