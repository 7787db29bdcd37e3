// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon.c - mxscreend's work between the kernel and the DNSBLs.
 *
 * Verdicts go into the same lists as manual entries, with reason dnsbl and
 * an expiry; an exact entry of any other reason (manual, list file) is
 * never overwritten or removed.  Every result, clean ones too, goes into
 * "dnsbl_cache", which is also what keeps the kernel from reporting the
 * same source again while the result is fresh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_ban.h"
#include "daemon_policy.h"
#include "daemon_postfix.h"
#include "daemon_iface.h"
#include "daemon_state.h"
#include "listsync.h"
#include "lib/duration.h"
#include "lib/log.h"
#include "lib/settings.h"

#define NS_PER_S 1000000000ull
/* How often expired dnsbl entries are removed from the lists: as often as
 * they can expire (dnsbl_min_ttl), within these bounds, since each sweep
 * walks every list. */
#define DAEMON_SWEEP_MIN_SECONDS 5
#define DAEMON_SWEEP_MAX_SECONDS 60
/* At most one warning about lost handshake reports this often. */
#define DAEMON_LOST_WARN_SECONDS 60

static void daemon_source_text(const struct mxs_source *src, char *buf,
			       size_t len)
{
	inet_ntop(src->family == MXS_FAMILY_V6 ? AF_INET6 : AF_INET, src->addr,
		  buf, (socklen_t)len);
}

static void daemon_source_cidr(const struct mxs_source *src,
			       struct addr_cidr *cidr)
{
	memset(cidr, 0, sizeof(*cidr));
	cidr->family = src->family;
	cidr->prefixlen = src->family == MXS_FAMILY_V6 ? 128 : 32;
	memcpy(cidr->addr, src->addr, src->family == MXS_FAMILY_V6 ? 16 : 4);
}

/* "zen.example=127.0.0.4*3,bl.example=127.0.0.2*1" */
static void daemon_format_hits(const struct daemon *d,
			       const struct mxs_dnsbl_result *res, char *buf,
			       size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < res->nr_hits && used + 1 < len; i++) {
		char hit[DNSBL_ZONE_LEN + 32];

		dnsbl_format_hit(&d->cfg.sites, &res->hits[i], hit, sizeof(hit));
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? "," : "", hit);
	}
}

/* Write a verdict into list unless an entry of another reason is there.
 * Returns 1 when written, 0 when left as it was, -errno (logged). */
static int daemon_write_entry(struct daemon *d, int list,
			      const struct mxs_source *src, uint64_t expires_ns,
			      uint8_t classes, const char *who)
{
	struct mxs_entry entry = {
		.expires_ns = expires_ns,
		.classes = classes,
		.reason = MXS_REASON_DNSBL,
	};
	struct mxs_entry old;
	struct addr_cidr cidr;
	int err;

	daemon_source_cidr(src, &cidr);
	if (kmap_entry_get(&d->km, list, &cidr, &old) == 0 &&
	    old.reason != MXS_REASON_DNSBL) {
		log_debug("[%s] has a %s %s entry: left as it is", who,
			  settings_reason_name(old.reason),
			  list == MXS_LIST_BLOCK ? "block" : "allow");
		return 0;
	}
	err = kmap_entry_put(&d->km, list, &cidr, &entry, NULL, NULL);
	if (!err)
		return 1;
	d->status.map_errors++;
	log_warn("cannot write the %s entry for [%s] into %s: %s%s",
		 list == MXS_LIST_BLOCK ? "block" : "allow", who,
		 kmap_map_name(list, &cidr), strerror(-err),
		 err == -ENOSPC ? " (map full: remove entries; sizes are set when "
				  "the maps are created, see mxscreen status)"
				: "");
	return err;
}

