// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_settings.c - every parser of settings.c on the same arbitrary text
 * (the input, cut at its first NUL byte): ports, classes, rate, mode,
 * action, rate_prefix_v6 and bounded numbers (bounds from the input's
 * first bytes).
 *
 * Invariants, for every parser:
 *  - it returns 0, -EINVAL or -ERANGE; on error the output is untouched
 *    (the contract of settings.h) and there is a NUL-terminated message;
 *  - what it accepts is within bounds, and prints back (settings_*_name,
 *    settings_format_*) to text that parses to the same value:
 *    ports: 1..SETTINGS_MAX_PORTS distinct ports 1..65535, classes valid;
 *      the formatted list parses to the same set;
 *    classes: a mask, not 0, within MXS_CLASSES_ALL; its name parses back;
 *    rate: off (all zero) or burst 1..1e6 and period 1s..1d with
 *      emission_ns = period/burst (never 0), tau_ns = (burst-1) *
 *      emission_ns, tau_ns + emission_ns at most one day (what keeps the
 *      kernel's GCRA free of overflow); the formatted rate parses to the
 *      same struct;
 *    mode, action: the name of the value is the text;
 *    prefix_v6: 48..128, and the text is its decimal form;
 *    uint: within [min, max].
 */
#include <errno.h>
#include <inttypes.h>

#include "lib/settings.h"
#include "fuzz.h"

#define SENTINEL 0xa5
#define NS_PER_S 1000000000ull

static int is_sentinel(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != SENTINEL)
			return 0;
	return 1;
}

static void check_rc(const char *what, const char *text, int rc,
		     const void *out, size_t outlen, const char *err,
		     size_t errlen)
{
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE,
		   "%s \"%s\": rc %d", what, text, rc);
	if (rc) {
		FUZZ_CHECK(is_sentinel(out, outlen),
			   "%s \"%s\": output written on error", what, text);
		FUZZ_CHECK(err[0] && fuzz_terminated(err, errlen),
			   "%s \"%s\": no message", what, text);
	}
}

/* Whether port p is in ports with class c. */
static int has_port(const struct settings_ports *ports, uint16_t p, uint8_t c)
{
	for (unsigned int i = 0; i < ports->count; i++)
		if (ports->port[i].port == p)
			return ports->port[i].class_ == c;
	return 0;
}

static void check_ports(const char *text)
{
	struct settings_ports ports, back;
	char err[512], buf[1024];
	int rc;

	memset(&ports, SENTINEL, sizeof(ports));
	err[0] = '\0';
	rc = settings_parse_ports(text, &ports, err, sizeof(err));
	check_rc("ports", text, rc, &ports, sizeof(ports), err, sizeof(err));
	if (rc)
		return;
	FUZZ_CHECK(ports.count >= 1 && ports.count <= SETTINGS_MAX_PORTS,
		   "ports \"%s\": %u ports", text, ports.count);
	for (unsigned int i = 0; i < ports.count; i++) {
		FUZZ_CHECK(ports.port[i].port >= 1 &&
			       ports.port[i].class_ < MXS_NR_CLASSES,
			   "ports \"%s\": port %u class %u", text,
			   ports.port[i].port, ports.port[i].class_);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(ports.port[j].port != ports.port[i].port,
				   "ports \"%s\": %u twice", text,
				   ports.port[i].port);
	}
	settings_format_ports(&ports, buf, sizeof(buf));
	FUZZ_CHECK(fuzz_printable(buf, sizeof(buf)), "ports \"%s\": bad text",
		   text);
	rc = settings_parse_ports(buf, &back, err, sizeof(err));
	FUZZ_CHECK(rc == 0 && back.count == ports.count,
		   "ports \"%s\" format as \"%s\": %s", text, buf, err);
	for (unsigned int i = 0; i < ports.count; i++)
		FUZZ_CHECK(has_port(&back, ports.port[i].port,
				    ports.port[i].class_),
			   "ports \"%s\" format as \"%s\": port %u lost", text,
			   buf, ports.port[i].port);
}

static void check_classes(const char *text)
{
	char err[512];
	uint8_t mask = SENTINEL, back = 0;
	int rc;

	err[0] = '\0';
	rc = settings_parse_classes(text, &mask, err, sizeof(err));
	check_rc("classes", text, rc, &mask, sizeof(mask), err, sizeof(err));
	if (rc)
		return;
	FUZZ_CHECK(mask && !(mask & ~MXS_CLASSES_ALL),
		   "classes \"%s\": mask %#x", text, mask);
	rc = settings_parse_classes(settings_classes_name(mask), &back, err,
				    sizeof(err));
	FUZZ_CHECK(rc == 0 && back == mask, "classes \"%s\": name \"%s\": %s",
		   text, settings_classes_name(mask), err);
}

