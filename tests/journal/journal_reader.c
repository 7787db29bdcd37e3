// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * journal_reader.c - the journal reader (pflog_journal.c) on its own, for
 * test_journal.sh: opens the system journal at its tail trusting the
 * programs in DAEMON_DIR, prints "ready", then one line per record it is
 * given ("EVENT CLIENT PROGRAM SYSLOG_NAME", "none -" without an event)
 * until a record names STOP_ADDR or TIMEOUT seconds pass, then its
 * counters ("stats ENTRIES POSTFIX UNTRUSTED").
 *
 * Usage: journal_reader DAEMON_DIR STOP_ADDR TIMEOUT
 * Exit: 0 when STOP_ADDR was seen, 1 on a timeout, 2 on an error.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mxscreend/pflog_journal.h"

static bool stop;
static const char *stop_addr;

static void print_record(const struct pflog_record *rec, void *ctx)
{
	char client[ADDR_CIDR_STRLEN] = "-";
	const char *ev = pflog_event_name(rec->event);

	(void)ctx;
	if (rec->event != PFLOG_NONE)
		addr_format_cidr(&rec->client, client, sizeof(client));
	printf("%s %s %s %s\n", ev ? ev : "none", client, rec->program,
	       rec->syslog_name);
	if (strcmp(client, stop_addr) == 0)
		stop = true;
}

int main(int argc, char **argv)
{
	struct pflog_journal *j;
	struct pflog_journal_stats st;
	struct timespec t0, t;
	int err, timeout;

	if (argc != 4) {
		fprintf(stderr,
			"usage: journal_reader DAEMON_DIR STOP_ADDR TIMEOUT\n");
		return 2;
	}
	stop_addr = argv[2];
	timeout = atoi(argv[3]);
	err = pflog_journal_open(argv[1], &j);
	if (err) {
		fprintf(stderr, "journal_reader: cannot open the journal: %s\n",
			strerror(-err));
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct pollfd p = {.fd = pflog_journal_fd(j), .events = POLLIN};

		poll(&p, 1, 100);
		err = pflog_journal_poll(j, print_record, NULL);
		if (err < 0) {
			fprintf(stderr, "journal_reader: %s\n", strerror(-err));
			return 2;
		}
		fflush(stdout);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!stop && t.tv_sec - t0.tv_sec < timeout);
	pflog_journal_stats(j, &st);
	printf("stats %llu %llu %llu\n", (unsigned long long)st.entries,
	       (unsigned long long)st.postfix,
	       (unsigned long long)st.untrusted);
	pflog_journal_close(j);
	return stop ? 0 : 1;
}
