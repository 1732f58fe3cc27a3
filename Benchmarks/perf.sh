#!/usr/bin/env bash
# sonde perf vs perf 6 (issue 5):
#  1. record overhead: the 3:1:1 fixture plain, under `perf record -F 999` and `sonde perf record -F 999`,
#     with frame-pointer and with DWARF call graphs, and the size of each recording;
#  2. report speed: `perf report --stdio` and `sonde perf report --stdio` on the same recordings made by
#     perf (fp and dwarf) of a run of about SECONDS seconds.
# Usage: Benchmarks/perf.sh [seconds, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
command -v hyperfine >/dev/null && command -v perf >/dev/null || scripts/install-deps
swift build -c release --static-swift-stdlib --product sonde >/dev/null
sonde=$PWD/.build/release/sonde
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O0 -g -fno-omit-frame-pointer -o "$tmp/burn_fp" Tests/Fixtures/perf_burn.c
gcc -O2 -g -fomit-frame-pointer -o "$tmp/burn_nofp" Tests/Fixtures/perf_burn.c
# Units of the fixture for ~5 s (overhead runs) and ~SECONDS s (report input), from a calibration run.
t0=$(date +%s%N); "$tmp/burn_fp" 100; t1=$(date +%s%N)
per_unit=$(( (t1 - t0) / 100 ))
short=$(( 5000000000 / per_unit )); long=$(( secs * 1000000000 / per_unit ))
t0=$(date +%s%N); "$tmp/burn_nofp" 100; t1=$(date +%s%N)
short_nofp=$(( 5000000000 * 100 / (t1 - t0) )); long_nofp=$(( secs * 1000000000 * 100 / (t1 - t0) ))

echo "== record overhead (fixture ~5 s)"
hyperfine -N -w 1 -r "${RUNS:-3}" --export-json "$tmp/rec.json" \
    -n plain-fp "$tmp/burn_fp $short" \
    -n perf-fp "perf record -q -F 999 -g -o $tmp/p-fp.data -- $tmp/burn_fp $short" \
    -n sonde-fp "$sonde perf record -q -F 999 -g -o $tmp/s-fp.data -- $tmp/burn_fp $short" \
    -n plain-nofp "$tmp/burn_nofp $short_nofp" \
    -n perf-dwarf "perf record -q -F 999 --call-graph dwarf -o $tmp/p-dw.data -- $tmp/burn_nofp $short_nofp" \
    -n sonde-dwarf "$sonde perf record -q -F 999 --call-graph dwarf -o $tmp/s-dw.data -- $tmp/burn_nofp $short_nofp"

echo "== report speed (perf's recordings of ~$secs s)"
perf record -q -F 999 -g -o "$tmp/long-fp.data" -- "$tmp/burn_fp" "$long"
perf record -q -F 999 --call-graph dwarf -o "$tmp/long-dw.data" -- "$tmp/burn_nofp" "$long_nofp"
# A deep interpreter stack, where perf's unwinding is slow: python3 recursion for ~10 s.
cat > "$tmp/fib.py" <<'PY'
import time
def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)
end = time.time() + 10
while time.time() < end: fib(20)
PY
perf record -q -F 999 --call-graph dwarf -o "$tmp/py-dw.data" -- python3 "$tmp/fib.py"
hyperfine -N -w 1 -r "${RUNS:-3}" --export-json "$tmp/rep.json" \
    -n perf-report-fp "perf report -i $tmp/long-fp.data --stdio" \
    -n sonde-report-fp "$sonde perf report -i $tmp/long-fp.data --stdio" \
    -n perf-report-dwarf "perf report -i $tmp/long-dw.data --stdio" \
    -n sonde-report-dwarf "$sonde perf report -i $tmp/long-dw.data --stdio" \
    -n perf-report-python "perf report -i $tmp/py-dw.data --stdio" \
    -n sonde-report-python "$sonde perf report -i $tmp/py-dw.data --stdio"

python3 - "$tmp" <<'PY'
import json, os, sys
t = sys.argv[1]
rec = {x["command"]: x["mean"] for x in json.load(open(f"{t}/rec.json"))["results"]}
rep = {x["command"]: x["mean"] for x in json.load(open(f"{t}/rep.json"))["results"]}
size = lambda n: os.path.getsize(f"{t}/{n}")
print()
for cg, plain in (("fp", "plain-fp"), ("dwarf", "plain-nofp")):
    p, s = rec[f"perf-{cg}"] / rec[plain], rec[f"sonde-{cg}"] / rec[plain]
    print(f"record {cg:5s}: slowdown perf x{p:.3f}, sonde x{s:.3f} (target: sonde <= perf)")
pf, sf, pd, sd = size("p-fp.data"), size("s-fp.data"), size("p-dw.data"), size("s-dw.data")
print(f"file size fp: perf {pf/1e6:.2f} MB, sonde {sf/1e6:.2f} MB")
print(f"file size dwarf: perf {pd/1e6:.2f} MB, sonde {sd/1e6:.2f} MB = {pd/sd:.0f}x smaller (target >= 20x)")
for cg, target in (("fp", 2), ("dwarf", 10), ("python", 10)):
    p, s = rep[f"perf-report-{cg}"], rep[f"sonde-report-{cg}"]
    print(f"report {cg:5s}: perf {p:.2f} s, sonde {s:.2f} s = {p/s:.1f}x faster (target >= {target}x)")
PY
