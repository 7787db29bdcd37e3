/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pflog_event.h - the Postfix events mxscreend learns from, and their
 * names: the daemon's configuration weighs them (postfix_events), its log
 * parser finds them (pflog_parse.h), and `mxscreen check` shows a source's
 * counts by name.
 *
 * Contract: the names are stable (the configuration's); pure, no state.
 */
#ifndef MXS_PFLOG_EVENT_H
#define MXS_PFLOG_EVENT_H

#include <stddef.h>

/* Stable names (pflog_event_name()) are the configuration's. */
enum pflog_event {
	PFLOG_NONE = 0,
	PFLOG_PREGREET,		 /* "pregreet": postscreen PREGREET */
	PFLOG_NON_SMTP,		 /* "non_smtp": postscreen NON-SMTP COMMAND,
				  * smtpd "warning: non-SMTP command" */
	PFLOG_BARE_NEWLINE,	 /* "bare_newline": postscreen BARE NEWLINE */
	PFLOG_PIPELINING,	 /* "pipelining": postscreen COMMAND
				  * PIPELINING, smtpd "improper command
				  * pipelining" */
	PFLOG_COMMAND_LIMIT,	 /* "command_limit": postscreen COMMAND
				  * TIME/COUNT/LENGTH LIMIT */
	PFLOG_DNSBL,		 /* "dnsbl": postscreen DNSBL rank N */
	PFLOG_RBL_REJECT,	 /* "rbl_reject": smtpd reject, "Client host
				  * [ADDR] blocked using" */
	PFLOG_SASL_FAILURE,	 /* "sasl_failure": smtpd "SASL MECH
				  * authentication failed" */
	PFLOG_UNKNOWN_RECIPIENT, /* "unknown_recipient": smtpd RCPT reject,
				  * "Recipient address rejected: User
				  * unknown" / "undeliverable address" */
	PFLOG_RELAY_DENIED,	 /* "relay_denied": smtpd RCPT reject,
				  * "Relay access denied" */
	PFLOG_NR_EVENTS,
};

/* "pregreet", ...; NULL for PFLOG_NONE or out of range. */
const char *pflog_event_name(enum pflog_event ev);
/* The event named name[0..len) (not NUL-terminated), or PFLOG_NONE. */
enum pflog_event pflog_event_by_name(const char *name, size_t len);

#endif /* MXS_PFLOG_EVENT_H */
