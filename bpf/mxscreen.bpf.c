/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * mxscreen.bpf.c - the XDP program: screen SMTP connection attempts by
 * source address.
 *
 * A TCP SYN (no ACK) to a port listed in "ports" is looked up by source:
 * allowlist first (a live allow entry wins), then the blocklist, host
 * before prefix.  One read of the source's directory slot ("dir4" for
 * IPv4 /24s, "dir6" for hashed IPv6 /48s) says which lookups can match
 * and, for IPv4, which prefix length to look up; most sources need no
 * other memory access.  A live block entry whose classes include the port's class
 * refuses the SYN: drop it (default), answer it with a RST, or, in observe
 * mode, only count it.  A SYN that is neither allowed nor blocked is then
 * counted against its source's SYN rate limit (bpf/rate.bpf.h), when its
 * class has one, and refused the same way when over it (reason rate).
 * Everything else passes untouched.
 *
 * Packets that cannot be parsed past the IP header (non-first fragments of
 * any protocol, bad lengths, truncated TCP, too many IPv6 extension
 * headers) carry no port to screen; they are dropped when their source is
 * blocked for any class (and not allowed), so that fragments cannot smuggle
 * a SYN past the screen.  Without a whole IP header there is no source to
 * look up, and the packet passes.
 *
 * Every packet leaves through count_verdict() at the `out:` label, which
 * increments `packets` and exactly one outcome counter.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#include "mxscreen.h"
#include "maps.bpf.h"
#include "parsing.bpf.h"
#include "rate.bpf.h"
#include "reset.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* For libxdp's dispatcher: run early, and let the next program see PASS. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(mxscreen_xdp);

/* Index of a struct mxs_stats field when the struct is seen as __u64[]. */
#define STAT(field)                                                            \
	((__u32)(__builtin_offsetof(struct mxs_stats, field) / sizeof(__u64)))

/* refuse() adds a reason index to the *_manual fields. */
_Static_assert(STAT(drop_list) == STAT(drop_manual) + 1 &&
		   STAT(drop_dnsbl) == STAT(drop_manual) + 2 &&
		   STAT(drop_rate) == STAT(drop_manual) + 3 &&
		   STAT(drop_file) == STAT(drop_manual) + 4 &&
		   STAT(drop_postfix) == STAT(drop_manual) + 5 &&
		   STAT(drop_account) == STAT(drop_manual) + 6,
	       "drop_* counters follow enum mxs_reason");
_Static_assert(STAT(reset_list) == STAT(reset_manual) + 1 &&
		   STAT(reset_dnsbl) == STAT(reset_manual) + 2 &&
		   STAT(reset_rate) == STAT(reset_manual) + 3 &&
		   STAT(reset_file) == STAT(reset_manual) + 4 &&
		   STAT(reset_postfix) == STAT(reset_manual) + 5 &&
		   STAT(reset_account) == STAT(reset_manual) + 6,
	       "reset_* counters follow enum mxs_reason");
_Static_assert(STAT(observe_list) == STAT(observe_manual) + 1 &&
		   STAT(observe_dnsbl) == STAT(observe_manual) + 2 &&
		   STAT(observe_rate) == STAT(observe_manual) + 3 &&
		   STAT(observe_file) == STAT(observe_manual) + 4 &&
		   STAT(observe_postfix) == STAT(observe_manual) + 5 &&
		   STAT(observe_account) == STAT(observe_manual) + 6,
	       "observe_* counters follow enum mxs_reason");
_Static_assert(MXS_REASON_LIST == MXS_REASON_MANUAL + 1 &&
		   MXS_REASON_DNSBL == MXS_REASON_MANUAL + 2 &&
		   MXS_REASON_RATE == MXS_REASON_MANUAL + 3 &&
		   MXS_REASON_FILE == MXS_REASON_MANUAL + 4 &&
		   MXS_REASON_POSTFIX == MXS_REASON_MANUAL + 5 &&
		   MXS_REASON_ACCOUNT == MXS_REASON_MANUAL + 6,
	       "enum mxs_reason order");

enum screen_result {
	SCREEN_CLEAN,	    /* no entry covers the source */
	SCREEN_ALLOWED,	    /* live allow entry */
	SCREEN_BLOCKED,	    /* live block entry applying to the class */
	SCREEN_EXPIRED,	    /* some entry covered it, but had expired */
	SCREEN_OTHER_CLASS, /* live block entry for other classes only */
};

