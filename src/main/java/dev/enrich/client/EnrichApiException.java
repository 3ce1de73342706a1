package dev.enrich.client;

import java.time.Duration;
import java.util.Optional;

/**
 * Signal an error answer of the service (a status of 400 or more), with its {@link Problem}: status, title, friendly
 * detail and {@code Retry-After}. The statuses the API documents have their own subclasses; others are this class.
 */
public class EnrichApiException extends EnrichClientException {

    private final Problem problem;

    /** Signal {@code problem}. */
    public EnrichApiException(Problem problem) {
        super(problem.status() + " " + problem.title() + ": " + problem.detail());
        this.problem = problem;
    }

    /** Return the whole answer. */
    public Problem problem() {
        return problem;
    }

    /** Return the HTTP status. */
    public int status() {
        return problem.status();
    }

    /** Return the status's short summary, e.g. "Not Found". */
    public String title() {
        return problem.title();
    }

    /** Return the friendly explanation, meant to be shown to people. */
    public String detail() {
        return problem.detail();
    }

    /** Return how long the service asked to wait before trying again, if it did. */
    public Optional<Duration> retryAfter() {
        return problem.retryAfterDuration();
    }
}
