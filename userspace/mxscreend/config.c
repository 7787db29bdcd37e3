/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * config.c - reading mxscreend's configuration file (see config.h).
 *
 * Lines as in Postfix main.cf (postconf(5)): a logical line starts with
 * non-blank text; a line that starts with white space continues it, joined
 * with one space.  Empty and blank lines, and lines whose first non-blank
 * character is "#", are skipped wherever they are: they neither end nor
 * break a continuation.  Lines end in LF or CRLF, the last one may lack its
 * newline, a UTF-8 byte order mark before the first line is skipped, and
 * lines of any length are read with getline().  A line with a NUL byte is
 * an error: C string handling would silently drop what follows it.
 *
 * A problem is reported at the line where its logical line starts, as
 * "FILE:LINE: ...", and reading goes on, so one run shows every problem.
 * Values are checked by the parsers of their modules (dnsbl_sites,
 * duration, settings, addr); their messages follow the setting's name.
 * Cross-checks between settings run after the whole file was read, only
 * on settings whose last value was good, and are reported at the later of
 * the lines involved.  Everything goes into a local copy that replaces
 * *out only when the file had no problem at all.  Besides -EINVAL, a
 * stream that cannot be read returns its -errno ("FILE: cannot read: ..."),
 * and a logical line that does not fit in memory -ENOMEM.
 */
#include "config.h"
#include "config_settings.h"
#include "lib/account.h"
#include "lib/addr.h"
#include "lib/duration.h"
#include "lib/errbuf.h"
#include "lib/export.h"
#include "lib/pflog_event.h"
#include "lib/settings.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Bounds: wide enough for any sensible site, narrow enough to catch a
 * slipped digit.  A DNSBL score of 0 means "listed nowhere", so a block
 * threshold of 0 or less would block every sender no allowlist knows. */
#define SCORE_MAX 1000000
#define THRESHOLD_MIN 1
#define ALLOWLIST_MAX 0
/* So dnsbl_threshold > dnsbl_allowlist_threshold needs no check. */
_Static_assert(THRESHOLD_MIN > ALLOWLIST_MAX,
	       "a score can be both blocked and allowed");
#define TTL_MIN 1
#define TTL_MAX (7 * 86400)
#define TIMEOUT_MIN 1
#define TIMEOUT_MAX 60
#define DAY (24 * 60 * 60)
/* Rate bans: ban_connections per ban_window is a rate, with a rate's
 * bounds (settings.h: they keep the kernel's GCRA free of overflow).  A
 * first ban of up to a month, doubled per offence up to a year, and
 * offences remembered up to a year: beyond that, block the source by
 * hand. */
#define BAN_TIME_MAX (30 * DAY)
#define BAN_TIME_MAX_MAX (365 * DAY)
#define BAN_MEMORY_MAX (365 * DAY)
#define DNS_PORT 53

/* Longest piece of file text quoted back in a message. */
#define QUOTE_MAX 64
/* Longest unknown name compared for a suggestion. */
#define SUGGEST_MAX 48
#define MSG_LEN 1024
#define ERR_LEN 512

#define FIELD(f) offsetof(struct config, f)

/* The one definition of the table (config_settings.h). */
const struct setting config_settings[NR_SETTINGS] = {
	[S_SITES] = { "dnsbl_sites", KIND_SITES, FIELD(sites), 0, 0 },
	[S_THRESHOLD] = { "dnsbl_threshold", KIND_INT, FIELD(threshold),
			  THRESHOLD_MIN, SCORE_MAX },
	[S_ALLOWLIST] = { "dnsbl_allowlist_threshold", KIND_INT,
			  FIELD(allowlist_threshold), -SCORE_MAX, ALLOWLIST_MAX },
	[S_MIN_TTL] = { "dnsbl_min_ttl", KIND_DURATION, FIELD(min_ttl),
			TTL_MIN, TTL_MAX },
	[S_MAX_TTL] = { "dnsbl_max_ttl", KIND_DURATION, FIELD(max_ttl),
			TTL_MIN, TTL_MAX },
	[S_TIMEOUT] = { "dnsbl_timeout", KIND_DURATION, FIELD(timeout),
			TIMEOUT_MIN, TIMEOUT_MAX },
	[S_SERVERS] = { "dns_servers", KIND_SERVERS, 0, 0, 0 },
	[S_CLASSES] = { "dnsbl_classes", KIND_CLASSES, FIELD(classes), 0, 0 },
	[S_IN_FLIGHT] = { "max_lookups_in_flight", KIND_UINT32,
			  FIELD(max_in_flight), 1, 100000 },
	[S_PER_SECOND] = { "max_lookups_per_second", KIND_UINT32,
			   FIELD(max_per_second), 1, 1000000 },
	[S_OBSERVE] = { "observe", KIND_BOOL, FIELD(observe), 0, 0 },
	[S_RATE_MX] = { "rate_limit_mx", KIND_RATE, FIELD(rate_mx), 0, 0 },
	[S_RATE_SUBMISSION] = { "rate_limit_submission", KIND_RATE,
				FIELD(rate_submission), 0, 0 },
	[S_RATE_PREFIX_V6] = { "rate_prefix_v6", KIND_PREFIX_V6,
			       FIELD(rate_prefix_v6), 0, 0 },
	[S_BAN_CONNECTIONS] = { "ban_connections", KIND_UINT32,
				FIELD(ban_connections), 0,
				SETTINGS_RATE_MAX_BURST },
	[S_BAN_WINDOW] = { "ban_window", KIND_DURATION, FIELD(ban_window),
			   SETTINGS_RATE_MIN_PERIOD, SETTINGS_RATE_MAX_PERIOD },
	[S_BAN_TIME] = { "ban_time", KIND_DURATION, FIELD(ban_time), 1,
			 BAN_TIME_MAX },
	[S_BAN_TIME_MAX] = { "ban_time_max", KIND_DURATION,
			     FIELD(ban_time_max), 1, BAN_TIME_MAX_MAX },
	[S_BAN_MEMORY] = { "ban_memory", KIND_DURATION, FIELD(ban_memory), 1,
			   BAN_MEMORY_MAX },
	[S_STATE_FILE] = { "state_file", KIND_PATH, FIELD(state_file), 0, 0 },
	[S_STATE_INTERVAL] = { "state_interval", KIND_DURATION,
			       FIELD(state_interval), 1, DAY },
	[S_MYNETWORKS] = { "mynetworks", KIND_NETS, 0, 0, 0 },
	[S_BLOCKLIST_FILES] = { "blocklist_files", KIND_LIST_FILES,
				FIELD(nr_blocklist_files), 0, 0 },
	[S_ALLOWLIST_FILES] = { "allowlist_files", KIND_LIST_FILES,
				FIELD(nr_allowlist_files), 0, 0 },
	[S_EXPORT_FILE] = { "export_file", KIND_PATH, FIELD(export_file), 0,
			    0 },
	[S_EXPORT_INTERVAL] = { "export_interval", KIND_DURATION,
				FIELD(export_interval), 1, DAY },
	[S_EXPORT_REASONS] = { "export_reasons", KIND_REASONS,
			       FIELD(export_reasons), 0, 0 },
	[S_EXPORT_NAME] = { "export_name", KIND_NAME, FIELD(export_name), 0,
			    0 },
	[S_PROMETHEUS_FILE] = { "prometheus_file", KIND_PATH,
				FIELD(prometheus_file), 0, 0 },
	[S_PROMETHEUS_INTERVAL] = { "prometheus_interval", KIND_DURATION,
				    FIELD(prometheus_interval), 1, 3600 },
	[S_INTERFACES] = { "interfaces", KIND_IFACES, 0, 0, 0 },
	[S_XDP_MODE] = { "xdp_mode", KIND_MODE, FIELD(xdp_mode), 0, 0 },
	[S_DETACH_ON_STOP] = { "detach_on_stop", KIND_BOOL,
			       FIELD(detach_on_stop), 0, 0 },
	[S_POSTFIX_LOG] = { "postfix_log", KIND_PF_LOGS, 0, 0, 0 },
	[S_POSTFIX_EVENTS] = { "postfix_events", KIND_PF_EVENTS,
			       FIELD(postfix_weight), 0, 0 },
	[S_POSTFIX_THRESHOLD] = { "postfix_threshold", KIND_UINT32,
				  FIELD(postfix_threshold), 1, 100000 },
	[S_POSTFIX_WINDOW] = { "postfix_window", KIND_DURATION,
			       FIELD(postfix_window), 60, 7 * DAY },
	[S_POSTFIX_SERVICES] = { "postfix_submission_services", KIND_SERVICES,
				 0, 0, 0 },
	[S_POSTFIX_DIR] = { "postfix_daemon_directory", KIND_PATH,
			    FIELD(postfix_dir), 0, 0 },
	[S_CLOSE_CONNECTIONS] = { "close_connections", KIND_BOOL,
				  FIELD(close_connections), 0, 0 },
	[S_POLICY_LISTEN] = { "policy_listen", KIND_LISTEN,
			      FIELD(policy_listen), 0, 0 },
	[S_ACCOUNT_RCPT] = { "account_recipient_limit", KIND_RATE,
			     FIELD(account_rcpt), 0, 0 },
	[S_ACCOUNT_MSG] = { "account_message_limit", KIND_RATE,
			    FIELD(account_msg), 0, 0 },
	[S_ACCOUNT_CLIENTS] = { "account_client_limit", KIND_RATE,
				FIELD(account_clients), 0, 0 },
	[S_ACCOUNT_HOLD] = { "account_hold_time", KIND_DURATION,
			     FIELD(account_hold_time), 60, 30 * DAY },
};

