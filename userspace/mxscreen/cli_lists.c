// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cli_lists.c - the allow and block lists by hand: block, unblock, allow,
 * unallow, list, check, flush and bulk load.
 *
 * check answers with the same rules as the XDP program (bpf/mxscreen.bpf.c):
 * a live allow entry (host, else longest prefix) wins; then the block host
 * entry, then the longest block prefix, each only when live and meant for
 * the port's class.  Keep the two in step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "lib/duration.h"
#include "lib/json.h"
#include "lib/listfile.h"
#include "lib/log.h"
#include "lib/pflog_event.h"
#include "lib/pfscore.h"
#include "lib/settings.h"
#include "lib/sockclose.h"
#include "lib/vec.h"

/* ---- shared helpers ---------------------------------------------------- */

static bool cli_entry_live(const struct mxs_entry *e, uint64_t now)
{
	return e->expires_ns == 0 || e->expires_ns > now;
}

/* "never", "expired", or the remaining time. */
static void cli_format_expiry(const struct mxs_entry *e, uint64_t now, char *buf,
			      size_t len)
{
	if (e->expires_ns == 0)
		snprintf(buf, len, "never");
	else if (e->expires_ns <= now)
		snprintf(buf, len, "expired");
	else
		/* round up so a fresh 1h entry shows 1h, not 59m59s */
		duration_format((e->expires_ns - now + 999999999ull) / 1000000000ull,
				buf, len);
}

/* Seconds left, or -1 for never, 0 for expired. */
static int64_t cli_expires_in(const struct mxs_entry *e, uint64_t now)
{
	if (e->expires_ns == 0)
		return -1;
	if (e->expires_ns <= now)
		return 0;
	return (int64_t)((e->expires_ns - now + 999999999ull) / 1000000000ull);
}

static int cli_report_map_error(const char *what, int list,
				const struct addr_cidr *cidr, int err,
				const char *pin_path)
{
	char text[ADDR_CIDR_STRLEN];

	addr_format_cidr(cidr, text, sizeof(text));
	if (err == -ENOSPC)
		log_error("cannot %s %s: the %s map under %s is full; remove entries, "
			  "or recreate the maps larger (detach --all --purge, then attach "
			  "with --max-%s%d)",
			  what, text, kmap_map_name(list, cidr), pin_path,
			  cli_list_name(list), cidr->family);
	else
		log_error("cannot %s %s in the %s map under %s: %s", what, text,
			  kmap_map_name(list, cidr), pin_path, strerror(-err));
	return CLI_EXIT_FAIL;
}

/* ---- block, allow, unblock, unallow ------------------------------------- */

static void cli_warn_if_allowed(struct kmap *km, const struct addr_cidr *cidr)
{
	struct kmap_cover cover;
	char text[ADDR_CIDR_STRLEN], by[ADDR_CIDR_STRLEN];
	uint64_t now = kmap_now_ns();
	struct addr_cidr first = *cidr;

	first.prefixlen = cidr->family == MXS_FAMILY_V4 ? 32 : 128;
	if (kmap_find_cover(km, MXS_LIST_ALLOW, &first, &cover))
		return;
	addr_format_cidr(cidr, text, sizeof(text));
	if (cover.host_found && cli_entry_live(&cover.host_e, now)) {
		addr_format_cidr(&cover.host, by, sizeof(by));
	} else if (cover.net_found && cli_entry_live(&cover.net_e, now) &&
		   cover.net.prefixlen <= cidr->prefixlen) {
		addr_format_cidr(&cover.net, by, sizeof(by));
	} else {
		return;
	}
	log_warn("%s is covered by allow entry %s, which wins over any block entry",
		 text, by);
}

/*
 * The open connections of newly blocked prefixes end, as the daemon's
 * bans end theirs: one walk of this namespace's sockets per
 * MXS_CLOSE_TARGETS_MAX prefixes.  Not in observe mode (which refuses
 * nothing) and not with --keep-connections.  A failure here is a
 * warning: the entries are written and stop new connections.  Prints
 * what was ended; returns nothing, as the block itself succeeded.
 */
