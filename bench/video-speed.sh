#!/usr/bin/env bash
# Video stage speed (issue 19, row 8): the whole video stage (decode, per-frame signatures, scene cuts, chapters,
# thumbnails) on a 60 s 1280x720 30 fps H.264 High profile clip with B-frames, pinned to one core, against
# `ffmpeg -threads 1` decoding every frame of the same file (the limit) and against real time. jcodec's own full
# decode (every frame, nothing skipped) is measured too, as the naive Java baseline.
#
#   bench/video-speed.sh            # 3 measured runs (+1 JIT warm-up run of ours), median; about 3 minutes
#   RUNS=5 JCODEC_RUNS=5 bench/video-speed.sh
#
# Measuring runs take /tmp/bench.lock (flock) so they do not overlap other benchmarks on this machine.
# Writes target/video-speed/results.md and bench/charts/scenecuts-video-speed.png.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
JCODEC_RUNS=${JCODEC_RUNS:-1} # jcodec's full decode (slow, a reference only) is timed in this many of the last runs
CORE=${CORE:-0}
OUT=target/video-speed
CHART=bench/charts/scenecuts-video-speed.png
mkdir -p "$OUT" bench/charts

need() { command -v "$1" >/dev/null 2>&1 || { sudo=; [ "$(id -u)" = 0 ] || sudo=sudo;
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2"; }; }
need ffmpeg ffmpeg
need gnuplot gnuplot-nox

echo "building (test classes, classpath)..."
./mvnw -q -ntp -o test-compile || ./mvnw -q -ntp test-compile
./mvnw -q -ntp -o dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" >/dev/null
CP="target/test-classes:target/classes:$(cat "$OUT/cp.txt")"

# The clip: screen-like content with five cuts, made once. 0-15 s a long page scrolling; 15-30 s a still page with a
# moving pointer; 30-40 s a video (testsrc2); 40-50 s a page zooming in; 50-52 s a blank white screen; 52-60 s a page.
CLIP="$OUT/clip-720p30-high-bf3-60s.mp4"
if [ ! -f "$CLIP" ]; then
  echo "making the clip with ffmpeg (not timed)..."
  page() { # seed seconds
    local g="color=c=white:s=1280x720:r=30:d=$2,drawbox=x=0:y=0:w=iw:h=ih*0.08:color=0x2b579a:t=fill" i
    for i in 0 1 2 3 4 5 6 7 8 9; do
      g="$g,drawbox=x=iw*0.08:y=ih*0.$((14 + i * 8)):w=iw*0.$(((i * 37 + $1 * 53) % 60 + 25)):h=ih*0.03:color=0x404040:t=fill"
    done
    echo "$g"
  }
  tall="color=c=0xfafafa:s=1280x2880:r=30:d=15"
  for i in $(seq 0 59); do
    tall="$tall,drawbox=x=iw*0.08:y=ih*$(awk "BEGIN{print 0.01+$i*0.0165}"):w=iw*0.$(((i * 41) % 70 + 20)):h=ih*0.006:color=0x404040:t=fill"
  done
  graph="$tall,crop=1280:720:0:'t*60'[a];$(page 1 15)[bg];color=c=black:s=12x20:r=30:d=15[p];"
  graph+="[bg][p]overlay=x='400+300*sin(t)':y='300+200*cos(t*0.7)'[b];testsrc2=s=1280x720:r=30:d=10[c];"
  graph+="$(page 2 10),zoompan=z='1+0.004*in':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=1280x720:fps=30[d];"
  graph+="color=c=white:s=1280x720:r=30:d=2[e];$(page 3 8)[f];[a][b][c][d][e][f]concat=n=6:v=1:a=0,format=yuv420p[o]"
  ffmpeg -nostdin -v error -y -filter_complex "$graph" -map '[o]' -t 60 -c:v libx264 -preset veryfast \
    -profile:v high -bf 3 -pix_fmt yuv420p "$OUT/clip.part.mp4"
  mv "$OUT/clip.part.mp4" "$CLIP"
fi
LENGTH=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$CLIP")

measure() {
  : >"$OUT/ffmpeg.txt"
  for r in $(seq 1 "$RUNS"); do
    # wall, user + sys CPU seconds of one single-threaded full decode
    /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" taskset -c "$CORE" ffmpeg -nostdin -v error -threads 1 \
      -i "$CLIP" -f null -
    awk '{print $1, $2 + $3}' "$OUT/time.txt" >>"$OUT/ffmpeg.txt"
  done
  # Ours, in one JVM: the first run warms the JIT and is reported apart; the next RUNS are measured.
  taskset -c "$CORE" java -Xmx512m -cp "$CP" -Dbench.file="$CLIP" -Dbench.runs=$((RUNS + 1)) \
    -Dbench.decodeRuns="$JCODEC_RUNS" dev.enrich.bench.VideoBench | tee "$OUT/ours.txt"
  uptime >"$OUT/uptime.txt"
}
export -f measure
export RUNS JCODEC_RUNS CORE OUT CLIP CP
if [ -z "${REUSE:-}" ]; then # REUSE=1 redraws the table and chart from the last measurement
  echo "measuring (waiting for /tmp/bench.lock if another benchmark runs)..."
  flock /tmp/bench.lock bash -c measure
fi

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
field() { grep '^RESULT' "$OUT/ours.txt" | tail -n +2 | sed -n "s/.* $1=\([0-9.]*\) .*/\1/p" | median; }
ff_wall=$(awk '{print $1}' "$OUT/ffmpeg.txt" | median)
ff_cpu=$(awk '{print $2}' "$OUT/ffmpeg.txt" | median)
st_wall=$(field stage)
st_cpu=$(field stage_cpu)
jc_wall=$(field decode)
jc_cpu=$(field decode_cpu)
cold=$(grep '^RESULT run=1 ' "$OUT/ours.txt" | sed -n 's/.* stage=\([0-9.]*\).*/\1/p')
cuts=$(grep '^RESULT' "$OUT/ours.txt" | tail -1 | sed -n 's/.* cuts=\([0-9]*\).*/\1/p')

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), \
$(java -version 2>&1 | head -1), $(ffmpeg -version | head -1 | cut -d' ' -f1-3); pinned to core $CORE"
  echo "load during the runs: $(cat "$OUT/uptime.txt" | sed 's/.*load/load/')"
  echo "clip: $(basename "$CLIP"), ${LENGTH} s, 1280x720 30 fps, H.264 High, 3 B-frames; median of $RUNS runs"
  echo
  echo "| decoder (one core) | wall s | CPU s | x real time (wall) | x real time (CPU) | vs ffmpeg -threads 1 (CPU) |"
  echo "|---|---|---|---|---|---|"
  awk -v L="$LENGTH" -v fw="$ff_wall" -v fc="$ff_cpu" -v sw="$st_wall" -v sc="$st_cpu" -v jw="$jc_wall" \
    -v jc="$jc_cpu" 'function row(n, w, c) { printf "| %s | %.2f | %.2f | %.2f | %.2f | %.3f |\n", n, w, c, L / w, L / c, fc / c }
    BEGIN { row("ffmpeg -threads 1, full decode (the limit)", fw, fc);
            row("jcodec, full decode of every frame", jw, jc);
            row("Enrich video stage (1 fps samples, every reference frame)", sw, sc) }'
  echo
  echo "goal: the video stage >= 1.5x real time; cold first run (JIT warm-up) $cold s; cuts found: $cuts (5 made)"
} | tee "$OUT/results.md"

