#!/usr/bin/env bash
# GET /api/v1/jobs/{id} throughput and latency with wrk, authenticated with an API key (issue 19, row 7), in the same
# run against: a bare Reactor Netty handler answering the same JSON body (bench/http/BareJsonServer.java, the limit),
# and the same GET as a user would write it with Spring Boot WebFlux (bench/webflux-get: an annotated controller, a
# map lookup, Jackson), once plain and once behind a Spring Security chain checking the same key.
# Usage: bench/http-get.sh [connections=16,64,256] [seconds=8] [runs=3]      (about 12 minutes with the defaults)
#   SERVICE_ARGS="--enrich.access-log.enabled=false": more arguments for the service (e.g. to price the access log).
# The servers run pinned to core 0 (taskset -c 0), wrk (one thread) to core 1. Prints req/s and p99 per connection
# count (median of the runs) and the ratios to the bare handler; writes bench/charts/jmh-http-get.png.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/jmh-lib.sh
. bench/lib/charts.sh
CONNS=${1:-16,64,256}
SECS=${2:-8}
RUNS=${3:-3}
PORT=${PORT:-18180}
BARE_PORT=${BARE_PORT:-18181}
WEBFLUX_PORT=${WEBFLUX_PORT:-18182}
WEBFLUX_SEC_PORT=${WEBFLUX_SEC_PORT:-18183}
OUT=target/bench-http-get
mkdir -p "$OUT" bench/charts
command -v wrk >/dev/null || sudo apt-get install -y wrk || apt-get install -y wrk
build_bench
./mvnw -o -q -ntp -Dmaven.test.skip=true package
./mvnw -o -q -ntp -f bench/webflux-get/pom.xml package -DskipTests || ./mvnw -q -ntp -f bench/webflux-get/pom.xml package -DskipTests
JAR=$(ls target/enrich-*.jar | grep -v original | head -1)
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

# A throwaway key for this run (the service gets its hash only); the rate limit stays in the chain, lifted.
KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
AUTH="Authorization: Bearer $KEY"
KEY_SHA256=$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)
taskset -c 0 java -XX:+ExitOnOutOfMemoryError -jar "$JAR" --server.port="$PORT" --enrich.media.dir="$WORK/media" \
  --enrich.security.dev-key.enabled=false \
  --enrich.security.api-keys[0].sha256="$KEY_SHA256" \
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
# The WebFlux baselines serve the same job (their body is read from the same file); the plain one has no security
# at all (Boot's security auto-configuration excluded), the other checks the key as Enrich does.
NO_SECURITY=org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration,\
org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration
taskset -c 0 java -XX:+ExitOnOutOfMemoryError -jar bench/webflux-get/target/webflux-get.jar \
  --server.port="$WEBFLUX_PORT" --bench.body="$WORK/body.json" --spring.autoconfigure.exclude="$NO_SECURITY" \
  > "$OUT/webflux.log" 2>&1 &
PIDS+=($!)
taskset -c 0 java -XX:+ExitOnOutOfMemoryError -jar bench/webflux-get/target/webflux-get.jar \
  --server.port="$WEBFLUX_SEC_PORT" --bench.body="$WORK/body.json" --bench.security=true \
  --bench.key-sha256="$KEY_SHA256" > "$OUT/webflux-security.log" 2>&1 &
PIDS+=($!)
URL_BARE="http://127.0.0.1:$BARE_PORT/api/v1/jobs/$JOB"
URL_WEBFLUX="http://127.0.0.1:$WEBFLUX_PORT/api/v1/jobs/$JOB"
URL_WEBFLUX_SEC="http://127.0.0.1:$WEBFLUX_SEC_PORT/api/v1/jobs/$JOB"
for url in "$URL_BARE" "$URL_WEBFLUX" "$URL_WEBFLUX_SEC"; do
  for _ in $(seq 1 120); do curl -fs -H "$AUTH" "$url" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs -H "$AUTH" "$url" > /dev/null || { echo "no answer from $url (see $OUT/*.log)"; exit 1; }
done
curl -s -o /dev/null -w '%{http_code} from WebFlux + Security without the key\n' "$URL_WEBFLUX_SEC"