_Static_assert(CONFIG_PF_EVENTS >= PFLOG_NR_EVENTS,
	       "postfix_weight[] holds every event");

/* postfix_events' default: a protocol violation bans at once, a failed
 * password or a bad recipient counts one fifth. */
static const char *const config_default_pf_events =
	"pregreet*5, non_smtp*5, bare_newline*5, pipelining*5, "
	"command_limit*5, dnsbl*5, rbl_reject*5, sasl_failure*1, "
	"unknown_recipient*1, relay_denied*1";

static int parse_pf_events(char *text, uint32_t *out, char *err,
			   size_t errlen);
static void normalise_list(char *text);

/* The two lists of list files: the count, then the array right after. */
_Static_assert(offsetof(struct config, blocklist_files) >
			       offsetof(struct config, nr_blocklist_files) &&
		       offsetof(struct config, allowlist_files) >
			       offsetof(struct config, nr_allowlist_files),
	       "list file counts precede their arrays");

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->threshold = 1;
	cfg->allowlist_threshold = 0;
	cfg->min_ttl = 60;
	cfg->max_ttl = 3600;
	cfg->timeout = 10;
	cfg->classes = (uint8_t)MXS_CLASS_BIT(MXS_CLASS_MX);
	cfg->max_in_flight = 1000;
	cfg->max_per_second = 2000;
	cfg->observe = false;
	cfg->close_connections = true;
	settings_rate_from(1000, DAY, &cfg->account_rcpt);
	settings_rate_from(200, 3600, &cfg->account_msg);
	settings_rate_from(5, 3600, &cfg->account_clients);
	cfg->account_hold_time = DAY;
	/* A burst of 60 SYNs and 60 a minute: generous for one MTA. */
	settings_rate_from(60, 60, &cfg->rate_mx);
	/* rate_submission: all zero, off */
	cfg->rate_prefix_v6 = MXS_DEFAULT_RATE_PREFIX_V6;
	cfg->ban_connections = 0; /* off */
	cfg->ban_window = 60;
	cfg->ban_time = 10 * 60;
	cfg->ban_time_max = DAY;
	cfg->ban_memory = DAY;
	snprintf(cfg->state_file, sizeof(cfg->state_file), "%s",
		 CONFIG_DEFAULT_STATE_FILE);
	cfg->state_interval = 60;
	cfg->export_interval = 60;
	/* Decisions taken here, not verdicts of DNSBLs every MX host can
	 * ask itself: exporting those would let a fleet zone keep listing
	 * an address from its own answers after every DNSBL dropped it. */
	cfg->export_reasons = EXPORT_DEFAULT_REASONS;
	cfg->prometheus_interval = 15;
	cfg->xdp_mode = SETTINGS_MODE_AUTO;
	cfg->detach_on_stop = false;
	{
		char events[256], err[ERR_LEN];

		snprintf(events, sizeof(events), "%s",
			 config_default_pf_events);
		normalise_list(events);
		if (parse_pf_events(events, cfg->postfix_weight, err,
				    sizeof(err)))
			abort(); /* the default above is wrong */
	}
	cfg->postfix_threshold = 5;
	cfg->postfix_window = 3600;
	cfg->nr_submission_services = 3;
	snprintf(cfg->submission_services[0], CONFIG_NAME_LEN, "submission");
	snprintf(cfg->submission_services[1], CONFIG_NAME_LEN, "smtps");
	snprintf(cfg->submission_services[2], CONFIG_NAME_LEN, "submissions");
	snprintf(cfg->postfix_dir, sizeof(cfg->postfix_dir), "%s",
		 CONFIG_DEFAULT_POSTFIX_DIR);
}

bool config_postfix_on(const struct config *cfg)
{
	return cfg->nr_postfix_logs > 0 || cfg->postfix_journal;
}

void config_conn_rate(const struct config *cfg, struct mxs_rate *out)
{
	/* Within the parser's bounds this cannot fail; a hand-made cfg out
	 * of them gets no limit rather than a wrong one. */
	if (settings_rate_from(cfg->ban_connections, cfg->ban_window, out))
		memset(out, 0, sizeof(*out));
}

