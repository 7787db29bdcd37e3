// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * export.c - the text of the rbldnsd data file that shares this host's
 * block entries with a fleet (see export.h for the format and its A
 * values).
 *
 * Everything here is a pure function of its arguments, the wall-clock
 * time included, so the whole file can be checked byte for byte in
 * tests/unit/test_export.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errbuf.h"
#include "export.h"
#include "settings.h"

/* The last octet of the A value of each reason: 127.0.0.1 is RFC 5782's
 * negative test point, so the values start at 2. */
static const uint8_t export_reason_octet[MXS_NR_REASONS] = {
	[MXS_REASON_NONE] = 7, /* no option exports it; never seen */
	[MXS_REASON_MANUAL] = 2,
	[MXS_REASON_RATE] = 3,
	[MXS_REASON_DNSBL] = 4,
	[MXS_REASON_LIST] = 5,
	[MXS_REASON_FILE] = 6,
	[MXS_REASON_POSTFIX] = 8,
	[MXS_REASON_ACCOUNT] = 9,
};

/* Third octet: 0 when the entry refuses port 25 (class mx), 1 when it
 * is for the submission ports only. */
#define EXPORT_SUBMISSION_ONLY_OCTET 1

#define EXPORT_TEST_POINT_TXT "RFC 5782 test point"

int export_parse_reasons(const char *text, uint8_t *mask, char *err,
			 size_t errlen)
{
	const char *p = text;
	uint8_t bits = 0;

	if (strcmp(text, "all") == 0) {
		*mask = EXPORT_ALL_REASONS;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		unsigned int r;

		for (r = MXS_REASON_MANUAL; r < MXS_NR_REASONS; r++) {
			const char *name = settings_reason_name(r);

			if (strlen(name) == len && strncmp(p, name, len) == 0)
				break;
		}
		if (r == MXS_NR_REASONS) {
			errbuf_set(err, errlen,
				   "unknown reason \"%.*s\": expected a list of manual, list, "
				   "dnsbl, rate and file, or all",
				   (int)(len > 32 ? 32 : len), p);
			return -EINVAL;
		}
		bits |= (uint8_t)(1u << r);
		if (p[len] == '\0')
			break;
		p += len + 1;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	*mask = bits;
	return 0;
}

void export_format_reasons(uint8_t mask, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if ((mask & EXPORT_ALL_REASONS) == EXPORT_ALL_REASONS) {
		snprintf(buf, len, "all");
		return;
	}
	if (!(mask & EXPORT_ALL_REASONS)) {
		snprintf(buf, len, "none");
		return;
	}
	for (unsigned int r = MXS_REASON_MANUAL; r < MXS_NR_REASONS; r++) {
		int n;

		if (!(mask & (1u << r)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			     settings_reason_name(r));
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

static bool export_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

bool export_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= EXPORT_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!export_name_char(name[i]))
			return false;
	return true;
}

void export_name_sanitize(const char *name, char *buf, size_t len)
{
	size_t i;

	if (!len)
		return;
	if (len > EXPORT_NAME_LEN)
		len = EXPORT_NAME_LEN;
	for (i = 0; name[i] && i + 1 < len; i++)
		buf[i] = export_name_char(name[i]) ? name[i] : '-';
	buf[i] = '\0';
	if (i == 0)
		snprintf(buf, len, "localhost");
}

uint32_t export_ttl_of_interval(uint64_t interval_s)
{
	if (interval_s < EXPORT_TTL_MIN)
		return EXPORT_TTL_MIN;
	if (interval_s > EXPORT_TTL_MAX)
		return EXPORT_TTL_MAX;
	return (uint32_t)interval_s;
}

bool export_is_loopback(const struct addr_cidr *cidr)
{
	/* 127.0.0.1, and ::ffff:127.0.0.1 as the IPv6 dataset sees it */
	static const struct addr_cidr one4 = {
		.family = MXS_FAMILY_V4, .prefixlen = 32,
		.addr = { 127, 0, 0, 1 },
	};
	static const struct addr_cidr one6 = {
		.family = MXS_FAMILY_V6, .prefixlen = 128,
		.addr = { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 },
	};

	if (cidr->family == MXS_FAMILY_V4)
		return cidr->addr[0] == 127 || addr_contains(cidr, &one4);
	return addr_contains(cidr, &one6);
}

void export_a_value(uint8_t reason, uint8_t classes, char *buf, size_t len)
{
	unsigned int third = (classes & MXS_CLASS_BIT(MXS_CLASS_MX))
				     ? 0
				     : EXPORT_SUBMISSION_ONLY_OCTET;
	unsigned int fourth = reason < MXS_NR_REASONS
				      ? export_reason_octet[reason]
				      : export_reason_octet[MXS_REASON_NONE];

	snprintf(buf, len, "127.0.%u.%u", third, fourth);
}

static int export_cmp(const void *a, const void *b)
{
	const struct export_entry *x = a, *y = b;

	/* addr_compare orders by family first: IPv4 (4) before IPv6 (6) */
	return addr_compare(&x->cidr, &y->cidr);
}

void export_sort(struct export_entry *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), export_cmp);
}

