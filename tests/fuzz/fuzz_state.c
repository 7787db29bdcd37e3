// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_state.c - mxscreend's state file reader: the input as a whole file
 * through state_read(), every line of it through state_parse_line(), and
 * the clock conversions the file's times go through (boottime.h) on
 * numbers from the input.
 *
 * Invariants:
 *  - state_read() returns 0, -EPROTO (another version) or a callback's
 *    value, never a read error on a memory stream; it counts every line,
 *    and records + bad lines are at most lines + 1 (a missing header is
 *    reported and its line still read as a record);
 *  - every record it delivers is one the format can hold: an entry with
 *    list allow/block, reason dnsbl/rate, classes non-empty within
 *    MXS_CLASSES_ALL, expiry at most STATE_UNIX_MAX; an offence with count
 *    1..STATE_COUNT_MAX and time 1..STATE_UNIX_MAX; a canonical prefix;
 *  - it formats (state_format_record() returns 0 into STATE_LINE_MAX) to
 *    a line that parses back to the identical record;
 *  - every message about a bad line is non-empty printable ASCII (state
 *    file text ends up in logs: state.h's contract);
 *  - state_parse_line() returns 1, 0 or -EINVAL, with a message for
 *    -EINVAL;
 *  - a callback's non-zero return stops the read and is returned;
 *  - boottime_from_unix() and boottime_to_unix(), with now_ns from 1
 *    (a boot clock is never 0) to 2^62 and now_unix_ns below 2^63, never give 0, never overflow (the
 *    results match 128-bit arithmetic unless clamped), and a boot-time
 *    instant within DURATION_MAX_SECONDS of now survives the trip through
 *    unix seconds to within half a second.
 */
#include <errno.h>

#include "lib/boottime.h"
#include "lib/duration.h"
#include "mxscreend/state.h"
#include "fuzz.h"

#define NS_PER_S 1000000000ull

struct ctx {
	unsigned long records, bad, stop_after;
};

static void check_record(const struct state_record *r, const char *where)
{
	struct state_record back;
	char line[STATE_LINE_MAX], err[512];
	int rc;

	if (r->kind == STATE_ENTRY) {
		FUZZ_CHECK((r->list == MXS_LIST_ALLOW ||
			    r->list == MXS_LIST_BLOCK) &&
				   (r->reason == MXS_REASON_DNSBL ||
				    r->reason == MXS_REASON_RATE) &&
				   r->classes &&
				   !(r->classes & ~MXS_CLASSES_ALL) &&
				   r->unix_s <= STATE_UNIX_MAX,
			   "%s: entry list %u reason %u classes %#x unix %llu",
			   where, r->list, r->reason, r->classes,
			   (unsigned long long)r->unix_s);
	} else {
		FUZZ_CHECK(r->kind == STATE_OFFENCE && r->count >= 1 &&
				   r->count <= STATE_COUNT_MAX &&
				   r->unix_s >= 1 && r->unix_s <= STATE_UNIX_MAX,
			   "%s: kind %d count %u unix %llu", where, r->kind,
			   r->count, (unsigned long long)r->unix_s);
	}
	FUZZ_CHECK(r->cidr.family == MXS_FAMILY_V4 ||
			   r->cidr.family == MXS_FAMILY_V6,
		   "%s: family %u", where, r->cidr.family);
	rc = state_format_record(r, line, sizeof(line));
	FUZZ_CHECK(rc == 0, "%s: a record read cannot be written: %d", where,
		   rc);
	memset(&back, 0, sizeof(back));
	err[0] = '\0';
	rc = state_parse_line(line, &back, err, sizeof(err));
	FUZZ_CHECK(rc == 1, "%s: written as \"%s\", which reads as %d: %s",
		   where, line, rc, err);
	FUZZ_CHECK(!memcmp(&back, r, sizeof(back)),
		   "%s: written as \"%s\", which reads as another record",
		   where, line);
}

static int on_record(const struct state_record *r, void *arg)
{
	struct ctx *c = arg;

	check_record(r, "state_read");
	c->records++;
	if (c->stop_after && c->records == c->stop_after)
		return 4242;
	return 0;
}

static void on_bad(unsigned long lineno, const char *why, void *arg)
{
	struct ctx *c = arg;

	FUZZ_CHECK(why[0] && fuzz_printable(why, 4096),
		   "line %lu: message \"%s\" empty or not printable", lineno,
		   why);
	c->bad++;
}

static void check_read(const uint8_t *data, size_t size)
{
	struct state_report rep;
	struct ctx c = {0};
	unsigned long lines = 0;
	FILE *f;
	int rc;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (size && data[size - 1] != '\n')
		lines++;
	/* a byte of the input says whether the callback stops the read */
	if (size && data[0] == 'S')
		c.stop_after = 2;

	f = fmemopen((void *)data, size, "r");
	if (!f)
		return; /* size 0 */
	memset(&rep, 0x5a, sizeof(rep));
	rc = state_read(f, on_record, on_bad, &c, &rep);
	fclose(f);
	FUZZ_CHECK(rc == 0 || rc == -EPROTO || rc == 4242, "state_read: %d", rc);
	FUZZ_CHECK(rep.records == c.records && rep.bad == c.bad,
		   "report: %lu records %lu bad, callbacks %lu and %lu",
		   rep.records, rep.bad, c.records, c.bad);
	FUZZ_CHECK(rep.lines <= lines && rep.records + rep.bad <= rep.lines + 1,
		   "report: %lu lines (%lu in the input), %lu records, %lu bad",
		   rep.lines, lines, rep.records, rep.bad);
	if (rc == 0)
		FUZZ_CHECK(rep.lines == lines, "read %lu lines of %lu",
			   rep.lines, lines);
	if (rc == 4242)
		FUZZ_CHECK(c.records == c.stop_after, "stopped after %lu records",
			   c.records);
}

static void check_lines(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size), *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct state_record r;
		char err[512];
		int rc;

		err[0] = '\0';
		rc = state_parse_line(line, &r, err, sizeof(err));
		FUZZ_CHECK(rc == 1 || rc == 0 || rc == -EINVAL,
			   "state_parse_line: %d", rc);
		if (rc == 1)
			check_record(&r, "state_parse_line");
		if (rc < 0)
			FUZZ_CHECK(err[0] && fuzz_printable(err, sizeof(err)),
				   "message \"%s\" empty or not printable", err);
	}
	free(text);
}