/* --- values --------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Copy text for a message: at most QUOTE_MAX bytes, "..." when cut.
 * (report() replaces unprintable bytes in every message.)  buf holds
 * QUOTE_MAX + 4 bytes. */
static const char *quote(const char *text, size_t len, char *buf)
{
	size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;

	memcpy(buf, text, n);
	if (n < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* Lists are separated by commas and/or white space.  Rewrite text in
 * place to "a,b,c" (no empty items) for the module parsers. */
static void normalise_list(char *text)
{
	char *in = text, *out = text;

	for (;;) {
		while (*in == ',' || is_blank(*in))
			in++;
		if (!*in)
			break;
		if (out != text)
			*out++ = ',';
		while (*in && *in != ',' && !is_blank(*in))
			*out++ = *in++;
	}
	*out = '\0';
}

static int parse_int(const struct setting *s, const char *text, int *out,
		     char *err, size_t errlen)
{
	bool neg = text[0] == '-';
	uint64_t mag = 0;
	int64_t v;
	int rc;

	rc = settings_parse_uint(text + neg, 0, UINT64_MAX, &mag, NULL, 0);
	if (rc == -EINVAL || (rc == 0 && neg && mag == 0)) {
		errbuf_set(err, errlen,
			"bad number \"%s\": expected a decimal number from %lld to %lld (no leading zeros)",
			text, (long long)s->min, (long long)s->max);
		return -EINVAL;
	}
	if (rc == 0 && mag <= (uint64_t)INT32_MAX) {
		v = neg ? -(int64_t)mag : (int64_t)mag;
		if (v >= s->min && v <= s->max) {
			*out = (int)v;
			return 0;
		}
	}
	errbuf_set(err, errlen,
		"number %s is out of range: expected %lld to %lld", text,
		(long long)s->min, (long long)s->max);
	return -ERANGE;
}

static int parse_uint32(const struct setting *s, const char *text,
			uint32_t *out, char *err, size_t errlen)
{
	uint64_t v;
	int rc;

	rc = settings_parse_uint(text, (uint64_t)s->min, (uint64_t)s->max, &v,
				 err, errlen);
	if (rc == 0)
		*out = (uint32_t)v;
	return rc;
}

static int parse_duration(const struct setting *s, const char *text,
			  uint64_t *out, char *err, size_t errlen)
{
	char lo[DURATION_STRLEN], hi[DURATION_STRLEN];
	uint64_t v;
	int rc;

	rc = duration_parse(text, &v, err, errlen);
	if (rc)
		return rc;
	if (v < (uint64_t)s->min || v > (uint64_t)s->max) {
		duration_format((uint64_t)s->min, lo, sizeof(lo));
		duration_format((uint64_t)s->max, hi, sizeof(hi));
		errbuf_set(err, errlen,
			"duration \"%s\" is out of range: expected %s to %s",
			text, lo, hi);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

static int parse_bool(const char *text, bool *out, char *err, size_t errlen)
{
	if (strcmp(text, "yes") == 0) {
		*out = true;
	} else if (strcmp(text, "no") == 0) {
		*out = false;
	} else {
		errbuf_set(err, errlen, "%s%s%s: expected yes or no",
			*text ? "bad value \"" : "empty value", text,
			*text ? "\"" : "");
		return -EINVAL;
	}
	return 0;
}

#define SERVER_EXPECTED                                                        \
	"expected ADDR, ADDR:PORT, IPV6, [IPV6] or [IPV6]:PORT (e.g. 192.0.2.53:5353, [2001:db8::53])"

/* One DNS server (a list item, no separators inside) into "ADDR:PORT" or
 * "[ADDR6]:PORT". */
static int parse_server(const char *item, char *out, size_t outlen, char *err,
			size_t errlen)
{
	char q[QUOTE_MAX + 4], host[64];
	char text[ADDR_CIDR_STRLEN];
	const char *h = item, *port = NULL, *close, *colon;
	size_t hlen = strlen(item);
	struct addr_cidr a;
	uint64_t p = DNS_PORT;
	bool bracket = item[0] == '[';
	int rc, w;

	if (bracket) {
		close = strchr(item, ']');
		if (!close || (close[1] && close[1] != ':')) {
			errbuf_set(err, errlen, "bad DNS server \"%s\": %s",
				quote(item, strlen(item), q), SERVER_EXPECTED);
			return -EINVAL;
		}
		h = item + 1;
		hlen = (size_t)(close - h);
		if (close[1])
			port = close + 2;
	} else {
		colon = strchr(item, ':');
		if (colon && !strchr(colon + 1, ':')) { /* one colon: v4:port */
			hlen = (size_t)(colon - item);
			port = colon + 1;
		}
	}
	if (hlen >= sizeof(host)) {
		errbuf_set(err, errlen, "bad DNS server \"%s\": %s",
			quote(item, strlen(item), q), SERVER_EXPECTED);
		return -EINVAL;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	rc = addr_parse_ip(host, &a, NULL, 0);
	if (rc) {
		errbuf_set(err, errlen, "bad DNS server \"%s\": %s",
			quote(item, strlen(item), q), SERVER_EXPECTED);
		return rc;
	}
	/* Brackets are for IPv6 ("[::ffff:192.0.2.1]" is IPv4 afterwards). */
	if (bracket && !strchr(host, ':')) {
		errbuf_set(err, errlen,
			"bad DNS server \"%s\": brackets are only for IPv6 addresses; %s",
			quote(item, strlen(item), q), SERVER_EXPECTED);
		return -EINVAL;
	}
	if (port && settings_parse_uint(port, 1, UINT16_MAX, &p, NULL, 0)) {
		errbuf_set(err, errlen,
			"bad port in DNS server \"%s\": expected a decimal number from 1 to 65535",
			quote(item, strlen(item), q));
		return -EINVAL;
	}
	addr_format_cidr(&a, text, sizeof(text));
	if (a.family == MXS_FAMILY_V6)
		w = snprintf(out, outlen, "[%s]:%u", text, (unsigned int)p);
	else
		w = snprintf(out, outlen, "%s:%u", text, (unsigned int)p);
	if (w < 0 || (size_t)w >= outlen) { /* cannot happen: see config.h */
		errbuf_set(err, errlen, "bad DNS server \"%s\": too long",
			quote(item, strlen(item), q));
		return -EINVAL;
	}
	return 0;
}

/* text is normalised: "a,b,c" or empty (the system's resolvers). */
static int parse_servers(char *text, struct config *cfg, char *err,
			 size_t errlen)
{
	/* NUL-padded: copied whole, so that the same text always makes the
	 * same struct config */
	char server[CONFIG_SERVER_LEN] = "";
	unsigned int n = 0, i;
	char *item = text, *comma;
	int rc;

	while (*item) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		rc = parse_server(item, server, sizeof(server), err, errlen);
		if (rc)
			return rc;
		for (i = 0; i < n; i++) {
			if (strcmp(cfg->dns_server[i], server) == 0) {
				errbuf_set(err, errlen,
					"DNS server %s is listed twice; expected each server once",
					server);
				return -EINVAL;
			}
		}
		if (n >= CONFIG_MAX_DNS_SERVERS) {
			errbuf_set(err, errlen,
				"too many DNS servers: expected at most %d",
				CONFIG_MAX_DNS_SERVERS);
			return -ERANGE;
		}
		memcpy(cfg->dns_server[n++], server, sizeof(server));
		if (!comma)
			break;
		item = comma + 1;
	}
	for (i = n; i < CONFIG_MAX_DNS_SERVERS; i++)
		memset(cfg->dns_server[i], 0, sizeof(cfg->dns_server[i]));
	cfg->nr_dns_servers = n;
	return 0;
}

/* An absolute path of a file (not a directory: no trailing "/") in
 * printable ASCII, or empty for none. */
static int parse_path(const char *text, char *out, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];
	size_t len = strlen(text), i;

	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] >= 0x7f)
			break;
	if (len && (text[0] != '/' || text[len - 1] == '/' || i < len)) {
		errbuf_set(err, errlen,
			"bad path \"%s\": expected an absolute file name (starting with /, not ending with /, printable ASCII), or nothing for none",
			quote(text, len, q));
		return -EINVAL;
	}
	if (len >= CONFIG_PATH_LEN) {
		errbuf_set(err, errlen,
			"path \"%s\" is too long: expected at most %d bytes",
			quote(text, len, q), CONFIG_PATH_LEN - 1);
		return -ERANGE;
	}
	memcpy(out, text, len + 1);
	return 0;
}

/* policy_listen: Postfix's own notation, so that main.cf's
 * check_policy_service line and this one read alike.  HOST must be an
 * address (no name is resolved at start-up, when DNS may be down). */
static int parse_listen(const char *text, struct config_listen *out,
			char *err, size_t errlen)
{
	const char *orig = text;
	struct config_listen l = { .kind = CONFIG_LISTEN_OFF };
	char host[64], q[QUOTE_MAX + 4], why[128];
	const char *colon;
	size_t len = strlen(text);
	unsigned long port;
	char *end;

	if (len == 0) {
		*out = l;
		return 0;
	}
	if (strncmp(text, "unix:", 5) == 0) {
		l.kind = CONFIG_LISTEN_UNIX;
		if (!text[5] || parse_path(text + 5, l.path, err, errlen))
			goto bad;
		*out = l;
		return 0;
	}
	if (strncmp(text, "inet:", 5) != 0)
		goto bad;
	text += 5;
	colon = strrchr(text, ':');
	if (!colon || colon == text || (size_t)(colon - text) >= sizeof(host))
		goto bad;
	if (text[0] == '[') {
		if (colon[-1] != ']' || colon - text < 3)
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - text - 2),
			 text + 1);
	} else {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - text), text);
		if (strchr(host, ':'))
			goto bad; /* IPv6 without brackets: where is the port? */
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || port == 0 || port > 65535)
		goto bad;
	if (addr_parse_ip(host, &l.host, why, sizeof(why)) < 0)
		goto bad;
	l.kind = CONFIG_LISTEN_INET;
	l.port = (uint16_t)port;
	*out = l;
	return 0;
