#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Smoke tests of the trustwire binary (meson suite 'app').
#
# usage: smoke.sh CASE TRUSTWIRE_BINARY
#   config  bad config file -> exit 2 with FILE:LINE; --help; --check
#           (no root: the configuration is checked before EAL starts)
#   null    net_null: starts, polls (rx > 0, live telemetry), stops
#           cleanly on SIGTERM, and again on SIGINT, with final statistics
#   pcap    net_pcap replaying one frame of each class: exact counters
#           for classify -> hooks -> validator rings, and the ARP, ND
#           and echo replies the worker wrote (checked in its tx_pcap)
#   hugepages  the null case on 64 private 2 MB pages (scripts/hugepages.sh)
#   tap     trustwire in a namespace on net_af_packet (veth) with the
#           net_tap exception path: a client in another namespace gets
#           ARP, ND, ICMP/ICMPv6 port unreachable and a TCP RST from the
#           kernel behind the TAP, and DNS answers over TCP/53 (the
#           kernel-socket listener) and UDP (SERVFAIL + EDE 22: no
#           upstream configured)
# DPDK cases need root (else exit 77, meson's skip); every run has its
# own --file-prefix, --no-huge (no hugetlbfs) and --no-pci (never touch
# the machine's NICs), one lcore (-l 0: all roles), and a bounded time.
set -uo pipefail

case_=${1:?case}
bin=${2:?trustwire binary}
here=$(cd "$(dirname "$0")" && pwd)
py=$(command -v python3)
prefix="tw-smoke-$$-$case_"
work=$(mktemp -d "/tmp/$prefix.XXXXXX")
pid=
nets=()
hdir=

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if [ -n "$hdir" ] && mountpoint -q "$hdir" 2>/dev/null; then
		bash "$here/../../scripts/hugepages.sh" down "$hdir" >/dev/null
	fi
	for n in "${nets[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$work" "/var/run/dpdk/$prefix" 2>/dev/null
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	if [ -f "$work/log" ]; then
		echo "--- trustwire output ---"
		cat "$work/log"
	fi
	exit 1
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root (DPDK ports)"
		exit 77
	fi
}

eal=(--no-huge --no-pci -l 0 --file-prefix "$prefix"
	--log-level=lib.eal:warning)

# Run a command (trustwire) in the background; wait for "running".
start() {
	"$@" >"$work/log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		if grep -q "trustwire: running on" "$work/log"; then
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			fail "trustwire exited during start-up"
		fi
		sleep 0.1
	done
	fail "trustwire did not start within 10 s"
}

# Stop with SIGTERM (or SIGNAME) and check the clean-stop contract.
stop_term() {
	local sig=${1:-TERM}
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" -eq 0 ] || fail "exit status $rc after SIG$sig (want 0)"
	grep -q "trustwire: stopping on signal SIG$sig" "$work/log" ||
		fail "no 'stopping on signal SIG$sig' line"
	grep -q "trustwire: final statistics" "$work/log" ||
		fail "no final statistics"
}

