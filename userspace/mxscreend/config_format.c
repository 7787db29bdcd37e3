/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * config_format.c - a struct config as mxscreen.conf text (see
 * config_format.h).
 *
 * One formatter per kind of the settings table (config_settings.h), each
 * the inverse of config.c's parser for that kind, built on the formatters
 * of the modules that parse the values: duration, settings, addr,
 * listfile, pflog_event, config's own for policy_listen and dns_servers.
 * A value is written item by item straight to the stream, so that long
 * lists (256 networks) need no buffer and nothing is ever cut.
 */
#include "config_format.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "config_settings.h"
#include "dnsbl_sites.h"
#include "lib/addr.h"
#include "lib/duration.h"
#include "lib/listfile.h"
#include "lib/pflog_event.h"
#include "lib/settings.h"

/* One "name = value" line: items after " = ", separated by ", ". */
struct line {
	FILE *out;
	bool any; /* an item was written */
};

/* Start the next item: " " before the first, ", " before the others. */
static void item_start(struct line *l)
{
	fputs(l->any ? ", " : " ", l->out);
	l->any = true;
}

static void item(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void item(struct line *l, const char *fmt, ...)
{
	va_list ap;

	item_start(l);
	va_start(ap, fmt);
	vfprintf(l->out, fmt, ap);
	va_end(ap);
}

/* duration_format() when it says exactly seconds ("1h30m"), else the
 * seconds ("3601s"): it keeps the two largest units only. */
static void print_duration(struct line *l, uint64_t seconds)
{
	char buf[DURATION_STRLEN];
	uint64_t back;

	duration_format(seconds, buf, sizeof(buf));
	if (duration_parse(buf, &back, NULL, 0) || back != seconds)
		snprintf(buf, sizeof(buf), "%llus",
			 (unsigned long long)seconds);
	item(l, "%s", buf);
}

static bool octet_has(const uint8_t map[32], unsigned int v)
{
	return map[v / 8] & (1u << (v % 8));
}

/* One octet of a filter: "4" for a single value, else its runs as
 * "[2..11]" or "[1;3..5]". */
static void print_octet(FILE *out, const uint8_t map[32])
{
	unsigned int v, lo, runs = 0;

	for (v = 0; v < 256; v++)
		if (octet_has(map, v) && (v == 0 || !octet_has(map, v - 1)))
			runs++;
	for (v = 0; v < 256 && !octet_has(map, v); v++)
		;
	if (runs == 1 && (v == 255 || !octet_has(map, v + 1))) {
		fprintf(out, "%u", v);
		return;
	}
	fputc('[', out);
	runs = 0;
	while (v < 256) {
		lo = v;
		while (v + 1 < 256 && octet_has(map, v + 1))
			v++;
		fprintf(out, "%s%u", runs++ ? ";" : "", lo);
		if (v > lo)
			fprintf(out, "..%u", v);
		for (v++; v < 256 && !octet_has(map, v); v++)
			;
	}
	fputc(']', out);
}

/* The sites as configured, each by its own text; a text cut to fit the
 * table (it fills spec) is written again from what it parsed to. */
static void print_sites(struct line *l, const struct dnsbl_sites *sites)
{
	unsigned int i, o, n = sites->nr_sites;

	if (n > DNSBL_MAX_SITES)
		n = DNSBL_MAX_SITES;
	for (i = 0; i < n; i++) {
		const struct dnsbl_site *s = &sites->site[i];

		if (strnlen(s->spec, sizeof(s->spec)) < sizeof(s->spec) - 1 ||
		    s->zone >= DNSBL_MAX_SITES) {
			item(l, "%.*s", (int)sizeof(s->spec), s->spec);
			continue;
		}
		item(l, "%.*s", DNSBL_ZONE_LEN, sites->zone[s->zone]);
		if (s->has_filter) {
			for (o = 0; o < 4; o++) {
				fputc(o ? '.' : '=', l->out);
				print_octet(l->out, s->octet[o]);
			}
		}
		fprintf(l->out, "*%d", s->weight);
	}
}

static void print_list_files(struct line *l, unsigned int n,
			     const struct config_list_file *f)
{
	unsigned int i;

	if (n > CONFIG_MAX_LIST_FILES)
		n = CONFIG_MAX_LIST_FILES;
	for (i = 0; i < n; i++) {
		if (f[i].format == LISTFILE_RBLDNSD)
			item(l, "%s:%.*s",
			     listfile_format_name(LISTFILE_RBLDNSD),
			     CONFIG_PATH_LEN, f[i].path);
		else
			item(l, "%.*s", CONFIG_PATH_LEN, f[i].path);
	}
}

/* Bounded copies of the counts: a hand-made cfg never reads past. */
static unsigned int bound(unsigned int n, unsigned int max)
{
	return n < max ? n : max;
}

static void print_value(struct line *l, const struct setting *s,
			const struct config *cfg)
{
	const void *field = (const char *)cfg + s->offset;
	char buf[CONFIG_PATH_LEN + ADDR_CIDR_STRLEN + 16];
	unsigned int i, n;

	switch (s->kind) {
	case KIND_INT:
		item(l, "%d", *(const int *)field);
		break;
	case KIND_UINT32:
	case KIND_PREFIX_V6:
		item(l, "%u", *(const uint32_t *)field);
		break;
	case KIND_DURATION:
		print_duration(l, *(const uint64_t *)field);
		break;
	case KIND_BOOL:
		item(l, "%s", *(const bool *)field ? "yes" : "no");
		break;
	case KIND_SITES:
		print_sites(l, field);
		break;
	case KIND_SERVERS: {
		char servers[CONFIG_MAX_DNS_SERVERS * (CONFIG_SERVER_LEN + 1)];

		config_format_servers(cfg, servers, sizeof(servers));
		if (servers[0])
			item(l, "%s", servers);
		break;
	}
	case KIND_CLASSES:
		item(l, "%s", settings_classes_name(*(const uint8_t *)field));
		break;
	case KIND_RATE:
		settings_format_rate(field, buf, sizeof(buf));
		item(l, "%s", buf);
		break;
	case KIND_PATH:
		if (*(const char *)field)
			item(l, "%.*s", CONFIG_PATH_LEN, (const char *)field);
		break;
	case KIND_NAME:
		if (*(const char *)field)
			item(l, "%.*s", CONFIG_NAME_LEN, (const char *)field);
		break;
	case KIND_NETS:
		n = bound(cfg->nr_mynetworks, CONFIG_MAX_MYNETWORKS);
		for (i = 0; i < n; i++) {
			addr_format_cidr(&cfg->mynetworks[i], buf, sizeof(buf));
			item(l, "%s", buf);
		}
		break;
	case KIND_LIST_FILES:
		if (s->offset == offsetof(struct config, nr_blocklist_files))
			print_list_files(l, cfg->nr_blocklist_files,
					 cfg->blocklist_files);
		else
			print_list_files(l, cfg->nr_allowlist_files,
					 cfg->allowlist_files);
		break;
	case KIND_REASONS:
		/* by name, as config.c reads them: export_format_reasons()'
		 * "all" and "none" are the CLI's, not the file's */
		for (i = MXS_REASON_MANUAL; i < MXS_NR_REASONS; i++)
			if (*(const uint8_t *)field & (1u << i))
				item(l, "%s", settings_reason_name(i));
		break;
	case KIND_IFACES:
		n = bound(cfg->nr_interfaces, CONFIG_MAX_INTERFACES);
		for (i = 0; i < n; i++)
			item(l, "%.*s", CONFIG_IFNAME_LEN, cfg->interfaces[i]);
		break;
	case KIND_MODE:
		item(l, "%s",
		     settings_mode_name((enum settings_mode) *
					(const uint8_t *)field));
		break;
	case KIND_PF_LOGS:
		if (cfg->postfix_journal)
			item(l, "journal");
		n = bound(cfg->nr_postfix_logs, CONFIG_MAX_POSTFIX_LOGS);
		for (i = 0; i < n; i++)
			item(l, "%.*s", CONFIG_PATH_LEN, cfg->postfix_log[i]);
		break;
	case KIND_PF_EVENTS:
		/* an event not named is off: weight 0 is left out */
		for (i = PFLOG_NONE + 1; i < PFLOG_NR_EVENTS; i++)
			if (cfg->postfix_weight[i])
				item(l, "%s*%u",
				     pflog_event_name((enum pflog_event)i),
				     cfg->postfix_weight[i]);
		break;
	case KIND_SERVICES:
		n = bound(cfg->nr_submission_services, CONFIG_MAX_SERVICES);
		for (i = 0; i < n; i++)
			item(l, "%.*s", CONFIG_NAME_LEN,
			     cfg->submission_services[i]);
		break;
	case KIND_LISTEN:
		config_listen_format(field, buf, sizeof(buf));
		if (buf[0])
			item(l, "%s", buf);
		break;
	}
}

int config_print(FILE *out, const struct config *cfg)
{
	size_t i;

	for (i = 0; i < NR_SETTINGS; i++) {
		struct line l = { .out = out, .any = false };

		fprintf(out, "%s =", config_settings[i].name);
		print_value(&l, &config_settings[i], cfg);
		fputc('\n', out);
	}
	return ferror(out) ? -EIO : 0;
}
