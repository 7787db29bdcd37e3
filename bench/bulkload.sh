#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# bulkload.sh - time the CLI's bulk import of big block lists.
#
# How to run: `make bench` (root), or
#   bench/bulkload.sh build/mxscreen build/bench
# How to read: it attaches mxscreen (skb mode) to a veth in a throwaway
# network namespace with its own pin path, then times
# `mxscreen load block FILE` into freshly created, empty maps for
#   hosts: 1,000,000 distinct IPv4 hosts, one per line;
#   drop:  100,000 IPv4 /24 prefixes in Spamhaus DROP style ("a.b.c.0/24 ; SBLn").
# Each load is checked: `status --json` must count every line of the file
# in the map, and bpftool must find its first, middle and last entry.
# The target is under 5 s for 1M prefixes.
# Prints the seconds and writes OUTDIR/bulkload.json, plus the CLI's
# `status --json` after each load (OUTDIR/bulkload-NAME-status.json).
#
# Cleanup: the namespace, the pins and the temporary files go on every exit
# path (EXIT, INT, TERM).  /sys/fs/bpf is mounted if it is not, and left
# mounted: other users of the machine may have pins there.
set -eu
# ethtool, nft and ip live in sbin, which a PATH from su (without -) lacks
PATH=$PATH:/usr/sbin:/sbin

MXSCREEN=${1:?usage: bulkload.sh MXSCREEN OUTDIR}
OUTDIR=${2:?usage: bulkload.sh MXSCREEN OUTDIR}
PIN=${MXS_BENCH_PIN:-/sys/fs/bpf/mxscreen-bench}
NS=mxs-bench-$$
IFACE=mxb0
HOSTS=1000000
NETS=100000
TARGET_S=5

tmp=""
ns_made=0

say() { echo "bulkload: $*" >&2; }
die() { say "$*"; exit 1; }

mxs() { nsenter --net="/run/netns/$NS" "$MXSCREEN" --pin-path "$PIN" "$@"; }

detach() {
	if [ -e "$PIN" ]; then
		mxs detach --all --purge >/dev/null 2>&1 ||
			say "warning: detach --all --purge failed"
	fi
	# Pins this run created and the CLI left behind.
	if [ -e "$PIN" ]; then
		say "warning: $PIN still there after purge; removing it"
		rm -rf "$PIN"
	fi
}

cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ "$ns_made" = 1 ]; then
		detach
		ip netns del "$NS" 2>/dev/null || say "warning: cannot delete netns $NS"
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, BPF)"
[ -x "$MXSCREEN" ] || die "$MXSCREEN: no such program; run make first"
for tool in ip nsenter bpftool awk jq; do
	command -v "$tool" >/dev/null || die "$tool not found; run scripts/deps.sh bench"
done
if [ -e "$PIN" ]; then
	die "$PIN exists (an earlier run?); remove it with: $MXSCREEN --pin-path $PIN detach --all --purge"
fi
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs on /sys/fs/bpf"
fi

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$OUTDIR"
tmp=$(mktemp -d /tmp/mxs-bulkload.XXXXXX)
ip netns add "$NS" || die "cannot create netns $NS"
ns_made=1
ip -n "$NS" link add "$IFACE" type veth peer name mxb1
ip -n "$NS" link set "$IFACE" up
ip -n "$NS" link set mxb1 up

# --- the lists (data: any addresses; none from special ranges) ------------
say "writing $HOSTS hosts and $NETS /24 prefixes to $tmp"
# Hosts: 1.0.0.0 + i * 3559 is distinct for every i and spread over
# 1.0.0.0..214.x; 127/8 and 198.18.0.0/15 are skipped.
awk -v n="$HOSTS" 'BEGIN {
	print "# mxscreen bench: " n " IPv4 hosts"
	for (i = 0; c < n && i < 2 * n; i++) {
		a = 16777216 + i * 3559
		o1 = int(a / 16777216); o2 = int(a / 65536) % 256
		if (o1 == 127 || (o1 == 198 && (o2 == 18 || o2 == 19)))
			continue
		printf "%d.%d.%d.%d\n", o1, o2, int(a / 256) % 256, a % 256
		c++
	}
}' >"$tmp/hosts.txt"
# DROP style: /24 number 65536 + j * 131 (1.0.0.0/24 onwards, spread up to
# about 202.x), same skips, with a ; comment like Spamhaus DROP.
awk -v n="$NETS" 'BEGIN {
	print "; mxscreen bench: " n " IPv4 /24 prefixes, DROP style"
	for (j = 0; c < n && j < 2 * n; j++) {
		x = 65536 + j * 131
		o1 = int(x / 65536); o2 = int(x / 256) % 256
		if (o1 == 127 || (o1 == 198 && (o2 == 18 || o2 == 19)))
			continue
		printf "%d.%d.%d.0/24 ; SBL%d\n", o1, o2, x % 256, 100000 + c
		c++
	}
}' >"$tmp/drop.txt"
[ "$(grep -vc '^[#;]' "$tmp/hosts.txt")" = "$HOSTS" ] || die "host list generation failed"
[ "$(grep -vc '^[#;]' "$tmp/drop.txt")" = "$NETS" ] || die "prefix list generation failed"

