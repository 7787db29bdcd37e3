// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pflog_journal.c - Postfix's records from the systemd journal
 * (pflog_journal.h), through libsystemd's sd-journal.
 *
 * State: the sd-journal handle, positioned after the last entry read,
 * and the trusted directory.  sd-journal keeps that position across
 * rotations, a flush from /run to /var and files that come and go; it
 * reads its files through mmap, so nothing here waits on a peer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <pwd.h>
#include <sys/types.h>

#include <systemd/sd-journal.h>

#include "pflog_journal.h"

/* SYSLOG_IDENTIFIER of a Postfix program: "SYSLOG_NAME/PROGRAM", each
 * part shorter than PFLOG_NAME_MAX; a longer one is not Postfix's. */
#define PFLOG_JOURNAL_IDENT_MAX (2 * PFLOG_NAME_MAX)

/* Postfix's mail_owner on Debian (main.cf mail_owner) */
#define PFLOG_JOURNAL_OWNER "postfix"

struct pflog_journal {
	sd_journal *j;
	struct pflog_journal_stats st;
	uid_t owner;    /* Postfix's mail_owner ("postfix"); 0 if unknown */
	size_t dir_len; /* without trailing '/': 0 for "/" */
	char dir[];	/* the trusted directory */
};

int pflog_journal_open(const char *daemon_dir, struct pflog_journal **out)
{
	struct pflog_journal *pj;
	size_t len = strlen(daemon_dir);
	int rc;

	*out = NULL;
	/* _EXE is always absolute: a relative directory would trust
	 * nothing, and silently */
	if (daemon_dir[0] != '/')
		return -EINVAL;
	while (len > 0 && daemon_dir[len - 1] == '/')
		len--;
	pj = calloc(1, sizeof(*pj) + len + 1);
	if (!pj)
		return -ENOMEM;
	memcpy(pj->dir, daemon_dir, len);
	pj->dir_len = len;
	{
		/* Postfix's daemons run as root (master) or as its mail_owner,
		 * Debian's "postfix" */
		const struct passwd *pw = getpwnam(PFLOG_JOURNAL_OWNER);

		pj->owner = pw ? pw->pw_uid : 0;
	}
	/*
	 * Local only: another host's entries (journal-remote) say nothing
	 * about this server.  System only: Postfix runs as root and its
	 * mail_owner, system users whose entries journald writes to the
	 * system journal.  A login user's own files (user-UID.journal, once
	 * the journal is in /var) hold only what that user's processes
	 * sent, never the running Postfix's: they are not even opened.
	 */
	rc = sd_journal_open(&pj->j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (rc < 0) {
		pj->j = NULL;
		goto fail;
	}
	/* the inotify watches before the position: a file created from
	 * here on is seen */
	rc = sd_journal_get_fd(pj->j);
	if (rc < 0)
		goto fail;
	/* seek_tail() stands after the last entry only once the cursor has
	 * moved: one step back, so that next() returns what comes after it
	 * (in an empty journal, previous() returns 0 and next() the first
	 * entry written) */
	rc = sd_journal_seek_tail(pj->j);
	if (rc >= 0)
		rc = sd_journal_previous(pj->j);
	if (rc < 0)
		goto fail;
	*out = pj;
	return 0;
fail:
	pflog_journal_close(pj);
	return rc;
}

void pflog_journal_close(struct pflog_journal *pj)
{
	if (!pj)
		return;
	if (pj->j)
		sd_journal_close(pj->j);
	free(pj);
}

int pflog_journal_fd(const struct pflog_journal *pj)
{
	return sd_journal_get_fd(pj->j);
}

void pflog_journal_stats(const struct pflog_journal *pj,
			 struct pflog_journal_stats *out)
{
	*out = pj->st;
}

/* The current entry's field NAME: its value (after "NAME=") and length,
 * or NULL when the entry has none. */
static const char *pflog_journal_field(sd_journal *j, const char *name,
				       size_t *len)
{
	size_t nlen = strlen(name);
	const void *data;
	size_t n;

	if (sd_journal_get_data(j, name, &data, &n) < 0 || n <= nlen)
		return NULL;
	*len = n - nlen - 1;
	return (const char *)data + nlen + 1;
}

/*
 * Whether the current entry's _EXE is a program directly in the trusted
 * directory: "DIR/NAME" with no '/' in NAME.  journald sets _EXE from
 * /proc/PID/exe of the sender (with " (deleted)" cut off after an
 * upgrade); a sender cannot choose it, a field it sends named _EXE is
 * dropped.  Not a subdirectory: a program there is not one of Postfix's
 * daemons.  _EXE names the program, not who ran it: any local user can
 * start /usr/lib/postfix/sbin/smtpd by hand, with a configuration of its
 * own, and make it log any address.  So _UID (also set by journald) must
 * be root or Postfix's mail owner, as for the running Postfix.
 */
static bool pflog_journal_trusted(const struct pflog_journal *pj)
{
	size_t len, d = pj->dir_len;
	const char *exe = pflog_journal_field(pj->j, "_EXE", &len);

	const char *uid;
	size_t uid_len;
	char num[16];
	unsigned long u;
	char *end;

	if (!exe || len <= d + 1 || memcmp(exe, pj->dir, d) != 0 ||
	    exe[d] != '/')
		return false;
	if (memchr(exe + d + 1, '/', len - d - 1) != NULL ||
	    memchr(exe, '\0', len) != NULL)
		return false;
	uid = pflog_journal_field(pj->j, "_UID", &uid_len);
	if (!uid || uid_len == 0 || uid_len >= sizeof(num))
		return false;
	memcpy(num, uid, uid_len);
	num[uid_len] = '\0';
	errno = 0;
	u = strtoul(num, &end, 10);
	if (errno || *end || num[0] < '0' || num[0] > '9')
		return false;
	return u == 0 || (pj->owner != 0 && u == (unsigned long)pj->owner);
}

int pflog_journal_poll(struct pflog_journal *pj, pflog_record_fn fn, void *ctx)
{
	int records = 0, rc;

	/*
	 * Drain the inotify descriptor.  SD_JOURNAL_APPEND: entries were
	 * written; SD_JOURNAL_INVALIDATE: files were added or removed
	 * (rotation, the flush to /var, vacuuming), which sd-journal has
	 * already taken in: the position stays, so reading on is right
	 * for both.
	 */
	rc = sd_journal_process(pj->j);
	if (rc < 0)
		return rc;
	while ((rc = sd_journal_next(pj->j)) > 0) {
		char ident[PFLOG_JOURNAL_IDENT_MAX];
		const char *id, *msg;
		size_t id_len, msg_len;
		struct pflog_record rec;

		pj->st.entries++;
		/* the cheap test first: most entries are not Postfix's */
		id = pflog_journal_field(pj->j, "SYSLOG_IDENTIFIER", &id_len);
		if (!id || id_len < 7 || memcmp(id, "postfix", 7) != 0)
			continue;
		if (!pflog_journal_trusted(pj)) {
			pj->st.untrusted++;
			continue;
		}
		msg = pflog_journal_field(pj->j, "MESSAGE", &msg_len);
		if (!msg || id_len >= sizeof(ident) || memchr(id, '\0', id_len))
			continue;
		memcpy(ident, id, id_len);
		ident[id_len] = '\0';
		if (pflog_parse_message(ident, msg, msg_len, &rec) != 1)
			continue;
		pj->st.postfix++;
		records++;
		fn(&rec, ctx);
	}
	return rc < 0 ? rc : records;
}
