// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * account.c - the per-login limits of the policy service (account.h):
 * recipients and messages in eighths of sliding windows, client networks
 * with their last-seen times, the hold.
 *
 * Every function first brings a copy (or, in account_request(), the state
 * itself) up to the limits and the time at hand: windows re-bucketed if
 * their length changed, limits that are off emptied, client networks out
 * of their window freed, a hold that has ended lifted.  The rest then
 * reads a state in which everything stored is current.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "account.h"

#define NSEC_PER_SEC 1000000000ull

/* Seconds to ns, saturating (a window of centuries is still a window). */
static uint64_t account_ns(uint64_t s)
{
	return s > UINT64_MAX / NSEC_PER_SEC ? UINT64_MAX : s * NSEC_PER_SEC;
}

/* The time to work with: never before the last request (time cannot go
 * back; a caller's earlier now is taken as that request's), and never 0,
 * which marks empty slots. */
static uint64_t account_now(const struct account_state *st, uint64_t now_ns)
{
	if (now_ns < st->last_ns)
		now_ns = st->last_ns;
	return now_ns ? now_ns : 1;
}

/* Length of an eighth of window_ns (at least 1 ns). */
static uint64_t account_eighth_len(uint64_t window_ns)
{
	uint64_t len = window_ns / ACCOUNT_BUCKETS;

	return len ? len : 1;
}

/* 1 + the eighth of window_ns that now_ns falls in (0 marks empty). */
static uint64_t account_epoch(uint64_t now_ns, uint64_t window_ns)
{
	return now_ns / account_eighth_len(window_ns) + 1;
}

/* Whether a bucket of epoch is still inside the window whose current
 * eighth is e. */
static bool account_epoch_live(uint64_t epoch, uint64_t e)
{
	return epoch && epoch <= e && e - epoch < ACCOUNT_BUCKETS;
}

/* The limits in force: a limit needs both its max and its window. */
struct account_eff {
	uint32_t rcpt_max, msg_max, client_max;
	uint64_t rcpt_ns, msg_ns, client_ns, hold_ns;
};

static void account_eff_from(const struct account_limits *lim,
			     struct account_eff *eff)
{
	eff->rcpt_ns = lim->rcpt_max ? account_ns(lim->rcpt_window_s) : 0;
	eff->rcpt_max = eff->rcpt_ns ? lim->rcpt_max : 0;
	eff->msg_ns = lim->msg_max ? account_ns(lim->msg_window_s) : 0;
	eff->msg_max = eff->msg_ns ? lim->msg_max : 0;
	eff->client_ns = lim->client_max ? account_ns(lim->client_window_s) : 0;
	eff->client_max = eff->client_ns ? lim->client_max : 0;
	if (eff->client_max > ACCOUNT_CLIENT_LIMIT_MAX)
		eff->client_max = ACCOUNT_CLIENT_LIMIT_MAX;
	eff->hold_ns = account_ns(lim->hold_s);
}

/*
 * Bring w to window_ns: a limit that is off (window_ns 0) forgets its
 * counts; a changed window puts each bucket the old window still held at
 * the last request (last_ns: the reload came after it, but when is not
 * known, so the old window is taken to have been in force until then)
 * into the new eighth in which the bucket began.  So the result does not
 * depend on when it is first read after the reload.  Old buckets are
 * at least as far apart as new eighths when the window shrinks, and span
 * at most eight new eighths when it grows, so two buckets meet in one
 * slot only when they are the same eighth (summed) or when one lies a
 * whole window behind the other (the older is dropped).
 */
static void account_window_fit(struct account_window *w, uint64_t window_ns,
			       uint64_t last_ns)
{
	struct account_window old = *w;
	uint64_t old_len, len, old_e;

	if (w->window_ns == window_ns)
		return;
	memset(w->epoch, 0, sizeof(w->epoch));
	memset(w->count, 0, sizeof(w->count));
	w->window_ns = window_ns;
	if (!window_ns || !old.window_ns)
		return;
	old_len = account_eighth_len(old.window_ns);
	len = account_eighth_len(window_ns);
	old_e = account_epoch(last_ns, old.window_ns);
	for (unsigned int b = 0; b < ACCOUNT_BUCKETS; b++) {
		uint64_t e, start;
		unsigned int s;

		if (!old.count[b] || !account_epoch_live(old.epoch[b], old_e))
			continue;
		start = (old.epoch[b] - 1) * old_len;
		e = start / len + 1;
		s = (unsigned int)(e % ACCOUNT_BUCKETS);
		if (w->epoch[s] == e) {
			uint64_t sum = (uint64_t)w->count[s] + old.count[b];

			w->count[s] =
			    sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
		} else if (w->epoch[s] < e) {
			w->epoch[s] = e;
			w->count[s] = old.count[b];
		}
	}
}

