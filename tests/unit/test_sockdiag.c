// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_sockdiag.c - unit tests of sockdiag.c's pure parts: the dump and
 * SOCK_DESTROY requests as the kernel reads them, and the parser of its
 * replies (dump messages, NLMSG_DONE, acks) on hand-built buffers.
 *
 * Each reply is copied into a heap block of exactly its length, so that
 * a read past the end shows under the sanitizer build (unit-san).  The
 * walk itself needs a kernel; it is checked by hand in a network
 * namespace, not here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <cmocka.h>

#include "lib/sockdiag.h"
#include "check.h"

/* ---- building replies ---------------------------------------------------- */

struct reply {
	unsigned char b[4096];
	size_t len;
};

/* Append a message of type with body[0..body_len); nlmsg_len says
 * claim_len when not 0 (to lie about it), padding to 4 bytes unless
 * unpadded. */
static void put_msg(struct reply *r, uint16_t type, uint16_t flags,
		    uint32_t seq, const void *body, size_t body_len,
		    uint32_t claim_len, int unpadded)
{
	struct nlmsghdr nlh = {
	    .nlmsg_len =
		claim_len ? claim_len : (uint32_t)(sizeof(nlh) + body_len),
	    .nlmsg_type = type,
	    .nlmsg_flags = flags,
	    .nlmsg_seq = seq,
	};
	size_t len = sizeof(nlh) + body_len;

	assert_true(r->len + NLMSG_ALIGN(len) <= sizeof(r->b));
	memcpy(r->b + r->len, &nlh, sizeof(nlh));
	if (body_len)
		memcpy(r->b + r->len + sizeof(nlh), body, body_len);
	r->len += unpadded ? len : NLMSG_ALIGN(len);
}

static void put_int(struct reply *r, uint16_t type, uint32_t seq, int v)
{
	put_msg(r, type, NLM_F_MULTI, seq, &v, sizeof(v), 0, 0);
}

/* An ack as the kernel sends it with NETLINK_CAP_ACK: the error and the
 * request's header. */
static void put_ack(struct reply *r, uint32_t seq, int error)
{
	struct nlmsgerr e = {
	    .error = error,
	    .msg = {.nlmsg_len = SOCKDIAG_REQ_LEN,
		    .nlmsg_type = SOCK_DESTROY,
		    .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		    .nlmsg_seq = seq},
	};

	put_msg(r, NLMSG_ERROR, 0, seq, &e, sizeof(e), 0, 0);
}

/* A dump's message of a socket: laddr:lport <-> raddr:rport. */
static struct inet_diag_msg sock_msg(uint8_t family, uint8_t state,
				     const char *laddr, uint16_t lport,
				     const char *raddr, uint16_t rport,
				     uint32_t ifindex, uint64_t cookie)
{
	struct inet_diag_msg m;

	memset(&m, 0, sizeof(m));
	m.idiag_family = family;
	m.idiag_state = state;
	m.id.idiag_sport = htons(lport);
	m.id.idiag_dport = htons(rport);
	assert_int_equal(inet_pton(family, laddr, m.id.idiag_src), 1);
	assert_int_equal(inet_pton(family, raddr, m.id.idiag_dst), 1);
	m.id.idiag_if = ifindex;
	m.id.idiag_cookie[0] = (uint32_t)cookie;
	m.id.idiag_cookie[1] = (uint32_t)(cookie >> 32);
	m.idiag_inode = 4242;
	return m;
}

static void put_sock(struct reply *r, uint32_t seq,
		     const struct inet_diag_msg *m)
{
	put_msg(r, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, seq, m, sizeof(*m), 0, 0);
}

/* r's bytes in a block of exactly their length. */
static unsigned char *exact(const struct reply *r)
{
	unsigned char *p = malloc(r->len ? r->len : 1);

	assert_non_null(p);
	memcpy(p, r->b, r->len);
	return p;
}

static const char *addr16(const uint8_t a[16], char *buf, size_t len)
{
	return inet_ntop(AF_INET6, a, buf, (socklen_t)len);
}

/* ---- requests ------------------------------------------------------------ */

/* The two headers of a request, read back as the kernel reads them. */
static void read_req(const unsigned char *buf, struct nlmsghdr *nlh,
		     struct inet_diag_req_v2 *req)
{
	memcpy(nlh, buf, sizeof(*nlh));
	memcpy(req, buf + sizeof(*nlh), sizeof(*req));
}

