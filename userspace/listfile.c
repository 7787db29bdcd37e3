/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * listfile.c - reading prefix lists line by line.
 *
 * A line is: optional white space, one address or prefix, optional white
 * space, optional comment starting with '#' or ';'.  Lines may end in LF
 * or CRLF, the last one may lack its newline, and a UTF-8 byte order mark
 * before the first line is skipped (lists saved by Windows editors).  Lines
 * of any length are read with getline(); one buffer is reused for all of
 * them.  A line with a NUL byte is bad: C string handling would silently
 * ignore what follows it.
 */
#include "listfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char utf8_bom[] = "\xef\xbb\xbf";

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* Cut comment and surrounding white space off line (len bytes, no NUL
 * inside); returns the token, or NULL when nothing is left.  Sets *words
 * when more than one word remains. */
static char *line_token(char *line, size_t len, int *words)
{
	char *start, *end, *p;

	p = memchr(line, '#', len);
	if (p)
		len = (size_t)(p - line);
	p = memchr(line, ';', len);
	if (p)
		len = (size_t)(p - line);
	start = line;
	end = line + len;
	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	if (start == end)
		return NULL;
	*end = '\0';
	*words = 1;
	for (p = start; p < end; p++)
		if (is_space(*p)) {
			*words = 2;
			break;
		}
	return start;
}

enum line_kind { LINE_EMPTY, LINE_ENTRY, LINE_BAD };

/* Classify one line (len bytes, not NUL-terminated, may be modified);
 * fills cidr for an entry and why for a bad line. */
static enum line_kind parse_line(char *text, size_t len,
				 struct addr_cidr *cidr, char *why,
				 size_t whylen)
{
	char *tok;
	int words = 0;

	if (memchr(text, '\0', len)) {
		snprintf(why, whylen, "line contains a NUL byte");
		return LINE_BAD;
	}
	tok = line_token(text, len, &words);
	if (!tok)
		return LINE_EMPTY;
	if (words > 1) {
		snprintf(why, whylen,
			 "expected one address or prefix per line (comments start with # or ;), found more than one word");
		return LINE_BAD;
	}
	if (addr_parse_cidr(tok, cidr, why, whylen) < 0)
		return LINE_BAD;
	return LINE_ENTRY;
}

int listfile_parse(FILE *in, listfile_entry_fn on_entry,
		   listfile_bad_fn on_bad, void *ctx,
		   struct listfile_report *report)
{
	struct listfile_report r = { 0 };
	struct addr_cidr cidr;
	char *line = NULL, *text;
	char why[256];
	size_t cap = 0, len;
	ssize_t n;
	int rc = 0;

	if (!in)
		return -EINVAL;
	for (;;) {
		errno = 0;
		n = getline(&line, &cap, in);
		if (n < 0)
			break;
		r.lines++;
		text = line;
		len = (size_t)n;
		if (r.lines == 1 && len >= 3 && memcmp(text, utf8_bom, 3) == 0) {
			text += 3;
			len -= 3;
		}
		switch (parse_line(text, len, &cidr, why, sizeof(why))) {
		case LINE_EMPTY:
			break;
		case LINE_BAD:
			r.bad++;
			if (on_bad)
				on_bad(r.lines, why, ctx);
			break;
		case LINE_ENTRY:
			r.entries++;
			if (on_entry)
				rc = on_entry(&cidr, ctx);
			if (rc)
				goto out;
			break;
		}
	}
	/* getline() returns -1 at the end and on errors alike. */
	if (ferror(in))
		rc = -EIO;
	else if (!feof(in))
		rc = errno ? -errno : -EIO; /* ENOMEM: a line too long to hold */
out:
	free(line);
	if (report)
		*report = r;
	return rc;
}
