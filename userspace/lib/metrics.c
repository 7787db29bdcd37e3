// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * metrics.c - the Prometheus exposition of the pinned maps, for the CLI
 * (stats --prometheus) and the daemon (prometheus_file: metrics_file.c).
 *
 * Collecting and printing are apart so that the exposition of a sample
 * can be tested without a kernel.  Series are printed whether or not they
 * are zero, so a counter exists from the first scrape on and rate() sees
 * its first increase; only the zones depend on the configuration.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "settings.h"
#include "stats.h"

#define NS_PER_S 1000000000ull

static const char *const metrics_lists[2] = { "allow", "block" };
static const char *const metrics_families[2] = { "ipv4", "ipv6" };
static const char *const metrics_kinds[2] = { "host", "prefix" };

bool metrics_daemon_up(const struct mxs_daemon_status *st, uint64_t now_ns)
{
	return st->heartbeat_ns && st->pid &&
	       now_ns - st->heartbeat_ns <= METRICS_HEARTBEAT_STALE_S * NS_PER_S;
}

/* ---- collecting ------------------------------------------------------- */

struct metrics_walk {
	struct metrics_sample *s;
	int list; /* MXS_LIST_ALLOW or MXS_LIST_BLOCK */
	uint64_t now;
};

static int metrics_count_entry(const struct addr_cidr *cidr,
			       const struct mxs_entry *e, void *ctx)
{
	struct metrics_walk *w = ctx;
	unsigned int mask = e->classes;

	/* every entry fills its map, live or not */
	w->s->fill[w->list - 1][cidr->family == MXS_FAMILY_V6]
		  [addr_is_host(cidr) ? KMAP_HOST : KMAP_NET].used++;
	if (e->expires_ns && e->expires_ns <= w->now)
		return 0;
	/* an allow entry wins in every class, whatever its mask says */
	if (w->list == MXS_LIST_ALLOW)
		mask = MXS_CLASSES_ALL;
	/* a block entry for no class refuses nothing: not counted */
	if (e->reason >= MXS_NR_REASONS || mask == 0 || mask > MXS_CLASSES_ALL)
		return 0;
	w->s->live[w->list - 1][cidr->family == MXS_FAMILY_V6][e->reason]
		  [mask - 1]++;
	return 0;
}

int metrics_collect(struct kmap *km, struct metrics_sample *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = kmap_stats_read(km, &s->xdp);
	for (int l = 0; l < 2 && !err; l++)
		for (int f = 0; f < 2 && !err; f++)
			for (int k = 0; k < 2 && !err; k++)
				err = kmap_capacity(km, l + 1, f,
						    (enum kmap_kind)k,
						    &s->fill[l][f][k].capacity);
	/* one walk of each list counts both the fill and the live entries:
	 * at a million entries a walk costs a good part of a second */
	for (int l = 0; l < 2 && !err; l++) {
		struct metrics_walk w = {
			.s = s,
			.list = l + 1,
			.now = kmap_now_ns(),
		};

		err = kmap_entries_walk(km, l + 1, metrics_count_entry, &w);
	}
	if (!err)
		err = kmap_daemon_get(km, &s->daemon);
	if (!err)
		s->daemon_up = metrics_daemon_up(&s->daemon, kmap_now_ns());
	if (!err)
		err = kmap_hs_stats_read(km, &s->hs);
	if (!err)
		err = kmap_cache_count(km, &s->cache_used, &s->cache_capacity);
	return err;
}

/* ---- printing --------------------------------------------------------- */

