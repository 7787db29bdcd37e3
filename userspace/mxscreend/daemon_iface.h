/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon_iface.h - mxscreend's own attachments: the XDP screener on the
 * interfaces of `interfaces =`, in xdp_mode, with the loader `mxscreen
 * attach` uses and the maps pinned under the same pin path; detached again
 * at stop only when detach_on_stop = yes.
 *
 * Contract: attaching is idempotent: an interface that already runs our
 * program with these maps is fine, whoever attached it (mxscreen@.service,
 * an administrator, an earlier run).  Every failure is logged once, naming
 * the interface.  At start a failure is fatal: the caller does not start,
 * since an administrator who listed an interface expects it screened (a
 * typo must not leave a port open while the daemon looks healthy).  On
 * reload a failure is a warning and the other interfaces go on.  Only
 * configured interfaces are ever detached, never the maps.
 */
#ifndef MXS_DAEMON_IFACE_H
#define MXS_DAEMON_IFACE_H

#include "config.h"
#include "lib/kmap.h"

/* Attach to every configured interface (all are tried, so that every bad
 * one is reported), then screen the default ports if the maps are fresh.
 * On failure, interfaces this call attached are detached again when
 * detach_on_stop = yes.  Returns 0 or the first -errno. */
int daemon_iface_start(struct kmap *km, const struct config *cfg);

/* After a reload from old to cfg: attach to every interface of cfg
 * (newly listed ones, and listed ones detached by hand since), and detach
 * from those no longer listed when cfg says detach_on_stop = yes. */
void daemon_iface_reload(struct kmap *km, const struct config *old,
			 const struct config *cfg);

/* At stop, when cfg says detach_on_stop = yes: detach from the configured
 * interfaces.  The maps and their entries stay. */
void daemon_iface_stop(const struct config *cfg, const char *pin_path);

#endif /* MXS_DAEMON_IFACE_H */
