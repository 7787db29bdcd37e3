// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_xdp.c - frames through the real XDP program (the skeleton of
 * build/bpf/mxscreen.bpf.o), run with bpf_prog_test_run_opts() as
 * tests/bpf/test_xdp.c does.  Needs root.
 *
 * Loaded once, maps shrunk, nothing pinned; the ports map screens 25
 * (mx), 465 and 587 (submission) and 2525 (mx); the lists hold host and
 * prefix entries of every reason, IPv4 and IPv6, for all classes or one,
 * live and expired, and allow entries that cover some of them (table
 * `entries` below), with their hints as kmap.c writes them.
 *
 * The input: byte 0 chooses the run (bit 0 observe, bit 1 action reset,
 * bit 2 a SYN rate limit of 3 per minute on both classes, bits 3-4 how
 * the frame is made), byte 1 picks from the tables, the rest is:
 *   kind 0, 3: the frame itself, raw;
 *   kind 1: the fields of a struct pkt_spec (family, VLAN tags, IPv4
 *           options, IPv6 extension headers, fragments, ports, flags,
 *           TCP options, payload, and malformed lengths now and then),
 *           built by tests/bpf/packets.c: a valid frame, or one broken
 *           in a known way;
 *   kind 2: a valid SYN from a source of the table to a port of the
 *           table, cut to a length and with bytes overwritten at
 *           offsets, both from the input.
 *
 * Invariants on every run:
 *  - a frame of at least 14 bytes runs (shorter: EINVAL, nothing
 *    counted); the verdict is XDP_PASS, XDP_DROP or XDP_TX, never
 *    XDP_ABORTED or anything else;
 *  - the per-CPU stats grow by exactly one packet and exactly one
 *    outcome, and the outcome goes with the verdict: drop_* with DROP,
 *    reset_* with TX, every other with PASS;
 *  - a verdict other than TX leaves the frame as it was, length and bytes;
 *  - without a rate limit, a frame whose source address (as found after
 *    up to two VLAN tags) is covered by no live block entry is passed
 *    (allowed or not, any port, any shape); a frame without a whole IP
 *    header is passed;
 *  - a well-formed SYN (kind 1, nothing malformed) to port 25 from a
 *    source with a live block entry for mx and no live allow entry is
 *    refused: DROP or TX (observe: PASS, counted as observe_*);
 *  - an XDP_TX answer is a well-formed TCP RST|ACK from the SYN's
 *    destination to its source (addresses, ports, MACs swapped, VLAN tags
 *    kept), with correct IPv4 header and TCP checksums, 20 bytes of TCP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "../../bpf/mxscreen.h"
#include "lib/kmap.h"
#include "mxscreen.skel.h"
#include "packets.h"
#include "fuzz.h"

#define LIST_MAX 64 /* list map capacity */
#define NS_PER_S 1000000000ull

/* Mode bits of byte 0. */
#define M_OBSERVE 0x01
#define M_RESET 0x02
#define M_RATE 0x04
#define M_KIND(m) (((m) >> 3) & 3)

enum { EXP_NEVER, EXP_PAST, EXP_FUTURE };

struct entry {
	int list;	    /* MXS_LIST_ALLOW / MXS_LIST_BLOCK */
	const char *prefix; /* "addr/len"; a /32 or /128 goes to the host map */
	__u8 classes;	    /* MXS_CLASS_BIT mask */
	__u8 reason;
	int expiry;
	/* parsed at start-up */
	int family;
	__u8 addr[16];
	int len;
};

#define MX MXS_CLASS_BIT(MXS_CLASS_MX)
#define SUB MXS_CLASS_BIT(MXS_CLASS_SUBMISSION)
#define ALL MXS_CLASSES_ALL
#define BLOCK MXS_LIST_BLOCK
#define ALLOW MXS_LIST_ALLOW
#define E(l, p, c, r, x)                                                       \
	{                                                                      \
		.list = (l), .prefix = (p), .classes = (c), .reason = (r),     \
		.expiry = (x)                                                  \
	}

