package dev.enrich.config;

import static dev.enrich.config.Settings.require;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bind and validate {@code enrich.retention.*}: how long data is kept before it is deleted on its own.
 *
 * @param sessions how long a session (its media, thumbnails, canvas, jobs, results, batch membership and event
 *     streams) is kept after the later of its upload and the end of its last job; a session with a job still queued
 *     or running is kept
 * @param uploads how long media stored by an upload that never finished (a crash, a lost connection) may stay
 *     before it is deleted; keep it above the longest upload expected (a slower one would lose its files)
 * @param sweepInterval how often each replica looks for what is due (one indexed range read, no key scan)
 * @param sweepBatch the most sessions one sweep takes at once
 * @param lease how long a sweeping replica holds what it took before another may take it (it died mid-sweep)
 */
@ConfigurationProperties("enrich.retention")
public record RetentionProperties(
        @DefaultValue("7d") Duration sessions,
        @DefaultValue("6h") Duration uploads,
        @DefaultValue("1m") Duration sweepInterval,
        @DefaultValue("100") int sweepBatch,
        @DefaultValue("5m") Duration lease) {

    public RetentionProperties {
        require(sessions.toMillis() > 0, "enrich.retention.sessions must be > 0, but was " + sessions);
        require(uploads.toMillis() > 0, "enrich.retention.uploads must be > 0, but was " + uploads);
        require(sweepInterval.toMillis() > 0, "enrich.retention.sweep-interval must be > 0, but was " + sweepInterval);
        require(sweepBatch > 0, "enrich.retention.sweep-batch must be > 0, but was " + sweepBatch);
        require(lease.toMillis() > 0, "enrich.retention.lease must be > 0, but was " + lease);
    }
}