/* The one exit: count the packet and its outcome, return the verdict. */
static __always_inline int count_verdict(__u32 outcome, int action)
{
	__u32 key = 0;
	__u64 *s = bpf_map_lookup_elem(&stats, &key);

	if (s) {
		s[STAT(packets)] += 1;
		if (outcome < MXS_STATS_NR_FIELDS)
			s[outcome] += 1;
	}
	return action;
}

/*
 * The clock, read at most once per packet (*now == 0 until then) and only
 * when something needs it: an entry that can expire, a rate limit.
 */
static __always_inline __u64 clock_now(__u64 *now)
{
	if (!*now)
		*now = bpf_ktime_get_boot_ns();
	return *now;
}

/* Whether an entry is live. */
static __always_inline int entry_live(const struct mxs_entry *e, __u64 *now)
{
	if (!e->expires_ns)
		return 1;
	return e->expires_ns > clock_now(now);
}

/*
 * Whether an entry decides: live and meant for class_bit (0: any class;
 * allow entries are judged with 0).  Otherwise notes why not in *expired
 * or *other_class, which pick the pass counter when nothing decides.
 */
static __always_inline int judge_entry(const struct mxs_entry *e, __u64 *now,
				       __u32 class_bit, int *expired,
				       int *other_class)
{
	if (!entry_live(e, now)) {
		*expired = 1;
		return 0;
	}
	if (class_bit && !(e->classes & class_bit)) {
		*other_class = 1;
		return 0;
	}
	return 1;
}

/*
 * Whether the hint for (kind, IPv6, slot) may be set.  A failed lookup
 * cannot happen for an in-range index; if it did, looking is the safe side.
 */
static __always_inline int hint_maybe6(__u32 kind, __u32 slot)
{
	__u32 idx = mxs_hint_index(kind, MXS_FAMILY_V6, slot);
	__u8 *h = bpf_map_lookup_elem(&hints, &idx);

	return !h || *h;
}

/*
 * Whether a directory's slot may be non-zero, from its summary (dir4_any
 * or dir6_any).  A failed lookup cannot happen for an in-range index; if
 * it did, the slot is read.
 */
static __always_inline int dir_any(void *any, __u32 slot)
{
	__u32 cell = slot / MXS_DIR_ANY_BITS;
	__u64 *c = bpf_map_lookup_elem(any, &cell);

	return !c || ((*(volatile __u64 *)c >> (slot % MXS_DIR_ANY_BITS)) & 1);
}

/*
 * The 16-bit slot `slot` of a directory (dir4 or dir6), read with one
 * 64-bit load of its cell so that it is never torn.  A failed lookup
 * cannot happen for an in-range index; if it did, every flag is set and
 * the program looks everywhere it can (the lengths read as none).
 */
static __always_inline __u32 dir_read(void *dir, __u32 slot)
{
	__u32 cell = slot / MXS_DIR_SLOTS_PER_CELL;
	__u64 *c = bpf_map_lookup_elem(dir, &cell);

	if (!c)
		return MXS_SLOT_HOST_ALLOW | MXS_SLOT_HOST_BLOCK |
		       MXS_SLOT_NET_ALLOW | MXS_SLOT_NET_BLOCK | MXS_SLOT_RATE;
	return (__u32)(*(volatile __u64 *)c >> mxs_dir_shift(slot)) & 0xffff;
}

/*
 * judge_entry() for a "host4" word: live (expiry in MXS_HOST4_TICK_SHIFT
 * units, 0 = never) and meant for class_bit.
 */
static __always_inline int judge_word(__u64 w, __u64 *now, __u32 class_bit,
				      int *expired, int *other_class)
{
	__u64 exp = w & MXS_H4_EXP_MASK;

	if (exp && exp <= (clock_now(now) >> MXS_HOST4_TICK_SHIFT)) {
		*expired = 1;
		return 0;
	}
	if (class_bit && !((w >> MXS_H4_CLASSES_SHIFT) & class_bit)) {
		*other_class = 1;
		return 0;
	}
	return 1;
}

