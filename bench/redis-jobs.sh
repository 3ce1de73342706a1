#!/usr/bin/env bash
# Durable jobs/s on the Redis backend (issue 19 row 4): Enrich jobs of 4 no-op stages (queue, claim, state, one
# checkpoint and events per stage) on 1 and 2 replicas, against BullMQ 1-stage no-op jobs and a bare Lettuce
# XADD/XREADGROUP/XACK loop (the limit), all on one redis-server in the same run. Median of RUNS runs each.
# Usage: bench/redis-jobs.sh [jobs=2000] [runs=3]
#   env: CONCURRENCY=16 (Enrich slots per replica = BullMQ worker concurrency = bare loop XREADGROUP COUNT),
#        CLIENTS=16 (submissions in flight), BULLMQ_JOBS=3*jobs, BARE_JOBS=10*jobs, PROFILE=1 (also count Redis
#        commands per job with MONITOR on a small separate run; PROFILE=only: that alone), KEEP=1 (keep logs),
#        WARM_WINDOW=2000 and WARM_MAX=12 (the replicas' warm-up, see below)
# Cores: redis-server and the load generators on CPU 0, the consumers (replicas, BullMQ workers, bare consumers) on
# CPU 1; with SPREAD=1 the second consumer (replica b, the second BullMQ worker or bare consumer) runs on CPU 0.
# Needs: redis-server, redis-cli, node/npm (BullMQ goes into bench/bullmq/node_modules), gnuplot, JDK 17+.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/charts.sh
JOBS=${1:-2000}
RUNS=${2:-3}
CONCURRENCY=${CONCURRENCY:-16}
CLIENTS=${CLIENTS:-16}
BULLMQ_JOBS=${BULLMQ_JOBS:-$((JOBS * 3))}
BARE_JOBS=${BARE_JOBS:-$((JOBS * 10))}
# The replicas are warmed up first, not measured: windows of WARM_WINDOW jobs until, in one window, every replica's JIT
# compiled for less than a tenth of the window's time (at most WARM_MAX windows). On its one core a replica's C2
# compiler keeps working for about 20,000 jobs; a fixed 4,000-job warm-up measured it still compiling (13 s of
# compiling in an 18 s measured part of bench/redis-replica-cpu.sh 3000 4000; with ROUNDS=8 it shows it settle).
WARM_WINDOW=${WARM_WINDOW:-2000}
WARM_MAX=${WARM_MAX:-12}
# Room for every Enrich job of the run, so that no finished job is forgotten to make room (the COMPLETED index only grows).
CAP=$(((WARM_WINDOW * WARM_MAX * 2 + JOBS * RUNS * 2 + 200) * 2))

if [[ ! -f target/test-classpath.txt || ! -f target/test-classes/dev/enrich/bench/RedisJobsBench.class
  || -n $(find src -newer target/test-classes/dev/enrich/bench/RedisJobsBench.class -name '*.java' | head -1) ]]; then
  ./mvnw -o -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
    -Dmdep.includeScope=test
fi
[[ -d bench/bullmq/node_modules/bullmq ]] || (cd bench/bullmq && npm install --no-audit --no-fund --no-package-lock --silent)
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

source bench/lib/replicas.sh
LOAD=(taskset -c 0)
REDIS_PIN=(taskset -c 0)
REPLICA_PIN=(taskset -c 1)
REPLICA_CMD=(java -XX:+ExitOnOutOfMemoryError -Xmx1g ${REPLICA_JAVA_OPTS:-} -cp "$CP" dev.enrich.bench.NoOpStagesApp)
BENCH=("${LOAD[@]}" java -Xmx512m -cp "$CP" dev.enrich.bench.RedisJobsBench)
redis_start
REDIS_FLAGS=($(redis_flags))
RESULTS="$WORK/results"
: > "$RESULTS"

