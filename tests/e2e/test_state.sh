#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# mxscreend's state file: DNSBL verdicts and rate bans survive a kill -9
# in the middle of a connection flood and a "reboot" (maps purged and
# re-created) with their remaining time and offence counts; expired ones
# stay gone; a corrupt file is reported line by line and its good lines
# still load.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25 587
mxs attach mxs0 >/dev/null

bot=${CLIENTS4[1]} friend=${CLIENTS4[2]} hammer=${CLIENTS4[3]}
bot6=${CLIENTS6[1]}

e2e_rbl_dir
printf ':127.0.0.2:listed\n127.0.0.2\n%s\n' "$bot" >"$RBL_DIR/bl.zone"
printf '%s\n' "$bot6" >"$RBL_DIR/bl6.zone"
printf ':127.0.10.1:dnswl\n127.0.0.2\n%s\n' "$friend" >"$RBL_DIR/wl.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone bl.test:ip6trie:bl6.zone \
	wl.test:ip4set:wl.zone

# the state file's directory does not exist yet: the daemon creates it
state=$E2E_TMP/lib/mxscreen.state
conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
dnsbl_sites = bl.test*2, wl.test*-5
dnsbl_threshold = 2
dnsbl_allowlist_threshold = -1
dns_servers = 127.0.0.1:$RBL_PORT
dnsbl_min_ttl = 1h
dnsbl_max_ttl = 1h
dnsbl_timeout = 2s
rate_limit_mx = 0
ban_connections = 3
ban_window = 60s
ban_time = 10m
ban_time_max = 1h
ban_memory = 1h
state_file = $state
state_interval = 1s
CONF

# The daemon in the foreground, nsenter itself in the background so that
# $! is the daemon's pid.
start_daemon() {
	DAEMON_LOG=$1
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" -f -v -c "$conf" \
		--pin-path "$PIN" >>"$DAEMON_LOG" 2>&1 &
	E2E_PIDS+=($!)
	DAEMON_PID=$!
	wait_until 100 daemon_probed ||
		fail "mxscreend did not come up: $(cat "$DAEMON_LOG")"
}

# FIELD of the LIST entry for PREFIX with REASON ("" when none).
entry() {
	mxs list "$1" --json |
		jq -r ".[] | select(.prefix == \"$2\" and .reason == \"$3\") | .$4"
}

# Absolute expiry (unix seconds) of an entry, from its remaining time.
expires_at() {
	local left
	left=$(entry "$@" expires_in)
	[ -n "$left" ] || return 1
	echo $(($(date +%s) + left))
}

# |got - want| <= 2 seconds
assert_near() {
	local got=$1 want=$2 what=$3
	[ -n "$got" ] || fail "$what: entry missing"
	local d=$((got - want))
	[ "${d#-}" -le 2 ] || fail "$what: expires at $got, want $want (+-2s)"
	pass "$what: expires within $d s of before"
}

# Conditions for wait_until, which re-runs a command (a "$(...)" in its
# arguments would be evaluated only once).
verdict_is() {
	[ "$(dnsbl_verdict "$1")" = "$2" ]
}
has_entry() {
	[ -n "$(entry "$@" expires_in)" ]
}
reached_at_least() {
	[ "$(reached "$1")" -ge "$2" ]
}

start_daemon "$E2E_TMP/run1.log"

# DNSBL verdicts (v4 and v6 block, an allow) and a rate ban.
expect_in "$bot" 25 "listed source, first connection"
expect_in "$bot6" 25 "listed IPv6 source, first connection"
expect banner "$friend" 25 "DNSWL-listed source"
wait_until 50 verdict_is "$bot" block || fail "no verdict for $bot"
wait_until 50 verdict_is "$bot6" block || fail "no verdict for $bot6"
wait_until 50 verdict_is "$friend" allow || fail "no verdict for $friend"
for i in 1 2 3 4; do expect_in "$hammer" 25 "hammering, $i"; done
wait_until 50 has_entry block "$hammer" rate ||
	fail "no rate ban for $hammer: $(cat "$DAEMON_LOG")"
assert_eq "$(entry block "$hammer" rate offences)" 1 "offences of $hammer"
expect timeout "$bot" 25 "listed source after its verdict"
expect timeout "$hammer" 25 "banned source"

# Within a state_interval everything is in the file.
saved() {
	grep -q "^block $bot/32 dnsbl mx " "$state" &&
		grep -q "^block $bot6/128 dnsbl mx " "$state" &&
		grep -q "^allow $friend/32 dnsbl all " "$state" &&
		grep -q "^block $hammer/32 rate mx " "$state" &&
		grep -q "^offence $hammer/32 1 " "$state"
}
wait_until 50 saved || fail "state file incomplete: $(cat "$state" 2>&1)"
assert_eq "$(head -1 "$state")" "mxscreen-state 1" "state file header"
pass "state file written: $(grep -vc '^#' "$state") lines"

