/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_config.c - unit tests of config.c: every setting good, bad and at
 * its bounds; logical lines (continuations, comments, CRLF, NUL bytes,
 * lines of any length); duplicates; unknown names and suggestions; every
 * problem reported with its line; *out untouched on error; defaults for
 * what the file leaves out; DNS server normalisation; rate limits and
 * rate bans with their GCRA parameters and the ban_time cross-check;
 * state_file's default per pin path (config_apply_pin_path()).
 * Files are read from memory with fmemopen().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mxscreend/config.h"
#include "lib/pflog_event.h"
#include "lib/settings.h"
#include "check.h"

#define FILE_NAME "t.conf"

/* Every setting, for "the others keep their defaults". */
static const char *const names[] = {
	"dnsbl_sites",	 "dnsbl_threshold",	  "dnsbl_allowlist_threshold",
	"dnsbl_min_ttl", "dnsbl_max_ttl",	  "dnsbl_timeout",
	"dns_servers",	 "dnsbl_classes",	  "max_lookups_in_flight",
	"max_lookups_per_second", "observe",	  "rate_limit_mx",
	"rate_limit_submission", "rate_prefix_v6", "ban_connections",
	"ban_window",	 "ban_time",		  "ban_time_max",
	"ban_memory",	 "state_file",		  "state_interval",
	"mynetworks",	 "blocklist_files",	  "allowlist_files",
	"export_file",	 "export_interval",	  "export_reasons",
	"export_name",
	"prometheus_file", "prometheus_interval", "interfaces",
	"xdp_mode",	 "detach_on_stop",
	"postfix_log",	 "postfix_events",	  "postfix_threshold",
	"postfix_window", "postfix_submission_services",
	"postfix_daemon_directory", "close_connections",
	"policy_listen", "account_recipient_limit", "account_message_limit",
	"account_client_limit", "account_hold_time",
};

/* ---- helpers ------------------------------------------------------------- */

/* The messages of one parse, each followed by "\n". */
struct errors {
	char text[16384];
	size_t len;
	unsigned int n;
};

static void on_error(const char *message, void *ctx)
{
	struct errors *e = ctx;
	int w;

	e->n++;
	w = snprintf(e->text + e->len, sizeof(e->text) - e->len, "%s\n",
		     message);
	if (w > 0)
		e->len += (size_t)w;
	if (e->len >= sizeof(e->text))
		e->len = sizeof(e->text) - 1;
}

static FILE *open_mem(const char *data, size_t len)
{
	FILE *f;

	/* fmemopen() refuses size 0 on older glibc: use /dev/null then. */
	f = len ? fmemopen((void *)data, len, "r") : fopen("/dev/null", "r");
	if (!f)
		fail_msg("fmemopen: %s", strerror(errno));
	return f;
}

/* Parse len bytes of data (strlen when len is 0). */
static int parse(const char *data, size_t len, struct config *out,
		 struct errors *e)
{
	FILE *f;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!len)
		len = strlen(data);
	f = open_mem(data, len);
	rc = config_parse_stream(f, FILE_NAME, out, on_error, e);
	fclose(f);
	return rc;
}

/* A rate as settings_format_rate() prints it, with its GCRA parameters. */
static void show_rate(const struct mxs_rate *r, char *buf, size_t len)
{
	char text[SETTINGS_RATE_STRLEN];

	settings_format_rate(r, text, sizeof(text));
	snprintf(buf, len, "%s %llu %llu", text,
		 (unsigned long long)r->emission_ns,
		 (unsigned long long)r->tau_ns);
}

/* One setting of cfg as text, by its name in the file. */
static void show(const struct config *c, const char *name, char *buf,
		 size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	if (strcmp(name, "dnsbl_sites") == 0) {
		n += (size_t)snprintf(buf + n, len - n, "sites:");
		for (i = 0; i < c->sites.nr_sites && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, " %s (%d)",
					      c->sites.site[i].spec,
					      c->sites.site[i].weight);
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "; zones:");
		for (i = 0; i < c->sites.nr_zones && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, " %s",
					      c->sites.zone[i]);
	} else if (strcmp(name, "dnsbl_threshold") == 0) {
		snprintf(buf, len, "%d", c->threshold);
	} else if (strcmp(name, "dnsbl_allowlist_threshold") == 0) {
		snprintf(buf, len, "%d", c->allowlist_threshold);
	} else if (strcmp(name, "dnsbl_min_ttl") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->min_ttl);
	} else if (strcmp(name, "dnsbl_max_ttl") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->max_ttl);
	} else if (strcmp(name, "dnsbl_timeout") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->timeout);
	} else if (strcmp(name, "dns_servers") == 0) {
		/* Not config_format_servers(): that one is tested apart. */
		for (i = 0; i < c->nr_dns_servers && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%.*s",
					      i ? "," : "", CONFIG_SERVER_LEN,
					      c->dns_server[i]);
	} else if (strcmp(name, "dnsbl_classes") == 0) {
		snprintf(buf, len, "%s", settings_classes_name(c->classes));
	} else if (strcmp(name, "max_lookups_in_flight") == 0) {
		snprintf(buf, len, "%u", c->max_in_flight);
	} else if (strcmp(name, "max_lookups_per_second") == 0) {
		snprintf(buf, len, "%u", c->max_per_second);
	} else if (strcmp(name, "observe") == 0) {
		snprintf(buf, len, "%s", c->observe ? "yes" : "no");
	} else if (strcmp(name, "rate_limit_mx") == 0) {
		show_rate(&c->rate_mx, buf, len);
	} else if (strcmp(name, "rate_limit_submission") == 0) {
		show_rate(&c->rate_submission, buf, len);
	} else if (strcmp(name, "rate_prefix_v6") == 0) {
		snprintf(buf, len, "%u", c->rate_prefix_v6);
	} else if (strcmp(name, "ban_connections") == 0) {
		snprintf(buf, len, "%u", c->ban_connections);
	} else if (strcmp(name, "ban_window") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->ban_window);
	} else if (strcmp(name, "ban_time") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->ban_time);
	} else if (strcmp(name, "ban_time_max") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->ban_time_max);
	} else if (strcmp(name, "ban_memory") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->ban_memory);
	} else if (strcmp(name, "state_file") == 0) {
		snprintf(buf, len, "%s", c->state_file);
	} else if (strcmp(name, "state_interval") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->state_interval);
	} else if (strcmp(name, "mynetworks") == 0) {
		for (i = 0; i < c->nr_mynetworks && n < len; i++) {
			char a[ADDR_CIDR_STRLEN];

			addr_format_cidr(&c->mynetworks[i], a, sizeof(a));
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      i ? "," : "", a);
		}
	} else if (strcmp(name, "blocklist_files") == 0 ||
		   strcmp(name, "allowlist_files") == 0) {
		bool block = name[0] == 'b';
		unsigned int nr = block ? c->nr_blocklist_files :
					  c->nr_allowlist_files;
		const struct config_list_file *f =
			block ? c->blocklist_files : c->allowlist_files;

		for (i = 0; i < nr && i < CONFIG_MAX_LIST_FILES && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s%s",
					      i ? "," : "",
					      f[i].format == LISTFILE_RBLDNSD ?
						      "rbldnsd:" : "",
					      f[i].path);
	} else if (strcmp(name, "export_file") == 0) {
		snprintf(buf, len, "%s", c->export_file);
	} else if (strcmp(name, "export_interval") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->export_interval);
	} else if (strcmp(name, "export_reasons") == 0) {
		for (i = 0; i < MXS_NR_REASONS && n < len; i++)
			if (c->export_reasons & (1u << i))
				n += (size_t)snprintf(buf + n, len - n, "%s%s",
						      n ? "," : "",
						      settings_reason_name(i));
	} else if (strcmp(name, "export_name") == 0) {
		snprintf(buf, len, "%s", c->export_name);
	} else if (strcmp(name, "prometheus_file") == 0) {
		snprintf(buf, len, "%s", c->prometheus_file);
	} else if (strcmp(name, "prometheus_interval") == 0) {
		snprintf(buf, len, "%llu",
			 (unsigned long long)c->prometheus_interval);
	} else if (strcmp(name, "interfaces") == 0) {
		for (i = 0; i < c->nr_interfaces && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%.*s",
					      i ? "," : "", CONFIG_IFNAME_LEN,
					      c->interfaces[i]);
	} else if (strcmp(name, "xdp_mode") == 0) {
		snprintf(buf, len, "%s", settings_mode_name(c->xdp_mode));
	} else if (strcmp(name, "detach_on_stop") == 0) {
		snprintf(buf, len, "%s", c->detach_on_stop ? "yes" : "no");
	} else if (strcmp(name, "postfix_log") == 0) {
		if (c->postfix_journal)
			n += (size_t)snprintf(buf, len, "journal");
		for (i = 0; i < c->nr_postfix_logs && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "", c->postfix_log[i]);
	} else if (strcmp(name, "postfix_events") == 0) {
		for (i = PFLOG_NONE + 1; i < PFLOG_NR_EVENTS && n < len; i++)
			if (c->postfix_weight[i])
				n += (size_t)snprintf(
					buf + n, len - n, "%s%s*%u",
					n ? "," : "",
					pflog_event_name((enum pflog_event)i),
					c->postfix_weight[i]);
	} else if (strcmp(name, "postfix_threshold") == 0) {
		snprintf(buf, len, "%u", c->postfix_threshold);
	} else if (strcmp(name, "postfix_window") == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)c->postfix_window);
	} else if (strcmp(name, "postfix_submission_services") == 0) {
		for (i = 0; i < c->nr_submission_services && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "",
					      c->submission_services[i]);
	} else if (strcmp(name, "postfix_daemon_directory") == 0) {
		snprintf(buf, len, "%s", c->postfix_dir);
	} else if (strcmp(name, "close_connections") == 0) {
		snprintf(buf, len, "%s", c->close_connections ? "yes" : "no");
	} else if (strcmp(name, "policy_listen") == 0) {
		config_listen_format(&c->policy_listen, buf, len);
	} else if (strcmp(name, "account_recipient_limit") == 0) {
		show_rate(&c->account_rcpt, buf, len);
	} else if (strcmp(name, "account_message_limit") == 0) {
		show_rate(&c->account_msg, buf, len);
	} else if (strcmp(name, "account_client_limit") == 0) {
		show_rate(&c->account_clients, buf, len);
	} else if (strcmp(name, "account_hold_time") == 0) {
		snprintf(buf, len, "%llu",
			 (unsigned long long)c->account_hold_time);
	} else {
		snprintf(buf, len, "(no such setting %s)", name);
	}
}

/* want: messages separated by "\n"; each got message must start with its
 * want (so module wording can be abbreviated), and there must be as many. */
static void check_errors(const char *name, const struct errors *e,
			 const char *want)
{
	const char *g = e->text, *w = want;
	unsigned int nwant = 0, i;

	for (i = 0; want[i]; i++)
		nwant += want[i] == '\n';
	if (want[0] && want[strlen(want) - 1] != '\n')
		nwant++;
	CHECK(e->n == nwant, "case %s: messages: got %u:\n%s want %u:\n%s",
	      name, e->n, e->text, nwant, want);
	while (*w && *g) {
		size_t wl = strcspn(w, "\n"), gl = strcspn(g, "\n");

		CHECK(wl <= gl && memcmp(g, w, wl) == 0,
		      "case %s: message: got \"%.*s\", want it to start with \"%.*s\"",
		      name, (int)gl, g, (int)wl, w);
		w += wl + (w[wl] == '\n');
		g += gl + (g[gl] == '\n');
	}
}

/* Fill cfg with a pattern no parse produces. */
static void poison(struct config *cfg)
{
	memset(cfg, 0xa5, sizeof(*cfg));
}

static bool is_poisoned(const struct config *cfg)
{
	struct config p;

	poison(&p);
	return memcmp(cfg, &p, sizeof(p)) == 0;
}

/* Every setting but those in except (a space-separated list) as in
 * config_defaults(). */
