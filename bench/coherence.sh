#!/usr/bin/env bash
# Runs io.hogwild.bench.CoherenceSimulation: the cache-line traffic that N lock-free workers would make on the
# shared weights (eager, eager with gradient-only writes, hot-deferring, all-deferring), counted over the real
# rows for core counts this machine does not have, with the speed-up it implies at a given cost a miss.
#   bench/coherence.sh [DATASET.hwd] [workers 1,2,4,8,16,32,64] [samples a worker 40000] [slope share 0.35]
#                      [a sample's ns 250] [a miss's ns 80] [the cold pass's ns a feature 1.6]
# The default dataset is the generated RCV1-shaped one (./run.sh makes it on its first run).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
data="${HOGWILD_CACHE:-$HOME/.cache/hogwild}/rcv1-shaped-781265x47236-seed2011-v2.train.hwd"
# The dataset is the first argument when it names a file (or is empty: the default); else every argument is
# the simulation's.
if [ $# -gt 0 ] && { [ -z "$1" ] || [ -f "$1" ]; }; then
  data=${1:-$data}
  shift
fi
[ -f "$data" ] || { echo "no dataset $data: run ./run.sh once, or give a .hwd file" >&2; exit 2; }
# shellcheck disable=SC2086
java $flags -cp "bench/target/hogwild-bench.jar:bench/target/lib/*" io.hogwild.bench.CoherenceSimulation "$data" "$@"
