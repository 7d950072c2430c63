#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Builds the trustwire private DNSSEC hierarchy (called by make-zones.sh).

Usage: mkzones.py OUTDIR

Environment: TW_TESTBED_BENCH_NAMES=N (default 0, none) adds the zone
bench.test. (ECDSAP256SHA256, NSEC, ldns-signzone) with N signed names
h0 .. h(N-1), each with its own A RRset and RRSIG, for cold-cache
benchmarks (scripts/bench-peers.sh) that need many names nobody has
cached. Its DS goes into test.; the other zones' names, the manifest and
every other zone's content stay as they are without it.

Writes into OUTDIR: keys/ (made now, never committed), src/ (unsigned zone
text), zones/ (what the server loads), zones.tsv, manifest.tsv,
trust-anchor.key, trust-anchor.dnskey, root.hints, nsd-zones.conf.

Every signature is made by a real signer, ldns-signzone (ldns 1.8) or
dnssec-signzone (BIND 9.18); the broken zones are made by editing signed
output afterwards, exactly as an attacker or a bad signer would.
"""

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# Nothing written next to the sources (they may be read-only).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnswire  # noqa: E402

# Fixed validity windows (RRSIG inception / expiration, RFC 4034 sec. 3.1.5)
# so recorded answers validate with a fixed "now" (2026-06-01T00:00:00Z,
# unix 1780272000) and in real time until 2036.
GOOD = ("20260101000000", "20360101000000")
EXPIRED = ("20200101000000", "20210101000000")
NOTYET = ("20350101000000", "20400101000000")
SERIAL = "2026010100"
NS_NAME = "ns.test."
NS_V4 = "192.0.2.53"
NS_V6 = "2001:db8::53"

BIND_ALG = {5: "RSASHA1", 7: "NSEC3RSASHA1", 8: "RSASHA256",
            10: "RSASHA512", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384",
            15: "ED25519", 16: "ED448"}
LDNS_ALG = {5: "RSASHA1", 7: "RSASHA1-NSEC3-SHA1", 8: "RSASHA256",
            10: "RSASHA512", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384",
            15: "ED25519", 16: "ED448"}
ALG_NAME = {5: "RSASHA1", 7: "RSASHA1-NSEC3-SHA1", 8: "RSASHA256",
            10: "RSASHA512", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384",
            15: "ED25519", 16: "ED448", 253: "PRIVATEDNS"}
DIGEST_OPT = {1: ["-1"], 2: ["-2"], 4: ["-a", "SHA-384"]}


class Zone:
    """One zone of the hierarchy and how to make it."""

    def __init__(self, name, alg=None, signer=None, denial="nsec",
                 iterations=0, salt="", optout=False, bits=None,
                 split=False, ds_digest=2, breakage=None, purpose="",
                 extra=(), template=True, parent=None):
        self.name = name
        self.alg = alg
        self.signer = signer
        self.denial = denial if alg else "none"
        self.iterations = iterations
        self.salt = salt
        self.optout = optout
        self.bits = bits
        self.split = split  # separate KSK + ZSK, else one CSK
        self.ds_digest = ds_digest
        self.breakage = breakage
        self.purpose = purpose
        self.extra = list(extra)
        self.template = template
        if parent is None:
            parent = "." if name.count(".") == 1 else \
                name.split(".", 1)[1]
        self.parent = None if name == "." else parent
        self.file = "root" if name == "." else name.rstrip(".")
        self.index = 0
        self.ds = []  # DS lines for the parent (presentation)
        self.keys = []  # (basename, flags, tag)

    @property
    def signed(self):
        return self.alg is not None


CHAIN_EXTRA = [
    "to-secure CNAME www.ecdsa.test.",
    "to-nsec3 CNAME www.nsec3.test.",
    "to-wild CNAME host.wild.nsec3.test.",
    "to-nx CNAME nx.ecdsa.test.",
    "to-insecure CNAME www.unsigned.test.",
    "to-optout CNAME www.unsigned.nsec3-optout.test.",
    "to-bogus CNAME www.tampered.test.",
    "to-expired CNAME www.expired.test.",
    "long1 CNAME long2",
    "long2 CNAME to-secure",
    "dname DNAME ecdsa.test.",
    "dname3 DNAME nsec3.test.",
    "dname-bogus DNAME tampered.test.",
]

# The hierarchy. Order matters only in that children come before parents
# when signing (the parent needs the child's DS); build() sorts by depth.
ZONES = [
    Zone(".", alg=8, signer="bind", bits=(2048, 1024), split=True,
         template=False, purpose="private root, NSEC, KSK+ZSK"),
    Zone("test.", alg=13, signer="ldns", denial="nsec3", split=True,
         template=False, purpose="TLD, NSEC3 0 iterations no salt, KSK+ZSK"),
    # One child per algorithm (RFC 8624 sec. 3.1).
    Zone("rsasha1.test.", alg=5, signer="ldns", bits=1024, ds_digest=1,
         purpose="RSASHA1, NSEC, DS digest SHA-1"),
    Zone("rsasha1-nsec3.test.", alg=7, signer="bind", bits=2048,
         denial="nsec3", purpose="RSASHA1-NSEC3-SHA1, NSEC3"),
    Zone("rsa.test.", alg=8, signer="bind", bits=(2048, 2048), split=True,
         purpose="RSASHA256 2048-bit, NSEC, KSK+ZSK"),
    Zone("rsasha512.test.", alg=10, signer="ldns", bits=2048,
         denial="nsec3", purpose="RSASHA512, NSEC3"),
    Zone("ecdsa.test.", alg=13, signer="ldns",
         purpose="ECDSAP256SHA256, NSEC"),
    Zone("ecdsa384.test.", alg=14, signer="bind", denial="nsec3",
         ds_digest=4, purpose="ECDSAP384SHA384, NSEC3, DS digest SHA-384"),
    Zone("ed25519.test.", alg=15, signer="bind",
         purpose="ED25519, NSEC"),
    Zone("ed448.test.", alg=16, signer="ldns", denial="nsec3",
         purpose="ED448, NSEC3"),
    # Denial of existence variants (RFC 5155, RFC 9276).
    Zone("nsec3.test.", alg=13, signer="bind", denial="nsec3",
         purpose="NSEC3 0 iterations, no salt"),
    Zone("nsec3-salt.test.", alg=13, signer="ldns", denial="nsec3",
         salt="a1b2c3d4e5f60718", purpose="NSEC3 0 iterations, 8-byte salt"),
    Zone("nsec3-optout.test.", alg=13, signer="bind", denial="nsec3",
         optout=True,
         purpose="NSEC3 opt-out over an unsigned delegation"),
    Zone("unsigned.nsec3-optout.test.",
         purpose="unsigned child under an opt-out span (insecure)"),
    Zone("iter1.test.", alg=13, signer="ldns", denial="nsec3", iterations=1,
         purpose="NSEC3 1 iteration"),
    Zone("iter51.test.", alg=13, signer="bind", denial="nsec3",
         iterations=51, salt="beef", purpose="NSEC3 51 iterations, salt"),
    Zone("iter151.test.", alg=13, signer="ldns", denial="nsec3",
         iterations=151, purpose="NSEC3 151 iterations (over 150)"),
    Zone("iter501.test.", alg=13, signer="ldns", denial="nsec3",
         iterations=501, purpose="NSEC3 501 iterations (over 500)"),
    # Insecure delegations (RFC 4035 sec. 5.2).
    Zone("unsigned.test.", extra=["to-secure CNAME www.ecdsa.test."],
         purpose="unsigned child, no DS (NSEC3 proof in test.)"),
    Zone("unsigned.ecdsa.test.",
         purpose="unsigned child, no DS (NSEC proof in ecdsa.test.)"),
    Zone("unknown-digest.test.", alg=13, signer="ldns", ds_digest=99,
         purpose="signed, parent DS only digest type 99 -> insecure"),
    Zone("unknown-alg.test.", alg=13, signer="bind", ds_digest=253,
         purpose="signed, parent DS only algorithm 253 -> insecure"),
    # CNAME / DNAME chains (RFC 4035 sec. 3.1.3, RFC 6672).
    Zone("chain.test.", alg=13, signer="bind", extra=CHAIN_EXTRA,
         purpose="CNAME and DNAME chains across zones"),
    # Broken zones: each has a correct DS in test. unless said otherwise.
    Zone("tampered.test.", alg=13, signer="ldns", breakage="tampered",
         purpose="www A rdata changed after signing"),
    Zone("expired.test.", alg=13, signer="bind", breakage="expired",
         purpose="every RRSIG expired (2020-01-01..2021-01-01)"),
    Zone("notyet.test.", alg=13, signer="ldns", denial="nsec3",
         breakage="notyet",
         purpose="every RRSIG not yet valid (2035-01-01..2040-01-01)"),
    Zone("sigexpired.test.", alg=13, signer="bind", breakage="sigexpired",
         purpose="only the RRSIG over www A expired"),
    Zone("dsmismatch.test.", alg=13, signer="ldns", breakage="dsmismatch",
         purpose="parent DS digest does not match the DNSKEY"),
    Zone("nsecmissing.test.", alg=13, signer="bind",
         breakage="nsecmissing",
         purpose="NSEC covering nx.nsecmissing.test. removed"),
    Zone("nsec3missing.test.", alg=13, signer="ldns", denial="nsec3",
         breakage="nsec3missing",
         purpose="NSEC3 covering H(nx.nsec3missing.test.) removed"),
    Zone("badtag.test.", alg=13, signer="bind", breakage="badtag",
         purpose="RRSIG over www A names a key tag of no DNSKEY"),
    Zone("dnskey-nosig.test.", alg=13, signer="ldns",
         breakage="dnskey-nosig", purpose="RRSIG over DNSKEY removed"),
    Zone("norrsig.test.", alg=13, signer="bind", breakage="norrsig",
         purpose="RRSIG over www A removed"),
    Zone("nodnskey.test.", alg=13, signer="ldns", breakage="nodnskey",
         purpose="DNSKEY RRset removed, DS still in the parent"),
]


BENCH_ZONE = "bench.test."
# Addresses from 198.18.0.0/15 (RFC 2544 benchmarking, RFC 6890).
BENCH_MAX = 131072


def bench_names():
    """N of TW_TESTBED_BENCH_NAMES (0: no bench zone)."""
    raw = os.environ.get("TW_TESTBED_BENCH_NAMES", "0") or "0"
    if not raw.isdigit() or int(raw) > BENCH_MAX:
        raise RuntimeError("TW_TESTBED_BENCH_NAMES must be 0..%d, got %r"
                           % (BENCH_MAX, raw))
    return int(raw)


def add_bench_zone(n):
    """Appends bench.test. (last, so the other zones keep their index and
    so their addresses): h<i> A 198.18.0.0 + i, one RRset and RRSIG per
    name."""
    if n == 0 or any(z.name == BENCH_ZONE for z in ZONES):
        return
    extra = ["h%d A 198.%d.%d.%d" % (i, 18 + (i >> 16), (i >> 8) & 255,
                                     i & 255) for i in range(n)]
    ZONES.append(Zone(BENCH_ZONE, alg=13, signer="ldns", template=False,
                      extra=extra,
                      purpose="benchmark: %d signed names h0..h%d" %
                      (n, n - 1)))


def run(cmd, cwd=None, stdin=None):
    p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (
            " ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p.stdout


# ---------------------------------------------------------------- records

class RR:
    """One record, kept in presentation form (one line per RR)."""

    def __init__(self, owner, ttl, rtype, rdata):
        self.owner = owner.lower() if owner.endswith(".") else owner
        self.ttl = int(ttl)
        self.rtype = rtype.upper()
        self.rdata = rdata

    def line(self):
        return "%s\t%d\tIN\t%s\t%s" % (self.owner, self.ttl, self.rtype,
                                       self.rdata)

    @property
    def covered(self):
        """Type covered, for an RRSIG."""
        return self.rdata.split()[0].upper()


def parse_signed(text):
    """Reads a signer's output: one RR per line (ldns-signzone and
    dnssec-signzone -O full both write that), absolute owners."""
    rrs = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("$"):
            continue
        # Our data has no ';' inside TXT strings, so this is safe.
        line = line.split(";", 1)[0].strip()
        f = line.split()
        if len(f) < 4:
            raise RuntimeError("unexpected line in signed zone: %r" % raw)
        owner, ttl, cls, rtype = f[0], f[1], f[2], f[3]
        if cls.upper() != "IN":
            raise RuntimeError("unexpected class in %r" % raw)
        rrs.append(RR(owner, ttl, rtype, " ".join(f[4:])))
    return rrs


def write_rrs(path, rrs, header):
    with open(path, "w") as f:
        f.write(header)
        for rr in rrs:
            f.write(rr.line() + "\n")


# ----------------------------------------------------------- zone content

def template(z):
    """Common names in every child: positive, NODATA, NXDOMAIN, wildcard,
    empty non-terminal (wild.), CNAME chain, in canonical order
    apex < cname < cname2 < mail < (nx) < ok < wild < *.wild < www."""
    i = z.index
    return [
        "@ MX 10 mail",
        "www A 192.0.2.%d" % i,
        "www AAAA 2001:db8::%x" % i,
        'www TXT "www.%s"' % z.name,
        "mail A 198.51.100.%d" % i,
        "ok A 198.51.100.%d" % (100 + i),
        "cname CNAME www",
        "cname2 CNAME cname",
        "*.wild A 203.0.113.%d" % i,
        '*.wild TXT "wildcard in %s"' % z.name,
    ]


def zone_text(z, delegations):
    out = ["$ORIGIN %s" % z.name, "$TTL 3600",
           "@ SOA %s hostmaster.test. %s 7200 3600 1209600 300"
           % (NS_NAME, SERIAL),
           "@ NS %s" % NS_NAME]
    if z.name == "test.":
        out += ["ns A %s" % NS_V4, "ns AAAA %s" % NS_V6]
    if z.name == ".":
        out += ["%s A %s" % (NS_NAME, NS_V4), "%s AAAA %s" % (NS_NAME, NS_V6)]
    if z.template:
        out += template(z)
    out += z.extra
    for child in delegations:
        rel = child.name
        out.append("%s NS %s" % (rel, NS_NAME))
        out += child.ds
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------- keys

def keygen(z, keydir):
    """Generate the zone's keys with the signer's own tool."""
    os.makedirs(keydir, exist_ok=True)
    roles = [("ksk", 257), ("zsk", 256)] if z.split else [("csk", 257)]
    bits = z.bits if isinstance(z.bits, tuple) else (z.bits, z.bits)
    for n, (role, flags) in enumerate(roles):
        b = bits[n]
        if z.signer == "bind":
            cmd = ["dnssec-keygen", "-q", "-K", keydir, "-a",
                   BIND_ALG[z.alg], "-n", "ZONE", "-L", "3600"]
            if flags == 257:
                cmd += ["-f", "KSK"]
            if b:
                cmd += ["-b", str(b)]
            base = run(cmd + [z.name]).strip()
        else:
            cmd = ["ldns-keygen", "-a", LDNS_ALG[z.alg]]
            if flags == 257:
                cmd += ["-k"]
            if b:
                cmd += ["-b", str(b)]
            base = run(cmd + [z.name], cwd=keydir).strip()
        tag = int(base.rsplit("+", 1)[1])
        z.keys.append((os.path.join(keydir, base), flags, tag))


def dnskey_lines(z):
    lines = []
    for base, _, _ in z.keys:
        with open(base + ".key") as f:
            for raw in f:
                line = raw.split(";", 1)[0].strip()
                if line:
                    lines.append(line)
    return lines


# -------------------------------------------------------------- signing

def sign(z, srcfile, window, outfile):
    """Signs srcfile with the zone's keys into outfile (signer's format)."""
    keys = [k[0] for k in z.keys]
    if z.signer == "bind":
        cmd = ["dnssec-signzone", "-q", "-O", "full", "-o", z.name,
               "-s", window[0], "-e", window[1], "-f", outfile,
               "-d", os.path.dirname(keys[0])]
        if not z.split:
            cmd.append("-z")  # one CSK signs everything
        else:
            cmd.append("-x")  # only the KSK signs the DNSKEY RRset
        if window != GOOD:
            cmd.append("-P")  # its own verification would reject the dates
        if z.denial == "nsec3":
            cmd += ["-3", z.salt or "-", "-H", str(z.iterations)]
            if z.optout:
                cmd.append("-A")
        # dnssec-signzone wants the DNSKEYs in the zone itself.
        with open(srcfile) as f:
            text = f.read()
        tmp = outfile + ".in"
        with open(tmp, "w") as f:
            f.write(text + "\n".join(dnskey_lines(z)) + "\n")
        run(cmd + [tmp] + keys)
        os.unlink(tmp)
    else:
        cmd = ["ldns-signzone", "-o", z.name, "-i", window[0],
               "-e", window[1], "-f", outfile]
        if z.denial == "nsec3":
            cmd += ["-n", "-t", str(z.iterations)]
            if z.salt:
                cmd += ["-s", z.salt]
            if z.optout:
                cmd.append("-p")
        run(cmd + [srcfile] + keys)
    with open(outfile) as f:
        return parse_signed(f.read())


def ds_for(z, signed_file):
    """DS RRs for the zone's KSK(s), by dnssec-dsfromkey from the DNSKEY
    RRset as published in the signed zone."""
    if z.ds_digest in (1, 2, 4):
        opt = DIGEST_OPT[z.ds_digest]
    else:
        opt = DIGEST_OPT[2]
    out = run(["dnssec-dsfromkey"] + opt + ["-f", signed_file, z.name])
    ds = []
    for line in out.splitlines():
        f = line.split()
        if len(f) < 7 or f[2] != "DS":
            continue
        tag, alg, dig, hexd = f[3], f[4], f[5], "".join(f[6:])
        if z.ds_digest == 99:
            dig = "99"  # RFC 4034 sec. 5.1.3: unassigned digest type
        elif z.ds_digest == 253:
            alg = "253"  # PRIVATEDNS: no validator can use it here
        if z.breakage == "dsmismatch":
            # flip the last nibble: a well-formed but wrong digest
            last = "%X" % (int(hexd[-1], 16) ^ 0x1)
            hexd = hexd[:-1] + last
        ds.append("%s DS %s %s %s %s" % (z.name, tag, alg, dig, hexd))
    if not ds:
        raise RuntimeError("no DS for %s" % z.name)
    return ds


# --------------------------------------------------------------- breaking

def rr_is(rr, owner, rtype):
    return rr.owner == owner.lower() and rr.rtype == rtype


def rrsig_of(rr, owner, covered):
    return rr.owner == owner.lower() and rr.rtype == "RRSIG" and \
        rr.covered == covered


def covering(rrs, z, qname):
    """The NSEC or NSEC3 RR whose span covers qname (RFC 4035 sec. 5.4,
    RFC 5155 sec. 8.3)."""
    if z.denial == "nsec":
        key = dnswire.canonical_key(qname)
        for rr in rrs:
            if rr.rtype != "NSEC":
                continue
            nxt = rr.rdata.split()[0]
            lo, hi = dnswire.canonical_key(rr.owner), \
                dnswire.canonical_key(nxt)
            if (lo < key < hi) or (hi <= lo and (key > lo or key < hi)):
                return rr
    else:
        h = dnswire.nsec3_hash(qname, z.salt, z.iterations)
        for rr in rrs:
            if rr.rtype != "NSEC3":
                continue
            lo = rr.owner.split(".", 1)[0]
            hi = rr.rdata.split()[4].lower()
            if (lo < h < hi) or (hi <= lo and (h > lo or h < hi)):
                return rr
    raise RuntimeError("nothing covers %s in %s" % (qname, z.name))


def breakit(z, rrs):
    """Applies the zone's breakage to its signed RRs."""
    www = "www." + z.name
    b = z.breakage
    if b == "tampered":
        for rr in rrs:
            if rr_is(rr, www, "A"):
                rr.rdata = "192.0.2.66"
    elif b == "badtag":
        for rr in rrs:
            if rrsig_of(rr, www, "A"):
                f = rr.rdata.split()
                f[6] = str((int(f[6]) + 1) % 65536)
                rr.rdata = " ".join(f)
    elif b == "norrsig":
        rrs[:] = [rr for rr in rrs if not rrsig_of(rr, www, "A")]
    elif b == "dnskey-nosig":
        rrs[:] = [rr for rr in rrs if not rrsig_of(rr, z.name, "DNSKEY")]
    elif b == "nodnskey":
        rrs[:] = [rr for rr in rrs if not rr_is(rr, z.name, "DNSKEY") and
                  not rrsig_of(rr, z.name, "DNSKEY")]
    elif b in ("nsecmissing", "nsec3missing"):
        victim = covering(rrs, z, "nx." + z.name)
        rrs[:] = [rr for rr in rrs if rr is not victim and
                  not rrsig_of(rr, victim.owner, victim.rtype)]
    return rrs


