#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""checkmanifest.py MANIFEST SERVER PORT [REPORT]

Asks a validating resolver every manifest question as a client would
(RD=1, CD=0, DO=1) and compares what it says with the manifest:
  secure   = rcode as expected and AD=1
  insecure = rcode as expected and AD=0
  bogus    = SERVFAIL (RFC 4035 sec. 5.5)
The resolver's Extended DNS Error (RFC 8914) is reported next to the
manifest's; an EDE difference is listed but is not a failure (the EDE
column is what trustwire should say; resolvers differ in detail).
Writes REPORT (TSV) if given. Exit status 1 if any status or rcode
disagrees.
"""

import os
import sys

# Nothing written next to the sources (they may be read-only).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnswire  # noqa: E402


def observed_status(msg):
    if msg.rcode == 2:
        return "bogus"
    return "secure" if msg.flags & dnswire.FLAG_AD else "insecure"


def main(argv):
    if len(argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    manifest, server, port = argv[1], argv[2], int(argv[3])
    rows = []
    with open(manifest) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            rows.append(line.rstrip("\n").split("\t"))
    out = []
    bad = 0
    ede_diff = 0
    for qname, qtype, status, ede, rcode, comment in rows:
        try:
            wire, _ = dnswire.resolve(server, port, qname, qtype, rd=True,
                                      cd=False, do=True, timeout=4.0)
            msg = dnswire.Message(wire)
            got = observed_status(msg)
            got_rcode = msg.rcode_name()
            got_ede = ",".join(str(c) for c, _ in msg.ede) or "-"
            text = "; ".join(t for _, t in msg.ede if t)
        except (OSError, dnswire.ParseError) as e:
            got, got_rcode, got_ede, text = "error", "-", "-", str(e)
        ok = got == status and got_rcode == rcode
        if not ok:
            bad += 1
        if got_ede != ede:
            ede_diff += 1
        out.append((qname, qtype, status, got, rcode, got_rcode, ede,
                    got_ede, "ok" if ok else "MISMATCH", text))
        if not ok:
            sys.stderr.write("MISMATCH %s %s: expected %s/%s, got %s/%s "
                             "(EDE %s %s)\n" % (qname, qtype, status, rcode,
                                                got, got_rcode, got_ede,
                                                text))
    if len(argv) == 5:
        with open(argv[4], "w") as f:
            f.write("#qname\tqtype\texpected_status\tstatus\t"
                    "expected_rcode\trcode\texpected_ede\tede\tverdict\t"
                    "ede_text\n")
            for r in out:
                f.write("\t".join(r) + "\n")
    print("checkmanifest: %d questions, %d agree, %d disagree, "
          "%d with another EDE" % (len(out), len(out) - bad, bad, ede_diff))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
