package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.idempotency.IdempotencyStore;
import dev.enrich.idempotency.StoredResponse;
import dev.enrich.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * What every {@link IdempotencyStore} does: one claim of a free key wins, even among concurrent claims on two
 * replicas; a completed key answers with its response, per tenant; a released or lapsed claim frees the key; a holder
 * whose claim is gone touches nothing. Each backend runs it against its store.
 */
public abstract class IdempotencyStoreContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration TTL = Duration.ofHours(24);
    // Short enough to run out during a test on a real clock (Redis), and past on the test clock (memory).
    private static final Duration SHORT = Duration.ofMillis(300);

    protected final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");

    /** Return an empty store judging time on {@code clock} where it can (Redis keeps its own time). */
    protected abstract IdempotencyStore store();

    /** Return a second handle on the store, as another replica holds one; the default is the store itself. */
    protected IdempotencyStore otherReplica(IdempotencyStore store) {
        return store;
    }

    @Test
    void theFirstClaimWinsAndOthersSeeItInFlightOnEveryReplica() {
        IdempotencyStore store = store();
        assertThat(claim(store, "acme", "k", LEASE)).isInstanceOf(IdempotencyStore.Acquired.class);

        IdempotencyStore.Claim again = claim(otherReplica(store), "acme", "k", LEASE);
        assertThat(again).isInstanceOf(IdempotencyStore.InFlight.class);
        assertThat(((IdempotencyStore.InFlight) again).remaining()).isPositive().isLessThanOrEqualTo(LEASE);
    }

    @Test
    void aCompletedKeyAnswersWithItsResponseOnEveryReplica() {
        IdempotencyStore store = store();
        String token = acquire(store, "acme", "k");
        StoredResponse response = response("f1");

        assertThat(store.complete("acme", "k", token, response, TTL).block(WAIT)).isTrue();

        assertThat(claim(otherReplica(store), "acme", "k", LEASE))
                .isEqualTo(new IdempotencyStore.Completed(response));
        assertThat(claim(store, "acme", "k", LEASE)).isEqualTo(new IdempotencyStore.Completed(response));
    }

    @Test
    void keysOfTwoTenantsDoNotCollide() {
        IdempotencyStore store = store();
        String token = acquire(store, "acme", "k");
        store.complete("acme", "k", token, response("acme's"), TTL).block(WAIT);

        assertThat(claim(otherReplica(store), "globex", "k", LEASE)).isInstanceOf(IdempotencyStore.Acquired.class);
    }

    @Test
    void aReleasedKeyCanBeClaimedAgain() {
        IdempotencyStore store = store();
        String first = acquire(store, "acme", "k");
        store.release("acme", "k", first).block(WAIT);

        String second = acquire(otherReplica(store), "acme", "k");
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void aHolderOfAnotherTokenTouchesNothing() {
        IdempotencyStore store = store();
        String token = acquire(store, "acme", "k");

        assertThat(store.renew("acme", "k", "not-" + token, LEASE).block(WAIT)).isFalse();
        assertThat(store.complete("acme", "k", "not-" + token, response("f"), TTL).block(WAIT)).isFalse();
        store.release("acme", "k", "not-" + token).block(WAIT);
        assertThat(claim(store, "acme", "k", LEASE)).as("still held").isInstanceOf(IdempotencyStore.InFlight.class);

        assertThat(store.complete("acme", "k", token, response("f"), TTL).block(WAIT)).isTrue();
        store.release("acme", "k", token).block(WAIT);
        assertThat(store.renew("acme", "k", token, LEASE).block(WAIT)).as("completed, no claim").isFalse();
        assertThat(claim(store, "acme", "k", LEASE)).as("a completed key is not released")
                .isInstanceOf(IdempotencyStore.Completed.class);
    }

    @Test
    void aLapsedClaimFreesTheKeyAndItsHolderCanNoLongerCompleteIt() {
        IdempotencyStore store = store();
        String lapsed = acquire(store, "acme", "k", SHORT);
        clock.advance(SHORT.multipliedBy(2));

        String taken = awaitAcquired(otherReplica(store), "acme", "k");
        assertThat(store.complete("acme", "k", lapsed, response("late"), TTL).block(WAIT)).isFalse();
        assertThat(store.complete("acme", "k", taken, response("f"), TTL).block(WAIT)).isTrue();
        assertThat(claim(store, "acme", "k", LEASE)).isEqualTo(new IdempotencyStore.Completed(response("f")));
    }

    @Test
    void aRenewedClaimHoldsForItsNewLease() {
        IdempotencyStore store = store();
        String token = acquire(store, "acme", "k", Duration.ofSeconds(2));

        assertThat(store.renew("acme", "k", token, LEASE).block(WAIT)).isTrue();

        IdempotencyStore.Claim held = claim(otherReplica(store), "acme", "k", LEASE);
        assertThat(((IdempotencyStore.InFlight) held).remaining()).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void aResponseIsForgottenAfterItsTimeToLive() {
        IdempotencyStore store = store();
        String token = acquire(store, "acme", "k");
        store.complete("acme", "k", token, response("f"), SHORT).block(WAIT);
        clock.advance(SHORT.multipliedBy(2));

        awaitAcquired(store, "acme", "k");
    }

    @Test
    void ofConcurrentClaimsOnTwoReplicasExactlyOneWins() {
        IdempotencyStore store = store();
        IdempotencyStore other = otherReplica(store);

        List<IdempotencyStore.Claim> claims = Flux.range(0, 16)
                .flatMap(i -> (i % 2 == 0 ? store : other).claim("acme", "k", LEASE)
                        .subscribeOn(Schedulers.parallel()), 16)
                .collectList()
                .block(WAIT);

        assertThat(claims).hasSize(16)
                .filteredOn(c -> c instanceof IdempotencyStore.Acquired).hasSize(1);
        assertThat(claims).filteredOn(c -> c instanceof IdempotencyStore.InFlight).hasSize(15);
    }

    @Test
    void aResponseComesBackExactlyAsKept() {
        IdempotencyStore store = store();
        StoredResponse response = new StoredResponse("e3b0c442", 201,
                Map.of("Location", List.of("/api/v1/sessions/s-1"), "X-Two", List.of("a", "b")),
                "{\"title\":\"Café \\\"déjà vu\\\" ✓\",\"n\":1}");
        String token = acquire(store, "acme", "k");
        store.complete("acme", "k", token, response, TTL).block(WAIT);

        IdempotencyStore.Claim claim = claim(otherReplica(store), "acme", "k", LEASE);
        assertThat(((IdempotencyStore.Completed) claim).response()).isEqualTo(response);
    }

    private static IdempotencyStore.Claim claim(IdempotencyStore store, String tenant, String key, Duration lease) {
        return store.claim(tenant, key, lease).block(WAIT);
    }

    private static String acquire(IdempotencyStore store, String tenant, String key) {
        return acquire(store, tenant, key, LEASE);
    }

    private static String acquire(IdempotencyStore store, String tenant, String key, Duration lease) {
        IdempotencyStore.Claim claim = claim(store, tenant, key, lease);
        assertThat(claim).isInstanceOf(IdempotencyStore.Acquired.class);
        return ((IdempotencyStore.Acquired) claim).token();
    }

    // Redis expires by its own clock: wait for it (the test clock already moved on for the memory store).
    private static String awaitAcquired(IdempotencyStore store, String tenant, String key) {
        AtomicReference<IdempotencyStore.Claim> last = new AtomicReference<>();
        Awaitility.await("the key free again").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    last.set(claim(store, tenant, key, LEASE));
                    return last.get() instanceof IdempotencyStore.Acquired;
                });
        return ((IdempotencyStore.Acquired) last.get()).token();
    }

    private static StoredResponse response(String fingerprint) {
        return new StoredResponse(fingerprint, 202, Map.of("Location", List.of("/api/v1/jobs/j-1")),
                "{\"jobId\":\"j-1\"}");
    }
}
