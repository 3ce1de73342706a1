package dev.enrich.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.client.JobEvent;
import dev.enrich.client.JobState;
import dev.enrich.client.Stage;
import dev.enrich.client.StageState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The SSE {@code data:} JSON the service writes (api/SseFrames) read as the typed event of its kind. */
class EventReaderTest {

    private static final String AT = "\"at\":\"2026-01-02T03:04:05Z\"";

    @Test
    void readsAJobSnapshotWithItsJob() {
        JobEvent event = EventReader.read("snapshot", "{\"type\":\"snapshot\",\"seq\":4,\"jobSeq\":4,\"jobId\":\"j1\","
                + "\"state\":\"running\",\"progress\":0.5,\"message\":\"Analyzing audio...\",\"detail\":{\"id\":\"j1\","
                + "\"sessionId\":\"s1\",\"priority\":\"interactive\",\"state\":\"running\",\"progress\":0.5,"
                + "\"message\":\"Analyzing audio...\",\"stages\":[{\"stage\":\"audio\",\"state\":\"running\","
                + "\"progress\":0.5}],\"createdAt\":\"2026-01-02T03:04:00Z\",\"attempt\":1,\"history\":[]},"
                + AT + "}");

        assertThat(event).isInstanceOfSatisfying(JobEvent.JobSnapshot.class, s -> {
            assertThat(s.seq()).isEqualTo(4);
            assertThat(s.job().sessionId()).isEqualTo("s1");
            assertThat(s.job().state()).isEqualTo(JobState.RUNNING);
            assertThat(s.job().stages()).singleElement()
                    .satisfies(st -> assertThat(st.stage()).isEqualTo(Stage.AUDIO));
            assertThat(s.message()).isEqualTo("Analyzing audio...");
        });
    }

    @Test
    void readsProgressStageRetryingAndEndings() {
        assertThat(EventReader.read("progress", "{\"seq\":5,\"jobId\":\"j1\",\"progress\":0.25,\"etaSeconds\":30,"
                + "\"message\":\"Analyzing audio...\",\"stage\":\"audio\",\"stageProgress\":0.5,"
                + "\"detail\":{\"etaText\":\"~30 seconds remaining\"}," + AT + "}"))
                .isEqualTo(new JobEvent.Progress(5, "j1", null, 0.25, 30L, "~30 seconds remaining", Stage.AUDIO, 0.5,
                        "Analyzing audio...", Instant.parse("2026-01-02T03:04:05Z")));
        assertThat(EventReader.read("stage", "{\"seq\":6,\"jobId\":\"j1\",\"batchId\":\"b1\",\"progress\":0.5,"
                + "\"message\":\"Audio analyzed.\",\"stage\":\"audio\",\"stageState\":\"succeeded\"," + AT + "}"))
                .isInstanceOfSatisfying(JobEvent.StageChanged.class, s -> {
                    assertThat(s.stageState()).isEqualTo(StageState.SUCCEEDED);
                    assertThat(s.batchId()).isEqualTo("b1");
                });
        assertThat(EventReader.read("retrying", "{\"seq\":7,\"jobId\":\"j1\",\"stage\":\"summary\",\"message\":"
                + "\"Couldn't reach the AI service. Retrying in 4s...\",\"detail\":{\"attempt\":2,\"maxAttempts\":3,"
                + "\"delaySeconds\":4}," + AT + "}"))
                .isInstanceOfSatisfying(JobEvent.Retrying.class, r -> {
                    assertThat(r.attempt()).isEqualTo(2);
                    assertThat(r.delay()).isEqualTo(Duration.ofSeconds(4));
                });
        for (JobState end : new JobState[] {JobState.COMPLETED, JobState.PARTIAL, JobState.FAILED,
                JobState.CANCELLED, JobState.INTERRUPTED}) {
            JobEvent event = EventReader.read(end.id(), "{\"seq\":9,\"jobId\":\"j1\",\"state\":\"" + end.id()
                    + "\",\"message\":\"Done.\"," + AT + "}");
            assertThat(event.isTerminal()).isTrue();
            assertThat(((JobEvent.Ended) event).state()).isEqualTo(end);
        }
    }

    @Test
    void readsBatchAndUserEvents() {
        String batch = "{\"id\":\"b1\",\"state\":\"completed\",\"total\":2,\"done\":2,\"counts\":{\"completed\":2},"
                + "\"progress\":1.0,\"etaText\":\"Almost done\",\"message\":\"2 of 2 sessions done.\","
                + "\"jobIds\":[\"j1\",\"j2\"],\"createdAt\":\"2026-01-02T03:04:00Z\"}";
        assertThat(EventReader.read("batch", "{\"seq\":3,\"batchId\":\"b1\",\"detail\":" + batch + "," + AT + "}"))
                .isInstanceOfSatisfying(JobEvent.BatchChanged.class, b -> {
                    assertThat(b.batch().counts()).containsEntry(JobState.COMPLETED, 2);
                    assertThat(b.message()).isEqualTo("2 of 2 sessions done.");
                });
        assertThat(EventReader.read("snapshot", "{\"seq\":1,\"batchId\":\"b1\",\"detail\":" + batch + "," + AT + "}"))
                .isInstanceOf(JobEvent.BatchSnapshot.class);
        assertThat(EventReader.read("snapshot", "{\"seq\":0,\"message\":\"No sessions yet.\",\"detail\":"
                + "{\"jobs\":[]}," + AT + "}"))
                .isInstanceOfSatisfying(JobEvent.UserSnapshot.class, u -> assertThat(u.jobs()).isEmpty());
    }

    @Test
    void keepsKindsAndValuesItDoesNotKnow() {
        String data = "{\"seq\":8,\"jobId\":\"j1\",\"stage\":\"translation\",\"stageState\":\"pondering\","
                + "\"message\":\"New.\",\"extra\":true," + AT + "}";
        assertThat(EventReader.read("stage", data)).isInstanceOfSatisfying(JobEvent.StageChanged.class, s -> {
            assertThat(s.stage()).isEqualTo(Stage.UNKNOWN);
            assertThat(s.stageState()).isEqualTo(StageState.UNKNOWN);
        });
        assertThat(EventReader.read("heartbeat-v2", data)).isEqualTo(new JobEvent.Unknown(8, "heartbeat-v2", data,
                "New.", Instant.parse("2026-01-02T03:04:05Z")));
    }
}
