package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.session.MediaUsage;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** What every {@link MediaUsage} does; each backend runs it against its adapter. */
public abstract class MediaUsageContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);

    /** Return an empty counter. */
    protected abstract MediaUsage usage();

    /** Return a second handle on the counter behind {@code first}, as another replica would hold; default: itself. */
    protected MediaUsage otherReplica(MediaUsage first) {
        return first;
    }

    @Test
    void countsEachTenantsSessionsApart() {
        MediaUsage usage = usage();

        assertThat(usage.add("a", "s1", 300, 1000).block(WAIT)).isTrue();
        assertThat(usage.add("a", "s2", 200, 1000).block(WAIT)).isTrue();
        assertThat(usage.add("b", "s3", 900, 1000).block(WAIT)).isTrue();

        assertThat(usage.used("a").block(WAIT)).isEqualTo(500);
        assertThat(usage.used("b").block(WAIT)).isEqualTo(900);
        assertThat(usage.used("c").block(WAIT)).isZero();
    }

    @Test
    void refusesWhatWouldGoPastTheCapAndCountsNothingOfIt() {
        MediaUsage usage = usage();
        usage.add("a", "s1", 600, 1000).block(WAIT);

        assertThat(usage.add("a", "s2", 401, 1000).block(WAIT)).isFalse();
        assertThat(usage.used("a").block(WAIT)).isEqualTo(600);
        assertThat(usage.add("a", "s2", 400, 1000).block(WAIT)).isTrue();
        assertThat(usage.used("a").block(WAIT)).isEqualTo(1000);
    }

    @Test
    void countsASessionOnceWhenAddedAgain() {
        MediaUsage usage = usage();
        usage.add("a", "s1", 600, 1000).block(WAIT);

        assertThat(usage.add("a", "s1", 700, 1000).block(WAIT)).isTrue();
        assertThat(usage.used("a").block(WAIT)).isEqualTo(700);
    }

    @Test
    void releasingFreesTheSessionsBytesOnceAndForgetsAnEmptyTenant() {
        MediaUsage usage = usage();
        usage.add("a", "s1", 600, 1000).block(WAIT);
        usage.add("a", "s2", 300, 1000).block(WAIT);

        usage.release("a", "s1").block(WAIT);
        usage.release("a", "s1").block(WAIT);
        assertThat(usage.used("a").block(WAIT)).isEqualTo(300);
        usage.release("a", "unknown").block(WAIT);
        usage.release("a", "s2").block(WAIT);

        assertThat(usage.used("a").block(WAIT)).isZero();
        assertThat(usage.add("a", "s3", 1000, 1000).block(WAIT)).isTrue();
    }

    @Test
    void releasingASessionWithoutMediaLeavesTheOthersCounted() {
        MediaUsage usage = usage();
        usage.add("a", "notes-only", 0, 1000).block(WAIT);
        usage.add("a", "s1", 400, 1000).block(WAIT);

        usage.release("a", "notes-only").block(WAIT);

        assertThat(usage.used("a").block(WAIT)).isEqualTo(400);
    }

    @Test
    void concurrentAddsFromTwoReplicasNeverPassTheCap() {
        MediaUsage first = usage();
        MediaUsage second = otherReplica(first);

        List<Boolean> counted = Flux.fromStream(IntStream.range(0, 40).boxed())
                .flatMap(i -> (i % 2 == 0 ? first : second).add("a", "s" + i, 100, 1000)
                        .subscribeOn(Schedulers.parallel()))
                .collectList().block(WAIT);

        assertThat(counted).filteredOn(Boolean::booleanValue).hasSize(10);
        assertThat(second.used("a").block(WAIT)).isEqualTo(1000);
    }
}
