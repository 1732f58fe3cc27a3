#!/usr/bin/env bash
# ps aux vs sonde ps aux over a table of >= 2,000 processes (hyperfine).
# Usage: Benchmarks/ps.sh [extra sleeping processes, default 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
command -v hyperfine >/dev/null || scripts/install-deps
swift build -c release --static-swift-stdlib --product sonde >/dev/null
sonde=$PWD/.build/release/sonde
tmp=$(mktemp -d)
gcc -O2 -o "$tmp/sleepers" Benchmarks/spawn_sleepers.c
"$tmp/sleepers" "$n" > "$tmp/ready" &
spid=$!
trap 'kill $spid 2>/dev/null; rm -rf "$tmp"' EXIT
while ! grep -q ready "$tmp/ready" 2>/dev/null; do sleep 0.1; done
echo "processes: $(ls -d /proc/[0-9]* | wc -l)"
hyperfine -N --warmup 3 --runs 30 --export-json "$tmp/ps.json" \
    -n 'procps ps aux' 'ps aux' \
    -n 'sonde ps aux' "$sonde ps aux" \
    -n 'procps ps -eo pid,ppid,comm' 'ps -eo pid,ppid,comm' \
    -n 'sonde ps -eo pid,ppid,comm' "$sonde ps -eo pid,ppid,comm"
python3 - "$tmp/ps.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
for a, b in [("sonde ps aux", "procps ps aux"), ("sonde ps -eo pid,ppid,comm", "procps ps -eo pid,ppid,comm")]:
    print(f"{a}: {r[a]*1000:.1f} ms, {b}: {r[b]*1000:.1f} ms, ratio {r[a]/r[b]:.2f}x")
PY