static void check_defaults_except(const char *name, const struct config *c,
				  const char *except)
{
	struct config d;
	char got[2048], want[2048];
	size_t i;

	config_defaults(&d);
	for (i = 0; i < ARRAY_LEN(names); i++) {
		const char *p = strstr(except, names[i]);
		size_t l = strlen(names[i]);

		if (p && (p == except || p[-1] == ' ') &&
		    (p[l] == '\0' || p[l] == ' '))
			continue;
		show(c, names[i], got, sizeof(got));
		show(&d, names[i], want, sizeof(want));
		CHECK(strcmp(got, want) == 0,
		      "case %s: %s (untouched): got \"%s\", want \"%s\"", name,
		      names[i], got, want);
	}
}

/* ---- one setting at a time ---------------------------------------------- */

struct value_case {
	const char *in;   /* the file */
	const char *what; /* the setting looked at */
	const char *want; /* show() of it, when err is "" */
	const char *err;  /* the messages (see check_errors) */
};

#define OUT_OF_RANGE ": number "
#define ZEN "zen.example"

static const struct value_case value_cases[] = {
	/* dnsbl_threshold: 1..1000000 */
	{ "dnsbl_threshold = 5\n", "dnsbl_threshold", "5", "" },
	{ "dnsbl_threshold=5\n", "dnsbl_threshold", "5", "" },
	{ "dnsbl_threshold\t =\t5 \t\n", "dnsbl_threshold", "5", "" },
	{ "dnsbl_threshold = 1\n", "dnsbl_threshold", "1", "" },
	{ "dnsbl_threshold = 1000000\n", "dnsbl_threshold", "1000000", "" },
	{ "dnsbl_threshold = 1000001\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: number 1000001 is out of range: expected 1 to 1000000" },
	{ "dnsbl_threshold = 0\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: number 0 is out of range: expected 1 to 1000000" },
	{ "dnsbl_threshold = -1\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: number -1 is out of range" },
	{ "dnsbl_threshold = 99999999999999999999999\n", "dnsbl_threshold",
	  NULL, "t.conf:1: dnsbl_threshold: number 9999" },
	{ "dnsbl_threshold = 05\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: bad number \"05\": expected a decimal number from 1 to 1000000" },
	{ "dnsbl_threshold = +5\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: bad number \"+5\"" },
	{ "dnsbl_threshold = 5x\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: bad number \"5x\"" },
	{ "dnsbl_threshold = 5 6\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: bad number \"5 6\"" },
	{ "dnsbl_threshold = -0\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: bad number \"-0\"" },
	{ "dnsbl_threshold =\n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: empty value: expected a decimal number from 1 to 1000000" },
	{ "dnsbl_threshold = \t \n", "dnsbl_threshold", NULL,
	  "t.conf:1: dnsbl_threshold: empty value" },
	/* dnsbl_allowlist_threshold: -1000000..0 */
	{ "dnsbl_allowlist_threshold = -5\n", "dnsbl_allowlist_threshold",
	  "-5", "" },
	{ "dnsbl_allowlist_threshold = 0\n", "dnsbl_allowlist_threshold", "0",
	  "" },
	{ "dnsbl_allowlist_threshold = -1000000\n",
	  "dnsbl_allowlist_threshold", "-1000000", "" },
	{ "dnsbl_allowlist_threshold = -1000001\n",
	  "dnsbl_allowlist_threshold", NULL,
	  "t.conf:1: dnsbl_allowlist_threshold: number -1000001 is out of range: expected -1000000 to 0" },
	{ "dnsbl_allowlist_threshold = -99999999999999999999\n",
	  "dnsbl_allowlist_threshold", NULL,
	  "t.conf:1: dnsbl_allowlist_threshold: number -9999" },
	{ "dnsbl_allowlist_threshold = 1\n", "dnsbl_allowlist_threshold", NULL,
	  "t.conf:1: dnsbl_allowlist_threshold: number 1 is out of range" },
	{ "dnsbl_allowlist_threshold = -0\n", "dnsbl_allowlist_threshold",
	  NULL,
	  "t.conf:1: dnsbl_allowlist_threshold: bad number \"-0\": expected a decimal number from -1000000 to 0" },
	{ "dnsbl_allowlist_threshold = --1\n", "dnsbl_allowlist_threshold",
	  NULL, "t.conf:1: dnsbl_allowlist_threshold: bad number \"--1\"" },
	{ "dnsbl_allowlist_threshold = -\n", "dnsbl_allowlist_threshold", NULL,
	  "t.conf:1: dnsbl_allowlist_threshold: bad number \"-\"" },
	{ "dnsbl_allowlist_threshold = -01\n", "dnsbl_allowlist_threshold",
	  NULL, "t.conf:1: dnsbl_allowlist_threshold: bad number \"-01\"" },
	{ "dnsbl_allowlist_threshold = - 1\n", "dnsbl_allowlist_threshold",
	  NULL, "t.conf:1: dnsbl_allowlist_threshold: bad number \"- 1\"" },
	/* dnsbl_min_ttl, dnsbl_max_ttl: 1s..1w, min <= max (default 1m, 1h) */
	{ "dnsbl_min_ttl = 1s\n", "dnsbl_min_ttl", "1", "" },
	{ "dnsbl_min_ttl = 90\n", "dnsbl_min_ttl", "90", "" },
	{ "dnsbl_min_ttl = 1h\n", "dnsbl_min_ttl", "3600", "" },
	{ "dnsbl_min_ttl = 0\n", "dnsbl_min_ttl", NULL,
	  "t.conf:1: dnsbl_min_ttl: duration \"0\" is out of range: expected 1s to 1w" },
	{ "dnsbl_min_ttl = 1x\n", "dnsbl_min_ttl", NULL,
	  "t.conf:1: dnsbl_min_ttl: bad duration \"1x\"" },
	{ "dnsbl_min_ttl =\n", "dnsbl_min_ttl", NULL,
	  "t.conf:1: dnsbl_min_ttl: empty duration" },
	{ "dnsbl_min_ttl = 1h1s\n", "dnsbl_min_ttl", NULL,
	  "t.conf:1: dnsbl_min_ttl (3601s) is longer than dnsbl_max_ttl (1h); expected dnsbl_min_ttl <= dnsbl_max_ttl" },
	{ "dnsbl_max_ttl = 1w\n", "dnsbl_max_ttl", "604800", "" },
	{ "dnsbl_max_ttl = 1m\n", "dnsbl_max_ttl", "60", "" },
	{ "dnsbl_max_ttl = 1w1s\n", "dnsbl_max_ttl", NULL,
	  "t.conf:1: dnsbl_max_ttl: duration \"1w1s\" is out of range: expected 1s to 1w" },
	{ "dnsbl_max_ttl = 59s\n", "dnsbl_max_ttl", NULL,
	  "t.conf:1: dnsbl_min_ttl (1m) is longer than dnsbl_max_ttl (59s); expected dnsbl_min_ttl <= dnsbl_max_ttl" },
	{ "dnsbl_max_ttl = 1 h\n", "dnsbl_max_ttl", NULL,
	  "t.conf:1: dnsbl_max_ttl: bad duration \"1 h\"" },
	/* dnsbl_timeout: 1s..60s */
	{ "dnsbl_timeout = 1s\n", "dnsbl_timeout", "1", "" },
	{ "dnsbl_timeout = 60s\n", "dnsbl_timeout", "60", "" },
	{ "dnsbl_timeout = 1m\n", "dnsbl_timeout", "60", "" },
	{ "dnsbl_timeout = 5\n", "dnsbl_timeout", "5", "" },
	{ "dnsbl_timeout = 61s\n", "dnsbl_timeout", NULL,
	  "t.conf:1: dnsbl_timeout: duration \"61s\" is out of range: expected 1s to 1m" },
	{ "dnsbl_timeout = 0s\n", "dnsbl_timeout", NULL,
	  "t.conf:1: dnsbl_timeout: duration \"0s\" is out of range" },
	{ "dnsbl_timeout = -1s\n", "dnsbl_timeout", NULL,
	  "t.conf:1: dnsbl_timeout: bad duration \"-1s\"" },
	{ "dnsbl_timeout =\n", "dnsbl_timeout", NULL,
	  "t.conf:1: dnsbl_timeout: empty duration" },
	/* dnsbl_classes: commas and/or white space */
	{ "dnsbl_classes = mx\n", "dnsbl_classes", "mx", "" },
	{ "dnsbl_classes = submission\n", "dnsbl_classes", "submission", "" },
	{ "dnsbl_classes = all\n", "dnsbl_classes", "all", "" },
	{ "dnsbl_classes = mx,submission\n", "dnsbl_classes", "all", "" },
	{ "dnsbl_classes = submission mx\n", "dnsbl_classes", "all", "" },
	{ "dnsbl_classes = mx ,\tsubmission,\n", "dnsbl_classes", "all", "" },
	{ "dnsbl_classes = ,mx,\n", "dnsbl_classes", "mx", "" },
	{ "dnsbl_classes =\n", "dnsbl_classes", NULL,
	  "t.conf:1: dnsbl_classes: empty class: expected mx, submission or all" },
	{ "dnsbl_classes = , ,\n", "dnsbl_classes", NULL,
	  "t.conf:1: dnsbl_classes: empty class" },
	{ "dnsbl_classes = MX\n", "dnsbl_classes", NULL,
	  "t.conf:1: dnsbl_classes: bad class \"MX\"" },
	{ "dnsbl_classes = mx mx\n", "dnsbl_classes", NULL,
	  "t.conf:1: dnsbl_classes: bad class list \"mx,mx\": \"mx\" repeats a class" },
	{ "dnsbl_classes = all mx\n", "dnsbl_classes", NULL,
	  "t.conf:1: dnsbl_classes: bad class list" },
	/* "#" after the start of a line is part of the value */
	{ "dnsbl_classes = mx # the default\n", "dnsbl_classes", NULL,
	  "t.conf:1: dnsbl_classes: bad class \"#\"" },
	/* max_lookups_in_flight: 1..100000 */
	{ "max_lookups_in_flight = 1\n", "max_lookups_in_flight", "1", "" },
	{ "max_lookups_in_flight = 100000\n", "max_lookups_in_flight",
	  "100000", "" },
	{ "max_lookups_in_flight = 100001\n", "max_lookups_in_flight", NULL,
	  "t.conf:1: max_lookups_in_flight: number 100001 is out of range: expected 1 to 100000" },
	{ "max_lookups_in_flight = 0\n", "max_lookups_in_flight", NULL,
	  "t.conf:1: max_lookups_in_flight: number 0 is out of range" },
	{ "max_lookups_in_flight = 1e3\n", "max_lookups_in_flight", NULL,
	  "t.conf:1: max_lookups_in_flight: bad number \"1e3\"" },
	{ "max_lookups_in_flight = -1\n", "max_lookups_in_flight", NULL,
	  "t.conf:1: max_lookups_in_flight: bad number \"-1\"" },
	{ "max_lookups_in_flight =\n", "max_lookups_in_flight", NULL,
	  "t.conf:1: max_lookups_in_flight: empty value: expected a decimal number from 1 to 100000" },
	/* max_lookups_per_second: 1..1000000 */
	{ "max_lookups_per_second = 1\n", "max_lookups_per_second", "1", "" },
	{ "max_lookups_per_second = 1000000\n", "max_lookups_per_second",
	  "1000000", "" },
	{ "max_lookups_per_second = 1000001\n", "max_lookups_per_second", NULL,
	  "t.conf:1: max_lookups_per_second: number 1000001 is out of range: expected 1 to 1000000" },
	{ "max_lookups_per_second = 0\n", "max_lookups_per_second", NULL,
	  "t.conf:1: max_lookups_per_second: number 0 is out of range" },
	{ "max_lookups_per_second = 4294967297\n", "max_lookups_per_second",
	  NULL, "t.conf:1: max_lookups_per_second: number 4294967297 is out of range" },
	/* observe: yes or no */
	{ "observe = yes\n", "observe", "yes", "" },
	{ "observe = no\n", "observe", "no", "" },
	{ "observe = Yes\n", "observe", NULL,
	  "t.conf:1: observe: bad value \"Yes\": expected yes or no" },
	{ "observe = true\n", "observe", NULL,
	  "t.conf:1: observe: bad value \"true\"" },
	{ "observe = 1\n", "observe", NULL, "t.conf:1: observe: bad value \"1\"" },
	{ "observe = yes # test first\n", "observe", NULL,
	  "t.conf:1: observe: bad value \"yes # test first\"" },
	{ "observe =\n", "observe", NULL,
	  "t.conf:1: observe: empty value: expected yes or no" },
	/* dnsbl_sites: the grammar is dnsbl_sites.c's; here that it is used */
	{ "dnsbl_sites =\n", "dnsbl_sites", "sites:; zones:", "" },
	{ "dnsbl_sites = " ZEN "\n", "dnsbl_sites",
	  "sites: zen.example (1); zones: zen.example", "" },
	{ "dnsbl_sites = ZEN.Example*2\n", "dnsbl_sites",
	  "sites: ZEN.Example*2 (2); zones: zen.example", "" },
	{ "dnsbl_sites = " ZEN "*3, bl.example=127.0.0.[2..11]*2\n",
	  "dnsbl_sites",
	  "sites: zen.example*3 (3) bl.example=127.0.0.[2..11]*2 (2); zones: zen.example bl.example",
	  "" },
	{ "dnsbl_sites = wl.example=127.0.[0..255].[1;3]*-5 " ZEN "\n",
	  "dnsbl_sites",
	  "sites: wl.example=127.0.[0..255].[1;3]*-5 (-5) zen.example (1); zones: wl.example zen.example",
	  "" },
	{ "dnsbl_sites = bl.example=127.0.0.[2..]\n", "dnsbl_sites", NULL,
	  "t.conf:1: dnsbl_sites: bad filter in \"bl.example=127.0.0.[2..]\"" },
	{ "dnsbl_sites = " ZEN "*x\n", "dnsbl_sites", NULL,
	  "t.conf:1: dnsbl_sites: bad weight \"x\"" },
	{ "dnsbl_sites = 192.0.2.1\n", "dnsbl_sites", NULL,
	  "t.conf:1: dnsbl_sites: bad DNSBL zone" },
	/* dns_servers: normalised to ADDR:PORT or [ADDR6]:PORT */
	{ "dns_servers =\n", "dns_servers", "", "" },
	{ "dns_servers = , \n", "dns_servers", "", "" },
	{ "dns_servers = 127.0.0.1\n", "dns_servers", "127.0.0.1:53", "" },
	{ "dns_servers = 127.0.0.1:5353\n", "dns_servers", "127.0.0.1:5353",
	  "" },
	{ "dns_servers = 192.0.2.1:1\n", "dns_servers", "192.0.2.1:1", "" },
	{ "dns_servers = 192.0.2.1:65535\n", "dns_servers",
	  "192.0.2.1:65535", "" },
	{ "dns_servers = ::1\n", "dns_servers", "[::1]:53", "" },
	{ "dns_servers = [::1]\n", "dns_servers", "[::1]:53", "" },
	{ "dns_servers = [::1]:5353\n", "dns_servers", "[::1]:5353", "" },
	{ "dns_servers = [2001:DB8:0:0::1]:65535\n", "dns_servers",
	  "[2001:db8::1]:65535", "" },
	{ "dns_servers = [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535\n",
	  "dns_servers", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
	  "" },
	{ "dns_servers = [::ffff:192.0.2.1]:53\n", "dns_servers",
	  "192.0.2.1:53", "" },
	{ "dns_servers = ::ffff:192.0.2.1\n", "dns_servers", "192.0.2.1:53",
	  "" },
	/* A bare IPv6 address has no port: the last group is address. */
	{ "dns_servers = 2001:db8::1:53\n", "dns_servers",
	  "[2001:db8::1:53]:53", "" },
	{ "dns_servers = 192.0.2.1, 192.0.2.2\t[::1]:5353,,\n", "dns_servers",
	  "192.0.2.1:53,192.0.2.2:53,[::1]:5353", "" },
	{ "dns_servers = 192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4 192.0.2.5 192.0.2.6 192.0.2.7 [::1]\n",
	  "dns_servers",
	  "192.0.2.1:53,192.0.2.2:53,192.0.2.3:53,192.0.2.4:53,192.0.2.5:53,192.0.2.6:53,192.0.2.7:53,[::1]:53",
	  "" },
	{ "dns_servers = 192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4 192.0.2.5 192.0.2.6 192.0.2.7 192.0.2.8 192.0.2.9\n",
	  "dns_servers", NULL,
	  "t.conf:1: dns_servers: too many DNS servers: expected at most 8" },
	{ "dns_servers = 127.0.0.1 127.0.0.1:53\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: DNS server 127.0.0.1:53 is listed twice" },
	{ "dns_servers = [::1]:53 ::1\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: DNS server [::1]:53 is listed twice" },
	{ "dns_servers = 127.0.0.1:0\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad port in DNS server \"127.0.0.1:0\": expected a decimal number from 1 to 65535" },
	{ "dns_servers = 127.0.0.1:65536\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad port in DNS server \"127.0.0.1:65536\"" },
	{ "dns_servers = 127.0.0.1:053\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad port in DNS server" },
	{ "dns_servers = 127.0.0.1:\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad port in DNS server \"127.0.0.1:\"" },
	{ "dns_servers = 127.0.0.1:domain\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad port in DNS server" },
	{ "dns_servers = [::1]:\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad port in DNS server \"[::1]:\"" },
	{ "dns_servers = [::1\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"[::1\": expected ADDR, ADDR:PORT, IPV6, [IPV6] or [IPV6]:PORT" },
	{ "dns_servers = [::1]53\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"[::1]53\"" },
	{ "dns_servers = [::1]]\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"[::1]]\"" },
	{ "dns_servers = []\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"[]\"" },
	{ "dns_servers = [192.0.2.1]:53\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"[192.0.2.1]:53\": brackets are only for IPv6 addresses" },
	{ "dns_servers = localhost\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"localhost\"" },
	{ "dns_servers = 192.0.2.0/24\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"192.0.2.0/24\"" },
	{ "dns_servers = 256.0.0.1\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"256.0.0.1\"" },
	{ "dns_servers = 192.0.2.1:53:53\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"192.0.2.1:53:53\"" },
	{ "dns_servers = fe80::1%eth0\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"fe80::1%eth0\"" },
	{ "dns_servers = :53\n", "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \":53\"" },
	{ "dns_servers = 192.0.2.1 [0000:0000:0000:0000:0000:0000:0000:0000:0000:0001]\n",
	  "dns_servers", NULL,
	  "t.conf:1: dns_servers: bad DNS server \"[0000:0000:0000:0000:0000:0000:0000:0000:0000:0001]\"" },
	/* rate_limit_mx: N/DURATION (N 1..1000000, 1s..1d) or 0; shown with
	 * emission_ns and tau_ns */
	{ "rate_limit_mx = 20/60s\n", "rate_limit_mx",
	  "20/1m 3000000000 57000000000", "" },
	{ "rate_limit_mx = 0\n", "rate_limit_mx", "0 0 0", "" },
	{ "rate_limit_mx = 3/10s\n", "rate_limit_mx",
	  "3/10s 3333333333 6666666666", "" },
	{ "rate_limit_mx = 100/1m\n", "rate_limit_mx",
	  "100/1m 600000000 59400000000", "" },
	{ "rate_limit_mx = 1/1s\n", "rate_limit_mx", "1/1s 1000000000 0", "" },
	{ "rate_limit_mx = 1000000/1s\n", "rate_limit_mx",
	  "1000000/1s 1000 999999000", "" },
	{ "rate_limit_mx = 1/1d\n", "rate_limit_mx", "1/1d 86400000000000 0",
	  "" },
	{ "rate_limit_mx = 1000001/1s\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: rate \"1000001/1s\" is out of range: expected N from 1 to 1000000 (or 0 alone for off)" },
	{ "rate_limit_mx = 0/60s\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: rate \"0/60s\" is out of range: expected N from 1 to 1000000" },
	{ "rate_limit_mx = 1/1d1s\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: rate \"1/1d1s\" is out of range: expected a period from 1s to 1d" },
	{ "rate_limit_mx = 1/0s\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: rate \"1/0s\" is out of range: expected a period from 1s to 1d" },
	{ "rate_limit_mx = 20\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: bad rate \"20\": expected N/DURATION such as 20/60s, or 0 for off" },
	{ "rate_limit_mx = off\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: bad rate \"off\": expected N/DURATION" },
	{ "rate_limit_mx = 20 / 60s\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: bad rate \"20 / 60s\": \"20 \" is not a decimal number" },
	{ "rate_limit_mx = 020/60s\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: bad rate \"020/60s\": \"020\" is not a decimal number" },
	{ "rate_limit_mx = 20/60s # per minute\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: bad rate \"20/60s # per minute\": bad duration" },
	{ "rate_limit_mx =\n", "rate_limit_mx", NULL,
	  "t.conf:1: rate_limit_mx: empty rate: expected N/DURATION such as 20/60s, or 0 for off" },
	/* rate_limit_submission: the same grammar, default off */
	{ "rate_limit_submission = 5/1h\n", "rate_limit_submission",
	  "5/1h 720000000000 2880000000000", "" },
	{ "rate_limit_submission = 0\n", "rate_limit_submission", "0 0 0", "" },
	{ "rate_limit_submission = 7/3661s\n", "rate_limit_submission",
	  "7/3661s 523000000000 3138000000000", "" },
	{ "rate_limit_submission = 20/x\n", "rate_limit_submission", NULL,
	  "t.conf:1: rate_limit_submission: bad rate \"20/x\": bad duration \"x\"" },
	{ "rate_limit_submission = 2000000/1w\n", "rate_limit_submission",
	  NULL,
	  "t.conf:1: rate_limit_submission: rate \"2000000/1w\" is out of range: expected N from 1 to 1000000" },
	/* rate_prefix_v6: 48..128 */
	{ "rate_prefix_v6 = 48\n", "rate_prefix_v6", "48", "" },
	{ "rate_prefix_v6 = 56\n", "rate_prefix_v6", "56", "" },
	{ "rate_prefix_v6 = 128\n", "rate_prefix_v6", "128", "" },
	{ "rate_prefix_v6 = 47\n", "rate_prefix_v6", NULL,
	  "t.conf:1: rate_prefix_v6: IPv6 prefix length 47 is out of range: expected 48 to 128" },
	{ "rate_prefix_v6 = 129\n", "rate_prefix_v6", NULL,
	  "t.conf:1: rate_prefix_v6: IPv6 prefix length 129 is out of range: expected 48 to 128" },
	{ "rate_prefix_v6 = 0\n", "rate_prefix_v6", NULL,
	  "t.conf:1: rate_prefix_v6: IPv6 prefix length 0 is out of range" },
	{ "rate_prefix_v6 = /64\n", "rate_prefix_v6", NULL,
	  "t.conf:1: rate_prefix_v6: bad IPv6 prefix length \"/64\": expected a decimal number from 48 to 128 (e.g. 64)" },
	{ "rate_prefix_v6 = 064\n", "rate_prefix_v6", NULL,
	  "t.conf:1: rate_prefix_v6: bad IPv6 prefix length \"064\"" },
	{ "rate_prefix_v6 =\n", "rate_prefix_v6", NULL,
	  "t.conf:1: rate_prefix_v6: bad IPv6 prefix length \"\"" },
	/* ban_connections: 0..1000000, 0 = off */
	{ "ban_connections = 0\n", "ban_connections", "0", "" },
	{ "ban_connections = 20\n", "ban_connections", "20", "" },
	{ "ban_connections = 1000000\n", "ban_connections", "1000000", "" },
	{ "ban_connections = 1000001\n", "ban_connections", NULL,
	  "t.conf:1: ban_connections: number 1000001 is out of range: expected 0 to 1000000" },
	{ "ban_connections = -1\n", "ban_connections", NULL,
	  "t.conf:1: ban_connections: bad number \"-1\"" },
	{ "ban_connections = 20/60s\n", "ban_connections", NULL,
	  "t.conf:1: ban_connections: bad number \"20/60s\"" },
	{ "ban_connections =\n", "ban_connections", NULL,
	  "t.conf:1: ban_connections: empty value: expected a decimal number from 0 to 1000000" },
	/* ban_window: 1s..1d */
	{ "ban_window = 1s\n", "ban_window", "1", "" },
	{ "ban_window = 10m\n", "ban_window", "600", "" },
	{ "ban_window = 1d\n", "ban_window", "86400", "" },
	{ "ban_window = 0\n", "ban_window", NULL,
	  "t.conf:1: ban_window: duration \"0\" is out of range: expected 1s to 1d" },
	{ "ban_window = 1d1s\n", "ban_window", NULL,
	  "t.conf:1: ban_window: duration \"1d1s\" is out of range: expected 1s to 1d" },
	{ "ban_window = 1 m\n", "ban_window", NULL,
	  "t.conf:1: ban_window: bad duration \"1 m\"" },
	{ "ban_window =\n", "ban_window", NULL,
	  "t.conf:1: ban_window: empty duration" },
	/* ban_time: 1s..30d, <= ban_time_max (default 1d) */
	{ "ban_time = 1s\n", "ban_time", "1", "" },
	{ "ban_time = 1h\n", "ban_time", "3600", "" },
	{ "ban_time = 1d\n", "ban_time", "86400", "" },
	{ "ban_time = 0\n", "ban_time", NULL,
	  "t.conf:1: ban_time: duration \"0\" is out of range: expected 1s to 4w2d" },
	{ "ban_time = 30d1s\n", "ban_time", NULL,
	  "t.conf:1: ban_time: duration \"30d1s\" is out of range: expected 1s to 4w2d" },
	{ "ban_time = 1d1s\n", "ban_time", NULL,
	  "t.conf:1: ban_time (86401s) is longer than ban_time_max (1d); expected ban_time <= ban_time_max" },
	{ "ban_time = 10x\n", "ban_time", NULL,
	  "t.conf:1: ban_time: bad duration \"10x\"" },
	/* ban_time_max: 1s..365d, >= ban_time (default 10m) */
	{ "ban_time_max = 10m\n", "ban_time_max", "600", "" },
	{ "ban_time_max = 1w\n", "ban_time_max", "604800", "" },
	{ "ban_time_max = 365d\n", "ban_time_max", "31536000", "" },
	{ "ban_time_max = 365d1s\n", "ban_time_max", NULL,
	  "t.conf:1: ban_time_max: duration \"365d1s\" is out of range: expected 1s to 52w1d" },
	{ "ban_time_max = 0s\n", "ban_time_max", NULL,
	  "t.conf:1: ban_time_max: duration \"0s\" is out of range" },
	{ "ban_time_max = 9m59s\n", "ban_time_max", NULL,
	  "t.conf:1: ban_time (10m) is longer than ban_time_max (9m59s); expected ban_time <= ban_time_max" },
	{ "ban_time_max =\n", "ban_time_max", NULL,
	  "t.conf:1: ban_time_max: empty duration" },
	/* ban_memory: 1s..365d */
	{ "ban_memory = 1s\n", "ban_memory", "1", "" },
	{ "ban_memory = 1w\n", "ban_memory", "604800", "" },
	{ "ban_memory = 365d\n", "ban_memory", "31536000", "" },
	{ "ban_memory = 366d\n", "ban_memory", NULL,
	  "t.conf:1: ban_memory: duration \"366d\" is out of range: expected 1s to 52w1d" },
	{ "ban_memory = 0\n", "ban_memory", NULL,
	  "t.conf:1: ban_memory: duration \"0\" is out of range" },
	{ "ban_memory = -1d\n", "ban_memory", NULL,
	  "t.conf:1: ban_memory: bad duration \"-1d\"" },
	/* state_file: an absolute file name, or empty for none */
	{ "observe = no\n", "state_file", "/var/lib/mxscreen/state", "" },
	{ "state_file = /run/mxs/state\n", "state_file", "/run/mxs/state", "" },
	{ "state_file =\n", "state_file", "", "" },
	{ "state_file = var/state\n", "state_file", NULL,
	  "t.conf:1: state_file: bad path \"var/state\": expected an absolute file name" },
	{ "state_file = /var/lib/\n", "state_file", NULL,
	  "t.conf:1: state_file: bad path \"/var/lib/\"" },
	{ "state_file = /" /* 256 bytes */
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "a\n",
	  "state_file", NULL, "t.conf:1: state_file: path \"/aaaa" },
	/* state_interval: 1s..1d */
	{ "observe = no\n", "state_interval", "60", "" },
	{ "state_interval = 1s\n", "state_interval", "1", "" },
	{ "state_interval = 1d\n", "state_interval", "86400", "" },
	{ "state_interval = 0\n", "state_interval", NULL,
	  "t.conf:1: state_interval: duration \"0\" is out of range: expected 1s to 1d" },
	{ "state_interval = 25h\n", "state_interval", NULL,
	  "t.conf:1: state_interval: duration \"25h\" is out of range" },
	/* mynetworks: Postfix's address forms, IPv6 with or without [] */
	{ "observe = no\n", "mynetworks", "", "" },
	{ "mynetworks = 127.0.0.0/8 [::1]/128, 192.0.2.0/24\n"
	  "\t[2001:db8::]/32 2001:db8:1::/48 198.51.100.7 [2001:db8::25]\n",
	  "mynetworks",
	  "127.0.0.0/8,::1,192.0.2.0/24,2001:db8::/32,2001:db8:1::/48,198.51.100.7,2001:db8::25",
	  "" },
	{ "mynetworks =\n", "mynetworks", "", "" },
	{ "mynetworks = 192.0.2.1/24\n", "mynetworks", NULL,
	  "t.conf:1: mynetworks: bad network \"192.0.2.1/24\": 192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?" },
	{ "mynetworks = [192.0.2.0/24\n", "mynetworks", NULL,
	  "t.conf:1: mynetworks: bad network \"[192.0.2.0/24\": expected ADDR, ADDR/LEN or [IPV6]/LEN" },
	{ "mynetworks = [2001:db8::]x\n", "mynetworks", NULL,
	  "t.conf:1: mynetworks: bad network \"[2001:db8::]x\"" },
	{ "mynetworks = /etc/postfix/nets\n", "mynetworks", NULL,
	  "t.conf:1: mynetworks: bad network \"/etc/postfix/nets\"" },
	{ "mynetworks = hash:/etc/postfix/nets\n", "mynetworks", NULL,
	  "t.conf:1: mynetworks: bad network \"hash:/etc/postfix/nets\"" },
	/* blocklist_files, allowlist_files: PATH or rbldnsd:PATH */
	{ "observe = no\n", "blocklist_files", "", "" },
	{ "blocklist_files = /etc/mxscreen/drop.txt, rbldnsd:/var/lib/rbl/bots\n",
	  "blocklist_files", "/etc/mxscreen/drop.txt,rbldnsd:/var/lib/rbl/bots",
	  "" },
	{ "allowlist_files = /etc/mxscreen/partners\n", "allowlist_files",
	  "/etc/mxscreen/partners", "" },
	{ "blocklist_files = drop.txt\n", "blocklist_files", NULL,
	  "t.conf:1: blocklist_files: bad path \"drop.txt\": expected an absolute file name" },
	{ "blocklist_files = rbldnsd:\n", "blocklist_files", NULL,
	  "t.conf:1: blocklist_files: missing path after \"rbldnsd:\"" },
	{ "blocklist_files = /a /b /a\n", "blocklist_files", NULL,
	  "t.conf:1: blocklist_files: file /a is listed twice" },
	{ "allowlist_files = /a rbldnsd:/a\n", "allowlist_files", NULL,
	  "t.conf:1: allowlist_files: file /a is listed twice" },
	{ "allowlist_files = /1 /2 /3 /4 /5 /6 /7 /8 /9 /10 /11 /12 /13 /14 /15 /16 /17\n",
	  "allowlist_files", NULL,
	  "t.conf:1: allowlist_files: too many files: expected at most 16" },
	/* export */
	{ "observe = no\n", "export_file", "", "" },
	{ "export_file = /var/lib/mxscreen/fleet.zone\n", "export_file",
	  "/var/lib/mxscreen/fleet.zone", "" },
	{ "observe = no\n", "export_interval", "60", "" },
	{ "export_interval = 10s\n", "export_interval", "10", "" },
	{ "export_interval = 0\n", "export_interval", NULL,
	  "t.conf:1: export_interval: duration \"0\" is out of range" },
	{ "observe = no\n", "export_reasons", "manual,rate,postfix,account", "" },
	{ "export_reasons = rate\n", "export_reasons", "rate", "" },
	{ "export_reasons = dnsbl, manual file list rate\n", "export_reasons",
	  "manual,list,dnsbl,rate,file", "" },
	{ "export_reasons =\n", "export_reasons", "", "" },
	{ "export_reasons = none\n", "export_reasons", NULL,
	  "t.conf:1: export_reasons: unknown reason \"none\": expected manual, list, dnsbl, rate, file or postfix" },
	{ "export_reasons = bans\n", "export_reasons", NULL,
	  "t.conf:1: export_reasons: unknown reason \"bans\"" },
	/* export_name: a host name for the TXT records, or the host's own */
	{ "observe = no\n", "export_name", "", "" },
	{ "export_name = mx1.example.org\n", "export_name", "mx1.example.org", "" },
	{ "export_name = MX_1-b\n", "export_name", "MX_1-b", "" },
	{ "export_name =\n", "export_name", "", "" },
	{ "export_name = mx$1\n", "export_name", NULL,
	  "t.conf:1: export_name: bad name \"mx$1\": expected 1 to 63 letters, digits, '.', '-' or '_'" },
	{ "export_name = mx1 mx2\n", "export_name", NULL,
	  "t.conf:1: export_name: bad name \"mx1 mx2\"" },
	{ "export_name = "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  "export_name", NULL, "t.conf:1: export_name: bad name" },
	{ "export_name = "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  "export_name",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "" },
	/* prometheus */
	{ "prometheus_file = /var/lib/prometheus/node-exporter/mxscreen.prom\n",
	  "prometheus_file", "/var/lib/prometheus/node-exporter/mxscreen.prom",
	  "" },
	{ "observe = no\n", "prometheus_interval", "15", "" },
	{ "prometheus_interval = 1h\n", "prometheus_interval", "3600", "" },
	{ "prometheus_interval = 61m\n", "prometheus_interval", NULL,
	  "t.conf:1: prometheus_interval: duration \"61m\" is out of range: expected 1s to 1h" },
	/* interfaces */
	{ "observe = no\n", "interfaces", "", "" },
	{ "interfaces = eth0, enp1s0f1 bond0.25\n", "interfaces",
	  "eth0,enp1s0f1,bond0.25", "" },
	{ "interfaces = abcdefghijklmno\n", "interfaces", "abcdefghijklmno",
	  "" },
	{ "interfaces = abcdefghijklmnop\n", "interfaces", NULL,
	  "t.conf:1: interfaces: bad interface name \"abcdefghijklmnop\": expected a name of 1 to 15 printable characters without / or :" },
	{ "interfaces = eth0/1\n", "interfaces", NULL,
	  "t.conf:1: interfaces: bad interface name \"eth0/1\"" },
	{ "interfaces = ..\n", "interfaces", NULL,
	  "t.conf:1: interfaces: bad interface name \"..\"" },
	{ "interfaces = eth0 eth0\n", "interfaces", NULL,
	  "t.conf:1: interfaces: interface eth0 is listed twice" },
	{ "observe = no\n", "xdp_mode", "auto", "" },
	{ "xdp_mode = skb\n", "xdp_mode", "skb", "" },
	{ "xdp_mode = native\n", "xdp_mode", "native", "" },
	{ "xdp_mode = offload\n", "xdp_mode", NULL, "t.conf:1: xdp_mode: " },
	{ "observe = no\n", "detach_on_stop", "no", "" },
	{ "detach_on_stop = yes\n", "detach_on_stop", "yes", "" },
	{ "close_connections = no\n", "close_connections", "no", "" },
	{ "observe = no\n", "close_connections", "yes", "" },
	{ "observe = no\n", "policy_listen", "", "" },
	{ "policy_listen = inet:127.0.0.1:10031\n", "policy_listen",
	  "inet:127.0.0.1:10031", "" },
	{ "policy_listen = inet:[::1]:10031\n", "policy_listen",
	  "inet:[::1]:10031", "" },
	{ "policy_listen = unix:/var/spool/postfix/private/mxscreen\n",
	  "policy_listen", "unix:/var/spool/postfix/private/mxscreen", "" },
	{ "policy_listen = inet:localhost:10031\n", "policy_listen", "",
	  "t.conf:1: policy_listen: bad address \"inet:localhost:10031\"" },
	{ "policy_listen = inet:::1:10031\n", "policy_listen", "",
	  "t.conf:1: policy_listen: bad address" },
	{ "policy_listen = inet:127.0.0.1:0\n", "policy_listen", "",
	  "t.conf:1: policy_listen: bad address" },
	{ "policy_listen = inet:127.0.0.1:65536\n", "policy_listen", "",
	  "t.conf:1: policy_listen: bad address" },
	{ "policy_listen = unix:relative\n", "policy_listen", "",
	  "t.conf:1: policy_listen: bad address" },
	{ "policy_listen = 127.0.0.1:10031\n", "policy_listen", "",
	  "t.conf:1: policy_listen: bad address" },
	{ "observe = no\n", "account_recipient_limit",
	  "1000/1d 86400000000 86313600000000", "" },
	{ "account_message_limit = 0\n", "account_message_limit", "0 0 0", "" },
	{ "account_client_limit = 15/1h\n", "account_client_limit",
	  "15/1h 240000000000 3360000000000", "" },
	{ "account_client_limit = 16/1h\n", "account_client_limit", "",
	  "t.conf:1: account_client_limit: 16 networks is too many; expected at most 15" },
	{ "account_hold_time = 2h\n", "account_hold_time", "7200", "" },
	{ "account_hold_time = 10s\n", "account_hold_time", "", "t.conf:1: account_hold_time" },
	/* postfix_log: files and/or journal, empty for off */
	{ "postfix_log = /var/log/mail.log\n", "postfix_log",
	  "/var/log/mail.log", "" },
	{ "postfix_log = journal\n", "postfix_log", "journal", "" },
	{ "postfix_log = /a/x, journal /b/y\n", "postfix_log",
	  "journal,/a/x,/b/y", "" },
	{ "postfix_log =\n", "postfix_log", "", "" },
	{ "postfix_log = mail.log\n", "postfix_log", NULL,
	  "t.conf:1: postfix_log: bad log \"mail.log\": expected journal, or the absolute path" },
	{ "postfix_log = /a/x /a/x\n", "postfix_log", NULL,
	  "t.conf:1: postfix_log: file /a/x is listed twice" },
	{ "postfix_log = /1 /2 /3 /4 /5 /6 /7 /8 /9\n", "postfix_log", NULL,
	  "t.conf:1: postfix_log: too many files: expected at most 8" },
	/* postfix_events: event*weight, no weight = 1, the rest off */
	{ "postfix_events = pregreet*3, sasl_failure\n", "postfix_events",
	  "pregreet*3,sasl_failure*1", "" },
	{ "postfix_events = pregreet*0 dnsbl*1000\n", "postfix_events",
	  "dnsbl*1000", "" },
	{ "postfix_events =\n", "postfix_events", "", "" },
	{ "postfix_events = hangup*5\n", "postfix_events", NULL,
	  "t.conf:1: postfix_events: unknown event \"hangup*5\": expected EVENT or EVENT*WEIGHT, EVENT one of pregreet, non_smtp," },
	{ "postfix_events = pregreet*1001\n", "postfix_events", NULL,
	  "t.conf:1: postfix_events: bad weight in \"pregreet*1001\": expected a whole number from 0 to 1000" },
	{ "postfix_events = pregreet*-1\n", "postfix_events", NULL,
	  "t.conf:1: postfix_events: bad weight in \"pregreet*-1\"" },
	{ "postfix_events = pregreet*\n", "postfix_events", NULL,
	  "t.conf:1: postfix_events: bad weight in \"pregreet*\"" },
	{ "postfix_threshold = 1\n", "postfix_threshold", "1", "" },
	{ "postfix_threshold = 0\n", "postfix_threshold", NULL,
	  "t.conf:1: postfix_threshold: " },
	{ "postfix_window = 10m\n", "postfix_window", "600", "" },
	{ "postfix_window = 59s\n", "postfix_window", NULL,
	  "t.conf:1: postfix_window: duration \"59s\" is out of range" },
	{ "postfix_submission_services = submission smtps-in\n",
	  "postfix_submission_services", "submission,smtps-in", "" },
	{ "postfix_submission_services = a/b\n", "postfix_submission_services",
	  NULL, "t.conf:1: postfix_submission_services: bad name \"a/b\"" },
	{ "postfix_daemon_directory = /usr/libexec/postfix\n",
	  "postfix_daemon_directory", "/usr/libexec/postfix", "" },
};

