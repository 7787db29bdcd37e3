/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * parsing.bpf.h - bounds-checked header parsing for the XDP program.
 *
 * parse_packet() walks Ethernet (up to two VLAN tags), IPv4 or IPv6 (with
 * up to MXS_MAX_IPV6_EXT_HDRS extension headers) and TCP, checking every
 * header against the end of the packet before reading it and every length
 * field against the others.  It never fails: it classifies the packet
 * (enum parse_result) and fills struct parsed with what it found, and the
 * program turns the class into a verdict.
 *
 * Lengths come from the IP header, not from the end of the frame, so that
 * Ethernet padding is never taken for TCP payload.
 */
#ifndef MXS_PARSING_BPF_H
#define MXS_PARSING_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "mxscreen.h"

/* A third tag means something we do not screen (treated as not IP). */
#define MXS_MAX_VLAN_TAGS 2

/* IPv4 frag_off: offset bits (the flags are the top three). */
#define MXS_IP4_OFFSET_MASK 0x1fff
/* IPv6 fragment header frag_off: offset bits (low three are flags). */
#define MXS_IP6_OFFSET_MASK 0xfff8

/* An 802.1Q / 802.1ad tag as it sits after the MAC addresses. */
struct mxs_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/* The IPv6 fragment header (the uapi headers do not have it). */
struct mxs_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};

enum parse_result {
	PARSE_TCP,	 /* TCP header present, sane and inside the datagram */
	PARSE_NOT_IP,	 /* not IPv4/IPv6, 3+ VLAN tags, or truncated L2 */
	PARSE_NOT_TCP,	 /* a whole IP header, not carrying TCP */
	PARSE_NO_SOURCE, /* IP header truncated: source address unknown */
	PARSE_UNPARSED,	 /* source known, but nothing past the IP header can
			  * be trusted: non-first fragment, bad or truncated
			  * lengths, too many IPv6 extension headers */
};

/*
 * What parse_packet() found.  Packet pointers are only valid (and only
 * set) as far as the parse got: ip4 or ip6 from PARSE_NOT_TCP on (and for
 * PARSE_UNPARSED), tcp only for PARSE_TCP.  Branch on `family`, never on
 * a pointer being NULL: the verifier cannot tell a packet pointer from
 * NULL, so it would walk the IPv6 code with the IPv4 pointer set.
 */
struct parsed {
	struct ethhdr *eth;
	__u32 family;	   /* MXS_FAMILY_V4 / MXS_FAMILY_V6, once IP is known */
	struct iphdr *ip4; /* IPv4 header, or NULL */
	struct ipv6hdr *ip6; /* IPv6 header, or NULL */
	struct tcphdr *tcp;
	__u32 l3_off;	/* bytes from the start of the frame to the IP header */
	__u32 l3_hlen;	/* IPv4: ihl * 4; IPv6: 40 + extension headers */
	__u32 l4_len;	/* TCP header + payload, from the IP length fields */
	__u32 tcp_hlen; /* doff * 4 */
};

static __always_inline int is_vlan_proto(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) ||
	       proto == bpf_htons(ETH_P_8021AD);
}

/*
 * Ethernet plus up to MXS_MAX_VLAN_TAGS tags.  Returns the inner
 * EtherType (network byte order, a VLAN type if there were too many
 * tags) and advances *pos past the tags, or -1 if the frame ends first.
 * p->l3_off is counted here rather than by subtracting packet pointers,
 * which the verifier allows only to privileged (pointer-leaking) loaders.
 */
static __always_inline int parse_eth(void **pos, void *end, struct parsed *p)
{
	struct ethhdr *eth = *pos;
	struct mxs_vlan_hdr *vh;
	__be16 proto;
	int i;

	if ((void *)(eth + 1) > end)
		return -1;
	p->eth = eth;
	proto = eth->h_proto;
	vh = (void *)(eth + 1);

#pragma unroll
	for (i = 0; i < MXS_MAX_VLAN_TAGS; i++) {
		if (!is_vlan_proto(proto))
			break;
		if ((void *)(vh + 1) > end)
			return -1;
		proto = vh->encap_proto;
		vh++;
	}
	*pos = vh;
	p->l3_off = sizeof(*eth) + i * sizeof(*vh);
	return proto;
}

/*
 * IPv4.  The fixed 20 bytes give the source address; everything after
 * that (ihl, total length, fragment offset) must be consistent with each
 * other and with the packet, or the packet is PARSE_UNPARSED.  A first
 * fragment (offset 0, MF set) carries the TCP header and parses normally.
 */
