// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cli_daemon.c - what the CLI shows of mxscreend: its heartbeat, zones,
 * counters (status) and the cached DNSBL result of an address (check).
 * Everything comes from pinned maps the daemon writes; the CLI never talks
 * to the daemon itself, so it works the same when the daemon is gone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lib/duration.h"
#include "lib/json.h"
#include "lib/metrics.h"
#include "lib/sockclose.h"

#define NS_PER_S 1000000000ull
/* A heartbeat older than this means the daemon is not running (the
 * metrics' mxscreen_daemon_up says the same). */
#define CLI_HEARTBEAT_STALE_S METRICS_HEARTBEAT_STALE_S

enum cli_daemon_state {
	CLI_DAEMON_NEVER,   /* no heartbeat ever written */
	CLI_DAEMON_RUNNING,
	CLI_DAEMON_STOPPED, /* stopped cleanly */
	CLI_DAEMON_GONE,    /* heartbeat stale: killed or hung */
};

static enum cli_daemon_state cli_daemon_state(const struct mxs_daemon_status *st,
					      uint64_t now)
{
	if (!st->heartbeat_ns)
		return CLI_DAEMON_NEVER;
	if (!st->pid)
		return CLI_DAEMON_STOPPED;
	if (now - st->heartbeat_ns > CLI_HEARTBEAT_STALE_S * NS_PER_S)
		return CLI_DAEMON_GONE;
	return CLI_DAEMON_RUNNING;
}

/* What a ban does to the source's open connections, for status. */
static const char *cli_daemon_close_name(uint32_t mechanism)
{
	switch (mechanism) {
	case MXS_CLOSE_BPF_ITER:
		return "a ban ends them (bpf_sock_destroy)";
	case MXS_CLOSE_SOCK_DIAG:
		return "a ban ends them (sock_diag)";
	case MXS_CLOSE_UNAVAILABLE:
		return "cannot be ended here (see the daemon's log)";
	}
	return "left open (close_connections = no, or observe mode)";
}

static const char *cli_daemon_state_name(enum cli_daemon_state s)
{
	switch (s) {
	case CLI_DAEMON_NEVER:
		return "never started";
	case CLI_DAEMON_RUNNING:
		return "running";
	case CLI_DAEMON_STOPPED:
		return "stopped";
	case CLI_DAEMON_GONE:
		return "not running (no heartbeat: killed?)";
	}
	return "?";
}

static const char *cli_site_state_name(uint32_t state)
{
	switch (state) {
	case MXS_SITE_OK:
		return "ok";
	case MXS_SITE_UNTESTED:
		return "not yet probed (unused)";
	case MXS_SITE_NO_TESTPOINT:
		return "does not list 127.0.0.2 (used)";
	case MXS_SITE_LISTS_WORLD:
		return "lists 127.0.0.1: disabled";
	case MXS_SITE_REFUSED:
		return "refuses queries: disabled";
	case MXS_SITE_BAD_ANSWER:
		return "answers outside 127/8: disabled";
	}
	return "?";
}

static const char *cli_verdict_name(uint8_t verdict)
{
	switch (verdict) {
	case MXS_DNSBL_CLEAN:
		return "clean";
	case MXS_DNSBL_BLOCK:
		return "block";
	case MXS_DNSBL_ALLOW:
		return "allow";
	case MXS_DNSBL_FAILED:
		return "failed";
	}
	return "?";
}

/* "zen.test*3: 127.0.0.4" for a hit, using the published site table. */
static void cli_format_hit(const struct mxs_daemon_status *st,
			   const struct mxs_dnsbl_result *res,
			   const struct mxs_dnsbl_hit *hit, char *buf,
			   size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &hit->answer, a, sizeof(a));
	if (res->generation == st->generation && hit->site < st->nr_sites &&
	    hit->site < MXS_DNSBL_MAX_SITES)
		snprintf(buf, len, "%.*s: %s", MXS_SITE_SPEC_LEN,
			 st->site[hit->site].spec, a);
	else
		snprintf(buf, len, "site #%u (since reconfigured): %s",
			 hit->site, a);
}

