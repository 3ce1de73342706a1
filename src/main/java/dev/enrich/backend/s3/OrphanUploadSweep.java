package dev.enrich.backend.s3;

import dev.enrich.reactive.Ticks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Abort incomplete multipart uploads under the store's prefix that are older than {@code orphanAge}: what a replica
 * that crashed mid-upload left behind (S3 keeps, and bills, their parts until aborted). One ListMultipartUploads per
 * page of in-progress uploads, not a scan of the objects; every replica may sweep, as aborting twice is harmless.
 */
final class OrphanUploadSweep implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OrphanUploadSweep.class);

    private final S3AsyncClient s3;
    private final String bucket;
    private final String prefix;
    private final Duration orphanAge;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    private @Nullable Disposable loop;

    OrphanUploadSweep(S3AsyncClient s3, S3MediaProperties settings, Clock clock) {
        this.s3 = s3;
        this.bucket = settings.bucket();
        this.prefix = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        this.orphanAge = settings.orphanAge();
        this.clock = clock;
    }

    /** Sweep once; return how many uploads were aborted. */
    Mono<Long> sweep() {
        return Mono.defer(() -> {
            Instant cutoff = clock.instant().minus(orphanAge);
            return Flux.from(s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads())
                    .onErrorMap(CompletionException.class, e -> e.getCause() == null ? e : e.getCause())
                    .filter(upload -> upload.initiated() != null && upload.initiated().isBefore(cutoff))
                    .concatMap(this::abort)
                    .count();
        });
    }

    /** Sweep now and then every {@code interval} on {@code scheduler} until {@link #close()}; a failed sweep is logged. */
    synchronized void start(Duration interval, Scheduler scheduler) {
        if (loop != null) {
            return;
        }
        loop = Ticks.every(Duration.ZERO, interval, scheduler)
                .concatMap(tick -> sweep()
                        .doOnNext(aborted -> {
                            if (aborted > 0) {
                                log.info("Aborted {} incomplete media uploads older than {}", aborted, orphanAge);
                            }
                        })
                        .onErrorResume(e -> {
                            failures.incrementAndGet();
                            log.warn("Sweep of incomplete media uploads failed (next in {}): {}", interval, e.toString());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    /** Return how many sweeps failed. */
    long failures() {
        return failures.get();
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.dispose();
            loop = null;
        }
    }

    private Mono<String> abort(MultipartUpload upload) {
        return Mono.fromFuture(() -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key())
                        .uploadId(upload.uploadId())))
                .thenReturn(upload.key())
                // Another replica's sweep was first.
                .onErrorResume(e -> e instanceof NoSuchUploadException
                        || e instanceof S3Exception s3e && s3e.statusCode() == 404, e -> Mono.empty());
    }
}
