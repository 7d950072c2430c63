#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# 2 MB hugepages for one DPDK process: reserve pages, mount a private
# hugetlbfs limited to them, and undo both.
#
# usage: scripts/hugepages.sh up N DIR    reserve N more 2 MB pages and
#                                         mount hugetlbfs (size N*2M) at DIR
#        scripts/hugepages.sh down DIR    unmount DIR, remove it, give back
#                                         the pages "up" reserved
#        scripts/hugepages.sh status      pages and hugetlbfs mounts
#
# "up" adds to nr_hugepages instead of setting it, and the mount's size
# limit keeps the process to its own N pages, so several users (tests in
# parallel) do not take each other's pages. Give the process its own
# --file-prefix as well: EAL deletes "stale" page files of other
# processes that share a prefix and a directory.
#   scripts/hugepages.sh up 64 /run/tw-huge
#   trustwire --huge-dir /run/tw-huge --file-prefix tw1 -m 128 ... -- ...
#   scripts/hugepages.sh down /run/tw-huge
# Needs root. State: /run/trustwire-hugepages/ (what "up" added).
set -euo pipefail

nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
state_dir=/run/trustwire-hugepages

die() {
	echo "hugepages.sh: $*" >&2
	exit 1
}

usage() {
	sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

state_file() {
	# One file per mount point: its path with '/' -> '_'.
	echo "$state_dir/$(realpath -m "$1" | tr '/' '_')"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "needs root"
	[ -w "$nr" ] || die "$nr not writable (no 2 MB hugepage support?)"
}

cmd=${1:-}
case "$cmd" in
up)
	[ $# -eq 3 ] || usage
	n=$2 dir=$3
	[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number, got '$n'"
	need_root
	st=$(state_file "$dir")
	[ ! -e "$st" ] || die "$dir is already set up (run: $0 down $dir)"
	mountpoint -q "$dir" 2>/dev/null && die "$dir is already a mount point"
	before=$(cat "$nr")
	echo $((before + n)) >"$nr"
	after=$(cat "$nr")
	got=$((after - before))
	if [ "$got" -lt "$n" ]; then
		# Memory too fragmented: give back what we got and say so.
		echo "$before" >"$nr"
		die "asked for $n pages, the kernel found $got (fix: fewer pages, or reserve at boot: hugepages=N on the kernel command line)"
	fi
	mkdir -p "$dir" "$state_dir"
	if ! mount -t hugetlbfs -o "pagesize=2M,size=$((n * 2))M,mode=0700" \
		nodev "$dir"; then
		echo "$before" >"$nr"
		die "mount hugetlbfs at $dir failed"
	fi
	echo "$n" >"$st"
	echo "hugepages.sh: $n x 2 MB pages at $dir (nr_hugepages $before -> $after)"
	echo "EAL: --huge-dir $dir -m $((n * 2)) --file-prefix <unique>"
	;;
down)
	[ $# -eq 2 ] || usage
	dir=$2
	need_root
	st=$(state_file "$dir")
	[ -e "$st" ] || die "$dir was not set up by '$0 up'"
	n=$(cat "$st")
	if mountpoint -q "$dir"; then
		umount "$dir" || die "umount $dir failed (a process still uses it?)"
	fi
	rmdir "$dir" 2>/dev/null || true
	cur=$(cat "$nr")
	new=$((cur > n ? cur - n : 0))
	echo "$new" >"$nr"
	rm -f "$st"
	echo "hugepages.sh: released $n pages at $dir (nr_hugepages $cur -> $(cat "$nr"))"
	;;
status)
	grep -E '^HugePages_(Total|Free|Rsvd)|^Hugepagesize' /proc/meminfo
	echo "nr_hugepages (2 MB): $(cat "$nr" 2>/dev/null || echo n/a)"
	mount -t hugetlbfs | sed 's/^/mount: /' || true
	if [ -d "$state_dir" ]; then
		for f in "$state_dir"/*; do
			[ -e "$f" ] && echo "set up: $(basename "$f" | tr '_' '/') $(cat "$f") pages"
		done
	fi
	;;
*)
	usage
	;;
esac
