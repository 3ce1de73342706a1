package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.security.ProblemResponses;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answer a store outage raised outside the controllers (web filters: authentication, tickets, rate limits) as the
 * controllers' {@link ProblemHandler} does: 503 problem+json with {@code Retry-After: enrich.pool.retry-after}.
 * Anything else goes on to Spring Boot's error handler.
 */
@Component
@Order(-2) // before Spring Boot's ErrorWebExceptionHandler (-1)
class StoreOutageExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(StoreOutageExceptionHandler.class);

    private final ProblemResponses problems;
    private final Duration retryAfter;

    StoreOutageExceptionHandler(ProblemResponses problems, EnrichProperties props) {
        this.problems = problems;
        this.retryAfter = props.pool().retryAfter();
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (!StoreOutage.is(ex)) {
            return Mono.error(ex);
        }
        log.warn("store unavailable, answering 503: {}", ex.toString());
        return problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, StoreOutage.DETAIL, retryAfter);
    }
}
