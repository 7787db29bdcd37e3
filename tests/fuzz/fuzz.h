/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * fuzz.h - what every fuzz target shares.
 *
 * A target is one file tests/fuzz/fuzz_NAME.c defining
 * LLVMFuzzerTestOneInput().  It is built twice: with libFuzzer
 * (build/fuzz/fuzz_NAME, `make fuzz`) and with replay.c's main()
 * (build/fuzz/replay/fuzz_NAME, `make test-fuzz`), which runs the stored
 * corpus and regression inputs through it.  Both builds have ASan and
 * UBSan.  A target states its invariants in a comment at the top and
 * checks them with FUZZ_CHECK(), which aborts: a violated invariant is a
 * crash like any other, and libFuzzer keeps the input.
 */
#ifndef MXS_FUZZ_H
#define MXS_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set by replay.c to the file being replayed (absent under libFuzzer,
 * which names the input itself). */
extern const char *fuzz_replay_name __attribute__((weak));

static void fuzz_fail(const char *file, int line, const char *cond,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5), noreturn, unused));

static void fuzz_fail(const char *file, int line, const char *cond,
		      const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: invariant violated: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (&fuzz_replay_name && fuzz_replay_name)
		fprintf(stderr, "input: %s\n", fuzz_replay_name);
	abort();
}

/* Abort with a message when an invariant does not hold. */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);     \
	} while (0)

/* The input as a NUL-terminated string (cut at its first NUL byte, as C
 * string handling would).  Free with free(). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Whether s is NUL-terminated within cap bytes and holds only printable
 * ASCII: what may reach a terminal or a log from untrusted text. */
static inline int fuzz_printable(const char *s, size_t cap)
{
	size_t i;

	for (i = 0; i < cap && s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return i < cap;
}

/* Whether s is NUL-terminated within cap bytes. */
static inline int fuzz_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

#endif /* MXS_FUZZ_H */
