#!/usr/bin/env bash
# Replica harness for the Redis backend: one replica on memory vs two on one Redis, Redis memory per job, and a replica
# killed with jobs in hand (jobs lost, time until the survivor takes them over).
# Usage: bench/replicas.sh [jobs=200] [takeover-jobs=40]      (CONCURRENCY=4 CLIENTS=16 in the environment)
# Needs: a built jar (./mvnw -DskipTests package), redis-server and redis-cli, curl, jq. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-200}
MORE=${2:-40}
CONCURRENCY=${CONCURRENCY:-4}
CLIENTS=${CLIENTS:-16}
JAR=$(ls target/enrich-*.jar | head -1)
CAP=$((JOBS + MORE + 10))
source bench/lib/replicas.sh

redis_start
REDIS_FLAGS=($(redis_flags))
SHORT_CLAIMS=(--enrich.redis.queue.idle-time=3s --enrich.redis.queue.refresh-interval=1s
  --enrich.redis.queue.claim-interval=1s)

# 60 s of 16 kHz mono 16-bit noise as a PCM WAV (header by hand, samples from /dev/urandom).
bytes=$((16000 * 2 * 60))
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }
{ printf 'RIFF'; le32 $((36 + bytes)); printf 'WAVEfmt '; le32 16; printf '\x01\x00\x01\x00'; le32 16000; le32 32000
  printf '\x02\x00\x10\x00data'; le32 $bytes; head -c $bytes /dev/urandom; } > "$WORK/a.wav"

upload() {
  curl -fs -H "$AUTH" -F 'metadata={"title":"Load","notes":"Load test session. Next step: measure."};type=application/json' \
    -F "audio=@$WORK/a.wav" "$(api "$1")/sessions" | jq -r .id
}
# submit REPLICA SESSION COUNT IDFILE: COUNT enrichments from CLIENTS parallel curls; the job ids go to IDFILE.
submit() {
  local base
  base=$(api "$1")
  seq 1 "$3" | xargs -P "$CLIENTS" -I{} curl -fs -w '\n' -XPOST -H "$AUTH" -H 'Content-Type: application/json' \
    -d '{"stages":["audio","summary","canvas"]}' "$base/sessions/$2/enrichments" | jq -r .jobId > "$4"
  [[ $(grep -cv "^null$" "$4") -eq $3 ]] || { echo "only $(grep -cv "^null$" "$4") of $3 submissions accepted"; exit 1; }
}
# views REPLICA IDFILE: each job's view, one JSON line per job.
views() {
  local base
  base=$(api "$1")
  xargs -P 8 -I{} curl -fs -w '\n' -H "$AUTH" "$base/jobs/{}" < "$2"
}
unfinished() { # unfinished REPLICA: jobs of the tenant still queued or running
  local base
  base=$(api "$1")
  echo $(($(curl -fs -H "$AUTH" "$base/jobs?state=queued&limit=500" | jq length)
    + $(curl -fs -H "$AUTH" "$base/jobs?state=running&limit=500" | jq length)))
}
# wait_terminal REPLICA TIMEOUT_S: until no job is queued or running; false on timeout.
wait_terminal() {
  local deadline
  deadline=$(echo "$(now) + $2" | bc)
  while [[ $(unfinished "$1") -gt 0 ]]; do
    (($(echo "$(now) > $deadline" | bc))) && return 1
    sleep 0.2
  done
}
# The last finishedAt among a views file, in epoch seconds: the end of the run, to the millisecond.
last_finished() { jq -r 'select(.finishedAt) | .finishedAt' "$1" | date -f - +%s.%N | sort -n | tail -1; }
states() { jq -r .state "$1" | sort | uniq -c | awk '{printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1} END {print ""}'; }
count() { grep -c "$1" "$2" || true; }
# report LABEL START VIEWS: wall time and throughput to the last terminal job.
report() {
  local wall
  wall=$(echo "$(last_finished "$3") - $2" | bc)
  echo "$1: jobs=$(wc -l < "$3") wall=$(secs "$wall")s throughput=$(secs "$(wc -l < "$3") / $wall") jobs/s states: $(states "$3")"
}

