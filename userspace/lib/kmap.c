// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * kmap.c - reading and writing the pinned maps of the XDP screener.
 *
 * Keys are built here and nowhere else from a struct addr_cidr, so the
 * byte-order and host-versus-prefix rules of bpf/mxscreen.h live in one
 * place.  Large operations use the kernel's batch calls where the map type
 * has them (hashes) and fall back to one call per element (LPM tries).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kmap.h"
#include "kmap_dir.h"
#include "stats.h"
#include "vec.h"

/* Elements per batch call: large enough to amortise the syscall, small
 * enough to keep the buffers modest. */
#define KMAP_BATCH 8192

/* The kernel's internal "operation not supported" (524), which some map
 * types return to userspace for batch calls they lack. */
#define KMAP_ENOTSUPP 524

/* Valgrind does not know BPF_MAP_LOOKUP_BATCH (it warns "unhandled eBPF
 * command 24"), so what the kernel writes there looks uninitialised to it,
 * and so does everything computed from it.  Say that the kernel wrote it;
 * outside valgrind this costs nothing, and without its header nothing. */
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define kmap_kernel_wrote(p, len) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (len)))
#else
#define kmap_kernel_wrote(p, len) ((void)(p), (void)(len))
#endif

static const char *const kmap_list_names[2][2][2] = {
	{ { MXS_MAP_ALLOW4_HOST, MXS_MAP_ALLOW4_NET },
	  { MXS_MAP_ALLOW6_HOST, MXS_MAP_ALLOW6_NET } },
	{ { MXS_MAP_BLOCK4_HOST, MXS_MAP_BLOCK4_NET },
	  { MXS_MAP_BLOCK6_HOST, MXS_MAP_BLOCK6_NET } },
};

/* Largest key of any list map (struct mxs_lpm6_key). */
#define KMAP_KEY_MAX 20

static int kmap_fam(const struct addr_cidr *cidr)
{
	return cidr->family == MXS_FAMILY_V6;
}

static enum kmap_kind kmap_kind_of(const struct addr_cidr *cidr)
{
	return addr_is_host(cidr) ? KMAP_HOST : KMAP_NET;
}

static int kmap_list_ok(int list)
{
	return list == MXS_LIST_ALLOW || list == MXS_LIST_BLOCK;
}

const char *kmap_map_name(int list, const struct addr_cidr *cidr)
{
	if (!kmap_list_ok(list))
		return "?";
	return kmap_list_names[list - 1][kmap_fam(cidr)][kmap_kind_of(cidr)];
}

static size_t kmap_key_size(int fam, enum kmap_kind kind)
{
	if (kind == KMAP_HOST)
		return fam ? sizeof(struct mxs_addr6) : sizeof(__u32);
	return fam ? sizeof(struct mxs_lpm6_key) : sizeof(struct mxs_lpm4_key);
}

/* The map key for cidr in the map kmap_kind_of(cidr) picks. */
static size_t kmap_key_build(const struct addr_cidr *cidr, void *key)
{
	int fam = kmap_fam(cidr);
	enum kmap_kind kind = kmap_kind_of(cidr);
	size_t size = kmap_key_size(fam, kind);

	memset(key, 0, size);
	if (kind == KMAP_HOST) {
		memcpy(key, cidr->addr, fam ? 16 : 4);
	} else {
		__u32 plen = cidr->prefixlen;

		memcpy(key, &plen, sizeof(plen));
		memcpy((char *)key + sizeof(plen), cidr->addr, fam ? 16 : 4);
	}
	return size;
}

/* The prefix a key of map (fam, kind) stands for. */
static void kmap_key_parse(int fam, enum kmap_kind kind, const void *key,
			   struct addr_cidr *cidr)
{
	memset(cidr, 0, sizeof(*cidr));
	cidr->family = fam ? MXS_FAMILY_V6 : MXS_FAMILY_V4;
	if (kind == KMAP_HOST) {
		memcpy(cidr->addr, key, fam ? 16 : 4);
		cidr->prefixlen = fam ? 128 : 32;
	} else {
		__u32 plen;

		memcpy(&plen, key, sizeof(plen));
		memcpy(cidr->addr, (const char *)key + sizeof(plen), fam ? 16 : 4);
		cidr->prefixlen = (uint8_t)plen;
	}
}

static void kmap_meta_key(int list, const struct addr_cidr *cidr,
			  struct mxs_prefix *key)
{
	memset(key, 0, sizeof(*key));
	key->family = cidr->family;
	key->prefixlen = cidr->prefixlen;
	key->list = (__u8)list;
	memcpy(key->addr, cidr->addr, sizeof(key->addr));
}

static int kmap_open_one(const char *pin_path, const char *name, int *fd)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", pin_path, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	*fd = bpf_obj_get(path);
	if (*fd < 0)
		return -errno;
	return 0;
}

