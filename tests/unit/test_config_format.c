/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_config_format.c - unit tests of config_format.c: every setting
 * printed, in the table's order, one "name = value" line each; the lines
 * of chosen values word for word; and the round trip: the text parsed
 * again (config.c) gives the same configuration, field by field, and
 * prints the same text again.  Files are read from memory with fmemopen().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxscreend/config.h"
#include "mxscreend/config_format.h"
#include "check.h"

/* Every setting, in the order config_print() writes them. */
static const char *const names[] = {
	"dnsbl_sites",
	"dnsbl_threshold",
	"dnsbl_allowlist_threshold",
	"dnsbl_min_ttl",
	"dnsbl_max_ttl",
	"dnsbl_timeout",
	"dns_servers",
	"dnsbl_classes",
	"max_lookups_in_flight",
	"max_lookups_per_second",
	"observe",
	"rate_limit_mx",
	"rate_limit_submission",
	"rate_prefix_v6",
	"ban_connections",
	"ban_window",
	"ban_time",
	"ban_time_max",
	"ban_memory",
	"state_file",
	"state_interval",
	"mynetworks",
	"blocklist_files",
	"allowlist_files",
	"export_file",
	"export_interval",
	"export_reasons",
	"export_name",
	"prometheus_file",
	"prometheus_interval",
	"interfaces",
	"xdp_mode",
	"detach_on_stop",
	"postfix_log",
	"postfix_events",
	"postfix_threshold",
	"postfix_window",
	"postfix_submission_services",
	"postfix_daemon_directory",
	"close_connections",
	"policy_listen",
	"account_recipient_limit",
	"account_message_limit",
	"account_client_limit",
	"account_hold_time",
};

/* ---- helpers ------------------------------------------------------------- */

static void on_error(const char *message, void *ctx)
{
	print_error("  parse: %s\n", message);
}

/* Parse text; 0 or the parser's error. */
static int parse(const char *text, struct config *out)
{
	size_t len = strlen(text);
	FILE *f;
	int rc;

	f = len ? fmemopen((void *)text, len, "r") : fopen("/dev/null", "r");
	if (!f)
		fail_msg("fmemopen: %s", strerror(errno));
	rc = config_parse_stream(f, "t.conf", out, on_error, NULL);
	fclose(f);
	return rc;
}

/* config_print() into a string the caller frees. */
static char *print(const struct config *cfg)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int rc;

	if (!f)
		fail_msg("open_memstream: %s", strerror(errno));
	rc = config_print(f, cfg);
	fclose(f);
	if (rc)
		fail_msg("config_print: %d", rc);
	return buf;
}

/* The line of setting name in text (without its newline), or "". */
static void line_of(const char *text, const char *name, char *buf, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = text;

	buf[0] = '\0';
	while (*p) {
		size_t l = strcspn(p, "\n");

		if (l > nlen && memcmp(p, name, nlen) == 0 && p[nlen] == ' ') {
			snprintf(buf, len, "%.*s", (int)l, p);
			return;
		}
		p += l + (p[l] == '\n');
	}
}

/* Whether want (lines separated by "\n") are all whole lines of text. */
static void check_lines(const char *name, const char *text, const char *want)
{
	const char *w = want;

	while (*w) {
		size_t l = strcspn(w, "\n");
		const char *p = text;
		bool found = false;

		while (*p && !found) {
			size_t pl = strcspn(p, "\n");

			found = pl == l && memcmp(p, w, l) == 0;
			p += pl + (p[pl] == '\n');
		}
		CHECK(found, "case %s: got no line \"%.*s\" in:\n%s", name,
		      (int)l, w, text);
		w += l + (w[l] == '\n');
	}
}

/* One line per setting, in the table's order, "name =" or "name = x". */
static void check_order(const char *name, const char *text)
{
	const char *p = text;
	size_t i = 0;

	while (*p) {
		size_t l = strcspn(p, "\n"), nl;

		CHECK(i < ARRAY_LEN(names),
		      "case %s: line %zu: got \"%.*s\", want no more lines",
		      name, i + 1, (int)l, p);
		if (i >= ARRAY_LEN(names))
			break;
		nl = strlen(names[i]);
		CHECK(l >= nl + 2 && memcmp(p, names[i], nl) == 0 &&
			      memcmp(p + nl, " =", 2) == 0 &&
			      (l == nl + 2 || (p[nl + 2] == ' ' && l > nl + 3 &&
					       p[nl + 3] != ' ')),
		      "case %s: line %zu: got \"%.*s\", want \"%s = VALUE\" or \"%s =\"",
		      name, i + 1, (int)l, p, names[i], names[i]);
		CHECK(p[l] == '\n', "case %s: line %zu: got no newline", name,
		      i + 1);
		p += l + (p[l] == '\n');
		i++;
	}
	CHECK_UINT(name, "lines", i, ARRAY_LEN(names));
}

