#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Attach/detach lifecycle: pinned maps outlive detach, re-attach reuses
# them, two interfaces share one set of maps, purge removes everything;
# status, bpftool's view of the stats, bulk load, flush, and clear errors.
source "$(dirname "$0")/lib.sh"

e2e_init
e2e_topology
e2e_start_smtpd 25
clean=${CLIENTS4[0]} bad=${CLIENTS4[1]}

# Commands before attach say what to do.
set +e
out=$(mxs block "$bad" 2>&1); rc=$?
set -e
assert_eq "$rc" 2 "exit status of block before attach"
[[ $out == *"not attached"*"mxscreen attach IFACE"* ]] || fail "unhelpful message: $out"
pass "block before attach explains itself"
set +e
out=$(mxs attach nosuch0 2>&1); rc=$?
set -e
assert_eq "$rc" 2 "exit status of attach to a missing interface"
[[ $out == *"cannot attach to nosuch0: no such interface"* ]] || fail "unhelpful message: $out"
pass "attach to a missing interface explains itself"
set +e
out=$(mxs block 192.0.2.1/24 2>&1); rc=$?
set -e
assert_eq "$rc" 1 "exit status of block with host bits set"
[[ $out == *"did you mean 192.0.2.0/24"* ]] || fail "unhelpful message: $out"
pass "host bits set names the prefix meant"

# bpffs is mounted by the loader when missing (it is, on a fresh boot
# here); the pins appear under the pin path.
mxs attach mxs0 >/dev/null
for m in config ports stats allow4_host allow4_net allow6_host allow6_net \
	block4_host block4_net block6_host block6_net meta hints; do
	[ -e "$PIN/$m" ] || fail "map $m is not pinned under $PIN"
done
pass "all maps pinned under $PIN"
# status must tell the truth about how libxdp attached: alone (the kernel
# here refuses the dispatcher's freplace programs), our program is what
# the interface runs; behind the dispatcher, the interface runs
# xdp_dispatcher and ours is one of its components.
how=$(mxs status --json | jq -r .interfaces[0].attach)
ours=$(mxs status --json | jq .interfaces[0].program_id)
on_link=$(ip -j -n "$SRV_NS" -d link show mxs0 | jq '.[0].xdp.prog.id')
case $how in
single) assert_eq "$on_link" "$ours" "program on mxs0 (single-program fallback)" ;;
dispatcher)
	name=$(bpftool -j prog show id "$on_link" | jq -r .name)
	assert_eq "$name" xdp_dispatcher "program on mxs0 (dispatcher mode)" ;;
*) fail "status reports attach type '$how'" ;;
esac
mxs status | grep -q "single program (libxdp fallback)\|libxdp dispatcher" ||
	fail "status does not say how libxdp attached: $(mxs status)"
mxs status --json | jq -e '.interfaces[0].name == "mxs0" and .interfaces[0].program_id > 0' >/dev/null ||
	fail "status --json: $(mxs status --json)"
pass "status reports the interface, program and attach type"

# bpftool prints the stats with field names (BTF).
bpftool -j map dump pinned "$PIN/stats" |
	jq -e '.[0].formatted.values[0].value | has("packets") and has("drop_manual") and has("pass_clean")' >/dev/null ||
	fail "bpftool map dump shows no named fields: $(bpftool map dump pinned "$PIN/stats" | head -20)"
pass "bpftool map dump shows named stats fields"

# Detach keeps the maps and entries; re-attach reuses them.
mxs block "$bad" --comment kept >/dev/null
expect timeout "$bad" 25 "blocked before detach"
mxs detach mxs0 >/dev/null
expect banner "$bad" 25 "nothing screens after detach"
mxs list block | grep -q "$bad .*kept" || fail "entry lost on detach: $(mxs list block)"
pass "entry and comment survive detach"
mxs attach mxs0 >/dev/null
expect timeout "$bad" 25 "blocked again after re-attach"
assert_eq "$(mxs attach mxs0 | grep -c 'already attached')" 1 "second attach is a no-op"

