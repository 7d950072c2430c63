# SPDX-License-Identifier: BSD-3-Clause
"""Fake upstream resolvers for the e2e 'upstream' case (standard library
only). Each listens on ADDR:53, UDP and TCP, inside the test bed's
server namespace, and forwards every question to the real Unbound
recursor, with misbehaviour on purpose:

  forger    A records in the answer section of A questions are changed
            (last octet + 1): the answer no longer matches its RRSIG, as
            a poisoned or lying resolver would give it;
  honest    forwards unchanged.

Both, over UDP:
  - TXT questions are answered with TC=1 (header and question only):
    the client must ask again over TCP (RFC 7766 sec. 5), where the
    real answer is given;
  - MX answers are held back DELAY seconds (identical questions must
    coalesce in the client meanwhile);
  - before the real answer, five forgeries a blind or on-path attacker
    would try (RFC 5452 sec. 9.1: address, ports, ID and question must
    all match, else the packet is not the answer):
      wrong ID; another question (first QNAME letter changed); from the
      other fake upstream's address; to another port of the client;
      from an address that is no upstream at all (SPOOF_ADDR:53).
    Every one of them must be dropped and counted (spoofed_dropped).

Each question is logged (address, transport, qname, qtype, action)."""

import socket
import struct
import threading
import time

import dnswire

T_A = dnswire.TYPES["A"]
T_TXT = dnswire.TYPES["TXT"]
T_MX = dnswire.TYPES["MX"]


def question_end(wire):
    """Offset after the first question (uncompressed QNAME)."""
    off = 12
    while wire[off] != 0:
        off += 1 + wire[off]
    return off + 5


LATE_S = 0.6   # the client may have given up (e2e: 800 ms timeout)