int kmap_open(struct kmap *km, const char *pin_path)
{
	struct {
		const char *name;
		int *fd;
	} maps[] = {
		{ MXS_MAP_CONFIG, &km->config_fd },
		{ MXS_MAP_PORTS, &km->ports_fd },
		{ MXS_MAP_STATS, &km->stats_fd },
		{ MXS_MAP_META, &km->meta_fd },
		{ MXS_MAP_HINTS, &km->hints_fd },
		{ MXS_MAP_HS_STATS, &km->hs_stats_fd },
		{ MXS_MAP_DNSBL_CACHE, &km->cache_fd },
		{ MXS_MAP_DAEMON, &km->daemon_fd },
		{ MXS_MAP_OFFENCES, &km->offences_fd },
		{ MXS_MAP_RATE_SYN, &km->rate_syn_fd },
		{ MXS_MAP_RATE_CONN, &km->rate_conn_fd },
		{ MXS_MAP_DIR4, &km->dir4_fd },
		{ MXS_MAP_DIR6, &km->dir6_fd },
		{ MXS_MAP_HOST4, &km->host4_fd },
		{ MXS_MAP_DIR4_ANY, &km->dir4_any_fd },
		{ MXS_MAP_DIR6_ANY, &km->dir6_any_fd },
		{ MXS_MAP_POSTFIX_SCORES, &km->pf_scores_fd },
		{ MXS_MAP_ACCOUNTS, &km->accounts_fd },
	};
	size_t len;
	int err;

	memset(km, 0, sizeof(*km));
	km->config_fd = km->ports_fd = km->stats_fd = km->meta_fd = -1;
	km->hints_fd = km->hs_stats_fd = km->cache_fd = km->daemon_fd = -1;
	km->offences_fd = km->rate_syn_fd = km->rate_conn_fd = -1;
	km->dir4_fd = km->dir6_fd = km->host4_fd = km->lock_fd = -1;
	km->dir4_any_fd = km->dir6_any_fd = km->pf_scores_fd = -1;
	km->accounts_fd = -1;
	for (int l = 0; l < 2; l++)
		for (int f = 0; f < 2; f++)
			for (int k = 0; k < 2; k++)
				km->list_fd[l][f][k] = -1;
	len = strlen(pin_path);
	if (len >= sizeof(km->pin_path))
		return -ENAMETOOLONG;
	memcpy(km->pin_path, pin_path, len + 1);

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		err = kmap_open_one(pin_path, maps[i].name, maps[i].fd);
		if (err)
			goto fail;
	}
	for (int l = 0; l < 2; l++)
		for (int f = 0; f < 2; f++)
			for (int k = 0; k < 2; k++) {
				err = kmap_open_one(pin_path,
						    kmap_list_names[l][f][k],
						    &km->list_fd[l][f][k]);
				if (err)
					goto fail;
			}
	err = kmap_dir_open(km);
	if (err)
		goto fail;
	return 0;
fail:
	kmap_close(km);
	return err;
}

void kmap_close(struct kmap *km)
{
	int *fds[] = { &km->config_fd, &km->ports_fd,  &km->stats_fd,
		       &km->meta_fd,   &km->hints_fd,  &km->hs_stats_fd,
		       &km->cache_fd,  &km->daemon_fd, &km->offences_fd,
		       &km->rate_syn_fd, &km->rate_conn_fd, &km->dir4_fd,
		       &km->dir6_fd, &km->host4_fd, &km->dir4_any_fd,
		       &km->dir6_any_fd, &km->pf_scores_fd, &km->accounts_fd };

	kmap_dir_close(km);
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	for (int l = 0; l < 2; l++)
		for (int f = 0; f < 2; f++)
			for (int k = 0; k < 2; k++) {
				if (km->list_fd[l][f][k] >= 0)
					close(km->list_fd[l][f][k]);
				km->list_fd[l][f][k] = -1;
			}
}

uint64_t kmap_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t kmap_expiry_ns(uint64_t ttl_seconds)
{
	if (ttl_seconds == 0)
		return 0;
	return kmap_now_ns() + ttl_seconds * 1000000000ull;
}

/* Hash maps say E2BIG when full, LPM tries ENOSPC: one answer for both. */
static int kmap_update_errno(void)
{
	return errno == E2BIG ? -ENOSPC : -errno;
}

/* The one element of a single-entry array map (config, daemon). */
static int kmap_array0_get(int fd, void *value)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(fd, &key, value))
		return -errno;
	return 0;
}

static int kmap_array0_set(int fd, const void *value)
{
	__u32 key = 0;

	if (bpf_map_update_elem(fd, &key, value, BPF_ANY))
		return -errno;
	return 0;
}

int kmap_config_get(struct kmap *km, struct mxs_config *cfg)
{
	return kmap_array0_get(km->config_fd, cfg);
}

int kmap_config_set(struct kmap *km, const struct mxs_config *cfg)
{
	return kmap_array0_set(km->config_fd, cfg);
}

int kmap_config_init(struct kmap *km, bool *fresh)
{
	struct settings_ports ports;
	struct mxs_config cfg;
	int err = kmap_config_get(km, &cfg);

	*fresh = false;
	if (err || (cfg.flags & MXS_CFG_INITIALISED))
		return err;
	settings_ports_default(&ports);
	err = kmap_ports_set(km, &ports);
	if (err)
		return err;
	cfg.flags |= MXS_CFG_INITIALISED;
	*fresh = true;
	return kmap_config_set(km, &cfg);
}

