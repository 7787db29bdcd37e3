/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * handshake.h - the daemon's side of the handshake program
 * (bpf/handshake.bpf.h): load it against the pinned maps, hook it on the
 * cgroup v2 root, and read the "events" ring buffer and "hs_stats".
 *
 * Contract: the hook is a BPF link owned by this process.  It goes away
 * with handshake_close() or when the process dies, and the XDP screener
 * (attached by the loader, sharing the pinned maps) keeps working without
 * it.  Functions return 0 (or a count) or a negative errno and log one
 * message, where the failure is detected, saying what failed, on what,
 * and what to do.  One consumer per pin path: the ring buffer's read
 * position lives in the pinned map.
 */
#ifndef MXS_HANDSHAKE_H
#define MXS_HANDSHAKE_H

#include <stdint.h>

#include "../../bpf/mxscreen.h"

struct handshake;

/* Called once per event by handshake_consume(); ev is valid during the
 * call only. */
typedef void (*handshake_event_fn)(const struct mxs_event *ev, void *ctx);

/*
 * Load the handshake program with the maps pinned under pin_path (creating
 * and pinning any that are missing, at their default sizes), watching the
 * network namespace with cookie netns_cookie (0: every namespace), attach
 * it to the cgroup v2 root and set up the ring buffer reader.
 */
int handshake_open(struct handshake **out, const char *pin_path,
		   uint64_t netns_cookie, handshake_event_fn fn, void *ctx);

/* Readable when events are waiting (for the daemon's epoll loop). */
int handshake_epoll_fd(struct handshake *hs);

/* Hand every waiting event to fn without blocking; returns how many, or a
 * negative errno. */
int handshake_consume(struct handshake *hs);

/* The handshake program's counters summed over all CPUs. */
int handshake_stats(struct handshake *hs, struct mxs_hs_stats *total);

/* Detach, stop reading and free; NULL is fine.  The pins stay. */
void handshake_close(struct handshake *hs);

/* The cookie of the caller's own network namespace (SO_NETNS_COOKIE),
 * for handshake_open(). */
int handshake_netns_cookie(uint64_t *cookie);

#endif /* MXS_HANDSHAKE_H */