awk -v L="$LENGTH" -v fw="$ff_wall" -v fc="$ff_cpu" -v sw="$st_wall" -v sc="$st_cpu" -v jw="$jc_wall" -v jc="$jc_cpu" \
  'BEGIN { printf "\"ffmpeg -threads 1\\nfull decode\" %f %f\n\"jcodec\\nfull decode\" %f %f\n\"Enrich\\nvideo stage\" %f %f\n",
           L / fc, L / fw, L / jc, L / jw, L / sc, L / sw }' >"$OUT/chart.dat"
gnuplot <<EOF
set terminal pngcairo size 900,540 font "sans,11"
set output "$CHART"
set title "Video on one core: 60 s 720p30 H.264 High (B-frames), x real time (log scale, higher is faster)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.5:*]
set ylabel "x real time"
set grid ytics
set bmargin 4
set key top right
set arrow from graph 0, first 1.5 to graph 1, first 1.5 nohead dt 2 lw 2 lc rgb "#c00000"
set label "goal 1.5x" at graph 0.02, first 1.75 tc rgb "#c00000"
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 3 lc rgb "#606060"
plot "$OUT/chart.dat" using 2:xtic(1) title "by CPU time" lc rgb "#2b579a", \
     '' using 3 title "by wall time (shared machine)" lc rgb "#8fb3e0", \
     '' using 0:2:(sprintf("%.1fx", \$2)) with labels offset -2.5,0.8 notitle
EOF
echo "chart: $CHART"
