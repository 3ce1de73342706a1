package dev.enrich.ai;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Signal a failed AI call, classified for the resilience layer: TRANSIENT (a retry may help: timeouts, resets, 429,
 * 502/503/504), PERMANENT (bad request, malformed reply), BUDGET_EXHAUSTED, KEY_REJECTED (401/403). Its message is for logs only.
 */
public class AiException extends RuntimeException {

    /** Say whether a retry could help. */
    public enum Kind {
        TRANSIENT,
        PERMANENT,
        /** The tenant's AI budget is used up: do not call again; use the local path. */
        BUDGET_EXHAUSTED,
        /** The provider refused the API key (401/403): permanent until an operator fixes the setup. */
        KEY_REJECTED
    }

    private final Kind kind;
    private final @Nullable Duration retryAfter;
    private final boolean timedOut;

    public AiException(Kind kind, String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
        this(kind, message, retryAfter, cause, false);
    }

    /**
     * Create the exception; {@code timedOut} says the call got no answer in time (its cause may be left out, as the
     * message says it all for the logs).
     */
    public AiException(Kind kind, String message, @Nullable Duration retryAfter, @Nullable Throwable cause,
            boolean timedOut) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.timedOut = timedOut;
    }

    /** Return true when the call got no answer in time. */
    public boolean timedOut() {
        return timedOut;
    }

    /** Return the classification. */
    public Kind kind() {
        return kind;
    }

    /** Return the provider's Retry-After, if it sent one. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
