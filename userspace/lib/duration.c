/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * duration.c - parsing and printing time spans ("60s", "1h30m", "7d").
 *
 * Grammar: either a bare decimal number (seconds), or one or more terms
 * NUMBER UNIT with units s, m, h, d, w, each unit at most once and from
 * largest to smallest ("1h30m", not "30m1h" or "1h30").  No sign, no white
 * space, no fractions.  Leading zeros are plain decimal ("1h05m").  Syntax
 * errors win over range errors, so "99999999999x" says what is wrong with
 * it rather than that it is too long.
 */
#include "errbuf.h"
#include "duration.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

static const struct {
	char unit;
	uint64_t seconds;
} units[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 },
	{ 's', 1 },
};
#define NR_UNITS (sizeof(units) / sizeof(units[0]))

#define EXPECTED                                                               \
	"expected a number with unit s, m, h, d or w (e.g. 60s, 10m, 1h, 7d)"

/* Index in units[] of unit character c, or -1. */
static int unit_index(char c)
{
	size_t i;

	for (i = 0; i < NR_UNITS; i++)
		if (units[i].unit == c)
			return (int)i;
	return -1;
}

int duration_parse(const char *text, uint64_t *seconds, char *err,
		   size_t errlen)
{
	const char *p = text;
	uint64_t total = 0;
	bool too_big = false;
	int last = -1; /* index of the previous term's unit */
	int nterms = 0;

	if (!text || !*text) {
		errbuf_set(err, errlen, "empty duration: " EXPECTED);
		return -EINVAL;
	}
	while (*p) {
		uint64_t n = 0, term;
		const char *digits = p;
		int u;

		/* Saturate above the limit: no overflow, still a range error. */
		for (; *p >= '0' && *p <= '9'; p++) {
			if (n <= DURATION_MAX_SECONDS)
				n = n * 10 + (uint64_t)(*p - '0');
		}
		if (p == digits)
			goto bad;
		nterms++;
		if (!*p) {
			if (nterms > 1) {
				errbuf_set(err, errlen,
					"bad duration \"%s\": every part of a sum needs a unit (e.g. 1h30m)",
					text);
				return -EINVAL;
			}
			term = n; /* bare number: seconds */
		} else {
			u = unit_index(*p);
			if (u < 0)
				goto bad;
			if (u <= last) {
				errbuf_set(err, errlen,
					"bad duration \"%s\": units must go from largest to smallest, each at most once (e.g. 1h30m)",
					text);
				return -EINVAL;
			}
			last = u;
			p++;
			if (n > DURATION_MAX_SECONDS / units[u].seconds)
				too_big = true;
			term = n * units[u].seconds;
		}
		/* Both are at most DURATION_MAX_SECONDS here unless too_big. */
		if (too_big || term > DURATION_MAX_SECONDS - total)
			too_big = true;
		else
			total += term;
	}
	if (too_big) {
		errbuf_set(err, errlen,
			"duration \"%s\" is too long: the limit is %llud",
			text, DURATION_MAX_SECONDS / 86400);
		return -ERANGE;
	}
	*seconds = total;
	return 0;

bad:
	errbuf_set(err, errlen, "bad duration \"%s\": " EXPECTED, text);
	return -EINVAL;
}

/* Lossy on purpose: the largest unit and the one just below it, the rest
 * cut off (1w5h prints as "1w", 1h0m59s as "1h"), so that the error is
 * less than one of the smaller unit and the text stays short.  Every
 * output parses back with duration_parse(). */
void duration_format(uint64_t seconds, char *buf, size_t len)
{
	uint64_t big, small;
	size_t i;

	if (!buf || !len)
		return;
	for (i = 0; i < NR_UNITS - 1; i++)
		if (seconds >= units[i].seconds)
			break;
	big = seconds / units[i].seconds;
	if (i == NR_UNITS - 1) {
		snprintf(buf, len, "%llus", (unsigned long long)big);
		return;
	}
	small = seconds % units[i].seconds / units[i + 1].seconds;
	if (small)
		snprintf(buf, len, "%llu%c%llu%c", (unsigned long long)big,
			 units[i].unit, (unsigned long long)small,
			 units[i + 1].unit);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)big,
			 units[i].unit);
}
