// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pktgen.c - lists and packets for `make bench-pps` (bench/pps.sh).
 *
 *   pktgen list N FILE
 *       Writes the blocklist of N IPv4 entries, one address per line (the
 *       format `mxscreen load block` reads; pps.sh turns the same file into
 *       nft set elements).
 *   pktgen send N IFINDEX SECONDS MAX_PACKETS CPU
 *       Sends TCP SYNs to 192.0.2.1:25 from the traffic sources of list
 *       size N, redirected into IFINDEX (a veth in the caller's network
 *       namespace) by bench/pktgen.bpf.c, run with BPF_PROG_RUN and
 *       BPF_F_TEST_XDP_LIVE_FRAMES on CPU.  Stops after SECONDS or
 *       MAX_PACKETS, whichever comes first; prints
 *       {"sent": packets, "seconds": wall time} on stdout.
 *
 * Sources and list, a pure function of N (same for every mechanism):
 * the traffic comes from P addresses of 198.18.0.0/15 (RFC 2544), of which
 * B = min(N, 90% of 131,072) are in the list and P = B / 0.9 in all, so 90%
 * of the sources (and of the packets: each source is sent equally often,
 * in one fixed random order) are listed.  The other N - B entries are data:
 * addresses scattered over the unicast space outside 198.18.0.0/15 and
 * 192.0.2.0/24, never sent from.
 *   N = 1k:   P = 1,111     B = 1,000
 *   N = 100k: P = 111,111   B = 100,000
 *   N = 1M:   P = 131,071   B = 117,964  (+ 882,036 data entries)
 *
 * With PKTGEN_FLOOD=1 in the environment (both commands): a spoofed
 * random-source flood.  Every address of 198.18.0.0/15 (131,072) sends,
 * none is listed, and all N entries are data.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "packets.h"
#include "pktgen.skel.h"

#define PKTGEN_SPACE (1u << 17) /* 198.18.0.0/15 */
#define PKTGEN_NET 0xc6120000u	/* 198.18.0.0, host order */
#define PKTGEN_DST "192.0.2.1"
#define PKTGEN_SPORT 40000
#define PKTGEN_REPEAT 262144u /* frames per BPF_PROG_RUN call */
#define PKTGEN_BATCH 64u /* frames per kernel batch: at most the veth ring (256) */
#define PKTGEN_MAX_LIST 4000000u

struct pktgen_plan {
	__u32 n;	/* list entries */
	__u32 blocked;	/* traffic sources in the list: indexes 0..blocked-1 */
	__u32 sources;	/* traffic sources in all */
};

static void plan_make(__u32 n, struct pktgen_plan *p)
{
	__u32 cap = (__u32)((__u64)PKTGEN_SPACE * 9 / 10);
	const char *flood = getenv("PKTGEN_FLOOD");

	p->n = n;
	if (flood && !strcmp(flood, "1")) {
		p->blocked = 0;
		p->sources = PKTGEN_SPACE;
		return;
	}
	p->blocked = n < cap ? n : cap;
	p->sources = (__u32)(((__u64)p->blocked * 10 + 4) / 9);
	if (p->sources > PKTGEN_SPACE)
		p->sources = PKTGEN_SPACE;
}

/* Traffic source i (0 <= i < 2^17), host order: an odd multiplier is a
 * bijection on 17 bits, so distinct i give distinct addresses. */
static __u32 plan_source(__u32 i)
{
	return PKTGEN_NET | ((i * 0x9e3bu + 0x1234u) & (PKTGEN_SPACE - 1));
}

/* Bijection on 32 bits: distinct j give distinct scattered addresses. */
static __u32 perm32(__u32 x)
{
	x *= 0x9e3779b1u;
	x ^= x >> 15;
	x *= 0x85ebca77u;
	x ^= x >> 13;
	return x;
}

static int excluded(__u32 a)
{
	__u32 o = a >> 24;

	return o == 0 || o == 127 || o >= 224 ||
	       (a >> 17) == (PKTGEN_NET >> 17) || (a >> 8) == 0xc00002u;
}

