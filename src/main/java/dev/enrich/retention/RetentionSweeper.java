package dev.enrich.retention;

import dev.enrich.config.RetentionProperties;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.reactive.Ticks;
import dev.enrich.retention.ExpiryIndex.SessionKey;
import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaUsage;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Delete what has outlived {@code enrich.retention.*}, on every replica, reading only what is due.
 *
 * <p>Every upload puts its session in the {@link ExpiryIndex} before it stores a byte (due after
 * {@code uploads}), and again when it is kept (due {@code sessions} after its upload). Each
 * {@code sweep-interval}, a replica claims what is due and looks at each: a session that was never kept is what an
 * interrupted upload left, and its media go; a session with a job queued or running is looked at again a whole
 * retention later; otherwise it is deleted with everything of it once {@code sessions} has passed since the later of
 * its upload and its last job's end, and looked at again then if not.
 */
public final class RetentionSweeper implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);

    private final ExpiryIndex index;
    private final SessionRepository sessions;
    private final JobRepository jobs;
    private final MediaStore media;
    private final MediaUsage usage;
    private final BiFunction<String, String, Mono<Void>> erase;
    private final RetentionProperties settings;
    private final Clock clock;
    private volatile Disposable timer = reactor.core.Disposables.disposed();
    private volatile boolean running;

    /**
     * Create the sweeper; {@link #start} begins the timer.
     *
     * @param erase delete a kept session with everything of it (its jobs, results, batches, events, media and expiry
     *     entry)
     */
    public RetentionSweeper(ExpiryIndex index, SessionRepository sessions, JobRepository jobs, MediaStore media,
            MediaUsage usage, BiFunction<String, String, Mono<Void>> erase, RetentionProperties settings,
            Clock clock) {
        this.index = index;
        this.sessions = sessions;
        this.jobs = jobs;
        this.media = media;
        this.usage = usage;
        this.erase = erase;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Look at everything due now, a batch at a time, until nothing is due.
     *
     * @return how many sessions were deleted (kept ones and what interrupted uploads left)
     */
    public Mono<Long> sweep() {
        Instant now = clock.instant();
        // What a round claims moves a lease ahead, so the next round with the same now takes the next ones.
        return round(now)
                .expand(round -> round.taken() == settings.sweepBatch() ? round(now) : Mono.empty())
                .map(Round::deleted)
                .reduce(0L, Long::sum);
    }

    private Mono<Round> round(Instant now) {
        return index.claim(now, settings.lease(), settings.sweepBatch())
                .concatMap(session -> expire(session, now))
                .reduce(new Round(0, 0), Round::plus);
    }

    private record Round(long taken, long deleted) {
        Round plus(boolean wasDeleted) {
            return new Round(taken + 1, deleted + (wasDeleted ? 1 : 0));
        }
    }

    // True when the session (or what its upload left) was deleted.
    private Mono<Boolean> expire(SessionKey key, Instant now) {
        return sessions.find(key.tenant(), key.sessionId())
                .flatMap(session -> jobs.findBySession(key.tenant(), key.sessionId()).collectList()
                        .flatMap(sessionJobs -> expireKept(key, session, sessionJobs, now)))
                .switchIfEmpty(Mono.defer(() -> usage.release(key.tenant(), key.sessionId())
                        .then(media.deleteSession(key.tenant(), key.sessionId()))
                        .then(index.remove(key))
                        .doOnSuccess(v -> LOG.info("Deleted what an unfinished upload left: tenant {} session {}",
                                key.tenant(), key.sessionId()))
                        .thenReturn(true)))
                .onErrorResume(e -> {
                    // The claim's lease brings it back; one bad session must not stop the sweep.
                    LOG.warn("Retention: could not expire session {} of tenant {}: {}", key.sessionId(),
                            key.tenant(), e.toString());
                    return Mono.just(false);
                });
    }

    private Mono<Boolean> expireKept(SessionKey key, Session session, List<Job> sessionJobs, Instant now) {
        if (sessionJobs.stream().anyMatch(j -> !j.state().isTerminal())) {
            return index.schedule(key, now.plus(settings.sessions())).thenReturn(false);
        }
        Instant last = sessionJobs.stream()
                .map(j -> j.finishedAt() != null ? j.finishedAt() : j.createdAt())
                .filter(Objects::nonNull)
                .reduce(session.createdAt(), (a, b) -> a.isAfter(b) ? a : b);
        Instant due = last.plus(settings.sessions());
        if (due.isAfter(now)) {
            return index.schedule(key, due).thenReturn(false);
        }
        return erase.apply(key.tenant(), key.sessionId())
                .doOnSuccess(v -> LOG.info("Retention: deleted session {} of tenant {} (last activity {})",
                        key.sessionId(), key.tenant(), last))
                .thenReturn(true);
    }

    @Override
    public void start() {
        running = true;
        // Disposed by stop(), which interrupts no store write in flight (Ticks).
        timer = Ticks.every(settings.sweepInterval(), settings.sweepInterval(), Schedulers.parallel())
                .concatMap(tick -> sweep().onErrorResume(e -> {
                    LOG.warn("Retention sweep failed; the next one retries: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    @Override
    public void stop() {
        running = false;
        timer.dispose();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    // Stop with the background flows, after the engine's drain and before the stores' connections close.
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