static struct entry entries[] = {
	E(BLOCK, "198.51.100.7/32", ALL, MXS_REASON_MANUAL, EXP_NEVER),
	E(BLOCK, "198.51.100.9/32", MX, MXS_REASON_DNSBL, EXP_FUTURE),
	E(BLOCK, "198.51.100.10/32", SUB, MXS_REASON_RATE, EXP_NEVER),
	E(BLOCK, "198.51.100.11/32", ALL, MXS_REASON_LIST, EXP_PAST),
	E(BLOCK, "198.51.100.12/32", ALL, MXS_REASON_FILE, EXP_NEVER),
	E(ALLOW, "198.51.100.12/32", ALL, MXS_REASON_MANUAL, EXP_NEVER),
	E(BLOCK, "203.0.113.0/24", ALL, MXS_REASON_LIST, EXP_NEVER),
	E(BLOCK, "203.0.113.128/25", MX, MXS_REASON_DNSBL, EXP_PAST),
	E(ALLOW, "203.0.113.64/26", ALL, MXS_REASON_MANUAL, EXP_NEVER),
	E(ALLOW, "203.0.113.32/27", ALL, MXS_REASON_MANUAL, EXP_PAST),
	E(BLOCK, "192.0.2.0/28", SUB, MXS_REASON_RATE, EXP_FUTURE),
	E(BLOCK, "2001:db8:51::7/128", ALL, MXS_REASON_MANUAL, EXP_NEVER),
	E(BLOCK, "2001:db8:51::9/128", MX, MXS_REASON_DNSBL, EXP_PAST),
	E(BLOCK, "2001:db8:66::/48", ALL, MXS_REASON_LIST, EXP_NEVER),
	E(ALLOW, "2001:db8:66:1::/64", ALL, MXS_REASON_MANUAL, EXP_NEVER),
	E(BLOCK, "2001:db8:77::/56", MX, MXS_REASON_RATE, EXP_FUTURE),
	E(BLOCK, "2001:db8:77::5/128", SUB, MXS_REASON_FILE, EXP_NEVER),
};
#define NR_ENTRIES (sizeof(entries) / sizeof(entries[0]))

/* Sources frames are built from: blocked, allowed, expired, other class,
 * clean; IPv4 then IPv6. */
static const char *const sources4[] = {
	"198.51.100.7", "198.51.100.9",	 "198.51.100.10", "198.51.100.11",
	"198.51.100.12", "203.0.113.5",	 "203.0.113.70",  "203.0.113.200",
	"203.0.113.40", "192.0.2.3",	 "192.0.2.99",	  "10.1.2.3",
	"0.0.0.0",	"255.255.255.255",
};
static const char *const sources6[] = {
	"2001:db8:51::7",    "2001:db8:51::9", "2001:db8:66::1",
	"2001:db8:66:1::1",  "2001:db8:77::5", "2001:db8:77::6",
	"2001:db8:51::8",    "::ffff:198.51.100.7", "fe80::1", "::",
};
static const __u16 dports[] = {25, 465, 587, 2525, 80, 26, 0, 65535};
static const __u8 ext_types[] = {EXT_HOP, EXT_ROUTING, EXT_FRAG, EXT_DEST};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct mxscreen_bpf *skel;
static struct kmap km; /* the writer, on the maps pinned in pin_dir */
static char pin_dir[64];
static int prog_fd, stats_fd, config_fd, ncpus;
static struct mxs_stats *percpu;

static __u64 boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * NS_PER_S + (__u64)ts.tv_nsec;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_xdp: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void update(int fd, const void *key, const void *value)
{
	if (bpf_map_update_elem(fd, key, value, BPF_ANY))
		die("cannot update a map: %s", strerror(errno));
}

