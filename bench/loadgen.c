// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loadgen.c - open TCP connections to one server at a fixed offered rate,
 * each from the next source address of a range, and say what became of
 * every one of them.
 *
 *   loadgen --server 192.0.2.1 --port 25 --rate 5000 --count 25000 \
 *           --duration 5 --src-base 198.18.0.1 --src-count 25000 \
 *           [--timeout 3] [--max-open 10000] \
 *           [--mode banner|handshake|pregreet|authfail] \
 *           [--log FILE] [--out FILE]
 *
 * Connection i starts at t0 + i / rate from src-base + (i mod src-count),
 * bound with IP_FREEBIND: the sources need not be configured on an
 * interface, only routed to this host (`ip route add local 198.18.0.0/15
 * dev lo`).  In banner mode a connection reads the greeting, sends QUIT,
 * waits for the answer or the server's close, and closes; in handshake
 * mode it closes as soon as the handshake completed; in pregreet mode it
 * behaves as in banner mode, but first talks before its turn ("EHLO"
 * right after connecting, before the greeting), as spam bots do and as
 * postscreen's pregreet test catches; in authfail mode, after the
 * greeting, it sends EHLO and then AUTH PLAIN with a wrong password
 * LG_AUTH_TRIES times, reading each reply, before QUIT: a password
 * guesser on the submission port.
 *
 * Bounds: no connection starts after --duration seconds or beyond --count;
 * none lives longer than --timeout seconds; the program ends at the latest
 * --duration + --timeout seconds after its start (SIGINT/SIGTERM end it
 * at once), and still prints its summary.  Starts that would exceed
 * --max-open open connections are not made and are counted as skipped, so
 * that the offered rate stays what was asked and the report says when it
 * was not.
 *
 * Output: a JSON summary (to --out, else stdout): offered, started and
 * each outcome, latency percentiles in microseconds from the start of the
 * connect, the rate reached and how late the starts were, and the CPU time
 * the generator used.  --log writes one line per connection:
 * "INDEX SOURCE OUTCOME CONNECT_US BANNER_US REPLY_CODE ERRNO".
 *
 * Reused beyond the DNSBL benchmark (a Postfix/postscreen flood): a
 * non-220 greeting is counted as "rejected" with its code, never as an
 * error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define NS_PER_S 1000000000ll
#define NS_PER_US 1000ll
/* Upper bounds of the options: a run is a bounded experiment. */
#define LG_MAX_COUNT 4000000u
#define LG_MAX_RATE 1000000u
#define LG_MAX_SECONDS 3600u
#define LG_MAX_OPEN 500000u
/* A greeting is read up to this many bytes; a longer one is judged by
 * its first line. */
#define LG_REPLY_MAX 512
#define LG_EPOLL_BATCH 256
/* authfail mode: wrong passwords per connection */
#define LG_AUTH_TRIES 3

/* What became of one connection.  Keep lg_outcome_name in step. */
enum lg_outcome {
	LG_PENDING = 0,
	LG_BANNER,     /* 220 greeting read */
	LG_HANDSHAKE,  /* handshake mode: connected */
	LG_REJECTED,   /* another greeting (4xx/5xx, e.g. postscreen) */
	LG_RESET,      /* RST: refused connect or reset before the greeting */
	LG_CLOSED,     /* orderly close before any greeting */
	LG_TIMEOUT,    /* no handshake or no greeting within --timeout */
	LG_ERROR,      /* a local error: socket, bind, connect (errno kept) */
	LG_SKIPPED,    /* not started: --max-open connections were open */
	LG_UNFINISHED, /* still open at the hard stop (or a signal) */
	LG_NR_OUTCOMES,
};

static const char *const lg_outcome_name[LG_NR_OUTCOMES] = {
    [LG_PENDING] = "pending",	  [LG_BANNER] = "banner",
    [LG_HANDSHAKE] = "handshake", [LG_REJECTED] = "rejected",
    [LG_RESET] = "reset",	  [LG_CLOSED] = "closed",
    [LG_TIMEOUT] = "timeout",	  [LG_ERROR] = "error",
    [LG_SKIPPED] = "skipped",	  [LG_UNFINISHED] = "unfinished",
};

