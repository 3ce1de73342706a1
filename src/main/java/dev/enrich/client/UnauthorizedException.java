package dev.enrich.client;

/** Signal a 401 answer: no credentials, or credentials the service does not accept. */
public class UnauthorizedException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 401. */
    public UnauthorizedException(Problem problem) {
        super(problem);
    }
}
