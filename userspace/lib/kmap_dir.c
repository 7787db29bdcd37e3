// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * kmap_dir.c - the directories "dir4" and "dir6": one 16-bit slot per IPv4
 * /24 and per hashed IPv6 /48, read by the XDP program before any list
 * lookup (layout and rules in bpf/mxscreen.h and kmap_dir.h).
 *
 * Both maps are mmap-able arrays.  Every write here is one atomic 64-bit
 * operation on a cell of four slots (an OR for flags, a compare-and-swap
 * for a length field), so the program never reads a torn slot and the
 * handshake program's and other processes' ORs are never lost.  A flag
 * that is already set is not written again: the daemon flags a slot for
 * every verdict, and most are set already.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "kmap.h"
#include "kmap_dir.h"

/* How long a prefix writer waits for another one (ms). */
#define KMAP_DIR_LOCK_WAIT_MS 10000

/* The mmap-able arrays this module writes: where each is mapped, from
 * which fd, and how large it is. */
#define KMAP_DIR_AREAS 5
struct kmap_dir_area {
	uint64_t **map;
	int fd;
	size_t bytes;
};

static size_t kmap_dir_areas(struct kmap *km, struct kmap_dir_area *a)
{
	size_t n = 0;

	a[n++] = (struct kmap_dir_area){ &km->dir4, km->dir4_fd,
					 (size_t)MXS_DIR4_CELLS * 8 };
	a[n++] = (struct kmap_dir_area){ &km->dir6, km->dir6_fd,
					 (size_t)MXS_DIR6_CELLS * 8 };
	a[n++] = (struct kmap_dir_area){
		&km->host4, km->host4_fd,
		(size_t)MXS_HOST4_LINES * sizeof(struct mxs_host4_line)
	};
	a[n++] = (struct kmap_dir_area){ &km->dir4_any, km->dir4_any_fd,
					 (size_t)MXS_DIR4_ANY_CELLS * 8 };
	a[n++] = (struct kmap_dir_area){ &km->dir6_any, km->dir6_any_fd,
					 (size_t)MXS_DIR6_ANY_CELLS * 8 };
	return n;
}


