#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Fault injection into a running mxscreend:
#  - more handshakes than the ring buffer holds while the daemon is stopped:
#    the overflow is counted and logged, and later events are processed;
#  - the configuration file replaced by garbage and SIGHUP sent again and
#    again: every bad file is reported with file:line, the running
#    configuration is kept, and no file descriptor leaks;
#  - the block list filled to capacity: the failed write is counted and
#    logged, existing entries keep refusing, the daemon goes on.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25

# A ring buffer of one page (about a hundred reports) instead of 1 MB:
# the loader keeps the size of a map that is already pinned.
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mkdir -p "$PIN"
bpftool map create "$PIN/events" type ringbuf key 0 value 0 entries 4096 name events
# Room for four IPv4 block entries.
mxs attach mxs0 --max-block4 4 >/dev/null

looper=${CLIENTS4[0]} fresh=${CLIENTS4[1]} bot=${CLIENTS4[2]}
manual=${CLIENTS4[3]} bot2=${CLIENTS4[4]}

e2e_rbl_dir
printf ':127.0.0.2:listed\n127.0.0.2\n%s\n%s\n' "$bot" "$bot2" >"$RBL_DIR/bl.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone

conf=$E2E_TMP/mxscreen.conf
good_conf() {
	cat >"$conf" <<CONF
dnsbl_sites = bl.test
dns_servers = 127.0.0.1:$RBL_PORT
dnsbl_timeout = 2s
# every connection counts: no SYN rate limit in the way
rate_limit_mx = 0
state_file =
CONF
}
good_conf
e2e_start_mxscreend "$conf"

# ---- ring buffer overflow -------------------------------------------------
events_before=$(daemon_json .events)
kill -STOP "$DAEMON_PID"
# 400 handshakes, one started every 5 ms (synloop.py, as test_lists uses)
made=$(ip netns exec "$CLI_NS" python3 "$E2E_DIR/synloop.py" "$looper" "$SERVER4" 25 \
	0.005 1 400 30 "$E2E_TMP/no-stop" | jq .connected)
# (a connect may time out on a loaded machine; what counts is the overflow)
[ "$made" -ge 300 ] || fail "handshakes made while mxscreend was stopped: got $made of 400"
lost=$(daemon_json .handshakes_lost)
[ "$lost" -ge 100 ] || fail "handshakes_lost: got $lost, want at least 100 of $made with a 4 KB ring"
pass "ring buffer overflow counted: $lost reports lost"
kill -CONT "$DAEMON_PID"
queued_read() { [ "$(($(daemon_json .events) - events_before))" -ge 50 ]; }
wait_until 100 queued_read || fail "the queued reports were not read: $(mxs status)"
pass "the $(($(daemon_json .events) - events_before)) queued reports were read"
lost_logged() { grep -q "handshake reports lost: the ring buffer was full" "$DAEMON_LOG"; }
wait_until 50 lost_logged || fail "no warning about lost reports: $(cat "$DAEMON_LOG")"
pass "lost reports logged"
expect banner "$fresh" 25 "a new source after the overflow"
wait_until 50 verdict_is "$fresh" clean ||
	fail "the new source was not looked up after the overflow: $(mxs status)"
pass "events after the overflow are processed"

# ---- garbage configuration, SIGHUP after SIGHUP ---------------------------
fds() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
fds_before=$(fds)
rejected() { grep -c "not reloaded; the running configuration is kept" "$DAEMON_LOG" || true; }
located() { grep -cE "$conf:[0-9]+: " "$DAEMON_LOG" || true; }
garbage() {
	case $(($1 % 5)) in
	0) head -c 300 /dev/urandom ;;
	1) printf 'dnsbl_sites = bl.test*\n' ;;
	2) printf 'dnsbl_site = bl.test\n\tcontinued\n' ;;
	3) printf 'observe = maybe\nrate_limit_mx = 5/0s\n' ;;
	4) printf 'dnsbl_timeout = 2s\n\0\n= nothing\n' ;;
	esac
}
rounds=20
for ((round = 1; round <= rounds; round++)); do
	before=$(located)
	garbage "$round" >"$conf"
	# random bytes may happen to form no line at all; make sure of one
	printf '\nbad line %d\n' "$round" >>"$conf"
	kill -HUP "$DAEMON_PID"
	rejected_now() { [ "$(rejected)" -ge "$round" ]; }
	wait_until 50 rejected_now || fail "bad file $round not rejected: $(tail -5 "$DAEMON_LOG")"
	[ "$(located)" -gt "$before" ] || fail "bad file $round reported without file:line: $(tail -5 "$DAEMON_LOG")"
done
pass "$rounds bad files rejected, each reported with file:line"
kill -0 "$DAEMON_PID" || fail "mxscreend died"
assert_eq "$(mxs status --json | jq -r '.daemon.zones[0].site')" bl.test "zone still configured"
expect_in "$bot" 25 "a listed source, first connection after the bad reloads"
wait_until 50 verdict_is "$bot" block || fail "the running configuration was lost: $(tail "$DAEMON_LOG")"
expect timeout "$bot" 25 "the listed source, refused with the kept configuration"
good_conf
kill -HUP "$DAEMON_PID"
reloaded() { grep -q "reloaded $conf" "$DAEMON_LOG"; }
wait_until 50 reloaded || fail "good file not reloaded: $(tail -5 "$DAEMON_LOG")"
assert_eq "$(fds)" "$fds_before" "file descriptors after $rounds bad reloads and a good one"

# ---- a full block list ----------------------------------------------------
# $bot holds one of the four slots; three manual entries take the rest.
mxs block "$manual" >/dev/null
mxs block 203.0.113.1 >/dev/null
mxs block 203.0.113.2 >/dev/null
if out=$(mxs block 203.0.113.3 2>&1); then
	fail "a fifth entry went into a list of four: $out"
fi
grep -q "full" <<<"$out" || fail "no clear message for a full list: $out"
pass "a fifth manual entry is refused: $out"
errors_before=$(daemon_json .map_errors)
expect banner "$bot2" 25 "a listed source when the list is full"
map_error() { [ "$(daemon_json .map_errors)" -gt "$errors_before" ]; }
wait_until 50 map_error || fail "no map error counted: $(mxs status)"
grep -q "cannot write the block entry for \[$bot2\].*map full" "$DAEMON_LOG" ||
	fail "no log line for the full map: $(tail -5 "$DAEMON_LOG")"
pass "the failed write is counted and logged"
expect timeout "$manual" 25 "an existing manual entry still refuses"
expect timeout "$bot" 25 "an existing dnsbl entry still refuses"
expect banner "$fresh" 25 "clean sources still pass"
kill -0 "$DAEMON_PID" || fail "mxscreend died"
assert_eq "$(daemon_json .running)" true "daemon running"
