#!/usr/bin/env bash
# Measure how long Enrich takes from `java` to a readiness probe answering 200, and its resident memory once idle.
#
#   bench/startup.sh [-n RUNS] [-j JAR] [-w DIR] MODE[@JAR]...
#
# Each MODE runs JAR (default: -j, else target/enrich-*.jar); MODE@JAR runs another jar, e.g. to compare a build of
# main (before) with this one (after) in one run: bench/startup.sh jar@/tmp/main.jar cds. MODE is one of:
#   jar      java -jar app.jar                                  (the fat jar as built)
#   layout   java -jar extracted/app.jar                        (java -Djarmode=tools -jar app.jar extract)
#   cds      the extracted layout with a class-data sharing archive (-XX:SharedArchiveFile) that bench/cds-train.sh
#            wrote first (a training run: started, probed, stopped with SIGTERM); the image does not use one yet
#   cds-refresh  as cds, trained with --refresh-only (Spring Boot's -Dspring.context.exit=onRefresh)
#   cds-aot  as cds, trained and run with -Dspring.aot.enabled=true (needs a jar with Spring AOT processing:
#            ./mvnw -Pnative package; informative only, see README "Start-up time": it fixes the backend at build time)
# Each mode starts RUNS times (default 5) and prints every run, the median start-to-ready and the median idle RSS
# (VmRSS of the JVM 5 s after ready, no request served but the probe's), with the CPU time the JVM used until ready
# (all its threads), which other work on the machine sways less than wall time. Extra JVM flags: JAVA_OPTS.
#
# Example (what README "Start-up time" reports): ./mvnw -o -q -ntp package -DskipTests && bench/startup.sh jar cds
set -euo pipefail

runs=5
jar=
work=
while getopts "n:j:w:" opt; do
  case $opt in
    n) runs=$OPTARG ;;
    j) jar=$OPTARG ;;
    w) work=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- jar cds
root=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$jar" ] || jar=$(ls "$root"/target/enrich-*.jar | grep -v -- '-plain\|\.original' | head -1)
[ -n "$work" ] || work=$(mktemp -d /tmp/enrich-startup.XXXXXX)
mkdir -p "$work"
here=$(dirname "$(readlink -f "$0")")

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# Start once with the given java arguments; print "<ms to ready> <idle RSS in KiB> <CPU ms to ready>".
measure() {
  local p pid start ready rss
  p=$(port)
  start=$(now_ms)
  # shellcheck disable=SC2086
  (cd "$work" && exec java ${JAVA_OPTS:-} "$@" --server.port="$p" --enrich.media.dir="$work/media" \
      >"$work/run.log" 2>&1) &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/actuator/health/readiness")" = 200 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "the service exited; its log:" >&2; tail -40 "$work/run.log" >&2; exit 1; fi
    sleep 0.02
  done
  ready=$(($(now_ms) - start))
  # CPU time (all threads: JIT, GC) spent until ready: steadier than wall time on a machine busy with other work.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat")
  sleep 5
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$ready $rss $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

# The extracted layout of a jar (one directory per jar): lib/ beside the application jar.
extracted() {
  local j=$1 dir
  dir="$work/app-$(echo "$j" | md5sum | cut -c1-8)"
  if [ ! -f "$dir/$(basename "$j")" ]; then
    rm -rf "$dir"
    java -Djarmode=tools -jar "$j" extract --destination "$dir" >/dev/null
  fi
  echo "$dir/$(basename "$j")"
}

# The modes take turns run by run, so a machine busier at one moment than another weighs on all of them alike.
declare -A argv
for label in "$@"; do
  mode=${label%%@*}
  j=$jar
  [ "$mode" = "$label" ] || j=$(readlink -f "${label#*@}")
  key=$(echo "$label" | md5sum | cut -c1-8)
  case $mode in
    jar) args=(-jar "$j") ;;
    layout) args=(-jar "$(extracted "$j")") ;;
    cds | cds-refresh | cds-aot)
      app=$(extracted "$j")
      train=()
      [ "$mode" = cds-refresh ] && train=(--refresh-only)
      aot=()
      [ "$mode" = cds-aot ] && aot=(-Dspring.aot.enabled=true)
      "$here/cds-train.sh" "${train[@]}" "$work/$key.jsa" "${aot[@]}" -jar "$app" >"$work/train-$key.log" 2>&1 \
        || { echo "training failed; see $work/train-$key.log" >&2; exit 1; }
      args=(-XX:SharedArchiveFile="$work/$key.jsa" "${aot[@]}" -jar "$app") ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  argv[$label]="${args[*]}"
  : >"$work/$key.txt"
done
for i in $(seq "$runs"); do
  for label in "$@"; do
    key=$(echo "$label" | md5sum | cut -c1-8)
    # shellcheck disable=SC2086
    measure ${argv[$label]} | tee -a "$work/$key.txt" \
      | awk -v m="$label" -v i="$i" '{printf "%s run %d: ready in %d ms (CPU %d ms), idle RSS %d MiB\n", m, i, $1, $3, $2 / 1024}'
  done
done
for label in "$@"; do
  key=$(echo "$label" | md5sum | cut -c1-8)
  ready=$(cut -d' ' -f1 "$work/$key.txt" | median)
  rss=$(cut -d' ' -f2 "$work/$key.txt" | median)
  cpu=$(cut -d' ' -f3 "$work/$key.txt" | median)
  printf '%s: median of %d: ready in %d ms (CPU %d ms), idle RSS %d MiB\n  java %s\n' "$label" "$runs" "$ready" \
    "$cpu" $((rss / 1024)) "${argv[$label]}"
done
