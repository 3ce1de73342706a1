package dev.enrich.engine;

import dev.enrich.ai.AiCall;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.job.JobRepository;
import dev.enrich.resilience.RetryListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Tell a job's watchers that a call is being retried: a {@code retrying} event with a short friendly message. */
final class RetryEvents implements RetryListener {

    private final JobRepository jobs;
    private final EventPublisher events;
    private final Clock clock;

    RetryEvents(JobRepository jobs, EventPublisher events, Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void retrying(AiCall call, String dependency, int attempt, int maxAttempts, Duration delay) {
        long seconds = Math.max(1, Math.round(delay.toMillis() / 1000.0));
        String message = message(delay);
        jobs.findById(call.jobId())
                .filter(job -> !job.state().isTerminal())
                .subscribe(job -> events.publish(EventPublisher.jobEvent(EventType.RETRYING,
                        job.withProgress(job.progress(), job.etaSeconds(), message), call.stage(),
                        Map.of("attempt", attempt, "maxAttempts", maxAttempts, "delaySeconds", seconds),
                        clock.instant())));
    }

    /** Return the message shown while waiting, for tests. */
    static String message(Duration delay) {
        return "Couldn't reach the AI service. Retrying in " + Math.max(1, Math.round(delay.toMillis() / 1000.0))
                + "s...";
    }
}