static void test_values(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(value_cases); i++) {
		const struct value_case *c = &value_cases[i];
		const char *name = c->in;
		struct config cfg;
		struct errors e;
		char got[2048];
		int rc;

		poison(&cfg);
		rc = parse(c->in, 0, &cfg, &e);
		CHECK_INT(name, "rc", rc, c->err[0] ? -EINVAL : 0);
		check_errors(name, &e, c->err);
		if (rc) {
			CHECK(is_poisoned(&cfg),
			      "case %s: *out: got changed, want untouched",
			      name);
			continue;
		}
		show(&cfg, c->what, got, sizeof(got));
		CHECK_STR(name, c->what, got, c->want);
		check_defaults_except(name, &cfg, c->what);
	}
	CHECK_DONE();
}

/* ---- logical lines, names, several settings ------------------------------ */

struct file_case {
	const char *name;
	const char *in;
	size_t len;        /* 0: strlen(in) */
	const char *what;  /* a setting to look at (rc == 0), or NULL */
	const char *want;  /* show() of it */
	const char *err;   /* the messages (see check_errors) */
};

/* Text with NUL bytes in it, and its length. */
#define WITH_NUL(s) s, sizeof(s) - 1

#define NO_CONT "line starts with white space, but there is no setting before it to continue; expected name = value at the start of the line"

