#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# pflog.sh - what following Postfix's log costs mxscreend.
#
# How to run: `make bench-pflog` (root), or
#   MXSCREEN=build/mxscreen XDP_PASS_OBJ=build/tests/xdp_pass.bpf.o \
#     bench/pflog.sh OUTDIR [RATE] [SECONDS]
# How to read: in throwaway namespaces (tests/e2e/lib.sh), mxscreend
# follows a log file (postfix_log) into which a writer appends RATE
# (default 100,000) lines a second for SECONDS (default 10), in batches
# every 10 ms.  The lines are real-shaped Postfix records from 65,536
# sources in 198.18.0.0/15: CONNECT, PASS, smtpd connect/disconnect, and
# one line in 50 an event (PREGREET, SASL failure, unknown recipient), so
# the daemon also counts scores and writes bans.  Halfway through, the
# file is rotated by rename.  It prints
#   - lines written, and lines the daemon read (status postfix_lines: must
#     be equal, nothing lost, nothing read twice);
#   - the daemon's CPU: user+system time over the run, as a share of one
#     core (target: under 50% at 100,000 lines/s);
#   - events, bans, and how far behind the reader was at the end.
# Writes OUTDIR/pflog.json.  Cleanup is lib.sh's: namespaces, pins, files.
set -euo pipefail

OUTDIR=${1:?usage: pflog.sh OUTDIR [RATE] [SECONDS]}
RATE=${2:-100000}
SECS=${3:-10}
OUTDIR=$(realpath "$OUTDIR")
source "$(dirname "$0")/../tests/e2e/lib.sh"

e2e_init
e2e_topology
mxs attach mxs0 >/dev/null
log=$E2E_TMP/maillog
: >"$log"
conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
postfix_log = $log
rate_limit_mx = 0
state_file =
ban_time = 1h
CONF
nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" -f -c "$conf" --pin-path "$PIN" \
	>"$E2E_TMP/mxscreend.log" 2>&1 &
E2E_PIDS+=($!)
daemon=$!
wait_until 50 daemon_json '.running == true' || fail "no daemon: $(cat "$E2E_TMP/mxscreend.log")"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks)
start=$(date +%s.%N)
# the writer: pre-built batches, appended every 10 ms; renames the file
# halfway (the daemon must finish the old one, then read the new one)
python3 - "$log" "$RATE" "$SECS" <<'PY' >"$E2E_TMP/writer.out"
import os, sys, time
path, rate, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per = rate // 100
def line(i):
    a = f"198.{18 + ((i >> 16) & 1)}.{(i >> 8) & 255}.{i & 255}"
    ts = "Dec  4 01:02:03 mx"
    k = i % 50
    if k == 0:
        return f"{ts} postfix/postscreen[10]: PREGREET 11 after 0.1 from [{a}]:4{i % 10000}: EHLO bot\\r\\n\n"
    if k == 1:
        return f"{ts} postfix/submission/smtpd[11]: warning: unknown[{a}]: SASL LOGIN authentication failed: authentication failure\n"
    if k == 2:
        return f"{ts} postfix/smtpd[12]: NOQUEUE: reject: RCPT from unknown[{a}]: 550 5.1.1 <x{i}@mx.test>: Recipient address rejected: User unknown in local recipient table; from=<a@b.test> to=<x{i}@mx.test> proto=ESMTP helo=<h>\n"
    if k < 20:
        return f"{ts} postfix/postscreen[10]: CONNECT from [{a}]:4{i % 10000} to [192.0.2.1]:25\n"
    if k < 35:
        return f"{ts} postfix/smtpd[12]: connect from unknown[{a}]\n"
    return f"{ts} postfix/smtpd[12]: disconnect from unknown[{a}] ehlo=1 mail=1 rcpt=1 quit=1 commands=4\n"
n = 0
f = open(path, "a")
t0 = time.monotonic()
batches = secs * 100
for b in range(batches):
    if b == batches // 2:
        f.close()
        os.rename(path, path + ".1")
        f = open(path, "a")
    f.write("".join(line(n + j) for j in range(per)))
    f.flush()
    n += per
    delay = t0 + (b + 1) / 100 - time.monotonic()
    if delay > 0:
        time.sleep(delay)
f.close()
print(n, time.monotonic() - t0)
PY
read -r written wall <"$E2E_TMP/writer.out"
read_all() { [ "$(daemon_json .postfix_lines)" -ge "$written" ]; }
caught_up=0
wait_until 300 read_all && caught_up=1
end=$(date +%s.%N)
t1=$(cpu_ticks)
got=$(daemon_json .postfix_lines)
events=$(daemon_json .postfix_events)
bans=$(daemon_json .postfix_bans)
elapsed=$(echo "$end - $start" | bc)
cpu_s=$(echo "scale=3; ($t1 - $t0) / $hz" | bc)
cpu_pct=$(echo "scale=1; 100 * $cpu_s / $elapsed" | bc)
offered=$(echo "scale=0; $written / $wall" | bc)

printf 'pflog: %s lines written in %.1f s (%s lines/s offered), one rename halfway\n' \
	"$written" "$wall" "$offered"
printf '  lines read by mxscreend     %s%s\n' "$got" \
	"$([ "$got" = "$written" ] && echo " (all, none twice)" || echo " (NOT equal)")"
printf '  events, bans                %s, %s\n' "$events" "$bans"
printf '  daemon CPU                  %s s over %.1f s: %s%% of one core (target < 50%%)\n' \
	"$cpu_s" "$elapsed" "$cpu_pct"
mkdir -p "$OUTDIR"
jq -n --argjson written "$written" --argjson read "$got" --argjson events "$events" \
	--argjson bans "$bans" --argjson cpu_s "$cpu_s" --argjson elapsed "$elapsed" \
	--argjson offered "$offered" --argjson caught_up "$caught_up" \
	--arg kernel "$(uname -r)" '{kernel: $kernel, offered_lines_per_s: $offered,
	written: $written, read: $read, events: $events, bans: $bans,
	daemon_cpu_s: $cpu_s, elapsed_s: $elapsed,
	daemon_cpu_percent: ($cpu_s / $elapsed * 1000 | round / 10),
	caught_up: ($caught_up == 1)}' >"$OUTDIR/pflog.json"
echo "results: $OUTDIR/pflog.json"
[ "$got" = "$written" ] || exit 1
