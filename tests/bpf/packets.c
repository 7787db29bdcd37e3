/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * packets.c - build and inspect test frames (see packets.h).
 *
 * Byte-level on purpose: the frames are written field by field in network
 * byte order so that a malformed length or flag is as easy to ask for as
 * a correct one, and nothing depends on the host's struct layouts.
 */
#include <arpa/inet.h>
#include <string.h>

#include "packets.h"

static const __u8 mac_dst[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x25};
static const __u8 mac_src[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x07};

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Unfolded ones' complement sum of big-endian 16-bit words. */
static __u32 sum16(const __u8 *b, size_t len, __u32 sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (__u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (__u32)b[len - 1] << 8;
	return sum;
}

__u16 pkt_csum(const void *buf, size_t len, __u32 seed)
{
	__u32 sum = sum16(buf, len, seed);

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Sum of the pseudo header for a TCP segment of l4_len bytes. */
static __u32 pseudo_sum(int family, const __u8 *src, const __u8 *dst,
			size_t l4_len)
{
	size_t alen = family == 4 ? 4 : 16;
	__u32 sum = 0;

	sum = sum16(src, alen, sum);
	sum = sum16(dst, alen, sum);
	sum += 6; /* IPPROTO_TCP */
	sum += (__u32)(l4_len >> 16) + (__u32)(l4_len & 0xffff);
	return sum;
}

/* The TCP segment (or raw payload) into l4; returns its length. */
static size_t build_l4(const struct pkt_spec *s, __u8 *l4)
{
	size_t hlen, i;
	__u8 *opt;

	if (s->ip_proto && s->ip_proto != 6) {
		for (i = 0; i < (size_t)s->payload_len; i++)
			l4[i] = 0xab;
		return s->payload_len;
	}
	hlen = 20 + s->tcp_opt_len;
	memset(l4, 0, hlen);
	put16(l4, s->sport ? s->sport : PKT_SPORT);
	put16(l4 + 2, s->dport);
	put32(l4 + 4, s->seq ? s->seq : PKT_SEQ);
	put32(l4 + 8, s->ack);
	l4[12] = (s->tcp_doff ? s->tcp_doff : (int)hlen / 4) << 4;
	l4[13] = s->tcp_flags;
	put16(l4 + 14, 64240);
	opt = l4 + 20;
	for (i = 0; i < (size_t)s->tcp_opt_len; i++)
		opt[i] = 1; /* NOP */
	if (s->tcp_opt_len >= 4) {
		opt[0] = 2; /* MSS 1460 */
		opt[1] = 4;
		put16(opt + 2, 1460);
	}
	for (i = 0; i < (size_t)s->payload_len; i++)
		l4[hlen + i] = 'a' + i % 26;
	return hlen + s->payload_len;
}

static int is_tcp(const struct pkt_spec *s)
{
	return !s->ip_proto || s->ip_proto == 6;
}

static size_t build_ip4(const struct pkt_spec *s, __u8 *ip, size_t cap)
{
	size_t hlen = 20 + s->ip4_opt_len, l4_len, i;
	__u16 frag = 0x4000; /* DF */
	__u8 *l4 = ip + hlen;

	if (s->ip4_opt_len % 4 || s->ip4_opt_len > 40 || cap < hlen + 1500)
		return 0;
	memset(ip, 0, hlen);
	ip[0] = 0x40 | (s->ip4_ihl ? s->ip4_ihl : (int)hlen / 4);
	put16(ip + 4, 0x1234);
	if (s->frag == PKT_FRAG_FIRST)
		frag = 0x2000; /* MF, offset 0 */
	else if (s->frag == PKT_FRAG_LATER)
		frag = 185; /* offset 1480 bytes, last fragment */
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = s->ip_proto ? s->ip_proto : 6;
	if (inet_pton(AF_INET, s->src ? s->src : PKT_SRC4, ip + 12) != 1 ||
	    inet_pton(AF_INET, s->dst ? s->dst : PKT_DST4, ip + 16) != 1)
		return 0;
	for (i = 20; i < hlen; i++)
		ip[i] = 1; /* NOP options */

	l4_len = build_l4(s, l4);
	if (is_tcp(s))
		put16(l4 + 16,
		      pkt_csum(l4, l4_len,
			       pseudo_sum(4, ip + 12, ip + 16, l4_len)));
	put16(ip + 2, s->ip4_tot_len ? s->ip4_tot_len : (int)(hlen + l4_len));
	put16(ip + 10, pkt_csum(ip, hlen, 0));
	return hlen + l4_len;
}

static size_t build_ip6(const struct pkt_spec *s, __u8 *ip, size_t cap)
{
	__u8 types[9], *nh = ip + 6, *p = ip + 40;
	size_t l4_len, ext_len;
	int n = 0, i, has_frag = 0;

	if (cap < 40 + 9 * 16 + 1500 || s->n_ext > 8)
		return 0;
	for (i = 0; i < s->n_ext; i++)
		has_frag |= s->ext[i] == EXT_FRAG;
	if (s->frag != PKT_FRAG_NONE && !has_frag)
		types[n++] = EXT_FRAG;
	for (i = 0; i < s->n_ext; i++)
		types[n++] = s->ext[i];

	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[7] = 64;
	if (inet_pton(AF_INET6, s->src ? s->src : PKT_SRC6, ip + 8) != 1 ||
	    inet_pton(AF_INET6, s->dst ? s->dst : PKT_DST6, ip + 24) != 1)
		return 0;

	for (i = 0; i < n; i++) {
		size_t len = types[i] == EXT_HOP ? 16 : 8;

		*nh = types[i];
		memset(p, 0, len);
		nh = p;
		if (types[i] == EXT_FRAG) {
			__u16 off = s->frag == PKT_FRAG_LATER ? 185 << 3 : 1;

			put16(p + 2, off); /* offset, M flag for the first */
			put32(p + 4, 0xcafe);
		} else if (types[i] == EXT_ROUTING) {
			p[2] = 253; /* experimental type, segments left 0 */
		} else {
			p[1] = len / 8 - 1;
			p[2] = 1; /* PadN filling the rest */
			p[3] = len - 4;
		}
		p += len;
	}
	*nh = s->ip_proto ? s->ip_proto : 6;
	ext_len = p - (ip + 40);

	l4_len = build_l4(s, p);
	if (is_tcp(s))
		put16(p + 16, pkt_csum(p, l4_len,
				       pseudo_sum(6, ip + 8, ip + 24, l4_len)));
	put16(ip + 4, s->ip6_payload_len ? s->ip6_payload_len
					 : (int)(ext_len + l4_len));
	return 40 + ext_len + l4_len;
}

size_t pkt_build(const struct pkt_spec *s, __u8 *buf, size_t cap)
{
	size_t off = 12, l3_len;
	int i;

	if (cap < 14 + 3 * 4 + 60 || s->n_vlans > 3)
		return 0;
	memcpy(buf, mac_dst, 6);
	memcpy(buf + 6, mac_src, 6);
	for (i = 0; i < s->n_vlans; i++) {
		put16(buf + off, s->vlan_tpid[i] ? s->vlan_tpid[i] : 0x8100);
		put16(buf + off + 2, 100 + i);
		off += 4;
	}
	if (s->ethertype) {
		put16(buf + off, s->ethertype);
		memset(buf + off + 2, 0xab, 46);
		return off + 2 + 46;
	}
	put16(buf + off, s->family == 6 ? 0x86dd : 0x0800);
	off += 2;
	if (s->family == 6)
		l3_len = build_ip6(s, buf + off, cap - off);
	else
		l3_len = build_ip4(s, buf + off, cap - off);
	return l3_len ? off + l3_len : 0;
}

int pkt_view(const __u8 *buf, size_t len, struct pkt_view *v)
{
	size_t off = 12;
	__u16 type;
	__u8 nh;

	memset(v, 0, sizeof(*v));
	if (len < 14)
		return -1;
	type = buf[off] << 8 | buf[off + 1];
	while ((type == 0x8100 || type == 0x88a8) && v->n_vlans < 3) {
		off += 4;
		if (off + 2 > len)
			return -1;
		type = buf[off] << 8 | buf[off + 1];
		v->n_vlans++;
	}
	v->l3_off = off + 2;
	if (type == 0x0800) {
		const __u8 *ip = buf + v->l3_off;

		if (v->l3_off + 20 > len || ip[9] != 6)
			return -1;
		v->family = 4;
		v->l4_off = v->l3_off + (ip[0] & 0xf) * 4;
		v->l4_len = (ip[2] << 8 | ip[3]) - (ip[0] & 0xf) * 4;
	} else if (type == 0x86dd) {
		size_t plen;

		if (v->l3_off + 40 > len)
			return -1;
		v->family = 6;
		nh = buf[v->l3_off + 6];
		plen = buf[v->l3_off + 4] << 8 | buf[v->l3_off + 5];
		off = v->l3_off + 40;
		while (nh == EXT_HOP || nh == EXT_ROUTING || nh == EXT_FRAG ||
		       nh == EXT_DEST) {
			size_t elen;

			if (off + 8 > len)
				return -1;
			elen = nh == EXT_FRAG ? 8 : (buf[off + 1] + 1) * 8;
			if (off + elen > len || elen > plen)
				return -1;
			nh = buf[off];
			off += elen;
			plen -= elen;
		}
		if (nh != 6)
			return -1;
		v->l4_off = off;
		v->l4_len = plen;
	} else {
		return -1;
	}
	if (v->l4_off + 20 > len || v->l4_off + v->l4_len > len)
		return -1;
	return 0;
}

int pkt_ip4_csum_ok(const __u8 *buf, const struct pkt_view *v)
{
	const __u8 *ip = buf + v->l3_off;

	return pkt_csum(ip, (ip[0] & 0xf) * 4, 0) == 0;
}

int pkt_tcp_csum_ok(const __u8 *buf, const struct pkt_view *v)
{
	const __u8 *ip = buf + v->l3_off;
	__u32 seed;

	if (v->family == 4)
		seed = pseudo_sum(4, ip + 12, ip + 16, v->l4_len);
	else
		seed = pseudo_sum(6, ip + 8, ip + 24, v->l4_len);
	return pkt_csum(buf + v->l4_off, v->l4_len, seed) == 0;
}