int kmap_dir_open(struct kmap *km)
{
	struct kmap_dir_area a[KMAP_DIR_AREAS];
	size_t n = kmap_dir_areas(km, a);

	for (size_t i = 0; i < n; i++) {
		void *p = mmap(NULL, a[i].bytes, PROT_READ | PROT_WRITE,
			       MAP_SHARED, a[i].fd, 0);

		if (p == MAP_FAILED)
			return -errno;
		*a[i].map = p;
	}
	km->lock_fd = open(km->pin_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (km->lock_fd < 0)
		return -errno;
	return 0;
}

void kmap_dir_close(struct kmap *km)
{
	struct kmap_dir_area a[KMAP_DIR_AREAS];
	size_t n = kmap_dir_areas(km, a);

	for (size_t i = 0; i < n; i++) {
		if (*a[i].map)
			munmap(*a[i].map, a[i].bytes);
		*a[i].map = NULL;
	}
	if (km->lock_fd >= 0)
		close(km->lock_fd);
	km->lock_fd = -1;
}

int kmap_dir_lock(struct kmap *km)
{
	struct timespec pause = { 0, 1000000 };

	/* Polled rather than blocking, so that a writer stopped while it
	 * holds the lock (SIGSTOP, a debugger) costs others an error, not a
	 * hang. */
	for (int waited = 0; waited < KMAP_DIR_LOCK_WAIT_MS; waited++) {
		if (flock(km->lock_fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		nanosleep(&pause, NULL);
	}
	return -EBUSY;
}

void kmap_dir_unlock(struct kmap *km)
{
	flock(km->lock_fd, LOCK_UN);
}

int kmap_dir_resolves(const struct addr_cidr *cidr)
{
	return cidr->family == MXS_FAMILY_V4 &&
	       cidr->prefixlen <= MXS_DIR4_PREFIX;
}

int kmap_dir_host4(const struct addr_cidr *cidr)
{
	return cidr->family == MXS_FAMILY_V4 && cidr->prefixlen == 32;
}

int kmap_dir_needs_lock(const struct addr_cidr *cidr)
{
	return kmap_dir_resolves(cidr) || kmap_dir_host4(cidr);
}

/* The host's line and its key word (tag, valid, list). */
static uint64_t *kmap_host4_line(struct kmap *km, int list,
				 const struct addr_cidr *cidr, uint64_t *key)
{
	uint32_t a, h;

	memcpy(&a, cidr->addr, sizeof(a));
	h = mxs_host4_hash(a);
	*key = mxs_host4_key(h, list == MXS_LIST_ALLOW);
	return km->host4 + (size_t)(h >> MXS_HOST4_TAG_BITS) * MXS_HOST4_WAYS;
}

/* An entry as a host4 word: expiry rounded up to the next tick, reasons
 * beyond the word's three bits as "none" (counted as manual, as the
 * program counts any unknown reason). */
static uint64_t kmap_host4_word(uint64_t key, const struct mxs_entry *e)
{
	uint64_t tick = 1ull << MXS_HOST4_TICK_SHIFT, exp = 0;

	if (e->expires_ns > UINT64_MAX - tick)
		exp = MXS_H4_EXP_MASK; /* rounding up would wrap: the last tick */
	else if (e->expires_ns)
		exp = (e->expires_ns + tick - 1) >> MXS_HOST4_TICK_SHIFT;
	return key | exp |
	       ((uint64_t)(e->classes & MXS_CLASSES_ALL) << MXS_H4_CLASSES_SHIFT) |
	       ((uint64_t)(e->reason < 8 ? e->reason : 0) << MXS_H4_REASON_SHIFT);
}

/* Store word (named by key) in line: over the word of the same key, else
 * in a free way.  false: the line is full. */
static bool kmap_h4_store(uint64_t *line, uint64_t key, uint64_t word)
{
	int free_way = -1;

	for (int i = 0; i < MXS_HOST4_WAYS; i++) {
		uint64_t w = __atomic_load_n(&line[i], __ATOMIC_ACQUIRE);

		if ((w & MXS_H4_KEY_MASK) == key) {
			__atomic_store_n(&line[i], word, __ATOMIC_RELEASE);
			return true;
		}
		if (!(w & MXS_H4_VALID) && free_way < 0)
			free_way = i;
	}
	if (free_way < 0)
		return false;
	__atomic_store_n(&line[free_way], word, __ATOMIC_RELEASE);
	return true;
}

static void kmap_h4_erase(uint64_t *line, uint64_t key)
{
	for (int i = 0; i < MXS_HOST4_WAYS; i++)
		if ((__atomic_load_n(&line[i], __ATOMIC_ACQUIRE) &
		     MXS_H4_KEY_MASK) == key)
			__atomic_store_n(&line[i], 0, __ATOMIC_RELEASE);
}

/* Erase every word of list in host4 that is (net) or is not (!net) a
 * prefix word. */
static void kmap_h4_forget(struct kmap *km, int list, bool net)
{
	uint64_t mask = MXS_H4_VALID | MXS_H4_ALLOW | MXS_H4_NET;
	uint64_t want = MXS_H4_VALID |
			(list == MXS_LIST_ALLOW ? MXS_H4_ALLOW : 0) |
			(net ? MXS_H4_NET : 0);
	size_t n = (size_t)MXS_HOST4_LINES * MXS_HOST4_WAYS;

	for (size_t i = 0; i < n; i++) {
		uint64_t w = __atomic_load_n(&km->host4[i], __ATOMIC_ACQUIRE);

		if ((w & mask) == want)
			__atomic_store_n(&km->host4[i], 0, __ATOMIC_RELEASE);
	}
}

/* The line of a /24's prefix word for list, and the word's key. */
static uint64_t *kmap_net4_line(struct kmap *km, int list, uint32_t slot,
				uint64_t *key)
{
	uint8_t b[4] = { (uint8_t)(slot >> 16), (uint8_t)(slot >> 8),
			 (uint8_t)slot, 0 };
	uint32_t a, h;

	memcpy(&a, b, sizeof(a));
	h = mxs_host4_hash(a);
	*key = mxs_host4_key(h, list == MXS_LIST_ALLOW) | MXS_H4_NET;
	return km->host4 + (size_t)(h >> MXS_HOST4_TAG_BITS) * MXS_HOST4_WAYS;
}

static uint16_t kmap_dir_get(const uint64_t *dir, uint32_t slot)
{
	uint64_t cell = __atomic_load_n(&dir[slot / MXS_DIR_SLOTS_PER_CELL],
					__ATOMIC_ACQUIRE);

	return (uint16_t)(cell >> mxs_dir_shift(slot));
}

/* Set the summary bits of slots [first, first + count) of a directory,
 * before anything is written to those slots. */
static void kmap_dir_mark(uint64_t *any, uint32_t first, uint32_t count)
{
	for (uint32_t s = first; s < first + count;) {
		uint32_t c = s / MXS_DIR_ANY_BITS, b = s % MXS_DIR_ANY_BITS;
		uint32_t n = MXS_DIR_ANY_BITS - b;
		uint64_t bits;

		if (n > first + count - s)
			n = first + count - s;
		bits = (n == 64 ? ~0ull : ((1ull << n) - 1)) << b;
		if ((__atomic_load_n(&any[c], __ATOMIC_ACQUIRE) & bits) != bits)
			__atomic_fetch_or(&any[c], bits, __ATOMIC_SEQ_CST);
		s += n;
	}
}

/* OR bits into a slot of dir (km->dir4 or km->dir6), its summary bit
 * first. */
static void kmap_dir_or(struct kmap *km, uint64_t *dir, uint32_t slot,
			uint16_t bits)
{
	if ((kmap_dir_get(dir, slot) & bits) == bits)
		return;
	kmap_dir_mark(dir == km->dir4 ? km->dir4_any : km->dir6_any, slot, 1);
	__atomic_fetch_or(&dir[slot / MXS_DIR_SLOTS_PER_CELL],
			  (uint64_t)bits << mxs_dir_shift(slot),
			  __ATOMIC_SEQ_CST);
}

/* The IPv4 /24 slot of an address. */
static uint32_t kmap_dir4_slot(const struct addr_cidr *cidr)
{
	return mxs_dir4_slot(cidr->addr);
}

/* The hints of an IPv6 prefix shorter than /48, set one byte each. */
static int kmap_dir_hint6(struct kmap *km, int list,
			  const struct addr_cidr *cidr)
{
	__u32 kind = list == MXS_LIST_ALLOW ? MXS_HINT_ALLOW
					    : MXS_HINT_BLOCK_NET;
	__u32 first, count;
	__u8 one = 1;

	mxs_hint_range(MXS_FAMILY_V6, cidr->addr, cidr->prefixlen, &first,
		       &count);
	for (__u32 i = 0; i < count; i++) {
		__u32 idx = mxs_hint_index(kind, MXS_FAMILY_V6, first + i);
		__u8 cur = 0;

		if (bpf_map_lookup_elem(km->hints_fd, &idx, &cur) == 0 && cur)
			continue;
		if (bpf_map_update_elem(km->hints_fd, &idx, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

int kmap_dir_flag(struct kmap *km, int list, const struct addr_cidr *cidr)
{
	bool allow = list == MXS_LIST_ALLOW;

	if (cidr->family == MXS_FAMILY_V4) {
		if (cidr->prefixlen <= MXS_DIR4_PREFIX)
			return 0; /* resolved by length, after the write */
		kmap_dir_or(km, km->dir4, kmap_dir4_slot(cidr),
			    cidr->prefixlen == 32
				    ? (allow ? MXS_SLOT_HOST_ALLOW
					     : MXS_SLOT_HOST_BLOCK)
				    : (allow ? MXS_SLOT_NET_ALLOW
					     : MXS_SLOT_NET_BLOCK));
		return 0;
	}
	if (cidr->prefixlen < MXS_DIR6_PREFIX)
		return kmap_dir_hint6(km, list, cidr);
	kmap_dir_or(km, km->dir6, mxs_dir6_slot(cidr->addr),
		    cidr->prefixlen == 128
			    ? (allow ? MXS_SLOT_HOST_ALLOW : MXS_SLOT_HOST_BLOCK)
			    : (allow ? MXS_SLOT_NET_ALLOW : MXS_SLOT_NET_BLOCK));
	return 0;
}

static unsigned int kmap_dir_len_shift(int list)
{
	return list == MXS_LIST_ALLOW ? MXS_SLOT_ALLOW_LEN_SHIFT
				      : MXS_SLOT_BLOCK_LEN_SHIFT;
}

/* The /24 slots an IPv4 prefix of /24 or shorter covers. */
static void kmap_dir4_range(const struct addr_cidr *cidr, uint32_t *first,
			    uint32_t *count)
{
	*count = 1u << (MXS_DIR4_PREFIX - cidr->prefixlen);
	*first = kmap_dir4_slot(cidr) & ~(*count - 1);
}

/*
 * Sets the length field (at field_shift within each slot) of every slot
 * in [first, first + count) for which keep() says so to `code`, one CAS
 * per cell.  from: only slots whose field holds this (or any, when
 * from < 0); raise: only slots whose field is below code.
 */
static void kmap_dir4_set_field(uint64_t *dir, uint32_t first, uint32_t count,
				unsigned int field_shift, int from, bool raise,
				unsigned int code)
{
	uint32_t end = first + count;

	for (uint32_t slot = first; slot < end;) {
		uint32_t c = slot / MXS_DIR_SLOTS_PER_CELL;
		uint64_t old = __atomic_load_n(&dir[c], __ATOMIC_ACQUIRE), new;

		do {
			new = old;
			for (uint32_t s = slot; s < end && s / MXS_DIR_SLOTS_PER_CELL == c;
			     s++) {
				unsigned int sh = mxs_dir_shift(s) + field_shift;
				unsigned int cur =
					(unsigned int)(new >> sh) & MXS_SLOT_LEN_MASK;

				if (raise ? cur >= code
					  : (from >= 0 && cur != (unsigned int)from))
					continue;
				new &= ~((uint64_t)MXS_SLOT_LEN_MASK << sh);
				new |= (uint64_t)code << sh;
			}
			if (new == old)
				break;
		} while (!__atomic_compare_exchange_n(&dir[c], &old, new, false,
						      __ATOMIC_SEQ_CST,
						      __ATOMIC_ACQUIRE));
		slot = (c + 1) * MXS_DIR_SLOTS_PER_CELL;
	}
}

/* The length field of list in a dir4 slot. */
static unsigned int kmap_dir4_field(struct kmap *km, int list, uint32_t slot)
{
	return (kmap_dir_get(km->dir4, slot) >> kmap_dir_len_shift(list)) &
	       MXS_SLOT_LEN_MASK;
}

/*
 * The prefix words of the slots in [first, first + count) whose field is
 * `code`, or (raise) at most `code`: e's, when e is a prefix of
 * /MXS_NET4_WORD_MIN or longer (len), else none.  A slot whose line is
 * full goes without: the program then looks in the hash.
 */
static void kmap_net4_words(struct kmap *km, int list, uint32_t first,
			    uint32_t count, unsigned int code, bool raise,
			    const struct mxs_entry *e, unsigned int len)
{
	for (uint32_t s = first; s < first + count; s++) {
		unsigned int cur = kmap_dir4_field(km, list, s);
		uint64_t key, *line;

		if (raise ? cur > code : cur != code)
			continue;
		line = kmap_net4_line(km, list, s, &key);
		if (e && len >= MXS_NET4_WORD_MIN)
			kmap_h4_store(line, key, kmap_host4_word(key, e));
		else
			kmap_h4_erase(line, key);
	}
}

void kmap_dir_raise(struct kmap *km, int list, const struct addr_cidr *cidr,
		    const struct mxs_entry *e)
{
	unsigned int code = cidr->prefixlen + 1u;
	uint32_t first, count;

	kmap_dir4_range(cidr, &first, &count);
	kmap_dir_mark(km->dir4_any, first, count);
	/* the words first: until the slot names cidr, a word of cidr is
	 * what the program would find in the hash anyway */
	kmap_net4_words(km, list, first, count, code, true, e,
			cidr->prefixlen);
	kmap_dir4_set_field(km->dir4, first, count, kmap_dir_len_shift(list),
			    -1, true, code);
}

int kmap_dir_lower(struct kmap *km, int list, int net_fd,
		   const struct addr_cidr *cidr)
{
	unsigned int code = 0;
	uint32_t first, count;
	struct mxs_entry e;

	/* the longest shorter prefix of the list covering cidr: it covers
	 * every slot cidr covers, and nothing between the two does */
	for (int len = (int)cidr->prefixlen - 1; len >= 0 && !code; len--) {
		struct mxs_lpm4_key key = { .prefixlen = (__u32)len };
		uint32_t a;

		memcpy(&a, cidr->addr, sizeof(a));
		a &= len ? htonl(~0u << (32 - len)) : 0;
		key.addr = a;
		if (bpf_map_lookup_elem(net_fd, &key, &e) == 0)
			code = (unsigned int)len + 1;
		else if (errno != ENOENT)
			return -errno;
	}
	kmap_dir4_range(cidr, &first, &count);
	/* the words first: the shorter prefix's verdict, or none (then the
	 * program asks the hash, which still holds cidr) */
	kmap_net4_words(km, list, first, count, cidr->prefixlen + 1u, false,
			code ? &e : NULL, code ? code - 1 : 0);
	kmap_dir4_set_field(km->dir4, first, count, kmap_dir_len_shift(list),
			    (int)cidr->prefixlen + 1, false, code);
	return 0;
}

void kmap_dir_forget_lengths(struct kmap *km, int list)
{
	kmap_h4_forget(km, list, true);
	kmap_dir4_set_field(km->dir4, 0, MXS_DIR4_SLOTS,
			    kmap_dir_len_shift(list), -1, false, 0);
}

void kmap_dir_host4_put(struct kmap *km, int list, const struct addr_cidr *cidr,
			const struct mxs_entry *e)
{
	uint64_t key, *line = kmap_host4_line(km, list, cidr, &key);

	/* a full line: the /24's hosts are looked up in the hashes, which
	 * hold this one already */
	if (!kmap_h4_store(line, key, kmap_host4_word(key, e)))
		kmap_dir_or(km, km->dir4, kmap_dir4_slot(cidr),
			    MXS_SLOT_HOST_SPILL);
}

void kmap_dir_host4_erase(struct kmap *km, int list,
			  const struct addr_cidr *cidr)
{
	uint64_t key, *line = kmap_host4_line(km, list, cidr, &key);

	kmap_h4_erase(line, key);
}

void kmap_dir_host4_forget(struct kmap *km, int list)
{
	kmap_h4_forget(km, list, false);
}
