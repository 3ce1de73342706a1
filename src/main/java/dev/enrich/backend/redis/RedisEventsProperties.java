package dev.enrich.backend.redis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configure the Redis event log ({@code enrich.redis.events.*}).
 *
 * @param retain entries kept per Redis stream (approximately: {@code MAXLEN ~}); also what each replica's in-memory
 *     mirror keeps per stream
 * @param ttlAfterEnd how long a job's stream stays in Redis after its terminal event
 * @param ttlIdle how long a batch's or a user's stream stays in Redis after its latest event
 * @param mirrorStreams streams each replica mirrors in memory for its subscribers (least recently appended evicted)
 * @param channelPrefix notifications go to {@code <prefix><tenant>}; each replica subscribes to {@code <prefix>*}
 */
@ConfigurationProperties("enrich.redis.events")
public record RedisEventsProperties(
        @DefaultValue("1000") int retain,
        @DefaultValue("1h") Duration ttlAfterEnd,
        @DefaultValue("7d") Duration ttlIdle,
        @DefaultValue("10000") int mirrorStreams,
        @DefaultValue("enrich:events:") String channelPrefix) {

    public RedisEventsProperties {
        if (retain <= 0) {
            throw new IllegalArgumentException("enrich.redis.events.retain must be > 0, but was " + retain);
        }
        if (ttlAfterEnd.toSeconds() <= 0) {
            throw new IllegalArgumentException(
                    "enrich.redis.events.ttl-after-end must be at least 1s, but was " + ttlAfterEnd);
        }
        if (ttlIdle.toSeconds() <= 0) {
            throw new IllegalArgumentException("enrich.redis.events.ttl-idle must be at least 1s, but was " + ttlIdle);
        }
        if (mirrorStreams <= 0) {
            throw new IllegalArgumentException(
                    "enrich.redis.events.mirror-streams must be > 0, but was " + mirrorStreams);
        }
        if (channelPrefix.isEmpty()) {
            throw new IllegalArgumentException("enrich.redis.events.channel-prefix must not be empty");
        }
    }
}