static void cli_close_connections(struct kmap *km, const struct cli_args *a,
				  const struct addr_cidr *cidrs, size_t n,
				  uint8_t classes)
{
	struct mxs_config cfg;
	struct sockclose *sc;
	char why[300];
	long total = 0;
	int err;

	if (a->keep_connections || n == 0)
		return;
	if (kmap_config_get(km, &cfg) == 0 && (cfg.flags & MXS_CFG_OBSERVE)) {
		printf("observe mode: open connections left as they are\n");
		return;
	}
	err = sockclose_open(km->ports_fd, &sc, why, sizeof(why));
	if (err) {
		log_warn("cannot end open connections: %s",
			 err == -EINVAL ? SOCKCLOSE_ENV " must be auto, bpf, "
					  "sock_diag or none"
					: strerror(-err));
		return;
	}
	if (sockclose_mechanism(sc) == MXS_CLOSE_UNAVAILABLE) {
		log_warn("open connections were not ended: %s; the entry stops "
			 "new ones", why);
		sockclose_free(sc);
		return;
	}
	for (size_t i = 0; i <= n && total >= 0; i++) {
		int rc = i < n ? sockclose_add_ban(sc, km, &cidrs[i], classes,
						   kmap_now_ns())
			       : -ENOSPC;

		if (rc != -ENOSPC)
			continue;
		/* a full batch (or the end): walk, then add it again */
		rc = sockclose_run(sc);
		if (rc < 0) {
			log_warn("cannot end open connections (%s): %s",
				 sockclose_mechanism_name(sockclose_mechanism(sc)),
				 strerror(-rc));
			total = -1;
			break;
		}
		total += rc;
		if (i < n && sockclose_add_ban(sc, km, &cidrs[i], classes,
					       kmap_now_ns()) == -ENOSPC)
			log_warn("open connections from %s.. not ended: more "
				 "than %d allowed entries inside it",
				 "a prefix", MXS_CLOSE_TARGETS_MAX);
	}
	if (total < 0) {
		sockclose_free(sc);
		return;
	}
	printf("ended %ld open connection%s (%s)\n", total, total == 1 ? "" : "s",
	       sockclose_mechanism_name(sockclose_mechanism(sc)));
	sockclose_free(sc);
}

int cli_cmd_block_allow(const struct cli_args *a)
{
	struct mxs_entry entry = {
		.expires_ns = a->have_ttl ? kmap_expiry_ns(a->ttl_seconds) : 0,
		.classes = a->list == MXS_LIST_BLOCK ? a->classes : MXS_CLASSES_ALL,
		.reason = MXS_REASON_MANUAL,
	};
	struct mxs_meta meta = { .added_unix = (__u64)time(NULL) };
	char text[ADDR_CIDR_STRLEN], ttl[DURATION_STRLEN + 16];
	struct kmap km;
	int rc = cli_open_maps(a, &km), err, meta_err;

	if (rc)
		return rc;
	if (a->comment)
		snprintf(meta.comment, sizeof(meta.comment), "%s", a->comment);
	err = kmap_entry_put(&km, a->list, &a->cidr, &entry, &meta, &meta_err);
	if (err) {
		rc = cli_report_map_error(a->list == MXS_LIST_BLOCK ? "block" : "allow",
					  a->list, &a->cidr, err, a->pin_path);
		goto out;
	}
	addr_format_cidr(&a->cidr, text, sizeof(text));
	if (meta_err)
		log_warn("%s: the comment was not stored (meta map: %s)", text,
			 strerror(-meta_err));
	if (a->have_ttl) {
		char left[DURATION_STRLEN];

		duration_format(a->ttl_seconds, left, sizeof(left));
		snprintf(ttl, sizeof(ttl), "expires in %s", left);
	} else {
		snprintf(ttl, sizeof(ttl), "never expires");
	}
	if (a->list == MXS_LIST_BLOCK) {
		printf("blocked %s (class %s, %s)\n", text,
		       settings_classes_name(entry.classes), ttl);
		cli_warn_if_allowed(&km, &a->cidr);
		cli_close_connections(&km, a, &a->cidr, 1, entry.classes);
	} else {
		printf("allowed %s (%s)\n", text, ttl);
	}
out:
	kmap_close(&km);
	return rc;
}

