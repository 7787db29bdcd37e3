#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The Postfix log reader with a real Postfix 3.7: a private instance
# (postscreen on 25, smtpd behind it, a submission smtpd on 587 whose SASL
# backend refuses everyone) writes its real log through maillog_file, and
# mxscreend follows it.  A client that talks before its turn, one that
# speaks HTTP, one that guesses passwords on 587 and one that tries
# unknown recipients are each refused at the NIC afterwards, for the class
# where they misbehaved only; an IPv6 pregreeter is banned by its /64; a
# well-behaved client (one unknown recipient among good mail, and its
# address quoted in a bot's payload) never is; a restarted daemon does not
# act on the lines written before it started; observe mode logs a ban and
# writes none.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
source "$E2E_DIR/postfix.sh"

bad4=${CLIENTS4[0]} http4=${CLIENTS4[1]} guess4=${CLIENTS4[2]}
rcpt4=${CLIENTS4[3]} good4=${CLIENTS4[4]}

{
	echo "# test_postfix.sh: a private Postfix instance (postfix -c $PF_DIR/etc)"
	pf_main_cf
	cat <<CF
postscreen_cache_map = btree:\$data_directory/postscreen_cache
postscreen_greet_wait = 1s
postscreen_greet_action = drop
postscreen_dnsbl_sites =
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
smtpd_recipient_restrictions = reject_unauth_destination
smtpd_sasl_type = dovecot
smtpd_sasl_path = $PF_DIR/auth
CF
} >"$PF_DIR/etc/main.cf"
cat >"$PF_DIR/etc/master.cf" <<CF
smtp      inet  n       -       n       -       1       postscreen
smtpd     pass  -       -       n       -       -       smtpd
587       inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_security_level=none
dnsblog   unix  -       -       n       -       0       dnsblog
tlsproxy  unix  -       -       n       -       0       tlsproxy
CF
pf_master_cf_common >>"$PF_DIR/etc/master.cf"

ip netns exec "$SRV_NS" python3 "$E2E_DIR/fakeauth.py" "$PF_DIR/auth" &
E2E_PIDS+=($!)
wait_until 50 test -S "$PF_DIR/auth" || fail "fakeauth.py did not start"

pf_start 25 587
pass "Postfix $(postconf -d -h mail_version) listens on 25 (postscreen) and 587"

mxs attach mxs0 >/dev/null
conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
postfix_log = $PF_DIR/maillog
ban_time = 1h
rate_limit_mx = 0
state_file =
CONF
start_daemon() { e2e_run_mxscreend "$conf"; }
start_daemon

client() {
	ip netns exec "$CLI_NS" python3 "$E2E_DIR/smtpclient.py" "$@"
}
banned_line() { grep -q "POSTFIX \[$1\]" "$E2E_TMP/mxscreend.log"; }
# entries_of ADDR: how many entries of the lists start with ADDR
entries_of() {
	mxs list --json | jq --arg a "$1" '[.[] | select(.prefix | startswith($a))] | length'
}
# wait_ban ADDR: the daemon logged its ban (Postfix wrote the event, the
# reader read it), bounded.
wait_ban() {
	wait_until 100 banned_line "$1" ||
		fail "no POSTFIX ban for $1: $(tail -5 "$E2E_TMP/mxscreend.log"); maillog: $(tail -5 "$PF_DIR/maillog")"
	pass "$(grep "POSTFIX \[$1\]" "$E2E_TMP/mxscreend.log" | tail -1 | sed 's/^.*POSTFIX/POSTFIX/')"
}

# --- the well-behaved client first: passes postscreen, sends good mail,
# one unknown recipient (1 of 5)
client good "$good4" "$SERVER4" 25 3 | grep -qx done || fail "good client failed"
client unknown "$good4" "$SERVER4" 25 1 | grep -qx done || fail "good client's typo failed"
pass "the good client sent 3 messages and one unknown recipient"

# --- a pregreeter: its payload names the good client in a look-alike
client pregreet "$bad4" "$SERVER4" 25 1 \
	"EHLO x\\r\\nNON-SMTP COMMAND from [$good4]:25 after CONNECT: GET /" >/dev/null
wait_ban "$bad4"
grep "PREGREET.*\[$bad4\]" "$PF_DIR/maillog" | grep -q "$good4" ||
	fail "the PREGREET line does not carry the look-alike: $(grep PREGREET "$PF_DIR/maillog")"
expect timeout "$bad4" 25 "pregreeter refused on 25"
expect banner "$bad4" 587 "pregreeter still reaches 587 (class mx only)"

# --- HTTP to port 25, after the greeting: smtpd's non-SMTP command
client http "$http4" "$SERVER4" 25 >/dev/null
wait_ban "$http4"
expect timeout "$http4" 25 "HTTP client refused on 25"

