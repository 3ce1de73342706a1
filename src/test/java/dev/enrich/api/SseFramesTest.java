package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.JobState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SseFramesTest {

    private final SseFrames frames = new SseFrames(JsonMapper.builder().build());

    @Test
    void writesABatchAsConsecutiveFramesUpToTheEventThatEndsTheStream() {
        JobEvent stage = event(EventType.STAGE, 1, "Analyzing audio...\nline two");
        JobEvent done = event(EventType.COMPLETED, 2, "Done.");
        JobEvent after = event(EventType.STAGE, 3, "Never sent.");

        SseFrames.Chunk chunk = frames.chunk(List.of(stage, done, after), e -> e.type().isTerminal());

        assertThat(chunk.ends()).isTrue();
        String text = new String(chunk.bytes(), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("id:1\nevent:stage\ndata:{\"type\":\"stage\",\"seq\":1,\"jobSeq\":1,\"jobId\":\"j1\","
                + "\"state\":\"running\",\"progress\":0.5,\"message\":\"Analyzing audio...\\nline two\","
                + "\"at\":\"1970-01-01T00:00:00Z\"}\n\n"
                + "id:2\nevent:completed\ndata:{\"type\":\"completed\",\"seq\":2,\"jobSeq\":2,\"jobId\":\"j1\","
                + "\"state\":\"running\",\"progress\":0.5,\"message\":\"Done.\",\"at\":\"1970-01-01T00:00:00Z\"}\n\n");
    }

    @Test
    void writesEachLoggedEventOnceAndTheSameBatchOnce() {
        JobEvent stage = event(EventType.STAGE, 1, "Analyzing audio...");
        List<JobEvent> batch = List.of(stage, event(EventType.PROGRESS, 2, "Analyzing audio..."));

        Predicate<JobEvent> never = e -> false;

        assertThat(frames.frame(stage)).isSameAs(frames.frame(stage));
        assertThat(frames.chunk(batch, never).bytes()).isSameAs(frames.chunk(batch, never).bytes());
    }

    private static JobEvent event(EventType type, long seq, String message) {
        return new JobEvent(type, seq, seq, "j1", null, "t1", JobState.RUNNING, 0.5, null, message, null, null, null,
                null, Instant.EPOCH);
    }
}
