// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_listfile.c - list files (mxscreen load, blocklist_files,
 * allowlist_files): the input as a whole file through
 * listfile_parse_format() in both formats, plain and rbldnsd, and every
 * line of it on its own.
 *
 * Invariants, for both formats:
 *  - on a memory stream the result is 0 (bad lines do not fail a file),
 *    or the entry callback's value when it stops the read, after exactly
 *    the entries it saw;
 *  - the report counts every line, the entries and the bad lines the
 *    callbacks saw;
 *  - every entry is a canonical prefix (as fuzz_addr checks it) that
 *    formats and parses back to itself;
 *  - every message about a bad line is non-empty printable ASCII (list
 *    files are downloaded; their text must not reach a terminal raw);
 *  - a line whose first non-blank character is '#' or ';' is a comment:
 *    no entry, no bad line (both formats document it);
 *  - one line gives at most LISTFILE_MAX_LINE_PREFIXES entries (plain:
 *    1); several entries of one line are IPv4, in ascending order, and
 *    adjacent: together one range, with no gap and no overlap;
 *  - the file read whole gives the same entries and bad lines as its lines
 *    read one by one (no state leaks from one line into the next).
 */
#include <errno.h>

#include "lib/listfile.h"
#include "fuzz.h"

#define STOP_VALUE 77

struct collect {
	struct addr_cidr *e;
	size_t n, cap;
	unsigned long bad;
	unsigned long stop_after; /* 0: never stop */
	enum listfile_format format;
};

static void check_entry(const struct addr_cidr *c)
{
	char text[ADDR_CIDR_STRLEN], err[256];
	unsigned int bits = c->family == MXS_FAMILY_V4 ? 32 : 128, i;
	struct addr_cidr back;

	FUZZ_CHECK(c->family == MXS_FAMILY_V4 || c->family == MXS_FAMILY_V6,
		   "entry: family %u", c->family);
	FUZZ_CHECK(c->prefixlen <= bits, "entry: /%u", c->prefixlen);
	for (i = c->prefixlen; i < 128; i++)
		FUZZ_CHECK(!(c->addr[i / 8] >> (7 - i % 8) & 1),
			   "entry: host bit %u set in a /%u", i, c->prefixlen);
	addr_format_cidr(c, text, sizeof(text));
	FUZZ_CHECK(addr_parse_cidr(text, &back, err, sizeof(err)) == 0 &&
			   !memcmp(&back, c, sizeof(back)),
		   "entry \"%s\" does not parse back to itself: %s", text, err);
}

static int on_entry(const struct addr_cidr *cidr, void *arg)
{
	struct collect *c = arg;

	check_entry(cidr);
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->e = realloc(c->e, c->cap * sizeof(*c->e));
		if (!c->e)
			abort();
	}
	c->e[c->n++] = *cidr;
	if (c->stop_after && c->n == c->stop_after)
		return STOP_VALUE;
	return 0;
}

static void on_bad(unsigned long lineno, const char *why, void *arg)
{
	struct collect *c = arg;

	FUZZ_CHECK(why[0] && fuzz_printable(why, 4096),
		   "%s line %lu: message \"%s\" empty or not printable",
		   listfile_format_name(c->format), lineno, why);
	c->bad++;
}

/* Parses size bytes; returns the result, fills c and rep. */
static int parse(const uint8_t *data, size_t size, enum listfile_format fmt,
		 struct collect *c, struct listfile_report *rep)
{
	FILE *f;
	int rc;

	c->format = fmt;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		abort();
	memset(rep, 0x5a, sizeof(*rep));
	rc = listfile_parse_format(f, fmt, on_entry, on_bad, c, rep);
	fclose(f);
	FUZZ_CHECK(rep->entries == c->n && rep->bad == c->bad,
		   "%s: report says %lu entries %lu bad, callbacks saw %zu and %lu",
		   listfile_format_name(fmt), rep->entries, rep->bad, c->n,
		   c->bad);
	return rc;
}

static uint32_t v4(const struct addr_cidr *c)
{
	return (uint32_t)c->addr[0] << 24 | (uint32_t)c->addr[1] << 16 |
	       (uint32_t)c->addr[2] << 8 | c->addr[3];
}

/* The entries of one line: one range, or one prefix. */
static void check_line_entries(const struct collect *c,
			       enum listfile_format fmt)
{
	size_t i;

