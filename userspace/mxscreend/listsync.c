// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * listsync.c - mxscreend's static lists in the kernel's allow and block
 * lists (see listsync.h for the contract).
 *
 * Each file keeps, in memory, the prefixes of its last good read.  A sync
 * merges them (and mynetworks) into one sorted array per list, reads the
 * kernel's entries of reason file and those of the administrator (manual,
 * list) into another, and walks both arrays side by side: what is wanted
 * and missing (or of reason dnsbl/rate) is added, what is of reason file
 * and no longer wanted is removed.  Nothing else is ever touched.
 *
 * Changes on disk are found by polling stat() once a second, as rbldnsd
 * does, rather than with inotify: list updaters replace files by renaming
 * a new one over them (a new inode, which an inotify watch on the old one
 * would not see) or replace whole directories, and a poll of a few files
 * costs nothing and needs no watch limits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "listsync.h"
#include "lib/listfile.h"
#include "lib/log.h"
#include "lib/vec.h"

/* What stat() said of a file; two differ when the file was replaced,
 * written, truncated, chmod-ed, or appeared or went. */
struct ls_sig {
	int err; /* 0, or the errno of stat()/open() */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
};

struct ls_file {
	char path[CONFIG_PATH_LEN];
	uint8_t format; /* enum listfile_format */
	int list;       /* MXS_LIST_ALLOW or MXS_LIST_BLOCK */
	struct ls_sig read_sig; /* at the last read (or failed attempt) */
	struct ls_sig poll_sig; /* at the last poll */
	bool due;               /* to be read at the next sync */
	bool ever_read;         /* a read succeeded since the start */
	bool failed;            /* the last read failed: cidrs are older */
	struct addr_cidr *cidrs; /* what the last good read listed */
	size_t n;
};

struct listsync {
	struct ls_file *files;
	unsigned int nr_files;
	struct addr_cidr mynetworks[CONFIG_MAX_MYNETWORKS];
	unsigned int nr_mynetworks;
};

/* An entry of the kernel that a sync must know of: its own (file) or the
 * administrator's (manual, list). */
struct ls_cur {
	struct addr_cidr cidr;
	uint8_t reason;
	bool stale; /* reason file, but not the value a sync writes */
};

static const char *ls_list_name(int list)
{
	return list == MXS_LIST_BLOCK ? "block" : "allow";
}

static const char *ls_setting(int list)
{
	return list == MXS_LIST_BLOCK ? "blocklist_files" : "allowlist_files";
}

/* ---- files on disk ---------------------------------------------------- */

static void ls_sig_from(struct ls_sig *sig, const struct stat *st)
{
	memset(sig, 0, sizeof(*sig));
	sig->dev = st->st_dev;
	sig->ino = st->st_ino;
	sig->size = st->st_size;
	sig->mtim = st->st_mtim;
	sig->ctim = st->st_ctim;
}

static void ls_stat(const char *path, struct ls_sig *sig)
{
	struct stat st;

	if (stat(path, &st)) {
		memset(sig, 0, sizeof(*sig));
		sig->err = errno;
		return;
	}
	ls_sig_from(sig, &st);
}

