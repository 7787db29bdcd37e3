// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_policy_proto.c - Postfix's policy protocol (policy_proto.c): any
 * bytes as what a connection sends, and as an answer's action.
 *
 * Invariants:
 *  - the result depends on the bytes only: fed whole, cut in two at a
 *    point the input picks, and in reads of varying size, the parser
 *    calls fn for the same requests with the same values and returns the
 *    same; and that is what a plain model of the protocol says (model()
 *    below: the whole input line by line, no buffer): the requests, then
 *    the error (-EMSGSIZE, -E2BIG, -EPROTO) or the bytes pending;
 *  - fn's strings are never NULL, are NUL-terminated, at most
 *    POLICY_LINE_MAX long, and when not empty lie in the parser's own
 *    allocation (never in the bytes fed); nr_attrs is
 *    1..POLICY_ATTRS_MAX;
 *  - pending() never exceeds POLICY_REQUEST_MAX;
 *  - after an error every feed returns it again and calls nothing; a
 *    stop returns fn's value after the same requests as the model's
 *    first ones, then every feed returns -ECANCELED;
 *  - an answer is "action=ACTION\n\n" and a NUL within the buffer, or 0
 *    exactly when the action (the input up to a NUL) is empty, holds a
 *    "\r" or "\n", or does not fit.
 *
 * The limits are 4 KiB lines and 64 KiB requests, long for a fuzzer's
 * inputs: an input that holds the byte 0xfe is run a second time
 * expanded, "\xfe" N B standing for the byte B (N + 1) * 64 times.
 */
#include <errno.h>
#include <stdbool.h>

#include "mxscreend/policy_proto.h"
#include "fuzz.h"

/* The parser's allocation: its buffer and a few counters. */
#define PARSER_SPAN (POLICY_REQUEST_MAX + 1024)
/* Expanded inputs stop growing here: past every limit. */
#define EXPAND_MAX (2 * POLICY_REQUEST_MAX + POLICY_LINE_MAX)

enum { F_REQUEST, F_STATE, F_CLIENT, F_SASL, F_RCPT, F_INSTANCE, F_QUEUE, NF };

static const char *const field_names[NF] = {
    "request",	 "protocol_state", "client_address", "sasl_username",
    "recipient", "instance",	   "queue_id",
};

/* What fn saw (or the model says), as length-prefixed fields, request
 * after request: equal logs are equal requests. */
struct log {
	char *buf;
	size_t len, cap;
	unsigned int n;
	/* for the checks in fn */
	const struct policy_parser *p;
	const uint8_t *in;
	size_t in_len;
	unsigned int stop_after; /* fn returns 1 at this request */
};