static void test_dump_request(void **state)
{
	static const struct {
		const char *name;
		uint8_t family;
		uint32_t seq;
	} cases[] = {
	    {"AF_INET", AF_INET, 1},
	    {"AF_INET6", AF_INET6, 2},
	    {"seq wraps", AF_INET, 0xffffffffu},
	};
	/* TCP states: 1 ESTABLISHED .. 12 NEW_SYN_RECV */
	/* clang-format off */
	static const struct {
		uint8_t state;
		int wanted;
	} states[] = {
		{ 1, 1 },  /* ESTABLISHED */
		{ 2, 1 },  /* SYN_SENT */
		{ 3, 0 },  /* SYN_RECV: the kernel adds NEW_SYN_RECV to it */
		{ 4, 1 },  /* FIN_WAIT1 */
		{ 5, 1 },  /* FIN_WAIT2 */
		{ 6, 0 },  /* TIME_WAIT */
		{ 7, 1 },  /* CLOSE */
		{ 8, 1 },  /* CLOSE_WAIT */
		{ 9, 1 },  /* LAST_ACK */
		{ 10, 0 }, /* LISTEN */
		{ 11, 1 }, /* CLOSING */
		{ 12, 0 }, /* NEW_SYN_RECV */
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *name = cases[i].name;
		/* odd offset: the builder must not need alignment */
		unsigned char raw[SOCKDIAG_REQ_LEN + 1], *buf = raw + 1;
		struct inet_diag_sockid zero;
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
		size_t len;

		memset(raw, 0xa5, sizeof(raw));
		memset(&zero, 0, sizeof(zero));
		len = sockdiag_build_dump(buf, SOCKDIAG_REQ_LEN,
					  cases[i].family, cases[i].seq);
		CHECK_UINT(name, "length", len, SOCKDIAG_REQ_LEN);
		read_req(buf, &nlh, &req);
		CHECK_UINT(name, "nlmsg_len", nlh.nlmsg_len, SOCKDIAG_REQ_LEN);
		CHECK_UINT(name, "nlmsg_type", nlh.nlmsg_type,
			   SOCK_DIAG_BY_FAMILY);
		CHECK_UINT(name, "nlmsg_flags", nlh.nlmsg_flags,
			   NLM_F_REQUEST | NLM_F_DUMP);
		CHECK_UINT(name, "nlmsg_seq", nlh.nlmsg_seq, cases[i].seq);
		CHECK_UINT(name, "nlmsg_pid", nlh.nlmsg_pid, 0);
		CHECK_UINT(name, "sdiag_family", req.sdiag_family,
			   cases[i].family);
		CHECK_UINT(name, "sdiag_protocol", req.sdiag_protocol,
			   IPPROTO_TCP);
		CHECK_UINT(name, "idiag_ext", req.idiag_ext, 0);
		CHECK_UINT(name, "pad", req.pad, 0);
		CHECK_UINT(name, "idiag_states", req.idiag_states,
			   SOCKDIAG_STATES);
		CHECK_INT(name, "sockid zero (no port filter)",
			  memcmp(&req.id, &zero, sizeof(zero)), 0);
		for (size_t j = 0; j < ARRAY_LEN(states); j++) {
			char what[32];

			snprintf(what, sizeof(what), "state %u asked for",
				 states[j].state);
			CHECK_INT(
			    name, what,
			    !!(req.idiag_states & (1u << states[j].state)),
			    states[j].wanted);
		}
		CHECK_UINT(name, "states beyond NEW_SYN_RECV",
			   req.idiag_states & ~0x1ffeu, 0);
	}
	CHECK_DONE();
}

