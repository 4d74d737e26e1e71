#!/usr/bin/env bash
# Time per epoch and accuracy of `hogwild spark` (synchronous SGD, and MLlib's own loop) against
# `hogwild train --procs 2` on the same LIBSVM files, run one after the other in one go, as a Markdown table.
#   bench/spark-vs-train.sh TRAIN TEST [MASTER]       (MASTER: local[2] by default, to match 2 processes)
set -euo pipefail
cd "$(dirname "$0")/.."
train=$1; test=$2; master=${3:-local[2]}
work=$(mktemp -d /tmp/hogwild-spark-vs-train.XXXXXX)
trap 'rm -rf "$work"' EXIT
number() { sed -n "s/.*\"$1\": \\([-0-9.eE]*\\).*/\\1/p" "$2" | sed -n 1p; }
row() { # label run-dir
  local s="$2/summary.json" epochs
  epochs=$(number epochs "$s")
  printf '| %s | %s | %.3f | %.2f %% | %s | %.1f |\n' "$1" "$epochs" \
    "$(echo "$(number train_seconds "$s") / $epochs" | bc -l)" "$(echo "100 * $(number test_accuracy "$s")" | bc -l)" \
    "$(number samples_per_second "$s")" "$(number wall_seconds "$s")"
}
./run.sh -q --data "$train" --test "$test" --procs 2 --out "$work/train" >/dev/null
./run.sh spark -q --data "$train" --test "$test" --master "$master" --out "$work/spark" >/dev/null 2>"$work/spark.log" ||
  { cat "$work/spark.log" >&2; exit 1; }
./run.sh spark -q --engine mllib --data "$train" --test "$test" --master "$master" --out "$work/mllib" >/dev/null \
  2>"$work/mllib.log" || { cat "$work/mllib.log" >&2; exit 1; }
echo "data: $train (test $test); $(nproc) cores; Spark master $master"
echo
echo '| run | epochs | train s/epoch | test accuracy | samples/s | wall s |'
echo '|---|---:|---:|---:|---:|---:|'
row 'train --procs 2 (lock-free)' "$work/train"
row "spark $master (synchronous SGD)" "$work/spark"
row "spark $master --engine mllib" "$work/mllib"
