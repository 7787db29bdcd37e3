#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The journal reader (postfix_log = journal, pflog_journal.c) against a
# real systemd-journald, started here in a private mount namespace: tmpfs
# over /run/systemd, /run/log and /var/log/journal, so the machine's own
# journal, if any, is neither read nor written.  journald runs without
# systemd as PID 1: it binds its sockets itself when none are passed in.
#
#   - an entry written before the reader started is not returned;
#   - entries of programs directly in the trusted directory are: events
#     with their client and syslog name, a record without an event;
#   - the same tag from elsewhere is counted untrusted and not returned:
#     logger(1) through the syslog socket (no _EXE: it exits first), a
#     copy of the sender outside the directory, in a subdirectory of it,
#     in a sibling directory whose name starts with the directory's, a
#     file beside the directory whose name does;
#   - a login user's entries, in their own file once the journal is in
#     /var, are not read at all;
#   - reading goes on across a rotation (SIGUSR2) and the flush of the
#     runtime journal to /var (SIGUSR1), with nothing returned twice.
#
# Every step waits for its entry to be stored (journal_send watches for
# it; logger's is looked for with journalctl); the reader ends when it
# sees the last entry.
#
# Usage: test_journal.sh JOURNAL_READER JOURNAL_SEND   (root)
set -euo pipefail

usage="usage: test_journal.sh JOURNAL_READER JOURNAL_SEND"
READER=$(realpath "${1:?$usage}")
SEND=$(realpath "${2:?$usage}")
JOURNALD=/lib/systemd/systemd-journald
[ "$(id -u)" = 0 ] || { echo "FAIL: test_journal.sh needs root" >&2; exit 1; }
[ -x "$JOURNALD" ] || { echo "FAIL: no $JOURNALD: install systemd (scripts/deps.sh)" >&2; exit 1; }
command -v logger >/dev/null || { echo "FAIL: no logger: install bsdutils" >&2; exit 1; }

if [ "${MXS_JOURNAL_NS:-}" != 1 ]; then
	# everything below in a mount namespace of its own: its mounts go
	# when its last process does
	exec env MXS_JOURNAL_NS=1 unshare --mount --propagation private "$0" "$@"
fi

