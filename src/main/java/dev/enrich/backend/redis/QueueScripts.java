package dev.enrich.backend.redis;

import java.util.List;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The queue's Lua scripts: every step that touches the index and a stream together runs atomically in Redis, so
 * capacity, sizes and "queued exactly once" hold across replicas.
 *
 * <p>Keys: {@code <prefix>:interactive} and {@code <prefix>:batch} (the streams, entries {@code job tenant priority
 * at attempt}; entries queued by the version before have no attempt), {@code <prefix>:jobs} (hash jobId →
 * "PRIORITY streamId tenant" of every queued, not yet started job: its length is the queue size) and
 * {@code <prefix>:tenants} (hash tenant → queued count). Jobs waiting to be queued
 * (automatic retries): {@code <prefix>:delayed} (sorted set of job ids by due time, Redis's clock, ms) and
 * {@code <prefix>:delayed-jobs} (hash jobId → "PRIORITY at tenant", and jobId#attempt → "at attempt": the attempt
 * counts only with the same {@code at}, so one left behind by the version before, which deletes only the first, is
 * never taken for a later wait's).
 */
final class QueueScripts {

    private static final String UNCOUNT = """
            local function uncount(tenants, tenant)
              if redis.call('HINCRBY', tenants, tenant, -1) <= 0 then redis.call('HDEL', tenants, tenant) end
            end
            """;

    // The one way a job enters a stream: its entry, its index line, its tenant's count.
    static final String ENQUEUE = """
            local function enqueue(index, tenants, interactive, batch, job, tenant, priority, at, attempt)
              local stream = priority == 'BATCH' and batch or interactive
              local id = redis.call('XADD', stream, '*', 'job', job, 'tenant', tenant, 'priority', priority, 'at', at,
                'attempt', attempt)
              redis.call('HSET', index, job, priority .. ' ' .. id .. ' ' .. tenant)
              redis.call('HINCRBY', tenants, tenant, 1)
            end
            """;

    // Redis's clock in ms: waits are timed by it, whatever the replicas' clocks say.
    private static final String NOW_MILLIS = """
            local function nowMillis()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    /** Create the consumer group on both streams (MKSTREAM), ignoring BUSYGROUP. KEYS streams; ARGV group. */
    static final RedisScript<Long> GROUPS = RedisScript.of("""
            for _, stream in ipairs(KEYS) do
              redis.pcall('XGROUP', 'CREATE', stream, ARGV[1], '0', 'MKSTREAM')
            end
            return 1
            """, Long.class);

    // The queue's counts after a change, for the replica's view: {status, queue size, tenant, count, tenant, count...}.
    static final String COUNTS = """
            local function counts(index, tenants, status)
              local out = {status, redis.call('HLEN', index)}
              for _, v in ipairs(redis.call('HGETALL', tenants)) do out[#out + 1] = v end
              return out
            end
            """;

    /**
     * Add jobs all or nothing. KEYS index, tenants, interactive, batch; ARGV capacity, then per job: id, tenant,
     * priority, enqueuedAt millis, attempt. Returns {0} (nothing changed) when full or a job is already queued, else
     * the counts with status 1 (see COUNTS).
     */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> OFFER = RedisScript.of(ENQUEUE + COUNTS + """
            local n = (#ARGV - 1) / 5
            if redis.call('HLEN', KEYS[1]) + n > tonumber(ARGV[1]) then return {0} end
            for i = 0, n - 1 do
              if redis.call('HEXISTS', KEYS[1], ARGV[2 + i * 5]) == 1 then return {0} end
            end
            for i = 0, n - 1 do
              enqueue(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[2 + i * 5], ARGV[3 + i * 5], ARGV[4 + i * 5],
                ARGV[5 + i * 5], ARGV[6 + i * 5])
            end
            return counts(KEYS[1], KEYS[2], 1)
            """, List.class);

    /**
     * Mark a job's entry started (the job no longer queued by it). KEYS index, tenants; ARGV jobId, entry id. Returns
     * the counts (see COUNTS) with status 1, or 0 when it was not queued by that entry (an entry of an earlier attempt
     * leaves the index line of the job's newer one).
     */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> START = RedisScript.of(UNCOUNT + COUNTS + """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v or string.match(v, '^%S+ (%S+) ') ~= ARGV[2] then return counts(KEYS[1], KEYS[2], 0) end
            redis.call('HDEL', KEYS[1], ARGV[1])
            uncount(KEYS[2], string.match(v, '^%S+ %S+ (.*)$'))
            return counts(KEYS[1], KEYS[2], 1)
            """, List.class);

    /**
     * Put a started job back in the queue (its taker was cancelled before emitting it). KEYS index, tenants;
     * ARGV jobId, "PRIORITY streamId tenant", tenant.
     */
    static final RedisScript<Long> UNSTART = RedisScript.of("""
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('HINCRBY', KEYS[2], ARGV[3], 1) end
            return 1
            """, Long.class);

    /**
     * Hold a job that is queued when its wait is over, timed by Redis's clock (replicas' clocks may differ): a sorted
     * set by due time, and its queue fields "PRIORITY at tenant" and attempt. Also part of the job move that stores an
     * automatic retry ({@link RedisJobMoves}).
     */
    static final String HOLD_FUNCTION = NOW_MILLIS + """
            local function hold(delayed, delayedJobs, job, delayMillis, fields, attempt)
              redis.call('ZADD', delayed, nowMillis() + tonumber(delayMillis), job)
              local at = string.match(fields, '^%S+ (%S+) ')
              redis.call('HSET', delayedJobs, job, fields, job .. '#attempt', at .. ' ' .. attempt)
            end
            """;

    /**
     * Hold a job for its wait (see {@link #HOLD_FUNCTION}). KEYS delayed, delayed jobs; ARGV jobId, delay ms,
     * "PRIORITY at tenant", attempt. Returns 1.
     */
    static final RedisScript<Long> DELAY = RedisScript.of(HOLD_FUNCTION + """
            hold(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
            return 1
            """, Long.class);

    /**
     * Queue the held jobs whose wait is over (up to 100 a call), as OFFER does but past the capacity: they were
     * accepted before. A job queued already (offered again meanwhile) is only dropped from the waiting ones. KEYS
     * delayed, delayed jobs, index, tenants, interactive, batch. Returns the number queued.
     */
    static final RedisScript<Long> MOVE_DUE = RedisScript.of(NOW_MILLIS + ENQUEUE + """
            local moved = 0
            for _, job in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', nowMillis(), 'LIMIT', 0, 100)) do
              local v = redis.call('HGET', KEYS[2], job)
              local tagged = redis.call('HGET', KEYS[2], job .. '#attempt')
              redis.call('ZREM', KEYS[1], job)
              redis.call('HDEL', KEYS[2], job, job .. '#attempt')
              if v and redis.call('HEXISTS', KEYS[3], job) == 0 then
                local priority, at, tenant = string.match(v, '^(%S+) (%S+) (.*)$')
                local attempt = '0'
                if tagged then
                  local taggedAt, n = string.match(tagged, '^(%S+) (%S+)$')
                  if taggedAt == at then attempt = n end
                end
                enqueue(KEYS[3], KEYS[4], KEYS[5], KEYS[6], job, tenant, priority, at, attempt)
                moved = moved + 1
              end
            end
            return moved
            """, Long.class);

    /**
     * Remove a queued job: unindex it, acknowledge and delete its entry; or drop it from the jobs waiting to be queued.
     * KEYS index, tenants, interactive, batch, delayed, delayed jobs; ARGV jobId, group. Returns 1, or 0 when neither
     * queued nor waiting.
     */
    static final RedisScript<Long> REMOVE = RedisScript.of(UNCOUNT + """
            if redis.call('ZREM', KEYS[5], ARGV[1]) == 1 then
              redis.call('HDEL', KEYS[6], ARGV[1], ARGV[1] .. '#attempt')
              return 1
            end
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return 0 end
            local priority, id, tenant = string.match(v, '^(%S+) (%S+) (.*)$')
            redis.call('HDEL', KEYS[1], ARGV[1])
            uncount(KEYS[2], tenant)
            local stream = priority == 'BATCH' and KEYS[4] or KEYS[3]
            redis.call('XACK', stream, ARGV[2], id)
            redis.call('XDEL', stream, id)
            return 1
            """, Long.class);

    /**
     * Acknowledge and delete an entry this consumer still owns on the delivery its run got (a finished job leaves
     * nothing naming it behind), then trim its stream by id below the oldest entry still pending or not yet delivered
     * (never by length, which could drop pending work). An entry another consumer took over, or that was delivered
     * again since, is left alone: this run stalled past its claim, and another run is the job's now. KEYS stream;
     * ARGV group, id, consumer, delivery. Returns 1 when acknowledged, 0 when it was not pending, -1 when another
     * delivery holds it.
     */
    static final RedisScript<Long> ACK = RedisScript.of("""
            local owner = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
            if owner[1] and (owner[1][2] ~= ARGV[3] or owner[1][4] ~= tonumber(ARGV[4])) then return -1 end
            local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1])
            local minid = nil
            if pending[1] > 0 then
              minid = pending[2]
            else
              for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
                local name, last
                for i = 1, #g, 2 do
                  if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then last = g[i + 1] end
                end
                if name == ARGV[1] then minid = last end
              end
            end
            if minid then redis.call('XTRIM', KEYS[1], 'MINID', minid) end
            return acked
            """, Long.class);

    // Keep this consumer's claims fresh: reset the idle time of each entry it still owns (XCLAIM JUSTID, which does
    // not count a delivery), the ids being ARGV[from] onwards (read in place: unpack stops at a few thousand values);
    // return the ids it no longer owns.
    private static final String REFRESH_FUNCTION = """
            local function refresh(stream, group, consumer, from)
              local lost = {}
              for i = from, #ARGV do
                local id = ARGV[i]
                local p = redis.call('XPENDING', stream, group, id, id, 1)
                if p[1] and p[1][2] == consumer then
                  redis.call('XCLAIM', stream, group, consumer, 0, id, 'JUSTID')
                else
                  table.insert(lost, id)
                end
              end
              return lost
            end
            """;

    // Take over entries idle past the idle time (XAUTOCLAIM, which counts a delivery); one delivered more than the
    // cap is acknowledged and unindexed instead: a dead letter. Returns flat groups of: id, dead (0/1), job, tenant,
    // priority, at, deliveries (this one included), attempt (0 when the entry has none).
    private static final String AUTOCLAIM_FUNCTION = UNCOUNT + """
            local function autoclaim(stream, index, tenants, group, consumer, idle, count, maxDeliveries)
              local r = redis.call('XAUTOCLAIM', stream, group, consumer, idle, '0-0', 'COUNT', count)
              local out = {}
              for _, e in ipairs(r[2]) do
                if e and e[2] then
                  local id, f = e[1], {}
                  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
                  local p = redis.call('XPENDING', stream, group, id, id, 1)
                  local dead = 0
                  local deliveries = p[1] and p[1][4] or 1
                  if deliveries > tonumber(maxDeliveries) then
                    dead = 1
                    redis.call('XACK', stream, group, id)
                    local v = redis.call('HGET', index, f['job'])
                    if v and string.match(v, '^%S+ (%S+) ') == id then
                      redis.call('HDEL', index, f['job'])
                      uncount(tenants, f['tenant'])
                    end
                  end
                  for _, v in ipairs({id, tostring(dead), f['job'], f['tenant'], f['priority'], f['at'],
                      tostring(deliveries), f['attempt'] or '0'}) do
                    table.insert(out, v)
                  end
                end
              end
              return out
            end
            """;

    /**
     * Keep this consumer's claims fresh (see REFRESH_FUNCTION). KEYS stream; ARGV group, consumer, ids... Returns the
     * ids it no longer owns.
     */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> REFRESH = RedisScript.of(REFRESH_FUNCTION + """
            return refresh(KEYS[1], ARGV[1], ARGV[2], 3)
            """, List.class);

    /**
     * Refresh this consumer's claims on the entries it holds, then take over entries idle past the idle time, in one
     * step: however long the replica pauses, no entry it holds is idle when the claim looks, so it never takes one
     * from itself. KEYS stream, index, tenants; ARGV group, consumer, min idle millis, count, max deliveries, then the
     * ids it holds (none: the claim alone). Returns the number of held ids it no longer owns, those ids, then AUTOCLAIM_FUNCTION's groups.
     */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> TAKEOVER = RedisScript.of(REFRESH_FUNCTION + AUTOCLAIM_FUNCTION + """
            local lost = refresh(KEYS[1], ARGV[1], ARGV[2], 6)
            local out = {#lost}
            for _, id in ipairs(lost) do table.insert(out, id) end
            for _, v in ipairs(autoclaim(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])) do
              table.insert(out, v)
            end
            return out
            """, List.class);

    private QueueScripts() {}
}
