#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench-peers.sh [--quick] [--bin TRUSTWIRE] [--gen TW_GEN] [--workdir DIR]
#                [--tw-config FILE]
#
# trustwire side by side with Unbound and dnsdist (Debian packages), in
# one run, with the same query files and dnsperf as the client
# (doc/performance.md, "Side by side with peers"). Root only.
#
#   cache hits   each server warmed with one pass over the hit file, then
#                dnsperf for a fixed time; the server's CPU time in that
#                window only, per answer: on-CPU time of every thread
#                (/proc/PID/task/*/schedstat) and its kernel part (stime,
#                /proc/PID/stat); for trustwire also its own counters
#                (worker busy TSC cycles per answer);
#   latency      p50 / p99 at a fixed 20k qps (dnsperf -Q 20000 -v);
#   cold cache   answers/s and server CPU per validated answer: trustwire
#                and Unbound as a validating forwarder, both fresh, over
#                the same prewarmed Unbound recursor, with names of
#                bench.test. that no server has cached.
# Where: the test bed of scripts/testbed/netns.sh (namespaces bpeers<pid>
# and bpeers<pid>-tw): NSD; an Unbound recursor over it at 192.0.2.20 (the
# upstream of every server here); Unbound (127.0.0.1:5301) and dnsdist
# (127.0.0.1:5302) on the servers' namespace loopback; trustwire on the
# veth end (net_af_packet) at 192.0.2.2. Servers on CPU 0, dnsperf on
# CPU 1 (when there are two). One server at a time.
#
# --quick: short windows, 1000 cold names (about a minute; the 'bench'
# meson suite's smoke test). --bin: trustwire (default build/app/trustwire/
# trustwire). --gen: tw-gen for the ring-harness figure (default
# build/app/tw-gen/tw-gen; "n/a" when absent; not run with --quick).
# --workdir: zones (WORKDIR/testbed) and reports (default build/bench-peers).
# --tw-config: a trustwire YAML config (e.g. "idle: { sleep_max_us: 0 }"
# on a dedicated core).
# Output: one table, then "RESULT peers ..." lines for scripts/bench.sh.
# Exit: 0 every server answered; 1 one did not (or a step failed); 77 not
# root or a tool missing (the reason is printed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tb=$here/testbed
export PYTHONDONTWRITEBYTECODE=1
py() { python3 "$here/bench-peers.py" "$@"; }

quick=0
bin=$root/build/app/trustwire/trustwire
gen=$root/build/app/tw-gen/tw-gen
workdir=$root/build/bench-peers
tw_config=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--bin)
		bin=${2:?--bin PATH}
		shift
		;;
	--gen)
		gen=${2:?--gen PATH}
		shift
		;;
	--workdir)
		workdir=${2:?--workdir DIR}
		shift
		;;
	--tw-config)
		tw_config=$(realpath "${2:?--tw-config FILE}")
		shift
		;;
	*)
		sed -n '3,37p' "$0" | sed 's/^# \{0,1\}//' >&2
		exit 2
		;;
	esac
	shift
done

# Sizes. The bench zone is made once per workdir (make-zones.sh stamp).
bench_names=20000
if [ "$quick" -eq 1 ]; then
	hit_s=2 lat_s=1 cold_n=1000 tw_duration=150
else
	hit_s=10 lat_s=5 cold_n=10000 tw_duration=400
fi
lat_qps=20000

