/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * mxscreen.h - the one definition of everything the XDP program and
 * userspace share: map names, key and value layouts, enums and the stats
 * record.  Userspace never redeclares any of this.
 *
 * Layout rules: fixed-width fields only, padding spelled out so that BTF
 * shows it and the kernel never sees uninitialised bytes in a key, and the
 * byte order of every address and port stated next to the field.
 */
#ifndef MXSCREEN_H
#define MXSCREEN_H

#include <linux/types.h>

/* Where maps are pinned unless --pin-path or MXSCREEN_PIN_PATH say otherwise. */
#define MXS_PIN_PATH_DEFAULT "/sys/fs/bpf/mxscreen"
#define MXS_PIN_PATH_ENV "MXSCREEN_PIN_PATH"

/* Name of the XDP program as the kernel and libxdp report it. */
#define MXS_PROG_NAME "mxscreen_xdp"

/* Address families as stored in struct mxs_prefix (not AF_* values, which
 * the BPF side has no header for). */
#define MXS_FAMILY_V4 4
#define MXS_FAMILY_V6 6

/*
 * Map names.  Each is also the file name of the pin under the pin path and
 * must equal the variable name in bpf/maps.bpf.h (BPF names: 15 chars max).
 */
#define MXS_MAP_CONFIG "config"
#define MXS_MAP_PORTS "ports"
#define MXS_MAP_STATS "stats"
#define MXS_MAP_ALLOW4_HOST "allow4_host"
#define MXS_MAP_ALLOW4_NET "allow4_net"
#define MXS_MAP_ALLOW6_HOST "allow6_host"
#define MXS_MAP_ALLOW6_NET "allow6_net"
#define MXS_MAP_BLOCK4_HOST "block4_host"
#define MXS_MAP_BLOCK4_NET "block4_net"
#define MXS_MAP_BLOCK6_HOST "block6_host"
#define MXS_MAP_BLOCK6_NET "block6_net"
#define MXS_MAP_META "meta"
#define MXS_MAP_HINTS "hints"
#define MXS_MAP_EVENTS "events"
#define MXS_MAP_HS_STATS "hs_stats"
#define MXS_MAP_DNSBL_CACHE "dnsbl_cache"
#define MXS_MAP_DAEMON "daemon"
#define MXS_MAP_RATE_SYN "rate_syn"
#define MXS_MAP_RATE_CONN "rate_conn"
#define MXS_MAP_OFFENCES "offences"
#define MXS_MAP_DIR4 "dir4"
#define MXS_MAP_DIR6 "dir6"
#define MXS_MAP_HOST4 "host4"
#define MXS_MAP_DIR4_ANY "dir4_any"
#define MXS_MAP_DIR6_ANY "dir6_any"
#define MXS_MAP_POSTFIX_SCORES "postfix_scores"
#define MXS_MAP_ACCOUNTS "accounts"

/* Name of the sockops program that reports completed handshakes. */
#define MXS_HANDSHAKE_PROG_NAME "mxscreen_hs"

/*
 * Default capacities, overridable at attach time (the first attach creates
 * the maps; later ones reuse the pinned maps and their sizes).  "host"
 * hashes hold single addresses, "net" maps true prefixes (IPv4: a hash of
 * exact prefixes, resolved through "dir4"; IPv6: an LPM trie).
 */
#define MXS_DEFAULT_BLOCK4_MAX (1u << 20)
#define MXS_DEFAULT_BLOCK6_MAX (1u << 18)
#define MXS_DEFAULT_ALLOW4_MAX (1u << 16)
#define MXS_DEFAULT_ALLOW6_MAX (1u << 16)
#define MXS_DEFAULT_META_MAX (1u << 16)
/* an LRU hash is preallocated: ~184 bytes each, 24 MB for the default */
#define MXS_DEFAULT_DNSBL_CACHE_MAX (1u << 17)
#define MXS_DEFAULT_EVENTS_BYTES (1u << 20) /* ring buffer, power of 2 */
/* LRU hashes, preallocated: ~100 bytes each */
#define MXS_DEFAULT_RATE_SYN_MAX (1u << 17)
#define MXS_DEFAULT_RATE_CONN_MAX (1u << 16)
#define MXS_DEFAULT_OFFENCES_MAX (1u << 16)
#define MXS_DEFAULT_POSTFIX_SCORES_MAX (1u << 16)
/* Logins the policy service keeps counts for ("accounts"). */
#define MXS_DEFAULT_ACCOUNTS_MAX (1u << 16)
/* "accounts": key a SASL login, NUL-padded to MXS_ACCOUNT_NAME_LEN bytes
 * (longer logins are not counted); value MXS_ACCOUNT_STATE_SIZE bytes of
 * userspace's struct account_state (userspace/lib/account.h), which no BPF
 * program reads. */
#define MXS_ACCOUNT_NAME_LEN 256
#define MXS_ACCOUNT_STATE_SIZE 768
/* IPv6 sources share a rate bucket (and a ban) per prefix of this length */
#define MXS_DEFAULT_RATE_PREFIX_V6 64
#define MXS_MIN_RATE_PREFIX_V6 48

/* Number of IPv6 extension headers the parser walks before giving up. */
#define MXS_MAX_IPV6_EXT_HDRS 6

