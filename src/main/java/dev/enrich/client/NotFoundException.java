package dev.enrich.client;

/** Signal a 404 answer: no such session, job or batch for these credentials (another tenant's ids answer 404 too). */
public class NotFoundException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 404. */
    public NotFoundException(Problem problem) {
        super(problem);
    }
}
