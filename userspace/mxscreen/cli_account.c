// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cli_account.c - mxscreen account list|show LOGIN|release LOGIN: the
 * policy service's counts and holds per SASL login ("accounts"), read
 * with the limits the running daemon publishes in its status, and the
 * release of a hold.  A release does not unban the clients the hold
 * banned: their entries (reason account) expire, or `mxscreen unblock`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lib/account.h"
#include "lib/duration.h"
#include "lib/json.h"
#include "lib/log.h"

#define NS_PER_S 1000000000ull

struct cli_account_ctx {
	const struct account_limits *lim;
	uint64_t now;
	struct json_writer *jw; /* --json */
	size_t n;
};

static void cli_account_limits(struct kmap *km, struct account_limits *lim)
{
	struct mxs_daemon_status st;

	memset(lim, 0, sizeof(*lim));
	if (kmap_daemon_get(km, &st))
		return;
	*lim = (struct account_limits){
	    .rcpt_max = st.acct_rcpt.burst,
	    .rcpt_window_s = st.acct_rcpt.period_s,
	    .msg_max = st.acct_msg.burst,
	    .msg_window_s = st.acct_msg.period_s,
	    .client_max = st.acct_clients.burst,
	    .client_window_s = st.acct_clients.period_s,
	    .hold_s = st.acct_hold_s,
	};
}

/* "12/1000 in 1d", or "off" */
static void cli_account_count(uint32_t n, uint32_t max, uint64_t window_s,
			      char *buf, size_t len)
{
	char w[DURATION_STRLEN];

	if (!max || !window_s) {
		snprintf(buf, len, "off");
		return;
	}
	duration_format(window_s, w, sizeof(w));
	snprintf(buf, len, "%u/%u in %s", n, max, w);
}

static void cli_account_hold_text(const struct account_state *st, uint64_t now,
				  char *buf, size_t len)
{
	char left[DURATION_STRLEN];

	if (!account_held(st, now)) {
		snprintf(buf, len, "-");
		return;
	}
	duration_format((st->hold_until_ns - now + NS_PER_S - 1) / NS_PER_S,
			left, sizeof(left));
	snprintf(buf, len, "held, %s left", left);
}

static void cli_account_json(struct json_writer *jw, const char *login,
			     const struct account_state *st,
			     const struct account_limits *lim, uint64_t now,
			     bool bans)
{
	uint32_t r, m, c;
	struct addr_cidr list[ACCOUNT_BANS_MAX];
	char text[ADDR_CIDR_STRLEN];
	unsigned int n;

	account_counts(st, lim, now, &r, &m, &c);
	json_object_begin(jw);
	json_key(jw, "login");
	json_string(jw, login);
	json_key(jw, "recipients");
	json_uint(jw, r);
	json_key(jw, "recipient_limit");
	json_uint(jw, lim->rcpt_max);
	json_key(jw, "messages");
	json_uint(jw, m);
	json_key(jw, "message_limit");
	json_uint(jw, lim->msg_max);
	json_key(jw, "networks");
	json_uint(jw, c);
	json_key(jw, "network_limit");
	json_uint(jw, lim->client_max);
	json_key(jw, "held");
	json_bool(jw, account_held(st, now));
	json_key(jw, "held_for_s");
	if (account_held(st, now))
		json_uint(jw, (st->hold_until_ns - now) / NS_PER_S);
	else
		json_null(jw);
	if (bans) {
		n = account_ban_list(st, lim, now, list, ACCOUNT_BANS_MAX);
		json_key(jw, "clients");
		json_array_begin(jw);
		for (unsigned int i = 0; i < n; i++) {
			addr_format_cidr(&list[i], text, sizeof(text));
			json_string(jw, text);
		}
		json_array_end(jw);
	}
	json_object_end(jw);
}

static int cli_account_row(const char *login, const struct account_state *st,
			   void *ctx)
{
	struct cli_account_ctx *c = ctx;
	char r[48], m[48], n[48], hold[48];
	uint32_t rc, mc, nc;

	c->n++;
	if (c->jw) {
		cli_account_json(c->jw, login, st, c->lim, c->now, false);
		return 0;
	}
	account_counts(st, c->lim, c->now, &rc, &mc, &nc);
	cli_account_count(rc, c->lim->rcpt_max, c->lim->rcpt_window_s, r,
			  sizeof(r));
	cli_account_count(mc, c->lim->msg_max, c->lim->msg_window_s, m,
			  sizeof(m));
	cli_account_count(nc, c->lim->client_max, c->lim->client_window_s, n,
			  sizeof(n));
	cli_account_hold_text(st, c->now, hold, sizeof(hold));
	printf("%-32s  %-20s  %-18s  %-16s  %s\n", login, r, m, n, hold);
	return 0;
}

