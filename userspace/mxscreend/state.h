/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * state.h - the text format of mxscreend's state file: the dynamic
 * verdicts (dnsbl, rate, postfix and account entries) and the offence memory,
 * kept across restarts and reboots.
 *
 *   mxscreen-state 1
 *   instance /sys/fs/bpf/mxscreen
 *   # comment lines and blank lines are ignored
 *   block 198.51.100.7/32 dnsbl mx 1767225600
 *   allow 192.0.2.25/32 dnsbl all 1767225600
 *   block 2001:db8::/64 rate mx 1767225000
 *   offence 2001:db8::/64 3 1767224400
 *   hold carol%20smith 1767228000
 *
 * An entry line is LIST PREFIX REASON CLASSES EXPIRES: list block or
 * allow, reason dnsbl, rate, postfix or account (manual and list entries have
 * their own sources and are never saved), classes mx, submission or all,
 * EXPIRES in wall-clock unix seconds (0 = never).  An offence line is PREFIX
 * COUNT LAST (LAST in unix seconds).  A hold line is LOGIN UNTIL: a login the
 * policy service holds (account.h), percent-encoded (every byte outside
 * '!'..'~', and '%', as %HH), held until UNTIL (unix seconds); its counts
 * are not kept, the bans of its clients are entry lines.  The instance
 * line names the pin path of the daemon that wrote the file (encoded as
 * a login is): a daemon with other maps neither restores nor overwrites
 * it (daemon_state.h); files without one (written before it existed)
 * belong to whoever reads them.  Fields are
 * separated by blanks.  Kernel
 * maps keep CLOCK_BOOTTIME, which restarts at every boot, so the file
 * holds wall-clock times and boottime.h's conversions map between the two.
 *
 * Contract: the parsers are strict (every field bounded, no trailing
 * text) and never print; they fill an error buffer and the reader passes
 * it on with the line number.  A last line without its newline is
 * treated as truncated and rejected, since a cut number still parses.
 */
#ifndef MXS_STATE_H
#define MXS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/addr.h"

#define STATE_MAGIC "mxscreen-state"
#define STATE_VERSION 1
/* Longest line the writer produces: a hold of a 255-byte login, every
 * byte encoded (about 790 bytes); anything longer is not a state line. */
#define STATE_LINE_MAX 1024
/* A hold's login: 1..STATE_LOGIN_MAX bytes once decoded, no NUL. */
#define STATE_LOGIN_MAX 255
/* 9999-12-31T23:59:59Z: bounds every time in the file. */
#define STATE_UNIX_MAX 253402300799ull
/* The instance line's pin path: 1..STATE_PIN_PATH_MAX bytes, absolute. */
#define STATE_PIN_PATH_MAX 255
/* Offence counts beyond this are not plausible (and the ban doubles). */
#define STATE_COUNT_MAX 1000000u

enum state_kind {
	STATE_ENTRY = 0,    /* a block or allow entry */
	STATE_OFFENCE = 1,  /* a rate offence memory */
	STATE_HOLD = 2,	    /* a login the policy service holds */
	STATE_INSTANCE = 3, /* the pin path of the daemon that wrote it */
};

struct state_record {
	enum state_kind kind;
	struct addr_cidr cidr;
	uint8_t list;	 /* entry: MXS_LIST_ALLOW or MXS_LIST_BLOCK */
	uint8_t reason;	 /* entry: MXS_REASON_DNSBL or MXS_REASON_RATE */
	uint8_t classes; /* entry: MXS_CLASS_BIT mask, never 0 */
	uint32_t count;	 /* offence: 1..STATE_COUNT_MAX */
	uint64_t unix_s; /* entry: expiry (0 = never); offence: last;
			  * hold: its end */
	char login[STATE_LOGIN_MAX + 1]; /* hold: decoded, NUL-terminated */
	char pin_path[STATE_PIN_PATH_MAX + 1]; /* instance: decoded */
};

/* The first line, without newline: "mxscreen-state 1". */
void state_format_header(char *buf, size_t len);

/* One record as a line without newline.  Returns 0, -EINVAL for a record
 * the format cannot hold (reason manual/list, classes 0, ...) or
 * -ENOSPC when buf is too small (STATE_LINE_MAX is always enough). */
int state_format_record(const struct state_record *r, char *buf, size_t len);

/* Parse one line (NUL-terminated, no newline).  Returns 1 for a record
 * in *r, 0 for a blank or comment line, or -EINVAL with the reason in
 * err. */
int state_parse_line(const char *line, struct state_record *r, char *err,
		     size_t errlen);

/* Read a whole file: the header, then records.  on_record gets every
 * good record (a non-zero return stops the read and is returned);
 * on_bad every bad line with its number and the reason.  A header with
 * another version is reported and ends the read (returns -EPROTO); a
 * missing header is reported and the lines are read as version 1.
 * Returns 0, the callback's value, or -errno on a read error. */
typedef int (*state_record_fn)(const struct state_record *r, void *ctx);
typedef void (*state_bad_fn)(unsigned long lineno, const char *why, void *ctx);
struct state_report {
	unsigned long lines, records, bad;
};
int state_read(FILE *in, state_record_fn on_record, state_bad_fn on_bad,
	       void *ctx, struct state_report *report);

#endif /* MXS_STATE_H */
