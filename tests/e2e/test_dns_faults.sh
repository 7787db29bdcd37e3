#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# mxscreend against a DNS server that misbehaves on purpose (baddns.py):
# garbage, truncated answers, wrong IDs, a lying answer count, CNAME and
# compression-pointer loops, SERVFAIL, silence and a huge TTL.  The
# daemon keeps running, blocks no one on a fault, counts every fault per
# zone and logs it; the huge TTL is clamped to dnsbl_max_ttl.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25
mxs attach mxs0 >/dev/null

fault_zones=(garbage.test trunc.test wrongid.test count.test cname.test
	ptrloop.test servfail.test silent.test)
# the one address hugettl.test lists; every other client is listed nowhere
listed=${CLIENTS4[4]}
clients=("${CLIENTS4[@]:0:4}" "${CLIENTS6[@]}")

DNS_LOG=$E2E_TMP/baddns.log
DNS_PORT=5354
: >"$DNS_LOG"
ip netns exec "$SRV_NS" python3 "$E2E_DIR/baddns.py" 127.0.0.1 "$DNS_PORT" \
	"$DNS_LOG" "$listed" >"$E2E_TMP/baddns.out" 2>&1 &
E2E_PIDS+=($!)
baddns_answers() {
	ip netns exec "$SRV_NS" dig +short +time=1 +tries=1 -p "$DNS_PORT" \
		@127.0.0.1 2.0.0.127.garbage.test | grep -q 127.0.0.2
}
wait_until 50 baddns_answers || fail "baddns.py does not answer: $(cat "$E2E_TMP/baddns.out")"

sites=""
for z in "${fault_zones[@]}" hugettl.test; do
	sites+="$z*1 "
done
conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
dnsbl_sites = $sites
dnsbl_threshold = 1
dns_servers = 127.0.0.1:$DNS_PORT
dnsbl_timeout = 1s
dnsbl_min_ttl = 5s
dnsbl_max_ttl = 30s
state_file =
CONF
e2e_start_mxscreend "$conf"

zone_json() {
	mxs status --json | jq -r ".daemon.zones[] | select(.site == \"$1*1\") | $2"
}
for z in "${fault_zones[@]}" hugettl.test; do
	assert_eq "$(zone_json "$z" .state)" ok "$z passed its probes"
done

# Every client connects once; the daemon asks every zone about each.
lookups_before=$(daemon_json .lookups)
for c in "${clients[@]}"; do
	expect banner "$c" 25 "first connection of $c"
done
lookups_done() {
	[ "$(($(daemon_json .lookups) - lookups_before))" -ge "${#clients[@]}" ] &&
		daemon_idle
}
wait_until 100 lookups_done || fail "lookups did not finish: $(mxs status)"

# Nobody is blocked, and nobody is refused.
assert_eq "$(mxs list block --json | jq length)" 0 "block entries after faulty answers"
for c in "${clients[@]}"; do
	expect banner "$c" 25 "second connection of $c"
done
kill -0 "$DAEMON_PID" || fail "mxscreend died: $(cat "$DAEMON_LOG")"
pass "mxscreend survived every fault"

# Every fault was asked for, counted in its zone, and logged.
for z in "${fault_zones[@]}"; do
	grep -q "^$z [0-9a-f.]*\.$z\$" "$DNS_LOG" ||
		fail "no client query reached $z: $(cat "$DNS_LOG")"
	failures=$(zone_json "$z" .failures)
	[ "$failures" -ge 1 ] || fail "$z: got $failures failures, want at least 1"
	pass "$z: $failures failures counted"
	# one warning per zone and minute: a hostile server cannot flood the log
	lines=$(grep -c "DNSBL zone $z: no usable answer for \[" "$DAEMON_LOG" || true)
	assert_eq "$lines" 1 "$z: warnings logged for $failures failures"
done
assert_eq "$(zone_json hugettl.test .failures)" 0 "hugettl.test failures"

# A listing with a TTL of 68 years lasts dnsbl_max_ttl.
expect_in "$listed" 25 "first connection of the listed address"
wait_until 50 verdict_is "$listed" block ||
	fail "no block verdict for $listed: $(cat "$DAEMON_LOG")"
expires=$(mxs list block --json | jq ".[] | select(.prefix == \"$listed\") | .expires_in")
[ "$expires" -ge 1 ] && [ "$expires" -le 30 ] ||
	fail "block entry for $listed expires in $expires s, want 1..30 (dnsbl_max_ttl)"
pass "huge TTL clamped: expires in $expires s"
expect timeout "$listed" 25 "the listed address after its verdict"

# Still alive, still at work.
kill -0 "$DAEMON_PID" || fail "mxscreend died: $(cat "$DAEMON_LOG")"
assert_eq "$(daemon_json .running)" true "daemon running (heartbeat fresh)"
