#!/usr/bin/env bash
# Audio stage speed (BENCHMARKS row 9): the real AudioStage (dev.enrich.bench.AudioBench --files) against
# `sox FILE -n stat` over the same 16 kHz mono 16-bit WAVs, both pinned to one core (taskset -c CPU), median of RUNS
# runs each, in the same run; times real time and the ratio stage/sox per file length. Goal: >= 200x real time.
#
# Usage: bench/audio-speed.sh [minutes...]     (default: 10 30 60)
# Env: RUNS=5 CPU=0 HEAP=48m. Needs: JDK, sox, ffmpeg, gnuplot (apt-get installs them when missing).
# Files are made once under target/bench-audio/ (speech-like: 0.8 s of a voiced tone every 2 s over low noise) and
# read once before timing, so both sides read from the page cache. The measuring part takes /tmp/bench.lock (flock);
# NOLOCK=1 skips it for smoke runs. Writes bench/charts/eta-audio-speed.png.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MINUTES=("$@")
((${#MINUTES[@]})) || MINUTES=(10 30 60)
RUNS=${RUNS:-5}
CPU=${CPU:-0}
HEAP=${HEAP:-48m}
for tool in sox ffmpeg gnuplot; do
  command -v $tool >/dev/null || apt-get install -y -qq ${tool/gnuplot/gnuplot-nox} >/dev/null
done

./mvnw -o -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/test-classpath.txt)"

DIR=$ROOT/target/bench-audio
mkdir -p "$DIR"
FILES=()
for m in "${MINUTES[@]}"; do
  f=$DIR/speech-${m}min.wav
  [[ -s $f ]] || ffmpeg -loglevel error -y -f lavfi \
    -i "aevalsrc='0.3*sin(2*PI*(180+40*sin(2*PI*3*t))*t)*lt(mod(t\,2)\,0.8)+0.002*(random(0)*2-1)':s=16000:d=$((m * 60))" \
    -ac 1 -ar 16000 -c:a pcm_s16le "$f"
  cat "$f" > /dev/null
  FILES+=("$f")
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
measure() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), \
$(java -version 2>&1 | head -1), $(sox --version | sed 's/.*SoX //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  taskset -c "$CPU" java -Xmx"$HEAP" -XX:+UseSerialGC -cp "$CP" dev.enrich.bench.AudioBench --files "$RUNS" "${FILES[@]}" \
    | grep '^result' > "$WORK/stage.txt"
  for f in "${FILES[@]}"; do
    for run in $(seq 1 "$RUNS"); do
      s=$(date +%s.%N)
      taskset -c "$CPU" sox "$f" -n stat 2> /dev/null
      e=$(date +%s.%N)
      echo "result file=$f run=$run seconds=$(echo "$e - $s" | bc)" >> "$WORK/sox.txt"
    done
  done
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
if [[ -z ${NOLOCK:-} ]]; then exec 9> /tmp/bench.lock; flock 9; fi
measure
[[ -n ${NOLOCK:-} ]] || flock -u 9

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
printf '\n%-8s %10s %12s %10s %12s %12s %14s\n' length "stage (s)" "stage x RT" "sox (s)" "sox x RT" "stage/sox" "goal 200x RT"
: > "$WORK/chart.dat"
for i in "${!FILES[@]}"; do
  f=${FILES[$i]}; m=${MINUTES[$i]}; audio=$((m * 60))
  st=$(grep "file=$f " "$WORK/stage.txt" | sed -E 's/.*seconds=([0-9.]+).*/\1/' | median)
  sx=$(grep "file=$f " "$WORK/sox.txt" | sed -E 's/.*seconds=([0-9.]+).*/\1/' | median)
  srt=$(echo "$audio / $st" | bc -l); xrt=$(echo "$audio / $sx" | bc -l)
  printf '%-8s %10.3f %11.0fx %10.3f %11.0fx %11.2fx %14s\n' "${m} min" "$st" "$srt" "$sx" "$xrt" \
    "$(echo "$sx / $st" | bc -l)" "$(awk -v r="$srt" 'BEGIN {print (r >= 200) ? "met" : "missed"}')"
  echo "$m $srt $xrt" >> "$WORK/chart.dat"
done
echo "(median of $RUNS runs each, one core: taskset -c $CPU; stage/sox > 1 means the stage is faster)"
echo "all runs:"; cat "$WORK/stage.txt" "$WORK/sox.txt" | sed -E "s|$DIR/||"

mkdir -p bench/charts
gnuplot <<EOF
set terminal pngcairo size 900,560 font ",11"
set output "bench/charts/eta-audio-speed.png"
set title "Audio analysis speed on one core, 16 kHz mono WAV (median of $RUNS runs)"
set xlabel "file length (minutes)"
set ylabel "times real time"
set logscale y
set grid
set key right center
set style data linespoints
set xtics ($(IFS=,; echo "${MINUTES[*]}"))
plot "$WORK/chart.dat" using 1:2 lw 2 pt 7 title "Enrich audio stage", \
     "$WORK/chart.dat" using 1:3 lw 2 pt 5 title "sox -n stat", \
     200 with lines dt 2 lc rgb "black" title "goal: 200x real time"
EOF
echo "chart: bench/charts/eta-audio-speed.png"