# ----------------------------------------------------------------- build

def build_zone(z, outdir, delegations):
    src = os.path.join(outdir, "src", z.file + ".zone")
    with open(src, "w") as f:
        f.write(zone_text(z, delegations))
    dst = os.path.join(outdir, "zones", z.file + ".zone")
    if not z.signed:
        shutil.copyfile(src, dst)
        return
    raw = os.path.join(outdir, "work", z.file + ".signed")
    window = {"expired": EXPIRED, "notyet": NOTYET}.get(z.breakage, GOOD)
    rrs = sign(z, src, window, raw)
    z.ds = ds_for(z, raw)
    if z.breakage == "sigexpired":
        # Same keys, second signing with the expired window; keep only its
        # RRSIG over www A. Each signature is genuine for its own dates.
        old = sign(z, src, EXPIRED, raw + ".expired")
        www = "www." + z.name
        stale = [rr for rr in old if rrsig_of(rr, www, "A")]
        rrs = [rr for rr in rrs if not rrsig_of(rr, www, "A")] + stale
    breakit(z, rrs)
    header = "; %s signed by %s (%s), %s\n; %s\n" % (
        z.name, "dnssec-signzone" if z.signer == "bind" else "ldns-signzone",
        ALG_NAME[z.alg], z.denial, z.purpose)
    write_rrs(dst, rrs, header)