/*
 * Port classes.  A screened port belongs to exactly one class; a list entry
 * carries a mask of the classes it applies to.  Submission users connect
 * from dynamic addresses that DNSBLs list, hence the split.
 */
enum mxs_class {
	MXS_CLASS_MX = 0,         /* port 25: other MTAs */
	MXS_CLASS_SUBMISSION = 1, /* ports 465, 587: authenticated users */
	MXS_NR_CLASSES = 2,
};
#define MXS_CLASS_BIT(c) (1u << (c))
#define MXS_CLASSES_ALL ((1u << MXS_NR_CLASSES) - 1)

/* Why an entry exists; the stats keep one counter per reason. */
enum mxs_reason {
	MXS_REASON_NONE = 0,
	MXS_REASON_MANUAL = 1, /* mxscreen block/allow */
	MXS_REASON_LIST = 2,   /* mxscreen load */
	MXS_REASON_DNSBL = 3,  /* mxscreend DNSBL/DNSWL verdict */
	MXS_REASON_RATE = 4,   /* rate limit or rate ban */
	MXS_REASON_FILE = 5,   /* mxscreend's list files and mynetworks: the
				* daemon owns these, and replaces them when
				* the files change */
	MXS_REASON_POSTFIX = 6, /* mxscreend: Postfix's own verdicts (its log) */
	MXS_REASON_ACCOUNT = 7, /* mxscreend: clients of a login held for use
				 * from too many networks (policy service) */
	MXS_NR_REASONS = 8,     /* at most 8: "host4" words keep 3 bits */
};

/* What happens to a refused connection attempt. */
enum mxs_action {
	MXS_ACTION_DROP = 0,  /* silently drop the SYN (default) */
	MXS_ACTION_RESET = 1, /* answer with a TCP RST via XDP_TX */
};

/* struct mxs_config.flags */
#define MXS_CFG_OBSERVE (1u << 0)     /* count would-be drops, drop nothing */
#define MXS_CFG_INITIALISED (1u << 1) /* defaults written by the loader */

/*
 * A rate limit: a burst of `burst` events, refilled at `burst` per
 * `period_s`, checked with the generic cell rate algorithm (GCRA, as in
 * ATM and many rate limiters): each event moves a "theoretical arrival
 * time" (TAT) forward by emission_ns; an event is over the limit when the
 * TAT is more than tau_ns ahead of now.  One u64 per source, integer
 * arithmetic only: with burst <= 1e6 and period_s <= 1 day, TAT stays
 * within now + one day, far from overflowing.  emission_ns == 0: off.
 * Userspace fills all four fields (settings_rate_from()).
 */
struct mxs_rate {
	__u64 emission_ns; /* period / burst */
	__u64 tau_ns;      /* (burst - 1) * emission_ns */
	__u32 burst;       /* as configured, for display */
	__u32 period_s;
};

/*
 * "config": BPF_MAP_TYPE_ARRAY, one entry (key 0).  Run-time settings.
 * Written by the CLI and the daemon; read by both BPF programs.
 * All-zero is a valid configuration: drop, not observing, no rate limits.
 */
struct mxs_config {
	__u32 flags;  /* MXS_CFG_* */
	__u32 action; /* enum mxs_action */
	/* XDP: SYNs per source and port class (rate_limit_mx/_submission) */
	struct mxs_rate syn_rate[MXS_NR_CLASSES];
	/* handshake program: completed connections per source and class
	 * before the daemon is told of an offence (ban_connections per
	 * ban_window) */
	struct mxs_rate conn_rate;
	__u32 rate_prefix_v6; /* 48..128; 0 means MXS_DEFAULT_RATE_PREFIX_V6 */
	__u32 pad0;
};

/*
 * "ports": BPF_MAP_TYPE_ARRAY indexed by TCP destination port in host byte
 * order (65536 entries).  Value: MXS_CLASS_BIT() of the port's class, or 0
 * when the port is not screened.  Written by the CLI.
 */
typedef __u8 mxs_port_class_t;

/* The enum mxs_class of a nonzero "ports" value (one bit set). */
static inline __u32 mxs_port_class(mxs_port_class_t bits)
{
	return (bits & MXS_CLASS_BIT(MXS_CLASS_SUBMISSION))
		       ? MXS_CLASS_SUBMISSION
		       : MXS_CLASS_MX;
}

/*
 * Value of every allow and block map.  Entries leave the maps only when
 * userspace deletes them; the XDP program itself ignores an expired entry,
 * so expiry never depends on userspace being alive.
 */
struct mxs_entry {
	__u64 expires_ns; /* CLOCK_BOOTTIME ns (bpf_ktime_get_boot_ns); 0 = never */
	__u8 classes;     /* MXS_CLASS_BIT mask the entry applies to (allow: all) */
	__u8 reason;      /* enum mxs_reason */
	__u16 pad0;
	__u32 pad1;
};