static void seed_entry(struct entry *e)
{
	struct mxs_entry v = {.classes = e->classes, .reason = e->reason};
	char addr[64], *slash;
	int allow = e->list == ALLOW, err;
	struct addr_cidr c;

	snprintf(addr, sizeof(addr), "%s", e->prefix);
	slash = strchr(addr, '/');
	*slash = '\0';
	e->len = atoi(slash + 1);
	e->family = strchr(addr, ':') ? 6 : 4;
	if (inet_pton(e->family == 6 ? AF_INET6 : AF_INET, addr, e->addr) != 1)
		die("bad entry %s", e->prefix);
	if (e->expiry == EXP_PAST)
		v.expires_ns = boot_ns() - NS_PER_S;
	else if (e->expiry == EXP_FUTURE)
		v.expires_ns = boot_ns() + 30 * 86400 * NS_PER_S;
	memset(&c, 0, sizeof(c));
	c.family = e->family == 6 ? MXS_FAMILY_V6 : MXS_FAMILY_V4;
	c.prefixlen = (uint8_t)e->len;
	memcpy(c.addr, e->addr, e->family == 6 ? 16 : 4);
	/* as the CLI writes it: the directories and hints in step */
	err = kmap_entry_put(&km, allow ? MXS_LIST_ALLOW : MXS_LIST_BLOCK, &c,
			     &v, NULL, NULL);
	if (err)
		die("cannot write entry %s: %s", e->prefix, strerror(-err));
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static void setup(void)
{
	struct bpf_map *list_maps[] = {
	    skel->maps.allow4_host, skel->maps.allow4_net,
	    skel->maps.allow6_host, skel->maps.allow6_net,
	    skel->maps.block4_host, skel->maps.block4_net,
	    skel->maps.block6_host, skel->maps.block6_net,
	    skel->maps.meta,	    skel->maps.offences,
	};
	mxs_port_class_t mx = MX, sub = SUB;
	__u32 port;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_LEN(list_maps); i++)
		bpf_map__set_max_entries(list_maps[i], LIST_MAX);
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		die("cannot count CPUs");
	/* LRU hashes hand out elements per CPU in batches (test_xdp.c) */
	bpf_map__set_max_entries(skel->maps.rate_syn, 256 * ncpus);
	bpf_map__set_max_entries(skel->maps.rate_conn, 256 * ncpus);
	err = mxscreen_bpf__load(skel);
	if (err)
		die("cannot load the BPF object: %s (run as root)",
		    strerror(-err));
	prog_fd = bpf_program__fd(skel->progs.mxscreen_xdp);
	stats_fd = bpf_map__fd(skel->maps.stats);
	config_fd = bpf_map__fd(skel->maps.config);
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		die("out of memory");
	/* pinned for kmap, and unpinned at once: kmap holds the fds */
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/mxs-fuzz-xdp-%d",
		 (int)getpid());
	err = bpf_object__pin_maps(skel->obj, pin_dir);
	err = err ?: kmap_open(&km, pin_dir);
	bpf_object__unpin_maps(skel->obj, pin_dir);
	rmdir(pin_dir);
	if (err)
		die("cannot pin the maps in %s and open them: %s (is bpffs "
		    "mounted on /sys/fs/bpf?)", pin_dir, strerror(-err));

	port = 25;
	update(bpf_map__fd(skel->maps.ports), &port, &mx);
	port = 2525;
	update(bpf_map__fd(skel->maps.ports), &port, &mx);
	port = 465;
	update(bpf_map__fd(skel->maps.ports), &port, &sub);
	port = 587;
	update(bpf_map__fd(skel->maps.ports), &port, &sub);
	for (i = 0; i < NR_ENTRIES; i++)
		seed_entry(&entries[i]);
}

static void read_stats(__u64 out[MXS_STATS_NR_FIELDS])
{
	__u32 key = 0;
	int cpu;
	size_t i;

	if (bpf_map_lookup_elem(stats_fd, &key, percpu))
		die("cannot read the stats: %s", strerror(errno));
	memset(out, 0, MXS_STATS_NR_FIELDS * sizeof(__u64));
	for (cpu = 0; cpu < ncpus; cpu++) {
		const __u64 *f = (const __u64 *)&percpu[cpu];

		for (i = 0; i < MXS_STATS_NR_FIELDS; i++)
			out[i] += f[i];
	}
}

