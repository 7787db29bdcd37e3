// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_account.c - the per-login limits (account.c): recipients and
 * messages deferred over their limits and reported once per window,
 * refused requests not counted, windows sliding eighth by eighth and
 * re-bucketed when their length changes, the hold on a login used from
 * too many networks (what is banned, expiry, release), limits changed
 * between calls, time going backwards, idle entries.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/account.h"
#include "check.h"

#define S 1000000000ull
#define HOUR 3600ull
#define DAY 86400ull
/* A boot time that every eighth used here divides, so that the edges of
 * eighths fall on round numbers of seconds after it. */
#define T0 (100 * DAY)
#define AT(s) ((T0 + (s)) * S)

/* ---- addresses --------------------------------------------------------- */

static struct addr_cidr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr_cidr r = {.family = MXS_FAMILY_V4, .prefixlen = 32};

	r.addr[0] = a;
	r.addr[1] = b;
	r.addr[2] = c;
	r.addr[3] = d;
	return r;
}

/* 2001:db8:0:NET::HOST, as a host or as the prefix len long */
static struct addr_cidr v6(uint16_t net, uint16_t host, uint8_t len)
{
	struct addr_cidr r = {.family = MXS_FAMILY_V6, .prefixlen = len};

	r.addr[0] = 0x20;
	r.addr[1] = 0x01;
	r.addr[2] = 0x0d;
	r.addr[3] = 0xb8;
	r.addr[6] = (uint8_t)(net >> 8);
	r.addr[7] = (uint8_t)net;
	r.addr[14] = (uint8_t)(host >> 8);
	r.addr[15] = (uint8_t)host;
	return r;
}

/* Plain text for messages: dotted quad, or eight hex groups. */
static const char *fmt(const struct addr_cidr *a, char *buf, size_t len)
{
	const uint8_t *b = a->addr;

	if (a->family == MXS_FAMILY_V4)
		snprintf(buf, len, "%u.%u.%u.%u/%u", b[0], b[1], b[2], b[3],
			 a->prefixlen);
	else
		snprintf(buf, len, "%x:%x:%x:%x:%x:%x:%x:%x/%u",
			 b[0] << 8 | b[1], b[2] << 8 | b[3], b[4] << 8 | b[5],
			 b[6] << 8 | b[7], b[8] << 8 | b[9], b[10] << 8 | b[11],
			 b[12] << 8 | b[13], b[14] << 8 | b[15], a->prefixlen);
	return buf;
}

