// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cli_args.c - parse the mxscreen command line into struct cli_args.
 *
 * One table names every command with its usage text; each command's own
 * options and operands are checked here, so the command code that follows
 * only ever sees valid, bounded values.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "lib/duration.h"
#include "lib/errbuf.h"
#include "lib/export.h"

struct cli_command {
	const char *name;
	enum cli_cmd cmd;
	const char *usage; /* operands and options, after "mxscreen NAME" */
	const char *summary;
};

static const struct cli_command cli_commands[] = {
	{ "attach", CLI_CMD_ATTACH,
	  "IFACE... [--mode native|skb|auto] [--ports LIST] [--action drop|reset]\n"
	  "        [--max-block4 N] [--max-block6 N] [--max-allow4 N] [--max-allow6 N]",
	  "attach the screener to interfaces (maps are created on first use)" },
	{ "detach", CLI_CMD_DETACH, "IFACE...|--all [--purge]",
	  "detach from interfaces; --purge also removes the pinned maps" },
	{ "status", CLI_CMD_STATUS, "[--json]",
	  "interfaces, modes, program ids, map fill levels and settings" },
	{ "block", CLI_CMD_BLOCK,
	  "CIDR [--ttl DURATION] [--class mx|submission|all] [--comment TEXT]\n"
	  "        [--keep-connections]",
	  "refuse connection attempts from an address or prefix" },
	{ "unblock", CLI_CMD_UNBLOCK, "CIDR", "remove a block entry" },
	{ "allow", CLI_CMD_ALLOW, "CIDR [--ttl DURATION] [--comment TEXT]",
	  "never refuse an address or prefix (wins over every block entry)" },
	{ "unallow", CLI_CMD_UNALLOW, "CIDR", "remove an allow entry" },
	{ "list", CLI_CMD_LIST, "[block|allow] [--json]",
	  "show entries with their remaining time" },
	{ "check", CLI_CMD_CHECK, "IP [--json]",
	  "what happens to a connection from IP, per port class, and why" },
	{ "flush", CLI_CMD_FLUSH, "block|allow", "remove every entry of a list" },
	{ "load", CLI_CMD_LOAD,
	  "block|allow FILE [--ttl DURATION] [--class mx|submission|all]\n"
	  "        [--keep-connections]",
	  "bulk import a prefix list (one per line, # and ; comments)" },
	{ "stats", CLI_CMD_STATS, "[--json|--prometheus] [--watch SECONDS]",
	  "counters summed over CPUs; --watch prints rates per second" },
	{ "observe", CLI_CMD_OBSERVE, "[on|off]",
	  "observe mode: count would-be refusals, refuse nothing" },
	{ "ports", CLI_CMD_PORTS, "[LIST]",
	  "show or set screened ports, e.g. 25,465,587 or 25=mx,2525=mx" },
	{ "action", CLI_CMD_ACTION, "[drop|reset]",
	  "show or set what happens to a refused connection attempt" },
	{ "rate", CLI_CMD_RATE, "[mx|submission N/DURATION|0] [prefix6 LEN]",
	  "show or set the SYN rate limit per source, e.g. rate mx 20/60s" },
	{ "export", CLI_CMD_EXPORT,
	  "[--format rbldnsd] [--reasons LIST] [--ttl DURATION] [--name NAME]\n"
	  "        [--output FILE|-]",
	  "write the block entries as an rbldnsd zone file, to share with a fleet" },
	{ "account", CLI_CMD_ACCOUNT, "list|show LOGIN|release LOGIN [--json]",
	  "per-login counts and holds of the policy service; release a hold" },
	{ "help", CLI_CMD_HELP, "[COMMAND]", "show help" },
	{ "version", CLI_CMD_VERSION, "", "show the version" },
};

#define CLI_NR_COMMANDS (sizeof(cli_commands) / sizeof(cli_commands[0]))

static const struct cli_command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < CLI_NR_COMMANDS; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