static void test_destroy_request(void **state)
{
	const struct {
		const char *name;
		struct inet_diag_msg msg;
		uint32_t seq;
	} cases[] = {
	    {"IPv4 with cookie",
	     sock_msg(AF_INET, 1, "192.0.2.25", 25, "198.51.100.7", 40001, 0,
		      0x0123456789abcdefull),
	     7},
	    {"IPv6 bound to an interface",
	     sock_msg(AF_INET6, 8, "2001:db8::25", 587, "2001:db8:1::9", 65535,
		      3, 0xfffffffe00000001ull),
	     8},
	    {"v4-mapped on a [::] listener",
	     sock_msg(AF_INET6, 1, "::ffff:192.0.2.25", 25,
		      "::ffff:203.0.113.5", 1024, 0, 42),
	     0x80000000u},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *name = cases[i].name;
		const struct inet_diag_msg *m = &cases[i].msg;
		unsigned char raw[SOCKDIAG_REQ_LEN + 3], *buf = raw + 3;
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
		size_t len = sockdiag_build_destroy(buf, SOCKDIAG_REQ_LEN, m,
						    cases[i].seq);

		CHECK_UINT(name, "length", len, SOCKDIAG_REQ_LEN);
		read_req(buf, &nlh, &req);
		CHECK_UINT(name, "nlmsg_len", nlh.nlmsg_len, SOCKDIAG_REQ_LEN);
		CHECK_UINT(name, "nlmsg_type", nlh.nlmsg_type, SOCK_DESTROY);
		CHECK_UINT(name, "nlmsg_flags", nlh.nlmsg_flags,
			   NLM_F_REQUEST | NLM_F_ACK);
		CHECK_UINT(name, "nlmsg_seq", nlh.nlmsg_seq, cases[i].seq);
		CHECK_UINT(name, "sdiag_family", req.sdiag_family,
			   m->idiag_family);
		CHECK_UINT(name, "sdiag_protocol", req.sdiag_protocol,
			   IPPROTO_TCP);
		CHECK_UINT(name, "idiag_ext", req.idiag_ext, 0);
		CHECK_INT(name, "sockid byte for byte",
			  memcmp(&req.id, &m->id, sizeof(m->id)), 0);
		CHECK_UINT(name, "cookie[0]", req.id.idiag_cookie[0],
			   m->id.idiag_cookie[0]);
		CHECK_UINT(name, "cookie[1]", req.id.idiag_cookie[1],
			   m->id.idiag_cookie[1]);
		CHECK_UINT(name, "interface", req.id.idiag_if, m->id.idiag_if);
	}
	CHECK_DONE();
}

static void test_buffer_too_small(void **state)
{
	unsigned char buf[SOCKDIAG_REQ_LEN];
	struct inet_diag_msg m =
	    sock_msg(AF_INET, 1, "192.0.2.1", 25, "192.0.2.2", 1000, 0, 1);
	static const size_t lens[] = {0, 1, 16, SOCKDIAG_REQ_LEN - 1};

	for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
		char name[32];

		snprintf(name, sizeof(name), "len %zu", lens[i]);
		memset(buf, 0x5a, sizeof(buf));
		CHECK_UINT(name, "dump",
			   sockdiag_build_dump(buf, lens[i], AF_INET, 1), 0);
		CHECK_UINT(name, "destroy",
			   sockdiag_build_destroy(buf, lens[i], &m, 1), 0);
		CHECK_UINT(name, "buffer untouched", buf[0], 0x5a);
	}
	CHECK_UINT("NULL buffer", "dump",
		   sockdiag_build_dump(NULL, 4096, AF_INET, 1), 0);
	CHECK_UINT("NULL buffer", "destroy",
		   sockdiag_build_destroy(NULL, 4096, &m, 1), 0);
	CHECK_DONE();
}

/* ---- replies ------------------------------------------------------------- */

/* What sockdiag_parse() should make of one message. */
struct want {
	int rc;
	enum sockdiag_kind kind;
	uint32_t seq;
	int err;
	uint8_t family;
	uint16_t lport;
	const char *raddr; /* as inet_ntop(AF_INET6) writes it */
};

#define W_SOCK(s, fam, port, addr)                                             \
	{                                                                      \
		.rc = 1, .kind = SOCKDIAG_SOCK, .seq = (s), .family = (fam),   \
		.lport = (port), .raddr = (addr)                               \
	}
#define W_CTL(k, s, e)                                                         \
	{                                                                      \
		.rc = 1, .kind = (k), .seq = (s), .err = (e)                   \
	}
#define W_BAD                                                                  \
	{                                                                      \
		.rc = -EBADMSG                                                 \
	}

/* Parse all of r and compare with want[0..n): each message, then the
 * end (0) or an error that stops the walk. */
