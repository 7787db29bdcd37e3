/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_metrics.c - unit tests of metrics.c without a kernel: the kmap
 * calls it makes are stubbed here over a small fake set of maps.  Checks
 * the daemon-up rule, how live entries are counted (expired, allow, class
 * masks, families), that a read error prints nothing, and the shape of
 * the exposition (one HELP/TYPE block per family, counters end in _total,
 * no per-address label).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/metrics.h"
#include "check.h"

#define NS 1000000000ull

/* ---- the fake maps ------------------------------------------------------ */

struct fake_entry {
	int list;
	struct addr_cidr cidr;
	struct mxs_entry e;
};

static struct {
	uint64_t now;
	struct fake_entry entries[16];
	size_t nr_entries;
	struct mxs_daemon_status daemon;
	uint64_t packets;
	int walk_err; /* returned by kmap_entries_walk */
} fake;

uint64_t kmap_now_ns(void)
{
	return fake.now;
}

int kmap_stats_read(struct kmap *km, struct mxs_stats *total)
{
	memset(total, 0, sizeof(*total));
	total->packets = fake.packets;
	total->drop_dnsbl = fake.packets;
	return 0;
}

int kmap_capacity(struct kmap *km, int list, int family_index,
		  enum kmap_kind kind, uint32_t *capacity)
{
	*capacity = (uint32_t)(1000 + list * 100 + family_index * 10 + (int)kind);
	return 0;
}

