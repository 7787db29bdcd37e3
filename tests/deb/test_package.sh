#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The Debian package as an administrator meets it: built from this tree
# with dpkg-buildpackage (make deb), checked by lintian, installed with
# apt-get into a fresh Debian 12 root made by mmdebstrap from Debian's
# mirror (so its dependencies come from Debian, as on a real server),
# then its files, conffile, units, programs, removal and purge checked.
#
# Usage: tests/deb/test_package.sh DEB_DIR   (root; DEB_DIR from make deb)
# The chroot never gets /sys, /proc or the host's bpffs: its maintainer
# scripts must not touch the host's screener, and do not need to.
set -euo pipefail

DEB_DIR=${1:?usage: $0 DEB_DIR}
MIRROR=${MXS_DEB_MIRROR:-http://deb.debian.org/debian}
SECURITY=${MXS_DEB_SECURITY:-http://deb.debian.org/debian-security}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
pass() { echo "ok: $*"; }
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
	pass "$3 = $1"
}

[ "$(id -u)" = 0 ] || fail "needs root (mmdebstrap and chroot)"
for tool in mmdebstrap lintian dpkg-deb chroot; do
	command -v "$tool" >/dev/null || fail "$tool not found; run scripts/deps.sh"
done
shopt -s nullglob
debs=("$DEB_DIR"/mxscreen_*.deb)
[ ${#debs[@]} = 1 ] || fail "want one mxscreen_*.deb in $DEB_DIR, found ${#debs[@]}; run make deb"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg-deb -f "$deb" Architecture)
assert_eq "$(basename "$deb")" "mxscreen_${version}_${arch}.deb" "package file name"

ROOT=$(mktemp -d /tmp/mxs-deb-root.XXXXXX)
cleanup() {
	local rc=$?
	# nothing is mounted in the root; make sure before removing it
	if grep -q " $ROOT" /proc/mounts; then
		echo "leaving $ROOT: something is mounted in it" >&2
	else
		rm -rf "$ROOT"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- lintian -----------------------------------------------------------------
# Errors and warnings fail; each override in debian/mxscreen.lintian-
# overrides says why it is there.
echo "== lintian"
out=$(lintian --fail-on error,warning --tag-display-limit 0 "$deb" 2>&1) ||
	fail "lintian reports errors or warnings: $out"
grep -v "running with root privileges" <<<"$out" || true
pass "lintian: no errors, no warnings"

# --- a fresh Debian 12 ---------------------------------------------------
echo "== mmdebstrap (bookworm, from $MIRROR)"
start=$(date +%s)
mmdebstrap --quiet --variant=apt --include=systemd \
	--skip=cleanup/apt/lists bookworm "$ROOT" \
	"deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
	"deb $SECURITY bookworm-security main" ||
	fail "mmdebstrap could not build a Debian 12 root from $MIRROR (set MXS_DEB_MIRROR for another mirror)"
pass "fresh root in $(($(date +%s) - start)) s"
in_root() { chroot "$ROOT" "$@"; }

# --- install -----------------------------------------------------------------
echo "== apt-get install ./$(basename "$deb")"
cp "$deb" "$ROOT/tmp/"
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q \
	"/tmp/$(basename "$deb")" >"$ROOT/tmp/install.log" 2>&1 ||
	fail "apt-get install: $(tail -20 "$ROOT/tmp/install.log")"
pass "installed with its dependencies from Debian"
for lib in libbpf1 libxdp1 libc-ares2; do
	in_root dpkg-query -W -f='${Status}' "$lib" | grep -q "install ok installed" ||
		fail "$lib is not installed: the package should depend on it"
done
pass "Debian's libbpf1, libxdp1 and libc-ares2 came as dependencies"

for f in /usr/sbin/mxscreen /usr/sbin/mxscreend /usr/lib/mxscreen/mxscreen.bpf.o \
	/usr/share/man/man8/mxscreen.8.gz /usr/share/man/man8/mxscreend.8.gz \
	/usr/share/man/man5/mxscreen.conf.5.gz /etc/mxscreen/mxscreen.conf \
	/lib/systemd/system/mxscreend.service /lib/systemd/system/mxscreen@.service \
	/usr/share/doc/mxscreen/copyright /usr/share/doc/mxscreen/examples/mxscreend.conf; do
	[ -e "$ROOT$f" ] || fail "missing $f"
done
[ -d "$ROOT/var/lib/mxscreen" ] || fail "missing /var/lib/mxscreen"
pass "binaries, BPF object, manuals, configuration, units, fail2ban filter, state directory"
for m in mxscreen.8 mxscreend.8 mxscreen.conf.5; do
	sec=${m##*.}
	out=$(zcat "$ROOT/usr/share/man/man$sec/$m.gz" | groff -man -Tutf8 -ww -z 2>&1) ||
		fail "$m does not render"
	[ -z "$out" ] || fail "$m: $out"
done
pass "the installed manuals render without warnings"
assert_eq "$(in_root dpkg-query -W -f='${Conffiles}' mxscreen | awk 'NF {print $1}')" \
	/etc/mxscreen/mxscreen.conf "conffiles"

# The units: verified in the root, enabled the Debian way, not started
# (no systemd runs in a chroot, and deb-systemd-invoke knows it).
out=$(in_root systemd-analyze verify --man=no /lib/systemd/system/mxscreend.service \
	/lib/systemd/system/mxscreen@.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"
pass "systemd-analyze verify: both units clean"
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/mxscreend.service" ] ||
	fail "mxscreend.service is not enabled"
pass "mxscreend.service enabled"
[ -e "$ROOT/etc/systemd/system/multi-user.target.wants/mxscreen@.service" ] &&
	fail "the template mxscreen@.service was enabled without an interface"
pass "mxscreen@.service left for the administrator (one per interface)"

# --- the programs, from the installed paths ---------------------------------
in_root /usr/sbin/mxscreen --help >"$ROOT/tmp/help" 2>&1 || fail "mxscreen --help: $(cat "$ROOT/tmp/help")"
grep -q "^Usage: mxscreen" "$ROOT/tmp/help" || fail "mxscreen --help: $(cat "$ROOT/tmp/help")"
pass "mxscreen --help"
assert_eq "$(in_root /usr/sbin/mxscreen --version)" "mxscreen $version" "mxscreen --version"
assert_eq "$(in_root /usr/sbin/mxscreend --version)" "mxscreend $version" "mxscreend --version"

# As shipped the configuration parses and refuses nothing: observe mode,
# no interface, no DNSBL.
in_root /usr/sbin/mxscreend -n >"$ROOT/tmp/n.out" 2>&1 || fail "mxscreend -n: $(cat "$ROOT/tmp/n.out")"
for want in "observe = yes" "interfaces =" "dnsbl_sites =" "policy_listen =" \
	"postfix_log =" "state_file = /var/lib/mxscreen/state"; do
	grep -qx "$want" "$ROOT/tmp/n.out" || fail "mxscreend -n: no line '$want' in: $(cat "$ROOT/tmp/n.out")"
done
pass "mxscreend -n: the shipped configuration is observe mode, no interface, no DNSBL"

# An administrator's edit: a mistake is caught before any reload, and the
# edit survives a reinstall (conffile).
printf '\ndnsbl_threshold = lots\n' >>"$ROOT/etc/mxscreen/mxscreen.conf"
if in_root /usr/sbin/mxscreend -n >"$ROOT/tmp/n.out" 2>&1; then
	fail "mxscreend -n accepted a bad value: $(cat "$ROOT/tmp/n.out")"
fi
lines=$(wc -l <"$ROOT/etc/mxscreen/mxscreen.conf")
grep -q "^/etc/mxscreen/mxscreen.conf:$lines: " "$ROOT/tmp/n.out" ||
	fail "mxscreend -n does not say FILE:LINE: $(cat "$ROOT/tmp/n.out")"
pass "mxscreend -n: $(grep -m1 "^/etc/mxscreen" "$ROOT/tmp/n.out")"
sed -i 's/^dnsbl_threshold = lots$/dnsbl_threshold = 3/' "$ROOT/etc/mxscreen/mxscreen.conf"
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q --reinstall \
	"/tmp/$(basename "$deb")" >>"$ROOT/tmp/install.log" 2>&1 ||
	fail "reinstall: $(tail -20 "$ROOT/tmp/install.log")"
grep -qx "dnsbl_threshold = 3" "$ROOT/etc/mxscreen/mxscreen.conf" ||
	fail "the administrator's edit was lost on reinstall"
pass "an edited configuration survives a reinstall"

# --- remove, then purge ----------------------------------------------------
# A state file, as the daemon would have left it.
printf 'mxscreen-state 1\ninstance /sys/fs/bpf/mxscreen\n' >"$ROOT/var/lib/mxscreen/state"
DEBIAN_FRONTEND=noninteractive in_root apt-get remove -y -q mxscreen \
	>"$ROOT/tmp/remove.log" 2>&1 || fail "apt-get remove: $(tail -20 "$ROOT/tmp/remove.log")"
[ -e "$ROOT/usr/sbin/mxscreend" ] && fail "mxscreend still there after remove"
[ -f "$ROOT/etc/mxscreen/mxscreen.conf" ] || fail "remove deleted the configuration"
[ -f "$ROOT/var/lib/mxscreen/state" ] || fail "remove deleted the state file"
assert_eq "$(in_root dpkg-query -W -f='${db:Status-Abbrev}' mxscreen | tr -d ' ')" rc \
	"package status after remove"
pass "remove keeps the configuration and the state"
DEBIAN_FRONTEND=noninteractive in_root apt-get purge -y -q mxscreen \
	>"$ROOT/tmp/purge.log" 2>&1 || fail "apt-get purge: $(tail -20 "$ROOT/tmp/purge.log")"
for gone in /etc/mxscreen /var/lib/mxscreen \
	/etc/systemd/system/multi-user.target.wants/mxscreend.service; do
	[ -e "$ROOT$gone" ] || [ -L "$ROOT$gone" ] && fail "$gone is still there after purge"
done
in_root dpkg-query -W mxscreen >/dev/null 2>&1 && fail "dpkg still knows mxscreen after purge"
pass "purge removes the configuration, the state and the unit's enablement"
echo "== package test: PASS"
