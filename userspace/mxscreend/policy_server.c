// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * policy_server.c - the policy service's sockets (policy_server.h).
 *
 * Slot 0 is the listening socket; slots 1..POLICY_SERVER_CONNS are
 * connections, each with its parser.  A free slot has fd -1.  Reads go
 * through one buffer on the stack; the parser keeps what a request left
 * unfinished.  Answers are a few dozen bytes and Postfix reads each
 * before it asks again, so a send that does not complete at once means
 * a client that does not read: it is closed, never queued for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>

#include "policy_server.h"

#define POLICY_SERVER_READ 16384

struct policy_conn {
	int fd;
	bool broken; /* to be closed when the feed returns */
	struct policy_parser *parser;
};

struct policy_server {
	int epoll_fd;
	uint32_t tag;
	int listen_fd;
	char unix_path[CONFIG_PATH_LEN]; /* to remove at close, or "" */
	policy_answer_fn fn;
	void *ctx;
	struct policy_server_stats st;
	struct policy_conn conn[POLICY_SERVER_CONNS + 1]; /* [0] unused */
};

static int policy_server_watch(struct policy_server *s, int fd, uint32_t id)
{
	struct epoll_event ev = {
	    .events = EPOLLIN,
	    .data.u64 = (uint64_t)s->tag << 32 | id,
	};

	return epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* A unix socket path: replace a previous run's socket, nothing else. */
static int policy_server_unix(struct policy_server *s, const char *path,
			      char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen,
			 "unix:%s: path too long for a socket "
			 "(at most %zu bytes)",
			 path, sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen,
				 "unix:%s exists and is not a "
				 "socket; remove it or choose another path",
				 path);
			return -EEXIST;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0666) ||
	    listen(fd, 128))
		goto fail;
	s->listen_fd = fd;
	snprintf(s->unix_path, sizeof(s->unix_path), "%s", path);
	return 0;
fail:
	e = -errno;
	snprintf(err, errlen, "cannot listen on unix:%s: %s%s", path,
		 strerror(-e),
		 e == -ENOENT ? " (does its directory exist?)" : "");
	if (fd >= 0)
		close(fd);
	return e;
}

static int policy_server_inet(struct policy_server *s,
			      const struct config_listen *w, char *err,
			      size_t errlen)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
				  .sin6_port = htons(w->port)};
	struct sockaddr_in a4 = {.sin_family = AF_INET,
				 .sin_port = htons(w->port)};
	bool v6 = w->host.family == MXS_FAMILY_V6;
	char text[ADDR_CIDR_STRLEN];
	int fd, on = 1, e;

	if (v6)
		memcpy(&a6.sin6_addr, w->host.addr, 16);
	else
		memcpy(&a4.sin_addr, w->host.addr, 4);
	fd = socket(v6 ? AF_INET6 : AF_INET,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if ((v6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
		: bind(fd, (struct sockaddr *)&a4, sizeof(a4))) ||
	    listen(fd, 128))
		goto fail;
	s->listen_fd = fd;
	return 0;
fail:
	e = -errno;
	addr_format_cidr(&w->host, text, sizeof(text));
	snprintf(err, errlen, "cannot listen on inet:%s%s%s:%u: %s%s",
		 v6 ? "[" : "", text, v6 ? "]" : "", w->port, strerror(-e),
		 e == -EADDRINUSE ? " (another service has the port)" : "");
	if (fd >= 0)
		close(fd);
	return e;
}

