// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * dnsbl.c - asynchronous DNSBL lookups through c-ares.
 *
 * One lookup per address: a query per zone, all sent at once, merged into
 * a score when the last one ends.  c-ares was chosen over libunbound
 * because a DNSBL client wants a stub resolver that forwards to the
 * site's own resolver (or the one configured in dns_servers), not a
 * second recursive resolver inside the daemon; see the README.
 *
 * No false positive from a broken list:
 *   - a zone is used only after its RFC 5782 probe showed that it does not
 *     list 127.0.0.1 (a zone that lists the world blocks no one);
 *   - an answer in 127.255.255.0/24 (the list refuses us) or outside 127/8
 *     scores nothing and disables the zone for DNSBL_DISABLE_SECONDS;
 *   - timeouts, SERVFAIL, malformed answers and any other error score
 *     nothing; each is counted per zone, and logged at most once per
 *     DNSBL_FAULT_LOG_SECONDS per zone.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "dnsbl.h"
#include "inflight.h"
#include "lib/duration.h"
#include "lib/log.h"

/* Probe again this soon while a zone has not passed its 127.0.0.1 check. */
#define DNSBL_PROBE_RETRY_SECONDS 30
/* At most one warning about failed lookups per zone this often. */
#define DNSBL_FAULT_LOG_SECONDS 60
#define NS_PER_S 1000000000ull
/* Socket buffers for c-ares: a burst of answers after a scheduling gap
 * must not overflow the default 208 KB (a lost answer costs a retry a
 * third of dnsbl_timeout later). */
#define DNSBL_SOCKET_BUFFER (4 << 20)

/* What the probes learned about a zone. */
enum dnsbl_world_check {
	WORLD_UNKNOWN = 0, /* no answer yet: the zone is not used */
	WORLD_PASSED = 1,  /* 127.0.0.1 not listed */
	WORLD_LISTED = 2,  /* 127.0.0.1 listed: the zone lists everyone */
};

struct dnsbl_zone_state {
	enum dnsbl_world_check world;
	int testpoint;      /* -1 unknown, 0 127.0.0.2 not listed, 1 listed */
	uint32_t disabled_state; /* MXS_SITE_REFUSED / _BAD_ANSWER while disabled */
	uint64_t disabled_until_ns;
	uint64_t next_probe_ns;
	uint64_t queries, listed, failures;
	/* failure warnings: one per DNSBL_FAULT_LOG_SECONDS at most, with a
	 * count of those not logged, so a broken or hostile server cannot
	 * flood the log; the status map counts every one (failures) */
	uint64_t fault_logged_ns;
	uint64_t faults_unlogged;
};

struct dnsbl_lookup;

/* The argument of one c-ares query of a lookup. */
struct dnsbl_query {
	struct dnsbl_lookup *lookup;
	unsigned int zone;
};

struct dnsbl_lookup {
	struct inflight_node node; /* the source, in the in-flight table */
	struct dnsbl_engine *engine;
	uint64_t event_ns;
	unsigned int pending;   /* queries not ended yet */
	unsigned int usable;    /* zones that gave an answer we can use */
	unsigned int failed;    /* zones that gave none (timeout, SERVFAIL...) */
	/* one per configured zone, in the same allocation */
	struct dnsbl_query *query;
	struct dnsbl_zone_answer *answer;
};

/* One RFC 5782 probe of a zone: which test point. */
struct dnsbl_probe {
	struct dnsbl_engine *engine;
	unsigned int zone;
	uint8_t last_octet; /* 2: must be listed; 1: must not */
	bool pending;
};

struct dnsbl_engine {
	struct config cfg;
	uint32_t generation;
	int epoll_fd;
	ares_channel channel;
	bool destroying;
	dnsbl_done_fn done;
	void *ctx;
	struct dnsbl_zone_state zone[DNSBL_MAX_SITES];
	struct dnsbl_probe probe[DNSBL_MAX_SITES][2];
	struct inflight inflight;
	struct dnsbl_counters counters;
};

static uint64_t dnsbl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void dnsbl_format_source(const struct mxs_source *src, char *buf,
				size_t len)
{
	inet_ntop(src->family == MXS_FAMILY_V6 ? AF_INET6 : AF_INET, src->addr,
		  buf, (socklen_t)len);
}

