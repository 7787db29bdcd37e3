/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * boottime.h - a CLOCK_BOOTTIME instant, as the kernel maps keep every
 * expiry, to and from wall-clock unix seconds, as files read after a
 * reboot or on another host need it: the state file (state.h) and the
 * fleet export (export_file.h).  CLOCK_BOOTTIME restarts at every boot.
 *
 * Contract: pure arithmetic, no clock reads.  now_ns is CLOCK_BOOTTIME
 * and now_unix_ns the wall clock (CLOCK_REALTIME), both in ns and read
 * at (nearly) the same moment; the ns keep a restored entry within a
 * fraction of a second of its old expiry.
 */
#ifndef MXS_BOOTTIME_H
#define MXS_BOOTTIME_H

#include <stdint.h>

/* A boot-time instant (past or future) in unix seconds, rounded to the
 * nearest, at least 1. */
uint64_t boottime_to_unix(uint64_t t_ns, uint64_t now_ns, uint64_t now_unix_ns);

/* The reverse: an instant before this boot is clamped to 1 (the earliest
 * boot time) and one more than DURATION_MAX_SECONDS ahead to that, so
 * nothing overflows.  Neither function gives 0: the caller handles
 * "never" itself. */
uint64_t boottime_from_unix(uint64_t t_unix, uint64_t now_ns,
			    uint64_t now_unix_ns);

#endif /* MXS_BOOTTIME_H */
