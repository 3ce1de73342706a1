#!/usr/bin/env bash
# Stream cost harness: start Enrich as its own process, then measure job throughput with 0, 200 and 1,000 open
# /api/v1/events streams, the terminal event's delay to every client, and live heap and RSS per idle stream.
# Usage: bench/streams.sh [jobs=300] [stream-counts=0,200,1000] [idle-streams=1000]
# Streams retain 5,000 events (default 1,000) so that a bench client falling behind in a burst is not cut off,
# which would spare the server deliveries. Needs: ./mvnw -B -q -DskipTests package (the jar); jcmd (JDK).
# Traffic stays on 127.0.0.1. JAR=... runs another build; SERVER_JAVA_OPTS, SERVER_ARGS, CLIENT_JAVA_OPTS pass options.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-300}
COUNTS=${2:-0,200,1000}
IDLE=${3:-1000}
PORT=${PORT:-18081}
JAR=${JAR:-$(ls target/enrich-*.jar | head -1)}
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
[ -f target/test-classpath.txt ] || ./mvnw -B -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test

KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
java -Xmx2g -XX:+ExitOnOutOfMemoryError ${SERVER_JAVA_OPTS:-} -jar "$JAR" \
  --server.port="$PORT" --enrich.media.dir="$WORK/media" \
  --enrich.security.api-keys[0].sha256="$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" \
  --enrich.security.api-keys[0].tenant=bench --enrich.security.api-keys[0].roles=USER,ADMIN \
  --enrich.limits.requests-per-second=1000000 --enrich.limits.max-queued-jobs=100000 \
  --enrich.limits.streams-per-user=100000 --enrich.pool.queue-capacity=100000 \
  --enrich.access-log.enabled=false --enrich.events.retain-per-stream=5000 ${SERVER_ARGS:-} > "$WORK/app.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/actuator/health" >/dev/null 2>&1 && break; sleep 0.5; done
java -Xmx1g ${CLIENT_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.enrich.bench.StreamBench "http://127.0.0.1:$PORT" "$KEY" "$PID" "$JOBS" "$COUNTS" "$IDLE"