static bool same(const struct addr_cidr *a, const struct addr_cidr *b)
{
	return a->family == b->family && a->prefixlen == b->prefixlen &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* got[] holds exactly want[], in this order. */
static void check_list(const char *name, const struct addr_cidr *got,
		       unsigned int nr_got, const struct addr_cidr *want,
		       unsigned int nr_want)
{
	char g[64], w[64];

	CHECK_UINT(name, "ban targets", nr_got, nr_want);
	for (unsigned int i = 0; i < nr_got && i < nr_want; i++)
		CHECK(same(&got[i], &want[i]),
		      "case %s: ban target %u: got %s, want %s", name, i,
		      fmt(&got[i], g, sizeof(g)), fmt(&want[i], w, sizeof(w)));
}

/* got[] holds want[] in any order. */
static void check_set(const char *name, const struct addr_cidr *got,
		      unsigned int nr_got, const struct addr_cidr *want,
		      unsigned int nr_want)
{
	char w[64];

	CHECK_UINT(name, "ban targets", nr_got, nr_want);
	for (unsigned int i = 0; i < nr_want; i++) {
		bool found = false;

		for (unsigned int j = 0; j < nr_got && !found; j++)
			found = same(&got[j], &want[i]);
		CHECK(found, "case %s: ban targets: got no %s, want it", name,
		      fmt(&want[i], w, sizeof(w)));
	}
}

/* ---- requests in sequence ---------------------------------------------- */

/* The clients a step can name. */
static const struct addr_cidr *client_addr(int i)
{
	static struct addr_cidr tab[4];

	tab[0] = v4(192, 0, 2, 1);
	tab[1] = v4(192, 0, 2, 200); /* same /24 as 0 */
	tab[2] = v6(1, 1, 128);
	tab[3] = v6(1, 2, 128); /* same /64 as 2 */
	return i < 0 ? NULL : &tab[i];
}

enum step_kind {
	END = 0,
	RCPT,	 /* n recipients */
	EOM,	 /* n messages */
	READ,	 /* counts only */
	RELEASE, /* account_release() */
};

struct step {
	uint64_t at; /* seconds after T0 */
	enum step_kind kind;
	const struct account_limits *lim; /* from this step on; NULL: same */
	int client;			  /* client_addr(); -1: none */
	unsigned int n;			  /* requests */
	unsigned int ok;		  /* of them answered ACCOUNT_OK */
	enum account_verdict refused;	  /* the verdict of the others */
	unsigned int logged;		  /* of them with first_over */
	unsigned int held;		  /* of them with newly_held */
	uint32_t rcpts, msgs, clients;	  /* account_counts() after */
};

struct seq_case {
	const char *name;
	struct account_limits lim;
	struct step steps[16];
};

static const struct account_limits rcpt5 = {.rcpt_max = 5,
					    .rcpt_window_s = 800};
static const struct account_limits rcpt20 = {.rcpt_max = 20,
					     .rcpt_window_s = 800};
static const struct account_limits rcpt_1600 = {.rcpt_max = 100,
						.rcpt_window_s = 1600};
static const struct account_limits rcpt_400 = {.rcpt_max = 100,
					       .rcpt_window_s = 400};
static const struct account_limits rcpt_day = {.rcpt_max = 100,
					       .rcpt_window_s = DAY};
static const struct account_limits all_off = {0};
static const struct account_limits msg2 = {.msg_max = 2, .msg_window_s = 800};

/* clang-format off */
static const struct seq_case seq_cases[] = {
	{ "recipients up to the limit, logged once per window",
	  { .rcpt_max = 10, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 10, .ok = 10, .rcpts = 10 },
	    { .at = 50, .kind = RCPT, .n = 3, .refused = ACCOUNT_DEFER_RCPT,
	      .logged = 1, .rcpts = 10 },
	    /* the recipients were accepted: their message is not refused */
	    { .at = 60, .kind = EOM, .n = 1, .ok = 1, .rcpts = 10 },
	    /* 7/8 of the window later the eighth is still in */
	    { .at = 700, .kind = RCPT, .n = 1, .refused = ACCOUNT_DEFER_RCPT,
	      .rcpts = 10 },
	    { .at = 799, .kind = READ, .rcpts = 10 },
	    { .at = 800, .kind = READ, .rcpts = 0 },
	    { .at = 800, .kind = RCPT, .n = 10, .ok = 10, .rcpts = 10 },
	    /* within a window of the last report: quiet */
	    { .at = 820, .kind = RCPT, .n = 1, .refused = ACCOUNT_DEFER_RCPT,
	      .rcpts = 10 },
	    { .at = 850, .kind = RCPT, .n = 2, .refused = ACCOUNT_DEFER_RCPT,
	      .logged = 1, .rcpts = 10 },
	    { .at = 900, .kind = RCPT, .n = 1, .refused = ACCOUNT_DEFER_RCPT,
	      .rcpts = 10 } } },
	{ "messages up to the limit, logged once per window",
	  { .rcpt_max = 100, .rcpt_window_s = 800, .msg_max = 3,
	    .msg_window_s = 800 },
	  { { .at = 0, .kind = EOM, .n = 3, .ok = 3, .msgs = 3 },
	    { .at = 10, .kind = EOM, .n = 2, .refused = ACCOUNT_DEFER_MSG,
	      .logged = 1, .msgs = 3 },
	    /* at RCPT too, and the recipient is not counted */
	    { .at = 10, .kind = RCPT, .n = 2, .refused = ACCOUNT_DEFER_MSG,
	      .msgs = 3 },
	    { .at = 800, .kind = RCPT, .n = 2, .ok = 2, .rcpts = 2 },
	    { .at = 800, .kind = EOM, .n = 1, .ok = 1, .rcpts = 2, .msgs = 1 },
	    { .at = 810, .kind = EOM, .n = 5, .ok = 2,
	      .refused = ACCOUNT_DEFER_MSG, .logged = 1, .rcpts = 2,
	      .msgs = 3 } } },
	{ "counts age out eighth by eighth",
	  { .rcpt_max = 100, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 1 },
	    { .at = 150, .kind = RCPT, .n = 2, .ok = 2, .rcpts = 3 },
	    { .at = 250, .kind = RCPT, .n = 3, .ok = 3, .rcpts = 6 },
	    { .at = 799, .kind = READ, .rcpts = 6 },
	    { .at = 800, .kind = READ, .rcpts = 5 },
	    { .at = 899, .kind = READ, .rcpts = 5 },
	    { .at = 900, .kind = READ, .rcpts = 3 },
	    { .at = 999, .kind = READ, .rcpts = 3 },
	    { .at = 1000, .kind = READ, .rcpts = 0 } } },
	{ "deferred recipients are not counted",
	  { .rcpt_max = 3, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 5, .ok = 3,
	      .refused = ACCOUNT_DEFER_RCPT, .logged = 1, .rcpts = 3 },
	    { .at = 100, .kind = READ, .rcpts = 3 },
	    { .at = 800, .kind = RCPT, .n = 4, .ok = 3,
	      .refused = ACCOUNT_DEFER_RCPT, .logged = 1, .rcpts = 3 } } },
	{ "limits of 0 are off",
	  { .rcpt_max = 0, .rcpt_window_s = 800, .msg_max = 0,
	    .msg_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 2000, .ok = 2000 },
	    { .at = 0, .kind = EOM, .n = 500, .ok = 500 } } },
	{ "limits without a window are off",
	  { .rcpt_max = 1, .msg_max = 1, .client_max = 1 },
	  { { .at = 0, .kind = RCPT, .n = 20, .ok = 20 },
	    { .at = 0, .kind = EOM, .n = 20, .ok = 20 } } },
	{ "limit lowered, then raised",
	  { .rcpt_max = 10, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 10, .ok = 10, .rcpts = 10 },
	    { .at = 10, .kind = RCPT, .lim = &rcpt5, .n = 1,
	      .refused = ACCOUNT_DEFER_RCPT, .logged = 1, .rcpts = 10 },
	    { .at = 20, .kind = RCPT, .lim = &rcpt20, .n = 12, .ok = 10,
	      .refused = ACCOUNT_DEFER_RCPT, .rcpts = 20 } } },
	{ "limit turned off forgets, on again starts from zero",
	  { .rcpt_max = 10, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 11, .ok = 10,
	      .refused = ACCOUNT_DEFER_RCPT, .logged = 1, .rcpts = 10 },
	    { .at = 10, .kind = RCPT, .lim = &all_off, .n = 5, .ok = 5 },
	    { .at = 20, .kind = RCPT, .lim = &rcpt5, .n = 6, .ok = 5,
	      .refused = ACCOUNT_DEFER_RCPT, .logged = 1, .rcpts = 5 } } },
	{ "message limit turned off forgets, on again starts from zero",
	  { .msg_max = 2, .msg_window_s = 800 },
	  { { .at = 0, .kind = EOM, .n = 3, .ok = 2,
	      .refused = ACCOUNT_DEFER_MSG, .logged = 1, .msgs = 2 },
	    { .at = 10, .kind = EOM, .lim = &all_off, .n = 5, .ok = 5 },
	    { .at = 20, .kind = EOM, .lim = &msg2, .n = 3, .ok = 2,
	      .refused = ACCOUNT_DEFER_MSG, .logged = 1, .msgs = 2 } } },
	/* eighths of 100 s begun at 0, 100, 200 become eighths of 200 s
	 * begun at 0, 0, 200: 3 recipients leave at 1600, 3 at 1800 */
	{ "window grows",
	  { .rcpt_max = 100, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 1 },
	    { .at = 150, .kind = RCPT, .n = 2, .ok = 2, .rcpts = 3 },
	    { .at = 250, .kind = RCPT, .n = 3, .ok = 3, .rcpts = 6 },
	    /* read long after the reload: the same as at once */
	    { .at = 1599, .kind = READ, .lim = &rcpt_1600, .rcpts = 6 },
	    { .at = 300, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 7 },
	    { .at = 1599, .kind = READ, .rcpts = 7 },
	    { .at = 1600, .kind = READ, .rcpts = 4 },
	    { .at = 1799, .kind = READ, .rcpts = 4 },
	    { .at = 1800, .kind = READ, .rcpts = 0 } } },
	/* the old window is taken to have ended at the last request */
	{ "window grows, first request long after",
	  { .rcpt_max = 100, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 1 },
	    { .at = 250, .kind = RCPT, .n = 3, .ok = 3, .rcpts = 4 },
	    { .at = 1600, .kind = RCPT, .lim = &rcpt_1600, .n = 1, .ok = 1,
	      .rcpts = 4 } } },
	/* eighths of 100 s begun at 0, 100, 200 become eighths of 50 s */
	{ "window shrinks",
	  { .rcpt_max = 100, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 1 },
	    { .at = 150, .kind = RCPT, .n = 2, .ok = 2, .rcpts = 3 },
	    { .at = 250, .kind = RCPT, .n = 3, .ok = 3, .rcpts = 6 },
	    { .at = 300, .kind = READ, .lim = &rcpt_400, .rcpts = 6 },
	    { .at = 399, .kind = READ, .rcpts = 6 },
	    { .at = 400, .kind = READ, .rcpts = 5 },
	    { .at = 500, .kind = READ, .rcpts = 3 },
	    { .at = 599, .kind = READ, .rcpts = 3 },
	    { .at = 600, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 1 } } },
	/* eighths begun at 300 and 700 become eighths of 50 s that share a
	 * slot: the later one stays */
	{ "window shrinks, two eighths meet in a slot",
	  { .rcpt_max = 100, .rcpt_window_s = 800 },
	  { { .at = 300, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 1 },
	    { .at = 700, .kind = RCPT, .n = 2, .ok = 2, .rcpts = 3 },
	    { .at = 700, .kind = READ, .lim = &rcpt_400, .rcpts = 2 },
	    { .at = 799, .kind = READ, .rcpts = 2 },
	    { .at = 1100, .kind = READ, .rcpts = 0 } } },
	{ "window shrinks below the age of the counts",
	  { .rcpt_max = 100, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 4, .ok = 4, .rcpts = 4 },
	    { .at = 500, .kind = RCPT, .lim = &rcpt_400, .n = 1, .ok = 1,
	      .rcpts = 1 } } },
	{ "what the old window forgot stays forgotten",
	  { .rcpt_max = 100, .rcpt_window_s = 800 },
	  { { .at = 0, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 1 },
	    { .at = 1000, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 1 },
	    { .at = 1000, .kind = READ, .lim = &rcpt_day, .rcpts = 1 },
	    { .at = 1010, .kind = RCPT, .n = 1, .ok = 1, .rcpts = 2 } } },
	/* an earlier now is taken as the last request's */
	{ "time goes backwards",
	  { .rcpt_max = 10, .rcpt_window_s = 800 },
	  { { .at = 100, .kind = RCPT, .n = 5, .ok = 5, .rcpts = 5 },
	    { .at = 50, .kind = READ, .rcpts = 5 },
	    { .at = 0, .kind = RCPT, .n = 5, .ok = 5, .rcpts = 10 },
	    { .at = 60, .kind = RCPT, .n = 1, .refused = ACCOUNT_DEFER_RCPT,
	      .logged = 1, .rcpts = 10 },
	    { .at = 899, .kind = READ, .rcpts = 10 },
	    { .at = 900, .kind = READ, .rcpts = 0 } } },
	{ "two addresses of a /24 are one network",
	  { .client_max = 1, .client_window_s = HOUR, .hold_s = DAY },
	  { { .at = 0, .kind = RCPT, .client = 0, .n = 1, .ok = 1,
	      .clients = 1 },
	    { .at = 1, .kind = RCPT, .client = 1, .n = 1, .ok = 1,
	      .clients = 1 } } },
	{ "two addresses of a /64 are one network",
	  { .client_max = 1, .client_window_s = HOUR, .hold_s = DAY },
	  { { .at = 0, .kind = RCPT, .client = 2, .n = 1, .ok = 1,
	      .clients = 1 },
	    { .at = 1, .kind = EOM, .client = 3, .n = 1, .ok = 1,
	      .clients = 1 } } },
	{ "a /24 and a /64 are two",
	  { .client_max = 1, .client_window_s = HOUR, .hold_s = DAY },
	  { { .at = 0, .kind = RCPT, .client = 0, .n = 1, .ok = 1,
	      .clients = 1 },
	    { .at = 1, .kind = RCPT, .client = 2, .n = 2,
	      .refused = ACCOUNT_HELD, .logged = 1, .held = 1, .clients = 2 },
	    { .at = 2, .kind = RELEASE },
	    { .at = 3, .kind = RCPT, .client = 2, .n = 1, .ok = 1,
	      .clients = 1 } } },
	{ "client networks leave their window",
	  { .client_max = 1, .client_window_s = 800, .hold_s = DAY },
	  { { .at = 0, .kind = RCPT, .client = 0, .n = 1, .ok = 1,
	      .clients = 1 },
	    { .at = 799, .kind = READ, .clients = 1 },
	    { .at = 800, .kind = READ, .clients = 0 },
	    { .at = 800, .kind = RCPT, .client = 2, .n = 1, .ok = 1,
	      .clients = 1 } } },
	{ "no client: not counted",
	  { .rcpt_max = 10, .rcpt_window_s = 800, .client_max = 1,
	    .client_window_s = HOUR },
	  { { .at = 0, .kind = RCPT, .client = -1, .n = 3, .ok = 3,
	      .rcpts = 3 } } },
};
/* clang-format on */