static void daemon_on_verdict(const struct mxs_source *src,
			      const struct mxs_dnsbl_result *result,
			      uint64_t ttl, uint64_t event_ns, void *ctx)
{
	struct daemon *d = ctx;
	struct mxs_dnsbl_result res = *result;
	uint64_t now = kmap_now_ns();
	char who[INET6_ADDRSTRLEN], hits[512], line[DAEMON_CLOSE_LINE];
	const char *observe = d->cfg.observe ? " (observe: not written)" : "";
	uint64_t life = ttl;
	int err, written;

	daemon_source_text(src, who, sizeof(who));
	daemon_format_hits(d, &res, hits, sizeof(hits));
	/* a failed lookup is retried after min_ttl, not at every connection */
	if (res.verdict == MXS_DNSBL_FAILED)
		life = d->cfg.min_ttl;
	res.expires_ns = now + life * NS_PER_S;

	switch (res.verdict) {
	case MXS_DNSBL_BLOCK:
		written = d->cfg.observe ? 0
					 : daemon_write_entry(d, MXS_LIST_BLOCK,
							      src, res.expires_ns,
							      d->cfg.classes, who);
		if (written >= 0 && !d->cfg.observe)
			d->status.blocked++;
		/* delay: from the handshake in the kernel to the entry */
		snprintf(line, sizeof(line),
			 "BLOCK [%s] score=%d %s ttl=%llus class=%s delay=%.1fms%s",
			 who, res.score, hits, (unsigned long long)ttl,
			 settings_classes_name(d->cfg.classes),
			 (double)(kmap_now_ns() - event_ns) / 1e6, observe);
		if (written > 0) {
			struct addr_cidr cidr;

			/* its open connections end, and the line says how
			 * many, once the round's batch has been walked */
			daemon_source_cidr(src, &cidr);
			daemon_close_ban(d, &cidr, d->cfg.classes, line);
		} else {
			log_info("%s", line);
		}
		break;
	case MXS_DNSBL_ALLOW:
		if (!d->cfg.observe &&
		    daemon_write_entry(d, MXS_LIST_ALLOW, src, res.expires_ns,
				       MXS_CLASSES_ALL, who) >= 0)
			d->status.allowed++;
		log_info("ALLOW [%s] score=%d %s ttl=%llus%s", who, res.score,
			 hits, (unsigned long long)ttl, observe);
		break;
	case MXS_DNSBL_CLEAN:
		d->status.clean++;
		log_debug("PASS [%s] score=%d%s%s", who, res.score,
			  hits[0] ? " " : "", hits);
		break;
	default:
		log_info("DNSBL lookup for [%s] failed: no zone answered; not blocked, "
			 "retried after %llus", who, (unsigned long long)life);
		break;
	}
	err = kmap_cache_put(&d->km, src, &res);
	if (err) {
		d->status.map_errors++;
		log_warn("cannot cache the DNSBL result for [%s]: %s", who,
			 strerror(-err));
	}
}

/* What dnsbl_engine_lookup() answered, for debug lines. */
static const char *dnsbl_lookup_result_name(int rc)
{
	switch (rc) {
	case 0:
		return "looking up";
	case -EALREADY:
		return "already in flight";
	case -EBUSY:
		return "not looked up: too many in flight";
	case -EAGAIN:
		return "not looked up: over max_lookups_per_second";
	case -ENOENT:
		return "not looked up: no usable zone";
	}
	return strerror(-rc);
}

/*
 * The kernel counted more than ban_connections completed connections
 * within ban_window from this source in this class.  Completed
 * handshakes cannot come from spoofed addresses, so this is evidence
 * enough for a ban (daemon_ban.h).
 */
static void daemon_on_rate_event(struct daemon *d, const struct mxs_event *ev)
{
	char rate[64];
	struct addr_cidr host;

	if (!d->cfg.ban_connections)
		return;
	daemon_source_cidr(&ev->src, &host);
	snprintf(rate, sizeof(rate), "connections>%u/%llus",
		 d->cfg.ban_connections, (unsigned long long)d->cfg.ban_window);
	if (daemon_ban(d, &host, ev->class_, MXS_REASON_RATE, "RATE", rate) >
		    0 &&
	    !d->cfg.observe)
		d->status.rate_bans++;
}

void daemon_on_event(struct daemon *d, const struct mxs_event *ev)
{
	struct mxs_dnsbl_result cached;
	struct addr_cidr host;

	d->status.events++;
	if (ev->kind == MXS_EVENT_RATE) {
		daemon_on_rate_event(d, ev);
		return;
	}
	if (!d->engine || d->cfg.sites.nr_sites == 0)
		return;
	/* the kernel checks the cache too, but a result may have landed
	 * after it queued the event */
	if (kmap_cache_get(&d->km, &ev->src, &cached) == 0 &&
	    cached.expires_ns > kmap_now_ns())
		return;
	/* An allowed source is never looked up: no verdict could refuse
	 * it, and in observe mode (where mynetworks are not written) a
	 * BLOCK line would name a sender that is never refused. */
	daemon_source_cidr(&ev->src, &host);
	if (!daemon_ban_allowed(d, &host, kmap_now_ns()))
		return;
	if (log_get_level() >= LOG_LEVEL_DEBUG) {
		char who[INET6_ADDRSTRLEN];

		daemon_source_text(&ev->src, who, sizeof(who));
		log_debug("handshake [%s] port %u: %s", who, ev->local_port,
			  dnsbl_lookup_result_name(dnsbl_engine_lookup(
				  d->engine, &ev->src, ev->time_ns)));
		return;
	}
	dnsbl_engine_lookup(d->engine, &ev->src, ev->time_ns);
}