/* The allow and block words of a host in its "host4" line (0: none). */
static __always_inline void host4_find(const struct mxs_host4_line *line,
				       __u32 hash, __u64 *allow_w,
				       __u64 *block_w)
{
	__u64 ka = mxs_host4_key(hash, 1), kb = mxs_host4_key(hash, 0), w;
	int i;

	*allow_w = *block_w = 0;
	if (!line)
		return;
#pragma unroll
	for (i = 0; i < MXS_HOST4_WAYS; i++) {
		w = *(volatile const __u64 *)&line->way[i];
		if ((w & MXS_H4_KEY_MASK) == ka)
			*allow_w = w;
		else if ((w & MXS_H4_KEY_MASK) == kb)
			*block_w = w;
	}
}

/* The outcome when no entry decided: why not, as judge_*() noted it. */
static __always_inline int screen_undecided(int expired, int other_class)
{
	if (expired)
		return SCREEN_EXPIRED;
	if (other_class)
		return SCREEN_OTHER_CLASS;
	return SCREEN_CLEAN;
}

/* The IPv4 netmask of a prefix length (0..32), network byte order. */
static __always_inline __u32 mask4(__u32 len)
{
	return len ? bpf_htonl(~0u << (32 - len)) : 0;
}

/* The entry of the exact prefix addr/len in an IPv4 net hash, or NULL. */
static __always_inline const struct mxs_entry *net4_get(void *net, __u32 addr,
						       __u32 len)
{
	struct mxs_lpm4_key key = {
		.prefixlen = len,
		.addr = addr & mask4(len),
	};

	return bpf_map_lookup_elem(net, &key);
}

/*
 * The prefix word of list `allow` for the /24 of addr in "host4" as an
 * entry in *out, or NULL when the line holds none.
 */
static __always_inline const struct mxs_entry *
net4_word(__u32 addr, int allow, struct mxs_entry *out)
{
	__u32 hash = mxs_host4_hash(mxs_net4_base(addr));
	__u32 li = hash >> MXS_HOST4_TAG_BITS;
	const struct mxs_host4_line *line = bpf_map_lookup_elem(&host4, &li);
	__u64 key = mxs_host4_key(hash, allow) | MXS_H4_NET, w;
	int i;

	if (!line)
		return NULL;
#pragma unroll
	for (i = 0; i < MXS_HOST4_WAYS; i++) {
		w = *(volatile const __u64 *)&line->way[i];
		if ((w & MXS_H4_KEY_MASK) != key)
			continue;
		/* a tick boundary is live until it passes, as judge_word() */
		out->expires_ns = (w & MXS_H4_EXP_MASK) << MXS_HOST4_TICK_SHIFT;
		out->classes =
			(__u8)((w >> MXS_H4_CLASSES_SHIFT) & MXS_CLASSES_ALL);
		out->reason = (__u8)((w >> MXS_H4_REASON_SHIFT) & 7);
		return out;
	}
	return NULL;
}

/*
 * The longest prefix of one list (net: allow4_net or block4_net) covering
 * the IPv4 source addr, as dir4's slot *slot says where to look:
 * /31../25 one by one when long_flag is set in it, else the one length
 * in its field at len_shift: from its word in "host4" when it has one,
 * else from the hash.  When the slot names a length whose entry is gone,
 * a writer is lowering it (it lowers the slot before deleting): the slot
 * is read again once and the new length looked up.  A word comes back
 * in *tmp.
 */
static __always_inline const struct mxs_entry *
net4_longest(void *net, __u32 addr, __u32 *slot, __u32 slot_idx,
	     __u32 long_flag, __u32 len_shift, struct mxs_entry *tmp)
{
	const struct mxs_entry *e;
	__u32 code, again;
	int len;

	if (*slot & long_flag) {
#pragma unroll
		for (len = 31; len > MXS_DIR4_PREFIX; len--) {
			e = net4_get(net, addr, (__u32)len);
			if (e)
				return e;
		}
	}
	code = (*slot >> len_shift) & MXS_SLOT_LEN_MASK;
	if (!code)
		return NULL;
	if (code > MXS_NET4_WORD_MIN) {
		e = net4_word(addr, net == (void *)&allow4_net, tmp);
		if (e)
			return e;
	}
	e = net4_get(net, addr, code - 1);
	if (e)
		return e;
	*slot = dir_read(&dir4, slot_idx);
	again = (*slot >> len_shift) & MXS_SLOT_LEN_MASK;
	if (!again || again == code)
		return NULL;
	return net4_get(net, addr, again - 1);
}

