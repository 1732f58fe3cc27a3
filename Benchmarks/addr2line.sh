#!/usr/bin/env bash
# sonde addr2line vs binutils addr2line and llvm-addr2line: 10,000 random byte offsets inside
# randomly chosen sized FUNC symbols of .text of a big binary (default: the Swift toolchain's
# sourcekit-lsp, 243 MB, DWARF 4+5, 7,660 CUs, only 24 .debug_aranges sets), fixed seed.
# Usage: Benchmarks/addr2line.sh [binary] [count, default 10000]
# Outputs are compared after documented normalisations (see below); max RSS via /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-/opt/swift/usr/bin/sourcekit-lsp}
n=${2:-10000}
command -v hyperfine >/dev/null || scripts/install-deps
[ -f "$bin" ] || { echo "no $bin: pass a big binary with DWARF" >&2; exit 1; }
swift build -c release --static-swift-stdlib --product sonde >/dev/null
sonde=$PWD/.build/release/sonde
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "binary: $bin ($(du -h "$bin" | cut -f1)), $(readelf -n "$bin" | grep -o 'Build ID: .*' || echo 'no build-id')"
readelf -sW "$bin" | awk '$4 == "FUNC" && $3 > 0 && $7 != "UND" { print $2, $3 }' > "$tmp/funcs"
readelf -SW "$bin" | awk '{ for (i = 1; i <= NF; i++) if ($i == ".text") { print $(i+2), $(i+4); exit } }' > "$tmp/text"
python3 - "$tmp/funcs" "$tmp/text" "$n" > "$tmp/addrs" <<'PY'
import random, sys
lo, size = (int(x, 16) for x in open(sys.argv[2]).read().split())
funcs = []
for line in open(sys.argv[1]):
    a, s = line.split()
    a, s = int(a, 16), int(s, 0) if s.startswith("0x") else int(s)
    if lo <= a < lo + size: funcs.append((a, s))
rng = random.Random(20240611)
for _ in range(int(sys.argv[3])):
    a, s = rng.choice(funcs)
    print(hex(a + rng.randrange(s)))
PY
echo "addresses: $(wc -l < "$tmp/addrs") in $(wc -l < "$tmp/funcs") sized FUNC symbols"

run() { "$@" -f -i -e "$bin" < "$tmp/addrs"; }
run "$sonde" addr2line > "$tmp/sonde.out"
run llvm-addr2line > "$tmp/llvm.out"
# llvm-addr2line differs on purpose: line 0 is ":0" (binutils and sonde ":?"), no line info prints
# the CU name instead of "??"; compare function names and frame counts only after normalising.
norm() { awk 'NR % 2 == 1 { print }' "$1"; }
if [ "${SKIP_BINUTILS:-0}" = 0 ]; then
    /usr/bin/time -v addr2line -f -i -e "$bin" < "$tmp/addrs" > "$tmp/binutils.out" 2> "$tmp/binutils.time"
    if cmp -s "$tmp/binutils.out" "$tmp/sonde.out"; then echo "sonde == binutils addr2line (byte-identical)"
    else echo "sonde vs binutils: $(diff "$tmp/binutils.out" "$tmp/sonde.out" | grep -c "^<" || true) differing lines (binutils 2.40 misses inline frames whose ranges use DW_FORM_rnglistx: clang DWARF 5 units)"; diff "$tmp/binutils.out" "$tmp/sonde.out" | head -20 || true; fi
fi
for t in sonde llvm; do
    /usr/bin/time -v bash -c "$(declare -f run); bin=$bin tmp=$tmp; run $([ $t = sonde ] && echo "$sonde addr2line" || echo llvm-addr2line) > /dev/null" 2> "$tmp/$t.time"
done
for t in sonde llvm binutils; do
    [ -f "$tmp/$t.time" ] && echo "$t max RSS: $(awk -F': ' '/Maximum resident/ { printf "%.0f MB", $2/1024 }' "$tmp/$t.time")"
done
hyperfine --warmup 1 --runs 5 --export-json "$tmp/fast.json" \
    -n 'sonde addr2line' "$sonde addr2line -f -i -e $bin < $tmp/addrs" \
    -n 'llvm-addr2line' "llvm-addr2line -f -i -e $bin < $tmp/addrs"
python3 - "$tmp/fast.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
s, l = r["sonde addr2line"], r["llvm-addr2line"]
print(f"sonde {s['median']:.3f} s (user+sys {s['user']+s['system']:.3f} s), llvm-addr2line {l['median']:.3f} s: ratio {s['median']/l['median']:.2f}x")
PY
if [ "${SKIP_BINUTILS:-0}" = 0 ]; then
    hyperfine --runs 1 -n 'binutils addr2line' "addr2line -f -i -e $bin < $tmp/addrs"
fi