static void daemon_publish(struct daemon *d)
{
	struct dnsbl_counters c = { 0 };
	struct mxs_daemon_status *st = &d->status;
	uint64_t lookups;
	int err;

	st->nr_sites = 0;
	if (d->engine) {
		dnsbl_engine_counters(d->engine, &c);
		dnsbl_engine_sites(d->engine, st->site, &st->nr_sites);
	}
	lookups = d->base.lookups + c.lookups;
	st->pid = (uint32_t)getpid();
	st->generation = d->generation;
	st->heartbeat_ns = kmap_now_ns();
	st->lookups = lookups;
	st->merged = d->base.merged + c.merged;
	st->skipped_rate = d->base.skipped_rate + c.skipped_rate;
	st->skipped_busy = d->base.skipped_busy + c.skipped_busy;
	st->skipped_nozone = d->base.skipped_nozone + c.skipped_nozone;
	st->failed = d->base.failed + c.failed;
	st->in_flight = c.in_flight;
	st->lookups_per_sec = (uint32_t)(lookups - d->last_lookups);
	st->observe = d->cfg.observe;
	d->last_lookups = lookups;
	err = kmap_daemon_put(&d->km, st);
	if (err)
		log_warn("cannot write the heartbeat: %s", strerror(-err));
}

/* Reports the kernel could not queue (the ring buffer was full: the
 * daemon was stopped, or slower than the handshakes) were counted there;
 * say so, at most once a minute.  Their sources were not looked up, and
 * their connections passed: nothing fails closed. */
static void daemon_check_lost(struct daemon *d, uint64_t now)
{
	struct mxs_hs_stats hs;
	uint64_t lost;

	if (kmap_hs_stats_read(&d->km, &hs))
		return;
	lost = hs.lost + hs.offences_lost;
	if (lost <= d->lost_seen)
		return;
	if (d->lost_warned_ns &&
	    now - d->lost_warned_ns < DAEMON_LOST_WARN_SECONDS * NS_PER_S)
		return;
	log_warn("%llu handshake reports lost: the ring buffer was full (was "
		 "mxscreend stopped, or too busy?); those sources were not "
		 "looked up or counted for bans",
		 (unsigned long long)(lost - d->lost_seen));
	d->lost_seen = lost;
	d->lost_warned_ns = now;
}

/* Bring the kernel's entries of reason file in line with the static
 * lists.  Observe mode reads and reports them, and writes nothing: to see
 * what a blocklist would refuse, write it with observe = no and put the
 * kernel in observe mode (mxscreen observe on). */
static void daemon_sync_lists(struct daemon *d)
{
	struct listsync_result res;

	if (!d->lists)
		return;
	listsync_run(d->lists, &d->km, !d->cfg.observe, &res);
	d->status.map_errors += res.map_errors;
}

