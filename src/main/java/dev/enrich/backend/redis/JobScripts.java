package dev.enrich.backend.redis;

import java.util.List;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Hold the Lua scripts that change jobs: each runs atomically in Redis, so a cap check and the insert it allows, or a
 * state check and the move it allows, cannot interleave with another replica's. Key names follow {@link RedisKeys}.
 *
 * <p>The scripts touch a job's keys and the cross-slot indexes together, so they need a standalone (or Sentinel)
 * Redis; under Cluster the indexes would have to move into the owner's slot first.
 */
final class JobScripts {

    /** Results of {@link #SAVE} and {@link #TRANSITION}. */
    static final String OK = "OK";
    static final String TENANT_FULL = "TENANT";
    static final String SERVICE_FULL = "SERVICE";
    static final String STALE = "STALE";

    static final String COMMON = """
            local P = 'enrich:'
            local function jobKey(id) return P .. '{job:' .. id .. '}:state' end
            local function resultsKey(id) return P .. '{job:' .. id .. '}:results' end
            local function tenantJobs(t) return P .. '{tenant:' .. t .. '}:jobs' end
            local function tenantFinished(t) return P .. '{tenant:' .. t .. '}:finished' end
            local function sessionJobs(s) return P .. '{session:' .. s .. '}:jobs' end
            local function stateIndex(s) return P .. 'jobs:state:' .. s end
            local ALL = P .. 'jobs:all'
            local FINISHED = P .. 'jobs:finished'

            local function forget(id)
              local h = redis.call('HMGET', jobKey(id), 'tenant', 'state', 'session')
              if not h[1] then return end
              redis.call('DEL', jobKey(id), resultsKey(id))
              redis.call('ZREM', tenantJobs(h[1]), id)
              redis.call('ZREM', tenantFinished(h[1]), id)
              redis.call('ZREM', ALL, id)
              redis.call('ZREM', FINISHED, id)
              redis.call('ZREM', stateIndex(h[2]), id)
              redis.call('ZREM', sessionJobs(h[3]), id)
            end

            -- a: id, tenant, session, state, terminal (1/0), created score, json, max jobs, max per tenant, the
            -- order of the run that stores it (Job#runOrder; empty when no run stores it: the order kept is left)
            local function save(a)
              local id, tenant, session, state, created = a[1], a[2], a[3], a[4], a[6]
              local key = jobKey(id)
              local old = redis.call('HMGET', key, 'state', 'seq', 'tenant')
              local seq = old[2]
              if not seq then
                -- a new job: the oldest finished job (the tenant's own first) makes room; unfinished ones never
                if redis.call('ZCARD', tenantJobs(tenant)) >= tonumber(a[9]) then
                  local oldest = redis.call('ZRANGE', tenantFinished(tenant), 0, 0)
                  if #oldest == 0 then return 'TENANT' end
                  forget(oldest[1])
                end
                if redis.call('ZCARD', ALL) >= tonumber(a[8]) then
                  local oldest = redis.call('ZRANGE', FINISHED, 0, 0)
                  if #oldest == 0 then return 'SERVICE' end
                  forget(oldest[1])
                end
                seq = redis.call('INCR', P .. 'jobs:seq')
                redis.call('ZADD', tenantJobs(tenant), created, id)
                redis.call('ZADD', ALL, seq, id)
                redis.call('ZADD', sessionJobs(session), created, id)
              else
                -- a replaced job keeps its place and its owner's indexes
                tenant = old[3]
                if old[1] ~= state then redis.call('ZREM', stateIndex(old[1]), id) end
              end
              if a[10] ~= '' then
                redis.call('HSET', key, 'json', a[7], 'tenant', tenant, 'state', state, 'session', session, 'seq', seq,
                  'run', a[10])
              else
                redis.call('HSET', key, 'json', a[7], 'tenant', tenant, 'state', state, 'session', session, 'seq', seq)
              end
              redis.call('ZADD', stateIndex(state), created, id)
              if a[5] == '1' then
                redis.call('ZADD', tenantFinished(tenant), seq, id)
                redis.call('ZADD', FINISHED, seq, id)
              else
                redis.call('ZREM', tenantFinished(tenant), id)
                redis.call('ZREM', FINISHED, id)
              end
              return 'OK'
            end

            -- A stage result of a run that no longer holds its job: kept unless the stage's result there succeeded
            -- (the run that holds the job may have stored it; a success is what a retry reuses).
            local function keep(results, field, json)
              local old = redis.call('HGET', results, field)
              if not old or cjson.decode(old)['state'] ~= 'succeeded' then redis.call('HSET', results, field, json) end
            end

            -- a: save's, then the state to move from, then (with a checkpoint) its stage and JSON. Whether the move
            -- is stale (the job is not in the state; or a run's move from RUNNING when a later run stored the job:
            -- this run's entry was taken over by another replica; a move by no run, a cancel or a dead letter, is
            -- not ordered), and the job's state now (false: no such job).
            local function staleMove(a)
              local now = redis.call('HMGET', jobKey(a[1]), 'state', 'run')
              local stale = now[1] ~= a[11]
                or a[11] == 'RUNNING' and a[10] ~= '' and tonumber(now[2] or '0') > tonumber(a[10])
              return stale, now[1]
            end

            -- A move's checkpoint: saved when the job moves, kept as keep says when it does not.
            local function checkpoint(id, stale, field, json)
              if stale then
                keep(resultsKey(id), field, json)
              else
                redis.call('HSET', resultsKey(id), field, json)
              end
            end

            -- Move as staleMove says, the checkpoint saved with the move (when the job does not move: as keep says).
            local function move(a)
              local stale, exists = staleMove(a)
              if a[12] and exists then checkpoint(a[1], stale, a[12], a[13]) end
              if stale then return 'STALE' end
              return save(a)
            end
            """;