/* The count of w in its window at now (saturating). */
static uint32_t account_window_count(const struct account_window *w,
				     uint64_t now)
{
	uint64_t e, sum = 0;

	if (!w->window_ns)
		return 0;
	e = account_epoch(now, w->window_ns);
	for (unsigned int b = 0; b < ACCOUNT_BUCKETS; b++)
		if (account_epoch_live(w->epoch[b], e))
			sum += w->count[b];
	return sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
}

/* Count one event in w at now (w fitted to its window). */
static void account_window_add(struct account_window *w, uint64_t now)
{
	uint64_t e = account_epoch(now, w->window_ns);
	unsigned int b = (unsigned int)(e % ACCOUNT_BUCKETS);

	if (w->epoch[b] != e) {
		w->epoch[b] = e;
		w->count[b] = 0;
	}
	if (w->count[b] < UINT32_MAX)
		w->count[b]++;
}

/* Whether a crossing of w's limit at now is to be reported (the first in
 * a window length), marking it reported. */
static bool account_window_report(struct account_state *st,
				  struct account_window *w, uint32_t flag,
				  uint64_t now)
{
	if ((st->flags & flag) && now - w->logged_ns < w->window_ns)
		return false;
	st->flags |= flag;
	w->logged_ns = now;
	return true;
}

static void account_unhold(struct account_state *st)
{
	st->flags &= ~ACCOUNT_F_HELD;
	st->held_ns = 0;
	st->hold_until_ns = 0;
	memset(st->clients, 0, sizeof(st->clients));
}

/* Bring st up to eff at now (see the top of the file); st->last_ns is
 * still the time of the previous request. */
static void account_fit(struct account_state *st, const struct account_eff *eff,
			uint64_t now)
{
	if ((st->flags & ACCOUNT_F_HELD) && now >= st->hold_until_ns)
		account_unhold(st);
	account_window_fit(&st->rcpt, eff->rcpt_ns, st->last_ns);
	if (!eff->rcpt_ns)
		st->flags &= ~ACCOUNT_F_RCPT_LOGGED;
	account_window_fit(&st->msg, eff->msg_ns, st->last_ns);
	if (!eff->msg_ns)
		st->flags &= ~ACCOUNT_F_MSG_LOGGED;
	/* while held the networks stay: they are what was banned */
	if (st->flags & ACCOUNT_F_HELD)
		return;
	for (unsigned int i = 0; i < ACCOUNT_CLIENTS; i++) {
		struct account_client *c = &st->clients[i];

		/* a limit that is off has a window of 0: all is out of it */
		if (c->last_ns && now - c->last_ns >= eff->client_ns)
			memset(c, 0, sizeof(*c));
	}
}

/* A fitted copy of st, for the functions that only read. */
static void account_fitted(const struct account_state *st,
			   const struct account_limits *lim, uint64_t now_ns,
			   struct account_state *copy, struct account_eff *eff,
			   uint64_t *now)
{
	*copy = *st;
	*now = account_now(st, now_ns);
	account_eff_from(lim, eff);
	account_fit(copy, eff, *now);
}

static unsigned int account_nr_clients(const struct account_state *st)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ACCOUNT_CLIENTS; i++)
		n += st->clients[i].last_ns != 0;
	return n;
}

static bool account_client_match(const struct account_client *c,
				 const struct addr_cidr *a)
{
	if (!c->last_ns || c->family != a->family)
		return false;
	if (a->family == MXS_FAMILY_V4)
		return memcmp(c->host4[0], a->addr, ACCOUNT_PREFIX_V4 / 8) == 0;
	return memcmp(c->net6, a->addr, ACCOUNT_PREFIX_V6 / 8) == 0;
}

/* Put an IPv4 address first in c's list, dropping the oldest if full. */
static void account_client_host(struct account_client *c, const uint8_t *a)
{
	unsigned int i, n = c->nr_hosts;

	for (i = 0; i < n; i++)
		if (memcmp(c->host4[i], a, 4) == 0)
			break;
	if (i == n && n < ACCOUNT_V4_HOSTS)
		c->nr_hosts = (uint8_t)++n;
	if (i == ACCOUNT_V4_HOSTS)
		i = ACCOUNT_V4_HOSTS - 1;
	memmove(c->host4[1], c->host4[0], 4 * (size_t)i);
	memcpy(c->host4[0], a, 4);
}

