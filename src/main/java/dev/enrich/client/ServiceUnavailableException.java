package dev.enrich.client;

/** Signal a 503 answer: the service is busy (full queue), restarting or cannot reach its store; with Retry-After. */
public class ServiceUnavailableException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 503. */
    public ServiceUnavailableException(Problem problem) {
        super(problem);
    }
}