echo "redis-server on 127.0.0.1:$RPORT (AOF everysec); $JOBS jobs (audio,summary,canvas on 60 s of audio), $CLIENTS clients, concurrency $CONCURRENCY per replica"

# 1. Baseline: one replica, memory backend.
start_replica m "$WORK/memory.log"
SID=$(upload m)
start=$(now)
submit m "$SID" "$JOBS" "$WORK/m.ids"
wait_terminal m 600 || { echo "memory: jobs still unfinished after 600 s"; exit 1; }
views m "$WORK/m.ids" > "$WORK/m.views"
report "memory, 1 replica " "$start" "$WORK/m.views"
stop_replica m

# 2. Two replicas on Redis sharing the media directory; all submissions to a, both consume the queue.
start_replica a "$WORK/a.log" "${REDIS_FLAGS[@]}" --enrich.redis.queue.consumer=a
start_replica b "$WORK/b.log" "${REDIS_FLAGS[@]}" --enrich.redis.queue.consumer=b
SID=$(upload a)
mem_before=$(rcli info memory | tr -d '\r' | sed -n 's/^used_memory://p')
start=$(now)
submit a "$SID" "$JOBS" "$WORK/r.ids"
wait_terminal a 600 || { echo "redis: jobs still unfinished after 600 s"; exit 1; }
views a "$WORK/r.ids" > "$WORK/r.views"
report "redis, 2 replicas" "$start" "$WORK/r.views"
echo "  jobs run: a=$(count 'job finished job=' "$WORK/a.log") b=$(count 'job finished job=' "$WORK/b.log")" \
  "(taken over: a=$(count 'job taken over job=' "$WORK/a.log") b=$(count 'job taken over job=' "$WORK/b.log"))"

# 3. Redis memory: used_memory before and after the run (event streams still held: they expire 1 h after the end).
mem_after=$(rcli info memory | tr -d '\r' | sed -n 's/^used_memory://p')
echo "redis used_memory: before=$mem_before after=$mem_after bytes_per_job=$(((mem_after - mem_before) / JOBS))" \
  "keys=$(rcli dbsize)"
JOB=$(head -1 "$WORK/r.ids")
printf '  one job (%s):' "$JOB"
for k in "enrich:{job:$JOB}:state" "enrich:{job:$JOB}:results" "enrich:{stream:job:$JOB}:events" \
  "enrich:{stream:job:$JOB}:seq"; do
  printf ' %s=%s' "${k##*:}" "$(rcli memory usage "$k" samples 0)"
done
echo " (bytes; events: $(rcli xlen "enrich:{stream:job:$JOB}:events") entries)"
# Every key by kind (ids replaced by ID): count and MEMORY USAGE in all.
rcli --scan > "$WORK/keys"
sed 's/^/memory usage /; s/$/ samples 0/' "$WORK/keys" | rcli > "$WORK/usage"
paste "$WORK/keys" "$WORK/usage" | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/ID/g' \
  | awk -F'\t' '{n[$1]++; b[$1] += $2} END {for (k in n) printf "  %-40s keys=%-5d bytes=%d\n", k, n[k], b[k]}' | sort