# counter NAME: value of NAME=... on the final "total:" line.
counter() {
	grep '^total:' "$work/log" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

expect_counter() {
	local v
	v=$(counter "$1")
	[ "$v" = "$2" ] || fail "counter $1 = '${v}', want $2"
}

# tel KEY: a counter from live telemetry (/trustwire/stats).
tel() {
	"$py" "$here/tel_query.py" "$prefix" /trustwire/stats |
		"$py" -c 'import json,sys; print(json.load(sys.stdin)["/trustwire/stats"][sys.argv[1]])' "$1"
}

case "$case_" in
config)
	cat >"$work/bad.yaml" <<-'EOF'
		listen:
		  - 192.0.2.53/24
		upstreams:
		  - 192.0.2.1:99999
	EOF
	"$bin" "${eal[@]}" -- -c "$work/bad.yaml" >"$work/log" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || fail "bad config: exit status $rc, want 2"
	want="trustwire: $work/bad.yaml:4: 'upstreams': '192.0.2.1:99999' is not an address with an optional port 1-65535 (fix: write ADDR, ADDR:PORT or [IPV6]:PORT, e.g. 192.0.2.1:53 or [2001:db8::1]:53)"
	grep -qxF "$want" "$work/log" || fail "bad config message; want: $want"

	printf 'cache:\n  entries: 5000\n\tmax_ttl: 10\n' >"$work/tab.yaml"
	"$bin" -- --config "$work/tab.yaml" >"$work/log" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || fail "YAML syntax error: exit status $rc, want 2"
	grep -q "^trustwire: $work/tab.yaml:3: YAML syntax error" "$work/log" ||
		fail "YAML syntax error message without file:line"

	"$bin" -- --listen 192.0.2.53 >"$work/log" 2>&1
	[ $? -eq 2 ] || fail "bad --listen: want exit status 2"
	grep -q "^trustwire: command line: --listen '192.0.2.53'" "$work/log" ||
		fail "bad --listen message"

	"$bin" -- --trust-anchor "$work/none.key" >"$work/log" 2>&1
	[ $? -eq 2 ] || fail "missing trust anchor: want exit status 2"
	grep -q "trust anchor file '$work/none.key': No such file" "$work/log" ||
		fail "missing trust anchor message"

	"$bin" --help >"$work/log" 2>&1 || fail "--help: non-zero exit"
	grep -q "^usage: trustwire \[EAL options\] -- \[options\]" "$work/log" ||
		fail "--help text"
	"$bin" -l 0 -- -h >"$work/log" 2>&1 || fail "-- -h: non-zero exit"
	grep -q -- "--upstream ADDR\[:PORT\]" "$work/log" || fail "-h text"

	printf 'listen: [192.0.2.53/24]\nupstreams: [192.0.2.1]\n' >"$work/ok.yaml"
	"$bin" -- -c "$work/ok.yaml" --check >"$work/log" 2>&1 ||
		fail "--check of a good file failed"
	grep -q "configuration OK" "$work/log" || fail "--check output"
	grep -q '"192.0.2.1:53"' "$work/log" || fail "--check printed config"
	echo "config: OK"
	;;
null)
	need_root
	start "$bin" "${eal[@]}" --vdev net_null0 -- --duration 60
	sleep 1
	rx=$(tel rx) || fail "telemetry query failed"
	[ "${rx:-0}" -gt 0 ] || fail "live telemetry rx = '$rx', want > 0"
	echo "live telemetry: rx=$rx"
	stop_term
	rx=$(counter rx)
	[ "${rx:-0}" -gt 0 ] || fail "final rx = '$rx', want > 0"
	grep -qE '^port 0 net_null0: ipackets [1-9]' "$work/log" ||
		fail "no ethdev statistics"
	grep -E '^(trustwire: stopping|total:)' "$work/log"
	# Ctrl-C: SIGINT stops it the same way.
	start "$bin" "${eal[@]}" --vdev net_null0 -- --duration 60
	sleep 0.5
	stop_term INT
	rx=$(counter rx)
	[ "${rx:-0}" -gt 0 ] || fail "final rx = '$rx' after SIGINT, want > 0"
	grep -E '^trustwire: stopping' "$work/log"
	echo "null: OK"
	;;
