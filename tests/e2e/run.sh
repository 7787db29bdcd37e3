#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# run.sh - run every end-to-end test (tests/e2e/test_*.sh) with the given
# mxscreen binary; each one builds and removes its own namespaces.
# Usage: run.sh path/to/mxscreen [test_name...]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export MXSCREEN=$(realpath "${1:?usage: run.sh MXSCREEN [TEST...]}")
shift

if [ "$(id -u)" != 0 ]; then
	echo "end-to-end tests need root (namespaces, XDP, bpffs)" >&2
	exit 1
fi

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	for t in "$here"/test_*.sh; do
		tests+=("$(basename "$t" .sh)")
	done
fi

failed=()
for t in "${tests[@]}"; do
	echo "== e2e $t"
	start=$SECONDS
	# Each test is bounded: a hang fails it instead of CI.
	if timeout --kill-after=10 300 bash "$here/$t.sh"; then
		echo "== e2e $t: PASS ($((SECONDS - start))s)"
	else
		echo "== e2e $t: FAIL ($((SECONDS - start))s)"
		failed+=("$t")
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "e2e: ${#failed[@]} of ${#tests[@]} failed: ${failed[*]}"
	exit 1
fi
echo "e2e: all ${#tests[@]} passed"
