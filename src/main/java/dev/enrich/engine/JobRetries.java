package dev.enrich.engine;

import dev.enrich.config.JobsProperties;
import dev.enrich.job.Job;
import dev.enrich.job.StoreOutages;
import dev.enrich.resilience.BackoffPolicy;
import dev.enrich.resilience.ErrorClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Decide whether and when a job whose stages failed for a transient cause runs again by itself, and hold the jobs
 * waiting for that moment.
 *
 * <p>Delays by error kind: a rate limit waits at least its Retry-After (capped); a timeout gets at most
 * {@code timeout-attempts} runs; any other transient failure (a 5xx, a reset) waits for the circuit breakers' view:
 * while one is open, at least its wait in the open state. Permanent failures never retry. Waits run on the timer
 * scheduler, asked at each wait (virtual time replaces it in tests).
 */
final class JobRetries {

    private static final Logger log = LoggerFactory.getLogger(JobRetries.class);
    /** Tries to hold a wait in the durable queue while its store is out (about half a minute); then it is held here. */
    private static final int OUTAGE_RETRIES = 10;

    private final JobsProperties settings;
    private final BackoffPolicy backoff;
    private final Supplier<Optional<Duration>> breakerWait;
    private final Supplier<Scheduler> timers;
    private final BiFunction<Job, Duration, Mono<Boolean>> durableWait;
    // Kept across subscribers: the lifecycle subscribes again after a stop and start. Not bounded here: it holds at
    // most the jobs waiting, which the job store's caps bound; a fixed buffer would drop a job silently past it.
    private final Sinks.Many<Waiting> waiting = Sinks.many().multicast()
            .onBackpressureBuffer(Integer.MAX_VALUE, false);
    private final Map<String, Job> pending = new ConcurrentHashMap<>();

    /** A job queued again, with the wait before it may be handed to the pool. */
    record Waiting(Job job, Duration delay) {}

    /**
     * @param breakerWait how long calls are refused by an open circuit breaker, when one is open
     * @param durableWait holds a job for its wait where a crash does not lose it (a durable queue); emits false when
     *     it cannot, and the job is held here
     */
    JobRetries(JobsProperties settings, BackoffPolicy backoff, Supplier<Optional<Duration>> breakerWait,
            Supplier<Scheduler> timers, BiFunction<Job, Duration, Mono<Boolean>> durableWait) {
        this.settings = settings;
        this.backoff = backoff;
        this.breakerWait = breakerWait;
        this.timers = timers;
        this.durableWait = durableWait;
    }

    /** Return the most runs of a job. */
    int maxAttempts() {
        return settings.maxAttempts();
    }

    /**
     * Return the wait before run {@code attempt + 1} of a job whose run {@code attempt} failed with {@code cause};
     * empty when the cause is permanent or the job had its last run.
     */
    Optional<Duration> delay(int attempt, Throwable cause) {
        if (!ErrorClassifier.isTransient(cause)) {
            return Optional.empty();
        }
        int most = ErrorClassifier.isTimeout(cause) ? Math.min(settings.timeoutAttempts(), settings.maxAttempts())
                : settings.maxAttempts();
        if (attempt >= most) {
            return Optional.empty();
        }
        Duration wait = backoff.delay(attempt, ErrorClassifier.retryAfter(cause));
        Optional<Duration> open = breakerWait.get();
        return Optional.of(open.isPresent() && open.get().compareTo(wait) > 0 ? open.get() : wait);
    }

    /**
     * Hold {@code job} (already stored QUEUED for its next run) for {@code delay}: in the durable queue when there is
     * one (it queues the job when the wait is over, whatever happens to this replica), here otherwise, or when the
     * durable queue could not take it. Not called where the job store holds the wait with the move that stores the
     * job for it (see {@link dev.enrich.events.JobMoves#moveToRetry}: Redis): a crash between the two steps would
     * leave the job with nothing to queue it.
     */
    Mono<Void> later(Job job, Duration delay) {
        return Mono.defer(() -> durableWait.apply(job, delay))
                // Holding a wait again holds the same one: an outage (a timed-out reply may have been stored) is
                // waited out, so that a job is not held both there and here.
                .retryWhen(Retry.backoff(OUTAGE_RETRIES, Duration.ofMillis(250)).maxBackoff(Duration.ofSeconds(5))
                        .filter(StoreOutages::is).scheduler(timers.get()))
                .onErrorResume(e -> {
                    log.warn("job={} waits for its retry in this replica only: the queue could not hold it ({})",
                            job.id(), e.toString());
                    return Mono.just(false);
                })
                .defaultIfEmpty(false)
                .flatMap(held -> held ? Mono.<Void>empty() : Mono.fromRunnable(() -> hold(job, delay)));
    }

    private void hold(Job job, Duration delay) {
        pending.put(job.id(), job);
        Sinks.EmitResult result;
        synchronized (waiting) {
            result = waiting.tryEmitNext(new Waiting(job, delay));
        }
        if (result.isFailure()) {
            pending.remove(job.id(), job);
            throw new IllegalStateException("could not hold job " + job.id() + " for its retry: " + result);
        }
    }

    /** Return the held jobs as each one's wait ends; subscribe once (the engine's lifecycle does). */
    Flux<Job> due() {
        // Every held job waits at once: flatMap's default of 256 concurrent waits would hold back the rest.
        return waiting.asFlux().flatMap(w -> Mono.delay(w.delay(), timers.get())
                .filter(tick -> pending.remove(w.job().id(), w.job()))
                .map(tick -> w.job()), Integer.MAX_VALUE);
    }

    /** Remove and return the jobs still waiting (a stop ends their waits: the engine hands them on). */
    List<Job> abandon() {
        List<Job> left = new ArrayList<>(pending.values());
        left.forEach(job -> pending.remove(job.id(), job));
        return left;
    }
}
