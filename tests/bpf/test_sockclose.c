// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_sockclose.c - the filter that decides which connections a ban
 * ends, with real sockets: both mechanisms (the bpf_sock_destroy()
 * iterator and sock_diag) get the same table of targets and connections,
 * and must end exactly the expected ones.
 *
 * Each case opens fresh connections on loopback in a network namespace of
 * the test's own: sources 127.0.0.2..9 and ::1, to a dual-stack [::]
 * listener on 2525 (class mx), 2587 (submission) and 2626 (not
 * screened), and to an IPv4-only listener on 2527 (mx), so that both
 * socket families and v4-mapped addresses are walked.  A connection
 * counts as ended when the server's socket reads ECONNABORTED and the
 * client's ECONNRESET; as open when both read EAGAIN.
 *
 * Needs root (unshare, BPF); the bpf mechanism needs kernel 6.5 and is
 * skipped, saying why, where it is missing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../unit/check.h"
#include "lo.h"
#include "lib/addr.h"
#include "lib/sockclose.h"

#define PORT_MX 2525
#define PORT_SUB 2587
#define PORT_OTHER 2626
#define PORT_MX4 2527 /* the IPv4-only listener */

#define MX MXS_CLASS_BIT(MXS_CLASS_MX)
#define SUB MXS_CLASS_BIT(MXS_CLASS_SUBMISSION)

static int ports_fd = -1;
static int listen6[3] = {-1, -1, -1}; /* PORT_MX, PORT_SUB, PORT_OTHER */
static int listen4 = -1;	      /* PORT_MX4 */

struct conn {
	const char *src; /* "127.0.0.2" or "::1" */
	int port;
	bool ended; /* expected */
};

struct target {
	const char *cidr;
	uint8_t classes;
};

struct close_case {
	const char *name;
	struct target targets[4];
	struct conn conns[8];
	int closed; /* what the walk returns */
};

static const struct close_case cases[] = {
    {
	"host, class mx: its mx connections only",
	{{"127.0.0.2", MX}},
	{{"127.0.0.2", PORT_MX, true},
	 {"127.0.0.2", PORT_MX4, true},
	 {"127.0.0.2", PORT_SUB, false},
	 {"127.0.0.2", PORT_OTHER, false},
	 {"127.0.0.3", PORT_MX, false}},
	2,
    },
    {
	"host, every class",
	{{"127.0.0.2", MX | SUB}},
	{{"127.0.0.2", PORT_MX, true},
	 {"127.0.0.2", PORT_SUB, true},
	 {"127.0.0.2", PORT_OTHER, false}},
	2,
    },
    {
	"prefix with an exception inside (an allowed host)",
	{{"127.0.0.0/29", MX | SUB}, {"127.0.0.3", 0}},
	{{"127.0.0.2", PORT_MX, true},
	 {"127.0.0.3", PORT_MX, false},
	 {"127.0.0.4", PORT_SUB, true},
	 {"127.0.0.5", PORT_MX4, true},
	 {"127.0.0.9", PORT_MX, false}},
	3,
    },
    {
	"IPv6 host; IPv4 sources untouched",
	{{"::1", MX}},
	{{"::1", PORT_MX, true},
	 {"::1", PORT_SUB, false},
	 {"127.0.0.2", PORT_MX, false}},
	1,
    },
    {
	"all of IPv4 is not IPv6",
	{{"0.0.0.0/0", MX}},
	{{"::1", PORT_MX, false},
	 {"127.0.0.2", PORT_MX, true},
	 {"127.0.0.6", PORT_MX4, true}},
	2,
    },
    {
	"two targets in one walk",
	{{"127.0.0.2", SUB}, {"127.0.0.7", MX}},
	{{"127.0.0.2", PORT_MX, false},
	 {"127.0.0.2", PORT_SUB, true},
	 {"127.0.0.7", PORT_MX, true},
	 {"127.0.0.8", PORT_MX, false}},
	2,
    },
    {
	"no target: nothing ends",
	{{NULL, 0}},
	{{"127.0.0.2", PORT_MX, false}, {"::1", PORT_SUB, false}},
	0,
    },
};