/* One record per offered connection, in start order. */
struct lg_record {
	int32_t connect_us; /* -1: not connected */
	int32_t banner_us;  /* -1: no greeting */
	uint32_t slot;	    /* while open: index into the slot table */
	uint16_t code;	    /* greeting's reply code, 0 if none */
	uint8_t outcome;    /* enum lg_outcome */
	uint8_t open;	    /* a socket is open for it */
	int32_t err;	    /* errno of an error or reset, 0 if none */
};

enum lg_state {
	LG_CONNECTING = 1,
	LG_GREETING, /* connected, reading the greeting */
	LG_DIALOGUE, /* authfail: EHLO, AUTH... sent, reading the reply */
	LG_QUITTING, /* QUIT sent, waiting for the answer or the close */
};

struct lg_slot {
	int fd;		  /* -1: free */
	uint32_t index;	  /* the connection (record) using it */
	uint8_t state;	  /* enum lg_state */
	uint16_t used;	  /* bytes in reply[] */
	uint8_t step;	  /* authfail: commands answered so far */
	int64_t start_ns; /* CLOCK_MONOTONIC of the connect() */
	char reply[LG_REPLY_MAX];
};

struct lg_opts {
	int family; /* AF_INET or AF_INET6 */
	struct sockaddr_storage server;
	socklen_t server_len;
	uint8_t src_base[16]; /* network byte order */
	uint32_t src_count;
	uint32_t rate;
	uint32_t count;
	uint32_t duration_ms;
	uint32_t timeout_ms;
	uint32_t max_open;
	bool handshake_only;
	bool pregreet; /* talk before the greeting */
	bool authfail; /* EHLO, then wrong passwords */
	const char *out;
	const char *log;
	char server_text[INET6_ADDRSTRLEN];
	char src_text[INET6_ADDRSTRLEN];
	uint16_t port;
};

struct lg_run {
	struct lg_opts o;
	struct lg_record *rec;
	struct lg_slot *slot;
	uint32_t *free_slots; /* stack of free slot indexes */
	uint32_t nr_free;
	uint32_t open;
	uint32_t max_open_seen;
	uint32_t offered; /* records used: started + skipped */
	uint32_t oldest;  /* first record that may still be open */
	int epfd;
	int64_t t0_ns;
	int64_t last_start_ns;
	int64_t max_lag_ns; /* worst lateness of a start */
	uint64_t late_1ms;  /* starts more than 1 ms behind schedule */
	int first_err;	    /* first local errno, for the summary */
};

static volatile sig_atomic_t lg_stop;

static void lg_on_signal(int sig)
{
	lg_stop = sig;
}

static int64_t lg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void lg_usage(FILE *out)
{
	fprintf(out,
		"Usage: loadgen --server ADDR --rate N --count N --duration S\n"
		"               --src-base ADDR --src-count N [--port P (25)]\n"
		"               [--timeout S (3)] [--max-open N (10000)]\n"
		"               [--mode banner|handshake|pregreet|authfail (banner)]\n"
		"               [--log FILE] [--out FILE (stdout)]\n"
		"Open TCP connections at N per second from sequential source\n"
		"addresses (bound with IP_FREEBIND) and report what became of "
		"them.\n");
}