static const struct file_case file_cases[] = {
	/* what a file may consist of */
	{ "empty", "", 0, "observe", "no", "" },
	{ "only comments", "# mxscreen.conf\n\n   \n\t# more\n#\n", 0,
	  "observe", "no", "" },
	{ "no final newline", "observe = yes", 0, "observe", "yes", "" },
	{ "utf-8 bom", "\xef\xbb\xbfobserve = yes\n", 0, "observe", "yes",
	  "" },
	{ "bom on line 2", "\nobserve = yes\n\xef\xbb\xbfobserve = no\n", 0,
	  NULL, NULL, "t.conf:3: bad setting name \"???observe\"" },
	/* continuation lines */
	{ "continuation", "dnsbl_classes = mx,\n  submission\n", 0,
	  "dnsbl_classes", "all", "" },
	{ "continuation with tab", "dnsbl_classes =\n\tmx\n\tsubmission\n", 0,
	  "dnsbl_classes", "all", "" },
	{ "continuation joins with a space",
	  "dnsbl_classes = mx\n  submission\n", 0, "dnsbl_classes", "all",
	  "" },
	{ "value only on continuation", "observe =\n    yes\n", 0, "observe",
	  "yes", "" },
	{ "continuation of the name", "observe\n  = yes\n", 0, "observe",
	  "yes", "" },
	{ "comments and blank lines inside a continuation",
	  "dnsbl_classes = mx\n# a comment\n\n   \n  # indented comment\n  submission\n",
	  0, "dnsbl_classes", "all", "" },
	{ "indented comment is a comment", "dnsbl_classes = mx\n  # ,submission\n",
	  0, "dnsbl_classes", "mx", "" },
	{ "continuation ends at the next setting",
	  "dnsbl_classes = mx\nobserve = yes\n  \n", 0, "dnsbl_classes", "mx",
	  "" },
	{ "continuation before any setting", "  observe = yes\n", 0, NULL,
	  NULL, "t.conf:1: " NO_CONT },
	{ "continuation before any setting, after comments",
	  "# c\n\n\tobserve = yes\n  more\nobserve = no\n", 0, NULL, NULL,
	  "t.conf:3: " NO_CONT },
	{ "a bad line's continuation is not parsed again",
	  "observe = maybe\n  yes\ndnsbl_threshold = 2\n", 0, NULL, NULL,
	  "t.conf:1: observe: bad value \"maybe yes\"" },
	/* line ends */
	{ "crlf", "observe = yes\r\n", 0, "observe", "yes", "" },
	{ "crlf continuation",
	  "dnsbl_classes = mx,\r\n submission \r\n\r\n# c\r\n", 0,
	  "dnsbl_classes", "all", "" },
	{ "lone cr is not a line end", "observe = yes\rno\n", 0, NULL, NULL,
	  "t.conf:1: observe: bad value \"yes?no\"" },
	{ "cr cr lf", "observe = yes\r\r\n", 0, NULL, NULL,
	  "t.conf:1: observe: bad value \"yes?\"" },
	{ "nul byte", WITH_NUL("observe = yes\0\ndnsbl_threshold = 2\n"), NULL,
	  NULL, "t.conf:1: line contains a NUL byte; expected text" },
	{ "nul byte in a comment", WITH_NUL("# \0\nobserve = yes\n"), NULL, NULL,
	  "t.conf:1: line contains a NUL byte" },
	{ "nul byte in a continuation",
	  WITH_NUL("dnsbl_classes = mx\n sub\0mission\n more\nobserve = bad\n"),
	  NULL, NULL,
	  "t.conf:2: line contains a NUL byte\nt.conf:4: observe: bad value \"bad\"" },
	{ "nul byte before any setting", WITH_NUL(" \0\n more\nobserve = yes\n"),
	  NULL, NULL, "t.conf:1: line contains a NUL byte" },
	/* duplicates: the last one wins */
	{ "duplicate", "dnsbl_threshold = 2\ndnsbl_threshold = 3\n", 0,
	  "dnsbl_threshold", "3", "" },
	{ "duplicate sites",
	  "dnsbl_sites = a.example\ndnsbl_sites = b.example*2\n", 0,
	  "dnsbl_sites", "sites: b.example*2 (2); zones: b.example", "" },
	{ "duplicate emptied", "dns_servers = ::1 192.0.2.1\ndns_servers =\n", 0,
	  "dns_servers", "", "" },
	{ "duplicate shorter list",
	  "dns_servers = ::1 192.0.2.1\ndns_servers = 192.0.2.2\n", 0,
	  "dns_servers", "192.0.2.2:53", "" },
	{ "duplicate bad first still reported",
	  "dnsbl_threshold = x\ndnsbl_threshold = 3\n", 0, NULL, NULL,
	  "t.conf:1: dnsbl_threshold: bad number \"x\"" },
	{ "duplicate fixes a cross-check",
	  "dnsbl_min_ttl = 2h\ndnsbl_min_ttl = 30s\n", 0, "dnsbl_min_ttl",
	  "30", "" },
	/* cross-checks: at the later line of the two */
	{ "min over max, min later",
	  "dnsbl_max_ttl = 10m\nobserve = no\ndnsbl_min_ttl = 1h\n", 0, NULL,
	  NULL,
	  "t.conf:3: dnsbl_min_ttl (1h) is longer than dnsbl_max_ttl (10m); expected dnsbl_min_ttl <= dnsbl_max_ttl" },
	{ "min over max, max later",
	  "dnsbl_min_ttl = 1h\n\n# c\ndnsbl_max_ttl = 10m\n", 0, NULL, NULL,
	  "t.conf:4: dnsbl_min_ttl (1h) is longer than dnsbl_max_ttl (10m)" },
	{ "min over default max", "observe = no\ndnsbl_min_ttl = 2h\n", 0,
	  NULL, NULL,
	  "t.conf:2: dnsbl_min_ttl (2h) is longer than dnsbl_max_ttl (1h)" },
	{ "min equals max", "dnsbl_min_ttl = 1h\ndnsbl_max_ttl = 60m\n", 0,
	  "dnsbl_min_ttl", "3600", "" },
	{ "no cross-check on a bad value",
	  "dnsbl_max_ttl = 30s\ndnsbl_min_ttl = x\n", 0, NULL, NULL,
	  "t.conf:2: dnsbl_min_ttl: bad duration \"x\"" },
	{ "no cross-check on a bad last value",
	  "dnsbl_max_ttl = 30s\ndnsbl_min_ttl = 10s\ndnsbl_max_ttl = 0\n", 0,
	  NULL, NULL, "t.conf:3: dnsbl_max_ttl: duration \"0\" is out of range" },
	{ "ban_time over ban_time_max, ban_time later",
	  "ban_time_max = 1h\nobserve = no\nban_time = 2h\n", 0, NULL, NULL,
	  "t.conf:3: ban_time (2h) is longer than ban_time_max (1h); expected ban_time <= ban_time_max" },
	{ "ban_time over ban_time_max, max later",
	  "ban_time = 2h\n\n# c\nban_time_max = 1h30m\n", 0, NULL, NULL,
	  "t.conf:4: ban_time (2h) is longer than ban_time_max (1h30m)" },
	{ "ban_time over default ban_time_max", "\nban_time = 2d\n", 0, NULL,
	  NULL, "t.conf:2: ban_time (2d) is longer than ban_time_max (1d)" },
	{ "ban_time at its bound, ban_time_max at its bound",
	  "ban_time = 30d\nban_time_max = 365d\n", 0, "ban_time", "2592000",
	  "" },
	{ "ban_time equals ban_time_max", "ban_time = 1h\nban_time_max = 60m\n",
	  0, "ban_time_max", "3600", "" },
	{ "no ban cross-check on a bad value",
	  "ban_time_max = 1m\nban_time = x\n", 0, NULL, NULL,
	  "t.conf:2: ban_time: bad duration \"x\"" },
	{ "duplicate fixes the ban cross-check",
	  "ban_time = 2d\nban_time = 1h\n", 0, "ban_time", "3600", "" },
	{ "both cross-checks, in order",
	  "ban_time = 3d\ndnsbl_min_ttl = 2h\n", 0, NULL, NULL,
	  "t.conf:2: dnsbl_min_ttl (2h) is longer than dnsbl_max_ttl (1h)\n"
	  "t.conf:1: ban_time (3d) is longer than ban_time_max (1d)" },
	/* "name = value" */
	{ "missing =", "observe yes\n", 0, NULL, NULL,
	  "t.conf:1: missing \"=\" after \"observe\"; expected observe = value" },
	{ "name alone", "observe\n", 0, NULL, NULL,
	  "t.conf:1: missing \"=\" after \"observe\"" },
	{ "missing name", "= yes\n", 0, NULL, NULL,
	  "t.conf:1: missing setting name before \"=\"; expected name = value" },
	{ "== is part of the value", "observe == yes\n", 0, NULL, NULL,
	  "t.conf:1: observe: bad value \"= yes\"" },
	{ "upper case name", "Observe = yes\n", 0, NULL, NULL,
	  "t.conf:1: bad setting name \"Observe\"; did you mean observe?" },
	{ "hyphen in name", "dnsbl-sites = " ZEN "\n", 0, NULL, NULL,
	  "t.conf:1: bad setting name \"dnsbl-sites\"; did you mean dnsbl_sites?" },
	{ "colon after name", "dnsbl_sites: " ZEN "\n", 0, NULL, NULL,
	  "t.conf:1: bad setting name \"dnsbl_sites:\"; did you mean dnsbl_sites?" },
	{ "bad name, nothing close", "x.y = 1\n", 0, NULL, NULL,
	  "t.conf:1: bad setting name \"x.y\"; expected name = value, the name of lower-case letters, digits and _" },
	/* unknown names and what they probably mean */
	{ "unknown, one letter short", "dnsbl_site = " ZEN "\n", 0, NULL,
	  NULL, "t.conf:1: unknown setting \"dnsbl_site\"; did you mean dnsbl_sites?" },
	{ "unknown, swapped letters", "dnsbl_timeuot = 5s\n", 0, NULL, NULL,
	  "t.conf:1: unknown setting \"dnsbl_timeuot\"; did you mean dnsbl_timeout?" },
	{ "unknown, two edits", "max_lookup_in_fligt = 5\n", 0, NULL, NULL,
	  "t.conf:1: unknown setting \"max_lookup_in_fligt\"; did you mean max_lookups_in_flight?" },
	{ "unknown, short of a word", "timeout = 5s\n", 0, NULL, NULL,
	  "t.conf:1: unknown setting \"timeout\"; did you mean dnsbl_timeout?" },
	{ "unknown, postfix name", "postscreen_dnsbl_threshold = 3\n", 0,
	  NULL, NULL,
	  "t.conf:1: unknown setting \"postscreen_dnsbl_threshold\"; did you mean dnsbl_threshold?" },
	{ "unknown, postfix allowlist name",
	  "postscreen_dnsbl_allowlist_threshold = -1\n", 0, NULL, NULL,
	  "t.conf:1: unknown setting \"postscreen_dnsbl_allowlist_threshold\"; did you mean dnsbl_allowlist_threshold?" },
	{ "unknown, nothing close", "foo = 1\n", 0, NULL, NULL,
	  "t.conf:1: unknown setting \"foo\"; expected one of dnsbl_sites, dnsbl_threshold, dnsbl_allowlist_threshold, dnsbl_min_ttl, dnsbl_max_ttl, dnsbl_timeout, dns_servers, dnsbl_classes, max_lookups_in_flight, max_lookups_per_second, observe, rate_limit_mx, rate_limit_submission, rate_prefix_v6, ban_connections, ban_window, ban_time, ban_time_max, ban_memory\n" },
	{ "unknown, short word not guessed", "ttl = 1h\n", 0, NULL, NULL,
	  "t.conf:1: unknown setting \"ttl\"; expected one of" },
	{ "unknown, postfix name not ours",
	  "postscreen_dnsbl_action = drop\n", 0, NULL, NULL,
	  "t.conf:1: unknown setting \"postscreen_dnsbl_action\"; expected one of" },
	/* several problems: every one, with its line, in file order; the
	 * cross-checks last */
	{ "every problem",
	  "# mxscreen.conf\n"                           /* 1 */
	  "dnsbl_sites = zen.example*3,\n"              /* 2 */
	  "    bl.example=127.0.0.[2..]*2\n"            /* 3 */
	  "dnsbl_threshold = 0\n"                       /* 4 */
	  "dnsbl_site = x\n"                            /* 5 */
	  "\n"                                          /* 6 */
	  "observe = maybe\n"                           /* 7 */
	  "dnsbl_max_ttl = 30s\n"                       /* 8 */
	  "  # just a comment\n"                        /* 9 */
	  "dnsbl_timeout = 2m\n"                        /* 10 */
	  "dns_servers = 127.0.0.1\n"                   /* 11 */
	  "\t127.0.0.1:53\n"                            /* 12 */
	  "  dnsbl_classes = mx\n"                      /* 13 */
	  "max_lookups_in_flight = 10\n"               /* 14 */
	  "ban_time = 2d\n"                             /* 15 */
	  "rate_limit_mx = 60/min\n",                   /* 16 */
	  0, NULL, NULL,
	  "t.conf:2: dnsbl_sites: bad filter in \"bl.example=127.0.0.[2..]*2\"\n"
	  "t.conf:4: dnsbl_threshold: number 0 is out of range\n"
	  "t.conf:5: unknown setting \"dnsbl_site\"; did you mean dnsbl_sites?\n"
	  "t.conf:7: observe: bad value \"maybe\"\n"
	  "t.conf:10: dnsbl_timeout: duration \"2m\" is out of range: expected 1s to 1m\n"
	  "t.conf:11: dns_servers: DNS server 127.0.0.1:53 is listed twice\n"
	  "t.conf:16: rate_limit_mx: bad rate \"60/min\": bad duration \"min\"\n"
	  "t.conf:8: dnsbl_min_ttl (1m) is longer than dnsbl_max_ttl (30s)\n"
	  "t.conf:15: ban_time (2d) is longer than ban_time_max (1d)\n" },
};

