/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_metrics_file.c - unit tests of metrics_file.c: metrics_write()
 * (the exposition, metrics.c's) and log_msg() are stubbed here.  The file
 * is replaced whole, mode 0644, no temporary left; a failure is logged
 * once per distinct error, with what to do, and the recovery once.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/log.h"
#include "lib/metrics.h"
#include "mxscreend/metrics_file.h"
#include "check.h"

/* ---- the exposition and the log, stubbed ------------------------------- */

static struct {
	const char *text; /* what metrics_write() prints */
	int err;          /* unless it fails with this, printing nothing */
} fake;

int metrics_write(struct kmap *km, FILE *out)
{
	if (fake.err)
		return fake.err;
	fputs(fake.text, out);
	return 0;
}

static char logged[4096];
static int nr_logged;

void log_msg(enum log_level level, const char *fmt, ...)
{
	size_t used = strlen(logged);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logged + used, sizeof(logged) - used, fmt, ap);
	va_end(ap);
	used = strlen(logged);
	snprintf(logged + used, sizeof(logged) - used, "\n");
	nr_logged++;
}

static void test_file(void **state)
{
	char dir[] = "/tmp/test_metrics_file.XXXXXX", path[64], bad[96];
	struct metrics_file mf = { 0 };
	struct stat st;
	const char *want;
	char *got;
	size_t len = 0;
	FILE *f;
	DIR *d;
	struct dirent *de;
	int files = 0;

	fake.text = "mxscreen_packets_total 11\n";
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mxscreen.prom", dir);
	umask(077); /* the file is 0644 all the same */
	CHECK_INT("write", "rc", metrics_file_write(&mf, NULL, path), 0);
	CHECK_INT("write", "lines logged", nr_logged, 0);
	assert_int_equal(stat(path, &st), 0);
	CHECK_UINT("write", "mode", st.st_mode & 07777, 0644);
	want = fake.text;
	f = fopen(path, "r");
	assert_non_null(f);
	got = calloc(1, strlen(want) + 2);
	assert_non_null(got);
	len = fread(got, 1, strlen(want) + 1, f);
	fclose(f);
	CHECK_UINT("write", "bytes", len, strlen(want));
	CHECK_STR("write", "content", got, want);
	/* written again over the old one; no temporary file stays */
	fake.text = "mxscreen_packets_total 12\n";
	CHECK_INT("rewrite", "rc", metrics_file_write(&mf, NULL, path), 0);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		files += de->d_name[0] != '.';
	closedir(d);
	CHECK_INT("rewrite", "files in the directory", files, 1);

	/* a missing directory: logged once, with what to do, however often
	 * it fails; then a new error is logged again, and a success */
	snprintf(bad, sizeof(bad), "%s/missing/mxscreen.prom", dir);
	for (int i = 0; i < 3; i++)
		CHECK_INT("missing dir", "rc",
			  metrics_file_write(&mf, NULL, bad), -ENOENT);
	CHECK_INT("missing dir", "lines logged", nr_logged, 1);
	CHECK_CONTAINS("missing dir", "message", logged,
		       "cannot write the Prometheus file");
	CHECK_CONTAINS("missing dir", "message", logged, "create the directory");
	fake.err = -EPERM;
	CHECK_INT("maps unreadable", "rc", metrics_file_write(&mf, NULL, path),
		  -EPERM);
	CHECK_INT("maps unreadable", "lines logged", nr_logged, 2);
	CHECK_CONTAINS("maps unreadable", "message", logged,
		       "cannot read the maps");
	fake.err = 0;
	CHECK_INT("recovered", "rc", metrics_file_write(&mf, NULL, path), 0);
	CHECK_INT("recovered", "lines logged", nr_logged, 3);
	CHECK_CONTAINS("recovered", "message", logged, "again");

	unlink(path);
	rmdir(dir);
	free(got);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
