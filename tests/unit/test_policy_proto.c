// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_policy_proto.c - Postfix's policy protocol (policy_proto.c): whole
 * requests in the shape Postfix 3.7 sends them, fed in one piece, split
 * in two at every byte and one byte at a time; several requests per
 * read, and a stream of them far larger than the parser's buffer; line
 * ends, empty values, '=' in values, unknown and repeated attributes,
 * recipient counts; unfinished requests; every limit at its edge; bad
 * lines; a callback that stops; errors that stay; the answer.  A failure
 * reads "case NAME: got X, want Y".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxscreend/policy_proto.h"
#include "check.h"

/* The strings of struct policy_request, by number. */
enum { F_REQUEST, F_STATE, F_CLIENT, F_SASL, F_RCPT, F_INSTANCE, F_QUEUE, NF };

static const char *const field_names[NF] = {
    "request",	 "protocol_state", "client_address", "sasl_username",
    "recipient", "instance",	   "queue_id",
};

static const char *field(const struct policy_request *r, int f)
{
	switch (f) {
	case F_REQUEST:
		return r->request;
	case F_STATE:
		return r->protocol_state;
	case F_CLIENT:
		return r->client_address;
	case F_SASL:
		return r->sasl_username;
	case F_RCPT:
		return r->recipient;
	case F_INSTANCE:
		return r->instance;
	default:
		return r->queue_id;
	}
}

/* What the callback saw: copies, as values last only as long as it. */
#define MAX_SEEN 4
struct seen {
	int n;		/* requests fn was called for */
	int stop_after; /* fn returns stop_rc at this request (1-based) */
	int stop_rc;
	struct {
		char *f[NF];
		uint32_t rcpt;
		unsigned int nr;
	} req[MAX_SEEN];
};

static int on_request(const struct policy_request *r, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN) {
		for (int f = 0; f < NF; f++) {
			const char *v = field(r, f);

			s->req[s->n].f[f] = strdup(v ? v : "(null)");
			assert_non_null(s->req[s->n].f[f]);
		}
		s->req[s->n].rcpt = r->recipient_count;
		s->req[s->n].nr = r->nr_attrs;
	}
	s->n++;
	return s->n == s->stop_after ? s->stop_rc : 0;
}

static void seen_free(struct seen *s)
{
	for (int i = 0; i < s->n && i < MAX_SEEN; i++)
		for (int f = 0; f < NF; f++)
			free(s->req[i].f[f]);
	memset(s, 0, sizeof(*s));
}

/* A request as the test expects it: a NULL string is "". */
struct want_req {
	const char *f[NF];
	uint32_t rcpt;
	unsigned int nr;
};

static void check_req(const char *name, const struct seen *s, int i,
		      const struct want_req *w)
{
	char what[64];

	for (int f = 0; f < NF; f++) {
		snprintf(what, sizeof(what), "request %d %s", i + 1,
			 field_names[f]);
		CHECK_STR(name, what, s->req[i].f[f], w->f[f] ? w->f[f] : "");
	}
	snprintf(what, sizeof(what), "request %d recipient_count", i + 1);
	CHECK_UINT(name, what, s->req[i].rcpt, w->rcpt);
	snprintf(what, sizeof(what), "request %d nr_attrs", i + 1);
	CHECK_UINT(name, what, s->req[i].nr, w->nr);
}

/*
 * Feed in[0..len): in pieces of step bytes, or when step is 0 in two
 * pieces cut at cut.  Returns the first nonzero result; every later feed
 * must return the same (the parser is finished).
 */
static int feed(struct policy_parser *p, const char *in, size_t len,
		size_t step, size_t cut, struct seen *s, const char *name)
{
	size_t at = 0;
	int first = 0;

	do {
		size_t n = step ? step : (at < cut ? cut - at : len - at);
		int rc;

		if (n > len - at)
			n = len - at;
		rc = policy_parser_feed(p, in + at, n, on_request, s);
		at += n;
		if (!first)
			first = rc;
		else
			CHECK_INT(name, "feed after an error", rc, first);
		CHECK(policy_parser_pending(p) <= POLICY_REQUEST_MAX,
		      "case %s: pending %zu over the limit", name,
		      policy_parser_pending(p));
	} while (at < len);
	return first;
}

/* ---- the table ----------------------------------------------------------- */

/* Postfix 3.7's request at RCPT, port 25, TLS without a client
 * certificate (smtpd_check.c's order, 31 attributes). */
