// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pflog_event.c - the names of the Postfix events (pflog_event.h).
 */
#include <string.h>

#include "pflog_event.h"

static const char *const pflog_event_names[PFLOG_NR_EVENTS] = {
	[PFLOG_PREGREET] = "pregreet",
	[PFLOG_NON_SMTP] = "non_smtp",
	[PFLOG_BARE_NEWLINE] = "bare_newline",
	[PFLOG_PIPELINING] = "pipelining",
	[PFLOG_COMMAND_LIMIT] = "command_limit",
	[PFLOG_DNSBL] = "dnsbl",
	[PFLOG_RBL_REJECT] = "rbl_reject",
	[PFLOG_SASL_FAILURE] = "sasl_failure",
	[PFLOG_UNKNOWN_RECIPIENT] = "unknown_recipient",
	[PFLOG_RELAY_DENIED] = "relay_denied",
};

const char *pflog_event_name(enum pflog_event ev)
{
	if (ev <= PFLOG_NONE || ev >= PFLOG_NR_EVENTS)
		return NULL;
	return pflog_event_names[ev];
}

enum pflog_event pflog_event_by_name(const char *name, size_t len)
{
	for (int e = PFLOG_NONE + 1; e < PFLOG_NR_EVENTS; e++)
		if (strlen(pflog_event_names[e]) == len &&
		    memcmp(pflog_event_names[e], name, len) == 0)
			return (enum pflog_event)e;
	return PFLOG_NONE;
}
