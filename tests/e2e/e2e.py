#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""End-to-end checks of a validating DNS proxy in the test bed.

usage: e2e.py CASE [options]     (run by tests/e2e/e2e.sh, inside the
                                  client namespace of scripts/testbed/netns.sh)

The TARGET is the resolver under test (trustwire at 192.0.2.2 /
2001:db8::2, or with --mode reference the test bed's Unbound reference,
to validate this harness). The REFERENCE is the validator it is compared
with (Unbound as a validating forwarder at 192.0.2.11; in reference mode
the validating Unbound recursor at 192.0.2.10, so the comparison is
still between two processes).

Cases (each run on a fresh test bed, so every cache starts cold):
  transport   dig and kdig over IPv4/IPv6 x UDP/TCP: AD on a secure
              answer, none on an unsigned one, SERVFAIL + EDE 6 on a
              forgery, AD on a signed NXDOMAIN
  validation  every manifest question (RD=1 CD=0 DO=1) against the
              manifest: secure -> AD, insecure -> no AD, bogus ->
              SERVFAIL + the manifest's EDE, NXDOMAIN/NODATA proofs
  agreement   every manifest question to TARGET and REFERENCE, cold
              (IPv4) then warm (IPv6): rcode and AD must agree
  cache       the second identical question is a hit (telemetry
              counters) and the same answer
  cd          CD=1 (RFC 4035 sec. 3.2.2): data, unvalidated, also for
              bogus names; rcode and AD as the reference says
  do          DO=0 / no EDNS clients (RFC 4035 sec. 3.2.1, RFC 6840
              sec. 5.7): no RRSIGs, AD only when asked, as the reference

Every check prints one line "CHECK <name>: PASS|FAIL|SKIP <detail>",
the case ends with "e2e <case>: N passed, N failed, N skipped".
Exit status 1 when any check failed. Standard library only; DNS wire
handling from scripts/testbed/dnswire.py.
"""

import argparse
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "testbed"))
import dnswire  # noqa: E402

T_RRSIG = dnswire.TYPES["RRSIG"]
T_NSEC = dnswire.TYPES["NSEC"]
T_NSEC3 = dnswire.TYPES["NSEC3"]
T_CNAME = dnswire.TYPES["CNAME"]
T_DNAME = dnswire.TYPES["DNAME"]
T_OPT = dnswire.TYPES["OPT"]

# Where Unbound 1.17 (the reference) gives another EDE than the manifest,
# as documented in doc/testbed.md ("Where Unbound 1.17.1 says something
# else"): tolerated only in --mode reference, where the target is Unbound.
UNBOUND_EDE = {
    ("12", "6"): "Unbound: 'nameerror proof failed' is EDE 6",
    ("27", "-"): "Unbound 1.17 predates EDE 27",
    ("1", "-"): "Unbound adds no EDE to insecure answers",
    ("2", "-"): "Unbound adds no EDE to insecure answers",
}


class Checks:
    """Collects check results; one line per check."""

    def __init__(self, case):
        self.case = case
        self.n = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def report(self, name, verdict, detail=""):
        self.n[verdict] += 1
        print("CHECK %s: %s %s" % (name, verdict, detail), flush=True)

    def ok(self, name, cond, detail=""):
        self.report(name, "PASS" if cond else "FAIL", detail)
        return cond

    def summary(self):
        print("e2e %s: %d passed, %d failed, %d skipped" % (
            self.case, self.n["PASS"], self.n["FAIL"], self.n["SKIP"]))
        return 1 if self.n["FAIL"] else 0


class Answer:
    """What a resolver said to one question (or why it said nothing)."""

    def __init__(self, msg=None, error=None, transport="udp"):
        self.msg = msg
        self.error = error
        self.transport = transport

    @property
    def rcode(self):
        return self.msg.rcode_name() if self.msg else "ERROR"

    @property
    def ad(self):
        return bool(self.msg and self.msg.flags & dnswire.FLAG_AD)

    @property
    def ede(self):
        if not self.msg or not self.msg.ede:
            return "-"
        return ",".join(str(c) for c, _ in self.msg.ede)

    @property
    def ede_text(self):
        if not self.msg:
            return self.error or ""
        return "; ".join(t for _, t in self.msg.ede if t)

    def status(self):
        """secure / insecure / bogus as a client sees it."""
        if not self.msg:
            return "error"
        if self.msg.rcode == 2:
            return "bogus"
        return "secure" if self.ad else "insecure"

    def rrs(self, section, rtype=None):
        if not self.msg:
            return []
        return [rr for rr in self.msg.sections[section]
                if rtype is None or rr[1] == rtype]

    def rdata_set(self, rtype):
        """The answer section's RRs of rtype as (owner, rdata) (no TTL)."""
        return sorted((rr[0].lower(), bytes(self.msg.wire[rr[4]:rr[4] + rr[5]]))
                      for rr in self.rrs(0, rtype))

    def short(self):
        if not self.msg:
            return "no answer (%s)" % self.error
        return "%s%s EDE %s" % (self.rcode, " AD" if self.ad else "",
                                self.ede)


def no_edns_query(qname, qtype, qid, rd=True, ad=False, cd=False):
    """A query without an OPT record (a pre-EDNS client)."""
    flags = (dnswire.FLAG_RD if rd else 0) | \
        (dnswire.FLAG_AD if ad else 0) | (dnswire.FLAG_CD if cd else 0)
    return struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 0) + \
        dnswire.name_to_wire(qname) + \
        struct.pack("!HH", dnswire.type_value(qtype), 1)