void daemon_tick(struct daemon *d)
{
	uint64_t now = kmap_now_ns();
	uint64_t sweep = d->cfg.min_ttl;
	bool do_sweep;

	if (sweep < DAEMON_SWEEP_MIN_SECONDS)
		sweep = DAEMON_SWEEP_MIN_SECONDS;
	if (sweep > DAEMON_SWEEP_MAX_SECONDS)
		sweep = DAEMON_SWEEP_MAX_SECONDS;
	if (d->engine)
		dnsbl_engine_probe(d->engine);
	/* a list file written, replaced, gone or back */
	if (d->lists && listsync_poll(d->lists))
		daemon_sync_lists(d);
	do_sweep = now - d->last_expire_ns >= sweep * NS_PER_S;
	daemon_postfix_tick(d, now, do_sweep);
	daemon_policy_tick(d, now, do_sweep);
	if (do_sweep) {
		size_t gone[MXS_NR_REASONS], removed, bans, forgotten = 0;
		int err = kmap_expire_reasons(&d->km,
					      (1u << MXS_REASON_DNSBL) |
						      (1u << MXS_REASON_RATE) |
						      (1u << MXS_REASON_POSTFIX) |
						      (1u << MXS_REASON_ACCOUNT),
					      now, gone);

		removed = gone[MXS_REASON_DNSBL];
		bans = gone[MXS_REASON_RATE] + gone[MXS_REASON_POSTFIX] +
		       gone[MXS_REASON_ACCOUNT];
		/* offences outlive their bans, up to ban_memory */
		if (!err && now > d->cfg.ban_memory * NS_PER_S)
			err = kmap_offences_prune(&d->km,
						  now - d->cfg.ban_memory * NS_PER_S,
						  &forgotten);
		d->last_expire_ns = now;
		d->status.expired_removed += removed + bans;
		if (err)
			log_warn("cannot sweep expired entries: %s",
				 strerror(-err));
		else if (removed || bans || forgotten)
			log_info("removed %zu expired dnsbl entries and %zu expired "
				 "rate and postfix bans; forgot %zu old offences",
				 removed, bans, forgotten);
	}
	/* observe mode writes nothing, the state file included */
	if (d->cfg.state_file[0] && !d->cfg.observe &&
	    now - d->last_state_ns >= d->cfg.state_interval * NS_PER_S) {
		d->last_state_ns = now;
		daemon_state_save(&d->km, d->cfg.state_file,
				  d->km.pin_path);
	}
	/* the fleet's copy of this host's bans (docs/fleet.md) */
	daemon_export_tick(&d->export, &d->km, &d->cfg, now, false);
	daemon_check_lost(d, now);
	daemon_publish(d);
	/* after the heartbeat, so that the file has this second's counters;
	 * half a second of slack for the timer's jitter */
	if (d->cfg.prometheus_file[0] &&
	    now - d->last_prom_ns + NS_PER_S / 2 >=
		    d->cfg.prometheus_interval * NS_PER_S) {
		d->last_prom_ns = now;
		metrics_file_write(&d->prom, &d->km, d->cfg.prometheus_file);
	}
}

static int daemon_engine_restart(struct daemon *d)
{
	if (d->engine) {
		struct dnsbl_counters c;

		dnsbl_engine_counters(d->engine, &c);
		d->base.lookups += c.lookups;
		d->base.merged += c.merged;
		d->base.skipped_rate += c.skipped_rate;
		d->base.skipped_busy += c.skipped_busy;
		d->base.skipped_nozone += c.skipped_nozone;
		d->base.failed += c.failed;
	}
	dnsbl_engine_free(d->engine);
	d->engine = NULL;
	if (d->cfg.sites.nr_sites == 0) {
		log_warn("no dnsbl_sites configured: handshakes are counted, "
			 "nothing is looked up");
		return 0;
	}
	return dnsbl_engine_new(&d->engine, &d->cfg, d->generation, d->epoll_fd,
				daemon_on_verdict, d);
}

/* Whether a published site table is the one sites describes. */
static bool daemon_same_sites(const struct mxs_daemon_status *st,
			      const struct dnsbl_sites *sites)
{
	if (st->nr_sites != sites->nr_sites)
		return false;
	for (unsigned int i = 0; i < sites->nr_sites; i++)
		if (strncmp(st->site[i].spec, sites->site[i].spec,
			    sizeof(st->site[i].spec)) != 0)
			return false;
	return true;
}

/* The rate settings of the configuration into the kernel's config map
 * (at start and on reload: the file wins over `mxscreen rate`). */
static void daemon_apply_rates(struct daemon *d)
{
	struct mxs_config kcfg;
	int err = kmap_config_get(&d->km, &kcfg);

	if (!err) {
		kcfg.syn_rate[MXS_CLASS_MX] = d->cfg.rate_mx;
		kcfg.syn_rate[MXS_CLASS_SUBMISSION] = d->cfg.rate_submission;
		config_conn_rate(&d->cfg, &kcfg.conn_rate);
		kcfg.rate_prefix_v6 = d->cfg.rate_prefix_v6;
		err = kmap_config_set(&d->km, &kcfg);
	}
	if (err)
		log_warn("cannot write the rate limits into the config map: %s",
			 strerror(-err));
}

static void daemon_config_error(const char *message, void *ctx)
{
	log_error("%s", message);
}

