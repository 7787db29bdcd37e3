// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loader.c - attach and detach the XDP screener with libxdp, and own the
 * lifecycle of its pinned maps.
 *
 * The BPF object is embedded in the binary (bpftool skeleton), so there is
 * no object file to find at run time.  libxdp tries its multi-program
 * dispatcher first; where the kernel refuses the dispatcher (no freplace
 * support, as on kernels without a function tracer) libxdp attaches the
 * program alone, and status reports which of the two happened.
 *
 * "Our" program on an interface is recognised by the maps it uses: it must
 * reference the config map pinned under our pin path, so that test
 * instances with other pin paths never touch each other's interfaces.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "loader.h"
#include "mxscreen.skel.h"
#include "lib/log.h"

#define LOADER_BPFFS "/sys/fs/bpf"
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

static int loader_verbose;

static int loader_libbpf_print(enum libbpf_print_level level, const char *fmt,
			       va_list ap)
{
	if (level == LIBBPF_DEBUG && loader_verbose < 2)
		return 0;
	if (level != LIBBPF_DEBUG && loader_verbose < 1)
		return 0;
	log_vmsg(LOG_LEVEL_INFO, fmt, ap);
	return 0;
}

static int loader_libxdp_print(enum libxdp_print_level level, const char *fmt,
			       va_list ap)
{
	if (level == LIBXDP_DEBUG && loader_verbose < 2)
		return 0;
	if (level != LIBXDP_DEBUG && loader_verbose < 1)
		return 0;
	log_vmsg(LOG_LEVEL_INFO, fmt, ap);
	return 0;
}

void loader_setup_logging(int verbose)
{
	loader_verbose = verbose;
	libbpf_set_print(loader_libbpf_print);
	libxdp_set_print(loader_libxdp_print);
}

static bool loader_is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

static int loader_mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int loader_prepare_pin_path(const char *pin_path)
{
	int err;

	if (!loader_is_bpffs(LOADER_BPFFS)) {
		if (mount("bpf", LOADER_BPFFS, "bpf", 0, "mode=0700")) {
			err = -errno;
			log_error("cannot mount the BPF filesystem on %s: %s; "
				  "mount it yourself (mount -t bpf bpf %s) or run as root",
				  LOADER_BPFFS, strerror(-err), LOADER_BPFFS);
			return err;
		}
		log_info("mounted the BPF filesystem on %s", LOADER_BPFFS);
	}
	err = loader_mkdir_p(pin_path);
	if (err) {
		log_error("cannot create pin directory %s: %s", pin_path,
			  strerror(-err));
		return err;
	}
	if (!loader_is_bpffs(pin_path)) {
		log_error("pin directory %s is not on a BPF filesystem; "
			  "choose one under %s", pin_path, LOADER_BPFFS);
		return -EINVAL;
	}
	return 0;
}

/* Kernel id of the config map pinned under pin_path, 0 when none. */
static uint32_t loader_pinned_config_id(const char *pin_path)
{
	char path[PATH_MAX];
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	uint32_t id = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_path, MXS_MAP_CONFIG);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
		id = info.id;
	close(fd);
	return id;
}

/* Is program prog_id ours: named like ours and, when our maps exist,
 * using our config map? */
static bool loader_prog_is_ours(uint32_t prog_id, uint32_t config_id)
{
	struct bpf_prog_info info;
	__u32 map_ids[64] = { 0 }; /* the kernel fills nr_map_ids of them */
	__u32 len = sizeof(info);
	bool ours = false;
	int fd = bpf_prog_get_fd_by_id(prog_id);

	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	    strcmp(info.name, MXS_PROG_NAME) == 0) {
		if (!config_id)
			ours = true;
		for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++)
			ours |= map_ids[i] == config_id;
	}
	close(fd);
	return ours;
}

static enum settings_mode loader_mode_of(enum xdp_attach_mode mode)
{
	return mode == XDP_MODE_SKB ? SETTINGS_MODE_SKB : SETTINGS_MODE_NATIVE;
}

/* Find our program on ifindex.  Returns 1 and fills *found (and hands back
 * the multiprog and program for detaching when wanted), 0 when absent. */
