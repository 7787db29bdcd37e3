// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pflog_parse.c - Postfix log records into events (pflog_parse.h).
 *
 * The parser walks a line left to right with a cursor that never goes
 * past the end, matching the fixed text of Postfix's format strings and
 * the few fields between them (numbers, a bracketed address, a host name,
 * a command name).  Everything after the last structural field of a
 * record is client text and is never looked at.
 */
#include <stdbool.h>
#include <string.h>

#include "pflog_parse.h"

/* ---- the cursor ----------------------------------------------------------- */

struct cur {
	const char *p, *end;
};

static size_t cur_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

/* Consume the literal lit if the text continues with it. */
static bool cur_lit(struct cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if (cur_left(c) < n || memcmp(c->p, lit, n) != 0)
		return false;
	c->p += n;
	return true;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* One or more digits, at most max of them. */
static bool cur_digits(struct cur *c, size_t max)
{
	size_t n = 0;

	while (c->p < c->end && is_digit(*c->p) && n < max) {
		c->p++;
		n++;
	}
	return n > 0 && (c->p == c->end || !is_digit(*c->p));
}

/* A run of bytes accepted by ok(), 1..max long, ending at a byte that is
 * not (or the end). */
static bool cur_run(struct cur *c, bool (*ok)(char), size_t max,
		    const char **start, size_t *len)
{
	const char *s = c->p;

	while (c->p < c->end && ok(*c->p) && (size_t)(c->p - s) < max)
		c->p++;
	*start = s;
	*len = (size_t)(c->p - s);
	return *len > 0 && (c->p == c->end || !ok(*c->p));
}

static bool is_addr_char(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F') || ch == '.' || ch == ':';
}

/* Postfix's valid_hostname(): letters, digits, '-', '.', '_' */
static bool is_host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       is_digit(ch) || ch == '-' || ch == '.' || ch == '_';
}

/* An SMTP command name or a SASL mechanism. */
static bool is_word_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       is_digit(ch) || ch == '-' || ch == '_';
}

/* "[ADDR]": an IPv4 or IPv6 address (Postfix writes no "IPv6:" here). */
static bool cur_bracket_addr(struct cur *c, struct addr_cidr *out)
{
	char text[64], err[8];
	const char *s;
	size_t n;

	if (!cur_lit(c, "[") ||
	    !cur_run(c, is_addr_char, sizeof(text) - 1, &s, &n) ||
	    !cur_lit(c, "]"))
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	return addr_parse_ip(text, out, err, sizeof(err)) == 0;
}

/* postscreen's "[ADDR]:PORT" */
static bool cur_addr_port(struct cur *c, struct addr_cidr *out)
{
	return cur_bracket_addr(c, out) && cur_lit(c, ":") && cur_digits(c, 5);
}

/*
 * smtpd's "NAME[ADDR]" (NAME "unknown" or a validated host name), or
 * "NAME[ADDR]:PORT" with smtpd_client_port_logging = yes.  Where Postfix
 * writes the record on, ": " follows: a ':' then a digit is the port.
 */
static bool cur_name_addr(struct cur *c, struct addr_cidr *out)
{
	const char *s;
	size_t n;

	if (!cur_run(c, is_host_char, 255, &s, &n) || !cur_bracket_addr(c, out))
		return false;
	if (cur_left(c) >= 2 && c->p[0] == ':' && is_digit(c->p[1])) {
		c->p++;
		return cur_digits(c, 5);
	}
	return true;
}

/* ---- postscreen ----------------------------------------------------------- */

/* "after TIME" in a PREGREET: seconds with a fraction, "0.23" */
static bool cur_seconds(struct cur *c)
{
	return cur_digits(c, 10) && (!cur_lit(c, ".") || cur_digits(c, 10));
}

static enum pflog_event pflog_postscreen(struct cur *c, struct addr_cidr *a)
{
	const char *s;
	size_t n;

	/* PREGREET %d after %s from [%s]:%s: ... */
	if (cur_lit(c, "PREGREET "))
		return cur_digits(c, 10) && cur_lit(c, " after ") &&
			       cur_seconds(c) && cur_lit(c, " from ") &&
			       cur_addr_port(c, a) && cur_lit(c, ":")
		       ? PFLOG_PREGREET
		       : PFLOG_NONE;
	/* NON-SMTP COMMAND from [%s]:%s after %s: ... */
	if (cur_lit(c, "NON-SMTP COMMAND from "))
		return cur_addr_port(c, a) && cur_lit(c, " after ")
		       ? PFLOG_NON_SMTP
		       : PFLOG_NONE;
	/* BARE NEWLINE from [%s]:%s after %s */
	if (cur_lit(c, "BARE NEWLINE from "))
		return cur_addr_port(c, a) && cur_lit(c, " after ")
		       ? PFLOG_BARE_NEWLINE
		       : PFLOG_NONE;
	/* COMMAND PIPELINING from [%s]:%s after %s: ... */
	if (cur_lit(c, "COMMAND PIPELINING from "))
		return cur_addr_port(c, a) && cur_lit(c, " after ")
		       ? PFLOG_PIPELINING
		       : PFLOG_NONE;
	/* COMMAND {TIME,COUNT,LENGTH} LIMIT from [%s]:%s after %s */
	if (cur_lit(c, "COMMAND ")) {
		if (!cur_run(c, is_word_char, 8, &s, &n) ||
		    !((n == 4 && memcmp(s, "TIME", 4) == 0) ||
		      (n == 5 && memcmp(s, "COUNT", 5) == 0) ||
		      (n == 6 && memcmp(s, "LENGTH", 6) == 0)))
			return PFLOG_NONE;
		return cur_lit(c, " LIMIT from ") && cur_addr_port(c, a) &&
			       cur_lit(c, " after ")
		       ? PFLOG_COMMAND_LIMIT
		       : PFLOG_NONE;
	}
	/* DNSBL rank %d for [%s]:%s */
	if (cur_lit(c, "DNSBL rank "))
		return cur_digits(c, 10) && cur_lit(c, " for ") &&
			       cur_addr_port(c, a) && c->p == c->end
		       ? PFLOG_DNSBL
		       : PFLOG_NONE;
	return PFLOG_NONE;
}