int kmap_ports_get(struct kmap *km, struct settings_ports *ports)
{
	memset(ports, 0, sizeof(*ports));
	for (__u32 port = 1; port <= 65535; port++) {
		mxs_port_class_t bit;

		if (bpf_map_lookup_elem(km->ports_fd, &port, &bit))
			return -errno;
		if (!bit)
			continue;
		if (ports->count == SETTINGS_MAX_PORTS)
			return -E2BIG;
		ports->port[ports->count].port = (uint16_t)port;
		ports->port[ports->count].class_ =
			bit == MXS_CLASS_BIT(MXS_CLASS_SUBMISSION)
				? MXS_CLASS_SUBMISSION
				: MXS_CLASS_MX;
		ports->count++;
	}
	return 0;
}

int kmap_ports_set(struct kmap *km, const struct settings_ports *ports)
{
	struct settings_ports old;
	int err = kmap_ports_get(km, &old);

	if (err)
		return err;
	for (unsigned int i = 0; i < ports->count; i++) {
		__u32 port = ports->port[i].port;
		mxs_port_class_t bit =
			(mxs_port_class_t)MXS_CLASS_BIT(ports->port[i].class_);

		if (bpf_map_update_elem(km->ports_fd, &port, &bit, BPF_ANY))
			return -errno;
	}
	for (unsigned int i = 0; i < old.count; i++) {
		__u32 port = old.port[i].port;
		mxs_port_class_t zero = 0;
		bool keep = false;

		for (unsigned int j = 0; j < ports->count; j++)
			keep |= ports->port[j].port == port;
		if (keep)
			continue;
		if (bpf_map_update_elem(km->ports_fd, &port, &zero, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int kmap_fd_for(struct kmap *km, int list, const struct addr_cidr *cidr)
{
	return km->list_fd[list - 1][kmap_fam(cidr)][kmap_kind_of(cidr)];
}

int kmap_entry_put(struct kmap *km, int list, const struct addr_cidr *cidr,
		   const struct mxs_entry *entry, const struct mxs_meta *meta,
		   int *meta_err)
{
	unsigned char key[KMAP_KEY_MAX];
	struct mxs_prefix mkey;

	bool locked = kmap_dir_needs_lock(cidr);
	int err;

	if (!kmap_list_ok(list))
		return -EINVAL;
	/* flags first: the program must never skip a lookup that can match */
	err = kmap_dir_flag(km, list, cidr);
	if (err)
		return err;
	if (locked) {
		err = kmap_dir_lock(km);
		if (err)
			return err;
	}
	kmap_key_build(cidr, key);
	if (bpf_map_update_elem(kmap_fd_for(km, list, cidr), key, entry,
				BPF_ANY))
		err = kmap_update_errno();
	else if (kmap_dir_resolves(cidr))
		kmap_dir_raise(km, list, cidr, entry); /* now the program finds it */
	else if (kmap_dir_host4(cidr))
		kmap_dir_host4_put(km, list, cidr, entry);
	if (locked)
		kmap_dir_unlock(km);
	if (err)
		return err;

	/* Meta is advisory: an old comment must not outlive a rewrite. */
	kmap_meta_key(list, cidr, &mkey);
	if (meta_err)
		*meta_err = 0;
	if (!meta) {
		bpf_map_delete_elem(km->meta_fd, &mkey);
		return 0;
	}
	if (bpf_map_update_elem(km->meta_fd, &mkey, meta, BPF_ANY) && meta_err)
		*meta_err = kmap_update_errno();
	return 0;
}

/* Delete an entry the directory resolves (an IPv4 prefix of /24 or
 * shorter: lower the slots naming it) or mirrors (an IPv4 host: erase its
 * word) under the lock, before deleting it from its hash. */
static int kmap_locked_delete(struct kmap *km, int list, int fd,
			      const struct addr_cidr *cidr, const void *key)
{
	struct mxs_entry cur;
	int err = kmap_dir_lock(km);

	if (err)
		return err;
	if (bpf_map_lookup_elem(fd, key, &cur))
		err = -errno;
	if (!err && kmap_dir_resolves(cidr))
		err = kmap_dir_lower(km, list, fd, cidr);
	else if (!err)
		kmap_dir_host4_erase(km, list, cidr);
	if (!err && bpf_map_delete_elem(fd, key))
		err = -errno;
	kmap_dir_unlock(km);
	return err;
}

int kmap_entry_delete(struct kmap *km, int list, const struct addr_cidr *cidr)
{
	unsigned char key[KMAP_KEY_MAX];
	struct mxs_prefix mkey;
	int fd, err;

	if (!kmap_list_ok(list))
		return -EINVAL;
	kmap_key_build(cidr, key);
	fd = kmap_fd_for(km, list, cidr);
	if (kmap_dir_needs_lock(cidr))
		err = kmap_locked_delete(km, list, fd, cidr, key);
	else
		err = bpf_map_delete_elem(fd, key) ? -errno : 0;
	if (err)
		return err;
	kmap_meta_key(list, cidr, &mkey);
	bpf_map_delete_elem(km->meta_fd, &mkey);
	return 0;
}

/* Exact match in an LPM trie (IPv6 prefixes): a lookup would return the
 * longest covering prefix, so compare what came back with the key we asked for by
 * walking the trie's keys instead. */
static int kmap_net_exact_get(int fd, int fam, const void *want,
			      struct mxs_entry *entry)
{
	unsigned char key[KMAP_KEY_MAX], next[KMAP_KEY_MAX];
	size_t size = kmap_key_size(fam, KMAP_NET);
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		if (memcmp(next, want, size) == 0) {
			if (bpf_map_lookup_elem(fd, next, entry))
				return -errno;
			return 0;
		}
		memcpy(key, next, size);
		prev = key;
	}
	return -ENOENT;
}

int kmap_entry_get(struct kmap *km, int list, const struct addr_cidr *cidr,
		   struct mxs_entry *entry)
{
	unsigned char key[KMAP_KEY_MAX];
	int fd;

	if (!kmap_list_ok(list))
		return -EINVAL;
	kmap_key_build(cidr, key);
	fd = kmap_fd_for(km, list, cidr);
	if (kmap_kind_of(cidr) == KMAP_NET && kmap_fam(cidr))
		return kmap_net_exact_get(fd, kmap_fam(cidr), key, entry);
	if (bpf_map_lookup_elem(fd, key, entry))
		return -errno;
	return 0;
}

int kmap_meta_get(struct kmap *km, int list, const struct addr_cidr *cidr,
		  struct mxs_meta *meta)
{
	struct mxs_prefix mkey;

	kmap_meta_key(list, cidr, &mkey);
	if (bpf_map_lookup_elem(km->meta_fd, &mkey, meta))
		return -errno;
	meta->comment[MXS_COMMENT_LEN - 1] = '\0';
	return 0;
}

/* Write count keys (packed, key_size each) with the same value. */
static int kmap_update_many(int fd, const unsigned char *keys, size_t key_size,
			    size_t count, const struct mxs_entry *values,
			    size_t *done)
{
	bool batch = true;
	size_t i = 0;

	*done = 0;
	while (i < count) {
		__u32 n = (__u32)(count - i < KMAP_BATCH ? count - i : KMAP_BATCH);
		int err;

		if (batch) {
			__u32 got = n;

			err = bpf_map_update_batch(fd, keys + i * key_size,
						   values, &got, NULL);
			if (!err) {
				i += n;
				*done += n;
				continue;
			}
			err = -errno;
			if (err != -EINVAL && err != -EOPNOTSUPP &&
			    err != -KMAP_ENOTSUPP) {
				*done += got;
				return err == -E2BIG ? -ENOSPC : err;
			}
			/* LPM tries have no batch update */
			batch = false;
		}
		for (__u32 j = 0; j < n; j++, i++) {
			if (bpf_map_update_elem(fd, keys + i * key_size,
						&values[0], BPF_ANY))
				return kmap_update_errno();
			(*done)++;
		}
	}
	return 0;
}

/* After a batch of IPv4 entries was written: raise the directory for the
 * first n keys of it (the ones written), or mirror the hosts in host4. */
static void kmap_dir_batch(struct kmap *km, int list, enum kmap_kind kind,
			   const unsigned char *keys, size_t key_size, size_t n,
			   const struct mxs_entry *entry)
{
	for (size_t i = 0; i < n; i++) {
		struct addr_cidr cidr;

		kmap_key_parse(0, kind, keys + i * key_size, &cidr);
		if (kmap_dir_resolves(&cidr))
			kmap_dir_raise(km, list, &cidr, entry);
		else if (kmap_dir_host4(&cidr))
			kmap_dir_host4_put(km, list, &cidr, entry);
	}
}

int kmap_entries_put_many(struct kmap *km, int list,
			  const struct addr_cidr *cidrs, size_t n,
			  const struct mxs_entry *entry, size_t *done)
{
	struct mxs_entry *values = NULL;
	unsigned char *keys = NULL;
	bool locked = false;
	int err = 0;

	*done = 0;
	if (!kmap_list_ok(list))
		return -EINVAL;
	keys = malloc((size_t)KMAP_BATCH * KMAP_KEY_MAX);
	values = malloc((size_t)KMAP_BATCH * sizeof(*values));
	if (!keys || !values) {
		err = -ENOMEM;
		goto out;
	}
	/* all flags before any entry, as for a single write */
	for (size_t i = 0; i < n && !err; i++) {
		err = kmap_dir_flag(km, list, &cidrs[i]);
		if (!locked && kmap_dir_needs_lock(&cidrs[i]))
			locked = true;
	}
	if (!err && locked)
		err = kmap_dir_lock(km);
	if (err) {
		locked = false;
		goto out;
	}
	for (size_t i = 0; i < KMAP_BATCH; i++)
		values[i] = *entry;

	/* One pass per target map keeps each batch homogeneous. */
	for (int fam = 0; fam < 2 && !err; fam++) {
		for (int kind = 0; kind < 2 && !err; kind++) {
			size_t key_size = kmap_key_size(fam, (enum kmap_kind)kind);
			int fd = km->list_fd[list - 1][fam][kind];
			size_t filled = 0, wrote;

			for (size_t i = 0; i <= n && !err; i++) {
				bool flush = i == n || filled == KMAP_BATCH;

				if (flush && filled) {
					err = kmap_update_many(fd, keys, key_size,
							       filled, values,
							       &wrote);
					*done += wrote;
					if (fam == 0)
						kmap_dir_batch(km, list,
							       (enum kmap_kind)kind,
							       keys, key_size,
							       wrote, entry);
					filled = 0;
				}
				if (i == n || err)
					break;
				if (kmap_fam(&cidrs[i]) != fam ||
				    kmap_kind_of(&cidrs[i]) != (enum kmap_kind)kind)
					continue;
				kmap_key_build(&cidrs[i], keys + filled * key_size);
				filled++;
			}
		}
	}
out:
	if (locked)
		kmap_dir_unlock(km);
	free(keys);
	free(values);
	return err;
}

/* Visit every key/value of one map.  Hashes are read with batch lookups
 * (one syscall per KMAP_BATCH entries); maps without batch support (LPM
 * tries) key by key. */
typedef int (*kmap_raw_fn)(const void *key, const struct mxs_entry *v,
			   void *ctx);

static int kmap_walk_keys(int fd, size_t key_size, kmap_raw_fn fn, void *ctx)
{
	unsigned char key[KMAP_KEY_MAX], next[KMAP_KEY_MAX];
	struct mxs_entry v;
	void *prev = NULL;
	int rc;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, key_size);
		prev = key;
		/* an entry deleted between the two calls is simply skipped */
		if (bpf_map_lookup_elem(fd, key, &v))
			continue;
		rc = fn(key, &v, ctx);
		if (rc)
			return rc;
	}
	return errno == ENOENT ? 0 : -errno;
}

static int kmap_walk_batch(int fd, size_t key_size, kmap_raw_fn fn, void *ctx)
{
	unsigned char *keys = malloc((size_t)KMAP_BATCH * key_size);
	struct mxs_entry *vals = malloc((size_t)KMAP_BATCH * sizeof(*vals));
	__u64 in_batch = 0, out_batch = 0;
	bool first = true, last = false;
	int rc = 0;

	if (!keys || !vals) {
		rc = -ENOMEM;
		goto out;
	}
	while (!last) {
		__u32 count = KMAP_BATCH;

		if (bpf_map_lookup_batch(fd, first ? NULL : &in_batch,
					 &out_batch, keys, vals, &count, NULL)) {
			if (errno != ENOENT) {
				rc = -errno;
				goto out;
			}
			last = true;
		}
		first = false;
		kmap_kernel_wrote(&out_batch, sizeof(out_batch));
		kmap_kernel_wrote(&count, sizeof(count));
		kmap_kernel_wrote(keys, (size_t)count * key_size);
		kmap_kernel_wrote(vals, (size_t)count * sizeof(*vals));
		in_batch = out_batch;
		for (__u32 i = 0; i < count; i++) {
			rc = fn(keys + i * key_size, &vals[i], ctx);
			if (rc)
				goto out;
		}
	}
out:
	free(keys);
	free(vals);
	return rc;
}

static int kmap_walk_map(int fd, int fam, enum kmap_kind kind, kmap_raw_fn fn,
			 void *ctx)
{
	size_t key_size = kmap_key_size(fam, kind);
	int rc;

	/* hashes (hosts, IPv4 prefixes) in batches; LPM tries (IPv6
	 * prefixes) have no batch lookup */
	if (kind == KMAP_HOST || !fam) {
		rc = kmap_walk_batch(fd, key_size, fn, ctx);
		if (rc != -EINVAL && rc != -EOPNOTSUPP && rc != -KMAP_ENOTSUPP)
			return rc;
	}
	return kmap_walk_keys(fd, key_size, fn, ctx);
}

struct kmap_walk_ctx {
	int fam;
	enum kmap_kind kind;
	kmap_entry_fn fn;
	void *ctx;
};

static int kmap_walk_adapter(const void *key, const struct mxs_entry *v,
			     void *ctx)
{
	struct kmap_walk_ctx *w = ctx;
	struct addr_cidr cidr;

	kmap_key_parse(w->fam, w->kind, key, &cidr);
	return w->fn(&cidr, v, w->ctx);
}

/* The maps of one family of a list, from first_kind on. */
static int kmap_walk_family_kinds(struct kmap *km, int list, int fam,
				  int first_kind, kmap_entry_fn fn, void *ctx)
{
	for (int kind = first_kind; kind < 2; kind++) {
		struct kmap_walk_ctx w = { fam, (enum kmap_kind)kind, fn, ctx };
		int rc = kmap_walk_map(km->list_fd[list - 1][fam][kind], fam,
				       (enum kmap_kind)kind, kmap_walk_adapter,
				       &w);

		if (rc)
			return rc;
	}
	return 0;
}

static int kmap_walk_kinds(struct kmap *km, int list, int first_kind,
			   kmap_entry_fn fn, void *ctx)
{
	if (!kmap_list_ok(list))
		return -EINVAL;
	for (int fam = 0; fam < 2; fam++) {
		int rc = kmap_walk_family_kinds(km, list, fam, first_kind, fn,
						ctx);

		if (rc)
			return rc;
	}
	return 0;
}

int kmap_entries_walk(struct kmap *km, int list, kmap_entry_fn fn, void *ctx)
{
	return kmap_walk_kinds(km, list, KMAP_HOST, fn, ctx);
}

int kmap_nets_walk(struct kmap *km, int list, kmap_entry_fn fn, void *ctx)
{
	return kmap_walk_kinds(km, list, KMAP_NET, fn, ctx);
}

int kmap_family_walk(struct kmap *km, int list, int family, kmap_entry_fn fn,
		     void *ctx)
{
	if (!kmap_list_ok(list))
		return -EINVAL;
	return kmap_walk_family_kinds(km, list, family == MXS_FAMILY_V6,
				      KMAP_HOST, fn, ctx);
}

/* Collected keys of one map, for deleting after the walk (deleting while
 * iterating a hash restarts iteration). */
struct kmap_keybuf {
	unsigned char *keys;
	size_t key_size, n, cap;
};

static int kmap_collect_key(const void *key, const struct mxs_entry *v,
			    void *ctx)
{
	struct kmap_keybuf *kb = ctx;

	if (vec_reserve(&kb->keys, &kb->cap, kb->n, kb->key_size))
		return -ENOMEM;
	memcpy(kb->keys + kb->n * kb->key_size, key, kb->key_size);
	kb->n++;
	return 0;
}

static int kmap_meta_flush(struct kmap *km, int list)
{
	struct mxs_prefix key, next;
	struct mxs_prefix *prev = NULL;
	struct mxs_prefix *doomed = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	while (bpf_map_get_next_key(km->meta_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.list != list)
			continue;
		if (vec_reserve(&doomed, &cap, n, sizeof(*doomed))) {
			rc = -ENOMEM;
			goto out;
		}
		doomed[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(km->meta_fd, &doomed[i]);
out:
	free(doomed);
	return rc;
}

int kmap_entries_flush(struct kmap *km, int list, size_t *removed)
{
	int rc = 0;

	*removed = 0;
	if (!kmap_list_ok(list))
		return -EINVAL;
	for (int fam = 0; fam < 2 && !rc; fam++)
		for (int kind = 0; kind < 2 && !rc; kind++) {
			int fd = km->list_fd[list - 1][fam][kind];
			/* IPv4: no slot may name a prefix once it is gone, no
			 * host word may outlive its host, and none may be
			 * added meanwhile */
			bool resolved = fam == 0;
			struct kmap_keybuf kb = {
				.key_size = kmap_key_size(fam, (enum kmap_kind)kind),
			};

			if (resolved) {
				rc = kmap_dir_lock(km);
				if (rc)
					break;
				if (kind == KMAP_NET)
					kmap_dir_forget_lengths(km, list);
				else
					kmap_dir_host4_forget(km, list);
			}
			rc = kmap_walk_map(fd, fam, (enum kmap_kind)kind,
					   kmap_collect_key, &kb);
			for (size_t i = 0; !rc && i < kb.n; i++) {
				if (bpf_map_delete_elem(fd, kb.keys + i * kb.key_size) == 0)
					(*removed)++;
				else if (errno != ENOENT)
					rc = -errno;
			}
			if (resolved)
				kmap_dir_unlock(km);
			free(kb.keys);
		}
	if (!rc)
		rc = kmap_meta_flush(km, list);
	return rc;
}

static int kmap_count_one(const void *key, const struct mxs_entry *v, void *ctx)
{
	(*(uint32_t *)ctx)++;
	return 0;
}

int kmap_capacity(struct kmap *km, int list, int family_index,
		  enum kmap_kind kind, uint32_t *capacity)
{
	int fd = km->list_fd[list - 1][family_index][kind];
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*capacity = info.max_entries;
	return 0;
}

int kmap_fill(struct kmap *km, int list, int family_index, enum kmap_kind kind,
	      uint32_t *used, uint32_t *capacity)
{
	int fd = km->list_fd[list - 1][family_index][kind];
	int err = kmap_capacity(km, list, family_index, kind, capacity);

	if (err)
		return err;
	*used = 0;
	return kmap_walk_map(fd, family_index, kind, kmap_count_one, used);
}

int kmap_stats_read(struct kmap *km, struct mxs_stats *total)
{
	int ncpus = libbpf_num_possible_cpus();
	struct mxs_stats *percpu;
	__u32 key = 0;
	int rc = 0;

	if (ncpus <= 0)
		return ncpus < 0 ? ncpus : -EINVAL;
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(km->stats_fd, &key, percpu))
		rc = -errno;
	else
		stats_sum(percpu, (unsigned int)ncpus, total);
	free(percpu);
	return rc;
}

int kmap_percpu_sum(int fd, void *total, size_t value_size)
{
	size_t nr = value_size / sizeof(uint64_t);
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *percpu;
	__u32 key = 0;
	int rc = 0;

	if (ncpus <= 0)
		return ncpus < 0 ? ncpus : -EINVAL;
	if (!nr || value_size % sizeof(uint64_t))
		return -EINVAL;
	/* one value per possible CPU, back to back (each a multiple of 8
	 * bytes already, so no rounding); the sum goes to the first */
	percpu = calloc((size_t)ncpus, value_size);
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, percpu)) {
		rc = -errno;
	} else {
		for (size_t cpu = 1; cpu < (size_t)ncpus; cpu++)
			for (size_t i = 0; i < nr; i++)
				percpu[i] += percpu[cpu * nr + i];
		memcpy(total, percpu, value_size);
	}
	free(percpu);
	return rc;
}