/* A bounded unsigned number; the message names the option. */
static int lg_parse_u32(const char *opt, const char *text, uint32_t min,
			uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v < min ||
	    v > max) {
		fprintf(stderr,
			"loadgen: --%s %s: want a whole number from %u to %u\n",
			opt, text, min, max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Seconds with up to three decimals ("2.5"), as milliseconds. */
static int lg_parse_ms(const char *opt, const char *text, uint32_t max_s,
		       uint32_t *out_ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !(v > 0) || v > max_s) {
		fprintf(stderr,
			"loadgen: --%s %s: want seconds, more than 0 and at "
			"most %u\n",
			opt, text, max_s);
		return -EINVAL;
	}
	*out_ms = (uint32_t)(v * 1000 + 0.5);
	if (*out_ms == 0)
		*out_ms = 1;
	return 0;
}

static int lg_parse_args(int argc, char **argv, struct lg_opts *o)
{
	static const struct option longopts[] = {
	    {"server", required_argument, NULL, 's'},
	    {"port", required_argument, NULL, 'p'},
	    {"rate", required_argument, NULL, 'r'},
	    {"count", required_argument, NULL, 'n'},
	    {"duration", required_argument, NULL, 'd'},
	    {"src-base", required_argument, NULL, 'b'},
	    {"src-count", required_argument, NULL, 'c'},
	    {"timeout", required_argument, NULL, 't'},
	    {"max-open", required_argument, NULL, 'm'},
	    {"mode", required_argument, NULL, 'M'},
	    {"log", required_argument, NULL, 'l'},
	    {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *server = NULL, *src = NULL;
	uint32_t port = 25, duration_ms = 0;
	int opt, err = 0;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = 3000;
	o->max_open = 10000;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			server = optarg;
			break;
		case 'b':
			src = optarg;
			break;
		case 'p':
			err = lg_parse_u32("port", optarg, 1, 65535, &port);
			break;
		case 'r':
			err = lg_parse_u32("rate", optarg, 1, LG_MAX_RATE,
					   &o->rate);
			break;
		case 'n':
			err = lg_parse_u32("count", optarg, 1, LG_MAX_COUNT,
					   &o->count);
			break;
		case 'c':
			err = lg_parse_u32("src-count", optarg, 1, UINT32_MAX,
					   &o->src_count);
			break;
		case 'm':
			err = lg_parse_u32("max-open", optarg, 1, LG_MAX_OPEN,
					   &o->max_open);
			break;
		case 'd':
			err = lg_parse_ms("duration", optarg, LG_MAX_SECONDS,
					  &duration_ms);
			break;
		case 't':
			err =
			    lg_parse_ms("timeout", optarg, 600, &o->timeout_ms);
			break;
		case 'l':
			o->log = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'M':
			o->handshake_only = o->pregreet = o->authfail = false;
			if (strcmp(optarg, "handshake") == 0) {
				o->handshake_only = true;
			} else if (strcmp(optarg, "pregreet") == 0) {
				o->pregreet = true;
			} else if (strcmp(optarg, "authfail") == 0) {
				o->authfail = true;
			} else if (strcmp(optarg, "banner") != 0) {
				fprintf(stderr,
					"loadgen: --mode %s: want banner, "
					"handshake, pregreet or authfail\n",
					optarg);
				err = -EINVAL;
			}
			break;
		case 'h':
			lg_usage(stdout);
			exit(0);
		default:
			lg_usage(stderr);
			return -EINVAL;
		}
		if (err)
			return err;
	}
	if (optind < argc || !server || !src || !o->rate || !o->count ||
	    !duration_ms || !o->src_count) {
		fprintf(stderr,
			"loadgen: --server, --rate, --count, --duration, "
			"--src-base and --src-count are required\n");
		lg_usage(stderr);
		return -EINVAL;
	}
	o->duration_ms = duration_ms;
	o->port = (uint16_t)port;
	snprintf(o->server_text, sizeof(o->server_text), "%s", server);
	snprintf(o->src_text, sizeof(o->src_text), "%s", src);

	if (inet_pton(AF_INET, server,
		      &((struct sockaddr_in *)&o->server)->sin_addr) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&o->server;

		o->family = AF_INET;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(o->port);
		o->server_len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, server,
			     &((struct sockaddr_in6 *)&o->server)->sin6_addr) ==
		   1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&o->server;

		o->family = AF_INET6;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(o->port);
		o->server_len = sizeof(*sin6);
	} else {
		fprintf(stderr,
			"loadgen: --server %s: not an IPv4 or IPv6 address\n",
			server);
		return -EINVAL;
	}
	if (inet_pton(o->family, src, o->src_base) != 1) {
		fprintf(stderr,
			"loadgen: --src-base %s: not an %s address like the "
			"server's\n",
			src, o->family == AF_INET ? "IPv4" : "IPv6");
		return -EINVAL;
	}
	return 0;
}

