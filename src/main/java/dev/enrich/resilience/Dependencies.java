package dev.enrich.resilience;

import dev.enrich.config.ResilienceProperties;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Comparator;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keep the guards of every external dependency (a circuit breaker, a bulkhead, a time limiter and retry counts per
 * name, made on first use) and report their status.
 *
 * <p>Breakers count only {@linkplain ErrorClassifier#isTransient transient} failures: a permanent error (a bad
 * request) means the service answered, and an exhausted budget or a full bulkhead says nothing about the service, so
 * those are ignored, as is a rejected key (an operator must fix the setup; see {@link #keyRejected()}). Metrics: resilience4j's {@code resilience4j.circuitbreaker.*}, {@code resilience4j.bulkhead.*}
 * and {@code resilience4j.timelimiter.*} (tag {@code name}), plus {@code enrich.resilience.retries} (tags
 * {@code dependency}, {@code outcome} = attempted | succeeded | exhausted).
 */
public final class Dependencies {

    /** The AI service's speech-to-text endpoint. */
    public static final String AI_TRANSCRIPTION = "ai-transcription";
    /** The AI service's chat endpoint (summaries, captions, canvas text). */
    public static final String AI_CHAT = "ai-chat";

    private final ResilienceProperties settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final BulkheadRegistry bulkheads;
    private final TimeLimiterRegistry timeLimiters;
    private final Map<String, Guards> guards = new ConcurrentHashMap<>();

    /** Create the guards' home; breakers read {@code clock} to time their open state. */
    public Dependencies(ResilienceProperties settings, MeterRegistry meters, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        // The bulkhead never waits: a reactive caller must not block for a permit.
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentCalls())
                .maxWaitDuration(java.time.Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
        this.timeLimiters = TimeLimiterRegistry.of(TimeLimiterConfig.custom()
                .timeoutDuration(settings.timeout())
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(timeLimiters).bindTo(meters);
    }

    /** Return the settings in force. */
    public ResilienceProperties settings() {
        return settings;
    }

    /** Return the circuit breaker of {@code dependency}, made on first use. */
    public CircuitBreaker breaker(String dependency) {
        return guards(dependency).breaker();
    }

    /** Return true when the last answer of some dependency was a rejected key (401/403), none accepted since. */
    public boolean keyRejected() {
        return guards.values().stream().anyMatch(g -> g.key().rejected());
    }

    /** Return how long calls are refused while some breaker is open (its wait in the open state); empty if none is. */
    public Optional<Duration> openWait() {
        return guards.values().stream().anyMatch(g -> g.breaker().getState() == CircuitBreaker.State.OPEN)
                ? Optional.of(settings.circuitBreaker().waitInOpen()) : Optional.empty();
    }

    /** Return the status of every dependency used so far, by name. */
    public ResilienceStatus status() {
        return new ResilienceStatus(guards.values().stream()
                .sorted(Comparator.comparing(Guards::name))
                .map(Dependencies::describe)
                .toList());
    }

    Guards guards(String dependency) {
        return guards.computeIfAbsent(dependency, this::create);
    }

    private Guards create(String name) {
        ConsecutiveFailures run = new ConsecutiveFailures(settings.circuitBreaker().consecutiveFailures(),
                settings.circuitBreaker().waitInOpen());
        CircuitBreaker breaker = breakers.circuitBreaker(name, breakerConfig(run));
        breaker.getEventPublisher().onStateTransition(event -> run.reset());
        RetryStats retries = new RetryStats();
        counter(name, "attempted", retries.attempted);
        counter(name, "succeeded", retries.succeeded);
        counter(name, "exhausted", retries.exhausted);
        return new Guards(name, breaker, bulkheads.bulkhead(name), timeLimiters.timeLimiter(name), retries,
                new KeyState(name));
    }

    private CircuitBreakerConfig breakerConfig(ConsecutiveFailures run) {
        ResilienceProperties.CircuitBreaker cb = settings.circuitBreaker();
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(cb.failureRateThreshold())
                .slidingWindow(cb.slidingWindowSize(), Math.min(cb.minimumCalls(), cb.slidingWindowSize()),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(cb.waitInOpen())
                .permittedNumberOfCallsInHalfOpenState(cb.halfOpenCalls())
                // Library safety net: a half-open breaker whose probes never report back reopens, then probes anew.
                .maxWaitDurationInHalfOpenState(cb.waitInOpen())
                .recordException(ErrorClassifier::isTransient)
                .ignoreException(e -> ErrorClassifier.isBudgetExhausted(e) || ErrorClassifier.isKeyRejected(e)
                        || e instanceof BulkheadFullException)
                .transitionOnResult(run)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
    }

    private void counter(String dependency, String outcome, LongAdder count) {
        FunctionCounter.builder("enrich.resilience.retries", count, LongAdder::doubleValue)
                .tag("dependency", dependency)
                .tag("outcome", outcome)
                .description("Retries of calls to an external dependency")
                .register(meters);
    }

    private static ResilienceStatus.Dependency describe(Guards g) {
        CircuitBreaker.Metrics m = g.breaker().getMetrics();
        float rate = m.getFailureRate();
        Bulkhead.Metrics b = g.bulkhead().getMetrics();
        return new ResilienceStatus.Dependency(g.name(), g.breaker().getState().name(),
                rate < 0 ? null : (double) rate, m.getNumberOfBufferedCalls(), m.getNumberOfFailedCalls(),
                m.getNumberOfNotPermittedCalls(), b.getMaxAllowedConcurrentCalls() - b.getAvailableConcurrentCalls(),
                g.retries().attempted.sum(), g.retries().succeeded.sum(), g.retries().exhausted.sum(),
                g.key().rejected());
    }
}
