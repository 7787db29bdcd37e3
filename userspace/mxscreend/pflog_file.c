// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pflog_file.c - following a log file as `tail -F` does (pflog_file.h).
 *
 * State: the file the path names (cur: its descriptor, inode, how far it
 * was read, its unfinished last line) and, after a rename, the file
 * before it (old), which syslog goes on writing to until it reopens its
 * files; old is read until it has been quiet for PFLOG_FILE_OLD_QUIET_NS.
 *
 * inotify watches the directory (the name coming and going) and both
 * open files (writes, links, attributes).  Its events only say "look
 * now"; what happened is decided by the files themselves: nothing to
 * read at our offset and fstat() giving a smaller size is a truncation,
 * stat() of the path naming another inode a rename or a deletion.  The
 * events tell when stat() of the path can be skipped: a queue of nothing
 * but writes to the open files.  An empty queue (a call on the timer),
 * anything else (our name, a link count, a queue overflow), or
 * PFLOG_FILE_RECHECK_NS since the last look, and the path is looked at;
 * so a lost or overflowed queue costs at most a tick, never a line.
 *
 * Cost per call, as it is woken once per write: one inotify read and
 * one pread() per open file (a short read is the end); fstat() only to
 * look for a truncation when there was nothing to read, or to bound a
 * backlog; stat() of the path only as above.  Per line a memchr() and
 * the callback, with no copy unless the line straddles two reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pflog_file.h"

/* One read: large, so that 100,000 lines a second cost a few syscalls. */
#define PFLOG_FILE_CHUNK 65536
/* After a rename, the old file is read until it has had no new bytes for
 * this long: syslog writes to it until logrotate's postrotate tells it
 * to reopen, which can take a while on a loaded machine. */
#define PFLOG_FILE_OLD_QUIET_NS (5ull * 1000000000ull)
/* The path is stat()ed at least this often while only writes are
 * reported, in case the directory's events were lost. */
#define PFLOG_FILE_RECHECK_NS (250ull * 1000000ull)
/* The name-changing events of the directory watch. */
#define PFLOG_FILE_DIR_EVENTS                                                  \
	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR)
/* A file watch: writes alone are routine, the rest sends us to the path
 * (IN_ATTRIB: the link count falls when the file is deleted). */
#define PFLOG_FILE_FILE_EVENTS                                                 \
	(IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)

/* An open file being read: where, and its unfinished last line. */
struct pflog_src {
	int fd; /* -1: none */
	int wd; /* its inotify watch, -1: none */
	dev_t dev;
	ino_t ino;
	off_t off;     /* bytes consumed */
	bool skipping; /* in the rest of a line not to be returned */
	size_t line_len;
	char line[PFLOG_FILE_LINE_MAX];
};

struct pflog_file {
	char path[PATH_MAX];
	const char *name;      /* the last component of path */
	int ino_fd;	       /* inotify */
	int dir_wd;	       /* -1: none (the timer alone then) */
	struct pflog_src *cur; /* what the path names (fd -1: missing) */
	struct pflog_src *old; /* the file before a rename (fd -1: none) */
	uint64_t old_quiet_ns; /* CLOCK_MONOTONIC: old is let go after */
	uint64_t checked_ns;   /* the last stat() of the path */
	struct pflog_file_stats st;
	struct pflog_src src[2]; /* cur and old point here */
	char buf[PFLOG_FILE_CHUNK];
};

static uint64_t pflog_file_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pflog_src_close(struct pflog_file *f, struct pflog_src *s)
{
	/* A deleted file's watch may be gone already (IN_IGNORED); watch
	 * numbers are not reused at once, so this cannot hit another. */
	if (s->wd >= 0)
		inotify_rm_watch(f->ino_fd, s->wd);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = s->wd = -1;
	s->line_len = 0;
	s->skipping = false;
}

/* Watch the open file itself (through /proc, so that a rename between
 * open() and here cannot make us watch another one); the path if /proc
 * is not there.  No watch is not an error: the timer still reads. */
static void pflog_src_watch(struct pflog_file *f, struct pflog_src *s)
{
	char self[32];

	snprintf(self, sizeof(self), "/proc/self/fd/%d", s->fd);
	s->wd = inotify_add_watch(f->ino_fd, self, PFLOG_FILE_FILE_EVENTS);
	if (s->wd < 0)
		s->wd = inotify_add_watch(f->ino_fd, f->path,
					  PFLOG_FILE_FILE_EVENTS);
}

