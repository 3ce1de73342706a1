package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.job.Batch;
import dev.enrich.job.BatchRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link BatchRepository} does; each backend runs it against its adapter. */
public abstract class BatchRepositoryContract {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Return an empty repository. */
    protected abstract BatchRepository repository();

    @Test
    void aSavedBatchComesBackToItsTenantOnly() {
        BatchRepository batches = repository();
        Batch batch = new Batch("b1", "a", List.of("j2", "j1", "j3"), Instant.parse("2026-01-02T03:04:05.5Z"));
        assertThat(batches.save(batch).block(WAIT)).isEqualTo(batch);

        assertThat(batches.find("a", "b1").block(WAIT)).isEqualTo(batch);
        assertThat(batches.findById("b1").block(WAIT)).isEqualTo(batch);
        assertThat(batches.find("b", "b1").blockOptional(WAIT)).as("another tenant's id").isEmpty();
        assertThat(batches.findById("nope").blockOptional(WAIT)).isEmpty();
    }

    @Test
    void aDeletedBatchIsGone() {
        BatchRepository batches = repository();
        batches.save(new Batch("b1", "a", List.of("j1"), Instant.EPOCH)).block(WAIT);
        batches.delete("b1").block(WAIT);
        batches.delete("never").block(WAIT);
        assertThat(batches.findById("b1").blockOptional(WAIT)).isEmpty();
    }

    @Test
    void jobsTakenOutOfABatchLeaveTheRestInOrderAndAnEmptiedBatchGoes() {
        BatchRepository batches = repository();
        Instant created = Instant.parse("2026-01-02T03:04:05.123456789Z");
        batches.save(new Batch("b1", "a", List.of("j1", "j2", "j3", "j4"), created)).block(WAIT);

        assertThat(batches.removeJobs("b1", Set.of("j3", "j1", "elsewhere")).block(WAIT)).isFalse();
        assertThat(batches.find("a", "b1").block(WAIT))
                .isEqualTo(new Batch("b1", "a", List.of("j2", "j4"), created));
        assertThat(batches.removeJobs("b1", Set.of()).block(WAIT)).isFalse();

        assertThat(batches.removeJobs("b1", Set.of("j2", "j4")).block(WAIT)).isTrue();
        assertThat(batches.findById("b1").blockOptional(WAIT)).isEmpty();
        assertThat(batches.removeJobs("b1", Set.of("j2")).block(WAIT)).as("unknown: gone already").isTrue();
    }
}
