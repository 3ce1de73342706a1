package dev.enrich.client;

/**
 * Signal a 409 answer: the call does not fit the job's state (cancelling a finished job, retrying a running one), or a
 * submission with the same Idempotency-Key is still running (then with Retry-After).
 */
public class ConflictException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 409. */
    public ConflictException(Problem problem) {
        super(problem);
    }
}