static void check_rate(const char *text)
{
	struct mxs_rate r, back;
	char err[512], buf[SETTINGS_RATE_STRLEN];
	int rc;

	memset(&r, SENTINEL, sizeof(r));
	err[0] = '\0';
	rc = settings_parse_rate(text, &r, err, sizeof(err));
	check_rc("rate", text, rc, &r, sizeof(r), err, sizeof(err));
	if (rc)
		return;
	if (r.emission_ns == 0) {
		FUZZ_CHECK(!r.tau_ns && !r.burst && !r.period_s,
			   "rate \"%s\": off, but not all zero", text);
	} else {
		FUZZ_CHECK(r.burst >= 1 && r.burst <= SETTINGS_RATE_MAX_BURST &&
			       r.period_s >= SETTINGS_RATE_MIN_PERIOD &&
			       r.period_s <= SETTINGS_RATE_MAX_PERIOD,
			   "rate \"%s\": %u/%us", text, r.burst, r.period_s);
		FUZZ_CHECK(r.emission_ns == r.period_s * NS_PER_S / r.burst &&
			       r.tau_ns == (uint64_t)(r.burst - 1) * r.emission_ns,
			   "rate \"%s\": emission %" PRIu64 " tau %" PRIu64,
			   text, (uint64_t)r.emission_ns, (uint64_t)r.tau_ns);
		FUZZ_CHECK(r.tau_ns + r.emission_ns <=
				   SETTINGS_RATE_MAX_PERIOD * NS_PER_S,
			   "rate \"%s\": tau + emission over a day", text);
	}
	settings_format_rate(&r, buf, sizeof(buf));
	FUZZ_CHECK(fuzz_printable(buf, sizeof(buf)), "rate \"%s\": bad text",
		   text);
	rc = settings_parse_rate(buf, &back, err, sizeof(err));
	FUZZ_CHECK(rc == 0 && !memcmp(&back, &r, sizeof(r)),
		   "rate \"%s\" formats as \"%s\", which parses to something else (%s)",
		   text, buf, rc ? err : "");
}

static void check_names(const char *text)
{
	enum settings_mode mode;
	enum mxs_action action;
	char err[512], dec[16];
	uint32_t prefix;
	int rc;

	memset(&mode, SENTINEL, sizeof(mode));
	err[0] = '\0';
	rc = settings_parse_mode(text, &mode, err, sizeof(err));
	check_rc("mode", text, rc, &mode, sizeof(mode), err, sizeof(err));
	if (!rc)
		FUZZ_CHECK(strcmp(settings_mode_name(mode), text) == 0,
			   "mode \"%s\": %d", text, (int)mode);

	memset(&action, SENTINEL, sizeof(action));
	err[0] = '\0';
	rc = settings_parse_action(text, &action, err, sizeof(err));
	check_rc("action", text, rc, &action, sizeof(action), err, sizeof(err));
	if (!rc)
		FUZZ_CHECK(strcmp(settings_action_name(action), text) == 0,
			   "action \"%s\": %d", text, (int)action);

	memset(&prefix, SENTINEL, sizeof(prefix));
	err[0] = '\0';
	rc = settings_parse_prefix_v6(text, &prefix, err, sizeof(err));
	check_rc("prefix_v6", text, rc, &prefix, sizeof(prefix), err,
		 sizeof(err));
	if (!rc) {
		snprintf(dec, sizeof(dec), "%u", prefix);
		FUZZ_CHECK(prefix >= MXS_MIN_RATE_PREFIX_V6 && prefix <= 128 &&
			       strcmp(dec, text) == 0,
			   "prefix_v6 \"%s\": %u", text, prefix);
	}
}

static void check_uint(const char *text, const uint8_t *data, size_t size)
{
	uint64_t min = 0, max = UINT64_MAX, v;
	char err[512];
	int rc;

	if (size >= 16) {
		memcpy(&min, data, 8);
		memcpy(&max, data + 8, 8);
		min >>= data[0] % 64;
		max >>= data[8] % 64;
	}
	memset(&v, SENTINEL, sizeof(v));
	err[0] = '\0';
	rc = settings_parse_uint(text, min, max, &v, err, sizeof(err));
	check_rc("uint", text, rc, &v, sizeof(v), err, sizeof(err));
	if (!rc)
		FUZZ_CHECK(v >= min && v <= max,
			   "uint \"%s\": %" PRIu64 " outside [%" PRIu64
			   ", %" PRIu64 "]",
			   text, v, min, max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);

	check_ports(text);
	check_classes(text);
	check_rate(text);
	check_names(text);
	check_uint(text, data, size);
	free(text);
	return 0;
}