static void test_files(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(file_cases); i++) {
		const struct file_case *c = &file_cases[i];
		struct config cfg;
		struct errors e;
		char got[2048];
		int rc;

		poison(&cfg);
		rc = parse(c->in, c->len, &cfg, &e);
		CHECK_INT(c->name, "rc", rc, c->err[0] ? -EINVAL : 0);
		check_errors(c->name, &e, c->err);
		if (rc) {
			CHECK(is_poisoned(&cfg),
			      "case %s: *out: got changed, want untouched",
			      c->name);
			continue;
		}
		if (c->what) {
			show(&cfg, c->what, got, sizeof(got));
			CHECK_STR(c->name, c->what, got, c->want);
		}
	}
	CHECK_DONE();
}

/* ---- whole configurations ------------------------------------------------ */

/* The defaults as config.h documents them; an empty file gives them. */
static void test_defaults(void **state)
{
	struct config d, cfg;
	struct errors e;
	int rc;

	poison(&d);
	config_defaults(&d);
	CHECK_UINT("defaults", "nr_sites", d.sites.nr_sites, 0);
	CHECK_UINT("defaults", "nr_zones", d.sites.nr_zones, 0);
	CHECK_INT("defaults", "threshold", d.threshold, 1);
	CHECK_INT("defaults", "allowlist_threshold", d.allowlist_threshold,
		  0);
	CHECK_UINT("defaults", "min_ttl", d.min_ttl, 60);
	CHECK_UINT("defaults", "max_ttl", d.max_ttl, 3600);
	CHECK_UINT("defaults", "timeout", d.timeout, 10);
	CHECK_UINT("defaults", "nr_dns_servers", d.nr_dns_servers, 0);
	CHECK_UINT("defaults", "classes", d.classes,
		   MXS_CLASS_BIT(MXS_CLASS_MX));
	CHECK_UINT("defaults", "max_in_flight", d.max_in_flight, 1000);
	CHECK_UINT("defaults", "max_per_second", d.max_per_second, 2000);
	CHECK_INT("defaults", "observe", d.observe, false);
	/* 60 per minute with a burst of 60: one SYN a second on average */
	CHECK_UINT("defaults", "rate_mx.burst", d.rate_mx.burst, 60);
	CHECK_UINT("defaults", "rate_mx.period_s", d.rate_mx.period_s, 60);
	CHECK_UINT("defaults", "rate_mx.emission_ns", d.rate_mx.emission_ns,
		   1000000000ull);
	CHECK_UINT("defaults", "rate_mx.tau_ns", d.rate_mx.tau_ns,
		   59000000000ull);
	{
		static const struct mxs_rate off;

		CHECK(memcmp(&d.rate_submission, &off, sizeof(off)) == 0,
		      "case defaults: rate_submission: got set, want all zero");
	}
	CHECK_UINT("defaults", "rate_prefix_v6", d.rate_prefix_v6,
		   MXS_DEFAULT_RATE_PREFIX_V6);
	CHECK_UINT("defaults", "rate_prefix_v6", d.rate_prefix_v6, 64);
	CHECK_UINT("defaults", "ban_connections", d.ban_connections, 0);
	CHECK_UINT("defaults", "ban_window", d.ban_window, 60);
	CHECK_UINT("defaults", "ban_time", d.ban_time, 600);
	CHECK_UINT("defaults", "ban_time_max", d.ban_time_max, 86400);
	CHECK_UINT("defaults", "ban_memory", d.ban_memory, 86400);
	CHECK_UINT("defaults", "nr_mynetworks", d.nr_mynetworks, 0);
	CHECK_UINT("defaults", "nr_blocklist_files", d.nr_blocklist_files, 0);
	CHECK_UINT("defaults", "nr_allowlist_files", d.nr_allowlist_files, 0);
	CHECK_STR("defaults", "export_file", d.export_file, "");
	CHECK_UINT("defaults", "export_interval", d.export_interval, 60);
	/* the host's own decisions only: never DNSBL verdicts (fleet loops) */
	CHECK_UINT("defaults", "export_reasons", d.export_reasons,
		   (1u << MXS_REASON_MANUAL) | (1u << MXS_REASON_RATE) |
			   (1u << MXS_REASON_POSTFIX) |
			   (1u << MXS_REASON_ACCOUNT));
	CHECK_STR("defaults", "prometheus_file", d.prometheus_file, "");
	CHECK_UINT("defaults", "prometheus_interval", d.prometheus_interval,
		   15);
	CHECK_UINT("defaults", "nr_interfaces", d.nr_interfaces, 0);
	CHECK_UINT("defaults", "xdp_mode", d.xdp_mode, SETTINGS_MODE_AUTO);
	CHECK_INT("defaults", "detach_on_stop", d.detach_on_stop, false);
	CHECK_UINT("defaults", "nr_postfix_logs", d.nr_postfix_logs, 0);
	CHECK_INT("defaults", "postfix_journal", d.postfix_journal, false);
	CHECK_INT("defaults", "postfix on", config_postfix_on(&d), false);
	{
		char got[512];

		show(&d, "postfix_events", got, sizeof(got));
		CHECK_STR("defaults", "postfix_events", got,
			  "pregreet*5,non_smtp*5,bare_newline*5,pipelining*5,"
			  "command_limit*5,dnsbl*5,rbl_reject*5,sasl_failure*1,"
			  "unknown_recipient*1,relay_denied*1");
		show(&d, "postfix_submission_services", got, sizeof(got));
		CHECK_STR("defaults", "postfix_submission_services", got,
			  "submission,smtps,submissions");
	}
	CHECK_UINT("defaults", "postfix_threshold", d.postfix_threshold, 5);
	CHECK_UINT("defaults", "postfix_window", d.postfix_window, 3600);
	CHECK_STR("defaults", "postfix_daemon_directory", d.postfix_dir,
		  "/usr/lib/postfix/sbin");
	/* the defaults are what their text in config.h says */
	{
		struct mxs_rate r;

		settings_parse_rate("60/60s", &r, NULL, 0);
		CHECK(memcmp(&d.rate_mx, &r, sizeof(r)) == 0,
		      "case defaults: rate_mx: got unlike \"60/60s\", want equal");
	}

	poison(&cfg);
	rc = parse("# nothing but a comment\n", 0, &cfg, &e);
	CHECK_INT("comment only", "rc", rc, 0);
	check_errors("comment only", &e, "");
	check_defaults_except("comment only", &cfg, "");
	CHECK_UINT("comment only", "nr_zones", cfg.sites.nr_zones, 0);
	CHECK_DONE();
}

