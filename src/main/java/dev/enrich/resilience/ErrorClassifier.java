package dev.enrich.resilience;

import dev.enrich.ai.AiException;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Exceptions;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Classify any failure as {@link ErrorClass#TRANSIENT} or {@link ErrorClass#PERMANENT}: the one place that decides
 * what is retried.
 *
 * <p>{@link AiException}s keep their kind ({@code BUDGET_EXHAUSTED} and {@code KEY_REJECTED} are permanent). Timeouts (JDK, Netty, the
 * resilience4j time limiter), refused or reset connections, premature closes, a full bulkhead and HTTP
 * 408/429/500/502/503/504 are transient; 400/401/403/404/415 and everything else are permanent, unknown errors
 * included. An open circuit ({@link CallNotPermittedException}) is permanent for the call that met it: it fails fast
 * and is never retried. The cause chain is searched, nearest first.
 */
public final class ErrorClassifier {

    private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);
    private static final int MAX_DEPTH = 16;

    private ErrorClassifier() {}

    /** Return the class of {@code error}. */
    public static ErrorClass classify(Throwable error) {
        int depth = 0;
        for (@Nullable Throwable t = Exceptions.unwrap(error); t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            ErrorClass known = direct(t);
            if (known != null) {
                return known;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return ErrorClass.PERMANENT;
    }

    /** Return true when a retry of the call that failed with {@code error} may succeed. */
    public static boolean isTransient(Throwable error) {
        return classify(error) == ErrorClass.TRANSIENT;
    }

    /** Return true when {@code error} says the tenant's AI budget is used up. */
    public static boolean isBudgetExhausted(Throwable error) {
        return Exceptions.unwrap(error) instanceof AiException ai && ai.kind() == AiException.Kind.BUDGET_EXHAUSTED;
    }

    /** Return true when a timeout (JDK, Netty, socket, or a provider call past its time limit) caused {@code error}. */
    public static boolean isTimeout(Throwable error) {
        int depth = 0;
        for (@Nullable Throwable t = Exceptions.unwrap(error); t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof TimeoutException || t instanceof ReadTimeoutException || t instanceof WriteTimeoutException
                    || t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException
                    || (t instanceof AiException ai && ai.timedOut())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Return true when {@code error} says the provider refused the AI key (401/403). */
    public static boolean isKeyRejected(Throwable error) {
        return Exceptions.unwrap(error) instanceof AiException ai && ai.kind() == AiException.Kind.KEY_REJECTED;
    }

    /** Return true when {@code error} is a call refused by an open circuit. */
    public static boolean isCircuitOpen(Throwable error) {
        return Exceptions.unwrap(error) instanceof CallNotPermittedException;
    }

    /** Return how long the service asked us to wait, when it said so. */
    public static Optional<Duration> retryAfter(Throwable error) {
        Throwable t = Exceptions.unwrap(error);
        if (t instanceof AiException ai) {
            return Optional.ofNullable(ai.retryAfter());
        }
        if (t instanceof WebClientResponseException http) {
            String header = http.getHeaders().getFirst("Retry-After");
            if (header != null && header.trim().matches("\\d{1,9}")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())));
            }
        }
        return Optional.empty();
    }

    private static @Nullable ErrorClass direct(Throwable t) {
        if (t instanceof AiException ai) {
            return ai.kind() == AiException.Kind.TRANSIENT ? ErrorClass.TRANSIENT : ErrorClass.PERMANENT;
        }
        if (t instanceof CallNotPermittedException) {
            return ErrorClass.PERMANENT;
        }
        if (t instanceof WebClientResponseException http) {
            return TRANSIENT_STATUSES.contains(http.getStatusCode().value()) ? ErrorClass.TRANSIENT
                    : ErrorClass.PERMANENT;
        }
        if (t instanceof TimeoutException || t instanceof ReadTimeoutException || t instanceof WriteTimeoutException
                || t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException
                || t instanceof BulkheadFullException || t instanceof PrematureCloseException
                || t instanceof SocketException || t instanceof ClosedChannelException
                || t instanceof UnknownHostException || t instanceof WebClientRequestException) {
            return ErrorClass.TRANSIENT;
        }
        if (t instanceof IOException && isConnectionTrouble(t.getMessage())) {
            // e.g. Netty's native "recvAddress(..) failed: Connection reset by peer"
            return ErrorClass.TRANSIENT;
        }
        String message = t.getMessage();
        if (message != null && message.toLowerCase(Locale.ROOT).contains("service unavailable")) {
            return ErrorClass.TRANSIENT;
        }
        return null;
    }

    private static boolean isConnectionTrouble(@Nullable String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("connection reset") || m.contains("broken pipe") || m.contains("connection refused")
                || m.contains("connection closed");
    }
}
