// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * policygen.c - load for a Postfix policy service (SMTPD_POLICY_README),
 * sent as Postfix's smtpd processes send it, and what the answers took.
 *
 *   policygen --server 127.0.0.1 --port 10031 --duration 10
 *             [--rate N (0: closed loop)] [--conns 50] [--accounts 1000]
 *             [--clients-per-account 3] [--rcpt-per-msg 4]
 *             [--max-requests N] [--timeout 2] [--label NAME] [--out FILE]
 *   policygen --echo-server --server 127.0.0.1 --port 10032 --duration S
 *
 * The client: --conns connections, each one smtpd process of Postfix,
 * which keeps its connection and asks one question at a time (send the
 * request, wait for the whole answer, then ask the next).  Each
 * connection plays SMTP sessions one after the other: a session is one
 * SASL login (alice0..alice<accounts-1>, taken in a fixed permutation so
 * that all are in use at once) from one of the login's few client
 * addresses, sending one message of 1..2*rcpt-per-msg-1 recipients: a
 * RCPT request per recipient, then one END-OF-MESSAGE.  The login's
 * addresses lie in --clients-per-account distinct /24s of 198.18.0.0/15
 * (RFC 2544), so no login is used from more networks than that.  Every
 * request carries the 31 attributes Postfix 3.7 (3.8 for the last two of
 * the README's list) sends, with realistic values; only the ones a policy
 * service looks at vary.
 *
 *   - closed loop (--rate 0): every connection asks again as soon as it
 *     has its answer: the most the service answers per second;
 *   - open loop (--rate N): request i is due at t0 + i/N and goes out on
 *     a connection that is free then; when none is (all 50 wait for an
 *     answer), it goes out late, on the next one freed.  Reported: how
 *     late the sends were, and the time from when a request was due to
 *     its answer, besides the time from its send; requests due but
 *     unsent when --duration ends (every connection busy) are counted.
 *
 * Latency is CLOCK_MONOTONIC from the first byte sent to the last byte
 * of the answer ("action=...\n\n"), kept for every answer and sorted at
 * the end (nearest rank).  Answers are counted by their action's first
 * word (DUNNO, DEFER_IF_PERMIT, ...).
 *
 * Errors: a connection the server closes or resets, an answer that is not
 * "action=...\n\n" or comes unasked, or no answer within --timeout, is
 * counted by kind; the connection is closed and opened again (at most
 * PG_RECONNECTS times each, then left closed), as smtpd does.  A run
 * whose connections are all gone ends early.
 *
 * Bounds: no request is sent after --duration seconds or beyond
 * --max-requests; the run ends when the last one is answered or timed
 * out, and at the latest --duration + --timeout + 1 seconds after its
 * start (SIGINT/SIGTERM end the sending at once; a second one ends the
 * run).  The summary is written in every case: JSON to --out (else
 * stdout) and one line to stderr.  Exit status 0 when every request was
 * answered and nothing went wrong, 1 otherwise or on a usage or setup
 * error (no connection could be opened).
 *
 * --echo-server: the floor to compare with, on the same loopback and
 * with the same client: a one-thread epoll server that answers every
 * request ("\n\n"-terminated) with "action=DUNNO\n\n" without looking at
 * it.  It exits after --duration seconds or at SIGINT/SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000ll
#define NS_PER_MS 1000000ll

/* Upper bounds of the options: a run is a bounded experiment. */
#define PG_MAX_CONNS 1000u
#define PG_MAX_ACCOUNTS 1000000u
#define PG_MAX_RATE 2000000u
#define PG_MAX_REQUESTS 100000000u
#define PG_MAX_SECONDS 3600u
#define PG_MAX_RCPT_MEAN 100u
/* The login's networks: 198.18.0.0/15 holds 512 /24s; the policy
 * service remembers 16 networks per login. */
#define PG_NETS 512u
#define PG_MAX_CLIENTS 16u

/* Bytes of one request (a Postfix 3.7 request here is about 900) and of
 * one answer. */
#define PG_REQ_MAX 2048
#define PG_ANS_MAX 1024
/* Reopened connections, per connection. */
#define PG_RECONNECTS 10
/* The longest wait in the loop: the timeout and end checks' resolution. */
#define PG_TICK_NS (10 * NS_PER_MS)
/* How long the connections may take to open before the run starts. */
#define PG_CONNECT_NS (5 * NS_PER_S)
#define PG_EPOLL_BATCH 256
/* Distinct action words counted; the rest are "other". */
#define PG_ACTIONS 8
#define PG_ACTION_LEN 32

static volatile sig_atomic_t pg_signals;

static void pg_on_signal(int sig)
{
	(void)sig;
	pg_signals++;
}

static int64_t pg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

struct pg_opts {
	struct sockaddr_in server;
	char server_text[INET_ADDRSTRLEN];
	uint16_t port;
	uint32_t rate; /* 0: closed loop */
	uint32_t conns;
	uint32_t accounts;
	uint32_t clients; /* per account */
	uint32_t rcpt_mean;
	uint32_t max_requests;
	int64_t duration_ns;
	int64_t timeout_ns;
	bool echo_server;
	const char *label;
	const char *out;
};

/* ---- errors and answers, by kind ---------------------------------------- */

enum pg_error {
	PG_E_CONNECT = 0, /* a connect failed */
	PG_E_CLOSED,	  /* the server closed a connection */
	PG_E_RESET,	  /* a read or write failed (reset) */
	PG_E_TIMEOUT,	  /* no whole answer within --timeout */
	PG_E_PROTOCOL,	  /* not "action=...\n\n", too long, or unasked */
	PG_E_UNFINISHED,  /* still waiting at the hard stop */
	PG_NR_ERRORS,
};

static const char *const pg_error_name[PG_NR_ERRORS] = {
    [PG_E_CONNECT] = "connect",	  [PG_E_CLOSED] = "closed",
    [PG_E_RESET] = "reset",	  [PG_E_TIMEOUT] = "timeout",
    [PG_E_PROTOCOL] = "protocol", [PG_E_UNFINISHED] = "unfinished",
};

/* What each answer took, in ns (clamped to 32 bits: 4.29 s, more than
 * any --timeout allows). */
struct pg_sample {
	uint32_t lat_ns;  /* send to answer */
	uint32_t late_ns; /* due to send (open loop), else 0 */
};

/* ---- connections --------------------------------------------------------- */

enum pg_conn_state {
	PG_C_CLOSED = 0, /* no socket (gone for good, or between runs) */
	PG_C_CONNECTING,
	PG_C_IDLE,    /* connected, nothing asked */
	PG_C_SENDING, /* a request partly written */
	PG_C_WAITING, /* a request sent, its answer not all read */
};

struct pg_conn {
	int fd;
	uint8_t state; /* enum pg_conn_state */
	bool in_idle;  /* listed in the run's idle stack */
	bool is_eom;   /* the request in flight is END-OF-MESSAGE */
	uint16_t reconnects;
	/* the SMTP session this smtpd is in */
	uint32_t account;
	uint32_t client; /* which of the login's addresses */
	uint32_t rcpt_total;
	uint32_t rcpt_done;
	uint32_t size;
	uint16_t client_port;
	char queue_id[16];
	char instance[40];
	uint64_t rng;
	/* the request in flight */
	int64_t send_ns;
	int64_t due_ns;
	uint16_t req_len, req_off;
	uint16_t ans_len;
	char req[PG_REQ_MAX];
	char ans[PG_ANS_MAX];
};

struct pg_run {
	struct pg_opts o;
	struct pg_conn *conn;
	uint32_t *idle; /* stack of connection indexes; entries may be stale */
	uint32_t nr_idle;
	int epfd;
	/* sessions started, over all connections: picks the login */
	uint64_t sessions;
	uint32_t stride; /* coprime with accounts: the login permutation */
	/* counts */
	uint64_t offered;  /* open loop: requests due within --duration */
	uint64_t issued;   /* requests sent (their first byte) */
	uint64_t answered; /* whole answers */
	uint64_t rcpt_sent, eom_sent;
	uint64_t errors[PG_NR_ERRORS];
	uint64_t reconnects;
	int first_errno;
	char first_error[160];
	uint64_t late_1ms; /* open loop: sends more than 1 ms after due */
	int64_t max_late_ns;
	char action_name[PG_ACTIONS][PG_ACTION_LEN];
	uint64_t action_count[PG_ACTIONS];
	uint32_t nr_actions;
	uint64_t action_other;
	/* every answer */
	struct pg_sample *sample;
	size_t nr_samples, cap_samples;
	bool samples_full; /* out of memory: later answers not kept */
	/* times */
	int64_t t0_ns, last_issue_ns, last_answer_ns, end_ns;
	bool stopped_by_signal;
};

static void pg_usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: policygen --server ADDR --port P --duration S\n"
	    "                 [--rate N (0: closed loop)] [--conns N (50)]\n"
	    "                 [--accounts N (1000)] [--clients-per-account N "
	    "(3)]\n"
	    "                 [--rcpt-per-msg N (4)] [--max-requests N]\n"
	    "                 [--timeout S (2)] [--label NAME] [--out FILE]\n"
	    "       policygen --echo-server --server ADDR --port P "
	    "--duration S\n"
	    "Ask a Postfix policy service as Postfix's smtpd processes do "
	    "and\nreport the answers and their latency (JSON).\n");
}

