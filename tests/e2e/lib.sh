#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# lib.sh - throwaway network namespaces for the end-to-end tests and the
# demo: a server namespace running a real TCP listener with mxscreen on its
# veth, and a client namespace with several source addresses.
#
#   client ns (mxs-c-ID)                     server ns (mxs-s-ID)
#   mxs1: 192.0.2.10-14/24          <--->    mxs0: 192.0.2.1/24  (XDP here)
#         2001:db8::10-12/64                       2001:db8::1/64
#
# Only TEST-NET-1 and the IPv6 documentation prefix are used.  Everything is
# removed on every exit path (the EXIT trap), including the BPF pins.
#
# Source it, then: e2e_init; e2e_topology; e2e_start_smtpd 25 587; mxs ...
# Needs MXSCREEN (the CLI) and XDP_PASS_OBJ (build/tests/xdp_pass.bpf.o) in
# the environment; make test-e2e and make demo set both.

set -euo pipefail
# ip, nft and ethtool live in sbin, which a PATH from su (without -) lacks
PATH=$PATH:/usr/sbin:/sbin

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${MXSCREEN:?set MXSCREEN to the mxscreen binary}"
: "${XDP_PASS_OBJ:?set XDP_PASS_OBJ to build/tests/xdp_pass.bpf.o}"
MXSCREEN=$(realpath "$MXSCREEN")
MXSCREEND=$(realpath "${MXSCREEND:-$(dirname "$MXSCREEN")/mxscreend}")
XDP_PASS_OBJ=$(realpath "$XDP_PASS_OBJ")

SERVER4=192.0.2.1
SERVER6=2001:db8::1
CLIENTS4=(192.0.2.10 192.0.2.11 192.0.2.12 192.0.2.13 192.0.2.14)
CLIENTS6=(2001:db8::10 2001:db8::11 2001:db8::12)

# How long a probe waits for a SYN to be answered.  A dropped SYN is
# indistinguishable from a slow one, so this is the one timed wait: Linux
# answers on a veth in well under a millisecond.
PROBE_TIMEOUT=${PROBE_TIMEOUT:-1}

E2E_FAILED=0
E2E_PIDS=()
E2E_CLEANUP_FILES=()

e2e_init() {
	# Short id: interface and namespace names stay well under 15 chars.
	E2E_ID=$(printf '%04x%02x' $$ $((RANDOM % 256)))
	SRV_NS=mxs-s-$E2E_ID
	CLI_NS=mxs-c-$E2E_ID
	PIN=/sys/fs/bpf/mxs-test-$E2E_ID
	E2E_TMP=$(mktemp -d /tmp/mxs-e2e.XXXXXX)
	SMTPD_LOG=$E2E_TMP/smtpd.log
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
}

e2e_cleanup() {
	local rc=$?

	for pid in "${E2E_PIDS[@]}"; do
		# a test that failed while it had a process stopped (state T;
		# never a process in a tracing stop, t: LeakSanitizer stops the
		# exiting daemon that way to scan it)
		[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ] &&
			kill -CONT "$pid" 2>/dev/null
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ -e "/run/netns/$SRV_NS" ]; then
		nsenter --net="/run/netns/$SRV_NS" "$MXSCREEN" --pin-path "$PIN" \
			detach --all --purge >/dev/null 2>&1 || true
	fi
	ip netns del "$SRV_NS" 2>/dev/null || true
	ip netns del "$CLI_NS" 2>/dev/null || true
	# $PIN-*: a test's second instance (its interfaces went with the
	# namespace); E2E_CLEANUP_FILES: what a test wrote outside $E2E_TMP
	rm -rf "$PIN" "$PIN"-* "$E2E_TMP" "${E2E_CLEANUP_FILES[@]}"
	exit "$rc"
}

