/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * kmap.h - the one module that reads and writes the screener's pinned
 * kernel maps (the loader creates them; everything else goes through here).
 *
 * Contract: every function returns 0 or a negative errno and logs nothing;
 * the caller knows what the user asked for and words the message.  A full
 * map is always -ENOSPC, whatever the map type said.  Prefixes go to the
 * host hash when they are /32 or /128 and to the LPM trie otherwise, so
 * callers never choose a map themselves.  Every list write also keeps the
 * directories "dir4"/"dir6" and the compact IPv4 host words of "host4" in
 * step (kmap_dir.c): flags before an entry is written, prefix lengths and
 * host words after it is written and before it is deleted, so that the
 * XDP program never sees a gap.
 */
#ifndef MXS_KMAP_H
#define MXS_KMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "settings.h"

/* Index of a list map in struct kmap.list_fd. */
enum kmap_kind {
	KMAP_HOST = 0, /* hash of single addresses */
	KMAP_NET = 1,  /* LPM trie of prefixes */
};

struct kmap {
	char pin_path[256];
	int config_fd;
	int ports_fd;
	int stats_fd;
	int meta_fd;
	int hints_fd;
	int hs_stats_fd;
	int cache_fd;  /* dnsbl_cache */
	int daemon_fd; /* daemon status */
	int offences_fd;
	int pf_scores_fd; /* postfix_scores (kmap_pfscore.c) */
	int accounts_fd;  /* accounts (kmap_account.c) */
	int rate_syn_fd;
	int rate_conn_fd;
	int dir4_fd, dir6_fd, host4_fd, dir4_any_fd, dir6_any_fd;
	uint64_t *dir4, *dir6; /* mmap of the directories' cells */
	uint64_t *host4;       /* mmap of the compact IPv4 host lines */
	uint64_t *dir4_any, *dir6_any; /* mmap of the directories' summaries */
	int lock_fd;           /* the pin directory, flock()ed by prefix writers */
	/* [list - 1][family v4=0/v6=1][enum kmap_kind] */
	int list_fd[2][2][2];
};

/* Open every pinned map under pin_path.  -ENOENT when nothing is pinned
 * there (not attached yet); -EPERM/-EACCES when not allowed. */
int kmap_open(struct kmap *km, const char *pin_path);
void kmap_close(struct kmap *km);

/* File name (under the pin path) of the map that would hold cidr, for
 * messages: "block4_host". */
const char *kmap_map_name(int list, const struct addr_cidr *cidr);

/* Current CLOCK_BOOTTIME in ns, the clock of mxs_entry.expires_ns. */
uint64_t kmap_now_ns(void);
/* expires_ns for an entry that should live ttl_seconds (0 = never). */
uint64_t kmap_expiry_ns(uint64_t ttl_seconds);

/* First use of fresh maps: screen the default ports (25, 465, 587) and
 * mark the config initialised.  Later calls change nothing; *fresh says
 * whether this call did it. */
int kmap_config_init(struct kmap *km, bool *fresh);

/* Run-time settings. */
int kmap_config_get(struct kmap *km, struct mxs_config *cfg);
int kmap_config_set(struct kmap *km, const struct mxs_config *cfg);
int kmap_ports_get(struct kmap *km, struct settings_ports *ports);
/* Replace the screened port set: new ports first, then the old ones that
 * are no longer wanted are cleared, so no port in both sets is ever
 * unscreened in between. */
int kmap_ports_set(struct kmap *km, const struct settings_ports *ports);

/* Write or overwrite one entry; meta (may be NULL) is stored beside it
 * (a full meta map is reported as -ENOSPC through *meta_err, the entry is
 * written anyway). */
int kmap_entry_put(struct kmap *km, int list, const struct addr_cidr *cidr,
		   const struct mxs_entry *entry, const struct mxs_meta *meta,
		   int *meta_err);
/* -ENOENT when there is no entry for exactly this prefix. */
int kmap_entry_delete(struct kmap *km, int list, const struct addr_cidr *cidr);
/* Exact-prefix lookup: -ENOENT when absent. */
int kmap_entry_get(struct kmap *km, int list, const struct addr_cidr *cidr,
		   struct mxs_entry *entry);
int kmap_meta_get(struct kmap *km, int list, const struct addr_cidr *cidr,
		  struct mxs_meta *meta);

/* Bulk write: n prefixes with the same value, batched where the map type
 * allows it.  Stops at the first failure and reports how many were
 * written in *done (entries before it are kept). */
int kmap_entries_put_many(struct kmap *km, int list,
			  const struct addr_cidr *cidrs, size_t n,
			  const struct mxs_entry *entry, size_t *done);

/* Visit every entry of a list (both families, hosts and nets).  The
 * callback's non-zero return stops the walk and is returned. */
typedef int (*kmap_entry_fn)(const struct addr_cidr *cidr,
			     const struct mxs_entry *entry, void *ctx);
int kmap_entries_walk(struct kmap *km, int list, kmap_entry_fn fn, void *ctx);

/* Visit only the prefixes (LPM tries) of a list: normally few, unlike the
 * host hashes. */
int kmap_nets_walk(struct kmap *km, int list, kmap_entry_fn fn, void *ctx);

/* Visit the entries of one family (MXS_FAMILY_V4 or _V6) of a list. */
int kmap_family_walk(struct kmap *km, int list, int family, kmap_entry_fn fn,
		     void *ctx);

/* The entries of one list that cover an address, as the XDP program
 * finds them: the exact host entry and the longest covering prefix. */
