package dev.enrich.client.internal;

import dev.enrich.client.BadRequestException;
import dev.enrich.client.ConflictException;
import dev.enrich.client.ContentTooLargeException;
import dev.enrich.client.EnrichApiException;
import dev.enrich.client.ForbiddenException;
import dev.enrich.client.NotFoundException;
import dev.enrich.client.Problem;
import dev.enrich.client.ServiceUnavailableException;
import dev.enrich.client.TooManyRequestsException;
import dev.enrich.client.UnauthorizedException;
import dev.enrich.client.UnprocessableException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import reactor.core.publisher.Mono;

/** Turn an error answer (RFC 9457 problem+json, or anything else) into the typed exception of its status. */
final class Problems {

    private static final URI BLANK = URI.create("about:blank");

    private Problems() {}

    /** Read an error answer and return its exception; the body is consumed (an unreadable one is ignored). */
    static Mono<EnrichApiException> of(ClientResponse response) {
        int status = response.statusCode().value();
        Duration retryAfter = retryAfter(response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER),
                Clock.systemUTC());
        return response.bodyToMono(byte[].class)
                .map(bytes -> body(bytes))
                .onErrorResume(e -> Mono.empty())
                .defaultIfEmpty(new Body(null, null, null, null))
                .map(body -> exception(new Problem(status, orElse(body.title(), reason(status)),
                        orElse(body.detail(), reason(status) + "."), type(body.type()), body.instance(), retryAfter)));
    }

    /** Return the exception class the API uses for {@code problem}'s status. */
    static EnrichApiException exception(Problem problem) {
        return switch (problem.status()) {
            case 400 -> new BadRequestException(problem);
            case 401 -> new UnauthorizedException(problem);
            case 403 -> new ForbiddenException(problem);
            case 404 -> new NotFoundException(problem);
            case 409 -> new ConflictException(problem);
            case 413 -> new ContentTooLargeException(problem);
            case 422 -> new UnprocessableException(problem);
            case 429 -> new TooManyRequestsException(problem);
            case 503 -> new ServiceUnavailableException(problem);
            default -> new EnrichApiException(problem);
        };
    }

    /** Parse a Retry-After value: delay-seconds or an HTTP date; null when absent or unreadable. */
    static @Nullable Duration retryAfter(@Nullable String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(),
                        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static Body body(byte[] bytes) {
        try {
            return bytes.length == 0 ? new Body(null, null, null, null) : Json.read(bytes, Body.class);
        } catch (RuntimeException notJson) {
            return new Body(null, null, null, null);
        }
    }

    private static URI type(@Nullable String type) {
        try {
            return type == null ? BLANK : URI.create(type);
        } catch (IllegalArgumentException e) {
            return BLANK;
        }
    }

    private static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known != null ? known.getReasonPhrase() : "HTTP " + status;
    }

    private static String orElse(@Nullable String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The fields of a problem+json body the client reads. */
    record Body(@Nullable String type, @Nullable String title, @Nullable String detail, @Nullable String instance) {}
}