/* ---- c-ares glue -------------------------------------------------------- */

static void dnsbl_sock_state(void *data, ares_socket_t fd, int readable,
			     int writable)
{
	struct dnsbl_engine *e = data;
	struct epoll_event ev = {
		.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0),
		.data.u64 = ((uint64_t)DNSBL_EPOLL_TAG << 32) | (uint32_t)fd,
	};

	if (!readable && !writable) {
		epoll_ctl(e->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
		return;
	}
	if (epoll_ctl(e->epoll_fd, EPOLL_CTL_MOD, fd, &ev) && errno == ENOENT &&
	    epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, fd, &ev))
		log_warn("cannot watch DNS socket %d: %s", fd, strerror(errno));
}

void dnsbl_engine_process(struct dnsbl_engine *e, int fd, uint32_t events)
{
	ares_socket_t rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;

	if (fd >= 0) {
		if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			rfd = fd;
		if (events & EPOLLOUT)
			wfd = fd;
	}
	ares_process_fd(e->channel, rfd, wfd);
}

int dnsbl_engine_timeout(struct dnsbl_engine *e)
{
	struct timeval tv;

	if (!ares_timeout(e->channel, NULL, &tv))
		return -1;
	return (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
}

/* See dnsbl.h.  The callbacks below are its only users in the daemon. */
int dnsbl_answer_parse(const unsigned char *abuf, int alen,
		       struct dnsbl_zone_answer *ans)
{
	struct ares_addrttl rec[DNSBL_MAX_ANSWERS];
	struct hostent *host = NULL;
	int n = DNSBL_MAX_ANSWERS, rc;
	bool aliased;

	rc = ares_parse_a_reply(abuf, alen, &host, rec, &n);
	aliased = host && host->h_aliases && host->h_aliases[0];
	if (host)
		ares_free_hostent(host);
	if (rc == ARES_ENODATA)
		return aliased ? -2 : 0;
	if (rc != ARES_SUCCESS)
		return -1;
	if (n == 0 && aliased)
		return -2;
	ans->nr = 0;
	ans->ttl = UINT32_MAX;
	for (int i = 0; i < n; i++) {
		ans->a[ans->nr++] = rec[i].ipaddr.s_addr;
		if ((uint32_t)(rec[i].ttl < 0 ? 0 : rec[i].ttl) < ans->ttl)
			ans->ttl = (uint32_t)(rec[i].ttl < 0 ? 0 : rec[i].ttl);
	}
	return n;
}

static const char *dnsbl_zone_name(const struct dnsbl_engine *e,
				   unsigned int zone)
{
	return e->cfg.sites.zone[zone];
}

/* A lookup in zone got no usable answer (why: for the log).  Counted
 * always; logged at most once per DNSBL_FAULT_LOG_SECONDS per zone. */
static void dnsbl_zone_fault(struct dnsbl_engine *e, unsigned int zone,
			     const struct mxs_source *src, const char *why)
{
	struct dnsbl_zone_state *z = &e->zone[zone];
	uint64_t now = dnsbl_now_ns();
	char who[INET6_ADDRSTRLEN];

	z->failures++;
	if (z->fault_logged_ns &&
	    now - z->fault_logged_ns < DNSBL_FAULT_LOG_SECONDS * NS_PER_S) {
		z->faults_unlogged++;
		return;
	}
	dnsbl_format_source(src, who, sizeof(who));
	if (z->faults_unlogged)
		log_warn("DNSBL zone %s: no usable answer for [%s]: %s (and %llu "
			 "more failures in this zone since the last such message); "
			 "not listed as far as this zone goes",
			 dnsbl_zone_name(e, zone), who, why,
			 (unsigned long long)z->faults_unlogged);
	else
		log_warn("DNSBL zone %s: no usable answer for [%s]: %s; not listed "
			 "as far as this zone goes",
			 dnsbl_zone_name(e, zone), who, why);
	z->fault_logged_ns = now;
	z->faults_unlogged = 0;
}

static void dnsbl_disable_zone(struct dnsbl_engine *e, unsigned int zone,
			       uint32_t why, const char *what)
{
	struct dnsbl_zone_state *z = &e->zone[zone];
	bool was = z->disabled_until_ns > dnsbl_now_ns();

	z->disabled_state = why;
	z->disabled_until_ns = dnsbl_now_ns() + DNSBL_DISABLE_SECONDS * NS_PER_S;
	if (!was)
		log_warn("DNSBL zone %s %s; it lists no one and is disabled for %ds",
			 dnsbl_zone_name(e, zone), what, DNSBL_DISABLE_SECONDS);
}

/* Whether the zone may be queried now. */
static bool dnsbl_zone_usable(const struct dnsbl_engine *e, unsigned int zone,
			      uint64_t now)
{
	const struct dnsbl_zone_state *z = &e->zone[zone];

	return z->world == WORLD_PASSED && z->disabled_until_ns <= now;
}

/* The text of the first record that is (inside true) or is not (inside
 * false) in the network value/mask, for messages; rec keeps "?" if none. */
static void dnsbl_find_record(const struct dnsbl_zone_answer *ans,
			      uint32_t mask, uint32_t value, bool inside,
			      char rec[INET_ADDRSTRLEN])
{
	for (unsigned int i = 0; i < ans->nr; i++)
		if (((ntohl(ans->a[i]) & mask) == value) == inside) {
			inet_ntop(AF_INET, &ans->a[i], rec, INET_ADDRSTRLEN);
			return;
		}
}

/* Validate one zone's records.  Returns true when they are a listing. */
static bool dnsbl_validate(struct dnsbl_engine *e, unsigned int zone,
			   const struct dnsbl_zone_answer *ans,
			   const char *for_what)
{
	char what[160], rec[INET_ADDRSTRLEN] = "?";

	switch (dnsbl_answer_classify(ans->a, ans->nr)) {
	case DNSBL_ANSWER_LISTED:
		return true;
	case DNSBL_ANSWER_REFUSED:
		dnsbl_find_record(ans, 0xffffff00u, 0x7fffff00u, true, rec);
		snprintf(what, sizeof(what),
			 "answered %s for %s: the list refuses our queries "
			 "(public resolver? rate limit? see dns_servers)",
			 rec, for_what);
		dnsbl_disable_zone(e, zone, MXS_SITE_REFUSED, what);
		return false;
	case DNSBL_ANSWER_BOGUS:
		dnsbl_find_record(ans, 0xff000000u, 0x7f000000u, false, rec);
		snprintf(what, sizeof(what),
			 "answered %s for %s, outside 127.0.0.0/8: not a DNSBL answer "
			 "(wrong zone name? a resolver that rewrites NXDOMAIN?)",
			 rec, for_what);
		dnsbl_disable_zone(e, zone, MXS_SITE_BAD_ANSWER, what);
		return false;
	}
	return false;
}

/* ---- lookups ------------------------------------------------------------ */

static void dnsbl_lookup_finish(struct dnsbl_engine *e, struct dnsbl_lookup *l)
{
	struct mxs_dnsbl_result res;
	uint32_t ttl = 0;
	uint64_t life = 0;

	inflight_remove(&e->inflight, &l->node);
	e->counters.in_flight = e->inflight.count;
	if (e->destroying) {
		free(l);
		return;
	}
	memset(&res, 0, sizeof(res));
	res.generation = e->generation;
	res.done_ns = dnsbl_now_ns();
	if (!l->usable) {
		res.verdict = MXS_DNSBL_FAILED;
		e->counters.failed++;
	} else {
		res.score = dnsbl_score(&e->cfg.sites, l->answer, res.hits,
					&res.nr_hits, &ttl);
		if (res.score >= e->cfg.threshold) {
			res.verdict = MXS_DNSBL_BLOCK;
			life = dnsbl_clamp_ttl(ttl, e->cfg.min_ttl, e->cfg.max_ttl);
		} else if (e->cfg.allowlist_threshold < 0 &&
			   res.score <= e->cfg.allowlist_threshold) {
			res.verdict = MXS_DNSBL_ALLOW;
			life = dnsbl_clamp_ttl(ttl, e->cfg.min_ttl, e->cfg.max_ttl);
		} else {
			/* clean: as postscreen, keep the result for the
			 * longest time a listing would be trusted; but if
			 * a zone did not answer, ask again soon */
			res.verdict = MXS_DNSBL_CLEAN;
			life = l->failed ? e->cfg.min_ttl : e->cfg.max_ttl;
		}
	}
	e->done(&l->node.src, &res, life, l->event_ns, e->ctx);
	free(l);
}

static void dnsbl_query_done(void *arg, int status, int timeouts,
			     unsigned char *abuf, int alen)
{
	struct dnsbl_query *q = arg;
	struct dnsbl_lookup *l = q->lookup;
	struct dnsbl_engine *e = l->engine;
	struct dnsbl_zone_answer *ans = &l->answer[q->zone];
	struct dnsbl_zone_state *z = &e->zone[q->zone];
	char who[INET6_ADDRSTRLEN];

	if (status == ARES_SUCCESS && !e->destroying) {
		int n = dnsbl_answer_parse(abuf, alen, ans);

		dnsbl_format_source(&l->node.src, who, sizeof(who));
		if (n == 0) {
			l->usable++;
		} else if (n > 0 && dnsbl_validate(e, q->zone, ans, who)) {
			ans->listed = true;
			z->listed++;
			l->usable++;
		} else {
			ans->nr = 0;
			l->failed++;
			dnsbl_zone_fault(e, q->zone, &l->node.src,
					 n == -1 ? "malformed answer" :
					 n == -2 ? "CNAME chain without an address (a loop?)" :
						   "answer is not a DNSBL listing");
		}
	} else if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		l->usable++; /* NXDOMAIN: not listed here */
	} else if (status != ARES_EDESTRUCTION && status != ARES_ECANCELLED) {
		l->failed++;
		dnsbl_zone_fault(e, q->zone, &l->node.src,
				 ares_strerror(status));
	}
	if (--l->pending == 0)
		dnsbl_lookup_finish(e, l);
}

