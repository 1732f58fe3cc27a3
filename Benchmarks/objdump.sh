#!/usr/bin/env bash
# objdump vs sonde objdump on libc: disassembly (-d) and section headers (-h), hyperfine.
# Usage: Benchmarks/objdump.sh [file, default libc.so.6]
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-/lib/x86_64-linux-gnu/libc.so.6}
command -v hyperfine >/dev/null || scripts/install-deps
swift build -c release --static-swift-stdlib --product sonde >/dev/null
sonde=$PWD/.build/release/sonde
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Same work: both outputs must list the same instruction addresses up to the first Capstone/GNU divergence.
"$sonde" objdump -h "$file" | cmp - <(objdump -h "$file") && echo "objdump -h outputs identical"
hyperfine -N --warmup 1 --runs 5 --export-json "$tmp/d.json" \
    -n 'binutils objdump -d' "objdump -d $file" \
    -n 'sonde objdump -d' "$sonde objdump -d $file" \
    -n 'binutils objdump -h' "objdump -h $file" \
    -n 'sonde objdump -h' "$sonde objdump -h $file"
python3 - "$tmp/d.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
for a, b in [("sonde objdump -d", "binutils objdump -d"), ("sonde objdump -h", "binutils objdump -h")]:
    print(f"{a}: {r[a]*1000:.1f} ms, {b}: {r[b]*1000:.1f} ms, ratio {r[a]/r[b]:.2f}x")
PY
