#!/usr/bin/env bash
# GET /api/v1/jobs/{id} throughput and latency with wrk, authenticated with an API key (issue 19, row 7), against a
# bare Reactor Netty handler answering the same JSON body (bench/http/BareJsonServer.java), in the same run.
# Usage: bench/http-get.sh [connections=16,64,256] [seconds=8] [runs=3]      (about 5 minutes with the defaults)
#   SERVICE_ARGS="--enrich.access-log.enabled=false": more arguments for the service (e.g. to price the access log).
# The servers run pinned to core 0 (taskset -c 0), wrk (one thread) to core 1. Prints req/s and p99 per connection
# count (median of the runs) and the ratio to the bare handler; writes bench/charts/jmh-http-get.png.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/jmh-lib.sh
CONNS=${1:-16,64,256}
SECS=${2:-8}
RUNS=${3:-3}
PORT=${PORT:-18180}
BARE_PORT=${BARE_PORT:-18181}
OUT=target/bench-http-get
mkdir -p "$OUT" bench/charts
command -v wrk >/dev/null || sudo apt-get install -y wrk || apt-get install -y wrk
build_bench
./mvnw -o -q -ntp -Dmaven.test.skip=true package
JAR=$(ls target/enrich-*.jar | grep -v original | head -1)
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

# A throwaway key for this run (the service gets its hash only); the rate limit stays in the chain, lifted.
KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
AUTH="Authorization: Bearer $KEY"
taskset -c 0 java -XX:+ExitOnOutOfMemoryError -jar "$JAR" --server.port="$PORT" --enrich.media.dir="$WORK/media" \
  --enrich.security.dev-key.enabled=false \
  --enrich.security.api-keys[0].sha256="$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" \
  --enrich.security.api-keys[0].tenant=bench --enrich.security.api-keys[0].roles=USER \
  --enrich.limits.requests-per-second=10000000 ${SERVICE_ARGS:-} > "$OUT/service.log" 2>&1 &
PIDS+=($!)
BASE="http://127.0.0.1:$PORT/api/v1"
# Ready when an authenticated read answers (the pool view is for admins; the key is a user's).
for _ in $(seq 1 240); do curl -fs -H "$AUTH" "$BASE/jobs?limit=1" >/dev/null 2>&1 && break; sleep 0.5; done
SID=$(curl -fs -H "$AUTH" -F 'metadata={"title":"Bench","notes":"Weekly sync. We shipped the release. Next step: write the docs."};type=application/json' \
  "$BASE/sessions" | sed -E 's/.*"id":"([^"]+)".*/\1/')
JOB=$(curl -fs -XPOST -H "$AUTH" -H 'Content-Type: application/json' -d '{"stages":["summary"]}' \
  "$BASE/sessions/$SID/enrichments" | sed -E 's/.*"(jobId|id)":"([^"]+)".*/\2/')
for _ in $(seq 1 100); do
  curl -fs -H "$AUTH" "$BASE/jobs/$JOB" > "$WORK/body.json"
  grep -q '"state":"completed"' "$WORK/body.json" && break
  sleep 0.2
done
echo "job $JOB: $(wc -c < "$WORK/body.json") bytes: $(head -c 160 "$WORK/body.json")..."
curl -fs -o /dev/null -w '%{http_code} without the key: ' "$BASE/jobs/$JOB" || true
curl -s -o /dev/null -w '%{http_code}\n' "$BASE/jobs/$JOB"

taskset -c 0 java -XX:+ExitOnOutOfMemoryError -cp "$(cat target/bench-classpath.txt)" bench/http/BareJsonServer.java \
  "$BARE_PORT" "$WORK/body.json" > "$OUT/bare.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$BARE_PORT/" >/dev/null 2>&1 && break; sleep 0.5; done