TMP=$(mktemp -d /tmp/mxs-journal.XXXXXX)
jd=""
reader=""
cleanup() {
	local rc=$?
	[ -z "$reader" ] || kill "$reader" 2>/dev/null || true
	[ -z "$jd" ] || kill "$jd" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() {
	echo "FAIL: $*" >&2
	echo "-- journald's output:" >&2
	cat "$TMP/journald.out" >&2 || true
	exit 1
}
pass() { echo "ok: $*"; }
# wait_until TENTHS CMD...: CMD succeeds within TENTHS tenths of a second
wait_until() {
	local tries=$1 i
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# --- a private journald ------------------------------------------------------
mkdir -p /run/log /var/log/journal
for d in /run/systemd /run/log /var/log/journal; do
	mount -t tmpfs -o mode=0755 tmpfs "$d"
done
mkdir -p /run/systemd/journal /run/systemd/journald.conf.d /run/log/journal
# Not the kernel's ring buffer: the machine's messages, and those of
# earlier runs, are not this test's.  Storage=auto (the default) keeps the
# journal in /run until the flush asked for below.
cat >/run/systemd/journald.conf.d/test.conf <<EOF
[Journal]
ReadKMsg=no
ForwardToSyslog=no
ForwardToWall=no
EOF
# its own messages to its stderr, not to the machine's kmsg
SYSTEMD_LOG_TARGET=console "$JOURNALD" >"$TMP/journald.out" 2>&1 &
jd=$!
wait_until 100 test -S /run/systemd/journal/socket ||
	fail "systemd-journald did not start"
wait_until 100 test -S /run/systemd/journal/dev-log ||
	fail "systemd-journald has no syslog socket"
machine=$(cat /etc/machine-id)
pass "a private systemd-journald runs (pid $jd)"

# --- the programs --------------------------------------------------------------
# Postfix's daemon directory holds copies of journal_send, so that the
# journal records the copy as _EXE; the forgers are copies elsewhere.
sbin=$TMP/sbin
mkdir -p "$sbin/sub" "$TMP/elsewhere" "${sbin}x"
cp "$SEND" "$sbin/smtpd"
cp "$SEND" "$sbin/postscreen"
cp "$SEND" "$sbin/sub/smtpd"
cp "$SEND" "$TMP/elsewhere/smtpd"
cp "$SEND" "${sbin}x/smtpd"
cp "$SEND" "${sbin}smtpd"
# send PROGRAM TAG MESSAGE: one entry from PROGRAM, stored on return
send() {
	"$1" "$2" "$3" || fail "$1 could not log \"$3\""
}
sasl() {
	echo "warning: unknown[$1]: SASL LOGIN authentication failed: authentication failure"
}
pregreet() {
	echo "PREGREET 11 after 0.1 from [$1]:4000: EHLO x"
}

send "$sbin/smtpd" postfix/smtpd "$(sasl 192.0.2.1)"

"$READER" "$sbin" 192.0.2.99 20 >"$TMP/out" 2>"$TMP/err" &
reader=$!
wait_until 100 grep -qx ready "$TMP/out" || fail "reader: $(cat "$TMP/err")"

# --- what it is given ----------------------------------------------------------
send "$sbin/smtpd" postfix/smtpd "$(sasl 192.0.2.7)"
send "$sbin/smtpd" postfix/submission/smtpd "$(sasl 192.0.2.8)"
logger -u /run/systemd/journal/dev-log -t postfix/smtpd "$(sasl 192.0.2.66)" ||
	fail "logger could not log"
wait_until 100 sh -c 'journalctl -q --no-pager -o cat -t postfix/smtpd | grep -qF "[192.0.2.66]"' ||
	fail "logger's entry did not show up in the journal"
send "$TMP/elsewhere/smtpd" postfix/smtpd "$(sasl 192.0.2.67)"
send "$sbin/sub/smtpd" postfix/smtpd "$(sasl 192.0.2.68)"
send "${sbin}x/smtpd" postfix/smtpd "$(sasl 192.0.2.69)"
send "${sbin}smtpd" postfix/smtpd "$(sasl 192.0.2.70)"
send "$sbin/smtpd" postfix/smtpd "connect from unknown[192.0.2.7]"

kill -USR2 "$jd"
wait_until 100 sh -c "ls /run/log/journal/$machine/system@*.journal" ||
	fail "journald did not rotate on SIGUSR2"
send "$sbin/postscreen" postfix/postscreen "$(pregreet 192.0.2.10)"

kill -USR1 "$jd"
wait_until 100 test -e /run/systemd/journal/flushed ||
	fail "journald did not flush to /var on SIGUSR1"
test -e "/var/log/journal/$machine/system.journal" ||
	fail "no /var/log/journal/$machine/system.journal after the flush"
send "$sbin/postscreen" postfix/postscreen "$(pregreet 192.0.2.11)"
# A login user's entries go to their own file once the journal is in /var
# (SplitMode=uid), which the reader does not open (SD_JOURNAL_SYSTEM):
# not even read, though the program is in the directory.
chmod 0755 "$TMP"
setpriv --reuid=4242 --regid=4242 --clear-groups \
	"$sbin/smtpd" postfix/smtpd "$(sasl 192.0.2.71)" ||
	fail "uid 4242 could not log"
test -e "/var/log/journal/$machine/user-4242.journal" ||
	fail "no user-4242.journal: the user's entry went elsewhere"

# The real program run by hand as another system user (uid 100, whose
# entries stay in the system journal): _EXE is the trusted one, _UID is
# neither root nor Postfix's mail owner, so it is not believed.  It cannot
# read the journal to see its entry stored: it stays while we look.
JOURNAL_SEND_STAY=1 setpriv --reuid=100 --regid=100 --clear-groups \
	"$sbin/smtpd" postfix/smtpd "$(sasl 192.0.2.72)" &
stay=$!
stored_as_100() {
	journalctl -q --no-pager -o json -t postfix/smtpd |
		jq -e --arg exe "$sbin/smtpd" 'select(.MESSAGE | contains("[192.0.2.72]")) |
			select(._UID == "100" and ._EXE == $exe)' >/dev/null
}
wait_until 100 stored_as_100 || fail "uid 100's entry was not stored with its _EXE and _UID"
kill "$stay" 2>/dev/null || true
wait "$stay" 2>/dev/null || true

send "$sbin/postscreen" postfix/postscreen "$(pregreet 192.0.2.99)"

# --- what it returned ----------------------------------------------------------
rc=0
wait "$reader" || rc=$?
reader=""
[ "$rc" = 0 ] || fail "the reader did not see the last entry (exit $rc): $(cat "$TMP/out" "$TMP/err")"
cat >"$TMP/want" <<EOF
sasl_failure 192.0.2.7 smtpd postfix
sasl_failure 192.0.2.8 smtpd postfix/submission
none - smtpd postfix
pregreet 192.0.2.10 postscreen postfix
pregreet 192.0.2.11 postscreen postfix
pregreet 192.0.2.99 postscreen postfix
EOF
grep -v -e '^ready$' -e '^stats ' "$TMP/out" >"$TMP/got" || true
diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" ||
	fail "records (- want, + got):"$'\n'"$(cat "$TMP/diff")"
pass "records: 2 trusted SASL failures, a record without an event, then PREGREETs after a rotation and after the flush to /var, each once"
pass "not returned: the entry from before the start, the forgeries (logger, elsewhere, subdirectory, sibling directory, file beside, the real program run as another user)"
read -r _ entries postfix untrusted < <(grep '^stats ' "$TMP/out") ||
	fail "the reader printed no stats: $(cat "$TMP/out")"
[ "$postfix" = 6 ] || fail "postfix records: got $postfix, want 6"
[ "$untrusted" = 6 ] || fail "untrusted: got $untrusted, want 6"
[ "$entries" -ge 12 ] || fail "entries: got $entries, want at least 12"
pass "counters: $entries entries, $postfix Postfix records, $untrusted untrusted"
echo "test_journal: all passed"
