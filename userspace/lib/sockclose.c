// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sockclose.c - ending the open connections of banned sources
 * (sockclose.h).
 *
 * The targets live in an array here; for the bpf mechanism they are also
 * written into the iterator's "close_targets" trie for the walk and
 * deleted after it, so the trie holds one batch at a time.  The
 * sock_diag mechanism matches in userspace with the same rule (longest
 * prefix, then the port's class), looking at the "ports" map only for
 * sockets whose address matched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kmap.h"
#include "sockclose.h"
#include "sockdiag.h"
#include "sockclose.skel.h"

struct sockclose_target {
	struct mxs_close_key key;
	struct mxs_close_target val;
};

struct sockclose {
	enum mxs_close_mechanism mech;
	int ports_fd;
	struct sockclose_bpf *skel; /* bpf: the iterator, loaded */
	struct bpf_link *link;	    /* bpf: attached, read per walk */
	struct sockclose_target target[MXS_CLOSE_TARGETS_MAX];
	size_t n;
	bool walked; /* target[] holds the last walk's results */
};

const char *sockclose_mechanism_name(enum mxs_close_mechanism m)
{
	switch (m) {
	case MXS_CLOSE_BPF_ITER:
		return "bpf_sock_destroy";
	case MXS_CLOSE_SOCK_DIAG:
		return "sock_diag";
	case MXS_CLOSE_UNAVAILABLE:
		return "unavailable";
	case MXS_CLOSE_OFF:
		break;
	}
	return "off";
}

enum mxs_close_mechanism sockclose_mechanism(const struct sockclose *sc)
{
	return sc->mech;
}

/* The kfunc is looked for in the kernel's BTF first: a clear reason on
 * an older kernel, and no failed program load to explain. */
static int sockclose_bpf_start(struct sockclose *sc, char *why, size_t len)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int err;

	if (!vmlinux) {
		snprintf(why, len, "no kernel BTF (%s)", strerror(errno));
		return -ENOENT;
	}
	err = btf__find_by_name_kind(vmlinux, "bpf_sock_destroy",
				     BTF_KIND_FUNC) < 0
		  ? -ENOENT
		  : 0;
	btf__free(vmlinux);
	if (err) {
		snprintf(why, len, "kernel has no bpf_sock_destroy (6.5+)");
		return err;
	}
	sc->skel = sockclose_bpf__open();
	if (!sc->skel) {
		err = -errno;
		snprintf(why, len, "cannot open the iterator: %s",
			 strerror(-err));
		return err;
	}
	err = bpf_map__reuse_fd(sc->skel->maps.ports, sc->ports_fd);
	if (!err)
		err = sockclose_bpf__load(sc->skel);
	if (err) {
		snprintf(why, len, "cannot load the iterator: %s",
			 strerror(-err));
		return err;
	}
	sc->link =
	    bpf_program__attach_iter(sc->skel->progs.mxs_close_tcp, NULL);
	if (!sc->link) {
		err = -errno;
		snprintf(why, len, "cannot attach the iterator: %s",
			 strerror(-err));
		return err;
	}
	return 0;
}

static void sockclose_bpf_stop(struct sockclose *sc)
{
	bpf_link__destroy(sc->link);
	sc->link = NULL;
	sockclose_bpf__destroy(sc->skel);
	sc->skel = NULL;
}

static int sockclose_diag_start(char *why, size_t len)
{
	int err = sockdiag_probe();

	if (err == -EOPNOTSUPP)
		snprintf(why, len, "kernel without CONFIG_INET_DIAG_DESTROY");
	else if (err)
		snprintf(why, len, "sock_diag: %s", strerror(-err));
	return err;
}

int sockclose_open(int ports_fd, struct sockclose **out, char *why,
		   size_t why_len)
{
	const char *force = getenv(SOCKCLOSE_ENV);
	char bpf_why[128] = "", diag_why[128] = "";
	struct sockclose *sc;
	bool try_bpf = true, try_diag = true;

	*out = NULL;
	if (force && *force && strcmp(force, "auto") != 0) {
		try_bpf = strcmp(force, "bpf") == 0;
		try_diag = strcmp(force, "sock_diag") == 0;
		if (!try_bpf && !try_diag && strcmp(force, "none") != 0)
			return -EINVAL;
	}
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	sc->ports_fd = ports_fd;
	sc->mech = MXS_CLOSE_UNAVAILABLE;
	if (!try_bpf)
		snprintf(bpf_why, sizeof(bpf_why), "%s=%s", SOCKCLOSE_ENV,
			 force);
	else if (sockclose_bpf_start(sc, bpf_why, sizeof(bpf_why)) == 0)
		sc->mech = MXS_CLOSE_BPF_ITER;
	else
		sockclose_bpf_stop(sc);
	if (sc->mech == MXS_CLOSE_UNAVAILABLE) {
		if (!try_diag)
			snprintf(diag_why, sizeof(diag_why), "%s=%s",
				 SOCKCLOSE_ENV, force ? force : "");
		else if (sockclose_diag_start(diag_why, sizeof(diag_why)) == 0)
			sc->mech = MXS_CLOSE_SOCK_DIAG;
	}
	if (why && why_len) {
		if (sc->mech == MXS_CLOSE_BPF_ITER)
			why[0] = '\0';
		else if (sc->mech == MXS_CLOSE_SOCK_DIAG)
			snprintf(why, why_len, "%s", bpf_why);
		else
			snprintf(why, why_len, "%s; %s", bpf_why, diag_why);
	}
	*out = sc;
	return 0;
}

