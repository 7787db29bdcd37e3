// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_pflog_file.c - following a log file as tail -F does
 * (pflog_file.c), in a fresh directory under /tmp: what was there at open
 * is never returned; appended, partial, empty and over-long lines; a
 * rename with lines still written to the old file (found by stat() alone,
 * without inotify, too); copy-and-truncate; a file that appears late, is
 * deleted and comes back; the descriptor wakes the poll loop.  Each case
 * checks the exact lines returned, in order: nothing lost, nothing twice.
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
#include <poll.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../userspace/pflog_file.h"
#include "check.h"

static char dir[64], path[128];

/* The lines a poll returned, joined with '|'. */
struct got {
	char text[1 << 16];
	size_t len;
	unsigned int n;
};

static void collect(const char *line, size_t len, void *ctx)
{
	struct got *g = ctx;

	if (g->len + len + 2 < sizeof(g->text)) {
		memcpy(g->text + g->len, line, len);
		g->len += len;
		g->text[g->len++] = '|';
		g->text[g->len] = '\0';
	}
	g->n++;
}

static void append(const char *p, const char *text)
{
	int fd = open(p, O_WRONLY | O_APPEND | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Poll once; what came back must be want ("" for nothing). */
static void expect_lines(const char *name, struct pflog_file *f,
			 const char *want)
{
	struct got g = { .len = 0 };
	int rc = pflog_file_poll(f, collect, &g);

	CHECK(rc >= 0, "case %s: poll: got %d, want >= 0", name, rc);
	CHECK_STR(name, "lines", g.text, want);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mxs-pflog-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/maillog", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void fresh(void)
{
	char p[160];

	unlink(path);
	snprintf(p, sizeof(p), "%s.1", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.copy", path);
	unlink(p);
}

static void test_start_at_end(void **state)
{
	struct pflog_file *f;

	(void)state;
	fresh();
	append(path, "old 1\nold 2\nold partial");
	assert_int_equal(pflog_file_open(path, &f), 0);
	expect_lines("nothing new", f, "");
	append(path, " rest\nnew 1\n");
	/* the partial line was there before: only its rest is new, and is
	 * returned as what it is, the end of a line */
	expect_lines("appended", f, " rest|new 1|");
	append(path, "a\n\nb");
	expect_lines("empty line, partial", f, "a||");
	append(path, "c\n");
	expect_lines("partial completed", f, "bc|");
	pflog_file_close(f);
}

static void test_rename(void **state)
{
	struct pflog_file *f;
	struct pflog_file_stats st;
	char old[160];

	(void)state;
	fresh();
	snprintf(old, sizeof(old), "%s.1", path);
	append(path, "before\n");
	assert_int_equal(pflog_file_open(path, &f), 0);
	append(path, "one\n");
	assert_int_equal(rename(path, old), 0);
	/* syslog still writes to the renamed file until it reopens */
	append(old, "two\n");
	expect_lines("renamed, no new file yet", f, "one|two|");
	append(old, "three\n");
	append(path, "new 1\n");
	expect_lines("new file there", f, "three|new 1|");
	append(old, "late\n");
	append(path, "new 2\n");
	expect_lines("the old file is still read", f, "late|new 2|");
	pflog_file_stats(f, &st);
	assert_int_equal(st.rotations, 1);
	assert_int_equal(st.lines, 6);
	pflog_file_close(f);
}

static void test_truncate(void **state)
{
	struct pflog_file *f;
	struct pflog_file_stats st;

	(void)state;
	fresh();
	append(path, "before\n");
	assert_int_equal(pflog_file_open(path, &f), 0);
	append(path, "one\ntwo\n");
	expect_lines("before the copy", f, "one|two|");
	/* logrotate's copytruncate */
	assert_int_equal(truncate(path, 0), 0);
	append(path, "after\n");
	expect_lines("truncated", f, "after|");
	append(path, "more\n");
	expect_lines("after the truncation", f, "more|");
	pflog_file_stats(f, &st);
	assert_int_equal(st.truncations, 1);
	pflog_file_close(f);
}

static void test_missing_deleted(void **state)
{
	struct pflog_file *f;

	(void)state;
	fresh();
	assert_int_equal(pflog_file_open(path, &f), 0);
	expect_lines("missing", f, "");
	append(path, "first\nsecond\n");
	expect_lines("appeared: all of it is new", f, "first|second|");
	append(path, "third\n");
	assert_int_equal(unlink(path), 0);
	append(path, "reborn\n");
	expect_lines("deleted and created again", f, "third|reborn|");
	pflog_file_close(f);
	/* a directory that is not there is an error */
	assert_int_equal(pflog_file_open("/nonexistent-mxs/maillog", &f),
			 -ENOENT);
	assert_int_equal(pflog_file_open("relative", &f), -EINVAL);
}

static void test_long_line(void **state)
{
	struct pflog_file *f;
	struct pflog_file_stats st;
	char *big = malloc(3 * PFLOG_FILE_LINE_MAX + 8);
	struct got g = { .len = 0 };

	(void)state;
	assert_non_null(big);
	fresh();
	append(path, "");
	assert_int_equal(pflog_file_open(path, &f), 0);
	memset(big, 'x', 3 * PFLOG_FILE_LINE_MAX);
	strcpy(big + 3 * PFLOG_FILE_LINE_MAX, "\nok\n");
	append(path, big);
	assert_true(pflog_file_poll(f, collect, &g) >= 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.len, PFLOG_FILE_LINE_MAX + 1 + 3);
	assert_string_equal(g.text + PFLOG_FILE_LINE_MAX, "|ok|");
	pflog_file_stats(f, &st);
	assert_int_equal(st.long_lines, 1);
	free(big);
	pflog_file_close(f);
}

/* Many lines in one poll, across the 64 KB reads. */
static void test_bulk(void **state)
{
	struct pflog_file *f;
	char line[64];
	int fd;
	struct got g = { .len = 0 };
	unsigned int i;

	(void)state;
	fresh();
	append(path, "");
	assert_int_equal(pflog_file_open(path, &f), 0);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	for (i = 0; i < 20000; i++) {
		int n = snprintf(line, sizeof(line), "line %u of many\n", i);

		assert_int_equal(write(fd, line, (size_t)n), n);
	}
	close(fd);
	assert_int_equal(pflog_file_poll(f, collect, &g), 20000);
	assert_int_equal(g.n, 20000);
	pflog_file_close(f);
}

/* The descriptor becomes readable when the file grows. */
static void test_wakes_up(void **state)
{
	struct pflog_file *f;
	struct pollfd p;

	(void)state;
	fresh();
	append(path, "x\n");
	assert_int_equal(pflog_file_open(path, &f), 0);
	p = (struct pollfd){ .fd = pflog_file_fd(f), .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 0);
	append(path, "y\n");
	assert_int_equal(poll(&p, 1, 5000), 1);
	expect_lines("woken", f, "y|");
	assert_int_equal(poll(&p, 1, 0), 0);
	pflog_file_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_at_end),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_missing_deleted),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_wakes_up),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
