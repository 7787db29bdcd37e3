// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * mkseeds.c - the built seeds of two fuzz corpora: DNS replies for
 * fuzz_dns_answer (tests/unit/dnsmsg.h) and frames for fuzz_xdp
 * (tests/bpf/packets.c), written as seed-NAME files into the directories
 * given.  `make fuzz-seeds` runs it; the text corpora (configuration,
 * state and list files, command lines, ...) are plain files in the
 * repository.
 *
 *   mkseeds DNS_ANSWER_DIR XDP_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf/packets.h"
#include "../unit/dnsmsg.h"

static const char *dns_dir, *xdp_dir;
static int failed;

static void put(const char *dir, const char *name, const void *data,
		size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "mkseeds: cannot write %s: %s\n", path,
			strerror(errno));
		failed = 1;
	}
}

/* ---- DNS replies ------------------------------------------------------- */

#define Q4 "7.100.51.198.zen.example"
#define Q6 "7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.5.0.0.8.b.d.0.1.0.0.2.zen.example"
#define A(addr, ttl) { NULL, DNSMSG_T_A, (ttl), (addr) }

static void dns(const char *name, const char *qname, unsigned int rcode,
		const struct dnsmsg_rr *rrs, int compress)
{
	struct dnsmsg m;
	size_t len = dnsmsg_build(&m, qname, DNSMSG_T_A, rcode, rrs, compress);

	put(dns_dir, name, m.b, len);
}

/* A query-name request (fuzz_dns_answer's second reading of its input):
 * family, 16 address bytes, buffer length / 2, the zone. */
static void qname(const char *name, __u8 family, const __u8 addr[16],
		  __u8 half_len, const char *zone)
{
	__u8 b[512];
	size_t zlen = strlen(zone);

	b[0] = family;
	memcpy(b + 1, addr, 16);
	b[17] = half_len;
	memcpy(b + 18, zone, zlen);
	put(dns_dir, name, b, 18 + zlen);
}

static void dns_seeds(void)
{
	static const struct dnsmsg_rr one[] = { A("127.0.0.2", 300), { 0 } };
	static const struct dnsmsg_rr three[] = {
		A("127.0.0.2", 900), A("127.0.0.10", 30), A("127.0.0.4", 3600),
		{ 0 }
	};
	static const struct dnsmsg_rr refused[] = {
		A("127.255.255.254", 60), { 0 }
	};
	static const struct dnsmsg_rr bogus[] = { A("192.0.2.1", 60), { 0 } };
	static const struct dnsmsg_rr mixed[] = {
		A("127.0.0.3", 60), A("198.51.100.1", 60), { 0 }
	};
	static const struct dnsmsg_rr wl[] = { A("127.0.10.2", 86400), { 0 } };
	static const struct dnsmsg_rr cname[] = {
		{ Q4, DNSMSG_T_CNAME, 300, "t.zen.example" },
		{ "t.zen.example", DNSMSG_T_A, 120, "127.0.0.3" }, { 0 }
	};
	static const struct dnsmsg_rr dangling[] = {
		{ Q4, DNSMSG_T_CNAME, 300, "t.zen.example" }, { 0 }
	};
	static const struct dnsmsg_rr loop[] = {
		{ Q4, DNSMSG_T_CNAME, 300, "t.zen.example" },
		{ "t.zen.example", DNSMSG_T_CNAME, 300, Q4 }, { 0 }
	};
	static const struct dnsmsg_rr txt[] = {
		A("127.0.0.2", 300),
		{ NULL, DNSMSG_T_TXT, 300, "https://zen.example/query/ip/198.51.100.7" },
		{ 0 }
	};
	static const struct dnsmsg_rr huge_ttl[] = {
		A("127.0.0.2", 0x80000000u), { 0 }
	};
	static const __u8 v4[16] = { 198, 51, 100, 7 };
	static const __u8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x51,
				     [15] = 7 };
	struct dnsmsg_rr many[21];
	char addr[20][16];
	int i;

	dns("listed", Q4, 0, one, 1);
	dns("listed-uncompressed", Q4, 0, one, 0);
	dns("listed-v6", Q6, 0, one, 1);
	dns("three-records", Q4, 0, three, 1);
	dns("refused", Q4, 0, refused, 1);
	dns("bogus", Q4, 0, bogus, 1);
	dns("mixed", Q4, 0, mixed, 1);
	dns("dnswl", Q4, 0, wl, 1);
	dns("cname", Q4, 0, cname, 1);
	dns("cname-dangling", Q4, 0, dangling, 1);
	dns("cname-loop", Q4, 0, loop, 1);
	dns("with-txt", Q4, 0, txt, 1);
	dns("ttl-top-bit", Q4, 0, huge_ttl, 1);
	dns("nodata", Q4, 0, NULL, 1);
	dns("nxdomain", Q4, 3, NULL, 1);
	dns("servfail", Q4, 2, NULL, 1);
	for (i = 0; i < 20; i++) {
		snprintf(addr[i], sizeof(addr[i]), "127.0.0.%d", i + 1);
		many[i] = (struct dnsmsg_rr){ NULL, DNSMSG_T_A, 60, addr[i] };
	}
	many[20] = (struct dnsmsg_rr){ 0 };
	dns("twenty-records", Q4, 0, many, 1);

	qname("qname-v4", 4, v4, 128, "zen.example");
	qname("qname-v6", 6, v6, 128, "zen.example");
	qname("qname-v6-tight", 6, v6, 38, "zen.example");
	qname("qname-bad-family", 5, v4, 128, "zen.example");
}

