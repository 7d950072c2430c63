#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's first command: set up and run trustwire's main job on an
# embedded default (a virtual port in a network namespace and a local
# signed test upstream), then show a validated answer, an unsigned one and
# a blocked forgery with dig.
#
# Status: the data plane (app/trustwire) is not built yet (issue 4). Until
# it is, this script installs and builds everything and says what it will
# do; it does not pretend to validate anything.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

if [ -x build/app/trustwire/trustwire ]; then
	exec bash scripts/testbed/demo-run.sh "$@"
fi

cat <<'TXT'

trustwire: built the libraries and tests; the DPDK data plane is not written
yet, so there is nothing to start. When it exists, this command will:
  1. create a network namespace with a veth pair and start NSD serving a
     private signed hierarchy (own root, a TLD, children signed with
     RSASHA256, ECDSAP256SHA256 and ED25519, plus deliberately broken zones);
  2. start trustwire on the veth end with net_af_packet, that root as its
     trust anchor and the local resolver as upstream;
  3. query it with dig: a validated answer (flags: ad), an unsigned one
     (no ad) and a forgery refused with SERVFAIL and an Extended DNS Error;
  4. stop and clean up everything on Ctrl-C.
What works today: `bash scripts/test.sh` (unit, fuzz-replay, sanitizers).
TXT
