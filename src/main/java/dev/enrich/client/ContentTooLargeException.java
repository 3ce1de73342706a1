package dev.enrich.client;

/** Signal a 413 answer: an upload over the service's size limits or the account's storage share. */
public class ContentTooLargeException extends EnrichApiException {

    /** Signal {@code problem}, whose status is 413. */
    public ContentTooLargeException(Problem problem) {
        super(problem);
    }
}