# --- spot checks ----------------------------------------------------------
# key bytes for bpftool: "a b c d" (host hash) or "24 0 0 0 a b c 0" (LPM:
# prefixlen in host byte order, little endian here, then the address).
host_key() { echo "$1" | awk -F. '{ print $1, $2, $3, $4 }'; }
net_key() { echo "$1" | awk -F'[./ ]' '{ print $5, 0, 0, 0, $1, $2, $3, $4 }'; }

check_in_map() { # MAP FILE KEYFN
	map=$1 file=$2 keyfn=$3
	total=$(grep -vc '^[#;]' "$file")
	for nth in 1 $((total / 2)) "$total"; do
		line=$(grep -v '^[#;]' "$file" | sed -n "${nth}p")
		# shellcheck disable=SC2046
		if ! bpftool map lookup pinned "$PIN/$map" key $($keyfn "$line") \
			>/dev/null 2>&1; then
			die "after the load, $line (line $nth) is not in $map"
		fi
	done
}

# --- timing ---------------------------------------------------------------
time_load() { # NAME FILE MAP KEYFN; prints the seconds
	name=$1 file=$2 map=$3 keyfn=$4
	mxs attach "$IFACE" --mode skb >"$tmp/attach.log" 2>&1 ||
		{ cat "$tmp/attach.log" >&2; die "cannot attach to $IFACE in $NS"; }
	t0=$(date +%s%N)
	mxs load block "$file" >"$tmp/load.log" 2>&1 ||
		{ cat "$tmp/load.log" >&2; die "load block $file failed"; }
	t1=$(date +%s%N)
	check_in_map "$map" "$file" "$keyfn"
	say "$name: $(tail -n 1 "$tmp/load.log")"
	mxs status --json >"$OUTDIR/bulkload-$name-status.json" ||
		die "status --json failed after loading $file"
	want=$(grep -vc '^[#;]' "$file")
	got=$(jq -r ".maps.$map.entries" "$OUTDIR/bulkload-$name-status.json")
	[ "$got" = "$want" ] || die "after the load, $map holds $got entries, want $want"
	detach
	awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1e9 }'
}

secs_hosts=$(time_load hosts "$tmp/hosts.txt" block4_host host_key)
secs_drop=$(time_load drop "$tmp/drop.txt" block4_net net_key)

reached=$(awk -v s="$secs_hosts" -v t=$TARGET_S 'BEGIN { print (s < t) ? "true" : "false" }')
cat >"$OUTDIR/bulkload.json" <<EOF
{
  "benchmark": "mxscreen load block (CLI bulk import into empty maps, skb-mode attach)",
  "kernel": "$(uname -r)",
  "hosts": {"entries": $HOSTS, "kind": "IPv4 hosts", "map": "block4_host", "seconds": $secs_hosts},
  "drop": {"entries": $NETS, "kind": "IPv4 /24, DROP style with ; comments", "map": "block4_net", "seconds": $secs_drop},
  "target": {"what": "bulk load of 1M prefixes under $TARGET_S s", "seconds": $secs_hosts, "reached": $reached}
}
EOF

echo
echo "mxscreen load block (CLI, empty maps, timed with date):"
printf '  %-40s %8s s\n' "$HOSTS IPv4 hosts" "$secs_hosts"
printf '  %-40s %8s s\n' "$NETS IPv4 /24 (DROP style)" "$secs_drop"
if [ "$reached" = true ]; then verdict=reached; else verdict="NOT reached"; fi
echo "target: 1M prefixes under $TARGET_S s: $secs_hosts s ($verdict)"
echo "results: $OUTDIR/bulkload.json"
