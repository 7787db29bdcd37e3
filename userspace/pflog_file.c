// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pflog_file.c - following a log file as `tail -F` does (pflog_file.h).
 *
 * State: the file the path names (cur: descriptor, inode, how far it was
 * read, its unfinished last line) and, for a few seconds after a rename,
 * the file before it (old), which syslog writes to until it reopens.
 * inotify watches the directory (the name coming and going) and the open
 * file (writes); its events only say "look now": every poll fstat()s the
 * descriptor (truncation) and stat()s the path (rename), which decide.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "pflog_file.h"

/* One read: large, so that 100,000 lines a second cost a few syscalls. */
#define PFLOG_FILE_CHUNK 65536
/* After a rename, the old file is still read this long: syslog writes to
 * it until it is told to reopen (logrotate's postrotate HUP). */
#define PFLOG_FILE_OLD_NS (5ull * 1000000000ull)

/* An open file being read: where, and its unfinished last line. */
struct pflog_src {
	int fd;        /* -1: none */
	dev_t dev;
	ino_t ino;
	off_t off;     /* bytes consumed */
	char *line;    /* PFLOG_FILE_LINE_MAX bytes */
	size_t line_len;
	bool skipping; /* the rest of an over-long line */
};

struct pflog_file {
	char path[PATH_MAX];
	int ino_fd;            /* inotify */
	int dir_wd, file_wd;   /* watches (-1: none) */
	struct pflog_src cur;  /* what the path names (fd -1: missing) */
	struct pflog_src old;  /* the file before a rename, for a while */
	uint64_t old_until_ns; /* CLOCK_MONOTONIC end of that while */
	struct pflog_file_stats st;
	char buf[PFLOG_FILE_CHUNK];
};

static uint64_t pflog_file_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pflog_src_close(struct pflog_src *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->line_len = 0;
	s->skipping = false;
}

/* Watch the current file for writes and attribute changes (truncation):
 * the open file itself (through /proc/self/fd), not whatever the path
 * names by now. */
static void pflog_file_watch(struct pflog_file *f)
{
	char self[64];

	if (f->file_wd >= 0)
		inotify_rm_watch(f->ino_fd, f->file_wd);
	f->file_wd = -1;
	if (f->cur.fd < 0)
		return;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", f->cur.fd);
	f->file_wd = inotify_add_watch(f->ino_fd, self, IN_MODIFY | IN_ATTRIB);
}

/* Open the path into f->cur (if it is there), at its end or start. */
static int pflog_file_reopen(struct pflog_file *f, bool at_end)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	pflog_src_close(&f->cur);
	f->cur.fd = fd;
	f->cur.dev = st.st_dev;
	f->cur.ino = st.st_ino;
	f->cur.off = at_end ? st.st_size : 0;
	pflog_file_watch(f);
	return 0;
}

int pflog_file_open(const char *path, struct pflog_file **out)
{
	struct pflog_file *f;
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t len = strlen(path);
	int err;

	*out = NULL;
	if (!slash || slash[1] == '\0' || len >= sizeof(f->path))
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->cur.fd = f->old.fd = f->file_wd = f->dir_wd = f->ino_fd = -1;
	f->cur.line = malloc(PFLOG_FILE_LINE_MAX);
	f->old.line = malloc(PFLOG_FILE_LINE_MAX);
	if (!f->cur.line || !f->old.line) {
		err = -ENOMEM;
		goto fail;
	}
	memcpy(f->path, path, len + 1);
	f->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (f->ino_fd < 0) {
		err = -errno;
		goto fail;
	}
	snprintf(dir, sizeof(dir), "%.*s",
		 slash == path ? 1 : (int)(slash - path), path);
	f->dir_wd = inotify_add_watch(f->ino_fd, dir,
				      IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
					      IN_DELETE | IN_ONLYDIR);
	if (f->dir_wd < 0) {
		err = -errno;
		goto fail;
	}
	err = pflog_file_reopen(f, true);
	if (err)
		goto fail;
	*out = f;
	return 0;
fail:
	pflog_file_close(f);
	return err;
}

void pflog_file_close(struct pflog_file *f)
{
	if (!f)
		return;
	pflog_src_close(&f->cur);
	pflog_src_close(&f->old);
	if (f->ino_fd >= 0)
		close(f->ino_fd);
	free(f->cur.line);
	free(f->old.line);
	free(f);
}

int pflog_file_fd(const struct pflog_file *f)
{
	return f->ino_fd;
}

const char *pflog_file_path(const struct pflog_file *f)
{
	return f->path;
}