/*
 * Looks an IPv4 source (network byte order) up, in the order that decides:
 * allow host, longest allow prefix, block host, longest block prefix.
 * dir4's slot for the source's /24 says which of them can exist; a slot
 * of 0 (no flag, no prefix) is a clean source after one memory access.
 * class_bit 0 means "any class" (and any live block entry applies).  On
 * SCREEN_BLOCKED *reason is the deciding entry's reason.  *slot returns
 * the slot (for the rate limit's flag).  *now is the packet's clock (see
 * clock_now()).
 */
static __always_inline int screen_v4(__u32 addr, __u32 class_bit, __u8 *reason,
				     __u32 *slot, __u64 *now)
{
	__u32 idx = mxs_dir4_slot((const __u8 *)&addr);
	__u32 hash, li;
	const struct mxs_host4_line *line;
	const struct mxs_entry *e;
	struct mxs_entry word = {};
	int expired = 0, other_class = 0, spill;
	__u64 allow_w = 0, block_w = 0;

	*slot = 0;
	if (!dir_any(&dir4_any, idx))
		return SCREEN_CLEAN;
	/* Touch the host line before the slot is known: the two cold loads
	 * are independent, so the CPU waits for both at once. */
	hash = mxs_host4_hash(addr);
	li = hash >> MXS_HOST4_TAG_BITS;
	line = bpf_map_lookup_elem(&host4, &li);
	if (line)
		(void)*(volatile const __u64 *)&line->way[0];
	*slot = dir_read(&dir4, idx);
	if (!(*slot & ~MXS_SLOT_RATE))
		return SCREEN_CLEAN;
	spill = *slot & MXS_SLOT_HOST_SPILL;
	if (!spill && (*slot & (MXS_SLOT_HOST_ALLOW | MXS_SLOT_HOST_BLOCK)))
		host4_find(line, hash, &allow_w, &block_w);

	/* Allow entries apply to every class. */
	if (*slot & MXS_SLOT_HOST_ALLOW) {
		if (spill) {
			e = bpf_map_lookup_elem(&allow4_host, &addr);
			if (e && judge_entry(e, now, 0, &expired, &other_class))
				return SCREEN_ALLOWED;
		} else if (allow_w && judge_word(allow_w, now, 0, &expired,
						 &other_class)) {
			return SCREEN_ALLOWED;
		}
	}
	e = net4_longest(&allow4_net, addr, slot, idx, MXS_SLOT_NET_ALLOW,
			 MXS_SLOT_ALLOW_LEN_SHIFT, &word);
	if (e && judge_entry(e, now, 0, &expired, &other_class))
		return SCREEN_ALLOWED;

	if (*slot & MXS_SLOT_HOST_BLOCK) {
		if (spill) {
			e = bpf_map_lookup_elem(&block4_host, &addr);
			if (e && judge_entry(e, now, class_bit, &expired,
					     &other_class)) {
				*reason = e->reason;
				return SCREEN_BLOCKED;
			}
		} else if (block_w && judge_word(block_w, now, class_bit,
						 &expired, &other_class)) {
			*reason = (__u8)((block_w >> MXS_H4_REASON_SHIFT) & 7);
			return SCREEN_BLOCKED;
		}
	}
	e = net4_longest(&block4_net, addr, slot, idx, MXS_SLOT_NET_BLOCK,
			 MXS_SLOT_BLOCK_LEN_SHIFT, &word);
	if (e && judge_entry(e, now, class_bit, &expired, &other_class)) {
		*reason = e->reason;
		return SCREEN_BLOCKED;
	}

	return screen_undecided(expired, other_class);
}

/*
 * The same for an IPv6 source: dir6's slot for the source's (hashed) /48
 * flags hosts and prefixes of /48 and longer; prefixes shorter than /48
 * are flagged by "hints".  The tries return the longest matching prefix
 * only, so an expired long prefix hides a live shorter one until
 * userspace deletes it.
 */