int kmap_hs_stats_read(struct kmap *km, struct mxs_hs_stats *total)
{
	return kmap_percpu_sum(km->hs_stats_fd, total, sizeof(*total));
}

int kmap_cache_get(struct kmap *km, const struct mxs_source *src,
		   struct mxs_dnsbl_result *res)
{
	if (bpf_map_lookup_elem(km->cache_fd, src, res))
		return -errno;
	return 0;
}

int kmap_cache_put(struct kmap *km, const struct mxs_source *src,
		   const struct mxs_dnsbl_result *res)
{
	if (bpf_map_update_elem(km->cache_fd, src, res, BPF_ANY))
		return kmap_update_errno();
	return 0;
}

int kmap_cache_flush(struct kmap *km, size_t *removed)
{
	struct mxs_source first;

	*removed = 0;
	/* always take the first key again: deleting the key an iteration
	 * stands on would restart it anyway */
	while (bpf_map_get_next_key(km->cache_fd, NULL, &first) == 0) {
		if (bpf_map_delete_elem(km->cache_fd, &first) == 0)
			(*removed)++;
		else if (errno != ENOENT)
			return -errno;
	}
	return errno == ENOENT ? 0 : -errno;
}

int kmap_cache_count(struct kmap *km, uint32_t *used, uint32_t *capacity)
{
	struct mxs_source key, next, *prev = NULL;
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(km->cache_fd, &info, &len))
		return -errno;
	*capacity = info.max_entries;
	*used = 0;
	while (bpf_map_get_next_key(km->cache_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		(*used)++;
	}
	return 0;
}

