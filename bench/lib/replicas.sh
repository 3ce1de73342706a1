# Shared shell for the Redis replica benchmarks (bench/replicas.sh, bench/redis-jobs.sh): a throwaway redis-server,
# Enrich replicas as background processes, and a cleanup trap that stops all of them. Source it after `cd` to the
# repository root and after setting JOBS-sized CAP and CONCURRENCY; it sets WORK, KEY, AUTH and the trap.
#
# REPLICA_CMD (array) is how a replica starts: the packaged jar by default; REPLICA_PIN (array, e.g. taskset -c 1)
# is put in front of it. REDIS_PIN likewise for redis-server.

WORK=$(mktemp -d)
declare -A PID=()
declare -A PORT=()
REDIS_PID=
REPLICA_CMD=()
REPLICA_PIN=()
REDIS_PIN=()
cleanup() {
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PID[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  if [[ -n ${KEEP:-} ]]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# A port nothing listens on, below Linux's ephemeral range (32768 up) so no outgoing connection holds it.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
now() { date +%s.%N; }
secs() { printf '%.2f' "$(echo "scale=6; $1" | bc)"; }

# redis_start: redis-server with AOF (everysec), in its own directory, in the foreground of a background job (so the
# trap can stop it by pid); sets RPORT and REDIS_PID; rcli talks to it.
redis_start() {
  RPORT=$(free_port)
  mkdir -p "$WORK/redis"
  "${REDIS_PIN[@]}" redis-server --bind 127.0.0.1 --port "$RPORT" --dir "$WORK/redis" --appendonly yes \
    --appendfsync everysec --save '' --daemonize no > "$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 100); do rcli ping >/dev/null 2>&1 && break; sleep 0.1; done
  rcli ping >/dev/null || { echo "redis-server did not start:"; tail -5 "$WORK/redis.log"; exit 1; }
}
rcli() { redis-cli -h 127.0.0.1 -p "$RPORT" "$@"; }

# A throwaway admin key for this run: the replicas get its hash only; limits are lifted for the one load tenant.
KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
AUTH="Authorization: Bearer $KEY"
MEDIA="$WORK/media"
redis_flags() { echo --enrich.backend=redis --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$RPORT"; }

# start_replica NAME LOG [flags...]: start a replica (REPLICA_CMD) on a free port and wait until it is ready.
start_replica() {
  local name=$1 log=$2 port
  shift 2
  port=$(free_port)
  PORT[$name]=$port
  local cmd=(java -XX:+ExitOnOutOfMemoryError -Xmx1g -jar "${JAR:-}")
  [[ ${#REPLICA_CMD[@]} -gt 0 ]] && cmd=("${REPLICA_CMD[@]}")
  "${REPLICA_PIN[@]}" "${cmd[@]}" --server.port="$port" --enrich.pool.concurrency="$CONCURRENCY" \
    --enrich.pool.queue-capacity=$CAP --enrich.media.dir="$MEDIA" \
    --enrich.security.api-keys[0].sha256="$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" \
    --enrich.security.api-keys[0].tenant=bench --enrich.security.api-keys[0].roles=USER,ADMIN \
    --enrich.limits.requests-per-second=100000 --enrich.limits.max-queued-jobs=$CAP \
    --enrich.limits.max-jobs-per-tenant=$CAP --enrich.memory.max-jobs=$CAP "$@" > "$log" 2>&1 &
  PID[$name]=$!
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && return
    kill -0 "${PID[$name]}" 2>/dev/null || { echo "replica $name exited:"; tail -20 "$log"; exit 1; }
    sleep 0.5
  done
  echo "replica $name not ready after 120 s"; tail -20 "$log"; exit 1
}
stop_replica() { kill "${PID[$1]}" 2>/dev/null || true; wait "${PID[$1]}" 2>/dev/null || true; unset "PID[$1]"; }
api() { echo "http://127.0.0.1:${PORT[$1]}/api/v1"; }