/* base + offset, as big-endian numbers of len bytes (wrapping). */
static void lg_addr_add(const uint8_t *base, size_t len, uint32_t offset,
			uint8_t *out)
{
	uint64_t carry = offset;

	for (size_t i = len; i-- > 0;) {
		carry += base[i];
		out[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

static void lg_source(const struct lg_opts *o, uint32_t index,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	uint32_t off = index % o->src_count;

	memset(ss, 0, sizeof(*ss));
	if (o->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		lg_addr_add(o->src_base, 4, off, (uint8_t *)&sin->sin_addr);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		lg_addr_add(o->src_base, 16, off, sin6->sin6_addr.s6_addr);
		*len = sizeof(*sin6);
	}
}

static void lg_source_text(const struct lg_opts *o, uint32_t index, char *buf,
			   size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	lg_source(o, index, &ss, &sl);
	inet_ntop(o->family,
		  o->family == AF_INET
		      ? (void *)&((struct sockaddr_in *)&ss)->sin_addr
		      : (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr,
		  buf, (socklen_t)len);
}

static int32_t lg_us_since(int64_t start_ns, int64_t now_ns)
{
	int64_t us = (now_ns - start_ns) / NS_PER_US;

	return us > INT32_MAX ? INT32_MAX : (int32_t)us;
}

/* End a connection: close its socket, give back its slot. */
static void lg_close(struct lg_run *r, struct lg_slot *s)
{
	struct lg_record *rec = &r->rec[s->index];

	close(s->fd); /* also removes it from the epoll set */
	s->fd = -1;
	rec->open = 0;
	r->free_slots[r->nr_free++] = (uint32_t)(s - r->slot);
	r->open--;
}

static void lg_finish(struct lg_run *r, struct lg_slot *s,
		      enum lg_outcome outcome, int err)
{
	struct lg_record *rec = &r->rec[s->index];

	if (rec->outcome == LG_PENDING) {
		rec->outcome = (uint8_t)outcome;
		rec->err = err;
	}
	lg_close(r, s);
}

static void lg_note_error(struct lg_run *r, int err)
{
	if (!r->first_err)
		r->first_err = err;
}

/* Start connection r->offered now (it was due at due_ns). */
static void lg_start(struct lg_run *r, int64_t due_ns, int64_t now_ns)
{
	uint32_t index = r->offered++;
	struct lg_record *rec = &r->rec[index];
	struct sockaddr_storage src;
	struct epoll_event ev;
	struct lg_slot *s;
	socklen_t src_len;
	int fd, one = 1, err;
	uint32_t si;

	rec->connect_us = rec->banner_us = -1;
	if (now_ns - due_ns > r->max_lag_ns)
		r->max_lag_ns = now_ns - due_ns;
	if (now_ns - due_ns > NS_PER_S / 1000)
		r->late_1ms++;
	r->last_start_ns = now_ns;
	if (!r->nr_free) {
		rec->outcome = LG_SKIPPED;
		return;
	}

	fd = socket(r->o.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	lg_source(&r->o, index, &src, &src_len);
	if (r->o.family == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one,
			       sizeof(one)) ||
		    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			       sizeof(one))) {
			err = errno;
			goto fail_close;
		}
	} else if (setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one,
			      sizeof(one))) {
		err = errno;
		goto fail_close;
	}
	if (bind(fd, (struct sockaddr *)&src, src_len)) {
		err = errno;
		goto fail_close;
	}

	si = r->free_slots[--r->nr_free];
	s = &r->slot[si];
	s->fd = fd;
	s->index = index;
	s->state = LG_CONNECTING;
	s->used = 0;
	s->step = 0;
	s->start_ns = lg_now_ns();
	rec->slot = si;
	rec->open = 1;
	if (++r->open > r->max_open_seen)
		r->max_open_seen = r->open;

	ev.events = EPOLLOUT;
	ev.data.u32 = si;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		err = errno;
		lg_note_error(r, err);
		lg_finish(r, s, LG_ERROR, err);
		return;
	}
	if (connect(fd, (struct sockaddr *)&r->o.server, r->o.server_len) &&
	    errno != EINPROGRESS) {
		err = errno;
		if (err == ECONNREFUSED) {
			lg_finish(r, s, LG_RESET, err);
		} else {
			lg_note_error(r, err);
			lg_finish(r, s, LG_ERROR, err);
		}
	}
	return;

fail_close:
	close(fd);
fail:
	lg_note_error(r, err);
	rec->outcome = LG_ERROR;
	rec->err = err;
}

