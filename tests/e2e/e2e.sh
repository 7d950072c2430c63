#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end tests of trustwire (meson suite 'e2e', root only).
#
# usage: e2e.sh CASE TRUSTWIRE_BINARY WORKDIR [--target trustwire|reference]
#   CASE: transport validation agreement cache cd do upstream vlan
#         (tests/e2e/e2e.py)
#         demo  (scripts/testbed/demo-run.sh --once: the README command)
#   WORKDIR: the signed zones are made (once, make-zones.sh is idempotent)
#         in WORKDIR/testbed; reports (TSV) go to WORKDIR/report/CASE.
#   --target reference (or E2E_TARGET=reference): the checks ask the test
#         bed's Unbound reference (192.0.2.11) instead of trustwire and
#         compare it with the Unbound recursor (192.0.2.10): proves the
#         harness; trustwire is not started and its checks (telemetry,
#         final statistics) are skipped.
#
# `timeout --foreground`: the checks stay in the test's process group, so
# meson's kill on timeout (or Ctrl-C) reaches them and the trap runs.
# Each run: a test bed of its own (scripts/testbed/netns.sh up e2eNNNN:
# NSD with the private signed hierarchy, Unbound recursor = trustwire's
# upstream, Unbound reference), trustwire in the -tw namespace on the
# veth end (net_af_packet, --no-huge, -l 0, --file-prefix of its own,
# the test bed's root as trust anchor, --duration as a last bound), the
# checks from the client namespace, then SIGTERM: trustwire must exit 0
# and print its final statistics. The EXIT trap ends trustwire (by pid)
# and takes the test bed down whatever happened.
#
# Exit: 0 pass, 1 fail, 77 skip (not root, no veth, no net_af_packet PMD,
# a test bed tool missing; the reason is printed). TW_E2E_REQUIRE=1 (for
# CI machines that must run it) turns a skip as root into a failure.
set -uo pipefail

case_=${1:?case}
bin=${2:?trustwire binary}
workdir=${3:?work directory}
shift 3
target=${E2E_TARGET:-trustwire}
while [ $# -gt 0 ]; do
	case $1 in
	--target)
		target=${2:?--target trustwire|reference}
		shift 2
		;;
	*)
		echo "e2e.sh: unknown argument $1" >&2
		exit 2
		;;
	esac
done
case $target in trustwire | reference) ;; *)
	echo "e2e.sh: --target trustwire|reference" >&2
	exit 2
	;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tb=$root/scripts/testbed
export PYTHONDONTWRITEBYTECODE=1
# Bounds: the whole case (python side), trustwire's own --duration.
case_limit=${E2E_CASE_LIMIT:-240}
tw_duration=$((case_limit + 60))

name=e2e$$
prefix=tw-e2e-$$-$case_
work=$(mktemp -d "/tmp/tw-e2e-$case_.XXXXXX")
pid=
bed=

echo "e2e $case_: target $target, test bed $name, $(date -u +%FT%TZ)"

cleanup() {
	local rc=$?
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if [ -n "$bed" ]; then
		bash "$tb/netns.sh" down "$name" >/dev/null 2>&1 ||
			echo "e2e: netns.sh down $name failed" >&2
	fi
	rm -rf "$work" "/var/run/dpdk/$prefix" 2>/dev/null
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

skip() {
	echo "SKIP: $*"
	echo "e2e $case_: SKIP: $*" >&2
	if [ "$(id -u)" -eq 0 ] && [ "${TW_E2E_REQUIRE:-0}" = 1 ]; then
		echo "FAIL: TW_E2E_REQUIRE=1: this machine must run the e2e tests"
		exit 1
	fi
	exit 77
}

fail() {
	echo "FAIL: $*"
	if [ -f "$work/tw.log" ]; then
		echo "--- trustwire output (last 60 lines) ---"
		tail -n 60 "$work/tw.log"
	fi
	exit 1
}

# --- prerequisites: skip (77) with the reason when one is missing -------
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, DPDK ports)"
for t in ip nsd unbound dig kdig python3 ldns-signzone dnssec-signzone; do
	command -v "$t" >/dev/null || skip "test bed tool '$t' not installed (scripts/setup.sh)"
