/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pflog_journal.h - Postfix's records from the systemd journal, for
 * mxscreend's Postfix log reader (postfix_log = journal), read with
 * libsystemd's sd-journal API.
 *
 * Contract:
 *   - Starts at the tail: entries written before pflog_journal_open() are
 *     never returned; every later one is, once.
 *   - An entry counts only when the journal's trusted field _EXE (set by
 *     journald from the sending process, not by the sender) names a
 *     program under daemon_dir (Postfix's daemon_directory, e.g.
 *     /usr/lib/postfix/sbin): a local user's `logger -t postfix/smtpd`
 *     has _EXE /usr/bin/logger and is counted as untrusted, not parsed.
 *     The sender's _UID (also journald's) must be root or Postfix's mail
 *     owner ("postfix"): _EXE alone names the program, not who ran it,
 *     and any local user can start Postfix's smtpd by hand.
 *     So is an entry without _EXE (journald reads it from the sender's
 *     /proc entry; a sender that exited first leaves none): Postfix's
 *     daemons live long, a forger's one-shot command need not.
 *     SYSLOG_IDENTIFIER and MESSAGE of a trusted entry go to
 *     pflog_parse_message().
 *   - Never blocks: pflog_journal_fd() goes into the caller's poll loop
 *     (with the timeout sd_journal_get_timeout() asks for folded into
 *     "call pflog_journal_poll() at least once a second").
 *   - Errors are returned as negative errno; nothing is logged here.
 */
#ifndef MXS_PFLOG_JOURNAL_H
#define MXS_PFLOG_JOURNAL_H

#include <stdint.h>

#include "pflog_parse.h"

struct pflog_journal;

struct pflog_journal_stats {
	uint64_t entries;   /* entries read */
	uint64_t postfix;   /* of them, trusted Postfix records */
	uint64_t untrusted; /* Postfix-looking identifier, _EXE elsewhere */
};

typedef void (*pflog_record_fn)(const struct pflog_record *rec, void *ctx);

/* Open the local system journal at its tail.  daemon_dir: the directory
 * whose programs are trusted (no trailing slash needed). */
int pflog_journal_open(const char *daemon_dir, struct pflog_journal **out);
void pflog_journal_close(struct pflog_journal *j);

int pflog_journal_fd(const struct pflog_journal *j);

/* Read every new entry, calling fn for each trusted Postfix record.
 * Returns the number of records, or -errno. */
int pflog_journal_poll(struct pflog_journal *j, pflog_record_fn fn,
		       void *ctx);

void pflog_journal_stats(const struct pflog_journal *j,
			 struct pflog_journal_stats *out);

#endif /* MXS_PFLOG_JOURNAL_H */
