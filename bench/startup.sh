#!/usr/bin/env bash
# Measure how long Enrich takes from `java` to a readiness probe answering 200, and its resident memory once idle.
#
#   bench/startup.sh [-n RUNS] [-j JAR] [-w DIR] MODE...
#
# MODE is one or more of:
#   jar      java -jar app.jar                                  (the fat jar as built)
#   layout   java -jar extracted/app.jar                        (java -Djarmode=tools -jar app.jar extract)
#   cds      the extracted layout with a class-data sharing archive (-XX:SharedArchiveFile), trained first with
#            -XX:ArchiveClassesAtExit and -Dspring.context.exit=onRefresh (what bench/cds-train.sh does for the image)
#   cds-aot  as cds, trained and run with -Dspring.aot.enabled=true (needs a jar built with -Paot)
# Each mode starts RUNS times (default 5) and prints every run, the median start-to-ready and the median idle RSS
# (VmRSS of the JVM 5 s after ready, no request served but the probe's), with the CPU time the JVM used until ready
# (all its threads), which other work on the machine sways less than wall time. Extra JVM flags: JAVA_OPTS.
#
# Example (what notes/i17-run.md reports): ./mvnw -o -q -ntp package -DskipTests && bench/startup.sh jar cds
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

extracted() {
  if [ ! -f "$work/app/$(basename "$jar")" ]; then
    rm -rf "$work/app"
    java -Djarmode=tools -jar "$jar" extract --destination "$work/app" >/dev/null
  fi
  echo "$work/app/$(basename "$jar")"
}

# The modes take turns run by run, so a machine busier at one moment than another weighs on all of them alike.
declare -A argv
for mode in "$@"; do
  case $mode in
    jar) args=(-jar "$jar") ;;
    layout) args=(-jar "$(extracted)") ;;
    cds | cds-aot)
      app=$(extracted)
      aot=()
      [ "$mode" = cds-aot ] && aot=(-Dspring.aot.enabled=true)
      "$here/cds-train.sh" "$app" "$work/$mode.jsa" "${aot[@]}" >"$work/train-$mode.log" 2>&1 \
        || { echo "training failed; see $work/train-$mode.log" >&2; exit 1; }
      args=(-XX:SharedArchiveFile="$work/$mode.jsa" "${aot[@]}" -jar "$app") ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  argv[$mode]="${args[*]}"
  : >"$work/$mode.txt"
done
for i in $(seq "$runs"); do
  for mode in "$@"; do
    # shellcheck disable=SC2086
    measure ${argv[$mode]} | tee -a "$work/$mode.txt" \
      | awk -v m="$mode" -v i="$i" '{printf "%-8s run %d: ready in %d ms (CPU %d ms), idle RSS %d MiB\n", m, i, $1, $3, $2 / 1024}'
  done
done
for mode in "$@"; do
  ready=$(cut -d' ' -f1 "$work/$mode.txt" | median)
  rss=$(cut -d' ' -f2 "$work/$mode.txt" | median)
  cpu=$(cut -d' ' -f3 "$work/$mode.txt" | median)
  printf '%-8s median of %d: ready in %d ms (CPU %d ms), idle RSS %d MiB  (java %s)\n' "$mode" "$runs" "$ready" \
    "$cpu" $((rss / 1024)) \
    "${argv[$mode]}"
done
