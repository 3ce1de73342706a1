package dev.enrich.client;

/** Signal a 403 answer: the credentials lack the role the call needs (such as ADMIN). */
public class ForbiddenException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 403. */
    public ForbiddenException(Problem problem) {
        super(problem);
    }
}
