package dev.enrich.client;

/**
 * Signal a 422 answer: content the service cannot use (such as an empty media file), or an Idempotency-Key reused for
 * another request.
 */
public class UnprocessableException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 422. */
    public UnprocessableException(Problem problem) {
        super(problem);
    }
}