static bool ls_ts_equal(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static bool ls_sig_equal(const struct ls_sig *a, const struct ls_sig *b)
{
	if (a->err || b->err)
		return a->err == b->err;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       ls_ts_equal(&a->mtim, &b->mtim) && ls_ts_equal(&a->ctim, &b->ctim);
}

bool listsync_poll(struct listsync *ls)
{
	bool due = false;

	for (unsigned int i = 0; i < ls->nr_files; i++) {
		struct ls_file *f = &ls->files[i];
		struct ls_sig now;

		ls_stat(f->path, &now);
		if (!f->due && !ls_sig_equal(&now, &f->read_sig)) {
			bool in_place = !now.err && !f->read_sig.err &&
					now.dev == f->read_sig.dev &&
					now.ino == f->read_sig.ino;

			/* written in place: wait until it stops changing */
			if (!in_place || ls_sig_equal(&now, &f->poll_sig))
				f->due = true;
		}
		f->poll_sig = now;
		due = due || f->due;
	}
	return due;
}

struct ls_read {
	const struct ls_file *f;
	struct addr_cidr *v;
	size_t n, cap;
	unsigned long shown; /* bad lines logged */
};

static int ls_read_entry(const struct addr_cidr *cidr, void *ctx)
{
	struct ls_read *r = ctx;

	if (vec_reserve(&r->v, &r->cap, r->n, sizeof(*r->v)))
		return -ENOMEM;
	r->v[r->n++] = *cidr;
	return 0;
}

static void ls_read_bad(unsigned long lineno, const char *why, void *ctx)
{
	struct ls_read *r = ctx;

	if (r->shown >= LISTSYNC_MAX_BAD_LINES)
		return;
	r->shown++;
	log_warn("%s:%lu: %s (line skipped)", r->f->path, lineno, why);
}

/* The file cannot be read now: say so, and what stays. */
static void ls_read_failed(struct ls_file *f, const char *what, int err)
{
	f->failed = true;
	if (f->ever_read)
		log_warn("lists: %s %s list file %s: %s; its %zu entries from the "
			 "last read stay; fix or restore the file, or take it out "
			 "of %s and reload",
			 what, ls_list_name(f->list), f->path, strerror(-err),
			 f->n, ls_setting(f->list));
	else
		log_warn("lists: %s %s list file %s: %s; it has not been read "
			 "since mxscreend started, so no %s entry of reason file "
			 "is removed until it can be; fix or restore the file, or "
			 "take it out of %s and reload",
			 what, ls_list_name(f->list), f->path, strerror(-err),
			 ls_list_name(f->list), ls_setting(f->list));
}

/* Read one file; on any failure its previous prefixes stay. */
static void ls_read_file(struct ls_file *f)
{
	struct listfile_report rep = { 0 };
	struct ls_read r = { .f = f };
	bool changed = false;
	struct ls_sig after;
	struct stat st;
	FILE *in;
	int err;

	f->due = false;
	in = fopen(f->path, "re");
	if (!in) {
		err = -errno;
		/* read again when this changes: the file appears, or a chmod
		 * changes its ctime */
		ls_stat(f->path, &f->read_sig);
		ls_read_failed(f, "cannot open", err);
		return;
	}
	if (fstat(fileno(in), &st)) {
		err = -errno;
		fclose(in);
		ls_stat(f->path, &f->read_sig);
		ls_read_failed(f, "cannot stat", err);
		return;
	}
	ls_sig_from(&f->read_sig, &st);
	err = listfile_parse_format(in, (enum listfile_format)f->format,
				    ls_read_entry, ls_read_bad, &r, &rep);
	if (!err && fstat(fileno(in), &st) == 0) {
		ls_sig_from(&after, &st);
		changed = !ls_sig_equal(&after, &f->read_sig);
	}
	fclose(in);
	if (rep.bad > r.shown)
		log_warn("%s: %lu more bad lines not shown (%lu bad in all)",
			 f->path, rep.bad - r.shown, rep.bad);
	if (changed) {
		/* the next poll sees the change and reads it again */
		free(r.v);
		log_info("lists: %s changed while it was read; read again once "
			 "it stays the same", f->path);
		return;
	}
	if (err) {
		free(r.v);
		ls_read_failed(f, "cannot read all of", err);
		return;
	}
	free(f->cidrs);
	f->cidrs = r.v;
	f->n = r.n;
	f->ever_read = true;
	f->failed = false;
	log_debug("lists: read %zu prefixes from %s (%s format, %lu lines, "
		  "%lu bad)", r.n, f->path,
		  listfile_format_name((enum listfile_format)f->format),
		  rep.lines, rep.bad);
}

/* ---- configuration ---------------------------------------------------- */

int listsync_new(struct listsync **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void ls_free_files(struct ls_file *files, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		free(files[i].cidrs);
	free(files);
}

void listsync_free(struct listsync *ls)
{
	if (!ls)
		return;
	ls_free_files(ls->files, ls->nr_files);
	free(ls);
}

/* The file of the running set with this path, list and format. */
static struct ls_file *ls_find(struct listsync *ls, const char *path,
			       int list, uint8_t format)
{
	for (unsigned int i = 0; i < ls->nr_files; i++) {
		struct ls_file *f = &ls->files[i];

		if (f->list == list && f->format == format &&
		    strcmp(f->path, path) == 0)
			return f;
	}
	return NULL;
}

int listsync_configure(struct listsync *ls, const struct config *cfg)
{
	unsigned int n = cfg->nr_allowlist_files + cfg->nr_blocklist_files, k = 0;
	struct ls_file *files = calloc(n ? n : 1, sizeof(*files));

	if (!files)
		return -ENOMEM;
	for (int list = MXS_LIST_ALLOW; list <= MXS_LIST_BLOCK; list++) {
		const struct config_list_file *cf =
			list == MXS_LIST_ALLOW ? cfg->allowlist_files
					       : cfg->blocklist_files;
		unsigned int nr = list == MXS_LIST_ALLOW ? cfg->nr_allowlist_files
							 : cfg->nr_blocklist_files;

		for (unsigned int i = 0; i < nr; i++, k++) {
			struct ls_file *f = &files[k];
			struct ls_file *old = ls_find(ls, cf[i].path, list,
						      cf[i].format);

			if (old) {
				/* keeps its last good contents */
				*f = *old;
				old->cidrs = NULL;
			} else {
				memcpy(f->path, cf[i].path, sizeof(f->path));
				f->path[sizeof(f->path) - 1] = '\0';
				f->format = cf[i].format;
				f->list = list;
			}
			f->due = true;
		}
	}
	ls_free_files(ls->files, ls->nr_files);
	ls->files = files;
	ls->nr_files = n;
	ls->nr_mynetworks = cfg->nr_mynetworks;
	memcpy(ls->mynetworks, cfg->mynetworks,
	       cfg->nr_mynetworks * sizeof(cfg->mynetworks[0]));
	return 0;
}

/* ---- the sync --------------------------------------------------------- */

static int ls_cidr_cmp(const void *a, const void *b)
{
	return addr_compare(a, b);
}

static int ls_cur_cmp(const void *a, const void *b)
{
	const struct ls_cur *x = a, *y = b;

	return addr_compare(&x->cidr, &y->cidr);
}

/* Sort and drop duplicates; returns the new count. */
static size_t ls_sort_unique(struct addr_cidr *v, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), ls_cidr_cmp);
	for (size_t i = 1; i < n; i++)
		if (addr_compare(&v[out], &v[i]) != 0)
			v[++out] = v[i];
	return out + 1;
}