def depth(name):
    return 0 if name == "." else name.rstrip(".").count(".") + 1


def build(outdir):
    for sub in ("keys", "src", "zones", "work"):
        os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    for i, z in enumerate(ZONES):
        z.index = i + 1
    signed = [z for z in ZONES if z.signed]
    with ThreadPoolExecutor(max_workers=4) as ex:
        list(ex.map(lambda z: keygen(
            z, os.path.join(outdir, "keys", z.file)), signed))
    children = {}
    for z in ZONES:
        if z.parent is not None:
            children.setdefault(z.parent, []).append(z)
    # Deepest zones first, in parallel within one depth.
    for d in sorted({depth(z.name) for z in ZONES}, reverse=True):
        level = [z for z in ZONES if depth(z.name) == d]
        with ThreadPoolExecutor(max_workers=4) as ex:
            list(ex.map(lambda z: build_zone(
                z, outdir, children.get(z.name, [])), level))
    shutil.rmtree(os.path.join(outdir, "work"))
    write_outputs(outdir)


# --------------------------------------------------------------- outputs

def root_zone():
    return ZONES[0]


def write_outputs(outdir):
    root = root_zone()
    ksk = [k for k in root.keys if k[1] == 257][0]
    with open(os.path.join(outdir, "trust-anchor.key"), "w") as f:
        # Like Debian's /usr/share/dns/root.key: one RR, zone-file format.
        ds = [d for d in root.ds if " %d " % ksk[2] in d][0].split()
        f.write(". IN DS %s\n" % " ".join(ds[2:]))
    with open(os.path.join(outdir, "trust-anchor.dnskey"), "w") as f:
        for ln in dnskey_lines(root):
            f_ = ln.split()
            rd = f_[f_.index("DNSKEY") + 1:]
            if rd[0] == "257":
                f.write(". IN DNSKEY %s %s %s %s\n" % (
                    rd[0], rd[1], rd[2], "".join(rd[3:])))
    with open(os.path.join(outdir, "root.hints"), "w") as f:
        f.write("; private root for the trustwire test bed\n"
                ".\t3600000\tNS\t%s\n%s\t3600000\tA\t%s\n"
                "%s\t3600000\tAAAA\t%s\n" % (NS_NAME, NS_NAME, NS_V4,
                                            NS_NAME, NS_V6))
    with open(os.path.join(outdir, "zones.tsv"), "w") as f:
        f.write("#zone\tfile\tparent\tsigner\talgorithm\tdenial\t"
                "nsec3\tkeys\tds\tbreakage\tpurpose\n")
        for z in ZONES:
            nsec3 = "-"
            if z.denial == "nsec3":
                nsec3 = "%d/%s%s" % (z.iterations, z.salt or "-",
                                     "/optout" if z.optout else "")
            keys = ",".join("%d:%d" % (k[2], k[1]) for k in z.keys) or "-"
            ds = ",".join("/".join(d.split()[2:5]) for d in z.ds) or "-"
            f.write("\t".join([
                z.name, "zones/%s.zone" % z.file, z.parent or "-",
                {"bind": "dnssec-signzone", "ldns": "ldns-signzone",
                 None: "-"}[z.signer],
                str(z.alg) if z.alg else "-", z.denial, nsec3, keys, ds,
                z.breakage or "-", z.purpose]) + "\n")
    with open(os.path.join(outdir, "nsd-zones.conf"), "w") as f:
        for z in ZONES:
            f.write('zone:\n\tname: "%s"\n\tzonefile: "%s.zone"\n'
                    % (z.name, z.file))
    write_manifest(os.path.join(outdir, "manifest.tsv"))


