#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# netns.sh up NAME [OUTDIR] | down NAME | status NAME
#
# The end-to-end test bed (root only). `up` makes, in order:
#   - the zones (make-zones.sh OUTDIR; default /tmp/trustwire-testbed);
#   - network namespace NAME ("servers") and NAME-tw ("trustwire side"),
#     joined by a veth pair: srv0 in NAME, tw0 in NAME-tw;
#   - in NAME, on srv0 (documentation addresses, RFC 5737 / RFC 3849,
#     reachable only inside these two namespaces):
#       192.0.2.1     2001:db8::1    client source address (dig, dnsperf)
#       192.0.2.53    2001:db8::53   NSD, authoritative for every zone
#                                    (ns.test. of the root hints), port 53
#       192.0.2.10    2001:db8::10   Unbound recursor: the upstream for
#                                    trustwire; root hints + trust anchor
#       192.0.2.11    2001:db8::11   Unbound validating forwarder to
#                                    192.0.2.10: the reference validator
#   - tw0 in NAME-tw: up, no address, IPv6 off, for DPDK net_af_packet
#     (--vdev=net_af_packet0,iface=tw0 under `ip netns exec NAME-tw`).
#     trustwire owns 192.0.2.2 / 2001:db8::2 and answers ARP/ND for them.
#   MACs: srv0 02:74:77:00:00:01, tw0 02:74:77:00:00:02.
#   TX checksum offload and TSO are off on both ends (offload.py), so
#   AF_PACKET sees complete, MTU-sized frames.
# Writes /run/trustwire-testbed/NAME/env (shell variables TB_*) for tests.
# `down` stops every server it started (by pid), ends any process still
# inside the two namespaces (by pid), deletes the namespaces and the state.
set -Eeuo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/testbed/lib.sh
. "$here/lib.sh"