/* Everything one list should hold, sorted and unique, in *out (NULL when
 * empty); *hold says that a file of the list has never been read. */
static int ls_wanted(const struct listsync *ls, int list,
		     struct addr_cidr **out, size_t *n, bool *hold)
{
	size_t total = list == MXS_LIST_ALLOW ? ls->nr_mynetworks : 0, k = 0;
	struct addr_cidr *v;

	*out = NULL;
	*n = 0;
	*hold = false;
	for (unsigned int i = 0; i < ls->nr_files; i++)
		if (ls->files[i].list == list)
			total += ls->files[i].n;
	if (!total) {
		for (unsigned int i = 0; i < ls->nr_files; i++)
			if (ls->files[i].list == list && !ls->files[i].ever_read)
				*hold = true;
		return 0;
	}
	v = malloc(total * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (list == MXS_LIST_ALLOW) {
		memcpy(v, ls->mynetworks, ls->nr_mynetworks * sizeof(*v));
		k = ls->nr_mynetworks;
	}
	for (unsigned int i = 0; i < ls->nr_files; i++) {
		const struct ls_file *f = &ls->files[i];

		if (f->list != list)
			continue;
		if (!f->ever_read)
			*hold = true;
		if (f->n)
			memcpy(v + k, f->cidrs, f->n * sizeof(*v));
		k += f->n;
	}
	*out = v;
	*n = ls_sort_unique(v, total);
	return 0;
}

struct ls_walk {
	struct ls_cur *v;
	size_t n, cap;
};

static int ls_walk_visit(const struct addr_cidr *cidr,
			 const struct mxs_entry *e, void *ctx)
{
	struct ls_walk *w = ctx;

	if (e->reason != MXS_REASON_FILE && e->reason != MXS_REASON_MANUAL &&
	    e->reason != MXS_REASON_LIST)
		return 0;
	if (vec_reserve(&w->v, &w->cap, w->n, sizeof(*w->v)))
		return -ENOMEM;
	w->v[w->n++] = (struct ls_cur){
		.cidr = *cidr,
		.reason = e->reason,
		.stale = e->reason == MXS_REASON_FILE &&
			 (e->expires_ns != 0 || e->classes != MXS_CLASSES_ALL),
	};
	return 0;
}

/* One list's changes. */
struct ls_diff {
	struct addr_cidr *add, *del;
	size_t nadd, ndel, cap_add, cap_del;
	size_t kept_admin;
};

static int ls_push(struct addr_cidr **v, size_t *n, size_t *cap,
		   const struct addr_cidr *c)
{
	if (vec_reserve(v, cap, *n, sizeof(**v)))
		return -ENOMEM;
	(*v)[(*n)++] = *c;
	return 0;
}

/* Walk the sorted wanted and current arrays side by side. */
static int ls_diff(const struct addr_cidr *want, size_t nwant,
		   const struct ls_cur *cur, size_t ncur, struct ls_diff *d)
{
	size_t i = 0, j = 0;
	int err = 0;

	while (!err && (i < nwant || j < ncur)) {
		int cmp = i == nwant ? 1 : j == ncur ? -1
				     : addr_compare(&want[i], &cur[j].cidr);

		if (cmp < 0) {
			err = ls_push(&d->add, &d->nadd, &d->cap_add, &want[i++]);
		} else if (cmp > 0) {
			if (cur[j].reason == MXS_REASON_FILE)
				err = ls_push(&d->del, &d->ndel, &d->cap_del,
					      &cur[j].cidr);
			j++;
		} else {
			if (cur[j].reason != MXS_REASON_FILE)
				d->kept_admin++;
			else if (cur[j].stale)
				err = ls_push(&d->add, &d->nadd, &d->cap_add,
					      &want[i]);
			i++;
			j++;
		}
	}
	return err;
}

static void ls_map_error(int list, const struct addr_cidr *cidr,
			 const char *what, size_t n, int err)
{
	log_warn("lists: cannot %s %zu %s entr%s in %s: %s%s", what, n,
		 ls_list_name(list), n == 1 ? "y" : "ies",
		 kmap_map_name(list, cidr), strerror(-err),
		 err == -ENOSPC ? " (map full: remove entries or shorten the "
				  "lists; map sizes are set when the maps are "
				  "created, see mxscreen status)"
				: "");
}

/* Write the additions of one list, one batch per map, so a full map does
 * not keep the others from being written.  Returns the first error. */
static int ls_write_adds(struct kmap *km, int list, const struct ls_diff *d,
			 struct listsync_result *res)
{
	const struct mxs_entry entry = {
		.expires_ns = 0,
		.classes = MXS_CLASSES_ALL,
		.reason = MXS_REASON_FILE,
	};
	struct addr_cidr *group;
	int first_err = 0;

