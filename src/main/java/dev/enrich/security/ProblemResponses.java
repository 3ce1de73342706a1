package dev.enrich.security;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Write RFC 9457 problem+json from web filters (the security chain and the rate limiter run before any controller,
 * so the controllers' problem handler cannot answer for them). A Spring {@link ProblemDetail} written by the
 * application's own JSON codec (the context's JSON mapper), so the body has the handler's shape.
 */
public final class ProblemResponses {

    private static final ResolvableType PROBLEM = ResolvableType.forClass(ProblemDetail.class);
    private static final URI ABOUT_BLANK = URI.create("about:blank");

    private final HttpMessageWriter<ProblemDetail> writer;

    /** Write with the first of {@code codecs}' writers that can write a problem as problem+json. */
    @SuppressWarnings("unchecked")
    public ProblemResponses(ServerCodecConfigurer codecs) {
        this.writer = codecs.getWriters().stream()
                .filter(w -> w.canWrite(PROBLEM, MediaType.APPLICATION_PROBLEM_JSON))
                .findFirst()
                .map(w -> (HttpMessageWriter<ProblemDetail>) w)
                .orElseThrow(() -> new IllegalStateException("No codec writes application/problem+json"));
    }

    /** Answer {@code status} with a friendly {@code detail}; add {@code Retry-After} when given. */
    public Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String detail,
            @Nullable Duration retryAfter) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        if (retryAfter != null) {
            headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(ABOUT_BLANK);
        problem.setInstance(URI.create(exchange.getRequest().getPath().value())); // the path only: no query, no ticket
        return writer.write(Mono.just(problem), PROBLEM, MediaType.APPLICATION_PROBLEM_JSON, response, Map.of());
    }
}