# --- five wrong passwords on 587: banned for submission only
# The guesser then holds its session, as a bot waiting for its next try:
# the ban ends it (a RST), and the ban's line says so (closed=1).
how=$(client authfail-hold "$guess4" "$SERVER4" 587 5)
assert_eq "$how" reset "how the guesser's session ended"
wait_ban "$guess4"
grep -q "POSTFIX \[$guess4\] class=submission events=sasl_failure\*5 score=5/5 .* closed=1$" \
	"$E2E_TMP/mxscreend.log" || fail "guesser's ban line: $(grep "\[$guess4\]" "$E2E_TMP/mxscreend.log")"
expect timeout "$guess4" 587 "password guesser refused on 587"
expect banner "$guess4" 25 "password guesser still reaches 25"

# --- five unknown recipients on 25
how=$(client unknown-hold "$rcpt4" "$SERVER4" 25 5)
assert_eq "$how" reset "how the dictionary attacker's session ended"
wait_ban "$rcpt4"
expect timeout "$rcpt4" 25 "dictionary attacker refused on 25"

# --- IPv6: a pregreeter is banned by its /64
client pregreet "${CLIENTS6[0]}" "$SERVER6" 25 >/dev/null
wait_ban "2001:db8::"
expect timeout "${CLIENTS6[1]}" 25 "another address of the banned /64"

# --- the good client was never refused, and is listed nowhere
expect banner "$good4" 25 "the good client"
client good "$good4" "$SERVER4" 25 1 | grep -qx done || fail "good client failed afterwards"
assert_eq "$(entries_of "$good4")" 0 "entries of the good client"
mxs check "$good4" | grep -q "postfix events (mx): *unknown_recipient\*1" ||
	fail "check does not show the good client's event: $(mxs check "$good4")"
pass "check shows the good client's one unknown recipient"
assert_eq "$(mxs list --json | jq -r --arg a "$rcpt4" '.[] | select(.prefix | startswith($a)) | .reason')" \
	postfix "reason of the dictionary attacker's entry"
assert_eq "$(daemon_json .postfix_bans)" 5 "status postfix_bans (one per bad client)"
assert_ge "$(daemon_json .postfix_events)" 14 "status postfix_events"
assert_ge "$(counter drop_postfix)" 5 "drop_postfix"
# the fail2ban filter for mxscreend's own log finds every POSTFIX ban
bans=$(grep -c "POSTFIX \[" "$E2E_TMP/mxscreend.log")
assert_eq "$(fail2ban_matches "$E2E_TMP/mxscreend.log")" "$bans" "fail2ban filter matches of the $bans POSTFIX lines"

# --- a restart does not replay the log: the pregreeter, unblocked, stays
# unblocked although its PREGREET line is still in the file
kill "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
mxs unblock "$bad4" >/dev/null
records0=$(mxs status --json | jq '.daemon.postfix_records')
start_daemon
client good "$good4" "$SERVER4" 25 1 | grep -qx done || fail "good client failed"
records_grew() { [ "$(mxs status --json | jq '.daemon.postfix_records')" -gt "$records0" ]; }
wait_until 100 records_grew || fail "the restarted daemon reads nothing new"
assert_eq "$(entries_of "$bad4")" 0 "entries of the unblocked pregreeter after the restart"
expect banner "$bad4" 25 "unblocked pregreeter: the old line was not read again"

# --- observe mode: the would-be ban is logged, nothing is written.  A
# source postscreen has not seen (postscreen caches passes: a client that
# passed its tests once is not tested again): an address of the IPv6 /64,
# unbanned first, whose SYNs were dropped so far.
kill "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
mxs unblock 2001:db8::/64 >/dev/null
echo "observe = yes" >>"$conf"
start_daemon
records0=$(mxs status --json | jq '.daemon.postfix_records')
client good "$good4" "$SERVER4" 25 1 | grep -qx done || fail "good client failed"
wait_until 100 records_grew || fail "the observing daemon reads nothing new"
client pregreet "${CLIENTS6[1]}" "$SERVER6" 25 >/dev/null
observed_line() { grep -q "POSTFIX \[2001:db8::\]/64.*(observe: not written)" "$E2E_TMP/mxscreend.log"; }
wait_until 100 observed_line || fail "no observe line: $(tail -3 "$E2E_TMP/mxscreend.log")"
pass "$(grep "POSTFIX.*observe" "$E2E_TMP/mxscreend.log" | tail -1 | sed 's/^.*POSTFIX/POSTFIX/')"
assert_eq "$(entries_of 2001:db8::)" 0 "entries of the /64 in observe mode"
expect banner "${CLIENTS6[2]}" 25 "observe mode refuses nobody"
echo "all passed"
