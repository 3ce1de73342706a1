#!/usr/bin/env bash
# Write a class-data sharing (CDS) archive for Enrich: run the application once as it will run in production and let
# the JVM dump every class it loaded to ARCHIVE when it exits.
#
#   bench/cds-train.sh [--refresh-only] ARCHIVE [JVM flags...] -jar APP.jar
#   bench/cds-train.sh [--refresh-only] ARCHIVE [JVM flags...] -cp CLASSPATH dev.enrich.EnrichApplication
#
# By default the training run starts the service on a free port, waits for its readiness probe, asks the health
# endpoints once (so the classes of the first requests are archived too), then stops it with SIGTERM (its drain and
# shutdown classes too). --refresh-only stops instead once the context is refreshed (Spring Boot's
# -Dspring.context.exit=onRefresh): no port, no request, a somewhat smaller archive and a slower first probe.
#
# The run needs no backend: the defaults (memory backend, a temporary media directory) suffice, and what it creates
# is deleted (it runs in a scratch directory, where the development key it generates stays).
#
# CDS rules the image build must keep (else the JVM ignores the archive, says so with -Xlog:cds, and starts as
# without it; with -Xshare:auto, the default, it never fails because of it):
# - the same JDK build trains and runs (an archive from another build or vendor is rejected);
# - every class path entry is a jar, not a directory (java -Djarmode=tools -jar enrich.jar extract, or Jib's
#   containerizingMode=packaged), at the same paths, with the same sizes and modification times, in the same order;
# - the service runs with -XX:SharedArchiveFile=ARCHIVE and the same JVM flags that change class loading (e.g.
#   -Dspring.aot.enabled) as the training run.
set -euo pipefail
refresh_only=false
if [ "${1:-}" = --refresh-only ]; then refresh_only=true; shift; fi
archive=$(readlink -f "${1:?archive to write}")
shift
[ $# -gt 0 ] || { echo "give the java launch arguments: -jar APP.jar, or -cp CLASSPATH MAIN" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$archive"
flags=(-XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
# Classes the JVM cannot archive (generated accessors, old class files) are skipped, each with a warning: muted above.
if $refresh_only; then
  (cd "$work" && java "${flags[@]}" -Dspring.context.exit=onRefresh "$@" --enrich.media.dir="$work/media")
else
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (cd "$work" && exec java "${flags[@]}" "$@" --server.port="$port" --enrich.media.dir="$work/media" \
      >"$work/training.log" 2>&1) &
  pid=$!
  base=http://127.0.0.1:$port
  for _ in $(seq 1800); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/actuator/health/readiness")" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || { echo "training run exited; its log:" >&2; cat "$work/training.log" >&2; exit 1; }
    sleep 0.1
  done
  for path in /actuator/health/readiness /actuator/health/liveness /actuator/health; do
    curl -s -o /dev/null "$base$path"
  done
  kill -TERM "$pid"
  wait "$pid" || true # 143: the exit of a JVM stopped by SIGTERM
fi
test -s "$archive" || { echo "no archive written" >&2; exit 1; }
echo "wrote $archive ($(du -h "$archive" | cut -f1))"
