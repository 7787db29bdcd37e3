#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# pps.sh - SYN flood drop rate: mxscreen against nftables and the bare stack.
#
# How to run: `make bench-pps` (root), or
#   MXSCREEN=build/mxscreen PKTGEN=build/bench/pktgen bench/pps.sh build/bench
# Knobs: BENCH_PPS_SIZES="1000 100000 1000000", BENCH_PPS_SECONDS=5,
#        BENCH_PPS_MAX_PACKETS=200000000 (per measurement),
#        BENCH_PPS_THREADED=1, BENCH_PPS_DEFER=NS (see below).
#
#   generator ns (mxs-pg-PID)                 receiver ns (mxs-pr-PID)
#   pg1 192.0.2.2  02:..:07   <--- veth --->  rx0 192.0.2.1  02:..:25
#
# The generator (bench/pktgen.c, pinned to CPU 0) redirects crafted SYNs to
# 192.0.2.1:25 from 198.18.0.0/15 into pg1 with BPF_PROG_RUN live frames;
# rx0 receives them as XDP frames, as from a NIC.  By default rx0's NAPI
# runs in softirq on the generator's CPU after every batch of 64 frames:
# nothing is lost in the veth's 256-frame ring, the receiver's work is the
# softirq time of CPU 0 and the generator's is system time, and the drop
# rate is 1 / (generator's cost + receiver's cost) per packet.
# BENCH_PPS_THREADED=1 instead runs rx0's NAPI in a kernel thread pinned
# to CPU 1 (receiver busy time = CPU 1's non-idle time); the thread sleeps
# between polls and the ring overflows while it wakes, so it drops less
# than it could (BENCH_PPS_DEFER=NS sets gro_flush_timeout to poll by timer).
# A listener on port 25 (backlog 128, never accepting) makes the bare stack
# answer the flood with SYN cookies.  For every list size and mechanism,
# with the same list file and the same sources (bench/pktgen.c says which):
#   mxscreen        `mxscreen attach rx0 --mode native` + `load block FILE`
#   nft-ingress     an ipv4_addr set (size N) in a netdev ingress chain on rx0
#   nft-prerouting  the same set in an ip prerouting chain (priority raw)
#   none            no filter: the TCP stack answers every SYN
# the script measures, while the generator runs for BENCH_PPS_SECONDS:
#   drop rate  packets/s the receiver dropped: mxscreen's drop_* counters,
#              the nft rule's counter; for "none" the SYNs the stack
#              processed (TcpInSegs; SYN cookies sent are recorded too);
#   CPU        the receiver's share of its CPU from /proc/stat (softirq;
#              threaded: all but idle, iowait and steal), its CPU time per
#              packet dropped, and drops per second of receiver CPU time
#              (what one CPU doing nothing else would drop).
# Output: OUTDIR/pps.json and a table on stdout; progress on stderr.
#
# Cleanup: the namespaces (and with them the nft tables and the listener's
# socket), the XDP program and the pins go on every exit path (EXIT, INT,
# TERM).  /sys/fs/bpf is mounted if it is not, and left mounted.
set -eu
# ethtool, nft and ip live in sbin, which a PATH from su (without -) lacks
PATH=$PATH:/usr/sbin:/sbin

OUTDIR=${1:?usage: pps.sh OUTDIR}
MXSCREEN=$(realpath "${MXSCREEN:?set MXSCREEN to build/mxscreen}")
MXSCREEND=$(realpath "${MXSCREEND:?set MXSCREEND to build/mxscreend}")
PKTGEN=$(realpath "${PKTGEN:?set PKTGEN to build/bench/pktgen}")
SIZES=${BENCH_PPS_SIZES:-1000 100000 1000000}
SECS=${BENCH_PPS_SECONDS:-5}
MAXP=${BENCH_PPS_MAX_PACKETS:-200000000}
MECHS="mxscreen nft-ingress nft-prerouting none"
GEN_CPU=0
RX_CPU=1
THREADED=${BENCH_PPS_THREADED:-0}
[ "$THREADED" = 1 ] || RX_CPU=0
NS_G=mxs-pg-$$
NS_R=mxs-pr-$$
PIN=/sys/fs/bpf/mxs-pps-$$
TABLE=mxpps
TARGET_NFT=2
TARGET_STACK=10

tmp=""
ns_made=0
listener=""

say() { echo "pps: $*" >&2; }
die() { say "$*"; exit 1; }

mxs() { nsenter --net="/run/netns/$NS_R" "$MXSCREEN" --pin-path "$PIN" "$@"; }
rx() { ip netns exec "$NS_R" "$@"; }

cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ -n "${daemon:-}" ]; then
		kill "$daemon" 2>/dev/null || true
		wait "$daemon" 2>/dev/null || true
	fi
	if [ -n "$listener" ]; then
		kill "$listener" 2>/dev/null || true
		wait "$listener" 2>/dev/null || true
	fi
	if [ "$ns_made" = 1 ]; then
		if [ -e "$PIN" ]; then
			mxs detach --all --purge >/dev/null 2>&1 ||
				say "warning: mxscreen detach --all --purge failed"
		fi
		rx nft delete table netdev $TABLE 2>/dev/null || true
		rx nft delete table ip $TABLE 2>/dev/null || true
		ip netns del "$NS_R" 2>/dev/null || say "warning: cannot delete netns $NS_R"
		ip netns del "$NS_G" 2>/dev/null || say "warning: cannot delete netns $NS_G"
	fi
	if [ -e "$PIN" ]; then
		say "warning: $PIN still there; removing it"
		rm -rf "$PIN"
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, BPF, nftables)"
[ -x "$MXSCREEN" ] || die "$MXSCREEN: no such program; run make first"
[ -x "$PKTGEN" ] || die "$PKTGEN: no such program; run make bench-pps"
for tool in ip nsenter nft ethtool jq awk python3 nstat taskset; do
	command -v "$tool" >/dev/null || die "$tool not found; run scripts/deps.sh bench"
done
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs: one generates, one receives"
[ -e "$PIN" ] && die "$PIN exists; remove it with: $MXSCREEN --pin-path $PIN detach --all --purge"
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs on /sys/fs/bpf"
fi

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$OUTDIR"
tmp=$(mktemp -d /tmp/mxs-pps.XXXXXX)

# ---- topology ---------------------------------------------------------------
ns_made=1
ip netns add "$NS_G"
ip netns add "$NS_R"
ip -n "$NS_R" link add rx0 type veth peer name pg1 netns "$NS_G"
ip -n "$NS_R" link set rx0 address 02:00:00:00:00:25 # tests/bpf/packets.c
ip -n "$NS_G" link set pg1 address 02:00:00:00:00:07
ip -n "$NS_R" link set lo up
ip -n "$NS_G" link set lo up
ip -n "$NS_R" addr add 192.0.2.1/24 dev rx0
ip -n "$NS_G" addr add 192.0.2.2/24 dev pg1
ip -n "$NS_R" link set rx0 up
ip -n "$NS_G" link set pg1 up
# Replies (SYN-ACKs, RSTs) go back to pg1 through a fixed neighbour: no ARP
# for 131,072 sources.
ip -n "$NS_R" neigh add 192.0.2.2 lladdr 02:00:00:00:00:07 dev rx0 nud permanent
ip -n "$NS_R" route add default via 192.0.2.2 dev rx0
# GRO on gives rx0 NAPI without an XDP program, so it accepts redirected
# XDP frames for every mechanism; threaded NAPI moves its work to a thread.
rx ethtool -K rx0 gro on >/dev/null
rx sh -c "echo $THREADED > /sys/class/net/rx0/threaded"
if [ -n "${BENCH_PPS_DEFER:-}" ]; then
	rx sh -c "echo 100 > /sys/class/net/rx0/napi_defer_hard_irqs; echo $BENCH_PPS_DEFER > /sys/class/net/rx0/gro_flush_timeout"
fi
rx sysctl -qw net.ipv4.tcp_syncookies=1
GEN_IFINDEX=$(ip -n "$NS_G" -j link show pg1 | jq '.[0].ifindex')

ip netns exec "$NS_R" python3 -c '
import socket, signal
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.1", 25))
s.listen(128)
signal.pause()
' &
listener=$!
for _ in $(seq 50); do
	rx ss -Hltn 'sport = :25' | grep -q LISTEN && break
	sleep 0.1
done
rx ss -Hltn 'sport = :25' | grep -q LISTEN || die "the port 25 listener did not start"

# Every NAPI thread of rx0 (they are created when NAPI is) onto RX_CPU.
pin_napi() {
	local pids
	[ "$THREADED" = 1 ] || return 0
	pids=$(ps -eo pid=,comm= | awk '$2 ~ /^napi\/rx0-/ {print $1}')
	[ -n "$pids" ] || die "no NAPI thread for rx0 (threaded NAPI unsupported?)"
	for p in $pids; do
		taskset -pc "$RX_CPU" "$p" >/dev/null
	done
}

