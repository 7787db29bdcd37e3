/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pflog_file.h - following a log file as `tail -F` does, for mxscreend's
 * Postfix log reader.
 *
 * Contract:
 *   - Starts at the end: what the file held when it was opened is never
 *     returned (a restarted daemon must not act on old lines).  A file
 *     that does not exist yet is waited for; once it appears it is read
 *     from its start (everything in it is new).
 *   - Rotation by rename (the path names a new file): the old file is
 *     read to its end through the descriptor still open, then the new one
 *     from its start, so no line written to either is lost.  Rotation by
 *     copy and truncate (the file shrank below what was read): reading
 *     goes on from the start.  A line is returned once.
 *   - Whole lines only: a last line without its newline waits for the
 *     rest.  A line longer than PFLOG_FILE_LINE_MAX is returned cut to
 *     that length, once, and the rest of it skipped (counted).
 *   - Never blocks: pflog_file_fd() is an inotify descriptor for the
 *     caller's poll loop; pflog_file_poll() reads what is there and
 *     returns.  Call it also on a timer (about once a second): a rename
 *     or a truncation is also found by stat() there, should inotify have
 *     missed it (a full inotify queue, a file system without it).
 *   - Errors are returned as negative errno; nothing is logged here.
 */
#ifndef MXS_PFLOG_FILE_H
#define MXS_PFLOG_FILE_H

#include <stddef.h>
#include <stdint.h>

#define PFLOG_FILE_LINE_MAX 8192

struct pflog_file;

struct pflog_file_stats {
	uint64_t lines;	      /* lines returned */
	uint64_t bytes;	      /* bytes read */
	uint64_t rotations;   /* renames followed */
	uint64_t truncations; /* copy-truncates followed */
	uint64_t long_lines;  /* lines cut at PFLOG_FILE_LINE_MAX */
};

/* Called once per line: line[0..len) without the newline, not
 * NUL-terminated, valid during the call only. */
typedef void (*pflog_line_fn)(const char *line, size_t len, void *ctx);

/* Follow path from its current end.  A missing file (or directory entry)
 * is not an error; a missing or unreadable directory is (-errno). */
int pflog_file_open(const char *path, struct pflog_file **out);
void pflog_file_close(struct pflog_file *f);

/* The descriptor to poll for input (readable when the file or its
 * directory changed). */
int pflog_file_fd(const struct pflog_file *f);

/* Read every whole line that is there now, following a rotation or a
 * truncation, calling fn for each.  Returns the number of lines, or
 * -errno when the file cannot be read (it is tried again next call). */
int pflog_file_poll(struct pflog_file *f, pflog_line_fn fn, void *ctx);

const char *pflog_file_path(const struct pflog_file *f);
void pflog_file_stats(const struct pflog_file *f, struct pflog_file_stats *out);

#endif /* MXS_PFLOG_FILE_H */