static int loader_find_on(unsigned int ifindex, uint32_t config_id,
			  struct loader_iface *found, struct xdp_multiprog **mp_out,
			  struct xdp_program **prog_out)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	struct xdp_program *prog = NULL;

	if (!mp || libxdp_get_error(mp))
		return 0;
	if (xdp_multiprog__is_legacy(mp)) {
		struct xdp_program *p = xdp_multiprog__main_prog(mp);

		if (p && loader_prog_is_ours(xdp_program__id(p), config_id))
			prog = p;
	} else {
		for (struct xdp_program *p = xdp_multiprog__next_prog(NULL, mp);
		     p; p = xdp_multiprog__next_prog(p, mp))
			if (loader_prog_is_ours(xdp_program__id(p), config_id)) {
				prog = p;
				break;
			}
	}
	if (!prog) {
		xdp_multiprog__close(mp);
		return 0;
	}
	if (found) {
		memset(found, 0, sizeof(*found));
		if (!if_indextoname(ifindex, found->name))
			snprintf(found->name, sizeof(found->name), "if%u", ifindex);
		found->ifindex = ifindex;
		found->prog_id = xdp_program__id(prog);
		found->mode = loader_mode_of(xdp_multiprog__attach_mode(mp));
		found->dispatcher = !xdp_multiprog__is_legacy(mp);
	}
	if (mp_out) {
		*mp_out = mp;
		*prog_out = prog;
	} else {
		xdp_multiprog__close(mp);
	}
	return 1;
}

static uint32_t loader_size_for(const char *name, const struct loader_opts *o)
{
	struct {
		const char *prefix;
		uint32_t want, dflt;
	} sizes[] = {
		{ "block4_", o->block4_max, MXS_DEFAULT_BLOCK4_MAX },
		{ "block6_", o->block6_max, MXS_DEFAULT_BLOCK6_MAX },
		{ "allow4_", o->allow4_max, MXS_DEFAULT_ALLOW4_MAX },
		{ "allow6_", o->allow6_max, MXS_DEFAULT_ALLOW6_MAX },
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (strncmp(name, sizes[i].prefix, strlen(sizes[i].prefix)) == 0)
			return sizes[i].want ? sizes[i].want : sizes[i].dflt;
	return 0; /* keep the object's own size */
}

int loader_use_pins(struct bpf_object *obj, const struct loader_opts *o)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		char path[PATH_MAX];
		int fd, err;

		if (bpf_map__is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", o->pin_path, name);
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			struct bpf_map_info info;
			__u32 len = sizeof(info);

			memset(&info, 0, sizeof(info));
			err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
			close(fd);
			if (err) {
				log_error("cannot inspect pinned map %s: %s", path,
					  strerror(-err));
				return err;
			}
			if (info.type != bpf_map__type(map) ||
			    info.key_size != bpf_map__key_size(map) ||
			    info.value_size != bpf_map__value_size(map) ||
			    info.map_flags != bpf_map__map_flags(map)) {
				log_error("pinned map %s does not match this version of mxscreen "
					  "(left by another version?); remove it with "
					  "'mxscreen --pin-path %s detach --all --purge'",
					  path, o->pin_path);
				return -EINVAL;
			}
			bpf_map__set_max_entries(map, info.max_entries);
		} else if (errno == ENOENT) {
			uint32_t size = loader_size_for(name, o);

			if (size)
				bpf_map__set_max_entries(map, size);
		} else {
			err = -errno;
			log_error("cannot open pinned map %s: %s", path,
				  strerror(-err));
			return err;
		}
		err = bpf_map__set_pin_path(map, path);
		if (err) {
			log_error("cannot set pin path %s: %s", path,
				  strerror(-err));
			return err;
		}
	}
	return 0;
}

static enum xdp_attach_mode loader_xdp_mode(enum settings_mode mode)
{
	switch (mode) {
	case SETTINGS_MODE_NATIVE:
		return XDP_MODE_NATIVE;
	case SETTINGS_MODE_SKB:
		return XDP_MODE_SKB;
	case SETTINGS_MODE_AUTO:
		break;
	}
	return XDP_MODE_UNSPEC;
}

static void loader_explain_attach_error(const char *ifname, int err,
					const struct loader_opts *o)
{
	char buf[256];

	switch (-err) {
	case EOPNOTSUPP:
		log_error("cannot attach to %s in %s mode: the driver does not support it; "
			  "use --mode skb (or auto; for mxscreend: xdp_mode = skb)",
			  ifname, settings_mode_name(o->mode));
		return;
	case EEXIST:
	case EBUSY:
		log_error("cannot attach to %s: another XDP program is attached there; "
			  "see 'xdp-loader status %s' and detach it first",
			  ifname, ifname);
		return;
	case EPERM:
	case EACCES:
		log_error("cannot attach to %s: permission denied; run as root "
			  "(CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)", ifname);
		return;
	default:
		libxdp_strerror(err, buf, sizeof(buf));
		log_error("cannot attach to %s: %s; run with -v for libbpf's details",
			  ifname, buf);
	}
}

int loader_attach(const char *ifname, const struct loader_opts *o,
		  struct loader_iface *result, bool *already)
{
	unsigned int ifindex = if_nametoindex(ifname);
	struct mxscreen_bpf *skel = NULL;
	struct xdp_program *prog = NULL;
	int err;

