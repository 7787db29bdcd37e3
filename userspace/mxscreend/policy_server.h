/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * policy_server.h - the sockets of mxscreend's Postfix policy service:
 * one listening socket (policy_listen: inet:ADDRESS:PORT or unix:PATH),
 * the connections Postfix's smtpd processes keep open to it, and for
 * each complete request (policy_proto.h) one answer, written at once.
 *
 * Contract:
 *   - Non-blocking throughout, driven by the daemon's epoll set: every
 *     descriptor is registered with data.u64 = tag << 32 | id, and the
 *     daemon hands such events to policy_server_event().
 *   - The answer callback decides ("DUNNO", "DEFER_IF_PERMIT ...") and
 *     must not block; the server sends "action=...\n\n".
 *   - A connection that breaks the protocol, sends more than the
 *     parser's limits, or whose answer cannot be written in one go is
 *     closed: Postfix then retries, or applies its default_action.  So is
 *     a connection over POLICY_SERVER_CONNS: Postfix's default_action
 *     answers for it.
 *   - A unix socket's path is replaced if it exists as a socket (a
 *     previous run's) and left alone otherwise; it is made 0666 (the
 *     directory, under Postfix's queue directory, is what protects it)
 *     and removed at close.
 */
#ifndef MXS_POLICY_SERVER_H
#define MXS_POLICY_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "policy_proto.h"

/* Connections at once: far above Postfix's default_process_limit (100),
 * each smtpd keeping one. */
#define POLICY_SERVER_CONNS 1024

struct policy_server;

/* Decide req: write the action text (without "action=") into action. */
typedef void (*policy_answer_fn)(const struct policy_request *req, char *action,
				 size_t len, void *ctx);

struct policy_server_stats {
	uint64_t connections;	  /* accepted */
	uint64_t requests;	  /* answered */
	uint64_t protocol_errors; /* connections closed for a bad request */
	uint64_t refused;	  /* over POLICY_SERVER_CONNS */
};

/* Listen where says.  Returns 0 or -errno with a message in err. */
int policy_server_open(const struct config_listen *where, int epoll_fd,
		       uint32_t tag, policy_answer_fn fn, void *ctx,
		       struct policy_server **out, char *err, size_t errlen);
void policy_server_close(struct policy_server *s);

/* An epoll event of one of the server's descriptors (id: data.u64's
 * lower half). */
void policy_server_event(struct policy_server *s, uint32_t id, uint32_t events);

void policy_server_stats(const struct policy_server *s,
			 struct policy_server_stats *out);

#endif /* MXS_POLICY_SERVER_H */