/* Whether reply[] holds a whole reply: a line "NNN " (or just "NNN"). */
static bool lg_reply_complete(const char *buf, size_t len)
{
	size_t line = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i - line >= 3 && (i - line == 3 || buf[line + 3] != '-'))
			return true;
		line = i + 1;
	}
	return len >= LG_REPLY_MAX;
}

/* The code of the reply's last line: a server may start a greeting with
 * "220-" and end it with a refusal (postscreen after a DNSBL hit: "220-..."
 * then "521 ..."), which is a rejection, not a banner. */
static uint16_t lg_reply_code(const char *buf, size_t len)
{
	size_t last = 0;

	for (size_t i = 0; i + 1 < len; i++)
		if (buf[i] == '\n')
			last = i + 1;
	buf += last;
	len -= last;
	if (len < 3 || buf[0] < '1' || buf[0] > '5' || buf[1] < '0' ||
	    buf[1] > '9' || buf[2] < '0' || buf[2] > '9')
		return 0;
	return (uint16_t)((buf[0] - '0') * 100 + (buf[1] - '0') * 10 +
			  (buf[2] - '0'));
}

static void lg_on_connected(struct lg_run *r, struct lg_slot *s, int64_t now)
{
	struct lg_record *rec = &r->rec[s->index];
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP};
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		soerr = errno;
	if (soerr) {
		if (soerr == ECONNREFUSED || soerr == ECONNRESET) {
			lg_finish(r, s, LG_RESET, soerr);
		} else if (soerr == ETIMEDOUT) {
			lg_finish(r, s, LG_TIMEOUT, soerr);
		} else {
			lg_note_error(r, soerr);
			lg_finish(r, s, LG_ERROR, soerr);
		}
		return;
	}
	rec->connect_us = lg_us_since(s->start_ns, now);
	if (r->o.handshake_only) {
		lg_finish(r, s, LG_HANDSHAKE, 0);
		return;
	}
	if (r->o.pregreet) {
		static const char ehlo[] = "EHLO bot.invalid\r\n";

		/* a short write on a fresh socket is not expected; a bot
		 * would not care either */
		(void)!write(s->fd, ehlo, sizeof(ehlo) - 1);
	}
	s->state = LG_GREETING;
	ev.data.u32 = (uint32_t)(s - r->slot);
	if (epoll_ctl(r->epfd, EPOLL_CTL_MOD, s->fd, &ev)) {
		int err = errno;

		lg_note_error(r, err);
		lg_finish(r, s, LG_ERROR, err);
	}
}

static void lg_on_readable(struct lg_run *r, struct lg_slot *s, int64_t now)
{
	struct lg_record *rec = &r->rec[s->index];
	static const char quit[] = "QUIT\r\n";
	char sink[LG_REPLY_MAX];
	ssize_t n;

	if (s->state == LG_QUITTING) {
		/* the answer to QUIT, or the close: either way, done */
		n = read(s->fd, sink, sizeof(sink));
		if (n < 0 && errno == EAGAIN)
			return;
		lg_close(r, s);
		return;
	}
	n = read(s->fd, s->reply + s->used, sizeof(s->reply) - s->used);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0 && s->state == LG_DIALOGUE) {
		/* hung up on after the greeting: the greeting counted */
		lg_close(r, s);
		return;
	}
	if (n < 0) {
		lg_finish(r, s, errno == ECONNRESET ? LG_RESET : LG_ERROR,
			  errno);
		return;
	}
	if (n == 0) {
		lg_finish(r, s, LG_CLOSED, 0);
		return;
	}
	s->used = (uint16_t)(s->used + n);
	if (!lg_reply_complete(s->reply, s->used))
		return;
	if (s->state == LG_GREETING) {
		rec->banner_us = lg_us_since(s->start_ns, now);
		rec->code = lg_reply_code(s->reply, s->used);
		rec->outcome = rec->code == 220 ? LG_BANNER : LG_REJECTED;
	}
	if (r->o.authfail && rec->outcome == LG_BANNER &&
	    s->step < 1 + LG_AUTH_TRIES) {
		/* EHLO, then wrong passwords (user and password "guess") */
		static const char ehlo[] = "EHLO bot.invalid\r\n";
		static const char auth[] = "AUTH PLAIN AGd1ZXNzAGd1ZXNz\r\n";
		const char *cmd = s->step == 0 ? ehlo : auth;
		size_t len = s->step == 0 ? sizeof(ehlo) - 1 : sizeof(auth) - 1;

		s->step++;
		s->used = 0;
		s->state = LG_DIALOGUE;
		if (write(s->fd, cmd, len) != (ssize_t)len)
			lg_close(r, s);
		return;
	}
	/* a polite end; the server's answer or close ends the connection */
	if (write(s->fd, quit, sizeof(quit) - 1) != (ssize_t)sizeof(quit) - 1) {
		lg_close(r, s);
		return;
	}
	s->state = LG_QUITTING;
}

