/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * packets.h - hand-built test frames for the XDP program tests.
 *
 * pkt_build() turns a struct pkt_spec (zero fields mean sensible defaults)
 * into an Ethernet frame with correct IPv4 header and TCP checksums;
 * pkt_view() finds the headers of a frame again (for checking what the
 * program sent back), and the pkt_*_csum_ok() functions verify checksums.
 */
#ifndef MXS_TEST_PACKETS_H
#define MXS_TEST_PACKETS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#define PKT_MAX 2048

/* Default addresses: sources from TEST-NET-2 / 2001:db8::/32. */
#define PKT_SRC4 "198.51.100.7"
#define PKT_DST4 "192.0.2.25"
#define PKT_SRC6 "2001:db8:51::7"
#define PKT_DST6 "2001:db8:25::25"
#define PKT_SPORT 40000
#define PKT_SEQ 0x11223344u

/* TCP flag bits (the byte at offset 13 of the TCP header). */
#define TF_FIN 0x01
#define TF_SYN 0x02
#define TF_RST 0x04
#define TF_PSH 0x08
#define TF_ACK 0x10

enum pkt_frag {
	PKT_FRAG_NONE = 0,
	PKT_FRAG_FIRST, /* offset 0, more fragments: carries the TCP header */
	PKT_FRAG_LATER, /* offset != 0: carries only data */
};

/* IPv6 extension header types, as in the next-header field. */
#define EXT_HOP 0
#define EXT_ROUTING 43
#define EXT_FRAG 44
#define EXT_DEST 60

struct pkt_spec {
	int family;	       /* 4 (default) or 6 */
	__u16 ethertype;       /* nonzero: a non-IP frame of that type */
	int n_vlans;	       /* VLAN tags, 0..3 */
	__u16 vlan_tpid[3];    /* per tag, 0 = 0x8100 */
	const char *src, *dst; /* NULL = PKT_SRC4/PKT_DST4 (or the v6 ones) */
	__u8 ip_proto;	       /* 0 = TCP; anything else gets raw payload */
	int ip4_opt_len;       /* bytes of IPv4 options, multiple of 4, <= 40 */
	int n_ext;	       /* IPv6 extension headers, in order */
	__u8 ext[8];	       /* EXT_* types */
	enum pkt_frag frag;    /* IPv4: flags/offset; IPv6: the EXT_FRAG header
				* (added first if absent from ext) */
	__u16 sport, dport;    /* 0 sport = PKT_SPORT */
	__u8 tcp_flags;	       /* TF_* */
	__u32 seq, ack;	       /* 0 seq = PKT_SEQ */
	int tcp_opt_len;       /* bytes of TCP options, multiple of 4 */
	int payload_len;       /* TCP (or raw) payload bytes */

	/* Malformations; 0 = leave the correct value. */
	int ip4_ihl;	     /* IPv4 ihl field (words) */
	int ip4_tot_len;     /* IPv4 total length */
	int ip6_payload_len; /* IPv6 payload length */
	int tcp_doff;	     /* TCP data offset (words) */
};

/* Where the headers of a frame are (offsets from the frame start). */
struct pkt_view {
	int family; /* 4, 6, or 0 if not IP */
	int n_vlans;
	size_t l3_off; /* IP header */
	size_t l4_off; /* TCP header (after any IPv6 extension headers) */
	size_t l4_len; /* TCP header + payload, from the IP length fields */
};

/* Builds the frame into buf; returns its length, or 0 if it does not fit
 * or the spec is invalid. */
size_t pkt_build(const struct pkt_spec *s, __u8 *buf, size_t cap);

/* Finds the headers of an IPv4/IPv6 TCP frame; 0, or -1 if not one. */
int pkt_view(const __u8 *buf, size_t len, struct pkt_view *v);

/* Ones' complement sum of buf added to seed, folded and inverted: the
 * value to store in a checksum field (or 0 when verifying one). */
__u16 pkt_csum(const void *buf, size_t len, __u32 seed);

/* Whether the IPv4 header checksum / TCP checksum (with the pseudo
 * header) of the frame described by v is correct. */
int pkt_ip4_csum_ok(const __u8 *buf, const struct pkt_view *v);
int pkt_tcp_csum_ok(const __u8 *buf, const struct pkt_view *v);

#endif /* MXS_TEST_PACKETS_H */