int dnsbl_engine_lookup(struct dnsbl_engine *e, const struct mxs_source *src,
			uint64_t event_ns)
{
	uint64_t now = dnsbl_now_ns();
	char qname[DNSBL_QNAME_LEN];
	struct dnsbl_lookup *l;
	unsigned int zones = 0;

	for (unsigned int z = 0; z < e->cfg.sites.nr_zones; z++)
		zones += dnsbl_zone_usable(e, z, now);
	if (!zones) {
		e->counters.skipped_nozone++;
		return -ENOENT;
	}
	switch (inflight_admit(&e->inflight, src, now)) {
	case INFLIGHT_NEW:
		break;
	case INFLIGHT_MERGED:
		e->counters.merged++;
		return -EALREADY;
	case INFLIGHT_BUSY:
		e->counters.skipped_busy++;
		return -EBUSY;
	case INFLIGHT_RATE:
		e->counters.skipped_rate++;
		return -EAGAIN;
	}
	/* sized for the zones configured, not for DNSBL_MAX_SITES */
	l = calloc(1, sizeof(*l) + e->cfg.sites.nr_zones *
					   (sizeof(*l->answer) + sizeof(*l->query)));
	if (!l)
		return -ENOMEM;
	/* the queries first: they hold pointers, the answers only 32-bit
	 * fields (the other order misaligned the queries; found by UBSan) */
	_Static_assert(_Alignof(struct dnsbl_query) >= _Alignof(struct dnsbl_zone_answer) &&
			       sizeof(struct dnsbl_query) % _Alignof(struct dnsbl_zone_answer) == 0 &&
			       sizeof(struct dnsbl_lookup) % _Alignof(struct dnsbl_query) == 0,
		       "dnsbl_lookup, its queries, its answers: one aligned allocation");
	l->query = (struct dnsbl_query *)(l + 1);
	l->answer = (struct dnsbl_zone_answer *)(l->query + e->cfg.sites.nr_zones);
	l->engine = e;
	l->node.src = *src;
	l->event_ns = event_ns;
	inflight_add(&e->inflight, &l->node);
	e->counters.in_flight = e->inflight.count;
	e->counters.lookups++;

	/* pending counts the queries started, and one more held by this
	 * function: c-ares may call back synchronously (no servers, say),
	 * and the last callback frees l, which must not happen while the
	 * loop still uses it */
	l->pending = 1;
	for (unsigned int z = 0; z < e->cfg.sites.nr_zones; z++) {
		if (!dnsbl_zone_usable(e, z, now))
			continue;
		l->query[z] = (struct dnsbl_query){ l, z };
		e->zone[z].queries++;
		if (dnsbl_query_name(src->family, src->addr,
				     dnsbl_zone_name(e, z), qname,
				     sizeof(qname))) {
			/* cannot happen for valid zones: a failed query,
			 * never started */
			l->failed++;
			dnsbl_zone_fault(e, z, src, "query name too long");
			continue;
		}
		l->pending++;
		ares_query(e->channel, qname, C_IN, T_A, dnsbl_query_done,
			   &l->query[z]);
	}
	if (--l->pending == 0)
		dnsbl_lookup_finish(e, l);
	return 0;
}