static void run_step(const char *name, struct account_state *st,
		     const struct account_limits *lim, const struct step *s)
{
	struct account_outcome out;
	unsigned int ok = 0, logged = 0, held = 0, other = 0;
	uint32_t rcpts, msgs, clients;

	if (s->kind == RELEASE)
		account_release(st);
	for (unsigned int i = 0; i < s->n; i++) {
		enum account_stage stage = s->kind == EOM
					       ? ACCOUNT_STAGE_END_OF_MESSAGE
					       : ACCOUNT_STAGE_RCPT;
		int rc = account_request(st, lim, stage, client_addr(s->client),
					 AT(s->at), &out);

		CHECK_INT(name, "return", rc, 0);
		if (out.verdict == ACCOUNT_OK)
			ok++;
		else if (out.verdict != s->refused)
			other++;
		logged += out.first_over;
		held += out.newly_held;
	}
	CHECK_UINT(name, "answered OK", ok, s->ok);
	CHECK_UINT(name, "answered other than OK or refused", other, 0);
	CHECK_UINT(name, "reported crossed", logged, s->logged);
	CHECK_UINT(name, "newly held", held, s->held);
	account_counts(st, lim, AT(s->at), &rcpts, &msgs, &clients);
	CHECK_UINT(name, "recipients", rcpts, s->rcpts);
	CHECK_UINT(name, "messages", msgs, s->msgs);
	CHECK_UINT(name, "clients", clients, s->clients);
}

