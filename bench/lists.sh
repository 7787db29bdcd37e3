#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# lists.sh - what a big static list costs mxscreend.
#
# How to run: `make bench-lists` (root), or
#   MXSCREEN=build/mxscreen XDP_PASS_OBJ=build/tests/xdp_pass.bpf.o \
#     bench/lists.sh OUTDIR [ENTRIES]
# How to read: in throwaway namespaces (tests/e2e/lib.sh), mxscreend starts
# with blocklist_files naming a file of ENTRIES (default 1,000,000)
# distinct IPv4 hosts in 198.18.0.0/15 and prometheus_file written every
# 15 s, and it prints
#   - start to first sync: the daemon started until its "lists:" line;
#   - resync after an edit: one line appended to the file until the daemon
#     logged the new total (includes the wait for the file to look the same
#     in two polls a second apart, so 1 to 2 s of it is waiting by design);
#   - stats --prometheus: one run of the CLI's exposition (walks the lists);
#   - idle CPU: the daemon's user+system time over 60 s with no traffic;
#   - the daemon's resident memory.
# Writes OUTDIR/lists.json.  Cleanup is lib.sh's: namespaces, pins, files.
set -euo pipefail

OUTDIR=${1:?usage: lists.sh OUTDIR [ENTRIES]}
ENTRIES=${2:-1000000}
OUTDIR=$(realpath "$OUTDIR")
source "$(dirname "$0")/../tests/e2e/lib.sh"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

e2e_init
e2e_topology
mxs attach mxs0 >/dev/null
list=$E2E_TMP/big.txt
python3 - "$list" "$ENTRIES" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(f"198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}\n")
PY
conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
blocklist_files = $list
prometheus_file = $E2E_TMP/mxscreen.prom
prometheus_interval = 15s
state_file =
CONF

t0=$(now)
e2e_start_mxscreend "$conf"
synced() { grep -q "lists: $1 block" "$DAEMON_LOG"; }
wait_until 1200 synced "$ENTRIES" || fail "no first sync: $(tail -3 "$DAEMON_LOG")"
start_s=$(secs "$t0" "$(now)")

echo 198.51.100.77 >>"$list"
t0=$(now)
wait_until 1200 synced "$((ENTRIES + 1))" || fail "no resync: $(tail -3 "$DAEMON_LOG")"
resync_s=$(secs "$t0" "$(now)")

t0=$(now)
mxs stats --prometheus >/dev/null
prom_s=$(secs "$t0" "$(now)")

ticks=$(getconf CLK_TCK)
c0=$(awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat")
sleep 60 # the measurement itself: a minute of an idle daemon
c1=$(awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat")
idle_s=$(echo "scale=2; ($c1 - $c0) / $ticks" | bc)
rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$DAEMON_PID/status")

printf 'lists: %d entries\n' "$ENTRIES"
printf '  start to first sync       %8.2f s\n' "$start_s"
printf '  resync after an edit      %8.2f s\n' "$resync_s"
printf '  stats --prometheus        %8.2f s\n' "$prom_s"
printf '  idle CPU                  %8.2f s per minute\n' "$idle_s"
printf '  daemon RSS                %8d kB\n' "$rss_kb"
mkdir -p "$OUTDIR"
printf '{"entries":%d,"start_s":%s,"resync_s":%s,"prometheus_s":%s,"idle_cpu_s_per_min":%s,"rss_kb":%d}\n' \
	"$ENTRIES" "$start_s" "$resync_s" "$prom_s" "$idle_s" "$rss_kb" >"$OUTDIR/lists.json"