int kmap_daemon_get(struct kmap *km, struct mxs_daemon_status *st)
{
	return kmap_array0_get(km->daemon_fd, st);
}

int kmap_daemon_put(struct kmap *km, const struct mxs_daemon_status *st)
{
	return kmap_array0_set(km->daemon_fd, st);
}

struct kmap_expire_ctx {
	unsigned int reasons; /* bit (1 << enum mxs_reason) */
	uint64_t now_ns;
	struct addr_cidr *doomed;
	size_t n, cap;
};

static int kmap_expire_visit(const struct addr_cidr *cidr,
			     const struct mxs_entry *e, void *ctx)
{
	struct kmap_expire_ctx *x = ctx;

	if (e->reason >= MXS_NR_REASONS || !(x->reasons & (1u << e->reason)) ||
	    e->expires_ns == 0 || e->expires_ns > x->now_ns)
		return 0;
	if (vec_reserve(&x->doomed, &x->cap, x->n, sizeof(*x->doomed)))
		return -ENOMEM;
	x->doomed[x->n++] = *cidr;
	return 0;
}

int kmap_expire_reasons(struct kmap *km, unsigned int reasons, uint64_t now_ns,
			size_t removed[MXS_NR_REASONS])
{
	int rc = 0;

	memset(removed, 0, MXS_NR_REASONS * sizeof(removed[0]));
	/* one walk of each list for all the reasons: at a million entries
	 * a walk costs a good part of a second */
	for (int list = MXS_LIST_ALLOW; list <= MXS_LIST_BLOCK && !rc; list++) {
		struct kmap_expire_ctx x = { .reasons = reasons, .now_ns = now_ns };

		rc = kmap_entries_walk(km, list, kmap_expire_visit, &x);
		for (size_t i = 0; !rc && i < x.n; i++) {
			struct mxs_entry cur;

			/* re-check: the entry may have been renewed since */
			if (kmap_entry_get(km, list, &x.doomed[i], &cur) ||
			    cur.reason >= MXS_NR_REASONS ||
			    !(reasons & (1u << cur.reason)) ||
			    cur.expires_ns == 0 || cur.expires_ns > now_ns)
				continue;
			if (kmap_entry_delete(km, list, &x.doomed[i]) == 0)
				removed[cur.reason]++;
		}
		free(x.doomed);
	}
	return rc;
}

