#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Blocked sources cannot connect while others can; allow wins; unblock and
# expiry restore access; classes; IPv6; the counters match what happened.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25 587
mxs attach mxs0 --mode native >/dev/null

clean=${CLIENTS4[0]} bad=${CLIENTS4[1]} friend=${CLIENTS4[2]}
subm=${CLIENTS4[3]}

# Before any entry: everyone gets the banner.
expect banner "$clean" 25 "no entries"
expect banner "$bad" 25 "no entries"

# A blocked host cannot connect; the others still can.
mxs block "$bad" --comment "e2e bad host" >/dev/null
expect timeout "$bad" 25 "blocked host"
expect timeout "$bad" 587 "blocked host, all classes"
expect banner "$clean" 25 "unrelated host"
assert_eq "$(reached "$bad")" 1 "connections from $bad that reached the server (only the one before the block)"

# A blocked prefix covers everyone in it, except the allowed host.
mxs block 192.0.2.0/24 >/dev/null
mxs allow "$friend" >/dev/null
expect timeout "$clean" 25 "inside blocked /24"
expect banner "$friend" 25 "allowed inside blocked /24"
mxs unblock 192.0.2.0/24 >/dev/null
expect banner "$clean" 25 "after unblock of the /24"

# Unblock restores access.
mxs unblock "$bad" >/dev/null
expect banner "$bad" 25 "after unblock"

# Class masks: an mx-only entry refuses port 25 but not submission.
mxs block "$subm" --class mx >/dev/null
expect timeout "$subm" 25 "mx-only entry, port 25"
expect banner "$subm" 587 "mx-only entry, port 587"

# IPv6 host and prefix entries.
mxs block "${CLIENTS6[1]}" >/dev/null
expect timeout "${CLIENTS6[1]}" 25 "blocked IPv6 host"
expect banner "${CLIENTS6[0]}" 25 "other IPv6 host"
mxs block 2001:db8::/120 --class submission >/dev/null
expect banner "${CLIENTS6[0]}" 25 "IPv6 /120 for submission only, port 25"
expect timeout "${CLIENTS6[0]}" 587 "IPv6 /120 for submission only, port 587"
mxs unblock 2001:db8::/120 >/dev/null

# IPv4-mapped IPv6 is stored as IPv4.
out=$(mxs block "::ffff:$clean" --ttl 1h)
[[ $out == *"blocked $clean "* ]] || fail "::ffff:$clean not stored as $clean: $out"
pass "::ffff:$clean stored as $clean"
expect timeout "$clean" 25 "blocked through its IPv4-mapped form"
mxs unblock "$clean" >/dev/null

# Expiry: the kernel stops honouring the entry on its own.
mxs block "$bad" --ttl 2s >/dev/null
expect timeout "$bad" 25 "entry with 2s ttl, fresh"
# Poll: each refused probe waits PROBE_TIMEOUT, so this is bounded.
for ((i = 0; i < 20; i++)); do
	[ "$(probe "$bad" 25)" = banner ] && break
done
[ "$i" -lt 20 ] || fail "$bad still refused long after its 2s ttl"
pass "$bad connects again after its ttl expired"
before=$(counter pass_expired)
expect banner "$bad" 25 "expired entry still in the map"
assert_eq "$(($(counter pass_expired) - before))" 1 "pass_expired per connection"
mxs list block | grep -q "$bad .*expired" || fail "list does not show $bad as expired"
pass "list shows the expired entry"

# Counters match: each successful connection is exactly one SYN.
b_clean=$(counter pass_clean) b_allowed=$(counter pass_allowed)
b_drop=$(counter drop_manual) b_reached=$(wc -l <"$SMTPD_LOG")
mxs block "$bad" >/dev/null
for i in 1 2 3; do expect banner "$clean" 25 "counted clean $i"; done
for i in 1 2; do expect banner "$friend" 25 "counted allowed $i"; done
expect timeout "$bad" 25 "counted drop"
assert_eq "$(($(counter pass_clean) - b_clean))" 3 "pass_clean delta"
assert_eq "$(($(counter pass_allowed) - b_allowed))" 2 "pass_allowed delta"
assert_ge "$(($(counter drop_manual) - b_drop))" 1 "drop_manual delta"
assert_eq "$(($(wc -l <"$SMTPD_LOG") - b_reached))" 5 "connections that reached the server"

# Every packet is counted exactly once.
mxs stats --json | jq -e '.packets == ([to_entries[] | select(.key | test("^(pass|drop|reset|observe)_")) | .value] | add)' >/dev/null ||
	fail "outcome counters do not sum to packets: $(mxs stats --json)"
pass "outcome counters sum to packets"

# check explains the verdict per class.
mxs check "$subm" | grep -q "mx (25): *refused (drop) by block $subm" ||
	fail "check $subm: $(mxs check "$subm")"
mxs check "$subm" | grep -q "submission (465,587): *passes: not meant for this class" ||
	fail "check $subm: $(mxs check "$subm")"
pass "check explains class-specific entries"
