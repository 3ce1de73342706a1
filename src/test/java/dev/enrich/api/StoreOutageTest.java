package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.EnrichProperties;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.util.Map;
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
import reactor.core.Exceptions;

/**
 * Redis that cannot be reached or does not answer in time is 503 with Retry-After and a friendly detail, whether
 * Lettuce's exception arrives raw, translated by Spring Data or wrapped; any other Redis error stays a 500.
 */
class StoreOutageTest {

    private static final LettuceExceptionConverter SPRING = new LettuceExceptionConverter();

    private final ProblemHandler handler = new ProblemHandler(new Binder(new MapConfigurationPropertySource(
            Map.of("enrich.pool.retry-after", "7s"))).bindOrCreate("enrich", EnrichProperties.class));

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

    static Exception[] otherFailures() {
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
    @MethodSource("otherFailures")
    void otherFailuresStayInternalErrorsWithoutRetryAfter(Exception failure) {
        ResponseEntity<ProblemDetail> answer = handler.unexpected(failure);

        assertThat(StoreOutage.is(failure)).isFalse();
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(answer.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    }
}
