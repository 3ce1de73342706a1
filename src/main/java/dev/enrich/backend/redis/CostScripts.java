package dev.enrich.backend.redis;

import java.util.List;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Hold the Lua scripts of the cost ledger ({@link RedisCostLedger}): each runs atomically in Redis, so a budget check
 * and the reservation it allows, or a settlement and the release of its reservation, cannot interleave with another
 * replica's. Money is an integer count of 10<sup>-8</sup> units ({@code PriceTable.SCALE} decimals): Lua numbers
 * are doubles, exact for integers only, and {@code HINCRBY} adds 64-bit integers exactly.
 *
 * <pre>
 * enrich:{tenant:T}:cost:day:DAY        hash   tenant, day, spent (units), FIELD|stage|model for FIELD in calls,
 *                                              failures, in, out, audio, latency, cost; expires retainDays after DAY
 * enrich:{tenant:T}:cost:month:YYYY-MM  string spent in the month (units); expires with its latest day
 * enrich:{tenant:T}:cost:days           zset   the tenant's day keys by epoch day
 * enrich:cost:days                      zset   every tenant's day keys by epoch day; pruned by age in the scripts
 * enrich:{tenant:T}:cost:holds          zset   outstanding reservations "id|day|units" by expiry (ms, Redis time)
 * enrich:{tenant:T}:cost:hold:ID        string a reservation not yet settled (units); outlives its hold, for late settling
 * enrich:cost:holds:seq                 string reservation ids
 * enrich:{tenant:T}:cost:session:S      hash   tenant, session, first, last (µs), the usage fields, stage|ID (units)
 * enrich:{tenant:T}:cost:sessions       zset   the tenant's session keys by latest call (µs)
 * enrich:cost:sessions                  zset   every session key by latest call; the oldest go beyond maxSessions
 * enrich:cost:entries                   list   the newest maxEntries raw entries, JSON
 * </pre>
 *
 * An expired reservation stops counting because {@code reserve} drops the holds whose expiry has passed before it
 * sums the rest; nothing keeps a running sum that an expiry could leave wrong. The scripts touch a tenant's keys and
 * the cross-slot indexes together, so, like {@link JobScripts}, they need a standalone (or Sentinel) Redis.
 */
final class CostScripts {

    /** What {@link #RESERVE} answers instead of an id when the daily or the monthly limit refuses. */
    static final long REFUSED_DAILY = -1;
    static final long REFUSED_MONTHLY = -2;

    /** The number of ARGV of {@code record}; {@link #SETTLE} takes its own after them. */
    static final int ENTRY_ARGS = 20;

    private static final String COMMON = """
            local P = 'enrich:'
            local function tk(t, name) return P .. '{tenant:' .. t .. '}:cost:' .. name end
            local DAYS = P .. 'cost:days'
            local SESSIONS = P .. 'cost:sessions'
            local ENTRIES = P .. 'cost:entries'

            -- keep the later of the key's expiry and ttl seconds from now (a key without expiry answers -1)
            local function extend(key, ttl)
              if redis.call('TTL', key) < ttl then redis.call('EXPIRE', key, ttl) end
            end

            local function add(key, suffix, a)
              redis.call('HINCRBY', key, 'calls' .. suffix, 1)
              redis.call('HINCRBY', key, 'failures' .. suffix, a[7])
              redis.call('HINCRBY', key, 'in' .. suffix, a[8])
              redis.call('HINCRBY', key, 'out' .. suffix, a[9])
              redis.call('HINCRBYFLOAT', key, 'audio' .. suffix, a[10])
              redis.call('HINCRBY', key, 'latency' .. suffix, a[11])
              redis.call('HINCRBY', key, 'cost' .. suffix, a[12])
            end

            -- a: tenant, session, day, month, stage, model, failed (1/0), input tokens, output tokens, audio seconds,
            -- latency ms, cost units, started at (µs), entry JSON, bucket ttl s (<= 0: past retention, no bucket),
            -- epoch day, oldest epoch day kept, max entries, max sessions, retention s
            local function record(a)
              local tenant, ttl = a[1], tonumber(a[15])
              if ttl > 0 then
                local day = tk(tenant, 'day:' .. a[3])
                redis.call('HSET', day, 'tenant', tenant, 'day', a[3])
                add(day, '|' .. a[5] .. '|' .. a[6], a)
                redis.call('HINCRBY', day, 'spent', a[12])
                redis.call('EXPIRE', day, ttl)
                local month = tk(tenant, 'month:' .. a[4])
                redis.call('INCRBY', month, a[12])
                extend(month, ttl)
                local days = tk(tenant, 'days')
                redis.call('ZADD', days, a[16], day)
                redis.call('ZADD', DAYS, a[16], day)
                redis.call('ZREMRANGEBYSCORE', days, '-inf', '(' .. a[17])
                redis.call('ZREMRANGEBYSCORE', DAYS, '-inf', '(' .. a[17])
                extend(days, ttl)
              end

              local retain = tonumber(a[20])
              local session = tk(tenant, 'session:' .. a[2])
              local first = redis.call('HGET', session, 'first')
              if not first then
                redis.call('HSET', session, 'tenant', tenant, 'session', a[2], 'first', a[13], 'last', a[13])
              elseif tonumber(a[13]) < tonumber(first) then
                redis.call('HSET', session, 'first', a[13])
              elseif tonumber(a[13]) > tonumber(redis.call('HGET', session, 'last')) then
                redis.call('HSET', session, 'last', a[13])
              end
              add(session, '', a)
              redis.call('HINCRBY', session, 'stage|' .. a[5], a[12])
              redis.call('EXPIRE', session, retain)
              local last = redis.call('HGET', session, 'last')
              local own = tk(tenant, 'sessions')
              redis.call('ZADD', own, last, session)
              redis.call('EXPIRE', own, retain)
              redis.call('ZADD', SESSIONS, last, session)
              while redis.call('ZCARD', SESSIONS) > tonumber(a[19]) do
                local oldest = redis.call('ZPOPMIN', SESSIONS)[1]
                local owner = redis.call('HGET', oldest, 'tenant')
                redis.call('DEL', oldest)
                if owner then redis.call('ZREM', tk(owner, 'sessions'), oldest) end
              end

              redis.call('RPUSH', ENTRIES, a[14])
              redis.call('LTRIM', ENTRIES, -tonumber(a[18]), -1)
              redis.call('EXPIRE', ENTRIES, retain)
            end
            """;

