/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * duration.h - time spans in Postfix style: "60s", "10m", "1h", "7d", "1w",
 * a bare number meaning seconds, and sums such as "1h30m".
 *
 * Contract: values are bounded by DURATION_MAX_SECONDS so that converting
 * to nanoseconds can never overflow a 64-bit clock value.
 */
#ifndef MXS_DURATION_H
#define MXS_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Ten years: far beyond any sensible ban, far below 2^64 ns. */
#define DURATION_MAX_SECONDS (3650ull * 86400ull)

/* Longest text duration_format() writes, NUL included. */
#define DURATION_STRLEN 32

/* Parse text into seconds.  Returns 0, or -EINVAL (syntax, unknown unit) or
 * -ERANGE (over DURATION_MAX_SECONDS) with a message in err. */
int duration_parse(const char *text, uint64_t *seconds, char *err,
		   size_t errlen);

/* Compact form of the two largest units: "59s", "10m", "1h30m", "2d3h",
 * "3w". Zero prints as "0s". Always NUL-terminates. */
void duration_format(uint64_t seconds, char *buf, size_t len);

#endif /* MXS_DURATION_H */
