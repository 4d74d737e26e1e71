#!/usr/bin/env bash
# How far work that shares nothing scales on this machine's cores, and how close hogwild comes to it.
# Each round, in this order: one JVM running the kernel on weights of its own (io.hogwild.bench.SoloKernel,
# time-bound), then N such JVMs at once; then `train --procs 1`, `train --procs N` and `train --threads N`
# (E epochs, the median epoch samples/s from epoch 2 on). The N independent JVMs' summed rate over the lone
# one's is the machine's ceiling for any parallel SGD (nothing shared: no weights, no cache lines, no JVM);
# hogwild's speed-ups over one process are then shown as fractions of it.
#   bench/ceiling.sh [--workers N] [--rounds R] [--epochs E] [--data DATASET.hwd]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
workers=2; rounds=3; epochs=10
data="${HOGWILD_CACHE:-$HOME/.cache/hogwild}/rcv1-shaped-781265x47236-seed2011-v2.train.hwd"
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$data" ] || { echo "no dataset $data: run ./run.sh once, or give --data FILE.hwd" >&2; exit 2; }
./run.sh --version >/dev/null   # builds the jars once, outside the timings
work=$(mktemp -d /tmp/hogwild-ceiling.XXXXXX)
trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"   # the JVM run.sh uses
solo() {
  # shellcheck disable=SC2086 # the flags are a space-separated list by design
  "$java" $flags -cp "bench/target/hogwild-bench.jar:bench/target/lib/*" io.hogwild.bench.SoloKernel "$data" 3 6 "$1"
}
train() {
  ./run.sh -q --data "$data" "--$1" "$2" --epochs "$epochs" --patience 0 --out "$work/train-$1-$2-$round" >/dev/null
  tail -n +3 "$work/train-$1-$2-$round/metrics.csv" | cut -d, -f9 | median
}
echo "$(nproc) cores; $workers workers; $rounds rounds; $epochs epochs; data $data"
echo "samples/s; ratios over one JVM (independent) or one process (hogwild); fractions of the round's ceiling"
printf '%-5s %9s %9s %6s | %9s %9s %6s %5s | %9s %6s %5s\n' round "1 JVM" "$workers JVMs" ceil "1 proc" "$workers proc" \
  ratio frac "$workers thr" ratio frac
for round in $(seq "$rounds"); do
  one=$(solo 0)
  pids=()
  for w in $(seq 0 $((workers - 1))); do solo "$w" > "$work/solo-$w" & pids+=($!); done
  # A JVM that failed must fail the round, not shrink the sum (a bare `wait` returns 0 whatever they did).
  for pid in "${pids[@]}"; do wait "$pid"; done
  many=$(cat "$work"/solo-* | awk '{s+=$1} END {print s}')
  t1=$(train procs 1)
  tn=$(train procs "$workers")
  th=$(train threads "$workers")
  awk -v r="$round" -v one="$one" -v many="$many" -v t1="$t1" -v tn="$tn" -v th="$th" 'BEGIN {
    c = many / one; p = tn / t1; t = th / t1
    printf "%-5s %8.2fM %8.2fM %5.2fx | %8.2fM %8.2fM %5.2fx %5.2f | %8.2fM %5.2fx %5.2f\n",
      r, one / 1e6, many / 1e6, c, t1 / 1e6, tn / 1e6, p, p / c, th / 1e6, t, t / c }' | tee -a "$work/rows"
done
echo
awk '{c[NR] = $4; p[NR] = $8; f[NR] = $9; t[NR] = $12; g[NR] = $13}
  function med(a, n,   i, j, x) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { x = a[i]; a[i] = a[j]; a[j] = x }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { n = NR; printf "medians: ceiling %.2fx; processes %.2fx (%.2f of it); threads %.2fx (%.2f of it)\n",
    med(c, n), med(p, n), med(f, n), med(t, n), med(g, n) }' "$work/rows"