void sockclose_free(struct sockclose *sc)
{
	if (!sc)
		return;
	sockclose_bpf_stop(sc);
	free(sc);
}

/* The trie's key: IPv4 as ::ffff:a.b.c.d, as sockets show it. */
static int sockclose_key(const struct addr_cidr *cidr, struct mxs_close_key *k)
{
	memset(k, 0, sizeof(*k));
	if (cidr->family == MXS_FAMILY_V4 && cidr->prefixlen <= 32) {
		k->addr[10] = k->addr[11] = 0xff;
		memcpy(k->addr + 12, cidr->addr, 4);
		k->prefixlen = 96u + cidr->prefixlen;
		return 0;
	}
	if (cidr->family == MXS_FAMILY_V6 && cidr->prefixlen <= 128) {
		memcpy(k->addr, cidr->addr, 16);
		k->prefixlen = cidr->prefixlen;
		return 0;
	}
	return -EINVAL;
}

static int sockclose_find(const struct sockclose *sc,
			  const struct mxs_close_key *key)
{
	for (size_t i = 0; i < sc->n; i++)
		if (memcmp(&sc->target[i].key, key, sizeof(*key)) == 0)
			return (int)i;
	return -1;
}

int sockclose_add(struct sockclose *sc, const struct addr_cidr *cidr,
		  uint8_t classes)
{
	struct mxs_close_key key;
	int err = sockclose_key(cidr, &key), idx;

	if (err)
		return err;
	if (sc->walked) {
		sc->n = 0;
		sc->walked = false;
	}
	idx = sockclose_find(sc, &key);
	if (idx >= 0) {
		sc->target[idx].val.classes |= classes;
		return idx;
	}
	if (sc->n == MXS_CLOSE_TARGETS_MAX)
		return -ENOSPC;
	sc->target[sc->n] = (struct sockclose_target){
	    .key = key,
	    .val = {.classes = classes},
	};
	return (int)sc->n++;
}

size_t sockclose_pending(const struct sockclose *sc)
{
	return sc->walked ? 0 : sc->n;
}

void sockclose_result(const struct sockclose *sc, int index, uint32_t *closed,
		      uint32_t *failed)
{
	bool ok = sc->walked && index >= 0 && (size_t)index < sc->n;

	*closed = ok ? sc->target[index].val.closed : 0;
	*failed = ok ? sc->target[index].val.failed : 0;
}

/* ---- a ban and its exceptions ------------------------------------------ */

struct sockclose_spare_ctx {
	struct sockclose *sc;
	const struct addr_cidr *ban;
	uint64_t now_ns;
	int err;
};

static int sockclose_spare_entry(const struct addr_cidr *cidr,
				 const struct mxs_entry *e, void *ctx)
{
	struct sockclose_spare_ctx *c = ctx;
	int rc;

	if (e->expires_ns && e->expires_ns <= c->now_ns)
		return 0;
	if (cidr->prefixlen <= c->ban->prefixlen ||
	    !addr_contains(c->ban, cidr))
		return 0;
	rc = sockclose_add(c->sc, cidr, 0);
	if (rc < 0) {
		c->err = rc;
		return rc;
	}
	return 0;
}

int sockclose_add_ban(struct sockclose *sc, struct kmap *km,
		      const struct addr_cidr *cidr, uint8_t classes,
		      uint64_t now_ns)
{
	struct addr_cidr first = *cidr;
	struct kmap_cover cover;
	struct sockclose_spare_ctx c = {sc, cidr, now_ns, 0};
	struct mxs_close_key key;
	size_t saved_n;
	uint8_t saved_classes = 0;
	int idx, err;

	first.prefixlen = cidr->family == MXS_FAMILY_V6 ? 128 : 32;
	if (kmap_find_cover(km, MXS_LIST_ALLOW, &first, &cover) == 0) {
		bool host_live =
		    cover.host_found && (!cover.host_e.expires_ns ||
					 cover.host_e.expires_ns > now_ns);
		bool net_live =
		    cover.net_found && (!cover.net_e.expires_ns ||
					cover.net_e.expires_ns > now_ns);

		if (host_live && addr_is_host(cidr))
			return -ENOENT;
		if (net_live && cover.net.prefixlen <= cidr->prefixlen)
			return -ENOENT;
	}
	if (sc->walked) {
		sc->n = 0;
		sc->walked = false;
	}
	saved_n = sc->n;
	if (sockclose_key(cidr, &key) == 0 &&
	    (idx = sockclose_find(sc, &key)) >= 0)
		saved_classes = sc->target[idx].val.classes;
	idx = sockclose_add(sc, cidr, classes);
	if (idx < 0 || addr_is_host(cidr))
		return idx;
	/* a prefix: the allowed sources inside it keep their connections */
	err = kmap_family_walk(km, MXS_LIST_ALLOW, cidr->family,
			       sockclose_spare_entry, &c);
	if (c.err)
		err = c.err;
	if (err) {
		/* never half a target: without all its exceptions it could
		 * end an allowed source's connection */
		sc->n = saved_n;
		if ((size_t)idx < saved_n)
			sc->target[idx].val.classes = saved_classes;
		return err;
	}
	return idx;
}