	*already = false;
	if (!ifindex) {
		log_error("cannot attach to %s: no such interface", ifname);
		return -ENODEV;
	}
	err = loader_prepare_pin_path(o->pin_path);
	if (err)
		return err;
	if (loader_find_on(ifindex, loader_pinned_config_id(o->pin_path),
			   result, NULL, NULL) &&
	    loader_pinned_config_id(o->pin_path)) {
		*already = true;
		return 0;
	}

	skel = mxscreen_bpf__open();
	if (!skel) {
		err = -errno;
		log_error("cannot open the embedded BPF object: %s", strerror(-err));
		return err;
	}
	err = loader_use_pins(skel->obj, o);
	if (!err)
		/* the handshake program is the daemon's to load */
		err = bpf_program__set_autoload(skel->progs.mxscreen_hs, false);
	if (err)
		goto out;
	prog = xdp_program__from_bpf_obj(skel->obj, "xdp");
	err = (int)libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		log_error("cannot prepare the XDP program: %s", strerror(-err));
		goto out;
	}
	err = xdp_program__attach(prog, (int)ifindex, loader_xdp_mode(o->mode), 0);
	if (err) {
		loader_explain_attach_error(ifname, err, o);
		goto out;
	}
	if (!loader_find_on(ifindex, loader_pinned_config_id(o->pin_path),
			    result, NULL, NULL)) {
		log_error("attached to %s, but the program is not found there afterwards",
			  ifname);
		err = -ENOENT;
	}
out:
	if (prog)
		xdp_program__close(prog);
	mxscreen_bpf__destroy(skel);
	return err;
}

int loader_detach(const char *ifname, const char *pin_path)
{
	unsigned int ifindex = if_nametoindex(ifname);
	struct xdp_multiprog *mp = NULL;
	struct xdp_program *prog = NULL;
	char buf[256];
	int err;

	if (!ifindex) {
		log_error("cannot detach from %s: no such interface", ifname);
		return -ENODEV;
	}
	if (!loader_find_on(ifindex, loader_pinned_config_id(pin_path), NULL,
			    &mp, &prog))
		return -ENOENT;
	err = xdp_program__detach(prog, (int)ifindex,
				  xdp_multiprog__attach_mode(mp), 0);
	if (err) {
		libxdp_strerror(err, buf, sizeof(buf));
		log_error("cannot detach from %s: %s", ifname, buf);
	}
	xdp_multiprog__close(mp);
	return err;
}

int loader_find_attached(const char *pin_path, struct loader_iface *out,
			 size_t max, size_t *count)
{
	struct if_nameindex *ifs = if_nameindex();
	uint32_t config_id = loader_pinned_config_id(pin_path);

	*count = 0;
	if (!ifs) {
		int err = -errno;

		log_error("cannot list network interfaces: %s", strerror(-err));
		return err;
	}
	for (struct if_nameindex *i = ifs; i->if_index && *count < max; i++)
		if (loader_find_on(i->if_index, config_id, &out[*count], NULL,
				   NULL))
			(*count)++;
	if_freenameindex(ifs);
	return 0;
}

int loader_purge(const char *pin_path)
{
	static const char *const names[] = {
		MXS_MAP_CONFIG, MXS_MAP_PORTS, MXS_MAP_STATS, MXS_MAP_META,
		MXS_MAP_HINTS, MXS_MAP_EVENTS, MXS_MAP_HS_STATS,
		MXS_MAP_DNSBL_CACHE, MXS_MAP_DAEMON, MXS_MAP_RATE_SYN,
		MXS_MAP_RATE_CONN, MXS_MAP_OFFENCES,
		MXS_MAP_ALLOW4_HOST, MXS_MAP_ALLOW4_NET, MXS_MAP_ALLOW6_HOST,
		MXS_MAP_ALLOW6_NET, MXS_MAP_BLOCK4_HOST, MXS_MAP_BLOCK4_NET,
		MXS_MAP_BLOCK6_HOST, MXS_MAP_BLOCK6_NET, MXS_MAP_DIR4,
		MXS_MAP_DIR6, MXS_MAP_HOST4, MXS_MAP_DIR4_ANY, MXS_MAP_DIR6_ANY,
		MXS_MAP_POSTFIX_SCORES, MXS_MAP_ACCOUNTS,
	};
	char path[PATH_MAX];
	int err;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_path, names[i]);
		if (unlink(path) && errno != ENOENT) {
			err = -errno;
			log_error("cannot remove pin %s: %s", path, strerror(-err));
			return err;
		}
	}
	if (rmdir(pin_path) && errno != ENOENT) {
		err = -errno;
		log_error("cannot remove %s: %s (files not created by mxscreen are left in it)",
			  pin_path, strerror(-err));
		return err;
	}
	return 0;
}