static void check_clocks(const uint8_t *data, size_t size)
{
	uint64_t v[3], now_ns, now_unix_ns, t_unix, t_ns, r, cap, u;
	__int128 want;

	if (size < sizeof(v))
		return;
	memcpy(v, data + size - sizeof(v), sizeof(v));
	now_ns = (v[0] >> 2) | 1; /* CLOCK_BOOTTIME: never 0 */
	now_unix_ns = v[1] >> 1;
	t_unix = v[2] % (STATE_UNIX_MAX + 1);

	r = boottime_from_unix(t_unix, now_ns, now_unix_ns);
	cap = now_ns + DURATION_MAX_SECONDS * NS_PER_S;
	FUZZ_CHECK(r >= 1 && r <= cap,
		   "boot_from_unix(%llu, %llu, %llu) = %llu",
		   (unsigned long long)t_unix, (unsigned long long)now_ns,
		   (unsigned long long)now_unix_ns, (unsigned long long)r);
	want = (__int128)now_ns + (__int128)t_unix * NS_PER_S - now_unix_ns;
	if (r != 1 && r != cap)
		FUZZ_CHECK(want == r,
			   "boot_from_unix(%llu, %llu, %llu) = %llu, not exact",
			   (unsigned long long)t_unix,
			   (unsigned long long)now_ns,
			   (unsigned long long)now_unix_ns,
			   (unsigned long long)r);

	/* a boot-time instant the daemon can have: within the limit of now */
	t_ns = v[2] % (2 * DURATION_MAX_SECONDS * NS_PER_S + 1);
	t_ns = now_ns + t_ns < DURATION_MAX_SECONDS * NS_PER_S
		       ? 0
		       : now_ns + t_ns - DURATION_MAX_SECONDS * NS_PER_S;
	u = boottime_to_unix(t_ns, now_ns, now_unix_ns);
	FUZZ_CHECK(u >= 1, "unix_from_boot: 0");
	want = ((__int128)now_unix_ns + t_ns - now_ns + NS_PER_S / 2) /
	       NS_PER_S;
	if (want >= 1)
		FUZZ_CHECK(want == u, "unix_from_boot(%llu, %llu, %llu) = %llu",
			   (unsigned long long)t_ns, (unsigned long long)now_ns,
			   (unsigned long long)now_unix_ns,
			   (unsigned long long)u);
	/* and back, where nothing was clamped */
	if ((__int128)now_unix_ns + t_ns - now_ns > (__int128)NS_PER_S) {
		__int128 d;

		r = boottime_from_unix(u, now_ns, now_unix_ns);
		d = (__int128)r - t_ns;
		FUZZ_CHECK(d >= -(__int128)NS_PER_S / 2 &&
				   d <= (__int128)NS_PER_S / 2,
			   "boot %llu -> unix %llu -> boot %llu",
			   (unsigned long long)t_ns, (unsigned long long)u,
			   (unsigned long long)r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_read(data, size);
	check_lines(data, size);
	check_clocks(data, size);
	return 0;
}