usage() {
	echo "usage: $0 up NAME [OUTDIR] | down NAME | status NAME" >&2
	exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
name=$2
case $name in
'' | *[!a-zA-Z0-9_-]*) tb_die "bad namespace name '$name'" || exit 2 ;;
esac
[ ${#name} -le 28 ] || { tb_die "namespace name too long" || exit 2; }
twns=$name-tw
state=/run/trustwire-testbed/$name

SRV_MAC=02:74:77:00:00:01
TW_MAC=02:74:77:00:00:02
CLIENT4=192.0.2.1 CLIENT6=2001:db8::1
TW4=192.0.2.2 TW6=2001:db8::2
RECURSOR4=192.0.2.10 RECURSOR6=2001:db8::10
REFERENCE4=192.0.2.11 REFERENCE6=2001:db8::11
NSD4=192.0.2.53 NSD6=2001:db8::53

ns_exists() {
	ip netns list | awk '{print $1}' | grep -qxF -- "$1"
}

# end_ns_procs NS: TERM, then KILL, every process left in namespace NS.
end_ns_procs() {
	local ns=$1 pids p
	ns_exists "$ns" || return 0
	pids=$(ip netns pids "$ns" 2>/dev/null || true)
	[ -n "$pids" ] || return 0
	echo "netns: ending processes left in $ns:" "${pids//$'\n'/ }" >&2
	for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
	for _ in $(seq 1 50); do
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[ -n "$pids" ] || return 0
		sleep 0.1
	done
	for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
	sleep 0.2
}

do_down() {
	if [ -d "$state" ]; then
		tb_stop_all "$state"
	fi
	end_ns_procs "$name"
	end_ns_procs "$twns"
	if ns_exists "$name"; then ip netns del "$name"; fi
	if ns_exists "$twns"; then ip netns del "$twns"; fi
	rm -rf "$state"
	rmdir /run/trustwire-testbed 2>/dev/null || true
}

do_up() {
	local outdir=${1:-/tmp/trustwire-testbed} a
	[ "$(id -u)" -eq 0 ] || { tb_die "netns.sh up needs root" || exit 1; }
	if ns_exists "$name" || ns_exists "$twns" || [ -d "$state" ]; then
		tb_die "test bed $name exists; run: $0 down $name" || exit 1
	fi
	bash "$here/make-zones.sh" "$outdir" >&2
	outdir=$(cd "$outdir" && pwd)
	mkdir -p "$state"
	# From here on, a failure takes everything down again.
	trap 'trap - ERR; echo "netns: up failed, cleaning up" >&2; do_down;
		exit 1' ERR
	trap 'trap - ERR; do_down; exit 130' INT TERM

	ip netns add "$name"
	ip netns add "$twns"
	ip -n "$name" link set lo up
	ip -n "$twns" link set lo up
	ip link add name srv0 address "$SRV_MAC" netns "$name" type veth \
		peer name tw0 address "$TW_MAC" netns "$twns"
	ip netns exec "$twns" sysctl -qw net.ipv6.conf.tw0.disable_ipv6=1
	ip netns exec "$name" sysctl -qw net.ipv6.conf.srv0.accept_ra=0
	for a in "$CLIENT4" "$RECURSOR4" "$REFERENCE4" "$NSD4"; do
		ip -n "$name" addr add "$a/24" dev srv0
	done
	for a in "$CLIENT6" "$RECURSOR6" "$REFERENCE6" "$NSD6"; do
		ip -n "$name" addr add "$a/64" dev srv0 nodad
	done
	ip -n "$name" link set srv0 up
	ip -n "$twns" link set tw0 up
	ip netns exec "$name" python3 "$here/offload.py" srv0 >&2
	ip netns exec "$twns" python3 "$here/offload.py" tw0 >&2

	tb_nsd_start "$outdir" "$NSD4,$NSD6" 53 "$state" "$name"
	tb_unbound_conf recursor "$outdir" "$state" recursor \
		"$RECURSOR4,$RECURSOR6" 53 >"$state/recursor.conf"
	tb_unbound_start "$state/recursor.conf" "$state" recursor "$name"
	tb_unbound_conf forwarder "$outdir" "$state" reference \
		"$REFERENCE4,$REFERENCE6" 53 "$RECURSOR4@53" \
		>"$state/reference.conf"
	tb_unbound_start "$state/reference.conf" "$state" reference "$name"

	cat >"$state/env" <<EOF
# trustwire test bed $name (netns.sh); source this file.
TB_NETNS=$name
TB_TW_NETNS=$twns
TB_OUTDIR=$outdir
TB_STATE=$state
TB_TW_IF=tw0
TB_TW_MAC=$TW_MAC
TB_TW_IP4=$TW4
TB_TW_IP6=$TW6
TB_SRV_IF=srv0
TB_SRV_MAC=$SRV_MAC
TB_CLIENT_IP4=$CLIENT4
TB_CLIENT_IP6=$CLIENT6
TB_NSD_IP4=$NSD4
TB_NSD_IP6=$NSD6
TB_RECURSOR_IP4=$RECURSOR4
TB_RECURSOR_IP6=$RECURSOR6
TB_REFERENCE_IP4=$REFERENCE4
TB_REFERENCE_IP6=$REFERENCE6
EOF
	trap - ERR INT TERM
	echo "netns: test bed $name up (state $state/env)"
}

do_status() {
	local f pid cmd
	if ! ns_exists "$name"; then
		echo "netns: $name is down"
		return 1
	fi
	ip -n "$name" -br addr show dev srv0
	for f in "$state"/*.proc; do
		[ -e "$f" ] || continue
		IFS=$'\t' read -r pid cmd <"$f"
		if tb_alive "$pid" "${cmd##* }"; then
			echo "$(basename "$f" .proc): pid $pid running"
		else
			echo "$(basename "$f" .proc): pid $pid NOT running"
		fi
	done
}

case $cmd in
up) do_up "${3:-}" ;;
down) do_down ;;
status) do_status ;;
*) usage ;;
esac
