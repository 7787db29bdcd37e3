/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * addr.h - parsing and printing of IP addresses and CIDR prefixes.
 *
 * Contract: IPv4-mapped IPv6 (::ffff:a.b.c.d[/96..128]) is turned into
 * plain IPv4, because that is how the kernel sees such a sender.  A prefix
 * with host bits set is an error whose message names the prefix the user
 * probably meant.  Parsers never print; they fill an error buffer that the
 * caller turns into its own message (CLI: stderr; daemon: file:line).
 */
#ifndef MXS_ADDR_H
#define MXS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../bpf/mxscreen.h"

/* A prefix: family is MXS_FAMILY_V4 or MXS_FAMILY_V6; addr in network byte
 * order, IPv4 in addr[0..3] and the rest zero; host bits always zero. */
struct addr_cidr {
	uint8_t family;
	uint8_t prefixlen;
	uint8_t addr[16];
};

/* Longest text addr_format_cidr() writes, NUL included. */
#define ADDR_CIDR_STRLEN 50

/* Parse "ADDR" or "ADDR/LEN".  Without /LEN the prefix is a host (/32 or
 * /128).  Leading and trailing white space is not accepted.
 * Returns 0, or -EINVAL with a message in err ("192.0.2.1/24 has host bits
 * set; did you mean 192.0.2.0/24?"). */
int addr_parse_cidr(const char *text, struct addr_cidr *out, char *err,
		    size_t errlen);

/* Parse a single address (no "/LEN"); result is a host prefix. */
int addr_parse_ip(const char *text, struct addr_cidr *out, char *err,
		  size_t errlen);

/* "192.0.2.1" for hosts, "192.0.2.0/24" for networks, IPv6 in RFC 5952
 * form.  Always NUL-terminates; buf should hold ADDR_CIDR_STRLEN. */
void addr_format_cidr(const struct addr_cidr *cidr, char *buf, size_t len);

/* True when the prefix is a single address (/32 or /128). */
bool addr_is_host(const struct addr_cidr *cidr);

/* True when ip (any prefix length) lies inside net. */
bool addr_contains(const struct addr_cidr *net, const struct addr_cidr *ip);

/* Three-way compare for sorting: family, then address, then prefixlen. */
int addr_compare(const struct addr_cidr *a, const struct addr_cidr *b);

#endif /* MXS_ADDR_H */