struct kmap_cover {
	bool host_found, net_found;
	struct addr_cidr host, net;
	struct mxs_entry host_e, net_e;
};
/* Fill *cover for ip (a host) in list: one lookup for the host, a walk of
 * the list's LPM tries (true prefixes, normally few) for the prefix. */
int kmap_find_cover(struct kmap *km, int list, const struct addr_cidr *ip,
		    struct kmap_cover *cover);
/* Whether a live allow entry covers ip at now_ns (what the XDP program
 * would decide first). */
bool kmap_allowed(struct kmap *km, const struct addr_cidr *ip, uint64_t now_ns);

/* Remove every entry of a list (and its meta); *removed counts them. */
int kmap_entries_flush(struct kmap *km, int list, size_t *removed);

/* Entries of one map (a walk of it) and its capacity, for fill levels. */
int kmap_fill(struct kmap *km, int list, int family_index, enum kmap_kind kind,
	      uint32_t *used, uint32_t *capacity);

/* The capacity alone: no walk. */
int kmap_capacity(struct kmap *km, int list, int family_index,
		  enum kmap_kind kind, uint32_t *capacity);

/* Stats summed over all possible CPUs. */
int kmap_stats_read(struct kmap *km, struct mxs_stats *total);

/* Element 0 of a per-CPU array whose value is a struct of __u64 counters
 * (value_size bytes, a multiple of 8; the map fd is the caller's), each
 * counter summed over all possible CPUs into *total. */
int kmap_percpu_sum(int fd, void *total, size_t value_size);

/* ---- mxscreend ---------------------------------------------------------- */

/* Handshake counters summed over all possible CPUs. */
int kmap_hs_stats_read(struct kmap *km, struct mxs_hs_stats *total);

/* The DNSBL result cache: -ENOENT when absent. */
int kmap_cache_get(struct kmap *km, const struct mxs_source *src,
		   struct mxs_dnsbl_result *res);
int kmap_cache_put(struct kmap *km, const struct mxs_source *src,
		   const struct mxs_dnsbl_result *res);
/* Remove every cached result; *removed counts them. */
int kmap_cache_flush(struct kmap *km, size_t *removed);
int kmap_cache_count(struct kmap *km, uint32_t *used, uint32_t *capacity);

/* The daemon's heartbeat and health record. */
int kmap_daemon_get(struct kmap *km, struct mxs_daemon_status *st);
int kmap_daemon_put(struct kmap *km, const struct mxs_daemon_status *st);

/* Delete the entries of both lists whose reason is one of `reasons`
 * (bit 1 << enum mxs_reason) and which expired before now_ns
 * (CLOCK_BOOTTIME), in one walk of each list; other entries are never
 * touched.  removed[reason] counts the deletions. */
int kmap_expire_reasons(struct kmap *km, unsigned int reasons, uint64_t now_ns,
			size_t removed[MXS_NR_REASONS]);

/* Rate offence memory of a banned prefix (a host, or an IPv6 prefix);
 * -ENOENT when there is none. */
int kmap_offence_get(struct kmap *km, const struct addr_cidr *cidr,
		     struct mxs_offence *off);
int kmap_offence_put(struct kmap *km, const struct addr_cidr *cidr,
		     const struct mxs_offence *off);
int kmap_offence_delete(struct kmap *km, const struct addr_cidr *cidr);
/* Forget what the kernel's rate buckets (SYNs and connections, every
 * class) know of the source cidr stands for: an IPv4 host, or the IPv6
 * prefix of length prefix_v6 containing cidr.  Returns how many buckets
 * went. */
int kmap_rate_forget(struct kmap *km, const struct addr_cidr *cidr,
		     uint32_t prefix_v6);

/* Visit every remembered offence; the callback's non-zero return stops
 * the walk and is returned. */
typedef int (*kmap_offence_fn)(const struct addr_cidr *cidr,
			       const struct mxs_offence *off, void *ctx);
int kmap_offences_walk(struct kmap *km, kmap_offence_fn fn, void *ctx);

/* Forget offences last seen before before_ns; *removed counts them. */
int kmap_offences_prune(struct kmap *km, uint64_t before_ns, size_t *removed);

/* Postfix event counts of a source (the prefix a ban would cover) in one
 * class, in "postfix_scores" (kmap_pfscore.c). */
int kmap_pfscore_get(struct kmap *km, const struct addr_cidr *cidr,
		     unsigned int class_, struct mxs_pf_score *out);
int kmap_pfscore_put(struct kmap *km, const struct addr_cidr *cidr,
		     unsigned int class_, const struct mxs_pf_score *s);
int kmap_pfscore_delete(struct kmap *km, const struct addr_cidr *cidr,
			unsigned int class_);
/* Delete the counts whose last event is before before_ns. */
int kmap_pfscores_prune(struct kmap *km, uint64_t before_ns, size_t *removed);

/* "accounts" (kmap_account.c): the policy service's state per SASL
 * login.  A login must be 1..MXS_ACCOUNT_NAME_LEN - 1 bytes
 * (-ENAMETOOLONG otherwise). */
struct account_state;
int kmap_account_get(struct kmap *km, const char *login,
		     struct account_state *out);
int kmap_account_put(struct kmap *km, const char *login,
		     const struct account_state *st);
int kmap_account_delete(struct kmap *km, const char *login);
typedef int (*kmap_account_fn)(const char *login,
			       const struct account_state *st, void *ctx);
int kmap_accounts_walk(struct kmap *km, kmap_account_fn fn, void *ctx);
/* Delete every entry idle() says can go; *removed counts them. */
int kmap_accounts_prune(struct kmap *km,
			bool (*idle)(const struct account_state *, void *),
			void *ctx, size_t *removed);

#endif /* MXS_KMAP_H */
