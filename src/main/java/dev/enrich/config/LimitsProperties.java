package dev.enrich.config;

import static dev.enrich.config.Settings.require;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bind and validate {@code enrich.limits.*}: what one tenant or user may take of the service. Going over answers
 * 429 with {@code Retry-After} and a friendly detail (the batch size, which no wait fixes, answers 400; a full
 * storage share answers 429 without {@code Retry-After}).
 *
 * @param requestsPerSecond API requests per second per tenant (a burst of that many, refilled every second)
 * @param maxQueuedJobs jobs one tenant may have waiting in the queue
 * @param maxRunningJobs jobs of one tenant that run at once; 0 = no cap (an idle pool serves whoever has work)
 * @param streamsPerUser open event streams per user (API key or token subject)
 * @param maxBatchSize sessions in one batch
 * @param maxSessionsPerTenant sessions one tenant may keep; past it an upload answers 429
 * @param maxJobsPerTenant jobs one tenant keeps; its oldest finished jobs make room, and when all are unfinished a
 *     new enrichment answers 429
 * @param maxMediaPerTenant bytes of uploaded media one tenant may hold; an upload past it answers 413 and keeps nothing
 */
@ConfigurationProperties("enrich.limits")
public record LimitsProperties(
        @DefaultValue("100") int requestsPerSecond,
        @DefaultValue("500") int maxQueuedJobs,
        @DefaultValue("0") int maxRunningJobs,
        @DefaultValue("16") int streamsPerUser,
        @DefaultValue("1000") int maxBatchSize,
        @DefaultValue("1000") int maxSessionsPerTenant,
        @DefaultValue("2000") int maxJobsPerTenant,
        @DefaultValue("20GB") DataSize maxMediaPerTenant) {

    public LimitsProperties {
        require(requestsPerSecond > 0, "enrich.limits.requests-per-second must be > 0, but was " + requestsPerSecond);
        require(maxQueuedJobs > 0, "enrich.limits.max-queued-jobs must be > 0, but was " + maxQueuedJobs);
        require(maxRunningJobs >= 0, "enrich.limits.max-running-jobs must be >= 0, but was " + maxRunningJobs);
        require(streamsPerUser > 0, "enrich.limits.streams-per-user must be > 0, but was " + streamsPerUser);
        require(maxBatchSize > 0, "enrich.limits.max-batch-size must be > 0, but was " + maxBatchSize);
        require(maxSessionsPerTenant > 0,
                "enrich.limits.max-sessions-per-tenant must be > 0, but was " + maxSessionsPerTenant);
        require(maxJobsPerTenant > 0, "enrich.limits.max-jobs-per-tenant must be > 0, but was " + maxJobsPerTenant);
        require(maxMediaPerTenant.toBytes() > 0,
                "enrich.limits.max-media-per-tenant must be > 0, but was " + maxMediaPerTenant);
    }
}
