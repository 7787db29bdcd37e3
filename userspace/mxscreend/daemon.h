/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon.h - what mxscreend does with events and verdicts: handshake
 * events start DNSBL lookups; verdicts become block/allow entries (reason
 * dnsbl), cached results and log lines; every second the heartbeat; every
 * dnsbl_min_ttl the removal of its own expired entries; SIGHUP a reload.
 * The static lists (listsync.h: mynetworks, allowlist_files,
 * blocklist_files) are synced at start, on SIGHUP, and at the tick after
 * a file changed on disk.
 *
 * The event loop itself is in mxscreend.c; this module never blocks.
 */
#ifndef MXS_DAEMON_H
#define MXS_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "daemon_close.h"
#include "daemon_export.h"
#include "policy_server.h"
#include "dnsbl.h"
#include "metrics_file.h"
#include "pflog.h"
#include "lib/kmap.h"

struct listsync;
struct pflog;

struct daemon {
	struct config cfg;
	const char *config_path; /* NULL: built-in defaults */
	struct kmap km;
	struct dnsbl_engine *engine;
	int epoll_fd;
	uint32_t generation;
	struct mxs_daemon_status status;
	struct listsync *lists;  /* mynetworks and the list files */
	struct dnsbl_counters base; /* of earlier engines and runs: the
				     * published counters only ever grow */
	uint64_t last_lookups;   /* for lookups_per_sec */
	uint64_t last_expire_ns; /* last sweep of expired entries */
	uint64_t last_state_ns;  /* last save of the state file */
	struct daemon_export export; /* export_file: every export_interval
				      * and at stop (daemon_export.h) */
	uint64_t lost_seen;      /* handshake reports lost, as last warned */
	uint64_t lost_warned_ns; /* when: one warning a minute at most */
	uint64_t last_prom_ns;   /* last write of prometheus_file */
	struct metrics_file prom; /* its failures, logged once each */
	struct pflog *pflog;     /* the Postfix log reader (daemon_postfix.h),
				  * NULL when postfix_log is empty */
	struct pflog_counters pf_base; /* of earlier readers and runs */
	uint64_t pf_warned_ns;   /* last warning about postfix_scores */
	struct daemon_close close; /* ending banned sources' connections
				    * (daemon_close.h) */
	struct policy_server *policy; /* the policy service
				       * (daemon_policy.h), NULL: off */
	struct policy_server_stats policy_base; /* of earlier servers */
	uint64_t policy_warned_ns; /* last warning about "accounts" */
};

/* Open the maps (pinned by the handshake module before), start the
 * engine, then attach to the configured interfaces (daemon_iface.h: a
 * failure there is fatal).  Returns 0 or -errno, having logged why. */
int daemon_start(struct daemon *d, const struct config *cfg,
		 const char *config_path, const char *pin_path, int epoll_fd);

/* A handshake reported by the kernel. */
void daemon_on_event(struct daemon *d, const struct mxs_event *ev);

/* Once a second: probes, heartbeat, every dnsbl_min_ttl (5..60 s)
 * the sweep of expired dnsbl entries, every state_interval the state
 * file, every prometheus_interval the Prometheus file. */
void daemon_tick(struct daemon *d);

/* SIGHUP: re-read config_path; a bad file is reported and the running
 * configuration kept.  Newly listed interfaces are attached; removed
 * ones detached when detach_on_stop = yes. */
void daemon_reload(struct daemon *d);

/* Stop: save the state file, mark the heartbeat as stopped, write the
 * Prometheus file a last time, detach from the configured interfaces
 * when detach_on_stop = yes, free everything.  The maps stay, and so does
 * the program on every other interface. */
void daemon_stop(struct daemon *d);

#endif /* MXS_DAEMON_H */
