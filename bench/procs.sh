#!/usr/bin/env bash
# Whole-run throughput of 1 and 2 worker processes on the default RCV1-shaped data (or --data FILE),
# measured side by side: the runs interleave (1, 2, 1, 2, ...) so that machine noise falls on both alike.
# Prints samples/s and non-zeros/s of every run, the medians, and the ratio 2 procs / 1 proc.
#   bench/procs.sh [--repeats R] [--epochs E] [--workers "1 2"] [any train option ...]
# A benchmark, not a test: it reports, it asserts nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats=3
epochs=5
workers="1 2"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
out="$(mktemp -d "${TMPDIR:-/tmp}/hogwild-bench.XXXXXX")"
"$root/run.sh" --help >/dev/null # build once, outside the timings
echo "# $(nproc) cores; epochs $epochs (patience 0), repeats $repeats, interleaved; runs in $out"
printf '%-8s %-7s %14s %16s %10s\n' workers repeat samples/s nonzeros/s train_s
for r in $(seq 1 "$repeats"); do
  for n in $workers; do
    dir="$out/procs$n-r$r"
    "$root/run.sh" train -q --procs "$n" --epochs "$epochs" --patience 0 --out "$dir" ${extra[@]+"${extra[@]}"} >/dev/null
    python3 - "$dir/summary.json" "$n" "$r" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:<8} {sys.argv[3]:<7} {s['samples_per_second']:>14,} {s['nonzeros_per_second']:>16,} {s['train_seconds']:>10.2f}")
PY
  done
done
python3 - "$out" $workers <<'PY'
import json, glob, statistics, sys
out, counts = sys.argv[1], sys.argv[2:]
med = {}
for n in counts:
    runs = [json.load(open(f)) for f in sorted(glob.glob(f"{out}/procs{n}-r*/summary.json"))]
    med[n] = (statistics.median(r['samples_per_second'] for r in runs),
              statistics.median(r['nonzeros_per_second'] for r in runs),
              statistics.median(r['test_accuracy'] or float('nan') for r in runs))
    print(f"median {n} procs: {med[n][0]:,.0f} samples/s, {med[n][1]:,.0f} non-zeros/s, test accuracy {med[n][2]:.4f}")
base = counts[0]
for n in counts[1:]:
    print(f"ratio {n} procs / {base}: {med[n][0] / med[base][0]:.2f}x samples/s")
PY