/*
 * "hints": BPF_MAP_TYPE_ARRAY of __u8, MXS_HINT_ENTRIES entries, used for
 * IPv6 prefixes shorter than /48 only (IPv4 is resolved by "dir4", longer
 * IPv6 entries are flagged in "dir6").  A 1 says that an entry of one kind
 * MAY cover addresses of one slot; a 0 says that none can, so the program
 * skips the trie walk.  A slot is bits 16-31 of the IPv6 address (the part
 * after 2001:, which differs between networks).  The IPv4 half of the map
 * is unused (kept so that the index stays the same for both families).
 *
 * Written by userspace BEFORE it writes an entry of that kind, one whole
 * element per slot (no read-modify-write, so concurrent writers cannot
 * lose each other's marks), and never cleared: only a purge resets it.  A
 * stale 1 costs a lookup; a 0 can never hide an entry.
 */
enum mxs_hint_kind {
	MXS_HINT_ALLOW = 0,     /* allow prefixes */
	MXS_HINT_BLOCK_NET = 1, /* block prefixes */
	MXS_NR_HINT_KINDS = 2,
};
#define MXS_HINT_SLOTS 65536u
#define MXS_HINT_ENTRIES (MXS_NR_HINT_KINDS * 2 * MXS_HINT_SLOTS)
/* IPv6 prefixes shorter than this go to the hints; longer to "dir6". */
#define MXS_DIR6_PREFIX 48

/* Array index of the hint for (kind, family) and a slot. */
static inline __u32 mxs_hint_index(__u32 kind, __u32 family, __u32 slot)
{
	return (kind * 2 + (family == MXS_FAMILY_V6)) * MXS_HINT_SLOTS +
	       (slot & (MXS_HINT_SLOTS - 1));
}

/* The slot of an address (network byte order, 4 or 16 bytes). */
static inline __u32 mxs_hint_slot(__u32 family, const __u8 *addr)
{
	const __u8 *b = family == MXS_FAMILY_V6 ? addr + 2 : addr;

	return ((__u32)b[0] << 8) | b[1];
}

/*
 * The slots a prefix covers: [*first, *first + *count).  A prefix at least
 * as long as the slot's last bit covers one slot; a shorter one a power of
 * two of consecutive slots (all of them when it ends before the slot).
 */
static inline void mxs_hint_range(__u32 family, const __u8 *addr,
				  __u32 prefixlen, __u32 *first, __u32 *count)
{
	__u32 slot_end = family == MXS_FAMILY_V6 ? 32 : 16;
	__u32 slot = mxs_hint_slot(family, addr);

	if (prefixlen >= slot_end) {
		*first = slot;
		*count = 1;
	} else if (prefixlen + 16 <= slot_end) {
		*first = 0;
		*count = MXS_HINT_SLOTS;
	} else {
		*count = 1u << (slot_end - prefixlen);
		*first = slot & ~(*count - 1);
	}
}

/*
 * ---- The directories: one memory access decides most SYNs --------------
 *
 * "dir4": BPF_MAP_TYPE_ARRAY (BPF_F_MMAPABLE) of MXS_DIR4_CELLS __u64
 * cells, each holding four 16-bit slots: one slot per IPv4 /24, 16M
 * slots, 32 MB.  Slot s is bits (s % 4) * 16 of cell s / 4 (host byte
 * order).  A slot says, for its /24:
 *   bits 0-4   1 + the length of the longest BLOCK prefix of at most /24
 *              covering the /24 (0: none), so that the program finds the
 *              deciding prefix with one exact hash lookup in "block4_net";
 *   bits 5-9   the same for ALLOW prefixes ("allow4_net");
 *   HOST_*     an allow / block host entry may exist inside the /24;
 *   NET_*      an allow / block prefix longer than /24 may exist inside;
 *   RATE       a source inside may have SYN rate state ("rate_syn").
 * A slot of 0 (most of the address space) is a clean source: no lookup.
 *
 * "dir6": the same cells, MXS_DIR6_SLOTS slots (8 MB), indexed by a hash
 * of the source's /48 (mxs_dir6_slot()).  Only the flags are used: HOST_*
 * for /128 entries, NET_* for prefixes of /48 and longer, RATE; shorter
 * IPv6 prefixes are found through "hints".  Two /48s may share a slot:
 * a flag is a "maybe", costing a lookup, never a verdict.
 *
 * Who writes: userspace (kmap.c) through mmap, the handshake program
 * (RATE).  Every write is one atomic 64-bit operation on a cell (an OR
 * for flags, a compare-and-swap for the lengths), so the program never
 * reads a torn slot and concurrent writers never lose each other's bits.
 * Flags are set BEFORE the entry they announce is written and never
 * cleared (a stale flag costs a lookup; only a purge resets them).  A
 * prefix length is raised AFTER its entry is in the hash and lowered
 * BEFORE the entry is deleted; the program, finding no entry where a slot
 * pointed, reads the slot once more (see dir_net4_lookup()).  Prefix
 * writers (lengths) hold an exclusive flock on the pin directory.
 */
#define MXS_DIR4_SLOTS (1u << 24)
#define MXS_DIR6_BITS 22
#define MXS_DIR6_SLOTS (1u << MXS_DIR6_BITS)
#define MXS_DIR_SLOTS_PER_CELL 4u
#define MXS_DIR4_CELLS (MXS_DIR4_SLOTS / MXS_DIR_SLOTS_PER_CELL)
#define MXS_DIR6_CELLS (MXS_DIR6_SLOTS / MXS_DIR_SLOTS_PER_CELL)
/* The longest IPv4 prefix a slot's length fields resolve. */
#define MXS_DIR4_PREFIX 24

