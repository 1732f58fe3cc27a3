#!/usr/bin/env bash
# CPU used by `sonde top` vs procps top, interactive, -d 1, for 30 s each, with
# 2,000 extra sleeping processes. Each top runs in its own private tmux server;
# utime+stime come from /proc/PID/stat of the top process just before it quits.
# Usage: Benchmarks/top-cpu.sh [seconds] [children]   (release build: swift build -c release)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
kids=${2:-2000}
sonde=${SONDE_BIN:-$PWD/.build/release/sonde}
[ -x "$sonde" ] || { echo "build first: swift build -c release --product sonde" >&2; exit 1; }
work=$(mktemp -d)
gcc -O2 -o "$work/spawn" Benchmarks/spawn_sleepers.c
sock="sonde-bench-$$"
"$work/spawn" "$kids" > "$work/ready" &
spawner=$!
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; kill "$spawner" 2>/dev/null || true; wait "$spawner" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
until grep -q ready "$work/ready" 2>/dev/null; do sleep 0.1; done
hz=$(getconf CLK_TCK)

measure() {  # $1 = command line; prints ticks used
    tmux -L "$sock" -f /dev/null new-session -d -s b -x 200 -y 50 "$1" </dev/null >/dev/null 2>&1
    sleep 1
    local pid
    pid=$(tmux -L "$sock" display-message -p -t b '#{pane_pid}')
    sleep "$secs"
    # fields 14 and 15 (utime, stime) after the ")" of comm
    local t
    t=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')
    tmux -L "$sock" send-keys -t b q
    sleep 0.5
    tmux -L "$sock" kill-server 2>/dev/null || true
    echo "$t"
}

procs=$(ls /proc | grep -c '^[0-9]')
ours=$(measure "exec $sonde top -d 1")
theirs=$(measure "exec top -d 1")
echo "processes on the system: $procs; $secs s at -d 1 each; CLK_TCK $hz"
awk -v a="$ours" -v b="$theirs" -v hz="$hz" -v s="$secs" 'BEGIN {
    printf "sonde top : %d ticks = %.2f s CPU (%.2f%% of one CPU)\n", a, a / hz, 100 * a / hz / s
    printf "procps top: %d ticks = %.2f s CPU (%.2f%% of one CPU)\n", b, b / hz, 100 * b / hz / s
    if (b > 0) printf "ratio sonde/procps: %.2f\n", a / b
}'
