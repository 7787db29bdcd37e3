/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_xdp.c - tests of the real XDP program (bpf/mxscreen.bpf.c).
 *
 * Loads the skeleton once (list maps shrunk), pins its maps in a directory
 * of its own so that the cases seed them through the real writer
 * (userspace/lib/kmap.c, which keeps the "dir4"/"dir6" directories in step),
 * and runs hand-built frames (packets.c) through the program with
 * bpf_prog_test_run_opts.  Every run checks the verdict, the frame length
 * that came back, and the per-CPU stats delta: `packets` +1, the expected
 * outcome +1, every other outcome +0.  Table failures are all reported
 * ("case 'x': got A, want B") before the test fails.
 *
 * Needs root (BPF_PROG_LOAD, BPF_PROG_RUN).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "../../bpf/mxscreen.h"
#include "lib/kmap.h"
#include "mxscreen.skel.h"
#include "packets.h"

#define TEST_LIST_MAX 64 /* list map capacity in the tests */

/* The outcome fields of struct mxs_stats, in order (index 0 = packets). */
static const char *const stat_names[] = {
	"packets", "pass_not_ip", "pass_not_tcp", "pass_not_smtp",
	"pass_established", "pass_clean", "pass_allowed", "pass_expired",
	"pass_other_class", "drop_manual", "drop_list", "drop_dnsbl",
	"drop_rate", "drop_file", "drop_postfix", "drop_account",
	"reset_manual", "reset_list", "reset_dnsbl", "reset_rate",
	"reset_file", "reset_postfix", "reset_account", "observe_manual",
	"observe_list", "observe_dnsbl", "observe_rate", "observe_file",
	"observe_postfix", "observe_account", "pass_unparsed", "drop_unparsed",
	"observe_unparsed",
};
_Static_assert(sizeof(stat_names) / sizeof(stat_names[0]) ==
		   MXS_STATS_NR_FIELDS,
	       "stat_names lists every field of struct mxs_stats");
_Static_assert(offsetof(struct mxs_stats, observe_unparsed) ==
		   (MXS_STATS_NR_FIELDS - 1) * sizeof(__u64),
	       "stat_names order");

static struct mxscreen_bpf *skel;
static struct kmap km; /* the writer under test, on the pinned maps */
static char pin_dir[64];
static int prog_fd;
static int ncpus;
static __u64 nr_runs; /* frames the program actually ran on */

/* --- helpers ---------------------------------------------------------- */

static const char *action_name(int a)
{
	static char buf[32];

	switch (a) {
	case XDP_ABORTED:
		return "XDP_ABORTED";
	case XDP_DROP:
		return "XDP_DROP";
	case XDP_PASS:
		return "XDP_PASS";
	case XDP_TX:
		return "XDP_TX";
	case XDP_REDIRECT:
		return "XDP_REDIRECT";
	}
	snprintf(buf, sizeof(buf), "action %d", a);
	return buf;
}

static __u64 boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The stats summed over CPUs, as an array of fields. */
static void read_stats(__u64 out[MXS_STATS_NR_FIELDS])
{
	struct mxs_stats *percpu = calloc(ncpus, sizeof(*percpu));
	__u32 key = 0;
	int cpu;
	size_t i;

	assert_non_null(percpu);
	assert_int_equal(
	    bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &key, percpu),
	    0);
	memset(out, 0, MXS_STATS_NR_FIELDS * sizeof(__u64));
	for (cpu = 0; cpu < ncpus; cpu++) {
		const __u64 *f = (const __u64 *)&percpu[cpu];

		for (i = 0; i < MXS_STATS_NR_FIELDS; i++)
			out[i] += f[i];
	}
	free(percpu);
}

static void clear_map(struct bpf_map *map)
{
	int fd = bpf_map__fd(map);
	__u8 key[64];

	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		assert_int_equal(bpf_map_delete_elem(fd, key), 0);
}

static void set_config(__u32 flags, __u32 action)
{
	struct mxs_config cfg = {.flags = flags, .action = action};
	__u32 key = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.config),
					     &key, &cfg, BPF_ANY),
			 0);
}

/* IPv6 hint elements the current case set (through kmap), to zero them
 * again in reset_state() (zeroing all MXS_HINT_ENTRIES per case would
 * dominate the run time). */
static __u32 hints_set[MXS_HINT_ENTRIES];
static size_t nr_hints_set;

static void set_hint(__u32 idx, __u8 value)
{
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.hints),
					     &idx, &value, BPF_ANY),
			 0);
}

/* Notes the hints kmap sets for an IPv6 prefix shorter than /48. */
static void note_hints(int list, const __u8 *addr, __u32 len)
{
	__u32 kind = list == MXS_LIST_ALLOW ? MXS_HINT_ALLOW
					    : MXS_HINT_BLOCK_NET;
	__u32 first, count;

	if (len >= MXS_DIR6_PREFIX)
		return;
	mxs_hint_range(MXS_FAMILY_V6, addr, len, &first, &count);
	for (__u32 i = 0; i < count; i++) {
		assert_true(nr_hints_set < MXS_HINT_ENTRIES);
		hints_set[nr_hints_set++] = mxs_hint_index(kind, MXS_FAMILY_V6,
							   first + i);
	}
}

static void set_daemon_heartbeat(__u64 beat)
{
	struct mxs_daemon_status st = {.heartbeat_ns = beat};
	__u32 key = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.daemon),
					     &key, &st, BPF_ANY),
			 0);
}

/* Empties every list and directory, zeroes the config, no daemon. */
static void reset_state(void)
{
	while (nr_hints_set)
		set_hint(hints_set[--nr_hints_set], 0);
	clear_map(skel->maps.allow4_host);
	clear_map(skel->maps.allow4_net);
	clear_map(skel->maps.allow6_host);
	clear_map(skel->maps.allow6_net);
	clear_map(skel->maps.block4_host);
	clear_map(skel->maps.block4_net);
	clear_map(skel->maps.block6_host);
	clear_map(skel->maps.block6_net);
	clear_map(skel->maps.rate_syn);
	memset(km.dir4, 0, (size_t)MXS_DIR4_CELLS * sizeof(__u64));
	memset(km.dir6, 0, (size_t)MXS_DIR6_CELLS * sizeof(__u64));
	memset(km.host4, 0,
	       (size_t)MXS_HOST4_LINES * sizeof(struct mxs_host4_line));
	memset(km.dir4_any, 0, (size_t)MXS_DIR4_ANY_CELLS * sizeof(__u64));
	memset(km.dir6_any, 0, (size_t)MXS_DIR6_ANY_CELLS * sizeof(__u64));
	set_daemon_heartbeat(0);
	set_config(0, 0);
}

enum { EXP_NEVER, EXP_PAST, EXP_FUTURE };
#define R_NONE (-1) /* reason MXS_REASON_NONE (0 means manual in a seed) */

struct seed {
	int list;	    /* MXS_LIST_ALLOW / MXS_LIST_BLOCK; 0 ends */
	const char *prefix; /* "addr/len"; a /32 or /128 goes to the host map */
	__u8 classes;	    /* 0 = MXS_CLASSES_ALL */
	int reason;	    /* 0 = MXS_REASON_MANUAL */
	int expiry;	    /* EXP_* */
	int no_hint;	    /* 1: write the entry straight into its map,
			     * without kmap's directory flags, lengths or
			     * hints */
};

/* Writes one entry as userspace does (kmap_entry_put()), or behind the
 * directory's back (no_hint). */
static void seed_entry(const struct seed *sd)
{
	struct mxs_entry e = {
	    .classes = sd->classes ? sd->classes : MXS_CLASSES_ALL,
	    .reason = sd->reason == R_NONE ? MXS_REASON_NONE
		      : sd->reason	   ? sd->reason
					   : MXS_REASON_MANUAL,
	};
	int allow = sd->list == MXS_LIST_ALLOW;
	struct addr_cidr cidr = {0};
	char addr[64];
	char *slash;
	int len, fd, err = 0;

	if (sd->expiry == EXP_PAST)
		e.expires_ns = boot_ns() - 1000000000ull;
	else if (sd->expiry == EXP_FUTURE)
		e.expires_ns = boot_ns() + 3600ull * 1000000000ull;

	snprintf(addr, sizeof(addr), "%s", sd->prefix);
	slash = strchr(addr, '/');
	assert_non_null(slash);
	*slash = '\0';
	len = atoi(slash + 1);

	if (strchr(addr, ':')) {
		struct mxs_lpm6_key k = {.prefixlen = len};

		assert_int_equal(inet_pton(AF_INET6, addr, k.addr), 1);
		cidr.family = MXS_FAMILY_V6;
		memcpy(cidr.addr, k.addr, 16);
		if (!sd->no_hint) {
			note_hints(sd->list, k.addr, len);
		} else if (len == 128) {
			fd = bpf_map__fd(allow ? skel->maps.allow6_host
					       : skel->maps.block6_host);
			err = bpf_map_update_elem(fd, k.addr, &e, BPF_ANY);
		} else {
			fd = bpf_map__fd(allow ? skel->maps.allow6_net
					       : skel->maps.block6_net);
			err = bpf_map_update_elem(fd, &k, &e, BPF_ANY);
		}
	} else {
		struct mxs_lpm4_key k = {.prefixlen = len};

		assert_int_equal(inet_pton(AF_INET, addr, &k.addr), 1);
		cidr.family = MXS_FAMILY_V4;
		memcpy(cidr.addr, &k.addr, 4);
		if (sd->no_hint && len == 32) {
			fd = bpf_map__fd(allow ? skel->maps.allow4_host
					       : skel->maps.block4_host);
			err = bpf_map_update_elem(fd, &k.addr, &e, BPF_ANY);
		} else if (sd->no_hint) {
			fd = bpf_map__fd(allow ? skel->maps.allow4_net
					       : skel->maps.block4_net);
			err = bpf_map_update_elem(fd, &k, &e, BPF_ANY);
		}
	}
	cidr.prefixlen = (uint8_t)len;
	if (!sd->no_hint)
		err = kmap_entry_put(&km, sd->list, &cidr, &e, NULL, NULL);
	assert_int_equal(err, 0);
}

struct run_result {
	int err; /* 0, or -errno from BPF_PROG_RUN */
	__u32 retval;
	__u32 out_len;
	__u8 out[PKT_MAX];
};

static void run_frame(const __u8 *in, size_t len, struct run_result *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = len,
		    .data_out = r->out, .data_size_out = sizeof(r->out),
		    .repeat = 1);

	r->err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (r->err < 0)
		r->err = -errno;
	r->retval = opts.retval;
	r->out_len = opts.data_size_out;
	if (!r->err)
		nr_runs++;
}

/*
 * Runs one frame and checks verdict, returned length (unless the verdict
 * is XDP_TX, whose length the caller checks) and stats delta.  `field` is
 * the offsetof() the outcome counter.  Returns the number of failures,
 * each printed.
 */
static int expect_run(const char *name, const __u8 *in, size_t len, int want,
		      size_t field, struct run_result *r)
{
	__u64 before[MXS_STATS_NR_FIELDS], after[MXS_STATS_NR_FIELDS];
	size_t want_idx = field / sizeof(__u64), i;
	int fails = 0;

	read_stats(before);
	run_frame(in, len, r);
	read_stats(after);

	if (r->err) {
		print_error("case '%s': BPF_PROG_RUN failed: %s\n", name,
			    strerror(-r->err));
		return 1;
	}
	if ((int)r->retval != want) {
		print_error("case '%s': got %s, want %s\n", name,
			    action_name(r->retval), action_name(want));
		fails++;
	}
	if (want != XDP_TX && r->out_len != len) {
		print_error("case '%s': got %u bytes back, want %zu\n", name,
			    r->out_len, len);
		fails++;
	}
	if (after[0] - before[0] != 1) {
		print_error("case '%s': packets grew by %llu, want 1\n", name,
			    (unsigned long long)(after[0] - before[0]));
		fails++;
	}
	for (i = 1; i < MXS_STATS_NR_FIELDS; i++) {
		__u64 d = after[i] - before[i], w = i == want_idx;

		if (d != w) {
			print_error("case '%s': %s grew by %llu, want %llu "
				    "(expected outcome %s)\n",
				    name, stat_names[i], (unsigned long long)d,
				    (unsigned long long)w,
				    stat_names[want_idx]);
			fails++;
		}
	}
	return fails;
}

/* --- the verdict table ------------------------------------------------ */

struct xdp_case {
	const char *name;
	struct pkt_spec pkt;
	struct seed seeds[4];
	__u32 flags;  /* config.flags */
	__u32 action; /* config.action */
	int want;     /* XDP_* */
	size_t field; /* offsetof(struct mxs_stats, <outcome>) */
};

#define F(f) offsetof(struct mxs_stats, f)
#define BLOCK(pfx, ...)                                                        \
	{                                                                      \
		.list = MXS_LIST_BLOCK, .prefix = (pfx), __VA_ARGS__           \
	}
#define ALLOW(pfx, ...)                                                        \
	{                                                                      \
		.list = MXS_LIST_ALLOW, .prefix = (pfx), __VA_ARGS__           \
	}
#define MX MXS_CLASS_BIT(MXS_CLASS_MX)
#define SUB MXS_CLASS_BIT(MXS_CLASS_SUBMISSION)

#define H4 PKT_SRC4 "/32"
#define N4 "198.51.100.0/24"
#define W4 "198.51.0.0/16"
#define H6 PKT_SRC6 "/128"
#define N6 "2001:db8:51::/48"
#define W6 "2001:db8::/32"