    /** Record one entry that held no reservation; ARGV as {@code record} above. */
    static final RedisScript<String> RECORD = LuaScript.of(COMMON + "record(ARGV)\nreturn 'OK'\n", String.class);

    /**
     * Record one entry (ARGV as {@code record}) and release reservation ARGV[21] of tenant ARGV[22], held as member
     * ARGV[23], only when it is still unsettled: the first settlement deletes the reservation's key, later ones find
     * none and record nothing.
     */
    static final RedisScript<String> SETTLE = LuaScript.of(COMMON + """
            if redis.call('DEL', tk(ARGV[22], 'hold:' .. ARGV[21])) == 1 then
              redis.call('ZREM', tk(ARGV[22], 'holds'), ARGV[23])
              record(ARGV)
            end
            return 'OK'
            """, String.class);

    /**
     * Reserve ARGV[4] units for tenant ARGV[1] on day ARGV[2] of month ARGV[3] under the daily limit ARGV[5] and the
     * monthly limit ARGV[6] (units), held for ARGV[7] ms and settleable for ARGV[8] ms. Returns the reservation's id,
     * or {@link #REFUSED_DAILY} / {@link #REFUSED_MONTHLY}.
     */
    static final RedisScript<Long> RESERVE = LuaScript.of("""
            local P = 'enrich:'
            local function tk(t, name) return P .. '{tenant:' .. t .. '}:cost:' .. name end
            local tenant, day, month, amount = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
            local holds = tk(tenant, 'holds')
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            -- holds of dead callers expire here, before anything is summed
            redis.call('ZREMRANGEBYSCORE', holds, '-inf', now)
            local daily = tonumber(redis.call('HGET', tk(tenant, 'day:' .. day), 'spent') or '0')
            local monthly = tonumber(redis.call('GET', tk(tenant, 'month:' .. month)) or '0')
            -- a few per tenant: calls in flight are bounded by the bulkhead
            for _, hold in ipairs(redis.call('ZRANGE', holds, 0, -1)) do
              local d, units = string.match(hold, '^%d+|([^|]+)|(%d+)$')
              if string.sub(d, 1, 7) == month then
                monthly = monthly + tonumber(units)
                if d == day then daily = daily + tonumber(units) end
              end
            end
            local function fits(committed, limit) return committed < limit and committed + amount <= limit end
            if not fits(daily, tonumber(ARGV[5])) then return -1 end
            if not fits(monthly, tonumber(ARGV[6])) then return -2 end
            local id = redis.call('INCR', P .. 'cost:holds:seq')
            redis.call('ZADD', holds, now + tonumber(ARGV[7]), id .. '|' .. day .. '|' .. ARGV[4])
            redis.call('PEXPIRE', holds, ARGV[7])
            redis.call('SET', tk(tenant, 'hold:' .. id), ARGV[4], 'PX', ARGV[8])
            return id
            """, Long.class);

    /** Return the hashes of the day keys in index KEYS[1] with epoch days ARGV[1]..ARGV[2], ordered by day. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final RedisScript<List<List<String>>> DAYS = (RedisScript) LuaScript.of("""
            local out = {}
            for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])) do
              local h = redis.call('HGETALL', key)
              if #h > 0 then out[#out + 1] = h end
            end
            return out
            """, List.class);

    /**
     * Return the hashes of at most ARGV[3] session keys of index KEYS[1] whose latest call started in
     * [ARGV[1], ARGV[2]) µs, most recent first.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final RedisScript<List<List<String>>> SESSIONS = (RedisScript) LuaScript.of("""
            local out, limit = {}, tonumber(ARGV[3])
            for _, key in ipairs(redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], ARGV[1])) do
              if #out >= limit then break end
              local h = redis.call('HGETALL', key)
              if #h > 0 then out[#out + 1] = h end
            end
            return out
            """, List.class);

    private CostScripts() {}
}