static void set_config(__u8 mode)
{
	static int last = -1;
	struct mxs_config cfg = {0};
	__u32 key = 0;
	int want = mode & (M_OBSERVE | M_RESET | M_RATE);

	if (want == last)
		return;
	cfg.flags = MXS_CFG_INITIALISED | (mode & M_OBSERVE ? MXS_CFG_OBSERVE : 0);
	cfg.action = mode & M_RESET ? MXS_ACTION_RESET : MXS_ACTION_DROP;
	if (mode & M_RATE) {
		/* 3 per 60 s, as settings_rate_from() makes it */
		for (int c = 0; c < MXS_NR_CLASSES; c++) {
			cfg.syn_rate[c].burst = 3;
			cfg.syn_rate[c].period_s = 60;
			cfg.syn_rate[c].emission_ns = 20 * NS_PER_S;
			cfg.syn_rate[c].tau_ns = 40 * NS_PER_S;
		}
	}
	update(config_fd, &key, &cfg);
	last = want;
}

/* ---- what the harness knows without the program ------------------------ */

/* Finds the source address as the program does: after up to two VLAN
 * tags, a whole IPv4 or IPv6 header.  Returns 4, 6 or 0 (none). */
static int frame_source(const __u8 *f, size_t len, __u8 addr[16])
{
	size_t off = 12;
	int tags = 0;
	__u16 type;

	if (len < 14)
		return 0;
	type = (__u16)(f[off] << 8 | f[off + 1]);
	while ((type == 0x8100 || type == 0x88a8) && tags < 2) {
		off += 4;
		if (off + 2 > len)
			return 0;
		type = (__u16)(f[off] << 8 | f[off + 1]);
		tags++;
	}
	off += 2;
	if (type == 0x0800 && off + 20 <= len) {
		memcpy(addr, f + off + 12, 4);
		return 4;
	}
	if (type == 0x86dd && off + 40 <= len) {
		memcpy(addr, f + off + 8, 16);
		return 6;
	}
	return 0;
}

static int covers(const struct entry *e, int family, const __u8 *addr)
{
	int full = e->len / 8, rest = e->len % 8;

	if (e->family != family || memcmp(e->addr, addr, (size_t)full))
		return 0;
	return !rest || !((e->addr[full] ^ addr[full]) & (0xff << (8 - rest)));
}

/* Whether any live entry of the list covers the address: without one,
 * nothing in that list can decide. */
static int live_entry(int list, int family, const __u8 *addr)
{
	for (size_t i = 0; i < NR_ENTRIES; i++) {
		const struct entry *e = &entries[i];

		if (e->list == list && e->expiry != EXP_PAST &&
		    covers(e, family, addr))
			return 1;
	}
	return 0;
}

/* Whether the list decides for the address and the classes in mask (0:
 * any), as the program looks: the host entry, then the longest prefix
 * only (an expired long prefix hides a live shorter one: design.md). */
static int list_decides(int list, int family, const __u8 *addr, __u8 mask)
{
	const struct entry *host = NULL, *net = NULL;
	int bits = family == 6 ? 128 : 32;

	for (size_t i = 0; i < NR_ENTRIES; i++) {
		const struct entry *e = &entries[i];

		if (e->list != list || !covers(e, family, addr))
			continue;
		if (e->len == bits)
			host = e;
		else if (!net || e->len > net->len)
			net = e;
	}
	if (host && host->expiry != EXP_PAST && (!mask || host->classes & mask))
		return 1;
	return net && net->expiry != EXP_PAST && (!mask || net->classes & mask);
}

/* ---- making frames ----------------------------------------------------- */

