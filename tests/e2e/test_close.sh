#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A ban ends the connections its source already has open.  Clients hold
# connections against a server that stays silent (as postscreen does in
# its greet wait); after a manual block, a DNSBL verdict, a rate ban and
# an IPv6 block the held connections of the banned source end within 1 s
# (the client sees a RST, the server's read fails), while a clean
# client's, an allowed client's, a --keep-connections block's and the
# connections to ports of another class or not screened stay open.  Run
# once per mechanism (MXSCREEN_CLOSE_MECHANISM=bpf, then sock_diag); then
# without one (=none: said once, bans still refuse new connections); a
# last part checks that observe mode ends nothing.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology

blocked=${CLIENTS4[0]} allowed=${CLIENTS4[1]} listed=${CLIENTS4[2]}
clean=${CLIENTS4[3]} kept=${CLIENTS4[4]}
blocked6=${CLIENTS6[0]} clean6=${CLIENTS6[1]} hammer6=${CLIENTS6[2]}
OTHER=2626 # not screened

e2e_rbl_dir
printf ':127.0.0.2:listed\n127.0.0.2\n%s\n' "$listed" >"$RBL_DIR/bl.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone

conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
dnsbl_sites = bl.test
dns_servers = 127.0.0.1:$RBL_PORT
rate_limit_mx = 0
rate_prefix_v6 = 128
ban_connections = 3
ban_window = 1m
state_file =
CONF

HOLD_LOG= HOLDC_LOG=

# start_holdserver: the silent server on 25, 587 and $OTHER.
start_holdserver() {
	HOLD_LOG=$E2E_TMP/hold-$1.log
	: >"$HOLD_LOG"
	ip netns exec "$SRV_NS" python3 "$E2E_DIR/holdserver.py" "$HOLD_LOG" \
		25 587 "$OTHER" &
	E2E_PIDS+=($!)
	HOLD_PID=$!
	wait_until 50 e2e_listening 25 587 "$OTHER" || fail "holdserver did not start"
}