void cli_daemon_status_text(struct kmap *km)
{
	struct mxs_daemon_status st;
	struct mxs_hs_stats hs = { 0 };
	uint64_t now = kmap_now_ns();
	enum cli_daemon_state state;
	uint32_t used = 0, cap = 0;
	char up[DURATION_STRLEN], ago[DURATION_STRLEN];

	if (kmap_daemon_get(km, &st))
		memset(&st, 0, sizeof(st));
	state = cli_daemon_state(&st, now);
	kmap_hs_stats_read(km, &hs);
	kmap_cache_count(km, &used, &cap);
	if (state == CLI_DAEMON_NEVER) {
		printf("daemon:     never started (mxscreend)\n");
		return;
	}
	duration_format((now - st.started_ns) / NS_PER_S, up, sizeof(up));
	duration_format((now - st.heartbeat_ns) / NS_PER_S, ago, sizeof(ago));
	if (state == CLI_DAEMON_RUNNING)
		printf("daemon:     running, pid %u, up %s, heartbeat %s ago%s\n",
		       st.pid, up, ago, st.observe ? ", observe mode" : "");
	else
		printf("daemon:     %s, last heartbeat %s ago\n",
		       cli_daemon_state_name(state), ago);
	printf("            lookups %llu (%u/s now), in flight %u, merged %llu, "
	       "failed %llu\n",
	       (unsigned long long)st.lookups, st.lookups_per_sec, st.in_flight,
	       (unsigned long long)st.merged, (unsigned long long)st.failed);
	printf("            not looked up: %llu over the rate, %llu too many in "
	       "flight, %llu no usable zone\n",
	       (unsigned long long)st.skipped_rate,
	       (unsigned long long)st.skipped_busy,
	       (unsigned long long)st.skipped_nozone);
	printf("            verdicts: block %llu, allow %llu, clean %llu, rate bans %llu; "
	       "expired entries removed %llu; map errors %llu\n",
	       (unsigned long long)st.blocked, (unsigned long long)st.allowed,
	       (unsigned long long)st.clean, (unsigned long long)st.rate_bans,
	       (unsigned long long)st.expired_removed,
	       (unsigned long long)st.map_errors);
	printf("            cache %u of %u entries; handshakes %llu: queued %llu, "
	       "cached %llu, lost %llu (queue full), not screened %llu, "
	       "rate offences %llu (%llu lost)\n",
	       used, cap, (unsigned long long)hs.handshakes,
	       (unsigned long long)hs.queued, (unsigned long long)hs.cached,
	       (unsigned long long)hs.lost,
	       (unsigned long long)hs.not_screened,
	       (unsigned long long)hs.offences,
	       (unsigned long long)hs.offences_lost);
	printf("            postfix log: %llu lines, %llu Postfix records, "
	       "%llu events, %llu bans; %llu untrusted journal entries, %llu "
	       "read errors\n",
	       (unsigned long long)st.pf_lines, (unsigned long long)st.pf_records,
	       (unsigned long long)st.pf_events, (unsigned long long)st.pf_bans,
	       (unsigned long long)st.pf_untrusted,
	       (unsigned long long)st.pf_read_errors);
	printf("            policy service: %llu requests, %llu deferred, %llu "
	       "logins held, %llu clients banned, %llu bad requests\n",
	       (unsigned long long)st.policy_requests,
	       (unsigned long long)st.policy_deferred,
	       (unsigned long long)st.policy_holds,
	       (unsigned long long)st.policy_bans,
	       (unsigned long long)st.policy_errors);
	printf("            open connections of banned sources: %s; %llu "
	       "ended in %llu walks, %llu refused\n",
	       cli_daemon_close_name(st.close_mechanism),
	       (unsigned long long)st.conns_closed,
	       (unsigned long long)st.close_walks,
	       (unsigned long long)st.close_failed);
	if (!st.nr_sites)
		printf("zones:      none configured (dnsbl_sites)\n");
	for (uint32_t i = 0; i < st.nr_sites && i < MXS_DNSBL_MAX_SITES; i++) {
		const struct mxs_site_status *s = &st.site[i];

		printf("%s %-32.*s %-34s queries %llu, listed %llu, failures %llu\n",
		       i ? "           " : "zones:     ", MXS_SITE_SPEC_LEN,
		       s->spec, cli_site_state_name(s->state),
		       (unsigned long long)s->queries,
		       (unsigned long long)s->listed,
		       (unsigned long long)s->failures);
	}
}