/* A bounded unsigned number; the message names the option. */
static int pg_parse_u32(const char *opt, const char *text, uint32_t min,
			uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v < min ||
	    v > max) {
		fprintf(stderr,
			"policygen: --%s %s: want a whole number from %u to "
			"%u\n",
			opt, text, min, max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Seconds with decimals ("2.5"), more than 0 and at most max_s. */
static int pg_parse_seconds(const char *opt, const char *text, uint32_t max_s,
			    int64_t *out_ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !(v > 0) || v > max_s) {
		fprintf(stderr,
			"policygen: --%s %s: want seconds, more than 0 and at "
			"most %u\n",
			opt, text, max_s);
		return -EINVAL;
	}
	*out_ns = (int64_t)(v * NS_PER_S + 0.5);
	if (*out_ns < NS_PER_MS)
		*out_ns = NS_PER_MS;
	return 0;
}

static int pg_parse_args(int argc, char **argv, struct pg_opts *o)
{
	static const struct option longopts[] = {
	    {"server", required_argument, NULL, 's'},
	    {"port", required_argument, NULL, 'p'},
	    {"rate", required_argument, NULL, 'r'},
	    {"conns", required_argument, NULL, 'c'},
	    {"accounts", required_argument, NULL, 'a'},
	    {"clients-per-account", required_argument, NULL, 'C'},
	    {"rcpt-per-msg", required_argument, NULL, 'R'},
	    {"max-requests", required_argument, NULL, 'n'},
	    {"duration", required_argument, NULL, 'd'},
	    {"timeout", required_argument, NULL, 't'},
	    {"label", required_argument, NULL, 'l'},
	    {"out", required_argument, NULL, 'o'},
	    {"echo-server", no_argument, NULL, 'E'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *server = NULL;
	uint32_t port = 0;
	int opt, err = 0;

	memset(o, 0, sizeof(*o));
	o->conns = 50;
	o->accounts = 1000;
	o->clients = 3;
	o->rcpt_mean = 4;
	o->max_requests = PG_MAX_REQUESTS;
	o->timeout_ns = 2 * NS_PER_S;
	o->label = "";
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			server = optarg;
			break;
		case 'p':
			err = pg_parse_u32("port", optarg, 1, 65535, &port);
			break;
		case 'r':
			err = pg_parse_u32("rate", optarg, 0, PG_MAX_RATE,
					   &o->rate);
			break;
		case 'c':
			err = pg_parse_u32("conns", optarg, 1, PG_MAX_CONNS,
					   &o->conns);
			break;
		case 'a':
			err = pg_parse_u32("accounts", optarg, 1,
					   PG_MAX_ACCOUNTS, &o->accounts);
			break;
		case 'C':
			err = pg_parse_u32("clients-per-account", optarg, 1,
					   PG_MAX_CLIENTS, &o->clients);
			break;
		case 'R':
			err = pg_parse_u32("rcpt-per-msg", optarg, 1,
					   PG_MAX_RCPT_MEAN, &o->rcpt_mean);
			break;
		case 'n':
			err = pg_parse_u32("max-requests", optarg, 1,
					   PG_MAX_REQUESTS, &o->max_requests);
			break;
		case 'd':
			err = pg_parse_seconds("duration", optarg,
					       PG_MAX_SECONDS, &o->duration_ns);
			break;
		case 't':
			err = pg_parse_seconds("timeout", optarg, 60,
					       &o->timeout_ns);
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'E':
			o->echo_server = true;
			break;
		case 'h':
			pg_usage(stdout);
			exit(0);
		default:
			pg_usage(stderr);
			return -EINVAL;
		}
		if (err)
			return err;
	}
	if (optind < argc || !server || !port || !o->duration_ns) {
		fprintf(stderr, "policygen: --server, --port and --duration "
				"are required\n");
		pg_usage(stderr);
		return -EINVAL;
	}
	o->port = (uint16_t)port;
	o->server.sin_family = AF_INET;
	o->server.sin_port = htons(o->port);
	if (inet_pton(AF_INET, server, &o->server.sin_addr) != 1) {
		fprintf(stderr,
			"policygen: --server %s: not an IPv4 address (the "
			"policy service listens on one, such as 127.0.0.1)\n",
			server);
		return -EINVAL;
	}
	snprintf(o->server_text, sizeof(o->server_text), "%s", server);
	return 0;
}

/* Room for n descriptors and a few: the soft limit is raised if need be. */
static int pg_fit_nofile(uint32_t n)
{
	rlim_t want = (rlim_t)n + 32;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max < want) {
		fprintf(stderr,
			"policygen: %u connections need %llu descriptors; the "
			"hard limit is %llu (ulimit -Hn)\n",
			n, (unsigned long long)want,
			(unsigned long long)rl.rlim_max);
		return -EMFILE;
	}
	rl.rlim_cur = want;
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

static void pg_note_error(struct pg_run *r, enum pg_error kind, int err,
			  const struct pg_conn *c)
{
	r->errors[kind]++;
	if (r->first_error[0])
		return;
	r->first_errno = err;
	snprintf(r->first_error, sizeof(r->first_error),
		 "connection %u: %s%s%s", (unsigned int)(c - r->conn),
		 pg_error_name[kind], err ? ": " : "",
		 err ? strerror(err) : "");
}

/* xorshift64*: the sessions' sizes and recipient counts, reproducible. */
static uint64_t pg_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static uint32_t pg_gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The login's client address: its k-th /24 of 198.18.0.0/15, one host
 * in it.  Logins share /24s (as users behind one provider do); each login
 * uses exactly --clients-per-account of them. */
static void pg_client_addr(const struct pg_opts *o, uint32_t account,
			   uint32_t k, char *buf, size_t len)
{
	uint32_t net = (account * o->clients + k) % PG_NETS;
	uint32_t host = 1 + (account * 31 + k * 7) % 254;

	snprintf(buf, len, "198.%u.%u.%u", 18 + net / 256, net % 256, host);
}

/* The next SMTP session on this connection: another login. */
static void pg_session(struct pg_run *r, struct pg_conn *c, int64_t now)
{
	uint64_t s = r->sessions++;
	uint64_t x = pg_rand(&c->rng);

	c->account = (uint32_t)((s * r->stride) % r->o.accounts);
	c->client = (uint32_t)((s / r->o.accounts) % r->o.clients);
	c->rcpt_total = 1 + (uint32_t)(x % (2 * r->o.rcpt_mean - 1));
	c->rcpt_done = 0;
	c->size = 2000 + (uint32_t)((x >> 20) % 200000);
	c->client_port = (uint16_t)(32768 + (x >> 40) % 28232);
	c->queue_id[0] = '\0';
	/* smtpd's: pid, start time (s, us) in hex, and a counter */
	snprintf(c->instance, sizeof(c->instance),
		 "%x.%" PRIx64 ".%" PRIx64 ".0",
		 4000 + (unsigned int)(c - r->conn), (uint64_t)(now / NS_PER_S),
		 (uint64_t)(now / 1000 % 1000000));
}

/*
 * The next request of the connection's session, as Postfix 3.7's
 * check_policy_service writes it: every attribute, empty when Postfix has
 * no value.  A submission client with SASL and TLS 1.3, no client
 * certificate.  The queue ID appears once a first recipient was accepted
 * (smtpd_delay_open_until_valid_rcpt); at END-OF-MESSAGE the recipient is
 * given only when there is one.
 */
static void pg_format_request(struct pg_run *r, struct pg_conn *c, int64_t now)
{
	char addr[INET_ADDRSTRLEN], rcpt[64];
	bool eom;
	int n;

	if (c->rcpt_done > c->rcpt_total || !c->rcpt_total)
		pg_session(r, c, now);
	eom = c->rcpt_done == c->rcpt_total;
	pg_client_addr(&r->o, c->account, c->client, addr, sizeof(addr));
	if (!eom || c->rcpt_total == 1)
		snprintf(rcpt, sizeof(rcpt), "user%u@example.net",
			 (unsigned int)((c->account * 13 +
					 (eom ? 0 : c->rcpt_done)) %
					5000));
	else
		rcpt[0] = '\0';
	n = snprintf(c->req, sizeof(c->req),
		     "request=smtpd_access_policy\n"
		     "protocol_state=%s\n"
		     "protocol_name=ESMTP\n"
		     "client_address=%s\n"
		     "client_name=%s.dyn.example.org\n"
		     "client_port=%u\n"
		     "reverse_client_name=%s.dyn.example.org\n"
		     "server_address=192.0.2.1\n"
		     "server_port=587\n"
		     "helo_name=[192.168.1.%u]\n"
		     "sender=alice%u@example.com\n"
		     "recipient=%s\n"
		     "recipient_count=%u\n"
		     "queue_id=%s\n"
		     "instance=%s\n"
		     "size=%u\n"
		     "etrn_domain=\n"
		     "stress=\n"
		     "sasl_method=PLAIN\n"
		     "sasl_username=alice%u\n"
		     "sasl_sender=\n"
		     "ccert_subject=\n"
		     "ccert_issuer=\n"
		     "ccert_fingerprint=\n"
		     "ccert_pubkey_fingerprint=\n"
		     "encryption_protocol=TLSv1.3\n"
		     "encryption_cipher=TLS_AES_256_GCM_SHA384\n"
		     "encryption_keysize=256\n"
		     "policy_context=submission\n"
		     "compatibility_level=3.6\n"
		     "mail_version=3.7.11\n"
		     "\n",
		     eom ? "END-OF-MESSAGE" : "RCPT", addr, addr,
		     c->client_port, addr, 2 + c->account % 250, c->account,
		     rcpt, eom ? c->rcpt_total : c->rcpt_done, c->queue_id,
		     c->instance, c->size, c->account);
	/* the names are short and bounded: it always fits */
	c->req_len = (uint16_t)(n < (int)sizeof(c->req) ? n : 0);
	c->req_off = 0;
	c->is_eom = eom;
	c->rcpt_done++;
	if (!c->queue_id[0])
		snprintf(c->queue_id, sizeof(c->queue_id), "%05X%05X",
			 (unsigned int)(pg_rand(&c->rng) & 0xFFFFF),
			 (unsigned int)(c - r->conn) & 0xFFFFF);
}

static void pg_idle_push(struct pg_run *r, struct pg_conn *c)
{
	if (c->in_idle)
		return;
	c->in_idle = true;
	r->idle[r->nr_idle++] = (uint32_t)(c - r->conn);
}

/* An idle connection, or NULL.  Stale entries (the connection went and
 * came back, or went) are dropped here. */
static struct pg_conn *pg_idle_pop(struct pg_run *r)
{
	while (r->nr_idle) {
		struct pg_conn *c = &r->conn[r->idle[--r->nr_idle]];

		c->in_idle = false;
		if (c->state == PG_C_IDLE)
			return c;
	}
	return NULL;
}

static int pg_watch(struct pg_run *r, struct pg_conn *c, int op,
		    uint32_t events)
{
	struct epoll_event ev = {.events = events,
				 .data.u32 = (uint32_t)(c - r->conn)};

	return epoll_ctl(r->epfd, op, c->fd, &ev) ? -errno : 0;
}

static void pg_close(struct pg_conn *c)
{
	if (c->fd >= 0)
		close(c->fd); /* also leaves the epoll set */
	c->fd = -1;
	c->state = PG_C_CLOSED;
}

/* Open (or reopen) the connection: a non-blocking connect, finished in
 * pg_on_connected. */
static void pg_connect(struct pg_run *r, struct pg_conn *c)
{
	int one = 1, err;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		pg_note_error(r, PG_E_CONNECT, errno, c);
		c->state = PG_C_CLOSED;
		return;
	}
	/* requests are written whole: no reason to wait for more */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->state = PG_C_CONNECTING;
	c->send_ns = pg_now_ns(); /* for the timeout */
	err = pg_watch(r, c, EPOLL_CTL_ADD, EPOLLOUT);
	if (err) {
		pg_note_error(r, PG_E_CONNECT, -err, c);
		pg_close(c);
		return;
	}
	if (connect(c->fd, (struct sockaddr *)&r->o.server,
		    sizeof(r->o.server)) &&
	    errno != EINPROGRESS) {
		pg_note_error(r, PG_E_CONNECT, errno, c);
		pg_close(c);
	}
}

