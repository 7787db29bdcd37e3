/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_cli_args.c - unit tests of cli_args.c: every command, every option,
 * the bounds and the usage errors, with exit codes and error messages.
 *
 * Each case is the words after "mxscreen" and what the parse must yield: a
 * one-line description of the fields that differ from their defaults (so a
 * failure reads "got cmd=block ttl=60, want cmd=block ttl=3600"), or a part
 * of the error message.  All cases run in one process, and every word is
 * copied to the heap and freed after its parse, so a parser or getopt state
 * that keeps a pointer into an earlier command line misparses later cases
 * (the plain build without "optind = 0" fails three of the tests).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxscreen/cli_args.h"
#include "lib/export.h"
#include "check.h"

#define MAX_WORDS 16

/* The longest comment an entry holds, and one character more. */
#define COMMENT_63 "123456789012345678901234567890123456789012345678901234567890123"
#define COMMENT_64 COMMENT_63 "4"
_Static_assert(sizeof(COMMENT_63) == MXS_COMMENT_LEN, "COMMENT_63 length");

struct parse_case {
	const char *name;
	const char *words[MAX_WORDS]; /* after "mxscreen", NULL-terminated */
	int rc;
	/* rc == CLI_EXIT_OK: describe() of the result; otherwise a part of
	 * the error message */
	const char *want;
};

/* A writable argv on the heap: argv[0] is "mxscreen". */
struct cmdline {
	int argc;
	char *argv[MAX_WORDS + 2];
};

static void cmdline_make(struct cmdline *cl, const char *const *words)
{
	cl->argc = 0;
	cl->argv[cl->argc++] = strdup("mxscreen");
	for (; *words; words++) {
		assert_true(cl->argc <= MAX_WORDS);
		cl->argv[cl->argc++] = strdup(*words);
	}
	cl->argv[cl->argc] = NULL;
	for (int i = 0; i < cl->argc; i++)
		assert_non_null(cl->argv[i]);
}

static void cmdline_free(struct cmdline *cl)
{
	for (int i = 0; i < cl->argc; i++)
		free(cl->argv[i]);
	cl->argc = 0;
}

static const char *const cmd_names[] = {
	[CLI_CMD_NONE] = "none",       [CLI_CMD_ATTACH] = "attach",
	[CLI_CMD_DETACH] = "detach",   [CLI_CMD_STATUS] = "status",
	[CLI_CMD_BLOCK] = "block",     [CLI_CMD_UNBLOCK] = "unblock",
	[CLI_CMD_ALLOW] = "allow",     [CLI_CMD_UNALLOW] = "unallow",
	[CLI_CMD_LIST] = "list",       [CLI_CMD_CHECK] = "check",
	[CLI_CMD_FLUSH] = "flush",     [CLI_CMD_LOAD] = "load",
	[CLI_CMD_STATS] = "stats",     [CLI_CMD_OBSERVE] = "observe",
	[CLI_CMD_PORTS] = "ports",     [CLI_CMD_ACTION] = "action",
	[CLI_CMD_RATE] = "rate",       [CLI_CMD_HELP] = "help",
	[CLI_CMD_VERSION] = "version", [CLI_CMD_EXPORT] = "export",
	[CLI_CMD_ACCOUNT] = "account",
};

