/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * log.h - one way to report things, for the CLI and (later) the daemon.
 *
 * Contract: a failure is reported once, where it is detected, as
 * "PROG: what failed: on what: what to do".  Library-style modules (addr,
 * settings, ...) never log; they fill an error buffer for the caller.
 */
#ifndef MXS_LOG_H
#define MXS_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

/* progname prefixes every line; messages above max_level are dropped. */
void log_init(const char *progname, enum log_level max_level);
void log_set_level(enum log_level max_level);
/* From now on write to syslog (facility mail, ident with the pid), not
 * stderr: the daemon's lines then read like Postfix's. */
void log_to_syslog(const char *ident);
enum log_level log_get_level(void);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif /* MXS_LOG_H */
