/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon_state.h - mxscreend's state file: its dynamic verdicts (block
 * and allow entries of reason dnsbl or rate) and the rate offence memory,
 * saved with wall-clock times so that they survive a restart of the
 * daemon and a reboot (which empties the kernel maps).  The format is in
 * state.h.
 *
 * Contract: both functions log what they do and what fails, and never
 * fail the daemon: a state file that cannot be read or written costs the
 * verdicts it would have kept, nothing else.
 */
#ifndef MXS_DAEMON_STATE_H
#define MXS_DAEMON_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/kmap.h"

/* Write the file atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync the directory.  The file records
 * pin_path (the instance line); a file that records another pin path is
 * not overwritten (-EEXIST, warned about once).  Returns 0 or -errno
 * (logged). */
int daemon_state_save(struct kmap *km, const char *path, const char *pin_path);

/* Load the file into fresh maps: entries that have expired, offences
 * older than ban_memory_s, and entries where the maps already hold one
 * (of any reason) are skipped.  A missing file is normal (first start);
 * a bad line is reported as "FILE:LINE: what is wrong" and skipped.  A
 * file that records another pin path restores nothing (warned). */
void daemon_state_restore(struct kmap *km, const char *path,
			  const char *pin_path, uint64_t ban_memory_s);

/* The pin path a state file records: 1 with it in owner, 0 when the
 * file does not exist or records none, or -errno. */
int daemon_state_owner(const char *path, char *owner, size_t len);

#endif /* MXS_DAEMON_STATE_H */
