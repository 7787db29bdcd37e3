/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * config.h - mxscreend's configuration file, /etc/mxscreen/mxscreen.conf,
 * in Postfix main.cf style:
 *   - "name = value"; white space around "=" is optional;
 *   - a line that starts with white space continues the previous one;
 *   - empty lines and lines whose first non-blank character is "#" are
 *     ignored ("#" later in a line is part of the value, as in main.cf);
 *   - a name given twice: the last one wins, as in Postfix.
 * Durations are Postfix-style (duration.h), booleans "yes"/"no", lists
 * are separated by commas and/or white space, rates "N/DURATION" or "0"
 * for off (settings.h).
 *
 * The settings (default in brackets):
 *   DNSBL lookups of sources that completed a handshake:
 *     dnsbl_sites [none], dnsbl_threshold [1],
 *     dnsbl_allowlist_threshold [0 = off], dnsbl_min_ttl [1m],
 *     dnsbl_max_ttl [1h], dnsbl_timeout [10s], dns_servers [resolv.conf],
 *     dnsbl_classes [mx], max_lookups_in_flight [1000],
 *     max_lookups_per_second [2000], observe [no];
 *   SYN rate limits in XDP, per source and port class:
 *     rate_limit_mx [60/60s], rate_limit_submission [0 = off],
 *     rate_prefix_v6 [64: IPv6 sources counted per /64];
 *   rate bans, for completed connections per source and class:
 *     ban_connections [0 = off] per ban_window [1m] is an offence; the
 *     first ban lasts ban_time [10m], each further offence twice the last
 *     ban up to ban_time_max [1d]; offences are forgotten after
 *     ban_memory [1d];
 *   kept across restarts (state.h):
 *     state_file [/var/lib/mxscreen/state for the default pin path, else
 *     one per pin path: config_apply_pin_path(); empty = none], written
 *     every state_interval [1m] and at shutdown;
 *   static lists, entries of reason "file" (listsync.h):
 *     mynetworks [none] (always allowed), blocklist_files [none],
 *     allowlist_files [none]; re-read on SIGHUP and when they change;
 *   fleet sharing (export.h):
 *     export_file [none], an rbldnsd data file of this host's verdicts of
 *     export_reasons [manual, rate], written every export_interval [1m]
 *     under export_name [the host name];
 *   monitoring: prometheus_file [none], written every
 *     prometheus_interval [15s];
 *   interfaces [none] to attach at start in xdp_mode [auto], detached at
 *     stop when detach_on_stop [no];
 *   Postfix's own verdicts (pflog.h): postfix_log [none: off] (files, or
 *     "journal"), postfix_events [pregreet*5, non_smtp*5, bare_newline*5,
 *     pipelining*5, command_limit*5, dnsbl*5, rbl_reject*5,
 *     sasl_failure*1, unknown_recipient*1, relay_denied*1] summed per
 *     source over postfix_window [1h]; at postfix_threshold [5] a ban
 *     (ban_time, escalating); services of postfix_submission_services
 *     [submission, smtps, submissions] ban for the submission class;
 *     journal entries count from programs in postfix_daemon_directory
 *     [/usr/lib/postfix/sbin];
 *   close_connections [yes]: a block entry the daemon writes also ends
 *     the source's open connections to the ports of its classes;
 *   the policy service for Postfix (daemon_policy.h): policy_listen
 *     [none: off; inet:HOST:PORT or unix:PATH], per SASL login
 *     account_recipient_limit [1000/1d], account_message_limit [200/1h],
 *     account_client_limit [5/1h] (distinct client networks; a login
 *     over it is held for account_hold_time [1d] and its clients banned
 *     for submission).
 *
 * Contract: every problem is reported through the error callback as
 * "FILE:LINE: what is wrong; what was expected", all of them, not only the
 * first; the parse then fails and *out is left untouched, so a reload can
 * keep the running configuration.
 */
#ifndef MXS_CONFIG_H
#define MXS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dnsbl_sites.h"
#include "lib/addr.h"
#include "lib/listfile.h"
#include "lib/settings.h"

#define CONFIG_DEFAULT_PATH "/etc/mxscreen/mxscreen.conf"
#define CONFIG_DEFAULT_STATE_FILE "/var/lib/mxscreen/state"
/* Longest state_file path, NUL included. */
#define CONFIG_PATH_LEN 256

/* Where the policy service listens, Postfix style: "inet:HOST:PORT"
 * (HOST an address literal, IPv6 in brackets) or "unix:/PATH". */
