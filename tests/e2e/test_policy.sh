#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The policy service with a real Postfix 3.7 and SASL: smtpd on 25 and a
# submission smtpd on 587 ask mxscreend (check_policy_service in
# smtpd_recipient_restrictions and smtpd_end_of_data_restrictions) about
# every authenticated recipient and message.  A normal user sending ten
# messages is never deferred; a login over its recipient limit is
# deferred (450 4.7.1, logged once); a login used from six client
# networks is held, and those clients are refused at the NIC on 587 but
# still reach 25; `mxscreen account` shows and releases the hold; the
# counts survive a daemon restart; limits follow a reload (SIGHUP); a
# chrooted smtpd asks over unix:private/mxscreen; killing mxscreend lets
# mail flow
# (Postfix's default_action).
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
source "$E2E_DIR/postfix.sh"

bob=${CLIENTS4[0]} alice=${CLIENTS4[1]}
# carol's six networks: a /24 each (and one of them IPv6 at the end)
carol_nets=(${CLIENTS4[2]} 198.51.100.10 203.0.113.10 198.18.0.10 198.18.1.10 198.18.2.10)
for a in "${carol_nets[@]:1}"; do
	ip -n "$CLI_NS" addr add "$a/24" dev mxs1
	ip -n "$SRV_NS" route add "${a%.*}.0/24" dev mxs0
done

POLICY="inet:127.0.0.1:10031"
{
	echo "# test_policy.sh: a private Postfix instance (postfix -c $PF_DIR/etc)"
	pf_main_cf
	cat <<CF
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_error_sleep_time = 0
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_policy_service { $POLICY, default_action=DUNNO }
smtpd_end_of_data_restrictions = check_policy_service { $POLICY, default_action=DUNNO }
CF
} >"$PF_DIR/etc/main.cf"
cat >"$PF_DIR/etc/master.cf" <<CF
smtp      inet  n       -       n       -       -       smtpd
587       inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_security_level=none
CF
pf_master_cf_common >>"$PF_DIR/etc/master.cf"

# the auth socket lives where a chrooted smtpd finds it (relative to the
# queue directory, as Dovecot's private/auth does)
mkdir -p "$PF_DIR/queue/private"
chown postfix "$PF_DIR/queue/private"
chmod 700 "$PF_DIR/queue/private"
ip netns exec "$SRV_NS" python3 "$E2E_DIR/fakeauth.py" "$PF_DIR/queue/private/auth" \
	bob:bobpw,alice:alicepw,carol:carolpw,dave:davepw &
E2E_PIDS+=($!)
wait_until 50 test -S "$PF_DIR/queue/private/auth" || fail "fakeauth.py did not start"
pf_start 25 587
pass "Postfix $(postconf -d -h mail_version) listens on 25 and 587, asking $POLICY"

mxs attach mxs0 >/dev/null
conf=$E2E_TMP/mxscreen.conf
cat >"$conf" <<CONF
policy_listen = $POLICY
account_recipient_limit = 20/1h
account_message_limit = 20/1h
account_client_limit = 5/1h
account_hold_time = 1h
rate_limit_mx = 0
state_file =
CONF
start_daemon() { e2e_run_mxscreend "$conf"; }
start_daemon
grep -q "policy service: listening on $POLICY" "$E2E_TMP/mxscreend.log" ||
	fail "no listening line: $(cat "$E2E_TMP/mxscreend.log")"

# submit SRC LOGIN MESSAGES RECIPIENTS [PORT]: "accepted=A deferred=D ..."
submit() {
	local dst=$SERVER4
	[[ $1 == *:* ]] && dst=$SERVER6
	ip netns exec "$CLI_NS" python3 "$E2E_DIR/smtpclient.py" submit "$1" "$dst" \
		"${5:-587}" "$3" "$2:${2}pw" "$4"
}
field() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"; }

