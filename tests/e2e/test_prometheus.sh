#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Monitoring: mxscreend writes the Prometheus text to prometheus_file
# every prometheus_interval and once at stop, replacing it atomically;
# `mxscreen stats --prometheus` prints the same series.  A real parser
# (prometheus_client, through promcheck.py) reads both: counters end in
# _total, no label names an address; the values move with real traffic;
# a reader never sees a partial file; a directory that is missing is
# logged once, with what to do, and the file appears once it exists.
source "$(dirname "$0")/lib.sh"

PROMCHECK=("/usr/bin/python3" "$E2E_DIR/promcheck.py")
promcheck() { "${PROMCHECK[@]}" "$@"; }

e2e_init
e2e_topology
e2e_start_smtpd 25
mxs attach mxs0 >/dev/null
clean=${CLIENTS4[0]} bad=${CLIENTS4[1]} bot=${CLIENTS4[2]}

e2e_rbl_dir
printf ':127.0.0.2:listed\n127.0.0.2\n%s\n' "$bot" >"$RBL_DIR/bl.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone

prom=$E2E_TMP/textfile/mxscreen.prom
mkdir -p "$(dirname "$prom")"
conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
dnsbl_sites = bl.test*2
dnsbl_threshold = 2
dns_servers = 127.0.0.1:$RBL_PORT
state_file =
prometheus_file = $prom
prometheus_interval = 1s
CONF
e2e_start_mxscreend "$conf"

# The file appears at start, parses, and follows the naming rules.
wait_until 50 test -s "$prom" || fail "no $prom: $(cat "$DAEMON_LOG")"
out=$(promcheck check "$prom") || fail "prometheus_file: $out"
pass "prometheus_file parses: $out"
assert_eq "$(stat -c %a "$prom")" 644 "mode of $prom"
assert_eq "$(promcheck value "$prom" mxscreen_daemon_up)" 1 "mxscreen_daemon_up in the file"

# The CLI prints the same series (values move between the two reads).
mxs stats --prometheus >"$E2E_TMP/cli.prom"
out=$(promcheck check "$E2E_TMP/cli.prom") || fail "stats --prometheus: $out"
pass "stats --prometheus parses: $out"
promcheck series "$prom" >"$E2E_TMP/series.txt"
promcheck series "$E2E_TMP/cli.prom" >"$E2E_TMP/cli-series.txt"
diff "$E2E_TMP/series.txt" "$E2E_TMP/cli-series.txt" ||
	fail "the file and stats --prometheus differ in their series"
pass "the file and stats --prometheus have the same series"
while read -r metric label; do
	grep -q "^$metric{.*$label=" "$E2E_TMP/series.txt" ||
		fail "no $metric with a $label label"
done <<LABELS
mxscreen_outcomes_total reason
mxscreen_live_entries reason
mxscreen_live_entries family
mxscreen_entries family
mxscreen_dnsbl_zone_queries_total zone
LABELS
grep -q '^mxscreen_live_entries{class=mx,.*list=block' "$E2E_TMP/series.txt" ||
	fail "no live entries by class"
pass "labels for reason, class, zone and address family"

# Atomic replacement: read it over and over while the daemon rewrites it
# every second; every read is whole, and it was replaced meanwhile.
out=$(promcheck watch "$prom" 3.5) || fail "a partial or bad file: $out"
files=$(sed -n 's/.* \([0-9]*\) files$/\1/p' <<<"$out")
assert_ge "$files" 2 "different files seen over 3.5 s (rewritten every second)"
pass "never a partial file ($out)"
leftover=$(find "$(dirname "$prom")" -name 'mxscreen.prom.*' | wc -l)
assert_eq "$leftover" 0 "temporary files left beside it"

# Values move: a refused SYN raises the drop counter in the file.
drops() { promcheck value "$prom" mxscreen_outcomes_total verdict=drop reason=manual; }
file_value_above() { [ "$("${@:2}")" -gt "$1" ]; }
before=$(drops)
mxs block "$bad" >/dev/null
expect timeout "$bad" 25 "blocked source"
wait_until 50 file_value_above "$before" drops ||
	fail "drop_manual in the file stays at $(drops) (was $before)"
pass "a refused SYN raises mxscreen_outcomes_total{verdict=drop,reason=manual} in the file"
live_manual() {
	promcheck value "$prom" mxscreen_live_entries list=block family=ipv4 \
		reason=manual class=all
}
wait_until 50 file_value_above 0 live_manual || fail "no live manual block entry in the file"
pass "the manual block entry is counted under reason manual, class all"

# A DNSBL verdict: the zone's listing and the verdict show up.
expect_in "$bot" 25 "listed source, first connection"
wait_until 50 verdict_is "$bot" block || fail "no block verdict for $bot"
listed() { promcheck value "$prom" mxscreen_dnsbl_zone_listed_total zone=bl.test site=0; }
wait_until 50 file_value_above 0 listed || fail "bl.test listing not in the file"
assert_ge "$(promcheck value "$prom" mxscreen_dnsbl_verdicts_total verdict=block)" 1 \
	"block verdicts in the file"
grep -q -e "$bot" -e "$bad" "$prom" && fail "an address in $prom"
pass "no address in the file"

# Stop: the last file says the daemon is down.
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || fail "mxscreend exited with status $?"
promcheck check "$prom" >/dev/null || fail "the file after stop does not parse"
assert_eq "$(promcheck value "$prom" mxscreen_daemon_up)" 0 "mxscreen_daemon_up after stop"

# A missing directory: one warning with what to do, however many
# intervals fail (two reloads each try at once); the file comes once the
# directory exists, and that is logged too.
prom=$E2E_TMP/later/mxscreen.prom
sed -i "s|^prometheus_file = .*|prometheus_file = $prom|" "$conf"
: >"$E2E_TMP/mxscreend.log"
e2e_start_mxscreend "$conf"
wait_until 50 grep -q "cannot write the Prometheus file $prom" "$DAEMON_LOG" ||
	fail "no warning about the missing directory: $(cat "$DAEMON_LOG")"
grep -q "create the directory $E2E_TMP/later" "$DAEMON_LOG" ||
	fail "the warning does not say what to do: $(grep Prometheus "$DAEMON_LOG")"
reloads_logged() { [ "$(grep -c "^mxscreend: reloaded" "$DAEMON_LOG")" -ge "$1" ]; }
for i in 1 2; do
	kill -HUP "$DAEMON_PID"
	wait_until 50 reloads_logged "$i" || fail "reload $i not logged"
done
mkdir "$E2E_TMP/later"
wait_until 50 test -s "$prom" || fail "no $prom once its directory exists"
assert_eq "$(grep -c "cannot write the Prometheus file" "$DAEMON_LOG")" 1 \
	"warnings about the missing directory"
wait_until 50 grep -q "wrote the Prometheus file $prom again" "$DAEMON_LOG" ||
	fail "recovery not logged"
promcheck check "$prom" >/dev/null || fail "the late file does not parse"
pass "a missing directory is logged once; the file comes when it exists"
