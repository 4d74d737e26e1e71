#!/usr/bin/env bash
# A straggler among the workers: two worker processes, worker 0 pinned to the first CPU and worker 1 to the
# last, once alone and once with a busy loop pinned to the last CPU too (worker 1 then gets about half a core,
# as on a box where a core is shared with another job, or slower). Workers take an epoch's chunks from a
# shared counter, so the fast one trains more of them and the epoch ends when the chunks run out; with fixed
# shards the epoch would last as long as the slow worker's shard (about half the unhindered rate).
# Each round prints both runs' median epoch samples/s from epoch 3 on, their ratio, and the share of the
# samples that each worker trained with the straggler.
#   bench/straggler.sh [--rounds R] [--epochs E] [train options...]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3; epochs=10; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
command -v taskset >/dev/null && command -v pgrep >/dev/null || { echo "needs taskset and pgrep" >&2; exit 2; }
./run.sh --version >/dev/null   # builds the jars once, outside the timings
last=$(( $(nproc) - 1 ))
work=$(mktemp -d /tmp/hogwild-straggler.XXXXXX)
hog=
trap '[ -n "$hog" ] && kill "$hog" 2>/dev/null; rm -rf "$work"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
pinned_run() {   # out directory: trains with worker 0 on CPU 0 and worker 1 on the last CPU
  ./run.sh -q --procs 2 --epochs "$epochs" --patience 0 --out "$1" "${extra[@]}" >/dev/null &
  local run=$! pids=
  for _ in $(seq 400); do
    pids=$(pgrep -f "WorkerMain $1/weights.bin" | sort -n | tr '\n' ' ' || true)
    [ "$(echo "$pids" | wc -w)" -ge 2 ] && break
    sleep 0.05
  done
  set -- $pids
  [ $# -ge 2 ] || { echo "the workers of $1 did not start" >&2; wait "$run"; exit 1; }
  taskset -a -p -c 0 "$1" >/dev/null
  taskset -a -p -c "$last" "$2" >/dev/null
  wait "$run"
}
steady() { tail -n +4 "$1/metrics.csv" | cut -d, -f9 | median; }
echo "$(nproc) cores; 2 worker processes; $epochs epochs; ${extra[*]:-default RCV1-shaped data}"
echo "round  alone (samples/s)  with a straggler  ratio  samples trained by worker 0 / worker 1"
for round in $(seq "$rounds"); do
  pinned_run "$work/alone-$round"
  taskset -c "$last" sh -c 'while :; do :; done' &
  hog=$!
  pinned_run "$work/straggler-$round"
  kill "$hog"; hog=
  a=$(steady "$work/alone-$round"); b=$(steady "$work/straggler-$round")
  split=$(./run.sh inspect --json "$work/straggler-$round/weights.bin" | tr -d ' \n' |
    sed 's/.*"workers":\[//' | grep -o '"samples":[0-9]*' | cut -d: -f2 | tr '\n' ' ')
  set -- $split
  printf '%-6s %17.0f  %16.0f  %5.2f  %.0f %% / %.0f %%\n' "$round" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')" \
    "$(awk -v x="$1" -v y="$2" 'BEGIN { print 100 * x / (x + y) }')" \
    "$(awk -v x="$1" -v y="$2" 'BEGIN { print 100 * y / (x + y) }')"
done