done
[ -x "$bin" ] || skip "no trustwire binary at $bin"
bin=$(realpath "$bin")
probe=e2eprobe$$
if ! ip netns add "$probe" 2>/dev/null; then
	skip "cannot create a network namespace"
fi
if ! ip -n "$probe" link add e2ea type veth peer name e2eb 2>/dev/null; then
	ip netns del "$probe"
	skip "veth interfaces are not available (kernel module veth)"
fi
ip netns del "$probe"
# trustwire serves TCP/53 (RFC 7766) and falls back to TCP upstream
# through the kernel, over its net_tap exception path.
[ -c /dev/net/tun ] || skip "no /dev/net/tun (trustwire's exception path for TCP)"
if [ "$target" = trustwire ] && ! ls /usr/lib/*/dpdk/pmds-*/librte_net_af_packet.so* \
	>/dev/null 2>&1 && ! ldd "$bin" | grep -q af_packet; then
	skip "DPDK's net_af_packet PMD is not installed (package dpdk)"
fi

outdir=$workdir/testbed
mkdir -p "$workdir"
if [ "$case_" = demo ]; then
	# The README's first command, as the user runs it: demo-run.sh makes
	# its own test bed and trustwire, and cleans up after itself.
	dargs=(--once --bin "$bin" --outdir "$outdir")
	[ "$target" = trustwire ] || dargs+=(--reference)
	timeout --foreground -k 10 "$case_limit" bash "$tb/demo-run.sh" "${dargs[@]}" ||
		fail "demo-run.sh ${dargs[*]}"
	echo "e2e $case_: OK"
	exit 0
fi

# --- the test bed ---------------------------------------------------------
bed=1
bash "$tb/netns.sh" up "$name" "$outdir" >"$work/netns.log" 2>&1 || {
	cat "$work/netns.log"
	fail "netns.sh up $name"
}
# shellcheck disable=SC1090
. "/run/trustwire-testbed/$name/env"
report=$workdir/report/$target/$case_
rm -rf "$report"
mkdir -p "$report"

# --- what some cases add to the test bed ----------------------------------
# upstream: fake upstreams (tests/e2e/fakeup.py, started by e2e.py) on
#   .13 (forger) and .14 (honest), .12 with no server (dead), .15 the
#   source of a forgery from no upstream; trustwire asks .12, .13, .14 in
#   that order with an 800 ms timeout per try.
# sha1: trustwire with crypto.sha1_signatures false (RFC 9905).
# vlan: trustwire also listens on 198.51.100.2 / 2001:db8:100::2; e2e.py
#   asks there with frames tagged VLAN 100, written raw on the client
#   side's interface (tests/e2e/rawvlan.py; no 8021q needed).
upstreams=(--upstream "$TB_RECURSOR_IP4")
case_tw=()
case_py=()
case $case_ in
upstream)
	for a in 12 13 14 15; do
		ip -n "$TB_NETNS" addr add "192.0.2.$a/24" dev "$TB_SRV_IF" ||
			fail "address 192.0.2.$a"
	done
	upstreams=(--upstream 192.0.2.12 --upstream 192.0.2.13
		--upstream 192.0.2.14)
	printf 'limits:\n  upstream_timeout_ms: 800\n' >"$work/upstream.yaml"
	case_tw=(-c "$work/upstream.yaml")
	case_py=(--real-upstream "$TB_RECURSOR_IP4")
	;;
sha1)
	# RFC 9905: algorithms 5 and 7 unsupported (crypto.sha1_signatures).
	printf 'crypto:\n  sha1_signatures: false\n' >"$work/sha1.yaml"
	case_tw=(-c "$work/sha1.yaml")
	;;
vlan)
	case_tw=(--listen 198.51.100.2/24 --listen 2001:db8:100::2/64)
	case_py=(--vlan-if "$TB_SRV_IF" --vlan-mac "$TB_SRV_MAC"
		--vlan-target "198.51.100.2,2001:db8:100::2")
	;;
