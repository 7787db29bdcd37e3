// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cli_export.c - mxscreen export: the live block entries of the chosen
 * reasons as an rbldnsd data file, on standard output or written
 * atomically to a file, for a fleet's shared DNSBL zone (docs/fleet.md).
 * mxscreend does the same every export_interval with export_file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "lib/export_file.h"
#include "lib/log.h"

int cli_cmd_export(const struct cli_args *a)
{
	char name[EXPORT_NAME_LEN], reasons[EXPORT_REASONS_STRLEN], what[256];
	bool to_stdout = !a->output || strcmp(a->output, "-") == 0;
	struct export_info info = {
		.ttl = a->have_ttl ? (uint32_t)a->ttl_seconds : EXPORT_TTL_DEFAULT,
		.reasons = a->reasons,
	};
	struct export_set set;
	struct kmap km;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	err = export_collect(&km, a->reasons, &set);
	kmap_close(&km);
	if (err) {
		log_error("cannot read the block lists under %s: %s", a->pin_path,
			  strerror(-err));
		return CLI_EXIT_FAIL;
	}
	if (a->name)
		snprintf(name, sizeof(name), "%s", a->name);
	else
		export_host_name(name, sizeof(name));
	info.name = name;
	info.now_unix = (uint64_t)time(NULL);
	info.loopback = set.loopback;
	if (set.loopback)
		log_warn("%zu block entries in 127.0.0.0/8 left out: a DNSBL that "
			 "lists 127.0.0.1 is not used by its clients (RFC 5782)",
			 set.loopback);

	if (to_stdout) {
		errno = 0;
		err = export_write(stdout, &info, set.v, set.n);
		if (!err && fflush(stdout))
			err = -EIO;
		if (err) {
			log_error("cannot write the export to standard output: %s",
				  strerror(errno ? errno : EIO));
			rc = CLI_EXIT_FAIL;
		}
	} else if (export_save(a->output, &info, &set, what, sizeof(what))) {
		log_error("cannot write the export file %s: %s", a->output, what);
		rc = CLI_EXIT_FAIL;
	} else {
		export_format_reasons(a->reasons, reasons, sizeof(reasons));
		printf("exported %zu block entries of reasons %s to %s\n", set.n,
		       reasons, a->output);
	}
	export_set_free(&set);
	return rc;
}
