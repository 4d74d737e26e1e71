#!/usr/bin/env bash
# Runs io.hogwild.bench.DeferralExperiment: the product kernel on N threads over one weight vector,
# eager (plain), deferring its hot updates (hot), deferring every update (all: what --sync lockfree runs
# with 2+ workers on data of a small dimension) and with private weights (sharing nothing: the ceiling),
# in alternation; prints samples/s and training accuracy.
#   [VARIANTS=plain,hot,all,private] bench/deferral.sh [DATASET.hwd] [threads 1,2] [epochs 4] [rounds 3]
# The default dataset is the generated RCV1-shaped one (./run.sh makes it on its first run).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
data=${1:-"${HOGWILD_CACHE:-$HOME/.cache/hogwild}/rcv1-shaped-781265x47236-seed2011-v2.train.hwd"}
[ -f "$data" ] || { echo "no dataset $data: run ./run.sh once, or give a .hwd file" >&2; exit 2; }
# shellcheck disable=SC2086
exec java $flags ${VARIANTS:+-Dvariants=$VARIANTS} -cp "bench/target/hogwild-bench.jar:bench/target/lib/*" io.hogwild.bench.DeferralExperiment \
  "$data" "${2:-1,2}" "${3:-4}" "${4:-3}"
