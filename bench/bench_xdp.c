// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_xdp.c - cost per packet of the mxscreen XDP program, measured in the
 * kernel with BPF_PROG_RUN (bpf_prog_test_run_opts), next to a trivial
 * XDP_PASS program as the floor (tests/e2e/xdp_pass.bpf.c, built with the
 * same clang flags as the real program).
 *
 * How to run: `make bench` as root (it also runs bench/bulkload.sh), or
 *   build/bench/bench_xdp [--out FILE] [--cpu N] [--runs N] [--repeat N]
 *                         [--spread N] [--only SCENARIO]
 *
 * How to read: for each scenario (1k, 100k, 1M IPv4 block entries; 100k
 * IPv6) the program is loaded fresh from the skeleton (no pinning), its
 * block maps are sized like the CLI's defaults (larger if needed) and filled
 * with bpf_map_update_batch: 95% single hosts in the host hash, 5% prefixes
 * in the LPM trie (/24 for IPv4, /48../64 for IPv6).  Every case sends a TCP
 * SYN built by tests/bpf/packets.c with 20 bytes of TCP options, as long as
 * the options Linux sends (74 bytes IPv4, 94 bytes IPv6) but only an MSS
 * and NOPs where Linux also has SACK_PERM, timestamps and window scale; the
 * program reads the TCP header length, not the options, so its path is the
 * same:
 *   not_smtp    SYN to port 443 (not screened)              XDP_PASS
 *   miss        SYN to port 25 from a source in no entry    XDP_PASS
 *   allow       SYN to port 25 from an allow4/6_host entry  XDP_PASS
 *   block_host  SYN to port 25 from a blocked host          XDP_DROP
 *   block_net   SYN to port 25 from inside a blocked prefix XDP_DROP
 * Two figures per case, each the median of --runs runs:
 *   hot     one packet, repeat=--repeat (default 1M): ns = opts.duration.
 *           Everything the lookup touches stays in L1/L2, so at 1M entries
 *           this is a best case.
 *   spread  (miss, block_host, block_net) up to --spread (default 64k)
 *           distinct sources drawn at random from the whole list (misses:
 *           from the whole unlisted address space), each run once per pass
 *           in a fresh random order with repeat=1, after one warm-up pass;
 *           passes enough for --spread calls per run: ns = mean
 *           opts.duration.  At 1M entries the touched buckets, elements and
 *           trie nodes do not fit in the caches, so this is the
 *           cache-cold-ish figure.  A repeat=1 call also times one clock
 *           read and starts with whatever the syscall left in the caches,
 *           so its floor is the trivial program measured the same way.
 *           (Cycling few sources with a large repeat each, e.g. 1000 x
 *           1000, would be a hot figure again: only the first of each
 *           1000 runs misses.)
 * "x floor" is the case's ns over the trivial program's ns measured the same
 * way.  Every figure is checked: the verdict must be the expected one and
 * the stats counter named above must have grown by exactly the number of
 * runs, or the bench stops.  Results go to --out as JSON (with every run's
 * figure) and to stdout as a table; progress goes to stderr.  The bench
 * pins itself to one CPU (the last) and reports how much of that CPU other
 * tasks and the hypervisor took meanwhile: above 5% the figures are noisy.
 * Expect a few ns of run-to-run jitter on hot figures (opts.duration is in
 * whole ns) and tens of percent on spread ones on a shared VM.
 *
 * Packet addresses come from 198.18.0.0/15 and 2001:db8::/32 (hot sources,
 * allow entries, the first hosts); the rest of the list is data spread
 * over the whole address space, and spread sources are drawn from it.
 * Frames run through BPF_PROG_RUN never leave the kernel.
 *
 * The "hints" map is filled as the CLI fills it, so what a packet costs
 * depends on its source's slot (IPv4 /16; IPv6 bits 16-31).  The allow
 * entries (16 hosts, 4 prefixes) sit in 198.19.0.0/16 and 2001:db8::/32.
 * Hot sources: IPv4 block_host 198.18.0.1, a slot with no allow entry or
 * block prefix (the usual case: the allow lookups are skipped); IPv4 miss
 * and block_net from 198.19.0.0/16, which holds allow entries and block
 * prefixes (every lookup is made); every IPv6 hot source shares 2001:db8's
 * slot with the allow entries (every lookup is made).  Spread sources fall
 * in whatever slots the list gives them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/mxscreen.h"
#include "lib/kmap.h"
#include "lib/settings.h"
#include "lib/stats.h"
#include "mxscreen.skel.h"
#include "packets.h"
#include "xdp_pass.skel.h"

#define BENCH_DEFAULT_REPEAT 1000000u
#define BENCH_DEFAULT_RUNS 5u
#define BENCH_MAX_RUNS 99u
#define BENCH_DEFAULT_SPREAD 65536u
#define BENCH_MAX_SPREAD (1u << 20)
#define BENCH_BATCH 65536u     /* elements per bpf_map_update_batch call */
#define BENCH_HOST_POOL 65535u /* IPv4 hosts in 198.18.0.0/16 */
#define BENCH_HOST6_POOL 1024u /* IPv6 hosts in 2001:db8:1::/48 */
#define BENCH_NET_POOL 64u     /* prefixes placed in the benchmark ranges */
#define BENCH_ALLOW_HOSTS 16u
#define BENCH_PKT_MAX 128u   /* the frames are 74 and 94 bytes */
#define BENCH_TCP_OPT_LEN 20 /* as long as a Linux SYN's options */

#define SMTP_PORT 25
#define SUBMISSIONS_PORT 465
#define SUBMISSION_PORT 587
#define HTTPS_PORT 443

/* ------------------------------------------------------------------------ */
/* Scenarios and cases                                                       */

struct bench_scenario {
	const char *name;
	int family; /* MXS_FAMILY_V4 or MXS_FAMILY_V6 */
	__u32 entries;
};

static const struct bench_scenario bench_scenarios[] = {
    {"ipv4-1k", MXS_FAMILY_V4, 1000},
    {"ipv4-100k", MXS_FAMILY_V4, 100000},
    {"ipv4-1M", MXS_FAMILY_V4, 1000000},
    {"ipv6-100k", MXS_FAMILY_V6, 100000},
    {"ipv6-256k", MXS_FAMILY_V6, 262144},
};
#define BENCH_NR_SCENARIOS                                                     \
	(sizeof(bench_scenarios) / sizeof(bench_scenarios[0]))
/* Issue 11's targets: every spread case of these scenarios within this
 * many times the floor's spread figure. */
static const struct {
	const char *scenario;
	double ratio;
} bench_targets[] = {
    {"ipv4-1M", 4.0},
    {"ipv6-256k", 6.0},
};
#define BENCH_NR_TARGETS (sizeof(bench_targets) / sizeof(bench_targets[0]))

enum bench_case_id {
	BC_NOT_SMTP,
	BC_MISS,
	BC_MISS_RATE,
	BC_ALLOW,
	BC_BLOCK_HOST,
	BC_BLOCK_NET,
	BC_NR,
};

struct bench_case {
	const char *name;
	__u32 verdict;	 /* XDP action the program must return */
	size_t stat_off; /* struct mxs_stats field that must count it; its
			  * name comes from stats_fields[] */
	bool spread;	 /* also measured with many sources */
};