enum config_listen_kind {
	CONFIG_LISTEN_OFF = 0,
	CONFIG_LISTEN_INET = 1,
	CONFIG_LISTEN_UNIX = 2,
};
struct config_listen {
	uint8_t kind;          /* enum config_listen_kind */
	uint16_t port;         /* inet */
	struct addr_cidr host; /* inet: the address, a host prefix */
	char path[CONFIG_PATH_LEN]; /* unix */
};
#define CONFIG_MAX_DNS_SERVERS 8
/* "[ffff:...:ffff]:65535" fits */
#define CONFIG_SERVER_LEN 48
/* export_name: a host name, NUL included */
#define CONFIG_NAME_LEN 64
#define CONFIG_MAX_MYNETWORKS 256
#define CONFIG_MAX_LIST_FILES 16
#define CONFIG_MAX_INTERFACES 16
/* IFNAMSIZ, NUL included */
#define CONFIG_IFNAME_LEN 16
#define CONFIG_MAX_POSTFIX_LOGS 8
#define CONFIG_MAX_SERVICES 8
/* postfix_events: one weight per enum pflog_event (pflog_event.h) */
#define CONFIG_PF_EVENTS 12
#define CONFIG_DEFAULT_POSTFIX_DIR "/usr/lib/postfix/sbin"

/* One of blocklist_files or allowlist_files: "PATH" (one address or
 * prefix per line, Spamhaus DROP/EDROP included) or "rbldnsd:PATH" (an
 * rbldnsd ip4set, ip4trie, ip6trie or ip6tset data file). */
struct config_list_file {
	char path[CONFIG_PATH_LEN];
	uint8_t format; /* enum listfile_format */
};

/* Durations are in seconds. */
struct config {
	struct dnsbl_sites sites;         /* dnsbl_sites (default: none) */
	int threshold;                    /* dnsbl_threshold (1) */
	int allowlist_threshold;          /* dnsbl_allowlist_threshold (0 = off;
					   * negative: score <= it -> allow) */
	uint64_t min_ttl;                 /* dnsbl_min_ttl (60s) */
	uint64_t max_ttl;                 /* dnsbl_max_ttl (1h) */
	uint64_t timeout;                 /* dnsbl_timeout (10s) */
	unsigned int nr_dns_servers;      /* dns_servers (default: none =
					   * the system's resolv.conf) */
	char dns_server[CONFIG_MAX_DNS_SERVERS][CONFIG_SERVER_LEN];
					  /* normalised "ADDR:PORT" or
					   * "[ADDR6]:PORT", port default 53 */
	uint8_t classes;                  /* dnsbl_classes (mx) */
	uint32_t max_in_flight;           /* max_lookups_in_flight (1000) */
	uint32_t max_per_second;          /* max_lookups_per_second (2000) */
	bool observe;                     /* observe (no): log, write nothing */
	bool close_connections;           /* (yes): a ban ends the source's
					   * open connections (sockclose.h) */
	struct mxs_rate rate_mx;          /* rate_limit_mx (60/60s) */
	struct mxs_rate rate_submission;  /* rate_limit_submission (0 = off) */
	uint32_t rate_prefix_v6;          /* rate_prefix_v6 (64), 48..128 */
	uint32_t ban_connections;         /* ban_connections (0 = off),
					   * 0..1000000 */
	uint64_t ban_window;              /* ban_window (1m), 1s..1d */
	uint64_t ban_time;                /* ban_time (10m), 1s..30d,
					   * <= ban_time_max */
	uint64_t ban_time_max;            /* ban_time_max (1d), 1s..365d */
	uint64_t ban_memory;              /* ban_memory (1d), 1s..365d */
	char state_file[CONFIG_PATH_LEN]; /* state_file (/var/lib/mxscreen/
					   * state), absolute; "" = none */
	bool state_file_set;              /* state_file was in the file (even
					   * as its default text, or empty):
					   * config_apply_pin_path() keeps it */
	uint64_t state_interval;          /* state_interval (1m), 1s..1d */
	unsigned int nr_mynetworks;       /* mynetworks (none) */
	struct addr_cidr mynetworks[CONFIG_MAX_MYNETWORKS];
	unsigned int nr_blocklist_files;  /* blocklist_files (none) */
	struct config_list_file blocklist_files[CONFIG_MAX_LIST_FILES];
	unsigned int nr_allowlist_files;  /* allowlist_files (none) */
	struct config_list_file allowlist_files[CONFIG_MAX_LIST_FILES];
	char export_file[CONFIG_PATH_LEN]; /* export_file ("" = none) */
	uint64_t export_interval;         /* export_interval (1m), 1s..1d */
	uint8_t export_reasons;           /* export_reasons (manual, rate):
					   * bit (1 << enum mxs_reason) */
	char export_name[CONFIG_NAME_LEN]; /* export_name ("" = the host
					   * name): letters, digits, . - _ */
	char prometheus_file[CONFIG_PATH_LEN]; /* prometheus_file ("") */
	uint64_t prometheus_interval;     /* prometheus_interval (15s),
					   * 1s..1h */
	unsigned int nr_interfaces;       /* interfaces (none) */
	char interfaces[CONFIG_MAX_INTERFACES][CONFIG_IFNAME_LEN];
	uint8_t xdp_mode;                 /* xdp_mode (auto): enum
					   * settings_mode */
	bool detach_on_stop;              /* detach_on_stop (no) */
	unsigned int nr_postfix_logs;     /* postfix_log (none): files */
	char postfix_log[CONFIG_MAX_POSTFIX_LOGS][CONFIG_PATH_LEN];
	bool postfix_journal;             /* postfix_log lists "journal" */
	uint32_t postfix_weight[CONFIG_PF_EVENTS]; /* postfix_events, by
					   * enum pflog_event; 0 = off */
	uint32_t postfix_threshold;       /* postfix_threshold (5), 1..100000 */
	uint64_t postfix_window;          /* postfix_window (1h), 1m..7d */
	unsigned int nr_submission_services; /* postfix_submission_services */
	char submission_services[CONFIG_MAX_SERVICES][CONFIG_NAME_LEN];
	char postfix_dir[CONFIG_PATH_LEN]; /* postfix_daemon_directory */
	/* the policy service (daemon_policy.h) */
	struct config_listen policy_listen; /* policy_listen (off) */
	struct mxs_rate account_rcpt;    /* account_recipient_limit (1000/1d) */
	struct mxs_rate account_msg;     /* account_message_limit (200/1h) */
	struct mxs_rate account_clients; /* account_client_limit (5/1h) */
	uint64_t account_hold_time;      /* account_hold_time (1d), seconds */
};