int kmap_offence_get(struct kmap *km, const struct addr_cidr *cidr,
		     struct mxs_offence *off)
{
	struct mxs_prefix key;

	kmap_meta_key(MXS_LIST_BLOCK, cidr, &key);
	if (bpf_map_lookup_elem(km->offences_fd, &key, off))
		return -errno;
	return 0;
}

int kmap_offence_put(struct kmap *km, const struct addr_cidr *cidr,
		     const struct mxs_offence *off)
{
	struct mxs_prefix key;

	kmap_meta_key(MXS_LIST_BLOCK, cidr, &key);
	if (bpf_map_update_elem(km->offences_fd, &key, off, BPF_ANY))
		return kmap_update_errno();
	return 0;
}

int kmap_offence_delete(struct kmap *km, const struct addr_cidr *cidr)
{
	struct mxs_prefix key;

	kmap_meta_key(MXS_LIST_BLOCK, cidr, &key);
	if (bpf_map_delete_elem(km->offences_fd, &key))
		return -errno;
	return 0;
}

int kmap_offences_walk(struct kmap *km, kmap_offence_fn fn, void *ctx)
{
	struct mxs_prefix key, next, *prev = NULL;
	int rc = 0;

	while (!rc && bpf_map_get_next_key(km->offences_fd, prev, &next) == 0) {
		struct mxs_offence off;
		struct addr_cidr cidr = { 0 };

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(km->offences_fd, &key, &off))
			continue; /* deleted meanwhile */
		cidr.family = key.family;
		cidr.prefixlen = key.prefixlen;
		memcpy(cidr.addr, key.addr, sizeof(cidr.addr));
		rc = fn(&cidr, &off, ctx);
	}
	return rc;
}

