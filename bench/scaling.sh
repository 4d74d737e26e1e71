#!/usr/bin/env bash
# Steady-state throughput and memory (proportional set size) of processes and threads, side by side:
# each set-up trains the same data for E epochs, the set-ups interleave for R rounds, and the table shows
# the median over the rounds of each run's median epoch samples/s from epoch 2 on (the first epoch holds
# the JIT warm-up of fresh worker JVMs), and the run's PSS measured after epoch 1 (summary.json).
#   bench/scaling.sh [--rounds R] [--epochs E] [--setups "procs:1 procs:2 procs:8 threads:1 threads:2"] [train options...]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=2; epochs=8; setups="procs:1 procs:2 procs:8 threads:1 threads:2"; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --setups) setups=$2; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
work=$(mktemp -d /tmp/hogwild-scaling.XXXXXX)
trap 'rm -rf "$work"' EXIT
number() { sed -n "s/.*\"$1\": \\([-0-9.eE]*\\).*/\\1/p" "$2" | sed -n 1p; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for round in $(seq "$rounds"); do
  for setup in $setups; do
    mode=${setup%%:*}; n=${setup##*:}; out="$work/$mode-$n-$round"
    ./run.sh -q "--$mode" "$n" --epochs "$epochs" --patience 0 --out "$out" "${extra[@]}" >/dev/null
    tail -n +3 "$out/metrics.csv" | cut -d, -f9 | median > "$out/steady"
  done
done
echo "$(nproc) cores; $epochs epochs, $rounds rounds interleaved; ${extra[*]:-default RCV1-shaped data}"
echo
echo '| set-up | samples/s, epochs 2+ (median) | PSS MiB: all | coordinator | workers | test accuracy |'
echo '|---|---:|---:|---:|---:|---:|'
for setup in $setups; do
  mode=${setup%%:*}; n=${setup##*:}
  rate=$(for r in $(seq "$rounds"); do cat "$work/$mode-$n-$r/steady"; done | median)
  s="$work/$mode-$n-$rounds/summary.json"
  printf '| %s %s | %.0f | %s | %s | %s | %s |\n' "$n" "$mode" "$rate" "$(number memory_pss_mb "$s")" \
    "$(number memory_pss_coordinator_mb "$s")" "$(number memory_pss_workers_mb "$s")" "$(number test_accuracy "$s")"
done