/* A connection failed: count it, close it, and open it again while the
 * run sends and it has reconnections left (as smtpd does). */
static void pg_fail(struct pg_run *r, struct pg_conn *c, enum pg_error kind,
		    int err, bool sending)
{
	pg_note_error(r, kind, err, c);
	pg_close(c);
	if (sending && c->reconnects < PG_RECONNECTS) {
		c->reconnects++;
		r->reconnects++;
		/* what was asked is lost; the session goes on */
		pg_connect(r, c);
	}
}

static void pg_on_connected(struct pg_run *r, struct pg_conn *c, bool sending)
{
	socklen_t len = sizeof(int);
	int soerr = 0, err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		soerr = errno;
	if (soerr) {
		pg_fail(r, c, PG_E_CONNECT, soerr, sending);
		return;
	}
	err = pg_watch(r, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);
	if (err) {
		pg_fail(r, c, PG_E_CONNECT, -err, sending);
		return;
	}
	c->state = PG_C_IDLE;
	pg_idle_push(r, c);
}

/* Write what is left of the request; returns false when the connection
 * failed (and was handled). */
static bool pg_write(struct pg_run *r, struct pg_conn *c, bool sending)
{
	while (c->req_off < c->req_len) {
		ssize_t n = send(c->fd, c->req + c->req_off,
				 c->req_len - c->req_off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (c->state != PG_C_SENDING) {
				int err =
				    pg_watch(r, c, EPOLL_CTL_MOD,
					     EPOLLIN | EPOLLOUT | EPOLLRDHUP);

				if (err) {
					pg_fail(r, c, PG_E_RESET, -err,
						sending);
					return false;
				}
				c->state = PG_C_SENDING;
			}
			return true;
		}
		if (n <= 0) {
			pg_fail(r, c, PG_E_RESET, n < 0 ? errno : EPIPE,
				sending);
			return false;
		}
		c->req_off = (uint16_t)(c->req_off + n);
	}
	if (c->state == PG_C_SENDING) {
		int err = pg_watch(r, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);

		if (err) {
			pg_fail(r, c, PG_E_RESET, -err, sending);
			return false;
		}
	}
	c->state = PG_C_WAITING;
	return true;
}