static void metrics_head(FILE *out, const char *name, const char *type,
			 const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void metrics_label_value(FILE *out, const char *v, size_t len)
{
	for (size_t i = 0; i < len && v[i]; i++) {
		if (v[i] == '\\' || v[i] == '"')
			fprintf(out, "\\%c", v[i]);
		else if (v[i] == '\n')
			fputs("\\n", out);
		else
			fputc(v[i], out);
	}
}

static void metrics_print_lists(FILE *out, const struct metrics_sample *s)
{
	metrics_head(out, "mxscreen_entries", "gauge",
		     "Entries in a list map, expired ones included until they "
		     "are removed.");
	for (int l = 0; l < 2; l++)
		for (int f = 0; f < 2; f++)
			for (int k = 0; k < 2; k++)
				fprintf(out,
					"mxscreen_entries{list=\"%s\",family=\"%s\","
					"kind=\"%s\"} %u\n",
					metrics_lists[l], metrics_families[f],
					metrics_kinds[k], s->fill[l][f][k].used);
	metrics_head(out, "mxscreen_entries_capacity", "gauge",
		     "Capacity of a list map, set when the maps were created.");
	for (int l = 0; l < 2; l++)
		for (int f = 0; f < 2; f++)
			for (int k = 0; k < 2; k++)
				fprintf(out,
					"mxscreen_entries_capacity{list=\"%s\","
					"family=\"%s\",kind=\"%s\"} %u\n",
					metrics_lists[l], metrics_families[f],
					metrics_kinds[k],
					s->fill[l][f][k].capacity);
	metrics_head(out, "mxscreen_live_entries", "gauge",
		     "Unexpired entries by list, address family, reason and the "
		     "port classes they apply to (allow entries: all).");
	for (int l = 0; l < 2; l++)
		for (int f = 0; f < 2; f++)
			for (unsigned int r = MXS_REASON_NONE + 1;
			     r < MXS_NR_REASONS; r++)
				for (unsigned int m = 1; m <= MXS_CLASSES_ALL; m++) {
					if (l + 1 == MXS_LIST_ALLOW &&
					    m != MXS_CLASSES_ALL)
						continue;
					fprintf(out,
						"mxscreen_live_entries{list=\"%s\","
						"family=\"%s\",reason=\"%s\","
						"class=\"%s\"} %llu\n",
						metrics_lists[l],
						metrics_families[f],
						settings_reason_name(r),
						settings_classes_name((uint8_t)m),
						(unsigned long long)
							s->live[l][f][r][m - 1]);
				}
}

/* The daemon's counters: one row per sample, rows of one metric next to
 * each other. */
struct metrics_row {
	const char *metric, *type, *help, *label, *value;
	uint64_t v;
};

static void metrics_print_rows(FILE *out, const struct metrics_row *rows,
			       size_t n)
{
	const char *last = "";

	for (size_t i = 0; i < n; i++) {
		if (strcmp(last, rows[i].metric) != 0)
			metrics_head(out, rows[i].metric, rows[i].type,
				     rows[i].help);
		last = rows[i].metric;
		if (rows[i].label)
			fprintf(out, "%s{%s=\"%s\"} %llu\n", rows[i].metric,
				rows[i].label, rows[i].value,
				(unsigned long long)rows[i].v);
		else
			fprintf(out, "%s %llu\n", rows[i].metric,
				(unsigned long long)rows[i].v);
	}
}

static void metrics_print_daemon(FILE *out, const struct metrics_sample *s)
{
	const struct mxs_daemon_status *st = &s->daemon;
	const struct mxs_hs_stats *hs = &s->hs;
	static const char verdicts[] =
		"DNSBL results: block and allow entries written, clean results "
		"cached, lookups no zone answered.";
	static const char skipped[] =
		"Sources not looked up: over max_lookups_per_second (rate), "
		"max_lookups_in_flight (busy), or no usable zone.";
	static const char handshakes[] =
		"Completed handshakes the kernel saw, by what became of them.";
	const struct metrics_row rows[] = {
		{ "mxscreen_daemon_up", "gauge",
		  "1 while mxscreend runs (its heartbeat is fresh).", NULL, NULL,
		  s->daemon_up },
		{ "mxscreen_daemon_events_total", "counter",
		  "Handshake events mxscreend read.", NULL, NULL, st->events },
		{ "mxscreen_dnsbl_lookups_total", "counter",
		  "Sources looked up in the DNSBLs (all zones at once).", NULL,
		  NULL, st->lookups },
		{ "mxscreen_dnsbl_merged_total", "counter",
		  "Events for a source whose lookup was already in flight.",
		  NULL, NULL, st->merged },
		{ "mxscreen_dnsbl_in_flight", "gauge", "Lookups in flight.", NULL,
		  NULL, st->in_flight },
		{ "mxscreen_dnsbl_verdicts_total", "counter", verdicts, "verdict",
		  "block", st->blocked },
		{ "mxscreen_dnsbl_verdicts_total", "counter", verdicts, "verdict",
		  "allow", st->allowed },
		{ "mxscreen_dnsbl_verdicts_total", "counter", verdicts, "verdict",
		  "clean", st->clean },
		{ "mxscreen_dnsbl_verdicts_total", "counter", verdicts, "verdict",
		  "failed", st->failed },
		{ "mxscreen_dnsbl_skipped_total", "counter", skipped, "reason",
		  "rate", st->skipped_rate },
		{ "mxscreen_dnsbl_skipped_total", "counter", skipped, "reason",
		  "busy", st->skipped_busy },
		{ "mxscreen_dnsbl_skipped_total", "counter", skipped, "reason",
		  "no_zone", st->skipped_nozone },
		{ "mxscreen_dnsbl_cache_entries", "gauge",
		  "Cached DNSBL results.", NULL, NULL, s->cache_used },
		{ "mxscreen_dnsbl_cache_capacity", "gauge",
		  "Capacity of the DNSBL result cache.", NULL, NULL,
		  s->cache_capacity },
		{ "mxscreen_rate_bans_total", "counter",
		  "Rate bans mxscreend wrote.", NULL, NULL, st->rate_bans },
		{ "mxscreen_postfix_lines_total", "counter",
		  "Lines (journal entries) mxscreend read from Postfix's log.",
		  NULL, NULL, st->pf_lines },
		{ "mxscreen_postfix_records_total", "counter",
		  "Records of Postfix's programs among them.", NULL, NULL,
		  st->pf_records },
		{ "mxscreen_postfix_events_total", "counter",
		  "Postfix records that are events (a failed test, a failed "
		  "password, ...).", NULL, NULL, st->pf_events },
		{ "mxscreen_postfix_bans_total", "counter",
		  "Bans mxscreend wrote for Postfix's events.", NULL, NULL,
		  st->pf_bans },
		{ "mxscreen_postfix_untrusted_total", "counter",
		  "Journal entries with a Postfix tag from another program: "
		  "ignored.", NULL, NULL, st->pf_untrusted },
		{ "mxscreen_policy_requests_total", "counter",
		  "Policy requests the policy service answered.", NULL, NULL,
		  st->policy_requests },
		{ "mxscreen_policy_deferred_total", "counter",
		  "Policy answers that deferred (account limits, holds).",
		  NULL, NULL, st->policy_deferred },
		{ "mxscreen_policy_holds_total", "counter",
		  "Logins put on hold for use from too many networks.", NULL,
		  NULL, st->policy_holds },
		{ "mxscreen_policy_bans_total", "counter",
		  "Bans of the clients of held logins.", NULL, NULL,
		  st->policy_bans },
		{ "mxscreen_policy_errors_total", "counter",
		  "Policy connections closed for a bad request.", NULL, NULL,
		  st->policy_errors },
		{ "mxscreen_connections_closed_total", "counter",
		  "Open connections of banned sources that mxscreend ended.",
		  NULL, NULL, st->conns_closed },
		{ "mxscreen_connections_close_failed_total", "counter",
		  "Connections of banned sources the kernel refused to end.",
		  NULL, NULL, st->close_failed },
		{ "mxscreen_daemon_expired_removed_total", "counter",
		  "Expired dnsbl entries and rate bans mxscreend removed.", NULL,
		  NULL, st->expired_removed },
		{ "mxscreen_daemon_map_errors_total", "counter",
		  "Writes into the maps the kernel refused (full maps, ...).",
		  NULL, NULL, st->map_errors },
		{ "mxscreen_handshakes_total", "counter", handshakes, "outcome",
		  "queued", hs->queued },
		{ "mxscreen_handshakes_total", "counter", handshakes, "outcome",
		  "cached", hs->cached },
		{ "mxscreen_handshakes_total", "counter", handshakes, "outcome",
		  "lost", hs->lost },
		{ "mxscreen_handshakes_total", "counter", handshakes, "outcome",
		  "not_screened", hs->not_screened },
		{ "mxscreen_handshakes_total", "counter", handshakes, "outcome",
		  "other_netns", hs->other_netns },
		{ "mxscreen_handshakes_total", "counter", handshakes, "outcome",
		  "offence", hs->offences },
		{ "mxscreen_handshakes_total", "counter", handshakes, "outcome",
		  "offence_lost", hs->offences_lost },
	};

	metrics_print_rows(out, rows, sizeof(rows) / sizeof(rows[0]));
}

static void metrics_print_zones(FILE *out, const struct metrics_sample *s)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
		{ "mxscreen_dnsbl_zone_queries_total", "counter",
		  "Queries sent to a DNSBL zone." },
		{ "mxscreen_dnsbl_zone_listed_total", "counter",
		  "Answers of a DNSBL zone that matched its filter." },
		{ "mxscreen_dnsbl_zone_failures_total", "counter",
		  "Timeouts, SERVFAILs, refusals and bad answers of a zone." },
		{ "mxscreen_dnsbl_zone_usable", "gauge",
		  "1 while a zone is used: its probes passed or it was not "
		  "probed yet." },
	};
	const struct mxs_daemon_status *st = &s->daemon;
	uint32_t n = st->nr_sites < MXS_DNSBL_MAX_SITES ? st->nr_sites
							 : MXS_DNSBL_MAX_SITES;

	for (size_t m = 0; m < sizeof(fam) / sizeof(fam[0]); m++) {
		metrics_head(out, fam[m].name, fam[m].type, fam[m].help);
		for (uint32_t i = 0; i < n; i++) {
			const struct mxs_site_status *z = &st->site[i];
			size_t speclen = strnlen(z->spec, sizeof(z->spec));
			const uint64_t v[] = {
				z->queries, z->listed, z->failures,
				z->state == MXS_SITE_OK ||
					z->state == MXS_SITE_NO_TESTPOINT,
			};

			/* the zone: the spec up to "=filter" or "*weight" */
			fprintf(out, "%s{zone=\"", fam[m].name);
			metrics_label_value(out, z->spec,
					    strcspn(z->spec, "=*") < speclen
						    ? strcspn(z->spec, "=*")
						    : speclen);
			fprintf(out, "\",site=\"%u\"} %llu\n", i,
				(unsigned long long)v[m]);
		}
	}
}

void metrics_print(FILE *out, const struct metrics_sample *s)
{
	stats_print_prometheus(out, &s->xdp);
	metrics_print_lists(out, s);
	metrics_print_daemon(out, s);
	metrics_print_zones(out, s);
}

int metrics_write(struct kmap *km, FILE *out)
{
	struct metrics_sample *s = malloc(sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	err = metrics_collect(km, s);
	if (!err)
		metrics_print(out, s);
	free(s);
	return err;
}
