// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon_policy.c - the policy service's decisions (daemon_policy.h):
 * each request's login state is read from "accounts", counted by
 * account.c, written back, and turned into an answer, log lines and, for
 * a login newly held, bans.  Every failure answers DUNNO: the service
 * never refuses mail because it is broken.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "daemon_ban.h"
#include "daemon_policy.h"
#include "policy_server.h"
#include "lib/account.h"
#include "lib/duration.h"
#include "lib/log.h"

#define NS_PER_S 1000000000ull
/* At most one warning a minute about the map. */
#define POLICY_WARN_NS (60 * NS_PER_S)

static void daemon_policy_limits(const struct config *cfg,
				 struct account_limits *lim)
{
	*lim = (struct account_limits){
	    .rcpt_max = cfg->account_rcpt.burst,
	    .rcpt_window_s = cfg->account_rcpt.period_s,
	    .msg_max = cfg->account_msg.burst,
	    .msg_window_s = cfg->account_msg.period_s,
	    .client_max = cfg->account_clients.burst,
	    .client_window_s = cfg->account_clients.period_s,
	    .hold_s = cfg->account_hold_time,
	};
}

/* A login as the log shows it: printable ASCII, no spaces, bounded (it
 * is the client's text, and the log is read by parsers). */
static void daemon_policy_login_text(const char *login, char *buf, size_t len)
{
	size_t i;

	for (i = 0; login[i] && i + 1 < len; i++)
		buf[i] = login[i] > ' ' && login[i] < 0x7f ? login[i] : '?';
	buf[i] = '\0';
}

static void daemon_policy_warn(struct daemon *d, const char *what, int err)
{
	uint64_t now = kmap_now_ns();

	d->status.map_errors++;
	if (now - d->policy_warned_ns < POLICY_WARN_NS)
		return;
	d->policy_warned_ns = now;
	log_warn("policy service: cannot %s the accounts map: %s%s; answering "
		 "DUNNO",
		 what, strerror(-err),
		 err == -ENOSPC ? " (full: too many logins)" : "");
}

/* "1000/1d" */
static void daemon_policy_rate_text(uint32_t n, uint64_t window_s, char *buf,
				    size_t len)
{
	char w[DURATION_STRLEN];

	duration_format(window_s, w, sizeof(w));
	snprintf(buf, len, "%u/%s", n, w);
}

static void daemon_policy_held(struct daemon *d, const char *who,
			       const struct account_limits *lim,
			       const struct account_outcome *out,
			       const char *client)
{
	char hold[DURATION_STRLEN], window[DURATION_STRLEN], detail[320];

	duration_format(lim->hold_s, hold, sizeof(hold));
	duration_format(lim->client_window_s, window, sizeof(window));
	log_info("ACCOUNT %s held for %s: used from %u networks in %s (limit "
		 "%u), the last [%s]; its clients are banned for submission%s",
		 who, hold, out->count, window, out->limit, client,
		 d->cfg.observe ? " (observe: not enforced)" : "");
	if (!d->cfg.observe)
		d->status.policy_holds++;
	snprintf(detail, sizeof(detail), "login=%s", who);
	for (unsigned int i = 0; i < out->nr_bans; i++)
		if (daemon_ban(d, &out->bans[i], MXS_CLASS_SUBMISSION,
			       MXS_REASON_ACCOUNT, "ACCOUNT", detail) > 0 &&
		    !d->cfg.observe)
			d->status.policy_bans++;
}

static void daemon_policy_answer(const struct policy_request *req, char *action,
				 size_t len, void *ctx)
{
	struct daemon *d = ctx;
	struct account_outcome out;
	struct account_limits lim;
	struct account_state st;
	struct addr_cidr client, *cp = NULL;
	enum account_stage stage;
	char who[72], from[ADDR_CIDR_STRLEN], limit[48], why[64];
	const char *what;
	uint64_t now;
	int err;

	/* the server has put DUNNO into action */
	if (!req->sasl_username || !req->sasl_username[0] || !req->request ||
	    strcmp(req->request, "smtpd_access_policy") != 0 ||
	    !req->protocol_state)
		return;
	if (strcmp(req->protocol_state, "RCPT") == 0)
		stage = ACCOUNT_STAGE_RCPT;
	else if (strcmp(req->protocol_state, "END-OF-MESSAGE") == 0)
		stage = ACCOUNT_STAGE_END_OF_MESSAGE;
	else
		return;
	if (strlen(req->sasl_username) >= MXS_ACCOUNT_NAME_LEN)
		return;
	snprintf(from, sizeof(from), "unknown");
	if (req->client_address && addr_parse_ip(req->client_address, &client,
						 why, sizeof(why)) == 0) {
		cp = &client;
		addr_format_cidr(&client, from, sizeof(from));
	}
	now = kmap_now_ns();
	err = kmap_account_get(&d->km, req->sasl_username, &st);
	if (err == -ENOENT) {
		memset(&st, 0, sizeof(st));
	} else if (err) {
		daemon_policy_warn(d, "read", err);
		return;
	}
	daemon_policy_limits(&d->cfg, &lim);
	if (account_request(&st, &lim, stage, cp, now, &out))
		return;
	err = kmap_account_put(&d->km, req->sasl_username, &st);
	if (err)
		daemon_policy_warn(d, "write", err);
	if (out.verdict == ACCOUNT_OK)
		return;
	daemon_policy_login_text(req->sasl_username, who, sizeof(who));
	switch (out.verdict) {
	case ACCOUNT_DEFER_RCPT:
		what = "recipients";
		daemon_policy_rate_text(lim.rcpt_max, lim.rcpt_window_s, limit,
					sizeof(limit));
		break;
	case ACCOUNT_DEFER_MSG:
		what = "messages";
		daemon_policy_rate_text(lim.msg_max, lim.msg_window_s, limit,
					sizeof(limit));
		break;
	default:
		what = NULL;
		break;
	}
	if (out.newly_held)
		daemon_policy_held(d, who, &lim, &out, from);
	else if (out.first_over && what)
		log_info("ACCOUNT %s over %s %s from [%s]%s", who, what, limit,
			 from,
			 d->cfg.observe ? " (observe: not enforced)" : "");
	if (d->cfg.observe)
		return;
	d->status.policy_deferred++;
	if (what)
		snprintf(action, len,
			 "DEFER_IF_PERMIT 4.7.1 Too many %s from this account "
			 "(%s); try again later",
			 what, limit);
	else
		snprintf(
		    action, len,
		    "DEFER_IF_PERMIT 4.7.1 This account is on hold: it was "
		    "used from too many networks; contact your postmaster");
}

