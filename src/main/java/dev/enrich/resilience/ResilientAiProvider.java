package dev.enrich.resilience;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiException;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.Transcription;
import dev.enrich.pipeline.RetryNotices;
import dev.enrich.reactive.CancelLatch;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Guard an {@link AiProvider}: each attempt passes a bulkhead and a time limiter, transient failures are retried with
 * exponential backoff and jitter ({@link BackoffPolicy}), and the whole logical call (the request with its retries)
 * passes one circuit breaker (one set per dependency: {@link Dependencies#AI_TRANSCRIPTION},
 * {@link Dependencies#AI_CHAT}). The breaker thus counts calls, not attempts; a retry stops when the circuit opened
 * meanwhile.
 *
 * <p>Only {@linkplain ErrorClassifier#isTransient transient} failures are retried; permanent ones, an exhausted
 * budget and an open circuit fail at once. Before each wait the {@link RetryNotices} found in the subscriber's Reactor
 * context (the running stage's, put there by the pipeline) hear which attempt comes next and after how long; this
 * class reaches for nothing else to tell anyone. Every failed attempt is logged once here, with classification, dependency, attempt, tenant,
 * session, job and stage — never the request or the key. The error finally signalled is always an
 * {@link AiException}; there is no fallback here: the stages fall back to their local result.
 */
public final class ResilientAiProvider implements AiProvider {

    private static final Logger log = LoggerFactory.getLogger(ResilientAiProvider.class);

    private final AiProvider delegate;
    private final Dependencies dependencies;
    private final BackoffPolicy backoff;
    private final Supplier<Scheduler> timers;

    /**
     * Guard {@code delegate}.
     *
     * @param timers gives the scheduler retry waits run on, asked at each wait (so virtual time can replace it)
     */
    public ResilientAiProvider(AiProvider delegate, Dependencies dependencies, BackoffPolicy backoff,
            Supplier<Scheduler> timers) {
        this.delegate = delegate;
        this.dependencies = dependencies;
        this.backoff = backoff;
        this.timers = timers;
    }

    /** Guard {@code delegate} with the backoff of {@code dependencies}' settings; waits on {@code Schedulers.parallel()}. */
    public ResilientAiProvider(AiProvider delegate, Dependencies dependencies) {
        this(delegate, dependencies, new BackoffPolicy(dependencies.settings().retry()), Schedulers::parallel);
    }

    /** Close the guarded provider. */
    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public boolean enabled() {
        return delegate.enabled();
    }

    @Override
    public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
        return guarded(call, Dependencies.AI_TRANSCRIPTION, () -> delegate.transcribe(call, wav, offsetSeconds));
    }

    @Override
    public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
        return guarded(call, Dependencies.AI_CHAT, () -> delegate.chat(call, request));
    }

    private <T> Mono<T> guarded(AiCall call, String dependency, Supplier<Mono<T>> send) {
        Guards guards = dependencies.guards(dependency);
        // transformDeferred applies inside out: the time limiter bounds one attempt, the bulkhead holds its permit.
        Mono<T> attempt = Mono.defer(send)
                .transformDeferred(TimeLimiterOperator.of(guards.timeLimiter()))
                .transformDeferred(BulkheadOperator.of(guards.bulkhead()));
        // Safety net: every attempt is bounded by the time limiter, but a signal lost in a layer around it would
        // otherwise leave the job waiting forever. No call outlives every attempt at its longest plus every backoff.
        Duration deadline = guards.timeLimiter().getTimeLimiterConfig().getTimeoutDuration()
                .plus(backoff.maxBackoff()).multipliedBy(backoff.maxRetries() + 1L).plusSeconds(1);
        // Within a stage run, the run's latch ends the call too: a cancel lost by an operator above this call (the
        // stage's concat or concatMap) would otherwise leave it running (CancelLatch).
        return CancelLatch.guardInContext(Mono.deferContextual(context -> {
            AtomicInteger retries = new AtomicInteger();
            // A cancel (the caller's, or the deadline's) ends the attempt in flight even when it raced the attempt's
            // start on another thread, which Reactor's retry loop alone can miss (CancelLatch).
            CancelLatch latch = new CancelLatch();
            return latch.guard(attempt)
                    .retryWhen(retry(call, guards, retries, RetryNotices.current(context)))
                    // After the cancel went up: an attempt in flight is cancelled, not completed empty.
                    .doFinally(signal -> latch.cancel())
                    .timeout(deadline, Mono.defer(() -> {
                        log.warn("AI call passed its deadline of {} ms: dependency={} job={} stage={}",
                                deadline.toMillis(), dependency, call.jobId(), call.stage().id());
                        return Mono.error(new AiException(AiException.Kind.TRANSIENT,
                                dependency + " call passed its deadline", null, null, true));
                    }), timers.get())
                    // The breaker sees one logical call (the request with its retries), so a burst of retried
                    // attempts that ends well never trips it, and N failed calls open it after N, not N × attempts.
                    .transformDeferred(CircuitBreakerOperator.of(guards.breaker()))
                    .doOnError(e -> {
                        if (ErrorClassifier.isKeyRejected(e)) {
                            guards.key().reject();
                        }
                    })
                    .doOnSuccess(reply -> {
                        guards.key().accept();
                        if (retries.get() > 0) {
                            guards.retries().succeeded.increment();
                        }
                    })
                    .onErrorMap(e -> AttemptLog.failed(log, call, dependency, retries.get() + 1,
                            backoff.maxRetries() + 1, e));
        }));
    }

    private Retry retry(AiCall call, Guards guards, AtomicInteger retries, RetryNotices notices) {
        int maxAttempts = backoff.maxRetries() + 1;
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable failure = signal.failure();
            int retry = (int) signal.totalRetries() + 1;
            if (!ErrorClassifier.isTransient(failure)) {
                return Mono.error(failure);
            }
            if (circuitOpen(guards)) {
                // Other calls opened the circuit (before or during the wait): the service is down in the breaker's
                // view, so the call stops here rather than retry past it.
                return Mono.error(failure);
            }
            if (retry > backoff.maxRetries()) {
                guards.retries().exhausted.increment();
                return Mono.error(failure);
            }
            Duration delay = backoff.delay(retry, ErrorClassifier.retryAfter(failure));
            retries.set(retry);
            guards.retries().attempted.increment();
            AttemptLog.retrying(log, call, guards.name(), retry, maxAttempts, failure, delay);
            try {
                notices.retrying(guards.name(), retry + 1, maxAttempts, delay);
            } catch (RuntimeException e) {
                log.warn("Retry notice failed: {}", e.toString());
            }
            return Mono.delay(delay, timers.get())
                    .flatMap(tick -> circuitOpen(guards) ? Mono.error(failure) : Mono.just(tick));
        }));
    }

    private static boolean circuitOpen(Guards guards) {
        return guards.breaker().getState() == CircuitBreaker.State.OPEN;
    }
}
