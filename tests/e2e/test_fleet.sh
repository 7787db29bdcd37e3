#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A fleet of two MX hosts sharing their bans through DNS (docs/fleet.md).
# Each host has its own screener (its own pins, XDP on its own veth) and
# its own mxscreend, which exports the host's manual and rate entries
# (export_file) into one directory; an rbldnsd in a third namespace serves
# that directory as the zone fleet.test, which both hosts list in
# dnsbl_sites.  A bot rate-banned on mx1 connects to mx2 once and is
# refused there from then on; a manual block on mx1 reaches mx2 the same
# way; a clean client is never refused by either; the exported zone passes
# the daemons' RFC 5782 probe; mx2's dnsbl verdicts are not exported back
# (no loop); the two daemons' handshake programs, both on the cgroup
# root, each hear only their own namespace; a failing export is logged
# once.
#
#   cl (clients on lo:                mx1 (XDP on cl0)     rbl: rbldnsd on
#   203.0.113.10-12)  mx1 --- cl0 192.0.2.1    dns0 --- m1  198.51.100.53
#                     mx2 --- cl0 192.0.2.5    dns0 --- m2  (lo)
#                                 mx2 (XDP on cl0)
source "$(dirname "$0")/lib.sh"

e2e_init
for h in mx1 mx2 rbl cl; do e2e_host "$h"; done

MX1=192.0.2.1 MX2=192.0.2.5 DNS=198.51.100.53
bot=203.0.113.10 clean=203.0.113.11 spammer=203.0.113.12

# clients <-> each MX; the clients' addresses on lo, routed
e2e_link cl mx1 192.0.2.2/30 mx1 cl0 $MX1/30
e2e_link cl mx2 192.0.2.6/30 mx2 cl0 $MX2/30
for a in $bot $clean $spammer; do on cl ip addr add $a/32 dev lo; done
on mx1 ip route add 203.0.113.0/24 via 192.0.2.2
on mx2 ip route add 203.0.113.0/24 via 192.0.2.6
# each MX <-> the central rbldnsd
e2e_link rbl m1 198.51.100.1/30 mx1 dns0 198.51.100.2/30
e2e_link rbl m2 198.51.100.5/30 mx2 dns0 198.51.100.6/30
on rbl ip addr add $DNS/32 dev lo
on mx1 ip route add $DNS/32 via 198.51.100.1
on mx2 ip route add $DNS/32 via 198.51.100.5

for h in mx1 mx2; do
	mxs_on $h attach cl0 >/dev/null
	e2e_host_smtpd $h 25
done

# The directory rbldnsd serves; it runs as user rbldns.
FLEET=$E2E_TMP/fleet
mkdir -p "$FLEET"
chmod 755 "$E2E_TMP" "$FLEET"
: >"$FLEET/queries.log"
chmod 666 "$FLEET/queries.log"

# First copies from the CLI, so that rbldnsd has both files from the
# start (the daemons rewrite them every second).
mxs_on mx1 export --name mx1.test --output "$FLEET/mx1.zone" |
	grep -q "exported 0 block entries of reasons manual,rate,postfix,account to $FLEET/mx1.zone" ||
	fail "mxscreen export --output"
mxs_on mx2 export --name mx2.test --output "$FLEET/mx2.zone" >/dev/null
assert_eq "$(stat -c %a "$FLEET/mx1.zone")" 644 "mode of the export file"

# dig from a host: the A records (or TXT) of NAME in fleet.test
fleet_dig() {
	on "$1" dig +short +time=1 +tries=1 -p "$RBL_PORT" @$DNS "$2.fleet.test" "${3:-A}"
}
rev4() { awk -F. '{ print $4 "." $3 "." $2 "." $1 }' <<<"$1"; }
rev6() {
	python3 -c 'import ipaddress, sys; print(".".join(reversed(ipaddress.ip_address(sys.argv[1]).exploded.replace(":", ""))))' "$1"
}
# fleet_lists HOST IP A: the zone answers A for IP
fleet_lists() {
	local name
	if [[ $2 == *:* ]]; then name=$(rev6 "$2"); else name=$(rev4 "$2"); fi
	fleet_dig "$1" "$name" | grep -qx "$3"
}

# -c 1: rbldnsd looks for changed files every second
on_bg rbl rbldnsd -n -b "$DNS/$RBL_PORT" -r "$FLEET" -w . -t 10 -c 1 \
	-l +queries.log fleet.test:combined:mx1.zone fleet.test:combined:mx2.zone \
	>"$E2E_TMP/rbldnsd.out" 2>&1
