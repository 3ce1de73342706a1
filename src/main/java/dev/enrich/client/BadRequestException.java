package dev.enrich.client;

/** Signal a 400 answer: the request was malformed or asked for something invalid (see the detail). */
public class BadRequestException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 400. */
    public BadRequestException(Problem problem) {
        super(problem);
    }
}