# ---- mechanisms ---------------------------------------------------------------
nft_load() { # FAMILY HOOK-CHAIN-SPEC LIST N
	local fam=$1 chain=$2 list=$3 n=$4
	{
		echo "table $fam $TABLE {"
		echo "  set bl { type ipv4_addr; size $n; }"
		echo "  chain c { $chain; policy accept;"
		echo "    tcp dport 25 tcp flags & (syn | ack) == syn ip saddr @bl counter drop"
		echo "  }"
		echo "}"
		awk -v t="$fam $TABLE" '
			NR % 10000 == 1 { if (NR > 1) print " }"; printf "add element %s bl { %s", t, $1; next }
			{ printf ", %s", $1 }
			END { if (NR) print " }" }' "$list"
	} >"$tmp/nft.rules"
	rx nft -f "$tmp/nft.rules" || die "nft cannot load $n entries into a $fam set"
}

mech_setup() { # MECH LIST N
	case $1 in
	mxscreen)
		mxs attach rx0 --mode native >/dev/null
		mxs load block "$2" >/dev/null
		;;
	nft-ingress)
		nft_load netdev "type filter hook ingress device \"rx0\" priority -500" "$2" "$3" ;;
	nft-prerouting)
		nft_load ip "type filter hook prerouting priority raw" "$2" "$3" ;;
	none) ;;
	esac
}

mech_teardown() {
	case $1 in
	mxscreen) mxs detach --all --purge >/dev/null ;;
	nft-ingress) rx nft delete table netdev $TABLE ;;
	nft-prerouting) rx nft delete table ip $TABLE ;;
	none) ;;
	esac
}

# What the receiver dropped so far (for none: TCP segments the stack took).
mech_dropped() {
	case $1 in
	mxscreen)
		mxs stats --json |
			jq '[.drop_manual, .drop_list, .drop_dnsbl, .drop_rate, .drop_file, .drop_unparsed] | add' ;;
	nft-ingress | nft-prerouting)
		local fam=netdev
		[ "$1" = nft-prerouting ] && fam=ip
		rx nft -j list table $fam $TABLE |
			jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add' ;;
	none) nstat_get TcpInSegs ;;
	esac
}

nstat_get() { # absolute value of one counter in the receiver namespace
	rx nstat -az "$1" | awk -v k="$1" '$1 == k {print $2}'
}

cpu_line() { awk -v c="cpu$RX_CPU" '$1 == c' /proc/stat; }

# jq: from two cpu_line()s ($c0, $c1) the receiver's jiffies per state
# ($t, /proc/stat order) and its busy jiffies ($busy): softirq, or all but
# idle, iowait and steal for a NAPI thread.
JQ_RX_BUSY='def f: split(" ") | map(select(. != "")) | .[1:] | map(tonumber);
	($c0 | f) as $a | ($c1 | f) as $b |
	[range(0; 8)] | map($b[.] - $a[.]) as $t |
	($t[3] + $t[4] + $t[7]) as $notbusy |
	(if $threaded == 1 then ($t | add) - $notbusy else $t[6] end) as $busy'


# ---- runs -------------------------------------------------------------------------
: >"$tmp/results.jsonl"
hz=$(getconf CLK_TCK)
for n in $SIZES; do
	list=$tmp/list-$n.txt
	"$PKTGEN" list "$n" "$list"
	for m in $MECHS; do
		say "$m, $n entries: loading"
		mech_setup "$m" "$list" "$n"
		pin_napi
		d0=$(mech_dropped "$m")
		ck0=$(nstat_get TcpExtSyncookiesSent)
		c0=$(cpu_line)
		say "$m, $n entries: sending for ${SECS}s"
		gen=$(nsenter --net="/run/netns/$NS_G" "$PKTGEN" send "$n" \
			"$GEN_IFINDEX" "$SECS" "$MAXP" "$GEN_CPU")
		c1=$(cpu_line)
		d1=$(mech_dropped "$m")
		ck1=$(nstat_get TcpExtSyncookiesSent)
		mech_teardown "$m"
		jq -cn --arg m "$m" --argjson n "$n" --argjson gen "$gen" \
			--argjson d "$((d1 - d0))" --argjson ck "$((ck1 - ck0))" \
			--arg c0 "$c0" --arg c1 "$c1" --argjson hz "$hz" \
			--argjson threaded "$THREADED" '
			'"$JQ_RX_BUSY"' |
			(($t | add) - $t[7]) as $avail |
			{mechanism: $m, entries: $n, sent: $gen.sent, seconds: $gen.seconds,
			 offered_pps: ($gen.sent / $gen.seconds),
			 dropped: $d, drop_pps: ($d / $gen.seconds),
			 syncookies_sent: $ck,
			 rx_cpu_busy: (if $avail > 0 then $busy / $avail else 0 end),
			 rx_cpu_system: (if $avail > 0 then $t[2] / $avail else 0 end),
			 rx_cpu_softirq: (if $avail > 0 then $t[6] / $avail else 0 end),
			 rx_ns_per_drop: (if $d > 0 then $busy / $hz * 1e9 / $d else null end),
			 rx_capacity_pps: (if $busy > 0 then $d / ($busy / $hz) else null end)}' \
			>>"$tmp/results.jsonl"
	done