/* Send the next request on an idle connection, due at due_ns. */
static void pg_issue(struct pg_run *r, struct pg_conn *c, int64_t due_ns)
{
	int64_t now = pg_now_ns();

	pg_format_request(r, c, now);
	c->ans_len = 0;
	c->due_ns = due_ns;
	c->send_ns = now;
	r->issued++;
	r->last_issue_ns = now;
	if (c->is_eom)
		r->eom_sent++;
	else
		r->rcpt_sent++;
	if (r->o.rate) {
		int64_t late = now - due_ns;

		if (late > r->max_late_ns)
			r->max_late_ns = late;
		if (late > NS_PER_MS)
			r->late_1ms++;
	}
	c->state = PG_C_WAITING; /* pg_write moves it on */
	pg_write(r, c, true);
}

static void pg_count_action(struct pg_run *r, const char *ans, size_t len)
{
	/* "action=WORD[ text]\n\n": WORD is what is counted */
	const char *w = ans + 7;
	size_t n = 0;

	while (7 + n < len && w[n] != ' ' && w[n] != '\t' && w[n] != '\n' &&
	       n < PG_ACTION_LEN - 1)
		n++;
	for (uint32_t i = 0; i < r->nr_actions; i++)
		if (strlen(r->action_name[i]) == n &&
		    strncasecmp(r->action_name[i], w, n) == 0) {
			r->action_count[i]++;
			return;
		}
	if (r->nr_actions == PG_ACTIONS) {
		r->action_other++;
		return;
	}
	memcpy(r->action_name[r->nr_actions], w, n);
	r->action_name[r->nr_actions][n] = '\0';
	r->action_count[r->nr_actions++] = 1;
}

