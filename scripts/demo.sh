#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's first command (Debian 12, as root): install the packages and
# build the tree (scripts/setup.sh: apt, `meson setup build`, `ninja -C
# build`), then run trustwire's main job on an embedded default with
# scripts/testbed/demo-run.sh: a private signed DNS hierarchy served by NSD
# in a network namespace, Unbound as the recursive upstream, trustwire on
# the veth end (DPDK net_af_packet, no NIC, no hugepages needed), and dig
# showing a validated answer (ad), an unsigned one (no ad) and a forgery
# blocked with SERVFAIL + EDE 6. It keeps serving until Ctrl-C, which
# removes everything it started.
#
# usage: scripts/demo.sh [--once] [--hugepages]   (see demo-run.sh --help)
# The e2e suite runs `demo-run.sh --once` (meson test --suite e2e).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: needs root (apt, network namespaces, a DPDK port): sudo bash scripts/demo.sh" >&2
	exit 1
fi

bash scripts/setup.sh

if [ ! -x build/app/trustwire/trustwire ]; then
	echo "demo.sh: the build made no build/app/trustwire/trustwire (see the ninja output above)" >&2
	exit 1
fi
exec bash scripts/testbed/demo-run.sh "$@"
