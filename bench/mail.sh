#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# mail.sh - a botnet floods a real Postfix 3.7 with postscreen in front,
# once without mxscreen and once with mxscreen on the server's veth and
# mxscreend learning the blocklist from the same rbldnsd postscreen asks.
# Measures, per run (median of BENCH_MAIL_RUNS, default 3):
#   - Postfix CPU: every Postfix process runs in its own cgroup v2 (under
#     /sys/fs/cgroup/unified), read from its cpu.stat (usage_usec);
#   - connections that reached postscreen (CONNECT lines of the maillog);
#   - legitimate clients: time to the full "220 " banner (p50/p99) and how
#     many were turned away (a 421 "all screening ports are busy", any
#     other non-220 greeting, a reset or a timeout);
#   - kernel softirq time (/proc/stat, all CPUs) and mxscreend's CPU.
# Scenarios:
#   a  stock postscreen settings, 300 connections/s offered for 25 s, 90%
#      from listed addresses;
#   b  postscreen_pre_queue_limit raised, pregreet test off, at the highest
#      rate of BENCH_MAIL_B_RATES at which Postfix answered every offered
#      connection in a 5 s probe without mxscreen (found first, bounded);
#   c  scenario a, but half of the unlisted bots misbehave as real ones do:
#      they talk before their turn (loadgen --mode pregreet), which
#      postscreen logs as PREGREET; run without mxscreen, with mxscreen on
#      the DNSBLs only ("with"), and with mxscreend also following
#      Postfix's log (postfix_log, "learn"), which bans each pregreeter
#      after its first connection; and 5 password guessers try 3 wrong
#      passwords a connection on the submission port 587 (loadgen --mode
#      authfail; Postfix's SASL backend, tests/e2e/fakeauth.py, refuses
#      everyone), 5 connections a second in all.
# Each scenario also runs once with the legitimate clients alone (an idle
# server): the reference for the time to the banner.  Scenario a also runs
# without its listed bots and without mxscreen ("nolisted"): what the
# unlisted bots alone do to the legitimate clients, the best any filter
# of listed sources could leave.
#
# How to run: `make bench-mail` (root; scripts/deps.sh bench installs
# Postfix, gnuplot), or with MXSCREEN, XDP_PASS_OBJ, LOADGEN set:
#   bench/mail.sh OUTDIR
# Writes OUTDIR/mail/<scenario>-<mode>-<n>.json per run, OUTDIR/mail.json
# (medians and targets), OUTDIR/mail.png (gnuplot) and prints a table.
# BENCH_MAIL_SCENARIOS="a b", BENCH_MAIL_RUNS=3, BENCH_MAIL_SECONDS=25,
# BENCH_MAIL_RATE_A=300, BENCH_MAIL_B_RATES="600 1000 1500 2000 3000".
#
# Set-up (tests/e2e/lib.sh): the end-to-end tests' two namespaces.  In the
# client namespace 198.18.0.0/15 is local (AnyIP route on lo) and
# bench/loadgen binds its sources there with IP_FREEBIND; the server
# routes the range back through the client's veth address.  Sources:
#   listed bots     198.18.1.1   + 400   in bl.test
#   unlisted bots   198.18.8.1   + 50  (c: 25 of them, and 25 pregreeters
#                   from 198.18.40.1)
#   legit, new      198.18.16.1  + one per connection (each seen once)
#   legit, DNSWL    198.18.24.1  + 50    in wl.test
#   legit, returning 198.18.32.1 + 50    passed postscreen before the run
# One loadgen per class (five at a time): the legitimate ones at 5/s each,
# the bots at 90% (listed) and 10% - 15/s (unlisted) of the offered rate.
#
# Postfix: `postfix -c DIR` with its own main.cf, master.cf, queue and data
# directories under the run's temporary directory, mail_owner postfix, no
# chroot, logging to a file (maillog_file, via postlogd: there is no
# syslog).  postscreen's DNSBL lookups go through dnsblog and the libc
# resolver, which reads /etc/resolv.conf and can only ask port 53: rbldnsd
# listens on 127.0.0.1:53 inside the server namespace, and Postfix runs in
# a private mount namespace (unshare --mount) in which a resolv.conf saying
# "nameserver 127.0.0.1" is bind-mounted over /etc/resolv.conf.  The host's
# file is never touched (/etc/netns/NAME/resolv.conf, which `ip netns exec`
# would bind-mount by itself, would have to be written into the host's /etc).
#
# Every loop is bounded in count and time; on every exit path the EXIT trap
# kills the Postfix cgroup (master and children), rbldnsd, mxscreend and
# the load generators, and removes the namespaces, the pins and the cgroup.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../tests/e2e/lib.sh"

