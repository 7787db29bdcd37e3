// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * boottime.c - CLOCK_BOOTTIME to and from unix seconds (see boottime.h).
 */
#include "boottime.h"

#include "duration.h"

#define NS_PER_S 1000000000ull

uint64_t boottime_to_unix(uint64_t t_ns, uint64_t now_ns, uint64_t now_unix_ns)
{
	uint64_t wall;

	if (t_ns >= now_ns) {
		wall = now_unix_ns + (t_ns - now_ns);
	} else {
		if (now_ns - t_ns >= now_unix_ns)
			return 1;
		wall = now_unix_ns - (now_ns - t_ns);
	}
	wall = (wall + NS_PER_S / 2) / NS_PER_S;
	return wall ? wall : 1;
}

uint64_t boottime_from_unix(uint64_t t_unix, uint64_t now_ns,
			    uint64_t now_unix_ns)
{
	uint64_t now_s = now_unix_ns / NS_PER_S, d;

	/* far ahead: clamped before the ns arithmetic can overflow */
	if (t_unix > now_s && t_unix - now_s > DURATION_MAX_SECONDS)
		return now_ns + DURATION_MAX_SECONDS * NS_PER_S;
	if (t_unix * NS_PER_S >= now_unix_ns)
		return now_ns + (t_unix * NS_PER_S - now_unix_ns);
	d = now_unix_ns - t_unix * NS_PER_S;
	return d < now_ns ? now_ns - d : 1; /* before this boot: at it */
}
