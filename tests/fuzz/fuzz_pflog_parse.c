// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_pflog_parse.c - Postfix log lines (pflog_parse.c): any bytes, as a
 * file's line and as a journal MESSAGE.
 *
 * Invariants:
 *  - the input is read within its length only (ASan: no NUL is needed);
 *  - a line is Postfix's (1) or not (0), nothing else; a record's syslog
 *    name starts with "postfix" and both names are NUL-terminated within
 *    their arrays;
 *  - an event always comes with a host address (/32 or /128) of a real
 *    family, and its name round-trips through pflog_event_by_name();
 *  - the same message gives the same event as a file line and as the
 *    journal's MESSAGE with that tag.
 */
#include <errno.h>

#include "mxscreend/pflog_parse.h"
#include "fuzz.h"

static void check_record(const struct pflog_record *r, const char *what)
{
	const char *name;

	FUZZ_CHECK(memchr(r->syslog_name, '\0', sizeof(r->syslog_name)) &&
			   memchr(r->program, '\0', sizeof(r->program)),
		   "%s: names not terminated", what);
	FUZZ_CHECK(strncmp(r->syslog_name, "postfix", 7) == 0,
		   "%s: syslog name \"%s\"", what, r->syslog_name);
	if (r->event == PFLOG_NONE)
		return;
	name = pflog_event_name(r->event);
	FUZZ_CHECK(name && pflog_event_by_name(name, strlen(name)) == r->event,
		   "%s: event %d has no name", what, r->event);
	FUZZ_CHECK((r->client.family == MXS_FAMILY_V4 &&
		    r->client.prefixlen == 32) ||
			   (r->client.family == MXS_FAMILY_V6 &&
			    r->client.prefixlen == 128),
		   "%s: client family %u /%u", what, r->client.family,
		   r->client.prefixlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pflog_record line, msg;
	const char *colon;
	int rc;

	/* exactly size bytes: a copy without a terminator, so that ASan
	 * catches a read past the end */
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&line, 0, sizeof(line));
	rc = pflog_parse_line(copy, size, &line);
	FUZZ_CHECK(rc == 0 || rc == 1, "line: rc %d", rc);
	if (rc == 1) {
		check_record(&line, "line");
		/* the same message through the journal's door: the tag is
		 * SYSLOG_NAME/PROGRAM, the message follows "]: " */
		colon = memmem(copy, size, "]: ", 3);
		if (colon) {
			char ident[2 * PFLOG_NAME_MAX + 2];
			const char *m = colon + 3;

			snprintf(ident, sizeof(ident), "%s/%s",
				 line.syslog_name, line.program);
			FUZZ_CHECK(pflog_parse_message(ident, m,
						       size - (size_t)(m - copy),
						       &msg) == 1,
				   "journal: \"%s\" not Postfix's", ident);
			FUZZ_CHECK(msg.event == line.event &&
					   (line.event == PFLOG_NONE ||
					    !memcmp(&msg.client, &line.client,
						    sizeof(msg.client))),
				   "journal: event %d, line %d", msg.event,
				   line.event);
		}
	}
	/* the input as a MESSAGE of postscreen and of smtpd */
	if (pflog_parse_message("postfix/postscreen", copy, size, &msg) == 1)
		check_record(&msg, "postscreen message");
	if (pflog_parse_message("postfix/submission/smtpd", copy, size, &msg) ==
	    1)
		check_record(&msg, "smtpd message");
	free(copy);
	return 0;
}