int cli_cmd_unblock_unallow(const struct cli_args *a)
{
	char text[ADDR_CIDR_STRLEN];
	struct kmap km;
	bool forgot;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	addr_format_cidr(&a->cidr, text, sizeof(text));
	err = kmap_entry_delete(&km, a->list, &a->cidr);
	/* a rate ban's memory goes with it, so that the next ban starts at
	 * ban_time again; forgetting it is also what unblock is for once
	 * the ban itself has expired */
	forgot = a->list == MXS_LIST_BLOCK &&
		 kmap_offence_delete(&km, &a->cidr) == 0;
	/* and the kernel's count of its recent connections, which would
	 * otherwise make its next one an offence again */
	if (a->list == MXS_LIST_BLOCK) {
		struct mxs_config cfg;
		uint32_t prefix6 = MXS_DEFAULT_RATE_PREFIX_V6;

		if (kmap_config_get(&km, &cfg) == 0 && cfg.rate_prefix_v6)
			prefix6 = cfg.rate_prefix_v6;
		kmap_rate_forget(&km, &a->cidr, prefix6);
	}
	if (err == 0) {
		printf("removed %s entry %s\n", cli_list_name(a->list), text);
	} else if (err == -ENOENT && !forgot) {
		log_error("no %s entry for exactly %s; 'mxscreen check ADDRESS' shows "
			  "which entry covers an address",
			  cli_list_name(a->list), text);
		rc = CLI_EXIT_FAIL;
	} else if (err != -ENOENT) {
		rc = cli_report_map_error("remove", a->list, &a->cidr, err,
					  a->pin_path);
	}
	if (forgot)
		printf("forgot the rate offences of %s\n", text);
	kmap_close(&km);
	return rc;
}

/* ---- list --------------------------------------------------------------- */

struct cli_row {
	int list;
	struct addr_cidr cidr;
	struct mxs_entry e;
};

struct cli_rows {
	struct cli_row *row;
	size_t n, cap;
	int list;
};

static int cli_collect_row(const struct addr_cidr *cidr,
			   const struct mxs_entry *e, void *ctx)
{
	struct cli_rows *r = ctx;

	if (vec_reserve(&r->row, &r->cap, r->n, sizeof(*r->row)))
		return -ENOMEM;
	r->row[r->n].list = r->list;
	r->row[r->n].cidr = *cidr;
	r->row[r->n].e = *e;
	r->n++;
	return 0;
}

static int cli_row_cmp(const void *pa, const void *pb)
{
	const struct cli_row *a = pa, *b = pb;

	if (a->list != b->list)
		return a->list == MXS_LIST_ALLOW ? -1 : 1;
	return addr_compare(&a->cidr, &b->cidr);
}

static void cli_print_row_text(struct kmap *km, const struct cli_row *r,
			       int width, uint64_t now)
{
	char text[ADDR_CIDR_STRLEN], exp[DURATION_STRLEN];
	struct mxs_meta meta;

	addr_format_cidr(&r->cidr, text, sizeof(text));
	cli_format_expiry(&r->e, now, exp, sizeof(exp));
	if (kmap_meta_get(km, r->list, &r->cidr, &meta))
		memset(&meta, 0, sizeof(meta));
	if (r->e.reason == MXS_REASON_RATE && !meta.comment[0]) {
		struct mxs_offence off;

		if (kmap_offence_get(km, &r->cidr, &off) == 0)
			snprintf(meta.comment, sizeof(meta.comment),
				 "offences=%u", off.count);
	}
	printf("%-6s %-*s %-10s %-7s %-9s %s\n", cli_list_name(r->list), width,
	       text,
	       r->list == MXS_LIST_BLOCK ? settings_classes_name(r->e.classes)
					 : "all",
	       settings_reason_name(r->e.reason), exp, meta.comment);
}