static void pg_record(struct pg_run *r, const struct pg_conn *c, int64_t now)
{
	int64_t lat = now - c->send_ns;
	int64_t late = r->o.rate ? c->send_ns - c->due_ns : 0;
	struct pg_sample *s;

	if (r->nr_samples == r->cap_samples) {
		size_t cap = r->cap_samples ? 2 * r->cap_samples : 1 << 16;
		struct pg_sample *p;

		if (r->samples_full)
			return;
		p = realloc(r->sample, cap * sizeof(*p));
		if (!p) {
			r->samples_full = true;
			return;
		}
		r->sample = p;
		r->cap_samples = cap;
	}
	s = &r->sample[r->nr_samples++];
	s->lat_ns = lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;
	s->late_ns = late < 0		 ? 0
		     : late > UINT32_MAX ? UINT32_MAX
					 : (uint32_t)late;
}

static void pg_on_readable(struct pg_run *r, struct pg_conn *c, bool sending)
{
	for (;;) {
		ssize_t n;
		int64_t now;
		char *end;

		if (c->ans_len == sizeof(c->ans)) {
			pg_fail(r, c, PG_E_PROTOCOL, EMSGSIZE, sending);
			return;
		}
		n = recv(c->fd, c->ans + c->ans_len,
			 sizeof(c->ans) - c->ans_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			pg_fail(r, c, PG_E_RESET, errno, sending);
			return;
		}
		if (n == 0) {
			pg_fail(r, c, PG_E_CLOSED, 0, sending);
			return;
		}
		if (c->state != PG_C_WAITING && c->state != PG_C_SENDING) {
			/* an answer nobody asked for */
			pg_fail(r, c, PG_E_PROTOCOL, EPROTO, sending);
			return;
		}
		c->ans_len = (uint16_t)(c->ans_len + n);
		end = memmem(c->ans, c->ans_len, "\n\n", 2);
		if (!end)
			continue;
		now = pg_now_ns();
		if (c->state == PG_C_SENDING ||
		    end + 2 != c->ans + c->ans_len || c->ans_len < 9 ||
		    memcmp(c->ans, "action=", 7) != 0) {
			/* before the request was whole, more than one
			 * answer, or not an action */
			pg_fail(r, c, PG_E_PROTOCOL, EPROTO, sending);
			return;
		}
		r->answered++;
		r->last_answer_ns = now;
		pg_count_action(r, c->ans, c->ans_len);
		pg_record(r, c, now);
		c->ans_len = 0;
		c->state = PG_C_IDLE;
		pg_idle_push(r, c);
		return;
	}
}

static void pg_on_event(struct pg_run *r, const struct epoll_event *ev,
			bool sending)
{
	struct pg_conn *c;

	if (ev->data.u32 >= r->o.conns)
		return;
	c = &r->conn[ev->data.u32];
	switch (c->state) {
	case PG_C_CONNECTING:
		pg_on_connected(r, c, sending);
		break;
	case PG_C_SENDING:
		if (ev->events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
			pg_on_readable(r, c, sending);
			if (c->state != PG_C_SENDING)
				break;
		}
		if (ev->events & EPOLLOUT)
			pg_write(r, c, sending);
		break;
	case PG_C_IDLE:
	case PG_C_WAITING:
		pg_on_readable(r, c, sending);
		break;
	default:
		break;
	}
}

/* Requests without their answer, and connects not done, after
 * --timeout: the connection goes. */
static void pg_expire(struct pg_run *r, int64_t now, bool sending)
{
	for (uint32_t i = 0; i < r->o.conns; i++) {
		struct pg_conn *c = &r->conn[i];

		if (now - c->send_ns <= r->o.timeout_ns)
			continue;
		if (c->state == PG_C_WAITING || c->state == PG_C_SENDING)
			pg_fail(r, c, PG_E_TIMEOUT, ETIMEDOUT, sending);
		else if (c->state == PG_C_CONNECTING)
			pg_fail(r, c, PG_E_CONNECT, ETIMEDOUT, sending);
	}
}

static uint32_t pg_count_state(const struct pg_run *r, uint8_t state)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < r->o.conns; i++)
		n += r->conn[i].state == state;
	return n;
}

static bool pg_busy(const struct pg_run *r)
{
	for (uint32_t i = 0; i < r->o.conns; i++)
		if (r->conn[i].state == PG_C_WAITING ||
		    r->conn[i].state == PG_C_SENDING)
			return true;
	return false;
}

