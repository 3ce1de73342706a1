package dev.enrich.backend.redis;

import java.time.Instant;

/**
 * Name the repositories' Redis keys. Every key of one owner carries the owner in a hash tag ({@code {job:<id>}},
 * {@code {session:<id>}}, {@code {tenant:<t>}}); keys hold ids only, never other tenant data.
 *
 * <pre>
 * enrich:{job:ID}:state            hash  json, tenant, state, session, seq (insertion order, kept on replace)
 * enrich:{job:ID}:results          hash  stage name -> StageResult JSON (checkpoints)
 * enrich:{tenant:T}:jobs           zset  job ids by creation time (microseconds): listings and the tenant's count
 * enrich:{tenant:T}:finished       zset  the tenant's finished job ids by insertion order: what eviction takes first
 * enrich:{session:S}:jobs          zset  a session's job ids by creation time
 * enrich:jobs:state:STATE          zset  job ids in one state by creation time (dead letters, operators)
 * enrich:jobs:all                  zset  every job id by insertion order: the service's count
 * enrich:jobs:finished             zset  every finished job id by insertion order
 * enrich:jobs:seq                  string insertion counter
 * enrich:{session:ID}:data         hash  tenant, json
 * enrich:{tenant:T}:sessions       string the tenant's session count
 * enrich:{tenant:T}:sessionids     zset  the tenant's session ids by creation time (tenant deletion)
 * enrich:sessions:count            string the service's session count
 * enrich:{batch:ID}:data           hash  tenant, json
 * </pre>
 *
 * The job scripts ({@link JobScripts}) build the same names in Lua; the two must stay in step.
 */
final class RedisKeys {

    static final String PREFIX = "enrich:";

    private RedisKeys() {}

    static String jobState(String id) {
        return PREFIX + "{job:" + id + "}:state";
    }

    static String jobResults(String id) {
        return PREFIX + "{job:" + id + "}:results";
    }

    static String tenantJobs(String tenant) {
        return PREFIX + "{tenant:" + tenant + "}:jobs";
    }

    static String sessionJobs(String sessionId) {
        return PREFIX + "{session:" + sessionId + "}:jobs";
    }

    static String jobsInState(String state) {
        return PREFIX + "jobs:state:" + state;
    }

    static String session(String id) {
        return PREFIX + "{session:" + id + "}:data";
    }

    static String tenantSessions(String tenant) {
        return PREFIX + "{tenant:" + tenant + "}:sessionids";
    }

    static String batch(String id) {
        return PREFIX + "{batch:" + id + "}:data";
    }

    /** Return a sorted-set score for a creation time: microseconds since the epoch, exact in a double until 2255. */
    static String score(Instant at) {
        return Long.toString(Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000));
    }
}