OUTDIR=${1:?usage: mail.sh OUTDIR (with MXSCREEN, XDP_PASS_OBJ, LOADGEN set)}
: "${LOADGEN:?set LOADGEN to build/bench/loadgen}"
LOADGEN=$(realpath "$LOADGEN")
SCENARIOS=${BENCH_MAIL_SCENARIOS:-a b}
RUNS=${BENCH_MAIL_RUNS:-3}
DURATION=${BENCH_MAIL_SECONDS:-25}
RATE_A=${BENCH_MAIL_RATE_A:-300}
B_RATES=${BENCH_MAIL_B_RATES:-600 1000 1500 2000 3000}
B_PROBE_SECONDS=5
PORT=25
LEGIT_RATE=5	 # per legitimate class
# s a bot connection may take: longer than postscreen's greet wait (6 s),
# as real spam engines wait for the banner; a refused SYN ends in a timeout
BOT_TIMEOUT=10
LEGIT_TIMEOUT=20 # s a legitimate one may take (greet wait + queueing)
NR_LISTED=400
NR_UNLISTED=50
NR_POOL=50 # DNSWL and returning senders
SRC_LISTED=198.18.1.1
SRC_UNLISTED=198.18.8.1
SRC_NEW=198.18.16.1
SRC_DNSWL=198.18.24.1
SRC_RETURNING=198.18.32.1
SRC_PREGREET=198.18.40.1
SRC_GUESS=198.18.48.1
NR_GUESS=5
GUESS_RATE=5
TARGET_CPU_RATIO=0.2
TARGET_P99_SLACK=1.10
RAW=$OUTDIR/mail
CG_ROOT=/sys/fs/cgroup/unified

say() { echo "mail: $*" >&2; }

[ "$(id -u)" = 0 ] || fail "needs root (network namespaces, BPF, cgroups)"
for tool in ip nsenter unshare bpftool jq awk rbldnsd postfix postconf gnuplot; do
	command -v "$tool" >/dev/null || fail "$tool not found; run scripts/deps.sh bench"
done
[ -x "$MXSCREEND" ] || fail "$MXSCREEND: no such program; run make first"
[ -w "$CG_ROOT/cgroup.procs" ] || fail "$CG_ROOT: no cgroup v2 hierarchy there"
[[ $RUNS =~ ^[1-9]$ ]] || fail "BENCH_MAIL_RUNS=$RUNS: want 1..9"
[[ $DURATION =~ ^[1-9][0-9]?$ ]] || fail "BENCH_MAIL_SECONDS=$DURATION: want 1..99"
if ! [[ $RATE_A =~ ^[1-9][0-9]{2,4}$ ]]; then
	fail "BENCH_MAIL_RATE_A=$RATE_A: want 100..99999"
fi
for r in $B_RATES; do
	[[ $r =~ ^[1-9][0-9]{2,4}$ ]] || fail "BENCH_MAIL_B_RATES: $r is not a rate (100..99999)"
done
for s in $SCENARIOS; do
	[[ $s == [abc] ]] || fail "BENCH_MAIL_SCENARIOS: $s is not a, b or c"
done
HZ=$(getconf CLK_TCK)
mkdir -p "$OUTDIR"
rm -rf "$RAW"
mkdir -p "$RAW"

# ---- set-up --------------------------------------------------------------------
e2e_init
PF_DIR=$E2E_TMP/postfix
CG=$CG_ROOT/mxs-mail-$E2E_ID
LG_PIDS=()

# Postfix first (its cgroup: master and every child, however they were
# forked), then what lib.sh cleans up.
mail_cleanup() {
	local rc=$?

	for pid in "${LG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	pf_stop
	# e2e_cleanup exits with the $? it finds (under set -e, hence the ||)
	if [ "$rc" = 0 ]; then
		e2e_cleanup
	else
		(exit "$rc") || e2e_cleanup
	fi
}
trap mail_cleanup EXIT

