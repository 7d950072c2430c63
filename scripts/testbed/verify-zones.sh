#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# verify-zones.sh OUTDIR
#
# Checks every signed zone made by make-zones.sh with two independent
# offline verifiers, ldns-verify-zone (at the fixed test time 2026-06-01
# and at the real time) and dnssec-verify (real time):
#   - good zones must pass both (dnssec-verify of BIND 9.18 refuses NSEC3
#     iteration counts above 150: those zones are checked by ldns only);
#   - broken zones must FAIL both, which proves the breakage is real;
#     dsmismatch is broken in the parent's DS only, so the zone itself
#     must pass.
# Prints one line per zone and a summary; exit status 1 on any surprise.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
outdir=$(cd "$1" && pwd)
fixed_now=20260601000000
log=$(mktemp)
trap 'rm -f "$log"' EXIT

fail=0
n=0
# verdict NAME RC: "pass" or "fail" from an exit status.
verdict() { if [ "$2" -eq 0 ]; then echo pass; else echo fail; fi; }

while IFS=$'\t' read -r zone file _parent signer _alg denial nsec3 keys \
	_ds breakage _purpose; do
	case $zone in '#'*) continue ;; esac
	[ "$signer" != "-" ] || continue
	n=$((n + 1))
	path=$outdir/$file
	ldns_fixed=0 ldns_now=0 bind=0
	ldns-verify-zone -V1 -t "$fixed_now" "$path" >"$log" 2>&1 ||
		ldns_fixed=$?
	ldns-verify-zone -V1 "$path" >>"$log" 2>&1 || ldns_now=$?
	# -x: DNSKEY signed by the KSK only (KSK+ZSK zones); -z: one CSK.
	case $keys in *,*) kflag=-x ;; *) kflag=-z ;; esac
	iters=${nsec3%%/*}
	bind_note=
	if [ "$denial" = nsec3 ] && [ "$iters" -gt 150 ]; then
		bind=skip
		bind_note=" (dnssec-verify: iterations > 150 unsupported)"
	else
		dnssec-verify -q $kflag -o "$zone" "$path" >>"$log" 2>&1 || bind=$?
	fi
	want=pass
	case $breakage in
	- | dsmismatch) want=pass ;;
	*) want=fail ;;
	esac
	got_lf=$(verdict ldns "$ldns_fixed")
	got_ln=$(verdict ldns "$ldns_now")
	got_b=$bind
	[ "$bind" = skip ] || got_b=$(verdict bind "$bind")
	ok=yes
	for g in $got_lf $got_ln $got_b; do
		[ "$g" = skip ] || [ "$g" = "$want" ] || ok=no
	done
	if [ "$ok" = yes ]; then
		printf 'ok    %-28s want %s: ldns(%s) %s, ldns(now) %s, bind %s%s\n' \
			"$zone" "$want" "$fixed_now" "$got_lf" "$got_ln" "$got_b" \
			"$bind_note"
	else
		fail=$((fail + 1))
		printf 'FAIL  %-28s want %s: ldns(%s) %s, ldns(now) %s, bind %s\n' \
			"$zone" "$want" "$fixed_now" "$got_lf" "$got_ln" "$got_b"
		sed 's/^/      /' "$log" | tail -n 5
	fi
done <"$outdir/zones.tsv"
echo "verify-zones: $n signed zones, $((n - fail)) as expected, $fail not"
[ "$fail" -eq 0 ]