/* ---- probes ------------------------------------------------------------- */

static void dnsbl_probe_done(void *arg, int status, int timeouts,
			     unsigned char *abuf, int alen)
{
	struct dnsbl_probe *p = arg;
	struct dnsbl_engine *e = p->engine;
	struct dnsbl_zone_state *z = &e->zone[p->zone];
	const char *zone = dnsbl_zone_name(e, p->zone);
	struct dnsbl_zone_answer ans = { 0 };
	int n = -1;

	p->pending = false;
	if (e->destroying || status == ARES_EDESTRUCTION ||
	    status == ARES_ECANCELLED)
		return;
	if (status == ARES_SUCCESS)
		n = dnsbl_answer_parse(abuf, alen, &ans);
	else if (status == ARES_ENOTFOUND || status == ARES_ENODATA)
		n = 0;
	if (n < 0) {
		z->failures++;
		log_warn("DNSBL zone %s: probe 127.0.0.%u got no answer: %s",
			 zone, p->last_octet,
			 status != ARES_SUCCESS ? ares_strerror(status) :
			 n == -2 ? "CNAME chain without an address (a loop?)" :
				   "malformed answer");
		return;
	}
	if (n > 0) {
		char what[32];

		snprintf(what, sizeof(what), "test point 127.0.0.%u",
			 p->last_octet);
		/* refused or bogus answers disable the zone here */
		if (!dnsbl_validate(e, p->zone, &ans, what))
			return;
	}
	if (p->last_octet == 1) {
		if (n > 0 && z->world != WORLD_LISTED)
			log_warn("DNSBL zone %s lists 127.0.0.1, so it lists everyone "
				 "(RFC 5782); disabled until it stops", zone);
		else if (n == 0 && z->world == WORLD_LISTED)
			log_info("DNSBL zone %s no longer lists 127.0.0.1; enabled again",
				 zone);
		z->world = n > 0 ? WORLD_LISTED : WORLD_PASSED;
	} else {
		if (n == 0 && z->testpoint != 0)
			log_warn("DNSBL zone %s does not list its test point 127.0.0.2 "
				 "(RFC 5782): is it a DNSBL? still queried", zone);
		z->testpoint = n > 0;
	}
}

