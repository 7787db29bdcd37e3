// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_cli_args.c - the mxscreen command line: the input split on NUL
 * bytes into words, after argv[0] "mxscreen", through cli_args_parse().
 *
 * cli_args_parse() never exits (cli_args.h's contract; libFuzzer reports
 * a target that calls exit() as a crash) and never prints (getopt's own
 * messages are off).
 *
 * Invariants:
 *  - it returns CLI_EXIT_OK with an empty message, or CLI_EXIT_USAGE with
 *    a message, NUL-terminated within the buffer;
 *  - argv is left as it was: no word reordered (getopt may permute) or
 *    written;
 *  - every string in the result that comes from the command line points
 *    into argv (interfaces, comment, file, pin path unless the default);
 *  - on success without --help: a command; interfaces 1..CLI_MAX_IFACES
 *    for attach (detach: or --all); a canonical prefix for
 *    block/unblock/allow/unallow, a host for check; a list for flush and
 *    load; classes non-empty within MXS_CLASSES_ALL; ttl 1s up to
 *    DURATION_MAX_SECONDS when given; watch at most
 *    CLI_MAX_WATCH_SECONDS; map sizes at most CLI_MAX_MAP_ENTRIES; ports
 *    valid; rates as settings_rate_from() makes them; prefix6 48..128; an
 *    absolute pin path;
 *  - a second parse of the same words gives the same result (getopt's
 *    state is reset between parses);
 *  - the usage text of the command parsed prints.
 */
#include <errno.h>

#include "mxscreen/cli_args.h"
#include "lib/duration.h"
#include "fuzz.h"

#define MAX_WORDS 80

/* Whether p points into one of the n words. */
static int in_argv(const char *p, char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return 1;
	return 0;
}

static void check_prefix(const struct addr_cidr *c, int host)
{
	char text[ADDR_CIDR_STRLEN], err[256];
	struct addr_cidr back;

	addr_format_cidr(c, text, sizeof(text));
	FUZZ_CHECK(addr_parse_cidr(text, &back, err, sizeof(err)) == 0 &&
			   !memcmp(&back, c, sizeof(back)) &&
			   (!host || addr_is_host(c)),
		   "prefix \"%s\" not canonical%s", text,
		   host ? " or not a host" : "");
}

static void check_rate(const struct mxs_rate *r)
{
	struct mxs_rate want;

	if (!r->emission_ns)
		return;
	FUZZ_CHECK(settings_rate_from(r->burst, r->period_s, &want) == 0 &&
			   !memcmp(&want, r, sizeof(want)),
		   "rate %u/%us", r->burst, r->period_s);
}