# --- a normal user: ten messages, never deferred ---------------------------
out=$(submit "$bob" bob 10 1)
assert_eq "$(field accepted "$out") $(field deferred "$out") $(field messages "$out")" \
	"10 0 10" "bob's ten messages: recipients accepted, deferred, messages"

# --- over the recipient limit: deferred, logged once ------------------------
out=$(submit "$alice" alice 1 25)
assert_eq "$(field accepted "$out") $(field deferred "$out")" "20 5" \
	"alice's 25 recipients with a limit of 20: accepted, deferred"
grep -q "first=450 4.7.1 " <<<"$out" || fail "alice's refusal: $out"
pass "alice's 21st recipient: $(sed 's/.*first=//' <<<"$out")"
out=$(submit "$alice" alice 1 2)
assert_eq "$(field deferred "$out")" 2 "alice again, still over: deferred"
assert_eq "$(grep -c "ACCOUNT alice over recipients 20/1h from \[$alice\]" "$E2E_TMP/mxscreend.log")" \
	1 "ACCOUNT lines for alice (once per window)"

# --- one login from six networks: held, its clients refused on 587 --------
for i in 0 1 2 3 4; do
	out=$(submit "${carol_nets[$i]}" carol 1 1)
	assert_eq "$(field accepted "$out")" 1 "carol from network $((i + 1)) of 5"
done
# carol's first network also holds an idle session on 587 (a bot
# waiting for its next try): the hold's ban ends it
: >"$E2E_TMP/holdc.log"
ip netns exec "$CLI_NS" python3 "$E2E_DIR/holdclient.py" "$E2E_TMP/holdc.log" \
	"${carol_nets[1]},$SERVER4,587" &
E2E_PIDS+=($!)
held_open() { grep -q "^open" "$E2E_TMP/holdc.log"; }
wait_until 50 held_open || fail "no held session: $(cat "$E2E_TMP/holdc.log")"
# The sixth: deferred, and the hold bans that client too, so its session
# on 587 is ended by the ban (close_connections) right after the answer.
out=$(submit "${carol_nets[5]}" carol 1 1 || true)
grep -q "Connection reset\|deferred=1" <<<"$out" || fail "carol's sixth session: $out"
pass "carol's sixth session: $out"
grep -q "RCPT from [^ ]*\[${carol_nets[5]}\]: 450 4.7.1 .*This account is on hold" "$PF_DIR/maillog" ||
	fail "no deferral in the maillog: $(grep "${carol_nets[5]}" "$PF_DIR/maillog")"
pass "Postfix: $(grep -o "450 4.7.1 .*on hold[^;]*" "$PF_DIR/maillog" | head -1)"
grep -q "ACCOUNT carol held for 1h: used from 6 networks in 1h (limit 5), the last \[${carol_nets[5]}\]" \
	"$E2E_TMP/mxscreend.log" || fail "no hold line: $(grep ACCOUNT "$E2E_TMP/mxscreend.log")"
