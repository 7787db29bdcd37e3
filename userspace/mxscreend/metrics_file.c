// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * metrics_file.c - the exposition into prometheus_file, replaced whole
 * (see metrics_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics_file.h"
#include "lib/log.h"
#include "lib/metrics.h"

/* Where metrics_file_replace() failed. */
enum metrics_step {
	METRICS_STEP_CREATE,
	METRICS_STEP_READ_MAPS,
	METRICS_STEP_WRITE,
	METRICS_STEP_RENAME,
};

static const char *const metrics_step_text[] = {
	[METRICS_STEP_CREATE] = "cannot create a temporary file beside it",
	[METRICS_STEP_READ_MAPS] = "cannot read the maps",
	[METRICS_STEP_WRITE] = "cannot write the temporary file",
	[METRICS_STEP_RENAME] = "cannot rename the temporary file over it",
};

/* What to do about err in step, for the file path. */
static void metrics_file_advice(enum metrics_step step, int err,
				const char *path, char *buf, size_t len)
{
	char copy[CONFIG_PATH_LEN];
	const char *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (step == METRICS_STEP_READ_MAPS) {
		snprintf(buf, len, "the file keeps its last contents; see "
			 "'mxscreen status'");
		return;
	}
	switch (-err) {
	case ENOENT:
		snprintf(buf, len, "create the directory %s", dir);
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, len, "make %s writable by mxscreend (under "
			 "mxscreend.service it runs as root without "
			 "CAP_DAC_OVERRIDE)", dir);
		break;
	case EROFS:
		snprintf(buf, len, "%s is read-only for mxscreend: add it to "
			 "ReadWritePaths= of mxscreend.service "
			 "(systemctl edit mxscreend)", dir);
		break;
	case ENOSPC:
	case EDQUOT:
		snprintf(buf, len, "free space on the file system of %s", dir);
		break;
	default:
		snprintf(buf, len, "check prometheus_file and %s", dir);
		break;
	}
}

static int metrics_file_replace(struct kmap *km, const char *path,
				enum metrics_step *step)
{
	char tmp[CONFIG_PATH_LEN + 8];
	FILE *f;
	int fd, err;

	*step = METRICS_STEP_CREATE;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* mkostemp creates 0600; node-exporter runs as its own user */
	if (fchmod(fd, 0644)) {
		err = -errno;
		close(fd);
		goto fail;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto fail;
	}
	*step = METRICS_STEP_READ_MAPS;
	err = metrics_write(km, f);
	if (err) {
		fclose(f);
		goto fail;
	}
	*step = METRICS_STEP_WRITE;
	errno = 0;
	if (fflush(f) || ferror(f) || fsync(fileno(f))) {
		err = errno ? -errno : -EIO;
		fclose(f);
		goto fail;
	}
	if (fclose(f)) {
		err = -errno;
		goto fail;
	}
	*step = METRICS_STEP_RENAME;
	if (rename(tmp, path)) {
		err = -errno;
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return err;
}

int metrics_file_write(struct metrics_file *mf, struct kmap *km,
		       const char *path)
{
	enum metrics_step step;
	bool same_path = strcmp(mf->last_path, path) == 0;
	int err = metrics_file_replace(km, path, &step);

	if (err && (err != mf->last_err || !same_path)) {
		char advice[CONFIG_PATH_LEN + 160];

		metrics_file_advice(step, err, path, advice, sizeof(advice));
		log_warn("cannot write the Prometheus file %s: %s: %s; %s "
			 "(logged once; retried every prometheus_interval)",
			 path, metrics_step_text[step], strerror(-err), advice);
	} else if (!err && mf->last_err && same_path) {
		log_info("wrote the Prometheus file %s again", path);
	}
	mf->last_err = err;
	snprintf(mf->last_path, sizeof(mf->last_path), "%s", path);
	return err;
}
