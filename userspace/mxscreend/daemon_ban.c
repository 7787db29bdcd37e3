// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon_ban.c - timed, escalating bans (daemon_ban.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "daemon_ban.h"
#include "lib/duration.h"
#include "lib/log.h"
#include "lib/settings.h"

#define NS_PER_S 1000000000ull

void daemon_ban_prefix(const struct daemon *d, const struct addr_cidr *host,
		       struct addr_cidr *out)
{
	*out = *host;
	/* a prefix already (a held login's IPv6 /64) is banned as it is */
	if (host->family != MXS_FAMILY_V6 || !addr_is_host(host))
		return;
	/* rotating through a /64 must not escape the ban */
	out->prefixlen = (uint8_t)d->cfg.rate_prefix_v6;
	for (unsigned int bit = out->prefixlen; bit < 128; bit++)
		out->addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
}

/* Postfix style: "[192.0.2.7]" for a host, "[2001:db8::]/64" for a
 * prefix, so log parsers find a plain address between the brackets. */
static void daemon_ban_bracketed(const struct addr_cidr *cidr, char *buf,
				 size_t len)
{
	struct addr_cidr host = *cidr;
	char text[ADDR_CIDR_STRLEN];

	host.prefixlen = cidr->family == MXS_FAMILY_V6 ? 128 : 32;
	addr_format_cidr(&host, text, sizeof(text));
	if (addr_is_host(cidr))
		snprintf(buf, len, "[%s]", text);
	else
		snprintf(buf, len, "[%s]/%u", text, cidr->prefixlen);
}

/* ban_time doubled per earlier offence, at most ban_time_max. */
static uint64_t daemon_ban_seconds(const struct config *cfg, uint32_t offences)
{
	uint64_t ban = cfg->ban_time;

	for (uint32_t i = 1; i < offences && ban < cfg->ban_time_max; i++)
		ban *= 2;
	return ban < cfg->ban_time_max ? ban : cfg->ban_time_max;
}

bool daemon_ban_allowed(struct daemon *d, const struct addr_cidr *host,
			uint64_t now_ns)
{
	/* mynetworks too: in observe mode listsync has not written them */
	for (unsigned int i = 0; i < d->cfg.nr_mynetworks; i++)
		if (addr_contains(&d->cfg.mynetworks[i], host))
			return false;
	return !kmap_allowed(&d->km, host, now_ns);
}

int daemon_ban(struct daemon *d, const struct addr_cidr *host,
	       unsigned int class_, uint8_t reason, const char *what,
	       const char *detail)
{
	uint8_t bit = (uint8_t)MXS_CLASS_BIT(class_ < MXS_NR_CLASSES
						     ? class_
						     : MXS_CLASS_MX);
	uint64_t now = kmap_now_ns(), ban;
	struct mxs_offence off = { 0 };
	struct mxs_entry old, entry;
	char who[ADDR_CIDR_STRLEN + 8], len[DURATION_STRLEN];
	char line[DAEMON_CLOSE_LINE];
	struct addr_cidr cidr;
	bool have_old;
	int err;

	if (!daemon_ban_allowed(d, host, now))
		return 0;
	daemon_ban_prefix(d, host, &cidr);
	daemon_ban_bracketed(&cidr, who, sizeof(who));
	have_old = kmap_entry_get(&d->km, MXS_LIST_BLOCK, &cidr, &old) == 0;
	/* an administrator's entry, live or expired, is never replaced */
	if (have_old && (old.reason == MXS_REASON_MANUAL ||
			 old.reason == MXS_REASON_LIST ||
			 old.reason == MXS_REASON_FILE))
		return 0;
	have_old = have_old && (old.expires_ns == 0 || old.expires_ns > now);
	/* already refused for this class (events raced the ban), or a live
	 * entry of another cause (a DNSBL verdict) that it would shorten */
	if (have_old && ((old.classes & bit) || old.reason != reason))
		return 0;
	if (kmap_offence_get(&d->km, &cidr, &off) == 0 &&
	    now - off.last_ns > d->cfg.ban_memory * NS_PER_S)
		off.count = 0;
	off.count++;
	off.last_ns = now;
	ban = daemon_ban_seconds(&d->cfg, off.count);
	entry = (struct mxs_entry){
		.expires_ns = now + ban * NS_PER_S,
		.classes = (uint8_t)(bit | (have_old ? old.classes : 0)),
		.reason = reason,
	};
	duration_format(ban, len, sizeof(len));
	snprintf(line, sizeof(line), "%s %s class=%s %s offence=%u ban=%s%s",
		 what, who, settings_class_name((enum mxs_class)class_), detail,
		 off.count, len, d->cfg.observe ? " (observe: not written)" : "");
	if (d->cfg.observe) {
		log_info("%s", line);
		return 1;
	}
	err = kmap_entry_put(&d->km, MXS_LIST_BLOCK, &cidr, &entry, NULL, NULL);
	if (!err)
		err = kmap_offence_put(&d->km, &cidr, &off);
	if (err) {
		log_info("%s", line);
		d->status.map_errors++;
		log_warn("cannot write the %s ban for %s: %s", what, who,
			 strerror(-err));
		return err;
	}
	/* its open connections of the class end too; the line, with how
	 * many, once the round's batch has been walked */
	daemon_close_ban(d, &cidr, bit, line);
	return 1;
}
