#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Instructions per cache hit of trustwire's worker, counted by callgrind
# on tw-gen's hit mode (doc/performance.md, "Hit path: instructions per
# hit (callgrind)"). Instruction counts do not depend on the machine's
# load: this is the yardstick for changes to the hit path.
#
# usage: scripts/callgrind-hit.sh [--bin TW_GEN] [--queries Q] [--names N]
#                                 [--out DIR] [--top K]
#   --bin      tw-gen binary (build/app/tw-gen/tw-gen)
#   --queries  measured hits (200000; ~40 s here under valgrind)
#   --names    zone names (300: a small warm phase)
#   --out      keep callgrind's output file here (default: a temp dir)
#   --top      functions listed (20)
#
# How: valgrind --tool=callgrind counts only inside tw_lcore_turn()
# (trustwire's turn: worker poll, validator poll, TX drain) and zeroes
# the counters when tw-gen reads the cache statistics after its warm
# phase (--zero-before=tw_cache_worker_stats), so what is left is the
# measured phase: every query a hit (the checker must say wrong=0).
# Prints "instructions per hit: N", then the functions by self cost per
# hit (and their inclusive cost), and RESULT lines for scripts/bench.sh.
# Needs valgrind (Debian package). Exit 77 when it is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/app/tw-gen/tw-gen
queries=200000
names=300
out=
top=20

while [ $# -gt 0 ]; do
	case $1 in
	--bin) bin=$2; shift 2 ;;
	--queries) queries=$2; shift 2 ;;
	--names) names=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--top) top=$2; shift 2 ;;
	-h | --help) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "callgrind-hit.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

command -v valgrind >/dev/null || { echo "callgrind-hit.sh: no valgrind" >&2; exit 77; }
[ -x "$bin" ] || { echo "callgrind-hit.sh: $bin not built" >&2; exit 1; }

tmp=$(mktemp -d)
# The EAL runtime folder of its --file-prefix goes too.
trap 'rm -rf "$tmp" "/var/run/dpdk/tw-cg-$$"' EXIT
[ -n "$out" ] || out=$tmp
mkdir -p "$out"
cg=$out/callgrind.out.hit
log=$out/tw-gen.log

# Own --file-prefix and no hugepages: it never touches another process's
# EAL files. --seconds is large: the query count ends the phase.
timeout 300 valgrind --tool=callgrind --callgrind-out-file="$cg" \
	--toggle-collect=tw_lcore_turn --zero-before=tw_cache_worker_stats \
	"$bin" --no-huge -m 512 --no-pci -l 0 --file-prefix "tw-cg-$$" \
	--log-level=error -- --mode hit --names "$names" \
	--queries "$queries" --seconds 3600 --floor-seconds 0 \
	>"$log" 2>&1 || {
	echo "callgrind-hit.sh: tw-gen failed (exit $?), log:" >&2
	tail -20 "$log" >&2
	exit 1
}

python3 - "$cg" "$log" "$top" <<'EOF'
import re, sys

cg, log, top = sys.argv[1], sys.argv[2], int(sys.argv[3])
res = {}
for line in open(log):
    if line.startswith("RESULT mode=hit "):
        res = dict(kv.split("=", 1) for kv in line.split()[1:])
if not res:
    sys.exit("callgrind-hit.sh: no RESULT mode=hit line in " + log)
hits, wrong = int(res["hits"]), int(res["wrong"])
if hits == 0 or wrong != 0:
    sys.exit("callgrind-hit.sh: hits=%d wrong=%d" % (hits, wrong))

# callgrind format: compressed names "(id) name" / "(id)"; cost lines
# "<line> <Ir>"; the cost line after "calls=" is a call's inclusive cost.
names = {"ob": {}, "fn": {}}
def name(kind, v):
    m = re.match(r"\((\d+)\)(?: (.*))?$", v)
    if not m:
        return v
    if m.group(2) is not None:
        names[kind][m.group(1)] = m.group(2)
    return names[kind].get(m.group(1), v)

self_, incl_calls = {}, {}
ob = fn = cfn = None
after_call = False
total = 0
for line in open(cg):
    line = line.rstrip("\n")
    if not line or line[0] == "#":
        continue
    if line.startswith("summary:"):
        total = int(line.split()[1])
        continue
    key, _, val = line.partition("=")
    if key in ("ob", "cob"):
        o = name("ob", val)
        if key == "ob":
            ob = o
        continue
    if key == "fn":
        fn = (name("fn", val), ob)
        continue
    if key == "cfn":
        cfn = name("fn", val)
        continue
    if key == "calls":
        after_call = True
        continue
    if key in ("fl", "fi", "fe", "cfi", "cfl"):
        continue
    f = line.split()
    if len(f) < 2 or not re.match(r"^[-+*0-9]", f[0]):
        continue
    c = int(f[1])
    if after_call:
        after_call = False
        if cfn != fn[0]:
            incl_calls[fn] = incl_calls.get(fn, 0) + c
    else:
        self_[fn] = self_.get(fn, 0) + c

def label(k):
    f, o = k
    if f.startswith("0x") and o:
        return "%s [%s]" % (f, o.rsplit("/", 1)[-1])
    return f

if total == 0:
    total = sum(self_.values())
print("hits %d (ok %s, wrong %d), instructions in tw_lcore_turn %d"
      % (hits, res["ok"], wrong, total))
print("instructions per hit: %.0f" % (total / hits))
print("%-48s %10s %10s" % ("function (self, by cost)", "self/hit", "incl/hit"))
rows = sorted(self_.items(), key=lambda kv: -kv[1])
for k, v in rows[:top]:
    inc = v + incl_calls.get(k, 0)
    print("%-48s %10.1f %10.1f" % (label(k)[:48], v / hits, inc / hits))
rest = sum(v for _, v in rows[top:])
print("%-48s %10.1f" % ("(all others)", rest / hits))
print("RESULT callgrind_hit instructions_per_hit=%.0f hits=%d" % (total / hits, hits))
EOF
