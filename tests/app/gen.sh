#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Correctness runs of app/tw-gen, the benchmark harness (meson suite
# 'app'): a short bounded run of each mode over trustwire's data plane on
# in-memory ports. Asserts that every answer was checked and right
# (wrong=0, missing=0, ok>0), never a timing.
#
# usage: gen.sh CASE TW_GEN_BINARY
#   bounce  the I/O floor (a worker that only swaps ends)
#   hit     warm phase (every variant through the validator and the zone)
#           then the hit path; flood names (NXDOMAIN) in the mix
#   miss    unique names, each answer validated (--crypto openssl: the
#           scalar path of crypto.path); two passes over the names with
#           trustwire's caches flushed between them (--miss-rounds 2):
#           the second pass's answers must be validated again too
#   hit2    the hit mode with trustwire's own loop on a second lcore
#   nic     the hit mode with the client port as a NIC with checksum
#           offloads (--nic-csum): the warm phase's validator answers and
#           the hits leave their checksums to the port, the checker
#           computes them as the NIC would and checks them
# Needs root (else exit 77, meson's skip); own --file-prefix, --no-huge,
# --no-pci, bounded time.
set -uo pipefail

case_=${1:?case}
bin=${2:?tw-gen binary}
prefix="tw-gen-test-$$-$case_"
log=$(mktemp "/tmp/$prefix.XXXXXX")

cleanup() {
	rm -rf "$log" "/var/run/dpdk/$prefix" 2>/dev/null
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (DPDK)"
	exit 77
fi

lcores=0
common=(--names 300 --seconds 2 --floor-seconds 1 --cache-entries 16384 --templates 4096)
case "$case_" in
bounce) args=(--mode bounce "${common[@]}") ;;
hit) args=(--mode hit --flood-pct 2 "${common[@]}") ;;
nic) args=(--mode hit --nic-csum "${common[@]}") ;;
miss) args=(--mode miss --names 400 --crypto openssl --openssl-seconds 0 --miss-rounds 2) ;;
hit2)
	if [ "$(nproc)" -lt 2 ]; then
		echo "SKIP: needs 2 CPUs"
		exit 77
	fi
	lcores=0-1
	args=(--mode hit --lcores 2 "${common[@]}")
	;;
*)
	echo "unknown case $case_"
	exit 2
	;;
esac

timeout 120 "$bin" --no-huge -m 256 --no-pci -l "$lcores" \
	--file-prefix "$prefix" --log-level=lib.eal:warning -- "${args[@]}" \
	>"$log" 2>&1
rc=$?
cat "$log"
if [ $rc -ne 0 ]; then
	echo "FAIL: tw-gen exited with $rc"
	exit 1
fi
mode=$case_
case $case_ in
hit2 | nic) mode=hit ;;
esac
main=$(grep "^RESULT mode=$mode " "$log")
[ -n "$main" ] || { echo "FAIL: no RESULT line"; exit 1; }
get() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
while read -r line; do
	[ "$(get wrong "$line")" = 0 ] || { echo "FAIL: wrong answers: $line"; exit 1; }
	[ "$(get missing "$line")" = 0 ] || { echo "FAIL: missing answers: $line"; exit 1; }
	ok=$(get ok "$line")
	[ "${ok:-0}" -gt 0 ] || { echo "FAIL: no answer: $line"; exit 1; }
done < <(grep "^RESULT " "$log")
if [ "$case_" = nic ] && [ "$(get nic_csum "$main")" != 1 ]; then
	echo "FAIL: the run did not emulate the NIC's offloads: $main"
	exit 1
fi
if [ "$case_" = miss ]; then
	# secure counts validations: an answer served from a cache that
	# survived the flush would not add to it.
	sec=$(get secure "$main")
	[ "${sec:-0}" -eq "$(get ok "$main")" ] ||
		{ echo "FAIL: every miss answer must be validated secure: $main"; exit 1; }
	[ "$(get passes "$main")" = 2 ] ||
		{ echo "FAIL: want 2 passes: $main"; exit 1; }
fi
echo "PASS: $main"