#define REQ_RCPT                                                               \
	"request=smtpd_access_policy\n"                                        \
	"protocol_state=RCPT\n"                                                \
	"protocol_name=ESMTP\n"                                                \
	"client_address=192.0.2.10\n"                                          \
	"client_name=mail.example.net\n"                                       \
	"client_port=50123\n"                                                  \
	"reverse_client_name=mail.example.net\n"                               \
	"server_address=198.51.100.25\n"                                       \
	"server_port=25\n"                                                     \
	"helo_name=mail.example.net\n"                                         \
	"sender=alice@example.net\n"                                           \
	"recipient=bob@example.org\n"                                          \
	"recipient_count=0\n"                                                  \
	"queue_id=\n"                                                          \
	"instance=3e81.65f0c3d1.1a2b3.0\n"                                     \
	"size=2048\n"                                                          \
	"etrn_domain=\n"                                                       \
	"stress=\n"                                                            \
	"sasl_method=\n"                                                       \
	"sasl_username=\n"                                                     \
	"sasl_sender=\n"                                                       \
	"ccert_subject=\n"                                                     \
	"ccert_issuer=\n"                                                      \
	"ccert_fingerprint=\n"                                                 \
	"ccert_pubkey_fingerprint=\n"                                          \
	"encryption_protocol=TLSv1.3\n"                                        \
	"encryption_cipher=TLS_AES_256_GCM_SHA384\n"                           \
	"encryption_keysize=256\n"                                             \
	"policy_context=\n"                                                    \
	"compatibility_level=3.6\n"                                            \
	"mail_version=3.7.11\n"                                                \
	"\n"
#define WANT_RCPT                                                              \
	{                                                                      \
		.f = {[F_REQUEST] = "smtpd_access_policy",                     \
		      [F_STATE] = "RCPT",                                      \
		      [F_CLIENT] = "192.0.2.10",                               \
		      [F_RCPT] = "bob@example.org",                            \
		      [F_INSTANCE] = "3e81.65f0c3d1.1a2b3.0"},                 \
		.rcpt = 0, .nr = 31                                            \
	}

/* The same at END-OF-MESSAGE on submission: SASL, a client certificate,
 * IPv6, three recipients (so no recipient), a queue id. */
#define REQ_EOM                                                                \
	"request=smtpd_access_policy\n"                                        \
	"protocol_state=END-OF-MESSAGE\n"                                      \
	"protocol_name=ESMTP\n"                                                \
	"client_address=2001:db8::25\n"                                        \
	"client_name=unknown\n"                                                \
	"client_port=41022\n"                                                  \
	"reverse_client_name=unknown\n"                                        \
	"server_address=2001:db8::1\n"                                         \
	"server_port=587\n"                                                    \
	"helo_name=[IPv6:2001:db8::25]\n"                                      \
	"sender=carol@example.org\n"                                           \
	"recipient=\n"                                                         \
	"recipient_count=3\n"                                                  \
	"queue_id=4TqK2x0dJzz9sR\n"                                            \
	"instance=3e82.65f0c3d2.2b3c4.2\n"                                     \
	"size=18734\n"                                                         \
	"etrn_domain=\n"                                                       \
	"stress=\n"                                                            \
	"sasl_method=PLAIN\n"                                                  \
	"sasl_username=carol@example.org\n"                                    \
	"sasl_sender=\n"                                                       \
	"ccert_subject=Carol+20Example\n"                                      \
	"ccert_issuer=Example+20CA\n"                                          \
	"ccert_fingerprint=C2:9D:F4:87:71:73:73:D9:18:E7:C2:F3:C1:DA:6E:04\n"  \
	"ccert_pubkey_fingerprint=68:B3:29:DA:98:93:E3:40:99:C7:D8:AD:5C:B9:"  \
	"C9:40\n"                                                              \
	"encryption_protocol=TLSv1.3\n"                                        \
	"encryption_cipher=TLS_AES_128_GCM_SHA256\n"                           \
	"encryption_keysize=128\n"                                             \
	"policy_context=submission\n"                                          \
	"compatibility_level=3.6\n"                                            \
	"mail_version=3.7.11\n"                                                \
	"\n"
#define WANT_EOM                                                               \
	{                                                                      \
		.f = {[F_REQUEST] = "smtpd_access_policy",                     \
		      [F_STATE] = "END-OF-MESSAGE",                            \
		      [F_CLIENT] = "2001:db8::25",                             \
		      [F_SASL] = "carol@example.org",                          \
		      [F_INSTANCE] = "3e82.65f0c3d2.2b3c4.2",                  \
		      [F_QUEUE] = "4TqK2x0dJzz9sR"},                           \
		.rcpt = 3, .nr = 31                                            \
	}

#define ANY_PENDING ((size_t)-1)
/* An input that may hold NUL bytes: its length from sizeof. */
#define BYTES(s) .in = (s), .len = sizeof(s) - 1

struct feed_case {
	const char *name;
	const char *in;
	size_t len;	/* 0: strlen(in) */
	bool crlf;	/* every "\n" of in sent as "\r\n" */
	int rc;		/* of the feed */
	size_t pending; /* after it, or ANY_PENDING */
	int nreq;	/* requests fn saw */
	struct want_req req[3];
};

