// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sockdiag.c - ending TCP connections through sock_diag (sockdiag.h).
 *
 * One walk, one netlink socket: dump AF_INET, dump AF_INET6, then send
 * the SOCK_DESTROYs in batches and read their acks.  `ss -K` destroys
 * while it dumps, on a second socket; here the matches are collected
 * first and destroyed once both dumps have ended, for two reasons.  The
 * kernel resumes a dump at each recv by position (hash bucket, index in
 * the bucket): a socket removed from a bucket the dump is part way
 * through shifts the next one onto an index already counted, and that
 * one would be skipped.  And with the dumps over, nothing but acks can
 * be queued on the socket, so one socket does.
 *
 * The walk is not restarted on NLM_F_DUMP_INTR: it is taken as it is.
 * The TCP dump does not set that flag (up to 6.x at least: it keeps no
 * generation count of the hash to compare), and when a kernel does, a walk
 * begun again would see the same kind of change again; every socket a reply
 * names was real, and its destroy is exact (cookie), so acting on it is safe.
 * What a walk can miss is a connection made while it ran, which the caller's
 * ban in the maps already stops from being made after it.
 *
 * Memory: one heap block per walk (the receive buffer and the walk's
 * state), and the list of matches, grown by doubling; nothing per
 * socket seen.  A message is copied out of the buffer once, into a
 * struct on the stack.
 *
 * The kernel answers within the sendmsg() that asks (sock_diag runs in
 * the caller's context, a dump goes on inside each recvmsg()), so a
 * receive never waits for anything; SOCKDIAG_TIMEOUT_S only bounds a
 * hang nobody could explain.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "sockdiag.h"

/* One receive.  A dump's replies are at most 32 KB (the kernel caps its
 * dump buffers there); twice that, and a truncated read (MSG_TRUNC) is an
 * error rather than a silent loss. */
#define SOCKDIAG_BUF 65536
/* Destroys per sendmsg(): their acks (under 1 KB each as the receive
 * queue counts them) stay far below the default receive buffer (208 KB),
 * so none is dropped. */
#define SOCKDIAG_BATCH 32
#define SOCKDIAG_TIMEOUT_S 5
/* The largest errno an ack can carry (the kernel's MAX_ERRNO). */
#define SOCKDIAG_MAX_ERRNO 4095
/* An ack not yet received, in sockdiag_destroy_batch(). */
#define SOCKDIAG_PENDING 1

_Static_assert(sizeof(struct nlmsghdr) + sizeof(struct inet_diag_req_v2) ==
		   SOCKDIAG_REQ_LEN,
	       "SOCKDIAG_REQ_LEN");
_Static_assert((SOCKDIAG_BATCH * SOCKDIAG_REQ_LEN) <= SOCKDIAG_BUF,
	       "a batch of requests fits the buffer");

/* A socket picked by match(), destroyed after the dumps. */
struct sockdiag_match {
	struct inet_diag_msg msg;
	int tag;
};

struct sockdiag_walk {
	int fd;
	uint32_t seq; /* the last one sent */
	const struct sockdiag_ops *ops;
	struct sockdiag_match *m;
	size_t n, cap;
	alignas(struct nlmsghdr) unsigned char buf[SOCKDIAG_BUF];
};

/* ---- requests and replies (pure) ---------------------------------------- */

static size_t sockdiag_build(void *buf, size_t len, uint16_t type,
			     uint16_t flags, uint32_t seq,
			     const struct inet_diag_req_v2 *req)
{
	struct nlmsghdr nlh = {
	    .nlmsg_len = SOCKDIAG_REQ_LEN,
	    .nlmsg_type = type,
	    .nlmsg_flags = flags,
	    .nlmsg_seq = seq,
	};

	if (!buf || len < SOCKDIAG_REQ_LEN)
		return 0;
	/* copied in: buf needs no alignment (batches are packed) */
	memcpy(buf, &nlh, sizeof(nlh));
	memcpy((unsigned char *)buf + sizeof(nlh), req, sizeof(*req));
	return SOCKDIAG_REQ_LEN;
}

size_t sockdiag_build_dump(void *buf, size_t len, uint8_t family, uint32_t seq)
{
	struct inet_diag_req_v2 req = {
	    .sdiag_family = family,
	    .sdiag_protocol = IPPROTO_TCP,
	    .idiag_states = SOCKDIAG_STATES,
	};

	return sockdiag_build(buf, len, SOCK_DIAG_BY_FAMILY,
			      NLM_F_REQUEST | NLM_F_DUMP, seq, &req);
}

size_t sockdiag_build_destroy(void *buf, size_t len,
			      const struct inet_diag_msg *msg, uint32_t seq)
{
	struct inet_diag_req_v2 req = {
	    .sdiag_family = msg->idiag_family,
	    .sdiag_protocol = IPPROTO_TCP,
	    /* the whole sockid: the kernel looks the socket up by its
	     * addresses, ports and interface, then checks the cookie */
	    .id = msg->id,
	};

	return sockdiag_build(buf, len, SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK,
			      seq, &req);
}

/* The errno of a DONE or an ack: 0 or a negative errno, else malformed. */
static int sockdiag_errno(const unsigned char *body, size_t len, int *err)
{
	int v;

	if (len < sizeof(v))
		return -EBADMSG;
	memcpy(&v, body, sizeof(v));
	if (v > 0 || v < -SOCKDIAG_MAX_ERRNO)
		return -EBADMSG;
	*err = v;
	return 0;
}

static int sockdiag_parse_sock(const unsigned char *body, size_t len,
			       struct sockdiag_msg *out)
{
	static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};
	const struct inet_diag_sockid *id = &out->diag.id;

	if (len < sizeof(out->diag))
		return -EBADMSG;
	memcpy(&out->diag, body, sizeof(out->diag));
	out->family = out->diag.idiag_family;
	out->state = out->diag.idiag_state;
	out->lport = ntohs(id->idiag_sport);
	if (out->family == AF_INET) {
		/* as an IPv4 client of a [::] listener shows */
		memcpy(out->raddr, v4mapped, sizeof(v4mapped));
		memcpy(out->raddr + 12, &id->idiag_dst[0], 4);
	} else if (out->family == AF_INET6) {
		memcpy(out->raddr, id->idiag_dst, 16);
	} else {
		out->kind = SOCKDIAG_OTHER;
		return 0;
	}
	out->kind = SOCKDIAG_SOCK;
	return 0;
}

