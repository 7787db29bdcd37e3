#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The loader mounts bpffs on /sys/fs/bpf when it is missing, as on a fresh
# boot of these machines.  Done in a private mount namespace, so the host's
# own /sys/fs/bpf (and other tests' pins) are never touched.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology

out=$(unshare --mount --propagation private bash -c '
	umount -l /sys/fs/bpf 2>/dev/null || true
	if stat -f -c %T /sys/fs/bpf | grep -q bpf_fs; then
		echo "still mounted"; exit 1
	fi
	nsenter --net="/run/netns/'"$SRV_NS"'" "'"$MXSCREEN"'" --pin-path "'"$PIN"'" attach mxs0 || exit 1
	stat -f -c %T /sys/fs/bpf
	ls "'"$PIN"'"/stats
	nsenter --net="/run/netns/'"$SRV_NS"'" "'"$MXSCREEN"'" --pin-path "'"$PIN"'" detach --all --purge >/dev/null
' 2>&1) || fail "attach without bpffs: $out"
[[ $out == *"mounted the BPF filesystem on /sys/fs/bpf"* ]] || fail "no mount message: $out"
[[ $out == *bpf_fs* ]] || fail "bpffs not mounted afterwards: $out"
[[ $out == *"$PIN/stats"* ]] || fail "maps not pinned on the new bpffs: $out"
pass "attach mounted bpffs and pinned the maps there"
