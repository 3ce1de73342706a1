package dev.enrich.stage.canvas;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.Chapter;
import dev.enrich.model.TimeSpan;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.testing.Outputs;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Build upstream results and stage contexts for canvas tests. */
public final class CanvasFixtures {

    static final String SESSION_ID = "s-1";
    static final Instant CREATED = Instant.parse("2025-03-04T09:30:00Z");

    private CanvasFixtures() {}

    static Session session(String title) {
        return new Session(SESSION_ID, "t", title, SessionText.inline("Notes."), null, List.of(), CREATED);
    }

    static StageContext context(String title, StageResult... upstream) {
        Map<StageName, StageResult> results = new EnumMap<>(StageName.class);
        for (StageResult r : upstream) {
            results.put(r.stage(), r);
        }
        return new StageContext("job-1", session(title), results, new NoMedia());
    }

    public static StageResult audio() {
        return StageResult.succeeded(StageName.AUDIO, new AudioAnalysis(120.5, 16000, 1, 16, -23.46, -1.2, 0.0,
                0.7234, 14.25, List.of(new TimeSpan(1.0, 30.5), new TimeSpan(44.75, 110.0)), false, loudness(121), null,
                List.of(), false, null));
    }

    public static StageResult video() {
        return StageResult.succeeded(StageName.VIDEO, Outputs.video(118.0,
                List.of(chapter(0, 0.0, 40.0), chapter(1, 40.0, 80.0), chapter(2, 80.0, 118.0)),
                List.of(40.0, 80.0), List.of(0.0, 0.1, 0.9, 0.2)));
    }

    public static StageResult summary() {
        return StageResult.succeeded(StageName.SUMMARY, Outputs.summary("Release planning",
                "We planned the release. Docs are next.", List.of("We planned the release.", "Docs are next."),
                List.of("release", "docs"), List.of("Write the docs", "Tag v1.0")));
    }

    static Chapter chapter(int index, double start, double end) {
        return new Chapter(index, start, end, "/api/v1/sessions/" + SESSION_ID + "/thumbnails/" + index);
    }

    static List<Double> loudness(int n) {
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i % 10 < 7 ? -20.0 : -70.0);
        }
        return out;
    }

    /** The canvas never opens media. */
    static final class NoMedia implements MediaStore {
        @Override
        public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream open(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Void> deleteSession(String tenant, String sessionId) {
            throw new UnsupportedOperationException();
        }
    }
}
