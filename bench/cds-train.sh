#!/usr/bin/env bash
# Write a class-data sharing archive for Enrich: start the extracted application until its context is refreshed
# (-Dspring.context.exit=onRefresh: beans created, nothing served, no connection to Redis or S3 needed), and let the
# JVM dump every class it loaded on the way to ARCHIVE at exit.
#
#   bench/cds-train.sh EXTRACTED_APP_JAR ARCHIVE [extra JVM flags...]
#
# EXTRACTED_APP_JAR comes from `java -Djarmode=tools -jar enrich.jar extract --destination DIR` (DIR/enrich-*.jar
# with DIR/lib/ beside it): CDS only shares classes loaded from plain jars on the class path, not from a jar in a jar.
# Run the service with the same JDK, the same jar path and `-XX:SharedArchiveFile=ARCHIVE`; any other jar path or JDK
# makes the JVM ignore the archive (it says so with -Xlog:cds) and start as without it. Extra flags (e.g.
# -Dspring.aot.enabled=true) must be passed to the training run and to the service alike.
set -euo pipefail
app=${1:?extracted application jar}
archive=${2:?archive to write}
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The training run needs no backend: the defaults (memory backend, a temporary media directory) are enough, and
# nothing it creates is kept: it runs in a scratch directory, where the development key it generates is deleted.
# Classes the JVM cannot archive (generated accessors, old class files) are skipped, each with a warning: muted.
(cd "$work" && java -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -Dspring.context.exit=onRefresh "$@" -jar "$app" --enrich.media.dir="$work/media")
test -s "$archive"
echo "wrote $archive ($(du -h "$archive" | cut -f1))"
