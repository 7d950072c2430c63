#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# gen-fixtures.sh [--force] OUTDIR
#
# Test fixtures for the validator's unit tests: make-zones.sh OUTDIR, then
# NSD on 127.0.0.1 at a free high port (no root needed), record.py asks
# every question and saves the raw answers in OUTDIR/answers/, NSD is
# stopped. Idempotent: when the zones are up to date and were recorded,
# nothing is done. Exits non-zero on any failure; prints one summary line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/testbed/lib.sh
. "$here/lib.sh"

force=
if [ "${1:-}" = "--force" ]; then
	force=--force
	shift
fi
if [ $# -ne 1 ]; then
	echo "usage: $0 [--force] OUTDIR" >&2
	exit 2
fi
outdir=$1
mkdir -p "$(dirname "$outdir")"
# One recorder at a time per OUTDIR; the others wait and then find it done.
exec 9>"$outdir.lock"
flock 9
log=$(mktemp)
rundir=
cleanup() {
	if [ -n "$rundir" ]; then
		tb_stop "$rundir" nsd
		rm -rf "$rundir"
	fi
	rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! bash "$here/make-zones.sh" $force "$outdir" >"$log" 2>&1; then
	cat "$log" >&2
	echo "gen-fixtures: make-zones failed" >&2
	exit 1
fi
outdir=$(cd "$outdir" && pwd)

# Recorded answers are valid for exactly these zones: same stamp, same keys.
if [ -z "$force" ] && [ -f "$outdir/answers/.stamp" ] &&
	cmp -s "$outdir/.stamp" "$outdir/answers/.stamp" &&
	[ -s "$outdir/answers/index.tsv" ]; then
	n=$(grep -vc '^#' "$outdir/answers/index.tsv")
	echo "gen-fixtures: up to date, $n answers in $outdir/answers"
	exit 0
fi
rm -f "$outdir/answers/.stamp"

rundir=$(mktemp -d "${TMPDIR:-/tmp}/tw-fixtures.XXXXXX")
port=$(python3 "$here/dnswire.py" freeport 127.0.0.1)
if ! tb_nsd_start "$outdir" 127.0.0.1 "$port" "$rundir" >"$log" 2>&1; then
	cat "$log" >&2
	echo "gen-fixtures: NSD did not start" >&2
	exit 1
fi
if ! python3 "$here/record.py" "$outdir" 127.0.0.1 "$port" >"$log" 2>&1; then
	cat "$log" >&2
	echo "gen-fixtures: recording failed" >&2
	exit 1
fi
summary=$(tail -n 1 "$log")
tb_stop "$rundir" nsd
cp "$outdir/.stamp" "$outdir/answers/.stamp"
nz=$(grep -vc '^#' "$outdir/zones.tsv")
nq=$(grep -vc '^#' "$outdir/manifest.tsv")
echo "gen-fixtures: $nz zones, $nq manifest questions; ${summary#record: }"
