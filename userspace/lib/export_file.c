// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * export_file.c - collecting the exportable block entries through kmap
 * and writing the fleet export file (see export_file.h; the text is
 * export.c's).
 *
 * Expiry times go through the wall clock (boottime.h), since
 * the file is read on other hosts, whose CLOCK_BOOTTIME means nothing
 * here.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boottime.h"
#include "errbuf.h"
#include "export_file.h"
#include "vec.h"

#define NS_PER_S 1000000000ull

struct collect_ctx {
	struct export_set *set;
	uint8_t reasons;
	uint64_t now_ns, now_unix_ns;
};

static int collect_entry(const struct addr_cidr *cidr,
			 const struct mxs_entry *e, void *ctx)
{
	struct collect_ctx *c = ctx;
	struct export_set *set = c->set;

	if (e->reason >= MXS_NR_REASONS || !(c->reasons & (1u << e->reason)))
		return 0;
	if (e->expires_ns && e->expires_ns <= c->now_ns)
		return 0; /* expired: the kernel no longer refuses it */
	if (!(e->classes & MXS_CLASSES_ALL))
		return 0; /* refuses nothing */
	if (export_is_loopback(cidr)) {
		set->loopback++;
		return 0;
	}
	if (vec_reserve(&set->v, &set->cap, set->n, sizeof(*set->v)))
		return -ENOMEM;
	set->v[set->n++] = (struct export_entry){
		.cidr = *cidr,
		.reason = e->reason,
		.classes = (uint8_t)(e->classes & MXS_CLASSES_ALL),
		.expires_unix = e->expires_ns
					? boottime_to_unix(e->expires_ns,
							   c->now_ns,
							   c->now_unix_ns)
					: 0,
	};
	return 0;
}

int export_collect(struct kmap *km, uint8_t reasons, struct export_set *set)
{
	struct collect_ctx c = { .set = set, .reasons = reasons };
	struct timespec ts;
	int err;

	memset(set, 0, sizeof(*set));
	c.now_ns = kmap_now_ns();
	clock_gettime(CLOCK_REALTIME, &ts);
	c.now_unix_ns = (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
	err = kmap_entries_walk(km, MXS_LIST_BLOCK, collect_entry, &c);
	if (err) {
		export_set_free(set);
		return err;
	}
	export_sort(set->v, set->n);
	return 0;
}

void export_set_free(struct export_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

void export_host_name(char *buf, size_t len)
{
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1))
		host[0] = '\0';
	export_name_sanitize(host, buf, len);
}

int export_save(const char *path, const struct export_info *info,
		const struct export_set *set, char *err, size_t errlen)
{
	char tmp[EXPORT_PATH_LEN + 16], copy[EXPORT_PATH_LEN + 16];
	const char *dir;
	FILE *f = NULL;
	int fd, dfd, rc;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp)) {
		errbuf_set(err, errlen, "the path is too long");
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		errbuf_set(err, errlen, "cannot create a temporary file in %s: %s",
			   dir, strerror(-rc));
		return rc;
	}
	/* mkostemp makes it 0600; rbldnsd reads it as another user */
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		rc = -errno;
		close(fd);
		errbuf_set(err, errlen, "cannot open %s: %s", tmp, strerror(-rc));
		goto fail;
	}
	/* stdio keeps the errno of a failed write (ENOSPC, EDQUOT) */
	errno = 0;
	rc = export_write(f, info, set->v, set->n);
	if (rc && errno)
		rc = -errno;
	if (!rc && (fflush(f) || fsync(fileno(f))))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (rc) {
		errbuf_set(err, errlen, "cannot write %s: %s", tmp,
			   strerror(-rc));
		goto fail;
	}
	if (rename(tmp, path)) {
		rc = -errno;
		errbuf_set(err, errlen, "cannot rename %s over it: %s", tmp,
			   strerror(-rc));
		goto fail;
	}
	/* the rename is durable once the directory is; a failure here
	 * leaves the new file in place, so it is not one */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	unlink(tmp);
	return rc;
}
