# SPDX-License-Identifier: BSD-3-Clause
"""Minimal DNS wire helpers for the trustwire test bed (plain python3).

Only what the test bed needs: build a query with an EDNS OPT record
(RFC 6891), send it over UDP with TCP fallback on TC=1 (RFC 7766 sec. 5),
and parse a response far enough to read the header, the rcode (extended
by the OPT record, RFC 6891 sec. 6.1.3), the answer section (for CNAME /
DNAME targets) and Extended DNS Errors (RFC 8914 sec. 2).
Also the NSEC3 hash (RFC 5155 sec. 5) and canonical name order
(RFC 4034 sec. 6.1), used when breaking zones on purpose.
"""

import base64
import hashlib
import secrets
import socket
import struct

TYPES = {
    "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
    "AAAA": 28, "SRV": 33, "DNAME": 39, "OPT": 41, "DS": 43, "RRSIG": 46,
    "NSEC": 47, "DNSKEY": 48, "NSEC3": 50, "NSEC3PARAM": 51, "CDS": 59,
    "CDNSKEY": 60, "ANY": 255,
}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
RCODES = {
    0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP",
    5: "REFUSED", 16: "BADVERS",
}
RCODE_VALUES = {v: k for k, v in RCODES.items()}

FLAG_QR = 0x8000
FLAG_AA = 0x0400
FLAG_TC = 0x0200
FLAG_RD = 0x0100
FLAG_RA = 0x0080
FLAG_AD = 0x0020
FLAG_CD = 0x0010
EDNS_DO = 0x8000
OPT_EDE = 15  # RFC 8914 sec. 2


def type_value(name):
    name = name.upper()
    if name in TYPES:
        return TYPES[name]
    if name.startswith("TYPE"):
        return int(name[4:])
    raise ValueError("unknown RR type %s" % name)


def type_name(value):
    return TYPE_NAMES.get(value, "TYPE%d" % value)


def name_to_wire(name):
    """Presentation name (absolute or not, no escapes) to wire labels."""
    name = name.rstrip(".")
    out = b""
    if name:
        for label in name.split("."):
            raw = label.encode("ascii")
            if not 0 < len(raw) < 64:
                raise ValueError("bad label in %r" % name)
            out += bytes([len(raw)]) + raw
    return out + b"\x00"


def canonical_key(name):
    """Sort key for RFC 4034 sec. 6.1 canonical order (no escapes)."""
    labels = name.rstrip(".").lower().split(".") if name.strip(".") else []
    return [lab.encode("ascii") for lab in reversed(labels)]


def nsec3_hash(name, salt_hex, iterations):
    """RFC 5155 sec. 5: IH(salt, x, 0) = H(x || salt), base32hex."""
    salt = b"" if salt_hex in ("", "-") else bytes.fromhex(salt_hex)
    digest = hashlib.sha1(name_to_wire(name.lower()) + salt).digest()
    for _ in range(iterations):
        digest = hashlib.sha1(digest + salt).digest()
    std = base64.b32encode(digest).decode("ascii")
    # RFC 4648 sec. 7 "base32hex": map the standard alphabet onto 0-9A-V.
    table = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
                          "0123456789ABCDEFGHIJKLMNOPQRSTUV")
    return std.translate(table).lower()


def build_query(qname, qtype, qid=None, rd=False, cd=True, do=True,
                bufsize=4096, ad=False):
    """A query with one question and an OPT RR (RFC 6891 sec. 6.1.2)."""
    if qid is None:
        qid = secrets.randbelow(65536)
    flags = (FLAG_RD if rd else 0) | (FLAG_CD if cd else 0) | \
        (FLAG_AD if ad else 0)
    hdr = struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 1)
    question = name_to_wire(qname) + struct.pack("!HH", type_value(qtype), 1)
    opt = b"\x00" + struct.pack("!HHIH", TYPES["OPT"], bufsize,
                                EDNS_DO if do else 0, 0)
    return qid, hdr + question + opt


class ParseError(Exception):
    pass


def _read_name(msg, off, depth=0):
    """Returns (name, offset after the name in place). Follows pointers."""
    labels = []
    end = None
    hops = 0
    while True:
        if off >= len(msg):
            raise ParseError("name runs past the message")
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(msg):
                raise ParseError("truncated pointer")
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            hops += 1
            if hops > 64:
                raise ParseError("compression loop")
            continue
        if n & 0xC0:
            raise ParseError("bad label type")
        off += 1
        if n == 0:
            break
        if off + n > len(msg):
            raise ParseError("label runs past the message")
        labels.append(msg[off:off + n].decode("ascii", "backslashreplace"))
        off += n
    name = ".".join(labels) + "."
    return name, (end if end is not None else off)