# kill -9 in the middle of a flood of connections (from the allowed
# source: it is never banned, so the flood changes no verdict).
reached_before=$(reached "$friend")
(for i in $(seq 1 1000); do probe "$friend" 25 >/dev/null; done) &
flood=$!
E2E_PIDS+=("$flood")
wait_until 100 reached_at_least "$friend" $((reached_before + 5)) ||
	fail "the flood does not get through: $(reached "$friend") connections from $friend, $reached_before before; $(tail -3 "$SMTPD_LOG")"
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
pass "daemon killed during the flood"

# Down: the kernel keeps refusing what it knew.
expect timeout "$bot" 25 "listed source while the daemon is dead"
expect timeout "$hammer" 25 "banned source while the daemon is dead"
flooded=$(reached "$friend")
kill "$flood" 2>/dev/null || true
wait "$flood" 2>/dev/null || true
[ "$flooded" -lt $((reached_before + 1000)) ] || fail "the flood was over before the kill"
pass "$((flooded - reached_before)) connections of the flood got through"
bot_at=$(expires_at block "$bot" dnsbl)
bot6_at=$(expires_at block "$bot6" dnsbl)
friend_at=$(expires_at allow "$friend" dnsbl)
hammer_at=$(expires_at block "$hammer" rate)

# An expired verdict and a forgotten offence, as an older run would have
# left them.
now=$(date +%s)
printf 'block 198.51.100.99/32 dnsbl mx %d\noffence 198.51.100.98/32 4 %d\n' \
	$((now - 5)) $((now - 7200)) >>"$state"
# and a login the policy service held (its name has a blank, so it is
# percent-encoded), one whose hold is over
printf 'hold carol%%20x %d\nhold gone %d\n' $((now + 3600)) $((now - 5)) >>"$state"

# "Reboot": the maps are gone, the screener is attached afresh.
mxs detach --all --purge >/dev/null
mxs attach mxs0 >/dev/null
assert_eq "$(mxs list block --json | jq length)" 0 "block entries after the purge"
start_daemon "$E2E_TMP/run2.log"
grep -q "restored 4 entries, 1 offences and 1 held logins from $state (2 expired, 1 offences forgotten, 0 already in the maps, 0 bad lines)" "$DAEMON_LOG" ||
	fail "no restore summary: $(cat "$DAEMON_LOG")"
pass "restore summary logged"

assert_near "$(expires_at block "$bot" dnsbl)" "$bot_at" "restored dnsbl block $bot"
assert_near "$(expires_at block "$bot6" dnsbl)" "$bot6_at" "restored dnsbl block $bot6"
assert_near "$(expires_at allow "$friend" dnsbl)" "$friend_at" "restored dnsbl allow $friend"
assert_near "$(expires_at block "$hammer" rate)" "$hammer_at" "restored rate ban $hammer"
assert_eq "$(entry block "$hammer" rate offences)" 1 "restored offences of $hammer"
assert_eq "$(entry block "$hammer" rate classes)" mx "restored classes of $hammer"
assert_eq "$(entry block 198.51.100.99 dnsbl expires_in)" "" "expired entry"
expect timeout "$bot" 25 "listed source after the reboot"
expect timeout "$bot6" 25 "listed IPv6 source after the reboot"
expect timeout "$hammer" 25 "banned source after the reboot"
expect banner "$friend" 25 "allowed source after the reboot"
held=$(mxs account show "carol x" --json)
assert_eq "$(jq .held <<<"$held")" true "the held login after the reboot"
[ "$(jq .held_for_s <<<"$held")" -gt 3500 ] || fail "its hold: $held"
pass "its hold ends in $(jq .held_for_s <<<"$held") s"
mxs account show gone >/dev/null 2>&1 && fail "an expired hold was restored"
# and the next save keeps it
held_saved() { grep -q "^hold carol%20x " "$state"; }
wait_until 50 held_saved || fail "hold not saved again: $(cat "$state")"
pass "the hold is in the state file again: $(grep '^hold ' "$state")"

# A restart without a reboot: the maps are newer than the file.
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
grep -q "saved the verdicts to $state" "$DAEMON_LOG" || fail "no save at shutdown: $(cat "$DAEMON_LOG")"
grep -q "^block 198.51.100.99/32" "$state" && fail "the expired entry was saved again"
pass "saved at shutdown"
mxs block 203.0.113.7 >/dev/null
start_daemon "$E2E_TMP/run3.log"
grep -q "state file $state not needed" "$DAEMON_LOG" || fail "restored into kept maps: $(cat "$DAEMON_LOG")"
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
grep -q "^block 203.0.113.7/32" "$state" && fail "a manual entry in the state file"
pass "manual entries are not saved"

