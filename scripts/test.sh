#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#   1. setup (apt dependencies) and a -Werror build; every meson suite;
#   2. an ASan+UBSan build (with -Dphase_cycles=true) running the unit
#      and fuzz-replay suites;
#   3. style check on the C files;
#   4. under CI (CI=true) or with FUZZ_SECONDS=N: libFuzzer on each target.
# Prints meson's "Ok: N  Fail: N" summaries and cmocka's own lines.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/setup.sh --no-build

status=0
total_ok=0
total_fail=0

# run_meson_test BUILDDIR ARGS...: runs meson test, shows cmocka's own
# summary lines from the log, and adds meson's Ok/Fail counts to the totals.
run_meson_test() {
	local dir=$1 out rc
	shift
	out=$(mktemp)
	set +e
	meson test -C "$dir" "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	echo "--- cmocka summaries ($dir) ---"
	grep -aE '^\[==========\] .*run\.|^\[  (PASSED|FAILED|SKIPPED)  \]' \
		"$dir/meson-logs/testlog.txt" || true
	local ok fail
	ok=$(awk '/^Ok:/ {print $2}' "$out" | tail -n 1)
	fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {n += $NF} END {print n + 0}' "$out")
	total_ok=$((total_ok + ${ok:-0}))
	total_fail=$((total_fail + ${fail:-0}))
	rm -f "$out"
	if [ "$rc" -ne 0 ]; then
		status=1
	fi
}

echo "=== build (-Werror) ==="
# --reconfigure: lib/ and tests/ folders are discovered at configure time.
meson setup build-ci -Dwerror=true $( [ -f build-ci/build.ninja ] && echo --reconfigure )
ninja -C build-ci

echo "=== tests (all suites) ==="
run_meson_test build-ci --print-errorlogs --num-processes 2

echo "=== ASan+UBSan build: unit and fuzz-replay suites ==="
# -Dphase_cycles=true: the profiling build's code (worker, tw-gen) is
# compiled somewhere in CI.
meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug -Dphase_cycles=true \
	$( [ -f build-asan/build.ninja ] && echo --reconfigure )
ninja -C build-asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
ASAN_OPTIONS=detect_leaks=1 \
	run_meson_test build-asan --suite unit --suite fuzz --print-errorlogs \
	--num-processes 2

echo "=== style ==="
bash scripts/check-style.sh || status=1

fuzz_seconds=${FUZZ_SECONDS:-}
if [ -z "$fuzz_seconds" ] && [ "${CI:-}" = "true" ]; then
	fuzz_seconds=60
fi
if [ -n "$fuzz_seconds" ] && [ "$fuzz_seconds" -gt 0 ]; then
	echo "=== fuzzing each target for ${fuzz_seconds}s ==="
	for src in tests/fuzz/fuzz_*.c; do
		t=$(basename "$src" .c)
		t=${t#fuzz_}
		bash scripts/fuzz.sh "$t" "$fuzz_seconds" || status=1
	done
fi

if [ "$status" -ne 0 ] && [ "$total_fail" -eq 0 ]; then
	total_fail=1 # a non-test step (style, fuzzing) failed
fi
echo "tests: $total_ok passed, $total_fail failed"
exit "$status"