#define MXS_SLOT_BLOCK_LEN_SHIFT 0
#define MXS_SLOT_ALLOW_LEN_SHIFT 5
#define MXS_SLOT_LEN_MASK 0x1fu
#define MXS_SLOT_HOST_ALLOW (1u << 10)
#define MXS_SLOT_HOST_BLOCK (1u << 11)
#define MXS_SLOT_NET_ALLOW (1u << 12)
#define MXS_SLOT_NET_BLOCK (1u << 13)
#define MXS_SLOT_RATE (1u << 14)
/* dir4 only: a host entry of this /24 found no room in "host4"; the
 * program looks the /24's hosts up in the host hashes instead. */
#define MXS_SLOT_HOST_SPILL (1u << 15)

/*
 * "dir4_any", "dir6_any": BPF_MAP_TYPE_ARRAY (BPF_F_MMAPABLE) of __u64,
 * one bit per dir4 / dir6 slot (2 MB and 512 KB): set when the slot may
 * be non-zero.  The program reads it before the slot, so that a source in
 * a /24 (or /48 slot) that nothing names - most of a spoofed flood - is
 * settled by a bitmap small enough to stay in the caches and the TLB,
 * where the slot would cost a cold load from 32 MB.  Set (one atomic OR)
 * BEFORE anything is written to the slot it summarises, by userspace and
 * the handshake program; never cleared (a stale bit costs the slot read),
 * only a purge resets it.
 */
#define MXS_DIR_ANY_BITS 64u
#define MXS_DIR4_ANY_CELLS (MXS_DIR4_SLOTS / MXS_DIR_ANY_BITS)
#define MXS_DIR6_ANY_CELLS (MXS_DIR6_SLOTS / MXS_DIR_ANY_BITS)

/*
 * "host4": BPF_MAP_TYPE_ARRAY (BPF_F_MMAPABLE) of MXS_HOST4_LINES lines of
 * 64 bytes: the IPv4 host entries of both lists once more, compact, so
 * that a host hit costs the program one cache line, read in parallel with
 * the source's dir4 cell (the host hashes stay the lists' record for
 * userspace).  An address a lives in line mxs_host4_hash(a) >> 14, as one
 * 64-bit word: the hash's low 14 bits as tag (the hash is a bijection, so
 * line and tag identify the address), valid and list bits, classes,
 * reason and the expiry in MXS_HOST4_TICK_SHIFT units, rounded up (0:
 * never).  A word is written with one atomic store (never torn); a full
 * line spills the entry to the hash alone and flags its /24
 * MXS_SLOT_HOST_SPILL.  Written by userspace only, under the prefix lock.
 *
 * The same lines hold, for each /24 and list, a prefix word (MXS_H4_NET
 * set): the entry of the prefix that the /24's slot names (the longest
 * of the list of /MXS_NET4_WORD_MIN../24 covering it), filed as if it
 * were a host entry for the /24's first address (mxs_net4_base()).  A
 * prefix hit then costs one line where the hash costs a bucket and an
 * element.  A word is a copy: written after its entry and before the
 * slot names it, replaced or erased before the slot stops naming it, so
 * a word found is always the deciding prefix's.  No word (a full line, a
 * shorter prefix) sends the program to the hash, which stays the record.
 */
#define MXS_HOST4_LINE_BITS 18
#define MXS_HOST4_LINES (1u << MXS_HOST4_LINE_BITS) /* 16 MB */
#define MXS_HOST4_WAYS 8
#define MXS_HOST4_TAG_BITS (32 - MXS_HOST4_LINE_BITS)
#define MXS_HOST4_TICK_SHIFT 24 /* 16.8 ms; 40 bits last 584 years */
#define MXS_H4_EXP_MASK ((1ull << 40) - 1)
#define MXS_H4_CLASSES_SHIFT 40
#define MXS_H4_REASON_SHIFT 42
#define MXS_H4_ALLOW_SHIFT 45
#define MXS_H4_ALLOW (1ull << MXS_H4_ALLOW_SHIFT)
#define MXS_H4_VALID (1ull << 46)
#define MXS_H4_TAG_SHIFT 47
#define MXS_H4_NET (1ull << 61)
/* The shortest prefix with words: at most 256 /24s each. */
#define MXS_NET4_WORD_MIN 16
/* The bits that name an entry (tag, valid, list): words compare by them. */
#define MXS_H4_KEY_MASK (~0ull << MXS_H4_ALLOW_SHIFT)

struct mxs_host4_line {
	__u64 way[MXS_HOST4_WAYS];
};

/* A bijection on 32 bits of the address (network byte order as loaded). */
static inline __u32 mxs_host4_hash(__u32 addr)
{
	__u32 h = addr * 0x9e3779b1u;

	h ^= h >> 15;
	h *= 0x85ebca77u;
	h ^= h >> 13;
	return h;
}

/* The word of an address's entry without its value bits. */
static inline __u64 mxs_host4_key(__u32 hash, int allow)
{
	return ((__u64)(hash & ((1u << MXS_HOST4_TAG_BITS) - 1))
		<< MXS_H4_TAG_SHIFT) |
	       MXS_H4_VALID | (allow ? MXS_H4_ALLOW : 0);
}

/* The first address of an IPv4 address's /24 (network byte order in,
 * and out). */