static __always_inline int screen_v6(const struct mxs_lpm6_key *key,
				     __u32 class_bit, __u8 *reason,
				     __u32 *slot, __u64 *now)
{
	__u32 hslot = mxs_hint_slot(MXS_FAMILY_V6, key->addr);
	const struct mxs_entry *e;
	int expired = 0, other_class = 0;

	__u32 dslot = mxs_dir6_slot(key->addr);

	*slot = dir_any(&dir6_any, dslot) ? dir_read(&dir6, dslot) : 0;

	/* Allow entries apply to every class. */
	if (*slot & MXS_SLOT_HOST_ALLOW) {
		e = bpf_map_lookup_elem(&allow6_host, key->addr);
		if (e && judge_entry(e, now, 0, &expired, &other_class))
			return SCREEN_ALLOWED;
	}
	if ((*slot & MXS_SLOT_NET_ALLOW) || hint_maybe6(MXS_HINT_ALLOW, hslot)) {
		e = bpf_map_lookup_elem(&allow6_net, key);
		if (e && judge_entry(e, now, 0, &expired, &other_class))
			return SCREEN_ALLOWED;
	}

	if (*slot & MXS_SLOT_HOST_BLOCK) {
		e = bpf_map_lookup_elem(&block6_host, key->addr);
		if (e && judge_entry(e, now, class_bit, &expired, &other_class)) {
			*reason = e->reason;
			return SCREEN_BLOCKED;
		}
	}
	if ((*slot & MXS_SLOT_NET_BLOCK) ||
	    hint_maybe6(MXS_HINT_BLOCK_NET, hslot)) {
		e = bpf_map_lookup_elem(&block6_net, key);
		if (e && judge_entry(e, now, class_bit, &expired,
				     &other_class)) {
			*reason = e->reason;
			return SCREEN_BLOCKED;
		}
	}

	return screen_undecided(expired, other_class);
}

/* screen_v4() or screen_v6() for the source of the parsed header. */
static __always_inline int screen_source(const struct parsed *p,
					 __u32 class_bit, __u8 *reason,
					 __u32 *slot, __u64 *now)
{
	if (p->family == MXS_FAMILY_V4)
		return screen_v4(p->ip4->saddr, class_bit, reason, slot, now);
	{
		struct mxs_lpm6_key key = { .prefixlen = 128 };

		__builtin_memcpy(key.addr, &p->ip6->saddr, sizeof(key.addr));
		return screen_v6(&key, class_bit, reason, slot, now);
	}
}

/* What a failed config lookup reads as: drop, enforce, no rate limits. */
static const struct mxs_config config_zero;

/*
 * The run-time config, looked up once per packet and only by paths that
 * need it (a refusal, a rate check).  Fields are read in place, not
 * copied: the struct is large and most paths read one or two fields.  The
 * lookup cannot fail for key 0 of an array; if it did, all-zero applies.
 */
static __always_inline const struct mxs_config *get_config(void)
{
	__u32 key = 0;
	const struct mxs_config *c = bpf_map_lookup_elem(&config, &key);

	return c ? c : &config_zero;
}

/*
 * Whether mxscreend is running (its heartbeat is fresh), so that its
 * handshake program creates the rate state of sources that complete a
 * handshake (see "rate_syn" in mxscreen.h).
 */
static __always_inline int daemon_tracks(__u64 now)
{
	__u32 key = 0;
	const struct mxs_daemon_status *d = bpf_map_lookup_elem(&daemon, &key);
	__u64 beat;

	if (!d)
		return 0;
	beat = *(volatile __u64 *)&d->heartbeat_ns;
	return beat && (__s64)(now - beat) < (__s64)MXS_HS_FRESH_NS;
}

/*
 * Whether a SYN from the parsed source to a port of class_ is over
 * cfg->syn_rate[class_] (which must be on), counting it when it is not.
 * slot is the source's directory slot.  While the daemon runs, only
 * sources it tracks (flagged MXS_SLOT_RATE, with an entry) are counted and
 * nothing is inserted here; without it every new source gets an entry.
 */