e2e_topology
ip -n "$CLI_NS" route add local 198.18.0.0/15 dev lo
ip -n "$SRV_NS" route add 198.18.0.0/15 via "${CLIENTS4[0]}"
ip netns exec "$SRV_NS" sysctl -qw net.core.somaxconn=65535 \
	net.ipv4.tcp_max_syn_backlog=65535

# dotted quad <-> number
ip_num() { echo "$1" | awk -F. '{ printf "%.0f\n", (($1 * 256 + $2) * 256 + $3) * 256 + $4 }'; }
ip_range() { # FIRST COUNT -> the addresses, one a line
	awk -v b="$(ip_num "$1")" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) { a = b + i
		printf "%d.%d.%d.%d\n", int(a / 16777216), int(a / 65536) % 256,
			int(a / 256) % 256, a % 256 } }'
}
reversed() { echo "$1" | awk -F. '{ print $4 "." $3 "." $2 "." $1 }'; }

# rbldnsd on port 53: the libc resolver (postscreen's dnsblog) asks no other
RBL_PORT=53
e2e_rbl_dir
{
	printf ':127.0.0.2:listed by the mxscreen mail benchmark\n127.0.0.2\n'
	ip_range "$SRC_LISTED" "$NR_LISTED"
} >"$RBL_DIR/bl.zone"
{
	printf ':127.0.0.2:\n127.0.0.2\n'
	ip_range "$SRC_DNSWL" "$NR_POOL"
} >"$RBL_DIR/wl.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone wl.test:ip4set:wl.zone
rbl_answers "$(reversed "$SRC_LISTED").bl.test" || fail "rbldnsd does not list $SRC_LISTED"
rbl_answers "$(reversed "$SRC_DNSWL").wl.test" || fail "rbldnsd does not list $SRC_DNSWL in wl.test"
! rbl_answers "$(reversed "$SRC_UNLISTED").bl.test" || fail "rbldnsd lists $SRC_UNLISTED"

# mxscreend: the same zones and weights as postscreen; caps raised and
# TTLs an hour, so nothing expires during a run
MXS_CONF=$E2E_TMP/mxscreen.conf
cat >"$MXS_CONF" <<CONF
# mail.sh: the zones postscreen uses, with its weights
dnsbl_sites = bl.test*2, wl.test*-2
dnsbl_threshold = 1
dnsbl_allowlist_threshold = -1
dns_servers = 127.0.0.1:$RBL_PORT
dnsbl_min_ttl = 1h
dnsbl_max_ttl = 1h
max_lookups_per_second = 100000
max_lookups_in_flight = 20000
# no state file: every run starts empty, and the default one
# (/var/lib/mxscreen/state) is the host's, shared with other runs
state_file =
CONF
# scenario c's "learn": the same, and Postfix's own verdicts (its log)
MXS_CONF_LEARN=$E2E_TMP/mxscreen-learn.conf
{
	cat "$MXS_CONF"
	echo "postfix_log = $E2E_TMP/postfix/maillog"
	echo "ban_time = 1h"
} >"$MXS_CONF_LEARN"
E2E_DAEMON_VERBOSE=0

# ---- Postfix -------------------------------------------------------------------
# pf_config SCENARIO: main.cf and master.cf for a private instance.
pf_config() {
	mkdir -p "$PF_DIR/etc" "$PF_DIR/queue" "$PF_DIR/data"
	chown postfix "$PF_DIR/data"
	chmod 755 "$PF_DIR" "$PF_DIR/etc"
	printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:2\n' >"$PF_DIR/resolv.conf"
	cat >"$PF_DIR/etc/main.cf" <<CF
# mail.sh: a private Postfix instance (postfix -c $PF_DIR/etc)
compatibility_level = 3.6
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.bench.test
mydomain = bench.test
mydestination =
inet_interfaces = $SERVER4
inet_protocols = ipv4
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
postscreen_cache_map = btree:\$data_directory/postscreen_cache
postscreen_dnsbl_sites = bl.test*2, wl.test*-2
postscreen_dnsbl_threshold = 1
postscreen_dnsbl_allowlist_threshold = -1
postscreen_dnsbl_action = drop
CF
	if [ "$1" = b ]; then
		cat >>"$PF_DIR/etc/main.cf" <<CF
# scenario b: more clients in the tests at once, no pregreet test
postscreen_pre_queue_limit = 5000
postscreen_greet_banner =
CF
	fi
	cat >"$PF_DIR/etc/master.cf" <<CF
# service type  private unpriv  chroot  wakeup  maxproc command
smtp      inet  n       -       n       -       1       postscreen
smtpd     pass  -       -       n       -       -       smtpd
dnsblog   unix  -       -       n       -       0       dnsblog
tlsproxy  unix  -       -       n       -       0       tlsproxy
postlog   unix-dgram n  -       n       -       1       postlogd
anvil     unix  -       -       n       -       1       anvil
proxymap  unix  -       -       n       -       -       proxymap
rewrite   unix  -       -       n       -       -       trivial-rewrite
cleanup   unix  n       -       n       -       0       cleanup
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
CF
	if [ "$1" = c ]; then
		# scenario c: a submission service whose SASL backend refuses
		# everyone (tests/e2e/fakeauth.py, started by the run)
		cat >>"$PF_DIR/etc/main.cf" <<CF
smtpd_sasl_type = dovecot
smtpd_sasl_path = $PF_DIR/auth
CF
		cat >>"$PF_DIR/etc/master.cf" <<CF
587       inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_security_level=none
CF
	fi
}

