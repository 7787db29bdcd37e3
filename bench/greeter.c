// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * greeter.c - the SMTP server side of the connection benchmarks: accept
 * as fast as the kernel hands connections over, greet each with a 220
 * banner, answer QUIT with 221 and close.  Anything else a client sends
 * gets a 502; a client that closes is closed.
 *
 *   greeter --port 25 [--listen ADDR] [--max-seconds S] [--stats FILE]
 *
 * Why not tests/e2e/smtpd.py: a Python accept loop costs more CPU per
 * connection than the daemon under test on a 2-core machine, and a slow
 * accept() fills the accept queue, which drops the client's final ACK
 * before the connection counts as established; the benchmark would then
 * measure the greeter.
 *
 * Bounds: it ends on SIGTERM/SIGINT or after --max-seconds (default one
 * hour), and then writes {"accepted": N, ...} to --stats (else stdout).
 * Per connection it keeps nothing but the socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define GR_BACKLOG 65535
#define GR_EPOLL_BATCH 256
#define GR_LISTEN_TAG UINT64_MAX

static const char gr_banner[] = "220 mxscreen-bench ESMTP\r\n";
static const char gr_bye[] = "221 2.0.0 Bye\r\n";
static const char gr_what[] = "502 5.5.1 bench greeter: only QUIT\r\n";

static volatile sig_atomic_t gr_stop;

struct gr_counters {
	uint64_t accepted;
	uint64_t quit;		/* QUIT answered */
	uint64_t client_closed; /* closed (or reset) by the client */
	uint64_t accept_errors;
};

static void gr_on_signal(int sig)
{
	gr_stop = sig;
}

static void gr_usage(FILE *out)
{
	fprintf(out,
		"Usage: greeter --port P [--listen ADDR] [--max-seconds S] "
		"[--stats FILE]\n");
}

static int gr_listen(const char *addr, uint16_t port)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
				    .sin6_port = htons(port)};
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(port)};
	struct sockaddr *sa = (struct sockaddr *)&sin6;
	socklen_t len = sizeof(sin6);
	int fd, one = 1, zero = 0, family = AF_INET6;

	if (addr && inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
		family = AF_INET;
		sa = (struct sockaddr *)&sin;
		len = sizeof(sin);
	} else if (addr && inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1) {
		fprintf(stderr,
			"greeter: --listen %s: not an IPv4 or IPv6 address\n",
			addr);
		return -EINVAL;
	}
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		goto fail_close;
	/* all addresses of both families unless one was given */
	if (family == AF_INET6 && !addr &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)))
		goto fail_close;
	if (bind(fd, sa, len) || listen(fd, GR_BACKLOG))
		goto fail_close;
	return fd;

fail_close:
	close(fd);
fail:
	fprintf(stderr, "greeter: cannot listen on port %u: %s\n", port,
		strerror(errno));
	return -errno;
}

static void gr_accept_all(int lfd, int epfd, struct gr_counters *c)
{
	for (;;) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP};
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				c->accept_errors++;
			return;
		}
		c->accepted++;
		ev.data.u64 = (uint64_t)fd;
		if (write(fd, gr_banner, sizeof(gr_banner) - 1) < 0 ||
		    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
			c->client_closed++;
			close(fd);
		}
	}
}

static void gr_on_client(int fd, struct gr_counters *c)
{
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		c->client_closed++;
		close(fd);
		return;
	}
	if (n >= 4 && strncasecmp(buf, "QUIT", 4) == 0) {
		c->quit++;
		(void)!write(fd, gr_bye, sizeof(gr_bye) - 1);
		close(fd);
		return;
	}
	(void)!write(fd, gr_what, sizeof(gr_what) - 1);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"port", required_argument, NULL, 'p'},
	    {"listen", required_argument, NULL, 'l'},
	    {"max-seconds", required_argument, NULL, 'm'},
	    {"stats", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct sigaction sa = {.sa_handler = gr_on_signal};
	struct rlimit rl;
	struct epoll_event evs[GR_EPOLL_BATCH];
	struct epoll_event lev = {.events = EPOLLIN, .data.u64 = GR_LISTEN_TAG};
	struct gr_counters c = {0};
	const char *addr = NULL, *stats = NULL;
	unsigned long port = 0, max_seconds = 3600;
	time_t end;
	FILE *out = stdout;
	int opt, lfd, epfd;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		char *e = NULL;

		switch (opt) {
		case 'p':
			port = strtoul(optarg, &e, 10);
			break;
		case 'm':
			max_seconds = strtoul(optarg, &e, 10);
			break;
		case 'l':
			addr = optarg;
			break;
		case 's':
			stats = optarg;
			break;
		case 'h':
			gr_usage(stdout);
			return 0;
		default:
			gr_usage(stderr);
			return 1;
		}
		if (e && (*e || e == optarg)) {
			fprintf(stderr, "greeter: %s: not a number\n", optarg);
			return 1;
		}
	}
	if (optind < argc || port < 1 || port > 65535 || max_seconds < 1 ||
	    max_seconds > 86400) {
		fprintf(stderr, "greeter: want --port 1..65535 and "
				"--max-seconds 1..86400\n");
		gr_usage(stderr);
		return 1;
	}
	/* one descriptor per open connection: as many as allowed */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	lfd = gr_listen(addr, (uint16_t)port);
	if (lfd < 0)
		return 2;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev)) {
		fprintf(stderr, "greeter: epoll: %s\n", strerror(errno));
		return 2;
	}
	end = time(NULL) + (time_t)max_seconds;
	while (!gr_stop && time(NULL) < end) {
		int n = epoll_wait(epfd, evs, GR_EPOLL_BATCH, 1000);

		for (int i = 0; i < n; i++) {
			if (evs[i].data.u64 == GR_LISTEN_TAG)
				gr_accept_all(lfd, epfd, &c);
			else
				gr_on_client((int)evs[i].data.u64, &c);
		}
	}
	if (stats) {
		out = fopen(stats, "w");
		if (!out) {
			fprintf(stderr, "greeter: cannot write %s: %s\n", stats,
				strerror(errno));
			return 2;
		}
	}
	fprintf(out,
		"{\"accepted\": %llu, \"quit\": %llu, \"client_closed\": %llu, "
		"\"accept_errors\": %llu}\n",
		(unsigned long long)c.accepted, (unsigned long long)c.quit,
		(unsigned long long)c.client_closed,
		(unsigned long long)c.accept_errors);
	if (out != stdout)
		fclose(out);
	return 0;
}
