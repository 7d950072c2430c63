#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# gen-fixtures.sh SRCROOT OUTDIR STAMP: the test bed's recorded answers for
# test_fixtures. scripts/testbed/gen-fixtures.sh is idempotent (a no-op when
# zones and answers are up to date); record-ds.py then adds the DS answers
# of non-apex names (zone-cut probes) from a second NSD run, again only when
# the zones changed. Any failure (a signer or NSD missing) fails the build
# of the test, so the test cannot silently pass.
set -euo pipefail
src=$1
out=$2
stamp=$3
tb=$src/scripts/testbed
bash "$tb/gen-fixtures.sh" "$out"
test -s "$out/manifest.tsv"
test -s "$out/trust-anchor.key"
out=$(cd "$out" && pwd)
if ! cmp -s "$out/.stamp" "$out/answers-ds/.stamp" 2>/dev/null; then
	exec 9>"$out.lock"
	flock 9
	rundir=$(mktemp -d "${TMPDIR:-/tmp}/tw-dsfix.XXXXXX")
	trap 'bash "$tb/serve.sh" stop "$rundir" >/dev/null 2>&1 || true; rm -rf "$rundir"' EXIT
	read -r addr port _ < <(bash "$tb/serve.sh" start "$out" 127.0.0.1 "" "$rundir")
	rm -rf "$out/answers-ds"
	python3 "$(dirname "$0")/record-ds.py" "$out" "$addr" "$port"
	cp "$out/.stamp" "$out/answers-ds/.stamp"
fi
touch "$stamp"