static int listen_on(int family, int port)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
				  .sin6_port = htons((uint16_t)port)};
	struct sockaddr_in a4 = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_ANY)};
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), off = 0, on = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if ((family == AF_INET6
		 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
		 : bind(fd, (struct sockaddr *)&a4, sizeof(a4))) ||
	    listen(fd, 64)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int listener_of(int port)
{
	switch (port) {
	case PORT_MX:
		return listen6[0];
	case PORT_SUB:
		return listen6[1];
	case PORT_OTHER:
		return listen6[2];
	}
	return listen4;
}

/* Connect src -> port on loopback, accept; 0 and both ends, or -1. */
static int connect_pair(const char *src, int port, int *client, int *server)
{
	bool v6 = strchr(src, ':') != NULL;
	struct sockaddr_storage from = {0}, to = {0};
	socklen_t len =
	    v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	if (v6) {
		struct sockaddr_in6 *f = (void *)&from, *t = (void *)&to;

		f->sin6_family = t->sin6_family = AF_INET6;
		inet_pton(AF_INET6, src, &f->sin6_addr);
		t->sin6_addr = in6addr_loopback;
		t->sin6_port = htons((uint16_t)port);
	} else {
		struct sockaddr_in *f = (void *)&from, *t = (void *)&to;

		f->sin_family = t->sin_family = AF_INET;
		inet_pton(AF_INET, src, &f->sin_addr);
		t->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		t->sin_port = htons((uint16_t)port);
	}
	*client =
	    socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*client < 0 || bind(*client, (struct sockaddr *)&from, len) ||
	    connect(*client, (struct sockaddr *)&to, len))
		return -1;
	*server = accept4(listener_of(port), NULL, NULL, SOCK_CLOEXEC);
	return *server < 0 ? -1 : 0;
}

/* The error a non-blocking read of fd gives (0: data or EOF). */
static int read_error(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT) < 0 ? errno : 0;
}

static void run_case(const struct close_case *c, const char *mech)
{
	int client[8], server[8], n = 0, rc, idx[4];
	char name[200], why[300];
	struct sockclose *sc;

	snprintf(name, sizeof(name), "%s [%s]", c->name, mech);
	setenv(SOCKCLOSE_ENV, mech, 1);
	assert_int_equal(sockclose_open(ports_fd, &sc, why, sizeof(why)), 0);
	for (; n < 8 && c->conns[n].src; n++)
		assert_int_equal(connect_pair(c->conns[n].src, c->conns[n].port,
					      &client[n], &server[n]),
				 0);
	for (int t = 0; t < 4 && c->targets[t].cidr; t++) {
		struct addr_cidr cidr;
		char err[128];

		assert_int_equal(addr_parse_cidr(c->targets[t].cidr, &cidr, err,
						 sizeof(err)),
				 0);
		idx[t] = sockclose_add(sc, &cidr, c->targets[t].classes);
		CHECK(idx[t] >= 0, "case %s: add %s: %d", name,
		      c->targets[t].cidr, idx[t]);
	}
	rc = sockclose_run(sc);
	CHECK_INT(name, "connections ended", rc, c->closed);
	for (int i = 0; i < n; i++) {
		const struct conn *k = &c->conns[i];
		int want_s = k->ended ? ECONNABORTED : EAGAIN;
		int want_c = k->ended ? ECONNRESET : EAGAIN;
		char what[96];

		snprintf(what, sizeof(what), "%s -> %d: server read", k->src,
			 k->port);
		CHECK_STR(name, what, strerror(read_error(server[i])),
			  strerror(want_s));
		snprintf(what, sizeof(what), "%s -> %d: client read", k->src,
			 k->port);
		CHECK_STR(name, what, strerror(read_error(client[i])),
			  strerror(want_c));
		close(client[i]);
		close(server[i]);
	}
	/* what each target reports is what its connections were */
	if (c->targets[0].cidr) {
		uint32_t closed, failed, sum = 0;

		for (int t = 0; t < 4 && c->targets[t].cidr; t++) {
			sockclose_result(sc, idx[t], &closed, &failed);
			CHECK_UINT(name, "failed", failed, 0);
			sum += closed;
		}
		CHECK_UINT(name, "closed, summed over targets", sum, c->closed);
	}
	sockclose_free(sc);
}

static bool mechanism_here(const char *mech, enum mxs_close_mechanism want)
{
	struct sockclose *sc;
	char why[300] = "";
	bool ok;

	setenv(SOCKCLOSE_ENV, mech, 1);
	if (sockclose_open(ports_fd, &sc, why, sizeof(why)))
		return false;
	ok = sockclose_mechanism(sc) == want;
	if (!ok)
		print_message("mechanism %s not usable here (%s): skipped\n",
			      mech, why);
	sockclose_free(sc);
	return ok;
}

