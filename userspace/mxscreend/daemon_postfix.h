/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon_postfix.h - Postfix's verdicts into bans: every event the log
 * reader (pflog.h) finds is weighed (postfix_events), summed per source
 * and class over postfix_window (pfscore.h, kept in "postfix_scores"),
 * and a source whose sum reaches postfix_threshold is banned for that
 * class (daemon_ban.h, reason postfix).
 *
 * Contract:
 *   - The class is the service's: a syslog name whose service part
 *     ("postfix/submission") is in postfix_submission_services bans for
 *     submission, every other record for mx.
 *   - Allowed sources (allow entries, mynetworks) are never counted.
 *   - A full "postfix_scores" (or any map error) loses the event, with a
 *     warning at most once a minute: it never blocks anyone.
 *   - Observe mode counts and logs the would-be ban; it writes no ban.
 */
#ifndef MXS_DAEMON_POSTFIX_H
#define MXS_DAEMON_POSTFIX_H

#include <stdint.h>

#include "config.h"
#include "pflog_parse.h"

struct daemon;

/* At start: open the reader when postfix_log names something.  Returns 0
 * or -errno (logged). */
int daemon_postfix_start(struct daemon *d);

/* After a reload (d->cfg is the new configuration): a new reader when
 * postfix_log changed; on failure the old one stays. */
void daemon_postfix_reload(struct daemon *d);

void daemon_postfix_stop(struct daemon *d);

/* Once a second: read every log; every sweep, forget old counts. */
void daemon_postfix_tick(struct daemon *d, uint64_t now_ns, bool sweep);

/* An epoll event for the reader (data.u64's lower half). */
void daemon_postfix_process(struct daemon *d, uint32_t index);

/* The class a record's service bans for. */
unsigned int daemon_postfix_class(const struct config *cfg,
				  const struct pflog_record *rec);

#endif /* MXS_DAEMON_POSTFIX_H */