static void lg_on_event(struct lg_run *r, const struct epoll_event *ev,
			int64_t now)
{
	struct lg_slot *s = &r->slot[ev->data.u32];

	if (s->fd < 0)
		return;
	if (s->state == LG_CONNECTING)
		lg_on_connected(r, s, now);
	else
		lg_on_readable(r, s, now);
}

/* Time out connections older than --timeout; they were started in record
 * order, so the oldest open one is at or after r->oldest. */
static void lg_expire(struct lg_run *r, int64_t now, bool all)
{
	int64_t limit = (int64_t)r->o.timeout_ms * 1000000;

	while (r->oldest < r->offered) {
		struct lg_record *rec = &r->rec[r->oldest];
		struct lg_slot *s;

		if (!rec->open) {
			r->oldest++;
			continue;
		}
		s = &r->slot[rec->slot];
		if (!all && now - s->start_ns < limit)
			break;
		lg_finish(r, s, all ? LG_UNFINISHED : LG_TIMEOUT,
			  all ? 0 : ETIMEDOUT);
		r->oldest++;
	}
}

static int lg_cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* p50, p99 and max of the non-negative values; -1 when there are none. */
static void lg_percentiles(const struct lg_record *rec, uint32_t n, bool banner,
			   int32_t *p50, int32_t *p99, int32_t *max,
			   uint32_t *nr)
{
	int32_t *v = malloc(sizeof(*v) * (n ? n : 1));
	uint32_t k = 0;

	*p50 = *p99 = *max = -1;
	*nr = 0;
	if (!v)
		return;
	for (uint32_t i = 0; i < n; i++) {
		int32_t x = banner ? rec[i].banner_us : rec[i].connect_us;

		if (x >= 0)
			v[k++] = x;
	}
	if (k) {
		qsort(v, k, sizeof(*v), lg_cmp_i32);
		/* nearest rank */
		*p50 = v[(k * 50 + 99) / 100 - 1];
		*p99 = v[(k * 99 + 99) / 100 - 1];
		*max = v[k - 1];
	}
	*nr = k;
	free(v);
}

static double lg_cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int lg_write_log(const struct lg_run *r)
{
	FILE *f = fopen(r->o.log, "w");
	char src[INET6_ADDRSTRLEN];

	if (!f) {
		fprintf(stderr, "loadgen: cannot write %s: %s\n", r->o.log,
			strerror(errno));
		return -errno;
	}
	for (uint32_t i = 0; i < r->offered; i++) {
		const struct lg_record *rec = &r->rec[i];

		lg_source_text(&r->o, i, src, sizeof(src));
		fprintf(f, "%u %s %s %d %d %u %d\n", i, src,
			lg_outcome_name[rec->outcome], rec->connect_us,
			rec->banner_us, rec->code, rec->err);
	}
	if (fclose(f)) {
		fprintf(stderr, "loadgen: cannot write %s: %s\n", r->o.log,
			strerror(errno));
		return -EIO;
	}
	return 0;
}

