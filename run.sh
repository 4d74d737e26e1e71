#!/usr/bin/env bash
# hogwild launcher: builds the project once when its jars are missing or older than the sources, then
# runs the command line. ./run.sh [COMMAND] [OPTIONS]; with no command, or an option first, the command
# is train. ./run.sh --help lists every command; ./run.sh spark --help the Spark one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/coordinator/target/hogwild.jar"
modules=coordinator
# `spark` runs from its own module and class path (Spark's jars live only there), so that the shared-memory
# commands never load Spark.
if [ "${1:-}" = "spark" ]; then
  jar="$root/spark/target/hogwild-spark.jar"
  modules=spark
fi

needs_build() {
  [ -f "$jar" ] || return 0
  [ -n "$(find "$root/pom.xml" "$root/jvm.properties" "$root"/common "$root"/worker "$root"/coordinator "$root/$modules" \
      \( \( -path '*/target' -o -path '*/src/test' \) -prune \) -o \( -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -newer "$jar" -print \) 2>/dev/null | head -n 1)" ]
}

if needs_build; then
  echo "hogwild: building $modules (once; mvn package, tests skipped)..." >&2
  log="$(mktemp)"
  if ! (cd "$root" && mvn -q -B -DskipTests package -pl "$modules" -am) >"$log" 2>&1; then
    cat "$log" >&2
    echo "hogwild: the build failed (output above)" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  touch "$jar"
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
flags="$(sed -n 's/^hogwild\.jvm\.\(run\.\)\{0,1\}flags=//p' "$root/jvm.properties" | tr '\n' ' ')"
if [ "$modules" = spark ]; then
  flags="$flags $(sed -n 's/^hogwild\.jvm\.spark\.flags=//p' "$root/jvm.properties")"
  # shellcheck disable=SC2086 # the flags are a space-separated list by design
  exec "$java" $flags -Xmx${HOGWILD_SPARK_HEAP:-4g} -cp "$jar:$root/spark/target/lib/*" io.hogwild.spark.SparkMain "$@"
fi
# shellcheck disable=SC2086 # the flags are a space-separated list by design
exec "$java" $flags -jar "$jar" "$@"