pcap)
	need_root
	mac=02:70:63:61:70:00 # net_pcap's address for file-backed ports
	"$py" "$here/gen_pcap.py" "$work/in.pcap" "$mac" >"$work/expect" ||
		fail "gen_pcap.py"
	"$bin" "${eal[@]}" \
		--vdev "net_pcap0,rx_pcap=$work/in.pcap,tx_pcap=$work/out.pcap" \
		-- --duration 2 --listen 192.0.2.53/24 --listen 2001:db8::53/64 \
		--upstream 192.0.2.1 >"$work/log" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || fail "exit status $rc (want 0)"
	grep -qi "mac $mac" "$work/log" ||
		fail "net_pcap port MAC is not $mac: frames would not be ours"
	. "$work/expect"
	expect_counter rx "$((arp + nd + echo + queries + upstream + spoofed + exception + fragments + bad_cksum + malformed + not_ours))"
	expect_counter arp_replies "$arp"
	expect_counter nd_replies "$nd"
	expect_counter echo_replies "$echo"
	# The validator asks for the upstream's MAC (no answer here), once
	# a second: the queries wait for it.
	nreq=$(counter neigh_requests)
	[ "${nreq:-0}" -ge 1 ] || fail "no ARP request for the upstream"
	expect_counter tx "$((arp + nd + echo + nreq))"
	expect_counter queries "$queries"
	expect_counter misses "$queries"
	expect_counter validator_misses "$queries"
	# Queries 1 and 3 ask the same question: one upstream fetch.
	expect_counter coalesced 1
	expect_counter upstream_responses "$upstream"
	expect_counter validator_responses "$upstream"
	# The "upstream" answer matches no query of ours (RFC 5452 9.1):
	# the validator drops it as spoofed too.
	expect_counter spoofed_dropped "$((spoofed + upstream))"
	expect_counter exception_dropped "$exception"
	expect_counter fragments_dropped "$fragments"
	expect_counter bad_cksum_dropped "$bad_cksum"
	expect_counter malformed_dropped "$malformed"
	expect_counter not_ours "$not_ours"
	expect_counter ring_full_dropped 0
	# The replies trustwire transmitted: right types, from our MAC.
	"$py" "$here/gen_pcap.py" --check "$work/out.pcap" "$mac" \
		>"$work/sent" || fail "gen_pcap.py --check"
	cat "$work/sent"
	grep -qx "tx_arp_reply=$arp" "$work/sent" || fail "ARP reply not sent"
	grep -qx "tx_nd_na=$nd" "$work/sent" || fail "ND advertisement not sent"
	grep -qx "tx_echo_reply=$echo" "$work/sent" || fail "echo reply not sent"
	grep -qx "tx_arp_request=$nreq" "$work/sent" ||
		fail "ARP request for the upstream not sent"
	grep -qx "tx_other=0" "$work/sent" || fail "unexpected frames sent"
	grep '^total:' "$work/log"
	# The same frames with client prefixes that leave the clients out
	# (198.51.100.7, 2001:db8::7): their queries are dropped and
	# counted (denied_dropped), nothing is asked upstream; ARP, ND and
	# echo are answered as before.
	"$bin" "${eal[@]}" \
		--vdev "net_pcap0,rx_pcap=$work/in.pcap,tx_pcap=$work/out2.pcap" \
		-- --duration 2 --listen 192.0.2.53/24 --listen 2001:db8::53/64 \
		--upstream 192.0.2.1 --allow 203.0.113.0/24 \
		--allow 2001:db8:ffff::/48 >"$work/log" 2>&1 ||
		fail "exit status $? with --allow (want 0)"
	grep -q "clients allowed: 203.0.113.0/24" "$work/log" ||
		fail "the allowed prefixes are not logged"
	expect_counter denied_dropped "$queries"
	expect_counter queries 0
	expect_counter validator_misses 0
	expect_counter arp_replies "$arp"
	expect_counter echo_replies "$echo"
	# Without --allow the start says the resolver is open.
	"$bin" "${eal[@]}" --vdev net_null0 -- --duration 1 \
		--listen 192.0.2.53/24 >"$work/log" 2>&1 ||
		fail "exit status $? on net_null"
	grep -q "open resolver" "$work/log" ||
		fail "no warning about an open resolver"
	echo "pcap: OK"
	;;