static void log_put(struct log *l, const void *s, size_t n)
{
	if (l->len + n > l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4096;

		while (cap < l->len + n)
			cap *= 2;
		l->buf = realloc(l->buf, cap);
		if (!l->buf)
			abort();
		l->cap = cap;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void log_req(struct log *l, const char *const f[NF],
		    const size_t len[NF], uint32_t rcpt, unsigned int nr)
{
	for (int i = 0; i < NF; i++) {
		uint32_t n = (uint32_t)len[i];

		log_put(l, &n, sizeof(n));
		log_put(l, f[i], len[i]);
	}
	log_put(l, &rcpt, sizeof(rcpt));
	log_put(l, &nr, sizeof(nr));
	l->n++;
}

static void log_reset(struct log *l)
{
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

/* ---- the model ----------------------------------------------------------- */

/* The names kept, by field, and the count's. */
static int model_field(const uint8_t *name, size_t len)
{
	static const char *const count = "recipient_count";

	for (int i = 0; i < NF; i++)
		if (strlen(field_names[i]) == len &&
		    memcmp(field_names[i], name, len) == 0)
			return i;
	if (strlen(count) == len && memcmp(count, name, len) == 0)
		return NF;
	return -1;
}

static uint32_t model_count(const uint8_t *s, size_t len)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = 10 * v + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

/*
 * SMTPD_POLICY_README with policy_proto.h's limits, read off the whole
 * input: each line in turn, a request's bytes counted from the end of
 * the line before it.  Where one line breaks several rules, the first
 * to be broken in byte order counts (so the checks on a line go: the
 * request's size, the line's, an empty line, a NUL, '=', the count).
 */
static int model(const uint8_t *d, size_t size, struct log *out,
		 size_t *pending)
{
	const char *f[NF];
	size_t flen[NF], pos = 0, req = 0;
	uint32_t rcpt = 0;
	unsigned int nr = 0;

	for (int i = 0; i < NF; i++) {
		f[i] = "";
		flen[i] = 0;
	}
	for (;;) {
		const uint8_t *nl = memchr(d + pos, '\n', size - pos);
		const uint8_t *eq;
		size_t end, n;
		int i;

		if (!nl)
			break;
		end = (size_t)(nl - d);
		if (end + 1 - req > POLICY_REQUEST_MAX)
			return -EMSGSIZE;
		n = end - pos;
		if (n && d[end - 1] == '\r')
			n--;
		if (n > POLICY_LINE_MAX)
			return -EMSGSIZE;
		if (n == 0) {
			if (nr) {
				log_req(out, f, flen, rcpt, nr);
				for (i = 0; i < NF; i++) {
					f[i] = "";
					flen[i] = 0;
				}
				rcpt = 0;
				nr = 0;
			}
			pos = req = end + 1;
			continue;
		}
		if (memchr(d + pos, '\0', n))
			return -EPROTO;
		eq = memchr(d + pos, '=', n);
		if (!eq || eq == d + pos)
			return -EPROTO;
		if (++nr > POLICY_ATTRS_MAX)
			return -E2BIG;
		i = model_field(d + pos, (size_t)(eq - (d + pos)));
		if (i == NF)
			rcpt = model_count(eq + 1,
					   n - (size_t)(eq + 1 - (d + pos)));
		else if (i >= 0) {
			f[i] = (const char *)eq + 1;
			flen[i] = n - (size_t)(eq + 1 - (d + pos));
		}
		pos = end + 1;
	}
	/* the unfinished line: over, unless a "\r" of the limit's + 1 */
	if (size - pos > POLICY_LINE_MAX + 1 || size - req > POLICY_REQUEST_MAX)
		return -EMSGSIZE;
	*pending = size - req;
	return 0;
}

/* ---- the parser ---------------------------------------------------------- */

static int on_request(const struct policy_request *r, void *ctx)
{
	struct log *l = ctx;
	const char *f[NF] = {
	    r->request,	      r->protocol_state, r->client_address,
	    r->sasl_username, r->recipient,	 r->instance,
	    r->queue_id,
	};
	const char *lo = (const char *)l->p, *hi = lo + PARSER_SPAN;
	const char *in = (const char *)l->in;
	size_t len[NF];

	for (int i = 0; i < NF; i++) {
		FUZZ_CHECK(f[i], "request %u: %s is NULL", l->n + 1,
			   field_names[i]);
		len[i] = strlen(f[i]); /* ASan: within an allocation */
		FUZZ_CHECK(len[i] <= POLICY_LINE_MAX,
			   "request %u: %s is %zu bytes", l->n + 1,
			   field_names[i], len[i]);
		if (!len[i])
			continue;
		FUZZ_CHECK(f[i] > lo && f[i] + len[i] < hi,
			   "request %u: %s outside the parser", l->n + 1,
			   field_names[i]);
		FUZZ_CHECK(f[i] + len[i] < in || f[i] >= in + l->in_len,
			   "request %u: %s in the bytes fed", l->n + 1,
			   field_names[i]);
	}
	FUZZ_CHECK(r->nr_attrs >= 1 && r->nr_attrs <= POLICY_ATTRS_MAX,
		   "request %u: nr_attrs %u", l->n + 1, r->nr_attrs);
	log_req(l, f, len, r->recipient_count, r->nr_attrs);
	return l->n == l->stop_after ? 1 : 0;
}

enum feed_mode { WHOLE, TWO_PIECES, SMALL_READS };
static const char *const mode_names[] = {"whole", "in two pieces",
					 "in small reads"};

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Feed in[0..len) as mode says; the first nonzero result, or 0. */
static int run(const uint8_t *in, size_t len, enum feed_mode mode,
	       uint64_t seed, struct log *l, size_t *pending)
{
	struct policy_parser *p = policy_parser_new();
	size_t at = 0, cut = len ? seed % (len + 1) : 0;
	uint64_t rnd = seed | 1;
	unsigned int before;
	int rc = 0, again;

	FUZZ_CHECK(p, "no parser: out of memory");
	l->p = p;
	l->in = in;
	l->in_len = len;
	do {
		size_t n = len - at;

		if (mode == TWO_PIECES && at < cut)
			n = cut - at;
		else if (mode == SMALL_READS) {
			uint64_t r = next_random(&rnd);

			n = r % 8 == 0 ? 1 : 1 + (size_t)(r % 300);
			if (n > len - at)
				n = len - at;
		}
		rc = policy_parser_feed(p, (const char *)in + at, n, on_request,
					l);
		at += n;
		FUZZ_CHECK(policy_parser_pending(p) <= POLICY_REQUEST_MAX,
			   "%s: pending %zu", mode_names[mode],
			   policy_parser_pending(p));
	} while (at < len && !rc);
	*pending = policy_parser_pending(p);
	if (rc) {
		before = l->n;
		again =
		    policy_parser_feed(p, "request=x\n\n", 11, on_request, l);
		FUZZ_CHECK(again == (rc > 0 ? -ECANCELED : rc) &&
			       l->n == before,
			   "%s: after %d a feed returned %d, %u requests",
			   mode_names[mode], rc, again, l->n - before);
	}
	policy_parser_free(p);
	return rc;
}

static void check_stream(const uint8_t *in, size_t len, uint64_t seed)
{
	struct log want = {0}, got = {0};
	size_t want_pending = 0, pending;
	int want_rc = model(in, len, &want, &want_pending), rc;

	for (int m = WHOLE; m <= SMALL_READS; m++) {
		rc = run(in, len, (enum feed_mode)m, seed, &got, &pending);
		FUZZ_CHECK(
		    rc == want_rc && got.n == want.n && got.len == want.len &&
			(!got.len || memcmp(got.buf, want.buf, got.len) == 0),
		    "%s: rc %d, %u requests; the model: rc %d, %u "
		    "requests%s",
		    mode_names[m], rc, got.n, want_rc, want.n,
		    got.n == want.n ? ", not the same" : "");
		FUZZ_CHECK(rc || pending == want_pending,
			   "%s: pending %zu, the model %zu", mode_names[m],
			   pending, want_pending);
		log_reset(&got);
	}
	/* fn stops at one of the requests */
	if (want.n) {
		got.stop_after = 1 + (unsigned int)(seed % want.n);
		rc = run(in, len, SMALL_READS, seed >> 8, &got, &pending);
		FUZZ_CHECK(rc == 1 && got.n == got.stop_after &&
			       got.len <= want.len &&
			       memcmp(got.buf, want.buf, got.len) == 0,
			   "stop at %u: rc %d after %u requests",
			   got.stop_after, rc, got.n);
		log_reset(&got);
	}
	log_reset(&want);
}

/* ---- the answer and the input -------------------------------------------- */

/* The input up to a NUL as the action, in a buffer of blen bytes. */
static void check_answer(const char *action, size_t blen)
{
	size_t alen = strlen(action), n;
	char *buf = malloc(blen ? blen : 1); /* exact: ASan sees past it */
	bool fits = alen && !strpbrk(action, "\r\n") && blen >= alen + 10;

	FUZZ_CHECK(buf, "out of memory");
	n = policy_format_answer(buf, blen, action);
	FUZZ_CHECK(fits == (n != 0), "answer of %zu bytes in %zu: %zu", alen,
		   blen, n);
	if (n)
		FUZZ_CHECK(n == alen + 9 && memcmp(buf, "action=", 7) == 0 &&
			       memcmp(buf + 7, action, alen) == 0 &&
			       buf[n - 2] == '\n' && buf[n - 1] == '\n' &&
			       buf[n] == '\0',
			   "answer of %zu bytes: \"%.*s\"", alen, (int)n, buf);
	free(buf);
}

static void check_answers(const uint8_t *data, size_t size, uint64_t seed)
{
	char *action = fuzz_strdup(data, size);
	size_t alen = strlen(action);

	/* what just fits, one byte less, and one the input picks */
	check_answer(action, alen + 10);
	check_answer(action, alen + 9);
	check_answer(action, seed % (alen + 16));
	free(action);
}

/* "\xfe" N B: the byte B (N + 1) * 64 times, up to EXPAND_MAX bytes. */
static uint8_t *expand(const uint8_t *d, size_t size, size_t *len)
{
	uint8_t *out = malloc(EXPAND_MAX);
	size_t n = 0;

	FUZZ_CHECK(out, "out of memory");
	for (size_t i = 0; i < size && n < EXPAND_MAX; i++) {
		size_t k = 1;
		uint8_t b = d[i];

		if (d[i] == 0xfe && i + 2 < size) {
			k = ((size_t)d[i + 1] + 1) * 64;
			b = d[i + 2];
			i += 2;
		}
		if (k > EXPAND_MAX - n)
			k = EXPAND_MAX - n;
		memset(out + n, b, k);
		n += k;
	}
	*len = n;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a: the seed of choices */
	/* exactly size bytes: ASan sees a read past the end */
	uint8_t *copy = malloc(size ? size : 1);

	FUZZ_CHECK(copy, "out of memory");
	memcpy(copy, data, size);
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	check_stream(copy, size, h);
	check_answers(copy, size, h);
	if (memchr(copy, 0xfe, size)) {
		size_t len;
		uint8_t *big = expand(copy, size, &len);
		uint8_t *exact = malloc(len ? len : 1);

		FUZZ_CHECK(exact, "out of memory");
		memcpy(exact, big, len);
		free(big);
		check_stream(exact, len, h >> 16);
		free(exact);
	}
	free(copy);
	return 0;
}
