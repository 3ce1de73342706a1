package dev.enrich.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enrich.events.EventLog;
import dev.enrich.events.EventLog.Opened;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * What every {@link EventLog} adapter does, whatever keeps the events: numbering, replay after an id, gap detection
 * past retention, batches in order, the end of subscriptions on shutdown, and the same answers from every instance
 * that shares the events (a second replica that never saw them).
 */
public abstract class EventLogContractTest {

    protected static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Return a fresh log retaining {@code retain} events per stream. */
    protected abstract EventLog log(int retain);

    /** Return another instance sharing {@code log}'s events (a second replica), or {@code log} if none can. */
    protected abstract EventLog replica(EventLog log);

    /** Wait until appends up to {@code seq} are visible to this instance's subscribers. */
    protected void awaitSeen(EventLog log, String stream, long seq) {
        await().atMost(TIMEOUT).until(() -> lastSeq(log, stream) >= seq);
    }

    /** Wait until this instance no longer holds anything of a deleted stream. */
    protected void awaitForgotten(EventLog log, String stream) {
    }

    /** Append and return the event as numbered by the log. */
    protected static JobEvent append(EventLog log, String stream, JobEvent event) {
        return log.append(stream, event).block(TIMEOUT);
    }

    protected static Opened open(EventLog log, String stream, long afterSeq) {
        return log.open(stream, afterSeq).block(TIMEOUT);
    }

    protected static long lastSeq(EventLog log, String stream) {
        return log.lastSeq(stream).block(TIMEOUT);
    }

    @Test
    void numbersEachStreamFromOneByOne() {
        EventLog log = log(10);
        assertThat(append(log, "job:a", stage("a")).seq()).isEqualTo(1);
        assertThat(append(log, "job:a", stage("a")).seq()).isEqualTo(2);
        assertThat(append(log, "job:b", stage("b")).seq()).isEqualTo(1);
        JobEvent third = append(log, "job:a", completed("a"));
        assertThat(third.seq()).isEqualTo(3);
        assertThat(third.jobSeq()).isEqualTo(3);
        assertThat(lastSeq(log, "job:a")).isEqualTo(3);
        assertThat(lastSeq(log, "job:unknown")).isZero();
    }

