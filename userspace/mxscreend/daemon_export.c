// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon_export.c - mxscreend's periodic fleet export (see
 * daemon_export.h).
 *
 * The file is written at every interval even when nothing changed: its
 * time stamp then says that this host is alive, which is what a fleet's
 * copy job can use to drop the files of hosts that stopped exporting
 * (docs/fleet.md).  rbldnsd reloads a changed file by itself.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon_export.h"
#include "lib/export_file.h"
#include "lib/log.h"

#define NS_PER_S 1000000000ull

_Static_assert(CONFIG_NAME_LEN <= EXPORT_NAME_LEN,
	       "every export_name fits in the export's name");
_Static_assert(CONFIG_PATH_LEN <= EXPORT_PATH_LEN,
	       "every export_file fits in export_save()'s buffers");

void daemon_export_init(struct daemon_export *x)
{
	memset(x, 0, sizeof(*x));
	export_host_name(x->name, sizeof(x->name));
}

/* Log a failure unless it is the one logged last. */
static void daemon_export_failed(struct daemon_export *x, const char *path,
				 const char *what)
{
	if (strcmp(x->failed, what) == 0) {
		log_debug("export file %s: %s (again)", path, what);
		return;
	}
	snprintf(x->failed, sizeof(x->failed), "%s", what);
	log_warn("cannot write the export file %s: %s; the fleet keeps the "
		 "last copy, tried again every export_interval", path, what);
}

void daemon_export_tick(struct daemon_export *x, struct kmap *km,
			const struct config *cfg, uint64_t now_ns, bool force)
{
	struct export_info info = {
		/* config.c checked it as export_name_valid() would */
		.name = cfg->export_name[0] ? cfg->export_name : x->name,
		.ttl = export_ttl_of_interval(cfg->export_interval),
		.reasons = cfg->export_reasons,
	};
	struct export_set set;
	char what[256];
	int err;

	/* observe mode writes nothing, the export included */
	if (!cfg->export_file[0] || cfg->observe)
		return;
	/* half a second of slack for the timer's jitter: 1s means every
	 * tick, not every other one */
	if (!force && x->last_ns &&
	    now_ns - x->last_ns + NS_PER_S / 2 < cfg->export_interval * NS_PER_S)
		return;
	x->last_ns = now_ns;
	err = export_collect(km, cfg->export_reasons, &set);
	if (err) {
		snprintf(what, sizeof(what), "cannot read the block lists: %s",
			 strerror(-err));
		daemon_export_failed(x, cfg->export_file, what);
		return;
	}
	info.now_unix = (uint64_t)time(NULL);
	info.loopback = set.loopback;
	err = export_save(cfg->export_file, &info, &set, what, sizeof(what));
	if (err) {
		daemon_export_failed(x, cfg->export_file, what);
	} else {
		if (x->failed[0])
			log_info("export file %s written again", cfg->export_file);
		x->failed[0] = '\0';
		log_debug("exported %zu block entries to %s", set.n,
			  cfg->export_file);
	}
	export_set_free(&set);
}
