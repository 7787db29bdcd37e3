// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_pass.bpf.c - passes everything.  The end-to-end tests attach it to the
 * client end of the veth pair: a veth delivers frames sent with XDP_TX
 * (mxscreen's RST) only when its peer runs an XDP program, which enables
 * the peer's NAPI.  A physical NIC needs nothing of the kind.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
