/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * settings.h - names and values of the screener's settings, shared by the
 * CLI and the daemon's config file: port lists with classes, class masks,
 * actions, attach modes, reasons, bounded numbers, rate limits.
 *
 * Contract: every parser is strict (no trailing garbage, bounds checked)
 * and returns 0 or -EINVAL/-ERANGE with a message in err that says what
 * was expected.  Name tables are the single place where an enum value is
 * spelled for humans.
 */
#ifndef MXS_SETTINGS_H
#define MXS_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "../../bpf/mxscreen.h"

/* At most this many screened ports (far more than any mail server has). */
#define SETTINGS_MAX_PORTS 32

struct settings_port {
	uint16_t port;  /* host byte order, 1..65535 */
	uint8_t class_; /* enum mxs_class */
};

struct settings_ports {
	unsigned int count;
	struct settings_port port[SETTINGS_MAX_PORTS];
};

/* The default set: 25=mx, 465=submission, 587=submission. */
void settings_ports_default(struct settings_ports *out);

/* Parse "25,465,587" or "25=mx,2525=mx,587=submission" (white space after
 * commas allowed).  A port without "=CLASS" gets its well-known class: 465
 * and 587 are submission, every other port mx.  Duplicates are an error. */
int settings_parse_ports(const char *text, struct settings_ports *out,
			 char *err, size_t errlen);

/* "25=mx,465=submission,587=submission" (always with classes), ports in
 * ascending order. */
void settings_format_ports(const struct settings_ports *ports, char *buf,
			   size_t len);

/* "mx", "submission" or "all" (also "mx,submission") -> MXS_CLASS_BIT mask. */
int settings_parse_classes(const char *text, uint8_t *mask, char *err,
			   size_t errlen);

/* "mx", "submission", "all" (both) or "none". */
const char *settings_classes_name(uint8_t mask);

/* Name of one class: "mx", "submission". */
const char *settings_class_name(enum mxs_class class_);

/* "drop" | "reset" */
int settings_parse_action(const char *text, enum mxs_action *out, char *err,
			  size_t errlen);
const char *settings_action_name(enum mxs_action action);

/* Attach modes as the CLI spells them. */
enum settings_mode {
	SETTINGS_MODE_AUTO = 0,
	SETTINGS_MODE_NATIVE = 1,
	SETTINGS_MODE_SKB = 2,
};
int settings_parse_mode(const char *text, enum settings_mode *out, char *err,
			size_t errlen);
const char *settings_mode_name(enum settings_mode mode);

/* "manual", "list", "dnsbl", "rate"; "none" for MXS_REASON_NONE and
 * "unknown" for anything out of range. */
const char *settings_reason_name(unsigned int reason);

/* Decimal unsigned number within [min, max]; no sign, no trailing text. */
int settings_parse_uint(const char *text, uint64_t min, uint64_t max,
			uint64_t *out, char *err, size_t errlen);

/*
 * Rate limits (struct mxs_rate, GCRA: see bpf/mxscreen.h).  The bounds
 * keep the kernel's arithmetic far from overflow: emission_ns * burst and
 * tau_ns are at most one period, so at most one day in ns (8.64e13, about
 * 2^46), and a TAT never runs more than that ahead of now.  A million
 * events per period is far beyond any SMTP client; patterns slower than
 * one a day are a matter for the block lists, not for a rate.
 */
#define SETTINGS_RATE_MAX_BURST 1000000u
#define SETTINGS_RATE_MIN_PERIOD 1u       /* seconds */
#define SETTINGS_RATE_MAX_PERIOD 86400u   /* seconds: one day */
/* Longest text settings_format_rate() writes, NUL included. */
#define SETTINGS_RATE_STRLEN 48

/* The GCRA parameters of burst events per period_s: emission_ns =
 * period / burst (at least 1), tau_ns = (burst - 1) * emission_ns.
 * burst 0 is off (all zero, whatever the period).  Returns 0, or -ERANGE
 * for a burst over SETTINGS_RATE_MAX_BURST or a period outside
 * [SETTINGS_RATE_MIN_PERIOD, SETTINGS_RATE_MAX_PERIOD] (out untouched).
 * The one place that arithmetic is done. */
int settings_rate_from(uint32_t burst, uint64_t period_s, struct mxs_rate *out);

/* "N/DURATION" (N 1..1000000, DURATION as duration_parse() reads it,
 * 1s..1d): "20/60s", "100/1m", "5/1h"; or "0" for off (all zero). */
int settings_parse_rate(const char *text, struct mxs_rate *out, char *err,
			size_t errlen);

/* "20/1m" ("N/DURATION", exact: "20/3601s" when the short form would
 * round) or "0" when off (emission_ns == 0).  NUL-terminates, cutting if
 * needed; len 0 writes nothing. */
void settings_format_rate(const struct mxs_rate *r, char *buf, size_t len);

/* IPv6 sources share a rate bucket (and a rate ban) per prefix of this
 * length: a decimal number from MXS_MIN_RATE_PREFIX_V6 (48) to 128.  A
 * /48 is what one site gets; anything shorter would put the customers of
 * a whole provider under one limit and one ban. */
int settings_parse_prefix_v6(const char *text, uint32_t *out, char *err,
			     size_t errlen);

#endif /* MXS_SETTINGS_H */