void dnsbl_engine_probe(struct dnsbl_engine *e)
{
	uint64_t now = dnsbl_now_ns();
	char qname[DNSBL_QNAME_LEN];

	for (unsigned int zone = 0; zone < e->cfg.sites.nr_zones; zone++) {
		struct dnsbl_zone_state *z = &e->zone[zone];

		if (now < z->next_probe_ns)
			continue;
		z->next_probe_ns = now + (z->world == WORLD_PASSED
						  ? DNSBL_PROBE_SECONDS
						  : DNSBL_PROBE_RETRY_SECONDS) *
						 NS_PER_S;
		for (int i = 0; i < 2; i++) {
			struct dnsbl_probe *p = &e->probe[zone][i];
			uint8_t test[4] = { 127, 0, 0, (uint8_t)(2 - i) };

			if (p->pending)
				continue;
			*p = (struct dnsbl_probe){ e, zone, test[3], true };
			if (dnsbl_query_name(MXS_FAMILY_V4, test,
					     dnsbl_zone_name(e, zone), qname,
					     sizeof(qname))) {
				p->pending = false;
				continue;
			}
			ares_query(e->channel, qname, C_IN, T_A,
				   dnsbl_probe_done, p);
		}
	}
}

/* ---- life cycle --------------------------------------------------------- */

