#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Minimal DPDK telemetry v2 client (what dpdk-telemetry.py does, without
needing the dpdk-dev package): prints the JSON reply of one command.

usage: tel_query.py FILE_PREFIX COMMAND     e.g. tw-smoke-123 /trustwire/stats
The socket is /var/run/dpdk/PREFIX/dpdk_telemetry.v2 for root
($XDG_RUNTIME_DIR/dpdk/PREFIX/... otherwise).
"""
import json
import os
import socket
import sys


def main():
    prefix, cmd = sys.argv[1], sys.argv[2]
    base = "/var/run" if os.getuid() == 0 else os.environ.get(
        "XDG_RUNTIME_DIR", "/tmp")
    path = os.path.join(base, "dpdk", prefix, "dpdk_telemetry.v2")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    info = json.loads(s.recv(1024).decode())
    s.send(cmd.encode())
    reply = json.loads(s.recv(info.get("max_output_len", 16384)).decode())
    s.close()
    json.dump(reply, sys.stdout)
    print()
    return 0 if info.get("version") else 1


if __name__ == "__main__":
    sys.exit(main())
