package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import tools.jackson.databind.json.JsonMapper;

/** Filters answer with the same problem+json body as before: type, title, status, detail and the bare path. */
class ProblemResponsesTest {

    private final ProblemResponses problems = new ProblemResponses(ServerCodecConfigurer.create());

    @Test
    void writesTheProblemWithItsPathOnlyAndRetryAfterInWholeSeconds() {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/api/v1/jobs/j-1/events?ticket=secret"));

        problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "Slow down, please.", Duration.ofMillis(1500))
                .block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        // The same members as the hand-built body had (the codec's mapper orders them alphabetically).
        assertThat(JsonMapper.shared().readValue(exchange.getResponse().getBodyAsString().block(), Map.class))
                .isEqualTo(Map.of("type", "about:blank", "title", "Too Many Requests", "status", 429,
                        "detail", "Slow down, please.", "instance", "/api/v1/jobs/j-1/events"));
    }

    @Test
    void aCommittedResponseIsLeftAlone() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pool"));
        exchange.getResponse().setComplete().block();

        problems.write(exchange, HttpStatus.UNAUTHORIZED, "Please sign in with a valid API key.", null).block();

        assertThat(exchange.getResponse().getStatusCode()).isNotEqualTo(HttpStatus.UNAUTHORIZED);
    }
}