static inline __u32 mxs_net4_base(__u32 addr)
{
	__u8 *b = (__u8 *)&addr;

	b[3] = 0;
	return addr;
}

/* The /24 slot of an IPv4 address (network byte order). */
static inline __u32 mxs_dir4_slot(const __u8 *addr)
{
	return ((__u32)addr[0] << 16) | ((__u32)addr[1] << 8) | addr[2];
}

/*
 * The slot of an IPv6 address's /48 (network byte order): a
 * multiplicative hash of its first six bytes, so that neighbouring /48s
 * and /48s of different networks spread over the slots alike.
 */
static inline __u32 mxs_dir6_slot(const __u8 *addr)
{
	__u64 k = ((__u64)addr[0] << 40) | ((__u64)addr[1] << 32) |
		  ((__u64)addr[2] << 24) | ((__u64)addr[3] << 16) |
		  ((__u64)addr[4] << 8) | addr[5];

	return (__u32)((k * 0x9e3779b97f4a7c15ull) >> (64 - MXS_DIR6_BITS));
}

/* Bit position of a slot inside its cell. */
static inline __u32 mxs_dir_shift(__u32 slot)
{
	return (slot % MXS_DIR_SLOTS_PER_CELL) * 16;
}

/* "allow4_net", "block4_net": BPF_MAP_TYPE_HASH keys, one exact prefix
 * (/0../31) each; the program finds them through "dir4" (prefixes up to
 * /24) or by probing /31../25 where dir4 flags such prefixes. */
struct mxs_lpm4_key {
	__u32 prefixlen; /* host byte order, 0..32 */
	__u32 addr;      /* network byte order */
};

/* "allow6_net", "block6_net": BPF_MAP_TYPE_LPM_TRIE keys. */
struct mxs_lpm6_key {
	__u32 prefixlen; /* host byte order, 0..128 */
	__u8 addr[16];   /* network byte order */
};

/* "allow6_host", "block6_host": BPF_MAP_TYPE_HASH keys (a /128). */
struct mxs_addr6 {
	__u8 addr[16]; /* network byte order */
};
/* "allow4_host", "block4_host": BPF_MAP_TYPE_HASH keyed by __u32 address in
 * network byte order (a /32). */

/*
 * "meta": BPF_MAP_TYPE_HASH, userspace only (the XDP program never reads it).
 * Per-entry bookkeeping that administrators want to see but the packet path
 * does not need: the comment, when it was added, and (rate issue) the
 * offence count.  Lives in a pinned map so that it shares the list entries'
 * lifetime.  Written by the CLI/daemon when an entry is added, deleted with
 * the entry.
 */
struct mxs_prefix {
	__u8 family;    /* MXS_FAMILY_V4 or MXS_FAMILY_V6 */
	__u8 prefixlen; /* 0..32 or 0..128 */
	__u8 list;      /* MXS_LIST_ALLOW or MXS_LIST_BLOCK */
	__u8 pad0;
	__u8 addr[16];  /* network byte order; IPv4 in the first 4 bytes, rest 0 */
};
#define MXS_LIST_ALLOW 1
#define MXS_LIST_BLOCK 2

#define MXS_COMMENT_LEN 64
struct mxs_meta {
	__u64 added_unix;  /* wall-clock seconds when the entry was written */
	__u32 offences;    /* rate bans: how many times this source offended */
	__u32 pad0;
	char comment[MXS_COMMENT_LEN]; /* NUL-terminated, may be empty */
};

/*
 * "stats": BPF_MAP_TYPE_PERCPU_ARRAY, one entry.  Every packet increments
 * `packets` and exactly one outcome field below it, so the outcome fields
 * sum to `packets`.  Userspace sums over CPUs.  Field names are what
 * bpftool prints (the map carries BTF), so renaming one is an interface
 * change.
 */
struct mxs_stats {
	__u64 packets; /* every packet the program saw */

	/* passed without a lookup */
	__u64 pass_not_ip;      /* not IPv4/IPv6 (ARP, more than 2 VLAN tags, ...) */
	__u64 pass_not_tcp;     /* IP, but not TCP */
	__u64 pass_not_smtp;    /* TCP to a port that is not screened */
	__u64 pass_established; /* TCP to a screened port, not a bare SYN */

	/* connection attempts (SYN without ACK) to a screened port */
	__u64 pass_clean;       /* no entry covers the source */
	__u64 pass_allowed;     /* allowlist hit (wins over any block entry) */
	__u64 pass_expired;     /* only expired entries cover the source */
	__u64 pass_other_class; /* block entry exists but not for this port's class */

	/* refused connection attempts, by reason of the deciding entry */
	__u64 drop_manual;
	__u64 drop_list;
	__u64 drop_dnsbl;
	__u64 drop_rate;
	__u64 drop_file;
	__u64 drop_postfix;
	__u64 drop_account;
	__u64 reset_manual; /* action=reset: answered with RST */
	__u64 reset_list;
	__u64 reset_dnsbl;
	__u64 reset_rate;
	__u64 reset_file;
	__u64 reset_postfix;
	__u64 reset_account;
	__u64 observe_manual; /* observe mode: would have been refused, passed */
	__u64 observe_list;
	__u64 observe_dnsbl;
	__u64 observe_rate;
	__u64 observe_file;
	__u64 observe_postfix;
	__u64 observe_account;

