package dev.enrich.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.IdempotencyStoreContract;
import dev.enrich.idempotency.IdempotencyStore;
import dev.enrich.idempotency.StoredResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Keys in one process keep the contract; past the bound the oldest answered keys go, never one in flight.
 */
class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

    @Override
    protected IdempotencyStore store() {
        return new InMemoryIdempotencyStore(1000, clock);
    }

    @Test
    void pastTheBoundTheOldestAnsweredKeysGoFirstNeverOneInFlight() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(3, clock);
        Duration lease = Duration.ofMinutes(1);
        assertThat(store.claim("acme", "in-flight", lease).block(WAIT)).isInstanceOf(IdempotencyStore.Acquired.class);
        for (int i = 1; i <= 4; i++) {
            var claim = (IdempotencyStore.Acquired) store.claim("acme", "k" + i, lease).block(WAIT);
            assertThat(store.complete("acme", "k" + i, claim.token(), response(i), Duration.ofHours(24)).block(WAIT))
                    .isTrue();
        }
        // Each claim past three keys made room: k1, then k2, the oldest answers, went; the key in flight, older still,
        // stayed.
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.claim("acme", "k4", lease).block(WAIT)).isInstanceOf(IdempotencyStore.Completed.class);
        assertThat(store.claim("acme", "k3", lease).block(WAIT)).isInstanceOf(IdempotencyStore.Completed.class);
        assertThat(store.claim("acme", "in-flight", lease).block(WAIT)).isInstanceOf(IdempotencyStore.InFlight.class);
        assertThat(store.claim("acme", "k1", lease).block(WAIT)).as("forgotten: a new request")
                .isInstanceOf(IdempotencyStore.Acquired.class);
        // That claim made room by k3, now the oldest answer (k4 was answered after it).
        assertThat(store.claim("acme", "k4", lease).block(WAIT)).isInstanceOf(IdempotencyStore.Completed.class);
        assertThat(store.size()).isEqualTo(3);
    }

    @Test
    void aStoreFullOfClaimsInFlightKeepsThemAllAndForgetsThemWhenTheirLeasesRunOut() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(10, clock);
        for (int i = 0; i < 20; i++) {
            store.claim("acme", "k" + i, Duration.ofMinutes(1)).block(WAIT);
        }
        assertThat(store.size()).as("every copy in flight still answers 409").isEqualTo(20);

        clock.advance(Duration.ofMinutes(2));
        store.claim("acme", "next", Duration.ofMinutes(1)).block(WAIT);
        assertThat(store.size()).isLessThanOrEqualTo(10);
    }

    private static StoredResponse response(int i) {
        return new StoredResponse("fp" + i, 202, Map.of(), "{\"n\":" + i + "}");
    }
}