int dnsbl_engine_new(struct dnsbl_engine **out, const struct config *cfg,
		     uint32_t generation, int epoll_fd, dnsbl_done_fn done,
		     void *ctx)
{
	struct ares_options opts;
	struct dnsbl_engine *e;
	static bool lib_ready;
	int rc;

	if (!lib_ready) {
		rc = ares_library_init(ARES_LIB_INIT_ALL);
		if (rc != ARES_SUCCESS) {
			log_error("cannot initialise c-ares: %s", ares_strerror(rc));
			return -ENOMEM;
		}
		lib_ready = true;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->cfg = *cfg;
	e->generation = generation;
	e->epoll_fd = epoll_fd;
	inflight_init(&e->inflight, cfg->max_in_flight, cfg->max_per_second);
	e->done = done;
	e->ctx = ctx;
	for (unsigned int z = 0; z < DNSBL_MAX_SITES; z++)
		e->zone[z].testpoint = -1;

	memset(&opts, 0, sizeof(opts));
	/* two tries that together take about dnsbl_timeout with one server;
	 * c-ares tries several servers in turn, so more with more */
	opts.timeout = (int)(cfg->timeout * 1000 / 3);
	opts.tries = 2;
	opts.sock_state_cb = dnsbl_sock_state;
	opts.sock_state_cb_data = e;
	/* STAYOPEN: keep the UDP socket between bursts instead of a new
	 * socket every few lookups */
	opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_STAYOPEN;
	opts.socket_receive_buffer_size = DNSBL_SOCKET_BUFFER;
	opts.socket_send_buffer_size = DNSBL_SOCKET_BUFFER;
	rc = ares_init_options(&e->channel, &opts,
			       ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
				       ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS |
				       ARES_OPT_SOCK_RCVBUF | ARES_OPT_SOCK_SNDBUF);
	if (rc != ARES_SUCCESS) {
		log_error("cannot create the DNS resolver: %s%s",
			  ares_strerror(rc),
			  cfg->nr_dns_servers ? ""
					      : "; check /etc/resolv.conf or set dns_servers");
		free(e);
		return -EINVAL;
	}
	if (cfg->nr_dns_servers) {
		char csv[CONFIG_MAX_DNS_SERVERS * (CONFIG_SERVER_LEN + 1)];

		config_format_servers(cfg, csv, sizeof(csv));
		rc = ares_set_servers_ports_csv(e->channel, csv);
		if (rc != ARES_SUCCESS) {
			log_error("cannot use dns_servers %s: %s", csv,
				  ares_strerror(rc));
			ares_destroy(e->channel);
			free(e);
			return -EINVAL;
		}
	}
	*out = e;
	return 0;
}

void dnsbl_engine_free(struct dnsbl_engine *e)
{
	if (!e)
		return;
	e->destroying = true;
	/* calls every pending callback with ARES_EDESTRUCTION */
	ares_destroy(e->channel);
	free(e);
}

void dnsbl_engine_counters(const struct dnsbl_engine *e,
			   struct dnsbl_counters *c)
{
	*c = e->counters;
}

void dnsbl_engine_sites(const struct dnsbl_engine *e,
			struct mxs_site_status *out, uint32_t *nr_sites)
{
	uint64_t now = dnsbl_now_ns();

	*nr_sites = e->cfg.sites.nr_sites;
	for (unsigned int i = 0; i < e->cfg.sites.nr_sites; i++) {
		const struct dnsbl_site *s = &e->cfg.sites.site[i];
		const struct dnsbl_zone_state *z = &e->zone[s->zone];
		struct mxs_site_status *o = &out[i];

		memset(o, 0, sizeof(*o));
		snprintf(o->spec, sizeof(o->spec), "%s", s->spec);
		o->weight = s->weight;
		o->queries = z->queries;
		o->listed = z->listed;
		o->failures = z->failures;
		if (z->disabled_until_ns > now) {
			o->state = z->disabled_state;
			o->disabled_until_ns = z->disabled_until_ns;
		} else if (z->world == WORLD_LISTED) {
			o->state = MXS_SITE_LISTS_WORLD;
		} else if (z->world == WORLD_UNKNOWN) {
			o->state = MXS_SITE_UNTESTED;
		} else if (z->testpoint == 0) {
			o->state = MXS_SITE_NO_TESTPOINT;
		} else {
			o->state = MXS_SITE_OK;
		}
	}
}
