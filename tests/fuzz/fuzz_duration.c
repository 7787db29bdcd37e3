// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_duration.c - duration_parse() on arbitrary text (the input, cut at
 * its first NUL byte) and duration_format() on arbitrary numbers (the
 * first 8 bytes of the input).
 *
 * Invariants:
 *  - a parse returns 0, -EINVAL or -ERANGE; on error the output is
 *    untouched and there is a message; on success the value is at most
 *    DURATION_MAX_SECONDS;
 *  - a parsed value formats to text (NUL-terminated, within
 *    DURATION_STRLEN) that parses back to a value no larger and short of
 *    it by less than one of the second unit printed (duration.c keeps two
 *    units: "1w5h" prints as "1w"), and that formats the same again;
 *  - every value up to DURATION_MAX_SECONDS formats to text that parses;
 *  - any value, and any buffer length, is written within the buffer and
 *    NUL-terminated.
 */
#include <errno.h>

#include "lib/duration.h"
#include "fuzz.h"

/* What duration_format() may cut off: less than one of the unit after
 * the largest that fits. */
static uint64_t format_slack(uint64_t s)
{
	if (s >= 7 * 86400)
		return 86400;
	if (s >= 86400)
		return 3600;
	if (s >= 3600)
		return 60;
	return 1; /* minutes and seconds are exact */
}

static void check_format(uint64_t s, const char *what)
{
	char buf[DURATION_STRLEN], again[DURATION_STRLEN], err[256];
	uint64_t back = 0;
	int rc;

	duration_format(s, buf, sizeof(buf));
	FUZZ_CHECK(fuzz_printable(buf, sizeof(buf)), "%s %llu: bad text", what,
		   (unsigned long long)s);
	rc = duration_parse(buf, &back, err, sizeof(err));
	FUZZ_CHECK(rc == 0, "%s %llu formats as \"%s\", which does not parse: %s",
		   what, (unsigned long long)s, buf, err);
	FUZZ_CHECK(back <= s && s - back < format_slack(s),
		   "%s %llu formats as \"%s\", which is %llu", what,
		   (unsigned long long)s, buf, (unsigned long long)back);
	duration_format(back, again, sizeof(again));
	FUZZ_CHECK(strcmp(buf, again) == 0, "%s %llu: \"%s\", then \"%s\"",
		   what, (unsigned long long)s, buf, again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size), err[256], buf[DURATION_STRLEN + 8];
	uint64_t s = 0x5a5a5a5a5a5a5a5aull, raw;
	size_t len;
	int rc;

	err[0] = '\0';
	rc = duration_parse(text, &s, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE, "\"%s\": rc %d",
		   text, rc);
	if (rc) {
		FUZZ_CHECK(s == 0x5a5a5a5a5a5a5a5aull,
			   "\"%s\": output written on error", text);
		FUZZ_CHECK(err[0] != '\0', "\"%s\": no message", text);
	} else {
		FUZZ_CHECK(s <= DURATION_MAX_SECONDS, "\"%s\": %llu", text,
			   (unsigned long long)s);
		check_format(s, "parsed");
	}
	free(text);

	if (size < 9)
		return 0;
	memcpy(&raw, data, sizeof(raw));
	if (raw <= DURATION_MAX_SECONDS)
		check_format(raw, "value");
	len = data[8] % (DURATION_STRLEN + 1);
	memset(buf, 'x', sizeof(buf));
	duration_format(raw, buf, len);
	FUZZ_CHECK(buf[len] == 'x', "%llu: wrote past %zu bytes",
		   (unsigned long long)raw, len);
	FUZZ_CHECK(!len || memchr(buf, '\0', len),
		   "%llu: not terminated within %zu bytes",
		   (unsigned long long)raw, len);
	return 0;
}
