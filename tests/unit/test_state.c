/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * test_state.c - unit tests of state.c: every kind of line, good and bad,
 * read back the way it was written; whole files from memory (header,
 * versions, truncated last line, NUL bytes).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxscreend/state.h"
#include "check.h"

/* A good line parses and formats back to want (NULL: to itself). */
static void test_parse_good(void **unused)
{
	static const struct {
		const char *name, *line, *want;
	} cases[] = {
		{ "dnsbl block host", "block 198.51.100.7/32 dnsbl mx 1767225600", NULL },
		{ "dnsbl allow all", "allow 192.0.2.25/32 dnsbl all 1767225600", NULL },
		{ "rate v6 prefix", "block 2001:db8::/64 rate submission 1767225000", NULL },
		{ "postfix ban", "block 192.0.2.31/32 postfix submission 1767225000", NULL },
		{ "never expires", "block 203.0.113.0/24 dnsbl mx 0", NULL },
		{ "offence", "offence 2001:db8::/64 3 1767225000", NULL },
		{ "offence v4", "offence 192.0.2.9/32 1 1", NULL },
		{ "blanks and tabs", "  block\t198.51.100.7/32  rate mx\t5 ",
		  "block 198.51.100.7/32 rate mx 5" },
		{ "class list", "block 198.51.100.7/32 rate mx,submission 5",
		  "block 198.51.100.7/32 rate all 5" },
		{ "mapped v4", "block ::ffff:198.51.100.7/128 dnsbl mx 9",
		  "block 198.51.100.7/32 dnsbl mx 9" },
		{ "max time", "block 192.0.2.1/32 dnsbl mx 253402300799", NULL },
		{ "hold", "hold carol@example.org 1767228000", NULL },
		{ "hold encoded", "hold carol%20x%25%C3%A9 5", NULL },
		{ "hold lower hex", "hold a%2fb%3d 1", "hold a/b= 1" },
		{ "hold 255 bytes",
		  "hold aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 7",
		  NULL },
		{ "instance", "instance /sys/fs/bpf/mxscreen", NULL },
		{ "instance encoded", "instance /sys/fs/bpf/a%20b%25", NULL },
		{ "instance lower hex", "instance /x%2fy", "instance /x/y" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct state_record r;
		char err[512] = "", out[STATE_LINE_MAX];
		int rc = state_parse_line(cases[i].line, &r, err, sizeof(err));

		CHECK_INT(cases[i].name, "rc", rc, 1);
		if (rc != 1) {
			print_error("  (%s)\n", err);
			continue;
		}
		CHECK_INT(cases[i].name, "format rc",
			  state_format_record(&r, out, sizeof(out)), 0);
		CHECK_STR(cases[i].name, "formatted", out,
			  cases[i].want ? cases[i].want : cases[i].line);
	}
	CHECK_DONE();
}

static void test_parse_skip(void **unused)
{
	static const char *const lines[] = { "", "   ", "\t", "# comment",
					     "  # indented comment" };

	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		struct state_record r;
		char err[512] = "";

		CHECK_INT(lines[i], "rc", state_parse_line(lines[i], &r, err,
							     sizeof(err)), 0);
	}
	CHECK_DONE();
}

