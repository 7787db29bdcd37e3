/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * rate.bpf.h - per-source rate limits, shared by the XDP program (SYNs,
 * "rate_syn") and the handshake program (completed connections,
 * "rate_conn").
 *
 * A source is counted by struct mxs_rate_key: an IPv4 address, or the
 * rate_prefix_v6 prefix of an IPv6 address (one host gets a /64 and more,
 * so counting /128s would let it rotate addresses), per port class.
 *
 * The limit is GCRA (see struct mxs_rate): the map holds one u64 per
 * source, its "theoretical arrival time" (TAT, CLOCK_BOOTTIME ns).  An
 * event at `now` starts from tat = max(stored TAT, now); it is over the
 * limit when tat - now > tau, and the TAT is then left alone (refused
 * events cost nothing, so a source that keeps trying is back under the
 * limit as soon as its rate drops).  Otherwise the TAT becomes
 * tat + emission.
 *
 * Why one shared value per source, updated with compare-and-swap, rather
 * than per-CPU state without atomics: one source's SYNs reach every CPU,
 * since RSS hashes on the source port, which changes with each connection.
 * Per-CPU buckets would each allow the whole burst, multiplying the limit
 * by the number of CPUs.  The CAS is on one cache line per source, and
 * only sources that actually send compete for it.
 *
 * Fail-open cases, all lenient rather than harsher: a CAS that loses
 * RATE_CAS_TRIES times in a row (another CPU kept moving the same
 * source's TAT), a new source the map cannot take, a source the LRU
 * evicted (it starts with a full burst), and a TAT more than tau +
 * emission ahead: the current limit never leaves one there, so it was
 * left by an earlier limit with a longer period (or written by hand), and
 * the source starts afresh.  The only way to be refused is a TAT between
 * tau and tau + emission ahead.
 *
 * Integer arithmetic only, no overflow: userspace enforces burst <= 1e6
 * and period <= 1 day, so emission_ns and tau_ns are each at most one day
 * and a TAT is never written beyond now + one period (tau + emission).
 * Settings outside those bounds could wrap the sum, which gives a TAT in
 * the past: the source starts afresh.
 */
#ifndef MXS_RATE_BPF_H
#define MXS_RATE_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "mxscreen.h"

/* Compare-and-swap attempts before giving up and letting the event pass. */
#define RATE_CAS_TRIES 3

/* The IPv6 prefix length sources are counted by: config 0 is the default,
 * anything else is clamped to [MXS_MIN_RATE_PREFIX_V6, 128]. */
static __always_inline __u32 rate_prefix_v6(const struct mxs_config *cfg)
{
	__u32 len = cfg->rate_prefix_v6;

	if (!len)
		return MXS_DEFAULT_RATE_PREFIX_V6;
	if (len < MXS_MIN_RATE_PREFIX_V6)
		return MXS_MIN_RATE_PREFIX_V6;
	if (len > 128)
		return 128;
	return len;
}

/* Key of an IPv4 source (addr in network byte order) in class_. */
static __always_inline void rate_key_v4(struct mxs_rate_key *key, __u32 addr,
					__u32 class_)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->family = MXS_FAMILY_V4;
	key->class_ = (__u8)class_;
	key->prefixlen = 32;
	__builtin_memcpy(key->addr, &addr, sizeof(addr));
}

/*
 * Key of an IPv6 source (16 bytes, network byte order) in class_: the
 * address with every bit after prefixlen (1..128) zeroed.  Word by word,
 * so that the mask is a shift and a byte swap rather than 16 byte cases.
 */
static __always_inline void rate_key_v6(struct mxs_rate_key *key,
					const void *addr, __u32 prefixlen,
					__u32 class_)
{
	__u32 w[4];
	int i;

	__builtin_memcpy(w, addr, sizeof(w));
#pragma unroll
	for (i = 0; i < 4; i++) {
		__u32 first = i * 32; /* the word's first bit */

		if (prefixlen <= first)
			w[i] = 0;
		else if (prefixlen < first + 32)
			w[i] &= bpf_htonl(~0u << (first + 32 - prefixlen));
	}
	__builtin_memset(key, 0, sizeof(*key));
	key->family = MXS_FAMILY_V6;
	key->class_ = (__u8)class_;
	key->prefixlen = (__u8)prefixlen;
	__builtin_memcpy(key->addr, w, sizeof(w));
}

/*
 * Whether one more event at `now` is over `rate`, for a source whose TAT
 * is *stored (emission_ns must be nonzero: the caller checks that the
 * limit is on).  Counts the event when it is not over.  1: over the
 * limit; 0: within it, or failed open.
 */
static __always_inline int rate_over_stored(__u64 *stored,
					    const struct mxs_rate *rate,
					    __u64 now)
{
	/* One read of each: a concurrent config write may tear them apart,
	 * which costs one odd decision, never an unbounded TAT. */
	__u64 emission = rate->emission_ns, tau = rate->tau_ns;
	__u64 tat, seen, base;
	int i;

	tat = *(volatile __u64 *)stored;
	/* a bounded loop (the verifier takes those since 5.3): clang cannot
	 * unroll it once it is inlined in two places */
	for (i = 0; i < RATE_CAS_TRIES; i++) {
		base = tat < now ? now : tat;
		/* The current limit never leaves a TAT more than tau +
		 * emission ahead; one further ahead was set under an
		 * earlier, stricter limit: start the source afresh. */
		if (base - now > tau + emission)
			base = now;
		if (base - now > tau)
			return 1; /* over: the TAT stays where it is */
		seen =
		    __sync_val_compare_and_swap(stored, tat, base + emission);
		if (seen == tat)
			return 0;
		tat = seen; /* another CPU moved it: decide again */
	}
	/* Still contended: let this one through rather than spin. */
	return 0;
}

/*
 * rate_over_stored() for key in map, creating the source's entry (as its
 * first event, which conforms) when it has none.
 */
static __always_inline int rate_over(void *map, const struct mxs_rate_key *key,
				     const struct mxs_rate *rate, __u64 now)
{
	__u64 *stored, tat;

	stored = bpf_map_lookup_elem(map, key);
	if (!stored) {
		/* A new source conforms: tat = now. */
		tat = now + rate->emission_ns;
		if (bpf_map_update_elem(map, key, &tat, BPF_NOEXIST) == 0)
			return 0;
		/* Another CPU created it first (-EEXIST): join it.  Anything
		 * else (no memory): fail open. */
		stored = bpf_map_lookup_elem(map, key);
		if (!stored)
			return 0;
	}
	return rate_over_stored(stored, rate, now);
}

/*
 * rate_over_stored() for key in map when the source already has an entry;
 * a source without one is not counted (0).
 */
static __always_inline int rate_over_known(void *map,
					   const struct mxs_rate_key *key,
					   const struct mxs_rate *rate,
					   __u64 now)
{
	__u64 *stored = bpf_map_lookup_elem(map, key);

	return stored ? rate_over_stored(stored, rate, now) : 0;
}

#endif /* MXS_RATE_BPF_H */