class Resolver:
    """One resolver (addresses per family) as a client talks to it.

    Bounded: after the case's deadline, or once MAX_SILENT questions in a
    row went unanswered by one resolver (it is down or answers nothing),
    no more questions are sent and every further ask() returns "not
    asked" at once, so a broken target fails the case in seconds, with
    its tables printed, rather than timing out question by question."""

    MAX_SILENT = 8
    deadline = None
    abort = None

    def __init__(self, label, addr4, addr6, timeout, tries):
        self.silent = 0
        self.label = label
        self.addr = {4: addr4, 6: addr6}
        self.timeout = timeout
        self.tries = tries

    def ask(self, qname, qtype, **kw):
        if Resolver.abort:
            return Answer(None, "not asked: " + Resolver.abort)
        if Resolver.deadline and time.monotonic() > Resolver.deadline:
            Resolver.abort = "case deadline passed"
            print("ABORT: %s: the remaining questions are not asked" %
                  Resolver.abort, flush=True)
            return Answer(None, "not asked: " + Resolver.abort)
        a = self._ask(qname, qtype, **kw)
        if a.msg or a.error.startswith(("wrong ID", "question")):
            self.silent = 0
        else:
            self.silent += 1
            if self.silent >= Resolver.MAX_SILENT:
                Resolver.abort = "%s: %d questions in a row unanswered " \
                    "(last: %s)" % (self.label, self.silent, a.error)
                print("ABORT: %s: the remaining questions are not asked" %
                      Resolver.abort, flush=True)
        return a

    def _ask(self, qname, qtype, fam=4, tcp=False, rd=True, cd=False,
            do=True, ad=False, edns=True, bufsize=1232):
        """Asks like a stub (dig's defaults: RD=1, EDNS 1232); over UDP
        with a TCP retry on TC=1 (RFC 7766 sec. 5), or TCP only."""
        server = self.addr[fam]
        qid = int.from_bytes(os.urandom(2), "big")
        if edns:
            _, wire = dnswire.build_query(qname, qtype, qid=qid, rd=rd,
                                          cd=cd, do=do, ad=ad,
                                          bufsize=bufsize)
        else:
            wire = no_edns_query(qname, qtype, qid, rd=rd, ad=ad, cd=cd)
        transport = "tcp" if tcp else "udp"
        try:
            if tcp:
                data = dnswire.query_tcp(server, 53, wire, self.timeout)
            else:
                data = udp_exchange(server, wire, self.timeout, self.tries)
                if len(data) >= 4 and data[2] & 0x02:
                    transport = "udp>tcp"
                    data = dnswire.query_tcp(server, 53, wire, self.timeout)
            msg = dnswire.Message(data)
        except (OSError, dnswire.ParseError) as e:
            return Answer(None, "%s over %s: %s" % (server, transport,
                                                    e or type(e).__name__),
                          transport)
        if msg.id != qid or not msg.flags & dnswire.FLAG_QR:
            return Answer(None, "wrong ID or QR=0", transport)
        if not msg.question or msg.question[0][0].lower() != \
                (qname.rstrip(".") + ".").lower():
            return Answer(None, "question not echoed", transport)
        return Answer(msg, None, transport)


def udp_exchange(server, wire, timeout, tries):
    """dnswire.query_udp without its question-matching shortcut on
    answers without OPT; ID and question are checked by the caller."""
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect((server, 53))
        for attempt in range(tries):
            s.send(wire)
            try:
                while True:
                    data = s.recv(65535)
                    if len(data) >= 12 and data[:2] == wire[:2]:
                        return data
            except socket.timeout:
                if attempt == tries - 1:
                    raise socket.timeout("no answer in %d x %.1f s" % (
                        tries, timeout))
    raise socket.timeout("no answer")


