/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * config_format.h - a struct config written back as mxscreen.conf text,
 * for mxscreend -n: every setting, in the order of the settings table
 * (config_settings.h), one "name = value" line each ("name =" when the
 * value is empty), defaults included.
 *
 * Contract: the text is in the syntax config.c accepts, so that it parses
 * back to the same configuration: numbers in decimal, durations and rates
 * exact ("1h", "3601s", "60/1m"), lists separated by ", ", list files as
 * "PATH" or "rbldnsd:PATH", postfix_events as "event*weight" with the
 * events of weight 0 (off) left out, export_reasons by name.  The one
 * exception is a DNSBL site whose text was cut to fit (longer than
 * MXS_SITE_SPEC_LEN - 1 bytes): it is written again from its zone, filter
 * and weight, which parse back the same but keep the site's text in the
 * shorter form.  Pure: nothing here allocates, logs or reads.
 */
#ifndef MXS_CONFIG_FORMAT_H
#define MXS_CONFIG_FORMAT_H

#include <stdio.h>

#include "config.h"

/* Write every setting of cfg to out.  Returns 0, or -EIO when out
 * reports an error. */
int config_print(FILE *out, const struct config *cfg);

#endif /* MXS_CONFIG_FORMAT_H */
