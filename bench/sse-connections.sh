#!/usr/bin/env bash
# Concurrent SSE connections held by one server and the server's RSS per connection: Enrich (/api/v1/events, API
# key) against a minimal Spring MVC SseEmitter app on Tomcat (bench/sse-emitter), in the same run, same JVM flags.
# Usage: bench/sse-connections.sh [counts=1000,5000,10000] [runs=3]
#   FLAGS="-Xmx2g|" : JVM flag sets to try, separated by |, each on both servers ("" = the JVM's defaults).
# Server pinned to core $SERVER_CPU (0), the load generator (dev.enrich.bench.SseLoad, NIO) to $LOAD_CPU (1). With
# ulimit -n 20,000 per process, 10,000 streams fit both the server and the client (plus jars and sockets of the JVM).
# RSS is VmRSS from /proc at 0 streams (after a warm-up of 500 streams opened and closed) and at each count (opened in
# increments), once settled (raw) and after a full collection (jcmd GC.run); per connection = delta / count.
# Writes bench/charts/sse-connections.png. The run holds /tmp/bench.lock.
source "$(dirname "$0")/sse-lib.sh"
source bench/lib/charts.sh
COUNTS=${1:-1000,5000,10000}
RUNS=${2:-3}
IFS='|' read -r -a FLAG_SETS <<< "${FLAGS:--Xmx2g|}"
sse_build
exec 9>/tmp/bench.lock; flock 9 # the whole run: no other benchmark in between
sse_machine | tee "$WORK/machine.txt"
OUT="$WORK/results.txt"
for run in $(seq 1 "$RUNS"); do
  for flags in "${FLAG_SETS[@]}"; do
    for server in enrich emitter; do
      sse_start "$server" "$flags"
      sse_load connections "http://127.0.0.1:$PORT" "$SSE_PATH" "$SSE_HEADER" "$SPID" "$COUNTS" \
        | sed -n "s/^RESULT conn /server=$server flags=${flags:-default} run=$run /p" | tee -a "$OUT" || true
      sse_stop
    done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/machine.txt"
python3 bench/sse-report.py connections "$OUT" "$WORK" "$(cat "$WORK/machine.txt")"
gnuplot "$WORK/chart.gp"
echo "chart: bench/charts/sse-connections.png"
