#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""record.py OUTDIR SERVER PORT

Asks the authoritative server (one NSD serving every zone of the test bed)
each manifest question and the DNSKEY and DS RRset of every zone, with
DO=1, CD=1, RD=0 and an EDNS buffer of 4096 (RFC 6891), falling back to
TCP when the answer has TC=1 (RFC 7766 sec. 5), and stores every response
exactly as received:

    OUTDIR/answers/<qname>_<QTYPE>.bin   qname lowercased, without the
                                         final dot; the root is "."
    OUTDIR/answers/index.tsv             one line per file

CNAME and DNAME targets met in answers are asked too (same QTYPE), so a
unit test acting as the resolver finds every RRset a chain needs. DS is
answered from the parent zone (RFC 4035 sec. 3.1.4.1; NSD does so when it
serves both sides of the cut), which is what a validator asks for.

Exit status 0 only if every question got a well-formed answer.
"""

import os
import sys

# Nothing written next to the sources (they may be read-only).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnswire  # noqa: E402


def file_name(qname, qtype):
    name = qname.lower().rstrip(".") or "."
    return "%s_%s.bin" % (name, qtype.upper())


def questions(outdir):
    """Manifest questions first, then DNSKEY and DS of every zone."""
    qs = []
    with open(os.path.join(outdir, "manifest.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            qs.append((fields[0], fields[1].upper(), "manifest"))
    for row in dnswire.read_zones(os.path.join(outdir, "zones.tsv")):
        zone = row[0]
        qs.append((zone, "DNSKEY", "chain"))
        if zone != ".":
            qs.append((zone, "DS", "chain"))
    return qs


def targets(msg, qtype):
    """Names a CNAME or DNAME in the answer section points to."""
    out = []
    for rr in msg.answer:
        if rr[1] in (dnswire.TYPES["CNAME"], dnswire.TYPES["DNAME"]):
            t = msg.rdata_name(rr)
            if rr[1] == dnswire.TYPES["DNAME"]:
                # RFC 6672 sec. 2.2: qname = owner-relative part + target;
                # the synthesized CNAME is in the answer too, so the DNAME
                # itself needs nothing more here.
                continue
            out.append((t, qtype))
    return out


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    outdir, server, port = argv[1], argv[2], int(argv[3])
    answers = os.path.join(outdir, "answers")
    os.makedirs(answers, exist_ok=True)
    for old in os.listdir(answers):
        if old.endswith(".bin") or old == "index.tsv":
            os.unlink(os.path.join(answers, old))
    todo = questions(outdir)
    done = {}
    failures = 0
    i = 0
    while i < len(todo):
        qname, qtype, why = todo[i]
        i += 1
        key = (qname.lower().rstrip(".") or ".", qtype)
        if key in done:
            continue
        try:
            wire, transport = dnswire.resolve(server, port, qname, qtype,
                                              rd=False, cd=True, do=True,
                                              bufsize=4096)
            msg = dnswire.Message(wire)
        except (OSError, dnswire.ParseError) as e:
            sys.stderr.write("record: %s %s: %s\n" % (qname, qtype, e))
            failures += 1
            done[key] = None
            continue
        fname = file_name(qname, qtype)
        with open(os.path.join(answers, fname), "wb") as f:
            f.write(wire)
        done[key] = (fname, transport, msg, why)
        for t in targets(msg, qtype):
            todo.append((t[0], t[1], "target"))
    with open(os.path.join(answers, "index.tsv"), "w") as f:
        f.write("#qname\tqtype\tfile\twhy\ttransport\trcode\tflags\t"
                "answer\tauthority\tadditional\tbytes\n")
        for (name, qtype), v in done.items():
            if v is None:
                continue
            fname, transport, msg, why = v
            f.write("\t".join([
                name, qtype, fname, why, transport, msg.rcode_name(),
                msg.flag_names(), str(len(msg.sections[0])),
                str(len(msg.sections[1])), str(len(msg.sections[2])),
                str(len(msg.wire))]) + "\n")
    n = sum(1 for v in done.values() if v is not None)
    tcp = sum(1 for v in done.values() if v is not None and v[1] == "tcp")
    print("record: %d answers (%d over TCP) in %s, %d failures" % (
        n, tcp, answers, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
