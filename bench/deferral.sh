#!/usr/bin/env bash
# Runs io.hogwild.bench.DeferralExperiment: the product kernel on N threads over one weight vector,
# eager (plain), deferring its hot updates (hot), deferring every update (all: what --sync lockfree runs
# on data of a small dimension, one worker too) and with private weights (sharing nothing: the ceiling);
# prints samples/s and training accuracy. Each (round, variant) runs in a JVM of its own, in
# alternation: one JVM's JIT would compile the kernel for every variant it has run.
#   [VARIANTS=plain,hot,all,private] bench/deferral.sh [DATASET.hwd] [threads 1,2] [epochs 6] [rounds 3]
# The default dataset is the generated RCV1-shaped one (./run.sh makes it on its first run).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
data=${1:-"${HOGWILD_CACHE:-$HOME/.cache/hogwild}/rcv1-shaped-781265x47236-seed2011-v2.train.hwd"}
[ -f "$data" ] || { echo "no dataset $data: run ./run.sh once, or give a .hwd file" >&2; exit 2; }
IFS=',' read -ra variants <<< "${VARIANTS:-plain,hot,all,private}"
for round in $(seq 1 "${4:-3}"); do
  for variant in "${variants[@]}"; do
    # One measured round after a warm-up round, in a fresh JVM.
    # shellcheck disable=SC2086
    java $flags -Dvariants="$variant" -cp "bench/target/hogwild-bench.jar:bench/target/lib/*" \
      io.hogwild.bench.DeferralExperiment "$data" "${2:-1,2}" "${3:-6}" 1 | sed -n "s/^round 1 /round $round /p"
  done
done
