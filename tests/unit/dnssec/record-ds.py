#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""record-ds.py OUTDIR SERVER PORT

Zone-cut probes for the validator's unit tests. To prove that unsigned
data sits in a secure zone (so its missing RRSIG is bogus, RFC 4035 5.2)
or below an insecure delegation, a validator asks the DS RRset of each
name between the closest secure zone and the data's owner, as Unbound
and BIND do. The test bed records the DS of every zone apex; this adds
the DS of every manifest name and of its ancestors, stored like the
test bed's answers in OUTDIR/answers-ds/<qname>_DS.bin.
"""

import os
import sys

sys.dont_write_bytecode = True
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "scripts", "testbed"))
import dnswire  # noqa: E402


def names(outdir):
    out = set()
    with open(os.path.join(outdir, "manifest.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            labels = line.split("\t")[0].lower().rstrip(".").split(".")
            for i in range(len(labels)):
                if labels[i:] != [""]:
                    out.add(".".join(labels[i:]))
    return sorted(out)


def main(argv):
    outdir, server, port = argv[1], argv[2], int(argv[3])
    dest = os.path.join(outdir, "answers-ds")
    os.makedirs(dest, exist_ok=True)
    n = 0
    for name in names(outdir):
        wire, _ = dnswire.resolve(server, port, name + ".", "DS", rd=False,
                                  cd=True, do=True, bufsize=4096)
        dnswire.Message(wire)
        with open(os.path.join(dest, name + "_DS.bin"), "wb") as f:
            f.write(wire)
        n += 1
    print("record-ds: %d DS answers in %s" % (n, dest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
