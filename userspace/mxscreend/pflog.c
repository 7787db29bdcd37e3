// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pflog.c - the Postfix log reader (pflog.h): files and the journal into
 * parsed records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "pflog.h"
#include "pflog_file.h"
#include "pflog_journal.h"
#include "lib/kmap.h"
#include "lib/log.h"

#define NS_PER_S 1000000000ull
/* At most one warning per source this often about failing reads. */
#define PFLOG_WARN_SECONDS 60
/* The journal's index after the files'. */
#define PFLOG_JOURNAL_INDEX CONFIG_MAX_POSTFIX_LOGS

struct pflog {
	int epoll_fd;
	struct pflog_file *file[CONFIG_MAX_POSTFIX_LOGS];
	unsigned int nr_files;
	struct pflog_journal *journal;
	char dir[CONFIG_PATH_LEN]; /* the journal's trusted directory */
	pflog_record_cb fn;
	void *ctx;
	struct pflog_counters c;
	uint64_t journal_entries; /* the journal's count, as last added */
	uint64_t warned_ns[CONFIG_MAX_POSTFIX_LOGS + 1];
};

static void pflog_deliver(struct pflog *p, const struct pflog_record *rec)
{
	p->c.records++;
	if (rec->event != PFLOG_NONE)
		p->c.events++;
	p->fn(rec, p->ctx);
}

static void pflog_on_line(const char *line, size_t len, void *ctx)
{
	struct pflog *p = ctx;
	struct pflog_record rec;

	p->c.lines++;
	if (pflog_parse_line(line, len, &rec) == 1)
		pflog_deliver(p, &rec);
}

static void pflog_on_record(const struct pflog_record *rec, void *ctx)
{
	pflog_deliver(ctx, rec);
}

static int pflog_watch(struct pflog *p, int fd, uint32_t index)
{
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = ((uint64_t)PFLOG_EPOLL_TAG << 32) | index,
	};

	if (epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	return 0;
}

int pflog_new(struct pflog **out, const struct config *cfg, int epoll_fd,
	      pflog_record_cb fn, void *ctx)
{
	struct pflog *p = calloc(1, sizeof(*p));
	int err = 0;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->epoll_fd = epoll_fd;
	p->fn = fn;
	p->ctx = ctx;
	snprintf(p->dir, sizeof(p->dir), "%s", cfg->postfix_dir);
	for (unsigned int i = 0; i < cfg->nr_postfix_logs && !err; i++) {
		err = pflog_file_open(cfg->postfix_log[i], &p->file[i]);
		if (err) {
			log_error("cannot follow the Postfix log %s: %s (is the "
				  "directory there and readable?)",
				  cfg->postfix_log[i], strerror(-err));
			break;
		}
		p->nr_files++;
		err = pflog_watch(p, pflog_file_fd(p->file[i]), i);
		if (err)
			log_error("cannot watch %s: %s", cfg->postfix_log[i],
				  strerror(-err));
	}
	if (!err && cfg->postfix_journal) {
		err = pflog_journal_open(cfg->postfix_dir, &p->journal);
		if (err)
			log_error("cannot read the systemd journal: %s (is "
				  "systemd-journald running, and may this "
				  "user read the system journal?)",
				  strerror(-err));
		else
			err = pflog_watch(p, pflog_journal_fd(p->journal),
					  PFLOG_JOURNAL_INDEX);
	}
	if (err) {
		pflog_free(p);
		return err;
	}
	*out = p;
	return 0;
}

void pflog_free(struct pflog *p)
{
	if (!p)
		return;
	for (unsigned int i = 0; i < p->nr_files; i++) {
		epoll_ctl(p->epoll_fd, EPOLL_CTL_DEL, pflog_file_fd(p->file[i]),
			  NULL);
		pflog_file_close(p->file[i]);
	}
	if (p->journal) {
		epoll_ctl(p->epoll_fd, EPOLL_CTL_DEL,
			  pflog_journal_fd(p->journal), NULL);
		pflog_journal_close(p->journal);
	}
	free(p);
}

/* A failed read: counted, warned about once a minute per source. */
static void pflog_read_failed(struct pflog *p, uint32_t index,
			      const char *what, int err)
{
	uint64_t now = kmap_now_ns();

	p->c.read_errors++;
	if (p->warned_ns[index] &&
	    now - p->warned_ns[index] < PFLOG_WARN_SECONDS * NS_PER_S)
		return;
	p->warned_ns[index] = now;
	log_warn("cannot read the Postfix log %s: %s; trying again", what,
		 strerror(-err));
}

void pflog_process(struct pflog *p, uint32_t index)
{
	int rc;

	if (index < p->nr_files) {
		rc = pflog_file_poll(p->file[index], pflog_on_line, p);
		if (rc < 0)
			pflog_read_failed(p, index,
					  pflog_file_path(p->file[index]), rc);
	} else if (index == PFLOG_JOURNAL_INDEX && p->journal) {
		struct pflog_journal_stats js;

		rc = pflog_journal_poll(p->journal, pflog_on_record, p);
		if (rc < 0)
			pflog_read_failed(p, index, "journal", rc);
		pflog_journal_stats(p->journal, &js);
		/* entries are the journal's lines; it counts them itself */
		p->c.lines += js.entries - p->journal_entries;
		p->journal_entries = js.entries;
		p->c.untrusted = js.untrusted;
	}
}

void pflog_tick(struct pflog *p)
{
	for (uint32_t i = 0; i < p->nr_files; i++)
		pflog_process(p, i);
	if (p->journal)
		pflog_process(p, PFLOG_JOURNAL_INDEX);
}

void pflog_counters(const struct pflog *p, struct pflog_counters *out)
{
	*out = p->c;
}

bool pflog_same_sources(const struct pflog *p, const struct config *cfg)
{
	if (p->nr_files != cfg->nr_postfix_logs ||
	    !p->journal != !cfg->postfix_journal ||
	    (p->journal && strcmp(p->dir, cfg->postfix_dir) != 0))
		return false;
	for (unsigned int i = 0; i < p->nr_files; i++)
		if (strcmp(pflog_file_path(p->file[i]), cfg->postfix_log[i]) != 0)
			return false;
	return true;
}