class Message:
    """A parsed response: header fields, question, RRs (owner, type, class,
    ttl, rdata offset, rdlength) per section, EDNS info."""

    def __init__(self, wire):
        if len(wire) < 12:
            raise ParseError("short header")
        self.wire = wire
        (self.id, self.flags, qd, an, ns, ar) = struct.unpack(
            "!HHHHHH", wire[:12])
        off = 12
        self.question = []
        for _ in range(qd):
            name, off = _read_name(wire, off)
            if off + 4 > len(wire):
                raise ParseError("short question")
            t, c = struct.unpack("!HH", wire[off:off + 4])
            off += 4
            self.question.append((name, t, c))
        self.sections = []
        for count in (an, ns, ar):
            rrs = []
            for _ in range(count):
                name, off = _read_name(wire, off)
                if off + 10 > len(wire):
                    raise ParseError("short RR header")
                t, c, ttl, rdlen = struct.unpack("!HHIH", wire[off:off + 10])
                off += 10
                if off + rdlen > len(wire):
                    raise ParseError("rdata runs past the message")
                rrs.append((name, t, c, ttl, off, rdlen))
                off += rdlen
            self.sections.append(rrs)
        self.edns = None
        self.ede = []
        ext_rcode = 0
        for (name, t, c, ttl, roff, rdlen) in self.sections[2]:
            if t != TYPES["OPT"]:
                continue
            self.edns = {"bufsize": c, "flags": ttl & 0xFFFF,
                         "version": (ttl >> 16) & 0xFF}
            ext_rcode = (ttl >> 24) & 0xFF
            p = roff
            while p + 4 <= roff + rdlen:
                code, olen = struct.unpack("!HH", wire[p:p + 4])
                data = wire[p + 4:p + 4 + olen]
                if code == OPT_EDE and olen >= 2:
                    info = struct.unpack("!H", data[:2])[0]
                    text = data[2:].decode("utf-8", "replace")
                    self.ede.append((info, text))
                p += 4 + olen
        self.rcode = (ext_rcode << 4) | (self.flags & 0xF)

    @property
    def answer(self):
        return self.sections[0]

    def rdata_name(self, rr):
        """The domain name at the start of an RR's rdata (CNAME, DNAME)."""
        return _read_name(self.wire, rr[4])[0]

    def flag_names(self):
        names = []
        for bit, label in ((FLAG_QR, "qr"), (FLAG_AA, "aa"), (FLAG_TC, "tc"),
                           (FLAG_RD, "rd"), (FLAG_RA, "ra"), (FLAG_AD, "ad"),
                           (FLAG_CD, "cd")):
            if self.flags & bit:
                names.append(label)
        return ",".join(names) if names else "-"

    def rcode_name(self):
        return RCODES.get(self.rcode, "RCODE%d" % self.rcode)


def _recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ParseError("TCP connection closed early")
        buf += chunk
    return buf


def _family(server):
    return socket.AF_INET6 if ":" in server else socket.AF_INET


def query_tcp(server, port, wire, timeout=5.0):
    """RFC 1035 sec. 4.2.2 / RFC 7766: two-byte length prefix."""
    with socket.socket(_family(server), socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect((server, port))
        s.sendall(struct.pack("!H", len(wire)) + wire)
        n = struct.unpack("!H", _recv_exact(s, 2))[0]
        return _recv_exact(s, n)


def query_udp(server, port, wire, qid, timeout=2.0, tries=3):
    with socket.socket(_family(server), socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect((server, port))
        for attempt in range(tries):
            s.send(wire)
            try:
                while True:
                    data = s.recv(65535)
                    # Ignore anything that is not the answer to this query
                    # (RFC 5452 sec. 9.1: ID and question must match).
                    if len(data) >= 12 and data[:2] == wire[:2] and \
                            data[12:12 + len(wire) - 23] == wire[12:-11]:
                        return data
            except socket.timeout:
                if attempt == tries - 1:
                    raise
    raise socket.timeout("no answer")


def resolve(server, port, qname, qtype, **kw):
    """Ask over UDP; retry over TCP when TC=1. Returns (wire, transport)."""
    timeout = kw.pop("timeout", 2.0)
    qid, wire = build_query(qname, qtype, **kw)
    data = query_udp(server, port, wire, qid, timeout=timeout)
    msg = Message(data)
    if msg.flags & FLAG_TC:
        data = query_tcp(server, port, wire, timeout=timeout * 3)
        if data[:2] != wire[:2]:
            raise ParseError("TCP answer with the wrong ID")
        return data, "tcp"
    return data, "udp"


def free_port(addr="127.0.0.1"):
    """A port that is free for both UDP and TCP on addr right now."""
    fam = _family(addr)
    for _ in range(200):
        port = 20000 + secrets.randbelow(40000)
        socks = []
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                s = socket.socket(fam, kind)
                socks.append(s)
                s.bind((addr, port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise OSError("no free port on %s" % addr)


def read_zones(path):
    zones = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            zones.append(line.rstrip("\n").split("\t"))
    return zones


def wait_ready(server, port, zones_tsv, timeout=15.0):
    """Waits until the server answers, then checks that it is
    authoritative (AA, NOERROR, one SOA) for every zone in zones.tsv.
    Returns a list of problems (empty: all loaded)."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        try:
            resolve(server, port, ".", "SOA", timeout=0.3)
            break
        except (OSError, ParseError):
            if time.monotonic() > deadline:
                return ["%s port %d does not answer" % (server, port)]
            time.sleep(0.1)
    problems = []
    for row in read_zones(zones_tsv):
        zone = row[0]
        data, _ = resolve(server, port, zone, "SOA")
        m = Message(data)
        soa = [rr for rr in m.answer if rr[1] == TYPES["SOA"] and
               rr[0].lower() == zone.lower()]
        if m.rcode != 0 or not m.flags & FLAG_AA or len(soa) != 1:
            problems.append("%s: rcode %s flags %s, %d SOA" % (
                zone, m.rcode_name(), m.flag_names(), len(soa)))
    return problems


def _main(argv):
    import sys
    if len(argv) >= 2 and argv[1] == "freeport":
        print(free_port(argv[2] if len(argv) > 2 else "127.0.0.1"))
        return 0
    if len(argv) in (5, 6) and argv[1] == "wait":
        t = float(argv[5]) if len(argv) == 6 else 15.0
        problems = wait_ready(argv[2], int(argv[3]), argv[4], t)
        for p in problems:
            sys.stderr.write("not served: %s\n" % p)
        return 1 if problems else 0
    sys.stderr.write("usage: dnswire.py freeport [ADDR] | "
                     "wait SERVER PORT ZONES.TSV [TIMEOUT]\n")
    return 2


if __name__ == "__main__":
    import sys
    sys.exit(_main(sys.argv))