static int pg_wait(struct pg_run *r, int64_t wait_ns, bool sending)
{
	struct epoll_event evs[PG_EPOLL_BATCH];
	struct timespec ts;
	int n;

	if (wait_ns < 0)
		wait_ns = 0;
	ts.tv_sec = wait_ns / NS_PER_S;
	ts.tv_nsec = wait_ns % NS_PER_S;
	/* epoll_wait's milliseconds are too coarse for a schedule of one
	 * request every 50 us */
	n = epoll_pwait2(r->epfd, evs, PG_EPOLL_BATCH, &ts, NULL);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		fprintf(stderr, "policygen: epoll_pwait2: %s\n",
			strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++)
		pg_on_event(r, &evs[i], sending);
	return 0;
}

/* Open every connection before the clock starts. */
static int pg_open_all(struct pg_run *r)
{
	int64_t deadline = pg_now_ns() + PG_CONNECT_NS;

	for (uint32_t i = 0; i < r->o.conns; i++)
		pg_connect(r, &r->conn[i]);
	while (pg_count_state(r, PG_C_CONNECTING) && !pg_signals) {
		int64_t now = pg_now_ns();

		if (now >= deadline)
			break;
		if (pg_wait(r,
			    deadline - now < PG_TICK_NS ? deadline - now
							: PG_TICK_NS,
			    true))
			return -EIO;
	}
	for (uint32_t i = 0; i < r->o.conns; i++)
		if (r->conn[i].state == PG_C_CONNECTING)
			pg_fail(r, &r->conn[i], PG_E_CONNECT, ETIMEDOUT, false);
	if (!pg_count_state(r, PG_C_IDLE)) {
		fprintf(stderr,
			"policygen: cannot connect to %s:%u: %s; is the "
			"policy service listening?\n",
			r->o.server_text, r->o.port,
			r->first_error[0] ? r->first_error : "no connection");
		return -ECONNREFUSED;
	}
	return 0;
}

static void pg_loop(struct pg_run *r)
{
	uint64_t offered = r->o.max_requests;
	int64_t end_send, hard_end, next_check;

	if (r->o.rate) {
		uint64_t sched = (uint64_t)((__int128)r->o.duration_ns *
					    r->o.rate / NS_PER_S);

		if (sched < offered)
			offered = sched;
	}
	r->offered = offered;
	r->t0_ns = pg_now_ns();
	r->last_issue_ns = r->last_answer_ns = r->t0_ns;
	end_send = r->t0_ns + r->o.duration_ns;
	hard_end = end_send + r->o.timeout_ns + NS_PER_S;
	next_check = r->t0_ns + PG_TICK_NS;
	for (;;) {
		int64_t now = pg_now_ns(), wait = PG_TICK_NS, due = 0;
		bool sending =
		    !pg_signals && now < end_send && r->issued < offered;
		struct pg_conn *c;

		if (pg_signals)
			r->stopped_by_signal = true;
		if (!sending && !pg_busy(r))
			break;
		if (now >= hard_end || pg_signals > 1)
			break;
		if (sending && !r->o.rate) {
			while (r->issued < offered && (c = pg_idle_pop(r)))
				pg_issue(r, c, now);
		} else if (sending) {
			for (;;) {
				due =
				    r->t0_ns + (int64_t)((__int128)r->issued *
							 NS_PER_S / r->o.rate);
				if (r->issued >= offered || due > now ||
				    !(c = pg_idle_pop(r)))
					break;
				pg_issue(r, c, due);
				now = pg_now_ns();
			}
			/* wake for the next due request when a connection
			 * is free to take it; else the next answer wakes */
			if (r->nr_idle && r->issued < offered && due > now &&
			    due - now < wait)
				wait = due - now;
		}
		if (now >= next_check) {
			pg_expire(r, now, sending);
			next_check = now + PG_TICK_NS;
			if (pg_count_state(r, PG_C_CLOSED) == r->o.conns) {
				fprintf(stderr, "policygen: every connection "
						"is gone; stopping\n");
				break;
			}
		}
		if (sending && end_send - now < wait)
			wait = end_send - now;
		if (pg_wait(r, wait, sending))
			break;
	}
	r->end_ns = pg_now_ns();
	for (uint32_t i = 0; i < r->o.conns; i++) {
		struct pg_conn *c = &r->conn[i];

		if (c->state == PG_C_WAITING || c->state == PG_C_SENDING)
			pg_note_error(r, PG_E_UNFINISHED, 0, c);
		pg_close(c);
	}
}

/* ---- the report ---------------------------------------------------------- */

static int pg_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

struct pg_dist {
	size_t n;
	double p50, p90, p99, p999, max, mean; /* microseconds */
};

/* Nearest rank of sorted v. */
static double pg_rank_us(const uint32_t *v, size_t n, unsigned int per_mille)
{
	size_t k = (n * per_mille + 999) / 1000;

	return v[k ? k - 1 : 0] / 1000.0;
}

/* which: 0 send to answer, 1 due to send, 2 due to answer */
static void pg_distribution(const struct pg_run *r, int which,
			    struct pg_dist *d)
{
	uint32_t *v;
	double sum = 0;

	memset(d, 0, sizeof(*d));
	if (!r->nr_samples)
		return;
	v = malloc(r->nr_samples * sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < r->nr_samples; i++) {
		uint64_t x = which == 0	  ? r->sample[i].lat_ns
			     : which == 1 ? r->sample[i].late_ns
					  : (uint64_t)r->sample[i].lat_ns +
						r->sample[i].late_ns;

		v[i] = x > UINT32_MAX ? UINT32_MAX : (uint32_t)x;
		sum += (double)x;
	}
	qsort(v, r->nr_samples, sizeof(*v), pg_cmp_u32);
	d->n = r->nr_samples;
	d->p50 = pg_rank_us(v, d->n, 500);
	d->p90 = pg_rank_us(v, d->n, 900);
	d->p99 = pg_rank_us(v, d->n, 990);
	d->p999 = pg_rank_us(v, d->n, 999);
	d->max = v[d->n - 1] / 1000.0;
	d->mean = sum / (double)d->n / 1000.0;
	free(v);
}