	/* packets not parsable past the IP header (non-first fragments,
	 * truncated headers, too many IPv6 extension headers, bad lengths) */
	__u64 pass_unparsed;    /* source not blocked (or unknown) */
	__u64 drop_unparsed;    /* source blocked: closes the fragment bypass */
	__u64 observe_unparsed; /* observe mode: would have been dropped */
};

/*
 * ---- mxscreend: handshakes in, DNSBL verdicts out -------------------------
 *
 * A sockops program (bpf/handshake.bpf.h) sees every TCP connection that
 * completed its handshake to a screened port (never a bare SYN, so spoofed
 * sources cannot make the daemon query anything) and reports the remote
 * address through the "events" ring buffer unless "dnsbl_cache" already
 * holds a fresh result for it.  The daemon looks the address up in the
 * configured DNSBLs and writes block/allow entries (reason dnsbl) and the
 * result into "dnsbl_cache".
 */

/* A remote address as the handshake program and the cache key it. */
struct mxs_source {
	__u8 family;   /* MXS_FAMILY_V4 or MXS_FAMILY_V6 (IPv4-mapped -> V4) */
	__u8 pad[3];
	__u8 addr[16]; /* network byte order; IPv4 in the first 4 bytes */
};

/* "events": BPF_MAP_TYPE_RINGBUF records, written by the handshake program,
 * consumed by the daemon. */
struct mxs_event {
	__u64 time_ns;     /* bpf_ktime_get_boot_ns() at the handshake */
	struct mxs_source src;
	__u16 local_port;  /* host byte order */
	__u8 class_;       /* enum mxs_class of local_port */
	__u8 kind;         /* enum mxs_event_kind */
};

enum mxs_event_kind {
	MXS_EVENT_NEW_SOURCE = 0, /* no fresh DNSBL result: look it up */
	MXS_EVENT_RATE = 1,       /* over conn_rate in its class: an offence */
};

/*
 * A source as the rate limits count it: IPv4 by address, IPv6 by its
 * rate_prefix_v6 prefix (host bits zero), per port class.  Key of
 * "rate_syn" (XDP, SYNs) and "rate_conn" (handshake program, completed
 * connections): BPF_MAP_TYPE_LRU_HASH -> __u64 TAT in CLOCK_BOOTTIME ns.
 * The LRU drops the least recently seen sources when full (lenient,
 * never harsher).
 *
 * Who creates a source's "rate_syn" entry: while mxscreend runs (its
 * heartbeat in "daemon" is at most MXS_HS_FRESH_NS old), only the
 * handshake program, when the source completes a handshake, and it flags
 * the source's dir4/dir6 slot MXS_SLOT_RATE; the XDP program then only
 * looks entries up, and only in flagged slots.  A spoofed SYN flood thus
 * costs one slot read per SYN, inserts nothing and evicts nobody's count.
 * Without the daemon the XDP program creates entries itself, for every
 * new source, as the limit's first SYN.
 */
#define MXS_HS_FRESH_NS (5ull * 1000000000ull)
struct mxs_rate_key {
	__u8 family;    /* MXS_FAMILY_V4/V6 */
	__u8 class_;    /* enum mxs_class */
	__u8 prefixlen; /* 32, or rate_prefix_v6 */
	__u8 pad;
	__u8 addr[16];  /* network byte order, host bits zero */
};

/*
 * "offences": BPF_MAP_TYPE_HASH struct mxs_prefix (list MXS_LIST_BLOCK)
 * -> this.  The daemon's memory of rate offences, so that each ban lasts
 * twice the last; forgotten after ban_memory.  Written by the daemon,
 * deleted by `mxscreen unblock`, read by list and check.
 */
struct mxs_offence {
	__u64 last_ns; /* CLOCK_BOOTTIME of the last offence */
	__u32 count;   /* offences remembered */
	__u32 pad;
};

/*
 * "postfix_scores": BPF_MAP_TYPE_HASH struct mxs_rate_key (the source as
 * a ban would cover it, and the class) -> this.  The events Postfix's log
 * reported about a source, counted per kind in eighths of postfix_window
 * (userspace/lib/pfscore.h), so that a ban can be decided and `mxscreen check`
 * can show them.  Userspace only, like "offences": written by the daemon,
 * deleted at a ban and when the last event is older than the window.
 */
#define MXS_PF_BUCKETS 8
#define MXS_PF_KINDS 12 /* >= the daemon's event kinds */
struct mxs_pf_score {
	__u64 window_ns; /* postfix_window the counts were taken with */
	__u64 last_ns;   /* CLOCK_BOOTTIME of the last event */
	__u64 epoch[MXS_PF_BUCKETS]; /* 1 + the eighth of time a bucket
				      * holds (CLOCK_BOOTTIME / (window / 8));
				      * 0: empty */
	__u16 count[MXS_PF_BUCKETS][MXS_PF_KINDS]; /* events per kind */
};

/*
 * "hs_stats": BPF_MAP_TYPE_PERCPU_ARRAY, one entry, written by the
 * handshake program only.  Every established-callback lands in exactly one
 * of the fields after `handshakes`.
 */
