// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * policy_proto.c - Postfix's policy delegation protocol (policy_proto.h).
 *
 * Bytes are copied once, into the parser's buffer, and parsed there: the
 * '=' and the newline of each attribute line become NULs, so values are
 * strings in place.  The buffer holds the current request from its first
 * byte; a request keeps its values as offsets from that byte, so that
 * what is left of a feed can move to the front of the buffer (it moves
 * once: later bytes append to it).  Every limit is checked at the byte
 * that breaks it, in the order the bytes came, which is why the result
 * does not depend on how reads split them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_proto.h"

/* The attributes kept: the strings of struct policy_request, then the
 * one number. */
enum policy_field {
	POLICY_F_REQUEST,
	POLICY_F_PROTOCOL_STATE,
	POLICY_F_CLIENT_ADDRESS,
	POLICY_F_SASL_USERNAME,
	POLICY_F_RECIPIENT,
	POLICY_F_INSTANCE,
	POLICY_F_QUEUE_ID,
	POLICY_NR_STRINGS,
	POLICY_F_RECIPIENT_COUNT = POLICY_NR_STRINGS,
	POLICY_NR_FIELDS,
	POLICY_F_OTHER = POLICY_NR_FIELDS,
};

/* One line per name: clang-format would spread the table out. */
/* clang-format off */
static const struct {
	const char *name;
	size_t len;
} policy_names[POLICY_NR_FIELDS] = {
#define POLICY_NAME(f, s) [f] = { s, sizeof(s) - 1 }
	POLICY_NAME(POLICY_F_REQUEST, "request"),
	POLICY_NAME(POLICY_F_PROTOCOL_STATE, "protocol_state"),
	POLICY_NAME(POLICY_F_CLIENT_ADDRESS, "client_address"),
	POLICY_NAME(POLICY_F_SASL_USERNAME, "sasl_username"),
	POLICY_NAME(POLICY_F_RECIPIENT, "recipient"),
	POLICY_NAME(POLICY_F_INSTANCE, "instance"),
	POLICY_NAME(POLICY_F_QUEUE_ID, "queue_id"),
	POLICY_NAME(POLICY_F_RECIPIENT_COUNT, "recipient_count"),
#undef POLICY_NAME
};
/* clang-format on */

struct policy_parser {
	int err;     /* 0, or what finished the parser (feed's contract) */
	size_t used; /* bytes in buf */
	size_t req;  /* where the current request starts; before: done */
	size_t line; /* where the current line starts */
	size_t scan; /* bytes of buf searched for a newline */
	/* The current request: attribute lines so far, the count, and where
	 * each string's value starts, from req, plus one (0: absent). */
	unsigned int nr_attrs;
	uint32_t recipient_count;
	uint32_t at[POLICY_NR_STRINGS];
	char buf[POLICY_REQUEST_MAX];
};

struct policy_parser *policy_parser_new(void)
{
	/* malloc, not calloc: the buffer's pages stay untouched until a
	 * request reaches them */
	struct policy_parser *p = malloc(sizeof(*p));

	if (!p)
		return NULL;
	p->err = 0;
	p->used = p->req = p->line = p->scan = 0;
	p->nr_attrs = 0;
	p->recipient_count = 0;
	memset(p->at, 0, sizeof(p->at));
	return p;
}

void policy_parser_free(struct policy_parser *p)
{
	free(p);
}

size_t policy_parser_pending(const struct policy_parser *p)
{
	return p->used - p->req;
}

static enum policy_field policy_field_of(const char *name, size_t len)
{
	for (int f = 0; f < POLICY_NR_FIELDS; f++)
		if (policy_names[f].len == len &&
		    memcmp(policy_names[f].name, name, len) == 0)
			return (enum policy_field)f;
	return POLICY_F_OTHER;
}

/* Decimal digits only, at most UINT32_MAX; anything else is 0 (as an
 * absent count: Postfix sends 0 outside DATA and END-OF-MESSAGE). */
