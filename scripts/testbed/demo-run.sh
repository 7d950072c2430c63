#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# demo-run.sh [--once] [--bin PATH] [--outdir DIR] [--hugepages] [--reference]
#
# The demo behind the README's first command (scripts/demo.sh), as root:
#   1. make the private signed hierarchy (make-zones.sh: own root, a TLD,
#      children signed with every algorithm, deliberately broken zones);
#   2. start the test bed (netns.sh up): namespaces and a veth pair, NSD
#      serving the zones, Unbound as the recursive upstream;
#   3. start trustwire on the veth end (DPDK net_af_packet, --no-huge or
#      2 MB hugepages with --hugepages, one lcore) with the private root's
#      key as trust anchor and the Unbound recursor as upstream; its
#      exception path (net_tap) gives the kernel TCP/53 (RFC 7766) and
#      the TCP fallback to the upstream;
#   4. ask it with dig: a validated answer (flags: ad), an unsigned one
#      (no ad) and a forgery it blocks (SERVFAIL, EDE 6 DNSSEC Bogus),
#      each with a short explanation;
#   5. keep serving (the exact dig command lines to try are printed) until
#      Ctrl-C, which stops trustwire and removes everything it made.
# --once: stop after step 4; exit status 0 only when all three answers
# are as described (the e2e suite runs it: tests/e2e, case 'demo').
# --bin: the trustwire binary (default build/app/trustwire/trustwire);
# --outdir: where the zones go (default build/testbed-demo).
# --reference: put the questions of step 4 to the test bed's Unbound
# reference (192.0.2.11) instead: checks the demo itself.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
once=0
bin=$root/build/app/trustwire/trustwire
outdir=$root/build/testbed-demo
huge=0
ref=0
while [ $# -gt 0 ]; do
	case $1 in
	--once) once=1 ;;
	--bin)
		bin=${2:?--bin PATH}
		shift
		;;
	--outdir)
		outdir=${2:?--outdir DIR}
		shift
		;;
	--hugepages) huge=1 ;;
	--reference) ref=1 ;;
	-h | --help)
		sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "demo-run.sh: unknown argument '$1' (see --help)" >&2
		exit 2
		;;
	esac
	shift
done

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
[ -t 1 ] || say() { printf '\n%s\n' "$*"; }
die() {
	echo "demo: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] ||
	die "needs root (network namespaces, a DPDK port): sudo bash scripts/demo.sh"
[ -x "$bin" ] || die "no trustwire binary at $bin (build: ninja -C build)"

name=twdemo$$
prefix=twdemo-$$
hdir=/run/twdemo-$$-huge
log=$(mktemp /tmp/twdemo-$$.XXXXXX.log)
pid=
bed=
hp=

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local rc=$?
	trap - INT TERM EXIT
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		echo
		echo "demo: stopping trustwire (pid $pid)"
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if [ -n "$pid" ]; then
		grep '^trustwire: stopping' "$log" | sed 's/^/  /'
		# The counters that tell the story (all of them: the log).
		grep '^total:' "$log" | tr ' ' '\n' | grep -E \
			'^(queries|hits|misses|secure|insecure|bogus|servfail|upstream_queries)=' |
			tr '\n' ' ' | sed 's/^/  counters: /; s/ $/\n/'
	fi
	if [ -n "$bed" ]; then
		bash "$here/netns.sh" down "$name" >/dev/null 2>&1 &&
			echo "demo: test bed $name removed (namespaces, NSD, Unbound)"
	fi
	if [ -n "$hp" ]; then
		bash "$root/scripts/hugepages.sh" down "$hdir" >/dev/null
	fi
	rm -rf "/var/run/dpdk/$prefix" "$log"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "1. The signed test hierarchy (scripts/testbed/make-zones.sh $outdir)"
bash "$here/make-zones.sh" "$outdir" || die "make-zones.sh failed"
outdir=$(cd "$outdir" && pwd)
echo "   trust anchor: $(cat "$outdir/trust-anchor.key")"

say "2. The test bed: namespaces $name and $name-tw, NSD, Unbound (scripts/testbed/netns.sh up $name)"
bed=1
bash "$here/netns.sh" up "$name" "$outdir" 2>&1 | sed 's/^/   /'
[ "${PIPESTATUS[0]}" -eq 0 ] || die "netns.sh up failed"
# shellcheck disable=SC1090
. "/run/trustwire-testbed/$name/env"
echo "   NSD $TB_NSD_IP4 (authoritative), Unbound $TB_RECURSOR_IP4 (recursive upstream)"

mem=(--no-huge)
if [ "$huge" -eq 1 ]; then
	bash "$root/scripts/hugepages.sh" up 64 "$hdir" | sed 's/^/   /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || die "hugepages.sh up failed"
	hp=1
	mem=(--huge-dir "$hdir" -m 128 --huge-unlink)
fi
twcmd=(ip netns exec "$TB_TW_NETNS" "$bin" "${mem[@]}" --no-pci -l 0
	--file-prefix "$prefix" --log-level=lib.eal:warning
	--vdev "net_af_packet0,iface=$TB_TW_IF" --
	--listen "$TB_TW_IP4/24" --listen "$TB_TW_IP6/64"
	--allow "$TB_TW_IP4/24" --allow "$TB_TW_IP6/64"
	--upstream "$TB_RECURSOR_IP4"
	--trust-anchor "$outdir/trust-anchor.key" --exception tap)
say "3. trustwire on the veth end $TB_TW_IF (DPDK net_af_packet), $TB_TW_IP4 and $TB_TW_IP6"
echo "   ${twcmd[*]}"
"${twcmd[@]}" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	grep -q "trustwire: running on" "$log" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "trustwire: running on" "$log"; then
	cat "$log"
	die "trustwire did not start"
fi
grep -E '^trustwire: (port|running)' "$log" | sed 's/^/   /'

client() { ip netns exec "$TB_NETNS" "$@"; }
ask=$TB_TW_IP4
if [ "$ref" -eq 1 ]; then
	ask=$TB_REFERENCE_IP4
	echo "   --reference: the questions go to Unbound at $ask, not trustwire"
fi

# The first answer needs the whole chain of trust fetched: allow a few
# seconds before showing anything.
for _ in $(seq 1 10); do
	client dig @"$ask" . SOA +time=1 +tries=1 >/dev/null 2>&1 && break
done

bad=0
# show TITLE QNAME WANT_STATUS WANT_AD WANT_EDE EXPLANATION
show() {
	local title=$1 qname=$2 status=$3 ad=$4 ede=$5 why=$6 out flags ok=1
	say "$title"
	echo "\$ dig @$ask $qname A +dnssec"
	out=$(client dig @"$ask" "$qname" A +dnssec +time=3 +tries=2 \
		+nocmd +nostats 2>&1)
	echo "$out" | grep -v '^$'
	flags=$(echo "$out" | sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p')
	echo "$out" | grep -q "status: $status," || ok=0
	case " $flags " in
	*" ad "*) [ "$ad" = yes ] || ok=0 ;;
	*) [ "$ad" = no ] || ok=0 ;;
	esac
	if [ -n "$ede" ]; then
		echo "$out" | grep -q "EDE: $ede " || ok=0
	fi
	if [ "$ok" -eq 1 ]; then
		echo "$why" | fold -s -w 76 | sed 's/^/=> /'
	else
		bad=$((bad + 1))
		echo "=> UNEXPECTED: wanted status $status, ad: $ad${ede:+, EDE $ede}"
	fi
}

