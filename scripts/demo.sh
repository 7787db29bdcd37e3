#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# demo.sh - mxscreen at work in throwaway network namespaces.
#
# A mail server namespace runs an SMTP greeter on ports 25 and 587 with
# mxscreen attached to its interface; a client namespace connects from
# several TEST-NET addresses.  One source is blocked by hand, a whole
# prefix is blocked with one friend allowed inside it, a block ends the
# session a password guesser holds open; then mxscreend
# learns from a local rbldnsd that a bot is listed, after the bot's first
# connection, bans a source for too many connections, loads a static list
# file and follows its edits, bans a source that postscreen's log says
# talked before its turn, holds a login used from four networks (the
# policy service) and bans its clients on submission; the bans are
# exported as an rbldnsd zone for a fleet, and the counters as Prometheus
# text.  Every connection attempt's outcome is printed next to the
# kernel's counters.
# Usage: demo.sh path/to/mxscreen   (make demo does this)
set -euo pipefail
export MXSCREEN=${1:?usage: demo.sh MXSCREEN}
source "$(dirname "$0")/../tests/e2e/lib.sh"

if [ -t 1 ]; then
	bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	bold() { printf '\n== %s\n' "$*"; }
fi
run() {
	local w line="$ mxscreen"
	for w in "$@"; do
		[[ $w == *" "* ]] && w="\"$w\""
		line+=" $w"
	done
	echo "$line"
	mxs "$@" | sed 's/^/  /'
}
try() {
	local src=$1 port=$2 got
	got=$(probe "$src" "$port")
	case $got in
	banner) printf '  %-14s -> port %-3s  connected, got the 220 banner\n' "$src" "$port" ;;
	reset) printf '  %-14s -> port %-3s  refused at once (TCP RST from XDP)\n' "$src" "$port" ;;
	timeout) printf '  %-14s -> port %-3s  no answer: SYN dropped in XDP\n' "$src" "$port" ;;
	*) printf '  %-14s -> port %-3s  %s\n' "$src" "$port" "$got" ;;
	esac
}

e2e_init
e2e_topology
e2e_start_smtpd 25 587

bold "Attach mxscreen to the mail server's interface (native XDP)"
run attach mxs0 --mode native

bold "Before any entry, every client reaches the server"
for a in 192.0.2.10 192.0.2.11 192.0.2.12 2001:db8::11; do try "$a" 25; done

bold "Block one bot by hand, for an hour"
run block 192.0.2.11 --ttl 1h --comment "botnet, seen in maillog"
run block 2001:db8::11 --comment "same bot over IPv6"
for a in 192.0.2.10 192.0.2.11 2001:db8::11; do try "$a" 25; done

bold "Block the whole /24 but allow one partner MTA inside it"
run block 192.0.2.0/24 --class mx --comment "dial-up range"
run allow 192.0.2.12 --comment "partner MTA"
try 192.0.2.10 25
try 192.0.2.12 25
echo "  ... the /24 entry is for port 25 (mx) only; submission users still get in:"
try 192.0.2.10 587

bold "Why? check explains the verdict per port class"
run check 192.0.2.10
run check 192.0.2.12

bold "Answer with a TCP RST instead of dropping (clients fail fast)"
run action reset
try 192.0.2.11 25
run action drop

bold "A block also ends the connections the source already has open"
echo "  (a password guesser holds a session on the submission port 465, where the"
echo "  server, like postscreen in its greet wait, says nothing yet)"
: >"$E2E_TMP/hold.log"
: >"$E2E_TMP/holdc.log"
ip netns exec "$SRV_NS" python3 "$E2E_DIR/holdserver.py" "$E2E_TMP/hold.log" 465 &
E2E_PIDS+=($!)
wait_until 50 e2e_listening 465
ip netns exec "$CLI_NS" python3 "$E2E_DIR/holdclient.py" "$E2E_TMP/holdc.log" \
	"2001:db8::10,$SERVER6,465" &
E2E_PIDS+=($!)
session_open() { grep -q "^open" "$E2E_TMP/holdc.log"; }
session_ended() { grep -q "^ended" "$E2E_TMP/holdc.log"; }
wait_until 50 session_open
echo "  2001:db8::10   -> port 465  connected, session held open"
run block 2001:db8::10 --class submission --comment "password guesser"
wait_until 50 session_ended
awk '$1 == "ended" { printf "  %-14s -> port %-3s  session ended: %s (the client got a RST)\n", $2, $3, $4 }' \
	"$E2E_TMP/holdc.log"
