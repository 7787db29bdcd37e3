/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cli_args.h - the mxscreen command line, parsed into one struct before
 * anything touches the kernel.
 *
 * Contract: cli_args_parse() never prints and never exits; it returns
 * CLI_EXIT_OK with args filled in, or CLI_EXIT_USAGE with a message in err.
 * `--help` anywhere sets args->help and succeeds.  Strings in args point
 * into argv.
 */
#ifndef MXS_CLI_ARGS_H
#define MXS_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/addr.h"
#include "lib/settings.h"

/* Exit statuses of the mxscreen command. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_USAGE 1
#define CLI_EXIT_FAIL 2

enum cli_cmd {
	CLI_CMD_NONE = 0,
	CLI_CMD_ATTACH,
	CLI_CMD_DETACH,
	CLI_CMD_STATUS,
	CLI_CMD_BLOCK,
	CLI_CMD_UNBLOCK,
	CLI_CMD_ALLOW,
	CLI_CMD_UNALLOW,
	CLI_CMD_LIST,
	CLI_CMD_CHECK,
	CLI_CMD_FLUSH,
	CLI_CMD_LOAD,
	CLI_CMD_STATS,
	CLI_CMD_OBSERVE,
	CLI_CMD_PORTS,
	CLI_CMD_ACTION,
	CLI_CMD_RATE,
	CLI_CMD_EXPORT,
	CLI_CMD_ACCOUNT,
	CLI_CMD_HELP,
	CLI_CMD_VERSION,
};

/* Largest --watch interval and --max-* size accepted. */
#define CLI_MAX_WATCH_SECONDS 3600
#define CLI_MAX_MAP_ENTRIES (1u << 26)
/* Interfaces one attach or detach may name. */
#define CLI_MAX_IFACES 64

/* Which map sizes attach --max-* set; 0 = default. */
struct cli_sizes {
	uint32_t block4, block6, allow4, allow6;
};

struct cli_args {
	enum cli_cmd cmd;
	const char *cmd_name;  /* as typed, for messages */
	const char *pin_path;  /* --pin-path, else MXSCREEN_PIN_PATH, else default */
	bool help;             /* --help given: print usage of cmd and succeed */
	bool json;             /* --json */
	bool prometheus;       /* stats --prometheus */
	int verbose;           /* -v count */

	/* attach, detach */
	const char *ifaces[CLI_MAX_IFACES];
	int nr_ifaces;
	enum settings_mode mode;
	bool have_ports;
	struct settings_ports ports; /* attach --ports, ports LIST */
	bool have_action;
	enum mxs_action action; /* attach --action, action NAME */
	struct cli_sizes sizes;
	bool all;   /* detach --all */
	bool purge; /* detach --purge */

	/* block, unblock, allow, unallow, check, list, flush, load */
	int list; /* MXS_LIST_ALLOW, MXS_LIST_BLOCK, or 0 (list: both) */
	struct addr_cidr cidr;
	bool have_ttl;
	uint64_t ttl_seconds;
	uint8_t classes; /* block --class; MXS_CLASSES_ALL by default */
	const char *comment;
	const char *file;
	bool keep_connections; /* block, load block: leave open connections */

	/* stats */
	unsigned int watch_seconds; /* 0: print once */

	/* observe: -1 show, 0 off, 1 on */
	int observe;

	/* rate: what to set (CLI_RATE_SHOW: nothing) */
	enum cli_rate_target {
		CLI_RATE_SHOW = 0,
		CLI_RATE_MX,
		CLI_RATE_SUBMISSION,
		CLI_RATE_PREFIX6,
	} rate_target;
	struct mxs_rate rate;
	uint32_t rate_prefix6;

	/* export (also uses have_ttl, ttl_seconds) */
	uint8_t reasons;    /* --reasons: bit (1 << enum mxs_reason);
			     * EXPORT_DEFAULT_REASONS unless given */
	const char *name;   /* --name; NULL: the host name */
	const char *output; /* --output FILE; NULL or "-": stdout */

	/* account list|show USER|release USER */
	enum cli_account_op {
		CLI_ACCOUNT_LIST = 0,
		CLI_ACCOUNT_SHOW,
		CLI_ACCOUNT_RELEASE,
	} account_op;
	const char *account; /* show, release: the SASL login */
};

int cli_args_parse(int argc, char **argv, struct cli_args *args, char *err,
		   size_t errlen);

/* Usage of one command (CLI_CMD_NONE: the overview) on out. */
void cli_args_usage(enum cli_cmd cmd, FILE *out);

#endif /* MXS_CLI_ARGS_H */