static const struct cli_command *cli_command_of(enum cli_cmd cmd)
{
	for (size_t i = 0; i < CLI_NR_COMMANDS; i++)
		if (cli_commands[i].cmd == cmd)
			return &cli_commands[i];
	return NULL;
}

void cli_args_usage(enum cli_cmd cmd, FILE *out)
{
	const struct cli_command *c = cli_command_of(cmd);

	if (c) {
		fprintf(out, "Usage: mxscreen [--pin-path DIR] %s %s\n\n%s.\n",
			c->name, c->usage, c->summary);
		return;
	}
	fprintf(out,
		"Usage: mxscreen [--pin-path DIR] [-v] COMMAND [ARGS]\n\n"
		"Refuse SMTP connection attempts from blocked sources in XDP.\n\n"
		"Commands:\n");
	for (size_t i = 0; i < CLI_NR_COMMANDS; i++)
		fprintf(out, "  %-8s %s\n", cli_commands[i].name,
			cli_commands[i].summary);
	fprintf(out,
		"\nMaps are pinned under %s (--pin-path or $%s change it).\n"
		"Run 'mxscreen COMMAND --help' for a command's options.\n"
		"Exit status: 0 ok, 1 usage error, 2 failure.\n",
		MXS_PIN_PATH_DEFAULT, MXS_PIN_PATH_ENV);
}

static int cli_usage_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cli_usage_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(err, errlen, fmt, ap);
	va_end(ap);
	return CLI_EXIT_USAGE;
}

/* Options known to any command; each command accepts only its own. */
enum cli_opt {
	OPT_HELP = 'h',
	OPT_MODE = 256,
	OPT_PORTS,
	OPT_ACTION,
	OPT_MAX_BLOCK4,
	OPT_MAX_BLOCK6,
	OPT_MAX_ALLOW4,
	OPT_MAX_ALLOW6,
	OPT_ALL,
	OPT_PURGE,
	OPT_TTL,
	OPT_CLASS,
	OPT_COMMENT,
	OPT_JSON,
	OPT_WATCH,
	OPT_PROMETHEUS,
	OPT_FORMAT,
	OPT_REASONS,
	OPT_NAME,
	OPT_OUTPUT,
	OPT_KEEP_CONNECTIONS,
};

static const struct option cli_all_options[] = {
	{ "help", no_argument, NULL, OPT_HELP },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "ports", required_argument, NULL, OPT_PORTS },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "max-block4", required_argument, NULL, OPT_MAX_BLOCK4 },
	{ "max-block6", required_argument, NULL, OPT_MAX_BLOCK6 },
	{ "max-allow4", required_argument, NULL, OPT_MAX_ALLOW4 },
	{ "max-allow6", required_argument, NULL, OPT_MAX_ALLOW6 },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "purge", no_argument, NULL, OPT_PURGE },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "class", required_argument, NULL, OPT_CLASS },
	{ "comment", required_argument, NULL, OPT_COMMENT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "watch", required_argument, NULL, OPT_WATCH },
	{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "reasons", required_argument, NULL, OPT_REASONS },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "keep-connections", no_argument, NULL, OPT_KEEP_CONNECTIONS },
	{ NULL, 0, NULL, 0 },
};

