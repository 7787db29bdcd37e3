// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_pflog_file.c - following a log file as tail -F does
 * (pflog_file.c), against real files in a fresh directory under /tmp.
 *
 * Each case is a script: write, rename, copy, truncate, delete; poll and
 * compare every line returned, in order, joined with '|' (so nothing
 * lost and nothing twice); check the counters; check that the descriptor
 * wakes a poll loop (poll(2) with a bounded timeout, never a sleep).
 * MUTE throws away what inotify queued, so that the poll after it finds
 * a rename or a truncation by stat() alone, as a timer call must.  A
 * POLL may carry a hook: file operations run from the line callback when
 * a given line comes back, that is inside pflog_file_poll(), between its
 * reads and its stat(): the writer's moves at the worst moment, made
 * deterministic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mxscreend/pflog_file.h"
#include "check.h"

/* How long WAKE waits for the descriptor: generous, it returns at once
 * when the event is there. */
#define WAKE_MS 2000

static char base[64]; /* the mkdtemp() directory of this run */

struct step;
static void file_op(const char *dir, const struct step *s);

/* The lines one poll returned, joined with '|'.  A line longer than 32
 * bytes of one repeated byte is written "x*8192", so that a cut line is
 * checked byte for byte and still reads in a failure. */
struct got {
	char text[4096];
	size_t len;
	unsigned int n;
	const char *dir;
	const char *trigger; /* run hook when this line comes back */
	const struct step *hook;
};

static void collect(const char *line, size_t len, void *ctx)
{
	struct got *g = ctx;
	size_t room = sizeof(g->text) - g->len;
	size_t i = 1;
	int n;

	if (g->hook && strlen(g->trigger) == len &&
	    memcmp(g->trigger, line, len) == 0) {
		file_op(g->dir, g->hook);
		g->hook = NULL; /* once */
	}

	while (i < len && line[i] == line[0])
		i++;
	if (len > 32 && i == len)
		n = snprintf(g->text + g->len, room, "%c*%zu|", line[0], len);
	else
		n = snprintf(g->text + g->len, room, "%.*s|", (int)len, line);
	if (n > 0)
		g->len += (size_t)n < room ? (size_t)n : room - 1;
	g->n++;
}

enum op {
	END,
	OPEN,	/* pflog_file_open(dir/log) must return 0 */
	WRITE,	/* append b to file a (created if missing) */
	FILL,	/* append n bytes 'x' to file a, then b */
	RENAME, /* rename a to b */
	COPY,	/* copy a to b (logrotate's copytruncate, first half) */
	TRUNC,	/* truncate a to 0 (the second half) */
	UNLINK, /* delete a */
	MUTE,	/* throw away every queued inotify event */
	POLL,	/* pflog_file_poll() returns the lines b, and their count;
		 * with a hook, its steps run when line a comes back */
	WAKE,	/* the descriptor is readable within WAKE_MS */
	QUIET,	/* the descriptor is not readable */
	STATS,	/* the counters read b */
};

/* A step per item, a case per group: easier to read than clang-format's
 * field per line. */
/* clang-format off */
static const char *const op_names[] = {
	"end", "open", "write", "fill", "rename", "copy", "trunc", "unlink",
	"mute", "poll", "wake", "quiet", "stats",
};

struct step {
	enum op op;
	const char *a, *b;
	size_t n;
	const struct step *hook; /* file operations, END-terminated */
};

#define LOG "log"
#define LOG1 "log.1"
#define LOG2 "log.2"
#define COPYF "log.copy"
#define MAX PFLOG_FILE_LINE_MAX

#define STEP(o, x, y, len) { .op = (o), .a = (x), .b = (y), .n = (len) }
#define S_OPEN STEP(OPEN, NULL, NULL, 0)
#define S_W(file, text) STEP(WRITE, file, text, 0)
#define S_FILL(file, len, then) STEP(FILL, file, then, len)
#define S_MV(from, to) STEP(RENAME, from, to, 0)
#define S_CP(from, to) STEP(COPY, from, to, 0)
#define S_TRUNC(file) STEP(TRUNC, file, NULL, 0)
#define S_RM(file) STEP(UNLINK, file, NULL, 0)
#define S_MUTE STEP(MUTE, NULL, NULL, 0)
#define S_POLL(want) STEP(POLL, NULL, want, 0)
#define S_POLL_HOOK(line, want, ...)                                           \
	{ .op = POLL, .a = line, .b = want,                                    \
	  .hook = (const struct step[]){ __VA_ARGS__, { .op = END } } }