# result SYSTEM REPLICAS RUN: read one RESULT line from stdin into the results file and echo it.
result() {
  local line
  line=$(grep '^RESULT ' || true)
  [[ -n $line ]] || { echo "$1 x$2: no result"; exit 1; }
  echo "$1 $2 $3 $(sed -E 's/.*rate=([0-9.]+) submit=([0-9.]+).*/\1 \2/' <<< "$line") $(sed -E 's/.*jobs=([0-9]+).*/\1/' <<< "$line")" \
    | tee -a "$RESULTS" | awk '{printf "  %-7s replicas=%s run=%s: %s jobs/s (%s jobs, submissions alone %s s)\n", $1, $2, $3, $4, $6, $5}'
}
# pin N CMD...: run the Nth consumer on its CPU.
pin() {
  local n=$1
  shift
  # exec: the background job's pid is then the consumer's own (taskset execs too), so stop_consumers ends it.
  if [[ -n ${SPREAD:-} && $n -eq 2 ]]; then exec taskset -c 0 "$@"; else exec "${REPLICA_PIN[@]}" "$@"; fi
}
# start_consumers LABEL N CMD...: N consumer processes on the consumers' CPU, each given its index; wait for "ready".
CONSUMERS=()
start_consumers() {
  local label=$1 n=$2 i
  shift 2
  CONSUMERS=()
  for i in $(seq 1 "$n"); do
    pin "$i" "$@" "$i" > "$WORK/$label-$i.log" 2>&1 &
    CONSUMERS+=($!)
    PID[$label-$i]=$!
  done
  for i in $(seq 1 "$n"); do
    for _ in $(seq 1 200); do grep -qs '^ready' "$WORK/$label-$i.log" && break; sleep 0.05; done
    grep -q '^ready' "$WORK/$label-$i.log" || { echo "$label consumer $i not ready:"; tail -5 "$WORK/$label-$i.log"; exit 1; }
  done
}
stop_consumers() {
  local label=$1 i
  for i in $(seq 1 "${#CONSUMERS[@]}"); do stop_replica "$label-$i"; done
}

bases() { local n; for n in "$@"; do printf ' %s' "$(api "$n")"; done; }
run_enrich() { # run_enrich REPLICAS RUN JOBS REPLICA...
  local reps=$1 run=$2 n=$3
  shift 3
  "${BENCH[@]}" enrich "$RPORT" "$n" "$CLIENTS" "$KEY" $(bases "$@") | result enrich "$reps" "$run"
}
# jit_seconds REPLICA: the seconds its JIT has compiled so far (jstat -compiler, field 4).
jit_seconds() { jstat -compiler "${PID[$1]}" | awk 'NR == 2 {print $4}'; }
warm_up() { # warm_up REPLICAS REPLICA...: windows until the JIT has settled on every replica (see WARM_WINDOW)
  local reps=$1 w r line wall settled
  shift
  declare -A before=()
  for w in $(seq 1 "$WARM_MAX"); do
    for r in "$@"; do before[$r]=$(jit_seconds "$r"); done
    line=$("${BENCH[@]}" enrich "$RPORT" "$WARM_WINDOW" "$CLIENTS" "$KEY" $(bases "$@") | grep '^RESULT ')
    wall=$(sed -E 's/.*wall=([0-9.]+).*/\1/' <<< "$line")
    settled=1
    printf '  warm-up %s replica(s), window %d: %s jobs/s; JIT seconds in it:' "$reps" "$w" \
      "$(sed -E 's/.*rate=([0-9.]+).*/\1/' <<< "$line")"
    for r in "$@"; do
      local jit
      jit=$(echo "$(jit_seconds "$r") - ${before[$r]}" | bc -l)
      printf ' %s %.1f' "$r" "$jit"
      awk -v j="$jit" -v t="$wall" 'BEGIN {exit !(j >= t / 10)}' && settled=0
    done
    echo
    ((settled)) && return 0
  done
  echo "  (the JIT had not settled after $WARM_MAX windows; measuring anyway)"
}
run_bullmq() { # run_bullmq WORKERS RUN
  start_consumers bullmq "$1" node bench/bullmq/bench.mjs work "$RPORT" "$CONCURRENCY" "q$1-$2"
  "${LOAD[@]}" node bench/bullmq/bench.mjs produce "$RPORT" "$BULLMQ_JOBS" "$CLIENTS" "q$1-$2" | result bullmq "$1" "$2"
  stop_consumers bullmq
}
run_bare() { # run_bare CONSUMERS RUN
  start_consumers bare "$1" java -Xmx256m -cp "$CP" dev.enrich.bench.RedisJobsBench bare-consume "$RPORT" "bare$1-$2" \
    "$CONCURRENCY"
  "${BENCH[@]}" bare-produce "$RPORT" "$BARE_JOBS" "$((CLIENTS * 16))" "bare$1-$2" | result bare "$1" "$2"
  stop_consumers bare
}

