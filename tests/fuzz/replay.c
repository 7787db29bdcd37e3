// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * replay.c - main() for a fuzz target without libFuzzer: runs every file
 * named on the command line, and every regular file in every directory
 * named (not recursively, in name order), through LLVMFuzzerTestOneInput()
 * once.  `make test-fuzz` uses it to replay the corpus and the regression
 * inputs under ASan and UBSan; a crash or a violated invariant aborts and
 * names the file.  A directory that does not exist is skipped (a target
 * may have no regressions yet).
 *
 *   build/fuzz/replay/fuzz_addr tests/fuzz/corpus/addr crash-1234
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

const char *fuzz_replay_name;

/* The name of the input being run when a sanitizer reports. */
void __sanitizer_set_death_callback(void (*callback)(void));

static void replay_died(void)
{
	if (fuzz_replay_name)
		fprintf(stderr, "input: %s\n", fuzz_replay_name);
}

/* Reads path whole and runs it.  0, or -errno with a message. */
static int replay_file(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: cannot open %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *b;

			cap = cap ? 2 * cap : 4096;
			b = realloc(buf, cap);
			if (!b) {
				fprintf(stderr, "replay: %s: out of memory\n",
					path);
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = b;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	/* an exact copy: ASan sees a read one byte past the input */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -ENOMEM;
		}
		memcpy(exact, buf, len);
		free(buf);
		fuzz_replay_name = path;
		LLVMFuzzerTestOneInput(exact, len);
		fuzz_replay_name = NULL;
		free(exact);
	}
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	unsigned long runs = 0;
	int i, fail = 0;

	__sanitizer_set_death_callback(replay_died);
	for (i = 1; i < argc; i++) {
		struct dirent **names;
		struct stat st;
		int n, j;

		if (stat(argv[i], &st)) {
			if (errno == ENOENT)
				continue;
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			fail = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			fail |= replay_file(argv[i]) != 0;
			runs++;
			continue;
		}
		n = scandir(argv[i], &names, NULL, by_name);
		if (n < 0) {
			fprintf(stderr, "replay: cannot list %s: %s\n",
				argv[i], strerror(errno));
			fail = 1;
			continue;
		}
		for (j = 0; j < n; j++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i],
				 names[j]->d_name);
			if (names[j]->d_name[0] != '.' &&
			    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				fail |= replay_file(path) != 0;
				runs++;
			}
			free(names[j]);
		}
		free(names);
	}
	printf("%s: %lu inputs replayed%s\n", argv[0], runs,
	       fail ? ", some could not be read" : "");
	return fail;
}