int daemon_start(struct daemon *d, const struct config *cfg,
		 const char *config_path, const char *pin_path, int epoll_fd)
{
	bool fresh_maps = true;
	int err;

	memset(&d->status, 0, sizeof(d->status));
	d->cfg = *cfg;
	d->config_path = config_path;
	d->epoll_fd = epoll_fd;
	d->engine = NULL;
	d->lists = NULL;
	d->generation = 1;
	d->last_lookups = 0;
	memset(&d->base, 0, sizeof(d->base));
	d->last_expire_ns = kmap_now_ns();
	d->last_state_ns = d->last_expire_ns;
	daemon_export_init(&d->export); /* written at the first tick */
	d->last_prom_ns = 0; /* written at the first tick */
	memset(&d->prom, 0, sizeof(d->prom));
	err = kmap_open(&d->km, pin_path);
	if (err) {
		log_error("cannot open the maps under %s: %s", pin_path,
			  strerror(-err));
		return err;
	}
	{
		struct mxs_hs_stats hs;

		/* warn about reports lost from now on, not in earlier runs */
		d->lost_seen = 0;
		d->lost_warned_ns = 0;
		if (kmap_hs_stats_read(&d->km, &hs) == 0)
			d->lost_seen = hs.lost + hs.offences_lost;
	}
	/* Keep the counters of a previous run, so they only ever grow, and
	 * its cached results if it had the same site table: a restart then
	 * costs no queries.  Results from another table are dropped, since
	 * their site indexes would be misread. */
	memset(&d->base, 0, sizeof(d->base));
	memset(&d->pf_base, 0, sizeof(d->pf_base));
	memset(&d->policy_base, 0, sizeof(d->policy_base));
	d->policy = NULL;
	d->policy_warned_ns = 0;
	d->pflog = NULL;
	d->pf_warned_ns = 0;
	if (kmap_daemon_get(&d->km, &d->status) == 0) {
		fresh_maps = !d->status.started_ns && !d->status.heartbeat_ns;
		d->base.lookups = d->status.lookups;
		d->base.merged = d->status.merged;
		d->base.skipped_rate = d->status.skipped_rate;
		d->base.skipped_busy = d->status.skipped_busy;
		d->base.skipped_nozone = d->status.skipped_nozone;
		d->base.failed = d->status.failed;
		d->last_lookups = d->status.lookups;
		d->generation = d->status.generation;
		d->pf_base = (struct pflog_counters){
			.lines = d->status.pf_lines,
			.records = d->status.pf_records,
			.events = d->status.pf_events,
			.untrusted = d->status.pf_untrusted,
			.read_errors = d->status.pf_read_errors,
		};
		d->policy_base = (struct policy_server_stats){
			.requests = d->status.policy_requests,
			.protocol_errors = d->status.policy_errors,
		};
		if (!daemon_same_sites(&d->status, &d->cfg.sites)) {
			size_t removed;

			d->generation++;
			kmap_cache_flush(&d->km, &removed);
		}
	}
	/* The state file is for maps that were lost (a reboot, a purge);
	 * maps a previous run left are newer than any file, and restoring
	 * into them would bring back entries removed since. */
	if (d->cfg.state_file[0] && d->cfg.observe)
		log_info("observe mode: state file %s not restored",
			 d->cfg.state_file);
	else if (d->cfg.state_file[0] && fresh_maps)
		daemon_state_restore(&d->km, d->cfg.state_file, d->km.pin_path,
				     d->cfg.ban_memory);
	else if (d->cfg.state_file[0])
		log_info("the maps hold a previous run's verdicts: state file "
			 "%s not needed", d->cfg.state_file);
	/* after the state file: a listed prefix replaces a restored dnsbl
	 * or rate entry */
	err = listsync_new(&d->lists);
	if (!err)
		err = listsync_configure(d->lists, &d->cfg);
	if (err) {
		log_error("cannot set up the static lists: %s", strerror(-err));
		listsync_free(d->lists);
		kmap_close(&d->km);
		return err;
	}
	daemon_sync_lists(d);
	d->status.started_ns = kmap_now_ns();
	d->status.pid = (uint32_t)getpid();
	daemon_apply_rates(d);
	daemon_close_start(d);
	err = daemon_engine_restart(d);
	if (!err)
		err = daemon_postfix_start(d);
	if (!err) {
		err = daemon_policy_start(d);
		if (err)
			daemon_postfix_stop(d);
	}
	if (err) {
		daemon_close_stop(d);
		dnsbl_engine_free(d->engine);
		d->engine = NULL;
		listsync_free(d->lists);
		kmap_close(&d->km);
		return err;
	}
	/* Last, so that the screener starts with the lists, the state file's
	 * verdicts and the rate limits in place, and so that no failure
	 * above leaves an interface attached. */
	err = daemon_iface_start(&d->km, &d->cfg);
	if (err) {
		daemon_policy_stop(d);
		daemon_postfix_stop(d);
		daemon_close_stop(d);
		dnsbl_engine_free(d->engine);
		d->engine = NULL;
		listsync_free(d->lists);
		d->lists = NULL;
		kmap_close(&d->km);
		return err;
	}
	daemon_tick(d);
	return 0;
}