/* Input bytes, read one at a time; 0 once they run out. */
struct input {
	const __u8 *p;
	size_t n;
};

static __u8 next(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static void spec_source(struct pkt_spec *s, __u8 pick)
{
	if (s->family == 6)
		s->src = sources6[pick % ARRAY_LEN(sources6)];
	else
		s->src = sources4[pick % ARRAY_LEN(sources4)];
}

/* Kind 1: a spec from the input.  *clean: nothing malformed on purpose. */
static void spec_from_input(struct pkt_spec *s, __u8 pick, struct input *in,
			    int *clean)
{
	__u8 b = next(in), m;
	int i;

	memset(s, 0, sizeof(*s));
	s->family = b & 1 ? 6 : 4;
	s->n_vlans = (b >> 1) & 3;
	for (i = 0; i < s->n_vlans; i++)
		s->vlan_tpid[i] = next(in) & 1 ? 0x88a8 : 0x8100;
	spec_source(s, pick);
	s->dport = dports[(pick >> 4) % ARRAY_LEN(dports)];
	if (!s->dport)
		s->dport = (__u16)(next(in) << 8 | next(in));
	s->sport = (__u16)(next(in) << 8 | next(in));
	s->tcp_flags = next(in);
	b = next(in);
	if (b & 0x80)
		s->ip_proto = next(in); /* 6 is TCP again */
	s->frag = (enum pkt_frag)((b >> 5) % 3);
	if (s->family == 4) {
		s->ip4_opt_len = 4 * ((b & 0x1f) % 11);
	} else {
		s->n_ext = (b & 0x1f) % 9;
		for (i = 0; i < s->n_ext; i++)
			s->ext[i] = ext_types[next(in) % ARRAY_LEN(ext_types)];
	}
	b = next(in);
	s->tcp_opt_len = 4 * (b % 11);
	s->payload_len = next(in);
	s->seq = (__u32)next(in) << 24 | (__u32)next(in);
	/* malformations, each now and then */
	m = next(in);
	*clean = !m;
	if (m & 1)
		s->ip4_ihl = next(in) & 0xf;
	if (m & 2)
		s->ip4_tot_len = (int)(next(in) << 4);
	if (m & 4)
		s->ip6_payload_len = (int)(next(in) << 4);
	if (m & 8)
		s->tcp_doff = next(in) & 0xf;
	if (m & 0xf0)
		*clean = 0;
}

/* ---- one run ----------------------------------------------------------- */

/*
 * libFuzzer sees the coverage of this file, not of the BPF program.  What
 * the program did is fed back as extra features instead: one counter per
 * (outcome, observe/reset/rate, family, kind of frame), in the section
 * libFuzzer reads as extra coverage counters (an ordinary array without
 * libFuzzer).  An input that reaches a new outcome in a new setting is
 * then kept in the corpus.
 */
#define NR_FEATURES (MXS_STATS_NR_FIELDS * 8 * 3 * 4)
__attribute__((section("__libfuzzer_extra_counters"), used)) static __u8
	features[NR_FEATURES];

static void feature(size_t field, __u8 mode, int family)
{
	size_t fam = family == 4 ? 1 : family == 6 ? 2 : 0;
	size_t i = ((field * 8 + (mode & 7)) * 3 + fam) * 4 + M_KIND(mode);

	if (i < NR_FEATURES)
		features[i]++;
}

static __u8 frame[PKT_MAX], out[PKT_MAX + 256];

static int outcome_action(size_t field)
{
	size_t drop0 = offsetof(struct mxs_stats, drop_manual) / 8,
	       reset0 = offsetof(struct mxs_stats, reset_manual) / 8,
	       drop_unparsed = offsetof(struct mxs_stats, drop_unparsed) / 8;

	if ((field >= drop0 && field < reset0) || field == drop_unparsed)
		return XDP_DROP;
	if (field >= reset0 && field < reset0 + MXS_NR_REASONS - 1)
		return XDP_TX;
	return XDP_PASS;
}

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* An XDP_TX answer: a RST|ACK for the SYN in `in`. */
static void check_rst(const __u8 *in, size_t in_len, const __u8 *o,
		      size_t o_len)
{
	struct pkt_view vi, vo;
	const __u8 *oip, *ot;

	FUZZ_CHECK(pkt_view(o, o_len, &vo) == 0, "TX: the answer is not TCP/IP");
	FUZZ_CHECK(o_len == vo.l3_off + (vo.family == 4 ? 20u : 40u) + 20,
		   "TX: %zu bytes", o_len);
	oip = o + vo.l3_off;
	ot = o + vo.l4_off;
	FUZZ_CHECK(vo.l4_len == 20 && ot[12] == 0x50 &&
			   ot[13] == (TF_RST | TF_ACK),
		   "TX: TCP length %zu, doff byte %#x, flags %#x", vo.l4_len,
		   ot[12], ot[13]);
	if (vo.family == 4)
		FUZZ_CHECK(oip[0] == 0x45 && get16(oip + 2) == 40 &&
				   pkt_ip4_csum_ok(o, &vo),
			   "TX: IPv4 header %#x, length %u, or its checksum",
			   oip[0], get16(oip + 2));
	else
		FUZZ_CHECK(oip[0] >> 4 == 6 && get16(oip + 4) == 20 &&
				   oip[6] == 6,
			   "TX: IPv6 header");
	FUZZ_CHECK(pkt_tcp_csum_ok(o, &vo), "TX: bad TCP checksum");

	/* against the SYN it answers */
	FUZZ_CHECK(pkt_view(in, in_len, &vi) == 0 && vi.family == vo.family &&
			   vi.l3_off == vo.l3_off,
		   "TX: the frame answered is no TCP/IP of the same shape");
	FUZZ_CHECK(!memcmp(o, in + 6, 6) && !memcmp(o + 6, in, 6) &&
			   !memcmp(o + 12, in + 12, vi.l3_off - 12),
		   "TX: MACs not swapped or VLAN tags changed");
	if (vi.family == 4)
		FUZZ_CHECK(!memcmp(oip + 12, in + vi.l3_off + 16, 4) &&
				   !memcmp(oip + 16, in + vi.l3_off + 12, 4),
			   "TX: IPv4 addresses not swapped");
	else
		FUZZ_CHECK(!memcmp(oip + 8, in + vi.l3_off + 24, 16) &&
				   !memcmp(oip + 24, in + vi.l3_off + 8, 16),
			   "TX: IPv6 addresses not swapped");
	FUZZ_CHECK(get16(ot) == get16(in + vi.l4_off + 2) &&
			   get16(ot + 2) == get16(in + vi.l4_off),
		   "TX: ports not swapped");
}

static void run(const __u8 *f, size_t len, __u8 mode, int refuse_expected)
{
	__u64 before[MXS_STATS_NR_FIELDS], after[MXS_STATS_NR_FIELDS];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f, .data_size_in = (__u32)len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	size_t i, field = 0, grew = 0;
	__u8 src[16];
	int err, family;

	read_stats(before);
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (err)
		err = -errno;
	read_stats(after);
	if (len < 14) {
		FUZZ_CHECK(err == -EINVAL, "%zu bytes: got %d, want EINVAL", len,
			   err);
		FUZZ_CHECK(!memcmp(before, after, sizeof(before)),
			   "%zu bytes: counted", len);
		return;
	}
	FUZZ_CHECK(err == 0, "%zu bytes: BPF_PROG_RUN failed: %s", len,
		   strerror(-err));
	FUZZ_CHECK(opts.retval == XDP_PASS || opts.retval == XDP_DROP ||
			   opts.retval == XDP_TX,
		   "verdict %u", opts.retval);
	FUZZ_CHECK(after[0] - before[0] == 1, "packets grew by %llu",
		   (unsigned long long)(after[0] - before[0]));
	for (i = 1; i < MXS_STATS_NR_FIELDS; i++) {
		__u64 d = after[i] - before[i];

		FUZZ_CHECK(d <= 1, "outcome %zu grew by %llu", i,
			   (unsigned long long)d);
		if (d) {
			field = i;
			grew++;
		}
	}
	FUZZ_CHECK(grew == 1, "%zu outcomes grew", grew);
	FUZZ_CHECK(outcome_action(field) == (int)opts.retval,
		   "outcome %zu with verdict %u", field, opts.retval);
	if (opts.retval != XDP_TX)
		FUZZ_CHECK(opts.data_size_out == len && !memcmp(out, f, len),
			   "verdict %u changed the frame", opts.retval);
	else
		check_rst(f, len, out, opts.data_size_out);

	family = frame_source(f, len, src);
	feature(field, mode, family);
	if (!family)
		FUZZ_CHECK(opts.retval == XDP_PASS,
			   "no source found, verdict %u (outcome %zu)",
			   opts.retval, field);
	else if (!(mode & M_RATE) && !live_entry(BLOCK, family, src))
		FUZZ_CHECK(opts.retval == XDP_PASS,
			   "clean source, verdict %u (outcome %zu)", opts.retval,
			   field);
	if (refuse_expected) {
		if (mode & M_OBSERVE)
			FUZZ_CHECK(opts.retval == XDP_PASS &&
					   ((field >= offsetof(struct mxs_stats,
							       observe_manual) / 8 &&
					     field < offsetof(struct mxs_stats,
							      pass_unparsed) / 8) ||
					    field == offsetof(struct mxs_stats,
							      observe_unparsed) / 8),
				   "blocked SYN, observe: verdict %u outcome %zu",
				   opts.retval, field);
		else
			FUZZ_CHECK(opts.retval == XDP_DROP ||
					   opts.retval == XDP_TX,
				   "blocked SYN: verdict %u (outcome %zu)",
				   opts.retval, field);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	struct pkt_spec s;
	__u8 mode, pick, src[16];
	size_t len;
	int clean = 0, refuse = 0, family;

	if (!skel) {
		libbpf_set_print(libbpf_quiet);
		skel = mxscreen_bpf__open();
		if (!skel)
			die("cannot open the BPF skeleton: %s", strerror(errno));
		setup();
	}
	mode = next(&in);
	pick = next(&in);
	set_config(mode);

	switch (M_KIND(mode)) {
	case 1:
		spec_from_input(&s, pick, &in, &clean);
		len = pkt_build(&s, frame, sizeof(frame));
		if (!len)
			return 0; /* a spec packets.c refuses */
		/* a clean SYN to 25 from a blocked, not allowed source */
		family = frame_source(frame, len, src);
		refuse = clean && s.n_vlans <= 2 && s.dport == 25 &&
			 s.tcp_flags == TF_SYN && (!s.ip_proto || s.ip_proto == 6) &&
			 family && list_decides(BLOCK, family, src, MX) &&
			 !list_decides(ALLOW, family, src, 0);
		run(frame, len, mode, refuse);
		return 0;
	case 2: {
		__u8 cut;

		memset(&s, 0, sizeof(s));
		s.family = pick & 1 ? 6 : 4;
		spec_source(&s, pick >> 1);
		s.dport = dports[(pick >> 5) % 4];
		s.tcp_flags = TF_SYN;
		s.tcp_opt_len = 20;
		len = pkt_build(&s, frame, sizeof(frame));
		if (!len)
			abort();
		cut = next(&in);
		if (cut && cut < len)
			len = cut;
		while (in.n >= 2) {
			__u8 off = next(&in), val = next(&in);

			frame[off % len] = val;
		}
		run(frame, len, mode, 0);
		return 0;
	}
	default:
		len = in.n < sizeof(frame) ? in.n : sizeof(frame);
		memcpy(frame, in.p, len);
		run(frame, len, mode, 0);
		return 0;
	}
}
