/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * account.h - the limits of one login (SASL username) over sliding
 * windows, for mxscreend's Postfix policy service: recipients and messages
 * per window (over them: defer), and the distinct client networks the login
 * is used from (over that: the account is held and those clients banned,
 * since a password shared around a botnet shows as one login used from
 * many networks at once).
 *
 * mxscreend keeps one struct account_state per username as the value of a
 * pinned, userspace-only BPF hash map: it reads the value, hands it to
 * account_request() and writes it back.  So the state is a fixed-size
 * plain struct without pointers, and all zero is a fresh account.
 *
 * Decisions, and why:
 * - Recipients and messages are counted in eighths of their window, as in
 *   pfscore.h: a count is forgotten once its eighth is more than seven
 *   eighths old, so the window holds between 7/8 and all of its length.
 * - Nothing that was refused is counted: a deferred recipient or message
 *   was not accepted, and a real user who hit a limit by accident should
 *   not have the retries held against him.  The client network of every
 *   request is counted though, deferred or not, because being used from
 *   many networks is the sign of a stolen password whatever was sent.
 * - Recipients count at RCPT, when accepted; a message at END-OF-MESSAGE.
 *   At RCPT a message limit already reached defers too (DEFER_MSG), so
 *   that a client does not send a whole message only to have it deferred.
 *   A recipient accepted at RCPT stays counted even if its message fails
 *   later: it is what the client was allowed to try.
 * - Client networks are IPv4 /24 and IPv6 /64, each remembered with the
 *   time it was last seen.  A request whose network makes the count in the
 *   window exceed the limit holds the account (this request included):
 *   every request is deferred until hold_until_ns or account_release().
 * - What the caller bans when an account becomes held: for IPv6 the /64
 *   (a host picks any address of its /64 at will, so nothing narrower
 *   stops it, and a /64 is one subscriber or LAN); for IPv4 only the
 *   addresses seen, at most ACCOUNT_V4_HOSTS per /24 (the most recent),
 *   never the /24, which may hold hundreds of innocent neighbours behind
 *   a provider or a hosting range.  A remembered address stays as long as
 *   its /24 stays in the window.
 * - While held nothing is counted and no network is remembered: the list
 *   stays what was banned.  When the hold ends, by time or by release, the
 *   networks are forgotten, so that those still in the window do not hold
 *   the account again at its next request; the counts stay.
 * - A crossed limit is reported (first_over) at most once per window
 *   length, so the log says it once, not at every deferred recipient.
 * - Limits changed at reload apply at the account's next request: a lower
 *   limit defers (or holds) as soon as the window holds more, a higher one
 *   lets more through.  A changed window re-buckets the counts: each
 *   eighth the old window still held at the last request (the reload
 *   came after it) is counted from the time it began in the new window's
 *   eighths; what the new window does not reach is forgotten, and what
 *   the old one had already forgotten stays forgotten.  Client networks keep
 * their times, so a new client window applies as is.  A hold keeps the end it
 *   was given.  A limit turned off forgets its counts (turned on again it
 *   starts from zero), and a hold in force stays until it ends or is
 *   released.
 * - Time comes from the caller (CLOCK_BOOTTIME ns, as the kernel maps
 *   keep).  It cannot go back within one boot and the pinned map does not
 *   outlive one, so a now earlier than the last request can only be a
 *   caller's mistake: it is taken as the time of the last request.
 *
 * Pure: no I/O, no allocation, no clock.
 */
#ifndef MXS_ACCOUNT_H
#define MXS_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/* Eighths of a window, as in pfscore.h. */
#define ACCOUNT_BUCKETS 8
/* Client networks remembered per login. */
#define ACCOUNT_CLIENTS 16
/* The highest client limit: the (limit+1)-th network must find a slot.
 * The config parser refuses more; account_request() takes more as this. */
#define ACCOUNT_CLIENT_LIMIT_MAX (ACCOUNT_CLIENTS - 1)
/* Addresses remembered (and banned) per IPv4 /24. */
#define ACCOUNT_V4_HOSTS 4
/* Most ban targets one hold can give. */
#define ACCOUNT_BANS_MAX (ACCOUNT_CLIENTS * ACCOUNT_V4_HOSTS)
/* The client networks: IPv4 /24, IPv6 /64. */
#define ACCOUNT_PREFIX_V4 24
#define ACCOUNT_PREFIX_V6 64

/* The limits, as configured: a limit is off when its max or its window is
 * 0.  Windows and the hold in seconds. */
struct account_limits {
	uint32_t rcpt_max; /* account_recipient_limit: recipients */
	uint64_t rcpt_window_s;
	uint32_t msg_max; /* account_message_limit: messages */
	uint64_t msg_window_s;
	uint32_t client_max; /* account_client_limit: distinct networks, at
			      * most ACCOUNT_CLIENT_LIMIT_MAX */
	uint64_t client_window_s;
	uint64_t hold_s; /* account_hold_time; 0: the hold ends at the next
			  * request (the clients are still banned) */
};

/* Counts of one limit in eighths of its window. */
struct account_window {
	uint64_t window_ns; /* the window the epochs are eighths of;
			     * 0: nothing counted yet */
	uint64_t logged_ns; /* when the limit was last reported crossed
			     * (ACCOUNT_F_*_LOGGED) */
	uint64_t epoch[ACCOUNT_BUCKETS]; /* 1 + the eighth a bucket holds
					  * (time / (window / 8)); 0: empty */
	uint32_t count[ACCOUNT_BUCKETS];
};