static int cli_account_list(struct kmap *km, const struct cli_args *a,
			    const struct account_limits *lim)
{
	struct json_writer jw;
	struct cli_account_ctx c = {lim, kmap_now_ns(), NULL, 0};
	int err;

	if (a->json) {
		json_init(&jw, stdout);
		json_array_begin(&jw);
		c.jw = &jw;
	} else {
		printf("%-32s  %-20s  %-18s  %-16s  %s\n", "login",
		       "recipients", "messages", "networks", "hold");
	}
	err = kmap_accounts_walk(km, cli_account_row, &c);
	if (a->json) {
		json_array_end(&jw);
		json_end_document(&jw);
	}
	if (err) {
		log_error("cannot read the accounts under %s: %s", a->pin_path,
			  strerror(-err));
		return CLI_EXIT_FAIL;
	}
	if (!a->json && c.n == 0)
		printf("(no login counted: the policy service is off, or no "
		       "authenticated client has sent mail in its windows)\n");
	return CLI_EXIT_OK;
}

static int cli_account_show(struct kmap *km, const struct cli_args *a,
			    const struct account_limits *lim)
{
	struct addr_cidr list[ACCOUNT_BANS_MAX];
	struct account_state st;
	char r[48], m[48], n[48], hold[48], text[ADDR_CIDR_STRLEN];
	uint64_t now = kmap_now_ns();
	uint32_t rc, mc, nc;
	unsigned int nb;
	int err = kmap_account_get(km, a->account, &st);

	if (err == -ENOENT) {
		log_error(
		    "no counts for login %s: it has not sent mail through "
		    "the policy service within its windows",
		    a->account);
		return CLI_EXIT_FAIL;
	}
	if (err) {
		log_error(
		    "cannot read login %s from the accounts map under %s: %s",
		    a->account, a->pin_path, strerror(-err));
		return CLI_EXIT_FAIL;
	}
	if (a->json) {
		struct json_writer jw;

		json_init(&jw, stdout);
		cli_account_json(&jw, a->account, &st, lim, now, true);
		json_end_document(&jw);
		return CLI_EXIT_OK;
	}
	account_counts(&st, lim, now, &rc, &mc, &nc);
	cli_account_count(rc, lim->rcpt_max, lim->rcpt_window_s, r, sizeof(r));
	cli_account_count(mc, lim->msg_max, lim->msg_window_s, m, sizeof(m));
	cli_account_count(nc, lim->client_max, lim->client_window_s, n,
			  sizeof(n));
	cli_account_hold_text(&st, now, hold, sizeof(hold));
	printf(
	    "login:      %s\nrecipients: %s\nmessages:   %s\nnetworks:   %s\n"
	    "hold:       %s\n",
	    a->account, r, m, n, hold);
	nb = account_ban_list(&st, lim, now, list, ACCOUNT_BANS_MAX);
	for (unsigned int i = 0; i < nb; i++) {
		addr_format_cidr(&list[i], text, sizeof(text));
		printf("%s %s\n", i ? "           " : "clients:   ", text);
	}
	return CLI_EXIT_OK;
}

static int cli_account_release(struct kmap *km, const struct cli_args *a)
{
	struct account_state st;
	int err = kmap_account_get(km, a->account, &st);

	if (err == -ENOENT || (!err && !account_held(&st, kmap_now_ns()))) {
		log_error("login %s is not on hold", a->account);
		return CLI_EXIT_FAIL;
	}
	if (!err) {
		account_release(&st);
		err = kmap_account_put(km, a->account, &st);
	}
	if (err) {
		log_error(
		    "cannot release login %s in the accounts map under %s: %s",
		    a->account, a->pin_path, strerror(-err));
		return CLI_EXIT_FAIL;
	}
	printf("released %s: its mail is accepted again (the bans of its "
	       "clients stay until they expire; 'mxscreen list block' shows "
	       "them, reason account)\n",
	       a->account);
	return CLI_EXIT_OK;
}

int cli_cmd_account(const struct cli_args *a)
{
	struct account_limits lim;
	struct kmap km;
	int rc = cli_open_maps(a, &km);

	if (rc)
		return rc;
	cli_account_limits(&km, &lim);
	switch (a->account_op) {
	case CLI_ACCOUNT_SHOW:
		rc = cli_account_show(&km, a, &lim);
		break;
	case CLI_ACCOUNT_RELEASE:
		rc = cli_account_release(&km, a);
		break;
	default:
		rc = cli_account_list(&km, a, &lim);
		break;
	}
	kmap_close(&km);
	return rc;
}