/* Every setting in one file, each away from its default. */
static void test_every_setting(void **state)
{
	static const char text[] =
		"dnsbl_sites = zen.example*2 wl.example=127.0.[0..255].[1..3]*-5\n"
		"dnsbl_threshold = 2\n"
		"dnsbl_allowlist_threshold = -3\n"
		"dnsbl_min_ttl = 30s\n"
		"dnsbl_max_ttl = 2h\n"
		"dnsbl_timeout = 5s\n"
		"dns_servers = 127.0.0.1:5353 [::1]\n"
		"dnsbl_classes = all\n"
		"max_lookups_in_flight = 50\n"
		"max_lookups_per_second = 100\n"
		"observe = yes\n"
		"rate_limit_mx = 30/1m\n"
		"rate_limit_submission = 10/1h\n"
		"rate_prefix_v6 = 56\n"
		"ban_connections = 20\n"
		"ban_window = 10s\n"
		"ban_time = 1h\n"
		"ban_time_max = 1w\n"
		"ban_memory = 30d\n";
	struct config cfg;
	struct errors e;
	char got[256];
	int rc;

	poison(&cfg);
	rc = parse(text, 0, &cfg, &e);
	CHECK_INT("all", "rc", rc, 0);
	check_errors("all", &e, "");
	CHECK_UINT("all", "nr_sites", cfg.sites.nr_sites, 2);
	CHECK_INT("all", "weight[1]", cfg.sites.site[1].weight, -5);
	CHECK_INT("all", "threshold", cfg.threshold, 2);
	CHECK_INT("all", "allowlist_threshold", cfg.allowlist_threshold, -3);
	CHECK_UINT("all", "min_ttl", cfg.min_ttl, 30);
	CHECK_UINT("all", "max_ttl", cfg.max_ttl, 7200);
	CHECK_UINT("all", "timeout", cfg.timeout, 5);
	CHECK_UINT("all", "nr_dns_servers", cfg.nr_dns_servers, 2);
	config_format_servers(&cfg, got, sizeof(got));
	CHECK_STR("all", "servers", got, "127.0.0.1:5353,[::1]:53");
	CHECK_UINT("all", "classes", cfg.classes, MXS_CLASSES_ALL);
	CHECK_UINT("all", "max_in_flight", cfg.max_in_flight, 50);
	CHECK_UINT("all", "max_per_second", cfg.max_per_second, 100);
	CHECK_INT("all", "observe", cfg.observe, true);
	show(&cfg, "rate_limit_mx", got, sizeof(got));
	CHECK_STR("all", "rate_limit_mx", got, "30/1m 2000000000 58000000000");
	show(&cfg, "rate_limit_submission", got, sizeof(got));
	CHECK_STR("all", "rate_limit_submission", got,
		  "10/1h 360000000000 3240000000000");
	CHECK_UINT("all", "rate_prefix_v6", cfg.rate_prefix_v6, 56);
	CHECK_UINT("all", "ban_connections", cfg.ban_connections, 20);
	CHECK_UINT("all", "ban_window", cfg.ban_window, 10);
	CHECK_UINT("all", "ban_time", cfg.ban_time, 3600);
	CHECK_UINT("all", "ban_time_max", cfg.ban_time_max, 604800);
	CHECK_UINT("all", "ban_memory", cfg.ban_memory, 30 * 86400);
	CHECK_DONE();
}

