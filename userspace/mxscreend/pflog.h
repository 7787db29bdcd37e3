/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pflog.h - mxscreend's Postfix log reader: follows the files of
 * postfix_log (pflog_file.h) and, with "journal", the systemd journal
 * (pflog_journal.h), parses every line (pflog_parse.h) and hands each
 * Postfix record to a callback.  What the records mean for a source is
 * daemon_postfix.c's business.
 *
 * Contract:
 *   - Only what is written after pflog_new() is read (no replay of old
 *     lines after a restart); rotations while it runs lose nothing.
 *   - Never blocks; the descriptors live in the daemon's epoll set under
 *     PFLOG_EPOLL_TAG, and pflog_tick() (once a second) also polls every
 *     source, which catches a rotation inotify missed.
 *   - A log that cannot be read at run time is warned about once a minute
 *     and tried again; nothing else stops.
 */
#ifndef MXS_PFLOG_H
#define MXS_PFLOG_H

#include <stdint.h>

#include "config.h"
#include "pflog_parse.h"

/* epoll_event.data.u64 upper half for the reader's descriptors; the
 * lower half is the source's index for pflog_process(). */
#define PFLOG_EPOLL_TAG 5u

struct pflog;

struct pflog_counters {
	uint64_t lines;	      /* lines and journal entries read */
	uint64_t records;     /* Postfix's records among them */
	uint64_t events;      /* records that are events */
	uint64_t untrusted;   /* journal: Postfix tag, other program */
	uint64_t read_errors; /* failed reads (retried) */
};

typedef void (*pflog_record_cb)(const struct pflog_record *rec, void *ctx);

/* Open every source of cfg (postfix_log) and add it to epoll_fd.
 * Returns 0, or -errno having logged which source failed and why. */
int pflog_new(struct pflog **out, const struct config *cfg, int epoll_fd,
	      pflog_record_cb fn, void *ctx);
void pflog_free(struct pflog *p);

/* epoll reported the source of this index readable. */
void pflog_process(struct pflog *p, uint32_t index);

/* Once a second: read every source. */
void pflog_tick(struct pflog *p);

void pflog_counters(const struct pflog *p, struct pflog_counters *out);

/* Whether p follows exactly what cfg's postfix_log names. */
bool pflog_same_sources(const struct pflog *p, const struct config *cfg);

#endif /* MXS_PFLOG_H */
