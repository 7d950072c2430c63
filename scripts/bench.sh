#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# All of trustwire's performance figures in one run (issue 5), printed as
# one table at the end; the raw logs stay in the report directory.
#
#   1. hit path: tw-gen --mode hit on one lcore (the hit path and the
#      bounce floor in the same process, bytes per cached entry), then
#      with trustwire's loop on a second lcore, then on one lcore with
#      an index of 32768 entries (the default index's TLB misses), with
#      names of varied lengths (--name-pad 24), then with the client port
#      as a NIC with checksum offloads (--nic-csum);
#   2. miss path: tw-gen --mode miss for RSASHA256-2048, ECDSAP256SHA256
#      and ED25519, batched (IPsec-MB hashing) and scalar (OpenSSL only),
#      each beside `openssl speed` verify/s measured in the same run;
#   3. instructions per hit (callgrind), when scripts/callgrind-hit.sh
#      exists;
#   4. the peers: scripts/bench-peers.sh (Unbound, dnsdist, trustwire
#      over veth + net_af_packet, dnsperf as the client).
# Method and figures: doc/performance.md. Benchmarks, not tests: nothing
# here asserts a timing; a wrong answer (tw-gen's checker) fails the run.
#
# usage: scripts/bench.sh [--quick] [--report DIR]
#   --quick    small sizes and short phases (about 2 minutes): a smoke
#              run of the whole pipeline, not figures to quote
# Needs root (DPDK, hugepages, network namespaces) and a built tree
# (it runs meson/ninja on ./build itself). Bounded: under 10 minutes here.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
report=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--report)
		report=$2
		shift
		;;
	-h | --help)
		sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "bench.sh: unknown argument '$1' (see --help)" >&2
		exit 2
		;;
	esac
	shift
done
if [ "$(id -u)" -ne 0 ]; then
	echo "bench.sh: needs root (DPDK ports, hugepages, namespaces)" >&2
	exit 77
fi

if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
ninja -C build >/dev/null
gen=build/app/tw-gen/tw-gen
[ -x "$gen" ] || {
	echo "bench.sh: $gen was not built (DPDK missing?)" >&2
	exit 1
}

report=${report:-$(mktemp -d /tmp/tw-bench.XXXXXX)}
mkdir -p "$report"
huge=/run/tw-bench-huge-$$
prefix=twb$$
started=$(date +%s)

cleanup() {
	bash scripts/hugepages.sh down "$huge" >/dev/null 2>&1 || true
	rm -rf "/var/run/dpdk/$prefix"-* 2>/dev/null || true
}
trap cleanup EXIT

# 2 MB pages: 512 MB for the 2^20-entry cache index, the mempool and the
# zone; fall back to --no-huge (about 3x per packet, TLB) and say so.
if bash scripts/hugepages.sh up 256 "$huge" >/dev/null 2>&1; then
	mem="--huge-dir $huge -m 500 --huge-unlink"
	memnote="2 MB hugepages"
else
	mem="--no-huge -m 1024"
	memnote="--no-huge (no hugepages could be reserved: figures ~3x worse)"
fi
eal() { # eal PREFIX LCORES
	echo "$mem --no-pci --file-prefix $prefix-$1 -l $2"
}

if [ "$quick" -eq 1 ]; then
	hit_args="--names 2000 --seconds 1 --floor-seconds 1 --templates 8192"
	miss_names_rsa=500
	miss_names=1000
	miss_rounds_rsa=2
	miss_rounds=1
	ossl=1
	peers_args="--quick"
else
	hit_args="--seconds 5"
	miss_names_rsa=4000
	miss_names=10000
	# Passes over the names (caches flushed between them): RSA's 3,200
	# measured answers take 0.08 s, too short a window on a shared host.
	miss_rounds_rsa=6
	miss_rounds=2
	ossl=3
	peers_args=""
fi

rc=0
run() { # run NAME TIMEOUT CMD...: log to $report/NAME.log
	local name=$1 limit=$2
	shift 2
	echo "bench.sh: $name" >&2
	if ! timeout -k 10 "$limit" "$@" >"$report/$name.log" 2>&1; then
		echo "bench.sh: $name FAILED (log: $report/$name.log)" >&2
		tail -n 5 "$report/$name.log" >&2
		rc=1
	fi
}