pf() { postfix -c "$PF_DIR/etc" "$@"; }

pf_listening() { ip netns exec "$SRV_NS" ss -Hltn "sport = :$PORT" | grep -q LISTEN; }

# A fresh instance: no postscreen cache, an empty log, its own cgroup.
pf_start() {
	rm -f "$PF_DIR/data"/postscreen_cache* "$PF_DIR/maillog"
	mkdir -p "$CG"
	# the shell joins the cgroup, then becomes Postfix in the server's
	# network namespace and a private mount namespace
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$CG" \
		nsenter --net="/run/netns/$SRV_NS" unshare --mount --propagation private \
		sh -c 'mount --bind "$1" /etc/resolv.conf && ulimit -n "$(ulimit -Hn)" &&
			exec postfix -c "$2" start' sh "$PF_DIR/resolv.conf" "$PF_DIR/etc" \
		>"$E2E_TMP/postfix-start.out" 2>&1 ||
		fail "postfix did not start: $(cat "$E2E_TMP/postfix-start.out")"
	wait_until 100 pf_listening || fail "postscreen does not listen: $(tail -5 "$PF_DIR/maillog")"
}

cg_empty() { ! grep -q . "$CG/cgroup.procs"; }

# Stop the instance and kill whatever is left of it.
pf_stop() {
	[ -d "$CG" ] || return 0
	pf stop >/dev/null 2>&1 || true
	wait_until 50 cg_empty || true
	echo 1 >"$CG/cgroup.kill" 2>/dev/null || true
	wait_until 50 cg_empty || true
	rmdir "$CG" 2>/dev/null || say "warning: cannot remove $CG"
}

pf_cpu_usec() { awk '$1 == "usage_usec" { print $2 }' "$CG/cpu.stat"; }

# ---- load --------------------------------------------------------------------
# lg NAME RATE COUNT SECONDS SRC NSRC TIMEOUT [MODE [PORT]]: one loadgen
# in the background (MODE: banner, the default, pregreet or authfail)
lg() {
	ip netns exec "$CLI_NS" "$LOADGEN" --server "$SERVER4" --port "${9:-$PORT}" \
		--rate "$2" --count "$3" --duration "$4" --src-base "$5" \
		--src-count "$6" --timeout "$7" --max-open 15000 --mode "${8:-banner}" \
		--out "$RUN_DIR/$1.json" --log "$RUN_DIR/$1.log" 2>"$RUN_DIR/$1.err" &
	LG_PIDS+=($!)
}
lg_wait() {
	local pid rc=0
	for pid in "${LG_PIDS[@]}"; do
		wait "$pid" || rc=1
	done
	LG_PIDS=()
	[ "$rc" = 0 ] || fail "a loadgen failed: $(cat "$RUN_DIR"/*.err)"
}

proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
softirq_ticks() { awk '$1 == "cpu" { print $8 }' /proc/stat; }