/* A table reads best a case per line, as wide as it needs. */
/* clang-format off */
static const struct feed_case cases[] = {
	/* --- whole requests --- */
	{ .name = "postfix 3.7 rcpt", .in = REQ_RCPT, .nreq = 1, .req = { WANT_RCPT } },
	{ .name = "postfix 3.7 end-of-message", .in = REQ_EOM, .nreq = 1, .req = { WANT_EOM } },
	{ .name = "crlf", .in = REQ_RCPT, .crlf = true, .nreq = 1, .req = { WANT_RCPT } },
	{ .name = "crlf, two requests", .in = REQ_EOM REQ_RCPT, .crlf = true, .nreq = 2, .req = { WANT_EOM, WANT_RCPT } },
	{ .name = "crlf only at the end", .in = "request=smtpd_access_policy\nclient_address=192.0.2.1\r\n\r\n", .nreq = 1, .req = { { .f = { [F_REQUEST] = "smtpd_access_policy", [F_CLIENT] = "192.0.2.1" }, .nr = 2 } } },
	{ .name = "two requests", .in = REQ_RCPT REQ_EOM, .nreq = 2, .req = { WANT_RCPT, WANT_EOM } },
	{ .name = "three requests", .in = REQ_EOM REQ_RCPT REQ_EOM, .nreq = 3, .req = { WANT_EOM, WANT_RCPT, WANT_EOM } },
	{ .name = "minimal", .in = "request=smtpd_access_policy\n\n", .nreq = 1, .req = { { .f = { [F_REQUEST] = "smtpd_access_policy" }, .nr = 1 } } },
	{ .name = "no request attribute", .in = "client_address=192.0.2.1\n\n", .nreq = 1, .req = { { .f = { [F_CLIENT] = "192.0.2.1" }, .nr = 1 } } },
	{ .name = "empty stream", .in = "" },
	/* --- unfinished requests --- */
	{ .name = "no empty line", .in = "request=smtpd_access_policy\nprotocol_state=RCPT\n", .pending = 48 },
	{ .name = "cut in a line", .in = "request=smtpd_access_policy\nprotocol_st", .pending = 39 },
	{ .name = "cut in a name", .in = "req", .pending = 3 },
	{ .name = "cut before the newline", .in = "request=smtpd_access_policy\n\r", .pending = 29 },
	{ .name = "request, then a cut one", .in = REQ_RCPT "request=smtpd", .pending = 13, .nreq = 1, .req = { WANT_RCPT } },
	{ .name = "two, then an empty line to come", .in = REQ_RCPT "request=smtpd_access_policy\nclient_address=192.0.2.1\n", .pending = 53, .nreq = 1, .req = { WANT_RCPT } },
	/* --- values --- */
	{ .name = "empty values", .in = "request=\nclient_address=\nsasl_username=\n\n", .nreq = 1, .req = { { .nr = 3 } } },
	{ .name = "'=' in values", .in = "request==\nrecipient=a=b@example.org\nqueue_id=x==\n\n", .nreq = 1, .req = { { .f = { [F_REQUEST] = "=", [F_RCPT] = "a=b@example.org", [F_QUEUE] = "x==" }, .nr = 3 } } },
	{ .name = "blanks kept", .in = "protocol_state= RCPT \nrecipient= \n\n", .nreq = 1, .req = { { .f = { [F_STATE] = " RCPT ", [F_RCPT] = " " }, .nr = 2 } } },
	{ .name = "cr inside a value kept", .in = "recipient=a\rb\n\n", .nreq = 1, .req = { { .f = { [F_RCPT] = "a\rb" }, .nr = 1 } } },
	{ .name = "one cr stripped, not two", .in = "recipient=ab\r\r\n\n", .nreq = 1, .req = { { .f = { [F_RCPT] = "ab\r" }, .nr = 1 } } },
	{ .name = "8-bit value", .in = "recipient=j\xc3\xbcrgen@example.org\n\n", .nreq = 1, .req = { { .f = { [F_RCPT] = "j\xc3\xbcrgen@example.org" }, .nr = 1 } } },
	/* --- names --- */
	{ .name = "unknown attributes ignored", .in = "request=smtpd_access_policy\nfuture_attribute=x\nclient_address=192.0.2.1\nx=\nclient=192.0.2.9\nclient_address_v2=192.0.2.8\n\n", .nreq = 1, .req = { { .f = { [F_REQUEST] = "smtpd_access_policy", [F_CLIENT] = "192.0.2.1" }, .nr = 6 } } },
	{ .name = "names are case-sensitive", .in = "Client_Address=192.0.2.1\nREQUEST=smtpd_access_policy\n\n", .nreq = 1, .req = { { .nr = 2 } } },
	{ .name = "name with a blank is another name", .in = "client_address =192.0.2.1\n client_address=192.0.2.2\n\n", .nreq = 1, .req = { { .nr = 2 } } },
	{ .name = "duplicate: the last wins", .in = "client_address=192.0.2.1\nclient_address=192.0.2.2\n\n", .nreq = 1, .req = { { .f = { [F_CLIENT] = "192.0.2.2" }, .nr = 2 } } },
	{ .name = "duplicate: the last wins when empty", .in = "sasl_username=alice\nsasl_username=\n\n", .nreq = 1, .req = { { .nr = 2 } } },
	{ .name = "duplicate count: the last wins", .in = "recipient_count=3\nrecipient_count=x\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 2 } } },
	{ .name = "nothing carried to the next request", .in = "client_address=192.0.2.1\nrecipient_count=2\nsasl_username=a\n\nrequest=smtpd_access_policy\n\n", .nreq = 2, .req = { { .f = { [F_CLIENT] = "192.0.2.1", [F_SASL] = "a" }, .rcpt = 2, .nr = 3 }, { .f = { [F_REQUEST] = "smtpd_access_policy" }, .nr = 1 } } },
	/* --- recipient_count --- */
	{ .name = "count 7", .in = "recipient_count=7\n\n", .nreq = 1, .req = { { .rcpt = 7, .nr = 1 } } },
	{ .name = "count with leading zeros", .in = "recipient_count=007\n\n", .nreq = 1, .req = { { .rcpt = 7, .nr = 1 } } },
	{ .name = "count UINT32_MAX", .in = "recipient_count=4294967295\n\n", .nreq = 1, .req = { { .rcpt = UINT32_MAX, .nr = 1 } } },
	{ .name = "count overflow", .in = "recipient_count=4294967296\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count far over", .in = "recipient_count=99999999999999999999999999\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count not a number", .in = "recipient_count=three\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count with junk after", .in = "recipient_count=12x\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count with the character after '9'", .in = "recipient_count=1:\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count with the character before '0'", .in = "recipient_count=/1\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count negative", .in = "recipient_count=-1\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count with a sign", .in = "recipient_count=+1\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count with a blank", .in = "recipient_count= 1\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	{ .name = "count empty", .in = "recipient_count=\n\n", .nreq = 1, .req = { { .rcpt = 0, .nr = 1 } } },
	/* --- empty lines without a request: skipped --- */
	{ .name = "empty lines only", .in = "\n\r\n\n" },
	{ .name = "empty line first", .in = "\n" REQ_RCPT, .nreq = 1, .req = { WANT_RCPT } },
	{ .name = "empty lines between", .in = REQ_RCPT "\n\r\n" REQ_EOM "\n", .nreq = 2, .req = { WANT_RCPT, WANT_EOM } },
	{ .name = "empty line, then a cut request", .in = "\n\nrequest=x\n", .pending = 10 },
	/* --- bad lines --- */
	{ .name = "no '='", .in = "request\n\n", .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "no '=' after a request", .in = REQ_RCPT "junk\n", .rc = -EPROTO, .pending = ANY_PENDING, .nreq = 1, .req = { WANT_RCPT } },
	{ .name = "no '=' before the empty line", .in = "request=smtpd_access_policy\njunk\n\n", .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "empty name", .in = "=smtpd_access_policy\n\n", .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "lone cr line", .in = "request=x\n\r\r\n", .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "blank line is no empty line", .in = "request=x\n \n", .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "NUL in a value", BYTES("request=smtpd\0access_policy\n\n"), .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "NUL in a name", BYTES("requ\0est=smtpd_access_policy\n\n"), .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "NUL before the cr", BYTES("request=x\0\r\n\n"), .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "NUL as a line", BYTES("request=x\n\0\n"), .rc = -EPROTO, .pending = ANY_PENDING },
	{ .name = "NUL in an unknown attribute", BYTES(REQ_RCPT "x=\0\n\n"), .rc = -EPROTO, .pending = ANY_PENDING, .nreq = 1, .req = { WANT_RCPT } },
	/* a bad line is found at its newline */
	{ .name = "NUL in an unfinished line", BYTES("request=x\0"), .pending = 10 },
	{ .name = "no '=' in an unfinished line", .in = "request", .pending = 7 },
};
/* clang-format on */

/* in as the case sends it: "\n" turned into "\r\n" when it says so. */
static char *case_input(const struct feed_case *c, size_t *len)
{
	size_t n = c->len ? c->len : strlen(c->in), k = 0;
	char *s = malloc(2 * n + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		if (c->crlf && c->in[i] == '\n')
			s[k++] = '\r';
		s[k++] = c->in[i];
	}
	*len = k;
	return s;
}

/* One way of feeding case c: step and cut as feed() takes them. */
static void run_case(const struct feed_case *c, const char *in, size_t len,
		     size_t step, size_t cut, const char *how)
{
	struct policy_parser *p = policy_parser_new();
	struct seen s = {0};
	char name[160];
	int rc;

	assert_non_null(p);
	snprintf(name, sizeof(name), "%s, %s", c->name, how);
	rc = feed(p, in, len, step, cut, &s, name);
	CHECK_INT(name, "rc", rc, c->rc);
	CHECK_INT(name, "requests", s.n, c->nreq);
	if (c->pending != ANY_PENDING)
		CHECK_UINT(name, "pending", policy_parser_pending(p),
			   c->pending);
	for (int i = 0; i < s.n && i < c->nreq && i < MAX_SEEN; i++)
		check_req(name, &s, i, &c->req[i]);
	seen_free(&s);
	policy_parser_free(p);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t len;
		char *in = case_input(&cases[i], &len);
		char how[64];

		run_case(&cases[i], in, len, 0, len, "whole");
		run_case(&cases[i], in, len, 1, 0, "byte by byte");
		/* every 2-way split; a broken case reports its first only */
		for (size_t cut = 1; cut < len; cut++) {
			int before = check_failures;

			snprintf(how, sizeof(how), "split at %zu", cut);
			run_case(&cases[i], in, len, 0, cut, how);
			if (check_failures != before)
				break;
		}
		free(in);
	}
	CHECK_DONE();
}

/* ---- a stream far larger than the buffer --------------------------------- */

struct stream {
	int n, bad;
};

/* Requests alternate: RCPT, END-OF-MESSAGE, RCPT ... */
static int on_stream(const struct policy_request *r, void *ctx)
{
	struct stream *st = ctx;
	bool rcpt = st->n % 2 == 0;

	if (strcmp(r->client_address, rcpt ? "192.0.2.10" : "2001:db8::25") !=
		0 ||
	    strcmp(r->queue_id, rcpt ? "" : "4TqK2x0dJzz9sR") != 0 ||
	    r->recipient_count != (rcpt ? 0 : 3) || r->nr_attrs != 31)
		st->bad++;
	st->n++;
	return 0;
}

static void test_stream(void **state)
{
	enum { N = 400 };
	static const size_t steps[] = {0, 16384, 4096, 1000, 777, 1};
	size_t lr = strlen(REQ_RCPT), le = strlen(REQ_EOM), len = 0;
	char *in = malloc(N / 2 * (lr + le));

	(void)state;
	assert_non_null(in);
	for (int i = 0; i < N / 2; i++) {
		memcpy(in + len, REQ_RCPT, lr);
		len += lr;
		memcpy(in + len, REQ_EOM, le);
		len += le;
	}
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		struct policy_parser *p = policy_parser_new();
		struct stream st = {0};
		size_t step = steps[i] ? steps[i] : len;
		char name[64];
		int rc = 0;

		assert_non_null(p);
		snprintf(name, sizeof(name), "%d requests in reads of %zu", N,
			 step);
		for (size_t at = 0; at < len && !rc; at += step)
			rc = policy_parser_feed(
			    p, in + at, len - at < step ? len - at : step,
			    on_stream, &st);
		CHECK_INT(name, "rc", rc, 0);
		CHECK_INT(name, "requests", st.n, N);
		CHECK_INT(name, "requests with wrong fields", st.bad, 0);
		CHECK_UINT(name, "pending", policy_parser_pending(p), 0);
		policy_parser_free(p);
	}
	free(in);
	CHECK_DONE();
}