static __always_inline int parse_ip4(void **pos, void *end, struct parsed *p)
{
	struct iphdr *iph = *pos;
	__u32 hlen, tot_len;

	if ((void *)(iph + 1) > end)
		return PARSE_NO_SOURCE;
	p->ip4 = iph;
	p->family = MXS_FAMILY_V4;

	if (iph->version != 4)
		return PARSE_UNPARSED;
	hlen = iph->ihl * 4;
	if (hlen < sizeof(*iph))
		return PARSE_UNPARSED;
	if (*pos + hlen > end)
		return PARSE_UNPARSED;
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < hlen)
		return PARSE_UNPARSED;
	if (*pos + tot_len > end)
		return PARSE_UNPARSED;
	if (iph->frag_off & bpf_htons(MXS_IP4_OFFSET_MASK))
		return PARSE_UNPARSED;
	if (iph->protocol != IPPROTO_TCP)
		return PARSE_NOT_TCP;

	p->l3_hlen = hlen;
	p->l4_len = tot_len - hlen;
	*pos += hlen;
	return PARSE_TCP;
}

static __always_inline int is_ipv6_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS || nexthdr == IPPROTO_FRAGMENT;
}

/*
 * IPv6.  The fixed 40 bytes give the source address.  Walks at most
 * MXS_MAX_IPV6_EXT_HDRS extension headers (hop-by-hop, routing,
 * destination options, fragment); a longer chain, a chain that leaves the
 * packet or the payload length, or a non-first fragment is PARSE_UNPARSED.
 * Any other next header (ESP, AH, no next header, ...) is not TCP.
 */
static __always_inline int parse_ip6(void **pos, void *end, struct parsed *p)
{
	struct ipv6hdr *ip6 = *pos;
	__u32 plen, ext_len = 0;
	__u8 nexthdr;
	void *cur;
	int i;

	if ((void *)(ip6 + 1) > end)
		return PARSE_NO_SOURCE;
	p->ip6 = ip6;
	p->family = MXS_FAMILY_V6;

	if (ip6->version != 6)
		return PARSE_UNPARSED;
	plen = bpf_ntohs(ip6->payload_len);
	cur = ip6 + 1;
	if (cur + plen > end)
		return PARSE_UNPARSED;
	nexthdr = ip6->nexthdr;

#pragma unroll
	for (i = 0; i < MXS_MAX_IPV6_EXT_HDRS; i++) {
		if (nexthdr == IPPROTO_FRAGMENT) {
			struct mxs_frag_hdr *fh = cur;

			if ((void *)(fh + 1) > end)
				return PARSE_UNPARSED;
			/* Later fragments carry no TCP header to screen. */
			if (fh->frag_off & bpf_htons(MXS_IP6_OFFSET_MASK))
				return PARSE_UNPARSED;
			nexthdr = fh->nexthdr;
			cur = fh + 1;
			ext_len += sizeof(*fh);
		} else if (is_ipv6_ext(nexthdr)) {
			struct ipv6_opt_hdr *oh = cur;
			__u32 len;

			if ((void *)(oh + 1) > end)
				return PARSE_UNPARSED;
			len = (oh->hdrlen + 1) * 8;
			if (cur + len > end)
				return PARSE_UNPARSED;
			nexthdr = oh->nexthdr;
			cur += len;
			ext_len += len;
		} else {
			break;
		}
	}
	if (is_ipv6_ext(nexthdr))
		return PARSE_UNPARSED; /* too many extension headers */
	if (ext_len > plen)
		return PARSE_UNPARSED;
	if (nexthdr != IPPROTO_TCP)
		return PARSE_NOT_TCP;

	p->l3_hlen = sizeof(*ip6) + ext_len;
	p->l4_len = plen - ext_len;
	*pos = cur;
	return PARSE_TCP;
}

/* TCP: doff >= 5, and the header inside both the datagram and the packet. */
static __always_inline int parse_tcp(void *pos, void *end, struct parsed *p)
{
	struct tcphdr *tcp = pos;
	__u32 hlen;

	if ((void *)(tcp + 1) > end)
		return PARSE_UNPARSED;
	hlen = tcp->doff * 4;
	if (hlen < sizeof(*tcp) || hlen > p->l4_len)
		return PARSE_UNPARSED;
	if (pos + hlen > end)
		return PARSE_UNPARSED;
	p->tcp = tcp;
	p->tcp_hlen = hlen;
	return PARSE_TCP;
}

/* Classifies the frame [data, end) and fills *p; see enum parse_result. */
static __always_inline int parse_packet(void *data, void *end, struct parsed *p)
{
	void *pos = data;
	int proto, res;

	proto = parse_eth(&pos, end, p);
	if (proto < 0)
		return PARSE_NOT_IP;

	if (proto == bpf_htons(ETH_P_IP))
		res = parse_ip4(&pos, end, p);
	else if (proto == bpf_htons(ETH_P_IPV6))
		res = parse_ip6(&pos, end, p);
	else
		return PARSE_NOT_IP;
	if (res != PARSE_TCP)
		return res;
	return parse_tcp(pos, end, p);
}

#endif /* MXS_PARSING_BPF_H */