static void test_sequences(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(seq_cases); i++) {
		const struct seq_case *c = &seq_cases[i];
		const struct account_limits *lim = &c->lim;
		struct account_state st;

		memset(&st, 0, sizeof(st));
		for (size_t j = 0; j < ARRAY_LEN(c->steps); j++) {
			const struct step *s = &c->steps[j];
			char name[128];

			if (s->kind == END)
				break;
			if (s->lim)
				lim = s->lim;
			snprintf(name, sizeof(name), "%s, step %zu", c->name,
				 j);
			run_step(name, &st, lim, s);
		}
	}
	CHECK_DONE();
}

/* ---- the hold ---------------------------------------------------------- */

static const struct account_limits hold_lim = {
    .rcpt_max = 100,
    .rcpt_window_s = HOUR,
    .client_max = 5,
    .client_window_s = HOUR,
    .hold_s = DAY,
};

static int request(struct account_state *st, const struct account_limits *lim,
		   enum account_stage stage, struct addr_cidr a, uint64_t at,
		   struct account_outcome *out)
{
	return account_request(st, lim, stage, &a, AT(at), out);
}

static void check_outcome(const char *name, const struct account_outcome *o,
			  enum account_verdict verdict, bool first_over,
			  bool newly_held)
{
	CHECK_INT(name, "verdict", o->verdict, verdict);
	CHECK_INT(name, "first_over", o->first_over, first_over);
	CHECK_INT(name, "newly_held", o->newly_held, newly_held);
}

