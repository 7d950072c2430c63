#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Line coverage of the pure-C libraries from the unit and fuzz-replay
# suites (gcovr). Prints one line per library and the total.
#
# usage: scripts/coverage.sh [LIB...]     (default: every lib/ folder)
#        MIN_COVERAGE=90 scripts/coverage.sh dns net   fails below 90%
set -euo pipefail
cd "$(dirname "$0")/.."

libs=("$@")
if [ "${#libs[@]}" -eq 0 ]; then
	mapfile -t libs < <(cd lib && ls -d */ | tr -d /)
fi

if [ ! -f build-cov/build.ninja ]; then
	meson setup build-cov -Db_coverage=true -Dbuildtype=debug >/dev/null
fi
ninja -C build-cov >/dev/null
find build-cov -name '*.gcda' -delete
meson test -C build-cov --suite unit --suite fuzz --num-processes 2 >/dev/null || {
	echo "coverage.sh: tests failed; fix them first" >&2
	exit 1
}

rc=0
for l in "${libs[@]}"; do
	line=$(gcovr -r . --object-directory build-cov --filter "lib/$l/" \
		--exclude-unreachable-branches 2>/dev/null | awk '/^TOTAL/ {print $2, $3, $4}')
	read -r total covered pct <<<"$line"
	printf 'coverage lib/%-8s %5s of %5s lines  %s\n' "$l" "${covered:-0}" "${total:-0}" "${pct:-0%}"
	if [ -n "${MIN_COVERAGE:-}" ] && [ "${pct%\%}" -lt "$MIN_COVERAGE" ]; then
		echo "coverage.sh: lib/$l below ${MIN_COVERAGE}%" >&2
		rc=1
	fi
done
mkdir -p build-cov/report
gcovr -r . --object-directory build-cov --filter lib/ \
	--html-details build-cov/report/index.html >/dev/null 2>&1 || true
echo "coverage.sh: HTML report in build-cov/report/index.html"
exit "$rc"