skip() {
	echo "SKIP: $*"
	exit 77
}
die() {
	echo "bench-peers: FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, DPDK ports)"
for t in ip nsd unbound dnsdist dnsperf dig taskset python3 ldns-signzone \
	dnssec-signzone; do
	command -v "$t" >/dev/null || skip "'$t' not installed (scripts/setup.sh)"
done
[ -x "$bin" ] || skip "no trustwire binary at $bin (ninja -C build)"
bin=$(realpath "$bin")
if ! ls /usr/lib/*/dpdk/pmds-*/librte_net_af_packet.so* >/dev/null 2>&1 &&
	! ldd "$bin" | grep -q af_packet; then
	skip "DPDK's net_af_packet PMD is not installed (package dpdk)"
fi
probe=bpeersprobe$$
ip netns add "$probe" 2>/dev/null || skip "cannot create a network namespace"
if ! ip -n "$probe" link add bpa type veth peer name bpb 2>/dev/null; then
	ip netns del "$probe"
	skip "veth interfaces are not available"
fi
ip netns del "$probe"

name=bpeers$$
prefix=bpeers-$$
hdir=/run/bpeers-huge-$$
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
work=$(mktemp -d /tmp/bpeers.XXXXXX)
run=$work/run
mkdir -p "$run"
report=$workdir/report
rm -rf "$report"
mkdir -p "$report"
res=$report/results.txt
: >"$res"
twpid=
bed=
hp=

cleanup() {
	local rc=$?
	set +e
	if [ -n "$twpid" ] && kill -0 "$twpid" 2>/dev/null; then
		kill -TERM "$twpid" 2>/dev/null
		for _ in $(seq 1 50); do
			kill -0 "$twpid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$twpid" 2>/dev/null
		wait "$twpid" 2>/dev/null
	fi
	# shellcheck source=scripts/testbed/lib.sh
	. "$tb/lib.sh"
	tb_stop_all "$run"
	if [ -n "$bed" ]; then
		bash "$tb/netns.sh" down "$name" >/dev/null 2>&1 ||
			echo "bench-peers: netns.sh down $name failed" >&2
	fi
	if [ -n "$hp" ]; then
		bash "$here/hugepages.sh" down "$hdir" >/dev/null ||
			echo "bench-peers: hugepages.sh down $hdir failed" >&2
	fi
	rm -rf "/var/run/dpdk/$prefix" "/var/run/dpdk/$prefix-gen" "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

put() { echo "$1=$2" >>"$res"; }
say() { echo "bench-peers: [${SECONDS}s] $*"; }

# CPU placement: servers on CPU 0 (trustwire: -l 0), the client on CPU 1.
srv_cpu=0 cli_cpu=0
[ "$(nproc)" -ge 2 ] && cli_cpu=1

say "$(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)$([ "$quick" -eq 1 ] && echo ', --quick')"
put mode "$([ "$quick" -eq 1 ] && echo quick || echo full)"
put date "$(date -u +%FT%TZ)"
put load "$(cut -d' ' -f1-3 /proc/loadavg)"
put unbound.version "$(unbound -V | sed -n 's/^Version //p')"
put dnsdist.version "$(dnsdist --version | awk 'NR == 1 {print $2}')"

# --- TSC frequency (trustwire's counters are TSC cycles) -------------------
tsc_mhz=$(dmesg 2>/dev/null | sed -n 's/.*Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -n 1)
tsc_src="dmesg (refined calibration)"
if [ -z "$tsc_mhz" ]; then
	tsc_mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | tail -n 1)
	tsc_src="dmesg (tsc: Detected)"
fi
if [ -z "$tsc_mhz" ] && command -v cc >/dev/null; then
	# rdtsc against CLOCK_MONOTONIC over 200 ms.
	cat >"$work/tsc.c" <<'EOF'
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>
int main(void)
{
	struct timespec a, b, d = { 0, 200000000 };
	unsigned long long t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = __rdtsc();
	nanosleep(&d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	t1 = __rdtsc();
	printf("%.3f\n", (double)(t1 - t0) /
		((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3));
	return 0;
}
EOF
	if cc -O2 -o "$work/tsc" "$work/tsc.c" 2>/dev/null; then
		tsc_mhz=$("$work/tsc")
		tsc_src="rdtsc vs CLOCK_MONOTONIC over 200 ms"
	fi
fi
if [ -z "$tsc_mhz" ]; then
	tsc_mhz=$(awk -F: '/^cpu MHz/ {print $2 + 0; exit}' /proc/cpuinfo)
	tsc_src="/proc/cpuinfo cpu MHz"
fi
tsc_hz=$(awk -v m="$tsc_mhz" 'BEGIN {printf "%.0f", m * 1e6}')
put tsc_hz "$tsc_hz"
put tsc_source "$tsc_src"
say "TSC $tsc_mhz MHz ($tsc_src)"

# --- zones, query files, test bed -------------------------------------------
outdir=$workdir/testbed
# Exported: netns.sh runs make-zones.sh again, which must find the same
# zones up to date (the stamp includes the bench zone's size).
export TW_TESTBED_BENCH_NAMES=$bench_names
bash "$tb/make-zones.sh" "$outdir" |
	sed 's/^/  /'
hitq=$work/hit.bin coldq=$work/cold.bin
py queries "$outdir" "$hitq" "$coldq" "$cold_n" | sed 's/^/  /'

bed=1
bash "$tb/netns.sh" up "$name" "$outdir" >"$report/netns.log" 2>&1 || {
	cat "$report/netns.log"
	die "netns.sh up $name"
}
# shellcheck disable=SC1090
. "/run/trustwire-testbed/$name/env"
# shellcheck source=scripts/testbed/lib.sh
. "$tb/lib.sh"
ns=$TB_NETNS
inns() { ip netns exec "$ns" "$@"; }

# The upstream of every server here: an Unbound recursor over NSD like the
# test bed's (same generated config) with caches big enough for every
# bench name, on an address of its own.
up4=192.0.2.20
ip -n "$ns" addr add "$up4/24" dev "$TB_SRV_IF"
big_cache() {
	printf 'server:\n\tmsg-cache-size: 128m\n\trrset-cache-size: 256m\n'
	printf '\tkey-cache-size: 16m\n\tverbosity: 0\n'
}
{
	tb_unbound_conf recursor "$outdir" "$run" upstream "$up4" 53
	big_cache
} >"$run/upstream.conf"
tb_unbound_start "$run/upstream.conf" "$run" upstream "$ns"
# The Unbound under test: validating forwarder to that upstream.
{
	tb_unbound_conf forwarder "$outdir" "$run" unbound 127.0.0.1 5301 \
		"$up4@53"
	big_cache
} >"$run/unbound.conf"
say "test bed $name up: NSD $TB_NSD_IP4, upstream Unbound recursor $up4"

pid_of() { IFS=$'\t' read -r p _ <"$run/$1.proc" && echo "$p"; }
pin() { taskset -a -pc "$srv_cpu" "$1" >/dev/null; }
dp() {
	# dp LABEL SERVER PORT DNSPERF_ARGS...: dnsperf on the client CPU in
	# the servers' namespace, output in the report directory.
	local label=$1 server=$2 port=$3
	shift 3
	inns taskset -c "$cli_cpu" dnsperf -B -s "$server" -p "$port" "$@" \
		>"$report/dnsperf-$label.txt" 2>&1 ||
		die "dnsperf $label failed: $(tail -n 3 "$report/dnsperf-$label.txt")"
}
dpstat() { py dnsperf "$report/dnsperf-$1.txt"; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
cpu() { py cpu "$@"; }
# tel KEY: a counter from trustwire's telemetry JSON on stdin.
telk() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.6f", a - b}'; }
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "nan"; else printf "%.6f", a / b}'; }

tsum() { awk '{print $1 + $2}'; }

say "prewarming the upstream with every name of both files"
dp prewarm-cold "$up4" 53 -d "$coldq" -n 1 -q 100 -t 5
dp prewarm-hit "$up4" 53 -d "$hitq" -n 1 -q 20 -t 5
upstream_pid=$(pid_of upstream)

# --- measurement steps, the same for every server ---------------------------
# CPU time of a server in a window: on-CPU time from the scheduler
# (/proc/PID/task/*/schedstat, ns) of every thread, and the kernel part
# (stime, /proc/PID/stat); bench-peers.py window writes them per answer.
snap() { py snap "$1"; }

# cold KEY ADDR PORT PID: the cold file once; answers/s, CPU per answer.
cold() {
	local key=$1 addr=$2 port=$3 pid=$4 c0 c1 s n
	c0=$(snap "$pid")
	dp "cold-$key" "$addr" "$port" -d "$coldq" -n 1 -q 100 -t 3
	c1=$(snap "$pid")
	s=$(dpstat "cold-$key")
	n=$(field completed <<<"$s")
	put "$key.cold_answers" "$n"
	put "$key.cold_noerror" "$(field noerror <<<"$s")"
	[ "$(field noerror <<<"$s")" -eq "$n" ] ||
		die "$key: cold answers not all NOERROR: $s"
	put "$key.cold_aps" "$(fdiv "$n" "$(field runtime <<<"$s")")"
	py window "$key" cold "$n" "$c0" "$c1" >>"$res"
	echo "$s cpu_us_per_answer=$(sed -n "s/^$key.cold_cpu_us=//p" "$res")"
}

# validated ADDR PORT LABEL: a bench name is NOERROR with its A record
# and AD (RFC 4035 3.2.3): the cold answers were validated data.
validated() {
	local out
	out=$(inns dig @"$1" -p "$2" h1.bench.test A +dnssec +time=2 +tries=2)
	if ! grep -q 'status: NOERROR' <<<"$out" ||
		! grep -q 'flags:.* ad' <<<"$out" ||
		! grep -qE '^h1\.bench\.test\..*IN[[:space:]]+A[[:space:]]+198\.18\.0\.1$' <<<"$out"; then
		die "$3: h1.bench.test A is not NOERROR + AD + 198.18.0.1: $out"
	fi
}

# warm KEY ADDR PORT: one pass over the hit file.
warm() { dp "warm-$1" "$2" "$3" -d "$hitq" -n 1 -q 20 -t 3; }

# hit KEY ADDR PORT PID: the measured window of cache hits.
hit() {
	local key=$1 addr=$2 port=$3 pid=$4 c0 c1 u0 u1 s n
	c0=$(snap "$pid")
	u0=$(snap "$upstream_pid")
	dp "hit-$key" "$addr" "$port" -d "$hitq" -l "$hit_s" -q 100 -t 2
	c1=$(snap "$pid")
	u1=$(snap "$upstream_pid")
	s=$(dpstat "hit-$key")
	n=$(field completed <<<"$s")
	[ "${n:-0}" -gt 0 ] || die "$key answered no query in the hit window"
	[ "$(field noerror <<<"$s")" -eq "$n" ] ||
		die "$key: hit answers not all NOERROR: $s"
	put "$key.hit_answers" "$n"
	put "$key.hit_qps" "$(fdiv "$n" "$(field runtime <<<"$s")")"
	py window "$key" hit "$n" "$c0" "$c1" >>"$res"
	# The upstream must have had (almost) nothing to do: hits only.
	py window "$key" hit_upstream "$n" "$u0" "$u1" | grep oncpu_ms >>"$res"
	echo "$s cpu_us_per_answer=$(sed -n "s/^$key.hit_cpu_us=//p" "$res") runq_wait_ms=$(sed -n "s/^$key.hit_runq_wait_ms=//p" "$res")"
}

# latency KEY ADDR PORT: fixed rate, one line per answer (-v).
latency() {
	local key=$1 addr=$2 port=$3 l s
	dp "lat-$key" "$addr" "$port" -d "$hitq" -l "$lat_s" -Q "$lat_qps" \
		-q 200 -t 2 -v
	l=$(py latency "$report/dnsperf-lat-$key.txt")
	s=$(dpstat "lat-$key")
	put "$key.p50_us" "$(field p50_us <<<"$l")"
	put "$key.p99_us" "$(field p99_us <<<"$l")"
	put "$key.lat_answers" "$(field completed <<<"$s")"
	put "$key.lat_lost" "$(field lost <<<"$s")"
	# The per-answer lines are large; keep the statistics only.
	grep -v '^> ' "$report/dnsperf-lat-$key.txt" >"$work/lat" || true
	mv "$work/lat" "$report/dnsperf-lat-$key.txt"
	echo "$l lost=$(field lost <<<"$s")"
}

# --- trustwire -----------------------------------------------------------------
mem=(--no-huge)
memnote="--no-huge (hugepages.sh up failed: see $report/hugepages.log)"
if bash "$here/hugepages.sh" up 64 "$hdir" >"$report/hugepages.log" 2>&1; then
	hp=1
	mem=(--huge-dir "$hdir" -m 128 --huge-unlink)
	memnote="64 x 2 MB hugepages at $hdir"
fi
put tw.memory "$([ -n "$hp" ] && echo hugepages || echo no-huge)"
tw_conf=()
[ -z "$tw_config" ] || tw_conf=(-c "$tw_config")

# tw_start LABEL [OPTIONS...]: trustwire on the veth end; returns when it
# answers (ARP towards the upstream and the chain of trust down to test.
# are fetched then, as Unbound does on its first query).
twlog=
tw_start() {
	local label=$1
	shift
	twlog=$report/trustwire-$label.log
	ip netns exec "$TB_TW_NETNS" "$bin" "${mem[@]}" --no-pci -l "$srv_cpu" \
		--file-prefix "$prefix" --log-level=lib.eal:warning \
		--vdev "net_af_packet0,iface=$TB_TW_IF" -- "$@" \
		--listen "$TB_TW_IP4/24" --upstream "$up4" \
		--trust-anchor "$outdir/trust-anchor.key" \
		--duration "$tw_duration" >"$twlog" 2>&1 &
	twpid=$!
	for _ in $(seq 1 100); do
		grep -q "trustwire: running on" "$twlog" && break
		kill -0 "$twpid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "trustwire: running on" "$twlog" || {
		tail -n 30 "$twlog"
		die "trustwire did not start"
	}
	inns dig @"$TB_TW_IP4" test. SOA +time=2 +tries=3 >/dev/null ||
		die "trustwire does not answer"
}
# tw_stop: SIGTERM; exit status 0 and the final statistics required.
tw_stop() {
	local rc=0
	kill -TERM "$twpid"
	wait "$twpid" || rc=$?
	twpid=
	[ "$rc" -eq 0 ] || die "trustwire exit status $rc after SIGTERM ($twlog)"
	grep -q '^total:' "$twlog" || die "trustwire printed no final statistics"
	grep '^total:' "$twlog" | tr ' ' '\n' |
		grep -E '^(hits|misses|secure|insecure|bogus|servfail|busy_cycles|worker_cycles|validator_cycles)=' |
		tr '\n' ' ' | sed 's/^/    final: /; s/ $/\n/'
}
tw_tel() { py tel "$prefix"; }
# twd KEY: a counter's change between the telemetry JSON in $t0 and $t1.
twd() { fsub "$(telk "$1" <<<"$t1")" "$(telk "$1" <<<"$t0")"; }

say "trustwire: $TB_TW_IP4 on $TB_TW_NETNS/$TB_TW_IF (net_af_packet), lcore $srv_cpu, $memnote"
say "trustwire: cold cache, cache hits, latency"
tw_start tw "${tw_conf[@]}"
t0=$(tw_tel)
s=$(cold tw "$TB_TW_IP4" 53 "$twpid")
t1=$(tw_tel)
n=$(sed -n 's/^tw.cold_answers=//p' "$res")
put tw.cold_secure "$(twd secure | cut -d. -f1)"
put tw.cold_busy_us "$(fdiv "$(fdiv "$(twd busy_cycles)" "$tsc_hz")" "$(fdiv "$n" 1e6)")"
put tw.cold_validator_us "$(fdiv "$(fdiv "$(twd validator_cycles)" "$tsc_hz")" "$(fdiv "$n" 1e6)")"
say "  cold:    $s secure=$(twd secure | cut -d. -f1)"
validated "$TB_TW_IP4" 53 trustwire
warm tw "$TB_TW_IP4" 53
t0=$(tw_tel)
s=$(hit tw "$TB_TW_IP4" 53 "$twpid")
t1=$(tw_tel)
n=$(sed -n 's/^tw.hit_answers=//p' "$res")
put tw.hit_worker_cycles "$(fdiv "$(twd worker_cycles)" "$n")"
put tw.hit_busy_cycles "$(fdiv "$(twd busy_cycles)" "$n")"
put tw.hit_hits "$(twd hits | cut -d. -f1)"
put tw.hit_misses "$(twd misses | cut -d. -f1)"
put tw.hit_idle_sleeps "$(twd idle_sleeps | cut -d. -f1)"
# The counters are TSC (wall) time: a turn during which another process
# had the CPU counts that time too (the run-queue wait in the report).
say "  hits:    $s hits=$(twd hits | cut -d. -f1) misses=$(twd misses | cut -d. -f1) idle_sleeps=$(twd idle_sleeps | cut -d. -f1) worker_cycles/answer=$(sed -n 's/^tw.hit_worker_cycles=//p' "$res")"
say "  latency: $(latency tw "$TB_TW_IP4" 53)"
tw_stop

# --- Unbound: validating forwarder, started fresh --------------------------------
say "unbound: validating forwarder to $up4 on 127.0.0.1:5301, num-threads 1, fresh"
tb_unbound_start "$run/unbound.conf" "$run" unbound "$ns"
upid=$(pid_of unbound)
pin "$upid"
inns dig @127.0.0.1 -p 5301 test. SOA +time=2 +tries=3 >/dev/null ||
	die "Unbound does not answer"
say "  cold:    $(cold unbound 127.0.0.1 5301 "$upid")"
validated 127.0.0.1 5301 Unbound
warm unbound 127.0.0.1 5301
say "  hits:    $(hit unbound 127.0.0.1 5301 "$upid")"
say "  latency: $(latency unbound 127.0.0.1 5301)"
tb_stop "$run" unbound

# --- dnsdist -----------------------------------------------------------------------
say "dnsdist: packet cache, one UDP listener on 127.0.0.1:5302, backend $up4"
{
	echo '-- dnsdist for bench-peers.sh: one UDP listener, a packet cache,'
	echo '-- the upstream of the bench as the one backend.'
	echo 'setLocal("127.0.0.1:5302", {reusePort=false})'
	echo 'setACL({"0.0.0.0/0", "::/0"})'
	echo "newServer({address=\"$up4:53\", checkName=\"test.\", checkInterval=60})"
	echo 'pc = newPacketCache(100000, {maxTTL=86400, minTTL=0})'
	echo 'getPool(""):setCache(pc)'
	echo 'controlSocket("127.0.0.1:5399")'
	echo "setKey(\"$(head -c 32 /dev/urandom | base64)\")"
	echo 'setSecurityPollSuffix("")'
} >"$run/dnsdist.conf"
tb_spawn "$run" dnsdist "$ns" dnsdist --supervised --disable-syslog \
	-C "$run/dnsdist.conf"
ddpid=$(pid_of dnsdist)
for _ in $(seq 1 50); do
	inns dig @127.0.0.1 -p 5302 test. SOA +time=1 +tries=1 >/dev/null 2>&1 &&
		break
	sleep 0.2
done
inns dig @127.0.0.1 -p 5302 test. SOA +time=2 +tries=2 >/dev/null || {
	cat "$run/dnsdist.out"
	die "dnsdist does not answer"
}
pin "$ddpid"
ddstat() {
	inns dnsdist -C "$run/dnsdist.conf" -c -e 'dumpStats()' 2>/dev/null |
		awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'
}
warm dnsdist 127.0.0.1 5302
s=$(hit dnsdist 127.0.0.1 5302 "$ddpid")
put dnsdist.cache_hits "$(ddstat cache-hits)"
put dnsdist.cache_misses "$(ddstat cache-misses)"
say "  hits:    $s cache-hits=$(ddstat cache-hits) cache-misses=$(ddstat cache-misses) (since start)"
say "  latency: $(latency dnsdist 127.0.0.1 5302)"
tb_stop "$run" dnsdist

# --- the ring harness (tw-gen), if built ---------------------------------------
if [ "$quick" -eq 1 ]; then
	put gen.note "n/a (not run with --quick)"
elif [ -x "$gen" ]; then
	say "ring harness: $gen --mode hit"
	# tw-gen is built separately (app/tw-gen); TW_GEN_ARGS overrides.
	read -r -a gargs <<<"${TW_GEN_ARGS:---no-huge -m 1024 --no-pci -l $srv_cpu --file-prefix $prefix-gen -- --mode hit}"
	timeout -k 5 240 "$gen" "${gargs[@]}" >"$report/tw-gen.log" 2>&1 || true
	g=$(sed -n 's/^RESULT .*cycles_per_query=\([0-9.]*\).*/\1/p' \
		"$report/tw-gen.log" | tail -n 1)
	if [ -n "$g" ]; then
		put gen.cycles_per_query "$g"
	else
		put gen.note "n/a (tw-gen gave no RESULT line: $report/tw-gen.log)"
	fi
else
	put gen.note "n/a (tw-gen not built)"
fi

put load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "bench-peers: $(grep '^date=' "$res" | cut -d= -f2), load $(grep '^load=' "$res" | cut -d= -f2) -> $(cut -d' ' -f1-3 /proc/loadavg), TSC $tsc_mhz MHz ($tsc_src), trustwire memory: $memnote"
py report "$res" | tee "$report/table.txt"
echo "reports: $report"

# Every server must have answered (the smoke test's only assertion).
for k in tw.cold_answers unbound.cold_answers tw.hit_answers \
	unbound.hit_answers dnsdist.hit_answers tw.lat_answers \
	unbound.lat_answers dnsdist.lat_answers; do
	v=$(grep "^$k=" "$res" | cut -d= -f2)
	[ "${v:-0}" -gt 0 ] || die "$k=${v:-none}: a server did not answer"
done
echo "bench-peers: OK (every server answered)"