#define S_WAKE STEP(WAKE, NULL, NULL, 0)
#define S_QUIET STEP(QUIET, NULL, NULL, 0)
#define S_STATS(want) STEP(STATS, NULL, want, 0)

static const struct {
	const char *name;
	struct step steps[20];
} cases[] = {
	{ "start at end",
	  { S_W(LOG, "old 1\nold 2\n"), S_OPEN, S_POLL(""),
	    S_W(LOG, "new 1\n"), S_POLL("new 1|"),
	    S_STATS("lines=1 rotations=0 truncations=0 long_lines=0") } },
	{ "start at end inside a line: its rest is skipped",
	  { S_W(LOG, "old 1\nold par"), S_OPEN, S_POLL(""),
	    S_W(LOG, "t\nnew 1\n"), S_POLL("new 1|") } },
	{ "appended lines, one poll each",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "a\n"), S_POLL("a|"),
	    S_W(LOG, "b\n"), S_POLL("b|"), S_POLL(""),
	    S_W(LOG, "c\n"), S_POLL("c|") } },
	{ "several lines in one write",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "a\nbb\nccc\n"),
	    S_POLL("a|bb|ccc|"),
	    S_STATS("lines=3 rotations=0 truncations=0 long_lines=0") } },
	{ "partial line completed later",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "par"), S_POLL(""),
	    S_W(LOG, "ti"), S_POLL(""), S_W(LOG, "al\nnext"),
	    S_POLL("partial|"), S_W(LOG, "\n"), S_POLL("next|") } },
	{ "empty lines",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "\n\na\n\n"), S_POLL("||a||"),
	    S_W(LOG, "\n"), S_POLL("|"),
	    S_STATS("lines=5 rotations=0 truncations=0 long_lines=0") } },
	{ "rename: late writes to the old file, then the new file",
	  { S_W(LOG, "before\n"), S_OPEN, S_W(LOG, "one\n"), S_MV(LOG, LOG1),
	    S_W(LOG1, "two\n"), S_W(LOG1, "three\n"), S_W(LOG, "new 1\n"),
	    S_POLL("one|two|three|new 1|"),
	    /* syslog writes to the old file until it reopens */
	    S_W(LOG1, "late\n"), S_W(LOG, "new 2\n"),
	    S_POLL("late|new 2|"),
	    S_STATS("lines=6 rotations=1 truncations=0 long_lines=0") } },
	{ "rename: the new file not there yet",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "one\n"), S_MV(LOG, LOG1),
	    S_W(LOG1, "two\n"), S_POLL("one|two|"), S_W(LOG1, "three\n"),
	    S_POLL("three|"),
	    S_STATS("lines=3 rotations=0 truncations=0 long_lines=0"),
	    S_W(LOG, "new\n"), S_POLL("new|"),
	    S_STATS("lines=4 rotations=1 truncations=0 long_lines=0") } },
	{ "rename found by stat() alone",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "one\n"), S_MV(LOG, LOG1),
	    S_W(LOG1, "two\n"), S_W(LOG, "new 1\n"), S_MUTE,
	    S_POLL("one|two|new 1|"),
	    S_W(LOG1, "late\n"), S_W(LOG, "new 2\n"), S_MUTE,
	    S_POLL("late|new 2|"),
	    S_STATS("lines=5 rotations=1 truncations=0 long_lines=0") } },
	{ "rename inside a line: finished in the old file",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "ha"), S_POLL(""),
	    S_MV(LOG, LOG1), S_W(LOG, "new\n"), S_POLL("new|"),
	    S_W(LOG1, "lf\n"), S_POLL("half|") } },
	{ "two renames: the first old file let go, its last line returned",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "a\n"), S_MV(LOG, LOG1),
	    S_W(LOG1, "unfinished"), S_W(LOG, "b\n"), S_POLL("a|b|"),
	    S_MV(LOG, LOG2), S_W(LOG, "c\n"), S_POLL("unfinished|c|"),
	    S_W(LOG1, "\nlost\n"), S_W(LOG2, "d\n"), S_POLL("d|"),
	    S_STATS("lines=5 rotations=2 truncations=0 long_lines=0") } },
	{ "rename seen while the writer finishes the old file",
	  /* the writer adds to the old file after our read of it, then
	   * creates the new one, before our stat(): the old file's line
	   * still comes first */
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "a\n"), S_MV(LOG, LOG1),
	    S_POLL_HOOK("a", "a|b|c|", S_W(LOG1, "b\n"), S_W(LOG, "c\n")),
	    S_POLL(""),
	    S_STATS("lines=3 rotations=1 truncations=0 long_lines=0") } },
	{ "second rename: the first old file read once more, then let go",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "a\n"), S_MV(LOG, LOG1),
	    S_W(LOG, "b\n"), S_POLL("a|b|"), S_W(LOG, "c\n"), S_MV(LOG, LOG2),
	    S_POLL_HOOK("c", "c|late|d|", S_W(LOG1, "late\n"),
			S_W(LOG, "d\n")),
	    S_W(LOG1, "too late\n"), S_POLL(""),
	    S_STATS("lines=5 rotations=2 truncations=0 long_lines=0") } },
	{ "copy and truncate",
	  { S_W(LOG, "before\n"), S_OPEN, S_W(LOG, "one\ntwo\n"),
	    S_POLL("one|two|"), S_CP(LOG, COPYF), S_TRUNC(LOG),
	    S_W(LOG, "three\n"), S_POLL("three|"), S_W(LOG, "four\n"),
	    S_POLL("four|"),
	    S_STATS("lines=4 rotations=0 truncations=1 long_lines=0") } },
	{ "copy and truncate found by fstat() alone",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "one\ntwo\n"), S_POLL("one|two|"),
	    S_CP(LOG, COPYF), S_TRUNC(LOG), S_W(LOG, "3\n"), S_MUTE,
	    S_POLL("3|"),
	    S_STATS("lines=3 rotations=0 truncations=1 long_lines=0") } },
	{ "copy and truncate inside a line: the part before is dropped",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "one\npar"), S_POLL("one|"),
	    S_CP(LOG, COPYF), S_TRUNC(LOG), S_W(LOG, "x\n"), S_POLL("x|"),
	    S_STATS("lines=2 rotations=0 truncations=1 long_lines=0") } },
	{ "missing at open, then there: read from its start",
	  { S_OPEN, S_POLL(""), S_QUIET, S_W(LOG, "first\nsecond\n"), S_WAKE,
	    S_POLL("first|second|"), S_W(LOG, "third\n"), S_POLL("third|"),
	    S_STATS("lines=3 rotations=0 truncations=0 long_lines=0") } },
	{ "deleted, then created again",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "a\n"), S_POLL("a|"),
	    S_W(LOG, "b\n"), S_RM(LOG), S_POLL("b|"), S_POLL(""),
	    S_W(LOG, "c\n"), S_POLL("c|"), S_RM(LOG), S_W(LOG, "d\n"),
	    S_POLL("d|"),
	    S_STATS("lines=4 rotations=2 truncations=0 long_lines=0") } },
	{ "over-long line: cut once, counted, the next line intact",
	  { S_W(LOG, ""), S_OPEN, S_FILL(LOG, 3 * MAX, "\nnext\n"),
	    S_POLL("x*8192|next|"),
	    S_STATS("lines=2 rotations=0 truncations=0 long_lines=1") } },
	{ "over-long line across polls",
	  { S_W(LOG, ""), S_OPEN, S_FILL(LOG, 5000, ""), S_POLL(""),
	    S_FILL(LOG, 5000, ""), S_POLL("x*8192|"), S_FILL(LOG, 5000, ""),
	    S_POLL(""), S_W(LOG, "\nnext\n"), S_POLL("next|"),
	    S_STATS("lines=2 rotations=0 truncations=0 long_lines=1") } },
	{ "a line of exactly the maximum is whole",
	  { S_W(LOG, ""), S_OPEN, S_FILL(LOG, MAX, "\n"), S_POLL("x*8192|"),
	    S_FILL(LOG, MAX, ""), S_POLL(""), S_W(LOG, "\n"),
	    S_POLL("x*8192|"),
	    S_STATS("lines=2 rotations=0 truncations=0 long_lines=0") } },
	{ "one byte over the maximum",
	  { S_W(LOG, ""), S_OPEN, S_FILL(LOG, MAX + 1, "\nok\n"),
	    S_POLL("x*8192|ok|"),
	    S_STATS("lines=2 rotations=0 truncations=0 long_lines=1") } },
	{ "an append wakes the descriptor",
	  { S_W(LOG, "x\n"), S_OPEN, S_QUIET, S_W(LOG, "y\n"), S_WAKE,
	    S_POLL("y|"), S_QUIET, S_W(LOG, "z\n"), S_WAKE, S_POLL("z|"),
	    S_QUIET } },
	{ "after a rename, writes to either file wake it",
	  { S_W(LOG, ""), S_OPEN, S_W(LOG, "a\n"), S_MV(LOG, LOG1),
	    S_W(LOG, "b\n"), S_POLL("a|b|"), S_QUIET, S_W(LOG1, "late\n"),
	    S_WAKE, S_POLL("late|"), S_QUIET, S_W(LOG, "c\n"), S_WAKE,
	    S_POLL("c|") } },
};
/* clang-format on */

