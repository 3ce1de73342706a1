package dev.enrich.client;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Carry an error answer of the service: its status and RFC 9457 {@code application/problem+json} body, and the
 * {@code Retry-After} header when it had one.
 *
 * @param status the HTTP status, e.g. 404
 * @param title the short summary of the status, e.g. "Not Found"
 * @param detail the friendly explanation for people, e.g. "We couldn't find that job."
 * @param type a URI naming the kind of problem ({@code about:blank} when it is just the status)
 * @param instance the request path the problem occurred on, when the service said
 * @param retryAfter how long the service asked to wait before trying again, when it did
 */
public record Problem(
        int status, String title, String detail, URI type, @Nullable String instance, @Nullable Duration retryAfter) {

    /** Return the wait the service asked for, if any. */
    public Optional<Duration> retryAfterDuration() {
        return Optional.ofNullable(retryAfter);
    }
}
