#!/usr/bin/env bash
# Runs the JMH micro-benchmarks (bench/src/main/java/io/hogwild/bench) with the production JVM flags.
#   bench/jmh.sh                      every benchmark
#   bench/jmh.sh KernelBench -p block=32 -f 1 -wi 3 -i 5    any JMH options
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
# shellcheck disable=SC2086
exec java $flags -cp "bench/target/hogwild-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main \
  -jvmArgsAppend "$flags" "$@"
