#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# mxscreend's static lists (reason file): mynetworks, an allowlist file,
# a plain blocklist, a Spamhaus DROP file and an rbldnsd data file loaded
# at start; a file edited in place and one replaced by rename take effect
# without a restart; SIGHUP with another blocklist_files; while a file is
# replaced 50 times, a listed source never completes a handshake and an
# allowed one inside a listed prefix is never refused; a removed entry
# stops being refused; bad lines are reported as FILE:LINE and the good
# ones load; a file that disappears keeps its entries, also across a
# restart; a full map is reported and counted; an administrator's entry
# is never touched; observe mode writes nothing.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25 587
# small IPv4 block maps, so that a file can fill one at the end
mxs attach mxs0 --max-block4 64 >/dev/null

allowed=${CLIENTS4[0]}  # 192.0.2.10: mynetworks, inside the DROP prefix
dropped=${CLIENTS4[1]}  # 192.0.2.11: the DROP prefix 192.0.2.8/30
local=${CLIENTS4[2]}    # 192.0.2.12: the plain file, later the swapped one
rbl=${CLIENTS4[3]}      # 192.0.2.13: the rbldnsd file
clean=${CLIENTS4[4]}    # 192.0.2.14: listed by nothing, at first
clean6=${CLIENTS6[0]}   # 2001:db8::10
rbl6=${CLIENTS6[1]}     # 2001:db8::11: the rbldnsd file
allowed6=${CLIENTS6[2]} # 2001:db8::12: the allowlist file

L=$E2E_TMP/lists
mkdir -p "$L"
cat >"$L/drop.txt" <<'EOF'
; Spamhaus DROP List 2026/11/22 - (c) 2026 The Spamhaus Project
; Last-Modified: Sun, 22 Nov 2026 12:00:00 GMT
192.0.2.8/30 ; SBL123
198.51.100.0/24 ; SBL456
EOF
printf '# local additions\n%s\n' "$local" >"$L/local.txt"
cat >"$L/bl.zone" <<EOF
\$SOA 0 bl.test. hostmaster.bl.test. 0 1h 1h 1d 1h
\$TTL 300
:127.0.0.2:Listed, see http://bl.test/?\$
$rbl :127.0.0.3:a bot
203.0.113
198.51.100.4-10
$rbl6
2001:db8:1:2
EOF
printf '%s\n' "$allowed6" >"$L/allow.txt"

conf=$E2E_TMP/mxscreen.conf
# write_conf BLOCKLIST_FILES [MORE SETTINGS]
write_conf() {
	cat >"$conf" <<CONF
rate_limit_mx = 0
state_file =
mynetworks = $allowed/32
allowlist_files = $L/allow.txt
blocklist_files = $1
${2:-}
CONF
}
write_conf "$L/drop.txt, $L/local.txt, rbldnsd:$L/bl.zone"

# The administrator's entry on a prefix that a file lists too.
mxs block 198.51.100.0/24 --comment "admin's" >/dev/null

# "VERDICT REASON" of `mxscreen check` for port 25.
decision() {
	mxs check "$1" --json |
		jq -r '.classes[0] | "\(.verdict) \(.entry.reason // "-")"'
}
decision_is() {
	[ "$(decision "$1")" = "$2" ]
}
expect_decision() {
	local got
	got=$(decision "$1")
	[ "$got" = "$2" ] || fail "check $1: got $got, want $2"
	pass "check $1: $got"
}
# Entries of reason file in a list.
file_entries() {
	mxs list "$1" --json | jq '[.[] | select(.reason == "file")] | length'
}
in_log() {
	grep -qF -- "$1" "$DAEMON_LOG"
}
expect_log() {
	in_log "$1" || fail "not in the daemon log: $1
$(tail -20 "$DAEMON_LOG")"
	pass "logged: $1"
}
# The summary line of each sync.
SYNC_LINE='lists: [0-9]* block, [0-9]* allow entries'
syncs() {
	grep -c "$SYNC_LINE" "$DAEMON_LOG" || true
}
synced_after() {
	[ "$(syncs)" -gt "$1" ]
}
last_sync() {
	grep "$SYNC_LINE" "$DAEMON_LOG" | tail -1
}