say "4. Three questions to trustwire"
show "4a. A validated answer" www.ecdsa.test NOERROR yes "" \
	"flags include 'ad' (Authenticated Data): trustwire checked the RRSIG over www.ecdsa.test A with ecdsa.test's DNSKEY (ECDSA P-256), that key against the DS signed in test., test.'s key against the DS signed in the root, and the root key against trust-anchor.key (RFC 4035 sec. 5). The answer is passed on with its signature and marked secure."
show "4b. An unsigned answer" www.unsigned.test NOERROR no "" \
	"no 'ad': unsigned.test. has no DS in test., and test.'s signed NSEC3 proves that (RFC 5155 sec. 8.6): the zone is provably unsigned, so the answer is passed through as it came, insecure, never marked validated."
show "4c. A forgery, blocked" www.tampered.test SERVFAIL no 6 \
	"SERVFAIL with Extended DNS Error 6 'DNSSEC Bogus' (RFC 8914): the A record of www.tampered.test was changed after signing, as a spoofer or a poisoned cache would do; its RRSIG no longer verifies with the zone's key, so trustwire refuses it (RFC 4035 sec. 5.5) instead of handing the client a forged address."

if [ "$bad" -ne 0 ]; then
	echo
	echo "demo: $bad of 3 answers were not as described."
	grep -E '^(trustwire|total)' "$log" | tail -n 5
	[ "$once" -eq 1 ] && exit 1
fi
if [ "$once" -eq 1 ]; then
	echo
	echo "demo: --once: all three answers as described; cleaning up."
	exit 0
fi

say "5. trustwire keeps serving: ask it yourself (as root, in another terminal)"
try() { printf '   %-66s # %s\n' "$1" "$2"; }
x="ip netns exec $TB_NETNS dig"
try "$x @$TB_TW_IP4 www.ed25519.test A +dnssec" "secure, Ed25519"
try "$x @$TB_TW_IP6 www.rsa.test AAAA +dnssec" "secure, over IPv6"
try "$x @$TB_TW_IP4 www.rsasha1.test A +dnssec +tcp" "over TCP"
try "$x @$TB_TW_IP4 nx.nsec3.test A +dnssec" "NXDOMAIN proven by NSEC3: ad"
try "$x @$TB_TW_IP4 www.expired.test A +dnssec" "SERVFAIL, EDE 7 Signature Expired"
try "$x @$TB_TW_IP4 www.dsmismatch.test A +dnssec" "SERVFAIL, EDE 9 DNSKEY Missing"
try "$x @$TB_TW_IP4 www.tampered.test A +dnssec +cd" "CD=1: the data, unvalidated"
try "$x @$TB_REFERENCE_IP4 www.tampered.test A +dnssec" "Unbound (the reference) to compare"
try "echo /trustwire/stats | dpdk-telemetry.py -f $prefix" "live counters"
echo "   Every question the test bed knows, with its expected result:"
echo "   $outdir/manifest.tsv"
echo "Ctrl-C stops trustwire and removes the namespaces, NSD and Unbound."
# Wait for trustwire (it runs until a signal); Ctrl-C lands in the trap.
wait "$pid"
rc=$?
pid=
echo "demo: trustwire exited with status $rc"
tail -n 20 "$log"
exit "$rc"