static void test_hold(void **state)
{
	const struct addr_cidr nets[6] = {
	    v4(192, 0, 2, 1), v4(198, 51, 100, 7), v4(203, 0, 113, 5),
	    v6(1, 1, 128),    v6(2, 0x99, 128),	   v4(10, 1, 1, 1),
	};
	const struct addr_cidr want[] = {
	    v4(192, 0, 2, 1),	v4(192, 0, 2, 9), v4(198, 51, 100, 7),
	    v4(203, 0, 113, 5), v6(1, 0, 64),	  v6(2, 0, 64),
	    v4(10, 1, 1, 1),
	};
	struct addr_cidr bans[ACCOUNT_BANS_MAX];
	struct account_state st;
	struct account_outcome out;
	uint32_t rcpts, clients;
	unsigned int n;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (unsigned int i = 0; i < 5; i++) {
		request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, nets[i], i, &out);
		check_outcome("five networks", &out, ACCOUNT_OK, false, false);
	}
	/* another address of a known /24: still five */
	request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, v4(192, 0, 2, 9), 10, &out);
	check_outcome("a known /24", &out, ACCOUNT_OK, false, false);
	CHECK_INT("a known /24", "held", account_held(&st, AT(10)), false);

	request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, nets[5], 100, &out);
	check_outcome("the sixth network", &out, ACCOUNT_HELD, true, true);
	CHECK_UINT("the sixth network", "count", out.count, 6);
	CHECK_UINT("the sixth network", "limit", out.limit, 5);
	CHECK_UINT("the sixth network", "hold_until_ns", out.hold_until_ns,
		   AT(100 + DAY));
	check_set("the sixth network", out.bans, out.nr_bans, want,
		  ARRAY_LEN(want));
	CHECK_INT("the sixth network", "held", account_held(&st, AT(100)),
		  true);

	/* held: every request deferred, nothing counted, nothing new kept */
	request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, nets[0], 200, &out);
	check_outcome("held, a known network", &out, ACCOUNT_HELD, false,
		      false);
	CHECK_UINT("held, a known network", "hold_until_ns", out.hold_until_ns,
		   AT(100 + DAY));
	CHECK_UINT("held, a known network", "bans", out.nr_bans, 0);
	request(&st, &hold_lim, ACCOUNT_STAGE_END_OF_MESSAGE, nets[1], 200,
		&out);
	check_outcome("held, a message", &out, ACCOUNT_HELD, false, false);
	request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, v4(10, 9, 9, 9), 300, &out);
	check_outcome("held, a new network", &out, ACCOUNT_HELD, false, false);
	account_counts(&st, &hold_lim, AT(300), &rcpts, NULL, &clients);
	CHECK_UINT("held", "recipients", rcpts, 6);
	CHECK_UINT("held", "clients", clients, 6);
	CHECK_INT("held", "idle", account_idle(&st, &hold_lim, AT(2 * HOUR)),
		  false);

	/* the networks that made the hold are listed all through it */
	n = account_ban_list(&st, &hold_lim, AT(100 + DAY - 1), bans,
			     ACCOUNT_BANS_MAX);
	check_set("held, a day later", bans, n, want, ARRAY_LEN(want));
	n = account_ban_list(&st, &hold_lim, AT(100 + DAY - 1), bans, 2);
	CHECK_UINT("a short list", "ban targets", n, 2);
	CHECK_INT("last moment of the hold", "held",
		  account_held(&st, AT(100 + DAY - 1)), true);

	/* the hold ends: usable again, the networks forgotten */
	CHECK_INT("hold over", "held", account_held(&st, AT(100 + DAY)), false);
	CHECK_INT("hold over", "idle",
		  account_idle(&st, &hold_lim, AT(100 + DAY)), true);
	request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, nets[1], 100 + DAY, &out);
	check_outcome("hold over", &out, ACCOUNT_OK, false, false);
	account_counts(&st, &hold_lim, AT(100 + DAY), &rcpts, NULL, &clients);
	CHECK_UINT("hold over", "recipients", rcpts, 1);
	CHECK_UINT("hold over", "clients", clients, 1);
	CHECK_DONE();
}

static void test_release(void **state)
{
	struct account_state st;
	struct account_outcome out;
	uint32_t rcpts, clients;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint8_t i = 0; i < 6; i++)
		request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, v4(10, i, 0, 1), i,
			&out);
	check_outcome("held", &out, ACCOUNT_HELD, true, true);
	account_release(&st);
	CHECK_INT("released", "held", account_held(&st, AT(10)), false);
	account_counts(&st, &hold_lim, AT(10), &rcpts, NULL, &clients);
	CHECK_UINT("released", "recipients", rcpts, 5);
	CHECK_UINT("released", "clients", clients, 0);
	/* the sixth network again, and four more: not held again */
	for (uint8_t i = 5; i < 10; i++) {
		request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, v4(10, i, 0, 1),
			10 + i, &out);
		check_outcome("after release", &out, ACCOUNT_OK, false, false);
	}
	account_counts(&st, &hold_lim, AT(20), &rcpts, NULL, &clients);
	CHECK_UINT("after release", "recipients", rcpts, 10);
	CHECK_UINT("after release", "clients", clients, 5);
	CHECK_DONE();
}

/* IPv4: the addresses seen, at most ACCOUNT_V4_HOSTS per /24, most recent
 * first; IPv6: the /64. */
static void test_ban_targets(void **state)
{
	const struct account_limits lim = {
	    .client_max = 5, .client_window_s = HOUR, .hold_s = DAY};
	struct addr_cidr bans[ACCOUNT_BANS_MAX];
	struct account_state st;
	struct account_outcome out;
	unsigned int n;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint8_t i = 1; i <= 5; i++)
		request(&st, &lim, ACCOUNT_STAGE_RCPT, v4(192, 0, 2, i), i,
			&out);
	{
		const struct addr_cidr want[] = {
		    v4(192, 0, 2, 5), v4(192, 0, 2, 4), v4(192, 0, 2, 3),
		    v4(192, 0, 2, 2)};

		n = account_ban_list(&st, &lim, AT(5), bans, ACCOUNT_BANS_MAX);
		check_list("five of one /24", bans, n, want, ARRAY_LEN(want));
	}
	request(&st, &lim, ACCOUNT_STAGE_RCPT, v4(192, 0, 2, 3), 6, &out);
	{
		const struct addr_cidr want[] = {
		    v4(192, 0, 2, 3), v4(192, 0, 2, 5), v4(192, 0, 2, 4),
		    v4(192, 0, 2, 2)};

		n = account_ban_list(&st, &lim, AT(6), bans, ACCOUNT_BANS_MAX);
		check_list("one seen again", bans, n, want, ARRAY_LEN(want));
	}

	memset(&st, 0, sizeof(st));
	request(&st, &lim, ACCOUNT_STAGE_RCPT, v6(1, 1, 128), 0, &out);
	request(&st, &lim, ACCOUNT_STAGE_RCPT, v6(1, 0xffff, 128), 1, &out);
	request(&st, &lim, ACCOUNT_STAGE_RCPT, v6(2, 1, 128), 2, &out);
	{
		const struct addr_cidr want[] = {v6(1, 0, 64), v6(2, 0, 64)};

		n = account_ban_list(&st, &lim, AT(2), bans, ACCOUNT_BANS_MAX);
		check_list("IPv6", bans, n, want, ARRAY_LEN(want));
	}
	CHECK_DONE();
}