bad:
	errbuf_set(err, errlen,
		   "bad address \"%s\": expected inet:ADDRESS:PORT (an IP "
		   "address, IPv6 in brackets: inet:[::1]:10031), unix:/PATH, "
		   "or nothing for off",
		   quote(orig, len, q));
	return -EINVAL;
}

void config_listen_format(const struct config_listen *l, char *buf,
			  size_t len)
{
	char host[ADDR_CIDR_STRLEN];
	bool v6 = l->host.family == MXS_FAMILY_V6;

	if (l->kind == CONFIG_LISTEN_UNIX) {
		snprintf(buf, len, "unix:%s", l->path);
	} else if (l->kind == CONFIG_LISTEN_INET) {
		addr_format_cidr(&l->host, host, sizeof(host));
		snprintf(buf, len, "inet:%s%s%s:%u", v6 ? "[" : "", host,
			 v6 ? "]" : "", l->port);
	} else {
		snprintf(buf, len, "%s", "");
	}
}

/* text is normalised: "a,b,c" or empty.  Postfix's mynetworks syntax for
 * addresses: "192.0.2.0/24", "2001:db8::/32" or "[2001:db8::]/32";
 * Postfix's "/file" and "type:table" forms are not understood here (use
 * allowlist_files). */
static int parse_nets(char *text, struct config *cfg, char *err,
		      size_t errlen)
{
	char q[QUOTE_MAX + 4], buf[ADDR_CIDR_STRLEN + 2], why[256];
	struct addr_cidr nets[CONFIG_MAX_MYNETWORKS] = { 0 };
	unsigned int n = 0;
	char *item = text, *comma, *close;
	int rc;

	while (*item) {
		const char *p = item;

		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		if (item[0] == '[') {
			/* "[ADDR]/LEN" or "[ADDR]" into "ADDR/LEN" */
			close = strchr(item, ']');
			if (!close || (close[1] && close[1] != '/') ||
			    strlen(item) >= sizeof(buf)) {
				errbuf_set(err, errlen,
					"bad network \"%s\": expected ADDR, ADDR/LEN or [IPV6]/LEN",
					quote(item, strlen(item), q));
				return -EINVAL;
			}
			snprintf(buf, sizeof(buf), "%.*s%s",
				 (int)(close - item - 1), item + 1, close + 1);
			p = buf;
		}
		if (n >= CONFIG_MAX_MYNETWORKS) {
			errbuf_set(err, errlen,
				"too many networks: expected at most %d (put more in an allowlist_files file)",
				CONFIG_MAX_MYNETWORKS);
			return -ERANGE;
		}
		rc = addr_parse_cidr(p, &nets[n], why, sizeof(why));
		if (rc) {
			errbuf_set(err, errlen, "bad network \"%s\": %s",
				quote(item, strlen(item), q), why);
			return rc;
		}
		n++;
		if (!comma)
			break;
		item = comma + 1;
	}
	memcpy(cfg->mynetworks, nets, n * sizeof(nets[0]));
	memset(cfg->mynetworks + n, 0,
	       (CONFIG_MAX_MYNETWORKS - n) * sizeof(nets[0]));
	cfg->nr_mynetworks = n;
	return 0;
}

#define RBLDNSD_PREFIX "rbldnsd:"