static void cli_print_row_json(struct kmap *km, struct json_writer *jw,
			       const struct cli_row *r, uint64_t now)
{
	char text[ADDR_CIDR_STRLEN];
	struct mxs_meta meta;
	int64_t left = cli_expires_in(&r->e, now);
	bool have_meta = kmap_meta_get(km, r->list, &r->cidr, &meta) == 0;

	addr_format_cidr(&r->cidr, text, sizeof(text));
	json_object_begin(jw);
	json_key(jw, "list");
	json_string(jw, cli_list_name(r->list));
	json_key(jw, "prefix");
	json_string(jw, text);
	json_key(jw, "family");
	json_uint(jw, r->cidr.family);
	json_key(jw, "classes");
	json_string(jw, settings_classes_name(r->list == MXS_LIST_BLOCK
						      ? r->e.classes
						      : MXS_CLASSES_ALL));
	json_key(jw, "reason");
	json_string(jw, settings_reason_name(r->e.reason));
	json_key(jw, "expires_in");
	if (left < 0)
		json_null(jw);
	else
		json_int(jw, left);
	json_key(jw, "expired");
	json_bool(jw, left == 0);
	json_key(jw, "comment");
	json_string(jw, have_meta ? meta.comment : "");
	json_key(jw, "added");
	if (have_meta && meta.added_unix)
		json_uint(jw, meta.added_unix);
	else
		json_null(jw);
	if (r->list == MXS_LIST_BLOCK) {
		struct mxs_offence off;

		json_key(jw, "offences");
		json_uint(jw, kmap_offence_get(km, &r->cidr, &off) == 0
				      ? off.count
				      : 0);
	}
	json_object_end(jw);
}