/* ban_connections per ban_window as GCRA parameters: the arithmetic of
 * settings_parse_rate(), off for 0 connections and for a hand-made
 * configuration out of bounds. */
static void test_conn_rate(void **state)
{
	static const struct {
		const char *name;
		uint32_t connections;
		uint64_t window;
		uint64_t emission_ns, tau_ns;
		uint32_t burst, period_s;
	} cases[] = {
		{ "off", 0, 60, 0, 0, 0, 0 },
		{ "20 a minute", 20, 60, 3000000000ull, 57000000000ull, 20, 60 },
		{ "3 in 10s", 3, 10, 3333333333ull, 6666666666ull, 3, 10 },
		{ "1 a day", 1, 86400, 86400000000000ull, 0, 1, 86400 },
		{ "largest", 1000000, 86400, 86400000ull, 86399913600000ull,
		  1000000, 86400 },
		{ "window too long: off", 20, 86401, 0, 0, 0, 0 },
		{ "window 0: off", 20, 0, 0, 0, 0, 0 },
		{ "too many: off", 1000001, 60, 0, 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct config cfg;
		struct mxs_rate r;

		config_defaults(&cfg);
		cfg.ban_connections = cases[i].connections;
		cfg.ban_window = cases[i].window;
		memset(&r, 0xa5, sizeof(r));
		config_conn_rate(&cfg, &r);
		CHECK_UINT(cases[i].name, "emission_ns", r.emission_ns,
			   cases[i].emission_ns);
		CHECK_UINT(cases[i].name, "tau_ns", r.tau_ns, cases[i].tau_ns);
		CHECK_UINT(cases[i].name, "burst", r.burst, cases[i].burst);
		CHECK_UINT(cases[i].name, "period_s", r.period_s,
			   cases[i].period_s);
	}
	/* From a file, the same as the rate's text. */
	{
		struct config cfg;
		struct mxs_rate got, want;
		struct errors e;
		int rc;

		rc = parse("ban_connections = 30\nban_window = 2m\n", 0, &cfg,
			   &e);
		CHECK_INT("file", "rc", rc, 0);
		config_conn_rate(&cfg, &got);
		settings_parse_rate("30/2m", &want, NULL, 0);
		CHECK(memcmp(&got, &want, sizeof(want)) == 0,
		      "case file: conn rate: got %llu/%llu, want %llu/%llu",
		      (unsigned long long)got.emission_ns,
		      (unsigned long long)got.tau_ns,
		      (unsigned long long)want.emission_ns,
		      (unsigned long long)want.tau_ns);
		config_defaults(&cfg);
		memset(&got, 0xa5, sizeof(got));
		config_conn_rate(&cfg, &got);
		CHECK_UINT("defaults", "emission_ns (off)", got.emission_ns, 0);
	}
	CHECK_DONE();
}

/* The example of the brief, spread over continuation lines with a comment
 * among them, in a file with CRLF line ends. */
static void test_sites_example(void **state)
{
	static const char text[] =
		"# DNSBL sites, as in postscreen_dnsbl_sites\r\n"
		"dnsbl_sites = zen.example*3,\r\n"
		"\t# the second list counts only for 127.0.0.2 to .11\r\n"
		"\r\n"
		"    bl.example=127.0.0.[2..11]*2\r\n"
		"dnsbl_threshold = 3\r\n";
	static const struct {
		const char *answer;
		bool match;
	} matches[] = {
		{ "127.0.0.1", false }, { "127.0.0.2", true },
		{ "127.0.0.11", true }, { "127.0.0.12", false },
		{ "127.0.1.2", false },
	};
	struct config cfg;
	struct errors e;
	size_t i;
	int rc;

	rc = parse(text, 0, &cfg, &e);
	CHECK_INT("example", "rc", rc, 0);
	check_errors("example", &e, "");
	if (rc)
		goto out;
	CHECK_UINT("example", "nr_sites", cfg.sites.nr_sites, 2);
	CHECK_UINT("example", "nr_zones", cfg.sites.nr_zones, 2);
	CHECK_STR("example", "zone[0]", cfg.sites.zone[0], "zen.example");
	CHECK_STR("example", "zone[1]", cfg.sites.zone[1], "bl.example");
	CHECK_STR("example", "spec[0]", cfg.sites.site[0].spec,
		  "zen.example*3");
	CHECK_STR("example", "spec[1]", cfg.sites.site[1].spec,
		  "bl.example=127.0.0.[2..11]*2");
	CHECK_INT("example", "weight[0]", cfg.sites.site[0].weight, 3);
	CHECK_INT("example", "weight[1]", cfg.sites.site[1].weight, 2);
	CHECK_INT("example", "filter[0]", cfg.sites.site[0].has_filter, false);
	CHECK_INT("example", "filter[1]", cfg.sites.site[1].has_filter, true);
	for (i = 0; i < ARRAY_LEN(matches); i++) {
		struct in_addr a;

		inet_pton(AF_INET, matches[i].answer, &a);
		CHECK_INT(matches[i].answer, "bl.example matches",
			  dnsbl_site_match(&cfg.sites.site[1], a.s_addr),
			  matches[i].match);
	}
	CHECK_INT("example", "threshold", cfg.threshold, 3);
	check_defaults_except("example", &cfg, "dnsbl_sites dnsbl_threshold");
out:
	CHECK_DONE();
}

/* Lines of any length: a megabyte of comment, of white space inside a
 * value, of continuation lines, and an unknown name that long, which is
 * quoted short. */
static void test_long_lines(void **state)
{
	const size_t big = 1u << 20;
	size_t len = 4 * big + 4096, pos = 0, i;
	char *data = malloc(len), want[256];
	struct config cfg;
	struct errors e;
	int rc;

	assert_non_null(data);
	data[pos++] = '#';
	memset(data + pos, 'c', big);
	pos += big;
	pos += (size_t)sprintf(data + pos, "\nobserve =");
	memset(data + pos, ' ', big);
	pos += big;
	pos += (size_t)sprintf(data + pos, "yes\ndnsbl_classes = mx\n");
	for (i = 0; i < big / 4; i++)
		pos += (size_t)sprintf(data + pos, " ,\n");
	pos += (size_t)sprintf(data + pos, " submission\n");
	rc = parse(data, pos, &cfg, &e);
	CHECK_INT("long lines", "rc", rc, 0);
	check_errors("long lines", &e, "");
	CHECK_INT("long lines", "observe", cfg.observe, true);
	CHECK_UINT("long lines", "classes", cfg.classes, MXS_CLASSES_ALL);

	pos = 0;
	memset(data, 'a', big);
	pos += big;
	pos += (size_t)sprintf(data + pos, " = 1\nobserve = maybe\n");
	rc = parse(data, pos, &cfg, &e);
	CHECK_INT("long name", "rc", rc, -EINVAL);
	/* The name is quoted as its first 64 bytes and "...". */
	snprintf(want, sizeof(want),
		 "t.conf:1: unknown setting \"%.64s...\"; expected one of dnsbl_sites\n"
		 "t.conf:2: observe: bad value \"maybe\"",
		 data);
	check_errors("long name", &e, want);
	free(data);
	CHECK_DONE();
}

/* Callbacks and names are optional. */
static void test_optional(void **state)
{
	struct config cfg;
	FILE *f;
	int rc;

	f = open_mem("observe = maybe\n", 16);
	poison(&cfg);
	rc = config_parse_stream(f, FILE_NAME, &cfg, NULL, NULL);
	fclose(f);
	CHECK_INT("no callback", "rc", rc, -EINVAL);
	CHECK(is_poisoned(&cfg),
	      "case no callback: *out: got changed, want untouched");

	{
		struct errors e = { .n = 0 };

		f = open_mem("observe = maybe\n", 16);
		rc = config_parse_stream(f, NULL, &cfg, on_error, &e);
		fclose(f);
		CHECK_INT("no name", "rc", rc, -EINVAL);
		check_errors("no name", &e, "(config):1: observe: bad value");
	}
	CHECK_INT("no stream", "rc",
		  config_parse_stream(NULL, "x", &cfg, NULL, NULL), -EINVAL);
	CHECK_DONE();
}

/* Reading a stream opened for writing fails: an errno, not -EINVAL. */
static void test_read_error(void **state)
{
	char buf[64] = "observe = yes\n";
	struct errors e = { .n = 0 };
	struct config cfg;
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	int rc;

	assert_non_null(f);
	poison(&cfg);
	rc = config_parse_stream(f, FILE_NAME, &cfg, on_error, &e);
	fclose(f);
	CHECK(rc < 0 && rc != -EINVAL,
	      "case read error: rc: got %d, want a negative errno but -EINVAL",
	      rc);
	check_errors("read error", &e, "t.conf: cannot read: ");
	CHECK(is_poisoned(&cfg), "case read error: *out: got changed, want untouched");
	CHECK_DONE();
}

/* ---- files --------------------------------------------------------------- */

static void test_parse_file(void **state)
{
	char path[] = "/tmp/test_config.XXXXXX", want[256];
	static const char good[] = "observe = yes\n";
	static const char bad[] = "\nobserve = maybe\n";
	struct errors e = { .n = 0 };
	struct config cfg;
	int fd, rc;

	poison(&cfg);
	rc = config_parse_file("/nonexistent/mxscreen.conf", &cfg, on_error,
			       &e);
	CHECK_INT("missing", "rc", rc, -ENOENT);
	check_errors("missing", &e,
		     "/nonexistent/mxscreen.conf: cannot open: No such file or directory");
	CHECK(is_poisoned(&cfg), "case missing: *out: got changed, want untouched");

	memset(&e, 0, sizeof(e));
	rc = config_parse_file("/", &cfg, on_error, &e);
	CHECK_INT("directory", "rc", rc, -EISDIR);
	check_errors("directory", &e, "/: cannot read: Is a directory");
	CHECK(is_poisoned(&cfg), "case directory: *out: got changed, want untouched");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, good, sizeof(good) - 1) ==
		    (ssize_t)(sizeof(good) - 1));
	memset(&e, 0, sizeof(e));
	rc = config_parse_file(path, &cfg, on_error, &e);
	CHECK_INT("file", "rc", rc, 0);
	check_errors("file", &e, "");
	CHECK_INT("file", "observe", cfg.observe, true);

	assert_true(ftruncate(fd, 0) == 0);
	assert_true(pwrite(fd, bad, sizeof(bad) - 1, 0) ==
		    (ssize_t)(sizeof(bad) - 1));
	memset(&e, 0, sizeof(e));
	rc = config_parse_file(path, &cfg, on_error, &e);
	CHECK_INT("bad file", "rc", rc, -EINVAL);
	snprintf(want, sizeof(want), "%s:2: observe: bad value \"maybe\"",
		 path);
	check_errors("bad file", &e, want);
	CHECK_INT("bad file", "observe kept", cfg.observe, true);
	close(fd);
	unlink(path);
	CHECK_DONE();
}