static void file_path(char *out, size_t size, const char *dir, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

static void append(const char *file, const char *text, size_t fill)
{
	size_t tlen = text ? strlen(text) : 0, len = fill + tlen;
	char *buf = malloc(len + 1);
	int fd;

	/* fail_msg() jumps out: the returns after it are for the analyser */
	if (!buf) {
		fail_msg("append to %s: out of memory", file);
		return;
	}
	memset(buf, 'x', fill);
	memcpy(buf + fill, text ? text : "", tlen + 1);
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	/* one write: a line is in the file whole, as syslog writes it */
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		free(buf);
		if (fd >= 0)
			close(fd);
		fail_msg("append to %s: %s", file, strerror(errno));
		return;
	}
	free(buf);
	close(fd);
}

static void copy_file(const char *from, const char *to)
{
	char buf[4096];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (in < 0 || out < 0)
		fail_msg("copy %s to %s: %s", from, to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			fail_msg("copy %s: %s", to, strerror(errno));
	close(in);
	close(out);
}

static void mute(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void stats_text(const struct pflog_file *f, char *out, size_t size)
{
	struct pflog_file_stats st;

	pflog_file_stats(f, &st);
	snprintf(out, size,
		 "lines=%llu rotations=%llu truncations=%llu long_lines=%llu",
		 (unsigned long long)st.lines, (unsigned long long)st.rotations,
		 (unsigned long long)st.truncations,
		 (unsigned long long)st.long_lines);
}

/* Run one file operation, or each of an END-terminated list of them. */
static void file_op(const char *dir, const struct step *s)
{
	char a[160], b[160];

	for (; s->op != END; s++) {
		if (s->a)
			file_path(a, sizeof(a), dir, s->a);
		if (s->b)
			file_path(b, sizeof(b), dir, s->b);
		switch (s->op) {
		case WRITE:
		case FILL:
			append(a, s->b, s->n);
			break;
		case RENAME:
			if (rename(a, b))
				fail_msg("rename %s: %s", a, strerror(errno));
			break;
		case COPY:
			copy_file(a, b);
			break;
		case TRUNC:
			if (truncate(a, 0))
				fail_msg("truncate %s: %s", a, strerror(errno));
			break;
		case UNLINK:
			if (unlink(a))
				fail_msg("unlink %s: %s", a, strerror(errno));
			break;
		default:
			fail_msg("step %s is no file operation",
				 op_names[s->op]);
		}
	}
}

static void run_case(size_t ci)
{
	const char *name = cases[ci].name;
	char dir[96], path[160], what[64], text[128];
	struct pflog_file *f = NULL;
	struct pollfd pfd;
	int rc;

	snprintf(dir, sizeof(dir), "%s/%zu", base, ci);
	if (mkdir(dir, 0755))
		fail_msg("mkdir %s: %s", dir, strerror(errno));
	for (size_t i = 0; cases[ci].steps[i].op != END; i++) {
		const struct step *s = &cases[ci].steps[i];

		snprintf(what, sizeof(what), "step %zu (%s)", i + 1,
			 op_names[s->op]);
		if (s->op >= MUTE && !f) /* a table mistake */
			fail_msg("case %s: %s before open", name, what);
		switch (s->op) {
		case END:
			break;
		case OPEN:
			file_path(path, sizeof(path), dir, LOG);
			rc = pflog_file_open(path, &f);
			CHECK_INT(name, what, rc, 0);
			if (rc)
				return;
			CHECK_STR(name, "path", pflog_file_path(f), path);
			break;
		case WRITE:
		case FILL:
		case RENAME:
		case COPY:
		case TRUNC:
		case UNLINK: {
			const struct step one[] = {*s, {.op = END}};

			file_op(dir, one);
			break;
		}
		case MUTE:
			mute(pflog_file_fd(f));
			break;
		case POLL: {
			struct got g = {
			    .dir = dir, .trigger = s->a, .hook = s->hook};

			rc = pflog_file_poll(f, collect, &g);
			CHECK_STR(name, what, g.text, s->b);
			CHECK_INT(name, "poll's count", rc, (int)g.n);
			CHECK(!g.hook,
			      "case %s: %s: got no line \"%s\" to run "
			      "the hook on, want it",
			      name, what, s->a ? s->a : "");
			break;
		}
		case WAKE:
		case QUIET:
			pfd = (struct pollfd){.fd = pflog_file_fd(f),
					      .events = POLLIN};
			rc = poll(&pfd, 1, s->op == WAKE ? WAKE_MS : 0);
			CHECK(rc == (s->op == WAKE),
			      "case %s: %s: got %s, want %s", name, what,
			      rc > 0 ? "readable" : "not readable",
			      s->op == WAKE ? "readable" : "not readable");
			break;
		case STATS:
			stats_text(f, text, sizeof(text));
			CHECK_STR(name, what, text, s->b);
			break;
		}
	}
	pflog_file_close(f);
}

static void test_scripts(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run_case(i);
	CHECK_DONE();
}

/* Many lines in one poll: lines straddle the 64 KB reads, and each
 * comes back once, whole and in order. */
struct seq {
	unsigned int next, bad;
	char first_bad[64];
};

static void check_seq(const char *line, size_t len, void *ctx)
{
	struct seq *q = ctx;
	char want[64];
	int n = snprintf(want, sizeof(want), "line %u of many", q->next);

	if ((size_t)n != len || memcmp(line, want, len) != 0) {
		if (!q->bad++)
			snprintf(q->first_bad, sizeof(q->first_bad), "%.*s",
				 (int)len, line);
	}
	q->next++;
}

static void test_bulk(void **state)
{
	const unsigned int lines = 50000;
	char dir[96], file[160], line[64];
	struct pflog_file *f;
	struct pflog_file_stats st;
	struct seq q = {0, 0, ""};
	unsigned long long bytes = 0;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s/bulk", base);
	assert_int_equal(mkdir(dir, 0755), 0);
	file_path(file, sizeof(file), dir, LOG);
	append(file, "", 0);
	assert_int_equal(pflog_file_open(file, &f), 0);
	fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(fd >= 0);
	for (unsigned int i = 0; i < lines; i++) {
		int n = snprintf(line, sizeof(line), "line %u of many\n", i);

		assert_int_equal(write(fd, line, (size_t)n), n);
		bytes += (unsigned long long)n;
	}
	close(fd);
	rc = pflog_file_poll(f, check_seq, &q);
	CHECK_INT("bulk", "poll's count", rc, lines);
	CHECK_UINT("bulk", "lines seen", q.next, lines);
	CHECK(q.bad == 0, "case bulk: got %u bad lines (first \"%s\"), want 0",
	      q.bad, q.first_bad);
	pflog_file_stats(f, &st);
	CHECK_UINT("bulk", "stats.bytes", st.bytes, bytes);
	CHECK_UINT("bulk", "stats.lines", st.lines, lines);
	pflog_file_close(f);
	CHECK_DONE();
}

/* What pflog_file_open() refuses. */
static void test_open_errors(void **state)
{
	static const struct {
		const char *name;
		const char *path; /* under the run's directory if it
				   * starts with '/' */
		int rc;
	} errs[] = {
	    {"directory missing", "/nodir/log", -ENOENT},
	    {"directory is a file", "/plain/log", -ENOTDIR},
	    {"no directory part", "log", -EINVAL},
	    {"ends in a slash", "/", -EINVAL},
	    {"names a directory", "/sub", -EISDIR},
	    {"names a file in a directory", "/sub/log", 0},
	};
	char plain[96], sub[96], path[160];

	snprintf(plain, sizeof(plain), "%s/plain", base);
	append(plain, "", 0);
	snprintf(sub, sizeof(sub), "%s/sub", base);
	assert_int_equal(mkdir(sub, 0755), 0);
	for (size_t i = 0; i < ARRAY_LEN(errs); i++) {
		/* not NULL: an error must set it to NULL */
		struct pflog_file *f = (struct pflog_file *)(uintptr_t)1;
		int rc;

		snprintf(path, sizeof(path), "%s%s",
			 errs[i].path[0] == '/' ? base : "", errs[i].path);
		rc = pflog_file_open(path, &f);
		CHECK_INT(errs[i].name, "rc", rc, errs[i].rc);
		if (rc)
			CHECK(f == NULL, "case %s: got a handle, want NULL",
			      errs[i].name);
		pflog_file_close(rc ? NULL : f);
	}
	CHECK_DONE();
}

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	snprintf(base, sizeof(base), "/tmp/test_pflog_file.XXXXXX");
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	return nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scripts),
	    cmocka_unit_test(test_bulk),
	    cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