struct client_limit_case {
	const char *name;
	uint32_t max;	 /* configured */
	unsigned int ok; /* distinct networks answered OK */
	uint32_t limit;	 /* in the outcome of the one that holds */
};

static void test_client_limits(void **state)
{
	static const struct client_limit_case cases[] = {
	    {"limit 1", 1, 1, 1},
	    {"limit 5", 5, 5, 5},
	    {"the highest limit", ACCOUNT_CLIENT_LIMIT_MAX,
	     ACCOUNT_CLIENT_LIMIT_MAX, ACCOUNT_CLIENT_LIMIT_MAX},
	    {"over the highest: taken as it", 100, ACCOUNT_CLIENT_LIMIT_MAX,
	     ACCOUNT_CLIENT_LIMIT_MAX},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct client_limit_case *c = &cases[i];
		const struct account_limits lim = {.client_max = c->max,
						   .client_window_s = HOUR,
						   .hold_s = HOUR};
		struct account_state st;
		struct account_outcome out;
		unsigned int ok = 0;

		memset(&st, 0, sizeof(st));
		for (uint8_t j = 0; j <= c->ok; j++) {
			request(&st, &lim, ACCOUNT_STAGE_RCPT, v6(j, 1, 128), j,
				&out);
			ok += out.verdict == ACCOUNT_OK;
		}
		CHECK_UINT(c->name, "answered OK", ok, c->ok);
		check_outcome(c->name, &out, ACCOUNT_HELD, true, true);
		CHECK_UINT(c->name, "count", out.count, c->ok + 1);
		CHECK_UINT(c->name, "limit", out.limit, c->limit);
		CHECK_UINT(c->name, "ban targets", out.nr_bans, c->ok + 1);
	}

	/* off: any number of networks */
	{
		const struct account_limits lim = {.client_window_s = HOUR,
						   .hold_s = HOUR};
		struct account_state st;
		struct account_outcome out;
		uint32_t clients;
		unsigned int ok = 0;

		memset(&st, 0, sizeof(st));
		for (uint8_t j = 0; j < 40; j++) {
			request(&st, &lim, ACCOUNT_STAGE_RCPT, v4(10, j, 0, 1),
				j, &out);
			ok += out.verdict == ACCOUNT_OK;
		}
		CHECK_UINT("off", "answered OK", ok, 40);
		account_counts(&st, &lim, AT(40), NULL, NULL, &clients);
		CHECK_UINT("off", "clients", clients, 0);
	}

	/* turned off and on again: the networks seen before are forgotten */
	{
		const struct account_limits on = {
		    .client_max = 2, .client_window_s = HOUR, .hold_s = HOUR};
		const struct account_limits off = {.client_window_s = HOUR};
		struct account_state st;
		struct account_outcome out;
		uint32_t clients;

		memset(&st, 0, sizeof(st));
		request(&st, &on, ACCOUNT_STAGE_RCPT, v4(10, 0, 0, 1), 0, &out);
		request(&st, &on, ACCOUNT_STAGE_RCPT, v4(10, 1, 0, 1), 1, &out);
		account_counts(&st, &off, AT(2), NULL, NULL, &clients);
		CHECK_UINT("turned off", "clients", clients, 0);
		request(&st, &off, ACCOUNT_STAGE_RCPT, v4(10, 2, 0, 1), 2,
			&out);
		request(&st, &on, ACCOUNT_STAGE_RCPT, v4(10, 3, 0, 1), 3, &out);
		check_outcome("on again", &out, ACCOUNT_OK, false, false);
		account_counts(&st, &on, AT(3), NULL, NULL, &clients);
		CHECK_UINT("on again", "clients", clients, 1);
	}
	CHECK_DONE();
}

/* Counts saturate rather than wrap; a state with every slot taken (which
 * account_request() never leaves unheld) gives up the oldest network. */