# run SCENARIO MODE(idle|without|with|learn|nolisted) N RATE SECONDS -> RAW/S-MODE-N.json
run() {
	local scen=$1 mode=$2 n=$3 rate=$4 secs=$5
	local name=$scen-$mode-$n listed unlisted
	RUN_DIR=$RAW/$name
	mkdir -p "$RUN_DIR"
	listed=$((rate * 9 / 10))
	unlisted=$((rate - listed - 3 * LEGIT_RATE))
	say "$name: ${rate}/s offered for ${secs}s"
	pf_start
	local d0=0 d1=0 dpid=""
	if [ "$mode" = with ] || [ "$mode" = learn ]; then
		mxs attach mxs0 >/dev/null
		e2e_start_mxscreend "$([ "$mode" = learn ] && echo "$MXS_CONF_LEARN" || echo "$MXS_CONF")"
		dpid=$DAEMON_PID
	fi
	# the returning senders pass postscreen's tests once, before the run
	lg warmup 25 "$NR_POOL" 2 "$SRC_RETURNING" "$NR_POOL" "$LEGIT_TIMEOUT"
	lg_wait
	local log0 cpu0 sirq0 t0 others
	# tests or benchmarks beside this one share the two cores: recorded
	others=$(ip netns list | awk -v a="$SRV_NS" -v b="$CLI_NS" '$1 != a && $1 != b' | wc -l)
	log0=$(wc -l <"$PF_DIR/maillog")
	cpu0=$(pf_cpu_usec)
	sirq0=$(softirq_ticks)
	[ -n "$dpid" ] && d0=$(proc_ticks "$dpid")
	t0=$(date +%s%N)
	if [ "$mode" != idle ]; then
		# nolisted: the flood without its listed bots, no mxscreen: what
		# a filter that made every listed bot vanish before its first
		# SYN would leave (the reference for "with")
		[ "$mode" = nolisted ] ||
			lg listed "$listed" $((listed * secs)) "$secs" "$SRC_LISTED" "$NR_LISTED" "$BOT_TIMEOUT"
		if [ "$scen" = c ] && [ "$unlisted" -gt 1 ]; then
			local half=$((unlisted / 2))
			lg unlisted "$((unlisted - half))" $(((unlisted - half) * secs)) "$secs" \
				"$SRC_UNLISTED" $((NR_UNLISTED / 2)) "$BOT_TIMEOUT"
			lg pregreet "$half" $((half * secs)) "$secs" "$SRC_PREGREET" \
				$((NR_UNLISTED / 2)) "$BOT_TIMEOUT" pregreet
			lg guess "$GUESS_RATE" $((GUESS_RATE * secs)) "$secs" "$SRC_GUESS" \
				"$NR_GUESS" "$BOT_TIMEOUT" authfail 587
		elif [ "$unlisted" -gt 0 ]; then
			lg unlisted "$unlisted" $((unlisted * secs)) "$secs" "$SRC_UNLISTED" "$NR_UNLISTED" "$BOT_TIMEOUT"
		fi
	fi
	lg new "$LEGIT_RATE" $((LEGIT_RATE * secs)) "$secs" "$SRC_NEW" $((LEGIT_RATE * secs)) "$LEGIT_TIMEOUT"
	lg dnswl "$LEGIT_RATE" $((LEGIT_RATE * secs)) "$secs" "$SRC_DNSWL" "$NR_POOL" "$LEGIT_TIMEOUT"
	lg returning "$LEGIT_RATE" $((LEGIT_RATE * secs)) "$secs" "$SRC_RETURNING" "$NR_POOL" "$LEGIT_TIMEOUT"
	lg_wait
	local t1 cpu1 sirq1
	t1=$(date +%s%N)
	cpu1=$(pf_cpu_usec)
	sirq1=$(softirq_ticks)
	[ -n "$dpid" ] && d1=$(proc_ticks "$dpid")
	tail -n +"$((log0 + 1))" "$PF_DIR/maillog" >"$RUN_DIR/maillog"
	[ -n "$dpid" ] && mxs stats --json >"$RUN_DIR/mxscreen-stats.json"
	if [ -n "$dpid" ]; then
		kill "$dpid"
		wait "$dpid" 2>/dev/null || true
		cp "$DAEMON_LOG" "$RUN_DIR/mxscreend.log"
		: >"$DAEMON_LOG"
	fi
	[ -n "$dpid" ] && mxs detach --all --purge >/dev/null
	pf_stop

	# legitimate clients: outcome and time to the 220 banner, per class
	cat "$RUN_DIR"/{new,dnswl,returning}.log >"$RUN_DIR/legit.log"
	local p50 p99 pmax nb
	read -r p50 p99 pmax nb < <(awk '$3 == "banner" { print $5 / 1000 }' \
		"$RUN_DIR/legit.log" | sort -n | percentiles)
	local m="$RUN_DIR/maillog"
	jq -n --arg scen "$scen" --arg mode "$mode" --argjson n "$n" \
		--argjson rate "$rate" --argjson secs "$secs" \
		--argjson wall "$(((t1 - t0) / 1000000))" \
		--argjson pf_cpu "$((cpu1 - cpu0))" \
		--argjson sirq "$((sirq1 - sirq0))" --argjson dcpu "$((d1 - d0))" \
		--argjson others "$others" \
		--argjson hz "$HZ" --argjson daemon "$([ -n "$dpid" ] && echo true || echo false)" \
		--argjson connect "$(grep -c 'postscreen\[[0-9]*\]: CONNECT from' "$m" || true)" \
		--argjson dnsbl "$(grep -c 'postscreen\[[0-9]*\]: DNSBL rank' "$m" || true)" \
		--argjson busy "$(grep -c 'all screening ports are busy' "$m" || true)" \
		--argjson pass_new "$(grep -c 'postscreen\[[0-9]*\]: PASS NEW' "$m" || true)" \
		--argjson pass_old "$(grep -c 'postscreen\[[0-9]*\]: PASS OLD' "$m" || true)" \
		--argjson smtpd "$(grep -c 'smtpd\[[0-9]*\]: connect from' "$m" || true)" \
		--argjson p50 "$p50" --argjson p99 "$p99" --argjson pmax "$pmax" \
		--argjson nb "$nb" \
		--argjson pregreet "$(grep -c 'postscreen\[[0-9]*\]: PREGREET' "$m" || true)" \
		--argjson submission "$(grep -c 'submission/smtpd\[[0-9]*\]: connect from' "$m" || true)" \
		--argjson sasl "$(grep -c 'SASL [A-Z0-9-]* authentication failed' "$m" || true)" \
		--slurpfile classes <(for c in new dnswl returning listed unlisted pregreet guess; do
			[ -f "$RUN_DIR/$c.log" ] || continue
			awk -v c="$c" '{ k = $3 ($3 == "rejected" ? "_" $6 : ""); o[k]++; n++ }
				END { printf "{\"class\": \"%s\", \"offered\": %d, \"outcomes\": {", c, n
					s = ""; for (k in o) { printf "%s\"%s\": %d", s, k, o[k]; s = ", " }
					print "}}" }' "$RUN_DIR/$c.log"
		done) \
		--slurpfile stats <(cat "$RUN_DIR/mxscreen-stats.json" 2>/dev/null || echo null) '
		($classes | map({(.class): .}) | add) as $c |
		([$c.new, $c.dnswl, $c.returning] | map(.offered) | add) as $lo |
		([$c.new, $c.dnswl, $c.returning] | map(.outcomes.banner // 0) | add) as $lb |
		{
			scenario: $scen, mode: $mode, run: $n, offered_rate: $rate,
			seconds: $secs, wall_ms: $wall,
			other_network_namespaces_at_start: $others,
			postfix_cpu_s: ($pf_cpu / 1e6),
			postfix_cpu_percent: ($pf_cpu / 1e4 / ($wall / 1000) | . * 10 | round / 10),
			reached_postscreen: $connect,
			postscreen: {connect: $connect, dnsbl_rank: $dnsbl, busy_421: $busy,
				pregreet: $pregreet, submission_connect: $submission,
				sasl_failed: $sasl,
				pass_new: $pass_new, pass_old: $pass_old, smtpd_connect: $smtpd},
			legit: {offered: $lo, banner: $lb, turned_away: ($lo - $lb),
				time_to_220_ms: {p50: $p50, p99: $p99, max: $pmax, n: $nb}},
			softirq_s: ($sirq / $hz),
			mxscreend_cpu_s: (if $daemon then $dcpu / $hz else null end),
			classes: $c,
			mxscreen_stats: $stats[0]
		}' >"$RAW/$name.json"
	jq -c '{run: "\(.scenario)-\(.mode)-\(.run)", postfix_cpu_s, reached_postscreen,
		legit: .legit | {turned_away, p50: .time_to_220_ms.p50, p99: .time_to_220_ms.p99},
		softirq_s, mxscreend_cpu_s}' "$RAW/$name.json" >&2
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

# Scenario b's rate: the highest of B_RATES at which Postfix (no mxscreen)
# answered every offered connection within the bots' timeout.
find_rate_b() {
	local best="" r f
	for r in $B_RATES; do
		run b probe "$r" "$r" "$B_PROBE_SECONDS"
		f=$RAW/b-probe-$r.json
		if jq -e '[.classes[] | .outcomes | (.timeout // 0) + (.error // 0) +
			(.skipped // 0) + (.unfinished // 0) + (.reset // 0)] | add == 0' \
			"$f" >/dev/null; then
			best=$r
		else
			break
		fi
	done
	echo "${best:-$(echo "$B_RATES" | awk '{ print $1 }')}"
}

# ---- the runs ------------------------------------------------------------------
for scen in $SCENARIOS; do
	pf_config "$scen"
	if [ "$scen" = c ] && [ ! -S "$PF_DIR/auth" ]; then
		ip netns exec "$SRV_NS" python3 "$E2E_DIR/fakeauth.py" "$PF_DIR/auth" &
		E2E_PIDS+=($!)
		wait_until 50 test -S "$PF_DIR/auth" || fail "fakeauth.py did not start"
	fi
	if [ "$scen" = a ] || [ "$scen" = c ]; then
		rate=$RATE_A
	else
		rate=$(find_rate_b)
		say "scenario b: rate $rate/s"
	fi
	run "$scen" idle 1 "$rate" "$DURATION"
	# (not $i: lib.sh's wait_until uses a global i)
	for ((rep = 1; rep <= RUNS; rep++)); do
		run "$scen" without "$rep" "$rate" "$DURATION"
		run "$scen" with "$rep" "$rate" "$DURATION"
		[ "$scen" = a ] && run "$scen" nolisted "$rep" "$rate" "$DURATION"
		[ "$scen" = c ] && run "$scen" learn "$rep" "$rate" "$DURATION"
	done
done

# ---- medians, targets, table, chart --------------------------------------------
jq -s --argjson ratio "$TARGET_CPU_RATIO" --argjson slack "$TARGET_P99_SLACK" \
	--arg kernel "$(uname -r)" --argjson cpus "$(nproc)" \
	--arg postfix "$(postconf -d -h mail_version)" '
	def median: sort | if length == 0 then null
		else .[(length - 1) / 2 | floor] end;
	def med(f): map(f) | map(select(. != null)) | median;
	map(select(.mode != "probe")) | group_by(.scenario) | map(
		. as $all | $all[0].scenario as $s |
		($all | group_by(.mode) | map({(.[0].mode): {
			runs: length, offered_rate: .[0].offered_rate,
			postfix_cpu_s: med(.postfix_cpu_s),
			reached_postscreen: med(.reached_postscreen),
			pregreets_at_postscreen: med(.postscreen.pregreet),
			guesser_connections_587: med(.postscreen.submission_connect),
			sasl_failures: med(.postscreen.sasl_failed),
			legit_offered: med(.legit.offered),
			legit_turned_away: med(.legit.turned_away),
			legit_p50_ms: med(.legit.time_to_220_ms.p50),
			legit_p99_ms: med(.legit.time_to_220_ms.p99),
			softirq_s: med(.softirq_s),
			mxscreend_cpu_s: med(.mxscreend_cpu_s)}}) | add) as $m |
		{scenario: $s, modes: $m,
		 targets: {
			postfix_cpu_ratio: {want_at_most: $ratio,
				got: (if $m.without.postfix_cpu_s > 0 then
					$m.with.postfix_cpu_s / $m.without.postfix_cpu_s | . * 1000 | round / 1000
					else null end),
				# what the bots cost: above what the legitimate
				# clients alone cost an idle server (not a target)
				above_idle: (if $m.idle != null and
					$m.without.postfix_cpu_s > $m.idle.postfix_cpu_s then
					($m.with.postfix_cpu_s - $m.idle.postfix_cpu_s) /
					($m.without.postfix_cpu_s - $m.idle.postfix_cpu_s) |
					. * 1000 | round / 1000 else null end)},
			legit_turned_away_with: {want: 0, got: $m.with.legit_turned_away,
				# the same flood without its listed bots (and
				# without mxscreen): the unlisted bots alone
				without_listed_bots: $m.nolisted.legit_turned_away},
			legit_p99_ms_with: {want_at_most: ($m.idle.legit_p99_ms * $slack | round),
				got: $m.with.legit_p99_ms}}
		} | .targets |= with_entries(.value.reached =
			(.value.got != null and (if .value.want_at_most != null
				then .value.got <= .value.want_at_most else .value.got == .value.want end))))
	| {benchmark: "Postfix 3.7 postscreen under a botnet flood, without and with mxscreen",
	   kernel: $kernel, cpus: $cpus, postfix: $postfix, scenarios: .}
	' "$RAW"/*.json >"$OUTDIR/mail.json"

echo
echo "Postfix + postscreen under a flood (median of $RUNS runs; idle = legitimate clients only):"
jq -r '
	["scen", "mode", "offered/s", "postfix CPU s", "reached postscreen",
	 "legit turned away", "legit 220 p50/p99 ms", "softirq s", "mxscreend CPU s"],
	(.scenarios[] | .scenario as $s | .modes | to_entries[] |
		[$s, .key, .value.offered_rate, .value.postfix_cpu_s,
		 .value.reached_postscreen,
		 "\(.value.legit_turned_away)/\(.value.legit_offered)",
		 "\(.value.legit_p50_ms)/\(.value.legit_p99_ms)",
		 .value.softirq_s, (.value.mxscreend_cpu_s // "-")]) | @tsv' \
	"$OUTDIR/mail.json" | column -t -s $'\t'
jq -r '.scenarios[] | .scenario as $s | .targets | to_entries[] |
	"target (\($s)) \(.key): want \(if .value.want_at_most != null then "at most \(.value.want_at_most)" else .value.want end), got \(.value.got)\(if .value.above_idle != null then " (above an idle server: \(.value.above_idle))" else "" end)\(if .value.without_listed_bots != null then " (the flood without its listed bots, no mxscreen: \(.value.without_listed_bots))" else "" end): \(if .value.reached then "reached" else "NOT reached" end)\(if $s != "a" then " (reference: the targets are set for scenario a)" else "" end)"' \
	"$OUTDIR/mail.json"

# the chart: Postfix CPU, and legitimate clients turned away, per scenario
jq -r '.scenarios[] | .scenario as $s | .modes as $m |
	[$s, ($m.without.postfix_cpu_s // 0), ($m.with.postfix_cpu_s // 0),
	 ($m.without.legit_turned_away // 0), ($m.with.legit_turned_away // 0),
	 ($m.idle.legit_p99_ms // 0), ($m.without.legit_p99_ms // 0),
	 ($m.with.legit_p99_ms // 0)] | @tsv' "$OUTDIR/mail.json" >"$RAW/chart.dat"
gnuplot <<GP || say "warning: gnuplot failed; no chart"
set terminal pngcairo size 1200,420 noenhanced font ",10"
set output "$OUTDIR/mail.png"
set multiplot layout 1,3 title "Postfix postscreen flood: without and with mxscreen (median of $RUNS runs)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key below
set grid ytics
# the same colour for the same mode in every panel
WITHOUT = "#a040c0"; WITH = "#30a080"; IDLE = "#80b0e0"
set yrange [0:*]
set title "Postfix CPU (s per run)"
plot "$RAW/chart.dat" using 2:xtic("scenario "."".stringcolumn(1)) title "without" lc rgb WITHOUT, \
     "" using 3 title "with mxscreen" lc rgb WITH
set title "legitimate clients turned away"
plot "$RAW/chart.dat" using 4:xtic("scenario "."".stringcolumn(1)) title "without" lc rgb WITHOUT, \
     "" using 5 title "with mxscreen" lc rgb WITH
set title "legitimate time to 220, p99 (ms, log scale)"
set logscale y
set yrange [1:*]
plot "$RAW/chart.dat" using 6:xtic("scenario "."".stringcolumn(1)) title "idle server" lc rgb IDLE, \
     "" using 7 title "without" lc rgb WITHOUT, "" using 8 title "with mxscreen" lc rgb WITH
unset multiplot
GP
echo "results: $OUTDIR/mail.json, chart $OUTDIR/mail.png (per run: $RAW/)"
