#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# serve.sh: run NSD serving every zone made by make-zones.sh.
#
#   serve.sh start OUTDIR [ADDR [PORT [RUNDIR [NETNS]]]]
#       start NSD (foreground process, our background job) on ADDR:PORT
#       (default 127.0.0.1 and a free high port), state in RUNDIR (default
#       OUTDIR/run), optionally inside network namespace NETNS; waits until
#       every zone answers its SOA with AA; prints "ADDR PORT RUNDIR".
#   serve.sh stop RUNDIR
#       stop what start started (TERM, then KILL after 10 s), by pid.
#   serve.sh run OUTDIR ADDR PORT -- CMD [ARG...]
#       start, run CMD with TB_ADDR / TB_PORT / TB_OUTDIR set, stop (also
#       on error or signal); exits with CMD's status.
#
# Runs unprivileged on a high port: no user switch, no chroot, every file
# it writes is in RUNDIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/testbed/lib.sh
. "$here/lib.sh"

usage() {
	sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

cmd=${1:-}
[ -n "$cmd" ] || usage
shift

case $cmd in
start)
	[ $# -ge 1 ] || usage
	outdir=$1
	addr=${2:-127.0.0.1}
	port=${3:-}
	rundir=${4:-$outdir/run}
	ns=${5:-}
	[ -n "$port" ] || port=$(python3 "$here/dnswire.py" freeport "$addr")
	mkdir -p "$rundir"
	rundir=$(cd "$rundir" && pwd)
	if [ -f "$rundir/nsd.proc" ]; then
		tb_die "$rundir/nsd.proc exists: stop that NSD first"
		exit 1
	fi
	tb_nsd_start "$outdir" "$addr" "$port" "$rundir" "$ns"
	echo "$addr $port $rundir"
	;;
stop)
	[ $# -eq 1 ] || usage
	tb_stop "$1" nsd
	;;
run)
	if [ $# -lt 5 ] || [ "$4" != "--" ]; then
		usage
	fi
	outdir=$(cd "$1" && pwd)
	addr=$2
	port=$3
	shift 4
	rundir=$(mktemp -d "${TMPDIR:-/tmp}/tw-serve.XXXXXX")
	trap 'tb_stop "$rundir" nsd; rm -rf "$rundir"' EXIT
	trap 'exit 130' INT TERM
	tb_nsd_start "$outdir" "$addr" "$port" "$rundir"
	rc=0
	TB_ADDR=$addr TB_PORT=$port TB_OUTDIR=$outdir "$@" || rc=$?
	exit "$rc"
	;;
*)
	usage
	;;
esac
