#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# mxscreend stopped and started 100 times in a row while connections keep
# coming: a blocked source never gets through, a clean one is never
# refused, every verdict is still there at the end, the pins are the same
# set, and nothing leaks: one handshake program, the same number of file
# descriptors in each new daemon, no BPF maps or programs left behind.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25
mxs attach mxs0 >/dev/null

clean=${CLIENTS4[0]} bot=${CLIENTS4[1]} manual=${CLIENTS4[2]} bot6=${CLIENTS6[1]}
RESTARTS=${RESTARTS:-100}

e2e_rbl_dir
printf ':127.0.0.2:listed\n127.0.0.2\n%s\n' "$bot" >"$RBL_DIR/bl.zone"
printf '%s\n' "$bot6" >"$RBL_DIR/bl6.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone bl.test:ip6trie:bl6.zone

conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
dnsbl_sites = bl.test
dns_servers = 127.0.0.1:$RBL_PORT
# verdicts outlive the test
dnsbl_min_ttl = 10m
dnsbl_max_ttl = 1h
rate_limit_mx = 0
state_file =
CONF
e2e_start_mxscreend "$conf"

# The verdicts to keep: two DNSBL blocks, a manual block, a clean result.
mxs block "$manual" >/dev/null
for src in "$bot" "$bot6"; do
	expect_in "$src" 25 "first connection of $src"
done
expect banner "$clean" 25 "first connection of $clean"
wait_until 50 verdict_is "$bot" block || fail "no verdict for $bot"
wait_until 50 verdict_is "$bot6" block || fail "no verdict for $bot6"
wait_until 50 verdict_is "$clean" clean || fail "no verdict for $clean"
entries_before=$(mxs list --json | jq -c 'map({list, prefix, reason}) | sort')
pins_before=$(ls "$PIN" | sort | tr '\n' ' ')
# BPF objects a daemon holds open, by the kind of their descriptors
# (anon_inode:bpf-prog, bpf-map, bpf_link); other tests may run their own
# daemons meanwhile, so nothing system-wide is counted.
held() { find "/proc/$2/fd" -lname "anon_inode:bpf[-_]$1*" | wc -l; }
progs_before=$(held prog "$DAEMON_PID")
maps_before=$(held map "$DAEMON_PID")
links_before=$(held link "$DAEMON_PID")
[ "$progs_before" -ge 1 ] && [ "$links_before" -ge 1 ] ||
	fail "mxscreend holds $progs_before programs and $links_before links, want 1 or more of each"

# Traffic for as long as the restarts take (bounded: 240 s at most): a
# connection from each source every 50 ms (synloop.py, as test_lists).
stop=$E2E_TMP/stop-traffic
loop() {
	ip netns exec "$CLI_NS" python3 "$E2E_DIR/synloop.py" "$1" "$SERVER4" 25 \
		0.05 1.5 20000 240 "$stop" >"$2" &
	E2E_PIDS+=($!)
}
loop "$bot" "$E2E_TMP/loop-bot.json"
loop_bot=$!
loop "$clean" "$E2E_TMP/loop-clean.json"
loop_clean=$!

daemon_is() { [ "$(mxs status --json | jq -r '.daemon.pid')" = "$1" ] && daemon_json .running >/dev/null; }
fds() { ls "/proc/$1/fd" | wc -l; }
fd_counts=()
start=$SECONDS
for ((round = 1; round <= RESTARTS; round++)); do
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || fail "round $round: mxscreend exited with $?: $(tail -5 "$DAEMON_LOG")"
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" -f -c "$conf" \
		--pin-path "$PIN" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	E2E_PIDS+=($DAEMON_PID)
	wait_until 100 daemon_is "$DAEMON_PID" ||
		fail "round $round: mxscreend did not come up: $(tail -5 "$DAEMON_LOG")"
	fd_counts+=("$(fds "$DAEMON_PID")")
	[ "$(held prog "$DAEMON_PID")" = "$progs_before" ] ||
		fail "round $round: the daemon holds $(held prog "$DAEMON_PID") programs, the first held $progs_before"
	[ "$(held map "$DAEMON_PID")" = "$maps_before" ] ||
		fail "round $round: the daemon holds $(held map "$DAEMON_PID") maps, the first held $maps_before"
	[ "$(held link "$DAEMON_PID")" = "$links_before" ] ||
		fail "round $round: the daemon holds $(held link "$DAEMON_PID") links, the first held $links_before"
done
pass "$RESTARTS restarts in $((SECONDS - start)) s"
touch "$stop"
wait "$loop_bot" "$loop_clean" || fail "a connection loop failed"
bot_loop=$(cat "$E2E_TMP/loop-bot.json")
clean_loop=$(cat "$E2E_TMP/loop-clean.json")
echo "blocked source: $bot_loop"
echo "clean source:   $clean_loop"
assert_ge "$(jq .attempts <<<"$bot_loop")" 100 "connection attempts of $bot during the restarts"
assert_eq "$(jq .connected <<<"$bot_loop")" 0 "handshakes $bot completed during the restarts"
assert_ge "$(jq .attempts <<<"$clean_loop")" 100 "connection attempts of $clean during the restarts"
assert_eq "$(jq '.timeout + .error' <<<"$clean_loop")" 0 "connections of $clean refused during the restarts"

assert_eq "$(mxs list --json | jq -c 'map({list, prefix, reason}) | sort')" "$entries_before" "entries after $RESTARTS restarts"
assert_eq "$(dnsbl_verdict "$clean")" clean "cached clean result"
assert_eq "$(ls "$PIN" | sort | tr '\n' ' ')" "$pins_before" "pins"
pass "every daemon held $progs_before programs, $maps_before maps and $links_before links"
distinct=$(printf '%s\n' "${fd_counts[@]}" | sort -u | tr '\n' ' ')
assert_eq "$(wc -w <<<"$distinct")" 1 "distinct fd counts over $RESTARTS daemons ($distinct)"
expect timeout "$bot" 25 "blocked source at the end"
expect banner "$clean" 25 "clean source at the end"