/* Which options each command takes. */
static bool cli_option_allowed(enum cli_cmd cmd, int opt)
{
	switch (opt) {
	case OPT_HELP:
		return true;
	case OPT_MODE:
	case OPT_PORTS:
	case OPT_ACTION:
	case OPT_MAX_BLOCK4:
	case OPT_MAX_BLOCK6:
	case OPT_MAX_ALLOW4:
	case OPT_MAX_ALLOW6:
		return cmd == CLI_CMD_ATTACH;
	case OPT_ALL:
	case OPT_PURGE:
		return cmd == CLI_CMD_DETACH;
	case OPT_TTL:
		return cmd == CLI_CMD_BLOCK || cmd == CLI_CMD_ALLOW ||
		       cmd == CLI_CMD_LOAD || cmd == CLI_CMD_EXPORT;
	case OPT_CLASS:
	case OPT_KEEP_CONNECTIONS:
		return cmd == CLI_CMD_BLOCK || cmd == CLI_CMD_LOAD;
	case OPT_COMMENT:
		return cmd == CLI_CMD_BLOCK || cmd == CLI_CMD_ALLOW;
	case OPT_JSON:
		return cmd == CLI_CMD_STATUS || cmd == CLI_CMD_LIST ||
		       cmd == CLI_CMD_CHECK || cmd == CLI_CMD_STATS ||
		       cmd == CLI_CMD_ACCOUNT;
	case OPT_WATCH:
	case OPT_PROMETHEUS:
		return cmd == CLI_CMD_STATS;
	case OPT_FORMAT:
	case OPT_REASONS:
	case OPT_NAME:
	case OPT_OUTPUT:
		return cmd == CLI_CMD_EXPORT;
	}
	return false;
}

static int cli_parse_size(const char *text, const char *opt, uint32_t *out,
			  char *err, size_t errlen)
{
	char why[128];
	uint64_t v;

	if (settings_parse_uint(text, 1, CLI_MAX_MAP_ENTRIES, &v, why,
				sizeof(why)) < 0)
		return cli_usage_error(err, errlen, "--%s: %s", opt, why);
	*out = (uint32_t)v;
	return CLI_EXIT_OK;
}

/* One option of a command; the value has already been checked to be
 * allowed for it. */