void cli_daemon_status_json(struct kmap *km, struct json_writer *jw)
{
	struct mxs_daemon_status st;
	struct mxs_hs_stats hs = { 0 };
	uint64_t now = kmap_now_ns();
	uint32_t used = 0, cap = 0;

	if (kmap_daemon_get(km, &st))
		memset(&st, 0, sizeof(st));
	kmap_hs_stats_read(km, &hs);
	kmap_cache_count(km, &used, &cap);
	json_key(jw, "daemon");
	json_object_begin(jw);
	json_key(jw, "state");
	json_string(jw, cli_daemon_state_name(cli_daemon_state(&st, now)));
	json_key(jw, "running");
	json_bool(jw, cli_daemon_state(&st, now) == CLI_DAEMON_RUNNING);
	json_key(jw, "pid");
	json_uint(jw, st.pid);
	json_key(jw, "heartbeat_age_s");
	if (st.heartbeat_ns)
		json_uint(jw, (now - st.heartbeat_ns) / NS_PER_S);
	else
		json_null(jw);
	json_key(jw, "observe");
	json_bool(jw, st.observe);
	json_key(jw, "close_mechanism");
	json_string(jw, sockclose_mechanism_name(st.close_mechanism));
	{
		const struct {
			const char *name;
			uint64_t v;
		} f[] = {
			{ "events", st.events },
			{ "lookups", st.lookups },
			{ "lookups_per_sec", st.lookups_per_sec },
			{ "in_flight", st.in_flight },
			{ "merged", st.merged },
			{ "skipped_rate", st.skipped_rate },
			{ "skipped_busy", st.skipped_busy },
			{ "skipped_nozone", st.skipped_nozone },
			{ "failed", st.failed },
			{ "blocked", st.blocked },
			{ "allowed", st.allowed },
			{ "clean", st.clean },
			{ "expired_removed", st.expired_removed },
			{ "map_errors", st.map_errors },
			{ "rate_bans", st.rate_bans },
			{ "postfix_lines", st.pf_lines },
			{ "postfix_records", st.pf_records },
			{ "postfix_events", st.pf_events },
			{ "postfix_bans", st.pf_bans },
			{ "postfix_untrusted", st.pf_untrusted },
			{ "postfix_read_errors", st.pf_read_errors },
			{ "policy_requests", st.policy_requests },
			{ "policy_deferred", st.policy_deferred },
			{ "policy_holds", st.policy_holds },
			{ "policy_bans", st.policy_bans },
			{ "policy_errors", st.policy_errors },
			{ "connections_closed", st.conns_closed },
			{ "close_walks", st.close_walks },
			{ "close_failed", st.close_failed },
			{ "cache_entries", used },
			{ "cache_capacity", cap },
			{ "handshakes", hs.handshakes },
			{ "handshakes_queued", hs.queued },
			{ "handshakes_cached", hs.cached },
			{ "handshakes_lost", hs.lost },
			{ "handshakes_not_screened", hs.not_screened },
			{ "handshakes_other_netns", hs.other_netns },
			{ "handshakes_offences", hs.offences },
			{ "handshakes_offences_lost", hs.offences_lost },
		};

		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			json_key(jw, f[i].name);
			json_uint(jw, f[i].v);
		}
	}
	json_key(jw, "zones");
	json_array_begin(jw);
	for (uint32_t i = 0; i < st.nr_sites && i < MXS_DNSBL_MAX_SITES; i++) {
		const struct mxs_site_status *s = &st.site[i];
		char spec[MXS_SITE_SPEC_LEN + 1];

		snprintf(spec, sizeof(spec), "%.*s", MXS_SITE_SPEC_LEN, s->spec);
		json_object_begin(jw);
		json_key(jw, "site");
		json_string(jw, spec);
		json_key(jw, "weight");
		json_int(jw, s->weight);
		json_key(jw, "state");
		json_string(jw, cli_site_state_name(s->state));
		json_key(jw, "usable");
		json_bool(jw, s->state == MXS_SITE_OK ||
				      s->state == MXS_SITE_NO_TESTPOINT);
		json_key(jw, "queries");
		json_uint(jw, s->queries);
		json_key(jw, "listed");
		json_uint(jw, s->listed);
		json_key(jw, "failures");
		json_uint(jw, s->failures);
		json_object_end(jw);
	}
	json_array_end(jw);
	json_object_end(jw);
}

