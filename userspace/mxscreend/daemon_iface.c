// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon_iface.c - attaching the XDP screener to the configured interfaces
 * from mxscreend, as `mxscreen attach` does.
 *
 * The loader recognises our program by the config map pinned under the pin
 * path, so the daemon's attachments and the CLI's are the same thing: the
 * daemon and `mxscreen attach` can run in either order, and each finds the
 * other's work done.  The maps are pinned before (by the handshake module,
 * with loader_use_pins()), so the program attached here uses the very maps
 * the daemon and the CLI read and write.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "daemon_iface.h"
#include "lib/log.h"
#include "../../loader/loader.h"

/* Whether name is one of cfg's interfaces. */
static bool daemon_iface_listed(const struct config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->nr_interfaces; i++)
		if (strcmp(cfg->interfaces[i], name) == 0)
			return true;
	return false;
}

/* Attach to one interface; *attached says whether this call did it (false
 * when it was attached before).  Returns 0 or -errno (logged). */
static int daemon_iface_attach_one(struct kmap *km, const struct config *cfg,
				   const char *name, bool *attached)
{
	struct loader_opts opts = {
		.pin_path = km->pin_path,
		.mode = (enum settings_mode)cfg->xdp_mode,
	};
	struct loader_iface res;
	bool already;
	int err;

	*attached = false;
	err = loader_attach(name, &opts, &res, &already);
	if (err)
		return err;
	*attached = !already;
	if (!already) {
		log_info("attached to %s: %s mode, %s, program id %u", res.name,
			 settings_mode_name(res.mode),
			 res.dispatcher ? "libxdp dispatcher"
					: "single program (libxdp fallback)",
			 res.prog_id);
	} else if (opts.mode != SETTINGS_MODE_AUTO && opts.mode != res.mode) {
		log_info("%s: already attached in %s mode; xdp_mode = %s takes "
			 "effect at the next attach (mxscreen detach %s, then "
			 "reload)", res.name, settings_mode_name(res.mode),
			 settings_mode_name(opts.mode), res.name);
	} else {
		log_debug("%s: already attached (%s mode, program id %u)",
			  res.name, settings_mode_name(res.mode), res.prog_id);
	}
	return 0;
}

/* Fresh maps screen nothing until the default ports are written, as
 * `mxscreen attach` does after its first attach. */
static void daemon_iface_init_maps(struct kmap *km)
{
	bool fresh;
	int err = kmap_config_init(km, &fresh);

	if (err)
		log_warn("cannot initialise the settings under %s: %s; nothing "
			 "is screened until 'mxscreen ports 25,465,587'",
			 km->pin_path, strerror(-err));
	else if (fresh)
		log_info("new maps under %s: screening ports 25, 465 and 587",
			 km->pin_path);
}

static void daemon_iface_detach_one(const char *name, const char *pin_path,
				    const char *why)
{
	int err = loader_detach(name, pin_path);

	if (!err)
		log_info("detached from %s (%s); the maps and their entries stay",
			 name, why);
	else if (err == -ENOENT)
		log_info("%s: not attached (detached by hand?); nothing to "
			 "detach", name);
	/* other errors were logged by the loader */
}

int daemon_iface_start(struct kmap *km, const struct config *cfg)
{
	bool mine[CONFIG_MAX_INTERFACES] = { false };
	unsigned int failed = 0;
	int first_err = 0;

	for (unsigned int i = 0; i < cfg->nr_interfaces; i++) {
		int err = daemon_iface_attach_one(km, cfg, cfg->interfaces[i],
						  &mine[i]);

		if (err && !first_err)
			first_err = err;
		failed += err != 0;
	}
	if (!first_err) {
		if (cfg->nr_interfaces)
			daemon_iface_init_maps(km);
		return 0;
	}
	log_error("%u of %u interfaces in interfaces = cannot be attached "
		  "(see above): not started; fix the list or the interfaces",
		  failed, cfg->nr_interfaces);
	for (unsigned int i = 0; i < cfg->nr_interfaces; i++)
		if (mine[i] && cfg->detach_on_stop)
			daemon_iface_detach_one(cfg->interfaces[i], km->pin_path,
						"not started, detach_on_stop = yes");
	return first_err;
}

void daemon_iface_reload(struct kmap *km, const struct config *old,
			 const struct config *cfg)
{
	unsigned int attached = 0;

	for (unsigned int i = 0; i < cfg->nr_interfaces; i++) {
		bool mine;

		if (daemon_iface_attach_one(km, cfg, cfg->interfaces[i], &mine))
			log_warn("%s stays unscreened; the other interfaces go "
				 "on; fix interfaces = and reload",
				 cfg->interfaces[i]);
		else
			attached++;
	}
	if (attached)
		daemon_iface_init_maps(km);
	for (unsigned int i = 0; i < old->nr_interfaces; i++) {
		const char *name = old->interfaces[i];

		if (daemon_iface_listed(cfg, name))
			continue;
		if (cfg->detach_on_stop)
			daemon_iface_detach_one(name, km->pin_path,
						"no longer in interfaces");
		else
			log_info("%s is no longer in interfaces: left attached "
				 "(detach_on_stop = no); 'mxscreen detach %s' "
				 "detaches it", name, name);
	}
}

void daemon_iface_stop(const struct config *cfg, const char *pin_path)
{
	if (!cfg->detach_on_stop)
		return;
	for (unsigned int i = 0; i < cfg->nr_interfaces; i++)
		daemon_iface_detach_one(cfg->interfaces[i], pin_path,
					"detach_on_stop = yes");
}