wait_until 50 fleet_lists mx2 127.0.0.2 127.0.0.2 ||
	fail "rbldnsd does not answer: $(cat "$E2E_TMP/rbldnsd.out")"
pass "rbldnsd serves the exported files; 127.0.0.2 is listed"
[ -z "$(fleet_dig mx2 1.0.0.127)" ] || fail "the fleet zone lists 127.0.0.1"
pass "127.0.0.1 is not listed"
fleet_lists mx2 ::ffff:127.0.0.2 127.0.0.2 || fail "the IPv6 test point is not listed"
pass "::ffff:127.0.0.2 is listed"

# Both MX hosts: the fleet zone, manual and rate entries weigh 3 (the
# threshold); bans after 3 connections a minute; exported every second.
fleet_conf() {
	cat >"$E2E_TMP/$1.conf" <<CONF
dnsbl_sites = fleet.test=127.0.0.[2..3]*3
dnsbl_threshold = 3
dns_servers = $DNS:$RBL_PORT
dnsbl_min_ttl = 2s
dnsbl_max_ttl = 30s
dnsbl_timeout = 2s
rate_limit_mx = 0
ban_connections = 3
ban_window = 60s
ban_time = 1h
state_file =
export_file = $2
export_interval = 1s
CONF
}
fleet_conf mx1 "$FLEET/mx1.zone"
fleet_conf mx2 "$FLEET/mx2.zone"
# mx1 names itself in its TXT records with export_name; mx2 by its host
# name (a UTS namespace of its own)
echo "export_name = mx1.test" >>"$E2E_TMP/mx1.conf"
e2e_host_mxscreend mx1 "$E2E_TMP/mx1.conf"
e2e_host_mxscreend mx2 "$E2E_TMP/mx2.conf" mx2.test
zone_state() {
	mxs_on "$1" status --json | jq -r '.daemon.zones[0].state'
}
assert_eq "$(zone_state mx1)" ok "fleet.test on mx1 (RFC 5782 probe)"
assert_eq "$(zone_state mx2)" ok "fleet.test on mx2 (RFC 5782 probe)"
grep -q "does not list its test point" "$E2E_TMP"/mxscreend-mx*.log &&
	fail "a daemon misses the test point: $(cat "$E2E_TMP"/mxscreend-mx*.log)"

# --- on mx1: a manual block, and a bot banned for its rate -------------------
mxs_on mx1 block $spammer --ttl 1h --comment "dictionary attack" >/dev/null
mxs_on mx1 block 2001:db8:bad::/48 >/dev/null
for n in 1 2 3; do expect_on banner cl $bot $MX1 25 "bot on mx1, connection $n"; done
# the fourth brings the ban, which may end that very connection
expect_on in cl $bot $MX1 25 "bot on mx1, connection 4"
ban_on() {
	mxs_on "$1" list block --json |
		jq -e ".[] | select(.prefix == \"$2\" and .reason == \"$3\")" >/dev/null
}
wait_until 50 ban_on mx1 $bot rate ||
	fail "no rate ban on mx1: $(cat "$E2E_TMP/mxscreend-mx1.log")"
expect_on timeout cl $bot $MX1 25 "bot on mx1, banned"

# --- the fleet zone lists both, with their reasons ---------------------------
wait_until 100 fleet_lists mx2 $bot 127.0.0.3 ||
	fail "the fleet zone does not list the bot: $(cat "$FLEET/mx1.zone")"
pass "fleet.test lists $bot with 127.0.0.3 (rate)"
fleet_dig mx2 "$(rev4 $bot)" TXT |
	grep -q '"refused by mx1.test (rate, class mx) until 20[0-9-]*T[0-9:]*Z"' ||
	fail "TXT of $bot: $(fleet_dig mx2 "$(rev4 $bot)" TXT)"
pass "its TXT names mx1.test, the reason and the end of the ban"
wait_until 50 fleet_lists mx2 $spammer 127.0.0.2 || fail "no manual entry in the zone"
pass "fleet.test lists $spammer with 127.0.0.2 (manual)"
wait_until 50 fleet_lists mx2 2001:db8:bad::1 127.0.0.2 || fail "no IPv6 entry in the zone"
pass "fleet.test lists 2001:db8:bad::/48 (IPv6)"
[ -z "$(fleet_dig mx2 "$(rev4 $clean)")" ] || fail "the zone lists the clean client"