static int cmd_list(__u32 n, const char *path)
{
	struct pktgen_plan p;
	__u32 i, j = 0, a;
	FILE *f;

	plan_make(n, &p);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "pktgen: cannot write %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	for (i = 0; i < p.blocked; i++) {
		a = plan_source(i);
		fprintf(f, "%u.%u.%u.%u\n", a >> 24, (a >> 16) & 255,
			(a >> 8) & 255, a & 255);
	}
	for (; i < n; i++) {
		do
			a = perm32(j++);
		while (excluded(a)); /* ends: most of the space is allowed */
		fprintf(f, "%u.%u.%u.%u\n", a >> 24, (a >> 16) & 255,
			(a >> 8) & 255, a & 255);
	}
	if (fclose(f)) {
		fprintf(stderr, "pktgen: cannot write %s: %s\n", path,
			strerror(errno));
		return -EIO;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fills pktgen_srcs with the traffic sources in one fixed random order. */
static int fill_sources(struct pktgen_bpf *skel, const struct pktgen_plan *p)
{
	__u64 rng = 0x7070736d78736372ull;
	__u32 *order, i;
	int fd = bpf_map__fd(skel->maps.pktgen_srcs);
	int err = 0;

	order = calloc(p->sources, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < p->sources; i++)
		order[i] = i;
	for (i = p->sources; i > 1; i--) {
		__u32 k, t;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		k = (__u32)((rng >> 33) % i);
		t = order[i - 1];
		order[i - 1] = order[k];
		order[k] = t;
	}
	for (i = 0; i < p->sources && !err; i++) {
		__u32 be = htonl(plan_source(order[i]));

		if (bpf_map_update_elem(fd, &i, &be, BPF_ANY))
			err = -errno;
	}
	if (err)
		fprintf(stderr, "pktgen: cannot fill pktgen_srcs: %s\n",
			strerror(-err));
	free(order);
	return err;
}

static int cmd_send(__u32 n, __u32 ifindex, double seconds, __u64 max_packets,
		    int cpu)
{
	struct pkt_spec spec = {
	    .family = 4,
	    .src = "0.0.0.0",
	    .dst = PKTGEN_DST,
	    .sport = PKTGEN_SPORT,
	    .dport = 25,
	    .tcp_flags = TF_SYN,
	    .tcp_opt_len = 20, /* as long as a Linux SYN's options */
	};
	struct pktgen_bpf *skel = NULL;
	struct pktgen_plan p;
	struct pkt_view v;
	__u8 frame[PKT_MAX];
	__u64 sent = 0;
	double t0, t1;
	cpu_set_t set;
	size_t len;
	int err, fd;

	plan_make(n, &p);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		err = -errno;
		fprintf(stderr, "pktgen: cannot pin to CPU %d: %s\n", cpu,
			strerror(-err));
		return err;
	}
	len = pkt_build(&spec, frame, sizeof(frame));
	if (!len || pkt_view(frame, len, &v)) {
		fprintf(stderr, "pktgen: cannot build the template SYN\n");
		return -EINVAL;
	}
	skel = pktgen_bpf__open();
	if (!skel) {
		err = -errno;
		fprintf(stderr, "pktgen: cannot open the BPF object: %s\n",
			strerror(-err));
		return err;
	}
	skel->rodata->pktgen_ifindex = ifindex;
	skel->rodata->pktgen_nr_src = p.sources;
	memcpy((void *)&skel->rodata->pktgen_ip_check, frame + v.l3_off + 10, 2);
	memcpy((void *)&skel->rodata->pktgen_tcp_check, frame + v.l4_off + 16,
	       2);
	err = pktgen_bpf__load(skel);
	if (err) {
		fprintf(stderr, "pktgen: cannot load the BPF program: %s\n",
			strerror(-err));
		goto out;
	}
	err = fill_sources(skel, &p);
	if (err)
		goto out;

	fd = bpf_program__fd(skel->progs.pktgen_xdp);
	t0 = now_s();
	t1 = t0;
	/* Bounded: by time and by packets. */
	while (t1 - t0 < seconds && sent < max_packets) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = (__u32)len,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
			    .batch_size = PKTGEN_BATCH);
		__u64 left = max_packets - sent;

		opts.repeat = left < PKTGEN_REPEAT ? (__u32)left : PKTGEN_REPEAT;
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err) {
			err = -errno;
			fprintf(stderr, "pktgen: BPF_PROG_RUN failed: %s\n",
				strerror(-err));
			goto out;
		}
		sent += opts.repeat;
		t1 = now_s();
	}
	printf("{\"sent\": %llu, \"seconds\": %.6f}\n",
	       (unsigned long long)sent, t1 - t0);
out:
	pktgen_bpf__destroy(skel);
	return err;
}

static int parse_num(const char *what, const char *s, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > max) {
		fprintf(stderr, "pktgen: %s: bad number '%s' (0..%.0f)\n", what,
			s, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: pktgen list N FILE\n"
			"       pktgen send N IFINDEX SECONDS MAX_PACKETS CPU\n");
}

int main(int argc, char **argv)
{
	double n, ifindex, secs, maxp, cpu;

	if (argc == 4 && !strcmp(argv[1], "list")) {
		if (parse_num("N", argv[2], PKTGEN_MAX_LIST, &n) || n < 1)
			return 1;
		return cmd_list((__u32)n, argv[3]) ? 2 : 0;
	}
	if (argc == 7 && !strcmp(argv[1], "send")) {
		if (parse_num("N", argv[2], PKTGEN_MAX_LIST, &n) || n < 1 ||
		    parse_num("IFINDEX", argv[3], UINT32_MAX, &ifindex) ||
		    parse_num("SECONDS", argv[4], 600, &secs) ||
		    parse_num("MAX_PACKETS", argv[5], 1e12, &maxp) ||
		    parse_num("CPU", argv[6], CPU_SETSIZE - 1, &cpu))
			return 1;
		return cmd_send((__u32)n, (__u32)ifindex, secs, (__u64)maxp,
				(int)cpu)
			   ? 2
			   : 0;
	}
	usage();
	return 1;
}
