/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pflog_parse.h - what one Postfix log record says about an SMTP client:
 * one of the events mxscreend learns from (pflog_event.h: a protocol
 * violation seen by postscreen, a failed password, an unknown recipient
 * ...), and the client's address, or nothing.
 *
 * Contract:
 *   - Only records of Postfix's own programs count: the syslog tag is
 *     SYSLOG_NAME/PROGRAM[PID] where SYSLOG_NAME is "postfix", a
 *     multi-instance name ("postfix-in") or either with a service suffix
 *     set by `-o syslog_name=` ("postfix/submission"), and PROGRAM is
 *     postscreen or smtpd.
 *   - The event is recognised only where Postfix writes it: at the start
 *     of the message, in the exact shape of Postfix 3.x's format strings.
 *     The address comes from where Postfix puts the client (`[ADDR]:PORT`
 *     in postscreen records, `NAME[ADDR]` in smtpd records), never from
 *     text the client sent (PREGREET payloads, HELO names, recipients,
 *     commands): such text is never searched for events or addresses.
 *     Where client text sits before the part that names the event (the
 *     recipient in `<...>: Recipient address rejected`), an ambiguous
 *     record yields no event: false negatives, never false positives.
 *   - Pure: no allocation, no I/O, no global state; thread-safe.
 */
#ifndef MXS_PFLOG_PARSE_H
#define MXS_PFLOG_PARSE_H

#include <stddef.h>

#include "lib/addr.h"
#include "lib/pflog_event.h"

/* Longest syslog name and program kept (longer ones are not Postfix's). */
#define PFLOG_NAME_MAX 64

struct pflog_record {
	/* The tag: "postfix/submission" and "smtpd" for
	 * "postfix/submission/smtpd[123]"; "postfix-in", "postscreen". */
	char syslog_name[PFLOG_NAME_MAX];
	char program[PFLOG_NAME_MAX];
	enum pflog_event event; /* PFLOG_NONE: a Postfix record, no event */
	struct addr_cidr client; /* a host (/32, /128); set with an event */
};

/*
 * One line of a syslog-format file (no newline; need not be
 * NUL-terminated; any bytes): TIMESTAMP HOST TAG: MESSAGE, where
 * TIMESTAMP is "Mmm dd hh:mm:ss" (optionally with ".ffffff", as Postfix's
 * maillog_file writes it) or RFC 3339 ("2026-12-02T19:40:01.123456+00:00").
 * Returns 1 when the line is a Postfix program's (rec filled, event set
 * or PFLOG_NONE), 0 when it is not (rec untouched).
 */
int pflog_parse_line(const char *line, size_t len, struct pflog_record *rec);

/*
 * A journal entry's MESSAGE (len bytes, any bytes) with its
 * SYSLOG_IDENTIFIER (NUL-terminated, e.g. "postfix/smtpd"): as
 * pflog_parse_line() without timestamp, host and PID.  The caller checks
 * the trusted fields (_EXE) before it believes the identifier.
 */
int pflog_parse_message(const char *ident, const char *msg, size_t len,
			struct pflog_record *rec);

#endif /* MXS_PFLOG_PARSE_H */
