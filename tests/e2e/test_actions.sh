#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Refusal actions: drop, reset (TCP RST via XDP_TX, in native and skb mode)
# and observe mode (nothing refused, would-be refusals counted).
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25
clean=${CLIENTS4[0]} bad=${CLIENTS4[1]} bad6=${CLIENTS6[1]}

for mode in native skb; do
	mxs attach mxs0 --mode "$mode" --action reset >/dev/null
	mxs status | grep -q "mxs0 *$mode" || fail "status does not show mxs0 in $mode mode"
	mxs block "$bad" >/dev/null
	mxs block "$bad6" >/dev/null

	before=$(counter reset_manual)
	expect reset "$bad" 25 "reset action, $mode mode, IPv4"
	expect reset "$bad6" 25 "reset action, $mode mode, IPv6"
	assert_eq "$(($(counter reset_manual) - before))" 2 "reset_manual delta ($mode)"
	expect banner "$clean" 25 "unblocked host, reset action, $mode mode"
	assert_eq "$(reached "$bad")" 0 "connections from $bad that reached the server"

	# Back to drop at run time, without reloading.
	mxs action drop >/dev/null
	expect timeout "$bad" 25 "drop action, $mode mode"
	mxs detach mxs0 >/dev/null
done

# Screened ports change at run time, without reloading the program.
mxs attach mxs0 >/dev/null
pid=$(mxs status --json | jq .interfaces[0].program_id)
expect timeout "$bad" 25 "port 25 screened by default"
mxs ports 587 >/dev/null
expect banner "$bad" 25 "port 25 no longer screened"
mxs ports 25,465,587 | grep -q "25=mx,465=submission,587=submission" ||
	fail "ports: $(mxs ports)"
expect timeout "$bad" 25 "port 25 screened again"
assert_eq "$(mxs status --json | jq .interfaces[0].program_id)" "$pid" "program id after port changes (no reload)"
mxs detach mxs0 >/dev/null

# Observe mode: nothing refused, every would-be refusal counted.
mxs attach mxs0 >/dev/null
mxs observe on >/dev/null
before=$(counter observe_manual)
drops=$(counter drop_manual)
expect banner "$bad" 25 "observe mode lets a blocked host in"
assert_eq "$(($(counter observe_manual) - before))" 1 "observe_manual delta"
assert_eq "$(($(counter drop_manual) - drops))" 0 "drop_manual delta in observe mode"
mxs check "$bad" | grep -q "would be refused (observe mode" ||
	fail "check does not say observe mode: $(mxs check "$bad")"
pass "check reports observe mode"
mxs observe off >/dev/null
expect timeout "$bad" 25 "observe off again"
