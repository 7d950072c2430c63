#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of scripts/bench-peers.sh (standard library only).

  bench-peers.py queries TESTBED HIT_BIN COLD_BIN COLD_N
      dnsperf input files in its binary format (-B: a 2-octet length,
      then the DNS message; dnsperf sets the ID): one for cache hits
      (names that exist in the signed test hierarchy), one of COLD_N names
      of bench.test. that no server has asked before. 30% of the queries
      have DO=1, all have EDNS (RFC 6891) with a 1232-octet buffer, RD=1.
  bench-peers.py cpu PID...        utime and stime of the processes (all
                                   their threads), in seconds
  bench-peers.py sched PID[:main]... on-CPU and run-queue wait time of
                                   every thread (/proc/PID/task/*/schedstat;
                                   PID:main: the main thread only), ms
  bench-peers.py snap PID          "utime stime on-CPU wait": the above
                                   in one line (s s ms ms)
  bench-peers.py window KEY PHASE N SNAP0 SNAP1
                                   per-answer figures of a window of N
                                   answers between two snaps, as
                                   KEY.PHASE_<figure>=value lines
  bench-peers.py tel PREFIX        trustwire's /trustwire/stats (DPDK
                                   telemetry socket), one JSON line
  bench-peers.py dnsperf FILE      sent, completed, lost, run time from
                                   dnsperf's statistics
  bench-peers.py latency FILE      p50/p99 from dnsperf -v per-query lines
  bench-peers.py report RESULTS    the table and the RESULT lines
"""

import json
import os
import random
import socket
import struct
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "testbed"))
import dnswire  # noqa: E402

DO_SHARE = 3  # out of 10 queries
COPIES = 10  # each hit question appears COPIES times: DO=0 and DO=1 both


def query(qname, qtype, do):
    _, wire = dnswire.build_query(qname, qtype, qid=0, rd=True, cd=False,
                                  do=do, bufsize=1232)
    return struct.pack("!H", len(wire)) + wire


def zones(testbed):
    """zones.tsv rows as dicts (columns: doc/testbed.md)."""
    with open(os.path.join(testbed, "zones.tsv")) as f:
        head = f.readline().lstrip("#").rstrip("\n").split("\t")
        return [dict(zip(head, line.rstrip("\n").split("\t")))
                for line in f if line.strip() and not line.startswith("#")]


def hit_questions(testbed):
    """www A/AAAA, mail A, ok A of every zone that is not broken (secure
    and insecure ones), plus ns.test. A: names that exist."""
    qs = [("ns.test.", "A")]
    for z in zones(testbed):
        if z["zone"] in (".", "test.", "bench.test.") or \
                z["breakage"] != "-":
            continue
        n = z["zone"]
        qs += [("www." + n, "A"), ("www." + n, "AAAA"), ("mail." + n, "A"),
               ("ok." + n, "A")]
    return qs


def cmd_queries(testbed, hit_bin, cold_bin, cold_n):
    cold_n = int(cold_n)
    qs = hit_questions(testbed) * COPIES
    random.Random(1).shuffle(qs)
    with open(hit_bin, "wb") as f:
        for i, (n, t) in enumerate(qs):
            f.write(query(n, t, i % 10 < DO_SHARE))
    have = 0
    for z in zones(testbed):
        if z["zone"] == "bench.test.":
            have = int(z["purpose"].split()[1])
    if have < cold_n:
        sys.stderr.write("bench.test. has %d names, %d wanted\n" %
                         (have, cold_n))
        return 1
    with open(cold_bin, "wb") as f:
        for i in range(cold_n):
            f.write(query("h%d.bench.test." % i, "A", i % 10 < DO_SHARE))
    print("queries: hit file %d questions (%d distinct x %d, %d%% DO=1), "
          "cold file %d names of bench.test." % (
              len(qs), len(qs) // COPIES, COPIES, DO_SHARE * 10, cold_n))
    return 0


def cmd_cpu(*pids):
    """utime stime (s): /proc/PID/stat fields 14 and 15 (utime, stime)
    count every thread of the process, live and exited (proc(5))."""
    hz = os.sysconf("SC_CLK_TCK")
    ut = st = 0
    for pid in pids:
        with open("/proc/%s/stat" % pid) as f:
            rest = f.read().rsplit(")", 1)[1].split()
        ut += int(rest[11])
        st += int(rest[12])
    print("%.2f %.2f" % (ut / hz, st / hz))
    return 0


def cmd_sched(*pids):
    """schedstat: ns on the CPU, ns waiting on a run queue, timeslices;
    per live thread (exited threads are not counted)."""
    run = wait = 0
    for arg in pids:
        pid, _, which = arg.partition(":")
        tids = [pid] if which == "main" else os.listdir("/proc/%s/task" % pid)
        for tid in tids:
            try:
                with open("/proc/%s/task/%s/schedstat" % (pid, tid)) as f:
                    v = f.read().split()
            except OSError:
                continue
            run += int(v[0])
            wait += int(v[1])
    print("%.3f %.3f" % (run / 1e6, wait / 1e6))
    return 0


def cmd_snap(pid):
    cmd_cpu(pid)
    cmd_sched(pid)
    return 0


def cmd_window(key, phase, n, s0, s1):
    """CPU time per answer from the scheduler's on-CPU time (schedstat,
    nanoseconds, every live thread); the kernel part from stime
    (/proc/PID/stat, clock ticks). Values in microseconds per answer."""
    a = [float(x) for x in s0.split()]
    b = [float(x) for x in s1.split()]
    n = int(n)
    if n <= 0:
        return 0
    out = {"cpu_us": (b[2] - a[2]) * 1e3 / n,
           "stime_us": (b[1] - a[1]) * 1e6 / n,
           "stat_cpu_s": (b[0] + b[1]) - (a[0] + a[1]),
           "oncpu_ms": b[2] - a[2],
           "runq_wait_ms": b[3] - a[3]}
    for k, v in out.items():
        print("%s.%s_%s=%.3f" % (key, phase, k, v))
    return 0


def cmd_tel(prefix):
    path = os.path.join("/var/run/dpdk", prefix, "dpdk_telemetry.v2")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    info = json.loads(s.recv(1024).decode())
    s.send(b"/trustwire/stats")
    reply = json.loads(s.recv(info.get("max_output_len", 16384)).decode())
    s.close()
    st = reply["/trustwire/stats"]
    st.pop("bogus_ede", None)
    print(json.dumps(st, sort_keys=True))
    return 0


def dnsperf_stats(path):
    out = {"sent": 0, "completed": 0, "lost": 0, "runtime": 0.0,
           "noerror": 0, "rcodes": ""}
    with open(path, errors="replace") as f:
        for line in f:
            w = line.split()
            if line.lstrip().startswith("Queries sent:"):
                out["sent"] = int(w[2])
            elif line.lstrip().startswith("Queries completed:"):
                out["completed"] = int(w[2])
            elif line.lstrip().startswith("Queries lost:"):
                out["lost"] = int(w[2])
            elif line.lstrip().startswith("Run time (s):"):
                out["runtime"] = float(w[3])
            elif line.lstrip().startswith("Response codes:"):
                # "Response codes: NOERROR 8 (100.00%), NXDOMAIN 1 (..)"
                codes = line.split(":", 1)[1].split(",")
                for c in codes:
                    f = c.split()
                    if len(f) >= 2:
                        out["rcodes"] += "%s%s:%s" % (
                            "," if out["rcodes"] else "", f[0], f[1])
                        if f[0] == "NOERROR":
                            out["noerror"] = int(f[1])
    return out


def cmd_dnsperf(path):
    s = dnsperf_stats(path)
    print("sent=%d completed=%d lost=%d runtime=%.6f noerror=%d rcodes=%s"
          % (s["sent"], s["completed"], s["lost"], s["runtime"],
             s["noerror"], s["rcodes"] or "-"))
    return 0


def percentile(sorted_vals, p):
    """Nearest-rank percentile (p in 0..100)."""
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1,
                   int(-(-p * len(sorted_vals) // 100)) - 1))
    return sorted_vals[k]


def cmd_latency(path):
    """dnsperf -v prints '> RCODE <query> LATENCY_SECONDS' per answer."""
    lat = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("> "):
                try:
                    lat.append(float(line.split()[-1]) * 1e6)
                except ValueError:
                    pass
    lat.sort()
    print("n=%d p50_us=%.1f p99_us=%.1f max_us=%.1f" % (
        len(lat), percentile(lat, 50), percentile(lat, 99),
        lat[-1] if lat else float("nan")))
    return 0


# ------------------------------------------------------------------ report

def load(path):
    r = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                r[k] = v
    return r


def num(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None


def fmt(v, spec="%.2f", na="-"):
    return na if v is None else spec % v


def cmd_report(path):
    r = load(path)
    hz = num(r, "tsc_hz")
    # trustwire on the veth end, measured as the peers are (CPU time of
    # the process per answer, and its kernel part), and by its own
    # counters (worker busy TSC cycles per answer). The ratio column
    # divides by the ring harness (tw-gen: the DPDK path with no kernel
    # in it) when there is a figure, else by trustwire's CPU time on
    # af_packet.
    gen = num(r, "gen.cycles_per_query")

    def us(cyc):
        return None if cyc is None or not hz else cyc / hz * 1e6

    def cyc(us_):
        return None if us_ is None or not hz else us_ * hz / 1e6

    tw_cpu = cyc(num(r, "tw.hit_cpu_us"))
    if gen:
        ref, ref_name = gen, "trustwire ring harness (tw-gen)"
    else:
        ref, ref_name = tw_cpu, "trustwire af_packet CPU time"

    def ratio(c):
        if c is None or not ref:
            return "-"
        return "%.0fx" % (c / ref) if c / ref >= 10 else "%.1fx" % (c / ref)

    def us_row(label, key_us, p50=None, p99=None, aps=None, cold=None):
        u = num(r, key_us)
        return (label, u, cyc(u), ratio(cyc(u)),
                num(r, p50) if p50 else None, num(r, p99) if p99 else None,
                num(r, aps) if aps else None, num(r, cold) if cold else None)

    def cyc_row(label, key_cyc, p50=None, p99=None):
        c = num(r, key_cyc)
        return (label, us(c), c, ratio(c), num(r, p50) if p50 else None,
                num(r, p99) if p99 else None, None, None)

    rows = [us_row("trustwire af_packet, CPU time", "tw.hit_cpu_us",
                   "tw.p50_us", "tw.p99_us", "tw.cold_aps",
                   "tw.cold_cpu_us"),
            cyc_row("  worker busy (its TSC counters)",
                    "tw.hit_worker_cycles"),
            us_row("  kernel part (stime)", "tw.hit_stime_us",
                   cold="tw.cold_stime_us")]
    if gen is not None:
        rows.append(cyc_row("trustwire ring harness (tw-gen)",
                            "gen.cycles_per_query"))
    for key, label in (("unbound", "unbound %s (cache, 1 thread)" %
                        r.get("unbound.version", "")),
                       ("dnsdist", "dnsdist %s (packet cache)" %
                        r.get("dnsdist.version", ""))):
        rows.append(us_row(label, key + ".hit_cpu_us", key + ".p50_us",
                           key + ".p99_us", key + ".cold_aps",
                           key + ".cold_cpu_us"))

    head = ("server", "hit us/q", "hit cycles", "vs tw", "p50 us",
            "p99 us", "cold ans/s", "cold CPU us/ans")
    w0 = max(len(h[0]) for h in rows + [head])
    line = "%-*s %8s %10s %6s %7s %7s %10s %15s"
    print(line % ((w0,) + head))
    for row in rows:
        print(line % (w0, row[0], fmt(row[1], "%.3f"), fmt(row[2], "%.0f"),
                      row[3], fmt(row[4], "%.0f"), fmt(row[5], "%.0f"),
                      fmt(row[6], "%.0f"), fmt(row[7], "%.1f")))
    if gen is None:
        print("%-*s %s" % (w0, "trustwire ring harness (tw-gen)",
                           r.get("gen.note", "n/a (tw-gen not built)")))
    print("vs tw: hit cycles / %s hit cycles (same run)." % ref_name)
    # Machine-readable lines for scripts/bench.sh.
    print("RESULT peers tsc_hz=%s tsc_source=%s mode=%s load=%s" % (
        r.get("tsc_hz", "n/a"), r.get("tsc_source", "n/a").replace(" ", "_"),
        r.get("mode", "?"), r.get("load", "?").replace(" ", ",")))
    for name, pre in (("trustwire", "tw"), ("unbound", "unbound"),
                      ("dnsdist", "dnsdist")):
        keys = [k for k in sorted(r) if k.startswith(pre + ".")]
        print("RESULT peers server=%s %s" % (name, " ".join(
            "%s=%s" % (k.split(".", 1)[1], r[k]) for k in keys
            if " " not in r[k])))
    print("RESULT peers server=tw-gen cycles_per_query=%s" % (
        r.get("gen.cycles_per_query", "n/a")))
    return 0


def main(argv):
    cmds = {"queries": cmd_queries, "cpu": cmd_cpu, "sched": cmd_sched,
            "snap": cmd_snap, "window": cmd_window, "tel": cmd_tel,
            "dnsperf": cmd_dnsperf, "latency": cmd_latency,
            "report": cmd_report}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    return cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
