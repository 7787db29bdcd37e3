/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon_ban.h - mxscreend's timed bans, for every cause that bans a
 * source on its own evidence (rate offences, Postfix's verdicts): one
 * offence memory, one escalation, one log shape.
 *
 * Contract:
 *   - An allowed source (a live allow entry, mynetworks) is never banned
 *     and gets no offence.
 *   - An administrator's block entry (reasons manual, list, file), live or
 *     expired, is never replaced; nor is a live entry of another reason
 *     that already refuses the class.
 *   - The n-th offence remembered within ban_memory bans for ban_time
 *     doubled n - 1 times, at most ban_time_max.  IPv6 sources are banned
 *     by their rate_prefix_v6 prefix.
 *   - The log line: "WHAT [ADDR] class=CLASS DETAIL offence=N ban=DURATION",
 *     with " (observe: not written)" in observe mode, which writes nothing,
 *     or " closed=N" when the ban ended N open connections of the source
 *     (daemon_close.h: logged at the end of the event loop's round).
 */
#ifndef MXS_DAEMON_BAN_H
#define MXS_DAEMON_BAN_H

#include <stdint.h>

#include "lib/addr.h"

struct daemon;

/* The prefix a ban of host covers (host for IPv4, its rate_prefix_v6
 * prefix for an IPv6 host; a prefix as it is). */
void daemon_ban_prefix(const struct daemon *d, const struct addr_cidr *host,
		       struct addr_cidr *out);

/* Whether host may be banned at all (not allowed, not in mynetworks). */
bool daemon_ban_allowed(struct daemon *d, const struct addr_cidr *host,
			uint64_t now_ns);

/* Ban host in class_ for reason (MXS_REASON_RATE, MXS_REASON_POSTFIX,
 * MXS_REASON_ACCOUNT),
 * logging "what" and "detail" as above.  Returns 1 when a ban was
 * written (or would have been, in observe mode), 0 when the source was
 * left alone, -errno when the write failed (logged). */
int daemon_ban(struct daemon *d, const struct addr_cidr *host,
	       unsigned int class_, uint8_t reason, const char *what,
	       const char *detail);

#endif /* MXS_DAEMON_BAN_H */