# Redis commands per Enrich job: MONITOR over a small run on one replica; round trips are the commands the replica
# and the HTTP submissions send (the load generator's completion polls left out), the rest run inside Lua scripts.
profile() {
  local n=200 mon="$WORK/monitor"
  rcli monitor > "$mon" &
  local mpid=$!
  sleep 0.5
  run_enrich 1 profile "$n" a > /dev/null
  sleep 0.5
  kill "$mpid"; wait "$mpid" 2>/dev/null || true
  grep -v '"ZCARD" "enrich:jobs:\(state:COMPLETED\|finished\)"' "$mon" | grep -v '"monitor"' > "$mon.ours" || true
  echo "Redis commands per Enrich job (MONITOR, $n jobs, 1 replica; background timers included):"
  echo "  round trips (client commands): $(grep -vc ' lua\]' "$mon.ours" | awk -v n=$n '{printf "%.1f", $1 / n}')," \
    "commands inside scripts: $(grep -c ' lua\]' "$mon.ours" | awk -v n=$n '{printf "%.1f", $1 / n}')"
  echo "  round trips by command:"
  grep -v ' lua\]' "$mon.ours" | sed -E 's/^[0-9.]+ \[[^]]*\] "([^"]+)".*/\1/' | tr a-z A-Z | sort | uniq -c | sort -rn \
    | awk -v n=$n '{printf "    %-12s %5.1f\n", $2, $1 / n}'
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1);" \
  "$(java -version 2>&1 | head -1); redis-server $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/');" \
  "node $(node --version), bullmq $(sed -n 's/.*"version": "\(.*\)".*/\1/p' bench/bullmq/node_modules/bullmq/package.json)"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "redis-server 127.0.0.1:$RPORT (AOF everysec) and load generators on CPU 0; consumers on CPU 1$([[ -n ${SPREAD:-} ]] \
  && echo ", the second one on CPU 0 (SPREAD)");" "warm-up: windows of $WARM_WINDOW jobs until the replicas' JIT settles (at most $WARM_MAX);" \
  "Enrich: $JOBS jobs of 4 no-op stages, $CONCURRENCY slots per replica; BullMQ: $BULLMQ_JOBS jobs, worker" \
  "concurrency $CONCURRENCY; bare loop: $BARE_JOBS entries, COUNT $CONCURRENCY, $((CLIENTS * 16)) XADDs in flight;" \
  "$CLIENTS submissions in flight otherwise"

start_replica a "$WORK/a.log" "${REDIS_FLAGS[@]}" --enrich.redis.queue.consumer=a
warm_up 1 a
if [[ -n ${PROFILE:-} ]]; then profile; [[ $PROFILE == only ]] && exit 0; fi
for run in $(seq 1 "$RUNS"); do
  run_enrich 1 "$run" "$JOBS" a
  run_bullmq 1 "$run"
  run_bare 1 "$run"
done
[[ -n ${SPREAD:-} ]] && REPLICA_PIN=(taskset -c 0)
start_replica b "$WORK/b.log" "${REDIS_FLAGS[@]}" --enrich.redis.queue.consumer=b
REPLICA_PIN=(taskset -c 1)
warm_up 2 a b
for run in $(seq 1 "$RUNS"); do
  run_enrich 2 "$run" "$JOBS" a b
  run_bullmq 2 "$run"
  run_bare 2 "$run"
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"