/* The sites by what they mean (zone, filter, weight), not by their
 * text: for a text cut to fit, which is printed in its parsed form. */
static void check_sites_meaning(const char *name,
				const struct dnsbl_sites *got,
				const struct dnsbl_sites *want)
{
	unsigned int i;

	CHECK_UINT(name, "nr_sites", got->nr_sites, want->nr_sites);
	CHECK_UINT(name, "nr_zones", got->nr_zones, want->nr_zones);
	for (i = 0; i < want->nr_zones && i < got->nr_zones; i++)
		CHECK_STR(name, "zone", got->zone[i], want->zone[i]);
	for (i = 0; i < want->nr_sites && i < got->nr_sites; i++) {
		const struct dnsbl_site *g = &got->site[i], *w = &want->site[i];

		CHECK_UINT(name, "site zone", g->zone, w->zone);
		CHECK_INT(name, "site weight", g->weight, w->weight);
		CHECK_INT(name, "site has_filter", g->has_filter,
			  w->has_filter);
		CHECK(memcmp(g->octet, w->octet, sizeof(g->octet)) == 0,
		      "case %s: site %u: filter: got another, want the same",
		      name, i);
	}
}

#define SAME(f)                                                                \
	CHECK((got)->f == (want)->f, "case %s: %s: got %lld, want %lld", name, \
	      #f, (long long)(got)->f, (long long)(want)->f)
#define SAME_STR(f) CHECK_STR(name, #f, (got)->f, (want)->f)
#define SAME_RATE(f)                                                           \
	do {                                                                   \
		SAME(f.emission_ns);                                           \
		SAME(f.tau_ns);                                                \
		SAME(f.burst);                                                 \
		SAME(f.period_s);                                              \
	} while (0)
#define SAME_CIDR(f)                                                           \
	do {                                                                   \
		SAME(f.family);                                                \
		SAME(f.prefixlen);                                             \
		CHECK(memcmp((got)->f.addr, (want)->f.addr, 16) == 0,          \
		      "case %s: %s: got another address, want the same", name, \
		      #f);                                                     \
	} while (0)

/* got (parsed from the printed text) says what want says, field by field.
 * state_file_set is left out: printed, every state_file is explicit. */
static void check_same(const char *name, const struct config *got,
		       const struct config *want, bool sites_by_meaning)
{
	unsigned int i;

	if (sites_by_meaning)
		check_sites_meaning(name, &got->sites, &want->sites);
	else
		CHECK(dnsbl_sites_equal(&got->sites, &want->sites),
		      "case %s: sites: got other sites, want the same", name);
	SAME(threshold);
	SAME(allowlist_threshold);
	SAME(min_ttl);
	SAME(max_ttl);
	SAME(timeout);
	SAME(nr_dns_servers);
	for (i = 0; i < want->nr_dns_servers && i < got->nr_dns_servers; i++)
		SAME_STR(dns_server[i]);
	SAME(classes);
	SAME(max_in_flight);
	SAME(max_per_second);
	SAME(observe);
	SAME(close_connections);
	SAME_RATE(rate_mx);
	SAME_RATE(rate_submission);
	SAME(rate_prefix_v6);
	SAME(ban_connections);
	SAME(ban_window);
	SAME(ban_time);
	SAME(ban_time_max);
	SAME(ban_memory);
	SAME_STR(state_file);
	SAME(state_interval);
	SAME(nr_mynetworks);
	for (i = 0; i < want->nr_mynetworks && i < got->nr_mynetworks; i++)
		SAME_CIDR(mynetworks[i]);
	SAME(nr_blocklist_files);
	for (i = 0; i < want->nr_blocklist_files && i < got->nr_blocklist_files;
	     i++) {
		SAME_STR(blocklist_files[i].path);
		SAME(blocklist_files[i].format);
	}
	SAME(nr_allowlist_files);
	for (i = 0; i < want->nr_allowlist_files && i < got->nr_allowlist_files;
	     i++) {
		SAME_STR(allowlist_files[i].path);
		SAME(allowlist_files[i].format);
	}
	SAME_STR(export_file);
	SAME(export_interval);
	SAME(export_reasons);
	SAME_STR(export_name);
	SAME_STR(prometheus_file);
	SAME(prometheus_interval);
	SAME(nr_interfaces);
	for (i = 0; i < want->nr_interfaces && i < got->nr_interfaces; i++)
		SAME_STR(interfaces[i]);
	SAME(xdp_mode);
	SAME(detach_on_stop);
	SAME(nr_postfix_logs);
	for (i = 0; i < want->nr_postfix_logs && i < got->nr_postfix_logs; i++)
		SAME_STR(postfix_log[i]);
	SAME(postfix_journal);
	for (i = 0; i < CONFIG_PF_EVENTS; i++)
		SAME(postfix_weight[i]);
	SAME(postfix_threshold);
	SAME(postfix_window);
	SAME(nr_submission_services);
	for (i = 0; i < want->nr_submission_services &&
		    i < got->nr_submission_services;
	     i++)
		SAME_STR(submission_services[i]);
	SAME_STR(postfix_dir);
	SAME(policy_listen.kind);
	SAME(policy_listen.port);
	if (want->policy_listen.kind == CONFIG_LISTEN_INET)
		SAME_CIDR(policy_listen.host);
	SAME_STR(policy_listen.path);
	SAME_RATE(account_rcpt);
	SAME_RATE(account_msg);
	SAME_RATE(account_clients);
	SAME(account_hold_time);
}

/* ---- cases --------------------------------------------------------------- */

/* Every setting away from its default. */
static const char every_setting[] =
	"dnsbl_sites = zen.example*3, bl.example=127.0.0.[2..11]*2\n"
	"    wl.example=127.0.[0..255].[1;3]*-5\n"
	"dnsbl_threshold = 3\n"
	"dnsbl_allowlist_threshold = -2\n"
	"dnsbl_min_ttl = 5m\n"
	"dnsbl_max_ttl = 2h\n"
	"dnsbl_timeout = 5s\n"
	"dns_servers = 127.0.0.1:5353 [::1]\n"
	"dnsbl_classes = all\n"
	"max_lookups_in_flight = 50\n"
	"max_lookups_per_second = 100\n"
	"observe = yes\n"
	"rate_limit_mx = 30/60s\n"
	"rate_limit_submission = 10/1h\n"
	"rate_prefix_v6 = 56\n"
	"ban_connections = 20\n"
	"ban_window = 10s\n"
	"ban_time = 1h\n"
	"ban_time_max = 1w\n"
	"ban_memory = 30d\n"
	"state_file = /srv/mxscreen/state\n"
	"state_interval = 5m\n"
	"mynetworks = 192.0.2.0/24, [2001:db8::]/32 198.51.100.7\n"
	"blocklist_files = /var/lib/mxscreen/drop.txt\n"
	"    rbldnsd:/var/lib/rbldnsd/local.zone\n"
	"allowlist_files = rbldnsd:/var/lib/rbldnsd/wl.zone\n"
	"export_file = /var/lib/mxscreen/export.zone\n"
	"export_interval = 2m\n"
	"export_reasons = dnsbl, manual\n"
	"export_name = mx1.example.org\n"
	"prometheus_file = /var/lib/prometheus/mxscreen.prom\n"
	"prometheus_interval = 30s\n"
	"interfaces = eth0 eth1\n"
	"xdp_mode = native\n"
	"detach_on_stop = yes\n"
	"postfix_log = /var/log/mail.log, journal\n"
	"postfix_events = sasl_failure*2, pregreet*10, relay_denied\n"
	"postfix_threshold = 10\n"
	"postfix_window = 2h\n"
	"postfix_submission_services = submission, submission2\n"
	"postfix_daemon_directory = /usr/libexec/postfix\n"
	"close_connections = no\n"
	"policy_listen = inet:127.0.0.1:10031\n"
	"account_recipient_limit = 500/1d\n"
	"account_message_limit = 100/1h\n"
	"account_client_limit = 3/1h\n"
	"account_hold_time = 12h\n";

/* A zone of 130 bytes: a site naming it is cut to fit spec. */
#define L60 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LONG_ZONE L60 "." L60 ".example"
/* A filter that takes the site over spec's length, not in its shortest
 * form: printed again from its bitmaps. */
#define EVENS_DOWN                                                             \
	"60;58;56;54;52;50;48;46;44;42;40;38;36;34;32;"                        \
	"30;28;26;24;22;20;18;16;14;12;10;8;6;4;2;0"
#define EVENS_UP                                                               \
	"0;2;4;6;8;10;12;14;16;18;20;22;24;26;28;"                             \
	"30;32;34;36;38;40;42;44;46;48;50;52;54;56;58;60"

static const struct print_case {
	const char *name;
	const char *in;   /* the file */
	const char *pin;  /* config_apply_pin_path() with it, unless NULL */
	const char *want; /* whole lines of the output, "\n" between */
	bool differs;     /* every line unlike the defaults' */
	bool cut;         /* a site's text was cut: compare sites by meaning */
} cases[] = {
	{ "defaults", "", NULL,
	  "dnsbl_sites =\n"
	  "dnsbl_threshold = 1\n"
	  "dnsbl_allowlist_threshold = 0\n"
	  "dnsbl_min_ttl = 1m\n"
	  "dns_servers =\n"
	  "dnsbl_classes = mx\n"
	  "observe = no\n"
	  "rate_limit_mx = 60/1m\n"
	  "rate_limit_submission = 0\n"
	  "rate_prefix_v6 = 64\n"
	  "ban_time_max = 1d\n"
	  "state_file = /var/lib/mxscreen/state\n"
	  "mynetworks =\n"
	  "export_reasons = manual, rate, postfix, account\n"
	  "export_name =\n"
	  "xdp_mode = auto\n"
	  "postfix_log =\n"
	  "postfix_events = pregreet*5, non_smtp*5, bare_newline*5, "
	  "pipelining*5, command_limit*5, dnsbl*5, rbl_reject*5, "
	  "sasl_failure*1, unknown_recipient*1, relay_denied*1\n"
	  "postfix_submission_services = submission, smtps, submissions\n"
	  "postfix_daemon_directory = /usr/lib/postfix/sbin\n"
	  "close_connections = yes\n"
	  "policy_listen =\n"
	  "account_recipient_limit = 1000/1d\n"
	  "account_hold_time = 1d",
	  false, false },
	{ "defaults, default pin path", "", MXS_PIN_PATH_DEFAULT,
	  "state_file = /var/lib/mxscreen/state", false, false },
	{ "defaults, a test's pin path", "", "/sys/fs/bpf/mxs-test-1",
	  "state_file = /var/lib/mxscreen/state.mxs-test-1", false, false },
	{ "defaults, a pin path elsewhere", "", "/srv/pins/x",
	  "state_file = /var/lib/mxscreen/state.%2Fsrv%2Fpins%2Fx", false,
	  false },
	{ "explicit state_file, a test's pin path",
	  "state_file = /var/lib/mxscreen/state\n", "/sys/fs/bpf/mxs-test-1",
	  "state_file = /var/lib/mxscreen/state", false, false },
	{ "no state file", "state_file =\n", "/sys/fs/bpf/mxs-test-1",
	  "state_file =", false, false },
	{ "every setting", every_setting, "/sys/fs/bpf/mxs-test-1",
	  "dnsbl_sites = zen.example*3, bl.example=127.0.0.[2..11]*2, "
	  "wl.example=127.0.[0..255].[1;3]*-5\n"
	  "dnsbl_allowlist_threshold = -2\n"
	  "dnsbl_min_ttl = 5m\n"
	  "dns_servers = 127.0.0.1:5353,[::1]:53\n"
	  "dnsbl_classes = all\n"
	  "rate_limit_mx = 30/1m\n"
	  "ban_time_max = 1w\n"
	  "ban_memory = 4w2d\n"
	  "state_file = /srv/mxscreen/state\n"
	  "mynetworks = 192.0.2.0/24, 2001:db8::/32, 198.51.100.7\n"
	  "blocklist_files = /var/lib/mxscreen/drop.txt, "
	  "rbldnsd:/var/lib/rbldnsd/local.zone\n"
	  "allowlist_files = rbldnsd:/var/lib/rbldnsd/wl.zone\n"
	  "export_reasons = manual, dnsbl\n"
	  "export_name = mx1.example.org\n"
	  "interfaces = eth0, eth1\n"
	  "xdp_mode = native\n"
	  "postfix_log = journal, /var/log/mail.log\n"
	  "postfix_events = pregreet*10, sasl_failure*2, relay_denied*1\n"
	  "postfix_submission_services = submission, submission2\n"
	  "policy_listen = inet:127.0.0.1:10031\n"
	  "account_client_limit = 3/1h\n"
	  "account_hold_time = 12h",
	  true, false },
	{ "exact forms",
	  "dnsbl_sites = ZEN.Example.*+2 bl.example=127.0.0.[4;2..3]\n"
	  "dnsbl_max_ttl = 90061\n"
	  "ban_window = 3601\n"
	  "rate_limit_mx = 7/3601s\n"
	  "rate_limit_submission = 1/1d\n"
	  "dnsbl_classes = submission,mx\n"
	  "mynetworks = ::ffff:192.0.2.0/120 2001:db8::1\n"
	  "export_reasons = account postfix file rate dnsbl list manual\n"
	  "postfix_events = pregreet*0, dnsbl, sasl_failure*3\n"
	  "postfix_submission_services =\n"
	  "state_file = /var/lib/mx screen/state#1\n"
	  "xdp_mode = skb\n"
	  "policy_listen = inet:[::1]:10031\n",
	  NULL,
	  "dnsbl_sites = ZEN.Example.*+2, bl.example=127.0.0.[4;2..3]\n"
	  "dnsbl_max_ttl = 90061s\n"
	  "ban_window = 3601s\n"
	  "rate_limit_mx = 7/3601s\n"
	  "rate_limit_submission = 1/1d\n"
	  "dnsbl_classes = all\n"
	  "mynetworks = 192.0.2.0/24, 2001:db8::1\n"
	  "export_reasons = manual, list, dnsbl, rate, file, postfix, account\n"
	  "postfix_events = dnsbl*1, sasl_failure*3\n"
	  "postfix_submission_services =\n"
	  "state_file = /var/lib/mx screen/state#1\n"
	  "xdp_mode = skb\n"
	  "policy_listen = inet:[::1]:10031",
	  false, false },
	{ "empty lists",
	  "postfix_events =\nexport_reasons =\npolicy_listen = "
	  "unix:/var/spool/postfix/private/mxscreen\n",
	  NULL,
	  "postfix_events =\nexport_reasons =\n"
	  "policy_listen = unix:/var/spool/postfix/private/mxscreen",
	  false, false },
	{ "a long zone",
	  "dnsbl_sites = " LONG_ZONE
	  "=127.[0..127;128..255].[7;1;3..5].[2..11]*-3 zen.example\n",
	  NULL,
	  "dnsbl_sites = " LONG_ZONE "=127.[0..255].[1;3..5;7].[2..11]*-3, "
	  "zen.example",
	  false, true },
	{ "a long filter",
	  "dnsbl_sites = bl.example=127.0.[" EVENS_DOWN "].[11;2..10]*+2\n",
	  NULL,
	  "dnsbl_sites = bl.example=127.0.[" EVENS_UP "].[2..11]*2", false,
	  true },
};

/* ---- tests --------------------------------------------------------------- */

static void test_print(void **state)
{
	struct config *defaults, *cfg, *back;
	char *def_text;
	size_t i, n;

	/* struct config is large: not on the stack, three times */
	defaults = malloc(sizeof(*defaults));
	cfg = malloc(sizeof(*cfg));
	back = malloc(sizeof(*back));
	assert_non_null(defaults);
	assert_non_null(cfg);
	assert_non_null(back);
	config_defaults(defaults);
	def_text = print(defaults);

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const struct print_case *c = &cases[i];
		char err[512] = "", *text, *again;
		int rc;

		rc = parse(c->in, cfg);
		CHECK_INT(c->name, "parse rc", rc, 0);
		if (rc)
			continue;
		if (c->pin) {
			rc = config_apply_pin_path(cfg, c->pin, err,
						   sizeof(err));
			CHECK_INT(c->name, "config_apply_pin_path", rc, 0);
		}
		text = print(cfg);
		check_order(c->name, text);
		check_lines(c->name, text, c->want);
		for (n = 0; c->differs && n < ARRAY_LEN(names); n++) {
			char got[4096], def[4096];

			line_of(text, names[n], got, sizeof(got));
			line_of(def_text, names[n], def, sizeof(def));
			CHECK(strcmp(got, def) != 0,
			      "case %s: got \"%s\", want unlike the default's",
			      c->name, got);
		}
		/* the round trip: the same configuration, the same text */
		rc = parse(text, back);
		CHECK_INT(c->name, "round trip: parse rc", rc, 0);
		if (rc == 0) {
			if (c->pin) {
				rc = config_apply_pin_path(back, c->pin, err,
							   sizeof(err));
				CHECK_INT(c->name, "round trip: pin path", rc,
					  0);
			}
			check_same(c->name, back, cfg, c->cut);
			again = print(back);
			CHECK_STR(c->name, "printed again", again, text);
			free(again);
		}
		free(text);
	}
	free(def_text);
	free(defaults);
	free(cfg);
	free(back);
	CHECK_DONE();
}

/* A stream that fails is reported, not ignored. */
static void test_write_error(void **state)
{
	struct config *cfg = malloc(sizeof(*cfg));
	FILE *f = fopen("/dev/full", "w");
	int rc;

	assert_non_null(cfg);
	if (!f) {
		free(cfg);
		skip();
	}
	setvbuf(f, NULL, _IONBF, 0);
	config_defaults(cfg);
	rc = config_print(f, cfg);
	fclose(f);
	free(cfg);
	CHECK_INT("/dev/full", "rc", rc, -EIO);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
