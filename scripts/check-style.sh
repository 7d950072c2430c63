#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks every tracked C file against .clang-format (DPDK/kernel style).
# usage: scripts/check-style.sh [--fix]
set -uo pipefail
cd "$(dirname "$0")/.."

fmt=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$fmt" ]; then
	echo "check-style: clang-format not installed (scripts/setup.sh installs it)" >&2
	exit 1
fi
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null)
if [ "${#files[@]}" -eq 0 ]; then
	mapfile -t files < <(find app lib drivers tests -name '*.[ch]' 2>/dev/null)
fi
if [ "${1:-}" = "--fix" ]; then
	"$fmt" -i "${files[@]}"
	exit 0
fi
bad=0
for f in "${files[@]}"; do
	if ! "$fmt" --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "style: $f differs from .clang-format (fix: scripts/check-style.sh --fix)"
		bad=$((bad + 1))
	fi
done
echo "check-style: ${#files[@]} files, $bad with style differences"
[ "$bad" -eq 0 ]