/* text is normalised; each item "PATH" or "rbldnsd:PATH". */
static int parse_list_files(char *text, unsigned int *count,
			    struct config_list_file *files, char *err,
			    size_t errlen)
{
	struct config_list_file got[CONFIG_MAX_LIST_FILES];
	size_t plen = strlen(RBLDNSD_PREFIX);
	unsigned int n = 0, i;
	char *item = text, *comma;
	int rc;

	memset(got, 0, sizeof(got));
	while (*item) {
		const char *path = item;
		uint8_t format = LISTFILE_PLAIN;

		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		if (strncmp(item, RBLDNSD_PREFIX, plen) == 0) {
			path = item + plen;
			format = LISTFILE_RBLDNSD;
		}
		if (n >= CONFIG_MAX_LIST_FILES) {
			errbuf_set(err, errlen,
				"too many files: expected at most %d",
				CONFIG_MAX_LIST_FILES);
			return -ERANGE;
		}
		if (!*path) {
			errbuf_set(err, errlen,
				"missing path after \"%s\"; expected PATH or rbldnsd:PATH",
				RBLDNSD_PREFIX);
			return -EINVAL;
		}
		rc = parse_path(path, got[n].path, err, errlen);
		if (rc)
			return rc;
		for (i = 0; i < n; i++) {
			if (strcmp(got[i].path, got[n].path) == 0) {
				errbuf_set(err, errlen,
					"file %s is listed twice; expected each file once",
					got[n].path);
				return -EINVAL;
			}
		}
		got[n++].format = format;
		if (!comma)
			break;
		item = comma + 1;
	}
	memcpy(files, got, sizeof(got));
	*count = n;
	return 0;
}

/* text is normalised: reason names ("manual, list, dnsbl, rate, file"),
 * or empty for none. */
static int parse_reasons(char *text, uint8_t *out, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];
	uint8_t bits = 0;
	char *item = text, *comma;
	unsigned int r;

	while (*item) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		for (r = MXS_REASON_MANUAL; r < MXS_NR_REASONS; r++)
			if (strcmp(item, settings_reason_name(r)) == 0)
				break;
		if (r == MXS_NR_REASONS) {
			errbuf_set(err, errlen,
				"unknown reason \"%s\": expected manual, list, dnsbl, rate, file or postfix",
				quote(item, strlen(item), q));
			return -EINVAL;
		}
		bits |= (uint8_t)(1u << r);
		if (!comma)
			break;
		item = comma + 1;
	}
	*out = bits;
	return 0;
}

/* A name for other hosts to read (the fleet export's TXT records): 1 to
 * CONFIG_NAME_LEN - 1 letters, digits, '.', '-' and '_' (rbldnsd would
 * replace a '$' with the address looked up), or empty for the host name. */
static int parse_name(const char *text, char *out, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];
	size_t len = strlen(text), i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
			break;
	}
	if (i < len || len >= CONFIG_NAME_LEN) {
		errbuf_set(err, errlen,
			"bad name \"%s\": expected 1 to %d letters, digits, '.', '-' or '_' (such as mx1.example.org), or nothing for the host name",
			quote(text, len, q), CONFIG_NAME_LEN - 1);
		return -EINVAL;
	}
	memset(out, 0, CONFIG_NAME_LEN);
	memcpy(out, text, len + 1);
	return 0;
}

/* text is normalised: interface names as ip-link(8) accepts them. */
static int parse_ifaces(char *text, struct config *cfg, char *err,
			size_t errlen)
{
	char q[QUOTE_MAX + 4];
	char names[CONFIG_MAX_INTERFACES][CONFIG_IFNAME_LEN];
	unsigned int n = 0, i;
	char *item = text, *comma;
	size_t len, j;

	memset(names, 0, sizeof(names));
	while (*item) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		len = strlen(item);
		for (j = 0; j < len; j++)
			if (item[j] == '/' || item[j] == ':' ||
			    (unsigned char)item[j] <= 0x20 ||
			    (unsigned char)item[j] >= 0x7f)
				break;
		if (len >= CONFIG_IFNAME_LEN || j < len ||
		    strcmp(item, ".") == 0 || strcmp(item, "..") == 0) {
			errbuf_set(err, errlen,
				"bad interface name \"%s\": expected a name of 1 to %d printable characters without / or :",
				quote(item, len, q), CONFIG_IFNAME_LEN - 1);
			return -EINVAL;
		}
		if (n >= CONFIG_MAX_INTERFACES) {
			errbuf_set(err, errlen,
				"too many interfaces: expected at most %d",
				CONFIG_MAX_INTERFACES);
			return -ERANGE;
		}
		for (i = 0; i < n; i++) {
			if (strcmp(names[i], item) == 0) {
				errbuf_set(err, errlen,
					"interface %s is listed twice; expected each interface once",
					item);
				return -EINVAL;
			}
		}
		memcpy(names[n++], item, len + 1);
		if (!comma)
			break;
		item = comma + 1;
	}
	memcpy(cfg->interfaces, names, sizeof(names));
	cfg->nr_interfaces = n;
	return 0;
}

/* text is normalised: "journal" and/or absolute paths of log files. */
static int parse_pf_logs(char *text, struct config *cfg, char *err,
			 size_t errlen)
{
	char paths[CONFIG_MAX_POSTFIX_LOGS][CONFIG_PATH_LEN];
	unsigned int n = 0;
	bool journal = false;
	char *item = text, *comma;
	int rc;

	memset(paths, 0, sizeof(paths));
	while (*item) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		if (strcmp(item, "journal") == 0) {
			journal = true;
		} else if (n >= CONFIG_MAX_POSTFIX_LOGS) {
			errbuf_set(err, errlen,
				"too many files: expected at most %d",
				CONFIG_MAX_POSTFIX_LOGS);
			return -ERANGE;
		} else {
			rc = parse_path(item, paths[n], err, errlen);
			if (rc == -EINVAL)
				errbuf_set(err, errlen,
					"bad log \"%s\": expected journal, or the absolute path of a file Postfix logs to (such as /var/log/mail.log)",
					item);
			if (rc)
				return rc;
			for (unsigned int i = 0; i < n; i++)
				if (strcmp(paths[i], paths[n]) == 0) {
					errbuf_set(err, errlen,
						"file %s is listed twice; expected each file once",
						paths[n]);
					return -EINVAL;
				}
			n++;
		}
		if (!comma)
			break;
		item = comma + 1;
	}
	memcpy(cfg->postfix_log, paths, sizeof(paths));
	cfg->nr_postfix_logs = n;
	cfg->postfix_journal = journal;
	return 0;
}

/* text is normalised: "event*weight" items, postscreen_dnsbl_sites style
 * (no weight: 1); an event not named is off. */
