// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cli.c - main() of mxscreen: parse the command line, then hand over to
 * the command.  Exit status: 0 ok, 1 usage error, 2 failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lib/log.h"
#include "../../loader/loader.h"

#ifndef MXSCREEN_VERSION
#define MXSCREEN_VERSION "0.1.0"
#endif

const char *cli_list_name(int list)
{
	return list == MXS_LIST_ALLOW ? "allow" : "block";
}

int cli_open_maps(const struct cli_args *a, struct kmap *km)
{
	int err = kmap_open(km, a->pin_path);

	switch (-err) {
	case 0:
		return CLI_EXIT_OK;
	case ENOENT:
		log_error("mxscreen is not attached: no maps under %s; "
			  "run 'mxscreen attach IFACE' first%s", a->pin_path,
			  strcmp(a->pin_path, MXS_PIN_PATH_DEFAULT)
				  ? " (with the same --pin-path)"
				  : "");
		break;
	case EPERM:
	case EACCES:
		log_error("cannot open the maps under %s: permission denied; run as root",
			  a->pin_path);
		break;
	default:
		log_error("cannot open the maps under %s: %s", a->pin_path,
			  strerror(-err));
	}
	return CLI_EXIT_FAIL;
}

static int cli_dispatch(const struct cli_args *a)
{
	switch (a->cmd) {
	case CLI_CMD_ATTACH:
		return cli_cmd_attach(a);
	case CLI_CMD_DETACH:
		return cli_cmd_detach(a);
	case CLI_CMD_STATUS:
		return cli_cmd_status(a);
	case CLI_CMD_BLOCK:
	case CLI_CMD_ALLOW:
		return cli_cmd_block_allow(a);
	case CLI_CMD_UNBLOCK:
	case CLI_CMD_UNALLOW:
		return cli_cmd_unblock_unallow(a);
	case CLI_CMD_LIST:
		return cli_cmd_list(a);
	case CLI_CMD_CHECK:
		return cli_cmd_check(a);
	case CLI_CMD_FLUSH:
		return cli_cmd_flush(a);
	case CLI_CMD_LOAD:
		return cli_cmd_load(a);
	case CLI_CMD_STATS:
		return cli_cmd_stats(a);
	case CLI_CMD_OBSERVE:
		return cli_cmd_observe(a);
	case CLI_CMD_PORTS:
		return cli_cmd_ports(a);
	case CLI_CMD_ACTION:
		return cli_cmd_action(a);
	case CLI_CMD_RATE:
		return cli_cmd_rate(a);
	case CLI_CMD_EXPORT:
		return cli_cmd_export(a);
	case CLI_CMD_ACCOUNT:
		return cli_cmd_account(a);
	case CLI_CMD_VERSION:
		printf("mxscreen %s\n", MXSCREEN_VERSION);
		return CLI_EXIT_OK;
	case CLI_CMD_HELP:
	case CLI_CMD_NONE:
		cli_args_usage(CLI_CMD_NONE, stdout);
		return CLI_EXIT_OK;
	}
	return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct cli_args args;
	char err[256];
	int rc;

	log_init("mxscreen", LOG_LEVEL_INFO);
	rc = cli_args_parse(argc, argv, &args, err, sizeof(err));
	if (rc != CLI_EXIT_OK) {
		log_error("%s", err);
		if (args.cmd_name)
			fprintf(stderr, "Try 'mxscreen %s --help'.\n",
				args.cmd_name);
		else
			fprintf(stderr, "Try 'mxscreen --help'.\n");
		return rc;
	}
	if (args.help) {
		cli_args_usage(args.cmd == CLI_CMD_HELP ? CLI_CMD_NONE : args.cmd,
			       stdout);
		return CLI_EXIT_OK;
	}
	if (args.verbose)
		log_set_level(LOG_LEVEL_DEBUG);
	loader_setup_logging(args.verbose);
	return cli_dispatch(&args);
}
