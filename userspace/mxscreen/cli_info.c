// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cli_info.c - status (where the screener runs, with which settings and how
 * full its maps are) and stats (the kernel's counters, once or as rates).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/stats.h"
#include "../../loader/loader.h"

#define CLI_MAX_STATUS_IFACES 256

static const char *const cli_fill_names[2][2][2] = {
	{ { MXS_MAP_ALLOW4_HOST, MXS_MAP_ALLOW4_NET },
	  { MXS_MAP_ALLOW6_HOST, MXS_MAP_ALLOW6_NET } },
	{ { MXS_MAP_BLOCK4_HOST, MXS_MAP_BLOCK4_NET },
	  { MXS_MAP_BLOCK6_HOST, MXS_MAP_BLOCK6_NET } },
};

struct cli_fill {
	uint32_t used, capacity;
};

static void cli_status_json(const struct cli_args *a, struct kmap *km,
			    const struct loader_iface *ifs, size_t n, bool maps,
			    const struct mxs_config *cfg,
			    const struct settings_ports *ports,
			    struct cli_fill fill[2][2][2])
{
	char buf[SETTINGS_MAX_PORTS * 20];
	struct json_writer jw;

	json_init(&jw, stdout);
	json_object_begin(&jw);
	json_key(&jw, "pin_path");
	json_string(&jw, a->pin_path);
	json_key(&jw, "interfaces");
	json_array_begin(&jw);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(&jw);
		json_key(&jw, "name");
		json_string(&jw, ifs[i].name);
		json_key(&jw, "ifindex");
		json_uint(&jw, ifs[i].ifindex);
		json_key(&jw, "mode");
		json_string(&jw, settings_mode_name(ifs[i].mode));
		json_key(&jw, "program_id");
		json_uint(&jw, ifs[i].prog_id);
		json_key(&jw, "attach");
		json_string(&jw, ifs[i].dispatcher ? "dispatcher" : "single");
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_key(&jw, "maps");
	if (!maps) {
		json_null(&jw);
	} else {
		json_object_begin(&jw);
		for (int l = 0; l < 2; l++)
			for (int f = 0; f < 2; f++)
				for (int k = 0; k < 2; k++) {
					json_key(&jw, cli_fill_names[l][f][k]);
					json_object_begin(&jw);
					json_key(&jw, "entries");
					json_uint(&jw, fill[l][f][k].used);
					json_key(&jw, "capacity");
					json_uint(&jw, fill[l][f][k].capacity);
					json_object_end(&jw);
				}
		json_object_end(&jw);
		json_key(&jw, "settings");
		json_object_begin(&jw);
		json_key(&jw, "action");
		json_string(&jw, settings_action_name((enum mxs_action)cfg->action));
		json_key(&jw, "observe");
		json_bool(&jw, cfg->flags & MXS_CFG_OBSERVE);
		json_key(&jw, "ports");
		settings_format_ports(ports, buf, sizeof(buf));
		json_string(&jw, buf);
		for (int c = 0; c < MXS_NR_CLASSES; c++) {
			char r[SETTINGS_RATE_STRLEN], key[32];

			settings_format_rate(&cfg->syn_rate[c], r, sizeof(r));
			snprintf(key, sizeof(key), "rate_%s",
				 settings_class_name((enum mxs_class)c));
			json_key(&jw, key);
			json_string(&jw, r);
		}
		json_key(&jw, "rate_prefix_v6");
		json_uint(&jw, cfg->rate_prefix_v6 ? cfg->rate_prefix_v6
						   : MXS_DEFAULT_RATE_PREFIX_V6);
		json_object_end(&jw);
		cli_daemon_status_json(km, &jw);
	}
	json_object_end(&jw);
	json_end_document(&jw);
}

static void cli_status_text(const struct cli_args *a, struct kmap *km,
			    const struct loader_iface *ifs, size_t n, bool maps,
			    const struct mxs_config *cfg,
			    const struct settings_ports *ports,
			    struct cli_fill fill[2][2][2])
{
	char buf[SETTINGS_MAX_PORTS * 20];

	printf("pin path:   %s\n", a->pin_path);
	if (n == 0)
		printf("interfaces: none\n");
	for (size_t i = 0; i < n; i++)
		printf("%s %-12s %-6s program id %-6u %s\n",
		       i ? "           " : "interfaces:", ifs[i].name,
		       settings_mode_name(ifs[i].mode), ifs[i].prog_id,
		       ifs[i].dispatcher ? "libxdp dispatcher"
					 : "single program (libxdp fallback)");
	if (!maps) {
		printf("maps:       none (nothing attached since the last purge)\n");
		return;
	}
	settings_format_ports(ports, buf, sizeof(buf));
	printf("action:     %s\n",
	       settings_action_name((enum mxs_action)cfg->action));
	printf("observe:    %s\n", (cfg->flags & MXS_CFG_OBSERVE) ? "on" : "off");
	printf("ports:      %s\n", buf[0] ? buf : "(none)");
	{
		char mx[SETTINGS_RATE_STRLEN], sub[SETTINGS_RATE_STRLEN];

		settings_format_rate(&cfg->syn_rate[MXS_CLASS_MX], mx, sizeof(mx));
		settings_format_rate(&cfg->syn_rate[MXS_CLASS_SUBMISSION], sub,
				     sizeof(sub));
		printf("rate:       mx %s, submission %s (SYNs per source; IPv6 per /%u)\n",
		       cfg->syn_rate[MXS_CLASS_MX].emission_ns ? mx : "off",
		       cfg->syn_rate[MXS_CLASS_SUBMISSION].emission_ns ? sub : "off",
		       cfg->rate_prefix_v6 ? cfg->rate_prefix_v6
					   : MXS_DEFAULT_RATE_PREFIX_V6);
	}
	printf("maps:       %-12s %10s %10s %6s\n", "", "entries", "capacity",
	       "fill");
	for (int l = 0; l < 2; l++)
		for (int f = 0; f < 2; f++)
			for (int k = 0; k < 2; k++) {
				const struct cli_fill *fl = &fill[l][f][k];

				printf("            %-12s %10u %10u %5.1f%%\n",
				       cli_fill_names[l][f][k], fl->used,
				       fl->capacity,
				       fl->capacity ? 100.0 * fl->used / fl->capacity
						    : 0.0);
			}
	cli_daemon_status_text(km);
}

int cli_cmd_status(const struct cli_args *a)
{
	static struct loader_iface ifs[CLI_MAX_STATUS_IFACES];
	struct cli_fill fill[2][2][2];
	struct settings_ports ports = { 0 };
	struct mxs_config cfg = { 0 };
	struct kmap km;
	bool maps;
	size_t n = 0;
	int err;

	if (loader_find_attached(a->pin_path, ifs, CLI_MAX_STATUS_IFACES, &n))
		return CLI_EXIT_FAIL;
	err = kmap_open(&km, a->pin_path);
	maps = err == 0;
	if (err && err != -ENOENT) {
		log_error("cannot open the maps under %s: %s", a->pin_path,
			  strerror(-err));
		return CLI_EXIT_FAIL;
	}
	if (maps) {
		err = kmap_config_get(&km, &cfg);
		if (!err)
			err = kmap_ports_get(&km, &ports);
		for (int l = 0; l < 2 && !err; l++)
			for (int f = 0; f < 2 && !err; f++)
				for (int k = 0; k < 2 && !err; k++)
					err = kmap_fill(&km, l + 1, f,
							(enum kmap_kind)k,
							&fill[l][f][k].used,
							&fill[l][f][k].capacity);
		if (err) {
			kmap_close(&km);
			log_error("cannot read the maps under %s: %s",
				  a->pin_path, strerror(-err));
			return CLI_EXIT_FAIL;
		}
	}
	if (a->json)
		cli_status_json(a, &km, ifs, n, maps, &cfg, &ports, fill);
	else
		cli_status_text(a, &km, ifs, n, maps, &cfg, &ports, fill);
	if (maps)
		kmap_close(&km);
	return CLI_EXIT_OK;
}

/* Everything a node-exporter textfile wants, exactly as mxscreend's
 * prometheus_file has it (metrics.c). */
static int cli_prometheus(struct kmap *km)
{
	int err = metrics_write(km, stdout);

	fflush(stdout);
	return err;
}

static volatile sig_atomic_t cli_stop;

static void cli_on_signal(int sig)
{
	cli_stop = 1;
}

static double cli_now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_cmd_stats(const struct cli_args *a)
{
	struct mxs_stats prev, cur;
	struct kmap km;
	double t_prev, t_cur;
	int rc = cli_open_maps(a, &km), err;

	if (rc)
		return rc;
	err = kmap_stats_read(&km, &cur);
	if (err)
		goto fail;
	if (!a->watch_seconds) {
		if (a->json)
			stats_print_json(stdout, &cur);
		else if (a->prometheus)
			err = cli_prometheus(&km);
		else
			stats_print_text(stdout, &cur);
		if (err)
			goto fail;
		kmap_close(&km);
		return CLI_EXIT_OK;
	}

	signal(SIGINT, cli_on_signal);
	signal(SIGTERM, cli_on_signal);
	t_cur = cli_now_seconds();
	while (!cli_stop) {
		prev = cur;
		t_prev = t_cur;
		sleep(a->watch_seconds);
		if (cli_stop)
			break;
		err = kmap_stats_read(&km, &cur);
		if (err)
			goto fail;
		t_cur = cli_now_seconds();
		if (a->json) {
			stats_print_json(stdout, &cur);
		} else if (a->prometheus) {
			err = cli_prometheus(&km);
			if (err)
				goto fail;
		} else {
			time_t now = time(NULL);
			char when[32];

			strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
			printf("--- %s, per second over %.1fs\n", when,
			       t_cur - t_prev);
			stats_print_rates(stdout, &prev, &cur, t_cur - t_prev);
		}
		fflush(stdout);
	}
	kmap_close(&km);
	return CLI_EXIT_OK;
fail:
	log_error("cannot read the maps under %s: %s", a->pin_path,
		  strerror(-err));
	kmap_close(&km);
	return CLI_EXIT_FAIL;
}
