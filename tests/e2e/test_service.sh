#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# mxscreend as the whole service: with `interfaces = mxs0` it attaches the
# screener itself (the same program and pinned maps as `mxscreen attach`),
# in either order with `mxscreen attach`; at stop it leaves the screener
# attached (detach_on_stop = no) or detaches from its own interfaces only
# (yes), keeping the maps; SIGHUP attaches newly listed interfaces and
# detaches removed ones (only with detach_on_stop = yes); an unknown
# interface stops it from starting, naming the interface, and on reload
# is a warning.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25
clean=${CLIENTS4[0]} bad=${CLIENTS4[1]}
# a second interface in the server namespace, for reloads
ip -n "$SRV_NS" link add mxs2 type veth peer name mxs3
ip -n "$SRV_NS" link set mxs2 up
ip -n "$SRV_NS" link set mxs3 up

# The XDP program id on an interface of the server namespace ("" = none).
xdp_id() {
	ip -j -n "$SRV_NS" -d link show "$1" | jq -r '.[0].xdp.prog.id // empty'
}
attached() { [ -n "$(xdp_id "$1")" ]; }
detached() { [ -z "$(xdp_id "$1")" ]; }
# The program id mxscreen status reports for an interface ("" = none).
status_id() {
	mxs status --json |
		jq -r ".interfaces[] | select(.name == \"$1\") | .program_id"
}

conf=$E2E_TMP/mxscreen.conf
# write_conf INTERFACES DETACH_ON_STOP [MORE LINES]
write_conf() {
	printf 'state_file =\ninterfaces = %s\ndetach_on_stop = %s\n%s' \
		"$1" "$2" "${3:-}" >"$conf"
}

stop_daemon() {
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || fail "mxscreend exited with status $?"
}

# ---- the daemon first, on nothing: it creates the maps and attaches ----
write_conf mxs0 no
e2e_start_mxscreend "$conf"
attached mxs0 || fail "nothing on mxs0: $(cat "$DAEMON_LOG")"
grep -q "attached to mxs0: native mode" "$DAEMON_LOG" ||
	fail "no attach line: $(cat "$DAEMON_LOG")"
# status tells the truth about what runs on the device (see
# test_lifecycle: alone, or behind libxdp's dispatcher)
case $(mxs status --json | jq -r '.interfaces[0].attach') in
single) assert_eq "$(xdp_id mxs0)" "$(status_id mxs0)" "program on mxs0 (ip -d link and mxscreen status)" ;;
dispatcher) assert_eq "$(bpftool -j prog show id "$(xdp_id mxs0)" | jq -r .name)" \
	xdp_dispatcher "program on mxs0 (dispatcher)" ;;
*) fail "status: $(mxs status)" ;;
esac
cfg=$(bpftool -j map show pinned "$PIN/config" | jq .id)
bpftool -j prog show id "$(status_id mxs0)" | jq -e ".map_ids | index($cfg) != null" >/dev/null ||
	fail "the daemon's program does not use the pinned config map"
pass "the daemon's program uses the maps pinned under $PIN"
mxs block "$bad" >/dev/null
expect timeout "$bad" 25 "listed source, daemon-attached screener"
expect banner "$clean" 25 "clean source (fresh maps screen the default ports)"

# then mxscreen attach: already there, nothing changes
id=$(xdp_id mxs0)
mxs attach mxs0 | grep -q "already attached to mxs0" ||
	fail "mxscreen attach after the daemon: $(mxs attach mxs0)"
assert_eq "$(xdp_id mxs0)" "$id" "program on mxs0 after mxscreen attach"

# stop with detach_on_stop = no: still attached, still screening
stop_daemon
grep -q "stopping; the kernel program and maps stay" "$DAEMON_LOG" ||
	fail "no stop line: $(tail -3 "$DAEMON_LOG")"
assert_eq "$(xdp_id mxs0)" "$id" "program on mxs0 after a stop with detach_on_stop = no"
expect timeout "$bad" 25 "listed source after the daemon stopped"

# ---- mxscreen attach first, then the daemon: it finds it done ----------
mxs detach mxs0 >/dev/null
detached mxs0 || fail "mxscreen detach left a program on mxs0"
mxs attach mxs0 >/dev/null
id=$(xdp_id mxs0)
: >"$E2E_TMP/mxscreend.log"
e2e_start_mxscreend "$conf"
assert_eq "$(xdp_id mxs0)" "$id" "program on mxs0 after the daemon started"
grep -q "mxs0: already attached" "$DAEMON_LOG" ||
	fail "the daemon does not say it found mxs0 attached: $(cat "$DAEMON_LOG")"
grep -q "attached to mxs0:" "$DAEMON_LOG" &&
	fail "the daemon attached mxs0 again: $(cat "$DAEMON_LOG")"