/* Remember that the login was used from a at now. */
static void account_client_seen(struct account_state *st,
				const struct addr_cidr *a, uint64_t now)
{
	struct account_client *c = NULL;
	unsigned int i;

	for (i = 0; i < ACCOUNT_CLIENTS && !c; i++)
		if (account_client_match(&st->clients[i], a))
			c = &st->clients[i];
	/* new: a free slot; there always is one while the limit is at most
	 * ACCOUNT_CLIENT_LIMIT_MAX, else the one seen longest ago */
	for (i = 0; i < ACCOUNT_CLIENTS && !c; i++)
		if (!st->clients[i].last_ns)
			c = &st->clients[i];
	if (!c) {
		c = &st->clients[0];
		for (i = 1; i < ACCOUNT_CLIENTS; i++)
			if (st->clients[i].last_ns < c->last_ns)
				c = &st->clients[i];
		memset(c, 0, sizeof(*c));
	}
	if (!c->last_ns) {
		c->family = a->family;
		if (a->family == MXS_FAMILY_V6)
			memcpy(c->net6, a->addr, ACCOUNT_PREFIX_V6 / 8);
	}
	if (a->family == MXS_FAMILY_V4)
		account_client_host(c, a->addr);
	c->last_ns = now;
}

/* Append a ban target to out[] if there is room. */
static void account_ban_add(struct addr_cidr *out, unsigned int *n,
			    unsigned int max, uint8_t family, uint8_t prefixlen,
			    const uint8_t *addr, size_t len)
{
	if (*n >= max)
		return;
	memset(&out[*n], 0, sizeof(out[*n]));
	out[*n].family = family;
	out[*n].prefixlen = prefixlen;
	memcpy(out[*n].addr, addr, len);
	(*n)++;
}

static unsigned int account_bans(const struct account_state *st,
				 struct addr_cidr *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ACCOUNT_CLIENTS; i++) {
		const struct account_client *c = &st->clients[i];

		if (!c->last_ns)
			continue;
		if (c->family == MXS_FAMILY_V6)
			account_ban_add(out, &n, max, MXS_FAMILY_V6,
					ACCOUNT_PREFIX_V6, c->net6,
					ACCOUNT_PREFIX_V6 / 8);
		if (c->family != MXS_FAMILY_V4)
			continue;
		for (unsigned int h = 0;
		     h < c->nr_hosts && h < ACCOUNT_V4_HOSTS; h++)
			account_ban_add(out, &n, max, MXS_FAMILY_V4, 32,
					c->host4[h], 4);
	}
	return n;
}

/* The recipient or message limit that refuses this request, if any. */
static enum account_verdict account_limited(struct account_state *st,
					    const struct account_eff *eff,
					    enum account_stage stage,
					    uint64_t now,
					    struct account_outcome *out)
{
	uint32_t msgs = account_window_count(&st->msg, now);
	uint32_t rcpts = account_window_count(&st->rcpt, now);

	/* also at RCPT: a message that cannot be accepted at its end is
	 * better stopped before the client sends it */
	if (eff->msg_max && msgs >= eff->msg_max) {
		out->count = msgs;
		out->limit = eff->msg_max;
		out->first_over = account_window_report(
		    st, &st->msg, ACCOUNT_F_MSG_LOGGED, now);
		return ACCOUNT_DEFER_MSG;
	}
	if (stage == ACCOUNT_STAGE_RCPT && eff->rcpt_max &&
	    rcpts >= eff->rcpt_max) {
		out->count = rcpts;
		out->limit = eff->rcpt_max;
		out->first_over = account_window_report(
		    st, &st->rcpt, ACCOUNT_F_RCPT_LOGGED, now);
		return ACCOUNT_DEFER_RCPT;
	}
	return ACCOUNT_OK;
}

