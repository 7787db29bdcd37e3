/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dnsbl.h - the DNSBL lookup engine of mxscreend: every zone for one
 * address queried in parallel through c-ares, answers validated, zones
 * that misbehave disabled, the score computed as postscreen does.
 *
 * Contract: the engine owns the c-ares channel and the table of lookups in
 * flight; the daemon owns the event loop.  The engine registers c-ares'
 * sockets in the daemon's epoll set (tag DNSBL_EPOLL_TAG in the upper 32
 * bits of epoll_event.data.u64, the fd in the lower) and the daemon calls
 * dnsbl_engine_process() for those events and when dnsbl_engine_timeout()
 * expires.  A lookup ends in exactly one call of the done callback, unless
 * the engine is destroyed first (then it ends silently).  Nothing here
 * writes kernel maps.
 */
#ifndef MXS_DNSBL_H
#define MXS_DNSBL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#define DNSBL_EPOLL_TAG 0x444e53u /* "DNS" */

/* How long a zone stays disabled after answering 127.255.255.x or outside
 * 127/8, before it is trusted (and probed) again. */
#define DNSBL_DISABLE_SECONDS 600
/* How often every zone is probed (RFC 5782 test points). */
#define DNSBL_PROBE_SECONDS 300

struct dnsbl_engine;

/* The end of a lookup: res has verdict, score, hits and generation set;
 * ttl is the clamped lifetime in seconds for the verdict (0 for FAILED);
 * event_ns is what was passed to dnsbl_engine_lookup(). */
typedef void (*dnsbl_done_fn)(const struct mxs_source *src,
			      const struct mxs_dnsbl_result *res, uint64_t ttl,
			      uint64_t event_ns, void *ctx);

/* Counters the daemon publishes (struct mxs_daemon_status). */
struct dnsbl_counters {
	uint64_t lookups, merged, skipped_rate, skipped_busy, skipped_nozone;
	uint64_t failed;
	uint32_t in_flight;
};

/* Create the engine for cfg (copied).  generation tags the results (site
 * indexes are only meaningful with the site table of that generation).
 * Returns 0 or -errno with one message logged. */
int dnsbl_engine_new(struct dnsbl_engine **out, const struct config *cfg,
		     uint32_t generation, int epoll_fd, dnsbl_done_fn done,
		     void *ctx);

/* Destroy: lookups in flight end without a callback. */
void dnsbl_engine_free(struct dnsbl_engine *e);

/* Start looking src up.  0: started; -EALREADY: already in flight (merged);
 * -EBUSY: max_lookups_in_flight reached; -EAGAIN: over
 * max_lookups_per_second; -ENOENT: no usable zone.  Every refusal is
 * counted; none of them ever blocks anyone (fail open). */
int dnsbl_engine_lookup(struct dnsbl_engine *e, const struct mxs_source *src,
			uint64_t event_ns);

/* Probe every zone (RFC 5782: 127.0.0.2 listed, 127.0.0.1 not). */
void dnsbl_engine_probe(struct dnsbl_engine *e);

/* Epoll readiness of fd (from the engine's registration), or fd < 0 for
 * "the timeout expired". */
void dnsbl_engine_process(struct dnsbl_engine *e, int fd, uint32_t events);

/* Milliseconds until c-ares needs dnsbl_engine_process(e, -1, 0), or -1. */
int dnsbl_engine_timeout(struct dnsbl_engine *e);

void dnsbl_engine_counters(const struct dnsbl_engine *e,
			   struct dnsbl_counters *c);

/* Health of every site, for the status map (nr_sites entries). */
void dnsbl_engine_sites(const struct dnsbl_engine *e,
			struct mxs_site_status *out, uint32_t *nr_sites);

/*
 * The A records of a reply as c-ares hands it to a query callback with
 * status ARES_SUCCESS: the raw DNS message abuf of alen bytes.  Returns
 * the number of records (0: NODATA, no listing), -1 for a malformed
 * reply, or -2 for a CNAME chain that ends without an address (a loop, or
 * a dangling alias: a broken zone, not a listing); records after the
 * first DNSBL_MAX_ANSWERS are not read.  For n > 0, ans->a[] holds them,
 * ans->nr == n and ans->ttl is their smallest TTL (one with the top bit
 * set counts as 0); otherwise ans is untouched.  Whether the records are a listing is
 * dnsbl_answer_classify()'s to say.  Pure: no I/O, no engine state (the
 * callbacks act on the result), so fuzzed and unit tested on its own.
 */
int dnsbl_answer_parse(const unsigned char *abuf, int alen,
		       struct dnsbl_zone_answer *ans);

#endif /* MXS_DNSBL_H */
