// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pflog_journal.c - Postfix's records from the systemd journal
 * (pflog_journal.h), through libsystemd's sd-journal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-journal.h>

#include "config.h"
#include "pflog_journal.h"

struct pflog_journal {
	sd_journal *j;
	char dir[CONFIG_PATH_LEN]; /* trusted: programs directly in it */
	size_t dir_len;
	struct pflog_journal_stats st;
};

int pflog_journal_open(const char *daemon_dir, struct pflog_journal **out)
{
	struct pflog_journal *pj;
	size_t len = strlen(daemon_dir);
	int rc;

	*out = NULL;
	while (len > 1 && daemon_dir[len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof(pj->dir))
		return -EINVAL;
	pj = calloc(1, sizeof(*pj));
	if (!pj)
		return -ENOMEM;
	memcpy(pj->dir, daemon_dir, len);
	pj->dir_len = len;
	/* the system's journal (Postfix runs as a system service), local
	 * only: a remote host's entries say nothing about this server */
	rc = sd_journal_open(&pj->j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (rc >= 0)
		rc = sd_journal_seek_tail(pj->j);
	/* seek_tail stands after the last entry only once the cursor has
	 * moved: one step back, so that next() returns what comes after */
	if (rc >= 0)
		rc = sd_journal_previous(pj->j);
	if (rc >= 0)
		rc = sd_journal_get_fd(pj->j);
	if (rc < 0) {
		pflog_journal_close(pj);
		return rc;
	}
	*out = pj;
	return 0;
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

/* A field's value (after "NAME="), or NULL. */
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

/* Whether the entry's _EXE lies directly in the trusted directory. */
static bool pflog_journal_trusted(const struct pflog_journal *pj)
{
	size_t len;
	const char *exe = pflog_journal_field(pj->j, "_EXE", &len);

	if (!exe || len <= pj->dir_len + 1 ||
	    memcmp(exe, pj->dir, pj->dir_len) != 0 || exe[pj->dir_len] != '/')
		return false;
	return memchr(exe + pj->dir_len + 1, '/', len - pj->dir_len - 1) == NULL;
}

int pflog_journal_poll(struct pflog_journal *pj, pflog_record_fn fn, void *ctx)
{
	int records = 0, rc;

	sd_journal_process(pj->j);
	while ((rc = sd_journal_next(pj->j)) > 0) {
		char ident[2 * PFLOG_NAME_MAX];
		const char *id, *msg;
		size_t id_len, msg_len;
		struct pflog_record rec;

		pj->st.entries++;
		id = pflog_journal_field(pj->j, "SYSLOG_IDENTIFIER", &id_len);
		if (!id || id_len < 7 || memcmp(id, "postfix", 7) != 0 ||
		    id_len >= sizeof(ident))
			continue;
		if (!pflog_journal_trusted(pj)) {
			pj->st.untrusted++;
			continue;
		}
		msg = pflog_journal_field(pj->j, "MESSAGE", &msg_len);
		if (!msg)
			continue;
		memcpy(ident, id, id_len);
		ident[id_len] = '\0';
		if (pflog_parse_message(ident, msg, msg_len, &rec) == 1) {
			pj->st.postfix++;
			records++;
			fn(&rec, ctx);
		}
	}
	return rc < 0 ? rc : records;
}