# Create both namespaces and the veth pair.
e2e_topology() {
	ip netns add "$SRV_NS"
	ip netns add "$CLI_NS"
	ip -n "$SRV_NS" link set lo up
	ip -n "$CLI_NS" link set lo up
	ip -n "$SRV_NS" link add mxs0 type veth peer name mxs1 netns "$CLI_NS"
	ip -n "$SRV_NS" addr add "$SERVER4/24" dev mxs0
	ip -n "$SRV_NS" addr add "$SERVER6/64" dev mxs0 nodad
	for a in "${CLIENTS4[@]}"; do
		ip -n "$CLI_NS" addr add "$a/24" dev mxs1
	done
	for a in "${CLIENTS6[@]}"; do
		ip -n "$CLI_NS" addr add "$a/64" dev mxs1 nodad
	done
	ip -n "$SRV_NS" link set mxs0 up
	ip -n "$CLI_NS" link set mxs1 up
	# A veth delivers XDP_TX frames (mxscreen's RSTs in native mode) only
	# when its peer runs an XDP program; see xdp_pass.bpf.c.
	ip -n "$CLI_NS" link set mxs1 xdpdrv obj "$XDP_PASS_OBJ" sec xdp
}

# Poll a condition (a command) until it succeeds: at most $1 tries, 0.1 s
# apart.  Used instead of fixed sleeps wherever a state can be observed.
# The condition must be a command that looks afresh each time: a "$(...)"
# among its arguments would be expanded once, before the first try.
wait_until() {
	local tries=$1 try
	shift
	for ((try = 0; try < tries; try++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

e2e_listening() {
	local port
	for port in "$@"; do
		ip netns exec "$SRV_NS" ss -Hltn "sport = :$port" | grep -q LISTEN ||
			return 1
	done
}

# Start the SMTP greeter on the given ports in the server namespace.
e2e_start_smtpd() {
	: >"$SMTPD_LOG"
	ip netns exec "$SRV_NS" python3 "$E2E_DIR/smtpd.py" "$SMTPD_LOG" "$@" &
	E2E_PIDS+=($!)
	wait_until 50 e2e_listening "$@" || fail "smtpd did not start on ports $*"
}

# mxscreen inside the server namespace.  nsenter keeps /sys/fs/bpf visible
# (ip netns exec would remount /sys and hide the pins).
mxs() {
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEN" --pin-path "$PIN" "$@"
}

# mxs in the background, recorded for cleanup.  nsenter execs mxscreen,
# so the recorded pid is mxscreen's own and a kill reaches it (a function
# put in the background would be a subshell, and the kill would not).
mxs_bg() {
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEN" --pin-path "$PIN" "$@" &
	E2E_PIDS+=($!)
	MXS_BG_PID=$!
}

# One connection attempt: probe SRC PORT -> banner|reset|timeout|error
probe() {
	local src=$1 port=$2 dst=$SERVER4
	[[ $src == *:* ]] && dst=$SERVER6
	ip netns exec "$CLI_NS" python3 "$E2E_DIR/tcpprobe.py" "$src" "$dst" \
		"$port" "$PROBE_TIMEOUT" || true
}

# Connections that reached the listener from SRC (any port).
reached() {
	grep -c " $1\$" "$SMTPD_LOG" || true
}

# One stats field (summed over CPUs by the CLI).
counter() {
	mxs stats --json | jq -e ".$1"
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

pass() {
	echo "ok: $*"
}

# expect WANT SRC PORT [what]: one probe must end in WANT.
expect() {
	local want=$1 src=$2 port=$3 what=${4:-}
	local got
	got=$(probe "$src" "$port")
	[ "$got" = "$want" ] || fail "$src -> port $port${what:+ ($what)}: got $got, want $want"
	pass "$src -> port $port: $got${what:+ ($what)}"
}

# expect_in SRC PORT [what]: the connection gets in (its handshake
# completes).  A source that this very connection gets banned (a DNSBL
# verdict on its first handshake, the connection over a rate) may see the
# ban end it before the banner (close_connections): banner or ended.
expect_in() {
	local src=$1 port=$2 what=${3:-}
	local got
	got=$(probe "$src" "$port")
	[ "$got" = banner ] || [ "$got" = ended ] ||
		fail "$src -> port $port${what:+ ($what)}: got $got, want banner or ended"
	pass "$src -> port $port: $got${what:+ ($what)}"
}

assert_eq() {
	local got=$1 want=$2 what=$3
	[ "$got" = "$want" ] || fail "$what: got $got, want $want"
	pass "$what = $got"
}

assert_ge() {
	local got=$1 want=$2 what=$3
	[ "$got" -ge "$want" ] || fail "$what: got $got, want at least $want"
	pass "$what = $got (>= $want)"
}

# ---- DNSBL: a real rbldnsd and the real daemon -----------------------------

RBL_PORT=5353
DAEMON_LOG=

# e2e_start_rbldnsd ZONE:TYPE:FILE... with the files already written in
# $RBL_DIR (e2e_rbl_dir creates it).  Listens on 127.0.0.1:$RBL_PORT in the
# server namespace, logs every query to $RBL_DIR/queries.log.
e2e_rbl_dir() {
	RBL_DIR=$E2E_TMP/rbl
	mkdir -p "$RBL_DIR"
	# rbldnsd drops to user rbldns: the zone files must be readable and
	# the query log writable by it
	chmod 755 "$E2E_TMP" "$RBL_DIR"
	: >"$RBL_DIR/queries.log"
	chmod 666 "$RBL_DIR/queries.log"
}

rbl_answers() {
	ip netns exec "$SRV_NS" dig +short +time=1 +tries=1 -p "$RBL_PORT" \
		@127.0.0.1 "$1" | grep -q .
}

e2e_start_rbldnsd() {
	chmod 644 "$RBL_DIR"/*.zone
	ip netns exec "$SRV_NS" rbldnsd -n -q -b "127.0.0.1/$RBL_PORT" \
		-r "$RBL_DIR" -w . -t 2 -l +queries.log "$@" \
		>"$E2E_TMP/rbldnsd.out" 2>&1 &
	E2E_PIDS+=($!)
	RBLDNSD_PID=$!
	local first=${1%%:*}
	wait_until 50 rbl_answers "2.0.0.127.$first" ||
		fail "rbldnsd does not answer: $(cat "$E2E_TMP/rbldnsd.out")"
}

# Queries rbldnsd answered for a name ending in $1.
rbl_queries() {
	grep -c "$1" "$RBL_DIR/queries.log" || true
}

daemon_json() {
	mxs status --json | jq -e ".daemon$1"
}

# All configured zones have been probed (usable or deliberately disabled).
daemon_probed() {
	mxs status --json |
		jq -e '.daemon.running and (.daemon.zones | all(.state != "not yet probed (unused)"))' \
			>/dev/null
}

# e2e_start_mxscreend CONFIG_FILE: the daemon in the foreground, in the
# server namespace (so it watches that namespace's connections), logging
# to $DAEMON_LOG; returns when its zones have been probed.  It logs every
# verdict (-v) unless E2E_DAEMON_VERBOSE=0: benchmarks measure the daemon
# at its default log level, as it runs on a server.
e2e_start_mxscreend() {
	local verbose=(-v) wrapper=()

	[ "${E2E_DAEMON_VERBOSE:-1}" = 0 ] && verbose=()
	# E2E_DAEMON_WRAPPER: a command to run the daemon under, such as
	# valgrind (make test-valgrind); it must keep the daemon's pid.
	[ -n "${E2E_DAEMON_WRAPPER:-}" ] && read -ra wrapper <<<"$E2E_DAEMON_WRAPPER"
	DAEMON_LOG=$E2E_TMP/mxscreend.log
	nsenter --net="/run/netns/$SRV_NS" "${wrapper[@]}" "$MXSCREEND" -f "${verbose[@]}" -c "$1" \
		--pin-path "$PIN" >>"$DAEMON_LOG" 2>&1 &
	E2E_PIDS+=($!)
	DAEMON_PID=$!
	wait_until 100 daemon_probed ||
		fail "mxscreend did not come up: $(cat "$DAEMON_LOG")"
}

# e2e_run_mxscreend CONFIG_FILE: as e2e_start_mxscreend, for a daemon with
# no DNSBL zones to probe (at its default log level): returns once it
# runs; appends to $E2E_TMP/mxscreend.log.
e2e_run_mxscreend() {
	nsenter --net="/run/netns/$SRV_NS" "$MXSCREEND" -f -c "$1" --pin-path "$PIN" \
		>>"$E2E_TMP/mxscreend.log" 2>&1 &
	E2E_PIDS+=($!)
	DAEMON_PID=$!
	wait_until 50 daemon_json '.running == true' ||
		fail "no daemon: $(cat "$E2E_TMP/mxscreend.log")"
}

# Conditions for wait_until.
verdict_is() { [ "$(dnsbl_verdict "$1")" = "$2" ]; }
counter_grew() { [ "$(($(counter "$1") - $2))" -ge "$3" ]; }
daemon_idle() { [ "$(daemon_json .in_flight)" = 0 ]; }

# The daemon's cached verdict for an address ("" when none yet, or when
# the cached one is no longer fresh).
dnsbl_verdict() {
	mxs check "$1" --json |
		jq -r 'if .dnsbl != null and .dnsbl.fresh_for > 0 then .dnsbl.verdict else "" end'
}

# fail2ban_matches LOG: how many of mxscreend's lines in LOG (as written
# with -f: "mxscreend: ...") the fail2ban filter in scripts/fail2ban finds,
# once given the syslog prefix they have on a server.
fail2ban_matches() {
	# installed as fail2ban has it: beside its common.conf
	mkdir -p "$E2E_TMP/filter.d"
	cp /etc/fail2ban/filter.d/common.conf "$E2E_DIR/../../scripts/fail2ban/mxscreend.conf" \
		"$E2E_TMP/filter.d/"
	sed -n 's/^mxscreend: /Nov 22 14:00:00 mx mxscreend[4711]: /p' "$1" \
		>"$E2E_TMP/syslog.txt"
	fail2ban-regex "$E2E_TMP/syslog.txt" "$E2E_TMP/filter.d/mxscreend.conf" |
		sed -n 's/^Failregex: \([0-9]*\) total.*/\1/p'
}

# ---- several hosts: named namespaces, each with its own pins ---------------
# For tests with more than one server (test_fleet.sh).  After e2e_init,
# e2e_host NAME makes the namespace mxs-NAME-$E2E_ID, whose screener (if
# one is attached) is pinned under /sys/fs/bpf/mxs-test-$E2E_ID-NAME.  On
# every exit, the processes the test started are stopped, then every host
# is detached, purged and deleted, then e2e_cleanup does the rest.  Keep
# NAME short: it is part of the namespace's name.

declare -A E2E_HOST_NS=() E2E_HOST_PIN=()
E2E_HOSTS=()

e2e_host() {
	local name=$1

	[ ${#E2E_HOSTS[@]} -gt 0 ] || trap e2e_hosts_cleanup EXIT
	E2E_HOSTS+=("$name")
	E2E_HOST_NS[$name]=mxs-$name-$E2E_ID
	E2E_HOST_PIN[$name]=/sys/fs/bpf/mxs-test-$E2E_ID-$name
	ip netns add "${E2E_HOST_NS[$name]}"
	ip -n "${E2E_HOST_NS[$name]}" link set lo up
}

e2e_hosts_cleanup() {
	local rc=$? name pid

	set +e
	for pid in "${E2E_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	E2E_PIDS=()
	for name in "${E2E_HOSTS[@]}"; do
		if [ -e "/run/netns/${E2E_HOST_NS[$name]}" ]; then
			mxs_on "$name" detach --all --purge >/dev/null 2>&1
			ip netns del "${E2E_HOST_NS[$name]}"
		fi
		rm -rf "${E2E_HOST_PIN[$name]}"
	done
	(exit "$rc")
	e2e_cleanup
}

# on HOST CMD...: a command in the host's namespace, with /sys/fs/bpf
# visible (nsenter, not ip netns exec; see mxs).
on() {
	local name=$1
	shift
	nsenter --net="/run/netns/${E2E_HOST_NS[$name]}" "$@"
}

# on_bg HOST CMD...: on HOST in the background, recorded for cleanup;
# ON_BG_PID is CMD's pid.  (nsenter itself goes in the background: "on
# HOST CMD &" would put a subshell there, which a kill does not get past.)
on_bg() {
	local name=$1
	shift
	nsenter --net="/run/netns/${E2E_HOST_NS[$name]}" "$@" &
	E2E_PIDS+=($!)
	ON_BG_PID=$!
}

# mxscreen on a host, with the host's pins.
mxs_on() {
	local name=$1
	shift
	on "$name" "$MXSCREEN" --pin-path "${E2E_HOST_PIN[$name]}" "$@"
}

# e2e_link HOST1 IF1 ADDR1/LEN HOST2 IF2 ADDR2/LEN: a veth pair between
# two hosts, addressed and up (IPv6 addresses without DAD).
e2e_link() {
	local h1=$1 if1=$2 a1=$3 h2=$4 if2=$5 a2=$6 nodad=

	ip -n "${E2E_HOST_NS[$h1]}" link add "$if1" type veth peer name "$if2" \
		netns "${E2E_HOST_NS[$h2]}"
	[[ $a1 == *:* ]] && nodad=nodad
	ip -n "${E2E_HOST_NS[$h1]}" addr add "$a1" dev "$if1" $nodad
	ip -n "${E2E_HOST_NS[$h2]}" addr add "$a2" dev "$if2" $nodad
	ip -n "${E2E_HOST_NS[$h1]}" link set "$if1" up
	ip -n "${E2E_HOST_NS[$h2]}" link set "$if2" up
}

host_listening() {
	local name=$1 port
	shift
	for port in "$@"; do
		on "$name" ss -Hltn "sport = :$port" | grep -q LISTEN || return 1
	done
}

# e2e_host_smtpd HOST PORT...: the greeter on a host, logging to
# $E2E_TMP/smtpd-HOST.log (reached_on counts what got there).
e2e_host_smtpd() {
	local name=$1
	shift
	: >"$E2E_TMP/smtpd-$name.log"
	on_bg "$name" python3 "$E2E_DIR/smtpd.py" "$E2E_TMP/smtpd-$name.log" "$@"
	wait_until 50 host_listening "$name" "$@" ||
		fail "smtpd did not start on $name, ports $*"
}

# probe_on HOST SRC DST PORT -> banner|reset|timeout|error
probe_on() {
	on "$1" python3 "$E2E_DIR/tcpprobe.py" "$2" "$3" "$4" "$PROBE_TIMEOUT" || true
}

# expect_on WANT HOST SRC DST PORT [what]: one probe must end in WANT.
expect_on() {
	local want=$1 host=$2 src=$3 dst=$4 port=$5 what=${6:-}
	local got
	got=$(probe_on "$host" "$src" "$dst" "$port")
	# "in": the connection got in (see expect_in)
	[ "$got" = "$want" ] || { [ "$want" = in ] && { [ "$got" = banner ] || [ "$got" = ended ]; }; } ||
		fail "$src -> $dst:$port${what:+ ($what)}: got $got, want $want"
	pass "$src -> $dst:$port: $got${what:+ ($what)}"
}

# Connections from SRC that reached HOST's greeter.
reached_on() {
	grep -c " $2\$" "$E2E_TMP/smtpd-$1.log" || true
}

# All zones of HOST's daemon probed (usable or deliberately disabled).
host_daemon_probed() {
	mxs_on "$1" status --json |
		jq -e '.daemon.running and (.daemon.zones | all(.state != "not yet probed (unused)"))' \
			>/dev/null
}

# e2e_host_mxscreend HOST CONFIG [HOSTNAME]: mxscreend on a host in the
# foreground, logging to $E2E_TMP/mxscreend-HOST.log (-v); with HOSTNAME,
# in a UTS namespace of its own with that host name (each MX host of a
# fleet has its own).  Returns when its zones have been probed.
e2e_host_mxscreend() {
	local name=$1 conf=$2 hostname=${3:-}
	local log=$E2E_TMP/mxscreend-$name.log
	local uts=()

	[ -n "$hostname" ] &&
		uts=(unshare --uts sh -c 'hostname "$0" && exec "$@"' "$hostname")
	# (nsenter, unshare and sh each exec the next: ON_BG_PID is the
	# daemon's)
	on_bg "$name" "${uts[@]}" "$MXSCREEND" -f -v -c "$conf" \
		--pin-path "${E2E_HOST_PIN[$name]}" >>"$log" 2>&1
	wait_until 100 host_daemon_probed "$name" ||
		fail "mxscreend on $name did not come up: $(cat "$log")"
}