class FakeUpstreams:
    def __init__(self, roles, real, spoof_addr, delay=0.3):
        """roles: {addr: "forger"|"honest"}; real: the recursor."""
        self.roles = roles
        self.real = real
        self.delay = delay
        self.lock = threading.Lock()
        self.log = []           # (addr, transport, qname, qtype, action)
        self.spoofs_sent = 0
        self.late = 0           # UDP answers sent after LATE_S
        self.udp = {}
        self.tcp = {}
        self.stop = False
        self.spoof_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.spoof_sock.bind((spoof_addr, 53))
        for addr in roles:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((addr, 53))
            self.udp[addr] = u
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((addr, 53))
            t.listen(16)
            self.tcp[addr] = t
        for addr in roles:
            for fn in (self._udp_loop, self._tcp_loop):
                threading.Thread(target=fn, args=(addr,),
                                 daemon=True).start()

    def close(self):
        self.stop = True
        for s in list(self.udp.values()) + list(self.tcp.values()) + \
                [self.spoof_sock]:
            try:
                s.close()
            except OSError:
                pass

    def record(self, addr, tr, qname, qtype, action):
        with self.lock:
            self.log.append((addr, tr, qname.lower(), qtype, action))

    def seen(self, qname, qtype, tr=None):
        """Log entries for one question."""
        qname = qname.rstrip(".").lower() + "."
        qt = dnswire.type_value(qtype)
        with self.lock:
            return [e for e in self.log if e[2] == qname and e[3] == qt and
                    (tr is None or e[1] == tr)]

    def count(self, action):
        with self.lock:
            return sum(1 for e in self.log if e[4] == action)

    # ---------------------------------------------------------------- UDP

    def _udp_loop(self, addr):
        s = self.udp[addr]
        while not self.stop:
            try:
                wire, peer = s.recvfrom(65535)
            except OSError:
                return
            threading.Thread(target=self._udp_one, args=(addr, wire, peer),
                             daemon=True).start()

    def _forward_udp(self, wire):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as f:
            f.settimeout(3)
            f.connect((self.real, 53))
            f.send(wire)
            while True:
                data = f.recv(65535)
                if data[:2] == wire[:2]:
                    return data

    def _udp_one(self, addr, wire, peer):
        t0 = time.monotonic()
        try:
            q = dnswire.Message(wire)
            qname, qtype, _ = q.question[0]
            qend = question_end(wire)
        except (dnswire.ParseError, IndexError):
            return
        s = self.udp[addr]
        if qtype == T_TXT:
            # Header and question, TC=1: "ask me over TCP".
            flags = 0x8000 | 0x0200 | 0x0080 | (q.flags & 0x0110)
            resp = wire[:2] + struct.pack("!HHHHH", flags, 1, 0, 0, 0) + \
                wire[12:qend]
            action = "truncated"
        else:
            try:
                resp = self._forward_udp(wire)
            except OSError:
                self.record(addr, "udp", qname, qtype, "no-answer")
                return
            resp, action = self.misbehave(addr, qtype, resp)
            if qtype == T_MX:
                time.sleep(self.delay)
        self.spoof(addr, resp, qend, peer)
        self.record(addr, "udp", qname, qtype, action)
        if time.monotonic() - t0 > LATE_S:
            with self.lock:
                self.late += 1
        try:
            s.sendto(resp, peer)
        except OSError:
            pass

    def misbehave(self, addr, qtype, resp):
        if self.roles[addr] != "forger" or qtype != T_A:
            return resp, "forwarded"
        try:
            m = dnswire.Message(resp)
        except dnswire.ParseError:
            return resp, "forwarded"
        out = bytearray(resp)
        n = 0
        for rr in m.sections[0]:
            if rr[1] == T_A and rr[5] == 4:
                out[rr[4] + 3] = (out[rr[4] + 3] + 1) & 0xFF
                n += 1
        return bytes(out), "tampered" if n else "forwarded"

    def spoof(self, addr, resp, qend, peer):
        """The five forgeries (see the module's doc), sent before the
        real answer."""
        s = self.udp[addr]
        other = [a for a in self.udp if a != addr]
        wrong_id = bytes([resp[0] ^ 0x5A, resp[1] ^ 0xA5]) + resp[2:]
        q = bytearray(resp)
        # The first QNAME letter: another name of the same length.
        q[13] = ord("x") if q[13] != ord("x") else ord("y")
        wrong_q = bytes(q)
        sends = [(s, wrong_id, peer), (s, wrong_q, peer),
                 (s, resp, (peer[0], peer[1] ^ 0x0100)),
                 (self.spoof_sock, resp, peer)]
        if other:
            sends.append((self.udp[other[0]], resp, peer))
        for sock, data, to in sends:
            try:
                sock.sendto(data, to)
                with self.lock:
                    self.spoofs_sent += 1
            except OSError:
                pass

    # ---------------------------------------------------------------- TCP

    def _tcp_loop(self, addr):
        t = self.tcp[addr]
        while not self.stop:
            try:
                c, _ = t.accept()
            except OSError:
                return
            threading.Thread(target=self._tcp_conn, args=(addr, c),
                             daemon=True).start()

    def _tcp_conn(self, addr, c):
        c.settimeout(10)
        with c:
            while True:
                try:
                    hdr = dnswire._recv_exact(c, 2)
                    wire = dnswire._recv_exact(
                        c, struct.unpack("!H", hdr)[0])
                    q = dnswire.Message(wire)
                    qname, qtype, _ = q.question[0]
                except (OSError, dnswire.ParseError, IndexError,
                        struct.error):
                    return
                try:
                    resp = dnswire.query_tcp(self.real, 53, wire, 3)
                except (OSError, dnswire.ParseError):
                    self.record(addr, "tcp", qname, qtype, "no-answer")
                    return
                resp, action = self.misbehave(addr, qtype, resp)
                self.record(addr, "tcp", qname, qtype, action)
                try:
                    c.sendall(struct.pack("!H", len(resp)) + resp)
                except OSError:
                    return
