package dev.enrich.engine;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Signal a request the engine turned down, with a friendly detail for the caller. The API maps {@link Kind} to an
 * HTTP status and an RFC 9457 problem.
 */
public final class EnrichException extends RuntimeException {

    /** Say why a request was turned down. */
    public enum Kind {
        NOT_FOUND,
        INVALID,
        CONFLICT,
        BUSY,
        /** The caller is over one of its limits (429); waiting helps. */
        TOO_MANY,
        /** The content is larger than allowed (413). */
        TOO_LARGE,
        /** A media format we don't take (415). */
        UNSUPPORTED,
        /** Content we can't use, such as an empty file (422). */
        UNPROCESSABLE
    }

    private final Kind kind;
    private final @Nullable Duration retryAfter;

    public EnrichException(Kind kind, String detail) {
        this(kind, detail, null);
    }

    public EnrichException(Kind kind, String detail, @Nullable Duration retryAfter) {
        super(detail, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    /** Return why the request was turned down. */
    public Kind kind() {
        return kind;
    }

    /** Return how long the caller should wait before trying again, for BUSY. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    static EnrichException notFound(String what) {
        return new EnrichException(Kind.NOT_FOUND, "We couldn't find that " + what + ".");
    }
}
