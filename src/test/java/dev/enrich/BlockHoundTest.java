package dev.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Prove BlockHound is installed in the test run, so the other tests really guard the event loops. */
class BlockHoundTest {

    @Test
    void blockingOnANonBlockingThreadFails() {
        StepVerifier.create(Mono.delay(Duration.ofMillis(1))
                        .doOnNext(i -> {
                            try {
                                Thread.sleep(1);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        })
                        .subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("Blocking call"))
                .verify(Duration.ofSeconds(5));
    }
}