struct mxs_hs_stats {
	__u64 handshakes;   /* passive established callbacks seen */
	__u64 other_netns;  /* in a network namespace the daemon does not watch */
	__u64 not_screened; /* to a port that is not screened */
	__u64 cached;       /* "dnsbl_cache" had a fresh result: no event */
	__u64 queued;       /* reported through "events" */
	__u64 lost;         /* ring buffer full: counted, not reported */
	__u64 offences;     /* over conn_rate: reported as MXS_EVENT_RATE */
	__u64 offences_lost; /* over conn_rate, ring buffer full */
};

/* struct mxs_dnsbl_result.verdict */
enum mxs_dnsbl_verdict {
	MXS_DNSBL_CLEAN = 0,  /* score between the thresholds */
	MXS_DNSBL_BLOCK = 1,  /* score >= dnsbl_threshold */
	MXS_DNSBL_ALLOW = 2,  /* score <= dnsbl_allowlist_threshold (< 0) */
	MXS_DNSBL_FAILED = 3, /* no zone answered: retried after a short while */
};

#define MXS_DNSBL_MAX_HITS 8
struct mxs_dnsbl_hit {
	__u8 site;      /* index into struct mxs_daemon_status.site */
	__u8 pad[3];
	__u32 answer;   /* the A record, network byte order (127.x.y.z) */
};

/*
 * "dnsbl_cache": BPF_MAP_TYPE_LRU_HASH struct mxs_source -> this.  Written
 * by the daemon when a lookup ends; read by the handshake program (a fresh
 * entry means no event) and by `mxscreen check`.  Old entries are evicted
 * by the LRU when the map is full; expired ones are ignored.
 */
struct mxs_dnsbl_result {
	__u64 expires_ns;  /* CLOCK_BOOTTIME ns: fresh until then */
	__u64 done_ns;     /* when the lookup ended */
	__s32 score;       /* sum of the weights of the matching sites */
	__u32 generation;  /* struct mxs_daemon_status.generation of site[] */
	__u8 verdict;      /* enum mxs_dnsbl_verdict */
	__u8 nr_hits;      /* valid entries in hits[] */
	__u16 pad0;
	__u32 pad1;
	struct mxs_dnsbl_hit hits[MXS_DNSBL_MAX_HITS];
};

/* struct mxs_site_status.state */
enum mxs_site_state {
	MXS_SITE_OK = 0,
	MXS_SITE_UNTESTED = 1,   /* no probe answered yet */
	MXS_SITE_NO_TESTPOINT = 2, /* probe: 127.0.0.2 not listed (queried anyway) */
	MXS_SITE_LISTS_WORLD = 3,  /* probe: 127.0.0.1 listed: disabled */
	MXS_SITE_REFUSED = 4,      /* answered 127.255.255.x: disabled for a while */
	MXS_SITE_BAD_ANSWER = 5,   /* answered outside 127/8: disabled for a while */
};

#define MXS_DNSBL_MAX_SITES 32
#define MXS_SITE_SPEC_LEN 112
struct mxs_site_status {
	char spec[MXS_SITE_SPEC_LEN]; /* as configured: zone[=filter][*weight] */
	__s32 weight;
	__u32 state;             /* enum mxs_site_state */
	__u64 disabled_until_ns; /* CLOCK_BOOTTIME; 0 = enabled */
	__u64 queries;
	__u64 listed;            /* answers that matched the filter */
	__u64 failures;          /* timeouts, SERVFAIL, refused, bad answers */
};

/*
 * "daemon": BPF_MAP_TYPE_ARRAY, one entry: the daemon's heartbeat and
 * health, written by mxscreend every second, read by `mxscreen status`.
 * A heartbeat older than a few seconds means the daemon is gone.
 */
struct mxs_daemon_status {
	__u32 pid;
	__u32 generation;    /* bumped when site[] changes (config reload) */
	__u64 started_ns;    /* CLOCK_BOOTTIME */
	__u64 heartbeat_ns;  /* CLOCK_BOOTTIME of the last write */
	__u64 events;        /* handshake events read */
	__u64 lookups;       /* addresses looked up (all sites) */
	__u64 merged;        /* events for an address already in flight */
	__u64 skipped_rate;  /* over max_lookups_per_second: not looked up */
	__u64 skipped_busy;  /* over max_lookups_in_flight: not looked up */
	__u64 skipped_nozone; /* no usable zone (not yet probed, all disabled) */
	__u64 blocked;       /* block entries written */
	__u64 allowed;       /* allow entries written */
	__u64 clean;         /* clean results cached */
	__u64 failed;        /* lookups with no usable answer */
	__u64 expired_removed; /* expired dnsbl entries removed from the lists */
	__u64 map_errors;    /* writes the kernel refused (full maps, ...) */
	__u64 rate_bans;     /* rate bans written */
	__u64 pf_lines;      /* Postfix log: lines (entries) read */
	__u64 pf_records;    /* of them, Postfix's records */
	__u64 pf_events;     /* of these, events (pflog_parse.h) */
	__u64 pf_bans;       /* bans written for them */
	__u64 pf_untrusted;  /* journal entries with a Postfix tag from
			      * another program: ignored */
	__u64 pf_read_errors; /* failed reads of a log (retried) */
	__u64 conns_closed;  /* connections of banned sources ended */
	__u64 close_failed;  /* ends the kernel refused (gone meanwhile: not
			      * counted) */
	__u64 close_walks;   /* walks of the socket table (one per batch) */
	__u32 close_mechanism; /* enum mxs_close_mechanism in use */
	__u32 pad_close;
	/* the policy service (policy_listen) */
	__u64 policy_requests;  /* answered */
	__u64 policy_deferred;  /* answered with a defer: limits, holds */
	__u64 policy_holds;     /* logins put on hold */
	__u64 policy_bans;      /* bans of the clients of held logins */
	__u64 policy_errors;    /* connections closed for a bad request */
	/* its limits, for mxscreen account (which has no configuration) */
	struct mxs_rate acct_rcpt;    /* account_recipient_limit */
	struct mxs_rate acct_msg;     /* account_message_limit */
	struct mxs_rate acct_clients; /* account_client_limit */
	__u64 acct_hold_s;            /* account_hold_time */
	__u32 in_flight;
	__u32 lookups_per_sec; /* over the last second */
	__u32 nr_sites;
	__u32 observe;       /* 1: verdicts are logged, not written */
	struct mxs_site_status site[MXS_DNSBL_MAX_SITES];
};

