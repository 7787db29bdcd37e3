/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * metrics_file.h - mxscreend's prometheus_file: the exposition
 * (metrics.h) written to a file every prometheus_interval, for a
 * node-exporter textfile collector.
 *
 * Contract: metrics_file_write() returns 0 or a negative errno and logs
 * its failures, once each (see there).
 */
#ifndef MXS_METRICS_FILE_H
#define MXS_METRICS_FILE_H

#include "config.h"
#include "lib/kmap.h"

/* What metrics_file_write() remembers between calls, so that a failure
 * is logged once and not at every interval. */
struct metrics_file {
	int last_err;        /* 0, or the -errno last logged */
	char last_path[CONFIG_PATH_LEN]; /* the file it was for */
};

/*
 * Replace path with the current exposition, atomically: a temporary file
 * beside it (path.XXXXXX, which a node-exporter textfile collector
 * ignores, since it reads *.prom), mode 0644, fflush and fsync, rename
 * over path.  A reader sees the old file or the new one, never a part.
 * A failure is logged as a warning with what to do, once per distinct
 * error and path; the first success after a failure is logged too.
 * Returns 0 or -errno.
 */
int metrics_file_write(struct metrics_file *mf, struct kmap *km,
		       const char *path);

#endif /* MXS_METRICS_FILE_H */