void pflog_file_stats(const struct pflog_file *f, struct pflog_file_stats *out)
{
	*out = f->st;
}

/* Hand every whole line of buf[0..n) to fn, keeping the unfinished end in
 * s.  Returns the lines. */
static int pflog_file_split(struct pflog_file *f, struct pflog_src *s,
			    const char *buf, size_t n, pflog_line_fn fn,
			    void *ctx)
{
	const char *p = buf, *end = buf + n;
	int lines = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t take = (size_t)((nl ? nl : end) - p);
		size_t room = PFLOG_FILE_LINE_MAX - s->line_len;

		if (s->skipping) {
			s->skipping = !nl;
		} else if (s->line_len == 0 && nl && take <= PFLOG_FILE_LINE_MAX) {
			/* the common case: the whole line is in buf */
			fn(p, take, ctx);
			lines++;
		} else if (take > room || (take == room && !nl)) {
			/* too long: returned cut, once; the rest skipped up to
			 * its newline */
			memcpy(s->line + s->line_len, p, room);
			fn(s->line, PFLOG_FILE_LINE_MAX, ctx);
			lines++;
			f->st.long_lines++;
			s->line_len = 0;
			s->skipping = !nl;
		} else {
			memcpy(s->line + s->line_len, p, take);
			s->line_len += take;
			if (nl) {
				fn(s->line, s->line_len, ctx);
				lines++;
				s->line_len = 0;
			}
		}
		p = nl ? nl + 1 : end;
	}
	f->st.lines += (uint64_t)lines;
	return lines;
}

/* Read s from its offset to the end.  Returns the lines, or -errno. */
static int pflog_file_drain(struct pflog_file *f, struct pflog_src *s,
			    pflog_line_fn fn, void *ctx)
{
	int lines = 0;

	while (s->fd >= 0) {
		ssize_t n = pread(s->fd, f->buf, sizeof(f->buf), s->off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? lines : -errno;
		}
		if (n == 0)
			break;
		s->off += n;
		f->st.bytes += (uint64_t)n;
		lines += pflog_file_split(f, s, f->buf, (size_t)n, fn, ctx);
	}
	return lines;
}

/* The old file's time is up: its last line, if unfinished, will never
 * be finished; return it, then let go. */
static void pflog_file_retire_old(struct pflog_file *f, pflog_line_fn fn,
				  void *ctx)
{
	if (f->old.line_len && !f->old.skipping) {
		fn(f->old.line, f->old.line_len, ctx);
		f->st.lines++;
	}
	pflog_src_close(&f->old);
}

int pflog_file_poll(struct pflog_file *f, pflog_line_fn fn, void *ctx)
{
	char evbuf[4096];
	struct stat path_st, fd_st;
	int lines = 0, rc;

	/* the events only wake us up: empty the queue (an overflow is
	 * harmless, the stat()s below decide) */
	while (read(f->ino_fd, evbuf, sizeof(evbuf)) > 0)
		;
	if (f->old.fd >= 0) {
		rc = pflog_file_drain(f, &f->old, fn, ctx);
		if (rc > 0)
			lines += rc;
		if (rc < 0 || pflog_file_now() >= f->old_until_ns)
			pflog_file_retire_old(f, fn, ctx);
	}
	if (f->cur.fd >= 0) {
		if (fstat(f->cur.fd, &fd_st))
			return -errno;
		if (fd_st.st_size < f->cur.off) {
			/* copy and truncate: the file starts over */
			f->cur.off = 0;
			f->cur.line_len = 0;
			f->cur.skipping = false;
			f->st.truncations++;
		}
		rc = pflog_file_drain(f, &f->cur, fn, ctx);
		if (rc < 0)
			return rc;
		lines += rc;
		if (stat(f->path, &path_st) != 0 ||
		    (path_st.st_dev == f->cur.dev && path_st.st_ino == f->cur.ino))
			return lines; /* the same file, or no new one yet */
		/* renamed, and a new file is there: the old one is read on
		 * for a while (syslog writes to it until it reopens), the
		 * new one from its start */
		if (f->old.fd >= 0)
			pflog_file_retire_old(f, fn, ctx);
		{
			struct pflog_src t = f->old;

			f->old = f->cur;
			f->cur = t;
		}
		f->old_until_ns = pflog_file_now() + PFLOG_FILE_OLD_NS;
		f->st.rotations++;
	}
	/* a missing file, or the one after a rename: all of it is new */
	rc = pflog_file_reopen(f, false);
	if (rc)
		return rc;
	rc = pflog_file_drain(f, &f->cur, fn, ctx);
	if (rc < 0)
		return rc;
	return lines + rc;
}