static int parse_pf_events(char *text, uint32_t *out, char *err,
			   size_t errlen)
{
	uint32_t w[CONFIG_PF_EVENTS] = { 0 };
	char q[QUOTE_MAX + 4];
	char *item = text, *comma;

	while (*item) {
		char *star, *end;
		unsigned long v = 1;
		enum pflog_event ev;

		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		star = strchr(item, '*');
		ev = pflog_event_by_name(item, star ? (size_t)(star - item)
						    : strlen(item));
		if (ev == PFLOG_NONE) {
			char names[256];
			size_t used = 0;

			names[0] = '\0';
			for (int e = PFLOG_NONE + 1; e < PFLOG_NR_EVENTS; e++)
				used += (size_t)snprintf(
					names + used, sizeof(names) - used,
					"%s%s", e > 1 ? ", " : "",
					pflog_event_name((enum pflog_event)e));
			errbuf_set(err, errlen,
				"unknown event \"%s\": expected EVENT or EVENT*WEIGHT, EVENT one of %s",
				quote(item, strlen(item), q), names);
			return -EINVAL;
		}
		if (star) {
			errno = 0;
			v = strtoul(star + 1, &end, 10);
			if (!star[1] || *end || errno || v > 1000 ||
			    star[1] == '-' || star[1] == '+') {
				errbuf_set(err, errlen,
					"bad weight in \"%s\": expected a whole number from 0 to 1000",
					quote(item, strlen(item), q));
				return -EINVAL;
			}
		}
		w[ev] = (uint32_t)v;
		if (!comma)
			break;
		item = comma + 1;
	}
	memcpy(out, w, sizeof(w));
	return 0;
}

/* text is normalised: Postfix service names (master.cf's first column,
 * the SUFFIX of syslog_name=postfix/SUFFIX). */
static int parse_services(char *text, struct config *cfg, char *err,
			  size_t errlen)
{
	char names[CONFIG_MAX_SERVICES][CONFIG_NAME_LEN];
	unsigned int n = 0;
	char *item = text, *comma;
	int rc;

	memset(names, 0, sizeof(names));
	while (*item) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		if (n >= CONFIG_MAX_SERVICES) {
			errbuf_set(err, errlen,
				"too many services: expected at most %d",
				CONFIG_MAX_SERVICES);
			return -ERANGE;
		}
		rc = parse_name(item, names[n], err, errlen);
		if (rc)
			return rc;
		n++;
		if (!comma)
			break;
		item = comma + 1;
	}
	memcpy(cfg->submission_services, names, sizeof(names));
	cfg->nr_submission_services = n;
	return 0;
}

/* Parse value (mutable, trimmed, maybe empty) into the setting's field of
 * cfg.  Only lists may be empty. */
static int parse_value(const struct setting *s, char *value,
		       struct config *cfg, char *err, size_t errlen)
{
	void *field = (char *)cfg + s->offset;

	switch (s->kind) {
	case KIND_INT:
	case KIND_UINT32:
		if (!*value) {
			errbuf_set(err, errlen,
				"empty value: expected a decimal number from %lld to %lld",
				(long long)s->min, (long long)s->max);
			return -EINVAL;
		}
		return s->kind == KIND_INT ?
			       parse_int(s, value, field, err, errlen) :
			       parse_uint32(s, value, field, err, errlen);
	case KIND_DURATION:
		return parse_duration(s, value, field, err, errlen);
	case KIND_BOOL:
		return parse_bool(value, field, err, errlen);
	case KIND_SITES:
		return dnsbl_sites_parse(value, field, err, errlen);
	case KIND_SERVERS:
		normalise_list(value);
		return parse_servers(value, cfg, err, errlen);
	case KIND_CLASSES:
		normalise_list(value);
		return settings_parse_classes(value, field, err, errlen);
	case KIND_RATE:
		return settings_parse_rate(value, field, err, errlen);
	case KIND_PREFIX_V6:
		return settings_parse_prefix_v6(value, field, err, errlen);
	case KIND_PATH:
		return parse_path(value, field, err, errlen);
	case KIND_LISTEN:
		return parse_listen(value, field, err, errlen);
	case KIND_NETS:
		normalise_list(value);
		return parse_nets(value, cfg, err, errlen);
	case KIND_LIST_FILES:
		normalise_list(value);
		if (s->offset == FIELD(nr_blocklist_files))
			return parse_list_files(value, &cfg->nr_blocklist_files,
						cfg->blocklist_files, err,
						errlen);
		return parse_list_files(value, &cfg->nr_allowlist_files,
					cfg->allowlist_files, err, errlen);
	case KIND_REASONS:
		normalise_list(value);
		return parse_reasons(value, field, err, errlen);
	case KIND_IFACES:
		normalise_list(value);
		return parse_ifaces(value, cfg, err, errlen);
	case KIND_NAME:
		return parse_name(value, field, err, errlen);
	case KIND_PF_LOGS:
		normalise_list(value);
		return parse_pf_logs(value, cfg, err, errlen);
	case KIND_PF_EVENTS:
		normalise_list(value);
		return parse_pf_events(value, field, err, errlen);
	case KIND_SERVICES:
		normalise_list(value);
		return parse_services(value, cfg, err, errlen);
	case KIND_MODE: {
		enum settings_mode mode;
		int rc = settings_parse_mode(value, &mode, err, errlen);

		if (rc == 0)
			*(uint8_t *)field = (uint8_t)mode;
		return rc;
	}
	}
	return -EINVAL;
}

/* --- names ---------------------------------------------------------------- */

