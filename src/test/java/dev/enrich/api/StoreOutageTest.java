package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.EnrichProperties;
import dev.enrich.security.ProblemResponses;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.Exceptions;
import reactor.test.StepVerifier;

/**
 * Redis that cannot be reached or does not answer in time is 503 with Retry-After and a friendly detail, whether
 * Lettuce's exception arrives raw, translated by Spring Data or wrapped, in a controller or a web filter; any other
 * Redis error stays a 500.
 */
class StoreOutageTest {

    private static final LettuceExceptionConverter SPRING = new LettuceExceptionConverter();

    private static final EnrichProperties PROPS = new Binder(new MapConfigurationPropertySource(
            Map.of("enrich.pool.retry-after", "7s"))).bindOrCreate("enrich", EnrichProperties.class);

    private final ProblemHandler handler = new ProblemHandler(PROPS);
    private final StoreOutageExceptionHandler filters = new StoreOutageExceptionHandler(
            new ProblemResponses(ServerCodecConfigurer.create()), PROPS);

    static Exception[] outages() {
        RedisCommandTimeoutException timeout = new RedisCommandTimeoutException("Command timed out after 3 second(s)");
        RedisConnectionException refused = new RedisConnectionException("Unable to connect to 127.0.0.1:6379");
        return new Exception[] {timeout, refused, SPRING.convert(timeout), SPRING.convert(refused),
                new RedisConnectionFailureException("Unable to connect to Redis", refused),
                new QueryTimeoutException("Redis command timed out", timeout),
                new RedisSystemException("Redis exception", timeout),
                new RedisSystemException("Redis exception", refused),
                (Exception) Exceptions.propagate(SPRING.convert(timeout))};
    }

    private static Exception[] otherFailures() {
        RedisCommandExecutionException wrongType = new RedisCommandExecutionException(
                "WRONGTYPE Operation against a key holding the wrong kind of value");
        return new Exception[] {wrongType, SPRING.convert(wrongType), new RedisException("Connection closed"),
                new IllegalStateException("bug")};
    }

    @ParameterizedTest
    @MethodSource("outages")
    void anUnreachableOrHungRedisIsServiceUnavailableWithRetryAfter(Exception failure) {
        ResponseEntity<ProblemDetail> answer = handler.unexpected(failure);

        assertThat(StoreOutage.is(failure)).isTrue();
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getBody()).isNotNull().satisfies(problem -> {
            assertThat(problem.getStatus()).isEqualTo(503);
            assertThat(problem.getTitle()).isEqualTo("Service Unavailable");
            assertThat(problem.getDetail()).isEqualTo("Enrich is temporarily unavailable. Please retry shortly.");
        });
    }

    @ParameterizedTest
    @MethodSource("outages")
    void anOutageInAWebFilterIsAnsweredTheSameWay(Exception failure) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/sessions"));

        filters.handle(exchange, failure).block(Duration.ofSeconds(5));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
        assertThat(exchange.getResponse().getHeaders().getContentType())
                .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5))).isEqualTo("{\"detail\":"
                + "\"Enrich is temporarily unavailable. Please retry shortly.\",\"instance\":\"/api/v1/sessions\","
                + "\"status\":503,\"title\":\"Service Unavailable\",\"type\":\"about:blank\"}");
    }

    @Test
    void otherFailuresStayInternalErrorsWithoutRetryAfter() {
        for (Exception failure : otherFailures()) {
            ResponseEntity<ProblemDetail> answer = handler.unexpected(failure);
            assertThat(StoreOutage.is(failure)).as("%s", failure).isFalse();
            assertThat(answer.getStatusCode()).as("%s", failure).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
            assertThat(answer.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).as("%s", failure).isFalse();
            StepVerifier.create(filters.handle(MockServerWebExchange.from(MockServerHttpRequest.get("/")), failure))
                    .expectErrorMatches(passedOn -> passedOn == failure).verify(Duration.ofSeconds(5));
        }
    }
}
