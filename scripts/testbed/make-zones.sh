#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make-zones.sh [--force] OUTDIR
#
# Builds the private signed DNS hierarchy of the trustwire test bed into
# OUTDIR: its own root (.), the TLD test. and ~30 children signed with
# every DNSSEC algorithm by ldns-signzone and dnssec-signzone, NSEC and
# NSEC3 variants, insecure delegations and deliberately broken zones.
# Keys are generated here, at run time, and never committed.
#
# Outputs (see doc/testbed.md): zones/*.zone (what the server loads),
# src/*.zone (unsigned input), keys/, zones.tsv, manifest.tsv,
# trust-anchor.key (root DS, one line), trust-anchor.dnskey, root.hints,
# nsd-zones.conf, nsd.conf.
#
# Idempotent: if OUTDIR was built by the same scripts and is complete, it
# is left as it is (prints "up to date"); --force rebuilds. A rebuild is
# made in a scratch directory and swapped in, so OUTDIR is never half made.
#
# TW_TESTBED_BENCH_NAMES=N (default 0) adds bench.test. with N signed names
# for cold-cache benchmarks (mkzones.py; scripts/bench-peers.sh); N is part
# of the stamp, so an OUTDIR is rebuilt when N changes. Without it the
# output is what it always was.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
force=0
if [ "${1:-}" = "--force" ]; then
	force=1
	shift
fi
if [ $# -ne 1 ]; then
	echo "usage: $0 [--force] OUTDIR" >&2
	exit 2
fi
outdir=$1
mkdir -p "$(dirname "$outdir")"
outdir=$(cd "$(dirname "$outdir")" && pwd)/$(basename "$outdir")

for tool in ldns-keygen ldns-signzone dnssec-keygen dnssec-signzone \
	dnssec-dsfromkey python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "make-zones: $tool not found (apt-get install ldnsutils" \
			"bind9-utils python3)" >&2
		exit 1
	fi
done

# One builder at a time per OUTDIR (meson may start several tests at once).
exec 9>"$outdir.zlock"
flock 9

# The stamp is a digest of the generator itself: a change to any of them
# invalidates what was built before.
stamp=$(cat "$here/make-zones.sh" "$here/mkzones.py" "$here/dnswire.py" \
	"$here/lib.sh" |
	sha256sum | cut -d' ' -f1)
bench_names=${TW_TESTBED_BENCH_NAMES:-0}
if [ "$bench_names" != 0 ]; then
	stamp="$stamp bench=$bench_names"
fi
if [ "$force" -eq 0 ] && [ -f "$outdir/.stamp" ] &&
	[ "$(cat "$outdir/.stamp")" = "$stamp" ] &&
	[ -s "$outdir/manifest.tsv" ] && [ -s "$outdir/trust-anchor.key" ]; then
	echo "make-zones: $outdir up to date"
	exit 0
fi

scratch=$(mktemp -d "$outdir.new.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
python3 "$here/mkzones.py" "$scratch"
# A ready-made NSD config for the namespace address (netns.sh uses its own
# copy); tb_nsd_conf writes the same for any address and port.
# shellcheck source=scripts/testbed/lib.sh
. "$here/lib.sh"
tb_nsd_conf "$outdir" 192.0.2.53 53 "$outdir/run" "$scratch" \
	>"$scratch/nsd.conf"
echo "$stamp" >"$scratch/.stamp"
chmod -R a+rX "$scratch"

# Swap in. Anything else the caller put in OUTDIR (answers/, run/) belongs
# to the old zones and goes with them.
if [ -e "$outdir" ]; then
	old=$(mktemp -d "$outdir.old.XXXXXX")
	mv "$outdir" "$old/"
	mv "$scratch" "$outdir"
	rm -rf "$old"
else
	mv "$scratch" "$outdir"
fi
trap - EXIT
nzones=$(grep -vc '^#' "$outdir/zones.tsv")
nq=$(grep -vc '^#' "$outdir/manifest.tsv")
echo "make-zones: $nzones zones, $nq manifest questions in $outdir"
