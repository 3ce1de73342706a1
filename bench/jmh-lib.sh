# Shared by bench/orchestration.sh, bench/acquire.sh and bench/http-get.sh (sourced, not run).

# Print the machine the figures come from: cores, CPU model, JDK, load average.
machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), \
$(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Compile the main and test sources with the JMH sources (profile bench) and write target/bench-classpath.txt.
build_bench() {
  # SKIP_BUILD=1: use what the last -Pbench build left (a plain ./mvnw test-compile drops the JMH classes).
  [[ ${SKIP_BUILD:-} == 1 && -f target/test-classes/META-INF/BenchmarkList ]] || \
  ./mvnw -o -q -ntp -Pbench -DskipTests process-test-classes || ./mvnw -q -ntp -Pbench -DskipTests process-test-classes
  BENCH_CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
}

# Run JMH (arguments as for org.openjdk.jmh.Main) holding the machine-wide benchmark lock.
jmh() {
  flock /tmp/bench.lock java -cp "$BENCH_CP" org.openjdk.jmh.Main "$@"
}