/* The cached DNSBL result of a host; -ENOENT when there is none. */
static int cli_dnsbl_lookup(struct kmap *km, const struct addr_cidr *ip,
			    struct mxs_dnsbl_result *res,
			    struct mxs_daemon_status *st)
{
	struct mxs_source src = { .family = ip->family };

	memcpy(src.addr, ip->addr, sizeof(src.addr));
	if (kmap_daemon_get(km, st))
		memset(st, 0, sizeof(*st));
	return kmap_cache_get(km, &src, res);
}

void cli_daemon_check_text(struct kmap *km, const struct addr_cidr *ip)
{
	struct mxs_dnsbl_result res;
	struct mxs_daemon_status st;
	uint64_t now = kmap_now_ns();
	char left[DURATION_STRLEN], hit[MXS_SITE_SPEC_LEN + 32];

	if (cli_dnsbl_lookup(km, ip, &res, &st)) {
		printf("  %-26s no cached result (not looked up yet)\n", "dnsbl:");
		return;
	}
	if (res.expires_ns > now)
		duration_format((res.expires_ns - now + NS_PER_S - 1) / NS_PER_S,
				left, sizeof(left));
	printf("  %-26s %s, score %d, %s%s\n", "dnsbl:",
	       cli_verdict_name(res.verdict), res.score,
	       res.expires_ns > now ? "fresh for " : "stale",
	       res.expires_ns > now ? left : "");
	for (unsigned int i = 0; i < res.nr_hits && i < MXS_DNSBL_MAX_HITS; i++) {
		cli_format_hit(&st, &res, &res.hits[i], hit, sizeof(hit));
		printf("  %-26s %s\n", "", hit);
	}
}

void cli_daemon_check_json(struct kmap *km, struct json_writer *jw,
			   const struct addr_cidr *ip)
{
	struct mxs_dnsbl_result res;
	struct mxs_daemon_status st;
	uint64_t now = kmap_now_ns();
	char hit[MXS_SITE_SPEC_LEN + 32];

	json_key(jw, "dnsbl");
	if (cli_dnsbl_lookup(km, ip, &res, &st)) {
		json_null(jw);
		return;
	}
	json_object_begin(jw);
	json_key(jw, "verdict");
	json_string(jw, cli_verdict_name(res.verdict));
	json_key(jw, "score");
	json_int(jw, res.score);
	json_key(jw, "fresh_for");
	json_uint(jw, res.expires_ns > now ? (res.expires_ns - now) / NS_PER_S : 0);
	json_key(jw, "hits");
	json_array_begin(jw);
	for (unsigned int i = 0; i < res.nr_hits && i < MXS_DNSBL_MAX_HITS; i++) {
		cli_format_hit(&st, &res, &res.hits[i], hit, sizeof(hit));
		json_string(jw, hit);
	}
	json_array_end(jw);
	json_object_end(jw);
}
