/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_handshake.c - tests of the real handshake program
 * (bpf/handshake.bpf.h) through the daemon's module
 * (userspace/mxscreend/handshake.c).
 *
 * The suite moves into a network namespace of its own, brings lo up and
 * opens the program, watching only that namespace, with maps pinned under
 * /sys/fs/bpf/mxs-hs-test-PID.  The pins are removed by the group
 * teardown, by the setup itself when it fails, and on SIGINT/SIGTERM
 * (SIGPIPE is ignored, so piping the output into head is harmless).
 *
 * The program hangs on the cgroup v2 root, so it sees every accepted
 * connection of the machine: the other namespaces' ones land in
 * `other_netns`, which is why each case checks the counters of its own
 * namespace exactly and `other_netns` only where it makes one itself.
 *
 * Each case makes real TCP connections over loopback to listeners on
 * 127.0.0.1:25 (mx), [::1]:587 (submission), [::]:2525 (dual stack, mx)
 * and 127.0.0.1:2526 (not screened), waits (epoll with a timeout, bounded
 * tries) until the counters show the program ran for each, and checks the
 * events and counter deltas ("case x: got A, want B").  The connection
 * rate limit is checked with a sequence of connections, some of them
 * from 127.0.0.2 (a client socket bound to it).
 *
 * Needs root (BPF_PROG_LOAD, cgroup attach, unshare).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../../bpf/mxscreen.h"
#include "../../loader/loader.h"
#include "mxscreend/handshake.h"
#include "lib/kmap.h"
#include "lib/log.h"
#include "lib/settings.h"
#include "../unit/check.h"
#include "lo.h"

#define WAIT_TRIES 50 /* bounded waits: at most WAIT_TRIES x WAIT_MS */
#define WAIT_MS 100
#define MAX_EVENTS 64

/* The listeners, one per kind of connection. */
enum listener {
	L_V4_MX,    /* 127.0.0.1:25 */
	L_V6_SUB,   /* [::1]:587, IPv6 only */
	L_DUAL_MX,  /* [::]:2525, dual stack */
	L_V4_PLAIN, /* 127.0.0.1:2526, not screened */
	NR_LISTENERS,
};

static const struct {
	int family;
	const char *addr;
	uint16_t port;
} listen_spec[NR_LISTENERS] = {
    [L_V4_MX] = {AF_INET, "127.0.0.1", 25},
    [L_V6_SUB] = {AF_INET6, "::1", 587},
    [L_DUAL_MX] = {AF_INET6, "::", 2525},
    [L_V4_PLAIN] = {AF_INET, "127.0.0.1", 2526},
};
#define PORTS_SPEC "25=mx,587=submission,2525=mx"

static char pin_path[64];
static struct handshake *hs;
static struct kmap km;
static bool km_open;
static int cache_fd = -1;
static int config_fd = -1;
static int rate_conn_fd = -1;
static int listen_fd[NR_LISTENERS] = {-1, -1, -1, -1};

static struct mxs_event events[MAX_EVENTS];
static size_t nr_events;

/* --- helpers ---------------------------------------------------------- */

static __u64 boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static void on_event(const struct mxs_event *ev, void *ctx)
{
	if (nr_events < MAX_EVENTS)
		events[nr_events] = *ev;
	nr_events++;
}

static void read_hs_stats(struct mxs_hs_stats *s)
{
	assert_int_equal(handshake_stats(hs, s), 0);
}

/* Outcomes in our own namespace: everything but other_netns. */
static __u64 own_outcomes(const struct mxs_hs_stats *s)
{
	return s->not_screened + s->cached + s->queued + s->lost + s->offences +
	       s->offences_lost;
}

/* Bounded wait until pred(stats) holds; the epoll timeout is the pause,
 * and events that arrive meanwhile are collected. */
static bool wait_stats(bool (*pred)(const struct mxs_hs_stats *, const void *),
		       const void *arg, struct mxs_hs_stats *now)
{
	int ep = handshake_epoll_fd(hs);
	struct epoll_event ee;

	for (int i = 0; i < WAIT_TRIES; i++) {
		read_hs_stats(now);
		if (pred(now, arg))
			return true;
		epoll_wait(ep, &ee, 1, WAIT_MS);
		assert_true(handshake_consume(hs) >= 0);
	}
	read_hs_stats(now);
	return pred(now, arg);
}

