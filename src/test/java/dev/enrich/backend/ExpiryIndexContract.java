package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.retention.ExpiryIndex;
import dev.enrich.retention.ExpiryIndex.SessionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** What every {@link ExpiryIndex} does; each backend runs it against its adapter. */
public abstract class ExpiryIndexContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);

    /** Return an empty index. */
    protected abstract ExpiryIndex index();

    /** Return a second handle on the index behind {@code first}, as another replica would hold; default: itself. */
    protected ExpiryIndex otherReplica(ExpiryIndex first) {
        return first;
    }

    @Test
    void claimsOnlyWhatIsDueOldestFirstUpToTheLimit() {
        ExpiryIndex index = index();
        index.schedule(key("a", "late"), T0.plusSeconds(30)).block(WAIT);
        index.schedule(key("a", "first"), T0.minusSeconds(20)).block(WAIT);
        index.schedule(key("b", "second"), T0.minusSeconds(10)).block(WAIT);
        index.schedule(key("b", "third"), T0).block(WAIT);

        assertThat(index.claim(T0, LEASE, 2).collectList().block(WAIT))
                .containsExactly(key("a", "first"), key("b", "second"));
        assertThat(index.claim(T0, LEASE, 10).collectList().block(WAIT)).containsExactly(key("b", "third"));
        assertThat(index.size().block(WAIT)).isEqualTo(4);
    }

    @Test
    void aClaimedSessionComesBackAfterTheLeaseUnlessRescheduledOrRemoved() {
        ExpiryIndex index = index();
        index.schedule(key("a", "s1"), T0).block(WAIT);
        index.schedule(key("a", "s2"), T0).block(WAIT);
        index.schedule(key("a", "s3"), T0).block(WAIT);
        assertThat(index.claim(T0, LEASE, 10).collectList().block(WAIT)).hasSize(3);

        index.schedule(key("a", "s2"), T0.plus(Duration.ofDays(7))).block(WAIT);
        index.remove(key("a", "s3")).block(WAIT);

        assertThat(index.claim(T0.plus(LEASE).minusMillis(1), LEASE, 10).collectList().block(WAIT)).isEmpty();
        assertThat(index.claim(T0.plus(LEASE), LEASE, 10).collectList().block(WAIT)).containsExactly(key("a", "s1"));
        assertThat(index.size().block(WAIT)).isEqualTo(2);
    }

    @Test
    void tenantAndSessionIdsRoundTripWhateverTheyHold() {
        ExpiryIndex index = index();
        SessionKey odd = key("team:42:x", "5:abc:def");
        index.schedule(odd, T0).block(WAIT);

        assertThat(index.claim(T0, LEASE, 10).collectList().block(WAIT)).containsExactly(odd);
    }

    @Test
    void twoReplicasClaimingAtOnceNeverTakeOneSessionTwice() {
        ExpiryIndex first = index();
        ExpiryIndex second = otherReplica(first);
        IntStream.range(0, 200).forEach(i -> first.schedule(key("t", "s" + i), T0).block(WAIT));

        List<SessionKey> taken = Flux.range(0, 40)
                .flatMap(i -> (i % 2 == 0 ? first : second).claim(T0, LEASE, 7).subscribeOn(Schedulers.parallel()))
                .collectList().block(WAIT);

        assertThat(taken).hasSize(200).doesNotHaveDuplicates();
    }

    private static SessionKey key(String tenant, String session) {
        return new SessionKey(tenant, session);
    }
}
