# Shared by bench/sse-connections.sh and bench/sse-deliveries.sh (sourced): builds what they need, starts one server
# at a time pinned to core 0, and runs the load generator (dev.enrich.bench.SseLoad) pinned to core 1.
# Servers: enrich (the service from the test class path with one bench-only publishing route, memory backend),
# emitter (bench/sse-emitter: Spring MVC SseEmitter on Tomcat), netty (bench/sse-netty: bare Reactor Netty broadcaster).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
SPID=
trap '[ -n "$SPID" ] && kill -9 $SPID 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=${PORT:-18093}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"

sse_build() {
  ./mvnw -o -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
    -Dmdep.includeScope=test
  [ -f bench/sse-emitter/target/sse-emitter.jar ] || ./mvnw -q -ntp -f bench/sse-emitter/pom.xml package -DskipTests
  CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
}

# sse_start NAME "JVM OPTIONS": start a server, wait until it answers; sets SPID, SSE_PATH, SSE_HEADER, SSE_PUBLISH.
sse_start() {
  local name=$1 opts=$2
  case $name in
    enrich)
      taskset -c "$SERVER_CPU" java $opts -cp "$CP" dev.enrich.bench.SseBenchServer \
        --server.port="$PORT" --server.address=127.0.0.1 --enrich.media.dir="$WORK/media" \
        --enrich.security.api-keys[0].sha256="$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" \
        --enrich.security.api-keys[0].tenant=bench --enrich.security.api-keys[0].roles=USER \
        --enrich.limits.requests-per-second=1000000 --enrich.limits.streams-per-user=100000 \
        --enrich.access-log.enabled=false --enrich.events.retain-per-stream=10000 --logging.level.root=WARN \
        > "$WORK/server.log" 2>&1 &
      SSE_PATH=/api/v1/events SSE_HEADER="Authorization: Bearer $KEY" SSE_PUBLISH=/bench/publish ;;
    emitter)
      taskset -c "$SERVER_CPU" java $opts -jar bench/sse-emitter/target/sse-emitter.jar \
        --server.port="$PORT" --server.address=127.0.0.1 --server.tomcat.max-connections=20000 \
        --server.tomcat.accept-count=1000 --server.tomcat.threads.max=64 --spring.mvc.async.request-timeout=-1 \
        --logging.level.root=WARN > "$WORK/server.log" 2>&1 &
      SSE_PATH=/events SSE_HEADER=- SSE_PUBLISH=/publish ;;
    netty)
      taskset -c "$SERVER_CPU" java $opts -cp "$CP" bench/sse-netty/NettyBroadcaster.java "$PORT" \
        > "$WORK/server.log" 2>&1 &
      SSE_PATH=/events SSE_HEADER=- SSE_PUBLISH=/publish ;;
  esac
  SPID=$!
  for _ in $(seq 1 240); do
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/" && return 0
    kill -0 "$SPID" 2>/dev/null || { cat "$WORK/server.log"; return 1; }
    sleep 0.25
  done
  echo "$name did not start"; cat "$WORK/server.log"; return 1
}

sse_stop() {
  kill "$SPID" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$SPID" 2>/dev/null || true # a JVM out of heap may never finish its shutdown
  wait "$SPID" 2>/dev/null || true
  SPID=
}

# sse_load ARGS...: the load generator, pinned to its core.
sse_load() {
  taskset -c "$LOAD_CPU" java -Xmx1g -cp "$CP" dev.enrich.bench.SseLoad "$@"
}

sse_machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
    "$(java -version 2>&1 | head -1), $(awk '/MemTotal/ {printf "%.0f GB RAM", $2/1048576}' /proc/meminfo),"\
    "ulimit -n $(ulimit -n); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
