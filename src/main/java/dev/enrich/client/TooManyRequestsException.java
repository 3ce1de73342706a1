package dev.enrich.client;

/**
 * Signal a 429 answer: over one of the account's limits (request rate, queued jobs, open streams); usually with Retry-
 * After.
 */
public class TooManyRequestsException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 429. */
    public TooManyRequestsException(Problem problem) {
        super(problem);
    }
}
