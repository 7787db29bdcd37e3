#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# mxscreend's life: it refuses to start on a bad configuration (file:line),
# runs on defaults without one, detaches as a daemon, and when killed
# leaves the screener refusing what it already knew.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25
mxs attach mxs0 >/dev/null

mxsd() {
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" --pin-path "$PIN" "$@"
}

# A bad file: every problem reported with file and line, exit status 1.
bad=$E2E_TMP/bad.conf
printf 'dnsbl_sites = bl.test*x\ndnsbl_timeout = 5 minutes\nobserve = maybe\n  continued\nmax_lookups_in_fligth = 5\n' >"$bad"
set +e
out=$(mxsd -f -c "$bad" 2>&1); rc=$?
set -e
assert_eq "$rc" 1 "exit status with a bad configuration"
for line in 1 2 3 5; do
	[[ $out == *"$bad:$line: "* ]] || fail "no message for line $line: $out"
done
[[ $out == *"did you mean max_lookups_in_flight"* ]] || fail "no suggestion: $out"
[[ $out == *"not started"* ]] || fail "does not say it did not start: $out"
pass "a bad configuration is reported line by line and refused"
set +e
out=$(mxsd -f -c "$E2E_TMP/missing.conf" 2>&1); rc=$?
set -e
assert_eq "$rc" 1 "exit status with a missing -c file"
[[ $out == *"missing.conf: cannot open"* ]] || fail "unhelpful message: $out"

# Daemon mode: the command returns, the daemon runs on in the background.
good=$E2E_TMP/good.conf
printf 'dnsbl_sites =\nobserve = no\nstate_file =\n' >"$good"
mxsd -c "$good"
wait_until 50 daemon_json '.running == true' || fail "daemon not running: $(mxs status)"
pid=$(daemon_json .pid)
E2E_PIDS+=("$pid")
[ -d "/proc/$pid" ] || fail "pid $pid from the heartbeat does not exist"
pass "daemon mode: running as pid $pid"
[ "$(daemon_json '.zones | length')" = 0 ] || fail "zones without dnsbl_sites"

# Killed: the heartbeat goes stale; what the screener knew keeps working.
mxs block "${CLIENTS4[1]}" >/dev/null
kill -9 "$pid"
wait_until 100 daemon_json '.running == false' || fail "a killed daemon still shows as running"
assert_eq "$(mxs status --json | jq -r .daemon.state)" "not running (no heartbeat: killed?)" "state after kill -9"
expect timeout "${CLIENTS4[1]}" 25 "blocked while the daemon is dead"
expect banner "${CLIENTS4[0]}" 25 "others still connect while the daemon is dead"

# No configuration file at all: built-in defaults, and it says so.  The
# default state file is the system's, so only where there is none yet,
# and it is removed again afterwards.
if [ ! -e /etc/mxscreen/mxscreen.conf ] && [ ! -e /var/lib/mxscreen ]; then
	# nsenter itself in the background (it execs the daemon), so that
	# the pid recorded for cleanup is the daemon's
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" --pin-path "$PIN" -f \
		>"$E2E_TMP/defaults.log" 2>&1 &
	E2E_PIDS+=($!)
	wait_until 50 daemon_json '.running == true' || fail "no daemon on defaults: $(cat "$E2E_TMP/defaults.log")"
	grep -q "running on built-in defaults" "$E2E_TMP/defaults.log" ||
		fail "does not say it runs on defaults: $(cat "$E2E_TMP/defaults.log")"
	grep -q "no dnsbl_sites configured" "$E2E_TMP/defaults.log" ||
		fail "does not say no zones are configured"
	pass "runs on built-in defaults and says so"
	kill "${E2E_PIDS[-1]}"
	wait "${E2E_PIDS[-1]}" 2>/dev/null || true
	rm -rf /var/lib/mxscreen
fi
