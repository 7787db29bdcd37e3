/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * errbuf.h - the error buffers that parsers fill instead of printing: the
 * caller knows whether the message goes to a terminal or names a config
 * file and line.
 */
#ifndef MXS_ERRBUF_H
#define MXS_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Format into err (which may be NULL or empty: then nothing happens);
 * always NUL-terminates, truncating if needed. */
void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void errbuf_vset(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif /* MXS_ERRBUF_H */
