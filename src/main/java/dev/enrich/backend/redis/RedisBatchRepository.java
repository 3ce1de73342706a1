package dev.enrich.backend.redis;

import dev.enrich.job.Batch;
import dev.enrich.job.BatchRepository;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Keep batches in Redis: a hash per batch with its owner beside the JSON (which leaves the owner out). */
final class RedisBatchRepository implements BatchRepository {

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
}
