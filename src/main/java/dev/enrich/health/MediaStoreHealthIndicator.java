package dev.enrich.health;

import dev.enrich.session.MediaStore;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Report whether the media store takes writes, as {@code mediaStore} in the readiness group: a replica that cannot
 * store uploads should get none. The local directory is written to and the S3 bucket asked for
 * ({@link MediaStore#check()}); the answer is kept for {@value #CACHED_SECONDS} s, so probes from several sources cost
 * one check, and a check that takes over {@value #TIMEOUT_SECONDS} s counts as DOWN.
 */
@Component
final class MediaStoreHealthIndicator implements ReactiveHealthIndicator {

    static final int CACHED_SECONDS = 5;
    static final int TIMEOUT_SECONDS = 5;

    private final Mono<Health> health;

    MediaStoreHealthIndicator(MediaStore store) {
        this.health = Mono.defer(store::check)
                .timeout(Duration.ofSeconds(TIMEOUT_SECONDS))
                .then(Mono.fromSupplier(() -> Health.up().build()))
                .onErrorResume(e -> Mono.just(Health.down().withDetail("error", String.valueOf(e.getMessage()))
                        .build()))
                .cache(Duration.ofSeconds(CACHED_SECONDS));
    }

    @Override
    public Mono<Health> health() {
        return health;
    }
}
