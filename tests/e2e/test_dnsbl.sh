#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# mxscreend against a real rbldnsd: a listed source connects once and is
# then refused in XDP; unlisted sources keep connecting; a DNSWL listing
# outweighs a blocklist; zones that refuse us or list the world block no
# one; entries expire; spoofed SYNs cause no queries; a dead DNS server
# blocks no one; a bad config on SIGHUP keeps the running one.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25 587
mxs attach mxs0 >/dev/null

clean=${CLIENTS4[0]} bot=${CLIENTS4[1]} friend=${CLIENTS4[2]}
other=${CLIENTS4[3]} late=${CLIENTS4[4]} bot6=${CLIENTS6[1]}

e2e_rbl_dir
# bl.test lists the bot and the friend; wl.test (a DNSWL) the friend;
# refuse.test answers like a list that refuses a public resolver;
# world.test lists everything, 127.0.0.1 included.
printf ':127.0.0.2:listed\n127.0.0.2\n%s\n%s\n' "$bot" "$friend" >"$RBL_DIR/bl.zone"
printf '2001:db8::11\n' >"$RBL_DIR/bl6.zone"
printf ':127.0.10.1:dnswl\n127.0.0.2\n%s\n' "$friend" >"$RBL_DIR/wl.zone"
printf ':127.255.255.254:refused\n127.0.0.0/8\n192.0.0.0/8\n' >"$RBL_DIR/refuse.zone"
printf ':127.0.0.2:everyone\n127.0.0.0/8\n192.0.0.0/8\n' >"$RBL_DIR/world.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone bl.test:ip6trie:bl6.zone \
	wl.test:ip4set:wl.zone refuse.test:ip4set:refuse.zone \
	world.test:ip4set:world.zone

conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
# the e2e test's configuration
dnsbl_sites = bl.test*2, wl.test*-5,
    refuse.test*5 world.test*5
dnsbl_threshold = 2
dnsbl_allowlist_threshold = -1
dns_servers = 127.0.0.1:$RBL_PORT
dnsbl_min_ttl = 2s
dnsbl_max_ttl = 4s
dnsbl_timeout = 2s
# no state file: a test never touches /var/lib
state_file =
CONF
e2e_start_mxscreend "$conf"
# a manual entry that expires at once: the daemon must never remove it
mxs block 203.0.113.9 --ttl 1s >/dev/null

# Zone health as the probes found it.
zone_state() {
	mxs status --json | jq -r ".daemon.zones[] | select(.site == \"$1\") | .state"
}
assert_eq "$(zone_state bl.test*2)" ok "bl.test state"
assert_eq "$(zone_state wl.test*-5)" ok "wl.test state"
assert_eq "$(zone_state refuse.test*5)" "refuses queries: disabled" "refuse.test state"
assert_eq "$(zone_state world.test*5)" "lists 127.0.0.1: disabled" "world.test state"
grep -q "refuse.test answered 127.255.255.254" "$DAEMON_LOG" ||
	fail "no loud warning about refuse.test: $(cat "$DAEMON_LOG")"
grep -q "world.test lists 127.0.0.1" "$DAEMON_LOG" ||
	fail "no loud warning about world.test: $(cat "$DAEMON_LOG")"
pass "misbehaving zones are disabled and logged"

# A listed source connects once, then dies at XDP.
expect_in "$bot" 25 "listed source, first connection"
wait_until 50 verdict_is "$bot" block ||
	fail "no block verdict for $bot: $(cat "$DAEMON_LOG")"
# at once: the entry lives dnsbl_max_ttl, and sanitizer builds are slow
mxs check "$bot" | grep -q "refused (drop) by block $bot (dnsbl" ||
	fail "check $bot: $(mxs check "$bot")"
pass "check shows the dnsbl block entry"
expect timeout "$bot" 25 "listed source after its verdict"
expect banner "$bot" 587 "dnsbl entries block the mx class only"
assert_eq "$(reached "$bot")" 2 "connections from $bot that reached the server (one per class)"
grep -q "BLOCK \[$bot\] score=2 bl.test=127.0.0.2\*2 ttl=[0-9]*s class=mx" "$DAEMON_LOG" ||
	fail "no BLOCK log line: $(cat "$DAEMON_LOG")"
pass "BLOCK line logged postscreen-style"

# Prometheus text: well-formed samples, the verdict and the zone counted,
# no per-address label.
prom=$(mxs stats --prometheus)
bad=$(grep -v '^#' <<<"$prom" | grep -Ev '^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9]+$' || true)
[ -z "$bad" ] || fail "malformed Prometheus lines: $bad"
grep -q '^mxscreen_dnsbl_verdicts_total{verdict="block"} [1-9]' <<<"$prom" || fail "no block verdict in: $prom"
grep -q '^mxscreen_dnsbl_zone_listed_total{zone="bl.test",site="0"} [1-9]' <<<"$prom" || fail "no bl.test listing in: $prom"
grep -q '^mxscreen_outcomes_total{verdict="drop",reason="dnsbl"} [1-9]' <<<"$prom" || fail "no dnsbl drop in: $prom"
grep -q "$bot" <<<"$prom" && fail "an address in the metrics"
pass "stats --prometheus"
assert_eq "$(fail2ban_matches "$DAEMON_LOG")" "$(grep -c "^mxscreend: BLOCK " "$DAEMON_LOG")" \
	"BLOCK lines fail2ban's filter parses"

# IPv6: reversed nibbles.
expect_in "$bot6" 25 "listed IPv6 source, first connection"
wait_until 50 verdict_is "$bot6" block ||
	fail "no block verdict for $bot6: $(cat "$DAEMON_LOG")"
expect timeout "$bot6" 25 "listed IPv6 source after its verdict"

