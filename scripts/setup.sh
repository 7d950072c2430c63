#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs every build and test dependency with apt (Debian 12, as root),
# then configures and builds trustwire in ./build. Idempotent: packages
# already present are not fetched again and an existing build is reused.
#
# usage: scripts/setup.sh [--no-build]
set -euo pipefail

cd "$(dirname "$0")/.."

PACKAGES=(
	# toolchain and build
	build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
	llvm clang-format gcovr lcov valgrind
	# libraries
	libdpdk-dev dpdk dpdk-dev libssl-dev openssl libipsec-mb-dev libcmocka-dev
	libpcap-dev libyaml-dev
	# test bed: authoritative servers, resolver, signers, clients
	nsd knot knot-dnsutils unbound ldnsutils bind9-utils bind9-dnsutils
	dnsperf dnsdist iproute2 dns-root-data python3 procps
)

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: missing packages ${missing[*]}; run as root to install them" >&2
		exit 1
	fi
	echo "setup.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
	# The test bed starts its own servers in namespaces; the packaged
	# daemons must not hold port 53 on the host.
	for s in nsd knot unbound dnsdist; do
		systemctl disable --now "$s" >/dev/null 2>&1 || true
	done
else
	echo "setup.sh: all ${#PACKAGES[@]} packages present"
fi

if [ "${1:-}" = "--no-build" ]; then
	exit 0
fi

if [ ! -f build/build.ninja ]; then
	meson setup build
fi
ninja -C build
