#!/usr/bin/env bash
# sonde strace vs strace 6 on a syscall-heavy workload: dd copying N single bytes (2 syscalls each).
# Runs untraced, under a minimal ptrace loop (the floor), strace and sonde with full decoding to /dev/null,
# and with a filter that excludes the hot syscalls (-e trace=openat) with and without --seccomp-bpf.
# Usage: Benchmarks/strace.sh [count, default 200000]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
command -v hyperfine >/dev/null && command -v strace >/dev/null || scripts/install-deps
swift build -c release --static-swift-stdlib --product sonde >/dev/null
sonde=$PWD/.build/release/sonde
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/ptrace_loop" Benchmarks/support/ptrace_loop.c
work="dd if=/dev/zero of=/dev/null bs=1 count=$n status=none"
hyperfine -N -w 1 -r "${RUNS:-5}" --export-json "$tmp/r.json" \
    -n untraced "$work" \
    -n ptrace-loop "$tmp/ptrace_loop $work" \
    -n strace "strace -o /dev/null $work" \
    -n sonde "$sonde strace -o /dev/null $work" \
    -n strace-filtered "strace -f -o /dev/null -e trace=openat $work" \
    -n sonde-filtered "$sonde strace -f -o /dev/null -e trace=openat $work" \
    -n strace-seccomp "strace -f --seccomp-bpf -o /dev/null -e trace=openat $work" \
    -n sonde-seccomp "$sonde strace -f --seccomp-bpf -o /dev/null -e trace=openat $work"
python3 - "$tmp/r.json" "$n" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
calls = 2 * int(sys.argv[2])
print()
print(f"full trace: sonde/strace = {r['sonde'] / r['strace']:.2f} (target <= 0.9)")
print(f"filtered, seccomp: sonde/untraced = {r['sonde-seccomp'] / r['untraced']:.2f} (target <= 1.1); strace/untraced = {r['strace-seccomp'] / r['untraced']:.2f}")
for k in ("ptrace-loop", "strace", "sonde", "strace-filtered", "sonde-filtered"):
    print(f"{k:16s} {(r[k] - r['untraced']) / calls * 1e6:6.1f} us per syscall over untraced")
PY
