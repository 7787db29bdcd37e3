/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * reset.bpf.h - turn a refused SYN into the TCP RST that answers it, in
 * place, for XDP_TX.
 *
 * The answer follows RFC 9293 for a segment without ACK arriving at a
 * closed port: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, where SEG.LEN
 * counts the payload plus one for SYN (and one for FIN if the sender set
 * it).  MACs, addresses and ports are swapped; VLAN tags stay where they
 * are, so the answer leaves on the VLAN the SYN came in on.  The frame is
 * cut to Ethernet (+ tags) + bare IP header + 20-byte TCP header.
 *
 * Only an unfragmented bare IPv4 header (ihl 5) or an IPv6 header without
 * extension headers is rewritten: the caller must check (mxs_can_reset)
 * and drop the rest, since answering through options or a routing header
 * would mean reversing them, which is not worth the code for a refused
 * SYN.
 */
#ifndef MXS_RESET_BPF_H
#define MXS_RESET_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "parsing.bpf.h"

#define MXS_RST_TTL 64
#define MXS_IP4_DF 0x4000
#define MXS_IP4_MF 0x2000
/* doff 5 in the top nibble, flags RST (0x04) | ACK (0x10) in the low byte. */
#define MXS_TCP_DOFF5_RST_ACK 0x5014

/* Ones' complement sum of n 16-bit words (n is a compile-time constant). */
static __always_inline __u32 csum_words(const void *buf, int n, __u32 sum)
{
	const __u16 *w = buf;
	int i;

#pragma unroll
	for (i = 0; i < n; i++)
		sum += w[i];
	return sum;
}

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * Whether the SYN has the shape mxs_build_rst() rewrites (see above).  A
 * first fragment is not answered either: its payload length is not the
 * segment's, and IPv6 would need a fragment header removed.
 */
static __always_inline int mxs_can_reset(const struct parsed *p)
{
	if (p->family == MXS_FAMILY_V4)
		return p->l3_hlen == sizeof(struct iphdr) &&
		       !(p->ip4->frag_off & bpf_htons(MXS_IP4_MF));
	return p->l3_hlen == sizeof(struct ipv6hdr);
}

/*
 * Rewrites the parsed SYN *p into its RST and trims the frame.  Returns 0,
 * or -1 if the trim failed (the frame is then half rewritten: drop it).
 * Every packet pointer is invalid afterwards.
 */
static __always_inline int mxs_build_rst(struct xdp_md *ctx,
					 const struct parsed *p)
{
	struct ethhdr *eth = p->eth;
	struct tcphdr *tcp = p->tcp;
	__u8 mac[ETH_ALEN];
	__u32 seg_len, sum, new_len, cur_len, l3_hlen;
	__be32 ack;
	__be16 port;

	/* payload + SYN (+ FIN): the caller only resets SYNs */
	seg_len = p->l4_len - p->tcp_hlen + 1 + tcp->fin;
	ack = bpf_htonl(bpf_ntohl(tcp->seq) + seg_len);

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);

	/* The pseudo-header's length and protocol words, then addresses. */
	sum = bpf_htons(sizeof(*tcp)) + bpf_htons(IPPROTO_TCP);
	if (p->family == MXS_FAMILY_V4) {
		struct iphdr *iph = p->ip4;
		__be32 addr = iph->saddr;

		iph->saddr = iph->daddr;
		iph->daddr = addr;
		iph->tos = 0;
		iph->tot_len = bpf_htons(sizeof(*iph) + sizeof(*tcp));
		iph->id = 0;
		iph->frag_off = bpf_htons(MXS_IP4_DF);
		iph->ttl = MXS_RST_TTL;
		iph->check = 0;
		iph->check = csum_fold(csum_words(iph, sizeof(*iph) / 2, 0));
		sum = csum_words(&iph->saddr, 4, sum);
		l3_hlen = sizeof(*iph);
	} else {
		struct ipv6hdr *ip6 = p->ip6;
		struct in6_addr addr = ip6->saddr;

		ip6->saddr = ip6->daddr;
		ip6->daddr = addr;
		/* version 6, traffic class and flow label 0 */
		*(__be32 *)ip6 = bpf_htonl(0x60000000);
		ip6->payload_len = bpf_htons(sizeof(*tcp));
		ip6->hop_limit = MXS_RST_TTL;
		sum = csum_words(&ip6->saddr, 16, sum);
		l3_hlen = sizeof(*ip6);
	}

	port = tcp->source;
	tcp->source = tcp->dest;
	tcp->dest = port;
	tcp->seq = 0;
	tcp->ack_seq = ack;
	((__be16 *)tcp)[6] = bpf_htons(MXS_TCP_DOFF5_RST_ACK);
	tcp->window = 0;
	tcp->check = 0;
	tcp->urg_ptr = 0;
	tcp->check = csum_fold(csum_words(tcp, sizeof(*tcp) / 2, sum));

	/* Drop options, payload and Ethernet padding. */
	new_len = p->l3_off + l3_hlen + sizeof(*tcp);
	cur_len = bpf_xdp_get_buff_len(ctx);
	if (cur_len != new_len &&
	    bpf_xdp_adjust_tail(ctx, (int)new_len - (int)cur_len))
		return -1;
	return 0;
}

#endif /* MXS_RESET_BPF_H */