/* ---- the walk: bpf ----------------------------------------------------- */

static int sockclose_run_bpf(struct sockclose *sc)
{
	int map_fd = bpf_map__fd(sc->skel->maps.close_targets);
	int iter_fd, err = 0, total = 0;
	char buf[256];
	size_t i;

	for (i = 0; i < sc->n && !err; i++)
		if (bpf_map_update_elem(map_fd, &sc->target[i].key,
					&sc->target[i].val, BPF_ANY))
			err = -errno;
	if (!err) {
		iter_fd = bpf_iter_create(bpf_link__fd(sc->link));
		if (iter_fd < 0) {
			err = iter_fd;
		} else {
			ssize_t n;

			/* the program prints nothing: reading to the end
			 * is the walk */
			while ((n = read(iter_fd, buf, sizeof(buf))) > 0 ||
			       (n < 0 && errno == EINTR))
				;
			if (n < 0)
				err = -errno;
			close(iter_fd);
		}
	}
	for (size_t j = 0; j < i; j++) {
		struct mxs_close_target v;

		if (!err &&
		    bpf_map_lookup_elem(map_fd, &sc->target[j].key, &v) == 0) {
			sc->target[j].val.closed = v.closed;
			sc->target[j].val.failed = v.failed;
			total += (int)v.closed;
		}
		bpf_map_delete_elem(map_fd, &sc->target[j].key);
	}
	return err ? err : total;
}

/* ---- the walk: sock_diag ----------------------------------------------- */

static bool sockclose_key_contains(const struct mxs_close_key *k,
				   const uint8_t addr[16])
{
	uint32_t bytes = k->prefixlen / 8, bits = k->prefixlen % 8;

	if (memcmp(k->addr, addr, bytes) != 0)
		return false;
	return !bits || ((k->addr[bytes] ^ addr[bytes]) &
			 (uint8_t)(0xff00u >> bits)) == 0;
}

static int sockclose_diag_match(void *ctx, const uint8_t raddr[16],
				uint16_t lport)
{
	struct sockclose *sc = ctx;
	mxs_port_class_t class_bit = 0;
	uint32_t port = lport;
	int best = -1;

	for (size_t i = 0; i < sc->n; i++)
		if (sockclose_key_contains(&sc->target[i].key, raddr) &&
		    (best < 0 || sc->target[i].key.prefixlen >
				     sc->target[best].key.prefixlen))
			best = (int)i;
	if (best < 0 || !sc->target[best].val.classes)
		return -1;
	if (bpf_map_lookup_elem(sc->ports_fd, &port, &class_bit) ||
	    !(class_bit & sc->target[best].val.classes))
		return -1;
	return best;
}

static void sockclose_diag_done(void *ctx, int tag, int err)
{
	struct sockclose *sc = ctx;

	if (tag < 0 || (size_t)tag >= sc->n || err == -ENOENT)
		return;
	if (err)
		sc->target[tag].val.failed++;
	else
		sc->target[tag].val.closed++;
}

static int sockclose_run_diag(struct sockclose *sc)
{
	struct sockdiag_ops ops = {
	    .match = sockclose_diag_match,
	    .done = sockclose_diag_done,
	    .ctx = sc,
	};
	int rc = sockdiag_close_matching(&ops);
	int total = 0;

	for (size_t i = 0; i < sc->n; i++)
		total += (int)sc->target[i].val.closed;
	return rc < 0 ? rc : total;
}

int sockclose_run(struct sockclose *sc)
{
	int rc = 0;

	if (sc->walked || sc->n == 0)
		return 0;
	for (size_t i = 0; i < sc->n; i++)
		sc->target[i].val.closed = sc->target[i].val.failed = 0;
	if (sc->mech == MXS_CLOSE_BPF_ITER)
		rc = sockclose_run_bpf(sc);
	else if (sc->mech == MXS_CLOSE_SOCK_DIAG)
		rc = sockclose_run_diag(sc);
	/* a failed walk is not repeated: the bans stand, and the next
	 * batch walks again anyway */
	sc->walked = true;
	return rc;
}
