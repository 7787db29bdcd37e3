#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# deps.sh - install every build and test dependency of mxscreen from Debian
# packages (`deps.sh bench`: also those of the mail benchmark).  Idempotent
# and fast when everything is present: it asks dpkg first and runs apt-get
# only for what is missing.
set -eu

# build: compilers, libbpf/libxdp, bpftool for the skeleton, c-ares for
# the daemon's DNS, libsystemd for reading Postfix's records from the
# journal;
# tests: cmocka, iproute2 (namespaces, ss), util-linux (nsenter, unshare),
# python3 (test client, listener, SYN flood), jq, man-db/groff (manual page
# check), rbldnsd (the DNSBL server the tests query) and dig, fail2ban
# (fail2ban-regex checks that the daemon's log lines parse), systemd
# (systemd-analyze checks the unit files; systemd-journald is started in
# a private mount namespace by the journal test), postfix (a private
# instance, `postfix -c DIR`, writes the real log the Postfix log reader
# is tested on; preseeded to "No configuration", so it gets no
# /etc/postfix/main.cf and no instance of its own) and swaks (its test
# clients),
# python3-prometheus-client (its parser reads the Prometheus text);
# fuzzing (make fuzz): libFuzzer and clang's sanitizer runtimes, which
# clang-14 only recommends;
# hardening checks: valgrind (the daemon under memcheck), cppcheck and
# clang-tidy (make lint);
# the Debian package (make deb, make test-deb): dpkg-dev and debhelper
# build it, lintian checks it, mmdebstrap makes the fresh Debian 12 root
# it is installed into.
PACKAGES="
make gcc clang llvm pkg-config libclang-rt-14-dev
libbpf-dev libxdp-dev libelf-dev zlib1g-dev libc-ares-dev libcmocka-dev
libsystemd-dev postfix swaks
bpftool xdp-tools iproute2 procps util-linux coreutils
jq python3 man-db groff-base rbldnsd bind9-dnsutils fail2ban systemd
python3-prometheus-client valgrind cppcheck clang-tidy
dpkg-dev debhelper lintian mmdebstrap
"

# `deps.sh bench`: also what `make bench-mail` needs: a real Postfix (3.7,
# with postscreen, dnsblog, postlogd), gnuplot for its chart, nftables and
# perf for looking closer, ethtool for bench-pps.  Postfix is preseeded to
# "No configuration": it gets no /etc/postfix/main.cf and no running
# instance of its own; the benchmark runs a private one with
# `postfix -c DIR`.
if [ "${1:-}" = bench ]; then
	PACKAGES="$PACKAGES gnuplot-nox nftables linux-perf ethtool"
fi

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root to install them" >&2
	exit 1
fi

echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
case " $missing " in
*" postfix "*)
	echo 'postfix postfix/main_mailer_type select No configuration' |
		debconf-set-selections
	;;
esac
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