tap)
	need_root
	if [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
		echo "SKIP: needs /dev/net/tun and iproute2"
		exit 77
	fi
	# Like the test bed: trustwire in its own namespace on one end of a
	# veth (no kernel address there), a client namespace on the other.
	cns="twc$$" tns="twt$$" tap="twx$$"
	ip netns add "$cns" || fail "ip netns add"
	nets+=("$cns")
	ip netns add "$tns" || fail "ip netns add"
	nets+=("$tns")
	ip -n "$tns" link add "twa$$" type veth peer name "twb$$" \
		netns "$cns" || fail "veth"
	ip netns exec "$tns" sysctl -qw "net.ipv6.conf.twa$$.disable_ipv6=1"
	ip -n "$tns" link set "twa$$" up
	ip -n "$cns" addr add 192.0.2.7/24 dev "twb$$"
	ip -n "$cns" addr add 2001:db8::7/64 dev "twb$$" nodad
	ip -n "$cns" link set "twb$$" up
	start ip netns exec "$tns" "$bin" "${eal[@]}" \
		--vdev "net_af_packet0,iface=twa$$" -- \
		--listen 192.0.2.53/24 --listen 2001:db8::53/64 \
		--exception "tap:$tap" --duration 60
	grep -q "exception interface $tap: address 2001:db8::53/64" \
		"$work/log" || fail "no address on the exception interface"
	ip netns exec "$cns" "$py" - "twb$$" <<-'EOF' || fail "client checks"
		import array, fcntl, socket, struct, sys
		ok = True
		# A veth leaves UDP/TCP checksums to "the NIC" (CHECKSUM_PARTIAL)
		# and net_af_packet forwards them unfinished: the kernel behind
		# the TAP would drop them. Like "ethtool -K twb tx off":
		# SIOCETHTOOL ETHTOOL_STXCSUM 0 (linux/ethtool.h).
		ev = array.array("I", [0x17, 0])
		ifr = struct.pack("16sP", sys.argv[1].encode(), ev.buffer_info()[0])
		ctl = socket.socket()
		fcntl.ioctl(ctl.fileno(), 0x8946, ifr.ljust(40, b"\0"))
		ctl.close()
		# UDP to a closed port: the kernel's ICMP port unreachable must
		# come back through the exception path (after ARP / ND, both
		# also answered by the kernel behind the TAP).
		for fam, addr in ((socket.AF_INET, "192.0.2.53"),
		                  (socket.AF_INET6, "2001:db8::53")):
		    u = socket.socket(fam, socket.SOCK_DGRAM)
		    u.settimeout(2)
		    u.connect((addr, 9))
		    for _ in range(3):
		        u.send(b"x")
		        try:
		            u.recv(100)
		        except ConnectionRefusedError:
		            print("%s udp/9: port unreachable from the kernel" % addr)
		            break
		        except socket.timeout:
		            continue
		    else:
		        print("%s udp/9: no ICMP reply" % addr); ok = False
		# TCP goes to the kernel (RFC 7766 is not in the fast path):
		# a closed port gets its RST ...
		t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		t.settimeout(3)
		try:
		    t.connect(("192.0.2.53", 54))
		    print("tcp/54: connected?"); ok = False
		except ConnectionRefusedError:
		    print("tcp/54: RST from the kernel")
		except socket.timeout:
		    print("tcp/54: timeout"); ok = False
		# ... and TCP/53 is trustwire's kernel-socket listener. No
		# upstream is configured: SERVFAIL with EDE 22 (RFC 8914).
		q = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 1) + \
		    b"\x07example\x03com\x00" + struct.pack("!HH", 1, 1) + \
		    b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"
		def rcode_ede(r):
		    return r[3] & 15, b"\x00\x0f" in r[len(q):]
		t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		t.settimeout(3)
		try:
		    t.connect(("192.0.2.53", 53))
		    t.sendall(struct.pack("!H", len(q)) + q)
		    n = struct.unpack("!H", t.recv(2))[0]
		    r = b""
		    while len(r) < n:
		        r += t.recv(n - len(r))
		    print("tcp/53: id %d rcode %d ede %s" % ((r[0] << 8) | r[1],
		          *rcode_ede(r)))
		    ok = ok and r[:2] == q[:2] and rcode_ede(r) == (2, True)
		except (OSError, struct.error) as e:
		    print("tcp/53: %s" % e); ok = False
		# RFC 7766 6.2.3 / 10: limits a client cannot hold open.
		# (1) A question sent one octet a second (slow-loris): it
		# must be complete within 5 s of its first octet (TCP_MSG_MS);
		# the whole trickle would take 35 s, the check gives up at 12.
		import time
		t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		t.settimeout(3)
		t.connect(("192.0.2.53", 53))
		wire = struct.pack("!H", len(q)) + q
		t0, closed = time.monotonic(), None
		for i in range(len(wire)):
		    try:
		        t.send(wire[i:i + 1])
		        t.settimeout(1)
		        if t.recv(1) == b"":
		            closed = time.monotonic() - t0
		            break
		    except socket.timeout:
		        pass
		    except OSError:
		        closed = time.monotonic() - t0
		        break
		    if time.monotonic() - t0 > 12:
		        break
		print("tcp/53 slow question: %s" % ("closed after %.1f s" % closed
		      if closed is not None else "still open after 12 s"))
		ok = ok and closed is not None
		t.close()
		# (2) At most 32 connections per client address (TCP_MAX_PER_SRC):
		# of 40, the last 8 are closed at once; the first ones work.
		held = []
		for _ in range(40):
		    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		    c.settimeout(3)
		    c.connect(("192.0.2.53", 53))
		    held.append(c)
		time.sleep(1)
		shut = 0
		for c in held:
		    c.settimeout(0.2)
		    try:
		        if c.recv(1) == b"":
		            shut += 1
		    except socket.timeout:
		        pass
		    except OSError:
		        shut += 1
		held[0].settimeout(3)
		try:
		    held[0].sendall(wire)
		    first = held[0].recv(2) != b""
		except OSError:
		    first = False
		print("tcp/53 40 connections from one address: %d closed, the "
		      "first answered: %s" % (shut, first))
		ok = ok and shut == 8 and first
		for c in held:
		    c.close()
		# (3) 100 pipelined questions at once (RFC 7766 6.2.1.1): more
		# than the 64 in flight per connection wait, all are answered.
		t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		t.settimeout(5)
		t.connect(("192.0.2.53", 53))
		t.sendall(b"".join(struct.pack("!HH", len(q), 1000 + i) + q[2:]
		                   for i in range(100)))
		ids, buf = set(), b""
		try:
		    while len(ids) < 100:
		        d = t.recv(65536)
		        if not d:
		            break
		        buf += d
		        while len(buf) >= 2 and len(buf) >= 2 + \
		                struct.unpack("!H", buf[:2])[0]:
		            n = struct.unpack("!H", buf[:2])[0]
		            ids.add(struct.unpack("!H", buf[2:4])[0])
		            buf = buf[2 + n:]
		except OSError as e:
		    print("tcp/53 pipelined: %s" % e)
		print("tcp/53 100 pipelined questions: %d answered" % len(ids))
		ok = ok and ids == set(range(1000, 1100))
		t.close()
		# The same over UDP: the fast path and a validator answer it.
		d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		d.settimeout(3)
		d.sendto(q, ("192.0.2.53", 53))
		try:
		    r = d.recv(1500)
		    print("udp/53: id %d rcode %d ede %s" % ((r[0] << 8) | r[1],
		          *rcode_ede(r)))
		    ok = ok and r[:2] == q[:2] and rcode_ede(r) == (2, True)
		except socket.timeout:
		    print("udp/53: no answer"); ok = False
		sys.exit(0 if ok else 1)
	EOF
	sleep 0.5
	q=$(tel queries) || fail "telemetry query failed"
	[ "${q:-0}" -ge 1 ] || fail "live telemetry queries = '$q', want >= 1"
	stop_term
	for c in exception_to_kernel exception_from_kernel tx tcp_queries \
		servfail; do
		v=$(counter "$c")
		[ "${v:-0}" -gt 0 ] || fail "counter $c = '$v', want > 0"
	done
	grep '^total:' "$work/log"
	echo "tap: OK"
	;;
