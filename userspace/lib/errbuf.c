// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* errbuf.c - see errbuf.h. */
#include <stdio.h>

#include "errbuf.h"

void errbuf_vset(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (!err || !errlen)
		return;
	vsnprintf(err, errlen, fmt, ap);
}

void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(err, errlen, fmt, ap);
	va_end(ap);
}