static bool own_reached(const struct mxs_hs_stats *s, const void *arg)
{
	return own_outcomes(s) >= *(const __u64 *)arg;
}

static bool other_reached(const struct mxs_hs_stats *s, const void *arg)
{
	return s->other_netns >= *(const __u64 *)arg;
}

/* Collect events until `want` arrived in total (bounded), then drain. */
static void collect_events(size_t want)
{
	int ep = handshake_epoll_fd(hs);
	struct epoll_event ee;

	assert_true(handshake_consume(hs) >= 0);
	for (int i = 0; i < WAIT_TRIES && nr_events < want; i++) {
		epoll_wait(ep, &ee, 1, WAIT_MS);
		assert_true(handshake_consume(hs) >= 0);
	}
}

static int fill_sockaddr(int family, const char *addr, uint16_t port,
			 struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0
								     : -EINVAL;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1
			   ? 0
			   : -EINVAL;
	}
}

/* A listening socket, or -errno (with a message). */
static int make_listener(int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, zero = 0, err;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	err = fill_sockaddr(family, addr, port, &ss, &len);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		/* "::" is dual stack, "::1" IPv6 only */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
			   strcmp(addr, "::") ? &one : &zero, sizeof(int));
	if (!err && (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 16)))
		err = -errno;
	if (err) {
		fprintf(stderr, "cannot listen on [%s]:%u: %s\n", addr, port,
			strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

/* One TCP connection to [to]:port, from `from` (NULL: the kernel's
 * choice, the loopback address of that family), accepted on lfd and
 * closed.  0 or -errno; no cmocka asserts, so that a forked child can use
 * it too. */
static int tcp_roundtrip(int lfd, int family, const char *from, const char *to,
			 uint16_t port)
{
	struct pollfd pfd = {.fd = lfd, .events = POLLIN};
	struct sockaddr_storage ss;
	socklen_t len;
	int c, a, err;

	err = fill_sockaddr(family, to, port, &ss, &len);
	if (err)
		return err;
	c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return -errno;
	if (from) {
		struct sockaddr_storage fs;
		socklen_t flen;

		err = fill_sockaddr(family, from, 0, &fs, &flen);
		if (!err && bind(c, (struct sockaddr *)&fs, flen))
			err = -errno;
		if (err)
			goto out;
	}
	if (connect(c, (struct sockaddr *)&ss, len)) {
		err = -errno;
		goto out;
	}
	if (poll(&pfd, 1, WAIT_TRIES * WAIT_MS) != 1) {
		err = -ETIMEDOUT;
		goto out;
	}
	a = accept(lfd, NULL, NULL);
	if (a < 0)
		err = -errno;
	else
		close(a);
out:
	close(c);
	return err;
}

static void connect_from(int lfd, int family, const char *from, const char *to,
			 uint16_t port)
{
	int err = tcp_roundtrip(lfd, family, from, to, port);

	if (err)
		fail_msg("cannot connect from %s to [%s]:%u: %s",
			 from ? from : "default", to, port, strerror(-err));
}

static void connect_once(int lfd, int family, const char *to, uint16_t port)
{
	connect_from(lfd, family, NULL, to, port);
}

static void delete_cache_entries(void)
{
	struct mxs_source key;

	while (bpf_map_get_next_key(cache_fd, NULL, &key) == 0)
		assert_int_equal(bpf_map_delete_elem(cache_fd, &key), 0);
}

static void put_cache_entry(int family, const char *addr, __u64 expires_ns)
{
	struct mxs_source key = {.family = (__u8)family};
	struct mxs_dnsbl_result r = {
	    .expires_ns = expires_ns,
	    .done_ns = boot_ns(),
	    .verdict = MXS_DNSBL_CLEAN,
	};

	assert_int_equal(inet_pton(family == MXS_FAMILY_V4 ? AF_INET : AF_INET6,
				   addr, key.addr),
			 1);
	assert_int_equal(bpf_map_update_elem(cache_fd, &key, &r, BPF_ANY), 0);
}

static const char *src_str(const struct mxs_source *s, char *buf, size_t len)
{
	if (s->family == MXS_FAMILY_V4)
		return inet_ntop(AF_INET, s->addr, buf, len);
	if (s->family == MXS_FAMILY_V6)
		return inet_ntop(AF_INET6, s->addr, buf, len);
	snprintf(buf, len, "family %u", s->family);
	return buf;
}

/* --- the table --------------------------------------------------------- */

struct hs_case {
	const char *name;
	enum listener to; /* which listener accepts */
	int family;	  /* AF_ of the connecting socket */
	const char *from; /* address connected to (and so the source) */
	/* dnsbl_cache entry for the source before connecting: 0 none,
	 * >0 fresh for that many seconds, <0 expired that many seconds ago */
	int cache_s;
	/* expected */
	bool event;
	int src_family;	 /* MXS_FAMILY_* */
	const char *src; /* textual source address */
	__u8 class_;
	__u64 d_not_screened, d_cached, d_queued;
};

/* A case per line group reads better than clang-format's field per line. */
/* clang-format off */
#define EV(fam, addr, cls) .event = true, .src_family = (fam), .src = (addr), \
	.class_ = (cls), .d_queued = 1
static const struct hs_case cases[] = {
	{ "ipv4 to 25", L_V4_MX, AF_INET, "127.0.0.1", 0,
	  EV(MXS_FAMILY_V4, "127.0.0.1", MXS_CLASS_MX) },
	{ "ipv6 to 587", L_V6_SUB, AF_INET6, "::1", 0,
	  EV(MXS_FAMILY_V6, "::1", MXS_CLASS_SUBMISSION) },
	{ "ipv4 to dual-stack 2525 (mapped -> v4)", L_DUAL_MX, AF_INET,
	  "127.0.0.1", 0, EV(MXS_FAMILY_V4, "127.0.0.1", MXS_CLASS_MX) },
	{ "ipv6 to dual-stack 2525", L_DUAL_MX, AF_INET6, "::1", 0,
	  EV(MXS_FAMILY_V6, "::1", MXS_CLASS_MX) },
	{ "ipv4 to unscreened 2526", L_V4_PLAIN, AF_INET, "127.0.0.1", 0,
	  .d_not_screened = 1 },
	{ "ipv4 to 25, fresh cache entry", L_V4_MX, AF_INET, "127.0.0.1", 600,
	  .d_cached = 1 },
	{ "ipv4 to dual-stack 2525, fresh v4 cache entry", L_DUAL_MX, AF_INET,
	  "127.0.0.1", 600, .d_cached = 1 },
	{ "ipv6 to 587, fresh cache entry", L_V6_SUB, AF_INET6, "::1", 600,
	  .d_cached = 1 },
	{ "ipv4 to 25, expired cache entry", L_V4_MX, AF_INET, "127.0.0.1", -1,
	  EV(MXS_FAMILY_V4, "127.0.0.1", MXS_CLASS_MX) },
	{ "ipv6 to 587, expired cache entry", L_V6_SUB, AF_INET6, "::1", -1,
	  EV(MXS_FAMILY_V6, "::1", MXS_CLASS_SUBMISSION) },
};
#undef EV
/* clang-format on */

static void check_event(const struct hs_case *c, const struct mxs_event *ev,
			__u64 t0, __u64 t1)
{
	struct mxs_source want = {.family = (__u8)c->src_family};
	char got_s[INET6_ADDRSTRLEN + 16];

	assert_int_equal(
	    inet_pton(c->src_family == MXS_FAMILY_V4 ? AF_INET : AF_INET6,
		      c->src, want.addr),
	    1);
	CHECK_UINT(c->name, "event family", ev->src.family, want.family);
	CHECK(memcmp(&ev->src, &want, sizeof(want)) == 0,
	      "case %s: event source: got %s, want %s", c->name,
	      src_str(&ev->src, got_s, sizeof(got_s)), c->src);
	CHECK_UINT(c->name, "event local_port", ev->local_port,
		   listen_spec[c->to].port);
	CHECK_UINT(c->name, "event class_", ev->class_, c->class_);
	CHECK_UINT(c->name, "event kind", ev->kind, MXS_EVENT_NEW_SOURCE);
	CHECK(ev->time_ns >= t0 && ev->time_ns <= t1,
	      "case %s: event time_ns: got %llu, want within [%llu, %llu]",
	      c->name, (unsigned long long)ev->time_ns, (unsigned long long)t0,
	      (unsigned long long)t1);
}

/* Every case: one connection, then the counters and the event. */
static void test_connections(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct hs_case *c = &cases[i];
		struct mxs_hs_stats before, after;
		__u64 want_own, t0, t1;

		delete_cache_entries();
		if (c->cache_s) {
			__u64 now = boot_ns();
			__u64 exp =
			    c->cache_s > 0
				? now + (__u64)c->cache_s * 1000000000ull
				: now - (__u64)(-c->cache_s) * 1000000000ull;

			put_cache_entry(c->family == AF_INET ? MXS_FAMILY_V4
							     : MXS_FAMILY_V6,
					c->from, exp);
		}
		assert_true(handshake_consume(hs) >= 0);
		nr_events = 0;
		read_hs_stats(&before);

		t0 = boot_ns();
		connect_once(listen_fd[c->to], c->family, c->from,
			     listen_spec[c->to].port);
		want_own = own_outcomes(&before) + 1;
		if (!wait_stats(own_reached, &want_own, &after)) {
			CHECK(0,
			      "case %s: the program did not run within %d ms",
			      c->name, WAIT_TRIES * WAIT_MS);
			continue;
		}
		collect_events(c->event ? 1 : 0);
		t1 = boot_ns();

		CHECK_UINT(c->name, "not_screened delta",
			   after.not_screened - before.not_screened,
			   c->d_not_screened);
		CHECK_UINT(c->name, "cached delta",
			   after.cached - before.cached, c->d_cached);
		CHECK_UINT(c->name, "queued delta",
			   after.queued - before.queued, c->d_queued);
		CHECK_UINT(c->name, "lost delta", after.lost - before.lost, 0);
		CHECK_UINT(c->name, "events", nr_events, c->event ? 1 : 0);
		if (c->event && nr_events >= 1)
			check_event(c, &events[0], t0, t1);
	}
	delete_cache_entries();
	CHECK_DONE();
}

/* A connection in another namespace (a child process of ours) counts as
 * other_netns and reports nothing, although its port is screened. */
static void test_other_netns(void **state)
{
	struct mxs_hs_stats before, after;
	__u64 want_other;
	int status;
	pid_t pid;

	assert_true(handshake_consume(hs) >= 0);
	nr_events = 0;
	read_hs_stats(&before);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ifreq ifr = {.ifr_name = "lo"};
		int fd, lfd, err;

		if (unshare(CLONE_NEWNET))
			_exit(10);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
			_exit(11);
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			_exit(12);
		lfd = make_listener(AF_INET, "127.0.0.1", 25);
		if (lfd < 0)
			_exit(13);
		err = tcp_roundtrip(lfd, AF_INET, NULL, "127.0.0.1", 25);
		_exit(err ? 14 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	want_other = before.other_netns + 1;
	if (!wait_stats(other_reached, &want_other, &after))
		CHECK(
		    0,
		    "case other netns: other_netns delta: got 0 within %d ms, "
		    "want 1 (queued delta %llu)",
		    WAIT_TRIES * WAIT_MS,
		    (unsigned long long)(after.queued - before.queued));
	assert_true(handshake_consume(hs) >= 0);
	CHECK_UINT("other netns", "own outcomes delta",
		   own_outcomes(&after) - own_outcomes(&before), 0);
	CHECK_UINT("other netns", "events", nr_events, 0);
	CHECK_DONE();
}

/* --- the connection rate limit ----------------------------------------- */

enum hs_want { W_CACHED = 1, W_QUEUED, W_OFFENCE, W_NOT_SCREENED };

struct rate_hs_step {
	const char *name;
	enum listener to;
	int family;	  /* AF_ of the connecting socket */
	const char *from; /* bound source address, NULL = default */
	const char *addr; /* connected to */
	enum hs_want want;
	/* the event, for W_QUEUED and W_OFFENCE */
	int src_family;
	const char *src;
	__u8 class_;
};

/* clang-format off */
#define V4MX(w) L_V4_MX, AF_INET, NULL, "127.0.0.1", (w), MXS_FAMILY_V4, \
	"127.0.0.1", MXS_CLASS_MX
#define V6SUB(w) L_V6_SUB, AF_INET6, NULL, "::1", (w), MXS_FAMILY_V6, "::1", \
	MXS_CLASS_SUBMISSION
/* conn_rate: burst 2 per 60 s; 127.0.0.1 has a fresh dnsbl_cache entry */
static const struct rate_hs_step rate_steps[] = {
	{ "127.0.0.1 1st (fresh cache)", V4MX(W_CACHED) },
	{ "127.0.0.1 2nd (fresh cache)", V4MX(W_CACHED) },
	{ "127.0.0.1 3rd: offence despite the cache", V4MX(W_OFFENCE) },
	{ "127.0.0.1 4th: offence again", V4MX(W_OFFENCE) },
	{ "127.0.0.2 unaffected", L_V4_MX, AF_INET, "127.0.0.2", "127.0.0.1",
	  W_QUEUED, MXS_FAMILY_V4, "127.0.0.2", MXS_CLASS_MX },
	{ "127.0.0.1 to dual-stack 2525: same class, offence", L_DUAL_MX,
	  AF_INET, NULL, "127.0.0.1", W_OFFENCE, MXS_FAMILY_V4, "127.0.0.1",
	  MXS_CLASS_MX },
	{ "127.0.0.1 to unscreened 2526: not counted", L_V4_PLAIN, AF_INET,
	  NULL, "127.0.0.1", W_NOT_SCREENED, 0, NULL, 0 },
	{ "::1 to 587 1st", V6SUB(W_QUEUED) },
	{ "::1 to 587 2nd", V6SUB(W_QUEUED) },
	{ "::1 to 587 3rd: offence", V6SUB(W_OFFENCE) },
	{ "::1 to dual-stack 2525: mx has its own bucket", L_DUAL_MX, AF_INET6,
	  NULL, "::1", W_QUEUED, MXS_FAMILY_V6, "::1", MXS_CLASS_MX },
	{ "127.0.0.2 2nd", L_V4_MX, AF_INET, "127.0.0.2", "127.0.0.1",
	  W_QUEUED, MXS_FAMILY_V4, "127.0.0.2", MXS_CLASS_MX },
	{ "127.0.0.2 3rd: offence", L_V4_MX, AF_INET, "127.0.0.2",
	  "127.0.0.1", W_OFFENCE, MXS_FAMILY_V4, "127.0.0.2", MXS_CLASS_MX },
};
#undef V4MX
#undef V6SUB
/* clang-format on */

/* config.conn_rate := burst per period_s (0: off), the rest kept. */
static void set_conn_rate(__u32 burst, __u32 period_s)
{
	struct mxs_config cfg;
	__u32 key = 0;

	assert_int_equal(bpf_map_lookup_elem(config_fd, &key, &cfg), 0);
	memset(&cfg.conn_rate, 0, sizeof(cfg.conn_rate));
	if (burst) {
		cfg.conn_rate.burst = burst;
		cfg.conn_rate.period_s = period_s;
		cfg.conn_rate.emission_ns =
		    (__u64)period_s * 1000000000ull / burst;
		cfg.conn_rate.tau_ns =
		    (__u64)(burst - 1) * cfg.conn_rate.emission_ns;
	}
	assert_int_equal(bpf_map_update_elem(config_fd, &key, &cfg, BPF_ANY),
			 0);
}

static void delete_rate_conn_entries(void)
{
	struct mxs_rate_key key;

	while (bpf_map_get_next_key(rate_conn_fd, NULL, &key) == 0)
		assert_int_equal(bpf_map_delete_elem(rate_conn_fd, &key), 0);
}

static void check_rate_step(const struct rate_hs_step *st,
			    const struct mxs_hs_stats *b,
			    const struct mxs_hs_stats *a)
{
	const char *n = st->name;

	CHECK_UINT(n, "cached delta", a->cached - b->cached,
		   st->want == W_CACHED);
	CHECK_UINT(n, "queued delta", a->queued - b->queued,
		   st->want == W_QUEUED);
	CHECK_UINT(n, "offences delta", a->offences - b->offences,
		   st->want == W_OFFENCE);
	CHECK_UINT(n, "not_screened delta", a->not_screened - b->not_screened,
		   st->want == W_NOT_SCREENED);
	CHECK_UINT(n, "lost delta", a->lost - b->lost, 0);
	CHECK_UINT(n, "offences_lost delta",
		   a->offences_lost - b->offences_lost, 0);
	CHECK_UINT(n, "events", nr_events,
		   st->want == W_QUEUED || st->want == W_OFFENCE);
	if (nr_events == 1 && (st->want == W_QUEUED || st->want == W_OFFENCE)) {
		const struct mxs_event *ev = &events[0];
		struct mxs_source want = {.family = (__u8)st->src_family};
		char got_s[INET6_ADDRSTRLEN + 16];

		assert_int_equal(inet_pton(st->src_family == MXS_FAMILY_V4
					       ? AF_INET
					       : AF_INET6,
					   st->src, want.addr),
				 1);
		CHECK(memcmp(&ev->src, &want, sizeof(want)) == 0,
		      "case %s: event source: got %s, want %s", n,
		      src_str(&ev->src, got_s, sizeof(got_s)), st->src);
		CHECK_UINT(n, "event kind", ev->kind,
			   st->want == W_OFFENCE ? MXS_EVENT_RATE
						 : MXS_EVENT_NEW_SOURCE);
		CHECK_UINT(n, "event class_", ev->class_, st->class_);
		CHECK_UINT(n, "event local_port", ev->local_port,
			   listen_spec[st->to].port);
	}
}

/*
 * conn_rate burst 2 per 60 s: the 3rd connection of a source in a class
 * is an offence (MXS_EVENT_RATE) whatever dnsbl_cache says, and so is
 * every one after it; other sources and classes count on their own.
 */
static void test_conn_rate(void **state)
{
	delete_cache_entries();
	delete_rate_conn_entries();
	put_cache_entry(MXS_FAMILY_V4, "127.0.0.1",
			boot_ns() + 600ull * 1000000000ull);
	set_conn_rate(2, 60);

	for (size_t i = 0; i < ARRAY_LEN(rate_steps); i++) {
		const struct rate_hs_step *st = &rate_steps[i];
		struct mxs_hs_stats before, after;
		__u64 want_own;

		assert_true(handshake_consume(hs) >= 0);
		nr_events = 0;
		read_hs_stats(&before);
		connect_from(listen_fd[st->to], st->family, st->from, st->addr,
			     listen_spec[st->to].port);
		want_own = own_outcomes(&before) + 1;
		if (!wait_stats(own_reached, &want_own, &after)) {
			CHECK(0,
			      "case %s: the program did not run within %d ms",
			      st->name, WAIT_TRIES * WAIT_MS);
			continue;
		}
		collect_events(st->want == W_QUEUED || st->want == W_OFFENCE);
		check_rate_step(st, &before, &after);
	}

	set_conn_rate(0, 0);
	delete_rate_conn_entries();
	delete_cache_entries();
	CHECK_DONE();
}

static void set_syn_rate(__u32 burst, __u32 period_s)
{
	struct mxs_config cfg;
	__u32 key = 0;

	assert_int_equal(bpf_map_lookup_elem(config_fd, &key, &cfg), 0);
	memset(cfg.syn_rate, 0, sizeof(cfg.syn_rate));
	for (int c = 0; burst && c < MXS_NR_CLASSES; c++) {
		cfg.syn_rate[c].burst = burst;
		cfg.syn_rate[c].period_s = period_s;
		cfg.syn_rate[c].emission_ns =
		    (__u64)period_s * 1000000000ull / burst;
		cfg.syn_rate[c].tau_ns =
		    (__u64)(burst - 1) * cfg.syn_rate[c].emission_ns;
	}
	assert_int_equal(bpf_map_update_elem(config_fd, &key, &cfg, BPF_ANY),
			 0);
}

/* What the XDP program reads of src's directory slot: its summary bit
 * and its flags (0 when the summary says the slot is clean). */
static __u32 dir_slot_seen(int family, const char *src)
{
	__u8 a[16];
	__u32 slot;
	uint64_t *any, *dir;

	assert_int_equal(inet_pton(family, src, a), 1);
	slot = family == AF_INET ? mxs_dir4_slot(a) : mxs_dir6_slot(a);
	any = family == AF_INET ? km.dir4_any : km.dir6_any;
	dir = family == AF_INET ? km.dir4 : km.dir6;
	if (!((any[slot / MXS_DIR_ANY_BITS] >> (slot % MXS_DIR_ANY_BITS)) & 1))
		return 0;
	return (__u32)(dir[slot / MXS_DIR_SLOTS_PER_CELL] >>
		       mxs_dir_shift(slot)) &
	       0xffff;
}

static void delete_rate_syn_entries(void)
{
	struct mxs_rate_key key;

	while (bpf_map_get_next_key(km.rate_syn_fd, NULL, &key) == 0)
		assert_int_equal(bpf_map_delete_elem(km.rate_syn_fd, &key), 0);
}

/* Number of rate_syn entries of family and class. */
static unsigned int rate_syn_entries(__u8 family, __u8 class_)
{
	struct mxs_rate_key key, next;
	unsigned int n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(km.rate_syn_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		n += key.family == family && key.class_ == class_;
	}
	return n;
}

/*
 * SYN rate tracking (hs_rate_track()): with the limit off a handshake
 * leaves the directories and rate_syn alone; with it on, the source's
 * summary bit and MXS_SLOT_RATE are set and its rate_syn entry exists,
 * so that the XDP program counts its next SYNs.
 */
static void test_syn_rate_tracking(void **state)
{
	static const struct {
		const char *name;
		int to, family;
		const char *src;
		__u8 mfam, class_;
	} t[] = {
		{ "127.0.0.1 to 25", L_V4_MX, AF_INET, "127.0.0.1",
		  MXS_FAMILY_V4, MXS_CLASS_MX },
		{ "::1 to 587", L_V6_SUB, AF_INET6, "::1", MXS_FAMILY_V6,
		  MXS_CLASS_SUBMISSION },
	};
	struct mxs_hs_stats before, after;

	for (int on = 0; on < 2; on++) {
		memset(km.dir4, 0, (size_t)MXS_DIR4_CELLS * sizeof(__u64));
		memset(km.dir6, 0, (size_t)MXS_DIR6_CELLS * sizeof(__u64));
		memset(km.dir4_any, 0,
		       (size_t)MXS_DIR4_ANY_CELLS * sizeof(__u64));
		memset(km.dir6_any, 0,
		       (size_t)MXS_DIR6_ANY_CELLS * sizeof(__u64));
		delete_rate_syn_entries();
		set_syn_rate(on ? 10 : 0, 60);
		for (size_t i = 0; i < ARRAY_LEN(t); i++) {
			__u64 want_own;
			__u32 seen;

			assert_true(handshake_consume(hs) >= 0);
			read_hs_stats(&before);
			connect_from(listen_fd[t[i].to], t[i].family, NULL,
				     t[i].src, listen_spec[t[i].to].port);
			want_own = own_outcomes(&before) + 1;
			CHECK(wait_stats(own_reached, &want_own, &after),
			      "case %s: the program did not run", t[i].name);
			seen = dir_slot_seen(t[i].family, t[i].src);
			CHECK(!!(seen & MXS_SLOT_RATE) == on,
			      "case %s, limit %s: slot seen 0x%x, want RATE %s",
			      t[i].name, on ? "on" : "off", seen,
			      on ? "set" : "clear");
			CHECK_UINT(t[i].name, "rate_syn entries",
				   rate_syn_entries(t[i].mfam, t[i].class_),
				   (unsigned int)on);
		}
	}
	set_syn_rate(0, 0);
	delete_rate_syn_entries();
	CHECK_DONE();
}

/* Every callback landed in exactly one outcome.  Callbacks of other
 * namespaces may be counted while we read, hence a few reads. */
static void test_stats_total(void **state)
{
	struct mxs_hs_stats s;
	__u64 sum = 0;

	for (int i = 0; i < WAIT_TRIES; i++) {
		read_hs_stats(&s);
		sum = s.other_netns + own_outcomes(&s);
		if (sum == s.handshakes)
			break;
	}
	print_message(
	    "handshakes %llu: other_netns %llu not_screened %llu "
	    "cached %llu queued %llu lost %llu offences %llu "
	    "offences_lost %llu\n",
	    (unsigned long long)s.handshakes, (unsigned long long)s.other_netns,
	    (unsigned long long)s.not_screened, (unsigned long long)s.cached,
	    (unsigned long long)s.queued, (unsigned long long)s.lost,
	    (unsigned long long)s.offences,
	    (unsigned long long)s.offences_lost);
	assert_int_equal(sum, s.handshakes);
	/* what the tests before did, at least */
	assert_true(own_outcomes(&s) >=
		    ARRAY_LEN(cases) + ARRAY_LEN(rate_steps));
	assert_true(s.offences >= 5);
	assert_true(s.other_netns >= 1);
}

/* --- setup ------------------------------------------------------------- */

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int suite_teardown(void **state)
{
	for (int i = 0; i < NR_LISTENERS; i++) {
		if (listen_fd[i] >= 0)
			close(listen_fd[i]);
		listen_fd[i] = -1;
	}
	if (cache_fd >= 0)
		close(cache_fd);
	cache_fd = -1;
	if (config_fd >= 0)
		close(config_fd);
	config_fd = -1;
	if (rate_conn_fd >= 0)
		close(rate_conn_fd);
	rate_conn_fd = -1;
	if (km_open)
		kmap_close(&km);
	km_open = false;
	handshake_close(hs);
	hs = NULL;
	if (pin_path[0])
		loader_purge(pin_path);
	pin_path[0] = '\0';
	return 0;
}

/* Interrupted (Ctrl-C, a timeout): remove the pins before dying.  Not
 * strictly async-signal-safe (loader_purge formats paths), good enough
 * for a test that is being killed anyway. */
static void on_signal(int sig)
{
	if (pin_path[0])
		loader_purge(pin_path);
	_exit(128 + sig);
}

static int suite_setup(void **state)
{
	struct settings_ports ports;
	char path[128], err_buf[128];
	uint64_t cookie;
	int err;

	libbpf_set_print(libbpf_print);
	log_init("test_handshake", LOG_LEVEL_WARN);
	/* output piped into head must not kill us before the teardown */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr,
			"cannot create a network namespace: %s (run as root)\n",
			strerror(errno));
		return -1;
	}
	err = test_lo_up();
	if (err) {
		fprintf(stderr, "cannot bring lo up: %s\n", strerror(-err));
		return -1;
	}
	if (handshake_netns_cookie(&cookie))
		return -1;

	snprintf(pin_path, sizeof(pin_path), "/sys/fs/bpf/mxs-hs-test-%d",
		 (int)getpid());
	if (handshake_open(&hs, pin_path, cookie, on_event, NULL))
		goto fail;

	err = kmap_open(&km, pin_path);
	if (err) {
		fprintf(stderr, "cannot open the maps under %s: %s\n", pin_path,
			strerror(-err));
		goto fail;
	}
	km_open = true;
	if (settings_parse_ports(PORTS_SPEC, &ports, err_buf,
				 sizeof(err_buf))) {
		fprintf(stderr, "bad port list %s: %s\n", PORTS_SPEC, err_buf);
		goto fail;
	}
	err = kmap_ports_set(&km, &ports);
	if (err) {
		fprintf(stderr, "cannot set the ports: %s\n", strerror(-err));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s", pin_path, MXS_MAP_DNSBL_CACHE);
	cache_fd = bpf_obj_get(path);
	if (cache_fd < 0) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s", pin_path, MXS_MAP_CONFIG);
	config_fd = bpf_obj_get(path);
	if (config_fd < 0) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s", pin_path, MXS_MAP_RATE_CONN);
	rate_conn_fd = bpf_obj_get(path);
	if (rate_conn_fd < 0) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		goto fail;
	}

	for (int i = 0; i < NR_LISTENERS; i++) {
		listen_fd[i] =
		    make_listener(listen_spec[i].family, listen_spec[i].addr,
				  listen_spec[i].port);
		if (listen_fd[i] < 0)
			goto fail;
	}
	return 0;
fail:
	suite_teardown(state);
	return -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_connections),
	    cmocka_unit_test(test_other_netns),
	    cmocka_unit_test(test_conn_rate),
	    cmocka_unit_test(test_syn_rate_tracking),
	    cmocka_unit_test(test_stats_total),
	};

	return cmocka_run_group_tests_name("mxscreen handshake program", tests,
					   suite_setup, suite_teardown);
}
