package dev.enrich.backend.redis;

import static dev.enrich.pipeline.StageName.AUDIO;
import static dev.enrich.pipeline.StageName.SUMMARY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.StageName;
import dev.enrich.progress.DurationKey;
import dev.enrich.progress.DurationModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.scheduler.Schedulers;

/** Stage durations learned on one replica are used by another, against a real redis-server. */
class RedisDurationSyncTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final DurationModel modelA = new DurationModel(0.5);
    private final DurationModel modelB = new DurationModel(0.5);
    private final RedisDurationSync replicaA = sync(REDIS.template(), modelA);
    private final RedisDurationSync replicaB = sync(REDIS.otherTemplate(), modelB);

    @Test
    void durationsLearnedOnOneReplicaAreUsedByAnother() {
        replicaA.share(List.of(observed(AUDIO, Duration.ofSeconds(10), Duration.ofSeconds(20)))).block(WAIT);
        replicaB.refresh().block(WAIT);

        assertThat(modelB.expected(AUDIO, null)).contains(Duration.ofSeconds(10));
        assertThat(modelB.expected(AUDIO, Duration.ofSeconds(40))).as("per media-second").contains(Duration.ofSeconds(20));
        assertThat(modelB.expected(SUMMARY, null)).isEmpty();
    }

    @Test
    void durationsLearnedPerInputAreSharedUnderTheirOwnKey() {
        DurationKey afterAudio = new DurationKey(SUMMARY, "audio");
        replicaA.share(List.of(new DurationModel.Observation(afterAudio, new DurationModel.Averages(6))))
                .block(WAIT);
        replicaA.share(List.of(new DurationModel.Observation(SUMMARY, new DurationModel.Averages(2)))).block(WAIT);
        replicaB.refresh().block(WAIT);

        assertThat(modelB.averages(afterAudio)).contains(new DurationModel.Averages(6));
        assertThat(modelB.averages(SUMMARY)).contains(new DurationModel.Averages(2));
        assertThat(modelB.expected(new DurationKey(SUMMARY, "video"), null)).as("the stage's, for an unseen input")
                .contains(Duration.ofSeconds(2));
    }

    @Test
    void aBlendReturnsEveryFieldOfItsKeyNotOnlyThoseItMoved() {
        DurationModel.Averages full = new DurationModel.Averages(10, new DurationModel.Moments(20, 10, 400, 200),
                List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9));
        replicaA.share(List.of(new DurationModel.Observation(AUDIO, full))).block(WAIT);
        replicaA.share(List.of(new DurationModel.Observation(SUMMARY, new DurationModel.Averages(99))))
                .block(WAIT);
        replicaA.share(List.of(new DurationModel.Observation(AUDIO, new DurationModel.Averages(20)))).block(WAIT);

        DurationModel alone = new DurationModel(0.5);
        alone.adopt(AUDIO, full);
        alone.record(AUDIO, Duration.ofSeconds(20), null);
        assertThat(modelA.averages(AUDIO)).as("moments and profile kept, the seconds blended, no other key's")
                .isEqualTo(alone.averages(AUDIO));
    }

    @Test
    void theFleetAveragesObservationsInTheOrderTheyReachRedis() {
        DurationModel alone = new DurationModel(0.5);
        replicaA.share(List.of(observed(AUDIO, Duration.ofSeconds(10), null))).block(WAIT);
        replicaB.share(List.of(observed(AUDIO, Duration.ofSeconds(20), null))).block(WAIT);
        replicaA.share(List.of(observed(AUDIO, Duration.ofMillis(30_100), null))).block(WAIT);
        for (long millis : new long[] {10_000, 20_000, 30_100}) {
            alone.record(AUDIO, Duration.ofMillis(millis), null);
        }

        assertThat(modelA.averages(AUDIO)).as("what A's own share brought back").isEqualTo(alone.averages(AUDIO));
        replicaB.refresh().block(WAIT);
        assertThat(modelB.averages(AUDIO)).isEqualTo(alone.averages(AUDIO));
    }

    @Test
    void aBatchOfObservationsBlendsAsTheyWouldOneByOneInOneStep() {
        DurationModel alone = new DurationModel(0.5);
        DurationKey afterAudio = new DurationKey(SUMMARY, "audio");
        replicaA.share(List.of(observed(AUDIO, Duration.ofSeconds(10), Duration.ofSeconds(40)),
                new DurationModel.Observation(afterAudio, new DurationModel.Averages(6)),
                observed(AUDIO, Duration.ofSeconds(20), Duration.ofSeconds(60)))).block(WAIT);
        alone.record(AUDIO, Duration.ofSeconds(10), Duration.ofSeconds(40));
        alone.record(AUDIO, Duration.ofSeconds(20), Duration.ofSeconds(60));

        assertThat(modelA.averages(AUDIO)).as("in order, each key's fields brought back")
                .isEqualTo(alone.averages(AUDIO));
        assertThat(modelA.averages(afterAudio)).contains(new DurationModel.Averages(6));
        replicaB.refresh().block(WAIT);
        assertThat(modelB.averages(AUDIO)).isEqualTo(alone.averages(AUDIO));
        assertThat(modelB.averages(afterAudio)).contains(new DurationModel.Averages(6));
    }

    @Test
    void startedReplicasShareWhatTheyRecordAndReadWhatWasLearnedBefore() {
        replicaA.share(List.of(observed(SUMMARY, Duration.ofSeconds(3), null))).block(WAIT);
        replicaA.start();
        replicaB.start();
        try {
            modelA.record(AUDIO, Duration.ofSeconds(7), null);

            Awaitility.await("B learns what A recorded").atMost(WAIT)
                    .until(() -> modelB.expected(AUDIO, null).equals(Optional.of(Duration.ofSeconds(7))));
            assertThat(modelB.expected(SUMMARY, null)).as("learned before B started").contains(Duration.ofSeconds(3));
        } finally {
            replicaA.stop();
            replicaB.stop();
        }
    }

    private static RedisDurationSync sync(ReactiveStringRedisTemplate redis, DurationModel model) {
        return new RedisDurationSync(redis, model, Duration.ofMillis(50), Schedulers.parallel());
    }

    private static DurationModel.Observation observed(StageName stage, Duration took, @Nullable Duration media) {
        DurationModel recorder = new DurationModel(1);
        recorder.record(stage, took, media);
        return new DurationModel.Observation(stage, recorder.averages(stage).orElseThrow());
    }
}