int cli_cmd_list(const struct cli_args *a)
{
	struct cli_rows rows = { 0 };
	struct kmap km;
	uint64_t now;
	int rc = cli_open_maps(a, &km), err = 0;

	if (rc)
		return rc;
	for (int list = MXS_LIST_ALLOW; list <= MXS_LIST_BLOCK && !err; list++) {
		if (a->list && a->list != list)
			continue;
		rows.list = list;
		err = kmap_entries_walk(&km, list, cli_collect_row, &rows);
	}
	if (err) {
		log_error("cannot read the lists under %s: %s", a->pin_path,
			  strerror(-err));
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	if (rows.n > 1) /* qsort's base must not be NULL, even for 0 rows */
		qsort(rows.row, rows.n, sizeof(*rows.row), cli_row_cmp);
	now = kmap_now_ns();
	if (a->json) {
		struct json_writer jw;

		json_init(&jw, stdout);
		json_array_begin(&jw);
		for (size_t i = 0; i < rows.n; i++)
			cli_print_row_json(&km, &jw, &rows.row[i], now);
		json_array_end(&jw);
		json_end_document(&jw);
	} else {
		/* as wide as the longest prefix, so IPv4-only lists stay narrow */
		int width = 18;

		for (size_t i = 0; i < rows.n; i++) {
			char text[ADDR_CIDR_STRLEN];
			int len;

			addr_format_cidr(&rows.row[i].cidr, text, sizeof(text));
			len = (int)strlen(text);
			if (len > width)
				width = len;
		}
		printf("%-6s %-*s %-10s %-7s %-9s %s\n", "LIST", width, "PREFIX",
		       "CLASSES", "REASON", "EXPIRES", "COMMENT");
		for (size_t i = 0; i < rows.n; i++)
			cli_print_row_text(&km, &rows.row[i], width, now);
	}
out:
	free(rows.row);
	kmap_close(&km);
	return rc;
}

/* ---- check -------------------------------------------------------------- */

/* The prefix a ban of ip covers (the host, or its rate_prefix_v6
 * prefix), as mxscreend's offences and Postfix counts are keyed. */
static void cli_ban_prefix(const struct mxs_config *cfg,
			   const struct addr_cidr *ip, struct addr_cidr *prefix)
{
	*prefix = *ip;
	if (ip->family != MXS_FAMILY_V6)
		return;
	prefix->prefixlen = (uint8_t)(cfg->rate_prefix_v6
					      ? cfg->rate_prefix_v6
					      : MXS_DEFAULT_RATE_PREFIX_V6);
	for (unsigned int bit = prefix->prefixlen; bit < 128; bit++)
		prefix->addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
}

/* The Postfix events mxscreend counts for ip in class c, as
 * "pregreet*1, sasl_failure*3" (empty: none); *window_ns their window. */
static void cli_postfix_events(struct kmap *km, const struct mxs_config *cfg,
			       const struct addr_cidr *ip, int c, uint64_t now,
			       uint32_t counts[MXS_PF_KINDS],
			       uint64_t *window_ns)
{
	struct addr_cidr prefix;
	struct mxs_pf_score sc;

	memset(counts, 0, sizeof(uint32_t) * MXS_PF_KINDS);
	*window_ns = 0;
	cli_ban_prefix(cfg, ip, &prefix);
	if (kmap_pfscore_get(km, &prefix, (unsigned int)c, &sc))
		return;
	*window_ns = sc.window_ns;
	pfscore_counts(&sc, now, sc.window_ns, counts);
}

static void cli_print_postfix(struct kmap *km, const struct mxs_config *cfg,
			      const struct addr_cidr *ip, uint64_t now)
{
	for (int c = 0; c < MXS_NR_CLASSES; c++) {
		uint32_t counts[MXS_PF_KINDS];
		uint64_t window;
		char line[256], win[DURATION_STRLEN], what[40];
		size_t used = 0;

		cli_postfix_events(km, cfg, ip, c, now, counts, &window);
		line[0] = '\0';
		for (int k = PFLOG_NONE + 1; k < PFLOG_NR_EVENTS; k++)
			if (counts[k] && used + 1 < sizeof(line))
				used += (size_t)snprintf(
					line + used, sizeof(line) - used,
					"%s%s*%u", used ? ", " : "",
					pflog_event_name((enum pflog_event)k),
					counts[k]);
		if (!used)
			continue;
		duration_format(window / 1000000000ull, win, sizeof(win));
		snprintf(what, sizeof(what), "postfix events (%s):",
			 settings_class_name((enum mxs_class)c));
		printf("  %-26s %s within %s\n", what, line, win);
	}
}

static void cli_postfix_json(struct kmap *km, const struct mxs_config *cfg,
			     const struct addr_cidr *ip, uint64_t now,
			     struct json_writer *jw)
{
	json_key(jw, "postfix_events");
	json_object_begin(jw);
	for (int c = 0; c < MXS_NR_CLASSES; c++) {
		uint32_t counts[MXS_PF_KINDS];
		uint64_t window;

		cli_postfix_events(km, cfg, ip, c, now, counts, &window);
		json_key(jw, settings_class_name((enum mxs_class)c));
		json_object_begin(jw);
		for (int k = PFLOG_NONE + 1; k < PFLOG_NR_EVENTS; k++) {
			if (!counts[k])
				continue;
			json_key(jw, pflog_event_name((enum pflog_event)k));
			json_uint(jw, counts[k]);
		}
		json_object_end(jw);
	}
	json_object_end(jw);
}

/* The rate offences remembered for ip's ban prefix (the host, or its
 * rate_prefix_v6 prefix), if any. */
static void cli_print_offences(struct kmap *km, const struct mxs_config *cfg,
			       const struct addr_cidr *ip, uint64_t now)
{
	struct addr_cidr prefix;
	struct mxs_offence off;
	char ago[DURATION_STRLEN], text[ADDR_CIDR_STRLEN];

	cli_ban_prefix(cfg, ip, &prefix);
	if (kmap_offence_get(km, &prefix, &off))
		return;
	addr_format_cidr(&prefix, text, sizeof(text));
	duration_format(now > off.last_ns ? (now - off.last_ns) / 1000000000ull : 0,
			ago, sizeof(ago));
	printf("  %-26s %u offence%s of %s, the last %s ago\n", "rate:",
	       off.count, off.count == 1 ? "" : "s", text, ago);
}

enum cli_verdict {
	CLI_PASS_CLEAN,
	CLI_PASS_ALLOWED,
	CLI_PASS_EXPIRED,
	CLI_PASS_OTHER_CLASS,
	CLI_REFUSED,
};

struct cli_decision {
	enum cli_verdict verdict;
	int list;                 /* list of the deciding entry, 0 = none */
	struct addr_cidr cidr;    /* deciding entry */
	struct mxs_entry e;
};

static void cli_decide(const struct kmap_cover *allow,
		       const struct kmap_cover *block, uint8_t class_bit,
		       uint64_t now, struct cli_decision *d)
{
	const struct {
		bool found;
		const struct addr_cidr *cidr;
		const struct mxs_entry *e;
	} blocks[2] = {
		{ block->host_found, &block->host, &block->host_e },
		{ block->net_found, &block->net, &block->net_e },
	};
	bool expired = false, other = false;

	memset(d, 0, sizeof(*d));
	if (allow->host_found && cli_entry_live(&allow->host_e, now)) {
		*d = (struct cli_decision){ CLI_PASS_ALLOWED, MXS_LIST_ALLOW,
					    allow->host, allow->host_e };
		return;
	}
	if (allow->net_found && cli_entry_live(&allow->net_e, now)) {
		*d = (struct cli_decision){ CLI_PASS_ALLOWED, MXS_LIST_ALLOW,
					    allow->net, allow->net_e };
		return;
	}
	/* an expired allow entry counts as "expired" in the kernel too */
	if (allow->host_found || allow->net_found) {
		*d = (struct cli_decision){
			CLI_PASS_EXPIRED, MXS_LIST_ALLOW,
			allow->host_found ? allow->host : allow->net,
			allow->host_found ? allow->host_e : allow->net_e
		};
		expired = true;
	}
	for (int i = 0; i < 2; i++) {
		if (!blocks[i].found)
			continue;
		if (!cli_entry_live(blocks[i].e, now)) {
			if (!expired && !other)
				*d = (struct cli_decision){ CLI_PASS_EXPIRED,
							    MXS_LIST_BLOCK,
							    *blocks[i].cidr,
							    *blocks[i].e };
			expired = true;
			continue;
		}
		if (blocks[i].e->classes & class_bit) {
			*d = (struct cli_decision){ CLI_REFUSED, MXS_LIST_BLOCK,
						    *blocks[i].cidr, *blocks[i].e };
			return;
		}
		if (!other && !expired)
			*d = (struct cli_decision){ CLI_PASS_OTHER_CLASS,
						    MXS_LIST_BLOCK,
						    *blocks[i].cidr, *blocks[i].e };
		other = true;
	}
	if (expired)
		d->verdict = CLI_PASS_EXPIRED;
	else if (!other)
		d->verdict = CLI_PASS_CLEAN;
}

static const char *cli_verdict_name(enum cli_verdict v)
{
	switch (v) {
	case CLI_PASS_CLEAN:
		return "pass";
	case CLI_PASS_ALLOWED:
		return "allowed";
	case CLI_PASS_EXPIRED:
		return "pass-expired";
	case CLI_PASS_OTHER_CLASS:
		return "pass-other-class";
	case CLI_REFUSED:
		return "refused";
	}
	return "?";
}

static void cli_ports_of_class(const struct settings_ports *ports, int class_,
			       char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < ports->count && used < len; i++) {
		if (ports->port[i].class_ != class_)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%u",
					 used ? "," : "", ports->port[i].port);
	}
	if (!buf[0])
		snprintf(buf, len, "no ports");
}

