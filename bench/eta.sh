#!/usr/bin/env bash
# ETA accuracy (issue 18; BENCHMARKS row 6): median absolute error of the ETA against the true remaining time from
# 25% progress on, over a mixed workload of short and long audio and video sessions, without and with an
# OpenAI-compatible AI provider (the test sources' fake, as its own process, answering slower the more it is sent).
#
# Usage: bench/eta.sh [--lengths 30,120,600] [--warmup 2] [--rounds 3] [--modes noai,ai] [-- extra service args]
# Needs: JDK, ffmpeg, gnuplot (installed with apt-get when missing), python3, curl. Everything on 127.0.0.1.
# The service runs pinned to CPU 1 (APP_CPU), the fake provider and this client to CPU 0 (LOAD_CPU). Measuring runs
# take /tmp/bench.lock (flock) so they do not overlap other benchmarks; NOLOCK=1 skips it (smoke runs).
# Writes bench/charts/eta-*.png; KEEP=1 keeps the work directory (samples.tsv, logs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LENGTHS=30,120,600
PASS=()
while (($#)); do
  case $1 in
    --lengths) LENGTHS=$2; PASS+=("$1" "$2"); shift 2 ;;
    *) PASS+=("$1"); shift ;;
  esac
done
for tool in ffmpeg gnuplot; do
  command -v $tool >/dev/null || { sudo -n apt-get install -y -qq ${tool/gnuplot/gnuplot-nox} || apt-get install -y -qq ${tool/gnuplot/gnuplot-nox}; }
done

# Build: the jar, and the test classes for the fake provider.
if [[ -z ${JAR:-} ]]; then
  ./mvnw -o -q -ntp -DskipTests package
  JAR=$(ls "$ROOT"/target/enrich-*.jar | grep -v original | head -1)
fi
./mvnw -o -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test
TEST_CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/test-classpath.txt)"

# Media, made once and cached: 16 kHz mono 16-bit WAVs, speech-like (0.8 s of a voiced tone every 2 s over low
# noise) so the local voice detection finds speech to transcribe; H.264 MP4s, 640x360 at 10 fps, a key frame every
# second, a moving test pattern with a new colour scene every 20 s.
MEDIA=$ROOT/target/bench-eta-media
mkdir -p "$MEDIA"
for n in ${LENGTHS//,/ }; do
  [[ -s $MEDIA/audio-$n.wav ]] || ffmpeg -loglevel error -y -f lavfi \
    -i "aevalsrc='0.3*sin(2*PI*(180+40*sin(2*PI*3*t))*t)*lt(mod(t\,2)\,0.8)+0.002*(random(0)*2-1)':s=16000:d=$n" \
    -ac 1 -ar 16000 -c:a pcm_s16le "$MEDIA/audio-$n.wav"
  [[ -s $MEDIA/video-$n.mp4 && -e $MEDIA/.video-640 ]] || ffmpeg -loglevel error -y -f lavfi \
    -i "testsrc2=size=640x360:rate=10:duration=$n,hue=h='360*floor(t/20)/7'" \
    -c:v libx264 -profile:v baseline -pix_fmt yuv420p -g 10 -an "$MEDIA/video-$n.mp4"
done
touch "$MEDIA/.video-640"

WORK=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] && echo "kept $WORK" || rm -rf "$WORK"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), \
$(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes')"
LOCK=(flock /tmp/bench.lock)
[[ -n ${NOLOCK:-} ]] && LOCK=()
"${LOCK[@]}" python3 bench/eta/eta.py --jar "$JAR" --test-classpath "$TEST_CP" --media "$MEDIA" --out "$WORK" \
  --app-cpu "${APP_CPU:-1}" --load-cpu "${LOAD_CPU:-0}" "${PASS[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p bench/charts
for mode in noai ai; do
  [[ -s $WORK/scatter-$mode.dat ]] || continue
  title=$([[ $mode == ai ]] && echo "with the fake AI provider" || echo "no AI provider")
  gnuplot <<EOF
set terminal pngcairo size 900,600 font ",11"
set output "bench/charts/eta-predicted-vs-true-$mode.png"
set title "ETA shown vs true remaining time, every progress event ($title)"
set xlabel "true remaining time (s)"
set ylabel "ETA shown (s)"
set logscale xy
set grid
set key left top
f(x) = x
plot "$WORK/scatter-$mode.dat" using 1:(\$4==0 ? \$2 : 1/0) with points pt 7 ps 0.6 lc rgb "#1f77b4" title "audio sessions", \
     "$WORK/scatter-$mode.dat" using 1:(\$4==1 ? \$2 : 1/0) with points pt 5 ps 0.6 lc rgb "#d62728" title "video sessions", \
     f(x) with lines lc rgb "black" dt 2 title "exact", \
     1.1*x with lines lc rgb "gray" dt 3 title "+-10%", 0.9*x with lines lc rgb "gray" dt 3 notitle
EOF
done
gnuplot <<EOF
set terminal pngcairo size 900,600 font ",11"
set output "bench/charts/eta-error-cdf.png"
set title "ETA error relative to the true remaining time, events at >= 25% progress"
set xlabel "error (% of true remaining time)"
set ylabel "share of events"
set grid
set key right bottom
set xrange [0:100]
set arrow from 10, graph 0 to 10, graph 1 nohead dt 2 lc rgb "black"
set label "goal: median <= 10%" at 11, graph 0.1
plot $(for mode in noai ai; do [[ -s $WORK/cdf-$mode.dat ]] && printf '"%s" using 1:2 with steps lw 2 title "%s", ' \
  "$WORK/cdf-$mode.dat" "$([[ $mode == ai ]] && echo 'fake AI provider' || echo 'no AI provider')"; done | sed 's/, $//')
EOF
echo "charts: bench/charts/eta-predicted-vs-true-*.png bench/charts/eta-error-cdf.png"
