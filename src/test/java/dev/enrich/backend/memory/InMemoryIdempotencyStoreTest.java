package dev.enrich.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.IdempotencyStoreContract;
import dev.enrich.idempotency.IdempotencyStore;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Idempotency-Keys in one process keep the contract, and no more of them than the bound stay held. */
class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

    @Override
    protected IdempotencyStore store() {
        return new InMemoryIdempotencyStore(1000, clock);
    }

    @Test
    void atMostMaxKeysAreHeld() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(10, clock);
        for (int i = 0; i < 100; i++) {
            store.claim("acme", "k" + i, Duration.ofMinutes(1)).block(WAIT);
        }

        Awaitility.await("evicted down to the bound").atMost(WAIT).until(() -> store.size() <= 10);
    }
}
