#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# postfix.sh - a private Postfix instance in the server namespace, for the
# end-to-end tests that need the real thing (test_postfix.sh,
# test_policy.sh).  Source it after lib.sh and e2e_init/e2e_topology;
# then write "$PF_DIR/etc/main.cf" (start from pf_main_cf) and
# "$PF_DIR/etc/master.cf", and call pf_start PORT...
#
# The instance: `postfix -c $PF_DIR/etc`, its own queue and data
# directories, no chroot, logging to $PF_DIR/maillog (maillog_file, via
# postlogd: there is no syslog here), every process in a cgroup of its own
# so that pf_stop leaves none behind, also on a failed test's exit.

for tool in postfix postconf python3; do
	command -v "$tool" >/dev/null || fail "$tool not found; run scripts/deps.sh"
done

PF_DIR=$E2E_TMP/postfix
CG=/sys/fs/cgroup/mxs-pf-$E2E_ID
[ -d /sys/fs/cgroup/unified ] && CG=/sys/fs/cgroup/unified/mxs-pf-$E2E_ID
mkdir -p "$PF_DIR/etc" "$PF_DIR/queue" "$PF_DIR/data"
chown postfix "$PF_DIR/data"
chmod 755 "$E2E_TMP" "$PF_DIR" "$PF_DIR/etc"

pf_stop() {
	[ -d "$CG" ] || return 0
	postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1 || true
	echo 1 >"$CG/cgroup.kill" 2>/dev/null || true
	wait_until 50 cg_empty || true
	rmdir "$CG" 2>/dev/null || true
}
cg_empty() { ! grep -q . "$CG/cgroup.procs"; }
# e2e_cleanup exits with the $? it finds: hand it the test's
trap 'rc=$?; pf_stop; (exit "$rc") || e2e_cleanup; e2e_cleanup' EXIT

# The main.cf lines every instance shares; the test appends its own.
pf_main_cf() {
	cat <<CF
compatibility_level = 3.6
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.test
mydomain = test
mydestination = mx.test
local_recipient_maps = inline:{ postmaster=ok }
inet_interfaces = $SERVER4, $SERVER6
inet_protocols = all
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
CF
}

# The services every instance needs besides its smtp ones.
pf_master_cf_common() {
	cat <<CF
postlog   unix-dgram n  -       n       -       1       postlogd
anvil     unix  -       -       n       -       1       anvil
proxymap  unix  -       -       n       -       -       proxymap
rewrite   unix  -       -       n       -       -       trivial-rewrite
cleanup   unix  n       -       n       -       0       cleanup
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
CF
}

pf_listening() {
	local port
	for port in "$@"; do
		ip netns exec "$SRV_NS" ss -Hltn "sport = :$port" | grep -q LISTEN ||
			return 1
	done
}

# pf_start PORT...: start the instance; returns when it listens on them.
pf_start() {
	mkdir -p "$CG"
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$CG" \
		nsenter --net="/run/netns/$SRV_NS" postfix -c "$PF_DIR/etc" start \
		>"$E2E_TMP/postfix-start.out" 2>&1 ||
		fail "postfix did not start: $(cat "$E2E_TMP/postfix-start.out")"
	wait_until 100 pf_listening "$@" ||
		fail "postfix does not listen on $*: $(tail -5 "$PF_DIR/maillog" 2>&1)"
}
