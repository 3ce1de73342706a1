package dev.enrich.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Exceptions;

class ErrorClassifierTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                row(ai(AiException.Kind.TRANSIENT), ErrorClass.TRANSIENT),
                row(ai(AiException.Kind.PERMANENT), ErrorClass.PERMANENT),
                row(ai(AiException.Kind.BUDGET_EXHAUSTED), ErrorClass.PERMANENT),
                row(new TimeoutException("slow"), ErrorClass.TRANSIENT),
                row(TimeLimiter.createdTimeoutExceptionWithName("x", null),
                        ErrorClass.TRANSIENT),
                row(ReadTimeoutException.INSTANCE, ErrorClass.TRANSIENT),
                row(new ConnectException("Connection refused"), ErrorClass.TRANSIENT),
                row(new SocketException("Connection reset"), ErrorClass.TRANSIENT),
                row(new IOException("recvAddress(..) failed: Connection reset by peer"), ErrorClass.TRANSIENT),
                row(new WebClientRequestException(new ConnectException("refused"), HttpMethod.POST,
                        URI.create("http://127.0.0.1:1/v1"), HttpHeaders.EMPTY), ErrorClass.TRANSIENT),
                row(http(429), ErrorClass.TRANSIENT),
                row(http(502), ErrorClass.TRANSIENT),
                row(http(503), ErrorClass.TRANSIENT),
                row(http(504), ErrorClass.TRANSIENT),
                row(http(400), ErrorClass.PERMANENT),
                row(http(401), ErrorClass.PERMANENT),
                row(http(403), ErrorClass.PERMANENT),
                row(http(415), ErrorClass.PERMANENT),
                row(BulkheadFullException.createBulkheadFullException(Bulkhead.ofDefaults("x")),
                        ErrorClass.TRANSIENT),
                row(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x")),
                        ErrorClass.PERMANENT),
                row(new UnsupportedAudioFileException("not a WAV"), ErrorClass.PERMANENT),
                row(new FileNotFoundException("gone.wav"), ErrorClass.PERMANENT),
                row(new IllegalStateException("who knows"), ErrorClass.PERMANENT),
                row(new IllegalStateException("503 Service Unavailable"), ErrorClass.TRANSIENT),
                row(new RuntimeException("wrapped", new TimeoutException()), ErrorClass.TRANSIENT),
                row(new UncheckedIOException(new SocketException("Broken pipe")), ErrorClass.TRANSIENT),
                row(Exceptions.propagate(new TimeoutException()), ErrorClass.TRANSIENT));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("failures")
    void classifiesEachKindOfFailure(Throwable error, ErrorClass expected) {
        assertThat(ErrorClassifier.classify(error)).isEqualTo(expected);
        assertThat(ErrorClassifier.isTransient(error)).isEqualTo(expected == ErrorClass.TRANSIENT);
    }

    @Test
    void recognisesExhaustedBudgetsAndOpenCircuits() {
        assertThat(ErrorClassifier.isBudgetExhausted(ai(AiException.Kind.BUDGET_EXHAUSTED))).isTrue();
        assertThat(ErrorClassifier.isBudgetExhausted(ai(AiException.Kind.PERMANENT))).isFalse();
        assertThat(ErrorClassifier.isCircuitOpen(
                CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x")))).isTrue();
    }

    @Test
    void anAiCallIsATimeoutByWhatHappenedNotByItsWording() {
        assertThat(ErrorClassifier.isTimeout(new AiException(AiException.Kind.TRANSIENT, "chat failed: timed out",
                null, null, true))).isTrue();
        // A provider's 503 whose body says "upstream timed out" got an answer in time.
        assertThat(ErrorClassifier.isTimeout(new AiException(AiException.Kind.TRANSIENT,
                "chat failed: HTTP 503: upstream timed out", null, null))).isFalse();
        assertThat(ErrorClassifier.isTimeout(new IOException("read", ReadTimeoutException.INSTANCE))).isTrue();
    }

    @Test
    void readsRetryAfterFromAiExceptionsAndHttpErrors() {
        assertThat(ErrorClassifier.retryAfter(new AiException(AiException.Kind.TRANSIENT, "429", Duration.ofSeconds(7),
                null))).contains(Duration.ofSeconds(7));
        HttpHeaders headers = new HttpHeaders();
        headers.add("Retry-After", "3");
        assertThat(ErrorClassifier.retryAfter(WebClientResponseException.create(429, "Too Many Requests", headers,
                new byte[0], StandardCharsets.UTF_8))).contains(Duration.ofSeconds(3));
        assertThat(ErrorClassifier.retryAfter(http(503))).isEmpty();
    }

    private static Arguments row(Throwable error, ErrorClass expected) {
        return Arguments.of(error, expected);
    }

    private static AiException ai(AiException.Kind kind) {
        return new AiException(kind, "chat failed", null, null);
    }

    private static WebClientResponseException http(int status) {
        return WebClientResponseException.create(status, "status " + status, HttpHeaders.EMPTY, new byte[0],
                StandardCharsets.UTF_8);
    }
}