static void cli_print_decision_text(struct kmap *km, int class_,
				    const char *ports,
				    const struct cli_decision *d,
				    const struct mxs_config *cfg, uint64_t now)
{
	/* the class name, and the ports list cli_cmd_check() built */
	char text[ADDR_CIDR_STRLEN], exp[DURATION_STRLEN], head[160];
	struct mxs_meta meta;

	snprintf(head, sizeof(head), "%s (%s):", settings_class_name(class_),
		 ports);
	if (d->list == 0) {
		printf("  %-26s passes: no entry covers it\n", head);
		return;
	}
	addr_format_cidr(&d->cidr, text, sizeof(text));
	cli_format_expiry(&d->e, now, exp, sizeof(exp));
	if (kmap_meta_get(km, d->list, &d->cidr, &meta))
		meta.comment[0] = '\0';
	switch (d->verdict) {
	case CLI_PASS_ALLOWED:
		printf("  %-26s passes: allowed by", head);
		break;
	case CLI_PASS_EXPIRED:
		printf("  %-26s passes: only an expired entry covers it:", head);
		break;
	case CLI_PASS_OTHER_CLASS:
		printf("  %-26s passes: not meant for this class:", head);
		break;
	case CLI_REFUSED:
		if (cfg->flags & MXS_CFG_OBSERVE)
			printf("  %-26s would be refused (observe mode: passes) by",
			       head);
		else
			printf("  %-26s refused (%s) by", head,
			       settings_action_name((enum mxs_action)cfg->action));
		break;
	case CLI_PASS_CLEAN:
		break;
	}
	printf(" %s %s (%s, %s, expires: %s)", cli_list_name(d->list), text,
	       settings_reason_name(d->e.reason),
	       settings_classes_name(d->list == MXS_LIST_BLOCK ? d->e.classes
							      : MXS_CLASSES_ALL),
	       exp);
	if (meta.comment[0])
		printf(" \"%s\"", meta.comment);
	printf("\n");
}