static void check_args(const struct cli_args *a, char **argv, int argc)
{
	int i;

	FUZZ_CHECK(a->cmd != CLI_CMD_NONE, "success without a command");
	FUZZ_CHECK(a->pin_path && (in_argv(a->pin_path, argv, argc) ||
				   !strcmp(a->pin_path, MXS_PIN_PATH_DEFAULT)),
		   "pin path from elsewhere");
	if (a->cmd != CLI_CMD_HELP && a->cmd != CLI_CMD_VERSION)
		FUZZ_CHECK(a->pin_path[0] == '/', "pin path \"%s\"", a->pin_path);
	FUZZ_CHECK(a->nr_ifaces >= 0 && a->nr_ifaces <= CLI_MAX_IFACES,
		   "%d interfaces", a->nr_ifaces);
	for (i = 0; i < a->nr_ifaces; i++)
		FUZZ_CHECK(a->ifaces[i] && in_argv(a->ifaces[i], argv, argc),
			   "interface %d from elsewhere", i);
	if (a->cmd == CLI_CMD_ATTACH)
		FUZZ_CHECK(a->nr_ifaces >= 1, "attach without an interface");
	if (a->cmd == CLI_CMD_DETACH)
		FUZZ_CHECK(a->nr_ifaces >= 1 || a->all,
			   "detach without an interface or --all");
	if (a->comment)
		FUZZ_CHECK(in_argv(a->comment, argv, argc) &&
				   strlen(a->comment) < MXS_COMMENT_LEN,
			   "comment");
	if (a->file)
		FUZZ_CHECK(in_argv(a->file, argv, argc), "file from elsewhere");
	switch (a->cmd) {
	case CLI_CMD_BLOCK:
	case CLI_CMD_UNBLOCK:
	case CLI_CMD_ALLOW:
	case CLI_CMD_UNALLOW:
		check_prefix(&a->cidr, 0);
		FUZZ_CHECK(a->list == (a->cmd == CLI_CMD_BLOCK ||
						       a->cmd == CLI_CMD_UNBLOCK
					       ? MXS_LIST_BLOCK
					       : MXS_LIST_ALLOW),
			   "list %d", a->list);
		break;
	case CLI_CMD_CHECK:
		check_prefix(&a->cidr, 1);
		break;
	case CLI_CMD_FLUSH:
	case CLI_CMD_LOAD:
		FUZZ_CHECK(a->list == MXS_LIST_BLOCK || a->list == MXS_LIST_ALLOW,
			   "list %d", a->list);
		if (a->cmd == CLI_CMD_LOAD)
			FUZZ_CHECK(a->file, "load without a file");
		break;
	default:
		break;
	}
	FUZZ_CHECK(a->classes && !(a->classes & ~MXS_CLASSES_ALL),
		   "classes %#x", a->classes);
	if (a->have_ttl)
		FUZZ_CHECK(a->ttl_seconds >= 1 &&
				   a->ttl_seconds <= DURATION_MAX_SECONDS,
			   "ttl %llu", (unsigned long long)a->ttl_seconds);
	FUZZ_CHECK(a->watch_seconds <= CLI_MAX_WATCH_SECONDS, "watch %u",
		   a->watch_seconds);
	FUZZ_CHECK(a->sizes.block4 <= CLI_MAX_MAP_ENTRIES &&
			   a->sizes.block6 <= CLI_MAX_MAP_ENTRIES &&
			   a->sizes.allow4 <= CLI_MAX_MAP_ENTRIES &&
			   a->sizes.allow6 <= CLI_MAX_MAP_ENTRIES,
		   "map sizes");
	if (a->have_ports) {
		FUZZ_CHECK(a->ports.count >= 1 &&
				   a->ports.count <= SETTINGS_MAX_PORTS,
			   "%u ports", a->ports.count);
		for (unsigned int p = 0; p < a->ports.count; p++)
			FUZZ_CHECK(a->ports.port[p].port &&
					   a->ports.port[p].class_ < MXS_NR_CLASSES,
				   "port %u", a->ports.port[p].port);
	}
	FUZZ_CHECK(a->mode <= SETTINGS_MODE_SKB, "mode %d", (int)a->mode);
	FUZZ_CHECK(a->action == MXS_ACTION_DROP || a->action == MXS_ACTION_RESET,
		   "action %d", (int)a->action);
	FUZZ_CHECK(a->observe >= -1 && a->observe <= 1, "observe %d", a->observe);
	check_rate(&a->rate);
	if (a->rate_target == CLI_RATE_PREFIX6)
		FUZZ_CHECK(a->rate_prefix6 >= MXS_MIN_RATE_PREFIX_V6 &&
				   a->rate_prefix6 <= 128,
			   "prefix6 %u", a->rate_prefix6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cli_args a, b;
	char *argv[MAX_WORDS + 2], *saved[MAX_WORDS + 2];
	char *copy[MAX_WORDS + 2];
	char err[512], err2[512];
	int argc = 1, rc, rc2, i;
	size_t start = 0;
	FILE *null;

	unsetenv(MXS_PIN_PATH_ENV); /* the default pin path, always */

	/* a word per NUL-separated piece, each in an allocation of its own
	 * (ASan sees a read past any of them) */
	argv[0] = strdup("mxscreen");
	while (start < size && argc < MAX_WORDS + 1) {
		const uint8_t *nul = memchr(data + start, '\0', size - start);
		size_t len = nul ? (size_t)(nul - (data + start)) : size - start;

		argv[argc++] = fuzz_strdup(data + start, len);
		start += len + 1;
	}
	argv[argc] = NULL;
	for (i = 0; i <= argc; i++) {
		saved[i] = argv[i];
		copy[i] = argv[i] ? strdup(argv[i]) : NULL;
	}

	memset(err, 'x', sizeof(err));
	rc = cli_args_parse(argc, argv, &a, err, sizeof(err));
	FUZZ_CHECK(rc == CLI_EXIT_OK || rc == CLI_EXIT_USAGE, "rc %d", rc);
	FUZZ_CHECK(fuzz_terminated(err, sizeof(err)), "message not terminated");
	FUZZ_CHECK((rc == CLI_EXIT_OK) == (err[0] == '\0'),
		   "rc %d with message \"%s\"", rc, err);
	for (i = 0; i <= argc; i++)
		FUZZ_CHECK(argv[i] == saved[i] &&
				   (!argv[i] || !strcmp(argv[i], copy[i])),
			   "argv[%d] changed", i);
	if (rc == CLI_EXIT_OK && !a.help)
		check_args(&a, argv, argc);

	rc2 = cli_args_parse(argc, argv, &b, err2, sizeof(err2));
	FUZZ_CHECK(rc2 == rc && !strcmp(err, err2) && !memcmp(&a, &b, sizeof(a)),
		   "a second parse differs: %d \"%s\", then %d \"%s\"", rc, err,
		   rc2, err2);

	null = fopen("/dev/null", "w");
	if (null) {
		cli_args_usage(a.cmd, null);
		fclose(null);
	}
	for (i = 0; i < argc; i++) {
		free(argv[i]);
		free(copy[i]);
	}
	return 0;
}
