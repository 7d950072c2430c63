#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Real fuzzing with libFuzzer (clang) on one target for SECONDS seconds.
# New inputs that raise coverage go to a scratch corpus; crashes are left
# as build-fuzz/crash-* and make this script fail. Add a reproducer to
# tests/fuzz/corpus/TARGET/ so `meson test --suite fuzz` replays it forever.
#
# usage: scripts/fuzz.sh TARGET SECONDS     (TARGET: net, dns_msg, ...)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 2 ]; then
	echo "usage: $0 TARGET SECONDS" >&2
	ls tests/fuzz/fuzz_*.c | sed 's/.*fuzz_\(.*\)\.c/  target: \1/' >&2
	exit 2
fi
target=$1
seconds=$2
if [ ! -f "tests/fuzz/fuzz_$target.c" ]; then
	echo "fuzz.sh: no target tests/fuzz/fuzz_$target.c" >&2
	exit 2
fi

if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzzing=true -Dtests=disabled \
		-Ddpdk=disabled -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debugoptimized >/dev/null
fi
ninja -C build-fuzz "tests/fuzz/fuzz_$target" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work" "$work.log"' EXIT
cp -r "tests/fuzz/corpus/$target/." "$work/"
echo "fuzz.sh: $target for ${seconds}s (seed corpus: $(ls "tests/fuzz/corpus/$target" | wc -l) inputs)"
UBSAN_OPTIONS=halt_on_error=1 \
	"build-fuzz/tests/fuzz/fuzz_$target" -max_total_time="$seconds" \
	-max_len=4096 -artifact_prefix=build-fuzz/ -print_final_stats=1 \
	"$work" >"$work.log" 2>&1 && rc=0 || rc=$?
grep -E 'Done|stat::number_of_executed_units|ERROR|SUMMARY|crash-|cov:' "$work.log" | tail -n 4
if [ "$rc" -ne 0 ]; then
	# The CI log is all that survives a CI machine: print where it
	# failed and the input itself (libFuzzer's Base64 line).
	grep -E '^ +#[0-9]+ .* in (LLVMFuzzer|tw_)|^Base64:|runtime error' \
		"$work.log" | head -n 20 >&2 || true
	echo "fuzz.sh: $target FAILED (see build-fuzz/crash-*)" >&2
fi
rm -f "$work.log"
exit "$rc"
