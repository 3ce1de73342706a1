#!/usr/bin/env bash
# Event deliveries/s and publish-to-client latency vs subscribers: Enrich (the tenant's /api/v1/events stream, fed
# through the real EventPublisher, event log and fan-out by a bench-only route of dev.enrich.bench.SseBenchServer)
# against a bare Reactor Netty broadcaster (bench/sse-netty, the machine's limit) and a Spring MVC SseEmitter app
# broadcasting to all its emitters (bench/sse-emitter), in the same run, one server at a time.
# Usage: bench/sse-deliveries.sh [counts=1000,5000,10000] [runs=3]
#   LAT_RATE=10 LAT_SECONDS=4: the latency phase publishes LAT_RATE events/s for LAT_SECONDS.
#   OFFERED=1000000 TPUT_SECONDS=3: the throughput phase publishes OFFERED/subscribers events/s for TPUT_SECONDS.
#   SERVER_OPTS="-Xmx2g": the servers' JVM flags (the same for all three).
# Server on core $SERVER_CPU (0), the NIO load generator (dev.enrich.bench.SseLoad) on $LOAD_CPU (1); every event
# carries its publication time (at); every tenth stream is parsed for delays, every stream is counted. Subscribers
# are opened in increments and held (10,000 fit ulimit -n 20,000 on both sides). Writes bench/charts/sse-deliveries.png.
# The run holds /tmp/bench.lock.
source "$(dirname "$0")/sse-lib.sh"
source bench/lib/charts.sh
COUNTS=${1:-1000,5000,10000}
RUNS=${2:-3}
sse_build
exec 9>/tmp/bench.lock; flock 9 # the whole run: no other benchmark in between
sse_machine | tee "$WORK/machine.txt"
: "${LAT_RATE:=10}" "${LAT_SECONDS:=4}" "${OFFERED:=1000000}" "${TPUT_SECONDS:=3}" "${SERVER_OPTS:=-Xmx2g}"
echo "latency phase: $LAT_RATE events/s for $LAT_SECONDS s; throughput phase: $OFFERED deliveries/s offered for"\
  "$TPUT_SECONDS s; server JVM flags: $SERVER_OPTS" | tee -a "$WORK/machine.txt"
OUT="$WORK/results.txt"
for run in $(seq 1 "$RUNS"); do
  for server in enrich netty emitter; do
    sse_start "$server" "$SERVER_OPTS"
    sse_load deliveries "http://127.0.0.1:$PORT" "$SSE_PATH" "$SSE_HEADER" "$SPID" "$COUNTS" "$SSE_PUBLISH" \
      "$LAT_RATE" "$LAT_SECONDS" "$OFFERED" "$TPUT_SECONDS" \
      | sed -n "s/^RESULT deliveries /server=$server run=$run /p" | tee -a "$OUT" || true
    sse_stop
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/machine.txt"
python3 bench/sse-report.py deliveries "$OUT" "$WORK" "$(cat "$WORK/machine.txt")"
gnuplot "$WORK/chart.gp"
echo "chart: bench/charts/sse-deliveries.png"
