#!/usr/bin/env bash
# Worker acquisition latency (issue 19, row 5): JMH SampleTime on the real WorkerPool (AcquireBenchmark) with a free
# slot, and from a slot freed to the queued job started with the pool full; then bench/load.sh against the built
# service for the queue wait of real jobs under a full pool (the pool's own acquisition timer, GET /api/v1/pool).
# Usage: bench/acquire.sh [forks=3] [load-jobs=300]      (about 3 minutes)
# Writes bench/charts/jmh-acquire.png.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/jmh-lib.sh
. bench/lib/charts.sh
FORKS=${1:-3}
LOAD_JOBS=${2:-300}
OUT=target/bench-acquire
mkdir -p "$OUT" bench/charts
build_bench
./mvnw -o -q -ntp -Dmaven.test.skip=true package
machine | tr -d '"' | tee "$OUT/machine.txt"
jmh AcquireBenchmark -f "$FORKS" -rf json -rff "$OUT/result.json" > "$OUT/jmh.log"
grep -o 'exact-submit-to-start-us.*' "$OUT/jmh.log" | sed 's/^/free slot, read on the slot thread (per fork): /'
python3 bench/jmh-summary.py sample "$OUT/result.json" "$OUT/chart.dat"
echo "goal: p99 <= 1000 us with a free slot (freeSlot)"
echo "queue wait under a full pool, real jobs through the service (bench/load.sh $LOAD_JOBS 16 4):"
flock /tmp/bench.lock bench/load.sh "$LOAD_JOBS" 16 4 | tee "$OUT/load.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
gnuplot <<GP
set terminal pngcairo size 900,520 font "sans,11"
set output "bench/charts/jmh-acquire.png"
set title "Worker acquisition, WorkerPool with 4 slots (JMH SampleTime, median of $FORKS forks)\n$(cut -c10- "$OUT/machine.txt" | cut -c1-90)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [1:*]
set ylabel "microseconds (log scale)"
set key top left
plot "$OUT/chart.dat" using 2:xtic(1) title "free slot: submit to start", "" using 3 title "full pool: slot freed to queued job started", 1000 with lines lw 2 dt 2 title "goal: p99 <= 1 ms"
GP
echo "chart: bench/charts/jmh-acquire.png"