#define STAT(f) offsetof(struct mxs_stats, f)
static const struct bench_case bench_cases[BC_NR] = {
    [BC_NOT_SMTP] = {"not_smtp", XDP_PASS, STAT(pass_not_smtp), false},
    [BC_MISS] = {"miss", XDP_PASS, STAT(pass_clean), true},
    [BC_MISS_RATE] = {"miss_rate", XDP_PASS, STAT(pass_clean), true},
    [BC_ALLOW] = {"allow", XDP_PASS, STAT(pass_allowed), false},
    [BC_BLOCK_HOST] = {"block_host", XDP_DROP, STAT(drop_list), true},
    [BC_BLOCK_NET] = {"block_net", XDP_DROP, STAT(drop_list), true},
};

struct bench_figure {
	bool done;
	double ns;     /* median of runs[] */
	double ratio;  /* ns / the floor measured the same way */
	__u32 sources; /* spread only */
	__u32 nruns;
	double runs[BENCH_MAX_RUNS]; /* in the order measured */
};

struct bench_result {
	const struct bench_scenario *sc;
	__u32 n_host, n_net;
	__u32 host_max, net_max; /* max_entries the block maps were given */
	double seed_s;		 /* batch updates of all block entries */
	struct bench_figure hot[BC_NR];
	struct bench_figure spread[BC_NR];
};