# --- mx2 learns from the fleet: one connection, then refused -----------------
dnsbl_verdict_on() {
	mxs_on "$1" check "$2" --json |
		jq -r 'if .dnsbl != null and .dnsbl.fresh_for > 0 then .dnsbl.verdict else "" end'
}
verdict_on() { [ "$(dnsbl_verdict_on "$1" "$2")" = "$3" ]; }
for src in $bot $spammer; do
	expect_on in cl $src $MX2 25 "$src on mx2, first connection"
	wait_until 50 verdict_on mx2 $src block ||
		fail "mx2 did not block $src: $(cat "$E2E_TMP/mxscreend-mx2.log")"
	expect_on timeout cl $src $MX2 25 "$src on mx2, after the fleet's answer"
	assert_eq "$(reached_on mx2 $src)" 1 "connections from $src that reached mx2"
done
grep -q "BLOCK \[$bot\] score=3 fleet.test=127.0.0.3\*3 " "$E2E_TMP/mxscreend-mx2.log" ||
	fail "no BLOCK line for the bot on mx2: $(cat "$E2E_TMP/mxscreend-mx2.log")"
grep -q "BLOCK \[$spammer\] score=3 fleet.test=127.0.0.2\*3 " "$E2E_TMP/mxscreend-mx2.log" ||
	fail "no BLOCK line for the spammer on mx2"
pass "mx2 logs the fleet zone's answers"

# --- a clean client: never refused by either --------------------------------
for n in 1 2; do
	expect_on banner cl $clean $MX1 25 "clean client on mx1, $n"
	expect_on banner cl $clean $MX2 25 "clean client on mx2, $n"
done
wait_until 50 verdict_on mx2 $clean clean || fail "no clean verdict for $clean on mx2"
expect_on banner cl $clean $MX2 25 "clean client on mx2, after its lookup"

# --- no loop: mx2's dnsbl entries stay out of mx2's export -------------------
# (wait for an export written after the verdicts: its header has the time)
first=$(head -1 "$FLEET/mx2.zone")
header_changed() { [ "$(head -1 "$1")" != "$2" ]; }
wait_until 50 header_changed "$FLEET/mx2.zone" "$first" || fail "mx2 stopped exporting"
ban_on mx2 $bot dnsbl || fail "mx2's dnsbl entry for $bot is gone"
grep -q "$bot\|$spammer" "$FLEET/mx2.zone" &&
	fail "mx2 exported dnsbl verdicts: $(cat "$FLEET/mx2.zone")"
pass "mx2's dnsbl verdicts are not exported (export_reasons default)"
grep -q "^# 0 IPv4 and 0 IPv6" "$FLEET/mx2.zone" || fail "mx2.zone: $(cat "$FLEET/mx2.zone")"

# --- two handshake programs on one cgroup root -------------------------------
hs_other() { mxs_on "$1" status --json | jq '.daemon.handshakes_other_netns'; }
assert_ge "$(hs_other mx1)" 1 "handshakes mx1's program saw in other namespaces (mx2's)"
assert_ge "$(hs_other mx2)" 1 "handshakes mx2's program saw in other namespaces (mx1's)"
grep -q "RATE \[$bot\] class=mx connections>3/60s offence=1 " "$E2E_TMP/mxscreend-mx1.log" ||
	fail "no RATE line on mx1"
grep -q "RATE " "$E2E_TMP/mxscreend-mx2.log" &&
	fail "mx2 counted connections it never had: $(grep RATE "$E2E_TMP/mxscreend-mx2.log")"
pass "each daemon counted only its own connections"

# --- a failing export is logged once, not every second ------------------------
sed -i "s|^export_file = .*|export_file = $E2E_TMP/missing/mx2.zone|" "$E2E_TMP/mx2.conf"
mx2_pid=$(mxs_on mx2 status --json | jq -r '.daemon.pid')
kill -HUP "$mx2_pid"
again() { [ "$(grep -c "missing/mx2.zone: .* (again)" "$E2E_TMP/mxscreend-mx2.log")" -ge "$1" ]; }
wait_until 100 again 3 || fail "no repeated export attempts: $(tail "$E2E_TMP/mxscreend-mx2.log")"
assert_eq "$(grep -c "warning: cannot write the export file $E2E_TMP/missing/mx2.zone" \
	"$E2E_TMP/mxscreend-mx2.log")" 1 "warnings about the failing export"

# --- the last export at stop -----------------------------------------------
mx1_pid=$(mxs_on mx1 status --json | jq -r '.daemon.pid')
kill -TERM "$mx1_pid"
stopped() { ! kill -0 "$1" 2>/dev/null; }
wait_until 50 stopped "$mx1_pid" || fail "mx1's daemon does not stop"
grep -q "^$bot :127.0.0.3:refused by mx1.test (rate, class mx) until " "$FLEET/mx1.zone" ||
	fail "mx1.zone after stop: $(cat "$FLEET/mx1.zone")"
pass "the file mx1's daemon left holds its bans"