/* A SYN to port p; add fields after it. */
#define SYN4(p) .dport = (p), .tcp_flags = TF_SYN
#define SYN6(p) .family = 6, .dport = (p), .tcp_flags = TF_SYN

#define OBS MXS_CFG_OBSERVE
#define RST_ACTION MXS_ACTION_RESET

/* A case per line group reads better than clang-format's field per line. */
/* clang-format off */
static const struct xdp_case cases[] = {
	/* --- what is not screened --- */
	{ "arp frame", { .ethertype = 0x0806 }, {}, 0, 0, XDP_PASS,
	  F(pass_not_ip) },
	{ "v4 udp to 25 from blocked", { .ip_proto = 17, .payload_len = 8,
	  .dport = 25 }, { BLOCK(H4) }, 0, 0, XDP_PASS, F(pass_not_tcp) },
	{ "v6 icmpv6 from blocked", { .family = 6, .ip_proto = 58,
	  .payload_len = 8 }, { BLOCK(H6) }, 0, 0, XDP_PASS, F(pass_not_tcp) },
	{ "v6 no next header after dstopts", { .family = 6, .ip_proto = 59,
	  .n_ext = 1, .ext = { EXT_DEST } }, { BLOCK(H6) }, 0, 0, XDP_PASS,
	  F(pass_not_tcp) },
	{ "v4 SYN to 80 from blocked", { SYN4(80) }, { BLOCK(H4) }, 0, 0,
	  XDP_PASS, F(pass_not_smtp) },
	{ "v6 SYN to 80 from blocked", { SYN6(80) }, { BLOCK(H6) }, 0, 0,
	  XDP_PASS, F(pass_not_smtp) },
	{ "v4 SYN to unseeded 2525", { SYN4(2525) }, { BLOCK(H4) }, 0, 0,
	  XDP_PASS, F(pass_not_smtp) },
	{ "v4 SYN to port 26 (zero in ports)", { SYN4(26) }, { BLOCK(H4) }, 0,
	  0, XDP_PASS, F(pass_not_smtp) },
	{ "v4 reply from port 25", { .sport = 25, .dport = 40000,
	  .tcp_flags = TF_SYN | TF_ACK }, { BLOCK(H4) }, 0, 0, XDP_PASS,
	  F(pass_not_smtp) },
	{ "v6 reply from port 25", { .family = 6, .sport = 25, .dport = 40000,
	  .tcp_flags = TF_SYN | TF_ACK }, { BLOCK(H6) }, 0, 0, XDP_PASS,
	  F(pass_not_smtp) },
	{ "v4 ACK to 25 from blocked", { .dport = 25, .tcp_flags = TF_ACK },
	  { BLOCK(H4) }, 0, 0, XDP_PASS, F(pass_established) },
	{ "v4 SYN+ACK to 25 from blocked", { .dport = 25,
	  .tcp_flags = TF_SYN | TF_ACK }, { BLOCK(H4) }, 0, 0, XDP_PASS,
	  F(pass_established) },
	{ "v4 RST to 25 from blocked", { .dport = 25, .tcp_flags = TF_RST },
	  { BLOCK(H4) }, 0, 0, XDP_PASS, F(pass_established) },
	{ "v4 data to 25 from blocked", { .dport = 25,
	  .tcp_flags = TF_PSH | TF_ACK, .payload_len = 100 }, { BLOCK(H4) },
	  0, 0, XDP_PASS, F(pass_established) },
	{ "v4 FIN to 25 from blocked", { .dport = 25,
	  .tcp_flags = TF_FIN | TF_ACK }, { BLOCK(H4) }, 0, 0, XDP_PASS,
	  F(pass_established) },
	{ "v6 ACK to 587 from blocked", { .family = 6, .dport = 587,
	  .tcp_flags = TF_ACK }, { BLOCK(H6) }, 0, 0, XDP_PASS,
	  F(pass_established) },

	/* --- lookups --- */
	{ "v4 clean", { SYN4(25) }, {}, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v6 clean", { SYN6(25) }, {}, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v4 clean beside other entries", { SYN4(25) },
	  { BLOCK("203.0.113.9/32"), BLOCK("203.0.113.0/24"),
	    BLOCK("198.51.100.8/32") }, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v6 clean beside other entries", { SYN6(25) },
	  { BLOCK("2001:db8:51::8/128"), BLOCK("2001:db8:52::/48") }, 0, 0,
	  XDP_PASS, F(pass_clean) },
	{ "v4 blocked host", { SYN4(25) }, { BLOCK(H4) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v4 blocked net", { SYN4(25) }, { BLOCK(N4) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v4 blocked /0", { SYN4(25) }, { BLOCK("0.0.0.0/0") }, 0, 0,
	  XDP_DROP, F(drop_manual) },
	{ "v6 blocked host", { SYN6(25) }, { BLOCK(H6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 blocked net", { SYN6(25) }, { BLOCK(N6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v4 blocked host to 465", { SYN4(465) }, { BLOCK(H4) }, 0, 0,
	  XDP_DROP, F(drop_manual) },
	{ "v6 blocked host to 587", { SYN6(587) }, { BLOCK(H6) }, 0, 0,
	  XDP_DROP, F(drop_manual) },
	{ "v4 allow host beats block host", { SYN4(25) },
	  { BLOCK(H4), ALLOW(H4) }, 0, 0, XDP_PASS, F(pass_allowed) },
	{ "v4 allow host beats block net", { SYN4(25) },
	  { BLOCK(N4), ALLOW(H4) }, 0, 0, XDP_PASS, F(pass_allowed) },
	{ "v4 allow net beats block host", { SYN4(25) },
	  { BLOCK(H4), ALLOW(W4) }, 0, 0, XDP_PASS, F(pass_allowed) },
	{ "v6 allow host beats block host", { SYN6(25) },
	  { BLOCK(H6), ALLOW(H6) }, 0, 0, XDP_PASS, F(pass_allowed) },
	{ "v6 allow net beats block net", { SYN6(25) },
	  { BLOCK(N6), ALLOW(W6) }, 0, 0, XDP_PASS, F(pass_allowed) },
	{ "v6 allow net beats block host", { SYN6(587) },
	  { BLOCK(H6), ALLOW(N6) }, 0, 0, XDP_PASS, F(pass_allowed) },
	{ "v4 allow alone", { SYN4(25) }, { ALLOW(H4) }, 0, 0, XDP_PASS,
	  F(pass_allowed) },
	{ "v4 host entry decides before net", { SYN4(25) },
	  { BLOCK(H4, .reason = MXS_REASON_LIST),
	    BLOCK(N4, .reason = MXS_REASON_DNSBL) }, 0, 0, XDP_DROP,
	  F(drop_list) },
	{ "v6 host entry decides before net", { SYN6(25) },
	  { BLOCK(H6, .reason = MXS_REASON_RATE),
	    BLOCK(N6, .reason = MXS_REASON_DNSBL) }, 0, 0, XDP_DROP,
	  F(drop_rate) },
	{ "v4 net decides when host is other class", { SYN4(587) },
	  { BLOCK(H4, .classes = MX, .reason = MXS_REASON_LIST),
	    BLOCK(N4, .reason = MXS_REASON_DNSBL) }, 0, 0, XDP_DROP,
	  F(drop_dnsbl) },
	{ "v4 net decides when host expired", { SYN4(25) },
	  { BLOCK(H4, .reason = MXS_REASON_LIST, .expiry = EXP_PAST),
	    BLOCK(N4, .reason = MXS_REASON_RATE) }, 0, 0, XDP_DROP,
	  F(drop_rate) },
	{ "v4 longest prefix decides", { SYN4(25) },
	  { BLOCK(W4, .reason = MXS_REASON_RATE),
	    BLOCK(N4, .reason = MXS_REASON_DNSBL) }, 0, 0, XDP_DROP,
	  F(drop_dnsbl) },
	{ "v6 longest prefix decides", { SYN6(25) },
	  { BLOCK(W6, .reason = MXS_REASON_RATE),
	    BLOCK(N6, .reason = MXS_REASON_LIST) }, 0, 0, XDP_DROP,
	  F(drop_list) },
	{ "v4 file net", { SYN4(25) },
	  { BLOCK(N4, .reason = MXS_REASON_FILE) }, 0, 0, XDP_DROP,
	  F(drop_file) },
	{ "v6 file host", { SYN6(465) },
	  { BLOCK(H6, .reason = MXS_REASON_FILE) }, 0, 0, XDP_DROP,
	  F(drop_file) },
	{ "v4 postfix host", { SYN4(587) },
	  { BLOCK(H4, .reason = MXS_REASON_POSTFIX, .classes = SUB) }, 0, 0,
	  XDP_DROP, F(drop_postfix) },
	{ "v6 postfix prefix, reset", { SYN6(25) },
	  { BLOCK("2001:db8:51::/64", .reason = MXS_REASON_POSTFIX) }, 0,
	  RST_ACTION, XDP_TX, F(reset_postfix) },
	{ "v4 account host, submission", { SYN4(587) },
	  { BLOCK(H4, .reason = MXS_REASON_ACCOUNT, .classes = SUB) }, 0, 0,
	  XDP_DROP, F(drop_account) },
	{ "v4 account host, mx passes", { SYN4(25) },
	  { BLOCK(H4, .reason = MXS_REASON_ACCOUNT, .classes = SUB) }, 0, 0,
	  XDP_PASS, F(pass_other_class) },
	{ "v6 account host, reset", { SYN6(465) },
	  { BLOCK(H6, .reason = MXS_REASON_ACCOUNT, .classes = SUB) }, 0,
	  RST_ACTION, XDP_TX, F(reset_account) },
	{ "v4 longest prefix other class", { SYN4(587) },
	  { BLOCK(W4), BLOCK(N4, .classes = MX) }, 0, 0, XDP_PASS,
	  F(pass_other_class) },

	/* --- port classes --- */
	{ "v4 mx-only blocks 25", { SYN4(25) }, { BLOCK(H4, .classes = MX) },
	  0, 0, XDP_DROP, F(drop_manual) },
	{ "v4 mx-only passes 587", { SYN4(587) },
	  { BLOCK(H4, .classes = MX) }, 0, 0, XDP_PASS, F(pass_other_class) },
	{ "v4 mx-only passes 465", { SYN4(465) },
	  { BLOCK(H4, .classes = MX) }, 0, 0, XDP_PASS, F(pass_other_class) },
	{ "v4 submission-only blocks 587", { SYN4(587) },
	  { BLOCK(H4, .classes = SUB) }, 0, 0, XDP_DROP, F(drop_manual) },
	{ "v4 submission-only blocks 465", { SYN4(465) },
	  { BLOCK(N4, .classes = SUB) }, 0, 0, XDP_DROP, F(drop_manual) },
	{ "v4 submission-only passes 25", { SYN4(25) },
	  { BLOCK(H4, .classes = SUB) }, 0, 0, XDP_PASS, F(pass_other_class) },
	{ "v6 mx-only net passes 587", { SYN6(587) },
	  { BLOCK(N6, .classes = MX) }, 0, 0, XDP_PASS, F(pass_other_class) },
	{ "v6 mx-only host blocks 25", { SYN6(25) },
	  { BLOCK(H6, .classes = MX) }, 0, 0, XDP_DROP, F(drop_manual) },

	/* --- expiry --- */
	{ "v4 block host expired", { SYN4(25) },
	  { BLOCK(H4, .expiry = EXP_PAST) }, 0, 0, XDP_PASS, F(pass_expired) },
	{ "v4 block net expired", { SYN4(25) },
	  { BLOCK(N4, .expiry = EXP_PAST) }, 0, 0, XDP_PASS, F(pass_expired) },
	{ "v6 block host expired", { SYN6(25) },
	  { BLOCK(H6, .expiry = EXP_PAST) }, 0, 0, XDP_PASS, F(pass_expired) },
	{ "v6 block net expired", { SYN6(25) },
	  { BLOCK(N6, .expiry = EXP_PAST) }, 0, 0, XDP_PASS, F(pass_expired) },
	{ "v4 block host expires later", { SYN4(25) },
	  { BLOCK(H4, .expiry = EXP_FUTURE) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 block net expires later", { SYN6(25) },
	  { BLOCK(N6, .expiry = EXP_FUTURE, .reason = MXS_REASON_RATE) }, 0, 0,
	  XDP_DROP, F(drop_rate) },
	{ "v4 expired allow host does not allow", { SYN4(25) },
	  { ALLOW(H4, .expiry = EXP_PAST), BLOCK(H4) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	/* --- the directory: the program looks only where kmap marked --- */
	{ "v4 block net the directory does not name is not looked up", { SYN4(25) },
	  { BLOCK(N4, .no_hint = 1) }, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v6 block net without its flag is not walked", { SYN6(25) },
	  { BLOCK(N6, .no_hint = 1) }, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v4 allow without its flag is not consulted", { SYN4(25) },
	  { ALLOW(H4, .no_hint = 1), BLOCK(H4) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v4 hint of a wide allow net covers the source", { SYN4(25) },
	  { ALLOW("198.0.0.0/8"), BLOCK(H4) }, 0, 0, XDP_PASS,
	  F(pass_allowed) },
	{ "v6 hint of a /20 allow covers the source", { SYN6(25) },
	  { ALLOW("2001::/20"), BLOCK(H6) }, 0, 0, XDP_PASS,
	  F(pass_allowed) },
	{ "v6 hint of a /8 allow covers the source", { SYN6(25) },
	  { ALLOW("2000::/8"), BLOCK(H6) }, 0, 0, XDP_PASS, F(pass_allowed) },
	{ "v4 block host without its flag is not looked up", { SYN4(25) },
	  { BLOCK(H4, .no_hint = 1) }, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v6 block host without its flag is not looked up", { SYN6(25) },
	  { BLOCK(H6, .no_hint = 1) }, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v4 longest prefix: a /24 inside a /16, written first", { SYN4(25) },
	  { BLOCK(N4, .reason = MXS_REASON_DNSBL),
	    BLOCK(W4, .reason = MXS_REASON_LIST) }, 0, 0, XDP_DROP,
	  F(drop_dnsbl) },
	{ "v4 a /16 decides beside another /24", { SYN4(25) },
	  { BLOCK(W4, .reason = MXS_REASON_LIST),
	    BLOCK("198.51.200.0/24", .reason = MXS_REASON_DNSBL) }, 0, 0,
	  XDP_DROP, F(drop_list) },
	{ "v4 a /28 inside the /24 covers the source", { SYN4(25) },
	  { BLOCK("198.51.100.0/28", .reason = MXS_REASON_RATE),
	    BLOCK(N4, .reason = MXS_REASON_LIST) }, 0, 0, XDP_DROP,
	  F(drop_rate) },
	{ "v4 a /28 beside the source: the /24 decides", { SYN4(25) },
	  { BLOCK("198.51.100.16/28", .reason = MXS_REASON_RATE),
	    BLOCK(N4, .reason = MXS_REASON_LIST) }, 0, 0, XDP_DROP,
	  F(drop_list) },
	{ "v4 a /31 alone", { SYN4(25) },
	  { BLOCK("198.51.100.6/31", .reason = MXS_REASON_FILE) }, 0, 0,
	  XDP_DROP, F(drop_file) },
	{ "v4 a /25 beside the source", { SYN4(25) },
	  { BLOCK("198.51.100.128/25") }, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v4 expired /24 hides a live /16", { SYN4(25) },
	  { BLOCK(W4), BLOCK(N4, .expiry = EXP_PAST) }, 0, 0, XDP_PASS,
	  F(pass_expired) },
	{ "v4 block 0.0.0.0/0", { SYN4(25) }, { BLOCK("0.0.0.0/0") }, 0, 0,
	  XDP_DROP, F(drop_manual) },
	{ "v4 allow /24 inside a blocked /8", { SYN4(25) },
	  { BLOCK("198.0.0.0/8"), ALLOW(N4) }, 0, 0, XDP_PASS,
	  F(pass_allowed) },
	{ "v4 allow /28 inside a blocked /24", { SYN4(25) },
	  { BLOCK(N4), ALLOW("198.51.100.0/28") }, 0, 0, XDP_PASS,
	  F(pass_allowed) },
	{ "v6 /64 and /128 in one /48", { SYN6(25) },
	  { BLOCK("2001:db8:51::/64", .reason = MXS_REASON_RATE),
	    BLOCK("2001:db8:51::8/128") }, 0, 0, XDP_DROP, F(drop_rate) },
	{ "v4 expired allow net does not allow", { SYN4(25) },
	  { ALLOW(W4, .expiry = EXP_PAST), BLOCK(N4) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 expired allow host does not allow", { SYN6(25) },
	  { ALLOW(H6, .expiry = EXP_PAST), BLOCK(N6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v4 expired allow alone", { SYN4(25) },
	  { ALLOW(H4, .expiry = EXP_PAST) }, 0, 0, XDP_PASS, F(pass_expired) },
	{ "v4 allow expiring later beats block", { SYN4(25) },
	  { ALLOW(H4, .expiry = EXP_FUTURE), BLOCK(H4) }, 0, 0, XDP_PASS,
	  F(pass_allowed) },
	{ "v4 other class and expired: expired", { SYN4(587) },
	  { BLOCK(H4, .classes = MX), BLOCK(N4, .expiry = EXP_PAST) }, 0, 0,
	  XDP_PASS, F(pass_expired) },

	/* --- reasons --- */
	{ "v4 reason list", { SYN4(25) },
	  { BLOCK(H4, .reason = MXS_REASON_LIST) }, 0, 0, XDP_DROP,
	  F(drop_list) },
	{ "v4 reason dnsbl", { SYN4(25) },
	  { BLOCK(H4, .reason = MXS_REASON_DNSBL) }, 0, 0, XDP_DROP,
	  F(drop_dnsbl) },
	{ "v4 reason rate", { SYN4(25) },
	  { BLOCK(N4, .reason = MXS_REASON_RATE) }, 0, 0, XDP_DROP,
	  F(drop_rate) },
	{ "v4 host reason 99 counts as manual", { SYN4(25) },
	  { BLOCK(H4, .reason = 99) }, 0, 0, XDP_DROP, F(drop_manual) },
	{ "v4 reason none counts as manual", { SYN4(25) },
	  { BLOCK(H4, .reason = R_NONE) }, 0, 0, XDP_DROP, F(drop_manual) },
	{ "v6 reason 99 counts as manual", { SYN6(25) },
	  { BLOCK(H6, .reason = 99) }, 0, 0, XDP_DROP, F(drop_manual) },

	/* --- VLAN --- */
	{ "v4 vlan blocked", { SYN4(25), .n_vlans = 1 }, { BLOCK(H4) }, 0, 0,
	  XDP_DROP, F(drop_manual) },
	{ "v4 qinq blocked", { SYN4(25), .n_vlans = 2,
	  .vlan_tpid = { 0x88a8, 0x8100 } }, { BLOCK(H4) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 qinq blocked", { SYN6(25), .n_vlans = 2,
	  .vlan_tpid = { 0x88a8, 0x8100 } }, { BLOCK(N6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v4 double 802.1Q clean", { SYN4(25), .n_vlans = 2 }, {}, 0, 0,
	  XDP_PASS, F(pass_clean) },
	{ "v6 vlan allowed", { SYN6(25), .n_vlans = 1 },
	  { ALLOW(H6), BLOCK(H6) }, 0, 0, XDP_PASS, F(pass_allowed) },
	{ "v4 triple tag is not ip", { SYN4(25), .n_vlans = 3 },
	  { BLOCK(H4) }, 0, 0, XDP_PASS, F(pass_not_ip) },
	{ "v6 triple 802.1ad is not ip", { SYN6(25), .n_vlans = 3,
	  .vlan_tpid = { 0x88a8, 0x88a8, 0x88a8 } }, { BLOCK(H6) }, 0, 0,
	  XDP_PASS, F(pass_not_ip) },
	{ "vlan arp", { .ethertype = 0x0806, .n_vlans = 2 }, {}, 0, 0,
	  XDP_PASS, F(pass_not_ip) },

	/* --- IPv4 options, IPv6 extension headers --- */
	{ "v4 options blocked", { SYN4(25), .ip4_opt_len = 8 }, { BLOCK(H4) },
	  0, 0, XDP_DROP, F(drop_manual) },
	{ "v4 40 bytes of options clean", { SYN4(25), .ip4_opt_len = 40 },
	  {}, 0, 0, XDP_PASS, F(pass_clean) },
	{ "v4 options and tcp options blocked", { SYN4(587), .ip4_opt_len = 4,
	  .tcp_opt_len = 20 }, { BLOCK(N4) }, 0, 0, XDP_DROP, F(drop_manual) },
	{ "v6 hop-by-hop blocked", { SYN6(25), .n_ext = 1,
	  .ext = { EXT_HOP } }, { BLOCK(H6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 routing blocked", { SYN6(25), .n_ext = 1,
	  .ext = { EXT_ROUTING } }, { BLOCK(H6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 destination options blocked", { SYN6(25), .n_ext = 1,
	  .ext = { EXT_DEST } }, { BLOCK(H6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 fragment header (atomic) blocked", { SYN6(25), .n_ext = 1,
	  .ext = { EXT_FRAG } }, { BLOCK(H6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 all four clean", { SYN6(25), .n_ext = 4,
	  .ext = { EXT_HOP, EXT_DEST, EXT_ROUTING, EXT_FRAG } }, {}, 0, 0,
	  XDP_PASS, F(pass_clean) },
	{ "v6 six extension headers blocked", { SYN6(25), .n_ext = 6,
	  .ext = { EXT_HOP, EXT_DEST, EXT_ROUTING, EXT_DEST, EXT_ROUTING,
		   EXT_DEST } }, { BLOCK(H6) }, 0, 0, XDP_DROP,
	  F(drop_manual) },
	{ "v6 seven extension headers blocked", { SYN6(25), .n_ext = 7,
	  .ext = { EXT_HOP, EXT_DEST, EXT_ROUTING, EXT_DEST, EXT_ROUTING,
		   EXT_DEST, EXT_DEST } }, { BLOCK(H6) }, 0, 0, XDP_DROP,
	  F(drop_unparsed) },
	{ "v6 seven extension headers clean", { SYN6(25), .n_ext = 7,
	  .ext = { EXT_HOP, EXT_DEST, EXT_ROUTING, EXT_DEST, EXT_ROUTING,
		   EXT_DEST, EXT_DEST } }, {}, 0, 0, XDP_PASS,
	  F(pass_unparsed) },
	{ "v6 seven extension headers allowed", { SYN6(25), .n_ext = 7,
	  .ext = { EXT_HOP, EXT_DEST, EXT_ROUTING, EXT_DEST, EXT_ROUTING,
		   EXT_DEST, EXT_DEST } }, { BLOCK(H6), ALLOW(N6) }, 0, 0,
	  XDP_PASS, F(pass_unparsed) },

	/* --- fragments --- */
	{ "v4 first fragment blocked", { SYN4(25), .frag = PKT_FRAG_FIRST },
	  { BLOCK(H4) }, 0, 0, XDP_DROP, F(drop_manual) },
	{ "v4 first fragment clean", { SYN4(25), .frag = PKT_FRAG_FIRST }, {},
	  0, 0, XDP_PASS, F(pass_clean) },
	{ "v4 later fragment blocked", { SYN4(25), .frag = PKT_FRAG_LATER },
	  { BLOCK(H4) }, 0, 0, XDP_DROP, F(drop_unparsed) },
	{ "v4 later fragment blocked, looks like port 80",
	  { SYN4(80), .frag = PKT_FRAG_LATER }, { BLOCK(N4) }, 0, 0,
	  XDP_DROP, F(drop_unparsed) },
	{ "v4 later fragment clean", { SYN4(25), .frag = PKT_FRAG_LATER }, {},
	  0, 0, XDP_PASS, F(pass_unparsed) },
	{ "v4 later fragment, mx-only block", { SYN4(587),
	  .frag = PKT_FRAG_LATER }, { BLOCK(H4, .classes = MX) }, 0, 0,
	  XDP_DROP, F(drop_unparsed) },
	{ "v4 later fragment, submission-only block",
	  { SYN4(25), .frag = PKT_FRAG_LATER },
	  { BLOCK(N4, .classes = SUB) }, 0, 0, XDP_DROP, F(drop_unparsed) },
	{ "v4 later fragment, allowed and blocked",
	  { SYN4(25), .frag = PKT_FRAG_LATER }, { BLOCK(H4), ALLOW(W4) }, 0,
	  0, XDP_PASS, F(pass_unparsed) },
	{ "v4 later fragment, expired block",
	  { SYN4(25), .frag = PKT_FRAG_LATER },
	  { BLOCK(H4, .expiry = EXP_PAST) }, 0, 0, XDP_PASS,
	  F(pass_unparsed) },
	{ "v4 later fragment, expired host, live net",
	  { SYN4(25), .frag = PKT_FRAG_LATER },
	  { BLOCK(H4, .expiry = EXP_PAST), BLOCK(N4) }, 0, 0, XDP_DROP,
	  F(drop_unparsed) },
	{ "v4 later fragment blocked, observe",
	  { SYN4(25), .frag = PKT_FRAG_LATER }, { BLOCK(H4) }, OBS, 0,
	  XDP_PASS, F(observe_unparsed) },
	{ "v4 later fragment blocked, reset mode",
	  { SYN4(25), .frag = PKT_FRAG_LATER }, { BLOCK(H4) }, 0, RST_ACTION,
	  XDP_DROP, F(drop_unparsed) },
	{ "v4 later udp fragment blocked", { .ip_proto = 17,
	  .payload_len = 64, .frag = PKT_FRAG_LATER }, { BLOCK(H4) }, 0, 0,
	  XDP_DROP, F(drop_unparsed) },
	{ "v6 first fragment blocked", { SYN6(25), .frag = PKT_FRAG_FIRST },
	  { BLOCK(H6) }, 0, 0, XDP_DROP, F(drop_manual) },
	{ "v6 first fragment clean", { SYN6(25), .frag = PKT_FRAG_FIRST }, {},
	  0, 0, XDP_PASS, F(pass_clean) },
	{ "v6 later fragment blocked", { SYN6(25), .frag = PKT_FRAG_LATER },
	  { BLOCK(H6) }, 0, 0, XDP_DROP, F(drop_unparsed) },
	{ "v6 later fragment after dstopts blocked",
	  { SYN6(25), .frag = PKT_FRAG_LATER, .n_ext = 2,
	    .ext = { EXT_DEST, EXT_FRAG } }, { BLOCK(N6) }, 0, 0, XDP_DROP,
	  F(drop_unparsed) },
	{ "v6 later fragment clean", { SYN6(25), .frag = PKT_FRAG_LATER }, {},
	  0, 0, XDP_PASS, F(pass_unparsed) },
	{ "v6 later fragment, allowed and blocked",
	  { SYN6(25), .frag = PKT_FRAG_LATER }, { BLOCK(N6), ALLOW(H6) }, 0,
	  0, XDP_PASS, F(pass_unparsed) },
	{ "v6 later fragment blocked net, observe",
	  { SYN6(25), .frag = PKT_FRAG_LATER }, { BLOCK(N6) }, OBS, 0,
	  XDP_PASS, F(observe_unparsed) },

	/* --- malformed past the IP header --- */
	{ "v4 ihl 4 blocked", { SYN4(25), .ip4_ihl = 4 }, { BLOCK(H4) }, 0, 0,
	  XDP_DROP, F(drop_unparsed) },
	{ "v4 ihl 4 clean", { SYN4(25), .ip4_ihl = 4 }, {}, 0, 0, XDP_PASS,
	  F(pass_unparsed) },
	{ "v4 ihl beyond frame blocked", { .ip_proto = 17, .ip4_ihl = 15,
	  .payload_len = 4 }, { BLOCK(H4) }, 0, 0, XDP_DROP,
	  F(drop_unparsed) },
	{ "v4 total length < header blocked", { SYN4(25), .ip4_tot_len = 16 },
	  { BLOCK(H4) }, 0, 0, XDP_DROP, F(drop_unparsed) },
	{ "v4 total length beyond frame blocked",
	  { SYN4(25), .ip4_tot_len = 1000 }, { BLOCK(N4) }, 0, 0, XDP_DROP,
	  F(drop_unparsed) },
	{ "v4 total length cuts tcp header blocked",
	  { SYN4(25), .ip4_tot_len = 30 }, { BLOCK(H4) }, 0, 0, XDP_DROP,
	  F(drop_unparsed) },
	{ "v4 tcp doff 4 blocked", { SYN4(25), .tcp_doff = 4 }, { BLOCK(H4) },
	  0, 0, XDP_DROP, F(drop_unparsed) },
	{ "v4 tcp doff 4 clean", { SYN4(25), .tcp_doff = 4 }, {}, 0, 0,
	  XDP_PASS, F(pass_unparsed) },
	{ "v4 tcp doff 15 beyond frame blocked", { SYN4(25), .tcp_doff = 15 },
	  { BLOCK(H4, .classes = SUB) }, 0, 0, XDP_DROP, F(drop_unparsed) },
	{ "v6 payload length beyond frame blocked",
	  { SYN6(25), .ip6_payload_len = 400 }, { BLOCK(H6) }, 0, 0,
	  XDP_DROP, F(drop_unparsed) },
	{ "v6 payload length cuts tcp header blocked",
	  { SYN6(25), .ip6_payload_len = 12 }, { BLOCK(H6) }, 0, 0, XDP_DROP,
	  F(drop_unparsed) },
	{ "v6 payload length shorter than ext headers",
	  { SYN6(25), .n_ext = 1, .ext = { EXT_HOP }, .ip6_payload_len = 8 },
	  { BLOCK(H6) }, 0, 0, XDP_DROP, F(drop_unparsed) },
	{ "v6 tcp doff 4 blocked", { SYN6(25), .tcp_doff = 4 }, { BLOCK(N6) },
	  0, 0, XDP_DROP, F(drop_unparsed) },
	{ "v6 tcp doff 4 clean", { SYN6(25), .tcp_doff = 4 }, {}, 0, 0,
	  XDP_PASS, F(pass_unparsed) },

	/* --- observe mode --- */
	{ "v4 observe blocked", { SYN4(25) }, { BLOCK(H4) }, OBS, 0, XDP_PASS,
	  F(observe_manual) },
	{ "v4 observe dnsbl", { SYN4(25) },
	  { BLOCK(N4, .reason = MXS_REASON_DNSBL) }, OBS, 0, XDP_PASS,
	  F(observe_dnsbl) },
	{ "v6 observe list", { SYN6(587) },
	  { BLOCK(H6, .reason = MXS_REASON_LIST) }, OBS, 0, XDP_PASS,
	  F(observe_list) },
	{ "v4 observe with reset action", { SYN4(25) },
	  { BLOCK(H4, .reason = MXS_REASON_RATE) }, OBS, RST_ACTION, XDP_PASS,
	  F(observe_rate) },
	{ "v4 observe file", { SYN4(25) },
	  { BLOCK(W4, .reason = MXS_REASON_FILE) }, OBS, 0, XDP_PASS,
	  F(observe_file) },
	{ "v4 observe postfix", { SYN4(25) },
	  { BLOCK(N4, .reason = MXS_REASON_POSTFIX) }, OBS, 0, XDP_PASS,
	  F(observe_postfix) },
	{ "v4 observe account", { SYN4(587) },
	  { BLOCK(H4, .reason = MXS_REASON_ACCOUNT) }, OBS, 0, XDP_PASS,
	  F(observe_account) },
	{ "v4 observe reason 99", { SYN4(25) }, { BLOCK(H4, .reason = 99) },
	  OBS, 0, XDP_PASS, F(observe_manual) },
	{ "v4 observe clean", { SYN4(25) }, {}, OBS, 0, XDP_PASS,
	  F(pass_clean) },
	{ "v4 observe with initialised flag", { SYN4(25) }, { BLOCK(H4) },
	  OBS | MXS_CFG_INITIALISED, 0, XDP_PASS, F(observe_manual) },

	/* --- reset mode (verdicts; the RST itself is checked below) --- */
	{ "v4 reset", { SYN4(25) }, { BLOCK(H4) }, 0, RST_ACTION, XDP_TX,
	  F(reset_manual) },
	{ "v6 reset list", { SYN6(25) },
	  { BLOCK(H6, .reason = MXS_REASON_LIST) }, 0, RST_ACTION, XDP_TX,
	  F(reset_list) },
	{ "v4 reset file", { SYN4(25) },
	  { BLOCK(N4, .reason = MXS_REASON_FILE) }, 0, RST_ACTION, XDP_TX,
	  F(reset_file) },
	{ "v4 reset dnsbl vlan", { SYN4(587), .n_vlans = 1 },
	  { BLOCK(N4, .reason = MXS_REASON_DNSBL) }, 0, RST_ACTION, XDP_TX,
	  F(reset_dnsbl) },
	{ "v6 reset rate qinq", { SYN6(465), .n_vlans = 2,
	  .vlan_tpid = { 0x88a8 } },
	  { BLOCK(N6, .reason = MXS_REASON_RATE) }, 0, RST_ACTION, XDP_TX,
	  F(reset_rate) },
	{ "v4 reset reason none", { SYN4(25) },
	  { BLOCK(H4, .reason = R_NONE) }, 0, RST_ACTION, XDP_TX,
	  F(reset_manual) },
	{ "v4 reset mode, options: dropped", { SYN4(25), .ip4_opt_len = 8 },
	  { BLOCK(H4) }, 0, RST_ACTION, XDP_DROP, F(drop_manual) },
	{ "v6 reset mode, ext header: dropped", { SYN6(25), .n_ext = 1,
	  .ext = { EXT_DEST } }, { BLOCK(H6, .reason = MXS_REASON_LIST) }, 0,
	  RST_ACTION, XDP_DROP, F(drop_list) },
	{ "v6 reset mode, first fragment: dropped",
	  { SYN6(25), .frag = PKT_FRAG_FIRST }, { BLOCK(H6) }, 0, RST_ACTION,
	  XDP_DROP, F(drop_manual) },
	{ "v4 reset mode, first fragment: dropped",
	  { SYN4(25), .frag = PKT_FRAG_FIRST }, { BLOCK(H4) }, 0, RST_ACTION,
	  XDP_DROP, F(drop_manual) },
	{ "v4 reset mode, SYN+RST: dropped", { .dport = 25,
	  .tcp_flags = TF_SYN | TF_RST }, { BLOCK(H4) }, 0, RST_ACTION,
	  XDP_DROP, F(drop_manual) },
	{ "v4 reset mode clean", { SYN4(25) }, {}, 0, RST_ACTION, XDP_PASS,
	  F(pass_clean) },
	{ "v4 unknown action drops", { SYN4(25) }, { BLOCK(H4) }, 0, 7,
	  XDP_DROP, F(drop_manual) },
};
/* clang-format on */

static void test_verdicts(void **state)
{
	static __u8 frame[PKT_MAX];
	static struct run_result r;
	size_t i, len;
	int fails = 0, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct xdp_case *c = &cases[i];

		reset_state();
		for (j = 0; j < 4 && c->seeds[j].list; j++)
			seed_entry(&c->seeds[j]);
		set_config(c->flags, c->action);

		len = pkt_build(&c->pkt, frame, sizeof(frame));
		if (!len) {
			print_error("case '%s': cannot build the frame\n",
				    c->name);
			fails++;
			continue;
		}
		fails += expect_run(c->name, frame, len, c->want, c->field, &r);
	}
	assert_int_equal(fails, 0);
}

/* --- truncation --------------------------------------------------------- */

/*
 * Cuts a valid SYN at every length from 0 to whole.  Below 14 bytes the
 * kernel refuses to run the program (EINVAL) and nothing may be counted;
 * then: tags cut -> not_ip; IP header cut -> unparsed, passed (no source);
 * anything cut after that -> unparsed, dropped only if the source is
 * blocked; whole -> the normal verdict.
 */
static int truncate_one(const char *name, const struct pkt_spec *spec,
			int blocked)
{
	static __u8 frame[PKT_MAX];
	static struct run_result r;
	__u64 before[MXS_STATS_NR_FIELDS], after[MXS_STATS_NR_FIELDS];
	size_t full, len, l3_off, ip_fixed;
	char cname[160];
	int fails = 0;

	full = pkt_build(spec, frame, sizeof(frame));
	assert_true(full > 0);
	l3_off = 14 + 4 * spec->n_vlans;
	ip_fixed = l3_off + (spec->family == 6 ? 40 : 20);

	for (len = 0; len <= full; len++) {
		size_t field;
		int want;

		snprintf(cname, sizeof(cname), "%s, cut at %zu of %zu", name,
			 len, full);
		if (len < 14) {
			read_stats(before);
			run_frame(frame, len, &r);
			read_stats(after);
			if (r.err != -EINVAL) {
				print_error("case '%s': got %s, want EINVAL\n",
					    cname,
					    r.err ? strerror(-r.err)
						  : action_name(r.retval));
				fails++;
			}
			if (memcmp(before, after, sizeof(before))) {
				print_error("case '%s': stats changed\n",
					    cname);
				fails++;
			}
			continue;
		}
		if (len < l3_off) {
			want = XDP_PASS;
			field = F(pass_not_ip);
		} else if (len < ip_fixed) {
			want = XDP_PASS;
			field = F(pass_unparsed);
		} else if (len < full) {
			want = blocked ? XDP_DROP : XDP_PASS;
			field = blocked ? F(drop_unparsed) : F(pass_unparsed);
		} else {
			want = blocked ? XDP_DROP : XDP_PASS;
			field = blocked ? F(drop_manual) : F(pass_clean);
		}
		fails += expect_run(cname, frame, len, want, field, &r);
	}
	return fails;
}

static void test_truncation(void **state)
{
	static const struct {
		const char *name;
		struct pkt_spec pkt;
		struct seed seed;
	} t[] = {
	    {"v4 SYN", {SYN4(25)}, BLOCK(H4)},
	    {"v4 qinq SYN with options",
	     {SYN4(587), .n_vlans = 2, .vlan_tpid = {0x88a8}, .ip4_opt_len = 12,
	      .tcp_opt_len = 20},
	     BLOCK(N4)},
	    {"v6 SYN", {SYN6(25), .tcp_opt_len = 20}, BLOCK(H6)},
	    {"v6 vlan SYN with ext headers",
	     {SYN6(465), .n_vlans = 1, .n_ext = 3,
	      .ext = {EXT_HOP, EXT_ROUTING, EXT_FRAG}, .tcp_opt_len = 12},
	     BLOCK(N6)},
	};
	char name[96];
	size_t i;
	int fails = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		reset_state();
		snprintf(name, sizeof(name), "%s, clean", t[i].name);
		fails += truncate_one(name, &t[i].pkt, 0);

		seed_entry(&t[i].seed);
		snprintf(name, sizeof(name), "%s, blocked", t[i].name);
		fails += truncate_one(name, &t[i].pkt, 1);
	}
	assert_int_equal(fails, 0);
}

/* --- the RST ------------------------------------------------------------ */

static __u16 get16(const __u8 *p)
{
	return p[0] << 8 | p[1];
}

static __u32 get32(const __u8 *p)
{
	return (__u32)get16(p) << 16 | get16(p + 2);
}

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			print_error("case '%s': ", name);                      \
			print_error(__VA_ARGS__);                              \
			print_error("\n");                                     \
			fails++;                                               \
		}                                                              \
	} while (0)

/*
 * Runs a refused SYN in reset mode and checks the answer field by field.
 * want_ack: the acknowledgement number the RST must carry.
 */
static int check_reset(const char *name, const struct pkt_spec *spec,
		       const struct seed *sd, __u32 want_ack)
{
	static __u8 in[PKT_MAX];
	static struct run_result r;
	struct pkt_view vi, vo;
	size_t len, want_len;
	const __u8 *o, *ii;
	int fails = 0;

	reset_state();
	seed_entry(sd);
	set_config(0, MXS_ACTION_RESET);
	len = pkt_build(spec, in, sizeof(in));
	assert_true(len > 0);
	assert_int_equal(pkt_view(in, len, &vi), 0);

	fails += expect_run(name, in, len, XDP_TX, F(reset_manual), &r);
	if (fails)
		return fails;

	want_len = vi.l3_off + (vi.family == 4 ? 20 : 40) + 20;
	CHECK(r.out_len == want_len, "got %u bytes, want %zu", r.out_len,
	      want_len);
	CHECK(pkt_view(r.out, r.out_len, &vo) == 0, "answer is not TCP/IP");
	if (fails)
		return fails;

	o = r.out;
	ii = in;
	CHECK(!memcmp(o, ii + 6, 6), "destination MAC is not the source's");
	CHECK(!memcmp(o + 6, ii, 6), "source MAC is not the destination's");
	CHECK(vo.n_vlans == vi.n_vlans, "got %d VLAN tags, want %d", vo.n_vlans,
	      vi.n_vlans);
	CHECK(!memcmp(o + 12, ii + 12, vi.l3_off - 12),
	      "VLAN tags or EtherType changed");

	if (vi.family == 4) {
		const __u8 *oip = o + vo.l3_off, *iip = ii + vi.l3_off;

		CHECK(oip[0] == 0x45, "got version/ihl %#x, want 0x45", oip[0]);
		CHECK(get16(oip + 2) == 40, "got total length %u, want 40",
		      get16(oip + 2));
		CHECK(get16(oip + 4) == 0, "got id %u, want 0", get16(oip + 4));
		CHECK(get16(oip + 6) == 0x4000, "got frag_off %#x, want DF",
		      get16(oip + 6));
		CHECK(oip[8] == 64, "got ttl %u, want 64", oip[8]);
		CHECK(oip[9] == 6, "got protocol %u, want 6", oip[9]);
		CHECK(!memcmp(oip + 12, iip + 16, 4),
		      "source address is not the SYN's destination");
		CHECK(!memcmp(oip + 16, iip + 12, 4),
		      "destination address is not the SYN's source");
		CHECK(pkt_ip4_csum_ok(o, &vo), "bad IPv4 header checksum");
	} else {
		const __u8 *oip = o + vo.l3_off, *iip = ii + vi.l3_off;

		CHECK(oip[0] >> 4 == 6, "got version %u, want 6", oip[0] >> 4);
		CHECK(get16(oip + 4) == 20, "got payload length %u, want 20",
		      get16(oip + 4));
		CHECK(oip[6] == 6, "got next header %u, want 6", oip[6]);
		CHECK(oip[7] == 64, "got hop limit %u, want 64", oip[7]);
		CHECK(!memcmp(oip + 8, iip + 24, 16),
		      "source address is not the SYN's destination");
		CHECK(!memcmp(oip + 24, iip + 8, 16),
		      "destination address is not the SYN's source");
	}

	{
		const __u8 *ot = o + vo.l4_off, *it = ii + vi.l4_off;

		CHECK(vo.l4_len == 20, "got TCP length %zu, want 20",
		      vo.l4_len);
		CHECK(get16(ot) == get16(it + 2), "got source port %u, want %u",
		      get16(ot), get16(it + 2));
		CHECK(get16(ot + 2) == get16(it), "got dest port %u, want %u",
		      get16(ot + 2), get16(it));
		CHECK(get32(ot + 4) == 0, "got seq %#x, want 0", get32(ot + 4));
		CHECK(get32(ot + 8) == want_ack, "got ack %#x, want %#x",
		      get32(ot + 8), want_ack);
		CHECK(ot[12] == 0x50, "got data offset byte %#x, want 0x50",
		      ot[12]);
		CHECK(ot[13] == (TF_RST | TF_ACK),
		      "got flags %#x, want RST|ACK", ot[13]);
		CHECK(get16(ot + 14) == 0, "got window %u, want 0",
		      get16(ot + 14));
		CHECK(get16(ot + 18) == 0, "got urgent pointer %u, want 0",
		      get16(ot + 18));
		CHECK(pkt_tcp_csum_ok(o, &vo), "bad TCP checksum");
	}
	return fails;
}

static void test_reset(void **state)
{
	static const struct {
		const char *name;
		struct pkt_spec pkt;
		struct seed seed;
		__u32 want_ack;
	} t[] = {
	    {"rst v4", {SYN4(25)}, BLOCK(H4), PKT_SEQ + 1},
	    {"rst v4 with tcp options",
	     {SYN4(25), .tcp_opt_len = 20},
	     BLOCK(N4),
	     PKT_SEQ + 1},
	    {"rst v4 SYN with data",
	     {SYN4(25), .tcp_opt_len = 8, .payload_len = 10},
	     BLOCK(H4),
	     PKT_SEQ + 11},
	    {"rst v4 SYN+FIN",
	     {.dport = 25, .tcp_flags = TF_SYN | TF_FIN},
	     BLOCK(H4),
	     PKT_SEQ + 2},
	    {"rst v4 seq wraps", {SYN4(25), .seq = 0xffffffff}, BLOCK(H4), 0},
	    {"rst v4 vlan",
	     {SYN4(587), .n_vlans = 1, .tcp_opt_len = 20},
	     BLOCK(H4),
	     PKT_SEQ + 1},
	    {"rst v4 qinq",
	     {SYN4(25), .n_vlans = 2, .vlan_tpid = {0x88a8, 0x8100},
	      .tcp_opt_len = 4},
	     BLOCK(N4),
	     PKT_SEQ + 1},
	    {"rst v4 from other addresses",
	     {SYN4(465), .src = "203.0.113.200", .dst = "192.0.2.1",
	      .sport = 65535, .tcp_opt_len = 12},
	     BLOCK("203.0.113.128/25"),
	     PKT_SEQ + 1},
	    {"rst v6", {SYN6(25)}, BLOCK(H6), PKT_SEQ + 1},
	    {"rst v6 with tcp options and data",
	     {SYN6(25), .tcp_opt_len = 20, .payload_len = 33},
	     BLOCK(N6),
	     PKT_SEQ + 34},
	    {"rst v6 qinq",
	     {SYN6(587), .n_vlans = 2, .vlan_tpid = {0x88a8, 0x8100},
	      .tcp_opt_len = 20},
	     BLOCK(W6),
	     PKT_SEQ + 1},
	    {"rst v6 from other addresses",
	     {SYN6(25), .src = "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe",
	      .dst = "2001:db8::1", .sport = 1024},
	     BLOCK("2001:db8:ffff:ffff:ffff:ffff:ffff:fffe/128"),
	     PKT_SEQ + 1},
	};
	size_t i;
	int fails = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		fails += check_reset(t[i].name, &t[i].pkt, &t[i].seed,
				     t[i].want_ack);
	assert_int_equal(fails, 0);
}

/*
 * Ethernet padding after the datagram is neither payload (the ack counts
 * from the IP length) nor kept in the answer.
 */
static void test_reset_padding(void **state)
{
	static __u8 in[PKT_MAX];
	static struct run_result r;
	const char *name = "rst v4 padded frame";
	struct pkt_spec spec = {SYN4(25)};
	struct seed sd = BLOCK(H4);
	struct pkt_view vo;
	size_t len;
	int fails = 0;

	reset_state();
	seed_entry(&sd);
	set_config(0, MXS_ACTION_RESET);
	len = pkt_build(&spec, in, sizeof(in));
	assert_int_equal(len, 54);
	memset(in + len, 0, 6); /* pad to the 60-byte minimum frame */
	fails += expect_run(name, in, 60, XDP_TX, F(reset_manual), &r);
	CHECK(r.out_len == 54, "got %u bytes, want 54", r.out_len);
	CHECK(pkt_view(r.out, r.out_len, &vo) == 0, "answer is not TCP/IP");
	CHECK(get32(r.out + vo.l4_off + 8) == PKT_SEQ + 1,
	      "got ack %#x, want %#x", get32(r.out + vo.l4_off + 8),
	      PKT_SEQ + 1);
	CHECK(pkt_tcp_csum_ok(r.out, &vo), "bad TCP checksum");
	assert_int_equal(fails, 0);
}

/* --- SYN rate limits ------------------------------------------------------ */

#define NS_PER_S 1000000000ull
#define TAT_FAR_FUTURE UINT64_MAX

/* GCRA parameters exactly as userspace derives them (struct mxs_rate). */
static struct mxs_rate gcra(__u32 burst, __u32 period_s)
{
	struct mxs_rate r = {.burst = burst, .period_s = period_s};

	if (burst && period_s) {
		r.emission_ns = (__u64)period_s * NS_PER_S / burst;
		r.tau_ns = (__u64)(burst - 1) * r.emission_ns;
	}
	return r;
}

/*
 * The rate key of a textual source, written independently of
 * bpf/rate.bpf.h (byte by byte) so that the two check each other.
 * prefix_v6 is config.rate_prefix_v6 as written (0, or out of range).
 */
static void rate_key_of(const char *src, __u32 class_, __u32 prefix_v6,
			struct mxs_rate_key *k)
{
	memset(k, 0, sizeof(*k));
	k->class_ = (__u8)class_;
	if (!strchr(src, ':')) {
		k->family = MXS_FAMILY_V4;
		k->prefixlen = 32;
		assert_int_equal(inet_pton(AF_INET, src, k->addr), 1);
		return;
	}
	if (prefix_v6 == 0)
		prefix_v6 = MXS_DEFAULT_RATE_PREFIX_V6;
	else if (prefix_v6 < MXS_MIN_RATE_PREFIX_V6)
		prefix_v6 = MXS_MIN_RATE_PREFIX_V6;
	else if (prefix_v6 > 128)
		prefix_v6 = 128;
	k->family = MXS_FAMILY_V6;
	k->prefixlen = (__u8)prefix_v6;
	assert_int_equal(inet_pton(AF_INET6, src, k->addr), 1);
	for (__u32 i = 0; i < 16; i++) {
		if (prefix_v6 <= i * 8)
			k->addr[i] = 0;
		else if (prefix_v6 < i * 8 + 8)
			k->addr[i] &= (__u8)(0xff << (i * 8 + 8 - prefix_v6));
	}
}

static size_t map_entries(struct bpf_map *map)
{
	int fd = bpf_map__fd(map);
	__u8 key[64], next[64];
	size_t n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	return n;
}

enum tat_set { TAT_KEEP = 0, TAT_REL, TAT_ZERO, TAT_MAX };

struct rate_step {
	const char *src; /* NULL = PKT_SRC4 */
	__u16 dport;	 /* 0 = 25 (mx) */
	/* before the frame: write the TAT of this step's source and class
	 * (simulates time passing without sleeping) */
	enum tat_set tat;
	__s64 tat_rel_ns; /* TAT_REL: now + this */
	int track;	  /* before the frame: do what the handshake program
			   * does for a completed handshake of this source
			   * (flag its slot, create its entry) */
	int want;	  /* XDP_*; 0 ends the steps (XDP_ABORTED is never
			   * wanted) */
	size_t field;
};

struct rate_case {
	const char *name;
	__u32 burst[MXS_NR_CLASSES], period_s[MXS_NR_CLASSES]; /* 0: off */
	__u32 flags, action, prefix_v6;
	struct seed seeds[2];
	struct rate_step steps[10];
	size_t want_entries; /* "rate_syn" entries after the steps */
	/* nonzero: after the steps the first step's TAT must be its first
	 * run's clock plus this many emission intervals (a fresh bucket) */
	__u32 tat_emissions;
	int daemon; /* 0: no daemon; DAEMON_FRESH / DAEMON_STALE heartbeat */
};
enum { DAEMON_FRESH = 1, DAEMON_STALE = 2 };

#define V(w, f) .want = (w), .field = F(f)
#define PASS_CLEAN V(XDP_PASS, pass_clean)
#define DROP_RATE V(XDP_DROP, drop_rate)
#define MXRATE(b, p) .burst = {(b), 0}, .period_s = {(p), 0}
#define SRC(a) .src = (a)
#define TO(port) .dport = (port)
#define SET_TAT(rel) .tat = TAT_REL, .tat_rel_ns = (rel)
/* burst 1e6 per day */
#define BIG_E (86400ull * NS_PER_S / 1000000)
#define BIG_TAU (999999ull * BIG_E)

#define B4 "198.51.100.8"
#define A6 "2001:db8:51::7"

/* clang-format off */
static const struct rate_case rate_cases[] = {
	{ "v4 burst 3 per 60s", MXRATE(3, 60), .steps = {
	  { PASS_CLEAN }, { PASS_CLEAN }, { PASS_CLEAN }, { DROP_RATE },
	  { DROP_RATE }, { SRC(B4), PASS_CLEAN }, { SRC(B4), PASS_CLEAN },
	  { DROP_RATE } }, .want_entries = 2, .tat_emissions = 3 },
	{ "v6 burst 3 per 60s, one /64 shares", MXRATE(3, 60), .steps = {
	  { SRC(A6), PASS_CLEAN }, { SRC("2001:db8:51::8"), PASS_CLEAN },
	  { SRC("2001:db8:51:0:ffff:ffff:ffff:ffff"), PASS_CLEAN },
	  { SRC("2001:db8:51::1:2"), DROP_RATE },
	  { SRC("2001:db8:51:1::7"), PASS_CLEAN },
	  { SRC(A6), DROP_RATE } }, .want_entries = 2, .tat_emissions = 3 },
	{ "v6 rate_prefix_v6 48: a /48 shares", MXRATE(2, 60),
	  .prefix_v6 = 48, .steps = {
	  { SRC(A6), PASS_CLEAN }, { SRC("2001:db8:51:ffff::1"), PASS_CLEAN },
	  { SRC("2001:db8:51:1::7"), DROP_RATE },
	  { SRC("2001:db8:52::7"), PASS_CLEAN } }, .want_entries = 2,
	  .tat_emissions = 2 },
	{ "v6 rate_prefix_v6 20 is clamped to 48", MXRATE(1, 60),
	  .prefix_v6 = 20, .steps = {
	  { SRC(A6), PASS_CLEAN }, { SRC("2001:db8:51:9::1"), DROP_RATE },
	  { SRC("2001:db8:52::7"), PASS_CLEAN } }, .want_entries = 2,
	  .tat_emissions = 1 },
	{ "v6 rate_prefix_v6 200 is clamped to 128", MXRATE(1, 60),
	  .prefix_v6 = 200, .steps = {
	  { SRC(A6), PASS_CLEAN }, { SRC(A6), DROP_RATE },
	  { SRC("2001:db8:51::8"), PASS_CLEAN } }, .want_entries = 2 },
	{ "v6 rate_prefix_v6 61: bits inside a word", MXRATE(1, 60),
	  .prefix_v6 = 61, .steps = {
	  { SRC("2001:db8:51:8::1"), PASS_CLEAN },
	  { SRC("2001:db8:51:f:ffff::"), DROP_RATE },
	  { SRC("2001:db8:51:7::1"), PASS_CLEAN } }, .want_entries = 2 },
	{ "v4 allowlisted source is exempt", MXRATE(1, 60),
	  .seeds = { ALLOW(H4), BLOCK(H4) }, .steps = {
	  { V(XDP_PASS, pass_allowed) }, { V(XDP_PASS, pass_allowed) },
	  { V(XDP_PASS, pass_allowed) } }, .want_entries = 0 },
	{ "v6 allowlisted net is exempt", MXRATE(1, 60),
	  .seeds = { ALLOW(N6) }, .steps = {
	  { SRC(A6), V(XDP_PASS, pass_allowed) },
	  { SRC(A6), V(XDP_PASS, pass_allowed) },
	  { SRC("2001:db8:52::7"), PASS_CLEAN },
	  { SRC("2001:db8:52::7"), DROP_RATE } }, .want_entries = 1 },
	{ "per class: mx limited, submission off", MXRATE(1, 60), .steps = {
	  { PASS_CLEAN }, { DROP_RATE }, { TO(587), PASS_CLEAN },
	  { TO(465), PASS_CLEAN }, { TO(587), PASS_CLEAN }, { DROP_RATE } },
	  .want_entries = 1, .tat_emissions = 1 },
	{ "per class: separate buckets", .burst = { 1, 2 },
	  .period_s = { 60, 60 }, .steps = {
	  { PASS_CLEAN }, { TO(587), PASS_CLEAN }, { TO(465), PASS_CLEAN },
	  { TO(587), DROP_RATE }, { DROP_RATE } }, .want_entries = 2 },
	{ "v4 reset action answers RST", MXRATE(1, 60),
	  .action = RST_ACTION, .steps = {
	  { PASS_CLEAN }, { V(XDP_TX, reset_rate) },
	  { V(XDP_TX, reset_rate) } }, .want_entries = 1 },
	{ "v6 reset action answers RST", MXRATE(2, 60),
	  .action = RST_ACTION, .steps = {
	  { SRC(A6), PASS_CLEAN }, { SRC(A6), PASS_CLEAN },
	  { SRC(A6), V(XDP_TX, reset_rate) } }, .want_entries = 1 },
	{ "observe mode counts and passes", MXRATE(1, 60), .flags = OBS,
	  .steps = {
	  { PASS_CLEAN }, { V(XDP_PASS, observe_rate) },
	  { V(XDP_PASS, observe_rate) } }, .want_entries = 1,
	  .tat_emissions = 1 },
	{ "blocked source spends no tokens", MXRATE(1, 60),
	  .seeds = { BLOCK(H4) }, .steps = {
	  { V(XDP_DROP, drop_manual) }, { V(XDP_DROP, drop_manual) },
	  { V(XDP_DROP, drop_manual) } }, .want_entries = 0 },
	{ "blocked source in observe mode spends no tokens", MXRATE(1, 60),
	  .flags = OBS, .seeds = { BLOCK(N4, .reason = MXS_REASON_DNSBL) },
	  .steps = {
	  { V(XDP_PASS, observe_dnsbl) }, { V(XDP_PASS, observe_dnsbl) },
	  { SRC("203.0.113.1"), PASS_CLEAN },
	  { SRC("203.0.113.1"), V(XDP_PASS, observe_rate) } },
	  .want_entries = 1 },
	{ "other-class block: rate limited", MXRATE(2, 60),
	  .seeds = { BLOCK(H4, .classes = SUB) }, .steps = {
	  { V(XDP_PASS, pass_other_class) }, { V(XDP_PASS, pass_other_class) },
	  { DROP_RATE }, { TO(587), V(XDP_DROP, drop_manual) } },
	  .want_entries = 1, .tat_emissions = 2 },
	{ "expired block: rate limited", MXRATE(1, 60),
	  .seeds = { BLOCK(H4, .expiry = EXP_PAST) }, .steps = {
	  { V(XDP_PASS, pass_expired) }, { DROP_RATE } },
	  .want_entries = 1, .tat_emissions = 1 },
	{ "refill, burst 1 per 1s", MXRATE(1, 1), .steps = {
	  { PASS_CLEAN }, { DROP_RATE },
	  { SET_TAT(-1), PASS_CLEAN }, { DROP_RATE },
	  { SET_TAT(500000000), DROP_RATE },
	  { SET_TAT(0), PASS_CLEAN }, { DROP_RATE } }, .want_entries = 1 },
	{ "refill, burst 3 per 60s, 20s later one more", MXRATE(3, 60),
	  .steps = {
	  { PASS_CLEAN }, { PASS_CLEAN }, { PASS_CLEAN }, { DROP_RATE },
	  /* 20 s after the third: TAT = now + 40 s = now + tau */
	  { SET_TAT(40 * NS_PER_S), PASS_CLEAN }, { DROP_RATE },
	  /* a minute later: the whole burst again */
	  { SET_TAT(-1), PASS_CLEAN }, { PASS_CLEAN }, { PASS_CLEAN },
	  { DROP_RATE } }, .want_entries = 1 },
	{ "extreme: burst 1e6 per day", MXRATE(1000000, 86400), .steps = {
	  { PASS_CLEAN }, { PASS_CLEAN }, { PASS_CLEAN },
	  { SET_TAT(BIG_TAU - BIG_E / 2), PASS_CLEAN }, { DROP_RATE },
	  { .tat = TAT_ZERO, PASS_CLEAN },
	  /* further ahead than this limit can put it: left by an earlier,
	   * stricter limit, so the source starts afresh */
	  { .tat = TAT_MAX, PASS_CLEAN },
	  { SET_TAT(BIG_TAU + BIG_E / 2), DROP_RATE },
	  { SET_TAT(-(__s64)(86400 * NS_PER_S)), PASS_CLEAN } },
	  .want_entries = 1 },
	/* a TAT beyond tau + emission is stale: reset, never refused for it */
	{ "extreme: burst 1 per 1s, TAT far away", MXRATE(1, 1), .steps = {
	  { .tat = TAT_MAX, PASS_CLEAN }, { DROP_RATE },
	  { .tat = TAT_ZERO, PASS_CLEAN },
	  { DROP_RATE }, { SET_TAT(2 * 86400 * NS_PER_S), PASS_CLEAN },
	  { DROP_RATE },
	  { SRC(A6), .tat = TAT_MAX, PASS_CLEAN },
	  { SRC(A6), .tat = TAT_ZERO, PASS_CLEAN } }, .want_entries = 2 },
	{ "extreme: burst 1e6 per day, v6 reset", MXRATE(1000000, 86400),
	  .action = RST_ACTION, .steps = {
	  { SRC(A6), .tat = TAT_MAX, PASS_CLEAN },
	  { SRC(A6), SET_TAT(BIG_TAU - BIG_E / 2), PASS_CLEAN },
	  { SRC(A6), V(XDP_TX, reset_rate) } }, .want_entries = 1 },
	/* --- while mxscreend runs, only tracked sources are counted --- */
	{ "daemon: an untracked source is not counted, nothing inserted",
	  MXRATE(1, 60), .daemon = DAEMON_FRESH, .steps = {
	  { PASS_CLEAN }, { PASS_CLEAN }, { PASS_CLEAN },
	  { SRC(A6), PASS_CLEAN }, { SRC(A6), PASS_CLEAN } },
	  .want_entries = 0 },
	{ "daemon: a tracked source is counted from its handshake",
	  MXRATE(2, 60), .daemon = DAEMON_FRESH, .steps = {
	  { .track = 1, PASS_CLEAN }, { DROP_RATE }, { DROP_RATE },
	  { SRC(A6), .track = 1, PASS_CLEAN }, { SRC(A6), DROP_RATE } },
	  .want_entries = 2 },
	{ "daemon: a flagged /24 without an entry is not counted",
	  MXRATE(1, 60), .daemon = DAEMON_FRESH, .steps = {
	  { SRC(B4), .track = 1, DROP_RATE }, { PASS_CLEAN }, { PASS_CLEAN } },
	  .want_entries = 1 },
	{ "daemon gone (stale heartbeat): every source counted",
	  MXRATE(1, 60), .daemon = DAEMON_STALE, .steps = {
	  { PASS_CLEAN }, { DROP_RATE } }, .want_entries = 1,
	  .tat_emissions = 1 },
	{ "rate limits off: nothing counted", .steps = {
	  { PASS_CLEAN }, { PASS_CLEAN }, { TO(587), PASS_CLEAN },
	  { SRC(A6), PASS_CLEAN } }, .want_entries = 0 },
};
/* clang-format on */

static void set_rate_config(const struct rate_case *c)
{
	struct mxs_config cfg = {
	    .flags = c->flags,
	    .action = c->action,
	    .rate_prefix_v6 = c->prefix_v6,
	};
	__u32 key = 0;

	for (int i = 0; i < MXS_NR_CLASSES; i++)
		cfg.syn_rate[i] = gcra(c->burst[i], c->period_s[i]);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.config),
					     &key, &cfg, BPF_ANY),
			 0);
}

/* now + rel, or 0 if that is before boot (a short uptime). */
static __u64 tat_at(__s64 rel)
{
	__u64 now = boot_ns();

	if (rel < 0 && (__u64)-rel > now)
		return 0;
	return now + (__u64)rel;
}

static __u32 class_of_port(__u16 port)
{
	return port == 465 || port == 587 ? MXS_CLASS_SUBMISSION : MXS_CLASS_MX;
}

/* What hs_rate_track() in the handshake program does for src. */
static void track_source(const char *src, const struct mxs_rate_key *key,
			 const struct rate_case *c)
{
	struct mxs_rate rate = gcra(c->burst[key->class_],
				    c->period_s[key->class_]);
	__u64 tat = boot_ns() + rate.emission_ns;
	__u8 a[16];
	__u32 slot;

	if (strchr(src, ':')) {
		assert_int_equal(inet_pton(AF_INET6, src, a), 1);
		slot = mxs_dir6_slot(a);
		km.dir6_any[slot / MXS_DIR_ANY_BITS] |=
		    1ull << (slot % MXS_DIR_ANY_BITS);
		km.dir6[slot / MXS_DIR_SLOTS_PER_CELL] |=
		    (__u64)MXS_SLOT_RATE << mxs_dir_shift(slot);
	} else {
		assert_int_equal(inet_pton(AF_INET, src, a), 1);
		slot = mxs_dir4_slot(a);
		km.dir4_any[slot / MXS_DIR_ANY_BITS] |=
		    1ull << (slot % MXS_DIR_ANY_BITS);
		km.dir4[slot / MXS_DIR_SLOTS_PER_CELL] |=
		    (__u64)MXS_SLOT_RATE << mxs_dir_shift(slot);
	}
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rate_syn),
					     key, &tat, BPF_NOEXIST),
			 0);
}

static int run_rate_case(const struct rate_case *c)
{
	static __u8 frame[PKT_MAX];
	static struct run_result r;
	struct mxs_rate_key first_key;
	__u64 first_t0 = 0, first_t1 = 0;
	int fd = bpf_map__fd(skel->maps.rate_syn);
	char name[160];
	int fails = 0;
	size_t n;

	reset_state();
	for (int j = 0; j < 2 && c->seeds[j].list; j++)
		seed_entry(&c->seeds[j]);
	set_rate_config(c);
	if (c->daemon)
		set_daemon_heartbeat(c->daemon == DAEMON_FRESH
					 ? boot_ns()
					 : boot_ns() - MXS_HS_FRESH_NS - 1);

	for (int i = 0; i < 10 && c->steps[i].want; i++) {
		const struct rate_step *st = &c->steps[i];
		const char *src = st->src ? st->src : PKT_SRC4;
		__u16 dport = st->dport ? st->dport : 25;
		struct pkt_spec spec = {
		    .family = strchr(src, ':') ? 6 : 4,
		    .src = src,
		    .dport = dport,
		    .tcp_flags = TF_SYN,
		};
		struct mxs_rate_key key;
		size_t len;
		__u64 tat;

		snprintf(name, sizeof(name), "%s, step %d (%s to %u)", c->name,
			 i + 1, src, dport);
		rate_key_of(src, class_of_port(dport), c->prefix_v6, &key);
		if (i == 0)
			first_key = key;
		if (st->tat != TAT_KEEP) {
			tat = st->tat == TAT_ZERO  ? 0
			      : st->tat == TAT_MAX ? TAT_FAR_FUTURE
						   : tat_at(st->tat_rel_ns);
			assert_int_equal(
			    bpf_map_update_elem(fd, &key, &tat, BPF_ANY), 0);
		}
		if (st->track)
			track_source(src, &key, c);
		len = pkt_build(&spec, frame, sizeof(frame));
		assert_true(len > 0);
		if (i == 0)
			first_t0 = boot_ns();
		fails += expect_run(name, frame, len, st->want, st->field, &r);
		if (i == 0)
			first_t1 = boot_ns();
	}

	n = map_entries(skel->maps.rate_syn);
	if (n != c->want_entries) {
		print_error("case '%s': got %zu rate_syn entries, want %zu\n",
			    c->name, n, c->want_entries);
		fails++;
	}
	if (c->tat_emissions) {
		struct mxs_rate rate = gcra(c->burst[first_key.class_],
					    c->period_s[first_key.class_]);
		__u64 e = rate.emission_ns * c->tat_emissions, tat = 0;

		if (bpf_map_lookup_elem(fd, &first_key, &tat) ||
		    tat < first_t0 + e || tat > first_t1 + e) {
			print_error("case '%s': got TAT now%+lld ns, want "
				    "first run + %llu ns\n",
				    c->name, (long long)(tat - first_t0),
				    (unsigned long long)e);
			fails++;
		}
	}
	return fails;
}

static void test_syn_rate(void **state)
{
	int fails = 0;

	for (size_t i = 0; i < sizeof(rate_cases) / sizeof(rate_cases[0]); i++)
		fails += run_rate_case(&rate_cases[i]);
	reset_state();
	assert_int_equal(fails, 0);
}

/* --- directory updates: lengths follow adds and deletes, no gaps -------- */

static void cidr_of(const char *text, struct addr_cidr *c)
{
	char addr[64], *slash;

	memset(c, 0, sizeof(*c));
	snprintf(addr, sizeof(addr), "%s", text);
	slash = strchr(addr, '/');
	assert_non_null(slash);
	*slash = '\0';
	c->prefixlen = (uint8_t)atoi(slash + 1);
	c->family = MXS_FAMILY_V4;
	assert_int_equal(inet_pton(AF_INET, addr, c->addr), 1);
}

static void put4(int list, const char *prefix, int reason)
{
	struct mxs_entry e = {.classes = MXS_CLASSES_ALL, .reason = reason};
	struct addr_cidr c;

	cidr_of(prefix, &c);
	assert_int_equal(kmap_entry_put(&km, list, &c, &e, NULL, NULL), 0);
}

static void del4(int list, const char *prefix)
{
	struct addr_cidr c;

	cidr_of(prefix, &c);
	assert_int_equal(kmap_entry_delete(&km, list, &c), 0);
}

static int syn4_verdict(const char *name, int want, size_t field)
{
	static __u8 frame[PKT_MAX];
	static struct run_result r;
	struct pkt_spec spec = {.dport = 25, .tcp_flags = TF_SYN};
	size_t len = pkt_build(&spec, frame, sizeof(frame));

	assert_true(len > 0);
	return expect_run(name, frame, len, want, field, &r);
}

static void test_dir_updates(void **state)
{
	struct addr_cidr all[3];
	struct mxs_entry e = {.classes = MXS_CLASSES_ALL,
			      .reason = MXS_REASON_LIST};
	size_t done, removed;
	__u32 slot;
	int fails = 0;

	reset_state();
	put4(MXS_LIST_BLOCK, W4, MXS_REASON_LIST);
	put4(MXS_LIST_BLOCK, N4, MXS_REASON_DNSBL);
	fails += syn4_verdict("/24 inside /16", XDP_DROP, F(drop_dnsbl));
	del4(MXS_LIST_BLOCK, N4);
	fails += syn4_verdict("/24 deleted: the /16 decides", XDP_DROP,
			      F(drop_list));
	put4(MXS_LIST_BLOCK, N4, MXS_REASON_DNSBL);
	del4(MXS_LIST_BLOCK, W4);
	fails += syn4_verdict("/16 deleted: the /24 still decides", XDP_DROP,
			      F(drop_dnsbl));
	del4(MXS_LIST_BLOCK, N4);
	fails += syn4_verdict("both deleted", XDP_PASS, F(pass_clean));

	cidr_of(W4, &all[0]);
	cidr_of(N4, &all[1]);
	cidr_of("198.51.100.0/28", &all[2]);
	assert_int_equal(kmap_entries_put_many(&km, MXS_LIST_BLOCK, all, 3, &e,
					       &done),
			 0);
	assert_int_equal(done, 3);
	fails += syn4_verdict("bulk write", XDP_DROP, F(drop_list));
	assert_int_equal(kmap_entries_flush(&km, MXS_LIST_BLOCK, &removed), 0);
	assert_int_equal(removed, 3);
	fails += syn4_verdict("flushed", XDP_PASS, F(pass_clean));
	/* no slot names a length any more (flags may stay: a "maybe") */
	slot = mxs_dir4_slot(all[1].addr);
	assert_int_equal((km.dir4[slot / 4] >> mxs_dir_shift(slot)) &
			     (MXS_SLOT_LEN_MASK << MXS_SLOT_BLOCK_LEN_SHIFT),
			 0);
	assert_int_equal(fails, 0);
}

/* The prefix word of list for the /24 of PKT_SRC4 in host4, or 0. */
static __u64 src4_net_word(int list)
{
	struct addr_cidr c;
	__u32 a, h;
	__u64 key;
	const uint64_t *line;

	cidr_of(PKT_SRC4 "/32", &c);
	memcpy(&a, c.addr, 4);
	h = mxs_host4_hash(mxs_net4_base(a));
	key = mxs_host4_key(h, list == MXS_LIST_ALLOW) | MXS_H4_NET;
	line = km.host4 + (size_t)(h >> MXS_HOST4_TAG_BITS) * MXS_HOST4_WAYS;
	for (int i = 0; i < MXS_HOST4_WAYS; i++)
		if ((line[i] & MXS_H4_KEY_MASK) == key)
			return line[i];
	return 0;
}

static __u32 word_reason(__u64 w)
{
	return (__u32)(w >> MXS_H4_REASON_SHIFT) & 7;
}

/* Deletes an IPv4 prefix from its hash behind kmap's back. */
static void del4_hash_only(int list, const char *prefix)
{
	struct addr_cidr c;
	struct mxs_lpm4_key key = {0};

	cidr_of(prefix, &c);
	key.prefixlen = c.prefixlen;
	memcpy(&key.addr, c.addr, 4);
	assert_int_equal(
	    bpf_map_delete_elem(bpf_map__fd(list == MXS_LIST_ALLOW
						? skel->maps.allow4_net
						: skel->maps.block4_net),
				&key),
	    0);
}

/*
 * Prefix words (see "host4" in mxscreen.h): a /16../24 prefix is copied
 * into a word per /24 where it decides, and the program decides from the
 * word; the word follows the deciding prefix as longer ones come and go,
 * leaves with the last one, and never exists for a prefix shorter than
 * MXS_NET4_WORD_MIN.
 */
static void test_prefix_words(void **state)
{
	size_t removed;
	int fails = 0;

	reset_state();
	put4(MXS_LIST_BLOCK, W4, MXS_REASON_LIST);
	assert_int_equal(word_reason(src4_net_word(MXS_LIST_BLOCK)),
			 MXS_REASON_LIST);
	/* the word alone decides: the hash entry is gone */
	del4_hash_only(MXS_LIST_BLOCK, W4);
	fails += syn4_verdict("/16 from its word", XDP_DROP, F(drop_list));
	put4(MXS_LIST_BLOCK, W4, MXS_REASON_LIST);

	put4(MXS_LIST_BLOCK, N4, MXS_REASON_DNSBL);
	assert_int_equal(word_reason(src4_net_word(MXS_LIST_BLOCK)),
			 MXS_REASON_DNSBL);
	fails += syn4_verdict("/24 word over the /16", XDP_DROP, F(drop_dnsbl));
	del4(MXS_LIST_BLOCK, N4);
	assert_int_equal(word_reason(src4_net_word(MXS_LIST_BLOCK)),
			 MXS_REASON_LIST);
	fails += syn4_verdict("/24 deleted: the /16's word again", XDP_DROP,
			      F(drop_list));
	/* a new value of the deciding prefix reaches its word */
	put4(MXS_LIST_BLOCK, W4, MXS_REASON_FILE);
	assert_int_equal(word_reason(src4_net_word(MXS_LIST_BLOCK)),
			 MXS_REASON_FILE);
	del4(MXS_LIST_BLOCK, W4);
	assert_true(src4_net_word(MXS_LIST_BLOCK) == 0);
	fails += syn4_verdict("/16 deleted: no word", XDP_PASS, F(pass_clean));

	/* shorter than MXS_NET4_WORD_MIN: the hash alone */
	put4(MXS_LIST_BLOCK, "198.0.0.0/8", MXS_REASON_DNSBL);
	assert_true(src4_net_word(MXS_LIST_BLOCK) == 0);
	fails += syn4_verdict("/8 from its hash", XDP_DROP, F(drop_dnsbl));
	put4(MXS_LIST_BLOCK, N4, MXS_REASON_LIST);
	del4(MXS_LIST_BLOCK, N4);
	assert_true(src4_net_word(MXS_LIST_BLOCK) == 0);
	fails += syn4_verdict("/24 deleted over a /8: no word", XDP_DROP,
			      F(drop_dnsbl));

	/* allow words, beside the block word */
	put4(MXS_LIST_BLOCK, N4, MXS_REASON_LIST);
	put4(MXS_LIST_ALLOW, W4, MXS_REASON_MANUAL);
	assert_true(src4_net_word(MXS_LIST_ALLOW) != 0);
	del4_hash_only(MXS_LIST_ALLOW, W4);
	fails += syn4_verdict("allow /16 from its word", XDP_PASS,
			      F(pass_allowed));
	put4(MXS_LIST_ALLOW, W4, MXS_REASON_MANUAL);
	assert_int_equal(kmap_entries_flush(&km, MXS_LIST_ALLOW, &removed), 0);
	assert_true(src4_net_word(MXS_LIST_ALLOW) == 0);
	assert_true(src4_net_word(MXS_LIST_BLOCK) != 0);
	fails += syn4_verdict("allow flushed", XDP_DROP, F(drop_list));
	assert_int_equal(kmap_entries_flush(&km, MXS_LIST_BLOCK, &removed), 0);
	assert_true(src4_net_word(MXS_LIST_BLOCK) == 0);
	fails += syn4_verdict("block flushed", XDP_PASS, F(pass_clean));
	assert_int_equal(fails, 0);
	reset_state();
}

/*
 * The directories' summaries: kmap sets a slot's bit before it writes
 * the slot, and the program takes a clear bit for a clean slot without
 * reading the slot.
 */
static void test_dir_summary(void **state)
{
	struct addr_cidr c;
	__u32 slot;
	int fails = 0;

	reset_state();
	put4(MXS_LIST_BLOCK, PKT_SRC4 "/32", MXS_REASON_LIST);
	cidr_of(PKT_SRC4 "/32", &c);
	slot = mxs_dir4_slot(c.addr);
	assert_true((km.dir4_any[slot / MXS_DIR_ANY_BITS] >>
		     (slot % MXS_DIR_ANY_BITS)) & 1);
	fails += syn4_verdict("summary set", XDP_DROP, F(drop_list));
	km.dir4_any[slot / MXS_DIR_ANY_BITS] &=
	    ~(1ull << (slot % MXS_DIR_ANY_BITS));
	fails += syn4_verdict("summary cleared by hand: the slot is not read",
			      XDP_PASS, F(pass_clean));
	/* a /16 marks all 256 of its /24s */
	put4(MXS_LIST_BLOCK, W4, MXS_REASON_LIST);
	cidr_of(W4, &c);
	slot = mxs_dir4_slot(c.addr);
	for (__u32 s = slot; s < slot + 256; s++)
		assert_true((km.dir4_any[s / MXS_DIR_ANY_BITS] >>
			     (s % MXS_DIR_ANY_BITS)) & 1);
	assert_false((km.dir4_any[(slot + 256) / MXS_DIR_ANY_BITS] >>
		      ((slot + 256) % MXS_DIR_ANY_BITS)) & 1);
	assert_int_equal(fails, 0);
	reset_state();
}

/*
 * host4: a line holds MXS_HOST4_WAYS entries.  With it full of other
 * hosts, a listed source spills to the hash and its /24 is flagged, and
 * must still be refused; a clean source of a full line still passes.
 */
static void test_host4_spill(void **state)
{
	struct mxs_entry e = {.classes = MXS_CLASSES_ALL,
			      .reason = MXS_REASON_DNSBL};
	struct addr_cidr src, other;
	__u32 a, want_line, found = 0;
	int fails = 0;

	reset_state();
	cidr_of(PKT_SRC4 "/32", &src);
	memcpy(&a, src.addr, 4);
	want_line = mxs_host4_hash(a) >> MXS_HOST4_TAG_BITS;
	/* data entries (never a packet's source) that share its line */
	for (__u32 x = 1; found < MXS_HOST4_WAYS && x; x++) {
		__u32 be = htonl(x);

		if (be == a || mxs_host4_hash(be) >> MXS_HOST4_TAG_BITS != want_line)
			continue;
		other = src;
		memcpy(other.addr, &be, 4);
		assert_int_equal(kmap_entry_put(&km, MXS_LIST_BLOCK, &other, &e,
						NULL, NULL),
				 0);
		found++;
	}
	assert_int_equal(found, MXS_HOST4_WAYS);
	fails += syn4_verdict("full line, source not listed", XDP_PASS,
			      F(pass_clean));
	put4(MXS_LIST_BLOCK, PKT_SRC4 "/32", MXS_REASON_LIST);
	assert_true(km.dir4[mxs_dir4_slot(src.addr) / 4] >>
			    mxs_dir_shift(mxs_dir4_slot(src.addr)) &
		    MXS_SLOT_HOST_SPILL);
	fails += syn4_verdict("full line, source spilled to the hash",
			      XDP_DROP, F(drop_list));
	del4(MXS_LIST_BLOCK, PKT_SRC4 "/32");
	fails += syn4_verdict("spilled source deleted", XDP_PASS,
			      F(pass_clean));
	assert_int_equal(fails, 0);
	reset_state();
}

/*
 * While another thread adds and deletes a prefix over and over, the
 * program must never see a gap: a source covered by a permanent entry
 * throughout keeps its verdict on every run.
 */
struct toggler {
	int list;
	const char *prefix;
	int reason;
	int stop;   /* set by the reader when it has run enough */
	int rounds; /* put + delete pairs done */
	int err;
};

static void *toggle_prefix(void *arg)
{
	struct toggler *t = arg;
	struct mxs_entry e = {.classes = MXS_CLASSES_ALL, .reason = t->reason};
	struct addr_cidr c;

	cidr_of(t->prefix, &c);
	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		t->err = kmap_entry_put(&km, t->list, &c, &e, NULL, NULL);
		t->err = t->err ?: kmap_entry_delete(&km, t->list, &c);
		if (t->err)
			break;
		t->rounds++;
	}
	return NULL;
}

#define NO_GAP_CALLS 100 /* BPF_PROG_RUN calls of NO_GAP_REPEAT runs */
#define NO_GAP_REPEAT 4

/* Every run while t toggles must count in `good` (or `also_good`). */
static void run_while_toggling(const char *name, struct toggler *t,
			       size_t good, size_t also_good)
{
	static __u8 frame[PKT_MAX];
	struct pkt_spec spec = {.dport = 25, .tcp_flags = TF_SYN};
	size_t len = pkt_build(&spec, frame, sizeof(frame));
	__u64 before[MXS_STATS_NR_FIELDS], after[MXS_STATS_NR_FIELDS], got;
	__u64 runs = (__u64)NO_GAP_CALLS * NO_GAP_REPEAT;
	pthread_t th;

	assert_true(len > 0);
	read_stats(before);
	assert_int_equal(pthread_create(&th, NULL, toggle_prefix, t), 0);
	for (int i = 0; i < NO_GAP_CALLS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = len, .repeat = NO_GAP_REPEAT);

		assert_int_equal(bpf_prog_test_run_opts(prog_fd, &opts), 0);
	}
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	nr_runs += runs;
	read_stats(after);
	print_message("%s: %llu runs while the writer added and deleted "
		      "%d times\n",
		      name, (unsigned long long)runs, t->rounds);
	assert_int_equal(t->err, 0);
	assert_true(t->rounds > 0);
	got = after[good / sizeof(__u64)] - before[good / sizeof(__u64)];
	if (also_good != good)
		got += after[also_good / sizeof(__u64)] -
		       before[also_good / sizeof(__u64)];
	assert_int_equal(got, runs);
}

static void test_dir_no_gap(void **state)
{
	struct toggler block24 = {MXS_LIST_BLOCK, N4, MXS_REASON_DNSBL, 0, 0, 0};
	struct toggler allow24 = {MXS_LIST_ALLOW, N4, MXS_REASON_MANUAL, 0, 0, 0};
	struct toggler host32 = {MXS_LIST_BLOCK, PKT_SRC4 "/32",
				 MXS_REASON_DNSBL, 0, 0, 0};
	struct toggler block28 = {MXS_LIST_BLOCK, "198.51.100.0/28",
				  MXS_REASON_DNSBL, 0, 0, 0};

	reset_state();
	put4(MXS_LIST_BLOCK, W4, MXS_REASON_LIST);
	run_while_toggling("block /24 inside a blocked /16", &block24,
			   F(drop_list), F(drop_dnsbl));
	run_while_toggling("block /28 inside a blocked /16", &block28,
			   F(drop_list), F(drop_dnsbl));
	run_while_toggling("block host inside a blocked /16", &host32,
			   F(drop_list), F(drop_dnsbl));
	reset_state();
	put4(MXS_LIST_BLOCK, "198.0.0.0/8", MXS_REASON_LIST);
	put4(MXS_LIST_ALLOW, W4, MXS_REASON_MANUAL);
	run_while_toggling("allow /24 inside an allowed /16, blocked /8",
			   &allow24, F(pass_allowed), F(pass_allowed));
	reset_state();
}

/* --- the object's contract with the loader ------------------------------ */

static void test_object_shape(void **state)
{
	struct {
		struct bpf_map *map;
		const char *name;
		enum bpf_map_type type;
	} m[] = {
	    {skel->maps.config, MXS_MAP_CONFIG, BPF_MAP_TYPE_ARRAY},
	    {skel->maps.ports, MXS_MAP_PORTS, BPF_MAP_TYPE_ARRAY},
	    {skel->maps.stats, MXS_MAP_STATS, BPF_MAP_TYPE_PERCPU_ARRAY},
	    {skel->maps.allow4_host, MXS_MAP_ALLOW4_HOST, BPF_MAP_TYPE_HASH},
	    {skel->maps.allow4_net, MXS_MAP_ALLOW4_NET, BPF_MAP_TYPE_HASH},
	    {skel->maps.allow6_host, MXS_MAP_ALLOW6_HOST, BPF_MAP_TYPE_HASH},
	    {skel->maps.allow6_net, MXS_MAP_ALLOW6_NET, BPF_MAP_TYPE_LPM_TRIE},
	    {skel->maps.block4_host, MXS_MAP_BLOCK4_HOST, BPF_MAP_TYPE_HASH},
	    {skel->maps.block4_net, MXS_MAP_BLOCK4_NET, BPF_MAP_TYPE_HASH},
	    {skel->maps.block6_host, MXS_MAP_BLOCK6_HOST, BPF_MAP_TYPE_HASH},
	    {skel->maps.block6_net, MXS_MAP_BLOCK6_NET, BPF_MAP_TYPE_LPM_TRIE},
	    {skel->maps.meta, MXS_MAP_META, BPF_MAP_TYPE_HASH},
	    {skel->maps.rate_syn, MXS_MAP_RATE_SYN, BPF_MAP_TYPE_LRU_HASH},
	    {skel->maps.rate_conn, MXS_MAP_RATE_CONN, BPF_MAP_TYPE_LRU_HASH},
	    {skel->maps.offences, MXS_MAP_OFFENCES, BPF_MAP_TYPE_HASH},
	    {skel->maps.dir4, MXS_MAP_DIR4, BPF_MAP_TYPE_ARRAY},
	    {skel->maps.dir6, MXS_MAP_DIR6, BPF_MAP_TYPE_ARRAY},
	    {skel->maps.host4, MXS_MAP_HOST4, BPF_MAP_TYPE_ARRAY},
	    {skel->maps.dir4_any, MXS_MAP_DIR4_ANY, BPF_MAP_TYPE_ARRAY},
	    {skel->maps.dir6_any, MXS_MAP_DIR6_ANY, BPF_MAP_TYPE_ARRAY},
	};
	struct bpf_map_info info;
	__u32 info_len;
	size_t i;

	assert_string_equal(bpf_program__name(skel->progs.mxscreen_xdp),
			    MXS_PROG_NAME);
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		assert_string_equal(bpf_map__name(m[i].map), m[i].name);
		assert_int_equal(bpf_map__type(m[i].map), m[i].type);
		/* created, even "meta" which the program never touches */
		assert_true(bpf_map__fd(m[i].map) >= 0);
		memset(&info, 0, sizeof(info));
		info_len = sizeof(info);
		assert_int_equal(bpf_obj_get_info_by_fd(bpf_map__fd(m[i].map),
							&info, &info_len),
				 0);
		assert_string_equal(info.name, m[i].name);
	}
	assert_int_equal(bpf_map__value_size(skel->maps.stats),
			 sizeof(struct mxs_stats));
	assert_int_equal(bpf_map__key_size(skel->maps.meta),
			 sizeof(struct mxs_prefix));
	assert_int_equal(bpf_map__value_size(skel->maps.meta),
			 sizeof(struct mxs_meta));
	assert_int_equal(bpf_map__key_size(skel->maps.rate_syn),
			 sizeof(struct mxs_rate_key));
	assert_int_equal(bpf_map__value_size(skel->maps.rate_syn),
			 sizeof(__u64));
	assert_int_equal(bpf_map__key_size(skel->maps.rate_conn),
			 sizeof(struct mxs_rate_key));
	assert_int_equal(bpf_map__value_size(skel->maps.rate_conn),
			 sizeof(__u64));
	assert_int_equal(bpf_map__key_size(skel->maps.offences),
			 sizeof(struct mxs_prefix));
	assert_int_equal(bpf_map__value_size(skel->maps.offences),
			 sizeof(struct mxs_offence));
	assert_int_equal(bpf_map__max_entries(skel->maps.dir4), MXS_DIR4_CELLS);
	assert_int_equal(bpf_map__max_entries(skel->maps.dir6), MXS_DIR6_CELLS);
	assert_int_equal(bpf_map__map_flags(skel->maps.dir4), BPF_F_MMAPABLE);
}

/* Last: over the whole suite, the outcomes sum to packets. */
static void test_stats_total(void **state)
{
	__u64 s[MXS_STATS_NR_FIELDS], sum = 0;
	size_t i;

	read_stats(s);
	for (i = 1; i < MXS_STATS_NR_FIELDS; i++)
		sum += s[i];
	print_message("stats: %llu packets over %llu runs, outcomes sum "
		      "to %llu\n",
		      (unsigned long long)s[0], (unsigned long long)nr_runs,
		      (unsigned long long)sum);
	assert_int_equal(s[0], nr_runs);
	assert_int_equal(sum, s[0]);
}

/* --- setup ------------------------------------------------------------- */

/* libbpf's info lines (".xdp_run_config skipped") are noise here. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int suite_setup(void **state)
{
	struct bpf_map *list_maps[10];
	mxs_port_class_t mx = MXS_CLASS_BIT(MXS_CLASS_MX);
	mxs_port_class_t sub = MXS_CLASS_BIT(MXS_CLASS_SUBMISSION);
	__u32 port;
	int i, err, fd;

	libbpf_set_print(libbpf_print);
	skel = mxscreen_bpf__open();
	if (!skel) {
		fprintf(stderr, "cannot open the BPF skeleton: %s\n",
			strerror(errno));
		return -1;
	}
	list_maps[0] = skel->maps.allow4_host;
	list_maps[1] = skel->maps.allow4_net;
	list_maps[2] = skel->maps.allow6_host;
	list_maps[3] = skel->maps.allow6_net;
	list_maps[4] = skel->maps.block4_host;
	list_maps[5] = skel->maps.block4_net;
	list_maps[6] = skel->maps.block6_host;
	list_maps[7] = skel->maps.block6_net;
	list_maps[8] = skel->maps.meta;
	list_maps[9] = skel->maps.offences;
	for (i = 0; i < 10; i++)
		bpf_map__set_max_entries(list_maps[i], TEST_LIST_MAX);
	/* LRU hashes hand out free elements to each CPU in batches of 128
	 * and evict early when the batches run dry: a tiny one could lose
	 * a bucket a case still counts on. */
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return -1;
	bpf_map__set_max_entries(skel->maps.rate_syn, 256 * ncpus);
	bpf_map__set_max_entries(skel->maps.rate_conn, 256 * ncpus);

	err = mxscreen_bpf__load(skel);
	if (err) {
		fprintf(stderr,
			"cannot load the BPF object: %s "
			"(run as root)\n",
			strerror(-err));
		mxscreen_bpf__destroy(skel);
		skel = NULL;
		return -1;
	}
	prog_fd = bpf_program__fd(skel->progs.mxscreen_xdp);

	/* pinned where nothing else looks, so that kmap can open them */
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/mxs-test-xdp-%d",
		 (int)getpid());
	err = bpf_object__pin_maps(skel->obj, pin_dir);
	err = err ?: kmap_open(&km, pin_dir);
	if (err) {
		fprintf(stderr, "cannot pin the maps in %s and open them: %s "
			"(is bpffs mounted on /sys/fs/bpf?)\n",
			pin_dir, strerror(-err));
		bpf_object__unpin_maps(skel->obj, pin_dir);
		return -1;
	}

	fd = bpf_map__fd(skel->maps.ports);
	port = 25;
	err = bpf_map_update_elem(fd, &port, &mx, BPF_ANY);
	port = 465;
	err = err ?: bpf_map_update_elem(fd, &port, &sub, BPF_ANY);
	port = 587;
	err = err ?: bpf_map_update_elem(fd, &port, &sub, BPF_ANY);
	if (err) {
		fprintf(stderr, "cannot seed the ports map: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int suite_teardown(void **state)
{
	kmap_close(&km);
	bpf_object__unpin_maps(skel->obj, pin_dir);
	rmdir(pin_dir);
	mxscreen_bpf__destroy(skel);
	skel = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_object_shape),
	    cmocka_unit_test(test_verdicts),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_reset),
	    cmocka_unit_test(test_reset_padding),
	    cmocka_unit_test(test_syn_rate),
	    cmocka_unit_test(test_dir_updates),
	    cmocka_unit_test(test_dir_no_gap),
	    cmocka_unit_test(test_host4_spill),
	    cmocka_unit_test(test_prefix_words),
	    cmocka_unit_test(test_dir_summary),
	    cmocka_unit_test(test_stats_total),
	};

	return cmocka_run_group_tests_name("mxscreen XDP program", tests,
					   suite_setup, suite_teardown);
}
