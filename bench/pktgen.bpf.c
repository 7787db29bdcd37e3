// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pktgen.bpf.c - the packet source of `make bench-pps`.  bench/pktgen.c
 * runs it with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: the kernel
 * hands it a copy of one template frame (a TCP SYN to port 25, built by
 * tests/bpf/packets.c with source 0.0.0.0), it writes the next source
 * address into the frame, fixes both checksums and redirects the frame into
 * a veth, whose peer then receives it as an XDP frame, as from a NIC.
 *
 * Live frames live in a page pool and are NOT reset to the template between
 * runs, so every field the program changes is written in full each time and
 * the checksums are computed from the template's (held in rodata), never
 * from what the frame holds.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>

/* Set by bench/pktgen.c before load. */
const volatile __u32 pktgen_ifindex;	/* veth to redirect into */
const volatile __u32 pktgen_nr_src;	/* entries used in pktgen_srcs */
const volatile __u16 pktgen_ip_check;	/* template IPv4 header checksum */
const volatile __u16 pktgen_tcp_check;	/* template TCP checksum */

/* Next index into pktgen_srcs.  One generator thread runs the program, so
 * a plain increment is enough; with several it would only repeat sources. */
__u64 pktgen_seq;

/* Source addresses (network byte order) in sending order, written once by
 * bench/pktgen.c before the run. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << 17);
	__type(key, __u32);
	__type(value, __u32);
} pktgen_srcs SEC(".maps");

/* Ones' complement: the template checksum with src (0.0.0.0 in the
 * template) replaced by addr. */
static __always_inline __u16 csum_with_src(__u16 check, __u32 addr)
{
	__u32 sum = (__u16)~check;

	sum += addr & 0xffff;
	sum += addr >> 16;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

SEC("xdp")
int pktgen_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u32 idx, *addr;

	if ((void *)(tcp + 1) > data_end)
		return XDP_ABORTED;
	idx = (__u32)(pktgen_seq++ % pktgen_nr_src);
	addr = bpf_map_lookup_elem(&pktgen_srcs, &idx);
	if (!addr)
		return XDP_ABORTED;
	ip->saddr = *addr;
	ip->check = csum_with_src(pktgen_ip_check, *addr);
	tcp->check = csum_with_src(pktgen_tcp_check, *addr);
	return bpf_redirect(pktgen_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
