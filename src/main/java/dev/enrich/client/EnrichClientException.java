package dev.enrich.client;

/**
 * Signal that a call of the Enrich service failed in the client: the service could not be reached, its answer could
 * not be read, or an event stream could not be resumed. Error answers of the service are {@link EnrichApiException}s.
 */
public class EnrichClientException extends RuntimeException {

    /** Fail with {@code message} and the {@code cause}, if any. */
    public EnrichClientException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Fail with {@code message}. */
    public EnrichClientException(String message) {
        super(message);
    }
}