esac

# --- trustwire --------------------------------------------------------------
stop_trustwire() {
	local rc
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	pid=
	grep -E '^(trustwire: stopping|total:)' "$work/tw.log"
	[ "$rc" -eq 0 ] || fail "trustwire exit status $rc after SIGTERM (want 0)"
	grep -q "trustwire: final statistics" "$work/tw.log" ||
		fail "trustwire printed no final statistics"
}

# counter NAME: value of NAME=... on trustwire's final "total:" line.
counter() {
	grep '^total:' "$work/tw.log" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

if [ "$target" = trustwire ]; then
	# E2E_TW_ARGS: more trustwire options, e.g. "--cache-entries 4096".
	read -r -a extra <<<"${E2E_TW_ARGS:-}"
	# E2E_LCORES: EAL lcores, e.g. "0-1" (worker 0, validator 1); default
	# 0: every role on one lcore.
	ip netns exec "$TB_TW_NETNS" "$bin" --no-huge --no-pci \
		-l "${E2E_LCORES:-0}" \
		--file-prefix "$prefix" --log-level=lib.eal:warning \
		--vdev "net_af_packet0,iface=$TB_TW_IF" -- \
		--listen "$TB_TW_IP4/24" --listen "$TB_TW_IP6/64" \
		"${upstreams[@]}" "${case_tw[@]}" \
		--trust-anchor "$TB_OUTDIR/trust-anchor.key" \
		--exception tap --duration "$tw_duration" "${extra[@]}" \
		>"$work/tw.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		grep -q "trustwire: running on" "$work/tw.log" && break
		kill -0 "$pid" 2>/dev/null || fail "trustwire exited during start-up"
		sleep 0.1
	done
	grep -q "trustwire: running on" "$work/tw.log" ||
		fail "trustwire did not start within 10 s"
	echo "trustwire: pid $pid, --file-prefix $prefix, $TB_TW_IP4 / $TB_TW_IP6 on $TB_TW_NETNS/$TB_TW_IF"
	args=(--target "$TB_TW_IP4,$TB_TW_IP6" --target-label trustwire
		--ref "$TB_REFERENCE_IP4,$TB_REFERENCE_IP6" --ref-label unbound
		--mode trustwire --tel-prefix "$prefix")
else
	args=(--target "$TB_REFERENCE_IP4,$TB_REFERENCE_IP6"
		--target-label unbound-ref
		--ref "$TB_RECURSOR_IP4,$TB_RECURSOR_IP6" --ref-label unbound-rec
		--mode reference)
fi

# --- the checks ---------------------------------------------------------------
status=0
timeout --foreground -k 5 "$case_limit" ip netns exec "$TB_NETNS" \
	python3 "$here/e2e.py" "$case_" --manifest "$TB_OUTDIR/manifest.tsv" \
	--report "$report" --deadline $((case_limit - 30)) "${args[@]}" \
	"${case_py[@]}" |
	tee "$report/output.txt"
status=${PIPESTATUS[0]}
[ "$status" -ne 124 ] || echo "FAIL: e2e.py ran past ${case_limit}s"

if [ -n "$pid" ]; then
	if ! kill -0 "$pid" 2>/dev/null; then
		tail -n 40 "$work/tw.log"
		fail "trustwire died during the checks"
	fi
	stop_trustwire
	if [ "$case_" = cache ] && [ -f "$report/cache-hits" ]; then
		want=$(cat "$report/cache-hits")
		hits=$(counter hits)
		if [ "${hits:-0}" -ge "$want" ]; then
			echo "CHECK final statistics hits: PASS hits=$hits (telemetry saw $want)"
		else
			echo "CHECK final statistics hits: FAIL hits=${hits:-none}, telemetry saw $want"
			status=1
		fi
	fi
	cp "$work/tw.log" "$report/trustwire.log"
fi
cp "$TB_STATE"/*.log "$report/" 2>/dev/null
echo "reports: $report"
[ "$status" -eq 0 ] || exit 1
echo "e2e $case_: OK"