static void pg_json_dist(FILE *f, const char *name, const struct pg_dist *d,
			 const char *tail)
{
	fprintf(f,
		"  \"%s\": {\"n\": %zu, \"p50\": %.1f, \"p90\": %.1f, "
		"\"p99\": %.1f, \"p99_9\": %.1f, \"max\": %.1f, "
		"\"mean\": %.1f}%s\n",
		name, d->n, d->p50, d->p90, d->p99, d->p999, d->max, d->mean,
		tail);
}

static double pg_cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* A label as a JSON string: printable ASCII only, quotes escaped. */
static void pg_json_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s >= ' ' && *s < 0x7f ? *s : '?', f);
	}
	fputc('"', f);
}

static uint64_t pg_errors_total(const struct pg_run *r)
{
	uint64_t n = 0;

	for (int i = 0; i < PG_NR_ERRORS; i++)
		n += r->errors[i];
	return n;
}

static int pg_report(const struct pg_run *r, double cpu_s)
{
	double elapsed = (double)(r->end_ns - r->t0_ns) / NS_PER_S;
	double busy = (double)(r->last_answer_ns - r->t0_ns) / NS_PER_S;
	double rate = busy > 0 ? (double)r->answered / busy : 0;
	struct pg_dist lat, late, resp;
	FILE *f = stdout;

	pg_distribution(r, 0, &lat);
	pg_distribution(r, 1, &late);
	pg_distribution(r, 2, &resp);
	if (r->o.out) {
		f = fopen(r->o.out, "w");
		if (!f) {
			fprintf(stderr, "policygen: cannot write %s: %s\n",
				r->o.out, strerror(errno));
			return -errno;
		}
	}
	fprintf(f, "{\n  \"label\": ");
	pg_json_text(f, r->o.label);
	fprintf(f, ", \"server\": \"%s\", \"port\": %u,\n", r->o.server_text,
		r->o.port);
	fprintf(f,
		"  \"mode\": \"%s\", \"offered_rate\": %u, \"connections\": "
		"%u, \"accounts\": %u,\n"
		"  \"clients_per_account\": %u, \"rcpt_per_msg\": %u, "
		"\"duration_s\": %.3f, \"timeout_s\": %.3f, "
		"\"max_requests\": %u,\n",
		r->o.rate ? "open" : "closed", r->o.rate, r->o.conns,
		r->o.accounts, r->o.clients, r->o.rcpt_mean,
		(double)r->o.duration_ns / NS_PER_S,
		(double)r->o.timeout_ns / NS_PER_S, r->o.max_requests);
	fprintf(f,
		"  \"requests\": %" PRIu64 ", \"answers\": %" PRIu64
		", \"rcpt_requests\": %" PRIu64 ", \"eom_requests\": %" PRIu64
		",\n",
		r->issued, r->answered, r->rcpt_sent, r->eom_sent);
	fprintf(f,
		"  \"rate\": %.1f, \"send_seconds\": %.3f, \"elapsed_s\": "
		"%.3f,\n",
		rate, (double)(r->last_issue_ns - r->t0_ns) / NS_PER_S,
		elapsed);
	pg_json_dist(f, "latency_us", &lat, ",");
	if (r->o.rate) {
		pg_json_dist(f, "lateness_us", &late, ",");
		pg_json_dist(f, "from_due_us", &resp, ",");
		/* unsent: due before the end, but every connection was
		 * still waiting for an answer then */
		fprintf(f,
			"  \"offered\": %" PRIu64 ", \"unsent\": %" PRIu64
			", \"late_1ms\": %" PRIu64 ", \"max_late_us\": %.1f,\n",
			r->offered,
			r->offered > r->issued ? r->offered - r->issued : 0,
			r->late_1ms, (double)r->max_late_ns / 1000.0);
	}
	fprintf(f, "  \"samples_kept\": %zu,\n", r->nr_samples);
	fprintf(f, "  \"actions\": {");
	for (uint32_t i = 0; i < r->nr_actions; i++) {
		fprintf(f, "%s", i ? ", " : "");
		pg_json_text(f, r->action_name[i]);
		fprintf(f, ": %" PRIu64, r->action_count[i]);
	}
	if (r->action_other)
		fprintf(f, "%s\"other\": %" PRIu64, r->nr_actions ? ", " : "",
			r->action_other);
	fprintf(f, "},\n  \"errors\": {");
	for (int i = 0; i < PG_NR_ERRORS; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "",
			pg_error_name[i], r->errors[i]);
	fprintf(f,
		"},\n  \"errors_total\": %" PRIu64 ", \"reconnects\": %" PRIu64
		", \"first_error\": ",
		pg_errors_total(r), r->reconnects);
	pg_json_text(f, r->first_error);
	fprintf(f,
		",\n  \"stopped_by_signal\": %s, \"cpu_s\": %.3f, "
		"\"cpu_percent\": %.1f\n}\n",
		r->stopped_by_signal ? "true" : "false", cpu_s,
		elapsed > 0 ? 100 * cpu_s / elapsed : 0);
	if (f != stdout && fclose(f)) {
		fprintf(stderr, "policygen: cannot write %s: %s\n", r->o.out,
			strerror(errno));
		return -EIO;
	}

	fprintf(stderr, "policygen%s%s: %s loop", r->o.label[0] ? " " : "",
		r->o.label, r->o.rate ? "open" : "closed");
	if (r->o.rate)
		fprintf(stderr, " at %u/s", r->o.rate);
	fprintf(stderr,
		", %u connections: %" PRIu64 " requests, %" PRIu64
		" answers, %.0f/s; latency p50 %.3f p99 %.3f max %.3f ms; "
		"errors %" PRIu64 "\n",
		r->o.conns, r->issued, r->answered, rate, lat.p50 / 1000,
		lat.p99 / 1000, lat.max / 1000, pg_errors_total(r));
	if (r->first_error[0])
		fprintf(stderr, "policygen: first error: %s\n", r->first_error);
	return 0;
}