static void put(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* "cmd=NAME" and then every field that is not at its default, in struct
 * order.  The enum is named from the test's own table, so a command word
 * mapped to the wrong enum shows. */
static void describe(const struct cli_args *a, char *buf, size_t len)
{
	buf[0] = '\0';
	if ((size_t)a->cmd < ARRAY_LEN(cmd_names) && cmd_names[a->cmd])
		put(buf, len, "cmd=%s", cmd_names[a->cmd]);
	else
		put(buf, len, "cmd=%d", (int)a->cmd);
	if (strcmp(a->pin_path, MXS_PIN_PATH_DEFAULT) != 0)
		put(buf, len, " pin=%s", a->pin_path);
	if (a->help)
		put(buf, len, " help");
	if (a->json)
		put(buf, len, " json");
	if (a->verbose)
		put(buf, len, " v=%d", a->verbose);
	for (int i = 0; i < a->nr_ifaces; i++)
		put(buf, len, "%s%s", i ? "," : " ifaces=", a->ifaces[i]);
	if (a->mode != SETTINGS_MODE_AUTO)
		put(buf, len, " mode=%s", settings_mode_name(a->mode));
	if (a->have_ports) {
		char ports[512];

		settings_format_ports(&a->ports, ports, sizeof(ports));
		put(buf, len, " ports=%s", ports);
	}
	if (a->have_action)
		put(buf, len, " action=%s", settings_action_name(a->action));
	if (a->sizes.block4)
		put(buf, len, " block4=%u", a->sizes.block4);
	if (a->sizes.block6)
		put(buf, len, " block6=%u", a->sizes.block6);
	if (a->sizes.allow4)
		put(buf, len, " allow4=%u", a->sizes.allow4);
	if (a->sizes.allow6)
		put(buf, len, " allow6=%u", a->sizes.allow6);
	if (a->all)
		put(buf, len, " all");
	if (a->purge)
		put(buf, len, " purge");
	if (a->list)
		put(buf, len, " list=%s",
		    a->list == MXS_LIST_BLOCK ? "block" :
		    a->list == MXS_LIST_ALLOW ? "allow" :
						"bad");
	if (a->cidr.family) {
		char cidr[ADDR_CIDR_STRLEN];

		addr_format_cidr(&a->cidr, cidr, sizeof(cidr));
		put(buf, len, " cidr=%s", cidr);
	}
	if (a->have_ttl)
		put(buf, len, " ttl=%llu", (unsigned long long)a->ttl_seconds);
	else if (a->ttl_seconds)
		put(buf, len, " ttl-without-have_ttl=%llu",
		    (unsigned long long)a->ttl_seconds);
	if (a->classes != MXS_CLASSES_ALL)
		put(buf, len, " class=%s", settings_classes_name(a->classes));
	if (a->keep_connections)
		put(buf, len, " keep-connections");
	if (a->cmd == CLI_CMD_ACCOUNT)
		put(buf, len, " op=%s%s%s",
		    a->account_op == CLI_ACCOUNT_SHOW	   ? "show"
		    : a->account_op == CLI_ACCOUNT_RELEASE ? "release"
							   : "list",
		    a->account ? " login=" : "", a->account ? a->account : "");
	if (a->comment)
		put(buf, len, " comment=\"%s\"", a->comment);
	if (a->file)
		put(buf, len, " file=%s", a->file);
	if (a->watch_seconds)
		put(buf, len, " watch=%u", a->watch_seconds);
	if (a->observe != -1)
		put(buf, len, " observe=%d", a->observe);
	if (a->rate_target == CLI_RATE_PREFIX6) {
		put(buf, len, " prefix6=%u", a->rate_prefix6);
	} else if (a->rate_target != CLI_RATE_SHOW) {
		char r[SETTINGS_RATE_STRLEN];

		settings_format_rate(&a->rate, r, sizeof(r));
		put(buf, len, " rate_%s=%s",
		    a->rate_target == CLI_RATE_MX ? "mx" : "submission", r);
	}
	if (a->reasons != EXPORT_DEFAULT_REASONS) {
		char r[EXPORT_REASONS_STRLEN];

		export_format_reasons(a->reasons, r, sizeof(r));
		put(buf, len, " reasons=%s", r);
	}
	if (a->name)
		put(buf, len, " name=%s", a->name);
	if (a->output)
		put(buf, len, " output=%s", a->output);
}

/* Parse one case and check rc, the result or the error. */
static void run_case(const struct parse_case *c)
{
	struct cmdline cl;
	struct cli_args a;
	char err[256], got[1024];
	int rc;

	cmdline_make(&cl, c->words);
	memset(&a, 0xa5, sizeof(a));
	strcpy(err, "stale message");
	rc = cli_args_parse(cl.argc, cl.argv, &a, err, sizeof(err));
	CHECK_INT(c->name, "rc", rc, c->rc);
	if (rc == CLI_EXIT_OK) {
		CHECK_STR(c->name, "err", err, "");
		describe(&a, got, sizeof(got));
		CHECK_STR(c->name, "args", got, c->want);
	} else {
		/* every usage error says what is wrong */
		CHECK(err[0] != '\0', "case %s: err: got \"\", want a message",
		      c->name);
		CHECK(strcmp(err, "stale message") != 0,
		      "case %s: err: got the old buffer, want a message",
		      c->name);
		CHECK_CONTAINS(c->name, "err", err, c->want);
	}
	cmdline_free(&cl);
}

static void run_cases(const struct parse_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_case(&cases[i]);
	CHECK_DONE();
}

#define OK CLI_EXIT_OK
#define USAGE CLI_EXIT_USAGE

/* Each command by name, with the smallest valid command line. */
static void test_commands(void **state)
{
	static const struct parse_case cases[] = {
		{ "attach", { "attach", "eth0", NULL }, OK,
		  "cmd=attach ifaces=eth0" },
		{ "detach", { "detach", "eth0", NULL }, OK,
		  "cmd=detach ifaces=eth0" },
		{ "status", { "status", NULL }, OK, "cmd=status" },
		{ "block", { "block", "192.0.2.1", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1" },
		{ "unblock", { "unblock", "192.0.2.1", NULL }, OK,
		  "cmd=unblock list=block cidr=192.0.2.1" },
		{ "allow", { "allow", "192.0.2.1", NULL }, OK,
		  "cmd=allow list=allow cidr=192.0.2.1" },
		{ "unallow", { "unallow", "192.0.2.1", NULL }, OK,
		  "cmd=unallow list=allow cidr=192.0.2.1" },
		{ "list", { "list", NULL }, OK, "cmd=list" },
		{ "check", { "check", "192.0.2.1", NULL }, OK,
		  "cmd=check cidr=192.0.2.1" },
		{ "flush", { "flush", "block", NULL }, OK,
		  "cmd=flush list=block" },
		{ "load", { "load", "block", "drop.txt", NULL }, OK,
		  "cmd=load list=block file=drop.txt" },
		{ "stats", { "stats", NULL }, OK, "cmd=stats" },
		{ "observe", { "observe", NULL }, OK, "cmd=observe" },
		{ "ports", { "ports", NULL }, OK, "cmd=ports" },
		{ "action", { "action", NULL }, OK, "cmd=action" },
		{ "export", { "export", NULL }, OK, "cmd=export" },
		{ "account list", { "account", "list", NULL }, OK,
		  "cmd=account op=list" },
		{ "account show", { "account", "show", "alice@example.org", NULL },
		  OK, "cmd=account op=show login=alice@example.org" },
		{ "account release json", { "account", "release", "bob", "--json", NULL },
		  OK, "cmd=account json op=release login=bob" },
		{ "account nothing", { "account", NULL }, USAGE,
		  "account: missing operand" },
		{ "account show nobody", { "account", "show", NULL }, USAGE,
		  "account: expected list, show LOGIN or release LOGIN" },
		{ "account list extra", { "account", "list", "x", NULL }, USAGE,
		  "account: expected list, show LOGIN or release LOGIN" },
		{ "account empty login", { "account", "show", "", NULL }, USAGE,
		  "account: a login of 1 to 255 bytes" },
		{ "block keep", { "block", "192.0.2.1", "--keep-connections", NULL },
		  OK, "cmd=block list=block cidr=192.0.2.1 keep-connections" },
		{ "allow keep", { "allow", "192.0.2.1", "--keep-connections", NULL },
		  USAGE, "--keep-connections" },
		{ "help", { "help", NULL }, OK, "cmd=help" },
		{ "version", { "version", NULL }, OK, "cmd=version" },
		{ "unknown command", { "blok", "192.0.2.1", NULL }, USAGE,
		  "unknown command \"blok\"" },
		{ "command case", { "Block", "192.0.2.1", NULL }, USAGE,
		  "unknown command \"Block\"" },
		{ "no command", { NULL }, USAGE, "no command given" },
		{ "only globals", { "-v", "--pin-path", "/x", NULL }, USAGE,
		  "no command given" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

/* Options before the command word. */
static void test_global(void **state)
{
	static const struct parse_case cases[] = {
		{ "pin-path DIR", { "--pin-path", "/run/mxs", "status", NULL },
		  OK, "cmd=status pin=/run/mxs" },
		{ "pin-path=DIR", { "--pin-path=/run/mxs", "status", NULL }, OK,
		  "cmd=status pin=/run/mxs" },
		{ "pin-path twice",
		  { "--pin-path", "/a", "--pin-path=/b", "status", NULL }, OK,
		  "cmd=status pin=/b" },
		{ "pin-path relative",
		  { "--pin-path", "run/mxs", "status", NULL }, USAGE,
		  "pin path \"run/mxs\" must be absolute" },
		{ "pin-path= relative", { "--pin-path=mxs", "status", NULL },
		  USAGE, "pin path \"mxs\" must be absolute" },
		{ "pin-path= empty", { "--pin-path=", "status", NULL }, USAGE,
		  "must be absolute" },
		{ "pin-path no value", { "--pin-path", NULL }, USAGE,
		  "--pin-path needs a directory" },
		{ "pin-path after command",
		  { "status", "--pin-path", "/x", NULL }, USAGE,
		  "status: unknown option \"--pin-path\"" },
		{ "-v", { "-v", "status", NULL }, OK, "cmd=status v=1" },
		{ "-v -v -v", { "-v", "-v", "-v", "status", NULL }, OK,
		  "cmd=status v=3" },
		{ "--verbose -v", { "--verbose", "-v", "stats", NULL }, OK,
		  "cmd=stats v=2" },
		{ "-v after command", { "status", "-v", NULL }, USAGE,
		  "status: unknown option \"-v\"" },
		{ "--help", { "--help", NULL }, OK, "cmd=help help" },
		{ "-h", { "-h", NULL }, OK, "cmd=help help" },
		{ "-v --help", { "-v", "--help", NULL }, OK,
		  "cmd=help help v=1" },
		{ "--help CMD", { "--help", "block", NULL }, OK,
		  "cmd=block help" },
		{ "--version", { "--version", NULL }, OK, "cmd=version" },
		{ "-v --version", { "-v", "--version", NULL }, OK,
		  "cmd=version v=1" },
		{ "unknown global", { "--json", "status", NULL }, USAGE,
		  "unknown option \"--json\"" },
		{ "unknown global short", { "-x", "status", NULL }, USAGE,
		  "unknown option \"-x\"" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

/* $MXSCREEN_PIN_PATH is the default; --pin-path wins over it. */
static void test_pin_path_env(void **state)
{
	static const struct {
		const char *env; /* NULL: unset */
		struct parse_case c;
	} cases[] = {
		{ NULL, { "unset", { "status", NULL }, OK, "cmd=status" } },
		{ "/env/mxs",
		  { "env", { "status", NULL }, OK, "cmd=status pin=/env/mxs" } },
		{ "/env/mxs",
		  { "env and --pin-path",
		    { "--pin-path", "/opt", "status", NULL }, OK,
		    "cmd=status pin=/opt" } },
		{ "/env/mxs",
		  { "env and --pin-path=",
		    { "--pin-path=/opt", "status", NULL }, OK,
		    "cmd=status pin=/opt" } },
		{ "env/mxs",
		  { "env relative", { "status", NULL }, USAGE,
		    "pin path \"env/mxs\" must be absolute" } },
		{ "env/mxs",
		  { "env relative, --help", { "--help", NULL }, OK,
		    "cmd=help pin=env/mxs help" } },
		{ "env/mxs",
		  { "env relative, --pin-path",
		    { "--pin-path", "/opt", "status", NULL }, OK,
		    "cmd=status pin=/opt" } },
		{ "", { "env empty", { "status", NULL }, OK, "cmd=status" } },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (cases[i].env)
			assert_int_equal(
				setenv(MXS_PIN_PATH_ENV, cases[i].env, 1), 0);
		else
			assert_int_equal(unsetenv(MXS_PIN_PATH_ENV), 0);
		run_case(&cases[i].c);
	}
	CHECK_DONE();
}

/* Whatever happened, the later tests see no $MXSCREEN_PIN_PATH. */
static int unset_pin_path_env(void **state)
{
	return unsetenv(MXS_PIN_PATH_ENV);
}

/* --help anywhere after the command, and "help CMD". */
static void test_help(void **state)
{
	static const struct parse_case cases[] = {
		{ "attach --help", { "attach", "--help", NULL }, OK,
		  "cmd=attach help" },
		{ "detach --help", { "detach", "--help", NULL }, OK,
		  "cmd=detach help" },
		{ "detach --purge --help",
		  { "detach", "--purge", "--help", NULL }, OK,
		  "cmd=detach help purge" },
		{ "block -h", { "block", "-h", NULL }, OK, "cmd=block help" },
		{ "block CIDR --help", { "block", "192.0.2.1", "--help", NULL },
		  OK, "cmd=block help" },
		{ "load --help", { "load", "--help", NULL }, OK,
		  "cmd=load help" },
		{ "status --help", { "status", "--help", NULL }, OK,
		  "cmd=status help" },
		{ "version --help", { "version", "--help", NULL }, OK,
		  "cmd=version help" },
		{ "help --help", { "help", "--help", NULL }, OK,
		  "cmd=help help" },
		{ "help block", { "help", "block", NULL }, OK,
		  "cmd=block help" },
		{ "help attach", { "help", "attach", NULL }, OK,
		  "cmd=attach help" },
		{ "help help", { "help", "help", NULL }, OK, "cmd=help help" },
		{ "help version", { "help", "version", NULL }, OK,
		  "cmd=version help" },
		{ "help unknown", { "help", "bogus", NULL }, USAGE,
		  "help: unknown command \"bogus\"" },
		{ "help two", { "help", "block", "allow", NULL }, USAGE,
		  "help: too many operands" },

		/* --help wins over any error in the command's words */
		{ "bad value then --help",
		  { "block", "--ttl", "0", "--help", NULL }, OK,
		  "cmd=block help" },
		{ "--help then bad value",
		  { "block", "--help", "--class", "imap", NULL }, OK,
		  "cmd=block help" },
		{ "unknown option then --help",
		  { "status", "--ttl", "1h", "--help", NULL }, OK,
		  "cmd=status help" },
		{ "unknown short then -h", { "status", "-xh", NULL }, OK,
		  "cmd=status help" },
		{ "bad operands and --help",
		  { "observe", "maybe", "never", "--help", NULL }, OK,
		  "cmd=observe help" },
		{ "--purge alone and --help",
		  { "detach", "--purge", "-h", NULL }, OK,
		  "cmd=detach help purge" },
		{ "--help as a value",
		  { "block", "192.0.2.1", "--comment", "--help", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 comment=\"--help\"" },
		{ "--help after --", { "block", "--", "--help", NULL }, USAGE,
		  "block: bad prefix \"--help\"" },
		{ "relative pin path and --help",
		  { "--pin-path", "rel", "--help", NULL }, OK,
		  "cmd=help pin=rel help" },
		{ "relative pin path and CMD --help",
		  { "--pin-path=rel", "block", "--help", NULL }, OK,
		  "cmd=block pin=rel help" },
		{ "relative pin path and help CMD",
		  { "--pin-path=rel", "help", "attach", NULL }, OK,
		  "cmd=attach pin=rel help" },
		{ "relative pin path and help",
		  { "--pin-path=rel", "help", NULL }, OK,
		  "cmd=help pin=rel" },
		{ "relative pin path and version",
		  { "--pin-path=rel", "version", NULL }, OK,
		  "cmd=version pin=rel" },
		{ "relative pin path and --version",
		  { "--pin-path=rel", "--version", NULL }, OK,
		  "cmd=version pin=rel" },
		{ "relative pin path, operand error first",
		  { "--pin-path=rel", "block", NULL }, USAGE,
		  "block: missing operand" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

static void test_attach(void **state)
{
	static const struct parse_case cases[] = {
		{ "several", { "attach", "eth0", "eth1", "bond0.12", NULL }, OK,
		  "cmd=attach ifaces=eth0,eth1,bond0.12" },
		{ "options between",
		  { "attach", "eth0", "--mode", "skb", "eth1", NULL }, OK,
		  "cmd=attach ifaces=eth0,eth1 mode=skb" },
		{ "mode native", { "attach", "--mode=native", "eth0", NULL },
		  OK, "cmd=attach ifaces=eth0 mode=native" },
		{ "mode auto", { "attach", "eth0", "--mode", "auto", NULL }, OK,
		  "cmd=attach ifaces=eth0" },
		{ "mode bad", { "attach", "eth0", "--mode", "hw", NULL }, USAGE,
		  "--mode: bad mode \"hw\": expected auto, native or skb" },
		{ "ports", { "attach", "eth0", "--ports", "25,465,587", NULL },
		  OK,
		  "cmd=attach ifaces=eth0 ports=25=mx,465=submission,587=submission" },
		{ "ports classes",
		  { "attach", "eth0", "--ports", "25=mx,2525=mx,587=submission",
		    NULL }, OK,
		  "cmd=attach ifaces=eth0 ports=25=mx,587=submission,2525=mx" },
		{ "ports bad", { "attach", "eth0", "--ports", "25,25", NULL },
		  USAGE,
		  "--ports: bad port list \"25,25\": port 25 is listed twice" },
		{ "ports bad class",
		  { "attach", "eth0", "--ports=25=imap", NULL }, USAGE,
		  "--ports: bad port class \"imap\"" },
		{ "action reset",
		  { "attach", "eth0", "--action", "reset", NULL }, OK,
		  "cmd=attach ifaces=eth0 action=reset" },
		{ "action drop", { "attach", "eth0", "--action=drop", NULL },
		  OK, "cmd=attach ifaces=eth0 action=drop" },
		{ "action bad",
		  { "attach", "eth0", "--action", "reject", NULL }, USAGE,
		  "--action: bad action \"reject\": expected drop or reset" },
		{ "max all",
		  { "attach", "eth0", "--max-block4", "1000", "--max-block6",
		    "2000", "--max-allow4", "30", "--max-allow6=40", NULL }, OK,
		  "cmd=attach ifaces=eth0 block4=1000 block6=2000 allow4=30 allow6=40" },
		{ "max-block4 1",
		  { "attach", "eth0", "--max-block4", "1", NULL }, OK,
		  "cmd=attach ifaces=eth0 block4=1" },
		{ "max-block4 2^26",
		  { "attach", "eth0", "--max-block4", "67108864", NULL }, OK,
		  "cmd=attach ifaces=eth0 block4=67108864" },
		{ "max-block4 0",
		  { "attach", "eth0", "--max-block4", "0", NULL }, USAGE,
		  "--max-block4: number 0 is out of range: expected 1 to 67108864" },
		{ "max-block4 2^26+1",
		  { "attach", "eth0", "--max-block4", "67108865", NULL }, USAGE,
		  "--max-block4: number 67108865 is out of range" },
		{ "max-block4 1M",
		  { "attach", "eth0", "--max-block4", "1M", NULL }, USAGE,
		  "--max-block4: bad number \"1M\"" },
		{ "max-block4 -1",
		  { "attach", "eth0", "--max-block4=-1", NULL }, USAGE,
		  "--max-block4: bad number \"-1\"" },
		{ "max-allow6 huge",
		  { "attach", "eth0", "--max-allow6", "99999999999999999999999",
		    NULL }, USAGE,
		  "--max-allow6: number" },
		{ "everything",
		  { "attach", "--mode", "native", "eth0", "--ports", "25",
		    "--action", "reset", "eth1", "--max-block6", "512", NULL },
		  OK,
		  "cmd=attach ifaces=eth0,eth1 mode=native ports=25=mx action=reset block6=512" },
		{ "no iface", { "attach", NULL }, USAGE,
		  "attach: name at least one interface" },
		{ "no iface, options", { "attach", "--mode", "skb", NULL },
		  USAGE, "attach: name at least one interface" },
		{ "mode no value", { "attach", "eth0", "--mode", NULL }, USAGE,
		  "attach: option \"--mode\" needs a value" },
		{ "detach option", { "attach", "eth0", "--all", NULL }, USAGE,
		  "attach: unknown option \"--all\"" },
		{ "block option", { "attach", "eth0", "--ttl", "1h", NULL },
		  USAGE, "attach: unknown option \"--ttl\"" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

static void test_detach(void **state)
{
	static const struct parse_case cases[] = {
		{ "one", { "detach", "eth0", NULL }, OK,
		  "cmd=detach ifaces=eth0" },
		{ "several", { "detach", "eth0", "eth1", NULL }, OK,
		  "cmd=detach ifaces=eth0,eth1" },
		{ "all", { "detach", "--all", NULL }, OK, "cmd=detach all" },
		{ "all purge", { "detach", "--all", "--purge", NULL }, OK,
		  "cmd=detach all purge" },
		{ "purge all", { "detach", "--purge", "--all", NULL }, OK,
		  "cmd=detach all purge" },
		{ "purge alone", { "detach", "--purge", NULL }, USAGE,
		  "detach: --purge needs --all" },
		{ "purge iface", { "detach", "eth0", "--purge", NULL }, USAGE,
		  "detach: --purge needs --all" },
		{ "iface and all", { "detach", "eth0", "--all", NULL }, USAGE,
		  "detach: give interfaces or --all, not both" },
		{ "all and iface", { "detach", "--all", "eth0", NULL }, USAGE,
		  "detach: give interfaces or --all, not both" },
		{ "nothing", { "detach", NULL }, USAGE,
		  "detach: name interfaces or use --all" },
		{ "all with value", { "detach", "--all=yes", NULL }, USAGE,
		  "--all" },
		{ "attach option", { "detach", "eth0", "--mode", "skb", NULL },
		  USAGE, "detach: unknown option \"--mode\"" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

/* At most CLI_MAX_IFACES interfaces; more is a usage error. */
static void test_iface_limit(void **state)
{
	for (int n = CLI_MAX_IFACES; n <= CLI_MAX_IFACES + 1; n++) {
		char *argv[CLI_MAX_IFACES + 4];
		char names[CLI_MAX_IFACES + 1][16];
		const char *name = n > CLI_MAX_IFACES ? "65 ifaces" :
							"64 ifaces";
		struct cli_args a;
		char err[256];
		int argc = 0, rc;

		argv[argc++] = (char[]){ "mxscreen" };
		argv[argc++] = (char[]){ "attach" };
		for (int i = 0; i < n; i++) {
			snprintf(names[i], sizeof(names[i]), "veth%d", i);
			argv[argc++] = names[i];
		}
		argv[argc] = NULL;
		rc = cli_args_parse(argc, argv, &a, err, sizeof(err));
		if (n <= CLI_MAX_IFACES) {
			CHECK_INT(name, "rc", rc, CLI_EXIT_OK);
			CHECK_INT(name, "nr_ifaces", a.nr_ifaces, n);
			CHECK(a.ifaces[n - 1] == names[n - 1],
			      "case %s: last iface: got %p, want argv[%d]",
			      name, (const void *)a.ifaces[n - 1], argc - 1);
		} else {
			CHECK_INT(name, "rc", rc, CLI_EXIT_USAGE);
			CHECK_CONTAINS(name, "err", err,
				       "attach: at most 64 interfaces");
		}
	}
	CHECK_DONE();
}

static void test_block_allow(void **state)
{
	static const struct parse_case cases[] = {
		{ "block net", { "block", "198.51.100.0/24", NULL }, OK,
		  "cmd=block list=block cidr=198.51.100.0/24" },
		{ "block v6", { "block", "2001:db8::/32", NULL }, OK,
		  "cmd=block list=block cidr=2001:db8::/32" },
		{ "block mapped", { "block", "::ffff:192.0.2.1", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1" },
		{ "block ttl after",
		  { "block", "192.0.2.1", "--ttl", "1h", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 ttl=3600" },
		{ "block ttl before",
		  { "block", "--ttl", "1h30m", "192.0.2.1", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 ttl=5400" },
		{ "block ttl=", { "block", "--ttl=7d", "192.0.2.1", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 ttl=604800" },
		{ "block ttl bare",
		  { "block", "192.0.2.1", "--ttl", "90", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 ttl=90" },
		{ "block ttl 0", { "block", "192.0.2.1", "--ttl", "0", NULL },
		  USAGE, "--ttl: must be more than 0s" },
		{ "block ttl 0s", { "block", "192.0.2.1", "--ttl=0s", NULL },
		  USAGE, "--ttl: must be more than 0s" },
		{ "block ttl bad",
		  { "block", "192.0.2.1", "--ttl", "1x", NULL }, USAGE,
		  "--ttl: bad duration \"1x\"" },
		{ "block ttl empty", { "block", "192.0.2.1", "--ttl=", NULL },
		  USAGE, "--ttl: empty duration" },
		{ "block ttl huge",
		  { "block", "192.0.2.1", "--ttl", "11000d", NULL }, USAGE,
		  "--ttl: duration \"11000d\" is too long" },
		{ "block ttl no value", { "block", "192.0.2.1", "--ttl", NULL },
		  USAGE, "block: option \"--ttl\" needs a value" },
		{ "block class mx",
		  { "block", "192.0.2.1", "--class", "mx", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 class=mx" },
		{ "block class submission",
		  { "block", "--class=submission", "192.0.2.1", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 class=submission" },
		{ "block class all",
		  { "block", "192.0.2.1", "--class", "all", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1" },
		{ "block class bad",
		  { "block", "192.0.2.1", "--class", "imap", NULL }, USAGE,
		  "--class: bad class \"imap\"" },
		{ "block comment",
		  { "block", "192.0.2.1", "--comment", "spam run, ticket 42",
		    NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 comment=\"spam run, ticket 42\"" },
		{ "block comment 63",
		  { "block", "192.0.2.1", "--comment", COMMENT_63, NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 comment=\"123456789012345678901234567890123456789012345678901234567890123\"" },
		{ "block comment 64",
		  { "block", "192.0.2.1", "--comment", COMMENT_64, NULL },
		  USAGE, "--comment: at most 63 characters" },
		{ "block comment empty",
		  { "block", "192.0.2.1", "--comment=", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 comment=\"\"" },
		{ "block all options",
		  { "block", "--ttl", "1d", "--class", "mx", "2001:db8::1",
		    "--comment", "x", NULL }, OK,
		  "cmd=block list=block cidr=2001:db8::1 ttl=86400 class=mx comment=\"x\"" },
		{ "block host bits", { "block", "192.0.2.1/24", NULL }, USAGE,
		  "block: 192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?" },
		{ "block bad", { "block", "example.org", NULL }, USAGE,
		  "block: bad prefix \"example.org\"" },
		{ "block no cidr", { "block", NULL }, USAGE,
		  "block: missing operand" },
		{ "block only options", { "block", "--ttl", "1h", NULL }, USAGE,
		  "block: missing operand" },
		{ "block two", { "block", "192.0.2.1", "192.0.2.2", NULL },
		  USAGE, "block: too many operands" },
		{ "block --", { "block", "--", "192.0.2.1", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1" },
		{ "block opts --",
		  { "block", "--ttl", "1h", "--", "192.0.2.1", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 ttl=3600" },
		{ "block cidr --", { "block", "192.0.2.1", "--", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1" },
		{ "block -- ends options", { "block", "--", "--ttl", NULL },
		  USAGE, "block: bad prefix \"--ttl\"" },
		{ "block -- then option word",
		  { "block", "--", "192.0.2.1", "--ttl", "1h", NULL }, USAGE,
		  "block: too many operands" },
		{ "block --json", { "block", "192.0.2.1", "--json", NULL },
		  USAGE, "block: unknown option \"--json\"" },

		{ "allow",
		  { "allow", "192.0.2.0/24", "--ttl", "1w", "--comment",
		    "partner", NULL }, OK,
		  "cmd=allow list=allow cidr=192.0.2.0/24 ttl=604800 comment=\"partner\"" },
		{ "allow before",
		  { "allow", "--comment", "p", "2001:db8::/48", NULL }, OK,
		  "cmd=allow list=allow cidr=2001:db8::/48 comment=\"p\"" },
		{ "allow ttl 0", { "allow", "192.0.2.1", "--ttl", "0", NULL },
		  USAGE, "--ttl: must be more than 0s" },
		{ "allow class",
		  { "allow", "192.0.2.1", "--class", "mx", NULL }, USAGE,
		  "allow: unknown option \"--class\"" },
		{ "allow comment 64",
		  { "allow", "192.0.2.1", "--comment", COMMENT_64, NULL },
		  USAGE, "--comment: at most 63 characters" },
		{ "allow --", { "allow", "--", "2001:db8::1", NULL }, OK,
		  "cmd=allow list=allow cidr=2001:db8::1" },

		{ "unblock", { "unblock", "198.51.100.0/24", NULL }, OK,
		  "cmd=unblock list=block cidr=198.51.100.0/24" },
		{ "unblock ttl",
		  { "unblock", "192.0.2.1", "--ttl", "1h", NULL }, USAGE,
		  "unblock: unknown option \"--ttl\"" },
		{ "unblock none", { "unblock", NULL }, USAGE,
		  "unblock: missing operand" },
		{ "unblock two", { "unblock", "192.0.2.1", "192.0.2.2", NULL },
		  USAGE, "unblock: too many operands" },
		{ "unallow", { "unallow", "2001:db8::/32", NULL }, OK,
		  "cmd=unallow list=allow cidr=2001:db8::/32" },
		{ "unallow comment",
		  { "unallow", "192.0.2.1", "--comment", "x", NULL }, USAGE,
		  "unallow: unknown option \"--comment\"" },
		{ "unallow bad", { "unallow", "192.0.2.300", NULL }, USAGE,
		  "unallow: bad prefix \"192.0.2.300\"" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

static void test_list_cmds(void **state)
{
	static const struct parse_case cases[] = {
		{ "check v4", { "check", "192.0.2.1", NULL }, OK,
		  "cmd=check cidr=192.0.2.1" },
		{ "check v6 json", { "check", "--json", "2001:db8::1", NULL },
		  OK, "cmd=check json cidr=2001:db8::1" },
		{ "check prefix", { "check", "192.0.2.0/24", NULL }, USAGE,
		  "check: bad address \"192.0.2.0/24\": expected a single address, not a prefix" },
		{ "check /32", { "check", "192.0.2.1/32", NULL }, USAGE,
		  "not a prefix" },
		{ "check none", { "check", NULL }, USAGE,
		  "check: missing operand" },
		{ "check two", { "check", "192.0.2.1", "192.0.2.2", NULL },
		  USAGE, "check: too many operands" },

		{ "list block", { "list", "block", NULL }, OK,
		  "cmd=list list=block" },
		{ "list allow json", { "list", "allow", "--json", NULL }, OK,
		  "cmd=list json list=allow" },
		{ "list json", { "list", "--json", NULL }, OK,
		  "cmd=list json" },
		{ "list bad", { "list", "deny", NULL }, USAGE,
		  "unknown list \"deny\": expected block or allow" },
		{ "list two", { "list", "block", "allow", NULL }, USAGE,
		  "list: too many operands" },
		{ "list ttl", { "list", "--ttl", "1h", NULL }, USAGE,
		  "list: unknown option \"--ttl\"" },

		{ "flush allow", { "flush", "allow", NULL }, OK,
		  "cmd=flush list=allow" },
		{ "flush none", { "flush", NULL }, USAGE,
		  "flush: missing operand" },
		{ "flush bad", { "flush", "all", NULL }, USAGE,
		  "unknown list \"all\"" },
		{ "flush two", { "flush", "block", "allow", NULL }, USAGE,
		  "flush: too many operands" },

		{ "load allow",
		  { "load", "allow", "/etc/mxscreen/allow.txt", NULL }, OK,
		  "cmd=load list=allow file=/etc/mxscreen/allow.txt" },
		{ "load options",
		  { "load", "--ttl", "1d", "block", "drop.txt", "--class", "mx",
		    NULL }, OK,
		  "cmd=load list=block ttl=86400 class=mx file=drop.txt" },
		{ "load stdin-like name", { "load", "block", "--", "-", NULL },
		  OK, "cmd=load list=block file=-" },
		{ "load list only", { "load", "block", NULL }, USAGE,
		  "load: missing operand" },
		{ "load nothing", { "load", NULL }, USAGE,
		  "load: missing operand" },
		{ "load three", { "load", "block", "a.txt", "b.txt", NULL },
		  USAGE, "load: too many operands" },
		{ "load bad list", { "load", "drop", "drop.txt", NULL }, USAGE,
		  "unknown list \"drop\"" },
		{ "load ttl 0",
		  { "load", "block", "drop.txt", "--ttl", "0", NULL }, USAGE,
		  "--ttl: must be more than 0s" },
		{ "load comment",
		  { "load", "block", "drop.txt", "--comment", "x", NULL },
		  USAGE, "load: unknown option \"--comment\"" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

static void test_setting_cmds(void **state)
{
	static const struct parse_case cases[] = {
		{ "status json", { "status", "--json", NULL }, OK,
		  "cmd=status json" },
		{ "status ttl", { "status", "--ttl", "1h", NULL }, USAGE,
		  "status: unknown option \"--ttl\"" },
		{ "status operand", { "status", "eth0", NULL }, USAGE,
		  "status: too many operands" },

		{ "stats json", { "stats", "--json", NULL }, OK,
		  "cmd=stats json" },
		{ "stats watch 1", { "stats", "--watch", "1", NULL }, OK,
		  "cmd=stats watch=1" },
		{ "stats watch max",
		  { "stats", "--watch=3600", "--json", NULL }, OK,
		  "cmd=stats json watch=3600" },
		{ "stats watch 0", { "stats", "--watch", "0", NULL }, USAGE,
		  "--watch: number 0 is out of range: expected 1 to 3600" },
		{ "stats watch 3601", { "stats", "--watch", "3601", NULL },
		  USAGE, "--watch: number 3601 is out of range" },
		{ "stats watch 1s", { "stats", "--watch", "1s", NULL }, USAGE,
		  "--watch: bad number \"1s\"" },
		{ "stats watch no value", { "stats", "--watch", NULL }, USAGE,
		  "stats: option \"--watch\" needs a value" },
		{ "stats operand", { "stats", "block", NULL }, USAGE,
		  "stats: too many operands" },

		{ "observe on", { "observe", "on", NULL }, OK,
		  "cmd=observe observe=1" },
		{ "observe off", { "observe", "off", NULL }, OK,
		  "cmd=observe observe=0" },
		{ "observe bad", { "observe", "yes", NULL }, USAGE,
		  "observe: expected on or off, not \"yes\"" },
		{ "observe two", { "observe", "on", "off", NULL }, USAGE,
		  "observe: too many operands" },
		{ "observe json", { "observe", "--json", NULL }, USAGE,
		  "observe: unknown option \"--json\"" },

		{ "ports set", { "ports", "25,465,587", NULL }, OK,
		  "cmd=ports ports=25=mx,465=submission,587=submission" },
		{ "ports classes", { "ports", "2525=mx,25", NULL }, OK,
		  "cmd=ports ports=25=mx,2525=mx" },
		{ "ports bad", { "ports", "0", NULL }, USAGE,
		  "ports: bad port \"0\"" },
		{ "ports two", { "ports", "25", "587", NULL }, USAGE,
		  "ports: too many operands" },
		{ "ports option", { "ports", "--ports", "25", NULL }, USAGE,
		  "ports: unknown option \"--ports\"" },

		{ "action reset", { "action", "reset", NULL }, OK,
		  "cmd=action action=reset" },
		{ "action drop", { "action", "drop", NULL }, OK,
		  "cmd=action action=drop" },
		{ "action bad", { "action", "DROP", NULL }, USAGE,
		  "action: bad action \"DROP\": expected drop or reset" },
		{ "action two", { "action", "drop", "reset", NULL }, USAGE,
		  "action: too many operands" },

		{ "rate show", { "rate", NULL }, OK, "cmd=rate" },
		{ "rate mx", { "rate", "mx", "20/60s", NULL }, OK,
		  "cmd=rate rate_mx=20/1m" },
		{ "rate submission off", { "rate", "submission", "0", NULL }, OK,
		  "cmd=rate rate_submission=0" },
		{ "rate prefix6", { "rate", "prefix6", "56", NULL }, OK,
		  "cmd=rate prefix6=56" },
		{ "rate prefix6 too short", { "rate", "prefix6", "32", NULL },
		  USAGE, "rate prefix6: IPv6 prefix length 32 is out of range" },
		{ "rate bad class", { "rate", "all", "20/60s", NULL }, USAGE,
		  "rate: unknown class \"all\"" },
		{ "rate bad value", { "rate", "mx", "20", NULL }, USAGE,
		  "rate mx: bad rate \"20\"" },
		{ "rate one operand", { "rate", "mx", NULL }, USAGE,
		  "rate: expected mx|submission N/DURATION, or prefix6 LEN" },
		{ "rate three operands", { "rate", "mx", "1/1s", "x", NULL },
		  USAGE, "rate: too many operands" },

		{ "version operand", { "version", "1", NULL }, USAGE,
		  "version: too many operands" },
		{ "help option", { "help", "--json", NULL }, USAGE,
		  "help: unknown option \"--json\"" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

/* export: the fleet's rbldnsd file. */
static void test_export(void **state)
{
	static const struct parse_case cases[] = {
		{ "all options",
		  { "export", "--format", "rbldnsd", "--reasons", "manual,rate,dnsbl",
		    "--ttl", "5m", "--name", "mx1.example.org", "--output",
		    "/srv/rbldnsd/mx1.zone", NULL }, OK,
		  "cmd=export ttl=300 reasons=manual,dnsbl,rate name=mx1.example.org "
		  "output=/srv/rbldnsd/mx1.zone" },
		{ "reasons with blanks", { "export", "--reasons=rate, manual", NULL },
		  OK, "cmd=export reasons=manual,rate" },
		{ "reasons all", { "export", "--reasons", "all", NULL }, OK,
		  "cmd=export reasons=all" },
		{ "reasons one", { "export", "--reasons", "list", NULL }, OK,
		  "cmd=export reasons=list" },
		{ "stdout", { "export", "--output", "-", NULL }, OK,
		  "cmd=export output=-" },
		{ "ttl max", { "export", "--ttl", "1d", NULL }, OK,
		  "cmd=export ttl=86400" },
		{ "ttl over", { "export", "--ttl", "25h", NULL }, USAGE,
		  "--ttl: at most 1d for a DNS TTL" },
		{ "ttl 0", { "export", "--ttl", "0", NULL }, USAGE,
		  "--ttl: must be more than 0s" },
		{ "block ttl over 1d is fine",
		  { "block", "192.0.2.1", "--ttl", "30d", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1 ttl=2592000" },
		{ "format other", { "export", "--format", "bind", NULL }, USAGE,
		  "--format: unknown format \"bind\": expected rbldnsd" },
		{ "reasons unknown", { "export", "--reasons", "manual,spam", NULL },
		  USAGE, "--reasons: unknown reason \"spam\"" },
		{ "reasons none", { "export", "--reasons", "none", NULL }, USAGE,
		  "--reasons: unknown reason \"none\"" },
		{ "name bad", { "export", "--name", "mx 1", NULL }, USAGE,
		  "--name: \"mx 1\" is not a host name" },
		{ "name dollar", { "export", "--name", "mx$", NULL }, USAGE,
		  "is not a host name" },
		{ "name empty", { "export", "--name=", NULL }, USAGE,
		  "is not a host name" },
		{ "output empty", { "export", "--output=", NULL }, USAGE,
		  "--output: name a file, or - for standard output" },
		{ "operand", { "export", "mx1.zone", NULL }, USAGE,
		  "export: too many operands" },
		{ "json", { "export", "--json", NULL }, USAGE,
		  "export: unknown option \"--json\"" },
		{ "class", { "export", "--class", "mx", NULL }, USAGE,
		  "export: unknown option \"--class\"" },
		{ "export options elsewhere", { "stats", "--output", "x", NULL },
		  USAGE, "stats: unknown option \"--output\"" },
		{ "reasons elsewhere", { "list", "--reasons", "rate", NULL },
		  USAGE, "list: unknown option \"--reasons\"" },
		{ "help", { "help", "export", NULL }, OK, "cmd=export help" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

/* How getopt trouble is reported: the word at fault is named. */
static void test_option_errors(void **state)
{
	static const struct parse_case cases[] = {
		{ "unknown long", { "block", "192.0.2.1", "--bogus", NULL },
		  USAGE, "block: unknown option \"--bogus\"" },
		{ "unknown short", { "block", "192.0.2.1", "-x", NULL }, USAGE,
		  "block: unknown option \"-x\"" },
		{ "unknown short first", { "status", "-xv", NULL }, USAGE,
		  "status: unknown option \"-xv\"" },
		{ "unknown short second", { "status", "-vx", NULL }, USAGE,
		  "status: unknown option \"-vx\"" },
		{ "unknown after operand", { "list", "block", "-x", NULL },
		  USAGE, "list: unknown option \"-x\"" },
		{ "value on flag", { "status", "--json=yes", NULL }, USAGE,
		  "status: unknown option \"--json=yes\"" },
		{ "missing value first", { "stats", "--watch", NULL }, USAGE,
		  "stats: option \"--watch\" needs a value" },
		{ "missing value later",
		  { "block", "192.0.2.1", "--class", "mx", "--comment", NULL },
		  USAGE, "block: option \"--comment\" needs a value" },
		{ "value swallows option",
		  { "block", "192.0.2.1", "--ttl", "--class", "mx", NULL },
		  USAGE, "--ttl: bad duration \"--class\"" },
		{ "first error wins",
		  { "block", "--ttl", "0", "--class", "x", "192.0.2.1", NULL },
		  USAGE, "--ttl: must be more than 0s" },
		{ "option error before operand error",
		  { "block", "bad", "--class", "x", NULL }, USAGE,
		  "--class: bad class \"x\"" },
	};

	run_cases(cases, ARRAY_LEN(cases));
}

/*
 * The parser resets getopt (optind = 0) on every call.  Run a case that
 * fails inside a bundle of short options, one that ends late in a long
 * command line and one that ends on a missing value, between short command
 * lines, twice over: each must parse as it does alone.
 */
static void test_reparse(void **state)
{
	static const struct parse_case seq[] = {
		{ "a: long line",
		  { "attach", "eth0", "eth1", "--mode", "skb", "--ports", "25",
		    "--action", "reset", "eth2", NULL }, OK,
		  "cmd=attach ifaces=eth0,eth1,eth2 mode=skb ports=25=mx action=reset" },
		{ "b: short line", { "block", "192.0.2.1", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.1" },
		{ "c: error in bundle", { "status", "-xvx", NULL }, USAGE,
		  "status: unknown option \"-xvx\"" },
		{ "d: operand first", { "observe", "on", NULL }, OK,
		  "cmd=observe observe=1" },
		{ "e: stops at --", { "block", "--", "192.0.2.0/24", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.0/24" },
		{ "f: option first",
		  { "block", "--ttl", "1m", "192.0.2.2", NULL }, OK,
		  "cmd=block list=block cidr=192.0.2.2 ttl=60" },
		{ "g: missing value", { "stats", "--watch", NULL }, USAGE,
		  "needs a value" },
		{ "h: help bundle", { "status", "-hh", NULL }, OK,
		  "cmd=status help" },
		{ "i: no options", { "status", NULL }, OK, "cmd=status" },
	};

	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < ARRAY_LEN(seq); i++)
			run_case(&seq[i]);
	CHECK_DONE();
}

/* Strings in args point into argv, not into copies. */
static void test_points_into_argv(void **state)
{
	char w0[] = "mxscreen", w1[] = "--pin-path=/run/mxs", w2[] = "block",
	     w3[] = "--comment", w4[] = "hello", w5[] = "192.0.2.1";
	char l0[] = "mxscreen", l1[] = "--pin-path", l2[] = "/p",
	     l3[] = "load", l4[] = "block", l5[] = "f.txt";
	char *argv[] = { w0, w1, w2, w3, w4, w5, NULL };
	char *largv[] = { l0, l1, l2, l3, l4, l5, NULL };
	struct cli_args a;
	char err[128];

	CHECK_INT("block", "rc", cli_args_parse(6, argv, &a, err, sizeof(err)),
		  CLI_EXIT_OK);
	CHECK(a.pin_path == w1 + strlen("--pin-path="),
	      "case block: pin_path: got %p, want inside argv[1]",
	      (const void *)a.pin_path);
	CHECK(a.comment == w4, "case block: comment: got %p, want argv[4]",
	      (const void *)a.comment);
	CHECK_STR("block", "cmd_name", a.cmd_name, "block");

	CHECK_INT("load", "rc", cli_args_parse(6, largv, &a, err, sizeof(err)),
		  CLI_EXIT_OK);
	CHECK(a.pin_path == l2, "case load: pin_path: got %p, want argv[2]",
	      (const void *)a.pin_path);
	CHECK(a.file == l5, "case load: file: got %p, want argv[5]",
	      (const void *)a.file);
	CHECK_STR("load", "cmd_name", a.cmd_name, "load");
	CHECK_DONE();
}

/* Defaults of everything a command line does not set. */
static void test_defaults(void **state)
{
	char w0[] = "mxscreen", w1[] = "status";
	char *argv[] = { w0, w1, NULL };
	struct cli_args a;
	char err[128];

	memset(&a, 0xa5, sizeof(a));
	CHECK_INT("defaults", "rc",
		  cli_args_parse(2, argv, &a, err, sizeof(err)), CLI_EXIT_OK);
	CHECK_STR("defaults", "pin_path", a.pin_path, MXS_PIN_PATH_DEFAULT);
	CHECK_INT("defaults", "mode", a.mode, SETTINGS_MODE_AUTO);
	CHECK_UINT("defaults", "classes", a.classes, MXS_CLASSES_ALL);
	CHECK_INT("defaults", "observe", a.observe, -1);
	CHECK_INT("defaults", "list", a.list, 0);
	CHECK_INT("defaults", "nr_ifaces", a.nr_ifaces, 0);
	CHECK_INT("defaults", "have_ttl", a.have_ttl, false);
	CHECK_UINT("defaults", "ttl", a.ttl_seconds, 0);
	CHECK_UINT("defaults", "watch", a.watch_seconds, 0);
	CHECK_UINT("defaults", "block4", a.sizes.block4, 0);
	CHECK_UINT("defaults", "reasons", a.reasons, EXPORT_DEFAULT_REASONS);
	CHECK(a.name == NULL && a.output == NULL,
	      "case defaults: name, output: got %p, %p, want NULL",
	      (const void *)a.name, (const void *)a.output);
	CHECK(a.comment == NULL && a.file == NULL,
	      "case defaults: comment, file: got %p, %p, want NULL",
	      (const void *)a.comment, (const void *)a.file);
	CHECK_DONE();
}

static char *usage_of(enum cli_cmd cmd)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	cli_args_usage(cmd, f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(text);
	return text;
}

/* The overview names every command; each command's usage names it. */
static void test_usage(void **state)
{
	char *text = usage_of(CLI_CMD_NONE);
	char want[64];

	CHECK_CONTAINS("overview", "text", text,
		       "Usage: mxscreen [--pin-path DIR] [-v] COMMAND");
	CHECK_CONTAINS("overview", "text", text, MXS_PIN_PATH_DEFAULT);
	CHECK_CONTAINS("overview", "text", text, MXS_PIN_PATH_ENV);
	CHECK_CONTAINS("overview", "text", text,
		       "Exit status: 0 ok, 1 usage error, 2 failure.");
	for (int c = CLI_CMD_ATTACH; c <= CLI_CMD_VERSION; c++) {
		snprintf(want, sizeof(want), "\n  %-8s ", cmd_names[c]);
		CHECK_CONTAINS("overview", "command", text, want);
	}
	free(text);

	for (int c = CLI_CMD_ATTACH; c <= CLI_CMD_VERSION; c++) {
		text = usage_of((enum cli_cmd)c);
		snprintf(want, sizeof(want),
			 "Usage: mxscreen [--pin-path DIR] %s ", cmd_names[c]);
		CHECK_CONTAINS(cmd_names[c], "usage", text, want);
		free(text);
	}
	text = usage_of(CLI_CMD_BLOCK);
	CHECK_CONTAINS("block", "usage", text,
		       "CIDR [--ttl DURATION] [--class mx|submission|all] [--comment TEXT]");
	free(text);
	text = usage_of(CLI_CMD_EXPORT);
	CHECK_CONTAINS("export", "usage", text,
		       "export [--format rbldnsd] [--reasons LIST] [--ttl DURATION]");
	CHECK_CONTAINS("export", "usage", text, "[--output FILE|-]");
	free(text);
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_global),
		cmocka_unit_test_teardown(test_pin_path_env,
					  unset_pin_path_env),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_iface_limit),
		cmocka_unit_test(test_block_allow),
		cmocka_unit_test(test_list_cmds),
		cmocka_unit_test(test_setting_cmds),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_reparse),
		cmocka_unit_test(test_points_into_argv),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_usage),
	};

	/* the defaults must not come from the caller's environment */
	unsetenv(MXS_PIN_PATH_ENV);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