# Measure under the machine-wide benchmark lock, from here to the end.
exec 9>/tmp/bench.lock
flock 9
machine | tr -d '"' | tee "$OUT/machine.txt"
URL_ENRICH="$BASE/jobs/$JOB"
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
# Warm-up (not counted): the servers see one core, so their JIT compilers share it with the event loops; a cold
# service answers 5x slower for about a minute and a half. 10 s windows at 64 connections until one is within 5 % of
# the one before (3 to 18 windows); the bare server is compiled in one.
warm() { # name url
  echo "warm-up of $1 (not counted): 10 s windows at 64 connections until the throughput settles"
  local prev=0 now w
  for w in $(seq 1 18); do
    measure "warm-$1" "$2" 64 10 > "$WORK/warm.txt"
    now=$(awk '{print $3}' "$WORK/warm.txt")
    echo "  window $w: $now req/s"
    if (( w >= 3 )) && awk -v a="$now" -v b="$prev" 'BEGIN {exit !(a <= b * 1.05)}'; then break; fi
    prev=$now
  done
}
warm enrich "$URL_ENRICH"
warm webflux "$URL_WEBFLUX"
warm webflux-security "$URL_WEBFLUX_SEC"
measure warm-bare "$URL_BARE" 64 10 > /dev/null
echo "server conns req/s p99_us non2xx"
for run in $(seq 1 "$RUNS"); do
  for c in ${CONNS//,/ }; do
    measure enrich "$URL_ENRICH" "$c" "$SECS"
    measure webflux-security "$URL_WEBFLUX_SEC" "$c" "$SECS"
    measure webflux "$URL_WEBFLUX" "$c" "$SECS"
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
servers = ["enrich", "webflux-security", "webflux", "bare"]
conns = sorted({c for name, c in runs if name == "enrich"})  # not the warm-up windows
print(f"{'conns':>5} " + " ".join(f"{s + ' req/s':>22} {'p99 ms':>7}" for s in servers)
      + f" {'Enrich/bare':>11} {'WF+Sec/bare':>11} {'WebFlux/bare':>12} {'non-2xx':>7}")
with open(sys.argv[2], "w") as f:
    f.write("# conns " + " ".join(f"{s}_rps {s}_p99_ms" for s in servers) + "\n")
    for c in conns:
        med = {}
        for s in servers:
            r = runs[(s, c)]
            med[s] = (statistics.median(x for x, _, _ in r), statistics.median(p for _, p, _ in r) / 1000)
        bad = sum(x for s in servers for _, _, x in runs[(s, c)])
        bare = med["bare"][0]
        print(f"{c:>5} " + " ".join(f"{med[s][0]:>22.0f} {med[s][1]:>7.2f}" for s in servers)
              + f" {med['enrich'][0] / bare:>10.3f}x {med['webflux-security'][0] / bare:>10.3f}x"
              + f" {med['webflux'][0] / bare:>11.3f}x {bad:>7}")
        f.write(f"{c} " + " ".join(f"{med[s][0]} {med[s][1]}" for s in servers) + "\n")
print("goal: Enrich >= 0.5x the bare handler's throughput (medians of %d runs)" % len(runs[("enrich", conns[0])]))
PY
gnuplot <<GP
set terminal pngcairo noenhanced size 1100,480 font "sans,11"
set output "bench/charts/jmh-http-get.png"
set multiplot layout 1,2 title "GET /api/v1/jobs/{id}, wrk -t1 on core 1, servers on core 0 (median of $RUNS runs)\n$(cut -c10- "$OUT/machine.txt" | cut -c1-100)"
set logscale x 2
set xlabel "connections"
set key top right
set ylabel "requests/s"
set logscale y 10
plot "$OUT/chart.dat" using 1:2 with linespoints lw 2 title "Enrich", \
  "" using 1:4 with linespoints lw 2 title "WebFlux + Security", \
  "" using 1:6 with linespoints lw 2 title "WebFlux", \
  "" using 1:8 with linespoints lw 2 title "bare Reactor Netty"
unset logscale y
set ylabel "p99 latency (ms)"
set key top left
set yrange [0:*]
plot "$OUT/chart.dat" using 1:3 with linespoints lw 2 title "Enrich", \
  "" using 1:5 with linespoints lw 2 title "WebFlux + Security", \
  "" using 1:7 with linespoints lw 2 title "WebFlux", \
  "" using 1:9 with linespoints lw 2 title "bare Reactor Netty"
unset multiplot
GP
echo "chart: bench/charts/jmh-http-get.png"