static void lg_json_latency(FILE *f, const char *name, const struct lg_run *r,
			    bool banner)
{
	int32_t p50, p99, max;
	uint32_t nr;

	lg_percentiles(r->rec, r->offered, banner, &p50, &p99, &max, &nr);
	fprintf(
	    f,
	    "  \"%s\": {\"n\": %u, \"p50\": %d, \"p99\": %d, \"max\": %d},\n",
	    name, nr, p50, p99, max);
}

static int lg_report(const struct lg_run *r, int64_t end_ns, double cpu_s)
{
	uint64_t n[LG_NR_OUTCOMES] = {0};
	uint32_t started, completed;
	double offer_s = (double)(r->last_start_ns - r->t0_ns) / NS_PER_S;
	double elapsed = (double)(end_ns - r->t0_ns) / NS_PER_S;
	FILE *f = stdout;

	for (uint32_t i = 0; i < r->offered; i++)
		n[r->rec[i].outcome]++;
	started = r->offered - (uint32_t)n[LG_SKIPPED];
	completed = 0;
	for (uint32_t i = 0; i < r->offered; i++)
		completed += r->rec[i].connect_us >= 0;
	if (r->o.out) {
		f = fopen(r->o.out, "w");
		if (!f) {
			fprintf(stderr, "loadgen: cannot write %s: %s\n",
				r->o.out, strerror(errno));
			return -errno;
		}
	}
	fprintf(f, "{\n");
	fprintf(f, "  \"server\": \"%s\", \"port\": %u, \"mode\": \"%s\",\n",
		r->o.server_text, r->o.port,
		r->o.handshake_only ? "handshake"
		: r->o.pregreet	    ? "pregreet"
		: r->o.authfail	    ? "authfail"
				    : "banner");
	fprintf(f, "  \"src_base\": \"%s\", \"src_count\": %u,\n",
		r->o.src_text, r->o.src_count);
	fprintf(f,
		"  \"rate\": %u, \"count\": %u, \"duration_s\": %.3f, "
		"\"timeout_s\": %.3f,\n",
		r->o.rate, r->o.count, r->o.duration_ms / 1000.0,
		r->o.timeout_ms / 1000.0);
	fprintf(f, "  \"offered\": %u, \"started\": %u, \"completed\": %u,\n",
		r->offered, started, completed);
	fprintf(f, "  \"outcomes\": {");
	for (int i = LG_BANNER; i < LG_NR_OUTCOMES; i++)
		fprintf(f, "%s\"%s\": %llu", i == LG_BANNER ? "" : ", ",
			lg_outcome_name[i], (unsigned long long)n[i]);
	fprintf(f, "},\n");
	/* the flat names the benchmark scripts read */
	fprintf(f, "  \"banner\": %llu, \"reset\": %llu, \"timeout\": %llu,\n",
		(unsigned long long)n[LG_BANNER],
		(unsigned long long)n[LG_RESET],
		(unsigned long long)n[LG_TIMEOUT]);
	lg_json_latency(f, "connect_us", r, false);
	lg_json_latency(f, "banner_us", r, true);
	fprintf(f, "  \"offer_seconds\": %.3f, \"achieved_rate\": %.1f,\n",
		offer_s,
		offer_s > 0 ? (r->offered > 1 ? (r->offered - 1) / offer_s : 0)
			    : 0);
	fprintf(f,
		"  \"late_starts_1ms\": %llu, \"max_lag_ms\": %.3f, "
		"\"max_open\": %u,\n",
		(unsigned long long)r->late_1ms, (double)r->max_lag_ns / 1e6,
		r->max_open_seen);
	fprintf(f, "  \"first_error\": \"%s\", \"stopped_by_signal\": %s,\n",
		r->first_err ? strerror(r->first_err) : "",
		lg_stop ? "true" : "false");
	fprintf(f, "  \"elapsed_s\": %.3f, \"cpu_s\": %.3f\n}\n", elapsed,
		cpu_s);
	if (f != stdout && fclose(f)) {
		fprintf(stderr, "loadgen: cannot write %s: %s\n", r->o.out,
			strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Room for max-open sockets plus a few: the soft limit is raised as far
 * as the hard one allows, and --max-open lowered (with a warning) when
 * that is not enough. */
#define LG_SPARE_FDS 64
static int lg_fit_nofile(uint32_t *max_open)
{
	uint64_t want = (uint64_t)*max_open + LG_SPARE_FDS;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			return -errno;
	}
	if (rl.rlim_cur < want) {
		if (rl.rlim_cur <= 2 * LG_SPARE_FDS) {
			fprintf(stderr,
				"loadgen: only %llu open files allowed\n",
				(unsigned long long)rl.rlim_cur);
			return -EMFILE;
		}
		*max_open = (uint32_t)(rl.rlim_cur - LG_SPARE_FDS);
		fprintf(stderr,
			"loadgen: the open file limit is %llu: --max-open "
			"lowered to %u\n",
			(unsigned long long)rl.rlim_cur, *max_open);
	}
	return 0;
}

static int lg_run_init(struct lg_run *r)
{
	r->rec = calloc(r->o.count, sizeof(*r->rec));
	r->slot = calloc(r->o.max_open, sizeof(*r->slot));
	r->free_slots = calloc(r->o.max_open, sizeof(*r->free_slots));
	if (!r->rec || !r->slot || !r->free_slots) {
		fprintf(stderr, "loadgen: out of memory for %u connections\n",
			r->o.count);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < r->o.max_open; i++) {
		r->slot[i].fd = -1;
		r->free_slots[i] = r->o.max_open - 1 - i;
	}
	r->nr_free = r->o.max_open;
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0) {
		int err = -errno;

		fprintf(stderr, "loadgen: epoll_create1: %s\n", strerror(-err));
		return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = lg_on_signal};
	struct epoll_event evs[LG_EPOLL_BATCH];
	struct lg_run r;
	int64_t offer_end, hard_end, now;
	int err;

	memset(&r, 0, sizeof(r));
	if (lg_parse_args(argc, argv, &r.o))
		return 1;
	if (lg_fit_nofile(&r.o.max_open) || lg_run_init(&r))
		return 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	r.t0_ns = r.last_start_ns = lg_now_ns();
	offer_end = r.t0_ns + (int64_t)r.o.duration_ms * 1000000;
	hard_end = offer_end + (int64_t)r.o.timeout_ms * 1000000;
	for (now = r.t0_ns; !lg_stop && now < hard_end; now = lg_now_ns()) {
		int64_t wait_ns = hard_end - now, due = 0;
		struct timespec ts;
		int n;

		/* start every connection that is due */
		while (r.offered < r.o.count) {
			due = r.t0_ns + (int64_t)((__int128)r.offered *
						  NS_PER_S / r.o.rate);
			if (due > now || due >= offer_end)
				break;
			lg_start(&r, due, now);
		}
		if (r.offered < r.o.count && due < offer_end &&
		    due - now < wait_ns)
			wait_ns = due - now;
		else if (r.open == 0)
			break; /* nothing more to start or wait for */
		lg_expire(&r, now, false);
		if (r.open && r.oldest < r.offered) {
			int64_t expiry = r.slot[r.rec[r.oldest].slot].start_ns +
					 (int64_t)r.o.timeout_ms * 1000000;

			if (r.rec[r.oldest].open && expiry - now < wait_ns)
				wait_ns = expiry - now;
		}
		if (wait_ns < 0)
			wait_ns = 0;
		ts.tv_sec = wait_ns / NS_PER_S;
		ts.tv_nsec = wait_ns % NS_PER_S;
		n = epoll_pwait2(r.epfd, evs, LG_EPOLL_BATCH, &ts, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			fprintf(stderr, "loadgen: epoll_pwait2: %s\n",
				strerror(err));
			lg_note_error(&r, err);
			break;
		}
		now = lg_now_ns();
		for (int i = 0; i < n; i++)
			lg_on_event(&r, &evs[i], now);
	}
	now = lg_now_ns();
	lg_expire(&r, now, false);
	lg_expire(&r, now, true);
	err = lg_report(&r, now, lg_cpu_seconds());
	if (!err && r.o.log)
		err = lg_write_log(&r);
	return err ? 2 : 0;
}
