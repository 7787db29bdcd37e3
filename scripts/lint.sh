#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# lint.sh - static analysis of the userspace C code (make lint, part of
# make test): cppcheck, then clang-tidy with the checked-in .clang-tidy.
# Usage: lint.sh [BUILD_DIR]   (the skeleton header lives there)
# Exits 1 when either finds anything in our code.  Findings inside
# generated code (the bpftool skeleton under BUILD_DIR) are not ours to
# fix and are not counted.
set -uo pipefail

build=${1:-build}
cd "$(dirname "$0")/.."
sources=(userspace/*/*.c loader/*.c)
cflags="-std=gnu11 -D_GNU_SOURCE -I$build/bpf -Iuserspace $(pkg-config --cflags libxdp libbpf)"
fail=0

echo "== cppcheck"
# warning, performance, portability; style is taste, not bugs.  Inline
# suppressions name the check and say why.
if ! cppcheck --quiet --error-exitcode=1 --inline-suppr --std=c11 \
	--enable=warning,performance,portability -D_GNU_SOURCE \
	-Iuserspace -Iloader -Ibpf "-I$build/bpf" --suppress=missingIncludeSystem \
	--template='{file}:{line}: {severity}: {message} [{id}]' "${sources[@]}"; then
	fail=1
fi

echo "== clang-tidy"
out=$(printf '%s\n' "${sources[@]}" |
	xargs -P "$(nproc)" -I{} sh -c "clang-tidy -quiet {} -- $cflags 2>/dev/null")
found=$(grep -E ': (error|warning): ' <<<"$out" | grep -vE "(^|/)$build/" | sort -u)
if [ -n "$found" ]; then
	echo "$out"
	fail=1
fi
n=$(grep -cE ': (error|warning): ' <<<"$out" || true)
echo "clang-tidy: ${#sources[@]} files, $(grep -c . <<<"$found" || true) findings in our code ($n in all, generated code included)"
[ $fail = 0 ] && echo "lint: clean"
exit $fail