int account_request(struct account_state *st, const struct account_limits *lim,
		    enum account_stage stage, const struct addr_cidr *client,
		    uint64_t now_ns, struct account_outcome *out)
{
	struct account_eff eff;
	unsigned int nr;
	uint64_t now;

	if (out) {
		out->verdict = ACCOUNT_OK;
		out->first_over = false;
		out->newly_held = false;
		out->count = 0;
		out->limit = 0;
		out->hold_until_ns = 0;
		out->nr_bans = 0;
	}
	if (!st || !lim || !out ||
	    (stage != ACCOUNT_STAGE_RCPT &&
	     stage != ACCOUNT_STAGE_END_OF_MESSAGE))
		return -EINVAL;

	now = account_now(st, now_ns);
	account_eff_from(lim, &eff);
	account_fit(st, &eff, now);
	st->last_ns = now;

	if (!(st->flags & ACCOUNT_F_HELD) && eff.client_max && client &&
	    (client->family == MXS_FAMILY_V4 ||
	     client->family == MXS_FAMILY_V6)) {
		account_client_seen(st, client, now);
		nr = account_nr_clients(st);
		/* checked at every request, so that a limit lowered at a
		 * reload holds at the next one */
		if (nr > eff.client_max) {
			st->flags |= ACCOUNT_F_HELD;
			st->held_ns = now;
			st->hold_until_ns = now + eff.hold_ns < now
						? UINT64_MAX
						: now + eff.hold_ns;
			out->first_over = true;
			out->newly_held = true;
			out->count = nr;
			out->limit = eff.client_max;
			out->nr_bans =
			    account_bans(st, out->bans, ACCOUNT_BANS_MAX);
		}
	}
	if (st->flags & ACCOUNT_F_HELD) {
		out->verdict = ACCOUNT_HELD;
		out->hold_until_ns = st->hold_until_ns;
		return 0;
	}

	out->verdict = account_limited(st, &eff, stage, now, out);
	if (out->verdict != ACCOUNT_OK)
		return 0;
	if (stage == ACCOUNT_STAGE_RCPT && eff.rcpt_max)
		account_window_add(&st->rcpt, now);
	if (stage == ACCOUNT_STAGE_END_OF_MESSAGE && eff.msg_max)
		account_window_add(&st->msg, now);
	return 0;
}

bool account_held(const struct account_state *st, uint64_t now_ns)
{
	return (st->flags & ACCOUNT_F_HELD) &&
	       account_now(st, now_ns) < st->hold_until_ns;
}

void account_release(struct account_state *st)
{
	account_unhold(st);
}

void account_hold_restored(struct account_state *st, uint64_t now_ns,
			   uint64_t until_ns)
{
	if (until_ns <= now_ns || account_held(st, now_ns))
		return;
	st->flags |= ACCOUNT_F_HELD;
	st->held_ns = now_ns;
	st->hold_until_ns = until_ns;
	if (st->last_ns < now_ns)
		st->last_ns = now_ns;
}

void account_counts(const struct account_state *st,
		    const struct account_limits *lim, uint64_t now_ns,
		    uint32_t *rcpts, uint32_t *msgs, uint32_t *clients)
{
	struct account_state copy;
	struct account_eff eff;
	uint64_t now;

	account_fitted(st, lim, now_ns, &copy, &eff, &now);
	if (rcpts)
		*rcpts = account_window_count(&copy.rcpt, now);
	if (msgs)
		*msgs = account_window_count(&copy.msg, now);
	if (clients)
		*clients = account_nr_clients(&copy);
}

unsigned int account_ban_list(const struct account_state *st,
			      const struct account_limits *lim, uint64_t now_ns,
			      struct addr_cidr *out, unsigned int max)
{
	struct account_state copy;
	struct account_eff eff;
	uint64_t now;

	account_fitted(st, lim, now_ns, &copy, &eff, &now);
	return account_bans(&copy, out, max);
}

bool account_idle(const struct account_state *st,
		  const struct account_limits *lim, uint64_t now_ns)
{
	struct account_state copy;
	struct account_eff eff;
	uint64_t now;

	account_fitted(st, lim, now_ns, &copy, &eff, &now);
	if (copy.flags & ACCOUNT_F_HELD)
		return false;
	if (account_window_count(&copy.rcpt, now) ||
	    account_window_count(&copy.msg, now) || account_nr_clients(&copy))
		return false;
	/* a crossing reported within the window would be reported again
	 * by a fresh entry */
	if ((copy.flags & ACCOUNT_F_RCPT_LOGGED) &&
	    now - copy.rcpt.logged_ns < copy.rcpt.window_ns)
		return false;
	if ((copy.flags & ACCOUNT_F_MSG_LOGGED) &&
	    now - copy.msg.logged_ns < copy.msg.window_ns)
		return false;
	return true;
}