# shellcheck disable=SC2046,SC2086
{
	run hit1 150 "$gen" $(eal hit1 0) -- --mode hit $hit_args
	run hit2 150 "$gen" $(eal hit2 0-1) -- --mode hit --lcores 2 $hit_args
	# The same with an index of 32768 entries (1.2 MB instead of 37.8):
	# what the default index's TLB misses cost on this machine.
	run hitsmall 150 "$gen" $(eal hitsmall 0) -- --mode hit $hit_args \
		--cache-entries 32768 --floor-seconds 0
	# Names of varied lengths (n<i> plus up to 25 octets): what tw-gen's
	# short, similar names leave out of the first row.
	run hitpad 150 "$gen" $(eal hitpad 0) -- --mode hit $hit_args \
		--name-pad 24 --floor-seconds 0
	run hitnic 150 "$gen" $(eal hitnic 0) -- --mode hit --nic-csum $hit_args \
		--floor-seconds 0
	for alg in 8 13 15; do
		n=$miss_names
		rounds=$miss_rounds
		[ "$alg" = 8 ] && n=$miss_names_rsa rounds=$miss_rounds_rsa
		for crypto in auto openssl; do
			run "miss-$alg-$crypto" 240 "$gen" $(eal "m$alg$crypto" 0) \
				-- --mode miss --alg "$alg" --crypto "$crypto" \
				--names "$n" --miss-rounds "$rounds" \
				--openssl-seconds "$ossl"
		done
	done
}
if [ -x scripts/callgrind-hit.sh ] || [ -f scripts/callgrind-hit.sh ]; then
	run callgrind 240 bash scripts/callgrind-hit.sh
fi
# The peers script runs tw-gen too (its ring-harness row): same pages.
# shellcheck disable=SC2086
TW_GEN_ARGS="$(eal peersgen 0) -- --mode hit $hit_args" \
	run peers 420 bash scripts/bench-peers.sh $peers_args

elapsed=$(($(date +%s) - started))
python3 - "$report" "$memnote" "$elapsed" "$quick" <<'EOF'
import glob, os, re, sys

report, memnote, elapsed, quick = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


def results(name):
    """RESULT lines of one log as dicts (key=value pairs)."""
    out = []
    try:
        with open(os.path.join(report, name + ".log")) as f:
            for line in f:
                if line.startswith("RESULT "):
                    out.append(dict(re.findall(r"(\w+)=(\S+)", line)))
    except OSError:
        pass
    return out


def first(name, **want):
    for r in results(name):
        if all(r.get(k) == v for k, v in want.items()):
            return r
    return {}


def f(v, fmt="%.1f"):
    try:
        return fmt % float(v)
    except (TypeError, ValueError):
        return "n/a"


def pct(r, key):
    """A ratio of a RESULT line as a percentage."""
    return f(float(r[key]) * 100) if r.get(key) else "n/a"


rows = []
for lc in ("1", "2"):
    name = "hit" + lc
    h = first(name, mode="hit_vs_floor")
    w = first(name, mode="warm")
    if not h:
        h = first(name, mode="hit")
    rows.append(("hit path, %s lcore(s)" % lc,
                 "%s cycles/query (floor %s), %s M q/s per lcore" % (
                     f(h.get("cycles_per_query")), f(h.get("floor_cycles")),
                     f(float(h["qps_per_lcore"]) / 1e6, "%.2f")
                     if h.get("qps_per_lcore") else "n/a"),
                 "target <= 215 cycles, >= 12 M q/s"))
    if lc == "1":
        n = first("hitnic", mode="hit")
        rows.append(("hit path, NIC checksum offloads",
                     "%s cycles/query, %s M q/s per lcore (emulated: "
                     "tw-gen --nic-csum)" % (
                         f(n.get("cycles_per_query")),
                         f(float(n["qps_per_lcore"]) / 1e6, "%.2f")
                         if n.get("qps_per_lcore") else "n/a"),
                     "target <= 215 cycles"))
        sm = first("hitsmall", mode="hit")
        rows.append(("hit path, index of 32768 entries",
                     "%s cycles/query (1.2 MB index instead of 37.8 MB: "
                     "the default index's TLB misses, doc/performance.md "
                     "seventh round)" % f(sm.get("cycles_per_query")),
                     "diagnostic"))
        pd = first("hitpad", mode="hit")
        pw = first("hitpad", mode="warm")
        rows.append(("hit path, names of varied lengths",
                     "%s cycles/query, %s bytes per cached entry "
                     "(tw-gen --name-pad 24: n<i> and 0-25 octets more)" % (
                         f(pd.get("cycles_per_query")),
                         f(pw.get("bytes_per_entry"))),
                     "diagnostic"))
        rows.append(("bytes per cached entry",
                     "%s (index slot %s + blob %s)" % (
                         f(w.get("bytes_per_entry")),
                         f(w.get("index_bytes_per_slot")),
                         f(w.get("blob_bytes_per_entry"))), ""))
