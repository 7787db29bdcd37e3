#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Rate limits with real TCP clients: the kernel's SYN limit refuses a
# source's excess while others are unaffected (IPv6 per /64, allowlist
# exempt, per class); mxscreend bans a source over ban_connections, the ban
# expires, the second offence bans twice as long; a steady sender below the
# limits is never refused; a spoofed SYN flood in an innocent address's
# name bans nobody.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25 587
mxs attach mxs0 >/dev/null

a=${CLIENTS4[0]} b=${CLIENTS4[1]} friend=${CLIENTS4[2]}
hammer=${CLIENTS4[3]} innocent=${CLIENTS4[4]}

# --- the kernel's limit: 3 SYNs per minute per source on port 25 ---------
mxs rate mx 3/60s | grep -q "rate mx: *3/1m$" || fail "rate mx: $(mxs rate)"
before=$(counter drop_rate)
for i in 1 2 3; do expect banner "$a" 25 "within the burst, $i"; done
expect timeout "$a" 25 "over the limit"
assert_ge "$(($(counter drop_rate) - before))" 1 "drop_rate"
expect banner "$b" 25 "another source is unaffected"
expect banner "$a" 587 "submission has no limit"
# IPv6: the /64 shares one bucket
for i in 1 2; do expect banner "${CLIENTS6[0]}" 25 "IPv6 source 1, $i"; done
expect banner "${CLIENTS6[1]}" 25 "IPv6 source 2 in the same /64"
expect timeout "${CLIENTS6[2]}" 25 "IPv6 source 3 in the same /64, over the shared limit"
# the allowlist is exempt
mxs allow "$friend" >/dev/null
for i in 1 2 3 4 5; do expect banner "$friend" 25 "allowed source, $i"; done
mxs check "$a" | grep -q "rate" || true
mxs rate mx 0 >/dev/null

# --- a steady sender below the limit: 5 per second allowed, 3 per second
# sent (sleep paces the sender; it does not wait for anything)
mxs rate mx 5/1s >/dev/null
for i in $(seq 1 12); do
	expect banner "$b" 25 "steady sender, $i"
	sleep 0.3
done
mxs rate mx 0 >/dev/null

# --- the daemon: more than 3 connections within 60 s -> a ban --------------
conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
rate_limit_mx = 0
ban_connections = 3
ban_window = 60s
ban_time = 2s
ban_time_max = 1h
ban_memory = 1h
state_file =
CONF
nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" -f -c "$conf" --pin-path "$PIN" \
	>"$E2E_TMP/mxscreend.log" 2>&1 &
E2E_PIDS+=($!)
wait_until 50 daemon_json '.running == true' || fail "no daemon: $(cat "$E2E_TMP/mxscreend.log")"
assert_eq "$(mxs rate | grep -c 'rate mx: *off')" 1 "the daemon's config sets the kernel's mx limit"

ban_expires_in() {
	mxs list block --json | jq -r ".[] | select(.prefix == \"$1\" and .reason == \"rate\") | .expires_in"
}
for i in 1 2 3 4; do expect_in "$hammer" 25 "hammering, $i"; done
rate_banned() { [ -n "$(ban_expires_in "$1")" ]; }
wait_until 50 rate_banned "$hammer" ||
	fail "no rate ban for $hammer: $(cat "$E2E_TMP/mxscreend.log")"
grep -q "RATE \[$hammer\] class=mx connections>3/60s offence=1 ban=2s" "$E2E_TMP/mxscreend.log" ||
	fail "no RATE line: $(cat "$E2E_TMP/mxscreend.log")"
pass "first offence: banned for 2s"
expect timeout "$hammer" 25 "banned"
mxs list block | grep -q "$hammer .*rate .*offences=1" || fail "list: $(mxs list block)"
pass "list shows the ban and its offence count"
mxs check "$hammer" | grep -q "1 offence of $hammer" || fail "check: $(mxs check "$hammer")"

# The ban expires by itself: a SYN gets through again.  (What the
# connection then sees depends on a race: the connection is itself the
# next offence, and the ban it brings ends it, before or after the
# greeter's banner.)
for ((i = 0; i < 20; i++)); do
	[ "$(probe "$hammer" 25)" != timeout ] && break
done
[ "$i" -lt 20 ] || fail "$hammer still refused long after its 2s ban"
pass "the ban expired"
# ... and the second offence bans twice as long.  The connection that got
# in after the ban is itself that offence: the window still holds the
# earlier ones, so it is over 3 per 60 s again.
wait_until 50 grep -q "RATE \[$hammer\] .*offence=2 ban=4s" "$E2E_TMP/mxscreend.log" ||
	fail "no second offence: $(cat "$E2E_TMP/mxscreend.log")"
left=$(ban_expires_in "$hammer")
[ -n "$left" ] && [ "$left" -ge 2 ] && [ "$left" -le 4 ] ||
	fail "second ban expires in $left s, want 2..4: $(mxs list block) $(tail -5 "$E2E_TMP/mxscreend.log")"
pass "second offence: banned for 4s ($left s left)"
# an allowed source is never banned, however often it connects
for i in 1 2 3 4 5 6; do expect banner "$friend" 25 "allowed source, connection $i"; done
grep -q "RATE \[$friend\]" "$E2E_TMP/mxscreend.log" && fail "the allowed $friend got a rate offence"
pass "an allowed source gets no offence"
# (the daemon publishes its counters once a second)
wait_until 30 bash -c "nsenter --net=/run/netns/$SRV_NS $MXSCREEN --pin-path $PIN status --json |
	jq -e '.daemon.rate_bans >= 2 and .settings.rate_mx == \"0\"'" ||
	fail "status: $(mxs status --json | jq -c '{daemon: .daemon.rate_bans, s: .settings}')"
# unblock clears the ban and the memory
mxs unblock "$hammer" | grep -q "forgot the rate offences" || fail "unblock did not forget"
expect banner "$hammer" 25 "after unblock"
mxs check "$hammer" | grep -q "offence" && fail "offences remembered after unblock"
pass "unblock cleared ban and memory"

# --- a spoofed SYN flood in an innocent sender's name bans nobody ---------
sent=$(ip netns exec "$CLI_NS" python3 "$E2E_DIR/synflood.py" "$SERVER4" 25 500 "$innocent")
assert_eq "$sent" 500 "spoofed SYNs sent"
expect banner "$innocent" 25 "innocent address after the flood"
expect banner "$innocent" 25 "innocent address, again"
grep -q "RATE \[$innocent\]" "$E2E_TMP/mxscreend.log" && fail "the innocent address was banned"
[ -z "$(ban_expires_in "$innocent")" ] || fail "rate ban for $innocent"
pass "a spoofed flood banned nobody"

# The log lines are stable enough for fail2ban: its filter finds every RATE
# line, and only those (no BLOCK lines in this run).
assert_eq "$(fail2ban_matches "$E2E_TMP/mxscreend.log")" \
	"$(grep -c "^mxscreend: RATE " "$E2E_TMP/mxscreend.log")" "RATE lines fail2ban's filter parses"
