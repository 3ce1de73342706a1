#!/usr/bin/env bash
# One Enrich replica on Redis (the NoOpStagesApp of bench/redis-jobs.sh: 4 no-op stages, durable path), warmed up,
# then measured: jobs/s, and the replica's and redis-server's CPU per job (from /proc and INFO cpu). For A/B runs of
# one change: run it on a git worktree of the commit before (ROOT=/path/to/worktree) and on this one, alternately.
# Usage: bench/redis-replica-cpu.sh [jobs=3000] [warm=4000]
#   env: ROOT=<checkout to measure> (default: this one), JFR=<file.jfr> (record the measured part; JFR_SETTINGS=
#        <a .jfc>, default profile: its many events cost the replica CPU), EXTRA="--flags"
#        (more replica flags), REPLICA_JAVA_OPTS (JVM flags, e.g. -XX:+PreserveFramePointer for PERF), PERF=<perf.data> (perf record the replica's measured part, JIT symbols from
#        jcmd Compiler.perfmap; report with perf report -i <perf.data>), ROUNDS=n (measured parts, one after the
#        other, each with its own figures: whether they have settled), KEEP=1 (keep logs), STAGES=audio (the
#        stages each job asks for, comma-separated; default all four: how the cost grows with the stages)
# Cores: redis-server and the load generator on CPU 0, the replica on CPU 1 (as bench/redis-jobs.sh).
set -euo pipefail
cd "${ROOT:-$(dirname "$0")/..}"
JOBS=${1:-3000}
WARM=${2:-4000}
CONCURRENCY=16
CLIENTS=16
CAP=$(((WARM + JOBS * ${ROUNDS:-1} + 200) * 2))
if [[ ! -f target/test-classpath.txt || ! -f target/test-classes/dev/enrich/bench/RedisJobsBench.class
  || -n $(find src -newer target/test-classes/dev/enrich/bench/RedisJobsBench.class -name '*.java' | head -1) ]]; then
  ./mvnw -o -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
    -Dmdep.includeScope=test
fi
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
source bench/lib/replicas.sh
REDIS_PIN=(taskset -c 0)
REPLICA_PIN=(taskset -c 1)
REPLICA_CMD=(java -XX:+ExitOnOutOfMemoryError -Xmx1g ${REPLICA_JAVA_OPTS:-} -cp "$CP" dev.enrich.bench.NoOpStagesApp)
BENCH=(taskset -c 0 java -Xmx512m -Dbench.stages="${STAGES:-}" -cp "$CP" dev.enrich.bench.RedisJobsBench)
redis_start
# shellcheck disable=SC2086
start_replica a "$WORK/a.log" $(redis_flags) --enrich.redis.queue.consumer=a ${EXTRA:-}
echo "$(git log -1 --format='%h %s' | cut -c1-80); load $(uptime | sed 's/.*load average: //')"
"${BENCH[@]}" enrich "$RPORT" "$WARM" "$CLIENTS" "$KEY" "$(api a)" | sed -n 's/^RESULT /warm-up: /p'
pid=${PID[a]}
[[ -n ${JFR:-} ]] && jcmd "$pid" JFR.start name=m settings="${JFR_SETTINGS:-profile}" > /dev/null
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rcpu() { rcli info cpu | awk -F: '/used_cpu_(user|sys):/ {s += $2} END {print s}'; }
# jstat -class: loaded count is field 1; -compiler: compilations field 1, failed 2, invalidated 3, time 4.
# Redis commands by name: "name calls usec" per line, from INFO commandstats.
cmds() { rcli info commandstats | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),usec=\([0-9]*\),.*/\1 \2 \3/p'; }
jit() { echo "$(jstat -class "$pid" | awk 'NR == 2 {print $1}') $(jstat -compiler "$pid" | awk 'NR == 2 {print $1, $3, $4}')"; }
# ROUNDS measured parts one after the other (default 1): shows whether the figures have settled.
for round in $(seq 1 "${ROUNDS:-1}"); do
  j0=$(jit)
  t0=$(cpu); r0=$(rcpu); k0=$(cmds)
  if [[ -n ${PERF:-} ]]; then perf record -q -F 499 -g -p "$pid" -o "$PERF" & PERF_PID=$!; fi
  "${BENCH[@]}" enrich "$RPORT" "$JOBS" "$CLIENTS" "$KEY" "$(api a)" | sed -n "s/^RESULT /measured $round: /p"
  t1=$(cpu); r1=$(rcpu); k1=$(cmds)
  j1=$(jit)
  if [[ -n ${PERF:-} ]]; then kill -INT "$PERF_PID"; wait "$PERF_PID" || true; jcmd "$pid" Compiler.perfmap > /dev/null; fi
  [[ -n ${JFR:-} ]] && jcmd "$pid" JFR.dump name=m filename="$(realpath -m "$JFR")" > /dev/null
  tick=$(getconf CLK_TCK)
  printf 'replica CPU per job: %.2f ms; redis-server CPU per job: %.2f ms\n' \
    "$(echo "($t1 - $t0) * 1000 / $tick / $JOBS" | bc -l)" "$(echo "($r1 - $r0) * 1000 / $JOBS" | bc -l)"
  # Includes the load generator's own polling of the COMPLETED index (zcard), a few per second.
  awk -v jobs="$JOBS" 'NR == FNR {c[$1] = $2; u[$1] = $3; next}
    {n = ($2 - c[$1]) / jobs; if (n >= 0.01) {t += n; printf "%s %.2f (%.1f us), ", $1, n, ($3 - u[$1]) / jobs}}
    END {printf "total %.2f\n", t}' <(echo "$k0") <(echo "$k1") | sed 's/^/Redis commands per job: /'
  read -r c0 n0 i0 s0 <<< "$j0"
  read -r c1 n1 i1 s1 <<< "$j1"
  printf 'during the measured part: %d classes loaded, %d JIT compilations (%d invalidated), %.1f s compiling\n' \
    $((c1 - c0)) $((n1 - n0)) $((i1 - i0)) "$(echo "$s1 - $s0" | bc -l)"
done