# A second interface shares the same maps.
ip -n "$SRV_NS" link add mxs2 type veth peer name mxs3
ip -n "$SRV_NS" link set mxs2 up
ip -n "$SRV_NS" link set mxs3 up
mxs attach mxs2 --mode skb >/dev/null
assert_eq "$(mxs status --json | jq '.interfaces | length')" 2 "interfaces attached"
ids=$(mxs status --json | jq -r '.interfaces[].program_id' | sort -u | wc -l)
assert_eq "$ids" 2 "one program per interface"
for i in mxs0 mxs2; do
	pid=$(mxs status --json | jq -r ".interfaces[] | select(.name == \"$i\") | .program_id")
	bpftool -j prog show id "$pid" | jq -e '.map_ids' >/dev/null
	cfg=$(bpftool -j map show pinned "$PIN/config" | jq .id)
	bpftool -j prog show id "$pid" | jq -e ".map_ids | index($cfg) != null" >/dev/null ||
		fail "program on $i does not use the pinned config map"
done
pass "both programs use the same pinned maps"

# Bulk load: good lines load, bad lines are reported by number.
cat >"$E2E_TMP/drop.txt" <<LIST
; Spamhaus DROP style
198.51.100.0/24 ; SBL1
203.0.113.7
# a comment
not-an-address
192.0.2.13/33
2001:db8:1::/48 ; v6
LIST
set +e
out=$(mxs load block "$E2E_TMP/drop.txt" 2>&1); rc=$?
set -e
assert_eq "$rc" 2 "exit status of load with bad lines"
[[ $out == *"drop.txt:5:"* && $out == *"drop.txt:6:"* ]] || fail "bad lines not reported by number: $out"
[[ $out == *"loaded 3 entries"* ]] || fail "good lines not loaded: $out"
pass "load reports bad lines 5 and 6 and loads the 3 good ones"
mxs list block --json | jq -e 'map(select(.reason == "list")) | length == 3' >/dev/null ||
	fail "list entries: $(mxs list block)"
pass "loaded entries carry reason list"

# Flush empties a list.
mxs flush block | grep -q "removed 4 entries" || fail "flush: $(mxs list block)"
assert_eq "$(mxs list block --json | jq length)" 0 "block entries after flush"
expect banner "$bad" 25 "after flush"

# stats --watch prints rates per second: a connection made during the
# first interval shows up as a non-zero pass_clean rate.
mxs_bg stats --watch 1 >"$E2E_TMP/watch.txt"
expect banner "$clean" 25 "while stats --watch runs"
wait_until 50 grep -q "^pass_clean" "$E2E_TMP/watch.txt" ||
	fail "stats --watch showed no pass_clean rate: $(cat "$E2E_TMP/watch.txt")"
kill "$MXS_BG_PID"
grep -q "per second" "$E2E_TMP/watch.txt" || fail "stats --watch: $(cat "$E2E_TMP/watch.txt")"
pass "stats --watch reports rates per second"

# Purge removes programs and pins.
mxs detach --all --purge >/dev/null
[ ! -e "$PIN" ] || fail "$PIN still exists after purge"
assert_eq "$(mxs status --json | jq '.interfaces | length')" 0 "interfaces after purge"
pass "detach --all --purge removes everything"

# Maps are sized at first attach; a full map is an error that says so,
# and the entries already in stay effective.
mxs attach mxs0 --max-block4 2 >/dev/null
assert_eq "$(mxs status --json | jq .maps.block4_host.capacity)" 2 "block4_host capacity"
mxs block 198.51.100.1 >/dev/null
mxs block "$bad" >/dev/null
set +e
out=$(mxs block 198.51.100.3 2>&1); rc=$?
set -e
assert_eq "$rc" 2 "exit status of block into a full map"
[[ $out == *"block4_host map"*"is full"* ]] || fail "unhelpful message: $out"
pass "a full map is reported as full"
printf '203.0.113.1\n203.0.113.2\n' >"$E2E_TMP/more.txt"
set +e
out=$(mxs load block "$E2E_TMP/more.txt" 2>&1); rc=$?
set -e
assert_eq "$rc" 2 "exit status of load into a full map"
[[ $out == *"full after 0 of 2 entries"* ]] || fail "unhelpful message: $out"
pass "load into a full map says how far it got"
expect timeout "$bad" 25 "entries already in a full map still block"