static void test_filter_bpf(void **state)
{
	(void)state;
	if (!mechanism_here("bpf", MXS_CLOSE_BPF_ITER))
		skip();
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run_case(&cases[i], "bpf");
	CHECK_DONE();
}

static void test_filter_sock_diag(void **state)
{
	(void)state;
	if (!mechanism_here("sock_diag", MXS_CLOSE_SOCK_DIAG))
		skip();
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run_case(&cases[i], "sock_diag");
	CHECK_DONE();
}

/* Forced off: nothing ends, and the walk says so by ending nothing. */
static void test_none(void **state)
{
	const struct close_case c = {
	    "mechanism none",
	    {{"127.0.0.2", MX}},
	    {{"127.0.0.2", PORT_MX, false}},
	    0,
	};
	struct sockclose *sc;
	char why[300];

	(void)state;
	setenv(SOCKCLOSE_ENV, "none", 1);
	assert_int_equal(sockclose_open(ports_fd, &sc, why, sizeof(why)), 0);
	CHECK_INT("none", "mechanism", sockclose_mechanism(sc),
		  MXS_CLOSE_UNAVAILABLE);
	sockclose_free(sc);
	run_case(&c, "none");
	setenv(SOCKCLOSE_ENV, "sideways", 1);
	CHECK_INT("bad value", "sockclose_open",
		  sockclose_open(ports_fd, &sc, why, sizeof(why)), -EINVAL);
	CHECK_DONE();
}

/* Targets beyond MXS_CLOSE_TARGETS_MAX are refused, a repeat merges. */
static void test_targets_bounded(void **state)
{
	struct addr_cidr cidr = {.family = MXS_FAMILY_V6, .prefixlen = 128};
	struct sockclose *sc;
	int rc = 0, first;

	(void)state;
	setenv(SOCKCLOSE_ENV, "none", 1);
	assert_int_equal(sockclose_open(ports_fd, &sc, NULL, 0), 0);
	first = sockclose_add(sc, &cidr, MX);
	CHECK_INT("repeat", "index", sockclose_add(sc, &cidr, SUB), first);
	for (int i = 1; i <= MXS_CLOSE_TARGETS_MAX && rc >= 0; i++) {
		cidr.addr[14] = (uint8_t)(i >> 8);
		cidr.addr[15] = (uint8_t)i;
		rc = sockclose_add(sc, &cidr, MX);
	}
	CHECK_INT("full", "the target after the last", rc, -ENOSPC);
	CHECK_UINT("full", "pending", sockclose_pending(sc),
		   MXS_CLOSE_TARGETS_MAX);
	cidr.prefixlen = 129;
	CHECK_INT("bad prefix", "sockclose_add", sockclose_add(sc, &cidr, MX),
		  -EINVAL);
	sockclose_free(sc);
	CHECK_DONE();
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static int suite_setup(void **state)
{
	mxs_port_class_t mx = MX, sub = SUB;
	uint32_t k;
	int err;

	(void)state;
	libbpf_set_print(libbpf_quiet);
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
	ports_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ports", sizeof(uint32_t),
				  sizeof(mxs_port_class_t), 65536, NULL);
	if (ports_fd < 0) {
		fprintf(stderr, "cannot create the ports map: %s\n",
			strerror(errno));
		return -1;
	}
	k = PORT_MX;
	bpf_map_update_elem(ports_fd, &k, &mx, BPF_ANY);
	k = PORT_MX4;
	bpf_map_update_elem(ports_fd, &k, &mx, BPF_ANY);
	k = PORT_SUB;
	bpf_map_update_elem(ports_fd, &k, &sub, BPF_ANY);
	listen6[0] = listen_on(AF_INET6, PORT_MX);
	listen6[1] = listen_on(AF_INET6, PORT_SUB);
	listen6[2] = listen_on(AF_INET6, PORT_OTHER);
	listen4 = listen_on(AF_INET, PORT_MX4);
	if (listen6[0] < 0 || listen6[1] < 0 || listen6[2] < 0 || listen4 < 0) {
		fprintf(stderr, "cannot listen: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int suite_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		if (listen6[i] >= 0)
			close(listen6[i]);
	if (listen4 >= 0)
		close(listen4);
	if (ports_fd >= 0)
		close(ports_fd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filter_bpf),
	    cmocka_unit_test(test_filter_sock_diag),
	    cmocka_unit_test(test_none),
	    cmocka_unit_test(test_targets_bounded),
	};

	return cmocka_run_group_tests(tests, suite_setup, suite_teardown);
}