echo "  ... and the server's read failed, so its slot is free at once:"
sed -n 's/^ended \([0-9]*\) \(.*\) \(.*\)/  server: read on port \1 from \2 failed: \3/p' "$E2E_TMP/hold.log"

bold "mxscreend: a local DNSBL (rbldnsd) lists 192.0.2.13 and 2001:db8::12"
run unblock 192.0.2.0/24
e2e_rbl_dir
printf ':127.0.0.2:listed\n127.0.0.2\n192.0.2.13\n' >"$RBL_DIR/bl.zone"
printf '2001:db8::12\n' >"$RBL_DIR/bl6.zone"
e2e_start_rbldnsd bl.test:ip4set:bl.zone bl.test:ip6trie:bl6.zone
cat >"$E2E_TMP/mxscreen.conf" <<CONF
dnsbl_sites = bl.test*2
dnsbl_threshold = 2
dns_servers = 127.0.0.1:$RBL_PORT
rate_limit_mx = 0
state_file =
ban_connections = 5
ban_window = 60s
ban_time = 10m
CONF
sed 's/^/  /' "$E2E_TMP/mxscreen.conf"
echo "$ mxscreend -n -c mxscreen.conf    # check it first: the effective settings"
"$MXSCREEND" -n -c "$E2E_TMP/mxscreen.conf" --pin-path "$PIN" | grep -E "^(dnsbl_sites|dnsbl_threshold|dnsbl_min_ttl|ban_)" | sed 's/^/  /'
echo "  ... ($("$MXSCREEND" -n -c "$E2E_TMP/mxscreen.conf" --pin-path "$PIN" | wc -l) settings, the defaults included)"
echo "$ mxscreend -f -c mxscreen.conf"
e2e_start_mxscreend "$E2E_TMP/mxscreen.conf"
echo "  ... only completed handshakes are looked up, so the first connection gets in:"
try 192.0.2.13 25
try 2001:db8::12 25
wait_until 50 verdict_is 192.0.2.13 block
wait_until 50 verdict_is 2001:db8::12 block
grep -E "BLOCK|DNSBL" "$DAEMON_LOG" | sed 's/^/  /'
echo "  ... and from now on the bot dies at the NIC:"
try 192.0.2.13 25
try 2001:db8::12 25
run check 192.0.2.13

bold "Rate limit in the kernel: 3 SYNs a minute per source on port 25"
run rate mx 3/60s
for i in 1 2 3 4; do try 192.0.2.14 25; done
echo "  ... other sources are not affected:"
try 192.0.2.10 25
run rate mx 0

bold "mxscreend bans a source that completes more than 5 connections a minute"
echo "  (completed handshakes only: a spoofed SYN cannot get anyone banned)"
for i in 1 2 3 4 5 6; do try 192.0.2.10 25; done
wait_until 50 grep -q "RATE \[192.0.2.10\]" "$DAEMON_LOG"
grep "RATE" "$DAEMON_LOG" | sed 's/^/  /'
try 192.0.2.10 25
run check 192.0.2.10

bold "Static lists: a Spamhaus DROP-style file, re-read when it changes"
printf '192.0.2.14/32 ; SBL000001\n198.51.100.0/24 ; SBL000002\n' >"$E2E_TMP/drop.txt"
echo "blocklist_files = $E2E_TMP/drop.txt" >>"$E2E_TMP/mxscreen.conf"
sed 's/^/  /' "$E2E_TMP/drop.txt"
echo "$ echo 'blocklist_files = .../drop.txt' >> mxscreen.conf; kill -HUP \$(pidof mxscreend)"
kill -HUP "$DAEMON_PID"
listed_by_file() { mxs check "$1" | grep -q "(file"; }
wait_until 50 listed_by_file 192.0.2.14
grep "lists:" "$DAEMON_LOG" | tail -1 | sed 's/^/  /'
try 192.0.2.14 25
echo "  ... the file is edited (no reload): the entry goes within a second or two"
printf '198.51.100.0/24 ; SBL000002\n' >"$E2E_TMP/drop.txt"
not_listed() { ! listed_by_file "$1"; }
wait_until 50 not_listed 192.0.2.14
try 192.0.2.14 25