int sockdiag_parse(const void *buf, size_t len, size_t *off,
		   struct sockdiag_msg *out)
{
	const unsigned char *p = buf;
	struct nlmsghdr nlh;
	size_t at = *off, body_len, next;
	int err = 0;

	if (at >= len)
		return 0;
	if (len - at < sizeof(nlh))
		return -EBADMSG;
	memcpy(&nlh, p + at, sizeof(nlh));
	if (nlh.nlmsg_len < sizeof(nlh) || nlh.nlmsg_len > len - at)
		return -EBADMSG;
	body_len = nlh.nlmsg_len - sizeof(nlh);
	memset(out, 0, sizeof(*out));
	out->seq = nlh.nlmsg_seq;
	out->flags = nlh.nlmsg_flags;
	switch (nlh.nlmsg_type) {
	case NLMSG_DONE:
		out->kind = SOCKDIAG_DONE;
		/* the dump's own error, since Linux 4.x; none before */
		if (body_len)
			err = sockdiag_errno(p + at + sizeof(nlh), body_len,
					     &out->err);
		break;
	case NLMSG_ERROR:
		out->kind = SOCKDIAG_ACK;
		err = sockdiag_errno(p + at + sizeof(nlh), body_len, &out->err);
		break;
	case SOCK_DIAG_BY_FAMILY:
		err = sockdiag_parse_sock(p + at + sizeof(nlh), body_len, out);
		break;
	default:
		out->kind = SOCKDIAG_OTHER;
		break;
	}
	if (err)
		return err;
	/* the last message of a datagram may lack its padding */
	next = at + NLMSG_ALIGN(nlh.nlmsg_len);
	*off = next < len ? next : len;
	return 1;
}

/* ---- the netlink socket -------------------------------------------------- */