static __always_inline int syn_rate_over(const struct parsed *p,
					 const struct mxs_config *cfg,
					 __u32 class_, __u32 slot, __u64 *now)
{
	struct mxs_rate_key key;
	int tracked;

	tracked = daemon_tracks(clock_now(now));
	if (tracked && !(slot & MXS_SLOT_RATE))
		return 0;
	if (p->family == MXS_FAMILY_V4)
		rate_key_v4(&key, p->ip4->saddr, class_);
	else
		rate_key_v6(&key, &p->ip6->saddr, rate_prefix_v6(cfg), class_);
	if (tracked)
		return rate_over_known(&rate_syn, &key, &cfg->syn_rate[class_],
				       *now);
	return rate_over(&rate_syn, &key, &cfg->syn_rate[class_], *now);
}

/* Counter offset for a reason; values outside enum mxs_reason count as
 * manual, since an entry without a known origin was put there by hand. */
static __always_inline __u32 reason_index(__u8 reason)
{
	if (reason < MXS_REASON_MANUAL || reason >= MXS_NR_REASONS)
		return 0;
	return reason - MXS_REASON_MANUAL;
}

SEC("xdp")
int mxscreen_xdp(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct parsed p = {};
	const struct mxs_config *cfg;
	mxs_port_class_t *class;
	int action = XDP_PASS;
	__u8 reason = 0;
	__u32 outcome, port, ri, class_, slot = 0;
	__u64 now = 0;
	int res;

	res = parse_packet(data, data_end, &p);
	switch (res) {
	case PARSE_TCP:
		break;
	case PARSE_NOT_IP:
		outcome = STAT(pass_not_ip);
		goto out;
	case PARSE_NOT_TCP:
		outcome = STAT(pass_not_tcp);
		goto out;
	case PARSE_UNPARSED:
		/* Any class: the port is unknown.  Allow still wins. */
		if (screen_source(&p, 0, &reason, &slot, &now) ==
		    SCREEN_BLOCKED) {
			cfg = get_config();
			if (cfg->flags & MXS_CFG_OBSERVE) {
				outcome = STAT(observe_unparsed);
			} else {
				outcome = STAT(drop_unparsed);
				action = XDP_DROP;
			}
			goto out;
		}
		outcome = STAT(pass_unparsed);
		goto out;
	default: /* PARSE_NO_SOURCE: nothing to look up */
		outcome = STAT(pass_unparsed);
		goto out;
	}

	port = bpf_ntohs(p.tcp->dest);
	class = bpf_map_lookup_elem(&ports, &port);
	if (!class || !*class) {
		outcome = STAT(pass_not_smtp);
		goto out;
	}
	if (!p.tcp->syn || p.tcp->ack) {
		outcome = STAT(pass_established);
		goto out;
	}

	switch (screen_source(&p, *class, &reason, &slot, &now)) {
	case SCREEN_BLOCKED:
		/* Refused by its entry: no rate check, no token spent. */
		cfg = get_config();
		goto refuse;
	case SCREEN_ALLOWED:
		/* Allow wins over the rate limit too. */
		outcome = STAT(pass_allowed);
		goto out;
	case SCREEN_EXPIRED:
		outcome = STAT(pass_expired);
		break;
	case SCREEN_OTHER_CLASS:
		outcome = STAT(pass_other_class);
		break;
	default:
		outcome = STAT(pass_clean);
		break;
	}

	/* Neither allowed nor blocked: the class's SYN rate limit, if on. */
	class_ = mxs_port_class(*class);
	cfg = get_config();
	if (!cfg->syn_rate[class_].emission_ns ||
	    !syn_rate_over(&p, cfg, class_, slot, &now))
		goto out; /* the pass outcome chosen above */
	reason = MXS_REASON_RATE;

refuse:
	ri = reason_index(reason);
	if (cfg->flags & MXS_CFG_OBSERVE) {
		outcome = STAT(observe_manual) + ri;
		goto out;
	}
	/* Never answer a RST with a RST (RFC 9293); drop the odd SYN+RST. */
	if (cfg->action == MXS_ACTION_RESET && mxs_can_reset(&p) &&
	    !p.tcp->rst && mxs_build_rst(ctx, &p) == 0) {
		outcome = STAT(reset_manual) + ri;
		action = XDP_TX;
		goto out;
	}
	outcome = STAT(drop_manual) + ri;
	action = XDP_DROP;
out:
	return count_verdict(outcome, action);
}

/* The sockops program of the same object (loaded by mxscreend only). */
#include "handshake.bpf.h"