done

# ---- flood: a spoofed random-source SYN flood that no entry lists --------
# 131,072 sources of 198.18.0.0/15, FLOOD_N entries loaded (none of them a
# source), mxscreen with mxscreend running and its default SYN rate limit
# (rate_limit_mx = 60/1m).  Every SYN reaches the stack whatever the
# filter; what differs is what the filter adds to the stack's cost.
FLOOD_N=${BENCH_PPS_FLOOD:-1000000}
daemon=""
flood_daemon_start() {
	cat >"$tmp/mxscreend.conf" <<CONF
rate_limit_mx = 60/1m
state_file =
CONF
	nsenter --net="/run/netns/$NS_R" "$MXSCREEND" -f -c "$tmp/mxscreend.conf" \
		--pin-path "$PIN" >"$tmp/mxscreend.log" 2>&1 &
	daemon=$!
	for _ in $(seq 100); do
		[ "$(mxs status --json 2>/dev/null | jq -r '.daemon.running // false')" = true ] && return 0
		sleep 0.1
	done
	die "mxscreend did not start: $(cat "$tmp/mxscreend.log")"
}
flood_daemon_stop() {
	[ -n "$daemon" ] || return 0
	kill "$daemon" 2>/dev/null || true
	wait "$daemon" 2>/dev/null || true
	daemon=""
}
: >"$tmp/flood.jsonl"
if [ "$FLOOD_N" != 0 ]; then
	list=$tmp/flood-$FLOOD_N.txt
	PKTGEN_FLOOD=1 "$PKTGEN" list "$FLOOD_N" "$list"
	for m in $MECHS; do
		say "flood, $m, $FLOOD_N entries: loading"
		mech_setup "$m" "$list" "$FLOOD_N"
		[ "$m" = mxscreen ] && flood_daemon_start
		pin_napi
		ck0=$(nstat_get TcpExtSyncookiesSent)
		in0=$(nstat_get TcpInSegs)
		c0=$(cpu_line)
		say "flood, $m: sending for ${SECS}s"
		gen=$(PKTGEN_FLOOD=1 nsenter --net="/run/netns/$NS_G" "$PKTGEN" send \
			"$FLOOD_N" "$GEN_IFINDEX" "$SECS" "$MAXP" "$GEN_CPU")
		c1=$(cpu_line)
		ck1=$(nstat_get TcpExtSyncookiesSent)
		in1=$(nstat_get TcpInSegs)
		rate_drops=0
		if [ "$m" = mxscreen ]; then
			rate_drops=$(mxs stats --json | jq '.drop_rate')
			flood_daemon_stop
		fi
		mech_teardown "$m"
		jq -cn --arg m "$m" --argjson n "$FLOOD_N" --argjson gen "$gen" \
			--argjson ck "$((ck1 - ck0))" --argjson in "$((in1 - in0))" \
			--argjson rd "$rate_drops" \
			--arg c0 "$c0" --arg c1 "$c1" --argjson hz "$hz" \
			--argjson threaded "$THREADED" '
			'"$JQ_RX_BUSY"' |
			{mechanism: $m, entries: $n, sources: 131072, sent: $gen.sent,
			 seconds: $gen.seconds, offered_pps: ($gen.sent / $gen.seconds),
			 stack_segments: $in, syncookies_sent: $ck, rate_drops: $rd,
			 rx_ns_per_syn: ($busy / $hz * 1e9 / $gen.sent)}' \
			>>"$tmp/flood.jsonl"
	done
fi

