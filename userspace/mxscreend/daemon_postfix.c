// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon_postfix.c - Postfix's events into bans (daemon_postfix.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "daemon_ban.h"
#include "daemon_postfix.h"
#include "pflog.h"
#include "lib/log.h"
#include "lib/pfscore.h"

#define NS_PER_S 1000000000ull
#define DAEMON_POSTFIX_WARN_SECONDS 60

_Static_assert(PFLOG_NR_EVENTS <= MXS_PF_KINDS,
	       "postfix_scores counts every event kind");

unsigned int daemon_postfix_class(const struct config *cfg,
				  const struct pflog_record *rec)
{
	/* "postfix/submission": the service is what follows the first '/' */
	const char *svc = strchr(rec->syslog_name, '/');

	if (!svc)
		return MXS_CLASS_MX;
	svc++;
	for (unsigned int i = 0; i < cfg->nr_submission_services; i++)
		if (strcmp(svc, cfg->submission_services[i]) == 0)
			return MXS_CLASS_SUBMISSION;
	return MXS_CLASS_MX;
}

/* "sasl_failure*5,pregreet*1": the events that made a score. */
static void daemon_postfix_format(const uint32_t counts[MXS_PF_KINDS],
				  const uint32_t *weights, char *buf,
				  size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int k = PFLOG_NONE + 1; k < PFLOG_NR_EVENTS && used + 1 < len;
	     k++) {
		if (!counts[k] || !weights[k])
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s*%u",
					 used ? "," : "",
					 pflog_event_name((enum pflog_event)k),
					 counts[k]);
	}
}

static void daemon_postfix_map_error(struct daemon *d, int err)
{
	uint64_t now = kmap_now_ns();

	d->status.map_errors++;
	if (d->pf_warned_ns &&
	    now - d->pf_warned_ns < DAEMON_POSTFIX_WARN_SECONDS * NS_PER_S)
		return;
	d->pf_warned_ns = now;
	log_warn("cannot count a Postfix event in %s: %s%s; events are lost, "
		 "nobody is blocked for them", MXS_MAP_POSTFIX_SCORES,
		 strerror(-err),
		 err == -ENOSPC ? " (the map is full: too many sources with "
				  "events; lower postfix_window)"
				: "");
}

static void daemon_postfix_on_record(const struct pflog_record *rec, void *ctx)
{
	struct daemon *d = ctx;
	const struct config *cfg = &d->cfg;
	uint64_t now = kmap_now_ns(), window = cfg->postfix_window * NS_PER_S;
	unsigned int class_;
	uint32_t counts[MXS_PF_KINDS], weights[MXS_PF_KINDS] = { 0 }, total;
	struct mxs_pf_score score;
	struct addr_cidr key;
	char events[256], detail[320];
	int err, rc;

	if (rec->event == PFLOG_NONE || !cfg->postfix_weight[rec->event])
		return;
	if (!daemon_ban_allowed(d, &rec->client, now))
		return;
	class_ = daemon_postfix_class(cfg, rec);
	daemon_ban_prefix(d, &rec->client, &key);
	err = kmap_pfscore_get(&d->km, &key, class_, &score);
	if (err == -ENOENT)
		memset(&score, 0, sizeof(score));
	else if (err) {
		daemon_postfix_map_error(d, err);
		return;
	}
	pfscore_add(&score, (unsigned int)rec->event, now, window);
	pfscore_counts(&score, now, window, counts);
	memcpy(weights, cfg->postfix_weight,
	       sizeof(cfg->postfix_weight[0]) * PFLOG_NR_EVENTS);
	total = pfscore_total(counts, weights);
	if (total < cfg->postfix_threshold) {
		err = kmap_pfscore_put(&d->km, &key, class_, &score);
		if (err)
			daemon_postfix_map_error(d, err);
		return;
	}
	/* a ban starts the count afresh, whatever came of it */
	kmap_pfscore_delete(&d->km, &key, class_);
	daemon_postfix_format(counts, weights, events, sizeof(events));
	snprintf(detail, sizeof(detail), "events=%s score=%u/%u", events,
		 total, cfg->postfix_threshold);
	rc = daemon_ban(d, &rec->client, class_, MXS_REASON_POSTFIX, "POSTFIX",
			detail);
	if (rc > 0 && !cfg->observe)
		d->status.pf_bans++;
}

int daemon_postfix_start(struct daemon *d)
{
	d->pflog = NULL;
	if (!config_postfix_on(&d->cfg))
		return 0;
	return pflog_new(&d->pflog, &d->cfg, d->epoll_fd,
			 daemon_postfix_on_record, d);
}

/* The reader's counters into the published status, over every reader
 * this daemon had. */
static void daemon_postfix_publish(struct daemon *d)
{
	struct pflog_counters c = { 0 };

	if (d->pflog)
		pflog_counters(d->pflog, &c);
	d->status.pf_lines = d->pf_base.lines + c.lines;
	d->status.pf_records = d->pf_base.records + c.records;
	d->status.pf_events = d->pf_base.events + c.events;
	d->status.pf_untrusted = d->pf_base.untrusted + c.untrusted;
	d->status.pf_read_errors = d->pf_base.read_errors + c.read_errors;
}

/* Retire the reader, keeping its counts in the base. */
static void daemon_postfix_retire(struct daemon *d)
{
	struct pflog_counters c;

	if (!d->pflog)
		return;
	pflog_counters(d->pflog, &c);
	d->pf_base.lines += c.lines;
	d->pf_base.records += c.records;
	d->pf_base.events += c.events;
	d->pf_base.untrusted += c.untrusted;
	d->pf_base.read_errors += c.read_errors;
	pflog_free(d->pflog);
	d->pflog = NULL;
}

void daemon_postfix_reload(struct daemon *d)
{
	struct pflog *fresh = NULL;

	if (d->pflog && pflog_same_sources(d->pflog, &d->cfg))
		return;
	if (config_postfix_on(&d->cfg) &&
	    pflog_new(&fresh, &d->cfg, d->epoll_fd, daemon_postfix_on_record,
		      d)) {
		log_warn("the Postfix log reader keeps its old sources");
		return;
	}
	daemon_postfix_retire(d);
	d->pflog = fresh;
	daemon_postfix_publish(d);
}

void daemon_postfix_stop(struct daemon *d)
{
	if (d->pflog)
		pflog_tick(d->pflog); /* what is there now still counts */
	daemon_postfix_retire(d);
}

void daemon_postfix_tick(struct daemon *d, uint64_t now_ns, bool sweep)
{
	size_t gone;

	if (d->pflog)
		pflog_tick(d->pflog);
	daemon_postfix_publish(d);
	if (sweep && now_ns > d->cfg.postfix_window * NS_PER_S &&
	    kmap_pfscores_prune(&d->km, now_ns - d->cfg.postfix_window * NS_PER_S,
				&gone) == 0 &&
	    gone)
		log_debug("forgot the Postfix events of %zu sources", gone);
}

void daemon_postfix_process(struct daemon *d, uint32_t index)
{
	if (d->pflog)
		pflog_process(d->pflog, index);
}