# ---- at start ---------------------------------------------------------------
e2e_start_mxscreend "$conf"
expect_log "lists: 10 block, 2 allow entries from 4 files and mynetworks (+11 -0); 1 left as they are (a manual or list entry is there)"
assert_eq "$(file_entries block)" 9 "block entries of reason file"
assert_eq "$(file_entries allow)" 2 "allow entries of reason file"
assert_eq "$(mxs list block --json | jq -r '.[] | select(.prefix == "198.51.100.0/24") | "\(.reason) \(.comment)"')" \
	"manual admin's" "the administrator's entry on a listed prefix"
expect_decision "$allowed" "allowed file"
expect_decision "$dropped" "refused file"
expect_decision "$local" "refused file"
expect_decision "$rbl" "refused file"
expect_decision "$clean" "pass -"
expect_decision "$rbl6" "refused file"
expect_decision "$allowed6" "allowed file"
expect_decision "$clean6" "pass -"
expect_decision 198.51.100.7 "refused file"
expect_decision 198.51.100.11 "refused manual"
expect_decision 203.0.113.200 "refused file"
expect_decision 2001:db8:1:2::99 "refused file"
expect banner "$allowed" 25 "mynetworks, inside a DROP prefix"
expect timeout "$dropped" 25 "DROP prefix"
expect timeout "$local" 25 "plain file"
expect timeout "$rbl" 25 "rbldnsd file"
expect banner "$clean" 25 "unlisted"
expect timeout "$rbl6" 25 "rbldnsd file, IPv6"
expect banner "$allowed6" 25 "allowlist file"
expect banner "$clean6" 25 "unlisted IPv6"
assert_ge "$(counter drop_file)" 4 "drop_file"

# ---- edited in place (same inode) --------------------------------------------
n=$(syncs)
printf '%s\n' "$clean" >>"$L/local.txt"
wait_until 50 decision_is "$clean" "refused file" ||
	fail "an address appended to local.txt is not refused: $(decision "$clean")"
pass "appended in place: $clean refused after $(($(syncs) - n)) sync"
expect timeout "$clean" 25 "appended to local.txt"
printf '# local additions\n%s\n' "$clean" >"$L/local.txt"
wait_until 50 decision_is "$local" "pass -" ||
	fail "an address removed from local.txt is still refused: $(decision "$local")"
expect banner "$local" 25 "removed from local.txt"
expect timeout "$clean" 25 "still in local.txt"
case $(last_sync) in
*"(+0 -1)"*) pass "rewritten in place: $(last_sync)" ;;
*) fail "last sync: got $(last_sync), want (+0 -1)" ;;
esac

# ---- replaced by rename (another inode) ---------------------------------------
cat >"$L/bl.zone.new" <<EOF
:127.0.0.2:listed
203.0.113
198.51.100.4-10
$rbl6
2001:db8:1:2
!2001:db8:1:2::5
EOF
mv "$L/bl.zone.new" "$L/bl.zone"
wait_until 50 decision_is "$rbl" "pass -" ||
	fail "an address removed from bl.zone is still refused: $(decision "$rbl")"
expect banner "$rbl" 25 "removed from bl.zone"
expect timeout "$rbl6" 25 "still in bl.zone"
expect_log "$L/bl.zone:6: exclusion \"!2001:db8:1:2::5\" is not supported"

# ---- SIGHUP with other blocklist_files ----------------------------------------
printf '%s\n' "$clean6" >"$L/more.txt"
printf '%s\n' "$local" >"$L/swap.zone"
write_conf "$L/drop.txt, rbldnsd:$L/bl.zone, $L/more.txt, rbldnsd:$L/swap.zone"
n=$(syncs)
kill -HUP "$DAEMON_PID"
wait_until 50 synced_after "$n" || fail "no sync after SIGHUP: $(tail -5 "$DAEMON_LOG")"
wait_until 50 in_log "reloaded $conf" || fail "no reload: $(tail -5 "$DAEMON_LOG")"
expect_decision "$clean" "pass -"
expect_decision "$clean6" "refused file"
expect_decision "$local" "refused file"
expect banner "$clean" 25 "local.txt no longer configured"
expect timeout "$clean6" 25 "in more.txt, configured by the reload"
expect timeout "$local" 25 "in swap.zone, configured by the reload"