static void parse_all(const char *name, const struct reply *r,
		      const struct inet_diag_msg *const *diag,
		      const struct want *want, size_t n)
{
	unsigned char *buf = exact(r);
	size_t off = 0;

	for (size_t i = 0; i <= n; i++) {
		struct sockdiag_msg m;
		char what[48], got_a[INET6_ADDRSTRLEN];
		size_t before = off;
		int rc = sockdiag_parse(buf, r->len, &off, &m);
		int want_rc = i < n ? want[i].rc : 0;

		snprintf(what, sizeof(what), "message %zu: rc", i);
		CHECK_INT(name, what, rc, want_rc);
		if (rc <= 0) {
			snprintf(what, sizeof(what), "message %zu: offset", i);
			CHECK_UINT(name, what, off, before);
			break;
		}
		CHECK(off > before && off <= r->len,
		      "case %s: message %zu: offset: got %zu, want in (%zu, "
		      "%zu]",
		      name, i, off, before, r->len);
		snprintf(what, sizeof(what), "message %zu: kind", i);
		CHECK_INT(name, what, m.kind, want[i].kind);
		snprintf(what, sizeof(what), "message %zu: seq", i);
		CHECK_UINT(name, what, m.seq, want[i].seq);
		snprintf(what, sizeof(what), "message %zu: err", i);
		CHECK_INT(name, what, m.err, want[i].err);
		if (want[i].kind != SOCKDIAG_SOCK)
			continue;
		snprintf(what, sizeof(what), "message %zu: family", i);
		CHECK_UINT(name, what, m.family, want[i].family);
		snprintf(what, sizeof(what), "message %zu: lport", i);
		CHECK_UINT(name, what, m.lport, want[i].lport);
		snprintf(what, sizeof(what), "message %zu: raddr", i);
		CHECK_STR(name, what, addr16(m.raddr, got_a, sizeof(got_a)),
			  want[i].raddr);
		snprintf(what, sizeof(what), "message %zu: diag copied", i);
		CHECK_INT(name, what, memcmp(&m.diag, diag[i], sizeof(m.diag)),
			  0);
	}
	free(buf);
}

static void test_parse_dump(void **state)
{
	const struct inet_diag_msg v4 = sock_msg(AF_INET, 1, "192.0.2.25", 25,
						 "198.51.100.7", 40001, 0, 11);
	const struct inet_diag_msg v6 = sock_msg(
	    AF_INET6, 8, "2001:db8::25", 587, "2001:db8:1::9", 50000, 2, 12);
	const struct inet_diag_msg mapped =
	    sock_msg(AF_INET6, 4, "::ffff:192.0.2.25", 2587,
		     "::ffff:203.0.113.5", 1024, 0, 13);
	const struct inet_diag_msg high = sock_msg(
	    AF_INET, 2, "10.0.0.1", 65535, "255.255.255.255", 1, 0, 14);
	const struct inet_diag_msg *diag[] = {&v4, &v6, &mapped, &high, NULL};
	/* clang-format off */
	const struct want want[] = {
		W_SOCK(5, AF_INET, 25, "::ffff:198.51.100.7"),
		W_SOCK(5, AF_INET6, 587, "2001:db8:1::9"),
		W_SOCK(5, AF_INET6, 2587, "::ffff:203.0.113.5"),
		W_SOCK(5, AF_INET, 65535, "::ffff:255.255.255.255"),
		W_CTL(SOCKDIAG_DONE, 5, 0),
	};
	/* clang-format on */
	struct reply r = {.len = 0};

	put_sock(&r, 5, &v4);
	put_sock(&r, 5, &v6);
	put_sock(&r, 5, &mapped);
	put_sock(&r, 5, &high);
	put_int(&r, NLMSG_DONE, 5, 0);
	parse_all("dump of four sockets, then DONE", &r, diag, want,
		  ARRAY_LEN(want));
	CHECK_DONE();
}