bold "mxscreend learns from Postfix's own verdicts (postfix_log)"
: >"$E2E_TMP/mail.log"
echo "postfix_log = $E2E_TMP/mail.log" >>"$E2E_TMP/mxscreen.conf"
echo "$ echo 'postfix_log = .../mail.log' >> mxscreen.conf; kill -HUP \$(pidof mxscreend)"
kill -HUP "$DAEMON_PID"
# the reader starts at the end of the file: wait until it reads (each try
# appends one harmless CONNECT record)
pflog_line() {
	printf '%s mx postfix/postscreen[4242]: %s\n' "$(LC_ALL=C date '+%b %e %H:%M:%S')" "$1" \
		>>"$E2E_TMP/mail.log"
}
reader_reads() {
	pflog_line "CONNECT from [192.0.2.14]:40000 to [192.0.2.1]:25"
	[ "$(daemon_json .postfix_records)" -gt 0 ]
}
wait_until 50 reader_reads
echo "  ... postscreen catches 192.0.2.14 talking before its turn and logs (here the"
echo "  demo writes the line, as postscreen would):"
line="PREGREET 11 after 0.08 from [192.0.2.14]:40001: EHLO bot\\r\\n"
pflog_line "$line"
echo "  postfix/postscreen[4242]: $line"
wait_until 50 grep -q "POSTFIX \[192.0.2.14\]" "$DAEMON_LOG"
grep "POSTFIX" "$DAEMON_LOG" | sed 's/^/  /'
echo "  ... banned for port 25, where it misbehaved; the submission port stays open:"
try 192.0.2.14 25
try 192.0.2.14 587

bold "Hacked accounts: mxscreend as Postfix's policy service (policy_listen)"
echo "  (Postfix asks it at every recipient and message of an authenticated client:"
echo "   smtpd_recipient_restrictions = ..., check_policy_service"
echo "       { inet:127.0.0.1:10031, default_action=DUNNO }"
echo "   and the same in smtpd_end_of_data_restrictions)"
printf 'policy_listen = inet:127.0.0.1:10031\naccount_client_limit = 3/1h\n' >>"$E2E_TMP/mxscreen.conf"
echo "$ printf 'policy_listen = inet:127.0.0.1:10031\\naccount_client_limit = 3/1h\\n' >> mxscreen.conf"
echo "$ kill -HUP \$(pidof mxscreend)"
kill -HUP "$DAEMON_PID"
wait_until 50 grep -q "policy service: listening" "$DAEMON_LOG"
grep "policy service: listening" "$DAEMON_LOG" | sed 's/^/  /'
stolen=(203.0.113.20 198.18.0.20 198.18.1.20 198.18.2.20)
for a in "${stolen[@]}"; do
	ip -n "$CLI_NS" addr add "$a/24" dev mxs1
	ip -n "$SRV_NS" route add "${a%.*}.0/24" dev mxs0
done
# ask CLIENT LOGIN: the answer to an RCPT request, as smtpd would send it
ask() {
	ip netns exec "$SRV_NS" python3 "$E2E_DIR/policyask.py" 127.0.0.1 10031 \
		protocol_state=RCPT "client_address=$1" "sasl_username=$2" \
		sender=alice@example.org recipient=someone@example.net
}
echo "  ... alice's password has leaked: her login is used from four networks within"
echo "  minutes (the demo asks as smtpd would at each RCPT TO):"
for a in "${stolen[@]}"; do
	printf '  RCPT from %-12s as alice -> %s\n' "$a" "$(ask "$a" alice)"
done
wait_until 50 grep -q "ACCOUNT alice held" "$DAEMON_LOG"
grep "ACCOUNT" "$DAEMON_LOG" | sed 's/^/  /'
echo "  ... her login is on hold, and the botnet that used it is refused at the NIC"
echo "  on the submission ports, but still reaches port 25 like any other sender:"
try 198.18.2.20 587
try 198.18.2.20 25
run account show alice
echo "  ... once she has a new password, the postmaster releases the login:"
run account release alice

bold "Fleet sharing: this host's bans as an rbldnsd zone for the other MX hosts"
echo "$ mxscreen export --name mx1.example"
mxs export --name mx1.example | sed 's/^/  /'

bold "Monitoring: Prometheus text (also written by mxscreend to prometheus_file)"
echo "$ mxscreen stats --prometheus | grep -E 'outcomes_total.*(drop|reset)'"
mxs stats --prometheus | grep -E '^mxscreen_outcomes_total\{verdict="(drop|reset)"' | sed 's/^/  /'

bold "The entries, with remaining time"
run list

bold "Status: interfaces, settings, map fill, the daemon and its zones"
run status

bold "Counters, summed over CPUs (per-CPU map with BTF)"
run stats
printf '$ bpftool map dump pinned %s/stats   (named fields, thanks to BTF)\n' "$PIN"
bpftool map dump pinned "$PIN/stats" | head -12 | sed 's/^/  /'
echo "  ..."

bold "Done; namespaces and pins are removed on exit"