	FUZZ_CHECK(c->n <= (fmt == LISTFILE_PLAIN ? 1 : LISTFILE_MAX_LINE_PREFIXES),
		   "%s: %zu entries from one line", listfile_format_name(fmt),
		   c->n);
	for (i = 1; i < c->n; i++) {
		const struct addr_cidr *a = &c->e[i - 1], *b = &c->e[i];
		uint64_t a_end = (uint64_t)v4(a) + (1ull << (32 - a->prefixlen));

		FUZZ_CHECK(a->family == MXS_FAMILY_V4 &&
				   b->family == MXS_FAMILY_V4 && a_end == v4(b),
			   "%s: entries %zu and %zu of one line are not adjacent",
			   listfile_format_name(fmt), i - 1, i);
	}
}

static void check_format(const uint8_t *data, size_t size,
			 enum listfile_format fmt)
{
	struct collect whole = {0}, line = {0};
	struct listfile_report rep;
	unsigned long lines = 0;
	uint8_t *buf = malloc(size + 1);
	size_t start, end, k = 0;
	int rc;

	if (!buf)
		abort();
	buf[0] = '\n';
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (size && data[size - 1] != '\n')
		lines++;

	whole.stop_after = size && data[0] == 'S' ? 3 : 0;
	rc = parse(data, size, fmt, &whole, &rep);
	if (whole.stop_after && whole.n == whole.stop_after) {
		FUZZ_CHECK(rc == STOP_VALUE, "%s: stopped, but rc %d",
			   listfile_format_name(fmt), rc);
		goto out;
	}
	FUZZ_CHECK(rc == 0, "%s: rc %d", listfile_format_name(fmt), rc);
	FUZZ_CHECK(rep.lines == lines, "%s: %lu lines counted of %lu",
		   listfile_format_name(fmt), rep.lines, lines);
	FUZZ_CHECK(rep.bad <= rep.lines, "%s: %lu bad of %lu lines",
		   listfile_format_name(fmt), rep.bad, rep.lines);

	/* line by line: the same entries and bad lines, in order */
	for (start = 0; start < size; start = end) {
		struct listfile_report one;
		size_t first;

		for (end = start; end < size && data[end] != '\n'; end++)
			;
		if (end < size)
			end++;
		line.n = 0;
		line.bad = 0;
		/* after an empty line, so that a BOM is stripped only where
		 * the whole file has it: on its first line */
		memcpy(buf + 1, data + start, end - start);
		rc = parse(start ? buf : buf + 1, end - start + !!start, fmt,
			   &line, &one);
		FUZZ_CHECK(rc == 0 && one.lines == 1 + !!start,
			   "%s: one line: rc %d, %lu lines",
			   listfile_format_name(fmt), rc, one.lines);
		check_line_entries(&line, fmt);
		/* a comment line (after blanks; the BOM only on line 1) */
		first = start;
		if (start == 0 && end - start >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
			first += 3;
		while (first < end && (data[first] == ' ' || data[first] == '\t'))
			first++;
		if (first < end && (data[first] == '#' || data[first] == ';') &&
		    !memchr(data + start, '\0', end - start))
			FUZZ_CHECK(line.n == 0 && line.bad == 0,
				   "%s: comment line \"%.*s\" gave %zu entries, %lu bad",
				   listfile_format_name(fmt),
				   (int)(end - start), (const char *)data + start,
				   line.n, line.bad);
		FUZZ_CHECK(k + line.n <= whole.n &&
				   (!line.n || !memcmp(whole.e + k, line.e,
						       line.n * sizeof(*line.e))),
			   "%s: the line at byte %zu reads differently alone",
			   listfile_format_name(fmt), start);
		k += line.n;
		whole.bad -= line.bad;
	}
	FUZZ_CHECK(k == whole.n && whole.bad == 0,
		   "%s: lines alone give %zu entries, the file %zu; bad lines differ by %lu",
		   listfile_format_name(fmt), k, whole.n, whole.bad);
out:
	free(buf);
	free(whole.e);
	free(line.e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0; /* fmemopen() refuses an empty buffer */
	check_format(data, size, LISTFILE_PLAIN);
	check_format(data, size, LISTFILE_RBLDNSD);
	return 0;
}