hugepages)
	need_root
	# Its own pages and its own hugetlbfs mount (scripts/hugepages.sh).
	hp="$here/../../scripts/hugepages.sh"
	hdir="$work/huge"
	if ! bash "$hp" up 64 "$hdir" >"$work/hp.log" 2>&1; then
		cat "$work/hp.log"
		echo "SKIP: cannot reserve 64 x 2 MB hugepages"
		exit 77
	fi
	"$bin" --huge-dir "$hdir" -m 128 --huge-unlink --no-pci -l 0 \
		--file-prefix "$prefix" --log-level=lib.eal:warning \
		--vdev net_null0 -- --duration 2 >"$work/log" 2>&1
	rc=$?
	bash "$hp" down "$hdir" || fail "hugepages.sh down"
	[ "$rc" -eq 0 ] || fail "exit status $rc with hugepages"
	rx=$(counter rx)
	[ "${rx:-0}" -gt 0 ] || fail "final rx = '$rx', want > 0"
	# The cache index went to hugepages (doc/dataplane.md, "Queues,
	# rings, memory"), not to 4 KiB pages.
	grep -q '^trustwire: cache: .* per worker in hugepages$' "$work/log" ||
		fail "cache index not in hugepages: $(grep 'cache:' "$work/log")"
	grep '^trustwire: stopping' "$work/log"
	echo "hugepages: OK (rx=$rx, cache index in hugepages)"
	;;
*)
	echo "unknown case $case_" >&2
	exit 2
	;;
esac