/* ---- smtpd ---------------------------------------------------------------- */

/* Postfix's RBL text names the client's address or its verified name. */
static bool is_rbl_what_char(char ch)
{
	return is_host_char(ch) || ch == ':';
}

/*
 * The reply of an RCPT reject, after "from NAME[ADDR]: ": "CODE X.Y.Z "
 * then either the RBL text or "<RCPT>: REASON".  The recipient is client
 * text: it must not contain '>' (else where it ends is a guess), and what
 * follows its '>' must be one of Postfix's reasons.  Postfix quotes a
 * local part with a '>' ("x>y"@z), and a domain literal (a@[x>y]) may hold
 * one unquoted: a recipient with '"', '\\', '<' or '[' yields no event.
 */
static enum pflog_event pflog_rcpt_reject(struct cur *c)
{
	const char *s;
	size_t n;

	if (!cur_digits(c, 3) || !cur_lit(c, " ") || !cur_digits(c, 1) ||
	    !cur_lit(c, ".") || !cur_digits(c, 3) || !cur_lit(c, ".") ||
	    !cur_digits(c, 3) || !cur_lit(c, " "))
		return PFLOG_NONE;
	if (cur_lit(c, "Service unavailable; Client host ["))
		return cur_run(c, is_rbl_what_char, 255, &s, &n) &&
			       cur_lit(c, "] blocked using ")
		       ? PFLOG_RBL_REJECT
		       : PFLOG_NONE;
	if (!cur_lit(c, "<"))
		return PFLOG_NONE;
	while (c->p < c->end && *c->p != '>') {
		if (*c->p == '"' || *c->p == '<' || *c->p == '\\' ||
		    *c->p == '[')
			return PFLOG_NONE;
		c->p++;
	}
	if (!cur_lit(c, ">: "))
		return PFLOG_NONE;
	if (cur_lit(c, "Relay access denied"))
		return c->p == c->end || *c->p == ';' ? PFLOG_RELAY_DENIED
						      : PFLOG_NONE;
	if (cur_lit(c, "Recipient address rejected: ") &&
	    (cur_lit(c, "User unknown") ||
	     cur_lit(c, "undeliverable address")))
		return PFLOG_UNKNOWN_RECIPIENT;
	return PFLOG_NONE;
}

/* A queue id: NOQUEUE, or Postfix's short or long queue id. */
static bool cur_queue_id(struct cur *c)
{
	const char *s;
	size_t n;

	return cur_run(c, is_word_char, 32, &s, &n) && cur_lit(c, ": ");
}

static enum pflog_event pflog_smtpd(struct cur *c, struct addr_cidr *a)
{
	const char *s;
	size_t n;

	/* warning: non-SMTP command from %s: ... */
	if (cur_lit(c, "warning: non-SMTP command from "))
		return cur_name_addr(c, a) && cur_lit(c, ": ") ? PFLOG_NON_SMTP
							       : PFLOG_NONE;
	/* improper command pipelining after %s from %s: ... */
	if (cur_lit(c, "improper command pipelining after "))
		return cur_run(c, is_word_char, 32, &s, &n) &&
			       cur_lit(c, " from ") && cur_name_addr(c, a) &&
			       cur_lit(c, ": ")
		       ? PFLOG_PIPELINING
		       : PFLOG_NONE;
	/* warning: %s: SASL %s authentication failed: ... */
	if (cur_lit(c, "warning: ")) {
		if (!cur_name_addr(c, a) || !cur_lit(c, ": SASL ") ||
		    !cur_run(c, is_word_char, 32, &s, &n))
			return PFLOG_NONE;
		return cur_lit(c, " authentication failed") ? PFLOG_SASL_FAILURE
							    : PFLOG_NONE;
	}
	/* QUEUEID: reject: RCPT from %s: REPLY */
	if (cur_queue_id(c) && cur_lit(c, "reject: RCPT from ") &&
	    cur_name_addr(c, a) && cur_lit(c, ": "))
		return pflog_rcpt_reject(c);
	return PFLOG_NONE;
}

