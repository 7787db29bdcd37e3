/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon_policy.h - mxscreend as Postfix's policy service: per SASL
 * login, recipients and messages over sliding windows and the client
 * networks it is used from (account.h, kept in the "accounts" map).
 *
 * Postfix asks with check_policy_service in smtpd_recipient_restrictions
 * (protocol_state RCPT: one recipient) and smtpd_end_of_data_restrictions
 * (END-OF-MESSAGE: one message).  Answers:
 *   - DUNNO: no sasl_username, another protocol_state, a login longer than
 *     MXS_ACCOUNT_NAME_LEN - 1 bytes, a map error (fail open), observe
 *     mode, or within the limits;
 *   - DEFER_IF_PERMIT 4.7.1 ...: over account_recipient_limit or
 *     account_message_limit, and for every request of a held login.
 * A login used from more than account_client_limit networks (IPv4 /24,
 * IPv6 /64) in its window is held for account_hold_time (or until
 * `mxscreen account release`), and the clients that used it are banned
 * on the submission class (daemon_ban.h, reason account, never an allowed
 * or mynetworks address).  Log lines, once per window and login:
 *   ACCOUNT alice over recipients 1000/1d from [203.0.113.5]
 *   ACCOUNT alice held for 1d: used from 6 networks in 1h (limit 5), the
 *     last [198.51.100.7]; its clients are banned for submission
 * Observe mode counts and logs, answers DUNNO and writes no ban.
 */
#ifndef MXS_DAEMON_POLICY_H
#define MXS_DAEMON_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* The policy server's descriptors in the daemon's epoll set. */
#define POLICY_EPOLL_TAG 6u

struct daemon;

/* At start: listen when policy_listen says where.  Returns 0 or -errno
 * (logged: a configured service that cannot listen is fatal at start). */
int daemon_policy_start(struct daemon *d);

/* After a reload: a new listener when policy_listen changed (the old one
 * is closed first, as the new one may want its address: when the new one
 * fails, the service is off until the next reload and Postfix applies its
 * default_action); new limits apply at the next request. */
void daemon_policy_reload(struct daemon *d, const struct config_listen *old);

void daemon_policy_stop(struct daemon *d);

/* An epoll event of the server (data.u64's lower half). */
void daemon_policy_process(struct daemon *d, uint32_t id, uint32_t events);

/* Once a second: the counters into status, the limits for `mxscreen
 * account`; every sweep, the idle logins out of "accounts". */
void daemon_policy_tick(struct daemon *d, uint64_t now_ns, bool sweep);

#endif /* MXS_DAEMON_POLICY_H */
