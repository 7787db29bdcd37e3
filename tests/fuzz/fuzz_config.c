// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_config.c - mxscreend's configuration file: the input as a whole
 * file through config_parse_stream().
 *
 * Invariants (config.h's contract):
 *  - it returns 0 or -EINVAL (a memory stream cannot fail to read), 0
 *    exactly when no problem was reported;
 *  - on -EINVAL *out is untouched (a bad reload keeps the running
 *    configuration);
 *  - every message is "fuzz.conf:LINE: ..." with LINE from 1 to the number
 *    of lines, printable ASCII only (file text ends up in logs);
 *  - an accepted configuration is within every documented bound:
 *    thresholds, TTLs (min <= max), timeout, DNS servers (at most 8,
 *    distinct, in c-ares' "ADDR:PORT" / "[ADDR6]:PORT" form), classes,
 *    lookup limits, rates (as settings_parse_rate() makes them), the IPv6
 *    rate prefix, ban settings (ban_time <= ban_time_max), paths (empty or
 *    absolute, NUL-terminated), mynetworks (canonical prefixes), list
 *    files, export reasons, intervals, interfaces (NUL-terminated), XDP
 *    mode;
 *  - its DNSBL sites are a consistent table (fuzz_dnsbl_sites checks the
 *    parser itself);
 *  - the same text parses to the same configuration twice.
 */
#include <errno.h>
#include <inttypes.h>

#include "mxscreend/config.h"
#include "lib/duration.h"
#include "fuzz.h"

#define SENTINEL 0xa5
#define DAY 86400u

struct errors {
	unsigned long count, lines;
};

static void on_error(const char *message, void *arg)
{
	struct errors *e = arg;
	const char *p = message + strlen("fuzz.conf");
	unsigned long line = 0;

	FUZZ_CHECK(fuzz_printable(message, 2048),
		   "message not printable ASCII: \"%s\"", message);
	FUZZ_CHECK(!strncmp(message, "fuzz.conf:", 10),
		   "message without the file name: \"%s\"", message);
	p++;
	if (*p == ' ') {
		FUZZ_CHECK(0, "message without a line: \"%s\"", message);
	}
	while (*p >= '0' && *p <= '9')
		line = line * 10 + (unsigned long)(*p++ - '0');
	FUZZ_CHECK(line >= 1 && line <= e->lines && p[0] == ':' && p[1] == ' ',
		   "message with line %lu of %lu: \"%s\"", line, e->lines,
		   message);
	e->count++;
}

static int is_sentinel(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != SENTINEL)
			return 0;
	return 1;
}

static void check_rate(const struct mxs_rate *r, const char *name)
{
	struct mxs_rate want;

	if (!r->emission_ns) {
		FUZZ_CHECK(!r->tau_ns && !r->burst && !r->period_s,
			   "%s: off, but not all zero", name);
		return;
	}
	FUZZ_CHECK(settings_rate_from(r->burst, r->period_s, &want) == 0 &&
			   !memcmp(&want, r, sizeof(want)),
		   "%s: %u/%us is not what settings_rate_from() makes", name,
		   r->burst, r->period_s);
}

static void check_path(const char *path, const char *name)
{
	FUZZ_CHECK(fuzz_printable(path, CONFIG_PATH_LEN),
		   "%s: not terminated or not printable", name);
	FUZZ_CHECK(!path[0] || (path[0] == '/' && path[strlen(path) - 1] != '/'),
		   "%s: \"%s\"", name, path);
}

static void check_server(const char *s)
{
	char host[CONFIG_SERVER_LEN], err[256];
	const char *colon;
	struct addr_cidr a;
	uint64_t port;
	size_t hlen;

	FUZZ_CHECK(fuzz_printable(s, CONFIG_SERVER_LEN), "dns_server: bad text");
	colon = strrchr(s, ':');
	FUZZ_CHECK(colon && colon > s, "dns_server \"%s\": no port", s);
	if (s[0] == '[') {
		FUZZ_CHECK(colon[-1] == ']', "dns_server \"%s\"", s);
		hlen = (size_t)(colon - 1 - (s + 1));
		memcpy(host, s + 1, hlen);
	} else {
		hlen = (size_t)(colon - s);
		memcpy(host, s, hlen);
	}
	host[hlen] = '\0';
	FUZZ_CHECK(addr_parse_ip(host, &a, err, sizeof(err)) == 0 &&
			   (s[0] == '[') == (a.family == MXS_FAMILY_V6),
		   "dns_server \"%s\": host \"%s\"", s, host);
	FUZZ_CHECK(settings_parse_uint(colon + 1, 1, 65535, &port, err,
				       sizeof(err)) == 0,
		   "dns_server \"%s\": port", s);
}

static void check_cidr(const struct addr_cidr *c, const char *name)
{
	char text[ADDR_CIDR_STRLEN], err[256];
	struct addr_cidr back;

	addr_format_cidr(c, text, sizeof(text));
	FUZZ_CHECK(addr_parse_cidr(text, &back, err, sizeof(err)) == 0 &&
			   !memcmp(&back, c, sizeof(back)),
		   "%s \"%s\" is not canonical", name, text);
}

static void check_config(const struct config *c)
{
	unsigned int i, j;

	/* DNSBL */
	FUZZ_CHECK(c->sites.nr_sites <= DNSBL_MAX_SITES &&
			   c->sites.nr_zones <= c->sites.nr_sites,
		   "%u sites %u zones", c->sites.nr_sites, c->sites.nr_zones);
	for (i = 0; i < c->sites.nr_sites; i++)
		FUZZ_CHECK(c->sites.site[i].zone < c->sites.nr_zones,
			   "site %u: zone %u", i, c->sites.site[i].zone);
	for (i = 0; i < c->sites.nr_zones; i++)
		FUZZ_CHECK(fuzz_printable(c->sites.zone[i], DNSBL_ZONE_LEN) &&
				   c->sites.zone[i][0],
			   "zone %u", i);
	FUZZ_CHECK(c->threshold >= 1 && c->threshold <= 1000000,
		   "dnsbl_threshold %d", c->threshold);
	FUZZ_CHECK(c->allowlist_threshold >= -1000000 &&
			   c->allowlist_threshold <= 0,
		   "dnsbl_allowlist_threshold %d", c->allowlist_threshold);
	FUZZ_CHECK(c->min_ttl >= 1 && c->min_ttl <= c->max_ttl &&
			   c->max_ttl <= 7 * DAY,
		   "dnsbl ttls %" PRIu64 " %" PRIu64, c->min_ttl, c->max_ttl);
	FUZZ_CHECK(c->timeout >= 1 && c->timeout <= 60, "dnsbl_timeout %" PRIu64,
		   c->timeout);
	FUZZ_CHECK(c->nr_dns_servers <= CONFIG_MAX_DNS_SERVERS,
		   "%u dns_servers", c->nr_dns_servers);
	for (i = 0; i < c->nr_dns_servers; i++) {
		check_server(c->dns_server[i]);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(c->dns_server[i], c->dns_server[j]),
				   "dns_server %s twice", c->dns_server[i]);
	}
	FUZZ_CHECK(c->classes && !(c->classes & ~MXS_CLASSES_ALL),
		   "dnsbl_classes %#x", c->classes);
	FUZZ_CHECK(c->max_in_flight >= 1 && c->max_in_flight <= 100000,
		   "max_lookups_in_flight %u", c->max_in_flight);
	FUZZ_CHECK(c->max_per_second >= 1 && c->max_per_second <= 1000000,
		   "max_lookups_per_second %u", c->max_per_second);

	/* rates and bans */
	check_rate(&c->rate_mx, "rate_limit_mx");
	check_rate(&c->rate_submission, "rate_limit_submission");
	FUZZ_CHECK(c->rate_prefix_v6 >= MXS_MIN_RATE_PREFIX_V6 &&
			   c->rate_prefix_v6 <= 128,
		   "rate_prefix_v6 %u", c->rate_prefix_v6);
	FUZZ_CHECK(c->ban_connections <= SETTINGS_RATE_MAX_BURST,
		   "ban_connections %u", c->ban_connections);
	FUZZ_CHECK(c->ban_window >= 1 && c->ban_window <= DAY,
		   "ban_window %" PRIu64, c->ban_window);
	FUZZ_CHECK(c->ban_time >= 1 && c->ban_time <= c->ban_time_max &&
			   c->ban_time_max <= 365 * DAY,
		   "ban_time %" PRIu64 " ban_time_max %" PRIu64, c->ban_time,
		   c->ban_time_max);
	FUZZ_CHECK(c->ban_memory >= 1 && c->ban_memory <= 365 * DAY,
		   "ban_memory %" PRIu64, c->ban_memory);
	{
		struct mxs_rate conn;

		config_conn_rate(c, &conn);
		if (c->ban_connections)
			check_rate(&conn, "conn_rate");
		else
			FUZZ_CHECK(!conn.emission_ns, "conn_rate on, but "
				   "ban_connections 0");
	}

	/* files, networks, interfaces */
	check_path(c->state_file, "state_file");
	FUZZ_CHECK(c->state_interval >= 1 && c->state_interval <= DAY,
		   "state_interval %" PRIu64, c->state_interval);
	FUZZ_CHECK(c->nr_mynetworks <= CONFIG_MAX_MYNETWORKS, "%u mynetworks",
		   c->nr_mynetworks);
	for (i = 0; i < c->nr_mynetworks; i++)
		check_cidr(&c->mynetworks[i], "mynetworks");
	FUZZ_CHECK(c->nr_blocklist_files <= CONFIG_MAX_LIST_FILES &&
			   c->nr_allowlist_files <= CONFIG_MAX_LIST_FILES,
		   "%u and %u list files", c->nr_blocklist_files,
		   c->nr_allowlist_files);
	for (i = 0; i < c->nr_blocklist_files; i++) {
		check_path(c->blocklist_files[i].path, "blocklist_files");
		FUZZ_CHECK(c->blocklist_files[i].path[0] &&
				   c->blocklist_files[i].format <= LISTFILE_RBLDNSD,
			   "blocklist_files %u", i);
	}
	for (i = 0; i < c->nr_allowlist_files; i++) {
		check_path(c->allowlist_files[i].path, "allowlist_files");
		FUZZ_CHECK(c->allowlist_files[i].path[0] &&
				   c->allowlist_files[i].format <= LISTFILE_RBLDNSD,
			   "allowlist_files %u", i);
	}
	check_path(c->export_file, "export_file");
	FUZZ_CHECK(c->export_interval >= 1 && c->export_interval <= DAY,
		   "export_interval %" PRIu64, c->export_interval);
	FUZZ_CHECK(!(c->export_reasons & ~((1u << MXS_NR_REASONS) - 1)),
		   "export_reasons %#x", c->export_reasons);
	FUZZ_CHECK(fuzz_printable(c->export_name, CONFIG_NAME_LEN) &&
			   strspn(c->export_name,
				  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") ==
				   strlen(c->export_name),
		   "export_name \"%.*s\"", CONFIG_NAME_LEN, c->export_name);
	check_path(c->prometheus_file, "prometheus_file");
	FUZZ_CHECK(c->prometheus_interval >= 1 && c->prometheus_interval <= 3600,
		   "prometheus_interval %" PRIu64, c->prometheus_interval);
	FUZZ_CHECK(c->nr_interfaces <= CONFIG_MAX_INTERFACES, "%u interfaces",
		   c->nr_interfaces);
	for (i = 0; i < c->nr_interfaces; i++)
		FUZZ_CHECK(fuzz_printable(c->interfaces[i], CONFIG_IFNAME_LEN) &&
				   c->interfaces[i][0],
			   "interface %u", i);
	FUZZ_CHECK(c->xdp_mode <= SETTINGS_MODE_SKB, "xdp_mode %u", c->xdp_mode);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg, again, sentinel;
	struct errors e = {0};
	FILE *f;
	int rc, rc2;

	if (!size)
		return 0; /* fmemopen() refuses an empty buffer */
	for (size_t i = 0; i < size; i++)
		e.lines += data[i] == '\n';
	if (data[size - 1] != '\n')
		e.lines++;

	memset(&sentinel, SENTINEL, sizeof(sentinel));
	cfg = sentinel;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		abort();
	rc = config_parse_stream(f, "fuzz.conf", &cfg, on_error, &e);
	fclose(f);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL, "rc %d", rc);
	FUZZ_CHECK((rc == 0) == (e.count == 0), "rc %d with %lu messages", rc,
		   e.count);
	if (rc) {
		FUZZ_CHECK(is_sentinel(&cfg, sizeof(cfg)),
			   "configuration written although it was refused");
		return 0;
	}
	check_config(&cfg);

	memset(&again, 0, sizeof(again));
	f = fmemopen((void *)data, size, "r");
	if (!f)
		abort();
	rc2 = config_parse_stream(f, "fuzz.conf", &again, NULL, NULL);
	fclose(f);
	FUZZ_CHECK(rc2 == 0 && !memcmp(&again, &cfg, sizeof(cfg)),
		   "a second parse differs (%d)", rc2);
	return 0;
}
