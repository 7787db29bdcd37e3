// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * log.c - messages to stderr with the program's name in front.  Errors and
 * warnings say so; info and debug lines carry no label, as Postfix's
 * command-line tools do.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *log_progname = "mxscreen";
static enum log_level log_max_level = LOG_LEVEL_INFO;

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
	size_t len = strlen(fmt);

	if (level > log_max_level)
		return;
	fprintf(stderr, "%s: %s", log_progname, label[level]);
	vfprintf(stderr, fmt, ap);
	/* libbpf and libxdp messages end in a newline, ours do not */
	if (len == 0 || fmt[len - 1] != '\n')
		fputc('\n', stderr);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
