// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon_state.c - saving mxscreend's dynamic verdicts and offence memory
 * to the state file and loading them back (see daemon_state.h; the line
 * format is state.c's).
 *
 * Only what the daemon itself decided is saved: entries of reason dnsbl,
 * rate, postfix or account, offences, and the policy service's held
 * logins (their holds, not their counts).  Manual entries and list files have
 * their own sources of truth.  Times go through the wall clock, since
 * CLOCK_BOOTTIME starts again at every boot.  An entry the maps already hold,
 * of any reason, is never overwritten: the maps are newer than any file.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon_state.h"
#include "state.h"
#include "lib/account.h"
#include "lib/boottime.h"
#include "lib/log.h"
#include "lib/vec.h"

#define NS_PER_S 1000000000ull

/* Both clocks, read together, in ns. */
static void daemon_state_clocks(uint64_t *now_ns, uint64_t *now_unix_ns)
{
	struct timespec ts;

	*now_ns = kmap_now_ns();
	clock_gettime(CLOCK_REALTIME, &ts);
	*now_unix_ns = (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* ---- saving ---------------------------------------------------------- */

struct save_ctx {
	FILE *f;
	uint64_t now_ns, now_unix_ns;
	int list;
	size_t entries, offences, holds;
};

static int save_record(struct save_ctx *s, const struct state_record *r)
{
	char line[STATE_LINE_MAX];

	if (state_format_record(r, line, sizeof(line)))
		return 0; /* not representable (classes 0, ...): not ours */
	if (fprintf(s->f, "%s\n", line) < 0)
		return -EIO;
	return 0;
}

static int save_entry(const struct addr_cidr *cidr, const struct mxs_entry *e,
		      void *ctx)
{
	struct save_ctx *s = ctx;
	struct state_record r = {
	    .kind = STATE_ENTRY,
	    .cidr = *cidr,
	    .list = (uint8_t)s->list,
	    .reason = e->reason,
	    .classes = e->classes,
	};
	int err;

	if (e->reason != MXS_REASON_DNSBL && e->reason != MXS_REASON_RATE &&
	    e->reason != MXS_REASON_POSTFIX && e->reason != MXS_REASON_ACCOUNT)
		return 0;
	if (e->expires_ns && e->expires_ns <= s->now_ns)
		return 0; /* expired: the sweep removes it */
	if (e->expires_ns)
		r.unix_s =
		    boottime_to_unix(e->expires_ns, s->now_ns, s->now_unix_ns);
	err = save_record(s, &r);
	if (!err)
		s->entries++;
	return err;
}

static int save_offence(const struct addr_cidr *cidr,
			const struct mxs_offence *off, void *ctx)
{
	struct save_ctx *s = ctx;
	struct state_record r = {
	    .kind = STATE_OFFENCE,
	    .cidr = *cidr,
	    .count = off->count,
	    .unix_s = boottime_to_unix(off->last_ns, s->now_ns, s->now_unix_ns),
	};
	int err;

	if (off->count == 0)
		return 0;
	if (r.count > STATE_COUNT_MAX)
		r.count = STATE_COUNT_MAX;
	err = save_record(s, &r);
	if (!err)
		s->offences++;
	return err;
}

/* The temporary file beside path; creates path's directory (one level,
 * as /var/lib/mxscreen) when it is missing. */
static int save_open_temp(const char *path, char *tmp, size_t len, char *dir,
			  size_t dirlen)
{
	char copy[CONFIG_PATH_LEN + 16];
	int fd;

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(dir, dirlen, "%s", dirname(copy));
	if ((size_t)snprintf(tmp, len, "%s.XXXXXX", path) >= len)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && mkdir(dir, 0750) == 0) {
		snprintf(tmp, len, "%s.XXXXXX", path);
		fd = mkostemp(tmp, O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

/* A held login of the policy service: its hold, not its counts. */
static int save_hold(const char *login, const struct account_state *st,
		     void *ctx)
{
	struct save_ctx *s = ctx;
	struct state_record r = {.kind = STATE_HOLD};

	if (!account_held(st, s->now_ns))
		return 0;
	r.unix_s =
	    boottime_to_unix(st->hold_until_ns, s->now_ns, s->now_unix_ns);
	snprintf(r.login, sizeof(r.login), "%s", login);
	s->holds++;
	return save_record(s, &r);
}

/* Stops state_read() at the instance line. */
static int owner_record(const struct state_record *r, void *ctx)
{
	char *owner = ctx;

	if (r->kind != STATE_INSTANCE)
		return 0;
	memcpy(owner, r->pin_path, sizeof(r->pin_path));
	return 1;
}

int daemon_state_owner(const char *path, char *owner, size_t len)
{
	char found[STATE_PIN_PATH_MAX + 1] = "";
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	err = state_read(f, owner_record, NULL, found, NULL);
	fclose(f);
	if (err < 0)
		return err;
	snprintf(owner, len, "%s", found);
	return found[0] ? 1 : 0;
}

/* A file another instance wrote is left alone: warned about once per
 * owner, since saving repeats every state_interval. */
static bool save_is_foreign(const char *path, const char *pin_path)
{
	static char warned[STATE_PIN_PATH_MAX + 1];
	char owner[STATE_PIN_PATH_MAX + 1];

	if (daemon_state_owner(path, owner, sizeof(owner)) != 1 ||
	    strcmp(owner, pin_path) == 0)
		return false;
	if (strcmp(warned, owner) != 0) {
		log_warn("not writing the state file %s: it belongs to the "
			 "mxscreend whose maps are pinned under %s, not this "
			 "one (%s); give each instance its own state_file "
			 "(remove the file if that instance is gone)",
			 path, owner, pin_path);
		snprintf(warned, sizeof(warned), "%s", owner);
	}
	return true;
}

int daemon_state_save(struct kmap *km, const char *path, const char *pin_path)
{
	char tmp[CONFIG_PATH_LEN + 16], dir[CONFIG_PATH_LEN + 16], header[32];
	char instance[STATE_LINE_MAX];
	struct state_record me = {.kind = STATE_INSTANCE};
	struct save_ctx s = {0};
	const char *what;
	int fd, dfd, err = 0;

	snprintf(me.pin_path, sizeof(me.pin_path), "%s", pin_path);
	if (state_format_record(&me, instance, sizeof(instance))) {
		log_warn("cannot write the state file %s: the pin path %s "
			 "cannot be recorded (longer than %d bytes?)",
			 path, pin_path, STATE_PIN_PATH_MAX);
		return -ENAMETOOLONG;
	}
	if (save_is_foreign(path, pin_path))
		return -EEXIST;
	fd = save_open_temp(path, tmp, sizeof(tmp), dir, sizeof(dir));
	if (fd < 0) {
		log_warn(
		    "cannot write the state file %s: cannot create a temporary "
		    "file in %s: %s",
		    path, dir, strerror(-fd));
		return fd;
	}
	s.f = fdopen(fd, "w");
	if (!s.f) {
		err = -errno;
		close(fd);
		what = "cannot open it";
		goto fail;
	}
	daemon_state_clocks(&s.now_ns, &s.now_unix_ns);
	state_format_header(header, sizeof(header));
	what = "cannot write";
	if (fprintf(s.f,
		    "%s\n%s\n# written by mxscreend at %llu: LIST PREFIX "
		    "REASON CLASSES EXPIRES, offence PREFIX COUNT LAST, hold "
		    "LOGIN UNTIL (unix seconds; expires 0 = never)\n",
		    header, instance,
		    (unsigned long long)(s.now_unix_ns / NS_PER_S)) < 0) {
		err = -EIO;
		goto fail_close;
	}
	for (s.list = MXS_LIST_ALLOW; s.list <= MXS_LIST_BLOCK && !err;
	     s.list++)
		err = kmap_entries_walk(km, s.list, save_entry, &s);
	if (!err)
		err = kmap_offences_walk(km, save_offence, &s);
	if (!err)
		err = kmap_accounts_walk(km, save_hold, &s);
	if (err) {
		what = err == -EIO ? "cannot write" : "cannot read the maps";
		goto fail_close;
	}
	if (fflush(s.f) || fsync(fileno(s.f))) {
		err = -errno;
		goto fail_close;
	}
	if (fclose(s.f)) {
		err = -errno;
		s.f = NULL;
		goto fail;
	}
	s.f = NULL;
	if (rename(tmp, path)) {
		err = -errno;
		what = "cannot rename the temporary file over it";
		goto fail;
	}
	/* the rename itself is durable only once the directory is */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		err = -errno;
		log_warn("state file %s written, but cannot sync %s: %s", path,
			 dir, strerror(-err));
	}
	if (dfd >= 0)
		close(dfd);
	log_debug("saved %zu entries, %zu offences and %zu held logins to %s",
		  s.entries, s.offences, s.holds, path);
	return 0;
fail_close:
	fclose(s.f);
fail:
	unlink(tmp);
	log_warn("cannot write the state file %s: %s %s: %s", path, what, tmp,
		 strerror(-err));
	return err;
}

/* ---- restoring ------------------------------------------------------- */

struct restore_item {
	struct addr_cidr cidr;
	struct mxs_entry e;
	uint8_t list;
};

struct restore_ctx {
	struct kmap *km;
	const char *path;
	const char *pin_path;
	char owner[STATE_PIN_PATH_MAX + 1]; /* another instance's, if found */
	uint64_t now_ns, now_unix_ns, ban_memory_s;
	struct restore_item *items;
	size_t n, cap;
	size_t expired, kept, offences, forgotten, failed, holds;
	int first_err;
};

static void restore_failed(struct restore_ctx *c, int err)
{
	c->failed++;
	if (!c->first_err)
		c->first_err = err;
}

static int restore_entry(struct restore_ctx *c, const struct state_record *r)
{
	struct mxs_entry old;

	if (r->unix_s && r->unix_s <= c->now_unix_ns / NS_PER_S) {
		c->expired++;
		return 0;
	}
	if (kmap_entry_get(c->km, r->list, &r->cidr, &old) == 0) {
		c->kept++;
		return 0;
	}
	if (vec_reserve(&c->items, &c->cap, c->n, sizeof(*c->items)))
		return -ENOMEM;
	c->items[c->n++] = (struct restore_item){
	    .cidr = r->cidr,
	    .list = r->list,
	    .e =
		{
		    .expires_ns = r->unix_s
				      ? boottime_from_unix(r->unix_s, c->now_ns,
							   c->now_unix_ns)
				      : 0,
		    .classes = r->classes,
		    .reason = r->reason,
		},
	};
	return 0;
}

static void restore_offence(struct restore_ctx *c, const struct state_record *r)
{
	struct mxs_offence off = {.count = r->count};
	int err;

	if (r->unix_s + c->ban_memory_s <= c->now_unix_ns / NS_PER_S) {
		c->forgotten++;
		return;
	}
	if (kmap_offence_get(c->km, &r->cidr, &off) == 0) {
		c->kept++;
		return;
	}
	/* an offence from before this boot counts as at the boot: kept up
	 * to ban_memory after it, a little longer than it would have been */
	off.count = r->count;
	off.last_ns = boottime_from_unix(r->unix_s, c->now_ns, c->now_unix_ns);
	err = kmap_offence_put(c->km, &r->cidr, &off);
	if (err)
		restore_failed(c, err);
	else
		c->offences++;
}

static void restore_hold(struct restore_ctx *c, const struct state_record *r)
{
	struct account_state st;
	uint64_t until;
	int err;

	if (r->unix_s <= c->now_unix_ns / NS_PER_S) {
		c->expired++;
		return;
	}
	until = boottime_from_unix(r->unix_s, c->now_ns, c->now_unix_ns);
	err = kmap_account_get(c->km, r->login, &st);
	if (err == -ENOENT)
		memset(&st, 0, sizeof(st));
	else if (err) {
		restore_failed(c, err);
		return;
	}
	account_hold_restored(&st, c->now_ns, until);
	err = kmap_account_put(c->km, r->login, &st);
	if (err)
		restore_failed(c, err);
	else
		c->holds++;
}

static int restore_record(const struct state_record *r, void *ctx)
{
	struct restore_ctx *c = ctx;

	if (r->kind == STATE_INSTANCE) {
		if (strcmp(r->pin_path, c->pin_path) == 0)
			return 0;
		memcpy(c->owner, r->pin_path, sizeof(c->owner));
		return -EXDEV;
	}
	if (r->kind == STATE_OFFENCE) {
		restore_offence(c, r);
		return 0;
	}
	if (r->kind == STATE_HOLD) {
		restore_hold(c, r);
		return 0;
	}
	return restore_entry(c, r);
}

static void restore_bad(unsigned long lineno, const char *why, void *ctx)
{
	const struct restore_ctx *c = ctx;

	log_warn("%s:%lu: %s; line skipped", c->path, lineno, why);
}

/* Order entries so that those with the same list and value are
 * neighbours: each run is one batched write. */
static int restore_cmp(const void *a, const void *b)
{
	const struct restore_item *x = a, *y = b;

	if (x->list != y->list)
		return x->list < y->list ? -1 : 1;
	if (x->e.expires_ns != y->e.expires_ns)
		return x->e.expires_ns < y->e.expires_ns ? -1 : 1;
	if (x->e.classes != y->e.classes)
		return x->e.classes < y->e.classes ? -1 : 1;
	if (x->e.reason != y->e.reason)
		return x->e.reason < y->e.reason ? -1 : 1;
	return 0;
}

/* Write the collected entries; returns how many were written. */
static size_t restore_write(struct restore_ctx *c)
{
	struct addr_cidr *run;
	size_t written = 0, i = 0, j, k, done;
	int err;

	if (!c->n)
		return 0;
	run = malloc(c->n * sizeof(*run));
	if (!run) {
		restore_failed(c, -ENOMEM);
		c->failed += c->n - 1;
		return 0;
	}
	qsort(c->items, c->n, sizeof(*c->items), restore_cmp);
	while (i < c->n) {
		for (j = i;
		     j < c->n && restore_cmp(&c->items[i], &c->items[j]) == 0;
		     j++)
			run[j - i] = c->items[j].cidr;
		err = kmap_entries_put_many(c->km, c->items[i].list, run, j - i,
					    &c->items[i].e, &done);
		written += done;
		if (err) {
			/* one by one: only the entries that fail are lost
			 * (those already written are written again, and
			 * counted there) */
			written -= done;
			for (k = i; k < j; k++) {
				err = kmap_entry_put(
				    c->km, c->items[k].list, &c->items[k].cidr,
				    &c->items[k].e, NULL, NULL);
				if (err)
					restore_failed(c, err);
				else
					written++;
			}
		}
		i = j;
	}
	free(run);
	return written;
}

void daemon_state_restore(struct kmap *km, const char *path,
			  const char *pin_path, uint64_t ban_memory_s)
{
	struct restore_ctx c = {.km = km,
				.path = path,
				.pin_path = pin_path,
				.ban_memory_s = ban_memory_s};
	struct state_report rep = {0};
	size_t written;
	FILE *f;
	int err;

	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			log_info("no state file %s yet: nothing to restore",
				 path);
		else
			log_warn("cannot read the state file %s: %s; nothing "
				 "restored",
				 path, strerror(errno));
		return;
	}
	daemon_state_clocks(&c.now_ns, &c.now_unix_ns);
	err = state_read(f, restore_record, restore_bad, &c, &rep);
	fclose(f);
	if (err == -EPROTO) {
		free(c.items);
		log_warn("%s: not restored (written by another version)", path);
		return;
	}
	if (err == -EXDEV) {
		/* another instance's verdicts and offences are not ours to
		 * enforce: a test run beside the real one must not ban what
		 * the real one banned, nor escalate its offences */
		free(c.items);
		log_warn("%s: not restored: it belongs to the mxscreend whose "
			 "maps are pinned under %s, not this one (%s); give "
			 "each instance its own state_file",
			 path, c.owner, pin_path);
		return;
	}
	if (err)
		log_warn(
		    "cannot read the state file %s to its end: %s; restoring "
		    "what was read",
		    path, strerror(-err));
	written = restore_write(&c);
	free(c.items);
	if (c.failed)
		log_warn(
		    "%s: %zu entries or offences could not be written: %s%s",
		    path, c.failed, strerror(-c.first_err),
		    c.first_err == -ENOSPC ? " (map full)" : "");
	log_info("restored %zu entries, %zu offences and %zu held logins from "
		 "%s (%zu expired, %zu offences forgotten, %zu already in the "
		 "maps, %lu bad lines)",
		 written, c.offences, c.holds, path, c.expired, c.forgotten,
		 c.kept, rep.bad);
}
