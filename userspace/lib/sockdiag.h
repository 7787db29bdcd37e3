/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sockdiag.h - ending TCP connections through sock_diag, as `ss -K` does:
 * the fallback of sockclose.c for kernels without bpf_sock_destroy()
 * (before 6.5; Debian 12 runs 6.1).
 *
 * Contract:
 *   - One walk dumps every TCP socket of AF_INET, then of AF_INET6, of the
 *     calling thread's network namespace (SOCK_DIAG_BY_FAMILY) but those
 *     in LISTEN, TIME_WAIT and NEW_SYN_RECV, which the kernel leaves out
 *     (no connection to end there; SOCKDIAG_STATES).  Each is offered to
 *     ops->match(); once both dumps have ended, each match gets a
 *     SOCK_DESTROY exact to it (addresses, ports, interface and cookie:
 *     a socket that reused the same ports meanwhile is not touched).
 *   - The kernel aborts the socket: the server's next read fails with
 *     ECONNABORTED, the client gets a RST.  It needs CAP_NET_ADMIN and a
 *     kernel built with CONFIG_INET_DIAG_DESTROY.
 *   - A dump is a walk of a changing table, not a snapshot: a connection
 *     made during the walk may be missed (the caller's ban in the maps
 *     stops new ones first).  A reply flagged NLM_F_DUMP_INTR is taken as
 *     it is (sockdiag.c says why).
 *   - The module keeps nothing between calls and logs nothing; functions
 *     return 0, a count, or -errno.
 */
#ifndef MXS_SOCKDIAG_H
#define MXS_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/inet_diag.h>

/* The kernel's TCP states (include/net/tcp_states.h) the walk skips. */
#define SOCKDIAG_TCP_SYN_RECV 3
#define SOCKDIAG_TCP_TIME_WAIT 6
#define SOCKDIAG_TCP_LISTEN 10
#define SOCKDIAG_TCP_NEW_SYN_RECV 12
/* idiag_states of the dump: every state 1..12 (TCP_ESTABLISHED ..
 * TCP_NEW_SYN_RECV) but LISTEN, TIME_WAIT, NEW_SYN_RECV, and SYN_RECV
 * too: the kernel's TCP dump adds NEW_SYN_RECV whenever SYN_RECV is
 * asked for.  A full socket in SYN_RECV is a Fast Open child waiting for
 * the handshake's last ACK (which the ban drops: it times out), or one
 * that becomes ESTABLISHED within the packet that made it. */
#define SOCKDIAG_STATES                                                        \
	(0x1ffeu &                                                             \
	 ~((1u << SOCKDIAG_TCP_SYN_RECV) | (1u << SOCKDIAG_TCP_TIME_WAIT) |    \
	   (1u << SOCKDIAG_TCP_LISTEN) | (1u << SOCKDIAG_TCP_NEW_SYN_RECV)))

/* A request as built below: a netlink header and an inet_diag_req_v2. */
#define SOCKDIAG_REQ_LEN 72

/*
 * Every socket the walk sees is offered to match(); raddr is the remote
 * address as 16 bytes, an IPv4 address (AF_INET socket) given v4-mapped
 * (::ffff:a.b.c.d) so that it looks exactly like an IPv4 client of a
 * dual-stack [::] listener; lport is the local port in host byte order.
 * match() returns a tag >= 0 to destroy the socket, or -1 to leave it.
 * done() (may be NULL) is called once per destroy attempted, after both
 * dumps, with the tag and 0 or -errno (-ENOENT: the socket went away
 * meanwhile, not an error worth a warning).  Both run on the caller's
 * thread, inside sockdiag_close_matching().
 */
struct sockdiag_ops {
	int (*match)(void *ctx, const uint8_t raddr[16], uint16_t lport);
	void (*done)(void *ctx, int tag, int err);
	void *ctx;
};

/*
 * 0 when SOCK_DESTROY works here; -EOPNOTSUPP when the kernel lacks
 * CONFIG_INET_DIAG_DESTROY; -EPERM without CAP_NET_ADMIN; other -errno
 * when sock_diag itself cannot be used.  Asks to destroy a socket that
 * cannot exist (a zero sockid, INET_DIAG_NOCOOKIE): ENOENT means the
 * request was understood.  The kernel checks CAP_NET_ADMIN only once it
 * has found a socket, so that is looked up in the process's effective
 * capabilities instead.
 */
int sockdiag_probe(void);

/*
 * Walk every TCP socket of both families in this network namespace
 * whose state is not LISTEN, TIME_WAIT or NEW_SYN_RECV (nor SYN_RECV:
 * SOCKDIAG_STATES says why), and destroy each one that ops->match()
 * picks.  Returns the number of sockets destroyed
 * (done() with 0), or -errno when a dump failed, in which case nothing
 * was destroyed and done() was not called.  A kernel without IPv6
 * (no AF_INET6 handler: ENOENT) has no IPv6 sockets, and is no error.
 */
int sockdiag_close_matching(const struct sockdiag_ops *ops);

/* ---- pure parts, for the unit test ---- */

/* The dump request of family (AF_INET or AF_INET6) into buf: REQUEST|DUMP,
 * IPPROTO_TCP, SOCKDIAG_STATES.  Returns its length (SOCKDIAG_REQ_LEN),
 * or 0 when len is too small. */
size_t sockdiag_build_dump(void *buf, size_t len, uint8_t family, uint32_t seq);

/* The SOCK_DESTROY request of the socket msg describes (a dump's
 * message) into buf: REQUEST|ACK, its family, IPPROTO_TCP, its sockid as
 * it is.  Returns its length, or 0 when len is too small. */
size_t sockdiag_build_destroy(void *buf, size_t len,
			      const struct inet_diag_msg *msg, uint32_t seq);

/* What one netlink message of a reply is. */
enum sockdiag_kind {
	SOCKDIAG_SOCK = 1, /* a socket of a dump: family..diag are set */
	SOCKDIAG_DONE,	   /* NLMSG_DONE: the dump ended; err: its error */
	SOCKDIAG_ACK,	   /* NLMSG_ERROR: err: 0 or -errno */
	SOCKDIAG_OTHER,	   /* anything else (NLMSG_NOOP, an unknown
			    * family): to be skipped */
};

struct sockdiag_msg {
	enum sockdiag_kind kind;
	uint32_t seq;	   /* nlmsg_seq: the request it answers */
	uint16_t flags;	   /* nlmsg_flags (NLM_F_MULTI, NLM_F_DUMP_INTR) */
	int err;	   /* SOCKDIAG_DONE, SOCKDIAG_ACK: 0 or -errno */
	uint8_t family;	   /* AF_INET or AF_INET6 */
	uint8_t state;	   /* TCP state */
	uint16_t lport;	   /* local port, host byte order */
	uint8_t raddr[16]; /* remote address, IPv4 as ::ffff:a.b.c.d */
	struct inet_diag_msg diag; /* the message, for the destroy */
};

/*
 * Read the netlink message at buf + *off of a reply len bytes long into
 * out (the buffer needs no alignment: it is copied), and move *off past
 * it.  Returns 1 for a message, 0 at the end of the buffer, -EBADMSG for
 * a message that is cut short, claims more than the buffer holds, or is
 * too short for its type (the rest of the buffer cannot be trusted).
 */
int sockdiag_parse(const void *buf, size_t len, size_t *off,
		   struct sockdiag_msg *out);

#endif /* MXS_SOCKDIAG_H */
