package dev.enrich.backend.s3;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configure the media store on S3-compatible storage ({@code enrich.media.s3.*}, used with
 * {@code enrich.media.store=s3}). Credentials are not settings: the SDK's default provider chain finds them
 * ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, a profile, a web identity token, instance roles).
 *
 * @param bucket the bucket, which must exist; required with {@code enrich.media.store=s3} (checked at wiring: these
 *     settings are bound whichever store is used)
 * @param endpoint the service's URL for S3-compatible servers (MinIO, …); empty = AWS S3 for the region
 * @param region the signing region; empty = the SDK's default region chain ({@code AWS_REGION}, the profile)
 * @param pathStyle address the bucket in the path ({@code http://host/bucket/key}), as MinIO and most S3-compatible
 *     servers want, instead of in the host name
 * @param prefix the folder of every key, without leading or trailing slash; empty = the bucket's root. Give one
 *     when the bucket holds anything else: the orphan sweep aborts old incomplete uploads under it
 * @param partSize bytes per part of a multipart upload, each held in memory once while it is sent (5MB, S3's least,
 *     to 1GB); a file of at most one part goes up in a single request. Derived files (thumbnails) are at most this
 * @param readAhead bytes fetched per ranged read when a decoder seeks through a stored file
 * @param orphanAge incomplete multipart uploads older than this are aborted by the sweep (a crash mid-upload)
 * @param sweepInterval how often the sweep runs, starting at startup
 */
@ConfigurationProperties("enrich.media.s3")
public record S3MediaProperties(
        @DefaultValue("") String bucket,
        @Nullable URI endpoint,
        @DefaultValue("") String region,
        @DefaultValue("false") boolean pathStyle,
        @DefaultValue("") String prefix,
        @DefaultValue("8MB") DataSize partSize,
        @DefaultValue("1MB") DataSize readAhead,
        @DefaultValue("1h") Duration orphanAge,
        @DefaultValue("15m") Duration sweepInterval) {

    static final long MIN_PART = DataSize.ofMegabytes(5).toBytes();
    static final long MAX_PART = DataSize.ofGigabytes(1).toBytes();

    /** @throws IllegalArgumentException when a value is out of range, saying which and what it was */
    public S3MediaProperties {
        require(endpoint == null || endpoint.getScheme() != null && endpoint.getHost() != null,
                "enrich.media.s3.endpoint must be an absolute URL such as http://minio:9000, but was " + endpoint);
        prefix = trimSlashes(prefix);
        require(!prefix.contains("//") && !("/" + prefix + "/").contains("/../"),
                "enrich.media.s3.prefix must be a plain folder such as enrich/media, but was '" + prefix + "'");
        require(partSize.toBytes() >= MIN_PART && partSize.toBytes() <= MAX_PART,
                "enrich.media.s3.part-size must be between 5MB and 1GB, but was " + partSize);
        require(readAhead.toBytes() > 0 && readAhead.toBytes() <= Integer.MAX_VALUE,
                "enrich.media.s3.read-ahead must be > 0 and below 2GB, but was " + readAhead);
        require(positive(orphanAge), "enrich.media.s3.orphan-age must be > 0, but was " + orphanAge);
        require(positive(sweepInterval), "enrich.media.s3.sweep-interval must be > 0, but was " + sweepInterval);
    }

    private static String trimSlashes(String s) {
        String t = s.strip();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
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