int policy_server_open(const struct config_listen *where, int epoll_fd,
		       uint32_t tag, policy_answer_fn fn, void *ctx,
		       struct policy_server **out, char *err, size_t errlen)
{
	struct policy_server *s = calloc(1, sizeof(*s));
	int e;

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->epoll_fd = epoll_fd;
	s->tag = tag;
	s->fn = fn;
	s->ctx = ctx;
	s->listen_fd = -1;
	for (size_t i = 0; i <= POLICY_SERVER_CONNS; i++)
		s->conn[i].fd = -1;
	if (where->kind == CONFIG_LISTEN_UNIX)
		e = policy_server_unix(s, where->path, err, errlen);
	else if (where->kind == CONFIG_LISTEN_INET)
		e = policy_server_inet(s, where, err, errlen);
	else
		e = -EINVAL;
	if (!e) {
		e = policy_server_watch(s, s->listen_fd, 0);
		if (e)
			snprintf(err, errlen, "epoll: %s", strerror(-e));
	}
	if (e) {
		policy_server_close(s);
		return e;
	}
	*out = s;
	return 0;
}

static void policy_conn_close(struct policy_server *s, uint32_t id)
{
	struct policy_conn *c = &s->conn[id];

	if (c->fd < 0)
		return;
	/* closing removes it from the epoll set */
	close(c->fd);
	policy_parser_free(c->parser);
	*c = (struct policy_conn){.fd = -1};
}

void policy_server_close(struct policy_server *s)
{
	if (!s)
		return;
	for (uint32_t id = 1; id <= POLICY_SERVER_CONNS; id++)
		policy_conn_close(s, id);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->unix_path[0])
		unlink(s->unix_path);
	free(s);
}

void policy_server_stats(const struct policy_server *s,
			 struct policy_server_stats *out)
{
	*out = s->st;
}

static void policy_server_accept(struct policy_server *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		uint32_t id;

		if (fd < 0)
			return; /* EAGAIN, or a connection gone meanwhile */
		for (id = 1; id <= POLICY_SERVER_CONNS; id++)
			if (s->conn[id].fd < 0)
				break;
		if (id > POLICY_SERVER_CONNS) {
			s->st.refused++;
			close(fd);
			continue;
		}
		s->conn[id].parser = policy_parser_new();
		if (!s->conn[id].parser ||
		    policy_server_watch(s, fd, id) != 0) {
			policy_parser_free(s->conn[id].parser);
			s->conn[id].parser = NULL;
			close(fd);
			continue;
		}
		s->conn[id].fd = fd;
		s->conn[id].broken = false;
		s->st.connections++;
	}
}

struct policy_feed_ctx {
	struct policy_server *s;
	struct policy_conn *c;
};

/* One complete request: decide, answer. */
static int policy_server_request(const struct policy_request *req, void *ctx)
{
	struct policy_feed_ctx *f = ctx;
	char action[512], answer[600];
	size_t len;
	ssize_t n;

	snprintf(action, sizeof(action), "DUNNO");
	f->s->fn(req, action, sizeof(action), f->s->ctx);
	len = policy_format_answer(answer, sizeof(answer), action);
	if (!len)
		len = policy_format_answer(answer, sizeof(answer), "DUNNO");
	n = send(f->c->fd, answer, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n != (ssize_t)len) {
		f->c->broken = true;
		return 1; /* stop: the connection goes */
	}
	f->s->st.requests++;
	return 0;
}

void policy_server_event(struct policy_server *s, uint32_t id, uint32_t events)
{
	struct policy_conn *c;
	char buf[POLICY_SERVER_READ];

	if (id == 0) {
		policy_server_accept(s);
		return;
	}
	if (id > POLICY_SERVER_CONNS || s->conn[id].fd < 0)
		return;
	c = &s->conn[id];
	for (;;) {
		struct policy_feed_ctx f = {s, c};
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		int rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* EOF or an error: Postfix closes idle connections
			 * itself (smtpd_policy_service_max_idle) */
			policy_conn_close(s, id);
			return;
		}
		rc = policy_parser_feed(c->parser, buf, (size_t)n,
					policy_server_request, &f);
		if (rc < 0)
			s->st.protocol_errors++;
		if (rc || c->broken) {
			policy_conn_close(s, id);
			return;
		}
		if ((size_t)n < sizeof(buf))
			break;
	}
	(void)events;
}
