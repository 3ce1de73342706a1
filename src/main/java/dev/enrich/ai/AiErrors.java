package dev.enrich.ai;

import dev.enrich.ai.AiException.Kind;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.netty.http.client.PrematureCloseException;

/** Classify failed provider calls into {@link AiException}s whose messages are safe to log. */
final class AiErrors {

    /** Statuses after which a later attempt may succeed; every other non-2xx status is permanent. */
    private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

    /** Statuses that say the API key itself was refused. */
    private static final Set<Integer> KEY_REJECTED_STATUSES = Set.of(401, 403);

    private static final int MAX_DETAIL = 200;

    private AiErrors() {}

    /** Return the exception for a non-2xx answer. */
    static AiException fromStatus(String operation, int status, @Nullable String retryAfterHeader,
            @Nullable String detail, String apiKey, Instant now) {
        Kind kind = TRANSIENT_STATUSES.contains(status) ? Kind.TRANSIENT
                : KEY_REJECTED_STATUSES.contains(status) ? Kind.KEY_REJECTED : Kind.PERMANENT;
        Duration retryAfter = kind == Kind.TRANSIENT ? retryAfter(retryAfterHeader, now) : null;
        String message = operation + " failed: HTTP " + status
                + (retryAfter != null ? " (retry after " + retryAfter.toMillis() + " ms)" : "")
                + (detail == null || detail.isBlank() ? "" : ": " + safe(detail, apiKey));
        return new AiException(kind, message, retryAfter, null);
    }

    /** Return the exception for a 2xx answer whose body could not be understood. */
    static AiException malformed(String operation, String what, @Nullable Throwable cause) {
        // The cause of a parse error may quote the body; keep only its type.
        String reason = cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")";
        return new AiException(Kind.PERMANENT, operation + " failed: malformed reply, " + what + reason, null, null);
    }

    /** Return the exception for a call refused before it was sent. */
    static AiException refused(String operation, String reason) {
        return new AiException(Kind.PERMANENT, operation + " refused: " + reason, null, null);
    }

    /** Map any failure of a call to an {@link AiException}, keeping those already classified. */
    static AiException fromFailure(String operation, Throwable error, String apiKey) {
        if (error instanceof AiException ai) {
            return ai;
        }
        Kind kind = isTransportFailure(error) ? Kind.TRANSIENT : Kind.PERMANENT;
        String message = operation + " failed: " + describe(error, apiKey);
        return new AiException(kind, message, null, kind == Kind.TRANSIENT ? null : error, isTimeout(root(error)));
    }

    /**
     * Parse a Retry-After value: delta seconds or an HTTP-date (RFC 9110). Return null when absent or unreadable; a
     * date in the past gives zero.
     */
    static @Nullable Duration retryAfter(@Nullable String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static boolean isTransportFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WebClientRequestException || t instanceof PrematureCloseException
                    || t instanceof ReadTimeoutException || t instanceof WriteTimeoutException
                    || t instanceof ConnectTimeoutException || t instanceof TimeoutException
                    || t instanceof IOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Throwable root(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static boolean isTimeout(Throwable root) {
        return root instanceof ReadTimeoutException || root instanceof TimeoutException;
    }

    private static String describe(Throwable error, String apiKey) {
        Throwable root = root(error);
        String text = root.getClass().getSimpleName();
        if (isTimeout(root)) {
            return "timed out (" + text + ")";
        }
        String message = root.getMessage();
        return message == null ? text : text + ": " + safe(message, apiKey);
    }

    /** Return {@code text} cut to a log-friendly length, on one line, with the key removed. */
    static String safe(String text, String apiKey) {
        String clean = apiKey.isEmpty() ? text : text.replace(apiKey, "<redacted>");
        clean = clean.replaceAll("\\s+", " ").trim();
        return clean.length() <= MAX_DETAIL ? clean : clean.substring(0, MAX_DETAIL) + "...";
    }
}