jq -s --argjson tn "$TARGET_NFT" --argjson ts "$TARGET_STACK" \
	--arg kernel "$(uname -r)" --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
	--argjson secs "$SECS" --argjson threaded "$THREADED" '
	def get($m; $n): map(select(.mechanism == $m and .entries == $n))[0];
	. as $runs |
	{kernel: $kernel, cpu: $cpu, cpus: 2, seconds_per_run: $secs,
	 receiver: (if $threaded == 1 then "threaded NAPI on CPU 1, generator on CPU 0" else "NAPI softirq on CPU 0, with the generator" end),
	 runs: $runs,
	 ratios: ([$runs[].entries] | unique | map(. as $n |
		($runs | get("mxscreen"; $n).drop_pps) as $x |
		([($runs | get("nft-ingress"; $n).drop_pps), ($runs | get("nft-prerouting"; $n).drop_pps)] | max) as $nb |
		($runs | get("none"; $n).drop_pps) as $st |
		($runs | get("mxscreen"; $n).rx_capacity_pps) as $cx |
		([($runs | get("nft-ingress"; $n).rx_capacity_pps), ($runs | get("nft-prerouting"; $n).rx_capacity_pps)] | max) as $cnb |
		($runs | get("none"; $n).rx_capacity_pps) as $cst |
		{entries: $n, mxscreen_over_best_nft: ($x / $nb), mxscreen_over_stack: ($x / $st),
		 capacity_mxscreen_over_best_nft: ($cx / $cnb), capacity_mxscreen_over_stack: ($cx / $cst),
		 target_nft: $tn, target_stack: $ts,
		 met: (($x / $nb) >= $tn and ($x / $st) >= $ts)}))}' \
	"$tmp/results.jsonl" >"$tmp/pps-sizes.json"
# The flood: per SYN, what each filter adds to the stack's own cost ("none").
jq -s '
	def get($m): map(select(.mechanism == $m))[0];
	. as $r |
	if length == 0 then null else
	($r | get("none").rx_ns_per_syn) as $stack |
	{runs: $r, stack_ns_per_syn: $stack,
	 added_ns_per_syn: ($r | map(select(.mechanism != "none")) |
		map({key: .mechanism, value: (.rx_ns_per_syn - $stack)}) | from_entries),
	 mxscreen_added_over_stack: ((($r | get("mxscreen").rx_ns_per_syn) - $stack) / $stack),
	 mxscreen_added_over_best_nft: ((($r | get("mxscreen").rx_ns_per_syn) - $stack) /
		([($r | get("nft-ingress").rx_ns_per_syn), ($r | get("nft-prerouting").rx_ns_per_syn)] | min - $stack))}
	end' "$tmp/flood.jsonl" >"$tmp/flood.json"
jq --slurpfile fl "$tmp/flood.json" '. + {flood: $fl[0]}' "$tmp/pps-sizes.json" >"$OUTDIR/pps.json"

jq -r '
	(["entries", "mechanism", "offered/s", "dropped/s", "rx CPU", "softirq", "ns/drop", "drops/s per rx CPU"] | @tsv),
	(.runs[] | [.entries, .mechanism, (.offered_pps | floor), (.drop_pps | floor),
		((.rx_cpu_busy * 100 | floor | tostring) + "%"),
		((.rx_cpu_softirq * 100 | floor | tostring) + "%"),
		(if .rx_ns_per_drop then (.rx_ns_per_drop | floor) else "-" end),
		(if .rx_capacity_pps then (.rx_capacity_pps | floor) else "-" end)] | @tsv),
	"",
	(["entries", "mxscreen/best nft", "mxscreen/stack", "per CPU: /best nft", "per CPU: /stack", "target met"] | @tsv),
	(.ratios[] | [.entries, (.mxscreen_over_best_nft * 100 | floor / 100),
		(.mxscreen_over_stack * 100 | floor / 100),
		(.capacity_mxscreen_over_best_nft * 100 | floor / 100),
		(.capacity_mxscreen_over_stack * 100 | floor / 100), .met] | @tsv)' \
	"$OUTDIR/pps.json" | column -t -s $'\t'
jq -r 'if .flood then
	"", "flood: \(.flood.runs[0].entries) entries, 131072 spoofed sources, none listed",
	(["mechanism", "offered/s", "rx ns/SYN", "added to the stack", "rate drops"] | @tsv),
	(.flood.runs[] | [.mechanism, (.offered_pps | floor), (.rx_ns_per_syn | floor),
		(if .mechanism == "none" then "-" else (.rx_ns_per_syn - $stack | floor) end),
		.rate_drops] | @tsv)
	else empty end' --argjson stack "$(jq '.flood.stack_ns_per_syn // 0' "$OUTDIR/pps.json")" \
	"$OUTDIR/pps.json" | column -t -s $'\t'
say "wrote $OUTDIR/pps.json"