static int sockdiag_open(void)
{
	struct timeval tv = {.tv_sec = SOCKDIAG_TIMEOUT_S};
	int one = 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		return -errno;
	/* An error's ack then carries the request's header only, not the
	 * whole request; a kernel before 4.2 without it is no matter. */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int sockdiag_send(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	ssize_t n;

	do
		n = sendto(fd, buf, len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* a netlink datagram goes whole or not at all */
	return (size_t)n == len ? 0 : -EIO;
}

/* One datagram from the kernel (anything another process sent us is
 * dropped).  Returns its length, -EAGAIN when nothing came (timeout, or
 * MSG_DONTWAIT), -EMSGSIZE when it did not fit, or -errno. */
static ssize_t sockdiag_recv(int fd, void *buf, size_t len, int flags)
{
	struct sockaddr_nl from;
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr mh = {
	    .msg_name = &from,
	    .msg_namelen = sizeof(from),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	};
	ssize_t n;

	for (;;) {
		mh.msg_namelen = sizeof(from);
		n = recvmsg(fd, &mh, flags);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (mh.msg_namelen >= sizeof(from) && from.nl_pid != 0)
			continue;
		return n > 0 ? n : -EBADMSG;
	}
}

/* ---- the walk ------------------------------------------------------------ */

static int sockdiag_offer(struct sockdiag_walk *w, const struct sockdiag_msg *m)
{
	int tag;

	/* The kernel filters by state already; this keeps a listener safe
	 * from a kernel that would not. */
	if (m->state >= 32 || !(SOCKDIAG_STATES & (1u << m->state)))
		return 0;
	tag = w->ops->match(w->ops->ctx, m->raddr, m->lport);
	if (tag < 0)
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct sockdiag_match *v = realloc(w->m, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->m = v;
		w->cap = cap;
	}
	w->m[w->n].msg = m->diag;
	w->m[w->n].tag = tag;
	w->n++;
	return 0;
}

/* Dump the TCP sockets of family, offering each to match().  Returns 0,
 * or -errno (the kernel's, or ours) with the dump abandoned part way:
 * the caller closes the socket then. */
static int sockdiag_dump(struct sockdiag_walk *w, uint8_t family)
{
	uint32_t seq = ++w->seq;
	size_t len = sockdiag_build_dump(w->buf, sizeof(w->buf), family, seq);
	struct sockdiag_msg m;
	int err = sockdiag_send(w->fd, w->buf, len);

	if (err)
		return err;
	for (;;) {
		ssize_t n = sockdiag_recv(w->fd, w->buf, sizeof(w->buf), 0);
		size_t off = 0;
		int rc;

		if (n < 0)
			return n == -EAGAIN ? -ETIMEDOUT : (int)n;
		while ((rc = sockdiag_parse(w->buf, (size_t)n, &off, &m)) > 0) {
			if (m.seq != seq)
				continue; /* not this dump's */
			if (m.kind == SOCKDIAG_DONE)
				return m.err;
			/* an error instead of a dump (no handler for the
			 * family...); an ack of 0, which was not asked
			 * for, would end it all the same */
			if (m.kind == SOCKDIAG_ACK)
				return m.err;
			if (m.kind == SOCKDIAG_SOCK) {
				err = sockdiag_offer(w, &m);
				if (err)
					return err;
			}
		}
		if (rc < 0)
			return rc;
	}
}

/* Destroy m[0..k) with one sendmsg(), read their acks (matched by
 * sequence number) and tell done() each outcome.  Returns how many were
 * destroyed. */
static int sockdiag_destroy_batch(struct sockdiag_walk *w,
				  const struct sockdiag_match *m, size_t k)
{
	int res[SOCKDIAG_BATCH];
	uint32_t first = w->seq + 1;
	size_t len = 0, left = k;
	int recv_flags = 0, destroyed = 0, err;

	for (size_t i = 0; i < k; i++) {
		res[i] = SOCKDIAG_PENDING;
		len += sockdiag_build_destroy(
		    w->buf + len, sizeof(w->buf) - len, &m[i].msg, ++w->seq);
	}
	err = sockdiag_send(w->fd, w->buf, len);
	while (!err && left) {
		ssize_t n =
		    sockdiag_recv(w->fd, w->buf, sizeof(w->buf), recv_flags);
		struct sockdiag_msg a;
		size_t off = 0;
		int rc;

		if (n == -ENOBUFS && !recv_flags) {
			/* acks were dropped (a full receive queue): they
			 * will never come, so take what is queued and call
			 * the rest lost */
			recv_flags = MSG_DONTWAIT;
			continue;
		}
		if (n < 0) {
			if (recv_flags)
				err = -ENOBUFS; /* queue empty: lost */
			else
				err = n == -EAGAIN ? -ETIMEDOUT : (int)n;
			break;
		}
		while ((rc = sockdiag_parse(w->buf, (size_t)n, &off, &a)) > 0) {
			uint32_t i = a.seq - first;

			if (a.kind != SOCKDIAG_ACK || i >= k ||
			    res[i] != SOCKDIAG_PENDING)
				continue;
			res[i] = a.err;
			left--;
		}
		if (rc < 0)
			err = rc;
	}
	for (size_t i = 0; i < k; i++) {
		int r = res[i] == SOCKDIAG_PENDING ? err : res[i];

		if (r == 0)
			destroyed++;
		if (w->ops->done)
			w->ops->done(w->ops->ctx, m[i].tag, r);
	}
	return destroyed;
}

int sockdiag_close_matching(const struct sockdiag_ops *ops)
{
	struct sockdiag_walk *w;
	int err, destroyed = 0;

	if (!ops || !ops->match)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ops = ops;
	w->fd = sockdiag_open();
	if (w->fd < 0) {
		err = w->fd;
		goto out;
	}
	err = sockdiag_dump(w, AF_INET);
	if (!err) {
		err = sockdiag_dump(w, AF_INET6);
		/* no AF_INET6 handler: a kernel without IPv6 */
		if (err == -ENOENT)
			err = 0;
	}
	if (err)
		goto out;
	for (size_t i = 0; i < w->n; i += SOCKDIAG_BATCH) {
		size_t k =
		    w->n - i < SOCKDIAG_BATCH ? w->n - i : SOCKDIAG_BATCH;

		destroyed += sockdiag_destroy_batch(w, w->m + i, k);
	}
out:
	if (w->fd >= 0)
		close(w->fd);
	free(w->m);
	free(w);
	return err ? err : destroyed;
}

/* ---- the probe ----------------------------------------------------------- */

/* CAP_NET_ADMIN in the effective set (no libcap for one bit).  The kernel
 * asks for it in the user namespace owning the socket's network
 * namespace; ours is that one but in contrived set-ups, where the
 * destroys' acks then say EPERM. */
static int sockdiag_cap_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	return (data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &
		CAP_TO_MASK(CAP_NET_ADMIN))
		   ? 0
		   : -EPERM;
}

int sockdiag_probe(void)
{
	alignas(struct nlmsghdr) unsigned char buf[4096];
	/* Nothing can be bound to port 0: no socket answers to this. */
	struct inet_diag_msg none = {.idiag_family = AF_INET};
	const uint32_t seq = 1;
	struct sockdiag_msg a;
	bool acked = false;
	int fd, err = 0, rc;

	none.id.idiag_cookie[0] = none.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	fd = sockdiag_open();
	if (fd < 0)
		return fd;
	rc = sockdiag_send(
	    fd, buf, sockdiag_build_destroy(buf, sizeof(buf), &none, seq));
	while (!rc && !acked) {
		ssize_t n = sockdiag_recv(fd, buf, sizeof(buf), 0);
		size_t off = 0;

		if (n < 0) {
			rc = n == -EAGAIN ? -ETIMEDOUT : (int)n;
			break;
		}
		while ((rc = sockdiag_parse(buf, (size_t)n, &off, &a)) > 0) {
			if (a.kind == SOCKDIAG_ACK && a.seq == seq) {
				err = a.err;
				acked = true;
			}
		}
	}
	close(fd);
	if (rc < 0)
		return rc;
	/* ENOENT: looked up, so SOCK_DESTROY is there (EOPNOTSUPP when
	 * not); the capability is checked only on a socket found */
	if (err == -ENOENT || err == 0)
		return sockdiag_cap_net_admin();
	return err;
}
