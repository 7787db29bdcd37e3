/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * loader.h - attaching the XDP screener to interfaces with libxdp, and
 * creating, reusing and removing its pinned maps.
 *
 * Contract: all interfaces share the one set of maps pinned under the pin
 * path; the first attach creates them with the requested sizes, later ones
 * reuse them (sizes come from what is pinned).  Detach leaves the maps and
 * their entries in place; only loader_purge() removes them.  Functions
 * return 0 or a negative errno and log one message saying what failed, on
 * what, and what to do.
 */
#ifndef MXS_LOADER_H
#define MXS_LOADER_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/settings.h"

struct loader_opts {
	const char *pin_path;
	enum settings_mode mode;
	/* capacities for maps created by this attach; 0 = default */
	uint32_t block4_max, block6_max, allow4_max, allow6_max;
};

/* How the program sits on one interface. */
struct loader_iface {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
	uint32_t prog_id;
	enum settings_mode mode; /* NATIVE or SKB as attached */
	bool dispatcher;         /* libxdp multi-program dispatcher in front */
};

/* Route libbpf and libxdp messages into our log (debug unless verbose). */
void loader_setup_logging(int verbose);

/* Mount bpffs at /sys/fs/bpf when nothing is mounted there, create the pin
 * directory, and check that it is on a BPF filesystem. */
int loader_prepare_pin_path(const char *pin_path);

/* Before loading obj (the embedded object, opened by the caller): point
 * every map at its pin under o->pin_path, reusing what is pinned (with its
 * size, after checking type and layout) and sizing what will be created
 * from o.  Used by loader_attach() and by the daemon. */
struct bpf_object;
int loader_use_pins(struct bpf_object *obj, const struct loader_opts *o);

/* Attach to one interface.  *already is set when our program (with these
 * maps) was attached there before: that is success, not an error. */
int loader_attach(const char *ifname, const struct loader_opts *opts,
		  struct loader_iface *result, bool *already);

/* Detach our program from one interface; -ENOENT when it is not there. */
int loader_detach(const char *ifname, const char *pin_path);

/* Every interface (of this network namespace) that runs our program with
 * the maps under pin_path. */
int loader_find_attached(const char *pin_path, struct loader_iface *out,
			 size_t max, size_t *count);

/* Remove the pins under pin_path and the directory. */
int loader_purge(const char *pin_path);

#endif /* MXS_LOADER_H */