/* One client network.  last_ns 0: a free slot. */
struct account_client {
	uint64_t last_ns; /* the last request from it */
	uint8_t family;	  /* MXS_FAMILY_V4 or MXS_FAMILY_V6 */
	uint8_t nr_hosts; /* IPv4: addresses in host4[] */
	uint8_t pad[6];
	union {
		/* IPv6: the /64, network byte order, rest zero */
		uint8_t net6[16];
		/* IPv4: addresses of the /24 seen, network byte order,
		 * most recent first */
		uint8_t host4[ACCOUNT_V4_HOSTS][4];
	};
};

#define ACCOUNT_F_HELD (1u << 0)
#define ACCOUNT_F_RCPT_LOGGED (1u << 1)
#define ACCOUNT_F_MSG_LOGGED (1u << 2)

/* The value of the per-login map.  All zero: a fresh account.  Times are
 * CLOCK_BOOTTIME ns. */
struct account_state {
	uint64_t last_ns;	/* the latest now seen by account_request() */
	uint64_t held_ns;	/* ACCOUNT_F_HELD: when the hold began */
	uint64_t hold_until_ns; /* ACCOUNT_F_HELD: held while now is before */
	uint32_t flags;		/* ACCOUNT_F_* */
	uint32_t pad;
	struct account_window rcpt;
	struct account_window msg;
	struct account_client clients[ACCOUNT_CLIENTS];
};

_Static_assert(sizeof(struct account_client) == 32, "account_client layout");
_Static_assert(sizeof(struct account_window) == 112, "account_window layout");
_Static_assert(sizeof(struct account_state) == 768, "account_state layout");

/* The protocol stage of a policy request (Postfix's protocol_state). */
enum account_stage {
	ACCOUNT_STAGE_RCPT = 0,		  /* RCPT: one recipient */
	ACCOUNT_STAGE_END_OF_MESSAGE = 1, /* END-OF-MESSAGE: one message */
};

enum account_verdict {
	ACCOUNT_OK = 0,
	ACCOUNT_DEFER_RCPT, /* the recipient limit is reached */
	ACCOUNT_DEFER_MSG,  /* the message limit is reached */
	ACCOUNT_HELD,	    /* used from too many networks: on hold */
};

struct account_outcome {
	enum account_verdict verdict;
	/* The verdict is a limit crossed, reported for the first time in a
	 * window (or the hold that this request began): log it. */
	bool first_over;
	/* This request put the account on hold: ban bans[]. */
	bool newly_held;
	/* Deferred: the recipients or messages in the window (the refused
	 * one not included) and their limit; held by this request: the
	 * client networks in the window (this one included) and the limit. */
	uint32_t count;
	uint32_t limit;
	/* ACCOUNT_HELD: when the hold ends (CLOCK_BOOTTIME ns). */
	uint64_t hold_until_ns;
	/* newly_held: what to ban, as account_ban_list() gives it. */
	unsigned int nr_bans;
	struct addr_cidr bans[ACCOUNT_BANS_MAX];
};

/*
 * A policy request of the login at stage, from client (a host address:
 * the /24 or /64 it lies in is what counts; NULL or another family: no
 * client counted), at now_ns.  Counts what it accepts into st and says in
 * out what to answer.  Returns 0, or -EINVAL for a NULL argument or an
 * unknown stage (st untouched, out ACCOUNT_OK when given: fail open).
 */
int account_request(struct account_state *st, const struct account_limits *lim,
		    enum account_stage stage, const struct addr_cidr *client,
		    uint64_t now_ns, struct account_outcome *out);

/* Whether the account is on hold at now_ns. */
bool account_held(const struct account_state *st, uint64_t now_ns);

/* End a hold (an administrator's release) and forget the client networks,
 * so that the next request does not hold the account again at once.  The
 * recipient and message counts stay; deleting the map entry forgets
 * everything. */
void account_release(struct account_state *st);

/* A hold read back from the state file after a reboot: held from now_ns
 * until until_ns (both CLOCK_BOOTTIME), with no networks (the bans of its
 * clients come back as block entries of their own).  Nothing when
 * until_ns has passed or the account is held already. */
void account_hold_restored(struct account_state *st, uint64_t now_ns,
			   uint64_t until_ns);

/* The recipients, messages and client networks in the current windows at
 * now_ns (0 for a limit that is off; while held, the networks that made
 * the hold), for `mxscreen account show`.  Any pointer may be NULL. */
void account_counts(const struct account_state *st,
		    const struct account_limits *lim, uint64_t now_ns,
		    uint32_t *rcpts, uint32_t *msgs, uint32_t *clients);

/* What to ban for the client networks in the window at now_ns (while
 * held: those that made the hold, whatever their age): each IPv6 /64, and
 * each remembered IPv4 address as a /32.  Writes at most max
 * (ACCOUNT_BANS_MAX is enough) and returns how many it wrote. */
unsigned int account_ban_list(const struct account_state *st,
			      const struct account_limits *lim, uint64_t now_ns,
			      struct addr_cidr *out, unsigned int max);

/* Whether the entry can be dropped without changing any later answer:
 * nothing counted in any window, no crossing reported within the last
 * window, not held.  The daemon prunes such entries. */
bool account_idle(const struct account_state *st,
		  const struct account_limits *lim, uint64_t now_ns);

#endif /* MXS_ACCOUNT_H */