# 4. Takeover: both replicas again with short claim times; kill -9 b while it runs jobs.
stop_replica a
stop_replica b
start_replica a "$WORK/a2.log" "${REDIS_FLAGS[@]}" --enrich.redis.queue.consumer=a "${SHORT_CLAIMS[@]}"
start_replica b "$WORK/b2.log" "${REDIS_FLAGS[@]}" --enrich.redis.queue.consumer=b "${SHORT_CLAIMS[@]}"
# Entries a consumer holds (read, not acknowledged) over both queue streams.
held() {
  local n=0 s k
  for s in enrich:queue:interactive enrich:queue:batch; do
    k=$(rcli xinfo consumers "$s" workers 2>/dev/null | tr -d '\r' | awk -v c="$1" \
      'prev == "name" && $0 == c {hit = 1} hit && prev == "pending" {print; exit} {prev = $0}' || true)
    n=$((n + ${k:-0}))
  done
  echo "$n"
}
submit a "$SID" "$MORE" "$WORK/t.ids" &
SUBMITTER=$!
# Mid-run: b has finished some jobs (an eighth of them) and is running one.
running_b=0
deadline=$(echo "$(now) + 120" | bc)
while :; do
  done_b=$(count 'job finished job=' "$WORK/b2.log")
  running_b=$(($(count 'job started job=' "$WORK/b2.log") - done_b))
  ((running_b > 0 && done_b >= MORE / 8)) && break
  (($(echo "$(now) > $deadline" | bc))) && { echo "b ran no job mid-run within 120 s"; exit 1; }
  sleep 0.02
done
kill -9 "${PID[b]}"
killed=$(now)
wait "${PID[b]}" 2>/dev/null || true
unset "PID[b]"
held_b=$(held b)
# Stages finished (so checkpointed) in jobs running at the kill: a takeover must not start them again.
curl -fs -H "$AUTH" "$(api a)/jobs?state=running&limit=500" \
  | jq -r '.[] | .id as $j | .stages[] | select(.state == "succeeded") | "\($j) \(.stage) \(.startedAt)"' > "$WORK/kept"
wait "$SUBMITTER"
echo "takeover: killed b (kill -9) with $running_b job(s) running on it, $held_b queue entries held by it;" \
  "b had finished $(count 'job finished job=' "$WORK/b2.log")"
claimed=
while [[ $(unfinished a) -gt 0 ]]; do
  [[ -z $claimed && $(held b) -eq 0 ]] && claimed=$(now)
  (($(echo "$(now) > $killed + 120" | bc))) && break
  sleep 0.2
done
[[ -z $claimed && $(held b) -eq 0 ]] && claimed=$(now)
views a "$WORK/t.ids" > "$WORK/t.views"
lost=$(jq -r .state "$WORK/t.views" | grep -cvE '^(completed|partial)$' || true)
lost=$((lost + MORE - $(wc -l < "$WORK/t.views")))
first=$(grep -m1 'job taken over job=' "$WORK/a2.log" | cut -d' ' -f1 || true)
takeover=none
[[ -n $first ]] && takeover="$(secs "$(date -d "$first" +%s.%N) - $killed")s"
rerun=$(jq -r '.id as $j | .stages[] | "\($j) \(.stage) \(.startedAt)"' "$WORK/t.views" \
  | awk 'NR == FNR {kept[$1 " " $2] = $3; next} ($1 " " $2) in kept && kept[$1 " " $2] != $3' "$WORK/kept" - | wc -l)
echo "  states: $(states "$WORK/t.views")"
taken=$(grep 'job taken over job=' "$WORK/a2.log" | sed -E 's/.*job=([^ ]+).*/\1/' | sort -u)
kept_b=$(awk 'NR == FNR {t[$1]; next} $1 in t' <(echo "$taken") "$WORK/kept" | wc -l)
echo "  checkpointed stages at the kill: $(wc -l < "$WORK/kept") in running jobs, $kept_b in jobs a took over;" \
  "started again: rerun=$rerun"
echo "  lost=$lost takeover=$takeover (first 'job taken over' on a after the kill)" \
  "all_claimed=$([[ -n $claimed ]] && echo "$(secs "$claimed - $killed")s" || echo never)" \
  "last_terminal=$(secs "$(last_finished "$WORK/t.views") - $killed")s after the kill"
echo "  on a: taken over=$(count 'job taken over job=' "$WORK/a2.log") finished=$(count 'job finished job=' "$WORK/a2.log")" \
  "dead letters=$(count 'dead letter job=' "$WORK/a2.log")"
