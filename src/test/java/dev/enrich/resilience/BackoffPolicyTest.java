package dev.enrich.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.config.ResilienceProperties;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

    private static final ResilienceProperties.Retry DEFAULTS = ResilienceProperties.Retry.defaults();

    @Test
    void nominalBackoffDoublesFromOneSecondUpToTenSeconds() {
        BackoffPolicy policy = new BackoffPolicy(DEFAULTS, () -> 0.5);
        assertThat(java.util.stream.IntStream.rangeClosed(1, 6).mapToObj(policy::nominal).map(Duration::toMillis))
                .containsExactly(1000L, 2000L, 4000L, 8000L, 10000L, 10000L);
        assertThat(policy.nominal(1000)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterStaysWithinHalfOfTheNominalDelayAndNeverExceedsTheMax() {
        Random random = new Random(7);
        BackoffPolicy policy = new BackoffPolicy(DEFAULTS, random::nextDouble);
        for (int i = 0; i < 10_000; i++) {
            int retry = 1 + i % 6;
            long nominal = policy.nominal(retry).toMillis();
            long delay = policy.delay(retry, Optional.empty()).toMillis();
            assertThat(delay).isBetween(nominal / 2, Math.min(10_000, nominal * 3 / 2));
        }
        assertThat(new BackoffPolicy(DEFAULTS, () -> 0).delay(1, Optional.empty())).hasMillis(500);
        assertThat(new BackoffPolicy(DEFAULTS, () -> 0.999_999).delay(6, Optional.empty())).hasMillis(10_000);
    }

    @Test
    void retryAfterLengthensTheWaitUpToItsCap() {
        BackoffPolicy policy = new BackoffPolicy(DEFAULTS, () -> 0.5);
        assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(7)))).hasSeconds(7);
        assertThat(policy.delay(1, Optional.of(Duration.ofMinutes(5)))).hasSeconds(10);
        assertThat(policy.delay(3, Optional.of(Duration.ofMillis(10)))).hasSeconds(4);
    }

    @Test
    void invalidSettingsSayWhatWasWrong() {
        assertThatThrownBy(() -> new ResilienceProperties.Retry(-1, Duration.ofSeconds(1), Duration.ofSeconds(10),
                0.5, Duration.ofSeconds(10)))
                .hasMessage("enrich.resilience.retry.max-retries must be in 0..20, but was -1");
        assertThatThrownBy(() -> new ResilienceProperties.Retry(3, Duration.ofSeconds(5), Duration.ofSeconds(1),
                0.5, Duration.ofSeconds(10)))
                .hasMessage("enrich.resilience.retry.max-backoff must be >= first-backoff (PT5S), but was PT1S");
        assertThatThrownBy(() -> new ResilienceProperties.CircuitBreaker(0, 50, 20, 10, Duration.ofSeconds(30), 2))
                .hasMessage("enrich.resilience.circuit-breaker.consecutive-failures must be > 0, but was 0");
    }
}
