/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cli.h - the mxscreen commands, one function each, called by main() with
 * already-parsed arguments.  Each returns a CLI_EXIT_* status and has
 * printed its own messages.
 */
#ifndef MXS_CLI_H
#define MXS_CLI_H

#include "cli_args.h"
#include "lib/kmap.h"

/* cli_attach.c */
int cli_cmd_attach(const struct cli_args *a);
int cli_cmd_detach(const struct cli_args *a);
int cli_cmd_observe(const struct cli_args *a);
int cli_cmd_ports(const struct cli_args *a);
int cli_cmd_action(const struct cli_args *a);
int cli_cmd_rate(const struct cli_args *a);

/* cli_lists.c */
int cli_cmd_block_allow(const struct cli_args *a);
int cli_cmd_unblock_unallow(const struct cli_args *a);
int cli_cmd_list(const struct cli_args *a);
int cli_cmd_check(const struct cli_args *a);
int cli_cmd_flush(const struct cli_args *a);
int cli_cmd_load(const struct cli_args *a);

/* cli_info.c */
int cli_cmd_status(const struct cli_args *a);
int cli_cmd_stats(const struct cli_args *a);

/* cli_export.c */
int cli_cmd_export(const struct cli_args *a);

/* cli_account.c: the policy service's logins */
int cli_cmd_account(const struct cli_args *a);

/* cli_daemon.c: mxscreend as the maps show it */
struct json_writer;
void cli_daemon_status_text(struct kmap *km);
void cli_daemon_status_json(struct kmap *km, struct json_writer *jw);
void cli_daemon_check_text(struct kmap *km, const struct addr_cidr *ip);
void cli_daemon_check_json(struct kmap *km, struct json_writer *jw,
			   const struct addr_cidr *ip);

/* cli.c: open the pinned maps or say why not (not attached, not root). */
int cli_open_maps(const struct cli_args *a, struct kmap *km);

/* Name of a list for messages: "block" or "allow". */
const char *cli_list_name(int list);

#endif /* MXS_CLI_H */