static void cli_print_decision_json(struct json_writer *jw, int class_,
				    const struct settings_ports *ports,
				    const struct cli_decision *d,
				    const struct mxs_config *cfg, uint64_t now)
{
	char text[ADDR_CIDR_STRLEN];

	json_object_begin(jw);
	json_key(jw, "class");
	json_string(jw, settings_class_name(class_));
	json_key(jw, "ports");
	json_array_begin(jw);
	for (unsigned int i = 0; i < ports->count; i++)
		if (ports->port[i].class_ == class_)
			json_uint(jw, ports->port[i].port);
	json_array_end(jw);
	json_key(jw, "verdict");
	json_string(jw, cli_verdict_name(d->verdict));
	json_key(jw, "refused");
	json_bool(jw, d->verdict == CLI_REFUSED && !(cfg->flags & MXS_CFG_OBSERVE));
	json_key(jw, "action");
	json_string(jw, d->verdict != CLI_REFUSED ? "pass"
			: (cfg->flags & MXS_CFG_OBSERVE)
				? "observe"
				: settings_action_name((enum mxs_action)cfg->action));
	json_key(jw, "entry");
	if (d->list == 0) {
		json_null(jw);
	} else {
		int64_t left = cli_expires_in(&d->e, now);

		addr_format_cidr(&d->cidr, text, sizeof(text));
		json_object_begin(jw);
		json_key(jw, "list");
		json_string(jw, cli_list_name(d->list));
		json_key(jw, "prefix");
		json_string(jw, text);
		json_key(jw, "reason");
		json_string(jw, settings_reason_name(d->e.reason));
		json_key(jw, "classes");
		json_string(jw, settings_classes_name(
					d->list == MXS_LIST_BLOCK ? d->e.classes
								  : MXS_CLASSES_ALL));
		json_key(jw, "expires_in");
		if (left < 0)
			json_null(jw);
		else
			json_int(jw, left);
		json_object_end(jw);
	}
	json_object_end(jw);
}

