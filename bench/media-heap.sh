#!/usr/bin/env bash
# Heap while one large file is uploaded through POST /api/v1/sessions, with the media store in a local directory and
# on S3 (s3rver on loopback): the service's heap is sampled every 100 ms with jstat while the upload runs.
# Usage: bench/media-heap.sh [size-MiB=1024]      (XMX=256m for the service's heap in the environment)
# Needs: a built jar (./mvnw -DskipTests package), s3rver (npm ci --prefix test-tools/s3rver), node, curl, jq, jstat.
# Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=${1:-1024}
XMX=${XMX:-256m}
JAR=$(ls target/enrich-*.jar | head -1)
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n ${KEEP:-} ]]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }

# A WAV of MIB mebibytes: a PCM header by hand, then silence (a sparse file, so making it costs no time).
bytes=$((MIB * 1024 * 1024 - 44))
{ printf 'RIFF'; le32 $((36 + bytes)); printf 'WAVEfmt '; le32 16; printf '\x01\x00\x01\x00'; le32 16000; le32 32000
  printf '\x02\x00\x10\x00data'; le32 $bytes; } > "$WORK/big.wav"
truncate -s $((MIB * 1024 * 1024)) "$WORK/big.wav"

# s3rver with one bucket; the service signs with its account through the SDK's default chain (environment).
SPORT=$(free_port)
node test-tools/s3rver/node_modules/s3rver/bin/s3rver.js --directory "$WORK/s3" --address 127.0.0.1 --port "$SPORT" \
  --silent --configure-bucket media > "$WORK/s3rver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SPORT") 2>/dev/null && break; sleep 0.1; done

KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"

# run STORE [flags...]: start the service, upload the file once, print baseline, peak and after-GC heap in MiB.
run() {
  local store=$1 port pid log=$WORK/$1.log
  shift
  port=$(free_port)
  AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER java -XX:+ExitOnOutOfMemoryError -Xmx"$XMX" -jar "$JAR" \
    --server.port="$port" --enrich.media.dir="$WORK/media" --enrich.media.store="$store" \
    --enrich.media.max-part-size=4GB --enrich.media.max-session-size=4GB \
    --spring.webflux.multipart.max-disk-usage-per-part=4GB \
    --spring.webflux.multipart.file-storage-directory="$WORK/multipart" \
    --enrich.security.api-keys[0].sha256="$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" \
    --enrich.security.api-keys[0].tenant=bench --enrich.security.api-keys[0].roles=USER "$@" > "$log" 2>&1 &
  pid=$!
  PIDS+=($pid)
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo "service exited:"; tail -20 "$log"; exit 1; }
    sleep 0.5
  done
  jcmd "$pid" GC.run >/dev/null
  local base
  base=$(jstat -gc "$pid" | awk 'NR==2 {printf "%.1f", ($3+$4+$6+$8)/1024}')
  # S0U S1U EU OU (columns 3 4 6 8 of jstat -gc), KiB; sampled every 100 ms while the upload runs.
  jstat -gc "$pid" 100 > "$WORK/$store.jstat" &
  local sampler=$!
  local t0 t1 status
  t0=$(date +%s.%N)
  status=$(curl -s -o "$WORK/$store.json" -w '%{http_code}' -H "Authorization: Bearer $KEY" \
    -F 'metadata={"title":"Heap"};type=application/json' -F "audio=@$WORK/big.wav;type=audio/wav" \
    "http://127.0.0.1:$port/api/v1/sessions")
  t1=$(date +%s.%N)
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  [[ $status == 201 ]] || { echo "$store upload answered $status: $(cat "$WORK/$store.json")"; tail -20 "$log"; exit 1; }
  jcmd "$pid" GC.run >/dev/null
  local after peak
  after=$(jstat -gc "$pid" | awk 'NR==2 {printf "%.1f", ($3+$4+$6+$8)/1024}')
  peak=$(awk '$1 ~ /^[0-9.]+$/ {u=($3+$4+$6+$8)/1024; if (u>m) m=u} END {printf "%.1f", m}' "$WORK/$store.jstat")
  printf '%-6s %5d MiB in %6.1f s   heap used (MiB, -Xmx%s): before %6s   peak during upload %6s   after GC %6s\n' \
    "$store" "$MIB" "$(echo "$t1 - $t0" | bc)" "$XMX" "$base" "$peak" "$after"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run local
run s3 --enrich.media.s3.bucket=media --enrich.media.s3.endpoint="http://127.0.0.1:$SPORT" \
  --enrich.media.s3.region=us-east-1 --enrich.media.s3.path-style=true --enrich.media.s3.prefix=bench
