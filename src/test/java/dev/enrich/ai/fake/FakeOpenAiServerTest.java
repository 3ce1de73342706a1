package dev.enrich.ai.fake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Check the fake server's own knobs: seeded random faults and latency. */
class FakeOpenAiServerTest {

    static final String CHAT = """
            {"model": "m", "messages": [{"role": "user", "content": "hello"}]}""";

    @Test
    void randomFaultsFollowTheSeed() {
        FakeOpenAiServer.Options options = new FakeOpenAiServer.Options(0, Duration.ZERO, 0.5,
                EnumSet.of(Fault.SERVER_ERROR, Fault.UNAVAILABLE), 7, null, "1");

        List<Integer> first = statuses(options, 30);
        List<Integer> second = statuses(options, 30);

        assertThat(first).isEqualTo(second).contains(200, 500, 503);
    }

    @Test
    void latencyDelaysEveryAnswer() {
        try (FakeOpenAiServer fake = FakeOpenAiServer.start(new FakeOpenAiServer.Options(0, Duration.ofMillis(300),
                0, EnumSet.noneOf(Fault.class), 1, null, "1"))) {
            long start = System.nanoTime();
            StepVerifier.create(post(WebClient.create(fake.baseUrl()))).expectNext(200).expectComplete()
                    .verify(Duration.ofSeconds(10));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    private static List<Integer> statuses(FakeOpenAiServer.Options options, int calls) {
        try (FakeOpenAiServer fake = FakeOpenAiServer.start(options)) {
            WebClient client = WebClient.create(fake.baseUrl());
            List<Integer> statuses = new ArrayList<>();
            // One call at a time, so the seeded draws happen in a fixed order.
            StepVerifier.create(Flux.range(0, calls).concatMap(i -> post(client)))
                    .recordWith(() -> statuses)
                    .expectNextCount(calls)
                    .expectComplete()
                    .verify(Duration.ofSeconds(20));
            return statuses;
        }
    }

    private static Mono<Integer> post(WebClient client) {
        return client.post().uri("/chat/completions").header("Content-Type", "application/json").bodyValue(CHAT)
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()));
    }
}