/* ---- the tag and the line --------------------------------------------------- */

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       is_digit(ch) || ch == '-' || ch == '_' || ch == '.' ||
	       ch == '/';
}

/*
 * ident is SYSLOG_NAME/PROGRAM (len bytes): split it, and check that it
 * is Postfix's: SYSLOG_NAME "postfix", "postfix-INSTANCE", either with
 * "/SERVICE" (master.cf's -o syslog_name=...).  A bare "postfix" is not:
 * Postfix's programs, postfix(1) included ("postfix/postfix-script"),
 * always log as SYSLOG_NAME/PROGRAM, so "postfix[3]" is some other
 * program's name for itself.
 */
static bool pflog_split_ident(const char *ident, size_t len,
			      struct pflog_record *rec)
{
	const char *slash = NULL;
	size_t name_len, prog_len;

	for (size_t i = 0; i < len; i++) {
		if (!is_name_char(ident[i]))
			return false;
		if (ident[i] == '/')
			slash = ident + i;
	}
	if (!slash || len < 8 || memcmp(ident, "postfix", 7) != 0 ||
	    (ident[7] != '/' && ident[7] != '-'))
		return false;
	name_len = (size_t)(slash - ident);
	prog_len = len - name_len - 1;
	if (name_len >= PFLOG_NAME_MAX || prog_len == 0 ||
	    prog_len >= PFLOG_NAME_MAX || ident[name_len - 1] == '/' ||
	    ident[name_len - 1] == '-')
		return false;
	memcpy(rec->syslog_name, ident, name_len);
	rec->syslog_name[name_len] = '\0';
	memcpy(rec->program, slash + 1, prog_len);
	rec->program[prog_len] = '\0';
	return true;
}

/* The message of a Postfix program's record into rec's event. */
static void pflog_message(const char *msg, size_t len, struct pflog_record *rec)
{
	struct cur c = { msg, msg + len };
	struct addr_cidr a;
	enum pflog_event ev = PFLOG_NONE;

	memset(&a, 0, sizeof(a));
	if (strcmp(rec->program, "postscreen") == 0)
		ev = pflog_postscreen(&c, &a);
	else if (strcmp(rec->program, "smtpd") == 0)
		ev = pflog_smtpd(&c, &a);
	rec->event = ev;
	memset(&rec->client, 0, sizeof(rec->client));
	if (ev != PFLOG_NONE)
		rec->client = a;
}

int pflog_parse_message(const char *ident, const char *msg, size_t len,
			struct pflog_record *rec)
{
	struct pflog_record r;

	memset(&r, 0, sizeof(r));
	if (!ident || !pflog_split_ident(ident, strlen(ident), &r))
		return 0;
	pflog_message(msg, len, &r);
	*rec = r;
	return 1;
}

static const char *const pflog_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* "hh:mm:ss" with an optional ".ffffff" */
static bool cur_clock(struct cur *c)
{
	if (!cur_digits(c, 2) || !cur_lit(c, ":") || !cur_digits(c, 2) ||
	    !cur_lit(c, ":") || !cur_digits(c, 2))
		return false;
	return !cur_lit(c, ".") || cur_digits(c, 9);
}

/* "Mmm dd hh:mm:ss[.ffffff]" or "YYYY-MM-DDThh:mm:ss[.ffffff](Z|+hh:mm)" */
static bool cur_timestamp(struct cur *c)
{
	for (int m = 0; m < 12; m++) {
		if (!cur_lit(c, pflog_months[m]))
			continue;
		if (!cur_lit(c, " "))
			return false;
		cur_lit(c, " "); /* day padded with a blank */
		return cur_digits(c, 2) && cur_lit(c, " ") && cur_clock(c);
	}
	if (!cur_digits(c, 4) || !cur_lit(c, "-") || !cur_digits(c, 2) ||
	    !cur_lit(c, "-") || !cur_digits(c, 2) || !cur_lit(c, "T") ||
	    !cur_clock(c))
		return false;
	if (cur_lit(c, "Z"))
		return true;
	if (!cur_lit(c, "+") && !cur_lit(c, "-"))
		return false;
	return cur_digits(c, 2) && cur_lit(c, ":") && cur_digits(c, 2);
}

int pflog_parse_line(const char *line, size_t len, struct pflog_record *rec)
{
	struct cur c = { line, line + len };
	struct pflog_record r;
	const char *host, *tag;
	size_t n;

	memset(&r, 0, sizeof(r));
	if (!cur_timestamp(&c) || !cur_lit(&c, " ") ||
	    !cur_run(&c, is_host_char, 255, &host, &n) || !cur_lit(&c, " "))
		return 0;
	/* TAG[PID]: */
	tag = c.p;
	while (c.p < c.end && *c.p != '[' && *c.p != ':' && *c.p != ' ')
		c.p++;
	if (!pflog_split_ident(tag, (size_t)(c.p - tag), &r))
		return 0;
	if (!cur_lit(&c, "[") || !cur_digits(&c, 10) || !cur_lit(&c, "]: "))
		return 0;
	pflog_message(c.p, cur_left(&c), &r);
	*rec = r;
	return 1;
}