def read_manifest(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            qname, qtype, status, ede, rcode, comment = \
                line.rstrip("\n").split("\t")
            rows.append({"qname": qname, "qtype": qtype, "status": status,
                         "ede": ede, "rcode": rcode, "comment": comment})
    return rows


TEL_CLIENT = None


def telemetry(prefix):
    """trustwire's /trustwire/stats (DPDK telemetry): dpdk-telemetry.py
    when installed (dpdk-dev), else tests/app/tel_query.py."""
    global TEL_CLIENT
    cmd = "/trustwire/stats"
    client = "/usr/bin/dpdk-telemetry.py"
    if os.access(client, os.X_OK):
        TEL_CLIENT = "%s -f %s" % (client, prefix)
        out = subprocess.run([client, "-f", prefix], input=cmd + "\n",
                             capture_output=True, text=True, timeout=10)
    else:
        TEL_CLIENT = "tests/app/tel_query.py %s (no dpdk-dev)" % prefix
        out = subprocess.run([sys.executable, os.path.join(
            HERE, "..", "app", "tel_query.py"), prefix, cmd],
            capture_output=True, text=True, timeout=10)
    for line in out.stdout.splitlines():
        line = line.strip()
        if line.startswith("{") and cmd in line:
            return json.loads(line)[cmd]
    raise OSError("no telemetry from prefix %s: %s %s" % (
        prefix, out.stdout.strip(), out.stderr.strip()))


def preflight(checks, target):
    """The target must answer at all: else every DNS check would time out
    one by one. Retries for up to 10 s (servers warming up)."""
    deadline = time.monotonic() + 10
    while True:
        a = target._ask(".", "SOA")
        if a.msg:
            checks.ok("preflight", True, "%s answers (. SOA: %s)" % (
                target.label, a.short()))
            return True
        if time.monotonic() > deadline:
            checks.ok("preflight", False, "%s answers no DNS query: %s" %
                      (target.label, a.error))
            return False
        time.sleep(0.5)


# ---------------------------------------------------------------- transport

def dig_run(tool, server, qname, qtype, tcp, timeout):
    """dig or kdig with DO=1; returns (rcode, flags set, EDE codes, answer
    lines, raw output) from their text output."""
    if tool == "dig":
        cmd = ["dig", "@" + server, qname, qtype, "+dnssec", "+time=%d" %
               timeout, "+tries=1", "+tcp" if tcp else "+notcp"]
        hdr = re.compile(r"status: (\w+)")
        flg = re.compile(r"^;; flags: ([a-z ]*);", re.M)
    else:
        cmd = ["kdig", "@" + server, qname, qtype, "+dnssec",
               "+timeout=%d" % timeout, "+retry=0",
               "+tcp" if tcp else "+notcp"]
        hdr = re.compile(r"status: (\w+)")
        flg = re.compile(r"^;; Flags: ([a-z ]*);", re.M)
    try:
        out = subprocess.run(cmd, capture_output=True, text=True,
                             timeout=timeout * 3 + 5)
        text = out.stdout + out.stderr
    except subprocess.TimeoutExpired:
        return None, set(), [], [], "%s: timed out" % " ".join(cmd)
    m = hdr.search(text)
    f = flg.search(text)
    if not m or not f:
        return None, set(), [], [], (text.strip().splitlines() or [""])[-1]
    edes = re.findall(r"EDE: (\d+)", text)
    answers = [ln for ln in text.splitlines()
               if ln and not ln.startswith(";") and
               ("\t%s\t" % qtype) in ln]
    return m.group(1), set(f.group(1).split()), edes, answers, ""


def case_transport(checks, target, ref, args):
    """dig and kdig, each family and transport. The zones' data is known:
    www.ecdsa.test A is 192.0.2.N (signed, ECDSA), www.unsigned.test A
    (no DS: insecure), www.tampered.test A (rdata changed after signing:
    bogus, EDE 6), nx.ecdsa.test A (NXDOMAIN, NSEC proof)."""
    cases = [
        ("www.ecdsa.test", "A", "NOERROR", True, None, True),
        ("www.unsigned.test", "A", "NOERROR", False, None, True),
        ("www.tampered.test", "A", "SERVFAIL", False, "6", False),
        ("nx.ecdsa.test", "A", "NXDOMAIN", True, None, False),
    ]
    runs = [("dig", 4, False), ("dig", 4, True), ("dig", 6, False),
            ("dig", 6, True), ("kdig", 4, False), ("kdig", 6, True)]
    table = []
    for tool, fam, tcp in runs:
        for qname, qtype, rcode, ad, ede, data in cases:
            server = target.addr[fam]
            got, flags, edes, answers, err = dig_run(tool, server, qname,
                                                     qtype, tcp, 2)
            tr = "tcp" if tcp else "udp"
            name = "transport %s v%d/%s %s %s" % (tool, fam, tr, qname,
                                                  qtype)
            problems = []
            if got is None:
                problems.append("no answer: %s" % err)
            else:
                if got != rcode:
                    problems.append("status %s, want %s" % (got, rcode))
                if ("ad" in flags) != ad:
                    problems.append("ad %s, want %s" % (
                        "set" if "ad" in flags else "clear",
                        "set" if ad else "clear"))
                if ede and ede not in edes:
                    problems.append("EDE %s, want %s" % (
                        ",".join(edes) or "none", ede))
                if data and not answers:
                    problems.append("no %s record in the answer" % qtype)
                if not data and answers:
                    problems.append("unexpected %s data" % qtype)
            shown = "%s %s%s" % (got or "-", "ad" if "ad" in flags else
                                 "no-ad", " EDE " + ",".join(edes)
                                 if edes else "")
            checks.ok(name, not problems, "; ".join(problems) or shown)
            table.append((tool, "v%d/%s" % (fam, tr), qname, shown,
                          "ok" if not problems else "FAIL"))
    print("\n%-5s %-7s %-20s %-28s %s" % ("tool", "via", "question",
                                         "answer", "verdict"))
    for row in table:
        print("%-5s %-7s %-20s %-28s %s" % row)
    print()
    formerr_checks(checks, target, ref)


def opt_rr(options=b"", bufsize=1232):
    """An OPT RR (RFC 6891 6.1.2): root owner, TYPE 41, CLASS the UDP
    size, TTL 0 (version 0, DO clear), the options as given."""
    return b"\x00" + struct.pack("!HHIH", 41, bufsize, 0, len(options)) + \
        options


def formerr_checks(checks, target, ref):
    """Queries whose question is fine and whose OPT RR is not get
    FORMERR with the ID and the question echoed: two OPT RRs (RFC 6891
    6.1.1: "a FORMERR (RCODE=1) MUST be returned"), an OPT RR whose owner
    is not the root (6.1.2: MUST be 0), an option running past the OPT
    RR's rdata. The FORMERR is not cached: the same question asked
    properly right after gets its answer. The reference's answer is shown
    beside ours (not compared: validators differ on the last two)."""
    qname = "www.ecdsa.test"
    bad = [
        ("two OPT RRs", 2, opt_rr() + opt_rr()),
        ("OPT RR not owned by the root", 1,
         dnswire.name_to_wire("x") + opt_rr()[1:]),
        ("option past the rdata", 1, opt_rr(struct.pack("!HH", 65001, 9) +
                                            b"\x00" * 4)),
    ]
    for fam in (4, 6):
        for what, arcount, additional in bad:
            qid = int.from_bytes(os.urandom(2), "big")
            wire = struct.pack("!HHHHHH", qid, dnswire.FLAG_RD, 1, 0, 0,
                               arcount) + dnswire.name_to_wire(qname) + \
                struct.pack("!HH", 1, 1) + additional
            name = "formerr v%d %s" % (fam, what)
            got, shown = [], {}
            for r in (target, ref):
                try:
                    msg = dnswire.Message(udp_exchange(r.addr[fam], wire,
                                                       2.0, 2))
                    shown[r.label] = msg.rcode_name()
                    got.append(msg)
                except (OSError, dnswire.ParseError) as e:
                    shown[r.label] = "no answer (%s)" % (e or
                                                         type(e).__name__)
                    got.append(None)
            a = got[0]
            problems = []
            if a is None:
                problems.append("no answer")
            else:
                if a.rcode_name() != "FORMERR":
                    problems.append("%s, want FORMERR" % a.rcode_name())
                if a.id != qid or not a.flags & dnswire.FLAG_QR:
                    problems.append("wrong ID or QR=0")
                if not a.question or \
                        a.question[0][0].lower() != qname + ".":
                    problems.append("question not echoed")
                if a.answer:
                    problems.append("answer RRs in a FORMERR")
            checks.ok(name, not problems, "; ".join(problems) or
                      "%s (%s: %s)" % (shown[target.label], ref.label,
                                       shown[ref.label]))
        a = target.ask(qname, "A", fam=fam)
        checks.ok("formerr v%d then the same question well formed" % fam,
                  a.msg is not None and a.rcode == "NOERROR" and
                  bool(a.rrs(0, 1)), a.short())


# --------------------------------------------------------------- validation

def known_ede_difference(args, want, got):
    if args.mode != "reference":
        return None
    return UNBOUND_EDE.get((want, got))


def is_nodata(ans, row):
    """NOERROR without an RR of the question's type (nor a CNAME/DNAME
    chain to follow): a NODATA answer (RFC 2308 sec. 2.2)."""
    if not ans.msg or ans.rcode != "NOERROR" or row["qtype"] == "ANY":
        return False
    qt = dnswire.type_value(row["qtype"])
    return not any(rr[1] in (qt, T_CNAME, T_DNAME)
                   for rr in ans.rrs(0))


def case_validation(checks, target, ref, args):
    rows = read_manifest(args.manifest)
    results = []
    for row in rows:
        results.append((row, target.ask(row["qname"], row["qtype"])))
    report = []
    groups = {"secure": [], "insecure": [], "bogus": [], "bogus-ede": [],
              "insecure-ede": [], "nxdomain": [], "nodata": [],
              "proofs": []}
    for row, ans in results:
        key = "%s %s" % (row["qname"], row["qtype"])
        st = row["status"]
        problems = []
        if not ans.msg:
            problems.append(ans.error)
        elif st in ("secure", "insecure"):
            if ans.rcode != row["rcode"]:
                problems.append("rcode %s, want %s" % (ans.rcode,
                                                       row["rcode"]))
            if ans.ad != (st == "secure"):
                problems.append("AD %d, want %d" % (ans.ad, st == "secure"))
        else:
            if ans.rcode != "SERVFAIL":
                problems.append("rcode %s, want SERVFAIL" % ans.rcode)
            if ans.ad:
                problems.append("AD set on SERVFAIL")
            if ans.rrs(0):
                problems.append("%d answer RRs on a bogus answer" %
                                len(ans.rrs(0)))
        groups[st].append((key, problems, ans))
        # EDE (RFC 8914 sec. 4): the manifest's code for bogus answers,
        # and the informative codes on insecure ones (1, 2, 27).
        if ans.msg and (row["ede"] != "-" or st == "bogus"):
            codes = ans.ede.split(",")
            eprob = []
            known = None
            if row["ede"] not in codes:
                known = known_ede_difference(args, row["ede"], ans.ede)
                if not known:
                    eprob.append("EDE %s, want %s (%s)" % (
                        ans.ede, row["ede"], ans.ede_text))
            groups["bogus-ede" if st == "bogus" else "insecure-ede"].append(
                (key, eprob, ans, known))
        if ans.msg and st == "secure" and row["rcode"] == "NXDOMAIN":
            groups["nxdomain"].append((key, problems, ans))
        if ans.msg and st == "secure" and is_nodata(ans, row):
            groups["nodata"].append((key, problems, ans))
        # DO=1: the proofs of a signed negative answer are passed on
        # (RFC 4035 sec. 3.1.3), signed.
        if ans.msg and st == "secure" and (
                row["rcode"] == "NXDOMAIN" or is_nodata(ans, row)):
            auth = ans.rrs(1)
            have = [rr for rr in auth if rr[1] in (T_NSEC, T_NSEC3)]
            sigs = [rr for rr in auth if rr[1] == T_RRSIG]
            pp = [] if have and sigs else [
                "no NSEC/NSEC3 + RRSIG in the authority section"]
            groups["proofs"].append((key, pp, ans))
        report.append((row, ans, problems))

    def summarise(name, what, items):
        """items: (key, problems, answer[, known EDE difference])"""
        bad = [(i[0], i[1]) for i in items if i[1]]
        known = [(i[0], i[3]) for i in items if len(i) > 3 and i[3]]
        detail = "%d/%d %s" % (len(items) - len(bad), len(items), what)
        if known:
            detail += " (%d known Unbound EDE differences)" % len(known)
        checks.ok(name, not bad and items != [], detail)
        for k, p in bad:
            print("    %s: %s" % (k, "; ".join(p)))
        for k, why in known:
            print("    known: %s: %s" % (k, why))

    summarise("secure answers carry AD", "secure: rcode as manifest, AD=1",
              groups["secure"])
    summarise("insecure answers carry no AD",
              "insecure: rcode as manifest, AD=0", groups["insecure"])
    summarise("forgeries are SERVFAIL", "bogus: SERVFAIL, AD=0, no data",
              groups["bogus"])
    summarise("forgeries carry the manifest's EDE",
              "bogus: EDE as manifest (6/7/8/9/10/12)", groups["bogus-ede"])
    summarise("insecure EDE (RFC 8914 1/2/27)",
              "insecure with an EDE in the manifest", groups["insecure-ede"])
    summarise("NXDOMAIN proofs validate", "secure NXDOMAIN with AD",
              groups["nxdomain"])
    summarise("NODATA proofs validate", "secure NODATA with AD",
              groups["nodata"])
    summarise("denial proofs passed on", "signed NSEC/NSEC3 in authority",
              groups["proofs"])
    if args.report:
        with open(os.path.join(args.report, "validation.tsv"), "w") as f:
            f.write("#qname\tqtype\texpected\trcode\tgot\tede_expected\t"
                    "ede\tproblems\tede_text\n")
            for row, ans, problems in report:
                f.write("\t".join([row["qname"], row["qtype"], row["status"],
                                   ans.rcode, ans.status(), row["ede"],
                                   ans.ede, "; ".join(problems) or "ok",
                                   ans.ede_text]) + "\n")


# ---------------------------------------------------------------- agreement

def agreement_pass(checks, target, ref, args, rows, fam, label):
    """Asks TARGET then REFERENCE each question; compares rcode and AD.
    Prints the table (manifest category x agree/disagree)."""
    cats = ["secure", "insecure", "bogus"]
    table = {c: [0, 0] for c in cats}
    rc_ad = {c: [0, 0] for c in cats}   # rcode agrees, AD agrees
    disagreements = []
    ede_diffs = 0
    lines = []
    for row in rows:
        a = target.ask(row["qname"], row["qtype"], fam=fam)
        b = ref.ask(row["qname"], row["qtype"], fam=fam)
        agree = a.msg is not None and b.msg is not None and \
            a.rcode == b.rcode and a.ad == b.ad
        table[row["status"]][0 if agree else 1] += 1
        if a.msg is not None and b.msg is not None:
            rc_ad[row["status"]][0] += a.rcode == b.rcode
            rc_ad[row["status"]][1] += a.ad == b.ad
        if a.msg and b.msg and a.ede != b.ede:
            ede_diffs += 1
        if not agree:
            disagreements.append((row, a, b))
        lines.append((row, a, b, agree))
    print("\nagreement %s: %s vs %s, rcode and AD, query by query" % (
        label, target.label, ref.label))
    fmt = "%-10s %9s %11s %8s %6s %9s"
    print(fmt % ("category", "questions", "rcode-agree", "AD-agree",
                 "agree", "disagree"))
    for c in cats:
        print(fmt % (c, sum(table[c]), rc_ad[c][0], rc_ad[c][1],
                     table[c][0], table[c][1]))
    tot_a = sum(v[0] for v in table.values())
    tot_d = sum(v[1] for v in table.values())
    print(fmt % ("total", len(rows), sum(v[0] for v in rc_ad.values()),
                 sum(v[1] for v in rc_ad.values()), tot_a, tot_d))
    if ede_diffs:
        print("EDE differs on %d answers (not part of the agreement; the "
              "validation case checks EDEs against the manifest):" %
              ede_diffs)
        pairs = {}
        for row, a, b, _ in lines:
            if a.msg and b.msg and a.ede != b.ede:
                k = (row["status"], a.ede, b.ede)
                pairs[k] = pairs.get(k, 0) + 1
        for (st, ea, eb), n in sorted(pairs.items()):
            print("  %3d %-8s %s EDE %s, %s EDE %s" % (
                n, st, target.label, ea, ref.label, eb))
    for row, a, b in disagreements:
        print("  DISAGREE %s %s (manifest %s %s): %s says %s; %s says %s" % (
            row["qname"], row["qtype"], row["status"], row["rcode"],
            target.label, a.short(), ref.label, b.short()))
    print()
    checks.ok("agreement %s" % label, tot_d == 0 and tot_a == len(rows),
              "%d/%d questions agree (%s)" % (tot_a, len(rows), ", ".join(
                  "%s %d/%d" % (c, table[c][0], sum(table[c]))
                  for c in cats)))
    if args.report:
        with open(os.path.join(args.report, "agreement-%s.tsv" % label),
                  "w") as f:
            f.write("#qname\tqtype\tmanifest\t%s\t%s\tverdict\t"
                    "ede_target\tede_reference\n" % (target.label, ref.label))
            for row, a, b, agree in lines:
                f.write("\t".join([
                    row["qname"], row["qtype"], row["status"],
                    "%s%s" % (a.rcode, "+AD" if a.ad else ""),
                    "%s%s" % (b.rcode, "+AD" if b.ad else ""),
                    "agree" if agree else "DISAGREE", a.ede, b.ede]) + "\n")


def case_agreement(checks, target, ref, args):
    rows = read_manifest(args.manifest)
    agreement_pass(checks, target, ref, args, rows, 4, "cold-ipv4")
    agreement_pass(checks, target, ref, args, rows, 6, "warm-ipv6")


# -------------------------------------------------------------------- cache

def counters(args):
    if not args.tel_prefix:
        return None
    return telemetry(args.tel_prefix)


def comparable(ans):
    """An answer without ID and TTLs: header flags, rcode, EDE and every
    section's (owner, type, class, rdata)."""
    if not ans.msg:
        return None
    m = ans.msg
    secs = []
    for sec in m.sections:
        secs.append(sorted((rr[0].lower(), rr[1], rr[2],
                            bytes(m.wire[rr[4]:rr[4] + rr[5]]))
                           for rr in sec if rr[1] != T_OPT))
    return (m.flags, m.rcode, ans.ede, secs)


def case_cache(checks, target, ref, args):
    """Each question twice: the second must be a cache hit (the hits
    counter grows by one, no upstream query is sent) and the same answer
    with TTLs no larger."""
    qs = [("www.ed25519.test", "A", "secure"),
          ("nx.rsa.test", "A", "secure NXDOMAIN"),
          ("www.nsec3.test", "MX", "secure NODATA"),
          ("host.wild.ecdsa.test", "TXT", "secure wildcard"),
          ("cname2.rsasha512.test", "A", "secure CNAME chain"),
          ("www.unsigned.test", "A", "insecure"),
          ("www.tampered.test", "A", "bogus")]
    tel_ok = args.tel_prefix is not None
    total_hits = 0
    for qname, qtype, what in qs:
        name = "cache %s %s (%s)" % (qname, qtype, what)
        c0 = counters(args)
        a1 = target.ask(qname, qtype)
        c1 = counters(args)
        a2 = target.ask(qname, qtype)
        c2 = counters(args)
        problems = []
        if not a1.msg or not a2.msg:
            checks.ok(name, False, "no answer: %s" % (a1.error or a2.error))
            continue
        if comparable(a1) != comparable(a2):
            problems.append("second answer differs: %s vs %s" % (
                a1.short(), a2.short()))
        ttl1 = {(rr[0], rr[1]): rr[3] for rr in a1.rrs(0) + a1.rrs(1)}
        for rr in a2.rrs(0) + a2.rrs(1):
            if rr[3] > ttl1.get((rr[0], rr[1]), 1 << 31):
                problems.append("TTL of %s %s grew %d -> %d" % (
                    rr[0], dnswire.type_name(rr[1]), ttl1[(rr[0], rr[1])],
                    rr[3]))
        detail = a2.short()
        if tel_ok:
            h1 = c1["hits"] - c0["hits"]
            h2 = c2["hits"] - c1["hits"]
            u2 = c2["upstream_queries"] - c1["upstream_queries"]
            q2 = c2["queries"] - c1["queries"]
            detail += "; first: hits +%d; second: queries +%d hits +%d " \
                "upstream_queries +%d" % (h1, q2, h2, u2)
            if h1 != 0:
                problems.append("first query already a hit (+%d): the "
                                "question was asked before?" % h1)
            if "bogus" in what:
                # RFC 4035 sec. 4.7: a bogus result is held briefly; where
                # it is held (worker cache or validator) is trustwire's
                # choice: the answer must stay the same, a hit is optional.
                if h2 == 0:
                    detail += " (bogus held outside the worker cache)"
            else:
                if h2 != 1:
                    problems.append("second query: hits +%d, want +1" % h2)
                if u2 != 0:
                    problems.append("second query sent %d upstream "
                                    "queries" % u2)
            total_hits += h2
        checks.ok(name, not problems, "; ".join(problems) or detail)
    if tel_ok:
        print("cache: %d hits counted for %d repeated questions "
              "(telemetry: %s)" % (total_hits, len(qs), TEL_CLIENT))
        if args.report:
            with open(os.path.join(args.report, "cache-hits"), "w") as f:
                f.write("%d\n" % total_hits)
    else:
        checks.report("cache hits counter (telemetry)", "SKIP",
                      "trustwire-specific: no telemetry in %s mode" %
                      args.mode)


# ----------------------------------------------------------------------- cd

def case_cd(checks, target, ref, args):
    """RFC 4035 sec. 3.2.2: with CD=1 the resolver returns the data
    without validating it for the client, so also bogus data. trustwire's
    rule (issue 4, point 3): CD=1 clients get the data unfiltered and
    never with AD. RFC 3655 sec. 2 / RFC 6840 sec. 5.8 would allow AD on
    CD=1 answers that were validated secure, and Unbound sets it; we
    deliberately do not (a CD=1 client validates for itself, and the
    CD=1 cache variant is filled without waiting for validation), so AD
    is the one field where the target may differ from the reference.
    rcode and data must agree with the reference; bogus names give their
    data with CD=1 and SERVFAIL with CD=0."""
    names = [("www.ecdsa.test", "A", "secure"),
             ("nx.ecdsa.test", "A", "secure NXDOMAIN"),
             ("www.unsigned.test", "A", "insecure"),
             ("www.tampered.test", "A", "bogus 6"),
             ("www.expired.test", "A", "bogus 7"),
             ("www.dsmismatch.test", "A", "bogus 9"),
             ("www.norrsig.test", "A", "bogus 10")]
    for step, cd in (("cold CD=1", True), ("CD=0", False),
                     ("warm CD=1", True)):
        for qname, qtype, what in names:
            a = target.ask(qname, qtype, cd=cd)
            b = ref.ask(qname, qtype, cd=cd)
            name = "cd %s %s %s (%s)" % (step, qname, qtype, what)
            problems = []
            if not a.msg or not b.msg:
                checks.ok(name, False, "no answer: %s" % (a.error or
                                                          b.error))
                continue
            # With CD=1 only the rcode must agree (AD: see above).
            if a.rcode != b.rcode or (not cd and a.ad != b.ad):
                problems.append("%s %s, %s %s" % (target.label, a.short(),
                                                  ref.label, b.short()))
            if cd and a.ad and args.mode != "reference":
                problems.append("AD on a CD=1 answer (trustwire never sets"
                                " it there: issue 4 point 3)")
            qt = dnswire.type_value(qtype)
            if a.rdata_set(qt) != b.rdata_set(qt):
                problems.append("answer data differs from %s" % ref.label)
            if "bogus" in what:
                if cd and (a.rcode != "NOERROR" or not a.rrs(0, qt)):
                    problems.append("CD=1 on bogus data: %s, want the data"
                                    " (RFC 4035 3.2.2)" % a.short())
                if cd and a.ad:
                    problems.append("AD on bogus data")
                if not cd and a.rcode != "SERVFAIL":
                    problems.append("CD=0 on bogus data: %s" % a.short())
            if cd and not a.msg.flags & dnswire.FLAG_CD:
                problems.append("CD not copied into the response "
                                "(RFC 1035 / RFC 4035 3.2.2)")
            checks.ok(name, not problems, "; ".join(problems) or
                      "%s (%s: %s)" % (a.short(), ref.label, b.short()))


# ----------------------------------------------------------------------- do

def case_do(checks, target, ref, args):
    """Clients that do not ask for DNSSEC: DO=0 gets no RRSIG (RFC 4035
    sec. 3.2.1), AD only when the client set AD or DO (RFC 6840 sec. 5.7);
    no OPT in the query, none in the answer (RFC 6891 sec. 7); bogus is
    SERVFAIL for them too. Target and reference must agree."""
    qs = [("www.rsa.test", "A", "secure"),
          ("nx.ed448.test", "A", "secure NXDOMAIN"),
          ("www.unsigned.ecdsa.test", "A", "insecure"),
          ("www.badtag.test", "A", "bogus")]
    variants = [("DO=1", dict(do=True)),
                ("DO=0 AD=1", dict(do=False, ad=True)),
                ("DO=0 AD=0", dict(do=False, ad=False)),
                ("no EDNS", dict(edns=False, ad=False)),
                ("no EDNS AD=1", dict(edns=False, ad=True))]
    for vlabel, kw in variants:
        for qname, qtype, what in qs:
            a = target.ask(qname, qtype, **kw)
            b = ref.ask(qname, qtype, **kw)
            name = "do %s %s %s (%s)" % (vlabel, qname, qtype, what)
            if not a.msg or not b.msg:
                checks.ok(name, False, "no answer: %s" % (a.error or
                                                          b.error))
                continue
            problems = []
            if a.rcode != b.rcode or a.ad != b.ad:
                problems.append("%s %s, %s %s" % (target.label, a.short(),
                                                  ref.label, b.short()))
            sigs = len(a.rrs(0, T_RRSIG)) + len(a.rrs(1, T_RRSIG))
            if kw.get("do", False) is False and sigs:
                problems.append("%d RRSIGs to a DO=0 client" % sigs)
            if kw.get("do") and what != "insecure" and what != "bogus" \
                    and not sigs:
                problems.append("no RRSIG for a DO=1 client")
            opt_a = bool(a.rrs(2, T_OPT))
            opt_b = bool(b.rrs(2, T_OPT))
            if opt_a != opt_b:
                problems.append("OPT in answer: %s %s, %s %s" % (
                    target.label, opt_a, ref.label, opt_b))
            checks.ok(name, not problems, "; ".join(problems) or
                      "%s, %d RRSIG (%s: %s)" % (a.short(), sigs, ref.label,
                                                  b.short()))


# ----------------------------------------------------------------- upstream

# The upstream case's test bed additions (tests/e2e/e2e.sh adds the
# addresses to the server side of the veth): trustwire is started with
# --upstream DEAD --upstream FORGER --upstream HONEST (in that order, so
# its round robin starts at the dead one) and a 800 ms upstream timeout.
UP_DEAD = "192.0.2.12"      # an address with no server: every try times out
UP_FORGER = "192.0.2.13"    # fakeup.py: changes A records (bogus)
UP_HONEST = "192.0.2.14"    # fakeup.py: forwards unchanged
UP_NOBODY = "192.0.2.15"    # no upstream: source of one of the forgeries
UP_ZONES = ["rsasha1", "rsasha1-nsec3", "rsa", "rsasha512", "ecdsa",
            "ecdsa384", "ed25519", "ed448", "nsec3", "nsec3-salt", "iter1",
            "chain"]     # signed zones whose every answer is secure
UP_DOWN_S = 5               # validator.c V_DOWN_S


def setup_upstream(args):
    import fakeup  # noqa: E402 (tests/e2e, next to this file)
    return fakeup.FakeUpstreams({UP_FORGER: "forger", UP_HONEST: "honest"},
                                args.real_upstream, UP_NOBODY, delay=0.3)


def ask_all(checks, target, name, qs, want_rcode="NOERROR"):
    """Asks each (qname, qtype); all must be want_rcode with AD."""
    bad = []
    for qname, qtype in qs:
        a = target.ask(qname, qtype)
        if a.rcode != want_rcode or not a.ad:
            bad.append("%s %s: %s" % (qname, qtype, a.short()))
    checks.ok(name, not bad, "; ".join(bad) or "%d/%d %s with AD" % (
        len(qs), len(qs), want_rcode))
    return not bad


def case_upstream(checks, target, ref, args, fake):
    """Issue 4 point 5, upstream side: failover with health state, a
    bogus answer asked once more elsewhere, TC -> TCP, coalescing and
    RFC 5452 acceptance, against fake upstreams (tests/e2e/fakeup.py)."""
    if not args.tel_prefix:
        checks.report("upstream", "SKIP", "trustwire only (telemetry)")
        return
    c0 = counters(args)

    # 1. Failover and health: the dead upstream is first in the round
    # robin. Every question must still be answered; after 3 timeouts in
    # a row it is left out for 5 s (validator.c V_DOWN_FAILS/V_DOWN_S),
    # so it costs a few timeouts, not one in three fetches.
    qs = [("www.%s.test" % z, "AAAA") for z in UP_ZONES] + \
        [("host.wild.%s.test" % z, "AAAA") for z in UP_ZONES]
    ask_all(checks, target, "upstream failover: all answered past the dead "
            "upstream", qs)
    c1 = counters(args)
    # Since trustwire started (the preflight question included): 3 in a
    # row, then at most one more per try after each 5 s spell (2 for
    # fetches that were under way together).
    el = c1["uptime_s"] + 1
    tmo = c1["upstream_timeouts"]
    sent = c1["upstream_queries"]
    bound = 3 + 2 * (el // UP_DOWN_S + 1)
    checks.ok("upstream health: the dead upstream is left out",
              3 <= tmo <= bound and sent >= 3 * bound,
              "%d timeouts (want 3..%d: 3 in a row mark it down for %d s; "
              "up %d s) for %d upstream queries (round robin alone would "
              "time out about %d)" % (tmo, bound, UP_DOWN_S, el, sent,
                                      sent // 3))

    # 2. A bogus answer is asked once more at another upstream: the
    # forger changes A records, so whatever reaches it first is bogus and
    # must come back secure from the honest one.
    qs = [("www.%s.test" % z, "A") for z in UP_ZONES]
    ask_all(checks, target, "upstream bogus retry: forged answers replaced",
            qs)
    c2 = counters(args)
    forged = [e for q in qs for e in fake.seen(q[0], "A")
              if e[4] == "tampered"]
    checks.ok("upstream bogus retry: the forger was asked",
              len(forged) > 0 and c2["bogus"] == c0["bogus"] and
              c2["upstream_retries"] - c1["upstream_retries"] >= len(forged),
              "%d of %d answers forged by %s, all replaced (bogus verdicts "
              "+%d, upstream_retries +%d)" % (
                  len(forged), len(qs), UP_FORGER, c2["bogus"] - c0["bogus"],
                  c2["upstream_retries"] - c1["upstream_retries"]))
    # Really bogus: asked at both, then SERVFAIL + EDE 6, one verdict.
    a = target.ask("www.tampered.test", "A")
    c3 = counters(args)
    seen = fake.seen("www.tampered.test", "A")
    checks.ok("upstream bogus retry: once more elsewhere, then SERVFAIL",
              a.rcode == "SERVFAIL" and a.ede == "6" and
              sorted(e[0] for e in seen) == [UP_FORGER, UP_HONEST] and
              c3["bogus"] - c2["bogus"] == 1,
              "www.tampered.test A: %s; asked at %s; bogus verdicts +%d" % (
                  a.short(), ", ".join(e[0] for e in seen) or "none",
                  c3["bogus"] - c2["bogus"]))

    # 3. Truncated upstream answers are asked again over TCP.
    qs = [("host.wild.%s.test" % z, "TXT") for z in UP_ZONES]
    ask_all(checks, target, "upstream TC=1: answered over TCP", qs)
    c4 = counters(args)
    tcp = [q for q in qs if fake.seen(q[0], "TXT", "udp") and
           fake.seen(q[0], "TXT", "tcp")]
    fb = c4["tcp_fallbacks"] - c3["tcp_fallbacks"]
    checks.ok("upstream TC=1: each truncated answer followed over TCP",
              len(tcp) == len(qs) and fb >= len(qs),
              "%d/%d questions truncated over UDP and asked over TCP; "
              "tcp_fallbacks +%d" % (len(tcp), len(qs), fb))

    # 4. Identical outstanding questions coalesce: eight clients at once,
    # the upstream holds MX answers 0.3 s and sees the question once.
    qname, n = "www.ed25519.test", 8
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        qid, wire = dnswire.build_query(qname, "MX", rd=True, cd=False,
                                        do=True, bufsize=1232)
        s.sendto(wire, (target.addr[4], 53))
        socks.append((s, qid))
    got = 0
    for s, qid in socks:
        try:
            m = dnswire.Message(s.recv(65535))
            if m.id == qid and m.rcode == 0 and m.flags & dnswire.FLAG_AD:
                got += 1
        except (OSError, dnswire.ParseError):
            pass
        s.close()
    c5 = counters(args)
    seen = fake.seen(qname, "MX")
    co = c5["coalesced"] - c4["coalesced"]
    checks.ok("upstream coalescing: identical questions, one upstream query",
              got == n and len(seen) == 1 and co >= n - 1,
              "%d/%d clients answered NOERROR AD; the upstreams saw %s MX "
              "%d time(s); coalesced +%d" % (got, n, qname, len(seen), co))

    # 5. RFC 5452 9.1: every forgery was dropped and counted, none taken
    # (a real answer the fake sent after trustwire gave up is a stray
    # answer and counted too: 'late').
    time.sleep(0.2)
    c6 = counters(args)
    sp = c6["spoofed_dropped"]
    checks.ok("upstream RFC 5452: forgeries dropped and counted",
              fake.spoofs_sent > 0 and
              fake.spoofs_sent <= sp <= fake.spoofs_sent + fake.late,
              "spoofed_dropped %d, forgeries sent %d (wrong ID, wrong "
              "question, wrong port, other upstream's address, no "
              "upstream's address; %d late real answers)" % (
                  sp, fake.spoofs_sent, fake.late))
    with fake.lock:
        log = list(fake.log)
    if args.report:
        with open(os.path.join(args.report, "fakeup.tsv"), "w") as f:
            f.write("#addr\ttransport\tqname\tqtype\taction\n")
            for e in log:
                f.write("%s\t%s\t%s\t%s\t%s\n" % (
                    e[0], e[1], e[2], dnswire.type_name(e[3]), e[4]))


# --------------------------------------------------------------------- vlan

def case_vlan(checks, target, ref, args):
    """802.1Q (issue 4 point 3): a client on VLAN 100 asks trustwire
    (untagged port configuration; it also listens on 198.51.100.2 /
    2001:db8:100::2) over IPv4 and IPv6. Frames are written and read raw
    (tests/e2e/rawvlan.py: this kernel may have no VLAN interfaces): the
    ARP reply and every DNS answer must carry tag 100. Cold answers are
    written by the validator into the query's frame, warm ones by the
    worker from its cache: both must keep the tag."""
    if not args.vlan_if or args.mode == "reference":
        checks.report("vlan", "SKIP", "trustwire only (needs --vlan-if)")
        return
    import rawvlan  # noqa: E402 (tests/e2e, next to this file)
    v4, v6 = args.vlan_target.split(",")
    cl = rawvlan.VlanClient(args.vlan_if, 100, args.vlan_mac)
    c0 = counters(args)
    r = cl.arp("198.51.100.1", v4)
    checks.ok("vlan 100 ARP: tagged reply", r is not None and r[0] == 100,
              "no ARP reply" if r is None else "VLAN %s, MAC %s" % (
                  r[0], ":".join("%02x" % b for b in r[1])))
    if r is None:
        cl.close()
        return
    mac = r[1]
    # Cold (the validator writes the answer into the query's frame),
    # each followed at once by its repeats (the worker, from its cache: a
    # validator publishes before it answers and a worker takes
    # publications in before its RX burst, so a repeat is a hit).
    qs = [("cold", "www.ecdsa.test", "A", v4, "NOERROR", True, "-"),
          ("warm", "www.ecdsa.test", "A", v4, "NOERROR", True, "-"),
          ("warm", "www.ecdsa.test", "A", v6, "NOERROR", True, "-"),
          ("cold", "www.unsigned.test", "A", v6, "NOERROR", False, "-"),
          ("warm", "www.unsigned.test", "A", v4, "NOERROR", False, "-"),
          ("cold", "www.tampered.test", "A", v4, "SERVFAIL", False, "6"),
          ("warm", "www.tampered.test", "A", v6, "SERVFAIL", False, "6"),
          ("cold", "www.rsa.test", "AAAA", v6, "NOERROR", True, "-"),
          ("warm", "www.rsa.test", "AAAA", v6, "NOERROR", True, "-")]
    for when, qname, qtype, dst, rcode, ad, ede in qs:
        src = "2001:db8:100::1" if ":" in dst else "198.51.100.1"
        _, wire = dnswire.build_query(qname, qtype, rd=True, cd=False,
                                      do=True, bufsize=1232)
        got = None
        for _ in range(2):
            got = cl.dns(mac, src, dst, wire, timeout=args.timeout)
            if got:
                break
        name = "vlan 100 %s %s %s %s" % ("v6" if ":" in dst else "v4",
                                         when, qname, qtype)
        if got is None:
            checks.ok(name, False, "no answer")
            continue
        a = Answer(dnswire.Message(got[1]))
        ok = got[0] == 100 and a.rcode == rcode and a.ad == ad and \
            a.ede == ede
        checks.ok(name, ok, "VLAN %s, %s" % (got[0], a.short()))
    cl.close()
    c1 = counters(args)
    hits = c1["hits"] - c0["hits"]
    warm = sum(1 for q in qs if q[0] == "warm")
    # trustwire holds bogus results in the workers' caches too (RFC 4035
    # 4.7): every repeat is a hit, none goes to a validator's store.
    checks.ok("vlan 100: warm answers from the worker's cache",
              hits == warm and
              c1["store_answers"] == c0["store_answers"],
              "hits +%d for %d warm questions (store_answers +%d)" % (
                  hits, warm, c1["store_answers"] - c0["store_answers"]))


# --------------------------------------------------------------------- sha1

def case_sha1(checks, target, ref, args):
    """crypto.sha1_signatures: false (e2e.sh starts trustwire so): RFC
    9905 lets an operator treat RSASHA1 (5) and RSASHA1-NSEC3-SHA1 (7) as
    unsupported, so zones signed only with them are insecure (RFC 4035
    sec. 5.2): their answers pass without AD, with EDE 1 (RFC 8914
    Unsupported DNSKEY Algorithm); the other algorithms still validate.
    The reference (Unbound, defaults) validates them: shown, not
    compared."""
    qs = [("www.rsasha1.test", "A", "NOERROR", False, True),
          ("nx.rsasha1.test", "A", "NXDOMAIN", False, False),
          ("www.rsasha1-nsec3.test", "A", "NOERROR", False, True),
          ("nx.rsasha1-nsec3.test", "A", "NXDOMAIN", False, False),
          ("www.ecdsa.test", "A", "NOERROR", True, True)]
    for qname, qtype, rcode, ad, data in qs:
        name = "sha1 %s %s" % (qname, qtype)
        if args.mode == "reference":
            checks.report(name, "SKIP", "trustwire's option; the "
                          "reference validates SHA-1 zones")
            continue
        a = target.ask(qname, qtype)
        b = ref.ask(qname, qtype)
        problems = []
        if not a.msg:
            problems.append("no answer: %s" % a.error)
        else:
            if a.rcode != rcode or a.ad != ad:
                problems.append("%s %s, want %s%s" % (
                    target.label, a.short(), rcode, " AD" if ad else ""))
            if not ad and a.ede != "1":
                problems.append("EDE %s, want 1" % a.ede)
            if data != bool(a.rrs(0, dnswire.type_value(qtype))):
                problems.append("answer data %s" % (
                    "missing" if data else "unexpected"))
        checks.ok(name, not problems, "; ".join(problems) or
                  "%s %s (%s with defaults: %s)" % (
                      target.label, a.short(), ref.label, b.short()))


CASES = {"transport": case_transport, "validation": case_validation,
         "agreement": case_agreement, "cache": case_cache, "cd": case_cd,
         "do": case_do, "upstream": case_upstream,
         "vlan": case_vlan, "sha1": case_sha1}
# Cases that need something started before the first question.
SETUP = {"upstream": setup_upstream}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--manifest", required=True)
    p.add_argument("--target", default="192.0.2.2,2001:db8::2",
                   help="ADDR4,ADDR6 of the resolver under test")
    p.add_argument("--target-label", default="trustwire")
    p.add_argument("--ref", default="192.0.2.11,2001:db8::11",
                   help="ADDR4,ADDR6 of the reference validator")
    p.add_argument("--ref-label", default="unbound")
    p.add_argument("--mode", choices=("trustwire", "reference"),
                   default="trustwire")
    p.add_argument("--tel-prefix", default=None,
                   help="DPDK --file-prefix of trustwire (telemetry)")
    p.add_argument("--report", default=None, help="directory for TSVs")
    p.add_argument("--timeout", type=float, default=2.0,
                   help="seconds per try (2 tries over UDP)")
    p.add_argument("--deadline", type=float, default=200.0,
                   help="seconds for the whole case")
    p.add_argument("--vlan-if", default=None,
                   help="the client side's interface (case vlan)")
    p.add_argument("--vlan-mac", default=None,
                   help="its MAC address (case vlan)")
    p.add_argument("--vlan-target", default="198.51.100.2,2001:db8:100::2",
                   help="ADDR4,ADDR6 of trustwire on that VLAN")
    p.add_argument("--real-upstream", default="192.0.2.10",
                   help="the recursor the fake upstreams forward to")
    args = p.parse_args()
    Resolver.deadline = time.monotonic() + args.deadline
    t4, t6 = args.target.split(",")
    r4, r6 = args.ref.split(",")
    target = Resolver(args.target_label, t4, t6, args.timeout, 2)
    ref = Resolver(args.ref_label, r4, r6, args.timeout, 2)
    if args.report:
        os.makedirs(args.report, exist_ok=True)
    checks = Checks(args.case)
    extra = []
    if args.case in SETUP:
        extra.append(SETUP[args.case](args))
    if preflight(checks, target):
        CASES[args.case](checks, target, ref, args, *extra)
    for x in extra:
        x.close()
    if Resolver.abort:
        checks.report("bounded", "FAIL", "aborted: " + Resolver.abort)
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