# An unlisted source keeps connecting, and is looked up once.
for i in 1 2 3; do expect banner "$clean" 25 "unlisted source, connection $i"; done
wait_until 50 verdict_is "$clean" clean || fail "no clean verdict for $clean"
assert_eq "$(rbl_queries "10.2.0.192.bl.test")" 1 "bl.test queries for $clean (cached after the first)"

# DNSWL outweighs the blocklist: 2 - 5 = -3 <= -1 -> allow entry.
expect banner "$friend" 25 "listed and DNSWL-listed source"
wait_until 50 verdict_is "$friend" allow || fail "no allow verdict for $friend"
expect banner "$friend" 25 "DNSWL-listed source, again"
mxs list allow --json | jq -e ".[] | select(.prefix == \"$friend\" and .reason == \"dnsbl\")" >/dev/null ||
	fail "no dnsbl allow entry: $(mxs list allow)"
pass "DNSWL weight wins, allow entry written"

# Zones that list everyone, or refuse us, block no one.
for i in 1 2; do expect banner "$other" 25 "listed only by disabled zones, $i"; done
wait_until 50 verdict_is "$other" clean || fail "no clean verdict for $other"
assert_eq "$(rbl_queries "13.2.0.192.refuse.test")" 0 "queries to the disabled refuse.test"

# Entries expire (max ttl 4s) and the source gets in again.
for ((i = 0; i < 20; i++)); do
	[ "$(probe "$bot" 25)" = banner ] && break
done
[ "$i" -lt 20 ] || fail "$bot still refused long after its 4s ttl"
pass "$bot connects again after its entry expired"

# The daemon removes its own expired entries (the IPv6 bot's, which has
# not come back), and never an entry of any other reason (the manual one
# made at the start, expired long before).
wait_until 200 bash -c "! nsenter --net=/run/netns/$SRV_NS $MXSCREEN --pin-path $PIN list block | grep -q '^block  *$bot6 '" ||
	fail "expired dnsbl entry for $bot6 not removed: $(mxs list block)"
pass "expired dnsbl entry removed by the daemon"
mxs list block | grep -q "203.0.113.9 .*manual *expired" ||
	fail "the daemon touched an expired manual entry: $(mxs list block)"
pass "expired manual entry left alone"

# Spoofed SYNs from 2000 addresses: no handshake, so no event, no query.
# First let the bot's new connection be looked up again, so that nothing
# is in flight when the counting starts.  Its verdict lives 2 s and the
# sweep above may take 5: the cached one may be stale by now.
cached_verdict_is() {
	[ "$(mxs check "$1" --json | jq -r '.dnsbl.verdict // ""')" = "$2" ]
}
wait_until 50 cached_verdict_is "$bot" block || fail "no new verdict for $bot"
wait_until 50 daemon_idle || fail "lookups stuck in flight"
hs_ours() {
	mxs status --json | jq '.daemon | .handshakes - .handshakes_other_netns'
}
hs_before=$(hs_ours)
clean_before=$(counter pass_clean)
sent=$(ip netns exec "$CLI_NS" python3 "$E2E_DIR/synflood.py" "$SERVER4" 25 2000 198.18)
wait_until 100 counter_grew pass_clean "$clean_before" "$sent" ||
	fail "the flood did not arrive: pass_clean grew by $(($(counter pass_clean) - clean_before))"
# (handshakes in other namespaces, e.g. a benchmark running beside the
# test, are counted by the kernel program but not reported to us)
assert_eq "$(($(hs_ours) - hs_before))" 0 "handshakes from the spoofed flood"
assert_eq "$(grep -c "handshake \[198\.18\." "$DAEMON_LOG" || true)" 0 "spoofed sources the daemon heard of"
assert_eq "$(rbl_queries ".18.198.bl.test")" 0 "DNS queries for spoofed sources"

# A bad configuration on SIGHUP is reported; the running one stays.
cp "$conf" "$conf.good"
printf 'dnsbl_sites = bl.test*2\ndnsbl_treshold = 3\ndnsbl_min_ttl = soon\n' >"$conf"
kill -HUP "$DAEMON_PID"
wait_until 50 grep -q "not reloaded; the running configuration is kept" "$DAEMON_LOG" ||
	fail "bad config not reported: $(cat "$DAEMON_LOG")"
grep -q "$conf:2: .*dnsbl_treshold.*did you mean dnsbl_threshold" "$DAEMON_LOG" ||
	fail "no file:line for the unknown name: $(cat "$DAEMON_LOG")"
grep -q "$conf:3: " "$DAEMON_LOG" || fail "no file:line for the bad duration"
assert_eq "$(mxs status --json | jq '.daemon.zones | length')" 4 "zones after a bad reload"
cp "$conf.good" "$conf"

# A dead DNS server blocks no one, and the daemon keeps running.
kill "$RBLDNSD_PID"
wait "$RBLDNSD_PID" 2>/dev/null || true
expect banner "$late" 25 "new source while the DNS server is dead"
wait_until 100 verdict_is "$late" failed ||
	fail "no failed verdict for $late: $(cat "$DAEMON_LOG")"
expect banner "$late" 25 "after the failed lookup"
assert_eq "$(daemon_json .running)" true "daemon running after DNS failures"
mxs check "$late" | grep -q "passes: no entry covers it" || fail "check $late: $(mxs check "$late")"
pass "a dead DNS server blocks no one"

# SIGTERM stops cleanly; the screener keeps what it knows.
mxs block "$other" >/dev/null
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
assert_eq "$(mxs status --json | jq -r .daemon.state)" stopped "daemon state after SIGTERM"
expect timeout "$other" 25 "blocked source after the daemon stopped"