    /** Insert or replace a job; ARGV as {@code save} above. Returns OK, TENANT or SERVICE (nothing saved). */
    static final RedisScript<String> SAVE = LuaScript.of(COMMON + "return save(ARGV)\n", String.class);

    /**
     * Replace the job only while it is in state ARGV[11] (and, for a run's move from RUNNING, stored by no later run
     * than ARGV[10]), with stage result ARGV[13] under field ARGV[12] of the job's results when given (kept, when the
     * job does not move, unless the stage's result there succeeded: as {@link #KEEP_RESULT}). Returns OK or STALE.
     */
    static final RedisScript<String> TRANSITION = LuaScript.of(COMMON + "return move(ARGV)\n", String.class);

    /** Forget job ARGV[1], its results and its index entries. */
    static final RedisScript<String> DELETE = LuaScript.of(COMMON + "forget(ARGV[1])\nreturn 'OK'\n", String.class);

    /** Keep stage result ARGV[2] under field ARGV[1] of KEYS[2], only while job KEYS[1] exists. */
    static final RedisScript<String> SAVE_RESULT = LuaScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) end
            return 'OK'
            """, String.class);

    /** Keep stage result ARGV[2] under field ARGV[1] of KEYS[2] while job KEYS[1] exists, as {@code keep} says. */
    static final RedisScript<String> KEEP_RESULT = LuaScript.of(COMMON + """
            if redis.call('EXISTS', KEYS[1]) == 1 then keep(KEYS[2], ARGV[1], ARGV[2]) end
            return 'OK'
            """, String.class);

    /** Return the JSON of the jobs in index KEYS[1], highest score first, positions 0..ARGV[1], in one snapshot. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final RedisScript<List<String>> LIST = (RedisScript) LuaScript.of(COMMON + """
            local out = {}
            for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, ARGV[1])) do
              local json = redis.call('HGET', jobKey(id), 'json')
              if json then out[#out + 1] = json end
            end
            return out
            """, List.class);

    private JobScripts() {}
}
