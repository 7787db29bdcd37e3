// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * trivial.bpf.c - the floor for bench_xdp: an XDP program that passes every
 * packet without looking at it.  Built with the same clang flags as the real
 * program, so the two differ only in what mxscreen_xdp does per packet.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bench_trivial(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