int kmap_offences_prune(struct kmap *km, uint64_t before_ns, size_t *removed)
{
	struct mxs_prefix key, next, *prev = NULL, *doomed = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*removed = 0;
	while (bpf_map_get_next_key(km->offences_fd, prev, &next) == 0) {
		struct mxs_offence off;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(km->offences_fd, &key, &off) ||
		    off.last_ns >= before_ns)
			continue;
		if (vec_reserve(&doomed, &cap, n, sizeof(*doomed))) {
			rc = -ENOMEM;
			break;
		}
		doomed[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(km->offences_fd, &doomed[i]) == 0)
			(*removed)++;
	free(doomed);
	return rc;
}

int kmap_rate_forget(struct kmap *km, const struct addr_cidr *cidr,
		     uint32_t prefix_v6)
{
	const int fds[] = { km->rate_syn_fd, km->rate_conn_fd };
	struct mxs_rate_key key;
	int forgot = 0;

	memset(&key, 0, sizeof(key));
	key.family = cidr->family;
	if (cidr->family == MXS_FAMILY_V6) {
		key.prefixlen = (uint8_t)prefix_v6;
		memcpy(key.addr, cidr->addr, 16);
		for (unsigned int bit = prefix_v6; bit < 128; bit++)
			key.addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	} else {
		key.prefixlen = 32;
		memcpy(key.addr, cidr->addr, 4);
	}
	for (size_t m = 0; m < sizeof(fds) / sizeof(fds[0]); m++)
		for (int c = 0; c < MXS_NR_CLASSES; c++) {
			key.class_ = (uint8_t)c;
			forgot += bpf_map_delete_elem(fds[m], &key) == 0;
		}
	return forgot;
}

