// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * handshake.c - loading and hooking the handshake program, and reading
 * what it reports.
 *
 * The program lives in the same embedded object as the XDP program; the
 * daemon opens that object, turns the XDP program off (it is the loader's)
 * and loads the rest against the maps pinned under the pin path, so that
 * both programs see one "ports" map and one "dnsbl_cache".
 *
 * The hook is on the cgroup v2 root, the one place that sees every
 * accepted connection whichever service (and cgroup) accepted it.  It also
 * sees other network namespaces' connections; the program drops those by
 * netns cookie (see hs_netns_cookie in bpf/handshake.bpf.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "handshake.h"
#include "mxscreen.skel.h"
#include "lib/kmap.h"
#include "lib/log.h"
#include "../../loader/loader.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* Where cgroup2 is usually mounted: alone (unified hierarchy), or beside
 * the v1 controllers (hybrid, systemd's older default). */
#define HANDSHAKE_CGROUP_UNIFIED "/sys/fs/cgroup"
#define HANDSHAKE_CGROUP_HYBRID "/sys/fs/cgroup/unified"

struct handshake {
	struct mxscreen_bpf *skel;
	struct bpf_link *link;
	struct ring_buffer *rb;
	handshake_event_fn fn;
	void *ctx;
};

_Static_assert(sizeof(struct mxs_hs_stats) % sizeof(uint64_t) == 0,
	       "mxs_hs_stats is a record of __u64 counters (kmap_percpu_sum)");

/*
 * The cgroup v2 root as mounted: /sys/fs/cgroup when that is cgroup2, else
 * /sys/fs/cgroup/unified when that is, else the first cgroup2 mount.  In a
 * cgroup namespace this is the namespace's root, which covers only the
 * services inside it.
 */
static int handshake_cgroup_root(char *path, size_t size)
{
	struct mntent *m;
	int best = -1;
	size_t len;
	FILE *f;

	f = setmntent("/proc/self/mounts", "r");
	if (!f) {
		int err = -errno;

		log_error("cannot read /proc/self/mounts to find the "
			  "cgroup v2 root: %s; mount /proc",
			  strerror(-err));
		return err;
	}
	while ((m = getmntent(f))) {
		int rank;

		if (strcmp(m->mnt_type, "cgroup2") != 0)
			continue;
		if (strcmp(m->mnt_dir, HANDSHAKE_CGROUP_UNIFIED) == 0)
			rank = 0;
		else if (strcmp(m->mnt_dir, HANDSHAKE_CGROUP_HYBRID) == 0)
			rank = 1;
		else
			rank = 2;
		if (best >= 0 && rank >= best)
			continue;
		len = strlen(m->mnt_dir);
		if (len >= size)
			continue;
		memcpy(path, m->mnt_dir, len + 1);
		best = rank;
	}
	endmntent(f);
	if (best < 0) {
		log_error("cannot watch handshakes: no cgroup v2 filesystem "
			  "is mounted; mount one (mount -t cgroup2 none %s, "
			  "or %s where %s holds cgroup v1)",
			  HANDSHAKE_CGROUP_UNIFIED, HANDSHAKE_CGROUP_HYBRID,
			  HANDSHAKE_CGROUP_UNIFIED);
		return -ENOENT;
	}
	return 0;
}

static int handshake_attach(struct handshake *hs)
{
	char root[PATH_MAX];
	int fd, err;

	err = handshake_cgroup_root(root, sizeof(root));
	if (err)
		return err;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		log_error("cannot open the cgroup v2 root %s: %s", root,
			  strerror(-err));
		return err;
	}
	hs->link = bpf_program__attach_cgroup(hs->skel->progs.mxscreen_hs, fd);
	err = hs->link ? 0 : -errno;
	close(fd); /* the link holds the cgroup */
	if (err)
		log_error("cannot attach the handshake program to the "
			  "cgroup %s: %s; run as root (CAP_BPF, CAP_NET_ADMIN)",
			  root, strerror(-err));
	return err;
}

/* ring_buffer callback: one record of the "events" map. */
static int handshake_sample(void *ctx, void *data, size_t size)
{
	struct handshake *hs = ctx;
	struct mxs_event ev;

	/* A record of another size was written by another version of the
	 * program sharing the pinned ring: not ours to interpret. */
	if (size != sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	hs->fn(&ev, hs->ctx);
	return 0;
}

int handshake_open(struct handshake **out, const char *pin_path,
		   uint64_t netns_cookie, handshake_event_fn fn, void *ctx)
{
	struct loader_opts opts = {.pin_path = pin_path};
	struct handshake *hs;
	int err;

	*out = NULL;
	err = loader_prepare_pin_path(pin_path);
	if (err)
		return err;
	hs = calloc(1, sizeof(*hs));
	if (!hs) {
		log_error("cannot watch handshakes: out of memory");
		return -ENOMEM;
	}
	hs->fn = fn;
	hs->ctx = ctx;

	hs->skel = mxscreen_bpf__open();
	if (!hs->skel) {
		err = -errno;
		log_error("cannot open the embedded BPF object: %s",
			  strerror(-err));
		goto fail;
	}
	err = loader_use_pins(hs->skel->obj, &opts);
	if (err)
		goto fail;
	/* the XDP program is the loader's: load only the handshake program */
	err = bpf_program__set_autoload(hs->skel->progs.mxscreen_xdp, false);
	if (err) {
		log_error("cannot prepare the handshake program: %s",
			  strerror(-err));
		goto fail;
	}
	hs->skel->rodata->hs_netns_cookie = netns_cookie;
	err = mxscreen_bpf__load(hs->skel);
	if (err) {
		log_error("cannot load the handshake program with the maps "
			  "under %s: %s; run as root (libbpf's details are "
			  "logged with -vv)",
			  pin_path, strerror(-err));
		goto fail;
	}
	err = handshake_attach(hs);
	if (err)
		goto fail;
	hs->rb = ring_buffer__new(bpf_map__fd(hs->skel->maps.events),
				  handshake_sample, hs, NULL);
	if (!hs->rb) {
		err = -errno;
		log_error("cannot read the ring buffer %s/%s: %s", pin_path,
			  MXS_MAP_EVENTS, strerror(-err));
		goto fail;
	}
	*out = hs;
	return 0;
fail:
	handshake_close(hs);
	return err;
}

int handshake_epoll_fd(struct handshake *hs)
{
	return ring_buffer__epoll_fd(hs->rb);
}

int handshake_consume(struct handshake *hs)
{
	int n = ring_buffer__consume(hs->rb);

	if (n < 0)
		log_error("cannot read handshake events from %s: %s",
			  MXS_MAP_EVENTS, strerror(-n));
	return n;
}

int handshake_stats(struct handshake *hs, struct mxs_hs_stats *total)
{
	int err = kmap_percpu_sum(bpf_map__fd(hs->skel->maps.hs_stats), total,
				  sizeof(*total));

	if (err)
		log_error("cannot read the handshake counters (%s): %s",
			  MXS_MAP_HS_STATS, strerror(-err));
	return err;
}

void handshake_close(struct handshake *hs)
{
	if (!hs)
		return;
	ring_buffer__free(hs->rb);
	bpf_link__destroy(hs->link);
	mxscreen_bpf__destroy(hs->skel);
	free(hs);
}

int handshake_netns_cookie(uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		log_error("cannot create a socket to read the network "
			  "namespace cookie: %s",
			  strerror(-err));
		return err;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len)) {
		err = -errno;
		if (err == -ENOPROTOOPT)
			log_error("cannot read the network namespace cookie: "
				  "the kernel lacks SO_NETNS_COOKIE; it needs "
				  "Linux 5.14 or later");
		else
			log_error("cannot read the network namespace "
				  "cookie: %s",
				  strerror(-err));
	}
	close(fd);
	return err;
}
