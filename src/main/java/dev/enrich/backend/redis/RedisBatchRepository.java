package dev.enrich.backend.redis;

import dev.enrich.job.Batch;
import dev.enrich.job.BatchRepository;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Keep batches in Redis: a hash per batch with its owner beside the JSON (which leaves the owner out). */
final class RedisBatchRepository implements BatchRepository {

    // KEYS[1] the batch; ARGV the job ids to take out. Returns 1 when the batch is gone (now or before), else 0.
    private static final RedisScript<Long> REMOVE_JOBS = LuaScript.of("""
            local text = redis.call('HGET', KEYS[1], 'json')
            if not text then return 1 end
            local gone = {}
            for _, id in ipairs(ARGV) do gone[id] = true end
            local batch = cjson.decode(text)
            local kept = {}
            for _, id in ipairs(batch.jobIds) do
              if not gone[id] then kept[#kept + 1] = id end
            end
            if #kept == 0 then
              redis.call('DEL', KEYS[1])
              return 1
            end
            batch.jobIds = kept
            redis.call('HSET', KEYS[1], 'json', cjson.encode(batch))
            return 0
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;

    RedisBatchRepository(ReactiveStringRedisTemplate redis, JsonMapper json) {
        this.redis = redis;
        this.json = json;
    }

    @Override
    public Mono<Batch> save(Batch batch) {
        return Mono.defer(() -> redis.<String, String>opsForHash()
                .putAll(RedisKeys.batch(batch.id()), Map.of("tenant", batch.tenant(), "json",
                        json.writeValueAsString(batch)))
                .thenReturn(batch));
    }

    @Override
    public Mono<Void> delete(String id) {
        return redis.delete(RedisKeys.batch(id)).then();
    }

    @Override
    public Mono<Batch> find(String tenant, String id) {
        return findById(id).filter(b -> b.tenant().equals(tenant));
    }

    @Override
    public Mono<Batch> findById(String id) {
        return redis.<String, String>opsForHash().multiGet(RedisKeys.batch(id), List.of("tenant", "json"))
                .filter(v -> v.get(0) != null && v.get(1) != null)
                .map(v -> {
                    Batch read = json.readValue(v.get(1), Batch.class);
                    return new Batch(read.id(), v.get(0), read.jobIds(), read.createdAt());
                });
    }

    @Override
    public Mono<Boolean> removeJobs(String batchId, Set<String> jobIds) {
        return redis.execute(REMOVE_JOBS, List.of(RedisKeys.batch(batchId)), List.copyOf(jobIds))
                .single().map(gone -> gone == 1L);
    }
}
