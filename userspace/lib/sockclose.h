/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sockclose.h - ending the open TCP connections of banned sources.
 *
 * A ban in the maps stops a source's next SYN; the connections it already
 * has stay open (postscreen holds a bot's first one through its greet
 * wait, a password guesser keeps guessing on its session).  This module
 * ends them: the caller adds targets (a banned prefix and the port
 * classes it is banned for), then one walk of the socket table of the
 * calling process's network namespace aborts every connection from a
 * target to a screened port of its classes.  The server's read fails, so
 * postscreen or smtpd frees the slot, and the client gets a RST.
 *
 * Mechanisms, the first that works (MXSCREEN_CLOSE_MECHANISM=bpf,
 * sock_diag or none in the environment forces one, for tests):
 *   - bpf: the iterator of bpf/sockclose.bpf.c with bpf_sock_destroy()
 *     (kernel 6.5): the kernel walks and filters, nothing is copied out;
 *   - sock_diag: the netlink dump and SOCK_DESTROY that `ss -K` uses
 *     (kernel built with CONFIG_INET_DIAG_DESTROY; Debian's is);
 *   - neither: sockclose_open() still succeeds, the mechanism is
 *     MXS_CLOSE_UNAVAILABLE with the reason, and sockclose_run() ends
 *     nothing; bans still stop new connections.
 *
 * Targets use longest-prefix match: an allowed source inside a banned
 * prefix is added with classes 0 and keeps its connections
 * (sockclose_add_ban() does that from the allow lists).
 *
 * Contract: functions return 0 (or a count, an index) or -errno and log
 * nothing; the caller words the message.
 */
#ifndef MXS_SOCKCLOSE_H
#define MXS_SOCKCLOSE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "../../bpf/mxscreen.h"

struct kmap;
struct sockclose;

/* The environment variable that forces a mechanism. */
#define SOCKCLOSE_ENV "MXSCREEN_CLOSE_MECHANISM"

/* Pick the mechanism for the "ports" map ports_fd (kept, not owned).
 * why (may be NULL) receives, when a better mechanism was not usable,
 * the reason ("kernel has no bpf_sock_destroy (6.5+)").  Fails only on
 * -ENOMEM and a bad SOCKCLOSE_ENV value (-EINVAL). */
int sockclose_open(int ports_fd, struct sockclose **out, char *why,
		   size_t why_len);
void sockclose_free(struct sockclose *sc);

enum mxs_close_mechanism sockclose_mechanism(const struct sockclose *sc);
/* "bpf_sock_destroy", "sock_diag", "unavailable", "off". */
const char *sockclose_mechanism_name(enum mxs_close_mechanism m);

/* Add a target for the next walk: connections from cidr to ports of the
 * classes (MXS_CLASS_BIT mask; 0: keep them, an exception inside a wider
 * target).  Adding the same prefix again ORs the classes.  Returns the
 * target's index (for sockclose_result()), -ENOSPC past
 * MXS_CLOSE_TARGETS_MAX, -EINVAL for a bad prefix. */
int sockclose_add(struct sockclose *sc, const struct addr_cidr *cidr,
		  uint8_t classes);

/* A ban's target with its exceptions: nothing when a live allow entry
 * covers the whole of cidr (the source is not refused), else cidr, plus
 * every live allow entry inside it as an exception.  Returns the index,
 * -ENOENT when there is nothing to end, or -errno. */
int sockclose_add_ban(struct sockclose *sc, struct kmap *km,
		      const struct addr_cidr *cidr, uint8_t classes,
		      uint64_t now_ns);

/* Targets added since the last walk. */
size_t sockclose_pending(const struct sockclose *sc);

/* One walk of the socket table for every pending target.  Returns the
 * connections ended, or -errno when the walk failed (the targets are
 * dropped all the same: their bans stand).  Then sockclose_result()
 * gives each target's counts, until the next sockclose_add(). */
int sockclose_run(struct sockclose *sc);
void sockclose_result(const struct sockclose *sc, int index, uint32_t *closed,
		      uint32_t *failed);

#endif /* MXS_SOCKCLOSE_H */
