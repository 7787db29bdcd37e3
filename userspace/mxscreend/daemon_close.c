// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon_close.c - the daemon's side of ending banned sources'
 * connections (daemon_close.h): one sockclose per daemon, a batch of
 * bans with their log lines, one walk per round of the event loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "daemon_close.h"
#include "lib/log.h"
#include "lib/sockclose.h"

#define NS_PER_S 1000000000ull

static bool daemon_close_wanted(const struct daemon *d)
{
	return d->cfg.close_connections && !d->cfg.observe;
}

static bool daemon_close_screener_observes(struct daemon *d)
{
	struct mxs_config kcfg;

	return kmap_config_get(&d->km, &kcfg) == 0 &&
	       (kcfg.flags & MXS_CFG_OBSERVE);
}

void daemon_close_start(struct daemon *d)
{
	struct daemon_close *c = &d->close;
	char why[300];
	int err;

	/* struct daemon is not zeroed by its owner: every field here is */
	*c = (struct daemon_close){ 0 };
	d->status.close_mechanism = MXS_CLOSE_OFF;
	if (!daemon_close_wanted(d))
		return;
	c->ban = calloc(DAEMON_CLOSE_BATCH, sizeof(*c->ban));
	err = c->ban ? sockclose_open(d->km.ports_fd, &c->sc, why, sizeof(why))
		     : -ENOMEM;
	if (err) {
		log_warn("cannot set up the ending of banned sources' "
			 "connections: %s; bans stop new connections only",
			 err == -EINVAL ? "bad " SOCKCLOSE_ENV
					: strerror(-err));
		free(c->ban);
		c->ban = NULL;
		d->status.close_mechanism = MXS_CLOSE_UNAVAILABLE;
		return;
	}
	d->status.close_mechanism = sockclose_mechanism(c->sc);
	switch (d->status.close_mechanism) {
	case MXS_CLOSE_BPF_ITER:
		log_info("close_connections: a ban ends the source's open "
			 "connections (bpf_sock_destroy)");
		break;
	case MXS_CLOSE_SOCK_DIAG:
		log_info("close_connections: a ban ends the source's open "
			 "connections (sock_diag; not bpf_sock_destroy: %s)",
			 why);
		break;
	default:
		log_warn("close_connections: cannot end open connections here "
			 "(%s); bans stop new connections only",
			 why);
		sockclose_free(c->sc);
		c->sc = NULL;
		free(c->ban);
		c->ban = NULL;
		break;
	}
}

void daemon_close_stop(struct daemon *d)
{
	struct daemon_close *c = &d->close;

	daemon_close_flush(d);
	sockclose_free(c->sc);
	free(c->ban);
	*c = (struct daemon_close){0};
	d->status.close_mechanism = MXS_CLOSE_OFF;
}

void daemon_close_reload(struct daemon *d)
{
	/* on a reload that keeps closing on where no mechanism worked,
	 * trying again costs little and says again why */
	if (daemon_close_wanted(d) == (d->close.sc != NULL))
		return;
	daemon_close_stop(d);
	daemon_close_start(d);
}

void daemon_close_ban(struct daemon *d, const struct addr_cidr *cidr,
		      uint8_t classes, const char *line)
{
	struct daemon_close *c = &d->close;
	int idx;

	/* the screener in observe mode (mxscreen observe on) refuses
	 * nothing, so a ban ends nothing either */
	if (!c->sc || daemon_close_screener_observes(d)) {
		log_info("%s", line);
		return;
	}
	if (c->n == DAEMON_CLOSE_BATCH)
		daemon_close_flush(d);
	idx = sockclose_add_ban(c->sc, &d->km, cidr, classes, kmap_now_ns());
	if (idx == -ENOSPC) {
		daemon_close_flush(d);
		idx = sockclose_add_ban(c->sc, &d->km, cidr, classes,
					kmap_now_ns());
	}
	c->ban[c->n].target = idx;
	snprintf(c->ban[c->n].line, sizeof(c->ban[c->n].line), "%s", line);
	c->n++;
}

void daemon_close_flush(struct daemon *d)
{
	struct daemon_close *c = &d->close;
	bool counted[MXS_CLOSE_TARGETS_MAX] = {false};
	bool walk;
	uint64_t now;
	int rc = 0;

	if (!c->sc || c->n == 0)
		return;
	walk = sockclose_pending(c->sc) > 0;
	if (walk)
		rc = sockclose_run(c->sc);
	if (walk && rc >= 0) {
		d->status.close_walks++;
		d->status.conns_closed += (uint64_t)rc;
	}
	now = kmap_now_ns();
	if (rc < 0 && now - c->warned_ns > 60 * NS_PER_S) {
		c->warned_ns = now;
		log_warn("cannot end the connections of banned sources (%s): "
			 "%s; the bans stand",
			 sockclose_mechanism_name(sockclose_mechanism(c->sc)),
			 strerror(-rc));
	}
	for (size_t i = 0; i < c->n; i++) {
		uint32_t closed = 0, failed = 0;
		int t = c->ban[i].target;

		if (rc < 0) {
			log_info("%s", c->ban[i].line);
			continue;
		}
		if (t >= 0)
			sockclose_result(c->sc, t, &closed, &failed);
		/* two bans of one prefix (two classes) share a target */
		if (t >= 0 && !counted[t]) {
			counted[t] = true;
			d->status.close_failed += failed;
		}
		if (failed)
			log_info("%s closed=%u failed=%u", c->ban[i].line,
				 closed, failed);
		else
			log_info("%s closed=%u", c->ban[i].line, closed);
	}
	c->n = 0;
}
