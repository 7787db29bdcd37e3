/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * settings.c - strict parsers and the name tables of the screener's
 * settings.
 *
 * Numbers are plain decimal: no sign, no white space, no leading zeros
 * (other tools read "010" as octal, so refusing it avoids a surprise).
 * Lists ("25,465", "mx,submission") allow white space after a comma and
 * nowhere else.  Names are lower case.  Out-of-bounds numbers and lists
 * that are too long are -ERANGE, everything else -EINVAL; in a rate, a
 * syntax error anywhere wins over a range error.  On error the output is
 * left untouched.
 */
#include "duration.h"
#include "errbuf.h"
#include "settings.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The name tables: the only place an enum value is spelled for humans. */
static const char *const class_names[MXS_NR_CLASSES] = {
	[MXS_CLASS_MX] = "mx",
	[MXS_CLASS_SUBMISSION] = "submission",
};

static const char *const action_names[] = {
	[MXS_ACTION_DROP] = "drop",
	[MXS_ACTION_RESET] = "reset",
};

static const char *const mode_names[] = {
	[SETTINGS_MODE_AUTO] = "auto",
	[SETTINGS_MODE_NATIVE] = "native",
	[SETTINGS_MODE_SKB] = "skb",
};

static const char *const reason_names[MXS_NR_REASONS] = {
	[MXS_REASON_NONE] = "none",   [MXS_REASON_MANUAL] = "manual",
	[MXS_REASON_LIST] = "list",   [MXS_REASON_DNSBL] = "dnsbl",
	[MXS_REASON_RATE] = "rate",   [MXS_REASON_FILE] = "file",
	[MXS_REASON_POSTFIX] = "postfix", [MXS_REASON_ACCOUNT] = "account",
};

/* Name of all classes together, and of none. */
#define CLASSES_ALL_NAME "all"
#define CLASSES_NONE_NAME "none"
#define UNKNOWN_NAME "unknown"

#define NS_PER_SEC 1000000000ull
#define PREFIX_V6_MAX 128
#define RATE_EXPECTED "expected N/DURATION such as 20/60s, or 0 for off"

/* The shortest period over the largest burst still gives whole
 * nanoseconds, so emission_ns is never rounded down to 0 (off). */
_Static_assert(SETTINGS_RATE_MIN_PERIOD * NS_PER_SEC >=
		       SETTINGS_RATE_MAX_BURST,
	       "a rate within bounds rounds to off");
_Static_assert(SETTINGS_RATE_MAX_PERIOD <= UINT32_MAX,
	       "struct mxs_rate.period_s is a u32");

/* The default port set, also the source of well-known classes. */
static const struct settings_port default_ports[] = {
	{ 25, MXS_CLASS_MX },
	{ 465, MXS_CLASS_SUBMISSION },
	{ 587, MXS_CLASS_SUBMISSION },
};

static const char *table_name(const char *const *names, size_t n,
			      unsigned int v)
{
	return v < n && names[v] ? names[v] : UNKNOWN_NAME;
}