struct kmap_cover_ctx {
	const struct addr_cidr *ip;
	struct kmap_cover *cover;
};

static int kmap_cover_visit(const struct addr_cidr *cidr,
			    const struct mxs_entry *e, void *ctx)
{
	struct kmap_cover_ctx *c = ctx;
	struct kmap_cover *cv = c->cover;

	if (!addr_contains(cidr, c->ip))
		return 0;
	if (!cv->net_found || cidr->prefixlen > cv->net.prefixlen) {
		cv->net_found = true;
		cv->net = *cidr;
		cv->net_e = *e;
	}
	return 0;
}

int kmap_find_cover(struct kmap *km, int list, const struct addr_cidr *ip,
		    struct kmap_cover *cover)
{
	/* cppcheck-suppress ctuuninitvar ; *cover is output only: memset below */
	struct kmap_cover_ctx ctx = { ip, cover };
	int err;

	memset(cover, 0, sizeof(*cover));
	err = kmap_entry_get(km, list, ip, &cover->host_e);
	if (err == 0) {
		cover->host_found = true;
		cover->host = *ip;
	} else if (err != -ENOENT) {
		return err;
	}
	return kmap_nets_walk(km, list, kmap_cover_visit, &ctx);
}

static bool kmap_live(const struct mxs_entry *e, uint64_t now_ns)
{
	return e->expires_ns == 0 || e->expires_ns > now_ns;
}

bool kmap_allowed(struct kmap *km, const struct addr_cidr *ip, uint64_t now_ns)
{
	struct kmap_cover cover;

	if (kmap_find_cover(km, MXS_LIST_ALLOW, ip, &cover))
		return false;
	return (cover.host_found && kmap_live(&cover.host_e, now_ns)) ||
	       (cover.net_found && kmap_live(&cover.net_e, now_ns));
}
