/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * handshake.bpf.h - the sockops program that tells mxscreend which sources
 * completed a TCP handshake to a screened port.
 *
 * Included at the end of mxscreen.bpf.c, so that the XDP program and this
 * one share one object, one skeleton and one definition of every map.  The
 * loader never loads it; the daemon loads it alone and attaches it to the
 * cgroup v2 root with a link it owns, so the hook disappears with the
 * daemon while the XDP screener carries on.
 *
 * Only BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB is looked at: an accepted
 * connection, never a bare SYN, so a spoofed source cannot make the daemon
 * query anything.  Every such callback increments `handshakes` and exactly
 * one outcome counter of struct mxs_hs_stats at the `out:` label.  The
 * program always returns 1: it observes and never interferes.
 *
 * When the port's class has a SYN rate limit, the source's SYNs are
 * counted from now on (hs_rate_track()).
 *
 * When config.conn_rate is on, every completed handshake to a screened
 * port is counted against its source's connection rate (bpf/rate.bpf.h,
 * "rate_conn") first.  Over the limit, the daemon is told of an offence
 * (MXS_EVENT_RATE) whatever "dnsbl_cache" holds, and that is all: the
 * DNSBL part is skipped for that handshake.
 */
#ifndef MXS_HANDSHAKE_BPF_H
#define MXS_HANDSHAKE_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "mxscreen.h"
#include "maps.bpf.h"
#include "rate.bpf.h"

/* The kernel's AF_* values, for skops->family (no socket headers here). */
#define MXS_AF_INET 2
#define MXS_AF_INET6 10

/*
 * Network namespace cookie (SO_NETNS_COOKIE) of the namespace the daemon
 * watches, set by the daemon before loading; 0 watches every namespace.
 * The hook on the cgroup root sees accepted connections of all
 * namespaces, and those of others (containers, test namespaces) must not
 * turn into lookups of addresses that mean nothing here.
 */
const volatile __u64 hs_netns_cookie = 0;

/* Index of a struct mxs_hs_stats field when the struct is seen as __u64[]. */
#define HS_STAT(field)                                                         \
	((__u32)(__builtin_offsetof(struct mxs_hs_stats, field) /              \
		 sizeof(__u64)))
#define HS_NR_STATS ((__u32)(sizeof(struct mxs_hs_stats) / sizeof(__u64)))

/*
 * The remote address of the connection as a cache key.  An IPv4-mapped
 * IPv6 address (::ffff:a.b.c.d: an IPv4 peer of a dual-stack listener) is
 * stored as the IPv4 address it is, so that both listeners share one
 * cache entry and one DNSBL lookup.  Returns 0, or -1 for a family that is
 * neither (not expected from a TCP socket).
 */
static __always_inline int hs_source(const struct bpf_sock_ops *skops,
				     struct mxs_source *src)
{
	__u32 w0, w1, w2, w3;

	if (skops->family == MXS_AF_INET) {
		__u32 a = skops->remote_ip4;

		src->family = MXS_FAMILY_V4;
		__builtin_memcpy(src->addr, &a, sizeof(a));
		return 0;
	}
	if (skops->family != MXS_AF_INET6)
		return -1;
	w0 = skops->remote_ip6[0];
	w1 = skops->remote_ip6[1];
	w2 = skops->remote_ip6[2];
	w3 = skops->remote_ip6[3];
	if (w0 == 0 && w1 == 0 && w2 == bpf_htonl(0x0000ffff)) {
		src->family = MXS_FAMILY_V4;
		__builtin_memcpy(src->addr, &w3, sizeof(w3));
		return 0;
	}
	src->family = MXS_FAMILY_V6;
	__builtin_memcpy(src->addr, &w0, 4);
	__builtin_memcpy(src->addr + 4, &w1, 4);
	__builtin_memcpy(src->addr + 8, &w2, 4);
	__builtin_memcpy(src->addr + 12, &w3, 4);
	return 0;
}

/* The rate key of src in class_ (IPv6: its rate_prefix_v6 prefix). */
static __always_inline void hs_rate_key(const struct mxs_source *src,
					__u32 class_,
					const struct mxs_config *cfg,
					struct mxs_rate_key *rkey)
{
	if (src->family == MXS_FAMILY_V4) {
		__u32 a;

		__builtin_memcpy(&a, src->addr, sizeof(a));
		rate_key_v4(rkey, a, class_);
	} else {
		rate_key_v6(rkey, src->addr, rate_prefix_v6(cfg), class_);
	}
}

/*
 * Whether this connection of src in class_ is over the connection rate
 * (counting it when it is not).  0 when the limit is off.
 */
static __always_inline int hs_rate_over(const struct mxs_source *src,
					__u32 class_, __u64 now)
{
	const struct mxs_config *cfg;
	struct mxs_rate_key rkey;
	__u32 key = 0;

	cfg = bpf_map_lookup_elem(&config, &key);
	if (!cfg || !cfg->conn_rate.emission_ns)
		return 0;
	hs_rate_key(src, class_, cfg, &rkey);
	return rate_over(&rate_conn, &rkey, &cfg->conn_rate, now);
}