/* Open the path into f->cur: at its end (what is there is old), or at
 * its start (it appeared, or replaced the file we read: all of it is
 * new).  A missing file leaves f->cur closed and is no error. */
static int pflog_file_reopen(struct pflog_file *f, bool at_end)
{
	struct pflog_src *s = f->cur;
	struct stat st;
	char last;
	int fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		/* a directory or a device there is a mistake in the path:
		 * reading it could only fail or block */
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	pflog_src_close(f, s);
	s->fd = fd;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->off = at_end ? st.st_size : 0;
	/* Starting at the end inside a line: its rest belongs to a line
	 * that was there before, and a fragment is no line to act on. */
	s->skipping = at_end && st.st_size > 0 &&
		      pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
	pflog_src_watch(f, s);
	return 0;
}

int pflog_file_open(const char *path, struct pflog_file **out)
{
	struct pflog_file *f;
	char dir[PATH_MAX];
	const char *slash = path ? strrchr(path, '/') : NULL;
	size_t len = path ? strlen(path) : 0;
	int err;

	*out = NULL;
	if (!slash || slash[1] == '\0' || len >= sizeof(f->path))
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->src[0].fd = f->src[0].wd = f->src[1].fd = f->src[1].wd = -1;
	f->cur = &f->src[0];
	f->old = &f->src[1];
	f->dir_wd = -1;
	memcpy(f->path, path, len + 1);
	f->name = f->path + (slash - path) + 1;
	f->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (f->ino_fd < 0) {
		err = -errno;
		goto fail;
	}
	snprintf(dir, sizeof(dir), "%.*s",
		 slash == path ? 1 : (int)(slash - path), path);
	f->dir_wd = inotify_add_watch(f->ino_fd, dir, PFLOG_FILE_DIR_EVENTS);
	/* Out of watches (ENOSPC) is no reason to stop: the timer reads.
	 * A directory missing or unreadable is the caller's to fix. */
	if (f->dir_wd < 0 && errno != ENOSPC) {
		err = -errno;
		goto fail;
	}
	err = pflog_file_reopen(f, true);
	if (err)
		goto fail;
	f->checked_ns = pflog_file_now();
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
	pflog_src_close(f, &f->src[0]);
	pflog_src_close(f, &f->src[1]);
	if (f->ino_fd >= 0)
		close(f->ino_fd);
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
 * s->line.  Returns the lines. */
static uint64_t pflog_file_split(struct pflog_file *f, struct pflog_src *s,
				 const char *buf, size_t n, pflog_line_fn fn,
				 void *ctx)
{
	const char *p = buf, *end = buf + n;
	uint64_t lines = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t take = (size_t)((nl ? nl : end) - p);

		if (s->skipping) {
			s->skipping = !nl;
		} else if (s->line_len + take > PFLOG_FILE_LINE_MAX) {
			/* too long: returned cut, once, the rest skipped up
			 * to its newline */
			const char *line = p;

			if (s->line_len) {
				memcpy(s->line + s->line_len, p,
				       PFLOG_FILE_LINE_MAX - s->line_len);
				line = s->line;
			}
			fn(line, PFLOG_FILE_LINE_MAX, ctx);
			lines++;
			f->st.long_lines++;
			s->line_len = 0;
			s->skipping = !nl;
		} else if (nl && s->line_len == 0) {
			/* the common case: the whole line is in buf */
			fn(p, take, ctx);
			lines++;
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
	f->st.lines += lines;
	return lines;
}

/* Read s from its offset to its end.  A short read is the end for now,
 * so the usual call costs one pread().  After a full one the size is
 * taken as this call's bound: what is written meanwhile raises a new
 * event and brings the caller back, so a writer faster than the
 * callback cannot keep us here.  Nothing at the offset of cur may be a
 * copy-and-truncate (the size fell below it): start over.  Adds the
 * lines to *lines; returns the bytes read, or -errno. */
static long long pflog_file_drain(struct pflog_file *f, struct pflog_src *s,
				  bool is_cur, pflog_line_fn fn, void *ctx,
				  uint64_t *lines)
{
	struct stat st;
	off_t bound = -1; /* -1: not known (not needed yet) */
	long long got = 0;

	while (bound < 0 || s->off < bound) {
		ssize_t n = pread(s->fd, f->buf, sizeof(f->buf), s->off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? got : -errno;
		}
		if (n == 0) {
			if (!is_cur || got || bound >= 0)
				break;
			if (fstat(s->fd, &st))
				return -errno;
			if (st.st_size >= s->off)
				break;
			/* the unfinished line went with the copy */
			s->off = 0;
			s->line_len = 0;
			s->skipping = false;
			f->st.truncations++;
			bound = st.st_size;
			continue;
		}
		s->off += n;
		got += n;
		f->st.bytes += (uint64_t)n;
		*lines += pflog_file_split(f, s, f->buf, (size_t)n, fn, ctx);
		if ((size_t)n < sizeof(f->buf))
			break;
		if (bound < 0) {
			if (fstat(s->fd, &st))
				return -errno;
			bound = st.st_size;
		}
	}
	return got;
}

/* Let the old file go, after a last read: an unfinished last line there
 * will never be finished, and is returned as it is. */
static void pflog_file_retire_old(struct pflog_file *f, pflog_line_fn fn,
				  void *ctx, uint64_t *lines)
{
	struct pflog_src *s = f->old;

	if (s->fd < 0)
		return;
	pflog_file_drain(f, s, false, fn, ctx, lines);
	if (s->line_len && !s->skipping) {
		fn(s->line, s->line_len, ctx);
		f->st.lines++;
		(*lines)++;
	}
	pflog_src_close(f, s);
}

/* Empty the inotify queue (one read: what does not fit keeps the
 * descriptor readable, and brings the caller back).  True when the path
 * should be looked at: nothing queued (a call on the timer), a queue
 * overflow, or any event but a write to an open file or a name in the
 * directory other than ours. */
static bool pflog_file_events(struct pflog_file *f)
{
	alignas(struct inotify_event) char evbuf[4096];
	ssize_t n = read(f->ino_fd, evbuf, sizeof(evbuf));
	bool look = n <= 0;

	for (ssize_t i = 0; i < n && !look;) {
		const struct inotify_event *ev =
		    (const struct inotify_event *)(evbuf + i);

		if (ev->wd == f->dir_wd && ev->len)
			look = strcmp(ev->name, f->name) == 0;
		else
			look = ev->wd < 0 || ev->mask != IN_MODIFY;
		i += (ssize_t)(sizeof(*ev) + ev->len);
	}
	return look;
}

int pflog_file_poll(struct pflog_file *f, pflog_line_fn fn, void *ctx)
{
	uint64_t lines = 0, now;
	struct stat path_st;
	long long rc;
	bool look = pflog_file_events(f);

	now = pflog_file_now();
	if (f->old->fd >= 0) {
		rc = pflog_file_drain(f, f->old, false, fn, ctx, &lines);
		if (rc > 0)
			f->old_quiet_ns = now + PFLOG_FILE_OLD_QUIET_NS;
		if (rc < 0 || now >= f->old_quiet_ns)
			pflog_file_retire_old(f, fn, ctx, &lines);
	}
	if (f->cur->fd >= 0) {
		/* first the file we have open, to its end: lines written
		 * to it before a rename come before the new file's */
		rc = pflog_file_drain(f, f->cur, true, fn, ctx, &lines);
		if (rc < 0)
			return (int)rc;
		if (!look && now - f->checked_ns < PFLOG_FILE_RECHECK_NS)
			goto out;
		f->checked_ns = now;
		if (stat(f->path, &path_st) != 0 ||
		    (path_st.st_dev == f->cur->dev &&
		     path_st.st_ino == f->cur->ino))
			goto out; /* the same file, or no new one yet */
		/* renamed (or deleted), and a new file is there: the old
		 * one is read on while it grows, the new one from its
		 * start; a rotation before the old one went quiet ends it */
		pflog_file_retire_old(f, fn, ctx, &lines);
		{
			struct pflog_src *t = f->old;

			f->old = f->cur;
			f->cur = t;
		}
		f->old_quiet_ns = now + PFLOG_FILE_OLD_QUIET_NS;
		f->st.rotations++;
		/* once more: what the writer put there between our read and
		 * its creating the new file comes before the new file */
		pflog_file_drain(f, f->old, false, fn, ctx, &lines);
	}
	/* a missing file, or the one after a rename: all of it is new */
	rc = pflog_file_reopen(f, false);
	if (rc < 0)
		return (int)rc;
	f->checked_ns = now;
	if (f->cur->fd >= 0) {
		rc = pflog_file_drain(f, f->cur, true, fn, ctx, &lines);
		if (rc < 0)
			return (int)rc;
	}
out:
	return lines > INT_MAX ? INT_MAX : (int)lines;
}