/* Messages that stand alone: DONE, acks, what is skipped. */
static void test_parse_control(void **state)
{
	enum shape {
		DONE_INT,   /* NLMSG_DONE with value */
		DONE_EMPTY, /* NLMSG_DONE without payload */
		ACK,	    /* NLMSG_ERROR value, with the request's header */
		ACK_BARE,   /* NLMSG_ERROR value alone */
		NOOP,	    /* NLMSG_NOOP */
		FAMILY,	    /* a socket of family value */
		SOCK_UNPADDED, /* a socket, 3 bytes longer, unpadded */
	};
	/* clang-format off */
	static const struct {
		const char *name;
		enum shape shape;
		int value;
		struct want want;
	} cases[] = {
		{ "DONE 0", DONE_INT, 0, W_CTL(SOCKDIAG_DONE, 9, 0) },
		{ "DONE with the dump's error", DONE_INT, -ENOBUFS,
		  W_CTL(SOCKDIAG_DONE, 9, -ENOBUFS) },
		{ "DONE without payload (old kernels)", DONE_EMPTY, 0,
		  W_CTL(SOCKDIAG_DONE, 9, 0) },
		{ "ack 0", ACK, 0, W_CTL(SOCKDIAG_ACK, 9, 0) },
		{ "ack ENOENT", ACK, -ENOENT, W_CTL(SOCKDIAG_ACK, 9, -ENOENT) },
		{ "ack EOPNOTSUPP", ACK, -EOPNOTSUPP,
		  W_CTL(SOCKDIAG_ACK, 9, -EOPNOTSUPP) },
		{ "ack EPERM, error alone", ACK_BARE, -EPERM,
		  W_CTL(SOCKDIAG_ACK, 9, -EPERM) },
		{ "ack with a positive error", ACK_BARE, 5, W_BAD },
		{ "ack with an errno past MAX_ERRNO", ACK_BARE, -4096, W_BAD },
		{ "DONE with a positive value", DONE_INT, 1, W_BAD },
		{ "NLMSG_NOOP", NOOP, 0, W_CTL(SOCKDIAG_OTHER, 9, 0) },
		{ "a socket of family AF_UNIX", FAMILY, AF_UNIX,
		  W_CTL(SOCKDIAG_OTHER, 9, 0) },
		{ "last message without padding", SOCK_UNPADDED, 0,
		  W_SOCK(9, AF_INET, 25, "::ffff:192.0.2.9") },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct inet_diag_msg m = sock_msg(AF_INET, 1, "192.0.2.1", 25,
						  "192.0.2.9", 1000, 0, 1);
		const struct inet_diag_msg *diag[] = {&m};
		struct reply r = {.len = 0};
		char extra[3] = {0};

		switch (cases[i].shape) {
		case DONE_INT:
			put_int(&r, NLMSG_DONE, 9, cases[i].value);
			break;
		case DONE_EMPTY:
			put_msg(&r, NLMSG_DONE, NLM_F_MULTI, 9, NULL, 0, 0, 0);
			break;
		case ACK:
			put_ack(&r, 9, cases[i].value);
			break;
		case ACK_BARE:
			put_int(&r, NLMSG_ERROR, 9, cases[i].value);
			break;
		case NOOP:
			put_msg(&r, NLMSG_NOOP, 0, 9, NULL, 0, 0, 0);
			break;
		case FAMILY:
			m.idiag_family = (uint8_t)cases[i].value;
			put_sock(&r, 9, &m);
			break;
		case SOCK_UNPADDED:
			/* 3 bytes of extensions: 16 + 72 + 3 is not a
			 * multiple of 4, and nothing follows */
			{
				unsigned char body[sizeof(m) + sizeof(extra)];

				memcpy(body, &m, sizeof(m));
				memcpy(body + sizeof(m), extra, sizeof(extra));
				put_msg(&r, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 9,
					body, sizeof(body), 0, 1);
			}
			break;
		}
		parse_all(cases[i].name, &r, diag, &cases[i].want, 1);
	}
	CHECK_DONE();
}

/* Replies cut short or lying about their lengths: refused, and never a
 * byte read past the end (the sanitizer build would show it). */