static void test_parse_bad(void **unused)
{
	static const struct {
		const char *name, *line, *err;
	} cases[] = {
		{ "unknown record", "deny 192.0.2.1/32 dnsbl mx 5", "unknown record \"deny\"" },
		{ "manual reason", "block 192.0.2.1/32 manual mx 5", "bad reason \"manual\"" },
		{ "list reason", "block 192.0.2.1/32 list mx 5", "expected dnsbl, rate, postfix or account" },
		{ "no length", "block 192.0.2.1 dnsbl mx 5", "expected ADDRESS/LENGTH" },
		{ "host bits", "block 192.0.2.1/24 dnsbl mx 5", "did you mean 192.0.2.0/24" },
		{ "bad address", "block 192.0.2.300/32 dnsbl mx 5", "bad prefix" },
		{ "bad classes", "block 192.0.2.1/32 dnsbl smtp 5", "bad classes \"smtp\"" },
		/* found by fuzz_state: settings' message had the byte raw */
		{ "unprintable classes", "block 192.0.2.1/32 dnsbl m\x1bx 5",
		  "bad classes \"m?x\": expected mx, submission or all" },
		{ "negative time", "block 192.0.2.1/32 dnsbl mx -5", "bad expiry \"-5\"" },
		{ "time too big", "block 192.0.2.1/32 dnsbl mx 253402300800", "bad expiry" },
		{ "time garbage", "block 192.0.2.1/32 dnsbl mx 17x", "bad expiry \"17x\"" },
		{ "cut entry", "block 192.0.2.1/32 dnsbl", "missing fields" },
		{ "extra field", "block 192.0.2.1/32 dnsbl mx 5 6", "too many fields" },
		{ "offence count 0", "offence 192.0.2.1/32 0 5", "bad offence count \"0\"" },
		{ "offence count big", "offence 192.0.2.1/32 1000001 5", "expected 1 to 1000000" },
		{ "offence time 0", "offence 192.0.2.1/32 2 0", "bad last offence time" },
		{ "offence cut", "offence 192.0.2.1/32 2", "missing fields" },
		{ "unprintable", "\x01\xff garbage", "unknown record \"??\"" },
		{ "hold cut", "hold carol", "missing fields: expected hold LOGIN UNTIL" },
		{ "hold extra", "hold carol 5 6", "too many fields" },
		{ "hold time 0", "hold carol 0", "bad hold end" },
		{ "hold NUL", "hold a%00b 5", "bad login \"a%00b\"" },
		{ "instance cut", "instance", "missing fields: expected instance PIN_PATH" },
		{ "instance extra", "instance /a /b", "too many fields" },
		{ "instance relative", "instance mxscreen", "bad pin path \"mxscreen\": expected an absolute path" },
		{ "instance NUL", "instance /a%00", "bad pin path" },
		{ "hold bad hex", "hold a%G1 5", "bad login" },
		{ "hold cut escape", "hold a%4 5", "bad login" },
		{ "hold 256 bytes",
		  "hold aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 7",
		  "expected 1 to 255 bytes" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct state_record r;
		char err[512] = "";

		CHECK_INT(cases[i].name, "rc",
			  state_parse_line(cases[i].line, &r, err, sizeof(err)),
			  -EINVAL);
		CHECK_CONTAINS(cases[i].name, "error", err, cases[i].err);
	}
	CHECK_DONE();
}

/* A line over STATE_LINE_MAX is refused as such, whatever it holds. */
static void test_parse_long(void **unused)
{
	char line[STATE_LINE_MAX + 2], err[512] = "";
	struct state_record r;

	memset(line, ' ', sizeof(line) - 1);
	memcpy(line, "block 192.0.2.1/32 dnsbl mx 5", 29);
	line[sizeof(line) - 1] = '\0';
	CHECK_INT("long", "rc", state_parse_line(line, &r, err, sizeof(err)),
		  -EINVAL);
	CHECK_CONTAINS("long", "error", err, "line too long");
	line[STATE_LINE_MAX] = '\0';
	CHECK_INT("longest", "rc", state_parse_line(line, &r, err, sizeof(err)),
		  1);
	CHECK_DONE();
}

static void test_format_bad(void **unused)
{
	static const struct {
		const char *name;
		struct state_record r;
		size_t len;
		int want;
	} cases[] = {
		{ "manual", { .kind = STATE_ENTRY, .list = MXS_LIST_BLOCK,
			      .reason = MXS_REASON_MANUAL, .classes = 1,
			      .cidr = { .family = MXS_FAMILY_V4, .prefixlen = 32 } },
		  STATE_LINE_MAX, -EINVAL },
		{ "no classes", { .kind = STATE_ENTRY, .list = MXS_LIST_BLOCK,
				  .reason = MXS_REASON_DNSBL,
				  .cidr = { .family = MXS_FAMILY_V4, .prefixlen = 32 } },
		  STATE_LINE_MAX, -EINVAL },
		{ "no list", { .kind = STATE_ENTRY, .reason = MXS_REASON_RATE,
			       .classes = 1,
			       .cidr = { .family = MXS_FAMILY_V4, .prefixlen = 32 } },
		  STATE_LINE_MAX, -EINVAL },
		{ "offence count 0", { .kind = STATE_OFFENCE, .unix_s = 5,
				       .cidr = { .family = MXS_FAMILY_V4, .prefixlen = 32 } },
		  STATE_LINE_MAX, -EINVAL },
		{ "hold no login", { .kind = STATE_HOLD, .unix_s = 5 },
		  STATE_LINE_MAX, -EINVAL },
		{ "hold time 0", { .kind = STATE_HOLD, .login = "carol" },
		  STATE_LINE_MAX, -EINVAL },
		{ "instance empty", { .kind = STATE_INSTANCE },
		  STATE_LINE_MAX, -EINVAL },
		{ "instance relative", { .kind = STATE_INSTANCE, .pin_path = "x" },
		  STATE_LINE_MAX, -EINVAL },
		{ "instance small buffer", { .kind = STATE_INSTANCE,
					     .pin_path = "/sys/fs/bpf/mxscreen" },
		  12, -ENOSPC },
		{ "hold small buffer", { .kind = STATE_HOLD, .unix_s = 5,
					 .login = "carol" },
		  10, -ENOSPC },
		{ "small buffer", { .kind = STATE_OFFENCE, .unix_s = 5, .count = 1,
				    .cidr = { .family = MXS_FAMILY_V4, .prefixlen = 32 } },
		  10, -ENOSPC },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[STATE_LINE_MAX];

		CHECK_INT(cases[i].name, "rc",
			  state_format_record(&cases[i].r, out, cases[i].len),
			  cases[i].want);
	}
	CHECK_DONE();
}

/* What state_read() reported: records as their lines joined by '|',
 * bad lines as "N: why|". */
struct seen {
	char records[2048];
	char bad[4096];
};

static void append(char *dst, size_t size, const char *s)
{
	size_t used = strlen(dst);

	snprintf(dst + used, size - used, "%s", s);
}

static int on_record(const struct state_record *r, void *ctx)
{
	struct seen *s = ctx;
	char line[STATE_LINE_MAX];

	state_format_record(r, line, sizeof(line));
	append(s->records, sizeof(s->records), line);
	append(s->records, sizeof(s->records), "|");
	return 0;
}

static void on_bad(unsigned long lineno, const char *why, void *ctx)
{
	struct seen *s = ctx;
	char buf[600];

	snprintf(buf, sizeof(buf), "%lu: %s|", lineno, why);
	append(s->bad, sizeof(s->bad), buf);
}

#define IN(s) s, sizeof(s) - 1

static void test_read(void **unused)
{
	static const struct {
		const char *name;
		const char *in;
		size_t len;
		int rc;
		unsigned long records, bad;
		const char *want_records, *want_bad;
	} cases[] = {
		{ "empty file", IN(""), 0, 0, 0, "", "" },
		{ "header only", IN("mxscreen-state 1\n"), 0, 0, 0, "", "" },
		{ "good file",
		  IN("mxscreen-state 1\n# comment\n\nblock 192.0.2.1/32 dnsbl mx 5\r\noffence 192.0.2.1/32 2 4\n"),
		  0, 2, 0, "block 192.0.2.1/32 dnsbl mx 5|offence 192.0.2.1/32 2 4|", "" },
		{ "garbage and truncated last line",
		  IN("mxscreen-state 1\nblock 192.0.2.1/32 dnsbl mx 5\n%%garbage%%\nblock 192.0.2.2/32 rate mx 6\nblock 192.0.2.3/32 dnsbl mx 17672"),
		  0, 2, 2,
		  "block 192.0.2.1/32 dnsbl mx 5|block 192.0.2.2/32 rate mx 6|",
		  "3: unknown record \"%%garbage%%\": expected block, allow, offence, hold or instance|5: truncated line (no newline at the end)|" },
		{ "NUL byte",
		  IN("mxscreen-state 1\nblock 192.0.2.1/32\0 dnsbl mx 5\nallow 192.0.2.9/32 dnsbl all 7\n"),
		  0, 1, 1, "allow 192.0.2.9/32 dnsbl all 7|", "2: line contains a NUL byte|" },
		{ "missing header",
		  IN("block 192.0.2.1/32 dnsbl mx 5\n"), 0, 1, 1,
		  "block 192.0.2.1/32 dnsbl mx 5|", "1: missing header" },
		{ "other version",
		  IN("mxscreen-state 2\nblock 192.0.2.1/32 dnsbl mx 5\n"), -EPROTO, 0, 1,
		  "", "1: unsupported version \"mxscreen-state 2\"" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct seen s = { "", "" };
		struct state_report rep;
		char buf[512];
		FILE *f;
		int rc;

		memcpy(buf, cases[i].in, cases[i].len);
		f = fmemopen(buf, cases[i].len ? cases[i].len : 1, "r");
		if (!cases[i].len) {
			/* fmemopen needs a size; read nothing */
			fclose(f);
			f = fopen("/dev/null", "r");
		}
		rc = state_read(f, on_record, on_bad, &s, &rep);
		fclose(f);
		CHECK_INT(cases[i].name, "rc", rc, cases[i].rc);
		CHECK_UINT(cases[i].name, "records", rep.records, cases[i].records);
		CHECK_UINT(cases[i].name, "bad", rep.bad, cases[i].bad);
		CHECK_STR(cases[i].name, "records seen", s.records,
			  cases[i].want_records);
		CHECK_CONTAINS(cases[i].name, "bad lines", s.bad, cases[i].want_bad);
	}
	CHECK_DONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_skip),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_format_bad),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