/* ---- frames ------------------------------------------------------------ */

/* fuzz_xdp's input: mode, pick, then the frame (kind 0). */
static void frame(const char *name, __u8 mode, const struct pkt_spec *s)
{
	__u8 b[PKT_MAX + 2];
	size_t len = pkt_build(s, b + 2, PKT_MAX);

	if (!len) {
		fprintf(stderr, "mkseeds: cannot build %s\n", name);
		failed = 1;
		return;
	}
	b[0] = mode; /* kind 0: raw */
	b[1] = 0;
	put(xdp_dir, name, b, len + 2);
}

/* Kind 1 (a spec from bytes) and kind 2 (a SYN with bytes overwritten). */
static void raw(const char *name, const __u8 *b, size_t len)
{
	put(xdp_dir, name, b, len);
}

static void xdp_seeds(void)
{
	static const struct {
		const char *name;
		__u8 mode;
		struct pkt_spec s;
	} frames[] = {
		{ "syn4-blocked", 0, { .dport = 25, .tcp_flags = TF_SYN,
				       .src = "198.51.100.7" } },
		{ "syn4-blocked-reset", 2, { .dport = 25, .tcp_flags = TF_SYN,
					     .src = "198.51.100.7",
					     .tcp_opt_len = 20 } },
		{ "syn4-blocked-observe", 1, { .dport = 587,
					       .tcp_flags = TF_SYN,
					       .src = "203.0.113.5" } },
		{ "syn4-clean-rate", 4, { .dport = 25, .tcp_flags = TF_SYN,
					  .src = "10.1.2.3" } },
		{ "syn4-allowed", 0, { .dport = 25, .tcp_flags = TF_SYN,
				       .src = "198.51.100.12" } },
		{ "syn4-qinq", 2, { .dport = 25, .tcp_flags = TF_SYN,
				    .src = "198.51.100.7", .n_vlans = 2,
				    .vlan_tpid = { 0x88a8, 0x8100 } } },
		{ "syn4-options", 0, { .dport = 25, .tcp_flags = TF_SYN,
				       .src = "198.51.100.7",
				       .ip4_opt_len = 8 } },
		{ "syn4-later-fragment", 0, { .dport = 25,
					      .tcp_flags = TF_SYN,
					      .src = "198.51.100.7",
					      .frag = PKT_FRAG_LATER } },
		{ "ack4-established", 0, { .dport = 25, .tcp_flags = TF_ACK,
					   .src = "198.51.100.7",
					   .payload_len = 40 } },
		{ "udp4", 0, { .ip_proto = 17, .payload_len = 8,
			       .src = "198.51.100.7" } },
		{ "syn6-blocked", 2, { .family = 6, .dport = 25,
				       .tcp_flags = TF_SYN,
				       .src = "2001:db8:51::7" } },
		{ "syn6-net-blocked", 0, { .family = 6, .dport = 465,
					   .tcp_flags = TF_SYN,
					   .src = "2001:db8:66::1" } },
		{ "syn6-ext-headers", 0,
		  { .family = 6, .dport = 25, .tcp_flags = TF_SYN,
		    .src = "2001:db8:51::7", .n_ext = 3,
		    .ext = { EXT_HOP, EXT_ROUTING, EXT_DEST } } },
		{ "syn6-seven-ext-headers", 0,
		  { .family = 6, .dport = 25, .tcp_flags = TF_SYN,
		    .src = "2001:db8:51::7", .n_ext = 7,
		    .ext = { EXT_HOP, EXT_DEST, EXT_ROUTING, EXT_DEST,
			     EXT_ROUTING, EXT_DEST, EXT_DEST } } },
		{ "syn6-later-fragment", 0, { .family = 6, .dport = 25,
					      .tcp_flags = TF_SYN,
					      .src = "2001:db8:51::7",
					      .frag = PKT_FRAG_LATER } },
		{ "syn6-bad-length", 0, { .family = 6, .dport = 25,
					  .tcp_flags = TF_SYN,
					  .src = "2001:db8:51::7",
					  .ip6_payload_len = 400 } },
		{ "arp", 0, { .ethertype = 0x0806 } },
	};
	/* kind 1: mode 0x08 (+ observe/reset/rate), pick, spec bytes */
	static const __u8 spec_syn4[] = { 0x08, 0x00, 0x00, 0x9c, 0x40, TF_SYN,
					  0, 0, 0, 0, 0, 0, 0 };
	static const __u8 spec_syn6_vlan[] = { 0x0a, 0x00, 0x03, 0x01, 0x9c,
					       0x40, TF_SYN, 0x03, 0, 1, 2,
					       5, 10, 0, 0, 0 };
	static const __u8 spec_malformed[] = { 0x09, 0x05, 0x00, 0x9c, 0x40,
					       TF_SYN, 0x00, 0x00, 0, 0, 0,
					       0x01, 0x04 };
	/* kind 2: mode 0x10, pick, cut, (offset, value) pairs */
	static const __u8 overlay_ttl[] = { 0x10, 0x00, 0x00, 22, 1 };
	static const __u8 overlay_v6_cut[] = { 0x12, 0x01, 60, 20, 0x88 };
	static const __u8 overlay_flags[] = { 0x10, 0x00, 0x00, 47, 0x12 };
	size_t i;

	for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		frame(frames[i].name, frames[i].mode, &frames[i].s);
	raw("spec-syn4", spec_syn4, sizeof(spec_syn4));
	raw("spec-syn6-vlan-ext", spec_syn6_vlan, sizeof(spec_syn6_vlan));
	raw("spec-malformed-ihl", spec_malformed, sizeof(spec_malformed));
	raw("overlay-ttl", overlay_ttl, sizeof(overlay_ttl));
	raw("overlay-v6-cut", overlay_v6_cut, sizeof(overlay_v6_cut));
	raw("overlay-syn-ack", overlay_flags, sizeof(overlay_flags));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds DNS_ANSWER_DIR XDP_DIR\n");
		return 2;
	}
	dns_dir = argv[1];
	xdp_dir = argv[2];
	dns_seeds();
	xdp_seeds();
	return failed;
}