/* ---- limits -------------------------------------------------------------- */

/* "name=" and value bytes up to a line of content bytes, then eol. */
static size_t put_line(char *at, const char *name, size_t content,
		       const char *eol)
{
	size_t n = strlen(name);

	memcpy(at, name, n);
	at[n] = '=';
	memset(at + n + 1, 'v', content - n - 1);
	memcpy(at + content, eol, strlen(eol));
	return content + strlen(eol);
}

struct big_case {
	const char *name;
	char *in;
	size_t len;
	int rc;
	size_t pending; /* or ANY_PENDING */
	int nreq;
	unsigned int nr; /* nr_attrs of the last request */
	size_t rcpt_len; /* its recipient's length */
	int later;	 /* what a feed of "\n" after it returns */
};

static int on_big(const struct policy_request *r, void *ctx)
{
	struct big_case *got = ctx;

	got->nreq++;
	got->nr = r->nr_attrs;
	got->rcpt_len = strlen(r->recipient);
	return 0;
}

/* Whole, in the daemon's reads of 16 KiB, one byte at a time. */
static void run_big(const struct big_case *c)
{
	static const size_t steps[] = {0, 16384, 1};

	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		struct policy_parser *p = policy_parser_new();
		struct big_case got = {0};
		size_t step = steps[i] ? steps[i] : c->len;
		char name[160];
		int rc = 0, later;

		assert_non_null(p);
		snprintf(name, sizeof(name), "%s, reads of %zu", c->name, step);
		for (size_t at = 0; at < c->len && !rc; at += step)
			rc = policy_parser_feed(p, c->in + at,
						c->len - at < step ? c->len - at
								   : step,
						on_big, &got);
		CHECK_INT(name, "rc", rc, c->rc);
		CHECK_INT(name, "requests", got.nreq, c->nreq);
		if (c->nreq && got.nreq) {
			CHECK_UINT(name, "nr_attrs", got.nr, c->nr);
			CHECK_UINT(name, "recipient length", got.rcpt_len,
				   c->rcpt_len);
		}
		if (c->pending != ANY_PENDING)
			CHECK_UINT(name, "pending", policy_parser_pending(p),
				   c->pending);
		CHECK(policy_parser_pending(p) <= POLICY_REQUEST_MAX,
		      "case %s: pending %zu over the limit", name,
		      policy_parser_pending(p));
		later = policy_parser_feed(p, "\n", 1, on_big, &got);
		CHECK_INT(name, "a later \"\\n\"", later, c->later);
		policy_parser_free(p);
	}
}