	if (!d->nadd)
		return 0;
	group = malloc(d->nadd * sizeof(*group));
	if (!group)
		return -ENOMEM;
	/* the maps kmap picks from: family x host/prefix */
	for (int fam = 0; fam < 2; fam++) {
		for (int host = 0; host < 2; host++) {
			uint8_t family = fam ? MXS_FAMILY_V6 : MXS_FAMILY_V4;
			size_t n = 0, done = 0;
			int err;

			for (size_t i = 0; i < d->nadd; i++)
				if (d->add[i].family == family &&
				    addr_is_host(&d->add[i]) == (bool)host)
					group[n++] = d->add[i];
			if (!n)
				continue;
			err = kmap_entries_put_many(km, list, group, n, &entry,
						    &done);
			res->added += done;
			if (err) {
				/* every entry that is not in the map */
				res->map_errors += (unsigned int)(n - done);
				ls_map_error(list, &group[0], "write", n - done,
					     err);
				if (!first_err)
					first_err = err;
			}
		}
	}
	free(group);
	return first_err;
}

static void ls_write_dels(struct kmap *km, int list, const struct ls_diff *d,
			  struct listsync_result *res)
{
	const struct addr_cidr *first = NULL;
	size_t failed = 0;
	int first_err = 0;

	for (size_t i = 0; i < d->ndel; i++) {
		struct mxs_entry cur;
		int err;

		/* a host entry the administrator wrote since the walk stays;
		 * (an exact prefix lookup walks the whole trie: not done) */
		if (addr_is_host(&d->del[i]) &&
		    (kmap_entry_get(km, list, &d->del[i], &cur) ||
		     cur.reason != MXS_REASON_FILE))
			continue;
		err = kmap_entry_delete(km, list, &d->del[i]);
		if (!err) {
			res->removed++;
			continue;
		}
		if (err == -ENOENT) /* gone already (mxscreen unblock) */
			continue;
		if (!failed++) {
			first = &d->del[i];
			first_err = err;
		}
	}
	if (failed) {
		res->map_errors += (unsigned int)failed;
		ls_map_error(list, first, "remove", failed, first_err);
	}
}

static void ls_diff_free(struct ls_diff *d)
{
	free(d->add);
	free(d->del);
}

static void ls_log_summary(const struct listsync *ls,
			   const struct listsync_result *res, bool write,
			   const bool hold[2], bool allow_failed)
{
	enum log_level level = LOG_LEVEL_INFO;
	char extra[512];
	size_t used = 0;

	extra[0] = '\0';
	if (res->kept_admin)
		used += (size_t)snprintf(extra + used, sizeof(extra) - used,
			"; %zu left as they are (a manual or list entry is there)",
			res->kept_admin);
	if (res->unreadable && used < sizeof(extra))
		used += (size_t)snprintf(extra + used, sizeof(extra) - used,
			"; %u file%s unreadable, %s entries kept",
			res->unreadable, res->unreadable == 1 ? "" : "s",
			res->unreadable == 1 ? "its" : "their");
	for (int l = 0; l < 2 && used < sizeof(extra); l++)
		if (hold[l])
			used += (size_t)snprintf(extra + used, sizeof(extra) - used,
				"; no %s entry removed: a file was never read",
				l ? "block" : "allow");
	if (allow_failed && used < sizeof(extra))
		used += (size_t)snprintf(extra + used, sizeof(extra) - used,
			"; no allow entry removed: additions failed");
	if (res->map_errors && used < sizeof(extra))
		snprintf(extra + used, sizeof(extra) - used, "; %u map errors",
			 res->map_errors);
	/* no static lists configured and none left over: nothing to say */
	if (!res->files && !ls->nr_mynetworks && !res->added && !res->removed &&
	    !extra[0])
		level = LOG_LEVEL_DEBUG;
	log_msg(level,
		"lists: %zu block, %zu allow entries from %u files%s (+%zu -%zu)%s%s",
		res->block, res->allow, res->files,
		ls->nr_mynetworks ? " and mynetworks" : "", res->added,
		res->removed, extra, write ? "" : " (observe: not written)");
}

int listsync_run(struct listsync *ls, struct kmap *km, bool write,
		 struct listsync_result *out)
{
	struct listsync_result res = { .files = ls->nr_files };
	struct addr_cidr *want[2] = { NULL, NULL };
	struct ls_diff diff[2];
	struct ls_walk cur[2];
	bool hold[2] = { false, false }, allow_failed = false;
	size_t nwant[2] = { 0, 0 };
	int err = 0;