# ---------------------------------------------------------------- manifest
# Expected results, as a validating resolver answering a client that set
# DO=1 and CD=0. status: secure (AD=1), insecure (AD=0, data as is),
# bogus (SERVFAIL). ede: RFC 8914 sec. 4 info-code that fits, "-" if none.

def std_questions(z, status="secure", neg=None, ede="-", neg_ede="-"):
    """The standard set on the template names. neg: status of answers that
    rest on denial of existence (NXDOMAIN, NODATA, wildcard proofs)."""
    n = z.name
    neg = neg or status
    alg = ALG_NAME.get(z.alg, "unsigned")
    what = "%s %s" % (alg, z.denial.upper())
    rows = [
        ("www." + n, "A", status, ede, "NOERROR", "positive, " + what),
        ("www." + n, "AAAA", status, ede, "NOERROR", "positive AAAA"),
        ("nx." + n, "A", neg, neg_ede, "NXDOMAIN",
         "NXDOMAIN proof, " + z.denial),
        ("www." + n, "MX", neg, neg_ede, "NOERROR", "NODATA proof"),
        ("wild." + n, "TXT", neg, neg_ede, "NOERROR",
         "empty non-terminal NODATA"),
        ("host.wild." + n, "A", neg, neg_ede, "NOERROR",
         "wildcard expansion (no closer match proof)"),
        ("host.wild." + n, "TXT", neg, neg_ede, "NOERROR",
         "wildcard expansion TXT"),
        ("host.wild." + n, "AAAA", neg, neg_ede, "NOERROR",
         "wildcard NODATA"),
        ("cname2." + n, "A", status, ede, "NOERROR",
         "CNAME chain of 2 inside the zone"),
        (n, "DNSKEY", status, ede, "NOERROR", "apex DNSKEY"),
    ]
    if z.parent:
        rows.append((n, "DS", "secure", "-", "NOERROR",
                     "DS from the parent"))
    return rows


