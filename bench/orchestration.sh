#!/usr/bin/env bash
# In-memory orchestration cost per job (issue 19, row 1): the whole service with four no-op stages and every event
# on, against a bare Flux.flatMap chain of four no-op Monos, in the same JMH run (OrchestrationBenchmark).
# Usage: bench/orchestration.sh [forks=3]      (about 4 minutes with 3 forks; PROF=... adds JMH profilers)
# Prints wall and CPU time per job (median over forks), allocation per job (-prof gc) and the ratios; writes
# bench/charts/jmh-orchestration.png.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/jmh-lib.sh
. bench/lib/charts.sh
FORKS=${1:-3}
OUT=target/bench-orchestration
mkdir -p "$OUT" bench/charts
build_bench
machine | tr -d '"' | tee "$OUT/machine.txt"
jmh OrchestrationBenchmark -f "$FORKS" -prof gc ${PROF:-} -rf json -rff "$OUT/result.json" > "$OUT/jmh.log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/jmh-summary.py avgt "$OUT/result.json" bareChain "$OUT/chart.dat"
echo "goal: engine <= 3x bareChain (wall time per job)"
gnuplot <<GP
set terminal pngcairo size 900,520 font "sans,11"
set output "bench/charts/jmh-orchestration.png"
set title "Orchestration cost per job, 4 no-op stages, events on (median of $FORKS JMH forks)\n$(cut -c10- "$OUT/machine.txt" | cut -c1-90)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "microseconds per job (log scale)"
set key top left
set yrange [0.1:*]
plot "$OUT/chart.dat" using 2:xtic(1) title "wall time", "" using 3 title "CPU time (all threads)"
GP
echo "chart: bench/charts/jmh-orchestration.png"
