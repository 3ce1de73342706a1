package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.engine.EnrichException;
import dev.enrich.session.MediaQuotaException;
import dev.enrich.session.MediaTooLargeException;
import dev.enrich.session.StorageLimitException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/**
 * Answer every error as RFC 9457 {@code application/problem+json} with a short friendly {@code detail}; framework
 * errors (malformed JSON, wrong method, ...) come through the base class with the same body shape. A store that is
 * unreachable or hung (Redis) answers 503 with {@code Retry-After: enrich.pool.retry-after}.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final Duration retryAfter;

    ProblemHandler(EnrichProperties props) {
        this.retryAfter = props.pool().retryAfter();
    }

    @ExceptionHandler(EnrichException.class)
    ResponseEntity<ProblemDetail> enrich(EnrichException e) {
        HttpStatus status = switch (e.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case INVALID -> HttpStatus.BAD_REQUEST;
            case CONFLICT -> HttpStatus.CONFLICT;
            case BUSY -> HttpStatus.SERVICE_UNAVAILABLE;
            case TOO_MANY -> HttpStatus.TOO_MANY_REQUESTS;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNSUPPORTED -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
        return problem(status, e.getMessage(), e.retryAfter());
    }

    /** A full share of storage: the caller's own (429), or the whole service's (507, Insufficient Storage). */
    @ExceptionHandler(StorageLimitException.class)
    ResponseEntity<ProblemDetail> storageFull(StorageLimitException e) {
        if (e.scope() == StorageLimitException.Scope.SERVICE) {
            return problem(HttpStatus.INSUFFICIENT_STORAGE, "Enrich can't store more " + e.what()
                    + " right now. Please try again later.", null);
        }
        String detail = e.what().equals("jobs")
                ? "You have a lot of enrichments in progress already. Please try again when some have finished."
                : "You have stored as many " + e.what() + " as Enrich keeps for one account.";
        return problem(HttpStatus.TOO_MANY_REQUESTS, detail, null);
    }

    @ExceptionHandler(MediaQuotaException.class)
    ResponseEntity<ProblemDetail> quotaFull(MediaQuotaException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Your account's storage is full (" + readable(e.cap())
                + "). Delete some sessions to make room, then upload again.", null);
    }

    // Whole units, as a person would say it: "20 GB", "512 MB".
    private static String readable(long bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB"};
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return Math.round(value) + " " + units[unit];
    }

    @ExceptionHandler({MediaTooLargeException.class, DataBufferLimitException.class})
    ResponseEntity<ProblemDetail> tooLarge(RuntimeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "That upload is too large.", null);
    }

    /** A multipart body the parser refused: too many parts is too large (413), anything else is malformed (400). */
    @ExceptionHandler(DecodingException.class)
    ResponseEntity<ProblemDetail> undecodable(DecodingException e) {
        String message = String.valueOf(e.getMessage());
        if (e.getMostSpecificCause() instanceof DataBufferLimitException) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "That upload is too large.", null);
        }
        if (message.startsWith("Too many parts")) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "That upload has too many parts.", null);
        }
        return problem(HttpStatus.BAD_REQUEST, "We couldn't read that request. Please check its format.", null);
    }

    /** Replace the framework's technical details (class names, parser messages) with friendly ones. */
    @Override
    protected Mono<ResponseEntity<Object>> handleExceptionInternal(Exception ex, @Nullable Object body,
            @Nullable HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        if (ex instanceof ServerWebInputException input
                && input.getMostSpecificCause() instanceof DataBufferLimitException) {
            return Mono.just(ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(body(HttpStatus.CONTENT_TOO_LARGE, "That request is too large.")));
        }
        ProblemDetail problem = body instanceof ProblemDetail p ? p : ProblemDetail.forStatus(status);
        problem.setDetail(FrameworkErrors.detail(ex, problem.getDetail()));
        return super.handleExceptionInternal(ex, problem, headers, status, exchange);
    }

    /** An unreachable or hung store, whatever wraps it, is 503 with Retry-After; anything else is a 500. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (StoreOutage.is(e)) {
            log.warn("store unavailable, answering 503: {}", e.toString());
            return problem(HttpStatus.SERVICE_UNAVAILABLE, StoreOutage.DETAIL, retryAfter);
        }
        log.error("unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again.", null);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail,
            @Nullable Duration retryAfter) {
        // Explicit, so errors on SSE endpoints are problem+json too, whatever the client accepts.
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            builder.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())));
        }
        return builder.body(body(status, detail));
    }

    private static ProblemDetail body(HttpStatus status, String detail) {
        return ProblemDetail.forStatusAndDetail(status, detail);
    }
}
