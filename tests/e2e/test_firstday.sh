#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The README's "first day", step by step, from the configuration the
# Debian package installs (debian/mxscreen.conf.head + the sample): as
# installed nothing is attached and nothing refused; the administrator
# allows a network, names a DNSBL (a local rbldnsd) and the interface,
# checks the file with mxscreend -n and reloads; in observe mode a listed
# sender is logged and still served; a typo is caught by -n and a reload
# with it keeps the running configuration; with observe = yes deleted,
# the listed sender is refused and the allowed one, listed too, is not.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25 587

bot=${CLIENTS4[1]} friend=${CLIENTS4[2]} partner=${CLIENTS4[3]}
# (the clients share one /24 here: "your network" is one address of it)
friend_net=$friend/32

e2e_rbl_dir
printf ':127.0.0.2:listed\n127.0.0.2\n%s\n%s\n' "$bot" "$friend" >"$RBL_DIR/bl.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone

# What the package installs as /etc/mxscreen/mxscreen.conf.
conf=$E2E_TMP/mxscreen.conf
cat "$E2E_DIR/../../debian/mxscreen.conf.head" "$E2E_DIR/../../docs/mxscreen.conf.example" >"$conf"
# its default state file, for this pin path
E2E_CLEANUP_FILES+=("/var/lib/mxscreen/state.${PIN#/sys/fs/bpf/}")
check_config() { "$MXSCREEND" -n -c "$conf" --pin-path "$PIN"; }
reload() {
	local n
	n=$(grep -c "^mxscreend: reloaded $conf:" "$E2E_TMP/mxscreend.log" || true)
	kill -HUP "$DAEMON_PID"
	reloaded() { [ "$(grep -c "^mxscreend: reloaded $conf:" "$E2E_TMP/mxscreend.log")" -gt "$n" ]; }
	wait_until 50 reloaded || fail "no reload: $(tail -5 "$E2E_TMP/mxscreend.log")"
}

# --- 1. as installed ---------------------------------------------------------
check_config >"$E2E_TMP/n.out" || fail "the shipped configuration: $(cat "$E2E_TMP/n.out")"
grep -qx "observe = yes" "$E2E_TMP/n.out" || fail "not in observe mode: $(cat "$E2E_TMP/n.out")"
pass "mxscreend -n: the shipped configuration parses, observe = yes"
e2e_run_mxscreend "$conf"
assert_eq "$(daemon_json .observe)" true "daemon in observe mode"
assert_eq "$(mxs status --json | jq '.interfaces | length')" 0 "interfaces attached"
expect banner "$bot" 25 "a listed sender, nothing attached"

# --- 2. allow your own networks and partners ---------------------------------
mxs allow "$partner" --comment "partner MTA" >/dev/null
pass "mxscreen allow works on a fresh install (the daemon made the maps)"
printf '\nmynetworks = %s\n' "$friend_net" >>"$conf"

# --- 3. DNSBLs, resolver, interface ------------------------------------------
cat >>"$conf" <<CONF
dnsbl_sites = bl.test*3
dnsbl_threshold = 3
dns_servers = 127.0.0.1:$RBL_PORT
interfaces = mxs0
CONF

# --- 4. check, reload ----------------------------------------------------------
check_config >"$E2E_TMP/n.out" || fail "mxscreend -n: $(cat "$E2E_TMP/n.out")"
grep -qx "interfaces = mxs0" "$E2E_TMP/n.out" || fail "mxscreend -n: $(cat "$E2E_TMP/n.out")"
pass "mxscreend -n: the edited file parses"
reload
attached() { [ "$(mxs status --json | jq '.interfaces | length')" = 1 ]; }
wait_until 50 attached || fail "not attached after the reload: $(tail -5 "$E2E_TMP/mxscreend.log")"
wait_until 100 daemon_probed || fail "bl.test not probed: $(tail -5 "$E2E_TMP/mxscreend.log")"
pass "attached to mxs0 by the reload"

# --- 5. watch ------------------------------------------------------------------
expect_in "$bot" 25 "a listed sender, observe mode"
logged_block() { grep -q "BLOCK \[$1\] score=3 .*(observe: not written)" "$E2E_TMP/mxscreend.log"; }
wait_until 50 logged_block "$bot" || fail "no BLOCK line for $bot: $(tail -5 "$E2E_TMP/mxscreend.log")"
pass "the would-be refusal is logged: $(grep -m1 "BLOCK \[$bot\]" "$E2E_TMP/mxscreend.log" | sed 's/^mxscreend: //')"
expect banner "$bot" 25 "the listed sender again: observe mode refuses nothing"
assert_eq "$(mxs list block --json | jq length)" 0 "block entries in observe mode"
expect banner "$friend" 25 "a sender of mynetworks, listed too"
daemon_idle_now() { [ "$(daemon_json .in_flight)" = 0 ]; }
wait_until 50 daemon_idle_now || fail "lookups still in flight"
grep -q "BLOCK \[$friend\]" "$E2E_TMP/mxscreend.log" &&
	fail "a sender of mynetworks logged as a would-be refusal: $(grep "BLOCK \[$friend\]" "$E2E_TMP/mxscreend.log")"
pass "no BLOCK line for the sender of mynetworks"

# A typo: -n says where; a reload with it keeps the running configuration.
cp "$conf" "$conf.good"
printf 'dnsbl_threshold = three\n' >>"$conf"
if check_config >"$E2E_TMP/n.out" 2>&1; then fail "mxscreend -n accepted a typo"; fi
grep -q "^$conf:$(wc -l <"$conf"): dnsbl_threshold" "$E2E_TMP/n.out" ||
	fail "mxscreend -n does not say FILE:LINE: $(cat "$E2E_TMP/n.out")"
pass "mxscreend -n: $(head -1 "$E2E_TMP/n.out")"
kill -HUP "$DAEMON_PID"
kept() { grep -q "$conf: not reloaded; the running configuration is kept" "$E2E_TMP/mxscreend.log"; }
wait_until 50 kept || fail "no word about the bad reload: $(tail -5 "$E2E_TMP/mxscreend.log")"
assert_eq "$(daemon_json .running)" true "daemon running after a bad reload"
mv "$conf.good" "$conf"

# --- 6. enforce ----------------------------------------------------------------
sed -i '/^observe = yes$/d' "$conf"
check_config >"$E2E_TMP/n.out" || fail "mxscreend -n: $(cat "$E2E_TMP/n.out")"
grep -qx "observe = no" "$E2E_TMP/n.out" || fail "still observing: $(grep observe "$E2E_TMP/n.out")"
reload
assert_eq "$(daemon_json .observe)" false "daemon enforcing"
expect_in "$bot" 25 "the listed sender, once more (its verdict is written now)"
refused() { [ "$(probe "$bot" 25)" = timeout ]; }
wait_until 30 refused || fail "$bot is not refused after observe = no: $(mxs check "$bot" 2>&1)"
pass "the listed sender is refused"
expect banner "$friend" 25 "the sender of mynetworks, listed too"
expect banner "$partner" 25 "the partner"
expect banner "${CLIENTS4[0]}" 25 "an unlisted sender"