/* policy_listen as written: "inet:192.0.2.1:10031", "inet:[::1]:10031",
 * "unix:/PATH", or "" when off. */
void config_listen_format(const struct config_listen *l, char *buf,
			  size_t len);

/* Called once per problem with "FILE:LINE: message". */
typedef void (*config_error_fn)(const char *message, void *ctx);

void config_defaults(struct config *cfg);

/* Parse a stream (name is used in messages).  Settings not in the file
 * keep their defaults.  Returns 0, or -EINVAL after reporting every
 * problem (then *out is unchanged). */
int config_parse_stream(FILE *in, const char *name, struct config *out,
			config_error_fn on_error, void *ctx);

/* Open and parse a file; a file that cannot be opened is reported as
 * "FILE: cannot open: REASON" and returns -errno. */
int config_parse_file(const char *path, struct config *out,
		      config_error_fn on_error, void *ctx);

/* The state file name for a pin path other than MXS_PIN_PATH_DEFAULT:
 * CONFIG_DEFAULT_STATE_FILE "." then the pin path without its leading
 * "/sys/fs/bpf/" (and trailing "/"), every byte but [A-Za-z0-9._-] as %XX
 * (upper-case hex): "/sys/fs/bpf/mxs-test-1" -> ".../state.mxs-test-1",
 * "/sys/fs/bpf/a/b" -> ".../state.a%2Fb", "/srv/pins/x" ->
 * ".../state.%2Fsrv%2Fpins%2Fx"; MXS_PIN_PATH_DEFAULT keeps
 * CONFIG_DEFAULT_STATE_FILE.  So that two daemons on two pin paths never
 * share a state file by accident. */
#define CONFIG_STATE_PIN_PREFIX "/sys/fs/bpf/"

/* Give state_file its default for the daemon's pin path (NULL: the
 * default pin path), unless the file set it (state_file_set).  Call it
 * after every parse, before the configuration is used.  Returns 0, or
 * -ENAMETOOLONG with a message in err when the name would not fit in
 * CONFIG_PATH_LEN (cfg untouched: the admin sets state_file). */
int config_apply_pin_path(struct config *cfg, const char *pin_path,
			  char *err, size_t errlen);

/* The GCRA parameters of ban_connections per ban_window, for
 * struct mxs_config.conn_rate (all zero when ban_connections is 0). */
void config_conn_rate(const struct config *cfg, struct mxs_rate *out);

/* Whether the Postfix log reader is on (postfix_log names something). */
bool config_postfix_on(const struct config *cfg);

/* The c-ares server list for the configured dns_servers: "a:p,[b]:p". */
void config_format_servers(const struct config *cfg, char *buf, size_t len);

#endif /* MXS_CONFIG_H */
