/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sockclose.bpf.c - end the TCP connections of newly banned sources: a
 * TCP socket iterator (iter/tcp) that calls bpf_sock_destroy() on every
 * socket whose remote address is a target in "close_targets" and whose
 * local port is screened for one of the target's classes.
 *
 * An object of its own, apart from the screener: bpf_sock_destroy() came
 * with kernel 6.5, and on an older kernel (Debian 12's 6.1) this object
 * fails to load while the screener must not.  Userspace then walks the
 * sockets itself through sock_diag (userspace/lib/sockdiag.c).
 *
 * The walk covers the network namespace of the process that reads the
 * iterator (the kernel's iterator compares each socket's namespace with
 * it), so a daemon running in the screened namespace ends connections
 * there only.  Listening sockets, TIME_WAIT and request (NEW_SYN_RECV)
 * sockets are skipped: there is no connection in them to end.
 *
 * The kernel types are declared here with only the fields read, and
 * relocated at load (CO-RE) against the running kernel's BTF: no
 * vmlinux.h to generate, and nothing here is newer than the iterator.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "mxscreen.h"
#include "ports.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The kernel's AF_* and TCP state values (no socket headers here). */
#define MXS_AF_INET 2
#define MXS_AF_INET6 10
#define MXS_TCP_TIME_WAIT 6
#define MXS_TCP_LISTEN 10
#define MXS_TCP_NEW_SYN_RECV 12

struct in6_addr {
	union {
		__u8 u6_addr8[16];
		__u32 u6_addr32[4];
	} in6_u;
} __attribute__((preserve_access_index));

struct sock_common {
	__u32 skc_daddr; /* remote IPv4 address, network byte order */
	__u16 skc_num;	 /* local port, host byte order */
	unsigned short skc_family;
	volatile unsigned char skc_state;
	struct in6_addr skc_v6_daddr;
} __attribute__((preserve_access_index));

struct bpf_iter_meta;

struct bpf_iter__tcp {
	struct bpf_iter_meta *meta;
	struct sock_common *sk_common;
	__u32 uid;
} __attribute__((preserve_access_index));

extern int bpf_sock_destroy(struct sock_common *sk) __ksym;

/*
 * "close_targets": remote prefixes whose connections end, with the
 * classes they end in.  Written by the process that walks (one batch of
 * new block entries, and the allowed sources inside them with classes
 * 0), read here, emptied after the walk; not pinned.  The iterator adds
 * to closed/failed; userspace reads them back for its log lines.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MXS_CLOSE_TARGETS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_close_key);
	__type(value, struct mxs_close_target);
} close_targets SEC(".maps");

SEC("iter/tcp")
int mxs_close_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *sk = ctx->sk_common;
	struct mxs_close_key key = {.prefixlen = 128};
	struct mxs_close_target *target;
	mxs_port_class_t *class_bit;
	__u32 port;
	__u8 state;

	if (!sk)
		return 0;
	state = sk->skc_state;
	if (state == MXS_TCP_LISTEN || state == MXS_TCP_TIME_WAIT ||
	    state == MXS_TCP_NEW_SYN_RECV)
		return 0;
	port = sk->skc_num;
	class_bit = bpf_map_lookup_elem(&ports, &port);
	if (!class_bit || !*class_bit)
		return 0;
	if (sk->skc_family == MXS_AF_INET) {
		__u32 *a = (__u32 *)key.addr;

		a[2] = bpf_htonl(0xffff);
		a[3] = sk->skc_daddr;
	} else if (sk->skc_family == MXS_AF_INET6) {
		__u32 *a = (__u32 *)key.addr;

		a[0] = sk->skc_v6_daddr.in6_u.u6_addr32[0];
		a[1] = sk->skc_v6_daddr.in6_u.u6_addr32[1];
		a[2] = sk->skc_v6_daddr.in6_u.u6_addr32[2];
		a[3] = sk->skc_v6_daddr.in6_u.u6_addr32[3];
	} else {
		return 0;
	}
	target = bpf_map_lookup_elem(&close_targets, &key);
	if (!target || !(target->classes & *class_bit))
		return 0;
	if (bpf_sock_destroy(sk) == 0)
		__sync_fetch_and_add(&target->closed, 1);
	else
		__sync_fetch_and_add(&target->failed, 1);
	return 0;
}
