/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon_close.h - mxscreend ends the open connections of the sources it
 * bans (close_connections = yes, not in observe mode): the DNSBL, rate
 * and Postfix-log bans hand their target and log line here; at the end
 * of each round of the event loop one walk of the socket table
 * (sockclose.h) ends the connections of the whole batch, and each ban's
 * line is logged with " closed=N" appended.  Without a mechanism, with
 * closing off, or while the screener is in observe mode (mxscreen
 * observe on: it refuses nothing), the line is logged at once, as before.
 *
 * The mechanism is chosen at start and at a reload that turns closing
 * on, and said once in the log; status reports it (close_mechanism) with
 * the connections ended.
 */
#ifndef MXS_DAEMON_CLOSE_H
#define MXS_DAEMON_CLOSE_H

#include <stdint.h>

#include "lib/addr.h"

struct daemon;
struct sockclose;

/* Bans of one batch: more are ended in a walk of their own. */
#define DAEMON_CLOSE_BATCH 1024
#define DAEMON_CLOSE_LINE 480

struct daemon_close_ban {
	int target; /* sockclose index */
	char line[DAEMON_CLOSE_LINE];
};

struct daemon_close {
	struct sockclose *sc;	      /* NULL: closing is off */
	struct daemon_close_ban *ban; /* DAEMON_CLOSE_BATCH of them */
	size_t n;
	uint64_t warned_ns; /* last warning about a failed walk */
};

void daemon_close_start(struct daemon *d);
/* After the configuration changed (close_connections, observe). */
void daemon_close_reload(struct daemon *d);
/* Ends the pending batch first. */
void daemon_close_stop(struct daemon *d);

/* A ban of cidr for classes was written: end its connections at the next
 * flush and log line then (with closed=N), or log line now. */
void daemon_close_ban(struct daemon *d, const struct addr_cidr *cidr,
		      uint8_t classes, const char *line);

/* End of a round of the event loop: walk once for the batch. */
void daemon_close_flush(struct daemon *d);

#endif /* MXS_DAEMON_CLOSE_H */