pass "$(grep -o "ACCOUNT carol held.*" "$E2E_TMP/mxscreend.log")"
banned() { [ "$(grep -c "ACCOUNT \[.*\] class=submission login=carol" "$E2E_TMP/mxscreend.log")" = 6 ]; }
wait_until 50 banned || fail "bans: $(grep ACCOUNT "$E2E_TMP/mxscreend.log")"
grep -q "ACCOUNT \[${carol_nets[1]}\] class=submission login=carol offence=1 ban=.* closed=1" \
	"$E2E_TMP/mxscreend.log" || fail "the held session's ban: $(grep "ACCOUNT \[" "$E2E_TMP/mxscreend.log")"
held_ended() { grep -q "^ended ${carol_nets[1]} 587 ECONNRESET" "$E2E_TMP/holdc.log"; }
wait_until 30 held_ended || fail "held session: $(cat "$E2E_TMP/holdc.log")"
pass "the idle session of ${carol_nets[1]} on 587 was ended by the hold's ban (closed=1)"
for a in "${carol_nets[@]}"; do
	expect timeout "$a" 587 "a client of the held login, on submission"
	expect banner "$a" 25 "a client of the held login, on port 25"
done
expect banner "$bob" 587 "bob, who shares nothing with carol"
assert_eq "$(mxs account show carol --json | jq -c '[.held, .networks, (.clients | length)]')" \
	"[true,6,6]" "account show carol: held, networks, clients"
mxs account list | grep -q "^carol .*held" || fail "account list: $(mxs account list)"
mxs account list | grep -q "^bob .*-$" || fail "account list: $(mxs account list)"

# --- the counts and the hold survive a daemon restart -----------------------
kill "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
start_daemon
assert_eq "$(mxs account show carol --json | jq -c '[.held, .recipients]')" "[true,5]" \
	"carol after a restart: held, recipients"
out=$(submit "$bob" bob 1 1)
assert_eq "$(field accepted "$out")" 1 "bob after the restart"

# --- release: carol sends again (from a network not banned) ------------------
mxs account release carol | grep -q "released carol" || fail "release"
out=$(submit "${CLIENTS6[2]}" carol 1 1)
assert_eq "$(field accepted "$out") $(field deferred "$out")" "1 0" "carol after her release"
mxs account release carol >/dev/null 2>&1 && fail "a second release succeeded"
pass "a second release says carol is not on hold"

# --- status and Prometheus count ---------------------------------------------
# (published once a second; kept across the restart)
wait_until 30 daemon_json ' | .policy_deferred >= 8 and .policy_holds == 1 and .policy_bans == 6' ||
	fail "status: $(mxs status --json | jq -c '.daemon | {policy_requests, policy_deferred, policy_holds, policy_bans}')"
pass "status: $(mxs status --json | jq -c '.daemon | {policy_requests, policy_deferred, policy_holds, policy_bans}')"
prom=$(mxs stats --prometheus)
grep -q '^mxscreen_policy_requests_total [1-9]' <<<"$prom" &&
	grep -q '^mxscreen_policy_holds_total 1$' <<<"$prom" ||
	fail "Prometheus: $(grep policy <<<"$prom")"
pass "Prometheus: $(grep '^mxscreen_policy_\(requests\|holds\)_total' <<<"$prom" | tr '\n' ' ')"

# --- observe mode (a reload): counted and logged, never deferred -----------
echo "observe = yes" >>"$conf"
kill -HUP "$DAEMON_PID"
reloaded() { grep -q "reloaded $conf" "$E2E_TMP/mxscreend.log"; }
wait_until 50 reloaded || fail "no reload: $(tail -3 "$E2E_TMP/mxscreend.log")"
out=$(submit "$bob" dave 1 25)
assert_eq "$(field accepted "$out") $(field deferred "$out")" "25 0" \
	"dave's 25 recipients in observe mode: accepted, deferred"
grep -q "ACCOUNT dave over recipients 20/1h from \[$bob\] (observe: not enforced)" \
	"$E2E_TMP/mxscreend.log" || fail "observe line: $(grep dave "$E2E_TMP/mxscreend.log")"
pass "observe mode logs what it would have done: $(grep -o "ACCOUNT dave.*" "$E2E_TMP/mxscreend.log")"

# --- limits reload on SIGHUP ---------------------------------------------------
# dave has 20 recipients counted (observe mode counts what it would have
# accepted); raised to 30/1h, 10 of his next 15 get through
sed -i -e '/^observe = yes$/d' \
	-e 's|^account_recipient_limit = .*|account_recipient_limit = 30/1h|' "$conf"
kill -HUP "$DAEMON_PID"
reloaded_twice() { [ "$(grep -c "reloaded $conf" "$E2E_TMP/mxscreend.log")" -ge 2 ]; }
wait_until 50 reloaded_twice || fail "no second reload: $(tail -3 "$E2E_TMP/mxscreend.log")"
out=$(submit "$bob" dave 1 15)
assert_eq "$(field accepted "$out") $(field deferred "$out")" "10 5" \
	"dave's 15 more recipients after account_recipient_limit was raised to 30/1h: accepted, deferred"

# fail2ban's filter finds the six ban lines of the held login's clients,
# and not the lines about logins (which name no address to ban)
assert_eq "$(fail2ban_matches "$E2E_TMP/mxscreend.log")" 6 "ACCOUNT ban lines fail2ban's filter parses"

# --- unix:PATH under the queue directory, for a chrooted smtpd ---------------
# A chrooted smtpd sees only the queue directory: the policy socket goes
# into its private/, and main.cf names it relative to the queue directory.
# The submission smtpd is chrooted now; bob (under his limits) gets
# through and dave (at his) is deferred: both are answers from
# mxscreend, since a policy service Postfix cannot reach would let both
# through (default_action=DUNNO).
sock=$PF_DIR/queue/private/mxscreen
sed -i "s|^policy_listen = .*|policy_listen = unix:$sock|" "$conf"
kill -HUP "$DAEMON_PID"
unix_listening() { grep -q "policy service: listening on unix:$sock" "$E2E_TMP/mxscreend.log"; }
wait_until 50 unix_listening || fail "no unix listener: $(tail -3 "$E2E_TMP/mxscreend.log")"
sed -i "s|$POLICY|unix:private/mxscreen|" "$PF_DIR/etc/main.cf"
sed -i 's|^587       inet  n       -       n |587       inet  n       -       y |' "$PF_DIR/etc/master.cf"
# as `postfix reload` does
kill -HUP "$(sed 1q "$PF_DIR/queue/pid/master.pid")" || fail "cannot signal Postfix's master"
pf_reloaded() { grep -q "reload -- version" "$PF_DIR/maillog"; }
wait_until 100 pf_reloaded || fail "postfix did not reload: $(tail -3 "$PF_DIR/maillog")"
out=$(submit "$bob" bob 1 1)
assert_eq "$(field accepted "$out") $(field deferred "$out")" "1 0" \
	"bob through the chrooted smtpd and unix:private/mxscreen: accepted, deferred"
out=$(submit "$bob" dave 1 1)
assert_eq "$(field accepted "$out") $(field deferred "$out")" "0 1" \
	"dave (at his limit of 30) through the chrooted smtpd: accepted, deferred"
# the smtpd that asked was chrooted into the queue directory
chrooted=0 queue=$(realpath "$PF_DIR/queue")
for pid in $(cat "$CG/cgroup.procs"); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = smtpd ] || continue
	[ "$(readlink "/proc/$pid/root")" = "$queue" ] && chrooted=$((chrooted + 1))
done
[ "$chrooted" -ge 1 ] || fail "no smtpd chrooted into $PF_DIR/queue"
pass "$chrooted smtpd chrooted into the queue directory asked over unix:private/mxscreen"
grep -q "warning: .*private/mxscreen" "$PF_DIR/maillog" &&
	fail "Postfix: $(grep -m1 "private/mxscreen" "$PF_DIR/maillog")"

# --- a dead daemon: Postfix's default_action lets mail flow -------------------
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
out=$(submit "$bob" bob 2 1)
assert_eq "$(field accepted "$out") $(field messages "$out")" "2 2" \
	"bob with mxscreend killed: recipients accepted, messages"
# (Postfix's warnings name the unix socket without "unix:")
grep -q "warning: .*private/mxscreen" "$PF_DIR/maillog" ||
	fail "Postfix did not notice: $(tail -5 "$PF_DIR/maillog")"
pass "Postfix: $(grep -m1 "warning: .*private/mxscreen" "$PF_DIR/maillog" | sed 's/^.*warning/warning/')"

echo "all passed"
