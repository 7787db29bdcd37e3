// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * journal_send.c - one journal entry, as a daemon sends it, for
 * test_journal.sh: SYSLOG_IDENTIFIER=IDENT, MESSAGE=MESSAGE.
 *
 * journald fills in _EXE from the sender's /proc entry when it reads the
 * datagram; a sender that has exited by then leaves no _EXE (and the
 * reader rightly distrusts the entry).  So this stays until its entry is
 * in the journal, watching it with sd-journal (at most 10 s), as a
 * long-lived Postfix daemon would be there anyway.
 *
 * Usage: journal_send IDENT MESSAGE     Exit: 0 once the entry is stored.
 * With JOURNAL_SEND_STAY set (a sender that may not read the journal): it
 * sends and stays up to 10 s, for the caller to watch and kill it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

/* Whether the entry just read is ours (our pid, our message). */
static int entry_is_ours(sd_journal *j, const char *want_msg)
{
	const void *d;
	size_t n;
	char pid[32];

	snprintf(pid, sizeof(pid), "_PID=%d", (int)getpid());
	if (sd_journal_get_data(j, "_PID", &d, &n) < 0 || n != strlen(pid) ||
	    memcmp(d, pid, n) != 0)
		return 0;
	return sd_journal_get_data(j, "MESSAGE", &d, &n) >= 0 &&
	       n == strlen(want_msg) + 8 &&
	       memcmp((const char *)d + 8, want_msg, n - 8) == 0;
}

int main(int argc, char **argv)
{
	sd_journal *j;
	time_t end = time(NULL) + 10;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: journal_send IDENT MESSAGE\n");
		return 2;
	}
	if (getenv("JOURNAL_SEND_STAY")) {
		/* a sender that may not read the journal: send, then stay
		 * (for at most 10 s) while the caller watches for the entry
		 * and kills it */
		rc = sd_journal_send("SYSLOG_IDENTIFIER=%s", argv[1],
				     "MESSAGE=%s", argv[2], NULL);
		if (rc < 0)
			return 2;
		while (time(NULL) < end)
			sleep(1);
		return 0;
	}
	rc = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
	if (rc >= 0)
		rc = sd_journal_seek_tail(j);
	if (rc >= 0)
		rc = sd_journal_previous(j);
	if (rc >= 0)
		rc = sd_journal_send("SYSLOG_IDENTIFIER=%s", argv[1],
				     "MESSAGE=%s", argv[2], NULL);
	if (rc < 0) {
		fprintf(stderr, "journal_send: %s\n", strerror(-rc));
		return 2;
	}
	while (time(NULL) < end) {
		while (sd_journal_next(j) > 0)
			if (entry_is_ours(j, argv[2])) {
				sd_journal_close(j);
				return 0;
			}
		sd_journal_wait(j, 100000);
	}
	fprintf(stderr, "journal_send: the entry did not show up\n");
	sd_journal_close(j);
	return 1;
}
