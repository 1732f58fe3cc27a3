#!/usr/bin/env bash
# binutils nm/readelf vs sonde nm/readelf on a large binary and on libc (hyperfine); checks outputs are identical.
# Usage: Benchmarks/nm-readelf.sh [big file, default the Swift toolchain's sourcekit-lsp]
set -euo pipefail
cd "$(dirname "$0")/.."
big=${1:-/opt/swift/usr/bin/sourcekit-lsp}
[ -f "$big" ] || big=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
libc=/lib/x86_64-linux-gnu/libc.so.6
command -v hyperfine >/dev/null || scripts/install-deps
swift build -c release --static-swift-stdlib --product sonde >/dev/null
sonde=$PWD/.build/release/sonde
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
for args in "nm $big" "nm -D $libc" "readelf -sW $big" "readelf -a -W $libc"; do
    set -- $args
    tool=$1; shift
    "$sonde" "$tool" "$@" 2>/dev/null | cmp -s - <("$tool" "$@" 2>/dev/null) && echo "identical: $args" || echo "DIFFERENT: $args"
done
hyperfine -N --warmup 1 --runs 5 --export-json "$tmp/r.json" \
    -n "binutils nm big" "nm $big" -n "sonde nm big" "$sonde nm $big" \
    -n "binutils nm -D libc" "nm -D $libc" -n "sonde nm -D libc" "$sonde nm -D $libc" \
    -n "binutils readelf -sW big" "readelf -sW $big" -n "sonde readelf -sW big" "$sonde readelf -sW $big" \
    -n "binutils readelf -aW libc" "readelf -a -W $libc" -n "sonde readelf -aW libc" "$sonde readelf -a -W $libc" >/dev/null
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
for k in ["nm big", "nm -D libc", "readelf -sW big", "readelf -aW libc"]:
    a, b = r["sonde " + k], r["binutils " + k]
    print(f"{k}: sonde {a*1000:.1f} ms, binutils {b*1000:.1f} ms, ratio {a/b:.2f}x")
PY