static int cli_parse_option(struct cli_args *a, int opt, const char *val,
			    char *err, size_t errlen)
{
	char why[160];

	switch (opt) {
	case OPT_HELP:
		a->help = true;
		return CLI_EXIT_OK;
	case OPT_MODE:
		if (settings_parse_mode(val, &a->mode, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "--mode: %s", why);
		return CLI_EXIT_OK;
	case OPT_PORTS:
		if (settings_parse_ports(val, &a->ports, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "--ports: %s", why);
		a->have_ports = true;
		return CLI_EXIT_OK;
	case OPT_ACTION:
		if (settings_parse_action(val, &a->action, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "--action: %s", why);
		a->have_action = true;
		return CLI_EXIT_OK;
	case OPT_MAX_BLOCK4:
		return cli_parse_size(val, "max-block4", &a->sizes.block4, err,
				      errlen);
	case OPT_MAX_BLOCK6:
		return cli_parse_size(val, "max-block6", &a->sizes.block6, err,
				      errlen);
	case OPT_MAX_ALLOW4:
		return cli_parse_size(val, "max-allow4", &a->sizes.allow4, err,
				      errlen);
	case OPT_MAX_ALLOW6:
		return cli_parse_size(val, "max-allow6", &a->sizes.allow6, err,
				      errlen);
	case OPT_ALL:
		a->all = true;
		return CLI_EXIT_OK;
	case OPT_PURGE:
		a->purge = true;
		return CLI_EXIT_OK;
	case OPT_TTL:
		if (duration_parse(val, &a->ttl_seconds, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "--ttl: %s", why);
		if (a->ttl_seconds == 0)
			return cli_usage_error(err, errlen,
					       "--ttl: must be more than 0s; leave it out for an entry that never expires");
		/* export: the DNS TTL of the zone */
		if (a->cmd == CLI_CMD_EXPORT &&
		    a->ttl_seconds > EXPORT_TTL_CLI_MAX)
			return cli_usage_error(err, errlen,
					       "--ttl: at most 1d for a DNS TTL");
		a->have_ttl = true;
		return CLI_EXIT_OK;
	case OPT_CLASS:
		if (settings_parse_classes(val, &a->classes, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "--class: %s", why);
		return CLI_EXIT_OK;
	case OPT_COMMENT:
		if (strlen(val) >= MXS_COMMENT_LEN)
			return cli_usage_error(err, errlen,
					       "--comment: at most %d characters",
					       MXS_COMMENT_LEN - 1);
		a->comment = val;
		return CLI_EXIT_OK;
	case OPT_JSON:
		a->json = true;
		return CLI_EXIT_OK;
	case OPT_PROMETHEUS:
		a->prometheus = true;
		return CLI_EXIT_OK;
	case OPT_WATCH: {
		uint64_t v;

		if (settings_parse_uint(val, 1, CLI_MAX_WATCH_SECONDS, &v, why,
					sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "--watch: %s", why);
		a->watch_seconds = (unsigned int)v;
		return CLI_EXIT_OK;
	}
	case OPT_FORMAT:
		if (strcmp(val, "rbldnsd") != 0)
			return cli_usage_error(err, errlen,
					       "--format: unknown format \"%s\": expected rbldnsd",
					       val);
		return CLI_EXIT_OK;
	case OPT_REASONS:
		if (export_parse_reasons(val, &a->reasons, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "--reasons: %s", why);
		return CLI_EXIT_OK;
	case OPT_NAME:
		if (!export_name_valid(val))
			return cli_usage_error(err, errlen,
					       "--name: \"%s\" is not a host name: 1 to %d letters, "
					       "digits, '.', '-' or '_'",
					       val, EXPORT_NAME_LEN - 1);
		a->name = val;
		return CLI_EXIT_OK;
	case OPT_KEEP_CONNECTIONS:
		a->keep_connections = true;
		return CLI_EXIT_OK;
	case OPT_OUTPUT:
		if (!val[0])
			return cli_usage_error(err, errlen,
					       "--output: name a file, or - for standard output");
		a->output = val;
		return CLI_EXIT_OK;
	}
	return cli_usage_error(err, errlen, "unknown option");
}

static int cli_parse_list_name(const char *text, int *list, char *err,
			       size_t errlen)
{
	if (!text)
		return cli_usage_error(err, errlen, "missing list name");
	if (strcmp(text, "block") == 0)
		*list = MXS_LIST_BLOCK;
	else if (strcmp(text, "allow") == 0)
		*list = MXS_LIST_ALLOW;
	else
		return cli_usage_error(err, errlen,
				       "unknown list \"%s\": expected block or allow",
				       text);
	return CLI_EXIT_OK;
}

static int cli_want_operands(const struct cli_args *a, int n, int min, int max,
			     char *err, size_t errlen)
{
	if (n < min)
		return cli_usage_error(err, errlen, "%s: missing operand",
				       a->cmd_name);
	if (n > max)
		return cli_usage_error(err, errlen, "%s: too many operands",
				       a->cmd_name);
	return CLI_EXIT_OK;
}

/* Operands (non-option words) of a command. */
static int cli_set_ifaces(struct cli_args *a, int n, char **ops, char *err,
			  size_t errlen)
{
	if (n > CLI_MAX_IFACES)
		return cli_usage_error(err, errlen,
				       "%s: at most %d interfaces at a time",
				       a->cmd_name, CLI_MAX_IFACES);
	for (int i = 0; i < n; i++)
		a->ifaces[i] = ops[i];
	a->nr_ifaces = n;
	return CLI_EXIT_OK;
}

static int cli_parse_operands(struct cli_args *a, int n, char **ops,
			      char *err, size_t errlen)
{
	char why[160];
	int rc;

	switch (a->cmd) {
	case CLI_CMD_ATTACH:
		if (n < 1)
			return cli_usage_error(err, errlen,
					       "attach: name at least one interface");
		return cli_set_ifaces(a, n, ops, err, errlen);
	case CLI_CMD_DETACH:
		if (a->all && n > 0)
			return cli_usage_error(err, errlen,
					       "detach: give interfaces or --all, not both");
		if (!a->all && n < 1)
			return cli_usage_error(err, errlen,
					       "detach: name interfaces or use --all");
		return cli_set_ifaces(a, n, ops, err, errlen);
	case CLI_CMD_BLOCK:
	case CLI_CMD_UNBLOCK:
	case CLI_CMD_ALLOW:
	case CLI_CMD_UNALLOW:
		rc = cli_want_operands(a, n, 1, 1, err, errlen);
		if (rc)
			return rc;
		if (addr_parse_cidr(ops[0], &a->cidr, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "%s: %s", a->cmd_name,
					       why);
		a->list = (a->cmd == CLI_CMD_BLOCK || a->cmd == CLI_CMD_UNBLOCK)
				  ? MXS_LIST_BLOCK
				  : MXS_LIST_ALLOW;
		return CLI_EXIT_OK;
	case CLI_CMD_CHECK:
		rc = cli_want_operands(a, n, 1, 1, err, errlen);
		if (rc)
			return rc;
		if (addr_parse_ip(ops[0], &a->cidr, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "check: %s", why);
		return CLI_EXIT_OK;
	case CLI_CMD_LIST:
		rc = cli_want_operands(a, n, 0, 1, err, errlen);
		if (rc || n == 0)
			return rc;
		return cli_parse_list_name(ops[0], &a->list, err, errlen);
	case CLI_CMD_FLUSH:
		rc = cli_want_operands(a, n, 1, 1, err, errlen);
		if (rc)
			return rc;
		return cli_parse_list_name(ops[0], &a->list, err, errlen);
	case CLI_CMD_LOAD:
		rc = cli_want_operands(a, n, 2, 2, err, errlen);
		if (rc)
			return rc;
		a->file = ops[1];
		return cli_parse_list_name(ops[0], &a->list, err, errlen);
	case CLI_CMD_OBSERVE:
		rc = cli_want_operands(a, n, 0, 1, err, errlen);
		if (rc || n == 0)
			return rc;
		if (strcmp(ops[0], "on") == 0)
			a->observe = 1;
		else if (strcmp(ops[0], "off") == 0)
			a->observe = 0;
		else
			return cli_usage_error(err, errlen,
					       "observe: expected on or off, not \"%s\"",
					       ops[0]);
		return CLI_EXIT_OK;
	case CLI_CMD_PORTS:
		rc = cli_want_operands(a, n, 0, 1, err, errlen);
		if (rc || n == 0)
			return rc;
		if (settings_parse_ports(ops[0], &a->ports, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "ports: %s", why);
		a->have_ports = true;
		return CLI_EXIT_OK;
	case CLI_CMD_ACTION:
		rc = cli_want_operands(a, n, 0, 1, err, errlen);
		if (rc || n == 0)
			return rc;
		if (settings_parse_action(ops[0], &a->action, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "action: %s", why);
		a->have_action = true;
		return CLI_EXIT_OK;
	case CLI_CMD_RATE:
		rc = cli_want_operands(a, n, 0, 2, err, errlen);
		if (rc || n == 0)
			return rc;
		if (n != 2)
			return cli_usage_error(err, errlen,
					       "rate: expected mx|submission N/DURATION, or prefix6 LEN");
		if (strcmp(ops[0], "prefix6") == 0) {
			a->rate_target = CLI_RATE_PREFIX6;
			if (settings_parse_prefix_v6(ops[1], &a->rate_prefix6, why,
						     sizeof(why)) < 0)
				return cli_usage_error(err, errlen, "rate prefix6: %s",
						       why);
			return CLI_EXIT_OK;
		}
		if (strcmp(ops[0], "mx") == 0)
			a->rate_target = CLI_RATE_MX;
		else if (strcmp(ops[0], "submission") == 0)
			a->rate_target = CLI_RATE_SUBMISSION;
		else
			return cli_usage_error(err, errlen,
					       "rate: unknown class \"%s\": expected mx, submission or prefix6",
					       ops[0]);
		if (settings_parse_rate(ops[1], &a->rate, why, sizeof(why)) < 0)
			return cli_usage_error(err, errlen, "rate %s: %s", ops[0],
					       why);
		return CLI_EXIT_OK;
	case CLI_CMD_HELP: {
		const struct cli_command *c;

		rc = cli_want_operands(a, n, 0, 1, err, errlen);
		if (rc || n == 0)
			return rc;
		c = cli_find_command(ops[0]);
		if (!c)
			return cli_usage_error(err, errlen,
					       "help: unknown command \"%s\"",
					       ops[0]);
		/* "help CMD" is "CMD --help" */
		a->cmd = c->cmd;
		a->cmd_name = c->name;
		a->help = true;
		return CLI_EXIT_OK;
	}
	case CLI_CMD_ACCOUNT:
		rc = cli_want_operands(a, n, 1, 2, err, errlen);
		if (rc)
			return rc;
		if (strcmp(ops[0], "list") == 0 && n == 1) {
			a->account_op = CLI_ACCOUNT_LIST;
		} else if (strcmp(ops[0], "show") == 0 && n == 2) {
			a->account_op = CLI_ACCOUNT_SHOW;
		} else if (strcmp(ops[0], "release") == 0 && n == 2) {
			a->account_op = CLI_ACCOUNT_RELEASE;
		} else {
			return cli_usage_error(err, errlen,
					       "account: expected list, show LOGIN "
					       "or release LOGIN");
		}
		a->account = n == 2 ? ops[1] : NULL;
		if (a->account && (!a->account[0] ||
				   strlen(a->account) >= MXS_ACCOUNT_NAME_LEN))
			return cli_usage_error(err, errlen,
					       "account: a login of 1 to %d bytes",
					       MXS_ACCOUNT_NAME_LEN - 1);
		return CLI_EXIT_OK;
	case CLI_CMD_STATUS:
	case CLI_CMD_STATS:
	case CLI_CMD_EXPORT:
	case CLI_CMD_VERSION:
	case CLI_CMD_NONE:
		return cli_want_operands(a, n, 0, 0, err, errlen);
	}
	return CLI_EXIT_OK;
}

static void cli_args_defaults(struct cli_args *a)
{
	const char *env = getenv(MXS_PIN_PATH_ENV);

	memset(a, 0, sizeof(*a));
	a->pin_path = (env && *env) ? env : MXS_PIN_PATH_DEFAULT;
	a->mode = SETTINGS_MODE_AUTO;
	a->classes = MXS_CLASSES_ALL;
	a->observe = -1;
	a->reasons = EXPORT_DEFAULT_REASONS;
}

/* Global options come before the command: --pin-path, -v, --help,
 * --version.  Returns the index of the command word. */
static int cli_parse_global(int argc, char **argv, struct cli_args *a,
			    char *err, size_t errlen)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--pin-path") == 0) {
			if (++i >= argc)
				return -cli_usage_error(err, errlen,
							"--pin-path needs a directory");
			a->pin_path = argv[i];
		} else if (strncmp(arg, "--pin-path=", 11) == 0) {
			a->pin_path = arg + 11;
		} else if (strcmp(arg, "-v") == 0 ||
			   strcmp(arg, "--verbose") == 0) {
			a->verbose++;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			a->help = true;
		} else if (strcmp(arg, "--version") == 0) {
			a->cmd = CLI_CMD_VERSION;
		} else if (arg[0] == '-') {
			return -cli_usage_error(err, errlen,
						"unknown option \"%s\"", arg);
		} else {
			break;
		}
	}
	return i;
}

int cli_args_parse(int argc, char **argv, struct cli_args *a, char *err,
		   size_t errlen)
{
	const struct cli_command *c;
	struct option longopts[sizeof(cli_all_options) /
			       sizeof(cli_all_options[0])];
	char **ops;
	int first, nops = 0, opt, rc = CLI_EXIT_OK;
	size_t nlong = 0;

	cli_args_defaults(a);
	err[0] = '\0';
	first = cli_parse_global(argc, argv, a, err, errlen);
	if (first < 0)
		return -first;
	if (first >= argc) {
		if (a->cmd == CLI_CMD_VERSION)
			return CLI_EXIT_OK;
		if (a->help) {
			a->cmd = CLI_CMD_HELP;
			return CLI_EXIT_OK;
		}
		return cli_usage_error(err, errlen, "no command given");
	}
	c = cli_find_command(argv[first]);
	if (!c)
		return cli_usage_error(err, errlen, "unknown command \"%s\"",
				       argv[first]);
	a->cmd = c->cmd;
	a->cmd_name = c->name;

	for (const struct option *o = cli_all_options; o->name; o++)
		if (cli_option_allowed(c->cmd, o->val))
			longopts[nlong++] = *o;
	memset(&longopts[nlong], 0, sizeof(longopts[0]));

	/* getopt_long on the command's words only; "+" keeps operands in
	 * place so that "block 192.0.2.1 --ttl 1h" and "--ttl 1h 192.0.2.1"
	 * both work without getopt reordering argv behind our back. */
	ops = calloc((size_t)(argc - first), sizeof(*ops));
	if (!ops)
		return cli_usage_error(err, errlen, "out of memory");
	opterr = 0;
	{
		int sub_argc = argc - first;
		char **sub_argv = argv + first;

		/* 0 makes glibc reinitialise fully, which a second parse in
		 * the same process (the unit tests) needs */
		optind = 0;
		while (optind < sub_argc) {
			int before = optind;

			opt = getopt_long(sub_argc, sub_argv, "+:h", longopts,
					  NULL);
			if (opt == -1) {
				if (optind >= sub_argc)
					break;
				/* getopt steps over "--" itself: everything
				 * after it is an operand */
				if (optind > before && optind > 1 &&
				    strcmp(sub_argv[optind - 1], "--") == 0) {
					while (optind < sub_argc)
						ops[nops++] = sub_argv[optind++];
					break;
				}
				/* an operand: keep it, go on with options */
				ops[nops++] = sub_argv[optind++];
				continue;
			}
			if (opt == OPT_HELP) {
				a->help = true;
				continue;
			}
			/* After the first error only a later --help still
			 * counts: help wins, as the contract says. */
			if (rc)
				continue;
			/* Name the word getopt was reading: optind has
			 * not moved past "-xh" when 'x' is refused. */
			if (opt == '?')
				rc = cli_usage_error(err, errlen,
						     "%s: unknown option \"%s\"",
						     c->name,
						     sub_argv[before ? before : 1]);
			else if (opt == ':')
				rc = cli_usage_error(err, errlen,
						     "%s: option \"%s\" needs a value",
						     c->name,
						     sub_argv[before ? before : 1]);
			else
				rc = cli_parse_option(a, opt, optarg, err,
						      errlen);
		}
	}
	if (a->help) {
		err[0] = '\0';
		rc = CLI_EXIT_OK;
		goto out;
	}
	if (rc)
		goto out;
	if (a->json && a->prometheus) {
		rc = cli_usage_error(err, errlen,
				     "stats: --json or --prometheus, not both");
		goto out;
	}
	if (a->purge && !a->all && a->cmd == CLI_CMD_DETACH) {
		rc = cli_usage_error(err, errlen,
				     "detach: --purge needs --all (maps are shared by all interfaces)");
		goto out;
	}
	rc = cli_parse_operands(a, nops, ops, err, errlen);
	/* Checked last so that a bad $MXSCREEN_PIN_PATH does not stand in
	 * the way of help (help CMD sets help in cli_parse_operands). */
	if (rc == CLI_EXIT_OK && !a->help && a->cmd != CLI_CMD_HELP &&
	    a->cmd != CLI_CMD_VERSION && a->pin_path[0] != '/')
		rc = cli_usage_error(err, errlen,
				     "pin path \"%s\" must be absolute",
				     a->pin_path);
out:
	free(ops);
	return rc;
}