static void test_line_limit(void **state)
{
	enum { L = POLICY_LINE_MAX };
	static const struct {
		const char *name;
		size_t content;
		const char *eol, *more;
		int rc;
		size_t pending;
		int later;
	} lines[] = {
	    {"line of the limit", L, "\n", "\n", 0, 0, 0},
	    {"line of the limit, crlf", L, "\r\n", "\r\n", 0, 0, 0},
	    {"line one over", L + 1, "\n", "\n", -EMSGSIZE, ANY_PENDING,
	     -EMSGSIZE},
	    {"line one over, crlf", L + 1, "\r\n", "\r\n", -EMSGSIZE,
	     ANY_PENDING, -EMSGSIZE},
	    {"line far over", 3 * L, "\n", "\n", -EMSGSIZE, ANY_PENDING,
	     -EMSGSIZE},
	    /* unfinished: L + 1 bytes may still end "\r\n", L + 2 not */
	    {"unfinished line of the limit and a cr", L, "\r", "", 0,
	     18 + L + 1, 0},
	    {"unfinished line one over", L + 1, "", "", 0, 18 + L + 1,
	     -EMSGSIZE},
	    {"unfinished line two over", L + 1, "x", "", -EMSGSIZE, ANY_PENDING,
	     -EMSGSIZE},
	};
	char *buf = malloc(4 * L);

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		struct big_case c = {
		    .name = lines[i].name,
		    .in = buf,
		    .rc = lines[i].rc,
		    .pending = lines[i].pending,
		    .later = lines[i].later,
		};
		size_t n = 18;

		memcpy(buf, "request=smtpd_xyz\n", n);
		n += put_line(buf + n, "recipient", lines[i].content,
			      lines[i].eol);
		memcpy(buf + n, lines[i].more, strlen(lines[i].more));
		n += strlen(lines[i].more);
		c.len = n;
		c.nreq = lines[i].rc == 0 && *lines[i].more ? 1 : 0;
		c.nr = 2;
		c.rcpt_len = lines[i].content - strlen("recipient=");
		run_big(&c);
	}
	free(buf);
	CHECK_DONE();
}

