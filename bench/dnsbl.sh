#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# dnsbl.sh - mxscreend against a local rbldnsd, fed by real TCP handshakes
# from new source addresses.  Measures:
#   1. the new sources per second the daemon sustains: the offered rate is
#      ramped (BENCH_DNSBL_RATES, default 1000 2000 5000 8000 10000 per second,
#      BENCH_DNSBL_SECONDS each, default 5), every connection from an
#      address never seen before;
#   2. memory per cached address: the dnsbl_cache map's kernel memory
#      (bpftool's bytes_memlock) per entry and per slot, and the growth of
#      the daemon's resident memory per cached address;
#   3. the delay from a listed source's handshake to its block entry: the
#      delay=X.Yms of the daemon's BLOCK lines, p50/p99, per step.
# Targets: >= 5,000 new sources/s sustained; block entry within 50 ms p99.
#
# How to run: `make bench-dnsbl` (root), or with the variables bench.mk
# sets: MXSCREEN, XDP_PASS_OBJ, LOADGEN, GREETER, then
#   bench/dnsbl.sh OUTDIR
# Writes OUTDIR/dnsbl.json (and the raw per-step material next to it
# under OUTDIR/dnsbl/) and prints a table.
#
# Set-up (tests/e2e/lib.sh): the end-to-end tests' two namespaces, with
# mxscreen attached to the server's veth.  In the client namespace the
# whole benchmarking range 198.18.0.0/15 is local (AnyIP route on lo), so
# bench/loadgen binds any of its addresses with IP_FREEBIND; the server
# routes the range back through the client's veth address (one neighbour
# entry, not 100,000).  bench/greeter answers on port 25.  rbldnsd serves
# bl.test, listing every tenth source of the range and 127.0.0.2 (lib.sh
# has it log every query, unbuffered: that is in its CPU figure); the
# daemon's caps are raised and its TTLs are an hour, so nothing expires
# and every source is looked up exactly once.
#
# "Sustained" for a step: every offered connection completed its
# handshake, every handshake was queued to the daemon (none lost), every
# queued source was looked up (none skipped for the rate or in-flight
# caps) and answered (no failure), the lookups in flight never reached
# half a second's worth (no backlog built up) and the daemon caught up
# after the load.  "catchup" is how long that took after the load ended:
# the daemon publishes its counters once a second, and a lookup whose
# query or answer was dropped waits for c-ares' retry.
#
# Which component limits: CPU seconds of mxscreend, rbldnsd, the greeter
# and the load generator over each step (from /proc/PID/stat, the
# generator's own getrusage) and of all processes together (all%, 200% =
# both cores; the kernel's TCP work on veth is mostly charged to the
# process that sends), and the share of the time in which some runnable
# task waited for a CPU (waitcpu%, from /proc/pressure/cpu).
#
# Where packets were lost, per step: SYNretr = the clients' SYN
# retransmissions (each costs a connection one second; the veth rings
# overflow when the CPU that drains them is busy: veth_*_dropped), and
# udpdrop r/d = DNS packets dropped at a full socket receive buffer, at
# rbldnsd / at the daemon.  A lost query or answer costs the lookup
# c-ares' retry timeout (dnsbl_timeout / 3) and, when the retry is lost
# too, the lookup fails (the source passes, looked up again later).
#
# The daemon runs at its default log level (E2E_DAEMON_VERBOSE=0).
#
# Every loop is bounded in count and time; lib.sh's EXIT trap kills every
# process started here and removes the namespaces and the pins.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../tests/e2e/lib.sh"

OUTDIR=${1:?usage: dnsbl.sh OUTDIR (with MXSCREEN, XDP_PASS_OBJ, LOADGEN, GREETER set)}
: "${LOADGEN:?set LOADGEN to build/bench/loadgen}"
: "${GREETER:?set GREETER to build/bench/greeter}"
LOADGEN=$(realpath "$LOADGEN")
GREETER=$(realpath "$GREETER")
RATES=${BENCH_DNSBL_RATES:-1000 2000 5000 8000 10000}
SECONDS_PER_STEP=${BENCH_DNSBL_SECONDS:-5}
TARGET_RATE=5000
TARGET_P99_MS=50
PORT=25
SRC_BASE=198.18.0.1
SRC_MAX=131070 # 198.18.0.1 .. 198.19.255.254
LISTED_EVERY=10
CONN_TIMEOUT=3 # loadgen: seconds a connection may take
DRAIN_TRIES=40 # 0.25 s apart: the daemon may take 10 s to catch up
RAW=$OUTDIR/dnsbl