/*
 * Start counting the SYNs of a source that completed a handshake, when
 * its class has a SYN rate limit (see "rate_syn" in mxscreen.h): flag its
 * directory slot first, so that the XDP program looks the entry up as
 * soon as it exists, then create the entry with this connection's SYN
 * counted.  An entry that exists already is left alone.
 */
static __always_inline void hs_rate_track(const struct mxs_source *src,
					  __u32 class_, __u64 now)
{
	const struct mxs_config *cfg;
	struct mxs_rate_key rkey;
	__u32 key = 0, slot, cell;
	__u64 *c, tat;

	cfg = bpf_map_lookup_elem(&config, &key);
	if (!cfg || class_ >= MXS_NR_CLASSES ||
	    !cfg->syn_rate[class_].emission_ns)
		return;
	hs_rate_key(src, class_, cfg, &rkey);
	slot = src->family == MXS_FAMILY_V4 ? mxs_dir4_slot(src->addr)
					    : mxs_dir6_slot(src->addr);
	/* the summary bit before the slot it announces */
	cell = slot / MXS_DIR_ANY_BITS;
	c = bpf_map_lookup_elem(src->family == MXS_FAMILY_V4
					? (void *)&dir4_any
					: (void *)&dir6_any,
				&cell);
	if (!c)
		return;
	if (!((*(volatile __u64 *)c >> (slot % MXS_DIR_ANY_BITS)) & 1))
		__sync_fetch_and_or(c, 1ull << (slot % MXS_DIR_ANY_BITS));
	cell = slot / MXS_DIR_SLOTS_PER_CELL;
	c = bpf_map_lookup_elem(src->family == MXS_FAMILY_V4 ? (void *)&dir4
							    : (void *)&dir6,
				&cell);
	if (!c)
		return;
	__sync_fetch_and_or(c, (__u64)MXS_SLOT_RATE << mxs_dir_shift(slot));
	tat = now + cfg->syn_rate[class_].emission_ns;
	bpf_map_update_elem(&rate_syn, &rkey, &tat, BPF_NOEXIST);
}

SEC("sockops")
int mxscreen_hs(struct bpf_sock_ops *skops)
{
	struct mxs_source src = {};
	struct mxs_dnsbl_result *cached;
	struct mxs_event *ev;
	mxs_port_class_t *class;
	__u32 port, outcome, class_, key = 0;
	__u8 kind = MXS_EVENT_NEW_SOURCE;
	__u64 now, *s;

	if (skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;

	if (hs_netns_cookie && bpf_get_netns_cookie(skops) != hs_netns_cookie) {
		outcome = HS_STAT(other_netns);
		goto out;
	}
	port = skops->local_port; /* host byte order */
	class = bpf_map_lookup_elem(&ports, &port);
	if (!class || !*class) {
		outcome = HS_STAT(not_screened);
		goto out;
	}
	if (hs_source(skops, &src)) {
		/* Not IP: nothing to look up.  Cannot happen for TCP. */
		outcome = HS_STAT(not_screened);
		goto out;
	}

	class_ = mxs_port_class(*class);
	now = bpf_ktime_get_boot_ns();
	hs_rate_track(&src, class_, now);
	if (hs_rate_over(&src, class_, now)) {
		/* An offence, reported whatever the DNSBL cache says. */
		kind = MXS_EVENT_RATE;
	} else {
		cached = bpf_map_lookup_elem(&dnsbl_cache, &src);
		if (cached && cached->expires_ns > now) {
			outcome = HS_STAT(cached);
			goto out;
		}
	}

	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		outcome = kind == MXS_EVENT_RATE ? HS_STAT(offences_lost)
						 : HS_STAT(lost);
		goto out;
	}
	ev->time_ns = now;
	ev->src = src;
	ev->local_port = (__u16)port;
	ev->class_ = (__u8)class_;
	ev->kind = kind;
	bpf_ringbuf_submit(ev, 0);
	outcome = kind == MXS_EVENT_RATE ? HS_STAT(offences) : HS_STAT(queued);
out:
	/*
	 * Atomic adds although the counters are per CPU: this program may run
	 * in process context (socket backlog) and be interrupted by a softirq
	 * running it again on the same CPU.  Counting last means that once an
	 * outcome is visible, its event is already in the ring.
	 */
	s = bpf_map_lookup_elem(&hs_stats, &key);
	if (s) {
		__sync_fetch_and_add(&s[HS_STAT(handshakes)], 1);
		if (outcome < HS_NR_STATS)
			__sync_fetch_and_add(&s[outcome], 1);
	}
	return 1;
}

#endif /* MXS_HANDSHAKE_BPF_H */