# A corrupt file: garbage and a truncated last line are reported with
# file:line, the good lines load, the daemon starts.
good=$(grep -c '^block \|^allow \|^offence ' "$state")
{
	head -2 "$state"
	printf 'this is not a state line\n'
	printf 'block 192.0.2.300/32 dnsbl mx 1\n'
	tail -n +3 "$state"
	printf 'block 198.51.100.50/32 dnsbl mx %d' "$(date +%s)"
} >"$state.new"
mv "$state.new" "$state"
lines=$(wc -l <"$state")
mxs detach --all --purge >/dev/null
mxs attach mxs0 >/dev/null
start_daemon "$E2E_TMP/run4.log"
grep -q "$state:3: unknown record \"this\"" "$DAEMON_LOG" || fail "no message for line 3: $(cat "$DAEMON_LOG")"
grep -q "$state:4: bad prefix" "$DAEMON_LOG" || fail "no message for line 4: $(cat "$DAEMON_LOG")"
grep -q "$state:$((lines + 1)): truncated line" "$DAEMON_LOG" ||
	fail "no message for the truncated line $((lines + 1)): $(cat "$DAEMON_LOG")"
pass "bad lines reported with file:line"
grep -q "restored $((good - 1)) entries, 1 offences and 1 held logins from $state (0 expired, 0 offences forgotten, 0 already in the maps, 3 bad lines)" "$DAEMON_LOG" ||
	fail "good lines not all restored: $(cat "$DAEMON_LOG")"
assert_eq "$(daemon_json .running)" true "daemon running with a corrupt state file"
assert_eq "$(entry block 198.51.100.50 dnsbl expires_in)" "" "truncated line's entry"
expect timeout "$bot" 25 "listed source, restored from the corrupt file"
expect timeout "$hammer" 25 "banned source, restored from the corrupt file"

# Two instances (a test run beside the real one, another --pin-path)
# never share verdicts by accident.  The second one's maps: a veth pair
# of its own in the server namespace (this kernel has no dummy driver).
PIN2=$PIN-second
ip -n "$SRV_NS" link add mxs9 type veth peer name mxs9p
ip -n "$SRV_NS" link set mxs9 up
nsenter --net="/run/netns/$SRV_NS" "$MXSCREEN" --pin-path "$PIN2" \
	attach mxs9 --mode skb >/dev/null
mxs2() {
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEN" --pin-path "$PIN2" "$@"
}
# start_second CONFIG LOG: the second instance, up when its status says so
start_second() {
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" -f -v -c "$1" \
		--pin-path "$PIN2" >>"$2" 2>&1 &
	E2E_PIDS+=($!)
	SECOND_PID=$!
	second_up() { mxs2 status --json | jq -e .daemon.running >/dev/null; }
	wait_until 100 second_up || fail "second mxscreend did not come up: $(cat "$2")"
}
stop_second() {
	kill -TERM "$SECOND_PID"
	wait "$SECOND_PID" 2>/dev/null || true
}
owner_line() { sed -n 2p "$1"; }

# 1. The same state_file given to both: the second neither restores the
# first one's verdicts nor overwrites its file.
assert_eq "$(owner_line "$state")" "instance $PIN" "the state file names its instance"
before=$(grep -c '^block \|^allow \|^offence ' "$state")
start_second "$conf" "$E2E_TMP/second1.log"
grep -q "$state: not restored: it belongs to the mxscreend whose maps are pinned under $PIN, not this one ($PIN2)" \
	"$E2E_TMP/second1.log" || fail "no refusal to restore: $(cat "$E2E_TMP/second1.log")"
pass "the second instance does not restore the first one's file"
assert_eq "$(mxs2 list block --json | jq length)" 0 "block entries of the second instance"
refused_write() { grep -q "not writing the state file $state: it belongs to" "$E2E_TMP/second1.log"; }
wait_until 50 refused_write || fail "no refusal to write: $(cat "$E2E_TMP/second1.log")"
stop_second
assert_eq "$(grep -c "not writing the state file" "$E2E_TMP/second1.log")" 1 \
	"warnings about the foreign file (saves every second, and at stop)"
assert_eq "$(owner_line "$state")" "instance $PIN" "the first instance still owns its file"
assert_eq "$(grep -c '^block \|^allow \|^offence ' "$state")" "$before" "its verdicts in the file"

# 2. No state_file line: each pin path gets its own default file.
default_state=/var/lib/mxscreen/state.${PIN2#/sys/fs/bpf/}
E2E_CLEANUP_FILES+=("$default_state")
main_before=$(stat -c %Y:%s /var/lib/mxscreen/state 2>/dev/null || echo none)
grep -v '^state_file' "$conf" >"$E2E_TMP/default.conf"
start_second "$E2E_TMP/default.conf" "$E2E_TMP/second2.log"
stop_second
[ -f "$default_state" ] || fail "no state file $default_state: $(cat "$E2E_TMP/second2.log")"
assert_eq "$(owner_line "$default_state")" "instance $PIN2" "the second instance's own state file"
assert_eq "$(stat -c %Y:%s /var/lib/mxscreen/state 2>/dev/null || echo none)" "$main_before" \
	"the default instance's state file"