static void test_attrs_limit(void **state)
{
	static const struct {
		const char *name;
		const char *before; /* ahead of the attribute lines */
		unsigned int attrs;
		const char *eol;
		int rc;
	} sizes[] = {
	    {"attributes of the limit", "", POLICY_ATTRS_MAX, "\n", 0},
	    {"attributes of the limit, crlf", "", POLICY_ATTRS_MAX, "\r\n", 0},
	    {"attributes of the limit after a request", REQ_RCPT,
	     POLICY_ATTRS_MAX, "\n", 0},
	    {"attributes of the limit after empty lines", "\n\n\r\n",
	     POLICY_ATTRS_MAX, "\n", 0},
	    {"attributes one over", "", POLICY_ATTRS_MAX + 1, "\n", -E2BIG},
	    {"attributes one over after a request", REQ_RCPT,
	     POLICY_ATTRS_MAX + 1, "\n", -E2BIG},
	};
	char *buf = malloc(64 * (POLICY_ATTRS_MAX + 1) + 4096);

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		size_t n = strlen(sizes[i].before);
		bool one_before = strstr(sizes[i].before, "request=") != NULL;
		struct big_case c = {
		    .name = sizes[i].name,
		    .in = buf,
		    .rc = sizes[i].rc,
		    .pending = sizes[i].rc ? ANY_PENDING : 0,
		    .nreq = (one_before ? 1 : 0) + (sizes[i].rc ? 0 : 1),
		    .nr = sizes[i].rc ? 31 : sizes[i].attrs,
		    .rcpt_len = sizes[i].rc ? strlen("bob@example.org") : 3,
		    .later = sizes[i].rc,
		};

		memcpy(buf, sizes[i].before, n);
		/* the last recipient, "rcp", wins */
		for (unsigned int a = 0; a < sizes[i].attrs; a++)
			n += (size_t)sprintf(buf + n, "recipient=%s%s",
					     a + 1 == sizes[i].attrs ? "rcp"
								     : "r",
					     sizes[i].eol);
		n += (size_t)sprintf(buf + n, "%s", sizes[i].eol);
		c.len = n;
		run_big(&c);
	}
	free(buf);
	CHECK_DONE();
}