	memset(diff, 0, sizeof(diff));
	memset(cur, 0, sizeof(cur));
	for (unsigned int i = 0; i < ls->nr_files; i++) {
		if (ls->files[i].due)
			ls_read_file(&ls->files[i]);
		if (ls->files[i].failed)
			res.unreadable++;
	}
	/* index 0: allow, 1: block */
	for (int l = 0; l < 2 && !err; l++) {
		int list = l ? MXS_LIST_BLOCK : MXS_LIST_ALLOW;

		err = ls_wanted(ls, list, &want[l], &nwant[l], &hold[l]);
		if (!err)
			err = kmap_entries_walk(km, list, ls_walk_visit, &cur[l]);
		if (!err) {
			if (cur[l].n > 1) /* v is NULL while empty */
				qsort(cur[l].v, cur[l].n, sizeof(*cur[l].v),
				      ls_cur_cmp);
			err = ls_diff(want[l], nwant[l], cur[l].v, cur[l].n,
				      &diff[l]);
		}
	}
	if (err) {
		log_warn("lists: cannot compare the list files with the maps: %s; "
			 "nothing changed, tried again when a file changes or on "
			 "reload", strerror(-err));
		goto out;
	}
	res.allow = nwant[0];
	res.block = nwant[1];
	res.kept_admin = diff[0].kept_admin + diff[1].kept_admin;
	if (!write) {
		res.added = diff[0].nadd + diff[1].nadd;
		res.removed = (hold[1] ? 0 : diff[1].ndel) +
			      (hold[0] ? 0 : diff[0].ndel);
		goto summary;
	}
	/* additions first, allow before block; then removals, block before
	 * allow: no moment where a listed source passes or an allowed one
	 * is refused */
	allow_failed = ls_write_adds(km, MXS_LIST_ALLOW, &diff[0], &res) != 0;
	ls_write_adds(km, MXS_LIST_BLOCK, &diff[1], &res);
	if (!hold[1])
		ls_write_dels(km, MXS_LIST_BLOCK, &diff[1], &res);
	/* fail open: a failed allow addition keeps the old allow entries */
	if (!hold[0] && !allow_failed)
		ls_write_dels(km, MXS_LIST_ALLOW, &diff[0], &res);
summary:
	ls_log_summary(ls, &res, write, hold, allow_failed);
out:
	for (int l = 0; l < 2; l++) {
		free(want[l]);
		free(cur[l].v);
		ls_diff_free(&diff[l]);
	}
	if (out)
		*out = res;
	return err;
}