# Measure under the machine-wide benchmark lock, from here to the end.
exec 9>/tmp/bench.lock
flock 9
machine | tr -d '"' | tee "$OUT/machine.txt"
URL_ENRICH="$BASE/jobs/$JOB"
URL_BARE="http://127.0.0.1:$BARE_PORT/api/v1/jobs/$JOB"
# wrk's summary: requests/s and the 99th percentile in microseconds.
measure() { # name url conns secs
  taskset -c 1 wrk -t1 -c"$3" -d"$4"s --latency -H "$AUTH" "$2" > "$WORK/wrk.txt"
  local rps p99 non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else {sub(/s/,"",v); print v*1e6}}' "$WORK/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt")
  echo "$1 $3 $rps $p99 ${non2xx:-0}" | tee -a "$OUT/runs.txt"
}
: > "$OUT/runs.txt"
# Warm-up (not counted): the service sees one core, so its JIT compilers share it with the event loops; a cold
# service answers 5x slower for about a minute and a half. 10 s windows at 64 connections until one is within 5 % of
# the one before (3 to 18 windows); the bare server is compiled in one.
echo "warm-up (not counted): 10 s windows at 64 connections until the throughput settles"
prev=0
for w in $(seq 1 18); do
  measure warm-enrich "$URL_ENRICH" 64 10 > "$WORK/warm.txt"
  now=$(awk '{print $3}' "$WORK/warm.txt")
  echo "  window $w: $now req/s"
  if (( w >= 3 )) && awk -v a="$now" -v b="$prev" 'BEGIN {exit !(a <= b * 1.05)}'; then break; fi
  prev=$now
done
measure warm-bare "$URL_BARE" 64 10 > /dev/null
echo "server conns req/s p99_us non2xx"
for run in $(seq 1 "$RUNS"); do
  for c in ${CONNS//,/ }; do
    measure enrich "$URL_ENRICH" "$c" "$SECS"
    measure bare "$URL_BARE" "$c" "$SECS"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$OUT/runs.txt" "$OUT/chart.dat" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, c, rps, p99, bad = line.split()
    runs[(name, int(c))].append((float(rps), float(p99), int(bad)))
conns = sorted({c for name, c in runs if name == "enrich"})  # not the warm-up windows
print(f"{'conns':>5} {'Enrich req/s':>12} {'p99 ms':>7} {'bare req/s':>11} {'p99 ms':>7} {'Enrich/bare':>11} {'non-2xx':>8}")
with open(sys.argv[2], "w") as f:
    f.write("# conns enrich_rps enrich_p99_ms bare_rps bare_p99_ms\n")
    for c in conns:
        e, b = runs[("enrich", c)], runs[("bare", c)]
        er, ep = statistics.median(r for r, _, _ in e), statistics.median(p for _, p, _ in e) / 1000
        br, bp = statistics.median(r for r, _, _ in b), statistics.median(p for _, p, _ in b) / 1000
        bad = sum(x for _, _, x in e)
        print(f"{c:>5} {er:>12.0f} {ep:>7.2f} {br:>11.0f} {bp:>7.2f} {er / br:>10.2f}x {bad:>8}")
        f.write(f"{c} {er} {ep} {br} {bp}\n")
print("goal: Enrich >= 0.5x the bare handler's throughput (medians of %d runs)" % len(e))
PY
gnuplot <<GP
set terminal pngcairo size 1100,480 font "sans,11"
set output "bench/charts/jmh-http-get.png"
set multiplot layout 1,2 title "GET /api/v1/jobs/{id}, wrk -t1 on core 1, server on core 0 (median of $RUNS runs)\n$(cut -c10- "$OUT/machine.txt" | cut -c1-100)"
set logscale x 2
set xlabel "connections"
set key bottom right
set ylabel "requests/s"
set yrange [0:*]
plot "$OUT/chart.dat" using 1:2 with linespoints lw 2 title "Enrich", "" using 1:4 with linespoints lw 2 title "bare Reactor Netty"
set ylabel "p99 latency (ms)"
set key top left
plot "$OUT/chart.dat" using 1:3 with linespoints lw 2 title "Enrich", "" using 1:5 with linespoints lw 2 title "bare Reactor Netty"
unset multiplot
GP
echo "chart: bench/charts/jmh-http-get.png"
