/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon_export.h - mxscreend's export_file: every export_interval, and
 * when it stops, this host's block entries of export_reasons as an
 * rbldnsd data file for the fleet zone (export.h, docs/fleet.md).
 *
 * Contract: never fails the daemon.  A failure is logged once, and again
 * only when it changes or after the file could be written again; so a
 * full disk costs one warning, not one per interval.
 */
#ifndef MXS_DAEMON_EXPORT_H
#define MXS_DAEMON_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "lib/export.h"
#include "lib/kmap.h"

struct daemon_export {
	uint64_t last_ns;          /* last attempt, CLOCK_BOOTTIME; 0 = never */
	char name[EXPORT_NAME_LEN]; /* this host, for the TXT records */
	char failed[256];          /* the failure last logged; "" = none */
};

/* Before the first tick: nothing written yet, the host name read. */
void daemon_export_init(struct daemon_export *x);

/* Write cfg->export_file when one is set, the daemon is not observing,
 * and export_interval has passed since the last attempt (always, when
 * force is set: the last export at stop). */
void daemon_export_tick(struct daemon_export *x, struct kmap *km,
			const struct config *cfg, uint64_t now_ns, bool force);

#endif /* MXS_DAEMON_EXPORT_H */