static void test_format_servers(void **state)
{
	static const struct {
		const char *name;
		unsigned int nr;
		const char *server[2];
		size_t len;
		const char *want;
	} cases[] = {
		{ "none", 0, { NULL }, 64, "" },
		{ "one", 1, { "127.0.0.1:5353" }, 64, "127.0.0.1:5353" },
		{ "two", 2, { "127.0.0.1:5353", "[::1]:53" }, 64,
		  "127.0.0.1:5353,[::1]:53" },
		{ "exact fit", 2, { "127.0.0.1:5353", "[::1]:53" }, 24,
		  "127.0.0.1:5353,[::1]:53" },
		{ "one byte short: whole servers only", 2,
		  { "127.0.0.1:5353", "[::1]:53" }, 23, "127.0.0.1:5353" },
		{ "nothing fits", 1, { "127.0.0.1:5353" }, 14, "" },
		{ "one byte", 1, { "127.0.0.1:5353" }, 1, "" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct config cfg;
		unsigned int s;

		config_defaults(&cfg);
		cfg.nr_dns_servers = cases[i].nr;
		for (s = 0; s < cases[i].nr; s++)
			snprintf(cfg.dns_server[s], CONFIG_SERVER_LEN, "%s",
				 cases[i].server[s]);
		memset(buf, 'x', sizeof(buf));
		config_format_servers(&cfg, buf, cases[i].len);
		CHECK_STR(cases[i].name, "servers", buf, cases[i].want);
	}
	/* len 0 writes nothing; a count over the maximum is clamped. */
	{
		struct config cfg;
		char big[CONFIG_MAX_DNS_SERVERS * CONFIG_SERVER_LEN];
		unsigned int s;

		memset(buf, 'x', sizeof(buf));
		config_defaults(&cfg);
		config_format_servers(&cfg, buf, 0);
		CHECK_INT("len 0", "buf[0]", buf[0], 'x');
		for (s = 0; s < CONFIG_MAX_DNS_SERVERS; s++)
			snprintf(cfg.dns_server[s], CONFIG_SERVER_LEN,
				 "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:%x]:65535",
				 s);
		cfg.nr_dns_servers = CONFIG_MAX_DNS_SERVERS + 5;
		config_format_servers(&cfg, big, sizeof(big));
		/* 44 characters each, commas between */
		CHECK_UINT("clamped", "length", strlen(big),
			   CONFIG_MAX_DNS_SERVERS * 45 - 1);
	}
	CHECK_DONE();
}

/* ---- state_file's default per pin path ---------------------------------- */

#define STATE CONFIG_DEFAULT_STATE_FILE
/* "/var/lib/mxscreen/state." leaves 231 bytes of CONFIG_PATH_LEN */
#define A10 "aaaaaaaaaa"
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define A228 A100 A100 A10 A10 "aaaaaaaa"

static void test_pin_path(void **state)
{
	static const struct {
		const char *name;
		const char *in;  /* the file */
		const char *pin; /* NULL: the default pin path */
		int rc;
		const char *want;     /* state_file afterwards */
		const char *want_err; /* part of the message, when rc */
	} cases[] = {
		{ "default pin path", "", MXS_PIN_PATH_DEFAULT, 0, STATE, "" },
		{ "no pin path", "", NULL, 0, STATE, "" },
		{ "default, trailing /", "", "/sys/fs/bpf/mxscreen//", 0, STATE,
		  "" },
		{ "test pin path", "", "/sys/fs/bpf/mxs-test-1", 0,
		  STATE ".mxs-test-1", "" },
		{ "trailing / dropped", "", "/sys/fs/bpf/mxs-test-1/", 0,
		  STATE ".mxs-test-1", "" },
		{ "nested", "", "/sys/fs/bpf/a/b", 0, STATE ".a%2Fb", "" },
		{ "outside /sys/fs/bpf", "", "/srv/pins/x", 0,
		  STATE ".%2Fsrv%2Fpins%2Fx", "" },
		{ "the bpffs root", "", "/sys/fs/bpf/", 0,
		  STATE ".%2Fsys%2Ffs%2Fbpf", "" },
		{ "a prefix of the default", "", "/sys/fs/bpf/mxscreen2", 0,
		  STATE ".mxscreen2", "" },
		{ "other bytes", "", "/sys/fs/bpf/A z~%\xc3\xa9._-9", 0,
		  STATE ".A%20z%7E%25%C3%A9._-9", "" },
		{ "explicit default text kept",
		  "state_file = /var/lib/mxscreen/state\n",
		  "/sys/fs/bpf/mxs-test-1", 0, STATE, "" },
		{ "explicit empty kept", "state_file =\n",
		  "/sys/fs/bpf/mxs-test-1", 0, "", "" },
		{ "explicit path kept", "state_file = /srv/state\n",
		  "/srv/pins/x", 0, "/srv/state", "" },
		{ "longest that fits", "", "/sys/fs/bpf/" A228 "aaa", 0,
		  STATE "." A228 "aaa", "" },
		{ "one byte too long", "", "/sys/fs/bpf/" A228 "aaaa",
		  -ENAMETOOLONG, STATE,
		  "would be longer than 255 bytes; set state_file" },
		{ "an escape that fits", "", "/sys/fs/bpf/" A228 "~", 0,
		  STATE "." A228 "%7E", "" },
		{ "an escape too long", "", "/sys/fs/bpf/" A228 "a~",
		  -ENAMETOOLONG, STATE, "set state_file" },
		{ "too long, but set", "state_file = /srv/state\n",
		  "/sys/fs/bpf/" A228 A228, 0, "/srv/state", "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const char *name = cases[i].name;
		struct config cfg;
		struct errors e;
		char err[512] = "";
		int rc;

		rc = parse(cases[i].in, 0, &cfg, &e);
		CHECK_INT(name, "parse rc", rc, 0);
		CHECK_INT(name, "state_file_set", cfg.state_file_set,
			  cases[i].in[0] != '\0');
		rc = config_apply_pin_path(&cfg, cases[i].pin, err,
					   sizeof(err));
		CHECK_INT(name, "rc", rc, cases[i].rc);
		CHECK_STR(name, "state_file", cfg.state_file, cases[i].want);
		if (cases[i].rc)
			CHECK_CONTAINS(name, "message", err, cases[i].want_err);
		else
			CHECK_STR(name, "message", err, "");
	}
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_setting),
		cmocka_unit_test(test_conn_rate),
		cmocka_unit_test(test_sites_example),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_optional),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_format_servers),
		cmocka_unit_test(test_pin_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