#define MXS_STATS_NR_FIELDS (sizeof(struct mxs_stats) / sizeof(__u64))

/*
 * ---- ending the connections of a banned source -----------------------------
 *
 * When a block entry is written, the TCP connections its source already
 * has open to a screened port of the entry's classes are ended (the
 * kernel aborts the server's socket; the client gets a RST).  The batch
 * of new entries is written into "close_targets", then one walk of the
 * socket table ends what matches: the TCP socket iterator of
 * bpf/sockclose.bpf.c with bpf_sock_destroy() (kernel 6.5), or, without
 * it, the same walk in userspace through sock_diag (userspace/lib/sockdiag.c).
 */
enum mxs_close_mechanism {
	MXS_CLOSE_OFF = 0,          /* close_connections = no, or observe */
	MXS_CLOSE_BPF_ITER = 1,     /* iter/tcp + bpf_sock_destroy() (6.5+) */
	MXS_CLOSE_SOCK_DIAG = 2,    /* netlink SOCK_DESTROY (ss -K) */
	MXS_CLOSE_UNAVAILABLE = 3,  /* neither works here: bans stop new
				     * connections only */
};

/* Name of the iterator program, and of its map of targets (not pinned:
 * each process that ends connections owns one). */
#define MXS_PROG_CLOSE "mxs_close_tcp"
#define MXS_MAP_CLOSE_TARGETS "close_targets"
/* Targets of one walk: new entries and the allowed sources inside them. */
#define MXS_CLOSE_TARGETS_MAX 4096

/* Key of "close_targets" (BPF_MAP_TYPE_LPM_TRIE): a remote address as a
 * socket shows it, IPv4 as ::ffff:a.b.c.d (an IPv4 client of a [::]
 * listener looks the same as one of a 0.0.0.0 listener). */
struct mxs_close_key {
	__u32 prefixlen; /* 0..128, of addr (IPv4 /n is 96 + n) */
	__u8 addr[16];   /* network byte order */
};

/* Value of "close_targets".  The longest matching prefix decides: an
 * allowed source inside a blocked prefix is a target with classes 0. */
struct mxs_close_target {
	__u8 classes;  /* MXS_CLASS_BIT mask: ports whose connections end */
	__u8 pad[3];
	__u32 closed;  /* sockets ended (the iterator adds) */
	__u32 failed;  /* bpf_sock_destroy() refused */
	__u32 pad2;
};

#ifndef __bpf__
_Static_assert(sizeof(struct mxs_config) % 8 == 0, "mxs_config layout");
_Static_assert(sizeof(struct mxs_rate_key) == 20, "mxs_rate_key layout");
_Static_assert(sizeof(struct mxs_entry) == 16, "mxs_entry layout");
_Static_assert(sizeof(struct mxs_lpm4_key) == 8, "mxs_lpm4_key layout");
_Static_assert(sizeof(struct mxs_lpm6_key) == 20, "mxs_lpm6_key layout");
_Static_assert(sizeof(struct mxs_prefix) == 20, "mxs_prefix layout");
_Static_assert(sizeof(struct mxs_meta) == 80, "mxs_meta layout");
_Static_assert(sizeof(struct mxs_stats) % 8 == 0, "mxs_stats layout");
_Static_assert(sizeof(struct mxs_source) == 20, "mxs_source layout");
_Static_assert(sizeof(struct mxs_event) == 32, "mxs_event layout");
_Static_assert(sizeof(struct mxs_dnsbl_result) == 96, "mxs_dnsbl_result layout");
_Static_assert(sizeof(struct mxs_site_status) % 8 == 0, "mxs_site_status layout");
_Static_assert(sizeof(struct mxs_daemon_status) % 8 == 0, "mxs_daemon_status layout");
_Static_assert(sizeof(struct mxs_pf_score) % 8 == 0, "mxs_pf_score layout");
_Static_assert(sizeof(struct mxs_close_key) == 20, "mxs_close_key layout");
_Static_assert(MXS_NR_REASONS <= 8, "a host4 word keeps the reason in 3 bits");
_Static_assert(sizeof(struct mxs_close_target) == 16, "mxs_close_target layout");
#endif

#endif /* MXSCREEN_H */