static void test_odd_states(void **state)
{
	const struct account_limits rcpt_lim = {.rcpt_max = UINT32_MAX,
						.rcpt_window_s = 800};
	const struct account_limits client_lim = {.client_max =
						      ACCOUNT_CLIENT_LIMIT_MAX,
						  .client_window_s = HOUR,
						  .hold_s = HOUR};
	const uint64_t e = (T0 * S) / (800 * S / ACCOUNT_BUCKETS) + 1;
	const unsigned int b = e % ACCOUNT_BUCKETS;
	const struct addr_cidr gone = v4(10, 5, 0, 1);
	struct addr_cidr bans[ACCOUNT_BANS_MAX];
	struct account_state st;
	struct account_outcome out;
	uint32_t rcpts, clients;
	unsigned int n;
	bool listed = false;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.last_ns = AT(0);
	st.rcpt.window_ns = 800 * S;
	st.rcpt.epoch[b] = e;
	st.rcpt.count[b] = UINT32_MAX - 1;
	request(&st, &rcpt_lim, ACCOUNT_STAGE_RCPT, v4(10, 0, 0, 1), 0, &out);
	CHECK_INT("one below the top", "verdict", out.verdict, ACCOUNT_OK);
	request(&st, &rcpt_lim, ACCOUNT_STAGE_RCPT, v4(10, 0, 0, 1), 0, &out);
	CHECK_INT("at the top", "verdict", out.verdict, ACCOUNT_DEFER_RCPT);
	CHECK_UINT("at the top", "bucket", st.rcpt.count[b], UINT32_MAX);
	st.rcpt.epoch[(b + 7) % ACCOUNT_BUCKETS] = e - 1;
	st.rcpt.count[(b + 7) % ACCOUNT_BUCKETS] = 7;
	account_counts(&st, &rcpt_lim, AT(0), &rcpts, NULL, NULL);
	CHECK_UINT("saturated sum", "recipients", rcpts, UINT32_MAX);

	memset(&st, 0, sizeof(st));
	st.last_ns = AT(0);
	for (uint8_t i = 0; i < ACCOUNT_CLIENTS; i++) {
		struct account_client *c = &st.clients[i];

		c->last_ns = AT(0) - (i == 5 ? 100 : 1) * S;
		c->family = MXS_FAMILY_V4;
		c->nr_hosts = 1;
		c->host4[0][0] = 10;
		c->host4[0][1] = i;
		c->host4[0][3] = 1;
	}
	request(&st, &client_lim, ACCOUNT_STAGE_RCPT, v4(10, 99, 0, 1), 0,
		&out);
	check_outcome("all slots taken", &out, ACCOUNT_HELD, true, true);
	account_counts(&st, &client_lim, AT(0), NULL, NULL, &clients);
	CHECK_UINT("all slots taken", "clients", clients, ACCOUNT_CLIENTS);
	n = account_ban_list(&st, &client_lim, AT(0), bans, ACCOUNT_BANS_MAX);
	CHECK_UINT("all slots taken", "ban targets", n, ACCOUNT_CLIENTS);
	for (unsigned int i = 0; i < n; i++)
		listed |= same(&bans[i], &gone);
	CHECK(!listed, "case all slots taken: got 10.5.0.1 still listed, "
		       "want the oldest network given up");
	CHECK_DONE();
}

/* A limit lowered at a reload holds at the next request, even from a
 * known network; a hold of 0 ends at the next request. */
static void test_client_reload(void **state)
{
	const struct account_limits three = {
	    .client_max = 3, .client_window_s = HOUR, .hold_s = DAY};
	const struct account_limits no_hold = {.client_max = 1,
					       .client_window_s = HOUR};
	const struct account_limits hold_lim_minute = {
	    .client_max = 3, .client_window_s = HOUR, .hold_s = 60};
	const struct account_limits short_window = {
	    .client_max = 5, .client_window_s = 60, .hold_s = DAY};
	struct account_state st;
	struct account_outcome out;
	uint32_t clients;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint8_t i = 0; i < 4; i++)
		request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, v4(10, i, 0, 1), i,
			&out);
	check_outcome("four of five", &out, ACCOUNT_OK, false, false);
	request(&st, &three, ACCOUNT_STAGE_RCPT, v4(10, 0, 0, 1), 10, &out);
	check_outcome("lowered to three", &out, ACCOUNT_HELD, true, true);
	CHECK_UINT("lowered to three", "count", out.count, 4);
	CHECK_UINT("lowered to three", "limit", out.limit, 3);
	CHECK_UINT("lowered to three", "ban targets", out.nr_bans, 4);
	/* the hold keeps its end whatever account_hold_time becomes */
	request(&st, &hold_lim_minute, ACCOUNT_STAGE_RCPT, v4(10, 0, 0, 1), 120,
		&out);
	check_outcome("hold time changed", &out, ACCOUNT_HELD, false, false);
	CHECK_UINT("hold time changed", "hold_until_ns", out.hold_until_ns,
		   AT(10 + DAY));

	memset(&st, 0, sizeof(st));
	for (uint8_t i = 0; i < 4; i++)
		request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, v4(10, i, 0, 1),
			10 * i, &out);
	/* seen at 0, 10, 20, 30; a window of 60 s at 75 keeps two */
	account_counts(&st, &short_window, AT(75), NULL, NULL, &clients);
	CHECK_UINT("shorter client window", "clients", clients, 2);

	memset(&st, 0, sizeof(st));
	request(&st, &no_hold, ACCOUNT_STAGE_RCPT, v4(10, 0, 0, 1), 0, &out);
	request(&st, &no_hold, ACCOUNT_STAGE_RCPT, v4(10, 1, 0, 1), 1, &out);
	check_outcome("hold of 0", &out, ACCOUNT_HELD, true, true);
	CHECK_UINT("hold of 0", "ban targets", out.nr_bans, 2);
	request(&st, &no_hold, ACCOUNT_STAGE_RCPT, v4(10, 1, 0, 1), 1, &out);
	check_outcome("hold of 0, next request", &out, ACCOUNT_OK, false,
		      false);
	account_counts(&st, &no_hold, AT(1), NULL, NULL, &clients);
	CHECK_UINT("hold of 0, next request", "clients", clients, 1);
	CHECK_DONE();
}