# ---- no gap: swap.zone replaced 50 times, always listing $local ---------------
# Two clients start a connection every 20 ms throughout: $local (listed in
# every version, alone or in a range or prefix) must never complete one;
# $allowed (mynetworks, inside some of the versions' prefixes) must never
# lose a SYN.
stop=$E2E_TMP/stop-loops
loop() {
	ip netns exec "$CLI_NS" python3 "$E2E_DIR/synloop.py" "$1" "$SERVER4" 25 \
		0.02 1.5 20000 200 "$stop" >"$2" &
	E2E_PIDS+=($!)
}
local_reached=$(reached "$local")
loop "$local" "$E2E_TMP/loop-listed.json"
loop_listed=$!
loop "$allowed" "$E2E_TMP/loop-allowed.json"
loop_allowed=$!
versions=("$local" "$local-13 :127.0.0.2:a range" "192.0.2.8/29" "192.0.2"
	"192.0.2.11-12" "$local ; the same again")
for i in $(seq 1 50); do
	n=$(syncs)
	printf '# version %d\n%s\n' "$i" "${versions[i % ${#versions[@]}]}" \
		>"$L/swap.zone.new"
	mv "$L/swap.zone.new" "$L/swap.zone"
	wait_until 50 synced_after "$n" ||
		fail "swap $i not applied: $(tail -3 "$DAEMON_LOG")"
done
pass "swap.zone replaced 50 times: $(last_sync)"
touch "$stop"
wait "$loop_listed" "$loop_allowed" || fail "a connection loop failed"
# back to $local alone, so the prefixes of the last version go
n=$(syncs)
printf '%s\n' "$local" >"$L/swap.zone.new"
mv "$L/swap.zone.new" "$L/swap.zone"
wait_until 50 synced_after "$n" || fail "swap.zone not applied: $(tail -3 "$DAEMON_LOG")"
expect_decision "$clean" "pass -"
listed=$(cat "$E2E_TMP/loop-listed.json")
allowed_loop=$(cat "$E2E_TMP/loop-allowed.json")
echo "listed source:  $listed"
echo "allowed source: $allowed_loop"
assert_ge "$(jq .attempts <<<"$listed")" 500 "connection attempts of $local during the swaps"
assert_eq "$(jq .connected <<<"$listed")" 0 "handshakes $local completed during the swaps"
assert_eq "$(reached "$local")" "$local_reached" "connections of $local that reached the server"
assert_ge "$(jq .attempts <<<"$allowed_loop")" 500 "connection attempts of $allowed during the swaps"
assert_eq "$(jq '.timeout + .error + .slow' <<<"$allowed_loop")" 0 \
	"connections of $allowed refused or delayed during the swaps"
assert_eq "$(jq '.connected' <<<"$allowed_loop")" "$(jq '.attempts' <<<"$allowed_loop")" \
	"connections of $allowed completed"

# ---- a corrupt file: FILE:LINE for each bad line, the good ones load ---------
{
	printf '%s\n' "$clean6"
	printf 'bin\000ary\377\376\n'
	printf '192.0.2.300\n'
	printf '%s/24\n' "$clean"
	printf '%s\n' "$clean"
	for i in $(seq 1 25); do printf 'junk%d\n' "$i"; done
	printf '198.51.100.0/33\n'
	printf '%s ; after the junk\n' "$rbl"
} >"$L/more.txt.new"
mv "$L/more.txt.new" "$L/more.txt"
wait_until 50 decision_is "$clean" "refused file" ||
	fail "the good lines of a corrupt file are not loaded: $(tail -5 "$DAEMON_LOG")"
expect_log "$L/more.txt:2: line contains a NUL byte (line skipped)"
expect_log "$L/more.txt:3: bad prefix \"192.0.2.300\""
expect_log "$L/more.txt:4: $clean/24 has host bits set; did you mean 192.0.2.0/24? (line skipped)"
expect_log "$L/more.txt:6: bad prefix \"junk1\""
expect_log "$L/more.txt: 9 more bad lines not shown (29 bad in all)"
assert_eq "$(grep -c "$L/more.txt:[0-9]*: .*(line skipped)" "$DAEMON_LOG")" 20 \
	"bad lines of more.txt shown"
