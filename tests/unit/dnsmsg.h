/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dnsmsg.h - hand-built DNS replies, as a resolver sends them back to
 * c-ares, for the tests of dnsbl_answer_parse() (tests/unit/test_dnsbl.c)
 * and the seeds of its fuzzer (tests/fuzz/mkseeds.c).
 *
 * dnsmsg_build() writes a reply to one question (QNAME, type A unless
 * said otherwise) with the answer records given: A records with their
 * address and TTL, CNAME records with their target; names in the answers
 * are written in full or, with compress, as a pointer to the question's
 * name when they are that name.  Byte-level on purpose: a broken reply is
 * as easy to write as a good one.  Header only (static functions), so
 * each test links nothing more.
 */
#ifndef MXS_TEST_DNSMSG_H
#define MXS_TEST_DNSMSG_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DNSMSG_MAX 2048
#define DNSMSG_T_A 1
#define DNSMSG_T_CNAME 5
#define DNSMSG_T_TXT 16
#define DNSMSG_T_AAAA 28

struct dnsmsg_rr {
	const char *name; /* NULL: the question's name */
	uint16_t type;	  /* DNSMSG_T_*; 0 ends a list */
	uint32_t ttl;
	const char *data; /* A: "127.0.0.2"; CNAME: a name; TXT: the text */
};

struct dnsmsg {
	uint8_t b[DNSMSG_MAX];
	size_t n;
};

static inline void dnsmsg_put16(struct dnsmsg *m, uint16_t v)
{
	m->b[m->n++] = (uint8_t)(v >> 8);
	m->b[m->n++] = (uint8_t)v;
}

static inline void dnsmsg_put32(struct dnsmsg *m, uint32_t v)
{
	dnsmsg_put16(m, (uint16_t)(v >> 16));
	dnsmsg_put16(m, (uint16_t)v);
}

/* "a.b.example" as labels. */
static inline void dnsmsg_put_name(struct dnsmsg *m, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);

		m->b[m->n++] = (uint8_t)len;
		memcpy(m->b + m->n, name, len);
		m->n += len;
		name += len + (dot ? 1 : 0);
	}
	m->b[m->n++] = 0;
}

/*
 * A reply (id 0x1234, QR, RD, RA, rcode) to the question qname/qtype
 * with the records of rrs (ended by type 0).  compress: an answer name
 * that is the question's is a pointer to it.  Returns the length.
 */
static inline size_t
dnsmsg_build(struct dnsmsg *m, const char *qname, uint16_t qtype,
	     unsigned int rcode, const struct dnsmsg_rr *rrs, int compress)
{
	uint16_t an = 0;
	size_t i;

	for (i = 0; rrs && rrs[i].type; i++)
		an++;
	memset(m, 0, sizeof(*m));
	dnsmsg_put16(m, 0x1234);
	dnsmsg_put16(m, (uint16_t)(0x8180 | (rcode & 0xf)));
	dnsmsg_put16(m, 1);  /* QDCOUNT */
	dnsmsg_put16(m, an); /* ANCOUNT */
	dnsmsg_put16(m, 0);
	dnsmsg_put16(m, 0);
	dnsmsg_put_name(m, qname);
	dnsmsg_put16(m, qtype);
	dnsmsg_put16(m, 1); /* IN */
	for (i = 0; rrs && rrs[i].type; i++) {
		const struct dnsmsg_rr *r = &rrs[i];
		size_t rdlen_at;

		if (!r->name || (compress && !strcmp(r->name, qname)))
			dnsmsg_put16(m, 0xc00c); /* the question's name */
		else
			dnsmsg_put_name(m, r->name);
		dnsmsg_put16(m, r->type);
		dnsmsg_put16(m, 1);
		dnsmsg_put32(m, r->ttl);
		rdlen_at = m->n;
		m->n += 2;
		if (r->type == DNSMSG_T_A) {
			inet_pton(AF_INET, r->data, m->b + m->n);
			m->n += 4;
		} else if (r->type == DNSMSG_T_AAAA) {
			inet_pton(AF_INET6, r->data, m->b + m->n);
			m->n += 16;
		} else if (r->type == DNSMSG_T_TXT) {
			size_t len = strlen(r->data);

			m->b[m->n++] = (uint8_t)len;
			memcpy(m->b + m->n, r->data, len);
			m->n += len;
		} else {
			dnsmsg_put_name(m, r->data);
		}
		m->b[rdlen_at] = (uint8_t)((m->n - rdlen_at - 2) >> 8);
		m->b[rdlen_at + 1] = (uint8_t)(m->n - rdlen_at - 2);
	}
	return m->n;
}

#endif /* MXS_TEST_DNSMSG_H */