/*
 * A request of total bytes, every newline and the empty line included:
 * "request=..." then "x=vvv..." lines as long as lines may be, the last
 * one shorter.  Returns the number of attribute lines.
 */
static unsigned int put_request(char *buf, size_t total, const char *eol)
{
	size_t n = 0, e = strlen(eol), left;
	unsigned int attrs = 1;

	n += (size_t)sprintf(buf, "request=smtpd_access_policy%s", eol);
	left = total - n - e; /* for the attribute lines */
	while (left) {
		size_t k =
		    left < POLICY_LINE_MAX + e ? left : POLICY_LINE_MAX + e;

		/* leave none, or enough for "x=" and the line end */
		if (left - k && left - k < 2 + e + 1)
			k -= 2 + e + 1;
		n += put_line(buf + n, "x", k - e, eol);
		left -= k;
		attrs++;
	}
	memcpy(buf + n, eol, e);
	assert_int_equal(n + e, total);
	return attrs;
}

static void test_request_limit(void **state)
{
	enum { R = POLICY_REQUEST_MAX };
	static const struct {
		const char *name;
		const char *before; /* ahead of the big request */
		size_t total;	    /* of the big request */
		const char *eol;
		bool cut; /* its empty line never comes */
		int rc;
	} sizes[] = {
	    {"request of the limit", "", R, "\n", false, 0},
	    {"request of the limit, crlf", "", R, "\r\n", false, 0},
	    {"request of the limit after a request", REQ_RCPT, R, "\n", false,
	     0},
	    {"request of the limit after empty lines", "\n\r\n", R, "\n", false,
	     0},
	    {"request one over", "", R + 1, "\n", false, -EMSGSIZE},
	    {"request one over, crlf", "", R + 1, "\r\n", false, -EMSGSIZE},
	    {"request one over after a request", REQ_RCPT, R + 1, "\n", false,
	     -EMSGSIZE},
	    {"request far over", "", 3 * R, "\n", false, -EMSGSIZE},
	    /* unfinished: R bytes pending at most */
	    {"unfinished request of the limit", "", R + 1, "\n", true, 0},
	    {"unfinished request one over", "", R + 2, "\n", true, -EMSGSIZE},
	};
	char *buf = malloc(4 * R);

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		size_t n = strlen(sizes[i].before);
		bool one_before = strstr(sizes[i].before, "request=") != NULL;
		struct big_case c = {
		    .name = sizes[i].name,
		    .in = buf,
		    .rc = sizes[i].rc,
		    .nreq = one_before ? 1 : 0,
		    .nr = 31,
		    .rcpt_len = strlen("bob@example.org"),
		    .later = sizes[i].rc,
		};
		unsigned int attrs;

		memcpy(buf, sizes[i].before, n);
		attrs = put_request(buf + n, sizes[i].total, sizes[i].eol);
		c.len = n + sizes[i].total;
		if (sizes[i].cut) /* without its empty line */
			c.len -= strlen(sizes[i].eol);
		if (!sizes[i].rc && !sizes[i].cut) {
			c.nreq++;
			c.nr = attrs;
			c.rcpt_len = 0;
		}
		c.pending = sizes[i].rc	   ? ANY_PENDING
			    : sizes[i].cut ? c.len - n
					   : 0;
		/* after an unfinished request of the limit, nothing fits */
		if (sizes[i].cut && !sizes[i].rc)
			c.later = -EMSGSIZE;
		run_big(&c);
	}
	free(buf);
	CHECK_DONE();
}

/* ---- stopping, and errors that stay -------------------------------------- */