/* Index of name (len bytes, not NUL-terminated) in names, or -1. */
static int table_find(const char *const *names, size_t n, const char *name,
		      size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && strlen(names[i]) == len &&
		    memcmp(names[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* Decimal number in [s, s + len).  0, -EINVAL (syntax) or -ERANGE. */
static int parse_decimal(const char *s, size_t len, uint64_t *out)
{
	bool overflow = false;
	uint64_t v = 0;
	size_t i;

	if (!len || (s[0] == '0' && len > 1))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned int)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Calls fn for each comma-separated item of text; white space may follow
 * a comma.  Empty items are left to fn to refuse. */
static int split_list(const char *text,
		      int (*fn)(const char *item, size_t len, void *ctx),
		      void *ctx)
{
	const char *p = text;
	int rc;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		rc = fn(p, len, ctx);
		if (rc || !comma)
			return rc;
		p = comma + 1;
		while (*p == ' ' || *p == '\t')
			p++;
	}
}

int settings_parse_uint(const char *text, uint64_t min, uint64_t max,
			uint64_t *out, char *err, size_t errlen)
{
	uint64_t v;
	int rc;

	if (min > max) {
		errbuf_set(err, errlen, "bad bounds: minimum %llu over maximum %llu",
			(unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	if (!text) {
		errbuf_set(err, errlen, "missing number");
		return -EINVAL;
	}
	rc = parse_decimal(text, strlen(text), &v);
	if (rc == 0 && (v < min || v > max))
		rc = -ERANGE;
	if (rc == -EINVAL)
		errbuf_set(err, errlen,
			"bad number \"%s\": expected a decimal number from %llu to %llu (no sign, no leading zeros)",
			text, (unsigned long long)min,
			(unsigned long long)max);
	else if (rc == -ERANGE)
		errbuf_set(err, errlen,
			"number %s is out of range: expected %llu to %llu",
			text, (unsigned long long)min,
			(unsigned long long)max);
	else
		*out = v;
	return rc;
}

void settings_ports_default(struct settings_ports *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < ARRAY_LEN(default_ports); i++)
		out->port[out->count++] = default_ports[i];
}

static enum mxs_class well_known_class(uint16_t port)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(default_ports); i++)
		if (default_ports[i].port == port)
			return (enum mxs_class)default_ports[i].class_;
	return MXS_CLASS_MX;
}

struct ports_ctx {
	struct settings_ports ports;
	const char *text;
	char *err;
	size_t errlen;
};

static int parse_port_item(const char *item, size_t len, void *ctx)
{
	struct ports_ctx *pc = ctx;
	const char *eq = memchr(item, '=', len);
	size_t nlen = eq ? (size_t)(eq - item) : len;
	uint64_t port;
	unsigned int i;
	int class_, rc;

	if (!len) {
		errbuf_set(pc->err, pc->errlen,
			"bad port list \"%s\": empty item; expected PORT or PORT=CLASS separated by commas (e.g. 25,465,587 or 2525=mx)",
			pc->text);
		return -EINVAL;
	}
	rc = parse_decimal(item, nlen, &port);
	if (rc == 0 && (port < 1 || port > UINT16_MAX))
		rc = -ERANGE;
	if (rc) {
		errbuf_set(pc->err, pc->errlen,
			"bad port \"%.*s\" in \"%s\": expected a decimal port number from 1 to 65535",
			(int)nlen, item, pc->text);
		return rc;
	}
	if (eq) {
		class_ = table_find(class_names, ARRAY_LEN(class_names), eq + 1,
				    len - nlen - 1);
		if (class_ < 0) {
			errbuf_set(pc->err, pc->errlen,
				"bad port class \"%.*s\" in \"%s\": expected mx or submission",
				(int)(len - nlen - 1), eq + 1, pc->text);
			return -EINVAL;
		}
	} else {
		class_ = (int)well_known_class((uint16_t)port);
	}
	for (i = 0; i < pc->ports.count; i++) {
		if (pc->ports.port[i].port == port) {
			errbuf_set(pc->err, pc->errlen,
				"bad port list \"%s\": port %llu is listed twice",
				pc->text, (unsigned long long)port);
			return -EINVAL;
		}
	}
	if (pc->ports.count >= SETTINGS_MAX_PORTS) {
		errbuf_set(pc->err, pc->errlen,
			"bad port list \"%s\": at most %d ports can be screened",
			pc->text, SETTINGS_MAX_PORTS);
		return -ERANGE;
	}
	pc->ports.port[pc->ports.count].port = (uint16_t)port;
	pc->ports.port[pc->ports.count].class_ = (uint8_t)class_;
	pc->ports.count++;
	return 0;
}

int settings_parse_ports(const char *text, struct settings_ports *out,
			 char *err, size_t errlen)
{
	struct ports_ctx pc = { .text = text, .err = err, .errlen = errlen };
	int rc;

	if (!text || !*text) {
		errbuf_set(err, errlen,
			"empty port list: expected PORT or PORT=CLASS separated by commas (e.g. 25,465,587 or 2525=mx)");
		return -EINVAL;
	}
	rc = split_list(text, parse_port_item, &pc);
	if (rc)
		return rc;
	*out = pc.ports;
	return 0;
}

void settings_format_ports(const struct settings_ports *ports, char *buf,
			   size_t len)
{
	struct settings_port sorted[SETTINGS_MAX_PORTS];
	unsigned int n = ports->count, i, j;
	size_t pos = 0;

	if (!buf || !len)
		return;
	if (n > SETTINGS_MAX_PORTS)
		n = SETTINGS_MAX_PORTS;
	memcpy(sorted, ports->port, n * sizeof(sorted[0]));
	for (i = 1; i < n; i++) { /* insertion sort: n <= 32 */
		struct settings_port p = sorted[i];

		for (j = i; j > 0 && sorted[j - 1].port > p.port; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = p;
	}
	buf[0] = '\0';
	for (i = 0; i < n && pos < len; i++) {
		int w = snprintf(buf + pos, len - pos, "%s%u=%s", i ? "," : "",
				 sorted[i].port,
				 settings_class_name(sorted[i].class_));

		if (w < 0)
			break;
		pos += (size_t)w;
	}
}

struct classes_ctx {
	uint8_t mask;
	const char *text;
	char *err;
	size_t errlen;
};

static int parse_class_item(const char *item, size_t len, void *ctx)
{
	struct classes_ctx *cc = ctx;
	uint8_t bits;
	int c;

	if (len == strlen(CLASSES_ALL_NAME) &&
	    memcmp(item, CLASSES_ALL_NAME, len) == 0) {
		bits = MXS_CLASSES_ALL;
	} else {
		c = table_find(class_names, ARRAY_LEN(class_names), item, len);
		if (c < 0) {
			errbuf_set(cc->err, cc->errlen,
				"bad class \"%.*s\" in \"%s\": expected mx, submission or all (or a list such as mx,submission)",
				(int)len, item, cc->text);
			return -EINVAL;
		}
		bits = (uint8_t)MXS_CLASS_BIT(c);
	}
	if (cc->mask & bits) {
		errbuf_set(cc->err, cc->errlen,
			"bad class list \"%s\": \"%.*s\" repeats a class", cc->text,
			(int)len, item);
		return -EINVAL;
	}
	cc->mask |= bits;
	return 0;
}

int settings_parse_classes(const char *text, uint8_t *mask, char *err,
			   size_t errlen)
{
	struct classes_ctx cc = { .text = text, .err = err, .errlen = errlen };
	int rc;

	if (!text || !*text) {
		errbuf_set(err, errlen,
			"empty class: expected mx, submission or all (or a list such as mx,submission)");
		return -EINVAL;
	}
	rc = split_list(text, parse_class_item, &cc);
	if (rc)
		return rc;
	*mask = cc.mask;
	return 0;
}

const char *settings_classes_name(uint8_t mask)
{
	if (mask & ~MXS_CLASSES_ALL)
		return UNKNOWN_NAME;
	if (mask == MXS_CLASSES_ALL)
		return CLASSES_ALL_NAME;
	if (mask == 0)
		return CLASSES_NONE_NAME;
	/* Exactly one bit: with two classes, the other cases are done. */
	return settings_class_name(mask == MXS_CLASS_BIT(MXS_CLASS_MX) ?
					   MXS_CLASS_MX :
					   MXS_CLASS_SUBMISSION);
}

const char *settings_class_name(enum mxs_class class_)
{
	return table_name(class_names, ARRAY_LEN(class_names),
			  (unsigned int)class_);
}

/* Parse text as one of names[]; what and expect word the message. */
static int parse_name(const char *text, const char *const *names, size_t n,
		      const char *what, const char *expect, int *out,
		      char *err, size_t errlen)
{
	int v = text ? table_find(names, n, text, strlen(text)) : -1;

	if (v < 0) {
		errbuf_set(err, errlen, "bad %s \"%s\": expected %s", what,
			text ? text : "", expect);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int settings_parse_action(const char *text, enum mxs_action *out, char *err,
			  size_t errlen)
{
	int v, rc;

	rc = parse_name(text, action_names, ARRAY_LEN(action_names), "action",
			"drop or reset", &v, err, errlen);
	if (rc == 0)
		*out = (enum mxs_action)v;
	return rc;
}

const char *settings_action_name(enum mxs_action action)
{
	return table_name(action_names, ARRAY_LEN(action_names),
			  (unsigned int)action);
}

int settings_parse_mode(const char *text, enum settings_mode *out, char *err,
			size_t errlen)
{
	int v, rc;

	rc = parse_name(text, mode_names, ARRAY_LEN(mode_names), "mode",
			"auto, native or skb", &v, err, errlen);
	if (rc == 0)
		*out = (enum settings_mode)v;
	return rc;
}

const char *settings_mode_name(enum settings_mode mode)
{
	return table_name(mode_names, ARRAY_LEN(mode_names),
			  (unsigned int)mode);
}

const char *settings_reason_name(unsigned int reason)
{
	return table_name(reason_names, ARRAY_LEN(reason_names), reason);
}

int settings_rate_from(uint32_t burst, uint64_t period_s, struct mxs_rate *out)
{
	uint64_t emission;

	if (burst == 0) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	if (burst > SETTINGS_RATE_MAX_BURST ||
	    period_s < SETTINGS_RATE_MIN_PERIOD ||
	    period_s > SETTINGS_RATE_MAX_PERIOD)
		return -ERANGE;
	/* At most 8.64e13 ns: no overflow here or in the kernel's TAT. */
	emission = period_s * NS_PER_SEC / burst;
	if (emission == 0) /* excluded by the bounds; 0 would mean off */
		emission = 1;
	out->emission_ns = emission;
	out->tau_ns = (uint64_t)(burst - 1) * emission;
	out->burst = burst;
	out->period_s = (uint32_t)period_s;
	return 0;
}

int settings_parse_rate(const char *text, struct mxs_rate *out, char *err,
			size_t errlen)
{
	char derr[256];
	const char *slash;
	uint64_t n = 0, period = 0;
	int nrc, prc;

	if (!text || !*text) {
		errbuf_set(err, errlen, "empty rate: " RATE_EXPECTED);
		return -EINVAL;
	}
	if (strcmp(text, "0") == 0) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	slash = strchr(text, '/');
	if (!slash) {
		errbuf_set(err, errlen, "bad rate \"%s\": " RATE_EXPECTED, text);
		return -EINVAL;
	}
	nrc = parse_decimal(text, (size_t)(slash - text), &n);
	if (nrc == -EINVAL) {
		errbuf_set(err, errlen,
			"bad rate \"%s\": \"%.*s\" is not a decimal number (no sign, no leading zeros); "
			RATE_EXPECTED,
			text, (int)(slash - text), text);
		return -EINVAL;
	}
	prc = duration_parse(slash + 1, &period, derr, sizeof(derr));
	if (prc == -EINVAL) {
		errbuf_set(err, errlen, "bad rate \"%s\": %s", text, derr);
		return -EINVAL;
	}
	if (nrc || n < 1 || n > SETTINGS_RATE_MAX_BURST) {
		errbuf_set(err, errlen,
			"rate \"%s\" is out of range: expected N from 1 to %u (or 0 alone for off)",
			text, SETTINGS_RATE_MAX_BURST);
		return -ERANGE;
	}
	if (prc || period < SETTINGS_RATE_MIN_PERIOD ||
	    period > SETTINGS_RATE_MAX_PERIOD) {
		errbuf_set(err, errlen,
			"rate \"%s\" is out of range: expected a period from 1s to 1d",
			text);
		return -ERANGE;
	}
	return settings_rate_from((uint32_t)n, period, out);
}

void settings_format_rate(const struct mxs_rate *r, char *buf, size_t len)
{
	char period[DURATION_STRLEN];
	uint64_t back;

	if (!buf || !len)
		return;
	if (!r->emission_ns) {
		snprintf(buf, len, "0");
		return;
	}
	/* duration_format() keeps two units; say it in seconds if that
	 * would round ("3661s", not "1h1m"). */
	duration_format(r->period_s, period, sizeof(period));
	if (duration_parse(period, &back, NULL, 0) || back != r->period_s)
		snprintf(period, sizeof(period), "%us", r->period_s);
	snprintf(buf, len, "%u/%s", r->burst, period);
}

int settings_parse_prefix_v6(const char *text, uint32_t *out, char *err,
			     size_t errlen)
{
	uint64_t v = 0;
	int rc;

	rc = text ? parse_decimal(text, strlen(text), &v) : -EINVAL;
	if (rc == 0 && (v < MXS_MIN_RATE_PREFIX_V6 || v > PREFIX_V6_MAX))
		rc = -ERANGE;
	if (rc == -EINVAL)
		errbuf_set(err, errlen,
			"bad IPv6 prefix length \"%s\": expected a decimal number from %d to %d (e.g. %d)",
			text ? text : "", MXS_MIN_RATE_PREFIX_V6, PREFIX_V6_MAX,
			MXS_DEFAULT_RATE_PREFIX_V6);
	else if (rc == -ERANGE)
		errbuf_set(err, errlen,
			"IPv6 prefix length %s is out of range: expected %d to %d",
			text, MXS_MIN_RATE_PREFIX_V6, PREFIX_V6_MAX);
	else
		*out = (uint32_t)v;
	return rc;
}
