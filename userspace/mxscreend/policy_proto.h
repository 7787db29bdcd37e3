/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * policy_proto.h - Postfix's policy delegation protocol
 * (SMTPD_POLICY_README), server side: the bytes of one connection into
 * requests, and an answer into bytes.
 *
 * Contract:
 *   - A request is lines "name=value\n" ended by an empty line; a "\r"
 *     before a "\n" is stripped.  The name is what precedes the first
 *     '=' (never empty), the value everything after it (may be empty,
 *     may hold '=').  Postfix keeps the connection open and sends the next
 *     request on it.
 *   - Attributes other than those of struct policy_request are counted
 *     and otherwise ignored (newer Postfix versions add some).  When a
 *     name comes twice, the last value wins (the README lets a server
 *     keep either).
 *   - An empty line with no attribute before it is skipped: Postfix never
 *     sends one, and an answer to it would be taken by Postfix as the
 *     answer to its next request.
 *   - A line with no '=', an empty name or a NUL byte, and a request over
 *     the limits below, are protocol errors: the feed returns -errno and
 *     the parser refuses every later feed; the caller closes the
 *     connection (Postfix then retries or applies its default_action).
 *   - The result depends on the bytes only, never on how reads split
 *     them.  Nothing is allocated per request: one buffer per connection,
 *     parsed in place.  No global state; a parser is one thread's.
 */
#ifndef MXS_POLICY_PROTO_H
#define MXS_POLICY_PROTO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The attributes mxscreend acts on.  Each is a NUL-terminated string,
 * never NULL: "" when absent or empty (Postfix sends an unavailable value
 * either way).  They point into the parser's buffer and are valid during
 * the callback only.  The text is the client's, as Postfix passed it on:
 * any bytes but NUL and newline.
 */
struct policy_request {
	const char *request;	    /* "smtpd_access_policy" expected */
	const char *protocol_state; /* "RCPT", "END-OF-MESSAGE", ... */
	const char *client_address; /* text, as Postfix sends it */
	const char *sasl_username;  /* "": not authenticated */
	const char *recipient;
	const char *instance;
	const char *queue_id;
	uint32_t recipient_count; /* 0 when absent or not a number */
	unsigned int nr_attrs;	  /* attribute lines seen, 1.. */
};

/*
 * Bytes of one attribute line, newline (and a "\r" before it) excluded.
 * Postfix's longest values come from SMTP command lines, which smtpd cuts
 * at line_length_limit (default 2048): sender, recipient, helo_name.  The
 * others are short: certificate names are X.509 CNs (64 characters,
 * xtext-encoded: a few hundred bytes), policy_context is one main.cf
 * setting.  Twice 2048 holds any of them with its name; a site that
 * raises line_length_limit past it gets its connection closed on such a
 * request, and Postfix's default_action answers for it.
 */
#define POLICY_LINE_MAX 4096
/* Attribute lines per request: Postfix 3.7 sends 31. */
#define POLICY_ATTRS_MAX 128
/* Bytes of one request, every newline and the empty line included: the
 * size of the parser's buffer. */
#define POLICY_REQUEST_MAX 65536

/*
 * One per connection.  Opaque and allocated: the 64 KiB buffer stays out
 * of the caller's connection table (a thousand slots would be 64 MiB of
 * it), and its pages are touched only as far as requests reach.
 */
struct policy_parser;

/* A new parser, or NULL when out of memory. */
struct policy_parser *policy_parser_new(void);
/* p may be NULL. */
void policy_parser_free(struct policy_parser *p);

/* Called once per complete request; nonzero stops the feed. */
typedef int (*policy_request_fn)(const struct policy_request *req, void *ctx);

/*
 * Feed len bytes read from the connection (a request may be split at any
 * byte, several may come at once).  Calls fn once per complete request,
 * in order.  Returns 0; or -EMSGSIZE (a line or a request over the
 * limits), -E2BIG (more than POLICY_ATTRS_MAX attributes), -EPROTO (a line
 * without '=', with an empty name or a NUL byte); or what fn returned
 * when it stopped.  After any nonzero return the parser is finished:
 * every later feed returns the same protocol error, or -ECANCELED after
 * a stop, and calls nothing.
 */
int policy_parser_feed(struct policy_parser *p, const char *data, size_t len,
		       policy_request_fn fn, void *ctx);

/*
 * Bytes fed and not yet part of a complete request (at most
 * POLICY_REQUEST_MAX): a connection that ends with some sent an
 * unfinished request.  Skipped empty lines do not count.
 */
size_t policy_parser_pending(const struct policy_parser *p);

/*
 * The answer "action=ACTION\n\n", NUL-terminated, into buf.  Returns its
 * length (the NUL excluded), or 0 when buf is too small or action would
 * break the answer: NULL, empty, or holding a "\n" or "\r".
 */
size_t policy_format_answer(char *buf, size_t len, const char *action);

#endif /* MXS_POLICY_PROTO_H */