static int find_setting(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NR_SETTINGS; i++)
		if (strlen(config_settings[i].name) == len &&
		    memcmp(config_settings[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of neighbours cost 1.  Both lengths at most SUGGEST_MAX. */
static unsigned int edit_distance(const char *a, size_t n, const char *b,
				  size_t m)
{
	unsigned int d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
	size_t i, j;

	for (i = 0; i <= n; i++)
		d[i][0] = (unsigned int)i;
	for (j = 0; j <= m; j++)
		d[0][j] = (unsigned int)j;
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			unsigned int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

/* Whether s (len bytes) is "SOMETHING_" followed by word: the name
 * "postscreen_dnsbl_sites" ends in the word "dnsbl_sites". */
static bool ends_with_word(const char *s, size_t len, const char *word,
			   size_t wlen)
{
	return len > wlen && s[len - wlen - 1] == '_' &&
	       memcmp(s + len - wlen, word, wlen) == 0;
}

/* The known name an unknown (or badly spelled) one probably means, or
 * NULL: within two edits, ignoring case and "-" for "_" ("dnsbl_site",
 * "DNSBL_SITES", "dnsbl-sites"), or one word short or long at the front
 * ("timeout", "postscreen_dnsbl_threshold"). */
static const char *suggest(const char *name, size_t len)
{
	char lower[SUGGEST_MAX];
	unsigned int best_d = 3, d;
	const char *best = NULL;
	size_t i, klen;

	if (len > SUGGEST_MAX)
		return NULL;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '-')
			c = '_';
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		lower[i] = c;
	}
	for (i = 0; i < NR_SETTINGS; i++) {
		const char *k = config_settings[i].name;

		klen = strlen(k);
		/* the distance is at least the difference in length: skip
		 * what cannot beat best_d (a file of junk lines is otherwise
		 * slow to report) */
		if ((len > klen ? len - klen : klen - len) >= best_d)
			continue;
		d = edit_distance(lower, len, k, klen);
		if (d < best_d) {
			best_d = d;
			best = k;
		}
	}
	if (best)
		return best;
	for (i = 0; i < NR_SETTINGS; i++) {
		const char *k = config_settings[i].name;

		klen = strlen(k);
		if (len >= 4 && (ends_with_word(k, klen, lower, len) ||
				 ends_with_word(lower, len, k, klen)))
			return k;
	}
	return NULL;
}

/* --- lines ---------------------------------------------------------------- */

struct parser {
	const char *file;
	config_error_fn on_error;
	void *ctx;
	unsigned int errors;
	struct config cfg;
	/* Last logical line of each setting (0: not in the file), and
	 * whether that last value was bad. */
	unsigned long line[NR_SETTINGS];
	bool bad[NR_SETTINGS];
	/* The logical line being gathered. */
	char *buf;
	size_t len, cap;
	unsigned long start; /* its first physical line; 0: none yet */
	bool discard;        /* already reported as a whole */
};

static void report(struct parser *p, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE:LINE: message" (LINE 0: "FILE: message"), every byte that is not
 * printable ASCII as '?': file text ends up in logs and terminals. */
static void report(struct parser *p, unsigned long line, const char *fmt, ...)
{
	char msg[MSG_LEN];
	va_list ap;
	size_t n, i;

	p->errors++;
	if (!p->on_error)
		return;
	if (line)
		snprintf(msg, sizeof(msg), "%s:%lu: ", p->file, line);
	else
		snprintf(msg, sizeof(msg), "%s: ", p->file);
	n = strlen(msg);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	for (i = 0; msg[i]; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c < 0x20 || c >= 0x7f)
			msg[i] = '?';
	}
	p->on_error(msg, p->ctx);
}

/* A setting name is [a-z0-9_]+. */
static bool good_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return false;
	return len > 0;
}

static void report_unknown(struct parser *p, unsigned long line,
			   const char *name, size_t len, bool bad_name)
{
	const char *hint = suggest(name, len);
	char q[QUOTE_MAX + 4], all[512];
	size_t pos = 0, i;

	if (hint) {
		report(p, line, "%s setting%s \"%s\"; did you mean %s?",
		       bad_name ? "bad" : "unknown", bad_name ? " name" : "",
		       quote(name, len, q), hint);
		return;
	}
	if (bad_name) {
		report(p, line,
		       "bad setting name \"%s\"; expected name = value, the name of lower-case letters, digits and _",
		       quote(name, len, q));
		return;
	}
	all[0] = '\0';
	for (i = 0; i < NR_SETTINGS && pos < sizeof(all); i++)
		pos += (size_t)snprintf(all + pos, sizeof(all) - pos, "%s%s",
					i ? ", " : "", config_settings[i].name);
	report(p, line, "unknown setting \"%s\"; expected one of %s",
	       quote(name, len, q), all);
}

/* One logical line: "name = value", text starts non-blank and has no
 * trailing white space. */
static void parse_line(struct parser *p, char *text, unsigned long line)
{
	char err[ERR_LEN];
	size_t nlen = 0;
	char *v;
	int i, rc;

	while (text[nlen] && text[nlen] != '=' && !is_blank(text[nlen]))
		nlen++;
	if (nlen == 0) {
		report(p, line,
		       "missing setting name before \"=\"; expected name = value");
		return;
	}
	if (!good_name(text, nlen)) {
		report_unknown(p, line, text, nlen, true);
		return;
	}
	v = text + nlen;
	while (is_blank(*v))
		v++;
	if (*v != '=') {
		report(p, line, "missing \"=\" after \"%.*s\"; expected %.*s = value",
		       (int)nlen, text, (int)nlen, text);
		return;
	}
	v++;
	while (is_blank(*v))
		v++;
	i = find_setting(text, nlen);
	if (i < 0) {
		report_unknown(p, line, text, nlen, false);
		return;
	}
	err[0] = '\0';
	rc = parse_value(&config_settings[i], v, &p->cfg, err, sizeof(err));
	p->line[i] = line;
	p->bad[i] = rc != 0;
	if (rc)
		report(p, line, "%s: %s", config_settings[i].name, err);
}

/* Seconds as duration_format() has them when that is exact ("1h30m"),
 * else in seconds ("3601s"). */
static void format_exact(uint64_t seconds, char *buf, size_t len)
{
	uint64_t back;

	duration_format(seconds, buf, len);
	if (duration_parse(buf, &back, NULL, 0) || back != seconds)
		snprintf(buf, len, "%llus", (unsigned long long)seconds);
}

/* Settings a and b, both KIND_DURATION: a <= b, unless either is bad. */
static void check_not_longer(struct parser *p, int a, int b)
{
	char lo[DURATION_STRLEN], hi[DURATION_STRLEN];
	const struct setting *sa = &config_settings[a];
	const struct setting *sb = &config_settings[b];
	const char *na = sa->name, *nb = sb->name;
	uint64_t va, vb;
	unsigned long line;

	if (p->bad[a] || p->bad[b])
		return;
	memcpy(&va, (const char *)&p->cfg + sa->offset, sizeof(va));
	memcpy(&vb, (const char *)&p->cfg + sb->offset, sizeof(vb));
	if (va <= vb)
		return;
	line = p->line[a] > p->line[b] ? p->line[a] : p->line[b];
	format_exact(va, lo, sizeof(lo));
	format_exact(vb, hi, sizeof(hi));
	report(p, line, "%s (%s) is longer than %s (%s); expected %s <= %s",
	       na, lo, nb, hi, na, nb);
}

/* Checks between settings, on good values only. */
static void cross_check(struct parser *p)
{
	check_not_longer(p, S_MIN_TTL, S_MAX_TTL);
	check_not_longer(p, S_BAN_TIME, S_BAN_TIME_MAX);
	/* a login's networks are remembered in a fixed array */
	if (!p->bad[S_ACCOUNT_CLIENTS] &&
	    p->cfg.account_clients.burst > ACCOUNT_CLIENT_LIMIT_MAX)
		report(p, p->line[S_ACCOUNT_CLIENTS],
		       "account_client_limit: %u networks is too many; "
		       "expected at most %d (or 0 for off)",
		       p->cfg.account_clients.burst, ACCOUNT_CLIENT_LIMIT_MAX);
}

/* Append len bytes of text to the logical line, after sep when not empty. */
static int append(struct parser *p, const char *text, size_t len, bool sep)
{
	size_t need = p->len + sep + len + 1;

	if (need > p->cap) {
		size_t cap = p->cap ? p->cap : 256;
		char *b;

		while (cap < need)
			cap *= 2;
		b = realloc(p->buf, cap);
		if (!b)
			return -ENOMEM;
		p->buf = b;
		p->cap = cap;
	}
	if (sep)
		p->buf[p->len++] = ' ';
	memcpy(p->buf + p->len, text, len);
	p->len += len;
	p->buf[p->len] = '\0';
	return 0;
}

/* The logical line gathered so far is complete. */
static void flush(struct parser *p)
{
	if (p->len && !p->discard)
		parse_line(p, p->buf, p->start);
	p->len = 0;
	p->discard = false;
}

/* One physical line (len bytes, newline removed, may hold NUL bytes). */
static int take_line(struct parser *p, char *text, size_t len,
		     unsigned long lineno)
{
	bool cont = len && is_blank(text[0]);
	size_t i = 0;

	if (memchr(text, '\0', len)) {
		report(p, lineno, "line contains a NUL byte; expected text");
		if (!cont || !p->start) {
			flush(p);
			p->start = lineno;
		}
		p->discard = true;
		return 0;
	}
	while (i < len && is_blank(text[i]))
		i++;
	if (i == len || text[i] == '#')
		return 0; /* blank or comment: changes nothing */
	while (is_blank(text[len - 1]))
		len--;
	if (cont) {
		if (!p->start) {
			report(p, lineno,
			       "line starts with white space, but there is no setting before it to continue; expected name = value at the start of the line");
			p->start = lineno;
			p->discard = true;
			return 0;
		}
		return append(p, text + i, len - i, p->len > 0);
	}
	flush(p);
	p->start = lineno;
	return append(p, text, len, false);
}

int config_parse_stream(FILE *in, const char *name, struct config *out,
			config_error_fn on_error, void *ctx)
{
	struct parser *p;
	unsigned long lineno = 0;
	char *line = NULL, *text;
	size_t cap = 0, len;
	ssize_t n;
	int rc = 0;

	if (!in || !out)
		return -EINVAL;
	/* struct config is large (the DNSBL sites): not on the stack. */
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->file = name ? name : "(config)";
	p->on_error = on_error;
	p->ctx = ctx;
	config_defaults(&p->cfg);
	for (;;) {
		errno = 0;
		n = getline(&line, &cap, in);
		if (n < 0)
			break;
		lineno++;
		text = line;
		len = (size_t)n;
		if (lineno == 1 && len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
			text += 3;
			len -= 3;
		}
		if (len && text[len - 1] == '\n')
			len--;
		if (len && text[len - 1] == '\r')
			len--;
		rc = take_line(p, text, len, lineno);
		if (rc) {
			report(p, lineno, "out of memory");
			goto out;
		}
	}
	/* getline() returns -1 at the end and on errors alike. */
	if (ferror(in) || !feof(in)) {
		rc = errno ? -errno : -EIO;
		report(p, 0, "cannot read: %s", strerror(-rc));
		goto out;
	}
	flush(p);
	cross_check(p);
	/* an explicit state_file, even the default text or empty, is the
	 * admin's: config_apply_pin_path() leaves it alone */
	p->cfg.state_file_set = p->line[S_STATE_FILE] != 0;
	if (p->errors)
		rc = -EINVAL;
	else
		*out = p->cfg;
out:
	free(line);
	free(p->buf);
	free(p);
	return rc;
}

int config_parse_file(const char *path, struct config *out,
		      config_error_fn on_error, void *ctx)
{
	char msg[MSG_LEN];
	FILE *f;
	int rc;

	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		if (on_error) {
			snprintf(msg, sizeof(msg), "%s: cannot open: %s", path,
				 strerror(-rc));
			on_error(msg, ctx);
		}
		return rc;
	}
	rc = config_parse_stream(f, path, out, on_error, ctx);
	fclose(f);
	return rc;
}

