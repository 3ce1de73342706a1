package dev.enrich.backend.redis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configure the Redis job queue ({@code enrich.redis.queue.*}); capacity and the interactive burst come from
 * {@code enrich.pool.*} as for the memory queue.
 *
 * @param keyPrefix prefix of the queue's keys: streams {@code <prefix>:interactive} and {@code <prefix>:batch}
 * @param group the consumer group every replica reads with
 * @param consumer this replica's consumer name; blank = the {@code HOSTNAME} environment variable (the pod name),
 *     or a random name
 * @param readAhead entries read beyond the demand, so that tenants can take turns among them; 0 = read exactly the
 *     demand
 * @param maxBuffered the most entries held read but not handed out (tenants at their cap); no read past it
 * @param blockTimeout how long one blocking read waits for new entries before it is issued again
 * @param idleTime how long an entry stays pending without a claim refresh before another replica takes it over
 * @param refreshInterval how often this replica refreshes the claims of entries it holds; below {@code idleTime}
 * @param claimInterval how often this replica takes over entries idle past {@code idleTime}
 * @param maxDeliveries deliveries after which an entry is a dead letter instead of running again
 * @param claimBatch the most entries taken over per stream and per {@code claimInterval}
 * @param viewInterval how often the queue's size, per-tenant counts and positions are read for the queries that
 *     must not wait for Redis (views, quotas); a replica's own offers and removals refresh it at once
 */
@ConfigurationProperties("enrich.redis.queue")
public record RedisQueueProperties(
        @DefaultValue("enrich:queue") String keyPrefix,
        @DefaultValue("workers") String group,
        @DefaultValue("") String consumer,
        @DefaultValue("16") int readAhead,
        @DefaultValue("256") int maxBuffered,
        @DefaultValue("2s") Duration blockTimeout,
        @DefaultValue("30s") Duration idleTime,
        @DefaultValue("10s") Duration refreshInterval,
        @DefaultValue("10s") Duration claimInterval,
        @DefaultValue("3") int maxDeliveries,
        @DefaultValue("100") int claimBatch,
        @DefaultValue("1s") Duration viewInterval) {

    /** @throws IllegalArgumentException when a value is out of range, saying which and what it was */
    public RedisQueueProperties {
        require(!keyPrefix.isBlank(), "enrich.redis.queue.key-prefix must not be blank");
        require(!group.isBlank(), "enrich.redis.queue.group must not be blank");
        require(readAhead >= 0, "enrich.redis.queue.read-ahead must be >= 0, but was " + readAhead);
        require(maxBuffered > 0, "enrich.redis.queue.max-buffered must be > 0, but was " + maxBuffered);
        require(positive(blockTimeout), "enrich.redis.queue.block-timeout must be > 0, but was " + blockTimeout);
        require(positive(idleTime), "enrich.redis.queue.idle-time must be > 0, but was " + idleTime);
        require(positive(refreshInterval) && refreshInterval.compareTo(idleTime) < 0,
                "enrich.redis.queue.refresh-interval must be > 0 and below enrich.redis.queue.idle-time " + idleTime + ", but was " + refreshInterval);
        require(positive(claimInterval), "enrich.redis.queue.claim-interval must be > 0, but was " + claimInterval);
        require(maxDeliveries > 0, "enrich.redis.queue.max-deliveries must be > 0, but was " + maxDeliveries);
        require(claimBatch > 0, "enrich.redis.queue.claim-batch must be > 0, but was " + claimBatch);
        require(positive(viewInterval), "enrich.redis.queue.view-interval must be > 0, but was " + viewInterval);
    }

    /** Return these settings with another consumer name. */
    public RedisQueueProperties withConsumer(String name) {
        return new RedisQueueProperties(keyPrefix, group, name, readAhead, maxBuffered, blockTimeout, idleTime,
                refreshInterval, claimInterval, maxDeliveries, claimBatch, viewInterval);
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