int kmap_entries_walk(struct kmap *km, int list, kmap_entry_fn fn, void *ctx)
{
	if (fake.walk_err)
		return fake.walk_err;
	for (size_t i = 0; i < fake.nr_entries; i++) {
		int rc;

		if (fake.entries[i].list != list)
			continue;
		rc = fn(&fake.entries[i].cidr, &fake.entries[i].e, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

int kmap_daemon_get(struct kmap *km, struct mxs_daemon_status *st)
{
	*st = fake.daemon;
	return 0;
}

int kmap_hs_stats_read(struct kmap *km, struct mxs_hs_stats *total)
{
	memset(total, 0, sizeof(*total));
	total->queued = 7;
	return 0;
}

int kmap_cache_count(struct kmap *km, uint32_t *used, uint32_t *capacity)
{
	*used = 3;
	*capacity = 131072;
	return 0;
}

static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.now = 1000 * NS;
}

static void fake_add(int list, uint8_t family, uint64_t expires_ns,
		     uint8_t classes, uint8_t reason)
{
	struct fake_entry *f = &fake.entries[fake.nr_entries++];

	memset(f, 0, sizeof(*f));
	f->list = list;
	f->cidr.family = family;
	f->cidr.prefixlen = family == MXS_FAMILY_V6 ? 128 : 32;
	f->cidr.addr[0] = family == MXS_FAMILY_V6 ? 0x20 : 192;
	f->e.expires_ns = expires_ns;
	f->e.classes = classes;
	f->e.reason = reason;
}

/* ---- tests -------------------------------------------------------------- */

static void test_daemon_up(void **state)
{
	static const struct {
		const char *name;
		uint32_t pid;
		uint64_t heartbeat_s, now_s;
		bool want;
	} cases[] = {
		{ "never started", 0, 0, 100, false },
		{ "running", 42, 99, 100, true },
		{ "heartbeat just within", 42, 95, 100, true },
		{ "heartbeat stale", 42, 94, 100, false },
		{ "stopped cleanly", 0, 99, 100, false },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct mxs_daemon_status st = {
			.pid = cases[i].pid,
			.heartbeat_ns = cases[i].heartbeat_s * NS,
		};

		CHECK_INT(cases[i].name, "up",
			  metrics_daemon_up(&st, cases[i].now_s * NS),
			  cases[i].want);
	}
	CHECK_DONE();
}

static void test_collect_live(void **state)
{
	static const struct {
		const char *name;
		int list;
		uint8_t family, reason, mask;
		uint64_t want;
	} want[] = {
		{ "block v4 manual mx", MXS_LIST_BLOCK, 0, MXS_REASON_MANUAL, 1, 2 },
		{ "block v4 manual all", MXS_LIST_BLOCK, 0, MXS_REASON_MANUAL, 3, 1 },
		{ "block v4 dnsbl mx", MXS_LIST_BLOCK, 0, MXS_REASON_DNSBL, 1, 0 },
		{ "block v6 rate submission", MXS_LIST_BLOCK, 1, MXS_REASON_RATE, 2, 1 },
		{ "allow v4 file all", MXS_LIST_ALLOW, 0, MXS_REASON_FILE, 3, 2 },
		{ "allow v4 file mx", MXS_LIST_ALLOW, 0, MXS_REASON_FILE, 1, 0 },
	};
	struct metrics_sample *s = malloc(sizeof(*s));

	assert_non_null(s);
	fake_reset();
	/* two live manual mx hosts, one that never expires */
	fake_add(MXS_LIST_BLOCK, MXS_FAMILY_V4, 0, 1, MXS_REASON_MANUAL);
	fake_add(MXS_LIST_BLOCK, MXS_FAMILY_V4, fake.now + NS, 1,
		 MXS_REASON_MANUAL);
	fake_add(MXS_LIST_BLOCK, MXS_FAMILY_V4, 0, 3, MXS_REASON_MANUAL);
	/* expired exactly now: not live */
	fake_add(MXS_LIST_BLOCK, MXS_FAMILY_V4, fake.now, 1, MXS_REASON_DNSBL);
	fake_add(MXS_LIST_BLOCK, MXS_FAMILY_V6, 0, 2, MXS_REASON_RATE);
	/* a block entry for no class, and a reason out of range: skipped */
	fake_add(MXS_LIST_BLOCK, MXS_FAMILY_V4, 0, 0, MXS_REASON_MANUAL);
	fake_add(MXS_LIST_BLOCK, MXS_FAMILY_V4, 0, 1, MXS_NR_REASONS);
	/* allow entries count under "all" whatever their mask */
	fake_add(MXS_LIST_ALLOW, MXS_FAMILY_V4, 0, 1, MXS_REASON_FILE);
	fake_add(MXS_LIST_ALLOW, MXS_FAMILY_V4, 0, 3, MXS_REASON_FILE);
	fake.daemon.pid = 7;
	fake.daemon.heartbeat_ns = fake.now - NS;

	assert_int_equal(metrics_collect(NULL, s), 0);
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		CHECK_UINT(want[i].name, "live",
			   s->live[want[i].list - 1][want[i].family]
				  [want[i].reason][want[i].mask - 1],
			   want[i].want);
	CHECK_INT("sample", "daemon_up", s->daemon_up, true);
	/* the fill counts every entry the walk saw, expired or odd ones too */
	CHECK_UINT("sample", "block v4 host used",
		   s->fill[MXS_LIST_BLOCK - 1][0][KMAP_HOST].used, 6);
	CHECK_UINT("sample", "block v6 host used",
		   s->fill[MXS_LIST_BLOCK - 1][1][KMAP_HOST].used, 1);
	CHECK_UINT("sample", "allow v4 host used",
		   s->fill[MXS_LIST_ALLOW - 1][0][KMAP_HOST].used, 2);
	CHECK_UINT("sample", "block v6 prefix used",
		   s->fill[MXS_LIST_BLOCK - 1][1][KMAP_NET].used, 0);
	CHECK_UINT("sample", "block v6 prefix capacity",
		   s->fill[MXS_LIST_BLOCK - 1][1][KMAP_NET].capacity, 1211);
	CHECK_UINT("sample", "cache capacity", s->cache_capacity, 131072);
	free(s);
	CHECK_DONE();
}

static void test_collect_error(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fake_reset();
	fake.walk_err = -EPERM;
	CHECK_INT("walk fails", "metrics_write", metrics_write(NULL, f), -EPERM);
	fclose(f);
	CHECK_UINT("walk fails", "bytes printed", len, 0);
	free(text);
	CHECK_DONE();
}

/* The exposition of a sample, as a string (caller frees). */
static char *exposition(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(NULL, f), 0);
	fclose(f);
	return text;
}

static void test_print(void **state)
{
	static const char *const want[] = {
		"\nmxscreen_packets_total 5\n",
		"\nmxscreen_outcomes_total{verdict=\"drop\",reason=\"dnsbl\"} 5\n",
		"\nmxscreen_entries{list=\"block\",family=\"ipv4\",kind=\"host\"} 1\n",
		"\nmxscreen_entries{list=\"block\",family=\"ipv6\",kind=\"prefix\"} 0\n",
		"\nmxscreen_entries_capacity{list=\"allow\",family=\"ipv4\",kind=\"host\"} 1100\n",
		"\nmxscreen_live_entries{list=\"block\",family=\"ipv4\",reason=\"manual\",class=\"mx\"} 1\n",
		"\nmxscreen_live_entries{list=\"block\",family=\"ipv6\",reason=\"file\",class=\"all\"} 0\n",
		"\nmxscreen_live_entries{list=\"allow\",family=\"ipv6\",reason=\"dnsbl\",class=\"all\"} 0\n",
		"\nmxscreen_daemon_up 1\n",
		"\nmxscreen_dnsbl_verdicts_total{verdict=\"block\"} 4\n",
		"\nmxscreen_dnsbl_cache_entries 3\n",
		"\nmxscreen_handshakes_total{outcome=\"queued\"} 7\n",
		"\nmxscreen_dnsbl_zone_listed_total{zone=\"bl.test\",site=\"0\"} 9\n",
		"\nmxscreen_dnsbl_zone_queries_total{zone=\"wl.test\",site=\"1\"} 0\n",
		"\nmxscreen_dnsbl_zone_usable{zone=\"q\\\"z\",site=\"2\"} 0\n",
	};
	static const char *const never[] = {
		/* no series of allow entries per class: they apply to all */
		"list=\"allow\",family=\"ipv4\",reason=\"manual\",class=\"mx\"",
		/* no reason none */
		"reason=\"none\"", "addr=", "address=", "src=", "ip=",
	};
	char *text, *line, *save = NULL;
	char last_type[128] = "";

	fake_reset();
	fake.packets = 5;
	fake_add(MXS_LIST_BLOCK, MXS_FAMILY_V4, 0, 1, MXS_REASON_MANUAL);
	fake.daemon.pid = 7;
	fake.daemon.heartbeat_ns = fake.now;
	fake.daemon.blocked = 4;
	fake.daemon.nr_sites = 3;
	snprintf(fake.daemon.site[0].spec, MXS_SITE_SPEC_LEN,
		 "bl.test=127.0.0.[2..11]*3");
	fake.daemon.site[0].listed = 9;
	snprintf(fake.daemon.site[1].spec, MXS_SITE_SPEC_LEN, "wl.test*-5");
	snprintf(fake.daemon.site[2].spec, MXS_SITE_SPEC_LEN, "q\"z");
	fake.daemon.site[2].state = MXS_SITE_REFUSED;
	text = exposition();
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		CHECK_CONTAINS("sample", "exposition", text, want[i]);
	for (size_t i = 0; i < ARRAY_LEN(never); i++)
		CHECK(strstr(text, never[i]) == NULL,
		      "case sample: got \"%s\" in the exposition, want it absent",
		      never[i]);
	/* every sample belongs to the family of the TYPE line before it,
	 * each family is typed once, and counters end in _total */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[128], type[16];

		if (sscanf(line, "# TYPE %127s %15s", name, type) == 2) {
			CHECK(strcmp(name, last_type) != 0,
			      "case sample: family %s typed twice in a row", name);
			CHECK(strcmp(type, "counter") != 0 ||
				      (strlen(name) > 6 &&
				       strcmp(name + strlen(name) - 6,
					      "_total") == 0),
			      "case sample: counter %s does not end in _total",
			      name);
			snprintf(last_type, sizeof(last_type), "%s", name);
			continue;
		}
		if (line[0] == '#')
			continue;
		CHECK(strncmp(line, last_type, strlen(last_type)) == 0 &&
			      (line[strlen(last_type)] == ' ' ||
			       line[strlen(last_type)] == '{'),
		      "case sample: \"%s\" after # TYPE %s", line, last_type);
	}
	free(text);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daemon_up),
		cmocka_unit_test(test_collect_live),
		cmocka_unit_test(test_collect_error),
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