static void test_stop(void **state)
{
	static const struct {
		const char *name;
		int stop_after, stop_rc;
	} stops[] = {
	    {"stop at the first", 1, 7},
	    {"stop at the second with an errno", 2, -EPIPE},
	    {"stop at the last", 3, 1},
	};
	static const char in[] = REQ_RCPT REQ_EOM REQ_RCPT;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(stops); i++) {
		struct policy_parser *p = policy_parser_new();
		struct seen s = {.stop_after = stops[i].stop_after,
				 .stop_rc = stops[i].stop_rc};
		const char *name = stops[i].name;

		assert_non_null(p);
		CHECK_INT(
		    name, "rc",
		    policy_parser_feed(p, in, sizeof(in) - 1, on_request, &s),
		    stops[i].stop_rc);
		CHECK_INT(name, "requests", s.n, stops[i].stop_after);
		CHECK_INT(name, "next feed",
			  policy_parser_feed(p, REQ_EOM, strlen(REQ_EOM),
					     on_request, &s),
			  -ECANCELED);
		CHECK_INT(name, "empty feed",
			  policy_parser_feed(p, "", 0, on_request, &s),
			  -ECANCELED);
		CHECK_INT(name, "requests after", s.n, stops[i].stop_after);
		seen_free(&s);
		policy_parser_free(p);
	}
	CHECK_DONE();
}

static void test_errors_stay(void **state)
{
	static const struct {
		const char *name;
		const char *in;
		size_t len;
		int rc;
	} errs[] = {
	    {"no '='", "junk\n", 5, -EPROTO},
	    {"NUL", "request=\0\n", 10, -EPROTO},
	    {"empty name", "=x\n", 3, -EPROTO},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(errs); i++) {
		struct policy_parser *p = policy_parser_new();
		struct seen s = {0};
		const char *name = errs[i].name;

		assert_non_null(p);
		CHECK_INT(name, "rc",
			  policy_parser_feed(p, errs[i].in, errs[i].len,
					     on_request, &s),
			  errs[i].rc);
		for (int k = 0; k < 3; k++)
			CHECK_INT(name, "a good request after",
				  policy_parser_feed(p, REQ_RCPT,
						     strlen(REQ_RCPT),
						     on_request, &s),
				  errs[i].rc);
		CHECK_INT(name, "an empty feed after",
			  policy_parser_feed(p, NULL, 0, on_request, &s),
			  errs[i].rc);
		CHECK_INT(name, "requests", s.n, 0);
		seen_free(&s);
		policy_parser_free(p);
	}
	CHECK_DONE();
}

static void test_fresh(void **state)
{
	struct policy_parser *p = policy_parser_new();
	struct seen s = {0};

	(void)state;
	assert_non_null(p);
	assert_int_equal(policy_parser_pending(p), 0);
	assert_int_equal(policy_parser_feed(p, NULL, 0, on_request, &s), 0);
	assert_int_equal(policy_parser_pending(p), 0);
	assert_int_equal(s.n, 0);
	policy_parser_free(p);
	policy_parser_free(NULL);
}

/* ---- the answer ---------------------------------------------------------- */

static void test_answer(void **state)
{
	static const struct {
		const char *name;
		const char *action;
		size_t len;	  /* of the buffer */
		const char *want; /* NULL: refused (0) */
	} answers[] = {
	    {"dunno", "DUNNO", 64, "action=DUNNO\n\n"},
	    {"with text", "DEFER_IF_PERMIT Service temporarily unavailable",
	     128, "action=DEFER_IF_PERMIT Service temporarily unavailable\n\n"},
	    {"with '='", "PREPEND X-Score=5", 64,
	     "action=PREPEND X-Score=5\n\n"},
	    {"exact fit", "DUNNO", 15, "action=DUNNO\n\n"},
	    {"one short", "DUNNO", 14, NULL},
	    {"no room", "DUNNO", 0, NULL},
	    {"room for the head only", "OK", 8, NULL},
	    {"newline", "DUNNO\nx", 64, NULL},
	    {"only a newline", "\n", 64, NULL},
	    {"trailing newline", "DUNNO\n", 64, NULL},
	    {"cr", "DUNNO\r", 64, NULL},
	    {"empty", "", 64, NULL},
	    {"null", NULL, 64, NULL},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(answers); i++) {
		char buf[256];
		size_t n;
		const char *name = answers[i].name;

		memset(buf, 'x', sizeof(buf));
		n = policy_format_answer(buf, answers[i].len,
					 answers[i].action);
		if (!answers[i].want) {
			CHECK_UINT(name, "length", n, 0);
			CHECK(buf[0] == 'x' && buf[answers[i].len] == 'x',
			      "case %s: buffer written", name);
			continue;
		}
		CHECK_UINT(name, "length", n, strlen(answers[i].want));
		CHECK_STR(name, "answer", buf, answers[i].want);
		CHECK(buf[answers[i].len] == 'x',
		      "case %s: written past the buffer", name);
	}
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_line_limit),
	    cmocka_unit_test(test_attrs_limit),
	    cmocka_unit_test(test_request_limit),
	    cmocka_unit_test(test_stop),
	    cmocka_unit_test(test_errors_stay),
	    cmocka_unit_test(test_fresh),
	    cmocka_unit_test(test_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