expect timeout "$bad" 25 "listed source, CLI-attached screener"
pass "mxscreen attach, then the daemon: one program, nothing redone"

# ---- SIGHUP: a new interface is attached (in xdp_mode), a removed one
# ---- detached only with detach_on_stop = yes ---------------------------
reloads_logged() { [ "$(grep -c "^mxscreend: reloaded" "$DAEMON_LOG")" -ge "$1" ]; }
write_conf "mxs0, mxs2" no "xdp_mode = skb
"
kill -HUP "$DAEMON_PID"
wait_until 50 attached mxs2 || fail "SIGHUP did not attach mxs2: $(cat "$DAEMON_LOG")"
assert_eq "$(mxs status --json | jq -r '.interfaces[] | select(.name == "mxs2") | .mode')" \
	skb "mode of mxs2 (xdp_mode = skb)"
assert_eq "$(xdp_id mxs0)" "$id" "program on mxs0 after the reload"
grep -q "mxs0: already attached in native mode; xdp_mode = skb takes effect" "$DAEMON_LOG" ||
	fail "no word that mxs0 keeps its mode: $(cat "$DAEMON_LOG")"
write_conf mxs0 no
kill -HUP "$DAEMON_PID"
wait_until 50 reloads_logged 2 || fail "second reload not logged"
attached mxs2 || fail "mxs2 detached on reload with detach_on_stop = no"
grep -q "mxs2 is no longer in interfaces: left attached" "$DAEMON_LOG" ||
	fail "no word about mxs2: $(cat "$DAEMON_LOG")"
write_conf "mxs0, mxs2" yes
kill -HUP "$DAEMON_PID"
wait_until 50 reloads_logged 3 || fail "third reload not logged"
write_conf mxs0 yes
kill -HUP "$DAEMON_PID"
wait_until 50 detached mxs2 || fail "mxs2 still attached after leaving interfaces (detach_on_stop = yes)"
pass "SIGHUP: attaches new interfaces, detaches removed ones only with detach_on_stop = yes"

# An unknown interface on reload: a warning naming it; the rest goes on.
write_conf "mxs0, nosuch9" yes
kill -HUP "$DAEMON_PID"
wait_until 50 reloads_logged 5 || fail "reload with nosuch9 not logged"
grep -q "cannot attach to nosuch9: no such interface" "$DAEMON_LOG" ||
	fail "no message naming nosuch9: $(cat "$DAEMON_LOG")"
grep -q "warning: nosuch9 stays unscreened" "$DAEMON_LOG" ||
	fail "no warning about nosuch9: $(cat "$DAEMON_LOG")"
daemon_json '.running == true' >/dev/null || fail "the daemon stopped over nosuch9"
attached mxs0 || fail "mxs0 detached over nosuch9"
pass "an unknown interface on reload is a warning; the daemon goes on"

# ---- stop with detach_on_stop = yes: only its own interfaces go --------
write_conf mxs0 yes
kill -HUP "$DAEMON_PID"
wait_until 50 reloads_logged 6 || fail "reload not logged"
mxs attach mxs2 >/dev/null # by hand: not the daemon's to detach
stop_daemon
grep -q "detached from mxs0 (detach_on_stop = yes); the maps and their entries stay" "$DAEMON_LOG" ||
	fail "no detach line: $(tail -5 "$DAEMON_LOG")"
detached mxs0 || fail "mxs0 still attached after a stop with detach_on_stop = yes"
attached mxs2 || fail "mxs2 (attached by hand, not configured) was detached"
expect banner "$bad" 25 "listed source once detached: nothing screens mxs0"
mxs list block | grep -q "$bad" || fail "the entry is gone with the program: $(mxs list block)"
pass "detach_on_stop = yes detaches mxs0 only and keeps the maps"
mxs detach mxs2 >/dev/null

# ... and the next start attaches again, to the same maps and entries.
: >"$E2E_TMP/mxscreend.log"
e2e_start_mxscreend "$conf"
attached mxs0 || fail "not attached again: $(cat "$DAEMON_LOG")"
expect timeout "$bad" 25 "listed source, after detach and a new start"
stop_daemon

# ---- an unknown interface at start: the daemon does not start ----------
write_conf "mxs0, nosuch9" yes
set +e
out=$(nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" -f -c "$conf" \
	--pin-path "$PIN" 2>&1)
rc=$?
set -e
assert_eq "$rc" 2 "exit status with interfaces = mxs0, nosuch9"
[[ $out == *"cannot attach to nosuch9: no such interface"* ]] ||
	fail "no message naming nosuch9: $out"
[[ $out == *"1 of 2 interfaces in interfaces = cannot be attached"*"not started"* ]] ||
	fail "does not say it did not start: $out"
# what this start attached, it detached again (detach_on_stop = yes)
detached mxs0 || fail "a failed start left mxs0 attached: $out"
pass "an unknown interface at start: not started, the interface named"
