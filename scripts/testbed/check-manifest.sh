#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# check-manifest.sh [--netns] OUTDIR
#
# Proves the test bed's manifest with real tools:
#   1. verify-zones.sh: ldns-verify-zone and dnssec-verify accept every
#      good zone and reject every broken one;
#   2. Unbound, validating with the private trust anchor, must agree with
#      every manifest line (rcode, AD / SERVFAIL):
#        default:  NSD and Unbound on 127.0.0.1 at free high ports (no root;
#                  Unbound reaches the zones through one stub-zone each),
#                  once in real time and once validating as of the unit
#                  tests' fixed "now" 2026-06-01T00:00:00Z
#                  (val-override-date);
#        --netns:  netns.sh up (root), ask the recursor and the reference
#                  forwarder in the namespace as a client would, then
#                  netns.sh down.
# Reports (TSV, with Unbound's EDE next to the manifest's) are left in
# OUTDIR/check/. Exit status 1 on any disagreement.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/testbed/lib.sh
. "$here/lib.sh"

netns=0
if [ "${1:-}" = "--netns" ]; then
	netns=1
	shift
fi
if [ $# -ne 1 ]; then
	echo "usage: $0 [--netns] OUTDIR" >&2
	exit 2
fi
outdir=$1
fixed_now=20260601000000

bash "$here/make-zones.sh" "$outdir"
outdir=$(cd "$outdir" && pwd)
mkdir -p "$outdir/check"
status=0

echo "=== offline verification"
bash "$here/verify-zones.sh" "$outdir" >"$outdir/check/verify-zones.txt" ||
	status=1
grep -v '^ok ' "$outdir/check/verify-zones.txt" || true

rundir=
nsname=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ -n "$rundir" ]; then
		tb_stop_all "$rundir"
		rm -rf "$rundir"
	fi
	if [ -n "$nsname" ]; then
		bash "$here/netns.sh" down "$nsname" || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# check LABEL SERVER PORT [NETNS]
check() {
	local label=$1 server=$2 port=$3 ns=${4:-}
	echo "=== Unbound ($label) against the manifest"
	if ! tb_exec "$ns" python3 "$here/checkmanifest.py" \
		"$outdir/manifest.tsv" "$server" "$port" \
		"$outdir/check/$label.tsv"; then
		status=1
	fi
}

if [ "$netns" -eq 0 ]; then
	rundir=$(mktemp -d "${TMPDIR:-/tmp}/tw-check.XXXXXX")
	nsd_port=$(python3 "$here/dnswire.py" freeport 127.0.0.1)
	tb_nsd_start "$outdir" 127.0.0.1 "$nsd_port" "$rundir"
	for run in now fixed; do
		date=
		[ "$run" = fixed ] && date=$fixed_now
		port=$(python3 "$here/dnswire.py" freeport 127.0.0.1)
		tb_unbound_conf stub "$outdir" "$rundir" "ub-$run" 127.0.0.1 \
			"$port" "127.0.0.1@$nsd_port" "$date" >"$rundir/ub-$run.conf"
		tb_unbound_start "$rundir/ub-$run.conf" "$rundir" "ub-$run"
		label="loopback-$run"
		[ -z "$date" ] || label="loopback-$date"
		check "$label" 127.0.0.1 "$port"
		tb_stop "$rundir" "ub-$run"
		cp "$rundir/ub-$run.log" "$outdir/check/$label.log"
	done
else
	nsname=twcheck$$
	bash "$here/netns.sh" up "$nsname" "$outdir"
	# shellcheck disable=SC1090
	. "/run/trustwire-testbed/$nsname/env"
	check netns-recursor "$TB_RECURSOR_IP4" 53 "$nsname"
	check netns-reference "$TB_REFERENCE_IP4" 53 "$nsname"
	check netns-reference-v6 "$TB_REFERENCE_IP6" 53 "$nsname"
	cp "$TB_STATE"/*.log "$outdir/check/" 2>/dev/null || true
	bash "$here/netns.sh" down "$nsname"
	nsname=
fi

if [ "$status" -eq 0 ]; then
	echo "check-manifest: manifest and zones agree with Unbound and the" \
		"verifiers"
else
	echo "check-manifest: DISAGREEMENT (see $outdir/check/)" >&2
fi
exit "$status"
