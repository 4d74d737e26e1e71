#!/usr/bin/env bash
# hogwild launcher: builds the project once when its jars are missing or older than the sources, then
# runs the command line. ./run.sh [COMMAND] [OPTIONS]; with no command, or an option first, the command
# is train. ./run.sh --help lists every command.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/coordinator/target/hogwild.jar"

needs_build() {
  [ -f "$jar" ] || return 0
  [ -n "$(find "$root/pom.xml" "$root/jvm.properties" "$root"/common "$root"/worker "$root"/coordinator \
      \( -path '*/target' -prune \) -o \( -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -newer "$jar" -print \) 2>/dev/null | head -n 1)" ]
}

if needs_build; then
  echo "hogwild: building (once; mvn package, tests skipped)..." >&2
  log="$(mktemp)"
  if ! (cd "$root" && mvn -q -B -DskipTests package) >"$log" 2>&1; then
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
# shellcheck disable=SC2086 # the flags are a space-separated list by design
exec "$java" $flags -jar "$jar" "$@"