int daemon_policy_start(struct daemon *d)
{
	char err[300];
	int rc;

	if (d->cfg.policy_listen.kind == CONFIG_LISTEN_OFF)
		return 0;
	rc = policy_server_open(&d->cfg.policy_listen, d->epoll_fd,
				POLICY_EPOLL_TAG, daemon_policy_answer, d,
				&d->policy, err, sizeof(err));
	if (rc) {
		log_error("policy_listen: %s", err);
		return rc;
	}
	config_listen_format(&d->cfg.policy_listen, err, sizeof(err));
	log_info("policy service: listening on %s", err);
	return 0;
}

void daemon_policy_stop(struct daemon *d)
{
	struct policy_server_stats st;

	if (!d->policy)
		return;
	policy_server_stats(d->policy, &st);
	d->policy_base.requests += st.requests;
	d->policy_base.protocol_errors += st.protocol_errors;
	policy_server_close(d->policy);
	d->policy = NULL;
}

static bool daemon_policy_listen_equal(const struct config_listen *a,
				       const struct config_listen *b)
{
	return a->kind == b->kind && a->port == b->port &&
	       memcmp(&a->host, &b->host, sizeof(a->host)) == 0 &&
	       strcmp(a->path, b->path) == 0;
}

void daemon_policy_reload(struct daemon *d, const struct config_listen *old)
{
	struct policy_server *keep = d->policy;
	char err[300];

	if (daemon_policy_listen_equal(old, &d->cfg.policy_listen))
		return;
	if (d->cfg.policy_listen.kind == CONFIG_LISTEN_OFF) {
		daemon_policy_stop(d);
		log_info("policy service: stopped (policy_listen is empty)");
		return;
	}
	/* the old socket goes first: the new one may want its address */
	d->policy = NULL;
	if (keep) {
		d->policy = keep;
		daemon_policy_stop(d);
	}
	if (policy_server_open(&d->cfg.policy_listen, d->epoll_fd,
			       POLICY_EPOLL_TAG, daemon_policy_answer, d,
			       &d->policy, err, sizeof(err)))
		log_error(
		    "policy_listen: %s; the policy service is off until "
		    "the next reload (Postfix applies its default_action)",
		    err);
	else {
		config_listen_format(&d->cfg.policy_listen, err, sizeof(err));
		log_info("policy service: listening on %s", err);
	}
}

void daemon_policy_process(struct daemon *d, uint32_t id, uint32_t events)
{
	if (d->policy)
		policy_server_event(d->policy, id, events);
}

static bool daemon_policy_idle(const struct account_state *st, void *ctx)
{
	const struct daemon *d = ctx;
	struct account_limits lim;

	daemon_policy_limits(&d->cfg, &lim);
	return account_idle(st, &lim, kmap_now_ns());
}

void daemon_policy_tick(struct daemon *d, uint64_t now_ns, bool sweep)
{
	struct policy_server_stats st = {0};
	size_t removed;

	(void)now_ns;
	if (d->policy)
		policy_server_stats(d->policy, &st);
	d->status.policy_requests = d->policy_base.requests + st.requests;
	d->status.policy_errors =
	    d->policy_base.protocol_errors + st.protocol_errors;
	d->status.acct_rcpt = d->cfg.account_rcpt;
	d->status.acct_msg = d->cfg.account_msg;
	d->status.acct_clients = d->cfg.account_clients;
	d->status.acct_hold_s = d->cfg.account_hold_time;
	if (sweep && d->policy &&
	    kmap_accounts_prune(&d->km, daemon_policy_idle, d, &removed) == 0 &&
	    removed)
		log_debug("policy service: forgot %zu idle logins", removed);
}