# hold SRC:PORT...: connections held open from the client namespace;
# returns once all are open.
hold() {
	local specs=() want=$# s src port dst
	for s in "$@"; do
		src=${s%:*} port=${s##*:} dst=$SERVER4
		[[ $src == *:* ]] && dst=$SERVER6
		specs+=("$src,$dst,$port")
	done
	ip netns exec "$CLI_NS" python3 "$E2E_DIR/holdclient.py" "$HOLDC_LOG" "${specs[@]}" &
	E2E_PIDS+=($!)
	wait_until 50 held_count_is $((HELD + want)) || fail "connections not open: $(cat "$HOLDC_LOG")"
	HELD=$((HELD + want))
}
# (a connection the server ended before connect() returned is logged as
# open, then ended)
held_count_is() { [ "$(grep -c '^open \|^failed ' "$HOLDC_LOG")" -ge "$1" ]; }

# Whether the client saw SRC's connection to PORT end (and how).
ended_how() { awk -v s="$1" -v p="$2" '$1 == "ended" && $2 == s && $3 == p { print $4; exit }' "$HOLDC_LOG"; }
ended_at() { awk -v s="$1" -v p="$2" '$1 == "ended" && $2 == s && $3 == p { print $5; exit }' "$HOLDC_LOG"; }
has_ended() { [ -n "$(ended_how "$1" "$2")" ]; }
resets_are() { [ "$(grep -c "^ended $1 $2 ECONNRESET" "$HOLDC_LOG")" = "$3" ]; }
# The server side: its read failed (ECONNABORTED) for SRC on PORT.
server_ended() { grep -q "^ended $2 $1 " "$HOLD_LOG"; }

# expect_ended SRC PORT SINCE WHAT: ended by a RST within 1 s of SINCE
# (seconds, CLOCK_REALTIME), and the server's read failed.
expect_ended() {
	local src=$1 port=$2 since=$3 what=$4 how at
	wait_until 30 has_ended "$src" "$port" ||
		fail "$what: $src's connection to $port still open; client: $(grep "$src" "$HOLDC_LOG"); server: $(grep "$src" "$HOLD_LOG"); daemon: $(grep -s "$src" "${DAEMON_LOG:-/dev/null}")"
	how=$(ended_how "$src" "$port") at=$(ended_at "$src" "$port")
	[ "$how" = ECONNRESET ] || fail "$what: $src's connection to $port ended by $how, want ECONNRESET"
	awk -v a="$at" -v s="$since" 'BEGIN { exit !(a - s < 1.0) }' ||
		fail "$what: $src's connection to $port ended $(awk -v a="$at" -v s="$since" 'BEGIN { print a - s }') s after, want < 1 s"
	wait_until 30 server_ended "$src" "$port" || fail "$what: the server's read on $src:$port did not fail"
	grep -q "^ended $port $src ECONNABORTED" "$HOLD_LOG" ||
		fail "$what: server saw $(grep "^ended $port $src" "$HOLD_LOG"), want ECONNABORTED"
	pass "$what: $src -> $port ended by RST within 1 s, the server's read failed (ECONNABORTED)"
}

# expect_open SRC PORT WHAT: still open (checked after the walk that would
# have ended it, so a later end would be someone else's doing).
expect_open() {
	has_ended "$1" "$2" && fail "$3: $1's connection to $2 was ended ($(ended_how "$1" "$2"))"
	pass "$3: $1 -> $2 still open"
}

now() { date +%s.%N; }

run_mechanism() {
	local mech=$1 t line
	export MXSCREEN_CLOSE_MECHANISM=$mech
	echo "--- mechanism $mech"
	HOLDC_LOG=$E2E_TMP/holdc-$mech.log HELD=0
	: >"$HOLDC_LOG"
	mxs attach mxs0 >/dev/null
	start_holdserver "$mech"

	# --- a manual block: class mx only ---------------------------------
	mxs allow "$allowed" >/dev/null
	hold "$blocked:25" "$blocked:587" "$blocked:$OTHER" "$clean:25" \
		"$allowed:25" "$kept:25" "$blocked6:25" "$clean6:25"
	t=$(now)
	out=$(mxs block "$blocked" --class mx)
	grep -q "ended 1 open connection ($( [ "$mech" = bpf ] && echo bpf_sock_destroy || echo sock_diag))" <<<"$out" ||
		fail "block said: $out"
	pass "block: $(tail -1 <<<"$out")"
	expect_ended "$blocked" 25 "$t" "manual block, class mx"
	expect_open "$blocked" 587 "same source, port of another class"
	expect_open "$blocked" "$OTHER" "same source, port not screened"
	expect_open "$clean" 25 "clean client"
	# --keep-connections
	out=$(mxs block "$kept" --keep-connections)
	grep -q "ended" <<<"$out" && fail "--keep-connections: $out"
	expect_open "$kept" 25 "block --keep-connections"
	# IPv6
	t=$(now)
	mxs block "$blocked6" >/dev/null
	expect_ended "$blocked6" 25 "$t" "IPv6 block"
	expect_open "$clean6" 25 "clean IPv6 client"

	# --- the daemon: a DNSBL verdict and a rate ban --------------------
	e2e_start_mxscreend "$conf"
	assert_eq "$(daemon_json .close_mechanism | tr -d '"')" \
		"$( [ "$mech" = bpf ] && echo bpf_sock_destroy || echo sock_diag)" \
		"status: close_mechanism"
	# the listed client's held connection is its first: the handshake
	# makes the daemon look it up, the verdict ends it
	hold "$listed:25"
	wait_until 50 grep -q "BLOCK \[$listed\].* closed=1" "$DAEMON_LOG" ||
		fail "no BLOCK line with closed=1: $(cat "$DAEMON_LOG")"
	t=$(now)
	expect_ended "$listed" 25 "$(awk -v t="$t" 'BEGIN { printf "%.3f", t - 0.2 }')" "DNSBL verdict"
	# four held connections in the window: the fourth is an offence, and
	# the ban ends all four (the fourth can be ended before the client's
	# connect() returns: its client then sees the RST as connect's error)
	hold "$hammer6:25" "$hammer6:25" "$hammer6:25" "$hammer6:25"
	wait_until 50 grep -q "RATE \[$hammer6\].* closed=4" "$DAEMON_LOG" ||
		fail "no RATE line with closed=4: $(grep RATE "$DAEMON_LOG")"
	wait_until 10 resets_are "$hammer6" 25 "$(grep -c "^open $hammer6 25" "$HOLDC_LOG")" ||
		fail "rate ban: $(grep "$hammer6" "$HOLDC_LOG")"
	pass "rate ban: $(grep -o "RATE.*" "$DAEMON_LOG"); every connection of $hammer6 ended by RST"
	# the daemon publishes its counters once a second
	wait_until 30 daemon_json '.connections_closed >= 5' ||
		fail "status: connections_closed $(daemon_json .connections_closed), want 5"
	pass "status: connections_closed = $(daemon_json .connections_closed), in $(daemon_json .close_walks) walks"
	prom=$(mxs stats --prometheus)
	grep -q '^mxscreen_connections_closed_total [5-9]' <<<"$prom" ||
		fail "Prometheus: $(grep connections_closed <<<"$prom")"
	pass "Prometheus: $(grep '^mxscreen_connections_closed_total' <<<"$prom")"

	# --- a prefix: the allowed source inside it keeps its connection ---
	t=$(now)
	mxs block 192.0.2.0/24 >/dev/null
	expect_ended "$clean" 25 "$t" "prefix block"
	expect_ended "$kept" 25 "$t" "prefix block (no --keep-connections this time)"
	expect_ended "$blocked" 587 "$t" "prefix block of every class"
	expect_open "$allowed" 25 "allowed source inside the blocked prefix"
	expect_open "$blocked" "$OTHER" "port not screened"

	kill "$DAEMON_PID" "$HOLD_PID" 2>/dev/null
	wait "$DAEMON_PID" "$HOLD_PID" 2>/dev/null || true
	mxs detach --all --purge >/dev/null
	# the next run's greps must not find this run's lines
	mv "$DAEMON_LOG" "$DAEMON_LOG.$mech"
}

run_mechanism bpf
run_mechanism sock_diag

# --- no mechanism: said once, and bans still stop new connections ----------
# (a kernel with neither bpf_sock_destroy nor CONFIG_INET_DIAG_DESTROY)
export MXSCREEN_CLOSE_MECHANISM=none
HOLDC_LOG=$E2E_TMP/holdc-none.log HELD=0
: >"$HOLDC_LOG"
mxs attach mxs0 >/dev/null
start_holdserver none
hold "$blocked:25"
out=$(mxs block "$blocked" 2>&1)
grep -q "open connections were not ended: .*; the entry stops new ones" <<<"$out" ||
	fail "block without a mechanism said: $out"
pass "block without a mechanism: $(grep -o "open connections were not ended.*" <<<"$out")"
expect_open "$blocked" 25 "no mechanism, manual block"
expect timeout "$blocked" 25 "no mechanism: the block still refuses a new connection"
e2e_start_mxscreend "$conf"
assert_eq "$(daemon_json .close_mechanism | tr -d '"')" unavailable "status: close_mechanism"
hold "$listed:25"
wait_until 50 grep -q "BLOCK \[$listed\]" "$DAEMON_LOG" ||
	fail "no BLOCK line: $(cat "$DAEMON_LOG")"
expect_open "$listed" 25 "no mechanism, the daemon's DNSBL ban"
expect timeout "$listed" 25 "no mechanism: the DNSBL ban still refuses a new connection"
assert_eq "$(grep -c "close_connections: cannot end open connections here" "$DAEMON_LOG")" 1 \
	"daemon lines saying it cannot end connections"
kill "$DAEMON_PID" "$HOLD_PID" 2>/dev/null
wait "$DAEMON_PID" "$HOLD_PID" 2>/dev/null || true
mxs detach --all --purge >/dev/null
mv "$DAEMON_LOG" "$DAEMON_LOG.none"

# --- observe mode ends nothing ----------------------------------------------
unset MXSCREEN_CLOSE_MECHANISM
HOLDC_LOG=$E2E_TMP/holdc-observe.log HELD=0
: >"$HOLDC_LOG"
mxs attach mxs0 >/dev/null
start_holdserver observe
mxs observe on >/dev/null
hold "$blocked:25"
out=$(mxs block "$blocked")
grep -q "observe mode: open connections left" <<<"$out" || fail "observe: $out"
# the walk would have happened before block returned
expect_open "$blocked" 25 "observe mode"
# the daemon's bans neither, though its own file says observe = no: the
# screener refuses nothing, so its bans end nothing
e2e_start_mxscreend "$conf"
hold "$listed:25"
wait_until 50 grep -q "BLOCK \[$listed\]" "$DAEMON_LOG" ||
	fail "no BLOCK line: $(cat "$DAEMON_LOG")"
grep "BLOCK \[$listed\]" "$DAEMON_LOG" | grep -q "closed=" &&
	fail "observe mode: $(grep "BLOCK \[$listed\]" "$DAEMON_LOG")"
expect_open "$listed" 25 "observe mode, the daemon's DNSBL ban"

echo "all passed"