def manifest_rows():
    rows = []
    by = {z.name: z for z in ZONES}
    rows += [
        (".", "SOA", "secure", "-", "NOERROR", "root SOA, RSASHA256"),
        (".", "DNSKEY", "secure", "-", "NOERROR",
         "root DNSKEY, self-signed by the KSK in the trust anchor"),
        ("invalid.", "A", "secure", "-", "NXDOMAIN",
         "NXDOMAIN from the root, NSEC"),
        (".", "MX", "secure", "-", "NOERROR", "root NODATA, NSEC"),
        ("test.", "DS", "secure", "-", "NOERROR", "TLD DS from the root"),
        ("test.", "DNSKEY", "secure", "-", "NOERROR", "TLD DNSKEY"),
        ("ns.test.", "A", "secure", "-", "NOERROR", "TLD data, NSEC3"),
        ("nx.test.", "A", "secure", "-", "NXDOMAIN",
         "NXDOMAIN in the TLD, NSEC3"),
        ("ns.test.", "MX", "secure", "-", "NOERROR", "NODATA in the TLD"),
    ]
    for name in ("rsasha1.test.", "rsasha1-nsec3.test.", "rsa.test.",
                 "rsasha512.test.", "ecdsa.test.", "ecdsa384.test.",
                 "ed25519.test.", "ed448.test.", "nsec3.test.",
                 "nsec3-salt.test.", "iter1.test.", "chain.test."):
        rows += std_questions(by[name])
    # RFC 5155 sec. 6: an Opt-Out NSEC3 "does not assert the existence or
    # non-existence of the insecure delegations that it may cover", so a
    # proof whose next closer name is covered by an Opt-Out span (NXDOMAIN,
    # wildcard expansion) shows at most that the answer is insecure.
    optout_insecure = {"nx.", "host.wild."}
    for r in std_questions(by["nsec3-optout.test."]):
        if any(r[0].startswith(p) for p in optout_insecure):
            r = (r[0], r[1], "insecure", r[3], r[4],
                 r[5] + " (next closer covered by an Opt-Out NSEC3)")
        rows.append(r)
    # RFC 9276 sec. 3.2: above a validator's iteration limit, answers that
    # need NSEC3 are treated as insecure; EDE 27 (RFC 9276 sec. 3.3).
    # trustwire's default limit is 50, as BIND, PowerDNS Recursor and Knot
    # Resolver now use; the reference Unbound is configured the same way
    # (val-nsec3-keysize-iterations, lib.sh).
    for name in ("iter51.test.", "iter151.test.", "iter501.test."):
        rows += std_questions(by[name], neg="insecure", neg_ede="27")
    rows += [
        ("www.unsigned.nsec3-optout.test.", "A", "insecure", "-", "NOERROR",
         "below an opt-out insecure delegation"),
        ("unsigned.nsec3-optout.test.", "DS", "insecure", "-", "NOERROR",
         "no DS, only an opt-out NSEC3 covers it (RFC 5155 sec. 8.6)"),
        ("unsigned.nsec3-optout.test.", "DNSKEY", "insecure", "-",
         "NOERROR", "unsigned zone, NODATA"),
    ]
    rows += [
        ("www.unsigned.test.", "A", "insecure", "-", "NOERROR",
         "unsigned child, no DS proven by NSEC3 in test."),
        ("nx.unsigned.test.", "A", "insecure", "-", "NXDOMAIN",
         "NXDOMAIN in an unsigned zone"),
        ("host.wild.unsigned.test.", "A", "insecure", "-", "NOERROR",
         "wildcard in an unsigned zone"),
        ("unsigned.test.", "DS", "secure", "-", "NOERROR",
         "no DS: signed NSEC3 NODATA in test."),
        ("www.unsigned.ecdsa.test.", "A", "insecure", "-", "NOERROR",
         "unsigned child, no DS proven by NSEC in ecdsa.test."),
        ("nx.unsigned.ecdsa.test.", "A", "insecure", "-", "NXDOMAIN",
         "NXDOMAIN below an NSEC-proven insecure delegation"),
        ("unsigned.ecdsa.test.", "DS", "secure", "-", "NOERROR",
         "no DS: signed NSEC NODATA in ecdsa.test."),
        ("to-secure.unsigned.test.", "A", "insecure", "-", "NOERROR",
         "CNAME from an unsigned zone into a secure one"),
    ]
    for name, code, why in (
            ("unknown-digest.test.", "2",
             "DS RRset has only digest type 99 (RFC 4035 sec. 5.2, "
             "RFC 6840 sec. 5.2)"),
            ("unknown-alg.test.", "1",
             "DS RRset has only algorithm 253 (RFC 4035 sec. 5.2)")):
        rows += [
            ("www." + name, "A", "insecure", code, "NOERROR", why),
            ("nx." + name, "A", "insecure", code, "NXDOMAIN", why),
            (name, "DNSKEY", "insecure", code, "NOERROR", why),
            (name, "DS", "secure", "-", "NOERROR",
             "the unusable DS RRset itself is signed"),
        ]
    c = "chain.test."
    rows += [
        ("to-secure." + c, "A", "secure", "-", "NOERROR",
         "CNAME into another secure zone"),
        ("to-nsec3." + c, "A", "secure", "-", "NOERROR",
         "CNAME into an NSEC3 zone"),
        ("to-wild." + c, "A", "secure", "-", "NOERROR",
         "CNAME to a wildcard-expanded name in an NSEC3 zone"),
        ("to-nx." + c, "A", "secure", "-", "NXDOMAIN",
         "CNAME to a name that does not exist"),
        ("long1." + c, "A", "secure", "-", "NOERROR",
         "CNAME -> CNAME -> other zone"),
        ("to-insecure." + c, "A", "insecure", "-", "NOERROR",
         "CNAME into an unsigned zone"),
        ("to-optout." + c, "A", "insecure", "-", "NOERROR",
         "CNAME below an opt-out delegation"),
        ("to-bogus." + c, "A", "bogus", "6", "SERVFAIL",
         "CNAME into a tampered RRset"),
        ("to-expired." + c, "A", "bogus", "7", "SERVFAIL",
         "CNAME into an expired zone"),
        ("www.dname." + c, "A", "secure", "-", "NOERROR",
         "DNAME to ecdsa.test. (RFC 6672 sec. 5.3.1)"),
        ("www.dname3." + c, "A", "secure", "-", "NOERROR",
         "DNAME to nsec3.test."),
        ("nx.dname." + c, "A", "secure", "-", "NXDOMAIN",
         "DNAME to a name that does not exist"),
        ("www.dname-bogus." + c, "A", "bogus", "6", "SERVFAIL",
         "DNAME into a tampered RRset"),
    ]
    # Broken zones. EDE per RFC 8914 sec. 4.
    rows += [
        ("www.tampered.test.", "A", "bogus", "6", "SERVFAIL",
         "rdata changed after signing: signature does not verify"),
        ("mail.tampered.test.", "A", "secure", "-", "NOERROR",
         "untouched RRset in the same zone"),
        ("nx.tampered.test.", "A", "secure", "-", "NXDOMAIN",
         "untouched denial in the same zone"),
        ("www.expired.test.", "A", "bogus", "7", "SERVFAIL",
         "every signature expired"),
        ("expired.test.", "DNSKEY", "bogus", "7", "SERVFAIL",
         "DNSKEY RRSIG expired"),
        ("www.notyet.test.", "A", "bogus", "8", "SERVFAIL",
         "every signature not yet valid"),
        ("nx.notyet.test.", "A", "bogus", "8", "SERVFAIL",
         "denial with signatures not yet valid"),
        ("www.sigexpired.test.", "A", "bogus", "7", "SERVFAIL",
         "only this RRSIG expired"),
        ("mail.sigexpired.test.", "A", "secure", "-", "NOERROR",
         "other RRsets of the zone are fine"),
        ("www.dsmismatch.test.", "A", "bogus", "9", "SERVFAIL",
         "DS digest matches no DNSKEY"),
        ("dsmismatch.test.", "DNSKEY", "bogus", "9", "SERVFAIL",
         "DS digest matches no DNSKEY"),
        ("nx.nsecmissing.test.", "A", "bogus", "12", "SERVFAIL",
         "NXDOMAIN without the covering NSEC"),
        ("www.nsecmissing.test.", "A", "secure", "-", "NOERROR",
         "positive answers are fine"),
        ("nx.nsec3missing.test.", "A", "bogus", "12", "SERVFAIL",
         "NXDOMAIN without the covering NSEC3"),
        ("www.nsec3missing.test.", "A", "secure", "-", "NOERROR",
         "positive answers are fine"),
        ("www.badtag.test.", "A", "bogus", "9", "SERVFAIL",
         "RRSIG key tag matches no DNSKEY: no matching DNSKEY"),
        ("mail.badtag.test.", "A", "secure", "-", "NOERROR",
         "other RRsets of the zone are fine"),
        ("www.dnskey-nosig.test.", "A", "bogus", "10", "SERVFAIL",
         "DNSKEY RRset has no RRSIG"),
        ("dnskey-nosig.test.", "DNSKEY", "bogus", "10", "SERVFAIL",
         "DNSKEY RRset has no RRSIG"),
        ("www.norrsig.test.", "A", "bogus", "10", "SERVFAIL",
         "answer RRset has no RRSIG"),
        ("mail.norrsig.test.", "A", "secure", "-", "NOERROR",
         "other RRsets of the zone are fine"),
        ("www.nodnskey.test.", "A", "bogus", "9", "SERVFAIL",
         "DS present, DNSKEY RRset absent"),
    ]
    for z in ZONES:
        if z.breakage:
            rows.append((z.name, "DS", "secure", "-", "NOERROR",
                         "the parent's DS itself is validly signed"))
    return rows


def write_manifest(path):
    rows = manifest_rows()
    seen = set()
    with open(path, "w") as f:
        f.write("#qname\tqtype\texpected_status\texpected_ede\t"
                "expected_rcode\tcomment\n")
        for r in rows:
            key = (r[0], r[1])
            if key in seen:
                raise RuntimeError("duplicate manifest question %s %s" % key)
            seen.add(key)
            f.write("\t".join(r) + "\n")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    add_bench_zone(bench_names())
    build(sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
