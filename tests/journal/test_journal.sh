#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The journal reader (postfix_log = journal) against a real
# systemd-journald, started here in a private mount namespace (tmpfs over
# the journal's directories; the machine's own journal, if any, is not
# touched): an entry written before the reader started is not returned;
# entries of programs in the trusted directory are (an event with its
# client and class-deciding syslog name, a record without an event); an
# entry tagged postfix/smtpd by another program (as a local user's logger
# would be) is counted untrusted and not returned.
#
# Usage: test_journal.sh JOURNAL_READER JOURNAL_SEND   (root)
set -euo pipefail

READER=$(realpath "${1:?usage: test_journal.sh JOURNAL_READER JOURNAL_SEND}")
SEND=$(realpath "${2:?usage: test_journal.sh JOURNAL_READER JOURNAL_SEND}")
JOURNALD=/lib/systemd/systemd-journald
[ -x "$JOURNALD" ] || { echo "FAIL: $JOURNALD not found; run scripts/deps.sh" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test_journal.sh needs root" >&2; exit 1; }

if [ "${MXS_JOURNAL_NS:-}" != 1 ]; then
	# everything below in a mount namespace of its own: its mounts and
	# journald go with it
	exec env MXS_JOURNAL_NS=1 unshare --mount --propagation private "$0" "$@"
fi

TMP=$(mktemp -d /tmp/mxs-journal.XXXXXX)
jd=""
reader=""
cleanup() {
	rc=$?
	[ -n "$reader" ] && kill "$reader" 2>/dev/null || true
	[ -n "$jd" ] && kill "$jd" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
wait_until() {
	local tries=$1
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

for d in /run/systemd/journal /run/log/journal /var/log/journal; do
	mkdir -p "$d"
	mount -t tmpfs tmpfs "$d"
done
"$JOURNALD" >"$TMP/journald.out" 2>&1 &
jd=$!
wait_until 100 test -S /run/systemd/journal/socket ||
	fail "systemd-journald did not start: $(cat "$TMP/journald.out")"
pass "a private systemd-journald runs"

# Postfix's daemon directory, with "Postfix programs" in it: copies of
# journal_send, so that the journal records the copy as _EXE
sbin=$TMP/sbin
mkdir -p "$sbin"
cp "$SEND" "$sbin/smtpd"
cp "$SEND" "$sbin/postscreen"
# send PROGRAM TAG MESSAGE: one journal entry from PROGRAM, stored when
# this returns
send() {
	"$1" "$2" "$3" || fail "$1 could not log \"$3\""
}
sasl="warning: unknown[192.0.2.7]: SASL LOGIN authentication failed: authentication failure"

send "$sbin/smtpd" postfix/smtpd "warning: unknown[192.0.2.1]: SASL LOGIN authentication failed: old"

"$READER" "$sbin" 192.0.2.99 20 >"$TMP/out" 2>"$TMP/err" &
reader=$!
wait_until 100 grep -q '^ready$' "$TMP/out" || fail "reader: $(cat "$TMP/err")"

send "$sbin/smtpd" postfix/submission/smtpd "$sasl"
# a local user's forgery: the same tag from a program elsewhere
send "$SEND" postfix/smtpd "warning: unknown[192.0.2.66]: SASL LOGIN authentication failed: forged"
send "$sbin/smtpd" postfix/smtpd "connect from unknown[192.0.2.7]"
send "$sbin/postscreen" postfix/postscreen "PREGREET 11 after 0.1 from [192.0.2.99]:4000: EHLO x"
rc=0
wait "$reader" || rc=$?
reader=""
[ "$rc" = 0 ] || fail "the reader did not see the last entry (rc $rc): $(cat "$TMP/out" "$TMP/err")"
out=$(cat "$TMP/out")
grep -qx "sasl_failure 192.0.2.7 smtpd postfix/submission" <<<"$out" ||
	fail "no trusted SASL failure: $out"
pass "trusted event: sasl_failure 192.0.2.7 from postfix/submission/smtpd"
grep -qx "none - smtpd postfix" <<<"$out" || fail "no trusted non-event record: $out"
pass "trusted record without an event"
grep -qx "pregreet 192.0.2.99 postscreen postfix" <<<"$out" || fail "no PREGREET: $out"
pass "trusted event: pregreet 192.0.2.99 from postscreen"
! grep -q "192.0.2.66" <<<"$out" || fail "the forged entry was returned: $out"
pass "the entry forged by a program elsewhere was not returned"
! grep -q "192.0.2.1 " <<<"$out" || fail "the entry from before the start was returned: $out"
pass "the entry from before the reader started was not returned"
read -r _ entries postfix untrusted < <(grep '^stats ' <<<"$out")
[ "$postfix" = 3 ] || fail "postfix records: got $postfix, want 3 ($out)"
[ "$untrusted" -ge 1 ] || fail "untrusted: got $untrusted, want at least 1 ($out)"
pass "counters: $entries entries, $postfix Postfix records, $untrusted untrusted"
echo "all passed"