/* A hold given stays when it is asked at an earlier time. */
static void test_backwards_hold(void **state)
{
	struct account_state st;
	struct account_outcome out;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (uint8_t i = 0; i < 6; i++)
		request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, v4(10, i, 0, 1),
			1000, &out);
	check_outcome("held", &out, ACCOUNT_HELD, true, true);
	CHECK_INT("asked before the hold", "held", account_held(&st, AT(0)),
		  true);
	request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, v4(10, 0, 0, 1), 0, &out);
	check_outcome("a request before the hold", &out, ACCOUNT_HELD, false,
		      false);
	CHECK_INT("hold over", "held", account_held(&st, AT(1000 + DAY)),
		  false);
	CHECK_DONE();
}

static void test_idle(void **state)
{
	const struct account_limits lim = {.rcpt_max = 2,
					   .rcpt_window_s = 800,
					   .msg_max = 10,
					   .msg_window_s = 800,
					   .client_max = 5,
					   .client_window_s = 1600,
					   .hold_s = DAY};
	const struct account_limits rcpt_only = {.rcpt_max = 2,
						 .rcpt_window_s = 800};
	struct account_state st;
	struct account_outcome out;

	(void)state;
	memset(&st, 0, sizeof(st));
	CHECK_INT("fresh", "idle", account_idle(&st, &lim, AT(0)), true);
	request(&st, &lim, ACCOUNT_STAGE_RCPT, v4(192, 0, 2, 1), 0, &out);
	CHECK_INT("one recipient", "idle", account_idle(&st, &lim, AT(0)),
		  false);
	/* the recipient is gone at 800, the network at 1600 */
	CHECK_INT("the network left", "idle", account_idle(&st, &lim, AT(800)),
		  false);
	CHECK_INT("all gone", "idle", account_idle(&st, &lim, AT(1600)), true);

	memset(&st, 0, sizeof(st));
	request(&st, &rcpt_only, ACCOUNT_STAGE_RCPT, v4(192, 0, 2, 1), 0, &out);
	request(&st, &rcpt_only, ACCOUNT_STAGE_RCPT, v4(192, 0, 2, 1), 0, &out);
	request(&st, &rcpt_only, ACCOUNT_STAGE_RCPT, v4(192, 0, 2, 1), 50,
		&out);
	check_outcome("over", &out, ACCOUNT_DEFER_RCPT, true, false);
	CHECK_UINT("over", "count", out.count, 2);
	CHECK_UINT("over", "limit", out.limit, 2);
	/* counts gone, but the report is recent: a new entry would repeat it */
	CHECK_INT("reported 750 s ago", "idle",
		  account_idle(&st, &rcpt_only, AT(800)), false);
	CHECK_INT("reported a window ago", "idle",
		  account_idle(&st, &rcpt_only, AT(850)), true);
	memset(&st, 0, sizeof(st));
	request(&st, &msg2, ACCOUNT_STAGE_END_OF_MESSAGE, v4(192, 0, 2, 1), 0,
		&out);
	request(&st, &msg2, ACCOUNT_STAGE_END_OF_MESSAGE, v4(192, 0, 2, 1), 0,
		&out);
	request(&st, &msg2, ACCOUNT_STAGE_END_OF_MESSAGE, v4(192, 0, 2, 1), 50,
		&out);
	check_outcome("messages over", &out, ACCOUNT_DEFER_MSG, true, false);
	CHECK_INT("messages reported 750 s ago", "idle",
		  account_idle(&st, &msg2, AT(800)), false);
	CHECK_INT("messages reported a window ago", "idle",
		  account_idle(&st, &msg2, AT(850)), true);
	/* a limit that is off does not keep an entry */
	CHECK_INT("limit off", "idle", account_idle(&st, &all_off, AT(100)),
		  true);
	CHECK_DONE();
}

static void test_bad_arguments(void **state)
{
	struct account_state st, zero;
	struct account_outcome out;
	struct addr_cidr a = v4(192, 0, 2, 1);

	(void)state;
	memset(&st, 0, sizeof(st));
	memset(&zero, 0, sizeof(zero));
	out.verdict = ACCOUNT_HELD;
	CHECK_INT("bad stage", "return",
		  account_request(&st, &hold_lim, (enum account_stage)7, &a,
				  AT(0), &out),
		  -EINVAL);
	CHECK_INT("bad stage", "verdict", out.verdict, ACCOUNT_OK);
	CHECK(memcmp(&st, &zero, sizeof(st)) == 0,
	      "case bad stage: got the state changed, want it untouched");
	CHECK_INT("no state", "return",
		  account_request(NULL, &hold_lim, ACCOUNT_STAGE_RCPT, &a,
				  AT(0), &out),
		  -EINVAL);
	CHECK_INT(
	    "no limits", "return",
	    account_request(&st, NULL, ACCOUNT_STAGE_RCPT, &a, AT(0), &out),
	    -EINVAL);
	CHECK_INT("no outcome", "return",
		  account_request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, &a, AT(0),
				  NULL),
		  -EINVAL);
	/* an address of no known family: the request is still counted */
	a.family = 0;
	CHECK_INT("no family", "return",
		  account_request(&st, &hold_lim, ACCOUNT_STAGE_RCPT, &a, AT(0),
				  &out),
		  0);
	CHECK_INT("no family", "verdict", out.verdict, ACCOUNT_OK);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sequences),
	    cmocka_unit_test(test_hold),
	    cmocka_unit_test(test_release),
	    cmocka_unit_test(test_ban_targets),
	    cmocka_unit_test(test_client_limits),
	    cmocka_unit_test(test_client_reload),
	    cmocka_unit_test(test_backwards_hold),
	    cmocka_unit_test(test_idle),
	    cmocka_unit_test(test_odd_states),
	    cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