    @Test
    void anInstanceThatNeverSawAStreamAnswersWithItsNumbersAndFollowsItWithoutGapOrRepeat() {
        EventLog log = log(10);
        appendStages(log, "job:s", 3);
        EventLog other = replica(log);

        assertThat(lastSeq(other, "job:s")).isEqualTo(3);
        Opened live = open(other, "job:s", -1);
        assertThat(live).extracting(Opened::lastSeq, Opened::gap).containsExactly(3L, false);
        Opened resumed = open(other, "job:s", 1);
        assertThat(resumed).extracting(Opened::lastSeq, Opened::gap).containsExactly(3L, false);
        Opened ahead = open(other, "job:s", 7);
        assertThat(ahead).extracting(Opened::lastSeq, Opened::gap).containsExactly(3L, false);
        ahead.release();

        StepVerifier.create(flat(live))
                .then(() -> assertThat(append(log, "job:s", completed("s")).seq()).isEqualTo(4))
                .assertNext(e -> assertThat(e).extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::type)
                        .containsExactly(4L, 4L, EventType.COMPLETED))
                .thenCancel()
                .verify(TIMEOUT);
        StepVerifier.create(flat(resumed).map(JobEvent::seq).take(3))
                .expectNext(2L, 3L, 4L)
                .verifyComplete();
        assertThat(lastSeq(other, "job:s")).isEqualTo(4);
    }

    @Test
    void aJobEventInAnotherStreamKeepsTheNumberItWasGivenInItsJobStream() {
        EventLog log = log(10);
        appendStages(log, "job:k", 2);
        JobEvent first = append(log, "job:k", stage("k"));

        JobEvent shared = append(log, "user:tenant-1", first.withSeq(0));

        assertThat(shared).extracting(JobEvent::seq, JobEvent::jobSeq).containsExactly(1L, 3L);
        assertThat(flat(open(replica(log), "user:tenant-1", 0)).blockFirst(TIMEOUT))
                .extracting(JobEvent::seq, JobEvent::jobSeq).containsExactly(1L, 3L);
    }

    @Test
    void aSharedAppendNumbersTheEventInEachStreamWithItsJobStreamNumberAsJobSeq() {
        EventLog log = log(10);
        appendStages(log, "job:h", 2);
        append(log, "user:tenant-1", completed("other"));

        JobEvent stored = log.appendShared("job:h", List.of("batch:b1", "user:tenant-1"), stage("h")).block(TIMEOUT);

        assertThat(stored).extracting(JobEvent::seq, JobEvent::jobSeq).containsExactly(3L, 3L);
        EventLog other = replica(log);
        assertThat(flat(open(other, "batch:b1", 0)).blockFirst(TIMEOUT))
                .extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::jobId).containsExactly(1L, 3L, "h");
        assertThat(flat(open(other, "user:tenant-1", 1)).blockFirst(TIMEOUT))
                .extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::jobId).containsExactly(2L, 3L, "h");
        assertThat(flat(open(other, "job:h", 2)).blockFirst(TIMEOUT))
                .extracting(JobEvent::seq, JobEvent::jobSeq).containsExactly(3L, 3L);
    }

    @Test
    void theLastEventOfAStreamIsWhatAnyInstanceLastAppendedAndNothingForAStreamItDoesNotHold() {
        EventLog log = log(10);
        EventLog other = replica(log);
        assertThat(log.last("job:l").blockOptional(TIMEOUT)).isEmpty();

        appendStages(log, "job:l", 2);
        log.appendShared("job:l", List.of("batch:bl"), completed("l")).block(TIMEOUT);

        assertThat(other.last("job:l").block(TIMEOUT))
                .extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::type, JobEvent::tenant)
                .containsExactly(3L, 3L, EventType.COMPLETED, "tenant-1");
        assertThat(other.last("batch:bl").block(TIMEOUT))
                .extracting(JobEvent::seq, JobEvent::jobSeq, JobEvent::type).containsExactly(1L, 3L, EventType.COMPLETED);
        log.delete("job:l").block(TIMEOUT);
        awaitForgotten(log, "job:l");
        assertThat(log.last("job:l").blockOptional(TIMEOUT)).isEmpty();
    }

    @Test
    void replaysWhatFollowsAnIdThenGoesLive() {
        EventLog log = log(10);
        appendStages(log, "job:r", 3);
        awaitSeen(log, "job:r", 3);

        Opened opened = open(log, "job:r", 1);

        assertThat(opened.gap()).isFalse();
        assertThat(opened.lastSeq()).isEqualTo(3);
        StepVerifier.create(flat(opened))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(2))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(3))
                .then(() -> append(log, "job:r", completed("r")))
                .assertNext(e -> assertThat(e).extracting(JobEvent::seq, JobEvent::type)
                        .containsExactly(4L, EventType.COMPLETED))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void reportsAGapWhenTheEventsAfterTheIdAreNoLongerRetained() {
        EventLog log = log(3);
        appendStages(log, "job:g", 300); // Redis trims approximately (whole nodes of 100 entries)
        awaitSeen(log, "job:g", 300);

        Opened gapped = open(log, "job:g", 0);

        assertThat(gapped.gap()).isTrue();
        assertThat(gapped.lastSeq()).isEqualTo(300);
        StepVerifier.create(flat(gapped))
                .then(() -> append(log, "job:g", stage("g")))
                .assertNext(e -> assertThat(e.seq()).isEqualTo(301))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void aBacklogComesInOrderedBatchesNoneEmpty() {
        EventLog log = log(1_000);
        appendStages(log, "job:b", 600);
        awaitSeen(log, "job:b", 600);

        StepVerifier.create(open(log, "job:b", 0).batches().take(3).collectList())
                .assertNext(batches -> {
                    assertThat(batches).allSatisfy(b -> assertThat(b).isNotEmpty());
                    assertThat(batches.stream().flatMap(List::stream).map(JobEvent::seq).toList())
                            .startsWith(LongStream.rangeClosed(1, 3).boxed().toArray(Long[]::new))
                            .isSorted();
                })
                .verifyComplete();
        StepVerifier.create(flat(open(log, "job:b", 0)).take(600).map(JobEvent::seq).collectList())
                .assertNext(seqs -> assertThat(seqs)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, 600).boxed().toList()))
                .verifyComplete();
    }

    @Test
    void endingSubscriptionsSendsWhatWasAppendedThenCompletes() {
        EventLog log = log(10);
        appendStages(log, "job:e", 1);
        awaitSeen(log, "job:e", 1);
        Opened opened = open(log, "job:e", -1);

        StepVerifier.create(flat(opened))
                .then(() -> {
                    append(log, "job:e", event(EventType.INTERRUPTED, "e"));
                    awaitSeen(log, "job:e", 2);
                    log.endSubscriptions();
                })
                .expectNextMatches(e -> e.seq() == 2 && e.type() == EventType.INTERRUPTED)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aDeletedStreamIsGoneForEveryInstanceItsSubscribersCompleteAndItStartsOverAtOne() {
        EventLog log = log(10);
        EventLog other = replica(log);
        appendStages(log, "user:d", 3);
        awaitSeen(log, "user:d", 3);
        awaitSeen(other, "user:d", 3);
        Opened watching = open(log, "user:d", -1);

        StepVerifier.create(flat(watching))
                .then(() -> log.delete("user:d").block(TIMEOUT))
                .expectComplete()
                .verify(TIMEOUT);
        awaitForgotten(other, "user:d");

        assertThat(lastSeq(log, "user:d")).isZero();
        assertThat(lastSeq(other, "user:d")).isZero();
        assertThat(append(log, "user:d", completed("d")).seq()).isEqualTo(1);
        awaitSeen(other, "user:d", 1);
        StepVerifier.create(flat(open(other, "user:d", 0)).take(1))
                .assertNext(e -> assertThat(e).extracting(JobEvent::seq, JobEvent::type)
                        .containsExactly(1L, EventType.COMPLETED))
                .verifyComplete();
        log.delete("user:never").block(TIMEOUT);
    }

    protected void appendStages(EventLog log, String stream, int count) {
        for (int i = 0; i < count; i++) {
            append(log, stream, stage(stream.substring(stream.indexOf(':') + 1)));
        }
    }

    protected static Flux<JobEvent> flat(Opened opened) {
        return opened.batches().concatMapIterable(batch -> batch);
    }

    protected static JobEvent stage(String jobId) {
        return event(EventType.STAGE, jobId);
    }

    protected static JobEvent completed(String jobId) {
        return event(EventType.COMPLETED, jobId);
    }

    protected static JobEvent event(EventType type, String jobId) {
        JobState state = type == EventType.COMPLETED ? JobState.COMPLETED
                : type == EventType.INTERRUPTED ? JobState.INTERRUPTED : JobState.RUNNING;
        return new JobEvent(type, 0, 0, jobId, null, "tenant-1", state, 0.5, null, type.id(), "transcribe", null,
                null, null, Instant.EPOCH);
    }
}