/* Whether c is written as it is in a state file name. */
static bool state_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int config_apply_pin_path(struct config *cfg, const char *pin_path,
			  char *err, size_t errlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t plen = strlen(CONFIG_STATE_PIN_PREFIX), len, pos, i;
	char name[CONFIG_PATH_LEN];

	if (cfg->state_file_set)
		return 0;
	if (!pin_path)
		pin_path = MXS_PIN_PATH_DEFAULT;
	/* "/sys/fs/bpf/mxscreen/" is the same directory as the default */
	len = strlen(pin_path);
	while (len > 1 && pin_path[len - 1] == '/')
		len--;
	if (len == strlen(MXS_PIN_PATH_DEFAULT) &&
	    memcmp(pin_path, MXS_PIN_PATH_DEFAULT, len) == 0) {
		snprintf(cfg->state_file, sizeof(cfg->state_file), "%s",
			 CONFIG_DEFAULT_STATE_FILE);
		return 0;
	}
	i = len > plen && memcmp(pin_path, CONFIG_STATE_PIN_PREFIX, plen) == 0 ?
		    plen :
		    0;
	pos = (size_t)snprintf(name, sizeof(name), "%s.",
			       CONFIG_DEFAULT_STATE_FILE);
	for (; i < len; i++) {
		unsigned char c = (unsigned char)pin_path[i];

		if (pos + (state_name_char((char)c) ? 1 : 3) >= sizeof(name)) {
			errbuf_set(err, errlen,
				"the default state file for pin path \"%.*s\" would be longer than %d bytes; set state_file (an absolute file name, or nothing for none)",
				(int)len, pin_path, CONFIG_PATH_LEN - 1);
			return -ENAMETOOLONG;
		}
		if (state_name_char((char)c)) {
			name[pos++] = (char)c;
		} else {
			name[pos++] = '%';
			name[pos++] = hex[c >> 4];
			name[pos++] = hex[c & 0xf];
		}
	}
	name[pos] = '\0';
	memcpy(cfg->state_file, name, pos + 1);
	return 0;
}

void config_format_servers(const struct config *cfg, char *buf, size_t len)
{
	unsigned int i, n = cfg->nr_dns_servers;
	size_t pos = 0, w;

	if (!buf || !len)
		return;
	buf[0] = '\0';
	if (n > CONFIG_MAX_DNS_SERVERS)
		n = CONFIG_MAX_DNS_SERVERS;
	for (i = 0; i < n; i++) {
		const char *s = cfg->dns_server[i];

		w = strnlen(s, CONFIG_SERVER_LEN) + (i > 0);
		if (pos + w >= len)
			break; /* whole servers only: never a cut address */
		snprintf(buf + pos, len - pos, "%s%.*s", i ? "," : "",
			 CONFIG_SERVER_LEN, s);
		pos += w;
	}
}