static int pg_client(const struct pg_opts *o)
{
	struct pg_run r = {.o = *o, .epfd = -1};
	int rc = 1;

	if (pg_fit_nofile(o->conns))
		return 1;
	r.conn = calloc(o->conns, sizeof(*r.conn));
	r.idle = calloc(o->conns, sizeof(*r.idle));
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!r.conn || !r.idle || r.epfd < 0) {
		fprintf(stderr, "policygen: cannot set up: %s\n",
			strerror(errno ? errno : ENOMEM));
		goto out;
	}
	r.stride = 7919; /* a prime: a permutation unless it divides */
	if (pg_gcd(r.stride % o->accounts, o->accounts) != 1)
		r.stride = 1;
	for (uint32_t i = 0; i < o->conns; i++) {
		r.conn[i].fd = -1;
		r.conn[i].rng = 0x9E3779B97F4A7C15ull * (i + 1);
	}
	if (pg_open_all(&r))
		goto out;
	pg_loop(&r);
	if (pg_report(&r, pg_cpu_seconds()))
		goto out;
	rc = r.answered && r.answered == r.issued && !pg_errors_total(&r) ? 0
									  : 1;
out:
	if (r.conn)
		for (uint32_t i = 0; i < o->conns; i++)
			pg_close(&r.conn[i]);
	if (r.epfd >= 0)
		close(r.epfd);
	free(r.conn);
	free(r.idle);
	free(r.sample);
	return rc;
}

/* ---- the echo server ----------------------------------------------------- */

/* Per connection: whether the last byte ended a line, and whether the
 * request in progress has a line yet (an empty line before any ends
 * nothing, as in policy_proto.h). */
struct pg_echo_conn {
	int fd;
	bool at_line_start;
	bool has_line;
};

static int pg_echo_server(const struct pg_opts *o)
{
	static const char answer[] = "action=DUNNO\n\n";
	struct pg_echo_conn *ec = calloc(PG_MAX_CONNS, sizeof(*ec));
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
	uint64_t answers = 0, accepted = 0, errors = 0;
	int64_t end = pg_now_ns() + o->duration_ns;
	int lfd = -1, epfd = -1, one = 1, rc = 1;

	if (!ec || pg_fit_nofile(PG_MAX_CONNS))
		goto out;
	for (uint32_t i = 0; i < PG_MAX_CONNS; i++)
		ec[i].fd = -1;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (epfd < 0 || lfd < 0) {
		fprintf(stderr, "policygen: echo server: %s\n",
			strerror(errno));
		goto out;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&o->server, sizeof(o->server)) ||
	    listen(lfd, 128) || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev)) {
		fprintf(stderr,
			"policygen: echo server: cannot listen on "
			"%s:%u: %s\n",
			o->server_text, o->port, strerror(errno));
		goto out;
	}
	while (!pg_signals) {
		struct epoll_event evs[PG_EPOLL_BATCH];
		int64_t now = pg_now_ns();
		int n;

		if (now >= end)
			break;
		n = epoll_wait(epfd, evs, PG_EPOLL_BATCH,
			       (int)((end - now) / NS_PER_MS) + 1);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr,
				"policygen: echo server: epoll_wait: "
				"%s\n",
				strerror(errno));
			goto out;
		}
		for (int i = 0; i < n; i++) {
			uint32_t id = evs[i].data.u32;
			struct pg_echo_conn *c;
			char buf[16384];
			ssize_t got;

			if (id == UINT32_MAX) {
				int fd;

				while ((fd = accept4(lfd, NULL, NULL,
						     SOCK_NONBLOCK |
							 SOCK_CLOEXEC)) >= 0) {
					uint32_t k;

					for (k = 0; k < PG_MAX_CONNS; k++)
						if (ec[k].fd < 0)
							break;
					ev.data.u32 = k;
					if (k == PG_MAX_CONNS ||
					    epoll_ctl(epfd, EPOLL_CTL_ADD, fd,
						      &ev)) {
						close(fd);
						errors++;
						continue;
					}
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY,
						   &one, sizeof(one));
					ec[k] = (struct pg_echo_conn){
					    .fd = fd, .at_line_start = true};
					accepted++;
				}
				continue;
			}
			if (id >= PG_MAX_CONNS || ec[id].fd < 0)
				continue;
			c = &ec[id];
			got = recv(c->fd, buf, sizeof(buf), 0);
			if (got < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (got <= 0) {
				close(c->fd);
				c->fd = -1;
				continue;
			}
			for (ssize_t k = 0; k < got; k++) {
				if (buf[k] != '\n') {
					c->at_line_start = false;
					c->has_line = true;
					continue;
				}
				if (c->at_line_start && c->has_line) {
					c->has_line = false;
					if (send(c->fd, answer,
						 sizeof(answer) - 1,
						 MSG_NOSIGNAL | MSG_DONTWAIT) !=
					    (ssize_t)sizeof(answer) - 1) {
						errors++;
						close(c->fd);
						c->fd = -1;
						break;
					}
					answers++;
				}
				c->at_line_start = true;
			}
		}
	}
	fprintf(stderr,
		"policygen echo server on %s:%u: %" PRIu64
		" connections, %" PRIu64 " answers, %" PRIu64 " errors\n",
		o->server_text, o->port, accepted, answers, errors);
	rc = 0;
out:
	if (ec)
		for (uint32_t i = 0; i < PG_MAX_CONNS; i++)
			if (ec[i].fd >= 0)
				close(ec[i].fd);
	if (lfd >= 0)
		close(lfd);
	if (epfd >= 0)
		close(epfd);
	free(ec);
	return rc;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = pg_on_signal};
	struct pg_opts o;

	if (pg_parse_args(argc, argv, &o))
		return 1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* wake-ups on time: the default slack (50 us) is the schedule's
	 * whole spacing at 20,000/s */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	return o.echo_server ? pg_echo_server(&o) : pg_client(&o);
}