say() { echo "dnsbl: $*" >&2; }

[ "$(id -u)" = 0 ] || fail "needs root (network namespaces, BPF)"
for tool in ip nsenter bpftool jq awk rbldnsd; do
	command -v "$tool" >/dev/null || fail "$tool not found; run scripts/deps.sh bench"
done
[ -x "$MXSCREEND" ] || fail "$MXSCREEND: no such program; run make first"
if ! [[ $SECONDS_PER_STEP =~ ^[1-9][0-9]?$ ]] || [ "$SECONDS_PER_STEP" -gt 60 ]; then
	fail "BENCH_DNSBL_SECONDS=$SECONDS_PER_STEP: want 1..60"
fi
total=0
for r in $RATES; do
	[[ $r =~ ^[1-9][0-9]{0,5}$ ]] || fail "BENCH_DNSBL_RATES: $r is not a rate (1..999999)"
	total=$((total + r * SECONDS_PER_STEP))
done
[ "$total" -gt 0 ] || fail "BENCH_DNSBL_RATES is empty"
[ "$total" -le "$SRC_MAX" ] ||
	fail "the steps need $total new sources; 198.18.0.0/15 has $SRC_MAX: lower BENCH_DNSBL_RATES or BENCH_DNSBL_SECONDS"

mkdir -p "$OUTDIR"
rm -rf "$RAW"
mkdir -p "$RAW"
HZ=$(getconf CLK_TCK)

# ---- set-up ------------------------------------------------------------------
e2e_init
e2e_topology
ip -n "$CLI_NS" route add local 198.18.0.0/15 dev lo
ip -n "$SRV_NS" route add 198.18.0.0/15 via "${CLIENTS4[0]}"
# room for bursts of handshakes in the server's queues
ip netns exec "$SRV_NS" sysctl -qw net.core.somaxconn=65535 \
	net.ipv4.tcp_max_syn_backlog=65535

ip netns exec "$SRV_NS" "$GREETER" --port "$PORT" --max-seconds 3600 \
	--stats "$RAW/greeter.json" &
E2E_PIDS+=($!)
GREETER_PID=$!
wait_until 50 e2e_listening "$PORT" || fail "greeter did not start on port $PORT"
mxs attach mxs0 >/dev/null

# The source with offset i is SRC_BASE + i; every LISTED_EVERY-th is listed.
BASE_NUM=$(echo "$SRC_BASE" | awk -F. '{ printf "%.0f\n", (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
addr_of() { # OFFSET -> dotted quad
	awk -v i="$1" -v b="$BASE_NUM" 'BEGIN { a = b + i
		printf "%d.%d.%d.%d\n", int(a / 16777216), int(a / 65536) % 256,
			int(a / 256) % 256, a % 256 }'
}
e2e_rbl_dir
{
	printf ':127.0.0.2:listed by the mxscreen benchmark\n127.0.0.2\n'
	awk -v n="$total" -v k="$LISTED_EVERY" -v b="$BASE_NUM" 'BEGIN {
		for (i = 0; i < n; i += k) {
			a = b + i
			printf "%d.%d.%d.%d\n", int(a / 16777216), int(a / 65536) % 256,
				int(a / 256) % 256, a % 256
		}
	}'
} >"$RBL_DIR/bl.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone
# a listed and an unlisted source, to be sure the zone says what we think
reversed() { echo "$1" | awk -F. '{ print $4 "." $3 "." $2 "." $1 }'; }
rbl_answers "$(reversed "$(addr_of 0)").bl.test" || fail "rbldnsd does not list $(addr_of 0)"
! rbl_answers "$(reversed "$(addr_of 1)").bl.test" || fail "rbldnsd lists $(addr_of 1)"

conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
# dnsbl.sh: one local zone, caps raised, nothing expires during the run
dnsbl_sites = bl.test
dnsbl_threshold = 1
dns_servers = 127.0.0.1:$RBL_PORT
dnsbl_min_ttl = 1h
dnsbl_max_ttl = 1h
dnsbl_timeout = 5s
max_lookups_per_second = 100000
max_lookups_in_flight = 20000
# no state file: nothing from another run comes in, nothing goes out
state_file =
CONF
# at its default log level, as on a server: BLOCK lines only (-v would add
# two debug lines per source, six write()s)
E2E_DAEMON_VERBOSE=0
e2e_start_mxscreend "$conf"

# ---- measuring -----------------------------------------------------------------
# utime + stime of a process, in clock ticks
proc_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
# Microseconds in which some runnable task waited for a CPU (PSI).  The
# machine-wide tick counts of /proc/stat are no use here: on this VM they
# miss most of a bursty load (0-8% "busy" while the load generator alone
# used 13-60% of a core), whereas per-process times and PSI are exact.
psi_us() {
	awk '/^some / { for (i = 2; i <= NF; i++)
		if ($i ~ /^total=/) { sub(/^total=/, "", $i); print $i } }' \
		/proc/pressure/cpu 2>/dev/null || echo 0
}
# "pid ticks comm" of every process (utime + stime); gone ones are skipped
all_ticks() {
	{ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '{
		i = index($0, " ("); j = match($0, /\) [A-Za-z] /)
		comm = substr($0, i + 2, j - i - 2); gsub(/ /, "_", comm)
		split(substr($0, j + 2), f, " ")
		print $1, f[12] + f[13], comm
	}'
}
# CPU ticks used by every process alive at both all_ticks samples
sum_ticks() { # BEFORE AFTER
	awk 'NR == FNR { t[$1 " " $3] = $2; next }
		($1 " " $3) in t && $2 > t[$1 " " $3] { s += $2 - t[$1 " " $3] }
		END { print s + 0 }' "$1" "$2"
}
# the processes that used the most CPU between two all_ticks files, as JSON
top_cpu() { # BEFORE AFTER WALL_MS
	awk -v hz="$HZ" -v wall="$3" 'NR == FNR { t[$1 " " $3] = $2; next }
		($1 " " $3) in t { d = $2 - t[$1 " " $3]
			if (d > 0) printf "%s %d %.1f\n", $3, $1, d / hz / (wall / 1000) * 100 }' \
		"$1" "$2" | sort -k3,3 -rn | head -n 8 |
		jq -R -s -c 'split("\n") | map(select(length > 0) | split(" ") |
			{comm: .[0], pid: (.[1] | tonumber), cpu_percent: (.[2] | tonumber)})'
}
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}
hwm_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}
# The daemon's counters, the handshake counters and the cache fill.
snapshot() {
	mxs status --json | jq -c '.daemon | {events, lookups, in_flight, merged,
		skipped_rate, skipped_busy, failed, blocked, clean, map_errors,
		cache_entries, cache_capacity, handshakes,
		queued: .handshakes_queued, cached: .handshakes_cached,
		lost: .handshakes_lost}'
}
# in flight as last published (cheap: one map read, no cache walk)
in_flight_now() {
	bpftool -j map lookup pinned "$PIN/daemon" key 0 0 0 0 |
		jq -r '.formatted.value.in_flight // .value.in_flight // 0'
}
caught_up() {
	snapshot | jq -e '.in_flight == 0 and .events == .queued' >/dev/null
}
# delay=X.Yms of BLOCK lines after line $1 of the daemon's log, sorted
block_delays() {
	tail -n +"$(($1 + 1))" "$DAEMON_LOG" |
		sed -n 's/.* BLOCK \[.*delay=\([0-9.]*\)ms.*/\1/p' | sort -n
}
# p50 p99 max n of sorted numbers on stdin ("null null null 0" if none)
percentiles() {
	awk '{ v[NR] = $1 }
	END {
		if (NR == 0) { print "null null null 0"; exit }
		i50 = int((NR * 50 + 99) / 100); i99 = int((NR * 99 + 99) / 100)
		print v[i50], v[i99], v[NR], NR
	}'
}
# Where packets were dropped: the server namespace's listen queue and UDP
# receive buffers, the client's SYN retransmissions (a dropped SYN or
# SYN-ACK costs a client one second), as one JSON object of counters.
drops_snap() {
	{
		ip netns exec "$SRV_NS" nstat -asz --json TcpExtListenOverflows \
			TcpExtListenDrops TcpExtTCPReqQFullDrop UdpRcvbufErrors \
			UdpInErrors
		ip netns exec "$CLI_NS" nstat -asz --json TcpExtTCPSynRetrans
		# rbldnsd's socket lives all run, so its own drop counter tells
		# its share of UdpRcvbufErrors; the rest is the daemon's (c-ares
		# closes its UDP socket whenever nothing is in flight, so that
		# socket's counter would start again at 0)
		printf '{"kernel": {"rbldnsd_socket_drops": %s}}\n' \
			"$(udp_socket_drops "sport = :$RBL_PORT")"
		# the veth pair: a full ring (a busy receiving CPU) drops frames
		ip -n "$SRV_NS" -j -s link show dev mxs0 | jq -c '{kernel: {
			veth_server_rx_dropped: .[0].stats64.rx.dropped,
			veth_server_tx_dropped: .[0].stats64.tx.dropped}}'
		ip -n "$CLI_NS" -j -s link show dev mxs1 | jq -c '{kernel: {
			veth_client_rx_dropped: .[0].stats64.rx.dropped,
			veth_client_tx_dropped: .[0].stats64.tx.dropped}}'
	} | jq -s -c 'map(.kernel) | add'
}
udp_socket_drops() { # ss FILTER -> the sum of the sockets' drop counters
	ip netns exec "$SRV_NS" ss -H -uanm "$1" |
		grep -o 'skmem:([^)]*)' | sed -n 's/.*,d\([0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}
map_memlock() { # MAP -> bytes_memlock
	bpftool -j map show pinned "$PIN/$1" | jq -r '.bytes_memlock'
}

# Other namespaces (tests or benchmarks running beside this one) share the
# two cores: recorded, since the machine's busy time then includes them.
others=$(ip netns list | awk -v a="$SRV_NS" -v b="$CLI_NS" '$1 != a && $1 != b' | wc -l)
[ "$others" -eq 0 ] ||
	say "warning: $others other network namespaces exist; something else may be using the CPUs"
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
rss_start=$(rss_kb "$DAEMON_PID")
memlock_block_start=$(map_memlock block4_host)
offset=0
step=0
for rate in $RATES; do
	step=$((step + 1))
	count=$((rate * SECONDS_PER_STEP))
	say "step $step: $rate new sources/s for ${SECONDS_PER_STEP}s from $(addr_of "$offset")"
	s0=$(snapshot)
	n0=$(drops_snap)
	log0=$(wc -l <"$DAEMON_LOG")
	cpu_d0=$(proc_ticks "$DAEMON_PID")
	cpu_r0=$(proc_ticks "$RBLDNSD_PID")
	cpu_g0=$(proc_ticks "$GREETER_PID")
	psi0=$(psi_us)
	all_ticks >"$RAW/ticks-$step.0"
	t0=$(date +%s%N)

	ip netns exec "$CLI_NS" "$LOADGEN" --server "$SERVER4" --port "$PORT" \
		--rate "$rate" --count "$count" --duration "$SECONDS_PER_STEP" \
		--src-base "$(addr_of "$offset")" --src-count "$count" \
		--timeout "$CONN_TIMEOUT" --max-open 15000 \
		--out "$RAW/loadgen-$step.json" 2>"$RAW/loadgen-$step.err" &
	lg=$!
	E2E_PIDS+=("$lg")
	# the in-flight count as published (once a second) while the load runs
	max_in_flight=0
	for ((i = 0; i < (SECONDS_PER_STEP + CONN_TIMEOUT) * 4 + 20; i++)); do
		kill -0 "$lg" 2>/dev/null || break
		if ((i % 4 == 3)); then
			f=$(in_flight_now)
			[ "$f" -gt "$max_in_flight" ] && max_in_flight=$f
		fi
		sleep 0.25
	done
	wait "$lg" || fail "loadgen failed: $(cat "$RAW/loadgen-$step.err")"
	t1=$(date +%s%N)
	cpu_d1=$(proc_ticks "$DAEMON_PID")
	cpu_r1=$(proc_ticks "$RBLDNSD_PID")
	cpu_g1=$(proc_ticks "$GREETER_PID")
	psi1=$(psi_us)
	all_ticks >"$RAW/ticks-$step.1"
	top=$(top_cpu "$RAW/ticks-$step.0" "$RAW/ticks-$step.1" "$(((t1 - t0) / 1000000))")

	# the daemon catches up: every queued event read, nothing in flight
	drained=false
	for ((i = 0; i < DRAIN_TRIES; i++)); do
		if caught_up; then
			drained=true
			break
		fi
		sleep 0.25
	done
	t2=$(date +%s%N)
	s1=$(snapshot)
	n1=$(drops_snap)
	block_delays "$log0" >"$RAW/delays-$step.txt"
	read -r d50 d99 dmax dn < <(percentiles <"$RAW/delays-$step.txt")

	jq -n --argjson s0 "$s0" --argjson s1 "$s1" \
		--argjson n0 "$n0" --argjson n1 "$n1" \
		--slurpfile lg "$RAW/loadgen-$step.json" \
		--argjson step "$step" --argjson rate "$rate" \
		--argjson seconds "$SECONDS_PER_STEP" \
		--arg first "$(addr_of "$offset")" \
		--argjson wall "$(((t1 - t0) / 1000000))" \
		--argjson drain_ms "$(((t2 - t1) / 1000000))" \
		--argjson drained "$drained" \
		--argjson max_in_flight "$max_in_flight" \
		--argjson hz "$HZ" \
		--argjson cd "$((cpu_d1 - cpu_d0))" --argjson cr "$((cpu_r1 - cpu_r0))" \
		--argjson cg "$((cpu_g1 - cpu_g0))" \
		--argjson call "$(sum_ticks "$RAW/ticks-$step.0" "$RAW/ticks-$step.1")" \
		--argjson psi "$((psi1 - psi0))" \
		--argjson top "$top" \
		--argjson d50 "$d50" --argjson d99 "$d99" --argjson dmax "$dmax" \
		--argjson dn "$dn" '
		def d(k): $s1[k] - $s0[k];
		def pct(t): (t / $hz) / ($wall / 1000) * 100 | . * 10 | round / 10;
		$lg[0] as $l |
		{
			step: $step, offered_rate: $rate, seconds: $seconds,
			first_source: $first,
			loadgen: {offered: $l.offered, completed: $l.completed,
				banner: $l.banner, reset: $l.reset, timeout: $l.timeout,
				skipped: $l.outcomes.skipped, error: $l.outcomes.error,
				achieved_rate: $l.achieved_rate,
				connect_us: $l.connect_us, banner_us: $l.banner_us},
			# ours: to the screened port in the server namespace (the
			# hook sees every namespace: .handshakes counts the others
			# too, e.g. tests running beside the benchmark)
			handshakes: (d("queued") + d("cached") + d("lost")),
			handshakes_all_namespaces: d("handshakes"), queued: d("queued"),
			cached: d("cached"), lost: d("lost"),
			events: d("events"), lookups: d("lookups"), merged: d("merged"),
			skipped_rate: d("skipped_rate"), skipped_busy: d("skipped_busy"),
			failed: d("failed"), blocked: d("blocked"), clean: d("clean"),
			map_errors: d("map_errors"),
			max_in_flight_seen: $max_in_flight,
			caught_up: $drained, catch_up_ms: $drain_ms,
			new_sources_per_s: (d("lookups") / $seconds | round),
			drops: ($n1 | with_entries(.value -= $n0[.key]) |
				.daemon_dns_drops = .UdpRcvbufErrors - .rbldnsd_socket_drops),
			block_delay_ms: {p50: $d50, p99: $d99, max: $dmax, n: $dn},
			cpu_percent: {mxscreend: pct($cd), rbldnsd: pct($cr),
				greeter: pct($cg),
				loadgen: ($l.cpu_s / ($wall / 1000) * 100 | . * 10 | round / 10),
				# every process alive over the whole step, plus the
				# load generator (200% = both cores); the kernel work
				# of the connections is mostly charged to the process
				# that sends (veth)
				all_processes: (pct($call) + ($l.cpu_s / ($wall / 1000) * 100) |
					. * 10 | round / 10),
				# share of the time in which some task waited for a CPU
				cpu_pressure: ($psi / 1000 / $wall * 100 | . * 10 | round / 10)},
			top_processes_cpu_percent: $top,
			load_wall_ms: $wall
		} | .sustained = (.lost == 0 and .skipped_rate == 0 and
			.skipped_busy == 0 and .failed == 0 and .map_errors == 0 and
			.lookups == .queued and .queued == .handshakes and
			.handshakes == .loadgen.completed and
			.loadgen.completed == .loadgen.offered and
			.loadgen.skipped == 0 and .caught_up and
			.max_in_flight_seen < .offered_rate / 2)
		' >"$RAW/step-$step.json"
	offset=$((offset + count))
done

# ---- memory --------------------------------------------------------------------
final=$(snapshot)
rss_end=$(rss_kb "$DAEMON_PID")
hwm_end=$(hwm_kb "$DAEMON_PID")
bpftool -j map show pinned "$PIN/dnsbl_cache" >"$RAW/dnsbl_cache-map.json"
bpftool -j map show pinned "$PIN/block4_host" >"$RAW/block4_host-map.json"
memlock_block_end=$(map_memlock block4_host)
read -r all50 all99 allmax alln < <(block_delays 0 | percentiles)

jq -n --slurpfile steps <(cat "$RAW"/step-*.json) \
	--slurpfile cache "$RAW/dnsbl_cache-map.json" \
	--argjson final "$final" \
	--argjson rss0 "$rss_start" --argjson rss1 "$rss_end" \
	--argjson hwm "$hwm_end" \
	--argjson mlb0 "$memlock_block_start" --argjson mlb1 "$memlock_block_end" \
	--argjson a50 "$all50" --argjson a99 "$all99" --argjson amax "$allmax" \
	--argjson an "$alln" \
	--argjson target_rate "$TARGET_RATE" --argjson target_p99 "$TARGET_P99_MS" \
	--arg kernel "$(uname -r)" --argjson cpus "$(nproc)" \
	--arg loadavg0 "$loadavg_start" --argjson others "$others" \
	--arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" '
	$cache[0] as $c | $final.cache_entries as $n |
	([$steps[] | select(.sustained) | .offered_rate] | max) as $best |
	([$steps[] | select(.offered_rate == $target_rate)][0].block_delay_ms.p99)
		as $p99_at_target |
	{
		benchmark: "mxscreend: new sources per second, memory per cached address, handshake-to-block delay (real handshakes, local rbldnsd)",
		kernel: $kernel, cpus: $cpus,
		loadavg_before: $loadavg0, loadavg_after: $loadavg,
		other_network_namespaces: $others,
		daemon_log_level: "info (default; BLOCK lines only)",
		steps: $steps,
		best_sustained_rate: $best,
		memory: {
			cached_addresses: $n, cache_capacity: $final.cache_capacity,
			dnsbl_cache_bytes_memlock: $c.bytes_memlock,
			dnsbl_cache_max_entries: $c.max_entries,
			kernel_bytes_per_slot: ($c.bytes_memlock / $c.max_entries | round),
			kernel_bytes_per_cached_address:
				(if $n > 0 then $c.bytes_memlock / $n | round else null end),
			block4_host_bytes_per_block_entry:
				(if $final.blocked > 0 then ($mlb1 - $mlb0) / $final.blocked | round
				 else null end),
			daemon_rss_kb_start: $rss0, daemon_rss_kb_end: $rss1,
			daemon_rss_kb_peak: $hwm,
			# the daemon keeps nothing per address once a lookup has
			# ended: what it holds is the lookups in flight
			max_in_flight_seen: ([$steps[].max_in_flight_seen] | max),
			daemon_rss_bytes_per_in_flight_lookup_at_peak:
				(([$steps[].max_in_flight_seen] | max) as $f |
				 if $f > 100 then ($hwm - $rss0) * 1024 / $f | round
				 else null end),
			daemon_rss_bytes_per_cached_address:
				(if $n > 0 then ($rss1 - $rss0) * 1024 / $n | . * 10 | round / 10
				 else null end)
		},
		block_delay_ms_all_steps: {p50: $a50, p99: $a99, max: $amax, n: $an},
		targets: {
			new_sources_per_s: {want: $target_rate, best_sustained: $best,
				reached: ($best != null and $best >= $target_rate)},
			block_delay_p99_ms: {want: $target_p99,
				at_rate: $target_rate, got: $p99_at_target,
				reached: ($p99_at_target != null and $p99_at_target <= $target_p99)}
		}
	}' >"$OUTDIR/dnsbl.json"

# ---- the table -----------------------------------------------------------------
echo
echo "mxscreend + rbldnsd, real handshakes from new sources (${SECONDS_PER_STEP}s per step; CPU % of one core):"
jq -r '
	["offered/s", "handshk/s", "lookups/s", "lost", "skipped", "failed",
	 "inflight", "catchup", "delay p50/p99 ms", "SYNretr", "udpdrop r/d",
	 "daemon%", "rbldnsd%",
	 "greeter%", "loadgen%", "all%", "waitcpu%", "sustained"],
	(.steps[] | [.offered_rate, (.handshakes / .seconds | round),
		.new_sources_per_s, .lost, (.skipped_rate + .skipped_busy),
		.failed, .max_in_flight_seen, "\(.catch_up_ms)ms",
		"\(.block_delay_ms.p50)/\(.block_delay_ms.p99)",
		.drops.TcpExtTCPSynRetrans,
		"\(.drops.rbldnsd_socket_drops)/\(.drops.daemon_dns_drops)",
		.cpu_percent.mxscreend, .cpu_percent.rbldnsd,
		.cpu_percent.greeter, .cpu_percent.loadgen,
		.cpu_percent.all_processes, .cpu_percent.cpu_pressure,
		.sustained]) | @tsv' "$OUTDIR/dnsbl.json" | column -t -s $'\t'
jq -r '.steps[] | "  \(.offered_rate)/s, top CPU: " +
	([.top_processes_cpu_percent[] | "\(.comm) \(.cpu_percent)%"] | join(", "))' \
	"$OUTDIR/dnsbl.json"
echo
jq -r '.memory | "memory: \(.cached_addresses) cached addresses; dnsbl_cache \(.dnsbl_cache_bytes_memlock) bytes for \(.dnsbl_cache_max_entries) slots (preallocated): \(.kernel_bytes_per_slot) B/slot, \(.kernel_bytes_per_cached_address) B per cached address at this fill; block4_host \(.block4_host_bytes_per_block_entry) B per block entry; daemon RSS \(.daemon_rss_kb_start) -> \(.daemon_rss_kb_end) kB (peak \(.daemon_rss_kb_peak)): \(.daemon_rss_bytes_per_cached_address) B per cached address"' \
	"$OUTDIR/dnsbl.json"
jq -r '.targets | "target: >= \(.new_sources_per_s.want) new sources/s sustained: best \(.new_sources_per_s.best_sustained) (\(if .new_sources_per_s.reached then "reached" else "NOT reached" end))",
	"target: block entry p99 <= \(.block_delay_p99_ms.want) ms at \(.block_delay_p99_ms.at_rate)/s: \(.block_delay_p99_ms.got) ms (\(if .block_delay_p99_ms.reached then "reached" else "NOT reached" end))"' \
	"$OUTDIR/dnsbl.json"
echo "results: $OUTDIR/dnsbl.json (raw: $RAW/)"