# Medians per system and replica count, the table, and the chart.
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# Measured runs only (not the warm-up or profile runs).
med() { awk -v s="$1" -v r="$2" '$1 == s && $2 == r && $3 ~ /^[0-9]+$/ {print $4}' "$RESULTS" | median; }
submits() { awk -v s="$1" -v r="$2" '$1 == s && $2 == r && $3 ~ /^[0-9]+$/ {printf "%s%.0f", (n++ ? " " : ""), $6 / $5}' "$RESULTS"; }
runs() { awk -v s="$1" -v r="$2" '$1 == s && $2 == r && $3 ~ /^[0-9]+$/ {printf "%s%s", (n++ ? " " : ""), $4}' "$RESULTS"; }
{
  echo "replicas enrich bullmq bare"
  for r in 1 2; do echo "$r $(med enrich $r) $(med bullmq $r) $(med bare $r)"; done
} > "$WORK/medians"
echo
echo "| system | replicas | runs (jobs/s) | median jobs/s | vs BullMQ | vs bare loop | submissions alone (jobs/s) |"
echo "|---|---|---|---|---|---|---|"
for r in 1 2; do
  e=$(med enrich $r); b=$(med bullmq $r); x=$(med bare $r)
  for s in enrich bullmq bare; do
    m=$(med $s $r)
    printf '| %s | %s | %s | %s | %.2fx | %.3fx | %s |\n' \
      "$(case $s in enrich) echo "Enrich, 4 no-op stages";; bullmq) echo "BullMQ, 1 no-op stage";;
        bare) echo "bare XADD/XREADGROUP/XACK";; esac)" "$r" "$(runs $s $r)" "$m" \
      "$(echo "$m / $b" | bc -l)" "$(echo "$m / $x" | bc -l)" "$(submits $s $r)"
  done
done
for s in enrich bullmq bare; do
  printf '2 replicas / 1 replica, %s: %.2fx\n' "$s" "$(echo "$(med $s 2) / $(med $s 1)" | bc -l)"
done
e1=$(med enrich 1); e2=$(med enrich 2)
printf 'goals: Enrich >= 1x BullMQ: %.2fx / %.2fx (1 / 2 replicas); >= 0.3x bare loop: %.3fx / %.3fx; 2 replicas >= 1.6x one: %.2fx\n' \
  "$(echo "$e1 / $(med bullmq 1)" | bc -l)" "$(echo "$e2 / $(med bullmq 2)" | bc -l)" \
  "$(echo "$e1 / $(med bare 1)" | bc -l)" "$(echo "$e2 / $(med bare 2)" | bc -l)" "$(echo "$e2 / $e1" | bc -l)"

mkdir -p bench/charts
gnuplot <<EOF
set terminal pngcairo size 900,560 font "sans,11"
set output "bench/charts/redisbench-jobs-per-second${SPREAD:+-spread}.png"
set title "Durable jobs/s on one redis-server, $(nproc) cores, $([[ -n ${SPREAD:-} ]] && echo "second consumer on the Redis core" || echo "consumers on one core") (median of $RUNS)"
set xlabel "replicas (consumer processes)"
set ylabel "completed jobs/s (log scale)"
set logscale y
set xrange [0.7:2.3]
set xtics ("1" 1, "2" 2)
set key bottom right
set grid ytics
plot "$WORK/medians" using 1:2 skip 1 with linespoints lw 3 pt 7 ps 1.5 title "Enrich, 4 no-op stages with checkpoints", \
     "" using 1:3 skip 1 with linespoints lw 2 dt 2 pt 5 title "BullMQ $(sed -n 's/.*"version": "\(.*\)".*/\1/p' bench/bullmq/node_modules/bullmq/package.json), 1 no-op stage", \
     "" using 1:4 skip 1 with linespoints lw 2 dt 3 pt 9 title "bare Lettuce XADD/XREADGROUP/XACK (the limit)"
EOF
echo "chart: bench/charts/redisbench-jobs-per-second${SPREAD:+-spread}.png"