struct bench_opts {
	const char *out;
	const char *only;
	int cpu;
	__u32 runs;
	__u32 repeat;
	__u32 spread;
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */

static __u64 rng_state = 0x6d78736372656e31ull; /* fixed: same lists each run */

static __u64 rng_next(void)
{
	__u64 z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Bijections on 32 and 24 bits: distinct inputs give distinct addresses
 * scattered over the space. */
static __u32 perm32(__u32 x)
{
	x *= 0x9e3779b1u;
	x ^= x >> 15;
	x *= 0x85ebca77u;
	x ^= x >> 13;
	return x;
}

static void shuffle_u32(__u32 *v, __u32 n)
{
	__u32 i;

	for (i = n; i > 1; i--) {
		__u32 j = (__u32)(rng_next() % i);
		__u32 t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double median(const double *runs, __u32 n)
{
	double v[BENCH_MAX_RUNS];
	__u32 i, j;

	memcpy(v, runs, n * sizeof(*v));
	for (i = 1; i < n; i++) {
		double x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int parse_u32(const char *opt, const char *s, __u32 min, __u32 max,
		     __u32 *out)
{
	char why[256];
	uint64_t v;
	int err;

	err = settings_parse_uint(s, min, max, &v, why, sizeof(why));
	if (err) {
		fprintf(stderr, "bench_xdp: %s: %s\n", opt, why);
		return err;
	}
	*out = (__u32)v;
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN) /* INFO: "skipping .xdp_run_config" etc. */
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* ------------------------------------------------------------------------ */
/* Packets                                                                   */

struct bench_pkt {
	__u8 data[BENCH_PKT_MAX];
	__u32 len;
};

/* Where the measured SYNs go (the program looks only at the port). */
#define BENCH_DST4 "198.19.128.25"
#define BENCH_DST6 "2001:db8:ffff:ffff::25"

/*
 * A TCP SYN from src (4 bytes for IPv4, 16 for IPv6, network byte order),
 * built by pkt_build() (tests/bpf/packets.h).  pkt_build() wants room for
 * the largest frame it can make, so it builds into a scratch buffer and
 * the frame is copied into the much smaller pk.
 */
static int bench_pkt_make(struct bench_pkt *pk, int family, const __u8 *src,
			  __u16 sport, __u16 dport)
{
	bool v4 = family == MXS_FAMILY_V4;
	char addr[INET6_ADDRSTRLEN];
	struct pkt_spec spec = {
	    .family = v4 ? 4 : 6,
	    .src = addr,
	    .dst = v4 ? BENCH_DST4 : BENCH_DST6,
	    .sport = sport,
	    .dport = dport,
	    .tcp_flags = TF_SYN,
	    .tcp_opt_len = BENCH_TCP_OPT_LEN,
	};
	__u8 frame[PKT_MAX];
	size_t len = 0;

	if (inet_ntop(v4 ? AF_INET : AF_INET6, src, addr, sizeof(addr)))
		len = pkt_build(&spec, frame, sizeof(frame));
	if (len == 0 || len > sizeof(pk->data)) {
		fprintf(stderr,
			"bench_xdp: cannot build a SYN from %s: %zu bytes, "
			"want 1..%zu\n",
			len ? addr : "an unprintable address", len,
			sizeof(pk->data));
		return -EINVAL;
	}
	memcpy(pk->data, frame, len);
	pk->len = (__u32)len;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Lists: what goes into the maps, and the sources of the measured packets */

struct bench_lists {
	int family;
	__u32 n_host, n_net;
	void *hosts;	/* __u32 (network order) or struct mxs_addr6 */
	void *nets;	/* struct mxs_lpm4_key or struct mxs_lpm6_key */
	__u8 *net_bits; /* IPv4 only: one bit per /24 that is blocked */
	__u32 v4_next;	/* IPv4 only: next unused perm32() index */
};

static void lists_free(struct bench_lists *l)
{
	free(l->hosts);
	free(l->nets);
	free(l->net_bits);
	memset(l, 0, sizeof(*l));
}

static bool v4_excluded(__u32 a) /* host byte order */
{
	__u32 o = a >> 24;

	/* 0/8, 127/8, multicast and up: nobody lists them; 198.18.0.0/15:
	 * reserved for the measured packets. */
	return o == 0 || o == 127 || o >= 224 ||
	       (a >> 17) == (0xc6120000u >> 17);
}

static void v4_to_bytes(__u32 a, __u8 *b)
{
	b[0] = (__u8)(a >> 24);
	b[1] = (__u8)(a >> 16);
	b[2] = (__u8)(a >> 8);
	b[3] = (__u8)a;
}

static __u32 v4_be(__u32 a) /* host order -> the __u32 key, network order */
{
	__u8 b[4];
	__u32 k;

	v4_to_bytes(a, b);
	memcpy(&k, b, 4);
	return k;
}

/* Next address from the scattered sequence, skipping excluded ones. */
static int v4_scattered(__u32 *next, __u32 *out)
{
	while (*next != UINT32_MAX) {
		__u32 a = perm32((*next)++);

		if (!v4_excluded(a)) {
			*out = a;
			return 0;
		}
	}
	fprintf(stderr, "bench_xdp: ran out of IPv4 addresses\n");
	return -ERANGE;
}

/*
 * IPv4: hosts 198.18.0.1.. (up to 64k), then scattered over the space;
 * /24s 198.19.64.0/24..198.19.127.0/24, then scattered.  198.19.0.0/18 and
 * 198.19.128.0/17 stay free for miss and allow sources.
 */
static int lists_make_v4(struct bench_lists *l)
{
	struct mxs_lpm4_key *nets = l->nets;
	__u32 *hosts = l->hosts;
	__u32 i, k = 0;
	int err;

	l->net_bits = calloc(1u << 21, 1);
	if (!l->net_bits)
		return -ENOMEM;
	for (i = 0; i < l->n_host; i++) {
		__u32 a = 0xc6120001u + i;

		if (i >= BENCH_HOST_POOL) {
			err = v4_scattered(&l->v4_next, &a);
			if (err)
				return err;
		}
		hosts[i] = v4_be(a);
	}
	for (i = 0; i < l->n_net; i++) {
		__u32 idx = (198u << 16) | (19u << 8) | (64 + i);

		if (i >= BENCH_NET_POOL) {
			/* a random /24 of the unicast space, not yet used */
			do {
				if (k++ > 0x7fffffffu) {
					fprintf(stderr,
						"bench_xdp: ran out of /24s\n");
					return -ERANGE;
				}
				idx = (__u32)(rng_next() & 0xffffffu);
			} while (v4_excluded(idx << 8) ||
				 (l->net_bits[idx >> 3] & (1u << (idx & 7))));
		}
		nets[i].prefixlen = 24;
		nets[i].addr = v4_be(idx << 8);
		l->net_bits[idx >> 3] |= (__u8)(1u << (idx & 7));
	}
	return 0;
}

static void v6_put32(__u8 *b, __u32 v)
{
	b[0] = (__u8)(v >> 24);
	b[1] = (__u8)(v >> 16);
	b[2] = (__u8)(v >> 8);
	b[3] = (__u8)v;
}

/*
 * IPv6: hosts 2001:db8:1::/48 (the first 1024), then 2a0b:XXXX:XXXX::
 * scattered; prefixes 2001:db8:100::/48..2001:db8:13f::/48, then
 * 2c0f:XXXX:XXXX::/48../64.  2001:db8:ffff::/48 (the hot miss),
 * 2001:db8:aaaa::/47 (allow) and 2a0c::/16 (spread misses) stay free.
 */
static int lists_make_v6(struct bench_lists *l)
{
	struct mxs_lpm6_key *nets = l->nets;
	struct mxs_addr6 *hosts = l->hosts;
	__u32 i;

	for (i = 0; i < l->n_host; i++) {
		__u8 *a = hosts[i].addr;
		__u64 r = rng_next();

		memset(a, 0, 16);
		if (i < BENCH_HOST6_POOL) {
			memcpy(a, "\x20\x01\x0d\xb8\x00\x01", 6);
			v6_put32(a + 8, (__u32)r);
			v6_put32(a + 12, i + 1);
		} else {
			a[0] = 0x2a;
			a[1] = 0x0b;
			v6_put32(a + 2, perm32(i));
			memcpy(a + 6, &r, 8);
			a[14] = (__u8)(i >> 8);
			a[15] = (__u8)i;
		}
	}
	for (i = 0; i < l->n_net; i++) {
		__u8 *a = nets[i].addr;
		__u32 len = 48, b;

		memset(a, 0, 16);
		if (i < BENCH_NET_POOL) {
			memcpy(a, "\x20\x01\x0d\xb8\x01\x00", 6);
			a[5] = (__u8)i;
		} else {
			__u64 r = rng_next();

			len = 48 + i % 17;
			a[0] = 0x2c;
			a[1] = 0x0f;
			v6_put32(a + 2, perm32(i));
			memcpy(a + 6, &r, 2);
			for (b = len; b < 128; b++) /* clear host bits */
				a[b / 8] &= (__u8) ~(0x80u >> (b % 8));
		}
		nets[i].prefixlen = len;
	}
	return 0;
}

static int lists_make(struct bench_lists *l, int family, __u32 entries)
{
	size_t hsz, nsz;

	memset(l, 0, sizeof(*l));
	l->family = family;
	l->n_net = entries / 20;
	l->n_host = entries - l->n_net;
	hsz =
	    family == MXS_FAMILY_V4 ? sizeof(__u32) : sizeof(struct mxs_addr6);
	nsz = family == MXS_FAMILY_V4 ? sizeof(struct mxs_lpm4_key)
				      : sizeof(struct mxs_lpm6_key);
	l->hosts = calloc(l->n_host ? l->n_host : 1, hsz);
	l->nets = calloc(l->n_net ? l->n_net : 1, nsz);
	if (!l->hosts || !l->nets)
		return -ENOMEM;
	return family == MXS_FAMILY_V4 ? lists_make_v4(l) : lists_make_v6(l);
}

/* Source address (4 or 16 bytes) for the k-th source of a case.  hot: the
 * one fixed source; otherwise a random pick (block cases) or the k-th
 * unlisted address (miss). */
static int source_addr(struct bench_lists *l, enum bench_case_id c, bool hot,
		       __u32 k, __u8 *src)
{
	bool v4 = l->family == MXS_FAMILY_V4;
	__u32 i, a;
	int err;

	if (c == BC_MISS_RATE) /* the same sources, with the limit on */
		c = BC_MISS;
	memset(src, 0, 16);
	switch (c) {
	case BC_NOT_SMTP:
	case BC_BLOCK_HOST:
		i = hot ? 0 : k; /* k: index picked by the caller */
		if (v4)
			memcpy(src, (__u32 *)l->hosts + i, 4);
		else
			memcpy(src, ((struct mxs_addr6 *)l->hosts)[i].addr, 16);
		return 0;
	case BC_BLOCK_NET:
		i = hot ? 0 : k % l->n_net;
		if (v4) {
			/* k-th source: prefix pick[k % n_net], host k / n_net
			 */
			memcpy(src, &((struct mxs_lpm4_key *)l->nets)[i].addr,
			       4);
			src[3] = hot ? 1 : (__u8)(1 + (k / l->n_net) % 254);
		} else {
			struct mxs_lpm6_key *n =
			    &((struct mxs_lpm6_key *)l->nets)[i];
			__u64 r = hot ? 1 : rng_next() | 1;

			memcpy(src, n->addr, 16);
			memcpy(src + 8, &r,
			       8); /* host part: every prefix is <= /64 */
		}
		return 0;
	case BC_MISS:
		if (v4 && hot) {
			memcpy(src, "\xc6\x13\x00\x01", 4); /* 198.19.0.1 */
			return 0;
		}
		if (v4) {
			do { /* unused perm32() indices: never a listed host */
				err = v4_scattered(&l->v4_next, &a);
				if (err)
					return err;
			} while (l->net_bits[a >> 11] & (1u << ((a >> 8) & 7)));
			v4_to_bytes(a, src);
			return 0;
		}
		if (hot) {
			memcpy(src, "\x20\x01\x0d\xb8\xff\xff", 6);
			src[15] = 1;
		} else { /* 2a0c::/16: no entry there; slots all over */
			src[0] = 0x2a;
			src[1] = 0x0c;
			v6_put32(src + 2, perm32(k));
			src[15] = 1;
		}
		return 0;
	case BC_ALLOW:
		if (v4)
			memcpy(src, "\xc6\x13\xff\x01", 4); /* 198.19.255.1 */
		else
			memcpy(src,
			       "\x20\x01\x0d\xb8\xaa\xaa\x00\x00\x00\x00"
			       "\x00\x00\x00\x00\x00\x01",
			       16);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------------ */
/* Maps                                                                      */

static struct bpf_map *map_get(struct mxscreen_bpf *skel, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, name);

	if (!m)
		fprintf(stderr,
			"bench_xdp: map %s not found in mxscreen.bpf.o "
			"(bench uses the names in bpf/mxscreen.h)\n",
			name);
	return m;
}

static int map_put(struct bpf_map *map, const void *key, const void *val)
{
	if (bpf_map_update_elem(bpf_map__fd(map), key, val, BPF_ANY)) {
		int err = -errno;

		fprintf(stderr, "bench_xdp: cannot write %s: %s\n",
			bpf_map__name(map), strerror(-err));
		return err;
	}
	return 0;
}

static struct addr_cidr cidr_make(int family, const void *addr, __u32 len)
{
	struct addr_cidr c;

	memset(&c, 0, sizeof(c));
	c.family = (uint8_t)family;
	c.prefixlen = (uint8_t)len;
	memcpy(c.addr, addr, family == MXS_FAMILY_V4 ? 4 : 16);
	return c;
}

/* One entry written as the CLI writes it (kmap, which keeps the
 * directories in step). */
static int kmap_put(struct kmap *km, int list, const struct addr_cidr *c,
		    const struct mxs_entry *e)
{
	int err = kmap_entry_put(km, list, c, e, NULL, NULL);

	if (err)
		fprintf(stderr, "bench_xdp: cannot write an entry: %s\n",
			strerror(-err));
	return err;
}

/* Settings a freshly attached mxscreen has: drop, not observing, port 25 MX,
 * 465 and 587 submission; plus a few allow entries. */
static int seed_settings(struct mxscreen_bpf *skel, struct kmap *km,
			 int family)
{
	struct mxs_config cfg = {.flags = MXS_CFG_INITIALISED,
				 .action = MXS_ACTION_DROP};
	struct mxs_entry allow = {.classes = MXS_CLASSES_ALL,
				  .reason = MXS_REASON_MANUAL};
	mxs_port_class_t mx = MXS_CLASS_BIT(MXS_CLASS_MX);
	mxs_port_class_t sub = MXS_CLASS_BIT(MXS_CLASS_SUBMISSION);
	struct bpf_map *m_cfg, *m_ports;
	__u32 key = 0, port, i;
	int err;

	m_cfg = map_get(skel, MXS_MAP_CONFIG);
	m_ports = map_get(skel, MXS_MAP_PORTS);
	if (!m_cfg || !m_ports)
		return -ENOENT;
	err = map_put(m_cfg, &key, &cfg);
	port = SMTP_PORT;
	err = err ?: map_put(m_ports, &port, &mx);
	port = SUBMISSIONS_PORT;
	err = err ?: map_put(m_ports, &port, &sub);
	port = SUBMISSION_PORT;
	err = err ?: map_put(m_ports, &port, &sub);
	/* every allow entry below lies in 198.19.0.0/16 or 2001:db8::/32 */
	for (i = 0; !err && i < BENCH_ALLOW_HOSTS; i++) {
		struct addr_cidr c;

		if (family == MXS_FAMILY_V4) {
			__u8 b[4] = {198, 19, 255, (__u8)(1 + i)};

			c = cidr_make(family, b, 32);
		} else {
			__u8 b[16] = {0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa,
				      [15] = (__u8)(1 + i)};

			c = cidr_make(family, b, 128);
		}
		err = kmap_put(km, MXS_LIST_ALLOW, &c, &allow);
	}
	/* four allowed networks, as a site would list its partners */
	for (i = 0; !err && i < 4; i++) {
		struct addr_cidr c;

		if (family == MXS_FAMILY_V4) {
			__u8 b[4] = {198, 19, (__u8)(250 + i), 0};

			c = cidr_make(family, b, 24);
		} else {
			__u8 b[16] = {0x20, 0x01, 0x0d, 0xb8,
				      0xaa, 0xab, (__u8)i};

			c = cidr_make(family, b, 56);
		}
		err = kmap_put(km, MXS_LIST_ALLOW, &c, &allow);
	}
	return err;
}

/* The block entries, written the way `mxscreen load` writes them
 * (kmap_entries_put_many()); *seconds is the time that took. */
static int seed_blocks(struct kmap *km, const struct bench_lists *l,
		       double *seconds)
{
	bool v4 = l->family == MXS_FAMILY_V4;
	struct mxs_entry val = {.classes = MXS_CLASSES_ALL,
				.reason = MXS_REASON_LIST};
	__u32 i, n = l->n_host + l->n_net;
	struct addr_cidr *all;
	size_t done = 0;
	double t0;
	int err;

	all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (i = 0; i < l->n_host; i++)
		all[i] = v4 ? cidr_make(l->family, (__u32 *)l->hosts + i, 32)
			    : cidr_make(l->family,
					((struct mxs_addr6 *)l->hosts)[i].addr,
					128);
	for (i = 0; i < l->n_net; i++) {
		if (v4) {
			const struct mxs_lpm4_key *k =
			    &((const struct mxs_lpm4_key *)l->nets)[i];

			all[l->n_host + i] =
			    cidr_make(l->family, &k->addr, k->prefixlen);
		} else {
			const struct mxs_lpm6_key *k =
			    &((const struct mxs_lpm6_key *)l->nets)[i];

			all[l->n_host + i] =
			    cidr_make(l->family, k->addr, k->prefixlen);
		}
	}
	t0 = now_s();
	err = kmap_entries_put_many(km, MXS_LIST_BLOCK, all, n, &val, &done);
	*seconds = now_s() - t0;
	if (err)
		fprintf(stderr, "bench_xdp: cannot write the block entries: "
			"%zu of %u written: %s\n", done, n, strerror(-err));
	free(all);
	return err;
}

/* The SYN rate limit of a default mxscreend (rate_limit_mx = 60/1m), and
 * the daemon's heartbeat that makes the program count only the sources
 * its handshake program tracks (none here: the sources are new), or no
 * limit and no daemon. */
static int set_rate(struct mxscreen_bpf *skel, bool on)
{
	struct mxs_config cfg = {.flags = MXS_CFG_INITIALISED,
				 .action = MXS_ACTION_DROP};
	struct mxs_daemon_status st;
	struct timespec ts;
	__u32 key = 0;
	int err;

	memset(&st, 0, sizeof(st));
	if (on) {
		clock_gettime(CLOCK_BOOTTIME, &ts);
		cfg.syn_rate[MXS_CLASS_MX].emission_ns = 1000000000ull;
		cfg.syn_rate[MXS_CLASS_MX].tau_ns = 59 * 1000000000ull;
		cfg.syn_rate[MXS_CLASS_MX].burst = 60;
		cfg.syn_rate[MXS_CLASS_MX].period_s = 60;
		/* an hour ahead: fresh for the whole measurement */
		st.heartbeat_ns = (__u64)ts.tv_sec * 1000000000ull +
				  (__u64)ts.tv_nsec + 3600ull * 1000000000ull;
	}
	err = map_put(map_get(skel, MXS_MAP_CONFIG), &key, &cfg);
	return err ?: map_put(map_get(skel, MXS_MAP_DAEMON), &key, &st);
}

/* ------------------------------------------------------------------------ */
/* Measuring                                                                 */

struct bench_prog {
	int fd;
	int stats_fd; /* -1 for the trivial program */
	int ncpus;
	struct mxs_stats *percpu;
};

/* The program's counters summed over the CPUs (all zero for the trivial
 * program, which has none). */
static int prog_stats_read(struct bench_prog *p, struct mxs_stats *sum)
{
	__u32 key = 0;

	memset(sum, 0, sizeof(*sum));
	if (p->stats_fd < 0)
		return 0;
	if (bpf_map_lookup_elem(p->stats_fd, &key, p->percpu)) {
		int err = -errno;

		fprintf(stderr, "bench_xdp: cannot read stats: %s\n",
			strerror(-err));
		return err;
	}
	stats_sum(p->percpu, (unsigned int)p->ncpus, sum);
	return 0;
}

/* Index in stats_fields[] of the counter a case must grow. */
static size_t case_stat(const struct bench_case *bc)
{
	size_t i;

	for (i = 0; i < stats_nr_fields; i++)
		if (stats_fields[i].offset == bc->stat_off)
			break;
	return i; /* always found: stat_off is an offsetof() of a field */
}

static int run_pkt(struct bench_prog *p, const struct bench_pkt *pk,
		   __u32 repeat, __u32 want, __u32 *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pk->data,
		    .data_size_in = pk->len, .repeat = repeat);

	if (bpf_prog_test_run_opts(p->fd, &o)) {
		int err = -errno;

		fprintf(stderr, "bench_xdp: BPF_PROG_RUN failed: %s\n",
			strerror(-err));
		return err;
	}
	if (o.retval != want) {
		fprintf(stderr, "bench_xdp: verdict %u, want %u\n", o.retval,
			want);
		return -EPROTO;
	}
	*ns = o.duration;
	return 0;
}

/* Check that the case went the way it claims: every run counted, all in
 * the expected field. */
static int stats_check(struct bench_prog *p, const struct bench_case *bc,
		       const struct mxs_stats *before, __u64 runs)
{
	size_t f = case_stat(bc);
	struct mxs_stats after;
	__u64 pk, hit;
	int err;

	if (p->stats_fd < 0)
		return 0;
	err = prog_stats_read(p, &after);
	if (err)
		return err;
	pk = after.packets - before->packets;
	hit = stats_value(&after, f) - stats_value(before, f);
	if (pk != runs || hit != runs) {
		fprintf(stderr,
			"bench_xdp: case %s: stats.packets grew by %llu "
			"and stats.%s by %llu, want %llu each: the packet took "
			"another path\n",
			bc->name, (unsigned long long)pk, stats_fields[f].name,
			(unsigned long long)hit, (unsigned long long)runs);
		return -EPROTO;
	}
	return 0;
}

static int measure_hot(struct bench_prog *p, const struct bench_case *bc,
		       const struct bench_pkt *pk, const struct bench_opts *o,
		       struct bench_figure *f)
{
	struct mxs_stats before;
	__u32 r, d;
	int err;

	err = prog_stats_read(p, &before);
	for (r = 0; !err && r < o->runs; r++) {
		err = run_pkt(p, pk, o->repeat, bc->verdict, &d);
		f->runs[r] = d;
	}
	err = err ?: stats_check(p, bc, &before, (__u64)o->runs * o->repeat);
	if (err)
		return err;
	f->nruns = o->runs;
	f->ns = median(f->runs, o->runs);
	f->done = true;
	return 0;
}

/*
 * n packets, each run once per pass in a fresh random order, repeat=1.  A
 * run makes passes enough for --spread calls (small lists: several passes),
 * after one unmeasured warm-up pass, so that every run sees the same state:
 * whatever of the list fits in the caches is in them.
 */
static int measure_spread(struct bench_prog *p, const struct bench_case *bc,
			  const struct bench_pkt *pkts, __u32 n,
			  const struct bench_opts *o, struct bench_figure *f)
{
	__u32 passes = (o->spread + n - 1) / n;
	struct mxs_stats before;
	__u32 *order, r, q, k, d;
	int err;

	order = calloc(n, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (k = 0; k < n; k++)
		order[k] = k;
	err = prog_stats_read(p, &before);
	for (k = 0; !err && k < n; k++) /* warm-up */
		err = run_pkt(p, &pkts[k], 1, bc->verdict, &d);
	for (r = 0; !err && r < o->runs; r++) {
		double sum = 0;

		for (q = 0; !err && q < passes; q++) {
			shuffle_u32(order, n);
			for (k = 0; !err && k < n; k++) {
				err = run_pkt(p, &pkts[order[k]], 1,
					      bc->verdict, &d);
				sum += d;
			}
		}
		f->runs[r] = sum / ((double)n * passes);
	}
	free(order);
	err = err
		  ?: stats_check(p, bc, &before,
				 ((__u64)o->runs * passes + 1) * n);
	if (err)
		return err;
	f->nruns = o->runs;
	f->ns = median(f->runs, o->runs);
	f->sources = n;
	f->done = true;
	return 0;
}

/* Packets for the spread figure of case c: n distinct sources. */
static int spread_pkts(struct bench_lists *l, enum bench_case_id c, __u32 n,
		       struct bench_pkt *pkts)
{
	__u32 pool = c == BC_BLOCK_HOST ? l->n_host : l->n_net;
	__u32 *pick = NULL, k;
	__u8 src[16];
	int err = 0;

	if (c != BC_MISS && c != BC_MISS_RATE) {
		pick = calloc(pool, sizeof(*pick));
		if (!pick)
			return -ENOMEM;
		for (k = 0; k < pool; k++)
			pick[k] = k;
		shuffle_u32(pick, pool);
	}
	for (k = 0; !err && k < n; k++) {
		/* more sources than prefixes: several hosts per prefix */
		__u32 idx = k;

		if (pick) /* a random entry; for prefixes k also picks the host
			   */
			idx = pick[k % pool] +
			      (c == BC_BLOCK_NET ? k - k % pool : 0);
		err = source_addr(l, c, false, idx, src);
		err = err
			  ?: bench_pkt_make(&pkts[k], l->family, src,
					    (__u16)(32768 + k % 28000),
					    SMTP_PORT);
	}
	free(pick);
	return err;
}

static __u32 spread_count(const struct bench_lists *l, enum bench_case_id c,
			  __u32 want)
{
	__u64 max = want;

	if (c == BC_BLOCK_HOST)
		max = l->n_host;
	else if (c == BC_BLOCK_NET && l->family == MXS_FAMILY_V4)
		max = (__u64)l->n_net * 254; /* .1 to .254 of each /24 */
	return max < want ? (__u32)max : want;
}

/* ------------------------------------------------------------------------ */
/* One scenario                                                              */

static int prog_setup(struct bench_prog *p, struct mxscreen_bpf *skel)
{
	struct bpf_program *prog;
	struct bpf_map *stats;

	prog = bpf_object__find_program_by_name(skel->obj, MXS_PROG_NAME);
	stats = map_get(skel, MXS_MAP_STATS);
	if (!prog || !stats) {
		if (!prog)
			fprintf(stderr, "bench_xdp: program %s not found\n",
				MXS_PROG_NAME);
		return -ENOENT;
	}
	if (bpf_map__value_size(stats) != sizeof(struct mxs_stats)) {
		fprintf(stderr,
			"bench_xdp: stats value is %u bytes, "
			"struct mxs_stats %zu: rebuild\n",
			bpf_map__value_size(stats), sizeof(struct mxs_stats));
		return -EINVAL;
	}
	p->fd = bpf_program__fd(prog);
	p->stats_fd = bpf_map__fd(stats);
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0)
		return -EINVAL;
	p->percpu = calloc((size_t)p->ncpus, sizeof(*p->percpu));
	return p->percpu ? 0 : -ENOMEM;
}

static int set_max(struct mxscreen_bpf *skel, const char *name, __u32 want,
		   __u32 *got)
{
	struct bpf_map *m = map_get(skel, name);
	int err;

	if (!m)
		return -ENOENT;
	err = bpf_map__set_max_entries(m, want);
	if (err) {
		fprintf(stderr, "bench_xdp: cannot size %s to %u: %s\n", name,
			want, strerror(-err));
		return err;
	}
	*got = want;
	return 0;
}

static int run_scenario(const struct bench_scenario *sc,
			const struct bench_opts *o, struct bench_result *res)
{
	struct bench_prog p = {.fd = -1, .stats_fd = -1};
	bool v4 = sc->family == MXS_FAMILY_V4;
	struct mxscreen_bpf *skel = NULL;
	struct bench_pkt *pkts = NULL;
	struct kmap km;
	bool km_open = false;
	char pin_dir[64] = "";
	struct bench_lists l;
	struct bench_pkt pk;
	__u32 def_max = v4 ? MXS_DEFAULT_BLOCK4_MAX : MXS_DEFAULT_BLOCK6_MAX;
	__u8 src[16];
	int c, err;

	memset(res, 0, sizeof(*res));
	res->sc = sc;
	fprintf(stderr, "bench_xdp: %s: generating %u entries\n", sc->name,
		sc->entries);
	err = lists_make(&l, sc->family, sc->entries);
	if (err) {
		fprintf(stderr, "bench_xdp: %s: cannot build the lists: %s\n",
			sc->name, strerror(-err));
		goto out;
	}
	res->n_host = l.n_host;
	res->n_net = l.n_net;

	skel = mxscreen_bpf__open();
	if (!skel) {
		err = -errno;
		fprintf(stderr,
			"bench_xdp: cannot open the mxscreen skeleton: "
			"%s\n",
			strerror(-err));
		goto out;
	}
	/* The CLI's default capacities, or more if the list needs it. */
	err = set_max(skel, v4 ? MXS_MAP_BLOCK4_HOST : MXS_MAP_BLOCK6_HOST,
		      l.n_host > def_max ? l.n_host : def_max, &res->host_max);
	err = err
		  ?: set_max(skel, v4 ? MXS_MAP_BLOCK4_NET : MXS_MAP_BLOCK6_NET,
			     l.n_net > def_max ? l.n_net : def_max,
			     &res->net_max);
	if (err)
		goto out;
	err = mxscreen_bpf__load(skel);
	if (err) {
		fprintf(stderr, "bench_xdp: cannot load mxscreen_xdp: %s\n",
			strerror(-err));
		goto out;
	}
	/* pinned where nothing else looks, so that kmap can write them */
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/mxs-bench-xdp-%d",
		 (int)getpid());
	err = bpf_object__pin_maps(skel->obj, pin_dir);
	err = err ?: kmap_open(&km, pin_dir);
	km_open = !err;
	if (err) {
		fprintf(stderr, "bench_xdp: cannot pin the maps in %s: %s "
			"(is bpffs mounted on /sys/fs/bpf?)\n", pin_dir,
			strerror(-err));
		goto out;
	}
	err = prog_setup(&p, skel);
	err = err ?: seed_settings(skel, &km, sc->family);
	err = err ?: seed_blocks(&km, &l, &res->seed_s);
	if (err)
		goto out;
	fprintf(stderr,
		"bench_xdp: %s: %u hosts + %u prefixes written by "
		"kmap_entries_put_many in %.3f s\n",
		sc->name, l.n_host, l.n_net, res->seed_s);

	pkts = calloc(o->spread, sizeof(*pkts));
	if (!pkts) {
		err = -ENOMEM;
		goto out;
	}
	for (c = 0; c < BC_NR; c++) {
		const struct bench_case *bc = &bench_cases[c];
		struct bench_figure *f;
		__u32 n;

		if (c == BC_BLOCK_NET && l.n_net == 0)
			continue;
		if (c == BC_MISS_RATE || c == BC_MISS_RATE + 1)
			err = set_rate(skel, c == BC_MISS_RATE);
		if (err)
			goto out;
		err = source_addr(&l, c, true, 0, src);
		err = err
			  ?: bench_pkt_make(&pk, sc->family, src, 40000,
					    c == BC_NOT_SMTP ? HTTPS_PORT
							     : SMTP_PORT);
		if (err)
			goto out;
		f = &res->hot[c];
		err = measure_hot(&p, bc, &pk, o, f);
		if (err)
			goto fail_case;
		if (!bc->spread)
			continue;
		n = spread_count(&l, c, o->spread);
		err = spread_pkts(&l, c, n, pkts);
		if (err)
			goto fail_case;
		f = &res->spread[c];
		err = measure_spread(&p, bc, pkts, n, o, f);
		if (err)
			goto fail_case;
		fprintf(stderr,
			"bench_xdp: %s: %-10s hot %.1f ns, spread "
			"%.1f ns\n",
			sc->name, bc->name, res->hot[c].ns, f->ns);
		continue;
	fail_case:
		fprintf(stderr, "bench_xdp: %s: case %s failed\n", sc->name,
			bc->name);
		goto out;
	}
out:
	free(pkts);
	free(p.percpu);
	if (km_open)
		kmap_close(&km);
	if (pin_dir[0]) {
		bpf_object__unpin_maps(skel->obj, pin_dir);
		rmdir(pin_dir);
	}
	mxscreen_bpf__destroy(skel);
	lists_free(&l);
	return err;
}

/* ------------------------------------------------------------------------ */
/* The floor                                                                 */

static int run_trivial(const struct bench_opts *o, struct bench_figure *hot,
		       struct bench_figure *spread)
{
	static const struct bench_case bc = {"trivial", XDP_PASS, 0, true};
	struct bench_prog p = {.stats_fd = -1};
	struct bench_trivial_bpf *skel = NULL;
	struct bench_pkt *pkts;
	__u8 src[4] = {198, 19, 0, 0};
	__u32 k;
	int err = 0;

	pkts = calloc(o->spread, sizeof(*pkts));
	if (!pkts)
		return -ENOMEM;
	for (k = 0; !err && k < o->spread; k++) {
		src[2] = (__u8)(k >> 8 & 0x3f);
		src[3] = (__u8)k;
		err = bench_pkt_make(&pkts[k], MXS_FAMILY_V4, src,
				     (__u16)(32768 + k % 28000), SMTP_PORT);
	}
	if (err)
		goto out;
	skel = bench_trivial_bpf__open_and_load();
	if (!skel) {
		err = -errno;
		fprintf(stderr,
			"bench_xdp: cannot load the trivial program: "
			"%s\n",
			strerror(-err));
		goto out;
	}
	p.fd = bpf_program__fd(skel->progs.xdp_pass);
	err = measure_hot(&p, &bc, &pkts[0], o, hot);
	err = err ?: measure_spread(&p, &bc, pkts, o->spread, o, spread);
out:
	bench_trivial_bpf__destroy(skel);
	free(pkts);
	return err;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

static void read_line(const char *path, const char *prefix, char *buf,
		      size_t len)
{
	char line[256];
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		size_t pl = strlen(prefix);
		char *v, *e;

		if (strncmp(line, prefix, pl))
			continue;
		v = line + pl;
		v += strspn(v, " \t:");
		e = v + strcspn(v, "\n\"\\");
		*e = 0;
		snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
}

static void json_figure(FILE *f, const struct bench_figure *fig,
			const char *key, double floor)
{
	__u32 r;

	if (!fig->done) {
		fprintf(f, "\"%s_ns\": null", key);
		return;
	}
	fprintf(f,
		"\"%s_ns\": %.2f, \"%s_ratio\": %.2f, "
		"\"%s_above_floor_ns\": %.2f, ",
		key, fig->ns, key, fig->ratio, key, fig->ns - floor);
	if (fig->sources)
		fprintf(f, "\"%s_sources\": %u, ", key, fig->sources);
	fprintf(f, "\"%s_runs_ns\": [", key);
	for (r = 0; r < fig->nruns; r++)
		fprintf(f, "%s%.2f", r ? ", " : "", fig->runs[r]);
	fprintf(f, "]");
}

static const struct bench_result *result_of(const struct bench_result *r,
					    __u32 n, const char *scenario)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (!strcmp(r[i].sc->name, scenario))
			return &r[i];
	return NULL;
}

/* How the measured CPU was shared: /proc/stat ticks of that CPU against
 * this process's own CPU time (it runs pinned there). */
struct cpu_sample {
	unsigned long long busy, steal, total; /* USER_HZ ticks */
	double self_s;
};

struct bench_env {
	char kernel[128];
	char model[128];
	char jit[16];
	struct cpu_sample start;
	double other_pct; /* CPU time taken by other tasks and interrupts */
	double steal_pct; /* taken by the hypervisor */
};

static void cpu_sample(int cpu, struct cpu_sample *cs)
{
	unsigned long long v[8] = {0};
	char line[256], name[16];
	struct rusage ru;
	FILE *f;

	memset(cs, 0, sizeof(*cs));
	snprintf(name, sizeof(name), "cpu%d ", cpu);
	f = fopen("/proc/stat", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, strlen(name)))
			continue;
		/* user nice system idle iowait irq softirq steal */
		sscanf(line + strlen(name),
		       "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		       &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		break;
	}
	if (f)
		fclose(f);
	cs->busy = v[0] + v[1] + v[2] + v[5] + v[6];
	cs->steal = v[7];
	cs->total = cs->busy + v[3] + v[4] + v[7];
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		cs->self_s = (double)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
			     (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void env_start(struct bench_env *e, int cpu)
{
	struct utsname u;

	memset(e, 0, sizeof(*e));
	snprintf(e->kernel, sizeof(e->kernel), "unknown");
	if (uname(&u) == 0)
		snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);
	read_line("/proc/cpuinfo", "model name", e->model, sizeof(e->model));
	read_line("/proc/sys/net/core/bpf_jit_enable", "", e->jit,
		  sizeof(e->jit));
	cpu_sample(cpu, &e->start);
}

static void env_end(struct bench_env *e, int cpu)
{
	long hz = sysconf(_SC_CLK_TCK);
	struct cpu_sample end;
	double total, other;

	cpu_sample(cpu, &end);
	total = (double)(end.total - e->start.total);
	if (total <= 0 || hz <= 0)
		return;
	other = (double)(end.busy - e->start.busy) -
		(end.self_s - e->start.self_s) * (double)hz;
	e->other_pct = other > 0 ? 100 * other / total : 0;
	e->steal_pct = 100 * (double)(end.steal - e->start.steal) / total;
}

/* Above this share of the measured CPU going elsewhere, say the figures
 * are noisy. */
#define BENCH_NOISY_PCT 5.0

static bool env_noisy(const struct bench_env *e)
{
	return e->other_pct + e->steal_pct > BENCH_NOISY_PCT;
}

static int write_json(const char *path, const struct bench_opts *o,
		      const struct bench_env *env,
		      const struct bench_figure *th,
		      const struct bench_figure *ts,
		      const struct bench_result *res, __u32 n)
{
	__u32 i, c;
	FILE *f;

	f = fopen(path, "w");
	if (!f) {
		int err = -errno;

		fprintf(stderr, "bench_xdp: cannot write %s: %s\n", path,
			strerror(-err));
		return err;
	}
	fprintf(f, "{\n  \"benchmark\": \"mxscreen_xdp cost per packet\",\n");
	fprintf(
	    f,
	    "  \"method\": \"bpf_prog_test_run_opts; hot: one packet, "
	    "repeat=%u, ns=opts.duration; spread: distinct sources from the "
	    "whole list in random order, repeat=1 per call, ns=mean "
	    "opts.duration; each figure the median of %u runs; ratio = ns / "
	    "trivial XDP_PASS ns measured the same way\",\n",
	    o->repeat, o->runs);
	fprintf(f,
		"  \"kernel\": \"%s\", \"cpu_model\": \"%s\", \"cpu\": %d, "
		"\"bpf_jit_enable\": \"%s\",\n",
		env->kernel, env->model, o->cpu, env->jit);
	fprintf(f,
		"  \"cpu_other_pct\": %.1f, \"cpu_steal_pct\": %.1f, "
		"\"noisy\": %s,\n",
		env->other_pct, env->steal_pct,
		env_noisy(env) ? "true" : "false");
	fprintf(f, "  \"repeat\": %u, \"runs\": %u, \"spread_sources\": %u,\n",
		o->repeat, o->runs, o->spread);
	fprintf(f, "  \"trivial\": {");
	json_figure(f, th, "hot", th->ns);
	fprintf(f, ", ");
	json_figure(f, ts, "spread", ts->ns);
	fprintf(f, "},\n  \"scenarios\": [\n");
	for (i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];
		bool v4 = r->sc->family == MXS_FAMILY_V4;

		fprintf(f,
			"    {\"name\": \"%s\", \"family\": \"%s\", "
			"\"entries\": %u,\n",
			r->sc->name, v4 ? "ipv4" : "ipv6", r->sc->entries);
		fprintf(f,
			"     \"hosts\": %u, \"host_map\": \"%s\", "
			"\"host_map_max_entries\": %u,\n",
			r->n_host,
			v4 ? MXS_MAP_BLOCK4_HOST : MXS_MAP_BLOCK6_HOST,
			r->host_max);
		fprintf(f,
			"     \"prefixes\": %u, \"prefix_lengths\": \"%s\", "
			"\"net_map\": \"%s\", \"net_map_max_entries\": %u,\n",
			r->n_net, v4 ? "/24" : "/48../64",
			v4 ? MXS_MAP_BLOCK4_NET : MXS_MAP_BLOCK6_NET,
			r->net_max);
		fprintf(f, "     \"batch_seed_s\": %.3f,\n     \"cases\": {\n",
			r->seed_s);
		for (c = 0; c < BC_NR; c++) {
			const struct bench_case *bc = &bench_cases[c];

			fprintf(f,
				"       \"%s\": {\"verdict\": \"%s\", "
				"\"counter\": \"%s\", ",
				bc->name,
				bc->verdict == XDP_DROP ? "XDP_DROP"
							: "XDP_PASS",
				stats_fields[case_stat(bc)].name);
			json_figure(f, &r->hot[c], "hot", th->ns);
			fprintf(f, ", ");
			json_figure(f, &r->spread[c], "spread", ts->ns);
			fprintf(f, "}%s\n", c + 1 < BC_NR ? "," : "");
		}
		fprintf(f, "     }}%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ],\n");
	fprintf(f, "  \"targets\": [");
	for (i = 0; i < BENCH_NR_TARGETS; i++) {
		const struct bench_result *t =
		    result_of(res, n, bench_targets[i].scenario);

		fprintf(f, "%s{\"scenario\": \"%s\", \"within_x_floor\": %.1f",
			i ? ", " : "", bench_targets[i].scenario,
			bench_targets[i].ratio);
		for (c = 0; t && c < BC_NR; c++) {
			const struct bench_figure *sp = &t->spread[c];

			if (sp->done)
				fprintf(f, ", \"%s_reached\": %s",
					bench_cases[c].name,
					sp->ratio <= bench_targets[i].ratio
					    ? "true"
					    : "false");
		}
		fprintf(f, "}");
	}
	fprintf(f, "]\n}\n");
	if (fclose(f)) {
		fprintf(stderr, "bench_xdp: cannot write %s\n", path);
		return -EIO;
	}
	return 0;
}

static void print_table(const struct bench_opts *o, const struct bench_env *env,
			const struct bench_figure *th,
			const struct bench_figure *ts,
			const struct bench_result *res, __u32 n)
{
	__u32 i, c;

	printf("mxscreen_xdp cost per packet: BPF_PROG_RUN on CPU %d, median "
	       "of %u runs\n",
	       o->cpu, o->runs);
	printf("  hot    = one packet, repeat %u\n", o->repeat);
	printf("  spread = up to %u distinct sources from the whole list, "
	       "repeat 1 each (cache-cold-ish)\n",
	       o->spread);
	printf("  floor  = trivial XDP_PASS: hot %.1f ns, spread %.1f ns\n",
	       th->ns, ts->ns);
	printf(
	    "  CPU %d shared: %.1f%% of its time went to other tasks, %.1f%% "
	    "to the hypervisor%s\n\n",
	    o->cpu, env->other_pct, env->steal_pct,
	    env_noisy(env) ? " (figures are noisy)" : "");
	printf("%-10s %-24s %-10s %8s %7s %9s %7s\n", "scenario",
	       "block entries", "case", "hot ns", "x floor", "spread ns",
	       "x floor");
	for (i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];
		char what[64];

		snprintf(what, sizeof(what), "%u host + %u %s", r->n_host,
			 r->n_net,
			 r->sc->family == MXS_FAMILY_V4 ? "/24" : "/48-64");
		for (c = 0; c < BC_NR; c++) {
			const struct bench_figure *h = &r->hot[c];
			const struct bench_figure *s = &r->spread[c];

			if (!h->done)
				continue;
			printf("%-10s %-24s %-10s %8.1f %7.2f",
			       c ? "" : r->sc->name, c ? "" : what,
			       bench_cases[c].name, h->ns, h->ratio);
			if (s->done)
				printf(" %9.1f %7.2f", s->ns, s->ratio);
			printf("\n");
		}
	}
	printf("\nwrite of the block entries (kmap_entries_put_many):");
	for (i = 0; i < n; i++)
		printf(" %s %.2f s%s", res[i].sc->name, res[i].seed_s,
		       i + 1 < n ? "," : "\n");
	for (i = 0; i < BENCH_NR_TARGETS; i++) {
		const struct bench_result *t =
		    result_of(res, n, bench_targets[i].scenario);

		if (!t)
			continue;
		printf("target: every spread case of %s within %.0fx floor:",
		       bench_targets[i].scenario, bench_targets[i].ratio);
		for (c = 0; c < BC_NR; c++) {
			const struct bench_figure *sp = &t->spread[c];

			if (sp->done)
				printf(" %s %.2fx (%s)", bench_cases[c].name,
				       sp->ratio,
				       sp->ratio <= bench_targets[i].ratio
					   ? "reached"
					   : "NOT reached");
		}
		printf("\n");
	}
}

/* ------------------------------------------------------------------------ */

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		int err = -errno;

		fprintf(stderr, "bench_xdp: cannot pin to CPU %d: %s\n", cpu,
			strerror(-err));
		return err;
	}
	return 0;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: bench_xdp [--out FILE] [--cpu N] [--runs N] [--repeat N]\n"
	    "                 [--spread N] [--only SCENARIO]\n"
	    "scenarios: ipv4-1k ipv4-100k ipv4-1M ipv6-100k\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"cpu", required_argument, NULL, 'c'},
	    {"runs", required_argument, NULL, 'r'},
	    {"repeat", required_argument, NULL, 'R'},
	    {"spread", required_argument, NULL, 's'},
	    {"only", required_argument, NULL, 'O'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct bench_opts o = {
	    .out = "build/bench/xdp.json",
	    .cpu = -1,
	    .runs = BENCH_DEFAULT_RUNS,
	    .repeat = BENCH_DEFAULT_REPEAT,
	    .spread = BENCH_DEFAULT_SPREAD,
	};
	struct bench_result res[BENCH_NR_SCENARIOS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct bench_figure t_hot = {0}, t_spread = {0};
	struct bench_env env;
	__u32 i, c, n = 0, cpu;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		err = 0;
		switch (opt) {
		case 'o':
			o.out = optarg;
			break;
		case 'c':
			err = parse_u32("--cpu", optarg, 0,
					ncpu > 0 ? (__u32)ncpu - 1 : 0, &cpu);
			o.cpu = (int)cpu;
			break;
		case 'r':
			err = parse_u32("--runs", optarg, 1, BENCH_MAX_RUNS,
					&o.runs);
			break;
		case 'R':
			err = parse_u32("--repeat", optarg, 1, UINT32_MAX / 2,
					&o.repeat);
			break;
		case 's':
			err = parse_u32("--spread", optarg, 1, BENCH_MAX_SPREAD,
					&o.spread);
			break;
		case 'O':
			o.only = optarg;
			break;
		default:
			usage();
			return opt == 'h' ? 0 : 2;
		}
		if (err)
			return 2;
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "bench_xdp: BPF_PROG_RUN needs root; run it as "
				"root (sudo make bench)\n");
		return 1;
	}
	libbpf_set_print(libbpf_print);
	/* The last CPU: on small machines CPU 0 takes most interrupts. */
	if (o.cpu < 0)
		o.cpu = ncpu > 1 ? (int)ncpu - 1 : 0;
	if (pin_cpu(o.cpu))
		return 1;

	env_start(&env, o.cpu);
	err = run_trivial(&o, &t_hot, &t_spread);
	if (err)
		return 1;
	fprintf(stderr,
		"bench_xdp: trivial XDP_PASS: hot %.1f ns, spread "
		"%.1f ns\n",
		t_hot.ns, t_spread.ns);
	if (t_hot.ns < 1 || t_spread.ns < 1) {
		fprintf(stderr, "bench_xdp: the floor measured 0 ns: no ratio "
				"possible; is the BPF JIT timing broken?\n");
		return 1;
	}
	for (i = 0; i < BENCH_NR_SCENARIOS; i++) {
		if (o.only && strcmp(o.only, bench_scenarios[i].name))
			continue;
		err = run_scenario(&bench_scenarios[i], &o, &res[n]);
		if (err)
			return 1;
		for (c = 0; c < BC_NR; c++) {
			res[n].hot[c].ratio = res[n].hot[c].ns / t_hot.ns;
			res[n].spread[c].ratio =
			    res[n].spread[c].ns / t_spread.ns;
		}
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "bench_xdp: no scenario named %s\n", o.only);
		usage();
		return 2;
	}
	t_hot.ratio = t_spread.ratio = 1;
	env_end(&env, o.cpu);
	if (write_json(o.out, &o, &env, &t_hot, &t_spread, res, n))
		return 1;
	print_table(&o, &env, &t_hot, &t_spread, res, n);
	printf("results: %s\n", o.out);
	return 0;
}