int cli_cmd_check(const struct cli_args *a)
{
	struct kmap_cover allow, block;
	struct settings_ports ports;
	struct mxs_config cfg;
	char text[ADDR_CIDR_STRLEN];
	struct json_writer jw;
	struct kmap km;
	uint64_t now;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	err = kmap_config_get(&km, &cfg);
	if (!err)
		err = kmap_ports_get(&km, &ports);
	if (!err)
		err = kmap_find_cover(&km, MXS_LIST_ALLOW, &a->cidr, &allow);
	if (!err)
		err = kmap_find_cover(&km, MXS_LIST_BLOCK, &a->cidr, &block);
	if (err) {
		log_error("cannot read the maps under %s: %s", a->pin_path,
			  strerror(-err));
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	now = kmap_now_ns();
	addr_format_cidr(&a->cidr, text, sizeof(text));
	if (a->json) {
		json_init(&jw, stdout);
		json_object_begin(&jw);
		json_key(&jw, "address");
		json_string(&jw, text);
		json_key(&jw, "observe");
		json_bool(&jw, cfg.flags & MXS_CFG_OBSERVE);
		json_key(&jw, "classes");
		json_array_begin(&jw);
	} else {
		printf("%s%s\n", text,
		       (cfg.flags & MXS_CFG_OBSERVE) ? " (observe mode is on)" : "");
	}
	for (int c = 0; c < MXS_NR_CLASSES; c++) {
		struct cli_decision d;
		char plist[128];

		cli_decide(&allow, &block, (uint8_t)MXS_CLASS_BIT(c), now, &d);
		if (a->json) {
			cli_print_decision_json(&jw, c, &ports, &d, &cfg, now);
		} else {
			cli_ports_of_class(&ports, c, plist, sizeof(plist));
			cli_print_decision_text(&km, c, plist, &d, &cfg, now);
		}
	}
	if (a->json) {
		json_array_end(&jw);
		cli_daemon_check_json(&km, &jw, &a->cidr);
		cli_postfix_json(&km, &cfg, &a->cidr, now, &jw);
		json_object_end(&jw);
		json_end_document(&jw);
	} else {
		cli_daemon_check_text(&km, &a->cidr);
		cli_print_offences(&km, &cfg, &a->cidr, now);
		cli_print_postfix(&km, &cfg, &a->cidr, now);
	}
out:
	kmap_close(&km);
	return rc;
}

/* ---- flush, load -------------------------------------------------------- */

int cli_cmd_flush(const struct cli_args *a)
{
	struct kmap km;
	size_t removed;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	err = kmap_entries_flush(&km, a->list, &removed);
	if (err) {
		log_error("cannot flush the %s list under %s after removing %zu entries: %s",
			  cli_list_name(a->list), a->pin_path, removed,
			  strerror(-err));
		rc = CLI_EXIT_FAIL;
	} else {
		printf("removed %zu entries from the %s list\n", removed,
		       cli_list_name(a->list));
	}
	kmap_close(&km);
	return rc;
}

struct cli_load_ctx {
	const char *file;
	struct addr_cidr *cidrs;
	size_t n, cap;
};

static int cli_load_entry(const struct addr_cidr *cidr, void *ctx)
{
	struct cli_load_ctx *l = ctx;

	if (vec_reserve(&l->cidrs, &l->cap, l->n, sizeof(*l->cidrs)))
		return -ENOMEM;
	l->cidrs[l->n++] = *cidr;
	return 0;
}

static void cli_load_bad(unsigned long lineno, const char *why, void *ctx)
{
	const struct cli_load_ctx *l = ctx;

	log_warn("%s:%lu: %s (line skipped)", l->file, lineno, why);
}

int cli_cmd_load(const struct cli_args *a)
{
	struct cli_load_ctx l = { .file = a->file };
	struct listfile_report rep;
	struct mxs_entry entry = {
		.expires_ns = a->have_ttl ? kmap_expiry_ns(a->ttl_seconds) : 0,
		.classes = a->list == MXS_LIST_BLOCK ? a->classes : MXS_CLASSES_ALL,
		.reason = MXS_REASON_LIST,
	};
	struct kmap km;
	size_t done = 0;
	FILE *in;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	in = strcmp(a->file, "-") == 0 ? stdin : fopen(a->file, "r");
	if (!in) {
		log_error("cannot open list file %s: %s", a->file, strerror(errno));
		kmap_close(&km);
		return CLI_EXIT_FAIL;
	}
	err = listfile_parse(in, cli_load_entry, cli_load_bad, &l, &rep);
	if (in != stdin)
		fclose(in);
	if (err) {
		log_error("cannot read list file %s: %s", a->file,
			  err == -ENOMEM ? "out of memory" : strerror(-err));
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	/* the clock starts when the entries go in, not when parsing began */
	if (a->have_ttl)
		entry.expires_ns = kmap_expiry_ns(a->ttl_seconds);
	err = kmap_entries_put_many(&km, a->list, l.cidrs, l.n, &entry, &done);
	if (err == -ENOSPC) {
		log_error("%s list is full after %zu of %zu entries from %s; "
			  "recreate the maps larger (detach --all --purge, then "
			  "attach --max-%s4 N / --max-%s6 N)",
			  cli_list_name(a->list), done, l.n, a->file,
			  cli_list_name(a->list), cli_list_name(a->list));
		rc = CLI_EXIT_FAIL;
	} else if (err) {
		log_error("cannot load %s into the %s list after %zu of %zu entries: %s",
			  a->file, cli_list_name(a->list), done, l.n,
			  strerror(-err));
		rc = CLI_EXIT_FAIL;
	}
	printf("loaded %zu entries from %s into the %s list", done, a->file,
	       cli_list_name(a->list));
	if (rep.bad) {
		printf("; %lu bad lines skipped (listed above)", rep.bad);
		rc = CLI_EXIT_FAIL;
	}
	printf("\n");
	if (a->list == MXS_LIST_BLOCK)
		cli_close_connections(&km, a, l.cidrs, done, entry.classes);
out:
	free(l.cidrs);
	kmap_close(&km);
	return rc;
}
