# Sourced by the bench scripts that run the bench jar: builds it when it is missing or older than the
# sources, and sets $flags to the production JVM flags of jvm.properties.
if [ ! -f bench/target/hogwild-bench.jar ] || [ -n "$(find bench/src common/src/main -newer bench/target/hogwild-bench.jar -print -quit)" ]; then
  mvn -q -B -DskipTests install -pl common,bench -am >&2
fi
flags="$(sed -n 's/^hogwild.jvm.flags=//p' jvm.properties) $(sed -n 's/^hogwild.jvm.run.flags=//p' jvm.properties)"