rows.append(("worker scaling 1..N",
             "not measured: 2 vCPUs (one worker + the generator), "
             "net_ring has no RSS", ""))
names = {"8": "RSASHA256-2048", "13": "ECDSAP256SHA256", "15": "ED25519"}
for alg in ("8", "13", "15"):
    a = first("miss-%s-auto" % alg, mode="miss")
    s = first("miss-%s-openssl" % alg, mode="miss")
    # Every role on the one lcore (the worker's share of both packets
    # included), and in brackets the validator's cycles alone: a
    # validator lcore of a deployment with separate worker lcores.
    rows.append(("miss path %s" % names[alg],
                 "batched %s/s = %s%% (%s%%) of openssl speed %s/s, "
                 "median pass %s%%; scalar %s/s = %s%% (%s%%), median "
                 "pass %s%%; %s answers in %s passes; median pass "
                 "against OpenSSL's verify/s in-process before it: %s%% "
                 "(%s/s)" % (
                     f(a.get("validated_per_s_lcore"), "%.0f"),
                     pct(a, "ratio_lcore"), pct(a, "ratio_validator"),
                     f(a.get("openssl_verify_per_s"), "%.0f"),
                     pct(a, "ratio_lcore_pass_median"),
                     f(s.get("validated_per_s_lcore"), "%.0f"),
                     pct(s, "ratio_lcore"), pct(s, "ratio_validator"),
                     pct(s, "ratio_lcore_pass_median"),
                     a.get("queries", "?"), a.get("passes", "1"),
                     pct(a, "ratio_pass_median"),
                     f(a.get("evp_verify_per_s_median"), "%.0f")),
                 "target >= 85%; (validator cycles only)"))
cg = results("callgrind")
if cg:
    rows.append(("instructions per hit (callgrind)",
                 cg[-1].get("instructions_per_hit", "n/a"), ""))
# Peers: server-core time per cache hit against the ring harness's hit
# cost (cycles at the TSC rate bench-peers.sh found), p50/p99 at 20k q/s,
# cold-cache validated answers/s.
peers = {r["server"]: r for r in results("peers") if "server" in r}
hz = None
for r in results("peers"):
    if "tsc_hz" in r:
        hz = float(r["tsc_hz"])
ring = first("hit1", mode="hit_vs_floor").get("cycles_per_query")
for name in ("trustwire", "unbound", "dnsdist"):
    p = peers.get(name)
    if not p:
        continue
    us = p.get("hit_cpu_us")
    ratio = "n/a"
    if us and hz and ring:
        ratio = "%.0fx the ring harness's hit cost" % (
            float(us) * hz / 1e6 / float(ring))
    label = {"trustwire": "trustwire (veth + af_packet)"}.get(name, name)
    rows.append(("peers: " + label,
                 "hit %s us/query (%s); p50 %s us, p99 %s us at 20k q/s; "
                 "cold %s validated answers/s" % (
                     f(us, "%.2f"), ratio, f(p.get("p50_us"), "%.0f"),
                     f(p.get("p99_us"), "%.0f"),
                     f(p.get("cold_aps"), "%.0f")),
                 "hit >= 50x; cold >= 1.5x unbound"
                 if name == "unbound" else ""))

w1 = max(len(r[0]) for r in rows)
print()
print("trustwire benchmarks (%s; %s; %s s%s)" % (
    os.uname().nodename, memnote, elapsed, ", --quick" if quick == "1" else ""))
try:
    print("load average: %s" % open("/proc/loadavg").read().split()[0:3])
except OSError:
    pass
for name, val, target in rows:
    print("%-*s  %s%s" % (w1, name, val, ("   [" + target + "]") if target else ""))
print("logs: %s" % report)
EOF
# The peers' own table, as it printed it.
if [ -f "$report/peers.log" ]; then
	echo
	sed -n '/^server /,/^$/p' "$report/peers.log"
fi
exit "$rc"
