#!/usr/bin/env bash
# Load harness: start Enrich, submit many enrichments at once, report worker acquisition latency and throughput.
# Usage: bench/load.sh [jobs=500] [parallel-clients=16] [concurrency=4]
# Needs: a built jar (./mvnw -DskipTests package), curl. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-500}
CLIENTS=${2:-16}
CONCURRENCY=${3:-4}
PORT=${PORT:-18080}
BASE="http://127.0.0.1:$PORT/api/v1"
JAR=$(ls target/enrich-*.jar | head -1)
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

# A throwaway admin key for this run: the service gets its hash only; limits are lifted for the one load tenant.
KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
AUTH="Authorization: Bearer $KEY"
java -XX:+ExitOnOutOfMemoryError -jar "$JAR" --server.port="$PORT" --enrich.pool.concurrency="$CONCURRENCY" \
  --enrich.pool.queue-capacity=$((JOBS + 10)) --enrich.media.dir="$WORK/media" \
  --enrich.security.api-keys[0].sha256="$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" \
  --enrich.security.api-keys[0].tenant=bench --enrich.security.api-keys[0].roles=USER,ADMIN \
  --enrich.limits.requests-per-second=100000 --enrich.limits.max-queued-jobs=$((JOBS + 10)) \
  --enrich.limits.max-jobs-per-tenant=$((JOBS + 10)) --enrich.memory.max-jobs=$((JOBS + 10)) \
  > "$WORK/app.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do curl -fs -H "$AUTH" "$BASE/pool" >/dev/null 2>&1 && break; sleep 0.5; done

# 60 s of 16 kHz mono 16-bit noise as a PCM WAV (header by hand, samples from /dev/urandom).
bytes=$((16000 * 2 * 60))
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }
{ printf 'RIFF'; le32 $((36 + bytes)); printf 'WAVEfmt '; le32 16; printf '\x01\x00\x01\x00'; le32 16000; le32 32000
  printf '\x02\x00\x10\x00data'; le32 $bytes; head -c $bytes /dev/urandom; } > "$WORK/a.wav"

SID=$(curl -fs -H "$AUTH" -F 'metadata={"title":"Load","notes":"Load test session. Next step: measure."};type=application/json' \
  -F "audio=@$WORK/a.wav" "$BASE/sessions" | sed -E 's/.*"id":"([^"]+)".*/\1/')
start=$(date +%s.%N)
seq 1 "$JOBS" | xargs -P "$CLIENTS" -I{} curl -fs -o /dev/null -XPOST -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"stages":["audio","summary","canvas"]}' "$BASE/sessions/$SID/enrichments"
while :; do
  s=$(curl -fs -H "$AUTH" "$BASE/pool")
  [[ $s == *'"busy":0,'*'"queued":0,'* ]] && break
  sleep 0.2
done
end=$(date +%s.%N)
echo "jobs=$JOBS clients=$CLIENTS concurrency=$CONCURRENCY audio=60s wall=$(echo "$end - $start" | bc)s"
echo "throughput=$(echo "scale=1; $JOBS / ($end - $start)" | bc) jobs/s"
echo "$s" | sed -E 's/.*"acquisition":(\{[^}]*\}).*/acquisition(ms)=\1/'
curl -fs -H "$AUTH" "$BASE/jobs?limit=500" | grep -o '"state":"[a-z]*","progress"' | sort | uniq -c
