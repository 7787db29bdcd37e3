/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * maps.bpf.h - every map of the BPF object (the XDP program, the handshake
 * program and the daemon's shared state), defined once.
 *
 * Variable names are the MXS_MAP_* names of mxscreen.h: libbpf names each
 * map after its variable, and the loader turns those names into pin paths.
 * No map carries a `pinning` attribute: the loader sets pin paths itself
 * and the BPF tests load the object without pinning.
 *
 * Capacities are defaults; the loader may override them before loading.
 * Hashes and tries are created with BPF_F_NO_PREALLOC: an LPM trie requires
 * it, and for the hashes it keeps memory proportional to what is listed
 * rather than to the (large) capacity.  It also means that an element
 * the program holds is never reused under it (preallocated hash elements
 * are recycled at once), so a lookup never reads a torn entry.
 */
#ifndef MXS_MAPS_BPF_H
#define MXS_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "mxscreen.h"

/*
 * Run-time settings (struct mxs_config, key 0).  Written by the CLI and
 * the daemon; read only when a verdict or a rate check needs it.  Never
 * emptied (an array).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mxs_config);
} config SEC(".maps");

/* "ports": its own header, as the socket iterator declares it too. */
#include "ports.bpf.h"

/*
 * Per-CPU counters (struct mxs_stats, key 0).  Written only by the XDP
 * program (plain adds: each CPU owns its copy); userspace sums the CPUs
 * and may zero them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mxs_stats);
} stats SEC(".maps");

/*
 * Allowlist, IPv4 single addresses (/32), key in network byte order.
 * Written by the CLI and the daemon; entries leave when userspace deletes
 * them (an expired entry is ignored by the program until then).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_ALLOW4_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct mxs_entry);
} allow4_host SEC(".maps");

/*
 * Allowlist, IPv4 prefixes shorter than /32, by exact prefix (host bits
 * zero): the longest one is found through "dir4", not by a trie walk.
 * Same writers and lifetime.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_ALLOW4_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_lpm4_key);
	__type(value, struct mxs_entry);
} allow4_net SEC(".maps");

/* Allowlist, IPv6 single addresses (/128).  Same writers and lifetime. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_ALLOW6_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_addr6);
	__type(value, struct mxs_entry);
} allow6_host SEC(".maps");

/* Allowlist, IPv6 prefixes shorter than /128.  Same writers and lifetime. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MXS_DEFAULT_ALLOW6_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_lpm6_key);
	__type(value, struct mxs_entry);
} allow6_net SEC(".maps");

/*
 * Blocklist, IPv4 single addresses (/32).  The big one (DNSBL verdicts,
 * list files, rate bans): a hash because a hash lookup stays cheap at a
 * million entries.  Written by the CLI and the daemon; entries leave when
 * userspace deletes them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_BLOCK4_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct mxs_entry);
} block4_host SEC(".maps");

/* Blocklist, IPv4 prefixes shorter than /32, by exact prefix as
 * allow4_net.  Same writers and lifetime. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_BLOCK4_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_lpm4_key);
	__type(value, struct mxs_entry);
} block4_net SEC(".maps");

/* Blocklist, IPv6 single addresses (/128).  Same writers and lifetime. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_BLOCK6_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_addr6);
	__type(value, struct mxs_entry);
} block6_host SEC(".maps");

/* Blocklist, IPv6 prefixes shorter than /128.  Same writers and lifetime. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MXS_DEFAULT_BLOCK6_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_lpm6_key);
	__type(value, struct mxs_entry);
} block6_net SEC(".maps");

/*
 * Per-entry bookkeeping (comment, time added, offences).  Userspace only:
 * the program never references it, but libbpf creates every map in .maps,
 * so it is created (and pinned by the loader) with the others.  Written by
 * the CLI and the daemon with the entry; deleted with the entry.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_META_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_prefix);
	__type(value, struct mxs_meta);
} meta SEC(".maps");

/*
 * Hints that let the program skip lookups that cannot match (see
 * mxs_hint_index() in mxscreen.h).  Written by userspace before it writes
 * an allow entry or a block prefix; never cleared, only purged with the
 * other pins.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MXS_HINT_ENTRIES);
	__type(key, __u32);
	__type(value, __u8);
} hints SEC(".maps");

/*
 * The directories (see "dir4" in mxscreen.h): one 16-bit slot per IPv4
 * /24 and per hashed IPv6 /48, saying which lookups can match there.
 * Arrays, preallocated (32 MB and 8 MB) and never emptied; mmap-able so
 * that userspace updates a slot with one atomic store or CAS.  Written by
 * userspace (kmap.c) and by the handshake program (MXS_SLOT_RATE).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MXS_DIR4_CELLS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} dir4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MXS_DIR6_CELLS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} dir6 SEC(".maps");

/* The directories' summaries (see "dir4_any" in mxscreen.h): one bit per
 * slot, 2 MB and 512 KB, preallocated, mmap-able, never emptied; written
 * by userspace and the handshake program. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MXS_DIR4_ANY_CELLS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} dir4_any SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MXS_DIR6_ANY_CELLS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} dir6_any SEC(".maps");

/* The compact IPv4 host entries (see "host4" in mxscreen.h): 16 MB,
 * preallocated, mmap-able; written by userspace only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MXS_HOST4_LINES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct mxs_host4_line);
} host4 SEC(".maps");

/* ---- mxscreend: the handshake program and the daemon -------------------- */

/*
 * Handshake reports (struct mxs_event records), one per completed handshake
 * to a screened port without a fresh DNSBL result.  Written by the
 * handshake program (bpf/handshake.bpf.h); records leave when the daemon
 * consumes them.  When the daemon is gone or slow the ring fills and the
 * program counts `lost` instead of blocking anything.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, MXS_DEFAULT_EVENTS_BYTES);
} events SEC(".maps");

/*
 * The handshake program's counters (struct mxs_hs_stats, key 0).  Written
 * only by the handshake program (atomic adds: it may run in process
 * context and be interrupted by itself on the same CPU); userspace sums
 * the CPUs.  Never emptied.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mxs_hs_stats);
} hs_stats SEC(".maps");

/*
 * DNSBL results by source (struct mxs_source -> struct mxs_dnsbl_result).
 * Written by the daemon when a lookup ends; read by the handshake program
 * (a fresh result suppresses the event) and the CLI.  Entries leave when
 * the LRU evicts them for new ones; expired ones are ignored until then.
 * An LRU hash is always preallocated: the whole capacity costs kernel
 * memory from the first attach (about 184 bytes an entry: 190 MB at the
 * default 1M entries).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MXS_DEFAULT_DNSBL_CACHE_MAX);
	__type(key, struct mxs_source);
	__type(value, struct mxs_dnsbl_result);
} dnsbl_cache SEC(".maps");

/*
 * SYN rate limit state (struct mxs_rate_key -> __u64 TAT, CLOCK_BOOTTIME
 * ns; see bpf/rate.bpf.h).  Written by the XDP program for every SYN that
 * config.syn_rate checks; userspace may read it or empty it.  Entries leave
 * when the LRU evicts the least recently seen sources for new ones: a
 * source that comes back afterwards starts with a full burst (lenient,
 * never harsher).  An LRU hash is always preallocated.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MXS_DEFAULT_RATE_SYN_MAX);
	__type(key, struct mxs_rate_key);
	__type(value, __u64);
} rate_syn SEC(".maps");

/*
 * Completed-connection rate limit state, as rate_syn (same key, TAT
 * value, LRU eviction), written by the handshake program for every
 * handshake that config.conn_rate checks.  Separate from rate_syn so that
 * spoofed SYNs never spend a source's connection allowance.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MXS_DEFAULT_RATE_CONN_MAX);
	__type(key, struct mxs_rate_key);
	__type(value, __u64);
} rate_conn SEC(".maps");

/*
 * The daemon's memory of rate offences (struct mxs_prefix, list
 * MXS_LIST_BLOCK -> struct mxs_offence).  Userspace only, like "meta":
 * created here so that it is pinned with the others.  Written by the
 * daemon at each offence; entries leave when the daemon forgets them
 * after ban_memory or when `mxscreen unblock` deletes them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_OFFENCES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_prefix);
	__type(value, struct mxs_offence);
} offences SEC(".maps");

/*
 * The Postfix events of each source and class over postfix_window
 * (struct mxs_rate_key -> struct mxs_pf_score).  Userspace only, like
 * "offences": written by the daemon, entries deleted at a ban and once
 * their last event is older than the window; read by `mxscreen check`.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_POSTFIX_SCORES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mxs_rate_key);
	__type(value, struct mxs_pf_score);
} postfix_scores SEC(".maps");

/*
 * The policy service's counts and holds per SASL login (key: the login,
 * NUL-padded; value: struct account_state of userspace/lib/account.h, sized
 * here only).  Userspace only: written by the daemon at each policy
 * request, read by `mxscreen account`, which also releases holds;
 * entries with nothing left in their windows are deleted by the daemon.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXS_DEFAULT_ACCOUNTS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, MXS_ACCOUNT_NAME_LEN);
	__uint(value_size, MXS_ACCOUNT_STATE_SIZE);
} accounts SEC(".maps");

/*
 * The daemon's heartbeat and health (struct mxs_daemon_status, key 0).
 * Written by the daemon every second, read by the CLI; no BPF program
 * touches it (created here so that it is pinned with the others).  An
 * array: never emptied.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mxs_daemon_status);
} daemon SEC(".maps");

#endif /* MXS_MAPS_BPF_H */
