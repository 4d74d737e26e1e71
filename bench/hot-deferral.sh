#!/usr/bin/env bash
# Runs io.hogwild.bench.HotDeferralExperiment: the product kernel on N threads over one weight vector,
# eager (plain), with deferred hot stores (what --sync lockfree runs with 2+ workers) and with private
# weights (sharing nothing: the ceiling), in alternation; prints samples/s and training accuracy.
#   bench/hot-deferral.sh [DATASET.hwd] [threads 1,2] [epochs 4] [rounds 3]
# The default dataset is the generated RCV1-shaped one (./run.sh makes it on its first run).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
data=${1:-"${HOGWILD_CACHE:-$HOME/.cache/hogwild}/rcv1-shaped-781265x47236-seed2011-v2.train.hwd"}
[ -f "$data" ] || { echo "no dataset $data: run ./run.sh once, or give a .hwd file" >&2; exit 2; }
# shellcheck disable=SC2086
exec java $flags -cp "bench/target/hogwild-bench.jar:bench/target/lib/*" io.hogwild.bench.HotDeferralExperiment \
  "$data" "${2:-1,2}" "${3:-4}" "${4:-3}"
