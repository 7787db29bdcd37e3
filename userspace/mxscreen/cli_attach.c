// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cli_attach.c - attach, detach and the run-time settings (observe, ports,
 * action).  Settings live in the pinned config and ports maps, so they
 * change without reloading the program and survive detach/attach.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lib/log.h"
#include "../../loader/loader.h"

static void cli_print_ports(const struct settings_ports *ports)
{
	char buf[SETTINGS_MAX_PORTS * 20];

	settings_format_ports(ports, buf, sizeof(buf));
	printf("ports: %s\n", buf[0] ? buf : "(none: nothing is screened)");
}

static int cli_set_ports(struct kmap *km, const struct settings_ports *ports)
{
	int err = kmap_ports_set(km, ports);

	if (err) {
		log_error("cannot write the ports map under %s: %s",
			  km->pin_path, strerror(-err));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

static int cli_set_action(struct kmap *km, enum mxs_action action)
{
	struct mxs_config cfg;
	int err = kmap_config_get(km, &cfg);

	if (!err) {
		cfg.action = action;
		err = kmap_config_set(km, &cfg);
	}
	if (err) {
		log_error("cannot write the config map under %s: %s",
			  km->pin_path, strerror(-err));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* After the first successful attach: defaults on fresh maps, then the
 * settings given on the command line. */
static int cli_attach_settings(const struct cli_args *a)
{
	struct kmap km;
	bool fresh;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	err = kmap_config_init(&km, &fresh);
	if (err) {
		log_error("cannot initialise the settings under %s: %s",
			  a->pin_path, strerror(-err));
		rc = CLI_EXIT_FAIL;
	}
	if (!rc && a->have_ports)
		rc = cli_set_ports(&km, &a->ports);
	if (!rc && a->have_action)
		rc = cli_set_action(&km, a->action);
	if (!rc && (fresh || a->have_ports)) {
		struct settings_ports ports;

		if (kmap_ports_get(&km, &ports) == 0)
			cli_print_ports(&ports);
	}
	kmap_close(&km);
	return rc;
}

int cli_cmd_attach(const struct cli_args *a)
{
	struct loader_opts opts = {
		.pin_path = a->pin_path,
		.mode = a->mode,
		.block4_max = a->sizes.block4,
		.block6_max = a->sizes.block6,
		.allow4_max = a->sizes.allow4,
		.allow6_max = a->sizes.allow6,
	};
	int rc = CLI_EXIT_OK, attached = 0;

	for (int i = 0; i < a->nr_ifaces; i++) {
		struct loader_iface res;
		bool already;

		if (loader_attach(a->ifaces[i], &opts, &res, &already)) {
			rc = CLI_EXIT_FAIL;
			continue;
		}
		attached++;
		printf("%s %s: %s mode, %s, program id %u\n",
		       already ? "already attached to" : "attached to",
		       res.name, settings_mode_name(res.mode),
		       res.dispatcher ? "libxdp dispatcher"
				      : "single program (libxdp fallback)",
		       res.prog_id);
	}
	/* Settings are global: apply them once any interface runs the
	 * program, even if another interface failed. */
	if (attached) {
		int src = cli_attach_settings(a);

		if (src)
			rc = src;
	}
	return rc;
}

int cli_cmd_detach(const struct cli_args *a)
{
	struct loader_iface ifs[256];
	size_t n = 0;
	int rc = CLI_EXIT_OK;

	if (a->all) {
		if (loader_find_attached(a->pin_path, ifs, 256, &n))
			return CLI_EXIT_FAIL;
		for (size_t i = 0; i < n; i++) {
			if (loader_detach(ifs[i].name, a->pin_path))
				rc = CLI_EXIT_FAIL;
			else
				printf("detached from %s\n", ifs[i].name);
		}
		if (n == 0)
			printf("not attached to any interface\n");
	} else {
		for (int i = 0; i < a->nr_ifaces; i++) {
			int err = loader_detach(a->ifaces[i], a->pin_path);

			if (err == -ENOENT) {
				log_error("cannot detach from %s: mxscreen is not attached there",
					  a->ifaces[i]);
				rc = CLI_EXIT_FAIL;
			} else if (err) {
				rc = CLI_EXIT_FAIL;
			} else {
				printf("detached from %s\n", a->ifaces[i]);
			}
		}
	}
	if (a->purge && rc == CLI_EXIT_OK) {
		if (loader_purge(a->pin_path))
			return CLI_EXIT_FAIL;
		printf("removed the maps under %s\n", a->pin_path);
	} else if (rc == CLI_EXIT_OK) {
		printf("maps kept under %s (entries survive; 'detach --all --purge' removes them)\n",
		       a->pin_path);
	}
	return rc;
}

int cli_cmd_ports(const struct cli_args *a)
{
	struct settings_ports ports;
	struct kmap km;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	if (a->have_ports)
		rc = cli_set_ports(&km, &a->ports);
	if (!rc) {
		err = kmap_ports_get(&km, &ports);
		if (err) {
			log_error("cannot read the ports map under %s: %s",
				  a->pin_path, strerror(-err));
			rc = CLI_EXIT_FAIL;
		} else {
			cli_print_ports(&ports);
		}
	}
	kmap_close(&km);
	return rc;
}

/*
 * The shape of observe, action and rate: read the config map, let edit
 * change it (it returns false when the command only shows), write it back,
 * print it.
 */
static int cli_config_command(const struct cli_args *a,
			      bool (*edit)(const struct cli_args *,
					   struct mxs_config *),
			      void (*print)(const struct mxs_config *))
{
	struct mxs_config cfg;
	struct kmap km;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	err = kmap_config_get(&km, &cfg);
	if (!err && edit(a, &cfg))
		err = kmap_config_set(&km, &cfg);
	if (err) {
		log_error("cannot access the config map under %s: %s",
			  a->pin_path, strerror(-err));
		rc = CLI_EXIT_FAIL;
	} else {
		print(&cfg);
	}
	kmap_close(&km);
	return rc;
}

static bool cli_edit_observe(const struct cli_args *a, struct mxs_config *cfg)
{
	if (a->observe < 0)
		return false;
	if (a->observe)
		cfg->flags |= MXS_CFG_OBSERVE;
	else
		cfg->flags &= ~MXS_CFG_OBSERVE;
	return true;
}

static void cli_print_observe(const struct mxs_config *cfg)
{
	printf("observe: %s%s\n", (cfg->flags & MXS_CFG_OBSERVE) ? "on" : "off",
	       (cfg->flags & MXS_CFG_OBSERVE)
		       ? " (nothing is refused; would-be refusals are counted)"
		       : "");
}

int cli_cmd_observe(const struct cli_args *a)
{
	return cli_config_command(a, cli_edit_observe, cli_print_observe);
}

static bool cli_edit_action(const struct cli_args *a, struct mxs_config *cfg)
{
	if (!a->have_action)
		return false;
	cfg->action = a->action;
	return true;
}

static void cli_print_action(const struct mxs_config *cfg)
{
	printf("action: %s\n", settings_action_name((enum mxs_action)cfg->action));
}

int cli_cmd_action(const struct cli_args *a)
{
	return cli_config_command(a, cli_edit_action, cli_print_action);
}

static void cli_print_rates(const struct mxs_config *cfg)
{
	char mx[48], sub[48];

	settings_format_rate(&cfg->syn_rate[MXS_CLASS_MX], mx, sizeof(mx));
	settings_format_rate(&cfg->syn_rate[MXS_CLASS_SUBMISSION], sub,
			     sizeof(sub));
	printf("rate mx:         %s\n",
	       cfg->syn_rate[MXS_CLASS_MX].emission_ns ? mx : "off");
	printf("rate submission: %s\n",
	       cfg->syn_rate[MXS_CLASS_SUBMISSION].emission_ns ? sub : "off");
	printf("(SYNs per source and port class: a burst of N, refilled N per period)\n");
	printf("rate prefix6:    /%u (IPv6 sources share a bucket per prefix)\n",
	       cfg->rate_prefix_v6 ? cfg->rate_prefix_v6
				   : MXS_DEFAULT_RATE_PREFIX_V6);
}

static bool cli_edit_rate(const struct cli_args *a, struct mxs_config *cfg)
{
	switch (a->rate_target) {
	case CLI_RATE_SHOW:
		return false;
	case CLI_RATE_MX:
		cfg->syn_rate[MXS_CLASS_MX] = a->rate;
		break;
	case CLI_RATE_SUBMISSION:
		cfg->syn_rate[MXS_CLASS_SUBMISSION] = a->rate;
		break;
	case CLI_RATE_PREFIX6:
		cfg->rate_prefix_v6 = a->rate_prefix6;
		break;
	}
	return true;
}

int cli_cmd_rate(const struct cli_args *a)
{
	return cli_config_command(a, cli_edit_rate, cli_print_rates);
}