static uint32_t policy_count(const char *s)
{
	uint64_t v = 0;

	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

/* Hand the complete request to fn; the next one starts at next. */
static int policy_deliver(struct policy_parser *p, size_t next,
			  policy_request_fn fn, void *ctx)
{
	const char *s[POLICY_NR_STRINGS];
	struct policy_request r;
	int rc;

	for (int f = 0; f < POLICY_NR_STRINGS; f++)
		s[f] = p->at[f] ? p->buf + p->req + p->at[f] - 1 : "";
	r.request = s[POLICY_F_REQUEST];
	r.protocol_state = s[POLICY_F_PROTOCOL_STATE];
	r.client_address = s[POLICY_F_CLIENT_ADDRESS];
	r.sasl_username = s[POLICY_F_SASL_USERNAME];
	r.recipient = s[POLICY_F_RECIPIENT];
	r.instance = s[POLICY_F_INSTANCE];
	r.queue_id = s[POLICY_F_QUEUE_ID];
	r.recipient_count = p->recipient_count;
	r.nr_attrs = p->nr_attrs;
	rc = fn(&r, ctx);
	p->req = next;
	p->nr_attrs = 0;
	p->recipient_count = 0;
	memset(p->at, 0, sizeof(p->at));
	if (rc)
		p->err = -ECANCELED;
	return rc;
}

/* The line buf[start..nl), nl its newline: an attribute, or the empty
 * line that ends a request.  The checks go in a fixed order (the
 * fuzz target's model follows it). */
static int policy_line(struct policy_parser *p, size_t start, size_t nl,
		       policy_request_fn fn, void *ctx)
{
	char *s = p->buf + start, *eq;
	size_t n = nl - start;
	enum policy_field f;

	if (n && s[n - 1] == '\r')
		n--;
	if (n > POLICY_LINE_MAX)
		return -EMSGSIZE;
	if (n == 0) {
		if (p->nr_attrs)
			return policy_deliver(p, nl + 1, fn, ctx);
		p->req = nl + 1; /* no request yet: skipped */
		return 0;
	}
	if (memchr(s, '\0', n))
		return -EPROTO;
	eq = memchr(s, '=', n);
	if (!eq || eq == s)
		return -EPROTO;
	if (++p->nr_attrs > POLICY_ATTRS_MAX)
		return -E2BIG;
	*eq = '\0';
	s[n] = '\0';
	f = policy_field_of(s, (size_t)(eq - s));
	if (f == POLICY_F_RECIPIENT_COUNT)
		p->recipient_count = policy_count(eq + 1);
	else if (f < POLICY_NR_STRINGS)
		p->at[f] = (uint32_t)((size_t)(eq + 1 - p->buf) - p->req + 1);
	return 0;
}

/* Every complete line of what is in the buffer. */
static int policy_parse(struct policy_parser *p, policy_request_fn fn,
			void *ctx)
{
	while (p->scan < p->used) {
		const char *nl;
		size_t end;
		int rc;

		nl = memchr(p->buf + p->scan, '\n', p->used - p->scan);
		if (!nl) {
			p->scan = p->used;
			break;
		}
		end = (size_t)(nl - p->buf);
		p->scan = end + 1;
		rc = policy_line(p, p->line, end, fn, ctx);
		p->line = end + 1;
		if (rc)
			return rc;
	}
	/* The unfinished line is too long already when it holds more than
	 * the limit and a "\r". */
	if (p->used - p->line > POLICY_LINE_MAX + 1)
		return -EMSGSIZE;
	return 0;
}

/* The unfinished request to the front of the buffer. */
static void policy_compact(struct policy_parser *p)
{
	if (!p->req)
		return;
	memmove(p->buf, p->buf + p->req, p->used - p->req);
	p->used -= p->req;
	p->line -= p->req;
	p->scan -= p->req;
	p->req = 0;
}

int policy_parser_feed(struct policy_parser *p, const char *data, size_t len,
		       policy_request_fn fn, void *ctx)
{
	if (p->err)
		return p->err;
	while (len) {
		size_t n = sizeof(p->buf) - p->used;
		int rc;

		/* after compacting, a full buffer is one request */
		if (!n) {
			p->err = -EMSGSIZE;
			return p->err;
		}
		if (n > len)
			n = len;
		memcpy(p->buf + p->used, data, n);
		p->used += n;
		data += n;
		len -= n;
		rc = policy_parse(p, fn, ctx);
		if (rc) {
			if (!p->err) /* policy_deliver() set it on a stop */
				p->err = rc;
			return rc;
		}
		policy_compact(p);
	}
	return 0;
}

size_t policy_format_answer(char *buf, size_t len, const char *action)
{
	static const char head[] = "action=";
	const size_t extra = sizeof(head) - 1 + 2 + 1; /* "\n\n", NUL */
	size_t n;

	if (!buf || !action || !*action || strpbrk(action, "\r\n"))
		return 0;
	n = strlen(action);
	if (len < extra || n > len - extra)
		return 0;
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, action, n);
	n += sizeof(head) - 1;
	buf[n++] = '\n';
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}