/* "2026-11-22T10:00:00Z" */
static void export_format_time(uint64_t unix_s, char *buf, size_t len)
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "@%llu", (unsigned long long)unix_s);
}

int export_format_entry(const struct export_entry *e, const char *name,
			char *buf, size_t len)
{
	char prefix[ADDR_CIDR_STRLEN], a[16], until[48] = "";
	int n;

	addr_format_cidr(&e->cidr, prefix, sizeof(prefix));
	export_a_value(e->reason, e->classes, a, sizeof(a));
	if (e->expires_unix) {
		char when[32];

		export_format_time(e->expires_unix, when, sizeof(when));
		snprintf(until, sizeof(until), " until %s", when);
	}
	n = snprintf(buf, len, "%s :%s:refused by %s (%s, class %s)%s", prefix,
		     a, name, settings_reason_name(e->reason),
		     settings_classes_name(e->classes), until);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

/* A dataset's opening line and its RFC 5782 test point. */
static int export_dataset(FILE *out, const char *type, const char *name,
			  const char *suffix, const char *test_point)
{
	if (fprintf(out, "$DATASET %s:%s-%s @\n%s :127.0.0.2:%s\n", type, name,
		    suffix, test_point, EXPORT_TEST_POINT_TXT) < 0)
		return -EIO;
	return 0;
}

/* The entries v[from..to) of one dataset. */
static int export_lines(FILE *out, const char *name,
			const struct export_entry *v, size_t from, size_t to)
{
	char line[EXPORT_LINE_MAX];

	for (size_t i = from; i < to; i++) {
		/* cannot fail with a valid name: such a line is left out
		 * rather than written cut */
		if (export_format_entry(&v[i], name, line, sizeof(line)))
			continue;
		if (fprintf(out, "%s\n", line) < 0)
			return -EIO;
	}
	return 0;
}

int export_write(FILE *out, const struct export_info *info,
		 const struct export_entry *v, size_t n)
{
	char when[32], reasons[EXPORT_REASONS_STRLEN];
	size_t n4 = 0;

	while (n4 < n && v[n4].cidr.family == MXS_FAMILY_V4)
		n4++;
	export_format_time(info->now_unix, when, sizeof(when));
	export_format_reasons(info->reasons, reasons, sizeof(reasons));
	/* "#$" would start a special line: every comment is "# ..." */
	if (fprintf(out,
		    "# mxscreen export of %s at %s: the block entries of reasons %s,\n"
		    "# %zu IPv4 and %zu IPv6",
		    info->name, when, reasons, n4, n - n4) < 0)
		return -EIO;
	if (info->loopback &&
	    fprintf(out, " (%zu in 127.0.0.0/8 left out)", info->loopback) < 0)
		return -EIO;
	if (fprintf(out,
		    ".\n"
		    "# An rbldnsd \"combined\" dataset: rbldnsd ... ZONE:combined:FILE\n"
		    "# A values: 127.0.0.2 manual, .3 rate, .4 dnsbl, .5 list, .6 file,\n"
		    "# .8 postfix, .9 account;\n"
		    "# 127.0.1.X: the same, for the submission ports only.\n"
		    "$TTL %u\n",
		    info->ttl) < 0)
		return -EIO;
	if (export_dataset(out, "ip4trie", info->name, "ipv4", "127.0.0.2") ||
	    export_lines(out, info->name, v, 0, n4) ||
	    export_dataset(out, "ip6trie", info->name, "ipv6", "::ffff:7f00:2") ||
	    export_lines(out, info->name, v, n4, n))
		return -EIO;
	return ferror(out) ? -EIO : 0;
}
