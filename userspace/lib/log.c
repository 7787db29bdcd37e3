// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * log.c - messages to stderr with the program's name in front, or to
 * syslog (facility mail) for the daemon.  Errors and warnings say so; info
 * and debug lines carry no label, as Postfix's programs do.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char *log_progname = "mxscreen";
static enum log_level log_max_level = LOG_LEVEL_INFO;
static bool log_syslog;

void log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
	log_syslog = true;
}

void log_init(const char *progname, enum log_level max_level)
{
	const char *slash = strrchr(progname, '/');

	log_progname = slash ? slash + 1 : progname;
	log_max_level = max_level;
}

void log_set_level(enum log_level max_level)
{
	log_max_level = max_level;
}

enum log_level log_get_level(void)
{
	return log_max_level;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const label[] = {
		[LOG_LEVEL_ERROR] = "error: ",
		[LOG_LEVEL_WARN] = "warning: ",
		[LOG_LEVEL_INFO] = "",
		[LOG_LEVEL_DEBUG] = "debug: ",
	};
	static const int priority[] = {
		[LOG_LEVEL_ERROR] = LOG_ERR,
		[LOG_LEVEL_WARN] = LOG_WARNING,
		[LOG_LEVEL_INFO] = LOG_INFO,
		[LOG_LEVEL_DEBUG] = LOG_DEBUG,
	};
	char line[1024];
	size_t len;

	if (level > log_max_level)
		return;
	/* libbpf and libxdp messages end in a newline, ours do not */
	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	if (log_syslog) {
		syslog(priority[level], "%s%s", label[level], line);
		return;
	}
	/* one fprintf: glibc writes it to unbuffered stderr in one call, so
	 * a daemon logging every verdict pays one write per line */
	fprintf(stderr, "%s: %s%s\n", log_progname, label[level], line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
