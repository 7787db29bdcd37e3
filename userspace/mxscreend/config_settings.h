/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * config_settings.h - the table of mxscreen.conf's settings, private to
 * the config module: config.c defines it and parses by it,
 * config_format.c prints by it.  Nothing else includes this header.
 *
 * Contract: one entry per setting, in the order "expected one of" lists
 * them and mxscreend -n prints them; kind says which field(s) of struct
 * config the setting fills and in what syntax; min and max bound the
 * numbers and durations (unused by the other kinds).
 */
#ifndef MXS_CONFIG_SETTINGS_H
#define MXS_CONFIG_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

enum kind {
	KIND_INT,      /* int, signed decimal within [min, max] */
	KIND_UINT32,   /* uint32_t, decimal within [min, max] */
	KIND_DURATION, /* uint64_t seconds within [min, max] */
	KIND_BOOL,     /* bool, yes or no */
	KIND_SITES,    /* struct dnsbl_sites */
	KIND_SERVERS,  /* nr_dns_servers and dns_server[] */
	KIND_CLASSES,  /* uint8_t MXS_CLASS_BIT mask */
	KIND_RATE,     /* struct mxs_rate, N/DURATION or 0 */
	KIND_PREFIX_V6, /* uint32_t IPv6 prefix length, 48..128 */
	KIND_PATH,     /* char[CONFIG_PATH_LEN], absolute, or empty for none */
	KIND_NETS,     /* nr_mynetworks and mynetworks[] */
	KIND_LIST_FILES, /* unsigned int count, then config_list_file[] */
	KIND_REASONS,  /* uint8_t bit per enum mxs_reason */
	KIND_IFACES,   /* nr_interfaces and interfaces[] */
	KIND_MODE,     /* uint8_t enum settings_mode */
	KIND_NAME,     /* char[CONFIG_NAME_LEN], a host name, or empty */
	KIND_PF_LOGS,  /* nr_postfix_logs, postfix_log[], postfix_journal */
	KIND_PF_EVENTS, /* uint32_t postfix_weight[] */
	KIND_SERVICES, /* nr_submission_services, submission_services[] */
	KIND_LISTEN,   /* struct config_listen */
};

struct setting {
	const char *name;
	enum kind kind;
	size_t offset; /* of the field in struct config */
	int64_t min, max;
};

/* The settings, in the order "expected one of" lists them. */
enum {
	S_SITES,
	S_THRESHOLD,
	S_ALLOWLIST,
	S_MIN_TTL,
	S_MAX_TTL,
	S_TIMEOUT,
	S_SERVERS,
	S_CLASSES,
	S_IN_FLIGHT,
	S_PER_SECOND,
	S_OBSERVE,
	S_RATE_MX,
	S_RATE_SUBMISSION,
	S_RATE_PREFIX_V6,
	S_BAN_CONNECTIONS,
	S_BAN_WINDOW,
	S_BAN_TIME,
	S_BAN_TIME_MAX,
	S_BAN_MEMORY,
	S_STATE_FILE,
	S_STATE_INTERVAL,
	S_MYNETWORKS,
	S_BLOCKLIST_FILES,
	S_ALLOWLIST_FILES,
	S_EXPORT_FILE,
	S_EXPORT_INTERVAL,
	S_EXPORT_REASONS,
	S_EXPORT_NAME,
	S_PROMETHEUS_FILE,
	S_PROMETHEUS_INTERVAL,
	S_INTERFACES,
	S_XDP_MODE,
	S_DETACH_ON_STOP,
	S_POSTFIX_LOG,
	S_POSTFIX_EVENTS,
	S_POSTFIX_THRESHOLD,
	S_POSTFIX_WINDOW,
	S_POSTFIX_SERVICES,
	S_POSTFIX_DIR,
	S_CLOSE_CONNECTIONS,
	S_POLICY_LISTEN,
	S_ACCOUNT_RCPT,
	S_ACCOUNT_MSG,
	S_ACCOUNT_CLIENTS,
	S_ACCOUNT_HOLD,
	NR_SETTINGS
};

/* Defined in config.c. */
extern const struct setting config_settings[NR_SETTINGS];

#endif /* MXS_CONFIG_SETTINGS_H */