expect_decision "$clean6" "refused file"
expect_decision "$rbl" "refused file"
expect timeout "$clean" 25 "good line of a corrupt file"
expect timeout "$rbl" 25 "good line after 25 bad ones"

# ---- a file that disappears keeps its entries ---------------------------------
rm "$L/more.txt"
wait_until 50 in_log "cannot open block list file $L/more.txt: No such file or directory; its 3 entries from the last read stay" ||
	fail "no warning for the missing file: $(tail -5 "$DAEMON_LOG")"
pass "warned: $(grep "cannot open block list file $L/more.txt" "$DAEMON_LOG" | tail -1)"
expect_decision "$clean" "refused file"
expect_decision "$clean6" "refused file"
expect timeout "$clean" 25 "listed by a file that disappeared"
expect timeout "$clean6" 25 "listed by a file that disappeared, IPv6"
printf '%s\n' "$clean6" >"$L/more.txt.new"
mv "$L/more.txt.new" "$L/more.txt"
wait_until 50 decision_is "$clean" "pass -" ||
	fail "the file is back, but its removed entry stays: $(decision "$clean")"
expect_decision "$rbl" "pass -"
expect_decision "$clean6" "refused file"
expect banner "$clean" 25 "not in the file that came back"
assert_eq "$(daemon_json .map_errors)" 0 "map errors so far"

# ---- a restart while a file is missing: nothing it may have listed goes ------
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
rm "$L/more.txt"                         # listed $clean6
printf '198.51.100.99\n' >"$L/swap.zone" # no longer lists $local
e2e_start_mxscreend "$conf"
expect_log "lists: cannot open block list file $L/more.txt: No such file or directory; it has not been read since mxscreend started, so no block entry of reason file is removed until it can be"
expect_log "; no block entry removed: a file was never read"
expect_decision "$clean6" "refused file"
expect_decision "$local" "refused file"
expect timeout "$clean6" 25 "listed by a file missing since the start"
printf '%s\n' "$clean6" >"$L/more.txt.new"
mv "$L/more.txt.new" "$L/more.txt"
wait_until 50 decision_is "$local" "pass -" ||
	fail "no removal once the missing file is back: $(decision "$local")"
expect_decision "$clean6" "refused file"
expect banner "$local" 25 "removed while the daemon was down"

# ---- a full map: reported with what to do, counted, the other maps written ----
{
	printf '%s\n' "$clean6"
	for i in $(seq 1 100); do printf '203.0.113.%d\n' "$i"; done
	printf '2001:db8:ffff::1\n'
} >"$L/more.txt.new"
mv "$L/more.txt.new" "$L/more.txt"
wait_until 50 in_log "block entries in block4_host: No space left on device (map full" ||
	fail "no map-full warning: $(tail -5 "$DAEMON_LOG")"
pass "warned: $(grep "(map full" "$DAEMON_LOG" | tail -1)"
wait_until 50 daemon_json '.map_errors >= 1' || fail "map errors not counted"
pass "map errors counted: $(daemon_json .map_errors)"
expect_decision 2001:db8:ffff::1 "refused file"
expect_decision "$clean6" "refused file"

# ---- observe mode: read and reported, nothing written -------------------------
write_conf "$L/drop.txt, $L/more.txt, rbldnsd:$L/swap.zone" "observe = yes"
n=$(syncs)
kill -HUP "$DAEMON_PID"
wait_until 50 synced_after "$n" || fail "no sync after SIGHUP: $(tail -5 "$DAEMON_LOG")"
case $(last_sync) in
*"(observe: not written)") pass "observe: $(last_sync)" ;;
*) fail "last sync: got $(last_sync), want it to end in (observe: not written)" ;;
esac
expect_decision "$rbl6" "refused file"

# ---- nothing refused, nothing lost ---------------------------------------------
assert_eq "$(mxs list block --json | jq -r '.[] | select(.prefix == "198.51.100.0/24") | "\(.reason) \(.comment)"')" \
	"manual admin's" "the administrator's entry at the end"
assert_eq "$(daemon_json .running)" true "daemon running"