static void test_parse_malformed(void **state)
{
	const struct inet_diag_msg m =
	    sock_msg(AF_INET, 1, "192.0.2.1", 25, "192.0.2.9", 1000, 0, 1);
	const struct inet_diag_msg *diag[] = {&m, &m};
	static const struct want good =
	    W_SOCK(3, AF_INET, 25, "::ffff:192.0.2.9");
	static const struct want bad = W_BAD;
	enum flaw {
		HEADER_CUT, /* 10 bytes of a header */
		LEN_BELOW,  /* nlmsg_len 15 */
		LEN_ZERO,   /* nlmsg_len 0 */
		LEN_BEYOND, /* nlmsg_len 4 bytes more than there is */
		SOCK_SHORT, /* a socket message of 71 bytes */
		SOCK_CUT,   /* a socket message, the buffer a byte short */
		ACK_EMPTY,  /* an ack without its error */
		ACK_HALF,   /* an ack of 2 bytes */
		DONE_HALF,  /* a DONE of 2 bytes */
	};
	/* clang-format off */
	static const struct {
		const char *name;
		enum flaw flaw;
		int after_good; /* a good message before the bad one */
	} cases[] = {
		{ "header cut short", HEADER_CUT, 0 },
		{ "header cut short after a good message", HEADER_CUT, 1 },
		{ "nlmsg_len below the header", LEN_BELOW, 0 },
		{ "nlmsg_len 0", LEN_ZERO, 0 },
		{ "nlmsg_len beyond the buffer", LEN_BEYOND, 0 },
		{ "nlmsg_len beyond, after a good message", LEN_BEYOND, 1 },
		{ "socket message one byte short", SOCK_SHORT, 0 },
		{ "socket message cut by the buffer", SOCK_CUT, 1 },
		{ "ack without its error", ACK_EMPTY, 0 },
		{ "ack with half an error", ACK_HALF, 0 },
		{ "DONE with half an error", DONE_HALF, 0 },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct reply r = {.len = 0};
		struct want w[2];
		size_t n = 0;

		if (cases[i].after_good) {
			put_sock(&r, 3, &m);
			w[n++] = good;
		}
		switch (cases[i].flaw) {
		case HEADER_CUT:
			memset(r.b + r.len, 0, 10);
			r.len += 10;
			break;
		case LEN_BELOW:
			put_msg(&r, NLMSG_DONE, 0, 3, NULL, 0, 15, 0);
			break;
		case LEN_ZERO:
			put_msg(&r, NLMSG_DONE, 0, 3, NULL, 0, 0, 0);
			memset(r.b + r.len - 16, 0, 4);
			break;
		case LEN_BEYOND:
			put_msg(&r, SOCK_DIAG_BY_FAMILY, 0, 3, &m, sizeof(m),
				(uint32_t)(16 + sizeof(m) + 4), 0);
			break;
		case SOCK_SHORT:
			put_msg(&r, SOCK_DIAG_BY_FAMILY, 0, 3, &m,
				sizeof(m) - 1, 0, 0);
			break;
		case SOCK_CUT:
			put_sock(&r, 3, &m);
			r.len -= 1;
			break;
		case ACK_EMPTY:
			put_msg(&r, NLMSG_ERROR, 0, 3, NULL, 0, 0, 0);
			break;
		case ACK_HALF:
			put_msg(&r, NLMSG_ERROR, 0, 3, "\0\0", 2, 0, 1);
			break;
		case DONE_HALF:
			put_msg(&r, NLMSG_DONE, 0, 3, "\0\0", 2, 0, 1);
			break;
		}
		w[n++] = bad;
		parse_all(cases[i].name, &r, diag, w, n);
	}
	CHECK_DONE();
}

static void test_parse_empty(void **state)
{
	struct sockdiag_msg m;
	unsigned char b[1] = {0};
	size_t off = 0;

	CHECK_INT("empty buffer", "rc", sockdiag_parse(b, 0, &off, &m), 0);
	off = 7;
	CHECK_INT("offset at the end", "rc", sockdiag_parse(b, 1, &off, &m), 0);
	CHECK_DONE();
}

static void test_close_matching_args(void **state)
{
	struct sockdiag_ops no_match = {.match = NULL};

	CHECK_INT("NULL ops", "rc", sockdiag_close_matching(NULL), -EINVAL);
	CHECK_INT("no match()", "rc", sockdiag_close_matching(&no_match),
		  -EINVAL);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dump_request),
	    cmocka_unit_test(test_destroy_request),
	    cmocka_unit_test(test_buffer_too_small),
	    cmocka_unit_test(test_parse_dump),
	    cmocka_unit_test(test_parse_control),
	    cmocka_unit_test(test_parse_malformed),
	    cmocka_unit_test(test_parse_empty),
	    cmocka_unit_test(test_close_matching_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