void daemon_reload(struct daemon *d)
{
	struct config_listen old_listen;
	struct config cfg;
	char err[512];
	bool sites_changed, observe_ended;
	size_t removed;

	if (!d->config_path) {
		log_info("SIGHUP: no configuration file; nothing to reload");
		return;
	}
	config_defaults(&cfg);
	if (config_parse_file(d->config_path, &cfg, daemon_config_error, NULL)) {
		log_error("%s: not reloaded; the running configuration is kept",
			  d->config_path);
		return;
	}
	/* state_file's default, as at start: the one of this pin path */
	if (config_apply_pin_path(&cfg, d->km.pin_path, err, sizeof(err))) {
		log_error("%s: %s; not reloaded, the running configuration is "
			  "kept", d->config_path, err);
		return;
	}
	sites_changed = !dnsbl_sites_equal(&cfg.sites, &d->cfg.sites);
	/* Verdicts cached in observe mode were never written, and a cached
	 * one keeps its sender from being looked up again: dropped, the
	 * next connection of each sender gets its verdict written. */
	observe_ended = d->cfg.observe && !cfg.observe;
	old_listen = d->cfg.policy_listen;
	daemon_iface_reload(&d->km, &d->cfg, &cfg);
	d->cfg = cfg;
	daemon_export_init(&d->export); /* a new export_file: now */
	d->last_prom_ns = 0; /* a new prometheus_file or interval: now */
	daemon_apply_rates(d);
	/* every list file read again, with the new settings */
	if (listsync_configure(d->lists, &d->cfg))
		log_warn("cannot take the new list settings: out of memory; the "
			 "lists stay as they are");
	else
		daemon_sync_lists(d);
	if (sites_changed || observe_ended) {
		d->generation++;
		kmap_cache_flush(&d->km, &removed);
	}
	daemon_postfix_reload(d);
	daemon_close_reload(d);
	daemon_policy_reload(d, &old_listen);
	if (daemon_engine_restart(d)) {
		log_error("%s: reloaded, but the DNS resolver cannot start; "
			  "no lookups until the next reload", d->config_path);
		return;
	}
	log_info("reloaded %s: %u DNSBL sites%s%s", d->config_path,
		 d->cfg.sites.nr_sites,
		 sites_changed ? " (changed: cached results dropped)" : "",
		 observe_ended && !sites_changed
			 ? " (observe mode ended: cached results dropped, "
			   "verdicts are written from now on)"
			 : "");
	daemon_tick(d);
}

void daemon_stop(struct daemon *d)
{
	daemon_policy_stop(d);
	daemon_postfix_stop(d);
	daemon_close_stop(d);
	dnsbl_engine_free(d->engine);
	d->engine = NULL;
	/* the file entries stay in the maps, as every entry does */
	listsync_free(d->lists);
	d->lists = NULL;
	if (d->cfg.state_file[0] && !d->cfg.observe &&
	    daemon_state_save(&d->km, d->cfg.state_file,
				  d->km.pin_path) == 0)
		log_info("saved the verdicts to %s", d->cfg.state_file);
	daemon_export_tick(&d->export, &d->km, &d->cfg, kmap_now_ns(), true);
	/* pid 0: the CLI reports the daemon as stopped, not as hung */
	d->status.pid = 0;
	d->status.heartbeat_ns = kmap_now_ns();
	kmap_daemon_put(&d->km, &d->status);
	/* the last word for the scraper: mxscreen_daemon_up 0 */
	if (d->cfg.prometheus_file[0])
		metrics_file_write(&d->prom, &d->km, d->cfg.prometheus_file);
	daemon_iface_stop(&d->cfg, d->km.pin_path);
	kmap_close(&d->km);
}
